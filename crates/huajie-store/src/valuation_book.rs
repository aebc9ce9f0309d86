//! A package's book as the valuation engine reads it, and nothing more: the columns
//! `huajie_value::appraise` looks at, in four queries, decoded by position. At 100,000 claims
//! the full rows (names, identifiers checked again, descriptions, addresses) cost seconds
//! through sqlx's `Any` driver; these cost a fraction of that (docs/performance.md, issue 17).
//!
//! The `Book` it returns holds real amounts, stages, dates, kinds and statuses, and empty
//! text where the engine reads none (contract numbers, names, descriptions): it is for the
//! engine, never for display. Its order is the order the full read gave (claims by contract
//! number, items by id and their liens by claim, guarantees by id, analyses by party), so the
//! engine's inputs — and their hash — are the same as before.

use chrono::NaiveDate;
use futures_util::TryStreamExt;
use huajie_core::{
    Claim, Collateral, CollateralType, Guarantee, Identity, LitigationStage, Money, Party, PartyKind, PartyStatus,
    ValuationBasis,
};
use huajie_value::{Book, BookClaim, BookGuarantee, BookItem, BookLien};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{Store, StoreError, composed};

fn int(r: &AnyRow, i: usize) -> Result<i64, StoreError> {
    Ok(r.try_get::<i64, _>(i)?)
}

fn opt_int(r: &AnyRow, i: usize) -> Result<Option<i64>, StoreError> {
    Ok(r.try_get::<Option<i64>, _>(i)?)
}

fn opt_str(r: &AnyRow, i: usize) -> Result<Option<String>, StoreError> {
    Ok(r.try_get::<Option<String>, _>(i)?)
}

fn fen(r: &AnyRow, i: usize) -> Result<Money, StoreError> {
    int(r, i).map(Money::from_fen)
}

fn coded<E>(r: &AnyRow, i: usize, what: &str, from_code: fn(&str) -> Option<E>) -> Result<E, StoreError> {
    let s: String = r.try_get(i)?;
    from_code(&s).ok_or_else(|| StoreError::Corrupt(format!("{what} = {s}")))
}

fn opt_date(r: &AnyRow, i: usize, what: &str) -> Result<Option<NaiveDate>, StoreError> {
    opt_str(r, i)?
        .map(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|_| StoreError::Corrupt(format!("{what} = {s}"))))
        .transpose()
}

/// A party as the engine sees it: its kind and status (`Party::kind` of a verified party is
/// the kind its identifier names, which is the stored `kind`).
fn party(r: &AnyRow, kind: usize, status: usize) -> Result<Party, StoreError> {
    Ok(Party {
        name: String::new(),
        identity: Identity::Unverified {
            kind: coded(r, kind, "parties.kind", PartyKind::from_code)?,
            id_as_written: None,
        },
        status: coded(r, status, "parties.status", PartyStatus::from_code)?,
        address: None,
        phone: None,
    })
}

const CLAIMS: &str = "SELECT c.id, c.debtor_id, c.principal_fen, c.interest_fen, c.penalty_fen, c.advanced_costs_fen, \
       c.litigation_stage, c.default_date, c.limitation_date, c.product, c.days_past_due, d.kind, d.status \
     FROM claims c JOIN parties d ON d.id = c.debtor_id WHERE c.package_id = $1 ORDER BY c.contract_no";

fn book_claim(r: &AnyRow, package_id: i64) -> Result<BookClaim, StoreError> {
    let claim = Claim {
        package_id,
        contract_no: String::new(),
        debtor_id: int(r, 1)?,
        principal: fen(r, 2)?,
        interest: fen(r, 3)?,
        penalty: fen(r, 4)?,
        advanced_costs: fen(r, 5)?,
        five_class: None,
        litigation_stage: opt_str(r, 6)?
            .map(|s| {
                LitigationStage::from_code(&s).ok_or_else(|| StoreError::Corrupt(format!("litigation_stage = {s}")))
            })
            .transpose()?,
        default_date: opt_date(r, 7, "default_date")?,
        limitation_date: opt_date(r, 8, "limitation_date")?,
        province: None,
        product: opt_str(r, 9)?,
        days_past_due: opt_int(r, 10)?,
        written_off: None,
    };
    Ok(BookClaim { id: int(r, 0)?, claim, debtor: party(r, 11, 12)? })
}

const ITEMS: &str = "SELECT l.collateral_id, l.claim_id, l.lien_rank, m.collateral_type, m.appraised_value_fen, m.prior_claims_fen \
     FROM claim_collateral l JOIN claims c ON c.id = l.claim_id JOIN collateral m ON m.id = l.collateral_id \
     WHERE c.package_id = $1 ORDER BY l.collateral_id, l.claim_id";

/// Adds a link row to `items`: a new item when its id differs from the last one's.
fn add_link(items: &mut Vec<BookItem>, r: &AnyRow) -> Result<(), StoreError> {
    let id = int(r, 0)?;
    let rank = int(r, 2)?;
    let rank = u8::try_from(rank)
        .ok()
        .filter(|r| *r >= 1)
        .ok_or_else(|| StoreError::Corrupt(format!("lien_rank = {rank}")))?;
    let lien = BookLien { claim_id: int(r, 1)?, rank };
    match items.last_mut() {
        Some(last) if last.id == id => last.liens.push(lien),
        _ => items.push(BookItem {
            id,
            collateral: Collateral {
                collateral_type: coded(r, 3, "collateral_type", CollateralType::from_code)?,
                description: String::new(),
                address: None,
                province: None,
                appraised_value: fen(r, 4)?,
                appraisal_date: None,
                prior_claims: fen(r, 5)?,
                owner_id: None,
            },
            liens: vec![lien],
        }),
    }
    Ok(())
}

const GUARANTEES: &str = "SELECT g.claim_id, g.guarantor_id, g.cap_fen, p.kind, p.status \
     FROM guarantees g JOIN parties p ON p.id = g.guarantor_id JOIN claims c ON c.id = g.claim_id \
     WHERE c.package_id = $1 ORDER BY g.id";

fn book_guarantee(r: &AnyRow) -> Result<BookGuarantee, StoreError> {
    let guarantee = Guarantee {
        claim_id: int(r, 0)?,
        guarantor_id: int(r, 1)?,
        kind: None,
        cap: opt_int(r, 2)?.map(Money::from_fen),
    };
    Ok(BookGuarantee { guarantee, guarantor: party(r, 3, 4)? })
}

impl Store {
    /// A package's claims, collateral and guarantees as the engine reads them, valued at
    /// `valuation_date` (see the module's note: only what the engine reads is filled in).
    pub async fn valuation_book(&self, package_id: i64, valuation_date: NaiveDate) -> Result<Book, StoreError> {
        let basis = sqlx::query("SELECT valuation_basis FROM packages WHERE id = $1")
            .bind(package_id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("资产包 / package {package_id}")))?;
        let basis = coded(&basis, 0, "valuation_basis", ValuationBasis::from_code)?;
        let mut claims = Vec::new();
        let mut rows = sqlx::query(CLAIMS).bind(package_id).fetch(&self.pool);
        while let Some(r) = rows.try_next().await? {
            claims.push(book_claim(&r, package_id)?);
        }
        drop(rows);
        let mut items = Vec::new();
        let mut rows = sqlx::query(ITEMS).bind(package_id).fetch(&self.pool);
        while let Some(r) = rows.try_next().await? {
            add_link(&mut items, &r)?;
        }
        drop(rows);
        let mut guarantees = Vec::new();
        let mut rows = sqlx::query(GUARANTEES).bind(package_id).fetch(&self.pool);
        while let Some(r) = rows.try_next().await? {
            guarantees.push(book_guarantee(&r)?);
        }
        drop(rows);
        let liquidations = self.liquidations_of_package(package_id).await?;
        Ok(Book { valuation_date, basis, liquidations, claims, items, guarantees })
    }

    /// The id of the package's latest tape import (the tape version a run values), without
    /// reading the imports' reports.
    pub async fn latest_tape_import_id(&self, package_id: i64) -> Result<Option<i64>, StoreError> {
        let row = sqlx::query("SELECT MAX(id) FROM tape_imports WHERE package_id = $1")
            .bind(package_id)
            .fetch_one(&self.pool)
            .await?;
        opt_int(&row, 0)
    }

    /// A tape import's version, without reading its report.
    pub async fn tape_import_version(&self, id: i64) -> Result<Option<i64>, StoreError> {
        let row =
            sqlx::query("SELECT version FROM tape_imports WHERE id = $1").bind(id).fetch_optional(&self.pool).await?;
        row.map(|r| int(&r, 0)).transpose()
    }

    async fn liquidations_of_package(
        &self,
        package_id: i64,
    ) -> Result<Vec<huajie_core::LiquidationAnalysis>, StoreError> {
        let rows = sqlx::query(composed(format!(
            "SELECT {} FROM liquidation_analyses l WHERE l.party_id IN (SELECT debtor_id FROM claims WHERE package_id = $1) ORDER BY l.party_id",
            crate::valuation::LIQUIDATION_COLUMNS
        )))
        .bind(package_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| crate::valuation::liquidation_from_row(r).map(|l| l.data)).collect()
    }
}
