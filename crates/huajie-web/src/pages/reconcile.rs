//! Reconciliation for finance (issue 15): a bank statement or a court's payment notice uploaded
//! (`huajie_tape::statement` reads it, all or nothing, a bad line named by its row and column),
//! its lines matched and posted by the store (`Store::import_statement`: case number, then payer,
//! then amount; each line once, by its fingerprint), the files imported with their lines
//! counted, and the queue of lines a person assigns to a claim (posted as its receipt, split by law
//! or as the court ordered: the ledger page's split fields, its refusal beside its field) or
//! dismisses with a reason. Finance works it (`Permission::Reconcile`); the auditor, risk and the
//! administrator read the same pages without the forms (`Permission::ViewReconcile`). The views
//! are the API's too (`api::reconcile`).

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use huajie_core::mask::mask_person_name;
use huajie_core::{Lang, Money, PartyKind, Permission, Text};
use huajie_ledger::claim::receive;
use huajie_ledger::reconcile::{StatementLine, source_of};
use huajie_ledger::{Receipt, Refusal, Split};
use huajie_store::{LineStatus, StatementFile, StatementImport, StatementLineRecord};
use huajie_tape::statement::{StatementKind, read_statement};
use serde::{Deserialize, Serialize};

use super::{or_refused, render_form};
use crate::AppState;
use crate::ctx::{Authorized, Ctx, perm};
use crate::error::AppError;
use crate::form::fields::required;
use crate::form::{FieldErrors, FormView, Path, Submitted, Upload};
use crate::i18n::tr;
use crate::view::{Page, money, when};

pub const UPLOAD_FORM: &str = "statement-upload";

/// A claim a queued line could pay.
#[derive(Serialize)]
pub struct CandidateView {
    pub claim_id: i64,
    pub package_code: String,
    pub contract_no: String,
    /// The debtor's name; an individual's masked for a role without personal data.
    pub debtor: String,
}

/// Each package's code, by id.
pub type Codes = std::collections::BTreeMap<i64, String>;

pub async fn codes(state: &AppState) -> Result<Codes, AppError> {
    Ok(state.store.packages().await?.into_iter().map(|p| (p.package.id, p.package.data.code)).collect())
}

/// A statement line as listed.
#[derive(Serialize)]
pub struct LineView {
    pub id: i64,
    pub file_name: String,
    pub date: NaiveDate,
    pub amount_fen: i64,
    pub payer: String,
    pub reference: String,
    pub status: &'static str,
    pub status_name: &'static str,
    pub candidates: Vec<CandidateView>,
    pub note: Option<String>,
    pub entry_id: Option<i64>,
    pub imported_by: String,
    #[serde(skip)]
    pub amount: String,
    #[serde(skip)]
    pub imported_at: String,
}

impl LineView {
    pub async fn of(ctx: &Ctx, state: &AppState, codes: &Codes, l: &StatementLineRecord) -> Result<LineView, AppError> {
        let lang = ctx.lang;
        let mut candidates = Vec::new();
        for &claim in &l.candidates {
            let Some(row) = state.store.claim(claim).await? else { continue };
            let person = row.debtor.data.kind() == PartyKind::Individual && !ctx.can(Permission::ViewPersonalData);
            let name = row.debtor.data.name.clone();
            let package_code = codes.get(&row.claim.data.package_id).cloned().unwrap_or_default();
            candidates.push(CandidateView {
                claim_id: claim,
                package_code,
                contract_no: row.claim.data.contract_no.clone(),
                debtor: if person { mask_person_name(&name) } else { name },
            });
        }
        Ok(LineView {
            id: l.id,
            file_name: l.file_name.clone(),
            date: l.line.date,
            amount_fen: l.line.amount,
            payer: l.line.payer.clone(),
            reference: l.line.reference.clone(),
            status: l.status.code(),
            status_name: l.status.name(lang),
            candidates,
            note: l.note.as_ref().map(|t| t.get(lang).to_string()),
            entry_id: l.entry_id,
            imported_by: l.imported_by.clone(),
            amount: money(Money::from_fen(l.line.amount), lang),
            imported_at: when(l.imported_at, lang),
        })
    }
}

/// What an import did, counted: posted (matched), queued, not receipts, already imported.
#[derive(Serialize)]
pub struct ImportOutcome {
    pub file_name: String,
    pub kind: &'static str,
    pub posted: usize,
    pub queued: usize,
    pub not_receipts: usize,
    pub duplicates: usize,
    pub lines: Vec<LineView>,
}

impl ImportOutcome {
    async fn of(
        ctx: &Ctx,
        state: &AppState,
        name: &str,
        kind: StatementKind,
        done: &StatementImport,
    ) -> Result<ImportOutcome, AppError> {
        let count = |s: LineStatus| done.lines.iter().filter(|l| l.status == s).count();
        let mut lines = Vec::new();
        let codes = codes(state).await?;
        for l in &done.lines {
            lines.push(LineView::of(ctx, state, &codes, l).await?);
        }
        Ok(ImportOutcome {
            file_name: name.to_string(),
            kind: match kind {
                StatementKind::Bank => "bank",
                StatementKind::CourtNotice => "court_notice",
            },
            posted: count(LineStatus::Posted),
            queued: count(LineStatus::Queued),
            not_receipts: count(LineStatus::NotReceipt),
            duplicates: done.already_imported,
            lines,
        })
    }
}

/// Reads the uploaded file and imports it: the outcome, or the file's problem as the `file`
/// field's (nothing imported).
pub async fn import(
    ctx: &Ctx,
    state: &AppState,
    user: &str,
    name: &str,
    bytes: Vec<u8>,
) -> Result<ImportOutcome, AppError> {
    let statement = match read_statement(bytes) {
        Ok(s) => s,
        Err(p) => {
            let mut e = FieldErrors::default();
            e.add(
                "file",
                Text::new(
                    format!("{}：{}", tr(Lang::Zh, "reconcile.refused"), p.message.zh),
                    format!("{}: {}", tr(Lang::En, "reconcile.refused"), p.message.en),
                ),
            );
            return Err(AppError::Invalid(e));
        }
    };
    let lines: Vec<StatementLine> = statement
        .rows
        .iter()
        .map(|r| StatementLine {
            date: r.date,
            amount: r.amount_fen,
            payer: r.payer.clone(),
            reference: r.reference.clone(),
        })
        .collect();
    let name = if name.trim().is_empty() { "statement" } else { name.trim() };
    let done = state.store.import_statement(user, name, &lines).await?;
    ImportOutcome::of(ctx, state, name, statement.kind, &done).await
}

/// A file as listed.
pub struct FileLine {
    pub file: StatementFile,
    pub at: String,
}

#[derive(Template)]
#[template(path = "reconcile.html")]
struct ReconcilePage {
    page: Page,
    title: &'static str,
    form: FormView,
    outcome: Option<ImportOutcome>,
    files: Vec<FileLine>,
    queued: usize,
    /// Finance's: the upload form shown.
    can_post: bool,
}

async fn reconcile_page(
    ctx: &Ctx,
    state: &AppState,
    outcome: Option<ImportOutcome>,
    sent_back: Option<FormView>,
) -> Result<Response, AppError> {
    ctx.require(Permission::ViewReconcile)?;
    let lang = ctx.lang;
    let files: Vec<FileLine> = state
        .store
        .statement_files()
        .await?
        .into_iter()
        .map(|f| FileLine { at: when(f.first_imported_at, lang), file: f })
        .collect();
    let queued = files.iter().map(|f| f.file.queued).sum();
    let mut sent_back = sent_back;
    let form = FormView::new(UPLOAD_FORM, lang).unless(&mut sent_back);
    let mut page = Page::new(ctx, state).await?;
    let refused = page.sent_back([&form]);
    let can_post = ctx.can(Permission::Reconcile);
    let out = ReconcilePage { title: tr(lang, "reconcile.title"), form, outcome, files, queued, can_post, page };
    render_form(&out, refused)
}

/// `GET /reconcile`.
pub async fn show(ctx: Ctx, State(state): State<AppState>) -> Result<Response, AppError> {
    reconcile_page(&ctx, &state, None, None).await
}

#[derive(Deserialize, Serialize, Default)]
pub struct UploadForm {}

/// `POST /reconcile` (multipart: `file`, `csrf`): the page again with what the import did, or
/// with the file's problem beside the file (a 400, nothing imported).
pub async fn upload(
    Authorized(ctx, user, _): Authorized<perm::Reconcile>,
    State(state): State<AppState>,
    Upload { form, file }: Upload<UploadForm>,
) -> Result<Response, AppError> {
    match import(&ctx, &state, &user.username, &file.name, file.bytes.to_vec()).await {
        Ok(outcome) => reconcile_page(&ctx, &state, Some(outcome), None).await,
        Err(e) => {
            or_refused(Err(e), ctx.lang, (UPLOAD_FORM, &form), |f| reconcile_page(&ctx, &state, None, Some(f))).await
        }
    }
}

/// A queued line with its two forms.
pub struct QueueLine {
    pub line: LineView,
    pub assign: FormView,
    pub dismiss: FormView,
}

#[derive(Template)]
#[template(path = "reconcile_queue.html")]
struct QueuePage {
    page: Page,
    title: &'static str,
    lines: Vec<QueueLine>,
    /// Finance's: the assignment and dismissal forms shown.
    can_post: bool,
}

/// Every queued line, in the order imported.
pub async fn queue(ctx: &Ctx, state: &AppState) -> Result<Vec<LineView>, AppError> {
    let mut out = Vec::new();
    let codes = codes(state).await?;
    for l in state.store.statement_lines().await?.iter().filter(|l| l.status == LineStatus::Queued) {
        out.push(LineView::of(ctx, state, &codes, l).await?);
    }
    Ok(out)
}

async fn queue_page(ctx: &Ctx, state: &AppState, sent_back: Option<FormView>) -> Result<Response, AppError> {
    ctx.require(Permission::ViewReconcile)?;
    let lang = ctx.lang;
    let mut sent_back = sent_back;
    let lines: Vec<QueueLine> = queue(ctx, state)
        .await?
        .into_iter()
        .map(|line| {
            let first = line.candidates.first().map(|c| c.claim_id.to_string()).unwrap_or_default();
            QueueLine {
                assign: FormView::new(format!("assign-{}", line.id), lang).with("claim", first).unless(&mut sent_back),
                dismiss: FormView::new(format!("dismiss-{}", line.id), lang).unless(&mut sent_back),
                line,
            }
        })
        .collect();
    let mut page = Page::new(ctx, state).await?;
    let refused = page.sent_back(lines.iter().flat_map(|l| [&l.assign, &l.dismiss]));
    let can_post = ctx.can(Permission::Reconcile);
    render_form(&QueuePage { title: tr(lang, "reconcile.queue_title"), lines, can_post, page }, refused)
}

/// `GET /reconcile/queue`.
pub async fn show_queue(ctx: Ctx, State(state): State<AppState>) -> Result<Response, AppError> {
    queue_page(&ctx, &state, None).await
}

/// The assignment as typed: the claim's number and, optionally, the court's split in 元 (the
/// ledger's receipt form's fields: all three or none).
#[derive(Deserialize, Serialize, Default)]
pub struct AssignForm {
    #[serde(default)]
    pub claim: String,
    #[serde(default)]
    pub split_costs: String,
    #[serde(default)]
    pub split_interest: String,
    #[serde(default)]
    pub split_principal: String,
}

impl AssignForm {
    /// The claim and the split, or every field that cannot be read.
    pub fn parse(&self) -> Result<(i64, Split), AppError> {
        let mut e = FieldErrors::default();
        let read = required(&self.claim).and_then(|t| {
            huajie_core::input::parse_int(t.trim_start_matches(['#', '＃']))
                .map_err(|_| crate::form::fields::quoting(&t, "reconcile.bad_claim"))
        });
        let claim = e.read("claim", &crate::i18n::text("reconcile.claim"), read);
        let split =
            super::ledger::typed_split(&mut e, [&self.split_costs, &self.split_interest, &self.split_principal]);
        e.finish(|| Some((claim?, split?))).map_err(AppError::Invalid)
    }
}

/// Where the ledger's refusal of an assignment belongs: a bad split beside its first part,
/// anything else (not held, closed, more than the claim owes) beside the claim chosen — the
/// line's amount is the bank's.
fn assign_refusal(r: &Refusal) -> FieldErrors {
    let field = if matches!(r, Refusal::BadSplit { .. }) { "split_costs" } else { "claim" };
    let mut e = FieldErrors::default();
    e.add(field, r.text());
    e
}

/// Asks the ledger about queued line `id` posted on `claim`, split `split`, on the claim's
/// position as it stands, before the store (which asks again in its transaction): its refusal
/// beside its field. A line not queued is the store's to refuse; no such line, 404.
async fn may_assign(state: &AppState, id: i64, claim: i64, split: Split) -> Result<(), AppError> {
    let lines = state.store.statement_lines().await?;
    let line = lines.iter().find(|l| l.id == id).ok_or(AppError::NotFound)?;
    if line.status != LineStatus::Queued {
        return Ok(());
    }
    let position = match state.store.claim_position(claim).await {
        Err(huajie_store::StoreError::NotFound(_)) => {
            let mut e = FieldErrors::default();
            e.add("claim", crate::form::fields::quoting(&claim.to_string(), "form.bad_option"));
            return Err(AppError::Invalid(e));
        }
        other => other?,
    };
    let receipt = Receipt {
        claim,
        case: None,
        date: line.line.date,
        amount: Money::from_fen(line.line.amount),
        source: source_of(&line.line, &[]),
        split,
    };
    receive(&position, &receipt).map_err(|r| AppError::Invalid(assign_refusal(&r)))?;
    Ok(())
}

/// `POST /reconcile/queue/{id}/assign`: posted as the claim's receipt, split by law or as the
/// court ordered, or the queue again with the ledger's refusal beside its field and what was
/// typed kept.
pub async fn assign(
    Path(id): Path<i64>,
    Authorized(ctx, user, _): Authorized<perm::Reconcile>,
    State(state): State<AppState>,
    Submitted(form): Submitted<AssignForm>,
) -> Result<Response, AppError> {
    let done = async {
        let (claim, split) = form.parse()?;
        may_assign(&state, id, claim, split).await?;
        state.store.assign_statement_line(&user.username, id, claim, split).await?;
        Ok::<Response, AppError>(Redirect::to("/reconcile/queue").into_response())
    };
    let id_text = format!("assign-{id}");
    or_refused(done.await, ctx.lang, (id_text, &form), |f| queue_page(&ctx, &state, Some(f))).await
}

#[derive(Deserialize, Serialize, Default)]
pub struct DismissForm {
    #[serde(default)]
    pub reason: String,
}

/// `POST /reconcile/queue/{id}/dismiss`: the line set aside with the reason, nothing posted.
pub async fn dismiss(
    Path(id): Path<i64>,
    Authorized(ctx, user, _): Authorized<perm::Reconcile>,
    State(state): State<AppState>,
    Submitted(form): Submitted<DismissForm>,
) -> Result<Response, AppError> {
    let done = async {
        let reason = FieldErrors::only("reason", required(&form.reason))?;
        state.store.dismiss_statement_line(&user.username, id, &reason).await?;
        Ok::<Response, AppError>(Redirect::to("/reconcile/queue").into_response())
    };
    let id_text = format!("dismiss-{id}");
    or_refused(done.await, ctx.lang, (id_text, &form), |f| queue_page(&ctx, &state, Some(f))).await
}
