//! Compliance over the API: the six indicators at a date with their lines, the recorded
//! quarter-end results, pre-trade checks (run, list, read, override), and the compliance
//! book (read, add an entry with the same fields as the book's forms). Amounts are integer
//! fen, except book entries, which take the forms' text (万元 unless suffixed 元).

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use huajie_core::{Money, Permission};
use huajie_rules::Indicator;
use huajie_rules::indicators::latest_quarter_end;
use huajie_store::DealCheck;
use huajie_store::book::{book_kind, read_entry};
use serde::Deserialize;
use serde_json::{Value, json};

use super::data;
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::i18n::tr;
use crate::pages::book::refused;
use crate::pages::compliance::Names;

fn fen(x: i128) -> i64 {
    i64::try_from(x).unwrap_or(if x < 0 { i64::MIN } else { i64::MAX })
}

fn body<T: serde::de::DeserializeOwned>(ctx: &Ctx, headers: &HeaderMap, bytes: &[u8]) -> Result<T, AppError> {
    ctx.check_csrf(headers.get("x-csrf-token").and_then(|v| v.to_str().ok()).unwrap_or(""))?;
    serde_json::from_slice(bytes).map_err(|e| AppError::BadRequest(format!("{} ({e})", tr(ctx.lang, "error.bad_json"))))
}

fn indicator_json(i: &Indicator, lines: Vec<Value>) -> Value {
    json!({
        "id": format!("{:?}", i.id),
        "as_of": i.as_of,
        "numerator_fen": fen(i.numerator),
        "denominator_fen": fen(i.denominator),
        "ratio": i.ratio(),
        "no_ratio": i.no_ratio,
        "limit": f64::from(i.limit_bps) / 10_000.0,
        "upper": i.upper,
        "status": i.status,
        "in_transition": i.in_transition,
        "basis_date": i.basis_date,
        "lines": lines,
    })
}

#[derive(Deserialize)]
pub struct AsOf {
    as_of: Option<NaiveDate>,
    version: Option<i64>,
}

/// `GET /api/v1/compliance/indicators?as_of=&version=`.
pub async fn indicators(ctx: Ctx, State(state): State<AppState>, Query(q): Query<AsOf>) -> Result<Response, AppError> {
    ctx.require(Permission::ViewCompliance)?;
    let store = &state.store;
    let as_of = q.as_of.unwrap_or_else(|| latest_quarter_end(store.clock().today()));
    let params = match q.version {
        Some(v) => store.rule_parameter_sets().await?.into_iter().find(|s| s.version == v).ok_or(AppError::NotFound)?,
        None => store.rule_parameters().await?,
    };
    let ledger = store.compliance_ledger().await?;
    let all = huajie_rules::indicators(&ledger, &params.parameters, as_of)
        .map_err(|e| AppError::BadRequest(ctx.lang.half(&e.to_string())))?;
    let mut names = Names::default();
    let mut out = Vec::new();
    for i in &all {
        let mut lines = Vec::new();
        for (line, (label, amount, flagged)) in i.lines.iter().zip(names.lines(&ctx, store, i, usize::MAX).await?) {
            lines.push(
                json!({ "label": label, "party_id": line.party, "amount_fen": amount.fen(), "flagged": flagged }),
            );
        }
        out.push(indicator_json(i, lines));
    }
    Ok(data(json!({ "as_of": as_of, "parameter_version": params.version, "indicators": out })))
}

/// `GET /api/v1/compliance/results`: the recorded quarter-end results.
pub async fn results(ctx: Ctx, State(state): State<AppState>) -> Result<Response, AppError> {
    ctx.require(Permission::ViewCompliance)?;
    let out: Vec<Value> = state
        .store
        .indicator_results()
        .await?
        .iter()
        .map(|r| {
            json!({
                "id": r.id, "quarter_end": r.quarter_end, "parameter_version": r.parameter_version, "body_sha256": r.body_sha256,
                "created_by": r.created_by, "created_at": r.created_at,
                "indicators": r.indicators.iter().map(|i| indicator_json(i, Vec::new())).collect::<Vec<_>>(),
            })
        })
        .collect();
    Ok(data(out))
}

#[derive(Deserialize)]
pub struct RecordBody {
    quarter_end: NaiveDate,
}

/// `POST /api/v1/compliance/results`: records a quarter-end with the parameters in force.
pub async fn record(
    ctx: Ctx,
    State(state): State<AppState>,
    headers: HeaderMap,
    bytes: axum::body::Bytes,
) -> Result<Response, AppError> {
    let user = ctx.require(Permission::RecordIndicators)?;
    let b: RecordBody = body(&ctx, &headers, &bytes)?;
    let r = match state.store.record_quarter_end(&user.username, b.quarter_end).await {
        Ok(r) => r,
        Err(e) => return Err(AppError::BadRequest(refused(ctx.lang)(e)?)),
    };
    Ok((
        StatusCode::CREATED,
        Json(json!({ "data": { "id": r.id, "quarter_end": r.quarter_end, "parameter_version": r.parameter_version } })),
    )
        .into_response())
}

/// A check as JSON, as this viewer may see it (`view::check_view`).
fn check_json(c: &DealCheck, ctx: &Ctx) -> Value {
    let c = &crate::view::check_view(c, ctx);
    json!({
        "id": c.id,
        "kind": c.kind,
        "package_id": c.package_id,
        "label": c.label,
        "as_of": c.as_of,
        "parameter_version": c.parameter_version,
        "deal": serde_json::from_str::<Value>(&c.deal).unwrap_or(Value::Null),
        "standing": c.standing().code(),
        "findings": c.result.findings.iter().enumerate().map(|(k, f)| json!({
            "index": k, "rule": f.rule, "effect": f.effect, "subject": f.subject, "zh": f.zh, "en": f.en,
            "override": c.overrides.iter().find(|o| o.finding == k as i64).map(|o| json!({ "reason": o.reason, "by": o.created_by, "at": o.created_at })),
        })).collect::<Vec<_>>(),
        "before": c.result.before.iter().map(|i| indicator_json(i, Vec::new())).collect::<Vec<_>>(),
        "after": c.result.after.iter().map(|i| indicator_json(i, Vec::new())).collect::<Vec<_>>(),
        "created_by": c.created_by,
        "created_at": c.created_at,
    })
}

fn may_read_checks(ctx: &Ctx) -> Result<(), AppError> {
    ctx.require(Permission::ViewDealChecks).map(drop)
}

/// `GET /api/v1/compliance/checks`: the latest 200 checks.
pub async fn checks(ctx: Ctx, State(state): State<AppState>) -> Result<Response, AppError> {
    may_read_checks(&ctx)?;
    Ok(data(state.store.deal_checks(None, 200).await?.iter().map(|c| check_json(c, &ctx)).collect::<Vec<_>>()))
}

/// `GET /api/v1/compliance/checks/{id}`.
pub async fn check(ctx: Ctx, State(state): State<AppState>, Path(id): Path<i64>) -> Result<Response, AppError> {
    may_read_checks(&ctx)?;
    let c = state.store.deal_check(id).await?.ok_or(AppError::NotFound)?;
    Ok(data(check_json(&c, &ctx)))
}

#[derive(Deserialize)]
pub struct PackageCheckBody {
    /// acquisition or disposal.
    kind: String,
    price_fen: i64,
    as_of: Option<NaiveDate>,
    transferee_identifier: Option<String>,
    transferee_name: Option<String>,
}

/// `POST /api/v1/packages/{id}/checks`: a proposed acquisition or disposal of a package.
pub async fn check_package(
    ctx: Ctx,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    bytes: axum::body::Bytes,
) -> Result<Response, AppError> {
    ctx.require(Permission::CheckDeals)?;
    let b: PackageCheckBody = body(&ctx, &headers, &bytes)?;
    let lang = ctx.lang;
    let disposal = match b.kind.as_str() {
        "acquisition" => false,
        "disposal" => true,
        _ => {
            return Err(AppError::BadRequest(format!("kind: {}", tr(lang, "checks.bad_option"))));
        }
    };
    if b.price_fen < 0 {
        return Err(AppError::BadRequest(format!("price_fen: {}", tr(lang, "checks.bad_amount"))));
    }
    let as_of = b.as_of.unwrap_or_else(|| state.store.clock().today());
    let price = Money::from_fen(b.price_fen);
    let outcome = crate::pages::checks::check_package(
        &ctx,
        &state,
        id,
        disposal,
        price,
        as_of,
        b.transferee_identifier.as_deref().unwrap_or("").trim(),
        b.transferee_name.as_deref().unwrap_or("").trim(),
    )
    .await?;
    match outcome {
        Ok(c) => Ok((StatusCode::CREATED, Json(json!({ "data": check_json(&c, &ctx) }))).into_response()),
        Err(message) => Err(AppError::BadRequest(message)),
    }
}

#[derive(Deserialize)]
pub struct OverrideBody {
    finding: usize,
    reason: String,
}

/// `POST /api/v1/compliance/checks/{id}/overrides`: the risk role overrides a finding.
pub async fn override_finding(
    ctx: Ctx,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    bytes: axum::body::Bytes,
) -> Result<Response, AppError> {
    let user = ctx.require(Permission::OverrideFindings)?;
    let b: OverrideBody = body(&ctx, &headers, &bytes)?;
    let c = state.store.deal_check(id).await?.ok_or(AppError::NotFound)?;
    let mut tx = state.store.write(&user.username).await?;
    match tx.override_finding(&c, b.finding, &b.reason).await {
        Ok(_) => {
            tx.commit().await?;
            let c = state.store.deal_check(id).await?.ok_or(AppError::NotFound)?;
            Ok((StatusCode::CREATED, Json(json!({ "data": check_json(&c, &ctx) }))).into_response())
        }
        Err(e) => {
            drop(tx);
            Err(AppError::BadRequest(refused(ctx.lang)(e)?))
        }
    }
}

/// `GET /api/v1/compliance/book`: every record of the book.
pub async fn book(ctx: Ctx, State(state): State<AppState>) -> Result<Response, AppError> {
    ctx.require(Permission::ViewComplianceBook)?;
    let s = &state.store;
    Ok(data(json!({
        "net_assets": s.net_assets().await?,
        "investments": s.investments().await?,
        "funding": s.funding_book().await?,
        "cash_flows": s.cash_calendar().await?,
        "liquid_assets": s.liquid_assets().await?,
        "exposures": s.exposures().await?,
        "holdings": s.party_links().await?,
        "officers": s.officers().await?,
        "relatives": s.relatives().await?.iter().map(|r| json!({ "a_id": r.a_id, "b_id": r.b_id })).collect::<Vec<_>>(),
        "party_attributes": s.party_attributes().await?,
    })))
}

/// `POST /api/v1/compliance/book/{kind}`: one entry, with the fields of the book's form
/// (strings or numbers); each field that cannot be read is named, and nothing is saved.
pub async fn add_entry(
    ctx: Ctx,
    State(state): State<AppState>,
    Path(kind): Path<String>,
    headers: HeaderMap,
    bytes: axum::body::Bytes,
) -> Result<Response, AppError> {
    let user = ctx.require(Permission::EditComplianceBook)?;
    let b: HashMap<String, Value> = body(&ctx, &headers, &bytes)?;
    let lang = ctx.lang;
    let kind = book_kind(&kind).ok_or(AppError::NotFound)?;
    let get = |k: &str| {
        b.get(k).and_then(|v| match v {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(x) => Some(x.to_string()),
            _ => None,
        })
    };
    let entry = read_entry(kind, &get).map_err(|problems| {
        AppError::BadRequest(
            problems.iter().map(|(k, m)| format!("{k}: {}", lang.half(m))).collect::<Vec<_>>().join("; "),
        )
    })?;
    let mut tx = state.store.write(&user.username).await?;
    match tx.apply_book_entry(&entry).await {
        Ok(()) => {
            tx.commit().await?;
            Ok((StatusCode::CREATED, Json(json!({ "data": { "kind": kind.code } }))).into_response())
        }
        Err(e) => {
            drop(tx);
            Err(AppError::BadRequest(refused(lang)(e)?))
        }
    }
}

/// `DELETE /api/v1/compliance/book/{kind}/{id}`: removes one entry (audited).
pub async fn remove_entry(
    ctx: Ctx,
    State(state): State<AppState>,
    Path((kind, id)): Path<(String, i64)>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let user = ctx.require(Permission::EditComplianceBook)?;
    ctx.check_csrf(headers.get("x-csrf-token").and_then(|v| v.to_str().ok()).unwrap_or(""))?;
    book_kind(&kind).ok_or(AppError::NotFound)?;
    state.store.remove_book_entry(&user.username, &kind, id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
