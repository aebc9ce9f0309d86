//! Valuation pages: a package's valuation (run form, its runs, a run's results with
//! charts). A run's sign-off and its reports (.xlsx, PDF) are `valuation_signoff.rs`, the
//! assumption sets `assumptions.rs`.

mod charts;

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use huajie_core::{Lang, Package, Permission, Text, ValuationBasis};
use huajie_report::valuation::{label, money as money_yuan, percent, stress_label};
use huajie_store::{AssumptionSet, ValuationRequest, ValuationRun};
use huajie_value::appraisal::Method;
use huajie_value::params::parse_share;
use huajie_value::{Options, RawOptions, Stress};
use serde::{Deserialize, Serialize};

use super::render_form;
use crate::AppState;
use crate::chart::{Columns, LineChart};
use crate::ctx::{Authorized, Ctx, perm};
use crate::error::AppError;
use crate::form::{FieldErrors, FormView, Path, Submitted};
use crate::i18n::{self, tr};
use crate::view::{Page, party_view};

/// Claims listed under a run's results (the workbook has them all).
const TOP_CLAIMS: usize = 20;

pub struct RunLine {
    pub id: i64,
    pub at: String,
    pub by: String,
    pub set: String,
    pub irr: String,
    pub bid: String,
    pub scenarios: i64,
    pub stress: String,
    pub selected: bool,
}

pub struct TopClaim {
    pub id: i64,
    pub contract_no: String,
    pub debtor: String,
    pub method: &'static str,
    pub recovered: String,
    pub pv: String,
    pub allocation: String,
}

pub struct RunView {
    pub id: i64,
    pub set_id: i64,
    pub set_label: String,
    pub facts: Vec<(&'static str, String)>,
    pub routes: Vec<(&'static str, String)>,
    pub cash: Columns,
    pub cumulative: LineChart,
    pub distribution: Option<Columns>,
    pub monte_carlo: Vec<(String, String)>,
    pub sensitivity_head: Vec<String>,
    pub sensitivity: Vec<(String, Vec<String>)>,
    pub stresses: Vec<(&'static str, String, String)>,
    /// Label, claims, amount, curve, present value.
    pub segments: Vec<(String, u64, String, &'static str, String)>,
    pub top_claims: Vec<TopClaim>,
    pub anchor_flag: bool,
}

#[derive(Template)]
#[template(path = "valuation.html")]
struct ValuationPage {
    page: Page,
    title: String,
    package_id: i64,
    package_code: String,
    can_run: bool,
    sets: Vec<(i64, String)>,
    stresses: Vec<(&'static str, &'static str)>,
    /// The run form and the basis form.
    form: FormView,
    basis_form: FormView,
    runs: Vec<RunLine>,
    result: Option<RunView>,
    /// The shown run's sign-off and the review form (its refusal beside the button).
    signoff: Option<super::valuation_signoff::SignoffView>,
    review_form: FormView,
    /// How the package is valued, and whether this user may change it.
    basis_name: &'static str,
    bases: Vec<(&'static str, &'static str)>,
    can_set_basis: bool,
    /// The default valuation date (shown as the date field's placeholder).
    default_date: String,
    /// A held package: its cost against its latest valuation.
    holding: Option<Holding>,
}

/// A held package's cost against what its latest valuation says it is worth.
pub struct Holding {
    pub cost: String,
    pub acquired_on: String,
    /// The latest run's valuation date, and whether that is today.
    pub as_of: String,
    pub current: bool,
    pub run_id: i64,
    /// The run's value at its target IRR.
    pub value: String,
    pub target_irr: String,
    /// Value − cost, and as a share of cost.
    pub difference: String,
    pub difference_pct: String,
    pub gain: bool,
    /// The run's IRR when it was measured at the cost.
    pub irr_at_cost: Option<String>,
}

/// The holding panel of a held package, from its latest run; `None` when the package is
/// not held, has no price or no run.
fn holding(package: &Package, latest: Option<&ValuationRun>, today: NaiveDate, lang: Lang) -> Option<Holding> {
    let (cost, run) = (package.price?, latest?);
    if !package.is_held() {
        return None;
    }
    let a = run.appraisal().ok()?;
    let cost_yuan = cost.fen() as f64 / 100.0;
    let difference = a.bid - cost_yuan;
    let priced_at_cost = (a.metrics.price - cost_yuan).abs() < 0.005;
    Some(Holding {
        cost: crate::view::money(cost, lang),
        acquired_on: package.acquired_on.map(|d| d.to_string()).unwrap_or_default(),
        as_of: run.valuation_date.to_string(),
        current: run.valuation_date == today,
        run_id: run.id,
        value: money_yuan(a.bid, lang),
        target_irr: percent(a.options.target_irr),
        difference: format!("{}{}", if difference >= 0.0 { "+" } else { "−" }, money_yuan(difference.abs(), lang)),
        difference_pct: if cost_yuan > 0.0 {
            format!("{:+.1}%", difference / cost_yuan * 100.0).replace('-', "−")
        } else {
            "—".into()
        },
        gain: difference >= 0.0,
        irr_at_cost: priced_at_cost.then(|| a.metrics.irr.map_or_else(|| l("none", lang).to_string(), percent)),
    })
}

pub(super) fn set_label(s: &AssumptionSet) -> String {
    format!("{} v{}", s.name, s.version)
}

fn l(key: &str, lang: Lang) -> &'static str {
    label(key, lang)
}

/// The results of a run, laid out for the page.
async fn run_view(state: &AppState, ctx: &Ctx, run: &ValuationRun, set: &AssumptionSet) -> Result<RunView, AppError> {
    let lang = ctx.lang;
    let a = run.appraisal().map_err(AppError::from)?;
    let m = |x: f64| money_yuan(x, lang);
    let mt = &a.metrics;
    let facts = vec![
        (l("valuation_date", lang), a.valuation_date.to_string()),
        (l("claim_amount", lang), m(a.claim_amount)),
        (l("principal", lang), m(a.principal)),
        (l("target_irr", lang), percent(a.options.target_irr)),
        (l("bid", lang), m(a.bid)),
        (l("price", lang), m(mt.price)),
        (l("price_of_claim", lang), percent(mt.price_of_claim)),
        (l("price_of_principal", lang), percent(mt.price_of_principal)),
        (l("irr", lang), mt.irr.map_or_else(|| l("none", lang).to_string(), percent)),
        (l("moic", lang), format!("{:.3}", mt.moic)),
        (l("recovery_ratio", lang), percent(mt.recovery_ratio)),
        (l("payback", lang), mt.payback_quarter.map_or_else(|| l("none", lang).to_string(), |q| q.to_string())),
        (l("wal", lang), format!("{:.2}", mt.wal_years)),
        (l("model", lang), a.model_version.clone()),
        (l("input_hash", lang), a.input_hash[..16.min(a.input_hash.len())].to_string()),
    ];
    let claims = state.store.valuation_claims(run.id).await?;
    let sum = |f: fn(&huajie_value::appraisal::ClaimResult) -> f64| claims.iter().map(f).sum::<f64>();
    let routes = vec![
        (l("collateral", lang), m(sum(|c| c.collateral))),
        (l("guarantors", lang), m(sum(|c| c.guarantors))),
        (l("debtor", lang), m(sum(|c| c.unsecured))),
        (l("court_fees", lang), m(sum(|c| c.court_fees))),
        (l("legal_costs", lang), m(sum(|c| c.legal_costs))),
        (l("net", lang), m(sum(|c| c.net))),
    ];
    let cash = charts::cash(&a, lang);
    let cumulative = charts::cumulative(&a, lang);
    let (distribution, monte_carlo) = match &a.monte_carlo {
        Some(mc) => {
            let d = &mc.distribution;
            let chart = charts::distribution(mc, a.bid, lang);
            let stats = vec![
                (l("scenarios", lang).to_string(), mc.scenarios.to_string()),
                (l("seed", lang).to_string(), mc.seed.to_string()),
                (l("mean", lang).to_string(), m(d.mean)),
                ("P5".to_string(), m(d.p5)),
                ("P50".to_string(), m(d.p50)),
                ("P95".to_string(), m(d.p95)),
                (format!("{} (α = {:.0}%)", l("confidence_bid", lang), d.confidence * 100.0), m(d.confidence_bid)),
                (l("hurdle_probability", lang).to_string(), percent(d.probability_of_hurdle)),
            ];
            (Some(chart), stats)
        }
        None => (None, Vec::new()),
    };
    let sensitivity_head =
        a.sensitivity.haircuts.iter().map(|h| format!("{} {:.0}%", l("haircut", lang), h * 100.0)).collect();
    let sensitivity = a
        .sensitivity
        .rates
        .iter()
        .zip(&a.sensitivity.bids)
        .map(|(r, bids)| (percent(*r), bids.iter().map(|b| m(*b)).collect()))
        .collect();
    let stresses = a
        .stresses
        .iter()
        .map(|s| (stress_label(&s.code, lang), m(s.bid), format!("{:+.1}%", (s.bid / a.bid.max(1e-9) - 1.0) * 100.0)))
        .collect();
    let segments = a
        .segments
        .iter()
        .map(|s| {
            (
                s.label(lang == Lang::Zh),
                s.claims,
                m(s.amount),
                if s.estimated { l("estimated_curve", lang) } else { l("default_curve", lang) },
                m(s.pv),
            )
        })
        .collect();
    let rows = state.store.claims_of_package(run.package_id).await?;
    let by_id: HashMap<i64, &huajie_store::ClaimRow> = rows.iter().map(|r| (r.claim.id, r)).collect();
    let mut top: Vec<&huajie_value::appraisal::ClaimResult> = claims.iter().collect();
    top.sort_by(|x, y| y.pv.total_cmp(&x.pv));
    let top_claims = top
        .into_iter()
        .take(TOP_CLAIMS)
        .filter_map(|c| {
            by_id.get(&c.id).map(|row| TopClaim {
                id: c.id,
                contract_no: row.claim.data.contract_no.clone(),
                debtor: party_view(&row.debtor, ctx).name,
                method: if c.method == Method::Claim { l("by_claim", lang) } else { l("by_segment", lang) },
                recovered: m(c.collateral + c.guarantors + c.unsecured),
                pv: m(c.pv),
                allocation: m(c.allocation),
            })
        })
        .collect();
    Ok(RunView {
        id: run.id,
        set_id: set.id,
        set_label: set_label(set),
        facts,
        routes,
        cash,
        cumulative,
        distribution,
        monte_carlo,
        sensitivity_head,
        sensitivity,
        stresses,
        segments,
        top_claims,
        anchor_flag: a.retail_outside_anchor == Some(true),
    })
}

/// The valuation date a form asks for: `None` (the package's default) when blank; never
/// before the tape's cut-off, whose balances the valuation starts from.
pub(crate) fn valuation_date_of(text: &str, package: &Package) -> Result<Option<NaiveDate>, Text> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    let date = huajie_tape::coerce::parse_date(text.trim()).map_err(|_| i18n::text("valuation.bad_date"))?;
    if !package.may_be_valued_at(date) {
        let before = i18n::text("valuation.date_before_cutoff");
        return Err(Text::new(
            format!("{} {}", before.zh, package.cutoff_date),
            format!("{} {}", before.en, package.cutoff_date),
        ));
    }
    Ok(Some(date))
}

#[derive(Deserialize, Serialize, Default)]
#[serde(default)]
pub struct BasisForm {
    basis: String,
}

/// `POST /packages/{id}/valuation/basis`: a valuer sets how the package is valued.
pub async fn set_basis(
    Path(id): Path<i64>,
    Authorized(ctx, user, _): Authorized<perm::EditAssumptions>,
    State(state): State<AppState>,
    Submitted(f): Submitted<BasisForm>,
) -> Result<Response, AppError> {
    state.store.package(id).await?.ok_or(AppError::NotFound)?;
    let set = async {
        let basis = ValuationBasis::from_code(&f.basis).ok_or(i18n::text("valuation.bad_basis"));
        state.store.set_valuation_basis(&user.username, id, FieldErrors::only("basis", basis)?).await?;
        Ok(Redirect::to(&format!("/packages/{id}/valuation")).into_response())
    };
    super::or_refused(set.await, ctx.lang, (BASIS_FORM, &f), |form| valuation_page(&ctx, &state, id, None, Some(form)))
        .await
}

/// The run form as first shown: the package's default date, 15%, 1,000 scenarios, the default seed.
fn run_form(set: i64, lang: Lang) -> FormView {
    FormView::new(RUN_FORM, lang)
        .with("set", set.to_string())
        .with("irr", format!("{:.0}%", huajie_value::limits::TARGET_IRR_DEFAULT * 100.0))
        .with("scenarios", "1000")
        .with("seed", huajie_value::limits::SEED_DEFAULT.to_string())
}

const RUN_FORM: &str = "run-form";
const BASIS_FORM: &str = "basis-form";

/// The runs as listed, `selected` marked.
fn run_lines(
    runs: &[ValuationRun],
    selected: Option<&ValuationRun>,
    set_names: &HashMap<i64, String>,
    lang: Lang,
) -> Vec<RunLine> {
    runs.iter()
        .map(|r| RunLine {
            id: r.id,
            at: crate::view::when(r.created_at, lang),
            by: r.created_by.clone(),
            set: set_names.get(&r.assumption_set_id).cloned().unwrap_or_default(),
            irr: format!("{:.2}%", r.target_irr_bps as f64 / 100.0),
            bid: crate::view::money(r.bid, lang),
            scenarios: r.scenarios,
            stress: r.stress.as_deref().map(|c| stress_label(c, lang)).unwrap_or("—").to_string(),
            selected: selected.is_some_and(|s| s.id == r.id),
        })
        .collect()
}

/// Run `run`'s page with `form` sent back (the review refused).
pub(super) async fn page_with(
    ctx: &Ctx,
    state: &AppState,
    run: &ValuationRun,
    form: FormView,
) -> Result<Response, AppError> {
    valuation_page(ctx, state, run.package_id, Some(run), Some(form)).await
}

/// A package's valuation page; with a form sent back, that form as typed with each field's message.
async fn valuation_page(
    ctx: &Ctx,
    state: &AppState,
    package_id: i64,
    selected: Option<&ValuationRun>,
    mut sent_back: Option<FormView>,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let package = state.store.package(package_id).await?.ok_or(AppError::NotFound)?;
    let default_set = state.store.default_assumption_set().await?;
    let sets = state.store.assumption_sets().await?;
    let set_names: HashMap<i64, String> = sets.iter().map(|s| (s.id, set_label(s))).collect();
    let runs = state.store.valuation_runs(package_id).await?;
    let today = state.store.clock().today();
    let p = &package.package.data;
    let holding = holding(p, runs.first(), today, lang);
    let default_date = p.default_valuation_date(today);
    let selected = selected.or(runs.first());
    let result = match selected {
        Some(run) => {
            let set = state.store.assumption_set(run.assumption_set_id).await?.ok_or(AppError::NotFound)?;
            Some(run_view(state, ctx, run, &set).await?)
        }
        None => None,
    };
    let mut form = run_form(selected.map_or(default_set.id, |r| r.assumption_set_id), lang);
    if p.is_held() {
        // What it is worth today, measured at what it cost.
        let cost = p.price.map(|c| format!("{:.2}", c.fen() as f64 / 1_000_000.0)).unwrap_or_default();
        form = form.with("date", today.to_string()).with("price", cost);
    }
    let form = form.unless(&mut sent_back);
    let basis_form = FormView::new(BASIS_FORM, lang).with("basis", p.valuation_basis.code()).unless(&mut sent_back);
    let review_form = FormView::new(super::valuation_signoff::REVIEW_FORM, lang).unless(&mut sent_back);
    let mut page = Page::new(ctx, state).await?;
    let refused = page.sent_back([&form, &basis_form, &review_form]);
    render_form(
        &ValuationPage {
            title: format!("{} · {}", tr(lang, "valuation.title"), package.package.data.name),
            package_id,
            package_code: package.package.data.code.clone(),
            can_run: ctx.can(Permission::RunValuations),
            sets: sets.iter().map(|s| (s.id, set_label(s))).collect(),
            stresses: Stress::OVERLAYS.iter().map(|(c, _)| (*c, stress_label(c, lang))).collect(),
            form,
            basis_form,
            runs: run_lines(&runs, selected, &set_names, lang),
            signoff: super::valuation_signoff::page_view(state, ctx, selected).await?,
            review_form,
            result,
            basis_name: p.valuation_basis.name(lang),
            bases: ValuationBasis::ALL.iter().map(|b| (b.code(), b.name(lang))).collect(),
            can_set_basis: ctx.can(Permission::EditAssumptions),
            default_date: default_date.to_string(),
            holding,
            page,
        },
        refused,
    )
}

/// `GET /packages/{id}/valuation`: the run form, the runs, the latest run's results.
pub async fn package(ctx: Ctx, State(state): State<AppState>, Path(id): Path<i64>) -> Result<Response, AppError> {
    ctx.require(Permission::ViewValuations)?;
    valuation_page(&ctx, &state, id, None, None).await
}

/// `GET /valuations/{id}`: one run's results.
pub async fn run(ctx: Ctx, State(state): State<AppState>, Path(id): Path<i64>) -> Result<Response, AppError> {
    ctx.require(Permission::ViewValuations)?;
    let run = state.store.valuation_run(id).await?.ok_or(AppError::NotFound)?;
    valuation_page(&ctx, &state, run.package_id, Some(&run), None).await
}

/// The run form as typed, every field text (a form sent back shows what came).
#[derive(Deserialize, Serialize, Default)]
#[serde(default)]
pub struct RunForm {
    set: crate::form::Loose,
    date: String,
    irr: String,
    price: String,
    scenarios: String,
    seed: String,
    stress: String,
}

impl RunForm {
    /// What a run of `package` asks for (`set_known`: whether its assumption set exists), or
    /// every field that cannot be read or is out of range: the form's text read here, its limits
    /// checked by [`Options::checked`] as for the API and the command line.
    fn parse(&self, package: &Package, set_known: bool) -> Result<(Option<NaiveDate>, Options), FieldErrors> {
        let mut e = FieldErrors::default();
        if !set_known {
            e.add("set", i18n::text("valuation.bad_set"));
        }
        let date = e.check("date", valuation_date_of(&self.date, package));
        let irr = e.check("irr", parse_share(&self.irr).ok_or(i18n::text("valuation.bad_irr")));
        let yuan = |p: &str| crate::form::fields::amount(p).ok().map(|m| m.fen() as f64 / 100.0); // 万元 unless 元/亿
        let price = e.check("price", blank_or(&self.price, yuan, "valuation.bad_price"));
        let whole = |s: &str| huajie_core::input::parse_int(s).ok().and_then(|n| u64::try_from(n).ok());
        let scenarios = match self.scenarios.trim() {
            "" => Some(0),
            s => e.check("scenarios", whole(s).map(|n| n as usize).ok_or_else(huajie_value::limits::scenarios_text)),
        };
        let seed = e.check("seed", blank_or(&self.seed, whole, "valuation.bad_seed"));
        let stress = Some(self.stress.trim()).filter(|s| !s.is_empty()).map(str::to_string);
        // A field already named is read as its default, so the limits name only the others.
        let raw = RawOptions {
            target_irr: irr.unwrap_or(huajie_value::limits::TARGET_IRR_DEFAULT),
            price_yuan: price.flatten(),
            scenarios: scenarios.unwrap_or(0),
            seed: seed.flatten(),
            stress,
        };
        let options = Options::checked(raw).map_err(|limits| out_of_range(&mut e, limits, FORM_FIELDS)).ok();
        e.finish(|| Some((date?, options?)))
    }
}

/// What is typed in a field that may be blank (`None`), read by `read`; `bad` when it cannot be.
fn blank_or<T>(typed: &str, read: impl Fn(&str) -> Option<T>, bad: &'static str) -> Result<Option<T>, Text> {
    match typed.trim() {
        "" => Ok(None),
        t => read(t).map(Some).ok_or(i18n::text(bad)),
    }
}

/// The run form's field for each field of a request's limits.
const FORM_FIELDS: [&str; 4] = ["irr", "price", "scenarios", "stress"];

/// Every field out of a request's limits, named by the surface's key for it (`keys`: target IRR,
/// price, scenarios, stress).
pub(crate) fn out_of_range(e: &mut FieldErrors, limits: huajie_value::limits::OptionsError, keys: [&'static str; 4]) {
    use huajie_value::limits::OptionsField;
    for (field, message) in limits.problems {
        let key = match field {
            OptionsField::TargetIrr => keys[0],
            OptionsField::Price => keys[1],
            OptionsField::Scenarios => keys[2],
            OptionsField::Stress => keys[3],
        };
        e.add(key, message);
    }
}

/// `POST /packages/{id}/valuation`: runs and records a valuation, then shows it.
pub async fn submit(
    Path(id): Path<i64>,
    Authorized(ctx, user, _): Authorized<perm::RunValuations>,
    State(state): State<AppState>,
    Submitted(f): Submitted<RunForm>,
) -> Result<Response, AppError> {
    let package = state.store.package(id).await?.ok_or(AppError::NotFound)?;
    let run = async {
        let set = huajie_core::input::parse_int(f.set.as_str()).ok();
        let set_known = if let Some(set) = set { state.store.assumption_set(set).await?.is_some() } else { false };
        let (valuation_date, options) = f.parse(&package.package.data, set_known).map_err(AppError::Invalid)?;
        let req = ValuationRequest { package_id: id, assumption_set_id: set, valuation_date, options };
        // In the background (`crate::runs`): its progress page, or its result if it is done by then.
        let (store, actor) = (state.store.clone(), user.username.clone());
        let work = move |progress: huajie_store::Progress| async move {
            progress.stage(huajie_store::RunStage::ReadingBook, 0);
            let (_, _, run) = store.following(&progress).value_package(&actor, &req, true).await?;
            let run = run.ok_or_else(|| huajie_store::StoreError::Corrupt("a saved run without its record".into()))?;
            Ok(crate::runs::Finished::Result(run.id))
        };
        let kind = (huajie_store::RunKind::Valuation, Some(id), package.package.data.code.as_str());
        let live = state.runs.start(&state.store, kind, &user.username, work).await?;
        super::runs::answer(&state, &live, |run| format!("/valuations/{run}")).await
    };
    super::or_refused(run.await, ctx.lang, (RUN_FORM, &f), |form| valuation_page(&ctx, &state, id, None, Some(form)))
        .await
}
