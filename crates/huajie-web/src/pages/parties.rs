//! Party list (filter by kind, search) and party detail.

use askama::Template;
use axum::extract::State;

use axum::response::{IntoResponse, Response};
use huajie_core::{GuaranteeKind, LitigationStage, PartyKind, Permission};
use huajie_store::PartyFilter;
use serde::{Deserialize, Serialize};

use super::{Pager, page_number, render, render_form};
use crate::AppState;
use crate::ctx::{Authorized, Ctx, perm};
use crate::error::{AppError, url_encode};
use crate::form::{FieldErrors, FormView, Path, Query, Submitted};
use crate::i18n::{self, tr};
use crate::view::{Page, PartyView, money, opt_name, party_view};

const PARTIES_PER_PAGE: i64 = 50;

#[derive(Deserialize)]
pub struct PartyQuery {
    kind: Option<String>,
    q: Option<String>,
    #[serde(default, deserialize_with = "super::lenient_page")]
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
    party_id: i64,
    show_liquidation: bool,
    can_enter_liquidation: bool,
    /// The five figures (label, field), their form (in yuan; `liquidation-form`), the ratio.
    liquidation: Vec<(&'static str, &'static str)>,
    form: FormView,
    liquidation_ratio: Option<String>,
}

/// The five figures of a hypothetical liquidation: form field and catalogue key.
const LIQUIDATION_FIELDS: [(&str, &str); 5] = [
    ("effective_assets", "liquidation.effective_assets"),
    ("priority_deductions", "liquidation.priority_deductions"),
    ("secured_recoveries", "liquidation.secured_recoveries"),
    ("effective_liabilities", "liquidation.effective_liabilities"),
    ("secured_claims", "liquidation.secured_claims"),
];

pub async fn detail(ctx: Ctx, State(state): State<AppState>, Path(id): Path<i64>) -> Result<Response, AppError> {
    ctx.require(Permission::ViewParties)?;
    party_page(&ctx, &state, id, None).await
}

/// A party's page; with the liquidation form sent back, that form as typed with each field's message.
async fn party_page(
    ctx: &Ctx,
    state: &AppState,
    id: i64,
    mut sent_back: Option<FormView>,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let store = &state.store;
    let party = store.party(id).await?.ok_or(AppError::NotFound)?;
    let view = party_view(&party, ctx);
    let debts = store
        .claims_of_debtor(id)
        .await?
        .iter()
        .map(|r| {
            let c = &r.claim.data;
            let total = c.total().map(|t| money(t, lang)).unwrap_or_else(|_| "—".into());
            (
                r.claim.id,
                c.contract_no.clone(),
                money(c.principal, lang),
                total,
                opt_name(c.litigation_stage, lang, LitigationStage::name),
            )
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
            let description =
                if view.masked { d.collateral_type.name(lang).to_string() } else { d.description.clone() };
            (d.collateral_type.name(lang).to_string(), description, money(d.appraised_value, lang))
        })
        .collect();
    let show_liquidation = ctx.can(Permission::ViewValuations);
    let analysis = if show_liquidation { store.liquidation_of(id).await? } else { None };
    let mut form = FormView::new(LIQUIDATION_FORM, lang);
    if let Some(a) = &analysis {
        let d = &a.data;
        let figures = [d.effective_assets, d.priority_deductions, d.secured_recoveries, d.effective_liabilities];
        for ((field, _), m) in LIQUIDATION_FIELDS.iter().zip(figures.into_iter().chain([d.secured_claims])) {
            form = form.with(*field, m.yuan_string());
        }
        form = form.with("basis", d.basis.clone());
    }
    let form = form.unless(&mut sent_back);
    let liquidation = LIQUIDATION_FIELDS.iter().map(|(field, key)| (tr(lang, key), *field)).collect();
    let mut page = Page::new(ctx, state).await?;
    let refused = page.sent_back([&form]);
    render_form(
        &PartyPage {
            title: view.name.clone(),
            p: view,
            debts,
            guarantees,
            collateral,
            party_id: id,
            show_liquidation,
            can_enter_liquidation: ctx.can(Permission::RunValuations),
            liquidation,
            form,
            liquidation_ratio: analysis.map(|a| format!("{:.2}%", a.data.ratio() * 100.0)),
            page,
        },
        refused,
    )
}

const LIQUIDATION_FORM: &str = "liquidation-form";

/// The liquidation form as typed: five figures in yuan (blank is 0) and the basis.
#[derive(Deserialize, Serialize, Default)]
#[serde(default)]
pub struct LiquidationForm {
    effective_assets: String,
    priority_deductions: String,
    secured_recoveries: String,
    effective_liabilities: String,
    secured_claims: String,
    basis: String,
}

impl LiquidationForm {
    /// The analysis of party `party_id`, or every figure that cannot be read, named.
    fn parse(&self, party_id: i64) -> Result<huajie_core::LiquidationAnalysis, FieldErrors> {
        let mut e = FieldErrors::default();
        let typed = [
            &self.effective_assets,
            &self.priority_deductions,
            &self.secured_recoveries,
            &self.effective_liabilities,
            &self.secured_claims,
        ];
        let [a, p, r, l, c] = std::array::from_fn(|i| {
            let (field, key) = LIQUIDATION_FIELDS[i];
            e.read(field, &i18n::text(key), yuan(typed[i]))
        });
        e.finish(|| {
            Some(huajie_core::LiquidationAnalysis {
                party_id,
                effective_assets: a?,
                priority_deductions: p?,
                secured_recoveries: r?,
                effective_liabilities: l?,
                secured_claims: c?,
                basis: self.basis.trim().to_string(),
            })
        })
    }
}

/// A figure in yuan, never negative; blank is 0.
fn yuan(typed: &str) -> Result<huajie_core::Money, huajie_core::Text> {
    match typed.trim() {
        "" => Ok(huajie_core::Money::ZERO),
        t => match huajie_tape::coerce::parse_money(t, huajie_tape::AmountUnit::Yuan) {
            Ok(m) if m.fen() >= 0 => Ok(m),
            _ => Err(i18n::text("liquidation.bad_amount")),
        },
    }
}

/// `POST /parties/{id}/liquidation`: records a valuer's hypothetical-liquidation analysis
/// of the party (blank figures are 0); its ratio replaces β in later valuations. Every figure
/// that cannot be read is named beside it, the form kept as typed.
pub async fn save_liquidation(
    Path(id): Path<i64>,
    Authorized(ctx, user, _): Authorized<perm::RunValuations>,
    State(state): State<AppState>,
    Submitted(form): Submitted<LiquidationForm>,
) -> Result<Response, AppError> {
    state.store.party(id).await?.ok_or(AppError::NotFound)?;
    let saved = async {
        let analysis = form.parse(id).map_err(AppError::Invalid)?;
        state.store.record_liquidation(&user.username, &analysis).await?;
        Ok(axum::response::Redirect::to(&format!("/parties/{id}#liquidation")).into_response())
    };
    super::or_refused(saved.await, ctx.lang, (LIQUIDATION_FORM, &form), |form| party_page(&ctx, &state, id, Some(form)))
        .await
}
