//! The quarterly report to the regulator and four eyes on an override, as API operations
//! (issue 16): the submissions (read by whoever reads compliance), a submission by the risk team,
//! the regulator's acknowledgement, and a second risk officer's approval of an override.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use huajie_core::Permission;
use huajie_store::ReportSubmission;
use serde::Deserialize;
use serde_json::{Value, json};

use super::data;
use crate::AppState;
use crate::ctx::{Authorized, Ctx, perm};
use crate::error::AppError;
use crate::form::{Confirmed, Path, Submitted};

fn submission_json(s: &ReportSubmission) -> Value {
    json!({
        "id": s.id,
        "quarter_end": s.quarter_end,
        "version": s.version,
        "result_id": s.result_id,
        "body_sha256": s.body_sha256,
        "submitted_by": s.submitted_by,
        "submitted_at": huajie_store::timestamp(s.submitted_at),
        "acknowledgement": s.acknowledgement.as_ref().map(|a| json!({
            "by": a.acknowledged_by,
            "at": huajie_store::timestamp(a.acknowledged_at),
            "comment": a.comment,
        })),
    })
}

/// `GET /api/v1/compliance/submissions`: every quarterly report submitted, the latest first.
pub async fn submissions(ctx: Ctx, State(state): State<AppState>) -> Result<Response, AppError> {
    ctx.require(Permission::ViewCompliance)?;
    Ok(data(state.store.report_submissions().await?.iter().map(submission_json).collect::<Vec<_>>()))
}

#[derive(Deserialize)]
pub struct SubmitBody {
    quarter_end: NaiveDate,
}

/// `POST /api/v1/compliance/submissions`: the risk team submits a recorded quarter's report.
pub async fn submit(
    Authorized(_, user, _): Authorized<perm::RecordIndicators>,
    State(state): State<AppState>,
    Submitted(b): Submitted<SubmitBody>,
) -> Result<Response, AppError> {
    let s = state.store.submit_report(&user.username, b.quarter_end).await?;
    Ok((StatusCode::CREATED, Json(json!({ "data": submission_json(&s) }))).into_response())
}

#[derive(Deserialize)]
pub struct AckBody {
    #[serde(default)]
    comment: String,
}

/// `POST /api/v1/compliance/submissions/{id}/acknowledgement`: the regulator acknowledges it.
pub async fn acknowledge(
    Path(id): Path<i64>,
    Authorized(_, user, _): Authorized<perm::AcknowledgeReports>,
    State(state): State<AppState>,
    Submitted(b): Submitted<AckBody>,
) -> Result<Response, AppError> {
    state.store.acknowledge_report(&user.username, id, &b.comment).await?;
    let s = state.store.report_submission(id).await?.ok_or(AppError::NotFound)?;
    Ok((StatusCode::CREATED, Json(json!({ "data": submission_json(&s) }))).into_response())
}

/// `POST /api/v1/compliance/checks/{id}/overrides/{override_id}/approval`: a second risk officer
/// approves an override (never its proposer); the check as it then stands.
pub async fn approve(
    Authorized(ctx, user, _): Authorized<perm::OverrideFindings>,
    Path((id, override_id)): Path<(i64, i64)>,
    State(state): State<AppState>,
    Submitted(Confirmed {}): Submitted<Confirmed>,
) -> Result<Response, AppError> {
    state.store.approve_override(&user.username, id, override_id).await?;
    let c = state.store.deal_check(id).await?.ok_or(AppError::NotFound)?;
    let body = super::compliance::check_json(&c, &ctx);
    Ok((StatusCode::CREATED, Json(json!({ "data": body }))).into_response())
}
