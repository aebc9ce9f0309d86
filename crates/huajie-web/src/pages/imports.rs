//! Tape intake on the web: the upload form, the import itself (or a report only), the
//! stored validation report with its problem list filtered by rule, the `.xlsx` report,
//! and the same through the API.

use std::collections::BTreeMap;

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use huajie_core::{Lang, PartyIdentifier, PartyKind, Permission, Text};
use huajie_report::PersonalData;
use huajie_store::TapeFile;
use huajie_tape::{Field, ImportPolicy, MappingProfile, Problem, Severity, SheetOptions, TapeReport};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{Pager, page_number, render};
use crate::AppState;
use crate::ctx::{Authorized, Ctx, perm};
use crate::error::AppError;
use crate::form::{FieldErrors, FormView, Path, Query, Submitted, Upload};
use crate::i18n::{text, tr};
use crate::view::Page;

mod background;
mod form_page;
pub(super) use background::refused_page;
pub use form_page::{AttemptLine, attempt_lines};
use form_page::{IMPORT_FORM, beside, cutoff_of, form_page};

/// The largest tape accepted for upload.
pub const UPLOAD_BYTES_MAX: usize = 256 * 1024 * 1024;
/// Problems listed per page of a report.
const PROBLEMS_PER_PAGE: i64 = 200;

/// The upload form as submitted: its fields (read by `Upload`, trimmed by `with_file`) and
/// its file. `personal` is a checkbox.
#[derive(Deserialize, Serialize, Default, Clone)]
#[serde(default)]
pub struct ImportForm {
    package: String,
    package_name: String,
    transferor_name: String,
    transferor_id: String,
    cutoff: String,
    policy: String,
    #[serde(deserialize_with = "ticked")]
    personal: bool,
    /// `import`, or `report` for the validation report only.
    action: String,
    /// The page's token for following this import's progress.
    progress: String,
    #[serde(skip)]
    file_name: String,
    #[serde(skip)]
    bytes: axum::body::Bytes,
}

/// A checkbox sent is ticked, whatever its value.
fn ticked<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    String::deserialize(d).map(|_| true)
}

impl From<Upload<ImportForm>> for ImportForm {
    fn from(Upload { form, file }: Upload<ImportForm>) -> ImportForm {
        let trim = |s: String| s.trim().to_string();
        ImportForm {
            package: trim(form.package),
            package_name: trim(form.package_name),
            transferor_name: trim(form.transferor_name),
            transferor_id: trim(form.transferor_id),
            cutoff: trim(form.cutoff),
            file_name: file.name,
            bytes: file.bytes,
            ..form
        }
    }
}

/// How far one import has read its file.
#[derive(Debug)]
pub struct ImportProgress {
    user_id: i64,
    total: u64,
    read: std::sync::atomic::AtomicU64,
}

/// Imports under way in this process, by the token the upload page chose.
pub type ImportsUnderWay =
    std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, std::sync::Arc<ImportProgress>>>>;

/// A token the page may choose: 8 to 64 letters, digits and dashes.
fn valid_token(token: &str) -> bool {
    (8..=64).contains(&token.len()) && token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// Follows an import while it runs; removes it from the registry when dropped.
struct Following {
    imports: ImportsUnderWay,
    token: String,
    progress: std::sync::Arc<ImportProgress>,
}

impl Following {
    fn start(imports: &ImportsUnderWay, token: &str, user_id: i64, total: u64) -> Option<Following> {
        if !valid_token(token) {
            return None;
        }
        let progress = std::sync::Arc::new(ImportProgress { user_id, total, read: Default::default() });
        imports.lock().expect("the registry is never poisoned").insert(token.to_string(), progress.clone());
        Some(Following { imports: imports.clone(), token: token.to_string(), progress })
    }
}

impl Drop for Following {
    fn drop(&mut self) {
        if let Ok(mut map) = self.imports.lock() {
            map.remove(&self.token);
        }
    }
}

/// A reader that counts the bytes read from it.
struct Counting<R> {
    inner: R,
    progress: Option<std::sync::Arc<ImportProgress>>,
}

impl<R: std::io::Read> std::io::Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(p) = &self.progress {
            p.read.fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
        }
        Ok(n)
    }
}

/// `GET /imports/progress/{token}`: how far the caller's import has read its file.
pub async fn progress(
    ctx: Ctx,
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let user = ctx.require(Permission::ImportTapes)?;
    let found = state.imports.lock().expect("the registry is never poisoned").get(&token).cloned();
    match found.filter(|p| p.user_id == user.id) {
        Some(p) => Ok(Json(json!({ "read": p.read.load(std::sync::atomic::Ordering::Relaxed), "total": p.total }))
            .into_response()),
        None => Err(AppError::NotFound),
    }
}

/// What an upload came to.
enum Outcome {
    Loaded(i64),
    /// Not loaded: the policy refused it, or the tape could not be read as a whole.
    NotLoaded {
        report: TapeReport,
        reason: String,
    },
    /// The report only, as asked.
    ReportOnly(TapeReport),
    /// The column mapping, to review and save for the transferor.
    Mapping {
        transferor: String,
        preview: Box<huajie_tape::Preview>,
    },
    /// The import runs in the background (`crate::runs`).
    Started(std::sync::Arc<crate::runs::Live>),
}

async fn run(state: &AppState, ctx: &Ctx, mut form: ImportForm) -> Result<Outcome, AppError> {
    let user = ctx.require(Permission::ImportTapes)?;
    let lang = ctx.lang;
    let bad = |field: &'static str, key: &'static str| beside(field, text(key));
    let cutoff = cutoff_of(&form)?;
    let policy = ImportPolicy::from_code(&form.policy).unwrap_or(ImportPolicy::Strict);
    let options =
        SheetOptions { cutoff_date: cutoff, today: state.store.clock().today(), personal_batch: form.personal };
    // The transferor's saved mapping applies: the package's transferor, or the one named for a new package.
    let existing_package =
        if form.package.is_empty() { None } else { state.store.package_id_by_code(&form.package).await? };
    let transferor_identifier = match existing_package {
        Some(id) => {
            state.store.package(id).await?.and_then(|p| p.transferor.data.identifier().map(|i| i.as_str().to_string()))
        }
        None => PartyIdentifier::parse_as(PartyKind::Corporate, &form.transferor_id, options.today)
            .ok()
            .map(|i| i.as_str().to_string()),
    };
    let profile = match &transferor_identifier {
        Some(t) => state.store.mapping_profile(t).await?,
        None => MappingProfile::default(),
    };
    let sha256 = huajie_core::audit::sha256_hex(&form.bytes);
    let file_name = if form.file_name.is_empty() { "tape.csv".to_string() } else { form.file_name.clone() };
    let bytes = std::mem::take(&mut form.bytes);
    let unreadable = |e: huajie_tape::ReadError| AppError::BadRequest(e.message(lang));
    if form.action == "mapping" {
        let transferor =
            transferor_identifier.ok_or_else(|| bad("transferor_id", "import.mapping_needs_transferor"))?;
        let preview = huajie_tape::preview_tape(
            &file_name,
            std::io::Cursor::new(bytes.as_ref()),
            || Ok(bytes.to_vec()),
            &profile,
        )
        .map_err(unreadable)?
        .ok_or_else(|| bad("file", "import.no_file"))?;
        return Ok(Outcome::Mapping { transferor, preview: Box::new(preview) });
    }
    if form.action == "report" {
        let following = Following::start(&state.imports, &form.progress, user.id, bytes.len() as u64);
        let reader = Counting {
            inner: std::io::Cursor::new(bytes.clone()),
            progress: following.as_ref().map(|f| f.progress.clone()),
        };
        // Checked on a blocking thread, the claims counted but not kept.
        let name = file_name.clone();
        let read = tokio::task::spawn_blocking(move || {
            huajie_tape::read_tape_each(&name, reader, move || Ok(bytes.to_vec()), options, &profile, &mut |_| {})
        })
        .await
        .map_err(|e| AppError::Internal(format!("tape reader: {e}")))?
        .map_err(unreadable)?;
        return Ok(match read.1 {
            Ok(read) => Outcome::ReportOnly(TapeReport::new(&read, &file_name)),
            Err(fatal) => {
                Outcome::NotLoaded { report: fatal_report(&file_name, fatal), reason: tr(lang, "import.fatal").into() }
            }
        });
    }
    let target = background::target_of(&form, existing_package, &file_name, options.today)?;
    let all = bytes.clone();
    let tape = TapeFile {
        name: file_name,
        sha256,
        reader: bytes,
        bytes: Box::new(move || Ok(all.to_vec())),
        options,
        profile,
    };
    Ok(Outcome::Started(background::start(state, user, (target, policy, existing_package, &form.package), tape).await?))
}

/// A report for a tape that could not be read as a whole.
fn fatal_report(file_name: &str, problems: Vec<Problem>) -> TapeReport {
    TapeReport {
        file_name: file_name.to_string(),
        cutoff_date: chrono::NaiveDate::MIN,
        header_row: 0,
        rows_read: 0,
        valid_claims: 0,
        rejected_rows: 0,
        completeness_score: 0,
        problems,
        completeness: Vec::new(),
        claims_sheet: None,
    }
}

#[derive(Deserialize)]
pub struct FormQuery {
    mapped: Option<usize>,
}

pub async fn form(ctx: Ctx, State(state): State<AppState>, Query(q): Query<FormQuery>) -> Result<Response, AppError> {
    ctx.require(Permission::ImportTapes)?;
    let notice = q.mapped.map(|n| tr(ctx.lang, "import.mapping_saved").replace("{n}", &n.to_string()));
    form_page(&ctx, &state, None, notice).await
}

fn xlsx_response(bytes: Vec<u8>, file_name: &str) -> Response {
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    );
    let ascii: String =
        file_name.chars().map(|c| if c.is_ascii_alphanumeric() || "-_.".contains(c) { c } else { '_' }).collect();
    let disposition = format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        percent_encoding::utf8_percent_encode(file_name, percent_encoding::NON_ALPHANUMERIC)
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition).unwrap_or(HeaderValue::from_static("attachment")),
    );
    (headers, bytes).into_response()
}

fn report_file_name(report: &TapeReport, package_code: &str) -> String {
    let stem = report.file_name.rsplit_once('.').map(|(s, _)| s).unwrap_or(&report.file_name);
    [package_code, stem, "校验报告.xlsx"].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join("-")
}

/// `POST /imports` (multipart, read only after the role has been checked, so a stranger gets
/// "log in" or "not allowed", not a complaint about the form).
pub async fn submit(
    Authorized(ctx, _, _): Authorized<perm::ImportTapes>,
    State(state): State<AppState>,
    upload: Upload<ImportForm>,
) -> Result<Response, AppError> {
    let form: ImportForm = upload.into();
    // What was typed, shown again if the form comes back (the file is chosen again).
    let typed = ImportForm { bytes: Default::default(), ..form.clone() };
    let outcome = match run(&state, &ctx, form).await {
        Ok(Outcome::Started(live)) => background::settle(live, Some(state.config.run_wait), ctx.lang).await,
        other => other,
    };
    match outcome {
        Ok(Outcome::Loaded(id)) => Ok(Redirect::to(&format!("/imports/{id}")).into_response()),
        Ok(Outcome::ReportOnly(report)) => {
            let bytes = super::signoffs::tape_report(&ctx, &state, &report, None, PersonalData::Shown).await?;
            Ok(xlsx_response(bytes, &report_file_name(&report, "")))
        }
        Ok(Outcome::Mapping { transferor, preview }) => mapping_page(&ctx, &state, &transferor, &preview).await,
        Ok(Outcome::Started(live)) => Ok(Redirect::to(&format!("/runs/{}", live.id)).into_response()),
        Ok(Outcome::NotLoaded { report, reason }) => {
            let mut r = report_page(&ctx, &state, &report, None, ReportQuery::default(), Some(reason), None).await?;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(AppError::BadRequest(message)) => {
            let refused = FieldErrors::whole(Text::new(message.clone(), message));
            let form = FormView::sent_back(IMPORT_FORM, ctx.lang, &typed, &refused);
            form_page(&ctx, &state, Some(form), None).await
        }
        Err(AppError::Invalid(errors)) => {
            form_page(&ctx, &state, Some(FormView::sent_back(IMPORT_FORM, ctx.lang, &typed, &errors)), None).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize, Default)]
pub struct ReportQuery {
    rule: Option<String>,
    #[serde(default, deserialize_with = "super::lenient_page")]
    page: Option<i64>,
}

pub struct ProblemLine {
    pub row: String,
    pub column: String,
    pub header: String,
    pub value: String,
    pub code: &'static str,
    pub effect: &'static str,
    pub message: String,
}

pub struct RuleLine {
    pub code: &'static str,
    pub title: &'static str,
    pub effect: &'static str,
    pub count: usize,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "import_report.html")]
struct ReportPage {
    page: Page,
    title: String,
    /// Set when the tape was not loaded, saying why.
    refused: Option<String>,
    facts: Vec<(&'static str, String)>,
    rules: Vec<RuleLine>,
    problems: Vec<ProblemLine>,
    /// Field, requirement, column present, filled, share.
    completeness: Vec<(&'static str, &'static str, bool, usize, String)>,
    /// Link to the stored report's pages (`/imports/3`), when stored.
    base: Option<String>,
    active_rule: Option<String>,
    pager: Pager,
    diff: Option<DiffView>,
}

/// What a re-imported tape changed.
pub struct DiffView {
    pub summary: String,
    pub added: String,
    pub removed: String,
    /// Contract, field, before, after.
    pub changes: Vec<(String, &'static str, String, String)>,
}

/// Contracts shown in a list before the rest are counted.
const CONTRACTS_LISTED_MAX: usize = 200;

fn contract_list(items: &[String], lang: Lang) -> String {
    let mut out = items.iter().take(CONTRACTS_LISTED_MAX).cloned().collect::<Vec<_>>().join("、");
    if items.len() > CONTRACTS_LISTED_MAX {
        out.push_str(&tr(lang, "import.and_more").replace("{n}", &(items.len() - CONTRACTS_LISTED_MAX).to_string()));
    }
    if out.is_empty() { "—".into() } else { out }
}

/// The difference as this viewer may see it: individuals' names and ID numbers masked
/// without the personal-data permission, as on every other page.
fn diff_view(d: &huajie_tape::TapeDiff, lang: Lang, personal: PersonalData) -> DiffView {
    DiffView {
        summary: tr(lang, "import.diff_summary")
            .replace("{added}", &d.added.len().to_string())
            .replace("{changed}", &d.changed.len().to_string())
            .replace("{unchanged}", &d.unchanged.to_string())
            .replace("{removed}", &d.removed.len().to_string()),
        added: contract_list(&d.added, lang),
        removed: contract_list(&d.removed, lang),
        changes: d
            .changed
            .iter()
            .flat_map(|c| {
                c.changes.iter().map(move |f| {
                    let name = huajie_tape::Field::from_code(&f.field).map(|x| x.name(lang)).unwrap_or("—");
                    let f = if personal == PersonalData::Shown { f.clone() } else { f.masked() };
                    let shown = |v: &str| match (f.field.as_str(), v) {
                        ("written_off", "true") => tr(lang, "common.yes").to_string(),
                        ("written_off", "false") => tr(lang, "common.no").to_string(),
                        _ => v.to_string(),
                    };
                    (c.contract_no.clone(), name, shown(&f.before), shown(&f.after))
                })
            })
            .take(PROBLEMS_PER_PAGE as usize)
            .collect(),
    }
}

fn effect(s: Severity, lang: Lang) -> &'static str {
    match s {
        Severity::Fatal => tr(lang, "import.effect_fatal"),
        Severity::Rejected => tr(lang, "import.effect_rejected"),
        Severity::Warning => tr(lang, "import.effect_warning"),
    }
}

/// A problem's value for this viewer: personal fields masked without the permission.
fn shown_value(p: &Problem, personal: PersonalData) -> String {
    huajie_report::shown_value(p.field, p.value.as_deref().unwrap_or(""), personal)
}

fn personal_for(ctx: &Ctx) -> PersonalData {
    if ctx.can(Permission::ViewPersonalData) { PersonalData::Shown } else { PersonalData::Masked }
}

async fn report_page(
    ctx: &Ctx,
    state: &AppState,
    report: &TapeReport,
    stored: Option<(&huajie_store::TapeImport, String)>,
    q: ReportQuery,
    refused: Option<String>,
    diff: Option<&huajie_tape::TapeDiff>,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let personal = personal_for(ctx);
    let mut counts: BTreeMap<&'static str, (Severity, &'static str, usize)> = BTreeMap::new();
    for p in &report.problems {
        counts.entry(p.rule.code()).or_insert((p.severity(), p.rule.title(lang), 0)).2 += 1;
    }
    let active_rule = q.rule.filter(|r| counts.contains_key(r.as_str()));
    let rules = counts
        .iter()
        .map(|(code, (sev, title, n))| RuleLine {
            code,
            title,
            effect: effect(*sev, lang),
            count: *n,
            active: active_rule.as_deref() == Some(*code),
        })
        .collect();
    let filtered: Vec<&Problem> =
        report.problems.iter().filter(|p| active_rule.as_deref().is_none_or(|r| p.rule.code() == r)).collect();
    let n = page_number(q.page);
    let problems = filtered
        .iter()
        .skip(((n - 1) * PROBLEMS_PER_PAGE) as usize)
        .take(PROBLEMS_PER_PAGE as usize)
        .map(|p| ProblemLine {
            row: match (&p.sheet, p.row) {
                (Some(sheet), Some(r)) => format!("{sheet} · {r}"),
                (_, Some(r)) => r.to_string(),
                _ => "—".into(),
            },
            column: p.column_letter().unwrap_or_else(|| "—".into()),
            header: p.header.clone().unwrap_or_default(),
            value: shown_value(p, personal),
            code: p.rule.code(),
            effect: effect(p.severity(), lang),
            message: p.message(lang),
        })
        .collect();
    let t = |k| tr(lang, k);
    let mut facts = vec![(t("import.file"), report.file_name.clone())];
    if report.header_row > 0 {
        facts.extend([
            (t("package.cutoff"), report.cutoff_date.to_string()),
            (t("import.header_row"), report.header_row.to_string()),
            (t("import.rows_read"), report.rows_read.to_string()),
            (t("import.valid"), report.valid_claims.to_string()),
            (t("import.rejected"), report.rejected_rows.to_string()),
            (t("import.completeness"), format!("{}%", report.completeness_score)),
        ]);
    }
    let base = stored.as_ref().map(|(i, _)| format!("/imports/{}", i.id));
    if let Some((import, package_code)) = &stored {
        facts.extend([
            (t("import.package"), package_code.clone()),
            (t("import.version"), import.version.to_string()),
            (
                t("import.policy"),
                ImportPolicy::from_code(&import.policy).map(|p| p.name(lang)).unwrap_or("").to_string(),
            ),
            (t("import.by"), import.imported_by.clone()),
            (t("import.sha256"), import.file_sha256.chars().take(16).collect()),
        ]);
    }
    let completeness = report
        .completeness
        .iter()
        .map(|c| {
            let share = (c.filled * 100).checked_div(c.rows).unwrap_or(0);
            let need = match c.criticality {
                huajie_tape::Criticality::Mandatory => t("import.mandatory"),
                huajie_tape::Criticality::Recommended => t("import.recommended"),
                huajie_tape::Criticality::Optional => t("import.optional"),
            };
            (c.field.name(lang), need, c.mapped, c.filled, format!("{share}%"))
        })
        .collect();
    let page = Page::new(ctx, state).await?;
    let rule_param = active_rule.clone().map(|r| format!("rule={r}&")).unwrap_or_default();
    let pager_base = base.clone().unwrap_or_default();
    render(&ReportPage {
        title: format!("{} {}", page.t("import.report_title"), report.file_name),
        refused,
        facts,
        rules,
        problems,
        completeness,
        active_rule,
        pager: Pager::new(lang, n, PROBLEMS_PER_PAGE, filtered.len() as i64, |k| {
            format!("{pager_base}?{rule_param}page={k}")
        }),
        base,
        diff: diff.map(|d| diff_view(d, lang, personal)),
        page,
    })
}

async fn stored_report(state: &AppState, id: i64) -> Result<(huajie_store::TapeImport, TapeReport, String), AppError> {
    let import = state.store.tape_import(id).await?.ok_or(AppError::NotFound)?;
    let report = state.store.tape_report(id).await?.ok_or(AppError::NotFound)?;
    let code = state.store.package(import.package_id).await?.map(|p| p.package.data.code).unwrap_or_default();
    Ok((import, report, code))
}

pub async fn report(
    ctx: Ctx,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(q): Query<ReportQuery>,
) -> Result<Response, AppError> {
    ctx.require(Permission::ViewPackages)?;
    let (import, report, code) = stored_report(&state, id).await?;
    let diff = state.store.tape_diff(id).await?;
    report_page(&ctx, &state, &report, Some((&import, code)), q, None, diff.as_ref()).await
}

pub async fn report_xlsx(ctx: Ctx, State(state): State<AppState>, Path(id): Path<i64>) -> Result<Response, AppError> {
    ctx.require(Permission::ViewPackages)?;
    let (import, report, code) = stored_report(&state, id).await?;
    let bytes = super::signoffs::tape_report(&ctx, &state, &report, Some((&import, &code)), personal_for(&ctx)).await?;
    Ok(xlsx_response(bytes, &report_file_name(&report, &code)))
}

/// The report as JSON, personal values masked for this viewer.
fn report_json(report: &TapeReport, ctx: &Ctx) -> serde_json::Value {
    let personal = personal_for(ctx);
    let mut value = serde_json::to_value(report).expect("reports serialise");
    if let Some(list) = value.get_mut("problems").and_then(|p| p.as_array_mut()) {
        for (item, p) in list.iter_mut().zip(&report.problems) {
            item["value"] = json!(shown_value(p, personal));
            item["code"] = json!(p.rule.code());
            item["message"] = json!(p.message(ctx.lang));
        }
    }
    value
}

/// `POST /api/v1/imports` (multipart, `X-CSRF-Token`): the same as the upload form.
pub async fn api_submit(
    Authorized(ctx, _, _): Authorized<perm::ImportTapes>,
    State(state): State<AppState>,
    upload: Upload<ImportForm>,
) -> Result<Response, AppError> {
    let outcome = match run(&state, &ctx, upload.into()).await? {
        Outcome::Started(live) => background::settle(live, None, ctx.lang).await?,
        other => other,
    };
    Ok(match outcome {
        Outcome::Started(live) => return Err(AppError::Internal(format!("run {} did not end", live.id))),
        Outcome::Loaded(id) => {
            let (import, report, _) = stored_report(&state, id).await?;
            Json(json!({ "data": { "status": "loaded", "import": import, "report": report_json(&report, &ctx) } })).into_response()
        }
        Outcome::ReportOnly(report) => Json(json!({ "data": { "status": "checked", "report": report_json(&report, &ctx) } })).into_response(),
        Outcome::Mapping { transferor, preview } => Json(json!({ "data": { "status": "mapping", "transferor": transferor, "columns": preview.header.columns.iter().map(|c| json!({
            "column": c.column, "header": c.header, "field": c.field, "confidence": c.confidence, "from_profile": c.from_profile,
        })).collect::<Vec<_>>() } })).into_response(),
        Outcome::NotLoaded { report, reason } => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(json!({ "data": { "status": "not_loaded", "reason": reason, "report": report_json(&report, &ctx) } })),
        )
            .into_response(),
    })
}

/// `GET /api/v1/imports/{id}`: an import and its report.
pub async fn api_report(ctx: Ctx, State(state): State<AppState>, Path(id): Path<i64>) -> Result<Response, AppError> {
    ctx.require(Permission::ViewPackages)?;
    let (import, report, _) = stored_report(&state, id).await?;
    Ok(Json(json!({ "data": { "import": import, "report": report_json(&report, &ctx) } })).into_response())
}

#[derive(Template)]
#[template(path = "import_mapping.html")]
struct MappingPage {
    page: Page,
    title: &'static str,
    transferor: String,
    /// Index, header, samples, automatic mapping, saved choice ("" none saved, "-" left out, or a field code).
    columns: Vec<(usize, String, String, String, String)>,
    /// Field code and name.
    fields: Vec<(&'static str, &'static str)>,
}

async fn mapping_page(
    ctx: &Ctx,
    state: &AppState,
    transferor: &str,
    read: &huajie_tape::Preview,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let personal = personal_for(ctx);
    let columns = read
        .header
        .columns
        .iter()
        .map(|c| {
            let samples: Vec<String> = read
                .samples
                .iter()
                .filter_map(|row| row.get(c.column))
                .map(|v| match (personal, c.field) {
                    (PersonalData::Masked, f) => huajie_report::shown_value(f, v, personal),
                    _ => v.clone(),
                })
                .collect();
            let automatic = match (c.from_profile, c.field) {
                (false, Some(f)) => format!("{}（{}%）", f.name(lang), c.confidence),
                (false, None) => tr(lang, "import.unmapped").to_string(),
                (true, _) => tr(lang, "import.from_profile").to_string(),
            };
            let saved = match (c.from_profile, c.field) {
                (true, Some(f)) => f.code().to_string(),
                (true, None) => "-".to_string(),
                (false, _) => String::new(),
            };
            (c.column, c.header.clone(), samples.join(" / "), automatic, saved)
        })
        .collect();
    let page = Page::new(ctx, state).await?;
    render(&MappingPage {
        title: page.t("import.mapping_title"),
        transferor: transferor.to_string(),
        columns,
        fields: Field::ALL.iter().map(|f| (f.code(), f.name(lang))).collect(),
        page,
    })
}

/// The reviewed mapping as submitted: the transferor, and each column's header (`h<i>`) with
/// the field chosen for it (`f<i>`: a field code, `-` left out, blank no choice).
#[derive(Deserialize)]
#[serde(from = "Vec<(String, String)>")]
pub struct MappingForm {
    transferor: String,
    /// Each column's header and the choice made for it.
    columns: Vec<(String, String)>,
}

impl From<Vec<(String, String)>> for MappingForm {
    fn from(pairs: Vec<(String, String)>) -> MappingForm {
        let value = |name: &str| pairs.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone()).unwrap_or_default();
        let columns = pairs
            .iter()
            .filter_map(|(n, header)| Some((header.clone(), value(&format!("f{}", n.strip_prefix('h')?)))))
            .collect();
        MappingForm { transferor: value("transferor"), columns }
    }
}

/// `POST /mappings`: saves the reviewed mapping as the transferor's profile.
pub async fn save_mapping(
    Authorized(ctx, user, _): Authorized<perm::ImportTapes>,
    State(state): State<AppState>,
    Submitted(form): Submitted<MappingForm>,
) -> Result<Response, AppError> {
    let transferor = form.transferor;
    // A transferor on record (its code checked when it was entered), or a new one's USCC.
    if state.store.party_by_identifier(&transferor).await?.is_none() {
        PartyIdentifier::parse_as(PartyKind::Corporate, &transferor, state.store.clock().today())
            .map_err(|e| AppError::BadRequest(e.message(ctx.lang)))?;
    }
    let mut chosen = Vec::new();
    for (header, choice) in form.columns {
        let field = match choice.as_str() {
            "" => continue,
            "-" => None,
            code => Some(
                Field::from_code(code).ok_or_else(|| AppError::BadRequest(tr(ctx.lang, "error.bad_form").into()))?,
            ),
        };
        chosen.push((header, field));
    }
    state.store.record_mapping(&user.username, &transferor, &chosen).await?;
    Ok(Redirect::to(&format!("/imports/new?mapped={}", chosen.len())).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn an_import_is_followed_while_it_reads_and_forgotten_after() {
        let imports = ImportsUnderWay::default();
        assert!(Following::start(&imports, "no", 1, 10).is_none(), "a token too short is not taken");
        assert!(Following::start(&imports, "../../etc/passwd", 1, 10).is_none());
        let following = Following::start(&imports, "tok-12345678", 7, 10).unwrap();
        let mut reader =
            Counting { inner: std::io::Cursor::new(vec![0u8; 10]), progress: Some(following.progress.clone()) };
        let mut buf = [0u8; 4];
        reader.read_exact(&mut buf).unwrap();
        let seen = imports.lock().unwrap().get("tok-12345678").cloned().unwrap();
        assert_eq!((seen.user_id, seen.read.load(std::sync::atomic::Ordering::Relaxed), seen.total), (7, 4, 10));
        drop(following);
        assert!(imports.lock().unwrap().is_empty(), "gone when the import ends");
    }
}
