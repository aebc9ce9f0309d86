//! Users and roles (administrators only): list, create, change role or status, reset
//! a password. Every change is audited by the store.

use crate::form::fields::{labelled, quoting, required};
use crate::form::{FieldErrors, FormView, Path, Submitted};
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use huajie_core::{Permission, Role, Text};
use huajie_store::{NewUser, StoreError};
use serde::{Deserialize, Serialize};

use super::render_form;
use crate::AppState;
use crate::auth::{hash_password, new_password};
use crate::ctx::{Authorized, Ctx, perm};
use crate::error::AppError;
use crate::i18n::{text, tr};
use crate::view::Page;

pub struct UserLine {
    pub id: i64,
    pub username: String,
    pub created: String,
    /// The row's forms: name, role and status (`edit-user-{id}`), and a new password
    /// (`password-user-{id}`).
    pub edit: FormView,
    pub password: FormView,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    page: Page,
    title: &'static str,
    users: Vec<UserLine>,
    roles: Vec<(&'static str, &'static str)>,
    create: FormView,
}

/// The users page; with a form sent back (`sent_back`), that form as typed with each field's message.
async fn users_page(
    ctx: &Ctx,
    state: &AppState,
    notice: Option<String>,
    mut sent_back: Option<FormView>,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let users = state.store.users().await?;
    let users: Vec<UserLine> = users
        .iter()
        .map(|u| UserLine {
            id: u.id,
            username: u.username.clone(),
            created: crate::view::when(u.created_at, lang),
            edit: FormView::new(format!("edit-user-{}", u.id), lang)
                .with("display_name", u.display_name.clone())
                .with("role", u.role.code())
                .with("active", if u.active { "1" } else { "" })
                .unless(&mut sent_back),
            password: FormView::new(format!("password-user-{}", u.id), lang).unless(&mut sent_back),
        })
        .collect();
    let create = FormView::new(CREATE_FORM, lang).unless(&mut sent_back);
    let mut page = Page::new(ctx, state).await?;
    page.notice = notice;
    let refused = page.sent_back(users.iter().flat_map(|u| [&u.edit, &u.password]).chain([&create]));
    render_form(
        &UsersPage {
            title: page.t("users.title"),
            users,
            roles: Role::ALL.iter().map(|r| (r.code(), r.name(lang))).collect(),
            create,
            page,
        },
        refused,
    )
}

const CREATE_FORM: &str = "create-user";

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

/// A new user as typed (the password is never shown again).
#[derive(Deserialize, Serialize, Default)]
#[serde(default)]
pub struct CreateForm {
    username: String,
    display_name: String,
    role: String,
    #[serde(skip_serializing)]
    password: String,
}

impl CreateForm {
    /// The user to create (the password still to hash), or every field that cannot be read.
    fn parse(&self) -> Result<(String, String, Role, &str), FieldErrors> {
        let mut e = FieldErrors::default();
        let username = e.check("username", username(&self.username));
        let display_name = e.read("display_name", &text("users.display_name"), required(&self.display_name));
        let role = e.read("role", &text("users.role"), role(&self.role));
        let password = e.check("password", new_password(&self.password));
        e.finish(|| Some((username?, display_name?, role?, password?)))
    }
}

/// A role by its code.
fn role(code: &str) -> Result<Role, Text> {
    Role::from_code(code.trim()).ok_or_else(|| quoting(code, "form.bad_option"))
}

/// A user name: 3 to 32 of a–z, 0–9, `_`, `.` and `-`.
pub(crate) fn username(typed: &str) -> Result<String, Text> {
    let username = typed.trim();
    let ok = (3..=32).contains(&username.len())
        && username.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_.-".contains(&b));
    if ok { Ok(username.to_string()) } else { Err(text("users.username_rule")) }
}

pub async fn create(
    Authorized(ctx, admin, _): Authorized<perm::ManageUsers>,
    State(state): State<AppState>,
    Submitted(f): Submitted<CreateForm>,
) -> Result<Response, AppError> {
    let result = async {
        let (username, display_name, role, password) = f.parse().map_err(AppError::Invalid)?;
        let new = NewUser { username, display_name, role, password_hash: hash_password(password) };
        if let Err(StoreError::Duplicate(_)) = state.store.create_user(&admin.username, &new).await.map(drop) {
            let mut e = FieldErrors::default();
            e.add("username", labelled(&text("users.username"), &text("users.username_taken")));
            return Err(AppError::Invalid(e));
        }
        Ok(Redirect::to("/admin/users?done=created").into_response())
    }
    .await;
    super::or_refused(result, ctx.lang, (CREATE_FORM, &f), |form| users_page(&ctx, &state, None, Some(form))).await
}

/// A user's name, role and status as typed.
#[derive(Deserialize, Serialize, Default)]
#[serde(default)]
pub struct UpdateForm {
    display_name: String,
    role: String,
    active: Option<String>,
}

impl UpdateForm {
    /// The name, role and status, or every field that cannot be read.
    fn parse(&self) -> Result<(String, Role, bool), FieldErrors> {
        let mut e = FieldErrors::default();
        let display_name = e.read("display_name", &text("users.display_name"), required(&self.display_name));
        let role = e.read("role", &text("users.role"), role(&self.role));
        e.finish(|| Some((display_name?, role?, self.active.is_some())))
    }
}

pub async fn update(
    Path(id): Path<i64>,
    Authorized(ctx, admin, _): Authorized<perm::ManageUsers>,
    State(state): State<AppState>,
    Submitted(f): Submitted<UpdateForm>,
) -> Result<Response, AppError> {
    state.store.user(id).await?.ok_or(AppError::NotFound)?;
    let result = async {
        let (display_name, role, active) = f.parse().map_err(AppError::Invalid)?;
        // An administrator cannot lock themselves out.
        if id == admin.id && (!active || role != Role::Admin) {
            return Err(AppError::Invalid(FieldErrors::whole(text("users.cannot_demote_self"))));
        }
        state.store.change_user(&admin.username, id, &display_name, role, active).await?;
        Ok(Redirect::to("/admin/users?done=updated").into_response())
    }
    .await;
    let page = |form| users_page(&ctx, &state, None, Some(form));
    super::or_refused(result, ctx.lang, (format!("edit-user-{id}"), &f), page).await
}

/// A new password, as typed (never shown again).
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PasswordForm {
    password: String,
}

pub async fn reset_password(
    Path(id): Path<i64>,
    Authorized(ctx, admin, _): Authorized<perm::ManageUsers>,
    State(state): State<AppState>,
    Submitted(f): Submitted<PasswordForm>,
) -> Result<Response, AppError> {
    state.store.user(id).await?.ok_or(AppError::NotFound)?;
    let result = async {
        let password = FieldErrors::only("password", new_password(&f.password))?;
        state.store.change_password(&admin.username, id, &hash_password(password)).await?;
        Ok(Redirect::to("/admin/users?done=password").into_response())
    }
    .await;
    let page = |form| users_page(&ctx, &state, None, Some(form));
    super::or_refused(result, ctx.lang, (format!("password-user-{id}"), &()), page).await
}
