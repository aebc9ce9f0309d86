//! A package deal's price beside what stands behind it: the claims' face value, the latest
//! valuation and, for a disposal, the cost and the gain or loss expected (shown by the
//! pre-trade check and kept with it).

use chrono::NaiveDate;
use huajie_core::Money;

/// The latest valuation of a package: its run, the date it values at, and the value (the
/// present value of the expected recoveries at the run's target IRR: its bid).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ValuationRef {
    pub run_id: i64,
    pub valuation_date: NaiveDate,
    pub value: Money,
}

/// A package deal's price against what stands behind it: the claims' face value (principal,
/// interest, penalty and advanced costs, as the valuation counts a claim), the latest valuation,
/// and for a disposal the cost (the price paid for the package) and the gain or loss expected.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PriceContext {
    pub price: Money,
    pub face_value: Money,
    pub valuation: Option<ValuationRef>,
    /// A disposal's cost basis: the price paid for what is sold.
    pub cost: Option<Money>,
}

impl PriceContext {
    /// The price as a share of the face value (`None` when the face value is 0).
    pub fn of_face(&self) -> Option<f64> {
        (self.face_value.fen() > 0).then(|| self.price.fen() as f64 / self.face_value.fen() as f64)
    }

    /// The price as a share of the latest valuation.
    pub fn of_valuation(&self) -> Option<f64> {
        self.valuation.as_ref().filter(|v| v.value.fen() > 0).map(|v| self.price.fen() as f64 / v.value.fen() as f64)
    }

    /// A disposal's result against its cost: price − cost, negative for a loss (exact, in fen).
    pub fn gain(&self) -> Option<i128> {
        self.cost.map(|c| i128::from(self.price.fen()) - i128::from(c.fen()))
    }
}
