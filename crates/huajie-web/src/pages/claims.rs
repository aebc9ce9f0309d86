//! Claim detail: amounts, debtor, collateral (with every claim each item secures) and
//! guarantors, personal data masked for roles that do not own it.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use huajie_core::{FiveClass, GuaranteeKind, LitigationStage, PartyKind, Permission};

use super::render_form;
use crate::AppState;
use crate::ctx::{Authorized, Ctx, perm};
use crate::error::AppError;
use crate::form::fields::required;
use crate::form::{FieldErrors, FormView, Path, Submitted};
use crate::view::{Page, PartyView, money, opt_date, opt_name, party_view};
use huajie_core::mask::mask_address;

pub struct ClaimView {
    pub package_id: i64,
    pub package_code: String,
    pub contract_no: String,
    pub principal: String,
    pub interest: String,
    pub penalty: String,
    pub advanced_costs: String,
    pub total: String,
    pub five_class: String,
    pub stage: String,
    pub default_date: String,
    pub limitation_date: String,
    pub province: String,
    /// 是否核销 as the tape says: 是, 否, or — when it does not.
    pub written_off: String,
    pub time_barred: bool,
}

pub struct CollateralLine {
    pub collateral_id: i64,
    pub kind: String,
    pub description: String,
    pub address: String,
    pub province: String,
    pub appraised: String,
    pub appraisal_date: String,
    /// The rank at which the item secures this claim.
    pub lien_rank: u8,
    pub prior_claims: String,
    /// Every claim the item secures: (claim id, contract number, its rank there).
    pub secures: Vec<(i64, String, String)>,
}

/// The claim in its latest valuation run.
pub struct ClaimValuation {
    pub run_id: i64,
    pub set: String,
    pub method: &'static str,
    pub routes: Vec<(&'static str, String)>,
    pub timeline: Vec<(&'static str, String)>,
    pub cash: Vec<(u8, String)>,
}

async fn claim_valuation(
    state: &AppState,
    id: i64,
    lang: huajie_core::Lang,
) -> Result<Option<ClaimValuation>, AppError> {
    use huajie_report::valuation::{label, money};
    let Some((run, c)) = state.store.latest_claim_valuation(id).await? else { return Ok(None) };
    let set = state
        .store
        .assumption_set(run.assumption_set_id)
        .await?
        .map(|s| format!("{} v{}", s.name, s.version))
        .unwrap_or_default();
    let m = |x: f64| money(x, lang);
    let months = |k, v: Option<u32>| v.map(|v| (label(k, lang), v.to_string()));
    Ok(Some(ClaimValuation {
        run_id: run.id,
        set,
        method: if c.method == huajie_value::appraisal::Method::Claim {
            label("by_claim", lang)
        } else {
            label("by_segment", lang)
        },
        routes: vec![
            (label("amount", lang), m(c.amount)),
            (label("collateral", lang), m(c.collateral)),
            (label("guarantors", lang), m(c.guarantors)),
            (label("debtor", lang), m(c.unsecured)),
            (label("court_fees", lang), m(c.court_fees)),
            (label("legal_costs", lang), m(c.legal_costs)),
            (label("net", lang), m(c.net)),
            (label("pv", lang), m(c.pv)),
            (label("allocation", lang), m(c.allocation)),
            (label("time_barred", lang), label(if c.time_barred { "yes" } else { "no" }, lang).to_string()),
        ],
        timeline: [
            months("judgment", c.judgment_month),
            months("enforcement", c.enforcement_month),
            months("first_auction", c.first_auction_month),
        ]
        .into_iter()
        .flatten()
        .collect(),
        cash: c.cash.iter().map(|(q, x)| (*q, m(*x))).collect(),
    }))
}

/// The claim's facts as the page shows them.
fn claim_view(
    c: &huajie_core::Claim,
    package: &huajie_store::PackageSummary,
    today: chrono::NaiveDate,
    lang: huajie_core::Lang,
) -> ClaimView {
    ClaimView {
        package_id: package.package.id,
        package_code: package.package.data.code.clone(),
        contract_no: c.contract_no.clone(),
        principal: money(c.principal, lang),
        interest: money(c.interest, lang),
        penalty: money(c.penalty, lang),
        advanced_costs: money(c.advanced_costs, lang),
        total: c.total().map(|t| money(t, lang)).unwrap_or_else(|_| "—".into()),
        five_class: opt_name(c.five_class, lang, FiveClass::name),
        stage: opt_name(c.litigation_stage, lang, LitigationStage::name),
        default_date: opt_date(c.default_date),
        limitation_date: opt_date(c.limitation_date),
        province: c.province.map(|p| p.name(lang).to_string()).unwrap_or_else(|| "—".into()),
        written_off: match c.written_off {
            Some(true) => crate::i18n::tr(lang, "common.yes").into(),
            Some(false) => crate::i18n::tr(lang, "common.no").into(),
            None => "—".into(),
        },
        time_barred: c.is_time_barred(today),
    }
}

/// A collateral item of claim `id` as its page shows it: a person's property described by its
/// type alone and its address masked, unless the role sees personal data.
fn collateral_line(
    m: &huajie_store::CollateralRow,
    id: i64,
    see_personal: bool,
    lang: huajie_core::Lang,
) -> CollateralLine {
    let d = &m.collateral.data;
    // A person's property address is personal data.
    let personal_owner = m.owner.as_ref().is_some_and(|o| o.data.kind() == PartyKind::Individual);
    let address = match &d.address {
        Some(a) if personal_owner && !see_personal => mask_address(a),
        Some(a) => a.clone(),
        None => "—".into(),
    };
    CollateralLine {
        collateral_id: m.collateral.id,
        kind: d.collateral_type.name(lang).into(),
        description: if personal_owner && !see_personal {
            d.collateral_type.name(lang).into()
        } else {
            d.description.clone()
        },
        address,
        province: d.province.map(|p| p.name(lang).to_string()).unwrap_or_else(|| "—".into()),
        appraised: money(d.appraised_value, lang),
        appraisal_date: opt_date(d.appraisal_date),
        lien_rank: m.rank_for(id).unwrap_or(1),
        prior_claims: money(d.prior_claims, lang),
        secures: m
            .secures
            .iter()
            .map(|s| {
                let rank = match lang {
                    huajie_core::Lang::Zh => format!("第{}顺位", s.lien_rank),
                    huajie_core::Lang::En => format!("lien {}", s.lien_rank),
                };
                (s.claim_id, s.contract_no.clone(), rank)
            })
            .collect(),
    }
}

#[derive(Template)]
#[template(path = "claim.html")]
struct ClaimPage {
    page: Page,
    title: String,
    c: ClaimView,
    /// The viewer may prepare a disposal plan for the claim or its collateral.
    can_plan: bool,
    debtor: PartyView,
    collateral: Vec<CollateralLine>,
    /// Guarantor, kind, cap.
    guarantees: Vec<(PartyView, String, String)>,
    link_parties: bool,
    valuation: Option<ClaimValuation>,
    claim_id: i64,
    /// The cross-region exception recorded: basis, by and when.
    exception: Option<(String, String)>,
    can_record_exception: bool,
    flags: super::flags::FlagsPanel,
    /// The form recording the exception's basis (`record-exception`).
    exception_form: FormView,
    /// The claim's cases and the form opening one (issue 15).
    cases: Option<super::cases::ClaimCases>,
    /// The firms a case may be opened with (id, name).
    case_agencies: Vec<(String, String)>,
    /// Its position in the ledger and its entries (issue 15).
    ledger: Option<super::ledger_books::ClaimLedger>,
}

pub async fn detail(ctx: Ctx, State(state): State<AppState>, Path(id): Path<i64>) -> Result<Response, AppError> {
    claim_page(&ctx, &state, id, None).await
}

/// A claim's page with one of its forms (a flag, the cross-region exception) sent back: what
/// was typed, and each field's message.
pub async fn claim_page(
    ctx: &Ctx,
    state: &AppState,
    id: i64,
    mut sent_back: Option<FormView>,
) -> Result<Response, AppError> {
    ctx.require(Permission::ViewClaims)?;
    let lang = ctx.lang;
    let store = &state.store;
    let row = store.claim(id).await?.ok_or(AppError::NotFound)?;
    let package = store.package(row.claim.data.package_id).await?.ok_or(AppError::NotFound)?;
    let collateral = store.collateral_of_claim(id).await?;
    let guarantees = store.guarantees_of_claim(id).await?;
    let today = store.clock().today();
    let c = &row.claim.data;
    let see_personal = ctx.can(Permission::ViewPersonalData);
    let view = claim_view(c, &package, today, lang);
    let collateral = collateral.iter().map(|m| collateral_line(m, id, see_personal, lang)).collect();
    let unlimited = crate::i18n::tr(lang, "guarantee.unlimited");
    let guarantees = guarantees
        .iter()
        .map(|g| {
            let cap = g.guarantee.data.cap.map(|m| money(m, lang)).unwrap_or_else(|| unlimited.into());
            (party_view(&g.guarantor, ctx), opt_name(g.guarantee.data.kind, lang, GuaranteeKind::name), cap)
        })
        .collect();
    let valuation = if ctx.can(Permission::ViewValuations) { claim_valuation(state, id, lang).await? } else { None };
    let exception = store
        .cross_region_exception(id)
        .await?
        .map(|x| (x.basis, format!("{} {}", x.created_by, crate::view::when(x.created_at, lang))));
    let flags = super::flags::flags_panel(ctx, state, huajie_store::FlagTarget::Claim(id), &mut sent_back).await?;
    let exception_form = FormView::new(EXCEPTION_FORM, lang).unless(&mut sent_back);
    let cases = super::cases::claim_cases(ctx, state, id, &mut sent_back).await?;
    let ledger = super::ledger_books::claim_ledger(ctx, state, id).await?;
    let mut page = Page::new(ctx, state).await?;
    let case_form = cases.as_ref().and_then(|c| c.form.as_ref());
    let refused = page.sent_back([&flags.form, &exception_form].into_iter().chain(case_form));
    let claim = ClaimPage {
        can_plan: ctx.can(huajie_core::Permission::PreparePlans),
        flags,
        exception_form,
        case_agencies: cases.as_ref().map(|c| c.agencies.clone()).unwrap_or_default(),
        cases,
        ledger,
        valuation,
        claim_id: id,
        exception,
        can_record_exception: ctx.can(Permission::OverrideFindings),
        title: format!("{} {}", page.t("claim.title"), c.contract_no),
        c: view,
        debtor: party_view(&row.debtor, ctx),
        collateral,
        guarantees,
        link_parties: ctx.can(Permission::ViewParties),
        page,
    };
    render_form(&claim, refused)
}

const EXCEPTION_FORM: &str = "record-exception";

/// `POST /claims/{id}/cross-region`: the risk team records the legal basis on which a claim
/// outside the home province may be acquired (the territorial finding then warns, not blocks).
pub async fn record_exception(
    Path(id): Path<i64>,
    Authorized(ctx, user, _): Authorized<perm::OverrideFindings>,
    State(state): State<AppState>,
    Submitted(form): Submitted<ExceptionForm>,
) -> Result<Response, AppError> {
    state.store.claim(id).await?.ok_or(AppError::NotFound)?;
    let recorded = async {
        let basis = FieldErrors::one("basis", &crate::i18n::text("claim.exception_basis"), required(&form.basis))?;
        state.store.record_cross_region_exception(&user.username, id, &basis).await?;
        Ok(axum::response::Redirect::to(&format!("/claims/{id}#cross-region")).into_response())
    };
    super::or_refused(recorded.await, ctx.lang, (EXCEPTION_FORM, &form), |form| {
        claim_page(&ctx, &state, id, Some(form))
    })
    .await
}

/// The cross-region exception's form: its legal basis.
#[derive(serde::Deserialize, serde::Serialize)]
pub struct ExceptionForm {
    #[serde(default)]
    basis: String,
}
