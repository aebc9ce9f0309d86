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
async fn a_wrong_password_is_refused_and_repeated_failures_are_throttled_per_source() {
    let app = TestApp::new().await;
    let mut browser = Client::from("203.0.113.7");
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
    // Five failures from this source: even the right password waits, and is not checked.
    let checks = app.password_checks();
    let reply = app.login_with_form(&mut browser, "finance", PASSWORD).await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(reply.body.contains("1 分钟"), "{}", reply.body);
    assert_eq!(app.password_checks(), checks);
    // The owner, from anywhere else, is not locked out; nor is another user.
    let reply = app.login_with_form(&mut Client::from("198.51.100.20"), "finance", PASSWORD).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let reply = app.login_with_form(&mut Client::from("198.51.100.21"), "valuer", PASSWORD).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let failures =
        app.store.store.audit_log(50, 0).await.unwrap().iter().filter(|r| r.action == "login_failed").count();
    assert_eq!(failures, 6);
}

/// One API login from `ip`, as its own request: the status.
async fn login_from(router: axum::Router, ip: String, username: &str, password: &str) -> StatusCode {
    let body = serde_json::json!({ "username": username, "password": password }).to_string();
    let mut request = axum::http::Request::post("/api/v1/session")
        .header(axum::http::header::CONTENT_TYPE, "application/json")
        .body(axum::body::Body::from(body))
        .unwrap();
    let addr = std::net::SocketAddr::new(ip.parse().unwrap(), 40000);
    request.extensions_mut().insert(axum::extract::ConnectInfo(addr));
    tower::ServiceExt::oneshot(router, request).await.unwrap().status()
}

/// Fires 200 wrong logins at `username` at once, from `source(i)`, and counts the answers.
async fn flood(app: &TestApp, username: &'static str, source: fn(usize) -> String) -> (usize, usize) {
    let mut set = tokio::task::JoinSet::new();
    for i in 0..200 {
        let router = app.router.clone();
        set.spawn(login_from(router, source(i), username, "guess-guess-guess"));
    }
    let (mut refused, mut throttled) = (0, 0);
    while let Some(status) = set.join_next().await {
        match status.unwrap() {
            StatusCode::BAD_REQUEST => refused += 1,
            StatusCode::TOO_MANY_REQUESTS => throttled += 1,
            other => panic!("unexpected {other}"),
        }
    }
    (refused, throttled)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_parallel_guesses_get_no_more_password_checks_than_the_limit() {
    use huajie_core::throttle::{FAILURES_PER_ACCOUNT_MAX, FREE_FAILURES_PER_SOURCE};
    let app = TestApp::new().await;
    // From one source: the free failures, and not one more.
    let before = app.password_checks();
    let (refused, throttled) = flood(&app, "admin", |_| "203.0.113.9".into()).await;
    let checked = app.password_checks() - before;
    assert_eq!(checked, FREE_FAILURES_PER_SOURCE as u64, "argon2 verifications");
    assert_eq!((refused, throttled), (FREE_FAILURES_PER_SOURCE as usize, 200 - FREE_FAILURES_PER_SOURCE as usize));
    // The right password from that source now waits too, unchecked.
    let router = app.router.clone();
    assert_eq!(login_from(router, "203.0.113.9".into(), "admin", PASSWORD).await, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(app.password_checks() - before, checked);
    // The administrator, from their own desk, logs in.
    let router = app.router.clone();
    assert_eq!(login_from(router, "198.51.100.1".into(), "admin", PASSWORD).await, StatusCode::OK);

    // From 200 sources at once: the account's ceiling, and not one more.
    let before = app.password_checks();
    let (refused, _) = flood(&app, "risk", |i| format!("10.9.{}.{}", i / 250, i % 250 + 1)).await;
    assert_eq!(app.password_checks() - before, FAILURES_PER_ACCOUNT_MAX as u64);
    assert_eq!(refused, FAILURES_PER_ACCOUNT_MAX as usize);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_delay_grows_with_each_failure_from_a_source_and_a_success_ends_it() {
    let clock = std::sync::Arc::new(huajie_core::clock::FixedClock::at(huajie_core::clock::Clock::now(
        &huajie_core::clock::SystemClock,
    )));
    let app = TestApp::with_clock(clock.clone()).await;
    let attacker = || Client::from("203.0.113.50");
    for _ in 0..5 {
        assert_eq!(
            app.login_with_form(&mut attacker(), "committee", "wrong-wrong").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    let reply = app.login_with_form(&mut attacker(), "committee", "wrong-wrong").await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(reply.body.contains("1 分钟"), "{}", reply.body);
    clock.advance(chrono::Duration::seconds(61));
    assert_eq!(app.login_with_form(&mut attacker(), "committee", "wrong-wrong").await.status, StatusCode::UNAUTHORIZED);
    // Six failures: two minutes now.
    let reply = app.login_with_form(&mut attacker(), "committee", PASSWORD).await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(reply.body.contains("2 分钟"), "{}", reply.body);
    clock.advance(chrono::Duration::seconds(61));
    assert_eq!(app.login_with_form(&mut attacker(), "committee", PASSWORD).await.status, StatusCode::TOO_MANY_REQUESTS);
    clock.advance(chrono::Duration::seconds(60));
    // The owner at that desk gets in after the delay, and the success clears the slate.
    assert_eq!(app.login_with_form(&mut attacker(), "committee", PASSWORD).await.status, StatusCode::SEE_OTHER);
    for _ in 0..5 {
        assert_eq!(
            app.login_with_form(&mut attacker(), "committee", "wrong-wrong").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
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
    for s in &secures {
        let (other, contract) = (s.claim_id, &s.contract_no);
        let link =
            format!("href=\"/claims/{other}\">{contract}</a> <span class=\"muted\">第{}顺位</span>", s.lien_rank);
        assert!(page.body.contains(&link), "links to {contract} at its rank");
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
        let status = app.send(&mut anonymous, request).await.status;
        // The public portal's announcements need no session: the list answers, and so does
        // announcement 1 (the demo's first, published).
        // So do the public lots: the list, and lot 1 when there is one (404, not 401, when none).
        let expected = match path.as_str() {
            "/api/v1/public/announcements" | "/api/v1/public/announcements/{id}" | "/api/v1/public/lots" => {
                StatusCode::OK
            }
            "/api/v1/public/lots/{id}" if app.store.store.lot(1).await.is_ok() => StatusCode::OK,
            "/api/v1/public/lots/{id}" => StatusCode::NOT_FOUND,
            _ => StatusCode::UNAUTHORIZED,
        };
        assert_eq!(status, expected, "{method} {path}");
    }
    let bad = app.post_json(&mut anonymous, "/api/v1/session", serde_json::json!({ "user": "x" })).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.json()["error"]["code"], "bad_request");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn next_goes_only_to_a_path_on_this_site_and_never_fails() {
    let app = TestApp::new().await;
    // As they arrive in the query string: tab, line breaks, backslashes, other hosts, encoded or not.
    let hostile = [
        "/%09/evil.example",
        "//evil.example",
        "/%5Cevil.example",
        "/%5C%5Cevil.example",
        "%2F%2Fevil.example",
        "/%2F/evil.example",
        "/%0d%0aSet-Cookie:%20x=1",
        "/%0aevil",
        "/ok%0d",
        "https://evil.example/",
        "/%E4%BD%A0",
        "%00",
    ];
    let mut client = app.login("committee").await;
    for next in hostile {
        let reply = app.get(&mut client, &format!("/lang/zh?next={next}")).await;
        assert_eq!((reply.status, reply.location()), (StatusCode::SEE_OTHER, "/"), "/lang/zh?next={next}");
        let reply = app.get(&mut client, &format!("/login?next={next}")).await;
        assert_eq!((reply.status, reply.location()), (StatusCode::SEE_OTHER, "/"), "/login?next={next} logged in");
        // Logging in with such a `next`, from the form as a browser would post it.
        let mut browser = Client::from("198.51.100.77");
        let page = app.get(&mut browser, &format!("/login?next={next}")).await;
        assert_eq!(page.status, StatusCode::OK, "/login?next={next}");
        let token = hidden_field(&page.body, "csrf");
        let decoded = percent_encoding::percent_decode_str(next).decode_utf8_lossy().into_owned();
        let reply = app
            .post_form(
                &mut browser,
                "/login",
                &[("username", "committee"), ("password", PASSWORD), ("csrf", &token), ("next", &decoded)],
            )
            .await;
        assert_eq!((reply.status, reply.location()), (StatusCode::SEE_OTHER, "/"), "login with next={next:?}");
    }
    // A path of this site, with its query, is followed.
    let reply = app.get(&mut client, "/lang/en?next=%2Fpackages%3Fpage%3D2").await;
    assert_eq!(reply.location(), "/packages?page=2");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_login_with_a_huge_user_name_writes_a_bounded_audit_record() {
    let app = TestApp::new().await;
    let huge = "a".repeat(1_500_000);
    let reply = app
        .post_json(&mut Client::default(), "/api/v1/session", serde_json::json!({ "username": huge, "password": "x" }))
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body.chars().take(200).collect::<String>());
    let r = app.store.store.audit_log(1, 0).await.unwrap().remove(0);
    assert_eq!(r.action, "login_failed");
    let kept = r.entity_id.len() + r.after.as_deref().unwrap_or("").len();
    assert!(kept < 4 * huajie_store::audit::AUDIT_TEXT_CHARS_MAX, "{kept} bytes in one record");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_over_the_limit_is_413_and_an_absurd_page_is_clamped() {
    let config = huajie_web::WebConfig { upload_bytes_max: 64 * 1024, ..huajie_web::WebConfig::default() };
    let app = TestApp::on(huajie_store::testing::TestStore::sqlite().await, config).await;
    let big = vec![b'x'; 100 * 1024];
    let uploads: [(&str, &str, &str); 4] = [
        ("acquisition", "/imports", "page"),
        ("acquisition", "/api/v1/imports", "api"),
        ("finance", "/compliance/book/import", "page"),
        ("valuer", "/assumptions/1/curves", "page"),
    ];
    for (role, path, kind) in uploads {
        let mut client = app.login(role).await;
        let csrf = client.csrf.clone();
        let header = (kind == "api").then_some(csrf.as_str());
        let reply =
            app.post_multipart(&mut client, path, &[("csrf", &csrf), ("name", "x")], ("big.csv", &big), header).await;
        assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE, "{role} {path}: {}", reply.body);
        if kind == "api" {
            assert_eq!(reply.json()["error"]["code"], "too_large");
            assert!(reply.json()["error"]["message"].as_str().unwrap().contains("上限为 64 KB"));
        } else {
            assert!(reply.body.contains("内容过大") && reply.body.contains("上限为 64 KB"), "{}", reply.body);
        }
    }
    // A form over the forms' limit too.
    let huge = "a".repeat(3 * 1024 * 1024);
    let reply = app.post_form(&mut Client::default(), "/login", &[("username", &huge)]).await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(reply.body.contains("上限为 2 MB"), "{}", reply.body);

    let mut admin = app.login("admin").await;
    for path in ["/packages/1", "/parties", "/audit", "/imports/1"] {
        // Clamped to the pages there are, or read as the first: never a refusal, never a panic.
        for page in ["9223372036854775807", "99999999999999999999999", "1000001", "-5", "0", "abc", "", "1e9"] {
            let reply = app.get(&mut admin, &format!("{path}?page={page}")).await;
            assert_eq!(reply.status, StatusCode::OK, "{path}?page={page}");
        }
    }
}

/// A multipart upload of `tape` as package `code`, ready to send.
fn import_request(client: &Client, code: &str, tape: &[u8]) -> axum::http::Request<axum::body::Body> {
    let boundary = "huajie-load-boundary";
    let mut body = Vec::new();
    let fields = [
        ("package", code),
        ("package_name", "并发导入"),
        ("transferor_name", "某银行"),
        ("transferor_id", "91330100MA2AYA1GX3"),
        ("cutoff", "2026-06-30"),
        ("policy", "partial"),
        ("action", "import"),
    ];
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").as_bytes(),
        );
    }
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{code}.csv\"\r\n\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(tape);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    axum::http::Request::post("/api/v1/imports")
        .header(axum::http::header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
        .header(axum::http::header::COOKIE, client.cookie_header())
        .header("x-csrf-token", client.csrf.clone())
        .body(axum::body::Body::from(body))
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ten_parallel_imports_and_ten_parallel_valuations_on_sqlite_all_succeed() {
    let app = TestApp::new().await;
    let acq = app.login("acquisition").await;
    let valuer = app.login("valuer").await;
    let mut runs_before = 0;
    for package in 1..=3 {
        runs_before += app.store.store.valuation_runs(package).await.unwrap().len();
    }
    let mut tape = String::from("合同编号,借款人名称,证件号码,本金余额,五级分类\n");
    for n in 0..2_000u32 {
        let id = huajie_core::Uscc::with_check_chars(&format!("91330100MA2{n:05}")).unwrap();
        tape.push_str(&format!("L-{n},杭州并发{n}有限公司,{id},{},可疑\n", 1000 + n));
    }
    // A long import is under way (this test holds its transaction for 11 s): the twenty
    // requests below wait behind it, longer than any pool or lock timeout used to allow.
    let long = app.store.store.write("acquisition").await.unwrap();
    let mut set = tokio::task::JoinSet::new();
    for i in 0..10 {
        let request = import_request(&acq, &format!("P-{i}"), tape.as_bytes());
        let router = app.router.clone();
        set.spawn(async move { ("import", tower::ServiceExt::oneshot(router, request).await.unwrap()) });
        let body = serde_json::json!({ "target_irr": 0.15, "scenarios": 0 }).to_string();
        let request = axum::http::Request::post(format!("/api/v1/packages/{}/valuations", i % 3 + 1))
            .header(axum::http::header::CONTENT_TYPE, "application/json")
            .header(axum::http::header::COOKIE, valuer.cookie_header())
            .header("x-csrf-token", valuer.csrf.clone())
            .body(axum::body::Body::from(body))
            .unwrap();
        let router = app.router.clone();
        set.spawn(async move { ("valuation", tower::ServiceExt::oneshot(router, request).await.unwrap()) });
    }
    tokio::time::sleep(std::time::Duration::from_secs(11)).await;
    drop(long);
    let mut wrong = Vec::new();
    while let Some(done) = set.join_next().await {
        let (what, response) = done.unwrap();
        let status = response.status();
        if !status.is_success() {
            let body = axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap();
            wrong.push(format!("{what}: {status} {}", String::from_utf8_lossy(&body)));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    let store = &app.store.store;
    for i in 0..10 {
        let package = store.package_id_by_code(&format!("P-{i}")).await.unwrap().expect("imported");
        assert_eq!(store.package(package).await.unwrap().unwrap().claim_count, 2_000);
    }
    let mut runs = 0;
    for package in 1..=3 {
        runs += store.valuation_runs(package).await.unwrap().len();
    }
    assert_eq!(runs, runs_before + 10);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_ends_after_thirty_idle_minutes_and_use_keeps_it_alive() {
    let clock = std::sync::Arc::new(huajie_core::clock::FixedClock::at(huajie_core::clock::Clock::now(
        &huajie_core::clock::SystemClock,
    )));
    let app = TestApp::with_clock(clock.clone()).await;
    assert_eq!(huajie_web::WebConfig::default().session_idle_minutes, 30);
    let mut browser = Client::default();
    assert_eq!(app.login_with_form(&mut browser, "risk", PASSWORD).await.status, StatusCode::SEE_OTHER);
    // Used every 29 minutes, for longer than the idle period several times over: still open.
    for _ in 0..4 {
        clock.advance(chrono::Duration::minutes(29));
        assert_eq!(app.get(&mut browser, "/dashboard").await.status, StatusCode::OK);
    }
    // Then left alone for 31 minutes: over, for pages and the API alike.
    clock.advance(chrono::Duration::minutes(31));
    let reply = app.get(&mut browser, "/dashboard").await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert!(reply.location().starts_with("/login?next="));
    assert_eq!(app.get(&mut browser, "/api/v1/me").await.status, StatusCode::UNAUTHORIZED);
    // The idle period is a parameter.
    let config = huajie_web::WebConfig { session_idle_minutes: 5, ..huajie_web::WebConfig::default() };
    let short = TestApp::on(huajie_store::testing::TestStore::sqlite_with_clock(clock.clone()).await, config).await;
    let mut api = short.login("risk").await;
    clock.advance(chrono::Duration::minutes(6));
    assert_eq!(short.get(&mut api, "/api/v1/me").await.status, StatusCode::UNAUTHORIZED);
}
