//! Lots on the investor portal (issue 14): one per approved plan of a biddable method, set up
//! from its published announcement with auction terms (`huajie_auction::Terms`), the investors'
//! deposits (保证金) and the bidders admitted with their numbers (竞买号). Bidding and the close
//! are `bids.rs`. Every row is audited; a lot's moving parts (its current end and the last bid's
//! sequence number) live beside it unaudited, as they follow from its audited bids.

use chrono::{DateTime, Utc};
use huajie_auction::{AuctionMode, DepositStatus, InvestorId, LotStatus, Terms};
use huajie_core::{Money, Text};
use huajie_decide::PlanStatus;
use serde::Serialize;
use sqlx::AnyConnection;
use sqlx::any::AnyRow;

use crate::audit::Audited;
use crate::rows::{code, i64_col, money, opt_i64, opt_text, opt_utc, text, utc};
use crate::status::StatusTable;
use crate::{Store, StoreError, WriteTx};

/// A lot as it is audited: its plan and announcement, its terms, its outcome once closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LotRecord {
    pub id: i64,
    pub plan_id: i64,
    pub announcement_id: i64,
    pub title: String,
    pub terms: Terms,
    pub status: LotStatus,
    /// Once closed: sold or why not (`huajie_auction::NoSale`), the winner and the price.
    pub outcome: Option<String>,
    pub winner_id: Option<i64>,
    pub price: Option<Money>,
    #[serde(serialize_with = "crate::rows::opt_stored_time")]
    pub closed_at: Option<DateTime<Utc>>,
    pub closed_by: Option<String>,
    pub created_by: String,
    #[serde(serialize_with = "crate::rows::stored_time")]
    pub created_at: DateTime<Utc>,
}

impl Audited for LotRecord {
    const ENTITY: &'static str = "lot";
    fn audit_id(&self) -> String {
        self.id.to_string()
    }
}

/// A lot with its moving parts: the current (perhaps extended) end and the last bid's number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveLot {
    pub lot: LotRecord,
    pub ends_at: DateTime<Utc>,
    pub last_seq: i64,
}

/// An investor's deposit for a lot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DepositRecord {
    pub id: i64,
    pub lot_id: i64,
    pub investor_id: i64,
    pub amount: Money,
    /// The bank transfer's reference the investor gave.
    pub reference: String,
    pub status: DepositStatus,
    #[serde(serialize_with = "crate::rows::stored_time")]
    pub recorded_at: DateTime<Utc>,
    pub confirmed_by: Option<String>,
    #[serde(serialize_with = "crate::rows::opt_stored_time")]
    pub confirmed_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "crate::rows::opt_stored_time")]
    pub settled_at: Option<DateTime<Utc>>,
}

impl Audited for DepositRecord {
    const ENTITY: &'static str = "lot_deposit";
    fn audit_id(&self) -> String {
        self.id.to_string()
    }
}

/// A bidder admitted to a lot (its deposit confirmed), with the number others see it by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BidderRecord {
    pub lot_id: i64,
    pub investor_id: i64,
    pub number: i64,
    #[serde(serialize_with = "crate::rows::stored_time")]
    pub admitted_at: DateTime<Utc>,
}

impl Audited for BidderRecord {
    const ENTITY: &'static str = "lot_bidder";
    fn audit_id(&self) -> String {
        format!("{}/{}", self.lot_id, self.investor_id)
    }
}

/// A lot as it is set up: the plan it sells and its terms (the extension is the rule
/// parameter's, whatever is given).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LotInput {
    pub plan_id: i64,
    pub title: String,
    pub terms: Terms,
}

pub(crate) const LOT_COLUMNS: &str = "id, plan_id, announcement_id, title, mode, start_price_fen, increment_fen, reserve_fen, \
    deposit_fen, starts_at, scheduled_end, ends_at, extension_minutes, status, last_seq, outcome, winner_id, price_fen, \
    closed_at, closed_by, created_by, created_at";

pub(crate) fn live_lot(r: &AnyRow) -> Result<LiveLot, StoreError> {
    let terms = Terms {
        mode: code(r, "mode", AuctionMode::from_code)?,
        start_price: money(r, "start_price_fen")?,
        increment: money(r, "increment_fen")?,
        reserve: opt_i64(r, "reserve_fen")?.map(Money::from_fen),
        deposit: money(r, "deposit_fen")?,
        starts_at: utc(r, "starts_at")?,
        ends_at: utc(r, "scheduled_end")?,
        extension_minutes: u32::try_from(i64_col(r, "extension_minutes")?)
            .map_err(|_| StoreError::Corrupt("lots.extension_minutes".into()))?,
    };
    let lot = LotRecord {
        id: i64_col(r, "id")?,
        plan_id: i64_col(r, "plan_id")?,
        announcement_id: i64_col(r, "announcement_id")?,
        title: text(r, "title")?,
        terms,
        status: code(r, "status", LotStatus::from_code)?,
        outcome: opt_text(r, "outcome")?,
        winner_id: opt_i64(r, "winner_id")?,
        price: opt_i64(r, "price_fen")?.map(Money::from_fen),
        closed_at: opt_utc(r, "closed_at")?,
        closed_by: opt_text(r, "closed_by")?,
        created_by: text(r, "created_by")?,
        created_at: utc(r, "created_at")?,
    };
    Ok(LiveLot { lot, ends_at: utc(r, "ends_at")?, last_seq: i64_col(r, "last_seq")? })
}

pub(crate) fn deposit_row(r: &AnyRow) -> Result<DepositRecord, StoreError> {
    Ok(DepositRecord {
        id: i64_col(r, "id")?,
        lot_id: i64_col(r, "lot_id")?,
        investor_id: i64_col(r, "investor_id")?,
        amount: money(r, "amount_fen")?,
        reference: text(r, "reference")?,
        status: code(r, "status", DepositStatus::from_code)?,
        recorded_at: utc(r, "recorded_at")?,
        confirmed_by: opt_text(r, "confirmed_by")?,
        confirmed_at: opt_utc(r, "confirmed_at")?,
        settled_at: opt_utc(r, "settled_at")?,
    })
}

pub(crate) const DEPOSIT_COLUMNS: &str =
    "id, lot_id, investor_id, amount_fen, reference, status, recorded_at, confirmed_by, confirmed_at, settled_at";

pub(crate) mod read {
    use super::*;

    pub async fn lot(c: &mut AnyConnection, id: i64) -> Result<LiveLot, StoreError> {
        let sql = format!("SELECT {LOT_COLUMNS} FROM lots WHERE id = $1");
        let row = sqlx::query(crate::composed(sql)).bind(id).fetch_optional(&mut *c).await?;
        live_lot(&row.ok_or_else(|| StoreError::NotFound(format!("拍卖标的 / lot {id}")))?)
    }

    pub async fn lots(c: &mut AnyConnection) -> Result<Vec<LiveLot>, StoreError> {
        let sql = format!("SELECT {LOT_COLUMNS} FROM lots ORDER BY id DESC");
        sqlx::query(crate::composed(sql)).fetch_all(&mut *c).await?.iter().map(live_lot).collect()
    }

    pub async fn deposits(c: &mut AnyConnection, lot: Option<i64>) -> Result<Vec<DepositRecord>, StoreError> {
        let sql =
            format!("SELECT {DEPOSIT_COLUMNS} FROM lot_deposits WHERE ($1 IS NULL OR lot_id = $1) ORDER BY lot_id, id");
        sqlx::query(crate::composed(sql)).bind(lot).fetch_all(&mut *c).await?.iter().map(deposit_row).collect()
    }

    pub async fn deposit(c: &mut AnyConnection, id: i64) -> Result<DepositRecord, StoreError> {
        let sql = format!("SELECT {DEPOSIT_COLUMNS} FROM lot_deposits WHERE id = $1");
        let row = sqlx::query(crate::composed(sql)).bind(id).fetch_optional(&mut *c).await?;
        deposit_row(&row.ok_or_else(|| StoreError::NotFound(format!("保证金 / deposit {id}")))?)
    }

    pub async fn bidders(c: &mut AnyConnection, lot: Option<i64>) -> Result<Vec<BidderRecord>, StoreError> {
        sqlx::query(
            "SELECT lot_id, investor_id, number, admitted_at FROM lot_bidders WHERE ($1 IS NULL OR lot_id = $1) ORDER BY lot_id, number",
        )
        .bind(lot)
        .fetch_all(&mut *c)
        .await?
        .iter()
        .map(|r| {
            Ok(BidderRecord {
                lot_id: i64_col(r, "lot_id")?,
                investor_id: i64_col(r, "investor_id")?,
                number: i64_col(r, "number")?,
                admitted_at: utc(r, "admitted_at")?,
            })
        })
        .collect()
    }
}

impl Store {
    pub async fn lots(&self) -> Result<Vec<LiveLot>, StoreError> {
        read::lots(&mut *self.pool.acquire().await?).await
    }

    pub async fn lot(&self, id: i64) -> Result<LiveLot, StoreError> {
        read::lot(&mut *self.pool.acquire().await?, id).await
    }

    /// The deposits of a lot, or of every lot.
    pub async fn lot_deposits(&self, lot: Option<i64>) -> Result<Vec<DepositRecord>, StoreError> {
        read::deposits(&mut *self.pool.acquire().await?, lot).await
    }

    /// The bidders admitted to a lot, or to every lot, by number.
    pub async fn lot_bidders(&self, lot: Option<i64>) -> Result<Vec<BidderRecord>, StoreError> {
        read::bidders(&mut *self.pool.acquire().await?, lot).await
    }

    /// Sets up a lot for an approved plan of a biddable method (online auction, tender) whose
    /// latest announcement is published: its terms checked (`Terms::problems`) and held to
    /// what was decided and announced (`Terms::against_decision`: no floor below the approved
    /// reserve, no bidding before the announcement period has run); the extension is the rule
    /// parameter's. One lot per plan.
    pub async fn create_lot(&self, actor: &str, input: &LotInput) -> Result<LotRecord, StoreError> {
        self.operate(actor, async |tx| {
            let plan = crate::disposal::read::plan(tx.conn(), input.plan_id).await?;
            if plan.status != PlanStatus::Approved || !plan.method.is_biddable() {
                return Err(StoreError::Refused(Text::fixed(
                    "只有决策委员会批准的网络拍卖或招标方案可以设立拍卖标的。",
                    "Only an approved plan to sell by online auction or tender may be put up as a lot.",
                )));
            }
            let announcement = crate::announcements::latest_published(tx.conn(), plan.id).await?.ok_or_else(|| {
                StoreError::Refused(Text::fixed(
                    "该方案尚无已发布的处置公告：先发布公告，公告期届满后方可竞价。",
                    "The plan has no published announcement: publish it first; bidding opens after its period.",
                ))
            })?;
            let params = tx.rule_parameters().await?.parameters;
            let mode = if plan.method == huajie_decide::DisposalMethod::Tender {
                AuctionMode::Sealed
            } else {
                AuctionMode::Ascending
            };
            let terms = Terms { mode, extension_minutes: params.auction_extension_minutes, ..input.terms.clone() };
            let opens = announcement.bidding_opens_on.map(huajie_core::clock::beijing_midnight);
            let mut problems = terms.problems();
            problems.extend(terms.against_decision(plan.reserve, opens.unwrap_or(terms.starts_at)));
            if let Some((_, first)) = problems.first() {
                return Err(StoreError::Refused(first.clone()));
            }
            tx.insert_lot(&plan, announcement.id, input.title.trim(), terms).await
        })
        .await
    }

    /// The investor records the deposit they paid for a lot (the transfer's reference): once
    /// per lot, while it is open.
    pub async fn record_deposit(
        &self,
        actor: &str,
        investor: InvestorId,
        lot_id: i64,
        reference: &str,
    ) -> Result<DepositRecord, StoreError> {
        self.operate(actor, async |tx| {
            let live = read::lot(tx.conn(), lot_id).await?;
            if live.lot.status != LotStatus::Open || tx.clock.now() >= live.ends_at {
                return Err(StoreError::Refused(Text::fixed(
                    "该标的已结束，不能再交保证金。",
                    "Bidding on the lot has ended: no more deposits.",
                )));
            }
            let recorded_at = crate::stored_time(tx.clock.now());
            let reference = reference.trim();
            let r = sqlx::query("INSERT INTO lot_deposits (lot_id, investor_id, amount_fen, reference, status, recorded_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
                .bind(lot_id)
                .bind(investor.0)
                .bind(live.lot.terms.deposit.fen())
                .bind(reference)
                .bind(DepositStatus::Recorded.code())
                .bind(crate::timestamp(recorded_at))
                .fetch_one(tx.conn())
                .await
                .map_err(|e| {
                    StoreError::on_unique(e, || Text::fixed("本标的的保证金已登记", "the deposit for this lot is recorded"))
                })?;
            let d = DepositRecord {
                id: i64_col(&r, "id")?,
                lot_id,
                investor_id: investor.0,
                amount: live.lot.terms.deposit,
                reference: reference.to_string(),
                status: DepositStatus::Recorded,
                recorded_at,
                confirmed_by: None,
                confirmed_at: None,
                settled_at: None,
            };
            tx.audit_create(&d).await?;
            Ok(d)
        })
        .await
    }

    /// Finance confirms a deposit arrived (`received`, at least the lot's deposit:
    /// `huajie_auction::deposit::may_confirm`) and the investor is admitted to the lot with the
    /// next bidder number.
    pub async fn confirm_deposit(&self, actor: &str, id: i64, received: Money) -> Result<BidderRecord, StoreError> {
        self.operate(actor, async |tx| {
            let before = read::deposit(tx.conn(), id).await?;
            let live = read::lot(tx.conn(), before.lot_id).await?;
            huajie_auction::deposit::may_confirm(received, &live.lot.terms).map_err(StoreError::Refused)?;
            let now = crate::stored_time(tx.clock.now());
            let also = [("confirmed_by", Some(tx.actor().to_string())), ("confirmed_at", Some(crate::timestamp(now)))];
            tx.set_status(StatusTable::Deposits, id, before.status, DepositStatus::Confirmed, &also).await?;
            let after = read::deposit(tx.conn(), id).await?;
            tx.audit_update(&before, &after).await?;
            tx.admit(before.lot_id, before.investor_id, now).await
        })
        .await
    }
}

impl WriteTx {
    async fn insert_lot(
        &mut self,
        plan: &crate::Plan,
        announcement_id: i64,
        title: &str,
        terms: Terms,
    ) -> Result<LotRecord, StoreError> {
        let created_at = crate::stored_time(self.clock.now());
        let title = if title.is_empty() { plan.title.as_str() } else { title };
        let r = sqlx::query(
            "INSERT INTO lots (plan_id, announcement_id, title, mode, start_price_fen, increment_fen, reserve_fen, deposit_fen, \
             starts_at, scheduled_end, ends_at, extension_minutes, status, last_seq, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11, $12, 0, $13, $14) RETURNING id",
        )
        .bind(plan.id)
        .bind(announcement_id)
        .bind(title)
        .bind(terms.mode.code())
        .bind(terms.start_price.fen())
        .bind(terms.increment.fen())
        .bind(terms.reserve.map(Money::fen))
        .bind(terms.deposit.fen())
        .bind(crate::timestamp(terms.starts_at))
        .bind(crate::timestamp(terms.ends_at))
        .bind(i64::from(terms.extension_minutes))
        .bind(LotStatus::Open.code())
        .bind(self.actor().to_string())
        .bind(crate::timestamp(created_at))
        .fetch_one(self.conn())
        .await
        .map_err(|e| StoreError::on_unique(e, || Text::fixed("该方案已设立拍卖标的", "the plan already has a lot")))?;
        let lot = LotRecord {
            id: i64_col(&r, "id")?,
            plan_id: plan.id,
            announcement_id,
            title: title.to_string(),
            terms,
            status: LotStatus::Open,
            outcome: None,
            winner_id: None,
            price: None,
            closed_at: None,
            closed_by: None,
            created_by: self.actor().to_string(),
            created_at,
        };
        self.audit_create(&lot).await?;
        Ok(lot)
    }

    /// Admits an investor to a lot with the next number (`huajie_auction::Numbers`: in the
    /// order admitted), once.
    async fn admit(&mut self, lot_id: i64, investor_id: i64, now: DateTime<Utc>) -> Result<BidderRecord, StoreError> {
        let admitted = read::bidders(self.conn(), Some(lot_id)).await?;
        if let Some(b) = admitted.iter().find(|b| b.investor_id == investor_id) {
            return Ok(b.clone());
        }
        let number = admitted.iter().map(|b| b.number).max().unwrap_or(0) + 1;
        sqlx::query("INSERT INTO lot_bidders (lot_id, investor_id, number, admitted_at) VALUES ($1, $2, $3, $4)")
            .bind(lot_id)
            .bind(investor_id)
            .bind(number)
            .bind(crate::timestamp(now))
            .execute(self.conn())
            .await?;
        let b = BidderRecord { lot_id, investor_id, number, admitted_at: now };
        self.audit_create(&b).await?;
        Ok(b)
    }
}
