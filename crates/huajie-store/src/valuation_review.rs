//! The sign-off of a valuation run (issue 16, point 4): its review by a second person (one row
//! in `valuation_reviews`, migration 0032, audited; `huajie_value::review::check_review` refuses
//! the run's preparer and a second review), and its approval, read from the committee: a run is
//! approved when a disposal plan that cites it (`disposal_plans.valuation_run_id`) has passed
//! the committee, at the time of that decision.

use chrono::{DateTime, Utc};
use huajie_core::Text;
use serde::Serialize;

use crate::audit::Audited;
use crate::rows::{i64_col, text, utc};
use crate::{Store, StoreError};

/// A run's review: who and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValuationReview {
    pub id: i64,
    pub run_id: i64,
    pub reviewed_by: String,
    #[serde(serialize_with = "crate::rows::stored_time")]
    pub reviewed_at: DateTime<Utc>,
}

impl Audited for ValuationReview {
    const ENTITY: &'static str = "valuation_review";
    fn audit_id(&self) -> String {
        self.id.to_string()
    }
}

/// The committee's approval of a plan that used the run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunApproval {
    pub meeting_id: i64,
    pub item_id: i64,
    pub plan_id: i64,
    pub decided_at: DateTime<Utc>,
}

/// What a run's report is signed with.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct RunSignoff {
    pub review: Option<ValuationReview>,
    pub approval: Option<RunApproval>,
}

fn review_from_row(r: &sqlx::any::AnyRow) -> Result<ValuationReview, StoreError> {
    Ok(ValuationReview {
        id: i64_col(r, "id")?,
        run_id: i64_col(r, "run_id")?,
        reviewed_by: text(r, "reviewed_by")?,
        reviewed_at: utc(r, "reviewed_at")?,
    })
}

const REVIEW: &str = "SELECT id, run_id, reviewed_by, reviewed_at FROM valuation_reviews WHERE run_id = $1";

impl Store {
    /// The review and the approval of run `run_id`, each if any.
    pub async fn valuation_signoff(&self, run_id: i64) -> Result<RunSignoff, StoreError> {
        let review = sqlx::query(REVIEW).bind(run_id).fetch_optional(&self.pool).await?;
        let approval = sqlx::query(
            "SELECT i.id, i.meeting_id, i.plan_id, i.decided_at FROM committee_items i \
             JOIN disposal_plans p ON p.id = i.plan_id \
             WHERE p.valuation_run_id = $1 AND i.status = 'passed' AND i.decided_at IS NOT NULL \
             ORDER BY i.decided_at, i.id LIMIT 1",
        )
        .bind(run_id)
        .fetch_optional(&self.pool)
        .await?;
        let approval = approval
            .map(|r| -> Result<RunApproval, StoreError> {
                Ok(RunApproval {
                    meeting_id: i64_col(&r, "meeting_id")?,
                    item_id: i64_col(&r, "id")?,
                    plan_id: i64_col(&r, "plan_id")?,
                    decided_at: utc(&r, "decided_at")?,
                })
            })
            .transpose()?;
        Ok(RunSignoff { review: review.as_ref().map(review_from_row).transpose()?, approval })
    }

    /// `actor` marks run `run_id` reviewed: refused when `actor` made the run or it has been
    /// reviewed already (`huajie_value::review::check_review`); the review is audited.
    pub async fn review_valuation_run(&self, actor: &str, run_id: i64) -> Result<ValuationReview, StoreError> {
        self.operate(actor, async |tx| {
            let run = sqlx::query("SELECT created_by FROM valuation_runs WHERE id = $1")
                .bind(run_id)
                .fetch_optional(tx.conn())
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("valuation run {run_id}")))?;
            let preparer = text(&run, "created_by")?;
            let before = sqlx::query(REVIEW).bind(run_id).fetch_optional(tx.conn()).await?;
            let before = before.as_ref().map(review_from_row).transpose()?;
            huajie_value::review::check_review(&preparer, actor, before.as_ref().map(|r| r.reviewed_by.as_str()))
                .map_err(StoreError::Refused)?;
            let now = crate::stored_time(tx.clock.now());
            let r = sqlx::query(
                "INSERT INTO valuation_reviews (run_id, reviewed_by, reviewed_at) VALUES ($1, $2, $3) RETURNING id",
            )
            .bind(run_id)
            .bind(actor.to_string())
            .bind(crate::timestamp(now))
            .fetch_one(tx.conn())
            .await
            .map_err(|e| StoreError::on_unique(e, || Text::fixed("该估值记录的复核", "this run's review")))?;
            let review =
                ValuationReview { id: i64_col(&r, "id")?, run_id, reviewed_by: actor.to_string(), reviewed_at: now };
            tx.audit_create(&review).await?;
            Ok(review)
        })
        .await
    }
}
