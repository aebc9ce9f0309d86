//! The investor portal: what an investor account sees — its registration (status, the staff's
//! request for more documents, its KYC documents and the upload) and the company's public facts.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use huajie_core::{Lang, Permission, Text};
use huajie_decide::investor::{self, DocumentKind, InvestorStatus};
use huajie_store::Investor;
use serde::{Deserialize, Serialize};

use super::investors::DocumentView;
use super::render_form;
use crate::AppState;
use crate::ctx::{Authorized, Ctx, perm};
use crate::error::AppError;
use crate::form::fields::quoting;
use crate::form::{FieldErrors, FormView, Uploads};
use crate::i18n::{text, tr};
use crate::view::Page;

pub const DOCUMENTS_FORM: &str = "portal-documents";

/// An investor's own registration as the portal shows it (its own data, unmasked).
pub struct MyRegistration {
    pub kind: &'static str,
    pub name: String,
    pub identifier: String,
    pub status: &'static str,
    pub status_code: &'static str,
    /// The staff's request for more documents, while it waits for them.
    pub request: Option<String>,
    /// What a refused investor reads (never why).
    pub outcome: Option<String>,
    pub can_upload: bool,
}

impl MyRegistration {
    pub fn of(i: &Investor, lang: Lang) -> MyRegistration {
        MyRegistration {
            kind: i.kind.name(lang),
            name: i.name.clone(),
            identifier: i.identifier.clone(),
            status: i.status.name(lang),
            status_code: i.status.code(),
            request: i.request.clone().filter(|_| i.status == InvestorStatus::MoreDocuments),
            outcome: match i.status {
                InvestorStatus::Refused => Some(investor::refusal_for_investor().get(lang).to_string()),
                InvestorStatus::Qualified => Some(tr(lang, "portal.qualified").to_string()),
                _ => None,
            },
            can_upload: matches!(i.status, InvestorStatus::Applied | InvestorStatus::MoreDocuments),
        }
    }
}

#[derive(Template)]
#[template(path = "portal.html")]
struct PortalPage {
    page: Page,
    title: &'static str,
    welcome: String,
    registration: Option<MyRegistration>,
    documents: Vec<DocumentView>,
    kinds: Vec<(String, String)>,
    upload: FormView,
    upload_max: String,
    /// Name, USCC, province, licence, licensed on.
    company: (String, String, String, String, String),
    lots: super::portal_lots::MyLots,
}

async fn portal_page(ctx: &Ctx, state: &AppState, sent_back: Option<FormView>) -> Result<Response, AppError> {
    let user = ctx.require(Permission::UsePortal)?;
    let lang = ctx.lang;
    let company = state.store.company().await?.ok_or(AppError::NotFound)?;
    let mine = state.store.investor_of_user(user.id).await?;
    let documents = match &mine {
        Some(i) => {
            state.store.investor_documents(Some(i.id)).await?.iter().map(|d| DocumentView::of(d, lang)).collect()
        }
        None => Vec::new(),
    };
    let upload = sent_back.unwrap_or_else(|| FormView::new(DOCUMENTS_FORM, lang));
    let lots = super::portal_lots::my_lots(state, user.id, lang).await?;
    let mut page = Page::new(ctx, state).await?;
    let refused = page.sent_back([&upload]);
    let out = PortalPage {
        title: page.t("portal.title"),
        welcome: tr(lang, "portal.welcome").replace("{name}", &user.display_name),
        registration: mine.as_ref().map(|i| MyRegistration::of(i, lang)),
        documents,
        kinds: DocumentKind::ALL.iter().map(|k| (k.code().to_string(), k.name(lang).to_string())).collect(),
        upload,
        upload_max: format!("{} MB", huajie_store::INVESTOR_DOCUMENT_BYTES_MAX / 1024 / 1024),
        company: (
            company.name,
            company.uscc.to_string(),
            company.province.name(lang).to_string(),
            company.licence_no,
            company.licensed_on.to_string(),
        ),
        lots,
        page,
    };
    render_form(&out, refused)
}

pub async fn show(ctx: Ctx, State(state): State<AppState>) -> Result<Response, AppError> {
    portal_page(&ctx, &state, None).await
}

/// The upload's other field: the kind of every document sent with it.
#[derive(Deserialize, Serialize, Default)]
pub struct DocumentsForm {
    #[serde(default)]
    pub kind: String,
}

impl DocumentsForm {
    pub fn parse(&self) -> Result<DocumentKind, FieldErrors> {
        let mut e = FieldErrors::default();
        let t = self.kind.trim();
        let kind = e.read(
            "kind",
            &text("portal.document_kind"),
            if t.is_empty() {
                Err(text("form.required"))
            } else {
                DocumentKind::from_code(t)
                    .or_else(|| DocumentKind::from_any_name(t))
                    .ok_or_else(|| quoting(t, "form.bad_option"))
            },
        );
        e.finish(|| kind)
    }
}

/// The investor's own profile, or a refusal saying it has none.
pub async fn own_investor(state: &AppState, user_id: i64) -> Result<Investor, AppError> {
    state.store.investor_of_user(user_id).await?.ok_or_else(|| {
        AppError::Refused(Text::fixed(
            "您尚未登记投资者资料，不能上传材料。",
            "You have no investor registration: no documents can be uploaded.",
        ))
    })
}

/// The documents sent, all of `kind`, as the store takes them.
pub fn files_of(kind: DocumentKind, files: &[crate::form::UploadedFile]) -> Vec<(DocumentKind, &str, &[u8])> {
    files.iter().map(|f| (kind, f.name.as_str(), &f.bytes[..])).collect()
}

/// `POST /portal/documents` (multipart: `kind`, `file` once per document, `csrf`): adds them
/// to the investor's application, all or none.
pub async fn upload(
    Authorized(ctx, user, _): Authorized<perm::UsePortal>,
    State(state): State<AppState>,
    Uploads { form, files }: Uploads<DocumentsForm>,
) -> Result<Response, AppError> {
    let done = async {
        let kind = form.parse().map_err(AppError::Invalid)?;
        let mine = own_investor(&state, user.id).await?;
        state.store.add_investor_documents(&user.username, mine.id, &files_of(kind, &files)).await?;
        Ok(Redirect::to("/portal#portal-documents").into_response())
    };
    super::or_refused(done.await, ctx.lang, (DOCUMENTS_FORM, &form), |view| portal_page(&ctx, &state, Some(view))).await
}
