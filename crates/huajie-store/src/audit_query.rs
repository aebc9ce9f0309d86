//! Reading the audit log as a person does: filtered (who, what, which record, which
//! 北京时间 days), searched, paged, newest first, all in parameterised SQL.

use chrono::NaiveDate;
use huajie_core::audit::AuditRecord;
use sqlx::Row;

use crate::audit::{SELECT_AUDIT, record_from_row};
use crate::{Store, StoreError, composed};

/// What to keep of the log. Every text is matched exactly except `search`, which is a
/// case-insensitive (ASCII) substring of the actor, the entity, the entity id and, when
/// `search_text` is set, the record's text (`before` and `after`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub action: Option<String>,
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    /// The first 北京时间 day kept.
    pub from: Option<NaiveDate>,
    /// The last 北京时间 day kept (inclusive).
    pub to: Option<NaiveDate>,
    pub search: Option<String>,
    /// Whether `search` also reads the record's text (not for a reader who may not see
    /// personal data: the raw text would answer questions about it).
    pub search_text: bool,
}

/// The UTC instant at which the 北京时间 day `day` begins, as the log stores times.
pub fn beijing_day_start(day: NaiveDate) -> String {
    crate::timestamp(huajie_core::clock::beijing_midnight(day))
}

/// `text` made safe inside a LIKE pattern escaped with `\`.
fn like_escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('%');
    for c in text.to_ascii_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

impl AuditFilter {
    /// Whether `r` is kept: the same rule as the SQL, in memory (the tests' oracle).
    pub fn keeps(&self, r: &AuditRecord) -> bool {
        let exact = |want: &Option<String>, have: &str| want.as_deref().is_none_or(|w| w == have);
        let from = self.from.map(beijing_day_start);
        let before = self.to.and_then(|d| d.succ_opt()).map(beijing_day_start);
        let found = self.search.as_deref().is_none_or(|s| {
            let s = s.to_ascii_lowercase();
            let mut fields = vec![r.actor.as_str(), r.entity.as_str(), r.entity_id.as_str()];
            if self.search_text {
                fields.extend(r.before.as_deref());
                fields.extend(r.after.as_deref());
            }
            fields.iter().any(|f| f.to_ascii_lowercase().contains(&s))
        });
        exact(&self.actor, &r.actor)
            && exact(&self.action, &r.action)
            && exact(&self.entity, &r.entity)
            && exact(&self.entity_id, &r.entity_id)
            && from.is_none_or(|f| r.at >= f)
            && before.is_none_or(|b| r.at < b)
            && found
    }

    /// The WHERE clause (empty when nothing is filtered) and its parameters, numbered from $1.
    fn clause(&self) -> (String, Vec<String>) {
        let mut conds = Vec::new();
        let mut params = Vec::new();
        let mut bind = |cond: &str, value: String, params: &mut Vec<String>| {
            params.push(value);
            conds.push(cond.replace('?', &format!("${}", params.len())));
        };
        for (column, value) in
            [("actor", &self.actor), ("action", &self.action), ("entity", &self.entity), ("entity_id", &self.entity_id)]
        {
            if let Some(v) = value {
                bind(&format!("{column} = ?"), v.clone(), &mut params);
            }
        }
        if let Some(d) = self.from {
            bind("at >= ?", beijing_day_start(d), &mut params);
        }
        if let Some(d) = self.to.and_then(|d| d.succ_opt()) {
            bind("at < ?", beijing_day_start(d), &mut params);
        }
        if let Some(s) = &self.search {
            let mut columns = vec!["actor", "entity", "entity_id"];
            if self.search_text {
                columns.extend(["COALESCE(before_json, '')", "COALESCE(after_json, '')"]);
            }
            params.push(like_escaped(s));
            let n = params.len();
            let any: Vec<String> = columns.iter().map(|c| format!("LOWER({c}) LIKE ${n} ESCAPE '\\'")).collect();
            conds.push(format!("({})", any.join(" OR ")));
        }
        let clause = if conds.is_empty() { String::new() } else { format!(" WHERE {}", conds.join(" AND ")) };
        (clause, params)
    }
}

impl Store {
    /// The records `filter` keeps, newest first, `limit` of them from `offset`.
    pub async fn audit_filtered(
        &self,
        filter: &AuditFilter,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        let (clause, params) = filter.clause();
        let n = params.len();
        let sql = format!("{SELECT_AUDIT}{clause} ORDER BY seq DESC LIMIT ${} OFFSET ${}", n + 1, n + 2);
        let mut q = sqlx::query(composed(sql));
        for p in params {
            q = q.bind(p);
        }
        let rows = q.bind(limit).bind(offset).fetch_all(&self.pool).await?;
        rows.iter().map(record_from_row).collect()
    }

    /// How many records `filter` keeps.
    pub async fn audit_filtered_count(&self, filter: &AuditFilter) -> Result<i64, StoreError> {
        let (clause, params) = filter.clause();
        let mut q = sqlx::query(composed(format!("SELECT COUNT(*) FROM audit_log{clause}")));
        for p in params {
            q = q.bind(p);
        }
        Ok(q.fetch_one(&self.pool).await?.try_get(0)?)
    }

    /// The distinct actions and entities in the log, sorted (the filters' choices).
    pub async fn audit_vocabulary(&self) -> Result<(Vec<String>, Vec<String>), StoreError> {
        let mut out = Vec::new();
        for column in ["action", "entity"] {
            let sql = format!("SELECT DISTINCT {column} FROM audit_log ORDER BY {column}");
            let rows = sqlx::query(composed(sql)).fetch_all(&self.pool).await?;
            out.push(rows.iter().map(|r| r.try_get::<String, _>(0)).collect::<Result<Vec<_>, _>>()?);
        }
        let entities = out.pop().unwrap_or_default();
        Ok((out.pop().unwrap_or_default(), entities))
    }
}
