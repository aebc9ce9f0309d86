//! The indicators and the dashboard's sums are kept at the book's version: a second answer with
//! the book unchanged is the kept one, and equal to what a fresh computation gives; a write by
//! another `Store` on the same database (a second server, the CLI) makes the next answer fresh.

use std::sync::Arc;

use huajie_store::Store;
use huajie_store::testing::TestStore;

huajie_store::both_databases!(
    the_kept_indicators_equal_a_fresh_computation_and_another_stores_write_refreshes_them,
    the_kept_dashboard_equals_a_fresh_sum_and_another_stores_write_refreshes_it,
);

async fn demo(t: &TestStore) -> Store {
    let demo = huajie_demo::generate();
    huajie_demo::load(&t.store, &demo, |_| "not-a-real-hash".to_string()).await.unwrap();
    // The other process: its own pool on the same database.
    Store::open(&t.target).await.unwrap()
}

async fn fresh(s: &Store, as_of: chrono::NaiveDate) -> Vec<huajie_rules::Indicator> {
    let params = s.rule_parameters().await.unwrap();
    huajie_rules::indicators(&s.compliance_ledger(as_of).await.unwrap(), &params.parameters, as_of).unwrap()
}

async fn the_kept_indicators_equal_a_fresh_computation_and_another_stores_write_refreshes_them(t: TestStore) {
    let other = demo(&t).await;
    let s = &t.store;
    let as_of = s.net_assets().await.unwrap().last().expect("the demo's net assets").quarter_end;
    let params = s.rule_parameters().await.unwrap();
    let first = s.indicators(as_of, &params).await.unwrap();
    let again = s.indicators(as_of, &params).await.unwrap();
    assert!(Arc::ptr_eq(&first, &again), "the book has not changed: the kept answer");
    let kept = first.indicators.as_ref().unwrap();
    assert_eq!(kept, &fresh(s, as_of).await, "the kept answer is the fresh one");
    // Several dates at once: each as alone.
    let before = huajie_rules::indicators::previous_quarter_end(as_of);
    let both = s.indicators_at(&[as_of, before, as_of], &params).await.unwrap();
    assert!(Arc::ptr_eq(&both[0], &first) && Arc::ptr_eq(&both[2], &first));
    assert_eq!(both[1].indicators, s.indicators(before, &params).await.unwrap().indicators);

    // Another store halves the net assets: every ratio over them moves.
    let net = s.net_assets().await.unwrap().last().unwrap().amount;
    let mut tx = other.write("other").await.unwrap();
    tx.set_net_assets(as_of, huajie_core::Money::from_fen(net.fen() / 2), "另一服务器 / another server").await.unwrap();
    tx.commit().await.unwrap();
    let after = s.indicators(as_of, &params).await.unwrap();
    let after = after.indicators.as_ref().unwrap();
    assert_ne!(after, kept, "the write is seen");
    assert_eq!(after, &fresh(s, as_of).await);
}

async fn the_kept_dashboard_equals_a_fresh_sum_and_another_stores_write_refreshes_it(t: TestStore) {
    let other = demo(&t).await;
    let s = &t.store;
    let first = s.dashboard().await.unwrap();
    assert_eq!(first, s.dashboard_figures().await.unwrap());
    assert_eq!(s.dashboard().await.unwrap(), first);

    // Another store books one more claim, a copy of the first with its own contract number.
    let mut claim = other.claim(1).await.unwrap().expect("the demo's first claim").claim.data;
    claim.contract_no = format!("{}-另", claim.contract_no);
    let mut tx = other.write("other").await.unwrap();
    tx.insert_claim(&claim).await.unwrap();
    tx.commit().await.unwrap();
    let after = s.dashboard().await.unwrap();
    assert_eq!(after.claims, first.claims + 1, "the write is seen");
    assert_eq!(after.total_claim.fen(), first.total_claim.fen() + claim.total().unwrap().fen());
    assert_eq!(after, s.dashboard_figures().await.unwrap());
}
