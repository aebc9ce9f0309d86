//! Disposal plans (处置方案, rules.md A10, A11): the list by status and by package, the new-plan
//! form (the subject's latest valuation and cost shown before saving), and the plan's page —
//! reserve against valuation and cost, the tier and why, the gate with each problem beside its
//! field, the documents, the committee items and the announcements; tabling it before a
//! meeting and withdrawing it.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use huajie_core::{Lang, Money, Permission, Text};
use huajie_decide::{AgreementException, DisposalMethod, PlanStatus};
use huajie_store::{Plan, PlanInput, PlanSubject};
use serde::{Deserialize, Serialize};

use super::render_form;
use crate::AppState;
use crate::ctx::{Authorized, Ctx, perm};
use crate::error::AppError;
use crate::form::fields::{amount, quoting, required};
use crate::form::{Confirmed, FieldErrors, FormView, Int, Loose, Path, Query, Submitted, Uploads};
use crate::i18n::text;
use crate::view::Page;

pub const PLAN_FORM: &str = "plan-form";
pub const TABLE_FORM: &str = "table-plan";
pub const DOCUMENT_FORM: &str = "plan-documents";

#[derive(Deserialize, Default)]
pub struct PlansQuery {
    #[serde(default)]
    status: String,
    package: Option<Int>,
}

#[derive(Template)]
#[template(path = "plans.html")]
struct PlansPage {
    page: Page,
    title: &'static str,
    statuses: Vec<(String, String)>,
    status: String,
    packages: Vec<(String, String)>,
    package: String,
    rows: Vec<PlanRow>,
}

pub struct PlanRow {
    pub id: i64,
    pub title: String,
    pub subject: String,
    pub method: &'static str,
    pub reserve: String,
    pub tier: &'static str,
    pub status: &'static str,
}

/// A plan's subject in words: "债权 #3" / "Claim #3".
pub fn subject_label(s: PlanSubject, lang: Lang) -> String {
    let (kind, id) = match s {
        PlanSubject::Package(id) | PlanSubject::Claim(id) | PlanSubject::Collateral(id) => (s.kind(), id),
    };
    format!("{} #{id}", kind.name(lang))
}

fn row(p: &Plan, lang: Lang) -> PlanRow {
    PlanRow {
        id: p.id,
        title: p.title.clone(),
        subject: subject_label(p.subject, lang),
        method: p.method.name(lang),
        reserve: crate::view::opt_money(p.reserve, lang),
        tier: p.tier.name(lang),
        status: p.status.name(lang),
    }
}

/// `GET /plans?status=&package=`: the plans, newest first, by status and by package.
pub async fn list(ctx: Ctx, State(state): State<AppState>, Query(q): Query<PlansQuery>) -> Result<Response, AppError> {
    ctx.require(Permission::ViewPlans)?;
    let lang = ctx.lang;
    let plans = state.store.plans().await?;
    let mut packages: Vec<i64> = plans.iter().map(|p| p.package_id).collect();
    packages.sort_unstable();
    packages.dedup();
    let package = q.package.map(|p| p.0);
    let rows = plans
        .iter()
        .filter(|p| q.status.is_empty() || p.status.code() == q.status)
        .filter(|p| package.is_none_or(|k| p.package_id == k))
        .map(|p| row(p, lang))
        .collect();
    let page = Page::new(&ctx, &state).await?;
    render_form(
        &PlansPage {
            title: page.t("plans.title"),
            statuses: PlanStatus::ALL.iter().map(|s| (s.code().to_string(), s.name(lang).to_string())).collect(),
            status: q.status.clone(),
            packages: packages.iter().map(|p| (p.to_string(), format!("#{p}"))).collect(),
            package: package.map(|p| p.to_string()).unwrap_or_default(),
            rows,
            page,
        },
        false,
    )
}

/// The new-plan form as typed.
#[derive(Deserialize, Serialize, Default)]
pub struct PlanForm {
    #[serde(default)]
    pub subject: String,
    #[serde(default)]
    pub subject_id: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub method: String,
    #[serde(default)]
    pub exception: String,
    #[serde(default)]
    pub exception_reason: String,
    #[serde(default)]
    pub reserve: String,
    #[serde(default)]
    pub below_reason: String,
    #[serde(default)]
    pub check_id: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub team: String,
}

/// One of a named enum's values, by its code or either name; required.
fn named<T>(typed: &str, from_code: fn(&str) -> Option<T>, from_name: fn(&str) -> Option<T>) -> Result<T, Text> {
    let t = required(typed)?;
    from_code(&t).or_else(|| from_name(&t)).ok_or_else(|| quoting(&t, "form.bad_option"))
}

/// A whole number, or nothing when blank.
fn optional_id(typed: &str) -> Result<Option<i64>, Text> {
    let t = typed.trim();
    if t.is_empty() {
        return Ok(None);
    }
    huajie_core::input::parse_int(t.trim_start_matches(['#', '＃']))
        .map(Some)
        .map_err(|_| quoting(t, "plans.not_an_id"))
}

/// The subject a form names.
pub fn subject_of(kind: &str, id: &str) -> Result<PlanSubject, Text> {
    let id = optional_id(id)?.ok_or_else(|| text("form.required"))?;
    match kind.trim() {
        "package" => Ok(PlanSubject::Package(id)),
        "claim" => Ok(PlanSubject::Claim(id)),
        "collateral" => Ok(PlanSubject::Collateral(id)),
        other => Err(quoting(other, "form.bad_option")),
    }
}

impl PlanForm {
    /// The plan it describes, or every field that cannot be read.
    pub fn parse(&self) -> Result<PlanInput, FieldErrors> {
        let mut e = FieldErrors::default();
        let subject = e.read("subject", &text("plans.subject"), subject_of(&self.subject, &self.subject_id));
        let title = e.read("title", &text("plans.name"), required(&self.title));
        let method = e.read(
            "method",
            &text("plans.method"),
            named(&self.method, DisposalMethod::from_code, DisposalMethod::from_any_name),
        );
        let exception = match self.exception.trim() {
            "" => Some(None),
            t => e
                .read(
                    "exception",
                    &text("plans.exception"),
                    named(t, AgreementException::from_code, AgreementException::from_any_name),
                )
                .map(Some),
        };
        let reserve = match self.reserve.trim() {
            "" => Some(None),
            t => e.read("reserve", &text("plans.reserve"), amount(t)).map(Some),
        };
        let check_id = e.read("check_id", &text("plans.check"), optional_id(&self.check_id));
        let team = self.team.split([',', '，', ' ', '、', '\n']).map(str::trim).filter(|t| !t.is_empty());
        let team: Vec<String> = team.map(String::from).collect();
        e.finish(|| {
            Some(PlanInput {
                title: title?,
                subject: subject?,
                method: method?,
                exception: exception?,
                exception_reason: self.exception_reason.trim().to_string(),
                reserve: reserve?,
                below_reason: self.below_reason.trim().to_string(),
                check_id: check_id?,
                summary: self.summary.trim().to_string(),
                team,
            })
        })
    }
}

#[derive(Deserialize)]
pub struct NewQuery {
    #[serde(default)]
    subject: String,
    #[serde(default)]
    id: String,
}

#[derive(Template)]
#[template(path = "plan_form.html")]
struct PlanFormPage {
    page: Page,
    title: &'static str,
    form: FormView,
    subject: String,
    subject_link: String,
    valuation: String,
    valuer: String,
    cost: String,
    methods: Vec<(String, String)>,
    exceptions: Vec<(String, String)>,
}

/// Where a subject's own page is.
fn subject_link(s: PlanSubject, package_id: i64) -> String {
    match s {
        PlanSubject::Claim(c) => format!("/claims/{c}"),
        _ => format!("/packages/{package_id}"),
    }
}

/// The new-plan form for `subject` (as typed when it comes back refused).
async fn form_page(
    ctx: &Ctx,
    state: &AppState,
    subject: PlanSubject,
    form: Option<FormView>,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let a = state.store.plan_appraisal(subject).await?;
    let (kind, id) = match subject {
        PlanSubject::Package(i) => ("package", i),
        PlanSubject::Claim(i) => ("claim", i),
        PlanSubject::Collateral(i) => ("collateral", i),
    };
    let form = form.unwrap_or_else(|| {
        FormView::new(PLAN_FORM, lang)
            .with("subject", kind)
            .with("subject_id", id.to_string())
            .with("method", "online_auction")
    });
    let mut page = Page::new(ctx, state).await?;
    let refused = page.sent_back([&form]);
    let exceptions = std::iter::once((String::new(), "—".to_string()))
        .chain(AgreementException::ALL.iter().map(|x| (x.code().to_string(), x.name(lang).to_string())))
        .collect();
    let out = PlanFormPage {
        title: page.t("plans.new"),
        subject: subject_label(subject, lang),
        subject_link: subject_link(subject, a.package_id),
        valuation: crate::view::opt_money(a.valuation, lang),
        valuer: a.valuer.clone().unwrap_or_else(|| "—".into()),
        cost: crate::view::opt_money(a.cost, lang),
        methods: DisposalMethod::ALL.iter().map(|m| (m.code().to_string(), m.name(lang).to_string())).collect(),
        exceptions,
        form,
        page,
    };
    render_form(&out, refused)
}

/// `GET /plans/new?subject=claim&id=`: the new-plan form for a package, a claim or a collateral item.
pub async fn new_form(
    ctx: Ctx,
    State(state): State<AppState>,
    Query(q): Query<NewQuery>,
) -> Result<Response, AppError> {
    ctx.require(Permission::PreparePlans)?;
    let subject = FieldErrors::one("subject", &text("plans.subject"), subject_of(&q.subject, &q.id))?;
    form_page(&ctx, &state, subject, None).await
}

/// `POST /plans`: drafts the plan (saved even when its gate finds problems: its page lists them)
/// and goes to its page; a form that cannot be read comes back with each field's message.
pub async fn create(
    Authorized(ctx, user, _): Authorized<perm::PreparePlans>,
    State(state): State<AppState>,
    Submitted(form): Submitted<PlanForm>,
) -> Result<Response, AppError> {
    let created = async {
        let input = form.parse().map_err(AppError::Invalid)?;
        let plan = state.store.create_plan(&user.username, &input).await?;
        Ok(Redirect::to(&format!("/plans/{}", plan.id)).into_response())
    };
    let subject =
        subject_of(&form.subject, &form.subject_id).map_err(|t| AppError::BadRequest(t.get(ctx.lang).into()))?;
    super::or_refused(created.await, ctx.lang, (PLAN_FORM, &form), |view| form_page(&ctx, &state, subject, Some(view)))
        .await
}

/// The table-before-a-meeting form: the meeting's id (text on the page, a number or text in JSON).
#[derive(Deserialize, Serialize, Default)]
pub struct TableForm {
    #[serde(default)]
    meeting: Loose,
}

impl TableForm {
    /// The meeting's id, or what is wrong with it (missing, not an id).
    pub fn parse(&self) -> Result<i64, FieldErrors> {
        let mut e = FieldErrors::default();
        let meeting = e.read(
            "meeting",
            &text("plans.meeting"),
            optional_id(self.meeting.as_str()).and_then(|m| m.ok_or_else(|| text("form.required"))),
        );
        e.finish(|| meeting)
    }
}

/// `POST /plans/{id}/table`: puts the plan on a scheduled meeting's agenda (refused, on the
/// plan's page, while its gate finds anything).
pub async fn table(
    Path(id): Path<i64>,
    Authorized(ctx, user, _): Authorized<perm::TableItems>,
    State(state): State<AppState>,
    Submitted(form): Submitted<TableForm>,
) -> Result<Response, AppError> {
    if !user.role.tables(huajie_core::role::Tabled::Plan) {
        return Err(AppError::Forbidden);
    }
    let tabled = async {
        let meeting = form.parse().map_err(AppError::Invalid)?;
        let subject = huajie_store::ItemSubject::Plan { plan_id: id };
        state.store.table_item(&user.username, meeting, subject, &[]).await?;
        Ok(Redirect::to(&format!("/plans/{id}")).into_response())
    };
    super::or_refused(tabled.await, ctx.lang, (TABLE_FORM, &form), |view| {
        super::plans_page::page(&ctx, &state, id, Some(view))
    })
    .await
}

/// `POST /plans/{id}/withdraw`: the preparer's team withdraws a draft.
pub async fn withdraw(
    Path(id): Path<i64>,
    Authorized(ctx, user, _): Authorized<perm::PreparePlans>,
    State(state): State<AppState>,
    Submitted(form): Submitted<Confirmed>,
) -> Result<Response, AppError> {
    let done = async {
        state.store.withdraw_plan(&user.username, id).await?;
        Ok(Redirect::to(&format!("/plans/{id}")).into_response())
    };
    super::or_refused(done.await, ctx.lang, ("plan-withdraw", &form), |view| {
        super::plans_page::page(&ctx, &state, id, Some(view))
    })
    .await
}

/// `POST /plans/{id}/documents` (multipart: `file` once per document, `csrf`): attaches the
/// documents sent, all or none.
pub async fn upload_document(
    Path(id): Path<i64>,
    Authorized(ctx, user, _): Authorized<perm::PreparePlans>,
    State(state): State<AppState>,
    Uploads { form, files }: Uploads<Confirmed>,
) -> Result<Response, AppError> {
    let done = async {
        let files: Vec<(&str, &[u8])> = files.iter().map(|f| (f.name.as_str(), &f.bytes[..])).collect();
        state.store.add_plan_documents(&user.username, id, &files).await?;
        Ok(Redirect::to(&format!("/plans/{id}#plan-documents")).into_response())
    };
    super::or_refused(done.await, ctx.lang, (DOCUMENT_FORM, &form), |view| {
        super::plans_page::page(&ctx, &state, id, Some(view))
    })
    .await
}

/// `GET /plan-documents/{id}`: a document's bytes, checked against the hash recorded at upload.
pub async fn document(ctx: Ctx, State(state): State<AppState>, Path(id): Path<i64>) -> Result<Response, AppError> {
    ctx.require(Permission::ViewPlans)?;
    let (doc, bytes) = state.store.plan_document_content(id).await?;
    let name: String = doc.name.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')).collect();
    let name = if name.is_empty() { format!("document-{id}") } else { name };
    Ok(super::download(bytes, "application/octet-stream", name))
}

/// An expected gain or loss in words, and whether it is a loss.
pub fn gain(g: Option<i64>, lang: Lang) -> (String, bool) {
    match g {
        Some(g) => (Money::from_fen(g).display(lang), g < 0),
        None => ("—".into(), false),
    }
}
