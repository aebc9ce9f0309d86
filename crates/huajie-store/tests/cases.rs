//! Issue 15: case management in the store — a case opened on a claim, its stages in the order
//! the rules allow and never backwards, the interruptions of its limitation period, its tasks,
//! the firms engaged on their fee terms, and the company's deadline alerts as the clock moves; a
//! stage recorded by mistake withdrawn (the latest standing only, never deleted), a task done by
//! its assignee or an asset manager;
//! every write in the audit chain; on SQLite and again on PostgreSQL when `HUAJIE_TEST_PG`
//! names a server.

use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use huajie_cases::{
    AgencyKind, AlertLevel, CaseNumber, DeadlineKind, FeeModel, FeeTerms, InterruptionKind, Stage, Task, TaskStatus,
};
use huajie_core::clock::{FixedClock, beijing_midnight};
use huajie_core::{Claim, Money, Package, PackageStatus, Role};
use huajie_store::testing::{TestStore, corporate};
use huajie_store::{AgencyInput, CaseInput, InterruptionInput, NewUser, StageInput, Store, StoreError};

huajie_store::clocked_suite!(
    a_case_runs_from_the_suit_to_enforcement_and_its_deadlines_follow_the_stages,
    the_companys_alerts_rise_at_90_30_and_7_days_as_the_clock_moves,
    tasks_go_to_staff_who_may_see_cases_and_are_done_once,
    firms_are_engaged_on_terms_that_fit_their_fee_model,
    the_demo_shows_cases_in_every_procedure_and_their_alerts,
    a_stage_recorded_by_mistake_is_withdrawn_latest_first_and_the_case_reads_without_it,
    a_task_is_done_by_its_assignee_or_an_asset_manager_and_no_one_else,
);

/// 10:00 Beijing time on Monday 7 December 2026.
fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::at("2026-12-07T02:00:00Z".parse().unwrap()))
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn set(clock: &FixedClock, t: DateTime<Utc>) {
    *clock.0.lock().unwrap() = t;
}

/// A claim of 300 万 principal that defaulted on `default`.
async fn claim(s: &Store, default: &str) -> i64 {
    let mut tx = s.write("acquisition").await.unwrap();
    let bank = tx.insert_party(&corporate("江苏某银行", "91320100MB0BK001")).await.unwrap();
    let debtor = tx.insert_party(&corporate("南京某实业", "91320100MB0DB001")).await.unwrap();
    let package = tx
        .insert_package(&Package {
            code: "JS-C1".into(),
            name: "案件测试包".into(),
            transferor_id: bank,
            cutoff_date: d("2026-06-30"),
            status: PackageStatus::Acquired,
            acquired_on: Some(d("2026-07-15")),
            price: Some(Money::from_yuan(1_000_000).unwrap()),
            valuation_basis: huajie_core::ValuationBasis::ClaimByClaim,
        })
        .await
        .unwrap();
    let id = tx
        .insert_claim(&Claim {
            package_id: package,
            contract_no: "JS-C1-1".into(),
            debtor_id: debtor,
            principal: Money::from_yuan(3_000_000).unwrap(),
            interest: Money::from_yuan(300_000).unwrap(),
            penalty: Money::ZERO,
            advanced_costs: Money::ZERO,
            five_class: None,
            litigation_stage: None,
            default_date: Some(d(default)),
            limitation_date: None,
            province: None,
            product: None,
            days_past_due: None,
            written_off: None,
        })
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

fn stage(stage: Stage, on: &str, case_no: Option<&str>) -> StageInput {
    StageInput { stage, on: d(on), case_no: case_no.map(|n| CaseNumber::parse(n).unwrap()), note: String::new() }
}

fn refusal(e: StoreError) -> String {
    e.refusal().unwrap_or_else(|| panic!("a refusal, not {e}")).zh.to_string()
}

async fn a_case_runs_from_the_suit_to_enforcement_and_its_deadlines_follow_the_stages(
    t: TestStore,
    clock: Arc<FixedClock>,
) {
    let s = &t.store;
    let claim_id = claim(s, "2024-02-20").await;
    let input = CaseInput {
        claim_id, court: "南京市玄武区人民法院".into(), agency_id: None, note: "诉讼清收".into()
    };
    let file = s.open_case("asset_manager", &input).await.unwrap();
    let case_id = file.case.id;
    assert_eq!(file.case.opened_on, d("2026-12-07"));
    assert_eq!((file.claim.contract_no.as_str(), file.claim.total), ("JS-C1-1", Money::from_yuan(3_300_000).unwrap()));
    let cal = s.work_calendar().await.unwrap().calendar;
    let now = clock.0.lock().unwrap().to_owned();
    // Three years from the default: 2027-02-20 is a Saturday, moved to Monday the 22nd.
    let deadlines = file.deadlines(&cal, now);
    assert_eq!((deadlines[0].kind, deadlines[0].last_day), (DeadlineKind::Limitation, d("2027-02-22")));
    assert_eq!((deadlines[0].days_left, deadlines[0].level), (77, AlertLevel::Within90));

    // A public notice of demand interrupts it: three years run afresh.
    let notice = InterruptionInput {
        kind: InterruptionKind::PublicNotice,
        on: d("2026-11-30"),
        note: "《江苏经济报》催收公告".into(),
    };
    s.record_interruption("asset_manager", case_id, &notice).await.unwrap();
    let file = s.case_file(case_id).await.unwrap().unwrap();
    assert_eq!(file.deadlines(&cal, now)[0].from, d("2026-11-30"));
    assert_eq!(file.deadlines(&cal, now)[0].level, AlertLevel::Later);
    let ahead = InterruptionInput { on: d("2026-12-08"), ..notice };
    assert!(refusal(s.record_interruption("asset_manager", case_id, &ahead).await.unwrap_err()).contains("晚于今天"));

    // The suit, in order; out of order and backwards refused, with the database unchanged.
    s.record_stage("asset_manager", case_id, &stage(Stage::Filed, "2026-12-01", Some("（2026）苏0102民初4321号")))
        .await
        .unwrap();
    let wrong =
        s.record_stage("asset_manager", case_id, &stage(Stage::FirstAuction, "2026-12-02", None)).await.unwrap_err();
    assert!(refusal(wrong).starts_with("案件当前阶段为“立案”"));
    let back = s.record_stage("asset_manager", case_id, &stage(Stage::Hearing, "2026-11-30", None)).await.unwrap_err();
    assert!(refusal(back).contains("阶段日期不能倒退"));
    let civil_no = stage(Stage::EnforcementFiled, "2026-12-02", Some("（2026）苏0102民初4321号"));
    let civil_no = s.record_stage("asset_manager", case_id, &civil_no).await.unwrap_err();
    assert!(refusal(civil_no).contains("须填执行案号"));
    for (st, on) in [(Stage::Hearing, "2026-12-02"), (Stage::Judgment, "2026-12-03"), (Stage::Effective, "2026-12-04")]
    {
        s.record_stage("asset_manager", case_id, &stage(st, on, None)).await.unwrap();
    }
    let file = s.case_file(case_id).await.unwrap().unwrap();
    assert_eq!(file.stages.iter().map(|s| s.seq).collect::<Vec<_>>(), [1, 2, 3, 4]);
    assert_eq!(file.current(), Some(Stage::Effective));
    assert_eq!(file.case_numbers(), ["（2026）苏0102民初4321号"]);
    let deadlines = file.deadlines(&cal, now);
    assert_eq!(deadlines.len(), 1, "the suit ended the limitation count: {deadlines:?}");
    assert_eq!((deadlines[0].kind, deadlines[0].last_day), (DeadlineKind::EnforcementApplication, d("2028-12-04")));

    // Enforcement filed: no deadline runs; an auction announced ahead counts down to its day.
    s.record_stage(
        "asset_manager",
        case_id,
        &stage(Stage::EnforcementFiled, "2026-12-07", Some("（2026）苏0102执999号")),
    )
    .await
    .unwrap();
    s.record_stage("asset_manager", case_id, &stage(Stage::Appraisal, "2026-12-07", None)).await.unwrap();
    s.record_stage("asset_manager", case_id, &stage(Stage::FirstAuction, "2027-01-11", None)).await.unwrap();
    let file = s.case_file(case_id).await.unwrap().unwrap();
    let deadlines = file.deadlines(&cal, now);
    assert_eq!(
        (deadlines[0].kind, deadlines[0].days_left, deadlines[0].level),
        (DeadlineKind::Auction, 35, AlertLevel::Within90)
    );
    assert_eq!(file.case_numbers(), ["（2026）苏0102执999号", "（2026）苏0102民初4321号"]);
    assert_eq!(s.cases_of_claim(claim_id).await.unwrap().len(), 1);
    let audit = s.audit_of("case_stage", &file.stages[0].id.to_string()).await.unwrap();
    assert_eq!(audit.len(), 1);
    assert!(s.verify_audit().await.unwrap().is_intact());
    set(&clock, beijing_midnight(d("2027-01-12")));
    assert!(
        s.case_file(case_id).await.unwrap().unwrap().deadlines(&cal, s.clock().now()).is_empty(),
        "the auction day passed"
    );
}

async fn the_companys_alerts_rise_at_90_30_and_7_days_as_the_clock_moves(t: TestStore, clock: Arc<FixedClock>) {
    let s = &t.store;
    // Defaulted 2024-06-15: the limitation period ends Tuesday 2027-06-15.
    let claim_id = claim(s, "2024-06-15").await;
    let input =
        CaseInput { claim_id, court: "南京市中级人民法院".into(), agency_id: None, note: String::new() };
    let case_id = s.open_case("asset_manager", &input).await.unwrap().case.id;
    let at = async |day: &str| {
        set(&clock, beijing_midnight(d(day)) + Duration::hours(9));
        s.case_alerts()
            .await
            .unwrap()
            .iter()
            .map(|a| (a.case_id, a.deadline.days_left, a.deadline.level))
            .collect::<Vec<_>>()
    };
    assert_eq!(at("2027-03-16").await, [], "91 days before: no alert");
    assert_eq!(at("2027-03-17").await, [(case_id, 90, AlertLevel::Within90)]);
    assert_eq!(at("2027-05-16").await, [(case_id, 30, AlertLevel::Within30)]);
    assert_eq!(at("2027-06-08").await, [(case_id, 7, AlertLevel::Within7)]);
    assert_eq!(at("2027-06-16").await, [(case_id, -1, AlertLevel::Overdue)]);
    // A demand the debtor signed for restarts the period: the alert goes.
    let signed = InterruptionInput {
        kind: InterruptionKind::Acknowledged,
        on: d("2027-06-16"),
        note: "债务人签收催收通知".into(),
    };
    s.record_interruption("asset_manager", case_id, &signed).await.unwrap();
    assert_eq!(at("2027-06-16").await, []);
}

async fn tasks_go_to_staff_who_may_see_cases_and_are_done_once(t: TestStore, _clock: Arc<FixedClock>) {
    let s = &t.store;
    for (name, role) in [("am_li", Role::AssetManager), ("inv_wang", Role::Investor)] {
        let user = NewUser { username: name.into(), display_name: name.into(), role, password_hash: "x".into() };
        s.create_user("admin", &user).await.unwrap();
    }
    let claim_id = claim(s, "2025-01-10").await;
    let input =
        CaseInput { claim_id, court: "南京市玄武区人民法院".into(), agency_id: None, note: String::new() };
    let case_id = s.open_case("asset_manager", &input).await.unwrap().case.id;
    let task = Task::new("提交财产保全申请", d("2026-12-10"), "am_li").unwrap();
    let added = s.add_task("asset_manager", case_id, &task).await.unwrap();
    assert_eq!((added.status, added.assignee.as_str()), (TaskStatus::Open, "am_li"));
    for who in ["inv_wang", "nobody"] {
        let other = Task::new("x", d("2026-12-10"), who).unwrap();
        assert!(
            refusal(s.add_task("asset_manager", case_id, &other).await.unwrap_err())
                .contains("不是可处理案件的在职员工用户")
        );
    }
    let done = s.complete_task("am_li", added.id).await.unwrap();
    assert_eq!((done.status, done.done_by.as_deref()), (TaskStatus::Done, Some("am_li")));
    assert!(refusal(s.complete_task("am_li", added.id).await.unwrap_err()).contains("已完成"));
    assert_eq!(s.audit_of("case_task", &added.id.to_string()).await.unwrap().len(), 2, "created, then done");
    assert!(matches!(s.add_task("asset_manager", 999_999, &task).await, Err(StoreError::NotFound(_))));
}

async fn firms_are_engaged_on_terms_that_fit_their_fee_model(t: TestStore, _clock: Arc<FixedClock>) {
    let s = &t.store;
    let terms = FeeTerms::new(FeeModel::HalfRisk, Money::from_yuan(30_000).unwrap(), 800).unwrap();
    let firm = AgencyInput { name: "江苏某某律师事务所".into(), kind: AgencyKind::LawFirm, terms };
    let agency = s.add_agency("asset_manager", &firm).await.unwrap();
    assert_eq!(agency.terms.fee(Money::from_yuan(1_000_000).unwrap()), Money::from_yuan(110_000).unwrap());
    assert!(matches!(s.add_agency("asset_manager", &firm).await, Err(StoreError::Duplicate(_))));
    let claim_id = claim(s, "2025-01-10").await;
    let input =
        CaseInput {
            claim_id, court: "南京市玄武区人民法院".into(), agency_id: Some(agency.id), note: String::new()
        };
    let file = s.open_case("asset_manager", &input).await.unwrap();
    assert_eq!(file.agency.as_ref().map(|a| a.name.as_str()), Some("江苏某某律师事务所"));
    let none = CaseInput { agency_id: Some(agency.id + 100), ..input.clone() };
    assert!(refusal(s.open_case("asset_manager", &none).await.unwrap_err()).contains("不存在"));
    let blank = CaseInput { court: "  ".into(), ..input };
    assert!(refusal(s.open_case("asset_manager", &blank).await.unwrap_err()).contains("受理法院"));
    assert_eq!(s.agencies().await.unwrap(), [agency]);
    assert!(s.verify_audit().await.unwrap().is_intact());
}

async fn the_demo_shows_cases_in_every_procedure_and_their_alerts(t: TestStore, _clock: Arc<FixedClock>) {
    let s = &t.store;
    huajie_demo::load(s, &huajie_demo::generate(), |_| "x".to_string()).await.unwrap();
    let cases = s.cases().await.unwrap();
    let current: Vec<Option<Stage>> = cases.iter().map(|c| c.current()).collect();
    assert_eq!(
        current,
        [
            Some(Stage::Judgment),
            Some(Stage::FirstAuction),
            Some(Stage::Seizure),
            None,
            Some(Stage::BankruptcyDistribution),
            Some(Stage::Effective)
        ]
    );
    assert!(
        cases[2].stages.iter().any(|s| s.stage == Stage::Terminated)
            && cases[2].stages.iter().any(|s| s.stage == Stage::Resumed)
    );
    let alerts: Vec<(i64, DeadlineKind, AlertLevel)> =
        s.case_alerts().await.unwrap().iter().map(|a| (a.case_id, a.deadline.kind, a.deadline.level)).collect();
    let id = |i: usize| cases[i].case.id;
    assert_eq!(
        alerts,
        [
            (id(1), DeadlineKind::Auction, AlertLevel::Within30),
            (id(3), DeadlineKind::Limitation, AlertLevel::Within30),
            (id(5), DeadlineKind::EnforcementApplication, AlertLevel::Within90),
        ],
        "the auction in 12 days, the limitation in about 18, the enforcement application in about 50"
    );
    assert_eq!(s.agencies().await.unwrap().len(), 3);
    assert!(s.verify_audit().await.unwrap().is_intact());
}

async fn a_stage_recorded_by_mistake_is_withdrawn_latest_first_and_the_case_reads_without_it(
    t: TestStore,
    clock: Arc<FixedClock>,
) {
    let s = &t.store;
    let claim_id = claim(s, "2024-02-20").await;
    let input =
        CaseInput { claim_id, court: "南京市玄武区人民法院".into(), agency_id: None, note: String::new() };
    let case_id = s.open_case("asset_manager", &input).await.unwrap().case.id;
    let walk = [
        stage(Stage::Filed, "2026-12-01", Some("（2026）苏0102民初4321号")),
        stage(Stage::Hearing, "2026-12-02", None),
        stage(Stage::Judgment, "2026-12-03", None),
        stage(Stage::Effective, "2026-12-04", None),
        stage(Stage::EnforcementFiled, "2026-12-07", Some("（2026）苏0102执999号")),
        stage(Stage::Appraisal, "2026-12-07", None),
        stage(Stage::FirstAuction, "2027-01-11", None),
    ];
    for st in &walk {
        s.record_stage("asset_manager", case_id, st).await.unwrap();
    }
    let cal = s.work_calendar().await.unwrap().calendar;
    let now = clock.0.lock().unwrap().to_owned();
    let before = s.case_file(case_id).await.unwrap().unwrap();
    let (appraisal, auction) = (before.stages[5].id, before.stages[6].id);
    assert_eq!(before.deadlines(&cal, now)[0].kind, DeadlineKind::Auction);
    assert!(s.case_alerts().await.unwrap().iter().any(|a| a.deadline.kind == DeadlineKind::Auction));

    // Not the appraisal under the 一拍; not without a reason.
    let under = refusal(s.withdraw_stage("asset_manager", case_id, appraisal, "录错").await.unwrap_err());
    assert!(under.contains("只能撤回最近一个有效阶段（“拍卖（一拍）”）"), "{under}");
    assert!(
        refusal(s.withdraw_stage("asset_manager", case_id, auction, " ").await.unwrap_err()).contains("须说明理由")
    );
    assert!(matches!(s.withdraw_stage("asset_manager", case_id, 999_999, "x").await, Err(StoreError::NotFound(_))));
    assert!(matches!(s.withdraw_stage("asset_manager", 999_999, auction, "x").await, Err(StoreError::NotFound(_))));

    // The 一拍 entered on the wrong case withdrawn: the row stays as recorded, the case reads
    // without it — back at 评估, no auction day counted down, no alert.
    let w = s
        .withdraw_stage("asset_manager", case_id, auction, "  一拍录入错案件，应为（2026）苏0102执1000号  ")
        .await
        .unwrap();
    assert_eq!(
        (w.stage_id, w.reason.as_str(), w.withdrawn_by.as_str()),
        (auction, "一拍录入错案件，应为（2026）苏0102执1000号", "asset_manager")
    );
    assert_eq!(w.withdrawn_at, now);
    let file = s.case_file(case_id).await.unwrap().unwrap();
    assert_eq!(file.stages, before.stages, "no stage deleted or edited");
    assert_eq!(file.withdrawal_of(auction), Some(&w));
    assert_eq!(file.current(), Some(Stage::Appraisal));
    assert!(file.deadlines(&cal, now).is_empty(), "enforcement filed, the auction withdrawn");
    assert!(s.case_alerts().await.unwrap().iter().all(|a| a.case_id != case_id));
    assert!(refusal(s.withdraw_stage("asset_manager", case_id, auction, "再撤").await.unwrap_err()).contains("已撤回"));
    assert_eq!(s.audit_of("case_stage_withdrawal", &w.id.to_string()).await.unwrap().len(), 1);
    assert_eq!(s.audit_of("case_stage", &auction.to_string()).await.unwrap().len(), 1, "the stage's own record only");

    // The right round is recorded after 评估 again (its place the next), then everything back to
    // the judgment withdrawn, latest first: the enforcement application period runs again and the
    // enforcement case's number no longer matches a court's payment notice.
    let again =
        s.record_stage("asset_manager", case_id, &stage(Stage::FirstAuction, "2027-01-20", None)).await.unwrap();
    assert_eq!(again.seq, 8);
    for (id, why) in [(again.id, "拍卖已撤销"), (appraisal, "评估录错"), (before.stages[4].id, "执行案号录错")]
    {
        s.withdraw_stage("asset_manager", case_id, id, why).await.unwrap();
    }
    let file = s.case_file(case_id).await.unwrap().unwrap();
    assert_eq!(file.current(), Some(Stage::Effective));
    assert_eq!(file.case_numbers(), ["（2026）苏0102民初4321号"]);
    let deadlines = file.deadlines(&cal, now);
    assert_eq!((deadlines[0].kind, deadlines[0].last_day), (DeadlineKind::EnforcementApplication, d("2028-12-04")));
    let notice = |no: &str| huajie_ledger::reconcile::StatementLine {
        date: d("2026-12-07"),
        amount: 100_000,
        payer: "南京市玄武区人民法院".into(),
        reference: format!("执行款 {no}"),
    };
    let lines = [notice("（2026）苏0102执999号"), notice("（2026）苏0102民初4321号")];
    let imported = s.import_statement("finance", "法院通知.csv", &lines).await.unwrap();
    let candidates: Vec<Vec<i64>> = imported.lines.iter().map(|l| l.candidates.clone()).collect();
    assert_eq!(candidates, [vec![], vec![claim_id]], "a withdrawn stage's case number matches nothing");
    assert!(s.verify_audit().await.unwrap().is_intact());
}

async fn a_task_is_done_by_its_assignee_or_an_asset_manager_and_no_one_else(t: TestStore, _clock: Arc<FixedClock>) {
    let s = &t.store;
    for (name, role) in [("fin_zhao", Role::Finance), ("risk_qian", Role::Risk), ("am_li", Role::AssetManager)] {
        let user = NewUser { username: name.into(), display_name: name.into(), role, password_hash: "x".into() };
        s.create_user("admin", &user).await.unwrap();
    }
    let claim_id = claim(s, "2025-01-10").await;
    let input =
        CaseInput { claim_id, court: "南京市玄武区人民法院".into(), agency_id: None, note: String::new() };
    let case_id = s.open_case("am_li", &input).await.unwrap().case.id;
    let pay =
        s.add_task("am_li", case_id, &Task::new("支付律师费", d("2026-12-10"), "fin_zhao").unwrap()).await.unwrap();
    let other = refusal(s.complete_task("risk_qian", pay.id).await.unwrap_err());
    assert!(other.contains("指派给“fin_zhao”"), "{other}");
    assert_eq!(s.case_file(case_id).await.unwrap().unwrap().tasks[0].status, TaskStatus::Open, "nothing changed");
    let done = s.complete_task("fin_zhao", pay.id).await.unwrap();
    assert_eq!((done.status, done.done_by.as_deref()), (TaskStatus::Done, Some("fin_zhao")));
    // The asset manager, who set it, may close another's task.
    let check =
        s.add_task("am_li", case_id, &Task::new("核对保证人", d("2026-12-11"), "risk_qian").unwrap()).await.unwrap();
    let done = s.complete_task("am_li", check.id).await.unwrap();
    assert_eq!(done.done_by.as_deref(), Some("am_li"));
    assert!(matches!(s.complete_task("fin_zhao", 999_999).await, Err(StoreError::NotFound(_))));
    assert!(s.verify_audit().await.unwrap().is_intact());
}
