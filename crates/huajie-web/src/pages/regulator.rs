//! The regulator's window (issue 16, point 7): what the regulator sees — the latest recorded
//! indicators, the recorded quarter-ends with their reports, the quarterly reports the company
//! submitted and whether they are acknowledged, the rule catalogue — with no link it may not
//! follow. The risk team submits a recorded quarter's report from the same page; the regulator
//! acknowledges it here. Both see who did what, and when (北京时间).

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use huajie_core::{Lang, Permission};
use huajie_store::ReportSubmission;

use super::render_form;
use crate::AppState;
use crate::ctx::{Authorized, Ctx, perm};
use crate::error::AppError;
use crate::form::{FormView, Path, Submitted};
use crate::i18n::tr;
use crate::view::{Page, when};

/// The form submitting a quarter's report.
pub const SUBMIT_FORM: &str = "submit-report";

/// An indicator of the latest recorded quarter-end: title, value, limit, status, its class.
type IndicatorLine = (String, String, String, &'static str, &'static str);

/// A submission as the page shows it.
pub struct SubmissionRow {
    pub id: i64,
    pub quarter: String,
    pub version: String,
    pub hash: String,
    pub by: String,
    pub at: String,
    pub status: String,
    pub status_class: &'static str,
    /// The acknowledgement's comment, if any.
    pub comment: String,
    /// The form acknowledging it (`ack-{id}`), for the regulator, and whether it is shown (while
    /// the submission awaits acknowledgement).
    pub ack: Option<FormView>,
    pub can_ack: bool,
}

#[derive(Template)]
#[template(path = "regulator.html")]
struct RegulatorPage {
    page: Page,
    title: &'static str,
    /// The latest recorded quarter-end and its indicators: (title, value, limit, status, class).
    latest: Option<(String, Vec<IndicatorLine>)>,
    /// Recorded quarter-ends: quarter, parameter version, by, at.
    recorded: Vec<(String, i64, String, String)>,
    awaiting: Vec<SubmissionRow>,
    submissions: Vec<SubmissionRow>,
    /// The quarters the risk team may submit, and its form.
    quarters: Vec<(String, String)>,
    submit: Option<FormView>,
}

/// A user's name as people know it (their display name), or the user name when unknown.
async fn names(state: &AppState) -> Result<HashMap<String, String>, AppError> {
    Ok(state.store.users().await?.into_iter().map(|u| (u.username, u.display_name)).collect())
}

fn name_of(names: &HashMap<String, String>, username: &str) -> String {
    names.get(username).cloned().unwrap_or_else(|| username.to_string())
}

fn submission_row(
    s: &ReportSubmission,
    latest_version: i64,
    names: &HashMap<String, String>,
    ctx: &Ctx,
    sent_back: &mut Option<FormView>,
) -> SubmissionRow {
    let lang = ctx.lang;
    let mut version = tr(lang, "regulator.version_n").replace("{n}", &s.version.to_string());
    if s.version > 1 {
        version.push_str(tr(lang, "regulator.correction"));
    }
    let (status, status_class, comment) = match &s.acknowledgement {
        Some(a) => (
            tr(lang, "regulator.acknowledged")
                .replace("{who}", &name_of(names, &a.acknowledged_by))
                .replace("{when}", &when(a.acknowledged_at, lang)),
            "pass",
            a.comment.clone(),
        ),
        None if s.version < latest_version => (tr(lang, "regulator.superseded").to_string(), "muted", String::new()),
        None => (tr(lang, "regulator.pending").to_string(), "amber", String::new()),
    };
    let awaiting = s.acknowledgement.is_none() && s.version == latest_version;
    // The form is kept for every submission the regulator may acknowledge or tried to: an
    // acknowledgement refused (twice, superseded) comes back saying why.
    let ack =
        ctx.can(Permission::AcknowledgeReports).then(|| FormView::new(format!("ack-{}", s.id), lang).unless(sent_back));
    SubmissionRow {
        id: s.id,
        quarter: s.quarter_end.to_string(),
        version,
        hash: s.body_sha256.clone(),
        by: name_of(names, &s.submitted_by),
        at: when(s.submitted_at, lang),
        status,
        status_class,
        comment,
        can_ack: awaiting && ack.is_some(),
        ack,
    }
}

/// The latest recorded quarter-end's indicators, as the regulator reads them.
fn latest_indicators(results: &[huajie_store::IndicatorResult], lang: Lang) -> Option<(String, Vec<IndicatorLine>)> {
    let r = results.first()?;
    let rules = huajie_rules::catalogue();
    let rows = r
        .indicators
        .iter()
        .map(|i| {
            let title = rules
                .iter()
                .find(|rule| rule.id == i.id)
                .map(|rule| format!("{:?} {}", i.id, lang.pick(rule.zh, rule.en)))
                .unwrap_or_else(|| format!("{:?}", i.id));
            let (status, class) = super::compliance::status_of(i, lang);
            (title, super::compliance::value_of(i, lang), i.shown_limit(), status, class)
        })
        .collect();
    Some((r.quarter_end.to_string(), rows))
}

/// The page; with one of its forms sent back, that form as typed with its message.
async fn regulator_page(ctx: &Ctx, state: &AppState, mut sent_back: Option<FormView>) -> Result<Response, AppError> {
    ctx.require(Permission::ViewCompliance)?;
    let lang = ctx.lang;
    let names = names(state).await?;
    let results = state.store.indicator_results().await?;
    let all = state.store.report_submissions().await?;
    let mut latest: HashMap<NaiveDate, i64> = HashMap::new();
    for s in &all {
        let v = latest.entry(s.quarter_end).or_insert(0);
        *v = (*v).max(s.version);
    }
    let submissions: Vec<SubmissionRow> =
        all.iter().map(|s| submission_row(s, latest[&s.quarter_end], &names, ctx, &mut sent_back)).collect();
    let awaiting = all
        .iter()
        .filter(|s| s.acknowledgement.is_none() && s.version == latest[&s.quarter_end])
        .map(|s| submission_row(s, s.version, &names, ctx, &mut None))
        .collect();
    let mut quarters: Vec<(String, String)> =
        results.iter().map(|r| (r.quarter_end.to_string(), r.quarter_end.to_string())).collect();
    quarters.dedup();
    let submit = ctx.can(Permission::RecordIndicators).then(|| {
        let first = quarters.first().map(|q| q.0.clone()).unwrap_or_default();
        FormView::new(SUBMIT_FORM, lang).with("quarter", first).unless(&mut sent_back)
    });
    let recorded = results
        .iter()
        .map(|r| {
            (r.quarter_end.to_string(), r.parameter_version, name_of(&names, &r.created_by), when(r.created_at, lang))
        })
        .collect();
    let mut page = Page::new(ctx, state).await?;
    let acks = submissions.iter().filter_map(|s| s.ack.as_ref());
    let refused = page.sent_back(acks.chain(submit.as_ref()));
    let p = RegulatorPage {
        title: page.t("regulator.title"),
        latest: latest_indicators(&results, lang),
        recorded,
        awaiting,
        submissions,
        quarters,
        submit,
        page,
    };
    render_form(&p, refused)
}

/// `GET /regulator`: the regulator's window (its home), which the risk team also reads.
pub async fn show(ctx: Ctx, State(state): State<AppState>) -> Result<Response, AppError> {
    regulator_page(&ctx, &state, None).await
}

/// The quarter to submit.
#[derive(serde::Deserialize, serde::Serialize, Default)]
pub struct SubmitForm {
    #[serde(default)]
    pub quarter: String,
}

/// `POST /regulator/submissions`: the risk team submits the quarter's recorded report.
pub async fn submit(
    Authorized(ctx, user, _): Authorized<perm::RecordIndicators>,
    State(state): State<AppState>,
    Submitted(form): Submitted<SubmitForm>,
) -> Result<Response, AppError> {
    let submitted = async {
        let quarter = crate::form::FieldErrors::one(
            "quarter",
            &crate::i18n::text("regulator.quarter"),
            crate::form::fields::date(&form.quarter),
        )?;
        state.store.submit_report(&user.username, quarter).await?;
        Ok(Redirect::to("/regulator#submissions").into_response())
    };
    let page = |form| regulator_page(&ctx, &state, Some(form));
    super::or_refused(submitted.await, ctx.lang, (SUBMIT_FORM, &form), page).await
}

/// The acknowledgement's comment.
#[derive(serde::Deserialize, serde::Serialize, Default)]
pub struct AckForm {
    #[serde(default)]
    pub comment: String,
}

/// `POST /regulator/submissions/{id}/acknowledge`: the regulator acknowledges a submission.
pub async fn acknowledge(
    Path(id): Path<i64>,
    Authorized(ctx, user, _): Authorized<perm::AcknowledgeReports>,
    State(state): State<AppState>,
    Submitted(form): Submitted<AckForm>,
) -> Result<Response, AppError> {
    let acknowledged = async {
        state.store.acknowledge_report(&user.username, id, &form.comment).await?;
        Ok(Redirect::to("/regulator#submissions").into_response())
    };
    let page = |form| regulator_page(&ctx, &state, Some(form));
    super::or_refused(acknowledged.await, ctx.lang, (format!("ack-{id}"), &form), page).await
}
