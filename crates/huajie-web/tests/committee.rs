//! The decision committee's pages: members added, a meeting scheduled in Beijing time, a cleared
//! acquisition check tabled, the meeting refused without a quorum and opened with one, named
//! votes (a recused member sees no form and is refused; a vote against needs its reason), the
//! meeting closed with its minutes, and the minutes as a PDF.

mod common;

use axum::http::StatusCode;
use common::{Client, TestApp};
use huajie_decide::ItemStatus;

/// The demo's committee of five (serving since 2025) and the valuer, whom the secretary adds.
const MEMBERS: [&str; 6] = ["committee", "committee2", "committee3", "risk", "finance", "valuer"];

/// The secretary adds the valuer to the demo's committee of five and schedules a meeting; its id.
async fn committee_with_a_meeting(app: &TestApp, secretary: &mut Client) -> i64 {
    let csrf = secretary.csrf.clone();
    for (who, title) in [("valuer", "委员（估值负责人）")] {
        let reply = app
            .post_form(
                secretary,
                "/committee/members",
                &[("csrf", &csrf), ("username", who), ("title", title), ("term_from", "2025-01-01"), ("term_to", "")],
            )
            .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    }
    let reply = app
        .post_form(
            secretary,
            "/committee/meetings",
            &[
                ("csrf", &csrf),
                ("title", "第 1 次收购决策会"),
                ("scheduled_for", "2026-10-10T09:00"),
                ("place", "三楼会议室"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    reply.location().trim_start_matches("/committee/meetings/").parse().unwrap()
}

/// A cleared acquisition check of a package under screening, run by the acquisition team.
async fn cleared_check(app: &TestApp, acquisition: &mut Client) -> i64 {
    let store = &app.store.store;
    let screening = store
        .packages()
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.package.data.status == huajie_core::PackageStatus::Screening)
        .unwrap();
    let csrf = acquisition.csrf.clone();
    let reply = app
        .post_form(
            acquisition,
            &format!("/packages/{}/checks", screening.package.id),
            &[("csrf", &csrf), ("kind", "acquisition"), ("price", "100"), ("as_of", "2026-09-30")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let id: i64 = reply.location().trim_start_matches("/checks/").parse().unwrap();
    assert_eq!(store.deal_check(id).await.unwrap().unwrap().standing(), huajie_store::CheckStanding::Cleared);
    id
}

async fn vote(app: &TestApp, who: &mut Client, item: i64, ballot: &str, reason: &str) -> common::Reply {
    let csrf = who.csrf.clone();
    app.post_form(
        who,
        &format!("/committee/items/{item}/votes"),
        &[("csrf", &csrf), ("ballot", ballot), ("reason", reason)],
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_committee_sits_votes_by_name_and_closes_with_its_minutes() {
    let app = TestApp::new().await;
    let store = &app.store.store;
    let mut secretary = app.login("committee").await;
    let meeting = committee_with_a_meeting(&app, &mut secretary).await;
    // 09:00 in Beijing is 01:00 UTC, and the page says so in Beijing time.
    let m = store.meeting_record(meeting).await.unwrap().meeting;
    assert_eq!(m.scheduled_for.to_rfc3339(), "2026-10-10T01:00:00+00:00");
    let page = app.get(&mut secretary, &format!("/committee/meetings/{meeting}")).await;
    assert!(page.body.contains("2026-10-10 09:00 北京时间"), "{}", page.body);
    assert!(page.body.contains("id=\"open-meeting\""));

    // The acquisition team tables its cleared check with the risk member on the deal team.
    let mut acquisition = app.login("acquisition").await;
    let check = cleared_check(&app, &mut acquisition).await;
    let page = app.get(&mut acquisition, &format!("/checks/{check}")).await;
    assert!(page.body.contains("id=\"table-item\""), "{}", page.body);
    let csrf = acquisition.csrf.clone();
    let meeting_id = meeting.to_string();
    let reply = app
        .post_form(
            &mut acquisition,
            &format!("/checks/{check}/committee"),
            &[("csrf", &csrf), ("meeting", &meeting_id), ("team", "risk")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let tabled = store.meeting_record(meeting).await.unwrap().items[0].0.clone();
    let item = tabled.id;
    // Who worked on it: the one who ran the check, the package's valuer, the deal team.
    let workers: Vec<&str> = tabled.workers.iter().map(|(w, _)| w.as_str()).collect();
    assert_eq!(workers, ["acquisition", "risk", "valuer"]);

    // Three present: short of the quorum of five, refused with the reason, nothing changed.
    let csrf = secretary.csrf.clone();
    let open = format!("/committee/meetings/{meeting}/open");
    let few = [("csrf", csrf.as_str()), ("present", "committee"), ("present", "risk"), ("present", "finance")];
    let reply = app.post_form(&mut secretary, &open, &few).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.body.contains("不足法定人数 5"), "{}", reply.body);
    assert!(reply.body.contains("value=\"risk\" checked"), "the ticks come back as sent");
    assert_eq!(store.meeting_record(meeting).await.unwrap().meeting.status, huajie_decide::MeetingStatus::Scheduled);
    let mut all = vec![("csrf", csrf.as_str())];
    all.extend(MEMBERS.iter().map(|who| ("present", *who)));
    let reply = app.post_form(&mut secretary, &open, &all).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);

    // The risk member (deal team) and the valuer (valued it) are recused: no vote form, the
    // reason shown, and a vote refused with it.
    for recused in ["risk", "valuer"] {
        let mut member = app.login(recused).await;
        let page = app.get(&mut member, &format!("/committee/meetings/{meeting}")).await;
        assert!(!page.body.contains(&format!("id=\"vote-form-{item}\"")), "{recused}");
        assert!(page.body.contains("须回避"), "{}", page.body);
        let reply = vote(&app, &mut member, item, "for", "").await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{recused}");
        assert!(reply.body.contains("回避"), "{}", reply.body);
    }

    // The finance member has it waiting, on the dashboard too (beside the demo's plan in session).
    let mut finance = app.login("finance").await;
    let dash = app.get(&mut finance, "/dashboard").await;
    assert!(dash.body.contains("待我表决的议题：2 项"), "{}", dash.body);
    let page = app.get(&mut finance, "/committee").await;
    assert!(page.body.contains("id=\"pending-votes\""));

    // A vote against without a reason comes back with the message beside the reason.
    let mut member = app.login("committee2").await;
    let votes_before = store.committee_votes().await.unwrap().len();
    let reply = vote(&app, &mut member, item, "against", " ").await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.body.contains(&format!("id=\"vote-form-{item}-reason-error\"")), "{}", reply.body);
    assert!(reply.body.contains("投反对票须写明理由"));
    assert_eq!(store.committee_votes().await.unwrap().len(), votes_before, "nothing recorded");
    assert_eq!(
        vote(&app, &mut member, item, "against", "价格偏高，回收预期过于乐观").await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(vote(&app, &mut finance, item, "for", "").await.status, StatusCode::SEE_OTHER);
    let mut third = app.login("committee3").await;
    assert_eq!(vote(&app, &mut third, item, "for", "").await.status, StatusCode::SEE_OTHER);
    // Not yet closed: no minutes.
    let (status, _) = app.get_bytes(&secretary, &format!("/committee/meetings/{meeting}/minutes.pdf")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(vote(&app, &mut secretary, item, "abstain", "").await.status, StatusCode::SEE_OTHER);
    // Every member entitled has voted: 2 for of 4 entitled is short of two thirds.
    let decided = store.committee_item(item).await.unwrap();
    assert_eq!(decided.status, ItemStatus::Rejected);
    let page = app.get(&mut finance, &format!("/committee/meetings/{meeting}")).await;
    assert!(
        page.body.contains("价格偏高，回收预期过于乐观") && page.body.contains("同意 2、反对 1、弃权 1"),
        "{}",
        page.body
    );

    // Closing needs the minutes.
    let close = format!("/committee/meetings/{meeting}/close");
    let reply = app.post_form(&mut secretary, &close, &[("csrf", &csrf), ("minutes", "")]).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.body.contains("id=\"close-meeting-minutes-error\""), "{}", reply.body);
    let minutes = "会议审议收购议题一项，未获通过。\n请收购部重新评估回收预期。";
    let reply = app.post_form(&mut secretary, &close, &[("csrf", &csrf), ("minutes", minutes)]).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);

    let (status, pdf) = app.get_bytes(&finance, &format!("/committee/meetings/{meeting}/minutes.pdf")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(pdf.starts_with(b"%PDF"));
    if let Ok(pdftotext) = std::env::var("HUAJIE_PDFTOTEXT") {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("minutes.pdf");
        std::fs::write(&path, &pdf).unwrap();
        let out = std::process::Command::new(pdftotext).arg(&path).arg("-").output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        for needle in [
            "决策委员会会议纪要",
            "第 1 次收购决策会",
            "三楼会议室",
            "价格偏高",
            "反对",
            "弃权",
            "未通过",
            "主任委员",
            "请收购部重新评估回收预期",
            "1/1",
        ] {
            assert!(text.contains(needle), "{needle} not in the minutes:\n{text}");
        }
    } else {
        eprintln!("HUAJIE_PDFTOTEXT is not set: the minutes are not read back");
    }
    assert!(store.verify_audit().await.unwrap().is_intact());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_committee_page_reads_in_english_and_a_bad_time_is_named() {
    let app = TestApp::new().await;
    let mut secretary = app.login("committee").await;
    let meeting = committee_with_a_meeting(&app, &mut secretary).await;
    let csrf = secretary.csrf.clone();
    let reply = app
        .post_form(
            &mut secretary,
            "/committee/meetings",
            &[("csrf", &csrf), ("title", "第 2 次会议"), ("scheduled_for", "明天上午"), ("place", "会议室")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.body.contains("id=\"schedule-meeting-scheduled_for-error\""), "{}", reply.body);
    assert!(reply.body.contains("“明天上午” 不是日期时间"), "{}", reply.body);
    app.get(&mut secretary, "/lang/en?next=%2Fcommittee").await;
    let page = app.get(&mut secretary, &format!("/committee/meetings/{meeting}")).await;
    assert_eq!(page.status, StatusCode::OK);
    for needle in
        ["2026-10-10 09:00 Beijing time", "Attendance (members serving today)", "Cancel the meeting", "Agenda"]
    {
        assert!(page.body.contains(needle), "{needle}: {}", page.body);
    }
    let page = app.get(&mut secretary, "/committee").await;
    assert!(page.body.contains("Decision committee") && page.body.contains("Serving today"), "{}", page.body);
    // Cancelled before it sat: no minutes, said in English.
    let reply =
        app.post_form(&mut secretary, &format!("/committee/meetings/{meeting}/cancel"), &[("csrf", &csrf)]).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let reply = app.get(&mut secretary, &format!("/committee/meetings/{meeting}/minutes.pdf")).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.body.contains("the minutes exist once it is closed"), "{}", reply.body);
}

/// A JSON command with the session's token in its header, as the API's clients send it.
async fn api_post(app: &TestApp, client: &mut Client, path: &str, body: serde_json::Value) -> common::Reply {
    let request = axum::http::Request::post(path)
        .header(axum::http::header::CONTENT_TYPE, "application/json")
        .header("x-csrf-token", client.csrf.clone())
        .body(axum::body::Body::from(body.to_string()))
        .unwrap();
    app.send(client, request).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_votes_through_the_api_and_reads_the_meeting_back() {
    let app = TestApp::new().await;
    let store = &app.store.store;
    let mut secretary = app.login("committee").await;
    let meeting = committee_with_a_meeting(&app, &mut secretary).await;
    let mut acquisition = app.login("acquisition").await;
    let check = cleared_check(&app, &mut acquisition).await;
    let item = store
        .table_item("acquisition", meeting, huajie_store::ItemSubject::Acquisition { check_id: check }, &[])
        .await
        .unwrap()
        .id;
    let members: Vec<String> = MEMBERS.iter().map(|m| m.to_string()).collect();
    store.open_meeting("committee", meeting, &members).await.unwrap();
    let mut finance = app.login("finance").await;
    let pending = app.get(&mut finance, "/api/v1/committee/pending").await.json();
    let waiting = |p: &serde_json::Value| p["data"].as_array().unwrap().iter().any(|x| x["item_id"] == item);
    assert!(waiting(&pending), "{pending}");
    let path = format!("/api/v1/committee/items/{item}/votes");
    let refused = api_post(&app, &mut finance, &path, serde_json::json!({ "ballot": "against" })).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    assert!(refused.json()["error"]["fields"].to_string().contains("reason"), "{}", refused.body);
    let cast =
        api_post(&app, &mut finance, &path, serde_json::json!({ "ballot": "against", "reason": "估值依据不足" })).await;
    assert_eq!(cast.status, StatusCode::CREATED, "{}", cast.body);
    assert_eq!(cast.json()["data"]["votes"][0]["reason"], "估值依据不足");
    let record = app.get(&mut finance, &format!("/api/v1/committee/meetings/{meeting}")).await.json();
    let item_json = &record["data"]["items"][0];
    assert_eq!(item_json["votes"][0]["username"], "finance");
    assert_eq!(item_json["recused"], serde_json::json!(["valuer"]));
    assert_eq!(record["data"]["scheduled_for"], "2026-10-10T01:00:00.000000Z");
    assert!(!waiting(&app.get(&mut finance, "/api/v1/committee/pending").await.json()), "voted: no longer waiting");
}
