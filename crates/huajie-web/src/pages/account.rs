//! My account: who I am, and changing my own password.

use crate::form::{FieldErrors, FormView, Query, Submitted};
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::render_form;
use crate::AppState;
use crate::auth::{check_password, hash_password, new_password};
use crate::ctx::{Authorized, Ctx, perm};
use crate::error::AppError;
use crate::i18n::{text, tr};
use crate::view::Page;

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    page: Page,
    title: &'static str,
    username: String,
    display_name: String,
    role: String,
    /// The form changing the password (`change-password`): never a value, each field's message.
    form: FormView,
}

#[derive(Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

/// The account page; with the password form sent back, each field's message.
async fn account_page(
    ctx: &Ctx,
    state: &AppState,
    notice: Option<String>,
    form: FormView,
) -> Result<Response, AppError> {
    let user = ctx.require_login()?;
    let mut page = Page::new(ctx, state).await?;
    page.notice = notice;
    let failed = page.sent_back([&form]);
    render_form(
        &AccountPage {
            title: page.t("account.title"),
            username: user.username.clone(),
            display_name: user.display_name.clone(),
            role: user.role.name(ctx.lang).into(),
            form,
            page,
        },
        failed,
    )
}

pub async fn show(ctx: Ctx, State(state): State<AppState>, Query(q): Query<DoneQuery>) -> Result<Response, AppError> {
    ctx.require_login()?;
    let notice = q.done.map(|_| tr(ctx.lang, "account.password_changed").to_string());
    account_page(&ctx, &state, notice, FormView::new(PASSWORD_FORM, ctx.lang)).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PasswordForm {
    current: String,
    new: String,
    confirm: String,
}

const PASSWORD_FORM: &str = "change-password";

impl PasswordForm {
    /// The new password, or every field that is wrong (`current`: whether the current
    /// password was given right).
    fn parse(&self, current: bool) -> Result<&str, FieldErrors> {
        let mut e = FieldErrors::default();
        if !current {
            e.add("current", text("account.wrong_current"));
        }
        let new = e.check("new", new_password(&self.new));
        if self.new != self.confirm {
            e.add("confirm", text("account.mismatch"));
        }
        e.finish(|| new)
    }
}

pub async fn change_password(
    Authorized(ctx, user, _): Authorized<perm::LoggedIn>,
    State(state): State<AppState>,
    Submitted(f): Submitted<PasswordForm>,
) -> Result<Response, AppError> {
    let changed = async {
        let current = check_password(&state, &f.current, &user.password_hash).await;
        let new = f.parse(current).map_err(AppError::Invalid)?;
        state.store.change_password(&user.username, user.id, &hash_password(new)).await?;
        // Changing the password ends every session, this one too: log in again.
        Ok(Redirect::to("/login?next=/account%3Fdone%3D1").into_response())
    }
    .await;
    super::or_refused(changed, ctx.lang, (PASSWORD_FORM, &()), |form| account_page(&ctx, &state, None, form)).await
}
