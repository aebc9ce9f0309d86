//! The recovery ledger for staff (issue 15; `huajie-ledger` decides, `huajie-store/src/recovery*.rs`
//! keeps): `/ledger` — the entries, newest first, paged and filtered by package, claim, account
//! and date, each with its lines and, for finance, its reversal link — with finance's forms
//! posting a receipt and an expense; the reversal's confirmation page. A refusal shows beside
//! its field with what was typed kept: a receipt past what is owed beside its amount (the
//! ledger's own words). The trial balance, the GL export, a claim's position and a package's
//! returns are `ledger_books.rs`.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use huajie_core::{Lang, Money, Permission, Text};
use huajie_ledger::claim::receive;
use huajie_ledger::{Account, Expense, ExpenseKind, Owed, Receipt, Refusal, Side, Source, Split};
use huajie_store::{EntryQuery, LedgerEntry, ReceiptInput};
use serde::{Deserialize, Serialize};

use super::cases::{named, options};
use super::render_form;
use crate::AppState;
use crate::ctx::{Authorized, Ctx, perm};
use crate::error::AppError;
use crate::form::fields::{date, quoting, required, yuan};
use crate::form::{FieldErrors, FormView, Path, Query, Submitted};
use crate::i18n::text;
use crate::view::{Page, when};

pub const RECEIPT_FORM: &str = "ledger-receipt";
pub const EXPENSE_FORM: &str = "ledger-expense";
pub const REVERSE_FORM: &str = "ledger-reverse";
/// Entries on one page of `/ledger`.
pub const PAGE_SIZE: usize = 50;

/// One line of an entry as shown: the account, the amount on its side (in 元/万元), the claim
/// and case; the API's raw fen beside.
#[derive(Serialize)]
pub struct LineView {
    pub code: &'static str,
    pub account: &'static str,
    pub side: &'static str,
    pub amount_fen: i64,
    pub claim_id: Option<i64>,
    pub case_id: Option<i64>,
    #[serde(skip)]
    pub debit: String,
    #[serde(skip)]
    pub credit: String,
}

/// An entry as shown and as the API gives it.
#[derive(Serialize)]
pub struct EntryView {
    pub id: i64,
    pub date: NaiveDate,
    pub kind: &'static str,
    pub kind_name: &'static str,
    pub package_id: Option<i64>,
    /// The package's code (set by `name_entries`).
    #[serde(skip)]
    pub package_code: String,
    pub memo: String,
    pub posted_by: String,
    /// The poster's name and username (set by `name_entries`).
    #[serde(skip)]
    pub posted_by_name: String,
    /// When, Beijing time with the zone named.
    pub posted_at: String,
    pub reverses: Option<i64>,
    pub reversed_by: Option<i64>,
    pub lines: Vec<LineView>,
    /// Finance may reverse it: it stands and is no reversal.
    #[serde(skip)]
    pub reversible: bool,
}

/// The name of an account in `lang`.
pub fn account_name(a: Account, lang: Lang) -> &'static str {
    lang.pick(a.def().zh, a.def().en)
}

impl EntryView {
    pub fn of(e: &LedgerEntry, reversed_by: Option<i64>, can_post: bool, lang: Lang) -> EntryView {
        let lines = e
            .entry
            .lines()
            .iter()
            .map(|l| {
                // A journal shows every fen: 元 with thousands separators.
                let shown = l.amount.yuan_string();
                let (debit, credit) = match l.side {
                    Side::Debit => (shown, String::new()),
                    Side::Credit => (String::new(), shown),
                };
                LineView {
                    code: l.account.code(),
                    account: account_name(l.account, lang),
                    side: l.side.code(),
                    amount_fen: l.amount.fen(),
                    claim_id: l.claim,
                    case_id: l.case,
                    debit,
                    credit,
                }
            })
            .collect();
        EntryView {
            id: e.id,
            date: e.entry.date(),
            kind: e.kind.code(),
            kind_name: e.kind.name(lang),
            package_id: e.entry.package(),
            package_code: String::new(),
            memo: e.memo.clone(),
            posted_by: e.posted_by.clone(),
            posted_by_name: e.posted_by.clone(),
            posted_at: when(e.posted_at, lang),
            reverses: e.entry.reverses(),
            reversed_by,
            lines,
            reversible: can_post && reversed_by.is_none() && e.entry.reverses().is_none(),
        }
    }
}

/// Which entries `/ledger` and the API list: by package, claim, account code, dates; `page`
/// from 1.
#[derive(Deserialize, Serialize, Default, Clone)]
pub struct ListQuery {
    #[serde(default)]
    pub package: String,
    #[serde(default)]
    pub claim: String,
    #[serde(default)]
    pub account: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub page: String,
}

/// The filter `ListQuery` reads, each part optional, and the page asked for.
pub struct Filter {
    query: EntryQuery,
    pub page: usize,
}

fn id_of(typed: &str) -> Result<i64, Text> {
    let t = typed.trim();
    huajie_core::input::parse_int(t).map_err(|_| quoting(t, "ledger.not_a_number"))
}

fn opt_id(typed: &str) -> Result<Option<i64>, Text> {
    if typed.trim().is_empty() { Ok(None) } else { id_of(typed).map(Some) }
}

fn opt_date(typed: &str) -> Result<Option<NaiveDate>, Text> {
    if typed.trim().is_empty() { Ok(None) } else { date(typed).map(Some) }
}

impl ListQuery {
    /// The filter, or a 400 naming what cannot be read.
    pub fn filter(&self, lang: Lang) -> Result<Filter, AppError> {
        let bad = |t: Text| AppError::BadRequest(t.get(lang).to_string());
        let account = match self.account.trim() {
            "" => None,
            a => Some(Account::from_code(a).ok_or_else(|| bad(quoting(a, "form.bad_option")))?),
        };
        let query = EntryQuery {
            package: opt_id(&self.package).map_err(bad)?,
            claim: opt_id(&self.claim).map_err(bad)?,
            account,
            from: opt_date(&self.from).map_err(bad)?,
            to: opt_date(&self.to).map_err(bad)?,
        };
        Ok(Filter { query, page: self.page.trim().parse::<usize>().unwrap_or(1).max(1) })
    }
}

impl Filter {
    /// A filter from values already read (the API's typed query), the first page.
    pub fn of(query: EntryQuery) -> Filter {
        Filter { query, page: 1 }
    }
}

/// Names what `views` show by number or username: each package by its code, each poster by name.
pub async fn name_entries(state: &AppState, views: &mut [EntryView]) -> Result<(), AppError> {
    let codes: HashMap<i64, String> =
        state.store.package_codes().await?.into_iter().map(|(id, code, _)| (id, code)).collect();
    let names = crate::pages::committee::names(&state.store).await?;
    for v in views {
        if let Some(code) = v.package_id.and_then(|p| codes.get(&p)) {
            v.package_code = code.clone();
        }
        v.posted_by_name = crate::pages::committee::named(&names, &v.posted_by);
    }
    Ok(())
}

/// Entries `offset..offset + limit` of those `filter` keeps, newest first, as `ctx`'s user sees
/// them, and how many it keeps in all.
pub async fn entry_views(
    ctx: &Ctx,
    state: &AppState,
    filter: &Filter,
    offset: usize,
    limit: usize,
) -> Result<(Vec<EntryView>, usize), AppError> {
    let page = state.store.ledger_page(filter.query, offset, limit).await?;
    let can_post = ctx.can(Permission::PostLedger);
    let mut views: Vec<EntryView> = page
        .entries
        .iter()
        .map(|e| EntryView::of(e, page.reversed_by.get(&e.id).copied(), can_post, ctx.lang))
        .collect();
    name_entries(state, &mut views).await?;
    Ok((views, page.total))
}

#[derive(Template)]
#[template(path = "ledger.html")]
struct LedgerPage {
    page: Page,
    title: String,
    q: ListQuery,
    accounts: Vec<(String, String)>,
    entries: Vec<EntryView>,
    page_no: usize,
    newer: Option<String>,
    older: Option<String>,
    receipt_form: Option<FormView>,
    expense_form: Option<FormView>,
    sources: Vec<(String, String)>,
    kinds: Vec<(String, String)>,
}

/// The query string of `q` at page `n`.
fn paged(q: &ListQuery, n: usize) -> String {
    let pairs =
        [("package", &q.package), ("claim", &q.claim), ("account", &q.account), ("from", &q.from), ("to", &q.to)];
    let mut s: Vec<String> = pairs
        .iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| format!("{k}={}", crate::error::url_encode(v.trim())))
        .collect();
    s.push(format!("page={n}"));
    format!("/ledger?{}", s.join("&"))
}

async fn ledger_page(ctx: &Ctx, state: &AppState, q: ListQuery, sent: Option<FormView>) -> Result<Response, AppError> {
    ctx.require(Permission::ViewLedger)?;
    let lang = ctx.lang;
    let filter = q.filter(lang)?;
    let (mut entries, total) = entry_views(ctx, state, &filter, (filter.page - 1) * PAGE_SIZE, PAGE_SIZE).await?;
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let n = filter.page.min(pages);
    if n < filter.page {
        // Past the last page: the last one.
        entries = entry_views(ctx, state, &filter, (n - 1) * PAGE_SIZE, PAGE_SIZE).await?.0;
    }
    let mut sent = sent;
    let today = state.store.clock().today().to_string();
    let can_post = ctx.can(Permission::PostLedger);
    let receipt_form =
        can_post.then(|| FormView::new(RECEIPT_FORM, lang).with("date", today.clone()).unless(&mut sent));
    let expense_form = can_post.then(|| FormView::new(EXPENSE_FORM, lang).with("date", today).unless(&mut sent));
    let mut page = Page::new(ctx, state).await?;
    let refused = page.sent_back(receipt_form.iter().chain(expense_form.iter()));
    let accounts = Account::ALL
        .iter()
        .map(|a| (a.code().to_string(), format!("{} {}", a.code(), account_name(*a, lang))))
        .collect();
    let out = LedgerPage {
        title: page.t("ledger.title").to_string(),
        newer: (n > 1).then(|| paged(&q, n - 1)),
        older: (n < pages).then(|| paged(&q, n + 1)),
        q,
        accounts,
        entries,
        page_no: n,
        receipt_form,
        expense_form,
        sources: options(Source::ALL, Source::code, Source::name, lang),
        kinds: options(ExpenseKind::ALL, ExpenseKind::code, ExpenseKind::name, lang),
        page,
    };
    render_form(&out, refused)
}

/// `GET /ledger?package=&claim=&account=&from=&to=&page=`.
pub async fn list(ctx: Ctx, State(state): State<AppState>, Query(q): Query<ListQuery>) -> Result<Response, AppError> {
    ledger_page(&ctx, &state, q, None).await
}

/// The receipt form as typed: amounts in 元; the court's split optional (all three or none).
#[derive(Deserialize, Serialize, Default)]
pub struct ReceiptForm {
    #[serde(default)]
    pub claim: String,
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub amount: String,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub case: String,
    #[serde(default)]
    pub payer: String,
    #[serde(default)]
    pub memo: String,
    #[serde(default)]
    pub split_costs: String,
    #[serde(default)]
    pub split_interest: String,
    #[serde(default)]
    pub split_principal: String,
}

fn opt_yuan(typed: &str) -> Result<Money, Text> {
    if typed.trim().is_empty() { Ok(Money::ZERO) } else { yuan(typed) }
}

/// The court's split as typed in 元 — `split_costs`, `split_interest`, `split_principal`; all
/// three blank: the statutory order (costs → interest → principal) —, each part that cannot be
/// read added to `e` beside its field. The receipt form's and the reconciliation queue's.
pub fn typed_split(e: &mut FieldErrors, [costs, interest, principal]: [&str; 3]) -> Option<Split> {
    if [costs, interest, principal].iter().all(|p| p.trim().is_empty()) {
        return Some(Split::Statutory);
    }
    let costs = e.read("split_costs", &text("ledger.split_costs"), opt_yuan(costs));
    let interest = e.read("split_interest", &text("ledger.split_interest"), opt_yuan(interest));
    let principal = e.read("split_principal", &text("ledger.split_principal"), opt_yuan(principal));
    Some(Split::Ordered(Owed { costs: costs?, interest: interest?, principal: principal? }))
}

impl ReceiptForm {
    /// The receipt, or every field that cannot be read.
    pub fn parse(&self) -> Result<ReceiptInput, FieldErrors> {
        let mut e = FieldErrors::default();
        let claim = e.read("claim", &text("ledger.claim"), required(&self.claim).and_then(|c| id_of(&c)));
        let on = e.read("date", &text("ledger.date"), date(&self.date));
        let amount = e.read("amount", &text("ledger.amount"), yuan(&self.amount));
        let source = e.read("source", &text("ledger.source"), named(&self.source, Source::from_any_name));
        let case = e.read("case", &text("ledger.case"), opt_id(&self.case));
        let split = typed_split(&mut e, [&self.split_costs, &self.split_interest, &self.split_principal]);
        e.finish(|| {
            let receipt =
                Receipt { claim: claim?, case: case?, date: on?, amount: amount?, source: source?, split: split? };
            Some(ReceiptInput { receipt, payer: self.payer.trim().to_string(), memo: self.memo.trim().to_string() })
        })
    }
}

/// Where the ledger's refusal of a receipt belongs: past what is owed beside the amount, a bad
/// split beside its first part, a claim not held or closed beside the claim.
pub fn receipt_refusal(r: &Refusal) -> FieldErrors {
    let field = match r {
        Refusal::BeyondOwed { .. } | Refusal::NotPositive => "amount",
        Refusal::BadSplit { .. } => "split_costs",
        Refusal::NotHeld { .. } | Refusal::Closed { .. } => "claim",
        _ => "",
    };
    let mut e = FieldErrors::default();
    e.add(field, r.text());
    e
}

/// Posts `input`: the ledger first asked on the claim's position as it stands (its refusal put
/// beside its field), then the store, which asks again inside its transaction.
pub async fn post_receipt(state: &AppState, actor: &str, input: &ReceiptInput) -> Result<LedgerEntry, AppError> {
    let claim = input.receipt.claim;
    let position = match state.store.claim_position(claim).await {
        Err(huajie_store::StoreError::NotFound(_)) => {
            let mut e = FieldErrors::default();
            e.add("claim", quoting(&claim.to_string(), "form.bad_option"));
            return Err(AppError::Invalid(e));
        }
        other => other?,
    };
    receive(&position, &input.receipt).map_err(|r| AppError::Invalid(receipt_refusal(&r)))?;
    Ok(state.store.post_receipt(actor, input).await?)
}

/// `POST /ledger/receipts`: finance posts a receipt.
pub async fn receipt(
    Authorized(ctx, user, _): Authorized<perm::PostLedger>,
    State(state): State<AppState>,
    Submitted(form): Submitted<ReceiptForm>,
) -> Result<Response, AppError> {
    let done = async {
        let input = form.parse().map_err(AppError::Invalid)?;
        let posted = post_receipt(&state, &user.username, &input).await?;
        Ok(Redirect::to(&format!("/ledger#entry-{}", posted.id)).into_response())
    };
    super::or_refused(done.await, ctx.lang, (RECEIPT_FORM, &form), |view| {
        ledger_page(&ctx, &state, ListQuery::default(), Some(view))
    })
    .await
}

/// The expense form as typed: a claim or a package (the claim's package taken from it), a case
/// optional.
#[derive(Deserialize, Serialize, Default)]
pub struct ExpenseForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub amount: String,
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub claim: String,
    #[serde(default)]
    pub package: String,
    #[serde(default)]
    pub case: String,
    #[serde(default)]
    pub payee: String,
    #[serde(default)]
    pub memo: String,
}

impl ExpenseForm {
    pub fn parse(&self) -> Result<Expense, FieldErrors> {
        let mut e = FieldErrors::default();
        let kind = e.read("kind", &text("ledger.expense_kind"), named(&self.kind, ExpenseKind::from_any_name));
        let amount = e.read("amount", &text("ledger.amount"), yuan(&self.amount));
        let on = e.read("date", &text("ledger.date"), date(&self.date));
        let claim = e.read("claim", &text("ledger.claim"), opt_id(&self.claim));
        let package = e.read("package", &text("ledger.package"), opt_id(&self.package));
        let case = e.read("case", &text("ledger.case"), opt_id(&self.case));
        if let (Some(None), Some(None)) = (claim, package) {
            e.add("claim", text("ledger.claim_or_package"));
        }
        e.finish(|| {
            Some(Expense { kind: kind?, date: on?, amount: amount?, package: package?, claim: claim?, case: case? })
        })
    }
}

/// `POST /ledger/expenses`: finance posts an expense.
pub async fn expense(
    Authorized(ctx, user, _): Authorized<perm::PostLedger>,
    State(state): State<AppState>,
    Submitted(form): Submitted<ExpenseForm>,
) -> Result<Response, AppError> {
    let done = async {
        let x = form.parse().map_err(AppError::Invalid)?;
        let posted = state.store.post_expense(&user.username, &x, form.payee.trim(), form.memo.trim()).await?;
        Ok(Redirect::to(&format!("/ledger#entry-{}", posted.id)).into_response())
    };
    super::or_refused(done.await, ctx.lang, (EXPENSE_FORM, &form), |view| {
        ledger_page(&ctx, &state, ListQuery::default(), Some(view))
    })
    .await
}

#[derive(Template)]
#[template(path = "ledger_reverse.html")]
struct ReversePage {
    page: Page,
    title: String,
    id: i64,
    reversible: bool,
    /// The entry, alone (the entries' table is shared).
    entries: Vec<EntryView>,
    form: FormView,
}

async fn reverse_page(ctx: &Ctx, state: &AppState, id: i64, sent: Option<FormView>) -> Result<Response, AppError> {
    ctx.require(Permission::PostLedger)?;
    let original = state.store.ledger_entry(id).await?.ok_or(AppError::NotFound)?;
    let reversed_by = state.store.reversal_of(id).await?;
    let mut sent = sent;
    let today = state.store.clock().today().to_string();
    let form = FormView::new(REVERSE_FORM, ctx.lang).with("date", today).unless(&mut sent);
    let mut entries = vec![EntryView::of(&original, reversed_by, true, ctx.lang)];
    name_entries(state, &mut entries).await?;
    let mut page = Page::new(ctx, state).await?;
    let refused = page.sent_back([&form]);
    let out = ReversePage {
        title: format!("{} #{id}", page.t("ledger.reverse_title")),
        id,
        reversible: reversed_by.is_none() && original.entry.reverses().is_none(),
        entries,
        form,
        page,
    };
    render_form(&out, refused)
}

/// `GET /ledger/entries/{id}/reverse`: the entry and the confirmation asking for a reason.
pub async fn confirm_reverse(
    ctx: Ctx,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    reverse_page(&ctx, &state, id, None).await
}

/// The reversal as typed: its reason and its date.
#[derive(Deserialize, Serialize, Default)]
pub struct ReverseForm {
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub date: String,
}

impl ReverseForm {
    pub fn parse(&self) -> Result<(String, NaiveDate), FieldErrors> {
        let mut e = FieldErrors::default();
        let reason = e.read("reason", &text("ledger.reason"), required(&self.reason));
        let on = e.read("date", &text("ledger.reverse_date"), date(&self.date));
        e.finish(|| Some((reason?, on?)))
    }
}

/// `POST /ledger/entries/{id}/reverse`: finance reverses an entry, with its reason.
pub async fn reverse(
    Path(id): Path<i64>,
    Authorized(ctx, user, _): Authorized<perm::PostLedger>,
    State(state): State<AppState>,
    Submitted(form): Submitted<ReverseForm>,
) -> Result<Response, AppError> {
    state.store.ledger_entry(id).await?.ok_or(AppError::NotFound)?;
    let done = async {
        let (reason, on) = form.parse().map_err(AppError::Invalid)?;
        let posted = state.store.reverse_entry(&user.username, id, on, &reason).await?;
        Ok(Redirect::to(&format!("/ledger#entry-{}", posted.id)).into_response())
    };
    super::or_refused(done.await, ctx.lang, (REVERSE_FORM, &form), |view| reverse_page(&ctx, &state, id, Some(view)))
        .await
}
