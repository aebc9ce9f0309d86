//! What became of each import: an attempt is recorded (file, package, who, when) in its
//! own small transaction before the load begins, and marked loaded inside the load's own
//! transaction, so that the two commit together. A load the policy refused, or a file that
//! could not be read, is marked so afterwards. An attempt left unmarked was cut short —
//! the process killed, the machine stopped — and, since the load is one transaction,
//! nothing of it was written: `huajie import --status` and the package page say so,
//! instead of leaving the user to guess.
//!
//! An attempt is marked once (`huajie_tape::AttemptState::can_become`): each mark is guarded
//! on the attempt being unmarked, and a second one is refused and recorded nowhere.
//!
//! Whether an unmarked attempt is still running is told by its process (recorded as host,
//! pid and start time; on Linux the store looks it up) and, on PostgreSQL, by the row lock
//! the load holds on its attempt for as long as it runs.

use chrono::{DateTime, Utc};
use huajie_core::Text;
use serde::Serialize;
use sqlx::any::AnyRow;

use crate::rows::{i64_col, opt_i64, opt_text, text};
pub use huajie_tape::AttemptState;

use crate::{Backend, Store, StoreError, WriteTx};

/// One import attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportAttempt {
    pub id: i64,
    pub package_code: String,
    pub file_name: String,
    pub file_sha256: String,
    pub started_by: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub state: AttemptState,
    /// The tape version it loaded.
    pub import_id: Option<i64>,
    pub version: Option<i64>,
    /// Why it did not load (rows rejected, the reason the file was refused), in both languages.
    pub detail: Option<huajie_core::Text>,
}

/// Attempts listed per package.
pub const ATTEMPTS_LISTED: i64 = 10;

const ATTEMPT_COLUMNS: &str = "a.id, a.package_code, a.file_name, a.file_sha256, a.started_by, a.started_at, \
     a.finished_at, a.outcome, a.import_id, a.detail, a.process, t.version";

impl Store {
    /// Records that an import of `file_name` into package `package_code` begins, in its own
    /// transaction: it stays on record whatever becomes of the load.
    pub async fn start_import_attempt(
        &self,
        actor: &str,
        package_code: &str,
        file_name: &str,
        file_sha256: &str,
    ) -> Result<i64, StoreError> {
        let mut tx = self.write(actor).await?;
        let row = sqlx::query(
            "INSERT INTO tape_import_attempts (package_code, file_name, file_sha256, started_by, started_at, process) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(package_code)
        .bind(file_name)
        .bind(file_sha256)
        .bind(actor)
        .bind(crate::timestamp(self.clock.now()))
        .bind(this_process())
        .fetch_one(&mut *tx.tx)
        .await?;
        let id = i64_col(&row, "id")?;
        let detail = serde_json::json!({ "package": package_code, "file": file_name, "sha256": file_sha256 });
        tx.audit_event("import_started", "tape_import_attempt", &id.to_string(), detail).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Marks an attempt that ended without loading (refused, unreadable, failed), in its own
    /// transaction (the load's was rolled back). Refused, and nothing recorded, when the attempt
    /// has ended already (`AttemptState::can_become`).
    pub async fn end_import_attempt(&self, id: i64, state: AttemptState, detail: &Text) -> Result<(), StoreError> {
        let mut tx = self.write("").await?;
        // Recorded in the name of who started it (read through this transaction).
        tx.actor = tx.end_attempt(id, state, None, Some(detail)).await?;
        let detail = serde_json::json!({ "outcome": state.code(), "detail": detail });
        tx.audit_event("import_ended", "tape_import_attempt", &id.to_string(), detail).await?;
        tx.commit().await
    }

    /// The last attempts to import into a package (by its code), newest first.
    pub async fn import_attempts(&self, package_code: &str) -> Result<Vec<ImportAttempt>, StoreError> {
        let rows = sqlx::query(crate::composed(format!(
            "SELECT {ATTEMPT_COLUMNS} FROM tape_import_attempts a LEFT JOIN tape_imports t ON t.id = a.import_id \
             WHERE a.package_code = $1 ORDER BY a.id DESC LIMIT $2"
        )))
        .bind(package_code)
        .bind(ATTEMPTS_LISTED)
        .fetch_all(&self.pool)
        .await?;
        self.attempts_from_rows(&rows).await
    }

    /// The last attempts, whatever their package, newest first.
    pub async fn recent_import_attempts(&self) -> Result<Vec<ImportAttempt>, StoreError> {
        let rows = sqlx::query(crate::composed(format!(
            "SELECT {ATTEMPT_COLUMNS} FROM tape_import_attempts a LEFT JOIN tape_imports t ON t.id = a.import_id \
             ORDER BY a.id DESC LIMIT $1"
        )))
        .bind(ATTEMPTS_LISTED)
        .fetch_all(&self.pool)
        .await?;
        self.attempts_from_rows(&rows).await
    }

    /// The last attempts for every package, by package code, newest first in each.
    pub async fn import_attempts_by_package(&self) -> Result<Vec<(String, Vec<ImportAttempt>)>, StoreError> {
        let codes = sqlx::query("SELECT DISTINCT package_code FROM tape_import_attempts ORDER BY package_code")
            .fetch_all(&self.pool)
            .await?;
        let mut out = Vec::new();
        for r in &codes {
            let code = text(r, "package_code")?;
            let attempts = self.import_attempts(&code).await?;
            out.push((code, attempts));
        }
        Ok(out)
    }

    async fn attempts_from_rows(&self, rows: &[AnyRow]) -> Result<Vec<ImportAttempt>, StoreError> {
        let unfinished: Vec<i64> = rows
            .iter()
            .filter(|r| opt_text(r, "outcome").ok().flatten().is_none())
            .map(|r| i64_col(r, "id"))
            .collect::<Result<_, _>>()?;
        let locked = self.attempts_held(&unfinished).await?;
        rows.iter()
            .map(|r| {
                let id = i64_col(r, "id")?;
                let outcome = opt_text(r, "outcome")?;
                let state = match outcome {
                    Some(code) => AttemptState::from_code(&code)
                        .ok_or_else(|| StoreError::Corrupt(format!("tape_import_attempts.outcome = {code}")))?,
                    None => {
                        let alive = opt_text(r, "process")?.as_deref().and_then(process_alive);
                        if alive == Some(true) || locked.contains(&id) {
                            AttemptState::Running
                        } else {
                            AttemptState::Interrupted
                        }
                    }
                };
                Ok(ImportAttempt {
                    id,
                    package_code: text(r, "package_code")?,
                    file_name: text(r, "file_name")?,
                    file_sha256: text(r, "file_sha256")?,
                    started_by: text(r, "started_by")?,
                    started_at: crate::parse_timestamp(&text(r, "started_at")?)?,
                    finished_at: opt_text(r, "finished_at")?.map(|t| crate::parse_timestamp(&t)).transpose()?,
                    state,
                    import_id: opt_i64(r, "import_id")?,
                    version: opt_i64(r, "version")?,
                    detail: opt_text(r, "detail")?.map(|d| stored_detail(&d)),
                })
            })
            .collect()
    }

    /// Of these unfinished attempts, those whose load holds its row lock (PostgreSQL: a
    /// running load locks its attempt until it commits or rolls back; SQLite has no row
    /// locks, and the process tells instead).
    async fn attempts_held(&self, ids: &[i64]) -> Result<Vec<i64>, StoreError> {
        if self.backend() != Backend::Postgres || ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut held = Vec::new();
        let mut tx = self.pool.begin().await?;
        for id in ids {
            let free = sqlx::query("SELECT id FROM tape_import_attempts WHERE id = $1 FOR UPDATE SKIP LOCKED")
                .bind(*id)
                .fetch_optional(&mut *tx)
                .await?;
            if free.is_none() {
                held.push(*id);
            }
        }
        tx.rollback().await?;
        Ok(held)
    }
}

impl WriteTx {
    /// Takes the attempt's row for the load (held until the load commits or rolls back).
    pub(crate) async fn hold_import_attempt(&mut self, id: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE tape_import_attempts SET process = process WHERE id = $1")
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// Marks the attempt loaded, inside the load's transaction: both commit or neither. Refused
    /// (and the load with it) when the attempt has ended already.
    pub(crate) async fn finish_import_attempt(&mut self, id: i64, import_id: i64) -> Result<(), StoreError> {
        self.end_attempt(id, AttemptState::Loaded, Some(import_id), None).await.map(drop)
    }

    /// Ends an attempt as `state`, read through this transaction and asked of
    /// `AttemptState::can_become`, with a statement guarded on its being unended (stored
    /// without an outcome). Returns who started it.
    async fn end_attempt(
        &mut self,
        id: i64,
        state: AttemptState,
        import_id: Option<i64>,
        detail: Option<&Text>,
    ) -> Result<String, StoreError> {
        let row = sqlx::query("SELECT started_by, outcome FROM tape_import_attempts WHERE id = $1")
            .bind(id)
            .fetch_optional(self.conn())
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("导入 / import attempt {id}")))?;
        // Unended, it is running or interrupted: the same to the rule.
        let now = match opt_text(&row, "outcome")? {
            Some(code) => AttemptState::from_code(&code)
                .ok_or_else(|| StoreError::Corrupt(format!("tape_import_attempts.outcome = {code}")))?,
            None => AttemptState::Running,
        };
        if !now.can_become(state) {
            return Err(StoreError::Refused(now.refusal(state)));
        }
        let detail = detail.map(serde_json::to_string).transpose().map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let changed = sqlx::query(
            "UPDATE tape_import_attempts SET finished_at = $1, outcome = $2, import_id = $3, detail = $4 \
             WHERE id = $5 AND outcome IS NULL",
        )
        .bind(crate::timestamp(self.clock.now()))
        .bind(state.code())
        .bind(import_id)
        .bind(detail)
        .bind(id)
        .execute(self.conn())
        .await?
        .rows_affected();
        if changed != 1 {
            return Err(StoreError::Refused(now.refusal(state)));
        }
        text(&row, "started_by")
    }
}

/// This process, as `host pid start-time` (Linux; `None` elsewhere).
pub(crate) fn this_process() -> Option<String> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    Some(format!("{} {} {}", hostname()?, std::process::id(), start_time(&stat)?))
}

fn hostname() -> Option<String> {
    std::fs::read_to_string("/proc/sys/kernel/hostname").ok().map(|h| h.trim().to_string())
}

/// A process's start time (clock ticks after boot), field 22 of `/proc/PID/stat`: read
/// after the command name, which is in parentheses and may hold spaces.
fn start_time(stat: &str) -> Option<&str> {
    stat.get(stat.rfind(')')? + 1..)?.split_whitespace().nth(19)
}

/// Whether the process an attempt recorded is still running: `None` when this machine
/// cannot tell (another host, not Linux).
pub(crate) fn process_alive(process: &str) -> Option<bool> {
    let mut parts = process.split(' ');
    let (host, pid, started) = (parts.next()?, parts.next()?, parts.next()?);
    if hostname()? != host {
        return None;
    }
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => Some(start_time(&stat) == Some(started)),
        Err(_) => Some(false),
    }
}

/// A stored detail: the JSON of its `Text`; an attempt ended before it was kept so holds one
/// string "中文 / English", whose halves were written by this crate (split at the first " / ").
fn stored_detail(stored: &str) -> Text {
    serde_json::from_str(stored).unwrap_or_else(|_| match stored.split_once(" / ") {
        Some((zh, en)) => Text::new(zh.to_string(), en.to_string()),
        None => Text::new(stored.to_string(), stored.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{TestStore, postgres_url};

    /// A store on SQLite, and one on PostgreSQL when `HUAJIE_TEST_PG` names a server.
    async fn stores() -> Vec<TestStore> {
        let mut out = vec![TestStore::sqlite().await];
        if let Some(url) = postgres_url() {
            out.push(TestStore::postgres(&url).await);
        }
        out
    }

    /// A tape version of a new package, for an attempt to be marked as having loaded.
    async fn a_tape_import(s: &Store) -> i64 {
        let mut tx = s.write("acquisition").await.unwrap();
        let bank = huajie_core::Uscc::with_check_chars("91330100MB0BK001").unwrap();
        let party = huajie_core::Party {
            name: "浙江某银行".into(),
            identity: huajie_core::Identity::Verified(huajie_core::PartyIdentifier::Uscc(bank)),
            status: huajie_core::PartyStatus::Active,
            address: None,
            phone: None,
        };
        let transferor_id = tx.insert_party(&party).await.unwrap();
        let cutoff_date = chrono::NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
        let package_id = tx
            .insert_package(&huajie_core::Package {
                code: "ZJ-X".into(),
                name: "测试包".into(),
                transferor_id,
                cutoff_date,
                status: huajie_core::PackageStatus::Screening,
                acquired_on: None,
                price: None,
                valuation_basis: huajie_core::ValuationBasis::ClaimByClaim,
            })
            .await
            .unwrap();
        let import = tx
            .record_tape_import(&crate::NewTapeImport {
                package_id,
                file_name: "tape.xlsx".into(),
                file_sha256: "0".repeat(64),
                cutoff_date,
                policy: "strict".into(),
                rows_read: 0,
                claims_loaded: 0,
                rows_rejected: 0,
                warnings: 0,
                completeness_pct: 100,
                report_json: "{}".into(),
                diff_json: None,
            })
            .await
            .unwrap();
        tx.commit().await.unwrap();
        import.id
    }

    /// A load marks its attempt loaded only while the attempt is unmarked: an attempt recorded as
    /// not loaded is never turned into a loaded one, nor a loaded one marked again.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_load_marks_only_an_unmarked_attempt_loaded() {
        for t in stores().await {
            let s = &t.store;
            let import = a_tape_import(s).await;
            let failed = s.start_import_attempt("valuer", "ZJ-X", "tape.xlsx", &"0".repeat(64)).await.unwrap();
            let why = Text::fixed("导入出错", "the import failed");
            s.end_import_attempt(failed, AttemptState::Failed, &why).await.unwrap();
            let mut tx = s.write("valuer").await.unwrap();
            match tx.finish_import_attempt(failed, import).await {
                Err(StoreError::Refused(t)) => {
                    assert!(t.zh.contains("未载入：导入出错") && t.en.contains("Loaded"), "{t}")
                }
                other => panic!("a failed attempt is not marked loaded: {other:?}"),
            }
            drop(tx);
            let loaded = s.start_import_attempt("valuer", "ZJ-X", "tape.xlsx", &"0".repeat(64)).await.unwrap();
            let mut tx = s.write("valuer").await.unwrap();
            tx.finish_import_attempt(loaded, import).await.unwrap();
            assert!(matches!(tx.finish_import_attempt(loaded, import).await, Err(StoreError::Refused(_))));
            tx.commit().await.unwrap();
            let attempts = s.import_attempts("ZJ-X").await.unwrap();
            let state = |id: i64| attempts.iter().find(|a| a.id == id).map(|a| (a.state, a.import_id));
            assert_eq!(state(failed), Some((AttemptState::Failed, None)), "it keeps its end");
            assert_eq!(state(loaded), Some((AttemptState::Loaded, Some(import))));
            assert!(s.verify_audit().await.unwrap().is_intact());
        }
    }

    #[test]
    fn a_process_is_known_by_its_host_pid_and_start_time() {
        let me = this_process().expect("Linux");
        assert_eq!(process_alive(&me), Some(true));
        let parts: Vec<&str> = me.split(' ').collect();
        let restarted = format!("{} {} 1", parts[0], parts[1]);
        assert_eq!(process_alive(&restarted), Some(false), "the same pid, started at another time, is another process");
        assert_eq!(process_alive(&format!("elsewhere {} {}", parts[1], parts[2])), None);
        assert_eq!(start_time("1 (a (b) c) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 424242 20"), Some("424242"));
    }
}
