//! Issue 14: the portal's and the public pages' reads of lots, each one query — the best bid of
//! every lot, one investor's bids and deposits — on SQLite and again on PostgreSQL when
//! `HUAJIE_TEST_PG` names a server.

use std::sync::Arc;

use chrono::Duration;
use huajie_auction::{AuctionMode, DepositStatus, InvestorId, Terms};
use huajie_core::Money;
use huajie_core::clock::FixedClock;
use huajie_store::testing::{TestStore, postgres_url};
use huajie_store::{LotInput, Store};

fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::at("2026-12-07T02:00:00Z".parse().unwrap()))
}

async fn user(s: &Store, name: &str) -> InvestorId {
    InvestorId(s.user_by_username(name).await.unwrap().unwrap().id)
}

async fn reads_of_lots(t: TestStore, clock: Arc<FixedClock>) {
    let s = &t.store;
    huajie_demo::load(s, &huajie_demo::generate(), |_| "x".to_string()).await.unwrap();
    let (plan, opens) = huajie_store::testing::unlotted_auction_plan(s).await;
    let reserve = plan.reserve.unwrap();
    let terms = Terms {
        mode: AuctionMode::Ascending,
        start_price: Money::from_fen(reserve.fen() * 8 / 10 / 100 * 100),
        increment: Money::from_fen(1_000_000),
        reserve: Some(reserve),
        deposit: Money::from_fen(20_000_000),
        starts_at: opens + Duration::hours(10),
        ends_at: opens + Duration::hours(16),
        extension_minutes: 0,
    };
    let lot = s.create_lot("asset_manager", &LotInput { plan_id: plan.id, title: String::new(), terms }).await.unwrap();
    let on_lot = |id: i64| id == lot.id;
    assert!(!s.best_bids().await.unwrap().iter().any(|b| on_lot(b.lot_id)), "no bid yet");
    let (qian, zhao) = (user(s, "investor").await, user(s, "zhao_mingyuan").await);
    for (who, name) in [(qian, "investor"), (zhao, "zhao_mingyuan")] {
        let d = s.record_deposit(name, who, lot.id, "网银").await.unwrap();
        s.confirm_deposit("finance", d.id, lot.terms.deposit).await.unwrap();
    }
    *clock.0.lock().unwrap() = lot.terms.starts_at;
    let step = lot.terms.increment;
    let mut amount = lot.terms.start_price;
    for (who, name) in [(qian, "investor"), (zhao, "zhao_mingyuan"), (qian, "investor")] {
        s.place_bid(name, who, lot.id, amount).await.unwrap().unwrap();
        amount = amount.checked_add(step).unwrap();
    }
    // The demo's own lots have bids and deposits too: each lot's best, and only this lot's here.
    let best = s.best_bids().await.unwrap();
    let lots: std::collections::BTreeSet<i64> = best.iter().map(|b| b.lot_id).collect();
    assert_eq!(lots.len(), best.len(), "one best bid per lot");
    let best: Vec<_> = best.iter().filter(|b| on_lot(b.lot_id)).map(|b| (b.lot_id, b.seq, b.investor_id)).collect();
    assert_eq!(best, [(lot.id, 3, qian.0)]);
    let mine = s.investor_bids(qian.0).await.unwrap();
    assert!(mine.iter().all(|b| b.investor_id == qian.0), "only the investor's");
    let mine: Vec<i64> = mine.iter().filter(|b| on_lot(b.lot_id)).map(|b| b.seq).collect();
    assert_eq!(mine, [1, 3], "in order");
    assert_eq!(s.investor_bids(zhao.0).await.unwrap().iter().filter(|b| on_lot(b.lot_id)).count(), 1);
    let deposits = s.investor_deposits(zhao.0).await.unwrap();
    assert!(deposits.iter().all(|d| d.investor_id == zhao.0));
    assert_eq!(
        deposits.iter().filter(|d| on_lot(d.lot_id)).map(|d| (d.lot_id, d.investor_id, d.status)).collect::<Vec<_>>(),
        [(lot.id, zhao.0, DepositStatus::Confirmed)]
    );
    assert!(s.investor_deposits(user(s, "admin").await.0).await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_reads_give_each_lots_best_bid_and_only_the_investors_own_bids_and_deposits() {
    let clock = clock();
    reads_of_lots(TestStore::sqlite_with_clock(clock.clone()).await, clock).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_reads_give_each_lots_best_bid_and_only_the_investors_own_bids_and_deposits() {
    let Some(url) = postgres_url() else {
        eprintln!("HUAJIE_TEST_PG is not set: the PostgreSQL run of this test is skipped");
        return;
    };
    let clock = clock();
    reads_of_lots(TestStore::postgres_with_clock(&url, clock.clone()).await, clock).await;
}
