//! A disposal plan's page: subject, method, reserve against valuation and cost, the expected
//! gain or loss, the tier and why, THE GATE (each problem beside its field; "cannot go to the
//! committee" while any), the documents, the committee items and their outcome, the
//! announcements; the forms to table it, withdraw it, add documents and draft its announcement.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use huajie_core::{Lang, Permission};
use huajie_decide::plan::Gate;
use huajie_decide::{MeetingStatus, PlanStatus};
use huajie_store::Plan;

use super::plans::{DOCUMENT_FORM, TABLE_FORM, gain, subject_label};
use super::render_form;
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::form::{FormView, Path};
use crate::i18n::tr;
use crate::view::Page;

/// One line of the plan's facts, with the gate's problem about it, if any.
pub struct Fact {
    pub key: &'static str,
    pub label: &'static str,
    pub value: String,
    pub problem: Option<String>,
    /// Shown in red (a loss).
    pub loss: bool,
}

#[derive(Template)]
#[template(path = "plan.html")]
struct PlanPage {
    page: Page,
    title: String,
    plan_id: i64,
    status: &'static str,
    package_id: i64,
    facts: Vec<Fact>,
    passed: bool,
    /// Problems about no field shown (by key) in the facts: listed in the gate box.
    problems: Vec<String>,
    tier: &'static str,
    senior_because: String,
    summary: String,
    team: String,
    prepared_by: String,
    /// Documents: id, name, size, sha256, by, at.
    documents: Vec<(i64, String, String, String, String, String)>,
    /// Committee items: id, meeting, status, outcome.
    items: Vec<(i64, i64, &'static str, String)>,
    /// Announcements: id, version, status, published at.
    announcements: Vec<(i64, i64, &'static str, String)>,
    /// Scheduled meetings the plan may be tabled before: id, title and date.
    meetings: Vec<(String, String)>,
    can_table: bool,
    can_prepare: bool,
    can_withdraw: bool,
    can_draft: bool,
    table_form: FormView,
    upload_max: String,
    /// The plan's lot once set up, or the form to set it up (issue 14).
    lot: super::lot_form::PlanLot,
    /// Its sale, once its lot sold (staff who see lots).
    show_sales: bool,
    sales: Vec<super::sales::SaleLine>,
}

/// The keys of the facts the gate's problems are shown beside.
const FACT_KEYS: &[&str] = &[
    "subject",
    "method",
    "exception",
    "exception_reason",
    "reserve",
    "valuation",
    "below_reason",
    "transferee",
    "cost",
];

fn facts(p: &Plan, gate: &Gate, lang: Lang) -> Vec<Fact> {
    let problem = |key: &str| {
        let found: Vec<&str> = gate.problems.iter().filter(|(f, _)| *f == key).map(|(_, t)| t.get(lang)).collect();
        (!found.is_empty()).then(|| found.join(" "))
    };
    let (expected, loss) = gain(gate.expected_gain, lang);
    let t = |k| tr(lang, k);
    let money = |m| crate::view::opt_money(m, lang);
    let fact = |key: &'static str, label: &'static str, value: String| Fact {
        key,
        label: t(label),
        value,
        problem: problem(key),
        loss: false,
    };
    vec![
        fact("subject", "plans.subject", subject_label(p.subject, lang)),
        fact("method", "plans.method", p.method.name(lang).to_string()),
        fact("exception", "plans.exception", crate::view::opt_name(p.exception, lang, |x, l| x.name(l))),
        fact("exception_reason", "plans.exception_reason", p.exception_reason.clone()),
        fact("reserve", "plans.reserve", money(p.reserve)),
        fact(
            "valuation",
            "plans.valuation",
            format!("{}（{}）", money(p.valuation), p.valuer.as_deref().unwrap_or("—")),
        ),
        fact("below_reason", "plans.below_reason", p.below_reason.clone()),
        fact("transferee", "plans.check", p.check_id.map(|c| format!("#{c}")).unwrap_or_else(|| "—".into())),
        fact("cost", "plans.cost", money(p.cost)),
        Fact { key: "expected_gain", label: t("plans.expected_gain"), value: expected, problem: None, loss },
    ]
}

/// The plan's documents, committee items, announcements, and the meetings it may be tabled before.
async fn lists(state: &AppState, id: i64, lang: Lang) -> Result<Lists, AppError> {
    let documents = state
        .store
        .plan_documents(Some(id))
        .await?
        .into_iter()
        .map(|d| {
            let size = format!("{:.1} KB", d.bytes as f64 / 1024.0);
            (d.id, d.name, size, d.sha256, d.uploaded_by, crate::view::when(d.uploaded_at, lang))
        })
        .collect();
    let items = state
        .store
        .committee_items()
        .await?
        .into_iter()
        .filter(|i| i.plan_id == Some(id))
        .map(|i| {
            (i.id, i.meeting_id, i.status.name(lang), i.outcome.map(|o| o.get(lang).to_string()).unwrap_or_default())
        })
        .collect();
    let announcements = state
        .store
        .announcements(Some(id))
        .await?
        .into_iter()
        .map(|a| {
            (
                a.id,
                a.version,
                a.status.name(lang),
                a.published_at.map(|t| crate::view::when(t, lang)).unwrap_or_default(),
            )
        })
        .collect();
    let meetings = state
        .store
        .meetings()
        .await?
        .into_iter()
        .filter(|m| matches!(m.status, MeetingStatus::Scheduled | MeetingStatus::InSession))
        .map(|m| (m.id.to_string(), format!("{}（{}）", m.title, crate::view::when(m.scheduled_for, lang))))
        .collect();
    Ok((documents, items, announcements, meetings))
}

/// The page's lists, as `PlanPage` holds them.
type Lists = (
    Vec<(i64, String, String, String, String, String)>,
    Vec<(i64, i64, &'static str, String)>,
    Vec<(i64, i64, &'static str, String)>,
    Vec<(String, String)>,
);

/// The plan's page; `sent_back` is one of its forms refused (shown again with its message).
pub async fn page(ctx: &Ctx, state: &AppState, id: i64, mut sent_back: Option<FormView>) -> Result<Response, AppError> {
    ctx.require(Permission::ViewPlans)?;
    let lang = ctx.lang;
    let plan = state.store.plan(id).await?;
    let gate = state.store.plan_gate(id).await?;
    let (documents, items, announcements, meetings) = lists(state, id, lang).await?;
    let sales = super::sales::sale_lines(ctx, state, plan.package_id, Some(id)).await?;
    let forms = (
        FormView::new(TABLE_FORM, lang).unless(&mut sent_back),
        FormView::new(DOCUMENT_FORM, lang).unless(&mut sent_back),
        FormView::new("plan-withdraw", lang).unless(&mut sent_back),
        FormView::new("draft-announcement", lang).unless(&mut sent_back),
    );
    let lot = super::lot_form::plan_lot(ctx, state, &plan, &mut sent_back).await?;
    let mut page = Page::new(ctx, state).await?;
    let refused = page.sent_back([&forms.0, &forms.1, &forms.2, &forms.3].into_iter().chain(lot.form.as_ref()));
    let out = PlanPage {
        title: format!("{} #{id}：{}", tr(lang, "plans.plan"), plan.title),
        plan_id: id,
        status: plan.status.name(lang),
        package_id: plan.package_id,
        facts: facts(&plan, &gate, lang),
        passed: gate.passed(),
        problems: gate
            .problems
            .iter()
            .filter(|(f, _)| !FACT_KEYS.contains(f))
            .map(|(_, t)| t.get(lang).to_string())
            .collect(),
        tier: gate.tier.name(lang),
        senior_because: gate.senior_because.iter().map(|t| t.get(lang)).collect::<Vec<_>>().join(lang.pick("；", "; ")),
        summary: plan.summary.clone(),
        team: plan.team.join(lang.pick("、", ", ")),
        prepared_by: plan.prepared_by.clone(),
        documents,
        items,
        announcements,
        meetings,
        can_table: ctx.user().is_some_and(|u| u.role.tables(huajie_core::role::Tabled::Plan))
            && plan.status == PlanStatus::Draft,
        can_prepare: ctx.can(Permission::PreparePlans)
            && matches!(plan.status, PlanStatus::Draft | PlanStatus::Submitted),
        can_withdraw: ctx.can(Permission::PreparePlans) && plan.status == PlanStatus::Draft,
        can_draft: ctx.can(Permission::ManageAnnouncements)
            && plan.status == PlanStatus::Approved
            && plan.method.is_public(),
        table_form: forms.0,
        upload_max: format!("{} MB", huajie_store::PLAN_DOCUMENT_BYTES_MAX / 1024 / 1024),
        lot,
        show_sales: !sales.is_empty(),
        sales,
        page,
    };
    render_form(&out, refused)
}

/// `GET /plans/{id}`: the plan's page.
pub async fn show(ctx: Ctx, State(state): State<AppState>, Path(id): Path<i64>) -> Result<Response, AppError> {
    page(&ctx, &state, id, None).await
}
