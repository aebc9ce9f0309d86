//! The background runs' pages (issue 17): a run's progress page (`GET /runs/{id}`: its stage,
//! a percentage bar, the time it has taken, a cancel button; refreshed every second by a
//! `<meta http-equiv="refresh">` while it runs, no script needed), the user's recent runs
//! (`GET /runs`), the cancel (`POST /runs/{id}/cancel`) and the API's `GET /api/v1/runs/{id}`.
//!
//! A run is seen by who asked for it, while they may still start such runs, and by an
//! administrator; to anyone else it does not exist (404).

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use huajie_core::{Lang, Permission};
use huajie_store::{Run, RunKind, RunState};
use serde_json::json;

use super::render;
use crate::AppState;
use crate::ctx::{Authorized, Ctx, perm};
use crate::error::AppError;
use crate::form::{Confirmed, Path, Submitted};
use crate::i18n::tr;
use crate::runs::{Ended, Live};
use crate::view::Page;

/// The permission a run's kind needs.
fn permission(kind: RunKind) -> Permission {
    match kind {
        RunKind::Valuation => Permission::RunValuations,
        RunKind::Import => Permission::ImportTapes,
    }
}

/// Whether this user may see runs at all: an administrator, or one who may start one.
fn may_see_runs(ctx: &Ctx) -> Result<(), AppError> {
    ctx.require_login()?;
    let any = [Permission::ManageUsers, Permission::RunValuations, Permission::ImportTapes];
    if any.iter().any(|p| ctx.can(*p)) { Ok(()) } else { Err(AppError::Forbidden) }
}

/// Run `id` as this user may see it (with this process's live progress), or 404.
async fn visible(ctx: &Ctx, state: &AppState, id: i64) -> Result<Run, AppError> {
    may_see_runs(ctx)?;
    let user = ctx.require_login()?;
    let run = state.store.run(id).await?.ok_or(AppError::NotFound)?;
    let own = run.requested_by == user.username && ctx.can(permission(run.kind));
    if !own && !ctx.can(Permission::ManageUsers) {
        return Err(AppError::NotFound);
    }
    Ok(crate::runs::current(run, state.runs.get(id).as_deref()))
}

/// Where a run's result is.
fn result_href(run: &Run) -> Option<String> {
    let id = run.result_id?;
    Some(match run.kind {
        RunKind::Valuation => format!("/valuations/{id}"),
        RunKind::Import => format!("/imports/{id}"),
    })
}

/// What a form that started `live` answers: its result when it is done within
/// `WebConfig::run_wait` (a refusal sent back to the form), its progress page otherwise.
pub async fn answer(state: &AppState, live: &Live, result: impl Fn(i64) -> String) -> Result<Response, AppError> {
    match live.wait(state.config.run_wait).await.as_deref() {
        Some(Ended::Done(id)) => Ok(Redirect::to(&result(*id)).into_response()),
        Some(Ended::Failed { why, refusal: true }) => Err(AppError::Refused(why.clone())),
        _ => Ok(Redirect::to(&format!("/runs/{}", live.id)).into_response()),
    }
}

/// A duration in words: `12 秒`, `3 分 4 秒`.
fn duration(seconds: i64, lang: Lang) -> String {
    let s = seconds.max(0);
    if s < 60 {
        tr(lang, "runs.seconds").replace("{s}", &s.to_string())
    } else {
        tr(lang, "runs.minutes").replace("{m}", &(s / 60).to_string()).replace("{s}", &(s % 60).to_string())
    }
}

pub struct RunLine {
    pub id: i64,
    pub kind: &'static str,
    pub package: String,
    pub state: &'static str,
    pub stage: &'static str,
    pub percent: u64,
    pub started: String,
    pub elapsed: String,
    pub by: String,
    pub ended: bool,
}

fn line(run: &Run, now: chrono::DateTime<chrono::Utc>, lang: Lang) -> RunLine {
    let until = run.finished_at.unwrap_or(now);
    RunLine {
        id: run.id,
        kind: run.kind.name(lang),
        package: run.package_code.clone(),
        state: run.state.name(lang),
        stage: run.stage.name(lang),
        percent: run.percent(),
        started: crate::view::when_to_the_second(run.created_at, lang),
        elapsed: duration((until - run.created_at).num_seconds(), lang),
        by: run.requested_by.clone(),
        ended: run.state.ended(),
    }
}

#[derive(Template)]
#[template(path = "run.html")]
struct RunPage {
    page: Page,
    title: String,
    run: RunLine,
    state: RunState,
    package_id: Option<i64>,
    result: Option<String>,
    error: Option<String>,
    can_cancel: bool,
    cancel_asked: bool,
}

/// `GET /runs/{id}`: the run's progress page; once done, its result.
pub async fn show(ctx: Ctx, State(state): State<AppState>, Path(id): Path<i64>) -> Result<Response, AppError> {
    let run = visible(&ctx, &state, id).await?;
    let live = state.runs.get(id);
    if let Some(href) = result_href(&run).filter(|_| run.state == RunState::Done) {
        return Ok(Redirect::to(&href).into_response());
    }
    // A refused tape's report, while this process keeps it.
    if let Some(Ended::NotLoaded { report, reason }) = live.as_ref().and_then(|l| l.ended()).as_deref() {
        return super::imports::refused_page(&ctx, &state, report, reason).await;
    }
    let lang = ctx.lang;
    let page = Page::new(&ctx, &state).await?;
    render(&RunPage {
        title: format!("{} #{} · {}", run.kind.name(lang), run.id, run.package_code),
        run: line(&run, state.store.clock().now(), lang),
        state: run.state,
        package_id: run.package_id,
        result: result_href(&run),
        error: run.error.as_ref().map(|e| e.get(lang).to_string()),
        can_cancel: !run.state.ended() && live.is_some(),
        cancel_asked: live.is_some_and(|l| l.progress.is_cancelled()),
        page,
    })
}

#[derive(Template)]
#[template(path = "runs.html")]
struct RunsPage {
    page: Page,
    title: &'static str,
    runs: Vec<RunLine>,
}

/// `GET /runs`: this user's recent runs (an administrator's: everyone's).
pub async fn list(ctx: Ctx, State(state): State<AppState>) -> Result<Response, AppError> {
    may_see_runs(&ctx)?;
    let user = ctx.require_login()?;
    let who = if ctx.can(Permission::ManageUsers) { None } else { Some(user.username.as_str()) };
    let now = state.store.clock().now();
    let runs = state.store.recent_runs(who).await?;
    let runs = runs
        .into_iter()
        .filter(|r| who.is_some() || ctx.can(permission(r.kind)) || ctx.can(Permission::ManageUsers))
        .map(|r| line(&crate::runs::current(r.clone(), state.runs.get(r.id).as_deref()), now, ctx.lang))
        .collect();
    let page = Page::new(&ctx, &state).await?;
    render(&RunsPage { title: page.t("runs.title"), runs, page })
}

/// `POST /runs/{id}/cancel`: asks the run to stop (who asked for it, or an administrator).
pub async fn cancel(
    Path(id): Path<i64>,
    Authorized(ctx, _, _): Authorized<perm::LoggedIn>,
    State(state): State<AppState>,
    Submitted(Confirmed {}): Submitted<Confirmed>,
) -> Result<Response, AppError> {
    let run = visible(&ctx, &state, id).await?;
    if let Some(live) = state.runs.get(id).filter(|_| !run.state.ended()) {
        live.progress.cancel();
    }
    Ok(Redirect::to(&format!("/runs/{id}")).into_response())
}

/// `GET /api/v1/runs/{id}`: where a run is.
pub async fn api_show(ctx: Ctx, State(state): State<AppState>, Path(id): Path<i64>) -> Result<Response, AppError> {
    let run = visible(&ctx, &state, id).await?;
    let result = result_href(&run).filter(|_| run.state == RunState::Done);
    Ok(Json(json!({ "data": {
        "id": run.id,
        "kind": run.kind.code(),
        "package_code": run.package_code,
        "requested_by": run.requested_by,
        "state": run.state.code(),
        "stage": run.stage.code(),
        "percent": run.percent(),
        "done": run.done,
        "total": run.total,
        "result": result,
        "error": run.error.as_ref().map(|e| e.get(ctx.lang).to_string()),
        "created_at": run.created_at,
        "finished_at": run.finished_at,
    } }))
    .into_response())
}
