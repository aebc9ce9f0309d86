//! Package list and package detail with its claims.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use huajie_core::{FiveClass, Lang, LitigationStage, Permission};
use huajie_store::{ClaimRow, PackageSummary};
use serde::Deserialize;

use super::{Pager, page_number, render};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::form::{Path, Query};
use crate::view::{Page, money, opt_date, opt_money, opt_name, party_view};

/// Claims shown per page of a package.
const CLAIMS_PER_PAGE: i64 = 100;

pub struct PackageView {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub transferor: String,
    pub cutoff: String,
    pub status: String,
    pub acquired_on: String,
    pub claims: i64,
    pub principal: String,
    pub total: String,
    pub appraised: String,
    pub price: String,
}

fn package_view(p: &PackageSummary, lang: Lang) -> PackageView {
    let k = &p.package.data;
    PackageView {
        id: p.package.id,
        code: k.code.clone(),
        name: k.name.clone(),
        transferor: p.transferor.data.name.clone(),
        cutoff: k.cutoff_date.to_string(),
        status: k.status.name(lang).into(),
        acquired_on: opt_date(k.acquired_on),
        claims: p.claim_count,
        principal: money(p.principal, lang),
        total: money(p.total, lang),
        appraised: money(p.appraised_collateral, lang),
        price: opt_money(k.price, lang),
    }
}

#[derive(Template)]
#[template(path = "packages.html")]
struct PackagesPage {
    page: Page,
    title: &'static str,
    packages: Vec<PackageView>,
}

pub async fn list(ctx: Ctx, State(state): State<AppState>) -> Result<Response, AppError> {
    ctx.require(Permission::ViewPackages)?;
    let packages = state.store.packages().await?;
    let page = Page::new(&ctx, &state).await?;
    render(&PackagesPage {
        title: page.t("packages.title"),
        packages: packages.iter().map(|p| package_view(p, ctx.lang)).collect(),
        page,
    })
}

pub struct ClaimLine {
    pub id: i64,
    pub contract_no: String,
    pub debtor: String,
    pub debtor_kind: String,
    pub principal: String,
    pub interest: String,
    pub total: String,
    pub five_class: String,
    pub stage: String,
    pub limitation_date: String,
    pub time_barred: bool,
}

fn claim_line(r: &ClaimRow, ctx: &Ctx, today: chrono::NaiveDate) -> ClaimLine {
    let c = &r.claim.data;
    let lang = ctx.lang;
    let debtor = party_view(&r.debtor, ctx);
    ClaimLine {
        id: r.claim.id,
        contract_no: c.contract_no.clone(),
        debtor: debtor.name,
        debtor_kind: debtor.kind,
        principal: money(c.principal, lang),
        interest: money(c.interest, lang),
        total: c.total().map(|t| money(t, lang)).unwrap_or_else(|_| "—".into()),
        five_class: opt_name(c.five_class, lang, FiveClass::name),
        stage: opt_name(c.litigation_stage, lang, LitigationStage::name),
        limitation_date: opt_date(c.limitation_date),
        time_barred: c.is_time_barred(today),
    }
}

#[derive(Template)]
#[template(path = "package.html")]
struct PackageDetail {
    page: Page,
    /// The viewer may prepare a disposal plan for a held package.
    can_plan: bool,
    title: String,
    p: PackageView,
    claims: Vec<ClaimLine>,
    pager: Pager,
    /// Tape versions: import id, version, file, when, claims loaded, rows rejected.
    imports: Vec<(i64, i64, String, String, i64, i64)>,
    can_value: bool,
    checks: Option<super::checks::Panel>,
    flags: super::flags::FlagsPanel,
    /// The last attempts to import into the package, interrupted ones included.
    attempts: Vec<super::imports::AttemptLine>,
    /// The pre-trade check's form.
    pretrade: crate::form::FormView,
    /// Its sales, for staff who see lots.
    show_sales: bool,
    sales: Vec<super::sales::SaleLine>,
    /// A held package's returns page, for staff who read the ledger (issue 15).
    show_returns: bool,
}

#[derive(Deserialize)]
pub struct PageQuery {
    #[serde(default, deserialize_with = "super::lenient_page")]
    page: Option<i64>,
}

pub async fn detail(
    ctx: Ctx,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    detail_page(&ctx, &state, id, page_number(q.page), None).await
}

/// The package's page with one of its forms (the pre-trade check, a flag) sent back: what was
/// typed, and each field's message.
pub async fn package_page(
    ctx: &Ctx,
    state: &AppState,
    id: i64,
    sent_back: Option<crate::form::FormView>,
) -> Result<Response, AppError> {
    detail_page(ctx, state, id, 1, sent_back).await
}

async fn detail_page(
    ctx: &Ctx,
    state: &AppState,
    id: i64,
    n: i64,
    mut sent_back: Option<crate::form::FormView>,
) -> Result<Response, AppError> {
    ctx.require(Permission::ViewPackages)?;
    let summary = state.store.package(id).await?.ok_or(AppError::NotFound)?;
    let rows = state.store.claims_of_package_page(id, CLAIMS_PER_PAGE, (n - 1) * CLAIMS_PER_PAGE).await?;
    let today = state.store.clock().today();
    let imports = state
        .store
        .tape_imports(id)
        .await?
        .into_iter()
        .map(|i| {
            (i.id, i.version, i.file_name, crate::view::when(i.imported_at, ctx.lang), i.claims_loaded, i.rows_rejected)
        })
        .collect();
    let checks = super::checks::panel(ctx, state, id, summary.package.data.status).await?;
    let flags = super::flags::flags_panel(ctx, state, huajie_store::FlagTarget::Package(id), &mut sent_back).await?;
    let attempts =
        super::imports::attempt_lines(state.store.import_attempts(&summary.package.data.code).await?, ctx.lang);
    let pretrade = crate::form::FormView::new("pretrade-form", ctx.lang).unless(&mut sent_back);
    let sales = super::sales::sale_lines(ctx, state, id, None).await?;
    let mut page = Page::new(ctx, state).await?;
    let refused = page.sent_back([&pretrade, &flags.form]);
    super::render_form(
        &PackageDetail {
            can_plan: ctx.can(Permission::PreparePlans) && summary.package.data.is_held(),
            pretrade,
            show_sales: ctx.can(Permission::ViewLots),
            show_returns: ctx.can(Permission::ViewLedger) && summary.package.data.is_held(),
            sales,
            flags,
            imports,
            attempts,
            checks,
            can_value: ctx.can(Permission::ViewValuations),
            title: summary.package.data.name.clone(),
            p: package_view(&summary, ctx.lang),
            claims: rows.iter().map(|r| claim_line(r, ctx, today)).collect(),
            pager: Pager::new(ctx.lang, n, CLAIMS_PER_PAGE, summary.claim_count, |k| {
                format!("/packages/{id}?page={k}")
            }),
            page,
        },
        refused,
    )
}
