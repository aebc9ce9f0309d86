//! Compliance over the API: the six indicators at a date with their lines, the recorded
//! quarter-end results, pre-trade checks (run, list, read, override), and the compliance
//! book (read, add an entry with the same fields as the book's forms). Amounts are integer
//! fen, except book entries, which take the forms' text (万元 unless suffixed 元).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use huajie_core::{Money, Permission};
use huajie_rules::Indicator;
use huajie_rules::indicators::latest_quarter_end;
use huajie_store::DealCheck;
use huajie_store::book::{CHANNELS, EXPOSURE_KINDS, INVESTMENT_KINDS, book_kind};
use serde::Deserialize;
use serde_json::{Value, json};

use super::data;
use crate::AppState;
use crate::ctx::{Authorized, Ctx, perm};
use crate::error::AppError;
use crate::form::fields::{labelled, option, quoting, required};
use crate::form::{Confirmed, Date, FieldErrors, Int, Path, Query, Submitted};
use crate::i18n::text;
use crate::pages::checks::{PackageDeal, PackageProposal};
use crate::pages::compliance::Names;

fn fen(x: i128) -> i64 {
    i64::try_from(x).unwrap_or(if x < 0 { i64::MIN } else { i64::MAX })
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
    as_of: Option<Date>,
    version: Option<Int>,
}

/// `GET /api/v1/compliance/indicators?as_of=&version=`.
pub async fn indicators(ctx: Ctx, State(state): State<AppState>, Query(q): Query<AsOf>) -> Result<Response, AppError> {
    ctx.require(Permission::ViewCompliance)?;
    let store = &state.store;
    let as_of = q.as_of.map(|d| d.0).unwrap_or_else(|| latest_quarter_end(store.clock().today()));
    let params = match q.version.map(|v| v.0) {
        Some(v) => store.rule_parameter_sets().await?.into_iter().find(|s| s.version == v).ok_or(AppError::NotFound)?,
        None => store.rule_parameters().await?,
    };
    let answer = store.indicators(as_of, &params).await?;
    let all = answer.indicators.as_ref().map_err(|e| AppError::NoData(e.text().get(ctx.lang).to_string()))?;
    let mut names = Names::default();
    names.load_lines(&ctx, store, all).await?;
    let mut out = Vec::new();
    for i in all {
        let mut lines = Vec::new();
        for (line, (label, amount, flagged)) in i.lines.iter().zip(names.lines(&ctx, store, i, usize::MAX).await?) {
            lines.push(
                json!({ "label": label, "party_id": line.party, "amount_fen": amount.fen(), "flagged": flagged, "part": line.part }),
            );
        }
        out.push(indicator_json(i, lines));
    }
    Ok(data(json!({
        "as_of": as_of,
        "parameter_version": params.version,
        "indicators": out,
        "exit_watch": exit_watch_json(&answer, &params.parameters),
        "company_profile": store.company_profile_at(as_of).await?.as_ref().map(profile_json),
        "findings": answer.findings.iter().map(finding_json).collect::<Vec<_>>(),
    })))
}

fn finding_json(f: &huajie_rules::checks::Finding) -> Value {
    json!({ "rule": f.rule, "effect": f.effect, "subject": f.subject, "zh": f.zh, "en": f.en })
}

/// Q15: whole months since the last financial-NPA acquisition, against the alert and breach marks.
fn exit_watch_json(answer: &huajie_store::BookAnswer, p: &huajie_rules::RuleParameters) -> Value {
    let (months, finding) = (answer.exit_months, &answer.exit_finding);
    let status = match months {
        Some(m) if m >= i64::from(p.exit_breach_months) => "breach",
        Some(m) if m >= i64::from(p.exit_alert_months) => "alert",
        _ => "pass",
    };
    json!({
        "since": answer.exit_since,
        "months": months,
        "alert_months": p.exit_alert_months,
        "breach_months": p.exit_breach_months,
        "status": status,
        "finding": finding.as_ref().map(finding_json),
    })
}

/// `GET /api/v1/compliance/funding?as_of=`: the funding check of the book — every instrument
/// with its channel and lender, principal and schedule, and what the channel check finds
/// (a prohibited channel blocks; a loan from a non-FI or a non-shareholder warns).
pub async fn funding(ctx: Ctx, State(state): State<AppState>, Query(q): Query<AsOf>) -> Result<Response, AppError> {
    ctx.require(Permission::ViewCompliance)?;
    let store = &state.store;
    let as_of = q.as_of.map(|d| d.0).unwrap_or_else(|| latest_quarter_end(store.clock().today()));
    let ledger = store.compliance_ledger(as_of).await?;
    let licensed: std::collections::BTreeSet<i64> =
        store.party_attributes().await?.into_iter().filter(|a| a.licensed_fi).map(|a| a.party_id).collect();
    let mut names = Names::default();
    let mut out = Vec::new();
    let mut total: i128 = 0;
    let book = store.funding_book().await?;
    let lenders: Vec<i64> = book.iter().map(|f| f.lender_id).collect();
    names.load(&ctx, store, &lenders).await?;
    for f in book {
        let channel = huajie_rules::indicators::Channel::from_code(&f.channel)
            .ok_or_else(|| AppError::Internal(format!("funding_instruments.channel: {}", f.channel)))?;
        let shareholder = ledger.is_shareholder(f.lender_id);
        let findings =
            huajie_rules::checks::funding_channel(&f.label, channel, licensed.contains(&f.lender_id), shareholder);
        let outstanding = f.start_date <= as_of && f.maturity_date >= as_of;
        if outstanding {
            total += i128::from(f.principal.fen());
        }
        out.push(json!({
            "id": f.id,
            "label": f.label,
            "channel": f.channel,
            "prohibited": channel.prohibited(),
            "lender_id": f.lender_id,
            "lender": names.name(&ctx, store, f.lender_id).await?,
            "lender_licensed_fi": licensed.contains(&f.lender_id),
            "lender_shareholder": shareholder,
            "principal_fen": f.principal.fen(),
            "start_date": f.start_date,
            "maturity_date": f.maturity_date,
            "line_limit_fen": f.line_limit.map(Money::fen),
            "outstanding": outstanding,
            "schedule": f.payments.iter().map(|(d, p, i)| json!({ "date": d, "principal_fen": p.fen(), "interest_fen": i.fen() })).collect::<Vec<_>>(),
            "findings": findings.iter().map(finding_json).collect::<Vec<_>>(),
        }));
    }
    Ok(data(json!({ "as_of": as_of, "outstanding_fen": fen(total), "instruments": out })))
}

#[derive(Deserialize)]
pub struct PaymentBody {
    date: NaiveDate,
    principal_fen: i64,
    interest_fen: i64,
}

#[derive(Deserialize)]
pub struct ProposalBody {
    /// funding or investment.
    kind: String,
    label: String,
    amount_fen: i64,
    as_of: Option<NaiveDate>,
    counterparty_identifier: Option<String>,
    counterparty_name: Option<String>,
    /// Funding: one of the channel codes.
    channel: Option<String>,
    #[serde(default)]
    schedule: Vec<PaymentBody>,
    /// Investment: its kind and the exposure it creates.
    investment_kind: Option<String>,
    exposure: Option<String>,
}

impl ProposalBody {
    /// The proposal (`as_of` absent: `today`), or every field that cannot be read, by its key.
    fn parse(&self, today: NaiveDate) -> Result<crate::pages::checks::Proposal, FieldErrors> {
        use crate::pages::checks::{Proposal, ProposalKind};
        use huajie_rules::indicators::{Channel, ExposureKind, InvestmentKind, Payment};
        let mut e = FieldErrors::default();
        let code = |v: &Option<String>| v.as_deref().unwrap_or("").trim().to_string();
        let label = e.read("label", &text("checks.label"), required(&self.label));
        let amount = e.read("amount_fen", &text("checks.sum"), fen_amount(self.amount_fen));
        let kind = match self.kind.as_str() {
            "funding" => {
                let channel = e.read("channel", &text("checks.channel"), option(&code(&self.channel), CHANNELS));
                if self.schedule.iter().any(|p| p.principal_fen < 0 || p.interest_fen < 0) {
                    e.add("schedule", labelled(&text("checks.schedule"), &text("form.negative")));
                }
                let payments = self
                    .schedule
                    .iter()
                    .map(|p| Payment {
                        date: p.date,
                        principal: Money::from_fen(p.principal_fen),
                        interest: Money::from_fen(p.interest_fen),
                    })
                    .collect();
                channel.and_then(Channel::from_code).map(|channel| ProposalKind::Funding { channel, payments })
            }
            "investment" => {
                let kind = e.read(
                    "investment_kind",
                    &text("checks.investment_kind"),
                    option(&code(&self.investment_kind), INVESTMENT_KINDS),
                );
                let exposure =
                    e.read("exposure", &text("checks.exposure"), option(&code(&self.exposure), EXPOSURE_KINDS));
                kind.and_then(InvestmentKind::from_code)
                    .zip(exposure.and_then(ExposureKind::from_code))
                    .map(|(kind, exposure)| ProposalKind::Investment { kind, exposure })
            }
            other => {
                e.add("kind", quoting(other, "form.bad_option"));
                None
            }
        };
        e.finish(|| {
            Some(Proposal {
                kind: kind?,
                label: label?,
                amount: amount?,
                as_of: self.as_of.unwrap_or(today),
                counterparty: code(&self.counterparty_identifier),
                counterparty_name: code(&self.counterparty_name),
            })
        })
    }
}

/// An amount in fen, never negative.
fn fen_amount(fen: i64) -> Result<Money, huajie_core::Text> {
    if fen < 0 { Err(quoting(&fen.to_string(), "form.negative")) } else { Ok(Money::from_fen(fen)) }
}

/// `POST /api/v1/compliance/checks`: a proposed funding instrument or investment, checked as
/// the checks page does (a prohibited channel blocks), and recorded. Every field that cannot
/// be read is named (`fields` in the error's envelope).
pub async fn check_proposal(
    Authorized(ctx, _, _): Authorized<perm::CheckDeals>,
    State(state): State<AppState>,
    Submitted(b): Submitted<ProposalBody>,
) -> Result<Response, AppError> {
    let proposal = b.parse(state.store.clock().today()).map_err(AppError::Invalid)?;
    let c = crate::pages::checks::check_proposal(&ctx, &state, proposal).await?;
    Ok((StatusCode::CREATED, Json(json!({ "data": check_json(&c, &ctx) }))).into_response())
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
                "created_by": r.created_by, "created_at": huajie_store::timestamp(r.created_at),
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
    Authorized(_, user, _): Authorized<perm::RecordIndicators>,
    State(state): State<AppState>,
    Submitted(b): Submitted<RecordBody>,
) -> Result<Response, AppError> {
    let r = state.store.record_quarter_end(&user.username, b.quarter_end).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "data": { "id": r.id, "quarter_end": r.quarter_end, "parameter_version": r.parameter_version } })),
    )
        .into_response())
}

fn territory_json(t: &huajie_rules::checks::Territory) -> Value {
    json!({
        "failing_claims": t.failing,
        "failing_amount_fen": t.failing_amount.fen(),
        "total_amount_fen": t.total_amount.fen(),
        "failing_share": (t.total_amount.fen() > 0).then(|| t.failing_amount.fen() as f64 / t.total_amount.fen() as f64),
    })
}

fn price_json(p: &huajie_rules::pretrade::PriceContext) -> Value {
    json!({
        "price_fen": p.price.fen(),
        "face_value_fen": p.face_value.fen(),
        "price_of_face": p.of_face(),
        "valuation": p.valuation.as_ref().map(|v| json!({ "run_id": v.run_id, "valuation_date": v.valuation_date, "value_fen": v.value.fen() })),
        "price_of_valuation": p.of_valuation(),
        "cost_fen": p.cost.map(|c| c.fen()),
        "expected_gain_fen": p.gain().map(fen),
    })
}

/// Deal prices are for those who see the packages or check deals (not the regulator).
fn sees_prices(ctx: &Ctx) -> bool {
    ctx.can(Permission::ViewPackages) || ctx.can(Permission::CheckDeals)
}

/// A check as JSON, as this viewer may see it (`view::check_view`; prices only to those who see them).
pub(crate) fn check_json(c: &DealCheck, ctx: &Ctx) -> Value {
    let prices = sees_prices(ctx);
    let c = &crate::view::check_view(c, ctx);
    json!({
        "id": c.id,
        "kind": c.kind,
        "package_id": c.package_id,
        "label": c.label,
        "as_of": c.as_of,
        "parameter_version": c.parameter_version,
        "deal": c.terms,
        "standing": c.standing().code(),
        "findings": c.result.findings.iter().enumerate().map(|(k, f)| json!({
            "index": k, "rule": f.rule, "effect": f.effect, "subject": f.subject, "zh": f.zh, "en": f.en,
            "override": c.overrides.iter().find(|o| o.finding == k as i64).map(|o| json!({
                "id": o.id, "reason": o.reason, "by": o.created_by, "at": huajie_store::timestamp(o.created_at),
                "approved": o.approved(),
                "approval": o.approval.as_ref().map(|a| json!({ "by": a.approved_by, "at": huajie_store::timestamp(a.approved_at) })),
            })),
        })).collect::<Vec<_>>(),
        "before": c.result.before.iter().map(|i| indicator_json(i, Vec::new())).collect::<Vec<_>>(),
        "after": c.result.after.iter().map(|i| indicator_json(i, Vec::new())).collect::<Vec<_>>(),
        "territory": c.result.territory.as_ref().map(territory_json),
        "price_context": c.result.price.as_ref().filter(|_| prices).map(price_json),
        "created_by": c.created_by,
        "created_at": huajie_store::timestamp(c.created_at),
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
    /// An acquisition drawn on this funding line (absent: paid out of cash).
    funding_line_id: Option<i64>,
}

impl PackageCheckBody {
    /// The proposed deal (`as_of` absent: `today`), or every field that cannot be read, by its key.
    fn parse(&self, today: NaiveDate) -> Result<PackageProposal, FieldErrors> {
        let mut e = FieldErrors::default();
        let deal = match self.kind.as_str() {
            "acquisition" => Some(PackageDeal::Acquisition { funding_line: self.funding_line_id }),
            "disposal" => {
                let identifier = self.transferee_identifier.as_deref().unwrap_or("");
                e.read("transferee_identifier", &text("checks.transferee"), required(identifier)).map(|identifier| {
                    PackageDeal::Disposal {
                        identifier,
                        name: self.transferee_name.as_deref().unwrap_or("").trim().to_string(),
                    }
                })
            }
            other => {
                e.add("kind", quoting(other, "form.bad_option"));
                None
            }
        };
        let price = e.read("price_fen", &text("checks.deal_price"), fen_amount(self.price_fen));
        e.finish(|| Some(PackageProposal { deal: deal?, price: price?, as_of: self.as_of.unwrap_or(today) }))
    }
}

/// `POST /api/v1/packages/{id}/checks`: a proposed acquisition or disposal of a package.
pub async fn check_package(
    Path(id): Path<i64>,
    Authorized(ctx, _, _): Authorized<perm::CheckDeals>,
    State(state): State<AppState>,
    Submitted(b): Submitted<PackageCheckBody>,
) -> Result<Response, AppError> {
    let proposal = b.parse(state.store.clock().today()).map_err(AppError::Invalid)?;
    let c = crate::pages::checks::check_package(&ctx, &state, id, proposal).await?;
    Ok((StatusCode::CREATED, Json(json!({ "data": check_json(&c, &ctx) }))).into_response())
}

#[derive(Deserialize)]
pub struct OverrideBody {
    finding: usize,
    reason: String,
}

/// `POST /api/v1/compliance/checks/{id}/overrides`: the risk role overrides a finding.
pub async fn override_finding(
    Path(id): Path<i64>,
    Authorized(ctx, user, _): Authorized<perm::OverrideFindings>,
    State(state): State<AppState>,
    Submitted(b): Submitted<OverrideBody>,
) -> Result<Response, AppError> {
    state.store.override_finding(&user.username, id, b.finding, &b.reason).await?;
    let c = state.store.deal_check(id).await?.ok_or(AppError::NotFound)?;
    Ok((StatusCode::CREATED, Json(json!({ "data": check_json(&c, &ctx) }))).into_response())
}

#[derive(Deserialize)]
pub struct AcquireBody {
    acquired_on: NaiveDate,
    /// The cash or demand-deposit entry paying the price; absent when the check drew on a line.
    cash_entry_id: Option<i64>,
}

/// `POST /api/v1/compliance/checks/{id}/acquisition`: records the package as bought at the price
/// of cleared acquisition check `id` that the committee approved, paid as the check reckoned
/// (`Store::record_acquisition`); the package as it stands after.
pub async fn record_acquisition(
    Path(id): Path<i64>,
    Authorized(_, user, _): Authorized<perm::RecordAcquisitions>,
    State(state): State<AppState>,
    Submitted(b): Submitted<AcquireBody>,
) -> Result<Response, AppError> {
    let package_id = state.store.record_acquisition(&user.username, id, b.acquired_on, b.cash_entry_id).await?;
    let p = state.store.package(package_id).await?.ok_or(AppError::NotFound)?;
    Ok((StatusCode::CREATED, Json(json!({ "data": super::package_json(&p) }))).into_response())
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
        "staff": s.staff().await?,
        "relatives": s.relatives().await?.iter().map(|r| json!({ "a_id": r.a_id, "b_id": r.b_id })).collect::<Vec<_>>(),
        "staff_entities": s.staff_entities().await?,
        "party_attributes": s.party_attributes().await?,
    })))
}

/// `POST /api/v1/compliance/book/{kind}`: one entry, with the fields of the book's form
/// (strings or numbers); each field that cannot be read is named, and nothing is saved.
pub async fn add_entry(
    Path(kind): Path<String>,
    // Who keeps the book at all first, then the kind's own editors (the party graph: risk).
    Authorized(ctx, _, _): Authorized<perm::EditComplianceBook>,
    State(state): State<AppState>,
    Submitted(fields): Submitted<crate::pages::book::EntryFields>,
) -> Result<Response, AppError> {
    let kind = book_kind(&kind).ok_or(AppError::NotFound)?;
    let user = ctx.require(kind.permission)?;
    let entry = fields.entry(kind, state.store.clock().today()).map_err(AppError::Invalid)?;
    state.store.add_book_entry(&user.username, &entry).await?;
    Ok((StatusCode::CREATED, Json(json!({ "data": { "kind": kind.code } }))).into_response())
}

/// `DELETE /api/v1/compliance/book/{kind}/{id}`: removes one entry (audited).
pub async fn remove_entry(
    Path((kind, id)): Path<(String, i64)>,
    Authorized(ctx, _, _): Authorized<perm::EditComplianceBook>,
    State(state): State<AppState>,
    Submitted(Confirmed {}): Submitted<Confirmed>,
) -> Result<Response, AppError> {
    let user = ctx.require(book_kind(&kind).ok_or(AppError::NotFound)?.permission)?;
    state.store.remove_book_entry(&user.username, &kind, id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

fn profile_json(v: &huajie_store::CompanyProfileVersion) -> Value {
    json!({
        "version": v.version,
        "effective_from": v.effective_from,
        "registered_capital_fen": v.profile.registered_capital.fen(),
        "paid_in_capital_fen": v.profile.paid_in_capital.fen(),
        "main_business": v.profile.main_business,
        "net_asset_items": v.profile.net_asset_items.iter().map(|(code, m)| json!({ "item": code, "amount_fen": m.fen() })).collect::<Vec<_>>(),
        "net_assets_fen": v.profile.net_assets().map(|m| m.fen()),
        "note": v.note,
        "created_by": v.created_by,
        "created_at": huajie_store::timestamp(v.created_at),
    })
}

/// `GET /api/v1/compliance/company?as_of=`: every version of the company's profile and the one
/// in force at the date (default: today).
pub async fn company(ctx: Ctx, State(state): State<AppState>, Query(q): Query<AsOf>) -> Result<Response, AppError> {
    ctx.require(Permission::ViewComplianceBook)?;
    let store = &state.store;
    let as_of = q.as_of.map(|d| d.0).unwrap_or_else(|| store.clock().today());
    Ok(data(json!({
        "as_of": as_of,
        "in_force": store.company_profile_at(as_of).await?.as_ref().map(profile_json),
        "versions": store.company_profiles().await?.iter().map(profile_json).collect::<Vec<_>>(),
    })))
}

/// `POST /api/v1/compliance/company`: a new version of one part of the profile, with the
/// fields of the page's form: `part` capital (finance: registered_capital, paid_in_capital,
/// item/<code>, in 万元 unless suffixed 元) or business (risk: lines, "BS1 description" per
/// line, as one text or a list), optional effective_from and note.
pub async fn save_company(
    Authorized(ctx, _, _): Authorized<perm::ViewComplianceBook>,
    State(state): State<AppState>,
    Submitted(form): Submitted<crate::pages::company::CompanyForm>,
) -> Result<Response, AppError> {
    ctx.require(crate::pages::company::part_permission(&form.part))?;
    let parsed = form.parse(state.store.clock().today()).map_err(AppError::Invalid)?;
    let v = crate::pages::company::save(&ctx, &state, parsed).await?;
    Ok((StatusCode::CREATED, Json(json!({ "data": profile_json(&v) }))).into_response())
}
