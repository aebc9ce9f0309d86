//! The decision committee in the API: its meetings, a meeting with its items, attendance and
//! named votes, the items waiting for the caller's vote, and casting a vote (docs/disposal.md).

use std::collections::BTreeSet;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use huajie_core::{Lang, Permission};
use huajie_store::{Item, Meeting, Vote};
use serde_json::{Value, json};

use super::data;
use crate::AppState;
use crate::ctx::{Authorized, Ctx, perm};
use crate::error::AppError;
use crate::form::{Path, Submitted};
use crate::pages::committee::meeting::VoteForm;

fn meeting_json(m: &Meeting) -> Value {
    json!({
        "id": m.id,
        "title": m.title,
        "scheduled_for": huajie_store::timestamp(m.scheduled_for),
        "place": m.place,
        "status": m.status.code(),
        "opened_at": m.opened_at.map(huajie_store::timestamp),
        "closed_at": m.closed_at.map(huajie_store::timestamp),
        "present": m.present,
    })
}

fn vote_json(v: &Vote) -> Value {
    json!({ "username": v.username, "ballot": v.ballot, "reason": v.reason, "cast_at": huajie_store::timestamp(v.cast_at) })
}

fn item_json(item: &Item, votes: &[Vote], present: &BTreeSet<String>, lang: Lang) -> Value {
    let recused = huajie_decide::committee::recused(present, &item.workers);
    json!({
        "id": item.id,
        "meeting_id": item.meeting_id,
        "kind": item.kind.code(),
        "title": item.title,
        "package_id": item.package_id,
        "plan_id": item.plan_id,
        "check_id": item.check_id,
        "price_fen": item.price.map(|m| m.fen()),
        "tier": item.tier.code(),
        "status": item.status.code(),
        "outcome": item.outcome.as_ref().map(|t| t.get(lang)),
        "decided_at": item.decided_at.map(huajie_store::timestamp),
        "workers": item.workers.iter().map(|(u, c)| json!({ "username": u, "capacity": c.code() })).collect::<Vec<_>>(),
        "recused": recused,
        "votes": votes.iter().map(vote_json).collect::<Vec<_>>(),
    })
}

/// `GET /api/v1/committee/meetings`: every meeting, latest first.
pub async fn meetings(ctx: Ctx, State(state): State<AppState>) -> Result<Response, AppError> {
    ctx.require(Permission::ViewCommittee)?;
    Ok(data(state.store.meetings().await?.iter().map(meeting_json).collect::<Vec<_>>()))
}

/// `GET /api/v1/committee/meetings/{id}`: the meeting, its attendance, minutes, items and votes.
pub async fn meeting(ctx: Ctx, State(state): State<AppState>, Path(id): Path<i64>) -> Result<Response, AppError> {
    ctx.require(Permission::ViewCommittee)?;
    let record = state.store.meeting_record(id).await?;
    let present: BTreeSet<String> = record.meeting.present.iter().cloned().collect();
    let mut m = meeting_json(&record.meeting);
    m["minutes"] = json!(record.meeting.minutes);
    m["items"] = record.items.iter().map(|(i, v)| item_json(i, v, &present, ctx.lang)).collect();
    Ok(data(m))
}

/// `GET /api/v1/committee/pending`: the items waiting for the caller's vote now.
pub async fn pending(ctx: Ctx, State(state): State<AppState>) -> Result<Response, AppError> {
    let user = ctx.require(Permission::ViewCommittee)?;
    let pending = state.store.my_pending_votes(&user.username).await?;
    let out: Vec<Value> = pending
        .iter()
        .map(|(m, i)| json!({ "meeting_id": m.id, "meeting_title": m.title, "item_id": i.id, "item_title": i.title }))
        .collect();
    Ok(data(out))
}

/// `POST /api/v1/committee/items/{id}/votes`: the caller's named vote, `{ballot, reason}`; the
/// item as it stands after it (decided once every member entitled has voted).
pub async fn vote(
    Path(id): Path<i64>,
    Authorized(ctx, user, _): Authorized<perm::CastVotes>,
    State(state): State<AppState>,
    Submitted(body): Submitted<VoteForm>,
) -> Result<Response, AppError> {
    let ballot = body.parse().map_err(AppError::Invalid)?;
    let item = state.store.cast_vote(&user.username, id, ballot).await?;
    let record = state.store.meeting_record(item.meeting_id).await?;
    let present: BTreeSet<String> = record.meeting.present.iter().cloned().collect();
    let (item, votes) = record.items.iter().find(|(i, _)| i.id == id).ok_or(AppError::NotFound)?;
    Ok((StatusCode::CREATED, Json(json!({ "data": item_json(item, votes, &present, ctx.lang) }))).into_response())
}
