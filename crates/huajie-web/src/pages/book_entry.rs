//! One entry of the compliance book (issue 16, point 5): what it holds, its history from the
//! audit log (who added, changed or deleted it, and when, 北京时间), and — for who may remove
//! it — the confirmation that names what will be deleted before the confirming POST deletes it.
//! Works without JavaScript: the book's table links here; only the form on this page deletes.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use huajie_core::Permission;
use huajie_store::book::{BOOK_KINDS, FieldKind, audit_entity, book_kind};

use super::render;
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::form::Path;
use crate::i18n::audit::action_verb;
use crate::view::{Page, when_to_the_second};

#[derive(Template)]
#[template(path = "book_entry.html")]
struct EntryPage {
    page: Page,
    title: String,
    code: &'static str,
    id: i64,
    /// The entry as it stands (field, value), or none once deleted.
    fields: Vec<(&'static str, String)>,
    exists: bool,
    /// Its history, oldest first: when (北京时间), who, what.
    history: Vec<(String, String, String)>,
    can_remove: bool,
}

/// `GET /compliance/book/{kind}/{id}`: the entry, its history, and the confirmation of its removal.
pub async fn show(
    ctx: Ctx,
    State(state): State<AppState>,
    Path((code, id)): Path<(String, i64)>,
) -> Result<Response, AppError> {
    ctx.require(Permission::ViewComplianceBook)?;
    let lang = ctx.lang;
    let kind = book_kind(&code).ok_or(AppError::NotFound)?;
    let at = BOOK_KINDS.iter().position(|k| k.code == kind.code).ok_or(AppError::NotFound)?;
    let entity = audit_entity(kind.code).ok_or(AppError::NotFound)?;
    let (rows, _) = super::book::book_rows(&state.store, &ctx).await?;
    let row = rows.into_iter().nth(at).unwrap_or_default().into_iter().find(|r| r.0 == id);
    let records = state.store.audit_of(entity, &id.to_string()).await?;
    if row.is_none() && records.is_empty() {
        return Err(AppError::NotFound);
    }
    let history = records
        .iter()
        .map(|r| {
            let at = chrono::DateTime::parse_from_rfc3339(&r.at)
                .map(|t| when_to_the_second(t.with_timezone(&chrono::Utc), lang))
                .unwrap_or_else(|_| r.at.clone());
            (at, r.actor.clone(), action_verb(&r.action, lang))
        })
        .collect();
    let exists = row.is_some();
    let fields = row
        .map(|(_, cells, _)| {
            kind.fields
                .iter()
                .zip(cells)
                .filter(|(f, v)| !(f.kind == FieldKind::Schedule && v.is_empty()))
                .map(|(f, v)| (lang.pick(f.zh, f.en), v))
                .collect()
        })
        .unwrap_or_default();
    let can_remove = exists && ctx.can(Permission::EditComplianceBook) && ctx.can(kind.permission);
    let page = Page::new(&ctx, &state).await?;
    render(&EntryPage {
        title: format!("{} #{id}", lang.pick(kind.zh, kind.en)),
        code: kind.code,
        id,
        fields,
        exists,
        history,
        can_remove,
        page,
    })
}
