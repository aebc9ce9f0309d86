//! Court fees by the cumulative schedules of 《诉讼费用交纳办法》 (valuation.md 3.5): exact
//! schedule values in yuan, not rounded.

/// (upper bound of the bracket in yuan, marginal rate) above the first 10,000 yuan.
const ACCEPTANCE: &[(f64, f64)] = &[
    (100_000.0, 0.025),
    (200_000.0, 0.02),
    (500_000.0, 0.015),
    (1_000_000.0, 0.01),
    (2_000_000.0, 0.009),
    (5_000_000.0, 0.008),
    (10_000_000.0, 0.007),
    (20_000_000.0, 0.006),
    (f64::INFINITY, 0.005),
];

const ENFORCEMENT: &[(f64, f64)] =
    &[(500_000.0, 0.015), (5_000_000.0, 0.01), (10_000_000.0, 0.005), (f64::INFINITY, 0.001)];

/// The flat fee for a claim of up to 10,000 yuan (0 included).
const FLAT_FEE: f64 = 50.0;
const FLAT_UP_TO: f64 = 10_000.0;

fn cumulative(claim: f64, brackets: &[(f64, f64)]) -> f64 {
    let mut fee = FLAT_FEE;
    let mut lower = FLAT_UP_TO;
    for &(upper, rate) in brackets {
        if claim <= lower {
            break;
        }
        fee += (claim.min(upper) - lower) * rate;
        lower = upper;
    }
    fee
}

/// 案件受理费 on a claim of `claim` yuan.
pub fn acceptance_fee(claim: f64) -> f64 {
    cumulative(claim, ACCEPTANCE)
}

/// 执行申请费 on a claim of `claim` yuan.
pub fn enforcement_fee(claim: f64) -> f64 {
    cumulative(claim, ENFORCEMENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-6
    }

    #[test]
    fn the_spec_example() {
        assert!(close(acceptance_fee(10_000_000.0), 81_800.0));
        assert!(close(enforcement_fee(10_000_000.0), 77_400.0));
    }

    #[test]
    fn acceptance_at_every_bracket_edge() {
        // Cumulative values at each upper edge, computed by hand from the schedule.
        for (claim, fee) in [
            (0.0, 50.0),
            (10_000.0, 50.0),
            (10_001.0, 50.025),
            (100_000.0, 2_300.0),
            (200_000.0, 4_300.0),
            (500_000.0, 8_800.0),
            (1_000_000.0, 13_800.0),
            (2_000_000.0, 22_800.0),
            (5_000_000.0, 46_800.0),
            (10_000_000.0, 81_800.0),
            (20_000_000.0, 141_800.0),
            (30_000_000.0, 191_800.0),
        ] {
            assert!(close(acceptance_fee(claim), fee), "{claim}: {} ≠ {fee}", acceptance_fee(claim));
        }
    }

    #[test]
    fn enforcement_at_every_bracket_edge() {
        for (claim, fee) in [
            (0.0, 50.0),
            (10_000.0, 50.0),
            (500_000.0, 7_400.0),
            (5_000_000.0, 52_400.0),
            (10_000_000.0, 77_400.0),
            (20_000_000.0, 87_400.0),
        ] {
            assert!(close(enforcement_fee(claim), fee), "{claim}: {} ≠ {fee}", enforcement_fee(claim));
        }
    }
}
