//! `verify_audit` walks the rows entity by entity (parties, claims, collateral and guarantees in
//! id order, page by page): its findings come in the order of a walk over every (entity, id) at
//! once — rows changed or unrecorded by entity and id (as text), then the rows gone.

use huajie_store::AuditFinding;
use huajie_store::testing::TestStore;

huajie_store::both_databases!(
    rows_changed_added_and_removed_behind_the_chain_are_each_found_in_order,
    many_verifications_at_once_all_finish
);

/// Sixteen verifications asked at once (the audit page under load) all finish, intact: a
/// verification holds a pooled connection for its walks while it reads the small tables
/// through the pool, so more of them at once than the pool has connections used to wait on
/// each other until the pool's timeout.
async fn many_verifications_at_once_all_finish(t: TestStore) {
    let verifications: Vec<_> = (0..16)
        .map(|_| {
            let store = t.store.clone();
            tokio::spawn(async move { store.verify_audit().await })
        })
        .collect();
    let all = async {
        let mut reports = Vec::new();
        for v in verifications {
            reports.push(v.await.unwrap().unwrap());
        }
        reports
    };
    let reports = tokio::time::timeout(std::time::Duration::from_secs(30), all)
        .await
        .expect("sixteen verifications finish within 30 s (the pool waits 60 s for a connection)");
    assert!(reports.iter().all(|r| r.is_intact()), "{reports:?}");
}

fn changed(entity: &str, id: &str) -> (String, String, &'static str) {
    (entity.to_string(), id.to_string(), "changed")
}

fn summary(findings: &[AuditFinding]) -> Vec<(String, String, &'static str)> {
    findings
        .iter()
        .map(|f| match f {
            AuditFinding::RowChanged { entity, entity_id, .. } => (entity.clone(), entity_id.clone(), "changed"),
            AuditFinding::RowUnrecorded { entity, entity_id } => (entity.clone(), entity_id.clone(), "unrecorded"),
            AuditFinding::RowMissing { entity, entity_id, .. } => (entity.clone(), entity_id.clone(), "missing"),
            other => panic!("a row finding, not {other:?}"),
        })
        .collect()
}

async fn rows_changed_added_and_removed_behind_the_chain_are_each_found_in_order(t: TestStore) {
    let demo = huajie_demo::generate();
    huajie_demo::load(&t.store, &demo, |_| "not-a-real-hash".to_string()).await.unwrap();
    let s = &t.store;
    let intact = s.verify_audit().await.unwrap();
    assert!(intact.is_intact(), "{:?}", intact.findings);

    // Claims the tapes created in bulk, a party, a package (read whole), a guarantee removed and
    // a collateral added by hand.
    for sql in [
        "UPDATE claims SET principal_fen = principal_fen + 1 WHERE id IN (5, 9, 10)",
        "UPDATE parties SET phone = '13900000000' WHERE id = 2",
        "UPDATE packages SET name = name || '改' WHERE id = 1",
        "DELETE FROM guarantees WHERE id = 1",
        "INSERT INTO collateral (collateral_type, description, address, province, appraised_value_fen, \
         appraisal_date, prior_claims_fen, owner_id) SELECT collateral_type, description, address, province, \
         appraised_value_fen, appraisal_date, prior_claims_fen, owner_id FROM collateral WHERE id = 1",
    ] {
        t.tamper(sql).await;
    }
    let report = s.verify_audit().await.unwrap();
    assert_eq!(report.records, intact.records);
    assert_eq!(report.rows_checked, intact.rows_checked, "one row gone, one added");
    let found = summary(&report.findings);
    let added = found.iter().find(|(e, _, what)| e == "collateral" && *what == "unrecorded").cloned();
    let Some(added) = added else { panic!("the added collateral: {found:?}") };
    let expected = vec![
        // Ids in the order of their text, as a walk over (entity, id) keys gives them.
        changed("claim", "10"),
        changed("claim", "5"),
        changed("claim", "9"),
        added,
        changed("package", "1"),
        changed("party", "2"),
        ("guarantee".to_string(), "1".to_string(), "missing"),
    ];
    assert_eq!(found, expected);
    let describe: Vec<String> = report.findings.iter().map(AuditFinding::describe).collect();
    assert!(describe[6].contains("guarantee 1"), "{describe:?}");
}
