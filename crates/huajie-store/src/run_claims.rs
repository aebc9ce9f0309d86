//! A valuation run's claims (migration 0037, issue 17). A run keeps one row: each claim's PV
//! and cost basis in fen, and the engine's inputs, as `huajie_value::recorded` writes them.
//! Each claim's full result — routes, timeline, cash by quarter — is computed again from those
//! inputs under the run's assumption set and options: the same figures the engine gave when the
//! run was made, bit for bit, however the book has changed since. Runs recorded before keep a
//! `valuation_claims` row a claim, with its result in JSON, and read as they always did.

use huajie_value::appraisal::ClaimResult;
use huajie_value::recorded;
use serde::Serialize;
use sqlx::Row;

use crate::audit::Audited;
use crate::rows::i64_col;
use crate::{Store, StoreError, WriteTx, fen};

/// A run's claims as stored; audited by its bytes' SHA-256.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RunClaims {
    pub run_id: i64,
    pub summary: Vec<u8>,
    pub inputs: Vec<u8>,
}

impl Serialize for RunClaims {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Recorded<'a> {
            run_id: i64,
            summary_bytes: usize,
            summary_sha256: &'a str,
            inputs_bytes: usize,
            inputs_sha256: &'a str,
        }
        let (summary, inputs) =
            (huajie_core::audit::sha256_hex(&self.summary), huajie_core::audit::sha256_hex(&self.inputs));
        Recorded {
            run_id: self.run_id,
            summary_bytes: self.summary.len(),
            summary_sha256: &summary,
            inputs_bytes: self.inputs.len(),
            inputs_sha256: &inputs,
        }
        .serialize(s)
    }
}

impl Audited for RunClaims {
    const ENTITY: &'static str = "valuation_run_claims";
    fn audit_id(&self) -> String {
        self.run_id.to_string()
    }
}

fn from_row(r: &sqlx::any::AnyRow) -> Result<RunClaims, StoreError> {
    Ok(RunClaims { run_id: i64_col(r, "run_id")?, summary: r.try_get("summary")?, inputs: r.try_get("inputs")? })
}

fn unreadable(e: recorded::Unreadable) -> StoreError {
    StoreError::Corrupt(format!("valuation_run_claims: {e}"))
}

async fn run_claims(c: &mut sqlx::AnyConnection, run_id: i64) -> Result<Option<RunClaims>, StoreError> {
    let row = sqlx::query("SELECT run_id, summary, inputs FROM valuation_run_claims WHERE run_id = $1")
        .bind(run_id)
        .fetch_optional(&mut *c)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Each claim's `(id, PV, cost basis)` in fen in run `run_id`, by claim id: from its summary,
/// or (a run recorded before) its `valuation_claims` rows.
pub(crate) async fn claim_summaries(
    c: &mut sqlx::AnyConnection,
    run_id: i64,
) -> Result<Vec<(i64, i64, i64)>, StoreError> {
    if let Some(rc) = run_claims(c, run_id).await? {
        return recorded::read_summaries(&rc.summary).map_err(unreadable);
    }
    let rows = sqlx::query(
        "SELECT claim_id, pv_fen, allocation_fen FROM valuation_claims WHERE run_id = $1 ORDER BY claim_id",
    )
    .bind(run_id)
    .fetch_all(&mut *c)
    .await?;
    rows.iter().map(|r| Ok((i64_col(r, "claim_id")?, i64_col(r, "pv_fen")?, i64_col(r, "allocation_fen")?))).collect()
}

impl Store {
    /// Every claim's result in a run recorded with its inputs, recomputed, in claim order;
    /// `None` for a run recorded before (its results are rows of `valuation_claims`).
    pub(crate) async fn recomputed_claims(&self, run_id: i64) -> Result<Option<Vec<ClaimResult>>, StoreError> {
        let Some(rc) = run_claims(&mut *self.pool.acquire().await?, run_id).await? else { return Ok(None) };
        let run = self
            .valuation_run(run_id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("估值记录 / valuation run {run_id}")))?;
        let set = self
            .assumption_set(run.assumption_set_id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("参数集 / assumption set {}", run.assumption_set_id)))?;
        let options = run.appraisal()?.options;
        let mut claims = tokio::task::spawn_blocking(move || {
            recorded::claim_results(&rc.inputs, &set.assumptions, &options).map_err(unreadable)
        })
        .await
        .map_err(|e| StoreError::Corrupt(format!("valuation stopped: {e}")))??;
        claims.sort_by_key(|c| c.id);
        Ok(Some(claims))
    }

    /// The latest run recorded with its inputs that valued claim `claim_id`.
    pub(crate) async fn latest_recorded_run_of(&self, claim_id: i64) -> Result<Option<i64>, StoreError> {
        let c = &mut *self.pool.acquire().await?;
        let runs = sqlx::query(
            "SELECT r.id FROM valuation_runs r JOIN claims c ON c.package_id = r.package_id \
             WHERE c.id = $1 AND r.id IN (SELECT run_id FROM valuation_run_claims) ORDER BY r.id DESC",
        )
        .bind(claim_id)
        .fetch_all(&mut *c)
        .await?;
        for r in &runs {
            let run = i64_col(r, "id")?;
            if claim_summaries(c, run).await?.binary_search_by_key(&claim_id, |s| s.0).is_ok() {
                return Ok(Some(run));
            }
        }
        Ok(None)
    }

    pub(crate) async fn all_run_claims(&self) -> Result<Vec<RunClaims>, StoreError> {
        let rows = sqlx::query("SELECT run_id, summary, inputs FROM valuation_run_claims ORDER BY run_id")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(from_row).collect()
    }
}

impl WriteTx {
    /// Records run `run_id`'s claims: each one's PV and cost basis in fen, and the engine's
    /// inputs recorded (`huajie_value::recorded::record`) for the rest.
    pub(crate) async fn record_run_claims(
        &mut self,
        run_id: i64,
        claims: &[ClaimResult],
        inputs: Vec<u8>,
    ) -> Result<(), StoreError> {
        let mut rows: Vec<(i64, i64, i64)> = claims.iter().map(|c| (c.id, fen(c.pv), fen(c.allocation))).collect();
        rows.sort_by_key(|r| r.0);
        let rc = RunClaims { run_id, summary: recorded::record_summaries(&rows), inputs };
        sqlx::query("INSERT INTO valuation_run_claims (run_id, summary, inputs) VALUES ($1, $2, $3)")
            .bind(rc.run_id)
            .bind(rc.summary.as_slice())
            .bind(rc.inputs.as_slice())
            .execute(&mut *self.tx)
            .await?;
        self.audit_create(&rc).await?;
        Ok(())
    }
}
