//! The parameter catalogue: every number of an assumption set with its name in Chinese
//! and English, its unit, where it comes from and how far to trust it. The UI lists and
//! edits sets through it, reports print it, docs/valuation.md explains it. A parameter is
//! addressed by the JSON pointer of its place in the serialised `Assumptions`.

use serde_json::Value;

use crate::assumptions::{Assumptions, LadderRow};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Whole months.
    Months,
    /// A share between 0 and 1, shown as a percentage.
    Share,
    /// A positive multiplier.
    Factor,
    /// A volatility or shift on the normal scale.
    Sigma,
    /// A whole number.
    Count,
    /// On or off.
    Switch,
}

/// How far to trust a parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confidence {
    /// Set by a legal rule (e.g. the auction start price floor).
    Rule,
    /// A choice of the model's text (valuation.md), not calibrated.
    Model,
    /// A starting assumption to calibrate against the company's own history.
    Assumption,
    /// An observed market figure.
    Market,
}

impl Confidence {
    pub fn code(self) -> &'static str {
        match self {
            Confidence::Rule => "rule",
            Confidence::Model => "model",
            Confidence::Assumption => "assumption",
            Confidence::Market => "market",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Confidence::Rule => "法规规定",
            Confidence::Model => "模型设定",
            Confidence::Assumption => "待校准假设",
            Confidence::Market => "市场数据",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            Confidence::Rule => "legal rule",
            Confidence::Model => "model choice",
            Confidence::Assumption => "assumption to calibrate",
            Confidence::Market => "market figure",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// JSON pointer into the serialised assumption set, e.g. `/timeline/judgment_not_sued`.
    pub path: String,
    pub group_zh: &'static str,
    pub group_en: &'static str,
    pub zh: String,
    pub en: String,
    pub unit: Unit,
    /// Where it comes from (section of valuation.md, a rule).
    pub source: &'static str,
    pub confidence: Confidence,
}

const ROUNDS_ZH: [&str; 3] = ["一拍", "二拍", "变卖"];
const ROUNDS_EN: [&str; 3] = ["round 1", "round 2", "negotiated sale"];

fn row_names(row: LadderRow) -> (&'static str, &'static str) {
    match row {
        LadderRow::Residential => ("住宅", "residential"),
        LadderRow::Commercial => ("商业", "commercial"),
        LadderRow::Industrial => ("工业厂房", "industrial"),
        LadderRow::Land => ("土地使用权", "land use right"),
        LadderRow::UnderConstruction => ("在建工程", "construction in progress"),
        LadderRow::Vehicle => ("车辆", "vehicle"),
        LadderRow::Equipment => ("设备及其他", "equipment and other"),
        LadderRow::Pledge => ("股权/应收账款质押", "equity / receivable pledge"),
    }
}

const BETA_FIELDS: [(&str, &str, &str); 7] = [
    ("corporate_operating", "企业·正常经营", "company, operating"),
    ("corporate_ceased", "企业·吊销/注销", "company, ceased"),
    ("corporate_bankrupt", "企业·破产", "company, bankrupt"),
    ("corporate_deceased_or_missing", "企业·下落不明", "company, missing"),
    ("individual_normal", "个人·正常", "individual, normal"),
    ("individual_bankrupt", "个人·破产", "individual, bankrupt"),
    ("individual_deceased_or_missing", "个人·死亡或下落不明", "individual, deceased or missing"),
];

/// Every parameter of an assumption set, in the order a valuer reads them.
pub fn catalogue() -> Vec<Param> {
    let mut out = Vec::new();
    let mut add = |group: (&'static str, &'static str),
                   path: String,
                   zh: String,
                   en: String,
                   unit: Unit,
                   source: &'static str,
                   confidence: Confidence| {
        out.push(Param { path, group_zh: group.0, group_en: group.1, zh, en, unit, source, confidence });
    };
    let t = ("诉讼时间线（月）", "Litigation timeline (months)");
    for (field, zh, en) in [
        ("judgment_not_sued", "未诉：判决生效", "not sued: judgment effective"),
        ("judgment_filed", "已起诉：判决生效", "filed: judgment effective"),
        ("enforcement_after_judgment", "判决后申请执行", "enforcement after judgment"),
        ("terminated_restart", "终本后恢复执行", "restart after enforcement was terminated"),
        ("first_auction_after_enforcement", "执行后首次拍卖", "first auction after enforcement starts"),
        ("bankruptcy_first_auction", "破产：首次拍卖", "bankruptcy: first auction"),
        ("second_round_after", "一拍至二拍", "round 1 to round 2"),
        ("negotiated_sale_after", "二拍至变卖", "round 2 to negotiated sale"),
        ("distribution_lag", "成交至分配", "sale to distribution"),
        ("settlement_realised_after", "以物抵债后变现", "realising an item taken in settlement"),
        ("guarantor_after_judgment", "判决后保证人回收", "guarantor cash after judgment"),
        ("unsecured_after_judgment", "判决后债务人财产回收", "debtor's assets after judgment"),
        ("bankruptcy_estate_month", "破产财产分配", "bankruptcy estate pays"),
    ] {
        add(
            t,
            format!("/timeline/{field}"),
            zh.into(),
            en.into(),
            Unit::Months,
            "valuation.md §3.1",
            Confidence::Assumption,
        );
    }
    let l = ("司法拍卖", "Judicial auction");
    add(
        l,
        "/ladder/market_value".into(),
        "市场价值系数".into(),
        "market-value factor on appraisal".into(),
        Unit::Factor,
        "valuation.md §3.2",
        Confidence::Model,
    );
    for r in 0..3 {
        let (source, confidence) = if r == 0 {
            ("拍卖规定：起拍价不低于评估价 70%", Confidence::Rule)
        } else {
            ("拍卖规定：再次拍卖降价不超过 20%", Confidence::Rule)
        };
        add(
            l,
            format!("/ladder/start/{r}"),
            format!("{}起拍价 / 价值", ROUNDS_ZH[r]),
            format!("{} start price / value", ROUNDS_EN[r]),
            Unit::Share,
            source,
            confidence,
        );
    }
    for r in 0..3 {
        add(
            l,
            format!("/ladder/premium/{r}"),
            format!("{}溢价", ROUNDS_ZH[r]),
            format!("{} premium over start", ROUNDS_EN[r]),
            Unit::Share,
            "valuation.md §3.2",
            Confidence::Assumption,
        );
    }
    for (i, row) in LadderRow::ALL.iter().enumerate() {
        let (zh, en) = row_names(*row);
        for r in 0..3 {
            add(
                l,
                format!("/ladder/probabilities/{i}/{r}"),
                format!("{zh}：{}成交概率", ROUNDS_ZH[r]),
                format!("{en}: sale probability, {}", ROUNDS_EN[r]),
                Unit::Share,
                "valuation.md §3.2",
                Confidence::Assumption,
            );
        }
    }
    add(
        l,
        "/ladder/settlement_ratio".into(),
        "流拍以物抵债折价（变卖价 ×）".into(),
        "unsold: taken in settlement at round-3 price ×".into(),
        Unit::Share,
        "valuation.md §3.2",
        Confidence::Assumption,
    );
    add(
        l,
        "/ladder/sale_costs".into(),
        "处置税费".into(),
        "sale costs".into(),
        Unit::Share,
        "valuation.md §3.2",
        Confidence::Assumption,
    );
    let g = ("保证人与债务人", "Guarantors and debtor");
    add(
        g,
        "/guarantor_route".into(),
        "追索保证人".into(),
        "pursue guarantors".into(),
        Unit::Switch,
        "valuation.md §3.3",
        Confidence::Model,
    );
    add(
        g,
        "/guarantee_validity".into(),
        "保证有效性 v".into(),
        "guarantee validity v".into(),
        Unit::Share,
        "valuation.md §3.3",
        Confidence::Assumption,
    );
    for (field, zh, en) in BETA_FIELDS {
        add(
            g,
            format!("/guarantor_beta/{field}"),
            format!("保证人回收率 β：{zh}"),
            format!("guarantor recovery β: {en}"),
            Unit::Share,
            "valuation.md §3.3, §7",
            Confidence::Assumption,
        );
    }
    add(
        g,
        "/unsecured_route".into(),
        "追索债务人其他财产".into(),
        "pursue the debtor's other assets".into(),
        Unit::Switch,
        "valuation.md §3.4",
        Confidence::Model,
    );
    for (field, zh, en) in BETA_FIELDS {
        add(
            g,
            format!("/unsecured_beta/{field}"),
            format!("债务人财产回收率 β：{zh}"),
            format!("debtor recovery β: {en}"),
            Unit::Share,
            "valuation.md §3.4, §7",
            Confidence::Assumption,
        );
    }
    add(
        g,
        "/bankruptcy_estate_ratio".into(),
        "破产清偿率".into(),
        "bankruptcy estate ratio".into(),
        Unit::Share,
        "valuation.md §3.6",
        Confidence::Assumption,
    );
    let c = ("费用与特殊情形", "Costs and special cases");
    add(
        c,
        "/legal_costs".into(),
        "律师及处置服务费（占回收）".into(),
        "legal and servicing costs (share of recoveries)".into(),
        Unit::Share,
        "valuation.md §3.5",
        Confidence::Assumption,
    );
    add(
        c,
        "/time_barred_factor".into(),
        "超过时效的回收系数".into(),
        "time-barred recovery factor".into(),
        Unit::Share,
        "valuation.md §3.6",
        Confidence::Assumption,
    );
    let m = ("蒙特卡洛", "Monte Carlo");
    for (field, zh, en, unit) in [
        ("sigma_market", "系统性价值波动 σm", "systematic value volatility σm", Unit::Sigma),
        ("sigma_item", "单项价值波动 σk", "item value volatility σk", Unit::Sigma),
        ("liquidity", "流动性冲击 λ", "liquidity shift λ", Unit::Sigma),
        ("sigma_duration", "法院周期波动", "court-speed volatility", Unit::Sigma),
        ("sigma_recovery", "回收率波动", "recovery-ratio volatility", Unit::Sigma),
        ("confidence", "置信出价的置信水平 α", "confidence level α of the confidence bid", Unit::Share),
    ] {
        add(m, format!("/monte_carlo/{field}"), zh.into(), en.into(), unit, "valuation.md §4", Confidence::Assumption);
    }
    let r = ("个贷批量", "Retail batches");
    add(
        r,
        "/retail/servicing".into(),
        "催收服务费".into(),
        "servicing cost".into(),
        Unit::Share,
        "valuation.md §5",
        Confidence::Model,
    );
    for (b, label) in ["< 180 天", "180–359 天", "360–719 天", "720–1079 天", "≥ 1080 天"].iter().enumerate()
    {
        let en = label.replace('天', "days");
        add(
            r,
            format!("/retail/ultimate_by_dpd/{b}"),
            format!("默认曲线终值：逾期 {label}"),
            format!("default curve, ultimate recovery: {en} past due"),
            Unit::Share,
            "本系统默认（按 4.1% 锚校准） / Huajie default (fitted to the 4.1% anchor)",
            Confidence::Assumption,
        );
    }
    add(
        r,
        "/retail/litigated_factor".into(),
        "已诉债权曲线系数".into(),
        "litigated claims: curve ×".into(),
        Unit::Factor,
        "本系统默认 / Huajie default",
        Confidence::Assumption,
    );
    for (b, (zh, en)) in
        [("< 1万", "< 10k"), ("1万–5万", "10k–50k"), ("5万–20万", "50k–200k"), ("≥ 20万", "≥ 200k")].iter().enumerate()
    {
        add(
            r,
            format!("/retail/balance_factor/{b}"),
            format!("余额 {zh} 曲线系数"),
            format!("balance {en}: curve ×"),
            Unit::Factor,
            "本系统默认 / Huajie default",
            Confidence::Assumption,
        );
    }
    add(
        r,
        "/retail/months_to_recover".into(),
        "默认曲线时间常数 τ（月）".into(),
        "default curve time constant τ (months)".into(),
        Unit::Factor,
        "本系统默认 / Huajie default",
        Confidence::Assumption,
    );
    add(
        r,
        "/retail/min_claims".into(),
        "估计曲线所需最少债权笔数".into(),
        "claims needed to estimate a segment's curve".into(),
        Unit::Count,
        "本系统默认 / Huajie default",
        Confidence::Model,
    );
    add(
        r,
        "/retail/anchor_price".into(),
        "全国个贷批量成交价锚（占本息）".into(),
        "national retail batch price anchor (share of principal + interest)".into(),
        Unit::Share,
        "银登中心 2025 年一季度 / national transfer platform, 2025 Q1",
        Confidence::Market,
    );
    add(
        r,
        "/retail/anchor_band".into(),
        "偏离锚的提示倍数".into(),
        "flag when the price is this many times off the anchor".into(),
        Unit::Factor,
        "本系统默认 / Huajie default",
        Confidence::Model,
    );
    out
}

/// Why a parameter could not be set, with the message in both languages.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ParamError {
    #[error("未知参数 {0} / unknown parameter {0}")]
    Unknown(String),
    #[error("{zh}：{value} 无法识别 / {en}: cannot read {value}")]
    Unreadable { zh: String, en: String, value: String },
    #[error("{zh}：{value} 超出范围（{range}） / {en}: {value} is out of range ({range})")]
    OutOfRange { zh: String, en: String, value: String, range: &'static str },
}

impl ParamError {
    /// The message in `lang` alone (the value as typed may hold anything, " / " too).
    pub fn message(&self, lang: huajie_core::Lang) -> String {
        use huajie_core::Lang::{En, Zh};
        match (self, lang) {
            (ParamError::Unknown(p), Zh) => format!("未知参数 {p}"),
            (ParamError::Unknown(p), En) => format!("unknown parameter {p}"),
            (ParamError::Unreadable { zh, value, .. }, Zh) => format!("{zh}：{value} 无法识别"),
            (ParamError::Unreadable { en, value, .. }, En) => format!("{en}: cannot read {value}"),
            (ParamError::OutOfRange { zh, value, range, .. }, Zh) => format!("{zh}：{value} 超出范围（{range}）"),
            (ParamError::OutOfRange { en, value, range, .. }, En) => format!("{en}: {value} is out of range ({range})"),
        }
    }
}

/// A share or rate written `12.5%`, `１２．５％` or `0.125`: the core's one reader of shares
/// (`huajie_core::input::parse_share`), which every form and import uses.
pub fn parse_share(text: &str) -> Option<f64> {
    huajie_core::input::parse_share(text).ok()
}

/// The value of a parameter, as shown (a share as a fraction, not a percentage).
pub fn get(a: &Assumptions, path: &str) -> Option<Value> {
    serde_json::to_value(a).ok()?.pointer(path).cloned()
}

/// A parameter's value as a valuer types it: shares as percentages, switches as 是/否.
pub fn shown(a: &Assumptions, p: &Param) -> String {
    match get(a, &p.path) {
        Some(Value::Bool(b)) => if b { "是" } else { "否" }.to_string(),
        Some(v) => match (v.as_f64(), p.unit) {
            (Some(x), Unit::Share) => format!("{}%", trim_float(x * 100.0)),
            (Some(x), _) => trim_float(x),
            (None, _) => v.to_string(),
        },
        None => String::new(),
    }
}

/// A number without float noise: 8.000000000000002 → 8.
fn trim_float(x: f64) -> String {
    let s = format!("{:.10}", x);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A copy of `a` with the parameter at `path` set from `text` (a share may be written
/// `12.5%` or `0.125`).
pub fn set(a: &Assumptions, path: &str, text: &str) -> Result<Assumptions, ParamError> {
    let p = catalogue().into_iter().find(|p| p.path == path).ok_or_else(|| ParamError::Unknown(path.to_string()))?;
    let text = text.trim();
    let value = huajie_core::input::excerpt(text);
    let unreadable = || ParamError::Unreadable { zh: p.zh.clone(), en: p.en.clone(), value: value.clone() };
    let out_of_range =
        |range| ParamError::OutOfRange { zh: p.zh.clone(), en: p.en.clone(), value: value.clone(), range };
    let number = |t: &str| -> Result<f64, ParamError> { parse_share(t).ok_or_else(unreadable) };
    let value = match p.unit {
        Unit::Switch => Value::Bool(huajie_core::input::parse_bool(text).map_err(|_| unreadable())?),
        Unit::Months => {
            let x = number(text)?;
            if x.fract() != 0.0 || !(0.0..=120.0).contains(&x) {
                return Err(out_of_range("0–120 整月 / whole months"));
            }
            Value::from(x as u32)
        }
        Unit::Count => {
            let x = number(text)?;
            if x.fract() != 0.0 || !(0.0..=1e9).contains(&x) {
                return Err(out_of_range("≥ 0 的整数 / a whole number ≥ 0"));
            }
            Value::from(x as u64)
        }
        Unit::Share => {
            let x = number(text)?;
            if !(0.0..=1.0).contains(&x) {
                return Err(out_of_range("0–100%"));
            }
            Value::from(x)
        }
        Unit::Factor => {
            let x = number(text)?;
            if !(x > 0.0 && x <= 1_000.0) {
                return Err(out_of_range("> 0"));
            }
            Value::from(x)
        }
        Unit::Sigma => {
            let x = number(text)?;
            if !(0.0..=3.0).contains(&x) {
                return Err(out_of_range("0–3"));
            }
            Value::from(x)
        }
    };
    let mut json = serde_json::to_value(a).map_err(|_| unreadable())?;
    *json.pointer_mut(path).ok_or_else(|| ParamError::Unknown(path.to_string()))? = value;
    serde_json::from_value(json).map_err(|_| unreadable())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_parameter_of_the_set_is_catalogued_and_every_catalogued_one_exists() {
        let a = Assumptions::default();
        let params = catalogue();
        for p in &params {
            assert!(get(&a, &p.path).is_some(), "{} is not in the set", p.path);
        }
        // Every numeric or boolean leaf is catalogued (estimated curves are data, not parameters).
        fn leaves(v: &Value, path: String, out: &mut Vec<String>) {
            match v {
                Value::Object(m) => m.iter().for_each(|(k, v)| leaves(v, format!("{path}/{k}"), out)),
                Value::Array(xs) => xs.iter().enumerate().for_each(|(i, v)| leaves(v, format!("{path}/{i}"), out)),
                _ => out.push(path),
            }
        }
        let mut all = Vec::new();
        leaves(&serde_json::to_value(&a).unwrap(), String::new(), &mut all);
        let catalogued: std::collections::HashSet<&str> = params.iter().map(|p| p.path.as_str()).collect();
        let missing: Vec<&String> = all.iter().filter(|p| !catalogued.contains(p.as_str())).collect();
        assert!(missing.is_empty(), "not catalogued: {missing:?}");
        assert_eq!(catalogued.len(), params.len(), "a path is listed twice");
    }

    #[test]
    fn docs_valuation_md_lists_every_parameter() {
        let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/valuation.md")).unwrap();
        let missing: Vec<String> =
            catalogue().into_iter().map(|p| p.path).filter(|p| !doc.contains(&format!("`{p}`"))).collect();
        assert!(
            missing.is_empty(),
            "docs/valuation.md lacks {missing:?}: cargo run -p huajie-value --example params_table"
        );
    }

    #[test]
    fn parameters_are_set_with_checks() {
        let a = Assumptions::default();
        let b = set(&a, "/legal_costs", "10%").unwrap();
        assert_eq!(b.legal_costs, 0.10);
        assert_eq!(set(&a, "/timeline/judgment_not_sued", "9").unwrap().timeline.judgment_not_sued, 9);
        assert_eq!(set(&a, "/ladder/probabilities/0/1", "0.45").unwrap().ladder.probabilities[0].0[1], 0.45);
        assert!(!set(&a, "/guarantor_route", "否").unwrap().guarantor_route);
        assert!(matches!(set(&a, "/legal_costs", "120%"), Err(ParamError::OutOfRange { .. })));
        assert!(matches!(set(&a, "/timeline/judgment_not_sued", "9.5"), Err(ParamError::OutOfRange { .. })));
        assert!(matches!(set(&a, "/legal_costs", "abc"), Err(ParamError::Unreadable { .. })));
        assert!(matches!(set(&a, "/nothing", "1"), Err(ParamError::Unknown(_))));
        // The original is untouched.
        assert_eq!(a, Assumptions::default());
    }

    #[test]
    fn a_share_reads_the_same_as_in_every_form_full_width_too() {
        let a = Assumptions::default();
        for typed in ["12%", "１２％", "0.12", "０．１２"] {
            assert!((set(&a, "/legal_costs", typed).unwrap().legal_costs - 0.12).abs() < 1e-12, "{typed}");
        }
        assert_eq!(set(&a, "/timeline/judgment_not_sued", "９").unwrap().timeline.judgment_not_sued, 9);
        assert!(set(&a, "/guarantor_route", "是").unwrap().guarantor_route);
        // A long value is quoted as a short excerpt.
        let Err(ParamError::Unreadable { value, .. }) = set(&a, "/legal_costs", &"x".repeat(5_000)) else { panic!() };
        assert_eq!(value.chars().count(), huajie_core::input::EXCERPT_CHARS + 1);
    }
}
