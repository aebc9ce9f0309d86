//! Server-side sessions (so that several server processes on one PostgreSQL share them)
//! and the record of failed logins that login throttling counts (`huajie_core::throttle`).

use chrono::{DateTime, Utc};
use huajie_core::throttle::{self, Tally};
use sqlx::Row;

use crate::rows::text;
use crate::users::User;
use crate::{Store, StoreError, WriteTx, parse_timestamp, timestamp};

/// A live session and its user.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    pub user: User,
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
}

/// A session's last use is written at most this often.
pub const SESSION_TOUCH_SECONDS: i64 = 60;

impl Store {
    /// The session with this token hash, if it has not expired, has been used within
    /// `idle`, and its user is active. Its last use is noted, at most once a minute, and
    /// only when no writer of this process is busy (a page view never waits behind an
    /// import for it; the next one notes it).
    pub async fn session(&self, token_hash: &str, idle: chrono::Duration) -> Result<Option<SessionInfo>, StoreError> {
        let now = self.clock.now();
        // The session and its user in one query: every request of a logged-in user asks it.
        let users = crate::users::USER_COLUMNS.split(", ").map(|c| format!("u.{c}")).collect::<Vec<_>>().join(", ");
        let row = sqlx::query(crate::composed(format!(
            "SELECT s.csrf_token, s.expires_at, s.last_seen_at, {users} FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.last_seen_at > $3 AND u.active = 1"
        )))
        .bind(token_hash)
        .bind(timestamp(now))
        .bind(timestamp(now - idle))
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let last_seen = parse_timestamp(&text(&row, "last_seen_at")?)?;
        if now - last_seen >= chrono::Duration::seconds(SESSION_TOUCH_SECONDS)
            && let Ok(_turn) = self.writers.try_lock()
        {
            // Security bookkeeping, like the failed logins: not a business record, not audited.
            sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
                .bind(timestamp(now))
                .bind(token_hash)
                .execute(&self.pool)
                .await?;
        }
        let user = crate::users::user_from_row(&row)?;
        Ok(Some(SessionInfo {
            user,
            csrf_token: text(&row, "csrf_token")?,
            expires_at: parse_timestamp(&text(&row, "expires_at")?)?,
        }))
    }

    /// Reserves one password check for `username` from `client`, if the throttle allows
    /// it: in one write transaction (the audit-head lock orders it with every other writer,
    /// on SQLite and on PostgreSQL shared by several servers) the attempts are counted,
    /// `decide` is asked, and the reservation is recorded as a failure until
    /// [`Store::open_session`] clears it. So however many attempts arrive at once, no
    /// more passwords are checked than `decide` allows. `Reservation::Wait` when refused.
    pub async fn reserve_login_attempt(
        &self,
        username: &str,
        client: &str,
        decide: impl FnOnce(&Tally, DateTime<Utc>) -> Result<(), chrono::Duration>,
    ) -> Result<Reservation, StoreError> {
        let mut tx = self.write("anonymous").await?;
        let now = tx.clock.now();
        let memory = timestamp(now - chrono::Duration::hours(throttle::SOURCE_MEMORY_HOURS));
        sqlx::query("DELETE FROM login_failures WHERE at < $1").bind(&memory).execute(&mut *tx.tx).await?;
        let tally = tx.login_tally(username, client, now).await?;
        if let Err(wait) = decide(&tally, now) {
            return Ok(Reservation::Wait(wait));
        }
        let row = sqlx::query("INSERT INTO login_failures (username, client, at) VALUES ($1, $2, $3) RETURNING id")
            .bind(username)
            .bind(client)
            .bind(timestamp(now))
            .fetch_one(&mut *tx.tx)
            .await?;
        let id: i64 = row.try_get("id")?;
        tx.commit().await?;
        Ok(Reservation::Granted(LoginAttempt { id, username: username.to_string(), client: client.to_string() }))
    }

    /// What the throttle counts for `username` from `client` now (read outside any write).
    pub async fn login_tally(&self, username: &str, client: &str) -> Result<Tally, StoreError> {
        let mut conn = self.pool.acquire().await?;
        count_attempts(&mut conn, username, client, self.clock.now()).await
    }
}

/// What [`Store::reserve_login_attempt`] came to: a password check may be made, or the
/// client waits this long.
#[derive(Debug)]
pub enum Reservation {
    Granted(LoginAttempt),
    Wait(chrono::Duration),
}

impl Reservation {
    /// The reserved check, if one was granted.
    pub fn granted(self) -> Option<LoginAttempt> {
        match self {
            Reservation::Granted(a) => Some(a),
            Reservation::Wait(_) => None,
        }
    }
}

/// One password check reserved by [`Store::reserve_login_attempt`].
#[derive(Debug)]
pub struct LoginAttempt {
    id: i64,
    username: String,
    client: String,
}

async fn count_attempts(
    conn: &mut sqlx::AnyConnection,
    username: &str,
    client: &str,
    now: DateTime<Utc>,
) -> Result<Tally, StoreError> {
    let memory = timestamp(now - chrono::Duration::hours(throttle::SOURCE_MEMORY_HOURS));
    let window = timestamp(now - chrono::Duration::minutes(throttle::WINDOW_MINUTES));
    let when = |row: &sqlx::any::AnyRow| -> Result<Option<DateTime<Utc>>, StoreError> {
        row.try_get::<Option<String>, _>(1)?.as_deref().map(parse_timestamp).transpose()
    };
    let pair =
        sqlx::query("SELECT COUNT(*), MAX(at) FROM login_failures WHERE username = $1 AND client = $2 AND at >= $3")
            .bind(username)
            .bind(client)
            .bind(&memory)
            .fetch_one(&mut *conn)
            .await?;
    let account = sqlx::query("SELECT COUNT(*), MIN(at) FROM login_failures WHERE username = $1 AND at > $2")
        .bind(username)
        .bind(&window)
        .fetch_one(&mut *conn)
        .await?;
    let source = sqlx::query("SELECT COUNT(*), MIN(at) FROM login_failures WHERE client = $1 AND at > $2")
        .bind(client)
        .bind(&window)
        .fetch_one(&mut *conn)
        .await?;
    Ok(Tally {
        pair: pair.try_get(0)?,
        pair_latest: when(&pair)?,
        account: account.try_get(0)?,
        account_oldest: when(&account)?,
        source: source.try_get(0)?,
        source_oldest: when(&source)?,
    })
}

impl WriteTx {
    async fn login_tally(&mut self, username: &str, client: &str, now: DateTime<Utc>) -> Result<Tally, StoreError> {
        count_attempts(&mut self.tx, username, client, now).await
    }

    /// Opens a session and records the login in the audit chain (`Store::open_session`).
    pub(crate) async fn create_session(
        &mut self,
        token_hash: &str,
        user: &User,
        csrf_token: &str,
        expires_at: DateTime<Utc>,
        attempt: LoginAttempt,
    ) -> Result<(), StoreError> {
        let now = self.clock.now();
        // Expired sessions are swept as new ones open.
        sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(timestamp(now)).execute(&mut *self.tx).await?;
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at, last_seen_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(token_hash)
        .bind(user.id)
        .bind(csrf_token)
        .bind(timestamp(now))
        .bind(timestamp(expires_at))
        .bind(timestamp(now))
        .execute(&mut *self.tx)
        .await?;
        // The check succeeded: its reservation and the earlier failures from this source are
        // forgotten; failures from other sources keep counting against them.
        sqlx::query("DELETE FROM login_failures WHERE id = $1 OR (username = $2 AND client = $3)")
            .bind(attempt.id)
            .bind(&attempt.username)
            .bind(&attempt.client)
            .execute(&mut *self.tx)
            .await?;
        self.audit_event(
            "login",
            "session",
            &user.id.to_string(),
            serde_json::json!({ "username": user.username, "client": attempt.client }),
        )
        .await?;
        Ok(())
    }

    /// Ends a session and records the logout.
    pub async fn delete_session(&mut self, token_hash: &str, user: &User) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(&mut *self.tx).await?;
        self.audit_event("logout", "session", &user.id.to_string(), serde_json::json!({ "username": user.username }))
            .await?;
        Ok(())
    }

    pub(crate) async fn delete_sessions_of_user(&mut self, user_id: i64) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(&mut *self.tx).await?;
        Ok(())
    }

    /// Records that a reserved check failed: the reservation stays counted as a failure,
    /// and the chain gets the event (`Store::record_login_failure`).
    pub(crate) async fn record_login_failure(&mut self, attempt: LoginAttempt) -> Result<(), StoreError> {
        self.audit_event(
            "login_failed",
            "session",
            &attempt.username,
            serde_json::json!({ "username": attempt.username, "client": attempt.client }),
        )
        .await?;
        Ok(())
    }
}
