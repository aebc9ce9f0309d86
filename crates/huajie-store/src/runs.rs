//! Work that runs in the background (issue 17): a valuation or a tape import started from
//! the web is a row of `runs` (migration 0036) and a task of the server; its progress page
//! reads the row by id, so a reload or another tab finds it.
//!
//! [`Progress`] is how the store reports how far a long operation is, and how it learns
//! that the user cancelled it: through a store handle that follows it (`Store::following`),
//! `value_package` and `import_tape_file` mark their stages on it, and a cancelled one ends
//! with [`StoreError::Cancelled`], its transaction rolled back, so nothing of it is kept.
//!
//! The table is operational, as sessions are: its rows are not audited (the valuation run
//! and the import attempt a run makes are). A progress write never waits for another
//! writer: while one holds the write lock, the progress stays in memory until the next try.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, Ordering};

use chrono::{DateTime, Utc};
use huajie_core::Text;
use serde::Serialize;
use sqlx::any::AnyRow;

use crate::rows::{i64_col, opt_i64, opt_text, text};
use crate::{Store, StoreError};

huajie_core::named_enum! {
    /// What a run does.
    pub enum RunKind {
        Valuation = ("valuation", "估值", "Valuation"),
        Import = ("import", "数据带导入", "Tape import"),
    }
}

huajie_core::named_enum! {
    /// Where a run is. `Interrupted`: the server that ran it stopped before it ended.
    pub enum RunState {
        Queued = ("queued", "排队中", "Queued"),
        Running = ("running", "进行中", "Running"),
        Done = ("done", "已完成", "Done"),
        Failed = ("failed", "失败", "Failed"),
        Cancelled = ("cancelled", "已取消", "Cancelled"),
        Interrupted = ("interrupted", "已中断", "Interrupted"),
    }
}

impl RunState {
    /// Whether the run has ended (its state will not change again).
    pub fn ended(self) -> bool {
        !matches!(self, RunState::Queued | RunState::Running)
    }
}

huajie_core::named_enum! {
    /// A run's stage, each with the share of the whole it stands for (`RunStage::span`).
    pub enum RunStage {
        Waiting = ("waiting", "等待开始", "Waiting to start"),
        ReadingBook = ("reading_book", "读取资产包数据", "Reading the package"),
        Valuing = ("valuing", "估值计算", "Valuing"),
        Saving = ("saving", "保存结果", "Saving the results"),
        ReadingTape = ("reading_tape", "读取、校验并写入数据带", "Reading, checking and loading the tape"),
        Finishing = ("finishing", "生成报告并提交", "Writing the report and committing"),
        Finished = ("finished", "结束", "Finished"),
    }
}

impl RunStage {
    /// The part of the whole (per cent, from and to) this stage covers.
    fn span(self) -> (u64, u64) {
        match self {
            RunStage::Waiting => (0, 0),
            RunStage::ReadingBook => (0, 30),
            RunStage::Valuing => (30, 90),
            RunStage::Saving => (90, 99),
            RunStage::ReadingTape => (0, 95),
            RunStage::Finishing => (95, 99),
            RunStage::Finished => (100, 100),
        }
    }

    fn index(self) -> u8 {
        RunStage::ALL.iter().position(|s| *s == self).unwrap_or(0) as u8
    }

    /// The share done (0–100) when `done` of `total` of this stage is.
    pub fn percent(self, done: u64, total: u64) -> u64 {
        let (from, to) = self.span();
        let within = ((to - from) * done.min(total)).checked_div(total).unwrap_or(0);
        from + within
    }
}

/// How far one long operation is, shared between the task doing it and whoever watches:
/// its stage, a count done of a total within the stage, and whether it was cancelled.
#[derive(Debug, Clone, Default)]
pub struct Progress(Arc<Shared>);

#[derive(Debug, Default)]
struct Shared {
    stage: AtomicU8,
    done: AtomicU64,
    total: AtomicU64,
    cancelled: AtomicBool,
}

impl Progress {
    pub fn new() -> Progress {
        Progress::default()
    }

    /// Enters `stage`, with `total` to do in it (0: not counted).
    pub fn stage(&self, stage: RunStage, total: u64) {
        self.0.done.store(0, Ordering::Relaxed);
        self.0.total.store(total, Ordering::Relaxed);
        self.0.stage.store(stage.index(), Ordering::Release);
    }

    /// Adds `n` to what is done in the stage.
    pub fn advance(&self, n: u64) {
        self.0.done.fetch_add(n, Ordering::Relaxed);
    }

    pub fn current(&self) -> (RunStage, u64, u64) {
        let stage = RunStage::ALL[self.0.stage.load(Ordering::Acquire) as usize % RunStage::ALL.len()];
        (stage, self.0.done.load(Ordering::Relaxed), self.0.total.load(Ordering::Relaxed))
    }

    /// The share done, 0–100.
    pub fn percent(&self) -> u64 {
        let (stage, done, total) = self.current();
        stage.percent(done, total)
    }

    /// Asks the operation to stop at its next step.
    pub fn cancel(&self) {
        self.0.cancelled.store(true, Ordering::Release);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.cancelled.load(Ordering::Acquire)
    }

    /// `Err(Cancelled)` once cancelled: what an operation checks between its steps.
    pub fn check(&self) -> Result<(), StoreError> {
        if self.is_cancelled() { Err(StoreError::Cancelled) } else { Ok(()) }
    }
}

/// A reader that counts on a [`Progress`] the bytes read through it, and fails once the
/// progress is cancelled (what stops a tape's reading thread).
pub struct ProgressReader<R> {
    inner: R,
    progress: Progress,
}

impl Progress {
    /// `inner`, its bytes counted as done in the current stage.
    pub fn reader<R>(&self, inner: R) -> ProgressReader<R> {
        ProgressReader { inner, progress: self.clone() }
    }
}

impl<R: std::io::Read> std::io::Read for ProgressReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.progress.is_cancelled() {
            return Err(std::io::Error::other("已取消 / cancelled"));
        }
        let n = self.inner.read(buf)?;
        self.progress.advance(n as u64);
        Ok(n)
    }
}

impl Store {
    /// Between two stages of a long operation: `Err(Cancelled)` once its progress was
    /// cancelled, else `stage` entered.
    pub(crate) fn next_stage(&self, stage: RunStage) -> Result<(), StoreError> {
        match &self.progress {
            Some(p) => p.check().map(|()| p.stage(stage, 0)),
            None => Ok(()),
        }
    }
}

/// One background run as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Run {
    pub id: i64,
    pub kind: RunKind,
    pub package_id: Option<i64>,
    pub package_code: String,
    pub requested_by: String,
    pub state: RunState,
    pub stage: RunStage,
    pub done: u64,
    pub total: u64,
    /// The valuation run or the tape import made.
    pub result_id: Option<i64>,
    pub error: Option<Text>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

impl Run {
    pub fn percent(&self) -> u64 {
        if self.state == RunState::Done { 100 } else { self.stage.percent(self.done, self.total) }
    }
}

/// Runs listed per user.
pub const RUNS_LISTED: i64 = 20;

const RUN_COLUMNS: &str = "id, kind, package_id, package_code, requested_by, state, stage, done, total, result_id, \
     error, process, created_at, updated_at, finished_at";

impl Store {
    /// A turn to write a run's row. On SQLite, one writer at a time: this process's writers'
    /// turn (`None` without `wait` while another holds it). PostgreSQL locks the row only.
    async fn runs_turn(&self, wait: bool) -> Option<Option<tokio::sync::MutexGuard<'_, ()>>> {
        if self.backend() != crate::Backend::Sqlite {
            return Some(None);
        }
        match self.writers.try_lock() {
            Ok(turn) => Some(Some(turn)),
            Err(_) if wait => Some(Some(self.writers.lock().await)),
            Err(_) => None,
        }
    }

    /// Records a run asked for by `requested_by`, queued, in this process's name.
    pub async fn create_run(
        &self,
        kind: RunKind,
        package_id: Option<i64>,
        package_code: &str,
        requested_by: &str,
    ) -> Result<Run, StoreError> {
        let now = crate::timestamp(self.clock.now());
        let _turn = self.runs_turn(true).await;
        let row = sqlx::query(
            "INSERT INTO runs (kind, package_id, package_code, requested_by, state, stage, process, created_at, \
             updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
        )
        .bind(kind.code())
        .bind(package_id)
        .bind(package_code)
        .bind(requested_by)
        .bind(RunState::Queued.code())
        .bind(RunStage::Waiting.code())
        .bind(crate::attempts::this_process())
        .bind(now)
        .fetch_one(&self.pool)
        .await?;
        let id = i64_col(&row, "id")?;
        self.run(id).await?.ok_or_else(|| StoreError::Corrupt(format!("run {id} not read back")))
    }

    /// Records how far a run is. With `wait` false, gives up (and returns `false`) when
    /// another writer of this process holds the write lock: the progress is kept in memory
    /// meanwhile. A run that has ended is not changed.
    pub async fn record_run_progress(
        &self,
        id: i64,
        state: RunState,
        (stage, done, total): (RunStage, u64, u64),
        wait: bool,
    ) -> Result<bool, StoreError> {
        let Some(_turn) = self.runs_turn(wait).await else {
            return Ok(false);
        };
        sqlx::query(
            "UPDATE runs SET state = $1, stage = $2, done = $3, total = $4, updated_at = $5 \
             WHERE id = $6 AND state IN ('queued', 'running')",
        )
        .bind(state.code())
        .bind(stage.code())
        .bind(done as i64)
        .bind(total as i64)
        .bind(crate::timestamp(self.clock.now()))
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(true)
    }

    /// Records how a run ended: done with its result, or failed, cancelled with why. A run
    /// that has ended already keeps its first end.
    pub async fn finish_run(
        &self,
        id: i64,
        state: RunState,
        result_id: Option<i64>,
        error: Option<&Text>,
    ) -> Result<(), StoreError> {
        let error = error.map(|e| serde_json::to_string(e).expect("a text serialises"));
        let now = crate::timestamp(self.clock.now());
        let _turn = self.runs_turn(true).await;
        sqlx::query(
            "UPDATE runs SET state = $1, stage = COALESCE($2, stage), result_id = $3, error = $4, updated_at = $5, \
             finished_at = $5 WHERE id = $6 AND state IN ('queued', 'running')",
        )
        .bind(state.code())
        // A run that stopped short keeps the stage it stopped at.
        .bind((state == RunState::Done).then_some(RunStage::Finished.code()))
        .bind(result_id)
        .bind(error)
        .bind(now)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// A run, by id; one left unended by a process that is no longer running reads as interrupted.
    pub async fn run(&self, id: i64) -> Result<Option<Run>, StoreError> {
        let row = sqlx::query(crate::composed(format!("SELECT {RUN_COLUMNS} FROM runs WHERE id = $1")))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(run_from_row).transpose()
    }

    /// The last runs `requested_by` asked for (everyone's with `None`), newest first.
    pub async fn recent_runs(&self, requested_by: Option<&str>) -> Result<Vec<Run>, StoreError> {
        let rows = sqlx::query(crate::composed(format!(
            "SELECT {RUN_COLUMNS} FROM runs WHERE ($1 IS NULL OR requested_by = $1) ORDER BY id DESC LIMIT $2"
        )))
        .bind(requested_by)
        .bind(RUNS_LISTED)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(run_from_row).collect()
    }

    /// At a server's start: the runs left queued or running by a process of this machine that
    /// is no longer running (this one's predecessor, killed or stopped) are marked interrupted,
    /// never shown as running for ever. Returns how many.
    pub async fn interrupt_dead_runs(&self) -> Result<u64, StoreError> {
        let rows = sqlx::query("SELECT id, process FROM runs WHERE state IN ('queued', 'running')")
            .fetch_all(&self.pool)
            .await?;
        let mut marked = 0;
        for r in &rows {
            let dead = match opt_text(r, "process")? {
                Some(p) => crate::attempts::process_alive(&p) == Some(false),
                None => true,
            };
            if dead {
                let id = i64_col(r, "id")?;
                self.finish_run(id, RunState::Interrupted, None, None).await?;
                marked += 1;
            }
        }
        Ok(marked)
    }
}

fn run_from_row(r: &AnyRow) -> Result<Run, StoreError> {
    let corrupt = |col: &str, v: &str| StoreError::Corrupt(format!("runs.{col} = {v}"));
    let kind = text(r, "kind")?;
    let state = text(r, "state")?;
    let stage = text(r, "stage")?;
    let mut state = RunState::from_code(&state).ok_or_else(|| corrupt("state", &state))?;
    // Its server is gone: it will never end by itself.
    if !state.ended() && opt_text(r, "process")?.as_deref().and_then(crate::attempts::process_alive) == Some(false) {
        state = RunState::Interrupted;
    }
    let error =
        opt_text(r, "error")?.map(|e| serde_json::from_str::<Text>(&e).unwrap_or_else(|_| Text::new(e.clone(), e)));
    Ok(Run {
        id: i64_col(r, "id")?,
        kind: RunKind::from_code(&kind).ok_or_else(|| corrupt("kind", &kind))?,
        package_id: opt_i64(r, "package_id")?,
        package_code: text(r, "package_code")?,
        requested_by: text(r, "requested_by")?,
        state,
        stage: RunStage::from_code(&stage).ok_or_else(|| corrupt("stage", &stage))?,
        done: i64_col(r, "done")?.max(0) as u64,
        total: i64_col(r, "total")?.max(0) as u64,
        result_id: opt_i64(r, "result_id")?,
        error,
        created_at: crate::parse_timestamp(&text(r, "created_at")?)?,
        updated_at: crate::parse_timestamp(&text(r, "updated_at")?)?,
        finished_at: opt_text(r, "finished_at")?.map(|t| crate::parse_timestamp(&t)).transpose()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_share_done_follows_the_stage_and_its_count() {
        let p = Progress::new();
        assert_eq!(p.percent(), 0);
        p.stage(RunStage::ReadingTape, 200);
        p.advance(100);
        assert_eq!(p.percent(), 47, "half the tape read: half of 0–95");
        p.advance(500);
        assert_eq!(p.percent(), 95, "never past the stage's end");
        p.stage(RunStage::Valuing, 0);
        assert_eq!((p.current().0, p.percent()), (RunStage::Valuing, 30));
        assert!(p.check().is_ok());
        p.clone().cancel();
        assert!(matches!(p.check(), Err(StoreError::Cancelled)), "a clone cancels the same operation");
    }
}
