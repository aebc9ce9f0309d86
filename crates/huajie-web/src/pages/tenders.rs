//! The sealed-bid tender on the staff's lot page and in the lots' API (issue 14): before the
//! opening, how many bidders have a bid in and who asked to open the bids (never an amount);
//! after it, the bids ranked with the bidders' numbers and names (staff only). The opening takes
//! two different staff users allowed to open tenders: one `POST /lots/{id}/open` is the first's
//! request and the second's confirmation (`Store::open_tender` knows which step it is), the same
//! user's second try refused with the rule's words beside the button.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use huajie_auction::AuctionMode;
use huajie_core::Lang;
use huajie_store::{BidderRecord, LiveLot, OpenStep};
use serde::Serialize;
use serde_json::json;

use super::lots::rfc3339;
use crate::AppState;
use crate::ctx::{Authorized, perm};
use crate::error::AppError;
use crate::form::{Confirmed, Path, Submitted};
use crate::view::when;

/// The opening's form on the lot's page.
pub const OPEN_FORM: &str = "lot-open";

/// A bid as the opening ranked it, as staff read it.
#[derive(Serialize)]
pub struct RankedRow {
    pub rank: u32,
    #[serde(flatten)]
    pub bid: super::lots::BidRow,
}

/// A tender as staff read it: no amount before the opening.
#[derive(Serialize)]
pub struct TenderView {
    /// How many bidders have a bid in.
    pub submitted: usize,
    pub requested_by: Option<String>,
    pub requested_at: Option<String>,
    pub opened_by: Option<String>,
    pub opened_at: Option<String>,
    pub opened: bool,
    /// The bids ranked, once opened.
    pub ranked: Vec<RankedRow>,
    /// When the opening was asked for and when it was done, for the page.
    #[serde(skip)]
    pub shown: [String; 2],
}

/// The tender of `live` (none for an auction), the bidders named by `names`.
pub async fn view(
    state: &AppState,
    live: &LiveLot,
    names: &BTreeMap<i64, String>,
    bidders: &[BidderRecord],
    lang: Lang,
) -> Result<Option<TenderView>, AppError> {
    if live.lot.terms.mode != AuctionMode::Sealed {
        return Ok(None);
    }
    let id = live.lot.id;
    let status = state.store.tender_status(id, None).await?;
    let opening = state.store.tender_opening(id).await?;
    let number = |i: i64| bidders.iter().find(|b| b.investor_id == i).map(|b| b.number);
    let ranked = opening
        .as_ref()
        .and_then(|o| o.opening.as_ref())
        .map(|o| {
            o.ranked
                .iter()
                .map(|b| {
                    let who = (number(b.bidder.0), names.get(&b.bidder.0).cloned().unwrap_or_default());
                    RankedRow {
                        rank: b.rank,
                        bid: super::lots::BidRow::of(b.seq, b.bidder.0, b.amount, b.at, who, lang),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let o = opening.as_ref();
    Ok(Some(TenderView {
        submitted: status.submitted,
        requested_by: o.map(|o| o.requested_by.clone()),
        requested_at: o.map(|o| rfc3339(o.requested_at)),
        opened_by: o.and_then(|o| o.opened_by.clone()),
        opened_at: o.and_then(|o| o.opened_at.map(rfc3339)),
        opened: status.opened,
        ranked,
        shown: [
            o.map(|o| when(o.requested_at, lang)).unwrap_or_default(),
            o.and_then(|o| o.opened_at.map(|t| when(t, lang))).unwrap_or_default(),
        ],
    }))
}

/// `POST /lots/{id}/open`: the first staff user asks to open the bids, a second one opens them;
/// back to the lot's page, or its page again with the refusal beside the button.
pub async fn open(
    Path(id): Path<i64>,
    Authorized(ctx, user, _): Authorized<perm::OpenTenders>,
    State(state): State<AppState>,
    Submitted(form): Submitted<Confirmed>,
) -> Result<Response, AppError> {
    let done = async {
        state.store.open_tender(&user.username, id).await?;
        Ok(Redirect::to(&format!("/lots/{id}#lot-tender")).into_response())
    };
    super::or_refused(done.await, ctx.lang, (OPEN_FORM, &form), |view| super::lots::page(&ctx, &state, id, Some(view)))
        .await
}

/// `POST /api/v1/lots/{id}/open`: a step of the opening; the step and the lot as staff read it.
pub async fn open_api(
    Path(id): Path<i64>,
    Authorized(ctx, user, _): Authorized<perm::OpenTenders>,
    State(state): State<AppState>,
    Submitted(Confirmed {}): Submitted<Confirmed>,
) -> Result<Response, AppError> {
    let step = match state.store.open_tender(&user.username, id).await? {
        OpenStep::Requested { .. } => "requested",
        OpenStep::Opened(_) => "opened",
    };
    let lot = super::lots::detail(&ctx, &state, id).await?;
    Ok(Json(json!({ "data": { "step": step, "lot": lot } })).into_response())
}
