//! An assumption set's retail curves estimated from the recovery ledger (issue 15, point 4):
//! every held retail batch's collections, each its own vintage (`Store::ledger_pools`, the same
//! history `/packages/{id}/collections.csv` writes), shown as the curves they give and the pools
//! they come from, and saved as a new version of the set only when the valuer confirms — as an
//! uploaded history is (`record_assumption_set`, audited), its source "回收台账 截至 YYYY-MM-DD".

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use huajie_core::Lang;
use huajie_core::audit::sha256_hex;
use huajie_store::{AssumptionSet, LedgerPools};
use serde::{Deserialize, Serialize};

use super::assumptions::{CurveLine, curve_lines, required_name};
use super::render_form;
use super::valuation::set_label;
use crate::AppState;
use crate::ctx::{Authorized, Ctx, perm};
use crate::error::AppError;
use crate::form::{FieldErrors, FormView, Path, Submitted};
use crate::i18n::{self, tr};
use crate::view::{Page, money};

const FORM: &str = "ledger-curves";

/// A pool as shown: package, its code and name, acquisition month, claims, collected.
pub struct PoolLine {
    pub package_id: i64,
    pub label: String,
    pub month: String,
    pub claims: usize,
    pub collected: String,
}

#[derive(Template)]
#[template(path = "pool_curves.html")]
struct PoolCurvesPage {
    page: Page,
    title: String,
    set_id: i64,
    set_label: String,
    as_of: chrono::NaiveDate,
    pools: Vec<PoolLine>,
    curves: Vec<CurveLine>,
    form: FormView,
}

/// The history's fingerprint: what the valuer saw, so that a ledger moved since is not saved
/// unseen.
fn digest(pools: &LedgerPools) -> String {
    let bytes = pools.history.as_ref().and_then(|h| huajie_tape::history::write_history(h).ok()).unwrap_or_default();
    sha256_hex(&bytes)
}

/// The preview: the pools, the curves they give the set, and the form confirming them.
async fn preview(
    ctx: &Ctx,
    state: &AppState,
    set: &AssumptionSet,
    pools: &LedgerPools,
    mut sent_back: Option<FormView>,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let curves = match &pools.history {
        Some(h) => curve_lines(&huajie_store::with_estimated_curves(&set.assumptions, h), lang),
        None => Vec::new(),
    };
    let form =
        FormView::new(FORM, lang).with("name", set.name.clone()).with("digest", digest(pools)).unless(&mut sent_back);
    let pools = pools
        .pools
        .iter()
        .map(|p| PoolLine {
            package_id: p.package_id,
            label: format!("{} {}", p.code, p.name),
            month: p.acquired.format("%Y-%m").to_string(),
            claims: p.claims,
            collected: money(p.collected, lang),
        })
        .collect();
    let mut page = Page::new(ctx, state).await?;
    let refused = page.sent_back([&form]);
    render_form(
        &PoolCurvesPage {
            title: format!("{} · {}", tr(lang, "pools.title"), set_label(set)),
            set_id: set.id,
            set_label: set_label(set),
            as_of: state.store.clock().today(),
            pools,
            curves,
            form,
            page,
        },
        refused,
    )
}

/// `GET /assumptions/{id}/ledger-curves`: what the ledger's collections would make of the set's
/// curves. Nothing is saved.
pub async fn show(
    Path(id): Path<i64>,
    Authorized(ctx, _, _): Authorized<perm::EditAssumptions>,
    State(state): State<AppState>,
) -> Result<Response, AppError> {
    let set = state.store.assumption_set(id).await?.ok_or(AppError::NotFound)?;
    let pools = state.store.ledger_pools().await?;
    preview(&ctx, &state, &set, &pools, None).await
}

/// The confirmation: the new version's name, a note, and the fingerprint of the history shown.
#[derive(Deserialize, Serialize)]
pub struct PoolCurvesForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    digest: String,
}

/// `POST /assumptions/{id}/ledger-curves`: the curves estimated from every held retail batch's
/// collections saved as a new version of the set, its note the source (the ledger as of today)
/// and the valuer's note. Refused, and the preview shown again, when no retail batch is held or
/// the ledger has moved since the preview.
pub async fn confirm(
    Path(id): Path<i64>,
    Authorized(ctx, user, _): Authorized<perm::EditAssumptions>,
    State(state): State<AppState>,
    Submitted(form): Submitted<PoolCurvesForm>,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let base = state.store.assumption_set(id).await?.ok_or(AppError::NotFound)?;
    let pools = state.store.ledger_pools().await?;
    let mut e = FieldErrors::default();
    let name = e.check("name", required_name(&form.name));
    if pools.history.is_none() {
        e.add("", i18n::text("pools.none"));
    } else if form.digest != digest(&pools) {
        e.add("", i18n::text("pools.moved"));
    }
    let (Some(name), Some(history), true) = (name, &pools.history, e.is_empty()) else {
        // A moved ledger is shown anew: the form's fingerprint becomes the new history's.
        let sent_back = FormView::sent_back(FORM, lang, &form, &e).with("digest", digest(&pools));
        return preview(&ctx, &state, &base, &pools, Some(sent_back)).await;
    };
    let estimated = huajie_store::with_estimated_curves(&base.assumptions, history);
    let source = format!("{} {}", tr(Lang::Zh, "pools.source"), state.store.clock().today());
    let note = match form.note.trim() {
        "" => source,
        typed => format!("{source}；{typed}"),
    };
    let saved = state.store.record_assumption_set(&user.username, &name, Some(base.id), &estimated, &note).await?;
    Ok(Redirect::to(&format!("/assumptions/{}", saved.id)).into_response())
}
