//! A package's cost basis: its purchase price spread over its claims, to the fen.
//!
//! The spread is the valuation's (huajie-value `allocate`, docs/valuation.md §3.7: pro rata to
//! each claim's present value at the target rate), stored with each run as whole fen per claim
//! (`valuation_run_claims`' summary; `valuation_claims.allocation_fen` before migration 0037). The ledger does not allocate again: it takes those
//! shares, and when the run priced the package at another figure than the price paid, or its
//! rounding to the fen left the shares a few fen off the price, scales them to the price paid
//! with the fen left over by the rounding given, one each, to the largest remainders. A claim
//! the valuation gave a negative share (its fees expected to exceed its recoveries) carries no
//! cost: a cost basis is never negative.

use huajie_core::Money;
use serde::Serialize;

use crate::refusal::Refusal;

/// Each claim's share of a package's price: non-negative, summing to the price to the fen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CostBasis {
    price: Money,
    shares: Vec<(i64, Money)>,
}

fn refused(zh: &'static str, en: &'static str) -> Refusal {
    Refusal::CostBasis(zh, en)
}

impl CostBasis {
    /// The cost basis of `price` by the valuation run's `allocation` (claim, share in fen).
    /// Refused without claims, with a claim twice, or for a negative price.
    pub fn from_allocation(price: Money, allocation: &[(i64, i64)]) -> Result<CostBasis, Refusal> {
        if allocation.is_empty() {
            return Err(refused(
                "估值结果中没有债权，无法分摊成本。",
                "The valuation lists no claims to spread the cost over.",
            ));
        }
        if price.is_negative() {
            return Err(refused("收购价格不得为负。", "A purchase price is not negative."));
        }
        let mut ids: Vec<i64> = allocation.iter().map(|(c, _)| *c).collect();
        ids.sort_unstable();
        if ids.windows(2).any(|w| w[0] == w[1]) {
            return Err(refused(
                "估值结果中同一债权出现两次。",
                "A claim appears twice in the valuation's allocation.",
            ));
        }
        let weights: Vec<i128> = allocation.iter().map(|(_, w)| i128::from((*w).max(0))).collect();
        let total: i128 = weights.iter().sum();
        let p = i128::from(price.fen());
        let n = weights.len() as i128;
        // Equal shares when the valuation gave every claim nothing (as `allocate` does).
        let (weights, total) = if total == 0 { (vec![1; weights.len()], n) } else { (weights, total) };
        let mut fen: Vec<i128> = weights.iter().map(|w| p * w / total).collect();
        let mut left = p - fen.iter().sum::<i128>();
        let mut order: Vec<usize> = (0..fen.len()).collect();
        order.sort_by_key(|k| (std::cmp::Reverse(p * weights[*k] % total), *k));
        for k in order.into_iter().cycle() {
            if left == 0 {
                break;
            }
            fen[k] += 1;
            left -= 1;
        }
        let shares = allocation
            .iter()
            .zip(fen)
            .map(|((c, _), f)| Ok((*c, Money::from_fen(i64::try_from(f).map_err(|_| Refusal::Overflow)?))))
            .collect::<Result<_, Refusal>>()?;
        let basis = CostBasis { price, shares };
        basis.check()?;
        Ok(basis)
    }

    /// Checks that the shares are not negative and sum to the price to the fen.
    pub fn check(&self) -> Result<(), Refusal> {
        if self.shares.iter().any(|(_, m)| m.is_negative()) {
            return Err(refused("债权成本不得为负。", "A claim's cost basis is not negative."));
        }
        let sum: i128 = self.shares.iter().map(|(_, m)| i128::from(m.fen())).sum();
        if sum != i128::from(self.price.fen()) {
            return Err(refused(
                "各债权成本之和与收购价格不符（须精确到分）。",
                "The claims' cost bases do not sum to the purchase price to the fen.",
            ));
        }
        Ok(())
    }

    pub fn price(&self) -> Money {
        self.price
    }

    /// (claim, cost basis), in the allocation's order.
    pub fn shares(&self) -> &[(i64, Money)] {
        &self.shares
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_are_scaled_to_the_price_and_the_odd_fen_go_to_the_largest_remainders() {
        let b = CostBasis::from_allocation(Money::from_fen(100), &[(1, 1), (2, 1), (3, 1)]).unwrap();
        assert_eq!(b.shares(), &[(1, Money::from_fen(34)), (2, Money::from_fen(33)), (3, Money::from_fen(33))]);
        let exact = CostBasis::from_allocation(Money::from_fen(1_000), &[(7, 600), (8, 400)]).unwrap();
        assert_eq!(exact.shares(), &[(7, Money::from_fen(600)), (8, Money::from_fen(400))]);
        let negative = CostBasis::from_allocation(Money::from_fen(1_000), &[(7, 1_200), (8, -200)]).unwrap();
        assert_eq!(negative.shares(), &[(7, Money::from_fen(1_000)), (8, Money::ZERO)]);
        assert!(CostBasis::from_allocation(Money::from_fen(1), &[(7, 1), (7, 2)]).is_err());
        assert!(CostBasis::from_allocation(Money::from_fen(1), &[]).is_err());
    }
}
