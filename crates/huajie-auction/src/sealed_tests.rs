//! The sealed-bid tender's edges: hidden bids, one per bidder, opening by two staff after the
//! end, ties and the reserve.

use chrono::Duration;
use huajie_core::Money;

use super::*;
use crate::close::NoSale;
use crate::eligible::{Audience, Screening};
use crate::terms::AuctionMode;
use crate::terms::tests::{at, auction, yuan};

const A: InvestorId = InvestorId(21);
const B: InvestorId = InvestorId(22);
const C: InvestorId = InvestorId(23);

fn tender() -> Tender {
    Tender::new(Terms { mode: AuctionMode::Sealed, ..auction() }, 0, Vec::new())
}

fn put(t: &Tender, bidder: InvestorId, y: i64, minutes: i64) -> (Tender, Submission) {
    let s = t.submit(bidder, yuan(y), at(minutes), &Eligibility::clear()).unwrap();
    (t.after(&s), s)
}

#[test]
fn bids_go_in_between_the_start_and_the_end_at_no_less_than_the_start_price() {
    let t = tender();
    let clear = Eligibility::clear();
    let early = t.submit(A, yuan(1_000_000), at(0) - Duration::seconds(1), &clear).unwrap_err();
    assert_eq!(early.told(Audience::Investor).0, "not_started");
    let late = t.submit(A, yuan(1_000_000), at(120), &clear).unwrap_err();
    let (code, text) = late.told(Audience::Investor);
    assert_eq!(code, "ended");
    assert!(text.zh.contains("12:00:00 北京时间"), "{}", text.zh);
    let low = t.submit(A, Money::from_fen(99_999_999), at(1), &clear).unwrap_err();
    assert_eq!(low.told(Audience::Investor).0, "below_start");
    let why = huajie_core::Text::fixed("员工近亲属（TX4）", "A relative of staff (TX4)");
    let screened = Eligibility { screening: Screening::Refused(why), ..clear };
    let r = t.submit(A, yuan(1_000_000), at(1), &screened).unwrap_err();
    assert_eq!(r.told(Audience::Investor).0, "not_accepted");
    let (_, s) = put(&t, A, 1_000_000, 0);
    assert_eq!((s.seq, s.after, s.replaces), (1, 0, None));
}

#[test]
fn the_state_shows_no_amount_before_opening() {
    let (t, _) = put(&tender(), A, 1_234_567, 1);
    let (t, _) = put(&t, B, 1_100_000, 2);
    assert_eq!((t.submitted(), t.has_bid(A), t.has_bid(C)), (2, true, false));
    let shown = format!("{t:?}");
    assert!(!shown.contains("123456700") && shown.contains("<sealed>"), "{shown}");
}

#[test]
fn a_second_bid_replaces_the_first_and_takes_its_own_place() {
    let (t, first) = put(&tender(), A, 1_500_000, 1);
    let (t, _) = put(&t, B, 1_300_000, 2);
    let (t, second) = put(&t, A, 1_300_000, 3);
    assert_eq!((second.seq, second.after, second.replaces), (3, 2, Some(first.seq)));
    assert_eq!(t.submitted(), 2);
    // Only A's latest bid counts: it ties with B's, and B's came first.
    let o = t.open(at(120), "finance1", "legal1").unwrap();
    assert_eq!(o.outcome, Outcome::Sold { seq: 2, winner: B, price: yuan(1_300_000) });
    let amounts: Vec<(u32, Money)> = o.ranked.iter().map(|r| (r.rank, r.amount)).collect();
    assert_eq!(amounts, [(1, yuan(1_300_000)), (2, yuan(1_300_000))]);
}

#[test]
fn opening_needs_the_end_and_two_different_staff_users() {
    let (t, _) = put(&tender(), A, 1_250_000, 1);
    let (t, _) = put(&t, B, 1_260_000, 2);
    let before = t.open(at(120) - Duration::seconds(1), "finance1", "legal1").unwrap_err();
    assert!(before.zh.contains("12:00:00 北京时间"), "{}", before.zh);
    let twice = t.open(at(120), "finance1", " Finance1 ").unwrap_err();
    assert!(twice.zh.contains("两名不同") && twice.en.contains("finance1"), "{twice}");
    assert!(t.open(at(120), "finance1", "  ").is_err());
    let o = t.open(at(120), " finance1", "legal1").unwrap();
    assert_eq!(o.opened_by, ["finance1".to_string(), "legal1".to_string()]);
    assert_eq!(o.outcome, Outcome::Sold { seq: 2, winner: B, price: yuan(1_260_000) }, "the highest wins");
}

#[test]
fn the_reserve_applies_at_opening() {
    let (t, _) = put(&tender(), A, 1_199_999, 1);
    let o = t.open(at(121), "finance1", "legal1").unwrap();
    assert_eq!(o.outcome, Outcome::NoSale(NoSale::UnderReserve { best: yuan(1_199_999) }));
    assert_eq!(o.ranked.len(), 1);
    let none = tender().open(at(121), "finance1", "legal1").unwrap();
    assert_eq!(none.outcome, Outcome::NoSale(NoSale::NoBids));
}
