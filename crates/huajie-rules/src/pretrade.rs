//! The pre-trade check of a proposed deal (issue 5 §4; rules.md Part G): the six indicators
//! before and after the deal (pro forma), and the rule findings — territorial, prohibited
//! assets, funding channel, concentration, related party, transferee screening, exit watch.
//!
//! The pro-forma ledger is the book with the deal applied on the check date: an acquisition
//! adds an investment, exposures to its debtors at the price (shared by principal + interest,
//! as for the claims held) and pays the price out of cash or draws it on a funding line
//! (`funding_line.rs`); a funding instrument adds its
//! principal and schedule and brings the cash in; an investment adds itself, an exposure to
//! its party and pays out cash; a disposal takes the claims' book value off their debtors and
//! brings the price in. Net assets stay those of the last quarter-end (finance records the
//! gain or loss at the next one).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};
use huajie_core::{Money, Province};

use crate::catalogue::RuleId;
use crate::checks::{
    AssetFlag, CheckParty, Counterparty, Effect, Finding, ProposedClaim, Territory, flagged_package, funding_channel,
    prohibited_assets, territorial,
};
use crate::funding_line::PaidFrom;
use crate::graph::related_parties;
use crate::indicators::{
    Channel, Exposure, ExposureKind, Funding, HeldPackage, Indicator, Investment, InvestmentKind, Ledger, LiquidAsset,
    LiquidKind, Payment, RulesError, Status, held_claim_exposures, indicators,
};
use crate::params::RuleParameters;
pub use crate::price::{PriceContext, ValuationRef};

/// A claim of a proposed disposal: who owes it, who guarantees it, what it is on the books at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SoldClaim {
    pub contract_no: String,
    pub debtor: i64,
    pub guarantors: Vec<i64>,
    pub book_value: Money,
}

/// A deal proposed for checking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Deal {
    Acquisition {
        transferor: CheckParty,
        claims: Vec<ProposedClaim>,
        price: Money,
        kind: InvestmentKind,
        /// Prohibited-asset flags set on the package as a whole (PX2–PX6).
        flags: Vec<AssetFlag>,
        paid_from: PaidFrom,
        /// Each claim's cost basis as its purchase will post it (by `claims`); `None`: by what each owes.
        cost: Option<Vec<Money>>,
    },
    Funding {
        label: String,
        channel: Channel,
        lender: Counterparty,
        lender_licensed_fi: bool,
        principal: Money,
        payments: Vec<Payment>,
    },
    Investment {
        label: String,
        party: Counterparty,
        kind: InvestmentKind,
        exposure: ExposureKind,
        amount: Money,
    },
    /// A transfer of claims to a transferee; `retail_batch` when they came in a batch of personal loans.
    Disposal {
        transferee: Counterparty,
        claims: Vec<SoldClaim>,
        price: Money,
        retail_batch: bool,
    },
}

impl Deal {
    pub fn kind_code(&self) -> &'static str {
        match self {
            Deal::Acquisition { .. } => "acquisition",
            Deal::Funding { .. } => "funding",
            Deal::Investment { .. } => "investment",
            Deal::Disposal { .. } => "disposal",
        }
    }
}

/// What the check answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreTrade {
    pub before: Vec<Indicator>,
    pub after: Vec<Indicator>,
    pub findings: Vec<Finding>,
    /// The territorial test of an acquisition: its failing claims and amounts.
    pub territory: Option<Territory>,
}

impl Deal {
    /// The price of an acquisition or disposal.
    pub fn price(&self) -> Option<Money> {
        match self {
            Deal::Acquisition { price, .. } | Deal::Disposal { price, .. } => Some(*price),
            _ => None,
        }
    }
}

impl PreTrade {
    /// A hard block stops the deal whatever the overrides.
    pub fn blocked(&self) -> bool {
        self.findings.iter().any(|f| f.effect == Effect::Block)
    }
}

/// Where and when the deal is checked, and how the parties it touches are named.
pub struct Setting<'a> {
    pub home: Province,
    pub as_of: NaiveDate,
    /// Names of parties for the findings' text (masked by the caller where needed).
    pub names: &'a BTreeMap<i64, String>,
}

impl Setting<'_> {
    fn name(&self, id: i64) -> String {
        self.names.get(&id).cloned().unwrap_or_else(|| format!("#{id}"))
    }
}

fn cash(label: &str, amount: i64) -> LiquidAsset {
    LiquidAsset { label: label.into(), kind: LiquidKind::Cash, amount: Money::from_fen(amount), encumbered: false }
}

/// The book with the deal applied.
pub fn pro_forma(ledger: &Ledger, as_of: NaiveDate, deal: &Deal) -> Ledger {
    let mut l = ledger.clone();
    match deal {
        Deal::Acquisition { claims, price, kind, paid_from, cost, .. } => {
            l.investments.push(Investment { date: as_of, amount: *price, kind: *kind });
            let claims = claims.iter().map(|c| (c.debtor.id, c.amount)).collect();
            l.exposures.extend(held_claim_exposures(&[HeldPackage::bought(*price, claims, cost.clone())], as_of));
            match paid_from {
                PaidFrom::Cash => l.liquid_assets.push(cash("拟付收购价款 / price to pay", -price.fen())),
                PaidFrom::Line(drawing) => drawing.apply(&mut l.funding),
            }
        }
        Deal::Funding { label, channel, principal, payments, .. } => {
            l.funding.push(Funding {
                id: None,
                label: label.clone(),
                channel: *channel,
                principal: *principal,
                payments: payments.clone(),
            });
            l.liquid_assets.push(cash("拟融入资金 / funds to receive", principal.fen()));
        }
        Deal::Investment { party, kind, exposure, amount, .. } => {
            l.investments.push(Investment { date: as_of, amount: *amount, kind: *kind });
            if let Some(party) = party.registered() {
                l.exposures.push(Exposure { party: party.id, kind: *exposure, book_value: *amount });
            }
            l.liquid_assets.push(cash("拟付投资款 / investment to pay", -amount.fen()));
        }
        Deal::Disposal { claims, price, .. } => {
            for c in claims {
                l.exposures.push(Exposure {
                    party: c.debtor,
                    kind: ExposureKind::AcquiredClaim,
                    book_value: Money::from_fen(-c.book_value.fen()),
                });
            }
            l.liquid_assets.push(cash("拟收转让价款 / price to receive", price.fen()));
        }
    }
    l
}

/// Whole calendar months from `from` to `to`, clipped at month end (Part G: 2024-10-01 →
/// 2026-09-30 is 23; 2024-01-31 → 2024-02-29 is 1).
pub fn whole_months(from: NaiveDate, to: NaiveDate) -> i64 {
    let mut m = i64::from(to.year() - from.year()) * 12 + i64::from(to.month()) - i64::from(from.month());
    let month_end = to.succ_opt().is_none_or(|n| n.month() != to.month());
    if to.day() < from.day() && !month_end {
        m -= 1;
    }
    m.max(0)
}

/// The date the exit watch counts from at `as_of`: the last financial-NPA acquisition on or
/// before it, or the founding date when there is none.
pub fn exit_watch_from(ledger: &Ledger, as_of: NaiveDate) -> Option<NaiveDate> {
    ledger
        .investments
        .iter()
        .filter(|i| i.kind == InvestmentKind::FinancialNpa && i.date <= as_of)
        .map(|i| i.date)
        .max()
        .or(ledger.founded)
}

/// Q15 exit watch: whole months since the last financial-NPA acquisition on or before `as_of`
/// (from the founding date when there is none), with a finding at the alert and breach marks.
pub fn exit_watch(ledger: &Ledger, p: &RuleParameters, as_of: NaiveDate) -> (Option<i64>, Option<Finding>) {
    let Some(last) = exit_watch_from(ledger, as_of) else { return (None, None) };
    let months = whole_months(last, as_of);
    let finding =
        |zh: String, en: String| Some(Finding { rule: RuleId::Q15, effect: Effect::Warn, subject: None, zh, en });
    let f = if months >= i64::from(p.exit_breach_months) {
        finding(
            format!("距上次收购金融不良资产已 {months} 个月（{last}），达到退出观察线 {} 个月", p.exit_breach_months),
            format!(
                "{months} months since the last financial NPA acquisition ({last}): at the exit-watch mark of {} months",
                p.exit_breach_months
            ),
        )
    } else if months >= i64::from(p.exit_alert_months) {
        finding(
            format!("距上次收购金融不良资产已 {months} 个月（{last}），达到预警线 {} 个月", p.exit_alert_months),
            format!(
                "{months} months since the last financial NPA acquisition ({last}): past the alert at {} months",
                p.exit_alert_months
            ),
        )
    } else {
        None
    };
    (Some(months), f)
}

/// What the book raises by itself at `as_of`, outside any deal: each instrument on a prohibited
/// channel (Q10, "as findings on instruments already in the book") and the exit watch (Q15).
pub fn book_findings(ledger: &Ledger, p: &RuleParameters, as_of: NaiveDate) -> Vec<Finding> {
    let mut out: Vec<Finding> = ledger
        .funding
        .iter()
        .filter(|f| f.channel.prohibited())
        .flat_map(|f| funding_channel(&f.label, f.channel, false, false))
        .collect();
    out.extend(exit_watch(ledger, p, as_of).1);
    out
}

/// An indicator's short name (Chinese, English), as findings and the report's sheets name it.
pub fn indicator_title(id: RuleId) -> (&'static str, &'static str) {
    match id {
        RuleId::Q1 => ("杠杆率", "leverage"),
        RuleId::Q2 => ("单一客户集中度", "single-client concentration"),
        RuleId::Q3 => ("集团客户集中度", "group concentration"),
        RuleId::Q4 => ("关联方债权", "related-party claims"),
        RuleId::Q5 => ("流动性覆盖", "liquidity coverage"),
        _ => ("主业比例", "main-business share"),
    }
}

/// An indicator's value as the findings and the check page show it.
pub fn shown(i: &Indicator) -> String {
    i.shown(2).unwrap_or_else(|| "—".into())
}

/// Whether `after` is further from compliance than `before` (exactly compared).
fn worse(before: &Indicator, after: &Indicator) -> bool {
    match (before.ratio(), after.ratio()) {
        (Some(_), Some(_)) => {
            let (bn, bd, an, ad) = (before.numerator, before.denominator, after.numerator, after.denominator);
            if after.upper { an * bd > bn * ad } else { an * bd < bn * ad }
        }
        (None, Some(_)) => true,
        _ => after.status != before.status,
    }
}

/// Findings from the pro-forma indicators: a red limit the deal reaches or worsens needs an
/// override (in the transition too: reported, not blocking); newly amber warns. Single client
/// and group are checked per party below, so they are left out here.
fn indicator_findings(before: &[Indicator], after: &[Indicator]) -> Vec<Finding> {
    let mut out = Vec::new();
    for (b, a) in before.iter().zip(after) {
        if matches!(a.id, RuleId::Q2 | RuleId::Q3) {
            continue;
        }
        let (zh, en) = indicator_title(a.id);
        let transition = if a.in_transition { ("（过渡期内）", " (in the transition)") } else { ("", "") };
        if a.status == Status::Red && (b.status != Status::Red || worse(b, a)) {
            out.push(Finding {
                rule: a.id,
                effect: Effect::Override,
                subject: None,
                zh: format!(
                    "交易后{zh}为 {}，超出限额 {}{}（交易前 {}）",
                    shown(a),
                    a.shown_limit(),
                    transition.0,
                    shown(b)
                ),
                en: format!(
                    "after the deal {en} is {}, beyond the limit {}{} (before: {})",
                    shown(a),
                    a.shown_limit(),
                    transition.1,
                    shown(b)
                ),
            });
        } else if a.status == Status::Amber && b.status == Status::Pass {
            out.push(Finding {
                rule: a.id,
                effect: Effect::Warn,
                subject: None,
                zh: format!("交易后{zh}为 {}，进入预警区（限额 {}）", shown(a), a.shown_limit()),
                en: format!("after the deal {en} is {}, in the amber band (limit {})", shown(a), a.shown_limit()),
            });
        }
    }
    out
}

fn ratio_text(n: i128, d: i128) -> String {
    if d <= 0 { "—".into() } else { format!("{:.2}%", n as f64 * 100.0 / d as f64) }
}

/// Q2 and Q3 for the parties the deal touches: a party (or its group) over the limit after
/// the deal, with more exposure than before, needs an override.
fn concentration(
    s: &Setting,
    before: &Ledger,
    after: &Ledger,
    p: &RuleParameters,
    controls: &BTreeMap<i64, BTreeSet<i64>>,
    touched: &BTreeSet<i64>,
    na: i128,
) -> Vec<Finding> {
    let mut out = Vec::new();
    if na <= 0 {
        return out;
    }
    // Only the parties touched and the members of their groups are summed.
    let groups: Vec<Vec<i64>> = crate::graph::groups(&after.parties, controls)
        .into_iter()
        .filter(|g| g.iter().any(|m| touched.contains(m)))
        .collect();
    let relevant: BTreeSet<i64> = touched.iter().copied().chain(groups.iter().flatten().copied()).collect();
    let exposure = |l: &Ledger| {
        let mut m: BTreeMap<i64, i128> = BTreeMap::new();
        for e in l.exposures.iter().filter(|e| relevant.contains(&e.party)) {
            *m.entry(e.party).or_default() += i128::from(e.book_value.fen());
        }
        m
    };
    let (eb, ea) = (exposure(before), exposure(after));
    let over = |x: i128, limit: u32| x * 10_000 > i128::from(limit) * na;
    for party in touched {
        let (b, a) = (eb.get(party).copied().unwrap_or(0), ea.get(party).copied().unwrap_or(0));
        if a > b && over(a, p.single_client_max_bps) {
            let name = s.name(*party);
            let limit = f64::from(p.single_client_max_bps) / 100.0;
            out.push(Finding {
                rule: RuleId::Q2,
                effect: Effect::Override,
                subject: Some(name.clone()),
                zh: format!("交易后对{name}的风险敞口占净资产 {}，超过单一客户限额 {limit}%", ratio_text(a, na)),
                en: format!("after the deal the exposure to {name} is {} of net assets, beyond the single-client limit of {limit}%", ratio_text(a, na)),
            });
        }
    }
    for g in &groups {
        let sum = |m: &BTreeMap<i64, i128>| g.iter().map(|x| m.get(x).copied().unwrap_or(0)).sum::<i128>();
        let (b, a) = (sum(&eb), sum(&ea));
        if a > b && over(a, p.group_max_bps) {
            let names: Vec<String> = g.iter().take(3).map(|x| s.name(*x)).collect();
            let limit = f64::from(p.group_max_bps) / 100.0;
            out.push(Finding {
                rule: RuleId::Q3,
                effect: Effect::Override,
                subject: names.first().cloned(),
                zh: format!("交易后对集团（{} 等 {} 户）的风险敞口占净资产 {}，超过集团客户限额 {limit}%", names.join("、"), g.len(), ratio_text(a, na)),
                en: format!("after the deal the exposure to the group of {} ({} parties) is {} of net assets, beyond the group limit of {limit}%", names.join(", "), g.len(), ratio_text(a, na)),
            });
        }
    }
    out
}

/// Q4: a deal that creates a claim on a related party needs an override (arm's length, approval).
fn related_debtors(
    s: &Setting,
    l: &Ledger,
    p: &RuleParameters,
    controls: &BTreeMap<i64, BTreeSet<i64>>,
    debtors: &BTreeSet<i64>,
) -> Vec<Finding> {
    if debtors.is_empty() {
        return Vec::new();
    }
    let rp = related_parties(
        l.company,
        &l.parties,
        &l.holdings,
        &l.officers,
        &l.relatives,
        controls,
        p.related_shareholder_min_bps,
    );
    debtors
        .iter()
        .filter(|d| rp.contains(d))
        .map(|d| {
            let name = s.name(*d);
            Finding {
                rule: RuleId::Q4,
                effect: Effect::Override,
                subject: Some(name.clone()),
                zh: format!("{name}为本公司关联方：关联交易须公允并经关联交易审批"),
                en: format!("{name} is a related party of the company: the deal must be at arm's length and approved as a related-party transaction"),
            }
        })
        .collect()
}

/// Q12 (rules.md A10.4, Part G): who may not buy, and who may only with an override.
pub fn screen_transferee(
    s: &Setting,
    l: &Ledger,
    p: &RuleParameters,
    transferee: &Counterparty,
    claims: &[SoldClaim],
    retail_batch: bool,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let name = transferee.name().to_string();
    let block = |zh: String, en: String| Finding {
        rule: RuleId::Q12,
        effect: Effect::Block,
        subject: Some(name.clone()),
        zh,
        en,
    };
    if retail_batch {
        out.push(block(
            "批量收购的个人不良贷款不得再转让，只能自行清收或重组（可委托催收）".into(),
            "personal NPLs acquired in a batch may not be transferred on; they are collected or restructured by the company (outsourced collection allowed)".into(),
        ));
    }
    let controls = l.controls(p);
    let no_one = BTreeSet::new();
    let controls_of = |x: i64| controls.get(&x).unwrap_or(&no_one);
    // Who controls whom, turned round once (not per obligor). A state organ controlling both
    // is not a common controller (its control joins nothing).
    let state: BTreeSet<i64> = l.parties.iter().filter(|p| p.state_organ).map(|p| p.id).collect();
    let mut controllers: BTreeMap<i64, BTreeSet<i64>> = BTreeMap::new();
    for (k, ys) in controls.iter().filter(|(k, _)| !state.contains(k)) {
        for y in ys {
            controllers.entry(*y).or_default().insert(*k);
        }
    }
    let controllers_of = |x: i64| controllers.get(&x).unwrap_or(&no_one);
    if let Some(t) = transferee.registered().map(|p| p.id) {
        let mut reason: Option<(String, String)> = None;
        let (t_controls, tr_ctrl) = (controls_of(t), controllers_of(t));
        'claims: for c in claims {
            let obligors = std::iter::once((c.debtor, ("债务人", "the debtor")))
                .chain(c.guarantors.iter().map(|g| (*g, ("保证人", "a guarantor"))));
            for (o, (zh_role, en_role)) in obligors {
                let who = s.name(o);
                let o_ctrl = controllers_of(o);
                let r = if o == t {
                    Some((
                        format!("受让方即债权 {} 的{zh_role}", c.contract_no),
                        format!("the transferee is {en_role} of claim {}", c.contract_no),
                    ))
                } else if t_controls.contains(&o) || controls_of(o).contains(&t) {
                    Some((
                        format!("受让方与债权 {} 的{zh_role}（{who}）存在控制关系", c.contract_no),
                        format!("the transferee and {en_role} of claim {} ({who}) control one another", c.contract_no),
                    ))
                } else if tr_ctrl.intersection(o_ctrl).next().is_some() {
                    Some((
                        format!("受让方与债权 {} 的{zh_role}（{who}）受同一实际控制人控制", c.contract_no),
                        format!(
                            "the transferee and {en_role} of claim {} ({who}) are under the same controller",
                            c.contract_no
                        ),
                    ))
                } else {
                    None
                };
                if r.is_some() {
                    reason = r;
                    break 'claims;
                }
            }
        }
        if let Some((zh, en)) = reason {
            out.push(block(
                format!("{zh}：不得向债务人及其利益相关方转让"),
                format!("{en}: no transfer to the debtor or its interested parties"),
            ));
        }
        // The staff register (officers are staff too), their close relatives, the entities any of
        // them controls, and the entities they declare they take part in (TX3, TX4).
        let employed: BTreeSet<i64> = l.officers.iter().chain(&l.staff).copied().collect();
        let mut people = employed.clone();
        for (a, b) in &l.relatives {
            if employed.contains(a) {
                people.insert(*b);
            }
            if employed.contains(b) {
                people.insert(*a);
            }
        }
        let why = if employed.contains(&t) {
            Some(("受让方为本公司员工（含董监高）", "the transferee is on the company's staff (officers included)"))
        } else if people.contains(&t) {
            Some(("受让方为本公司员工的近亲属", "the transferee is a close relative of the company's staff"))
        } else if people.iter().any(|x| controls_of(*x).contains(&t)) {
            Some((
                "受让方为本公司员工或其近亲属控制的企业",
                "the transferee is controlled by a member of the staff or a close relative of one",
            ))
        } else if l.staff_entities.iter().any(|e| e.entity == t && people.contains(&e.person)) {
            Some((
                "受让方为本公司员工或其近亲属任职或参与的企业（员工名册申报）",
                "the transferee is an entity a member of the staff or a close relative of one takes part in (declared in the staff register)",
            ))
        } else {
            None
        };
        if let Some((zh, en)) = why {
            out.push(block(format!("{zh}：不得向其转让"), format!("{en}: no transfer to it")));
        } else {
            let rp = related_parties(
                l.company,
                &l.parties,
                &l.holdings,
                &l.officers,
                &l.relatives,
                &controls,
                p.related_shareholder_min_bps,
            );
            if rp.contains(&t) {
                out.push(Finding {
                    rule: RuleId::Q12,
                    effect: Effect::Override,
                    subject: Some(name.clone()),
                    zh: "受让方为本公司关联方：仅可经公开程序、按公允价格并经关联交易审批转让".into(),
                    en: "the transferee is a related party of the company: only through a public process, at arm's length, with related-party approval".into(),
                });
            }
        }
    }
    if transferee.dishonest() {
        out.push(Finding {
            rule: RuleId::Q12,
            effect: Effect::Override,
            subject: Some(name.clone()),
            zh: "受让方为失信被执行人".into(),
            en: "the transferee is a dishonest judgment debtor".into(),
        });
    }
    out
}

/// Checks a proposed deal on `s.as_of`: the indicators before and after, and every finding.
pub fn check(ledger: &Ledger, p: &RuleParameters, s: &Setting, deal: &Deal) -> Result<PreTrade, RulesError> {
    let before = indicators(ledger, p, s.as_of)?;
    let after_ledger = pro_forma(ledger, s.as_of, deal);
    let after = indicators(&after_ledger, p, s.as_of)?;
    let na = before.iter().find(|i| i.id == RuleId::Q2).map_or(0, |i| i.denominator);
    let mut findings = Vec::new();
    let mut touched = BTreeSet::new();
    let mut debtors = BTreeSet::new();
    let mut territory = None;
    match deal {
        Deal::Acquisition { transferor, claims, flags, paid_from, .. } => {
            if let PaidFrom::Line(drawing) = paid_from {
                findings.extend(drawing.findings(ledger));
            }
            let (t, found) = territorial(s.home, transferor, claims);
            territory = Some(t);
            findings.extend(found);
            findings.extend(flagged_package(flags));
            findings.extend(prohibited_assets(claims));
            for c in claims {
                touched.insert(c.debtor.id);
                debtors.insert(c.debtor.id);
            }
        }
        Deal::Funding { label, channel, lender, lender_licensed_fi, .. } => {
            let shareholder = lender.registered().is_some_and(|lender| ledger.is_shareholder(lender.id));
            findings.extend(funding_channel(label, *channel, *lender_licensed_fi, shareholder));
        }
        Deal::Investment { party, exposure, .. } => {
            if let Some(party) = party.registered() {
                touched.insert(party.id);
                if *exposure != ExposureKind::Equity {
                    debtors.insert(party.id);
                }
            }
            findings.extend(exit_watch(&after_ledger, p, s.as_of).1);
        }
        Deal::Disposal { transferee, claims, retail_batch, .. } => {
            findings.extend(screen_transferee(s, ledger, p, transferee, claims, *retail_batch));
            findings.extend(exit_watch(ledger, p, s.as_of).1);
        }
    }
    // No deal changes the party graph: control is worked out once.
    let controls = ledger.controls(p);
    findings.extend(concentration(s, ledger, &after_ledger, p, &controls, &touched, na));
    findings.extend(related_debtors(s, ledger, p, &controls, &debtors));
    findings.extend(indicator_findings(&before, &after));
    Ok(PreTrade { before, after, findings, territory })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn whole_months_as_part_g_counts_them() {
        assert_eq!(whole_months(d("2024-10-01"), d("2026-09-30")), 23);
        assert_eq!(whole_months(d("2024-10-01"), d("2026-10-01")), 24);
        assert_eq!(whole_months(d("2024-01-31"), d("2024-02-29")), 1);
        assert_eq!(whole_months(d("2024-01-31"), d("2024-02-28")), 0);
        assert_eq!(whole_months(d("2026-09-30"), d("2026-09-30")), 0);
    }
}
