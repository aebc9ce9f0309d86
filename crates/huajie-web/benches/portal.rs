//! The investor portal under 200 concurrent clients (issue 14; figures in docs/performance.md):
//! the public announcement list, an announcement, a lot's public page — p50/p99/max latency
//! and requests per second — and accepted bids per second on one lot, on SQLite and on
//! PostgreSQL. The server runs in this process over loopback on the demo data, with a lot open
//! and 200 qualified bidders admitted (set up as `tests/bidding_load.rs` does).
//!
//! `cargo bench -p huajie-web --bench portal` (SQLite, and PostgreSQL when `HUAJIE_TEST_PG`
//! names a server; `-- sqlite` or `-- postgres` for one).

#[path = "../tests/load/mod.rs"]
mod load;

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use huajie_store::testing::{TestStore, postgres_url};
use load::Http;

const CLIENTS: usize = 200;
/// Requests per client for each page.
const PER_CLIENT: i64 = 25;
const BIDS: i64 = 10_000;

fn main() {
    let only = std::env::args().nth(1).filter(|a| !a.starts_with('-'));
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        if only.as_deref().is_none_or(|o| o == "sqlite") {
            let clock = load::demo_clock();
            run("SQLite", TestStore::sqlite_with_clock(clock.clone()).await, clock).await;
        }
        if only.as_deref().is_none_or(|o| o == "postgres") {
            match postgres_url() {
                Some(url) => {
                    let clock = load::demo_clock();
                    run("PostgreSQL", TestStore::postgres_with_clock(&url, clock.clone()).await, clock).await;
                }
                None => println!("HUAJIE_TEST_PG is not set: PostgreSQL skipped"),
            }
        }
    });
}

async fn run(db: &str, t: TestStore, clock: Arc<huajie_core::clock::FixedClock>) {
    let began = Instant::now();
    let (lot, bidders) = load::auction_with_bidders(&t.store, &clock, CLIENTS).await;
    let http = Http::new(&load::serve(t.store.clone()).await);
    let announcement = t
        .store
        .announcements(Some(lot.plan_id))
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.bidding_opens_on.is_some())
        .expect("the lot's published announcement")
        .id;
    println!("{db}: demo, lot {} and {CLIENTS} bidders set up in {:.1?}", lot.id, began.elapsed());
    println!("{db}: {CLIENTS} concurrent clients, {PER_CLIENT} requests each, after a warm-up round");
    println!("| path | p50 | p99 | max | req/s |");
    println!("| --- | --- | --- | --- | --- |");
    for path in [
        "/public/announcements".to_string(),
        format!("/public/announcements/{announcement}"),
        format!("/public/lots/{}", lot.id),
    ] {
        let probe = http.get(&path).await;
        if probe.status != StatusCode::OK {
            println!("| `{path}` | answered {} — not measured | | | |", probe.status);
            continue;
        }
        pages(&http, &path, 1).await;
        let (latencies, elapsed) = pages(&http, &path, PER_CLIENT).await;
        let (p50, p99, max) = load::percentiles(&latencies);
        let rate = latencies.len() as f64 / elapsed.as_secs_f64();
        println!("| `{path}` | {p50:.1} ms | {p99:.1} ms | {max:.1} ms | {rate:.0} |");
    }

    let servers = [http];
    let sessions = load::log_in(&servers, &bidders).await;
    let race = load::race(&servers, &bidders, &sessions, &lot, BIDS).await;
    let (p50, p99, max) = load::percentiles(&race.latencies);
    let secs = race.elapsed.as_secs_f64();
    println!(
        "{db}: {BIDS} bids by {CLIENTS} bidders on one lot in {secs:.2} s: {} accepted ({:.0}/s), {:.0} answered/s, refused {:?}; bid p50 {p50:.1} ms, p99 {p99:.1} ms, max {max:.1} ms",
        race.accepted.len(),
        race.accepted.len() as f64 / secs,
        BIDS as f64 / secs,
        race.refused,
    );
    t.store.close().await;
}

/// `CLIENTS` clients each getting `path` `per_client` times, one after another: every
/// request's latency (all must answer 200) and the wall time.
async fn pages(http: &Http, path: &str, per_client: i64) -> (Vec<Duration>, Duration) {
    let left = Arc::new(AtomicI64::new(CLIENTS as i64 * per_client));
    let began = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..CLIENTS {
        let (http, path, left) = (http.clone(), path.to_string(), left.clone());
        tasks.push(tokio::spawn(async move {
            let mut seen = Vec::new();
            while left.fetch_sub(1, Ordering::SeqCst) > 0 {
                let sent = Instant::now();
                let a = http.get(&path).await;
                seen.push(sent.elapsed());
                assert_eq!(a.status, StatusCode::OK, "{path}: {}", a.body);
            }
            seen
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    (all, began.elapsed())
}
