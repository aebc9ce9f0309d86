//! Background runs (issue 17), on SQLite and on PostgreSQL: a cancelled import leaves the
//! database as it was, a cancelled valuation records nothing, and a run left unended by a
//! server that stopped reads as interrupted.

use chrono::{Duration, NaiveDate};
use huajie_store::testing::{TestStore, corporate};
use huajie_store::{PackageTarget, Progress, RunKind, RunStage, RunState, StoreError, TapeFile};

huajie_store::both_databases!(
    a_cancelled_import_leaves_the_database_as_it_was,
    a_cancelled_valuation_records_nothing,
    a_run_is_recorded_and_one_of_a_stopped_server_reads_interrupted,
);

/// A personal tape of `rows` claims, each its own borrower.
fn tape(rows: usize) -> String {
    let mut csv = String::from("借款合同编号,借款人名称,证件号码,本金余额\n");
    for i in 0..rows {
        let born = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap() + Duration::days((i / 1000) as i64);
        let id = huajie_core::ResidentId::with_check_char(&format!("330106{}{:03}", born.format("%Y%m%d"), i % 1000))
            .unwrap();
        csv.push_str(&format!("HT{i:05},借款人{i},{},{}.00\n", id.as_str(), 10_000 + i));
    }
    csv
}

/// A reader that cancels `progress` once `after` bytes have been read: a user pressing
/// 取消 while the tape is being read and written.
struct CancelsAfter<R> {
    inner: R,
    progress: Progress,
    read: usize,
    after: usize,
}

impl<R: std::io::Read> std::io::Read for CancelsAfter<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n;
        if self.read >= self.after {
            self.progress.cancel();
        }
        Ok(n)
    }
}

fn tape_file<R>(reader: R, bytes: Vec<u8>, today: NaiveDate) -> TapeFile<R> {
    TapeFile {
        name: "cancel.csv".into(),
        sha256: "0".repeat(64),
        reader,
        bytes: Box::new(move || Ok(bytes)),
        options: huajie_tape::SheetOptions {
            cutoff_date: NaiveDate::from_ymd_opt(2026, 6, 30),
            today,
            personal_batch: true,
        },
        profile: Default::default(),
    }
}

async fn a_cancelled_import_leaves_the_database_as_it_was(t: TestStore) {
    let s = &t.store;
    // More than two chunks of the writer (5,000 claims each): the first are written before
    // the cancel is seen, and rolled back with the rest.
    let bytes = tape(12_000).into_bytes();
    let progress = Progress::new();
    progress.stage(RunStage::ReadingTape, bytes.len() as u64);
    let reader = CancelsAfter {
        inner: progress.reader(std::io::Cursor::new(bytes.clone())),
        progress: progress.clone(),
        read: 0,
        after: bytes.len() * 9 / 10,
    };
    let audit_before = s.audit_count().await.unwrap();
    let target = PackageTarget::New {
        code: "CANCEL-1".into(),
        name: "取消".into(),
        transferor: corporate("某银行", "91330100MA2AYA1G"),
    };
    let tape = tape_file(reader, bytes.clone(), s.clock().today());
    let result =
        s.following(&progress).import_tape_file("acquisition", target, huajie_tape::ImportPolicy::Strict, tape).await;
    assert!(matches!(result, Err(StoreError::Cancelled)), "{result:?}");
    assert!(progress.current().1 > 0, "the bytes read were counted");
    assert!(s.package_id_by_code("CANCEL-1").await.unwrap().is_none(), "no package, no claims");
    // The attempt is on record (started, then ended as failed: cancelled), and nothing else.
    assert_eq!(s.audit_count().await.unwrap(), audit_before + 2);
    let attempts = s.import_attempts("CANCEL-1").await.unwrap();
    assert_eq!(attempts.len(), 1);
    assert_eq!(attempts[0].state, huajie_store::AttemptState::Failed);
    assert!(attempts[0].detail.as_ref().unwrap().zh.contains("已取消"));
    assert!(s.verify_audit().await.unwrap().is_intact());

    // The same tape, not cancelled, loads whole: the cancel was what stopped it.
    let progress = Progress::new();
    let target = PackageTarget::New {
        code: "CANCEL-1".into(),
        name: "取消".into(),
        transferor: corporate("某银行", "91330100MA2AYA1G"),
    };
    let tape = tape_file(progress.reader(std::io::Cursor::new(bytes.clone())), bytes.clone(), s.clock().today());
    s.following(&progress)
        .import_tape_file("acquisition", target, huajie_tape::ImportPolicy::Strict, tape)
        .await
        .unwrap();
    let package = s.package_id_by_code("CANCEL-1").await.unwrap().unwrap();
    assert_eq!(s.claims_of_package(package).await.unwrap().len(), 12_000);
    assert_eq!(progress.current(), (RunStage::Finishing, 0, 0), "it reached its last stage");
}

async fn a_cancelled_valuation_records_nothing(t: TestStore) {
    let s = &t.store;
    let bytes = tape(20).into_bytes();
    let target = PackageTarget::New {
        code: "VAL-1".into(),
        name: "估值".into(),
        transferor: corporate("某银行", "91330100MA2AYA1G"),
    };
    let tape = tape_file(std::io::Cursor::new(bytes.clone()), bytes, s.clock().today());
    s.import_tape_file("acquisition", target, huajie_tape::ImportPolicy::Strict, tape).await.unwrap();
    let package = s.package_id_by_code("VAL-1").await.unwrap().unwrap();
    let req = huajie_store::ValuationRequest {
        package_id: package,
        assumption_set_id: None,
        valuation_date: None,
        options: huajie_value::Options::default(),
    };
    let progress = Progress::new();
    progress.cancel();
    let result = s.following(&progress).value_package("valuer", &req, true).await;
    assert!(matches!(result, Err(StoreError::Cancelled)), "{:?}", result.err());
    assert!(s.valuation_runs(package).await.unwrap().is_empty());

    // Followed and not cancelled: recorded, its stages marked to the last, the same figures
    // as without a progress handle (what `huajie value` calls).
    let progress = Progress::new();
    let (_, followed, run) = s.following(&progress).value_package("valuer", &req, true).await.unwrap();
    assert_eq!(progress.current().0, RunStage::Saving);
    let (_, plain, _) = s.value_package("valuer", &req, false).await.unwrap();
    assert_eq!(followed, plain);
    assert_eq!(s.valuation_runs(package).await.unwrap().len(), 1);
    assert!(run.is_some());
}

async fn a_run_is_recorded_and_one_of_a_stopped_server_reads_interrupted(t: TestStore) {
    let s = &t.store;
    let run = s.create_run(RunKind::Valuation, Some(1), "P-1", "valuer").await.unwrap();
    assert_eq!((run.state, run.stage, run.percent()), (RunState::Queued, RunStage::Waiting, 0));
    assert!(s.record_run_progress(run.id, RunState::Running, (RunStage::Valuing, 0, 0), false).await.unwrap());
    let read = s.run(run.id).await.unwrap().unwrap();
    assert_eq!((read.state, read.stage, read.percent()), (RunState::Running, RunStage::Valuing, 30));
    s.finish_run(run.id, RunState::Done, Some(42), None).await.unwrap();
    // An end is final: a late progress write or a second end changes nothing.
    s.record_run_progress(run.id, RunState::Running, (RunStage::Valuing, 0, 0), true).await.unwrap();
    s.finish_run(run.id, RunState::Failed, None, Some(&huajie_core::Text::fixed("否", "no"))).await.unwrap();
    let done = s.run(run.id).await.unwrap().unwrap();
    assert_eq!((done.state, done.result_id, done.percent(), done.error), (RunState::Done, Some(42), 100, None));
    assert!(done.finished_at.is_some());

    // A run of this process stays running; one of a process that has stopped reads interrupted
    // and is marked so when a server starts.
    let alive = s.create_run(RunKind::Import, None, "NEW-1", "acquisition").await.unwrap();
    let dead = s.create_run(RunKind::Import, None, "NEW-2", "acquisition").await.unwrap();
    t.tamper(&format!("UPDATE runs SET process = 'nohost-{0} 4194999 1' WHERE id = {0}", dead.id)).await;
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").map(|h| h.trim().to_string());
    if let Ok(host) = host {
        t.tamper(&format!("UPDATE runs SET process = '{host} 4194999 1' WHERE id = {}", dead.id)).await;
        assert_eq!(s.run(dead.id).await.unwrap().unwrap().state, RunState::Interrupted);
        assert_eq!(s.interrupt_dead_runs().await.unwrap(), 1);
        let marked = s.run(dead.id).await.unwrap().unwrap();
        assert_eq!((marked.state, marked.finished_at.is_some()), (RunState::Interrupted, true));
    }
    assert_eq!(s.run(alive.id).await.unwrap().unwrap().state, RunState::Queued);
    let mine: Vec<i64> = s.recent_runs(Some("acquisition")).await.unwrap().iter().map(|r| r.id).collect();
    assert_eq!(mine, vec![dead.id, alive.id], "newest first, only theirs");
    assert_eq!(s.recent_runs(None).await.unwrap().len(), 3);
}
