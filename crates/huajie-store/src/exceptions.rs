//! Cross-region exceptions: a claim outside the company's province that it may still hold or
//! buy, recorded with its legal basis (rules.md A4). Audited.

use huajie_core::Text;
use serde::Serialize;

use crate::audit::Audited;
use crate::rows::{i64_col, text};
use crate::{Store, StoreError, WriteTx};

/// A cross-region exception recorded on a claim, with its legal basis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CrossRegionException {
    pub claim_id: i64,
    pub basis: String,
    pub created_by: String,
    #[serde(serialize_with = "crate::rows::stored_time")]
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl Audited for CrossRegionException {
    const ENTITY: &'static str = "cross_region_exception";
    fn audit_id(&self) -> String {
        self.claim_id.to_string()
    }
}

fn exception_from_row(r: &sqlx::any::AnyRow) -> Result<CrossRegionException, StoreError> {
    Ok(CrossRegionException {
        claim_id: i64_col(r, "claim_id")?,
        basis: text(r, "basis")?,
        created_by: text(r, "created_by")?,
        created_at: crate::rows::utc(r, "created_at")?,
    })
}

impl Store {
    /// Every cross-region exception, by claim.
    pub async fn cross_region_exceptions(&self) -> Result<Vec<CrossRegionException>, StoreError> {
        let rows = sqlx::query(
            "SELECT claim_id, basis, created_by, created_at FROM cross_region_exceptions ORDER BY claim_id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(exception_from_row).collect()
    }

    pub async fn cross_region_exception(&self, claim_id: i64) -> Result<Option<CrossRegionException>, StoreError> {
        let row = sqlx::query(
            "SELECT claim_id, basis, created_by, created_at FROM cross_region_exceptions WHERE claim_id = $1",
        )
        .bind(claim_id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(exception_from_row).transpose()
    }
}

impl WriteTx {
    /// Records (or replaces) the cross-region exception of a claim, with its legal basis.
    pub async fn set_cross_region_exception(
        &mut self,
        claim_id: i64,
        basis: &str,
    ) -> Result<CrossRegionException, StoreError> {
        let basis = basis.trim();
        if basis.is_empty() {
            return Err(StoreError::Refused(Text::fixed(
                "请填写跨区域例外的依据（批复文号等）",
                "give the exception's legal basis",
            )));
        }
        let created_at = crate::stored_time(self.clock.now());
        let after =
            CrossRegionException { claim_id, basis: basis.into(), created_by: self.actor().to_string(), created_at };
        let existing = sqlx::query(
            "SELECT claim_id, basis, created_by, created_at FROM cross_region_exceptions WHERE claim_id = $1",
        )
        .bind(claim_id)
        .fetch_optional(&mut *self.tx)
        .await?;
        match existing {
            Some(r) => {
                let before = CrossRegionException {
                    claim_id,
                    basis: text(&r, "basis")?,
                    created_by: text(&r, "created_by")?,
                    created_at: crate::rows::utc(&r, "created_at")?,
                };
                sqlx::query("UPDATE cross_region_exceptions SET basis = $1, created_by = $2, created_at = $3 WHERE claim_id = $4")
                    .bind(after.basis.as_str())
                    .bind(after.created_by.as_str())
                    .bind(crate::timestamp(after.created_at))
                    .bind(claim_id)
                    .execute(&mut *self.tx)
                    .await?;
                self.audit_update(&before, &after).await?;
            }
            None => {
                sqlx::query("INSERT INTO cross_region_exceptions (claim_id, basis, created_by, created_at) VALUES ($1, $2, $3, $4)")
                    .bind(claim_id)
                    .bind(after.basis.as_str())
                    .bind(after.created_by.as_str())
                    .bind(crate::timestamp(after.created_at))
                    .execute(&mut *self.tx)
                    .await
                    .map_err(|e| StoreError::on_unique(e, || Text::new(format!("债权 {claim_id}"), format!("claim {claim_id}"))))?;
                self.audit_create(&after).await?;
            }
        }
        Ok(after)
    }
}
