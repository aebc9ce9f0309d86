//! The rule catalogue: Q1–Q16 of rules.md's quick reference, each with its titles, source
//! instrument, article where known, confidence tag and kind. The UI shows the tag next to
//! every rule and says "our reading" for [I].

use chrono::NaiveDate;

/// How far a rule's content is established (rules.md §0.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confidence {
    /// [C] seen in a retrieved source.
    Confirmed,
    /// [R] reported in a secondary summary.
    Reported,
    /// [M] recollection, unverified.
    Memory,
    /// [I] our interpretation, to be signed off.
    Inference,
}

impl Confidence {
    pub fn tag(self) -> &'static str {
        match self {
            Confidence::Confirmed => "C",
            Confidence::Reported => "R",
            Confidence::Memory => "M",
            Confidence::Inference => "I",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Confidence::Confirmed => "已核实",
            Confidence::Reported => "二手报道",
            Confidence::Memory => "记忆待核",
            Confidence::Inference => "本系统解读",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            Confidence::Confirmed => "confirmed",
            Confidence::Reported => "reported",
            Confidence::Memory => "from memory, unverified",
            Confidence::Inference => "our reading",
        }
    }
}

/// What a rule does when it fails (rules.md F1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleKind {
    /// Stops the action.
    HardBlock,
    /// A limit checked before a deal: an override by the risk role is needed.
    PreTradeLimit,
    /// Computed and watched; reported when breached.
    Monitoring,
    /// A step a process must follow.
    Workflow,
    /// Something to report.
    Reporting,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub enum RuleId {
    Q1,
    Q2,
    Q3,
    Q4,
    Q5,
    Q6,
    Q7,
    Q8,
    Q9,
    Q10,
    Q11,
    Q12,
    Q13,
    Q14,
    Q15,
    Q16,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub id: RuleId,
    pub zh: &'static str,
    pub en: &'static str,
    pub instrument: &'static str,
    /// Article number where known (16号's numbers are mostly unverified).
    pub article: Option<&'static str>,
    pub confidence: Confidence,
    /// The confidence of the definitions behind the figure, where it differs (Part G readings).
    pub definitions: Confidence,
    pub kind: RuleKind,
    pub effective_from: NaiveDate,
}

/// 金规〔2025〕16号: effective on issuance, published 2025-07-15.
pub const INSTRUMENT_16: &str = "金规〔2025〕16号《地方资产管理公司监督管理暂行办法》";

pub fn effective_16() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 7, 15).expect("a valid date")
}

/// Q1–Q16 in order.
pub fn catalogue() -> Vec<Rule> {
    use Confidence::*;
    use RuleKind::*;
    let rule = |id, zh, en, confidence, definitions, kind| Rule {
        id,
        zh,
        en,
        instrument: INSTRUMENT_16,
        article: None,
        confidence,
        definitions,
        kind,
        effective_from: effective_16(),
    };
    vec![
        rule(
            RuleId::Q1,
            "杠杆率：融入资金余额不超过净资产的 3 倍",
            "Leverage: borrowed funds at most 3 × net assets",
            Confirmed,
            Inference,
            PreTradeLimit,
        ),
        rule(
            RuleId::Q2,
            "单一客户集中度不超过净资产的 10%",
            "Single client at most 10% of net assets",
            Confirmed,
            Inference,
            PreTradeLimit,
        ),
        rule(
            RuleId::Q3,
            "同一集团客户集中度不超过净资产的 15%",
            "Group client at most 15% of net assets",
            Confirmed,
            Inference,
            PreTradeLimit,
        ),
        rule(
            RuleId::Q4,
            "关联方债权余额不超过上季末净资产的 50%",
            "Related-party claims at most 50% of previous quarter-end net assets",
            Confirmed,
            Inference,
            PreTradeLimit,
        ),
        rule(
            RuleId::Q5,
            "流动性：优质流动资产不低于未来 30 天净现金流出",
            "Liquidity: HQLA at least the net cash outflow of the next 30 days",
            Confirmed,
            Inference,
            Monitoring,
        ),
        rule(
            RuleId::Q6,
            "主业比例：近三年收购金融不良资产不低于新增投资的 30%",
            "Main business: financial NPA acquisitions at least 30% of new investment over three years",
            Reported,
            Inference,
            Monitoring,
        ),
        rule(
            RuleId::Q7,
            "经营区域：转让方、债务人或资产所在地在本省",
            "Territory: transferor, debtor or asset in the home province",
            Reported,
            Inference,
            HardBlock,
        ),
        rule(RuleId::Q8, "可收购资产与禁止收购资产", "Acquirable and prohibited assets", Confirmed, Memory, HardBlock),
        rule(RuleId::Q9, "五条经营红线", "The five red lines", Confirmed, Inference, HardBlock),
        rule(
            RuleId::Q10,
            "融资渠道：金融机构借款、股东借款、发行债券；禁止四类渠道",
            "Funding channels: FI loans, shareholder loans, bonds; four channels prohibited",
            Confirmed,
            Inference,
            HardBlock,
        ),
        rule(RuleId::Q11, "公开转让须公告", "Public transfer must be announced", Reported, Inference, Workflow),
        rule(RuleId::Q12, "受让方筛查", "Transferee screening", Reported, Inference, HardBlock),
        rule(
            RuleId::Q13,
            "协议转让须有例外依据并审批",
            "Agreement transfer only with an exception and approval",
            Reported,
            Memory,
            Workflow,
        ),
        rule(
            RuleId::Q14,
            "股东：两参或一控",
            "Shareholders: major stakes in at most two, control of at most one",
            Confirmed,
            Memory,
            Monitoring,
        ),
        rule(
            RuleId::Q15,
            "子公司与特殊目的载体；退出观察（距上次收购月数）",
            "Subsidiaries and SPVs; exit watch (months since the last acquisition)",
            Reported,
            Inference,
            Monitoring,
        ),
        rule(
            RuleId::Q16,
            "处置决策：不得个人决策，集体审议",
            "Disposal governance: no single-person decisions, committee votes",
            Confirmed,
            Memory,
            Workflow,
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_once_in_order() {
        let c = catalogue();
        assert_eq!(c.len(), 16);
        for (i, r) in c.iter().enumerate() {
            assert_eq!(format!("{:?}", r.id), format!("Q{}", i + 1));
            assert!(!r.zh.is_empty() && !r.en.is_empty());
        }
    }
}
