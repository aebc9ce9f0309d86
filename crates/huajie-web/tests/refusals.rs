//! A refusal that quotes what the user typed is whole in the user's language, whatever the
//! user typed: a message is a text in two languages kept apart, never one "中文 / English"
//! string split at its first " / " (which a value such as `bank / trust` would cut).

mod common;

use axum::http::StatusCode;
use common::{TestApp, decoded};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusal_quoting_the_users_words_is_whole_in_chinese_and_in_english() {
    let app = TestApp::new().await;
    let zh = "流入：“bank / trust”不是是/否";
    let en = "Inflow: “bank / trust” is not yes or no";
    for (lang, whole, other) in [("zh", zh, en), ("en", en, zh)] {
        let mut finance = app.login("finance").await;
        finance.cookies.push(("huajie_lang".into(), lang.into()));
        let csrf = finance.csrf.clone();
        let fields = [("label", "租金"), ("due_date", "2026-12-20"), ("amount", "10"), ("inflow", "bank / trust")];
        let audit = app.store.store.audit_count().await.unwrap();

        // The book's form: the message beside the field, the form kept as typed.
        let mut form: Vec<(&str, &str)> = fields.to_vec();
        form.push(("csrf", &csrf));
        let reply = app.post_form(&mut finance, "/compliance/book/cash_flow", &form).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{lang}");
        let page = decoded(&reply.body);
        assert!(page.contains(whole), "{lang}: the message is whole: {page}");
        assert!(!page.contains(other), "{lang}: and in one language only");
        assert!(page.contains("value=\"bank / trust\""), "{lang}: the input is kept");

        // The API: the same message, naming the field.
        let body: serde_json::Map<String, serde_json::Value> =
            fields.iter().map(|(k, v)| (k.to_string(), serde_json::Value::from(*v))).collect();
        let request = axum::http::Request::post("/api/v1/compliance/book/cash_flow")
            .header("content-type", "application/json")
            .header("x-csrf-token", csrf.clone())
            .body(axum::body::Body::from(serde_json::Value::Object(body).to_string()))
            .unwrap();
        let reply = app.send(&mut finance, request).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{lang}");
        assert_eq!(reply.json()["error"]["message"], format!("inflow: {whole}"), "{lang}");

        assert_eq!(app.store.store.audit_count().await.unwrap(), audit, "{lang}: nothing was recorded");
    }
}
