//! # huajie-rules
//!
//! The compliance engine's pure core (issue 5; `../shared/domain/rules.md`, read with its
//! Part G working definitions): the rule catalogue Q1–Q16 as data with each rule's source,
//! confidence tag, kind and transition; the versioned parameter set every threshold lives
//! in; and the six quantitative indicators computed at any as-of date from plain inputs, each
//! with the lines behind it. Ratios are compared exactly, as fractions of integer fen — a ratio
//! that would display as "10.000000%" can still be a breach.
//!
//! Architecture invariant: pure. The store hands over a `Ledger`; nothing here reads a clock
//! or a database. Start reading at `indicators.rs`.

pub mod catalogue;
pub mod checks;
mod error;
pub mod funding_line;
pub mod graph;
mod held;
pub mod indicators;
pub mod params;
pub mod pretrade;
pub mod price;
pub mod reporting;
pub mod standing;
pub mod terms;

pub use catalogue::{Confidence, Rule, RuleId, RuleKind, catalogue};
pub use indicators::{Indicator, Ledger, Status, indicators};
pub use params::RuleParameters;
