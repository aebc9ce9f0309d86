//! Checks of a proposed deal before it is signed (rules.md A3, A4, A7 with the Part G
//! readings), each finding with its rule, what it does (block, override, warn) and a plain
//! explanation in Chinese and English: the territorial test of a package, prohibited assets
//! (a state-organ debtor or guarantor, a claim or package flagged PX2–PX6), funding channels.

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
    /// Its id in the party graph (a party not in it is a `Counterparty::Unregistered`).
    pub id: i64,
    pub name: String,
    pub province: Option<Province>,
    pub state_organ: bool,
    /// A local-government financing vehicle.
    pub lgfv: bool,
    /// On the list of dishonest judgment debtors (失信被执行人).
    pub dishonest: bool,
}

/// The other side of a funding, an investment or a disposal, as the user named it: a party
/// Huajie knows, one it does not (its name, the identifier given and the province that
/// identifier tells), or none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Counterparty {
    Registered(CheckParty),
    Unregistered {
        name: String,
        identifier: String,
        province: Option<Province>,
    },
    #[default]
    None,
}

impl Counterparty {
    /// Its id in the party graph, when it is in it.
    pub fn registered(&self) -> Option<&CheckParty> {
        match self {
            Counterparty::Registered(p) => Some(p),
            _ => None,
        }
    }

    pub fn name(&self) -> &str {
        match self {
            Counterparty::Registered(p) => &p.name,
            Counterparty::Unregistered { name, .. } => name,
            Counterparty::None => "",
        }
    }

    /// On the list of dishonest judgment debtors (only a registered party can be known so).
    pub fn dishonest(&self) -> bool {
        self.registered().is_some_and(|p| p.dishonest)
    }
}

/// The prohibited-asset flags a person sets on a claim or a package (rules.md A3.2; PX1, a
/// state-organ debtor or guarantor, follows from the parties and is not set by hand).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ProhibitedAsset {
    /// PX2: listed in the national policy closure / bankruptcy plan.
    Px2,
    /// PX3: national defence, military industry, national security or sensitive information.
    Px3,
    /// PX4: a personal loan whose transfer is restricted by law or regulation.
    Px4,
    /// PX5: the loan or guarantee contract forbids its transfer.
    Px5,
    /// PX6: otherwise restricted from transfer by law or regulation.
    Px6,
}

impl ProhibitedAsset {
    pub const ALL: [ProhibitedAsset; 5] =
        [ProhibitedAsset::Px2, ProhibitedAsset::Px3, ProhibitedAsset::Px4, ProhibitedAsset::Px5, ProhibitedAsset::Px6];

    pub fn code(self) -> &'static str {
        match self {
            ProhibitedAsset::Px2 => "PX2",
            ProhibitedAsset::Px3 => "PX3",
            ProhibitedAsset::Px4 => "PX4",
            ProhibitedAsset::Px5 => "PX5",
            ProhibitedAsset::Px6 => "PX6",
        }
    }

    pub fn from_code(code: &str) -> Option<ProhibitedAsset> {
        ProhibitedAsset::ALL.into_iter().find(|p| p.code().eq_ignore_ascii_case(code.trim()))
    }

    pub fn zh(self) -> &'static str {
        match self {
            ProhibitedAsset::Px2 => "列入国家政策性关闭破产计划",
            ProhibitedAsset::Px3 => "涉及国防军工等国家安全和敏感信息",
            ProhibitedAsset::Px4 => "依法限制转让的个人贷款",
            ProhibitedAsset::Px5 => "借款或担保合同约定限制转让",
            ProhibitedAsset::Px6 => "其他依法限制转让的资产",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            ProhibitedAsset::Px2 => "in the national policy closure or bankruptcy plan",
            ProhibitedAsset::Px3 => "defence, military industry, national security or sensitive information",
            ProhibitedAsset::Px4 => "a personal loan whose transfer is restricted by law",
            ProhibitedAsset::Px5 => "the loan or guarantee contract forbids its transfer",
            ProhibitedAsset::Px6 => "otherwise restricted from transfer by law or regulation",
        }
    }

    /// The confidence of the category (rules.md A3.2).
    pub fn confidence(self) -> crate::Confidence {
        match self {
            ProhibitedAsset::Px3 => crate::Confidence::Confirmed,
            ProhibitedAsset::Px4 => crate::Confidence::Confirmed,
            ProhibitedAsset::Px5 => crate::Confidence::Reported,
            ProhibitedAsset::Px2 | ProhibitedAsset::Px6 => crate::Confidence::Memory,
        }
    }
}

/// A prohibited-asset flag as the check reads it: which, why, and who set it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetFlag {
    pub code: ProhibitedAsset,
    pub reason: String,
    pub set_by: String,
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
    /// Prohibited-asset flags set on the claim (PX2–PX6).
    pub flags: Vec<AssetFlag>,
}

/// The territorial test of a package: its failing claims and their share by amount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

fn flag_finding(what_zh: &str, what_en: &str, f: &AssetFlag) -> Finding {
    Finding {
        rule: RuleId::Q8,
        effect: Effect::Block,
        subject: Some(what_zh.to_string()),
        zh: format!(
            "{what_zh}标记为 {}（{}），不得收购；理由：{}（{} 标记）",
            f.code.code(),
            f.code.zh(),
            f.reason,
            f.set_by
        ),
        en: format!(
            "{what_en} is flagged {} ({}) and may not be acquired; reason: {} (flagged by {})",
            f.code.code(),
            f.code.en(),
            f.reason,
            f.set_by
        ),
    }
}

/// Q8 (PX2–PX6) on a package as a whole: each flag blocks.
pub fn flagged_package(flags: &[AssetFlag]) -> Vec<Finding> {
    flags.iter().map(|f| Finding { subject: None, ..flag_finding("本资产包", "the package", f) }).collect()
}

/// Q8 (PX1–PX6) and Q9 (RL4): a state-organ debtor or guarantor, or a claim flagged PX2–PX6,
/// blocks; an LGFV debtor needs legal review.
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
        for f in &c.flags {
            let finding = flag_finding(&format!("债权 {} ", c.contract_no), &format!("claim {}", c.contract_no), f);
            out.push(Finding { subject: Some(c.contract_no.clone()), ..finding });
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
