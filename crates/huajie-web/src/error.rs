//! Errors a request can end in. A handler returns `AppError`; the `render_errors` layer
//! turns it into a page in the user's language (or a JSON error under `/api`), so the
//! text of every error lives in the catalogue.

use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use huajie_core::Lang;
use huajie_store::StoreError;

use crate::i18n::tr;

#[derive(Debug, Clone)]
pub enum AppError {
    /// Not logged in: pages go to the login page, the API answers 401.
    Unauthenticated,
    /// Logged in, but the role may not do this.
    Forbidden,
    NotFound,
    /// The form's CSRF token is missing or wrong.
    Csrf,
    /// A user error with its message already in the user's language.
    BadRequest(String),
    /// Throttled: minutes to wait, and the catalogue key of the message (`{minutes}` in it).
    RateLimited(i64, &'static str),
    /// The body is larger than the route takes (bytes).
    TooLarge(usize),
    /// Something failed inside; the message is logged, not shown.
    Internal(String),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> AppError {
        match e {
            StoreError::NotFound(_) => AppError::NotFound,
            StoreError::Throttled(minutes) => AppError::RateLimited(minutes, "error.screening_limited"),
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> AppError {
        AppError::Internal(format!("template: {e}"))
    }
}

impl AppError {
    fn status(&self) -> StatusCode {
        match self {
            AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::RateLimited(..) => StatusCode::TOO_MANY_REQUESTS,
            AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A stable code for the API.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated => "unauthenticated",
            AppError::Forbidden => "forbidden",
            AppError::NotFound => "not_found",
            AppError::Csrf => "csrf",
            AppError::BadRequest(_) => "bad_request",
            AppError::RateLimited(..) => "rate_limited",
            AppError::TooLarge(_) => "too_large",
            AppError::Internal(_) => "internal",
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        match self {
            AppError::Unauthenticated => tr(lang, "error.unauthenticated").into(),
            AppError::Forbidden => tr(lang, "error.forbidden").into(),
            AppError::NotFound => tr(lang, "error.not_found").into(),
            AppError::Csrf => tr(lang, "error.csrf").into(),
            AppError::BadRequest(m) => m.clone(),
            AppError::RateLimited(minutes, key) => tr(lang, key)
                .replace("{minutes}", &minutes.to_string())
                .replace("{max}", &huajie_core::throttle::SCREENINGS_PER_USER_MAX.to_string()),
            AppError::TooLarge(bytes) => tr(lang, "error.too_large").replace("{size}", &size(*bytes)),
            AppError::Internal(_) => tr(lang, "error.internal").into(),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(detail) = &self {
            tracing::error!(%detail, "request failed");
        }
        let mut response = self.status().into_response();
        response.extensions_mut().insert(self);
        response
    }
}

/// Renders the `AppError` a handler returned: a page in the user's language, a redirect
/// to the login page, or a JSON error under `/api`.
pub async fn render_errors(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    let query = request.uri().query().map(str::to_string);
    let lang = crate::ctx::lang_of(request.headers(), &path);
    let response = next.run(request).await;
    let Some(error) = response.extensions().get::<AppError>().cloned() else {
        return response;
    };
    if path.starts_with("/api/") {
        let body = serde_json::json!({ "error": { "code": error.code(), "message": error.message(lang) } });
        return (error.status(), axum::Json(body)).into_response();
    }
    if matches!(error, AppError::Unauthenticated) {
        let target = match query {
            Some(q) => format!("{path}?{q}"),
            None => path,
        };
        let encoded: String = url_encode(&target);
        return Redirect::to(&format!("/login?next={encoded}")).into_response();
    }
    let page = crate::pages::error_page(lang, error.status().as_u16(), &error.message(lang));
    let mut out = (error.status(), Html(page)).into_response();
    out.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    out
}

/// A size as people read it: `256 MB`, `64 KB`.
fn size(bytes: usize) -> String {
    match bytes {
        b if b >= 1 << 20 => format!("{} MB", b >> 20),
        b if b >= 1 << 10 => format!("{} KB", b >> 10),
        b => format!("{b} B"),
    }
}

/// Percent-encodes a path and query for use inside a query parameter.
pub fn url_encode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}
