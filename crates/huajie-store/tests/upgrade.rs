//! Upgrades: a database written by an earlier release migrates to the current schema with
//! its data, and the audit chain still verifies (rows whose recorded form a migration
//! changed are restated in the chain, once).

use std::collections::BTreeMap;

use huajie_store::{DbTarget, Store};
use sqlx::{Connection, Row, SqliteConnection};

/// (claim, item) → lien rank, read straight from the file.
async fn ranks(path: &std::path::Path, sql: &str) -> BTreeMap<(i64, i64), i64> {
    let mut conn = SqliteConnection::connect(&format!("sqlite://{}", path.display())).await.unwrap();
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&mut conn).await.unwrap();
    conn.close().await.unwrap();
    rows.iter().map(|r| ((r.get::<i64, _>(0), r.get::<i64, _>(1)), r.get::<i64, _>(2))).collect()
}

#[tokio::test]
async fn the_schema_10_demo_migrates_with_its_lien_ranks_and_its_chain_intact() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huajie.sqlite");
    std::fs::copy(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/demo-schema-10.sqlite"), &path).unwrap();
    let before = ranks(
        &path,
        "SELECT cc.claim_id, cc.collateral_id, m.lien_rank FROM claim_collateral cc JOIN collateral m ON m.id = cc.collateral_id",
    )
    .await;
    assert!(before.values().any(|r| *r == 2), "the fixture has second liens");

    let store = Store::open(&DbTarget::Sqlite(path.clone())).await.unwrap();
    assert_eq!(store.schema_version().await.unwrap(), 10);
    let records_before = store.audit_count().await.unwrap();
    let applied = store.migrate().await.unwrap();
    assert!(applied.contains(&"0012_lien_ranks_and_valuation_basis".to_string()), "{applied:?}");
    store.require_current_schema().await.unwrap();

    // Each link carries the rank its item had.
    let after = ranks(&path, "SELECT claim_id, collateral_id, lien_rank FROM claim_collateral").await;
    assert_eq!(after, before);

    // The chain verifies: the links and items the migration changed were restated.
    let report = store.verify_audit().await.unwrap();
    assert!(report.is_intact(), "{:?}", report.findings.iter().take(3).collect::<Vec<_>>());
    assert_eq!(report.rows_checked, 1829);
    let restated = store.audit_log(5, 0).await.unwrap();
    assert!(restated.iter().any(|r| r.action == "migration_restated"), "the restatement is in the chain");
    let records = store.audit_count().await.unwrap();
    assert!(records > records_before);

    // The checks recorded before their terms were typed read into typed terms (migration 18):
    // the price or amount checked, the package, the transferee named.
    use huajie_rules::terms::{DealKind, DealTerms};
    let checks = store.deal_checks(None, 10).await.unwrap();
    assert_eq!(checks.len(), 3, "the demo's three checks");
    for c in &checks {
        assert_eq!(c.terms.kind(), c.kind);
        assert!(c.terms.amount().fen() > 0, "check {} keeps its amount: {:?}", c.id, c.terms);
    }
    let sale = checks.iter().find(|c| c.kind == DealKind::Disposal).unwrap();
    match &sale.terms {
        DealTerms::Disposal { package_id, transferee: Some(t), .. } => {
            assert_eq!(Some(*package_id), sale.package_id);
            assert!(!t.name.is_empty() && sale.label.ends_with(&t.name), "{t:?}");
        }
        other => panic!("{other:?}"),
    }

    // A second migrate changes nothing and restates nothing.
    assert!(store.migrate().await.unwrap().is_empty());
    assert_eq!(store.audit_count().await.unwrap(), records);
    assert!(store.verify_audit().await.unwrap().is_intact());
}
