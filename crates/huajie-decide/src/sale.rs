//! A sale's figures (issue 14: the sale flowing into the package's records): the price the lot
//! closed at, the deposit applied to it and the balance the buyer still owes, and the recovery
//! against what the company paid for what it sold (its share of the package's price), beside
//! the approved reserve and the latest valuation.

use huajie_core::{Money, Text};
use serde::Serialize;

/// What a sale is measured against, as known when it is recorded (`None`: not known).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SaleBasis {
    pub reserve: Option<Money>,
    pub valuation: Option<Money>,
    /// The acquisition cost of what was sold: the package's price, or a claim's share of it.
    pub cost: Option<Money>,
}

/// A sale's figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SaleFigures {
    pub price: Money,
    /// The winner's deposit, applied to the price (never more than the price).
    pub deposit_applied: Money,
    /// What the buyer still owes: the price less the deposit applied.
    pub balance_due: Money,
    /// The deposit beyond the price, to be refunded (a deposit larger than the price).
    pub deposit_excess: Money,
    /// The price less the cost (a loss is negative); `None` when the cost is not known.
    pub recovery: Option<Money>,
    /// The price as a share of the cost, in basis points (10,000 = recovered at cost).
    pub recovery_bps: Option<i64>,
    /// The price less the approved reserve, and less the latest valuation.
    pub over_reserve: Option<Money>,
    pub over_valuation: Option<Money>,
}

fn overflow() -> Text {
    Text::fixed("成交金额超出范围。", "The sale's amounts are out of range.")
}

fn less(a: Money, b: Option<Money>) -> Result<Option<Money>, Text> {
    b.map(|b| a.checked_sub(b).map_err(|_| overflow())).transpose()
}

/// The figures of a sale at `price` with the winner's `deposit`, against `basis`. Refused for
/// a price or a deposit that is not positive.
pub fn figures(price: Money, deposit: Money, basis: SaleBasis) -> Result<SaleFigures, Text> {
    if price.fen() <= 0 || deposit.is_negative() {
        return Err(Text::fixed(
            "成交价须为正数，保证金不得为负。",
            "A sale's price is positive and its deposit not negative.",
        ));
    }
    let deposit_applied = deposit.min(price);
    let recovery_bps = match basis.cost {
        Some(cost) if cost.fen() > 0 => {
            Some(i64::try_from(i128::from(price.fen()) * 10_000 / i128::from(cost.fen())).map_err(|_| overflow())?)
        }
        _ => None,
    };
    Ok(SaleFigures {
        price,
        deposit_applied,
        balance_due: price.checked_sub(deposit_applied).map_err(|_| overflow())?,
        deposit_excess: deposit.checked_sub(deposit_applied).map_err(|_| overflow())?,
        recovery: less(price, basis.cost)?,
        recovery_bps,
        over_reserve: less(price, basis.reserve)?,
        over_valuation: less(price, basis.valuation)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wan(w: i64) -> Money {
        Money::from_wan(w).unwrap()
    }

    #[test]
    fn the_price_less_the_cost_is_the_recovery_and_the_deposit_goes_to_the_price() {
        let basis = SaleBasis { reserve: Some(wan(120)), valuation: Some(wan(150)), cost: Some(wan(100)) };
        let f = figures(wan(130), wan(20), basis).unwrap();
        assert_eq!((f.deposit_applied, f.balance_due, f.deposit_excess), (wan(20), wan(110), Money::ZERO));
        assert_eq!((f.recovery, f.recovery_bps), (Some(wan(30)), Some(13_000)));
        assert_eq!((f.over_reserve, f.over_valuation), (Some(wan(10)), Some(wan(-20))));
    }

    #[test]
    fn a_loss_an_unknown_cost_and_a_deposit_beyond_the_price() {
        let at_a_loss = figures(wan(80), wan(10), SaleBasis { cost: Some(wan(100)), ..SaleBasis::default() }).unwrap();
        assert_eq!((at_a_loss.recovery, at_a_loss.recovery_bps), (Some(wan(-20)), Some(8_000)));
        let unknown = figures(wan(80), Money::ZERO, SaleBasis::default()).unwrap();
        assert_eq!((unknown.recovery, unknown.recovery_bps, unknown.over_reserve), (None, None, None));
        assert_eq!(unknown.balance_due, wan(80), "no deposit: the whole price is due");
        let small = figures(wan(5), wan(20), SaleBasis::default()).unwrap();
        assert_eq!((small.deposit_applied, small.balance_due, small.deposit_excess), (wan(5), Money::ZERO, wan(15)));
        let odd = figures(
            Money::from_fen(10_001),
            Money::ZERO,
            SaleBasis { cost: Some(Money::from_fen(30_000)), ..SaleBasis::default() },
        );
        assert_eq!(odd.unwrap().recovery_bps, Some(3_333), "rounded down");
        assert!(figures(Money::ZERO, Money::ZERO, SaleBasis::default()).is_err());
        assert!(figures(wan(1), Money::from_fen(-1), SaleBasis::default()).is_err());
    }
}
