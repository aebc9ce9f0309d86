//! The audit log's filters, search and paging in SQL agree with the same filter applied in
//! memory to every record (the oracle), on SQLite and on PostgreSQL.

use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use huajie_core::audit::AuditRecord;
use huajie_core::clock::FixedClock;
use huajie_store::audit_query::AuditFilter;
use huajie_store::testing::TestStore;

huajie_store::clocked_suite!(the_audit_filters_in_sql_keep_what_the_in_memory_filter_keeps);

fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::at("2026-12-01T00:00:00Z".parse().unwrap()))
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// Records by three actors on four entities at times around the 北京时间 midnight that
/// begins 2026-12-03 (2026-12-02T16:00:00Z), one with a LIKE metacharacter in its id.
async fn written(t: &TestStore, clock: &FixedClock) {
    let start: DateTime<Utc> = "2026-12-01T10:00:00Z".parse().unwrap();
    let times = [
        start,
        start + Duration::hours(20),
        "2026-12-02T15:59:59Z".parse().unwrap(),
        "2026-12-02T16:00:00Z".parse().unwrap(),
        "2026-12-03T15:59:59.999999Z".parse().unwrap(),
        "2026-12-03T16:00:00Z".parse().unwrap(),
    ];
    let actors = ["zhang", "li", "Wang"];
    let entities = ["journal_entry", "package", "party", "lot"];
    let mut n = 0;
    for (i, at) in times.iter().enumerate() {
        for j in 0..5 {
            *clock.0.lock().unwrap() = *at + Duration::milliseconds(j);
            let actor = actors[(i + j as usize) % 3];
            let mut tx = t.store.write(actor).await.unwrap();
            let entity = entities[(i * 5 + j as usize) % 4];
            let id = if n == 7 { "7_x%".to_string() } else { n.to_string() };
            let action = if j % 2 == 0 { "create" } else { "approve" };
            tx.audit_event(action, entity, &id, serde_json::json!({ "note": format!("Note-{n} 回收") })).await.unwrap();
            tx.commit().await.unwrap();
            n += 1;
        }
    }
}

fn filters() -> Vec<AuditFilter> {
    let f = AuditFilter::default;
    let s = |x: &str| Some(x.to_string());
    vec![
        f(),
        AuditFilter { actor: s("zhang"), ..f() },
        AuditFilter { actor: s("wang"), ..f() },
        AuditFilter { action: s("approve"), entity: s("package"), ..f() },
        AuditFilter { entity: s("lot"), entity_id: s("3"), ..f() },
        AuditFilter { from: Some(d("2026-12-03")), ..f() },
        AuditFilter { to: Some(d("2026-12-02")), ..f() },
        AuditFilter { from: Some(d("2026-12-03")), to: Some(d("2026-12-03")), ..f() },
        AuditFilter { search: s("WANG"), ..f() },
        AuditFilter { search: s("_x%"), ..f() },
        AuditFilter { search: s("%"), ..f() },
        AuditFilter { search: s("note-1"), ..f() },
        AuditFilter { search: s("note-1"), search_text: true, ..f() },
        AuditFilter { search: s("回收"), search_text: true, actor: s("li"), ..f() },
        AuditFilter { search: s("journal"), from: Some(d("2026-12-02")), to: Some(d("2026-12-03")), ..f() },
    ]
}

async fn the_audit_filters_in_sql_keep_what_the_in_memory_filter_keeps(t: TestStore, clock: Arc<FixedClock>) {
    written(&t, &clock).await;
    let all: Vec<AuditRecord> = t.store.audit_log(10_000, 0).await.unwrap();
    assert_eq!(all.len(), 30);
    for filter in filters() {
        let expected: Vec<i64> = all.iter().filter(|r| filter.keeps(r)).map(|r| r.seq).collect();
        let count = t.store.audit_filtered_count(&filter).await.unwrap();
        assert_eq!(count, expected.len() as i64, "{filter:?}");
        let mut paged = Vec::new();
        for page in 0..4 {
            let rows = t.store.audit_filtered(&filter, 4, page * 4).await.unwrap();
            assert!(rows.len() <= 4);
            paged.extend(rows.into_iter().map(|r| r.seq));
        }
        let shown: Vec<i64> = expected.iter().copied().take(16).collect();
        assert_eq!(paged, shown, "{filter:?}: newest first, paged");
    }
    // The oracle is not vacuous: the day bounds and the search cut where they should.
    let day3 = AuditFilter { from: Some(d("2026-12-03")), to: Some(d("2026-12-03")), ..AuditFilter::default() };
    // Five from 16:00:00Z, one at 15:59:59.999999Z the next day; its four later siblings
    // (a millisecond on) fall on 2026-12-04 Beijing time.
    assert_eq!(t.store.audit_filtered_count(&day3).await.unwrap(), 6, "16:00Z..16:00Z next day");
    let meta = AuditFilter { search: Some("_x%".into()), ..AuditFilter::default() };
    assert_eq!(t.store.audit_filtered_count(&meta).await.unwrap(), 1, "% and _ are literal");
    let text = AuditFilter { search: Some("note-1".into()), search_text: true, ..AuditFilter::default() };
    assert_eq!(t.store.audit_filtered_count(&text).await.unwrap(), 11, "Note-1 and Note-10…19");
    let (actions, entities) = t.store.audit_vocabulary().await.unwrap();
    assert_eq!(actions, ["approve", "create"]);
    assert_eq!(entities, ["journal_entry", "lot", "package", "party"]);
}
