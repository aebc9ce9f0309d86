//! The live ascending auction (网络拍卖): a lot's state as the store reads it in the bid's
//! write transaction, and the one rule that accepts or refuses a bid.
//!
//! **One order.** Every accepted bid gets the next sequence number (1, 2, 3…) and becomes the
//! best: an accepted bid beats the best by at least the increment, so the best is always the
//! latest, amounts strictly rise with the sequence, and two bids can never tie (an equal
//! amount never beats the best). The store writes the bid guarded on the sequence number it
//! follows (`Accepted::after`), so two servers that read the same state cannot both write.
//!
//! **Anti-sniping.** See `Lot::accept`: a bid less than N minutes before the end moves the end
//! to N minutes after the bid.

use chrono::{DateTime, Utc};
use huajie_core::{Money, Text};
use serde::{Deserialize, Serialize};

use crate::close::{Outcome, outcome};
use crate::eligible::{Eligibility, Refusal, RefusalKind};
use crate::{InvestorId, Terms};

/// An accepted bid as the store keeps it; the best bid of a lot is its latest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlacedBid {
    pub seq: i64,
    pub bidder: InvestorId,
    pub amount: Money,
    pub at: DateTime<Utc>,
}

/// A bid as it arrives: who, how much, and the server's time when the transaction read the
/// lot (never the browser's: 以进入平台系统的时间为准).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bid {
    pub bidder: InvestorId,
    pub amount: Money,
    pub at: DateTime<Utc>,
}

/// What the store writes for an accepted bid, in the same transaction that read the lot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Accepted {
    /// The bid's place in the one order of the lot's bids.
    pub seq: i64,
    /// The sequence number it follows (0 for the first bid): the guard of the store's write.
    pub after: i64,
    pub bidder: InvestorId,
    pub amount: Money,
    /// The time recorded for the bid (never earlier than the best's, see `Lot::accept`).
    pub at: DateTime<Utc>,
    /// The lot's end after this bid.
    pub ends_at: DateTime<Utc>,
    /// Whether this bid moved the end (anti-sniping).
    pub extended: bool,
}

/// An ascending auction's state: its terms, its current (perhaps extended) end, its best bid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lot {
    pub terms: Terms,
    pub ends_at: DateTime<Utc>,
    pub best: Option<PlacedBid>,
}

impl Lot {
    /// A lot before any bid: it ends when its terms say.
    pub fn new(terms: Terms) -> Lot {
        Lot { ends_at: terms.ends_at, terms, best: None }
    }

    /// The sequence number of the latest accepted bid (0: none yet).
    pub fn last_seq(&self) -> i64 {
        self.best.as_ref().map_or(0, |b| b.seq)
    }

    /// The least amount the next bid may be: the start price for the first bid, else the
    /// best plus the increment (plus at least one fen, so that equal amounts never beat).
    pub fn minimum(&self) -> Money {
        match &self.best {
            None => self.terms.start_price,
            Some(b) => {
                let step = self.terms.increment.max(Money::from_fen(1));
                b.amount.checked_add(step).unwrap_or(Money::from_fen(i64::MAX))
            }
        }
    }

    /// Accepts or refuses `bid`, asked inside the write transaction that read this state and
    /// `eligibility`.
    ///
    /// Refused, in this order: before the start; at or after the current end (the refusal
    /// says the end); not qualified, no confirmed deposit (`Eligibility`); from the bidder
    /// already leading — our reading, as judicial-auction platforms do
    /// (不可在自己出价领先状态下再次出价): a leader cannot outbid himself, which would only
    /// raise the price he pays and move the end; below the start price for the first bid;
    /// short of the best plus the increment (the refusal says the least acceptable amount);
    /// and last, refused by screening. Screening comes last because only a bid that would
    /// otherwise win its place needs the party graph read (`huajie-store` answers a bid too
    /// low from the lot's state alone); the investor learns nothing more either way, a
    /// screening refusal being told neutrally.
    ///
    /// The time recorded is the bid's, or the best's if that is later (two servers' clocks
    /// may differ by a little; the order is the sequence, and time never runs backwards
    /// along it).
    ///
    /// **Anti-sniping**, our reading of "a bid in the last N minutes extends the end by N
    /// minutes": an accepted bid moves the end to **N minutes after the bid** when that is
    /// later than the current end (`end = max(end, bid + N)`), rather than adding N to the
    /// end. This is what 法释〔2016〕18号 art. 20 says for judicial auctions
    /// (竞价时间自该出价时点顺延五分钟) and what the judicial platforms do (延时周期): every
    /// rival gets exactly N minutes to answer the last bid however late in the window it
    /// came, and the end is never pushed further than that. A bid exactly N minutes before the
    /// end would move it to where it already is, so "within the last N minutes" inclusive and
    /// exclusive agree: only a bid less than N minutes before the end extends. Extensions
    /// chain: each late bid restarts the N minutes.
    pub fn accept(&self, bid: Bid, eligibility: &Eligibility) -> Result<Accepted, Refusal> {
        self.in_time(bid.at)?;
        if let Some(r) = eligibility.standing_refusal() {
            return Err(r);
        }
        self.beats(&bid)?;
        if let Some(r) = eligibility.screening_refusal() {
            return Err(r);
        }
        let at = self.best.as_ref().map_or(bid.at, |b| bid.at.max(b.at));
        let ends_at = self.ends_at.max(at + self.terms.extension());
        let after = self.last_seq();
        Ok(Accepted {
            seq: after + 1,
            after,
            bidder: bid.bidder,
            amount: bid.amount,
            at,
            ends_at,
            extended: ends_at > self.ends_at,
        })
    }

    /// The state once `a` (accepted from this state) is written.
    pub fn after(&self, a: &Accepted) -> Lot {
        let best = PlacedBid { seq: a.seq, bidder: a.bidder, amount: a.amount, at: a.at };
        Lot { terms: self.terms.clone(), ends_at: a.ends_at, best: Some(best) }
    }

    /// The outcome, once the (extended) end has passed: sold to the best bid at its amount
    /// if it reaches the reserve; otherwise no sale (流拍).
    pub fn close(&self, now: DateTime<Utc>) -> Result<Outcome, Text> {
        if now < self.ends_at {
            let (zh, en) = crate::moment(self.ends_at);
            return Err(Text::new(
                format!("竞价至 {zh} 结束，结束前不能结束拍卖。"),
                format!("Bidding runs until {en}: the auction cannot close before."),
            ));
        }
        Ok(outcome(&self.terms, self.best.as_ref().map(|b| (b.seq, b.bidder, b.amount))))
    }

    /// Refuses a bid outside the bidding time.
    fn in_time(&self, at: DateTime<Utc>) -> Result<(), Refusal> {
        if at < self.terms.starts_at {
            let (zh, en) = crate::moment(self.terms.starts_at);
            return Err(Refusal::new(
                RefusalKind::NotStarted,
                Text::new(format!("竞价于 {zh} 开始，尚未开始。"), format!("Bidding opens at {en}: not yet.")),
            ));
        }
        if at >= self.ends_at {
            let (zh, en) = crate::moment(self.ends_at);
            return Err(Refusal::new(
                RefusalKind::Ended,
                Text::new(format!("竞价已于 {zh} 结束。"), format!("Bidding ended at {en}.")),
            ));
        }
        Ok(())
    }

    /// Refuses a bid by the leader, or one short of the least acceptable amount.
    fn beats(&self, bid: &Bid) -> Result<(), Refusal> {
        if self.best.as_ref().is_some_and(|b| b.bidder == bid.bidder) {
            return Err(Refusal::new(
                RefusalKind::AlreadyLeading,
                Text::fixed(
                    "您的出价当前领先，不能自己加价；他人出价后可再出价。",
                    "Your bid is leading: you cannot outbid yourself. Bid again once someone outbids you.",
                ),
            ));
        }
        let least = self.minimum();
        if bid.amount >= least {
            return Ok(());
        }
        let (zh, en) = crate::exact(least);
        Err(match self.best {
            None => Refusal::new(
                RefusalKind::BelowStart,
                Text::new(
                    format!("首次出价不得低于起拍价 {zh}。"),
                    format!("The first bid must be at least the start price, {en}."),
                ),
            ),
            Some(_) => Refusal::new(
                RefusalKind::TooLow,
                Text::new(
                    format!("出价须高于当前最高价至少一个加价幅度：最低可出 {zh}。"),
                    format!("A bid must beat the best by at least the increment: the least you can bid is {en}."),
                ),
            ),
        })
    }
}

#[cfg(test)]
#[path = "ascending_tests.rs"]
mod tests;
