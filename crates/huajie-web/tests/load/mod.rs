//! Shared by the bidding acceptance test (`tests/bidding_load.rs`) and the portal benchmark
//! (`benches/portal.rs`): an auction lot on the demo's approved plan with many qualified
//! bidders admitted (set up through the store), an HTTP client over loopback, the API login,
//! and a race of bidders on one lot through `POST /api/v1/lots/{id}/bids`.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};

use axum::http::{Method, Request, StatusCode, header};
use chrono::{DateTime, Utc};
use huajie_auction::{AuctionMode, InvestorId, Terms};
use huajie_core::Money;
use huajie_core::clock::FixedClock;
use huajie_core::{PartyIdentifier, Uscc};
use huajie_decide::investor::{DocumentKind, InvestorKind};
use huajie_store::{InvestorProfile, LotInput, LotRecord, Registered, Registration, Store};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

pub const PASSWORD: &str = huajie_demo::DEMO_PASSWORD;

/// 10:00 Beijing time on Monday 7 December 2026, when the demo is loaded.
pub fn demo_clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::at("2026-12-07T02:00:00Z".parse().unwrap()))
}

pub fn set(clock: &FixedClock, t: DateTime<Utc>) {
    *clock.0.lock().unwrap() = t;
}

/// The demo company loaded, every user's password `PASSWORD` (hashed once): the hash.
pub async fn demo(store: &Store) -> String {
    let hash = huajie_web::hash_password(PASSWORD);
    huajie_demo::load(store, &huajie_demo::generate(), |_| hash.clone()).await.unwrap();
    hash
}

/// A bidder: its user name and user id (its bidder id).
#[derive(Debug, Clone)]
pub struct Bidder {
    pub username: String,
    pub id: i64,
}

/// The demo loaded (every user's password `PASSWORD`, hashed once), a lot on its approved
/// online-auction plan not yet put up as a lot (start at 80% of the approved reserve, 1 万 increments, bidding from
/// 10:00 to 16:00 Beijing time on the first day the announcement allows) and `n` companies
/// registered, qualified and admitted with a confirmed deposit. The clock is left one minute
/// after the lot's start.
pub async fn auction_with_bidders(store: &Store, clock: &FixedClock, n: usize) -> (LotRecord, Vec<Bidder>) {
    let hash = demo(store).await;
    let (plan, opens) = huajie_store::testing::unlotted_auction_plan(store).await;
    let reserve = plan.reserve.expect("the plan has a reserve");
    let terms = Terms {
        mode: AuctionMode::Ascending,
        start_price: Money::from_fen(reserve.fen() * 8 / 10 / 100 * 100),
        increment: Money::from_yuan(10_000).unwrap(),
        reserve: Some(reserve),
        deposit: Money::from_yuan(200_000).unwrap(),
        starts_at: opens + chrono::Duration::hours(10),
        ends_at: opens + chrono::Duration::hours(16),
        extension_minutes: 0,
    };
    let input = LotInput { plan_id: plan.id, title: String::new(), terms };
    let lot = store.create_lot("asset_manager", &input).await.unwrap();
    let bidders = admitted_bidders(store, &lot, &hash, n).await;
    set(clock, lot.terms.starts_at + chrono::Duration::minutes(1));
    (lot, bidders)
}

/// `n` companies (user names `bidder0001`…) registered with the password hash given, their
/// documents added, qualified by risk, their deposits recorded and confirmed by finance; four
/// at a time (the store's writers take turns anyway).
async fn admitted_bidders(store: &Store, lot: &LotRecord, hash: &str, n: usize) -> Vec<Bidder> {
    let next = Arc::new(AtomicI64::new(0));
    let mut tasks = Vec::new();
    for _ in 0..4 {
        let (store, lot, hash, next) = (store.clone(), lot.clone(), hash.to_string(), next.clone());
        tasks.push(tokio::spawn(async move {
            let mut made = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                if i >= n as i64 {
                    return made;
                }
                made.push(admitted(&store, &lot, &hash, i).await);
            }
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    all.sort_by_key(|b| b.id);
    all
}

async fn admitted(store: &Store, lot: &LotRecord, hash: &str, i: i64) -> Bidder {
    let username = format!("bidder{i:04}");
    let uscc = Uscc::with_check_chars(&format!("91330106MA3D{i:04}")).unwrap();
    let r = Registration {
        username: username.clone(),
        password_hash: hash.to_string(),
        profile: InvestorProfile {
            kind: InvestorKind::Company,
            name: format!("竞价压力测试{i}号有限公司"),
            identifier: PartyIdentifier::Uscc(uscc),
            legal_rep: Some("张某".into()),
            phone: "13800138000".into(),
            email: format!("{username}@example.cn"),
        },
    };
    let Registered::Done(investor) = store.register_investor(&r).await.unwrap() else {
        panic!("registered {username}")
    };
    let docs: [(DocumentKind, &str, &[u8]); 2] = [
        (DocumentKind::BusinessLicence, "licence.pdf", b"%PDF l"),
        (DocumentKind::ProofOfFunds, "funds.pdf", b"%PDF f"),
    ];
    store.add_investor_documents(&username, investor.id, &docs).await.unwrap();
    store.qualify_investor("risk", investor.id).await.unwrap();
    let who = InvestorId(investor.user_id);
    let d = store.record_deposit(&username, who, lot.id, &format!("网银 {username}")).await.unwrap();
    store.confirm_deposit("finance", d.id, lot.terms.deposit).await.unwrap();
    Bidder { username, id: investor.user_id }
}

/// An HTTP/1.1 client of one server over loopback (connections kept alive and reused).
#[derive(Clone)]
pub struct Http {
    client: Client<HttpConnector, String>,
    pub base: String,
}

/// An answer, read whole.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub body: String,
    pub cookies: Vec<String>,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

/// A logged-in API session: its cookie and CSRF token.
#[derive(Debug, Clone, Default)]
pub struct Session {
    pub cookie: String,
    pub csrf: String,
}

impl Http {
    pub fn new(base: &str) -> Http {
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        let client = Client::builder(TokioExecutor::new()).pool_idle_timeout(Duration::from_secs(300)).build(connector);
        Http { client, base: base.to_string() }
    }

    /// Sends a request (a JSON body when given), as the session when given, asking for
    /// English messages; retries only a connection that failed before it was sent.
    pub async fn send(&self, method: Method, path: &str, session: Option<&Session>, json: Option<String>) -> Answer {
        let body = json.map(|json| ("application/json", json));
        self.send_body(method, path, session, body).await
    }

    /// Sends a request with a body of the given content type (when given).
    pub async fn send_body(
        &self,
        method: Method,
        path: &str,
        session: Option<&Session>,
        body: Option<(&str, String)>,
    ) -> Answer {
        let mut req = Request::builder().method(method).uri(format!("{}{path}", self.base));
        req = req.header(header::ACCEPT_LANGUAGE, "en");
        if let Some(s) = session {
            req = req.header(header::COOKIE, &s.cookie).header("x-csrf-token", &s.csrf);
        }
        if let Some((content_type, _)) = &body {
            req = req.header(header::CONTENT_TYPE, *content_type);
        }
        let req = req.body(body.map(|(_, b)| b).unwrap_or_default()).unwrap();
        let response = self.client.request(req).await.unwrap_or_else(|e| panic!("{path}: {e:?}"));
        let status = response.status();
        let cookies = response
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|c| c.split(';').next())
            .filter(|pair| pair.split_once('=').is_some_and(|(_, v)| !v.is_empty()))
            .map(str::to_string)
            .collect();
        let bytes = axum::body::to_bytes(axum::body::Body::new(response.into_body()), 64 * 1024 * 1024).await.unwrap();
        Answer { status, body: String::from_utf8_lossy(&bytes).into_owned(), cookies }
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.send(Method::GET, path, None, None).await
    }

    /// Logs in through `POST /api/v1/session`.
    pub async fn login(&self, username: &str) -> Session {
        let body = serde_json::json!({ "username": username, "password": PASSWORD }).to_string();
        let a = self.send(Method::POST, "/api/v1/session", None, Some(body)).await;
        assert_eq!(a.status, StatusCode::OK, "login as {username}: {}", a.body);
        let csrf = a.json()["data"]["csrf_token"].as_str().unwrap().to_string();
        Session { cookie: a.cookies.join("; "), csrf }
    }
}

/// Logs every bidder in, a few at a time: the login throttle counts a password check under way
/// as failed until it succeeds, and allows 20 from one source within its window.
pub async fn log_in(servers: &[Http], bidders: &[Bidder]) -> Vec<Session> {
    let next = Arc::new(AtomicI64::new(0));
    let names: Arc<Vec<String>> = Arc::new(bidders.iter().map(|b| b.username.clone()).collect());
    let mut tasks = Vec::new();
    for _ in 0..6 {
        let (next, names, servers) = (next.clone(), names.clone(), servers.to_vec());
        tasks.push(tokio::spawn(async move {
            let mut got = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::SeqCst) as usize;
                if i >= names.len() {
                    return got;
                }
                got.push((i, servers[i % servers.len()].login(&names[i]).await));
            }
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    all.sort_by_key(|(i, _)| *i);
    all.into_iter().map(|(_, s)| s).collect()
}

/// A bid the server accepted, as its 201 said, and who placed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Placed {
    pub seq: i64,
    pub amount_fen: i64,
    pub bidder: i64,
}

/// What a race of bidders saw.
#[derive(Debug, Default)]
pub struct Race {
    /// Every 201.
    pub accepted: Vec<Placed>,
    /// The 409s by code.
    pub refused: BTreeMap<String, usize>,
    /// Every bid's time from sending to its whole answer.
    pub latencies: Vec<Duration>,
    pub elapsed: Duration,
}

/// The least amount a 409 `too_low` names ("… the least you can bid is CNY 1,234.00.").
pub fn least_named(message: &str) -> Option<Money> {
    let (_, amount) = message.rsplit_once("CNY ")?;
    amount.trim_end_matches('.').trim().parse().ok()
}

/// The bidders race on the lot, bidder `i` through `servers[i % len]`, until `posts` bids have
/// been sent in all. Each bids the best it knows plus the increment and up to 50 increments
/// more, and learns the best only from its own answers: its 201, or a 409
/// `too_low` naming the least acceptable amount; a 409 `already_leading` waits a moment. Any
/// other answer (a 5xx, a 4xx, another refusal) panics.
pub async fn race(servers: &[Http], bidders: &[Bidder], sessions: &[Session], lot: &LotRecord, posts: i64) -> Race {
    let budget = Arc::new(AtomicI64::new(posts));
    let (start, inc) = (lot.terms.start_price.fen(), lot.terms.increment.fen());
    let path = format!("/api/v1/lots/{}/bids", lot.id);
    let began = Instant::now();
    let mut tasks = Vec::new();
    for (i, (bidder, session)) in bidders.iter().zip(sessions).enumerate() {
        let (http, budget, path, session, me) =
            (servers[i % servers.len()].clone(), budget.clone(), path.clone(), session.clone(), bidder.id);
        tasks.push(tokio::spawn(async move {
            let mut seen = Race::default();
            let mut known: Option<i64> = None;
            let mut n = i as u64 * 7919 + 1;
            while budget.fetch_sub(1, Ordering::SeqCst) > 0 {
                let least = known.map_or(start, |k| k + inc);
                // xorshift: a bid beats the least it knows by up to 50 increments more, so
                // that bids racing on one step do not all lose to the first that arrives.
                n ^= n << 13;
                n ^= n >> 7;
                n ^= n << 17;
                let amount = least + inc * (n % 51) as i64;
                let body = serde_json::json!({ "amount_fen": amount }).to_string();
                let sent = Instant::now();
                let a = http.send(Method::POST, &path, Some(&session), Some(body)).await;
                seen.latencies.push(sent.elapsed());
                match a.status {
                    StatusCode::CREATED => {
                        let d = &a.json()["data"];
                        assert_eq!(d["amount_fen"].as_i64(), Some(amount), "{}", a.body);
                        seen.accepted.push(Placed { seq: d["seq"].as_i64().unwrap(), amount_fen: amount, bidder: me });
                        known = Some(amount);
                    }
                    StatusCode::CONFLICT => {
                        let e = &a.json()["error"];
                        let code = e["code"].as_str().unwrap_or_default().to_string();
                        match code.as_str() {
                            "too_low" => {
                                let named = e["message"].as_str().and_then(least_named);
                                let least = named.unwrap_or_else(|| panic!("no least amount: {}", a.body));
                                known = Some(least.fen() - inc);
                            }
                            "already_leading" => tokio::time::sleep(Duration::from_millis(2)).await,
                            _ => panic!("bidder {me}: refused unexpectedly: {}", a.body),
                        }
                        *seen.refused.entry(code).or_default() += 1;
                    }
                    other => panic!("bidder {me}: {other}: {}", a.body),
                }
            }
            seen
        }));
    }
    let mut all = Race::default();
    for t in tasks {
        let seen = t.await.unwrap();
        all.accepted.extend(seen.accepted);
        all.latencies.extend(seen.latencies);
        for (k, v) in seen.refused {
            *all.refused.entry(k).or_default() += v;
        }
    }
    all.elapsed = began.elapsed();
    all
}

/// A server on a free loopback port, its address.
pub async fn serve(store: Store) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let state = huajie_web::AppState::new(store, huajie_web::WebConfig::default());
    tokio::spawn(huajie_web::serve(state, listener));
    base
}

/// p50, p99 and max of some latencies, in milliseconds.
pub fn percentiles(latencies: &[Duration]) -> (f64, f64, f64) {
    let mut ms: Vec<f64> = latencies.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
    ms.sort_by(|a, b| a.total_cmp(b));
    let at = |q: f64| ms[((ms.len() as f64 * q).ceil() as usize).saturating_sub(1).min(ms.len() - 1)];
    (at(0.50), at(0.99), ms[ms.len() - 1])
}

/// The body of a test binary's ignored `server_process` test, which `ServerProcess::start` runs
/// as a separate process with the database and the moment of its clock in the environment:
/// serves the database until its standard input closes, after printing its address.
pub async fn serve_from_env() {
    let (Ok(db), Ok(at)) = (std::env::var("HUAJIE_LOAD_DB"), std::env::var("HUAJIE_LOAD_AT")) else {
        eprintln!("started by a test through load::ServerProcess only");
        return;
    };
    let clock = Arc::new(FixedClock::at(at.parse().unwrap()));
    let store = Store::open_with_clock(&huajie_store::DbTarget::Postgres(db), clock).await.unwrap();
    let base = serve(store).await;
    println!("HUAJIE_LOAD_SERVER {base} {}", std::process::id());
    // Serve until the parent closes our standard input (or ends).
    tokio::task::spawn_blocking(|| std::io::copy(&mut std::io::stdin(), &mut std::io::sink())).await.unwrap().ok();
}

/// A `huajie_web::serve` process of its own on a PostgreSQL database (its own store and pool):
/// the test binary run again as its ignored test `test` (which calls `serve_from_env`), since
/// the `huajie` binary is not built for this crate's tests.
pub struct ServerProcess {
    child: std::process::Child,
    pub base: String,
    pub pid: u32,
}

impl ServerProcess {
    pub fn start(test: &str, db: &str, now: chrono::DateTime<chrono::Utc>) -> ServerProcess {
        use std::io::BufRead;
        let mut child = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--ignored", "--exact", test, "--nocapture", "--test-threads=1"])
            .env("HUAJIE_LOAD_DB", db)
            .env("HUAJIE_LOAD_AT", now.to_rfc3339())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // Its output read to the end on a thread of its own (a closed pipe would fail the
        // child's last words); the line with its address handed over.
        let out = std::io::BufReader::new(child.stdout.take().unwrap());
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in out.lines().map_while(Result::ok) {
                // After libtest's "test server_process ... " on the same line.
                if let Some((_, rest)) = line.split_once("HUAJIE_LOAD_SERVER ") {
                    let _ = tx.send(rest.to_string());
                }
            }
        });
        let Ok(rest) = rx.recv_timeout(std::time::Duration::from_secs(120)) else {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the server process did not listen within two minutes")
        };
        let (base, pid) = rest.split_once(' ').unwrap();
        ServerProcess { base: base.to_string(), pid: pid.parse().unwrap(), child }
    }

    pub fn stop(&mut self) {
        drop(self.child.stdin.take());
        let status = self.child.wait().unwrap();
        assert!(status.success(), "server process {}: {status}", self.pid);
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
