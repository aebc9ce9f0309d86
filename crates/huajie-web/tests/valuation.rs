//! Valuation through the web: a valuer runs a package's valuation and reads its results,
//! charts and reports; a wrong form field is explained and nothing is recorded; an edited
//! assumption set becomes a new version; the API runs and reads valuations.

mod common;

use axum::http::StatusCode;
use calamine::{Reader, Xlsx};
use common::TestApp;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_valuer_runs_a_valuation_and_reads_its_results_and_reports() {
    let app = TestApp::new().await;
    let store = &app.store.store;
    let mut valuer = app.login("valuer").await;
    // The demo comes valued: the package page links to its valuation, which shows the latest run.
    let package = app.get(&mut valuer, "/packages/1").await;
    assert!(package.body.contains("/packages/1/valuation"));
    let page = app.get(&mut valuer, "/packages/1/valuation").await;
    assert_eq!(page.status, StatusCode::OK);
    for id in [
        "run-form",
        "run-title",
        "chart-cash",
        "chart-cumulative",
        "chart-distribution",
        "sensitivity",
        "stresses",
        "monte-carlo",
        "top-claims",
        "runs",
    ] {
        assert!(page.body.contains(&format!("id=\"{id}\"")), "{id} missing");
    }
    assert!(page.body.contains("目标 IRR 下出价"));
    // The distribution marks P5, P50, P95 and the bid, each at the amount the page states.
    let chart = section(&page.body, "id=\"chart-distribution\"", "</figure>");
    let stats = section(&page.body, "id=\"monte-carlo\"", "</table>");
    for mark in ["P5", "P50", "P95"] {
        let tip = section(chart, &format!("data-mark=\"{mark}\"><title>{mark}: "), "<");
        assert!(stats.contains(&format!("<td>{mark}</td><td class=\"num\">{tip}</td>")), "{mark} {tip}");
    }
    let bid = section(chart, "data-mark=\"出价\"><title>出价: ", "<");
    assert!(page.body.contains(bid), "the bid {bid} is the run's");
    assert!(chart.contains("class=\"unit\">情景数") && chart.contains("元</text>"), "both axes name their unit");

    // A wrong field: the page says which, with a 400, and no run is recorded.
    let runs_before = store.valuation_runs(1).await.unwrap().len();
    let csrf = valuer.csrf.clone();
    let bad = app
        .post_form(
            &mut valuer,
            "/packages/1/valuation",
            &[("csrf", &csrf), ("set", "1"), ("irr", "十五"), ("scenarios", "100")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("目标 IRR 无法识别"), "{}", bad.body);
    let bad = app
        .post_form(
            &mut valuer,
            "/packages/1/valuation",
            &[("csrf", &csrf), ("set", "1"), ("irr", "15%"), ("scenarios", "20000")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(store.valuation_runs(1).await.unwrap().len(), runs_before);

    // A run at 12% with a stress overlay and 200 scenarios.
    let ok = app
        .post_form(
            &mut valuer,
            "/packages/1/valuation",
            &[("csrf", &csrf), ("set", "1"), ("irr", "12%"), ("scenarios", "200"), ("seed", "3"), ("stress", "mv-20")],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let run_path = ok.location().to_string();
    let run_id: i64 = run_path.trim_start_matches("/valuations/").parse().unwrap();
    let run = store.valuation_run(run_id).await.unwrap().unwrap();
    assert_eq!(
        (run.target_irr_bps, run.scenarios, run.seed, run.stress.as_deref(), run.created_by.as_str()),
        (1200, 200, 3, Some("mv-20"), "valuer")
    );
    let shown = app.get(&mut valuer, &run_path).await;
    assert!(shown.body.contains(&format!("#{run_id}")) && shown.body.contains("抵押物价值 −20%"));

    // The claim page shows the claim in its latest run: routes and timeline.
    let claim_id = store.valuation_claims(run_id).await.unwrap()[0].id;
    let claim = app.get(&mut valuer, &format!("/claims/{claim_id}")).await;
    assert!(claim.body.contains("id=\"claim-routes\"") && claim.body.contains(&format!("/valuations/{run_id}")));

    // The workbook and the PDF.
    let xlsx = app.get(&mut valuer, &format!("{run_path}/report.xlsx")).await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert!(xlsx.headers["content-disposition"].to_str().unwrap().contains(".xlsx"));
    let pdf = app.get(&mut valuer, &format!("{run_path}/report.pdf")).await;
    assert_eq!(pdf.status, StatusCode::OK, "{}", pdf.body.chars().take(300).collect::<String>());
    assert_eq!(pdf.headers["content-type"], "application/pdf");
    assert!(pdf.body.starts_with("%PDF-"));

    // In English, one click away.
    app.get(&mut valuer, "/lang/en?next=/").await;
    let en = app.get(&mut valuer, &run_path).await;
    assert!(en.body.contains("Bid at target IRR") && en.body.contains("Stress tests"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_workbook_download_has_the_claims_with_personal_names_masked_for_a_valuer() {
    let app = TestApp::new().await;
    let valuer = app.login("valuer").await;
    // The demo's personal-loan package.
    let mut package = 0;
    for p in app.store.store.packages().await.unwrap() {
        let claims = app.store.store.claims_of_package(p.package.id).await.unwrap();
        if claims.iter().any(|c| c.debtor.data.kind() == huajie_core::PartyKind::Individual) {
            package = p.package.id;
        }
    }
    let runs = app.store.store.valuation_runs(package).await.unwrap();
    // The test client reads bodies as text: fetch the workbook's bytes directly.
    let bytes = {
        let request = axum::http::Request::get(format!("/valuations/{}/report.xlsx", runs[0].id))
            .header(
                axum::http::header::COOKIE,
                valuer.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; "),
            )
            .body(axum::body::Body::empty())
            .unwrap();
        let response = tower::ServiceExt::oneshot(app.router.clone(), request).await.unwrap();
        axum::body::to_bytes(response.into_body(), 16 * 1024 * 1024).await.unwrap()
    };
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let claims = wb.worksheet_range("逐笔").unwrap();
    let package_claims = app.store.store.claims_of_package(package).await.unwrap();
    assert_eq!(claims.height() - 2, package_claims.len(), "a row per claim, a header and a total");
    // A person's full name never appears for a valuer.
    let people: Vec<String> = package_claims
        .iter()
        .filter(|c| c.debtor.data.kind() == huajie_core::PartyKind::Individual)
        .map(|c| c.debtor.data.name.clone())
        .collect();
    let names: Vec<String> =
        (1..claims.height() as u32).filter_map(|r| claims.get_value((r, 1)).map(|d| d.to_string())).collect();
    assert!(!people.is_empty());
    for person in &people {
        assert!(!names.contains(person), "{person} unmasked");
    }
    assert!(names.iter().any(|n| n.contains('*')), "masked names show as 张** and the like");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edited_assumption_set_is_a_new_version_and_a_wrong_field_saves_nothing() {
    let app = TestApp::new().await;
    let store = &app.store.store;
    let mut valuer = app.login("valuer").await;
    let page = app.get(&mut valuer, "/assumptions/1").await;
    assert!(
        page.body.contains("id=\"edit-set\"") && page.body.contains("待校准假设") && page.body.contains("法规规定")
    );
    let before = store.assumption_sets().await.unwrap().len();
    let csrf = valuer.csrf.clone();
    let bad = app
        .post_form(
            &mut valuer,
            "/assumptions/1",
            &[
                ("csrf", &csrf),
                ("name", "HV-1 默认参数"),
                ("p/legal_costs", "120%"),
                ("p/timeline/judgment_not_sued", "10"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("超出范围") && bad.body.contains("未保存任何内容"), "{}", bad.body);
    assert_eq!(store.assumption_sets().await.unwrap().len(), before);

    let ok = app
        .post_form(
            &mut valuer,
            "/assumptions/1",
            &[
                ("csrf", &csrf),
                ("name", "HV-1 默认参数"),
                ("note", "律师费 10%"),
                ("p/legal_costs", "10%"),
                ("p/timeline/judgment_not_sued", "10"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let id: i64 = ok.location().trim_start_matches("/assumptions/").parse().unwrap();
    let saved = store.assumption_set(id).await.unwrap().unwrap();
    assert_eq!((saved.name.as_str(), saved.version, saved.based_on), ("HV-1 默认参数", 2, Some(1)));
    assert_eq!((saved.assumptions.legal_costs, saved.assumptions.timeline.judgment_not_sued), (0.10, 10));
    // The old version is unchanged and still readable.
    assert_eq!(store.assumption_set(1).await.unwrap().unwrap().assumptions, huajie_value::Assumptions::default());
    // A committee member sees the set but cannot edit it.
    let mut committee = app.login("committee").await;
    let seen = app.get(&mut committee, &format!("/assumptions/{id}")).await;
    assert_eq!(seen.status, StatusCode::OK);
    assert!(!seen.body.contains("id=\"edit-set\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hypothetical_liquidation_entered_on_the_party_page_changes_the_next_valuation() {
    let app = TestApp::new().await;
    let store = &app.store.store;
    let mut valuer = app.login("valuer").await;
    // A debtor of the first package that is not bankrupt, so its own assets are pursued.
    let claims = store.claims_of_package(1).await.unwrap();
    let claim = claims
        .iter()
        .find(|c| c.claim.data.litigation_stage != Some(huajie_core::LitigationStage::Bankruptcy))
        .unwrap();
    let debtor = claim.debtor.id;
    let csrf = valuer.csrf.clone();
    let path = format!("/parties/{debtor}/liquidation");
    let bad = app.post_form(&mut valuer, &path, &[("csrf", &csrf), ("effective_assets", "很多")]).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("有效资产") && bad.body.contains("未保存"));
    assert!(store.liquidation_of(debtor).await.unwrap().is_none());
    // Assets 5,000,000, liabilities 10,000,000: the debtor pays 50% of what it owes.
    let ok = app
        .post_form(
            &mut valuer,
            &path,
            &[
                ("csrf", &csrf),
                ("effective_assets", "5,000,000"),
                ("effective_liabilities", "10000000"),
                ("basis", "审计报告"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let page = app.get(&mut valuer, &format!("/parties/{debtor}")).await;
    assert!(page.body.contains("50.00%"), "the ratio is shown");
    let before = store.valuation_runs(1).await.unwrap()[0].id;
    let run = app
        .post_form(
            &mut valuer,
            "/packages/1/valuation",
            &[("csrf", &csrf), ("set", "1"), ("irr", "15%"), ("scenarios", "0")],
        )
        .await;
    let after: i64 = run.location().trim_start_matches("/valuations/").parse().unwrap();
    let old = store.valuation_claim(before, claim.claim.id).await.unwrap().unwrap();
    let new = store.valuation_claim(after, claim.claim.id).await.unwrap().unwrap();
    assert!(new.unsecured > old.unsecured, "{} vs {}", new.unsecured, old.unsecured);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_runs_and_reads_valuations() {
    let app = TestApp::new().await;
    let mut valuer = app.login("valuer").await;
    let body = serde_json::json!({ "target_irr": 0.15, "scenarios": 100, "seed": 11 });
    let request = axum::http::Request::post("/api/v1/packages/2/valuations")
        .header("content-type", "application/json")
        .header("x-csrf-token", valuer.csrf.clone())
        .body(axum::body::Body::from(body.to_string()))
        .unwrap();
    let created = app.send(&mut valuer, request).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let json = created.json();
    let id = json["data"]["run"]["id"].as_i64().unwrap();
    assert_eq!(json["data"]["results"]["monte_carlo"]["present_values_fen"].as_array().unwrap().len(), 100);
    let bid = json["data"]["results"]["bid_fen"].as_i64().unwrap();
    let quarterly: Vec<i64> =
        json["data"]["results"]["quarterly_fen"].as_array().unwrap().iter().map(|v| v.as_i64().unwrap()).collect();
    assert_eq!(quarterly.len(), 40);
    assert!(bid > 0);

    let runs = app.get(&mut valuer, "/api/v1/packages/2/valuations").await.json();
    assert_eq!(runs["data"][0]["id"], id);
    let claims = app.get(&mut valuer, &format!("/api/v1/valuations/{id}/claims")).await.json();
    let allocated: i64 = claims["data"].as_array().unwrap().iter().map(|c| c["allocation_fen"].as_i64().unwrap()).sum();
    // Each claim's cost basis is rounded to fen: the sum is the price within a fen per claim.
    assert!((allocated - bid).abs() <= claims["data"].as_array().unwrap().len() as i64, "{allocated} vs {bid}");
    let set = app.get(&mut valuer, "/api/v1/assumption-sets/1").await.json();
    assert!(
        set["data"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["path"] == "/legal_costs" && p["confidence"] == "assumption")
    );

    // Without the CSRF header, or with a bad field, nothing runs.
    let request = axum::http::Request::post("/api/v1/packages/2/valuations")
        .header("content-type", "application/json")
        .body(axum::body::Body::from(body.to_string()))
        .unwrap();
    assert_eq!(app.send(&mut valuer, request).await.status, StatusCode::FORBIDDEN);
    let request = axum::http::Request::post("/api/v1/packages/2/valuations")
        .header("content-type", "application/json")
        .header("x-csrf-token", valuer.csrf.clone())
        .body(axum::body::Body::from(serde_json::json!({ "target_irr": 0.15, "stress": "nonsense" }).to_string()))
        .unwrap();
    let bad = app.send(&mut valuer, request).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    // The demo's two runs of this held package (at its cut-off, and today at its cost) and this one.
    assert_eq!(app.store.store.valuation_runs(2).await.unwrap().len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_held_package_is_revalued_today_against_its_cost_and_a_valuer_sets_its_basis() {
    let app = TestApp::new().await;
    let store = &app.store.store;
    let today = store.clock().today();
    let mut valuer = app.login("valuer").await;
    let csrf = valuer.csrf.clone();

    // ZJ-2025-002 is held: the page sets today's value beside its cost, and a new run
    // defaults to today and to the cost.
    let package = store.package(2).await.unwrap().unwrap().package.data;
    let cost = package.price.unwrap();
    assert!(package.is_held());
    let page = app.get(&mut valuer, "/packages/2/valuation").await;
    assert!(page.body.contains("id=\"holding\""), "the holding panel");
    let cost_shown = cost.display(huajie_core::Lang::Zh);
    assert!(page.body.contains(&format!("<dd id=\"holding-cost\">{cost_shown}</dd>")), "{cost_shown}");
    assert!(page.body.contains(&format!("name=\"date\" value=\"{today}\"")), "the date field defaults to today");
    assert!(page.body.contains(&format!("name=\"price\" value=\"{:.2}\"", cost.fen() as f64 / 1_000_000.0)));
    assert!(page.body.contains("id=\"holding-irr\""), "the demo's run today is at the cost: its IRR is shown");
    assert!(!page.body.contains("id=\"holding-stale\""), "the demo revalued it today");

    // A run with the form left blank is made today.
    let run =
        app.post_form(&mut valuer, "/packages/2/valuation", &[("csrf", &csrf), ("set", "1"), ("irr", "15%")]).await;
    assert_eq!(run.status, StatusCode::SEE_OTHER, "{}", run.body);
    let id: i64 = run.location().trim_start_matches("/valuations/").parse().unwrap();
    assert_eq!(store.valuation_run(id).await.unwrap().unwrap().valuation_date, today);
    // A date before the tape's cut-off is refused, naming the cut-off; nothing is recorded.
    let runs = store.valuation_runs(2).await.unwrap().len();
    let bad = app
        .post_form(
            &mut valuer,
            "/packages/2/valuation",
            &[("csrf", &csrf), ("set", "1"), ("irr", "15%"), ("date", "2020-01-01")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains(&format!("估值基准日不能早于数据带基准日 {}", package.cutoff_date)), "{}", bad.body);
    assert_eq!(store.valuation_runs(2).await.unwrap().len(), runs);

    // A package being priced is valued at its cut-off and has no holding panel.
    let pricing = app.get(&mut valuer, "/packages/3/valuation").await;
    assert!(!pricing.body.contains("id=\"holding\""));
    let retail = store.package(3).await.unwrap().unwrap().package.data;
    assert!(pricing.body.contains(&format!("name=\"date\" value=\"\" placeholder=\"{}\"", retail.cutoff_date)));

    // The personal-loan package came in as a retail batch: its unsecured personal claims go by segment.
    assert_eq!(retail.valuation_basis, huajie_core::ValuationBasis::RetailBatch);
    assert!(pricing.body.contains("<span id=\"basis-current\">个贷批量</span>"));
    let latest = &store.valuation_runs(3).await.unwrap()[0];
    assert!(!latest.appraisal().unwrap().segments.is_empty(), "valued by segment");
    // A valuer values it claim by claim instead: the change is audited, and the next run has no segments.
    let set = app.post_form(&mut valuer, "/packages/3/valuation/basis", &[("csrf", &csrf), ("basis", "claims")]).await;
    assert_eq!(set.status, StatusCode::SEE_OTHER, "{}", set.body);
    assert_eq!(
        store.package(3).await.unwrap().unwrap().package.data.valuation_basis,
        huajie_core::ValuationBasis::ClaimByClaim
    );
    let audit = store.audit_of("package", "3").await.unwrap();
    let last = audit.last().unwrap();
    assert_eq!((last.action.as_str(), last.actor.as_str()), ("update", "valuer"));
    assert!(last.after.as_deref().unwrap().contains("\"valuation_basis\":\"claims\""));
    let run =
        app.post_form(&mut valuer, "/packages/3/valuation", &[("csrf", &csrf), ("set", "1"), ("irr", "15%")]).await;
    let id: i64 = run.location().trim_start_matches("/valuations/").parse().unwrap();
    let r = store.valuation_run(id).await.unwrap().unwrap();
    assert!(r.appraisal().unwrap().segments.is_empty());
    assert_eq!(r.valuation_date, retail.cutoff_date, "still being priced: valued at its cut-off");

    // The API: a wrong basis is refused, a right one answers with the package; only valuers.
    let post = |client: &common::Client, basis: &str| {
        axum::http::Request::post("/api/v1/packages/3/valuation-basis")
            .header("content-type", "application/json")
            .header("x-csrf-token", client.csrf.clone())
            .body(axum::body::Body::from(serde_json::json!({ "basis": basis }).to_string()))
            .unwrap()
    };
    let request = post(&valuer, "bogus");
    assert_eq!(app.send(&mut valuer, request).await.status, StatusCode::BAD_REQUEST);
    let request = post(&valuer, "retail");
    let reply = app.send(&mut valuer, request).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.json()["data"]["valuation_basis"], "retail");
    let mut acquisition = app.login("acquisition").await;
    let request = post(&acquisition, "claims");
    assert_eq!(app.send(&mut acquisition, request).await.status, StatusCode::FORBIDDEN);
    // A run over the API can name its date.
    let request = axum::http::Request::post("/api/v1/packages/2/valuations")
        .header("content-type", "application/json")
        .header("x-csrf-token", valuer.csrf.clone())
        .body(axum::body::Body::from(
            serde_json::json!({ "target_irr": 0.15, "valuation_date": "2026-06-30" }).to_string(),
        ))
        .unwrap();
    let created = app.send(&mut valuer, request).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    assert_eq!(created.json()["data"]["run"]["valuation_date"], "2026-06-30");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_collections_history_uploaded_on_a_set_page_becomes_a_version_with_estimated_curves() {
    let app = TestApp::new().await;
    let store = &app.store.store;
    let mut valuer = app.login("valuer").await;
    let csrf = valuer.csrf.clone();
    let before = store.assumption_sets().await.unwrap().len();
    let header = "债权编号,产品,逾期天数,债权金额,是否诉讼,收购月份,回收月份,回收金额\n";
    let bad = format!("{header}C1,信用卡,400,20000,否,2025-01,2025-13,200\n");
    let reply = app
        .post_multipart(
            &mut valuer,
            "/assumptions/1/curves",
            &[("csrf", &csrf), ("name", "历史曲线")],
            ("h.csv", bad.as_bytes()),
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.body.contains("第 2 行") && reply.body.contains("回收月份"), "{}", reply.body);
    assert_eq!(store.assumption_sets().await.unwrap().len(), before);

    // 40 claims over two months, each collecting 2% a month for six months.
    let mut good = header.to_string();
    for i in 0..40 {
        let acquired = 1 + i % 2;
        for k in 0..6 {
            good.push_str(&format!("C{i},消费贷,800,10000,是,2025-{acquired:02},2025-{:02},200\n", acquired + k));
        }
    }
    let reply = app
        .post_multipart(
            &mut valuer,
            "/assumptions/1/curves",
            &[("csrf", &csrf), ("name", "历史曲线")],
            ("h.csv", good.as_bytes()),
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let set = store.latest_assumption_set("历史曲线").await.unwrap().unwrap();
    let curve = &set.assumptions.retail.curves[0];
    assert_eq!((curve.claims, curve.vintages), (40, 2));
    assert!((curve.crr[5] - 0.12).abs() < 1e-9, "{}", curve.crr[5]);
    let page = app.get(&mut valuer, reply.location()).await;
    assert!(page.body.contains("id=\"estimated-curves\"") && page.body.contains("消费贷"));
    // Only valuers may.
    let mut committee = app.login("committee").await;
    let c = committee.csrf.clone();
    let reply = app
        .post_multipart(
            &mut committee,
            "/assumptions/1/curves",
            &[("csrf", &c), ("name", "x")],
            ("h.csv", good.as_bytes()),
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_risk_team_reads_the_six_indicators_their_trend_and_the_rule_catalogue() {
    let app = TestApp::new().await;
    let mut risk = app.login("risk").await;
    let page = app.get(&mut risk, "/compliance?as_of=2026-09-30").await;
    assert_eq!(page.status, StatusCode::OK);
    let card = |id: &str| {
        let start = page.body.find(&format!("id=\"indicator-{id}\"")).unwrap_or_else(|| panic!("{id} missing"));
        page.body[start..].split("</section>").next().unwrap().to_string()
    };
    assert!(card("q1").contains("2.73×") && card("q1").contains("预警"), "{}", card("q1"));
    assert!(card("q4").contains("61.20%") && card("q4").contains("超限（过渡期内）"), "{}", card("q4"));
    assert!(card("q4").contains("杭州建平贸易有限公司"), "the lines behind the figure");
    for id in ["q2", "q3", "q5", "q6"] {
        assert!(card(id).contains("合规"), "{}", card(id));
    }
    assert!(page.body.contains("id=\"trend\"") && page.body.contains("<th class=\"num\">2025-03-31</th>"));
    // A date without net assets is explained; a malformed one is a 400.
    let early = app.get(&mut risk, "/compliance?as_of=2024-06-30").await;
    assert!(early.body.contains("缺少 2024-06-30 的季末净资产"));
    assert_eq!(app.get(&mut risk, "/compliance?as_of=next-week").await.status, StatusCode::BAD_REQUEST);
    let rules = app.get(&mut risk, "/rules").await;
    assert!(
        rules.body.contains("id=\"rule-catalogue\"")
            && rules.body.contains("本系统解读")
            && rules.body.contains("2028-07-12")
    );
    // The regulator sees the indicators; a valuer does not.
    let mut regulator = app.login("regulator").await;
    assert_eq!(app.get(&mut regulator, "/compliance").await.status, StatusCode::OK);
    let mut valuer = app.login("valuer").await;
    assert_eq!(app.get(&mut valuer, "/compliance").await.status, StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_changed_rule_parameter_is_a_new_version_and_the_old_one_still_computes() {
    let app = TestApp::new().await;
    let store = &app.store.store;
    let mut risk = app.login("risk").await;
    let page = app.get(&mut risk, "/rules").await;
    assert!(
        page.body.contains("id=\"edit-parameters\"")
            && page.body.contains("rules.md A6.6")
            && page.body.contains("[C]")
    );
    let csrf = risk.csrf.clone();
    let bad = app
        .post_form(
            &mut risk,
            "/rules/parameters",
            &[("csrf", &csrf), ("related_max_bps", "六十五"), ("note", "省细则")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("未保存任何内容"));
    assert_eq!(store.rule_parameter_sets().await.unwrap().len(), 1);
    let ok = app
        .post_form(
            &mut risk,
            "/rules/parameters",
            &[("csrf", &csrf), ("related_max_bps", "65%"), ("note", "省级实施细则第 12 条")],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let sets = store.rule_parameter_sets().await.unwrap();
    assert_eq!((sets.len(), sets[1].version, sets[1].parameters.related_max_bps), (2, 2, 6_500));
    // The latest version computes with 65%: 61.2% is amber; version 1 still says breach.
    let card =
        |body: &str| body[body.find("id=\"indicator-q4\"").unwrap()..].split("</section>").next().unwrap().to_string();
    let now = app.get(&mut risk, "/compliance?as_of=2026-09-30").await;
    assert!(card(&now.body).contains("预警"), "{}", card(&now.body));
    let then = app.get(&mut risk, "/compliance?as_of=2026-09-30&version=1").await;
    assert!(card(&then.body).contains("超限（过渡期内）"));
    assert_eq!(app.get(&mut risk, "/compliance?version=9").await.status, StatusCode::NOT_FOUND);
    assert!(store.verify_audit().await.unwrap().is_intact());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_and_the_api_refuse_an_out_of_range_request_alike_naming_each_field() {
    use huajie_value::limits::{SCENARIOS_MAX, TARGET_IRR_MAX, scenarios_text, target_irr_text};
    let app = TestApp::new().await;
    let mut valuer = app.login("valuer").await;
    let csrf = valuer.csrf.clone();
    let runs_before = app.store.store.valuation_runs(1).await.unwrap().len();
    let (irr, scenarios) = (TARGET_IRR_MAX + 1.0, (SCENARIOS_MAX + 1).to_string());
    let expected = [scenarios_text().zh, target_irr_text().zh];
    // The form itself says the cap (a text input, so that full-width digits can be typed).
    let form = app.get(&mut valuer, "/packages/1/valuation").await.body;
    assert!(form.contains("name=\"scenarios\" inputmode=\"numeric\""));
    assert!(form.contains(&format!("<small class=\"muted\" id=\"scenarios-max\">≤ {SCENARIOS_MAX}</small>")));

    let page = app
        .post_form(
            &mut valuer,
            "/packages/1/valuation",
            &[("csrf", &csrf), ("set", "1"), ("irr", &irr.to_string()), ("scenarios", &scenarios)],
        )
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    let body = serde_json::json!({ "target_irr": irr, "scenarios": SCENARIOS_MAX + 1 });
    let request = axum::http::Request::post("/api/v1/packages/1/valuations")
        .header("content-type", "application/json")
        .header("x-csrf-token", csrf.clone())
        .body(axum::body::Body::from(body.to_string()))
        .unwrap();
    let api = app.send(&mut valuer, request).await;
    assert_eq!(api.status, StatusCode::BAD_REQUEST);
    for says in &expected {
        assert!(page.body.contains(says.as_ref()), "page: {says} missing from {}", page.body);
        assert!(api.body.contains(says.as_ref()), "API: {says} missing from {}", api.body);
    }
    assert_eq!(app.store.store.valuation_runs(1).await.unwrap().len(), runs_before);
}

/// The text of `body` from just after `start` up to the next `end`.
fn section<'a>(body: &'a str, start: &str, end: &str) -> &'a str {
    let from = body.find(start).unwrap_or_else(|| panic!("{start} missing")) + start.len();
    let rest = &body[from..];
    &rest[..rest.find(end).unwrap_or(rest.len())]
}

/// Issue 16, point 4: a run reads 草稿 until a second person marks it reviewed; its preparer is
/// refused beside the button, in Chinese and English; the reviewed run's reports carry the
/// status, the reviewer and the times in Beijing time, and are named by the package's code.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_is_reviewed_by_a_second_person_and_its_reports_say_so() {
    // 10:30 Beijing time on Monday 7 December 2026.
    let clock = std::sync::Arc::new(huajie_core::clock::FixedClock::at("2026-12-07T02:30:00Z".parse().unwrap()));
    let app = TestApp::with_clock(clock.clone()).await;
    let store = &app.store.store;
    let mut valuer = app.login("valuer").await;
    let csrf = valuer.csrf.clone();
    let run = app
        .post_form(
            &mut valuer,
            "/packages/1/valuation",
            &[("csrf", &csrf), ("set", "1"), ("irr", "15%"), ("scenarios", "0")],
        )
        .await;
    assert_eq!(run.status, StatusCode::SEE_OTHER);
    let path = run.location().to_string();
    let id: i64 = path.trim_start_matches("/valuations/").parse().unwrap();
    let page = app.get(&mut valuer, &path).await;
    assert!(page.body.contains("data-status=\"draft\"") && page.body.contains("草稿"), "a new run is a draft");
    assert!(page.body.contains("2026-12-07 10:30 北京时间"), "prepared at, in Beijing time");
    assert!(page.body.contains("id=\"review-run\""), "a valuer may review runs: the button is offered");

    // Its preparer is refused, beside the button; nothing is recorded.
    let own = app.post_form(&mut valuer, &format!("{path}/review"), &[("csrf", &csrf)]).await;
    assert_eq!(own.status, StatusCode::BAD_REQUEST);
    let form = &own.body[own.body.find("id=\"review-form\"").expect("the review form")..];
    let beside = &form[..form.find("</form>").unwrap()];
    assert!(beside.contains("field-error") && beside.contains("编制人不能复核自己的估值记录"), "{beside}");
    assert_eq!(store.valuation_signoff(id).await.unwrap().review, None);
    let mut english = valuer.clone();
    english.cookies.push(("huajie_lang".into(), "en".into()));
    let own = app.post_form(&mut english, &format!("{path}/review"), &[("csrf", &csrf)]).await;
    assert!(own.body.contains("The preparer cannot review their own valuation run"), "in English too");

    // The risk team reviews it at 11:15: the page reads 已复核 with the reviewer and the time,
    // and no longer offers the button.
    clock.advance(chrono::Duration::minutes(45));
    let mut risk = app.login("risk").await;
    let csrf = risk.csrf.clone();
    let done = app.post_form(&mut risk, &format!("{path}/review"), &[("csrf", &csrf)]).await;
    assert_eq!((done.status, done.location()), (StatusCode::SEE_OTHER, path.as_str()));
    let page = app.get(&mut risk, &path).await;
    let panel = &page.body[page.body.find("id=\"signoff\"").unwrap()..];
    let panel = &panel[..panel.find("</section>").unwrap()];
    assert!(panel.contains("data-status=\"reviewed\"") || page.body.contains("data-status=\"reviewed\""));
    assert!(
        panel.contains("已复核") && panel.contains("risk") && panel.contains("2026-12-07 11:15 北京时间"),
        "{panel}"
    );
    assert!(!panel.contains("id=\"review-run\""), "reviewed once: no button");
    let again = app.post_form(&mut risk, &format!("{path}/review"), &[("csrf", &csrf)]).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST, "a second review is refused");
    // The API says the same, its times UTC instants.
    let api = app.get(&mut risk, &format!("/api/v1/valuations/{id}")).await.json()["data"]["signoff"].clone();
    assert_eq!(api["status"], "reviewed");
    assert_eq!(
        (api["prepared_by"].as_str(), api["prepared_at"].as_str()),
        (Some("valuer"), Some("2026-12-07T02:30:00.000000Z"))
    );
    assert_eq!(
        (api["reviewed_by"].as_str(), api["reviewed_at"].as_str()),
        (Some("risk"), Some("2026-12-07T03:15:00.000000Z"))
    );
    assert!(api["approved_at"].is_null());

    // The reports: named by the package's code, and signed.
    let code = store.package(1).await.unwrap().unwrap().package.data.code;
    for ext in ["pdf", "xlsx"] {
        let reply = app.get(&mut risk, &format!("{path}/report.{ext}")).await;
        assert_eq!(reply.status, StatusCode::OK);
        let disposition = reply.headers[axum::http::header::CONTENT_DISPOSITION].to_str().unwrap().to_string();
        let name = format!("valuation-{code}-run{id}.{ext}");
        assert!(disposition.contains(&format!("filename=\"{name}\"")), "{disposition}");
        assert!(disposition.contains(&format!("filename*=UTF-8''{name}")), "{disposition}");
    }
    let (_, xlsx) = app.get_bytes(&risk, &format!("{path}/report.xlsx")).await;
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(xlsx)).unwrap();
    let sheet = wb.worksheet_range("签署").expect("the sign-off sheet");
    let cells: Vec<String> = sheet.used_cells().map(|(_, _, d)| d.to_string()).collect();
    let (valuer, risk) = (common::signed_as(store, "valuer").await, common::signed_as(store, "risk").await);
    for expected in [format!("估值记录 #{id}"), "已复核".into(), valuer, risk] {
        assert!(cells.contains(&expected), "{expected} missing from {cells:?}");
    }
}
