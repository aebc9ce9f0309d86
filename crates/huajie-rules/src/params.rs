//! Every threshold of the rules in one versioned parameter set (rules.md F1, Part G). The
//! store keeps the versions; results record the version they used.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Ratios in basis points of net assets (10,000 = 100%), so that limits compare exactly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleParameters {
    /// Q1: funding balance ≤ 3 × net assets.
    pub leverage_max_bps: u32,
    /// Q2: one client ≤ 10% of net assets.
    pub single_client_max_bps: u32,
    /// Q3: one group ≤ 15% of net assets.
    pub group_max_bps: u32,
    /// Q4: related-party claims ≤ 50% of the previous quarter-end's net assets.
    pub related_max_bps: u32,
    /// Q5: HQLA ≥ 100% of the net cash outflow of the window.
    pub liquidity_min_bps: u32,
    pub liquidity_window_days: u32,
    /// Q6: financial NPA acquisitions ≥ 30% of new investment over the window.
    pub main_business_min_bps: u32,
    pub main_business_years: u32,
    /// Amber at this share of an upper limit (and, for a lower limit, when the limit is at least
    /// this share of the value).
    pub amber_bps: u32,
    /// Control: a stake (own plus controlled entities') above this.
    pub control_above_bps: u32,
    /// A shareholder at or above this is a related party.
    pub related_shareholder_min_bps: u32,
    /// Q15 exit watch: alert and breach at these whole months since the last acquisition.
    pub exit_alert_months: u32,
    pub exit_breach_months: u32,
    /// A14: breaches until this date (inclusive) are "in transition": reported, not blocking.
    pub transition_end: NaiveDate,
    /// A11 IC3: members present for a committee meeting to decide anything.
    #[serde(default = "defaults::committee_quorum")]
    pub committee_quorum: u32,
    /// A11 IC1 (our reading of "no single person decides"): members entitled to vote on an item
    /// (present and not conflicted) for it to be decided at all.
    #[serde(default = "defaults::committee_min_voters")]
    pub committee_min_voters: u32,
    /// A11 IC3: an item passes with at least this share of the members present who may vote on it.
    #[serde(default = "defaults::committee_pass")]
    pub committee_pass: Fraction,
    /// A11 IC4/IC8: the higher approval tier (a reserve below the valuation, an agreement
    /// transfer) passes with at least this share.
    #[serde(default = "defaults::senior_pass")]
    pub senior_pass: Fraction,
    /// A11 IC8: a reserve price more than this share below the latest valuation needs a written
    /// reason and the higher tier (0 = any reserve below the valuation).
    #[serde(default)]
    pub below_valuation_tolerance_bps: u32,
    /// A10.2 Q11: the announcement period, in working days after the day of publication.
    #[serde(default = "defaults::announcement_working_days")]
    pub announcement_working_days: u32,
    /// How many calendar days a pre-trade check stays valid for recording the deal it checked.
    #[serde(default = "defaults::check_validity_days")]
    pub check_validity_days: u32,
    /// Anti-sniping on the portal's live auctions (延时周期): a bid in an auction's last N
    /// minutes moves its end to N minutes after the bid (法释〔2016〕18号 art. 20, five minutes
    /// for judicial auctions; `huajie_auction::Lot::accept`).
    #[serde(default = "defaults::auction_extension_minutes")]
    pub auction_extension_minutes: u32,
}

/// The defaults of the parameters added after version 1 (a stored set without them reads these).
mod defaults {
    use super::Fraction;
    pub fn committee_quorum() -> u32 {
        5
    }
    pub fn committee_min_voters() -> u32 {
        3
    }
    pub fn committee_pass() -> Fraction {
        Fraction { num: 2, den: 3 }
    }
    pub fn senior_pass() -> Fraction {
        Fraction { num: 1, den: 1 }
    }
    pub fn announcement_working_days() -> u32 {
        7
    }
    pub fn check_validity_days() -> u32 {
        30
    }
    pub fn auction_extension_minutes() -> u32 {
        5
    }
}

/// An exact share `num/den` (0 < num ≤ den), written "2/3": a vote's pass mark compares
/// exactly, which basis points cannot do for two thirds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Fraction {
    pub num: u32,
    pub den: u32,
}

impl Fraction {
    /// Whether `part` out of `whole` is at least this share (`part/whole ≥ num/den`); never for
    /// an empty whole.
    pub fn reached_by(self, part: u32, whole: u32) -> bool {
        whole > 0 && u64::from(part) * u64::from(self.den) >= u64::from(self.num) * u64::from(whole)
    }
}

impl std::fmt::Display for Fraction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.num, self.den)
    }
}

/// A whole number ≥ 0 as the core reads one (`１２`, `1,200`), if it fits.
fn whole_number(s: &str) -> Option<u32> {
    huajie_core::input::parse_int(s).ok().and_then(|v| u32::try_from(v).ok())
}

impl std::str::FromStr for Fraction {
    type Err = String;
    fn from_str(s: &str) -> Result<Fraction, String> {
        let s = &huajie_core::input::normalize(s);
        let (n, d) = s.split_once('/').ok_or_else(|| format!("not a fraction: {s}"))?;
        let (num, den) = (
            whole_number(n).ok_or_else(|| format!("not a fraction: {s}"))?,
            whole_number(d).ok_or_else(|| format!("not a fraction: {s}"))?,
        );
        if num == 0 || den == 0 || num > den || den > 1_000 {
            return Err(format!("a share between 0 and 1 is needed: {s}"));
        }
        Ok(Fraction { num, den })
    }
}

impl TryFrom<String> for Fraction {
    type Error = String;
    fn try_from(s: String) -> Result<Fraction, String> {
        s.parse()
    }
}

impl From<Fraction> for String {
    fn from(f: Fraction) -> String {
        f.to_string()
    }
}

impl Default for RuleParameters {
    /// The readings of rules.md Part G (v1).
    fn default() -> RuleParameters {
        RuleParameters {
            leverage_max_bps: 30_000,
            single_client_max_bps: 1_000,
            group_max_bps: 1_500,
            related_max_bps: 5_000,
            liquidity_min_bps: 10_000,
            liquidity_window_days: 30,
            main_business_min_bps: 3_000,
            main_business_years: 3,
            amber_bps: 9_000,
            control_above_bps: 5_000,
            related_shareholder_min_bps: 500,
            exit_alert_months: 12,
            exit_breach_months: 24,
            transition_end: NaiveDate::from_ymd_opt(2028, 7, 12).expect("a valid date"),
            committee_quorum: defaults::committee_quorum(),
            committee_min_voters: defaults::committee_min_voters(),
            committee_pass: defaults::committee_pass(),
            senior_pass: defaults::senior_pass(),
            below_valuation_tolerance_bps: 0,
            announcement_working_days: defaults::announcement_working_days(),
            check_validity_days: defaults::check_validity_days(),
            auction_extension_minutes: defaults::auction_extension_minutes(),
        }
    }
}

/// A parameter as the UI shows it: its field, names, unit, source and confidence.
#[derive(Debug, Clone, PartialEq)]
pub struct ParameterInfo {
    pub field: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
    pub unit: ParameterUnit,
    pub source: &'static str,
    pub confidence: crate::catalogue::Confidence,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParameterUnit {
    /// Basis points shown as a percentage.
    Percent,
    /// Basis points shown as a multiple (30,000 = 3.0×).
    Multiple,
    Days,
    Years,
    Months,
    Date,
    /// A whole number of people.
    Count,
    /// An exact share written "2/3".
    Fraction,
    WorkingDays,
    /// Whole minutes.
    Minutes,
}

/// Every parameter, in the order the rules page lists them.
pub fn parameter_catalogue() -> Vec<ParameterInfo> {
    use crate::catalogue::Confidence::*;
    use ParameterUnit::*;
    let p = |field, zh, en, unit, source, confidence| ParameterInfo { field, zh, en, unit, source, confidence };
    vec![
        p(
            "leverage_max_bps",
            "杠杆率上限（融资余额 / 净资产）",
            "Leverage limit (funding / net assets)",
            Multiple,
            "16号；rules.md A6.2",
            Confirmed,
        ),
        p(
            "single_client_max_bps",
            "单一客户集中度上限",
            "Single client limit",
            Percent,
            "16号；rules.md A6.4",
            Confirmed,
        ),
        p("group_max_bps", "同一集团客户集中度上限", "Group client limit", Percent, "16号；rules.md A6.5", Confirmed),
        p(
            "related_max_bps",
            "关联方债权上限（上季末净资产）",
            "Related-party claims limit (previous quarter-end)",
            Percent,
            "16号；rules.md A6.6",
            Confirmed,
        ),
        p("liquidity_min_bps", "流动性覆盖下限", "Liquidity coverage floor", Percent, "16号；rules.md A6.3", Confirmed),
        p("liquidity_window_days", "流动性窗口", "Liquidity window", Days, "16号；rules.md A6.3", Confirmed),
        p("main_business_min_bps", "主业比例下限", "Main business floor", Percent, "rules.md A6.1", Reported),
        p("main_business_years", "主业比例计算年数", "Main business window", Years, "rules.md A6.1, Part G", Inference),
        p("amber_bps", "预警线（占限额比例）", "Amber at (share of the limit)", Percent, "rules.md Part G", Inference),
        p("control_above_bps", "控制：持股超过", "Control: stake above", Percent, "rules.md A6.5, Part G", Inference),
        p(
            "related_shareholder_min_bps",
            "关联股东：持股不低于",
            "Related shareholder: stake at least",
            Percent,
            "rules.md A6.6, Part G",
            Memory,
        ),
        p("exit_alert_months", "退出观察预警（月）", "Exit watch alert", Months, "rules.md A13, Part G", Inference),
        p("exit_breach_months", "退出观察超限（月）", "Exit watch breach", Months, "16号；rules.md A13", Reported),
        p("transition_end", "过渡期截止日", "Transition ends", Date, "16号；rules.md A14", Inference),
    ]
    .into_iter()
    .chain(decision_parameters())
    .chain(portal_parameters())
    .collect()
}

/// The committee's and the disposal's parameters (rules.md A10, A11; docs/disposal.md).
fn decision_parameters() -> Vec<ParameterInfo> {
    use crate::catalogue::Confidence::*;
    use ParameterUnit::*;
    let p = |field, zh, en, unit, source, confidence| ParameterInfo { field, zh, en, unit, source, confidence };
    vec![
        p(
            "committee_quorum",
            "决策委员会法定出席人数",
            "Committee quorum (members present)",
            Count,
            "85号第九条；rules.md A11 IC3",
            Confirmed,
        ),
        p(
            "committee_min_voters",
            "议题最少有表决权人数",
            "Fewest members entitled to vote on an item",
            Count,
            "85号第八条（不得个人决定）；rules.md A11 IC1",
            Inference,
        ),
        p(
            "committee_pass",
            "通过比例（出席且有表决权者）",
            "Pass mark (of members present and entitled)",
            Fraction,
            "85号第九条；rules.md A11 IC3, Q16",
            Confirmed,
        ),
        p(
            "senior_pass",
            "较高审批层级通过比例",
            "Pass mark of the higher tier",
            Fraction,
            "rules.md A11 IC4, IC8",
            Inference,
        ),
        p(
            "below_valuation_tolerance_bps",
            "底价低于估值的容差（超出须说明理由并提级审批）",
            "Reserve below the valuation: tolerance before a reason and the higher tier are needed",
            Percent,
            "rules.md A11 IC8",
            Memory,
        ),
        p(
            "announcement_working_days",
            "处置公告期（工作日）",
            "Announcement period (working days)",
            WorkingDays,
            "rules.md A10.2, Q11",
            Reported,
        ),
        p(
            "check_validity_days",
            "交易前检查有效期（日）",
            "A pre-trade check stays valid (days)",
            Days,
            "rules.md Part G（本系统解读）",
            Inference,
        ),
    ]
}

/// The investor portal's parameters (issue 14; docs/portal.md).
fn portal_parameters() -> Vec<ParameterInfo> {
    use crate::catalogue::Confidence::*;
    use ParameterUnit::*;
    let p = |field, zh, en, unit, source, confidence| ParameterInfo { field, zh, en, unit, source, confidence };
    vec![p(
        "auction_extension_minutes",
        "网络拍卖延时周期（分钟）",
        "Live auction anti-sniping extension (minutes)",
        Minutes,
        "法释〔2016〕18号第二十条（网络司法拍卖：出价后顺延五分钟）；门户竞价沿用",
        Reported,
    )]
}

impl RuleParameters {
    /// A parameter's value as a valuer of rules types it (percentages, multiples, dates).
    pub fn shown(&self, field: &str) -> String {
        let bps = |x: u32| {
            let s = format!("{:.4}", f64::from(x) / 100.0);
            format!("{}%", s.trim_end_matches('0').trim_end_matches('.'))
        };
        match field {
            "leverage_max_bps" => format!("{}×", f64::from(self.leverage_max_bps) / 10_000.0),
            "single_client_max_bps" => bps(self.single_client_max_bps),
            "group_max_bps" => bps(self.group_max_bps),
            "related_max_bps" => bps(self.related_max_bps),
            "liquidity_min_bps" => bps(self.liquidity_min_bps),
            "liquidity_window_days" => self.liquidity_window_days.to_string(),
            "main_business_min_bps" => bps(self.main_business_min_bps),
            "main_business_years" => self.main_business_years.to_string(),
            "amber_bps" => bps(self.amber_bps),
            "control_above_bps" => bps(self.control_above_bps),
            "related_shareholder_min_bps" => bps(self.related_shareholder_min_bps),
            "exit_alert_months" => self.exit_alert_months.to_string(),
            "exit_breach_months" => self.exit_breach_months.to_string(),
            "transition_end" => self.transition_end.to_string(),
            "committee_quorum" => self.committee_quorum.to_string(),
            "committee_min_voters" => self.committee_min_voters.to_string(),
            "committee_pass" => self.committee_pass.to_string(),
            "senior_pass" => self.senior_pass.to_string(),
            "below_valuation_tolerance_bps" => bps(self.below_valuation_tolerance_bps),
            "announcement_working_days" => self.announcement_working_days.to_string(),
            "check_validity_days" => self.check_validity_days.to_string(),
            "auction_extension_minutes" => self.auction_extension_minutes.to_string(),
            _ => String::new(),
        }
    }

    /// A copy with one parameter set from text; `Err` names what is wrong, in both languages.
    pub fn with(&self, field: &str, text: &str) -> Result<RuleParameters, huajie_core::Text> {
        // Full-width digits, `％` and `／` read as their ASCII forms, as in every form.
        let normalized = huajie_core::input::normalize(text);
        let t = normalized.as_str();
        let info = parameter_catalogue()
            .into_iter()
            .find(|p| p.field == field)
            .ok_or_else(|| huajie_core::Text::new(format!("未知参数 {field}"), format!("unknown parameter {field}")))?;
        let shown = huajie_core::input::excerpt(t);
        let bad = || {
            let t = &shown;
            huajie_core::Text::new(
                format!("{}：{t} 无法识别或超出范围", info.zh),
                format!("{}: cannot use {t}", info.en),
            )
        };
        let mut out = self.clone();
        let bps_of = |s: &str, scale: f64| -> Option<u32> {
            let x = huajie_core::input::parse_number(s).ok()?;
            let v = (x * scale).round();
            (v.is_finite() && (0.0..=1_000_000.0).contains(&v)).then_some(v as u32)
        };
        let whole = |s: &str| whole_number(s).filter(|v| *v <= 1_200);
        match info.unit {
            ParameterUnit::Percent => {
                let v = bps_of(t.trim_end_matches('%'), 100.0).filter(|v| *v <= 100_000).ok_or_else(bad)?;
                match field {
                    "single_client_max_bps" => out.single_client_max_bps = v,
                    "group_max_bps" => out.group_max_bps = v,
                    "related_max_bps" => out.related_max_bps = v,
                    "liquidity_min_bps" => out.liquidity_min_bps = v,
                    "main_business_min_bps" => out.main_business_min_bps = v,
                    "amber_bps" if v <= 10_000 => out.amber_bps = v,
                    "control_above_bps" if v <= 10_000 => out.control_above_bps = v,
                    "related_shareholder_min_bps" if v <= 10_000 => out.related_shareholder_min_bps = v,
                    "below_valuation_tolerance_bps" if v <= 10_000 => out.below_valuation_tolerance_bps = v,
                    _ => return Err(bad()),
                }
            }
            ParameterUnit::Multiple => {
                out.leverage_max_bps =
                    bps_of(t.trim_end_matches(['×', 'x', 'X']), 10_000.0).filter(|v| *v > 0).ok_or_else(bad)?
            }
            ParameterUnit::Days => {
                let v = whole(t).filter(|v| *v > 0).ok_or_else(bad)?;
                match field {
                    "check_validity_days" => out.check_validity_days = v,
                    _ => out.liquidity_window_days = v,
                }
            }
            ParameterUnit::WorkingDays | ParameterUnit::Count | ParameterUnit::Fraction | ParameterUnit::Minutes => {
                out.set_decision(field, info.unit, t).ok_or_else(bad)?
            }
            ParameterUnit::Years => {
                out.main_business_years = whole(t).filter(|v| (1..=10).contains(v)).ok_or_else(bad)?
            }
            ParameterUnit::Months => match field {
                "exit_alert_months" => out.exit_alert_months = whole(t).ok_or_else(bad)?,
                _ => out.exit_breach_months = whole(t).ok_or_else(bad)?,
            },
            ParameterUnit::Date => out.transition_end = huajie_core::input::parse_date(t).map_err(|_| bad())?,
        }
        Ok(out)
    }

    /// Sets one of the committee's, the disposal's and the portal's parameters from text; `None` when it
    /// cannot be read or is out of range.
    fn set_decision(&mut self, field: &str, unit: ParameterUnit, t: &str) -> Option<()> {
        let whole = whole_number;
        match (unit, field) {
            (ParameterUnit::WorkingDays, _) => self.announcement_working_days = whole(t).filter(|v| *v <= 60)?,
            (ParameterUnit::Count, "committee_quorum") => {
                self.committee_quorum = whole(t).filter(|v| (1..=50).contains(v))?
            }
            (ParameterUnit::Count, _) => self.committee_min_voters = whole(t).filter(|v| (1..=50).contains(v))?,
            (ParameterUnit::Fraction, "committee_pass") => self.committee_pass = t.parse().ok()?,
            (ParameterUnit::Fraction, _) => self.senior_pass = t.parse().ok()?,
            // The terms of an auction accept 1 to 60 minutes (huajie_auction::terms).
            (ParameterUnit::Minutes, _) => {
                self.auction_extension_minutes = whole(t).filter(|v| (1..=60).contains(v))?
            }
            _ => return None,
        }
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_parameter_shows_and_reads_back() {
        let p = RuleParameters::default();
        for info in parameter_catalogue() {
            let shown = p.shown(info.field);
            assert!(!shown.is_empty(), "{}", info.field);
            assert_eq!(p.with(info.field, &shown).unwrap(), p, "{} = {shown}", info.field);
        }
        assert_eq!(p.shown("leverage_max_bps"), "3×");
        assert_eq!(p.shown("single_client_max_bps"), "10%");
        assert_eq!(p.with("leverage_max_bps", "3.5×").unwrap().leverage_max_bps, 35_000);
        assert_eq!(p.with("related_max_bps", "45%").unwrap().related_max_bps, 4_500);
        assert!(p.with("amber_bps", "120%").is_err());
        assert!(p.with("transition_end", "明年").is_err());
        assert!(p.with("main_business_years", "0").is_err());
        assert_eq!(p.with("committee_pass", "3/4").unwrap().committee_pass, Fraction { num: 3, den: 4 });
        for wrong in ["0/3", "4/3", "2/0", "二分之一", "0.66"] {
            assert!(p.with("committee_pass", wrong).is_err(), "{wrong}");
        }
        assert!(p.with("committee_quorum", "0").is_err());
        assert_eq!(p.with("auction_extension_minutes", "3").unwrap().auction_extension_minutes, 3);
        for wrong in ["0", "61", "五"] {
            assert!(p.with("auction_extension_minutes", wrong).is_err(), "{wrong}");
        }
    }

    #[test]
    fn parameters_read_full_width_digits_as_every_form_does() {
        let p = RuleParameters::default();
        assert_eq!(p.with("related_max_bps", "６５％").unwrap().related_max_bps, 6_500);
        assert_eq!(p.with("related_max_bps", "65 %").unwrap().related_max_bps, 6_500);
        assert_eq!(p.with("committee_pass", "２／３").unwrap().committee_pass, Fraction { num: 2, den: 3 });
        assert_eq!(p.with("check_validity_days", "３０").unwrap().check_validity_days, 30);
        let end = p.with("transition_end", "2027年12月31日").unwrap().transition_end;
        assert_eq!(end, chrono::NaiveDate::from_ymd_opt(2027, 12, 31).unwrap());
        assert!(p.with("related_max_bps", "abc").is_err());
    }

    #[test]
    fn two_thirds_compare_exactly() {
        let two_thirds = Fraction { num: 2, den: 3 };
        assert!(two_thirds.reached_by(2, 3));
        assert!(two_thirds.reached_by(4, 6));
        assert!(!two_thirds.reached_by(3, 5), "60% is short of two thirds");
        assert!(two_thirds.reached_by(4, 5));
        assert!(!two_thirds.reached_by(0, 0), "nobody present decides nothing");
        assert!(Fraction { num: 1, den: 1 }.reached_by(4, 4));
        assert!(!Fraction { num: 1, den: 1 }.reached_by(3, 4));
    }

    #[test]
    fn a_set_saved_before_the_committee_parameters_reads_their_defaults() {
        let mut old = serde_json::to_value(RuleParameters::default()).unwrap();
        let added = ["committee_quorum", "committee_pass", "announcement_working_days", "check_validity_days"];
        for f in added.into_iter().chain(["auction_extension_minutes"]) {
            old.as_object_mut().unwrap().remove(f);
        }
        let read: RuleParameters = serde_json::from_value(old).unwrap();
        assert_eq!(read, RuleParameters::default());
    }

    #[test]
    fn docs_compliance_md_lists_every_parameter_and_rule() {
        let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/compliance.md")).unwrap();
        for info in parameter_catalogue() {
            assert!(doc.contains(&format!("`{}`", info.field)), "docs/compliance.md lacks {}", info.field);
        }
        for rule in crate::catalogue() {
            assert!(doc.contains(&format!("| {:?} |", rule.id)), "docs/compliance.md lacks {:?}", rule.id);
        }
    }

    #[test]
    fn the_catalogue_lists_every_field_once() {
        let json = serde_json::to_value(RuleParameters::default()).unwrap();
        let mut fields: Vec<&str> = json.as_object().unwrap().keys().map(String::as_str).collect();
        let mut listed: Vec<&str> = parameter_catalogue().iter().map(|p| p.field).collect();
        fields.sort_unstable();
        listed.sort_unstable();
        assert_eq!(fields, listed);
    }
}
