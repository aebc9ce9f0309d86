//! Live updates of a lot (issue 14): `GET /public/lots/{id}/events`, server-sent events, no
//! login, public data only (the bid's sequence number, the bidder's number, the amount, the
//! time, the lot's end and status — never a bidder's name).
//!
//! Fed from the store, so that it works the same with two servers on one database: one poller
//! per lot per process (`LotFeeds`) reads the lot every `POLL` and, when its last sequence
//! number moved, the bids after the one it saw; it broadcasts each to the lot's subscribers and
//! stops when the last one leaves. Each subscriber first catches up from the store (after the
//! `Last-Event-ID` its browser sends when it reconnects, or the `after` the page gave it), then
//! forwards what the poller broadcasts, skipping what it already sent; a subscriber that falls
//! behind the broadcast catches up from the store again. An event's id is the last sequence
//! number its subscriber has sent. The stream ends once the lot is closed.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use huajie_auction::{BidderNumber, LotStatus};
use huajie_core::{Lang, Money};
use huajie_store::{BidRecord, LiveLot, Store};
use serde::Deserialize;
use tokio::sync::broadcast;

use super::public_lots::{NumberBook, exact, iso, next_minimum, typed_yuan};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::form::{Path, Query};

/// How often a lot's poller reads the store.
pub const POLL: Duration = Duration::from_millis(500);

/// What the poller saw change: a bid (with its bidder's number), or the lot alone (its end or
/// its status), and the lot as it then stood.
#[derive(Debug, Clone)]
pub struct Update {
    pub bid: Option<(BidRecord, BidderNumber)>,
    pub last_seq: i64,
    pub ends_at: DateTime<Utc>,
    pub status: LotStatus,
    pub best: Option<Money>,
    pub next_minimum: Money,
}

impl Update {
    fn of(live: &LiveLot, bid: Option<(BidRecord, BidderNumber)>, best: Option<&BidRecord>) -> Update {
        Update {
            last_seq: bid.as_ref().map_or(live.last_seq, |(b, _)| b.seq),
            ends_at: live.ends_at,
            status: live.lot.status,
            best: best.map(|b| b.amount),
            next_minimum: next_minimum(live, best),
            bid,
        }
    }

    /// The event's data, in the subscriber's language.
    fn json(&self, lang: Lang) -> serde_json::Value {
        let bid = self.bid.as_ref().map(|(b, n)| {
            serde_json::json!({
                "seq": b.seq,
                "number": n.to_string(),
                "amount_fen": b.amount.fen(),
                "amount": exact(b.amount, lang),
                "at": iso(b.at),
                "at_text": crate::view::when_to_the_second(b.at, lang),
            })
        });
        serde_json::json!({
            "seq": self.last_seq,
            "bid": bid,
            "ends_at": iso(self.ends_at),
            "ends_at_text": crate::view::when_to_the_second(self.ends_at, lang),
            "status": self.status.code(),
            "best": self.best.map(|b| exact(b, lang)),
            "next_minimum_fen": self.next_minimum.fen(),
            "next_minimum": exact(self.next_minimum, lang),
            "next_minimum_typed": typed_yuan(self.next_minimum),
        })
    }
}

type Sender = broadcast::Sender<Arc<Update>>;

/// The pollers of this process, one per lot somebody is watching.
#[derive(Clone, Default)]
pub struct LotFeeds(Arc<Mutex<HashMap<i64, Sender>>>);

impl LotFeeds {
    /// A subscription to lot `live`'s updates, starting its poller if none runs.
    fn subscribe(&self, store: &Store, live: &LiveLot) -> broadcast::Receiver<Arc<Update>> {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(tx) = map.get(&live.lot.id) {
            return tx.subscribe();
        }
        let (tx, rx) = broadcast::channel(256);
        map.insert(live.lot.id, tx.clone());
        tokio::spawn(poll(store.clone(), self.clone(), tx, live.clone()));
        rx
    }

    /// Whether the poller of `lot` may stop: nobody listens (it is then forgotten, under the
    /// lock that subscribing takes, so that no subscriber is left without a poller).
    fn retire(&self, lot: i64, tx: &Sender) -> bool {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if tx.receiver_count() == 0 {
            map.remove(&lot);
            return true;
        }
        false
    }
}

/// Reads the bids after `after` as updates, each with its number and the lot as it stands.
async fn updates_after(store: &Store, live: &LiveLot, after: i64, numbers: &mut NumberBook) -> Vec<Update> {
    let id = live.lot.id;
    let Ok(bids) = store.lot_bids(Some(id), after).await else { return Vec::new() };
    if bids.iter().any(|b| numbers.number(id, b.investor_id).is_none())
        && let Ok(bidders) = store.lot_bidders(Some(id)).await
    {
        *numbers = NumberBook::of(&bidders);
    }
    bids.iter()
        .map(|b| {
            let n = numbers.number(id, b.investor_id).unwrap_or(BidderNumber(0));
            Update::of(live, Some((b.clone(), n)), Some(b))
        })
        .collect()
}

/// One lot's poller: every `POLL`, the lot; when it moved, its new bids or its new state.
async fn poll(store: Store, feeds: LotFeeds, tx: Sender, mut seen: LiveLot) {
    let id = seen.lot.id;
    let mut numbers = NumberBook::of(&[]);
    let mut tick = tokio::time::interval(POLL);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if feeds.retire(id, &tx) {
            return;
        }
        let Ok(live) = store.lot(id).await else { continue };
        if live.last_seq > seen.last_seq {
            for u in updates_after(&store, &live, seen.last_seq, &mut numbers).await {
                let _ = tx.send(Arc::new(u));
            }
        } else if live.ends_at != seen.ends_at || live.lot.status != seen.lot.status {
            let best = store.lot_bids(Some(id), (live.last_seq - 1).max(0)).await.unwrap_or_default();
            let _ = tx.send(Arc::new(Update::of(&live, None, best.last())));
        }
        seen = live;
    }
}

/// Where a subscriber resumes: `?after=` (the page's last sequence number).
#[derive(Deserialize, Default)]
pub struct EventsQuery {
    #[serde(default, deserialize_with = "super::lenient_page")]
    pub after: Option<i64>,
}

/// A subscriber's stream: what it still has to send, the last sequence number sent, its feed.
struct Subscriber {
    store: Store,
    live: LiveLot,
    lang: Lang,
    sent: i64,
    pending: std::collections::VecDeque<Update>,
    rx: broadcast::Receiver<Arc<Update>>,
    numbers: NumberBook,
    done: bool,
}

impl Subscriber {
    fn event(&mut self, u: &Update) -> Event {
        self.sent = self.sent.max(u.last_seq);
        let name = if u.bid.is_some() { "bid" } else { "lot" };
        Event::default().event(name).id(self.sent.to_string()).data(u.json(self.lang).to_string())
    }

    /// The next event: what is pending, else the next update broadcast (skipping bids already
    /// sent; catching up from the store after falling behind). `None` once the lot is closed.
    async fn next(&mut self) -> Option<Event> {
        loop {
            if let Some(u) = self.pending.pop_front() {
                if u.status != LotStatus::Open && self.pending.is_empty() {
                    self.done = true;
                }
                return Some(self.event(&u));
            }
            if self.done {
                return None;
            }
            match self.rx.recv().await {
                Ok(u) if u.bid.as_ref().is_some_and(|(b, _)| b.seq <= self.sent) => continue,
                Ok(u) => self.pending.push_back((*u).clone()),
                Err(broadcast::error::RecvError::Lagged(_)) => {
                    if let Ok(live) = self.store.lot(self.live.lot.id).await {
                        self.live = live;
                    }
                    let more = updates_after(&self.store, &self.live, self.sent, &mut self.numbers).await;
                    self.pending.extend(more);
                }
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    }
}

/// `GET /public/lots/{id}/events`: the lot's state, the bids after `Last-Event-ID` (or
/// `?after=`, or none before now), then each new bid and each change of its end or status, as
/// server-sent events (`bid`, `lot`), until it closes.
pub async fn events(
    ctx: Ctx,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(q): Query<EventsQuery>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let live = state.store.lot(id).await?;
    let resumed = headers.get("last-event-id").and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse::<i64>().ok());
    let after = resumed.or(q.after).unwrap_or(live.last_seq).clamp(0, live.last_seq);
    let rx = state.lot_feeds.subscribe(&state.store, &live);
    let mut numbers = NumberBook::of(&state.store.lot_bidders(Some(id)).await?);
    let live = state.store.lot(id).await?;
    let mut pending: std::collections::VecDeque<Update> =
        updates_after(&state.store, &live, after, &mut numbers).await.into();
    if pending.is_empty() {
        let best = state.store.lot_bids(Some(id), (live.last_seq - 1).max(0)).await?;
        pending.push_back(Update::of(&live, None, best.last()));
    } else if let Some(last) = pending.back_mut() {
        // The state now, whatever the bids caught up say: the end and status as they stand.
        last.ends_at = live.ends_at;
        last.status = live.lot.status;
    }
    let store = state.store.clone();
    let sub = Subscriber { store, live, lang: ctx.lang, sent: after, pending, rx, numbers, done: false };
    let stream =
        futures_util::stream::unfold(
            sub,
            |mut s| async move { s.next().await.map(|e| (Ok::<Event, Infallible>(e), s)) },
        );
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()).into_response())
}
