//! Lots as the public sees them (issue 14), no login: the list (open, upcoming, closed with
//! their results) and each lot's page — its terms, its schedule in Beijing time with a
//! countdown, its announcement (documents and photos are there), the bid history by bidder
//! number (竞买号) only, and once closed the result announcement (成交结果公告: the winner's
//! number, the price and the time; or 流拍 and why). Never an investor's name or ID: the views
//! here carry numbers only. The investor's page (`portal_lots.rs`) builds on the same view.
//!
//! Fast: the list is three queries whatever the number of lots (lots, their best bids, their
//! bidders' numbers), a lot's page four (the lot, its latest bids by key, its bidders, its
//! announcement).

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use huajie_auction::{AuctionMode, BidderNumber, LotStatus, NoSale, Outcome, ShownBid};
use huajie_core::{Lang, Money};
use huajie_store::{BidRecord, BidderRecord, LiveLot};
use std::collections::HashMap;
use std::sync::Arc;

use super::render;
use crate::AppState;
use crate::cached::Key;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::form::Path;
use crate::i18n::tr;
use crate::view::{Page, money, when};

/// How many of a lot's latest bids its page shows (the count says how many there are).
pub const HISTORY_SHOWN: i64 = 50;

/// An amount exact to the fen, as a bid is typed and refused: `1,010,000.00 元`, `CNY 1,010,000.00`.
pub fn exact(m: Money, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{} 元", m.yuan_string()),
        Lang::En => format!("CNY {}", m.yuan_string()),
    }
}

/// The amount as a form fills it in: yuan with two decimals, no separators (`1010000.00`).
pub fn typed_yuan(m: Money) -> String {
    m.yuan_string().replace(',', "")
}

/// A moment as the browser's script reads it.
pub fn iso(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Where a lot stands now: before its start, open for bids, past its end awaiting the close,
/// or closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Upcoming,
    Open,
    Ended,
    Closed,
}

impl Phase {
    pub fn of(live: &LiveLot, now: DateTime<Utc>) -> Phase {
        if live.lot.status != LotStatus::Open {
            Phase::Closed
        } else if now < live.lot.terms.starts_at {
            Phase::Upcoming
        } else if now < live.ends_at {
            Phase::Open
        } else {
            Phase::Ended
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Phase::Upcoming => "upcoming",
            Phase::Open => "open",
            Phase::Ended => "ended",
            Phase::Closed => "closed",
        }
    }

    pub fn name(self, lang: Lang) -> &'static str {
        tr(
            lang,
            match self {
                Phase::Upcoming => "bidding.phase_upcoming",
                Phase::Open => "bidding.phase_open",
                Phase::Ended => "bidding.phase_ended",
                Phase::Closed => "bidding.phase_closed",
            },
        )
    }
}

/// Bidders' numbers on a lot, as the store admitted them (in the order admitted).
pub struct NumberBook(HashMap<(i64, i64), BidderNumber>);

impl NumberBook {
    pub fn of(bidders: &[BidderRecord]) -> NumberBook {
        NumberBook(
            bidders
                .iter()
                .map(|b| ((b.lot_id, b.investor_id), BidderNumber(u32::try_from(b.number).unwrap_or(0))))
                .collect(),
        )
    }

    pub fn number(&self, lot: i64, investor: i64) -> Option<BidderNumber> {
        self.0.get(&(lot, investor)).copied()
    }

    /// A bid as others see it: its number, never its bidder.
    pub fn shown(&self, b: &BidRecord) -> ShownBid {
        ShownBid {
            seq: b.seq,
            number: self.number(b.lot_id, b.investor_id).unwrap_or(BidderNumber(0)),
            amount: b.amount,
            at: b.at,
        }
    }
}

/// One bid in a history.
pub struct BidRow {
    pub seq: i64,
    pub number: String,
    pub amount: String,
    pub at: String,
    pub mine: bool,
}

/// The result announcement (成交结果公告) of a closed lot.
pub struct ResultView {
    pub sold: bool,
    pub number: String,
    pub price: String,
    pub closed_at: String,
    pub why: String,
}

fn result_view(live: &LiveLot, numbers: &NumberBook, lang: Lang) -> Option<ResultView> {
    let lot = &live.lot;
    if lot.status == LotStatus::Open {
        return None;
    }
    let outcome: Option<Outcome> = lot.outcome.as_deref().and_then(|o| serde_json::from_str(o).ok());
    let closed_at = lot.closed_at.map(|t| when(t, lang)).unwrap_or_default();
    let number = lot.winner_id.and_then(|w| numbers.number(lot.id, w)).map(|n| n.to_string()).unwrap_or_default();
    let why = match outcome {
        Some(Outcome::NoSale(NoSale::NoBids)) => tr(lang, "bidding.no_sale_no_bids").to_string(),
        Some(Outcome::NoSale(NoSale::UnderReserve { best })) => {
            tr(lang, "bidding.no_sale_under_reserve").replace("{best}", &exact(best, lang))
        }
        _ => String::new(),
    };
    Some(ResultView {
        sold: matches!(lot.status, LotStatus::Sold | LotStatus::Defaulted),
        number,
        price: lot.price.map(|p| exact(p, lang)).unwrap_or_default(),
        closed_at,
        why,
    })
}

/// A lot as its pages show it to the public (and to the investor, who adds their own).
pub struct LotView {
    pub id: i64,
    pub title: String,
    pub announcement_id: i64,
    pub sealed: bool,
    pub mode: &'static str,
    pub phase: Phase,
    pub phase_name: &'static str,
    /// The time left before the start or the end, as the page was made (the script counts on).
    pub countdown: String,
    pub start_price: String,
    pub increment: String,
    pub reserve: String,
    pub deposit: String,
    pub starts_at: String,
    pub ends_at: String,
    pub scheduled_end: String,
    pub extended: bool,
    pub extension_minutes: u32,
    pub starts_iso: String,
    pub ends_iso: String,
    pub now_iso: String,
    pub best: String,
    pub next_minimum: String,
    pub next_minimum_typed: String,
    pub last_seq: i64,
    pub bid_count: i64,
    pub history: Vec<BidRow>,
    pub result: Option<ResultView>,
}

/// The least the next bid may be: the start price, or the best plus the increment (the rule's
/// `Lot::minimum`).
pub fn next_minimum(live: &LiveLot, best: Option<&BidRecord>) -> Money {
    let state = huajie_auction::Lot {
        terms: live.lot.terms.clone(),
        ends_at: live.ends_at,
        best: best.map(|b| huajie_auction::PlacedBid {
            seq: b.seq,
            bidder: huajie_auction::InvestorId(b.investor_id),
            amount: b.amount,
            at: b.at,
        }),
    };
    state.minimum()
}

/// The view of `live`, its latest `bids` (in order), the bidders' `numbers`; `me` marks the
/// viewer's own bids (the investor's page).
pub fn lot_view(
    live: &LiveLot,
    bids: &[BidRecord],
    numbers: &NumberBook,
    me: Option<i64>,
    now: DateTime<Utc>,
    lang: Lang,
) -> LotView {
    let (lot, terms) = (&live.lot, &live.lot.terms);
    let best = bids.last().filter(|b| b.seq == live.last_seq);
    let phase = Phase::of(live, now);
    let minimum = next_minimum(live, best);
    let history = bids
        .iter()
        .rev()
        .map(|b| {
            let s = numbers.shown(b);
            BidRow {
                seq: s.seq,
                number: s.number.to_string(),
                amount: exact(s.amount, lang),
                at: crate::view::when_to_the_second(s.at, lang),
                mine: me == Some(b.investor_id),
            }
        })
        .collect();
    LotView {
        id: lot.id,
        title: lot.title.clone(),
        announcement_id: lot.announcement_id,
        sealed: terms.mode == AuctionMode::Sealed,
        mode: terms.mode.name(lang),
        phase,
        phase_name: phase.name(lang),
        countdown: countdown(live, phase, now, lang),
        start_price: money(terms.start_price, lang),
        increment: money(terms.increment, lang),
        reserve: terms.reserve.map(|r| money(r, lang)).unwrap_or_else(|| tr(lang, "bidding.no_reserve").to_string()),
        deposit: money(terms.deposit, lang),
        starts_at: when(terms.starts_at, lang),
        ends_at: crate::view::when_to_the_second(live.ends_at, lang),
        scheduled_end: when(terms.ends_at, lang),
        extended: live.ends_at > terms.ends_at,
        extension_minutes: terms.extension_minutes,
        starts_iso: iso(terms.starts_at),
        ends_iso: iso(live.ends_at),
        now_iso: iso(now),
        best: best.map(|b| exact(b.amount, lang)).unwrap_or_else(|| "—".into()),
        next_minimum: exact(minimum, lang),
        next_minimum_typed: typed_yuan(minimum),
        last_seq: live.last_seq,
        bid_count: live.last_seq,
        history,
        result: result_view(live, numbers, lang),
    }
}

/// "距结束 01:02:03" (days first when there are any), or nothing once the bidding is over.
pub fn countdown(live: &LiveLot, phase: Phase, now: DateTime<Utc>, lang: Lang) -> String {
    let (label, to) = match phase {
        Phase::Upcoming => ("bidding.countdown_start", live.lot.terms.starts_at),
        Phase::Open => ("bidding.countdown_end", live.ends_at),
        Phase::Ended | Phase::Closed => return String::new(),
    };
    let s = (to - now).num_seconds().max(0);
    let (days, h, m, sec) = (s / 86_400, s % 86_400 / 3_600, s % 3_600 / 60, s % 60);
    let days = if days > 0 { format!("{days}{} ", tr(lang, "bidding.days")) } else { String::new() };
    format!("{} {days}{h:02}:{m:02}:{sec:02}", tr(lang, label))
}

/// What a lot's page reads: the lot, its latest bids, its bidders' numbers.
pub type LotReads = (LiveLot, Vec<BidRecord>, NumberBook);

/// What a lot's page reads, as of database version `version` (`Store::version`, read before):
/// kept between changes (`crate::cached`).
pub async fn read_lot(state: &AppState, version: i64, id: i64) -> Result<Arc<LotReads>, AppError> {
    let read = async {
        let live = state.store.lot(id).await?;
        let bids = state.store.lot_bids(Some(id), (live.last_seq - HISTORY_SHOWN).max(0)).await?;
        let numbers = NumberBook::of(&state.store.lot_bidders(Some(id)).await?);
        Ok((live, bids, numbers))
    };
    state.reads.get(version, Key::Lot(id), read).await
}

/// What the lists of lots read: every lot, the best bid of each that has one, the bidders' numbers.
pub type LotsReads = (Vec<LiveLot>, HashMap<i64, BidRecord>, NumberBook);

/// What the lists of lots read, as of database version `version`, kept between changes.
pub async fn read_lots(state: &AppState, version: i64) -> Result<Arc<LotsReads>, AppError> {
    let read = async {
        let lots = state.store.lots().await?;
        let best = state.store.best_bids().await?.into_iter().map(|b| (b.lot_id, b)).collect();
        let numbers = NumberBook::of(&state.store.lot_bidders(None).await?);
        Ok((lots, best, numbers))
    };
    state.reads.get(version, Key::Lots, read).await
}

/// One lot in the public list.
pub struct LotRow {
    pub id: i64,
    pub title: String,
    pub mode: &'static str,
    pub phase: Phase,
    pub phase_name: &'static str,
    pub start_price: String,
    pub best: String,
    pub starts_at: String,
    pub ends_at: String,
    pub result: String,
}

/// Every lot in rows, the open first, then the upcoming, then the closed (each newest first).
pub async fn lot_rows(state: &AppState, version: i64, lang: Lang) -> Result<Vec<LotRow>, AppError> {
    let kept = read_lots(state, version).await?;
    let (lots, best, numbers) = &*kept;
    let now = state.store.clock().now();
    let mut rows: Vec<LotRow> = lots
        .iter()
        .map(|live| {
            let lot = &live.lot;
            let phase = Phase::of(live, now);
            let result = match result_view(live, numbers, lang) {
                Some(r) if r.sold => {
                    tr(lang, "bidding.sold_to").replace("{number}", &r.number).replace("{price}", &r.price)
                }
                Some(r) => format!("{}：{}", tr(lang, "bidding.no_sale"), r.why),
                None => String::new(),
            };
            LotRow {
                id: lot.id,
                title: lot.title.clone(),
                mode: lot.terms.mode.name(lang),
                phase,
                phase_name: phase.name(lang),
                start_price: money(lot.terms.start_price, lang),
                best: best.get(&lot.id).map(|b| exact(b.amount, lang)).unwrap_or_else(|| "—".into()),
                starts_at: when(lot.terms.starts_at, lang),
                ends_at: when(live.ends_at, lang),
                result,
            }
        })
        .collect();
    let rank = |p: Phase| match p {
        Phase::Open => 0,
        Phase::Upcoming => 1,
        Phase::Ended => 2,
        Phase::Closed => 3,
    };
    rows.sort_by_key(|r| (rank(r.phase), -r.id));
    Ok(rows)
}

#[derive(Template)]
#[template(path = "public_lots.html")]
struct ListPage {
    page: Page,
    title: &'static str,
    rows: Vec<LotRow>,
}

/// `GET /public/lots`: every lot, open, upcoming and closed with its result.
pub async fn list(ctx: Ctx, State(state): State<AppState>) -> Result<Response, AppError> {
    let version = state.reads.version(&state.store).await?;
    let rows = lot_rows(&state, version, ctx.lang).await?;
    let page = Page::at_version(&ctx, &state, version).await?;
    render(&ListPage { title: page.t("bidding.public_title"), rows, page })
}

#[derive(Template)]
#[template(path = "public_lot.html")]
struct OnePage {
    page: Page,
    title: String,
    /// The viewer's own number (none here: the public page knows no viewer).
    me_number: String,
    lot: LotView,
    /// The labels the script's countdown shows.
    countdown: (&'static str, &'static str, &'static str),
}

/// The countdown's labels: before the start, before the end, ended.
pub fn countdown_labels(lang: Lang) -> (&'static str, &'static str, &'static str) {
    (tr(lang, "bidding.countdown_start"), tr(lang, "bidding.countdown_end"), tr(lang, "bidding.phase_ended"))
}

/// `GET /public/lots/{id}`: the lot's terms, schedule, countdown, history, and its result.
pub async fn show(ctx: Ctx, State(state): State<AppState>, Path(id): Path<i64>) -> Result<Response, AppError> {
    let version = state.reads.version(&state.store).await?;
    let kept = read_lot(&state, version, id).await?;
    let (live, bids, numbers) = &*kept;
    let lot = lot_view(live, bids, numbers, None, state.store.clock().now(), ctx.lang);
    let page = Page::at_version(&ctx, &state, version).await?;
    render(&OnePage {
        page,
        title: lot.title.clone(),
        me_number: String::new(),
        lot,
        countdown: countdown_labels(ctx.lang),
    })
}

/// `GET /static/lots.js`: the lot pages' live updates and countdown (the pages work without it).
pub async fn script() -> impl IntoResponse {
    let mut headers = HeaderMap::new();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/javascript; charset=utf-8"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"));
    (headers, include_str!("../../static/lots.js"))
}
