//! # huajie-value
//!
//! The valuation model HV-1 of `../shared/domain/valuation.md`, section 3 and its precise
//! readings (section 7): each claim's expected cash flows by route — collateral through
//! the judicial-auction ladder, shared among claims in lien order; guarantors; the debtor's
//! unsecured assets — less court fees and legal costs, by quarter over 40 quarters; and the
//! package metrics (bid at a target IRR, IRR at a price, MOIC, recovery, payback, WAL, cost
//! basis).
//!
//! Architecture invariant: pure. Inputs are plain values (`input.rs`), parameters a named
//! assumption set (`assumptions.rs`); the same inputs always give the same numbers. Money
//! is computed in f64 yuan and rounded to fen only at the edges (section 1).
//! Start reading at `model.rs`.

pub mod appraisal;
pub mod assumptions;
mod engine;
pub mod fees;
pub mod input;
pub mod limits;
pub mod metrics;
pub mod model;
pub mod monte_carlo;
pub mod params;
pub mod random;
pub mod recorded;
pub mod retail;
pub mod review;
pub mod sample;
pub mod stress;

pub use appraisal::{Appraisal, Book, BookClaim, BookGuarantee, BookItem, BookLien, MODEL_VERSION, Options, appraise};
pub use assumptions::Assumptions;

/// Yuan as the engine computes them (f64) to fen at its edge: rounded half away from zero,
/// saturating; NaN is 0.
pub fn fen(yuan: f64) -> i64 {
    let f = (yuan * 100.0).round();
    if f.is_nan() { 0 } else { f.clamp(i64::MIN as f64, i64::MAX as f64) as i64 }
}
pub use input::{ClaimIn, DebtorIn, GuarantorIn, ItemIn, Lien, Standing};
pub use limits::{OptionsError, OptionsField, RawOptions};
pub use metrics::{PackageMetrics, allocate, irr, metrics, pv};
pub use model::{ClaimCash, ClaimValue, QUARTERS, Valuation, value, value_stressed};
pub use monte_carlo::{Distribution, Simulation, simulate};
pub use retail::{RetailClaim, RetailValuation, value_retail};
pub use stress::Stress;
