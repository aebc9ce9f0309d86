//! Valuation over the API: run a package's valuation, list and read runs and each
//! claim's result, read the assumption sets. Amounts are integer fen, rates and ratios
//! plain numbers (0.15 = 15%).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use huajie_core::Permission;
use huajie_store::{AssumptionSet, ValuationRequest, ValuationRun, fen};
use huajie_value::appraisal::{Appraisal, ClaimResult};
use huajie_value::params::{catalogue, get};
use huajie_value::{Options, RawOptions};
use serde::Deserialize;
use serde_json::{Value, json};

use super::data;
use crate::AppState;
use crate::ctx::{Authorized, Ctx, perm};
use crate::error::AppError;
use crate::form::{FieldErrors, Path, Submitted};

fn fens(xs: &[f64]) -> Vec<i64> {
    xs.iter().map(|x| fen(*x)).collect()
}

fn run_json(run: &ValuationRun) -> Value {
    json!({
        "id": run.id,
        "package_id": run.package_id,
        "model_version": run.model_version,
        "assumption_set_id": run.assumption_set_id,
        "assumption_sha256": run.assumption_sha256,
        "tape_import_id": run.tape_import_id,
        "input_sha256": run.input_sha256,
        "valuation_date": run.valuation_date,
        "target_irr": run.target_irr_bps as f64 / 10_000.0,
        "scenarios": run.scenarios,
        "seed": run.seed,
        "stress": run.stress,
        "bid_fen": run.bid.fen(),
        "price_fen": run.price.fen(),
        "created_by": run.created_by,
        "created_at": huajie_store::timestamp(run.created_at),
    })
}

fn results_json(a: &Appraisal) -> Value {
    let m = &a.metrics;
    json!({
        "claim_amount_fen": fen(a.claim_amount),
        "principal_fen": fen(a.principal),
        "quarterly_fen": fens(&a.quarterly),
        "bid_fen": fen(a.bid),
        "metrics": {
            "price_fen": fen(m.price),
            "irr": m.irr,
            "moic": m.moic,
            "recovery_ratio": m.recovery_ratio,
            "price_of_claim": m.price_of_claim,
            "price_of_principal": m.price_of_principal,
            "payback_quarter": m.payback_quarter,
            "wal_years": m.wal_years,
        },
        "sensitivity": {
            "rates": a.sensitivity.rates,
            "haircuts": a.sensitivity.haircuts,
            "bids_fen": a.sensitivity.bids.iter().map(|row| fens(row)).collect::<Vec<_>>(),
        },
        "stresses": a.stresses.iter().map(|s| json!({ "code": s.code, "bid_fen": fen(s.bid) })).collect::<Vec<_>>(),
        "segments": a.segments.iter().map(|s| json!({
            "product": s.product, "dpd_bucket": s.dpd_bucket, "balance_bucket": s.balance_bucket, "litigated": s.litigated,
            "claims": s.claims, "amount_fen": fen(s.amount), "estimated": s.estimated, "pv_fen": fen(s.pv), "allocation_fen": fen(s.allocation),
        })).collect::<Vec<_>>(),
        "retail_outside_anchor": a.retail_outside_anchor,
        "monte_carlo": a.monte_carlo.as_ref().map(|mc| json!({
            "scenarios": mc.scenarios,
            "seed": mc.seed,
            "mean_fen": fen(mc.distribution.mean),
            "p5_fen": fen(mc.distribution.p5),
            "p50_fen": fen(mc.distribution.p50),
            "p95_fen": fen(mc.distribution.p95),
            "confidence": mc.distribution.confidence,
            "confidence_bid_fen": fen(mc.distribution.confidence_bid),
            "probability_of_hurdle": mc.distribution.probability_of_hurdle,
            "present_values_fen": fens(&mc.present_values),
        })),
    })
}

fn claim_json(c: &ClaimResult) -> Value {
    json!({
        "claim_id": c.id,
        "method": c.method,
        "amount_fen": fen(c.amount),
        "collateral_fen": fen(c.collateral),
        "guarantors_fen": fen(c.guarantors),
        "unsecured_fen": fen(c.unsecured),
        "court_fees_fen": fen(c.court_fees),
        "legal_costs_fen": fen(c.legal_costs),
        "net_fen": fen(c.net),
        "pv_fen": fen(c.pv),
        "allocation_fen": fen(c.allocation),
        "time_barred": c.time_barred,
        "judgment_month": c.judgment_month,
        "enforcement_month": c.enforcement_month,
        "first_auction_month": c.first_auction_month,
        "cash_fen": c.cash.iter().map(|(q, x)| json!({ "quarter": q, "fen": fen(*x) })).collect::<Vec<_>>(),
        "segment": c.segment,
    })
}

/// `GET /api/v1/packages/{id}/valuations`: the package's runs, newest first.
pub async fn runs(ctx: Ctx, State(state): State<AppState>, Path(id): Path<i64>) -> Result<Response, AppError> {
    ctx.require(Permission::ViewValuations)?;
    state.store.package(id).await?.ok_or(AppError::NotFound)?;
    let runs = state.store.valuation_runs(id).await?;
    Ok(data(runs.iter().map(run_json).collect::<Vec<_>>()))
}

#[derive(Deserialize)]
pub struct RunBody {
    assumption_set_id: Option<i64>,
    target_irr: f64,
    price_fen: Option<i64>,
    #[serde(default)]
    scenarios: usize,
    seed: Option<u64>,
    stress: Option<String>,
    /// `YYYY-MM-DD`; absent = the package's default (its cut-off while priced, today once held).
    valuation_date: Option<String>,
}

impl RunBody {
    /// What the run asks for, or every field that cannot be read or is out of range, by its key.
    fn parse(
        &self,
        package: &huajie_core::Package,
        set_known: bool,
    ) -> Result<(Option<NaiveDate>, Options), FieldErrors> {
        let mut e = FieldErrors::default();
        if !set_known {
            e.add("assumption_set_id", crate::i18n::text("valuation.bad_set"));
        }
        let date = self.valuation_date.as_deref().unwrap_or("");
        let date = e.check("valuation_date", crate::pages::valuation::valuation_date_of(date, package));
        let options = Options::checked(RawOptions {
            target_irr: self.target_irr,
            price_yuan: self.price_fen.map(|p| p as f64 / 100.0),
            scenarios: self.scenarios,
            seed: self.seed,
            stress: self.stress.clone(),
        });
        let keys = ["target_irr", "price_fen", "scenarios", "stress"];
        let options = options.map_err(|limits| crate::pages::valuation::out_of_range(&mut e, limits, keys)).ok();
        e.finish(|| Some((date?, options?)))
    }
}

/// `POST /api/v1/packages/{id}/valuations`: runs and records a valuation (needs `X-CSRF-Token`).
pub async fn create(
    Path(id): Path<i64>,
    Authorized(_, user, _): Authorized<perm::RunValuations>,
    State(state): State<AppState>,
    Submitted(body): Submitted<RunBody>,
) -> Result<Response, AppError> {
    let package = state.store.package(id).await?.ok_or(AppError::NotFound)?;
    let set_known = match body.assumption_set_id {
        Some(set) => state.store.assumption_set(set).await?.is_some(),
        None => true,
    };
    let (valuation_date, options) = body.parse(&package.package.data, set_known).map_err(AppError::Invalid)?;
    let req = ValuationRequest { package_id: id, assumption_set_id: body.assumption_set_id, valuation_date, options };
    let (_, appraisal, run) = state.store.value_package(&user.username, &req, true).await?;
    let run = run.ok_or(AppError::NotFound)?;
    let mut r = Json(json!({ "data": { "run": run_json(&run), "results": results_json(&appraisal) } })).into_response();
    *r.status_mut() = StatusCode::CREATED;
    Ok(r)
}

/// `GET /api/v1/valuations/{id}`: a run and its package-level results.
pub async fn run(ctx: Ctx, State(state): State<AppState>, Path(id): Path<i64>) -> Result<Response, AppError> {
    ctx.require(Permission::ViewValuations)?;
    let run = state.store.valuation_run(id).await?.ok_or(AppError::NotFound)?;
    let a = run.appraisal()?;
    let signoff = signoff_json(&run, &state.store.valuation_signoff(id).await?);
    Ok(data(json!({ "run": run_json(&run), "results": results_json(&a), "signoff": signoff })))
}

/// A run's sign-off (issue 16): its status, who prepared, reviewed and approved it, when (UTC instants).
fn signoff_json(run: &ValuationRun, s: &huajie_store::RunSignoff) -> Value {
    let status = match (&s.approval, &s.review) {
        (Some(_), _) => "approved",
        (None, Some(_)) => "reviewed",
        (None, None) => "draft",
    };
    json!({
        "status": status,
        "prepared_by": run.created_by,
        "prepared_at": huajie_store::timestamp(run.created_at),
        "reviewed_by": s.review.as_ref().map(|r| r.reviewed_by.clone()),
        "reviewed_at": s.review.as_ref().map(|r| huajie_store::timestamp(r.reviewed_at)),
        "approved_at": s.approval.as_ref().map(|a| huajie_store::timestamp(a.decided_at)),
        "approved_meeting_id": s.approval.as_ref().map(|a| a.meeting_id),
        "approved_item_id": s.approval.as_ref().map(|a| a.item_id),
    })
}

/// `GET /api/v1/valuations/{id}/claims`: each claim's result in the run.
pub async fn claims(ctx: Ctx, State(state): State<AppState>, Path(id): Path<i64>) -> Result<Response, AppError> {
    ctx.require(Permission::ViewValuations)?;
    state.store.valuation_run(id).await?.ok_or(AppError::NotFound)?;
    let claims = state.store.valuation_claims(id).await?;
    Ok(data(claims.iter().map(claim_json).collect::<Vec<_>>()))
}

fn set_json(s: &AssumptionSet, with_parameters: bool) -> Value {
    let mut v = json!({
        "id": s.id, "name": s.name, "version": s.version, "based_on": s.based_on, "sha256": s.body_sha256,
        "note": s.note, "created_by": s.created_by, "created_at": huajie_store::timestamp(s.created_at),
    });
    if with_parameters {
        v["parameters"] = catalogue()
            .iter()
            .map(|p| {
                json!({
                    "path": p.path, "name_zh": p.zh, "name_en": p.en, "value": get(&s.assumptions, &p.path),
                    "source": p.source, "confidence": p.confidence.code(),
                })
            })
            .collect();
    }
    v
}

/// `GET /api/v1/assumption-sets`.
pub async fn sets(ctx: Ctx, State(state): State<AppState>) -> Result<Response, AppError> {
    ctx.require(Permission::ViewValuations)?;
    state.store.default_assumption_set().await?;
    let sets = state.store.assumption_sets().await?;
    Ok(data(sets.iter().map(|s| set_json(s, false)).collect::<Vec<_>>()))
}

/// `GET /api/v1/assumption-sets/{id}`: a set with every parameter, its source and confidence.
pub async fn set(ctx: Ctx, State(state): State<AppState>, Path(id): Path<i64>) -> Result<Response, AppError> {
    ctx.require(Permission::ViewValuations)?;
    let set = state.store.assumption_set(id).await?.ok_or(AppError::NotFound)?;
    Ok(data(set_json(&set, true)))
}

#[derive(Deserialize)]
pub struct BasisBody {
    basis: String,
}

/// `POST /api/v1/packages/{id}/valuation-basis`: a valuer sets how the package is valued
/// (`{"basis": "retail" | "claims"}`, needs `X-CSRF-Token`); answers with the package.
pub async fn set_basis(
    Path(id): Path<i64>,
    Authorized(_, user, _): Authorized<perm::EditAssumptions>,
    State(state): State<AppState>,
    Submitted(body): Submitted<BasisBody>,
) -> Result<Response, AppError> {
    state.store.package(id).await?.ok_or(AppError::NotFound)?;
    let basis = huajie_core::ValuationBasis::from_code(&body.basis).ok_or(crate::i18n::text("valuation.bad_basis"));
    let basis = FieldErrors::only("basis", basis)?;
    state.store.set_valuation_basis(&user.username, id, basis).await?;
    let p = state.store.package(id).await?.ok_or(AppError::NotFound)?;
    Ok(Json(json!({ "data": super::package_json(&p) })).into_response())
}
