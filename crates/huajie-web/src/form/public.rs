//! The one extractor of a form posted without a session (the portal's registration).

use axum::extract::{FromRef, FromRequest, FromRequestParts, Request};
use serde::de::DeserializeOwned;

use super::{Body, has_content_type, read_form};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::i18n::tr;

/// A form posted before any session exists (the portal's registration), urlencoded, read into
/// `F` only after its double-submit token has been checked: the form's `csrf` field must equal
/// the `PUBLIC_CSRF_COOKIE` set with the form (a cross-site page can neither read the cookie
/// nor set it). A missing or different token is a 403 `csrf`, as for `Submitted`.
pub struct PublicSubmitted<F>(pub Ctx, pub F);

impl<F, S> FromRequest<S> for PublicSubmitted<F>
where
    F: DeserializeOwned,
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        let (parts, body) = req.into_parts();
        let mut parts = parts;
        let ctx = Ctx::from_request_parts(&mut parts, state).await?;
        let cookie = crate::ctx::cookie(&parts.headers, crate::auth::PUBLIC_CSRF_COOKIE).unwrap_or_default();
        let req = Request::from_parts(parts, body);
        if !has_content_type(&req, |t| t == "application/x-www-form-urlencoded") {
            return Err(AppError::BadRequest(tr(ctx.lang, "form.content_type").into()));
        }
        let Body(bytes) = Body::from_request(req, state).await?;
        let token =
            form_urlencoded::parse(&bytes).find(|(k, _)| k == "csrf").map(|(_, v)| v.into_owned()).unwrap_or_default();
        if cookie.is_empty() || !crate::auth::constant_time_eq(cookie.as_bytes(), token.as_bytes()) {
            return Err(AppError::Csrf);
        }
        let form = read_form(&bytes, ctx.lang)?;
        Ok(PublicSubmitted(ctx, form))
    }
}
