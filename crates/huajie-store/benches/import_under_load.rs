//! Other users during a tape import (issue 17): while a tape loads into a fresh SQLite
//! database, a short write (a login's audit event) and two page reads (the packages page's
//! sums, a page of the party list) run every 200 ms; prints the import's time and each
//! probe's median and worst. PostgreSQL with `--database-url postgres://…` (a database of
//! its own: it is migrated and written to).
//!
//! `CARGO_TARGET_DIR=/work/release-shared cargo bench -p huajie-store --bench import_under_load -- TAPE.csv`

use std::time::{Duration, Instant};

use huajie_core::{Party, PartyStatus};
use huajie_store::{DbTarget, FileImport, PackageTarget, PartyFilter, Store, TapeFile};
use huajie_tape::{ImportPolicy, MappingProfile, SheetOptions};

const EVERY: Duration = Duration::from_millis(200);

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let Some(path) = args.iter().find(|a| !a.starts_with("--")).cloned() else {
        eprintln!("usage: cargo bench -p huajie-store --bench import_under_load -- TAPE.csv [--database-url URL]");
        return;
    };
    let dir = tempfile::tempdir().expect("a scratch directory");
    let url = args.iter().position(|a| a == "--database-url").and_then(|i| args.get(i + 1));
    let target = DbTarget::choose(url.map(String::as_str), dir.path()).expect("a database");
    let store = Store::open(&target).await.expect("the database opens");
    store.migrate().await.expect("migrations");
    let today = store.clock().today();
    let transferor = Party {
        name: "某银行".into(),
        identity: huajie_core::PartyIdentifier::parse("91330100MA2AYA1GX3", today).expect("a USCC").into(),
        status: PartyStatus::Active,
        address: None,
        phone: None,
    };
    let file = std::fs::File::open(&path).expect("the tape opens");
    let read_path = path.clone();
    let tape = TapeFile {
        name: "tape.csv".into(),
        sha256: "bench".into(),
        reader: std::io::BufReader::new(file),
        bytes: Box::new(move || std::fs::read(read_path)),
        options: SheetOptions {
            cutoff_date: chrono::NaiveDate::from_ymd_opt(2026, 6, 30),
            today,
            personal_batch: true,
        },
        profile: MappingProfile::default(),
    };
    let target = PackageTarget::New { code: "GR-1".into(), name: "bench".into(), transferor };
    let started = Instant::now();
    let importer = store.clone();
    let import =
        tokio::spawn(async move { importer.import_tape_file("bench", target, ImportPolicy::Strict, tape).await });
    let (mut writes, mut packages, mut parties) = (Vec::new(), Vec::new(), Vec::new());
    let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + EVERY, EVERY);
    while !import.is_finished() {
        ticker.tick().await;
        // A probe that starts while the import runs counts as during it, however long it waits.
        let during = !import.is_finished();
        let write = async {
            let at = Instant::now();
            let mut tx = store.write("probe").await.expect("a writer");
            let waited = at.elapsed();
            tx.audit_event("login", "session", "probe", serde_json::json!({})).await.expect("an event");
            tx.commit().await.expect("commit");
            (waited, at.elapsed(), during)
        };
        // The pages are read beside the write, not after it: a reader does not queue behind writers.
        let reads = async {
            let at = Instant::now();
            store.packages().await.expect("packages");
            let packages = at.elapsed();
            let at = Instant::now();
            store.parties(&PartyFilter { limit: 50, ..Default::default() }).await.expect("parties");
            (packages, at.elapsed())
        };
        let (w, (p, q)) = tokio::join!(write, reads);
        writes.push(w);
        packages.push(p);
        parties.push(q);
    }
    let imported = import.await.expect("the import task").expect("the import");
    let elapsed = started.elapsed();
    match imported {
        FileImport::Read { read, .. } => println!("imported {} rows in {:.2} s", read.rows_read, elapsed.as_secs_f64()),
        other => println!("not imported: {other:?}"),
    }
    let during: Vec<Duration> = writes.iter().filter(|w| w.2).map(|w| w.1).collect();
    println!("short write (login event), {} during the import: {}", during.len(), figures(during));
    println!("  its wait for the writer: {}", figures(writes.iter().filter(|w| w.2).map(|w| w.0).collect()));
    println!("packages page read, {}: {}", packages.len(), figures(packages));
    println!("party list page read, {}: {}", parties.len(), figures(parties));
}

/// Median and worst, in ms.
fn figures(mut d: Vec<Duration>) -> String {
    if d.is_empty() {
        return "none".into();
    }
    d.sort();
    let ms = |x: Duration| x.as_secs_f64() * 1000.0;
    format!("median {:.1} ms, worst {:.1} ms", ms(d[d.len() / 2]), ms(d[d.len() - 1]))
}
