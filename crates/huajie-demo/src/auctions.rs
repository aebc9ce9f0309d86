//! The portal's auctions (issue 14), through the store's own operations at their moments in the
//! demo's past (`timeline`): two of the plans the committee approved are put up as lots the day
//! after their announcements.
//!
//! - **Sold**: auctioned on the first day bidding could open (10:00–16:00 Beijing time, a late bid
//!   extending the end): three bidders with deposits confirmed by finance, five bids, the close
//!   selling to the demo's `investor` (杭州钱潮投资有限公司) above the reserve; the others'
//!   deposits refunded, the winner's applied to the price.
//! - **Live**: bidding opened yesterday at 10:00 and ends in three days at 16:00: three
//!   deposits confirmed, the `investor`'s recorded last night and waiting for finance; bids by
//!   two bidders; and a bid by 杭州恒润商贸有限公司 refused by the screening, since the compliance
//!   book records that the lot's debtor controls it (the refusal kept for staff, its bidder told
//!   only that the bid cannot be accepted).
//! - **Tender**: sealed bids from the first day bidding could open until yesterday 16:00: three
//!   bidders with deposits confirmed, one bid replaced by its bidder; waiting for the opening
//!   (开标): the asset manager asks for it, risk or finance confirms it.

pub mod timeline;

use chrono::Duration;
use huajie_auction::{AuctionMode, Audience, InvestorId, Outcome, RefusalKind, Terms};
use huajie_core::Money;
use huajie_store::{LotInput, LotRecord, Store, StoreError};

use crate::decisions::Auctioned;
use crate::investors::DEBTOR_CONTROLLED;
use timeline::{Past, Timeline, beijing};

/// The deposit each lot asks, as its announcement says: 20 万.
const DEPOSIT_FEN: i64 = 20_000_000;

/// The auctions' bidders by user name.
const QIANCHAO: &str = "investor";
const ZHAO: &str = "zhao_mingyuan";
const YONGJIN: &str = "yongjin_invest";

/// Puts up the two lots and plays their bidding (`Auctioned` from `decisions`).
pub async fn load(past: &Past, t: &Timeline, plans: Auctioned) -> Result<(), StoreError> {
    let created = beijing(t.meeting, 10, 0) + Duration::days(1);
    let sold = lot(past.at(created), plans.sold, beijing(t.opens, 10, 0), beijing(t.opens, 16, 0)).await?;
    let live_starts = beijing(t.today - Duration::days(1), 10, 0);
    let live_ends = beijing(t.today + Duration::days(3), 16, 0);
    let live = lot(past.at(created + Duration::hours(1)), plans.live, live_starts, live_ends).await?;
    let (tender_starts, tender_ends) = (beijing(t.opens, 10, 0), beijing(t.today - Duration::days(1), 16, 0));
    let tender = lot(past.at(created + Duration::hours(2)), plans.tender, tender_starts, tender_ends).await?;
    auction_sold(past, t, &sold).await?;
    auction_live(past, t, &live).await?;
    tendered(past, t, &tender).await
}

/// The tender: deposits two days before it opened, confirmed the day before; sealed bids on its
/// second day, 赵明远 replacing his; nothing opened.
async fn tendered(past: &Past, t: &Timeline, lot: &LotRecord) -> Result<(), StoreError> {
    let (before, day) = (t.opens - Duration::days(2), t.opens + Duration::days(1));
    for (n, who) in [ZHAO, YONGJIN, QIANCHAO].into_iter().enumerate() {
        let n = n as i64;
        let confirmed = beijing(t.opens - Duration::days(1), 14, 10 * n);
        deposit(past, lot, who, beijing(before, 15, 10 * n), Some(confirmed)).await?;
    }
    let bids = [(9, 30, ZHAO, 92), (11, 0, YONGJIN, 104), (14, 20, QIANCHAO, 97), (15, 45, ZHAO, 101)];
    for (h, m, who, percent) in bids {
        let store = past.at(beijing(day, h, m));
        let amount = share(lot.terms.reserve.unwrap_or(lot.terms.start_price), percent, Money::from_fen(100_000));
        if let Err(refused) = store.submit_sealed_bid(who, bidder(store, who).await?, lot.id, amount).await? {
            let why = refused.refusal.told(Audience::Staff).1.en;
            return Err(StoreError::Corrupt(format!("the demo's sealed bid by {who} was refused: {why}")));
        }
    }
    Ok(())
}

/// A lot for the plan: starting at 80% of the approved reserve, the reserve as approved; a
/// tender plan's lot a tender (the store decides the mode by the plan's method).
async fn lot(
    store: &Store,
    plan_id: i64,
    starts_at: chrono::DateTime<chrono::Utc>,
    ends_at: chrono::DateTime<chrono::Utc>,
) -> Result<LotRecord, StoreError> {
    let plan = store.plan(plan_id).await?;
    let reserve = plan.reserve.ok_or_else(|| StoreError::Corrupt(format!("the demo plan {plan_id} has no reserve")))?;
    let increment = Money::from_fen(if reserve.fen() >= 100_000_000 { 1_000_000 } else { 100_000 });
    let terms = Terms {
        mode: AuctionMode::Ascending,
        start_price: share(reserve, 80, increment),
        increment,
        reserve: Some(reserve),
        deposit: Money::from_fen(DEPOSIT_FEN),
        starts_at,
        ends_at,
        extension_minutes: 5,
    };
    store.create_lot("asset_manager", &LotInput { plan_id, title: String::new(), terms }).await
}

/// `percent` of the reserve, down to a multiple of the increment.
fn share(reserve: Money, percent: i64, increment: Money) -> Money {
    let step = increment.fen().max(1);
    Money::from_fen(reserve.fen() * percent / 100 / step * step)
}

async fn bidder(store: &Store, username: &str) -> Result<InvestorId, StoreError> {
    let user = store.user_by_username(username).await?.ok_or_else(|| StoreError::NotFound(username.into()))?;
    Ok(InvestorId(user.id))
}

/// Records a bidder's deposit at `recorded` and, at `confirmed`, finance's confirmation.
async fn deposit(
    past: &Past,
    lot: &LotRecord,
    who: &str,
    recorded: chrono::DateTime<chrono::Utc>,
    confirmed: Option<chrono::DateTime<chrono::Utc>>,
) -> Result<(), StoreError> {
    let store = past.at(recorded);
    let id = bidder(store, who).await?;
    let reference = format!("网银转账 {}-{}-{}", recorded.format("%Y%m%d"), lot.id, id.0);
    let d = store.record_deposit(who, id, lot.id, &reference).await?;
    if let Some(at) = confirmed {
        past.at(at).confirm_deposit("finance", d.id, lot.terms.deposit).await?;
    }
    Ok(())
}

/// A bid at least `percent` of the reserve and at least an increment over `best`: its amount.
async fn bid(store: &Store, lot: &LotRecord, who: &str, percent: i64, best: Money) -> Result<Money, StoreError> {
    let t = &lot.terms;
    let floor = best.checked_add(t.increment).unwrap_or(best);
    let amount = share(t.reserve.unwrap_or(t.start_price), percent, t.increment).max(floor).max(t.start_price);
    match store.place_bid(who, bidder(store, who).await?, lot.id, amount).await? {
        Ok(_) => Ok(amount),
        Err(refused) => Err(StoreError::Corrupt(format!(
            "the demo's bid by {who} on lot {} was refused: {}",
            lot.id,
            refused.refusal.told(Audience::Staff).1.en
        ))),
    }
}

/// The sold lot: deposits two days before, confirmed the day before; the bidding; the close.
async fn auction_sold(past: &Past, t: &Timeline, lot: &LotRecord) -> Result<(), StoreError> {
    let (before, day) = (t.opens - Duration::days(2), t.opens);
    for (n, who) in [QIANCHAO, ZHAO, YONGJIN].into_iter().enumerate() {
        let n = n as i64;
        let confirmed = beijing(day - Duration::days(1), 9, 30 + 10 * n);
        deposit(past, lot, who, beijing(before, 10 + 2 * n, 0), Some(confirmed)).await?;
    }
    let mut best = Money::ZERO;
    let bids = [(10, 12, ZHAO, 80), (10, 40, YONGJIN, 88), (11, 5, QIANCHAO, 95), (14, 30, ZHAO, 100)];
    for (h, m, who, percent) in bids {
        best = bid(past.at(beijing(day, h, m)), lot, who, percent, best).await?;
    }
    // Three minutes before the end: the end moves to five minutes after the bid.
    bid(past.at(beijing(day, 15, 57)), lot, QIANCHAO, 102, best).await?;
    let store = past.at(beijing(day, 16, 5));
    match store.close_lot("asset_manager", lot.id).await? {
        Outcome::Sold { winner, .. } if winner == bidder(store, QIANCHAO).await? => Ok(()),
        other => Err(StoreError::Corrupt(format!("the demo's sold lot closed as {other:?}"))),
    }
}

/// The live lot: three deposits confirmed (the debtor's company's among them) and the
/// `investor`'s waiting; bids, one refused by the screening.
async fn auction_live(past: &Past, t: &Timeline, lot: &LotRecord) -> Result<(), StoreError> {
    let day = t.today - Duration::days(1);
    let before = day - Duration::days(2);
    for (n, who) in [ZHAO, YONGJIN, DEBTOR_CONTROLLED].into_iter().enumerate() {
        let n = n as i64;
        let confirmed = beijing(before + Duration::days(1), 9, 30 + 10 * n);
        deposit(past, lot, who, beijing(before, 10 + 2 * n, 0), Some(confirmed)).await?;
    }
    deposit(past, lot, QIANCHAO, beijing(day, 20, 0), None).await?;
    let mut best = bid(past.at(beijing(day, 10, 20)), lot, ZHAO, 80, Money::ZERO).await?;
    best = bid(past.at(beijing(day, 11, 15)), lot, YONGJIN, 85, best).await?;
    let store = past.at(beijing(day, 13, 40));
    let attempt = best.checked_add(lot.terms.increment).unwrap_or(best);
    let firm = bidder(store, DEBTOR_CONTROLLED).await?;
    match store.place_bid(DEBTOR_CONTROLLED, firm, lot.id, attempt).await? {
        Err(refused) if refused.refusal.staff_kind() == RefusalKind::Screened => {}
        other => return Err(StoreError::Corrupt(format!("the demo's screened bid was not refused: {other:?}"))),
    }
    bid(past.at(beijing(day, 14, 5)), lot, ZHAO, 90, best).await.map(drop)
}
