//! Form and JSON extractors whose rejections are ordinary `AppError`s, so a malformed
//! request gets the same clear, translated answer as any other user error.

use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;

use crate::ctx::lang_of;
use crate::error::AppError;
use crate::i18n::tr;

/// `axum::Form`, answering a malformed form with a 400 in the user's language.
pub struct Form<T>(pub T);

impl<T, S> FromRequest<S> for Form<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        let lang = lang_of(req.headers(), req.uri().path());
        match axum::Form::<T>::from_request(req, state).await {
            Ok(axum::Form(v)) => Ok(Form(v)),
            Err(e) => Err(AppError::BadRequest(format!("{} ({})", tr(lang, "error.bad_form"), e.body_text()))),
        }
    }
}

/// `axum::Json`, answering a malformed body with a 400 in the user's language.
pub struct Json<T>(pub T);

impl<T, S> FromRequest<S> for Json<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        let lang = lang_of(req.headers(), req.uri().path());
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Json(v)),
            Err(e) => Err(AppError::BadRequest(format!("{} ({})", tr(lang, "error.bad_json"), e.body_text()))),
        }
    }
}
