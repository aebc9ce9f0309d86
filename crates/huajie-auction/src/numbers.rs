//! Bidders' numbers (竞买号): bidders of a lot see each other only by number, never by name.
//!
//! A bidder's number is their place in the order they were admitted to the lot (qualified and
//! their deposit confirmed): the first admitted is 1. Admitting another bidder never changes
//! an earlier one's number, so a number shown in the history stays that bidder's for the
//! whole auction.

use chrono::{DateTime, Utc};
use huajie_core::{Money, Text};
use serde::{Deserialize, Serialize};

use crate::InvestorId;
use crate::ascending::PlacedBid;

/// A bidder's number on one lot, shown as four digits (`0007`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct BidderNumber(pub u32);

impl std::fmt::Display for BidderNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}", self.0)
    }
}

/// A bidder's admission to a lot, as the store recorded it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Admission {
    pub investor: InvestorId,
    pub at: DateTime<Utc>,
}

/// The numbers of a lot's bidders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Numbers(Vec<(InvestorId, BidderNumber)>);

impl Numbers {
    /// Numbers in the order of admission (by time, then by investor id for admissions at the
    /// same moment); an investor admitted twice keeps the number of the first admission.
    pub fn assign(admitted: &[Admission]) -> Numbers {
        let mut order: Vec<Admission> = admitted.to_vec();
        order.sort_by_key(|a| (a.at, a.investor));
        let mut out: Vec<(InvestorId, BidderNumber)> = Vec::with_capacity(order.len());
        for a in order {
            if !out.iter().any(|(i, _)| *i == a.investor) {
                let next = u32::try_from(out.len() + 1).unwrap_or(u32::MAX);
                out.push((a.investor, BidderNumber(next)));
            }
        }
        Numbers(out)
    }

    /// This investor's number, if admitted.
    pub fn of(&self, investor: InvestorId) -> Option<BidderNumber> {
        self.0.iter().find(|(i, _)| *i == investor).map(|(_, n)| *n)
    }
}

/// A bid as other bidders see it: its place, the bidder's number, the amount, the time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShownBid {
    pub seq: i64,
    pub number: BidderNumber,
    pub amount: Money,
    pub at: DateTime<Utc>,
}

/// The bid history in its one order, each bidder by number only. A bid by someone never
/// admitted cannot be shown (the store's data is inconsistent): the error names the bid.
pub fn history(bids: &[PlacedBid], numbers: &Numbers) -> Result<Vec<ShownBid>, Text> {
    let mut out = Vec::with_capacity(bids.len());
    for b in bids {
        let number = numbers.of(b.bidder).ok_or_else(|| {
            Text::new(
                format!("第 {} 次出价的竞买人未获准参与本标的竞买。", b.seq),
                format!("The bidder of bid {} was never admitted to this lot.", b.seq),
            )
        })?;
        out.push(ShownBid { seq: b.seq, number, amount: b.amount, at: b.at });
    }
    out.sort_by_key(|s| s.seq);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::terms::tests::{at, yuan};

    fn admitted(investor: i64, minutes: i64) -> Admission {
        Admission { investor: InvestorId(investor), at: at(minutes) }
    }

    #[test]
    fn numbers_follow_the_order_of_admission_and_never_change() {
        let first = [admitted(42, 5), admitted(7, 1), admitted(9, 3)];
        let n = Numbers::assign(&first);
        let got: Vec<u32> = [7, 9, 42].iter().map(|i| n.of(InvestorId(*i)).unwrap().0).collect();
        assert_eq!(got, [1, 2, 3]);
        // A later admission, and a second admission of 7, change no one's number.
        let more = [admitted(42, 5), admitted(7, 1), admitted(9, 3), admitted(3, 8), admitted(7, 9)];
        let m = Numbers::assign(&more);
        for i in [7, 9, 42] {
            assert_eq!(m.of(InvestorId(i)), n.of(InvestorId(i)));
        }
        assert_eq!(m.of(InvestorId(3)), Some(BidderNumber(4)));
        // The second admission of 7 takes no number: the next bidder is 5.
        let next = Numbers::assign(&[more.as_slice(), &[admitted(4, 10)]].concat());
        assert_eq!(next.of(InvestorId(4)), Some(BidderNumber(5)));
        assert_eq!(m.of(InvestorId(1)), None);
        // At the same moment, the lower id first.
        let tie = Numbers::assign(&[admitted(8, 1), admitted(5, 1)]);
        assert_eq!(tie.of(InvestorId(5)), Some(BidderNumber(1)));
        assert_eq!(BidderNumber(7).to_string(), "0007");
    }

    #[test]
    fn the_history_shows_numbers_in_the_one_order_never_names() {
        let n = Numbers::assign(&[admitted(42, 0), admitted(7, 1)]);
        let placed = |seq, investor, y| PlacedBid { seq, bidder: InvestorId(investor), amount: yuan(y), at: at(seq) };
        let bids = [placed(2, 42, 1_010_000), placed(1, 7, 1_000_000)];
        let shown = history(&bids, &n).unwrap();
        let seen: Vec<(i64, u32)> = shown.iter().map(|s| (s.seq, s.number.0)).collect();
        assert_eq!(seen, [(1, 2), (2, 1)]);
        let json = serde_json::to_string(&shown).unwrap();
        assert!(!json.contains("bidder") && !json.contains("42"), "{json}");
        let err = history(&[placed(3, 99, 1)], &n).unwrap_err();
        assert!(err.zh.contains("第 3 次"));
    }
}
