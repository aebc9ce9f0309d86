//! Users and their roles. Password hashes are made and checked by the web layer
//! (argon2); the store only keeps them.

use chrono::{DateTime, Utc};
use huajie_core::audit::fingerprint;
use huajie_core::{Role, Text};
use serde::Serialize;
use sqlx::any::AnyRow;

use crate::audit::Audited;
use crate::composed;
use crate::rows::{code, i64_col, text};
use crate::{Store, StoreError, WriteTx};

/// A user account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub password_hash: String,
}

/// A user about to be created.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub password_hash: String,
}

/// What the audit chain records of a user: never the password hash itself, only a
/// fingerprint of it, so that a changed hash shows without exposing it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct UserAuditView {
    id: i64,
    username: String,
    display_name: String,
    role: Role,
    active: bool,
    password_fingerprint: String,
}

impl Audited for UserAuditView {
    const ENTITY: &'static str = "user";
    fn audit_id(&self) -> String {
        self.id.to_string()
    }
}

impl From<&User> for UserAuditView {
    fn from(u: &User) -> UserAuditView {
        UserAuditView {
            id: u.id,
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            role: u.role,
            active: u.active,
            password_fingerprint: fingerprint(&u.password_hash),
        }
    }
}

pub(crate) const USER_COLUMNS: &str = "id, username, display_name, role, password_hash, active, created_at";

pub(crate) fn user_from_row(row: &AnyRow) -> Result<User, StoreError> {
    Ok(User {
        id: i64_col(row, "id")?,
        username: text(row, "username")?,
        display_name: text(row, "display_name")?,
        role: code(row, "role", Role::from_code)?,
        active: i64_col(row, "active")? != 0,
        created_at: crate::parse_timestamp(&text(row, "created_at")?)?,
        password_hash: text(row, "password_hash")?,
    })
}

impl Store {
    pub async fn user_by_username(&self, username: &str) -> Result<Option<User>, StoreError> {
        let row = sqlx::query(composed(format!("SELECT {USER_COLUMNS} FROM users WHERE username = $1")))
            .bind(username)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    pub async fn user(&self, id: i64) -> Result<Option<User>, StoreError> {
        let row = sqlx::query(composed(format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1")))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    pub async fn users(&self) -> Result<Vec<User>, StoreError> {
        let rows = sqlx::query(composed(format!("SELECT {USER_COLUMNS} FROM users ORDER BY id")))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(user_from_row).collect()
    }

    pub(crate) async fn all_user_audit_views(&self) -> Result<Vec<UserAuditView>, StoreError> {
        Ok(self.users().await?.iter().map(UserAuditView::from).collect())
    }
}

impl WriteTx {
    /// Creates a user. A taken user name is `Duplicate`.
    pub async fn insert_user(&mut self, user: &NewUser) -> Result<i64, StoreError> {
        let created_at = crate::timestamp(self.clock.now());
        let row = sqlx::query(
            "INSERT INTO users (username, display_name, role, password_hash, active, created_at) \
             VALUES ($1, $2, $3, $4, 1, $5) RETURNING id",
        )
        .bind(&user.username)
        .bind(&user.display_name)
        .bind(user.role.code())
        .bind(&user.password_hash)
        .bind(&created_at)
        .fetch_one(&mut *self.tx)
        .await
        .map_err(|e| {
            StoreError::on_unique(e, || {
                Text::new(format!("用户名 {}", user.username), format!("user name {}", user.username))
            })
        })?;
        let id = i64_col(&row, "id")?;
        let stored = self.user_in_tx(id).await?;
        self.audit_create(&UserAuditView::from(&stored)).await?;
        Ok(id)
    }

    /// Changes a user's display name, role and whether the account is active. Disabling
    /// an account ends its sessions.
    pub async fn update_user(
        &mut self,
        id: i64,
        display_name: &str,
        role: Role,
        active: bool,
    ) -> Result<(), StoreError> {
        let before = self.user_in_tx(id).await?;
        sqlx::query("UPDATE users SET display_name = $1, role = $2, active = $3 WHERE id = $4")
            .bind(display_name)
            .bind(role.code())
            .bind(i64::from(active))
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        if !active || role != before.role {
            self.delete_sessions_of_user(id).await?;
        }
        let after = self.user_in_tx(id).await?;
        self.audit_update(&UserAuditView::from(&before), &UserAuditView::from(&after)).await?;
        Ok(())
    }

    /// Replaces a user's password hash and ends the user's sessions.
    pub async fn set_password_hash(&mut self, id: i64, password_hash: &str) -> Result<(), StoreError> {
        let before = self.user_in_tx(id).await?;
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(password_hash)
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        self.delete_sessions_of_user(id).await?;
        let after = self.user_in_tx(id).await?;
        self.audit_update(&UserAuditView::from(&before), &UserAuditView::from(&after)).await?;
        Ok(())
    }

    pub(crate) async fn user_in_tx(&mut self, id: i64) -> Result<User, StoreError> {
        let row = sqlx::query(composed(format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1")))
            .bind(id)
            .fetch_optional(&mut *self.tx)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("用户 / user {id}")))?;
        user_from_row(&row)
    }
}
