//! The API as a contract (docs/api.md): every error in the envelope `{"error": {"code",
//! "message"}}` with the message in the caller's language, paging refused out of range, the
//! report downloads in the API, and the OpenAPI document valid and kept by the server under
//! generated inputs (schemathesis, when `HUAJIE_SCHEMATHESIS` names it).

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{Client, TestApp};

/// Any Chinese character or full-width punctuation.
fn has_chinese(s: &str) -> bool {
    s.chars().any(|c| matches!(c, '\u{3000}'..='\u{303f}' | '\u{3400}'..='\u{9fff}' | '\u{ff00}'..='\u{ffef}'))
}

/// Words of the framework's or serde's own English messages.
fn has_framework_text(s: &str) -> bool {
    ["Failed", "deserialize", "Invalid URL", "Cannot parse", "expected", " at line ", "column", "Expected request"]
        .iter()
        .any(|w| s.contains(w))
}

/// The reply is the error envelope with `status` and `code`; returns the message, checked to
/// be in `lang` alone and free of the framework's own text.
fn envelope(reply: &common::Reply, status: StatusCode, code: &str, lang: &str, what: &str) -> String {
    assert_eq!(reply.status, status, "{what}: {}", reply.body);
    let content_type = reply.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    assert!(content_type.starts_with("application/json"), "{what}: content type {content_type:?}: {}", reply.body);
    let body = reply.json();
    assert_eq!(body.as_object().map(|o| o.len()), Some(1), "{what}: only \"error\": {body}");
    let error = body["error"].as_object().unwrap_or_else(|| panic!("{what}: {body}"));
    assert_eq!(error.len(), 2, "{what}: code and message: {body}");
    assert_eq!(error["code"], code, "{what}: {body}");
    let message = error["message"].as_str().unwrap().to_string();
    assert!(!message.trim().is_empty(), "{what}");
    assert!(!has_framework_text(&message), "{what}: the framework's text: {message}");
    match lang {
        "zh" => assert!(has_chinese(&message), "{what}: not Chinese: {message}"),
        _ => assert!(!has_chinese(&message), "{what}: Chinese in English: {message}"),
    }
    message
}

async fn get_in(app: &TestApp, client: &mut Client, path: &str, lang: &str) -> common::Reply {
    let request = Request::get(path).header(header::ACCEPT_LANGUAGE, lang).body(Body::empty()).unwrap();
    app.send(client, request).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_path_or_query_parameter_is_refused_in_the_envelope_in_the_callers_language() {
    let app = TestApp::new().await;
    let mut admin = app.login("admin").await;
    // (path, the parameter named, what it expects in Chinese and in English)
    let cases = [
        ("/api/v1/packages/abc", "id", "整数", "whole number"),
        ("/api/v1/claims/1.5", "id", "整数", "whole number"),
        ("/api/v1/packages/99999999999999999999/claims", "id", "整数", "whole number"),
        ("/api/v1/compliance/book/staff/x", "id", "整数", "whole number"),
        ("/api/v1/compliance/indicators?as_of=2026-13-45", "as_of", "日期", "date"),
        ("/api/v1/compliance/indicators?version=v2", "version", "整数", "whole number"),
        ("/api/v1/compliance/funding?as_of=yesterday", "as_of", "日期", "date"),
        ("/api/v1/compliance/company?as_of=", "as_of", "日期", "date"),
        ("/api/v1/parties?limit=ten", "limit", "整数", "whole number"),
        ("/api/v1/audit?offset=1e3", "offset", "整数", "whole number"),
        ("/api/v1/parties?kind=company", "kind", "individual", "individual"),
    ];
    for (path, name, zh, en) in cases {
        let method = if path.contains("/book/") { "DELETE" } else { "GET" };
        for (lang, expects) in [("zh-CN", zh), ("en-US,en;q=0.9", en)] {
            let mut request = Request::builder().method(method).uri(path).header(header::ACCEPT_LANGUAGE, lang);
            if method == "DELETE" {
                request = request.header("x-csrf-token", &admin.csrf);
            }
            let reply = app.send(&mut admin, request.body(Body::empty()).unwrap()).await;
            let message =
                envelope(&reply, StatusCode::BAD_REQUEST, "bad_request", &lang[..2], &format!("{path} {lang}"));
            assert!(message.contains(name), "{path}: names {name}: {message}");
            assert!(message.contains(expects), "{path}: says it expects {expects}: {message}");
        }
    }
    // The value given is quoted back.
    let reply = get_in(&app, &mut admin, "/api/v1/packages/abc", "zh").await;
    assert!(envelope(&reply, StatusCode::BAD_REQUEST, "bad_request", "zh", "abc").contains("“abc”"));
    // The language cookie wins over Accept-Language, as everywhere.
    let mut english = admin.clone();
    english.cookies.push(("huajie_lang".into(), "en".into()));
    let reply = get_in(&app, &mut english, "/api/v1/packages/abc", "zh-CN").await;
    envelope(&reply, StatusCode::BAD_REQUEST, "bad_request", "en", "cookie en");
    // And the well-formed ones still answer.
    for path in
        ["/api/v1/packages/1", "/api/v1/compliance/indicators?as_of=2026-09-30", "/api/v1/parties?kind=individual"]
    {
        assert_eq!(app.get(&mut admin, path).await.status, StatusCode::OK, "{path}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paging_out_of_range_is_refused_with_the_range_not_clamped() {
    let app = TestApp::new().await;
    let mut admin = app.login("admin").await;
    for list in ["/api/v1/packages/1/claims", "/api/v1/parties", "/api/v1/audit"] {
        for (query, name) in [
            ("limit=0", "limit"),
            ("limit=1001", "limit"),
            ("limit=-5", "limit"),
            ("offset=-1", "offset"),
            ("limit=100&offset=-100", "offset"),
        ] {
            for lang in ["zh", "en"] {
                let path = format!("{list}?{query}");
                let reply = get_in(&app, &mut admin, &path, lang).await;
                let message = envelope(&reply, StatusCode::BAD_REQUEST, "bad_request", lang, &path);
                assert!(message.contains(name), "{path}: {message}");
                if name == "limit" {
                    assert!(message.contains('1') && message.contains("1000"), "{path}: the range: {message}");
                }
            }
        }
        // The bounds themselves are taken, and a page past the end is empty, not an error.
        for (query, rows) in
            [("limit=1", Some(1)), ("limit=1000", None), ("offset=0", None), ("offset=1000000", Some(0))]
        {
            let reply = app.get(&mut admin, &format!("{list}?{query}")).await;
            assert_eq!(reply.status, StatusCode::OK, "{list}?{query}: {}", reply.body);
            let body = reply.json();
            if let Some(rows) = rows {
                assert_eq!(body["data"].as_array().unwrap().len(), rows, "{list}?{query}");
            }
            assert!(body["total"].as_i64().unwrap() > 0, "{list}?{query}");
        }
    }
    // The claims of the first package: 112, in pages that add up.
    let first = app.get(&mut admin, "/api/v1/packages/1/claims?limit=100").await.json();
    let rest = app.get(&mut admin, "/api/v1/packages/1/claims?limit=100&offset=100").await.json();
    assert_eq!(first["data"].as_array().unwrap().len() + rest["data"].as_array().unwrap().len(), 112);
    assert_eq!(first["total"], 112);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_paths_wrong_methods_large_and_malformed_bodies_answer_in_the_envelope() {
    let app = TestApp::new().await;
    let mut anonymous = Client::default();
    let mut risk = app.login("risk").await;
    let mut valuer = app.login("valuer").await;
    let recorded = |reply: common::Reply| reply.json()["data"].as_array().unwrap().len();
    let results_before = recorded(app.get(&mut risk, "/api/v1/compliance/results").await);
    let checks_before = recorded(app.get(&mut risk, "/api/v1/compliance/checks").await);
    for lang in ["zh", "en"] {
        let reply = get_in(&app, &mut anonymous, "/api/v1/no-such-thing", lang).await;
        envelope(&reply, StatusCode::NOT_FOUND, "not_found", lang, "unknown path");
        let reply = get_in(&app, &mut anonymous, "/api/v2/packages", lang).await;
        envelope(&reply, StatusCode::NOT_FOUND, "not_found", lang, "another version");

        // A wrong method: 405 with the methods there are.
        for (method, path, allowed) in [
            ("PUT", "/api/v1/packages", "GET"),
            ("DELETE", "/api/v1/claims/1", "GET"),
            ("POST", "/api/v1/me", "GET"),
            ("PATCH", "/api/v1/compliance/checks", "POST"),
        ] {
            let request = Request::builder()
                .method(method)
                .uri(path)
                .header(header::ACCEPT_LANGUAGE, lang)
                .body(Body::empty())
                .unwrap();
            let reply = app.send(&mut risk, request).await;
            let message = envelope(
                &reply,
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                lang,
                &format!("{method} {path}"),
            );
            assert!(message.contains(method) && message.contains("Allow"), "{method} {path}: {message}");
            let allow = reply.headers.get(header::ALLOW).and_then(|v| v.to_str().ok()).unwrap_or("");
            assert!(allow.contains(allowed), "{method} {path}: Allow {allow:?}");
        }

        // A body over the limit, to each kind of writing call, from a role that may make it (the
        // role is checked before the body is read).
        let big = format!("{{\"label\": \"{}\"}}", "x".repeat(3 * 1024 * 1024));
        for path in ["/api/v1/compliance/checks", "/api/v1/packages/1/valuations", "/api/v1/session"] {
            let client = if path.contains("valuations") { &mut valuer } else { &mut risk };
            let request = Request::post(path)
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::ACCEPT_LANGUAGE, lang)
                .header("x-csrf-token", &client.csrf)
                .body(Body::from(big.clone()))
                .unwrap();
            let reply = app.send(client, request).await;
            let message = envelope(&reply, StatusCode::PAYLOAD_TOO_LARGE, "too_large", lang, path);
            assert!(message.contains("2 MB"), "{path}: the limit: {message}");
        }

        // Malformed JSON, a missing field, a field of the wrong type, no JSON at all.
        let cases: [(&str, &str, &str, &str); 5] = [
            ("/api/v1/compliance/checks", "{\"kind\": \"funding\",", "", ""),
            (
                "/api/v1/compliance/checks",
                "{\"kind\": \"funding\", \"label\": \"x\"}",
                "amount_fen",
                "application/json",
            ),
            (
                "/api/v1/compliance/checks",
                "{\"kind\": 1, \"label\": \"x\", \"amount_fen\": 5}",
                "kind",
                "application/json",
            ),
            ("/api/v1/compliance/results", "{\"quarter_end\": \"2026-02-30\"}", "quarter_end", "application/json"),
            ("/api/v1/session", "username=admin", "JSON", "application/x-www-form-urlencoded"),
        ];
        for (path, body, named, content_type) in cases {
            let content_type = if content_type.is_empty() { "application/json" } else { content_type };
            let request = Request::post(path)
                .header(header::CONTENT_TYPE, content_type)
                .header(header::ACCEPT_LANGUAGE, lang)
                .header("x-csrf-token", &risk.csrf)
                .body(Body::from(body))
                .unwrap();
            let reply = app.send(&mut risk, request).await;
            let message = envelope(&reply, StatusCode::BAD_REQUEST, "bad_request", lang, &format!("{path} {body}"));
            assert!(message.contains(named), "{path} {body}: names {named}: {message}");
        }
    }
    // Nothing was recorded by any of them.
    assert_eq!(recorded(app.get(&mut risk, "/api/v1/compliance/results").await), results_before);
    assert_eq!(recorded(app.get(&mut risk, "/api/v1/compliance/checks").await), checks_before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_answer_a_malformed_parameter_or_a_wrong_method_with_their_error_page() {
    let app = TestApp::new().await;
    let mut admin = app.login("admin").await;
    for (method, path, status, text) in [
        ("GET", "/claims/not-a-number", StatusCode::BAD_REQUEST, "整数"),
        ("GET", "/valuations/x/report.xlsx", StatusCode::BAD_REQUEST, "整数"),
        ("GET", "/compliance?version=latest", StatusCode::BAD_REQUEST, "version"),
        ("PUT", "/packages", StatusCode::METHOD_NOT_ALLOWED, "不接受 PUT 请求"),
    ] {
        let request = Request::builder().method(method).uri(path).body(Body::empty()).unwrap();
        let reply = app.send(&mut admin, request).await;
        assert_eq!(reply.status, status, "{method} {path}: {}", reply.body);
        let content_type = reply.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
        assert!(content_type.starts_with("text/html"), "{method} {path}: {content_type}");
        assert!(reply.body.contains("<html") && reply.body.contains(text), "{method} {path}: {}", reply.body);
        assert!(!has_framework_text(&reply.body), "{method} {path}: {}", reply.body);
    }
    // The pages' own paging stays lenient: a nonsense page is the first.
    assert_eq!(app.get(&mut admin, "/parties?page=abc").await.status, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_report_downloads_are_api_operations_with_api_errors() {
    let app = TestApp::new().await;
    let mut valuer = app.login("valuer").await;
    let mut risk = app.login("risk").await;
    let acquisition = app.login("acquisition").await;
    const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    let downloads: [(&Client, &str, &str, &[u8]); 5] = [
        (&valuer, "/api/v1/valuations/1/report.xlsx", XLSX, b"PK"),
        (&valuer, "/api/v1/valuations/1/report.pdf", "application/pdf", b"%PDF"),
        (&risk, "/api/v1/compliance/report.xlsx?quarter=2026-09-30", XLSX, b"PK"),
        (&risk, "/api/v1/compliance/book.xlsx", XLSX, b"PK"),
        (&acquisition, "/api/v1/imports/1/report.xlsx", XLSX, b"PK"),
    ];
    for (client, path, content_type, magic) in downloads {
        let request = Request::get(path).header(header::COOKIE, client.cookie_header()).body(Body::empty()).unwrap();
        let response = tower::ServiceExt::oneshot(app.router.clone(), request).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(response.headers()[header::CONTENT_TYPE], content_type, "{path}");
        let disposition = response.headers()[header::CONTENT_DISPOSITION].to_str().unwrap().to_string();
        assert!(disposition.starts_with("attachment; filename="), "{path}: {disposition}");
        let bytes = axum::body::to_bytes(response.into_body(), 64 << 20).await.unwrap();
        assert!(bytes.starts_with(magic), "{path}");
    }
    // Their errors are the API's: 401 (not a redirect to the login page), 404, 400, 403.
    let mut anonymous = Client::default();
    for lang in ["zh", "en"] {
        let reply = get_in(&app, &mut anonymous, "/api/v1/valuations/1/report.pdf", lang).await;
        envelope(&reply, StatusCode::UNAUTHORIZED, "unauthenticated", lang, "anonymous");
        let reply = get_in(&app, &mut valuer, "/api/v1/valuations/999999/report.xlsx", lang).await;
        envelope(&reply, StatusCode::NOT_FOUND, "not_found", lang, "no such run");
        let reply = get_in(&app, &mut risk, "/api/v1/compliance/report.pdf?quarter=2026-09-29", lang).await;
        envelope(&reply, StatusCode::BAD_REQUEST, "bad_request", lang, "not a quarter-end");
        let reply = get_in(&app, &mut valuer, "/api/v1/compliance/book.xlsx", lang).await;
        envelope(&reply, StatusCode::FORBIDDEN, "forbidden", lang, "valuer and the book");
    }
    // The pages' links still serve browsers: a login page for the anonymous.
    let reply = app.get(&mut anonymous, "/valuations/1/report.pdf").await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_well_formed_date_the_book_has_no_data_for_is_not_found_and_says_what_is_missing() {
    let app = TestApp::new().await;
    let mut risk = app.login("risk").await;
    // (the request, the quarter-end whose net assets are missing)
    for (path, quarter_end) in [
        ("/api/v1/compliance/indicators?as_of=2000-01-01", "1999-12-31"),
        ("/api/v1/compliance/report.xlsx?quarter=2000-03-31", "2000-03-31"),
        ("/api/v1/compliance/report.pdf?quarter=2000-03-31", "2000-03-31"),
    ] {
        for (lang, missing) in [("zh", "季末净资产"), ("en", "net assets")] {
            let reply = get_in(&app, &mut risk, path, lang).await;
            let message = envelope(&reply, StatusCode::NOT_FOUND, "not_found", lang, path);
            assert!(message.contains(missing) && message.contains(quarter_end), "{path}: {message}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_upload_or_form_is_refused_in_the_callers_language_alone() {
    let app = TestApp::new().await;
    let mut acquisition = app.login("acquisition").await;
    for lang in ["zh", "en"] {
        // Not a multipart form, and a multipart form broken off.
        for (content_type, body) in [
            ("application/json", "{}".to_string()),
            ("multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"file\"".to_string()),
        ] {
            let request = Request::post("/api/v1/imports")
                .header(header::CONTENT_TYPE, content_type)
                .header(header::ACCEPT_LANGUAGE, lang)
                .header("x-csrf-token", &acquisition.csrf)
                .body(Body::from(body))
                .unwrap();
            let reply = app.send(&mut acquisition, request).await;
            let message = envelope(&reply, StatusCode::BAD_REQUEST, "bad_request", lang, content_type);
            assert!(message.contains("multipart/form-data"), "{content_type}: {message}");
        }
    }
    // Two files where one is read: refused, nothing imported.
    let imports = app.store.store.import_attempts("TWO-1").await.unwrap().len();
    let files: [(&str, &[u8]); 2] = [("a.csv", b"x"), ("b.csv", b"y")];
    let fields = [("package", "TWO-1"), ("action", "report")];
    let csrf = acquisition.csrf.clone();
    let reply = app.post_files(&mut acquisition, "/api/v1/imports", &fields, &files, Some(&csrf)).await;
    let message = envelope(&reply, StatusCode::BAD_REQUEST, "bad_request", "zh", "two files");
    assert!(message.contains("一次只能上传一个文件"), "{message}");
    assert_eq!(app.store.store.import_attempts("TWO-1").await.unwrap().len(), imports);
    // A page's form without the fields it needs: the form comes back, the error beside each
    // field, in Chinese alone.
    let csrf = acquisition.csrf.clone();
    let reply = app.post_form(&mut acquisition, "/account/password", &[("csrf", &csrf)]).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
    let form = &reply.body[reply.body.find("id=\"change-password\"").expect("the form again")..];
    assert!(form.contains("当前密码不正确") && form.contains("密码至少需要 10 个字符"), "{}", reply.body);
    assert!(!has_framework_text(&reply.body) && !reply.body.contains("missing field"), "{}", reply.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_indicators_lines_say_where_they_enter_so_an_integrator_can_work_the_ratio_out() {
    let app = TestApp::new().await;
    let mut risk = app.login("risk").await;
    let body = app.get(&mut risk, "/api/v1/compliance/indicators?as_of=2026-09-30").await.json();
    let indicators = body["data"]["indicators"].as_array().unwrap();
    assert_eq!(indicators.len(), 6);
    for i in indicators {
        let id = i["id"].as_str().unwrap();
        let lines = i["lines"].as_array().unwrap();
        assert!(!lines.is_empty(), "{id}: the demo's indicators have lines");
        let sum = |part: &str| -> i64 {
            lines.iter().filter(|l| l["part"] == part).map(|l| l["amount_fen"].as_i64().unwrap()).sum()
        };
        assert!(lines.iter().all(|l| l["part"].is_string()), "{id}: every line has its part: {lines:?}");
        assert_eq!(sum("numerator"), i["numerator_fen"].as_i64().unwrap(), "{id}: numerator");
        let denominator = i["denominator_fen"].as_i64().unwrap();
        match id {
            // Net outflow is minus the cash-flow lines that make it.
            "Q5" => assert_eq!(-sum("denominator"), denominator, "{id}: denominator"),
            "Q6" => assert_eq!(sum("denominator"), denominator, "{id}: denominator"),
            // Net assets: a figure of the book, not a line.
            _ => assert_eq!(sum("denominator"), 0, "{id}: no denominator lines"),
        }
    }
}
