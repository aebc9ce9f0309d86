//! A sold lot's records over the API (issue 14): a package's sales (buyer named: staff who see
//! lots) and the transfer agreement's draft as a PDF. Amounts are integer fen.

use axum::extract::State;
use axum::response::Response;
use huajie_store::SaleRecord;
use serde_json::{Value, json};

use super::data;
use crate::AppState;
use crate::ctx::{Authorized, perm};
use crate::error::AppError;
use crate::form::Path;

fn fen(m: Option<huajie_core::Money>) -> Option<i64> {
    m.map(|m| m.fen())
}

fn sale_json(s: &SaleRecord, buyer: Option<String>) -> Value {
    json!({
        "id": s.id,
        "lot_id": s.lot_id,
        "plan_id": s.plan_id,
        "package_id": s.package_id,
        "subject": s.subject,
        "buyer": { "user_id": s.buyer_id, "name": buyer },
        "price_fen": s.price.fen(),
        "deposit_applied_fen": s.deposit_applied.fen(),
        "balance_due_fen": s.balance_due.fen(),
        "reserve_fen": fen(s.reserve),
        "valuation_fen": fen(s.valuation),
        "cost_fen": fen(s.cost),
        "recovery_fen": fen(s.recovery),
        "sold_on": s.sold_on.to_string(),
        "recorded_by": s.recorded_by,
        "recorded_at": huajie_store::timestamp(s.recorded_at),
    })
}

/// `GET /api/v1/packages/{id}/sales`: the package's sales, in the order recorded.
pub async fn package_sales(
    Authorized(_, _, _): Authorized<perm::ViewLots>,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    state.store.package(id).await?.ok_or(AppError::NotFound)?;
    let mut out = Vec::new();
    for s in state.store.sales(Some(id)).await? {
        let buyer = state.store.investor_of_user(s.buyer_id).await?.map(|i| i.name);
        out.push(sale_json(&s, buyer));
    }
    Ok(data(out))
}

/// `GET /api/v1/lots/{id}/agreement.pdf`: the transfer agreement's draft of a sold lot
/// (refused, 400, while it is not sold).
pub async fn agreement_pdf(
    Authorized(ctx, _, _): Authorized<perm::ViewLots>,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (bytes, name) = crate::pages::sales::agreement_bytes(&ctx, &state, id).await?;
    Ok(crate::pages::download(bytes, "application/pdf", name))
}
