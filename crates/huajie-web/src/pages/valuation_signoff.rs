//! A valuation run's sign-off (issue 16, point 4): who prepared, reviewed and approved it, shown
//! on the run's page with the review button (`POST /valuations/{id}/review`, a second person:
//! never the run's preparer), and the run's reports (.xlsx, PDF) signed alike
//! (`huajie_report::signoff`). Approved: a disposal plan that cites the run passed the committee.

use std::collections::HashMap;

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use huajie_core::{Lang, LitigationStage, Permission};
use huajie_report::signoff::{BLANK, Signature, Signoff};
use huajie_report::valuation::{ClaimLine as ReportLine, RunInfo, label};
use huajie_store::{AssumptionSet, ValuationRun};
use huajie_value::appraisal::Appraisal;
use serde::{Deserialize, Serialize};

use super::{XLSX, download};
use crate::AppState;
use crate::ctx::{Authorized, Ctx, perm};
use crate::error::AppError;
use crate::form::{Path, Submitted};
use crate::view::party_view;

/// The review form's HTML id.
pub const REVIEW_FORM: &str = "review-form";

/// A run's sign-off as its page shows it.
pub struct SignoffView {
    pub run_id: i64,
    pub status: &'static str,
    /// `draft`, `reviewed` or `approved`.
    pub status_code: &'static str,
    /// Role, name, time (北京时间); "—" where not yet signed.
    pub lines: Vec<[String; 3]>,
    /// The button is offered: this user may review runs, and the run is not reviewed yet.
    pub can_review: bool,
}

/// The sign-off of `run`, its report produced now.
pub async fn run_signoff(state: &AppState, run: &ValuationRun, lang: Lang) -> Result<Signoff, AppError> {
    let stored = state.store.valuation_signoff(run.id).await?;
    let approved = stored.approval.map(|a| {
        let by = match lang {
            Lang::Zh => format!("决策委员会（会议 #{}，议题 #{}）", a.meeting_id, a.item_id),
            Lang::En => format!("Decision committee (meeting #{}, item #{})", a.meeting_id, a.item_id),
        };
        Signature::new(by, a.decided_at)
    });
    let s = Signoff::new(format!("{} #{}", label("run", lang), run.id), state.store.clock().now())
        .prepared_by(Signature::new(run.created_by.clone(), run.created_at))
        .reviewed_by(stored.review.map(|r| Signature::new(r.reviewed_by, r.reviewed_at)))
        .approved_by(approved);
    super::signoffs::by_name(state, s).await
}

/// The sign-off panel of the run shown on a valuation page, if a run is shown.
pub async fn page_view(
    state: &AppState,
    ctx: &Ctx,
    run: Option<&ValuationRun>,
) -> Result<Option<SignoffView>, AppError> {
    let Some(run) = run else { return Ok(None) };
    let s = run_signoff(state, run, ctx.lang).await?;
    let status = s.status();
    Ok(Some(SignoffView {
        run_id: run.id,
        status: status.name(ctx.lang),
        status_code: match status {
            huajie_report::signoff::Status::Draft => "draft",
            huajie_report::signoff::Status::Reviewed => "reviewed",
            huajie_report::signoff::Status::Approved => "approved",
        },
        lines: s
            .lines(ctx.lang)
            .into_iter()
            .map(|line| line.map(|cell| if cell == BLANK { "—".to_string() } else { cell }))
            .collect(),
        can_review: ctx.can(Permission::ReviewValuations) && s.reviewed.is_none(),
    }))
}

/// The review form: a button, its CSRF token read by the extractor.
#[derive(Deserialize, Serialize)]
pub struct ReviewForm {}

/// `POST /valuations/{id}/review`: marks the run reviewed by this user; refused, beside the
/// button, to the run's preparer and once it is reviewed.
pub async fn review(
    Path(id): Path<i64>,
    Authorized(ctx, user, _): Authorized<perm::ReviewValuations>,
    State(state): State<AppState>,
    Submitted(f): Submitted<ReviewForm>,
) -> Result<Response, AppError> {
    let run = state.store.valuation_run(id).await?.ok_or(AppError::NotFound)?;
    let done = async {
        state.store.review_valuation_run(&user.username, id).await?;
        Ok(Redirect::to(&format!("/valuations/{id}")).into_response())
    };
    super::or_refused(done.await, ctx.lang, (REVIEW_FORM, &f), |form| {
        super::valuation::page_with(&ctx, &state, &run, form)
    })
    .await
}

/// The report's claim lines, with personal names masked for roles that do not own them.
async fn report_lines(
    state: &AppState,
    ctx: &Ctx,
    run: &ValuationRun,
) -> Result<(Appraisal, Vec<ReportLine>, RunInfo, AssumptionSet), AppError> {
    let lang = ctx.lang;
    let mut a = run.appraisal().map_err(AppError::from)?;
    a.claims = state.store.valuation_claims(run.id).await?;
    let rows = state.store.claims_of_package(run.package_id).await?;
    let by_id: HashMap<i64, &huajie_store::ClaimRow> = rows.iter().map(|r| (r.claim.id, r)).collect();
    let mut lines: Vec<ReportLine> = a
        .claims
        .iter()
        .filter_map(|c| {
            by_id.get(&c.id).map(|row| ReportLine {
                result: c.clone(),
                contract_no: row.claim.data.contract_no.clone(),
                debtor: party_view(&row.debtor, ctx).name,
                stage: row.claim.data.litigation_stage.map_or("—", |s: LitigationStage| s.name(lang)).to_string(),
            })
        })
        .collect();
    lines.sort_by(|x, y| x.contract_no.cmp(&y.contract_no));
    let package = state.store.package(run.package_id).await?.ok_or(AppError::NotFound)?;
    let set = state.store.assumption_set(run.assumption_set_id).await?.ok_or(AppError::NotFound)?;
    let tape_version = match run.tape_import_id {
        Some(id) => state.store.tape_import(id).await?.map(|t| t.version),
        None => None,
    };
    let info = RunInfo {
        company: state.store.company().await?.map(|c| c.name).unwrap_or_default(),
        package_code: package.package.data.code.clone(),
        package_name: package.package.data.name.clone(),
        run_id: Some(run.id),
        assumption_set: set.name.clone(),
        assumption_version: set.version,
        assumption_sha256: set.body_sha256.clone(),
        tape_version,
        created_by: run.created_by.clone(),
        created_at: crate::view::when(run.created_at, lang),
        signoff: run_signoff(state, run, lang).await?,
    };
    Ok((a, lines, info, set))
}

/// A run's report file name: `valuation-{package code}-run{id}.{ext}`.
fn file_name(info: &RunInfo, id: i64, ext: &str) -> String {
    format!("valuation-{}-run{id}.{ext}", info.package_code)
}

/// `GET /valuations/{id}/report.xlsx`.
pub async fn report_xlsx(ctx: Ctx, State(state): State<AppState>, Path(id): Path<i64>) -> Result<Response, AppError> {
    ctx.require(Permission::ViewValuations)?;
    let run = state.store.valuation_run(id).await?.ok_or(AppError::NotFound)?;
    let (a, lines, info, set) = report_lines(&state, &ctx, &run).await?;
    let bytes = huajie_report::valuation::valuation_xlsx(&info, &a, &lines, &set.assumptions, ctx.lang)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(download(bytes, XLSX, file_name(&info, id, "xlsx")))
}

/// `GET /valuations/{id}/report.pdf`.
pub async fn report_pdf(ctx: Ctx, State(state): State<AppState>, Path(id): Path<i64>) -> Result<Response, AppError> {
    ctx.require(Permission::ViewValuations)?;
    let run = state.store.valuation_run(id).await?.ok_or(AppError::NotFound)?;
    let (a, lines, info, set) = report_lines(&state, &ctx, &run).await?;
    let lang = ctx.lang;
    let name = file_name(&info, id, "pdf");
    let bytes = tokio::task::spawn_blocking(move || {
        huajie_report::valuation_pdf::valuation_pdf(&info, &a, &lines, &set.assumptions, lang)
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
    .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(download(bytes, "application/pdf", name))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_report_is_named_by_its_package_and_run() {
        let info = huajie_report::valuation::RunInfo {
            company: String::new(),
            package_code: "ZJ-2026-01".into(),
            package_name: String::new(),
            run_id: Some(7),
            assumption_set: String::new(),
            assumption_version: 1,
            assumption_sha256: String::new(),
            tape_version: None,
            created_by: String::new(),
            created_at: String::new(),
            signoff: huajie_report::signoff::Signoff::new("", chrono::DateTime::UNIX_EPOCH),
        };
        assert_eq!(super::file_name(&info, 7, "pdf"), "valuation-ZJ-2026-01-run7.pdf");
    }
}
