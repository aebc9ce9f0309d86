//! The sealed-bid tender (招标，密封报价) in the store (issue 14), by the rules of
//! `huajie_auction::sealed`: a submission is read and written as an auction bid is (`bids.rs`:
//! the bidder's standing read afresh, then the lot's state under the shared write lock, the next
//! sequence number guarded on the one it follows), a bidder's later submission replacing the
//! earlier. Before the opening nobody reads an amount: the status says how many bidders have a
//! bid in and whether a given one has; the audit chain holds each submission as a commitment
//! (SHA-256 of a random salt and the amount), and the opening's record holds every amount, so
//! that the chain shows none was changed after it was sealed. The opening takes two different
//! staff users: the first asks for it (recorded, audited), the second opens; the outcome is
//! written to the lot as an auction's close writes it (`WriteTx::record_outcome`).

use chrono::{DateTime, Utc};
use huajie_auction::{AuctionMode, Eligibility, InvestorId, LotStatus, Opening, SealedBid, Submission, Tender};
use huajie_core::{Money, Text};
use serde_json::json;
use sqlx::AnyConnection;

use crate::bids::{RefusedBid, standing};
use crate::lots::{LiveLot, read};
use crate::rows::{i64_col, money, opt_text, opt_utc, text, utc};
use crate::{Store, StoreError, WriteTx};

/// What an accepted submission tells its bidder: its place and time, and whether it replaced
/// their earlier one. Never the amount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedReceipt {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub replaced: bool,
}

/// A tender as it may be read before its opening: no amounts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenderStatus {
    /// How many bidders have a bid in.
    pub submitted: usize,
    /// Whether the investor asked about has one.
    pub has_bid: bool,
    /// The staff user who asked for the opening, waiting for a second.
    pub requested_by: Option<String>,
    pub opened: bool,
}

/// A step of the opening: asked for by a first staff user, or opened by a second.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenStep {
    Requested { by: String },
    Opened(Opening),
}

/// The opening as staff read it: who asked and when, and once opened who opened it, when, and
/// the bids ranked with the outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenderOpening {
    pub requested_by: String,
    pub requested_at: DateTime<Utc>,
    pub opened_by: Option<String>,
    pub opened_at: Option<DateTime<Utc>>,
    pub opening: Option<Opening>,
}

/// The tender's state: its current (unreplaced) bids.
async fn tender(c: &mut AnyConnection, live: &LiveLot) -> Result<Tender, StoreError> {
    let rows = sqlx::query(
        "SELECT seq, investor_id, amount_fen, at FROM lot_sealed_bids WHERE lot_id = $1 AND replaced_by IS NULL ORDER BY seq",
    )
    .bind(live.lot.id)
    .fetch_all(&mut *c)
    .await?;
    let bids = rows
        .iter()
        .map(|r| {
            let bidder = InvestorId(i64_col(r, "investor_id")?);
            Ok(SealedBid::stored(i64_col(r, "seq")?, bidder, money(r, "amount_fen")?, utc(r, "at")?))
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(Tender::new(live.lot.terms.clone(), live.last_seq, bids))
}

/// The lot, if it is an open tender.
async fn open_tender_lot(c: &mut AnyConnection, lot_id: i64) -> Result<LiveLot, StoreError> {
    let live = read::lot(c, lot_id).await?;
    if live.lot.status != LotStatus::Open || live.lot.terms.mode != AuctionMode::Sealed {
        return Err(StoreError::Refused(Text::fixed(
            "该标的不在招标投标中。",
            "The lot is not open for sealed tenders.",
        )));
    }
    Ok(live)
}

async fn opening_row(c: &mut AnyConnection, lot_id: i64) -> Result<Option<TenderOpening>, StoreError> {
    let row = sqlx::query(
        "SELECT requested_by, requested_at, opened_by, opened_at, opening FROM lot_openings WHERE lot_id = $1",
    )
    .bind(lot_id)
    .fetch_optional(&mut *c)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let opening = opt_text(&r, "opening")?
        .map(|j| serde_json::from_str(&j).map_err(|e| StoreError::Corrupt(format!("lot_openings.opening: {e}"))))
        .transpose()?;
    Ok(Some(TenderOpening {
        requested_by: text(&r, "requested_by")?,
        requested_at: utc(&r, "requested_at")?,
        opened_by: opt_text(&r, "opened_by")?,
        opened_at: opt_utc(&r, "opened_at")?,
        opening,
    }))
}

/// A fresh salt for a submission's commitment, from the operating system's random source.
fn salt() -> Result<String, StoreError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| StoreError::Corrupt(format!("no random source: {e}")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// The commitment the audit chain holds for a sealed amount.
pub fn commitment(salt: &str, amount: Money) -> String {
    huajie_core::audit::sha256_hex(format!("{salt}:{}", amount.fen()).as_bytes())
}

impl Store {
    /// The investor's sealed bid of `amount` on an open tender, at the server's time: accepted
    /// (replacing their earlier bid, if any) or refused by the rule (`Ok(Err(..))`, a refusal
    /// by screening recorded for staff as an auction bid's is). A lot not an open tender is
    /// refused as a store refusal.
    pub async fn submit_sealed_bid(
        &self,
        actor: &str,
        investor: InvestorId,
        lot_id: i64,
        amount: Money,
    ) -> Result<Result<SealedReceipt, RefusedBid>, StoreError> {
        let (qualified, screening) = {
            let mut c = self.pool.acquire().await?;
            let live = open_tender_lot(&mut c, lot_id).await?;
            standing(&mut c, &live, investor, self.clock.today()).await?
        };
        let mut tx = self.write(actor).await?;
        let live = open_tender_lot(tx.conn(), lot_id).await?;
        let state = tender(tx.conn(), &live).await?;
        let deposit_confirmed = crate::bids::deposit_confirmed(tx.conn(), lot_id, investor).await?;
        let eligibility = Eligibility { qualified, deposit_confirmed, screening };
        let at = crate::stored_time(tx.clock.now());
        match state.submit(investor, amount, at, &eligibility) {
            Err(refusal) => {
                if refusal.staff_kind() == huajie_auction::RefusalKind::Screened {
                    let (_, why) = refusal.told(huajie_auction::Audience::Staff);
                    let detail = json!({ "investor_id": investor.0, "zh": why.zh, "en": why.en, "sealed": true });
                    tx.audit_event("bid_refused", "lot_bid_refusal", &lot_id.to_string(), detail).await?;
                    tx.commit().await?;
                }
                Ok(Err(RefusedBid { refusal }))
            }
            Ok(s) => {
                tx.write_sealed(lot_id, &s).await?;
                tx.commit().await?;
                Ok(Ok(SealedReceipt { seq: s.seq, at: s.at, replaced: s.replaces.is_some() }))
            }
        }
    }

    /// How many bidders have a bid in, whether `investor` has one, and where the opening
    /// stands: never an amount.
    pub async fn tender_status(&self, lot_id: i64, investor: Option<InvestorId>) -> Result<TenderStatus, StoreError> {
        let mut c = self.pool.acquire().await?;
        let live = read::lot(&mut c, lot_id).await?;
        let state = tender(&mut c, &live).await?;
        let opening = opening_row(&mut c, lot_id).await?;
        Ok(TenderStatus {
            submitted: state.submitted(),
            has_bid: investor.is_some_and(|i| state.has_bid(i)),
            requested_by: opening.as_ref().filter(|o| o.opened_by.is_none()).map(|o| o.requested_by.clone()),
            opened: opening.is_some_and(|o| o.opening.is_some()),
        })
    }

    /// The opening of a tender as staff read it (the ranked bids once opened), if asked for.
    pub async fn tender_opening(&self, lot_id: i64) -> Result<Option<TenderOpening>, StoreError> {
        opening_row(&mut *self.pool.acquire().await?, lot_id).await
    }

    /// A step of the opening (开标), after the end: the first staff user asks for it; a second,
    /// different one opens (`Tender::open`): the bids ranked, the outcome written to the lot
    /// as an auction's close writes it, every deposit settled. Each step audited.
    pub async fn open_tender(&self, actor: &str, lot_id: i64) -> Result<OpenStep, StoreError> {
        self.operate(actor, async |tx| {
            let live = open_tender_lot(tx.conn(), lot_id).await?;
            let state = tender(tx.conn(), &live).await?;
            let now = crate::stored_time(tx.clock.now());
            let Some(asked) = opening_row(tx.conn(), lot_id).await? else {
                state.may_open(now).map_err(StoreError::Refused)?;
                let by = tx.actor().to_string();
                sqlx::query("INSERT INTO lot_openings (lot_id, requested_by, requested_at) VALUES ($1, $2, $3)")
                    .bind(lot_id)
                    .bind(&by)
                    .bind(crate::timestamp(now))
                    .execute(tx.conn())
                    .await?;
                let detail = json!({ "requested_by": by, "requested_at": crate::timestamp(now) });
                tx.audit_event("tender_open_requested", "lot_opening", &lot_id.to_string(), detail).await?;
                return Ok(OpenStep::Requested { by });
            };
            let actor = tx.actor().to_string();
            let opening = state.open(now, &asked.requested_by, &actor).map_err(StoreError::Refused)?;
            tx.record_outcome(&live, opening.outcome).await?;
            let described = serde_json::to_string(&opening).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            sqlx::query("UPDATE lot_openings SET opened_by = $1, opened_at = $2, opening = $3 WHERE lot_id = $4")
                .bind(&actor)
                .bind(crate::timestamp(now))
                .bind(&described)
                .bind(lot_id)
                .execute(tx.conn())
                .await?;
            let salts = salts(tx.conn(), lot_id).await?;
            let detail = json!({ "opened_by": opening.opened_by, "opening": opening, "salts": salts });
            tx.audit_event("tender_opened", "lot_opening", &lot_id.to_string(), detail).await?;
            Ok(OpenStep::Opened(opening))
        })
        .await
    }
}

/// Every submission's salt by sequence number, for the opening's record: with the amounts, the
/// commitments the chain holds can be checked.
async fn salts(c: &mut AnyConnection, lot_id: i64) -> Result<serde_json::Value, StoreError> {
    let rows = sqlx::query("SELECT seq, salt FROM lot_sealed_bids WHERE lot_id = $1 ORDER BY seq")
        .bind(lot_id)
        .fetch_all(&mut *c)
        .await?;
    let mut out = serde_json::Map::new();
    for r in &rows {
        out.insert(i64_col(r, "seq")?.to_string(), text(r, "salt")?.into());
    }
    Ok(out.into())
}

impl WriteTx {
    /// Writes an accepted submission: the lot's last sequence number guarded on the one it
    /// follows, the replaced bid marked, the bid, and its commitment in the audit chain.
    async fn write_sealed(&mut self, lot_id: i64, s: &Submission) -> Result<(), StoreError> {
        let moved = sqlx::query("UPDATE lots SET last_seq = $1 WHERE id = $2 AND last_seq = $3 AND status = $4")
            .bind(s.seq)
            .bind(lot_id)
            .bind(s.after)
            .bind(LotStatus::Open.code())
            .execute(self.conn())
            .await?
            .rows_affected();
        if moved != 1 {
            return Err(StoreError::Refused(Text::fixed(
                "投标时标的状态已变化，请刷新后重试。",
                "The lot changed while the tender was submitted: reload and try again.",
            )));
        }
        if let Some(old) = s.replaces {
            sqlx::query("UPDATE lot_sealed_bids SET replaced_by = $1 WHERE lot_id = $2 AND seq = $3")
                .bind(s.seq)
                .bind(lot_id)
                .bind(old)
                .execute(self.conn())
                .await?;
        }
        let salt = salt()?;
        sqlx::query(
            "INSERT INTO lot_sealed_bids (lot_id, seq, investor_id, amount_fen, salt, at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(lot_id)
        .bind(s.seq)
        .bind(s.bidder.0)
        .bind(s.amount.fen())
        .bind(&salt)
        .bind(crate::timestamp(s.at))
        .execute(self.conn())
        .await?;
        let detail = json!({
            "investor_id": s.bidder.0,
            "seq": s.seq,
            "at": crate::timestamp(s.at),
            "replaces": s.replaces,
            "commitment": commitment(&salt, s.amount),
        });
        self.audit_event("sealed_bid", "lot_sealed_bid", &format!("{lot_id}/{}", s.seq), detail).await.map(drop)
    }
}
