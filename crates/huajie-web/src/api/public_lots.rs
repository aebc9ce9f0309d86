//! The public lots in the API (issue 14), no login: each lot's terms, schedule, state and
//! result, and a lot's latest bids — bidders by number (竞买号) only, amounts in fen, times
//! RFC 3339 UTC. The same reads as the public pages (`pages::public_lots`).

use axum::extract::State;
use axum::response::Response;
use huajie_auction::{LotStatus, NoSale, Outcome};
use huajie_store::{BidRecord, LiveLot, timestamp};
use serde_json::{Value, json};

use super::data;
use crate::AppState;
use crate::error::AppError;
use crate::form::Path;
use crate::pages::public_lots::{NumberBook, Phase, next_minimum, read_lot, read_lots};

fn result_json(live: &LiveLot, numbers: &NumberBook) -> Value {
    let lot = &live.lot;
    if lot.status == LotStatus::Open {
        return Value::Null;
    }
    let outcome: Option<Outcome> = lot.outcome.as_deref().and_then(|o| serde_json::from_str(o).ok());
    let closed_at = lot.closed_at.map(timestamp);
    match outcome {
        Some(Outcome::NoSale(why)) => json!({
            "outcome": "no_sale",
            "why": match why { NoSale::NoBids => "no_bids", NoSale::UnderReserve { .. } => "under_reserve" },
            "closed_at": closed_at,
        }),
        _ => json!({
            "outcome": "sold",
            "status": lot.status.code(),
            "number": lot.winner_id.and_then(|w| numbers.number(lot.id, w)).map(|n| n.to_string()),
            "price_fen": lot.price.map(|p| p.fen()),
            "closed_at": closed_at,
        }),
    }
}

fn lot_json(
    live: &LiveLot,
    best: Option<&BidRecord>,
    numbers: &NumberBook,
    now: chrono::DateTime<chrono::Utc>,
) -> Value {
    let (lot, t) = (&live.lot, &live.lot.terms);
    json!({
        "id": lot.id,
        "title": lot.title,
        "announcement_id": lot.announcement_id,
        "mode": t.mode.code(),
        "status": lot.status.code(),
        "phase": Phase::of(live, now).code(),
        "start_price_fen": t.start_price.fen(),
        "increment_fen": t.increment.fen(),
        "reserve_fen": t.reserve.map(|r| r.fen()),
        "deposit_fen": t.deposit.fen(),
        "starts_at": timestamp(t.starts_at),
        "scheduled_end": timestamp(t.ends_at),
        "ends_at": timestamp(live.ends_at),
        "extension_minutes": t.extension_minutes,
        "last_seq": live.last_seq,
        "best_fen": best.map(|b| b.amount.fen()),
        "next_minimum_fen": next_minimum(live, best).fen(),
        "result": result_json(live, numbers),
    })
}

/// `GET /api/v1/public/lots`: every lot, newest first.
pub async fn list(State(state): State<AppState>) -> Result<Response, AppError> {
    let kept = read_lots(&state, state.reads.version(&state.store).await?).await?;
    let (lots, best, numbers) = &*kept;
    let now = state.store.clock().now();
    Ok(data(lots.iter().map(|l| lot_json(l, best.get(&l.lot.id), numbers, now)).collect::<Vec<_>>()))
}

/// `GET /api/v1/public/lots/{id}`: the lot and its latest bids (by number), newest first.
pub async fn one(State(state): State<AppState>, Path(id): Path<i64>) -> Result<Response, AppError> {
    let kept = read_lot(&state, state.reads.version(&state.store).await?, id).await?;
    let (live, bids, numbers) = &*kept;
    let best = bids.last().filter(|b| b.seq == live.last_seq);
    let mut out = lot_json(live, best, numbers, state.store.clock().now());
    out["bids"] = bids
        .iter()
        .rev()
        .map(|b| {
            let s = numbers.shown(b);
            json!({ "seq": s.seq, "number": s.number.to_string(), "amount_fen": s.amount.fen(), "at": timestamp(s.at) })
        })
        .collect::<Vec<_>>()
        .into();
    Ok(data(out))
}
