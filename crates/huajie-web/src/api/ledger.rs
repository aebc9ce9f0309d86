//! The recovery ledger's API (issue 15): the entries (filtered and paged as `/ledger`), a
//! claim's position, a package's returns, and finance's postings — a receipt, an expense, a
//! reversal. Amounts are integer fen both ways; a refusal is a 400 whose `fields` name where it
//! belongs (a receipt past what is owed: `amount_fen`).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use huajie_core::{Money, Permission};
use huajie_ledger::{Expense, ExpenseKind, Owed, Receipt, Source, Split};
use huajie_store::ReceiptInput;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{Paging, data};
use crate::AppState;
use crate::ctx::{Authorized, Ctx, perm};
use crate::error::AppError;
use crate::form::fields::{date, quoting};
use crate::form::{Date, FieldErrors, Int, Path, Query, Submitted};
use crate::i18n::text;
use crate::pages::ledger::{EntryView, Filter, post_receipt};
use crate::pages::ledger_books::{claim_ledger, package_returns};

/// The entries' filter as the API reads it: ids as integers, days exactly `YYYY-MM-DD`.
#[derive(Deserialize)]
pub struct EntriesQuery {
    package: Option<Int>,
    claim: Option<Int>,
    account: Option<String>,
    from: Option<Date>,
    to: Option<Date>,
}

/// `GET /api/v1/ledger/entries?package=&claim=&account=&from=&to=&limit=&offset=`: newest first.
pub async fn entries(
    ctx: Ctx,
    State(state): State<AppState>,
    Query(e): Query<EntriesQuery>,
    Query(paging): Query<Paging>,
) -> Result<Response, AppError> {
    ctx.require(Permission::ViewLedger)?;
    let (limit, offset) = paging.read(ctx.lang)?;
    let account = match e.account.as_deref().map(str::trim).unwrap_or("") {
        "" => None,
        code => Some(
            huajie_ledger::Account::from_code(code)
                .ok_or_else(|| AppError::BadRequest(quoting(code, "form.bad_option").get(ctx.lang).to_string()))?,
        ),
    };
    let query = huajie_store::EntryQuery {
        package: e.package.map(|i| i.0),
        claim: e.claim.map(|i| i.0),
        account,
        from: e.from.map(|d| d.0),
        to: e.to.map(|d| d.0),
    };
    let (rows, _) =
        crate::pages::ledger::entry_views(&ctx, &state, &Filter::of(query), offset as usize, limit as usize).await?;
    Ok(data(rows))
}

/// `GET /api/v1/claims/{id}/position`.
pub async fn position(ctx: Ctx, State(state): State<AppState>, Path(id): Path<i64>) -> Result<Response, AppError> {
    ctx.require(Permission::ViewLedger)?;
    state.store.claim(id).await?.ok_or(AppError::NotFound)?;
    let view = claim_ledger(&ctx, &state, id).await?.ok_or(AppError::NotFound)?;
    Ok(data(view))
}

/// `GET /api/v1/packages/{id}/returns`.
pub async fn returns(ctx: Ctx, State(state): State<AppState>, Path(id): Path<i64>) -> Result<Response, AppError> {
    ctx.require(Permission::ViewLedger)?;
    Ok(data(package_returns(&state, id).await?))
}

fn positive(field: &'static str, fen: Option<i64>, e: &mut FieldErrors) -> Option<Money> {
    match fen {
        Some(f) if f > 0 => Some(Money::from_fen(f)),
        Some(f) => {
            e.add(field, quoting(&f.to_string(), "ledger.not_positive"));
            None
        }
        None => {
            e.add(field, text("form.required"));
            None
        }
    }
}

/// A court's split, in fen.
#[derive(Deserialize, Serialize, Default)]
pub struct SplitBody {
    #[serde(default)]
    pub costs_fen: i64,
    #[serde(default)]
    pub interest_fen: i64,
    #[serde(default)]
    pub principal_fen: i64,
}

impl SplitBody {
    /// The court's split this body gives.
    pub fn split(&self) -> Split {
        Split::Ordered(Owed {
            costs: Money::from_fen(self.costs_fen),
            interest: Money::from_fen(self.interest_fen),
            principal: Money::from_fen(self.principal_fen),
        })
    }
}

/// A receipt: `{"claim_id", "date", "amount_fen", "source", "case_id"?, "payer"?, "memo"?,
/// "split"?: {"costs_fen", "interest_fen", "principal_fen"}}`.
#[derive(Deserialize, Default)]
pub struct ReceiptBody {
    pub claim_id: Option<i64>,
    #[serde(default)]
    pub date: String,
    pub amount_fen: Option<i64>,
    #[serde(default)]
    pub source: String,
    pub case_id: Option<i64>,
    #[serde(default)]
    pub payer: String,
    #[serde(default)]
    pub memo: String,
    pub split: Option<SplitBody>,
}

impl ReceiptBody {
    fn parse(&self) -> Result<ReceiptInput, FieldErrors> {
        let mut e = FieldErrors::default();
        let claim = self.claim_id.or_else(|| {
            e.add("claim_id", text("form.required"));
            None
        });
        let on = e.read("date", &text("ledger.date"), date(&self.date));
        let amount = positive("amount_fen", self.amount_fen, &mut e);
        let source =
            e.read("source", &text("ledger.source"), crate::pages::cases::named(&self.source, Source::from_any_name));
        let split = self.split.as_ref().map_or(Split::Statutory, SplitBody::split);
        e.finish(|| {
            let receipt =
                Receipt { claim: claim?, case: self.case_id, date: on?, amount: amount?, source: source?, split };
            Some(ReceiptInput { receipt, payer: self.payer.trim().to_string(), memo: self.memo.trim().to_string() })
        })
    }
}

/// The page's fields named as the API's body names them.
fn api_fields(e: FieldErrors) -> FieldErrors {
    let mut out = FieldErrors::default();
    for (k, t) in e.iter() {
        let k = match k {
            "amount" => "amount_fen",
            "claim" => "claim_id",
            "split_costs" => "split",
            other => other,
        };
        out.add(k.to_string(), t.clone());
    }
    out
}

/// `POST /api/v1/ledger/receipts`: 201, the entry posted.
pub async fn receipt(
    Authorized(ctx, user, _): Authorized<perm::PostLedger>,
    State(state): State<AppState>,
    Submitted(body): Submitted<ReceiptBody>,
) -> Result<Response, AppError> {
    let input = body.parse().map_err(AppError::Invalid)?;
    let posted = post_receipt(&state, &user.username, &input).await.map_err(|e| match e {
        AppError::Invalid(f) => AppError::Invalid(api_fields(f)),
        other => other,
    })?;
    Ok((StatusCode::CREATED, Json(json!({ "data": EntryView::of(&posted, None, true, ctx.lang) }))).into_response())
}

/// An expense: `{"kind", "amount_fen", "date", "claim_id"?, "package_id"?, "case_id"?, "payee"?, "memo"?}`.
#[derive(Deserialize, Default)]
pub struct ExpenseBody {
    #[serde(default)]
    pub kind: String,
    pub amount_fen: Option<i64>,
    #[serde(default)]
    pub date: String,
    pub claim_id: Option<i64>,
    pub package_id: Option<i64>,
    pub case_id: Option<i64>,
    #[serde(default)]
    pub payee: String,
    #[serde(default)]
    pub memo: String,
}

/// `POST /api/v1/ledger/expenses`: 201, the entry posted.
pub async fn expense(
    Authorized(ctx, user, _): Authorized<perm::PostLedger>,
    State(state): State<AppState>,
    Submitted(b): Submitted<ExpenseBody>,
) -> Result<Response, AppError> {
    let mut e = FieldErrors::default();
    let kind =
        e.read("kind", &text("ledger.expense_kind"), crate::pages::cases::named(&b.kind, ExpenseKind::from_any_name));
    let amount = positive("amount_fen", b.amount_fen, &mut e);
    let on = e.read("date", &text("ledger.date"), date(&b.date));
    if b.claim_id.is_none() && b.package_id.is_none() {
        e.add("claim_id", text("ledger.claim_or_package"));
    }
    let x = e
        .finish(|| {
            Some(Expense {
                kind: kind?,
                date: on?,
                amount: amount?,
                package: b.package_id,
                claim: b.claim_id,
                case: b.case_id,
            })
        })
        .map_err(AppError::Invalid)?;
    let posted = state.store.post_expense(&user.username, &x, b.payee.trim(), b.memo.trim()).await?;
    Ok((StatusCode::CREATED, Json(json!({ "data": EntryView::of(&posted, None, true, ctx.lang) }))).into_response())
}

/// A reversal: `{"reason", "date"}`.
#[derive(Deserialize, Default)]
pub struct ReverseBody {
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub date: String,
}

/// `POST /api/v1/ledger/entries/{id}/reverse`: 201, the reversal posted.
pub async fn reverse(
    Path(id): Path<i64>,
    Authorized(ctx, user, _): Authorized<perm::PostLedger>,
    State(state): State<AppState>,
    Submitted(b): Submitted<ReverseBody>,
) -> Result<Response, AppError> {
    state.store.ledger_entry(id).await?.ok_or(AppError::NotFound)?;
    let form = crate::pages::ledger::ReverseForm { reason: b.reason, date: b.date };
    let (reason, on) = form.parse().map_err(AppError::Invalid)?;
    let posted = state.store.reverse_entry(&user.username, id, on, &reason).await?;
    Ok((StatusCode::CREATED, Json(json!({ "data": EntryView::of(&posted, None, true, ctx.lang) }))).into_response())
}
