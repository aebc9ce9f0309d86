//! Issue 15, reconciliation and back-testing through the web: finance uploads a bank statement
//! with matched, ambiguous and unknown lines — each line posted once or queued, nothing posted
//! twice when the same file comes again —, a file with one bad line is refused whole with the
//! line's row and column named, the queue's lines are assigned and dismissed; a demo package's
//! back-test page, its workbook and its API answer show projected against actual.

mod common;

use std::collections::BTreeMap;

use axum::http::StatusCode;
use chrono::Datelike;
use common::{TestApp, decoded};
use huajie_core::Money;
use huajie_ledger::{Receipt, Source, Split};
use huajie_store::{EntryKind, LineStatus, ReceiptInput, Store};

/// A held package with a valuation, its purchase posted.
async fn bought(s: &Store) -> i64 {
    for p in s.packages().await.unwrap() {
        if p.package.data.acquired_on.is_none() || s.valuation_runs(p.package.id).await.unwrap().is_empty() {
            continue;
        }
        let id = p.package.id;
        if !s.ledger_entries(Some(id)).await.unwrap().iter().any(|e| e.kind == EntryKind::Purchase) {
            s.post_purchase("finance", id, None).await.unwrap();
        }
        return id;
    }
    panic!("the demo has a bought package with a valuation");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_statement_uploaded_twice_posts_each_line_once_and_a_bad_file_nothing() {
    // Without the demo's own statement and receipts: the test counts every line and entry.
    let app = TestApp::without_history().await;
    let s = &app.store.store;
    let package = bought(s).await;
    let mut by_debtor: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for p in s.packages().await.unwrap().iter().filter(|p| p.package.data.acquired_on.is_some()) {
        for c in s.claims_of_package(p.package.id).await.unwrap() {
            by_debtor.entry(c.debtor.data.name.clone()).or_default().push(c.claim.id);
        }
    }
    let in_package: Vec<i64> = s.claims_of_package(package).await.unwrap().iter().map(|c| c.claim.id).collect();
    let (single, claim) = by_debtor
        .iter()
        .find(|(_, v)| v.len() == 1 && in_package.contains(&v[0]))
        .map(|(n, v)| (n.clone(), v[0]))
        .expect("a debtor with one claim in the package");
    let several = by_debtor.iter().find(|(_, v)| v.len() > 1).map(|(n, _)| n.clone()).expect("a debtor with claims");
    let csv = format!(
        "某银行活期账户明细\n交易日期,贷方发生额,借方发生额,对方户名,摘要\n2026-11-02,500.00,,{single},还款\n\
         2026-11-03,700.00,,{several},还款\n2026-11-04,800.00,,不相干的公司,货款\n2026-11-05,,20.00,银行,手续费\n"
    );
    let mut finance = app.login("finance").await;
    let csrf = finance.csrf.clone();
    let (name, body) = ("2026-11.csv", csv);
    let r = app.post_multipart(&mut finance, "/reconcile", &[("csrf", &csrf)], (name, body.as_bytes()), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let page = decoded(&r.body);
    for shown in ["已入账 1", "待人工处理 2", "非收款 1", "此前已导入 0"] {
        assert!(page.contains(shown), "{shown} in {page}");
    }
    let lines = s.statement_lines().await.unwrap();
    assert_eq!(lines.len(), 4);
    let posted = lines.iter().find(|l| l.status == LineStatus::Posted).unwrap();
    assert_eq!((posted.candidates.clone(), posted.line.amount), (vec![claim], 50_000));
    let entries = s.ledger_entries(None).await.unwrap().len();

    let r = app.post_multipart(&mut finance, "/reconcile", &[("csrf", &csrf)], (name, body.as_bytes()), None).await;
    let page = decoded(&r.body);
    assert!(page.contains("已入账 0") && page.contains("此前已导入 4"), "{page}");
    assert_eq!(s.ledger_entries(None).await.unwrap().len(), entries, "nothing posted twice");
    assert_eq!(s.statement_lines().await.unwrap().len(), 4, "nothing queued twice");

    // One unreadable amount on row 4: the whole file refused, the good rows above it too.
    let bad = "交易日期,贷方发生额,对方户名\n2026-11-06,100,甲\n2026-11-07,200,乙\n2026-11-08,一百,丙\n";
    let r = app.post_multipart(&mut finance, "/reconcile", &[("csrf", &csrf)], ("bad.csv", bad.as_bytes()), None).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(decoded(&r.body).contains("第4行“贷方发生额”列（B列）不是金额：一百"), "{}", r.body);
    assert_eq!(s.statement_lines().await.unwrap().len(), 4, "nothing of the bad file imported");
    let r = app
        .post_multipart(&mut finance, "/api/v1/reconcile/statements", &[], ("bad.csv", bad.as_bytes()), Some(&csrf))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("row 4") || r.body.contains("第4行"), "{}", r.body);

    // The queue: the ambiguous line assigned to one of its claims, the unknown one dismissed.
    let r = app.get(&mut finance, "/reconcile/queue").await;
    assert_eq!(r.status, StatusCode::OK);
    let queue = app.get(&mut finance, "/api/v1/reconcile/queue").await.json();
    let queued = queue["data"].as_array().unwrap();
    assert_eq!(queued.len(), 2);
    let ambiguous = queued.iter().find(|l| l["candidates"].as_array().unwrap().len() > 1).unwrap();
    let unknown = queued.iter().find(|l| l["candidates"].as_array().unwrap().is_empty()).unwrap();
    let target = ambiguous["candidates"][0]["claim_id"].as_i64().unwrap();
    let path = format!("/reconcile/queue/{}/assign", ambiguous["id"]);
    let r = app.post_form(&mut finance, &path, &[("csrf", &csrf), ("claim", "不是编号")]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = app.post_form(&mut finance, &path, &[("csrf", &csrf), ("claim", &target.to_string())]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let path = format!("/reconcile/queue/{}/dismiss", unknown["id"]);
    let r = app.post_form(&mut finance, &path, &[("csrf", &csrf), ("reason", "")]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = app.post_form(&mut finance, &path, &[("csrf", &csrf), ("reason", "供应商货款，非债权回收")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let status: Vec<LineStatus> = s.statement_lines().await.unwrap().iter().map(|l| l.status).collect();
    use LineStatus::*;
    assert_eq!(status, vec![Posted, Posted, Dismissed, NotReceipt]);
    assert!(app.get(&mut finance, "/api/v1/reconcile/queue").await.json()["data"].as_array().unwrap().is_empty());
    let r = app.get(&mut finance, "/reconcile").await;
    assert!(decoded(&r.body).contains("2026-11.csv"));
    let report = s.verify_audit().await.unwrap();
    assert!(report.findings.is_empty(), "{:?}", report.findings);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_demo_package_back_test_shows_projected_against_actual() {
    let app = TestApp::new().await;
    let s = &app.store.store;
    let package = bought(s).await;
    let code = s.package(package).await.unwrap().unwrap().package.data.code;
    let claim = s.claims_of_package(package).await.unwrap()[0].claim.id;
    let today = s.clock().today();
    let mut valuer = app.login("valuer").await;
    let url = format!("/api/v1/packages/{package}/backtest");
    let before = app.get(&mut valuer, &url).await.json();
    let purchase = s.ledger_entries(Some(package)).await.unwrap().into_iter().find(|e| e.kind == EntryKind::Purchase);
    let run = purchase.and_then(|e| e.valuation_run).expect("the demo's purchase records its valuation run");
    assert_eq!(
        (&before["data"]["run_id"], &before["data"]["purchase_run"]),
        (&serde_json::json!(run), &serde_json::json!(true))
    );
    let actual = |v: &serde_json::Value| {
        let row = v["data"]["claims"].as_array().unwrap().iter().find(|c| c["key"] == claim).unwrap().clone();
        let last = v["data"]["quarters"].as_array().unwrap().last().unwrap()["cumulative_actual"].as_i64().unwrap();
        (row, last)
    };
    let (row_before, total_before) = actual(&before);
    let receipt = Receipt {
        claim,
        case: None,
        date: today,
        amount: Money::from_fen(123_400),
        source: Source::Debtor,
        split: Split::Statutory,
    };
    let input = ReceiptInput { receipt, payer: "债务人".into(), memo: "回收".into() };
    s.post_receipt("finance", &input).await.unwrap();

    let r = app.get(&mut valuer, &format!("/packages/{package}")).await;
    assert!(r.body.contains(&format!("href=\"/packages/{package}/backtest\"")), "the package links its back-test");
    let r = app.get(&mut valuer, &format!("/packages/{package}/backtest")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let page = decoded(&r.body);
    assert!(page.contains("回溯检验") && page.contains("chart-backtest"), "{page}");
    assert!(page.contains(&format!("#{claim} ")), "the claim's error row");

    let against = format!("对照估值 <a href=\"/valuations/{run}\">#{run}</a>");
    assert!(page.contains(&against) && page.contains("收购入账所据估值"), "{page}");
    // The receipt counts once, on its claim and in the quarter of today, against the run the
    // package was bought on.
    let api = app.get(&mut valuer, &url).await.json();
    let (row, total) = actual(&api);
    let was = row_before["actual"].as_i64().unwrap();
    assert_eq!(row["actual"].as_i64().unwrap(), was + 123_400, "{row}");
    assert_eq!(row["error"].as_i64().unwrap(), was + 123_400 - row["projected"].as_i64().unwrap());
    assert_eq!(total, total_before + 123_400);
    let quarters = api["data"]["quarters"].as_array().unwrap();
    assert!(quarters.len() >= 4, "the underwriting's quarters since the purchase: {}", quarters.len());

    let r = app.get(&mut valuer, &format!("/packages/{package}/backtest.xlsx")).await;
    assert_eq!(r.status, StatusCode::OK);
    let disposition = r.headers[axum::http::header::CONTENT_DISPOSITION].to_str().unwrap().to_string();
    assert!(disposition.contains(&format!("backtest-{code}.xlsx")), "{disposition}");
    // The same receipts as the collections history the retail curves are estimated from.
    let (status, csv) = app.get_bytes(&valuer, &format!("/packages/{package}/collections.csv")).await;
    assert_eq!(status, StatusCode::OK);
    let history = huajie_tape::history::read_history(&csv[..]).unwrap();
    let contract = s.claim(claim).await.unwrap().unwrap().claim.data.contract_no;
    let mine = history.claims.iter().find(|c| c.claim_no == contract).expect("the claim's rows");
    let month = today.year() * 12 + today.month0() as i32;
    assert_eq!(mine.collections, vec![(month, Money::from_fen(123_400))]);
    assert_eq!(history.claims.len(), s.claims_of_package(package).await.unwrap().len());
    let (_, bytes) = app.get_bytes(&valuer, &format!("/packages/{package}/backtest.xlsx")).await;
    let sheets = huajie_tape::read_workbook(bytes).unwrap();
    let names: Vec<&str> = sheets.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["按季度", "按债权", "按分组", "签署"], "the tables, then the sign-off");
    let by_claim: Vec<Vec<String>> = sheets[1].rows.iter().map(|r| r.as_ref().unwrap().1.clone()).collect();
    let mine = by_claim.iter().find(|r| r[0].starts_with(&format!("#{claim} "))).expect("the claim's row");
    assert_eq!(mine[2].parse::<f64>().unwrap(), (row_before["actual"].as_i64().unwrap() + 123_400) as f64 / 100.0);
}

/// A court's payment notice line left in the queue is posted as the court ordered (the ledger
/// form's split fields): a split that does not add up, or takes more of a part than is owed,
/// comes back beside the split with what was typed kept; the right one moves exactly its parts
/// of what the claim owes. The auditor reads the files and the queue without a form, and may not
/// post.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_queued_line_is_posted_as_the_court_ordered_and_the_auditor_only_reads() {
    let app = TestApp::without_history().await;
    let s = &app.store.store;
    let package = bought(s).await;
    let claims = s.claims_of_package(package).await.unwrap();
    let mut chosen = None;
    for c in &claims {
        let p = s.claim_position(c.claim.id).await.unwrap();
        if p.owed.interest.fen() >= 40_000 && p.owed.principal.fen() >= 60_000 && p.owed.costs.fen() < 100_000 {
            chosen = Some((c.claim.id, p));
            break;
        }
    }
    let (claim, before) = chosen.expect("a claim owing interest and principal");
    let csv = "交易日期,贷方发生额,对方户名,摘要\n2026-11-20,1000.00,某市中级人民法院,执行款 案号不详\n";
    let mut finance = app.login("finance").await;
    let csrf = finance.csrf.clone();
    let r =
        app.post_multipart(&mut finance, "/reconcile", &[("csrf", &csrf)], ("通知.csv", csv.as_bytes()), None).await;
    assert!(decoded(&r.body).contains("待人工处理 1"), "{}", r.body);
    let line = s.statement_lines().await.unwrap().pop().unwrap();
    assert_eq!((line.status, line.line.amount), (LineStatus::Queued, 100_000));
    let path = format!("/reconcile/queue/{}/assign", line.id);
    let form = format!("assign-{}", line.id);
    let claim_no = claim.to_string();
    let assign = |split: [&'static str; 3]| {
        let [c, i, p] = split;
        vec![
            ("claim", claim_no.clone()),
            ("split_costs", c.into()),
            ("split_interest", i.into()),
            ("split_principal", p.into()),
        ]
    };
    let send = async |finance: &mut common::Client, fields: Vec<(&str, String)>| {
        let mut all: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
        all.extend(fields.iter().map(|(k, v)| (*k, v.as_str())));
        app.post_form(finance, &path, &all).await
    };

    // Not adding up to the line's 1,000.00: beside the split, the parts typed kept.
    let r = send(&mut finance, assign(["", "300", "600"])).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let page = decoded(&r.body);
    let error = page.split(&format!("id=\"{form}-split_costs-error\">")).nth(1).expect("the error beside the split");
    assert!(
        error.starts_with(&format!("债权 #{claim} 的法院分配明细（费用、利息、本金）之和须等于收款金额")),
        "{error}"
    );
    assert!(
        page.contains("name=\"split_interest\" value=\"300\"")
            && page.contains("name=\"split_principal\" value=\"600\"")
    );
    // More to costs than the claim owes on them: the same refusal, the same place.
    let over = format!("{}", before.owed.costs.fen() / 100 + 1);
    let rest = format!("{}", 1000 - (before.owed.costs.fen() / 100 + 1));
    let mut fields = assign(["", "", ""]);
    fields[1].1 = over;
    fields[3].1 = rest;
    let r = send(&mut finance, fields).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(decoded(&r.body).contains(&format!("id=\"{form}-split_costs-error\">债权 #{claim} 的法院分配明细")));
    // A part that is not an amount: beside that part.
    let r = send(&mut finance, assign(["", "四百", "600"])).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(decoded(&r.body).contains(&format!("id=\"{form}-split_interest-error\"")));
    assert_eq!(s.statement_lines().await.unwrap().pop().unwrap().status, LineStatus::Queued, "nothing posted");

    // As the court ordered: 400.00 to interest, 600.00 to principal, nothing to costs.
    let r = send(&mut finance, assign(["", "400", "600"])).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let after = s.claim_position(claim).await.unwrap();
    assert_eq!(after.owed.costs, before.owed.costs);
    assert_eq!(after.owed.interest.fen(), before.owed.interest.fen() - 40_000);
    assert_eq!(after.owed.principal.fen(), before.owed.principal.fen() - 60_000);
    let line = s.statement_lines().await.unwrap().pop().unwrap();
    assert_eq!((line.status, line.candidates.clone()), (LineStatus::Posted, vec![claim]));

    // The auditor reads the files and the queue, no form on either, and cannot post.
    let csv = "交易日期,贷方发生额,对方户名,摘要\n2026-11-21,10.00,不相干的公司,货款\n";
    let r =
        app.post_multipart(&mut finance, "/reconcile", &[("csrf", &csrf)], ("另一.csv", csv.as_bytes()), None).await;
    assert_eq!(r.status, StatusCode::OK);
    let queued = s.statement_lines().await.unwrap().pop().unwrap();
    let mut auditor = app.login("auditor").await;
    let files = decoded(&app.get(&mut auditor, "/reconcile").await.body);
    assert!(files.contains("通知.csv") && files.contains("id=\"read-only\""), "{files}");
    assert!(!files.contains("action=\"/reconcile\""), "no upload form for the auditor");
    let queue = decoded(&app.get(&mut auditor, "/reconcile/queue").await.body);
    assert!(queue.contains(&format!("id=\"line-{}\"", queued.id)), "{queue}");
    assert!(!queue.contains("action=\"/reconcile/queue/"), "no assignment or dismissal form for the auditor");
    assert!(decoded(&app.get(&mut auditor, "/dashboard").await.body).contains("href=\"/reconcile\""), "in the menu");
    let token = auditor.csrf.clone();
    let path = format!("/reconcile/queue/{}/dismiss", queued.id);
    let r = app.post_form(&mut auditor, &path, &[("csrf", &token), ("reason", "审计不能驳回")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(s.statement_lines().await.unwrap().pop().unwrap().status, LineStatus::Queued);
    let queue = decoded(&app.get(&mut finance, "/reconcile/queue").await.body);
    assert!(queue.contains(&format!("action=\"/reconcile/queue/{}/assign\"", queued.id)), "finance's forms");

    // The API takes the court's split in fen: one that does not add up refused, the auditor
    // refused, the right one posted to interest alone.
    let mut other = None;
    for c in claims.iter().filter(|c| c.claim.id != claim) {
        if s.claim_position(c.claim.id).await.unwrap().owed.interest.fen() >= 1_000 {
            other = Some(c.claim.id);
            break;
        }
    }
    let other = other.expect("another claim owing interest");
    let api = format!("/api/v1/reconcile/queue/{}/assign", queued.id);
    let send = |token: String, body: serde_json::Value| {
        axum::http::Request::post(api.as_str())
            .header(axum::http::header::CONTENT_TYPE, "application/json")
            .header("x-csrf-token", token)
            .body(axum::body::Body::from(body.to_string()))
            .unwrap()
    };
    let owed = s.claim_position(other).await.unwrap().owed;
    let bad = serde_json::json!({ "claim_id": other, "split": { "interest_fen": 999 } });
    let r = app.send(&mut finance, send(csrf.clone(), bad)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.json()["error"]["message"].as_str().unwrap().contains("法院分配明细"), "{}", r.body);
    let good = serde_json::json!({ "claim_id": other, "split": { "interest_fen": 1_000 } });
    assert_eq!(app.send(&mut auditor, send(token.clone(), good.clone())).await.status, StatusCode::FORBIDDEN);
    let r = app.send(&mut finance, send(csrf.clone(), good)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["data"]["status"], "posted");
    let after = s.claim_position(other).await.unwrap().owed;
    assert_eq!(
        (after.costs, after.interest.fen(), after.principal),
        (owed.costs, owed.interest.fen() - 1_000, owed.principal)
    );
}

/// Issue 15, point 4: an assumption set's curves estimated from the recovery ledger equal those
/// estimated from an upload of every held retail batch's collections.csv concatenated (the same
/// curves, claim counts and vintages); the preview saves nothing; the confirmation saves a new
/// version noted with its source; a stale preview is refused and shown anew. A package valued
/// claim by claim, or a retail batch not bought (the demo's ZJ-2026-001), contributes nothing:
/// the demo's two held packages become retail batches here, one at a time, as a valuer does.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ledger_estimates_the_curves_an_upload_of_every_held_batch_does() {
    use huajie_core::{PackageStatus, ValuationBasis};
    let app = TestApp::new().await;
    let s = &app.store.store;
    let packages = s.packages().await.unwrap();
    let is_held = |p: &&huajie_store::PackageSummary| {
        matches!(p.package.data.status, PackageStatus::Acquired | PackageStatus::Disposing)
    };
    let held: Vec<i64> = packages.iter().filter(is_held).map(|p| p.package.id).collect();
    assert!(held.len() >= 2, "the demo holds two packages");
    let unbought = packages
        .iter()
        .find(|p| p.package.data.acquired_on.is_none() && p.package.data.valuation_basis == ValuationBasis::RetailBatch)
        .expect("the demo's retail batch not bought");
    assert!(packages.iter().filter(is_held).all(|p| p.package.data.valuation_basis == ValuationBasis::ClaimByClaim));
    let mut valuer = app.login("valuer").await;
    let csrf = valuer.csrf.clone();
    let sets_before = s.assumption_sets().await.unwrap().len();

    // Nothing retail is held: the preview says so, a confirmation is refused.
    assert!(
        s.ledger_pools().await.unwrap().pools.is_empty(),
        "{} is retail but not bought",
        unbought.package.data.code
    );
    let r = app.get(&mut valuer, "/assumptions/1/ledger-curves").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("id=\"no-pools\""), "{}", r.body);
    let r = app.post_form(&mut valuer, "/assumptions/1/ledger-curves", &[("csrf", &csrf), ("name", "x")]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(decoded(&r.body).contains("没有持有中的个贷批量资产包"), "{}", r.body);

    // One held package made a retail batch: it alone is a pool, the other held package not.
    let basis = |id: i64| format!("/packages/{id}/valuation/basis");
    let r = app.post_form(&mut valuer, &basis(held[0]), &[("csrf", &csrf), ("basis", "retail")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let one = s.ledger_pools().await.unwrap();
    assert_eq!(one.pools.iter().map(|p| p.package_id).collect::<Vec<_>>(), [held[0]]);
    let r = app.post_form(&mut valuer, &basis(held[1]), &[("csrf", &csrf), ("basis", "retail")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let pools = s.ledger_pools().await.unwrap();
    assert_eq!(pools.pools.iter().map(|p| p.package_id).collect::<Vec<_>>(), held);
    assert!(pools.pools.iter().all(|p| p.collected.fen() > 0), "the demo's history collected on each");
    let claims: usize = pools.pools.iter().map(|p| p.claims).sum();
    assert_eq!(pools.history.as_ref().unwrap().claims.len(), claims);

    // The upload: every held retail batch's collections.csv, one after the other.
    let mut concatenated = String::new();
    for id in &held {
        let (status, csv) = app.get_bytes(&valuer, &format!("/packages/{id}/collections.csv")).await;
        assert_eq!(status, StatusCode::OK);
        let csv = String::from_utf8(csv).unwrap();
        let body = if concatenated.is_empty() { csv.as_str() } else { csv.split_once('\n').unwrap().1 };
        concatenated.push_str(body);
    }
    let fields = [("csrf", csrf.as_str()), ("name", "由文件")];
    let r = app
        .post_multipart(&mut valuer, "/assumptions/1/curves", &fields, ("all.csv", concatenated.as_bytes()), None)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let uploaded: i64 = r.location().rsplit('/').next().unwrap().parse().unwrap();

    // The preview: the pools and the curves, nothing saved.
    let r = app.get(&mut valuer, "/assumptions/1").await;
    assert!(r.body.contains("href=\"/assumptions/1/ledger-curves\""), "the set's page links the estimate");
    let r = app.get(&mut valuer, "/assumptions/1/ledger-curves").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let page = decoded(&r.body);
    assert!(page.contains("从回收台账估计") && page.contains("id=\"estimated-curves\""), "{page}");
    for p in &pools.pools {
        assert!(page.contains(&format!("/packages/{}/backtest\">{} ", p.package_id, p.code)), "{page}");
    }
    assert_eq!(s.assumption_sets().await.unwrap().len(), sets_before + 1, "the preview saved nothing");
    let digest = common::hidden_field(&r.body, "digest");

    // A fingerprint not the ledger's: refused, the preview shown again, nothing saved.
    let stale = [("csrf", csrf.as_str()), ("name", "由台账"), ("digest", "0")];
    let r = app.post_form(&mut valuer, "/assumptions/1/ledger-curves", &stale).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(decoded(&r.body).contains("预览之后台账已有变化"), "{}", r.body);
    assert_eq!(common::hidden_field(&r.body, "digest"), digest, "the preview shown anew carries the ledger's");
    assert_eq!(s.assumption_sets().await.unwrap().len(), sets_before + 1);

    let confirm = [("csrf", csrf.as_str()), ("name", "由台账"), ("note", "季度复核"), ("digest", digest.as_str())];
    let r = app.post_form(&mut valuer, "/assumptions/1/ledger-curves", &confirm).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let from_ledger: i64 = r.location().rsplit('/').next().unwrap().parse().unwrap();
    let a = s.assumption_set(uploaded).await.unwrap().unwrap();
    let b = s.assumption_set(from_ledger).await.unwrap().unwrap();
    assert!(!b.assumptions.retail.curves.is_empty(), "the ledger's history estimated curves");
    assert_ne!(b.assumptions.retail.curves, s.assumption_set(1).await.unwrap().unwrap().assumptions.retail.curves);
    assert_eq!(b.assumptions.retail.curves, a.assumptions.retail.curves, "the same curves, claims and vintages");
    let months: std::collections::BTreeSet<_> =
        pools.pools.iter().map(|p| p.acquired.format("%Y-%m").to_string()).collect();
    assert!(b.assumptions.retail.curves.iter().all(|c| c.vintages as usize <= months.len()));
    assert_eq!(b.based_on, Some(1));
    assert_eq!(b.note, format!("回收台账 截至 {}；季度复核", s.clock().today()));
    s.verify_audit().await.unwrap();
    let blank_note = [("csrf", csrf.as_str()), ("name", "由台账"), ("digest", digest.as_str())];
    let r = app.post_form(&mut valuer, "/assumptions/1/ledger-curves", &blank_note).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "the same preview confirmed again (its note left blank)");
    let again = s.assumption_set(r.location().rsplit('/').next().unwrap().parse().unwrap()).await.unwrap().unwrap();
    assert_eq!(again.note, format!("回收台账 截至 {}", s.clock().today()));
}
