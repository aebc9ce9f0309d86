//! A package's back-test (issue 15): the projection of the valuation its purchase was priced on
//! against the cash that came in, quarter by quarter from the valuation date
//! (`Store::back_test`, `huajie_ledger::backtest`), the cumulative curves on one chart, and the
//! error per claim and per segment; the same tables as a workbook named with the package's code.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use huajie_core::mask::mask_person_name;
use huajie_core::{Lang, Money, PartyKind, Permission};
use huajie_ledger::backtest::{BackTest, ErrorRow};
use huajie_report::tables::{Cell, Table, signed_tables_xlsx};
use huajie_tape::history::write_history;
use serde::Serialize;

use super::{XLSX, download, render};
use crate::AppState;
use crate::chart::{LineChart, Scale, Series};
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::form::Path;
use crate::i18n::tr;
use crate::view::{Page, money};

/// A package's back-test as read, with what names its claims.
#[derive(Serialize)]
pub struct BacktestView {
    pub package_id: i64,
    pub package_code: String,
    pub package_name: String,
    pub as_of: chrono::NaiveDate,
    /// The valuation run measured against, its valuation date, and whether the package's
    /// purchase was spread by it (the projection it was bought on).
    pub run_id: i64,
    pub valuation_date: chrono::NaiveDate,
    pub purchase_run: bool,
    #[serde(flatten)]
    pub test: BackTest,
    /// Each claim's contract number and debtor (an individual masked without personal data).
    pub claim_names: BTreeMap<i64, (String, String)>,
}

/// Package `id`'s back-test through today.
pub async fn view(ctx: &Ctx, state: &AppState, id: i64) -> Result<BacktestView, AppError> {
    ctx.require(Permission::ViewBacktests)?;
    let p = state.store.package(id).await?.ok_or(AppError::NotFound)?;
    let as_of = state.store.clock().today();
    let run = state.store.back_test(id, None, as_of).await?;
    let personal = ctx.can(Permission::ViewPersonalData);
    let claim_names = state
        .store
        .claims_of_package(id)
        .await?
        .into_iter()
        .map(|c| {
            let name = c.debtor.data.name.clone();
            let masked = c.debtor.data.kind() == PartyKind::Individual && !personal;
            (c.claim.id, (c.claim.data.contract_no.clone(), if masked { mask_person_name(&name) } else { name }))
        })
        .collect();
    Ok(BacktestView {
        package_id: id,
        package_code: p.package.data.code.clone(),
        package_name: p.package.data.name.clone(),
        as_of,
        run_id: run.run_id,
        valuation_date: run.valuation_date,
        purchase_run: run.purchase_run,
        test: run.test,
        claim_names,
    })
}

/// An error row as shown: its label and the four figures in words.
pub struct ErrorLine {
    pub label: String,
    pub cells: [String; 4],
}

fn error_line<K>(label: String, r: &ErrorRow<K>, lang: Lang) -> ErrorLine {
    let m = |f: i64| money(Money::from_fen(f), lang);
    let bps = r.error_bps.map_or_else(|| "—".to_string(), |b| format!("{:.1}%", b as f64 / 100.0));
    ErrorLine { label, cells: [m(r.projected), m(r.actual), m(r.error), bps] }
}

fn segment_label(s: &Option<String>, lang: Lang) -> String {
    s.clone().unwrap_or_else(|| tr(lang, "backtest.no_segment").to_string())
}

fn claim_label(v: &BacktestView, claim: i64) -> String {
    match v.claim_names.get(&claim) {
        Some((contract, debtor)) => format!("#{claim} {contract} {debtor}"),
        None => format!("#{claim}"),
    }
}

#[derive(Template)]
#[template(path = "backtest.html")]
struct BacktestPage {
    page: Page,
    title: String,
    v: BacktestView,
    quarters: Vec<[String; 5]>,
    claims: Vec<ErrorLine>,
    segments: Vec<ErrorLine>,
    curve: LineChart,
}

/// `GET /packages/{id}/backtest`.
pub async fn show(ctx: Ctx, State(state): State<AppState>, Path(id): Path<i64>) -> Result<Response, AppError> {
    let v = view(&ctx, &state, id).await?;
    let lang = ctx.lang;
    let m = |f: i64| money(Money::from_fen(f), lang);
    let quarters = v
        .test
        .quarters
        .iter()
        .map(|q| {
            let label = format!("Q{}", q.quarter);
            [label, m(q.projected), m(q.actual), m(q.cumulative_projected), m(q.cumulative_actual)]
        })
        .collect();
    let mut labels = vec!["0".to_string()];
    labels.extend(v.test.quarters.iter().map(|q| format!("Q{}", q.quarter)));
    let line = |f: fn(&huajie_ledger::backtest::QuarterRow) -> i64| {
        std::iter::once(Some(0.0)).chain(v.test.quarters.iter().map(|q| Some(f(q) as f64 / 100.0))).collect()
    };
    let curve = LineChart::new(
        "chart-backtest",
        tr(lang, "backtest.chart"),
        &labels,
        Scale::Money(lang),
        vec![
            Series::data("curve s1", tr(lang, "backtest.cumulative_projected"), line(|q| q.cumulative_projected)),
            Series::data("curve s2", tr(lang, "backtest.cumulative_actual"), line(|q| q.cumulative_actual)),
        ],
    );
    let claims = v.test.claims.iter().map(|r| error_line(claim_label(&v, r.key), r, lang)).collect();
    let segments = v.test.segments.iter().map(|r| error_line(segment_label(&r.key, lang), r, lang)).collect();
    let page = Page::new(&ctx, &state).await?;
    let title = format!("{} {} — {}", v.package_code, v.package_name, tr(lang, "backtest.title"));
    render(&BacktestPage { page, title, v, quarters, claims, segments, curve })
}

fn fen_cell(f: i64) -> Cell {
    Cell::Yuan(f as f64 / 100.0)
}

fn error_rows<K>(rows: &[ErrorRow<K>], label: impl Fn(&K) -> String) -> Vec<Vec<Cell>> {
    rows.iter()
        .map(|r| {
            let share = r.error_bps.map_or(Cell::Text("—".into()), |b| Cell::Percent(b as f64 / 10_000.0));
            vec![Cell::Text(label(&r.key)), fen_cell(r.projected), fen_cell(r.actual), fen_cell(r.error), share]
        })
        .collect()
}

/// The back-test's tables: by quarter, by claim, by segment.
fn tables(v: &BacktestView, lang: Lang) -> Vec<Table> {
    let t = |k: &'static str| tr(lang, k).to_string();
    let run = if v.purchase_run { t("backtest.purchase_run") } else { t("backtest.latest_run") };
    let title = vec![
        format!("{} {} — {} {}", v.package_code, v.package_name, t("backtest.as_of"), v.as_of),
        format!(
            "{} #{} · {} {} · {run}",
            t("backtest.against"),
            v.run_id,
            t("backtest.valuation_date"),
            v.valuation_date
        ),
    ];
    let errors = |first: &'static str| {
        vec![t(first), t("backtest.projected"), t("backtest.actual"), t("backtest.error"), t("backtest.error_share")]
    };
    let quarters = v
        .test
        .quarters
        .iter()
        .map(|q| {
            let qs = [q.projected, q.actual, q.cumulative_projected, q.cumulative_actual];
            std::iter::once(Cell::Number(f64::from(q.quarter))).chain(qs.map(fen_cell)).collect()
        })
        .collect();
    vec![
        Table {
            sheet: t("backtest.by_quarter"),
            title: title.clone(),
            header: vec![
                t("backtest.quarter"),
                t("backtest.projected"),
                t("backtest.actual"),
                t("backtest.cumulative_projected"),
                t("backtest.cumulative_actual"),
            ],
            rows: quarters,
        },
        Table {
            sheet: t("backtest.by_claim"),
            title: title.clone(),
            header: errors("backtest.claim"),
            rows: error_rows(&v.test.claims, |c| claim_label(v, *c)),
        },
        Table {
            sheet: t("backtest.by_segment"),
            title,
            header: errors("backtest.segment"),
            rows: error_rows(&v.test.segments, |s| segment_label(s, lang)),
        },
    ]
}

/// `GET /packages/{id}/backtest.xlsx`: `backtest-{code}.xlsx`.
pub async fn xlsx(ctx: Ctx, State(state): State<AppState>, Path(id): Path<i64>) -> Result<Response, AppError> {
    let v = view(&ctx, &state, id).await?;
    let reference = format!(
        "{} {} · {} #{}",
        tr(ctx.lang, "backtest.title"),
        v.package_code,
        huajie_report::valuation::label("run", ctx.lang),
        v.run_id
    );
    let signoff = super::signoffs::export(&ctx, &state, reference);
    let bytes = signed_tables_xlsx(&tables(&v, ctx.lang), tr(ctx.lang, "backtest.title"), &signoff, ctx.lang)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(download(bytes, XLSX, format!("backtest-{}.xlsx", v.package_code)))
}

/// `GET /packages/{id}/collections.csv`: a bought package's receipts that stand, by claim and
/// month, in the layout of a collections history (`huajie_tape::history`) — what
/// `/assumptions/{id}` estimates a retail segment's static-pool curves from. The history is the
/// store's (`Store::collections_history`, the same one the estimate from the ledger reads).
pub async fn collections_csv(
    ctx: Ctx,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    ctx.require(Permission::ViewBacktests)?;
    let p = state.store.package(id).await?.ok_or(AppError::NotFound)?;
    let history = state
        .store
        .collections_history(id)
        .await?
        .ok_or_else(|| AppError::NoData(tr(ctx.lang, "backtest.not_bought").into()))?;
    let bytes = write_history(&history).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(download(bytes, "text/csv; charset=utf-8", format!("collections-{}.csv", p.package.data.code)))
}
