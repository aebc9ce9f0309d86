//! Issue 17's scale path: several app servers on one PostgreSQL database. Two server processes
//! (this test binary run again, each with its own store, pool and caches) take turns through
//! an acquisition's work: one imports a tape, the other values the new package, the first
//! checks the acquisition against the rules, and each sees at once what the other committed —
//! the package, its claims in the dashboard's sums, the run, the check. The audit chain that
//! both extended verifies.

mod load;

use axum::http::{Method, StatusCode};
use huajie_core::Uscc;
use huajie_store::DbTarget;
use huajie_store::testing::{TestStore, postgres_url};
use load::{Http, ServerProcess};
use serde_json::{Value, json};

/// Not a test: a server for `two_servers_on_one_postgres_import_value_and_check_in_turn`,
/// started by it as a separate process (`load::ServerProcess`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a server process the two-server test starts"]
async fn two_servers_process() {
    load::serve_from_env().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_on_one_postgres_import_value_and_check_in_turn() {
    let Some(url) = postgres_url() else {
        eprintln!("HUAJIE_TEST_PG is not set: the two-server test is skipped");
        return;
    };
    let clock = load::demo_clock();
    let t = TestStore::postgres_with_clock(&url, clock.clone()).await;
    load::demo(&t.store).await;
    let DbTarget::Postgres(db) = &t.target else { unreachable!() };
    let now = *clock.0.lock().unwrap();
    let mut first = ServerProcess::start("two_servers_process", db, now);
    let mut second = ServerProcess::start("two_servers_process", db, now);
    assert_ne!(first.pid, second.pid);
    let (a, b) = (Http::new(&first.base), Http::new(&second.base));

    // Both servers have read the dashboard (and cached it, if they cache) before the import.
    let (valuer, risk) = (b.login("valuer").await, a.login("risk").await);
    let before = data(b.send(Method::GET, "/api/v1/dashboard", Some(&valuer), None).await);
    data(a.send(Method::GET, "/api/v1/dashboard", Some(&risk), None).await);

    // Server A imports a tape of 40 corporate claims into a new package.
    let acquisition = a.login("acquisition").await;
    let import = data(a.send_body(Method::POST, "/api/v1/imports", Some(&acquisition), Some(multipart(40))).await);
    assert_eq!(import["status"], "loaded", "{import}");
    let package_id = import["import"]["package_id"].as_i64().expect("the import names its package");

    // Server B sees the package and its claims at once.
    let package = data(b.send(Method::GET, &format!("/api/v1/packages/{package_id}"), Some(&valuer), None).await);
    assert_eq!(package["code"], "TWO-1", "{package}");
    let after = data(b.send(Method::GET, "/api/v1/dashboard", Some(&valuer), None).await);
    assert_eq!(claims(&after), claims(&before) + 40, "server B's dashboard counts server A's import: {after}");

    // Server B values it; server A reads the same run.
    let body = json!({ "target_irr": 0.15, "valuation_date": "2026-12-07" }).to_string();
    let path = format!("/api/v1/packages/{package_id}/valuations");
    let run = b.send(Method::POST, &path, Some(&valuer), Some(body)).await;
    assert_eq!(run.status, StatusCode::CREATED, "{}", run.body);
    let run = data(run);
    let run_id = run["run"]["id"].as_i64().unwrap();
    let bid = run["run"]["bid_fen"].as_i64().unwrap();
    assert!(bid > 0, "{run}");
    let seen = data(a.send(Method::GET, &format!("/api/v1/valuations/{run_id}"), Some(&risk), None).await);
    assert_eq!(seen["run"]["bid_fen"].as_i64(), Some(bid), "server A reads server B's run");

    // Server A checks buying it at the bid; server B reads the recorded check, for the same
    // session (sessions live in the database, so a user's next request may reach either server).
    let body = json!({ "kind": "acquisition", "price_fen": bid }).to_string();
    let check = a.send(Method::POST, &format!("/api/v1/packages/{package_id}/checks"), Some(&risk), Some(body)).await;
    assert!(check.status.is_success(), "{}", check.body);
    let check_id = check.json()["data"]["id"].as_i64().expect("the check has an id");
    let seen = data(b.send(Method::GET, &format!("/api/v1/compliance/checks/{check_id}"), Some(&risk), None).await);
    assert_eq!(seen["id"].as_i64(), Some(check_id), "{seen}");

    first.stop();
    second.stop();
    let report = t.store.verify_audit().await.unwrap();
    assert!(report.is_intact(), "{report:?}");
    let actions: Vec<(String, String)> =
        t.store.audit_log(50, 0).await.unwrap().into_iter().map(|r| (r.actor, r.entity)).collect();
    for (actor, entity) in [("acquisition", "tape_import"), ("valuer", "valuation_run"), ("risk", "deal_check")] {
        assert!(
            actions.iter().any(|(a, e)| a == actor && e == entity),
            "the chain holds {actor}'s {entity}: {actions:?}"
        );
    }
}

fn data(answer: load::Answer) -> Value {
    assert!(answer.status.is_success(), "{}: {}", answer.status, answer.body);
    answer.json()["data"].clone()
}

fn claims(dashboard: &Value) -> i64 {
    dashboard["claims"].as_i64().unwrap_or_else(|| panic!("the dashboard counts claims: {dashboard}"))
}

/// An import form: a CSV tape of `n` companies' claims for the new package TWO-1.
fn multipart(n: usize) -> (&'static str, String) {
    let mut tape = String::from("合同编号,借款人名称,证件号码,本金余额,利息余额,五级分类\n");
    for i in 0..n {
        let uscc = Uscc::with_check_chars(&format!("91330102MA2{:05}", 70_000 + i)).unwrap();
        tape.push_str(&format!(
            "TWO-{i:03},杭州两台有限公司{i:02},{uscc},{},{},可疑\n",
            1_000_000 + i * 37_000,
            80_000
        ));
    }
    let fields = [
        ("package", "TWO-1"),
        ("package_name", "两台服务器测试包"),
        ("transferor_name", "某银行"),
        ("transferor_id", "91330100MA2AYA1GX3"),
        ("cutoff", "2026-06-30"),
        ("policy", "strict"),
        ("action", "import"),
    ];
    let boundary = "huajie-two-servers";
    let mut body = String::new();
    for (name, value) in fields {
        body.push_str(&format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"));
    }
    body.push_str(&format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"two.csv\"\r\nContent-Type: text/csv\r\n\r\n{tape}\r\n--{boundary}--\r\n"
    ));
    ("multipart/form-data; boundary=huajie-two-servers", body)
}
