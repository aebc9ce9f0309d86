//! Reconciliation's API (issue 15): a statement file imported (multipart, `file`, as the page
//! takes it: refused whole with the line's row and column named, a 400), the queue, a queued
//! line assigned to a claim (`{"claim_id", "split"?}`: posted as its receipt, split by law or as
//! the court ordered, `split` in fen as a receipt's), and a
//! package's back-test (`pages::backtest`'s view: quarters, claims, segments, amounts in fen).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use huajie_core::Permission;
use huajie_ledger::Split;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::data;
use super::ledger::SplitBody;
use crate::AppState;
use crate::ctx::{Authorized, Ctx, perm};
use crate::error::AppError;
use crate::form::{Path, Submitted, Upload};
use crate::pages::backtest as backtest_page;
use crate::pages::reconcile::{self, LineView, UploadForm};

/// `POST /api/v1/reconcile/statements`: 201, what the import did (counts and the new lines).
pub async fn import(
    Authorized(ctx, user, _): Authorized<perm::Reconcile>,
    State(state): State<AppState>,
    Upload { file, .. }: Upload<UploadForm>,
) -> Result<Response, AppError> {
    let outcome = reconcile::import(&ctx, &state, &user.username, &file.name, file.bytes.to_vec()).await?;
    Ok((StatusCode::CREATED, Json(json!({ "data": outcome }))).into_response())
}

/// `GET /api/v1/reconcile/queue`: every queued line with its candidates (whoever reads the
/// reconciliation).
pub async fn queue(ctx: Ctx, State(state): State<AppState>) -> Result<Response, AppError> {
    ctx.require(Permission::ViewReconcile)?;
    Ok(data(reconcile::queue(&ctx, &state).await?))
}

#[derive(Deserialize, Serialize, Default)]
pub struct AssignBody {
    pub claim_id: i64,
    /// The court's split, in fen (`{"costs_fen", "interest_fen", "principal_fen"}`); absent: by law.
    pub split: Option<SplitBody>,
}

/// `POST /api/v1/reconcile/queue/{id}/assign`: the line as posted.
pub async fn assign(
    Path(id): Path<i64>,
    Authorized(ctx, user, _): Authorized<perm::Reconcile>,
    State(state): State<AppState>,
    Submitted(body): Submitted<AssignBody>,
) -> Result<Response, AppError> {
    let split = body.split.as_ref().map_or(Split::Statutory, SplitBody::split);
    let line = state.store.assign_statement_line(&user.username, id, body.claim_id, split).await?;
    let codes = reconcile::codes(&state).await?;
    Ok(data(LineView::of(&ctx, &state, &codes, &line).await?))
}

/// `GET /api/v1/packages/{id}/backtest`.
pub async fn backtest(ctx: Ctx, State(state): State<AppState>, Path(id): Path<i64>) -> Result<Response, AppError> {
    Ok(data(backtest_page::view(&ctx, &state, id).await?))
}
