//! A lot as the investor sees it on the portal (issue 14): what the public sees
//! (`public_lots::LotView`: terms, schedule, countdown, the history by number) and their own
//! part — their bidder number once admitted, their deposit and its status, the form to record
//! the deposit they paid (amount in 元 exact to the fen, the transfer's reference) and the
//! form to bid (filled in with the least the next bid may be). A refused bid is told in the
//! investor's words (`Refusal::told(Audience::Investor)`): a refusal by screening says only
//! that the bid cannot be accepted. An accepted bid goes back to the lot's page (PRG).
//!
//! Also "my lots" on `/portal`: my deposits, my bids (and whether each is the best), my wins,
//! and the lots open for bidding or coming up.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use huajie_auction::{AuctionMode, Audience, DepositStatus, InvestorId, LotStatus, Terms};
use huajie_core::{Lang, Money, Permission, Text};
use huajie_store::{BidRecord, DepositRecord};
use huajie_tape::AmountUnit;
use huajie_tape::coerce::{CoerceError, parse_money_exact};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

use super::public_lots::{LotRow, LotView, Phase, countdown_labels, exact, lot_rows, lot_view, read_lot, typed_yuan};
use super::render_form;
use crate::AppState;
use crate::ctx::{Authorized, Ctx, perm};
use crate::error::AppError;
use crate::form::fields::{quoting, required};
use crate::form::{FieldErrors, FormView, Path, Query, Submitted};
use crate::i18n::{text, tr};
use crate::view::{Page, when};

pub const DEPOSIT_FORM: &str = "lot-deposit";
pub const BID_FORM: &str = "lot-bid";
pub const SEALED_FORM: &str = "lot-sealed-bid";

/// The longest bank transfer reference taken.
pub const REFERENCE_CHARS_MAX: usize = 100;

/// An amount in 元, exact to the fen, never negative; required.
pub fn yuan(typed: &str) -> Result<Money, Text> {
    let t = required(typed)?;
    match parse_money_exact(&t, AmountUnit::Yuan) {
        Ok(m) if m.fen() > 0 => Ok(m),
        Err(CoerceError::FractionOfFen) => Err(quoting(&t, "form.fraction_of_fen")),
        _ => Err(quoting(&t, "bidding.bad_yuan")),
    }
}

/// The deposit the investor says they paid, as typed.
#[derive(Deserialize, Serialize, Default)]
pub struct DepositForm {
    #[serde(default)]
    pub amount: String,
    #[serde(default)]
    pub reference: String,
}

impl DepositForm {
    /// The transfer's reference, once the amount is a sum of at least the lot's deposit
    /// (`deposit::may_confirm`, the rule finance applies) and the reference is given.
    pub fn parse(&self, terms: &Terms) -> Result<String, FieldErrors> {
        let mut e = FieldErrors::default();
        let label = text("bidding.deposit_amount");
        if let Some(paid) = e.read("amount", &label, yuan(&self.amount))
            && huajie_auction::deposit::may_confirm(paid, terms).is_err()
        {
            let (zh, en) = (exact(terms.deposit, Lang::Zh), exact(terms.deposit, Lang::En));
            e.add(
                "amount",
                Text::new(
                    format!("{}：本标的保证金为 {zh}，转账金额不能少于该数。", label.zh),
                    format!("{}: the lot's deposit is {en}; the transfer cannot be less.", label.en),
                ),
            );
        }
        let reference = e.read(
            "reference",
            &text("bidding.reference"),
            required(&self.reference).and_then(|r| {
                if r.chars().count() > REFERENCE_CHARS_MAX { Err(text("bidding.reference_too_long")) } else { Ok(r) }
            }),
        );
        e.finish(|| reference)
    }
}

/// A bid as typed.
#[derive(Deserialize, Serialize, Default)]
pub struct BidForm {
    #[serde(default)]
    pub amount: String,
}

impl BidForm {
    pub fn parse(&self) -> Result<Money, FieldErrors> {
        let mut e = FieldErrors::default();
        let amount = e.read("amount", &text("bidding.bid_amount"), yuan(&self.amount));
        e.finish(|| amount)
    }
}

/// My deposit for a lot as the portal shows it.
pub struct MyDeposit {
    pub amount: String,
    pub reference: String,
    pub status: &'static str,
    pub status_code: &'static str,
    pub recorded_at: String,
}

impl MyDeposit {
    fn of(d: &DepositRecord, lang: Lang) -> MyDeposit {
        MyDeposit {
            amount: exact(d.amount, lang),
            reference: d.reference.clone(),
            status: d.status.name(lang),
            status_code: d.status.code(),
            recorded_at: when(d.recorded_at, lang),
        }
    }
}

#[derive(Template)]
#[template(path = "portal_lot.html")]
struct LotPage {
    page: Page,
    title: String,
    me_number: String,
    lot: LotView,
    countdown: (&'static str, &'static str, &'static str),
    registered: bool,
    my_number: Option<String>,
    my_deposit: Option<MyDeposit>,
    can_deposit: bool,
    can_bid: bool,
    /// Why the bid form is not shown, while the lot is open (no confirmed deposit yet).
    bid_note: Option<&'static str>,
    deposit: FormView,
    bid: FormView,
    /// A tender: how many bidders have a bid in, whether I have, and my sealed bid's form.
    tender: Option<MyTender>,
    sealed: FormView,
}

/// My part in a tender: never an amount, not even mine (the store keeps it sealed).
pub struct MyTender {
    pub submitted: usize,
    pub has_bid: bool,
    pub can_submit: bool,
}

/// Where the page comes back after an accepted bid: `?placed=` its sequence number.
#[derive(Deserialize, Default)]
pub struct PlacedQuery {
    #[serde(default, deserialize_with = "super::lenient_page")]
    pub placed: Option<i64>,
    /// After a sealed bid: `new`, or `replaced` when it replaced my earlier one.
    #[serde(default)]
    pub tendered: String,
}

/// The page as a refused form shows it: nothing just done to say.
static FRESH: PlacedQuery = PlacedQuery { placed: None, tendered: String::new() };

async fn lot_page(
    ctx: &Ctx,
    state: &AppState,
    id: i64,
    sent_back: Option<FormView>,
    after: &PlacedQuery,
) -> Result<Response, AppError> {
    let user = ctx.require(Permission::UsePortal)?;
    let lang = ctx.lang;
    let kept = read_lot(state, state.reads.version(&state.store).await?, id).await?;
    let (live, bids, numbers) = &*kept;
    let lot = lot_view(live, bids, numbers, Some(user.id), state.store.clock().now(), lang);
    let registered = state.store.investor_of_user(user.id).await?.is_some();
    let mine = state.store.lot_deposits(Some(id)).await?.into_iter().find(|d| d.investor_id == user.id);
    let open = matches!(lot.phase, Phase::Upcoming | Phase::Open);
    let confirmed = mine.as_ref().is_some_and(|d| d.status == DepositStatus::Confirmed);
    let ascending = live.lot.terms.mode == AuctionMode::Ascending;
    let bid_note = match (&mine, lot.phase) {
        (_, Phase::Open) if confirmed => None,
        (None, Phase::Open | Phase::Upcoming) => Some("bidding.deposit_first"),
        (Some(_), Phase::Open | Phase::Upcoming) if !confirmed => Some("bidding.awaiting_finance"),
        _ => None,
    };
    let mut sent_back = sent_back;
    let deposit =
        FormView::new(DEPOSIT_FORM, lang).with("amount", typed_yuan(live.lot.terms.deposit)).unless(&mut sent_back);
    let bid = FormView::new(BID_FORM, lang).with("amount", lot.next_minimum_typed.clone()).unless(&mut sent_back);
    let sealed = FormView::new(SEALED_FORM, lang).unless(&mut sent_back);
    let mut page = Page::new(ctx, state).await?;
    let refused = page.sent_back([&deposit, &bid, &sealed]);
    if let Some(seq) = after.placed.filter(|_| !refused) {
        page.notice = Some(tr(lang, "bidding.placed").replace("{seq}", &seq.to_string()));
    }
    let tendered = match after.tendered.as_str() {
        "new" => Some("bidding.tendered"),
        "replaced" => Some("bidding.tender_replaced"),
        _ => None,
    };
    if let Some(key) = tendered.filter(|_| !refused) {
        page.notice = Some(tr(lang, key).to_string());
    }
    let tender = match ascending {
        true => None,
        false => {
            let status = state.store.tender_status(id, Some(InvestorId(user.id))).await?;
            let can_submit = confirmed && lot.phase == Phase::Open;
            Some(MyTender { submitted: status.submitted, has_bid: status.has_bid, can_submit })
        }
    };
    let my_number = numbers.number(id, user.id).map(|n| n.to_string());
    let out = LotPage {
        title: lot.title.clone(),
        me_number: my_number.clone().unwrap_or_default(),
        countdown: countdown_labels(lang),
        registered,
        my_number,
        my_deposit: mine.as_ref().map(|d| MyDeposit::of(d, lang)),
        can_deposit: registered && mine.is_none() && open && live.lot.status == LotStatus::Open,
        can_bid: ascending && confirmed && lot.phase == Phase::Open,
        bid_note: bid_note.map(|k| tr(lang, k)),
        deposit,
        bid,
        tender,
        sealed,
        lot,
        page,
    };
    render_form(&out, refused)
}

/// `GET /portal/lots/{id}`: the lot, my number, my deposit, the forms.
pub async fn show(
    ctx: Ctx,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(q): Query<PlacedQuery>,
) -> Result<Response, AppError> {
    lot_page(&ctx, &state, id, None, &q).await
}

/// `POST /portal/lots/{id}/deposit` (`amount` in 元, `reference`): the investor records the
/// deposit they paid; finance confirms it.
pub async fn deposit(
    Path(id): Path<i64>,
    Authorized(ctx, user, _): Authorized<perm::UsePortal>,
    State(state): State<AppState>,
    Submitted(form): Submitted<DepositForm>,
) -> Result<Response, AppError> {
    let done = async {
        let live = state.store.lot(id).await?;
        let reference = form.parse(&live.lot.terms).map_err(AppError::Invalid)?;
        if state.store.investor_of_user(user.id).await?.is_none() {
            return Err(AppError::Refused(text("bidding.no_registration")));
        }
        state.store.record_deposit(&user.username, InvestorId(user.id), id, &reference).await?;
        Ok(Redirect::to(&format!("/portal/lots/{id}#lot-my-deposit")).into_response())
    };
    super::or_refused(done.await, ctx.lang, (DEPOSIT_FORM, &form), |view| {
        lot_page(&ctx, &state, id, Some(view), &FRESH)
    })
    .await
}

/// `POST /portal/lots/{id}/bids` (`amount` in 元): a bid at the server's time; accepted, back
/// to the lot's page; refused, the form again with why, in the investor's words.
pub async fn bid(
    Path(id): Path<i64>,
    Authorized(ctx, user, _): Authorized<perm::UsePortal>,
    State(state): State<AppState>,
    Submitted(form): Submitted<BidForm>,
) -> Result<Response, AppError> {
    let done = async {
        let amount = form.parse().map_err(AppError::Invalid)?;
        match state.store.place_bid(&user.username, InvestorId(user.id), id, amount).await? {
            Ok(a) => Ok(Redirect::to(&format!("/portal/lots/{id}?placed={}#lot-history", a.seq)).into_response()),
            Err(refused) => {
                let (code, told) = refused.refusal.told(Audience::Investor);
                let mut e = FieldErrors::default();
                match code {
                    "below_start" | "too_low" => e.add("amount", told),
                    _ => e = FieldErrors::whole(told),
                }
                Err(AppError::Invalid(e))
            }
        }
    };
    super::or_refused(done.await, ctx.lang, (BID_FORM, &form), |view| lot_page(&ctx, &state, id, Some(view), &FRESH))
        .await
}

/// `POST /portal/lots/{id}/sealed-bid` (`amount` in 元): a sealed bid on a tender at the
/// server's time, a later one replacing the earlier; accepted, back to the lot's page saying so;
/// refused, the form again with why beside the amount, in the investor's words.
pub async fn sealed_bid(
    Path(id): Path<i64>,
    Authorized(ctx, user, _): Authorized<perm::UsePortal>,
    State(state): State<AppState>,
    Submitted(form): Submitted<BidForm>,
) -> Result<Response, AppError> {
    let done = async {
        let amount = form.parse().map_err(AppError::Invalid)?;
        match state.store.submit_sealed_bid(&user.username, InvestorId(user.id), id, amount).await? {
            Ok(r) => {
                let said = if r.replaced { "replaced" } else { "new" };
                Ok(Redirect::to(&format!("/portal/lots/{id}?tendered={said}#lot-tender")).into_response())
            }
            Err(refused) => {
                let (_, told) = refused.refusal.told(Audience::Investor);
                let mut e = FieldErrors::default();
                e.add("amount", told);
                Err(AppError::Invalid(e))
            }
        }
    };
    super::or_refused(done.await, ctx.lang, (SEALED_FORM, &form), |view| lot_page(&ctx, &state, id, Some(view), &FRESH))
        .await
}

/// One of my lots' lines: the lot, an amount, a status or a time, and a mark.
pub struct MyLine {
    pub lot_id: i64,
    pub title: String,
    pub amount: String,
    pub detail: String,
    pub code: &'static str,
    pub best: bool,
}

/// My lots on `/portal`: deposits, bids (newest first), wins, and the lots open or coming up.
pub struct MyLots {
    pub deposits: Vec<MyLine>,
    pub bids: Vec<MyLine>,
    pub wins: Vec<MyLine>,
    pub open: Vec<LotRow>,
}

/// How many of my bids `/portal` lists (newest first).
pub const MY_BIDS_SHOWN: usize = 50;

pub async fn my_lots(state: &AppState, user_id: i64, lang: Lang) -> Result<MyLots, AppError> {
    let lots = state.store.lots().await?;
    let titles: HashMap<i64, &str> = lots.iter().map(|l| (l.lot.id, l.lot.title.as_str())).collect();
    let title = |id: i64| titles.get(&id).map(|t| t.to_string()).unwrap_or_default();
    let best: HashMap<i64, BidRecord> = state.store.best_bids().await?.into_iter().map(|b| (b.lot_id, b)).collect();
    let deposits = state.store.investor_deposits(user_id).await?;
    let mut bids = state.store.investor_bids(user_id).await?;
    bids.sort_by_key(|b| std::cmp::Reverse(b.at));
    let line = |lot_id, amount, detail, code, best| MyLine { lot_id, title: title(lot_id), amount, detail, code, best };
    Ok(MyLots {
        deposits: deposits
            .iter()
            .map(|d| line(d.lot_id, exact(d.amount, lang), d.status.name(lang).to_string(), d.status.code(), false))
            .collect(),
        bids: bids
            .iter()
            .take(MY_BIDS_SHOWN)
            .map(|b| {
                let leads = best.get(&b.lot_id).is_some_and(|x| x.seq == b.seq);
                line(b.lot_id, exact(b.amount, lang), crate::view::when_to_the_second(b.at, lang), "", leads)
            })
            .collect(),
        wins: lots
            .iter()
            .filter(|l| l.lot.winner_id == Some(user_id) && l.lot.status != LotStatus::Open)
            .map(|l| {
                let closed = l.lot.closed_at.map(|t| when(t, lang)).unwrap_or_default();
                line(
                    l.lot.id,
                    l.lot.price.map(|p| exact(p, lang)).unwrap_or_default(),
                    closed,
                    l.lot.status.code(),
                    true,
                )
            })
            .collect(),
        open: lot_rows(state, state.reads.version(&state.store).await?, lang)
            .await?
            .into_iter()
            .filter(|r| matches!(r.phase, Phase::Open | Phase::Upcoming))
            .collect(),
    })
}
