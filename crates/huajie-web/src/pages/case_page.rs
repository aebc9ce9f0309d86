//! A case's page (issue 15): the claim, the court and the firm with its fee terms, the case
//! numbers, the deadlines with their alert levels and legal sources, the stages as a timeline, the
//! interruptions of the limitation period and the tasks; for the asset manager, the forms that
//! record a stage (only those that may follow the last are offered; the store asks
//! `huajie_cases::check_next` again), an interruption, a task, withdraw the latest standing stage
//! with a reason (a withdrawn stage stays on the timeline, struck through, with who, when and
//! why); for the task's assignee and the asset manager, mark it done. The views are the API's too
//! (`api::cases`).

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use huajie_cases::{CaseNumber, InterruptionKind, Stage, Task, TaskStatus};
use huajie_core::{Lang, Permission};
use huajie_store::{InterruptionInput, InterruptionRecord, StageInput, StageRecord, TaskRecord, WithdrawalRecord};
use serde::{Deserialize, Serialize};

use super::cases::{CaseRow, DeadlineView, badge, by_at, named, options};
use super::render_form;
use crate::AppState;
use crate::ctx::{Authorized, Ctx, perm};
use crate::error::AppError;
use crate::form::fields::{date, required};
use crate::form::{Confirmed, FieldErrors, FormView, Path, Submitted};
use crate::i18n::text;
use crate::pages::lots::rfc3339;
use crate::view::Page;

pub const STAGE_FORM: &str = "case-stage";
pub const INTERRUPTION_FORM: &str = "case-interruption";
pub const TASK_FORM: &str = "case-task";
pub const DONE_FORM: &str = "task-done";
pub const WITHDRAW_FORM: &str = "stage-withdraw";

/// A stage's withdrawal: why, who, when.
#[derive(Serialize)]
pub struct WithdrawnView {
    pub reason: String,
    pub withdrawn_by: String,
    pub withdrawn_at: String,
    #[serde(skip)]
    pub shown_by: String,
}

/// A stage as recorded.
#[derive(Serialize)]
pub struct StageView {
    pub id: i64,
    pub seq: i64,
    pub stage: &'static str,
    pub stage_name: &'static str,
    pub phase_name: &'static str,
    pub on: NaiveDate,
    pub case_no: Option<String>,
    pub note: String,
    pub recorded_by: String,
    pub recorded_at: String,
    /// Set when the stage was withdrawn (recorded by mistake): the case reads without it.
    pub withdrawn: Option<WithdrawnView>,
    #[serde(skip)]
    pub shown_by: String,
}

impl StageView {
    pub fn of(s: &StageRecord, withdrawal: Option<&WithdrawalRecord>, lang: Lang) -> StageView {
        StageView {
            id: s.id,
            seq: s.seq,
            stage: s.stage.code(),
            stage_name: s.stage.name(lang),
            phase_name: s.stage.phase().name(lang),
            on: s.on,
            case_no: s.case_no.clone(),
            note: s.note.clone(),
            recorded_by: s.recorded_by.clone(),
            recorded_at: rfc3339(s.recorded_at),
            withdrawn: withdrawal.map(|w| WithdrawnView {
                reason: w.reason.clone(),
                withdrawn_by: w.withdrawn_by.clone(),
                withdrawn_at: rfc3339(w.withdrawn_at),
                shown_by: by_at(&w.withdrawn_by, w.withdrawn_at, lang),
            }),
            shown_by: by_at(&s.recorded_by, s.recorded_at, lang),
        }
    }
}

/// An interruption as recorded.
#[derive(Serialize)]
pub struct InterruptionView {
    pub id: i64,
    pub kind: &'static str,
    pub kind_name: &'static str,
    pub on: NaiveDate,
    pub note: String,
    pub recorded_by: String,
    #[serde(skip)]
    pub shown_by: String,
}

impl InterruptionView {
    fn of(i: &InterruptionRecord, lang: Lang) -> InterruptionView {
        InterruptionView {
            id: i.id,
            kind: i.kind.code(),
            kind_name: i.kind.name(lang),
            on: i.on,
            note: i.note.clone(),
            recorded_by: i.recorded_by.clone(),
            shown_by: by_at(&i.recorded_by, i.recorded_at, lang),
        }
    }
}

/// A task as read: its alert level as of today while open.
#[derive(Serialize)]
pub struct TaskView {
    pub id: i64,
    pub title: String,
    pub due_on: NaiveDate,
    pub assignee: String,
    /// The assignee's name and username, as the page shows them.
    #[serde(skip)]
    pub assignee_name: String,
    pub status: &'static str,
    pub status_name: &'static str,
    pub level: &'static str,
    pub level_name: &'static str,
    pub done_by: Option<String>,
    pub done_at: Option<String>,
    #[serde(skip)]
    pub badge: &'static str,
    #[serde(skip)]
    pub shown_done: String,
}

impl TaskView {
    pub fn of(t: &TaskRecord, today: NaiveDate, lang: Lang) -> TaskView {
        let task = Task { title: t.title.clone(), due_on: t.due_on, assignee: t.assignee.clone(), status: t.status };
        let level = task.level(today);
        TaskView {
            id: t.id,
            title: t.title.clone(),
            due_on: t.due_on,
            assignee: t.assignee.clone(),
            assignee_name: t.assignee.clone(),
            status: t.status.code(),
            status_name: t.status.name(lang),
            level: level.code(),
            level_name: level.name(lang),
            done_by: t.done_by.clone(),
            done_at: t.done_at.map(rfc3339),
            badge: badge(level),
            shown_done: match (&t.done_by, t.done_at) {
                (Some(by), Some(at)) => by_at(by, at, lang),
                _ => String::new(),
            },
        }
    }
}

/// The firm's fee terms.
#[derive(Serialize)]
pub struct FeeView {
    pub agency_id: i64,
    pub agency_kind: &'static str,
    pub model: &'static str,
    pub fixed_fen: i64,
    pub rate_bp: u32,
    pub described: String,
}

/// A case with everything recorded on it, as staff read it.
#[derive(Serialize)]
pub struct CaseDetail {
    #[serde(flatten)]
    pub row: CaseRow,
    pub fee: Option<FeeView>,
    pub note: String,
    pub opened_on: NaiveDate,
    pub opened_by: String,
    pub deadlines: Vec<DeadlineView>,
    pub stages: Vec<StageView>,
    pub interruptions: Vec<InterruptionView>,
    pub tasks: Vec<TaskView>,
    /// The stages that may be recorded next.
    pub next_stages: Vec<&'static str>,
    /// The stage that may be withdrawn: the latest standing (`huajie_cases::check_withdrawal`).
    pub withdrawable: Option<i64>,
}

/// Case `id` as `ctx`'s user reads it.
pub async fn detail(ctx: &Ctx, state: &AppState, id: i64) -> Result<CaseDetail, AppError> {
    let lang = ctx.lang;
    let file = state.store.case_file(id).await?.ok_or(AppError::NotFound)?;
    let calendar = state.store.work_calendar().await?.calendar;
    let now = state.store.clock().now();
    let today = state.store.clock().today();
    let deadlines = file.deadlines(&calendar, now);
    let next = file.current().map_or_else(|| Stage::FIRST.to_vec(), Stage::successors);
    Ok(CaseDetail {
        row: CaseRow::of(ctx, &file, &deadlines),
        fee: file.agency.as_ref().map(|a| FeeView {
            agency_id: a.id,
            agency_kind: a.kind.code(),
            model: a.terms.model.code(),
            fixed_fen: a.terms.fixed.fen(),
            rate_bp: a.terms.rate_bp,
            described: a.terms.describe(lang),
        }),
        note: file.case.note.clone(),
        opened_on: file.case.opened_on,
        opened_by: file.case.opened_by.clone(),
        deadlines: deadlines.iter().map(|d| DeadlineView::of(d, lang)).collect(),
        stages: file.stages.iter().map(|s| StageView::of(s, file.withdrawal_of(s.id), lang)).collect(),
        interruptions: file.interruptions.iter().map(|i| InterruptionView::of(i, lang)).collect(),
        tasks: file.tasks.iter().map(|t| TaskView::of(t, today, lang)).collect(),
        next_stages: next.into_iter().map(Stage::code).collect(),
        withdrawable: file.standing().next_back().map(|s| s.id),
    })
}

#[derive(Template)]
#[template(path = "case.html")]
struct CasePage {
    page: Page,
    title: String,
    c: CaseDetail,
    can_manage: bool,
    /// The user's name: an open task assigned to them shows its done button.
    me: String,
    stage_form: FormView,
    withdraw_form: FormView,
    next_stages: Vec<(String, String)>,
    interruption_form: FormView,
    kinds: Vec<(String, String)>,
    task_form: FormView,
    assignees: Vec<(String, String)>,
}

/// Case `id`'s page; `sent_back` one of its forms refused.
pub async fn page(ctx: &Ctx, state: &AppState, id: i64, mut sent_back: Option<FormView>) -> Result<Response, AppError> {
    ctx.require(Permission::ViewCases)?;
    let lang = ctx.lang;
    let mut c = detail(ctx, state, id).await?;
    let today = state.store.clock().today().to_string();
    let stage_form = FormView::new(STAGE_FORM, lang).with("on", today.clone()).unless(&mut sent_back);
    let interruption_form = FormView::new(INTERRUPTION_FORM, lang).with("on", today).unless(&mut sent_back);
    let me = ctx.user().map(|u| u.username.clone()).unwrap_or_default();
    let task_form = FormView::new(TASK_FORM, lang).with("assignee", me).unless(&mut sent_back);
    let done_form = FormView::new(DONE_FORM, lang).unless(&mut sent_back);
    let withdraw_form = FormView::new(WITHDRAW_FORM, lang).unless(&mut sent_back);
    let mut page = Page::new(ctx, state).await?;
    let refused = page.sent_back([&stage_form, &interruption_form, &task_form, &done_form, &withdraw_form]);
    let next_stages = c
        .next_stages
        .iter()
        .filter_map(|code| Stage::from_code(code))
        .map(|s| (s.code().to_string(), s.name(lang).to_string()))
        .collect();
    let assignees = state
        .store
        .users()
        .await?
        .into_iter()
        .filter(|u| u.active && u.role.can(Permission::ViewCases))
        .map(|u| (u.username.clone(), format!("{}（{}）", u.display_name, u.username)))
        .collect::<Vec<_>>();
    for t in &mut c.tasks {
        if let Some((_, name)) = assignees.iter().find(|(username, _)| *username == t.assignee) {
            t.assignee_name = name.clone();
        }
    }
    let out = CasePage {
        title: format!("{} #{id} · {}", page.t("cases.case"), c.row.contract_no),
        can_manage: ctx.can(Permission::ManageCases),
        me: ctx.user().map(|u| u.username.clone()).unwrap_or_default(),
        c,
        stage_form,
        withdraw_form,
        next_stages,
        interruption_form,
        kinds: options(InterruptionKind::ALL, InterruptionKind::code, InterruptionKind::name, lang),
        task_form,
        assignees,
        page,
    };
    render_form(&out, refused)
}

/// `GET /cases/{id}`.
pub async fn show(ctx: Ctx, State(state): State<AppState>, Path(id): Path<i64>) -> Result<Response, AppError> {
    page(&ctx, &state, id, None).await
}

/// A stage as typed (the page's form and the API's body alike).
#[derive(Deserialize, Serialize, Default)]
pub struct StageForm {
    #[serde(default)]
    pub stage: String,
    #[serde(default)]
    pub on: String,
    #[serde(default)]
    pub case_no: String,
    #[serde(default)]
    pub note: String,
}

impl StageForm {
    pub fn parse(&self) -> Result<StageInput, FieldErrors> {
        let mut e = FieldErrors::default();
        let stage = e.read("stage", &text("cases.stage_of"), named(&self.stage, Stage::from_any_name));
        let on = e.read("on", &text("cases.on"), date(&self.on));
        let case_no = match self.case_no.trim() {
            "" => Some(None),
            n => e.check("case_no", CaseNumber::parse(n).map(Some)),
        };
        if let (Some(s), Some(Some(n))) = (stage, &case_no) {
            e.check("case_no", huajie_cases::fits(s, n));
        }
        e.finish(|| Some(StageInput { stage: stage?, on: on?, case_no: case_no?, note: self.note.trim().to_string() }))
    }
}

/// An interruption as typed.
#[derive(Deserialize, Serialize, Default)]
pub struct InterruptionForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub on: String,
    #[serde(default)]
    pub note: String,
}

/// A task as typed (the page's form and the API's body alike).
#[derive(Deserialize, Serialize, Default)]
pub struct TaskForm {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub due_on: String,
    #[serde(default)]
    pub assignee: String,
}

impl TaskForm {
    pub fn parse(&self) -> Result<Task, FieldErrors> {
        let mut e = FieldErrors::default();
        let due = e.read("due_on", &text("cases.due_on"), date(&self.due_on));
        let assignee = e.read("assignee", &text("cases.assignee"), required(&self.assignee));
        let task = match (due, &assignee) {
            (Some(d), Some(a)) => e.read("title", &text("cases.task_title"), Task::new(&self.title, d, a)),
            _ => None,
        };
        e.finish(|| task)
    }
}

/// `POST /cases/{id}/stages`.
pub async fn record_stage(
    Path(id): Path<i64>,
    Authorized(ctx, user, _): Authorized<perm::ManageCases>,
    State(state): State<AppState>,
    Submitted(form): Submitted<StageForm>,
) -> Result<Response, AppError> {
    let done = async {
        let input = form.parse().map_err(AppError::Invalid)?;
        stage_may_follow(&state, id, &input).await?;
        state.store.record_stage(&user.username, id, &input).await?;
        Ok(Redirect::to(&format!("/cases/{id}#stages")).into_response())
    };
    super::or_refused(done.await, ctx.lang, (STAGE_FORM, &form), |view| page(&ctx, &state, id, Some(view))).await
}

/// `huajie_cases::check_next` asked on the case as it stands, its refusal put beside its field:
/// a stage that cannot follow the last beside the stage, a date out of order beside the date
/// (the store asks again inside its transaction).
async fn stage_may_follow(state: &AppState, id: i64, input: &StageInput) -> Result<(), AppError> {
    let file = state.store.case_file(id).await?.ok_or(AppError::NotFound)?;
    let events = file.events();
    let today = state.store.clock().today();
    huajie_cases::check_next(&events, input.stage, input.on, today).map_err(|why| {
        let follows = Stage::may_follow(events.last().map(|e| e.stage), input.stage);
        let mut e = FieldErrors::default();
        e.add(if follows { "on" } else { "stage" }, why);
        AppError::Invalid(e)
    })
}

/// `POST /cases/{id}/interruptions`.
pub async fn record_interruption(
    Path(id): Path<i64>,
    Authorized(ctx, user, _): Authorized<perm::ManageCases>,
    State(state): State<AppState>,
    Submitted(form): Submitted<InterruptionForm>,
) -> Result<Response, AppError> {
    let done = async {
        let mut e = FieldErrors::default();
        let kind = e.read("kind", &text("cases.interruption_kind"), named(&form.kind, InterruptionKind::from_any_name));
        let on = e.read("on", &text("cases.on"), date(&form.on));
        let input = e
            .finish(|| Some(InterruptionInput { kind: kind?, on: on?, note: form.note.trim().to_string() }))
            .map_err(AppError::Invalid)?;
        state.store.record_interruption(&user.username, id, &input).await?;
        Ok(Redirect::to(&format!("/cases/{id}#interruptions")).into_response())
    };
    super::or_refused(done.await, ctx.lang, (INTERRUPTION_FORM, &form), |view| page(&ctx, &state, id, Some(view))).await
}

/// `POST /cases/{id}/tasks`.
pub async fn add_task(
    Path(id): Path<i64>,
    Authorized(ctx, user, _): Authorized<perm::ManageCases>,
    State(state): State<AppState>,
    Submitted(form): Submitted<TaskForm>,
) -> Result<Response, AppError> {
    let done = async {
        let task = form.parse().map_err(AppError::Invalid)?;
        state.store.add_task(&user.username, id, &task).await?;
        Ok(Redirect::to(&format!("/cases/{id}#tasks")).into_response())
    };
    super::or_refused(done.await, ctx.lang, (TASK_FORM, &form), |view| page(&ctx, &state, id, Some(view))).await
}

/// `POST /tasks/{id}/done`: the task marked done (once), by its assignee (any staff role that
/// sees cases) or an asset manager; anyone else 403 (the store asks `Task::may_complete` again).
pub async fn complete_task(
    Path(id): Path<i64>,
    Authorized(ctx, user, _): Authorized<perm::ViewCases>,
    State(state): State<AppState>,
    Submitted(form): Submitted<Confirmed>,
) -> Result<Response, AppError> {
    let files = state.store.cases().await?;
    let (case_id, task) = files
        .iter()
        .find_map(|f| f.tasks.iter().find(|t| t.id == id).map(|t| (f.case.id, t)))
        .ok_or(AppError::NotFound)?;
    if task.task().may_complete(&user.username, ctx.can(Permission::ManageCases)).is_err() {
        return Err(AppError::Forbidden);
    }
    let done = async {
        let task = state.store.complete_task(&user.username, id).await?;
        debug_assert_eq!(task.status, TaskStatus::Done);
        Ok(Redirect::to(&format!("/cases/{case_id}#tasks")).into_response())
    };
    super::or_refused(done.await, ctx.lang, (DONE_FORM, &form), |view| page(&ctx, &state, case_id, Some(view))).await
}

/// The withdrawal as typed: why the stage was recorded by mistake.
#[derive(Deserialize, Serialize, Default)]
pub struct WithdrawForm {
    #[serde(default)]
    pub reason: String,
}

/// `POST /cases/{id}/stages/{stage}/withdraw`: the stage withdrawn with the reason (the latest
/// standing only; `huajie_cases::check_withdrawal`'s refusal beside the reason, what was typed
/// kept).
pub async fn withdraw_stage(
    Authorized(ctx, user, _): Authorized<perm::ManageCases>,
    Path((id, stage)): Path<(i64, i64)>,
    State(state): State<AppState>,
    Submitted(form): Submitted<WithdrawForm>,
) -> Result<Response, AppError> {
    let done = async {
        let reason = FieldErrors::only("reason", required(&form.reason))?;
        let withdrawn = state.store.withdraw_stage(&user.username, id, stage, &reason).await;
        match withdrawn {
            Err(huajie_store::StoreError::Refused(why)) => {
                let mut e = FieldErrors::default();
                e.add("reason", why);
                Err(AppError::Invalid(e))
            }
            other => other.map_err(AppError::from),
        }?;
        Ok(Redirect::to(&format!("/cases/{id}#stages")).into_response())
    };
    super::or_refused(done.await, ctx.lang, (WITHDRAW_FORM, &form), |view| page(&ctx, &state, id, Some(view))).await
}
