//! The company's figures for the dashboard: totals and breakdowns, summed by the database.

use huajie_core::Money;
use serde::Serialize;
use sqlx::Row;

use crate::composed;
use crate::rows::{i64_col, money, text};
use crate::{Store, StoreError};

/// One slice of a breakdown: its key (a province code, a collateral-type code…), how
/// many items and how much money.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Slice {
    pub key: String,
    pub count: i64,
    pub amount: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DashboardFigures {
    pub packages: i64,
    pub claims: i64,
    pub debtors: i64,
    pub principal: Money,
    /// Principal + interest + penalty + advanced costs of every claim.
    pub total_claim: Money,
    pub collateral_items: i64,
    pub appraised_collateral: Money,
    /// Claims by the province they were booked in (the debtor's when unknown; key ""
    /// when neither is known), by total.
    pub by_province: Vec<Slice>,
    /// Collateral items by type, by appraised value.
    pub by_collateral_type: Vec<Slice>,
    /// Claims by five-tier class (key "" when the tape did not say), by total.
    pub by_five_class: Vec<Slice>,
    /// Claims by litigation stage, by total.
    pub by_litigation_stage: Vec<Slice>,
}

const CLAIM_TOTAL: &str = "c.principal_fen + c.interest_fen + c.penalty_fen + c.advanced_costs_fen";

impl Store {
    /// The figures summed afresh (`Store::dashboard` keeps them until the book changes).
    pub async fn dashboard_figures(&self) -> Result<DashboardFigures, StoreError> {
        let count = |sql: &'static str| async move {
            let n: i64 = sqlx::query(sql).fetch_one(&self.pool).await?.try_get(0)?;
            Ok::<i64, StoreError>(n)
        };
        let sums = sqlx::query(composed(format!(
            "SELECT COUNT(*) AS n, CAST(COALESCE(SUM(c.principal_fen), 0) AS BIGINT) AS principal, \
                    CAST(COALESCE(SUM({CLAIM_TOTAL}), 0) AS BIGINT) AS total, COUNT(DISTINCT c.debtor_id) AS debtors \
             FROM claims c"
        )))
        .fetch_one(&self.pool)
        .await?;
        let collateral = sqlx::query(
            "SELECT COUNT(*) AS n, CAST(COALESCE(SUM(appraised_value_fen), 0) AS BIGINT) AS v FROM collateral",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(DashboardFigures {
            packages: count("SELECT COUNT(*) FROM packages").await?,
            claims: i64_col(&sums, "n")?,
            debtors: i64_col(&sums, "debtors")?,
            principal: money(&sums, "principal")?,
            total_claim: money(&sums, "total")?,
            collateral_items: i64_col(&collateral, "n")?,
            appraised_collateral: money(&collateral, "v")?,
            by_province: self
                .slices(&format!(
                    "SELECT COALESCE(c.province, d.province, '') AS k, COUNT(*) AS n, CAST(SUM({CLAIM_TOTAL}) AS BIGINT) AS v \
                     FROM claims c JOIN parties d ON d.id = c.debtor_id GROUP BY COALESCE(c.province, d.province, '')"
                ))
                .await?,
            by_collateral_type: self
                .slices(
                    "SELECT collateral_type AS k, COUNT(*) AS n, CAST(SUM(appraised_value_fen) AS BIGINT) AS v \
                     FROM collateral GROUP BY collateral_type",
                )
                .await?,
            by_five_class: self
                .slices(&format!(
                    "SELECT COALESCE(c.five_class, '') AS k, COUNT(*) AS n, CAST(SUM({CLAIM_TOTAL}) AS BIGINT) AS v \
                     FROM claims c GROUP BY COALESCE(c.five_class, '')"
                ))
                .await?,
            by_litigation_stage: self
                .slices(&format!(
                    "SELECT COALESCE(c.litigation_stage, '') AS k, COUNT(*) AS n, CAST(SUM({CLAIM_TOTAL}) AS BIGINT) AS v \
                     FROM claims c GROUP BY COALESCE(c.litigation_stage, '')"
                ))
                .await?,
        })
    }

    /// Runs a `k, n, v` grouping and orders it by amount, largest first.
    async fn slices(&self, sql: &str) -> Result<Vec<Slice>, StoreError> {
        let rows = sqlx::query(composed(sql.to_string())).fetch_all(&self.pool).await?;
        let mut out = rows
            .iter()
            .map(|r| Ok(Slice { key: text(r, "k")?, count: i64_col(r, "n")?, amount: money(r, "v")? }))
            .collect::<Result<Vec<_>, StoreError>>()?;
        out.sort_by(|a, b| b.amount.cmp(&a.amount).then_with(|| a.key.cmp(&b.key)));
        Ok(out)
    }
}
