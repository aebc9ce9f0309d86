//! Disposal plans and announcements over the API: the plans (each with its gate), drafting a
//! plan (the new-plan form's fields as a JSON command; each bad field named in the error
//! envelope), the staff's announcements, and the public portal's announcements (no login;
//! published versions only, masked, never a staff figure). Amounts are integer fen.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use huajie_core::{Lang, Permission};
use huajie_decide::announce::{AnnouncementStatus, Content, for_publication};
use huajie_decide::plan::Gate;
use huajie_store::{Announcement, Plan};
use serde_json::{Value, json};

use super::data;
use crate::AppState;
use crate::ctx::{Authorized, Ctx, perm};
use crate::error::AppError;
use crate::form::{Confirmed, Path, Query, Submitted, Uploads};
use crate::pages::plans::PlanForm;
use crate::pages::public::PublicQuery;

fn gate_json(g: &Gate, lang: Lang) -> Value {
    json!({
        "passed": g.passed(),
        "tier": g.tier.code(),
        "senior_because": g.senior_because.iter().map(|t| t.get(lang)).collect::<Vec<_>>(),
        "problems": g.problems.iter().map(|(f, t)| json!({ "field": f, "message": t.get(lang) })).collect::<Vec<_>>(),
        "expected_gain_fen": g.expected_gain,
        "below_valuation": g.below_valuation,
    })
}

fn plan_json(p: &Plan) -> Value {
    json!({
        "id": p.id,
        "title": p.title,
        "subject": p.subject,
        "package_id": p.package_id,
        "method": p.method.code(),
        "exception": p.exception.map(|x| x.code()),
        "exception_reason": p.exception_reason,
        "reserve_fen": p.reserve.map(|m| m.fen()),
        "valuation_fen": p.valuation.map(|m| m.fen()),
        "valuation_run_id": p.valuation_run_id,
        "valuer": p.valuer,
        "below_reason": p.below_reason,
        "cost_fen": p.cost.map(|m| m.fen()),
        "check_id": p.check_id,
        "summary": p.summary,
        "tier": p.tier.code(),
        "status": p.status.code(),
        "team": p.team,
        "prepared_by": p.prepared_by,
        "created_at": huajie_store::timestamp(p.created_at),
    })
}

/// `GET /api/v1/plans`: every plan, newest first.
pub async fn plans(ctx: Ctx, State(state): State<AppState>) -> Result<Response, AppError> {
    ctx.require(Permission::ViewPlans)?;
    let plans = state.store.plans().await?;
    Ok(data(plans.iter().map(plan_json).collect::<Vec<_>>()))
}

/// `GET /api/v1/plans/{id}`: a plan with its gate as it stands now.
pub async fn plan(ctx: Ctx, State(state): State<AppState>, Path(id): Path<i64>) -> Result<Response, AppError> {
    ctx.require(Permission::ViewPlans)?;
    let plan = state.store.plan(id).await?;
    let gate = state.store.plan_gate(id).await?;
    let mut out = plan_json(&plan);
    out["gate"] = gate_json(&gate, ctx.lang);
    out["documents"] = state.store.plan_documents(Some(id)).await?.iter().map(document_json).collect();
    Ok(data(out))
}

fn document_json(d: &huajie_store::PlanDocument) -> Value {
    json!({
        "id": d.id,
        "name": d.name,
        "bytes": d.bytes,
        "sha256": d.sha256,
        "uploaded_by": d.uploaded_by,
        "uploaded_at": huajie_store::timestamp(d.uploaded_at),
        "href": format!("/plan-documents/{}", d.id),
    })
}

/// `POST /api/v1/plans/{id}/documents` (multipart: `file` once per document): attaches them
/// all or none (201, the documents added).
pub async fn add_documents(
    Path(id): Path<i64>,
    Authorized(_, user, _): Authorized<perm::PreparePlans>,
    State(state): State<AppState>,
    Uploads { files, .. }: Uploads<Confirmed>,
) -> Result<Response, AppError> {
    let files: Vec<(&str, &[u8])> = files.iter().map(|f| (f.name.as_str(), &f.bytes[..])).collect();
    let docs = state.store.add_plan_documents(&user.username, id, &files).await?;
    Ok((StatusCode::CREATED, Json(json!({ "data": docs.iter().map(document_json).collect::<Vec<_>>() })))
        .into_response())
}

/// `POST /api/v1/plans`: drafts a plan (201, with its gate).
pub async fn create_plan(
    Authorized(ctx, user, _): Authorized<perm::PreparePlans>,
    State(state): State<AppState>,
    Submitted(form): Submitted<PlanForm>,
) -> Result<Response, AppError> {
    let input = form.parse().map_err(AppError::Invalid)?;
    let plan = state.store.create_plan(&user.username, &input).await?;
    let gate = state.store.plan_gate(plan.id).await?;
    let mut out = plan_json(&plan);
    out["gate"] = gate_json(&gate, ctx.lang);
    Ok((StatusCode::CREATED, Json(json!({ "data": out }))).into_response())
}

fn announcement_json(a: &Announcement, content: &Content) -> Value {
    json!({
        "id": a.id,
        "plan_id": a.plan_id,
        "version": a.version,
        "status": a.status.code(),
        "content": content,
        "body_sha256": a.body_sha256,
        "province": a.province,
        "asset_kind": a.asset_kind,
        "method": a.method.code(),
        "reserve_fen": a.reserve.fen(),
        "published_at": a.published_at.map(huajie_store::timestamp),
        "period_ends_on": a.period_ends_on,
        "bidding_opens_on": a.bidding_opens_on,
    })
}

/// `GET /api/v1/announcements`: every version (draft, published, archived); a draft names
/// individuals only for the roles that own personal data.
pub async fn announcements(ctx: Ctx, State(state): State<AppState>) -> Result<Response, AppError> {
    ctx.require(Permission::ViewPlans)?;
    let unmasked = ctx.can(Permission::ViewPersonalData);
    let all = state.store.announcements(None).await?;
    Ok(data(
        all.iter()
            .map(|a| {
                let content = if unmasked { a.content.clone() } else { for_publication(&a.content) };
                let mut out = announcement_json(a, &content);
                out["created_by"] = json!(a.created_by);
                out["published_by"] = json!(a.published_by);
                out
            })
            .collect::<Vec<_>>(),
    ))
}

/// `GET /api/v1/public/announcements`: the announcements in force, filtered (reserves in 万元),
/// a page (`page`, from 1) of `PUBLIC_PAGE`. No login.
pub async fn public_announcements(
    State(state): State<AppState>,
    Query(q): Query<PublicQuery>,
) -> Result<Response, AppError> {
    let filter = q.filter().map_err(AppError::Invalid)?;
    let n = crate::pages::page_number(q.page);
    let (found, total) = state.store.public_announcements(&filter, (n - 1) as usize).await?;
    Ok(data(json!({
        "total": total,
        "page": n,
        "per_page": huajie_store::PUBLIC_PAGE,
        "items": found.iter().map(|a| announcement_json(a, &a.content)).collect::<Vec<_>>(),
    })))
}

/// `GET /api/v1/public/announcements/{id}`: a published or archived version as published,
/// with the plan's other published versions. No login.
pub async fn public_announcement(State(state): State<AppState>, Path(id): Path<i64>) -> Result<Response, AppError> {
    let a = state.store.public_announcement(id).await?;
    let versions = state.store.public_versions(a.plan_id).await?;
    let mut out = announcement_json(&a, &a.content);
    out["in_force"] = json!(a.status == AnnouncementStatus::Published);
    out["versions"] = versions
        .iter()
        .map(|v| json!({ "id": v.id, "version": v.version, "status": v.status.code(), "body_sha256": v.body_sha256 }))
        .collect::<Vec<_>>()
        .into();
    Ok(data(out))
}
