//! The investor portal under 200 concurrent clients (issue 14; figures in docs/performance.md):
//! the public announcement list, an announcement, a lot's public page — p50/p99/max latency
//! and requests per second — and bids per second on one lot (a race of 200 bidders, and 200
//! bidders climbing one increment at a time: accepted bids per second), on SQLite and on
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
/// Bids climbing one increment at a time (the lot's capacity for accepted bids).
const LADDER: i64 = 5_000;

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

    // The lot's capacity for accepted bids: bidders climbing one increment at a time, each
    // client bidding the next rung as soon as its last answer came (a rung taken from a shared
    // counter), so that a bid is refused only when it reaches the server after a higher one.
    let best = race.accepted.iter().map(|p| p.amount_fen).max().unwrap_or(lot.terms.start_price.fen());
    let climb = ladder(&servers[0], &sessions, lot.id, best, lot.terms.increment.fen(), LADDER).await;
    let (p50, p99, max) = load::percentiles(&climb.latencies);
    let secs = climb.elapsed.as_secs_f64();
    println!(
        "{db}: {LADDER} bids climbing one increment at a time by {CLIENTS} bidders in {secs:.2} s: {} accepted ({:.0}/s), {:.0} answered/s, refused {:?}; bid p50 {p50:.1} ms, p99 {p99:.1} ms, max {max:.1} ms",
        climb.accepted,
        climb.accepted as f64 / secs,
        LADDER as f64 / secs,
        climb.refused,
    );
    t.store.close().await;
}

/// Bids on the ladder: how many were accepted, the refusals by code, each bid's time.
#[derive(Default)]
struct Climb {
    accepted: usize,
    refused: std::collections::BTreeMap<String, usize>,
    latencies: Vec<Duration>,
    elapsed: Duration,
}

/// `bids` bids on lot `lot` by every session, the k-th rung `from + k × increment`.
async fn ladder(http: &Http, sessions: &[load::Session], lot: i64, from: i64, inc: i64, bids: i64) -> Climb {
    let rung = Arc::new(AtomicI64::new(0));
    let path = format!("/api/v1/lots/{lot}/bids");
    let began = Instant::now();
    let mut tasks = Vec::new();
    for session in sessions {
        let (http, rung, path, session) = (http.clone(), rung.clone(), path.clone(), session.clone());
        tasks.push(tokio::spawn(async move {
            let mut seen = Climb::default();
            loop {
                let k = rung.fetch_add(1, Ordering::SeqCst) + 1;
                if k > bids {
                    break seen;
                }
                let body = serde_json::json!({ "amount_fen": from + k * inc }).to_string();
                let sent = Instant::now();
                let a = http.send(axum::http::Method::POST, &path, Some(&session), Some(body)).await;
                seen.latencies.push(sent.elapsed());
                match a.status {
                    StatusCode::CREATED => seen.accepted += 1,
                    StatusCode::CONFLICT => {
                        let code = a.json()["error"]["code"].as_str().unwrap_or_default().to_string();
                        *seen.refused.entry(code).or_default() += 1;
                    }
                    other => panic!("{other}: {}", a.body),
                }
            }
        }));
    }
    let mut all = Climb::default();
    for t in tasks {
        let seen = t.await.unwrap();
        all.accepted += seen.accepted;
        all.latencies.extend(seen.latencies);
        for (k, v) in seen.refused {
            *all.refused.entry(k).or_default() += v;
        }
    }
    all.elapsed = began.elapsed();
    all
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
