//! The assumption sets: the list, a set's parameters with source and confidence, a valuer's
//! edited copy saved as a new version, and retail curves estimated from an uploaded collections
//! history into a new version.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use huajie_core::{Lang, Permission, Text};
use huajie_store::AssumptionSet;
use huajie_value::Assumptions;
use huajie_value::params::{Confidence, catalogue, shown};
use serde::{Deserialize, Serialize};

use super::valuation::set_label;
use super::{render, render_form};
use crate::AppState;
use crate::ctx::{Authorized, Ctx, perm};
use crate::error::AppError;
use crate::form::{FieldErrors, FormView, Path, Submitted, Upload};
use crate::i18n::{self, tr};
use crate::view::Page;

pub struct SetLine {
    pub id: i64,
    pub name: String,
    pub version: i64,
    pub based_on: String,
    pub note: String,
    pub by: String,
    pub at: String,
    pub hash: String,
}

#[derive(Template)]
#[template(path = "assumptions.html")]
struct SetsPage {
    page: Page,
    title: &'static str,
    sets: Vec<SetLine>,
}

/// `GET /assumptions`: every set and version.
pub async fn sets(ctx: Ctx, State(state): State<AppState>) -> Result<Response, AppError> {
    ctx.require(Permission::ViewValuations)?;
    state.store.default_assumption_set().await?;
    let sets = state.store.assumption_sets().await?;
    let names: HashMap<i64, String> = sets.iter().map(|s| (s.id, set_label(s))).collect();
    let page = Page::new(&ctx, &state).await?;
    render(&SetsPage {
        title: page.t("assumptions.title"),
        sets: sets
            .iter()
            .map(|s| SetLine {
                id: s.id,
                name: s.name.clone(),
                version: s.version,
                based_on: s.based_on.and_then(|b| names.get(&b).cloned()).unwrap_or_else(|| "—".into()),
                note: s.note.clone(),
                by: s.created_by.clone(),
                at: crate::view::when(s.created_at, page.lang),
                hash: s.body_sha256[..12].to_string(),
            })
            .collect(),
        page,
    })
}

pub struct ParamLine {
    pub group: &'static str,
    pub new_group: bool,
    /// The field's key in the form: `p` and the catalogue's path.
    pub key: String,
    pub name: String,
    pub source: &'static str,
    pub confidence: &'static str,
    pub confidence_code: &'static str,
}

#[derive(Template)]
#[template(path = "assumption_set.html")]
struct SetPage {
    page: Page,
    title: String,
    set_id: i64,
    set_name: String,
    version: i64,
    hash: String,
    note: String,
    can_edit: bool,
    params: Vec<ParamLine>,
    /// The form saving the edited parameters (`edit-set`) and the curves' upload (`curves-form`).
    form: FormView,
    curves_form: FormView,
    used_by: Vec<(i64, String)>,
    /// The set's estimated retail curves.
    curves: Vec<CurveLine>,
    /// Problems of an uploaded collections history, by row.
    history_problems: Vec<String>,
}

fn confidence_name(c: Confidence, lang: Lang) -> &'static str {
    lang.pick(c.zh(), c.en())
}

const EDIT_FORM: &str = "edit-set";
const CURVES_FORM: &str = "curves-form";

/// A set's page; with a form sent back, that form as typed with each field's message (and the
/// problems of a collections history refused).
async fn set_page(
    ctx: &Ctx,
    state: &AppState,
    set: &AssumptionSet,
    mut sent_back: Option<FormView>,
    history_problems: Vec<String>,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let mut last_group = "";
    let mut form = FormView::new(EDIT_FORM, lang).with("name", set.name.clone());
    let mut params = Vec::new();
    for p in catalogue() {
        let group = lang.pick(p.group_zh, p.group_en);
        let new_group = group != last_group;
        last_group = group;
        let key = format!("p{}", p.path);
        form = form.with(key.clone(), shown(&set.assumptions, &p));
        params.push(ParamLine {
            group,
            new_group,
            key,
            name: if lang == Lang::Zh { p.zh.clone() } else { p.en.clone() },
            source: p.source,
            confidence: confidence_name(p.confidence, lang),
            confidence_code: p.confidence.code(),
        });
    }
    let form = form.unless(&mut sent_back);
    let curves_form = FormView::new(CURVES_FORM, lang).with("name", set.name.clone()).unless(&mut sent_back);
    let mut used_by = Vec::new();
    for package in state.store.packages().await? {
        for run in state.store.valuation_runs(package.package.id).await? {
            if run.assumption_set_id == set.id {
                used_by.push((run.id, format!("{} #{}", package.package.data.code, run.id)));
            }
        }
    }
    let mut page = Page::new(ctx, state).await?;
    let refused = page.sent_back([&form, &curves_form]);
    render_form(
        &SetPage {
            title: format!("{} · {}", page.t("assumptions.title"), set_label(set)),
            set_id: set.id,
            set_name: set.name.clone(),
            version: set.version,
            hash: set.body_sha256.clone(),
            note: set.note.clone(),
            can_edit: ctx.can(Permission::EditAssumptions),
            params,
            form,
            curves_form,
            used_by,
            curves: curve_lines(&set.assumptions, lang),
            history_problems,
            page,
        },
        refused,
    )
}

/// An estimated retail curve as shown: segment, claims, vintages, CRR at 12, 24 and 36 months.
pub type CurveLine = (String, u64, u32, String, String, String);

/// The estimated retail curves of `assumptions` (a set's, or what an estimate would make of it).
pub fn curve_lines(assumptions: &Assumptions, lang: Lang) -> Vec<CurveLine> {
    assumptions
        .retail
        .curves
        .iter()
        .map(|c| {
            let at = |m: usize| format!("{:.2}%", c.crr.get(m - 1).copied().unwrap_or(0.0) * 100.0);
            let label = huajie_value::retail::segment_label(
                &c.product,
                c.dpd_bucket,
                c.balance_bucket,
                c.litigated,
                lang == Lang::Zh,
            );
            (label, c.claims, c.vintages, at(12), at(24), at(36))
        })
        .collect()
}

/// `GET /assumptions/{id}`: a set's parameters with source and confidence.
pub async fn set(ctx: Ctx, State(state): State<AppState>, Path(id): Path<i64>) -> Result<Response, AppError> {
    ctx.require(Permission::ViewValuations)?;
    let set = state.store.assumption_set(id).await?.ok_or(AppError::NotFound)?;
    set_page(&ctx, &state, &set, None, Vec::new()).await
}

/// An assumption set's form as typed: its name, a note, and each parameter by its path
/// (`p/<path>` in the catalogue).
#[derive(Deserialize, Serialize, Default)]
pub struct AssumptionsForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    note: String,
    #[serde(flatten)]
    params: std::collections::BTreeMap<String, String>,
}

impl AssumptionsForm {
    /// The new version of `base`: its name, note and parameters; or every field that cannot be
    /// read or is out of range, each parameter by its key (`p/<path>`), or (the form as a whole)
    /// that nothing was changed.
    fn parse(&self, base: &AssumptionSet) -> Result<(String, String, Assumptions), FieldErrors> {
        let mut e = FieldErrors::default();
        let mut edited = base.assumptions.clone();
        for p in catalogue() {
            let key = format!("p{}", p.path);
            let Some(typed) = self.params.get(&key) else { continue };
            if typed.trim() == shown(&edited, &p) {
                continue;
            }
            let set = huajie_value::params::set(&edited, &p.path, typed)
                .map_err(|m| Text::new(m.message(Lang::Zh), m.message(Lang::En)));
            edited = e.check(key, set).unwrap_or(edited);
        }
        let name = e.check("name", required_name(&self.name));
        if e.is_empty() && edited == base.assumptions && name.as_deref() == Some(base.name.as_str()) {
            e = FieldErrors::whole(i18n::text("assumptions.unchanged"));
        }
        e.finish(|| Some((name?, self.note.trim().to_string(), edited)))
    }
}

/// A set's name: required.
pub fn required_name(typed: &str) -> Result<String, Text> {
    Some(typed.trim()).filter(|n| !n.is_empty()).map(str::to_string).ok_or(i18n::text("assumptions.need_name"))
}

/// `POST /assumptions/{id}`: saves the edited parameters as a new version (a new name
/// starts at version 1). Nothing is saved while any field is wrong.
pub async fn save_set(
    Path(id): Path<i64>,
    Authorized(ctx, user, _): Authorized<perm::EditAssumptions>,
    State(state): State<AppState>,
    Submitted(fields): Submitted<AssumptionsForm>,
) -> Result<Response, AppError> {
    let base = state.store.assumption_set(id).await?.ok_or(AppError::NotFound)?;
    let saved = async {
        let (name, note, edited) = fields.parse(&base).map_err(AppError::Invalid)?;
        let saved = state.store.record_assumption_set(&user.username, &name, Some(base.id), &edited, &note).await?;
        Ok(Redirect::to(&format!("/assumptions/{}", saved.id)).into_response())
    };
    let page = |form| set_page(&ctx, &state, &base, Some(form), Vec::new());
    super::or_refused(saved.await, ctx.lang, (EDIT_FORM, &fields), page).await
}

/// The curves' upload form (besides its file): the new set's name and a note.
#[derive(Deserialize, Serialize)]
pub struct CurvesForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    note: String,
}

/// `POST /assumptions/{id}/curves` (multipart: `file`, `name`, `note`, `csrf`): retail curves
/// estimated from an uploaded collections history, saved as a new version of a set. A
/// history with any problem is refused whole, its problems listed by row.
pub async fn upload_curves(
    Path(id): Path<i64>,
    Authorized(ctx, user, _): Authorized<perm::EditAssumptions>,
    State(state): State<AppState>,
    Upload { form, file }: Upload<CurvesForm>,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let base = state.store.assumption_set(id).await?.ok_or(AppError::NotFound)?;
    let mut e = FieldErrors::default();
    let name = e.check("name", required_name(&form.name));
    let history = huajie_tape::history::read_history(&file.bytes[..]);
    let listed: Vec<String> = match &history {
        Ok(_) => Vec::new(),
        Err(problems) => {
            e.add("", i18n::text("curves.refused"));
            let row = |n: usize| tr(lang, "curves.row").replace("{n}", &n.to_string());
            problems
                .iter()
                .take(30)
                .map(|p| format!("{}：{}", row(p.row), if lang == Lang::Zh { &p.zh } else { &p.en }))
                .collect()
        }
    };
    let (Some(name), Ok(history)) = (name, history) else {
        let sent_back = FormView::sent_back(CURVES_FORM, lang, &form, &e);
        return set_page(&ctx, &state, &base, Some(sent_back), listed).await;
    };
    let estimated = huajie_store::with_estimated_curves(&base.assumptions, &history);
    let note = match form.note.trim() {
        "" => format!("{} {}", tr(lang, "curves.note"), estimated.retail.curves.len()),
        note => note.to_string(),
    };
    let saved = state.store.record_assumption_set(&user.username, &name, Some(base.id), &estimated, &note).await?;
    Ok(Redirect::to(&format!("/assumptions/{}", saved.id)).into_response())
}
