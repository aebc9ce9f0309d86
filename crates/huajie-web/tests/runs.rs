//! Background runs on the web (issue 17): a valuation or an import returns at once with its
//! progress page, which survives a reload, is seen by no other user, can be cancelled, and
//! leads to the same result the command line gets.

mod common;

use std::time::Duration;

use axum::http::StatusCode;
use chrono::NaiveDate;
use common::{Client, Reply, TestApp, sample_tape};
use huajie_store::testing::TestStore;

/// The demo served with no wait: every form that starts a run answers with its progress page.
async fn app_without_wait() -> TestApp {
    TestApp::on(TestStore::sqlite().await, huajie_web::WebConfig { run_wait: Duration::ZERO, ..common::config() }).await
}

/// The run's id from a form's answer, which must be its progress page.
fn run_of(reply: &Reply) -> i64 {
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    reply
        .location()
        .strip_prefix("/runs/")
        .unwrap_or_else(|| panic!("not a run: {}", reply.location()))
        .parse()
        .unwrap()
}

/// Reloads a run's page until it has ended (it no longer refreshes itself), as a browser
/// left on it would; the last answer.
async fn until_ended(app: &TestApp, client: &mut Client, run: i64) -> Reply {
    for _ in 0..2400 {
        let reply = app.get(client, &format!("/runs/{run}")).await;
        if reply.status != StatusCode::OK || !reply.body.contains("http-equiv=\"refresh\"") {
            return reply;
        }
        assert!(reply.body.contains("id=\"run-progress\""), "a running run shows its bar: {}", reply.body);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("run {run} did not end in two minutes")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_web_valuation_answers_at_once_and_its_result_is_the_command_lines() {
    let app = app_without_wait().await;
    let store = &app.store.store;
    let mut valuer = app.login("valuer").await;
    let csrf = valuer.csrf.clone();
    let fields = [("csrf", csrf.as_str()), ("set", "1"), ("irr", "12%"), ("scenarios", "500"), ("seed", "7")];
    let started = app.post_form(&mut valuer, "/packages/1/valuation", &fields).await;
    let run = run_of(&started);
    let watched = app.get(&mut valuer, &format!("/runs/{run}")).await;
    if watched.status == StatusCode::OK {
        let page = &watched.body;
        assert!(page.contains("<meta http-equiv=\"refresh\" content=\"1\">"), "{page}");
        assert!(page.contains("估值") && page.contains("北京时间") && page.contains("id=\"run-cancel\""), "{page}");
        assert!(!page.contains("<script"), "no script needed");
    }
    let done = until_ended(&app, &mut valuer, run).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let result = done.location().to_string();
    let run_id: i64 = result.strip_prefix("/valuations/").unwrap().parse().unwrap();
    // A reload leads to the same place; the result is there.
    assert_eq!(app.get(&mut valuer, &format!("/runs/{run}")).await.location(), result);
    assert!(app.get(&mut valuer, &result).await.body.contains(&format!("#{run_id}")));

    // What `huajie value` computes for the same request: the same figures, claim by claim.
    let recorded = store.valuation_run(run_id).await.unwrap().unwrap();
    let stored = recorded.appraisal().unwrap();
    let req = huajie_store::ValuationRequest {
        package_id: 1,
        assumption_set_id: Some(1),
        valuation_date: None,
        options: stored.options.clone(),
    };
    let (_, cli, _) = store.value_package("cli", &req, false).await.unwrap();
    assert_eq!((cli.options.scenarios, cli.options.seed, cli.options.target_irr), (500, 7, 0.12));
    assert_eq!(huajie_value::appraisal::Appraisal { claims: Vec::new(), ..cli.clone() }, stored);
    let mut claims = cli.claims.clone();
    claims.sort_by_key(|c| c.id);
    assert_eq!(claims, store.valuation_claims(run_id).await.unwrap());
    assert!(stored.monte_carlo.is_some());

    // The API says the same.
    let api = app.get(&mut valuer, &format!("/api/v1/runs/{run}")).await.json();
    assert_eq!(api["data"]["state"], "done");
    assert_eq!(api["data"]["percent"], 100);
    assert_eq!(api["data"]["result"], result.as_str());
    assert!(app.get(&mut valuer, "/runs").await.body.contains(&format!("href=\"/runs/{run}\"")));

    // Nobody else sees it: another who may value is told it does not exist, a role that may
    // not value is refused; an administrator may.
    let mut other = app.login("acquisition").await;
    assert_eq!(app.get(&mut other, &format!("/runs/{run}")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&mut other, &format!("/api/v1/runs/{run}")).await.status, StatusCode::NOT_FOUND);
    assert!(!app.get(&mut other, "/runs").await.body.contains(&format!("/runs/{run}\"")));
    let mut risk = app.login("risk").await;
    assert_eq!(app.get(&mut risk, &format!("/runs/{run}")).await.status, StatusCode::FORBIDDEN);
    let mut admin = app.login("admin").await;
    assert_eq!(app.get(&mut admin, &format!("/runs/{run}")).await.location(), result);
}

/// A personal tape of `rows` claims, each its own borrower.
fn big_tape(rows: usize) -> String {
    let mut csv = String::from("借款合同编号,借款人名称,证件号码,本金余额\n");
    for i in 0..rows {
        let born = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap() + chrono::Duration::days((i / 1000) as i64);
        let id = huajie_core::ResidentId::with_check_char(&format!("330106{}{:03}", born.format("%Y%m%d"), i % 1000))
            .unwrap();
        csv.push_str(&format!("HT{i:05},借款人{i},{},{}.00\n", id.as_str(), 10_000 + i));
    }
    csv
}

fn import_form<'a>(csrf: &'a str, package: &'a str, policy: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("package", package),
        ("package_name", "后台导入"),
        ("transferor_name", "钱江农商银行"),
        ("transferor_id", "91330100MA2AYA1GX3"),
        ("cutoff", "2026-06-30"),
        ("policy", policy),
        ("personal", "1"),
        ("action", "import"),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_web_import_loads_nothing() {
    let app = app_without_wait().await;
    let store = &app.store.store;
    let mut acq = app.login("acquisition").await;
    let csrf = acq.csrf.clone();
    let mut valuer = app.login("valuer").await;
    let tape = big_tape(20_000);
    let started = app
        .post_multipart(&mut acq, "/imports", &import_form(&csrf, "BG-1", "strict"), ("big.csv", tape.as_bytes()), None)
        .await;
    let run = run_of(&started);
    // Not someone else's to cancel: a valuer is told it does not exist.
    let csrf_v = valuer.csrf.clone();
    let refused = app.post_form(&mut valuer, &format!("/runs/{run}/cancel"), &[("csrf", &csrf_v)]).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    // Without the form's token, refused.
    assert_eq!(app.post_form(&mut acq, &format!("/runs/{run}/cancel"), &[]).await.status, StatusCode::FORBIDDEN);
    let cancel = app.post_form(&mut acq, &format!("/runs/{run}/cancel"), &[("csrf", &csrf)]).await;
    assert_eq!((cancel.status, cancel.location()), (StatusCode::SEE_OTHER, format!("/runs/{run}").as_str()));
    let ended = until_ended(&app, &mut acq, run).await;
    assert_eq!(ended.status, StatusCode::OK, "{}", ended.location());
    assert!(ended.body.contains("id=\"run-cancelled\"") && ended.body.contains("没有保存任何内容"), "{}", ended.body);
    assert!(store.package_id_by_code("BG-1").await.unwrap().is_none(), "no package, no claims");
    assert_eq!(store.run(run).await.unwrap().unwrap().state, huajie_store::RunState::Cancelled);
    assert!(store.verify_audit().await.unwrap().is_intact());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_background_import_ends_at_its_report_or_at_the_reason_it_was_refused() {
    let app = app_without_wait().await;
    let store = &app.store.store;
    let mut acq = app.login("acquisition").await;
    let csrf = acq.csrf.clone();
    let tape = sample_tape();
    // Strict with rejected rows: the run's page shows why and the problems.
    let refused = app
        .post_multipart(&mut acq, "/imports", &import_form(&csrf, "BG-2", "strict"), ("t.csv", tape.as_bytes()), None)
        .await;
    let run = run_of(&refused);
    let page = until_ended(&app, &mut acq, run).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("2 行被拒绝即不导入") && page.body.contains("E004"), "{}", page.body);
    let row = store.run(run).await.unwrap().unwrap();
    assert_eq!(row.state, huajie_store::RunState::Failed);
    assert!(row.error.unwrap().zh.contains("2 行被拒绝"));
    // Partial: it loads, and the run leads to the import's report, reload after reload.
    let loaded = app
        .post_multipart(&mut acq, "/imports", &import_form(&csrf, "BG-2", "partial"), ("t.csv", tape.as_bytes()), None)
        .await;
    let run = run_of(&loaded);
    let done = until_ended(&app, &mut acq, run).await;
    assert!(done.location().starts_with("/imports/"), "{} {}", done.status, done.body);
    assert_eq!(app.get(&mut acq, &format!("/runs/{run}")).await.location(), done.location());
    let package = store.package_id_by_code("BG-2").await.unwrap().unwrap();
    assert_eq!(store.claims_of_package(package).await.unwrap().len(), 2);
}
