//! The audit log, newest first, with an on-demand walk of the whole chain.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use huajie_core::Permission;
use serde::Deserialize;

use super::{Pager, page_number, render};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::form::Query;
use crate::i18n::tr;
use crate::view::Page;

const RECORDS_PER_PAGE: i64 = 50;
/// Characters of a record's detail shown in the table.
const DETAIL_CHARS_MAX: usize = 160;

/// Entities whose audit records carry personal data (names, ID numbers, phones, e-mails).
pub const PERSONAL_ENTITIES: &[&str] = &["party", "investor"];

pub struct RecordLine {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub detail: String,
    pub hash: String,
    pub short_hash: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    page: Page,
    title: &'static str,
    count_label: String,
    verification: Option<String>,
    verification_ok: bool,
    findings: Vec<String>,
    records: Vec<RecordLine>,
    pager: Pager,
}

#[derive(Deserialize)]
pub struct AuditQuery {
    #[serde(default, deserialize_with = "super::lenient_page")]
    page: Option<i64>,
    verify: Option<String>,
}

pub async fn list(ctx: Ctx, State(state): State<AppState>, Query(q): Query<AuditQuery>) -> Result<Response, AppError> {
    ctx.require(Permission::ViewAudit)?;
    let lang = ctx.lang;
    let store = &state.store;
    let total = store.audit_count().await?;
    let n = page_number(q.page);
    let records = store.audit_log(RECORDS_PER_PAGE, (n - 1) * RECORDS_PER_PAGE).await?;
    let (verification, verification_ok, findings) = if q.verify.is_some() {
        let report = store.verify_audit().await?;
        let text = if report.is_intact() {
            tr(lang, "audit.intact")
                .replace("{n}", &report.records.to_string())
                .replace("{rows}", &report.rows_checked.to_string())
        } else {
            tr(lang, "audit.broken").to_string()
        };
        (Some(text), report.is_intact(), report.findings.iter().map(|f| f.describe()).collect())
    } else {
        (None, false, Vec::new())
    };
    let hide_personal = !ctx.can(Permission::ViewPersonalData);
    let hidden = tr(lang, "audit.personal_hidden");
    let lines = records
        .into_iter()
        .map(|r| {
            let detail = r.after.as_deref().or(r.before.as_deref()).unwrap_or("");
            let detail = if let Some(n) = huajie_store::audit::rows_created(&r) {
                tr(lang, "audit.rows_created").replace("{n}", &n.to_string())
            } else if hide_personal && PERSONAL_ENTITIES.contains(&r.entity.as_str()) {
                hidden.to_string()
            } else if hide_personal {
                crate::view::audit_text_view(&r.entity, detail).chars().take(DETAIL_CHARS_MAX).collect()
            } else {
                detail.chars().take(DETAIL_CHARS_MAX).collect()
            };
            RecordLine {
                seq: r.seq,
                at: chrono::DateTime::parse_from_rfc3339(&r.at)
                    .map(|t| crate::view::when_to_the_second(t.with_timezone(&chrono::Utc), lang))
                    .unwrap_or_else(|_| r.at.clone()),
                actor: r.actor,
                action: r.action,
                entity: r.entity,
                entity_id: r.entity_id,
                detail,
                short_hash: r.hash.get(..12).unwrap_or(&r.hash).to_string(),
                hash: r.hash,
            }
        })
        .collect();
    let page = Page::new(&ctx, &state).await?;
    render(&AuditPage {
        title: page.t("audit.title"),
        count_label: tr(lang, "common.total_rows").replace("{n}", &total.to_string()),
        verification,
        verification_ok,
        findings,
        records: lines,
        pager: Pager::new(lang, n, RECORDS_PER_PAGE, total, |k| format!("/audit?page={k}")),
        page,
    })
}
