//! # huajie-web
//!
//! The web face of Huajie: server-rendered HTML pages for staff and investors, the JSON
//! API under `/api/v1` with its OpenAPI document, login with argon2 password hashes,
//! server-side sessions kept in the database, CSRF tokens on every form, login rate
//! limiting, the role check on every route, and the string catalogue for Chinese and
//! English.
//!
//! Architecture invariants:
//! - handlers only extract → authorise (`Ctx::require`) → call the store → render; business
//!   rules live in the pure crates (`huajie-core`, `-tape`, `-value`, `-rules`), and the few
//!   still decided here are listed in ARCHITECTURE.md ("Business rules belong…");
//! - every route is in `routes.rs`, and every handler's first line names the permission
//!   it needs;
//! - every user-facing string is in `i18n.rs`; templates are auto-escaping (askama);
//! - personal data is masked in `view.rs` for every role that does not own it, in pages
//!   and in the API alike.
//!
//! Start reading at `routes.rs`, then `ctx.rs`.

pub mod api;
pub mod auth;
mod cached;
mod chart;
mod ctx;
mod error;
mod form;
pub mod i18n;
mod pages;
mod routes;
pub mod runs;
mod view;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use huajie_store::Store;

pub use auth::hash_password;
pub use routes::router;

/// Settings of the web server.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Mark cookies `Secure` (set when served over HTTPS, directly or behind a proxy).
    pub secure_cookies: bool,
    /// How long a session lasts from login.
    pub session_hours: i64,
    /// A session unused this long ends (minutes).
    pub session_idle_minutes: i64,
    /// The largest upload (a tape, a compliance book, a collections history); larger ones
    /// are answered 413.
    pub upload_bytes_max: usize,
    /// How many requests are worked on at once (`routes::admit`); the rest wait their turn.
    pub in_flight_max: usize,
    /// How long a web valuation or import is waited for before the answer is its progress
    /// page (`runs`): one done by then answers with its result, as it would in the request.
    pub run_wait: std::time::Duration,
}

/// `WebConfig::run_wait`'s default: what a user takes for "at once".
pub const RUN_WAIT_MS: u64 = 500;

impl Default for WebConfig {
    fn default() -> WebConfig {
        WebConfig {
            secure_cookies: false,
            session_hours: 8,
            session_idle_minutes: 30,
            upload_bytes_max: pages::imports::UPLOAD_BYTES_MAX,
            in_flight_max: usize::from(IN_FLIGHT_MAX),
            run_wait: std::time::Duration::from_millis(RUN_WAIT_MS),
        }
    }
}

/// How many requests are worked on at once by default: a few per core keeps both cores busy
/// while a request waits for the database, without a crowd sharing them (measured with
/// `scripts/load-test.sh`, docs/performance.md).
pub const IN_FLIGHT_MAX: u16 = 16;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<WebConfig>,
    /// Tape imports under way in this process, for the upload page's progress bar.
    pub imports: pages::imports::ImportsUnderWay,
    /// Passwords checked against their argon2 hash since the server started (logins and
    /// password changes): what login throttling bounds, readable by tests.
    pub password_checks: Arc<AtomicU64>,
    /// The lots' live updates: one poller per lot watched (`pages::lot_events`).
    pub lot_feeds: pages::lot_events::LotFeeds,
    /// The public pages' reads, kept between changes (`cached`).
    pub reads: cached::ReadCache,
    /// The places of requests being worked on (`routes::admit`).
    pub door: Arc<tokio::sync::Semaphore>,
    /// The valuations and imports this process runs in the background (`runs`).
    pub runs: runs::Runs,
}

impl AppState {
    /// How long a session may go unused.
    pub fn session_idle(&self) -> chrono::Duration {
        chrono::Duration::minutes(self.config.session_idle_minutes)
    }

    pub fn new(store: Store, config: WebConfig) -> AppState {
        AppState {
            store,
            door: Arc::new(tokio::sync::Semaphore::new(config.in_flight_max.max(1))),
            config: Arc::new(config),
            imports: Default::default(),
            password_checks: Default::default(),
            lot_feeds: Default::default(),
            reads: Default::default(),
            runs: Default::default(),
        }
    }
}

/// Serves until the process is stopped (Ctrl-C or SIGTERM), then finishes the requests
/// under way.
pub async fn serve(state: AppState, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    // Runs left unended by a server of this machine that has stopped never end: say so.
    match state.store.interrupt_dead_runs().await {
        Ok(0) => {}
        Ok(n) => tracing::info!(runs = n, "runs of a stopped server marked interrupted"),
        Err(e) => tracing::warn!(error = %e, "runs of a stopped server could not be marked"),
    }
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(shutdown_signal()).await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
