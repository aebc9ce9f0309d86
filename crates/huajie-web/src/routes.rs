//! Every route of the server, in one place. Each handler checks its permission first: a
//! reading handler with `ctx.require(…)`, a writing one with `Authorized<P>`, before its body
//! (`Submitted`, `Upload`: the CSRF token, then the typed form) is read. The role × route matrix
//! test proves who gets in where; `tests/csrf.rs` reads the writing routes from this file.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};

use crate::AppState;
use crate::api;
use crate::error::render_errors;
use crate::pages::{
    self, account, assumptions, audit, audit_export, book, calendar, checks, claims, committee, company, compliance,
    dashboard, flags, imports, login, packages, parties, portal, users, valuation, valuation_signoff,
};

pub fn router(state: AppState) -> Router {
    let upload = DefaultBodyLimit::max(state.config.upload_bytes_max);
    let routes = Router::new()
        // Public
        .route("/", get(pages::home))
        .route("/login", get(login::form).post(login::submit))
        .route("/lang/{code}", get(pages::switch_lang))
        .route("/static/app.css", get(pages::stylesheet))
        .route("/static/import.js", get(pages::import_script))
        .route("/healthz", get(pages::healthz))
        .route("/api/openapi.json", get(api::openapi))
        // Any logged-in user
        .route("/logout", post(login::logout))
        .route("/account", get(account::show))
        .route("/account/password", post(account::change_password))
        // Staff
        .route("/dashboard", get(dashboard::show))
        .route("/packages", get(packages::list))
        .route("/packages/{id}", get(packages::detail))
        .route("/claims/{id}", get(claims::detail))
        .route("/claims/{id}/cross-region", post(claims::record_exception))
        .route("/claims/{id}/flags", post(flags::flag_claim))
        .route("/claims/{id}/flags/{flag}/delete", post(flags::unflag_claim))
        .route("/packages/{id}/flags", post(flags::flag_package))
        .route("/packages/{id}/flags/{flag}/delete", post(flags::unflag_package))
        .route("/packages/{id}/valuation", get(valuation::package).post(valuation::submit))
        .route("/packages/{id}/valuation/basis", post(valuation::set_basis))
        .route("/valuations/{id}", get(valuation::run))
        .route("/compliance", get(compliance::dashboard))
        .route("/compliance/results", post(compliance::record_results))
        .route("/compliance/report.xlsx", get(compliance::report_xlsx))
        .route("/compliance/report.pdf", get(compliance::report_pdf))
        .route("/compliance/company", get(company::show).post(company::submit))
        .route("/compliance/book", get(book::show))
        .route("/compliance/book.xlsx", get(book::export))
        .route("/compliance/book/import", post(book::import).layer(upload))
        .route("/compliance/book/{kind}", post(book::add))
        .route("/compliance/book/{kind}/{id}/delete", post(book::remove))
        .route("/checks", get(checks::list).post(checks::submit))
        .route("/checks/{id}", get(checks::detail))
        .route("/checks/{id}/overrides", post(checks::override_finding))
        .route("/checks/{id}/acquire", post(checks::acquire))
        .merge(rules_routes(upload).merge(committee_routes()))
        .route("/packages/{id}/checks", post(checks::package_check))
        .route("/assumptions", get(assumptions::sets))
        .route("/assumptions/{id}", get(assumptions::set).post(assumptions::save_set))
        .route("/assumptions/{id}/curves", post(assumptions::upload_curves).layer(upload))
        .route("/imports/new", get(imports::form))
        .route("/imports", post(imports::submit).layer(upload))
        .route("/imports/{id}", get(imports::report))
        .route("/imports/progress/{token}", get(imports::progress))
        .route("/mappings", post(imports::save_mapping))
        .route("/imports/{id}/report.xlsx", get(imports::report_xlsx))
        .route("/parties", get(parties::list))
        .route("/parties/{id}", get(parties::detail))
        .route("/parties/{id}/liquidation", post(parties::save_liquidation))
        .route("/audit", get(audit::list))
        .route("/admin/users", get(users::list).post(users::create))
        .route("/admin/users/{id}", post(users::update))
        .route("/admin/users/{id}/password", post(users::reset_password))
        // Investors (the portal, the registration, the documents) and the staff who qualify them
        .merge(investor_routes(upload))
        // JSON API (listed in api::API_ROUTES and openapi.json)
        .route("/api/v1/session", post(api::create_session).delete(api::delete_session))
        .route("/api/v1/me", get(api::me))
        .route("/api/v1/dashboard", get(api::dashboard))
        .route("/api/v1/packages", get(api::packages))
        .route("/api/v1/packages/{id}", get(api::package))
        .route("/api/v1/packages/{id}/claims", get(api::package_claims))
        .route("/api/v1/claims/{id}", get(api::claim))
        .route("/api/v1/parties", get(api::parties))
        .route("/api/v1/parties/{id}", get(api::party))
        .route("/api/v1/users", get(api::users))
        .route("/api/v1/audit", get(api::audit))
        .route("/api/v1/imports", post(imports::api_submit).layer(upload))
        .route("/api/v1/imports/{id}", get(imports::api_report))
        .route("/api/v1/packages/{id}/valuations", get(api::valuation::runs).post(api::valuation::create))
        .route("/api/v1/packages/{id}/valuation-basis", post(api::valuation::set_basis))
        .route("/api/v1/valuations/{id}", get(api::valuation::run))
        .route("/api/v1/valuations/{id}/claims", get(api::valuation::claims))
        .route("/api/v1/assumption-sets", get(api::valuation::sets))
        .route("/api/v1/assumption-sets/{id}", get(api::valuation::set))
        .route("/api/v1/compliance/indicators", get(api::compliance::indicators))
        .route("/api/v1/compliance/results", get(api::compliance::results).post(api::compliance::record))
        .route("/api/v1/compliance/checks", get(api::compliance::checks).post(api::compliance::check_proposal))
        .route("/api/v1/compliance/funding", get(api::compliance::funding))
        .route("/api/v1/compliance/company", get(api::compliance::company).post(api::compliance::save_company))
        .route("/api/v1/compliance/checks/{id}", get(api::compliance::check))
        .route("/api/v1/compliance/checks/{id}/overrides", post(api::compliance::override_finding))
        .route("/api/v1/packages/{id}/checks", post(api::compliance::check_package))
        .route("/api/v1/compliance/book", get(api::compliance::book))
        .route("/api/v1/compliance/book/{kind}", post(api::compliance::add_entry))
        .route("/api/v1/compliance/book/{kind}/{id}", axum::routing::delete(api::compliance::remove_entry))
        // The report downloads, as API operations: the pages' handlers, answering errors as the API does.
        .route("/api/v1/valuations/{id}/report.xlsx", get(valuation_signoff::report_xlsx))
        .route("/api/v1/valuations/{id}/report.pdf", get(valuation_signoff::report_pdf))
        .route("/api/v1/compliance/report.xlsx", get(compliance::report_xlsx))
        .route("/api/v1/compliance/report.pdf", get(compliance::report_pdf))
        .route("/api/v1/compliance/book.xlsx", get(book::export))
        .route("/api/v1/imports/{id}/report.xlsx", get(imports::report_xlsx))
        .fallback(|| async { crate::error::AppError::NotFound });
    around(routes, &state).with_state(state)
}

/// What every request goes through, from the outside in: the request log (its time includes
/// the wait at the door), the door, the security headers, error pages, and the body limit
/// of forms and JSON (uploads have their own limit on their routes).
fn around(routes: Router<AppState>, state: &AppState) -> Router<AppState> {
    routes
        .layer(DefaultBodyLimit::max(crate::form::FORM_BYTES_MAX))
        .layer(middleware::from_fn(render_errors))
        .layer(middleware::from_fn(security_headers))
        .layer(middleware::from_fn_with_state(state.door.clone(), admit))
        .layer(middleware::from_fn(log_request))
}

/// The door: at most `WebConfig::in_flight_max` requests are worked on at once, and the rest
/// wait their turn, first come first served (a fair semaphore). Under a burst every request
/// then waits about as long as any other, instead of each of a page's queries queueing anew
/// for a pooled connection behind hundreds of others (what made the slowest 1% of a mixed load
/// take seconds), and a writer holding the write lock keeps its share of the CPU. A live feed
/// (server-sent events, open for minutes) does not hold a place.
async fn admit(
    axum::extract::State(door): axum::extract::State<std::sync::Arc<tokio::sync::Semaphore>>,
    request: Request,
    next: Next,
) -> Response {
    if request.uri().path().ends_with("/events") {
        return next.run(request).await;
    }
    let Ok(_place) = door.acquire().await else { return next.run(request).await };
    next.run(request).await
}

/// The rule catalogue, its parameters, and the working-day calendar (its page, upload, CSV and API);
/// the disposal routes merged in.
fn rules_routes(upload: DefaultBodyLimit) -> Router<AppState> {
    Router::new()
        .route("/rules", get(compliance::rules))
        .route("/rules/parameters", post(compliance::save_parameters))
        .route("/compliance/calendar", get(calendar::show).post(calendar::upload).layer(upload))
        .route("/compliance/calendar.csv", get(calendar::csv))
        .route("/api/v1/calendar", get(api::calendar))
        .merge(disposal_routes(upload))
        .merge(audit_routes())
}

/// The audit log's exports (the log itself is in `router`); the regulator's window merged in.
fn audit_routes() -> Router<AppState> {
    Router::new()
        .route("/audit/export.xlsx", get(audit_export::xlsx_export))
        .route("/audit/export.csv", get(audit_export::csv_export))
        .merge(regulator_routes())
}

/// The regulator's window and the quarterly report submitted and acknowledged (issue 16, point 7);
/// four eyes on an override (point 5): a second risk officer approves it. Pages and API.
fn regulator_routes() -> Router<AppState> {
    use crate::pages::regulator;
    Router::new()
        .route("/compliance/book/{kind}/{id}", get(crate::pages::book_entry::show))
        .route("/regulator", get(regulator::show))
        .route("/regulator/submissions", post(regulator::submit))
        .route("/regulator/submissions/{id}/acknowledge", post(regulator::acknowledge))
        .route("/checks/{id}/overrides/{override_id}/approve", post(checks::approve_override))
        .route("/api/v1/compliance/submissions", get(api::regulator::submissions).post(api::regulator::submit))
        .route("/api/v1/compliance/submissions/{id}/acknowledgement", post(api::regulator::acknowledge))
        .route("/api/v1/compliance/checks/{id}/overrides/{override_id}/approval", post(api::regulator::approve))
}

/// Disposal plans, their announcements, and the public portal's announcements (no login).
fn disposal_routes(upload: DefaultBodyLimit) -> Router<AppState> {
    use crate::pages::{announcements, plans, plans_page, public};
    Router::new()
        .route("/plans", get(plans::list).post(plans::create))
        .route("/plans/new", get(plans::new_form))
        .route("/plans/{id}", get(plans_page::show))
        .route("/plans/{id}/table", post(plans::table))
        .route("/plans/{id}/withdraw", post(plans::withdraw))
        .route("/plans/{id}/documents", post(plans::upload_document).layer(upload))
        .route("/plan-documents/{id}", get(plans::document))
        .route("/plans/{id}/announcements", post(announcements::draft))
        .route("/announcements", get(announcements::list))
        .route("/announcements/{id}", get(announcements::show).post(announcements::edit))
        .route("/announcements/{id}/publish", post(announcements::publish))
        .route("/public/announcements", get(public::list))
        .route("/public/announcements/{id}", get(public::show))
        .route("/api/v1/plans", get(api::disposal::plans).post(api::disposal::create_plan))
        .route("/api/v1/plans/{id}", get(api::disposal::plan))
        .route("/api/v1/plans/{id}/documents", post(api::disposal::add_documents).layer(upload))
        .route("/api/v1/announcements", get(api::disposal::announcements))
        .route("/api/v1/public/announcements", get(api::disposal::public_announcements))
        .route("/api/v1/public/announcements/{id}", get(api::disposal::public_announcement))
        .merge(sale_routes())
        .merge(case_routes())
        .merge(reconcile_routes(upload))
}

/// What a sold lot leaves: the package's sales and the transfer agreement's draft.
fn sale_routes() -> Router<AppState> {
    use crate::pages::sales;
    Router::new()
        .route("/lots/{id}/agreement.pdf", get(sales::agreement_pdf))
        .route("/api/v1/packages/{id}/sales", get(api::sales::package_sales))
        .route("/api/v1/lots/{id}/agreement.pdf", get(api::sales::agreement_pdf))
        .merge(signoff_routes())
}

/// Reports fit to sign (issue 16): a valuation run's reports, and its review by a second person;
/// the background runs merged in.
fn signoff_routes() -> Router<AppState> {
    Router::new()
        .route("/valuations/{id}/report.xlsx", get(valuation_signoff::report_xlsx))
        .route("/valuations/{id}/report.pdf", get(valuation_signoff::report_pdf))
        .route("/valuations/{id}/review", post(valuation_signoff::review))
        .merge(run_routes())
}

/// Background runs (issue 17): a web valuation's or import's progress page, its cancel, the
/// user's recent runs, and the API's view of one.
fn run_routes() -> Router<AppState> {
    Router::new()
        .route("/runs", get(pages::runs::list))
        .route("/runs/{id}", get(pages::runs::show))
        .route("/runs/{id}/cancel", post(pages::runs::cancel))
        .route("/api/v1/runs/{id}", get(pages::runs::api_show))
}

/// Case management (issue 15): the cases, a case's page and its forms (stages, interruptions,
/// tasks), opening a case from a claim, the firms engaged, and the API.
fn case_routes() -> Router<AppState> {
    use crate::pages::{case_page, cases};
    Router::new()
        .route("/cases", get(cases::list))
        .route("/cases/{id}", get(case_page::show))
        .route("/cases/{id}/stages", post(case_page::record_stage))
        .route("/cases/{id}/stages/{stage}/withdraw", post(case_page::withdraw_stage))
        .route("/cases/{id}/interruptions", post(case_page::record_interruption))
        .route("/cases/{id}/tasks", post(case_page::add_task))
        .route("/tasks/{id}/done", post(case_page::complete_task))
        .route("/claims/{id}/cases", post(cases::open))
        .route("/case-agencies", post(cases::add_agency))
        .route("/api/v1/cases", get(api::cases::list))
        .route("/api/v1/cases/{id}", get(api::cases::one))
        .route("/api/v1/cases/{id}/stages", post(api::cases::record_stage))
        .route("/api/v1/cases/{id}/stages/{stage}/withdraw", post(api::cases::withdraw_stage))
        .route("/api/v1/cases/{id}/tasks", post(api::cases::add_task))
        .merge(ledger_routes())
}

/// The recovery ledger (issue 15): the entries and finance's postings, the reversal's
/// confirmation, the trial balance, the GL export, a package's returns, and the API.
fn ledger_routes() -> Router<AppState> {
    use crate::pages::{ledger, ledger_books};
    Router::new()
        .route("/ledger", get(ledger::list))
        .route("/ledger/receipts", post(ledger::receipt))
        .route("/ledger/expenses", post(ledger::expense))
        .route("/ledger/entries/{id}/reverse", get(ledger::confirm_reverse).post(ledger::reverse))
        .route("/ledger/trial-balance", get(ledger_books::trial_balance))
        .route("/ledger/gl.xlsx", get(ledger_books::gl_export))
        .route("/packages/{id}/returns", get(ledger_books::returns_page))
        .route("/api/v1/ledger/entries", get(api::ledger::entries))
        .route("/api/v1/claims/{id}/position", get(api::ledger::position))
        .route("/api/v1/packages/{id}/returns", get(api::ledger::returns))
        .route("/api/v1/ledger/receipts", post(api::ledger::receipt))
        .route("/api/v1/ledger/expenses", post(api::ledger::expense))
        .route("/api/v1/ledger/entries/{id}/reverse", post(api::ledger::reverse))
}

/// Reconciliation (issue 15): statements imported and matched, the queue of lines a person
/// assigns or dismisses; a package's back-test, its workbook; and the API; an assumption set's
/// curves estimated from the ledger's collections (`pool_curves`).
fn reconcile_routes(upload: DefaultBodyLimit) -> Router<AppState> {
    use crate::pages::{backtest, pool_curves, reconcile};
    Router::new()
        .route("/reconcile", get(reconcile::show).post(reconcile::upload).layer(upload))
        .route("/reconcile/queue", get(reconcile::show_queue))
        .route("/reconcile/queue/{id}/assign", post(reconcile::assign))
        .route("/reconcile/queue/{id}/dismiss", post(reconcile::dismiss))
        .route("/packages/{id}/backtest", get(backtest::show))
        .route("/packages/{id}/backtest.xlsx", get(backtest::xlsx))
        .route("/packages/{id}/collections.csv", get(backtest::collections_csv))
        .route("/api/v1/reconcile/statements", post(api::reconcile::import).layer(upload))
        .route("/api/v1/reconcile/queue", get(api::reconcile::queue))
        .route("/api/v1/reconcile/queue/{id}/assign", post(api::reconcile::assign))
        .route("/api/v1/packages/{id}/backtest", get(api::reconcile::backtest))
        .route("/assumptions/{id}/ledger-curves", get(pool_curves::show).post(pool_curves::confirm))
}

/// The portal's registration (no login), the investor's documents, the staff's review of
/// investors, and their API.
fn investor_routes(upload: DefaultBodyLimit) -> Router<AppState> {
    use crate::api::investors as a;
    use crate::pages::{investors, register};
    Router::new()
        .route("/portal", get(portal::show))
        .route("/portal/register", get(register::form).post(register::submit))
        .route("/portal/documents", post(portal::upload).layer(upload))
        .route("/investors", get(investors::list))
        .route("/investors/{id}", get(investors::show))
        .route("/investors/{id}/qualify", post(investors::qualify))
        .route("/investors/{id}/refuse", post(investors::refuse))
        .route("/investors/{id}/request-documents", post(investors::request_documents))
        .route("/investor-documents/{id}", get(investors::document))
        .route("/api/v1/investors", get(a::list))
        .route("/api/v1/investors/{id}", get(a::one))
        .route("/api/v1/investors/{id}/qualify", post(a::qualify))
        .route("/api/v1/investors/{id}/refuse", post(a::refuse))
        .route("/api/v1/investors/{id}/request-documents", post(a::request_documents))
        .route("/api/v1/portal/registration", get(a::my_registration))
        .route("/api/v1/portal/documents", get(a::my_documents).post(a::upload).layer(upload))
        .merge(lot_routes())
        .merge(portal_lot_routes())
}

/// Lots (issue 14): the staff's pages and forms (setting a lot up from its plan, confirming a
/// deposit, closing), and the API, the investor's deposits and bids included.
fn lot_routes() -> Router<AppState> {
    use crate::api::lots as a;
    use crate::pages::{lot_form, lots};
    Router::new()
        .route("/lots", get(lots::list))
        .route("/lots/{id}", get(lots::show))
        .route("/lots/{id}/close", post(lots::close))
        .route("/lots/{id}/open", post(crate::pages::tenders::open))
        .route("/deposits/{id}/confirm", post(lots::confirm))
        .route("/plans/{id}/lots", post(lot_form::create))
        .route("/api/v1/lots", get(a::list))
        .route("/api/v1/lots/{id}", get(a::one))
        .route("/api/v1/plans/{id}/lots", post(a::create))
        .route("/api/v1/deposits/{id}/confirm", post(a::confirm_deposit))
        .route("/api/v1/lots/{id}/close", post(a::close))
        .route("/api/v1/lots/{id}/deposits", post(a::record_deposit))
        .route("/api/v1/lots/{id}/bids", post(a::bid))
        .route("/api/v1/lots/{id}/sealed-bids", post(a::sealed_bid))
        .route("/api/v1/lots/{id}/open", post(crate::pages::tenders::open_api))
        .route("/api/v1/portal/bids", get(a::my_bids))
        .route("/api/v1/portal/deposits", get(a::my_deposits))
}

/// Lots as investors and the public see them: the investor's lot page with its deposit and bid
/// forms, the public list and lot pages, their live updates (server-sent events), the public API.
fn portal_lot_routes() -> Router<AppState> {
    use crate::pages::{lot_events, portal_lots, public_lots};
    Router::new()
        .route("/portal/lots/{id}", get(portal_lots::show))
        .route("/portal/lots/{id}/deposit", post(portal_lots::deposit))
        .route("/portal/lots/{id}/bids", post(portal_lots::bid))
        .route("/portal/lots/{id}/sealed-bid", post(portal_lots::sealed_bid))
        .route("/public/lots", get(public_lots::list))
        .route("/public/lots/{id}", get(public_lots::show))
        .route("/public/lots/{id}/events", get(lot_events::events))
        .route("/static/lots.js", get(public_lots::script))
        .route("/api/v1/public/lots", get(api::public_lots::list))
        .route("/api/v1/public/lots/{id}", get(api::public_lots::one))
}

/// The decision committee: its pages, tabling a check, the minutes, and its API.
fn committee_routes() -> Router<AppState> {
    Router::new()
        .merge(committee_api_routes())
        .route("/committee", get(committee::show))
        .route("/committee/members", post(committee::add_member))
        .route("/committee/meetings", post(committee::schedule))
        .route("/committee/meetings/{id}", get(committee::meeting))
        .route("/committee/meetings/{id}/open", post(committee::open))
        .route("/committee/meetings/{id}/close", post(committee::close))
        .route("/committee/meetings/{id}/cancel", post(committee::cancel))
        .route("/committee/meetings/{id}/minutes.pdf", get(committee::minutes_pdf))
        .route("/committee/items/{id}/votes", post(committee::vote))
        .route("/committee/items/{id}/withdraw", post(committee::withdraw))
        .route("/checks/{id}/committee", post(committee::table_check))
}

/// The committee's API: everything its pages do, tabling a check or a plan included.
fn committee_api_routes() -> Router<AppState> {
    use api::committee as c;
    Router::new()
        .route("/api/v1/committee/members", get(c::members).post(c::add_member))
        .route("/api/v1/committee/meetings", get(c::meetings).post(c::schedule))
        .route("/api/v1/committee/meetings/{id}", get(c::meeting))
        .route("/api/v1/committee/meetings/{id}/open", post(c::open))
        .route("/api/v1/committee/meetings/{id}/close", post(c::close))
        .route("/api/v1/committee/meetings/{id}/cancel", post(c::cancel))
        .route("/api/v1/committee/pending", get(c::pending))
        .route("/api/v1/committee/items/{id}/votes", post(c::vote))
        .route("/api/v1/committee/items/{id}/withdraw", post(c::withdraw))
        .route("/api/v1/compliance/checks/{id}/committee", post(c::table_check))
        .route("/api/v1/plans/{id}/table", post(c::table_plan))
        // Recording a purchase the committee approved (the page's is /checks/{id}/acquire).
        .route("/api/v1/compliance/checks/{id}/acquisition", post(api::compliance::record_acquisition))
}

/// One log line per request: method, path (never the query, which may hold a searched
/// name), status and time taken.
async fn log_request(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let started = std::time::Instant::now();
    let response = next.run(request).await;
    tracing::info!(target: "huajie::http", %method, %path, status = response.status().as_u16(), ms = started.elapsed().as_millis() as u64);
    response
}

/// Headers every response carries: no framing, no sniffing, scripts and styles from this
/// origin only, no referrer leaks.
async fn security_headers(request: Request, next: Next) -> Response {
    let mut r = next.run(request).await;
    let h = r.headers_mut();
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; style-src 'self'; form-action 'self'; frame-ancestors 'none'",
        ),
    );
    r
}
