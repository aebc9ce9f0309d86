//! Server-side sessions (so that several server processes on one PostgreSQL share them)
//! and the record of failed logins that login rate limiting reads.

use chrono::{DateTime, Utc};
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

impl Store {
    /// The session with this token hash, if it has not expired and its user is active.
    pub async fn session(&self, token_hash: &str) -> Result<Option<SessionInfo>, StoreError> {
        let now = timestamp(self.clock.now());
        let row = sqlx::query(
            "SELECT s.user_id, s.csrf_token, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.active = 1",
        )
        .bind(token_hash)
        .bind(&now)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let user_id: i64 = row.try_get("user_id")?;
        let Some(user) = self.user(user_id).await? else { return Ok(None) };
        Ok(Some(SessionInfo {
            user,
            csrf_token: text(&row, "csrf_token")?,
            expires_at: parse_timestamp(&text(&row, "expires_at")?)?,
        }))
    }

    /// Failed logins for a user name, or from a client, since a moment.
    pub async fn login_failures_since(
        &self,
        username: &str,
        client: &str,
        since: DateTime<Utc>,
    ) -> Result<(i64, i64), StoreError> {
        let since = timestamp(since);
        let by_user: i64 = sqlx::query("SELECT COUNT(*) FROM login_failures WHERE username = $1 AND at > $2")
            .bind(username)
            .bind(&since)
            .fetch_one(&self.pool)
            .await?
            .try_get(0)?;
        let by_client: i64 = sqlx::query("SELECT COUNT(*) FROM login_failures WHERE client = $1 AND at > $2")
            .bind(client)
            .bind(&since)
            .fetch_one(&self.pool)
            .await?
            .try_get(0)?;
        Ok((by_user, by_client))
    }
}

impl WriteTx {
    /// Opens a session and records the login in the audit chain.
    pub async fn create_session(
        &mut self,
        token_hash: &str,
        user: &User,
        csrf_token: &str,
        expires_at: DateTime<Utc>,
        client: &str,
    ) -> Result<(), StoreError> {
        let now = self.clock.now();
        // Expired sessions are swept as new ones open.
        sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(timestamp(now)).execute(&mut *self.tx).await?;
        sqlx::query("INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(token_hash)
            .bind(user.id)
            .bind(csrf_token)
            .bind(timestamp(now))
            .bind(timestamp(expires_at))
            .execute(&mut *self.tx)
            .await?;
        sqlx::query("DELETE FROM login_failures WHERE username = $1")
            .bind(&user.username)
            .execute(&mut *self.tx)
            .await?;
        self.audit_event(
            "login",
            "session",
            &user.id.to_string(),
            serde_json::json!({ "username": user.username, "client": client }),
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

    /// Records a failed login (for rate limiting) and its audit event. Failures older
    /// than a day are swept: the limits look back minutes, and the audit chain keeps them all.
    pub async fn record_login_failure(&mut self, username: &str, client: &str) -> Result<(), StoreError> {
        let day_ago = timestamp(self.clock.now() - chrono::Duration::days(1));
        sqlx::query("DELETE FROM login_failures WHERE at < $1").bind(day_ago).execute(&mut *self.tx).await?;
        let now = timestamp(self.clock.now());
        sqlx::query("INSERT INTO login_failures (username, client, at) VALUES ($1, $2, $3)")
            .bind(username)
            .bind(client)
            .bind(&now)
            .execute(&mut *self.tx)
            .await?;
        self.audit_event(
            "login_failed",
            "session",
            username,
            serde_json::json!({ "username": username, "client": client }),
        )
        .await?;
        Ok(())
    }
}
