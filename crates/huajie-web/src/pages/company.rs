//! The company's own profile: its capital and the items behind its net assets (kept by
//! finance) and its main-business lines (kept by risk), each save a new version in force from
//! its date, with the history of every version. Read by the book's readers.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use huajie_core::company::{BUSINESS_SCOPE, BusinessLine, CompanyProfile, NET_ASSET_ITEMS};
use huajie_core::{Lang, Money, Permission};
use huajie_store::{CompanyProfileVersion, ProfileChange};
use huajie_tape::AmountUnit;
use huajie_tape::coerce::{CoerceError, is_blank, parse_date, parse_money_exact};

use super::render_form;
use crate::AppState;
use crate::ctx::{Authorized, Ctx, perm};
use crate::error::AppError;
use crate::form::{Loose, Submitted};
use crate::i18n::tr;
use crate::view::Page;

type Fields = HashMap<String, String>;

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
    error: Option<String>,
    values: Fields,
    items: Vec<(&'static str, &'static str)>,
    scope: Vec<(&'static str, &'static str)>,
    today: String,
}

impl CompanyPage {
    fn value(&self, key: &str) -> String {
        self.values.get(key).cloned().unwrap_or_default()
    }
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

/// The profile's values as the forms show them, for a new version based on it.
fn form_values(v: Option<&CompanyProfileVersion>) -> Fields {
    let mut out = Fields::new();
    if let Some(v) = v {
        out.insert("registered_capital".into(), wan(v.profile.registered_capital));
        out.insert("paid_in_capital".into(), wan(v.profile.paid_in_capital));
        for (code, amount) in &v.profile.net_asset_items {
            out.insert(format!("item/{code}"), wan(*amount));
        }
        let lines: Vec<String> =
            v.profile.main_business.iter().map(|l| format!("{} {}", l.code, l.description)).collect();
        out.insert("lines".into(), lines.join("\n"));
    }
    out
}

async fn company_page(
    ctx: &Ctx,
    state: &AppState,
    error: Option<String>,
    values: Option<Fields>,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let store = &state.store;
    let today = store.clock().today();
    let all = store.company_profiles().await?;
    let in_force = store.company_profile_at(today).await?;
    let net_assets = store.net_assets().await?;
    let current = in_force.as_ref().map(|v| {
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
                    let scope =
                        BUSINESS_SCOPE.iter().find(|b| b.0 == l.code).map(|b| lang.pick(b.1, b.2)).unwrap_or("");
                    (format!("{} {scope}", l.code), l.description.clone())
                })
                .collect(),
            items: v
                .profile
                .net_asset_items
                .iter()
                .map(|(code, m)| {
                    let name =
                        NET_ASSET_ITEMS.iter().find(|i| i.0 == code).map(|i| lang.pick(i.1, i.2)).unwrap_or(code);
                    (name.to_string(), m.display(lang))
                })
                .collect(),
            net_assets: v.profile.net_assets().map(|m| m.display(lang)).unwrap_or_default(),
            recorded: net_assets
                .iter()
                .find(|n| n.quarter_end == quarter)
                .map(|n| (n.quarter_end.to_string(), n.amount.display(lang))),
        }
    });
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
    let refused = error.is_some();
    let values = values.unwrap_or_else(|| form_values(all.last()));
    let page = Page::new(ctx, state).await?;
    render_form(
        &CompanyPage {
            title: page.t("company.title"),
            current,
            versions,
            can_capital: ctx.can(Permission::EditCompanyCapital),
            can_business: ctx.can(Permission::EditMainBusiness),
            error,
            values,
            items: NET_ASSET_ITEMS.iter().map(|i| (i.0, lang.pick(i.1, i.2))).collect(),
            scope: BUSINESS_SCOPE.iter().map(|b| (b.0, lang.pick(b.1, b.2))).collect(),
            today: today.to_string(),
            page,
        },
        refused,
    )
}

/// `GET /compliance/company`.
pub async fn show(ctx: Ctx, State(state): State<AppState>) -> Result<Response, AppError> {
    ctx.require(Permission::ViewComplianceBook)?;
    company_page(&ctx, &state, None, None).await
}

/// An amount in 万元 (元 when suffixed), kept to the fen; `Err` names the field.
fn amount(lang: Lang, label: &str, text: &str, negative: bool) -> Result<Money, String> {
    match parse_money_exact(text, AmountUnit::Wan) {
        Ok(m) if negative || m.fen() >= 0 => Ok(m),
        Err(CoerceError::FractionOfFen) => Err(format!("{label}：“{text}” {}", tr(lang, "checks.fraction_of_fen"))),
        _ => Err(format!("{label}：“{text}” {}", tr(lang, "company.bad_amount"))),
    }
}

/// A save of one part of the company's profile as typed, on the page or in the API: `part`
/// capital (registered_capital, paid_in_capital, item/<code>, in 万元 unless suffixed 元) or
/// business (lines, "BS1 description" per line, as one text or a list), optional
/// effective_from and note.
#[derive(serde::Deserialize, Default)]
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

    /// The form's values as the page shows them.
    fn shown(&self) -> Fields {
        let mut out: Fields =
            NET_ASSET_ITEMS.iter().map(|(code, _, _)| (format!("item/{code}"), self.item(code).to_string())).collect();
        for (key, value) in [
            ("part", self.part.as_str()),
            ("effective_from", self.effective_from.as_str()),
            ("note", self.note.as_str()),
            ("registered_capital", self.registered_capital.as_str()),
            ("paid_in_capital", self.paid_in_capital.as_str()),
            ("lines", self.lines.as_str()),
        ] {
            out.insert(key.to_string(), value.to_string());
        }
        out
    }

    /// The date the version takes effect (blank: `today`), the change and the note; or every
    /// field that cannot be read, named in `lang`.
    pub fn parse(&self, lang: Lang, today: NaiveDate) -> Result<(NaiveDate, ProfileChange, String), Vec<String>> {
        let t = self.effective_from.as_str().trim();
        let effective_from = if t.is_empty() {
            Ok(today)
        } else {
            parse_date(t)
                .map_err(|_| format!("{}：“{t}” {}", tr(lang, "company.effective_from"), tr(lang, "checks.bad_date")))
        };
        match (effective_from, read_change(lang, self)) {
            (Ok(date), Ok(change)) => Ok((date, change, self.note.as_str().to_string())),
            (date, change) => Err(date.err().into_iter().chain(change.err().unwrap_or_default()).collect()),
        }
    }
}

/// Reads a save of one part of the profile: `Err` lists what is wrong.
fn read_change(lang: Lang, form: &CompanyForm) -> Result<ProfileChange, Vec<String>> {
    let mut problems = Vec::new();
    let change = match form.part.as_str() {
        "capital" => {
            let mut money = |typed: &Loose, label: &'static str, negative: bool| -> Money {
                let t = typed.as_str().trim();
                if is_blank(t) {
                    problems.push(format!("{}：{}", tr(lang, label), tr(lang, "checks.required")));
                    return Money::ZERO;
                }
                amount(lang, tr(lang, label), t, negative).unwrap_or_else(|m| {
                    problems.push(m);
                    Money::ZERO
                })
            };
            let registered_capital = money(&form.registered_capital, "company.registered", false);
            let paid_in_capital = money(&form.paid_in_capital, "company.paid_in", false);
            let mut net_asset_items = Vec::new();
            for (code, zh, en) in NET_ASSET_ITEMS {
                let t = form.item(code).trim();
                if is_blank(t) {
                    continue;
                }
                match amount(lang, lang.pick(zh, en), t, true) {
                    Ok(m) => net_asset_items.push((code.to_string(), m)),
                    Err(m) => problems.push(m),
                }
            }
            ProfileChange::Capital { registered_capital, paid_in_capital, net_asset_items }
        }
        "business" => {
            let mut lines = Vec::new();
            for line in form.lines.as_str().lines().map(str::trim).filter(|l| !l.is_empty()) {
                let (code, description) = line.split_once([' ', '\t', '　']).unwrap_or((line, ""));
                lines.push(BusinessLine {
                    code: code.trim().to_uppercase(),
                    description: description.trim().to_string(),
                });
            }
            if lines.is_empty() {
                problems.push(format!("{}：{}", tr(lang, "company.main_business"), tr(lang, "checks.required")));
            }
            ProfileChange::MainBusiness(lines)
        }
        _ => {
            problems.push(format!("part: {}", tr(lang, "checks.bad_option")));
            ProfileChange::MainBusiness(Vec::new())
        }
    };
    if problems.is_empty() { Ok(change) } else { Err(problems) }
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
    let lang = ctx.lang;
    let saved = async {
        let parsed = form
            .parse(lang, state.store.clock().today())
            .map_err(|problems| AppError::BadRequest(problems.join("；")))?;
        save(&ctx, &state, parsed).await?;
        Ok(Redirect::to("/compliance/company").into_response())
    }
    .await;
    super::or_refused(saved, lang, |message| company_page(&ctx, &state, Some(message), Some(form.shown()))).await
}
