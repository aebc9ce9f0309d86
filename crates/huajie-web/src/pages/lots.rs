//! Lots for staff (issue 14): the list by stage, and a lot's page — its terms, the deposits
//! (finance confirms each one's arrival), the bidders with their numbers (竞买号), every bid with
//! the bidder's name (staff see names; bidders and the public only numbers), the bids the
//! screening refused and why (staff only), the outcome once closed, and the close. The views here
//! are the API's too (`api::lots`). Setting a lot up from its plan is `lot_form.rs`.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, SecondsFormat, Utc};
use huajie_auction::{LotStatus, NoSale, Outcome};
use huajie_core::{Lang, Money, Permission, Text};
use huajie_store::{BidRecord, BidderRecord, DepositRecord, LiveLot};
use serde::{Deserialize, Serialize};

use super::render_form;
use crate::AppState;
use crate::ctx::{Authorized, Ctx, perm};
use crate::error::AppError;
use crate::form::{Confirmed, FieldErrors, FormView, Path, Query, Submitted};
use crate::i18n::{text, tr};
use crate::view::{Page, money, when, when_to_the_second};

const CLOSE_FORM: &str = "lot-close";

/// A time as the API answers it: RFC 3339, UTC.
pub fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// The stages of a lot as staff filter them: before bidding, bidding, past its end but not
/// closed, and closed (sold, 流拍, the buyer defaulted).
pub const PHASES: &[(&str, &str)] = &[
    ("scheduled", "lots.phase.scheduled"),
    ("open", "lots.phase.open"),
    ("ended", "lots.phase.ended"),
    ("sold", "lots.phase.sold"),
    ("unsold", "lots.phase.unsold"),
    ("defaulted", "lots.phase.defaulted"),
];

/// Where the lot is at `now`: its stage's code and catalogue key.
pub fn phase(live: &LiveLot, now: DateTime<Utc>) -> (&'static str, &'static str) {
    use super::public_lots::Phase;
    let code = match Phase::of(live, now) {
        Phase::Upcoming => "scheduled",
        Phase::Open => "open",
        Phase::Ended => "ended",
        Phase::Closed => live.lot.status.code(),
    };
    *PHASES.iter().find(|(c, _)| *c == code).unwrap_or(&PHASES[1])
}

/// A lot in the list (and at the head of its page): raw values for the API, shown ones for pages.
#[derive(Serialize)]
pub struct LotRow {
    pub id: i64,
    pub plan_id: i64,
    pub announcement_id: i64,
    pub title: String,
    pub mode: &'static str,
    pub mode_name: &'static str,
    pub status: &'static str,
    pub phase: &'static str,
    pub phase_name: &'static str,
    pub start_price_fen: i64,
    pub best_fen: Option<i64>,
    pub bidders: usize,
    pub starts_at: String,
    pub ends_at: String,
    #[serde(skip)]
    pub shown: [String; 4],
}

impl LotRow {
    pub fn of(live: &LiveLot, best: Option<Money>, bidders: usize, now: DateTime<Utc>, lang: Lang) -> LotRow {
        let lot = &live.lot;
        let (phase, key) = phase(live, now);
        LotRow {
            id: lot.id,
            plan_id: lot.plan_id,
            announcement_id: lot.announcement_id,
            title: lot.title.clone(),
            mode: lot.terms.mode.code(),
            mode_name: lot.terms.mode.name(lang),
            status: lot.status.code(),
            phase,
            phase_name: tr(lang, key),
            start_price_fen: lot.terms.start_price.fen(),
            best_fen: best.map(Money::fen),
            bidders,
            starts_at: rfc3339(lot.terms.starts_at),
            ends_at: rfc3339(live.ends_at),
            shown: [
                money(lot.terms.start_price, lang),
                crate::view::opt_money(best, lang),
                when(lot.terms.starts_at, lang),
                when(live.ends_at, lang),
            ],
        }
    }
}

/// Every lot, newest first, in the stage `phase` when one is asked for.
pub async fn rows(state: &AppState, lang: Lang, phase: Option<&str>) -> Result<Vec<LotRow>, AppError> {
    let now = state.store.clock().now();
    let mut best: BTreeMap<i64, Money> = BTreeMap::new();
    for b in state.store.lot_bids(None, 0).await? {
        best.insert(b.lot_id, b.amount);
    }
    let mut bidders: BTreeMap<i64, usize> = BTreeMap::new();
    for b in state.store.lot_bidders(None).await? {
        *bidders.entry(b.lot_id).or_default() += 1;
    }
    Ok(state
        .store
        .lots()
        .await?
        .iter()
        .map(|l| LotRow::of(l, best.get(&l.lot.id).copied(), bidders.get(&l.lot.id).copied().unwrap_or(0), now, lang))
        .filter(|r| phase.is_none_or(|p| r.phase == p))
        .collect())
}

/// An investor's name as staff read it (an individual's masked for a role without
/// `ViewPersonalData`), by the investor's user id (the bidder's id in the auction).
pub async fn names(ctx: &Ctx, state: &AppState) -> Result<BTreeMap<i64, String>, AppError> {
    let personal = ctx.can(Permission::ViewPersonalData);
    Ok(state
        .store
        .investors(None)
        .await?
        .iter()
        .map(|i| (i.user_id, super::investors::InvestorView::of(i, ctx.lang, personal).name))
        .collect())
}

/// A lot's terms.
#[derive(Serialize)]
pub struct TermsView {
    pub start_price_fen: i64,
    pub increment_fen: i64,
    pub reserve_fen: Option<i64>,
    pub deposit_fen: i64,
    pub starts_at: String,
    pub scheduled_end: String,
    pub extension_minutes: u32,
    /// Label and value, for the page.
    #[serde(skip)]
    pub facts: Vec<(&'static str, String)>,
}

impl TermsView {
    fn of(live: &LiveLot, lang: Lang) -> TermsView {
        let t = &live.lot.terms;
        let facts = vec![
            (tr(lang, "lots.mode"), t.mode.name(lang).to_string()),
            (tr(lang, "lots.start_price"), money(t.start_price, lang)),
            (tr(lang, "lots.increment"), money(t.increment, lang)),
            (
                tr(lang, "lots.reserve"),
                t.reserve.map_or_else(|| tr(lang, "lots.no_reserve").into(), |r| money(r, lang)),
            ),
            (tr(lang, "lots.deposit"), money(t.deposit, lang)),
            (tr(lang, "lots.starts_at"), when_to_the_second(t.starts_at, lang)),
            (tr(lang, "lots.scheduled_end"), when_to_the_second(t.ends_at, lang)),
            (tr(lang, "lots.ends_at"), when_to_the_second(live.ends_at, lang)),
            (tr(lang, "lots.extension"), t.extension_minutes.to_string()),
        ];
        TermsView {
            start_price_fen: t.start_price.fen(),
            increment_fen: t.increment.fen(),
            reserve_fen: t.reserve.map(Money::fen),
            deposit_fen: t.deposit.fen(),
            starts_at: rfc3339(t.starts_at),
            scheduled_end: rfc3339(t.ends_at),
            extension_minutes: t.extension_minutes,
            facts,
        }
    }
}

/// A deposit as staff read it.
#[derive(Serialize)]
pub struct DepositRow {
    pub id: i64,
    pub investor_id: i64,
    pub investor_name: String,
    pub amount_fen: i64,
    pub reference: String,
    pub status: &'static str,
    pub status_name: &'static str,
    pub recorded_at: String,
    pub confirmed_by: Option<String>,
    pub confirmed_at: Option<String>,
    pub settled_at: Option<String>,
    /// Amount, recorded, confirmed (by whom, when), for the page.
    #[serde(skip)]
    pub shown: [String; 3],
}

impl DepositRow {
    pub fn of(d: &DepositRecord, name: String, lang: Lang) -> DepositRow {
        let confirmed = match (&d.confirmed_by, d.confirmed_at) {
            (Some(by), Some(at)) => format!("{by} · {}", when(at, lang)),
            _ => String::new(),
        };
        DepositRow {
            id: d.id,
            investor_id: d.investor_id,
            investor_name: name,
            amount_fen: d.amount.fen(),
            reference: d.reference.clone(),
            status: d.status.code(),
            status_name: d.status.name(lang),
            recorded_at: rfc3339(d.recorded_at),
            confirmed_by: d.confirmed_by.clone(),
            confirmed_at: d.confirmed_at.map(rfc3339),
            settled_at: d.settled_at.map(rfc3339),
            shown: [money(d.amount, lang), when(d.recorded_at, lang), confirmed],
        }
    }
}

/// A bidder admitted, with its number.
#[derive(Serialize)]
pub struct BidderRow {
    pub investor_id: i64,
    pub investor_name: String,
    pub number: i64,
    pub admitted_at: String,
    #[serde(skip)]
    pub shown_admitted: String,
}

/// A bid as staff read it: the number and the name.
#[derive(Serialize)]
pub struct BidRow {
    pub seq: i64,
    pub number: Option<i64>,
    pub investor_id: i64,
    pub investor_name: String,
    pub amount_fen: i64,
    pub at: String,
    /// Amount, time to the second, for the page.
    #[serde(skip)]
    pub shown: [String; 2],
}

impl BidRow {
    /// The bid `seq` of `investor` for `amount` at `at`, with its bidder's number and name.
    pub fn of(
        seq: i64,
        investor: i64,
        amount: Money,
        at: DateTime<Utc>,
        who: (Option<i64>, String),
        lang: Lang,
    ) -> Self {
        BidRow {
            seq,
            number: who.0,
            investor_id: investor,
            investor_name: who.1,
            amount_fen: amount.fen(),
            at: rfc3339(at),
            shown: [money(amount, lang), when_to_the_second(at, lang)],
        }
    }
}

/// A bid the screening refused, and why (staff only).
#[derive(Serialize)]
pub struct RefusalRow {
    pub at: String,
    pub investor_id: i64,
    pub investor_name: String,
    /// None for a tender's sealed bid: its amount stays sealed.
    pub amount_fen: Option<i64>,
    pub reason: String,
    #[serde(skip)]
    pub shown: [String; 2],
}

/// How the lot closed: sold (to whom, by which number, at what price) or 流拍 and why.
#[derive(Serialize)]
pub struct OutcomeView {
    pub sold: bool,
    pub winner_id: Option<i64>,
    pub winner_name: Option<String>,
    pub winner_number: Option<i64>,
    pub price_fen: Option<i64>,
    pub no_sale: Option<String>,
    pub closed_at: Option<String>,
    pub closed_by: Option<String>,
    #[serde(skip)]
    pub shown: [String; 2],
}

/// A lot with everything staff read of it.
#[derive(Serialize)]
pub struct LotDetail {
    #[serde(flatten)]
    pub lot: LotRow,
    pub terms: TermsView,
    pub outcome: Option<OutcomeView>,
    pub deposits: Vec<DepositRow>,
    pub bidders: Vec<BidderRow>,
    pub bids: Vec<BidRow>,
    pub refusals: Vec<RefusalRow>,
    /// A tender's status and, once opened, its bids ranked (`tenders`); none for an auction.
    pub tender: Option<super::tenders::TenderView>,
}

/// The bids the screening refused on lot `id`, from the audit log (`bid_refused`), each reason in
/// `lang`.
async fn refusals(
    state: &AppState,
    id: i64,
    names: &BTreeMap<i64, String>,
    lang: Lang,
) -> Result<Vec<RefusalRow>, AppError> {
    let records = state.store.audit_of("lot_bid_refusal", &id.to_string()).await?;
    Ok(records
        .iter()
        .filter(|r| r.action == "bid_refused")
        .filter_map(|r| {
            let detail: serde_json::Value = serde_json::from_str(r.after.as_deref()?).ok()?;
            let investor_id = detail["investor_id"].as_i64()?;
            let amount = detail["amount_fen"].as_i64().map(Money::from_fen);
            let sealed = detail["sealed"].as_bool() == Some(true);
            if amount.is_none() && !sealed {
                return None;
            }
            let reason = Text::new(detail["zh"].as_str()?.to_string(), detail["en"].as_str()?.to_string());
            let at = DateTime::parse_from_rfc3339(&r.at).ok()?.with_timezone(&Utc);
            Some(RefusalRow {
                at: rfc3339(at),
                investor_id,
                investor_name: names.get(&investor_id).cloned().unwrap_or_default(),
                amount_fen: amount.map(Money::fen),
                reason: reason.get(lang).to_string(),
                shown: [
                    amount.map_or_else(|| tr(lang, "lots.sealed_amount").to_string(), |a| money(a, lang)),
                    when_to_the_second(at, lang),
                ],
            })
        })
        .collect())
}

fn outcome(live: &LiveLot, names: &BTreeMap<i64, String>, bidders: &[BidderRecord], lang: Lang) -> Option<OutcomeView> {
    let lot = &live.lot;
    let closed: Outcome = serde_json::from_str(lot.outcome.as_deref()?).ok()?;
    let no_sale = match closed {
        Outcome::Sold { .. } => None,
        Outcome::NoSale(NoSale::NoBids) => Some(tr(lang, "lots.no_sale.no_bids").to_string()),
        Outcome::NoSale(NoSale::UnderReserve { best }) => {
            Some(tr(lang, "lots.no_sale.under_reserve").replace("{best}", &money(best, lang)))
        }
    };
    let number = lot.winner_id.and_then(|w| bidders.iter().find(|b| b.investor_id == w)).map(|b| b.number);
    Some(OutcomeView {
        sold: no_sale.is_none(),
        winner_id: lot.winner_id,
        winner_name: lot.winner_id.map(|w| names.get(&w).cloned().unwrap_or_default()),
        winner_number: number,
        price_fen: lot.price.map(Money::fen),
        no_sale,
        closed_at: lot.closed_at.map(rfc3339),
        closed_by: lot.closed_by.clone(),
        shown: [crate::view::opt_money(lot.price, lang), lot.closed_at.map(|t| when(t, lang)).unwrap_or_default()],
    })
}

/// Lot `id` with its deposits, bidders, bids, screening refusals and outcome, as staff read it.
pub async fn detail(ctx: &Ctx, state: &AppState, id: i64) -> Result<LotDetail, AppError> {
    let lang = ctx.lang;
    let live = state.store.lot(id).await?;
    let names = names(ctx, state).await?;
    let name = |i: i64| names.get(&i).cloned().unwrap_or_default();
    let deposits = state.store.lot_deposits(Some(id)).await?;
    let bidders = state.store.lot_bidders(Some(id)).await?;
    let bids: Vec<BidRecord> = state.store.lot_bids(Some(id), 0).await?;
    let number = |i: i64| bidders.iter().find(|b| b.investor_id == i).map(|b| b.number);
    let now = state.store.clock().now();
    Ok(LotDetail {
        lot: LotRow::of(&live, bids.last().map(|b| b.amount), bidders.len(), now, lang),
        terms: TermsView::of(&live, lang),
        outcome: outcome(&live, &names, &bidders, lang),
        deposits: deposits.iter().map(|d| DepositRow::of(d, name(d.investor_id), lang)).collect(),
        bidders: bidders
            .iter()
            .map(|b| BidderRow {
                investor_id: b.investor_id,
                investor_name: name(b.investor_id),
                number: b.number,
                admitted_at: rfc3339(b.admitted_at),
                shown_admitted: when(b.admitted_at, lang),
            })
            .collect(),
        bids: bids
            .iter()
            .map(|b| {
                BidRow::of(b.seq, b.investor_id, b.amount, b.at, (number(b.investor_id), name(b.investor_id)), lang)
            })
            .collect(),
        refusals: refusals(state, id, &names, lang).await?,
        tender: super::tenders::view(state, &live, &names, &bidders, lang).await?,
    })
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    pub status: String,
}

#[derive(Template)]
#[template(path = "lots.html")]
struct LotsPage {
    page: Page,
    title: String,
    phases: Vec<(String, String)>,
    phase: String,
    rows: Vec<LotRow>,
}

/// `GET /lots?status=`: every lot, or those in one stage.
pub async fn list(ctx: Ctx, State(state): State<AppState>, Query(q): Query<ListQuery>) -> Result<Response, AppError> {
    ctx.require(Permission::ViewLots)?;
    let lang = ctx.lang;
    let phase = PHASES.iter().map(|(c, _)| *c).find(|c| *c == q.status.trim());
    let rows = rows(&state, lang, phase).await?;
    let page = Page::new(&ctx, &state).await?;
    let out = LotsPage {
        title: page.t("lots.title").to_string(),
        phases: PHASES.iter().map(|(c, k)| (c.to_string(), tr(lang, k).to_string())).collect(),
        phase: phase.unwrap_or("").to_string(),
        rows,
        page,
    };
    render_form(&out, false)
}

#[derive(Template)]
#[template(path = "lot.html")]
struct LotPage {
    page: Page,
    title: String,
    lot: LotDetail,
    /// Each recorded deposit's confirmation form, for finance.
    confirm_forms: Vec<(i64, FormView)>,
    close_form: FormView,
    can_close: bool,
    /// The opening's form (a tender past its end, for those allowed to open tenders), and
    /// whether this user's step is the request or the confirmation.
    open_form: FormView,
    can_open: bool,
    confirming: bool,
    /// The user asked for the opening and waits for another.
    asked_by_me: bool,
    /// The close is refused until the current end has passed.
    ended: bool,
}

/// Lot `id`'s page; `sent_back` is one of its forms refused (shown again with its message).
pub async fn page(ctx: &Ctx, state: &AppState, id: i64, mut sent_back: Option<FormView>) -> Result<Response, AppError> {
    ctx.require(Permission::ViewLots)?;
    let lang = ctx.lang;
    let lot = detail(ctx, state, id).await?;
    let confirm_forms: Vec<(i64, FormView)> = if ctx.can(Permission::ConfirmDeposits) {
        lot.deposits
            .iter()
            .filter(|d| d.status == huajie_auction::DepositStatus::Recorded.code())
            .map(|d| {
                let form = FormView::new(format!("confirm-{}", d.id), lang)
                    .with("received", Money::from_fen(d.amount_fen).yuan_string());
                (d.id, form.unless(&mut sent_back))
            })
            .collect()
    } else {
        Vec::new()
    };
    let close_form = FormView::new(CLOSE_FORM, lang).unless(&mut sent_back);
    let open_form = FormView::new(super::tenders::OPEN_FORM, lang).unless(&mut sent_back);
    let mut page = Page::new(ctx, state).await?;
    let refused = page.sent_back(confirm_forms.iter().map(|(_, f)| f).chain([&close_form, &open_form]));
    let still_open = lot.lot.status == LotStatus::Open.code();
    let requested = lot.tender.as_ref().and_then(|t| t.requested_by.clone());
    let me = ctx.session.as_ref().map(|s| s.user.username.clone()).unwrap_or_default();
    let out = LotPage {
        title: format!("{} #{id}：{}", tr(lang, "lots.lot"), lot.lot.title),
        can_close: ctx.can(Permission::ManageLots) && still_open && lot.tender.is_none(),
        can_open: ctx.can(Permission::OpenTenders) && still_open && lot.tender.is_some(),
        confirming: requested.is_some(),
        asked_by_me: requested.is_some_and(|r| r.trim().eq_ignore_ascii_case(me.trim())),
        open_form,
        ended: lot.lot.phase == "ended",
        lot,
        confirm_forms,
        close_form,
        page,
    };
    render_form(&out, refused)
}

/// `GET /lots/{id}`.
pub async fn show(ctx: Ctx, State(state): State<AppState>, Path(id): Path<i64>) -> Result<Response, AppError> {
    page(&ctx, &state, id, None).await
}

/// The received amount finance types, in 元.
#[derive(Deserialize, Serialize, Default)]
pub struct ConfirmForm {
    #[serde(default)]
    pub received: String,
}

/// The store's refusal of a confirmation (less than the deposit arrived), beside the amount.
pub fn beside(field: &'static str, e: huajie_store::StoreError) -> AppError {
    match AppError::from(e) {
        AppError::Refused(t) => {
            let mut errors = FieldErrors::default();
            errors.add(field, t);
            AppError::Invalid(errors)
        }
        other => other,
    }
}

/// `POST /deposits/{id}/confirm`: finance confirms the deposit arrived; the investor is admitted
/// with the next bidder number.
pub async fn confirm(
    Path(id): Path<i64>,
    Authorized(ctx, user, _): Authorized<perm::ConfirmDeposits>,
    State(state): State<AppState>,
    Submitted(form): Submitted<ConfirmForm>,
) -> Result<Response, AppError> {
    let deposit = state.store.lot_deposits(None).await?.into_iter().find(|d| d.id == id).ok_or(AppError::NotFound)?;
    let done = async {
        let received = FieldErrors::one("received", &text("lots.received"), crate::form::fields::yuan(&form.received))?;
        state.store.confirm_deposit(&user.username, id, received).await.map_err(|e| beside("received", e))?;
        Ok(Redirect::to(&format!("/lots/{}", deposit.lot_id)).into_response())
    };
    super::or_refused(done.await, ctx.lang, (format!("confirm-{id}"), &form), |view| {
        page(&ctx, &state, deposit.lot_id, Some(view))
    })
    .await
}

/// `POST /lots/{id}/close`: the asset manager closes the lot once its (extended) end has passed.
pub async fn close(
    Path(id): Path<i64>,
    Authorized(ctx, user, _): Authorized<perm::ManageLots>,
    State(state): State<AppState>,
    Submitted(form): Submitted<Confirmed>,
) -> Result<Response, AppError> {
    let done = async {
        state.store.close_lot(&user.username, id).await?;
        Ok(Redirect::to(&format!("/lots/{id}")).into_response())
    };
    super::or_refused(done.await, ctx.lang, (CLOSE_FORM, &form), |view| page(&ctx, &state, id, Some(view))).await
}
