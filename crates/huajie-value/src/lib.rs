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
pub mod metrics;
pub mod model;
pub mod monte_carlo;
pub mod params;
pub mod random;
pub mod retail;
pub mod sample;
pub mod stress;

pub use appraisal::{Appraisal, Book, BookClaim, BookGuarantee, BookItem, MODEL_VERSION, Options, appraise};
pub use assumptions::Assumptions;
pub use input::{ClaimIn, DebtorIn, GuarantorIn, ItemIn, Lien, Standing};
pub use metrics::{PackageMetrics, allocate, irr, metrics, pv};
pub use model::{ClaimCash, ClaimValue, QUARTERS, Valuation, value, value_stressed};
pub use monte_carlo::{Distribution, Simulation, simulate};
pub use retail::{RetailClaim, RetailValuation, value_retail};
pub use stress::Stress;
