//! # huajie-ledger — the recovery ledger, pure
//!
//! What happens to a claim after the purchase, in money: double entry in fen on an AMC's
//! chart of accounts (`accounts.rs`, one table), entries that cannot be unbalanced or empty
//! and are put right only by reversal (`entry.rs`), receipts allocated to costs → interest →
//! principal (民法典 第五百六十一条) or as a court orders and refused beyond what is owed,
//! cost-recovery accounting of purchased claims (`claim.rs`), the purchase price spread over
//! the claims to the fen from the valuation's allocation (`basis.rs`), P&L, XIRR and MOIC
//! (`returns.rs`), the underwriting projection against actual collections (`backtest.rs`),
//! and statement lines matched to claims with fingerprints against double posting
//! (`reconcile.rs`). docs/ledger.md is the reader's account.
//!
//! No I/O, no clock: dates are passed in. The store (`huajie-store/src/recovery.rs`) keeps
//! what this crate decides.

pub mod accounts;
pub mod backtest;
pub mod basis;
pub mod claim;
pub mod entry;
pub mod reconcile;
mod refusal;
pub mod returns;

pub use accounts::{Account, CHART, Kind, Side};
pub use basis::CostBasis;
pub use claim::{Expense, ExpenseKind, Funding, History, Owed, Position, Posted, Receipt, Source, Split};
pub use entry::{Balances, Entry, Journal, Line, TrialRow};
pub use refusal::Refusal;
pub use returns::{Pnl, Returns, Scope};
