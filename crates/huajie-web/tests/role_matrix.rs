//! The role × route matrix: every route lets in exactly the roles it should. The
//! expected table is written out here, independently of `Role::can`.

mod common;

use axum::http::StatusCode;
use common::{Client, TestApp};
use huajie_core::Role;

const STAFF: &[&str] = &["admin", "acquisition", "valuer", "risk", "asset_manager", "committee", "finance", "auditor"];
const PORTFOLIO: &[&str] =
    &["admin", "acquisition", "valuer", "risk", "asset_manager", "committee", "finance", "auditor"];
const PARTIES: &[&str] = &["admin", "acquisition", "valuer", "risk", "asset_manager", "committee", "auditor"];
const AUDIT: &[&str] = &["admin", "risk", "auditor"];
const ADMIN: &[&str] = &["admin"];
const INVESTOR: &[&str] = &["investor"];
const ACQUISITION: &[&str] = &["acquisition"];
const VALUERS: &[&str] = &["acquisition", "valuer"];
const COMPLIANCE: &[&str] = &["admin", "risk", "committee", "finance", "auditor", "regulator"];
const BOOK: &[&str] = &["admin", "risk", "committee", "finance", "auditor"];
const BOOK_EDITORS: &[&str] = &["finance", "risk"];
/// The party graph (holdings, officers, staff, relatives, attributes): the risk team alone.
const GRAPH_EDITORS: &[&str] = &["risk"];
/// Prohibited-asset flags: set by acquisition and risk, lifted by risk alone.
const FLAGGERS: &[&str] = &["acquisition", "risk"];
const CHECKERS: &[&str] = &["acquisition", "asset_manager", "finance", "risk"];
// Not the regulator: checks are deals under negotiation, with their prices.
const CHECK_READERS: &[&str] = &["admin", "acquisition", "risk", "asset_manager", "committee", "finance", "auditor"];
// A disposal screens its transferee: only these may run one.
const SCREENERS: &[&str] = &["asset_manager", "risk"];
const EVERYONE: &[&str] = &[
    "admin",
    "acquisition",
    "valuer",
    "risk",
    "asset_manager",
    "committee",
    "finance",
    "auditor",
    "regulator",
    "investor",
];

/// GET routes and who may open them.
const GET_ROUTES: &[(&str, &[&str])] = &[
    ("/dashboard", STAFF),
    ("/packages", PORTFOLIO),
    ("/packages/1", PORTFOLIO),
    ("/claims/1", PORTFOLIO),
    ("/parties", PARTIES),
    ("/parties/1", PARTIES),
    ("/audit", AUDIT),
    ("/audit/export.xlsx", AUDIT),
    ("/audit/export.csv", AUDIT),
    ("/admin/users", ADMIN),
    ("/portal", INVESTOR),
    ("/investors", &["risk", "asset_manager"]),
    ("/imports/new", ACQUISITION),
    ("/imports/1", PORTFOLIO),
    ("/imports/1/report.xlsx", PORTFOLIO),
    ("/account", EVERYONE),
    ("/api/v1/me", EVERYONE),
    ("/api/v1/dashboard", STAFF),
    ("/api/v1/packages", PORTFOLIO),
    ("/api/v1/packages/1", PORTFOLIO),
    ("/api/v1/packages/1/claims", PORTFOLIO),
    ("/api/v1/claims/1", PORTFOLIO),
    ("/api/v1/parties", PARTIES),
    ("/api/v1/parties/1", PARTIES),
    ("/api/v1/users", ADMIN),
    ("/api/v1/audit", AUDIT),
    ("/api/v1/imports/1", PORTFOLIO),
    ("/packages/1/valuation", PORTFOLIO),
    ("/compliance?as_of=2026-09-30", COMPLIANCE),
    ("/rules", COMPLIANCE),
    ("/compliance/calendar", COMPLIANCE),
    ("/compliance/calendar?version=1", COMPLIANCE),
    ("/compliance/calendar.csv", COMPLIANCE),
    ("/api/v1/calendar", COMPLIANCE),
    ("/compliance/book", BOOK),
    // The regulator's window and the quarterly reports submitted (issue 16): whoever reads compliance.
    ("/compliance/book/cash_flow/1", BOOK),
    ("/regulator", COMPLIANCE),
    ("/api/v1/compliance/submissions", COMPLIANCE),
    ("/compliance/company", BOOK),
    ("/api/v1/compliance/company", BOOK),
    ("/api/v1/compliance/funding?as_of=2026-09-30", COMPLIANCE),
    ("/compliance/book.xlsx", BOOK),
    ("/compliance/report.xlsx?quarter=2026-09-30", COMPLIANCE),
    ("/checks", CHECK_READERS),
    ("/checks/1", CHECK_READERS),
    ("/api/v1/compliance/checks/1", CHECK_READERS),
    ("/api/v1/compliance/indicators?as_of=2026-09-30", COMPLIANCE),
    ("/api/v1/compliance/results", COMPLIANCE),
    ("/api/v1/compliance/checks", CHECK_READERS),
    ("/api/v1/compliance/book", BOOK),
    ("/valuations/1", PORTFOLIO),
    ("/valuations/1/report.xlsx", PORTFOLIO),
    ("/assumptions", PORTFOLIO),
    ("/assumptions/1", PORTFOLIO),
    ("/assumptions/1/ledger-curves", &["valuer"]),
    ("/api/v1/packages/1/valuations", PORTFOLIO),
    ("/api/v1/valuations/1", PORTFOLIO),
    ("/api/v1/valuations/1/claims", PORTFOLIO),
    ("/api/v1/assumption-sets", PORTFOLIO),
    ("/api/v1/assumption-sets/1", PORTFOLIO),
    // The report downloads in the API (the PDFs share their workbooks' permissions).
    ("/api/v1/valuations/1/report.xlsx", PORTFOLIO),
    ("/api/v1/compliance/report.xlsx?quarter=2026-09-30", COMPLIANCE),
    ("/api/v1/compliance/book.xlsx", BOOK),
    ("/api/v1/imports/1/report.xlsx", PORTFOLIO),
    // A package's sales (issue 14): the staff who see lots (the buyer is named).
    ("/api/v1/packages/1/sales", STAFF),
    // One's background runs (issue 17): who may start one, and the administrators.
    ("/runs", &["admin", "acquisition", "valuer"]),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_allows_exactly_its_roles() {
    let app = TestApp::new().await;
    // `/imports/1` is the demo's first package, loaded from its tape.
    assert!(app.store.store.tape_import(1).await.unwrap().is_some());
    assert_eq!(EVERYONE.len(), Role::ALL.len(), "the matrix names every role");
    let mut wrong = Vec::new();
    for role in EVERYONE {
        let mut client = app.login(role).await;
        for (path, allowed) in GET_ROUTES {
            let reply = app.get(&mut client, path).await;
            let expected = if allowed.contains(role) { StatusCode::OK } else { StatusCode::FORBIDDEN };
            if reply.status != expected {
                wrong.push(format!("{role} GET {path}: {} (expected {expected})", reply.status));
            }
        }
        // Writing routes: only the administrator gets through (303 back to the list).
        let target = app.store.store.user_by_username("investor").await.unwrap().unwrap().id;
        let posts: Vec<(String, Vec<(&str, String)>)> = vec![
            (
                "/admin/users".into(),
                vec![
                    ("username", format!("new-{role}")),
                    ("display_name", "新用户".into()),
                    ("role", "valuer".into()),
                    ("password", "a-long-enough-password".into()),
                ],
            ),
            (
                format!("/admin/users/{target}"),
                vec![
                    ("display_name", "杭州钱潮投资有限公司".into()),
                    ("role", "investor".into()),
                    ("active", "1".into()),
                ],
            ),
        ];
        for (path, fields) in posts {
            let mut fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let csrf = client.csrf.clone();
            fields.push(("csrf", &csrf));
            let reply = app.post_form(&mut client, &path, &fields).await;
            let expected = if ADMIN.contains(role) { StatusCode::SEE_OTHER } else { StatusCode::FORBIDDEN };
            if reply.status != expected {
                wrong.push(format!(
                    "{role} POST {path}: {} (expected {expected}) {}",
                    reply.status,
                    reply.body.chars().take(200).collect::<String>()
                ));
            }
        }
        // Running a valuation: the valuers and the acquisition team (303 to the run).
        let csrf = client.csrf.clone();
        let reply = app
            .post_form(
                &mut client,
                "/packages/1/valuation",
                &[("csrf", &csrf), ("set", "1"), ("irr", "15%"), ("scenarios", "0")],
            )
            .await;
        let expected = if VALUERS.contains(role) { StatusCode::SEE_OTHER } else { StatusCode::FORBIDDEN };
        if reply.status != expected {
            wrong.push(format!("{role} POST /packages/1/valuation: {} (expected {expected})", reply.status));
        }
        // Saving an assumption set: the valuers only.
        let name = format!("set-{role}");
        let reply = app
            .post_form(&mut client, "/assumptions/1", &[("csrf", &csrf), ("name", &name), ("p/legal_costs", "9%")])
            .await;
        let expected = if role == &"valuer" { StatusCode::SEE_OTHER } else { StatusCode::FORBIDDEN };
        if reply.status != expected {
            wrong.push(format!("{role} POST /assumptions/1: {} (expected {expected})", reply.status));
        }
        // How a package is valued: the valuers only (303 back to its valuation page).
        let reply =
            app.post_form(&mut client, "/packages/3/valuation/basis", &[("csrf", &csrf), ("basis", "retail")]).await;
        let expected = if role == &"valuer" { StatusCode::SEE_OTHER } else { StatusCode::FORBIDDEN };
        if reply.status != expected {
            wrong.push(format!("{role} POST /packages/3/valuation/basis: {} (expected {expected})", reply.status));
        }
        // Reviewing a valuation run: the valuers and the risk team (a run that does not exist: 404).
        let reply = app.post_form(&mut client, "/valuations/999999/review", &[("csrf", &csrf)]).await;
        let expected = if ["valuer", "risk"].contains(role) { StatusCode::NOT_FOUND } else { StatusCode::FORBIDDEN };
        if reply.status != expected {
            wrong.push(format!("{role} POST /valuations/999999/review: {} (expected {expected})", reply.status));
        }
        // A hypothetical liquidation of a debtor: those who value.
        let reply = app
            .post_form(
                &mut client,
                "/parties/1/liquidation",
                &[("csrf", &csrf), ("effective_assets", "1000000"), ("basis", "x")],
            )
            .await;
        let expected = if VALUERS.contains(role) { StatusCode::SEE_OTHER } else { StatusCode::FORBIDDEN };
        if reply.status != expected {
            wrong.push(format!("{role} POST /parties/1/liquidation: {} (expected {expected})", reply.status));
        }
        // Curves from a collections history: the valuers only.
        let history = "债权编号,产品,逾期天数,债权金额,是否诉讼,收购月份,回收月份,回收金额\nC1,信用卡,400,20000,否,2025-01,2025-02,200\n";
        let reply = app
            .post_multipart(
                &mut client,
                "/assumptions/1/curves",
                &[("csrf", &csrf), ("name", &name)],
                ("h.csv", history.as_bytes()),
                None,
            )
            .await;
        let expected = if role == &"valuer" { StatusCode::SEE_OTHER } else { StatusCode::FORBIDDEN };
        if reply.status != expected {
            wrong.push(format!("{role} POST /assumptions/1/curves: {} (expected {expected})", reply.status));
        }
        // Curves from the recovery ledger: the valuers only (a stale preview's fingerprint is
        // refused with the preview shown again, a 400).
        let reply = app
            .post_form(
                &mut client,
                "/assumptions/1/ledger-curves",
                &[("csrf", &csrf), ("name", &name), ("digest", "x")],
            )
            .await;
        let expected = if role == &"valuer" { StatusCode::BAD_REQUEST } else { StatusCode::FORBIDDEN };
        if reply.status != expected {
            wrong.push(format!("{role} POST /assumptions/1/ledger-curves: {} (expected {expected})", reply.status));
        }
        // A new version of the rule parameters: the risk team only.
        let reply = app
            .post_form(&mut client, "/rules/parameters", &[("csrf", &csrf), ("amber_bps", "85%"), ("note", &name)])
            .await;
        let expected = if role == &"risk" { StatusCode::SEE_OTHER } else { StatusCode::FORBIDDEN };
        if reply.status != expected {
            wrong.push(format!("{role} POST /rules/parameters: {} (expected {expected})", reply.status));
        }
        // A new version of the working-day calendar (the 2028 notice added): the risk team only.
        let mut calendar =
            huajie_core::WorkCalendar::new(1, huajie_core::WorkCalendar::shipped_rows()).unwrap().to_csv();
        calendar.push_str("2028,2028-01-01,放假,元旦,否,国办发明电〔2027〕X号\n");
        let reply = app
            .post_multipart(
                &mut client,
                "/compliance/calendar",
                &[("csrf", &csrf), ("note", &name)],
                ("calendar.csv", calendar.as_bytes()),
                None,
            )
            .await;
        let expected = if role == &"risk" { StatusCode::SEE_OTHER } else { StatusCode::FORBIDDEN };
        if reply.status != expected {
            wrong.push(format!("{role} POST /compliance/calendar: {} (expected {expected})", reply.status));
        }
        // The compliance book: finance and risk (303 back to the book).
        let reply = app
            .post_form(
                &mut client,
                "/compliance/book/cash_flow",
                &[("csrf", &csrf), ("label", &name), ("due_date", "2026-12-20"), ("amount", "10"), ("inflow", "否")],
            )
            .await;
        let expected = if BOOK_EDITORS.contains(role) { StatusCode::SEE_OTHER } else { StatusCode::FORBIDDEN };
        if reply.status != expected {
            wrong.push(format!("{role} POST /compliance/book/cash_flow: {} (expected {expected})", reply.status));
        }
        // Removing a book entry: finance and risk (404 for them: there is no cash flow 999999).
        let reply = app.post_form(&mut client, "/compliance/book/cash_flow/999999/delete", &[("csrf", &csrf)]).await;
        let expected = if BOOK_EDITORS.contains(role) { StatusCode::NOT_FOUND } else { StatusCode::FORBIDDEN };
        if reply.status != expected {
            wrong.push(format!(
                "{role} POST /compliance/book/cash_flow/999999/delete: {} (expected {expected})",
                reply.status
            ));
        }
        // The party graph: the risk team only (303 back to the book), by form and removal.
        let (holder, held) = (
            huajie_core::Uscc::with_check_chars("91330100MB0RM001").unwrap().as_str().to_string(),
            huajie_core::Uscc::with_check_chars("91330100MB0RM002").unwrap().as_str().to_string(),
        );
        let reply = app
            .post_form(
                &mut client,
                "/compliance/book/holding",
                &[
                    ("csrf", &csrf),
                    ("holder", &holder),
                    ("holder_name", "甲控股"),
                    ("held", &held),
                    ("held_name", "乙实业"),
                    ("stake", "1"),
                    ("control", "否"),
                ],
            )
            .await;
        let expected = if GRAPH_EDITORS.contains(role) { StatusCode::SEE_OTHER } else { StatusCode::FORBIDDEN };
        if reply.status != expected {
            wrong.push(format!("{role} POST /compliance/book/holding: {} (expected {expected})", reply.status));
        }
        for kind in ["holding", "officer", "relative", "party_attributes"] {
            let path = format!("/compliance/book/{kind}/999999/delete");
            let reply = app.post_form(&mut client, &path, &[("csrf", &csrf)]).await;
            let expected = if GRAPH_EDITORS.contains(role) { StatusCode::NOT_FOUND } else { StatusCode::FORBIDDEN };
            if reply.status != expected {
                wrong.push(format!("{role} POST {path}: {} (expected {expected})", reply.status));
            }
        }
        // The company's profile: finance saves the capital, risk the main business (303 back).
        let reply = app
            .post_form(
                &mut client,
                "/compliance/company",
                &[
                    ("csrf", &csrf),
                    ("part", "capital"),
                    ("effective_from", "2026-09-30"),
                    ("registered_capital", "500000"),
                    ("paid_in_capital", "500000"),
                ],
            )
            .await;
        let expected = if role == &"finance" { StatusCode::SEE_OTHER } else { StatusCode::FORBIDDEN };
        if reply.status != expected {
            wrong.push(format!("{role} POST /compliance/company capital: {} (expected {expected})", reply.status));
        }
        let reply = app
            .post_form(
                &mut client,
                "/compliance/company",
                &[("csrf", &csrf), ("part", "business"), ("effective_from", "2026-09-30"), ("lines", "BS1 不良资产")],
            )
            .await;
        let expected = if role == &"risk" { StatusCode::SEE_OTHER } else { StatusCode::FORBIDDEN };
        if reply.status != expected {
            wrong.push(format!("{role} POST /compliance/company business: {} (expected {expected})", reply.status));
        }
        // A pre-trade check of a package (303 to the check), and the checks page's proposals.
        let reply = app
            .post_form(
                &mut client,
                "/packages/3/checks",
                &[("csrf", &csrf), ("kind", "acquisition"), ("price", "100"), ("as_of", "2026-09-30")],
            )
            .await;
        let expected = if CHECKERS.contains(role) { StatusCode::SEE_OTHER } else { StatusCode::FORBIDDEN };
        if reply.status != expected {
            wrong.push(format!(
                "{role} POST /packages/3/checks: {} (expected {expected}) {}",
                reply.status,
                reply.body.chars().take(200).collect::<String>()
            ));
        } else if expected == StatusCode::SEE_OTHER {
            let check = reply.location().to_string();
            if app.get(&mut client, &check).await.status != StatusCode::OK {
                wrong.push(format!("{role} GET {check}"));
            }
        }
        // A proposed disposal of the demo's oldest package (held), which screens its transferee.
        let held = app.store.store.package_id_by_code("ZJ-2025-001").await.unwrap().unwrap();
        let reply = app
            .post_form(
                &mut client,
                &format!("/packages/{held}/checks"),
                &[
                    ("csrf", &csrf),
                    ("kind", "disposal"),
                    ("price", "100"),
                    ("as_of", "2026-09-30"),
                    ("transferee", "91330100MA2AYA1GX3"),
                    ("transferee_name", "某投资公司"),
                ],
            )
            .await;
        let screener = if SCREENERS.contains(role) { StatusCode::SEE_OTHER } else { StatusCode::FORBIDDEN };
        if reply.status != screener {
            wrong.push(format!(
                "{role} POST /packages/{held}/checks (disposal): {} (expected {screener}) {}",
                reply.status,
                reply.body.chars().take(200).collect::<String>()
            ));
        }
        let reply = app
            .post_form(
                &mut client,
                "/checks",
                &[
                    ("csrf", &csrf),
                    ("kind", "investment"),
                    ("label", &name),
                    ("investment_kind", "other_equity"),
                    ("exposure", "equity"),
                    ("amount", "100"),
                    ("as_of", "2026-09-30"),
                ],
            )
            .await;
        if reply.status != expected {
            wrong.push(format!("{role} POST /checks: {} (expected {expected})", reply.status));
        }
        // Recording a purchase: the acquisition team only (for it, a form without its date is a
        // 400, and through the API a check that does not exist a 404).
        let reply = app.post_form(&mut client, "/checks/1/acquire", &[("csrf", &csrf), ("acquired_on", "")]).await;
        let expected = if ACQUISITION.contains(role) { StatusCode::BAD_REQUEST } else { StatusCode::FORBIDDEN };
        if reply.status != expected {
            wrong.push(format!("{role} POST /checks/1/acquire: {} (expected {expected})", reply.status));
        }
        let request = axum::http::Request::post("/api/v1/compliance/checks/999999/acquisition")
            .header(axum::http::header::CONTENT_TYPE, "application/json")
            .header("x-csrf-token", &csrf)
            .body(axum::body::Body::from(r#"{"acquired_on":"2026-10-08"}"#))
            .unwrap();
        let reply = app.send(&mut client, request).await;
        let expected = if ACQUISITION.contains(role) { StatusCode::NOT_FOUND } else { StatusCode::FORBIDDEN };
        if reply.status != expected {
            wrong.push(format!(
                "{role} POST /api/v1/compliance/checks/999999/acquisition: {} (expected {expected})",
                reply.status
            ));
        }
        // Overriding a finding: the risk team only (for it, a finding check 1 does not have is 404).
        let reply = app
            .post_form(&mut client, "/checks/1/overrides", &[("csrf", &csrf), ("finding", "99"), ("reason", "x")])
            .await;
        let expected = if role == &"risk" { StatusCode::NOT_FOUND } else { StatusCode::FORBIDDEN };
        if reply.status != expected {
            wrong.push(format!("{role} POST /checks/1/overrides: {} (expected {expected})", reply.status));
        }
        // A cross-region exception on a claim: the risk team only (303 back to the claim).
        let reply = app
            .post_form(&mut client, "/claims/1/cross-region", &[("csrf", &csrf), ("basis", "批复〔2026〕1号")])
            .await;
        let expected = if role == &"risk" { StatusCode::SEE_OTHER } else { StatusCode::FORBIDDEN };
        if reply.status != expected {
            wrong.push(format!("{role} POST /claims/1/cross-region: {} (expected {expected})", reply.status));
        }
        // A prohibited-asset flag on a claim and on a package (303 back), and lifting one.
        for path in ["/claims/1/flags", "/packages/1/flags"] {
            let reason = format!("合同限制转让条款（{role}）");
            // Each flagger sets a category of its own (a flag is set once).
            let code = if role == &"risk" { "PX6" } else { "PX5" };
            let reply = app.post_form(&mut client, path, &[("csrf", &csrf), ("code", code), ("reason", &reason)]).await;
            let expected = if FLAGGERS.contains(role) { StatusCode::SEE_OTHER } else { StatusCode::FORBIDDEN };
            if reply.status != expected {
                wrong.push(format!("{role} POST {path}: {} (expected {expected})", reply.status));
            }
            let reply = app.post_form(&mut client, &format!("{path}/999999/delete"), &[("csrf", &csrf)]).await;
            let expected = if role == &"risk" { StatusCode::NOT_FOUND } else { StatusCode::FORBIDDEN };
            if reply.status != expected {
                wrong.push(format!("{role} POST {path}/999999/delete: {} (expected {expected})", reply.status));
            }
        }
        // Recording the quarter-end: the risk team only.
        let reply =
            app.post_form(&mut client, "/compliance/results", &[("csrf", &csrf), ("quarter", "2026-09-30")]).await;
        let expected = if role == &"risk" { StatusCode::SEE_OTHER } else { StatusCode::FORBIDDEN };
        if reply.status != expected {
            wrong.push(format!("{role} POST /compliance/results: {} (expected {expected})", reply.status));
        }
        // The quarter's report, four eyes and the regulator's acknowledgement (issue 16).
        regulator_writes(&app, &mut client, role, &mut wrong).await;
        // Uploading a tape: only the acquisition team (303 to the report).
        let package = format!("M-{role}");
        let csrf = client.csrf.clone();
        let fields = [
            ("csrf", csrf.as_str()),
            ("package", package.as_str()),
            ("transferor_name", "某银行"),
            ("transferor_id", "91330100MA2AYA1GX3"),
            ("cutoff", "2026-06-30"),
            ("policy", "partial"),
            ("action", "import"),
        ];
        let tape = common::sample_tape();
        let reply = app.post_multipart(&mut client, "/imports", &fields, ("t.csv", tape.as_bytes()), None).await;
        let expected = if ACQUISITION.contains(role) { StatusCode::SEE_OTHER } else { StatusCode::FORBIDDEN };
        if reply.status != expected {
            wrong.push(format!("{role} POST /imports: {} (expected {expected})", reply.status));
        }
    }
    assert!(wrong.is_empty(), "role × route mismatches:\n{}", wrong.join("\n"));
}

/// The committee's pages: read by every staff role but the regulator.
const COMMITTEE_READERS: &[&str] =
    &["admin", "acquisition", "valuer", "risk", "asset_manager", "committee", "finance", "auditor"];
/// Members, meetings, attendance, closing, cancelling and withdrawing an item: the committee's
/// secretary.
const COMMITTEE_SECRETARY: &[&str] = &["committee"];
/// Voting (as a member serving, present, not recused: the store's check).
const VOTERS: &[&str] = &["acquisition", "valuer", "risk", "asset_manager", "committee", "finance"];
/// Tabling a purchase: the acquisition team and the secretary (the asset managers table plans).
const PURCHASE_TABLERS: &[&str] = &["acquisition", "committee"];

/// A writing route: its path, the fields sent, who may, and what they are answered.
type Post = (&'static str, &'static [(&'static str, &'static str)], &'static [&'static str], StatusCode);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_committee_routes_allow_exactly_their_roles() {
    let app = TestApp::new().await;
    let store = &app.store.store;
    let meeting = store.schedule_meeting("committee", "第 1 次会议", store.clock().now(), "会议室").await.unwrap().id;
    let cancelled = store.schedule_meeting("committee", "第 2 次会议", store.clock().now(), "会议室").await.unwrap().id;
    store.cancel_meeting("committee", cancelled).await.unwrap();
    let gets: Vec<(String, &[&str], StatusCode)> = vec![
        ("/committee".into(), COMMITTEE_READERS, StatusCode::OK),
        (format!("/committee/meetings/{meeting}"), COMMITTEE_READERS, StatusCode::OK),
        // A cancelled meeting has no minutes: a 400 saying so, for those who may read them.
        (format!("/committee/meetings/{cancelled}/minutes.pdf"), COMMITTEE_READERS, StatusCode::BAD_REQUEST),
        ("/api/v1/committee/meetings".into(), COMMITTEE_READERS, StatusCode::OK),
        (format!("/api/v1/committee/meetings/{meeting}"), COMMITTEE_READERS, StatusCode::OK),
        ("/api/v1/committee/pending".into(), COMMITTEE_READERS, StatusCode::OK),
        ("/api/v1/committee/members".into(), COMMITTEE_READERS, StatusCode::OK),
    ];
    // Each writing route, with what an allowed role is answered (a form that cannot be read, or
    // a meeting, item or check that does not exist); every other role is refused with a 403.
    let posts: &[Post] = &[
        ("/committee/members", &[("username", "")], COMMITTEE_SECRETARY, StatusCode::BAD_REQUEST),
        ("/committee/meetings", &[("title", "")], COMMITTEE_SECRETARY, StatusCode::BAD_REQUEST),
        ("/committee/meetings/999999/open", &[("present", "risk")], COMMITTEE_SECRETARY, StatusCode::NOT_FOUND),
        ("/committee/meetings/999999/close", &[("minutes", "纪要")], COMMITTEE_SECRETARY, StatusCode::NOT_FOUND),
        ("/committee/meetings/999999/cancel", &[], COMMITTEE_SECRETARY, StatusCode::NOT_FOUND),
        ("/committee/items/999999/votes", &[("ballot", "for")], VOTERS, StatusCode::NOT_FOUND),
        ("/checks/1/committee", &[("meeting", "999999")], PURCHASE_TABLERS, StatusCode::NOT_FOUND),
        ("/api/v1/committee/items/999999/votes", &[("ballot", "for")], VOTERS, StatusCode::NOT_FOUND),
        ("/committee/items/999999/withdraw", &[], COMMITTEE_SECRETARY, StatusCode::NOT_FOUND),
        ("/api/v1/committee/members", &[("username", "")], COMMITTEE_SECRETARY, StatusCode::BAD_REQUEST),
        ("/api/v1/committee/meetings", &[("title", "")], COMMITTEE_SECRETARY, StatusCode::BAD_REQUEST),
        ("/api/v1/committee/meetings/999999/open", &[("present", "risk")], COMMITTEE_SECRETARY, StatusCode::NOT_FOUND),
        ("/api/v1/committee/meetings/999999/close", &[("minutes", "纪要")], COMMITTEE_SECRETARY, StatusCode::NOT_FOUND),
        ("/api/v1/committee/meetings/999999/cancel", &[], COMMITTEE_SECRETARY, StatusCode::NOT_FOUND),
        ("/api/v1/committee/items/999999/withdraw", &[], COMMITTEE_SECRETARY, StatusCode::NOT_FOUND),
        ("/api/v1/compliance/checks/1/committee", &[("meeting", "999999")], PURCHASE_TABLERS, StatusCode::NOT_FOUND),
    ];
    let mut wrong = Vec::new();
    for role in EVERYONE {
        let mut client = app.login(role).await;
        for (path, allowed, ok) in &gets {
            let reply = app.get(&mut client, path).await;
            let expected = if allowed.contains(role) { *ok } else { StatusCode::FORBIDDEN };
            if reply.status != expected {
                wrong.push(format!("{role} GET {path}: {} (expected {expected})", reply.status));
            }
        }
        let csrf = client.csrf.clone();
        for (path, fields, allowed, ok) in posts {
            let mut fields = fields.to_vec();
            fields.push(("csrf", &csrf));
            let reply = app.post_form(&mut client, path, &fields).await;
            let expected = if allowed.contains(role) { *ok } else { StatusCode::FORBIDDEN };
            if reply.status != expected {
                wrong.push(format!("{role} POST {path}: {} (expected {expected})", reply.status));
            }
        }
    }
    assert!(wrong.is_empty(), "role × route mismatches:\n{}", wrong.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_session_pages_go_to_login_and_the_api_says_401() {
    let app = TestApp::new().await;
    app.import_sample().await;
    let mut anonymous = Client::default();
    for (path, _) in GET_ROUTES {
        let reply = app.get(&mut anonymous, path).await;
        if path.starts_with("/api/") {
            assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{path}");
            assert_eq!(reply.json()["error"]["code"], "unauthenticated");
        } else {
            assert_eq!(reply.status, StatusCode::SEE_OTHER, "{path}");
            assert!(reply.location().starts_with("/login?next="), "{path} → {}", reply.location());
        }
    }
    let forms: &[(&str, &[(&str, &str)])] = &[
        (
            "/admin/users",
            &[
                ("username", "x-user"),
                ("display_name", "x"),
                ("role", "admin"),
                ("password", "a-long-enough-password"),
                ("csrf", "x"),
            ],
        ),
        ("/admin/users/1", &[("display_name", "x"), ("role", "admin"), ("active", "1"), ("csrf", "x")]),
        ("/admin/users/1/password", &[("password", "a-long-enough-password"), ("csrf", "x")]),
        ("/logout", &[("csrf", "x")]),
        (
            "/account/password",
            &[
                ("current", "x"),
                ("new", "a-long-enough-password"),
                ("confirm", "a-long-enough-password"),
                ("csrf", "x"),
            ],
        ),
        ("/packages/1/valuation", &[("csrf", "x"), ("set", "1"), ("irr", "15%")]),
        ("/valuations/1/review", &[("csrf", "x")]),
        ("/assumptions/1", &[("csrf", "x"), ("name", "x")]),
        ("/assumptions/1/ledger-curves", &[("csrf", "x"), ("name", "x")]),
    ];
    for (path, fields) in forms {
        let reply = app.post_form(&mut anonymous, path, fields).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{path}");
        assert!(reply.location().starts_with("/login?next="), "{path} → {}", reply.location());
    }
    for path in ["/imports", "/compliance/calendar"] {
        let reply = app
            .post_multipart(&mut anonymous, path, &[("csrf", "x"), ("package", "X")], ("t.csv", b"a,b\n"), None)
            .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{path}");
        assert!(reply.location().starts_with("/login?next="), "{path}");
    }
}

/// A writing route: path, fields, who may post, what they get.
type PlanPost<'a> = (String, Vec<(&'a str, &'a str)>, &'a [&'a str], StatusCode);

/// Disposal plans and announcements: the staff who see packages read them; the asset manager
/// prepares plans and manages announcements; acquisition, the asset manager and the committee
/// table items. The public portal's announcements need no login at all.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_disposal_routes_allow_exactly_their_roles_and_the_public_ones_everyone() {
    const PREPARERS: &[&str] = &["asset_manager"];
    const TABLERS: &[&str] = &["asset_manager", "committee"];
    let app = TestApp::new().await;
    let s = &app.store.store;
    let held = s.package_id_by_code("ZJ-2025-001").await.unwrap().unwrap();
    let input = huajie_store::PlanInput {
        title: "核销".into(),
        subject: huajie_store::PlanSubject::Package(held),
        method: huajie_decide::DisposalMethod::WriteOff,
        exception: None,
        exception_reason: String::new(),
        reserve: None,
        below_reason: String::new(),
        check_id: None,
        summary: String::new(),
        team: vec![],
    };
    let plan = s.create_plan("asset_manager", &input).await.unwrap().id;
    let gets: Vec<(String, &[&str], StatusCode)> = vec![
        ("/plans".into(), PORTFOLIO, StatusCode::OK),
        (format!("/plans?status=draft&package={held}"), PORTFOLIO, StatusCode::OK),
        (format!("/plans/{plan}"), PORTFOLIO, StatusCode::OK),
        (format!("/plans/new?subject=package&id={held}"), PREPARERS, StatusCode::OK),
        ("/plan-documents/999999".into(), PORTFOLIO, StatusCode::NOT_FOUND),
        ("/announcements".into(), PORTFOLIO, StatusCode::OK),
        ("/announcements/999999".into(), PORTFOLIO, StatusCode::NOT_FOUND),
        ("/api/v1/plans".into(), PORTFOLIO, StatusCode::OK),
        (format!("/api/v1/plans/{plan}"), PORTFOLIO, StatusCode::OK),
        ("/api/v1/announcements".into(), PORTFOLIO, StatusCode::OK),
        ("/public/announcements".into(), EVERYONE, StatusCode::OK),
        ("/public/announcements/999999".into(), EVERYONE, StatusCode::NOT_FOUND),
        ("/api/v1/public/announcements".into(), EVERYONE, StatusCode::OK),
        ("/api/v1/public/announcements/999999".into(), EVERYONE, StatusCode::NOT_FOUND),
    ];
    let mut wrong = Vec::new();
    let mut anonymous = Client::default();
    for (path, allowed, status) in &gets {
        let expected = if allowed == &EVERYONE { *status } else { StatusCode::UNAUTHORIZED };
        let got = app.get(&mut anonymous, path).await.status;
        // A page redirects a stranger to the login; the API answers 401.
        if got != expected && !(expected == StatusCode::UNAUTHORIZED && got == StatusCode::SEE_OTHER) {
            wrong.push(format!("anonymous GET {path}: {got} (expected {expected})"));
        }
    }
    for role in EVERYONE {
        let mut client = app.login(role).await;
        for (path, allowed, status) in &gets {
            let expected = if allowed.contains(role) { *status } else { StatusCode::FORBIDDEN };
            let got = app.get(&mut client, path).await.status;
            if got != expected {
                wrong.push(format!("{role} GET {path}: {got} (expected {expected})"));
            }
        }
        let csrf = client.csrf.clone();
        let held_id = held.to_string();
        let posts: Vec<PlanPost> = vec![
            (
                "/plans".into(),
                vec![("subject", "package"), ("subject_id", &held_id), ("title", "核销"), ("method", "write_off")],
                PREPARERS,
                StatusCode::SEE_OTHER,
            ),
            // No meeting named: a 400 for those who may table.
            (format!("/plans/{plan}/table"), vec![("meeting", "")], TABLERS, StatusCode::BAD_REQUEST),
            (format!("/api/v1/plans/{plan}/table"), vec![("meeting", "")], TABLERS, StatusCode::BAD_REQUEST),
            // Not approved: drafting its announcement is refused (400) for the asset manager.
            (format!("/plans/{plan}/announcements"), vec![], PREPARERS, StatusCode::BAD_REQUEST),
            ("/announcements/999999".into(), vec![("title", "x")], PREPARERS, StatusCode::NOT_FOUND),
            ("/announcements/999999/publish".into(), vec![], PREPARERS, StatusCode::NOT_FOUND),
            ("/plans/999999/withdraw".into(), vec![], PREPARERS, StatusCode::NOT_FOUND),
        ];
        for (path, mut fields, allowed, status) in posts {
            fields.push(("csrf", &csrf));
            let expected = if allowed.contains(role) { status } else { StatusCode::FORBIDDEN };
            let reply = app.post_form(&mut client, &path, &fields).await;
            if reply.status != expected {
                wrong.push(format!("{role} POST {path}: {} (expected {expected})", reply.status));
            }
        }
        let reply = app
            .post_multipart(&mut client, &format!("/plans/{plan}/documents"), &[("csrf", &csrf)], ("a.txt", b"x"), None)
            .await;
        let expected = if PREPARERS.contains(role) { StatusCode::SEE_OTHER } else { StatusCode::FORBIDDEN };
        if reply.status != expected {
            wrong.push(format!("{role} POST /plans/{plan}/documents: {} (expected {expected})", reply.status));
        }
        let path = format!("/api/v1/plans/{plan}/documents");
        let reply = app.post_multipart(&mut client, &path, &[], ("a.txt", b"x"), Some(&csrf)).await;
        let expected = if PREPARERS.contains(role) { StatusCode::CREATED } else { StatusCode::FORBIDDEN };
        if reply.status != expected {
            wrong.push(format!("{role} POST {path}: {} (expected {expected})", reply.status));
        }
        let body =
            serde_json::json!({ "subject": "package", "subject_id": held_id, "title": "核销", "method": "write_off" });
        let request = axum::http::Request::post("/api/v1/plans")
            .header(axum::http::header::CONTENT_TYPE, "application/json")
            .header("x-csrf-token", &csrf)
            .body(axum::body::Body::from(body.to_string()))
            .unwrap();
        let reply = app.send(&mut client, request).await;
        let expected = if PREPARERS.contains(role) { StatusCode::CREATED } else { StatusCode::FORBIDDEN };
        if reply.status != expected {
            wrong.push(format!("{role} POST /api/v1/plans: {} (expected {expected})", reply.status));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// A writing route of the investors: path, fields, what those allowed get.
type InvestorPost<'a> = (&'a str, Vec<(&'a str, &'a str)>, StatusCode);

/// Investors (issue 14): the staff who qualify them (asset managers and risk) read the queue,
/// each investor and its documents, and decide; an investor reads its own registration and
/// documents and uploads, and never opens a staff page; the registration page needs no login.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_investor_routes_allow_exactly_their_roles_and_the_registration_everyone() {
    const QUALIFIERS: &[&str] = &["risk", "asset_manager"];
    const OWNER_AND_QUALIFIERS: &[&str] = &["risk", "asset_manager", "investor"];
    let app = TestApp::new().await;
    let s = &app.store.store;
    // The demo's: 1 the investor user's company (qualified), 3 a company asked for more documents.
    let own = s.investor_documents(Some(1)).await.unwrap()[0].id;
    let gets: Vec<(String, &[&str], StatusCode)> = vec![
        ("/investors".into(), QUALIFIERS, StatusCode::OK),
        ("/investors?status=more_documents".into(), QUALIFIERS, StatusCode::OK),
        ("/investors/3".into(), QUALIFIERS, StatusCode::OK),
        ("/api/v1/investors".into(), QUALIFIERS, StatusCode::OK),
        ("/api/v1/investors/3".into(), QUALIFIERS, StatusCode::OK),
        (format!("/investor-documents/{own}"), OWNER_AND_QUALIFIERS, StatusCode::OK),
        ("/api/v1/portal/registration".into(), INVESTOR, StatusCode::OK),
        ("/api/v1/portal/documents".into(), INVESTOR, StatusCode::OK),
        ("/portal/register".into(), EVERYONE, StatusCode::OK),
    ];
    let mut wrong = Vec::new();
    let mut anonymous = Client::default();
    for (path, allowed, status) in &gets {
        let expected = if allowed == &EVERYONE { *status } else { StatusCode::UNAUTHORIZED };
        let got = app.get(&mut anonymous, path).await.status;
        if got != expected && !(expected == StatusCode::UNAUTHORIZED && got == StatusCode::SEE_OTHER) {
            wrong.push(format!("anonymous GET {path}: {got} (expected {expected})"));
        }
    }
    for role in EVERYONE {
        let mut client = app.login(role).await;
        for (path, allowed, status) in &gets {
            let expected = if allowed.contains(role) { *status } else { StatusCode::FORBIDDEN };
            let got = app.get(&mut client, path).await.status;
            if got != expected {
                wrong.push(format!("{role} GET {path}: {got} (expected {expected})"));
            }
        }
        let csrf = client.csrf.clone();
        // Refused for those allowed (400: already waiting for documents; 404: no such investor).
        let posts: Vec<InvestorPost> = vec![
            ("/investors/3/request-documents", vec![("message", "x")], StatusCode::BAD_REQUEST),
            ("/investors/999999/qualify", vec![], StatusCode::NOT_FOUND),
            ("/investors/999999/refuse", vec![("reason", "x")], StatusCode::NOT_FOUND),
            ("/api/v1/investors/3/request-documents", vec![("message", "x")], StatusCode::BAD_REQUEST),
            ("/api/v1/investors/999999/qualify", vec![], StatusCode::NOT_FOUND),
            ("/api/v1/investors/999999/refuse", vec![("reason", "x")], StatusCode::NOT_FOUND),
        ];
        for (path, mut fields, status) in posts {
            fields.push(("csrf", &csrf));
            let expected = if QUALIFIERS.contains(role) { status } else { StatusCode::FORBIDDEN };
            let reply = app.post_form(&mut client, path, &fields).await;
            if reply.status != expected {
                wrong.push(format!("{role} POST {path}: {} (expected {expected})", reply.status));
            }
        }
        // The investor's own upload: its company is qualified, so refused (400) for it.
        for (path, header) in [("/portal/documents", None), ("/api/v1/portal/documents", Some(csrf.as_str()))] {
            let fields: Vec<(&str, &str)> =
                if header.is_none() { vec![("csrf", &csrf), ("kind", "other")] } else { vec![("kind", "other")] };
            let reply = app.post_multipart(&mut client, path, &fields, ("a.pdf", b"x"), header).await;
            let expected = if role == &"investor" { StatusCode::BAD_REQUEST } else { StatusCode::FORBIDDEN };
            if reply.status != expected {
                wrong.push(format!("{role} POST {path}: {} (expected {expected})", reply.status));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Lots (issue 14): every staff role reads the lots; the asset manager sets one up and closes
/// it; finance confirms deposits (a committee member cannot); the investor records its deposit,
/// bids and reads its own; nobody else does any of it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_lot_routes_allow_exactly_their_roles() {
    const MANAGERS: &[&str] = &["asset_manager"];
    const FINANCE: &[&str] = &["finance"];
    const OPENERS: &[&str] = &["risk", "asset_manager", "finance"];
    let app = TestApp::new().await;
    let s = &app.store.store;
    let (plan, opens) = huajie_store::testing::unlotted_auction_plan(s).await;
    let reserve = plan.reserve.unwrap();
    let terms = huajie_auction::Terms {
        mode: huajie_auction::AuctionMode::Ascending,
        start_price: reserve,
        increment: huajie_core::Money::from_yuan(10_000).unwrap(),
        reserve: Some(reserve),
        deposit: huajie_core::Money::from_yuan(100_000).unwrap(),
        starts_at: opens + chrono::Duration::hours(10),
        ends_at: opens + chrono::Duration::hours(16),
        extension_minutes: 5,
    };
    let input = huajie_store::LotInput { plan_id: plan.id, title: String::new(), terms };
    let lot = s.create_lot("asset_manager", &input).await.unwrap().id;
    let gets: Vec<(String, &[&str])> = vec![
        ("/lots".into(), STAFF),
        ("/lots?status=scheduled".into(), STAFF),
        (format!("/lots/{lot}"), STAFF),
        ("/api/v1/lots".into(), STAFF),
        (format!("/api/v1/lots/{lot}"), STAFF),
        ("/api/v1/portal/bids".into(), INVESTOR),
        ("/api/v1/portal/deposits".into(), INVESTOR),
    ];
    let mut wrong = Vec::new();
    let mut anonymous = Client::default();
    for (path, _) in &gets {
        let got = app.get(&mut anonymous, path).await.status;
        if got != StatusCode::UNAUTHORIZED && got != StatusCode::SEE_OTHER {
            wrong.push(format!("anonymous GET {path}: {got}"));
        }
    }
    // What those allowed get: refused by a rule (400: not yet ended, missing terms, the wrong
    // amount), not found (404), a bid before the start (409).
    let posts: Vec<(String, &[&str], Option<serde_json::Value>, StatusCode)> = vec![
        (format!("/plans/{}/lots", plan.id), MANAGERS, None, StatusCode::BAD_REQUEST),
        (format!("/api/v1/plans/{}/lots", plan.id), MANAGERS, Some(serde_json::json!({})), StatusCode::BAD_REQUEST),
        (format!("/lots/{lot}/close"), MANAGERS, None, StatusCode::BAD_REQUEST),
        (format!("/api/v1/lots/{lot}/close"), MANAGERS, Some(serde_json::json!({})), StatusCode::BAD_REQUEST),
        // An auction is not opened as a tender, nor bid on with sealed bids.
        (format!("/lots/{lot}/open"), OPENERS, None, StatusCode::BAD_REQUEST),
        (format!("/api/v1/lots/{lot}/open"), OPENERS, Some(serde_json::json!({})), StatusCode::BAD_REQUEST),
        (
            format!("/api/v1/lots/{lot}/sealed-bids"),
            INVESTOR,
            Some(serde_json::json!({ "amount_fen": 1 })),
            StatusCode::CONFLICT,
        ),
        ("/deposits/999999/confirm".into(), FINANCE, None, StatusCode::NOT_FOUND),
        (
            "/api/v1/deposits/999999/confirm".into(),
            FINANCE,
            Some(serde_json::json!({ "received_fen": 1 })),
            StatusCode::NOT_FOUND,
        ),
        (
            format!("/api/v1/lots/{lot}/deposits"),
            INVESTOR,
            Some(serde_json::json!({ "amount_fen": 1, "reference": "x" })),
            StatusCode::BAD_REQUEST,
        ),
        (
            format!("/api/v1/lots/{lot}/bids"),
            INVESTOR,
            Some(serde_json::json!({ "amount_fen": 1 })),
            StatusCode::CONFLICT,
        ),
    ];
    for role in EVERYONE {
        let mut client = app.login(role).await;
        for (path, allowed) in &gets {
            let expected = if allowed.contains(role) { StatusCode::OK } else { StatusCode::FORBIDDEN };
            let got = app.get(&mut client, path).await.status;
            if got != expected {
                wrong.push(format!("{role} GET {path}: {got} (expected {expected})"));
            }
        }
        for (path, allowed, json, status) in &posts {
            let expected = if allowed.contains(role) { *status } else { StatusCode::FORBIDDEN };
            let csrf = client.csrf.clone();
            let reply = match json {
                Some(body) => {
                    let request = axum::http::Request::post(path.as_str())
                        .header(axum::http::header::CONTENT_TYPE, "application/json")
                        .header("x-csrf-token", csrf)
                        .body(axum::body::Body::from(body.to_string()))
                        .unwrap();
                    app.send(&mut client, request).await
                }
                None => app.post_form(&mut client, path, &[("csrf", &csrf), ("received", "1")]).await,
            };
            if reply.status != expected {
                wrong.push(format!(
                    "{role} POST {path}: {} (expected {expected}) {}",
                    reply.status,
                    reply.body.chars().take(120).collect::<String>()
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// A sold lot's transfer agreement (issue 14): the staff who see lots, nobody else. The demo
/// lot 999999 does not exist: those allowed are told there is none (404), the others refused (403) first.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_transfer_agreement_allows_exactly_the_staff() {
    let app = TestApp::new().await;
    let mut wrong = Vec::new();
    for role in EVERYONE {
        let client = app.login(role).await;
        for path in ["/lots/999999/agreement.pdf", "/api/v1/lots/999999/agreement.pdf"] {
            let expected = if STAFF.contains(role) { StatusCode::NOT_FOUND } else { StatusCode::FORBIDDEN };
            let (got, _) = app.get_bytes(&client, path).await;
            if got != expected {
                wrong.push(format!("{role} GET {path}: {got} (expected {expected})"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Lots for investors and the public: the investor's lot page and its forms for the investor
/// alone (staff have their own lot pages); the public list, lot pages, live updates, script and
/// API for anyone, logged in or not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_portal_lot_routes_allow_the_investor_and_the_public_ones_everyone() {
    let app = TestApp::new().await;
    let gets: Vec<(&str, &[&str], StatusCode)> = vec![
        ("/portal/lots/999999", INVESTOR, StatusCode::NOT_FOUND),
        ("/public/lots", EVERYONE, StatusCode::OK),
        ("/public/lots/999999", EVERYONE, StatusCode::NOT_FOUND),
        ("/public/lots/999999/events", EVERYONE, StatusCode::NOT_FOUND),
        ("/static/lots.js", EVERYONE, StatusCode::OK),
        ("/api/v1/public/lots", EVERYONE, StatusCode::OK),
        ("/api/v1/public/lots/999999", EVERYONE, StatusCode::NOT_FOUND),
    ];
    let mut wrong = Vec::new();
    let mut anonymous = Client::default();
    for (path, allowed, status) in &gets {
        let expected = if allowed == &EVERYONE { *status } else { StatusCode::UNAUTHORIZED };
        let got = app.get(&mut anonymous, path).await.status;
        if got != expected && !(expected == StatusCode::UNAUTHORIZED && got == StatusCode::SEE_OTHER) {
            wrong.push(format!("anonymous GET {path}: {got} (expected {expected})"));
        }
    }
    for role in EVERYONE {
        let mut client = app.login(role).await;
        for (path, allowed, status) in &gets {
            let expected = if allowed.contains(role) { *status } else { StatusCode::FORBIDDEN };
            let got = app.get(&mut client, path).await.status;
            if got != expected {
                wrong.push(format!("{role} GET {path}: {got} (expected {expected})"));
            }
        }
        let csrf = client.csrf.clone();
        // No such lot: 404 for the investor, refused before that for everyone else.
        let posts: [(&str, Vec<(&str, &str)>); 3] = [
            ("/portal/lots/999999/deposit", vec![("amount", "200000"), ("reference", "网银 1")]),
            ("/portal/lots/999999/bids", vec![("amount", "1000000")]),
            ("/portal/lots/999999/sealed-bid", vec![("amount", "1000000")]),
        ];
        for (path, mut fields) in posts {
            fields.push(("csrf", &csrf));
            let expected = if role == &"investor" { StatusCode::NOT_FOUND } else { StatusCode::FORBIDDEN };
            let reply = app.post_form(&mut client, path, &fields).await;
            if reply.status != expected {
                wrong.push(format!("{role} POST {path}: {} (expected {expected})", reply.status));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Cases (issue 15): every staff role reads the cases, finance and the auditor included; the asset
/// manager opens one, records its stages and interruptions, withdraws a stage, engages firms, adds
/// tasks; nobody else does, the regulator and the investor see none of it. A task is completed by
/// its assignee or the asset manager: every staff role reaches the route (a task that is not
/// there, 404), the store and the page decide by the task (`tests/cases.rs`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_case_routes_allow_exactly_their_roles() {
    const MANAGERS: &[&str] = &["asset_manager"];
    let app = TestApp::new().await;
    let cases = app.store.store.cases().await.unwrap();
    let (case, claim) = (cases[0].case.id, cases[0].case.claim_id);
    let gets: Vec<(String, &[&str])> = vec![
        ("/cases".into(), STAFF),
        ("/cases?stage=judgment&mine=1".into(), STAFF),
        (format!("/cases/{case}"), STAFF),
        ("/api/v1/cases".into(), STAFF),
        (format!("/api/v1/cases/{case}"), STAFF),
        (format!("/claims/{claim}"), PORTFOLIO),
    ];
    // What the asset manager gets: each form's fields refused (400), a task that is not (404).
    let posts: Vec<(String, Option<serde_json::Value>, StatusCode)> = vec![
        (format!("/claims/{claim}/cases"), None, StatusCode::BAD_REQUEST),
        ("/case-agencies".into(), None, StatusCode::BAD_REQUEST),
        (format!("/cases/{case}/stages"), None, StatusCode::BAD_REQUEST),
        (format!("/cases/{case}/interruptions"), None, StatusCode::BAD_REQUEST),
        (format!("/cases/{case}/tasks"), None, StatusCode::BAD_REQUEST),
        (format!("/cases/{case}/stages/999999/withdraw"), None, StatusCode::BAD_REQUEST),
        (
            format!("/api/v1/cases/{case}/stages/999999/withdraw"),
            Some(serde_json::json!({ "reason": "x" })),
            StatusCode::NOT_FOUND,
        ),
        (format!("/api/v1/cases/{case}/stages"), Some(serde_json::json!({})), StatusCode::BAD_REQUEST),
        (format!("/api/v1/cases/{case}/tasks"), Some(serde_json::json!({})), StatusCode::BAD_REQUEST),
    ];
    assert_routes(&app, &gets, &posts, MANAGERS).await;
    let staff_posts: Vec<(String, Option<serde_json::Value>, StatusCode)> =
        vec![("/tasks/999999/done".into(), None, StatusCode::NOT_FOUND)];
    assert_routes(&app, &[], &staff_posts, STAFF).await;
}

/// Reconciliation and back-tests (issue 15): finance alone imports statements and works the
/// queue; the auditor, risk and the administrator read the files and the queue (never post);
/// every staff role that sees the valuations reads a package's back-test, its workbook and its
/// API answer; the regulator and the investor none of it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reconcile_and_backtest_routes_allow_exactly_their_roles() {
    const FINANCE: &[&str] = &["finance"];
    const READERS: &[&str] = &["admin", "risk", "finance", "auditor"];
    let app = TestApp::new().await;
    let mut package = None;
    for p in app.store.store.packages().await.unwrap() {
        if !app.store.store.valuation_runs(p.package.id).await.unwrap().is_empty() {
            package = Some(p.package.id);
            break;
        }
    }
    let package = package.expect("a demo package with a valuation");
    let packages = app.store.store.packages().await.unwrap();
    let bought = packages.iter().find(|p| p.package.data.acquired_on.is_some()).expect("a bought package").package.id;
    let gets: Vec<(String, &[&str])> = vec![
        ("/reconcile".into(), READERS),
        ("/reconcile/queue".into(), READERS),
        ("/api/v1/reconcile/queue".into(), READERS),
        (format!("/packages/{package}/backtest"), PORTFOLIO),
        (format!("/packages/{package}/backtest.xlsx"), PORTFOLIO),
        (format!("/packages/{bought}/collections.csv"), PORTFOLIO),
        (format!("/api/v1/packages/{package}/backtest"), PORTFOLIO),
    ];
    let mut wrong = Vec::new();
    for role in EVERYONE {
        let mut client = app.login(role).await;
        for (path, allowed) in &gets {
            let expected = if allowed.contains(role) { StatusCode::OK } else { StatusCode::FORBIDDEN };
            let got = app.get(&mut client, path).await.status;
            if got != expected {
                wrong.push(format!("{role} GET {path}: {got} (expected {expected})"));
            }
        }
        let csrf = client.csrf.clone();
        let allowed = |status: StatusCode| if FINANCE.contains(role) { status } else { StatusCode::FORBIDDEN };
        // An empty file is refused (400); no such queued line (404).
        for path in ["/reconcile", "/api/v1/reconcile/statements"] {
            let reply =
                app.post_multipart(&mut client, path, &[("csrf", &csrf)], ("x.csv", &b""[..]), Some(&csrf)).await;
            if reply.status != allowed(StatusCode::BAD_REQUEST) {
                wrong.push(format!("{role} POST {path}: {}", reply.status));
            }
        }
        for (path, field) in
            [("/reconcile/queue/999999/assign", ("claim", "1")), ("/reconcile/queue/999999/dismiss", ("reason", "x"))]
        {
            let reply = app.post_form(&mut client, path, &[("csrf", &csrf), field]).await;
            if reply.status != allowed(StatusCode::NOT_FOUND) {
                wrong.push(format!("{role} POST {path}: {}", reply.status));
            }
        }
        let request = axum::http::Request::post("/api/v1/reconcile/queue/999999/assign")
            .header(axum::http::header::CONTENT_TYPE, "application/json")
            .header("x-csrf-token", csrf.clone())
            .body(axum::body::Body::from(serde_json::json!({ "claim_id": 1 }).to_string()))
            .unwrap();
        let reply = app.send(&mut client, request).await;
        if reply.status != allowed(StatusCode::NOT_FOUND) {
            wrong.push(format!("{role} POST /api/v1/reconcile/queue/999999/assign: {}", reply.status));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The recovery ledger (issue 15): finance, the asset managers, risk, the committee, audit and the
/// administrator read it; finance alone posts and reverses; the acquisition team, the valuers, the
/// regulator and the investor see none of it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ledger_routes_allow_exactly_their_roles() {
    const READERS: &[&str] = &["admin", "risk", "asset_manager", "committee", "finance", "auditor"];
    const POSTERS: &[&str] = &["finance"];
    let app = TestApp::new().await;
    let s = &app.store.store;
    let package = s.packages().await.unwrap().into_iter().find(|p| p.package.data.is_held()).unwrap().package.id;
    // The demo's history posted the purchase already (else it is posted here).
    let purchase = s
        .ledger_entries(Some(package))
        .await
        .unwrap()
        .into_iter()
        .find(|e| e.kind == huajie_store::EntryKind::Purchase);
    let entry = match purchase {
        Some(e) => e.id,
        None => s.post_purchase("finance", package, None).await.unwrap().id,
    };
    let claim = s.claims_of_package(package).await.unwrap()[0].claim.id;
    let gets: Vec<(String, &[&str])> = vec![
        ("/ledger".into(), READERS),
        (format!("/ledger?package={package}&claim={claim}&account=1531&from=2020-01-01&to=2030-01-01"), READERS),
        ("/ledger/trial-balance?from=2020-01-01&to=2030-12-31".into(), READERS),
        ("/ledger/gl.xlsx?from=2020-01-01&to=2030-12-31".into(), READERS),
        (format!("/ledger/entries/{entry}/reverse"), POSTERS),
        (format!("/packages/{package}/returns"), READERS),
        ("/api/v1/ledger/entries".into(), READERS),
        (format!("/api/v1/claims/{claim}/position"), READERS),
        (format!("/api/v1/packages/{package}/returns"), READERS),
        (format!("/claims/{claim}"), PORTFOLIO),
    ];
    // What finance gets: each form's fields refused (400), an entry that is not there (404).
    let posts: Vec<(String, Option<serde_json::Value>, StatusCode)> = vec![
        ("/ledger/receipts".into(), None, StatusCode::BAD_REQUEST),
        ("/ledger/expenses".into(), None, StatusCode::BAD_REQUEST),
        (format!("/ledger/entries/{entry}/reverse"), None, StatusCode::BAD_REQUEST),
        ("/ledger/entries/999999/reverse".into(), None, StatusCode::NOT_FOUND),
        ("/api/v1/ledger/receipts".into(), Some(serde_json::json!({})), StatusCode::BAD_REQUEST),
        ("/api/v1/ledger/expenses".into(), Some(serde_json::json!({})), StatusCode::BAD_REQUEST),
        (format!("/api/v1/ledger/entries/{entry}/reverse"), Some(serde_json::json!({})), StatusCode::BAD_REQUEST),
    ];
    assert_routes(&app, &gets, &posts, POSTERS).await;
}

/// Each role's GETs of `gets` (200 where allowed, else 403) and POSTs of `posts` (a form when no
/// JSON body is given; the status given for the roles in `posters`, else 403): every mismatch named.
type Posts = [(String, Option<serde_json::Value>, StatusCode)];
async fn assert_routes(app: &TestApp, gets: &[(String, &[&str])], posts: &Posts, posters: &[&str]) {
    let mut wrong = Vec::new();
    for role in EVERYONE {
        let mut client = app.login(role).await;
        for (path, allowed) in gets {
            let expected = if allowed.contains(role) { StatusCode::OK } else { StatusCode::FORBIDDEN };
            let got = app.get(&mut client, path).await.status;
            if got != expected {
                wrong.push(format!("{role} GET {path}: {got} (expected {expected})"));
            }
        }
        for (path, json, status) in posts {
            let expected = if posters.contains(role) { *status } else { StatusCode::FORBIDDEN };
            let csrf = client.csrf.clone();
            let reply = match json {
                Some(body) => {
                    let request = axum::http::Request::post(path.as_str())
                        .header(axum::http::header::CONTENT_TYPE, "application/json")
                        .header("x-csrf-token", csrf)
                        .body(axum::body::Body::from(body.to_string()))
                        .unwrap();
                    app.send(&mut client, request).await
                }
                None => app.post_form(&mut client, path, &[("csrf", &csrf)]).await,
            };
            if reply.status != expected {
                wrong.push(format!("{role} POST {path}: {} (expected {expected})", reply.status));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Submitting the quarter's report: the risk team (303: the quarter it just recorded again is the
/// next version; through the API a quarter never recorded is refused, 400). Acknowledging one: the
/// regulator (for it, a submission that does not exist is 404). Approving an override:
/// the risk team (for it, an override the check does not have is 404).
async fn regulator_writes(app: &TestApp, client: &mut Client, role: &str, wrong: &mut Vec<String>) {
    let csrf = client.csrf.clone();
    let by = |who: &str, yes: StatusCode| if role == who { yes } else { StatusCode::FORBIDDEN };
    let forms = [
        ("/regulator/submissions", vec![("quarter", "2026-09-30")], by("risk", StatusCode::SEE_OTHER)),
        ("/regulator/submissions/999999/acknowledge", vec![("comment", "")], by("regulator", StatusCode::NOT_FOUND)),
        ("/checks/1/overrides/999999/approve", vec![], by("risk", StatusCode::NOT_FOUND)),
    ];
    for (path, mut fields, expected) in forms {
        fields.push(("csrf", csrf.as_str()));
        let reply = app.post_form(client, path, &fields).await;
        if reply.status != expected {
            wrong.push(format!("{role} POST {path}: {} (expected {expected})", reply.status));
        }
    }
    let api = [
        ("/api/v1/compliance/submissions", r#"{"quarter_end":"2026-03-31"}"#, by("risk", StatusCode::BAD_REQUEST)),
        (
            "/api/v1/compliance/submissions/999999/acknowledgement",
            r#"{"comment":"x"}"#,
            by("regulator", StatusCode::NOT_FOUND),
        ),
        ("/api/v1/compliance/checks/1/overrides/999999/approval", "{}", by("risk", StatusCode::NOT_FOUND)),
    ];
    for (path, body, expected) in api {
        let request = axum::http::Request::post(path)
            .header(axum::http::header::CONTENT_TYPE, "application/json")
            .header("x-csrf-token", &csrf)
            .body(axum::body::Body::from(body))
            .unwrap();
        let reply = app.send(client, request).await;
        if reply.status != expected {
            wrong.push(format!("{role} POST {path}: {} (expected {expected})", reply.status));
        }
    }
}

/// A background run (issue 17): seen and cancelled by who started it and by an administrator;
/// another who may start runs is told it does not exist, every other role is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_is_seen_and_cancelled_by_who_started_it_and_the_administrators_only() {
    let app = TestApp::new().await;
    let run = app.store.store.create_run(huajie_store::RunKind::Valuation, Some(1), "P", "valuer").await.unwrap();
    let mut wrong = Vec::new();
    for role in EVERYONE {
        let mut client = app.login(role).await;
        let (seen, cancelled) = match *role {
            "valuer" | "admin" => (StatusCode::OK, StatusCode::SEE_OTHER),
            "acquisition" => (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND),
            _ => (StatusCode::FORBIDDEN, StatusCode::FORBIDDEN),
        };
        for path in [format!("/runs/{}", run.id), format!("/api/v1/runs/{}", run.id)] {
            let got = app.get(&mut client, &path).await.status;
            if got != seen {
                wrong.push(format!("{role} GET {path}: {got} (expected {seen})"));
            }
        }
        let csrf = client.csrf.clone();
        let got = app.post_form(&mut client, &format!("/runs/{}/cancel", run.id), &[("csrf", &csrf)]).await.status;
        if got != cancelled {
            wrong.push(format!("{role} POST /runs/{}/cancel: {got} (expected {cancelled})", run.id));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
