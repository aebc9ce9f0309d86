//! The portal's registration (issue 14), open without login: an individual (name, resident ID)
//! or a company (name, USCC, legal representative), a mobile number, an e-mail, a user name and
//! a password under the staff's rules, and the terms accepted. It creates an investor user and
//! its profile awaiting review. Each attempt counts against the source's throttle; a taken user
//! name or an identifier already registered comes back beside its field.

use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use cookie::SameSite;
use huajie_decide::investor::{self, InvestorKind};
use huajie_store::{InvestorProfile, Registered, Registration, StoreError};
use serde::{Deserialize, Serialize};

use super::render_form;
use crate::AppState;
use crate::auth::{self, PUBLIC_CSRF_COOKIE, hash_password, new_password};
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::form::fields::required;
use crate::form::{FieldErrors, FormView, PublicSubmitted};
use crate::i18n::text;
use crate::view::Page;

pub const REGISTER_FORM: &str = "register";

#[derive(Template)]
#[template(path = "register.html")]
struct RegisterPage {
    page: Page,
    title: &'static str,
    form: FormView,
    csrf: String,
    kinds: Vec<(String, String)>,
}

/// The registration form as typed (the passwords are never shown again).
#[derive(Deserialize, Serialize, Default)]
pub struct RegisterForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub identifier: String,
    #[serde(default)]
    pub legal_rep: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub username: String,
    #[serde(default, skip_serializing)]
    pub password: String,
    #[serde(default, skip_serializing)]
    pub confirm: String,
    #[serde(default)]
    pub terms: String,
}

impl RegisterForm {
    /// The user name, the password and the profile, or every field that cannot be read.
    pub fn parse(&self, today: chrono::NaiveDate) -> Result<(String, String, InvestorProfile), FieldErrors> {
        let mut e = FieldErrors::default();
        let kind = e.read(
            "kind",
            &text("register.kind"),
            InvestorKind::from_code(self.kind.trim())
                .ok_or_else(|| crate::form::fields::quoting(&self.kind, "form.bad_option")),
        );
        let name = e.read("name", &text("register.name"), required(&self.name));
        let identifier = match kind {
            Some(k) => e.read("identifier", &text("register.identifier"), {
                required(&self.identifier).and_then(|t| investor::identifier(k, &t, today))
            }),
            None => None,
        };
        let legal_rep = match kind {
            Some(InvestorKind::Company) => {
                e.read("legal_rep", &text("register.legal_rep"), required(&self.legal_rep)).map(Some)
            }
            _ => Some(None),
        };
        let phone = e.read("phone", &text("register.phone"), investor::mobile(&self.phone));
        let email = e.read("email", &text("register.email"), investor::email(&self.email));
        let username = e.check("username", super::users::username(&self.username));
        let password = e.check("password", new_password(&self.password).map(str::to_string));
        if password.is_some() && self.password != self.confirm {
            e.add("confirm", text("account.mismatch"));
        }
        let terms = e.check("terms", if self.terms.is_empty() { Err(text("register.terms_needed")) } else { Ok(()) });
        e.finish(|| {
            terms?;
            Some((
                username?,
                password?,
                InvestorProfile {
                    kind: kind?,
                    name: name?,
                    identifier: identifier?,
                    legal_rep: legal_rep?,
                    phone: phone?,
                    email: email?,
                },
            ))
        })
    }
}

/// The page, with a new double-submit token (its cookie set with it).
async fn register_page(ctx: &Ctx, state: &AppState, form: Option<FormView>) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let form = form.unwrap_or_else(|| FormView::new(REGISTER_FORM, lang).with("kind", "individual"));
    let mut page = Page::new(ctx, state).await?;
    let refused = page.sent_back([&form]);
    let csrf = auth::random_token();
    let out = RegisterPage {
        title: page.t("register.title"),
        kinds: InvestorKind::ALL.iter().map(|k| (k.code().to_string(), k.name(lang).to_string())).collect(),
        form,
        csrf: csrf.clone(),
        page,
    };
    let mut r = render_form(&out, refused)?;
    r.headers_mut()
        .append(header::SET_COOKIE, auth::set_cookie(state, PUBLIC_CSRF_COOKIE, &csrf, 3600, SameSite::Strict));
    Ok(r)
}

/// `GET /portal/register`.
pub async fn form(ctx: Ctx, State(state): State<AppState>) -> Result<Response, AppError> {
    register_page(&ctx, &state, None).await
}

/// `POST /portal/register`: counted against the source's throttle first; then the form is
/// read, and the investor registered; it goes to the login, told it may log in.
pub async fn submit(
    State(state): State<AppState>,
    PublicSubmitted(ctx, form): PublicSubmitted<RegisterForm>,
) -> Result<Response, AppError> {
    let done = async {
        match state.store.reserve_registration(&ctx.client).await {
            Err(StoreError::Throttled(minutes)) => {
                return Err(AppError::RateLimited(minutes, "error.registration_limited"));
            }
            other => other?,
        }
        let today = state.store.clock().today();
        let (username, password, profile) = form.parse(today).map_err(AppError::Invalid)?;
        let password_hash = hash_password(&password);
        match state.store.register_investor(&Registration { username, password_hash, profile }).await? {
            Registered::Done(_) => Ok(Redirect::to("/login?registered=1&next=/portal").into_response()),
            Registered::Taken(fields) => Err(AppError::Invalid(FieldErrors::from(fields))),
        }
    };
    super::or_refused(done.await, ctx.lang, (REGISTER_FORM, &form), |view| register_page(&ctx, &state, Some(view)))
        .await
}
