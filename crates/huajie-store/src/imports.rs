//! Tape imports: carrying out a `huajie_tape::LoadPlan` inside a writing transaction, and
//! the versions of each package's tape. The whole import is one transaction: a crash or a
//! kill at any moment leaves the database as it was before.

use chrono::{DateTime, NaiveDate, Utc};
use huajie_core::{Collateral, Guarantee};
use huajie_tape::LoadPlan;
use serde::Serialize;
use sqlx::any::AnyRow;

use crate::audit::Audited;
use huajie_core::audit::fingerprint;
use crate::composed;
use crate::rows::{date, date_text, i64_col, text};
use crate::{Store, StoreError, WriteTx};

/// One import of a package's tape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TapeImport {
    pub id: i64,
    pub package_id: i64,
    /// 1 for the first tape of the package, then 2, 3…
    pub version: i64,
    pub file_name: String,
    pub file_sha256: String,
    pub cutoff_date: NaiveDate,
    /// `strict` or `partial`.
    pub policy: String,
    pub rows_read: i64,
    pub claims_loaded: i64,
    pub rows_rejected: i64,
    pub warnings: i64,
    pub completeness_pct: i64,
    pub imported_by: String,
    pub imported_at: DateTime<Utc>,
    /// A fingerprint of the stored validation report, so the chain shows any change to it.
    pub report_fingerprint: String,
}

impl Audited for TapeImport {
    const ENTITY: &'static str = "tape_import";
    fn audit_id(&self) -> String {
        self.id.to_string()
    }
}

/// What an import is about to record.
#[derive(Debug, Clone)]
pub struct NewTapeImport {
    pub package_id: i64,
    pub file_name: String,
    pub file_sha256: String,
    pub cutoff_date: NaiveDate,
    pub policy: String,
    pub rows_read: i64,
    pub claims_loaded: i64,
    pub rows_rejected: i64,
    pub warnings: i64,
    pub completeness_pct: i64,
    /// The validation report, as JSON.
    pub report_json: String,
}

/// What a load wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoadCounts {
    pub parties_created: usize,
    pub parties_reused: usize,
    pub claims: usize,
    pub collateral: usize,
    pub guarantees: usize,
}

const IMPORT_COLUMNS: &str = "id, package_id, version, file_name, file_sha256, cutoff_date, policy, rows_read, claims_loaded, \
     rows_rejected, warnings, completeness_pct, imported_by, imported_at, report_json";

fn import_from_row(r: &AnyRow) -> Result<TapeImport, StoreError> {
    Ok(TapeImport {
        id: i64_col(r, "id")?,
        package_id: i64_col(r, "package_id")?,
        version: i64_col(r, "version")?,
        file_name: text(r, "file_name")?,
        file_sha256: text(r, "file_sha256")?,
        cutoff_date: date(r, "cutoff_date")?,
        policy: text(r, "policy")?,
        rows_read: i64_col(r, "rows_read")?,
        claims_loaded: i64_col(r, "claims_loaded")?,
        rows_rejected: i64_col(r, "rows_rejected")?,
        warnings: i64_col(r, "warnings")?,
        completeness_pct: i64_col(r, "completeness_pct")?,
        imported_by: text(r, "imported_by")?,
        imported_at: crate::parse_timestamp(&text(r, "imported_at")?)?,
        report_fingerprint: fingerprint(&crate::rows::opt_text(r, "report_json")?.unwrap_or_default()),
    })
}

impl Store {
    /// The imports of a package's tape, oldest first.
    pub async fn tape_imports(&self, package_id: i64) -> Result<Vec<TapeImport>, StoreError> {
        let rows = sqlx::query(composed(format!("SELECT {IMPORT_COLUMNS} FROM tape_imports WHERE package_id = $1 ORDER BY version")))
            .bind(package_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(import_from_row).collect()
    }

    pub(crate) async fn all_tape_imports(&self) -> Result<Vec<TapeImport>, StoreError> {
        let rows = sqlx::query(composed(format!("SELECT {IMPORT_COLUMNS} FROM tape_imports ORDER BY id"))).fetch_all(&self.pool).await?;
        rows.iter().map(import_from_row).collect()
    }

    pub async fn tape_import(&self, id: i64) -> Result<Option<TapeImport>, StoreError> {
        let row = sqlx::query(composed(format!("SELECT {IMPORT_COLUMNS} FROM tape_imports WHERE id = $1")))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(import_from_row).transpose()
    }

    /// The validation report stored with an import.
    pub async fn tape_report(&self, id: i64) -> Result<Option<huajie_tape::TapeReport>, StoreError> {
        let row = sqlx::query("SELECT report_json FROM tape_imports WHERE id = $1").bind(id).fetch_optional(&self.pool).await?;
        let Some(json) = row.as_ref().map(|r| crate::rows::opt_text(r, "report_json")).transpose()?.flatten() else { return Ok(None) };
        serde_json::from_str(&json).map(Some).map_err(|e| StoreError::Corrupt(format!("tape_imports.report_json {id}: {e}")))
    }

    /// A package by its code.
    pub async fn package_id_by_code(&self, code: &str) -> Result<Option<i64>, StoreError> {
        let row = sqlx::query("SELECT id FROM packages WHERE code = $1").bind(code).fetch_optional(&self.pool).await?;
        row.as_ref().map(|r| i64_col(r, "id")).transpose()
    }
}

/// Which package a tape goes into.
#[derive(Debug, Clone)]
pub enum PackageTarget {
    Existing(i64),
    /// Created in the import's own transaction, with its transferor (found by
    /// identifier, or created).
    New { code: String, name: String, transferor: huajie_core::Party },
}

/// The result of `Store::import_tape`.
#[derive(Debug, Clone)]
pub enum ImportOutcome {
    /// `set_aside`: what the plan could not carry (guarantors without an ID number).
    Loaded { import: Box<TapeImport>, counts: LoadCounts, set_aside: Vec<huajie_tape::Problem> },
    /// The policy refused the tape: nothing was written.
    Refused { rejected_rows: usize },
}

impl Store {
    /// Loads a checked tape into a package as its next version, in one transaction:
    /// the claims, their parties, collateral and guarantees, and the version record.
    /// Under `Strict`, a tape with any rejected row writes nothing.
    pub async fn import_tape(
        &self,
        actor: &str,
        target: &PackageTarget,
        file_name: &str,
        file_sha256: &str,
        policy: huajie_tape::ImportPolicy,
        read: &huajie_tape::TapeRead,
    ) -> Result<ImportOutcome, StoreError> {
        let rejected_rows = read.rejected_rows();
        if !policy.allows(rejected_rows) {
            return Ok(ImportOutcome::Refused { rejected_rows });
        }
        let plan = huajie_tape::plan(read);
        let mut tx = self.write(actor).await?;
        let package_id = match target {
            PackageTarget::Existing(id) => *id,
            PackageTarget::New { code, name, transferor } => {
                let existing = sqlx::query("SELECT id FROM parties WHERE identifier = $1")
                    .bind(transferor.identifier.as_str())
                    .fetch_optional(&mut *tx.tx)
                    .await?;
                let transferor_id = match existing {
                    Some(row) => i64_col(&row, "id")?,
                    None => tx.insert_party(transferor).await?,
                };
                tx.insert_package(&huajie_core::Package {
                    code: code.clone(),
                    name: name.clone(),
                    transferor_id,
                    cutoff_date: read.cutoff_date,
                    status: huajie_core::PackageStatus::Screening,
                    acquired_on: None,
                    price: None,
                })
                .await?
            }
        };
        let counts = tx.load_plan(package_id, &plan).await?;
        let warnings = read.problems.iter().filter(|p| p.severity() == huajie_tape::Severity::Warning).count() + plan.problems.len();
        let import = tx
            .record_tape_import(&NewTapeImport {
                package_id,
                file_name: file_name.to_string(),
                file_sha256: file_sha256.to_string(),
                cutoff_date: read.cutoff_date,
                policy: policy.code().to_string(),
                rows_read: read.rows_read as i64,
                claims_loaded: counts.claims as i64,
                rows_rejected: rejected_rows as i64,
                warnings: warnings as i64,
                completeness_pct: i64::from(read.completeness_score),
                report_json: serde_json::to_string(&huajie_tape::TapeReport::new(read, file_name)).expect("reports serialise"),
            })
            .await?;
        tx.commit().await?;
        Ok(ImportOutcome::Loaded { import: Box::new(import), counts, set_aside: plan.problems })
    }
}

impl WriteTx {
    /// Writes a load plan into a package: parties found by identifier are reused, the
    /// others created; then claims, collateral (with every claim it secures) and guarantees.
    pub async fn load_plan(&mut self, package_id: i64, plan: &LoadPlan) -> Result<LoadCounts, StoreError> {
        let mut counts = LoadCounts::default();
        let mut party_ids = Vec::with_capacity(plan.parties.len());
        for p in &plan.parties {
            let existing = sqlx::query("SELECT id FROM parties WHERE identifier = $1")
                .bind(p.identifier.as_str())
                .fetch_optional(&mut *self.tx)
                .await?;
            match existing {
                Some(row) => {
                    party_ids.push(i64_col(&row, "id")?);
                    counts.parties_reused += 1;
                }
                None => {
                    party_ids.push(self.insert_party(p).await?);
                    counts.parties_created += 1;
                }
            }
        }
        let mut claim_ids = Vec::with_capacity(plan.claims.len());
        for c in &plan.claims {
            let mut claim = c.claim.clone();
            claim.package_id = package_id;
            claim.debtor_id = party_ids[c.debtor];
            claim_ids.push(self.insert_claim(&claim).await?);
        }
        counts.claims = claim_ids.len();
        for m in &plan.collateral {
            let item = Collateral { owner_id: Some(party_ids[m.owner]), ..m.collateral.clone() };
            let secured: Vec<i64> = m.secures.iter().map(|i| claim_ids[*i]).collect();
            self.insert_collateral(&item, &secured).await?;
            counts.collateral += 1;
        }
        for g in &plan.guarantees {
            self.insert_guarantee(&Guarantee { claim_id: claim_ids[g.claim], guarantor_id: party_ids[g.guarantor], kind: g.kind, cap: g.cap })
                .await?;
            counts.guarantees += 1;
        }
        Ok(counts)
    }

    /// Records an import as the package's next tape version.
    pub async fn record_tape_import(&mut self, new: &NewTapeImport) -> Result<TapeImport, StoreError> {
        let row = sqlx::query("SELECT COALESCE(MAX(version), 0) AS v FROM tape_imports WHERE package_id = $1")
            .bind(new.package_id)
            .fetch_one(&mut *self.tx)
            .await?;
        let version = i64_col(&row, "v")? + 1;
        let at = self.clock.now();
        let row = sqlx::query(
            "INSERT INTO tape_imports (package_id, version, file_name, file_sha256, cutoff_date, policy, rows_read, claims_loaded, \
               rows_rejected, warnings, completeness_pct, imported_by, imported_at, report_json) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
        )
        .bind(new.package_id)
        .bind(version)
        .bind(&new.file_name)
        .bind(&new.file_sha256)
        .bind(date_text(new.cutoff_date))
        .bind(&new.policy)
        .bind(new.rows_read)
        .bind(new.claims_loaded)
        .bind(new.rows_rejected)
        .bind(new.warnings)
        .bind(new.completeness_pct)
        .bind(&self.actor)
        .bind(crate::timestamp(at))
        .bind(&new.report_json)
        .fetch_one(&mut *self.tx)
        .await?;
        let import = TapeImport {
            id: i64_col(&row, "id")?,
            package_id: new.package_id,
            version,
            file_name: new.file_name.clone(),
            file_sha256: new.file_sha256.clone(),
            cutoff_date: new.cutoff_date,
            policy: new.policy.clone(),
            rows_read: new.rows_read,
            claims_loaded: new.claims_loaded,
            rows_rejected: new.rows_rejected,
            warnings: new.warnings,
            completeness_pct: new.completeness_pct,
            imported_by: self.actor.clone(),
            // As stored: microseconds.
            imported_at: crate::parse_timestamp(&crate::timestamp(at))?,
            report_fingerprint: fingerprint(&new.report_json),
        };
        self.audit_create(&import).await?;
        Ok(import)
    }
}
