//! # huajie-decide
//!
//! How the company decides and disposes (rules.md A10, A11; Q11–Q13, Q16), as pure functions
//! the store's operations ask before they write:
//!
//! - `committee`: who may vote on an item, the vote rule (quorum, the pass mark of those
//!   present and entitled, recusal of whoever worked on the item), and the life of a meeting
//!   and of an item;
//! - `plan`: disposal methods and their profiles, the plan's gate (reserve against the
//!   valuation, agreement-transfer exceptions, separation of duties, the disposal checks) and
//!   its approval tier, the life of a plan;
//! - `announce`: an announcement's content checklist (A10.2) and its period in working days;
//! - `acquire`: what recording an acquisition needs (a passed committee item for that package
//!   and at least that price, a check no older than its validity);
//! - `investor`: investors on the portal — their kinds, the life of an application, the
//!   documents each kind gives, the registration's field rules, and whether one may be qualified.
//! - `sale`: a sold lot's figures — the deposit applied, the balance due, the recovery against the cost.
//!
//! Architecture invariant: no I/O, no clock (dates come in as arguments); every refusal is a
//! `huajie_core::Text`; every threshold is a field of `huajie_rules::RuleParameters`.

pub mod acquire;
pub mod announce;
pub mod committee;
pub mod investor;
pub mod plan;
pub mod sale;

pub use committee::{Ballot, Decision, ItemStatus, MeetingStatus, Outcome, Tally};
pub use investor::{DocumentKind, InvestorKind, InvestorStatus};
pub use plan::{AgreementException, ApprovalTier, DisposalMethod, PlanStatus, SubjectKind};
