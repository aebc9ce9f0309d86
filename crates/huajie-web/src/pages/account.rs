//! My account: who I am, and changing my own password.

use crate::form::{Query, Submitted};
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::render_form;
use crate::AppState;
use crate::auth::{check_new_password, check_password, hash_password};
use crate::ctx::{Authorized, Ctx, perm};
use crate::error::AppError;
use crate::i18n::tr;
use crate::view::Page;

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    page: Page,
    title: &'static str,
    username: String,
    display_name: String,
    role: String,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

async fn account_page(
    ctx: &Ctx,
    state: &AppState,
    notice: Option<String>,
    error: Option<String>,
) -> Result<Response, AppError> {
    let user = ctx.require_login()?;
    let mut page = Page::new(ctx, state).await?;
    page.notice = notice;
    let failed = error.is_some();
    render_form(
        &AccountPage {
            title: page.t("account.title"),
            username: user.username.clone(),
            display_name: user.display_name.clone(),
            role: user.role.name(ctx.lang).into(),
            error,
            page,
        },
        failed,
    )
}

pub async fn show(ctx: Ctx, State(state): State<AppState>, Query(q): Query<DoneQuery>) -> Result<Response, AppError> {
    ctx.require_login()?;
    let notice = q.done.map(|_| tr(ctx.lang, "account.password_changed").to_string());
    account_page(&ctx, &state, notice, None).await
}

#[derive(Deserialize)]
pub struct PasswordForm {
    current: String,
    new: String,
    confirm: String,
}

pub async fn change_password(
    Authorized(ctx, user, _): Authorized<perm::LoggedIn>,
    State(state): State<AppState>,
    Submitted(f): Submitted<PasswordForm>,
) -> Result<Response, AppError> {
    let user = &user;
    let lang = ctx.lang;
    let problem = if !check_password(&state, &f.current, &user.password_hash).await {
        Some(tr(lang, "account.wrong_current").to_string())
    } else if f.new != f.confirm {
        Some(tr(lang, "account.mismatch").to_string())
    } else {
        check_new_password(&f.new, lang).err().map(|e| e.message(lang))
    };
    if let Some(message) = problem {
        return account_page(&ctx, &state, None, Some(message)).await;
    }
    state.store.change_password(&user.username, user.id, &hash_password(&f.new)).await?;
    // Changing the password ends every session, this one too: log in again.
    Ok(Redirect::to("/login?next=/account%3Fdone%3D1").into_response())
}
