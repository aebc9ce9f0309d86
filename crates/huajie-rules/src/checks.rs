//! Checks of a proposed deal before it is signed (rules.md A3, A4, A7 with the Part G
//! readings), each finding with its rule, what it does (block, override, warn) and a plain
//! explanation in Chinese and English. So far: the territorial test of a package, prohibited
//! assets (state-organ debtor or guarantor), funding channels.

use huajie_core::{Money, Province};
use serde::{Deserialize, Serialize};

use crate::catalogue::RuleId;
use crate::indicators::Channel;

/// What a finding does to the action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    /// Stops the action.
    Block,
    /// A limit: needs a recorded override by the risk role.
    Override,
    /// A warning: also needs the risk role's recorded override (issue 5 §4), but is not a breach.
    Warn,
}

impl Effect {
    pub fn code(self) -> &'static str {
        match self {
            Effect::Block => "block",
            Effect::Override => "override",
            Effect::Warn => "warn",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub rule: RuleId,
    pub effect: Effect,
    /// The claim (contract) or instrument concerned, when one.
    pub subject: Option<String>,
    pub zh: String,
    pub en: String,
}

/// A party as the checks read it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckParty {
    /// Its id in the party graph (0 when it is not in it).
    pub id: i64,
    pub name: String,
    pub province: Option<Province>,
    pub state_organ: bool,
    /// A local-government financing vehicle.
    pub lgfv: bool,
    /// On the list of dishonest judgment debtors (失信被执行人).
    pub dishonest: bool,
}

/// One claim of a proposed acquisition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProposedClaim {
    pub contract_no: String,
    /// Principal + interest at the cut-off: the weight of the territorial share.
    pub amount: Money,
    pub debtor: CheckParty,
    pub guarantors: Vec<CheckParty>,
    /// The provinces of its collateral items.
    pub collateral_provinces: Vec<Option<Province>>,
    /// A recorded cross-region exception with its legal basis.
    pub cross_region_exception: Option<String>,
}

/// The territorial test of a package: its failing claims and their share by amount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Territory {
    pub failing: Vec<String>,
    pub failing_amount: Money,
    pub total_amount: Money,
}

/// Q7: a claim passes when the transferor's, the debtor's or any collateral item's province is
/// the home province. A failing claim blocks unless it carries a cross-region exception.
pub fn territorial(home: Province, transferor: &CheckParty, claims: &[ProposedClaim]) -> (Territory, Vec<Finding>) {
    let mut findings = Vec::new();
    let mut failing = Vec::new();
    let (mut failing_fen, mut total_fen) = (0i64, 0i64);
    let at_home = |p: &Option<Province>| *p == Some(home);
    for c in claims {
        total_fen = total_fen.saturating_add(c.amount.fen());
        if at_home(&transferor.province) || at_home(&c.debtor.province) || c.collateral_provinces.iter().any(at_home) {
            continue;
        }
        failing.push(c.contract_no.clone());
        failing_fen = failing_fen.saturating_add(c.amount.fen());
        let (effect, zh_tail, en_tail) = match &c.cross_region_exception {
            Some(basis) => (
                Effect::Warn,
                format!("；已登记跨区域例外：{basis}"),
                format!("; a cross-region exception is recorded: {basis}"),
            ),
            None => (
                Effect::Block,
                "，且未登记跨区域例外依据".to_string(),
                ", and no cross-region exception is recorded".to_string(),
            ),
        };
        findings.push(Finding {
            rule: RuleId::Q7,
            effect,
            subject: Some(c.contract_no.clone()),
            zh: format!("债权 {} 的转让方、债务人和抵押物均不在本省（{}）{zh_tail}", c.contract_no, home.name_zh()),
            en: format!(
                "claim {}: neither the transferor, the debtor nor any collateral is in the home province ({}){en_tail}",
                c.contract_no,
                home.name_en()
            ),
        });
    }
    (
        Territory { failing, failing_amount: Money::from_fen(failing_fen), total_amount: Money::from_fen(total_fen) },
        findings,
    )
}

/// Q8 (PX1) and Q9 (RL4): a state-organ debtor or guarantor blocks; an LGFV debtor needs legal review.
pub fn prohibited_assets(claims: &[ProposedClaim]) -> Vec<Finding> {
    let mut out = Vec::new();
    for c in claims {
        let organs: Vec<&str> = std::iter::once(&c.debtor)
            .chain(&c.guarantors)
            .filter(|p| p.state_organ)
            .map(|p| p.name.as_str())
            .collect();
        if !organs.is_empty() {
            out.push(Finding {
                rule: RuleId::Q8,
                effect: Effect::Block,
                subject: Some(c.contract_no.clone()),
                zh: format!("债权 {} 的债务人或保证人为国家机关（{}），不得收购", c.contract_no, organs.join("、")),
                en: format!(
                    "claim {}: its debtor or a guarantor is a state organ ({}); it may not be acquired",
                    c.contract_no,
                    organs.join(", ")
                ),
            });
        }
        if c.debtor.lgfv {
            out.push(Finding {
                rule: RuleId::Q9,
                effect: Effect::Warn,
                subject: Some(c.contract_no.clone()),
                zh: format!("债权 {} 的债务人为地方政府融资平台：须经法律审查，确认不形成新的隐性债务", c.contract_no),
                en: format!("claim {}: the debtor is a local-government financing vehicle; legal review must confirm no new hidden debt", c.contract_no),
            });
        }
    }
    out
}

/// Q10: a prohibited funding channel blocks; an allowed channel with the wrong kind of lender warns.
pub fn funding_channel(
    label: &str,
    channel: Channel,
    lender_is_licensed_fi: bool,
    lender_is_shareholder: bool,
) -> Vec<Finding> {
    let finding = |effect, zh: String, en: String| Finding {
        rule: RuleId::Q10,
        effect,
        subject: Some(label.to_string()),
        zh,
        en,
    };
    let name = |c: Channel| match c {
        Channel::PublicDeposits => ("吸收或变相吸收公众存款", "taking public deposits"),
        Channel::LocalExchange => ("地方各类交易场所融资", "financing through a local trading venue"),
        Channel::UnlicensedAssetManager => ("非持牌资产管理机构融资", "financing through an unlicensed asset manager"),
        _ => ("私募投资基金融资", "financing through a private investment fund"),
    };
    match channel {
        c if c.prohibited() => {
            let (zh, en) = name(c);
            vec![finding(
                Effect::Block,
                format!("{label}：{zh}属禁止的融资渠道"),
                format!("{label}: {en} is a prohibited funding channel"),
            )]
        }
        Channel::FiLoan if !lender_is_licensed_fi => vec![finding(
            Effect::Warn,
            format!("{label}：登记为金融机构借款，但出借人不是持牌金融机构"),
            format!("{label}: recorded as a loan from a financial institution, but the lender is not a licensed one"),
        )],
        Channel::ShareholderLoan if !lender_is_shareholder => vec![finding(
            Effect::Warn,
            format!("{label}：登记为股东借款，但出借人不是本公司股东"),
            format!("{label}: recorded as a shareholder loan, but the lender is not a shareholder"),
        )],
        _ => Vec::new(),
    }
}
