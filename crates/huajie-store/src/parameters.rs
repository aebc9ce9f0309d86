//! The rule parameters (every threshold of the rules) in versions: a saved version never
//! changes, a quarter-end result and a check record the version they used. Audited.

use serde::Serialize;

use crate::audit::Audited;
use crate::rows::{i64_col, text};
use crate::{Store, StoreError, WriteTx};

/// One version of the rule parameters (every threshold of the rules).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleParameterSet {
    pub id: i64,
    pub version: i64,
    #[serde(skip)]
    pub parameters: huajie_rules::RuleParameters,
    pub body: String,
    pub body_sha256: String,
    pub note: String,
    pub created_by: String,
    #[serde(serialize_with = "crate::rows::stored_time")]
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl Audited for RuleParameterSet {
    const ENTITY: &'static str = "rule_parameter_set";
    fn audit_id(&self) -> String {
        self.id.to_string()
    }
}

/// What version 1, saved on first use, says of itself.
const FIRST_VERSION_NOTE: &str = "rules.md Part G (v1) 默认解读";

fn parameter_set(r: &sqlx::any::AnyRow) -> Result<RuleParameterSet, StoreError> {
    let body = text(r, "body")?;
    Ok(RuleParameterSet {
        id: i64_col(r, "id")?,
        version: i64_col(r, "version")?,
        parameters: serde_json::from_str(&body)
            .map_err(|e| StoreError::Corrupt(format!("rule_parameter_sets.body: {e}")))?,
        body,
        body_sha256: text(r, "body_sha256")?,
        note: text(r, "note")?,
        created_by: text(r, "created_by")?,
        created_at: crate::rows::utc(r, "created_at")?,
    })
}

const SET_COLUMNS: &str = "id, version, body, body_sha256, note, created_by, created_at";

/// The latest version on one connection (a pooled one, or a write transaction's); `None`
/// before the first is saved.
pub(crate) async fn latest(c: &mut sqlx::AnyConnection) -> Result<Option<RuleParameterSet>, StoreError> {
    let sql = format!("SELECT {SET_COLUMNS} FROM rule_parameter_sets ORDER BY version DESC LIMIT 1");
    let row = sqlx::query(crate::composed(sql)).fetch_optional(&mut *c).await?;
    row.as_ref().map(parameter_set).transpose()
}

impl Store {
    /// Every version of the rule parameters, oldest first.
    pub async fn rule_parameter_sets(&self) -> Result<Vec<RuleParameterSet>, StoreError> {
        let sql = format!("SELECT {SET_COLUMNS} FROM rule_parameter_sets ORDER BY version");
        let rows = sqlx::query(crate::composed(sql)).fetch_all(&self.pool).await?;
        rows.iter().map(parameter_set).collect()
    }

    /// The latest version; version 1 (rules.md Part G) is saved on first use.
    pub async fn rule_parameters(&self) -> Result<RuleParameterSet, StoreError> {
        match latest(&mut *self.pool.acquire().await?).await? {
            Some(set) => Ok(set),
            None => self.operate("system", async |tx| tx.rule_parameters().await).await,
        }
    }
}

impl WriteTx {
    /// The version in force as this transaction reads it; version 1 (rules.md Part G) is saved
    /// through it on first use.
    pub(crate) async fn rule_parameters(&mut self) -> Result<RuleParameterSet, StoreError> {
        match latest(self.conn()).await? {
            Some(set) => Ok(set),
            None => self.save_rule_parameters(&huajie_rules::RuleParameters::default(), FIRST_VERSION_NOTE).await,
        }
    }

    /// Saves the next version of the rule parameters; earlier versions never change.
    pub async fn save_rule_parameters(
        &mut self,
        parameters: &huajie_rules::RuleParameters,
        note: &str,
    ) -> Result<RuleParameterSet, StoreError> {
        let last: Option<i64> = sqlx::query("SELECT MAX(version) AS v FROM rule_parameter_sets")
            .fetch_one(&mut *self.tx)
            .await
            .map(|r| crate::rows::opt_i64(&r, "v"))??;
        let (body, body_sha256) = crate::json_body(parameters)?;
        let created_at = crate::stored_time(self.clock.now());
        let version = last.unwrap_or(0) + 1;
        let r = sqlx::query("INSERT INTO rule_parameter_sets (version, body, body_sha256, note, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
            .bind(version)
            .bind(body.as_str())
            .bind(body_sha256.as_str())
            .bind(note)
            .bind(self.actor().to_string())
            .bind(crate::timestamp(created_at))
            .fetch_one(&mut *self.tx)
            .await?;
        let set = RuleParameterSet {
            id: i64_col(&r, "id")?,
            version,
            parameters: parameters.clone(),
            body,
            body_sha256,
            note: note.into(),
            created_by: self.actor().to_string(),
            created_at,
        };
        self.audit_create(&set).await?;
        Ok(set)
    }
}
