//! The quarterly report to the regulator (issue 16, point 7): the risk team submits the result it
//! recorded for a quarter-end (the result's id and hash kept with the submission, so what the
//! regulator received is the recorded figures, byte for byte); the regulator acknowledges it.
//! A correction — the quarter recorded again — submitted is the next version. Each operation
//! reads through its write transaction and asks `huajie_rules::reporting`; every record audited.

use chrono::NaiveDate;
use huajie_rules::reporting::{ReportRefusal, Submitted, may_acknowledge, may_submit};
use serde::Serialize;

use crate::audit::Audited;
use crate::rows::{date, date_text, i64_col, opt_i64, text};
use crate::{Store, StoreError, WriteTx};

/// A quarter's report as submitted: the recorded result it was made from and its hash, by whom
/// and when, and the regulator's acknowledgement once given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportSubmission {
    pub id: i64,
    pub quarter_end: NaiveDate,
    /// 1 for the first submission of the quarter; each corrected one the next.
    pub version: i64,
    pub result_id: i64,
    pub body_sha256: String,
    pub submitted_by: String,
    #[serde(serialize_with = "crate::rows::stored_time")]
    pub submitted_at: chrono::DateTime<chrono::Utc>,
    #[serde(skip)]
    pub acknowledgement: Option<ReportAcknowledgement>,
}

impl Audited for ReportSubmission {
    const ENTITY: &'static str = "report_submission";
    fn audit_id(&self) -> String {
        self.id.to_string()
    }
}

/// The regulator's acknowledgement of a submission: who, when, and its comment (may be empty).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportAcknowledgement {
    pub id: i64,
    pub submission_id: i64,
    pub comment: String,
    pub acknowledged_by: String,
    #[serde(serialize_with = "crate::rows::stored_time")]
    pub acknowledged_at: chrono::DateTime<chrono::Utc>,
}

impl Audited for ReportAcknowledgement {
    const ENTITY: &'static str = "report_acknowledgement";
    fn audit_id(&self) -> String {
        self.id.to_string()
    }
}

const SELECT: &str = "SELECT s.id, s.quarter_end, s.version, s.result_id, s.body_sha256, s.submitted_by, s.submitted_at, a.id AS ack_id, a.comment, a.acknowledged_by, a.acknowledged_at FROM report_submissions s LEFT JOIN report_acknowledgements a ON a.submission_id = s.id";

fn from_row(r: &sqlx::any::AnyRow) -> Result<ReportSubmission, StoreError> {
    let id = i64_col(r, "id")?;
    let acknowledgement = match opt_i64(r, "ack_id")? {
        Some(ack) => Some(ReportAcknowledgement {
            id: ack,
            submission_id: id,
            comment: text(r, "comment")?,
            acknowledged_by: text(r, "acknowledged_by")?,
            acknowledged_at: crate::rows::utc(r, "acknowledged_at")?,
        }),
        None => None,
    };
    Ok(ReportSubmission {
        id,
        quarter_end: date(r, "quarter_end")?,
        version: i64_col(r, "version")?,
        result_id: i64_col(r, "result_id")?,
        body_sha256: text(r, "body_sha256")?,
        submitted_by: text(r, "submitted_by")?,
        submitted_at: crate::rows::utc(r, "submitted_at")?,
        acknowledgement,
    })
}

/// The entities of issue 16's records whose rows the audit's verification compares with the chain.
pub(crate) const AUDITED: &[&str] = &["check_override_approval", "report_submission", "report_acknowledgement"];

/// Their rows as the JSON their audit records hold (`Store::verify_audit`).
pub(crate) async fn audited_rows(
    store: &Store,
    out: &mut std::collections::BTreeMap<(String, String), String>,
) -> Result<(), StoreError> {
    crate::audit::put(out, store.override_approvals().await?);
    crate::audit::put(out, store.report_submissions().await?);
    crate::audit::put(out, store.report_acknowledgements().await?);
    Ok(())
}

impl ReportSubmission {
    fn as_submitted(&self) -> Submitted {
        Submitted { result_id: self.result_id, version: self.version, acknowledged: self.acknowledgement.is_some() }
    }
}

impl Store {
    /// Every submission, the latest quarter first and, within a quarter, the latest version first.
    pub async fn report_submissions(&self) -> Result<Vec<ReportSubmission>, StoreError> {
        let rows = sqlx::query(crate::composed(format!("{SELECT} ORDER BY s.quarter_end DESC, s.version DESC")))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(from_row).collect()
    }

    /// One submission, with its acknowledgement.
    pub async fn report_submission(&self, id: i64) -> Result<Option<ReportSubmission>, StoreError> {
        let row = sqlx::query(crate::composed(format!("{SELECT} WHERE s.id = $1")))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// Every acknowledgement (for the audit's comparison of rows and chain).
    pub async fn report_acknowledgements(&self) -> Result<Vec<ReportAcknowledgement>, StoreError> {
        Ok(self.report_submissions().await?.into_iter().filter_map(|s| s.acknowledgement).collect())
    }

    /// Submits the result recorded last for `quarter_end` to the regulator (refused when none is
    /// recorded, or when that result is submitted already): the quarter's next version.
    pub async fn submit_report(&self, actor: &str, quarter_end: NaiveDate) -> Result<ReportSubmission, StoreError> {
        self.operate(actor, async |tx| tx.submit_report(quarter_end).await).await
    }

    /// The regulator acknowledges submission `id`, with an optional comment (not found: no such
    /// submission; refused: one acknowledged already, or one a later version superseded).
    pub async fn acknowledge_report(
        &self,
        actor: &str,
        id: i64,
        comment: &str,
    ) -> Result<ReportAcknowledgement, StoreError> {
        self.operate(actor, async |tx| tx.acknowledge_report(id, comment).await).await
    }
}

impl WriteTx {
    async fn quarter_submissions(&mut self, quarter_end: NaiveDate) -> Result<Vec<ReportSubmission>, StoreError> {
        let rows = sqlx::query(crate::composed(format!("{SELECT} WHERE s.quarter_end = $1 ORDER BY s.version")))
            .bind(date_text(quarter_end))
            .fetch_all(&mut *self.tx)
            .await?;
        rows.iter().map(from_row).collect()
    }

    /// `Store::submit_report` inside this transaction.
    pub async fn submit_report(&mut self, quarter_end: NaiveDate) -> Result<ReportSubmission, StoreError> {
        let recorded = sqlx::query(
            "SELECT id, body_sha256 FROM indicator_results WHERE quarter_end = $1 ORDER BY id DESC LIMIT 1",
        )
        .bind(date_text(quarter_end))
        .fetch_optional(&mut *self.tx)
        .await?;
        let recorded =
            recorded.map(|r| Ok::<_, StoreError>((i64_col(&r, "id")?, text(&r, "body_sha256")?))).transpose()?;
        let earlier: Vec<Submitted> =
            self.quarter_submissions(quarter_end).await?.iter().map(ReportSubmission::as_submitted).collect();
        let version =
            may_submit(recorded.as_ref().map(|r| r.0), &earlier).map_err(|r| StoreError::Refused(r.text()))?;
        let (result_id, body_sha256) = recorded.expect("may_submit refuses a quarter not recorded");
        let submitted_at = crate::stored_time(self.clock.now());
        let r = sqlx::query("INSERT INTO report_submissions (quarter_end, version, result_id, body_sha256, submitted_by, submitted_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
            .bind(date_text(quarter_end))
            .bind(version)
            .bind(result_id)
            .bind(body_sha256.as_str())
            .bind(self.actor().to_string())
            .bind(crate::timestamp(submitted_at))
            .fetch_one(&mut *self.tx)
            .await
            .map_err(|e| match StoreError::on_unique(e, || ReportRefusal::AlreadySubmitted.text()) {
                StoreError::Duplicate(text) => StoreError::Refused(text),
                other => other,
            })?;
        let s = ReportSubmission {
            id: i64_col(&r, "id")?,
            quarter_end,
            version,
            result_id,
            body_sha256,
            submitted_by: self.actor().to_string(),
            submitted_at,
            acknowledgement: None,
        };
        self.audit_create(&s).await?;
        Ok(s)
    }

    /// `Store::acknowledge_report` inside this transaction.
    pub async fn acknowledge_report(&mut self, id: i64, comment: &str) -> Result<ReportAcknowledgement, StoreError> {
        let row = sqlx::query(crate::composed(format!("{SELECT} WHERE s.id = $1")))
            .bind(id)
            .fetch_optional(&mut *self.tx)
            .await?;
        // No such submission: nothing was submitted to acknowledge.
        let Some(this) = row.as_ref().map(from_row).transpose()? else {
            return Err(StoreError::NotFound(format!("报送 / submission {id}")));
        };
        let all: Vec<Submitted> =
            self.quarter_submissions(this.quarter_end).await?.iter().map(ReportSubmission::as_submitted).collect();
        may_acknowledge(this.version, &all).map_err(|r| StoreError::Refused(r.text()))?;
        let acknowledged_at = crate::stored_time(self.clock.now());
        let comment = comment.trim().to_string();
        let r = sqlx::query("INSERT INTO report_acknowledgements (submission_id, comment, acknowledged_by, acknowledged_at) VALUES ($1, $2, $3, $4) RETURNING id")
            .bind(id)
            .bind(comment.as_str())
            .bind(self.actor().to_string())
            .bind(crate::timestamp(acknowledged_at))
            .fetch_one(&mut *self.tx)
            .await
            .map_err(|e| match StoreError::on_unique(e, || ReportRefusal::AlreadyAcknowledged.text()) {
                StoreError::Duplicate(text) => StoreError::Refused(text),
                other => other,
            })?;
        let a = ReportAcknowledgement {
            id: i64_col(&r, "id")?,
            submission_id: id,
            comment,
            acknowledged_by: self.actor().to_string(),
            acknowledged_at,
        };
        self.audit_create(&a).await?;
        Ok(a)
    }
}
