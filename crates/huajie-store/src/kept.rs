//! Answers computed from the whole book, kept at the book's version (issue 17): the six
//! indicators at a date under a version of the rule parameters, and the dashboard's sums. At a
//! million claims reading the book takes seconds; a request reads the version first (one row,
//! `Store::book_version`, which every committed change to what these read moves, in this
//! process or another on the same database: every such change is audited with an entity that
//! moves the book, `audit::moves_the_book`) and answers from what is kept when the book has not
//! changed since; otherwise it reads afresh and keeps that under the version it read first, so
//! what is kept is never older than its version. A bid, a deposit, a lot's state or a session
//! leave the book's version, and so what is kept, as it is.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use huajie_rules::Indicator;
use huajie_rules::indicators::RulesError;

use crate::dashboard::DashboardFigures;
use crate::parameters::RuleParameterSet;
use crate::{Store, StoreError};

/// What is computed from the book at a date under a version of the rule parameters.
#[derive(Debug)]
pub struct BookAnswer {
    /// The six indicators, or why they cannot be computed (no net assets for the quarter).
    pub indicators: Result<Vec<Indicator>, RulesError>,
    /// What the book itself shows (`huajie_rules::pretrade::book_findings`).
    pub findings: Vec<huajie_rules::checks::Finding>,
    /// Q15's exit watch: the last financial-NPA acquisition, the whole months since, and its
    /// finding (`huajie_rules::pretrade::exit_watch`).
    pub exit_since: Option<NaiveDate>,
    pub exit_months: Option<i64>,
    pub exit_finding: Option<huajie_rules::checks::Finding>,
}

impl BookAnswer {
    /// The answer from `ledger`, the book as it stood at `as_of`.
    pub fn of(ledger: &huajie_rules::Ledger, p: &huajie_rules::RuleParameters, as_of: NaiveDate) -> BookAnswer {
        let (exit_months, exit_finding) = huajie_rules::pretrade::exit_watch(ledger, p, as_of);
        BookAnswer {
            indicators: huajie_rules::indicators(ledger, p, as_of),
            findings: huajie_rules::pretrade::book_findings(ledger, p, as_of),
            exit_since: huajie_rules::pretrade::exit_watch_from(ledger, as_of),
            exit_months,
            exit_finding,
        }
    }
}

/// A kept answer, shared by the requests that read it.
pub type Indicators = Arc<BookAnswer>;

/// Indicator answers kept at most (dates × parameter versions); past it, all are dropped.
const INDICATORS_KEPT: usize = 64;

/// What this process keeps (cloned stores share it).
#[derive(Clone, Default)]
pub(crate) struct Kept(Arc<Mutex<KeptAnswers>>);

#[derive(Default)]
struct KeptAnswers {
    /// (as of, parameters' version) → (book version, the indicators).
    indicators: HashMap<(NaiveDate, i64), (i64, Indicators)>,
    dashboard: Option<(i64, DashboardFigures)>,
}

impl Kept {
    fn answers(&self) -> std::sync::MutexGuard<'_, KeptAnswers> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Store {
    /// The indicators (and the book's findings) at `as_of` under the parameters `set`
    /// (`huajie_rules::indicators` over `Store::compliance_ledger(as_of)`), kept until the book
    /// changes.
    pub async fn indicators(&self, as_of: NaiveDate, set: &RuleParameterSet) -> Result<Indicators, StoreError> {
        let mut all = self.indicators_at(&[as_of], set).await?;
        all.pop().ok_or_else(|| StoreError::Corrupt("one answer per date".into()))
    }

    /// `Store::indicators` at each of `dates`, in their order; those not kept computed from one
    /// reading of the book (`Store::compliance_ledgers`).
    pub async fn indicators_at(
        &self,
        dates: &[NaiveDate],
        set: &RuleParameterSet,
    ) -> Result<Vec<Indicators>, StoreError> {
        let version = self.book_version().await?;
        let mut out: Vec<Option<Indicators>> = {
            let kept = self.kept.answers();
            dates
                .iter()
                .map(|d| {
                    kept.indicators.get(&(*d, set.version)).filter(|(at, _)| *at == version).map(|(_, i)| i.clone())
                })
                .collect()
        };
        let missing: Vec<NaiveDate> = dates.iter().zip(&out).filter(|(_, o)| o.is_none()).map(|(d, _)| *d).collect();
        if !missing.is_empty() {
            let ledgers = self.compliance_ledgers(&missing).await?;
            let computed: Vec<(NaiveDate, Indicators)> = missing
                .iter()
                .zip(&ledgers)
                .map(|(d, l)| (*d, Arc::new(BookAnswer::of(l, &set.parameters, *d))))
                .collect();
            drop(ledgers);
            let mut kept = self.kept.answers();
            if kept.indicators.len() + computed.len() > INDICATORS_KEPT {
                kept.indicators.clear();
            }
            for (d, answer) in computed {
                for (slot, date) in out.iter_mut().zip(dates) {
                    if *date == d && slot.is_none() {
                        *slot = Some(answer.clone());
                    }
                }
                // A slower reader of an older book never replaces a newer one.
                let key = (d, set.version);
                if kept.indicators.get(&key).is_none_or(|(at, _)| *at <= version) {
                    kept.indicators.insert(key, (version, answer));
                }
            }
        }
        out.into_iter().map(|o| o.ok_or_else(|| StoreError::Corrupt("an answer per date".into()))).collect()
    }

    /// The dashboard's figures (`Store::dashboard_figures`), kept until the book changes.
    pub async fn dashboard(&self) -> Result<DashboardFigures, StoreError> {
        let version = self.book_version().await?;
        if let Some((at, figures)) = &self.kept.answers().dashboard
            && *at == version
        {
            return Ok(figures.clone());
        }
        let figures = self.dashboard_figures().await?;
        let mut kept = self.kept.answers();
        if kept.dashboard.as_ref().is_none_or(|(at, _)| *at <= version) {
            kept.dashboard = Some((version, figures.clone()));
        }
        Ok(figures)
    }
}
