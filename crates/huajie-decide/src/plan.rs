//! Disposal plans (处置方案, rules.md A10, A11): the methods and what each needs, the gate a
//! plan passes before it goes to the committee, its approval tier, and its life.

use huajie_core::{Lifecycle, Money, Text, named_enum};
use huajie_rules::RuleParameters;

named_enum! {
    /// How an asset is disposed of (A10.1). The first five transfer it to a buyer; the first
    /// four do so publicly and need a website announcement (A10.2).
    pub enum DisposalMethod {
        OnlineAuction = ("online_auction", "网络拍卖", "Online auction"),
        Tender = ("tender", "招标", "Tender"),
        CompetitiveNegotiation = ("competitive_negotiation", "竞争性谈判", "Competitive negotiation"),
        ExchangeListing = ("exchange_listing", "产权交易所挂牌", "Exchange listing"),
        AgreementTransfer = ("agreement_transfer", "协议转让", "Agreement transfer"),
        Litigation = ("litigation", "诉讼追偿", "Litigation recovery"),
        Restructuring = ("restructuring", "债务重组", "Restructuring"),
        DebtToEquity = ("debt_to_equity", "债转股", "Debt-to-equity swap"),
        WriteOff = ("write_off", "核销", "Write-off"),
    }
}

impl DisposalMethod {
    /// Sells the asset to a buyer (and so screens the buyer, TX1–TX8, and may not sell a retail
    /// batch on, TX6).
    pub fn is_transfer(self) -> bool {
        use DisposalMethod::*;
        matches!(self, OnlineAuction | Tender | CompetitiveNegotiation | ExchangeListing | AgreementTransfer)
    }

    /// A public transfer: announced on the website before bidding opens (A10.2, Q11).
    pub fn is_public(self) -> bool {
        self.is_transfer() && self != DisposalMethod::AgreementTransfer
    }

    /// Investors bid on it on the portal: a live ascending auction or a sealed-bid tender.
    pub fn is_biddable(self) -> bool {
        matches!(self, DisposalMethod::OnlineAuction | DisposalMethod::Tender)
    }
}

named_enum! {
    /// The exceptions under which an agreement transfer may be approved (A10.3, our reading;
    /// every one unverified against 16号, and each needs the higher tier).
    pub enum AgreementException {
        PublicFailed = ("e1", "E1 公开处置流拍或无合格竞买人", "E1 The public process ran and failed"),
        PolicyTransfer = ("e2", "E2 为化解风险向国家机关或国有企业转让（附政府或监管文件）", "E2 Policy transfer to a state body or SOE, with the authority's document"),
        PreEmption = ("e3", "E3 合同或法定优先购买权", "E3 A contractual or legal pre-emption right"),
        IntraGroup = ("e4", "E4 集团内部或特殊目的载体转让", "E4 Intra-group or SPV transfer"),
        CourtOrdered = ("e5", "E5 法院裁定或破产重整计划要求的转让", "E5 Court-ordered or bankruptcy-plan transfer"),
        RegulatorConsent = ("e6", "E6 经监管部门书面同意的其他情形", "E6 Other, with the regulator's written consent"),
    }
}

named_enum! {
    /// What a plan disposes of.
    pub enum SubjectKind {
        Claim = ("claim", "债权", "Claim"),
        Collateral = ("collateral", "抵质押物", "Collateral item"),
        Package = ("package", "资产包", "Package"),
    }
}

named_enum! {
    /// The approval a plan needs (A11 IC4, IC8): the higher tier for a reserve below the
    /// valuation and for an agreement transfer.
    pub enum ApprovalTier {
        Standard = ("standard", "常规审批", "Standard"),
        Senior = ("senior", "提级审批", "Higher tier"),
    }
}

named_enum! {
    /// A plan's life: drafted; submitted to the committee (its gate passed, an agenda item
    /// tabled); approved or rejected by the vote; withdrawn by its preparer before a decision.
    /// A submitted plan whose item lapsed or was withdrawn goes back to draft.
    pub enum PlanStatus {
        Draft = ("draft", "草稿", "Draft"),
        Submitted = ("submitted", "已提交决策委员会", "Before the committee"),
        Approved = ("approved", "已批准", "Approved"),
        Rejected = ("rejected", "已否决", "Rejected"),
        Withdrawn = ("withdrawn", "已撤回", "Withdrawn"),
    }
}

impl Lifecycle for PlanStatus {
    const NOUN: (&'static str, &'static str) = ("处置方案", "the plan");
    fn all() -> &'static [PlanStatus] {
        PlanStatus::ALL
    }
    fn names(self) -> (&'static str, &'static str) {
        (self.zh(), self.en())
    }
    fn code(self) -> &'static str {
        Self::code(self)
    }
    fn can_become(self, next: PlanStatus) -> bool {
        use PlanStatus::*;
        matches!((self, next), (Draft, Submitted | Withdrawn) | (Submitted, Approved | Rejected | Draft))
    }
}

/// Where the plan's transferee check stands (a named buyer: an agreement transfer or a
/// negotiation with one party), as `huajie_rules::standing` reads the recorded check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BuyerCheck {
    /// A cleared disposal check of this subject to this buyer at `price`.
    Cleared { price: Money },
    /// Blocked or awaiting an override: why.
    NotCleared(Text),
}

/// What the gate reads of a plan and its subject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanFacts {
    pub method: DisposalMethod,
    pub exception: Option<AgreementException>,
    pub exception_reason: String,
    /// The reserve (starting or minimum) price; none for a method that sells nothing.
    pub reserve: Option<Money>,
    /// The latest valuation of the subject, and who made it.
    pub valuation: Option<Money>,
    pub valuer: Option<String>,
    /// Why the reserve is below the valuation.
    pub below_reason: String,
    /// What the subject cost (its share of the package's price).
    pub cost: Option<Money>,
    pub preparer: String,
    /// The subject came in a batch of personal loans (TX6).
    pub retail_batch: bool,
    /// The named buyer's check, when the method names one.
    pub buyer_check: Option<BuyerCheck>,
}

/// What the gate found: the plan's tier and every problem, by field. A plan with problems
/// cannot go to the committee.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gate {
    pub tier: ApprovalTier,
    /// Why the tier is the higher one.
    pub senior_because: Vec<Text>,
    pub problems: Vec<(&'static str, Text)>,
    /// The reserve less the cost: negative is the loss expected if it sells at the reserve.
    pub expected_gain: Option<i64>,
    /// The reserve is below the valuation by more than the tolerance.
    pub below_valuation: bool,
}

impl Gate {
    pub fn passed(&self) -> bool {
        self.problems.is_empty()
    }
}

/// The gate of a plan (A10.3, A10.4 TX6, A11 IC5, IC8; Q12, Q13, Q16).
pub fn gate(f: &PlanFacts, p: &RuleParameters) -> Gate {
    let mut problems: Vec<(&'static str, Text)> = Vec::new();
    let mut senior_because = Vec::new();
    let transfer = f.method.is_transfer();
    let reserve = if transfer { f.reserve } else { None };
    if transfer && reserve.is_none_or(|r| r.fen() <= 0) {
        problems
            .push(("reserve", Text::fixed("转让须定底价（大于零）。", "A transfer needs a reserve price above zero.")));
    }
    if transfer && f.retail_batch {
        problems.push((
            "method",
            Text::fixed(
                "批量收购的个人不良贷款不得再转让（rules.md A10.4 TX6），只能清收、重组或委托催收。",
                "Personal NPLs acquired in a batch may not be transferred on (rules.md A10.4 TX6): collect or restructure them.",
            ),
        ));
    }
    if f.method == DisposalMethod::AgreementTransfer {
        senior_because.push(Text::fixed("协议转让（A10.3）", "an agreement transfer (A10.3)"));
        problems.extend(agreement_problems(f, reserve));
    }
    if transfer && f.valuation.is_none() {
        problems.push((
            "valuation",
            Text::fixed(
                "处置前须有估值作为定价参考（A11 IC8），请先估值。",
                "A disposal is priced against a valuation (A11 IC8): value the asset first.",
            ),
        ));
    }
    if f.valuer.as_deref().is_some_and(|v| v == f.preparer) {
        problems.push((
            "valuation",
            Text::fixed(
                "方案经办人不得同时是估值人（A11 IC5 估值与处置分离），请由他人估值。",
                "The plan's preparer may not be its valuer (A11 IC5): have someone else value it.",
            ),
        ));
    }
    let below_valuation = match (reserve, f.valuation) {
        (Some(r), Some(v)) => {
            let floor = i128::from(v.fen()) * i128::from(10_000 - p.below_valuation_tolerance_bps.min(10_000));
            i128::from(r.fen()) * 10_000 < floor
        }
        _ => false,
    };
    if below_valuation {
        senior_because.push(Text::fixed("底价低于估值（A11 IC8）", "a reserve below the valuation (A11 IC8)"));
        if f.below_reason.trim().is_empty() {
            problems.push((
                "below_reason",
                Text::fixed(
                    "底价低于最新估值，须写明理由（并提级审批）。",
                    "The reserve is below the latest valuation: give the reason (the higher tier approves it).",
                ),
            ));
        }
    }
    let tier = if senior_because.is_empty() { ApprovalTier::Standard } else { ApprovalTier::Senior };
    let expected_gain = match (reserve, f.cost) {
        (Some(r), Some(c)) => Some(r.fen() - c.fen()),
        _ => None,
    };
    Gate { tier, senior_because, problems, expected_gain, below_valuation }
}

/// What an agreement transfer lacks (A10.3, Q13): its exception, the grounds, a buyer cleared
/// at no less than the reserve.
fn agreement_problems(f: &PlanFacts, reserve: Option<Money>) -> Vec<(&'static str, Text)> {
    let mut problems = Vec::new();
    match f.exception {
        None => problems.push((
            "exception",
            Text::fixed(
                "协议转让须选择例外情形（A10.3 E1–E6）。",
                "An agreement transfer names its exception (A10.3 E1–E6).",
            ),
        )),
        Some(_) if f.exception_reason.trim().is_empty() => problems.push((
            "exception_reason",
            Text::fixed("请写明适用例外情形的依据。", "Give the grounds for the exception."),
        )),
        Some(_) => {}
    }
    match &f.buyer_check {
        None => problems.push((
            "transferee",
            Text::fixed(
                "协议转让须指明受让方并先完成处置交易前检查（受让方筛查）。",
                "An agreement transfer names its buyer and has a disposal check (the buyer's screening) first.",
            ),
        )),
        Some(BuyerCheck::NotCleared(why)) => problems.push(("transferee", why.clone())),
        Some(BuyerCheck::Cleared { price }) if reserve.is_some_and(|r| *price < r) => problems.push((
            "transferee",
            Text::fixed(
                "受让方检查的价格低于底价，请按底价重新检查。",
                "The buyer was checked at a price below the reserve: check it at the reserve.",
            ),
        )),
        Some(BuyerCheck::Cleared { .. }) => {}
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yuan(y: i64) -> Money {
        Money::from_fen(y * 100)
    }

    fn auction() -> PlanFacts {
        PlanFacts {
            method: DisposalMethod::OnlineAuction,
            exception: None,
            exception_reason: String::new(),
            reserve: Some(yuan(1_000_000)),
            valuation: Some(yuan(1_000_000)),
            valuer: Some("valuer".into()),
            below_reason: String::new(),
            cost: Some(yuan(800_000)),
            preparer: "manager".into(),
            retail_batch: false,
            buyer_check: None,
        }
    }

    fn fields(g: &Gate) -> Vec<&'static str> {
        g.problems.iter().map(|(f, _)| *f).collect()
    }

    #[test]
    fn a_plain_auction_at_the_valuation_passes_at_the_standard_tier() {
        let g = gate(&auction(), &RuleParameters::default());
        assert!(g.passed(), "{:?}", g.problems);
        assert_eq!((g.tier, g.expected_gain), (ApprovalTier::Standard, Some(20_000_000)));
    }

    #[test]
    fn a_reserve_below_the_valuation_needs_a_reason_and_the_higher_tier() {
        let p = RuleParameters::default();
        let f = PlanFacts { reserve: Some(Money::from_fen(99_999_999)), ..auction() };
        let g = gate(&f, &p);
        assert_eq!((fields(&g), g.tier), (vec!["below_reason"], ApprovalTier::Senior), "one fen below");
        let g = gate(&PlanFacts { below_reason: "评估后市场下行".into(), ..f.clone() }, &p);
        assert!(g.passed() && g.tier == ApprovalTier::Senior);
        // Within a tolerance of 5%, 96% of the valuation is not "below".
        let p = RuleParameters { below_valuation_tolerance_bps: 500, ..p };
        let g = gate(&PlanFacts { reserve: Some(yuan(960_000)), ..f.clone() }, &p);
        assert!(g.passed() && g.tier == ApprovalTier::Standard);
        let g = gate(&PlanFacts { reserve: Some(yuan(949_999)), ..f }, &p);
        assert_eq!(fields(&g), vec!["below_reason"]);
    }

    #[test]
    fn an_agreement_transfer_needs_an_exception_its_grounds_and_a_cleared_buyer() {
        let p = RuleParameters::default();
        let f = PlanFacts { method: DisposalMethod::AgreementTransfer, ..auction() };
        assert_eq!(fields(&gate(&f, &p)), vec!["exception", "transferee"]);
        let f = PlanFacts { exception: Some(AgreementException::PublicFailed), ..f };
        assert_eq!(fields(&gate(&f, &p)), vec!["exception_reason", "transferee"]);
        let f = PlanFacts {
            exception_reason: "两次网拍流拍".into(),
            buyer_check: Some(BuyerCheck::Cleared { price: yuan(999_999) }),
            ..f
        };
        assert_eq!(fields(&gate(&f, &p)), vec!["transferee"], "checked below the reserve");
        let f = PlanFacts { buyer_check: Some(BuyerCheck::Cleared { price: yuan(1_000_000) }), ..f };
        let g = gate(&f, &p);
        assert!(g.passed() && g.tier == ApprovalTier::Senior);
    }

    #[test]
    fn a_retail_batch_is_not_sold_on_and_the_preparer_is_not_the_valuer() {
        let p = RuleParameters::default();
        let g = gate(&PlanFacts { retail_batch: true, ..auction() }, &p);
        assert_eq!(fields(&g), vec!["method"]);
        let litigation =
            PlanFacts { method: DisposalMethod::Litigation, retail_batch: true, reserve: None, ..auction() };
        assert!(gate(&litigation, &p).passed(), "collecting a retail batch is allowed");
        let g = gate(&PlanFacts { valuer: Some("manager".into()), ..auction() }, &p);
        assert_eq!(fields(&g), vec!["valuation"]);
        let g = gate(&PlanFacts { valuation: None, valuer: None, ..auction() }, &p);
        assert_eq!(fields(&g), vec!["valuation"]);
        let g = gate(&PlanFacts { reserve: None, ..auction() }, &p);
        assert_eq!(fields(&g), vec!["reserve"]);
    }

    #[test]
    fn methods_say_what_they_need() {
        use DisposalMethod::*;
        assert!(OnlineAuction.is_public() && OnlineAuction.is_biddable());
        assert!(AgreementTransfer.is_transfer() && !AgreementTransfer.is_public());
        assert!(!WriteOff.is_transfer() && !Litigation.is_public());
        assert!(PlanStatus::Submitted.can_become(PlanStatus::Draft));
        assert!(!PlanStatus::Approved.can_become(PlanStatus::Draft));
    }
}
