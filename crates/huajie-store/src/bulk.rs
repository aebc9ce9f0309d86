//! Rows written many to a statement. Each table's columns and values are written down
//! once here; a single insert is a bulk insert of one row. A tape of a million claims is
//! a few thousand statements, not a few million.

use huajie_core::{Claim, Collateral, Guarantee, Money, Party};
use sqlx::Any;
use sqlx::any::AnyArguments;
use sqlx::query::Query;

use crate::portfolio::CollateralLink;
use crate::rows::{date_text, i64_col};
use crate::{Backend, StoreError, WriteTx, composed};

/// Values bound per statement: below SQLite's limit (32,766) and PostgreSQL's (65,535).
const PARAMS_PER_STATEMENT: usize = 30_000;
/// Rows per statement at most, however few their columns.
const ROWS_PER_STATEMENT: usize = 2_000;

pub(crate) type AnyQuery<'q> = Query<'q, Any, AnyArguments>;

/// A row of one table.
pub(crate) trait TableRow {
    const TABLE: &'static str;
    const COLUMNS: &'static [&'static str];
    /// Binds this row's values, in `COLUMNS` order.
    fn bind<'q>(&'q self, q: AnyQuery<'q>) -> AnyQuery<'q>;
}

impl<T: TableRow> TableRow for &T {
    const TABLE: &'static str = T::TABLE;
    const COLUMNS: &'static [&'static str] = T::COLUMNS;
    fn bind<'q>(&'q self, q: AnyQuery<'q>) -> AnyQuery<'q> {
        (**self).bind(q)
    }
}

impl TableRow for Party {
    const TABLE: &'static str = "parties";
    const COLUMNS: &'static [&'static str] =
        &["kind", "name", "identifier", "province", "status", "address", "phone", "id_as_written", "name_key"];
    fn bind<'q>(&'q self, q: AnyQuery<'q>) -> AnyQuery<'q> {
        let id_as_written = match &self.identity {
            huajie_core::Identity::Unverified { id_as_written, .. } => id_as_written.as_deref(),
            huajie_core::Identity::Verified(_) => None,
        };
        q.bind(self.kind().code())
            .bind(self.name.as_str())
            .bind(self.identifier().map(|i| i.as_str()))
            .bind(self.province().map(|p| p.code()))
            .bind(self.status.code())
            .bind(self.address.as_deref())
            .bind(self.phone.as_deref())
            .bind(id_as_written)
            .bind(huajie_core::collate::pinyin_key(&self.name))
    }
}

impl TableRow for Claim {
    const TABLE: &'static str = "claims";
    const COLUMNS: &'static [&'static str] = &[
        "package_id",
        "contract_no",
        "debtor_id",
        "principal_fen",
        "interest_fen",
        "penalty_fen",
        "advanced_costs_fen",
        "five_class",
        "litigation_stage",
        "default_date",
        "limitation_date",
        "province",
        "product",
        "days_past_due",
        "written_off",
    ];
    fn bind<'q>(&'q self, q: AnyQuery<'q>) -> AnyQuery<'q> {
        q.bind(self.package_id)
            .bind(self.contract_no.as_str())
            .bind(self.debtor_id)
            .bind(self.principal.fen())
            .bind(self.interest.fen())
            .bind(self.penalty.fen())
            .bind(self.advanced_costs.fen())
            .bind(self.five_class.map(|c| c.code()))
            .bind(self.litigation_stage.map(|s| s.code()))
            .bind(self.default_date.map(date_text))
            .bind(self.limitation_date.map(date_text))
            .bind(self.province.map(|p| p.code()))
            .bind(self.product.as_deref())
            .bind(self.days_past_due)
            .bind(self.written_off.map(i64::from))
    }
}

impl TableRow for Collateral {
    const TABLE: &'static str = "collateral";
    const COLUMNS: &'static [&'static str] = &[
        "collateral_type",
        "description",
        "address",
        "province",
        "appraised_value_fen",
        "appraisal_date",
        "prior_claims_fen",
        "owner_id",
    ];
    fn bind<'q>(&'q self, q: AnyQuery<'q>) -> AnyQuery<'q> {
        q.bind(self.collateral_type.code())
            .bind(self.description.as_str())
            .bind(self.address.as_deref())
            .bind(self.province.map(|p| p.code()))
            .bind(self.appraised_value.fen())
            .bind(self.appraisal_date.map(date_text))
            .bind(self.prior_claims.fen())
            .bind(self.owner_id)
    }
}

impl TableRow for CollateralLink {
    const TABLE: &'static str = "claim_collateral";
    const COLUMNS: &'static [&'static str] = &["claim_id", "collateral_id", "lien_rank"];
    fn bind<'q>(&'q self, q: AnyQuery<'q>) -> AnyQuery<'q> {
        q.bind(self.claim_id).bind(self.collateral_id).bind(i64::from(self.lien_rank))
    }
}

impl TableRow for Guarantee {
    const TABLE: &'static str = "guarantees";
    const COLUMNS: &'static [&'static str] = &["claim_id", "guarantor_id", "kind", "cap_fen"];
    fn bind<'q>(&'q self, q: AnyQuery<'q>) -> AnyQuery<'q> {
        q.bind(self.claim_id).bind(self.guarantor_id).bind(self.kind.map(|k| k.code())).bind(self.cap.map(Money::fen))
    }
}

/// `INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)…` (`?` in SQLite: see `Backend::push_parameters`).
fn insert_sql(backend: Backend, table: &str, columns: &[&str], rows: usize, returning_id: bool) -> String {
    let n = columns.len();
    let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
    for r in 0..rows {
        if r > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        backend.push_parameters(&mut sql, r * n + 1, n);
        sql.push(')');
    }
    if returning_id {
        sql.push_str(" RETURNING id");
    }
    sql
}

impl WriteTx {
    /// Inserts rows with generated ids; returns the ids in the order of `rows`. Both
    /// databases number the rows of one statement in the order of its VALUES, so the
    /// ids returned, sorted, are the rows' ids in order. Each statement's values are bound
    /// while the database runs the one before (the driver runs it on its own thread).
    pub(crate) async fn insert_rows<'a, R: TableRow>(&mut self, rows: &'a [R]) -> Result<Vec<i64>, StoreError> {
        let mut ids = Vec::with_capacity(rows.len());
        let backend = self.backend;
        let sqlite = backend == Backend::Sqlite;
        let build = |chunk: &'a [R]| insert_query(backend, chunk, !sqlite);
        let chunks: Vec<&[R]> = rows.chunks(rows_per_statement::<R>()).collect();
        let mut next = chunks.first().map(|c| build(c));
        for (i, chunk) in chunks.iter().enumerate() {
            let q = next.take().expect("a statement per chunk");
            let after = chunks.get(i + 1);
            if sqlite {
                // SQLite numbers the rows of one statement consecutively, the last being
                // `last_insert_rowid()`; reading them back would cost more than the insert.
                let (done, built) = tokio::join!(q.execute(&mut *self.tx), async { after.map(|c| build(c)) });
                next = built;
                let done = done?;
                if done.rows_affected() != chunk.len() as u64 {
                    return Err(StoreError::Corrupt(format!(
                        "{}: {} rows inserted, {} reported",
                        R::TABLE,
                        chunk.len(),
                        done.rows_affected()
                    )));
                }
                // The Any driver does not pass SQLite's last rowid on: ask for it.
                let last =
                    i64_col(&sqlx::query("SELECT last_insert_rowid() AS id").fetch_one(&mut *self.tx).await?, "id")?;
                ids.extend(last - chunk.len() as i64 + 1..=last);
            } else {
                let (returned, built) = tokio::join!(q.fetch_all(&mut *self.tx), async { after.map(|c| build(c)) });
                next = built;
                let mut chunk_ids = returned?.iter().map(|r| i64_col(r, "id")).collect::<Result<Vec<_>, _>>()?;
                chunk_ids.sort_unstable();
                ids.extend(chunk_ids);
            }
        }
        Ok(ids)
    }

    /// Inserts rows of a table without generated ids (link tables).
    pub(crate) async fn insert_rows_without_ids<R: TableRow>(&mut self, rows: &[R]) -> Result<(), StoreError> {
        for chunk in rows.chunks(rows_per_statement::<R>()) {
            let mut q = sqlx::query(composed(insert_sql(self.backend, R::TABLE, R::COLUMNS, chunk.len(), false)));
            for row in chunk {
                q = row.bind(q);
            }
            q.execute(&mut *self.tx).await?;
        }
        Ok(())
    }
}

/// The `create_many` audit records of rows just created, being made on a blocking thread
/// (serialising and hashing a million rows is seconds of work the writer need not wait for).
pub(crate) type Hashing = tokio::task::JoinHandle<Vec<crate::audit::BulkRecord>>;

/// Starts making the audit records of `rows`, stored under `ids`.
pub(crate) fn hash_rows<T: serde::Serialize + Send + 'static>(rows: Vec<T>, ids: Vec<i64>) -> Hashing {
    tokio::task::spawn_blocking(move || crate::audit::bulk_records(stored_json(&rows, &ids)))
}

/// The records `hash_rows` made.
pub(crate) async fn hashed(hashing: Hashing) -> Result<Vec<crate::audit::BulkRecord>, StoreError> {
    match hashing.await {
        Ok(records) => Ok(records),
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(e) => Err(StoreError::Corrupt(format!("audit hashing: {e}"))),
    }
}

/// (id, JSON) of each row stored under the id beside it, as the audit chain records it.
pub(crate) fn stored_json<T: serde::Serialize>(rows: &[T], ids: &[i64]) -> Vec<(String, String)> {
    rows.iter()
        .zip(ids)
        .map(|(row, id)| (id.to_string(), crate::audit::to_json(&huajie_core::Stored { id: *id, data: row })))
        .collect()
}

/// One statement inserting `chunk`, its values bound.
fn insert_query<R: TableRow>(backend: Backend, chunk: &[R], returning_id: bool) -> AnyQuery<'_> {
    let mut q = sqlx::query(composed(insert_sql(backend, R::TABLE, R::COLUMNS, chunk.len(), returning_id)));
    for row in chunk {
        q = row.bind(q);
    }
    q
}

fn rows_per_statement<R: TableRow>() -> usize {
    (PARAMS_PER_STATEMENT / R::COLUMNS.len()).min(ROWS_PER_STATEMENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_number_across_rows() {
        assert_eq!(
            insert_sql(Backend::Postgres, "t", &["a", "b"], 2, true),
            "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4) RETURNING id"
        );
        assert_eq!(
            insert_sql(Backend::Sqlite, "t", &["a", "b"], 2, false),
            "INSERT INTO t (a, b) VALUES (?, ?), (?, ?)"
        );
    }

    #[test]
    fn statements_stay_under_both_databases_limits() {
        for (columns, rows) in [
            (Claim::COLUMNS.len(), rows_per_statement::<Claim>()),
            (Party::COLUMNS.len(), rows_per_statement::<Party>()),
        ] {
            assert!(columns * rows <= 32_766, "{columns} columns × {rows} rows");
        }
    }
}
