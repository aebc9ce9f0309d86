//! The recovery ledger as a collections history (issue 15, back-testing): a bought package's
//! receipts that stand, by claim and month, as one static pool (`huajie_tape::history::pool_history`),
//! and every held retail batch's pools together — what `/packages/{id}/collections.csv` writes
//! and what an assumption set's curves are estimated from the ledger with.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use huajie_core::{Money, PackageStatus, ValuationBasis};
use huajie_tape::history::{CollectionHistory, PoolClaim, pool_history};

use crate::{Store, StoreError};

/// A held retail batch as a pool of the ledger's history.
#[derive(Debug, Clone, PartialEq)]
pub struct PoolSource {
    pub package_id: i64,
    pub code: String,
    pub name: String,
    pub acquired: NaiveDate,
    pub claims: usize,
    pub collected: Money,
}

/// Every held retail batch's collections from the ledger: the pools and their history together
/// (`None`: no held retail batch).
#[derive(Debug, Clone)]
pub struct LedgerPools {
    pub pools: Vec<PoolSource>,
    pub history: Option<CollectionHistory>,
}

impl Store {
    /// Package `package`'s receipts that stand as a collections history, its pool its acquisition
    /// month (`None`: no such package, or not bought).
    pub async fn collections_history(&self, package: i64) -> Result<Option<CollectionHistory>, StoreError> {
        let Some(p) = self.package(package).await? else { return Ok(None) };
        let Some(acquired) = p.package.data.acquired_on else { return Ok(None) };
        let entries = self.ledger_entries(Some(package)).await?;
        let reversed: BTreeSet<i64> = entries.iter().filter_map(|e| e.entry.reverses()).collect();
        let receipts: Vec<(i64, NaiveDate, Money)> = entries
            .iter()
            .filter(|e| !reversed.contains(&e.id))
            .filter_map(|e| e.receipt.as_ref().map(|r| (r.claim_id, e.entry.date(), r.amount)))
            .collect();
        let mut claims = Vec::new();
        for c in self.claims_of_package(package).await? {
            let d = c.claim.data;
            claims.push(PoolClaim {
                id: c.claim.id,
                amount: d.total().map_err(|e| StoreError::Corrupt(format!("claim {}: {e}", c.claim.id)))?,
                claim_no: d.contract_no,
                product: d.product,
                days_past_due: d.days_past_due,
                default_date: d.default_date,
                litigated: d.litigation_stage.is_some(),
            });
        }
        Ok(Some(pool_history(acquired, claims, &receipts)))
    }

    /// Every held retail batch's collections (a package valued as a retail batch, bought, and
    /// acquired or disposing — a closed batch's history stops at its sale), each its own vintage.
    pub async fn ledger_pools(&self) -> Result<LedgerPools, StoreError> {
        let mut pools = Vec::new();
        let mut histories = Vec::new();
        for p in self.packages().await? {
            let d = &p.package.data;
            let held = matches!(d.status, PackageStatus::Acquired | PackageStatus::Disposing);
            let Some(acquired) = d.acquired_on.filter(|_| held && d.valuation_basis == ValuationBasis::RetailBatch)
            else {
                continue;
            };
            let Some(history) = self.collections_history(p.package.id).await? else { continue };
            let fen = history.claims.iter().flat_map(|c| &c.collections).map(|c| c.1.fen()).sum();
            pools.push(PoolSource {
                package_id: p.package.id,
                code: d.code.clone(),
                name: d.name.clone(),
                acquired,
                claims: history.claims.len(),
                collected: Money::from_fen(fen),
            });
            histories.push(history);
        }
        Ok(LedgerPools { pools, history: CollectionHistory::concat(histories) })
    }
}
