//! The tape upload form as a page shows it — first, or sent back with what was typed and each
//! problem beside its field — and the recent import attempts listed under it.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use huajie_core::{Lang, Text};

use super::ImportForm;
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::form::{FieldErrors, FormView};
use crate::i18n::text;
use crate::pages::render;
use crate::view::Page;

#[derive(Template)]
#[template(path = "import_new.html")]
struct ImportFormPage {
    page: Page,
    title: &'static str,
    form: FormView,
    attempts: Vec<AttemptLine>,
}

/// An import attempt as a page lists it.
pub struct AttemptLine {
    pub package_code: String,
    pub started_at: String,
    pub file_name: String,
    pub started_by: String,
    pub outcome: &'static str,
    /// The loaded version's report, when it loaded.
    pub report: Option<(i64, i64)>,
    pub detail: String,
    pub interrupted: bool,
}

/// What became of import attempts, in the viewer's language.
pub fn attempt_lines(attempts: Vec<huajie_store::ImportAttempt>, lang: Lang) -> Vec<AttemptLine> {
    attempts
        .into_iter()
        .map(|a| AttemptLine {
            package_code: a.package_code,
            started_at: crate::view::when_to_the_second(a.started_at, lang),
            file_name: a.file_name,
            started_by: a.started_by,
            outcome: a.state.name(lang),
            report: a.import_id.zip(a.version),
            detail: a.detail.map(|d| d.get(lang).to_string()).unwrap_or_default(),
            interrupted: a.state == huajie_store::AttemptState::Interrupted,
        })
        .collect()
}

/// The upload form's HTML id.
pub(super) const IMPORT_FORM: &str = "import";

pub(super) async fn form_page(
    ctx: &Ctx,
    state: &AppState,
    sent_back: Option<FormView>,
    notice: Option<String>,
) -> Result<Response, AppError> {
    let mut page = Page::new(ctx, state).await?;
    page.notice = notice;
    let form = sent_back.unwrap_or_else(|| FormView::new(IMPORT_FORM, ctx.lang).with("policy", "strict"));
    let failed = page.sent_back([&form]);
    let attempts = attempt_lines(state.store.recent_import_attempts().await?, ctx.lang);
    let mut r = render(&ImportFormPage { title: page.t("import.title"), form, attempts, page })?;
    if failed {
        *r.status_mut() = StatusCode::BAD_REQUEST;
    }
    Ok(r)
}

/// A problem of the upload form, beside its field.
pub(super) fn beside(field: &'static str, problem: Text) -> AppError {
    AppError::Invalid(FieldErrors::from(vec![(field, problem)]))
}

/// The upload form's cut-off date (blank: none), once a file was sent; each problem beside its field.
pub(super) fn cutoff_of(form: &ImportForm) -> Result<Option<chrono::NaiveDate>, AppError> {
    if form.bytes.is_empty() && form.file_name.is_empty() {
        return Err(beside("file", text("import.no_file")));
    }
    match form.cutoff.as_str() {
        "" => Ok(None),
        s => huajie_core::input::parse_date(s).map(Some).map_err(|_| beside("cutoff", text("import.bad_cutoff"))),
    }
}
