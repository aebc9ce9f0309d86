//! Errors a request can end in. A handler returns `AppError`; the `render_errors` layer
//! turns it into a page in the user's language (or a JSON error under `/api`), so the
//! text of every error lives in the catalogue. An error the framework answers by itself (a
//! method the route does not take) is rendered the same way.

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
    /// What was asked for cannot be produced because data behind it is missing (the net
    /// assets of a quarter-end): a 404 whose message, already in the user's language, says which.
    NoData(String),
    /// The path exists but not with this method (named); the `Allow` header lists those it takes.
    MethodNotAllowed(String),
    /// The form's CSRF token is missing or wrong.
    Csrf,
    /// A user error with its message already in the user's language.
    BadRequest(String),
    /// A business rule refused what was asked (a 400 `bad_request`), in both languages: shown
    /// in the request's.
    Refused(huajie_core::Text),
    /// A form or command with fields that cannot be read, every one named (a 400
    /// `bad_request`; the API's envelope lists them under `fields`, a page shows its form again).
    Invalid(crate::form::FieldErrors),
    /// Throttled: minutes to wait, and the catalogue key of the message (`{minutes}` in it).
    RateLimited(i64, &'static str),
    /// The body is larger than the route takes (bytes).
    TooLarge(usize),
    /// Something failed inside; the message is logged, not shown.
    Internal(String),
    /// A client error the framework answered with its own text (a route's extractor this
    /// crate does not wrap); the status is kept and the text replaced.
    Rejected(StatusCode),
    /// A refusal with its own status and code, in both languages: a bid the auction's rule
    /// refused (409, the rule's code as the bidder may read it), or its amount unusable (422).
    Told(StatusCode, &'static str, huajie_core::Text),
}

/// Every code `AppError::code` can give, in the order openapi.json's `Error` schema lists them.
pub const ERROR_CODES: &[&str] = &[
    "unauthenticated",
    "forbidden",
    "not_found",
    "method_not_allowed",
    "csrf",
    "bad_request",
    "rate_limited",
    "too_large",
    "internal",
    // A bid refused (409): the codes of `huajie_auction::RefusalKind` a bidder may read, the
    // screening's neutral one, and a lot that changed or is not open for bidding.
    "not_started",
    "ended",
    "not_qualified",
    "no_deposit",
    "already_leading",
    "below_start",
    "too_low",
    "not_accepted",
    "conflict",
];

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> AppError {
        match e {
            StoreError::NotFound(_) => AppError::NotFound,
            StoreError::Throttled(minutes) => AppError::RateLimited(minutes, "error.screening_limited"),
            // A business rule's refusal, or a uniqueness conflict ("already exists: …").
            other => match other.refusal() {
                Some(text) => AppError::Refused(text),
                None => AppError::Internal(other.to_string()),
            },
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
            AppError::NotFound | AppError::NoData(_) => StatusCode::NOT_FOUND,
            AppError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            AppError::BadRequest(_) | AppError::Refused(_) | AppError::Invalid(_) => StatusCode::BAD_REQUEST,
            AppError::RateLimited(..) => StatusCode::TOO_MANY_REQUESTS,
            AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            AppError::Rejected(status) | AppError::Told(status, ..) => *status,
        }
    }

    /// A stable code for the API (the `Error` schema of openapi.json lists them all; docs/api.md
    /// says what each means).
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated => "unauthenticated",
            AppError::Forbidden => "forbidden",
            AppError::NotFound | AppError::NoData(_) => "not_found",
            AppError::MethodNotAllowed(_) => "method_not_allowed",
            AppError::Csrf => "csrf",
            AppError::BadRequest(_) | AppError::Refused(_) | AppError::Invalid(_) => "bad_request",
            AppError::RateLimited(..) => "rate_limited",
            AppError::TooLarge(_) => "too_large",
            AppError::Internal(_) => "internal",
            AppError::Rejected(status) if *status == StatusCode::PAYLOAD_TOO_LARGE => "too_large",
            AppError::Rejected(status) if *status == StatusCode::NOT_FOUND => "not_found",
            AppError::Rejected(_) => "bad_request",
            AppError::Told(_, code, _) => code,
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        match self {
            AppError::Unauthenticated => tr(lang, "error.unauthenticated").into(),
            AppError::Forbidden => tr(lang, "error.forbidden").into(),
            AppError::NotFound => tr(lang, "error.not_found").into(),
            AppError::MethodNotAllowed(method) => tr(lang, "error.method_not_allowed").replace("{method}", method),
            AppError::Csrf => tr(lang, "error.csrf").into(),
            AppError::BadRequest(m) | AppError::NoData(m) => m.clone(),
            AppError::Refused(text) | AppError::Told(_, _, text) => text.get(lang).to_string(),
            AppError::Invalid(errors) => errors.message(lang),
            AppError::RateLimited(minutes, key) => {
                use huajie_core::throttle::{REGISTRATIONS_PER_SOURCE_MAX, SCREENINGS_PER_USER_MAX};
                let max = if *key == "error.registration_limited" {
                    REGISTRATIONS_PER_SOURCE_MAX
                } else {
                    SCREENINGS_PER_USER_MAX
                };
                tr(lang, key).replace("{minutes}", &minutes.to_string()).replace("{max}", &max.to_string())
            }
            AppError::TooLarge(bytes) => tr(lang, "error.too_large").replace("{size}", &size(*bytes)),
            AppError::Internal(_) => tr(lang, "error.internal").into(),
            AppError::Rejected(status) => tr(lang, "error.rejected").replace("{status}", status.as_str()),
        }
    }

    /// The error a response the framework made by itself stands for: a client or server error
    /// without a body of ours (none, or plain text). `None` for every other response.
    fn of_framework(response: &Response, method: &axum::http::Method) -> Option<AppError> {
        let status = response.status();
        if !(status.is_client_error() || status.is_server_error()) {
            return None;
        }
        let content_type = response.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
        if !(content_type.is_empty() || content_type.starts_with("text/plain")) {
            return None;
        }
        Some(match status {
            // The router adds `Allow` outside this layer: the message names the method instead.
            StatusCode::METHOD_NOT_ALLOWED => AppError::MethodNotAllowed(method.to_string()),
            s if s.is_server_error() => AppError::Internal(format!("the framework answered {s}")),
            s => {
                tracing::warn!(status = s.as_u16(), "a rejection the web layer does not translate");
                AppError::Rejected(s)
            }
        })
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
    let method = request.method().clone();
    let response = next.run(request).await;
    let Some(error) =
        response.extensions().get::<AppError>().cloned().or_else(|| AppError::of_framework(&response, &method))
    else {
        return response;
    };
    if let AppError::Internal(detail) = &error
        && response.extensions().get::<AppError>().is_none()
    {
        tracing::error!(%detail, "request failed");
    }
    if path.starts_with("/api/") {
        let mut body = serde_json::json!({ "error": { "code": error.code(), "message": error.message(lang) } });
        if let AppError::Invalid(errors) = &error {
            body["error"]["fields"] = errors
                .iter()
                .filter(|(k, _)| !k.is_empty())
                .map(|(k, t)| serde_json::json!({ "field": k, "message": t.get(lang) }))
                .collect();
        }
        (error.status(), axum::Json(body)).into_response()
    } else {
        render_page(&error, lang, path, query)
    }
}

/// An error as the pages show it: the login page for the anonymous, else an error page.
fn render_page(error: &AppError, lang: Lang, path: String, query: Option<String>) -> Response {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_code_is_listed_and_every_message_is_in_both_languages() {
        let all = [
            AppError::Unauthenticated,
            AppError::Forbidden,
            AppError::NotFound,
            AppError::NoData("x".into()),
            AppError::MethodNotAllowed("PUT".into()),
            AppError::Csrf,
            AppError::BadRequest("x".into()),
            AppError::Invalid(crate::form::FieldErrors::whole(huajie_core::Text::fixed("x", "x"))),
            AppError::RateLimited(5, "error.rate_limited"),
            AppError::TooLarge(2 << 20),
            AppError::Internal("x".into()),
            AppError::Rejected(StatusCode::UNSUPPORTED_MEDIA_TYPE),
            AppError::Rejected(StatusCode::PAYLOAD_TOO_LARGE),
        ];
        let told = |code: &'static str| AppError::Told(StatusCode::CONFLICT, code, huajie_core::Text::fixed("x", "x"));
        let mut all = all.to_vec();
        all.extend(ERROR_CODES[9..].iter().map(|c| told(c)));
        for e in &all {
            assert!(ERROR_CODES.contains(&e.code()), "{e:?}: {}", e.code());
            assert!(e.status().is_client_error() || e.status().is_server_error(), "{e:?}");
            for lang in [Lang::Zh, Lang::En] {
                assert!(!e.message(lang).is_empty(), "{e:?} {lang:?}");
            }
        }
        for code in ERROR_CODES {
            assert!(all.iter().any(|e| e.code() == *code), "{code} is never given");
        }
    }

    #[test]
    fn every_code_a_bidder_may_read_is_listed_and_the_screenings_reason_is_not() {
        use huajie_auction::{RefusalKind, eligible::NEUTRAL_CODE};
        for kind in RefusalKind::ALL.iter().filter(|k| **k != RefusalKind::Screened) {
            assert!(ERROR_CODES.contains(&kind.code()), "{}", kind.code());
        }
        assert!(ERROR_CODES.contains(&NEUTRAL_CODE));
        assert!(
            !ERROR_CODES.contains(&RefusalKind::Screened.code()),
            "the investor never reads that screening refused it"
        );
    }
}
