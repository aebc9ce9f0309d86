//! The JSON API under `/api/v1`. Every answer is `{"data": …}` or
//! `{"error": {"code", "message"}}`; amounts are integer fen; personal data is masked
//! exactly as in the pages. Described by `openapi.json`, served at `/api/openapi.json`.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use cookie::SameSite;
use huajie_core::{Permission, Role};
use huajie_store::{ClaimRow, PartyFilter};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::AppState;
use crate::auth::{self, SESSION_COOKIE};
use crate::ctx::{Authorized, Ctx, perm};
use crate::error::AppError;
use crate::form::{Confirmed, Date, Int, Path, Query, Submitted};
use crate::i18n::tr;
use crate::view::party_view;

pub mod cases;
pub mod committee;
pub mod compliance;
pub mod disposal;
pub mod investors;
pub mod ledger;
pub mod lots;
pub mod public_lots;
pub mod reconcile;
pub mod regulator;
pub mod sales;
pub mod valuation;

pub use crate::error::ERROR_CODES;

/// The OpenAPI document.
pub const OPENAPI_JSON: &str = include_str!("../../openapi.json");

/// Every API route: method and path, as in the router and in `openapi.json`.
pub const API_ROUTES: &[(&str, &str)] = &[
    ("post", "/api/v1/session"),
    ("delete", "/api/v1/session"),
    ("get", "/api/v1/me"),
    ("get", "/api/v1/dashboard"),
    ("get", "/api/v1/packages"),
    ("get", "/api/v1/packages/{id}"),
    ("get", "/api/v1/packages/{id}/claims"),
    ("get", "/api/v1/claims/{id}"),
    ("get", "/api/v1/parties"),
    ("get", "/api/v1/parties/{id}"),
    ("get", "/api/v1/users"),
    ("get", "/api/v1/audit"),
    ("post", "/api/v1/imports"),
    ("get", "/api/v1/imports/{id}"),
    ("get", "/api/v1/runs/{id}"),
    ("get", "/api/v1/packages/{id}/valuations"),
    ("post", "/api/v1/packages/{id}/valuations"),
    ("post", "/api/v1/packages/{id}/valuation-basis"),
    ("get", "/api/v1/valuations/{id}"),
    ("get", "/api/v1/valuations/{id}/claims"),
    ("get", "/api/v1/assumption-sets"),
    ("get", "/api/v1/assumption-sets/{id}"),
    ("get", "/api/v1/compliance/indicators"),
    ("get", "/api/v1/compliance/results"),
    ("post", "/api/v1/compliance/results"),
    ("get", "/api/v1/committee/members"),
    ("post", "/api/v1/committee/members"),
    ("get", "/api/v1/committee/meetings"),
    ("post", "/api/v1/committee/meetings"),
    ("get", "/api/v1/committee/meetings/{id}"),
    ("post", "/api/v1/committee/meetings/{id}/open"),
    ("post", "/api/v1/committee/meetings/{id}/close"),
    ("post", "/api/v1/committee/meetings/{id}/cancel"),
    ("get", "/api/v1/committee/pending"),
    ("post", "/api/v1/committee/items/{id}/votes"),
    ("post", "/api/v1/committee/items/{id}/withdraw"),
    ("post", "/api/v1/compliance/checks/{id}/committee"),
    ("post", "/api/v1/plans/{id}/table"),
    ("get", "/api/v1/compliance/checks"),
    ("post", "/api/v1/compliance/checks"),
    ("get", "/api/v1/compliance/funding"),
    ("get", "/api/v1/compliance/company"),
    ("post", "/api/v1/compliance/company"),
    ("get", "/api/v1/compliance/checks/{id}"),
    ("post", "/api/v1/compliance/checks/{id}/overrides"),
    ("post", "/api/v1/compliance/checks/{id}/overrides/{override_id}/approval"),
    ("get", "/api/v1/compliance/submissions"),
    ("post", "/api/v1/compliance/submissions"),
    ("post", "/api/v1/compliance/submissions/{id}/acknowledgement"),
    ("post", "/api/v1/compliance/checks/{id}/acquisition"),
    ("post", "/api/v1/packages/{id}/checks"),
    ("get", "/api/v1/compliance/book"),
    ("post", "/api/v1/compliance/book/{kind}"),
    ("delete", "/api/v1/compliance/book/{kind}/{id}"),
    ("get", "/api/v1/calendar"),
    ("get", "/api/v1/valuations/{id}/report.xlsx"),
    ("get", "/api/v1/valuations/{id}/report.pdf"),
    ("get", "/api/v1/compliance/report.xlsx"),
    ("get", "/api/v1/compliance/report.pdf"),
    ("get", "/api/v1/compliance/book.xlsx"),
    ("get", "/api/v1/imports/{id}/report.xlsx"),
    ("get", "/api/v1/plans"),
    ("post", "/api/v1/plans"),
    ("post", "/api/v1/plans/{id}/documents"),
    ("get", "/api/v1/plans/{id}"),
    ("get", "/api/v1/announcements"),
    ("get", "/api/v1/public/announcements"),
    ("get", "/api/v1/public/announcements/{id}"),
    ("get", "/api/v1/public/lots"),
    ("get", "/api/v1/public/lots/{id}"),
    ("get", "/api/v1/investors"),
    ("get", "/api/v1/investors/{id}"),
    ("post", "/api/v1/investors/{id}/qualify"),
    ("post", "/api/v1/investors/{id}/refuse"),
    ("post", "/api/v1/investors/{id}/request-documents"),
    ("get", "/api/v1/portal/registration"),
    ("get", "/api/v1/portal/documents"),
    ("post", "/api/v1/portal/documents"),
    ("get", "/api/v1/lots"),
    ("get", "/api/v1/lots/{id}"),
    ("post", "/api/v1/plans/{id}/lots"),
    ("post", "/api/v1/deposits/{id}/confirm"),
    ("post", "/api/v1/lots/{id}/close"),
    ("post", "/api/v1/lots/{id}/deposits"),
    ("post", "/api/v1/lots/{id}/bids"),
    ("post", "/api/v1/lots/{id}/sealed-bids"),
    ("post", "/api/v1/lots/{id}/open"),
    ("get", "/api/v1/portal/bids"),
    ("get", "/api/v1/portal/deposits"),
    ("get", "/api/v1/packages/{id}/sales"),
    ("get", "/api/v1/lots/{id}/agreement.pdf"),
    ("get", "/api/v1/cases"),
    ("get", "/api/v1/cases/{id}"),
    ("post", "/api/v1/cases/{id}/stages"),
    ("post", "/api/v1/cases/{id}/stages/{stage}/withdraw"),
    ("post", "/api/v1/cases/{id}/tasks"),
    ("post", "/api/v1/reconcile/statements"),
    ("get", "/api/v1/reconcile/queue"),
    ("post", "/api/v1/reconcile/queue/{id}/assign"),
    ("get", "/api/v1/packages/{id}/backtest"),
    ("get", "/api/v1/ledger/entries"),
    ("get", "/api/v1/claims/{id}/position"),
    ("get", "/api/v1/packages/{id}/returns"),
    ("post", "/api/v1/ledger/receipts"),
    ("post", "/api/v1/ledger/expenses"),
    ("post", "/api/v1/ledger/entries/{id}/reverse"),
];

fn data<T: Serialize>(value: T) -> Response {
    Json(json!({ "data": value })).into_response()
}

pub async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], OPENAPI_JSON).into_response()
}

#[derive(Deserialize)]
pub struct LoginBody {
    username: String,
    password: String,
}

/// `POST /api/v1/session`: logs in, sets the session cookie, returns the CSRF token
/// that later writing calls send as `X-CSRF-Token`.
pub async fn create_session(
    ctx: Ctx,
    State(state): State<AppState>,
    crate::form::Json(body): crate::form::Json<LoginBody>,
) -> Result<Response, AppError> {
    let (token, user) = auth::login(&state, &body.username, &body.password, &ctx.client, ctx.lang).await?;
    let session =
        state.store.session(&auth::token_hash(&token), state.session_idle()).await?.ok_or(AppError::Unauthenticated)?;
    let mut r = data(json!({
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "csrf_token": session.csrf_token,
        "expires_at": session.expires_at,
    }));
    let max_age = state.config.session_hours * 3600;
    r.headers_mut()
        .append(header::SET_COOKIE, auth::set_cookie(&state, SESSION_COOKIE, &token, max_age, SameSite::Lax));
    Ok(r)
}

/// `DELETE /api/v1/session`: logs out (needs `X-CSRF-Token`).
pub async fn delete_session(
    Authorized(ctx, user, _): Authorized<perm::LoggedIn>,
    State(state): State<AppState>,
    Submitted(Confirmed {}): Submitted<Confirmed>,
) -> Result<Response, AppError> {
    let hash = ctx.token_hash.as_deref().ok_or(AppError::Unauthenticated)?;
    state.store.end_session(hash, &user).await?;
    let mut r = data(json!({ "logged_out": true }));
    r.headers_mut().append(header::SET_COOKIE, auth::set_cookie(&state, SESSION_COOKIE, "", 0, SameSite::Lax));
    Ok(r)
}

pub async fn me(ctx: Ctx) -> Result<Response, AppError> {
    let user = ctx.require_login()?;
    let role: Role = user.role;
    Ok(data(json!({
        "username": user.username,
        "display_name": user.display_name,
        "role": role,
        "role_name": role.name(ctx.lang),
    })))
}

pub async fn dashboard(ctx: Ctx, State(state): State<AppState>) -> Result<Response, AppError> {
    ctx.require(Permission::ViewDashboard)?;
    Ok(data(state.store.dashboard().await?))
}

pub(crate) fn package_json(p: &huajie_store::PackageSummary) -> Value {
    json!({
        "id": p.package.id,
        "code": p.package.data.code,
        "name": p.package.data.name,
        "transferor": { "id": p.transferor.id, "name": p.transferor.data.name },
        "cutoff_date": p.package.data.cutoff_date,
        "status": p.package.data.status,
        "acquired_on": p.package.data.acquired_on,
        "price_fen": p.package.data.price,
        "valuation_basis": p.package.data.valuation_basis,
        "claim_count": p.claim_count,
        "principal_fen": p.principal,
        "total_fen": p.total,
        "appraised_collateral_fen": p.appraised_collateral,
    })
}

pub async fn packages(ctx: Ctx, State(state): State<AppState>) -> Result<Response, AppError> {
    ctx.require(Permission::ViewPackages)?;
    Ok(data(state.store.packages().await?.iter().map(package_json).collect::<Vec<_>>()))
}

pub async fn package(ctx: Ctx, State(state): State<AppState>, Path(id): Path<i64>) -> Result<Response, AppError> {
    ctx.require(Permission::ViewPackages)?;
    let p = state.store.package(id).await?.ok_or(AppError::NotFound)?;
    Ok(data(package_json(&p)))
}

fn claim_json(r: &ClaimRow, ctx: &Ctx) -> Value {
    let c = &r.claim.data;
    json!({
        "id": r.claim.id,
        "package_id": c.package_id,
        "contract_no": c.contract_no,
        "debtor": party_view(&r.debtor, ctx),
        "principal_fen": c.principal,
        "interest_fen": c.interest,
        "penalty_fen": c.penalty,
        "advanced_costs_fen": c.advanced_costs,
        "total_fen": c.total().ok(),
        "five_class": c.five_class,
        "litigation_stage": c.litigation_stage,
        "default_date": c.default_date,
        "limitation_date": c.limitation_date,
        "province": c.province,
    })
}

/// `limit` and `offset` of a list call.
#[derive(Deserialize)]
pub struct Paging {
    limit: Option<Int>,
    offset: Option<Int>,
}

/// The most rows one list call returns, and how many when `limit` is not given.
pub const API_ROWS_MAX: i64 = 1_000;
pub const API_ROWS_DEFAULT: i64 = 100;

impl Paging {
    /// `(limit, offset)`: `limit` from 1 to `API_ROWS_MAX` (`API_ROWS_DEFAULT` when absent),
    /// `offset` from 0 (0 when absent). A value out of range is refused, never clamped: a
    /// client asking for 5,000 rows must learn that it gets at most 1,000.
    pub(crate) fn read(&self, lang: huajie_core::Lang) -> Result<(i64, i64), AppError> {
        let limit = in_range(lang, "limit", self.limit, 1, API_ROWS_MAX)?.unwrap_or(API_ROWS_DEFAULT);
        let offset = in_range(lang, "offset", self.offset, 0, i64::MAX)?.unwrap_or(0);
        Ok((limit, offset))
    }
}

/// A whole-number query parameter within `min..=max`, or a 400 that says the range.
fn in_range(
    lang: huajie_core::Lang,
    name: &str,
    value: Option<Int>,
    min: i64,
    max: i64,
) -> Result<Option<i64>, AppError> {
    match value {
        Some(Int(v)) if v < min || v > max => {
            let key = if max == i64::MAX { "param.at_least" } else { "param.range" };
            Err(AppError::BadRequest(
                tr(lang, key)
                    .replace("{param}", &tr(lang, "param.query").replace("{name}", name))
                    .replace("{min}", &min.to_string())
                    .replace("{max}", &max.to_string())
                    .replace("{value}", &v.to_string()),
            ))
        }
        other => Ok(other.map(|Int(v)| v)),
    }
}

pub async fn package_claims(
    ctx: Ctx,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(p): Query<Paging>,
) -> Result<Response, AppError> {
    ctx.require(Permission::ViewClaims)?;
    let (limit, offset) = p.read(ctx.lang)?;
    let summary = state.store.package(id).await?.ok_or(AppError::NotFound)?;
    let rows = state.store.claims_of_package_page(id, limit, offset).await?;
    Ok(Json(json!({
        "data": rows.iter().map(|r| claim_json(r, &ctx)).collect::<Vec<_>>(),
        "total": summary.claim_count,
    }))
    .into_response())
}

pub async fn claim(ctx: Ctx, State(state): State<AppState>, Path(id): Path<i64>) -> Result<Response, AppError> {
    ctx.require(Permission::ViewClaims)?;
    let store = &state.store;
    let row = store.claim(id).await?.ok_or(AppError::NotFound)?;
    let see_personal = ctx.can(Permission::ViewPersonalData);
    let collateral: Vec<Value> = store
        .collateral_of_claim(id)
        .await?
        .iter()
        .map(|m| {
            let d = &m.collateral.data;
            let personal = m.owner.as_ref().is_some_and(|o| o.data.kind() == huajie_core::PartyKind::Individual) && !see_personal;
            json!({
                "id": m.collateral.id,
                "collateral_type": d.collateral_type,
                "security_kind": d.security_kind(),
                "description": if personal { d.collateral_type.zh().to_string() } else { d.description.clone() },
                "address": d.address.as_deref().map(|a| if personal { huajie_core::mask::mask_address(a) } else { a.to_string() }),
                "province": d.province,
                "appraised_value_fen": d.appraised_value,
                "appraisal_date": d.appraisal_date,
                "lien_rank": m.rank_for(id),
                "prior_claims_fen": d.prior_claims,
                "secures_claim_ids": m.secures.iter().map(|s| s.claim_id).collect::<Vec<_>>(),
                "secures": m.secures.iter().map(|s| json!({ "claim_id": s.claim_id, "lien_rank": s.lien_rank })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let guarantees: Vec<Value> = store
        .guarantees_of_claim(id)
        .await?
        .iter()
        .map(|g| json!({ "id": g.guarantee.id, "guarantor": party_view(&g.guarantor, &ctx), "kind": g.guarantee.data.kind, "cap_fen": g.guarantee.data.cap }))
        .collect();
    let mut claim = claim_json(&row, &ctx);
    claim["collateral"] = Value::Array(collateral);
    claim["guarantees"] = Value::Array(guarantees);
    Ok(data(claim))
}

#[derive(Deserialize)]
pub struct PartyQuery {
    kind: Option<String>,
    q: Option<String>,
    limit: Option<Int>,
    offset: Option<Int>,
}

pub async fn parties(
    ctx: Ctx,
    State(state): State<AppState>,
    Query(q): Query<PartyQuery>,
) -> Result<Response, AppError> {
    ctx.require(Permission::ViewParties)?;
    let (limit, offset) = Paging { limit: q.limit, offset: q.offset }.read(ctx.lang)?;
    let kind = match q.kind.as_deref() {
        None => None,
        Some(code) => Some(huajie_core::PartyKind::from_code(code).ok_or_else(|| {
            let options = huajie_core::PartyKind::ALL.iter().map(|k| k.code()).collect::<Vec<_>>().join(", ");
            AppError::BadRequest(
                tr(ctx.lang, "param.one_of")
                    .replace("{param}", &tr(ctx.lang, "param.query").replace("{name}", "kind"))
                    .replace("{options}", &options)
                    .replace("{value}", code),
            )
        })?),
    };
    let filter =
        PartyFilter { kind, query: q.q.clone(), limit, offset, names_only: !ctx.can(Permission::ViewPersonalData) };
    let (rows, total) = state.store.parties(&filter).await?;
    let data: Vec<Value> = rows
        .iter()
        .map(|r| {
            let mut v = serde_json::to_value(party_view(&r.party, &ctx)).expect("serialisable");
            v["claims_owed"] = json!(r.debts);
            v["claims_guaranteed"] = json!(r.guarantees);
            v
        })
        .collect();
    Ok(Json(json!({ "data": data, "total": total })).into_response())
}

pub async fn party(ctx: Ctx, State(state): State<AppState>, Path(id): Path<i64>) -> Result<Response, AppError> {
    ctx.require(Permission::ViewParties)?;
    let p = state.store.party(id).await?.ok_or(AppError::NotFound)?;
    Ok(data(party_view(&p, &ctx)))
}

pub async fn users(ctx: Ctx, State(state): State<AppState>) -> Result<Response, AppError> {
    ctx.require(Permission::ManageUsers)?;
    let users: Vec<Value> = state
        .store
        .users()
        .await?
        .iter()
        .map(|u| json!({ "id": u.id, "username": u.username, "display_name": u.display_name, "role": u.role, "active": u.active, "created_at": u.created_at }))
        .collect();
    Ok(data(users))
}

/// The audit API's filters, typed: a date is `YYYY-MM-DD` (a 北京时间 day) or absent.
#[derive(Deserialize)]
pub struct AuditApiQuery {
    actor: Option<String>,
    action: Option<String>,
    entity: Option<String>,
    entity_id: Option<String>,
    from: Option<Date>,
    to: Option<Date>,
    q: Option<String>,
}

/// `GET /api/v1/audit`: the log, newest first, with the page's filters (`actor`, `action`,
/// `entity`, `entity_id`, `from`/`to` as 北京时间 days, `q`); `total` counts what they keep.
pub async fn audit(
    ctx: Ctx,
    State(state): State<AppState>,
    Query(p): Query<Paging>,
    Query(q): Query<AuditApiQuery>,
) -> Result<Response, AppError> {
    ctx.require(Permission::ViewAudit)?;
    let (limit, offset) = p.read(ctx.lang)?;
    let given = |t: Option<String>| t.map(|t| t.trim().to_string()).filter(|t| !t.is_empty());
    let filter = huajie_store::audit_query::AuditFilter {
        actor: given(q.actor),
        action: given(q.action),
        entity: given(q.entity),
        entity_id: given(q.entity_id),
        from: q.from.map(|d| d.0),
        to: q.to.map(|d| d.0),
        search: given(q.q),
        search_text: ctx.can(Permission::ViewPersonalData),
    };
    let hide_personal = !ctx.can(Permission::ViewPersonalData);
    let records: Vec<Value> = state
        .store
        .audit_filtered(&filter, limit, offset)
        .await?
        .into_iter()
        .map(|r| {
            let personal = hide_personal && crate::pages::audit::PERSONAL_ENTITIES.contains(&r.entity.as_str());
            let shown = |t: Option<String>| match (personal, hide_personal) {
                (true, _) => None,
                (false, true) => t.map(|t| crate::view::audit_text_view(&r.entity, &t)),
                (false, false) => t,
            };
            let (before, after) = (shown(r.before.clone()), shown(r.after.clone()));
            json!({
                "seq": r.seq, "at": r.at, "actor": r.actor, "action": r.action, "entity": r.entity, "entity_id": r.entity_id,
                "before": before, "after": after,
                "prev_hash": r.prev_hash, "hash": r.hash,
            })
        })
        .collect();
    Ok(Json(json!({ "data": records, "total": state.store.audit_filtered_count(&filter).await? })).into_response())
}

#[derive(Deserialize)]
pub struct CalendarQuery {
    version: Option<Int>,
}

/// `GET /api/v1/calendar?version=`: a version of the working-day calendar (the latest by
/// default) with every listed day, the years it covers (each with its source and whether it is
/// provisional), and every version.
pub async fn calendar(
    ctx: Ctx,
    State(state): State<AppState>,
    Query(q): Query<CalendarQuery>,
) -> Result<Response, AppError> {
    ctx.require(Permission::ViewCompliance)?;
    let latest = state.store.work_calendar().await?;
    let all = state.store.work_calendars().await?;
    let shown = match q.version.map(|v| v.0) {
        None => latest,
        Some(v) => all.iter().find(|c| c.version == v).cloned().ok_or(AppError::NotFound)?,
    };
    let years: Vec<Value> = shown
        .calendar
        .by_year()
        .iter()
        .map(|y| json!({ "year": y.year, "provisional": y.provisional, "source": y.source }))
        .collect();
    let versions: Vec<Value> = all
        .iter()
        .map(|v| {
            json!({
                "version": v.version,
                "note": v.note,
                "created_by": v.created_by,
                "created_at": huajie_store::timestamp(v.created_at),
                "years": v.calendar.years(),
            })
        })
        .collect();
    Ok(data(json!({
        "version": shown.version,
        "note": shown.note,
        "body_sha256": shown.body_sha256,
        "created_by": shown.created_by,
        "created_at": huajie_store::timestamp(shown.created_at),
        "years": years,
        "days": shown.days,
        "versions": versions,
    })))
}
