//! Issue 15: cases on the staff's pages and in the API — the demo's alerts on the dashboard and
//! the case list (filtered by stage and by one's own tasks), a case opened from a claim's page and
//! walked through its forms (each refusal beside its field or at the top, with what was typed
//! kept), and the same through the API.

mod common;

use std::sync::Arc;

use axum::http::StatusCode;
use common::{Client, TestApp, decoded};
use huajie_core::clock::FixedClock;

/// 10:00 Beijing time on Monday 7 December 2026.
fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::at("2026-12-07T02:00:00Z".parse().unwrap()))
}

async fn post(app: &TestApp, client: &mut Client, path: &str, fields: &[(&str, &str)]) -> common::Reply {
    let csrf = client.csrf.clone();
    let mut all = vec![("csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    app.post_form(client, path, &all).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demos_alerts_show_on_the_dashboard_and_the_list_filters_by_stage_and_by_my_tasks() {
    let app = TestApp::with_clock(clock()).await;
    let cases = app.store.store.cases().await.unwrap();
    let mut manager = app.login("asset_manager").await;
    let dashboard = decoded(&app.get(&mut manager, "/dashboard").await.body);
    let alerts = dashboard.split("id=\"case-alerts\"").nth(1).expect("the dashboard shows case alerts");
    for (level, kind) in [("d30", "auction"), ("d30", "limitation"), ("d90", "enforcement_application")] {
        assert!(
            alerts.contains(&format!("data-level=\"{level}\" data-kind=\"{kind}\"")),
            "{kind} at {level}: {alerts}"
        );
    }
    assert!(alerts.contains("30天内") && alerts.contains("诉讼时效"), "in Chinese first");

    let list = decoded(&app.get(&mut manager, "/cases").await.body);
    assert_eq!(list.matches("<tr id=\"case-").count(), 6);
    assert!(list.contains("data-stage=\"auction_1\""), "{list}");
    let before_suit = app.get(&mut manager, "/cases?stage=none").await.body;
    assert_eq!(before_suit.matches("<tr id=\"case-").count(), 1);
    assert!(before_suit.contains(&format!("id=\"case-{}\"", cases[3].case.id)), "the case before suit");
    let mut finance = app.login("finance").await;
    let mine = app.get(&mut finance, "/cases?mine=1").await.body;
    assert_eq!(mine.matches("<tr id=\"case-").count(), 1, "finance's one task is on case 2");
    assert!(mine.contains(&format!("id=\"case-{}\"", cases[1].case.id)));
    assert!(!mine.contains("action=\"/case-agencies\""), "finance reads, the asset manager engages firms");
    let list = app.get(&mut finance, &format!("/cases/{}", cases[1].case.id)).await.body;
    assert!(list.contains("data-kind=\"auction\"") && !list.contains("id=\"case-stage\""), "finance records no stage");
    let managed = app.get(&mut manager, &format!("/cases/{}", cases[1].case.id)).await.body;
    assert!(managed.contains("id=\"case-stage\""), "the asset manager does");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_case_is_opened_from_a_claims_page_and_walked_through_its_forms() {
    let app = TestApp::with_clock(clock()).await;
    let s = &app.store.store;
    let taken: Vec<i64> = s.cases().await.unwrap().iter().map(|c| c.case.claim_id).collect();
    let package = s.packages().await.unwrap().into_iter().find(|p| p.package.data.is_held()).unwrap().package.id;
    let claim = s.claims_of_package(package).await.unwrap().into_iter().find(|c| !taken.contains(&c.claim.id)).unwrap();
    let mut m = app.login("asset_manager").await;
    let page = app.get(&mut m, &format!("/claims/{}", claim.claim.id)).await.body;
    assert!(page.contains("id=\"case-open\"") && page.contains("该债权尚无案件。"), "the claim's page opens a case");

    let refused = post(&app, &mut m, &format!("/claims/{}/cases", claim.claim.id), &[("note", "先催收")]).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(refused.body.contains("id=\"case-open-court-error\"") && refused.body.contains("先催收"), "kept as typed");
    let court = [("court", "杭州市西湖区人民法院")];
    let opened = post(&app, &mut m, &format!("/claims/{}/cases", claim.claim.id), &court).await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER);
    let case = opened.location().to_string();

    // A first stage out of order, then a case number of the wrong class: each refused where it belongs.
    let stages = format!("{case}/stages");
    let wrong = post(&app, &mut m, &stages, &[("stage", "hearing"), ("on", "2026-12-01")]).await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    assert!(
        decoded(&wrong.body).contains("案件尚无阶段记录，第一个阶段须为：立案、执行立案、破产申报"),
        "{}",
        wrong.body
    );
    let fields = [("stage", "filed"), ("on", "2026-12-01"), ("case_no", "（2026）浙0106执12号")];
    let wrong = post(&app, &mut m, &stages, &fields).await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    let body = decoded(&wrong.body);
    assert!(body.contains("id=\"case-stage-case_no-error\"") && body.contains("须填民事案号"), "{body}");
    let fields = [("stage", "filed"), ("on", "2026-12-01"), ("case_no", "(2026)浙0106民初12号")];
    assert_eq!(post(&app, &mut m, &stages, &fields).await.status, StatusCode::SEE_OTHER);
    let shown = decoded(&app.get(&mut m, &case).await.body);
    assert!(shown.contains("（2026）浙0106民初12号") && shown.contains("data-stage=\"filed\""), "{shown}");
    assert!(shown.contains("id=\"no-deadlines\""), "the suit ended the limitation count");

    // Tasks: a blank title refused beside it; one added, done once.
    let tasks = format!("{case}/tasks");
    let blank =
        post(&app, &mut m, &tasks, &[("title", " "), ("due_on", "2026-12-10"), ("assignee", "asset_manager")]).await;
    assert_eq!(blank.status, StatusCode::BAD_REQUEST);
    assert!(blank.body.contains("id=\"case-task-title-error\""), "{}", blank.body);
    let added = post(
        &app,
        &mut m,
        &tasks,
        &[("title", "申请财产保全"), ("due_on", "2026-12-10"), ("assignee", "asset_manager")],
    );
    assert_eq!(added.await.status, StatusCode::SEE_OTHER);
    let id: i64 = case.trim_start_matches("/cases/").parse().unwrap();
    let task = s.case_file(id).await.unwrap().unwrap().tasks[0].id;
    assert!(app.get(&mut m, "/cases?mine=1").await.body.contains(&format!("id=\"case-{id}\"")));
    assert_eq!(post(&app, &mut m, &format!("/tasks/{task}/done"), &[]).await.status, StatusCode::SEE_OTHER);
    let again = post(&app, &mut m, &format!("/tasks/{task}/done"), &[]).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert!(again.body.contains("该任务已完成"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_lists_cases_with_their_alerts_and_records_a_stage_and_a_task() {
    let app = TestApp::with_clock(clock()).await;
    let cases = app.store.store.cases().await.unwrap();
    let mut m = app.login("asset_manager").await;
    let list = app.get(&mut m, "/api/v1/cases").await.json();
    let levels: Vec<&str> = list["data"].as_array().unwrap().iter().map(|c| c["level"].as_str().unwrap()).collect();
    assert_eq!(
        levels,
        ["later", "d30", "later", "d30", "later", "d90"],
        "a case's level is its deadlines', not its tasks'"
    );
    let auction = app.get(&mut m, &format!("/api/v1/cases/{}", cases[1].case.id)).await.json();
    assert_eq!(auction["data"]["deadlines"][0]["kind"], "auction");
    assert_eq!(auction["data"]["deadlines"][0]["days_left"], 12);
    assert_eq!(app.get(&mut m, "/api/v1/cases?stage=nonsense").await.status, StatusCode::BAD_REQUEST);

    let effective = format!("/api/v1/cases/{}/stages", cases[0].case.id);
    let csrf = m.csrf.clone();
    let send = |path: String, body: serde_json::Value| {
        axum::http::Request::post(path)
            .header(axum::http::header::CONTENT_TYPE, "application/json")
            .header("x-csrf-token", csrf.clone())
            .body(axum::body::Body::from(body.to_string()))
            .unwrap()
    };
    let refused = app
        .send(&mut m, send(effective.clone(), serde_json::json!({ "stage": "auction_1", "on": "2026-12-07" })))
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(refused.json()["error"]["message"].as_str().unwrap().contains("其后不能记录"), "{}", refused.body);
    let recorded = app
        .send(&mut m, send(effective.clone(), serde_json::json!({ "stage": "effective", "on": "2026-12-07" })))
        .await;
    assert_eq!(recorded.status, StatusCode::CREATED, "{}", recorded.body);
    assert_eq!(recorded.json()["data"]["stage"], "effective");
    // Withdrawn (recorded by mistake), once, then recorded again.
    let withdraw = format!("{effective}/{}/withdraw", recorded.json()["data"]["id"]);
    let body = serde_json::json!({ "reason": "生效日期录错" });
    let withdrawn = app.send(&mut m, send(withdraw.clone(), body.clone())).await;
    assert_eq!(withdrawn.status, StatusCode::OK, "{}", withdrawn.body);
    assert_eq!(withdrawn.json()["data"]["withdrawn"]["reason"], "生效日期录错");
    assert_eq!(withdrawn.json()["data"]["withdrawn"]["withdrawn_by"], "asset_manager");
    let again = app.send(&mut m, send(withdraw, body)).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert!(again.json()["error"]["message"].as_str().unwrap().contains("已撤回"), "{}", again.body);
    let recorded =
        app.send(&mut m, send(effective, serde_json::json!({ "stage": "effective", "on": "2026-12-07" }))).await;
    assert_eq!(recorded.status, StatusCode::CREATED, "{}", recorded.body);
    let task = serde_json::json!({ "title": "申请强制执行", "due_on": "2026-12-20", "assignee": "asset_manager" });
    let added = app.send(&mut m, send(format!("/api/v1/cases/{}/tasks", cases[0].case.id), task)).await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.body);
    assert_eq!(
        (added.json()["data"]["status"].clone(), added.json()["data"]["level"].clone()),
        ("open".into(), "d30".into())
    );
    let after = app.get(&mut m, &format!("/api/v1/cases/{}", cases[0].case.id)).await.json();
    assert_eq!(after["data"]["deadlines"][0]["kind"], "enforcement_application", "two years to apply from today");
}

/// A stage recorded by mistake: the asset manager withdraws the latest with a reason (an earlier
/// one refused beside the reason, what was typed kept); the timeline keeps it struck through with
/// who, when and why, and the auction day it counted down to is gone from the deadlines. A task
/// is done by its assignee — finance, here — while another staff role is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stage_is_withdrawn_struck_through_and_a_task_is_done_by_its_assignee() {
    let app = TestApp::with_clock(clock()).await;
    let s = &app.store.store;
    let file = s.cases().await.unwrap().remove(1);
    let id = file.case.id;
    let latest = file.stages.last().unwrap();
    assert!(latest.stage.is_auction_round(), "the demo's second case waits for an auction");
    let earlier = file.stages[file.stages.len() - 2].id;
    let case = format!("/cases/{id}");
    let mut m = app.login("asset_manager").await;
    let page = app.get(&mut m, &case).await.body;
    assert!(page.contains(&format!("action=\"/cases/{id}/stages/{}/withdraw\" id=\"stage-withdraw\"", latest.id)));
    let mut finance = app.login("finance").await;
    assert!(!app.get(&mut finance, &case).await.body.contains("id=\"stage-withdraw\""), "finance withdraws nothing");
    let withdraw = |stage: i64| format!("/cases/{id}/stages/{stage}/withdraw");
    assert_eq!(post(&app, &mut finance, &withdraw(latest.id), &[("reason", "x")]).await.status, StatusCode::FORBIDDEN);

    let under = post(&app, &mut m, &withdraw(earlier), &[("reason", "评估录错")]).await;
    assert_eq!(under.status, StatusCode::BAD_REQUEST);
    let body = decoded(&under.body);
    let error = body.split("id=\"stage-withdraw-reason-error\">").nth(1).expect("beside the reason");
    assert!(error.starts_with("只能撤回最近一个有效阶段"), "{error}");
    assert!(body.contains("value=\"评估录错\""), "kept as typed");
    let blank = post(&app, &mut m, &withdraw(latest.id), &[("reason", " ")]).await;
    assert_eq!(blank.status, StatusCode::BAD_REQUEST);
    assert!(blank.body.contains("id=\"stage-withdraw-reason-error\""));

    let done = post(&app, &mut m, &withdraw(latest.id), &[("reason", "拍卖录入错案件")]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let shown = decoded(&app.get(&mut m, &case).await.body);
    let row = shown.split(&format!("id=\"stage-{}\"", latest.id)).nth(1).unwrap().split("</tr>").next().unwrap();
    assert!(row.contains("data-withdrawn=\"1\"") && row.contains("<del>"), "{row}");
    assert!(row.contains("已撤回：拍卖录入错案件（asset_manager · "), "who and why: {row}");
    assert!(row.contains("北京时间"), "when, in Beijing time: {row}");
    assert!(!shown.contains("data-kind=\"auction\""), "no auction day counted down");
    let api = app.get(&mut m, &format!("/api/v1/cases/{id}")).await.json();
    let stage = api["data"]["stages"].as_array().unwrap().iter().find(|s| s["id"] == latest.id).unwrap().clone();
    assert_eq!(stage["withdrawn"]["reason"], "拍卖录入错案件");
    assert!(api["data"]["deadlines"].as_array().unwrap().iter().all(|d| d["kind"] != "auction"));
    assert!(shown.contains(&format!("action=\"/cases/{id}/stages/{earlier}/withdraw\"")), "the next latest now");

    // The task assigned to finance: finance sees its button and marks it done; risk may not.
    let task = file.tasks.iter().find(|t| t.assignee == "finance").expect("finance's task").id;
    let page = app.get(&mut finance, &case).await.body;
    assert!(page.contains(&format!("action=\"/tasks/{task}/done\"")), "finance's own task");
    let row = page.split(&format!("id=\"task-{task}\"")).nth(1).unwrap().split("</tr>").next().unwrap();
    assert!(row.contains("沈雪芬（finance）"), "the assignee by name: {row}");
    let mut auditor = app.login("auditor").await;
    assert!(!app.get(&mut auditor, &case).await.body.contains("/done\""), "no button on another's task");
    let mut risk = app.login("risk").await;
    assert_eq!(post(&app, &mut risk, &format!("/tasks/{task}/done"), &[]).await.status, StatusCode::FORBIDDEN);
    assert_eq!(post(&app, &mut finance, &format!("/tasks/{task}/done"), &[]).await.status, StatusCode::SEE_OTHER);
    let after = s.case_file(id).await.unwrap().unwrap();
    let t = after.tasks.iter().find(|t| t.id == task).unwrap();
    assert_eq!((t.status, t.done_by.as_deref()), (huajie_cases::TaskStatus::Done, Some("finance")));
    assert!(s.verify_audit().await.unwrap().is_intact());
}
