//! The investor portal: what an investor account sees (the company's public facts).

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use huajie_core::Permission;

use super::render;
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::i18n::tr;
use crate::view::Page;

#[derive(Template)]
#[template(path = "portal.html")]
struct PortalPage {
    page: Page,
    title: &'static str,
    welcome: String,
    /// Name, USCC, province, licence, licensed on.
    company: (String, String, String, String, String),
}

pub async fn show(ctx: Ctx, State(state): State<AppState>) -> Result<Response, AppError> {
    let user = ctx.require(Permission::UsePortal)?;
    let lang = ctx.lang;
    let company = state.store.company().await?.ok_or(AppError::NotFound)?;
    let page = Page::new(&ctx, &state).await?;
    render(&PortalPage {
        title: page.t("portal.title"),
        welcome: tr(lang, "portal.welcome").replace("{name}", &user.display_name),
        company: (
            company.name,
            company.uscc.to_string(),
            company.province.name(lang).to_string(),
            company.licence_no,
            company.licensed_on.to_string(),
        ),
        page,
    })
}
