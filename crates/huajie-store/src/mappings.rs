//! Mapping profiles: how each transferor's tapes name their columns, saved once and
//! applied to every later tape from the same bank.

use huajie_tape::{Field, MappingProfile};
use serde::Serialize;

use crate::audit::Audited;
use crate::rows::{i64_col, opt_text, text};
use crate::{Store, StoreError, WriteTx};

/// One saved column of a profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MappingEntry {
    pub id: i64,
    pub transferor_identifier: String,
    pub header: String,
    /// The field code, or `None` for a column to leave out.
    pub field: Option<String>,
}

impl Audited for MappingEntry {
    const ENTITY: &'static str = "mapping_profile";
    fn audit_id(&self) -> String {
        self.id.to_string()
    }
}

fn entry(r: &sqlx::any::AnyRow) -> Result<MappingEntry, StoreError> {
    Ok(MappingEntry {
        id: i64_col(r, "id")?,
        transferor_identifier: text(r, "transferor_identifier")?,
        header: text(r, "header")?,
        field: opt_text(r, "field")?,
    })
}

impl Store {
    /// The saved mapping of a transferor (empty when none).
    pub async fn mapping_profile(&self, transferor_identifier: &str) -> Result<MappingProfile, StoreError> {
        let rows = sqlx::query(
            "SELECT id, transferor_identifier, header, field FROM mapping_profiles WHERE transferor_identifier = $1",
        )
        .bind(transferor_identifier)
        .fetch_all(&self.pool)
        .await?;
        let mut profile = MappingProfile::default();
        for r in &rows {
            let e = entry(r)?;
            let field = match e.field.as_deref() {
                None => None,
                Some(code) => Some(
                    Field::from_code(code)
                        .ok_or_else(|| StoreError::Corrupt(format!("mapping_profiles.field = {code}")))?,
                ),
            };
            profile.columns.insert(e.header, field);
        }
        Ok(profile)
    }

    pub(crate) async fn all_mapping_entries(&self) -> Result<Vec<MappingEntry>, StoreError> {
        let rows = sqlx::query("SELECT id, transferor_identifier, header, field FROM mapping_profiles ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(entry).collect()
    }
}

impl WriteTx {
    /// Saves what one header of a transferor's tapes means (`None`: leave it out).
    /// `header` is stored normalised, as the tape reader compares it.
    pub async fn save_mapping(
        &mut self,
        transferor_identifier: &str,
        header: &str,
        field: Option<Field>,
    ) -> Result<(), StoreError> {
        let header = huajie_tape::header::normalize_header(header).0;
        let code = field.map(|f| f.code().to_string());
        let existing = sqlx::query("SELECT id, transferor_identifier, header, field FROM mapping_profiles WHERE transferor_identifier = $1 AND header = $2")
            .bind(transferor_identifier)
            .bind(&header)
            .fetch_optional(&mut *self.tx)
            .await?;
        match existing {
            Some(row) => {
                let before = entry(&row)?;
                if before.field == code {
                    return Ok(());
                }
                sqlx::query("UPDATE mapping_profiles SET field = $1 WHERE id = $2")
                    .bind(code.clone())
                    .bind(before.id)
                    .execute(&mut *self.tx)
                    .await?;
                let after = MappingEntry { field: code, ..before.clone() };
                self.audit_update(&before, &after).await?;
            }
            None => {
                let row = sqlx::query("INSERT INTO mapping_profiles (transferor_identifier, header, field) VALUES ($1, $2, $3) RETURNING id")
                    .bind(transferor_identifier)
                    .bind(&header)
                    .bind(code.clone())
                    .fetch_one(&mut *self.tx)
                    .await?;
                let created = MappingEntry {
                    id: i64_col(&row, "id")?,
                    transferor_identifier: transferor_identifier.to_string(),
                    header,
                    field: code,
                };
                self.audit_create(&created).await?;
            }
        }
        Ok(())
    }
}
