//! The company's own profile: its capital and the items behind its net assets (kept by
//! finance) and its main-business lines (kept by risk), each save a new version in force from
//! its date, with the history of every version. Read by the book's readers.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use huajie_core::company::{BUSINESS_SCOPE, BusinessLine, CompanyProfile, NET_ASSET_ITEMS};
use huajie_core::{Lang, Money, Permission, Text};
use huajie_store::{CompanyProfileVersion, ProfileChange};
use huajie_tape::coerce::is_blank;

use super::render_form;
use crate::AppState;
use crate::ctx::{Authorized, Ctx, perm};
use crate::error::AppError;
use crate::form::fields::{amount, date_or, labelled, quoting, signed_amount};
use crate::form::{FieldErrors, FormView, Loose, Submitted};
use crate::i18n::{text, tr};
use crate::view::Page;

/// A version as the history lists it: version, in force from, what it says, note, by, at.
pub struct VersionLine {
    pub version: i64,
    pub effective_from: String,
    pub summary: String,
    pub note: String,
    pub by: String,
}

#[derive(Template)]
#[template(path = "company.html")]
struct CompanyPage {
    page: Page,
    title: &'static str,
    /// The version in force today, if any: version, from, capital lines, business lines, items.
    current: Option<CurrentView>,
    versions: Vec<VersionLine>,
    can_capital: bool,
    can_business: bool,
    /// The forms saving a version of the capital and of the main business.
    capital: FormView,
    business: FormView,
    /// Each net-asset item's field (`item/<code>`) and name.
    items: Vec<(String, &'static str)>,
    scope: Vec<(&'static str, &'static str)>,
}

pub struct CurrentView {
    pub version: i64,
    pub effective_from: String,
    pub registered: String,
    pub paid_in: String,
    pub lines: Vec<(String, String)>,
    pub items: Vec<(String, String)>,
    pub net_assets: String,
    /// The net assets recorded in the book at the last quarter-end on or before the version's date.
    pub recorded: Option<(String, String)>,
}

/// 万元 as the forms read them back.
fn wan(m: Money) -> String {
    let s = format!("{:.6}", m.fen() as f64 / 1_000_000.0);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn summary(p: &CompanyProfile, lang: Lang) -> String {
    let lines: Vec<&str> = p.main_business.iter().map(|l| l.code.as_str()).collect();
    format!(
        "{} {} · {} {} · {} {} · {} {}",
        tr(lang, "company.registered"),
        p.registered_capital.display(lang),
        tr(lang, "company.paid_in"),
        p.paid_in_capital.display(lang),
        tr(lang, "company.net_asset_total"),
        p.net_assets().map(|m| m.display(lang)).unwrap_or_default(),
        tr(lang, "company.main_business"),
        if lines.is_empty() { "—".to_string() } else { lines.join("、") }
    )
}

/// The forms as first shown: a new version based on the latest, in force from `today`.
fn first_forms(v: Option<&CompanyProfileVersion>, today: NaiveDate, lang: Lang) -> (FormView, FormView) {
    let mut capital = FormView::new(CAPITAL_FORM, lang).with("effective_from", today.to_string());
    let mut business = FormView::new(BUSINESS_FORM, lang).with("effective_from", today.to_string());
    if let Some(v) = v {
        capital = capital
            .with("registered_capital", wan(v.profile.registered_capital))
            .with("paid_in_capital", wan(v.profile.paid_in_capital));
        for (code, amount) in &v.profile.net_asset_items {
            capital = capital.with(format!("item/{code}"), wan(*amount));
        }
        let lines: Vec<String> =
            v.profile.main_business.iter().map(|l| format!("{} {}", l.code, l.description)).collect();
        business = business.with("lines", lines.join("\n"));
    }
    (capital, business)
}

/// The version in force, as the page shows it, with the net assets the book records at the last
/// quarter-end on or before its date.
fn current_view(v: &CompanyProfileVersion, net_assets: &[huajie_store::NetAssets], lang: Lang) -> CurrentView {
    let quarter = huajie_rules::indicators::latest_quarter_end(v.effective_from);
    CurrentView {
        version: v.version,
        effective_from: v.effective_from.to_string(),
        registered: v.profile.registered_capital.display(lang),
        paid_in: v.profile.paid_in_capital.display(lang),
        lines: v
            .profile
            .main_business
            .iter()
            .map(|l| {
                let scope = BUSINESS_SCOPE.iter().find(|b| b.0 == l.code).map(|b| lang.pick(b.1, b.2)).unwrap_or("");
                (format!("{} {scope}", l.code), l.description.clone())
            })
            .collect(),
        items: v
            .profile
            .net_asset_items
            .iter()
            .map(|(code, m)| {
                let name = NET_ASSET_ITEMS.iter().find(|i| i.0 == code).map(|i| lang.pick(i.1, i.2)).unwrap_or(code);
                (name.to_string(), m.display(lang))
            })
            .collect(),
        net_assets: v.profile.net_assets().map(|m| m.display(lang)).unwrap_or_default(),
        recorded: net_assets
            .iter()
            .find(|n| n.quarter_end == quarter)
            .map(|n| (n.quarter_end.to_string(), n.amount.display(lang))),
    }
}

const CAPITAL_FORM: &str = "save-capital";
const BUSINESS_FORM: &str = "save-business";

/// The company's page; with a version's form sent back, that form as typed with each field's message.
async fn company_page(ctx: &Ctx, state: &AppState, mut sent_back: Option<FormView>) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let store = &state.store;
    let today = store.clock().today();
    let all = store.company_profiles().await?;
    let in_force = store.company_profile_at(today).await?;
    let net_assets = store.net_assets().await?;
    let current = in_force.as_ref().map(|v| current_view(v, &net_assets, lang));
    let versions = all
        .iter()
        .rev()
        .map(|v| VersionLine {
            version: v.version,
            effective_from: v.effective_from.to_string(),
            summary: summary(&v.profile, lang),
            note: v.note.clone(),
            by: format!("{} {}", v.created_by, crate::view::when(v.created_at, lang)),
        })
        .collect();
    let (capital, business) = first_forms(all.last(), today, lang);
    let (capital, business) = (capital.unless(&mut sent_back), business.unless(&mut sent_back));
    let mut page = Page::new(ctx, state).await?;
    let refused = page.sent_back([&capital, &business]);
    render_form(
        &CompanyPage {
            title: page.t("company.title"),
            current,
            versions,
            can_capital: ctx.can(Permission::EditCompanyCapital),
            can_business: ctx.can(Permission::EditMainBusiness),
            capital,
            business,
            items: NET_ASSET_ITEMS.iter().map(|i| (format!("item/{}", i.0), lang.pick(i.1, i.2))).collect(),
            scope: BUSINESS_SCOPE.iter().map(|b| (b.0, lang.pick(b.1, b.2))).collect(),
            page,
        },
        refused,
    )
}

/// `GET /compliance/company`.
pub async fn show(ctx: Ctx, State(state): State<AppState>) -> Result<Response, AppError> {
    ctx.require(Permission::ViewComplianceBook)?;
    company_page(&ctx, &state, None).await
}

/// A save of one part of the company's profile as typed, on the page or in the API: `part`
/// capital (registered_capital, paid_in_capital, item/<code>, in 万元 unless suffixed 元) or
/// business (lines, "BS1 description" per line, as one text or a list), optional
/// effective_from and note.
#[derive(serde::Deserialize, serde::Serialize, Default)]
#[serde(default)]
pub struct CompanyForm {
    pub part: String,
    effective_from: Loose,
    note: Loose,
    registered_capital: Loose,
    paid_in_capital: Loose,
    lines: Loose,
    /// `item/<code>` of `NET_ASSET_ITEMS`, and anything else sent (not read).
    #[serde(flatten)]
    items: std::collections::BTreeMap<String, Loose>,
}

impl CompanyForm {
    /// The net-asset item `code` as typed.
    fn item(&self, code: &str) -> &str {
        self.items.get(&format!("item/{code}")).map(Loose::as_str).unwrap_or("")
    }

    /// The date the version takes effect (blank: `today`), the change and the note; or every
    /// field that cannot be read.
    pub fn parse(&self, today: NaiveDate) -> Result<(NaiveDate, ProfileChange, String), FieldErrors> {
        let mut e = FieldErrors::default();
        let effective_from =
            e.read("effective_from", &text("company.effective_from"), date_or(self.effective_from.as_str(), today));
        let change = match self.part.as_str() {
            "capital" => self.capital(&mut e),
            "business" => self.business(&mut e),
            other => {
                e.add("part", quoting(other, "form.bad_option"));
                None
            }
        };
        e.finish(|| Some((effective_from?, change?, self.note.as_str().trim().to_string())))
    }

    fn capital(&self, e: &mut FieldErrors) -> Option<ProfileChange> {
        let registered_capital =
            e.read("registered_capital", &text("company.registered"), amount(self.registered_capital.as_str()));
        let paid_in_capital =
            e.read("paid_in_capital", &text("company.paid_in"), amount(self.paid_in_capital.as_str()));
        let mut net_asset_items = Some(Vec::new());
        for (code, zh, en) in NET_ASSET_ITEMS {
            let typed = self.item(code);
            if is_blank(typed.trim()) {
                continue;
            }
            let item = e.read(format!("item/{code}"), &Text::fixed(zh, en), signed_amount(typed));
            net_asset_items = net_asset_items.zip(item).map(|(mut items, m)| {
                items.push((code.to_string(), m));
                items
            });
        }
        Some(ProfileChange::Capital {
            registered_capital: registered_capital?,
            paid_in_capital: paid_in_capital?,
            net_asset_items: net_asset_items?,
        })
    }

    fn business(&self, e: &mut FieldErrors) -> Option<ProfileChange> {
        let mut lines = Vec::new();
        for line in self.lines.as_str().lines().map(str::trim).filter(|l| !l.is_empty()) {
            let (code, description) = line.split_once([' ', '\t', '　']).unwrap_or((line, ""));
            lines.push(BusinessLine { code: code.trim().to_uppercase(), description: description.trim().to_string() });
        }
        if lines.is_empty() {
            e.add("lines", labelled(&text("company.main_business"), &text("form.required")));
            return None;
        }
        Some(ProfileChange::MainBusiness(lines))
    }
}

/// The permission a part needs.
pub fn part_permission(part: &str) -> Permission {
    if part == "capital" { Permission::EditCompanyCapital } else { Permission::EditMainBusiness }
}

/// Saves a version (a refusal of the store is `AppError::Refused`).
pub async fn save(
    ctx: &Ctx,
    state: &AppState,
    (effective_from, change, note): (NaiveDate, ProfileChange, String),
) -> Result<CompanyProfileVersion, AppError> {
    let user = ctx.require(match change {
        ProfileChange::Capital { .. } => Permission::EditCompanyCapital,
        ProfileChange::MainBusiness(_) => Permission::EditMainBusiness,
    })?;
    Ok(state.store.record_company_profile(&user.username, effective_from, change, &note).await?)
}

/// `POST /compliance/company`: a new version of one part (`part` = capital or business); what
/// cannot be read or is refused is shown beside the form, as typed.
pub async fn submit(
    Authorized(ctx, _, _): Authorized<perm::ViewComplianceBook>,
    State(state): State<AppState>,
    Submitted(form): Submitted<CompanyForm>,
) -> Result<Response, AppError> {
    ctx.require(part_permission(&form.part))?;
    let saved = async {
        let parsed = form.parse(state.store.clock().today()).map_err(AppError::Invalid)?;
        save(&ctx, &state, parsed).await?;
        Ok(Redirect::to("/compliance/company").into_response())
    }
    .await;
    let id = if form.part == "business" { BUSINESS_FORM } else { CAPITAL_FORM };
    super::or_refused(saved, ctx.lang, (id, &form), |form| company_page(&ctx, &state, Some(form))).await
}
