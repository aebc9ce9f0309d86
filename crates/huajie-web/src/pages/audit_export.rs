//! The audit log's filtered list exported to .xlsx and .csv (issue 16, point 6): the same
//! filters as the page, every record they keep (up to `EXPORT_ROWS_MAX`), times in 北京时间
//! with the zone named in the header, the file named with the day it was exported.

use axum::extract::State;
use axum::response::Response;
use huajie_core::audit::AuditRecord;
use huajie_core::{Lang, Permission};
use huajie_report::tables::{Cell, Table, signed_tables_xlsx};

use super::audit::{Actors, AuditQuery, record_time, sentence};
use super::{XLSX, download};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::form::Query;
use crate::i18n::tr;

/// The most records one export holds; a larger list is refused (narrow the filters).
pub const EXPORT_ROWS_MAX: i64 = 50_000;

/// The export's header; the time column names its zone.
fn header(lang: Lang) -> Vec<String> {
    let h = lang.pick(
        "序号|时间（北京时间）|操作人|操作人姓名|动作|对象|对象编号|事件|哈希",
        "Seq|Time (Beijing time)|Actor|Actor's name|Action|Entity|Record id|Event|Hash",
    );
    h.split('|').map(String::from).collect()
}

/// One record as the export's cells (the actor's name as the page shows it).
fn cells(r: &AuditRecord, actors: &Actors, lang: Lang) -> Vec<String> {
    vec![
        r.seq.to_string(),
        record_time(r, lang),
        r.actor.clone(),
        actors.name(&r.actor).to_string(),
        r.action.clone(),
        r.entity.clone(),
        r.entity_id.clone(),
        sentence(r, actors, lang),
        r.hash.clone(),
    ]
}

/// The records the query keeps, as rows of cells, and the day (北京时间) of the export.
async fn rows(ctx: &Ctx, state: &AppState, q: &AuditQuery) -> Result<(Vec<Vec<String>>, String), AppError> {
    ctx.require(Permission::ViewAudit)?;
    let filter = q.filter(ctx.can(Permission::ViewPersonalData)).map_err(AppError::Invalid)?;
    let total = state.store.audit_filtered_count(&filter).await?;
    if total > EXPORT_ROWS_MAX {
        let n = EXPORT_ROWS_MAX.to_string();
        let capped = |lang| tr(lang, "audit.export_capped").replace("{n}", &n);
        return Err(AppError::Refused(huajie_core::Text::new(capped(Lang::Zh), capped(Lang::En))));
    }
    let records = state.store.audit_filtered(&filter, EXPORT_ROWS_MAX, 0).await?;
    let actors = Actors::load(state, ctx).await?;
    let day = huajie_core::clock::beijing_date(state.store.clock().now()).to_string();
    Ok((records.iter().map(|r| cells(r, &actors, ctx.lang)).collect(), day))
}

/// `GET /audit/export.xlsx?…`: the filtered log as a workbook.
pub async fn xlsx_export(
    ctx: Ctx,
    State(state): State<AppState>,
    Query(q): Query<AuditQuery>,
) -> Result<Response, AppError> {
    let (rows, day) = rows(&ctx, &state, &q).await?;
    let lang = ctx.lang;
    let stamp = crate::view::when(state.store.clock().now(), lang);
    let table = Table {
        sheet: tr(lang, "audit.sheet").to_string(),
        title: vec![format!("{} — {stamp}", tr(lang, "audit.title"))],
        header: header(lang),
        rows: rows.into_iter().map(|r| r.into_iter().map(Cell::Text).collect()).collect(),
    };
    let signoff = super::signoffs::export(&ctx, &state, format!("{} {day}", tr(lang, "audit.title")));
    let bytes = signed_tables_xlsx(&[table], tr(lang, "audit.title"), &signoff, lang)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(download(bytes, XLSX, format!("audit-log-{day}.xlsx")))
}

/// `GET /audit/export.csv?…`: the filtered log as CSV in UTF-8 with a BOM (so that Excel
/// reads the Chinese), one header line.
pub async fn csv_export(
    ctx: Ctx,
    State(state): State<AppState>,
    Query(q): Query<AuditQuery>,
) -> Result<Response, AppError> {
    let (rows, day) = rows(&ctx, &state, &q).await?;
    let mut out = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    let written = std::iter::once(header(ctx.lang)).chain(rows).try_for_each(|r| out.write_record(&r));
    written.map_err(|e| AppError::Internal(e.to_string()))?;
    let bytes = out.into_inner().map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(download(bytes, "text/csv; charset=utf-8", format!("audit-log-{day}.csv")))
}
