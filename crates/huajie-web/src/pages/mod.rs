//! HTML pages. Each handler: extract → authorise → read the store → render.

pub mod account;
pub mod announcements;
pub mod assumptions;
pub mod audit;
pub mod audit_export;
pub mod backtest;
pub mod book;
pub mod book_entry;
pub mod calendar;
pub mod case_page;
pub mod cases;
pub mod checks;
pub mod claims;
pub mod committee;
pub mod company;
pub mod compliance;
pub mod dashboard;
pub mod flags;
pub mod imports;
pub mod investors;
pub mod ledger;
pub mod ledger_books;
pub mod login;
pub mod lot_events;
pub mod lot_form;
pub mod lots;
pub mod packages;
pub mod parties;
pub mod plans;
pub mod plans_page;
pub mod pool_curves;
pub mod portal;
pub mod portal_lots;
pub mod public;
pub mod public_lots;
pub mod reconcile;
pub mod register;
pub mod regulator;
pub mod runs;
pub mod sales;
pub mod signoffs;
pub mod tenders;
pub mod users;
pub mod valuation;
pub mod valuation_signoff;

use askama::Template;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use huajie_core::{Lang, Permission};
use serde::Deserialize;

use crate::AppState;
use crate::ctx::{Ctx, LANG_COOKIE};
use crate::error::AppError;
use crate::form::{Path, Query};
use crate::i18n::tr;

/// Renders a template into an HTML response.
pub fn render<T: Template>(t: &T) -> Result<Response, AppError> {
    let mut r = Html(t.render()?).into_response();
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(r)
}

/// Renders a page that answers a form: 400 when the form was refused (`refused`), so that
/// a client sees the failure, 200 otherwise.
pub fn render_form<T: Template>(t: &T, refused: bool) -> Result<Response, AppError> {
    let mut r = render(t)?;
    if refused {
        *r.status_mut() = axum::http::StatusCode::BAD_REQUEST;
    }
    Ok(r)
}

/// The one way a form's page answers what was refused: `result` is the form's operation, `form`
/// the form's HTML id and the form as typed. Fields that cannot be read (`AppError::Invalid`,
/// every one named) or a refusal of the store (`AppError::Refused`, about the form as a whole)
/// show the form's page again through `page`, given the form sent back (`FormView::sent_back`):
/// what was typed kept, each message beside its field and the summary at the top (a 400). Any
/// other outcome goes up as it is.
pub async fn or_refused<F, P, Fut>(
    result: Result<Response, AppError>,
    lang: Lang,
    (id, typed): (impl Into<std::borrow::Cow<'static, str>>, &F),
    page: P,
) -> Result<Response, AppError>
where
    F: serde::Serialize,
    P: FnOnce(crate::form::FormView) -> Fut,
    Fut: std::future::Future<Output = Result<Response, AppError>>,
{
    let errors = match result {
        Err(AppError::Invalid(errors)) => errors,
        Err(AppError::Refused(text)) => crate::form::FieldErrors::whole(text),
        other => return other,
    };
    page(crate::form::FormView::sent_back(id, lang, typed, &errors)).await
}

/// A file to download, never cached, named `name`: as it is (UTF-8, RFC 5987 `filename*`) and,
/// for older clients, with every character outside printable ASCII as `_` (`filename`).
pub fn download(bytes: Vec<u8>, content_type: &'static str, name: String) -> Response {
    let mut r = bytes.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&content_disposition(&name)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// `attachment; filename="…"; filename*=UTF-8''…` for a file named `name`.
pub fn content_disposition(name: &str) -> String {
    let ascii: String =
        name.chars().map(|c| if c.is_ascii_graphic() && !matches!(c, '"' | '\\' | ';') { c } else { '_' }).collect();
    const KEPT: &percent_encoding::AsciiSet =
        &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_');
    let encoded = percent_encoding::utf8_percent_encode(name, KEPT);
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// The content type of an .xlsx workbook.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// `/`: the home of the role (dashboard for staff, portal for investors), or the login.
pub async fn home(ctx: Ctx) -> Redirect {
    match ctx.user() {
        Some(u) if u.role.can(Permission::ViewDashboard) => Redirect::to("/dashboard"),
        // The regulator's home is its window: what it may see, and the reports awaiting it.
        Some(u) if u.role.can(Permission::AcknowledgeReports) => Redirect::to("/regulator"),
        Some(u) if u.role.can(Permission::ViewCompliance) => Redirect::to("/compliance"),
        Some(u) if u.role.can(Permission::UsePortal) => Redirect::to("/portal"),
        Some(_) => Redirect::to("/account"),
        None => Redirect::to("/login"),
    }
}

#[derive(Deserialize)]
pub struct NextParam {
    next: Option<String>,
}

/// A path on this site to go back to; anything else becomes `/`. Only visible ASCII is
/// taken (browsers drop tabs and line breaks from a URL, so `/<tab>/evil` would become
/// `//evil`, another host; a line break would split the `Location` header), no backslash
/// anywhere (browsers read `/\\evil` as `//evil`), and it must start with one `/`.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && n.chars().all(|c| c.is_ascii_graphic() && c != '\\')
                && n.parse::<axum::http::uri::PathAndQuery>().is_ok() =>
        {
            n.to_string()
        }
        _ => "/".into(),
    }
}

/// `/lang/{zh|en}`: remembers the language in a cookie and goes back.
pub async fn switch_lang(
    axum::extract::State(state): axum::extract::State<AppState>,
    Path(code): Path<String>,
    Query(q): Query<NextParam>,
) -> Result<Response, AppError> {
    let lang = Lang::parse(&code).ok_or(AppError::NotFound)?;
    let mut r = Redirect::to(&safe_next(q.next.as_deref())).into_response();
    let c = crate::auth::set_cookie(&state, LANG_COOKIE, lang.code(), 365 * 24 * 3600, cookie::SameSite::Lax);
    r.headers_mut().append(header::SET_COOKIE, c);
    Ok(r)
}

pub async fn stylesheet() -> impl IntoResponse {
    let mut headers = HeaderMap::new();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/css; charset=utf-8"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"));
    (headers, include_str!("../../static/app.css"))
}

/// The upload page's script: upload and import progress (the form works without it).
pub async fn import_script() -> impl IntoResponse {
    let mut headers = HeaderMap::new();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/javascript; charset=utf-8"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"));
    (headers, include_str!("../../static/import.js"))
}

/// `/healthz`: the server is up and the database answers.
pub async fn healthz(axum::extract::State(state): axum::extract::State<AppState>) -> Result<&'static str, AppError> {
    state.store.schema_version().await?;
    Ok("ok")
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    html_lang: &'static str,
    status: u16,
    app_name: &'static str,
    heading: &'static str,
    message: &'a str,
    back: &'static str,
}

/// The page shown for an error.
pub fn error_page(lang: Lang, status: u16, message: &str) -> String {
    let heading = match status {
        403 => tr(lang, "error.forbidden_title"),
        404 => tr(lang, "error.not_found_title"),
        429 => tr(lang, "error.rate_limited_title"),
        413 => tr(lang, "error.too_large_title"),
        405 => tr(lang, "error.method_not_allowed_title"),
        400 => tr(lang, "error.bad_request_title"),
        _ => tr(lang, "error.title"),
    };
    ErrorPage {
        html_lang: lang.pick("zh-CN", "en"),
        status,
        app_name: tr(lang, "app.name"),
        heading,
        message,
        back: tr(lang, "error.back"),
    }
    .render()
    .unwrap_or_else(|_| message.to_string())
}

/// Page navigation for long lists.
pub struct Pager {
    pub pages: i64,
    pub prev: Option<String>,
    pub next: Option<String>,
    pub label: String,
}

impl Pager {
    /// `href` makes the link to a page number (1-based).
    pub fn new(lang: Lang, page: i64, per_page: i64, total: i64, href: impl Fn(i64) -> String) -> Pager {
        let pages = ((total + per_page - 1) / per_page).max(1);
        Pager {
            pages,
            prev: (page > 1).then(|| href(page - 1)),
            next: (page < pages).then(|| href(page + 1)),
            label: tr(lang, "common.page_of")
                .replace("{page}", &page.to_string())
                .replace("{pages}", &pages.to_string()),
        }
    }
}

/// The highest page number taken; a higher one is read as this (an empty page), so that
/// no offset computed from it can overflow.
pub const PAGE_MAX: i64 = 1_000_000;

/// A page number as a query gives it, for `#[serde(deserialize_with)]`: a whole number,
/// however large (clamped by `page_number`); anything else reads as absent, never a refusal.
pub fn lenient_page<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    let text: Option<String> = serde::Deserialize::deserialize(d)?;
    Ok(text
        .and_then(|t| t.trim().parse::<i128>().ok())
        .map(|n| n.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64))
}

/// The page number from a query (1 when absent or nonsense, at most `PAGE_MAX`).
pub fn page_number(p: Option<i64>) -> i64 {
    p.filter(|p| *p >= 1).unwrap_or(1).min(PAGE_MAX)
}
