//! What users depend on in the web layer: login and its limits, CSRF, masking, the
//! language switch, user administration, and the API's promise to its OpenAPI document.

mod common;

use axum::http::StatusCode;
use common::{Client, PASSWORD, TestApp, hidden_field};
use huajie_core::PartyKind;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_browser_logs_in_sees_its_home_and_logs_out() {
    let app = TestApp::new().await;
    let mut browser = Client::default();
    let reply = app.login_with_form(&mut browser, "risk", PASSWORD).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.location(), "/dashboard");
    let session_cookie = reply.set_cookies().into_iter().find(|c| c.starts_with("huajie_session=")).unwrap();
    assert!(session_cookie.contains("HttpOnly"), "{session_cookie}");
    assert!(session_cookie.contains("SameSite=Lax"), "{session_cookie}");

    let dashboard = app.get(&mut browser, "/dashboard").await;
    assert_eq!(dashboard.status, StatusCode::OK);
    assert!(dashboard.body.contains("公司概览"), "Chinese by default");
    assert!(dashboard.body.contains("浙江明湖资产管理有限公司"));
    assert!(dashboard.body.contains("亿元"), "amounts in 亿元");
    for chart in ["chart-province", "chart-collateral", "chart-five-class", "chart-stage"] {
        assert!(dashboard.body.contains(chart), "{chart}");
    }
    // Navigation shows only what the role may open: risk sees the audit log, not users.
    assert!(dashboard.body.contains("href=\"/audit\""));
    assert!(!dashboard.body.contains("href=\"/admin/users\""));
    for (name, value) in [("x-frame-options", "DENY"), ("x-content-type-options", "nosniff")] {
        assert_eq!(dashboard.headers.get(name).unwrap(), value);
    }
    assert!(dashboard.headers.get("content-security-policy").is_some());

    let csrf = hidden_field(&dashboard.body, "csrf");
    let out = app.post_form(&mut browser, "/logout", &[("csrf", &csrf)]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(app.get(&mut browser, "/dashboard").await.status, StatusCode::SEE_OTHER, "the session is over");
    let actions: Vec<String> = app.store.store.audit_log(5, 0).await.unwrap().into_iter().map(|r| r.action).collect();
    assert!(actions.contains(&"login".to_string()) && actions.contains(&"logout".to_string()), "{actions:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_is_refused_and_repeated_failures_are_rate_limited() {
    let app = TestApp::new().await;
    let mut browser = Client::default();
    let reply = app.login_with_form(&mut browser, "finance", "not-the-password").await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert!(reply.body.contains("用户名或密码错误"), "{}", reply.body);
    assert!(reply.body.contains("value=\"finance\""), "the user name is kept in the form");
    // The same answer for a user that does not exist: no user enumeration.
    let reply = app.login_with_form(&mut browser, "nobody", "not-the-password").await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    for _ in 0..4 {
        app.login_with_form(&mut browser, "finance", "still-wrong").await;
    }
    // Five failures in the window: even the right password is refused for now.
    let reply = app.login_with_form(&mut browser, "finance", PASSWORD).await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(reply.body.contains("15 分钟"), "{}", reply.body);
    // Another user from elsewhere is not affected.
    let reply = app.login_with_form(&mut Client::default(), "valuer", PASSWORD).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let failures =
        app.store.store.audit_log(50, 0).await.unwrap().iter().filter(|r| r.action == "login_failed").count();
    assert_eq!(failures, 6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forms_without_the_right_csrf_token_are_refused() {
    let app = TestApp::new().await;
    let mut admin = app.login("admin").await;
    let fields =
        [("username", "mallory"), ("display_name", "M"), ("role", "admin"), ("password", "a-long-enough-password")];
    let reply = app.post_form(&mut admin, "/admin/users", &fields).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "no token");
    assert!(reply.body.contains("表单已过期"), "{}", reply.body);
    let mut with_wrong = fields.to_vec();
    with_wrong.push(("csrf", "0000"));
    assert_eq!(app.post_form(&mut admin, "/admin/users", &with_wrong).await.status, StatusCode::FORBIDDEN);
    assert!(app.store.store.user_by_username("mallory").await.unwrap().is_none(), "nothing was created");

    // The login form has its own token, tied to a cookie.
    let mut browser = Client::default();
    let reply = app
        .post_form(&mut browser, "/login", &[("username", "admin"), ("password", PASSWORD), ("csrf", "forged")])
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);

    // The API's logout needs the token as a header.
    let reply = app
        .send(&mut admin, axum::http::Request::delete("/api/v1/session").body(axum::body::Body::empty()).unwrap())
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(reply.json()["error"]["code"], "csrf");
    let request = axum::http::Request::delete("/api/v1/session")
        .header("x-csrf-token", admin.csrf.clone())
        .body(axum::body::Body::empty())
        .unwrap();
    assert_eq!(app.send(&mut admin, request).await.status, StatusCode::OK);
    assert_eq!(app.get(&mut admin, "/api/v1/me").await.status, StatusCode::UNAUTHORIZED);
}

/// The id of a claim whose debtor is a person, with an individual guarantor if possible.
async fn personal_claim(app: &TestApp) -> (i64, i64, String) {
    for package in app.store.store.packages().await.unwrap() {
        for row in app.store.store.claims_of_package(package.package.id).await.unwrap() {
            if row.debtor.data.kind() == PartyKind::Individual {
                return (
                    row.claim.id,
                    row.debtor.id,
                    row.debtor.data.identity.id_text().unwrap_or_default().to_string(),
                );
            }
        }
    }
    panic!("the demo has personal debtors");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn personal_data_is_masked_outside_its_owners() {
    let app = TestApp::new().await;
    let (claim, debtor, id_number) = personal_claim(&app).await;
    let full_name = app.store.store.party(debtor).await.unwrap().unwrap().data.name;
    let mut owner = app.login("asset_manager").await;
    let page = app.get(&mut owner, &format!("/claims/{claim}")).await;
    assert!(page.body.contains(&id_number) && page.body.contains(&full_name));

    for role in ["valuer", "committee", "auditor", "admin"] {
        let mut viewer = app.login(role).await;
        let page = app.get(&mut viewer, &format!("/claims/{claim}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains(&id_number), "{role} sees the ID number");
        assert!(!page.body.contains(&full_name), "{role} sees the name");
        assert!(
            page.body.contains(&format!("{}********{}", &id_number[..6], &id_number[14..])),
            "{role}: masked form shown"
        );
        let api = app.get(&mut viewer, &format!("/api/v1/parties/{debtor}")).await.json();
        assert_eq!(api["data"]["masked"], true, "{role}");
        assert!(!api.to_string().contains(&id_number), "{role} API");
        // A masked viewer cannot confirm a person by searching for the name or number.
        let found = app.get(&mut viewer, &format!("/api/v1/parties?q={}", &id_number)).await.json();
        assert_eq!(found["total"], 0, "{role} found a person by ID number");
        let audit = app.get(&mut viewer, "/api/v1/audit?limit=1000").await;
        if audit.status == StatusCode::OK {
            assert!(!audit.body.contains(&id_number), "{role} reads personal data in the audit log");
        }
    }
    let found = app.get(&mut owner, &format!("/api/v1/parties?q={}", &id_number)).await.json();
    assert_eq!(found["total"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn english_is_one_click_away_and_the_switch_goes_back_safely() {
    let app = TestApp::new().await;
    let mut client = app.login("committee").await;
    let zh = app.get(&mut client, "/packages").await;
    assert!(zh.body.contains("资产包") && zh.body.contains("lang=\"zh-CN\""));
    let href = format!(
        "/lang/en?next={}",
        percent_encoding::utf8_percent_encode("/packages", percent_encoding::NON_ALPHANUMERIC)
    );
    assert!(zh.body.contains(&href), "the page links to its English twin");
    let switch = app.get(&mut client, &href).await;
    assert_eq!(switch.status, StatusCode::SEE_OTHER);
    assert_eq!(switch.location(), "/packages");
    let en = app.get(&mut client, "/packages").await;
    assert!(
        en.body.contains("lang=\"en\"") && en.body.contains("Transferor") && en.body.contains("CNY"),
        "{}",
        en.body
    );
    assert!(!en.body.contains("转让方"));
    let err = app.get(&mut client, "/api/v1/users").await.json();
    assert_eq!(err["error"]["message"], "Your role may not open this page or do this.");
    // Only local paths: no open redirect.
    for next in ["//evil.example", "https://evil.example/", "/\\evil.example"] {
        let path = format!(
            "/lang/zh?next={}",
            percent_encoding::utf8_percent_encode(next, percent_encoding::NON_ALPHANUMERIC)
        );
        assert_eq!(app.get(&mut client, &path).await.location(), "/", "{next}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_manages_users_and_every_change_is_audited() {
    let app = TestApp::new().await;
    let mut admin = app.login("admin").await;
    let csrf = admin.csrf.clone();
    let create = [
        ("username", "zhang.wei"),
        ("display_name", "张伟"),
        ("role", "valuer"),
        ("password", "valuer-password-1"),
        ("csrf", &csrf),
    ];
    let reply = app.post_form(&mut admin, "/admin/users", &create).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let again = app.post_form(&mut admin, "/admin/users", &create).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert!(again.body.contains("该用户名已被使用"));
    let short =
        [("username", "li.na"), ("display_name", "李娜"), ("role", "valuer"), ("password", "short"), ("csrf", &csrf)];
    let reply = app.post_form(&mut admin, "/admin/users", &short).await;
    assert!(reply.body.contains("密码至少需要 10 个字符"));

    let mut zhang = Client::default();
    assert_eq!(app.login_with_form(&mut zhang, "zhang.wei", "valuer-password-1").await.status, StatusCode::SEE_OTHER);
    assert_eq!(app.get(&mut zhang, "/packages").await.status, StatusCode::OK);

    let id = app.store.store.user_by_username("zhang.wei").await.unwrap().unwrap().id;
    let disable = [("display_name", "张伟"), ("role", "valuer"), ("csrf", &csrf)];
    assert_eq!(app.post_form(&mut admin, &format!("/admin/users/{id}"), &disable).await.status, StatusCode::SEE_OTHER);
    assert_eq!(app.get(&mut zhang, "/packages").await.status, StatusCode::SEE_OTHER, "disabling ends the session");
    assert_eq!(
        app.login_with_form(&mut zhang, "zhang.wei", "valuer-password-1").await.status,
        StatusCode::UNAUTHORIZED
    );

    let me = app.store.store.user_by_username("admin").await.unwrap().unwrap().id;
    let demote = [("display_name", "x"), ("role", "valuer"), ("active", "1"), ("csrf", &csrf)];
    let reply = app.post_form(&mut admin, &format!("/admin/users/{me}"), &demote).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.body.contains("不能停用自己的账户"));

    let history = app.store.store.audit_of("user", &id.to_string()).await.unwrap();
    assert_eq!(
        history.iter().map(|r| (r.actor.as_str(), r.action.as_str())).collect::<Vec<_>>(),
        [("admin", "create"), ("admin", "update")]
    );
    assert!(app.store.store.verify_audit().await.unwrap().is_intact());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_changes_their_own_password() {
    let app = TestApp::new().await;
    let mut client = Client::default();
    app.login_with_form(&mut client, "finance", PASSWORD).await;
    let page = app.get(&mut client, "/account").await;
    let csrf = hidden_field(&page.body, "csrf");
    let wrong =
        [("current", "nope"), ("new", "finance-new-pass"), ("confirm", "finance-new-pass"), ("csrf", csrf.as_str())];
    let reply = app.post_form(&mut client, "/account/password", &wrong).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.body.contains("当前密码不正确"));
    let ok =
        [("current", PASSWORD), ("new", "finance-new-pass"), ("confirm", "finance-new-pass"), ("csrf", csrf.as_str())];
    let reply = app.post_form(&mut client, "/account/password", &ok).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(app.login_with_form(&mut Client::default(), "finance", PASSWORD).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        app.login_with_form(&mut Client::default(), "finance", "finance-new-pass").await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn claim_and_package_pages_show_what_the_tape_said() {
    let app = TestApp::new().await;
    let mut client = app.login("acquisition").await;
    // A claim secured by an item that also secures another claim links to it.
    let store = &app.store.store;
    let mut shared = None;
    'find: for package in store.packages().await.unwrap() {
        for row in store.claims_of_package(package.package.id).await.unwrap() {
            let items = store.collateral_of_claim(row.claim.id).await.unwrap();
            if let Some(item) = items.iter().find(|m| m.secures.len() > 1) {
                shared = Some((row.claim.id, item.secures.clone()));
                break 'find;
            }
        }
    }
    let (claim, secures) = shared.expect("the demo has shared collateral");
    let page = app.get(&mut client, &format!("/claims/{claim}")).await;
    for (other, contract) in &secures {
        assert!(page.body.contains(&format!("href=\"/claims/{other}\">{contract}</a>")), "links to {contract}");
    }
    let api = app.get(&mut client, &format!("/api/v1/claims/{claim}")).await.json();
    let total = api["data"]["principal_fen"].as_i64().unwrap()
        + api["data"]["interest_fen"].as_i64().unwrap()
        + api["data"]["penalty_fen"].as_i64().unwrap()
        + api["data"]["advanced_costs_fen"].as_i64().unwrap();
    assert_eq!(api["data"]["total_fen"].as_i64().unwrap(), total);

    // The first package has 112 claims: two pages of 100.
    let first = app.get(&mut client, "/packages/1").await;
    assert_eq!(first.body.matches("href=\"/claims/").count(), 100);
    assert!(first.body.contains("第 1 / 2 页"));
    let second = app.get(&mut client, "/packages/1?page=2").await;
    assert_eq!(second.body.matches("href=\"/claims/").count(), 12);
    assert_eq!(app.get(&mut client, "/claims/999999").await.status, StatusCode::NOT_FOUND);
    assert!(app.get(&mut client, "/claims/999999").await.body.contains("您要找的内容不存在"));
    assert_eq!(app.get(&mut client, "/claims/not-a-number").await.status, StatusCode::BAD_REQUEST);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openapi_document_describes_exactly_the_api() {
    let app = TestApp::new().await;
    let mut anonymous = Client::default();
    let doc = app.get(&mut anonymous, "/api/openapi.json").await.json();
    let mut documented: Vec<(String, String)> = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            documented.push((method.clone(), path.clone()));
        }
    }
    documented.sort();
    let mut routed: Vec<(String, String)> =
        huajie_web::api::API_ROUTES.iter().map(|(m, p)| (m.to_string(), p.to_string())).collect();
    routed.sort();
    assert_eq!(documented, routed);
    // And each is really routed: without a session it answers 401, not 404.
    for (method, path) in &routed {
        if path == "/api/v1/session" {
            continue;
        }
        let request = axum::http::Request::builder()
            .method(method.to_uppercase().as_str())
            .uri(path.replace("{id}", "1"))
            .body(axum::body::Body::empty())
            .unwrap();
        assert_eq!(app.send(&mut anonymous, request).await.status, StatusCode::UNAUTHORIZED, "{method} {path}");
    }
    let bad = app.post_json(&mut anonymous, "/api/v1/session", serde_json::json!({ "user": "x" })).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.json()["error"]["code"], "bad_request");
}
