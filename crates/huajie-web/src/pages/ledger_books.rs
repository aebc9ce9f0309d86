//! What the ledger adds up to (issue 15): the trial balance of a period, the general-ledger
//! journal as an .xlsx a finance system takes (one row per line, a totals row per month), a
//! claim's position on its page, and a package's P&L, realised IRR, MOIC and cash by quarter
//! (`/packages/{id}/returns`). The figures are `huajie-ledger`'s, read through the store.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use chrono::{Datelike, NaiveDate};
use huajie_core::{Lang, Money, Permission};
use huajie_ledger::returns::{Pnl, Returns, Scope, standing};
use huajie_ledger::{Account, Position, Side};
use huajie_report::tables::{Cell, Table, signed_tables_xlsx};
use serde::{Deserialize, Serialize};

use super::ledger::{EntryView, account_name};
use super::public_lots::exact;
use super::{XLSX, download, render};
use crate::AppState;
use crate::chart::{Columns, Scale};
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::form::fields::date;
use crate::form::{Path, Query};
use crate::i18n::tr;
use crate::view::{Page, money, when};

/// A period asked for: `from` and `to`, either blank.
#[derive(Deserialize, Serialize, Default)]
pub struct Period {
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
}

impl Period {
    /// The period's days: blank `from` is the first entry's day (or `to`), blank `to` today. A
    /// 400 for a day that cannot be read.
    async fn days(&self, state: &AppState, lang: Lang) -> Result<(NaiveDate, NaiveDate), AppError> {
        let read = |typed: &str| date(typed).map_err(|t| AppError::BadRequest(t.get(lang).to_string()));
        let to = if self.to.trim().is_empty() { state.store.clock().today() } else { read(&self.to)? };
        let from = if self.from.trim().is_empty() {
            state.store.first_entry_date().await?.unwrap_or(to).min(to)
        } else {
            read(&self.from)?
        };
        Ok((from, to))
    }
}

fn fen(v: i128) -> Money {
    Money::from_fen(i64::try_from(v).unwrap_or(i64::MAX))
}

/// A row of the trial balance as shown: exact to the fen (`public_lots::exact`), as a finance
/// system compares it — rounded to 0.01 亿元, a gap of half a million would read as balanced.
pub struct TrialLine {
    pub code: &'static str,
    pub account: &'static str,
    pub debits: String,
    pub credits: String,
}

#[derive(Template)]
#[template(path = "ledger_trial.html")]
struct TrialPage {
    page: Page,
    title: String,
    from: NaiveDate,
    to: NaiveDate,
    rows: Vec<TrialLine>,
    debits: String,
    credits: String,
    balanced: bool,
}

/// `GET /ledger/trial-balance?from=&to=`.
pub async fn trial_balance(
    ctx: Ctx,
    State(state): State<AppState>,
    Query(q): Query<Period>,
) -> Result<Response, AppError> {
    ctx.require(Permission::ViewLedger)?;
    let lang = ctx.lang;
    let (from, to) = q.days(&state, lang).await?;
    let rows = state.store.trial_balance(from, to).await?;
    let debits: i128 = rows.iter().map(|r| r.debits).sum();
    let credits: i128 = rows.iter().map(|r| r.credits).sum();
    let rows = rows
        .iter()
        .map(|r| TrialLine {
            code: r.account.code(),
            account: account_name(r.account, lang),
            debits: exact(fen(r.debits), lang),
            credits: exact(fen(r.credits), lang),
        })
        .collect();
    let page = Page::new(&ctx, &state).await?;
    render(&TrialPage {
        title: page.t("ledger.trial_balance").to_string(),
        from,
        to,
        rows,
        debits: exact(fen(debits), lang),
        credits: exact(fen(credits), lang),
        balanced: debits == credits,
        page,
    })
}

/// The journal of `from..=to` as a table: one row per line in date and entry order, a totals
/// row after each month's lines and one for the period.
pub fn gl_table(
    entries: &[huajie_store::LedgerEntry],
    from: NaiveDate,
    to: NaiveDate,
    stamp: &str,
    lang: Lang,
) -> Table {
    let mut dated: Vec<&huajie_store::LedgerEntry> =
        entries.iter().filter(|e| (from..=to).contains(&e.entry.date())).collect();
    dated.sort_by_key(|e| (e.entry.date(), e.id));
    let yuan = |m: Money| Cell::Yuan(m.fen() as f64 / 100.0);
    let blank = || Cell::Text(String::new());
    let total_row = |label: String, d: i64, c: i64| {
        let mut row = vec![blank(), Cell::Text(label), blank(), blank()];
        row.extend([yuan(Money::from_fen(d)), yuan(Money::from_fen(c)), blank(), blank(), blank()]);
        row
    };
    let mut rows = Vec::new();
    let (mut month, mut md, mut mc, mut pd, mut pc) = (None, 0i64, 0i64, 0i64, 0i64);
    for e in dated {
        let m = (e.entry.date().year(), e.entry.date().month());
        if month.is_some_and(|x| x != m) {
            let (y, n) = month.unwrap_or(m);
            rows.push(total_row(format!("{y}-{n:02} {}", tr(lang, "ledger.month_total")), md, mc));
            (md, mc) = (0, 0);
        }
        month = Some(m);
        for l in e.entry.lines() {
            let (d, c) = match l.side {
                Side::Debit => (yuan(l.amount), blank()),
                Side::Credit => (blank(), yuan(l.amount)),
            };
            let a = l.amount.fen();
            if l.side == Side::Debit {
                (md, pd) = (md + a, pd + a)
            } else {
                (mc, pc) = (mc + a, pc + a)
            }
            rows.push(vec![
                Cell::Date(e.entry.date().to_string()),
                Cell::Number(e.id as f64),
                Cell::Text(l.account.code().to_string()),
                Cell::Text(account_name(l.account, lang).to_string()),
                d,
                c,
                l.claim.map_or_else(blank, |x| Cell::Number(x as f64)),
                l.case.map_or_else(blank, |x| Cell::Number(x as f64)),
                Cell::Text(e.memo.clone()),
            ]);
        }
    }
    if let Some((y, n)) = month {
        rows.push(total_row(format!("{y}-{n:02} {}", tr(lang, "ledger.month_total")), md, mc));
    }
    rows.push(total_row(tr(lang, "ledger.period_total").to_string(), pd, pc));
    let header = lang.pick(
        "日期|凭证号|科目代码|科目名称|借方（元）|贷方（元）|债权|案件|摘要",
        "Date|Entry no.|Account code|Account|Debit (yuan)|Credit (yuan)|Claim|Case|Memo",
    );
    Table {
        sheet: tr(lang, "ledger.gl_sheet").to_string(),
        title: vec![
            format!("{} {} — {}", tr(lang, "ledger.gl_period"), from, to),
            format!("{} {stamp}", tr(lang, "ledger.gl_exported")),
        ],
        header: header.split('|').map(String::from).collect(),
        rows,
    }
}

/// `GET /ledger/gl.xlsx?from=&to=`: the general-ledger journal, the period in its name.
pub async fn gl_export(ctx: Ctx, State(state): State<AppState>, Query(q): Query<Period>) -> Result<Response, AppError> {
    ctx.require(Permission::ViewLedger)?;
    let (from, to) = q.days(&state, ctx.lang).await?;
    let entries = state.store.ledger_entries_dated(from, to).await?;
    let stamp = when(state.store.clock().now(), ctx.lang);
    let table = gl_table(&entries, from, to, &stamp, ctx.lang);
    let signoff = super::signoffs::export(&ctx, &state, format!("{} {from} — {to}", tr(ctx.lang, "ledger.gl_period")));
    let bytes = signed_tables_xlsx(&[table], tr(ctx.lang, "ledger.gl_sheet"), &signoff, ctx.lang)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(download(bytes, XLSX, format!("gl-journal-{from}-{to}.xlsx")))
}

/// A claim's position as shown on its page and given by the API.
#[derive(Serialize)]
pub struct ClaimLedger {
    pub position: Position,
    pub pnl: Pnl,
    pub net_fen: i64,
    pub returns: Returns,
    #[serde(skip)]
    pub shown: Vec<(&'static str, String)>,
    #[serde(skip)]
    pub entries: Vec<EntryView>,
}

/// Claim `claim`'s position, P&L and entries (`None` for a role that does not see the ledger,
/// or a claim the ledger cannot place).
pub async fn claim_ledger(ctx: &Ctx, state: &AppState, claim: i64) -> Result<Option<ClaimLedger>, AppError> {
    if !ctx.can(Permission::ViewLedger) {
        return Ok(None);
    }
    let position = match state.store.claim_position(claim).await {
        Ok(p) => p,
        Err(huajie_store::StoreError::Refused(_)) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let (pnl, returns) = state.store.ledger_results(Scope::Claim(claim)).await?;
    let all = state.store.claim_entries(claim).await?;
    let lang = ctx.lang;
    let can_post = ctx.can(Permission::PostLedger);
    let reversed_by = |id: i64| all.iter().find(|r| r.entry.reverses() == Some(id)).map(|r| r.id);
    let mut entries: Vec<EntryView> =
        all.iter().rev().map(|e| EntryView::of(e, reversed_by(e.id), can_post, lang)).collect();
    crate::pages::ledger::name_entries(state, &mut entries).await?;
    let o = position.owed;
    let owed = Money::checked_sum([o.costs, o.interest, o.principal]).unwrap_or(Money::ZERO);
    let shown = vec![
        ("ledger.owed_costs", money(o.costs, lang)),
        ("ledger.owed_interest", money(o.interest, lang)),
        ("ledger.owed_principal", money(o.principal, lang)),
        ("ledger.owed_total", money(owed, lang)),
        ("ledger.cost_left", money(position.cost, lang)),
        ("ledger.recovered", money(returns.cash_in, lang)),
        ("ledger.paid_out", money(returns.cash_out, lang)),
        ("ledger.income", money(Money::from_fen(pnl.net()), lang)),
    ];
    Ok(Some(ClaimLedger { position, net_fen: pnl.net(), pnl, returns, shown, entries }))
}

/// A quarter's cash, in fen.
#[derive(Serialize)]
pub struct QuarterCash {
    pub quarter: String,
    pub in_fen: i64,
    pub out_fen: i64,
}

/// A package's returns as the page and the API show them.
#[derive(Serialize)]
pub struct PackageReturns {
    pub package_id: i64,
    pub pnl: Pnl,
    pub net_fen: i64,
    pub returns: Returns,
    pub quarters: Vec<QuarterCash>,
}

/// Package `id`'s P&L, realised returns and cash by calendar quarter (standing entries only).
pub async fn package_returns(state: &AppState, id: i64) -> Result<PackageReturns, AppError> {
    state.store.package(id).await?.ok_or(AppError::NotFound)?;
    let (pnl, returns) = state.store.ledger_results(Scope::Package(id)).await?;
    let all = state.store.ledger_entries(Some(id)).await?;
    let mut by: BTreeMap<(i32, u32), (i64, i64)> = BTreeMap::new();
    for e in standing(&all, |e| (e.id, &e.entry)) {
        let d = e.entry.date();
        let q = by.entry((d.year(), (d.month() - 1) / 3 + 1)).or_default();
        for l in e.entry.lines().iter().filter(|l| l.account == Account::BankCash) {
            match l.side {
                Side::Debit => q.0 += l.amount.fen(),
                Side::Credit => q.1 += l.amount.fen(),
            }
        }
    }
    let quarters = by
        .into_iter()
        .map(|((y, q), (i, o))| QuarterCash { quarter: format!("{y}Q{q}"), in_fen: i, out_fen: o })
        .collect();
    Ok(PackageReturns { package_id: id, net_fen: pnl.net(), pnl, returns, quarters })
}

#[derive(Template)]
#[template(path = "package_returns.html")]
struct ReturnsPage {
    page: Page,
    title: String,
    id: i64,
    code: String,
    pnl: Vec<(&'static str, String)>,
    figures: Vec<(&'static str, String)>,
    quarters: Vec<(String, String, String, String)>,
    chart: Option<Columns>,
}

fn percent(v: Option<f64>, lang: Lang) -> String {
    v.map_or_else(|| tr(lang, "ledger.not_solved").to_string(), |r| format!("{:.2}%", r * 100.0))
}

/// `GET /packages/{id}/returns`.
pub async fn returns_page(ctx: Ctx, State(state): State<AppState>, Path(id): Path<i64>) -> Result<Response, AppError> {
    ctx.require(Permission::ViewLedger)?;
    let lang = ctx.lang;
    let r = package_returns(&state, id).await?;
    let m = |fen: i64| money(Money::from_fen(fen), lang);
    let p = &r.pnl;
    let pnl = vec![
        ("ledger.recovery_income", m(p.recovery_income)),
        ("ledger.disposal_gains", m(p.disposal_gains)),
        ("ledger.disposal_losses", m(p.disposal_losses)),
        ("ledger.legal_fees", m(p.legal_fees)),
        ("ledger.agency_fees", m(p.agency_fees)),
        ("ledger.taxes", m(p.taxes)),
        ("ledger.funding_interest", m(p.funding_interest)),
        ("ledger.net", m(r.net_fen)),
    ];
    let moic = r.returns.moic.map_or_else(|| tr(lang, "ledger.not_solved").to_string(), |x| format!("{x:.2}×"));
    let figures = vec![
        ("ledger.cash_out", money(r.returns.cash_out, lang)),
        ("ledger.cash_in", money(r.returns.cash_in, lang)),
        ("ledger.irr", percent(r.returns.irr, lang)),
        ("ledger.moic", moic),
    ];
    let quarters: Vec<(String, String, String, String)> =
        r.quarters.iter().map(|q| (q.quarter.clone(), m(q.in_fen), m(q.out_fen), m(q.in_fen - q.out_fen))).collect();
    let items: Vec<(String, f64, String)> = r
        .quarters
        .iter()
        .map(|q| {
            let net = Money::from_fen(q.in_fen - q.out_fen);
            (q.quarter.clone(), net.fen() as f64 / 100.0, format!("{} {}", q.quarter, money(net, lang)))
        })
        .collect();
    let title = tr(lang, "ledger.cash_chart");
    let chart = (!items.is_empty()).then(|| Columns::new("chart-quarterly-cash", title, &items, Scale::Money(lang)));
    let codes = state.store.package_codes().await?;
    let (code, name) = codes.into_iter().find(|p| p.0 == id).map(|p| (p.1, p.2)).unwrap_or_default();
    let page = Page::new(&ctx, &state).await?;
    render(&ReturnsPage {
        title: format!("{} {code} {name}", page.t("ledger.returns_title")),
        id,
        code,
        pnl,
        figures,
        quarters,
        chart,
        page,
    })
}
