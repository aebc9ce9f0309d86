//! Case management for staff (issue 15): the list of cases — each with its stage, its next
//! deadline and that deadline's alert level, filtered by stage or by the user's own open tasks —,
//! the law firms and agencies engaged on their fee terms, a claim's cases on its page with the form
//! that opens one, and the alerts the dashboard shows. The views are the API's too
//! (`api::cases`); a case's own page is `case_page.rs`.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use huajie_cases::{AgencyKind, AlertLevel, Deadline, FeeField, FeeModel, FeeTerms, Stage, TaskStatus};
use huajie_core::mask::mask_person_name;
use huajie_core::{Lang, Money, PartyKind, Permission, Text};
use huajie_store::{AgencyInput, CaseAlert, CaseFile, CaseInput};
use serde::{Deserialize, Serialize};

use super::render_form;
use crate::AppState;
use crate::ctx::{Authorized, Ctx, perm};
use crate::error::AppError;
use crate::form::fields::{quoting, required, yuan};
use crate::form::{FieldErrors, FormView, Path, Query, Submitted};
use crate::i18n::{text, tr};
use crate::view::{Page, when};

pub const AGENCY_FORM: &str = "agency-add";
pub const OPEN_FORM: &str = "case-open";

/// The badge class of an alert level.
pub fn badge(level: AlertLevel) -> &'static str {
    match level {
        AlertLevel::Later => "pass",
        AlertLevel::Within90 | AlertLevel::Within30 => "amber",
        AlertLevel::Within7 | AlertLevel::Overdue => "red",
    }
}

/// A code among a `named_enum!`'s, by its code or either name.
pub fn named<E>(typed: &str, read: fn(&str) -> Option<E>) -> Result<E, Text> {
    let t = required(typed)?;
    read(&t).ok_or_else(|| quoting(&t, "form.bad_option"))
}

/// A deadline as read: raw values for the API, the days in words for the page.
#[derive(Serialize)]
pub struct DeadlineView {
    pub kind: &'static str,
    pub kind_name: &'static str,
    pub from: NaiveDate,
    pub counted: NaiveDate,
    pub last_day: NaiveDate,
    pub unchecked_year: Option<i32>,
    pub days_left: i64,
    pub level: &'static str,
    pub level_name: &'static str,
    pub source: String,
    #[serde(skip)]
    pub badge: &'static str,
    /// "还有 12 天", "已逾期 3 天", and the calendar's note when it could not check the day.
    #[serde(skip)]
    pub shown: [String; 2],
}

impl DeadlineView {
    pub fn of(d: &Deadline, lang: Lang) -> DeadlineView {
        let days = match d.days_left {
            0 => tr(lang, "cases.last_day_today").to_string(),
            n if n < 0 => tr(lang, "cases.days_overdue").replace("{n}", &(-n).to_string()),
            n => tr(lang, "cases.days_left").replace("{n}", &n.to_string()),
        };
        let unchecked = d
            .unchecked_year
            .map(|y| tr(lang, "cases.unchecked_year").replace("{year}", &y.to_string()))
            .unwrap_or_default();
        DeadlineView {
            kind: d.kind.code(),
            kind_name: d.kind.name(lang),
            from: d.from,
            counted: d.counted,
            last_day: d.last_day,
            unchecked_year: d.unchecked_year,
            days_left: d.days_left,
            level: d.level.code(),
            level_name: d.level.name(lang),
            source: d.source().get(lang).to_string(),
            badge: badge(d.level),
            shown: [days, unchecked],
        }
    }
}

/// A case in the list (and at the head of its page).
#[derive(Serialize)]
pub struct CaseRow {
    pub id: i64,
    pub claim_id: i64,
    pub package_id: i64,
    pub package_code: String,
    pub contract_no: String,
    /// The debtor's name; an individual's masked for a role without personal data.
    pub debtor: String,
    pub court: String,
    pub stage: Option<&'static str>,
    pub stage_name: String,
    pub agency: Option<String>,
    pub case_numbers: Vec<String>,
    pub next_deadline: Option<DeadlineView>,
    /// The most urgent level among its deadlines (`later` when none is near).
    pub level: &'static str,
    pub level_name: &'static str,
    pub open_tasks: usize,
    #[serde(skip)]
    pub badge: &'static str,
}

impl CaseRow {
    pub fn of(ctx: &Ctx, file: &CaseFile, deadlines: &[Deadline]) -> CaseRow {
        let lang = ctx.lang;
        let personal = file.claim.debtor_kind == PartyKind::Individual && !ctx.can(Permission::ViewPersonalData);
        let level = huajie_store::most_urgent(deadlines);
        CaseRow {
            id: file.case.id,
            claim_id: file.case.claim_id,
            package_id: file.claim.package_id,
            package_code: file.claim.package_code.clone(),
            contract_no: file.claim.contract_no.clone(),
            debtor: if personal { mask_person_name(&file.claim.debtor_name) } else { file.claim.debtor_name.clone() },
            court: file.case.court.clone(),
            stage: file.current().map(Stage::code),
            stage_name: file.current().map_or_else(|| tr(lang, "cases.no_stage").to_string(), |s| s.name(lang).into()),
            agency: file.agency.as_ref().map(|a| a.name.clone()),
            case_numbers: file.case_numbers().into_iter().map(String::from).collect(),
            next_deadline: deadlines.first().map(|d| DeadlineView::of(d, lang)),
            level: level.code(),
            level_name: level.name(lang),
            open_tasks: file.tasks.iter().filter(|t| t.status == TaskStatus::Open).count(),
            badge: badge(level),
        }
    }
}

/// Which cases the list shows: those at a stage (`none`: no stage yet), those with the user's
/// open tasks.
#[derive(Deserialize, Serialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    pub stage: String,
    #[serde(default)]
    pub mine: String,
}

/// Every case `q` asks for, by id, as `ctx`'s user reads them.
pub async fn rows(ctx: &Ctx, state: &AppState, q: &ListQuery) -> Result<Vec<CaseRow>, AppError> {
    let calendar = state.store.work_calendar().await?.calendar;
    let now = state.store.clock().now();
    let me = ctx.user().map(|u| u.username.clone()).unwrap_or_default();
    let stage = q.stage.trim();
    let mine = !q.mine.trim().is_empty();
    Ok(state
        .store
        .cases()
        .await?
        .iter()
        .filter(|f| match stage {
            "" => true,
            "none" => f.current().is_none(),
            code => f.current().is_some_and(|s| s.code() == code),
        })
        .filter(|f| !mine || f.tasks.iter().any(|t| t.status == TaskStatus::Open && t.assignee == me))
        .map(|f| CaseRow::of(ctx, f, &f.deadlines(&calendar, now)))
        .collect())
}

/// A firm as listed.
pub struct AgencyLine {
    pub name: String,
    pub kind: &'static str,
    pub terms: String,
}

#[derive(Template)]
#[template(path = "cases.html")]
struct CasesPage {
    page: Page,
    title: String,
    stages: Vec<(String, String)>,
    q: ListQuery,
    rows: Vec<CaseRow>,
    agencies: Vec<AgencyLine>,
    agency_form: Option<FormView>,
    kinds: Vec<(String, String)>,
    models: Vec<(String, String)>,
}

/// The options of a `named_enum!` as (code, name) pairs.
pub fn options<E: Copy>(
    all: &[E],
    code: fn(E) -> &'static str,
    name: fn(E, Lang) -> &'static str,
    lang: Lang,
) -> Vec<(String, String)> {
    all.iter().map(|e| (code(*e).to_string(), name(*e, lang).to_string())).collect()
}

async fn list_page(
    ctx: &Ctx,
    state: &AppState,
    q: ListQuery,
    sent_back: Option<FormView>,
) -> Result<Response, AppError> {
    ctx.require(Permission::ViewCases)?;
    let lang = ctx.lang;
    let rows = rows(ctx, state, &q).await?;
    let agencies = state.store.agencies().await?;
    let agencies = agencies
        .iter()
        .map(|a| AgencyLine { name: a.name.clone(), kind: a.kind.name(lang), terms: a.terms.describe(lang) })
        .collect();
    let mut sent_back = sent_back;
    let agency_form = ctx.can(Permission::ManageCases).then(|| FormView::new(AGENCY_FORM, lang).unless(&mut sent_back));
    let mut page = Page::new(ctx, state).await?;
    let refused = page.sent_back(agency_form.iter());
    let mut stages = vec![("none".to_string(), tr(lang, "cases.no_stage").to_string())];
    stages.extend(options(Stage::ALL, Stage::code, Stage::name, lang));
    let out = CasesPage {
        title: page.t("cases.title").to_string(),
        stages,
        q,
        rows,
        agencies,
        agency_form,
        kinds: options(AgencyKind::ALL, AgencyKind::code, AgencyKind::name, lang),
        models: options(FeeModel::ALL, FeeModel::code, FeeModel::name, lang),
        page,
    };
    render_form(&out, refused)
}

/// `GET /cases?stage=&mine=`.
pub async fn list(ctx: Ctx, State(state): State<AppState>, Query(q): Query<ListQuery>) -> Result<Response, AppError> {
    list_page(&ctx, &state, q, None).await
}

/// The firm form as typed: the fixed fee in 元, the share in percent.
#[derive(Deserialize, Serialize, Default)]
pub struct AgencyForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub fee_model: String,
    #[serde(default)]
    pub fixed: String,
    #[serde(default)]
    pub rate: String,
}

/// A percentage with at most two decimals, from 0 to 100, in basis points; blank is 0.
fn basis_points(typed: &str) -> Result<u32, Text> {
    let t = huajie_core::input::normalize(typed);
    let t = t.trim_end_matches('%').trim();
    if t.is_empty() {
        return Ok(0);
    }
    // The core's reader of numbers; at most two decimals of a percent (a whole basis point).
    let bp = huajie_core::input::parse_number(t).ok().map(|x| x * 100.0).filter(|bp| (bp - bp.round()).abs() < 1e-6);
    bp.filter(|bp| (0.0..=10_000.0).contains(bp))
        .map(|bp| bp.round() as u32)
        .ok_or_else(|| quoting(t, "cases.bad_rate"))
}

impl AgencyForm {
    fn parse(&self) -> Result<AgencyInput, FieldErrors> {
        let mut e = FieldErrors::default();
        let name = e.read("name", &text("cases.agency_name"), required(&self.name));
        let kind = e.read("kind", &text("cases.agency_kind"), named(&self.kind, AgencyKind::from_any_name));
        let model = e.read("fee_model", &text("cases.fee_model"), named(&self.fee_model, FeeModel::from_any_name));
        let fixed = if self.fixed.trim().is_empty() {
            Some(Money::ZERO)
        } else {
            e.read("fixed", &text("cases.fixed_fee"), yuan(&self.fixed))
        };
        let rate = e.read("rate", &text("cases.rate"), basis_points(&self.rate));
        let terms = match (model, fixed, rate) {
            (Some(m), Some(f), Some(r)) => match FeeTerms::new(m, f, r) {
                Ok(t) => Some(t),
                Err(problems) => {
                    for (field, t) in problems {
                        e.add(if field == FeeField::Fixed { "fixed" } else { "rate" }, t);
                    }
                    None
                }
            },
            _ => None,
        };
        e.finish(|| Some(AgencyInput { name: name?, kind: kind?, terms: terms? }))
    }
}

/// `POST /case-agencies`: the asset manager registers a firm on its fee terms.
pub async fn add_agency(
    Authorized(ctx, user, _): Authorized<perm::ManageCases>,
    State(state): State<AppState>,
    Submitted(form): Submitted<AgencyForm>,
) -> Result<Response, AppError> {
    let done = async {
        let input = form.parse().map_err(AppError::Invalid)?;
        state.store.add_agency(&user.username, &input).await?;
        Ok(Redirect::to("/cases#agencies").into_response())
    };
    super::or_refused(done.await, ctx.lang, (AGENCY_FORM, &form), |view| {
        list_page(&ctx, &state, ListQuery::default(), Some(view))
    })
    .await
}

/// What a claim's page shows of its cases: each as a row, and the form opening one.
pub struct ClaimCases {
    pub rows: Vec<CaseRow>,
    pub form: Option<FormView>,
    pub agencies: Vec<(String, String)>,
}

/// Claim `claim_id`'s cases for its page (nothing for a role that does not see cases).
pub async fn claim_cases(
    ctx: &Ctx,
    state: &AppState,
    claim_id: i64,
    sent_back: &mut Option<FormView>,
) -> Result<Option<ClaimCases>, AppError> {
    if !ctx.can(Permission::ViewCases) {
        return Ok(None);
    }
    let calendar = state.store.work_calendar().await?.calendar;
    let now = state.store.clock().now();
    let files = state.store.cases_of_claim(claim_id).await?;
    let rows = files.iter().map(|f| CaseRow::of(ctx, f, &f.deadlines(&calendar, now))).collect();
    let form = ctx.can(Permission::ManageCases).then(|| FormView::new(OPEN_FORM, ctx.lang).unless(sent_back));
    let agencies = state.store.agencies().await?.into_iter().map(|a| (a.id.to_string(), a.name)).collect();
    Ok(Some(ClaimCases { rows, form, agencies }))
}

/// The form opening a case: the court, the firm (by id; blank for none), a note.
#[derive(Deserialize, Serialize, Default)]
pub struct OpenForm {
    #[serde(default)]
    pub court: String,
    #[serde(default)]
    pub agency: String,
    #[serde(default)]
    pub note: String,
}

/// `POST /claims/{id}/cases`: opens a case on the claim and goes to it.
pub async fn open(
    Path(id): Path<i64>,
    Authorized(ctx, user, _): Authorized<perm::ManageCases>,
    State(state): State<AppState>,
    Submitted(form): Submitted<OpenForm>,
) -> Result<Response, AppError> {
    state.store.claim(id).await?.ok_or(AppError::NotFound)?;
    let done = async {
        let mut e = FieldErrors::default();
        let court = e.read("court", &text("cases.court"), required(&form.court));
        let agency = match form.agency.trim() {
            "" => Some(None),
            a => e.read(
                "agency",
                &text("cases.agency"),
                huajie_core::input::parse_int(a).map(Some).map_err(|_| quoting(a, "form.bad_option")),
            ),
        };
        let input = e
            .finish(|| {
                Some(CaseInput { claim_id: id, court: court?, agency_id: agency?, note: form.note.trim().to_string() })
            })
            .map_err(AppError::Invalid)?;
        let file = state.store.open_case(&user.username, &input).await?;
        Ok(Redirect::to(&format!("/cases/{}", file.case.id)).into_response())
    };
    super::or_refused(done.await, ctx.lang, (OPEN_FORM, &form), |view| {
        super::claims::claim_page(&ctx, &state, id, Some(view))
    })
    .await
}

/// An alert as the dashboard lists it.
pub struct AlertLine {
    pub case_id: i64,
    pub claim_id: i64,
    pub contract_no: String,
    pub court: String,
    pub deadline: DeadlineView,
}

/// The company's case alerts for the dashboard (none for a role that does not see cases).
pub async fn alerts(ctx: &Ctx, state: &AppState) -> Result<Option<Vec<AlertLine>>, AppError> {
    if !ctx.can(Permission::ViewCases) {
        return Ok(None);
    }
    let alerts: Vec<CaseAlert> = state.store.case_alerts().await?;
    Ok(Some(
        alerts
            .iter()
            .map(|a| AlertLine {
                case_id: a.case_id,
                claim_id: a.claim_id,
                contract_no: a.contract_no.clone(),
                court: a.court.clone(),
                deadline: DeadlineView::of(&a.deadline, ctx.lang),
            })
            .collect(),
    ))
}

/// When a record was made, and by whom.
pub fn by_at(by: &str, at: chrono::DateTime<chrono::Utc>, lang: Lang) -> String {
    format!("{by} · {}", when(at, lang))
}
