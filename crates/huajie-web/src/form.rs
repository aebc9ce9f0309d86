//! Form and JSON extractors whose rejections are ordinary `AppError`s, so a malformed
//! request gets the same clear, translated answer as any other user error.

use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use huajie_core::Lang;
use serde::de::DeserializeOwned;

use crate::ctx::lang_of;
use crate::error::AppError;
use crate::i18n::tr;

/// The largest form or JSON body outside the upload routes.
pub const FORM_BYTES_MAX: usize = 2 * 1024 * 1024;

/// A body the server would not take: 413 when it is over the route's limit (`limit`
/// bytes), else a 400 naming what is wrong (`key` in the catalogue, then the detail).
pub fn refused_body(status: StatusCode, detail: String, lang: Lang, key: &'static str, limit: usize) -> AppError {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::TooLarge(limit)
    } else {
        AppError::BadRequest(format!("{}（{detail}）", tr(lang, key)))
    }
}

/// A multipart upload that could not be read: 413 over `limit`, else a 400.
pub fn refused_upload(e: &dyn MultipartProblem, lang: Lang, limit: usize) -> AppError {
    refused_body(e.status(), e.body_text(), lang, "error.bad_form", limit)
}

/// What the multipart rejection and the multipart field error have in common.
pub trait MultipartProblem {
    fn status(&self) -> StatusCode;
    fn body_text(&self) -> String;
}

impl MultipartProblem for axum::extract::multipart::MultipartError {
    fn status(&self) -> StatusCode {
        axum::extract::multipart::MultipartError::status(self)
    }
    fn body_text(&self) -> String {
        axum::extract::multipart::MultipartError::body_text(self)
    }
}

impl MultipartProblem for axum::extract::multipart::MultipartRejection {
    fn status(&self) -> StatusCode {
        axum::extract::multipart::MultipartRejection::status(self)
    }
    fn body_text(&self) -> String {
        axum::extract::multipart::MultipartRejection::body_text(self)
    }
}

/// Defines a wrapper around an axum extractor that answers a malformed body with a 400
/// in the user's language (`key` names the message in the catalogue).
macro_rules! translated_extractor {
    ($(#[$meta:meta])* $name:ident wraps $inner:path, $key:literal) => {
        $(#[$meta])*
        pub struct $name<T>(pub T);

        impl<T, S> FromRequest<S> for $name<T>
        where
            T: DeserializeOwned,
            S: Send + Sync,
        {
            type Rejection = AppError;

            async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
                let lang = lang_of(req.headers(), req.uri().path());
                match <$inner>::from_request(req, state).await {
                    Ok(v) => Ok($name(v.0)),
                    Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(AppError::TooLarge(FORM_BYTES_MAX)),
                    Err(e) => Err(AppError::BadRequest(format!("{} ({})", tr(lang, $key), e.body_text()))),
                }
            }
        }
    };
}

translated_extractor!(
    /// `axum::Form`, answering a malformed form with a 400 in the user's language.
    Form wraps axum::Form<T>, "error.bad_form"
);

translated_extractor!(
    /// `axum::Json`, answering a malformed body with a 400 in the user's language.
    Json wraps axum::Json<T>, "error.bad_json"
);
