//! Reads of lots for the investor portal and the public pages (issue 14), each one query so
//! that a page never asks once per lot: the best (latest) bid of every lot, and one investor's
//! deposits and bids across lots.

use sqlx::any::AnyRow;

use crate::bids::BidRecord;
use crate::lots::DepositRecord;
use crate::rows::{i64_col, money, utc};
use crate::{Store, StoreError};

fn bid_row(r: &AnyRow) -> Result<BidRecord, StoreError> {
    Ok(BidRecord {
        lot_id: i64_col(r, "lot_id")?,
        seq: i64_col(r, "seq")?,
        investor_id: i64_col(r, "investor_id")?,
        amount: money(r, "amount_fen")?,
        at: utc(r, "at")?,
    })
}

impl Store {
    /// The best bid of every lot that has one (a lot's best is its latest: the bid whose
    /// sequence number is the lot's last), by lot.
    pub async fn best_bids(&self) -> Result<Vec<BidRecord>, StoreError> {
        sqlx::query(
            "SELECT b.lot_id, b.seq, b.investor_id, b.amount_fen, b.at FROM lots l \
             JOIN lot_bids b ON b.lot_id = l.id AND b.seq = l.last_seq ORDER BY b.lot_id",
        )
        .fetch_all(&mut *self.pool.acquire().await?)
        .await?
        .iter()
        .map(bid_row)
        .collect()
    }

    /// Every bid of one investor (by user id), by lot and order.
    pub async fn investor_bids(&self, investor_id: i64) -> Result<Vec<BidRecord>, StoreError> {
        sqlx::query(
            "SELECT lot_id, seq, investor_id, amount_fen, at FROM lot_bids WHERE investor_id = $1 ORDER BY lot_id, seq",
        )
        .bind(investor_id)
        .fetch_all(&mut *self.pool.acquire().await?)
        .await?
        .iter()
        .map(bid_row)
        .collect()
    }

    /// One investor's deposits (by user id), by lot.
    pub async fn investor_deposits(&self, investor_id: i64) -> Result<Vec<DepositRecord>, StoreError> {
        let sql =
            format!("SELECT {} FROM lot_deposits WHERE investor_id = $1 ORDER BY lot_id", crate::lots::DEPOSIT_COLUMNS);
        sqlx::query(crate::composed(sql))
            .bind(investor_id)
            .fetch_all(&mut *self.pool.acquire().await?)
            .await?
            .iter()
            .map(crate::lots::deposit_row)
            .collect()
    }
}
