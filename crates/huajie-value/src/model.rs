//! The deterministic expected-cash-flow model (valuation.md 3.1–3.6 with the readings of
//! section 7): for each claim, its timeline; each collateral item through the auction
//! ladder, its net proceeds shared among the claims it secures in lien order; then the
//! guarantors, then the debtor's unsecured assets (or the bankruptcy estate); court fees
//! and legal costs; everything as expected cash by quarter, up to quarter 40.

use huajie_core::LitigationStage;
use rayon::prelude::*;

use crate::assumptions::Assumptions;
use crate::engine::{EVENTS, Prepared, Route, STAGES, Scenario, Scratch, Sink, run_block, timeline};
pub use crate::engine::{QUARTERS, quarter};
use crate::input::{ClaimIn, ItemIn};
use crate::stress::Stress;

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
    pub(crate) fn add(&mut self, quarter: usize, amount: f64) {
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
    /// Claims in the engine's order (lien group by lien group); see `claim`.
    values: Vec<ClaimValue>,
    /// For each claim in input order, its place in `values`.
    position: Vec<u32>,
    /// The package's expected net cash by quarter (index 0 = quarter 1).
    pub quarterly: Vec<f64>,
}

impl Valuation {
    /// The value of claim `i` (its index in the input).
    pub fn claim(&self, i: usize) -> &ClaimValue {
        &self.values[self.position[i] as usize]
    }

    /// The claims' values in input order.
    pub fn claims(&self) -> impl ExactSizeIterator<Item = &ClaimValue> + '_ {
        self.position.iter().map(|p| &self.values[*p as usize])
    }
}

/// Keeps each claim's cash and route totals (the deterministic model's sink).
struct Detail<'a> {
    values: &'a mut [ClaimValue],
    quarters: &'a [[u8; EVENTS]; STAGES],
    legal_costs: f64,
}

impl Sink for Detail<'_> {
    fn recovery(&mut self, claim: usize, route: Route, stage: u8, event: usize, cash: f64) {
        let quarter = self.quarters[usize::from(stage)][event];
        if quarter == 0 {
            return;
        }
        let v = &mut self.values[claim];
        let legal = cash * self.legal_costs;
        v.cash.add(usize::from(quarter), cash - legal);
        v.legal_costs -= legal;
        match route {
            Route::Collateral => v.collateral += cash,
            Route::Guarantors => v.guarantors += cash,
            Route::Debtor => v.unsecured += cash,
        }
    }

    fn fee(&mut self, claim: usize, stage: u8, event: usize, fee: f64) {
        let quarter = self.quarters[usize::from(stage)][event];
        if quarter == 0 {
            return;
        }
        let v = &mut self.values[claim];
        v.cash.add(usize::from(quarter), -fee);
        v.court_fees -= fee;
    }
}

/// Values claims secured by `items` under the assumptions `a`.
pub fn value(claims: &[ClaimIn], items: &[ItemIn], a: &Assumptions) -> Valuation {
    value_stressed(claims, items, a, &Stress::NONE)
}

/// Values claims under the assumptions `a` with a stress overlay.
pub fn value_stressed(claims: &[ClaimIn], items: &[ItemIn], a: &Assumptions, stress: &Stress) -> Valuation {
    let prepared = Prepared::new(claims, items, a);
    let scenario = Scenario::expected(a, stress);
    let mut values: Vec<ClaimValue> = prepared
        .order
        .par_iter()
        .map(|&c| {
            let t = timeline(claims[c as usize].stage.unwrap_or(LitigationStage::NotSued), a);
            ClaimValue {
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
            }
        })
        .collect();
    // Blocks are independent: share them over the threads.
    let mut chunks = Vec::with_capacity(prepared.blocks.len());
    let mut rest = values.as_mut_slice();
    for b in &prepared.blocks {
        let (chunk, tail) = rest.split_at_mut(b.claims.len());
        chunks.push(chunk);
        rest = tail;
    }
    prepared.blocks.par_iter().zip(chunks).for_each_init(Scratch::default, |scratch, (block, chunk)| {
        let mut sink = Detail { values: chunk, quarters: &scenario.quarters, legal_costs: prepared.legal_costs() };
        run_block(&prepared, block, &scenario, |_| 1.0, scratch, &mut sink);
        for (v, e) in sink.values.iter_mut().zip(&scratch.expected) {
            v.expected_collateral_recovery = *e;
        }
    });

    // Package totals in the engine's order: fixed, whatever the number of threads.
    let mut quarterly = vec![0.0; QUARTERS];
    for v in &values {
        for i in 0..usize::from(v.cash.len) {
            quarterly[usize::from(v.cash.quarters[i]) - 1] += v.cash.amounts[i];
        }
    }
    let mut position = vec![0u32; claims.len()];
    for (p, c) in prepared.order.iter().enumerate() {
        position[*c as usize] = p as u32;
    }
    Valuation { values, position, quarterly }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::share;

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
        assert!(
            (s[0] - 5.0).abs() < 1e-9 && (s[1] - 95.0 / 3.0).abs() < 1e-9 && (s[2] - 190.0 / 3.0).abs() < 1e-9,
            "{s:?}"
        );
        // A single lien.
        let mut one = [0.0];
        share(50.0, &[(1, 1.0, 20.0)], &mut one);
        assert_eq!(one, [20.0]);
    }
}
