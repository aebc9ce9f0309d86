//! Valuation: assumption sets (named, versioned; a saved version never changes), a package's book as the engine reads
//! it, and valuation runs with each claim's result.

use chrono::NaiveDate;
use huajie_core::{LiquidationAnalysis, Money, Stored, Text, collate::sorted_by_pinyin};
use huajie_value::appraisal::ClaimResult;
use huajie_value::{Appraisal, Assumptions};
use serde::Serialize;

use crate::audit::Audited;
use crate::rows::{date, date_text, i64_col, opt_i64, opt_text, text};
use crate::{Store, StoreError, WriteTx, composed};

/// The name of the set every company starts with: HV-1's defaults.
pub const DEFAULT_ASSUMPTION_SET: &str = "HV-1 默认参数";

/// One version of a named assumption set.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AssumptionSet {
    pub id: i64,
    pub name: String,
    pub version: i64,
    /// The version it was copied from.
    pub based_on: Option<i64>,
    #[serde(skip)]
    pub assumptions: Assumptions,
    /// The body as stored (JSON), and its SHA-256: what a run records.
    pub body: String,
    pub body_sha256: String,
    pub note: String,
    pub created_by: String,
    #[serde(serialize_with = "crate::rows::stored_time")]
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl Audited for AssumptionSet {
    const ENTITY: &'static str = "assumption_set";
    fn audit_id(&self) -> String {
        self.id.to_string()
    }
}

const SET_COLUMNS: &str = "id, name, version, based_on, body, body_sha256, note, created_by, created_at";

fn set_from_row(r: &sqlx::any::AnyRow) -> Result<AssumptionSet, StoreError> {
    let body = text(r, "body")?;
    let assumptions =
        serde_json::from_str(&body).map_err(|e| StoreError::Corrupt(format!("assumption_sets.body: {e}")))?;
    Ok(AssumptionSet {
        id: i64_col(r, "id")?,
        name: text(r, "name")?,
        version: i64_col(r, "version")?,
        based_on: opt_i64(r, "based_on")?,
        assumptions,
        body,
        body_sha256: text(r, "body_sha256")?,
        note: text(r, "note")?,
        created_by: text(r, "created_by")?,
        created_at: crate::rows::utc(r, "created_at")?,
    })
}

/// A valuation run as listed: what it used and what it found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValuationRun {
    pub id: i64,
    pub package_id: i64,
    pub model_version: String,
    pub assumption_set_id: i64,
    pub assumption_sha256: String,
    /// The tape version (import) the claims came from.
    pub tape_import_id: Option<i64>,
    pub input_sha256: String,
    pub valuation_date: NaiveDate,
    pub target_irr_bps: i64,
    pub scenarios: i64,
    pub seed: i64,
    pub stress: Option<String>,
    pub bid: Money,
    pub price: Money,
    /// The package-level results (JSON of `Appraisal` without its claims).
    pub results: String,
    pub created_by: String,
    #[serde(serialize_with = "crate::rows::stored_time")]
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl Audited for ValuationRun {
    const ENTITY: &'static str = "valuation_run";
    fn audit_id(&self) -> String {
        self.id.to_string()
    }
}

impl ValuationRun {
    /// The package-level results.
    pub fn appraisal(&self) -> Result<Appraisal, StoreError> {
        serde_json::from_str(&self.results).map_err(|e| StoreError::Corrupt(format!("valuation_runs.results: {e}")))
    }
}

const RUN_COLUMNS: &str = "id, package_id, model_version, assumption_set_id, assumption_sha256, tape_import_id, input_sha256, \
     valuation_date, target_irr_bps, scenarios, seed, stress, bid_fen, price_fen, results, created_by, created_at";

fn run_from_row(r: &sqlx::any::AnyRow) -> Result<ValuationRun, StoreError> {
    Ok(ValuationRun {
        id: i64_col(r, "id")?,
        package_id: i64_col(r, "package_id")?,
        model_version: text(r, "model_version")?,
        assumption_set_id: i64_col(r, "assumption_set_id")?,
        assumption_sha256: text(r, "assumption_sha256")?,
        tape_import_id: opt_i64(r, "tape_import_id")?,
        input_sha256: text(r, "input_sha256")?,
        valuation_date: date(r, "valuation_date")?,
        target_irr_bps: i64_col(r, "target_irr_bps")?,
        scenarios: i64_col(r, "scenarios")?,
        seed: i64_col(r, "seed")?,
        stress: opt_text(r, "stress")?,
        bid: Money::from_fen(i64_col(r, "bid_fen")?),
        price: Money::from_fen(i64_col(r, "price_fen")?),
        results: text(r, "results")?,
        created_by: text(r, "created_by")?,
        created_at: crate::rows::utc(r, "created_at")?,
    })
}

/// One claim's result in a run, as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct ValuationClaimRow {
    pub run_id: i64,
    pub claim_id: i64,
    pub pv_fen: i64,
    pub allocation_fen: i64,
    pub result: String,
}

impl Audited for ValuationClaimRow {
    const ENTITY: &'static str = "valuation_claim";
    fn audit_id(&self) -> String {
        format!("{}:{}", self.run_id, self.claim_id)
    }
}

fn claim_row_from_row(r: &sqlx::any::AnyRow) -> Result<ValuationClaimRow, StoreError> {
    Ok(ValuationClaimRow {
        run_id: i64_col(r, "run_id")?,
        claim_id: i64_col(r, "claim_id")?,
        pv_fen: i64_col(r, "pv_fen")?,
        allocation_fen: i64_col(r, "allocation_fen")?,
        result: text(r, "result")?,
    })
}

impl Audited for Stored<LiquidationAnalysis> {
    const ENTITY: &'static str = "liquidation_analysis";
    fn audit_id(&self) -> String {
        self.id.to_string()
    }
}

pub(crate) const LIQUIDATION_COLUMNS: &str = "l.id, l.party_id, l.effective_assets_fen, l.priority_deductions_fen, l.secured_recoveries_fen, \
     l.effective_liabilities_fen, l.secured_claims_fen, l.basis";

pub(crate) fn liquidation_from_row(r: &sqlx::any::AnyRow) -> Result<Stored<LiquidationAnalysis>, StoreError> {
    let m = |c: &str| i64_col(r, c).map(Money::from_fen);
    Ok(Stored {
        id: i64_col(r, "id")?,
        data: LiquidationAnalysis {
            party_id: i64_col(r, "party_id")?,
            effective_assets: m("effective_assets_fen")?,
            priority_deductions: m("priority_deductions_fen")?,
            secured_recoveries: m("secured_recoveries_fen")?,
            effective_liabilities: m("effective_liabilities_fen")?,
            secured_claims: m("secured_claims_fen")?,
            basis: text(r, "basis")?,
        },
    })
}

/// A copy of `base` whose retail curves are estimated from a collections history (segments
/// with too little history keep the default curve). The same for `huajie curves` and the web.
pub fn with_estimated_curves(base: &Assumptions, history: &huajie_tape::history::CollectionHistory) -> Assumptions {
    let claims: Vec<huajie_value::retail::HistoryClaim> = history
        .claims
        .iter()
        .map(|c| huajie_value::retail::HistoryClaim {
            product: c.product.clone(),
            days_past_due: c.days_past_due.clamp(0, i64::from(u32::MAX)) as u32,
            amount: c.amount.fen() as f64 / 100.0,
            litigated: c.litigated,
            acquired: c.acquired,
            collections: c.collections.iter().map(|(m, a)| (*m, a.fen() as f64 / 100.0)).collect(),
        })
        .collect();
    let mut out = base.clone();
    out.retail.curves = huajie_value::retail::estimate(&claims, history.as_of, base.retail.min_claims);
    out
}

pub use huajie_value::fen;

impl Store {
    /// Every assumption set version, by name (in pinyin order; stable: then by version).
    pub async fn assumption_sets(&self) -> Result<Vec<AssumptionSet>, StoreError> {
        let rows = sqlx::query(composed(format!("SELECT {SET_COLUMNS} FROM assumption_sets ORDER BY version")))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(set_from_row).collect::<Result<_, _>>().map(|s| sorted_by_pinyin(s, |s| s.name.as_str()))
    }

    pub async fn assumption_set(&self, id: i64) -> Result<Option<AssumptionSet>, StoreError> {
        let row = sqlx::query(composed(format!("SELECT {SET_COLUMNS} FROM assumption_sets WHERE id = $1")))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(set_from_row).transpose()
    }

    /// The latest version of the set named `name`.
    pub async fn latest_assumption_set(&self, name: &str) -> Result<Option<AssumptionSet>, StoreError> {
        let row = sqlx::query(composed(format!(
            "SELECT {SET_COLUMNS} FROM assumption_sets WHERE name = $1 ORDER BY version DESC LIMIT 1"
        )))
        .bind(name)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(set_from_row).transpose()
    }

    /// The default set, saved on first use.
    pub async fn default_assumption_set(&self) -> Result<AssumptionSet, StoreError> {
        if let Some(set) = self.latest_assumption_set(DEFAULT_ASSUMPTION_SET).await? {
            return Ok(set);
        }
        let mut tx = self.write("system").await?;
        let set = tx.ensure_default_assumption_set().await?;
        tx.commit().await?;
        Ok(set)
    }

    /// A package's runs, newest first.
    pub async fn valuation_runs(&self, package_id: i64) -> Result<Vec<ValuationRun>, StoreError> {
        package_runs(&mut *self.pool.acquire().await?, package_id).await
    }

    pub async fn valuation_run(&self, id: i64) -> Result<Option<ValuationRun>, StoreError> {
        let row = sqlx::query(composed(format!("SELECT {RUN_COLUMNS} FROM valuation_runs WHERE id = $1")))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(run_from_row).transpose()
    }

    /// One claim's result in a run.
    pub async fn valuation_claim(&self, run_id: i64, claim_id: i64) -> Result<Option<ClaimResult>, StoreError> {
        if let Some(claims) = self.recomputed_claims(run_id).await? {
            return Ok(claims.into_iter().find(|c| c.id == claim_id));
        }
        let row = sqlx::query("SELECT run_id, claim_id, pv_fen, allocation_fen, result FROM valuation_claims WHERE run_id = $1 AND claim_id = $2")
            .bind(run_id)
            .bind(claim_id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(|r| parse_claim_result(&claim_row_from_row(r)?)).transpose()
    }

    /// Every claim's result in a run, in claim order.
    /// A run recorded with its inputs (since migration 0037) has them recomputed
    /// (`run_claims`): the same figures as when the run was made.
    pub async fn valuation_claims(&self, run_id: i64) -> Result<Vec<ClaimResult>, StoreError> {
        if let Some(claims) = self.recomputed_claims(run_id).await? {
            return Ok(claims);
        }
        let rows = sqlx::query("SELECT run_id, claim_id, pv_fen, allocation_fen, result FROM valuation_claims WHERE run_id = $1 ORDER BY claim_id")
            .bind(run_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| parse_claim_result(&claim_row_from_row(r)?)).collect()
    }

    /// The latest run that valued a claim, with its result there.
    pub async fn latest_claim_valuation(
        &self,
        claim_id: i64,
    ) -> Result<Option<(ValuationRun, ClaimResult)>, StoreError> {
        let row = sqlx::query("SELECT run_id FROM valuation_claims WHERE claim_id = $1 ORDER BY run_id DESC LIMIT 1")
            .bind(claim_id)
            .fetch_optional(&self.pool)
            .await?;
        let before = row.map(|r| i64_col(&r, "run_id")).transpose()?;
        let Some(run_id) = before.max(self.latest_recorded_run_of(claim_id).await?) else { return Ok(None) };
        match (self.valuation_run(run_id).await?, self.valuation_claim(run_id, claim_id).await?) {
            (Some(run), Some(result)) => Ok(Some((run, result))),
            _ => Ok(None),
        }
    }

    /// A party's hypothetical-liquidation analysis, if a valuer entered one.
    pub async fn liquidation_of(&self, party_id: i64) -> Result<Option<Stored<LiquidationAnalysis>>, StoreError> {
        let row = sqlx::query(composed(format!(
            "SELECT {LIQUIDATION_COLUMNS} FROM liquidation_analyses l WHERE l.party_id = $1"
        )))
        .bind(party_id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(liquidation_from_row).transpose()
    }

    pub(crate) async fn all_liquidations(&self) -> Result<Vec<Stored<LiquidationAnalysis>>, StoreError> {
        let rows =
            sqlx::query(composed(format!("SELECT {LIQUIDATION_COLUMNS} FROM liquidation_analyses l ORDER BY l.id")))
                .fetch_all(&self.pool)
                .await?;
        rows.iter().map(liquidation_from_row).collect()
    }

    pub(crate) async fn all_assumption_sets(&self) -> Result<Vec<AssumptionSet>, StoreError> {
        self.assumption_sets().await
    }

    pub(crate) async fn all_valuation_runs(&self) -> Result<Vec<ValuationRun>, StoreError> {
        let rows = sqlx::query(composed(format!("SELECT {RUN_COLUMNS} FROM valuation_runs ORDER BY id")))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(run_from_row).collect()
    }

    pub(crate) async fn all_valuation_claims(&self) -> Result<Vec<ValuationClaimRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT run_id, claim_id, pv_fen, allocation_fen, result FROM valuation_claims ORDER BY run_id, claim_id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(claim_row_from_row).collect()
    }
}

/// What to value: a package, under a set (default set when `None`), at a date (its cut-off date when `None`).
#[derive(Debug, Clone)]
pub struct ValuationRequest {
    pub package_id: i64,
    pub assumption_set_id: Option<i64>,
    pub valuation_date: Option<NaiveDate>,
    pub options: huajie_value::Options,
}

/// A run done again: whether it found exactly what it found the first time.
#[derive(Debug, Clone)]
pub struct Rerun {
    pub run: ValuationRun,
    pub appraisal: Appraisal,
    /// The inputs (claims, collateral, guarantors as now stored) hash as they did.
    pub same_inputs: bool,
    /// Every result — package and claims — is equal to the stored one.
    pub identical: bool,
}

impl Store {
    /// Values a package; with `save`, records the run (on behalf of `actor`). The engine runs on a blocking thread.
    pub async fn value_package(
        &self,
        actor: &str,
        req: &ValuationRequest,
        save: bool,
    ) -> Result<(AssumptionSet, Appraisal, Option<ValuationRun>), StoreError> {
        // The package without its sums, the tape version without its report: what a run records.
        let package = crate::portfolio::package_row(&mut *self.pool.acquire().await?, req.package_id).await?;
        let set = match req.assumption_set_id {
            Some(id) => self
                .assumption_set(id)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("参数集 / assumption set {id}")))?,
            None => self.default_assumption_set().await?,
        };
        let date = req.valuation_date.unwrap_or(package.data.default_valuation_date(self.clock.today()));
        if !package.data.may_be_valued_at(date) {
            let cutoff = package.data.cutoff_date;
            return Err(StoreError::Refused(Text::new(
                format!("估值基准日 {date} 早于数据带基准日 {cutoff}"),
                format!("the valuation date {date} is before the tape's cut-off date {cutoff}"),
            )));
        }
        let book = self.valuation_book(req.package_id, date).await?;
        let tape = self.latest_tape_import_id(req.package_id).await?;
        self.next_stage(crate::RunStage::Valuing)?;
        let (assumptions, options) = (set.assumptions.clone(), req.options.clone());
        let (appraisal, inputs) = tokio::task::spawn_blocking(move || {
            (huajie_value::appraise(&book, &assumptions, &options), save.then(|| huajie_value::recorded::record(&book)))
        })
        .await
        .map_err(|e| StoreError::Corrupt(format!("valuation stopped: {e}")))?;
        self.next_stage(crate::RunStage::Saving)?;
        let run = if let Some(inputs) = inputs {
            let mut tx = self.write(actor).await?;
            let run = tx.record_valuation_run(req.package_id, &set, tape, &appraisal, inputs).await?;
            tx.commit().await?;
            Some(run)
        } else {
            None
        };
        Ok((set, appraisal, run))
    }

    /// Values a recorded run's package again with the run's set, date and options, and compares the results.
    pub async fn rerun_valuation(&self, run_id: i64) -> Result<Rerun, StoreError> {
        let run = self
            .valuation_run(run_id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("估值记录 / valuation run {run_id}")))?;
        let stored = run.appraisal()?;
        let req = ValuationRequest {
            package_id: run.package_id,
            assumption_set_id: Some(run.assumption_set_id),
            valuation_date: Some(run.valuation_date),
            options: stored.options.clone(),
        };
        let (_, appraisal, _) = self.value_package("system", &req, false).await?;
        let mut claims = appraisal.claims.clone();
        claims.sort_by_key(|c| c.id);
        let same_inputs = appraisal.input_hash == run.input_sha256;
        let identical = same_inputs
            && Appraisal { claims: Vec::new(), ..appraisal.clone() } == stored
            && claims == self.valuation_claims(run_id).await?;
        Ok(Rerun { run, appraisal, same_inputs, identical })
    }
}

fn parse_claim_result(row: &ValuationClaimRow) -> Result<ClaimResult, StoreError> {
    serde_json::from_str(&row.result).map_err(|e| StoreError::Corrupt(format!("valuation_claims.result: {e}")))
}

impl WriteTx {
    /// Saves a new version of the set `name` (version 1 when new), copied from `based_on` if given; never changed.
    pub async fn save_assumption_set(
        &mut self,
        name: &str,
        based_on: Option<i64>,
        assumptions: &Assumptions,
        note: &str,
    ) -> Result<AssumptionSet, StoreError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(StoreError::Refused(Text::fixed("参数集名称不能为空", "the assumption set needs a name")));
        }
        let last: Option<i64> = sqlx::query("SELECT MAX(version) AS v FROM assumption_sets WHERE name = $1")
            .bind(name)
            .fetch_one(&mut *self.tx)
            .await
            .map(|r| opt_i64(&r, "v"))??;
        let (body, body_sha256) = crate::json_body(assumptions)?;
        let created_at = crate::stored_time(self.clock.now());
        let version = last.unwrap_or(0) + 1;
        let row = sqlx::query(
            "INSERT INTO assumption_sets (name, version, based_on, body, body_sha256, note, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(name)
        .bind(version)
        .bind(based_on)
        .bind(body.as_str())
        .bind(body_sha256.as_str())
        .bind(note)
        .bind(self.actor().to_string())
        .bind(crate::timestamp(created_at))
        .fetch_one(&mut *self.tx)
        .await?;
        let set = AssumptionSet {
            id: i64_col(&row, "id")?,
            name: name.to_string(),
            version,
            based_on,
            assumptions: assumptions.clone(),
            body,
            body_sha256,
            note: note.to_string(),
            created_by: self.actor().to_string(),
            created_at,
        };
        self.audit_create(&set).await?;
        Ok(set)
    }

    /// Records a party's hypothetical-liquidation analysis, replacing the one before.
    pub async fn save_liquidation(
        &mut self,
        analysis: &LiquidationAnalysis,
    ) -> Result<Stored<LiquidationAnalysis>, StoreError> {
        let existing = sqlx::query(composed(format!(
            "SELECT {LIQUIDATION_COLUMNS} FROM liquidation_analyses l WHERE l.party_id = $1"
        )))
        .bind(analysis.party_id)
        .fetch_optional(&mut *self.tx)
        .await?;
        let a = analysis;
        match existing {
            Some(row) => {
                let before = liquidation_from_row(&row)?;
                sqlx::query(
                    "UPDATE liquidation_analyses SET effective_assets_fen = $1, priority_deductions_fen = $2, secured_recoveries_fen = $3, \
                       effective_liabilities_fen = $4, secured_claims_fen = $5, basis = $6 WHERE id = $7",
                )
                .bind(a.effective_assets.fen())
                .bind(a.priority_deductions.fen())
                .bind(a.secured_recoveries.fen())
                .bind(a.effective_liabilities.fen())
                .bind(a.secured_claims.fen())
                .bind(a.basis.as_str())
                .bind(before.id)
                .execute(&mut *self.tx)
                .await?;
                let after = Stored { id: before.id, data: a.clone() };
                self.audit_update(&before, &after).await?;
                Ok(after)
            }
            None => {
                let row = sqlx::query(
                    "INSERT INTO liquidation_analyses (party_id, effective_assets_fen, priority_deductions_fen, secured_recoveries_fen, \
                       effective_liabilities_fen, secured_claims_fen, basis) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                )
                .bind(a.party_id)
                .bind(a.effective_assets.fen())
                .bind(a.priority_deductions.fen())
                .bind(a.secured_recoveries.fen())
                .bind(a.effective_liabilities.fen())
                .bind(a.secured_claims.fen())
                .bind(a.basis.as_str())
                .fetch_one(&mut *self.tx)
                .await?;
                let created = Stored { id: i64_col(&row, "id")?, data: a.clone() };
                self.audit_create(&created).await?;
                Ok(created)
            }
        }
    }

    /// The default set: saved as version 1 of `DEFAULT_ASSUMPTION_SET` if it is not there yet.
    pub async fn ensure_default_assumption_set(&mut self) -> Result<AssumptionSet, StoreError> {
        let row = sqlx::query(composed(format!(
            "SELECT {SET_COLUMNS} FROM assumption_sets WHERE name = $1 ORDER BY version DESC LIMIT 1"
        )))
        .bind(DEFAULT_ASSUMPTION_SET)
        .fetch_optional(&mut *self.tx)
        .await?;
        match row {
            Some(r) => set_from_row(&r),
            None => {
                self.save_assumption_set(
                    DEFAULT_ASSUMPTION_SET,
                    None,
                    &Assumptions::default(),
                    "HV-1 v1.1 默认值（valuation.md）",
                )
                .await
            }
        }
    }

    /// Records a run and its claims: each one's PV and cost basis, and the engine's inputs
    /// (`huajie_value::recorded::record` of the book valued) to compute the rest again.
    pub async fn record_valuation_run(
        &mut self,
        package_id: i64,
        set: &AssumptionSet,
        tape_import_id: Option<i64>,
        appraisal: &Appraisal,
        inputs: Vec<u8>,
    ) -> Result<ValuationRun, StoreError> {
        let summary = Appraisal { claims: Vec::new(), ..appraisal.clone() };
        let results = serde_json::to_string(&summary).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let o = &appraisal.options;
        let target_irr_bps = (o.target_irr * 10_000.0).round() as i64;
        let price = o.price.unwrap_or(appraisal.bid);
        let created_at = crate::stored_time(self.clock.now());
        let row = sqlx::query(
            "INSERT INTO valuation_runs (package_id, model_version, assumption_set_id, assumption_sha256, tape_import_id, input_sha256, \
               valuation_date, target_irr_bps, scenarios, seed, stress, bid_fen, price_fen, results, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id",
        )
        .bind(package_id)
        .bind(appraisal.model_version.as_str())
        .bind(set.id)
        .bind(set.body_sha256.as_str())
        .bind(tape_import_id)
        .bind(appraisal.input_hash.as_str())
        .bind(date_text(appraisal.valuation_date))
        .bind(target_irr_bps)
        .bind(o.scenarios as i64)
        .bind(o.seed as i64)
        .bind(o.stress.as_deref())
        .bind(fen(appraisal.bid))
        .bind(fen(price))
        .bind(results.as_str())
        .bind(self.actor().to_string())
        .bind(crate::timestamp(created_at))
        .fetch_one(&mut *self.tx)
        .await?;
        let run = ValuationRun {
            id: i64_col(&row, "id")?,
            package_id,
            model_version: appraisal.model_version.clone(),
            assumption_set_id: set.id,
            assumption_sha256: set.body_sha256.clone(),
            tape_import_id,
            input_sha256: appraisal.input_hash.clone(),
            valuation_date: appraisal.valuation_date,
            target_irr_bps,
            scenarios: o.scenarios as i64,
            seed: o.seed as i64,
            stress: o.stress.clone(),
            bid: Money::from_fen(fen(appraisal.bid)),
            price: Money::from_fen(fen(price)),
            results,
            created_by: self.actor().to_string(),
            created_at,
        };
        self.audit_create(&run).await?;
        self.record_run_claims(run.id, &appraisal.claims, inputs).await?;
        Ok(run)
    }
}

/// A package's runs, newest first, on one connection (a pooled one, or a write transaction's).
pub(crate) async fn package_runs(c: &mut sqlx::AnyConnection, id: i64) -> Result<Vec<ValuationRun>, StoreError> {
    let sql = composed(format!("SELECT {RUN_COLUMNS} FROM valuation_runs WHERE package_id = $1 ORDER BY id DESC"));
    sqlx::query(sql).bind(id).fetch_all(&mut *c).await?.iter().map(run_from_row).collect()
}
