//! The decision committee's pages: members added, a meeting scheduled in Beijing time, a cleared
//! acquisition check tabled, the meeting refused without a quorum and opened with one, named
//! votes (a recused member sees no form and is refused; a vote against needs its reason), the
//! meeting closed with its minutes, and the minutes as a PDF; an item withdrawn from the
//! meeting's page; and the same whole meeting through the JSON API.

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
            // Signed: prepared by the secretary when the meeting closed, the chair to approve, the pages numbered.
            "会议 #",
            "编制人",
            "批准人",
            "状态：草稿",
            "第 1 页 / 共",
        ] {
            let solid = |t: &str| t.split_whitespace().collect::<String>();
            assert!(solid(&text).contains(&solid(needle)), "{needle} not in the minutes:\n{text}");
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

/// `client`'s calls answered in English from now on (the language switch's cookie).
fn in_english(client: &mut Client) {
    client.cookies.push(("huajie_lang".into(), "en".into()));
}

/// A claim of a held package valued claim by claim, and its latest valuation.
async fn valued_claim(app: &TestApp) -> (i64, huajie_core::Money) {
    let s = &app.store.store;
    for p in s.packages().await.unwrap() {
        let data = &p.package.data;
        if !data.is_held() || data.valuation_basis == huajie_core::ValuationBasis::RetailBatch {
            continue;
        }
        for row in s.claims_of_package(p.package.id).await.unwrap() {
            let appraisal = s.plan_appraisal(huajie_store::PlanSubject::Claim(row.claim.id)).await.unwrap();
            if let Some(valuation) = appraisal.valuation.filter(|v| v.fen() > 0) {
                return (row.claim.id, valuation);
            }
        }
    }
    panic!("the demo has a valued claim of a held package");
}

/// The API's error message of a refused call, having checked it is the envelope's 400.
fn refusal(reply: &common::Reply) -> String {
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
    let body = reply.json();
    assert_eq!(body["error"]["code"], "bad_request", "{body}");
    body["error"]["message"].as_str().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_secretary_runs_a_whole_meeting_through_the_api() {
    let app = TestApp::new().await;
    let store = &app.store.store;
    let mut secretary = app.login("committee").await;

    // The members with their terms: the demo's five, serving.
    let members = app.get(&mut secretary, "/api/v1/committee/members").await.json();
    let serving: Vec<&str> = members["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["serving"] == true)
        .map(|m| m["username"].as_str().unwrap())
        .collect();
    for who in ["committee", "committee2", "committee3", "risk", "finance"] {
        assert!(serving.contains(&who), "{who} serves: {members}");
    }
    // The valuer added for an open-ended term; a date that cannot be read is named; a second,
    // overlapping term refused with the reason.
    let path = "/api/v1/committee/members";
    let added = api_post(
        &app,
        &mut secretary,
        path,
        serde_json::json!({ "username": "valuer", "title": "委员（估值负责人）", "term_from": "2025-01-01", "term_to": null }),
    )
    .await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.body);
    let member = added.json()["data"].clone();
    assert_eq!((member["username"].as_str(), member["term_to"].is_null()), (Some("valuer"), true), "{member}");
    assert_eq!((member["term_from"].as_str(), member["serving"].as_bool()), (Some("2025-01-01"), Some(true)));
    let bad = serde_json::json!({ "username": "valuer", "title": "委员", "term_from": "去年" });
    let reply = api_post(&app, &mut secretary, path, bad).await;
    assert!(refusal(&reply).contains("去年"), "{}", reply.body);
    assert_eq!(reply.json()["error"]["fields"][0]["field"], "term_from");
    let again = serde_json::json!({ "username": "valuer", "title": "委员", "term_from": "2026-01-01" });
    assert!(refusal(&api_post(&app, &mut secretary, path, again).await).contains("valuer 在该期间已是委员"));
    let listed = app.get(&mut secretary, path).await.json();
    assert!(listed["data"].as_array().unwrap().iter().any(|m| m["username"] == "valuer"), "{listed}");

    // A meeting scheduled in Beijing time, answered in UTC.
    let scheduled = api_post(
        &app,
        &mut secretary,
        "/api/v1/committee/meetings",
        serde_json::json!({ "title": "第 1 次决策会", "scheduled_for": "2026-10-10T09:00", "place": "三楼会议室" }),
    )
    .await;
    assert_eq!(scheduled.status, StatusCode::CREATED, "{}", scheduled.body);
    let data = scheduled.json()["data"].clone();
    assert_eq!(
        (data["status"].as_str(), data["scheduled_for"].as_str()),
        (Some("scheduled"), Some("2026-10-10T01:00:00.000000Z"))
    );
    let meeting = data["id"].as_i64().unwrap();

    // The acquisition team tables its cleared check, the risk member on the deal team.
    let mut acquisition = app.login("acquisition").await;
    let check = cleared_check(&app, &mut acquisition).await;
    let body = serde_json::json!({ "meeting": meeting, "team": ["risk"] });
    let tabled = api_post(&app, &mut acquisition, &format!("/api/v1/compliance/checks/{check}/committee"), body).await;
    assert_eq!(tabled.status, StatusCode::CREATED, "{}", tabled.body);
    let purchase = tabled.json()["data"].clone();
    assert_eq!((purchase["kind"].as_str(), purchase["check_id"].as_i64()), (Some("acquisition"), Some(check)));
    let price = store.deal_check(check).await.unwrap().unwrap().cleared_acquisition().unwrap().1;
    assert_eq!(purchase["price_fen"].as_i64(), Some(price.fen()));
    let purchase = purchase["id"].as_i64().unwrap();

    // The asset manager drafts a plan at the claim's valuation and tables it; withdrawn by the
    // secretary before anyone voted, the plan is a draft again and is tabled anew.
    let mut am = app.login("asset_manager").await;
    let (claim, valuation) = valued_claim(&app).await;
    let reserve = format!("{}元", (valuation.fen() + 99) / 100);
    let plan = serde_json::json!({
        "subject": "claim", "subject_id": claim.to_string(), "title": "网络拍卖方案", "method": "online_auction",
        "reserve": reserve, "summary": "公开拍卖"
    });
    let plan = api_post(&app, &mut am, "/api/v1/plans", plan).await.json()["data"].clone();
    assert_eq!(plan["gate"]["passed"], true, "{plan}");
    let plan = plan["id"].as_i64().unwrap();
    let table = format!("/api/v1/plans/{plan}/table");
    let tabled = api_post(&app, &mut am, &table, serde_json::json!({ "meeting": meeting.to_string() })).await;
    assert_eq!(tabled.status, StatusCode::CREATED, "{}", tabled.body);
    assert_eq!(tabled.json()["data"]["kind"], "disposal_plan");
    let first = tabled.json()["data"]["id"].as_i64().unwrap();
    let reply =
        api_post(&app, &mut secretary, &format!("/api/v1/committee/items/{first}/withdraw"), serde_json::json!({}))
            .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.json()["data"]["status"], "withdrawn");
    assert_eq!(app.get(&mut am, &format!("/api/v1/plans/{plan}")).await.json()["data"]["status"], "draft");
    let tabled = api_post(&app, &mut am, &table, serde_json::json!({ "meeting": meeting })).await;
    assert_eq!(tabled.status, StatusCode::CREATED, "{}", tabled.body);
    let disposal = tabled.json()["data"]["id"].as_i64().unwrap();

    // Three present: short of the quorum of five, refused in the caller's language; nothing changes.
    let open = format!("/api/v1/committee/meetings/{meeting}/open");
    let few = serde_json::json!({ "present": ["committee", "risk", "finance"] });
    assert!(refusal(&api_post(&app, &mut secretary, &open, few.clone()).await).contains("不足法定人数 5"));
    let mut english = secretary.clone();
    in_english(&mut english);
    let message = refusal(&api_post(&app, &mut english, &open, few).await);
    assert!(
        message.contains("quorum") && !message.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "{message}"
    );
    assert_eq!(store.meeting_record(meeting).await.unwrap().meeting.status, huajie_decide::MeetingStatus::Scheduled);
    let opened = api_post(&app, &mut secretary, &open, serde_json::json!({ "present": MEMBERS })).await;
    assert_eq!(opened.status, StatusCode::OK, "{}", opened.body);
    assert_eq!(opened.json()["data"]["status"], "in_session");
    assert_eq!(opened.json()["data"]["present"].as_array().unwrap().len(), MEMBERS.len());

    // The members vote by name. The purchase: risk (deal team) and the valuer recused, the four
    // others for — decided at the last vote. The plan: the valuer recused; three for, one against.
    for who in ["committee", "committee2", "committee3", "finance"] {
        let mut member = app.login(who).await;
        let ballot = serde_json::json!({ "ballot": "for" });
        let cast = api_post(&app, &mut member, &format!("/api/v1/committee/items/{purchase}/votes"), ballot).await;
        assert_eq!(cast.status, StatusCode::CREATED, "{who}: {}", cast.body);
        let ballot = if who == "finance" {
            serde_json::json!({ "ballot": "against", "reason": "保留价依据不足" })
        } else {
            serde_json::json!({ "ballot": "for" })
        };
        let cast = api_post(&app, &mut member, &format!("/api/v1/committee/items/{disposal}/votes"), ballot).await;
        assert_eq!(cast.status, StatusCode::CREATED, "{who}: {}", cast.body);
    }
    assert_eq!(store.committee_item(purchase).await.unwrap().status, ItemStatus::Passed);
    assert_eq!(store.committee_item(disposal).await.unwrap().status, ItemStatus::Pending, "risk has not voted");
    // A decided item cannot be withdrawn: the reason, in the caller's language.
    let withdraw = format!("/api/v1/committee/items/{purchase}/withdraw");
    assert_eq!(
        refusal(&api_post(&app, &mut secretary, &withdraw, serde_json::json!({})).await),
        "已有委员表决，议题不能撤回。"
    );
    assert_eq!(
        refusal(&api_post(&app, &mut english, &withdraw, serde_json::json!({})).await),
        "Members have voted: the item cannot be withdrawn."
    );

    // Closing needs the minutes; closed, the plan is decided without risk's vote: 3 for of 5
    // entitled is short of two thirds.
    let close = format!("/api/v1/committee/meetings/{meeting}/close");
    let reply = api_post(&app, &mut secretary, &close, serde_json::json!({ "minutes": " " })).await;
    refusal(&reply);
    assert_eq!(reply.json()["error"]["fields"][0]["field"], "minutes");
    let minutes = "会议审议议题两项：收购通过，处置方案未获通过。";
    let closed = api_post(&app, &mut secretary, &close, serde_json::json!({ "minutes": minutes })).await;
    assert_eq!(closed.status, StatusCode::OK, "{}", closed.body);
    assert_eq!(closed.json()["data"]["status"], "closed");

    // The meeting read back as any reader sees it.
    let mut auditor = app.login("auditor").await;
    let record = app.get(&mut auditor, &format!("/api/v1/committee/meetings/{meeting}")).await.json()["data"].clone();
    assert_eq!((record["minutes"].as_str(), record["status"].as_str()), (Some(minutes), Some("closed")));
    let items = record["items"].as_array().unwrap();
    let status: Vec<(i64, &str)> =
        items.iter().map(|i| (i["id"].as_i64().unwrap(), i["status"].as_str().unwrap())).collect();
    assert_eq!(status, [(purchase, "passed"), (first, "withdrawn"), (disposal, "rejected")]);
    assert_eq!(items[0]["recused"], serde_json::json!(["risk", "valuer"]));
    assert_eq!(items[0]["votes"].as_array().unwrap().len(), 4);
    let against = items[2]["votes"].as_array().unwrap().iter().find(|v| v["username"] == "finance").unwrap().clone();
    assert_eq!((against["ballot"].as_str(), against["reason"].as_str()), (Some("against"), Some("保留价依据不足")));
    assert!(items[2]["outcome"].as_str().unwrap().contains("同意 3、反对 1"), "{}", items[2]["outcome"]);
    assert_eq!(store.plan(plan).await.unwrap().status, huajie_decide::PlanStatus::Rejected);
    assert!(store.verify_audit().await.unwrap().is_intact());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_meeting_that_has_not_sat_is_cancelled_through_the_api_once() {
    let app = TestApp::new().await;
    let mut secretary = app.login("committee").await;
    let meeting = committee_with_a_meeting(&app, &mut secretary).await;
    let cancel = format!("/api/v1/committee/meetings/{meeting}/cancel");
    let reply = api_post(&app, &mut secretary, &cancel, serde_json::json!({})).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.json()["data"]["status"], "cancelled");
    let message = refusal(&api_post(&app, &mut secretary, &cancel, serde_json::json!({})).await);
    assert!(message.contains("已取消"), "{message}");
    let meetings = app.get(&mut secretary, "/api/v1/committee/meetings").await.json();
    let listed = meetings["data"].as_array().unwrap().iter().find(|m| m["id"] == meeting).unwrap().clone();
    assert_eq!(listed["status"], "cancelled");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_secretary_withdraws_an_item_nobody_has_voted_on_from_the_meeting_page() {
    let app = TestApp::new().await;
    let store = &app.store.store;
    let mut secretary = app.login("committee").await;
    let meeting = committee_with_a_meeting(&app, &mut secretary).await;
    let mut acquisition = app.login("acquisition").await;
    let check = cleared_check(&app, &mut acquisition).await;
    let subject = huajie_store::ItemSubject::Acquisition { check_id: check };
    let item = store.table_item("acquisition", meeting, subject, &[]).await.unwrap().id;
    let page = format!("/committee/meetings/{meeting}");
    let button = format!("id=\"withdraw-item-{item}\"");
    assert!(app.get(&mut secretary, &page).await.body.contains(&button), "the secretary may withdraw it");
    let mut finance = app.login("finance").await;
    assert!(!app.get(&mut finance, &page).await.body.contains(&button), "a member may not");

    let csrf = secretary.csrf.clone();
    let reply = app.post_form(&mut secretary, &format!("/committee/items/{item}/withdraw"), &[("csrf", &csrf)]).await;
    assert_eq!((reply.status, reply.location()), (StatusCode::SEE_OTHER, page.as_str()), "{}", reply.body);
    assert_eq!(store.committee_item(item).await.unwrap().status, ItemStatus::Withdrawn);
    let shown = app.get(&mut secretary, &page).await.body;
    assert!(!shown.contains(&button) && shown.contains("已撤回"), "{shown}");

    // Tabled again and voted on: no button, and a withdrawal is refused on the page with the reason.
    let again = store.table_item("acquisition", meeting, subject, &[]).await.unwrap().id;
    let members: Vec<String> = MEMBERS.iter().map(|m| m.to_string()).collect();
    store.open_meeting("committee", meeting, &members).await.unwrap();
    store.cast_vote("committee2", again, huajie_decide::committee::Ballot::For).await.unwrap();
    assert!(!app.get(&mut secretary, &page).await.body.contains(&format!("id=\"withdraw-item-{again}\"")));
    let reply = app.post_form(&mut secretary, &format!("/committee/items/{again}/withdraw"), &[("csrf", &csrf)]).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.body.contains("已有委员表决，议题不能撤回。"), "{}", reply.body);
    assert_eq!(store.committee_item(again).await.unwrap().status, ItemStatus::Pending);
}
