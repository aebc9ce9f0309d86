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
    /// A fingerprint of the stored validation report and diff, so the chain shows any change to them.
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
    /// What this tape changed in the package, as JSON (version 2 on).
    pub diff_json: Option<String>,
}

/// What a load wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoadCounts {
    pub parties_created: usize,
    pub parties_reused: usize,
    pub claims: usize,
    pub collateral: usize,
    pub guarantees: usize,
    /// Claims a re-imported tape updated.
    pub claims_updated: usize,
}

/// A fingerprint of the stored report and diff, so the audit chain shows any change to them.
fn stored_fingerprint(report_json: &str, diff_json: Option<&str>) -> String {
    fingerprint(&format!("{report_json}\u{0}{}", diff_json.unwrap_or("")))
}

const IMPORT_COLUMNS: &str = "id, package_id, version, file_name, file_sha256, cutoff_date, policy, rows_read, claims_loaded, \
     rows_rejected, warnings, completeness_pct, imported_by, imported_at, report_json, diff_json";

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
        report_fingerprint: stored_fingerprint(
            &crate::rows::opt_text(r, "report_json")?.unwrap_or_default(),
            crate::rows::opt_text(r, "diff_json")?.as_deref(),
        ),
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

    /// What an import changed in its package (version 2 on).
    pub async fn tape_diff(&self, id: i64) -> Result<Option<huajie_tape::TapeDiff>, StoreError> {
        let row = sqlx::query("SELECT diff_json FROM tape_imports WHERE id = $1").bind(id).fetch_optional(&self.pool).await?;
        let Some(json) = row.as_ref().map(|r| crate::rows::opt_text(r, "diff_json")).transpose()?.flatten() else { return Ok(None) };
        serde_json::from_str(&json).map(Some).map_err(|e| StoreError::Corrupt(format!("tape_imports.diff_json {id}: {e}")))
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
    /// `diff`: from the second tape of a package on, what it changed.
    Loaded { import: Box<TapeImport>, counts: LoadCounts, set_aside: Vec<huajie_tape::Problem>, diff: Option<huajie_tape::TapeDiff> },
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
        // A package that already has claims takes the tape as its next version: what it
        // adds is loaded, what it changes is updated, what it no longer lists is kept.
        let existing = match target {
            PackageTarget::Existing(id) => self.claims_of_package(*id).await?,
            PackageTarget::New { .. } => Vec::new(),
        };
        let diff = (!existing.is_empty()).then(|| {
            let pairs: Vec<(huajie_core::Claim, String)> =
                existing.iter().map(|r| (r.claim.data.clone(), r.debtor.data.identifier.as_str().to_string())).collect();
            huajie_tape::diff(&pairs, &plan)
        });
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
        let counts = match &diff {
            None => tx.load_plan(package_id, &plan).await?,
            Some(d) => {
                let added: std::collections::HashSet<String> = d.added.iter().cloned().collect();
                let mut counts = tx.load_plan(package_id, &plan.only(&added)).await?;
                for change in &d.changed {
                    let planned = plan.claims.iter().find(|c| c.claim.contract_no == change.contract_no).expect("diffed from the plan");
                    let old = existing.iter().find(|r| r.claim.data.contract_no == change.contract_no).expect("diffed from the claims");
                    let (debtor_id, _) = tx.find_or_insert_party(&plan.parties[planned.debtor]).await?;
                    let new = &planned.claim;
                    let o = &old.claim.data;
                    let claim = huajie_core::Claim {
                        package_id,
                        debtor_id,
                        advanced_costs: o.advanced_costs,
                        five_class: new.five_class.or(o.five_class),
                        litigation_stage: new.litigation_stage.or(o.litigation_stage),
                        default_date: new.default_date.or(o.default_date),
                        limitation_date: new.limitation_date.or(o.limitation_date),
                        province: new.province.or(o.province),
                        ..new.clone()
                    };
                    tx.update_claim(old.claim.id, &claim).await?;
                    counts.claims_updated += 1;
                }
                counts
            }
        };
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
                diff_json: diff.as_ref().map(|d| serde_json::to_string(d).expect("diffs serialise")),
            })
            .await?;
        tx.commit().await?;
        Ok(ImportOutcome::Loaded { import: Box::new(import), counts, set_aside: plan.problems, diff })
    }
}

impl WriteTx {
    /// Writes a load plan into a package: parties found by identifier are reused, the
    /// others created; then claims, collateral (with every claim it secures) and guarantees.
    pub async fn load_plan(&mut self, package_id: i64, plan: &LoadPlan) -> Result<LoadCounts, StoreError> {
        let mut counts = LoadCounts::default();
        let mut party_ids = Vec::with_capacity(plan.parties.len());
        for p in &plan.parties {
            let (id, created) = self.find_or_insert_party(p).await?;
            party_ids.push(id);
            if created {
                counts.parties_created += 1;
            } else {
                counts.parties_reused += 1;
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

    /// The party with this identifier, or a new one; `true` when created.
    pub async fn find_or_insert_party(&mut self, party: &huajie_core::Party) -> Result<(i64, bool), StoreError> {
        let existing = sqlx::query("SELECT id FROM parties WHERE identifier = $1").bind(party.identifier.as_str()).fetch_optional(&mut *self.tx).await?;
        match existing {
            Some(row) => Ok((i64_col(&row, "id")?, false)),
            None => Ok((self.insert_party(party).await?, true)),
        }
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
               rows_rejected, warnings, completeness_pct, imported_by, imported_at, report_json, diff_json) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
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
        .bind(new.diff_json.clone())
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
            report_fingerprint: stored_fingerprint(&new.report_json, new.diff_json.as_deref()),
        };
        self.audit_create(&import).await?;
        Ok(import)
    }
}
