//! The ascending auction's edges: time, the start price, the increment, the leader, the
//! bidder's eligibility, the one order, anti-sniping and the close.

use chrono::Duration;
use huajie_core::{Money, Text};

use super::*;
use crate::close::NoSale;
use crate::eligible::{Audience, Screening};
use crate::terms::tests::{at, auction, yuan};

const A: InvestorId = InvestorId(11);
const B: InvestorId = InvestorId(12);

fn bid(bidder: InvestorId, amount: Money, minutes: i64) -> Bid {
    Bid { bidder, amount, at: at(minutes) }
}

/// Accepts and applies, failing the test on a refusal.
fn take(lot: &Lot, b: Bid) -> (Lot, Accepted) {
    let a = lot.accept(b, &Eligibility::clear()).unwrap_or_else(|r| panic!("{:?}", r.told(Audience::Staff)));
    (lot.after(&a), a)
}

fn refused(lot: &Lot, b: Bid) -> (&'static str, Text) {
    lot.accept(b, &Eligibility::clear()).expect_err("refused").told(Audience::Investor)
}

#[test]
fn bidding_is_open_from_the_start_until_before_the_end() {
    let lot = Lot::new(auction());
    let (code, text) = refused(&lot, Bid { at: at(0) - Duration::seconds(1), ..bid(A, yuan(1_000_000), 0) });
    assert_eq!(code, "not_started");
    assert!(text.zh.contains("2026-12-07 10:00:00 北京时间"), "{}", text.zh);
    take(&lot, bid(A, yuan(1_000_000), 0));
    let (code, text) = refused(&lot, bid(A, yuan(1_000_000), 120));
    assert_eq!(code, "ended", "a bid at the end is refused");
    assert!(text.zh.contains("12:00:00 北京时间") && text.en.contains("12:00:00 Beijing time"), "{text}");
    assert_eq!(refused(&lot, bid(A, yuan(1_000_000), 121)).0, "ended");
    take(&lot, Bid { at: at(120) - Duration::seconds(1), ..bid(A, yuan(1_000_000), 0) });
}

#[test]
fn the_first_bid_is_at_least_the_start_price_and_each_next_beats_by_the_increment() {
    let lot = Lot::new(auction());
    let (code, text) = refused(&lot, bid(A, Money::from_fen(99_999_999), 1));
    assert_eq!(code, "below_start");
    assert!(text.zh.contains("1,000,000.00 元"), "{}", text.zh);
    let (lot, first) = take(&lot, bid(A, yuan(1_000_000), 1));
    assert_eq!(lot.minimum(), yuan(1_010_000));
    for short in [yuan(1_000_000), Money::from_fen(100_999_999)] {
        let (code, text) = refused(&lot, bid(B, short, 2));
        assert_eq!(code, "too_low", "{short:?}");
        assert!(text.zh.contains("最低可出 1,010,000.00 元") && text.en.contains("CNY 1,010,000.00"), "{text}");
    }
    let (lot, second) = take(&lot, bid(B, yuan(1_010_000), 2));
    assert_eq!((first.seq, second.seq, second.after), (1, 2, 1));
    let (_, third) = take(&lot, bid(A, yuan(1_500_000), 3));
    assert_eq!((third.seq, third.after, third.amount), (3, 2, yuan(1_500_000)), "any amount above the least");
}

#[test]
fn a_leader_cannot_outbid_himself() {
    let (lot, _) = take(&Lot::new(auction()), bid(A, yuan(1_000_000), 1));
    let (code, text) = refused(&lot, bid(A, yuan(2_000_000), 2));
    assert_eq!(code, "already_leading");
    assert!(text.zh.contains("领先"));
    let (lot, _) = take(&lot, bid(B, yuan(1_010_000), 2));
    take(&lot, bid(A, yuan(1_020_000), 3));
}

#[test]
fn an_ineligible_bidder_is_refused_and_screening_is_told_only_to_staff() {
    let lot = Lot::new(auction());
    let b = bid(A, yuan(1_000_000), 1);
    let no_deposit = Eligibility { deposit_confirmed: false, ..Eligibility::clear() };
    assert_eq!(lot.accept(b, &no_deposit).unwrap_err().told(Audience::Investor).0, "no_deposit");
    let unqualified = Eligibility { qualified: false, ..Eligibility::clear() };
    assert_eq!(lot.accept(b, &unqualified).unwrap_err().told(Audience::Investor).0, "not_qualified");
    let why = Text::fixed("竞买人为债务人控制的企业（TX2）", "A company the debtor controls (TX2)");
    let screened = Eligibility { screening: Screening::Refused(why.clone()), ..Eligibility::clear() };
    let r = lot.accept(b, &screened).unwrap_err();
    assert_eq!(
        r.told(Audience::Investor),
        ("not_accepted", Text::fixed("该出价无法受理。", "The bid cannot be accepted."))
    );
    assert_eq!(r.told(Audience::Staff), ("screened", why));
    // Screening is asked last, of a bid that would otherwise take its place: a screened
    // bidder's bid too low is told what any bidder is (the least acceptable amount, which the
    // public page shows anyway), nothing of the screening.
    let low = lot.accept(bid(A, yuan(1), 1), &screened).unwrap_err();
    assert_eq!(low.told(Audience::Investor).0, "below_start");
    assert_eq!(low.told(Audience::Staff).0, "below_start");
    let (lot, _) = take(&lot, bid(B, yuan(1_000_000), 1));
    assert_eq!(lot.accept(bid(A, yuan(1_000_001), 2), &screened).unwrap_err().told(Audience::Investor).0, "too_low");
    assert_eq!(
        lot.accept(bid(A, yuan(1_010_000), 2), &screened).unwrap_err().told(Audience::Investor).0,
        "not_accepted"
    );
}

#[test]
fn a_bid_in_the_last_minutes_moves_the_end_to_n_minutes_after_it() {
    let lot = Lot::new(auction());
    // One minute before the 12:00 end: the end becomes 12:04 (the bid + 5 minutes).
    let (late, a) = take(&lot, bid(A, yuan(1_000_000), 119));
    assert!(a.extended);
    assert_eq!((a.ends_at, late.ends_at), (at(124), at(124)));
    // Exactly five minutes before the end: the bid + 5 is the end itself, which stays.
    let (same, a) = take(&lot, bid(A, yuan(1_000_000), 115));
    assert!(!a.extended);
    assert_eq!(same.ends_at, at(120));
    // One second inside the five minutes extends, by one second.
    let (inside, a) = take(&lot, Bid { at: at(115) + Duration::seconds(1), ..bid(A, yuan(1_000_000), 0) });
    assert!(a.extended);
    assert_eq!(inside.ends_at, at(120) + Duration::seconds(1));
    // Earlier bids leave the end alone.
    assert_eq!(take(&lot, bid(A, yuan(1_000_000), 60)).0.ends_at, at(120));
}

#[test]
fn extensions_chain_and_a_bid_after_the_extended_end_is_refused() {
    let (lot, _) = take(&Lot::new(auction()), bid(A, yuan(1_000_000), 119));
    assert_eq!(lot.ends_at, at(124));
    // 12:00 was the scheduled end; the extension keeps bidding open past it.
    let (lot, a) = take(&lot, bid(B, yuan(1_010_000), 120));
    assert_eq!((a.ends_at, a.extended), (at(125), true));
    let (lot, a) = take(&lot, bid(A, yuan(1_020_000), 124));
    assert_eq!(a.ends_at, at(129));
    assert_eq!(refused(&lot, bid(B, yuan(1_030_000), 129)).0, "ended");
    assert_eq!(lot.last_seq(), 3);
}

#[test]
fn time_never_runs_backwards_along_the_order() {
    // A second server whose clock is two seconds behind the first's.
    let (lot, first) = take(&Lot::new(auction()), bid(A, yuan(1_000_000), 30));
    let behind = Bid { at: at(30) - Duration::seconds(2), ..bid(B, yuan(1_010_000), 0) };
    let (_, second) = take(&lot, behind);
    assert_eq!((second.seq, second.at), (2, first.at));
}

#[test]
fn an_auction_closes_after_its_extended_end_only() {
    let (lot, _) = take(&Lot::new(auction()), bid(A, yuan(1_000_000), 119));
    let refusal = lot.close(at(120)).unwrap_err();
    assert!(refusal.zh.contains("12:04:00 北京时间"), "the extended end: {}", refusal.zh);
    assert!(lot.close(at(124) - Duration::seconds(1)).is_err());
    let under = Outcome::NoSale(NoSale::UnderReserve { best: yuan(1_000_000) });
    assert_eq!(lot.close(at(124)).unwrap(), under);
    let (lot, _) = take(&lot, bid(B, yuan(1_200_000), 121));
    assert_eq!(lot.close(at(126)).unwrap(), Outcome::Sold { seq: 2, winner: B, price: yuan(1_200_000) });
    assert_eq!(Lot::new(auction()).close(at(120)).unwrap(), Outcome::NoSale(NoSale::NoBids));
}

#[test]
fn an_equal_amount_never_beats_the_best_even_with_no_increment() {
    // Terms with a zero increment fail validation; should such terms reach a lot all the same,
    // a bid must still beat the best by a fen, so that two bids never tie.
    let lot = Lot::new(Terms { increment: Money::ZERO, ..auction() });
    let (lot, _) = take(&lot, bid(A, yuan(1_000_000), 1));
    assert_eq!(refused(&lot, bid(B, yuan(1_000_000), 2)).0, "too_low");
    take(&lot, Bid { amount: Money::from_fen(100_000_001), ..bid(B, yuan(0), 2) });
}
