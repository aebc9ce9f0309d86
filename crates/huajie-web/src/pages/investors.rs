//! Investors (issue 14), as staff who qualify them see them: the queue by status, each
//! investor's page (profile, documents, the screening against the party graph) and the
//! decisions — qualify, refuse with a reason, ask for more documents. A KYC document is read by
//! those staff and by the investor who uploaded it, never by another investor. Personal data is
//! masked for roles without `ViewPersonalData`.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use huajie_core::mask::{mask_email, mask_id_number, mask_person_name, mask_phone};
use huajie_core::{Lang, Lifecycle, Permission};
use huajie_decide::investor::{InvestorKind, InvestorStatus};
use huajie_rules::checks::{Effect, Finding};
use huajie_store::{Investor, InvestorDocument};
use serde::{Deserialize, Serialize};

use super::render_form;
use crate::AppState;
use crate::ctx::{Authorized, Ctx, perm};
use crate::error::AppError;
use crate::form::fields::required;
use crate::form::{Confirmed, FieldErrors, FormView, Path, Query, Submitted};
use crate::i18n::text;
use crate::view::Page;

pub const QUALIFY_FORM: &str = "investor-qualify";
pub const REFUSE_FORM: &str = "investor-refuse";
pub const REQUEST_FORM: &str = "investor-request";

/// An investor as a viewer may see it: individuals' names and ID numbers, and every phone,
/// e-mail and legal representative's name, masked unless the viewer may see personal data.
#[derive(Debug, Clone, Serialize)]
pub struct InvestorView {
    pub id: i64,
    pub kind: &'static str,
    pub kind_name: &'static str,
    pub name: String,
    pub identifier: String,
    pub legal_rep: String,
    pub phone: String,
    pub email: String,
    pub party_id: i64,
    pub status: &'static str,
    pub status_name: &'static str,
    pub request: String,
    pub refusal: String,
    pub registered_at: String,
    pub decided_by: String,
    pub decided_at: String,
}

impl InvestorView {
    pub fn of(i: &Investor, lang: Lang, personal: bool) -> InvestorView {
        let person = i.kind == InvestorKind::Individual;
        let masked = |s: &str, f: fn(&str) -> String| if personal { s.to_string() } else { f(s) };
        InvestorView {
            id: i.id,
            kind: i.kind.code(),
            kind_name: i.kind.name(lang),
            name: if person { masked(&i.name, mask_person_name) } else { i.name.clone() },
            identifier: if person { masked(&i.identifier, mask_id_number) } else { i.identifier.clone() },
            legal_rep: i.legal_rep.as_deref().map(|r| masked(r, mask_person_name)).unwrap_or_default(),
            phone: masked(&i.phone, mask_phone),
            email: masked(&i.email, mask_email),
            party_id: i.party_id,
            status: i.status.code(),
            status_name: i.status.name(lang),
            request: i.request.clone().unwrap_or_default(),
            refusal: i.refusal.clone().unwrap_or_default(),
            registered_at: crate::view::when(i.registered_at, lang),
            decided_by: i.decided_by.clone().unwrap_or_default(),
            decided_at: i.decided_at.map(|t| crate::view::when(t, lang)).unwrap_or_default(),
        }
    }
}

/// A document as a row: id, kind, name, size, SHA-256, uploaded by, uploaded at.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentView {
    pub id: i64,
    pub kind: &'static str,
    pub kind_name: &'static str,
    pub name: String,
    pub bytes: i64,
    pub sha256: String,
    pub uploaded_by: String,
    pub uploaded_at: String,
    pub href: String,
}

impl DocumentView {
    pub fn of(d: &InvestorDocument, lang: Lang) -> DocumentView {
        DocumentView {
            id: d.id,
            kind: d.kind.code(),
            kind_name: d.kind.name(lang),
            name: d.name.clone(),
            bytes: d.bytes,
            sha256: d.sha256.clone(),
            uploaded_by: d.uploaded_by.clone(),
            uploaded_at: crate::view::when(d.uploaded_at, lang),
            href: format!("/investor-documents/{}", d.id),
        }
    }
}

/// A screening finding as staff read it: whether it blocks the qualification, and why.
#[derive(Debug, Clone, Serialize)]
pub struct FindingView {
    pub rule: String,
    pub blocks: bool,
    pub effect: &'static str,
    pub text: String,
}

impl FindingView {
    pub fn of(f: &Finding, lang: Lang) -> FindingView {
        FindingView {
            rule: format!("{:?}", f.rule),
            blocks: f.effect == Effect::Block,
            effect: f.effect.code(),
            text: if lang == Lang::Zh { f.zh.clone() } else { f.en.clone() },
        }
    }
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    status: String,
    /// `name`: by name in pinyin order; otherwise newest first.
    #[serde(default)]
    sort: String,
}

#[derive(Template)]
#[template(path = "investors.html")]
struct InvestorsPage {
    page: Page,
    title: &'static str,
    statuses: Vec<(String, String)>,
    status: String,
    by_name: bool,
    rows: Vec<InvestorView>,
}

/// `GET /investors?status=&sort=`: the applications, newest first (or by name in pinyin order,
/// `sort=name`), by status (awaiting review first in the filter).
pub async fn list(ctx: Ctx, State(state): State<AppState>, Query(q): Query<ListQuery>) -> Result<Response, AppError> {
    ctx.require(Permission::QualifyInvestors)?;
    let lang = ctx.lang;
    let status = InvestorStatus::from_code(q.status.trim());
    let personal = ctx.can(Permission::ViewPersonalData);
    let mut rows: Vec<InvestorView> =
        state.store.investors(status).await?.iter().map(|i| InvestorView::of(i, lang, personal)).collect();
    // By the name as shown (masked or not), so the order tells nothing a viewer cannot read.
    let by_name = q.sort == "name";
    if by_name {
        huajie_core::collate::sort_by_pinyin(&mut rows, |r| r.name.as_str());
    }
    let page = Page::new(&ctx, &state).await?;
    render_form(
        &InvestorsPage {
            title: page.t("investors.title"),
            statuses: InvestorStatus::ALL.iter().map(|s| (s.code().to_string(), s.name(lang).to_string())).collect(),
            status: status.map(|s| s.code().to_string()).unwrap_or_default(),
            by_name,
            rows,
            page,
        },
        false,
    )
}

#[derive(Template)]
#[template(path = "investor.html")]
struct InvestorPage {
    page: Page,
    title: String,
    investor: InvestorView,
    documents: Vec<DocumentView>,
    findings: Vec<FindingView>,
    blocked: bool,
    can_qualify: bool,
    can_request: bool,
    can_refuse: bool,
    qualify: FormView,
    refuse: FormView,
    request: FormView,
}

/// Investor `id`'s page; a form sent back shown as typed with its messages.
pub async fn page(ctx: &Ctx, state: &AppState, id: i64, mut sent_back: Option<FormView>) -> Result<Response, AppError> {
    ctx.require(Permission::QualifyInvestors)?;
    let lang = ctx.lang;
    let investor = state.store.investor(id).await?;
    let documents = state.store.investor_documents(Some(id)).await?.iter().map(|d| DocumentView::of(d, lang)).collect();
    let findings: Vec<FindingView> =
        state.store.investor_screening(id).await?.iter().map(|f| FindingView::of(f, lang)).collect();
    let status = investor.status;
    let view = InvestorView::of(&investor, lang, ctx.can(Permission::ViewPersonalData));
    let qualify = FormView::new(QUALIFY_FORM, lang).unless(&mut sent_back);
    let refuse = FormView::new(REFUSE_FORM, lang).unless(&mut sent_back);
    let request = FormView::new(REQUEST_FORM, lang).unless(&mut sent_back);
    let mut page = Page::new(ctx, state).await?;
    let refused = page.sent_back([&qualify, &refuse, &request]);
    let out = InvestorPage {
        title: format!("{} #{id}", page.t("investors.one")),
        blocked: findings.iter().any(|f| f.blocks),
        findings,
        documents,
        can_qualify: status.can_become(InvestorStatus::Qualified),
        can_request: status.can_become(InvestorStatus::MoreDocuments),
        can_refuse: status.can_become(InvestorStatus::Refused),
        investor: view,
        qualify,
        refuse,
        request,
        page,
    };
    render_form(&out, refused)
}

/// `GET /investors/{id}`.
pub async fn show(ctx: Ctx, State(state): State<AppState>, Path(id): Path<i64>) -> Result<Response, AppError> {
    page(&ctx, &state, id, None).await
}

/// The refusal form: its reason.
#[derive(Deserialize, Serialize, Default)]
pub struct RefuseForm {
    #[serde(default)]
    pub reason: String,
}

impl RefuseForm {
    pub fn parse(&self) -> Result<String, FieldErrors> {
        let mut e = FieldErrors::default();
        let reason = e.read("reason", &text("investors.reason"), required(&self.reason));
        e.finish(|| reason)
    }
}

/// The request for more documents: the message the investor reads.
#[derive(Deserialize, Serialize, Default)]
pub struct RequestForm {
    #[serde(default)]
    pub message: String,
}

impl RequestForm {
    pub fn parse(&self) -> Result<String, FieldErrors> {
        let mut e = FieldErrors::default();
        let message = e.read("message", &text("investors.message"), required(&self.message));
        e.finish(|| message)
    }
}

/// `POST /investors/{id}/qualify`: refused, on the page, while documents are missing or the
/// screening blocks (the reason shown to staff).
pub async fn qualify(
    Path(id): Path<i64>,
    Authorized(ctx, user, _): Authorized<perm::QualifyInvestors>,
    State(state): State<AppState>,
    Submitted(form): Submitted<Confirmed>,
) -> Result<Response, AppError> {
    let done = async {
        state.store.qualify_investor(&user.username, id).await?;
        Ok(Redirect::to(&format!("/investors/{id}")).into_response())
    };
    super::or_refused(done.await, ctx.lang, (QUALIFY_FORM, &form), |view| page(&ctx, &state, id, Some(view))).await
}

/// `POST /investors/{id}/refuse`: with the reason (staff read it; the investor does not).
pub async fn refuse(
    Path(id): Path<i64>,
    Authorized(ctx, user, _): Authorized<perm::QualifyInvestors>,
    State(state): State<AppState>,
    Submitted(form): Submitted<RefuseForm>,
) -> Result<Response, AppError> {
    let done = async {
        let reason = form.parse().map_err(AppError::Invalid)?;
        state.store.refuse_investor(&user.username, id, &reason).await?;
        Ok(Redirect::to(&format!("/investors/{id}")).into_response())
    };
    super::or_refused(done.await, ctx.lang, (REFUSE_FORM, &form), |view| page(&ctx, &state, id, Some(view))).await
}

/// `POST /investors/{id}/request-documents`: the investor reads the message on the portal.
pub async fn request_documents(
    Path(id): Path<i64>,
    Authorized(ctx, user, _): Authorized<perm::QualifyInvestors>,
    State(state): State<AppState>,
    Submitted(form): Submitted<RequestForm>,
) -> Result<Response, AppError> {
    let done = async {
        let message = form.parse().map_err(AppError::Invalid)?;
        state.store.request_investor_documents(&user.username, id, &message).await?;
        Ok(Redirect::to(&format!("/investors/{id}")).into_response())
    };
    super::or_refused(done.await, ctx.lang, (REQUEST_FORM, &form), |view| page(&ctx, &state, id, Some(view))).await
}

/// `GET /investor-documents/{id}`: a KYC document's bytes (checked against the hash), for
/// staff who qualify investors and for the investor who uploaded it; any other investor is
/// told it is not found.
pub async fn document(ctx: Ctx, State(state): State<AppState>, Path(id): Path<i64>) -> Result<Response, AppError> {
    let user = ctx.require_login()?;
    let (doc, bytes) = state.store.investor_document_content(id).await?;
    let allowed = if user.role.can(Permission::QualifyInvestors) {
        true
    } else if user.role.can(Permission::UsePortal) {
        state.store.investor_of_user(user.id).await?.is_some_and(|i| i.id == doc.investor_id)
    } else {
        return Err(AppError::Forbidden);
    };
    if !allowed {
        return Err(AppError::NotFound);
    }
    let name: String = doc.name.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')).collect();
    let name = if name.is_empty() || name.starts_with('.') { format!("document-{id}{name}") } else { name };
    Ok(super::download(bytes, "application/octet-stream", name))
}
