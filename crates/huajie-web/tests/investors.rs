//! Investors on the portal (issue 14): registration without login (bad fields beside their
//! fields, taken ones too, the double-submit token, the throttle per source), KYC documents
//! uploaded several at once and read only by their investor and the staff who qualify, the
//! staff's review with the screening (staff read why; the investor only that it cannot be
//! accepted), and personal data masked for roles that do not own it.

mod common;

use axum::http::StatusCode;
use common::{Client, TestApp, decoded, hidden_field};
use huajie_decide::investor::InvestorStatus;

/// The registration page's token, and the form posted with it.
async fn register(app: &TestApp, client: &mut Client, fields: &[(&str, &str)]) -> common::Reply {
    let page = app.get(client, "/portal/register").await;
    assert_eq!(page.status, StatusCode::OK);
    let token = hidden_field(&page.body, "csrf");
    let mut fields = fields.to_vec();
    fields.push(("csrf", &token));
    app.post_form(client, "/portal/register", &fields).await
}

/// Logs in through the API with the password the registrations here choose.
async fn login_registered(app: &TestApp, username: &str) -> Client {
    let mut client = Client::default();
    let body = serde_json::json!({ "username": username, "password": "a-long-enough-password" });
    let reply = app.post_json(&mut client, "/api/v1/session", body).await;
    assert_eq!(reply.status, StatusCode::OK, "login as {username}: {}", reply.body);
    client.csrf = reply.json()["data"]["csrf_token"].as_str().unwrap().to_string();
    client
}

fn person(id: &str, username: &str) -> Vec<(&'static str, String)> {
    vec![
        ("kind", "individual".into()),
        ("name", "钱小红".into()),
        ("identifier", id.into()),
        ("phone", "139 0571 2345".into()),
        ("email", "qian@example.cn".into()),
        ("username", username.into()),
        ("password", "a-long-enough-password".into()),
        ("confirm", "a-long-enough-password".into()),
        ("terms", "1".into()),
    ]
}

fn pairs<'a>(v: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    v.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_registration_with_two_bad_fields_comes_back_with_each_message_beside_its_field() {
    let app = TestApp::new().await;
    let users = app.store.store.users().await.unwrap().len();
    let (_, bad_id) = common::person_ids();
    let mut fields = person(&bad_id, "qian_xh");
    fields[3].1 = "2390571234".into();
    let mut client = Client::default();
    let reply = register(&app, &mut client, &pairs(&fields)).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
    let body = decoded(&reply.body);
    assert!(body.contains("2 处需要修改"), "the summary counts them");
    for field in ["identifier", "phone"] {
        assert!(body.contains(&format!("id=\"register-{field}-error\"")), "{field}'s message beside it");
    }
    assert!(body.contains("校验"), "the ID's check character is named: {body}");
    assert!(body.contains("不是有效的手机号码"));
    assert!(body.contains("value=\"qian_xh\""), "what was typed is kept");
    assert!(!body.contains("a-long-enough-password"), "never the password");
    assert_eq!(app.store.store.users().await.unwrap().len(), users, "nothing created");
    // Without the page's token (a cross-site post), refused before anything is read.
    let mut stranger = Client::default();
    let reply = app.post_form(&mut stranger, "/portal/register", &pairs(&fields)).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_individual_registers_logs_in_uploads_documents_and_only_it_and_the_staff_read_them() {
    let app = TestApp::new().await;
    let s = &app.store.store;
    let (good, _) = common::person_ids();
    let mut client = Client::default();
    let reply = register(&app, &mut client, &pairs(&person(&good, "qian_xh"))).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(reply.location(), "/login?registered=1&next=/portal");
    let user = s.user_by_username("qian_xh").await.unwrap().unwrap();
    assert_eq!(user.role, huajie_core::Role::Investor);
    let mine = s.investor_of_user(user.id).await.unwrap().unwrap();
    assert_eq!((mine.status, mine.phone.as_str()), (InvestorStatus::Applied, "13905712345"));
    // The same user name and ID number again: both refused beside their fields.
    let reply = register(&app, &mut Client::default(), &pairs(&person(&good, "qian_xh"))).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    let body = decoded(&reply.body);
    assert!(body.contains("id=\"register-username-error\"") && body.contains("已被使用"), "{body}");
    assert!(body.contains("id=\"register-identifier-error\"") && body.contains("已注册"));

    // Logged in, it sees its status and uploads two documents at once.
    let mut investor = login_registered(&app, "qian_xh").await;
    let portal = decoded(&app.get(&mut investor, "/portal").await.body);
    assert!(portal.contains("待审核"), "{portal}");
    let csrf = investor.csrf.clone();
    let files: [(&str, &[u8]); 2] = [("id-front.jpg", b"JPEG front"), ("id-back.jpg", b"JPEG back")];
    let reply = app
        .post_files(&mut investor, "/portal/documents", &[("csrf", &csrf), ("kind", "identity")], &files, None)
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let docs = s.investor_documents(Some(mine.id)).await.unwrap();
    assert_eq!(docs.iter().map(|d| d.name.as_str()).collect::<Vec<_>>(), ["id-front.jpg", "id-back.jpg"]);
    let portal = decoded(&app.get(&mut investor, "/portal").await.body);
    assert!(portal.contains("id-front.jpg") && portal.contains("身份证明"));
    // An empty file refuses the lot, on the page.
    let files: [(&str, &[u8]); 2] = [("funds.pdf", b"%PDF"), ("empty.pdf", b"")];
    let reply = app
        .post_files(&mut investor, "/portal/documents", &[("csrf", &csrf), ("kind", "proof_of_funds")], &files, None)
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(decoded(&reply.body).contains("“empty.pdf”为空"));
    assert_eq!(s.investor_documents(Some(mine.id)).await.unwrap().len(), 2, "none of them saved");

    // Its own document it reads; the staff who qualify read it; another investor does not.
    let path = format!("/investor-documents/{}", docs[0].id);
    assert_eq!(app.get_bytes(&investor, &path).await, (StatusCode::OK, b"JPEG front".to_vec()));
    assert_eq!(app.get_bytes(&app.login("risk").await, &path).await.0, StatusCode::OK);
    assert_eq!(app.get_bytes(&app.login("zhao_mingyuan").await, &path).await.0, StatusCode::NOT_FOUND);
    assert_eq!(app.get_bytes(&app.login("finance").await, &path).await.0, StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_screening_refuses_a_staff_members_relatives_company_and_only_the_staff_read_why() {
    let app = TestApp::new().await;
    let s = &app.store.store;
    // The consultancy the staff member's daughter directs (the demo's compliance book).
    let consultancy = huajie_core::Uscc::with_check_chars("91330108MA7DE030").unwrap().to_string();
    let fields: Vec<(&str, String)> = vec![
        ("kind", "company".into()),
        ("name", "杭州小雨企业管理咨询有限公司".into()),
        ("identifier", consultancy.clone()),
        ("legal_rep", "孙小雨".into()),
        ("phone", "13600000001".into()),
        ("email", "xiaoyu@example.cn".into()),
        ("username", "xiaoyu_consult".into()),
        ("password", "a-long-enough-password".into()),
        ("confirm", "a-long-enough-password".into()),
        ("terms", "1".into()),
    ];
    let reply = register(&app, &mut Client::default(), &pairs(&fields)).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let mut investor = login_registered(&app, "xiaoyu_consult").await;
    let csrf = investor.csrf.clone();
    for (kind, name) in [("business_licence", "licence.pdf"), ("proof_of_funds", "funds.pdf")] {
        let reply = app
            .post_multipart(
                &mut investor,
                "/portal/documents",
                &[("csrf", &csrf), ("kind", kind)],
                (name, b"%PDF"),
                None,
            )
            .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER);
    }
    let id = s.investors(Some(InvestorStatus::Applied)).await.unwrap()[0].id;
    assert_eq!(s.investor(id).await.unwrap().party_id, s.party_by_identifier(&consultancy).await.unwrap().unwrap().id);

    // Staff see the screening on its page, and qualifying it is refused with the reason.
    let mut risk = app.login("risk").await;
    let page = decoded(&app.get(&mut risk, &format!("/investors/{id}")).await.body);
    assert!(page.contains("id=\"investor-screening\"") && page.contains("任职或参与的企业"), "{page}");
    let csrf_risk = risk.csrf.clone();
    let reply = app.post_form(&mut risk, &format!("/investors/{id}/qualify"), &[("csrf", &csrf_risk)]).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(decoded(&reply.body).contains("筛查未通过"), "staff read why");
    let reply = app.post_json(&mut risk, &format!("/api/v1/investors/{id}/qualify"), serde_json::json!({})).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "the API needs the token too");
    assert_eq!(s.investor(id).await.unwrap().status, InvestorStatus::Applied, "not qualified");
    // Refused with the reason: staff read it, the investor only that it cannot be accepted.
    let reply = app
        .post_form(
            &mut risk,
            &format!("/investors/{id}/refuse"),
            &[("csrf", &csrf_risk), ("reason", "员工近亲属参与的企业（TX3/TX4）")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert!(decoded(&app.get(&mut risk, &format!("/investors/{id}")).await.body).contains("员工近亲属参与的企业"));
    let portal = decoded(&app.get(&mut investor, "/portal").await.body);
    assert!(portal.contains("未通过") && portal.contains("您的申请未能受理"), "{portal}");
    assert!(!portal.contains("近亲属") && !portal.contains("TX"), "never why");
    let mine = app.get(&mut investor, "/api/v1/portal/registration").await;
    assert_eq!(mine.json()["data"]["status"], "refused");
    assert!(!mine.body.contains("近亲属"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_ask_for_documents_the_investor_sends_them_and_is_qualified_personal_data_masked_for_risk() {
    let app = TestApp::new().await;
    // The demo's 宁波海曙资本 (investor 3) waits for its proof of funds.
    let mut haishu = app.login("haishu_capital").await;
    let portal = decoded(&app.get(&mut haishu, "/portal").await.body);
    assert!(portal.contains("id=\"portal-request\"") && portal.contains("资金证明"), "{portal}");
    let csrf = haishu.csrf.clone();
    let reply = app
        .post_multipart(
            &mut haishu,
            "/api/v1/portal/documents",
            &[("kind", "proof_of_funds")],
            ("funds.pdf", b"%PDF"),
            Some(&csrf),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let mut manager = app.login("asset_manager").await;
    let csrf = manager.csrf.clone();
    let reply = app
        .send(
            &mut manager,
            axum::http::Request::post("/api/v1/investors/3/qualify")
                .header("x-csrf-token", &csrf)
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.json()["data"]["status"], "qualified");
    let portal = decoded(&app.get(&mut haishu, "/portal").await.body);
    assert!(portal.contains("已通过"));
    // A person's name, ID and phone: whole for the asset managers, masked for risk.
    let mut risk = app.login("risk").await;
    let list = app.get(&mut risk, "/api/v1/investors").await.json();
    let zhao = list["data"].as_array().unwrap().iter().find(|i| i["kind"] == "individual").unwrap().clone();
    assert_eq!((zhao["name"].as_str().unwrap(), zhao["phone"].as_str().unwrap()), ("赵**", "137****0013"));
    assert!(zhao["identifier"].as_str().unwrap().contains("********"));
    let list = app.get(&mut manager, "/api/v1/investors").await.json();
    let zhao = list["data"].as_array().unwrap().iter().find(|i| i["kind"] == "individual").unwrap().clone();
    assert_eq!(zhao["name"], "赵明远");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_source_may_register_so_many_times_an_hour() {
    let app = TestApp::new().await;
    let max = huajie_core::throttle::REGISTRATIONS_PER_SOURCE_MAX;
    let mut client = Client::from("203.0.113.7");
    for _ in 0..max {
        let reply = register(&app, &mut client, &[("kind", "individual")]).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    }
    let reply = register(&app, &mut client, &[("kind", "individual")]).await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(decoded(&reply.body).contains("注册次数过多"));
    let reply = register(&app, &mut Client::from("203.0.113.8"), &[("kind", "individual")]).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "another source is not held back");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_log_hides_investors_personal_data_from_roles_without_it() {
    let app = TestApp::new().await;
    // The demo's person, 赵明远: his registration is in the chain with his ID number and phone.
    for role in ["risk", "auditor", "admin"] {
        let mut client = app.login(role).await;
        let page = decoded(&app.get(&mut client, "/audit?per_page=500").await.body);
        let api = app.get(&mut client, "/api/v1/audit?limit=500").await.body;
        for shown in [&page, &api] {
            assert!(
                !shown.contains("13757120013") && !shown.contains("zhao.mingyuan@"),
                "{role}: a phone or an e-mail"
            );
        }
    }
}

/// The names in the investors table, in the order shown.
fn investor_names(html: &str) -> Vec<String> {
    html.split("<td><a href=\"/investors/")
        .skip(1)
        .filter_map(|cell| Some(cell.split_once("\">")?.1.split_once("</a>")?.0.to_string()))
        .filter(|name| !name.chars().all(|c| c.is_ascii_digit()))
        .collect()
}

/// Issue 16, point 8: the investors list offers 按名称拼音 beside newest first: by name the
/// three 杭州 companies come first (hang zhou heng < jian < qian, where code points put 建 before
/// 恒), then 宁波 (ning), 赵 (zhao), 浙江 (zhe).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_investors_list_sorts_by_name_in_pinyin_order_on_request() {
    let app = TestApp::new().await;
    let mut manager = app.login("asset_manager").await;
    let page = decoded(&app.get(&mut manager, "/investors?sort=name").await.body);
    assert!(page.contains("<option value=\"name\" selected>按名称拼音</option>"), "the choice is kept");
    let by_name = investor_names(&page);
    assert_eq!(
        by_name,
        [
            "杭州恒润商贸有限公司",
            "杭州建平贸易有限公司",
            "杭州钱潮投资有限公司",
            "宁波海曙资本管理有限公司",
            "赵明远",
            "浙江甬金投资有限公司"
        ]
    );
    let newest = investor_names(&decoded(&app.get(&mut manager, "/investors").await.body));
    assert_ne!(newest, by_name, "newest first is another order");
    let mut same = newest.clone();
    same.sort_by(|a, b| huajie_core::collate::by_pinyin(a, b));
    assert_eq!(same, by_name, "the same investors");
}
