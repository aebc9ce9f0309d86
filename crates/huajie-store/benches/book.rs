//! The indicators and the dashboard at a large book (issue 17): cold (the book read and the
//! engine run), warm (the book unchanged: the kept answer), after one write (cold again), and
//! where the cold time goes (the store's read of the book, the engine). The book is a store the
//! CLI filled from a generated tape — the same bulk path a company's import takes:
//!
//! ```text
//! python3 scripts/gen-personal-tape.py 1000000 /tmp/book1m.csv 100000   # over 100,000 borrowers
//! huajie migrate --data-dir D
//! huajie import /tmp/book1m.csv --data-dir D --package GR-1 --transferor-name 某银行 \
//!     --transferor-id 91330100MA2AYA1GX3 --cutoff 2026-06-30 --personal
//! HUAJIE_BENCH_DATA=D cargo bench -p huajie-store --bench book
//! ```
//!
//! With `HUAJIE_BENCH_VERIFY=1` it runs `Store::verify_audit` alone instead (no change to the book).
//!
//! Before its first run the bench marks the tape's package acquired (so that its claims are
//! held and the indicators read each one; directly in SQL, since an acquisition needs a cleared
//! deal check) and records net assets at the quarter-end it computes at and the one before. The
//! "uncached" rows are what every request cost before the answers were kept: the book read and
//! the engine run.

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use huajie_core::Money;
use huajie_store::{DbTarget, Store};

const WARM_RUNS: usize = 20;

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1_000.0)
}

async fn timed<T, F: std::future::Future<Output = T>>(f: F) -> (T, Duration) {
    let start = Instant::now();
    let out = f.await;
    (out, start.elapsed())
}

/// The package acquired and the net assets recorded, once.
async fn prepare(store: &Store, as_of: NaiveDate) {
    huajie_store::testing::execute_raw(
        store,
        "UPDATE packages SET status = 'acquired', acquired_on = '2026-07-01', price_fen = 100000000000 \
         WHERE status <> 'acquired'",
    )
    .await;
    // The indicators read the net assets at the quarter-end and at the one before.
    let recorded: Vec<NaiveDate> = store.net_assets().await.unwrap().iter().map(|n| n.quarter_end).collect();
    for end in [huajie_rules::indicators::previous_quarter_end(as_of), as_of] {
        if !recorded.contains(&end) {
            let mut tx = store.write("bench").await.unwrap();
            tx.set_net_assets(end, Money::from_fen(5_000_000_000_000), "bench").await.unwrap();
            tx.commit().await.unwrap();
        }
    }
}

#[tokio::main]
async fn main() {
    let Ok(dir) = std::env::var("HUAJIE_BENCH_DATA") else {
        eprintln!("HUAJIE_BENCH_DATA is not set (a data dir the CLI imported a tape into): nothing to measure");
        return;
    };
    let target = DbTarget::choose(None, std::path::Path::new(&dir)).unwrap();
    let store = Store::open(&target).await.unwrap();
    store.migrate().await.unwrap();
    if std::env::var("HUAJIE_BENCH_VERIFY").is_ok() {
        // `huajie audit verify` in-process, alone (its peak memory is this process's).
        let (report, took) = timed(store.verify_audit()).await;
        let report = report.unwrap();
        println!(
            "verify: {} records, {} rows, intact {}, {}",
            report.records,
            report.rows_checked,
            report.is_intact(),
            ms(took)
        );
        return;
    }
    let as_of = NaiveDate::from_ymd_opt(2026, 9, 30).unwrap();
    prepare(&store, as_of).await;
    let d = store.dashboard_figures().await.unwrap();
    println!("book: {} claims, {} debtors, {} packages", d.claims, d.debtors, d.packages);
    let params = store.rule_parameters().await.unwrap();

    // Before: each request read the book and ran the engine.
    let (ledger, read) = timed(store.compliance_ledger(as_of)).await;
    let ledger = ledger.unwrap();
    let start = Instant::now();
    let fresh = huajie_rules::indicators(&ledger, &params.parameters, as_of).unwrap();
    let engine = start.elapsed();
    drop(ledger);
    println!("uncached indicators: book read {}, engine {}, total {}", ms(read), ms(engine), ms(read + engine));
    let (_, sums) = timed(store.dashboard_figures()).await;
    println!("uncached dashboard: {}", ms(sums));

    // After: kept at the book's version.
    let (answer, cold) = timed(store.indicators(as_of, &params)).await;
    assert_eq!(answer.unwrap().indicators.as_ref().unwrap(), &fresh, "the kept answer is the fresh one");
    let mut warm = Vec::new();
    for _ in 0..WARM_RUNS {
        warm.push(timed(store.indicators(as_of, &params)).await.1);
    }
    let mut tx = store.write("bench").await.unwrap();
    let net = store.net_assets().await.unwrap().into_iter().find(|n| n.quarter_end == as_of).unwrap();
    tx.set_net_assets(as_of, Money::from_fen(net.amount.fen() + 1), "bench: one write").await.unwrap();
    tx.commit().await.unwrap();
    let (_, after_write) = timed(store.indicators(as_of, &params)).await;
    println!(
        "indicators: cold {}, warm median of {WARM_RUNS} {}, after one write {}",
        ms(cold),
        ms(median(warm)),
        ms(after_write)
    );
    let (_, cold) = timed(store.dashboard()).await;
    let mut warm = Vec::new();
    for _ in 0..WARM_RUNS {
        warm.push(timed(store.dashboard()).await.1);
    }
    println!("dashboard: cold {}, warm median of {WARM_RUNS} {}", ms(cold), ms(median(warm)));
}
