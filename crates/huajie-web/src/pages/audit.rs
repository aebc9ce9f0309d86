//! The audit log as a person reads it (issue 16, point 6): filters (who, what, which record,
//! 北京时间 days) and a search kept in the query string, paged in the database; each record
//! as a sentence with the raw record on demand; the chain's verification at the top; the
//! filtered list exported to .xlsx and .csv (`audit_export.rs`).

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use chrono::{DateTime, Utc};
use huajie_core::audit::AuditRecord;
use huajie_core::{Lang, Permission, Role};
use huajie_store::audit_query::AuditFilter;
use serde::Deserialize;

use super::{Pager, lenient_page, page_number, render_form};
use crate::AppState;
use crate::cached::Key;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::form::fields::date;
use crate::form::{FieldErrors, Query};
use crate::i18n::audit::{action_verb, entity_label};
use crate::i18n::{text, tr};
use crate::view::Page;

const RECORDS_PER_PAGE: i64 = 50;
/// Characters of a record's raw text shown behind its <details>.
const RAW_CHARS_MAX: usize = 4_000;
/// Characters of an entity id in a sentence (a bulk record's id lists many rows).
const ID_CHARS_MAX: usize = 40;

/// Entities whose audit records carry personal data (names, ID numbers, phones, e-mails).
pub const PERSONAL_ENTITIES: &[&str] = &["party", "investor"];

/// The log's query, as typed: every filter, the page, and `verify` to walk the chain afresh.
#[derive(Deserialize, Default, Clone)]
pub struct AuditQuery {
    #[serde(default)]
    pub actor: String,
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub entity: String,
    #[serde(default)]
    pub entity_id: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub q: String,
    #[serde(default, deserialize_with = "lenient_page")]
    pub page: Option<i64>,
    pub verify: Option<String>,
}

fn given(typed: &str) -> Option<String> {
    Some(typed.trim().to_string()).filter(|t| !t.is_empty())
}

impl AuditQuery {
    /// The filter asked for, or every date that cannot be read. `search_text`: whether the
    /// search reads the records' text (only for a reader who may see personal data).
    pub fn filter(&self, search_text: bool) -> Result<AuditFilter, FieldErrors> {
        let mut e = FieldErrors::default();
        let day = |t: &str| given(t).map(|t| date(&t)).transpose();
        let from = e.read("from", &text("audit.from"), day(&self.from));
        let to = e.read("to", &text("audit.to"), day(&self.to));
        e.finish(|| {
            Some(AuditFilter {
                actor: given(&self.actor),
                action: given(&self.action),
                entity: given(&self.entity),
                entity_id: given(&self.entity_id),
                from: from?,
                to: to?,
                search: given(&self.q),
                search_text,
            })
        })
    }

    /// The filters as a query string (no page), for the pager and the exports.
    pub fn query_string(&self) -> String {
        let e = crate::error::url_encode;
        format!(
            "actor={}&action={}&entity={}&entity_id={}&from={}&to={}&q={}",
            e(&self.actor),
            e(&self.action),
            e(&self.entity),
            e(&self.entity_id),
            e(&self.from),
            e(&self.to),
            e(&self.q)
        )
    }
}

/// The filter of a query, or (no filter, the refusal in words) when a date cannot be read.
pub fn read_filter(q: &AuditQuery, ctx: &Ctx) -> (AuditFilter, Option<String>) {
    match q.filter(ctx.can(Permission::ViewPersonalData)) {
        Ok(f) => (f, None),
        Err(e) => {
            let words = e.iter().map(|(_, t)| t.get(ctx.lang).to_string()).collect::<Vec<_>>().join("；");
            (AuditFilter::default(), Some(words))
        }
    }
}

/// Who did it, as people are named: a staff user by display name, an investor (who may be a
/// person) by user name to a reader who may not see personal data, anyone else by the code.
pub struct Actors(HashMap<String, String>);

impl Actors {
    pub async fn load(state: &AppState, ctx: &Ctx) -> Result<Actors, AppError> {
        let hide = !ctx.can(Permission::ViewPersonalData);
        let users = state.store.users().await?;
        Ok(Actors(
            users
                .into_iter()
                .filter(|u| !(hide && u.role == Role::Investor))
                .map(|u| (u.username, u.display_name))
                .collect(),
        ))
    }

    pub fn name<'a>(&'a self, actor: &'a str) -> &'a str {
        self.0.get(actor).map(String::as_str).unwrap_or(actor)
    }
}

/// A record's time in 北京时间 to the second, with the zone named.
pub fn record_time(r: &AuditRecord, lang: Lang) -> String {
    DateTime::parse_from_rfc3339(&r.at)
        .map(|t| crate::view::when_to_the_second(t.with_timezone(&Utc), lang))
        .unwrap_or_else(|_| r.at.clone())
}

/// The record as a sentence: "张三 于 2026-12-07 10:02:03 北京时间 新建了 资产包 #12".
pub fn sentence(r: &AuditRecord, actors: &Actors, lang: Lang) -> String {
    let mut id: String = r.entity_id.chars().take(ID_CHARS_MAX).collect();
    if r.entity_id.chars().count() > ID_CHARS_MAX {
        id.push('…');
    }
    tr(lang, "audit.sentence")
        .replace("{actor}", actors.name(&r.actor))
        .replace("{at}", &record_time(r, lang))
        .replace("{verb}", &action_verb(&r.action, lang))
        .replace("{entity}", &entity_label(&r.entity, lang))
        .replace("{id}", &id)
}

/// A record's before and after as this reader may see them (personal data hidden or masked).
pub fn raw_texts(r: &AuditRecord, ctx: &Ctx) -> (Option<String>, Option<String>) {
    let hide = !ctx.can(Permission::ViewPersonalData);
    let hidden = tr(ctx.lang, "audit.personal_hidden");
    let shown = |t: &Option<String>| {
        t.as_deref().map(|t| {
            let t = if hide && PERSONAL_ENTITIES.contains(&r.entity.as_str()) {
                hidden.to_string()
            } else if hide {
                crate::view::audit_text_view(&r.entity, t)
            } else {
                t.to_string()
            };
            let mut cut: String = t.chars().take(RAW_CHARS_MAX).collect();
            if cut.len() < t.len() {
                cut.push('…');
            }
            cut
        })
    };
    (shown(&r.before), shown(&r.after))
}

pub struct RecordLine {
    pub seq: i64,
    pub at: String,
    pub sentence: String,
    pub note: Option<String>,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub hash: String,
    pub short_hash: String,
}

fn line(r: AuditRecord, actors: &Actors, ctx: &Ctx) -> RecordLine {
    let (before, after) = raw_texts(&r, ctx);
    let note = huajie_store::audit::rows_created(&r)
        .map(|n| tr(ctx.lang, "audit.rows_created").replace("{n}", &n.to_string()));
    RecordLine {
        seq: r.seq,
        at: record_time(&r, ctx.lang),
        sentence: sentence(&r, actors, ctx.lang),
        note,
        before,
        after,
        short_hash: r.hash.get(..12).unwrap_or(&r.hash).to_string(),
        actor: r.actor,
        action: r.action,
        entity: r.entity,
        entity_id: r.entity_id,
        hash: r.hash,
    }
}

/// The chain's verification as last walked: at the chain's head `Store::version`, walked
/// again only when a record is added (or when asked, `?verify=1`).
pub struct ChainStatus {
    pub intact: bool,
    pub text: String,
    pub findings: Vec<String>,
    pub checked: String,
}

struct Walked {
    report: huajie_store::AuditReport,
    at: DateTime<Utc>,
    millis: u128,
}

async fn walk(state: &AppState) -> Result<Walked, AppError> {
    let started = std::time::Instant::now();
    let report = state.store.verify_audit().await?;
    Ok(Walked { report, at: state.store.clock().now(), millis: started.elapsed().as_millis() })
}

async fn chain_status(state: &AppState, lang: Lang, fresh: bool) -> Result<ChainStatus, AppError> {
    let walked = if fresh {
        std::sync::Arc::new(walk(state).await?)
    } else {
        let version = state.reads.version(&state.store).await?;
        state.reads.get(version, Key::AuditChain, walk(state)).await?
    };
    let r = &walked.report;
    let text = match r.findings.first() {
        None => tr(lang, "audit.intact")
            .replace("{n}", &r.records.to_string())
            .replace("{rows}", &r.rows_checked.to_string()),
        Some(huajie_store::AuditFinding::Chain { seq, .. }) => {
            tr(lang, "audit.first_break").replace("{seq}", &seq.to_string())
        }
        Some(_) => tr(lang, "audit.broken").to_string(),
    };
    Ok(ChainStatus {
        intact: r.is_intact(),
        text,
        findings: r.findings.iter().map(|f| f.describe()).collect(),
        checked: tr(lang, "audit.chain_checked")
            .replace("{at}", &crate::view::when_to_the_second(walked.at, lang))
            .replace("{ms}", &walked.millis.to_string()),
    })
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    page: Page,
    title: &'static str,
    q: AuditQuery,
    query: String,
    count_label: String,
    error: Option<String>,
    search_label: &'static str,
    actions: Vec<(String, String)>,
    entities: Vec<(String, String)>,
    chain: ChainStatus,
    records: Vec<RecordLine>,
    pager: Pager,
}

/// `GET /audit`: the log, filtered and paged, newest first.
pub async fn list(ctx: Ctx, State(state): State<AppState>, Query(q): Query<AuditQuery>) -> Result<Response, AppError> {
    ctx.require(Permission::ViewAudit)?;
    let lang = ctx.lang;
    let store = &state.store;
    let (filter, error) = read_filter(&q, &ctx);
    let total = store.audit_filtered_count(&filter).await?;
    let n = page_number(q.page);
    let records = store.audit_filtered(&filter, RECORDS_PER_PAGE, (n - 1) * RECORDS_PER_PAGE).await?;
    let actors = Actors::load(&state, &ctx).await?;
    let (actions, entities) = store.audit_vocabulary().await?;
    let chain = chain_status(&state, lang, q.verify.is_some()).await?;
    let query = q.query_string();
    let page = Page::new(&ctx, &state).await?;
    let refused = error.is_some();
    let search_key = if filter.search_text { "audit.search_text" } else { "audit.search" };
    render_form(
        &AuditPage {
            title: page.t("audit.title"),
            count_label: tr(lang, "common.total_rows").replace("{n}", &total.to_string()),
            error,
            search_label: page.t(search_key),
            actions: actions.into_iter().map(|a| (action_verb(&a, lang), a)).collect(),
            entities: entities.into_iter().map(|e| (entity_label(&e, lang), e)).collect(),
            chain,
            records: records.into_iter().map(|r| line(r, &actors, &ctx)).collect(),
            pager: Pager::new(lang, n, RECORDS_PER_PAGE, total, |k| format!("/audit?{query}&page={k}")),
            query,
            q,
            page,
        },
        refused,
    )
}
