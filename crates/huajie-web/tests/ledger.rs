//! Issue 15: the recovery ledger on the staff's pages and in the API — a receipt past what is
//! owed refused beside its amount with what was typed kept, a receipt posted showing on the
//! claim's position, its reversal restoring it, the trial balance and the GL export balanced
//! month by month, a package's returns; the same postings through the API.

mod common;

use std::sync::Arc;

use axum::http::StatusCode;
use common::{Client, TestApp, decoded};
use huajie_core::clock::FixedClock;

/// 10:00 Beijing time on Monday 7 December 2026.
fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::at("2026-12-07T02:00:00Z".parse().unwrap()))
}

/// The demo without its ledger's history (the tests count what they post) served over SQLite,
/// and over PostgreSQL when `HUAJIE_TEST_PG` names a server.
async fn apps() -> Vec<TestApp> {
    use huajie_store::testing::TestStore;
    let demo = huajie_demo::DemoCompany { history: false, ..huajie_demo::generate() };
    let config = huajie_web::WebConfig::default;
    let mut apps = vec![TestApp::with_demo(TestStore::sqlite_with_clock(clock()).await, config(), &demo).await];
    match huajie_store::testing::postgres_url() {
        Some(url) => {
            let store = TestStore::postgres_with_clock(&url, clock()).await;
            apps.push(TestApp::with_demo(store, config(), &demo).await);
        }
        None => eprintln!("HUAJIE_TEST_PG is not set: the PostgreSQL run of this test is skipped"),
    }
    apps
}

async fn post(app: &TestApp, client: &mut Client, path: &str, fields: &[(&str, &str)]) -> common::Reply {
    let csrf = client.csrf.clone();
    let mut all = vec![("csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    app.post_form(client, path, &all).await
}

/// A held package with its purchase posted, and its first claim.
async fn bought(app: &TestApp) -> (i64, i64) {
    let s = &app.store.store;
    let package = s.packages().await.unwrap().into_iter().find(|p| p.package.data.is_held()).unwrap().package.id;
    s.post_purchase("finance", package, None).await.unwrap();
    let claim = s.claims_of_package(package).await.unwrap()[0].claim.id;
    (package, claim)
}

/// What the API says claim `claim` is still owed in all, in fen, and has recovered.
async fn owed_and_recovered(app: &TestApp, client: &mut Client, claim: i64) -> (i64, i64) {
    let p = app.get(client, &format!("/api/v1/claims/{claim}/position")).await.json();
    let o = &p["data"]["position"]["owed"];
    let owed = o["costs"].as_i64().unwrap() + o["interest"].as_i64().unwrap() + o["principal"].as_i64().unwrap();
    (owed, p["data"]["returns"]["cash_in"].as_i64().unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receipt_past_what_is_owed_is_refused_beside_its_amount_and_one_posted_is_reversed() {
    for app in apps().await {
        a_receipt_past_what_is_owed_is_refused_beside_its_amount_and_one_posted_is_reversed_on(&app).await;
    }
}

async fn a_receipt_past_what_is_owed_is_refused_beside_its_amount_and_one_posted_is_reversed_on(app: &TestApp) {
    let (_, claim) = bought(app).await;
    let mut finance = app.login("finance").await;
    let (owed, recovered) = owed_and_recovered(app, &mut finance, claim).await;
    assert!(owed > 0 && recovered == 0, "{owed} {recovered}");

    // One fen past what is owed: refused beside the amount, every field as typed.
    let too_much = format!("{}.{:02}", (owed + 1) / 100, (owed + 1) % 100);
    let claim_s = claim.to_string();
    let fields = [
        ("claim", claim_s.as_str()),
        ("date", "2026-11-20"),
        ("amount", too_much.as_str()),
        ("source", "debtor"),
        ("payer", "某某公司"),
    ];
    let refused = post(app, &mut finance, "/ledger/receipts", &fields).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    let body = decoded(&refused.body);
    assert!(body.contains("id=\"ledger-receipt-amount-error\""), "{body}");
    let error = body.split("id=\"ledger-receipt-amount-error\">").nth(1).unwrap();
    assert!(error.starts_with(&format!("债权 #{claim} 尚欠")) && error.contains("超过所欠金额"), "{error}");
    assert!(body.contains(&format!("value=\"{too_much}\"")) && body.contains("value=\"某某公司\""), "kept as typed");
    assert_eq!(owed_and_recovered(app, &mut finance, claim).await, (owed, 0), "nothing posted");

    // 10,000 yuan received: the claim's position shows it, on its page and in the API.
    let fields = [("claim", claim_s.as_str()), ("date", "2026-11-20"), ("amount", "10000"), ("source", "guarantor")];
    let posted = post(app, &mut finance, "/ledger/receipts", &fields).await;
    assert_eq!(posted.status, StatusCode::SEE_OTHER, "{}", posted.body);
    let entry: i64 = posted.location().trim_start_matches("/ledger#entry-").parse().unwrap();
    assert_eq!(owed_and_recovered(app, &mut finance, claim).await, (owed - 1_000_000, 1_000_000));
    let page = decoded(&app.get(&mut finance, &format!("/claims/{claim}")).await.body);
    let panel = page.split("id=\"claim-ledger\"").nth(1).expect("the claim's page shows its position");
    assert!(
        panel.contains("data-key=\"ledger.recovered\">1.00 万元") && panel.contains(&format!("id=\"entry-{entry}\"")),
        "{panel}"
    );
    let list = app.get(&mut finance, &format!("/ledger?claim={claim}")).await.body;
    assert!(list.contains(&format!("href=\"/ledger/entries/{entry}/reverse\"")), "finance may reverse it");
    // The journal shows every fen, names the package by its code and the poster by name.
    let shown = decoded(&list);
    let shown = shown.split(&format!("id=\"entry-{entry}\"")).nth(1).unwrap().split("</tbody>").next().unwrap();
    let code = app.store.store.package_codes().await.unwrap().into_iter().find(|p| shown.contains(&p.1));
    assert!(code.is_some() && shown.contains(">10,000.00</td>") && shown.contains("沈雪芬（finance）"), "{shown}");
    let mut manager = app.login("asset_manager").await;
    let read = app.get(&mut manager, &format!("/ledger?claim={claim}")).await.body;
    assert!(read.contains(&format!("id=\"entry-{entry}\"")) && !read.contains("/reverse\""), "the asset manager reads");

    // Reversed with a reason (a blank one refused beside it): the position as before.
    let reverse = format!("/ledger/entries/{entry}/reverse");
    let confirm = app.get(&mut finance, &reverse).await;
    assert!(confirm.status == StatusCode::OK && confirm.body.contains("id=\"ledger-reverse\""));
    let blank = post(app, &mut finance, &reverse, &[("reason", " "), ("date", "2026-11-21")]).await;
    assert_eq!(blank.status, StatusCode::BAD_REQUEST);
    assert!(blank.body.contains("id=\"ledger-reverse-reason-error\""), "{}", blank.body);
    let done = post(app, &mut finance, &reverse, &[("reason", "重复入账"), ("date", "2026-11-21")]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(owed_and_recovered(app, &mut finance, claim).await, (owed, 0), "the reversal restores it");
    let again = post(app, &mut finance, &reverse, &[("reason", "再次"), ("date", "2026-11-21")]).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert!(decoded(&again.body).contains("不能再次冲销"), "{}", again.body);
}

/// The journal's rows as read back: (first column, entry no. or label, debit, credit) in fen.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_trial_balance_and_the_gl_export_balance_month_by_month() {
    for app in apps().await {
        the_trial_balance_and_the_gl_export_balance_month_by_month_on(&app).await;
    }
}

async fn the_trial_balance_and_the_gl_export_balance_month_by_month_on(app: &TestApp) {
    let (package, claim) = bought(app).await;
    let mut finance = app.login("finance").await;
    let claim_s = claim.to_string();
    let receipt = [("claim", claim_s.as_str()), ("date", "2026-11-20"), ("amount", "5000"), ("source", "debtor")];
    assert_eq!(post(app, &mut finance, "/ledger/receipts", &receipt).await.status, StatusCode::SEE_OTHER);
    let fee = [("kind", "court_fee"), ("amount", "1200.50"), ("date", "2026-10-15"), ("claim", claim_s.as_str())];
    assert_eq!(post(app, &mut finance, "/ledger/expenses", &fee).await.status, StatusCode::SEE_OTHER);
    let none = [("kind", "agency_fee"), ("amount", "10"), ("date", "2026-10-15")];
    let refused = post(app, &mut finance, "/ledger/expenses", &none).await;
    assert!(refused.status == StatusCode::BAD_REQUEST && refused.body.contains("id=\"ledger-expense-claim-error\""));

    let trial = app.get(&mut finance, "/ledger/trial-balance?from=2000-01-01&to=2026-12-31").await;
    assert_eq!(trial.status, StatusCode::OK);
    assert!(trial.body.contains("data-balanced=\"true\"") && trial.body.contains("data-account=\"1531\""));

    let mut manager = app.login("asset_manager").await;
    let reply = app.get(&mut manager, "/ledger/gl.xlsx?from=2000-01-01&to=2026-12-31").await;
    assert_eq!(reply.status, StatusCode::OK);
    let name = reply.headers["content-disposition"].to_str().unwrap().to_string();
    assert!(name.contains("gl-journal-2000-01-01-2026-12-31.xlsx"), "{name}");
    let (_, bytes) = app.get_bytes(&manager, "/ledger/gl.xlsx?from=2000-01-01&to=2026-12-31").await;
    let rows = common::gl_rows(bytes);
    let (mut d, mut c, mut months) = (0, 0, Vec::new());
    for (_, label, debit, credit) in &rows {
        if label.contains("月合计") {
            assert_eq!((debit, credit), (&d, &c), "{label}: the totals row sums its month");
            assert_eq!(debit, credit, "{label}: debits equal credits");
            months.push(label.clone());
            (d, c) = (0, 0);
        } else if label.contains("期间合计") {
            assert_eq!(debit, credit);
        } else {
            (d, c) = (d + debit, c + credit);
        }
    }
    assert!(
        months.iter().any(|m| m.starts_with("2026-10")) && months.iter().any(|m| m.starts_with("2026-11")),
        "{months:?}"
    );
    assert!(rows.iter().any(|r| r.2 == 120_050), "the fee's line, to the fen");

    let returns = app.get(&mut manager, &format!("/packages/{package}/returns")).await;
    assert_eq!(returns.status, StatusCode::OK);
    assert!(returns.body.contains("id=\"chart-quarterly-cash\"") && returns.body.contains("data-quarter=\"2026Q4\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_posts_receipts_expenses_and_reversals_in_fen() {
    for app in apps().await {
        the_api_posts_receipts_expenses_and_reversals_in_fen_on(&app).await;
    }
}

async fn the_api_posts_receipts_expenses_and_reversals_in_fen_on(app: &TestApp) {
    let (package, claim) = bought(app).await;
    let mut finance = app.login("finance").await;
    let (owed, _) = owed_and_recovered(app, &mut finance, claim).await;
    let csrf = finance.csrf.clone();
    let send = |path: &str, body: serde_json::Value| {
        axum::http::Request::post(path)
            .header(axum::http::header::CONTENT_TYPE, "application/json")
            .header("x-csrf-token", csrf.clone())
            .body(axum::body::Body::from(body.to_string()))
            .unwrap()
    };
    let past =
        serde_json::json!({ "claim_id": claim, "date": "2026-11-20", "amount_fen": owed + 1, "source": "debtor" });
    let refused = app.send(&mut finance, send("/api/v1/ledger/receipts", past)).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(refused.body.contains("amount_fen") && refused.body.contains("超过所欠金额"), "{}", refused.body);
    let ok = serde_json::json!({ "claim_id": claim, "date": "2026-11-20", "amount_fen": 250_000, "source": "court_distribution" });
    let posted = app.send(&mut finance, send("/api/v1/ledger/receipts", ok)).await;
    assert_eq!(posted.status, StatusCode::CREATED, "{}", posted.body);
    let entry = posted.json()["data"]["id"].as_i64().unwrap();
    assert_eq!(posted.json()["data"]["lines"][0]["amount_fen"], 250_000);
    let fee =
        serde_json::json!({ "kind": "lawyer_fee", "amount_fen": 30_000, "date": "2026-11-21", "claim_id": claim });
    assert_eq!(app.send(&mut finance, send("/api/v1/ledger/expenses", fee)).await.status, StatusCode::CREATED);

    let returns = app.get(&mut finance, &format!("/api/v1/packages/{package}/returns")).await.json();
    assert!(returns["data"]["returns"]["cash_in"].as_i64().unwrap() >= 250_000, "{returns}");
    let listed = app.get(&mut finance, &format!("/api/v1/ledger/entries?claim={claim}")).await.json();
    let kinds: Vec<&str> = listed["data"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["expense", "receipt", "purchase"], "newest first");

    let reverse = format!("/api/v1/ledger/entries/{entry}/reverse");
    let reversed =
        app.send(&mut finance, send(&reverse, serde_json::json!({ "reason": "退回", "date": "2026-11-22" }))).await;
    assert_eq!(reversed.status, StatusCode::CREATED, "{}", reversed.body);
    assert_eq!(reversed.json()["data"]["reverses"], entry);
    let (after, recovered) = owed_and_recovered(app, &mut finance, claim).await;
    assert_eq!((after, recovered), (owed + 30_000, 0), "the lawyer's fee is owed by the debtor; the receipt is gone");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_past_quarter_end_reads_the_ledger_as_it_stood_then() {
    for app in apps().await {
        a_past_quarter_end_reads_the_ledger_as_it_stood_then_on(&app).await;
    }
}

/// The indicators' figures the API gives as of `as_of`: the recovery ledger's cash line and the
/// lines on party `debtor`, in fen.
async fn figures(app: &TestApp, client: &mut Client, as_of: &str, debtor: i64) -> (Option<i64>, Vec<i64>) {
    let reply = app.get(client, &format!("/api/v1/compliance/indicators?as_of={as_of}")).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let json = reply.json();
    let lines: Vec<&serde_json::Value> =
        json["data"]["indicators"].as_array().unwrap().iter().flat_map(|i| i["lines"].as_array().unwrap()).collect();
    let cash = lines
        .iter()
        .find(|l| l["label"].as_str().unwrap().contains("回收台账"))
        .map(|l| l["amount_fen"].as_i64().unwrap());
    let on_debtor =
        lines.iter().filter(|l| l["party_id"].as_i64() == Some(debtor)).map(|l| l["amount_fen"].as_i64().unwrap());
    (cash, on_debtor.collect())
}

/// A receipt dated after the 2026-09-30 quarter-end moves today's figures by what it brought
/// in and the cost it recovered, and leaves the quarter-end's as they stood (issue 15, point 7:
/// the recovery ledger read at the date the indicators are computed at).
async fn a_past_quarter_end_reads_the_ledger_as_it_stood_then_on(app: &TestApp) {
    let s = &app.store.store;
    let (_, claim) = bought(app).await;
    let debtor = s.claim(claim).await.unwrap().unwrap().claim.data.debtor_id;
    let mut risk = app.login("risk").await;
    let (quarter_before, debtor_before) = figures(app, &mut risk, "2026-09-30", debtor).await;
    assert_eq!(quarter_before, None, "nothing collected yet");
    assert!(!debtor_before.is_empty(), "the debtor's claim is in the indicators' lines");
    let input = huajie_store::ReceiptInput {
        receipt: huajie_ledger::Receipt {
            claim,
            case: None,
            date: "2026-10-15".parse().unwrap(),
            amount: huajie_core::Money::from_fen(1_234_567),
            source: huajie_ledger::Source::Debtor,
            split: huajie_ledger::Split::Statutory,
        },
        payer: "债务人".into(),
        memo: "还款".into(),
    };
    let paid = s.post_receipt("finance", &input).await.unwrap();
    let recovered: i64 = paid
        .entry
        .lines()
        .iter()
        .filter(|l| l.account == huajie_ledger::Account::ClaimCost && l.side == huajie_ledger::Side::Credit)
        .map(|l| l.amount.fen())
        .sum();
    assert!(recovered > 0, "the receipt recovers cost");

    // As of the quarter-end: the book as it stood then, the receipt not in it.
    assert_eq!(figures(app, &mut risk, "2026-09-30", debtor).await, (None, debtor_before.clone()));
    // As of today: the cash has the receipt, each line on the debtor is down by the cost recovered.
    let (cash, debtor_now) = figures(app, &mut risk, "2026-12-07", debtor).await;
    assert_eq!(cash, Some(1_234_567));
    let (_, debtor_at_quarter) = figures(app, &mut risk, "2026-09-30", debtor).await;
    assert_eq!(debtor_now.len(), debtor_at_quarter.len());
    for (now, then) in debtor_now.iter().zip(&debtor_at_quarter) {
        assert_eq!(then - now, recovered, "the debtor's exposure less the cost recovered, to the fen");
    }
    // The dashboard likewise: the cash line as of today, not as of the quarter-end.
    let line = "回收台账：收款减费用";
    let page = |as_of: &'static str| async move {
        app.get(&mut app.login("risk").await, &format!("/compliance?as_of={as_of}")).await.body
    };
    assert!(page("2026-12-07").await.contains(line), "{}", page("2026-12-07").await);
    assert!(!page("2026-09-30").await.contains(line), "no collected cash at the quarter-end");
}
