//! The deterministic expected-cash-flow model (valuation.md 3.1–3.6 with the readings of
//! section 7): for each claim, its timeline; each collateral item through the auction
//! ladder, its net proceeds shared among the claims it secures in lien order; then the
//! guarantors, then the debtor's unsecured assets (or the bankruptcy estate); court fees
//! and legal costs; everything as expected cash by quarter, up to quarter 40.

use huajie_core::LitigationStage;

use crate::assumptions::{Assumptions, LadderRow};
use crate::fees::{acceptance_fee, enforcement_fee};
use crate::input::{ClaimIn, ItemIn};

/// The horizon: cash after quarter 40 (month 120) is dropped.
pub const QUARTERS: usize = 40;
const LAST_MONTH: u32 = 120;

/// The quarter of a month from the valuation date: `max(1, ceil(m / 3))`.
pub fn quarter(month: u32) -> usize {
    (month.div_ceil(3)).max(1) as usize
}

/// One claim's value, route by route, and its expected cash by quarter.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimValue {
    /// Expected net cash by quarter, yuan: see `quarterly`.
    pub cash: ClaimCash,
    /// Expected recoveries within the horizon, by route (after the time-barred factor).
    pub collateral: f64,
    pub guarantors: f64,
    /// The debtor's unsecured assets, or the bankruptcy estate.
    pub unsecured: f64,
    /// Court fees and legal costs, as negative amounts.
    pub court_fees: f64,
    pub legal_costs: f64,
    /// Expected collateral recovery before the time-barred factor (the shortfall chain).
    pub expected_collateral_recovery: f64,
    /// The timeline: judgment effective, enforcement start, first auction (months).
    pub judgment_month: u32,
    pub enforcement_month: Option<u32>,
    pub first_auction_month: u32,
}

impl ClaimValue {
    pub fn net(&self) -> f64 {
        self.cash.amounts[..usize::from(self.cash.len)].iter().sum()
    }

    /// Expected net cash of quarters 1..=40 (index 0 = quarter 1), yuan.
    pub fn quarterly(&self) -> [f64; QUARTERS] {
        let mut out = [0.0; QUARTERS];
        for i in 0..usize::from(self.cash.len) {
            out[usize::from(self.cash.quarters[i]) - 1] += self.cash.amounts[i];
        }
        out
    }
}

/// Most quarters one claim has cash in: its events fall in at most eight months (two
/// fees, four ladder outcomes, guarantors, the debtor), whatever its number of items.
const CASH_SLOTS: usize = 8;

/// A claim's cash in the few quarters that have any: kept inline, so a package of
/// 100,000 claims is not 100,000 forty-quarter arrays.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ClaimCash {
    len: u8,
    quarters: [u8; CASH_SLOTS],
    amounts: [f64; CASH_SLOTS],
}

impl ClaimCash {
    fn add(&mut self, quarter: usize, amount: f64) {
        let q = quarter as u8;
        let len = usize::from(self.len);
        match self.quarters[..len].iter().position(|x| *x == q) {
            Some(i) => self.amounts[i] += amount,
            None => {
                // Eight event months at most (see CASH_SLOTS): a ninth quarter cannot occur.
                debug_assert!(len < CASH_SLOTS, "a claim with cash in more than {CASH_SLOTS} quarters");
                let i = len.min(CASH_SLOTS - 1);
                self.quarters[i] = q;
                self.amounts[i] += amount;
                self.len = (len + 1).min(CASH_SLOTS) as u8;
            }
        }
    }
}

/// A package valued.
#[derive(Debug, Clone, PartialEq)]
pub struct Valuation {
    pub claims: Vec<ClaimValue>,
    /// The package's expected net cash by quarter (index 0 = quarter 1).
    pub quarterly: Vec<f64>,
}

/// A claim's timeline (3.1, section 7).
#[derive(Debug, Clone, Copy)]
struct Timeline {
    judgment: u32,
    enforcement: Option<u32>,
    first_auction: u32,
    acceptance_fee: bool,
    enforcement_fee: bool,
}

fn timeline(stage: LitigationStage, a: &Assumptions) -> Timeline {
    let t = &a.timeline;
    let after_judgment = |judgment: u32, fee: bool| {
        let enforcement = judgment + t.enforcement_after_judgment;
        Timeline {
            judgment,
            enforcement: Some(enforcement),
            first_auction: enforcement + t.first_auction_after_enforcement,
            acceptance_fee: false,
            enforcement_fee: fee,
        }
    };
    match stage {
        LitigationStage::NotSued => Timeline { acceptance_fee: true, ..after_judgment(t.judgment_not_sued, true) },
        LitigationStage::Filed => after_judgment(t.judgment_filed, true),
        LitigationStage::Judged => after_judgment(0, true),
        LitigationStage::Enforcing => Timeline {
            judgment: 0,
            enforcement: Some(0),
            first_auction: t.first_auction_after_enforcement,
            acceptance_fee: false,
            enforcement_fee: false,
        },
        // Restarting enforcement (恢复执行) pays no new fee.
        LitigationStage::Terminated => Timeline {
            judgment: 0,
            enforcement: Some(t.terminated_restart),
            first_auction: t.terminated_restart + t.first_auction_after_enforcement,
            acceptance_fee: false,
            enforcement_fee: false,
        },
        LitigationStage::Bankruptcy => Timeline {
            judgment: 0,
            enforcement: None,
            first_auction: t.bankruptcy_first_auction,
            acceptance_fee: false,
            enforcement_fee: false,
        },
    }
}

/// The outcomes of an item through the ladder: sale at round 1, 2, 3, or unsold.
#[derive(Debug, Clone, Copy)]
struct Outcome {
    probability: f64,
    /// Net proceeds after sale costs and prior claims.
    net: f64,
}

const OUTCOMES: usize = 4;

fn outcomes(item: &ItemIn, a: &Assumptions) -> [Outcome; OUTCOMES] {
    let l = &a.ladder;
    let value = item.appraised * l.market_value;
    let p = l.probabilities(LadderRow::of(item.kind));
    let net = |gross: f64| (gross * (1.0 - l.sale_costs) - item.prior).max(0.0);
    let mut out = [Outcome { probability: 0.0, net: 0.0 }; OUTCOMES];
    let mut unsold = 1.0;
    for r in 0..3 {
        out[r] = Outcome { probability: p[r] * unsold, net: net(value * l.start[r] * (1.0 + l.premium[r])) };
        unsold *= 1.0 - p[r];
    }
    out[3] = Outcome { probability: unsold, net: net(value * l.start[2] * l.settlement_ratio) };
    out
}

/// The month a claim receives the cash of outcome `o`, on its own timeline.
fn outcome_month(t: &Timeline, o: usize, a: &Assumptions) -> u32 {
    let tl = &a.timeline;
    let round = [t.first_auction, t.first_auction + tl.second_round_after, t.first_auction + tl.second_round_after + tl.negotiated_sale_after];
    match o {
        0..=2 => round[o] + tl.distribution_lag,
        _ => round[2] + tl.settlement_realised_after,
    }
}

/// Shares `amount` among claims in lien order: lower rank first; within a rank pro rata
/// by claim amount, no claim above its cap, what a capped claim cannot take going to the
/// others (water-filling); what is left after the last rank is lost to us.
/// `liens`: (rank, weight, cap); each lien's share is written to `out`, in `liens` order.
fn share(amount: f64, liens: &[(u8, f64, f64)], out: &mut [f64]) {
    out.fill(0.0);
    if let [(_, _, cap)] = liens {
        // One claim on the item: the common case.
        out[0] = amount.min(*cap).max(0.0);
        return;
    }
    let mut left = amount;
    let mut rank = 0u8;
    // Ranks in ascending order, without sorting: the next rank above the last one done.
    while let Some(next) = liens.iter().map(|l| l.0).filter(|r| *r >= rank).min() {
        let mut open: Vec<bool> = liens.iter().map(|l| l.0 == next && l.2 > 0.0).collect();
        while left > 0.0 {
            let weight: f64 = liens.iter().zip(&open).filter(|(_, o)| **o).map(|(l, _)| l.1).sum();
            if weight <= 0.0 {
                break;
            }
            // Those whose pro rata share would pass their cap take the cap and leave.
            let mut any_capped = false;
            for (i, l) in liens.iter().enumerate() {
                if open[i] && left * l.1 / weight >= l.2 - out[i] {
                    any_capped = true;
                }
            }
            if !any_capped {
                for (i, l) in liens.iter().enumerate() {
                    if open[i] {
                        out[i] += left * l.1 / weight;
                    }
                }
                left = 0.0;
            } else {
                let before = left;
                for (i, l) in liens.iter().enumerate() {
                    if open[i] && before * l.1 / weight >= l.2 - out[i] {
                        left -= l.2 - out[i];
                        out[i] = l.2;
                        open[i] = false;
                    }
                }
            }
        }
        if next == u8::MAX {
            break;
        }
        rank = next + 1;
    }
}

/// The order items are shared out in: group by group, in the order of the groups' first
/// claims (a counting sort), by appraised value within a group, largest first, ties in
/// input order.
fn item_order(claims: usize, items: &[ItemIn]) -> Vec<usize> {
    let group = lien_groups(claims, items);
    let mut starts = vec![0usize; claims + 1];
    for item in items.iter().filter(|i| !i.liens.is_empty()) {
        starts[group[item.liens[0].claim] + 1] += 1;
    }
    for g in 0..claims {
        starts[g + 1] += starts[g];
    }
    let mut next = starts.clone();
    let mut order = vec![0usize; starts[claims]];
    for (k, item) in items.iter().enumerate().filter(|(_, i)| !i.liens.is_empty()) {
        let g = group[item.liens[0].claim];
        order[next[g]] = k;
        next[g] += 1;
    }
    for g in 0..claims {
        let bucket = &mut order[starts[g]..starts[g + 1]];
        if bucket.len() > 1 {
            // Stable: equal values keep input order.
            bucket.sort_by(|&x, &y| items[y].appraised.total_cmp(&items[x].appraised));
        }
    }
    order
}

/// For each claim, the smallest claim index of the claims it is linked to through shared
/// items (a union–find over the liens).
fn lien_groups(claims: usize, items: &[ItemIn]) -> Vec<usize> {
    let mut parent: Vec<usize> = (0..claims).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for item in items {
        if let Some(first) = item.liens.first() {
            for l in &item.liens[1..] {
                let (a, b) = (root(&mut parent, first.claim), root(&mut parent, l.claim));
                // The smaller index stays the root: a group is known by its first claim.
                parent[a.max(b)] = a.min(b);
            }
        }
    }
    (0..claims).map(|i| root(&mut parent, i)).collect()
}

fn add(cash: &mut ClaimCash, month: u32, amount: f64) {
    if month <= LAST_MONTH {
        cash.add(quarter(month), amount);
    }
}

/// Values claims secured by `items` under the assumptions `a`.
pub fn value(claims: &[ClaimIn], items: &[ItemIn], a: &Assumptions) -> Valuation {
    let timelines: Vec<Timeline> = claims.iter().map(|c| timeline(c.stage.unwrap_or(LitigationStage::NotSued), a)).collect();
    let factor = |c: &ClaimIn| if c.time_barred { a.time_barred_factor } else { 1.0 };
    let mut values: Vec<ClaimValue> = timelines
        .iter()
        .map(|t| ClaimValue {
            cash: ClaimCash::default(),
            collateral: 0.0,
            guarantors: 0.0,
            unsecured: 0.0,
            court_fees: 0.0,
            legal_costs: 0.0,
            expected_collateral_recovery: 0.0,
            judgment_month: t.judgment,
            enforcement_month: t.enforcement,
            first_auction_month: t.first_auction,
        })
        .collect();

    // A recovery: scaled when time-barred, less the legal costs in the same month.
    let recover = |v: &mut ClaimValue, c: &ClaimIn, month: u32, amount: f64| -> f64 {
        let cash = amount * factor(c);
        let legal = cash * a.legal_costs;
        if month <= LAST_MONTH {
            add(&mut v.cash, month, cash - legal);
            v.legal_costs -= legal;
            cash
        } else {
            0.0
        }
    };

    // Collateral: each claim's items by appraised value, largest first (ties in input
    // order), so that its cap on an item is its amount less what its earlier items
    // recover. Only claims linked through shared items depend on one another: items are
    // taken group by group (in the order of the groups' first claims), by value within a
    // group, which keeps the claims' data in cache.
    let order = item_order(claims.len(), items);
    let mut liens: Vec<(u8, f64, f64)> = Vec::new();
    let mut shares: Vec<f64> = Vec::new();
    let mut expected: Vec<f64> = Vec::new();
    for k in order {
        let item = &items[k];
        liens.clear();
        liens.extend(item.liens.iter().map(|l| {
            let c = &claims[l.claim];
            (l.rank, c.amount, (c.amount - values[l.claim].expected_collateral_recovery).max(0.0))
        }));
        shares.resize(liens.len(), 0.0);
        expected.clear();
        expected.resize(liens.len(), 0.0);
        for (o, outcome) in outcomes(item, a).iter().enumerate() {
            if outcome.probability == 0.0 {
                continue;
            }
            share(outcome.net, &liens, &mut shares);
            for (j, s) in shares.iter().enumerate() {
                let i = item.liens[j].claim;
                let cash = outcome.probability * s;
                expected[j] += cash;
                let month = outcome_month(&timelines[i], o, a);
                let got = recover(&mut values[i], &claims[i], month, cash);
                values[i].collateral += got;
            }
        }
        for (j, e) in expected.iter().enumerate() {
            values[item.liens[j].claim].expected_collateral_recovery += e;
        }
    }

    for (i, c) in claims.iter().enumerate() {
        let t = timelines[i];
        let v = &mut values[i];
        // Guarantors, in the order listed, on the shortfall (unscaled amounts).
        let mut owed = (c.amount - v.expected_collateral_recovery).max(0.0);
        if a.guarantor_route {
            let mut from_guarantors = 0.0;
            for g in &c.guarantors {
                let covered = g.cap.map_or(owed, |cap| cap.min(owed));
                let r = a.guarantee_validity * g.party.beta(&a.guarantor_beta) * covered;
                from_guarantors += r;
                owed -= r;
            }
            let got = recover(v, c, t.judgment + a.timeline.guarantor_after_judgment, from_guarantors);
            v.guarantors += got;
        }
        // Then the debtor: the bankruptcy estate, or its unsecured assets.
        if c.stage == Some(LitigationStage::Bankruptcy) {
            let got = recover(v, c, a.timeline.bankruptcy_estate_month, a.bankruptcy_estate_ratio * owed);
            v.unsecured += got;
        } else if a.unsecured_route {
            let beta = c.unsecured_beta.unwrap_or_else(|| c.debtor.beta(&a.unsecured_beta));
            let got = recover(v, c, t.judgment + a.timeline.unsecured_after_judgment, beta * owed);
            v.unsecured += got;
        }
        // Court fees, unscaled.
        if t.acceptance_fee {
            let fee = acceptance_fee(c.amount);
            add(&mut v.cash, 1, -fee);
            v.court_fees -= fee;
        }
        if let (true, Some(month)) = (t.enforcement_fee, t.enforcement) {
            let fee = enforcement_fee(c.amount);
            if month <= LAST_MONTH {
                add(&mut v.cash, month, -fee);
                v.court_fees -= fee;
            }
        }
    }

    let mut quarterly = vec![0.0; QUARTERS];
    for v in &values {
        for i in 0..usize::from(v.cash.len) {
            quarterly[usize::from(v.cash.quarters[i]) - 1] += v.cash.amounts[i];
        }
    }
    Valuation { claims: values, quarterly }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters_of_months() {
        assert_eq!([0, 1, 3, 4, 13, 18, 120].map(quarter), [1, 1, 1, 2, 5, 6, 40]);
    }

    #[test]
    fn water_filling_respects_rank_and_caps() {
        // Rank 1: two claims, weights 1 and 3, caps 10 and 100; rank 2: one claim.
        let liens = [(1, 1.0, 10.0), (1, 3.0, 100.0), (2, 5.0, 1_000.0)];
        let mut s = [0.0; 3];
        share(200.0, &liens, &mut s);
        assert!((s[0] - 10.0).abs() < 1e-9, "{s:?}");
        assert!((s[1] - 100.0).abs() < 1e-9, "{s:?}");
        assert!((s[2] - 90.0).abs() < 1e-9, "{s:?}");
        // Pro rata when nobody is capped.
        share(40.0, &liens, &mut s);
        assert!((s[0] - 10.0).abs() < 1e-9 && (s[1] - 30.0).abs() < 1e-9 && s[2] == 0.0, "{s:?}");
        // Capped in one round, the rest shared in the next.
        let liens = [(1, 1.0, 5.0), (1, 1.0, 100.0), (1, 2.0, 100.0)];
        share(100.0, &liens, &mut s);
        assert!((s[0] - 5.0).abs() < 1e-9 && (s[1] - 95.0 / 3.0).abs() < 1e-9 && (s[2] - 190.0 / 3.0).abs() < 1e-9, "{s:?}");
        // A single lien.
        let mut one = [0.0];
        share(50.0, &[(1, 1.0, 20.0)], &mut one);
        assert_eq!(one, [20.0]);
    }
}
