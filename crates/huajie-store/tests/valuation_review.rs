//! Issue 16, point 4: a valuation run is reviewed by a second person — never by the one who made
//! it, and once — and the review is kept with who and when, audited. On SQLite and again on
//! PostgreSQL when `HUAJIE_TEST_PG` names a server, on a clock the test sets.

use std::sync::Arc;

use chrono::NaiveDate;
use huajie_core::clock::FixedClock;
use huajie_core::{Claim, Money, Package, PackageStatus};
use huajie_store::testing::{TestStore, corporate};
use huajie_store::{StoreError, ValuationRequest};

huajie_store::clocked_suite!(a_run_is_reviewed_by_another_person_once);

/// 10:30 Beijing time on Monday 7 December 2026.
fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::at("2026-12-07T02:30:00Z".parse().unwrap()))
}

/// A package of one claim, valued by `valuer`: the run's id.
async fn valued_run(t: &TestStore) -> i64 {
    let mut tx = t.store.write("acquisition").await.unwrap();
    let bank = tx.insert_party(&corporate("浙江某银行", "91330100MB0BK001")).await.unwrap();
    let debtor = tx.insert_party(&corporate("杭州某实业", "91330100MB0DB001")).await.unwrap();
    let package = tx
        .insert_package(&Package {
            code: "ZJ-R1".into(),
            name: "复核测试包".into(),
            transferor_id: bank,
            cutoff_date: NaiveDate::from_ymd_opt(2026, 6, 30).unwrap(),
            status: PackageStatus::Screening,
            acquired_on: None,
            price: None,
            valuation_basis: huajie_core::ValuationBasis::ClaimByClaim,
        })
        .await
        .unwrap();
    tx.insert_claim(&Claim {
        package_id: package,
        contract_no: "ZJ-R1-1".into(),
        debtor_id: debtor,
        principal: Money::from_yuan(3_000_000).unwrap(),
        interest: Money::from_yuan(300_000).unwrap(),
        penalty: Money::ZERO,
        advanced_costs: Money::ZERO,
        five_class: None,
        litigation_stage: None,
        default_date: None,
        limitation_date: None,
        province: None,
        product: None,
        days_past_due: None,
        written_off: None,
    })
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let options = huajie_value::Options { scenarios: 20, ..Default::default() };
    let req = ValuationRequest { package_id: package, assumption_set_id: None, valuation_date: None, options };
    let (_, _, run) = t.store.value_package("valuer", &req, true).await.unwrap();
    run.unwrap().id
}

async fn a_run_is_reviewed_by_another_person_once(t: TestStore, clock: Arc<FixedClock>) {
    let s = &t.store;
    let run = valued_run(&t).await;
    assert_eq!(s.valuation_signoff(run).await.unwrap(), Default::default(), "a draft: neither reviewed nor approved");
    let records = s.audit_count().await.unwrap();

    // The preparer cannot review their own run: refused, nothing written.
    match s.review_valuation_run("valuer", run).await {
        Err(StoreError::Refused(text)) => assert!(text.zh.contains("编制人不能复核"), "{text:?}"),
        other => panic!("the preparer's review: {other:?}"),
    }
    assert_eq!(s.valuation_signoff(run).await.unwrap().review, None);
    assert_eq!(s.audit_count().await.unwrap(), records, "a refusal leaves no record");

    // Another person reviews it, at the store's time; the review is audited.
    clock.advance(chrono::Duration::minutes(45));
    let review = s.review_valuation_run("risk", run).await.unwrap();
    assert_eq!((review.run_id, review.reviewed_by.as_str()), (run, "risk"));
    assert_eq!(review.reviewed_at, "2026-12-07T03:15:00Z".parse::<chrono::DateTime<chrono::Utc>>().unwrap());
    assert_eq!(s.valuation_signoff(run).await.unwrap().review, Some(review.clone()));
    assert_eq!(s.audit_count().await.unwrap(), records + 1);
    assert!(s.verify_audit().await.unwrap().findings.is_empty());

    // Once: a second review, by anyone, is refused and the first stands.
    match s.review_valuation_run("valuer2", run).await {
        Err(StoreError::Refused(text)) => assert!(text.en.contains("already been reviewed by risk"), "{text:?}"),
        other => panic!("a second review: {other:?}"),
    }
    assert_eq!(s.valuation_signoff(run).await.unwrap().review, Some(review));
    assert!(matches!(s.review_valuation_run("risk", run + 1000).await, Err(StoreError::NotFound(_))));
}
