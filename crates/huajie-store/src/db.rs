//! Opening the database (SQLite file or PostgreSQL server), versioned migrations, and the
//! writing transaction that carries the audit chain.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use huajie_core::clock::{Clock, SystemClock};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Any, AnyPool, Connection, Executor, Row};

use crate::StoreError;

/// Which database to use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DbTarget {
    /// A SQLite file, created when missing.
    Sqlite(PathBuf),
    /// A PostgreSQL URL (`postgres://user:pass@host:port/db`).
    Postgres(String),
}

impl DbTarget {
    /// `--database-url` when given, otherwise `huajie.sqlite` in the data directory.
    pub fn choose(database_url: Option<&str>, data_dir: &Path) -> Result<DbTarget, StoreError> {
        match database_url {
            None => Ok(DbTarget::Sqlite(data_dir.join("huajie.sqlite"))),
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                Ok(DbTarget::Postgres(url.to_string()))
            }
            Some(url) if url.starts_with("sqlite:") => {
                let path = url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
                let path = path.split('?').next().unwrap_or(path);
                Ok(DbTarget::Sqlite(PathBuf::from(path)))
            }
            Some(url) => Err(StoreError::BadUrl(redact(url))),
        }
    }

    /// The target as shown to a user, password hidden.
    pub fn describe(&self) -> String {
        match self {
            DbTarget::Sqlite(p) => format!("SQLite {}", p.display()),
            DbTarget::Postgres(url) => format!("PostgreSQL {}", redact(url)),
        }
    }
}

/// Hides the password in a URL.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let userinfo = &url[s + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The store: a connection pool, the clock that stamps its records, and the queue of
/// this process's writers.
#[derive(Clone)]
pub struct Store {
    pub(crate) pool: AnyPool,
    backend: Backend,
    pub(crate) clock: Arc<dyn Clock>,
    /// Writers of this process take turns here before they take a connection: a writer
    /// waits in this queue (in order, as long as it takes) rather than holding a pooled
    /// connection while the database's own lock is busy, so that readers always find a
    /// connection and no writer fails on a pool or lock timeout. Between processes (several
    /// servers on one PostgreSQL, a CLI import next to a SQLite server) the audit-head lock
    /// in `write` still orders them.
    pub(crate) writers: Arc<tokio::sync::Mutex<()>>,
    /// Screening verdicts of bidders on lots, kept at the book's version (`crate::bids`).
    pub(crate) screenings: crate::bids::KeptScreenings,
    /// Where a long operation through this handle reports how far it is (`Store::following`).
    pub(crate) progress: Option<crate::Progress>,
    /// Indicators and the dashboard's sums, kept at the book's version (`crate::kept`).
    pub(crate) kept: crate::kept::Kept,
    /// One audit verification at a time in this process (`Store::verify_audit`): a verification
    /// holds a connection for its walks while it reads the small tables through the pool, so
    /// eight at once on SQLite's eight connections would each wait for a ninth for ever.
    pub(crate) verifying: Arc<tokio::sync::Mutex<()>>,
}

/// Connections per pool. SQLite: one writer at a time (the rest read, WAL lets them);
/// PostgreSQL: as many as a server should take from a shared database.
const SQLITE_CONNECTIONS: u32 = 8;
const POSTGRES_CONNECTIONS: u32 = 10;
/// How long a request waits for a pooled connection before it fails. Writers do not wait
/// here (they queue in `Store::writers` first), so only readers can, behind at most one writer.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(60);
/// How long SQLite waits for its file lock held by another process (a CLI import next to
/// the server) before a statement fails.
const SQLITE_BUSY_TIMEOUT_MS: u32 = 120_000;

struct Migration {
    version: i64,
    name: &'static str,
    /// Common SQL; `{{id}}` becomes the dialect's generated primary key. A statement
    /// preceded by a line `--@sqlite` or `--@postgres` is run on that dialect only: for
    /// what the two cannot say alike (SQLite rebuilds a table to drop a NOT NULL). A
    /// migration with a line `--@sqlite-foreign-keys-off` runs on SQLite with foreign-key
    /// enforcement off — a table others refer to is rebuilt: dropped and made again under
    /// its name — and every reference is checked before it commits (`PRAGMA
    /// foreign_key_check`), as SQLite's own procedure for altering a table says. With
    /// enforcement on, dropping and refilling the table would check the rows of every table
    /// referring to it, row by row.
    sql: &'static str,
}

/// The line that asks for `Migration::sql`'s SQLite foreign-key handling.
const SQLITE_FOREIGN_KEYS_OFF: &str = "--@sqlite-foreign-keys-off";

/// Every migration, in order. Migrations only add; a later one removes what is unused.
const MIGRATIONS: &[Migration] = &[
    Migration { version: 1, name: "foundation", sql: include_str!("../migrations/0001_foundation.sql") },
    Migration { version: 2, name: "tape_imports", sql: include_str!("../migrations/0002_tape_imports.sql") },
    Migration { version: 3, name: "tape_reports", sql: include_str!("../migrations/0003_tape_reports.sql") },
    Migration { version: 4, name: "tape_diffs", sql: include_str!("../migrations/0004_tape_diffs.sql") },
    Migration { version: 5, name: "mapping_profiles", sql: include_str!("../migrations/0005_mapping_profiles.sql") },
    Migration { version: 6, name: "valuation", sql: include_str!("../migrations/0006_valuation.sql") },
    Migration { version: 7, name: "liquidation", sql: include_str!("../migrations/0007_liquidation.sql") },
    Migration { version: 8, name: "compliance", sql: include_str!("../migrations/0008_compliance.sql") },
    Migration { version: 9, name: "compliance_checks", sql: include_str!("../migrations/0009_compliance_checks.sql") },
    Migration {
        version: 10,
        name: "cross_region_exceptions",
        sql: include_str!("../migrations/0010_cross_region_exceptions.sql"),
    },
    Migration { version: 11, name: "tape_intake", sql: include_str!("../migrations/0011_tape_intake.sql") },
    Migration {
        version: 12,
        name: "lien_ranks_and_valuation_basis",
        sql: include_str!("../migrations/0012_lien_ranks_and_valuation_basis.sql"),
    },
    Migration {
        version: 13,
        name: "staff_register_and_asset_flags",
        sql: include_str!("../migrations/0013_staff_register_and_asset_flags.sql"),
    },
    Migration { version: 14, name: "login_throttle", sql: include_str!("../migrations/0014_login_throttle.sql") },
    Migration { version: 15, name: "company_profiles", sql: include_str!("../migrations/0015_company_profiles.sql") },
    Migration { version: 16, name: "session_idle", sql: include_str!("../migrations/0016_session_idle.sql") },
    Migration { version: 18, name: "typed_deal_terms", sql: include_str!("../migrations/0018_typed_deal_terms.sql") },
    Migration { version: 20, name: "work_calendar", sql: include_str!("../migrations/0020_work_calendar.sql") },
    Migration { version: 21, name: "decisions", sql: include_str!("../migrations/0021_decisions.sql") },
    Migration { version: 22, name: "funding_lines", sql: include_str!("../migrations/0022_funding_lines.sql") },
    Migration { version: 23, name: "investors", sql: include_str!("../migrations/0023_investors.sql") },
    Migration { version: 24, name: "auctions", sql: include_str!("../migrations/0024_auctions.sql") },
    Migration { version: 25, name: "tenders", sql: include_str!("../migrations/0025_tenders.sql") },
    Migration { version: 26, name: "sales", sql: include_str!("../migrations/0026_sales.sql") },
    Migration { version: 27, name: "cases", sql: include_str!("../migrations/0027_cases.sql") },
    Migration { version: 28, name: "recovery_ledger", sql: include_str!("../migrations/0028_recovery_ledger.sql") },
    Migration { version: 29, name: "book_version", sql: include_str!("../migrations/0029_book_version.sql") },
    Migration { version: 30, name: "purchase_run", sql: include_str!("../migrations/0030_purchase_run.sql") },
    Migration { version: 31, name: "stage_withdrawals", sql: include_str!("../migrations/0031_stage_withdrawals.sql") },
    Migration { version: 32, name: "valuation_reviews", sql: include_str!("../migrations/0032_valuation_reviews.sql") },
    Migration {
        version: 33,
        name: "four_eyes_and_submissions",
        sql: include_str!("../migrations/0033_four_eyes_and_submissions.sql"),
    },
    Migration { version: 35, name: "name_keys", sql: include_str!("../migrations/0035_name_keys.sql") },
    Migration { version: 36, name: "runs", sql: include_str!("../migrations/0036_runs.sql") },
    Migration {
        version: 37,
        name: "valuation_run_claims",
        sql: include_str!("../migrations/0037_valuation_run_claims.sql"),
    },
    Migration { version: 38, name: "audit_entity_seq", sql: include_str!("../migrations/0038_audit_entity_seq.sql") },
];

/// Migrations that change the recorded form of audited rows, with those rows' entities:
/// once the migrations have run, each such entity's rows are restated in the chain
/// (`Store::restate_after_migrations`), so `verify` compares them with their new form.
const RESTATEMENTS: &[(i64, &[&str])] = &[(12, &["collateral", "claim_collateral", "package"]), (18, &["deal_check"])];

impl Backend {
    /// A generated `BIGINT` primary key in this dialect.
    fn generated_id(self) -> &'static str {
        match self {
            Backend::Sqlite => "INTEGER PRIMARY KEY AUTOINCREMENT",
            Backend::Postgres => "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
        }
    }

    /// Appends `count` parameters numbered from `first` (from 1), comma-separated, for
    /// a statement with many values. SQLite gets anonymous `?`s: it looks each `$N` up
    /// by name in a list, which makes a statement of thousands of them quadratic to prepare.
    pub(crate) fn push_parameters(self, sql: &mut String, first: usize, count: usize) {
        use std::fmt::Write;
        for n in first..first + count {
            if n > first {
                sql.push_str(", ");
            }
            match self {
                Backend::Sqlite => sql.push('?'),
                Backend::Postgres => {
                    let _ = write!(sql, "${n}");
                }
            }
        }
    }
}

impl Store {
    /// Connects (creating the SQLite file when missing). Does not migrate.
    pub async fn open(target: &DbTarget) -> Result<Store, StoreError> {
        Store::open_with_clock(target, Arc::new(SystemClock)).await
    }

    pub async fn open_with_clock(target: &DbTarget, clock: Arc<dyn Clock>) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let (url, backend) = match target {
            DbTarget::Sqlite(path) => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir)
                        .map_err(|e| StoreError::DataDir(dir.display().to_string(), e.to_string()))?;
                }
                (format!("sqlite://{}?mode=rwc", path.display()), Backend::Sqlite)
            }
            DbTarget::Postgres(url) => (url.clone(), Backend::Postgres),
        };
        let options: AnyConnectOptions =
            url.parse().map_err(|e: sqlx::Error| StoreError::BadUrl(format!("{}: {e}", target.describe())))?;
        let pool_options = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { SQLITE_CONNECTIONS } else { POSTGRES_CONNECTIONS })
            .acquire_timeout(ACQUIRE_TIMEOUT);
        let pool_options = if backend == Backend::Sqlite {
            pool_options.after_connect(|conn, _meta| {
                Box::pin(async move {
                    conn.execute("PRAGMA journal_mode = WAL").await?;
                    conn.execute(sqlx::AssertSqlSafe(format!("PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")))
                        .await?;
                    conn.execute("PRAGMA foreign_keys = ON").await?;
                    conn.execute("PRAGMA synchronous = NORMAL").await?;
                    conn.execute("PRAGMA cache_size = -65536").await?;
                    Ok(())
                })
            })
        } else {
            pool_options
        };
        // One direct connection first: a refused or misconfigured server then fails at once
        // with its own message, rather than as a pool timeout.
        let probe = sqlx::AnyConnection::connect_with(&options)
            .await
            .map_err(|e| StoreError::Connect(target.describe(), one_line(&e.to_string())))?;
        let _ = probe.close().await;
        let pool = pool_options
            .connect_with(options)
            .await
            .map_err(|e| StoreError::Connect(target.describe(), one_line(&e.to_string())))?;
        Ok(Store {
            pool,
            backend,
            clock,
            writers: Default::default(),
            screenings: Default::default(),
            progress: None,
            kept: Default::default(),
            verifying: Default::default(),
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }

    /// The same store (its pool and its writers' queue shared) read through another clock:
    /// for a loader that records what happened at other moments, as the demo's past.
    pub fn with_clock(&self, clock: Arc<dyn Clock>) -> Store {
        Store { clock, ..self.clone() }
    }

    /// The same store, its long operations reported on `progress` (`crate::runs`):
    /// `value_package` and `import_tape_file` mark their stages there and, once it is cancelled,
    /// stop at their next stage with `StoreError::Cancelled`, their transaction rolled back. A
    /// tape's reading is counted and stopped by the reader the caller hands it (`Progress::reader`).
    pub fn following(&self, progress: &crate::Progress) -> Store {
        Store { progress: Some(progress.clone()), ..self.clone() }
    }

    /// Applies the migrations not yet applied, each in its own transaction. Returns the
    /// names of those applied now.
    pub async fn migrate(&self) -> Result<Vec<String>, StoreError> {
        self.migrate_to(i64::MAX).await
    }

    /// `migrate`, stopping after migration `version`: an older schema, for the tests that
    /// prove an upgrade keeps every row.
    pub async fn migrate_to(&self, version: i64) -> Result<Vec<String>, StoreError> {
        self.pool
            .execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
            )
            .await?;
        self.pool
            .execute(
                "CREATE TABLE IF NOT EXISTS schema_restatements (version BIGINT PRIMARY KEY, restated_at TEXT NOT NULL)",
            )
            .await?;
        let applied: Vec<i64> = sqlx::query("SELECT version FROM schema_migrations ORDER BY version")
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| r.try_get::<i64, _>(0))
            .collect::<Result<_, _>>()?;
        let known_max = MIGRATIONS.last().map(|m| m.version).unwrap_or(0);
        if let Some(newer) = applied.iter().find(|v| **v > known_max) {
            return Err(StoreError::SchemaTooNew(*newer));
        }
        let mut done = Vec::new();
        for m in MIGRATIONS.iter().filter(|m| !applied.contains(&m.version) && m.version <= version) {
            let sql = m.sql.replace("{{id}}", self.backend.generated_id());
            let mut conn = self.pool.acquire().await?;
            let keys_off =
                self.backend == Backend::Sqlite && m.sql.lines().any(|l| l.trim() == SQLITE_FOREIGN_KEYS_OFF);
            if keys_off {
                // Only outside a transaction does SQLite take this.
                conn.execute("PRAGMA foreign_keys = OFF").await?;
            }
            let applied = async {
                let mut tx = conn.begin().await?;
                for statement in split_sql(&sql, self.backend) {
                    sqlx::query(sqlx::AssertSqlSafe(statement))
                        .execute(&mut *tx)
                        .await
                        .map_err(|e| StoreError::Migrate(m.version, e.to_string()))?;
                }
                if keys_off {
                    let broken = sqlx::query("PRAGMA foreign_key_check").fetch_all(&mut *tx).await?;
                    if !broken.is_empty() {
                        let table: String = broken[0].try_get(0)?;
                        return Err(StoreError::Migrate(m.version, format!("{table}: a reference to no row")));
                    }
                }
                sqlx::query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)")
                    .bind(m.version)
                    .bind(m.name)
                    .bind(crate::timestamp(self.clock.now()))
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok::<(), StoreError>(())
            }
            .await;
            if keys_off {
                conn.execute("PRAGMA foreign_keys = ON").await?;
            }
            applied?;
            done.push(format!("{:04}_{}", m.version, m.name));
        }
        // After all of them, so that the rows are read as this build reads them (an older
        // schema, reached by `migrate_to` in tests, is not read).
        if version >= known_max {
            self.restate_after_migrations(RESTATEMENTS).await?;
            self.fill_name_keys().await?;
        }
        Ok(done)
    }

    /// The highest migration applied, 0 on an empty database.
    pub async fn schema_version(&self) -> Result<i64, StoreError> {
        let exists = match self.backend {
            Backend::Sqlite => "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'",
            Backend::Postgres => {
                "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'schema_migrations'"
            }
        };
        let n: i64 = sqlx::query(exists).fetch_one(&self.pool).await?.try_get(0)?;
        if n == 0 {
            return Ok(0);
        }
        let v: Option<i64> =
            sqlx::query("SELECT MAX(version) FROM schema_migrations").fetch_one(&self.pool).await?.try_get(0)?;
        Ok(v.unwrap_or(0))
    }

    /// Every table and its columns, sorted: lets a test prove both dialects agree.
    pub async fn schema_columns(&self) -> Result<std::collections::BTreeMap<String, Vec<String>>, StoreError> {
        let sql = match self.backend {
            Backend::Sqlite => {
                "SELECT m.name AS t, p.name AS c FROM sqlite_master m JOIN pragma_table_info(m.name) p \
                 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'"
            }
            Backend::Postgres => {
                "SELECT CAST(table_name AS TEXT) AS t, CAST(column_name AS TEXT) AS c FROM information_schema.columns \
                 WHERE table_schema = current_schema()"
            }
        };
        let mut out: std::collections::BTreeMap<String, Vec<String>> = Default::default();
        for row in sqlx::query(sql).fetch_all(&self.pool).await? {
            out.entry(row.try_get("t")?).or_default().push(row.try_get("c")?);
        }
        for cols in out.values_mut() {
            cols.sort();
        }
        Ok(out)
    }

    /// Fails unless the database is at the schema this build expects.
    pub async fn require_current_schema(&self) -> Result<(), StoreError> {
        let have = self.schema_version().await?;
        let want = MIGRATIONS.last().map(|m| m.version).unwrap_or(0);
        if have < want {
            return Err(StoreError::SchemaTooOld { have, want });
        }
        if have > want {
            return Err(StoreError::SchemaTooNew(have));
        }
        Ok(())
    }

    /// Starts a writing transaction on behalf of `actor`. It waits its turn among this
    /// process's writers, then takes the audit-chain lock, so writers are ordered and every
    /// record links to the one before it. A `WriteTx` must not be held while another is
    /// asked for in the same task: the second would wait for the first forever.
    pub async fn write(&self, actor: &str) -> Result<WriteTx, StoreError> {
        let turn = self.writers.clone().lock_owned().await;
        let mut tx = self.pool.begin().await?;
        // A no-op write on the head row: takes SQLite's write lock or PostgreSQL's row lock
        // now, before anything is read, so two writers never fork the chain; the head it
        // returns is the head while the lock is held.
        let head =
            sqlx::query("UPDATE audit_head SET seq = seq WHERE id = 1 RETURNING seq, hash").fetch_one(&mut *tx).await?;
        let head = (crate::rows::i64_col(&head, "seq")?, crate::rows::text(&head, "hash")?);
        Ok(WriteTx {
            tx,
            backend: self.backend,
            actor: actor.to_string(),
            clock: self.clock.clone(),
            head: Some(head),
            head_dirty: false,
            book_dirty: false,
            _turn: turn,
        })
    }

    /// The version of what a bidder's screening reads: the audit sequence number of the last
    /// committed change other than a bid, a deposit, a lot's state or a session
    /// (`audit::moves_the_book`). One read of one row.
    pub async fn book_version(&self) -> Result<i64, StoreError> {
        book_version(&mut *self.pool.acquire().await?).await
    }

    /// The database's version: the audit chain's head. Every change is audited in the
    /// transaction that makes it (`WriteTx::audit`), so any committed change, by this process or
    /// another on the same database, moves it; what was read after seeing a version is at least
    /// as new as it. One read of one row: what a cache of reads checks before it answers.
    pub async fn version(&self) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT seq FROM audit_head WHERE id = 1").fetch_one(&self.pool).await?;
        crate::rows::i64_col(&row, "seq")
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// `Store::book_version` on one connection.
pub(crate) async fn book_version(c: &mut sqlx::AnyConnection) -> Result<i64, StoreError> {
    let row = sqlx::query("SELECT book_seq FROM audit_head WHERE id = 1").fetch_one(&mut *c).await?;
    crate::rows::i64_col(&row, "book_seq")
}

/// A transaction that writes: every change made through it must be recorded with
/// [`WriteTx::audit`] before [`WriteTx::commit`].
pub struct WriteTx {
    pub(crate) tx: sqlx::Transaction<'static, Any>,
    pub(crate) backend: Backend,
    pub(crate) actor: String,
    pub(crate) clock: Arc<dyn Clock>,
    /// The chain head `(seq, hash)` as this transaction has moved it. Read once, written
    /// back once at commit: the transaction holds the head row's lock throughout.
    pub(crate) head: Option<(i64, String)>,
    pub(crate) head_dirty: bool,
    /// Whether this transaction changed what a screening reads (`audit::moves_the_book`).
    pub(crate) book_dirty: bool,
    /// This writer's turn (`Store::writers`), given up when the transaction ends; last, so
    /// that the transaction is dropped (rolled back) first.
    _turn: tokio::sync::OwnedMutexGuard<()>,
}

impl WriteTx {
    pub async fn commit(mut self) -> Result<(), StoreError> {
        if let (true, Some((seq, hash))) = (self.head_dirty, &self.head) {
            let sql = match self.book_dirty {
                true => "UPDATE audit_head SET seq = $1, hash = $2, book_seq = $1 WHERE id = 1",
                false => "UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1",
            };
            sqlx::query(sql).bind(*seq).bind(hash).execute(&mut *self.tx).await?;
        }
        self.tx.commit().await?;
        Ok(())
    }

    pub fn actor(&self) -> &str {
        &self.actor
    }

    /// The transaction's connection, for a reader shared with the pool (`ledger.rs`): what it
    /// reads is the database as this transaction sees it, under the write lock.
    pub(crate) fn conn(&mut self) -> &mut sqlx::AnyConnection {
        &mut self.tx
    }
}

/// Splits a migration into statements at semicolons that end a line, keeping those for
/// `backend` (a statement marked `--@sqlite` or `--@postgres` is for that dialect only).
fn split_sql(sql: &str, backend: Backend) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut only: Option<Backend> = None;
    for line in sql.lines() {
        let trimmed = line.trim();
        match trimmed {
            "--@sqlite" => only = Some(Backend::Sqlite),
            "--@postgres" => only = Some(Backend::Postgres),
            _ => {}
        }
        if trimmed.starts_with("--") || trimmed.is_empty() {
            continue;
        }
        current.push_str(line);
        current.push('\n');
        if trimmed.ends_with(';') {
            let statement = std::mem::take(&mut current);
            if only.is_none_or(|b| b == backend) {
                out.push(statement);
            }
            only = None;
        }
    }
    if !current.trim().is_empty() && only.is_none_or(|b| b == backend) {
        out.push(current);
    }
    out
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_marked_for_one_dialect_run_on_it_alone() {
        let sql = "CREATE TABLE a (x BIGINT);\n--@postgres\nALTER TABLE a ALTER COLUMN x DROP NOT NULL;\n\
                   --@sqlite\nPRAGMA defer_foreign_keys = ON;\n-- a comment\nCREATE TABLE b (\n  y BIGINT\n);\n";
        let count = |b: Backend| split_sql(sql, b).len();
        assert_eq!((count(Backend::Sqlite), count(Backend::Postgres)), (3, 3));
        assert!(split_sql(sql, Backend::Sqlite)[1].starts_with("PRAGMA"));
        assert!(split_sql(sql, Backend::Postgres)[1].starts_with("ALTER"));
        assert!(split_sql(sql, Backend::Postgres)[2].contains("y BIGINT"), "a statement over several lines");
    }

    #[test]
    fn chooses_the_database() {
        let dir = Path::new("/data");
        assert_eq!(DbTarget::choose(None, dir).unwrap(), DbTarget::Sqlite(PathBuf::from("/data/huajie.sqlite")));
        assert_eq!(
            DbTarget::choose(Some("postgres://u:secret@h/db"), dir).unwrap().describe(),
            "PostgreSQL postgres://u:***@h/db"
        );
        assert!(matches!(DbTarget::choose(Some("mysql://x"), dir), Err(StoreError::BadUrl(_))));
    }
}
