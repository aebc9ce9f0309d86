//! Disposal plans, announcements and the public portal through the web: the gate beside its
//! fields, tabling refused while it finds anything, an approved plan announced (the checklist
//! refusing publication while an item is missing), published masked on the public page without
//! login, corrected with the first version kept in the archive; the public filters; English.

mod common;

use axum::http::StatusCode;
use common::{Client, TestApp};
use huajie_core::mask::{mask_id_number, mask_person_name};
use huajie_core::{Money, PartyKind, Role};
use huajie_decide::PlanStatus;
use huajie_store::{NewUser, PlanSubject};

/// A held package valued outside a retail batch, and a claim of it whose debtor is a person
/// with an ID number: (package, claim, debtor's name, ID number).
async fn personal_claim(app: &TestApp) -> (i64, i64, String, String) {
    let s = &app.store.store;
    for p in s.packages().await.unwrap() {
        let data = &p.package.data;
        if !data.is_held() || data.valuation_basis == huajie_core::ValuationBasis::RetailBatch {
            continue;
        }
        for row in s.claims_of_package(p.package.id).await.unwrap() {
            let d = &row.debtor.data;
            if d.kind() == PartyKind::Individual
                && let Some(id) = d.identity.id_text()
            {
                return (p.package.id, row.claim.id, d.name.clone(), id.to_string());
            }
        }
    }
    panic!("the demo has a held package with a person's claim");
}

/// A committee of five serving now, and a meeting scheduled: the meeting's id and the members.
async fn committee(app: &TestApp) -> (i64, Vec<String>) {
    let s = &app.store.store;
    let names: Vec<String> = (1..=5).map(|i| format!("member{i}")).collect();
    for (name, role) in names.iter().zip([Role::Committee, Role::Risk, Role::Finance, Role::Committee, Role::Admin]) {
        let user = NewUser { username: name.clone(), display_name: name.clone(), role, password_hash: "h".into() };
        s.create_user("admin", &user).await.unwrap();
        let term = huajie_decide::committee::Term::new("2024-01-01".parse().unwrap(), None).unwrap();
        s.add_committee_member("admin", name, "委员", term).await.unwrap();
    }
    let meeting = s.schedule_meeting("admin", "第 9 次会议", s.clock().now(), "会议室").await.unwrap();
    (meeting.id, names)
}

fn id_after(location: &str, prefix: &str) -> i64 {
    location.strip_prefix(prefix).and_then(|r| r.split(['#', '?']).next()).unwrap().parse().unwrap()
}

/// Posts the new-plan form for `subject` as the asset manager.
async fn post_plan(
    app: &TestApp,
    client: &mut Client,
    subject: (&str, i64),
    reserve: &str,
    below: &str,
) -> common::Reply {
    let csrf = client.csrf.clone();
    let id = subject.1.to_string();
    let fields = [
        ("csrf", csrf.as_str()),
        ("subject", subject.0),
        ("subject_id", id.as_str()),
        ("title", "网络拍卖方案"),
        ("method", "online_auction"),
        ("exception", ""),
        ("exception_reason", ""),
        ("reserve", reserve),
        ("below_reason", below),
        ("check_id", ""),
        ("summary", "公开拍卖"),
        ("team", ""),
    ];
    app.post_form(client, "/plans", &fields).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reserve_below_the_valuation_without_a_reason_is_shown_beside_its_field_and_cannot_be_tabled() {
    let app = TestApp::new().await;
    let (package, _, _, _) = personal_claim(&app).await;
    let mut am = app.login("asset_manager").await;
    let form = app.get(&mut am, &format!("/plans/new?subject=package&id={package}")).await;
    assert_eq!(form.status, StatusCode::OK);
    let valuation = app.store.store.plan_appraisal(PlanSubject::Package(package)).await.unwrap().valuation.unwrap();
    assert!(form.body.contains(&valuation.display(huajie_core::Lang::Zh)), "the valuation is shown before saving");
    assert!(form.body.contains("id=\"plan-form\""));
    // A reserve that is not an amount: the form comes back with the message beside the field.
    let plans_before = app.store.store.plans().await.unwrap().len();
    let bad = post_plan(&app, &mut am, ("package", package), "五千", "").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("id=\"plan-form-reserve-error\""), "{}", bad.body);
    assert_eq!(app.store.store.plans().await.unwrap().len(), plans_before, "nothing saved");
    // 1 万元, far below the valuation, no reason: saved as a draft, the gate says why beside it.
    let saved = post_plan(&app, &mut am, ("package", package), "1", "").await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let plan = id_after(saved.location(), "/plans/");
    let page = app.get(&mut am, &format!("/plans/{plan}")).await;
    assert!(page.body.contains("id=\"plan-gate\"") && page.body.contains("不能提交决策委员会"), "{}", page.body);
    let beside = page.body.split("id=\"fact-below_reason\"").nth(1).unwrap().split("</div>").next().unwrap();
    assert!(beside.contains("id=\"gate-below_reason\"") && beside.contains("须写明理由"), "{beside}");
    assert!(page.body.contains("提级审批"), "the higher tier");
    // Tabling it is refused: the plan stays a draft, the refusal on its page.
    let (meeting, _) = committee(&app).await;
    let csrf = am.csrf.clone();
    let tabled = app
        .post_form(&mut am, &format!("/plans/{plan}/table"), &[("csrf", &csrf), ("meeting", &meeting.to_string())])
        .await;
    assert_eq!(tabled.status, StatusCode::BAD_REQUEST);
    assert!(tabled.body.contains("合规关口"), "{}", tabled.body);
    assert_eq!(app.store.store.plan(plan).await.unwrap().status, PlanStatus::Draft);
    assert!(app.store.store.committee_items().await.unwrap().iter().all(|i| i.plan_id != Some(plan)));
    // Documents, several at once: uploaded, listed, downloaded as they were. One empty file
    // among them refuses them all, named on the page.
    let path = format!("/plans/{plan}/documents");
    let files: [(&str, &[u8]); 2] = [("方案.pdf", b"%PDF-1.4 x"), ("空白.txt", b"")];
    let reply = app.post_files(&mut am, &path, &[("csrf", &csrf)], &files, None).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.body.contains("“空白.txt”为空"), "{}", reply.body);
    assert!(app.store.store.plan_documents(Some(plan)).await.unwrap().is_empty(), "none saved");
    let files: [(&str, &[u8]); 2] = [("方案.pdf", b"%PDF-1.4 x"), ("评估报告.xlsx", b"PK xlsx")];
    let reply = app.post_files(&mut am, &path, &[("csrf", &csrf)], &files, None).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let docs = app.store.store.plan_documents(Some(plan)).await.unwrap();
    assert_eq!(docs.len(), 2);
    for (doc, (_, content)) in docs.iter().zip(files) {
        let (status, bytes) = app.get_bytes(&am, &format!("/plan-documents/{}", doc.id)).await;
        assert_eq!((status, bytes.as_slice()), (StatusCode::OK, content));
    }
    // And over the API (the session's token in its header): 201, the documents added.
    let reply = app
        .post_files(
            &mut am,
            &format!("/api/v1/plans/{plan}/documents"),
            &[],
            &[("现场照片.jpg", b"\xff\xd8")],
            Some(&csrf),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    assert_eq!(reply.json()["data"][0]["name"], "现场照片.jpg");
    // The plan over the API, its gate's problem by field, its documents listed.
    let api = app.get(&mut am, &format!("/api/v1/plans/{plan}")).await.json();
    assert_eq!(api["data"]["gate"]["problems"][0]["field"], "below_reason");
    assert_eq!(api["data"]["gate"]["passed"], false);
    assert_eq!(api["data"]["documents"].as_array().map(Vec::len), Some(3));
}

/// The demo's asset manager drafts a plan on `claim` at its valuation, the committee passes
/// it: the plan's id.
async fn approved_plan(app: &TestApp, am: &mut Client, claim: i64) -> i64 {
    let s = &app.store.store;
    let valuation = s.plan_appraisal(PlanSubject::Claim(claim)).await.unwrap().valuation.unwrap();
    let reserve = format!("{}元", (valuation.fen() + 99) / 100);
    let saved = post_plan(app, am, ("claim", claim), &reserve, "").await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let plan = id_after(saved.location(), "/plans/");
    assert!(s.plan_gate(plan).await.unwrap().passed(), "{:?}", s.plan_gate(plan).await.unwrap().problems);
    let (meeting, members) = committee(app).await;
    let csrf = am.csrf.clone();
    let tabled =
        app.post_form(am, &format!("/plans/{plan}/table"), &[("csrf", &csrf), ("meeting", &meeting.to_string())]).await;
    assert_eq!(tabled.status, StatusCode::SEE_OTHER, "{}", tabled.body);
    let item = s.committee_items().await.unwrap().into_iter().find(|i| i.plan_id == Some(plan)).unwrap();
    s.open_meeting("admin", meeting, &members).await.unwrap();
    for m in &members {
        s.cast_vote(m, item.id, huajie_decide::committee::Ballot::For).await.unwrap();
    }
    assert_eq!(s.plan(plan).await.unwrap().status, PlanStatus::Approved);
    plan
}

async fn edit_and_publish(app: &TestApp, am: &mut Client, id: i64, conditions: &str) -> common::Reply {
    let csrf = am.csrf.clone();
    let edit = [
        ("csrf", csrf.as_str()),
        ("title", "关于个人债权的处置公告"),
        ("locations", "浙江省杭州市"),
        ("conditions", conditions),
        ("buyer_requirements", "依法设立的法人或具有完全民事行为能力的自然人"),
        ("contact", "资产经营部 0571-88888888"),
        ("report_channel", "纪检监察室 0571-66666666"),
    ];
    assert_eq!(app.post_form(am, &format!("/announcements/{id}"), &edit).await.status, StatusCode::SEE_OTHER);
    app.post_form(am, &format!("/announcements/{id}/publish"), &[("csrf", &csrf)]).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_approved_plan_is_announced_published_masked_in_public_and_corrected_with_the_archive_kept() {
    let app = TestApp::new().await;
    let (_, claim, name, id_number) = personal_claim(&app).await;
    let mut am = app.login("asset_manager").await;
    let plan = approved_plan(&app, &mut am, claim).await;
    let page = app.get(&mut am, &format!("/plans/{plan}")).await;
    assert!(page.body.contains("id=\"draft-announcement\""), "{}", page.body);
    let csrf = am.csrf.clone();
    let drafted = app.post_form(&mut am, &format!("/plans/{plan}/announcements"), &[("csrf", &csrf)]).await;
    assert_eq!(drafted.status, StatusCode::SEE_OTHER, "{}", drafted.body);
    let v1 = id_after(drafted.location(), "/announcements/");
    let draft = app.get(&mut am, &format!("/announcements/{v1}")).await;
    assert!(draft.body.contains("id=\"announcement-form\"") && draft.body.contains("id=\"gap-field-conditions\""));
    assert!(draft.body.contains(&name), "the asset manager owns personal data: the draft names the debtor");
    // Not public while a draft; not published while the checklist finds anything missing.
    let mut anonymous = Client::default();
    assert_eq!(app.get(&mut anonymous, &format!("/public/announcements/{v1}")).await.status, StatusCode::NOT_FOUND);
    let refused = app.post_form(&mut am, &format!("/announcements/{v1}/publish"), &[("csrf", &csrf)]).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(refused.body.contains("公告内容不全") && refused.body.contains("交易条件"), "{}", refused.body);
    // The risk team reads the draft masked.
    let mut risk = app.login("risk").await;
    let masked = app.get(&mut risk, &format!("/announcements/{v1}")).await;
    assert!(!masked.body.contains(&name) && !masked.body.contains(&id_number));
    // Completed and published.
    let published = edit_and_publish(&app, &mut am, v1, "竞买保证金 10 万元").await;
    assert_eq!(published.status, StatusCode::SEE_OTHER, "{}", published.body);
    let first = app.store.store.announcement(v1).await.unwrap();
    // The public page, without login: masked, Beijing time named, period, hash, archive.
    let public = app.get(&mut anonymous, &format!("/public/announcements/{v1}")).await;
    assert_eq!(public.status, StatusCode::OK);
    assert!(!public.body.contains(&name) && !public.body.contains(&id_number), "{}", public.body);
    assert!(public.body.contains(&mask_person_name(&name)) && public.body.contains(&mask_id_number(&id_number)));
    assert!(public.body.contains("北京时间") && public.body.contains(&first.body_sha256));
    assert!(public.body.contains(&first.bidding_opens_on.unwrap().to_string()));
    assert!(!public.body.contains("估值") && !public.body.contains("成本"), "no staff figure in public");
    let list = app.get(&mut anonymous, "/public/announcements").await;
    assert!(
        list.body.contains("id=\"public-announcements\"") && list.body.contains(&format!("/public/announcements/{v1}"))
    );
    // Corrected: version 2 in force, version 1 in the archive, as it was.
    let corrected = app.post_form(&mut am, &format!("/plans/{plan}/announcements"), &[("csrf", &csrf)]).await;
    let v2 = id_after(corrected.location(), "/announcements/");
    assert_eq!(edit_and_publish(&app, &mut am, v2, "竞买保证金 20 万元").await.status, StatusCode::SEE_OTHER);
    let archived = app.store.store.announcement(v1).await.unwrap();
    assert_eq!((&archived.body, &archived.body_sha256), (&first.body, &first.body_sha256), "never edited");
    let now = app.get(&mut anonymous, &format!("/public/announcements/{v2}")).await;
    let archive = now.body.split("id=\"announcement-archive\"").nth(1).unwrap();
    assert!(
        archive.contains(&format!("/public/announcements/{v1}"))
            && archive.contains(&format!("/public/announcements/{v2}"))
    );
    let old = app.get(&mut anonymous, &format!("/public/announcements/{v1}")).await;
    assert!(
        old.body.contains("id=\"superseded-note\"")
            && old.body.contains(&first.body_sha256)
            && old.body.contains("10 万元")
    );
    let list = app.get(&mut anonymous, "/public/announcements").await;
    assert!(!list.body.contains(&format!("/public/announcements/{v1}\"")), "only the version in force is listed");
    // The public API: no login, the same.
    let api = app.get(&mut anonymous, &format!("/api/v1/public/announcements/{v1}")).await;
    assert_eq!(api.status, StatusCode::OK);
    assert!(!api.body.contains(&name) && api.json()["data"]["body_sha256"] == first.body_sha256.as_str());
    assert_eq!(api.json()["data"]["versions"].as_array().unwrap().len(), 2);
    assert!(app.store.store.verify_audit().await.unwrap().is_intact());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_public_filters_return_what_they_should_and_english_renders() {
    let app = TestApp::new().await;
    let (_, claim, _, _) = personal_claim(&app).await;
    let mut am = app.login("asset_manager").await;
    let plan = approved_plan(&app, &mut am, claim).await;
    let csrf = am.csrf.clone();
    let drafted = app.post_form(&mut am, &format!("/plans/{plan}/announcements"), &[("csrf", &csrf)]).await;
    let id = id_after(drafted.location(), "/announcements/");
    assert_eq!(edit_and_publish(&app, &mut am, id, "竞买保证金 10 万元").await.status, StatusCode::SEE_OTHER);
    let a = app.store.store.announcement(id).await.unwrap();
    let wan = |m: Money| format!("{}", m.fen() as f64 / 1_000_000.0);
    let other_province = if a.province == "11" { "31" } else { "11" };
    let mut anonymous = Client::default();
    let href = format!("/public/announcements/{id}\"");
    let cases = [
        (String::new(), true),
        (format!("method=online_auction&province={}", a.province), true),
        ("method=tender".to_string(), false),
        (format!("province={other_province}"), false),
        (format!("reserve_min={}", wan(Money::from_fen(a.reserve.fen() + 10_000))), false),
        (format!("reserve_max={}", wan(a.reserve)), true),
        (format!("reserve_max={}", wan(Money::from_fen(a.reserve.fen() - 10_000))), false),
        ("asset_kind=claim".to_string(), true),
    ];
    for (query, listed) in cases {
        let page = app.get(&mut anonymous, &format!("/public/announcements?{query}")).await;
        assert_eq!(page.status, StatusCode::OK, "{query}");
        assert_eq!(page.body.contains(&href), listed, "{query}");
        let api = app.get(&mut anonymous, &format!("/api/v1/public/announcements?{query}")).await.json();
        // The demo's own announcements may pass a filter too: ask whether this one is among them.
        let ids: Vec<i64> =
            api["data"]["items"].as_array().unwrap().iter().map(|x| x["id"].as_i64().unwrap()).collect();
        assert_eq!(ids.contains(&id), listed, "{query}");
        assert!(api["data"]["total"].as_u64().unwrap() as usize >= ids.len(), "{query}");
    }
    let bad = app.get(&mut anonymous, "/public/announcements?reserve_min=abc").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("底价不低于"), "the bad filter is named");
    // English: the plan's gate, the public page with Beijing time named.
    app.get(&mut am, "/lang/en?next=/").await;
    let page = app.get(&mut am, &format!("/plans/{plan}")).await;
    assert!(page.body.contains("Compliance gate") && page.body.contains("Passed: the plan may go to the committee."));
    app.get(&mut anonymous, "/lang/en?next=/").await;
    let public = app.get(&mut anonymous, &format!("/public/announcements/{id}")).await;
    assert!(public.body.contains("Beijing time") && public.body.contains("Bidding opens"), "{}", public.body);
    // The login page links the public announcements.
    let login = app.get(&mut Client::default(), "/login").await;
    assert!(login.body.contains("href=\"/public/announcements\""));
}
