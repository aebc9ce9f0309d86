//! Party list (filter by kind, search) and party detail.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use huajie_core::{GuaranteeKind, LitigationStage, PartyKind, Permission};
use huajie_store::PartyFilter;
use serde::Deserialize;

use super::{Pager, page_number, render};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::{AppError, url_encode};
use crate::i18n::tr;
use crate::view::{Page, PartyView, money, opt_name, party_view};

const PARTIES_PER_PAGE: i64 = 50;

#[derive(Deserialize)]
pub struct PartyQuery {
    kind: Option<String>,
    q: Option<String>,
    page: Option<i64>,
}

#[derive(Template)]
#[template(path = "parties.html")]
struct PartiesPage {
    page: Page,
    title: &'static str,
    /// Code, name, selected.
    kinds: Vec<(&'static str, &'static str, bool)>,
    q: String,
    total_label: String,
    /// The party, claims owed, claims guaranteed.
    parties: Vec<(PartyView, i64, i64)>,
    pager: Pager,
}

pub async fn list(ctx: Ctx, State(state): State<AppState>, Query(q): Query<PartyQuery>) -> Result<Response, AppError> {
    ctx.require(Permission::ViewParties)?;
    let lang = ctx.lang;
    let kind = q.kind.as_deref().and_then(PartyKind::from_code);
    let query = q.q.clone().unwrap_or_default();
    // Those who may not see ID numbers may not search by them either: a masked viewer's
    // search matches names only, and never personal names.
    let n = page_number(q.page);
    let filter = PartyFilter {
        kind,
        query: Some(query.clone()),
        limit: PARTIES_PER_PAGE,
        offset: (n - 1) * PARTIES_PER_PAGE,
        names_only: !ctx.can(Permission::ViewPersonalData),
    };
    let (parties, total) = state.store.parties(&filter).await?;
    let page = Page::new(&ctx, &state).await?;
    let kind_code = kind.map(|k| k.code()).unwrap_or("");
    let href = |k: i64| format!("/parties?kind={kind_code}&q={}&page={k}", url_encode(&query));
    render(&PartiesPage {
        title: page.t("parties.title"),
        kinds: PartyKind::ALL.iter().map(|k| (k.code(), k.name(lang), Some(*k) == kind)).collect(),
        total_label: tr(lang, "common.total_rows").replace("{n}", &total.to_string()),
        parties: parties.iter().map(|r| (party_view(&r.party, &ctx), r.debts, r.guarantees)).collect(),
        pager: Pager::new(lang, n, PARTIES_PER_PAGE, total, href),
        q: query,
        page,
    })
}

#[derive(Template)]
#[template(path = "party.html")]
struct PartyPage {
    page: Page,
    title: String,
    p: PartyView,
    /// Claim id, contract, principal, total, stage.
    debts: Vec<(i64, String, String, String, String)>,
    /// Claim id, contract, kind, cap.
    guarantees: Vec<(i64, String, String, String)>,
    /// Type, description, appraised value.
    collateral: Vec<(String, String, String)>,
}

pub async fn detail(ctx: Ctx, State(state): State<AppState>, Path(id): Path<i64>) -> Result<Response, AppError> {
    ctx.require(Permission::ViewParties)?;
    let lang = ctx.lang;
    let store = &state.store;
    let party = store.party(id).await?.ok_or(AppError::NotFound)?;
    let view = party_view(&party, &ctx);
    let debts = store
        .claims_of_debtor(id)
        .await?
        .iter()
        .map(|r| {
            let c = &r.claim.data;
            let total = c.total().map(|t| money(t, lang)).unwrap_or_else(|_| "—".into());
            (r.claim.id, c.contract_no.clone(), money(c.principal, lang), total, opt_name(c.litigation_stage, lang, LitigationStage::name))
        })
        .collect();
    let unlimited = tr(lang, "guarantee.unlimited");
    let guarantees = store
        .guarantees_by(id)
        .await?
        .iter()
        .map(|g| {
            let d = &g.guarantee.data;
            let cap = d.cap.map(|m| money(m, lang)).unwrap_or_else(|| unlimited.into());
            (d.claim_id, g.contract_no.clone(), opt_name(d.kind, lang, GuaranteeKind::name), cap)
        })
        .collect();
    let collateral = store
        .collateral_owned_by(id)
        .await?
        .iter()
        .map(|m| {
            let d = &m.collateral.data;
            let description = if view.masked { d.collateral_type.name(lang).to_string() } else { d.description.clone() };
            (d.collateral_type.name(lang).to_string(), description, money(d.appraised_value, lang))
        })
        .collect();
    let page = Page::new(&ctx, &state).await?;
    render(&PartyPage { title: view.name.clone(), p: view, debts, guarantees, collateral, page })
}
