//! Login and logout.

use crate::form::{Confirmed, Form, Query, Submitted};
use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use cookie::SameSite;
use serde::Deserialize;

use super::{render, safe_next};
use crate::AppState;
use crate::auth::{self, LOGIN_CSRF_COOKIE, SESSION_COOKIE};
use crate::ctx::{Authorized, Ctx, cookie, perm};
use crate::error::AppError;
use crate::view::Page;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    page: Page,
    title: &'static str,
    error: Option<String>,
    login_csrf: String,
    next: String,
    username: String,
}

#[derive(Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
    /// Back from the portal's registration: the page says the account may now log in.
    registered: Option<String>,
}

async fn login_page(
    ctx: &Ctx,
    state: &AppState,
    error: Option<String>,
    next: String,
    username: String,
) -> Result<Response, AppError> {
    login_page_with(ctx, state, error, next, username, None).await
}

async fn login_page_with(
    ctx: &Ctx,
    state: &AppState,
    error: Option<String>,
    next: String,
    username: String,
    notice: Option<String>,
) -> Result<Response, AppError> {
    let mut page = Page::new(ctx, state).await?;
    page.notice = notice;
    let token = auth::random_token();
    let mut r =
        render(&LoginPage { title: page.t("login.title"), page, error, login_csrf: token.clone(), next, username })?;
    r.headers_mut()
        .append(header::SET_COOKIE, auth::set_cookie(state, LOGIN_CSRF_COOKIE, &token, 3600, SameSite::Strict));
    Ok(r)
}

pub async fn form(ctx: Ctx, State(state): State<AppState>, Query(q): Query<LoginQuery>) -> Result<Response, AppError> {
    if ctx.user().is_some() {
        return Ok(Redirect::to(&safe_next(q.next.as_deref())).into_response());
    }
    let notice = q.registered.is_some().then(|| crate::i18n::tr(ctx.lang, "register.done").to_string());
    login_page_with(&ctx, &state, None, safe_next(q.next.as_deref()), String::new(), notice).await
}

/// The login form as typed: a field left out reads as blank (refused as a wrong password, the
/// page shown again with the user name kept).
#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf: String,
    next: Option<String>,
}

pub async fn submit(
    ctx: Ctx,
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    Form(f): Form<LoginForm>,
) -> Result<Response, AppError> {
    // Double-submit check: the form's token must match the cookie set with the form.
    let cookie_token = cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or_default();
    if cookie_token.is_empty() || !auth::constant_time_eq(cookie_token.as_bytes(), f.csrf.as_bytes()) {
        return Err(AppError::Csrf);
    }
    let next = safe_next(f.next.as_deref());
    match auth::login(&state, &f.username, &f.password, &ctx.client, ctx.lang).await {
        Ok((token, _user)) => {
            let mut r = Redirect::to(&next).into_response();
            let max_age = state.config.session_hours * 3600;
            r.headers_mut()
                .append(header::SET_COOKIE, auth::set_cookie(&state, SESSION_COOKIE, &token, max_age, SameSite::Lax));
            r.headers_mut()
                .append(header::SET_COOKIE, auth::set_cookie(&state, LOGIN_CSRF_COOKIE, "", 0, SameSite::Strict));
            Ok(r)
        }
        Err(AppError::BadRequest(message)) => {
            let mut r = login_page(&ctx, &state, Some(message), next, f.username.trim().to_string()).await?;
            *r.status_mut() = axum::http::StatusCode::UNAUTHORIZED;
            Ok(r)
        }
        Err(e) => Err(e),
    }
}

pub async fn logout(
    Authorized(ctx, user, _): Authorized<perm::LoggedIn>,
    State(state): State<AppState>,
    Submitted(Confirmed {}): Submitted<Confirmed>,
) -> Result<Response, AppError> {
    let hash = ctx.token_hash.as_deref().ok_or(AppError::Unauthenticated)?;
    state.store.end_session(hash, &user).await?;
    let mut r = Redirect::to("/login").into_response();
    r.headers_mut().append(header::SET_COOKIE, auth::set_cookie(&state, SESSION_COOKIE, "", 0, SameSite::Lax));
    Ok(r)
}
