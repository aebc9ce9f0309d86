//! The lots' API (issue 14). For staff: the lots, one with its deposits, bidders, bids and the
//! screening's refusals (`pages::lots`' views), setting a lot up, confirming a deposit, closing.
//! For an investor (the logged-in user; its user id is its bidder id): recording its deposit,
//! bidding, its bids and deposits. A refused bid is a 409 with the rule's code and the text the
//! investor may read (`Refusal::told(Audience::Investor)`), never the screening's reason.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use huajie_auction::{Audience, InvestorId};
use huajie_core::{Money, Permission, Text};
use huajie_store::StoreError;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::data;
use crate::AppState;
use crate::ctx::{Authorized, Ctx, perm};
use crate::error::AppError;
use crate::form::{Confirmed, FieldErrors, Path, Query, Submitted};
use crate::i18n::{text, tr};
use crate::pages::lot_form::{Draft, set_up};
use crate::pages::lots::{self, PHASES, beside, rfc3339};

fn created<T: Serialize>(value: T) -> Response {
    (StatusCode::CREATED, Json(json!({ "data": value }))).into_response()
}

#[derive(Deserialize, Default)]
pub struct StageQuery {
    status: Option<String>,
}

/// `GET /api/v1/lots?status=`: every lot, newest first, or those in one stage (any other value,
/// blank included, refused with 400).
pub async fn list(ctx: Ctx, State(state): State<AppState>, Query(q): Query<StageQuery>) -> Result<Response, AppError> {
    ctx.require(Permission::ViewLots)?;
    let phase = match q.status.as_deref() {
        None => None,
        Some(s) => Some(PHASES.iter().map(|(c, _)| *c).find(|c| *c == s).ok_or_else(|| {
            AppError::BadRequest(crate::form::fields::quoting(s, "form.bad_option").get(ctx.lang).to_string())
        })?),
    };
    Ok(data(lots::rows(&state, ctx.lang, phase).await?))
}

/// `GET /api/v1/lots/{id}`.
pub async fn one(ctx: Ctx, State(state): State<AppState>, Path(id): Path<i64>) -> Result<Response, AppError> {
    ctx.require(Permission::ViewLots)?;
    Ok(data(lots::detail(&ctx, &state, id).await?))
}

/// A lot's terms in fen and RFC 3339 times.
#[derive(Deserialize)]
pub struct LotBody {
    #[serde(default)]
    title: String,
    start_price_fen: i64,
    increment_fen: i64,
    #[serde(default)]
    reserve_fen: Option<i64>,
    deposit_fen: i64,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
}

/// The rules' field names as the JSON body says them.
fn json_fields(e: AppError) -> AppError {
    let AppError::Invalid(errors) = e else { return e };
    let mut out = FieldErrors::default();
    for (k, t) in errors.iter() {
        let key = match k {
            "start_price" => "start_price_fen",
            "increment" => "increment_fen",
            "reserve" => "reserve_fen",
            "deposit" => "deposit_fen",
            "starts_at" => "starts_at",
            "ends_at" => "ends_at",
            "extension_minutes" => "extension_minutes",
            _ => "",
        };
        out.add(key, t.clone());
    }
    AppError::Invalid(out)
}

/// `POST /api/v1/plans/{id}/lots`: sets the plan's lot up (201, the lot).
pub async fn create(
    Path(id): Path<i64>,
    Authorized(ctx, user, _): Authorized<perm::ManageLots>,
    State(state): State<AppState>,
    Submitted(body): Submitted<LotBody>,
) -> Result<Response, AppError> {
    let draft = Draft {
        title: body.title.trim().to_string(),
        start_price: Money::from_fen(body.start_price_fen),
        increment: Money::from_fen(body.increment_fen),
        reserve: body.reserve_fen.map(Money::from_fen),
        deposit: Money::from_fen(body.deposit_fen),
        starts_at: body.starts_at,
        ends_at: body.ends_at,
    };
    let lot = set_up(&state, &user.username, id, draft).await.map_err(json_fields)?;
    Ok(created(lots::detail(&ctx, &state, lot.id).await?))
}

#[derive(Deserialize)]
pub struct ReceivedBody {
    received_fen: i64,
}

/// `POST /api/v1/deposits/{id}/confirm` `{"received_fen"}`: the bidder admitted, with its number.
pub async fn confirm_deposit(
    Path(id): Path<i64>,
    Authorized(_ctx, user, _): Authorized<perm::ConfirmDeposits>,
    State(state): State<AppState>,
    Submitted(body): Submitted<ReceivedBody>,
) -> Result<Response, AppError> {
    let received = Money::from_fen(body.received_fen);
    let b = state.store.confirm_deposit(&user.username, id, received).await.map_err(|e| beside("received_fen", e))?;
    Ok(data(json!({
        "lot_id": b.lot_id,
        "investor_id": b.investor_id,
        "number": b.number,
        "admitted_at": rfc3339(b.admitted_at),
    })))
}

/// `POST /api/v1/lots/{id}/close`: the lot with its outcome.
pub async fn close(
    Path(id): Path<i64>,
    Authorized(ctx, user, _): Authorized<perm::ManageLots>,
    State(state): State<AppState>,
    Submitted(Confirmed {}): Submitted<Confirmed>,
) -> Result<Response, AppError> {
    state.store.close_lot(&user.username, id).await?;
    Ok(data(lots::detail(&ctx, &state, id).await?))
}

/// An investor's own deposit.
#[derive(Serialize)]
struct MyDeposit {
    id: i64,
    lot_id: i64,
    amount_fen: i64,
    reference: String,
    status: &'static str,
    status_name: &'static str,
    number: Option<i64>,
    recorded_at: String,
    confirmed_at: Option<String>,
    settled_at: Option<String>,
}

impl MyDeposit {
    fn of(d: &huajie_store::DepositRecord, number: Option<i64>, lang: huajie_core::Lang) -> MyDeposit {
        MyDeposit {
            id: d.id,
            lot_id: d.lot_id,
            amount_fen: d.amount.fen(),
            reference: d.reference.clone(),
            status: d.status.code(),
            status_name: d.status.name(lang),
            number,
            recorded_at: rfc3339(d.recorded_at),
            confirmed_at: d.confirmed_at.map(rfc3339),
            settled_at: d.settled_at.map(rfc3339),
        }
    }
}

#[derive(Deserialize)]
pub struct DepositBody {
    amount_fen: i64,
    #[serde(default)]
    reference: String,
}

/// `POST /api/v1/lots/{id}/deposits` `{"amount_fen", "reference"}`: the investor records the
/// deposit it transferred (the lot's amount, the bank's reference); 201, the deposit.
pub async fn record_deposit(
    Path(id): Path<i64>,
    Authorized(ctx, user, _): Authorized<perm::UsePortal>,
    State(state): State<AppState>,
    Submitted(body): Submitted<DepositBody>,
) -> Result<Response, AppError> {
    state.store.investor_of_user(user.id).await?.ok_or_else(|| AppError::Refused(text("lots.no_registration")))?;
    let reference =
        FieldErrors::one("reference", &text("lots.reference"), crate::form::fields::required(&body.reference))?;
    let live = state.store.lot(id).await?;
    let deposit = live.lot.terms.deposit;
    if body.amount_fen != deposit.fen() {
        let shown = |lang| tr(lang, "lots.deposit_amount").replace("{amount}", &crate::view::money(deposit, lang));
        let problem = Text::new(shown(huajie_core::Lang::Zh), shown(huajie_core::Lang::En));
        return FieldErrors::only("amount_fen", Err(problem));
    }
    let d = state.store.record_deposit(&user.username, InvestorId(user.id), id, &reference).await?;
    Ok(created(MyDeposit::of(&d, None, ctx.lang)))
}

#[derive(Deserialize)]
pub struct BidBody {
    amount_fen: i64,
}

/// `POST /api/v1/lots/{id}/bids` `{"amount_fen"}`: a bid at the server's time. Accepted: 201
/// with its place in the lot's one order and the lot's end after it. Refused by the rule: 409
/// with the code and the text the investor may read; an amount not above zero: 422. Nothing is
/// read here beyond the session: the store reads the lot and the bidder's standing.
pub async fn bid(
    Path(id): Path<i64>,
    Authorized(_ctx, user, _): Authorized<perm::UsePortal>,
    State(state): State<AppState>,
    Submitted(body): Submitted<BidBody>,
) -> Result<Response, AppError> {
    if body.amount_fen <= 0 {
        return Err(AppError::Told(StatusCode::UNPROCESSABLE_ENTITY, "bad_request", text("lots.bad_amount")));
    }
    let placed = state.store.place_bid(&user.username, InvestorId(user.id), id, Money::from_fen(body.amount_fen)).await;
    match placed {
        Ok(Ok(a)) => Ok(created(json!({
            "seq": a.seq,
            "amount_fen": a.amount.fen(),
            "at": rfc3339(a.at),
            "ends_at": rfc3339(a.ends_at),
            "extended": a.extended,
        }))),
        Ok(Err(refused)) => {
            let (code, said) = refused.refusal.told(Audience::Investor);
            Err(AppError::Told(StatusCode::CONFLICT, code, said))
        }
        Err(StoreError::Refused(t)) => Err(AppError::Told(StatusCode::CONFLICT, "conflict", t)),
        Err(e) => Err(e.into()),
    }
}

/// `POST /api/v1/lots/{id}/sealed-bids` `{"amount_fen"}`: the investor's sealed bid on a
/// tender, at the server's time (a later one replaces the earlier). Accepted: 201 with its place,
/// time, its own amount and whether it replaced an earlier one, nothing of anyone else's.
/// Refused: 409 with the code and the text the investor may read.
pub async fn sealed_bid(
    Path(id): Path<i64>,
    Authorized(_ctx, user, _): Authorized<perm::UsePortal>,
    State(state): State<AppState>,
    Submitted(body): Submitted<BidBody>,
) -> Result<Response, AppError> {
    if body.amount_fen <= 0 {
        return Err(AppError::Told(StatusCode::UNPROCESSABLE_ENTITY, "bad_request", text("lots.bad_amount")));
    }
    let amount = Money::from_fen(body.amount_fen);
    match state.store.submit_sealed_bid(&user.username, InvestorId(user.id), id, amount).await {
        Ok(Ok(r)) => Ok(created(json!({
            "seq": r.seq,
            "amount_fen": amount.fen(),
            "at": rfc3339(r.at),
            "replaced": r.replaced,
        }))),
        Ok(Err(refused)) => {
            let (code, said) = refused.refusal.told(Audience::Investor);
            Err(AppError::Told(StatusCode::CONFLICT, code, said))
        }
        Err(StoreError::Refused(t)) => Err(AppError::Told(StatusCode::CONFLICT, "conflict", t)),
        Err(e) => Err(e.into()),
    }
}

/// `GET /api/v1/portal/bids`: the investor's own bids, each lot's newest first, and whether each
/// is the lot's best.
pub async fn my_bids(ctx: Ctx, State(state): State<AppState>) -> Result<Response, AppError> {
    let user = ctx.require(Permission::UsePortal)?;
    let all = state.store.lot_bids(None, 0).await?;
    let mut last: std::collections::BTreeMap<i64, i64> = std::collections::BTreeMap::new();
    for b in &all {
        last.insert(b.lot_id, b.seq);
    }
    let mine: Vec<serde_json::Value> = all
        .iter()
        .rev()
        .filter(|b| b.investor_id == user.id)
        .map(|b| {
            json!({
                "lot_id": b.lot_id,
                "seq": b.seq,
                "amount_fen": b.amount.fen(),
                "at": rfc3339(b.at),
                "leading": last.get(&b.lot_id) == Some(&b.seq),
            })
        })
        .collect();
    Ok(data(mine))
}

/// `GET /api/v1/portal/deposits`: the investor's own deposits, with its bidder number once admitted.
pub async fn my_deposits(ctx: Ctx, State(state): State<AppState>) -> Result<Response, AppError> {
    let user = ctx.require(Permission::UsePortal)?;
    let numbers: std::collections::BTreeMap<i64, i64> = state
        .store
        .lot_bidders(None)
        .await?
        .into_iter()
        .filter(|b| b.investor_id == user.id)
        .map(|b| (b.lot_id, b.number))
        .collect();
    let mine: Vec<MyDeposit> = state
        .store
        .lot_deposits(None)
        .await?
        .iter()
        .filter(|d| d.investor_id == user.id)
        .map(|d| MyDeposit::of(d, numbers.get(&d.lot_id).copied(), ctx.lang))
        .collect();
    Ok(data(mine))
}
