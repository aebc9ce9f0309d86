//! The valuation report of a run: the text `huajie value` prints, and the workbook a reviewer can follow — the
//! cash-flow sheet discounts with formulas on the target-IRR cell, the claim sheet adds the routes and allocates
//! the price with formulas, the Monte Carlo sheet takes its percentiles with `PERCENTILE.INC` (the same
//! interpolation as the engine), the last sheet signs it. Labels live here once, for the CLI, workbook, PDF and web.

use huajie_core::{Lang, Money};
use huajie_value::appraisal::{ClaimResult, Method};
use huajie_value::params::{Unit, catalogue, get};
use huajie_value::{Appraisal, Assumptions, Stress};
use rust_xlsxwriter::{Format, Formula, Workbook, Worksheet, XlsxError};

/// What the report says about the run besides its numbers (`created_at` as shown: Beijing time, the zone named).
#[derive(Debug, Clone)]
pub struct RunInfo {
    pub company: String,
    pub package_code: String,
    pub package_name: String,
    /// `None` for a run that was not saved.
    pub run_id: Option<i64>,
    pub assumption_set: String,
    pub assumption_version: i64,
    pub assumption_sha256: String,
    pub tape_version: Option<i64>,
    pub created_by: String,
    pub created_at: String,
    pub signoff: crate::signoff::Signoff,
}

/// A claim's line: its result and how the reader knows it.
#[derive(Debug, Clone)]
pub struct ClaimLine {
    pub result: ClaimResult,
    pub contract_no: String,
    /// Already masked when the reader may not see it.
    pub debtor: String,
    pub stage: String,
}

/// A label in the reader's language: one place for the valuation's words.
pub fn label(key: &str, lang: Lang) -> &'static str {
    let (zh, en) = match key {
        "title" => ("资产包估值报告", "Package valuation report"),
        "package" => ("资产包", "Package"),
        "company" => ("公司", "Company"),
        "run" => ("估值记录", "Valuation run"),
        "model" => ("模型", "Model"),
        "assumptions" => ("参数集", "Assumption set"),
        "tape_version" => ("数据带版本", "Tape version"),
        "valuation_date" => ("估值基准日", "Valuation date"),
        "input_hash" => ("输入摘要", "Input hash"),
        "valued_by" => ("估值人", "Valued by"),
        "valued_at" => ("估值时间", "Valued at"),
        "claims" => ("债权笔数", "Claims"),
        "by_claim" => ("逐笔估值", "valued claim by claim"),
        "by_segment" => ("按分组估值", "valued by segment"),
        "claim_amount" => ("债权总额", "Total claim"),
        "principal" => ("本金", "Principal"),
        "target_irr" => ("目标 IRR", "Target IRR"),
        "bid" => ("目标 IRR 下出价", "Bid at target IRR"),
        "price" => ("价格", "Price"),
        "irr" => ("该价格下 IRR", "IRR at the price"),
        "moic" => ("投资回报倍数 MOIC", "MOIC"),
        "recovery_ratio" => ("回收率（占债权）", "Recovery (of claim)"),
        "price_of_claim" => ("价格占债权", "Price / claim"),
        "price_of_principal" => ("价格占本金", "Price / principal"),
        "payback" => ("回收期（季度）", "Payback quarter"),
        "wal" => ("加权平均回收期（年）", "Weighted average life (years)"),
        "routes" => ("分路线回收", "Recoveries by route"),
        "collateral" => ("抵质押物", "Collateral"),
        "guarantors" => ("保证人", "Guarantors"),
        "debtor" => ("债务人其他财产/破产分配", "Debtor's assets / estate"),
        "court_fees" => ("诉讼与执行费", "Court fees"),
        "legal_costs" => ("律师及服务费", "Legal and servicing costs"),
        "net" => ("净现金流", "Net cash"),
        "pv" => ("现值", "Present value"),
        "allocation" => ("成本分摊", "Cost basis"),
        "quarter" => ("季度", "Quarter"),
        "discount" => ("折现系数", "Discount factor"),
        "cumulative" => ("累计回收", "Cumulative cash"),
        "cash_flow" => ("现金流", "Cash flow"),
        "sensitivity" => ("敏感性：出价 vs IRR 与抵押物折价", "Sensitivity: bid vs IRR and collateral haircut"),
        "haircut" => ("折价", "haircut"),
        "stress" => ("压力测试", "Stress tests"),
        "monte_carlo" => ("蒙特卡洛", "Monte Carlo"),
        "scenarios" => ("情景数", "Scenarios"),
        "seed" => ("随机种子", "Seed"),
        "scenario" => ("情景", "Scenario"),
        "mean" => ("均值", "Mean"),
        "confidence_bid" => ("置信出价", "Confidence bid"),
        "hurdle_probability" => ("达到目标 IRR 的概率", "Probability of reaching the target IRR"),
        "segments" => ("个贷分组", "Retail segments"),
        "segment" => ("分组", "Segment"),
        "estimated" => ("曲线来源", "Curve"),
        "anchor_flag" => ("个贷定价偏离全国成交价锚", "Retail price far from the national anchor"),
        "contract" => ("合同编号", "Contract"),
        "debtor_name" => ("债务人", "Debtor"),
        "stage" => ("诉讼阶段", "Stage"),
        "method" => ("方法", "Method"),
        "amount" => ("债权金额", "Claim"),
        "time_barred" => ("超过时效", "Time-barred"),
        "judgment" => ("判决生效（月）", "Judgment (month)"),
        "enforcement" => ("执行（月）", "Enforcement (month)"),
        "first_auction" => ("首拍（月）", "First auction (month)"),
        "recovery" => ("回收率", "Recovery"),
        "parameter" => ("参数", "Parameter"),
        "value" => ("取值", "Value"),
        "source" => ("来源", "Source"),
        "confidence" => ("可信度", "Confidence"),
        "group" => ("类别", "Group"),
        "none" => ("无", "none"),
        "yes" => ("是", "yes"),
        "no" => ("否", "no"),
        "default_curve" => ("默认曲线", "default"),
        "estimated_curve" => ("历史估计", "estimated"),
        "saved" => ("已保存为估值记录", "Saved as valuation run"),
        _ => ("?", "?"),
    };
    lang.pick(zh, en)
}

/// A stress overlay's name.
pub fn stress_label(code: &str, lang: Lang) -> &'static str {
    let (zh, en) = match code {
        "mv-10" => ("抵押物价值 −10%", "collateral value −10%"),
        "mv-20" => ("抵押物价值 −20%", "collateral value −20%"),
        "mv-30" => ("抵押物价值 −30%", "collateral value −30%"),
        "sale-0.7" => ("成交概率 × 0.7", "sale probabilities × 0.7"),
        "duration-1.5" => ("周期 × 1.5", "durations × 1.5"),
        "retail-0.7" => ("个贷回收曲线 × 0.7", "retail curves × 0.7"),
        "rate+300bp" => ("折现率 +300bp", "discount rate +300 bp"),
        _ => ("?", "?"),
    };
    lang.pick(zh, en)
}

/// Yuan as the reader expects them (元/万元/亿元), rounded to fen.
pub fn money(yuan: f64, lang: Lang) -> String {
    Money::from_fen(huajie_value::fen(yuan)).display(lang)
}

pub fn percent(x: f64) -> String {
    format!("{:.2}%", x * 100.0)
}

/// `text` padded with spaces to `width` terminal columns (a Chinese character takes two).
fn pad(text: &str, width: usize) -> String {
    let w = unicode_width::UnicodeWidthStr::width(text);
    format!("{text}{}", " ".repeat(width.saturating_sub(w)))
}

/// `text` right-aligned in `width` terminal columns.
fn pad_left(text: &str, width: usize) -> String {
    let w = unicode_width::UnicodeWidthStr::width(text);
    format!("{}{text}", " ".repeat(width.saturating_sub(w)))
}

/// The summary `huajie value` prints.
pub fn summary_text(info: &RunInfo, a: &Appraisal, lang: Lang) -> String {
    use std::fmt::Write;
    let l = |k| label(k, lang);
    let m = |x| money(x, lang);
    let mut s = String::new();
    let by_segment = a.claims.iter().filter(|c| c.method == Method::Segment).count();
    let _ = writeln!(s, "{} {} {}", l("title"), info.package_code, info.package_name);
    let _ = writeln!(
        s,
        "  {}: {}  {}: {} v{} ({})  {}: {}",
        l("model"),
        a.model_version,
        l("assumptions"),
        info.assumption_set,
        info.assumption_version,
        &info.assumption_sha256[..12.min(info.assumption_sha256.len())],
        l("valuation_date"),
        a.valuation_date
    );
    let _ = writeln!(
        s,
        "  {}: {} ({} {}, {} {})  {}: {}  {}: {}",
        l("claims"),
        a.claims.len(),
        a.claims.len() - by_segment,
        l("by_claim"),
        by_segment,
        l("by_segment"),
        l("claim_amount"),
        m(a.claim_amount),
        l("principal"),
        m(a.principal)
    );
    let _ = writeln!(s);
    let mt = &a.metrics;
    let _ = writeln!(s, "  {} {}", pad(l("target_irr"), 24), percent(a.options.target_irr));
    let _ = writeln!(
        s,
        "  {} {}  ({} {}, {} {})",
        pad(l("bid"), 24),
        m(a.bid),
        l("price_of_claim"),
        percent(a.bid / a.claim_amount.max(1.0)),
        l("price_of_principal"),
        percent(a.bid / a.principal.max(1.0))
    );
    let _ = writeln!(s, "  {} {}", pad(l("price"), 24), m(mt.price));
    let _ = writeln!(s, "  {} {}", pad(l("irr"), 24), mt.irr.map_or_else(|| l("none").to_string(), percent));
    let _ = writeln!(s, "  {} {:.3}", pad(l("moic"), 24), mt.moic);
    let _ = writeln!(s, "  {} {}", pad(l("recovery_ratio"), 24), percent(mt.recovery_ratio));
    let _ = writeln!(
        s,
        "  {} {}",
        pad(l("payback"), 24),
        mt.payback_quarter.map_or_else(|| l("none").to_string(), |q| q.to_string())
    );
    let _ = writeln!(s, "  {} {:.2}", pad(l("wal"), 24), mt.wal_years);
    if a.retail_outside_anchor == Some(true) {
        let _ = writeln!(s, "  ⚠ {}", l("anchor_flag"));
    }
    let _ = writeln!(s);
    let sum = |f: fn(&ClaimResult) -> f64| a.claims.iter().map(f).sum::<f64>();
    let _ = writeln!(s, "  {}:", l("routes"));
    for (k, v) in [
        ("collateral", sum(|c| c.collateral)),
        ("guarantors", sum(|c| c.guarantors)),
        ("debtor", sum(|c| c.unsecured)),
        ("court_fees", sum(|c| c.court_fees)),
        ("legal_costs", sum(|c| c.legal_costs)),
        ("net", sum(|c| c.net)),
    ] {
        let _ = writeln!(s, "    {} {}", pad(l(k), 26), pad_left(&m(v), 16));
    }
    let _ = writeln!(s);
    let _ = writeln!(s, "  {} ({}):", l("cash_flow"), l("quarter"));
    let last = a.quarterly.iter().rposition(|x| x.abs() >= 0.005).map_or(0, |i| i + 1);
    for (q, x) in a.quarterly.iter().enumerate().take(last) {
        let _ = writeln!(s, "    Q{:<3} {}", q + 1, pad_left(&m(*x), 16));
    }
    let _ = writeln!(s);
    let _ = writeln!(s, "  {}:", l("sensitivity"));
    let mut header = format!("    {:<10}", "IRR");
    for h in &a.sensitivity.haircuts {
        header.push_str(&pad_left(&format!("{} {:.0}%", l("haircut"), h * 100.0), 18));
    }
    let _ = writeln!(s, "{header}");
    for (r, row) in a.sensitivity.rates.iter().zip(&a.sensitivity.bids) {
        let mut line = format!("    {:<10}", percent(*r));
        for b in row {
            line.push_str(&pad_left(&m(*b), 18));
        }
        let _ = writeln!(s, "{line}");
    }
    let _ = writeln!(s);
    let _ = writeln!(s, "  {}:", l("stress"));
    for st in &a.stresses {
        let _ = writeln!(
            s,
            "    {} {}  ({:+.1}%)",
            pad(stress_label(&st.code, lang), 26),
            pad_left(&m(st.bid), 16),
            (st.bid / a.bid.max(1e-9) - 1.0) * 100.0
        );
    }
    if let Some(mc) = &a.monte_carlo {
        let d = &mc.distribution;
        let _ = writeln!(s);
        let _ = writeln!(s, "  {} ({} {}, {} {}):", l("monte_carlo"), l("scenarios"), mc.scenarios, l("seed"), mc.seed);
        for (k, v) in [
            (l("mean"), m(d.mean)),
            ("P5", m(d.p5)),
            ("P50", m(d.p50)),
            ("P95", m(d.p95)),
            (l("confidence_bid"), format!("{}  (α = {:.0}%)", m(d.confidence_bid), d.confidence * 100.0)),
            (l("hurdle_probability"), percent(d.probability_of_hurdle)),
        ] {
            let _ = writeln!(s, "    {} {v}", pad(k, 26));
        }
    }
    s
}

/// Column letters of a 0-based column.
fn col(c: u16) -> String {
    let mut n = u32::from(c) + 1;
    let mut out = Vec::new();
    while n > 0 {
        let r = ((n - 1) % 26) as u8;
        out.push(b'A' + r);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// A formula with its result at the run's inputs, for readers that do not calculate.
fn formula(f: String, result: f64) -> Formula {
    Formula::new(f).set_result(format!("{result}"))
}

/// A formula whose result at the run's inputs is text (`—`, "none").
fn text_formula(f: String, result: &str) -> Formula {
    Formula::new(f).set_result(result)
}

fn headers(ws: &mut Worksheet, row: u32, names: &[&str], bold: &Format) -> Result<(), XlsxError> {
    for (c, h) in names.iter().enumerate() {
        ws.write_string_with_format(row, c as u16, *h, bold)?;
    }
    Ok(())
}

/// A header with its unit: "现值（元）", "Present value (yuan)".
fn in_yuan(label: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{label}（元）"),
        Lang::En => format!("{label} (yuan)"),
    }
}

/// The label of results the workbook cannot recompute: values of the run, whatever its IRR cell says.
pub fn fixed_values_label(run_id: Option<i64>, lang: Lang) -> String {
    match (run_id, lang) {
        (Some(id), Lang::Zh) => format!("估值记录 #{id} 的固定结果：不随本表的目标 IRR 重算"),
        (Some(id), Lang::En) => format!("Fixed values of run #{id}: not recalculated from this workbook's target IRR"),
        (None, Lang::Zh) => "本次估值（未保存）的固定结果：不随本表的目标 IRR 重算".to_string(),
        (None, Lang::En) => {
            "Fixed values of this run (not saved): not recalculated from this workbook's target IRR".to_string()
        }
    }
}

/// Rows of the summary sheet (0-based) that the other sheets and the notes refer to.
mod at {
    pub const TARGET_IRR: u32 = 12;
    pub const RATE_SHIFT: u32 = 13;
    pub const RATE: u32 = 14;
    pub const BID: u32 = 15;
    pub const PRICE: u32 = 16;
    pub const CLAIM: u32 = 17;
    pub const PRINCIPAL: u32 = 18;
    pub const PRICE_OF_CLAIM: u32 = 19;
    pub const PRICE_OF_PRINCIPAL: u32 = 20;
    pub const MOIC: u32 = 21;
    pub const RECOVERY: u32 = 22;
    pub const IRR: u32 = 23;
    pub const PAYBACK: u32 = 24;
    pub const WAL: u32 = 25;
    pub const CLAIMS_PV: u32 = 26;
    pub const ANCHOR: u32 = 27;
    pub const NOTE: u32 = 29;

    /// `'汇总'!$B$13` for a row of the summary.
    pub fn abs(sheet: &str, row: u32) -> String {
        format!("'{sheet}'!$B${}", row + 1)
    }
}

/// The sheet names of the workbook, in order (the Excel limit of 31 characters is kept).
pub fn sheet_names(lang: Lang) -> [&'static str; 8] {
    [
        lang.pick("汇总", "Summary"),
        label("cash_flow", lang),
        lang.pick("逐笔", "Claims"),
        lang.pick("逐笔现金流", "Claim cash"),
        label("segments", lang),
        label("stress", lang),
        label("monte_carlo", lang),
        label("assumptions", lang),
    ]
}

/// First and last column (0-based) of the forty quarters on the claim-cash and segment sheets.
const CLAIM_CASH_Q1: u16 = 1;
const SEGMENT_Q1: u16 = 6;

/// The run as a workbook a reviewer can reprice: change the target IRR on the summary and
/// every present value follows — the discount factors, each claim's PV (its quarterly
/// cash on the claim-cash sheet, a segment claim's share of its segment), the bid (their
/// sum), the price when the run was priced at the bid, the cost basis, the IRR at the
/// price (`IRR` over the buyer's cash, annualised as the engine does), MOIC, payback.
/// What the sheet cannot recompute (the sensitivity grid, the stresses, the Monte Carlo)
/// is labelled as fixed values of the run. Amounts are in yuan.
pub fn valuation_xlsx(
    info: &RunInfo,
    a: &Appraisal,
    claims: &[ClaimLine],
    set: &Assumptions,
    lang: Lang,
) -> Result<Vec<u8>, XlsxError> {
    let l = |k| label(k, lang);
    let y = |k| in_yuan(label(k, lang), lang);
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let input = Format::new().set_num_format("0.00%").set_background_color("#FFF2CC").set_bold();
    let yuan = Format::new().set_num_format("#,##0.00");
    let pct = Format::new().set_num_format("0.00%");
    let multiple = Format::new().set_num_format("0.00\"×\"");
    let two = Format::new().set_num_format("0.00");
    let factor = Format::new().set_num_format("0.000000");
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let datetime = Format::new().set_num_format(crate::signoff::time_format(lang));
    let note = Format::new().set_italic().set_font_color("#666666");
    let fixed = fixed_values_label(info.run_id, lang);

    let [summary_name, cash_name, claims_name, claim_cash_name, segments_name, stress_name, mc_name, params_name] =
        sheet_names(lang);
    let rate = at::abs(summary_name, at::RATE);
    let price = at::abs(summary_name, at::PRICE);
    let quarters = a.quarterly.len() as u16;
    let by_claim: Vec<&ClaimLine> = claims.iter().filter(|c| c.result.method == Method::Claim).collect();
    let n = claims.len() as u32;
    // Row of the claims sheet's total (0-based), and its PV total as an absolute reference.
    let total_row = n + 1;
    let claims_pv_total = format!("'{claims_name}'!$M${}", total_row + 1);

    // 1. Summary.
    let ws = book.add_worksheet();
    ws.set_name(summary_name)?;
    ws.set_column_width(0, 32)?;
    ws.set_column_width(1, 24)?;
    ws.set_column_width(2, 70)?;
    ws.write_string_with_format(0, 0, l("title"), &bold)?;
    let info_rows: [(&str, String); 10] = [
        (l("company"), info.company.clone()),
        (l("package"), format!("{} {}", info.package_code, info.package_name)),
        (l("run"), info.run_id.map_or_else(|| "—".to_string(), |id| format!("#{id}"))),
        (l("model"), a.model_version.clone()),
        (
            l("assumptions"),
            format!("{} v{} ({})", info.assumption_set, info.assumption_version, info.assumption_sha256),
        ),
        (l("tape_version"), info.tape_version.map_or_else(|| "—".to_string(), |v| v.to_string())),
        (l("valuation_date"), a.valuation_date.to_string()),
        (l("input_hash"), a.input_hash.clone()),
        (l("valued_by"), info.created_by.clone()),
        (l("valued_at"), info.created_at.clone()),
    ];
    for (i, (k, v)) in info_rows.iter().enumerate() {
        let r = 1 + i as u32;
        ws.write_string_with_format(r, 0, *k, &bold)?;
        match (crate::tables::excel_date(v), i) {
            (Some(d), 6) => ws.write_datetime_with_format(r, 1, &d, &date)?,
            (Some(d), 9) => ws.write_datetime_with_format(r, 1, &d, &datetime)?,
            _ if i == 5 && info.tape_version.is_some() => {
                ws.write_number(r, 1, info.tape_version.unwrap_or(0) as f64)?
            }
            _ => ws.write_string(r, 1, v)?,
        };
    }
    let cash_rows = (3, 2 + u32::from(quarters)); // 1-based rows of quarters 1..=40 on the cash sheet
    let cash_col = |c: &str| format!("'{cash_name}'!{c}{}:{c}{}", cash_rows.0, cash_rows.1);
    let (net, quarter_no) = (cash_col("B"), cash_col("A"));
    let stress = a.options.stress.as_deref().and_then(Stress::by_code).unwrap_or(Stress::NONE);
    let rate_now = a.options.target_irr + stress.rate_shift;
    let b = |row: u32| format!("B{}", row + 1);
    // (row, label, formula or value, format, note)
    type Figure<'a> = (u32, String, Option<Formula>, Option<f64>, &'a Format, String);
    let figures: Vec<Figure> = vec![
        (
            at::TARGET_IRR,
            l("target_irr").to_string(),
            None,
            Some(a.options.target_irr),
            &input,
            lang.pick(
                "可修改：折现系数、逐笔现值、出价、价格（按出价时）、成本分摊、IRR、MOIC、回收期随之重算",
                "Change it: the discount factors, every claim's PV, the bid, the price (when priced at the bid), the cost basis, the IRR, MOIC and payback follow",
            )
            .to_string(),
        ),
        (
            at::RATE_SHIFT,
            lang.pick("压力情景的折现率加点", "Stress overlay's rate shift").to_string(),
            None,
            Some(stress.rate_shift),
            &pct,
            a.options.stress.as_deref().map_or_else(String::new, |c| stress_label(c, lang).to_string()),
        ),
        (
            at::RATE,
            lang.pick("折现率", "Discount rate").to_string(),
            Some(formula(format!("={}+{}", b(at::TARGET_IRR), b(at::RATE_SHIFT)), rate_now)),
            None,
            &pct,
            lang.pick("年实际利率；第 q 季度末折现系数 (1+r)^(−q/4)", "annual effective; quarter q discounted by (1+r)^(−q/4)").to_string(),
        ),
        (
            at::BID,
            y("bid"),
            Some(formula(format!("=SUM('{cash_name}'!D{}:D{})", cash_rows.0, cash_rows.1), a.bid)),
            None,
            &yuan,
            lang.pick("= 各季度净现金流的现值之和（现金流表）", "= the sum of the quarters' discounted net cash (cash-flow sheet)")
                .to_string(),
        ),
        match a.options.price {
            None => (
                at::PRICE,
                y("price"),
                Some(formula(format!("={}", b(at::BID)), a.metrics.price)),
                None,
                &yuan,
                lang.pick("= 出价（本次估值未指定价格）", "= the bid (the run was not given a price)").to_string(),
            ),
            Some(p) => (
                at::PRICE,
                y("price"),
                None,
                Some(p),
                &yuan,
                lang.pick("本次估值指定的价格", "the price the run was given").to_string(),
            ),
        },
        (at::CLAIM, y("claim_amount"), None, Some(a.claim_amount), &yuan, String::new()),
        (at::PRINCIPAL, y("principal"), None, Some(a.principal), &yuan, String::new()),
        (
            at::PRICE_OF_CLAIM,
            l("price_of_claim").to_string(),
            Some(formula(
                format!("=IF({c}=0,0,{p}/{c})", p = b(at::PRICE), c = b(at::CLAIM)),
                a.metrics.price_of_claim,
            )),
            None,
            &pct,
            String::new(),
        ),
        (
            at::PRICE_OF_PRINCIPAL,
            l("price_of_principal").to_string(),
            Some(formula(
                format!("=IF({c}=0,0,{p}/{c})", p = b(at::PRICE), c = b(at::PRINCIPAL)),
                a.metrics.price_of_principal,
            )),
            None,
            &pct,
            String::new(),
        ),
        (
            at::MOIC,
            l("moic").to_string(),
            Some(formula(
                format!(
                    "=IF({p}-SUMIF({net},\"<0\")=0,0,SUMIF({net},\">0\")/({p}-SUMIF({net},\"<0\")))",
                    p = b(at::PRICE)
                ),
                a.metrics.moic,
            )),
            None,
            &multiple,
            lang.pick("= 正现金流之和 ÷（价格 + 负现金流绝对值之和）", "= positive cash ÷ (price + |negative cash|)").to_string(),
        ),
        (
            at::RECOVERY,
            l("recovery_ratio").to_string(),
            Some(formula(format!("=IF({c}=0,0,SUMIF({net},\">0\")/{c})", c = b(at::CLAIM)), a.metrics.recovery_ratio)),
            None,
            &pct,
            String::new(),
        ),
        (
            at::WAL,
            l("wal").to_string(),
            Some(formula(
                format!(
                    "=IF(SUMIF({net},\">0\")=0,0,SUMPRODUCT(({net}>0)*{net}*{quarter_no})/4/SUMIF({net},\">0\"))"
                ),
                a.metrics.wal_years,
            )),
            None,
            &two,
            String::new(),
        ),
        (
            at::CLAIMS_PV,
            in_yuan(lang.pick("逐笔现值合计（核对）", "Claims' PV, summed (check)"), lang),
            Some(formula(format!("={claims_pv_total}"), a.claims.iter().map(|c| c.pv).sum())),
            None,
            &yuan,
            lang.pick("= 逐笔表现值合计，应等于出价", "= the claims sheet's PV total; equals the bid").to_string(),
        ),
    ];
    for (row, name, f, value, format, comment) in figures {
        ws.write_string_with_format(row, 0, name, &bold)?;
        match (f, value) {
            (Some(f), _) => ws.write_formula_with_format(row, 1, f, format)?,
            (None, Some(v)) => ws.write_number_with_format(row, 1, v, format)?,
            (None, None) => ws,
        };
        if !comment.is_empty() {
            ws.write_string_with_format(row, 2, comment, &note)?;
        }
    }
    // IRR at the price: the buyer's cash (price at quarter 0) through IRR, a quarterly
    // rate, annualised as the engine does: (1 + r)^4 − 1. Guessed from the run's own.
    let guess = a.metrics.irr.map_or(0.03, |x| (1.0 + x).powf(0.25) - 1.0);
    ws.write_string_with_format(at::IRR, 0, l("irr"), &bold)?;
    let irr_range = format!("'{cash_name}'!F2:F{}", cash_rows.1);
    let irr_formula = format!("=IFERROR((1+IRR({irr_range},{guess}))^4-1,\"{}\")", l("none"));
    match a.metrics.irr {
        Some(irr) => ws.write_formula_with_format(at::IRR, 1, formula(irr_formula, irr), &pct)?,
        None => ws.write_formula_with_format(at::IRR, 1, text_formula(irr_formula, l("none")), &pct)?,
    };
    ws.write_string_with_format(
        at::IRR,
        2,
        lang.pick(
            "= (1 + IRR(买方季度现金流，第 0 季度付出价格))^4 − 1，与估值引擎的年化方式相同",
            "= (1 + IRR(the buyer's quarterly cash, the price paid at quarter 0))^4 − 1, annualised as the engine does",
        ),
        &note,
    )?;
    ws.write_string_with_format(at::PAYBACK, 0, l("payback"), &bold)?;
    let payback_formula = format!("=IF('{cash_name}'!G{r}>0,'{cash_name}'!G{r},\"{}\")", l("none"), r = cash_rows.1);
    match a.metrics.payback_quarter {
        Some(q) => ws.write_formula(at::PAYBACK, 1, formula(payback_formula, q as f64))?,
        None => ws.write_formula(at::PAYBACK, 1, text_formula(payback_formula, l("none")))?,
    };
    if a.retail_outside_anchor == Some(true) {
        ws.write_string_with_format(at::ANCHOR, 0, l("anchor_flag"), &bold)?;
        ws.write_string(at::ANCHOR, 1, l("yes"))?;
        ws.write_string_with_format(at::ANCHOR, 2, &fixed, &note)?;
    }
    ws.write_string_with_format(
        at::NOTE,
        0,
        lang.pick(
            "金额单位：元。黄色单元格为可修改的输入；其余数字由公式计算，或标明为估值记录的固定结果。",
            "Amounts in yuan. The yellow cell is the input to change; every other figure is a formula, or labelled as a fixed value of the run.",
        ),
        &note,
    )?;

    // 2. Cash flow: quarter 0 (the price) then quarters 1–40; net cash summed from the
    // claim-cash and segment sheets, discounted on the rate cell; cumulative; the buyer's
    // cash for IRR; the payback quarter.
    let ws = book.add_worksheet();
    ws.set_name(cash_name)?;
    headers(
        ws,
        0,
        &[
            l("quarter"),
            &y("net"),
            l("discount"),
            &y("pv"),
            &y("cumulative"),
            &in_yuan(lang.pick("买方现金流", "Buyer's cash"), lang),
            lang.pick("已回本的季度", "Paid back in quarter"),
        ],
        &bold,
    )?;
    ws.set_column_width(0, 10)?;
    for c in 1..7 {
        ws.set_column_width(c, 20)?;
    }
    ws.write_number(1, 0, 0.0)?;
    ws.write_formula_with_format(1, 4, formula(format!("=-{price}"), -a.metrics.price), &yuan)?;
    ws.write_formula_with_format(1, 5, formula(format!("=-{price}"), -a.metrics.price), &yuan)?;
    ws.write_number(1, 6, 0.0)?;
    let step = (1.0 + rate_now).powf(-0.25);
    let mut df = 1.0;
    let mut cumulative = -a.metrics.price;
    let mut paid_back = 0.0;
    let last_claim_row = 2 + n; // 1-based row of the last claim on the claim-cash sheet
    for (i, x) in a.quarterly.iter().enumerate() {
        let r = 2 + i as u32; // 0-based row
        let x1 = r + 1; // 1-based
        let q = (i + 1) as f64;
        df *= step;
        cumulative += x;
        if paid_back == 0.0 && cumulative >= 0.0 {
            paid_back = q;
        }
        ws.write_number(r, 0, q)?;
        let mut parts = Vec::new();
        if !by_claim.is_empty() {
            let c = col(CLAIM_CASH_Q1 + i as u16);
            parts.push(format!("SUM('{claim_cash_name}'!{c}3:{c}{last_claim_row})"));
        }
        if !a.segments.is_empty() {
            let c = col(SEGMENT_Q1 + i as u16);
            parts.push(format!("SUM('{segments_name}'!{c}3:{c}{})", 2 + a.segments.len()));
        }
        if parts.is_empty() {
            ws.write_number_with_format(r, 1, *x, &yuan)?;
        } else {
            ws.write_formula_with_format(r, 1, formula(format!("={}", parts.join("+")), *x), &yuan)?;
        }
        ws.write_formula_with_format(r, 2, formula(format!("=(1+{rate})^(-A{x1}/4)"), df), &factor)?;
        ws.write_formula_with_format(r, 3, formula(format!("=B{x1}*C{x1}"), x * df), &yuan)?;
        ws.write_formula_with_format(r, 4, formula(format!("=E{r}+B{x1}"), cumulative), &yuan)?;
        ws.write_formula_with_format(r, 5, formula(format!("=B{x1}"), *x), &yuan)?;
        ws.write_formula(r, 6, formula(format!("=IF(G{r}>0,G{r},IF(E{x1}>=0,A{x1},0))"), paid_back))?;
    }

    // 3. Claims: routes as values; net and recovery by formula; PV by formula on the
    // claim-cash sheet (a segment claim: its share of its segment's PV); cost basis by
    // formula on the price.
    let ws = book.add_worksheet();
    ws.set_name(claims_name)?;
    let names = [
        l("contract").to_string(),
        l("debtor_name").to_string(),
        l("stage").to_string(),
        l("method").to_string(),
        y("amount"),
        y("collateral"),
        y("guarantors"),
        y("debtor"),
        y("court_fees"),
        y("legal_costs"),
        y("net"),
        l("recovery").to_string(),
        y("pv"),
        y("allocation"),
        l("time_barred").to_string(),
        l("judgment").to_string(),
        l("enforcement").to_string(),
        l("first_auction").to_string(),
    ];
    headers(ws, 0, &names.iter().map(String::as_str).collect::<Vec<_>>(), &bold)?;
    ws.set_freeze_panes(1, 1)?;
    ws.set_column_width(0, 22)?;
    ws.set_column_width(1, 20)?;
    for c in 4..14 {
        ws.set_column_width(c, 18)?;
    }
    let df_row = format!("'{claim_cash_name}'!${}$2:${}$2", col(CLAIM_CASH_Q1), col(CLAIM_CASH_Q1 + quarters - 1));
    for (i, line) in claims.iter().enumerate() {
        let r = 1 + i as u32;
        let x = r + 1;
        let c = &line.result;
        ws.write_string(r, 0, &line.contract_no)?;
        ws.write_string(r, 1, &line.debtor)?;
        ws.write_string(r, 2, &line.stage)?;
        ws.write_string(r, 3, if c.method == Method::Claim { l("by_claim") } else { l("by_segment") })?;
        for (col_i, v) in [
            (4, c.amount),
            (5, c.collateral),
            (6, c.guarantors),
            (7, c.unsecured),
            (8, c.court_fees),
            (9, c.legal_costs),
        ] {
            ws.write_number_with_format(r, col_i, v, &yuan)?;
        }
        ws.write_formula_with_format(r, 10, formula(format!("=SUM(F{x}:J{x})"), c.net), &yuan)?;
        let recovery = if c.amount > 0.0 { (c.collateral + c.guarantors + c.unsecured) / c.amount } else { 0.0 };
        ws.write_formula_with_format(r, 11, formula(format!("=IF(E{x}>0,(F{x}+G{x}+H{x})/E{x},0)"), recovery), &pct)?;
        let pv_formula = match c.segment {
            Some(k) => {
                let s = 3 + k; // the segment's 1-based row
                format!("=IF('{segments_name}'!$C${s}=0,0,'{segments_name}'!$E${s}*E{x}/'{segments_name}'!$C${s})")
            }
            None => {
                let row = r + 2; // this claim's 1-based row on the claim-cash sheet
                format!(
                    "=SUMPRODUCT({df_row},'{claim_cash_name}'!{}{row}:{}{row})",
                    col(CLAIM_CASH_Q1),
                    col(CLAIM_CASH_Q1 + quarters - 1)
                )
            }
        };
        ws.write_formula_with_format(r, 12, formula(pv_formula, c.pv), &yuan)?;
        ws.write_formula_with_format(
            r,
            13,
            formula(format!("=IF($M${t}=0,{price}/{n},{price}*M{x}/$M${t})", t = total_row + 1), c.allocation),
            &yuan,
        )?;
        ws.write_string(r, 14, if c.time_barred { l("yes") } else { l("no") })?;
        for (col_i, v) in [(15, c.judgment_month), (16, c.enforcement_month), (17, c.first_auction_month)] {
            if let Some(v) = v {
                ws.write_number(r, col_i, f64::from(v))?;
            }
        }
    }
    ws.write_string_with_format(total_row, 0, lang.pick("合计", "Total"), &bold)?;
    if n > 0 {
        ws.autofilter(0, 0, n, names.len() as u16 - 1)?;
    }
    for c in [4u16, 5, 6, 7, 8, 9, 10, 12, 13] {
        let letter = col(c);
        let sum: f64 = claims
            .iter()
            .map(|l| {
                let r = &l.result;
                match c {
                    4 => r.amount,
                    5 => r.collateral,
                    6 => r.guarantors,
                    7 => r.unsecured,
                    8 => r.court_fees,
                    9 => r.legal_costs,
                    10 => r.net,
                    12 => r.pv,
                    _ => r.allocation,
                }
            })
            .sum();
        let f = if n == 0 { "=0".to_string() } else { format!("=SUM({letter}2:{letter}{total_row})") };
        ws.write_formula_with_format(total_row, c, formula(f, sum), &yuan)?;
    }

    // 4. Claim cash: each claim's expected net cash by quarter (claims valued by segment:
    // blank — their cash is their segment's), under a row of discount factors on the rate.
    let ws = book.add_worksheet();
    ws.set_name(claim_cash_name)?;
    ws.set_column_width(0, 22)?;
    ws.write_string_with_format(0, 0, l("contract"), &bold)?;
    ws.write_string_with_format(1, 0, l("discount"), &bold)?;
    ws.set_freeze_panes(2, 1)?;
    let mut df = 1.0;
    for q in 0..quarters {
        df *= step;
        let c = CLAIM_CASH_Q1 + q;
        ws.write_string_with_format(0, c, in_yuan(&format!("Q{}", q + 1), lang), &bold)?;
        ws.write_formula_with_format(1, c, formula(format!("=(1+{rate})^(-{}/4)", q + 1), df), &factor)?;
        ws.set_column_width(c, 14)?;
    }
    for (i, line) in claims.iter().enumerate() {
        let r = 2 + i as u32;
        ws.write_string(r, 0, &line.contract_no)?;
        for (q, cash) in &line.result.cash {
            if usize::from(*q) >= 1 && usize::from(*q) <= usize::from(quarters) {
                ws.write_number_with_format(r, CLAIM_CASH_Q1 + u16::from(*q) - 1, *cash, &yuan)?;
            }
        }
    }

    // 5. Segments: each segment's expected cash by quarter, its PV on the rate and its cost basis.
    if !a.segments.is_empty() {
        let ws = book.add_worksheet();
        ws.set_name(segments_name)?;
        headers(ws, 0, &[l("segment"), l("claims"), &y("amount"), l("estimated"), &y("pv"), &y("allocation")], &bold)?;
        ws.write_string_with_format(1, 0, l("discount"), &bold)?;
        ws.set_column_width(0, 40)?;
        for c in 2..6 {
            ws.set_column_width(c, 18)?;
        }
        let mut df = 1.0;
        for q in 0..quarters {
            df *= step;
            let c = SEGMENT_Q1 + q;
            ws.write_string_with_format(0, c, in_yuan(&format!("Q{}", q + 1), lang), &bold)?;
            ws.write_formula_with_format(1, c, formula(format!("=(1+{rate})^(-{}/4)", q + 1), df), &factor)?;
            ws.set_column_width(c, 14)?;
        }
        let (first, last) = (col(SEGMENT_Q1), col(SEGMENT_Q1 + quarters - 1));
        for (i, s) in a.segments.iter().enumerate() {
            let r = 2 + i as u32;
            let x = r + 1;
            ws.write_string(r, 0, s.label(lang == Lang::Zh))?;
            ws.write_number(r, 1, s.claims as f64)?;
            ws.write_number_with_format(r, 2, s.amount, &yuan)?;
            ws.write_string(r, 3, if s.estimated { l("estimated_curve") } else { l("default_curve") })?;
            ws.write_formula_with_format(
                r,
                4,
                formula(format!("=SUMPRODUCT(${first}$2:${last}$2,{first}{x}:{last}{x})"), s.pv),
                &yuan,
            )?;
            ws.write_formula_with_format(
                r,
                5,
                formula(format!("=IF({claims_pv_total}=0,0,{price}*E{x}/{claims_pv_total})"), s.allocation),
                &yuan,
            )?;
            for (q, cash) in s.quarterly.iter().enumerate().take(usize::from(quarters)) {
                if *cash != 0.0 {
                    ws.write_number_with_format(r, SEGMENT_Q1 + q as u16, *cash, &yuan)?;
                }
            }
        }
    }

    // 6. Sensitivity and stress: fixed values of the run.
    let ws = book.add_worksheet();
    ws.set_name(stress_name)?;
    ws.write_string_with_format(0, 0, &fixed, &note)?;
    ws.write_string_with_format(1, 0, in_yuan(l("sensitivity"), lang), &bold)?;
    ws.write_string_with_format(2, 0, "IRR", &bold)?;
    for (j, h) in a.sensitivity.haircuts.iter().enumerate() {
        ws.write_string_with_format(2, 1 + j as u16, format!("{} {:.0}%", l("haircut"), h * 100.0), &bold)?;
        ws.set_column_width(1 + j as u16, 20)?;
    }
    for (i, (r, row)) in a.sensitivity.rates.iter().zip(&a.sensitivity.bids).enumerate() {
        ws.write_number_with_format(3 + i as u32, 0, *r, &pct)?;
        for (j, b) in row.iter().enumerate() {
            ws.write_number_with_format(3 + i as u32, 1 + j as u16, *b, &yuan)?;
        }
    }
    let start = 5 + a.sensitivity.rates.len() as u32;
    ws.write_string_with_format(start, 0, l("stress"), &bold)?;
    ws.write_string_with_format(start, 1, y("bid"), &bold)?;
    ws.write_string_with_format(start, 2, lang.pick("折现率", "Discount rate"), &bold)?;
    ws.set_column_width(0, 30)?;
    for (i, s) in a.stresses.iter().enumerate() {
        let r = start + 1 + i as u32;
        ws.write_string(r, 0, stress_label(&s.code, lang))?;
        ws.write_number_with_format(r, 1, s.bid, &yuan)?;
        let shift = Stress::by_code(&s.code).map_or(0.0, |x| x.rate_shift);
        ws.write_number_with_format(r, 2, a.options.target_irr + shift, &pct)?;
    }

    // 7. Monte Carlo: every scenario's break-even price (fixed values of the run); the
    // summary statistics by formula over them (`PERCENTILE.INC`, the engine's interpolation).
    if let Some(mc) = &a.monte_carlo {
        let ws = book.add_worksheet();
        ws.set_name(mc_name)?;
        ws.set_column_width(0, 30)?;
        ws.set_column_width(1, 20)?;
        ws.set_column_width(3, 20)?;
        ws.write_string_with_format(0, 0, &fixed, &note)?;
        let d = &mc.distribution;
        let first = 3u32; // 1-based row of scenario 1
        let last = first - 1 + mc.present_values.len() as u32;
        let range = format!("D{first}:D{last}");
        let rows: [(String, String, f64); 6] = [
            (in_yuan(l("mean"), lang), format!("=AVERAGE({range})"), d.mean),
            (in_yuan("P5", lang), format!("=PERCENTILE.INC({range},0.05)"), d.p5),
            (in_yuan("P50", lang), format!("=PERCENTILE.INC({range},0.5)"), d.p50),
            (in_yuan("P95", lang), format!("=PERCENTILE.INC({range},0.95)"), d.p95),
            (
                in_yuan(l("confidence_bid"), lang),
                format!("=PERCENTILE.INC({range},{})", 1.0 - d.confidence),
                d.confidence_bid,
            ),
            (l("hurdle_probability").to_string(), String::new(), d.probability_of_hurdle),
        ];
        for (i, (k, f, v)) in rows.iter().enumerate() {
            let r = 1 + i as u32;
            ws.write_string_with_format(r, 0, k, &bold)?;
            if f.is_empty() {
                ws.write_number_with_format(r, 1, *v, &pct)?;
            } else {
                ws.write_formula_with_format(r, 1, formula(f.clone(), *v), &yuan)?;
            }
        }
        ws.write_string_with_format(8, 0, l("scenarios"), &bold)?;
        ws.write_number(8, 1, mc.scenarios as f64)?;
        ws.write_string_with_format(9, 0, l("seed"), &bold)?;
        ws.write_number(9, 1, mc.seed as f64)?;
        ws.write_string_with_format(1, 2, l("scenario"), &bold)?;
        ws.write_string_with_format(1, 3, y("pv"), &bold)?;
        for (i, v) in mc.present_values.iter().enumerate() {
            let r = first - 1 + i as u32;
            ws.write_number(r, 2, (i + 1) as f64)?;
            ws.write_number_with_format(r, 3, *v, &yuan)?;
        }
    }

    // 8. Parameters, with source and confidence.
    let ws = book.add_worksheet();
    ws.set_name(params_name)?;
    headers(ws, 0, &[l("group"), l("parameter"), l("value"), l("source"), l("confidence")], &bold)?;
    ws.set_column_width(0, 20)?;
    ws.set_column_width(1, 44)?;
    ws.set_column_width(2, 12)?;
    ws.set_column_width(3, 44)?;
    ws.set_column_width(4, 18)?;
    let whole = Format::new().set_num_format("0");
    let decimal = Format::new().set_num_format("0.00##");
    for (i, p) in catalogue().iter().enumerate() {
        let r = 1 + i as u32;
        ws.write_string(r, 0, lang.pick(p.group_zh, p.group_en))?;
        ws.write_string(r, 1, if lang == Lang::Zh { &p.zh } else { &p.en })?;
        match get(set, &p.path) {
            Some(serde_json::Value::Bool(b)) => ws.write_string(r, 2, if b { l("yes") } else { l("no") })?,
            Some(v) => match (v.as_f64(), p.unit) {
                (Some(x), Unit::Share) => ws.write_number_with_format(r, 2, x, &pct)?,
                (Some(x), Unit::Months | Unit::Count) => ws.write_number_with_format(r, 2, x, &whole)?,
                (Some(x), _) => ws.write_number_with_format(r, 2, x, &decimal)?,
                (None, _) => ws.write_string(r, 2, v.to_string())?,
            },
            None => ws.write_string(r, 2, "")?,
        };
        ws.write_string(r, 3, p.source)?;
        ws.write_string(r, 4, lang.pick(p.confidence.zh(), p.confidence.en()))?;
    }
    crate::signoff::signed_book(book, l("title"), &info.signoff, lang)
}
