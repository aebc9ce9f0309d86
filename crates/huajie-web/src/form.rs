//! Form and JSON extractors whose rejections are ordinary `AppError`s, so a malformed
//! request gets the same clear, translated answer as any other user error.

use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;

use crate::ctx::lang_of;
use crate::error::AppError;
use crate::i18n::tr;

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
