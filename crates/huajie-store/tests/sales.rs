//! Issue 14: a lot closed sold records its sale in the package's records (and takes the claim
//! sold out of the compliance book's exposures); a lot closed unsold records none. On SQLite
//! and again on PostgreSQL when `HUAJIE_TEST_PG` names a server, each store on a clock the test
//! moves.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use huajie_auction::{AuctionMode, InvestorId, Outcome, Terms};
use huajie_core::Money;
use huajie_core::clock::{FixedClock, beijing_date};
use huajie_rules::indicators::ExposureKind;
use huajie_store::testing::TestStore;
use huajie_store::{LotInput, LotRecord, PlanSubject, Store};

huajie_store::clocked_suite!(
    a_lot_sold_records_its_sale_and_the_book_reads_as_before,
    a_lot_under_its_reserve_records_no_sale
);

/// 10:00 Beijing time on Monday 7 December 2026, when the demo is loaded.
fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::at("2026-12-07T02:00:00Z".parse().unwrap()))
}

fn set(clock: &FixedClock, t: DateTime<Utc>) {
    *clock.0.lock().unwrap() = t;
}

/// The demo loaded, and a lot on its approved auction plan: from 80% of the approved reserve,
/// 1 万 increments, a 2 万 deposit, bidding from 10:00 to 16:00 Beijing time on the first day
/// allowed.
async fn demo_lot(t: &TestStore) -> (huajie_store::Plan, LotRecord) {
    let demo = huajie_demo::generate();
    huajie_demo::load(&t.store, &demo, |_| "not-a-real-hash".to_string()).await.unwrap();
    let s = &t.store;
    let (plan, opens) = huajie_store::testing::unlotted_auction_plan(s).await;
    let reserve = plan.reserve.expect("the plan has a reserve");
    let terms = Terms {
        mode: AuctionMode::Ascending,
        start_price: Money::from_fen(reserve.fen() * 8 / 10 / 100 * 100),
        increment: Money::from_yuan(10_000).unwrap(),
        reserve: Some(reserve),
        deposit: Money::from_yuan(20_000).unwrap(),
        starts_at: opens + Duration::hours(10),
        ends_at: opens + Duration::hours(16),
        extension_minutes: 0,
    };
    let input = LotInput { plan_id: plan.id, title: String::new(), terms };
    let lot = s.create_lot("asset_manager", &input).await.unwrap();
    (plan, lot)
}

/// The investor's user, its deposit recorded and confirmed.
async fn admitted(s: &Store, lot: &LotRecord, name: &str) -> InvestorId {
    let who = InvestorId(s.user_by_username(name).await.unwrap().unwrap().id);
    let d = s.record_deposit(name, who, lot.id, &format!("网银 {name}")).await.unwrap();
    s.confirm_deposit("finance", d.id, lot.terms.deposit).await.unwrap();
    who
}

/// The held-claim exposures to a debtor in the compliance book.
async fn held_exposures(s: &Store, debtor: i64) -> usize {
    let ledger = s.compliance_ledger(s.clock().today()).await.unwrap();
    ledger.exposures.iter().filter(|e| e.party == debtor && e.kind == ExposureKind::AcquiredClaim).count()
}

/// Two bidders; the second outbids the first above the reserve; the close sells to it and
/// records the sale: the claim sold, the buyer, the price, the deposit applied and the balance,
/// the reserve, the latest valuation and the claim's cost beside it, the recovery, the day.
async fn a_lot_sold_records_its_sale_and_the_book_reads_as_before(t: TestStore, clock: Arc<FixedClock>) {
    let (plan, lot) = demo_lot(&t).await;
    let s = &t.store;
    let PlanSubject::Claim(claim) = plan.subject else { panic!("the demo plan sells a claim") };
    let debtor = s.claim(claim).await.unwrap().unwrap().debtor.id;
    let held_before = held_exposures(s, debtor).await;
    assert!(held_before >= 1, "the claim is in the book while held");
    let appraisal = s.plan_appraisal(plan.subject).await.unwrap();
    let cost = appraisal.cost.expect("the demo claim's cost share is known");

    let first = admitted(s, &lot, "investor").await;
    let second = admitted(s, &lot, "zhao_mingyuan").await;
    set(&clock, lot.terms.starts_at);
    let reserve = lot.terms.reserve.unwrap();
    s.place_bid("investor", first, lot.id, reserve).await.unwrap().unwrap();
    let price = reserve.checked_add(lot.terms.increment).unwrap();
    s.place_bid("zhao_mingyuan", second, lot.id, price).await.unwrap().unwrap();
    set(&clock, lot.terms.ends_at);
    assert_eq!(s.sale_of_lot(lot.id).await.unwrap(), None, "nothing sold before the close");
    let before = s.sales(Some(plan.package_id)).await.unwrap().len();
    let outcome = s.close_lot("asset_manager", lot.id).await.unwrap();
    assert!(matches!(outcome, Outcome::Sold { winner, .. } if winner == second));

    let sales = s.sales(Some(plan.package_id)).await.unwrap();
    assert_eq!(sales.len(), before + 1, "{sales:?}");
    let sale = sales.iter().find(|x| x.lot_id == lot.id).expect("this lot's sale among the package's");
    assert_eq!((sale.lot_id, sale.plan_id, sale.package_id), (lot.id, plan.id, plan.package_id));
    assert_eq!((sale.subject, sale.buyer_id), (PlanSubject::Claim(claim), second.0));
    assert_eq!((sale.price, sale.deposit_applied), (price, lot.terms.deposit));
    assert_eq!(sale.balance_due, Money::from_fen(price.fen() - lot.terms.deposit.fen()));
    assert_eq!((sale.reserve, sale.valuation, sale.cost), (Some(reserve), appraisal.valuation, Some(cost)));
    assert_eq!(sale.recovery, Some(Money::from_fen(price.fen() - cost.fen())));
    assert_eq!(sale.sold_on, beijing_date(lot.terms.ends_at));
    assert_eq!(sale.recorded_by, "asset_manager");
    assert_eq!(s.sale_of_lot(lot.id).await.unwrap().as_ref(), Some(sale));
    assert!(s.sales(Some(plan.package_id + 1_000)).await.unwrap().is_empty(), "another package's: none");

    // The compliance book is read without dates: a sale moves no exposure until the recovery
    // ledger posts it on its day (a quarter-end's figures recomputed later must not change).
    assert_eq!(held_exposures(s, debtor).await, held_before, "the book reads as before the sale");
    let audit = s.audit_log(10_000, 0).await.unwrap();
    let recorded = audit.iter().find(|r| r.entity == "sale").expect("the sale is audited");
    assert_eq!((recorded.action.as_str(), recorded.entity_id.as_str()), ("create", sale.id.to_string().as_str()));
    let report = s.verify_audit().await.unwrap();
    assert!(report.findings.is_empty(), "{:?}", report.findings);
}

/// The only bid is under the reserve: the lot closes unsold (流拍) and no sale is recorded; the
/// claim stays in the book.
async fn a_lot_under_its_reserve_records_no_sale(t: TestStore, clock: Arc<FixedClock>) {
    let (plan, lot) = demo_lot(&t).await;
    let s = &t.store;
    let PlanSubject::Claim(claim) = plan.subject else { panic!("the demo plan sells a claim") };
    let debtor = s.claim(claim).await.unwrap().unwrap().debtor.id;
    let held_before = held_exposures(s, debtor).await;
    let bidder = admitted(s, &lot, "investor").await;
    set(&clock, lot.terms.starts_at);
    s.place_bid("investor", bidder, lot.id, lot.terms.start_price).await.unwrap().unwrap();
    set(&clock, lot.terms.ends_at);
    let outcome = s.close_lot("asset_manager", lot.id).await.unwrap();
    assert!(matches!(outcome, Outcome::NoSale(_)), "{outcome:?}");
    assert_eq!(s.sale_of_lot(lot.id).await.unwrap(), None);
    assert_eq!(held_exposures(s, debtor).await, held_before, "the claim is still held");
    let report = s.verify_audit().await.unwrap();
    assert!(report.findings.is_empty(), "{:?}", report.findings);
}
