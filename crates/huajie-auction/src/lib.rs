//! # huajie-auction
//!
//! Fair bidding on the investor portal (issue 14), as pure rules the store asks inside the one
//! write transaction that records a bid:
//!
//! - `terms`: a lot's auction terms (mode, start price, increment, reserve, deposit, times,
//!   the anti-sniping extension) and their validation, field by field;
//! - `eligible`: what the caller knows of a bidder (qualified, deposit confirmed, the
//!   screening verdict) and the refusal of a bid, told differently to the investor and to staff;
//! - `ascending`: the live ascending auction's state and `accept` of a bid (one total order by
//!   sequence number, the increment, anti-sniping);
//! - `close`: the outcome of either mode (sold at or above the reserve, or no sale) and the
//!   lot's life;
//! - `numbers`: bidders' numbers (竞买号) in the order they were admitted, and the bid history
//!   shown with numbers, never names;
//! - `sealed`: the sealed-bid tender (hidden bids, one per bidder, opened after the end by
//!   two different staff users);
//! - `deposit`: the deposit's life (保证金) and what each becomes at close.
//!
//! Architecture invariant: no I/O, no clock (every moment comes in as a `DateTime<Utc>`), no
//! database; every refusal is a `huajie_core::Text`; the extension minutes come from
//! `huajie_rules::RuleParameters::auction_extension_minutes` through the terms.
//!
//! The store's write path for one bid: read the lot's state (`ascending::Lot`) and the
//! bidder's `eligible::Eligibility` in the write transaction, ask `Lot::accept`, then write the
//! `Accepted` bid with its sequence number and the lot's new end, guarded on the sequence
//! number the bid follows (`Accepted::after`): if another server wrote a bid in between, the
//! guard matches no row and the transaction retries from the read.

pub mod ascending;
pub mod close;
pub mod deposit;
pub mod eligible;
pub mod numbers;
pub mod sealed;
pub mod terms;

pub use ascending::{Accepted, Bid, Lot, PlacedBid};
pub use close::{LotStatus, NoSale, Outcome};
pub use deposit::{Deposit, DepositStatus, Settlement};
pub use eligible::{Audience, Eligibility, Refusal, RefusalKind, Screening};
pub use numbers::{Admission, BidderNumber, Numbers, ShownBid};
pub use sealed::{OpenedBid, Opening, SealedBid, Submission, Tender};
pub use terms::{AuctionMode, Terms};

/// An investor, by the id the store gave them. Shown to other bidders only as a
/// `BidderNumber`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct InvestorId(pub i64);

/// An amount as a refusal states it: exact to the fen ("1,000,100.00 元", "CNY 1,000,100.00").
pub(crate) fn exact(m: huajie_core::Money) -> (String, String) {
    let y = m.yuan_string();
    (format!("{y} 元"), format!("CNY {y}"))
}

/// A moment as a refusal states it: Beijing time to the second, in both languages.
pub(crate) fn moment(t: chrono::DateTime<chrono::Utc>) -> (String, String) {
    use huajie_core::{Lang, clock::beijing_time};
    (beijing_time(t, Lang::Zh, true), beijing_time(t, Lang::En, true))
}
