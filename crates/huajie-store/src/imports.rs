//! Tape imports: carrying out a `huajie_tape::LoadPlan` inside a writing transaction, and
//! the versions of each package's tape. The whole import is one transaction: a crash or a
//! kill at any moment leaves the database as it was before.

use chrono::{DateTime, NaiveDate, Utc};
use huajie_core::{Collateral, Guarantee, Stored, Text};
use huajie_tape::LoadPlan;
use serde::Serialize;
use sqlx::any::AnyRow;

use crate::audit::{Audited, to_json};
use crate::bulk::{Hashing, hash_rows, hashed, stored_json};
use crate::composed;
use crate::parties::{party_columns, party_from_row};
use crate::portfolio::CollateralLink;
use crate::rows::{code, date, date_text, i64_col, money, opt_code, opt_money, opt_text, text};
use crate::{Store, StoreError, WriteTx};
use huajie_core::audit::fingerprint;
use std::collections::HashMap;

/// Identifiers looked up per query.
const IDENTIFIERS_PER_QUERY: usize = 1_000;

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
        let rows = sqlx::query(composed(format!(
            "SELECT {IMPORT_COLUMNS} FROM tape_imports WHERE package_id = $1 ORDER BY version"
        )))
        .bind(package_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(import_from_row).collect()
    }

    pub(crate) async fn all_tape_imports(&self) -> Result<Vec<TapeImport>, StoreError> {
        let rows = sqlx::query(composed(format!("SELECT {IMPORT_COLUMNS} FROM tape_imports ORDER BY id")))
            .fetch_all(&self.pool)
            .await?;
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
        let row =
            sqlx::query("SELECT diff_json FROM tape_imports WHERE id = $1").bind(id).fetch_optional(&self.pool).await?;
        let Some(json) = row.as_ref().map(|r| crate::rows::opt_text(r, "diff_json")).transpose()?.flatten() else {
            return Ok(None);
        };
        serde_json::from_str(&json)
            .map(Some)
            .map_err(|e| StoreError::Corrupt(format!("tape_imports.diff_json {id}: {e}")))
    }

    /// The validation report stored with an import.
    pub async fn tape_report(&self, id: i64) -> Result<Option<huajie_tape::TapeReport>, StoreError> {
        let row = sqlx::query("SELECT report_json FROM tape_imports WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        let Some(json) = row.as_ref().map(|r| crate::rows::opt_text(r, "report_json")).transpose()?.flatten() else {
            return Ok(None);
        };
        serde_json::from_str(&json)
            .map(Some)
            .map_err(|e| StoreError::Corrupt(format!("tape_imports.report_json {id}: {e}")))
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
    New {
        code: String,
        name: String,
        transferor: huajie_core::Party,
    },
}

/// The result of an import.
#[derive(Debug, Clone)]
pub enum ImportOutcome {
    /// `diff`: from the second tape of a package on, what it changed.
    Loaded { import: Box<TapeImport>, counts: LoadCounts, diff: Option<huajie_tape::TapeDiff> },
    /// The policy refused the tape: nothing was written.
    Refused { rejected_rows: usize },
}

/// Claims handed to the writer at a time.
const CLAIMS_PER_CHUNK: usize = 5_000;
/// Chunks read ahead of the writer.
const CHUNKS_IN_FLIGHT: usize = 2;

/// A tape import under way: one writing transaction into which checked claims are
/// written chunk by chunk as the tape is read. `finish` records the version and commits;
/// dropping it (an error, a refusal) rolls everything back.
pub struct TapeLoad {
    tx: WriteTx,
    target: PackageTarget,
    package_id: Option<i64>,
    policy: huajie_tape::ImportPolicy,
    /// Where the claims are sorted; away on the reading thread during a file import.
    sorter: Option<huajie_tape::Sorter<i64>>,
    /// Ids of the parties, claims and collateral planned so far, by plan number.
    party_ids: Vec<i64>,
    claim_ids: Vec<i64>,
    collateral_ids: Vec<i64>,
    counts: LoadCounts,
    /// The package's guarantors without a verified identifier, by `huajie_tape::party_key`:
    /// a later tape naming the same one (same flawed ID, or same name and no ID) reuses it.
    /// Such parties are matched within their package only.
    unverified: HashMap<String, i64>,
    /// The audit records of the last chunk's claims, hashed on a thread of their own while
    /// the next chunk is written, and written with it.
    pending_claims: Option<Hashing>,
    /// The attempt this load carries out (`attempts.rs`), marked loaded when it commits.
    attempt: Option<i64>,
}

impl Store {
    /// Starts an import into a package: takes the write lock and, when the package
    /// already has claims, reads them to compare the new tape with.
    pub async fn begin_tape_load(
        &self,
        actor: &str,
        target: PackageTarget,
        policy: huajie_tape::ImportPolicy,
    ) -> Result<TapeLoad, StoreError> {
        let tx = self.write(actor).await?;
        self.tape_load_in(tx, target, policy).await
    }

    /// `begin_tape_load` inside a transaction already open, for a caller that writes
    /// more around the import (the demo company); end it with `TapeLoad::finish_in`.
    pub async fn tape_load_in(
        &self,
        tx: WriteTx,
        target: PackageTarget,
        policy: huajie_tape::ImportPolicy,
    ) -> Result<TapeLoad, StoreError> {
        // Read under the write lock: nothing changes the package's claims meanwhile.
        let (package_id, differ, unverified) = match &target {
            PackageTarget::Existing(id) => {
                let existing = self.claims_of_package(*id).await?;
                let differ = if existing.is_empty() {
                    None
                } else {
                    let security = self.security_of_package(*id).await?;
                    let claims = existing.into_iter().map(|r| {
                        let debtor = r.debtor.data.identity.id_text().unwrap_or_default().to_string();
                        (r.claim.id, r.claim.data, debtor)
                    });
                    Some(huajie_tape::Differ::new(claims).with_security(security))
                };
                (Some(*id), differ, self.unverified_guarantors(*id).await?)
            }
            PackageTarget::New { .. } => (None, None, HashMap::new()),
        };
        Ok(TapeLoad {
            tx,
            target,
            package_id,
            policy,
            sorter: Some(huajie_tape::Sorter::new(differ)),
            party_ids: Vec::new(),
            claim_ids: Vec::new(),
            collateral_ids: Vec::new(),
            counts: LoadCounts::default(),
            unverified,
            pending_claims: None,
            attempt: None,
        })
    }

    /// Loads a checked tape held in memory into a package as its next version, in one
    /// transaction. Under `Strict`, a tape with any rejected row writes nothing.
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
        let mut load = self.begin_tape_load(actor, target.clone(), policy).await?;
        for chunk in read.claims.chunks(CLAIMS_PER_CHUNK) {
            load.add(read.cutoff_date, chunk).await?;
        }
        load.finish(file_name, file_sha256, read).await
    }

    /// Reads, checks and loads a tape file in one pass: the file is read on a blocking
    /// thread while the claims it yields are written, chunk by chunk, inside one
    /// transaction, so a million-row tape is never held in memory. Under `Strict`
    /// writing stops at the first rejected row (the tape is still read to the end for
    /// its report) and nothing is kept.
    ///
    /// The attempt is recorded first, in its own transaction, and marked loaded in the
    /// load's: `import_attempts` tells what became of it even when the process was killed.
    pub async fn import_tape_file<R: std::io::Read + Send + 'static>(
        &self,
        actor: &str,
        target: PackageTarget,
        policy: huajie_tape::ImportPolicy,
        file: TapeFile<R>,
    ) -> Result<FileImport, StoreError> {
        let code = match &target {
            PackageTarget::New { code, .. } => code.clone(),
            PackageTarget::Existing(id) => {
                let row =
                    sqlx::query("SELECT code FROM packages WHERE id = $1").bind(*id).fetch_optional(&self.pool).await?;
                row.map(|r| text(&r, "code"))
                    .transpose()?
                    .ok_or_else(|| StoreError::NotFound(format!("资产包 / package {id}")))?
            }
        };
        let attempt = self.start_import_attempt(actor, &code, &file.name, &file.sha256).await?;
        let result = self.import_tape_file_as(actor, target, policy, file, attempt).await;
        let both = |say: &dyn Fn(huajie_core::Lang) -> String| {
            Text::new(say(huajie_core::Lang::Zh), say(huajie_core::Lang::En))
        };
        let ended = match &result {
            Ok(FileImport::Read { outcome: ImportOutcome::Loaded { .. }, .. }) => None,
            Ok(FileImport::Read { outcome: ImportOutcome::Refused { rejected_rows }, .. }) => Some((
                crate::AttemptState::Refused,
                Text::new(format!("{rejected_rows} 行被拒绝"), format!("{rejected_rows} rows rejected")),
            )),
            Ok(FileImport::Fatal { problems, .. }) => Some((
                crate::AttemptState::NotImportable,
                both(&|lang| problems.iter().map(|p| p.message(lang)).collect::<Vec<_>>().join("; ")),
            )),
            Ok(FileImport::Unreadable(e)) => Some((crate::AttemptState::Unreadable, both(&|lang| e.message(lang)))),
            Err(e) => Some((crate::AttemptState::Failed, both(&|lang| e.message(lang)))),
        };
        if let Some((state, detail)) = ended
            && let Err(e) = self.end_import_attempt(attempt, state, &detail).await
        {
            // It then reads as interrupted, which is as true: nothing was loaded.
            tracing::warn!(attempt, error = %e, "the end of an import attempt could not be recorded");
        }
        result
    }

    async fn import_tape_file_as<R: std::io::Read + Send + 'static>(
        &self,
        actor: &str,
        target: PackageTarget,
        policy: huajie_tape::ImportPolicy,
        file: TapeFile<R>,
        attempt: i64,
    ) -> Result<FileImport, StoreError> {
        let mut load = self.begin_tape_load(actor, target, policy).await?;
        load.tx.hold_import_attempt(attempt).await?;
        load.attempt = Some(attempt);
        let mut sorter = load.sorter.take().expect("a new load has its sorter");
        let (sender, mut receiver) =
            tokio::sync::mpsc::channel::<(NaiveDate, huajie_tape::Sorted<i64>)>(CHUNKS_IN_FLIGHT);
        let TapeFile { name, sha256, reader, bytes, options, profile } = file;
        let strict = policy == huajie_tape::ImportPolicy::Strict;
        let reader_name = name.clone();
        // The reading thread reads, checks and sorts (plans) the claims; this task writes.
        let reading = tokio::task::spawn_blocking(move || {
            let mut cutoff = None;
            let mut chunk = Vec::with_capacity(CLAIMS_PER_CHUNK);
            // Set when a strict tape has a rejected row, or the writer has stopped.
            let mut stopped = false;
            let send = |chunk: Vec<huajie_tape::TapeClaim>, date: NaiveDate, sorter: &mut huajie_tape::Sorter<i64>| {
                sender.blocking_send((date, sorter.sort(chunk))).is_err()
            };
            let read =
                huajie_tape::read_tape_each(&reader_name, reader, bytes, options, &profile, &mut |event| match event {
                    huajie_tape::RowEvent::Started { cutoff_date } => cutoff = Some(cutoff_date),
                    huajie_tape::RowEvent::Claim(claim) if !stopped => {
                        chunk.push(claim);
                        if chunk.len() == CLAIMS_PER_CHUNK
                            && let Some(date) = cutoff
                        {
                            let full = std::mem::replace(&mut chunk, Vec::with_capacity(CLAIMS_PER_CHUNK));
                            stopped = send(full, date, &mut sorter);
                        }
                    }
                    huajie_tape::RowEvent::Rejected if strict => {
                        stopped = true;
                        chunk.clear();
                    }
                    _ => {}
                });
            if let (false, Some(date)) = (stopped || chunk.is_empty(), cutoff) {
                send(chunk, date, &mut sorter);
            }
            (read, sorter)
        });
        let mut failed = None;
        while let Some((cutoff, sorted)) = receiver.recv().await {
            if let Err(e) = load.write_sorted(cutoff, sorted).await {
                failed = Some(e);
                break;
            }
        }
        drop(receiver);
        let (read, sorter) = match reading.await {
            Ok(done) => done,
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(e) => return Err(StoreError::Corrupt(format!("tape reader: {e}"))),
        };
        load.sorter = Some(sorter);
        if let Some(e) = failed.or_else(|| self.next_stage(crate::RunStage::Finishing).err()) {
            return Err(e);
        }
        Ok(match read {
            Err(e) => FileImport::Unreadable(e),
            Ok((source, Err(problems))) => FileImport::Fatal { source, problems },
            Ok((source, Ok(read))) => {
                let outcome = load.finish(&name, &sha256, &read).await?;
                FileImport::Read { source, read: Box::new(read), outcome }
            }
        })
    }
}

/// A tape file to import.
pub struct TapeFile<R> {
    pub name: String,
    pub sha256: String,
    /// The file, read as it streams (CSV).
    pub reader: R,
    /// The whole file, when it has to be read as a workbook.
    pub bytes: Box<dyn FnOnce() -> std::io::Result<Vec<u8>> + Send>,
    pub options: huajie_tape::SheetOptions,
    pub profile: huajie_tape::MappingProfile,
}

/// What importing a tape file came to.
#[derive(Debug)]
pub enum FileImport {
    /// The file could not be read at all (empty, an image, a damaged workbook).
    Unreadable(huajie_tape::ReadError),
    /// Read, but the tape as a whole cannot be imported (no header, no cut-off date, a
    /// mandatory column missing): nothing was written.
    Fatal { source: String, problems: Vec<huajie_tape::Problem> },
    /// Read and checked (the claims are not kept in `read`); `outcome` says whether it loaded.
    Read { source: String, read: Box<huajie_tape::TapeRead>, outcome: ImportOutcome },
}

impl TapeLoad {
    /// The package the claims go into, created (with its transferor) on first use.
    async fn package(&mut self, cutoff_date: NaiveDate) -> Result<i64, StoreError> {
        if let Some(id) = self.package_id {
            return Ok(id);
        }
        let PackageTarget::New { code, name, transferor } = &self.target else {
            unreachable!("an existing package has its id")
        };
        let (transferor_id, _) = self.tx.find_or_insert_party(transferor).await?;
        let id = self
            .tx
            .insert_package(&huajie_core::Package {
                code: code.clone(),
                name: name.clone(),
                transferor_id,
                cutoff_date,
                status: huajie_core::PackageStatus::Screening,
                acquired_on: None,
                price: None,
                // Decided from the whole tape in `finish_in`.
                valuation_basis: huajie_core::ValuationBasis::ClaimByClaim,
            })
            .await?;
        self.package_id = Some(id);
        Ok(id)
    }

    /// Writes checked claims: those the package lacks are loaded, those a new tape
    /// changes are updated, the unchanged are left alone.
    pub async fn add(&mut self, cutoff_date: NaiveDate, claims: &[huajie_tape::TapeClaim]) -> Result<(), StoreError> {
        let sorted = self.sorter.as_mut().expect("the sorter is home").sort(claims.to_vec());
        self.write_sorted(cutoff_date, sorted).await
    }

    async fn write_sorted(
        &mut self,
        cutoff_date: NaiveDate,
        sorted: huajie_tape::Sorted<i64>,
    ) -> Result<(), StoreError> {
        let package_id = self.package(cutoff_date).await?;
        self.write_plan(package_id, sorted.plan).await?;
        for update in sorted.updates {
            let (debtor_id, _) = self.tx.find_or_insert_party(&update.debtor).await?;
            self.tx.update_claim(update.key, &huajie_core::Claim { debtor_id, ..update.claim }).await?;
            self.counts.claims_updated += 1;
        }
        Ok(())
    }

    /// Writes one chunk of a plan, many rows to a statement, each kind audited in bulk.
    /// The hashing for the audit runs while the database inserts: the parties' while it
    /// takes the claims, the claims' while it takes the next chunk's parties.
    async fn write_plan(&mut self, package_id: i64, plan: LoadPlan) -> Result<(), StoreError> {
        if plan.is_empty() {
            return Ok(());
        }
        let tx = &mut self.tx;
        // Parties: those already known are reused, the others created. A party with an
        // identifier is known by it anywhere; one without (a guarantor named by a tape without
        // a valid ID) only among the package's own guarantors.
        let known =
            tx.party_ids_by_identifier(plan.parties.iter().filter_map(|p| p.identifier()).map(|i| i.as_str())).await?;
        let unverified = &self.unverified;
        let existing = |p: &huajie_core::Party| match p.identifier() {
            Some(i) => known.get(i.as_str()).copied(),
            None => unverified.get(&huajie_tape::party_key(p)).copied(),
        };
        let new: Vec<&huajie_core::Party> = plan.parties.iter().filter(|p| existing(p).is_none()).collect();
        let new_ids = tx.insert_rows(&new).await?;
        if let Some(pending) = self.pending_claims.take() {
            tx.audit_bulk(Stored::<huajie_core::Claim>::ENTITY, hashed(pending).await?).await?;
        }
        let party_records = hash_rows(new.iter().map(|p| (*p).clone()).collect::<Vec<_>>(), new_ids.clone());
        let mut fresh = new_ids.iter();
        for p in &plan.parties {
            match existing(p) {
                Some(id) => {
                    self.party_ids.push(id);
                    self.counts.parties_reused += 1;
                }
                None => {
                    self.party_ids.push(*fresh.next().expect("an id per new party"));
                    self.counts.parties_created += 1;
                }
            }
        }
        // Claims.
        let claims: Vec<huajie_core::Claim> = plan
            .claims
            .into_iter()
            .map(|c| huajie_core::Claim { package_id, debtor_id: self.party_ids[c.debtor], ..c.claim })
            .collect();
        let ids =
            tx.insert_rows(&claims).await.map_err(|e| e.on_unique_db(|| Text::fixed("合同编号", "contract number")))?;
        tx.audit_bulk(Stored::<huajie_core::Party>::ENTITY, hashed(party_records).await?).await?;
        self.counts.claims += ids.len();
        self.claim_ids.extend(&ids);
        self.pending_claims = Some(hash_rows(claims, ids));
        // Collateral, and every claim each item secures.
        let items: Vec<Collateral> = plan
            .collateral
            .iter()
            .map(|m| Collateral { owner_id: Some(self.party_ids[m.owner]), ..m.collateral.clone() })
            .collect();
        let ids = tx.insert_rows(&items).await?;
        tx.audit_create_many(Stored::<Collateral>::ENTITY, stored_json(&items, &ids)).await?;
        self.counts.collateral += ids.len();
        self.collateral_ids.extend(ids);
        let links: Vec<CollateralLink> = plan
            .collateral
            .iter()
            .enumerate()
            .flat_map(|(i, m)| m.secures.iter().map(move |lien| (plan.first_collateral + i, *lien)))
            .chain(plan.links.iter().copied())
            .map(|(item, lien)| CollateralLink {
                claim_id: self.claim_ids[lien.claim],
                collateral_id: self.collateral_ids[item],
                lien_rank: lien.rank,
            })
            .collect();
        tx.insert_rows_without_ids(&links).await?;
        tx.audit_create_many(CollateralLink::ENTITY, links.iter().map(|l| (l.audit_id(), to_json(l)))).await?;
        // Guarantees.
        let guarantees: Vec<Guarantee> = plan
            .guarantees
            .iter()
            .map(|g| Guarantee {
                claim_id: self.claim_ids[g.claim],
                guarantor_id: self.party_ids[g.guarantor],
                kind: g.kind,
                cap: g.cap,
            })
            .collect();
        let ids = tx.insert_rows(&guarantees).await?;
        tx.audit_create_many(Stored::<Guarantee>::ENTITY, stored_json(&guarantees, &ids)).await?;
        self.counts.guarantees += ids.len();
        Ok(())
    }

    /// Writes the audit records still owed for the last chunk's claims.
    async fn flush_audit(&mut self) -> Result<(), StoreError> {
        if let Some(pending) = self.pending_claims.take() {
            self.tx.audit_bulk(Stored::<huajie_core::Claim>::ENTITY, hashed(pending).await?).await?;
        }
        Ok(())
    }

    /// Ends the import: under a policy that refuses the tape, everything is rolled back;
    /// otherwise the linked sheets' items are written, the version recorded with its
    /// report and diff, and the transaction committed.
    pub async fn finish(
        self,
        file_name: &str,
        file_sha256: &str,
        read: &huajie_tape::TapeRead,
    ) -> Result<ImportOutcome, StoreError> {
        let (tx, outcome) = self.finish_in(file_name, file_sha256, read).await?;
        if matches!(outcome, ImportOutcome::Loaded { .. }) {
            tx.commit().await?;
        }
        Ok(outcome)
    }

    /// `finish` without committing: the transaction comes back with the outcome (after a
    /// refusal it holds the chunks written so far, and must be dropped).
    pub async fn finish_in(
        mut self,
        file_name: &str,
        file_sha256: &str,
        read: &huajie_tape::TapeRead,
    ) -> Result<(WriteTx, ImportOutcome), StoreError> {
        let rejected_rows = read.rejected_rows();
        if !self.policy.allows(rejected_rows) {
            return Ok((self.tx, ImportOutcome::Refused { rejected_rows }));
        }
        let package_id = self.package(read.cutoff_date).await?;
        let mut sorter = self.sorter.take().expect("the sorter is home");
        let linked = sorter.linked(&read.linked_collateral, &read.linked_guarantors);
        self.write_plan(package_id, linked).await?;
        self.flush_audit().await?;
        if matches!(self.target, PackageTarget::New { .. }) {
            // A new package: how it is valued follows from its first tape.
            let row = sqlx::query(
                "SELECT COUNT(*) AS claims, COALESCE(SUM(CASE WHEN p.kind = 'individual' THEN 1 ELSE 0 END), 0) AS individuals \
                 FROM claims c JOIN parties p ON p.id = c.debtor_id WHERE c.package_id = $1",
            )
            .bind(package_id)
            .fetch_one(&mut *self.tx.tx)
            .await?;
            let count = |c: &str| i64_col(&row, c).map(|n| u64::try_from(n).unwrap_or(0));
            let basis = huajie_core::ValuationBasis::of_new_package(
                read.personal_batch,
                count("individuals")?,
                count("claims")?,
            );
            self.tx.set_valuation_basis(package_id, basis).await?;
        }
        let diff = sorter.finish(read.carries());
        let warnings = read.problems.iter().filter(|p| p.severity() == huajie_tape::Severity::Warning).count();
        let import = self
            .tx
            .record_tape_import(&NewTapeImport {
                package_id,
                file_name: file_name.to_string(),
                file_sha256: file_sha256.to_string(),
                cutoff_date: read.cutoff_date,
                policy: self.policy.code().to_string(),
                rows_read: read.rows_read as i64,
                claims_loaded: self.counts.claims as i64,
                rows_rejected: rejected_rows as i64,
                warnings: warnings as i64,
                completeness_pct: i64::from(read.completeness_score),
                report_json: serde_json::to_string(&huajie_tape::TapeReport::new(read, file_name))
                    .expect("reports serialise"),
                diff_json: diff.as_ref().map(|d| serde_json::to_string(d).expect("diffs serialise")),
            })
            .await?;
        if let Some(attempt) = self.attempt {
            self.tx.finish_import_attempt(attempt, import.id).await?;
        }
        Ok((self.tx, ImportOutcome::Loaded { import: Box::new(import), counts: self.counts, diff }))
    }
}

impl Store {
    /// What secures each claim of a package (its collateral and guarantors), by contract
    /// number: two queries for the whole package.
    async fn security_of_package(&self, package_id: i64) -> Result<HashMap<String, huajie_tape::Security>, StoreError> {
        let mut out: HashMap<String, huajie_tape::Security> = HashMap::new();
        let items = sqlx::query(
            "SELECT c.contract_no, m.collateral_type, m.description, m.address, m.appraised_value_fen, cc.lien_rank, m.prior_claims_fen \
             FROM claim_collateral cc JOIN collateral m ON m.id = cc.collateral_id JOIN claims c ON c.id = cc.claim_id \
             WHERE c.package_id = $1 ORDER BY m.id",
        )
        .bind(package_id)
        .fetch_all(&self.pool)
        .await?;
        for r in &items {
            let kind = code(r, "collateral_type", huajie_core::CollateralType::from_code)?;
            let (address, description) = (opt_text(r, "address")?, text(r, "description")?);
            out.entry(text(r, "contract_no")?).or_default().collateral.push(huajie_tape::ItemFacts {
                label: huajie_tape::ItemFacts::label(kind, address.as_deref(), Some(&description)),
                appraised_value: money(r, "appraised_value_fen")?,
                lien_rank: u8::try_from(i64_col(r, "lien_rank")?).unwrap_or(u8::MAX),
                prior_claims: money(r, "prior_claims_fen")?,
            });
        }
        let guarantees = sqlx::query(composed(format!(
            "SELECT c.contract_no, {}, g.cap_fen, g.kind \
             FROM guarantees g JOIN parties p ON p.id = g.guarantor_id JOIN claims c ON c.id = g.claim_id \
             WHERE c.package_id = $1 ORDER BY g.id",
            party_columns("p", "p_")
        )))
        .bind(package_id)
        .fetch_all(&self.pool)
        .await?;
        for r in &guarantees {
            let party = party_from_row(r, "p_")?;
            let cap = opt_money(r, "cap_fen")?;
            let kind = opt_code(r, "kind", huajie_core::GuaranteeKind::from_code)?;
            let facts = huajie_tape::GuarantorFacts::of_party(&party.data, cap, kind);
            out.entry(text(r, "contract_no")?).or_default().guarantors.push(facts);
        }
        Ok(out)
    }

    /// The package's guarantors without a verified identifier, by `huajie_tape::party_key`.
    async fn unverified_guarantors(&self, package_id: i64) -> Result<HashMap<String, i64>, StoreError> {
        let rows = sqlx::query(composed(format!(
            "SELECT {} FROM parties p WHERE p.identifier IS NULL AND p.id IN \
               (SELECT g.guarantor_id FROM guarantees g JOIN claims c ON c.id = g.claim_id WHERE c.package_id = $1)",
            party_columns("p", "")
        )))
        .bind(package_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| party_from_row(r, "").map(|p| (huajie_tape::party_key(&p.data), p.id))).collect()
    }
}

impl WriteTx {
    /// The ids of the parties with these identifiers, those that exist.
    pub(crate) async fn party_ids_by_identifier<'a>(
        &mut self,
        identifiers: impl Iterator<Item = &'a str>,
    ) -> Result<std::collections::HashMap<String, i64>, StoreError> {
        let identifiers: Vec<&str> = identifiers.collect();
        let mut out = std::collections::HashMap::new();
        for chunk in identifiers.chunks(IDENTIFIERS_PER_QUERY) {
            let mut sql = String::from("SELECT id, identifier FROM parties WHERE identifier IN (");
            self.backend.push_parameters(&mut sql, 1, chunk.len());
            sql.push(')');
            let mut q = sqlx::query(composed(sql));
            for identifier in chunk {
                q = q.bind(*identifier);
            }
            for row in q.fetch_all(&mut *self.tx).await? {
                out.insert(text(&row, "identifier")?, i64_col(&row, "id")?);
            }
        }
        Ok(out)
    }

    /// The party with this identifier, or a new one; `true` when created. A party without a
    /// verified identifier is always new (the import matches those within their package).
    pub async fn find_or_insert_party(&mut self, party: &huajie_core::Party) -> Result<(i64, bool), StoreError> {
        let Some(identifier) = party.identifier() else { return Ok((self.insert_party(party).await?, true)) };
        let existing = sqlx::query("SELECT id FROM parties WHERE identifier = $1")
            .bind(identifier.as_str())
            .fetch_optional(&mut *self.tx)
            .await?;
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
