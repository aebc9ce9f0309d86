//! A package's back-test (issue 15): the projection of the valuation run its purchase was
//! priced on — each claim's net cash by quarter from the run's valuation date, a retail
//! segment's shared among its claims as the run shared its value — beside each
//! claim's actual net cash from the ledger (receipts less the expenses on it, the entries that
//! stand, the purchase left out), by `huajie_ledger::backtest`.

use chrono::NaiveDate;
use huajie_ledger::backtest::{Actual, BackTest, Projected, back_test, quarter_of};
use huajie_ledger::{Account, Side};
use huajie_value::appraisal::ClaimResult;

use crate::recovery::{EntryKind, Which, entries, standing_of};
use crate::{Store, StoreError, fen};

/// The run's projection, claim by claim and quarter by quarter, in fen
/// (`huajie_value::Appraisal::projected_cash`), with each retail claim's segment.
fn projection(run: &crate::ValuationRun, claims: &[(i64, ClaimResult)]) -> Result<Vec<Projected>, StoreError> {
    let appraisal = run.appraisal()?;
    let mut out = Vec::new();
    for (id, c) in claims {
        let segment = c.segment.and_then(|k| appraisal.segments.get(k)).map(|s| s.label(true));
        out.extend(appraisal.projected_cash(c).into_iter().map(|(quarter, cash)| Projected {
            claim: *id,
            segment: segment.clone(),
            quarter,
            amount: fen(cash),
        }));
    }
    Ok(out)
}

/// A package's underwriting among its runs `runs` (newest first): the latest run valued on or
/// before the day it was bought — a revaluation after the purchase projects from its own date
/// and is not what the package was bought on — or, not bought (or every run later), the latest.
/// What a purchase's price is spread by (`recovery_ops::purchase_weights`) and what a back-test
/// measures against when the purchase names no run.
pub(crate) async fn underwriting<'a>(
    c: &mut sqlx::AnyConnection,
    package: i64,
    runs: &'a [crate::ValuationRun],
) -> Result<Option<&'a crate::ValuationRun>, StoreError> {
    let row =
        sqlx::query("SELECT acquired_on FROM packages WHERE id = $1").bind(package).fetch_optional(&mut *c).await?;
    let acquired = match row {
        Some(r) => crate::rows::opt_date(&r, "acquired_on")?,
        None => None,
    };
    Ok(runs.iter().find(|r| acquired.is_some_and(|on| r.valuation_date <= on)).or(runs.first()))
}

/// A package's back-test with the valuation run it is measured against.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RunBackTest {
    pub run_id: i64,
    pub valuation_date: NaiveDate,
    /// Whether the run is the one the package's standing purchase was spread by (else the
    /// run asked for, or the latest of a package whose purchase named none).
    pub purchase_run: bool,
    pub test: BackTest,
}

impl Store {
    /// Package `package`'s back-test through `today`, against valuation run `run` (`None`: the
    /// run its standing purchase was spread by — the projection it was bought on — else its
    /// underwriting, `backtests::underwriting`): quarters from the run's valuation date.
    pub async fn back_test(&self, package: i64, run: Option<i64>, today: NaiveDate) -> Result<RunBackTest, StoreError> {
        let c = &mut *self.pool.acquire().await?;
        let runs = crate::valuation::package_runs(c, package).await?;
        let all = entries(c, Which::Package(package)).await?;
        let bought_on = standing_of(&all).iter().find(|e| e.kind == EntryKind::Purchase).and_then(|e| e.valuation_run);
        let run = match run.or(bought_on) {
            None => underwriting(c, package, &runs).await?,
            Some(id) => runs.iter().find(|r| r.id == id),
        }
        .ok_or_else(|| StoreError::NotFound(format!("资产包 {package} 的估值 / package {package}'s valuation")))?;
        let claims: Vec<(i64, ClaimResult)> =
            self.valuation_claims(run.id).await?.into_iter().map(|c| (c.id, c)).collect();
        let projected = projection(run, &claims)?;
        let actual: Vec<Actual> = standing_of(&all)
            .into_iter()
            .filter(|e| e.kind != EntryKind::Purchase)
            .flat_map(|e| e.entry.lines().iter().map(move |l| (e.entry.date(), l)))
            .filter(|(_, l)| l.account == Account::BankCash)
            .filter_map(|(date, l)| {
                let amount = if l.side == Side::Debit { l.amount.fen() } else { -l.amount.fen() };
                l.claim.map(|claim| Actual { claim, date, amount })
            })
            .collect();
        let through = quarter_of(run.valuation_date, today).unwrap_or(0);
        Ok(RunBackTest {
            run_id: run.id,
            valuation_date: run.valuation_date,
            purchase_run: bought_on == Some(run.id),
            test: back_test(run.valuation_date, through, &projected, &actual),
        })
    }
}
