//! Users and roles (administrators only): list, create, change role or status, reset
//! a password. Every change is audited by the store.

use crate::form::{Path, Submitted};
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use huajie_core::{Lang, Permission, Role};
use huajie_store::{NewUser, StoreError};
use serde::Deserialize;

use super::render_form;
use crate::AppState;
use crate::auth::{check_new_password, hash_password};
use crate::ctx::{Authorized, Ctx, perm};
use crate::error::AppError;
use crate::i18n::tr;
use crate::view::Page;

pub struct UserLine {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role_code: &'static str,
    pub active: bool,
    pub created: String,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    page: Page,
    title: &'static str,
    users: Vec<UserLine>,
    roles: Vec<(&'static str, &'static str)>,
    error: Option<String>,
}

async fn users_page(
    ctx: &Ctx,
    state: &AppState,
    notice: Option<String>,
    error: Option<String>,
) -> Result<Response, AppError> {
    let users = state.store.users().await?;
    let mut page = Page::new(ctx, state).await?;
    page.notice = notice;
    render_form(
        &UsersPage {
            title: page.t("users.title"),
            users: users
                .iter()
                .map(|u| UserLine {
                    id: u.id,
                    username: u.username.clone(),
                    display_name: u.display_name.clone(),
                    role_code: u.role.code(),
                    active: u.active,
                    created: crate::view::when(u.created_at, ctx.lang),
                })
                .collect(),
            roles: Role::ALL.iter().map(|r| (r.code(), r.name(ctx.lang))).collect(),
            error: error.clone(),
            page,
        },
        error.is_some(),
    )
}

pub async fn list(
    ctx: Ctx,
    State(state): State<AppState>,
    crate::form::Query(q): crate::form::Query<DoneQuery>,
) -> Result<Response, AppError> {
    ctx.require(Permission::ManageUsers)?;
    let notice = q.done.as_deref().map(|k| {
        tr(
            ctx.lang,
            match k {
                "created" => "users.created_ok",
                "password" => "users.password_ok",
                _ => "users.updated_ok",
            },
        )
        .to_string()
    });
    users_page(&ctx, &state, notice, None).await
}

#[derive(Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

#[derive(Deserialize)]
pub struct CreateForm {
    username: String,
    display_name: String,
    role: String,
    password: String,
}

fn parse_role(code: &str, lang: Lang) -> Result<Role, AppError> {
    Role::from_code(code).ok_or_else(|| AppError::BadRequest(tr(lang, "users.bad_role").into()))
}

fn check_username(username: &str, lang: Lang) -> Result<(), AppError> {
    let ok = (3..=32).contains(&username.len())
        && username.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_.-".contains(&b));
    if ok { Ok(()) } else { Err(AppError::BadRequest(tr(lang, "users.username_rule").into())) }
}

/// Shows a form error or a refusal on the users page (`pages::or_refused`); other errors go up.
async fn or_form_error(ctx: &Ctx, state: &AppState, result: Result<Response, AppError>) -> Result<Response, AppError> {
    super::or_refused(result, ctx.lang, |message| users_page(ctx, state, None, Some(message))).await
}

pub async fn create(
    Authorized(ctx, admin, _): Authorized<perm::ManageUsers>,
    State(state): State<AppState>,
    Submitted(f): Submitted<CreateForm>,
) -> Result<Response, AppError> {
    let result = async {
        let lang = ctx.lang;
        let username = f.username.trim();
        check_username(username, lang)?;
        let display_name = f.display_name.trim();
        if display_name.is_empty() {
            return Err(AppError::BadRequest(tr(lang, "users.display_name_required").into()));
        }
        let role = parse_role(&f.role, lang)?;
        check_new_password(&f.password, lang)?;
        let new = NewUser {
            username: username.into(),
            display_name: display_name.into(),
            role,
            password_hash: hash_password(&f.password),
        };
        match state.store.create_user(&admin.username, &new).await {
            Err(StoreError::Duplicate(_)) => return Err(AppError::BadRequest(tr(lang, "users.username_taken").into())),
            other => other?,
        };
        Ok(Redirect::to("/admin/users?done=created").into_response())
    }
    .await;
    or_form_error(&ctx, &state, result).await
}

#[derive(Deserialize)]
pub struct UpdateForm {
    display_name: String,
    role: String,
    active: Option<String>,
}

pub async fn update(
    Path(id): Path<i64>,
    Authorized(ctx, admin, _): Authorized<perm::ManageUsers>,
    State(state): State<AppState>,
    Submitted(f): Submitted<UpdateForm>,
) -> Result<Response, AppError> {
    let result = async {
        let lang = ctx.lang;
        let role = parse_role(&f.role, lang)?;
        let active = f.active.is_some();
        let display_name = f.display_name.trim();
        if display_name.is_empty() {
            return Err(AppError::BadRequest(tr(lang, "users.display_name_required").into()));
        }
        // An administrator cannot lock themselves out.
        if id == admin.id && (!active || role != Role::Admin) {
            return Err(AppError::BadRequest(tr(lang, "users.cannot_demote_self").into()));
        }
        state.store.user(id).await?.ok_or(AppError::NotFound)?;
        state.store.change_user(&admin.username, id, display_name, role, active).await?;
        Ok(Redirect::to("/admin/users?done=updated").into_response())
    }
    .await;
    or_form_error(&ctx, &state, result).await
}

#[derive(Deserialize)]
pub struct PasswordForm {
    password: String,
}

pub async fn reset_password(
    Path(id): Path<i64>,
    Authorized(ctx, admin, _): Authorized<perm::ManageUsers>,
    State(state): State<AppState>,
    Submitted(f): Submitted<PasswordForm>,
) -> Result<Response, AppError> {
    let result = async {
        check_new_password(&f.password, ctx.lang)?;
        state.store.user(id).await?.ok_or(AppError::NotFound)?;
        state.store.change_password(&admin.username, id, &hash_password(&f.password)).await?;
        Ok(Redirect::to("/admin/users?done=password").into_response())
    }
    .await;
    or_form_error(&ctx, &state, result).await
}
