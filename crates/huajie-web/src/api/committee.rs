//! The decision committee in the API: everything its pages do, with the same permissions and
//! the pages' own forms as JSON commands (docs/disposal.md, "The committee over the API"). The
//! members with their terms and adding one; meetings (scheduled, opened with the members
//! present, closed with the minutes, cancelled) and a meeting with its items, attendance and
//! named votes; tabling a cleared acquisition check or a plan, withdrawing an item; the items
//! waiting for the caller's vote, and casting a vote. A refusal is the API's 400 `bad_request`
//! with the store's message in the caller's language; a field that cannot be read is named.

use std::collections::{BTreeMap, BTreeSet};

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use huajie_core::role::Tabled;
use huajie_core::{Lang, Permission};
use huajie_store::{CommitteeMember, Item, ItemSubject, Meeting, Vote};
use serde_json::{Value, json};

use super::data;
use crate::AppState;
use crate::ctx::{Authorized, Ctx, perm};
use crate::error::AppError;
use crate::form::{Confirmed, Path, Submitted};
use crate::pages::committee::meeting::{Attendance, CloseForm, VoteForm};
use crate::pages::committee::table::TableForm;
use crate::pages::committee::{MemberForm, ScheduleForm};

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
    Ok(data(record_json(&state, id, ctx.lang).await?))
}

/// A meeting as `GET /api/v1/committee/meetings/{id}` answers it.
async fn record_json(state: &AppState, id: i64, lang: Lang) -> Result<Value, AppError> {
    let record = state.store.meeting_record(id).await?;
    let present: BTreeSet<String> = record.meeting.present.iter().cloned().collect();
    let mut m = meeting_json(&record.meeting);
    m["minutes"] = json!(record.meeting.minutes);
    m["items"] = record.items.iter().map(|(i, v)| item_json(i, v, &present, lang)).collect();
    Ok(m)
}

/// An item as it stands in its meeting (its votes, who is recused), answered with `status`.
async fn item_answer(state: &AppState, item: &Item, lang: Lang, status: StatusCode) -> Result<Response, AppError> {
    let record = state.store.meeting_record(item.meeting_id).await?;
    let present: BTreeSet<String> = record.meeting.present.iter().cloned().collect();
    let (item, votes) = record.items.iter().find(|(i, _)| i.id == item.id).ok_or(AppError::NotFound)?;
    Ok((status, Json(json!({ "data": item_json(item, votes, &present, lang) }))).into_response())
}

fn created(value: Value) -> Response {
    (StatusCode::CREATED, Json(json!({ "data": value }))).into_response()
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
    item_answer(&state, &item, ctx.lang, StatusCode::CREATED).await
}

fn member_json(m: &CommitteeMember, names: &BTreeMap<String, String>, today: NaiveDate) -> Value {
    json!({
        "id": m.id,
        "username": m.username,
        "display_name": names.get(&m.username).cloned().unwrap_or_else(|| m.username.clone()),
        "title": m.title,
        "term_from": m.term_from,
        "term_to": m.term_to,
        "serving": m.serves_on(today),
        "created_by": m.created_by,
        "created_at": huajie_store::timestamp(m.created_at),
    })
}

/// `GET /api/v1/committee/members`: every member with their term, and whether they serve today.
pub async fn members(ctx: Ctx, State(state): State<AppState>) -> Result<Response, AppError> {
    ctx.require(Permission::ViewCommittee)?;
    let names = crate::pages::committee::names(&state.store).await?;
    let today = state.store.clock().today();
    let members = state.store.committee_members().await?;
    Ok(data(members.iter().map(|m| member_json(m, &names, today)).collect::<Vec<_>>()))
}

/// `POST /api/v1/committee/members`: the secretary adds a member for a term (201, the member).
pub async fn add_member(
    Authorized(_ctx, user, _): Authorized<perm::ManageCommittee>,
    State(state): State<AppState>,
    Submitted(form): Submitted<MemberForm>,
) -> Result<Response, AppError> {
    let (username, title, term) = form.parse().map_err(AppError::Invalid)?;
    let m = state.store.add_committee_member(&user.username, &username, &title, term).await?;
    let names = crate::pages::committee::names(&state.store).await?;
    Ok(created(member_json(&m, &names, state.store.clock().today())))
}

/// `POST /api/v1/committee/meetings`: the secretary schedules a meeting (201, the meeting).
pub async fn schedule(
    Authorized(ctx, user, _): Authorized<perm::ManageCommittee>,
    State(state): State<AppState>,
    Submitted(form): Submitted<ScheduleForm>,
) -> Result<Response, AppError> {
    let (title, at, place) = form.parse().map_err(AppError::Invalid)?;
    let m = state.store.schedule_meeting(&user.username, &title, at, &place).await?;
    Ok(created(record_json(&state, m.id, ctx.lang).await?))
}

/// `POST /api/v1/committee/meetings/{id}/open`: attendance taken (`present`: the members'
/// usernames) and the meeting in session — refused without a quorum (流会), nothing changed.
pub async fn open(
    Path(id): Path<i64>,
    Authorized(ctx, user, _): Authorized<perm::ManageCommittee>,
    State(state): State<AppState>,
    Submitted(form): Submitted<Attendance>,
) -> Result<Response, AppError> {
    state.store.open_meeting(&user.username, id, &form.present).await?;
    Ok(data(record_json(&state, id, ctx.lang).await?))
}

/// `POST /api/v1/committee/meetings/{id}/close`: closed with its minutes; every item still open
/// is decided.
pub async fn close(
    Path(id): Path<i64>,
    Authorized(ctx, user, _): Authorized<perm::ManageCommittee>,
    State(state): State<AppState>,
    Submitted(form): Submitted<CloseForm>,
) -> Result<Response, AppError> {
    let minutes = form.parse().map_err(AppError::Invalid)?;
    state.store.close_meeting(&user.username, id, &minutes).await?;
    Ok(data(record_json(&state, id, ctx.lang).await?))
}

/// `POST /api/v1/committee/meetings/{id}/cancel`: a meeting that has not sat is cancelled; its
/// items are withdrawn.
pub async fn cancel(
    Path(id): Path<i64>,
    Authorized(ctx, user, _): Authorized<perm::ManageCommittee>,
    State(state): State<AppState>,
    Submitted(Confirmed {}): Submitted<Confirmed>,
) -> Result<Response, AppError> {
    state.store.cancel_meeting(&user.username, id).await?;
    Ok(data(record_json(&state, id, ctx.lang).await?))
}

/// `POST /api/v1/compliance/checks/{id}/committee`: a cleared acquisition check's purchase goes
/// on a meeting's agenda, `{meeting, team}` (201, the item). As its page: the acquisition team
/// or the secretary.
pub async fn table_check(
    Path(id): Path<i64>,
    Authorized(ctx, user, _): Authorized<perm::TableItems>,
    State(state): State<AppState>,
    Submitted(form): Submitted<TableForm>,
) -> Result<Response, AppError> {
    if !user.role.tables(Tabled::Acquisition) {
        return Err(AppError::Forbidden);
    }
    let (meeting, team) = form.parse().map_err(AppError::Invalid)?;
    let subject = ItemSubject::Acquisition { check_id: id };
    let item = state.store.table_item(&user.username, meeting, subject, &team).await?;
    item_answer(&state, &item, ctx.lang, StatusCode::CREATED).await
}

/// `POST /api/v1/plans/{id}/table`: a plan whose gate passed goes on a meeting's agenda,
/// `{meeting}` (201, the item). As its page: the asset managers or the secretary.
pub async fn table_plan(
    Path(id): Path<i64>,
    Authorized(ctx, user, _): Authorized<perm::TableItems>,
    State(state): State<AppState>,
    Submitted(form): Submitted<crate::pages::plans::TableForm>,
) -> Result<Response, AppError> {
    if !user.role.tables(Tabled::Plan) {
        return Err(AppError::Forbidden);
    }
    let meeting = form.parse().map_err(AppError::Invalid)?;
    let item = state.store.table_item(&user.username, meeting, ItemSubject::Plan { plan_id: id }, &[]).await?;
    item_answer(&state, &item, ctx.lang, StatusCode::CREATED).await
}

/// `POST /api/v1/committee/items/{id}/withdraw`: the secretary takes an item nobody has voted
/// on off the agenda (its plan back to draft); the item.
pub async fn withdraw(
    Path(id): Path<i64>,
    Authorized(ctx, user, _): Authorized<perm::ManageCommittee>,
    State(state): State<AppState>,
    Submitted(Confirmed {}): Submitted<Confirmed>,
) -> Result<Response, AppError> {
    let item = state.store.withdraw_item(&user.username, id).await?;
    item_answer(&state, &item, ctx.lang, StatusCode::OK).await
}
