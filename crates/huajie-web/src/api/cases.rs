//! Case management's API (issue 15): the cases (`pages::cases`' rows: the stage, the next
//! deadline and its alert level, open tasks), one case with its deadlines, stages, interruptions
//! and tasks (`pages::case_page`'s view), recording a stage, withdrawing the latest (`{"reason"}`) and
//! adding a task. The bodies are the pages' forms as JSON (`{"stage", "on", "case_no", "note"}`,
//! `{"title", "due_on", "assignee"}`):
//! a field that cannot be read is a 400 naming it, a stage the order refuses a 400 saying why.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use huajie_core::Permission;
use serde_json::json;

use super::data;
use crate::AppState;
use crate::ctx::{Authorized, Ctx, perm};
use crate::error::AppError;
use crate::form::{Path, Query, Submitted};
use crate::pages::case_page::{self, StageForm, StageView, TaskForm, TaskView, WithdrawForm};
use crate::pages::cases::{self, ListQuery};

/// `GET /api/v1/cases?stage=&mine=`: every case, or those at a stage (`none`: no stage yet), or
/// those with the user's open tasks.
pub async fn list(ctx: Ctx, State(state): State<AppState>, Query(q): Query<ListQuery>) -> Result<Response, AppError> {
    ctx.require(Permission::ViewCases)?;
    let stage = q.stage.trim();
    if !stage.is_empty() && stage != "none" && huajie_cases::Stage::from_code(stage).is_none() {
        return Err(AppError::BadRequest(
            crate::form::fields::quoting(stage, "form.bad_option").get(ctx.lang).to_string(),
        ));
    }
    Ok(data(cases::rows(&ctx, &state, &q).await?))
}

/// `GET /api/v1/cases/{id}`.
pub async fn one(ctx: Ctx, State(state): State<AppState>, Path(id): Path<i64>) -> Result<Response, AppError> {
    ctx.require(Permission::ViewCases)?;
    Ok(data(case_page::detail(&ctx, &state, id).await?))
}

/// `POST /api/v1/cases/{id}/stages`: 201, the stage recorded.
pub async fn record_stage(
    Path(id): Path<i64>,
    Authorized(ctx, user, _): Authorized<perm::ManageCases>,
    State(state): State<AppState>,
    Submitted(body): Submitted<StageForm>,
) -> Result<Response, AppError> {
    let input = body.parse().map_err(AppError::Invalid)?;
    let stage = state.store.record_stage(&user.username, id, &input).await?;
    Ok((StatusCode::CREATED, Json(json!({ "data": StageView::of(&stage, None, ctx.lang) }))).into_response())
}

/// `POST /api/v1/cases/{id}/stages/{stage}/withdraw` (`{"reason"}`): the stage as withdrawn (its
/// `withdrawn` set); refused (400) without a reason, for a stage withdrawn already or with a
/// standing stage after it.
pub async fn withdraw_stage(
    Authorized(ctx, user, _): Authorized<perm::ManageCases>,
    Path((id, stage)): Path<(i64, i64)>,
    State(state): State<AppState>,
    Submitted(body): Submitted<WithdrawForm>,
) -> Result<Response, AppError> {
    let withdrawal = state.store.withdraw_stage(&user.username, id, stage, &body.reason).await?;
    let file = state.store.case_file(id).await?.ok_or(AppError::NotFound)?;
    let record = file.stages.iter().find(|s| s.id == stage).ok_or(AppError::NotFound)?;
    Ok(data(StageView::of(record, Some(&withdrawal), ctx.lang)))
}

/// `POST /api/v1/cases/{id}/tasks`: 201, the task added.
pub async fn add_task(
    Path(id): Path<i64>,
    Authorized(ctx, user, _): Authorized<perm::ManageCases>,
    State(state): State<AppState>,
    Submitted(body): Submitted<TaskForm>,
) -> Result<Response, AppError> {
    let task = body.parse().map_err(AppError::Invalid)?;
    let added = state.store.add_task(&user.username, id, &task).await?;
    let today = state.store.clock().today();
    Ok((StatusCode::CREATED, Json(json!({ "data": TaskView::of(&added, today, ctx.lang) }))).into_response())
}
