//! The sealed-bid tender (招标，密封报价): bids go in before the end and stay hidden; after
//! the end two different staff users open them together; the highest wins, the reserve
//! applies.
//!
//! **Hidden.** A `Tender` says how many bidders have a bid in and whether a given bidder has,
//! never an amount: its bids' amounts are private (and left out of `Debug`, so no log shows
//! them) until `open` ranks them.
//!
//! **One bid per bidder.** A bidder's second submission before the end **replaces** the first
//! (`Submission::replaces`), as a tenderer may amend a tender before the deadline
//! (招标投标法 art. 29, our reading for the portal); only the latest counts at opening.
//!
//! **Ties.** Equal highest amounts: the earlier submission wins, by its sequence number (one
//! order of submissions, as for auction bids). A replacement is a new submission and takes
//! its own place in that order.

use chrono::{DateTime, Utc};
use huajie_core::{Money, Text};
use serde::{Deserialize, Serialize};

use crate::close::{Outcome, outcome};
use crate::eligible::{Eligibility, Refusal, RefusalKind};
use crate::{InvestorId, Terms};

/// A submitted sealed bid as the store keeps it.
#[derive(Clone, PartialEq, Eq)]
pub struct SealedBid {
    seq: i64,
    bidder: InvestorId,
    amount: Money,
    at: DateTime<Utc>,
}

impl SealedBid {
    /// A bid the store read back.
    pub fn stored(seq: i64, bidder: InvestorId, amount: Money, at: DateTime<Utc>) -> SealedBid {
        SealedBid { seq, bidder, amount, at }
    }
}

impl std::fmt::Debug for SealedBid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SealedBid")
            .field("seq", &self.seq)
            .field("bidder", &self.bidder)
            .field("amount", &"<sealed>")
            .field("at", &self.at)
            .finish()
    }
}

/// What the store writes for an accepted submission, in the transaction that read the tender.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    pub seq: i64,
    /// The sequence number it follows: the guard of the store's write.
    pub after: i64,
    pub bidder: InvestorId,
    pub amount: Money,
    pub at: DateTime<Utc>,
    /// The bidder's earlier bid this one replaces (the store marks it replaced).
    pub replaces: Option<i64>,
}

/// A tender's state: its terms, the latest sequence number given (replaced bids included),
/// and each bidder's current bid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tender {
    terms: Terms,
    last_seq: i64,
    bids: Vec<SealedBid>,
}

/// A bid as the opening shows it to staff, ranked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenedBid {
    pub rank: u32,
    pub seq: i64,
    pub bidder: InvestorId,
    pub amount: Money,
    pub at: DateTime<Utc>,
}

/// The opening (开标): every current bid ranked (highest first, the earlier first on equal
/// amounts), the outcome, and the two staff users who opened it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Opening {
    pub ranked: Vec<OpenedBid>,
    pub outcome: Outcome,
    pub opened_by: [String; 2],
}

impl Tender {
    /// The tender as stored: `bids` are the current (unreplaced) bids, `last_seq` the latest
    /// sequence number given to any submission.
    pub fn new(terms: Terms, last_seq: i64, bids: Vec<SealedBid>) -> Tender {
        Tender { terms, last_seq, bids }
    }

    pub fn terms(&self) -> &Terms {
        &self.terms
    }

    /// How many bidders have a bid in.
    pub fn submitted(&self) -> usize {
        self.bids.len()
    }

    pub fn has_bid(&self, bidder: InvestorId) -> bool {
        self.bids.iter().any(|b| b.bidder == bidder)
    }

    /// Accepts or refuses a submission: refused before the start, at or after the end, from
    /// an ineligible bidder (as an auction bid), or below the start price (the lowest tender
    /// accepted). A bidder's second submission replaces the first.
    pub fn submit(
        &self,
        bidder: InvestorId,
        amount: Money,
        at: DateTime<Utc>,
        eligibility: &Eligibility,
    ) -> Result<Submission, Refusal> {
        let t = &self.terms;
        if at < t.starts_at || at >= t.ends_at {
            let (kind, (zh, en)) = if at < t.starts_at {
                (RefusalKind::NotStarted, ("投标尚未开始", "Tendering has not started"))
            } else {
                (RefusalKind::Ended, ("投标已截止", "Tendering has closed"))
            };
            let ((s_zh, s_en), (e_zh, e_en)) = (crate::moment(t.starts_at), crate::moment(t.ends_at));
            return Err(Refusal::new(
                kind,
                Text::new(
                    format!("{zh}（投标时间 {s_zh} 至 {e_zh}）。"),
                    format!("{en} (open from {s_en} to {e_en})."),
                ),
            ));
        }
        if let Some(r) = eligibility.refusal() {
            return Err(r);
        }
        if amount < t.start_price {
            let (zh, en) = crate::exact(t.start_price);
            return Err(Refusal::new(
                RefusalKind::BelowStart,
                Text::new(
                    format!("报价不得低于起始价 {zh}。"),
                    format!("A tender must be at least the start price, {en}."),
                ),
            ));
        }
        let replaces = self.bids.iter().find(|b| b.bidder == bidder).map(|b| b.seq);
        Ok(Submission { seq: self.last_seq + 1, after: self.last_seq, bidder, amount, at, replaces })
    }

    /// The state once `s` (accepted from this state) is written.
    pub fn after(&self, s: &Submission) -> Tender {
        let mut bids: Vec<SealedBid> = self.bids.iter().filter(|b| b.bidder != s.bidder).cloned().collect();
        bids.push(SealedBid { seq: s.seq, bidder: s.bidder, amount: s.amount, at: s.at });
        Tender { terms: self.terms.clone(), last_seq: s.seq, bids }
    }

    /// Whether the bids may be opened at `now` (the first of the two staff users asks then):
    /// refused before the end.
    pub fn may_open(&self, now: DateTime<Utc>) -> Result<(), Text> {
        if now < self.terms.ends_at {
            let (zh, en) = crate::moment(self.terms.ends_at);
            return Err(Text::new(
                format!("投标于 {zh} 截止，截止前不能开标。"),
                format!("Tendering closes at {en}: the bids cannot be opened before."),
            ));
        }
        Ok(())
    }

    /// Opens the bids at `now`, by two different staff users: refused before the end, and
    /// when a name is missing or both are the same person (compared without surrounding
    /// spaces or letter case).
    pub fn open(&self, now: DateTime<Utc>, first: &str, second: &str) -> Result<Opening, Text> {
        self.may_open(now)?;
        let (a, b) = (first.trim(), second.trim());
        if a.is_empty() || b.is_empty() {
            return Err(Text::fixed("开标须由两名工作人员共同进行。", "Two staff users open the bids together."));
        }
        if a.to_lowercase() == b.to_lowercase() {
            return Err(Text::new(
                format!("开标须由两名不同的工作人员进行：{a} 不能开标两次。"),
                format!("Two different staff users open the bids: {a} cannot open them twice."),
            ));
        }
        let mut sorted: Vec<&SealedBid> = self.bids.iter().collect();
        sorted.sort_by_key(|s| (std::cmp::Reverse(s.amount), s.seq));
        let ranked: Vec<OpenedBid> = sorted
            .iter()
            .zip(1..)
            .map(|(s, rank)| OpenedBid { rank, seq: s.seq, bidder: s.bidder, amount: s.amount, at: s.at })
            .collect();
        let outcome = outcome(&self.terms, ranked.first().map(|w| (w.seq, w.bidder, w.amount)));
        Ok(Opening { ranked, outcome, opened_by: [a.to_string(), b.to_string()] })
    }
}

#[cfg(test)]
#[path = "sealed_tests.rs"]
mod tests;
