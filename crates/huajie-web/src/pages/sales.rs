//! What a sold lot leaves behind (issue 14): its sale in the package's records — shown on the
//! package's page and on its plan's page (staff who see lots: the buyer is named) — and the
//! draft of the transfer agreement as a PDF (`GET /lots/{id}/agreement.pdf`,
//! `huajie_report::agreement_pdf`), refused while the lot is not sold.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::response::Response;
use huajie_core::{Lang, Permission, Text};
use huajie_decide::InvestorKind;
use huajie_report::agreement_pdf::{Agreement, AgreementAsset, AgreementParty};
use huajie_store::{PlanSubject, SaleRecord};

use crate::AppState;
use crate::ctx::{Authorized, Ctx, perm};
use crate::error::AppError;
use crate::form::Path;
use crate::i18n::tr;
use crate::view::{money, opt_money, party_view, when};

/// A sale as the package's and the plan's pages list it.
pub struct SaleLine {
    pub lot_id: i64,
    pub plan_id: i64,
    pub subject: String,
    pub buyer: String,
    pub price: String,
    pub reserve: String,
    pub valuation: String,
    pub cost: String,
    pub recovery: String,
    /// Sold below its cost (shown in red).
    pub loss: bool,
    pub sold_on: String,
}

/// The sales of a package (of one plan, when given), for a viewer who sees lots; none for
/// another (the buyer is named).
pub async fn sale_lines(
    ctx: &Ctx,
    state: &AppState,
    package: i64,
    plan: Option<i64>,
) -> Result<Vec<SaleLine>, AppError> {
    if !ctx.can(Permission::ViewLots) {
        return Ok(Vec::new());
    }
    let lang = ctx.lang;
    let mut out = Vec::new();
    for s in state.store.sales(Some(package)).await?.into_iter().filter(|s| plan.is_none_or(|p| p == s.plan_id)) {
        let buyer = state.store.investor_of_user(s.buyer_id).await?.map(|i| i.name).unwrap_or_default();
        out.push(SaleLine {
            lot_id: s.lot_id,
            plan_id: s.plan_id,
            subject: super::plans::subject_label(s.subject, lang),
            buyer,
            price: money(s.price, lang),
            reserve: opt_money(s.reserve, lang),
            valuation: opt_money(s.valuation, lang),
            cost: opt_money(s.cost, lang),
            recovery: opt_money(s.recovery, lang),
            loss: s.recovery.is_some_and(|r| r.is_negative()),
            sold_on: format!("{} {}", s.sold_on, tr(lang, "sales.beijing_date")),
        });
    }
    Ok(out)
}

fn not_sold() -> AppError {
    let said = |l| tr(l, "sales.not_sold");
    // The lot is there but its state has no agreement (yet): a conflict, as for a refused bid.
    AppError::Told(axum::http::StatusCode::CONFLICT, "conflict", Text::new(said(Lang::Zh), said(Lang::En)))
}

/// The buyer as the agreement names it: in full (a staff document).
async fn transferee(state: &AppState, sale: &SaleRecord) -> Result<AgreementParty, AppError> {
    let buyer = state.store.investor_of_user(sale.buyer_id).await?.ok_or(AppError::NotFound)?;
    let id_label = match buyer.kind {
        InvestorKind::Company => "统一社会信用代码",
        InvestorKind::Individual => "身份证号码",
    };
    Ok(AgreementParty {
        name: buyer.name,
        id_label: id_label.into(),
        identifier: buyer.identifier,
        representative: buyer.legal_rep.unwrap_or_default(),
        contact: format!("{}　{}", buyer.phone, buyer.email),
    })
}

/// The debtor of each claim the sale sold, by the asset's name in the announcement ("债权 …"): a
/// person's name masked for a viewer without the personal-data permission.
async fn debtors(ctx: &Ctx, state: &AppState, sale: &SaleRecord) -> Result<BTreeMap<String, String>, AppError> {
    let rows = match sale.subject {
        PlanSubject::Claim(id) => state.store.claim(id).await?.into_iter().collect(),
        PlanSubject::Package(id) => state.store.claims_of_package_page(id, i64::MAX, 0).await?,
        PlanSubject::Collateral(_) => Vec::new(),
    };
    Ok(rows.iter().map(|r| (format!("债权 {}", r.claim.data.contract_no), party_view(&r.debtor, ctx).name)).collect())
}

/// The agreement's draft for lot `id`: refused while the lot has no sale. The buyer is named in
/// full (a staff document); an individual debtor as the viewer may see it.
pub async fn agreement_of(ctx: &Ctx, state: &AppState, id: i64) -> Result<Agreement, AppError> {
    let lot = state.store.lot(id).await?.lot;
    let sale = state.store.sale_of_lot(id).await?.ok_or_else(not_sold)?;
    if lot.status != huajie_auction::LotStatus::Sold {
        return Err(not_sold());
    }
    let company = state.store.company().await?.ok_or(AppError::NotFound)?;
    let a = state.store.announcement(lot.announcement_id).await?;
    let debtors = debtors(ctx, state, &sale).await?;
    let published = a.published_at.map(|t| format!("，{} 发布", when(t, Lang::Zh))).unwrap_or_default();
    let assets = a
        .content
        .assets
        .iter()
        .map(|x| AgreementAsset {
            name: x.name.clone(),
            debtor: debtors.get(&x.name).cloned().unwrap_or_default(),
            principal: x.principal,
            interest: x.interest,
        })
        .collect();
    Ok(Agreement {
        sale_id: sale.id,
        lot_id: lot.id,
        lot_title: lot.title.clone(),
        announcement: format!("处置公告 #{} 第 {} 版（{}{published}）", a.id, a.version, a.content.title),
        method: a.content.method.name(Lang::Zh).to_string(),
        transferor: AgreementParty {
            name: company.name,
            id_label: "统一社会信用代码".into(),
            identifier: company.uscc.as_str().to_string(),
            representative: String::new(),
            contact: String::new(),
        },
        transferee: transferee(state, &sale).await?,
        assets,
        base_date: a.content.base_date.to_string(),
        price: sale.price,
        deposit_applied: sale.deposit_applied,
        balance_due: sale.balance_due,
        closed_at: lot.closed_at.map(|t| when(t, Lang::Zh)).unwrap_or_else(|| sale.sold_on.to_string()),
        drafted_at: when(state.store.clock().now(), Lang::Zh),
        signoff: super::signoffs::agreement(state, &sale).await?,
    })
}

/// The draft's bytes, laid out off the request's thread, and its file name
/// (`agreement-{package code}-lot{id}.pdf`).
pub async fn agreement_bytes(ctx: &Ctx, state: &AppState, id: i64) -> Result<(Vec<u8>, String), AppError> {
    let agreement = agreement_of(ctx, state, id).await?;
    let sale = state.store.sale_of_lot(id).await?.ok_or_else(not_sold)?;
    let package = state.store.package(sale.package_id).await?.ok_or(AppError::NotFound)?;
    let bytes = tokio::task::spawn_blocking(move || huajie_report::agreement_pdf::agreement_pdf(&agreement))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((bytes, format!("agreement-{}-lot{id}.pdf", package.package.data.code)))
}

/// `GET /lots/{id}/agreement.pdf`: the transfer agreement's draft of a sold lot.
pub async fn agreement_pdf(
    Authorized(ctx, _, _): Authorized<perm::ViewLots>,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (bytes, name) = agreement_bytes(&ctx, &state, id).await?;
    Ok(super::download(bytes, "application/pdf", name))
}
