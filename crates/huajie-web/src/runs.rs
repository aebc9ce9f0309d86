//! Background runs (issue 17): a valuation or a tape import started from the web is recorded
//! in the store's `runs` table and done by a task of its own, so the request answers at once
//! with the run's progress page (`pages/runs.rs`).
//!
//! One task per run: the work itself (its heavy part on a blocking thread, as the store does
//! it), watched by a loop that writes the run's progress to its row when its stage changes
//! and at most about once a second, and its end when it ends. The progress itself lives in
//! memory ([`huajie_store::Progress`], shared with the store), so a page of this process
//! reads it as it moves; the row is what a reload after a restart, or another server, reads.
//! A cancel sets the progress's flag; the store checks it between its steps and stops with
//! `StoreError::Cancelled`, rolling its transaction back.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use huajie_core::Text;
use huajie_store::{Progress, Run, RunKind, RunState, Store, StoreError};

/// How often the watching loop looks at the progress.
const TICK: Duration = Duration::from_millis(250);
/// The longest a row's progress goes unwritten while it moves.
const WRITE_EVERY: Duration = Duration::from_secs(1);
/// Ended runs kept in memory (their outcome, a refused tape's report) for their page.
const ENDED_KEPT: usize = 64;

/// What a run's work came to when it did not fail.
pub enum Finished {
    /// The valuation run or the tape import it recorded.
    Result(i64),
    /// An import the policy refused, or a tape that could not be imported as a whole: nothing
    /// was loaded; the report says why.
    NotLoaded { report: Box<huajie_tape::TapeReport>, reason: Text },
}

/// How a run ended, as this process saw it.
pub enum Ended {
    Done(i64),
    NotLoaded {
        report: Box<huajie_tape::TapeReport>,
        reason: Text,
    },
    /// Failed: why, and whether it was a refusal the form should show beside it.
    Failed {
        why: Text,
        refusal: bool,
    },
    Cancelled,
}

/// A run this process is doing (or did lately).
pub struct Live {
    pub id: i64,
    pub progress: Progress,
    ended: Mutex<Option<Arc<Ended>>>,
    done: tokio::sync::Notify,
}

impl Live {
    pub fn ended(&self) -> Option<Arc<Ended>> {
        self.ended.lock().expect("never poisoned").clone()
    }

    /// Waits up to `wait` for the run to end.
    pub async fn wait(&self, wait: Duration) -> Option<Arc<Ended>> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let notified = self.done.notified();
            if let Some(e) = self.ended() {
                return Some(e);
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return self.ended();
            }
        }
    }
}

/// The runs of this process, by id.
#[derive(Clone, Default)]
pub struct Runs(Arc<Mutex<HashMap<i64, Arc<Live>>>>);

impl Runs {
    pub fn get(&self, id: i64) -> Option<Arc<Live>> {
        self.0.lock().expect("never poisoned").get(&id).cloned()
    }

    fn insert(&self, live: Arc<Live>) {
        let mut map = self.0.lock().expect("never poisoned");
        let mut ended: Vec<i64> = map.values().filter(|l| l.ended().is_some()).map(|l| l.id).collect();
        if ended.len() >= ENDED_KEPT {
            ended.sort_unstable();
            for id in &ended[..ended.len() + 1 - ENDED_KEPT] {
                map.remove(id);
            }
        }
        map.insert(live.id, live);
    }

    /// Records a run and starts it: `work` gets the run's progress and does the work.
    pub async fn start<F, Fut>(
        &self,
        store: &Store,
        (kind, package_id, package_code): (RunKind, Option<i64>, &str),
        requested_by: &str,
        work: F,
    ) -> Result<Arc<Live>, StoreError>
    where
        F: FnOnce(Progress) -> Fut + Send + 'static,
        Fut: Future<Output = Result<Finished, StoreError>> + Send + 'static,
    {
        let run = store.create_run(kind, package_id, package_code, requested_by).await?;
        let live = Arc::new(Live {
            id: run.id,
            progress: Progress::new(),
            ended: Mutex::new(None),
            done: tokio::sync::Notify::new(),
        });
        self.insert(live.clone());
        let task = tokio::spawn(work(live.progress.clone()));
        tokio::spawn(watch(store.clone(), live.clone(), task));
        Ok(live)
    }
}

/// Follows a run's work to its end: its progress written as it moves, its end recorded.
async fn watch(store: Store, live: Arc<Live>, mut task: tokio::task::JoinHandle<Result<Finished, StoreError>>) {
    let id = live.id;
    let mut written = None;
    let mut last_write = Instant::now();
    let _ = store.record_run_progress(id, RunState::Running, live.progress.current(), true).await;
    let result = loop {
        tokio::select! {
            r = &mut task => break r,
            _ = tokio::time::sleep(TICK) => {
                let now = live.progress.current();
                let moved_stage = written.is_none_or(|(stage, _, _)| stage != now.0);
                if written != Some(now) && (moved_stage || last_write.elapsed() >= WRITE_EVERY) {
                    // Never waits for another writer: tried again at the next tick.
                    if let Ok(true) = store.record_run_progress(id, RunState::Running, now, false).await {
                        written = Some(now);
                        last_write = Instant::now();
                    }
                }
            }
        }
    };
    let ended = match result {
        Ok(Ok(Finished::Result(result))) => Ended::Done(result),
        Ok(Ok(Finished::NotLoaded { report, reason })) => Ended::NotLoaded { report, reason },
        Ok(Err(StoreError::Cancelled)) => Ended::Cancelled,
        Ok(Err(e)) => Ended::Failed {
            refusal: e.refusal().is_some(),
            why: Text::new(e.message(huajie_core::Lang::Zh), e.message(huajie_core::Lang::En)),
        },
        Err(e) => Ended::Failed {
            why: Text::new(format!("任务中止：{e}"), format!("the task stopped: {e}")),
            refusal: false,
        },
    };
    // Known here first, so this process's pages never show it running once it has ended.
    let ended = Arc::new(ended);
    *live.ended.lock().expect("never poisoned") = Some(ended.clone());
    live.done.notify_waiters();
    let recorded = match &*ended {
        Ended::Done(result) => store.finish_run(id, RunState::Done, Some(*result), None).await,
        Ended::NotLoaded { reason, .. } => store.finish_run(id, RunState::Failed, None, Some(reason)).await,
        Ended::Failed { why, .. } => store.finish_run(id, RunState::Failed, None, Some(why)).await,
        Ended::Cancelled => store.finish_run(id, RunState::Cancelled, None, None).await,
    };
    if let Err(e) = recorded {
        tracing::warn!(run = id, error = %e, "the end of a run could not be recorded");
    }
}

/// A run as its page shows it: the row, with this process's live progress when it runs here.
pub fn current(run: Run, live: Option<&Live>) -> Run {
    let Some(l) = live.filter(|_| !run.state.ended()) else {
        return run;
    };
    let (stage, done, total) = l.progress.current();
    let ended = |state, result_id, error| Run {
        state,
        stage: if state == RunState::Done { huajie_store::RunStage::Finished } else { stage },
        result_id,
        error,
        finished_at: Some(run.updated_at),
        ..run.clone()
    };
    match l.ended().as_deref() {
        None => Run { stage, done, total, state: RunState::Running, ..run },
        Some(Ended::Done(result)) => ended(RunState::Done, Some(*result), None),
        Some(Ended::NotLoaded { reason, .. }) => ended(RunState::Failed, None, Some(reason.clone())),
        Some(Ended::Failed { why, .. }) => ended(RunState::Failed, None, Some(why.clone())),
        Some(Ended::Cancelled) => ended(RunState::Cancelled, None, None),
    }
}
