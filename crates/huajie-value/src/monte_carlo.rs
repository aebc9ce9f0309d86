//! The Monte Carlo layer (valuation.md section 4, readings of section 7).
//!
//! Each scenario draws a systematic factor `Z` and one idiosyncratic draw per collateral
//! item, all from the counter-based generator of `random.rs`, keyed by (seed, scenario,
//! entity, draw): the systematic factor is entity `u64::MAX`, an item is its position in the
//! input. A scenario then runs the same engine as the deterministic model — the expectation
//! over the auction ladder given that scenario's values, shifted sale probabilities, scaled
//! durations and recovery ratios — and keeps only the package's net cash by quarter.
//!
//! Work is cut into fixed units (a block of lien groups × a run of scenarios) and shared
//! over rayon's threads; totals are summed in unit order, so the result does not depend on
//! the number of threads. With every σ and λ at 0 each scenario *is* the deterministic model.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::assumptions::Assumptions;
use crate::engine::{
    EVENTS, OUTCOMES, Prepared, QUARTERS, Route, STAGES, Scenario, Scratch, Sink, run_block, stressed_probabilities,
};
use crate::input::{ClaimIn, ItemIn};
use crate::metrics::{irr, pv};
use crate::random::{normal_cdf, normal_in, normal_quantile, scenario_key};
use crate::stress::Stress;

/// The entity of a scenario's systematic draw.
const SYSTEMATIC: u64 = u64::MAX;
/// Scenarios per unit of work.
const SCENARIOS_PER_UNIT: usize = 128;

/// The scenarios of one simulation.
#[derive(Debug, Clone, PartialEq)]
pub struct Simulation {
    pub seed: u64,
    /// Each scenario's package net cash by quarter (index 0 = quarter 1), scenario 1 first.
    pub scenarios: Vec<[f64; QUARTERS]>,
}

/// Sums a block's cash of one scenario by (stage, event): recoveries before legal costs,
/// and the block's fees. The sums go into quarters once the block is done.
struct Totals {
    recoveries: [[f64; EVENTS]; STAGES],
    fees: [[f64; EVENTS]; STAGES],
}

impl Sink for Totals {
    const FEES_BY_CLAIM: bool = false;

    fn recovery(&mut self, _claim: usize, _route: Route, stage: u8, event: usize, cash: f64) {
        self.recoveries[usize::from(stage)][event] += cash;
    }

    fn fee(&mut self, _claim: usize, stage: u8, event: usize, fee: f64) {
        self.fees[usize::from(stage)][event] += fee;
    }

    fn outcomes(&mut self, _claim: usize, stage: u8, cash: &[f64; OUTCOMES]) {
        let r = &mut self.recoveries[usize::from(stage)];
        for o in 0..OUTCOMES {
            r[o] += cash[o];
        }
    }
}

impl Totals {
    /// Adds the sums to `cash` by quarter (slot 0: beyond the horizon), less legal costs.
    fn place(&self, scenario: &Scenario, legal_costs: f64, cash: &mut [f64; QUARTERS + 1]) {
        for stage in 0..STAGES {
            for event in 0..EVENTS {
                let q = usize::from(scenario.quarters[stage][event]);
                let r = self.recoveries[stage][event];
                cash[q] += r - r * legal_costs - self.fees[stage][event];
            }
        }
    }
}

/// Scenario `s` (1-based): its tables and its key.
fn draw_scenario(a: &Assumptions, stress: &Stress, seed: u64, s: u64) -> (Scenario, u64) {
    let key = scenario_key(seed, s);
    let z = normal_in(key, SYSTEMATIC);
    let mc = &a.monte_carlo;
    let value_factor = a.ladder.market_value
        * stress.market_value
        * (mc.sigma_market * z - mc.sigma_market * mc.sigma_market / 2.0).exp();
    let shift = mc.liquidity * z;
    let probabilities = |row| {
        stressed_probabilities(a, stress, row)
            .map(|p| if shift == 0.0 || p <= 0.0 || p >= 1.0 { p } else { normal_cdf(normal_quantile(p) + shift) })
    };
    let durations = stress.durations * (mc.sigma_duration * z).exp();
    let beta_factor = (mc.sigma_recovery * z - mc.sigma_recovery * mc.sigma_recovery / 2.0).exp();
    (Scenario::new(a, value_factor, probabilities, durations, beta_factor), key)
}

/// Runs `scenarios` scenarios of the package from `seed`.
pub fn simulate(
    claims: &[ClaimIn],
    items: &[ItemIn],
    a: &Assumptions,
    stress: &Stress,
    scenarios: usize,
    seed: u64,
) -> Simulation {
    let prepared = Prepared::new(claims, items, a);
    let tables: Vec<(Scenario, u64)> =
        (1..=scenarios as u64).into_par_iter().map(|s| draw_scenario(a, stress, seed, s)).collect();
    let sigma = a.monte_carlo.sigma_item;
    let item_factor = |key: u64, item: u32| {
        if sigma == 0.0 { 1.0 } else { (sigma * normal_in(key, u64::from(item)) - sigma * sigma / 2.0).exp() }
    };
    let chunks: Vec<std::ops::Range<usize>> = (0..scenarios)
        .step_by(SCENARIOS_PER_UNIT)
        .map(|start| start..(start + SCENARIOS_PER_UNIT).min(scenarios))
        .collect();
    let units: Vec<(usize, usize)> =
        (0..prepared.blocks.len()).flat_map(|b| (0..chunks.len()).map(move |c| (b, c))).collect();
    let results: Vec<Vec<[f64; QUARTERS + 1]>> = units
        .par_iter()
        .map_init(Scratch::default, |scratch, &(b, c)| {
            let block = &prepared.blocks[b];
            let fees = prepared.block_fees(block);
            chunks[c]
                .clone()
                .map(|s| {
                    let (scenario, key) = &tables[s];
                    let mut sums = Totals { recoveries: [[0.0; EVENTS]; STAGES], fees };
                    run_block(&prepared, block, scenario, |item| item_factor(*key, item), scratch, &mut sums);
                    let mut cash = [0.0; QUARTERS + 1];
                    sums.place(scenario, prepared.legal_costs(), &mut cash);
                    cash
                })
                .collect()
        })
        .collect();
    let mut totals = vec![[0.0; QUARTERS]; scenarios];
    // Units are in block order, then scenario order: each scenario sums its blocks in block order.
    for ((_, c), cash) in units.iter().zip(&results) {
        for (s, cash) in chunks[*c].clone().zip(cash) {
            for q in 0..QUARTERS {
                totals[s][q] += cash[q + 1];
            }
        }
    }
    Simulation { seed, scenarios: totals }
}

/// The distribution of a simulation at a target rate and a price.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Distribution {
    pub rate: f64,
    pub price: f64,
    /// Of the scenarios' break-even prices `PV_s(y*)`.
    pub mean: f64,
    pub p5: f64,
    pub p50: f64,
    pub p95: f64,
    /// α, and the (1 − α) quantile of the break-even prices.
    pub confidence: f64,
    pub confidence_bid: f64,
    /// Share of scenarios whose IRR at `price` reaches `rate` (no IRR counts as below).
    pub probability_of_hurdle: f64,
}

/// The `p` quantile of sorted numbers, interpolating linearly between order statistics:
/// position `(n − 1)·p`.
pub fn quantile(sorted: &[f64], p: f64) -> f64 {
    match sorted {
        [] => f64::NAN,
        [x] => *x,
        _ => {
            let h = (sorted.len() - 1) as f64 * p.clamp(0.0, 1.0);
            let lo = h.floor() as usize;
            let hi = (lo + 1).min(sorted.len() - 1);
            sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
        }
    }
}

impl Simulation {
    /// Each scenario's break-even price `PV_s(rate)`, scenario 1 first.
    pub fn present_values(&self, rate: f64) -> Vec<f64> {
        self.scenarios.iter().map(|cf| pv(cf, rate)).collect()
    }

    /// The mean net cash by quarter over the scenarios.
    pub fn mean_quarterly(&self) -> Vec<f64> {
        let n = self.scenarios.len().max(1) as f64;
        (0..QUARTERS).map(|q| self.scenarios.iter().map(|cf| cf[q]).sum::<f64>() / n).collect()
    }

    pub fn distribution(&self, rate: f64, price: f64, confidence: f64) -> Distribution {
        let mut values = self.present_values(rate);
        let mean = values.iter().sum::<f64>() / values.len().max(1) as f64;
        values.sort_by(f64::total_cmp);
        let reached = self.scenarios.par_iter().filter(|cf| irr(&cf[..], price).is_some_and(|y| y >= rate)).count();
        Distribution {
            rate,
            price,
            mean,
            p5: quantile(&values, 0.05),
            p50: quantile(&values, 0.50),
            p95: quantile(&values, 0.95),
            confidence,
            confidence_bid: quantile(&values, 1.0 - confidence),
            probability_of_hurdle: reached as f64 / self.scenarios.len().max(1) as f64,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::quantile;

    #[test]
    fn quantiles_interpolate_between_order_statistics() {
        let xs = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(quantile(&xs, 0.0), 1.0);
        assert_eq!(quantile(&xs, 0.5), 3.0);
        assert_eq!(quantile(&xs, 1.0), 5.0);
        // (5 − 1) × 0.1 = 0.4: 1 + 0.4 × (2 − 1).
        assert!((quantile(&xs, 0.1) - 1.4).abs() < 1e-12);
        assert_eq!(quantile(&[7.0], 0.3), 7.0);
    }
}
