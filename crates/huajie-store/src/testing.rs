//! Helpers for tests in this and other crates: a fresh, migrated store on SQLite in a
//! temporary directory, or on PostgreSQL in a fresh database when `HUAJIE_TEST_PG` names
//! a server (`postgres://user@host:port/postgres`).

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use huajie_core::clock::{Clock, SystemClock};

use crate::{DbTarget, Store};

/// A company as the party register holds it, verified by its USCC: `first16` are the code's
/// first sixteen characters, the check characters computed.
pub fn corporate(name: &str, first16: &str) -> huajie_core::Party {
    huajie_core::Party {
        name: name.into(),
        identity: huajie_core::Identity::Verified(huajie_core::PartyIdentifier::Uscc(
            huajie_core::Uscc::with_check_chars(first16).expect("sixteen characters of a USCC"),
        )),
        status: huajie_core::PartyStatus::Active,
        address: None,
        phone: None,
    }
}

/// A store for one test. Keeps its temporary directory alive.
pub struct TestStore {
    pub store: Store,
    pub target: DbTarget,
    _dir: Option<tempfile::TempDir>,
}

/// The PostgreSQL server URL to test against, when set.
pub fn postgres_url() -> Option<String> {
    std::env::var("HUAJIE_TEST_PG").ok().filter(|s| !s.trim().is_empty())
}

impl TestStore {
    /// A fresh migrated SQLite store.
    pub async fn sqlite() -> TestStore {
        TestStore::sqlite_with_clock(Arc::new(SystemClock)).await
    }

    pub async fn sqlite_with_clock(clock: Arc<dyn Clock>) -> TestStore {
        TestStore::sqlite_at(clock, i64::MAX).await
    }

    /// A fresh SQLite store migrated up to `version` only.
    pub async fn sqlite_at(clock: Arc<dyn Clock>, version: i64) -> TestStore {
        let dir = tempfile::tempdir().expect("temp dir");
        let target = DbTarget::Sqlite(dir.path().join("test.sqlite"));
        let store = Store::open_with_clock(&target, clock).await.expect("open sqlite");
        store.migrate_to(version).await.expect("migrate sqlite");
        TestStore { store, target, _dir: Some(dir) }
    }

    /// A fresh migrated PostgreSQL database on the `HUAJIE_TEST_PG` server.
    pub async fn postgres(server_url: &str) -> TestStore {
        TestStore::postgres_at(server_url, i64::MAX).await
    }

    /// A fresh migrated PostgreSQL database whose store reads `clock`.
    pub async fn postgres_with_clock(server_url: &str, clock: Arc<dyn Clock>) -> TestStore {
        let t = TestStore::postgres(server_url).await;
        let store = Store::open_with_clock(&t.target, clock).await.expect("open test db");
        t.store.close().await;
        TestStore { store, ..t }
    }

    /// A fresh PostgreSQL database migrated up to `version` only.
    pub async fn postgres_at(server_url: &str, version: i64) -> TestStore {
        static N: AtomicU32 = AtomicU32::new(0);
        let name = format!("huajie_test_{}_{}", std::process::id(), N.fetch_add(1, Ordering::SeqCst));
        let admin = Store::open(&DbTarget::Postgres(server_url.to_string())).await.expect("connect to HUAJIE_TEST_PG");
        sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name}")))
            .execute(&admin.pool)
            .await
            .expect("drop test db");
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&admin.pool)
            .await
            .expect("create test db");
        admin.close().await;
        let base = server_url.rsplit_once('/').map(|(b, _)| b).unwrap_or(server_url);
        let target = DbTarget::Postgres(format!("{base}/{name}"));
        let store = Store::open(&target).await.expect("open test db");
        store.migrate_to(version).await.expect("migrate postgres");
        TestStore { store, target, _dir: None }
    }
}

impl TestStore {
    /// Runs SQL straight on the database, bypassing the store and its audit chain: for
    /// tests that play a user altering rows by hand.
    pub async fn tamper(&self, sql: &str) {
        execute_raw(&self.store, sql).await;
    }
}

/// Runs SQL on a store's database outside any audit (test support only).
pub async fn execute_raw(store: &Store, sql: &str) {
    sqlx::query(sqlx::AssertSqlSafe(sql.to_string())).execute(&store.pool).await.expect("raw SQL");
}

/// Runs SQL on a store's database outside any audit, returning the database's answer.
pub async fn try_raw(store: &Store, sql: &str) -> Result<(), sqlx::Error> {
    sqlx::query(sqlx::AssertSqlSafe(sql.to_string())).execute(&store.pool).await.map(|_| ())
}

/// The demo's approved online-auction plan with a published announcement that is not yet put
/// up as a lot (the demo sells and runs lots of its own), and the first moment bidding on it may
/// open: Beijing midnight of the later of the announcement's opening day and tomorrow.
pub async fn unlotted_auction_plan(s: &Store) -> (crate::Plan, chrono::DateTime<chrono::Utc>) {
    use huajie_core::clock::beijing_midnight;
    use huajie_decide::{DisposalMethod, PlanStatus};
    let lots: Vec<i64> = s.lots().await.unwrap().iter().map(|l| l.lot.plan_id).collect();
    let plan = s
        .plans()
        .await
        .unwrap()
        .into_iter()
        .find(|p| {
            p.method == DisposalMethod::OnlineAuction && p.status == PlanStatus::Approved && !lots.contains(&p.id)
        })
        .expect("the demo's approved auction plan without a lot");
    let opens = s
        .announcements(Some(plan.id))
        .await
        .unwrap()
        .into_iter()
        .find_map(|a| a.bidding_opens_on)
        .expect("its published announcement");
    let tomorrow = beijing_midnight(s.clock().today() + chrono::Duration::days(1));
    (plan, beijing_midnight(opens).max(tomorrow))
}

/// A store test run twice, on SQLite and on PostgreSQL (skipped without `HUAJIE_TEST_PG`), each
/// on a fresh store under the `FixedClock` of the calling file's `clock()`: `clocked_suite!(a, b)`
/// declares `sqlite::a`, `postgres::a`, … calling `async fn a(t: TestStore, clock: Arc<FixedClock>)`.
#[macro_export]
macro_rules! clocked_suite {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let clock = super::clock();
                    let t = $crate::testing::TestStore::sqlite_with_clock(clock.clone()).await;
                    super::$name(t, clock).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let Some(url) = $crate::testing::postgres_url() else {
                        eprintln!("HUAJIE_TEST_PG is not set: the PostgreSQL run of this test is skipped");
                        return;
                    };
                    let clock = super::clock();
                    let t = $crate::testing::TestStore::postgres_with_clock(&url, clock.clone()).await;
                    super::$name(t, clock).await;
                }
            )*
        }
    };
}

/// Each named `async fn(TestStore)` of a test file run twice, as `sqlite::name` and
/// `postgres::name` (the latter skipped, saying so, when `HUAJIE_TEST_PG` is not set).
#[macro_export]
macro_rules! both_databases {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::testing::TestStore::sqlite().await).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let Some(url) = $crate::testing::postgres_url() else {
                        eprintln!("HUAJIE_TEST_PG is not set: the PostgreSQL run of this test is skipped");
                        return;
                    };
                    super::$name($crate::testing::TestStore::postgres(&url).await).await;
                }
            )*
        }
    };
}
