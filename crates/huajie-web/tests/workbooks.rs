//! The workbooks a reviewer takes away, opened in a spreadsheet engine nobody here wrote
//! (LibreOffice, headless, named by `HUAJIE_SOFFICE`): every formula recalculated, the key
//! cells compared with the API's numbers of the demo company — the valuation's bid, price,
//! IRR, MOIC, payback and each claim's present value; the regulator's ratios with their
//! numerators and denominators; the compliance book's amounts; the tape check report's
//! counts. Then the target IRR is changed in each valuation workbook and the bid and every
//! claim's PV follow, equal to a recomputation made here from the API's cash flows.

mod common;
#[path = "../../huajie-report/tests/common/spreadsheet.rs"]
mod spreadsheet;

use std::collections::HashMap;

use axum::http::StatusCode;
use calamine::{Data, Reader, Xlsx};
use common::{Client, TestApp};
use serde_json::Value;

fn open(bytes: &[u8]) -> Xlsx<std::io::Cursor<Vec<u8>>> {
    Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap()
}

fn number(d: Option<&Data>) -> f64 {
    match d {
        Some(Data::Float(x)) => *x,
        Some(Data::Int(x)) => *x as f64,
        other => panic!("not a number: {other:?}"),
    }
}

fn yuan(v: &Value) -> f64 {
    v.as_i64().unwrap_or_else(|| panic!("not fen: {v}")) as f64 / 100.0
}

async fn api(app: &TestApp, client: &mut Client, path: &str) -> Value {
    let reply = app.get(client, path).await;
    assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.body);
    reply.json()["data"].clone()
}

async fn download(app: &TestApp, client: &Client, path: &str) -> Vec<u8> {
    let (status, bytes) = app.get_bytes(client, path).await;
    assert_eq!(status, StatusCode::OK, "{path}");
    bytes
}

/// Present value at annual rate `y` of quarterly cash (quarter 1 first), as the engine
/// discounts: `(1 + y)^(-q/4)`.
fn pv(cash: &[(u32, f64)], y: f64) -> f64 {
    cash.iter().map(|(q, x)| x * (1.0 + y).powf(-f64::from(*q) / 4.0)).sum()
}

/// A valuation run as the API gives it, with its workbook.
struct Run {
    id: i64,
    results: Value,
    claims: Vec<Value>,
    /// Contract number → the claim's result.
    by_contract: HashMap<String, usize>,
    target_irr: f64,
    rate_shift: f64,
    priced_at_bid: bool,
}

async fn run(app: &TestApp, valuer: &mut Client, package: i64, id: i64) -> Run {
    let data = api(app, valuer, &format!("/api/v1/valuations/{id}")).await;
    let claims: Vec<Value> =
        api(app, valuer, &format!("/api/v1/valuations/{id}/claims")).await.as_array().unwrap().clone();
    let contracts: HashMap<i64, String> = app
        .store
        .store
        .claims_of_package(package)
        .await
        .unwrap()
        .into_iter()
        .map(|c| (c.claim.id, c.claim.data.contract_no))
        .collect();
    let by_contract =
        claims.iter().enumerate().map(|(k, c)| (contracts[&c["claim_id"].as_i64().unwrap()].clone(), k)).collect();
    let r = &data["run"];
    Run {
        id,
        target_irr: r["target_irr"].as_f64().unwrap(),
        rate_shift: if r["stress"] == "rate+300bp" { 0.03 } else { 0.0 },
        priced_at_bid: r["price_fen"] == r["bid_fen"],
        results: data["results"].clone(),
        claims,
        by_contract,
    }
}

/// Checks a recalculated valuation workbook against the run: at the run's own target IRR
/// (`new_irr` = None), the API's figures; at another, a recomputation from the API's cash.
fn check_valuation(r: &Run, bytes: &[u8], new_irr: Option<f64>) {
    let what = format!("run #{} at {new_irr:?}", r.id);
    let mut wb = open(bytes);
    for sheet in wb.sheet_names().to_vec() {
        let range = wb.worksheet_range(&sheet).unwrap();
        let errors: Vec<_> = range.used_cells().filter(|(_, _, d)| matches!(d, Data::Error(_))).collect();
        assert!(errors.is_empty(), "{what}: formula errors on {sheet}: {errors:?}");
    }
    let summary = wb.worksheet_range("汇总").unwrap();
    let cell = |row: u32| number(summary.get_value((row, 1)));
    let m = &r.results["metrics"];
    let rate = new_irr.unwrap_or(r.target_irr) + r.rate_shift;
    assert!((cell(14) - rate).abs() < 1e-12, "{what}: discount rate");
    let quarterly: Vec<(u32, f64)> = r.results["quarterly_fen"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .map(|(i, x)| (i as u32 + 1, yuan(x)))
        .collect();
    let bid = match new_irr {
        None => yuan(&r.results["bid_fen"]),
        Some(_) => pv(&quarterly, rate),
    };
    // The API rounds each quarter to the fen: 40 quarters, half a fen each at most.
    assert!((cell(15) - bid).abs() < 0.25, "{what}: bid {} vs {bid}", cell(15));
    let price = if new_irr.is_some() && r.priced_at_bid { bid } else { yuan(&m["price_fen"]) };
    assert!((cell(16) - price).abs() < 0.25, "{what}: price {} vs {price}", cell(16));
    match new_irr {
        Some(_) if r.priced_at_bid => assert!((cell(23) - rate).abs() < 1e-7, "{what}: IRR at the bid is the rate"),
        _ => assert!((cell(23) - m["irr"].as_f64().unwrap()).abs() < 1e-7, "{what}: IRR {}", cell(23)),
    }
    if new_irr.is_none() {
        assert!((cell(21) - m["moic"].as_f64().unwrap()).abs() < 1e-8, "{what}: MOIC");
        assert!((cell(25) - m["wal_years"].as_f64().unwrap()).abs() < 1e-8, "{what}: WAL");
        assert_eq!(cell(24), m["payback_quarter"].as_f64().unwrap(), "{what}: payback");
    }

    // Every claim: its PV — the API's, or recomputed from its cash (a segment claim: its
    // segment's PV shared by amount) — and a cost basis adding up to the price.
    let claims = wb.worksheet_range("逐笔").unwrap();
    let mut allocated = 0.0;
    let mut segment_pv = 0.0;
    let mut per_yuan: HashMap<i64, f64> = HashMap::new();
    for row in 1..=r.claims.len() as u32 {
        let contract = claims.get_value((row, 0)).unwrap().to_string();
        let c = &r.claims[r.by_contract[&contract]];
        let shown = number(claims.get_value((row, 12)));
        allocated += number(claims.get_value((row, 13)));
        match (new_irr, c["segment"].as_i64()) {
            (None, _) => assert!((shown - yuan(&c["pv_fen"])).abs() < 0.006, "{what}: {contract} PV {shown}"),
            (Some(_), None) => {
                let cash: Vec<(u32, f64)> = c["cash_fen"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|x| (x["quarter"].as_u64().unwrap() as u32, yuan(&x["fen"])))
                    .collect();
                let expected = pv(&cash, rate);
                assert!((shown - expected).abs() < 0.05, "{what}: {contract} PV {shown} vs {expected}");
                assert!((shown - yuan(&c["pv_fen"])).abs() > 0.01 || cash.is_empty(), "{what}: {contract} moved");
            }
            (Some(_), Some(k)) => {
                segment_pv += shown;
                let ratio = shown / yuan(&c["amount_fen"]);
                let first = *per_yuan.entry(k).or_insert(ratio);
                assert!((ratio - first).abs() < 1e-9, "{what}: a segment's claims share its PV by amount");
            }
        }
    }
    assert!((allocated - price).abs() < 0.25, "{what}: cost basis {allocated} vs price {price}");
    if new_irr.is_some() && !per_yuan.is_empty() {
        // The segments' share: what the package's cash is worth beyond the claims valued one by one.
        let by_claim: f64 = r
            .claims
            .iter()
            .filter(|c| c["segment"].is_null())
            .map(|c| {
                let cash: Vec<(u32, f64)> = c["cash_fen"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|x| (x["quarter"].as_u64().unwrap() as u32, yuan(&x["fen"])))
                    .collect();
                pv(&cash, rate)
            })
            .sum();
        assert!((segment_pv - (bid - by_claim)).abs() < 1.0, "{what}: segments {segment_pv} vs {}", bid - by_claim);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn libreoffice_recalculates_every_workbook_to_the_apis_numbers() {
    let Some(soffice) = spreadsheet::Soffice::from_env("the workbooks of the demo") else { return };
    let started = std::time::Instant::now();
    let app = TestApp::new().await;
    let mut valuer = app.login("valuer").await;

    // Three runs: the demo's claim-by-claim package at the bid; the held package revalued
    // at its cost; the retail batch (by segment) under the +300 bp stress, run here.
    let latest = |runs: &Value, priced: bool| -> i64 {
        runs.as_array()
            .unwrap()
            .iter()
            .find(|r| (r["price_fen"] != r["bid_fen"]) == priced)
            .map(|r| r["id"].as_i64().unwrap())
            .unwrap()
    };
    let at_bid = latest(&api(&app, &mut valuer, "/api/v1/packages/1/valuations").await, false);
    let at_cost = latest(&api(&app, &mut valuer, "/api/v1/packages/2/valuations").await, true);
    let request = axum::http::Request::post("/api/v1/packages/3/valuations")
        .header("content-type", "application/json")
        .header("x-csrf-token", valuer.csrf.clone())
        .body(axum::body::Body::from(serde_json::json!({ "target_irr": 0.12, "stress": "rate+300bp" }).to_string()))
        .unwrap();
    let created = app.send(&mut valuer, request).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let stressed = created.json()["data"]["run"]["id"].as_i64().unwrap();
    let runs = [
        run(&app, &mut valuer, 1, at_bid).await,
        run(&app, &mut valuer, 2, at_cost).await,
        run(&app, &mut valuer, 3, stressed).await,
    ];
    assert!(runs[2].claims.iter().any(|c| !c["segment"].is_null()), "the retail batch has segment claims");

    let mut books: Vec<(String, Vec<u8>)> = Vec::new();
    for r in &runs {
        let bytes = download(&app, &valuer, &format!("/valuations/{}/report.xlsx", r.id)).await;
        let found =
            spreadsheet::numbers_as_text(&bytes, |sheet, col| col == 0 && (sheet == "逐笔" || sheet == "逐笔现金流"));
        assert!(found.is_empty(), "run #{}: numbers as text {found:?}", r.id);
        books.push((format!("val{}-irr", r.id), spreadsheet::with_number(&bytes, 1, "B13", r.target_irr + 0.05)));
        books.push((format!("val{}", r.id), bytes));
    }

    // The regulator's report of the recorded quarter-end, in Chinese and in English.
    let mut risk = app.login("risk").await;
    let recorded: Vec<Value> = api(&app, &mut risk, "/api/v1/compliance/results").await.as_array().unwrap().clone();
    let official =
        recorded.iter().filter(|r| r["quarter_end"] == "2026-09-30").max_by_key(|r| r["id"].as_i64()).unwrap().clone();
    let regulator = download(&app, &risk, "/compliance/report.xlsx?quarter=2026-09-30").await;
    assert!(spreadsheet::numbers_as_text(&regulator, |_, _| false).is_empty());
    books.push(("regulator".into(), regulator));
    app.get(&mut risk, "/lang/en?next=/").await;
    books.push(("regulator-en".into(), download(&app, &risk, "/compliance/report.xlsx?quarter=2026-09-30").await));

    // The compliance book as finance and risk download it.
    let book_api = api(&app, &mut risk, "/api/v1/compliance/book").await;
    let book = download(&app, &risk, "/compliance/book.xlsx").await;
    books.push(("book".into(), book));

    // The demo's first tape check report.
    let import = api(&app, &mut valuer, "/api/v1/imports/1").await;
    let tape = download(&app, &valuer, "/imports/1/report.xlsx").await;
    assert!(spreadsheet::numbers_as_text(&tape, |sheet, col| sheet == "问题清单" && col == 5).is_empty());
    books.push(("tape".into(), tape));

    // The GL journal finance hands to its finance system, and a held package's back-test.
    let finance = app.login("finance").await;
    books.push(("gl".into(), download(&app, &finance, "/ledger/gl.xlsx?from=2000-01-01&to=2026-12-31").await));
    let day = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    let trial = app.store.store.trial_balance(day("2000-01-01"), day("2026-12-31")).await.unwrap();
    let backtest_api = api(&app, &mut valuer, "/api/v1/packages/2/backtest").await;
    books.push(("backtest".into(), download(&app, &valuer, "/packages/2/backtest.xlsx").await));

    let refs: Vec<(&str, Vec<u8>)> = books.iter().map(|(n, b)| (n.as_str(), b.clone())).collect();
    let recalculating = std::time::Instant::now();
    let shown: Vec<String> =
        runs.iter().map(|r| format!("val{}", r.id)).chain(["regulator".into(), "regulator-en".into()]).collect();
    let out = soffice.recalculate(&refs, &shown.iter().map(String::as_str).collect::<Vec<_>>());
    eprintln!("{} workbooks recalculated by LibreOffice in {:.1} s", refs.len(), recalculating.elapsed().as_secs_f64());

    for r in &runs {
        check_valuation(r, &out[&format!("val{}", r.id)].xlsx, None);
        check_valuation(r, &out[&format!("val{}-irr", r.id)].xlsx, Some(r.target_irr + 0.05));
        let shown = &out[&format!("val{}", r.id)].shown["汇总"];
        assert!(shown[12][1].ends_with('%') && shown[15][1].contains(','), "formats: {:?}", &shown[12..16]);
        assert!(shown[21][1].ends_with('×'), "MOIC as a multiple: {:?}", shown[21]);
    }

    // Each ratio as the API recorded it, computed by LibreOffice from the lines.
    for name in ["regulator", "regulator-en"] {
        let mut wb = open(&out[name].xlsx);
        let sheets = wb.sheet_names().to_vec();
        assert!(sheets.iter().all(|s| s.chars().count() <= 31), "{sheets:?}");
        let summary = wb.worksheet_range(&sheets[0]).unwrap();
        let indicators = official["indicators"].as_array().unwrap();
        for (k, i) in indicators.iter().enumerate() {
            let row = 4 + k as u32;
            assert_eq!(summary.get_value((row, 0)).unwrap().to_string(), i["id"].as_str().unwrap());
            match i["ratio"].as_f64() {
                Some(ratio) => {
                    assert!((number(summary.get_value((row, 2))) - ratio).abs() < 1e-12, "{name} {}", i["id"]);
                    assert!((number(summary.get_value((row, 6))) - yuan(&i["numerator_fen"])).abs() < 0.001);
                    assert!((number(summary.get_value((row, 7))) - yuan(&i["denominator_fen"])).abs() < 0.001);
                }
                None => assert_eq!(summary.get_value((row, 2)).unwrap().to_string(), "—", "{name} {}", i["id"]),
            }
            // Worked out from the lines on the indicator's own sheet.
            let formulas =
                open(&books.iter().find(|(n, _)| n == name).unwrap().1).worksheet_formula(&sheets[1 + k]).unwrap();
            assert!(formulas.get_value((3, 1)).is_some_and(|f| f.starts_with("SUM(")), "{name} {}: numerator", i["id"]);
        }
        // Leverage as a multiple, the others as percentages; amounts with separators.
        for row in &out[name].shown[&sheets[0]][4..4 + indicators.len()] {
            let unit = if row[0] == "Q1" { '×' } else { '%' };
            assert!(row[2] == "—" || (row[2].ends_with(unit) && row[3].ends_with(unit)), "{row:?}");
            assert!(row[2] == "—" || row[6].contains(','), "{row:?}");
        }
    }

    // The book: its net assets, numbers in 万元, as the API gives them in fen.
    let mut wb = open(&out["book"].xlsx);
    let net = wb.worksheet_range("季末净资产").unwrap();
    let listed = book_api["net_assets"].as_array().unwrap();
    assert_eq!(net.height() - 1, listed.len());
    for (k, n) in listed.iter().enumerate() {
        let wan = number(net.get_value((1 + k as u32, 1)));
        assert_eq!(
            (wan * 1_000_000.0).round() as i64,
            n["amount"].as_i64().unwrap(),
            "net assets {}",
            n["quarter_end"]
        );
    }

    // The tape report: its counts as the API gives them, every problem's sheet named.
    let mut wb = open(&out["tape"].xlsx);
    let summary = wb.worksheet_range("汇总").unwrap();
    let report = &import["report"];
    for (row, key) in [(5, "rows_read"), (6, "valid_claims"), (7, "rejected_rows")] {
        assert_eq!(number(summary.get_value((row, 1))), report[key].as_f64().unwrap(), "{key}");
    }
    let problems = wb.worksheet_range("问题清单").unwrap();
    assert_eq!(problems.height() - 1, report["problems"].as_array().unwrap().len());
    assert!((1..problems.height() as u32).all(|r| !problems.get_value((r, 0)).unwrap().to_string().is_empty()));
    // The GL journal as LibreOffice reads it: each month's totals sum its lines and balance, and
    // the period's debits are the trial balance's.
    let rows = common::gl_rows(out["gl"].xlsx.clone());
    let (mut d, mut c, mut months) = (0, 0, 0);
    for (_, label, debit, credit) in &rows {
        if label.contains("月合计") {
            assert_eq!((*debit, *credit), (d, c), "{label}");
            assert_eq!(debit, credit, "{label}: debits equal credits");
            (d, c, months) = (0, 0, months + 1);
        } else if label.contains("期间合计") {
            let debits = trial.iter().map(|r| r.debits).sum::<i128>() as i64;
            let credits = trial.iter().map(|r| r.credits).sum::<i128>() as i64;
            assert_eq!((*debit, *credit), (debits, credits), "the period's totals, as the trial balance");
        } else {
            (d, c) = (d + debit, c + credit);
        }
    }
    assert!(months >= 12, "the demo's history: {months} months");

    // The back-test's quarters as LibreOffice reads them, to the fen of the API's.
    let mut wb = open(&out["backtest"].xlsx);
    let sheet = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&sheet).unwrap();
    let quarters = backtest_api["quarters"].as_array().unwrap();
    let one = |r: u32| {
        matches!(range.get_value((r, 0)), Some(Data::Float(x)) if *x == 1.0)
            || matches!(range.get_value((r, 0)), Some(Data::Int(1)))
    };
    let first = (0..range.height() as u32).find(|r| one(*r)).expect("quarter 1's row");
    for (k, q) in quarters.iter().enumerate() {
        let row = first + k as u32;
        for (col, key) in [(1, "projected"), (2, "actual"), (3, "cumulative_projected"), (4, "cumulative_actual")] {
            let fen = (number(range.get_value((row, col))) * 100.0).round() as i64;
            assert_eq!(fen, q[key].as_i64().unwrap(), "quarter {} {key}", k + 1);
        }
    }
    eprintln!("the whole test: {:.1} s", started.elapsed().as_secs_f64());
}

/// The cells of a workbook's sign-off sheet as a person reads them: a time in Beijing time
/// with the zone named (its format names it), text as it is.
fn signoff_cells(bytes: &[u8]) -> Vec<String> {
    let mut wb = open(bytes);
    let last = wb.sheet_names().last().cloned().unwrap();
    assert_eq!(last, "签署", "the sign-off is the last sheet");
    wb.worksheet_range(&last)
        .unwrap()
        .used_cells()
        .map(|(_, _, d)| match (d, calamine::DataType::as_datetime(d)) {
            (Data::DateTime(_), Some(t)) => format!("{} 北京时间", t.format("%Y-%m-%d %H:%M")),
            _ => d.to_string(),
        })
        .collect()
}

/// Issue 16, point 4: every workbook a person takes away is signed — its reference (the run,
/// the quarter-end, the period), its status, who prepared and reviewed it and when (北京时间), a
/// line to sign where no one has yet —, prints its page numbers, and is named by the package's
/// code or the period.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_workbook_is_signed_and_named_by_its_package_or_period() {
    let app = TestApp::new().await;
    let store = &app.store.store;
    let when = |t| huajie_core::clock::beijing_time(t, huajie_core::Lang::Zh, false);
    let blank = huajie_report::signoff::BLANK.to_string();
    let mut risk = app.login("risk").await;

    // The demo's first run, reviewed by the risk team.
    let package = store.packages().await.unwrap().into_iter().next().unwrap().package;
    let run = store.valuation_runs(package.id).await.unwrap().into_iter().min_by_key(|r| r.id).unwrap();
    let review = store.valuation_signoff(run.id).await.unwrap().review.expect("the demo reviews its first run");
    let reply = app.get(&mut risk, &format!("/valuations/{}/report.xlsx", run.id)).await;
    let disposition = reply.headers[axum::http::header::CONTENT_DISPOSITION].to_str().unwrap().to_string();
    assert!(disposition.contains(&format!("valuation-{}-run{}.xlsx", package.data.code, run.id)), "{disposition}");
    let cells = signoff_cells(&download(&app, &risk, &format!("/valuations/{}/report.xlsx", run.id)).await);
    for expected in [
        format!("估值记录 #{}", run.id),
        "已复核".into(),
        common::signed_as(store, &run.created_by).await,
        when(run.created_at),
        common::signed_as(store, &review.reviewed_by).await,
        when(review.reviewed_at),
        "批准人".into(),
        blank.clone(),
    ] {
        assert!(cells.contains(&expected), "the valuation workbook lacks {expected:?}: {cells:?}");
    }

    // The regulator report of the demo quarter: reviewed by whoever recorded the quarter-end.
    let quarter = chrono::NaiveDate::from_ymd_opt(2026, 9, 30).unwrap();
    let recorded = store.indicator_result(quarter).await.unwrap().expect("the demo records 2026-09-30");
    let path = "/compliance/report.xlsx?quarter=2026-09-30";
    let reply = app.get(&mut risk, path).await;
    let disposition = reply.headers[axum::http::header::CONTENT_DISPOSITION].to_str().unwrap().to_string();
    assert!(disposition.contains("2026-09-30"), "the quarter in its name: {disposition}");
    let cells = signoff_cells(&download(&app, &risk, path).await);
    let recorder = common::signed_as(store, &recorded.created_by).await;
    for expected in ["季末 2026-09-30".to_string(), "已复核".into(), recorder, when(recorded.created_at)] {
        assert!(cells.contains(&expected), "the regulator workbook lacks {expected:?}: {cells:?}");
    }

    // The exports: prepared by whoever exports them, now; a draft until signed on paper.
    let now = when(store.clock().now());
    let mut finance = app.login("finance").await;
    let mut auditor = app.login("auditor").await;
    for (client, path, reference) in [
        (&mut finance, "/ledger/gl.xlsx".to_string(), "期间"),
        (&mut auditor, "/audit/export.xlsx".to_string(), "审计日志"),
        (&mut risk, format!("/packages/{}/backtest.xlsx", package.id), package.data.code.as_str()),
    ] {
        let reply = app.get(client, &path).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}");
        let user = client.clone();
        let cells = signoff_cells(&download(&app, &user, &path).await);
        assert!(cells.contains(&"草稿".to_string()) && cells.contains(&now), "{path}: {cells:?}");
        assert!(cells.iter().any(|c| c.contains(reference)), "{path}: {reference:?} in {cells:?}");
        let mut wb = open(&download(&app, &user, &path).await);
        assert!(!wb.worksheet_range(&wb.sheet_names()[0]).unwrap().is_empty());
    }
}
