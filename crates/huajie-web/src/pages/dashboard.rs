//! The company dashboard: totals and breakdowns with charts.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use huajie_core::{CollateralType, FiveClass, Lang, LitigationStage, Permission, Province};
use huajie_store::{PackageSummary, Slice};

use super::render;
use crate::AppState;
use crate::chart::BarChart;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::i18n::tr;
use crate::view::{Page, money};

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    page: Page,
    title: &'static str,
    kpis: Vec<(&'static str, String)>,
    charts: Vec<BarChart>,
    packages: Vec<PackageLine>,
    link_packages: bool,
    /// A committee member's items waiting for their vote, in words (none for other roles, or none waiting).
    pending_votes: Option<String>,
    /// The company's case deadlines within 90 days or overdue (issue 15), for roles that see cases.
    case_alerts: Option<Vec<super::cases::AlertLine>>,
}

pub struct PackageLine {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub transferor: String,
    pub status: String,
    pub claims: i64,
    pub total: String,
}

pub fn package_line(p: &PackageSummary, lang: Lang) -> PackageLine {
    PackageLine {
        id: p.package.id,
        code: p.package.data.code.clone(),
        name: p.package.data.name.clone(),
        transferor: p.transferor.data.name.clone(),
        status: p.package.data.status.name(lang).into(),
        claims: p.claim_count,
        total: money(p.total, lang),
    }
}

/// A chart of slices, each labelled by `label(key)` and shown with its amount and count.
fn slice_chart(id: &str, title: &str, slices: &[Slice], lang: Lang, label: impl Fn(&str) -> String) -> BarChart {
    let unit = tr(lang, "dashboard.count_unit");
    BarChart::new(
        id,
        title,
        slices
            .iter()
            .map(|s| (label(&s.key), s.amount.fen(), format!("{} · {}{unit}", money(s.amount, lang), s.count)))
            .collect(),
    )
}

/// The items waiting for the user's vote, in words, when there are any.
async fn pending_votes(ctx: &Ctx, state: &AppState) -> Result<Option<String>, AppError> {
    let Some(user) = ctx.user().filter(|u| u.role.can(Permission::CastVotes)) else { return Ok(None) };
    let count = state.store.my_pending_votes(&user.username).await?.len();
    Ok((count > 0).then(|| tr(ctx.lang, "committee.pending_votes").replace("{count}", &count.to_string())))
}

pub async fn show(ctx: Ctx, State(state): State<AppState>) -> Result<Response, AppError> {
    ctx.require(Permission::ViewDashboard)?;
    let pending_votes = pending_votes(&ctx, &state).await?;
    let case_alerts = super::cases::alerts(&ctx, &state).await?;
    let lang = ctx.lang;
    let d = state.store.dashboard().await?;
    let packages = state.store.packages().await?;
    let page = Page::new(&ctx, &state).await?;
    let t = |k| tr(lang, k);
    let kpis = vec![
        (t("dashboard.packages_count"), d.packages.to_string()),
        (t("dashboard.claims_count"), d.claims.to_string()),
        (t("dashboard.debtors"), d.debtors.to_string()),
        (t("dashboard.total_claim"), money(d.total_claim, lang)),
        (t("dashboard.principal"), money(d.principal, lang)),
        (
            t("dashboard.appraised"),
            format!("{} · {}{}", money(d.appraised_collateral, lang), d.collateral_items, t("dashboard.item_unit")),
        ),
    ];
    let charts = vec![
        slice_chart("chart-province", t("dashboard.by_province"), &d.by_province, lang, |k| {
            Province::from_code(k)
                .map(|p| p.name(lang).to_string())
                .unwrap_or_else(|| tr(lang, "dashboard.unknown").to_string())
        }),
        slice_chart("chart-collateral", t("dashboard.by_collateral_type"), &d.by_collateral_type, lang, |k| {
            CollateralType::from_code(k).map(|c| c.name(lang).to_string()).unwrap_or_else(|| k.to_string())
        }),
        slice_chart("chart-five-class", t("dashboard.by_five_class"), &d.by_five_class, lang, |k| {
            FiveClass::from_code(k)
                .map(|c| c.name(lang).to_string())
                .unwrap_or_else(|| tr(lang, "dashboard.unknown").to_string())
        }),
        slice_chart("chart-stage", t("dashboard.by_litigation_stage"), &d.by_litigation_stage, lang, |k| {
            LitigationStage::from_code(k)
                .map(|c| c.name(lang).to_string())
                .unwrap_or_else(|| tr(lang, "dashboard.unknown").to_string())
        }),
    ];
    render(&DashboardPage {
        title: t("dashboard.title"),
        kpis,
        charts,
        packages: packages.iter().map(|p| package_line(p, lang)).collect(),
        link_packages: ctx.can(Permission::ViewPackages),
        pending_votes,
        case_alerts,
        page,
    })
}
