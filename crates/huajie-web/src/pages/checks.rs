//! Pre-trade checks: a proposed acquisition or disposal of a package (from its page), a
//! proposed funding instrument or investment (from the checks page). Each check is recorded
//! with the indicators before and after the deal and its findings; a hard block stops the
//! deal, a limit or warning waits for the risk role's recorded override. A package is
//! recorded as bought only through a cleared acquisition check, at the price checked.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use huajie_core::{Lang, Money, PackageStatus, Permission};
use huajie_rules::checks::{CheckParty, Counterparty, Effect};
use huajie_rules::indicators::Status;
use huajie_rules::pretrade::shown;
use huajie_rules::terms::DealKind;
use huajie_rules::{Indicator, catalogue};
use huajie_store::book::{CHANNELS, EXPOSURE_KINDS, INVESTMENT_KINDS};
use huajie_store::{CheckStanding, DealCheck, ProposedDeal};

use crate::AppState;
use crate::ctx::{Authorized, Ctx, perm};
use crate::error::AppError;
use crate::form::fields::{labelled, required};
use crate::form::{FieldErrors, FormView, Path, Submitted};
use crate::i18n::{text, tr};
use crate::view::Page;

mod acquire;
mod form;
pub use acquire::acquire;
use form::{PackageCheckForm, ProposalForm};
pub use form::{PackageDeal, PackageProposal, Proposal, ProposalKind};

/// Who may read checks: deals under negotiation and their prices (not the regulator).
fn may_read(ctx: &Ctx) -> Result<(), AppError> {
    ctx.require(Permission::ViewDealChecks).map(drop)
}

pub fn standing_label(s: CheckStanding, lang: Lang) -> (&'static str, &'static str) {
    match s {
        CheckStanding::Blocked => (tr(lang, "checks.blocked"), "red"),
        CheckStanding::AwaitingOverride => (tr(lang, "checks.awaiting"), "amber"),
        CheckStanding::Cleared => (tr(lang, "checks.cleared"), "pass"),
    }
}

fn kind_label(kind: DealKind, lang: Lang) -> &'static str {
    match kind {
        DealKind::Acquisition => tr(lang, "checks.acquisition"),
        DealKind::Disposal => tr(lang, "checks.disposal"),
        DealKind::Funding => tr(lang, "checks.funding"),
        DealKind::Investment => tr(lang, "checks.investment"),
    }
}

/// A line of the checks list.
#[derive(Clone)]
pub struct CheckLine {
    pub id: i64,
    pub kind: &'static str,
    pub label: String,
    pub amount: String,
    pub as_of: String,
    pub standing: &'static str,
    pub standing_class: &'static str,
    pub findings: usize,
    pub by: String,
}

pub fn check_line(c: &DealCheck, lang: Lang) -> CheckLine {
    let (standing, standing_class) = standing_label(c.standing(), lang);
    CheckLine {
        id: c.id,
        kind: kind_label(c.kind, lang),
        label: c.label.clone(),
        amount: c.terms.amount().display(lang),
        as_of: c.as_of.to_string(),
        standing,
        standing_class,
        findings: c.result.findings.len(),
        by: format!("{} {}", c.created_by, crate::view::when(c.created_at, lang)),
    }
}

#[derive(Template)]
#[template(path = "checks.html")]
struct ChecksPage {
    page: Page,
    title: &'static str,
    checks: Vec<CheckLine>,
    can_check: bool,
    funding: FormView,
    investment: FormView,
    channels: Vec<(&'static str, &'static str)>,
    investment_kinds: Vec<(&'static str, &'static str)>,
    exposure_kinds: Vec<(&'static str, &'static str)>,
}

fn options(list: &[(&'static str, &'static str, &'static str)], lang: Lang) -> Vec<(&'static str, &'static str)> {
    list.iter().map(|o| (o.0, lang.pick(o.1, o.2))).collect()
}

/// The checks page; with a proposal sent back, its form as typed with each field's message.
async fn checks_page(ctx: &Ctx, state: &AppState, mut sent_back: Option<FormView>) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let checks = state
        .store
        .deal_checks(None, 200)
        .await?
        .iter()
        .map(|c| check_line(&crate::view::check_view(c, ctx), lang))
        .collect();
    let funding = FormView::new("propose-funding", lang).unless(&mut sent_back);
    let investment = FormView::new("propose-investment", lang).unless(&mut sent_back);
    let mut page = Page::new(ctx, state).await?;
    let refused = page.sent_back([&funding, &investment]);
    super::render_form(
        &ChecksPage {
            title: page.t("checks.title"),
            checks,
            can_check: ctx.can(Permission::CheckDeals),
            funding,
            investment,
            channels: options(CHANNELS, lang),
            investment_kinds: options(INVESTMENT_KINDS, lang),
            exposure_kinds: options(EXPOSURE_KINDS, lang),
            page,
        },
        refused,
    )
}

/// `GET /checks`: every check, newest first, and the forms for funding and investment proposals.
pub async fn list(ctx: Ctx, State(state): State<AppState>) -> Result<Response, AppError> {
    may_read(&ctx)?;
    checks_page(&ctx, &state, None).await
}

/// A party named by its identifier: known parties as the checks read them; an unknown one by
/// the name given (not added to the register by a check); none when no identifier is given.
async fn party_by_identifier(
    state: &AppState,
    parties: &std::collections::BTreeMap<i64, CheckParty>,
    identifier: &str,
    name: &str,
) -> Result<Counterparty, AppError> {
    // Spaces and hyphens inside the number are not part of it.
    let (identifier, _) = huajie_core::ids::compact(identifier);
    let identifier = identifier.as_str();
    if identifier.is_empty() {
        return Ok(Counterparty::None);
    }
    Ok(match state.store.party_by_identifier(identifier).await? {
        Some(p) => Counterparty::Registered(parties.get(&p.id).cloned().unwrap_or_else(|| CheckParty {
            id: p.id,
            name: p.data.name.clone(),
            ..CheckParty::default()
        })),
        None => {
            let province = huajie_core::PartyIdentifier::parse(identifier, state.store.clock().today())
                .ok()
                .and_then(|i| i.province());
            Counterparty::Unregistered {
                name: if name.is_empty() { identifier.to_string() } else { name.to_string() },
                identifier: identifier.to_string(),
                province,
            }
        }
    })
}

async fn run(
    ctx: &Ctx,
    state: &AppState,
    label: &str,
    as_of: NaiveDate,
    deal: &ProposedDeal,
) -> Result<DealCheck, AppError> {
    let user = ctx.require(Permission::CheckDeals)?;
    Ok(state.store.run_deal_check(&user.username, label, as_of, deal).await?)
}

/// `POST /packages/{id}/checks`: a proposed acquisition (price) or disposal (transferee, price)
/// of a package. Every field that cannot be read, or the refusal, is shown on the package's page
/// with the form as typed.
pub async fn package_check(
    Path(id): Path<i64>,
    Authorized(ctx, _, _): Authorized<perm::CheckDeals>,
    State(state): State<AppState>,
    Submitted(form): Submitted<PackageCheckForm>,
) -> Result<Response, AppError> {
    state.store.package(id).await?.ok_or(AppError::NotFound)?;
    let checked = async {
        let proposal = form.parse(state.store.clock().today()).map_err(AppError::Invalid)?;
        let c = check_package(&ctx, &state, id, proposal).await?;
        Ok(Redirect::to(&format!("/checks/{}", c.id)).into_response())
    }
    .await;
    let page = |form| super::packages::package_page(&ctx, &state, id, Some(form));
    super::or_refused(checked, ctx.lang, ("pretrade-form", &form), page).await
}

/// Checks a proposed acquisition or disposal of a package and records the check; a refusal (a
/// package not held, a missing quarter-end…) is `AppError::Refused`.
pub async fn check_package(
    ctx: &Ctx,
    state: &AppState,
    id: i64,
    proposal: PackageProposal,
) -> Result<DealCheck, AppError> {
    let PackageProposal { deal, price, as_of } = proposal;
    if matches!(deal, PackageDeal::Disposal { .. }) {
        // A disposal screens its transferee: only for the roles that screen (rate-limited and
        // recorded by the store), so nobody else can probe who is on the lists.
        ctx.require(Permission::ScreenTransferees)?;
    }
    let summary = state.store.package(id).await?.ok_or(AppError::NotFound)?;
    let parties = state.store.check_parties().await?;
    let code = &summary.package.data.code;
    let (deal, label) = match deal {
        PackageDeal::Disposal { identifier, name } => {
            let transferee = party_by_identifier(state, &parties, &identifier, &name).await?;
            if transferee == Counterparty::None {
                let mut e = FieldErrors::default();
                e.add("transferee", labelled(&text("checks.transferee"), &text("form.required")));
                return Err(AppError::Invalid(e));
            }
            let label = format!("{code} → {}", transferee.name());
            (ProposedDeal::Disposal { package_id: id, transferee, price }, label)
        }
        PackageDeal::Acquisition { funding_line } => {
            (ProposedDeal::Acquisition { package_id: id, price, funding_line }, code.clone())
        }
    };
    run(ctx, state, &label, as_of, &deal).await
}

/// `POST /checks`: a proposed funding instrument or investment. Every field that cannot be
/// read, or the refusal, is shown on the page with the form as typed.
pub async fn submit(
    Authorized(ctx, _, _): Authorized<perm::CheckDeals>,
    State(state): State<AppState>,
    Submitted(form): Submitted<ProposalForm>,
) -> Result<Response, AppError> {
    let checked = async {
        let proposal = form.parse(state.store.clock().today()).map_err(AppError::Invalid)?;
        let c = check_proposal(&ctx, &state, proposal).await?;
        Ok(Redirect::to(&format!("/checks/{}", c.id)).into_response())
    }
    .await;
    let id = if form.funding() { "propose-funding" } else { "propose-investment" };
    super::or_refused(checked, ctx.lang, (id, &form), |form| checks_page(&ctx, &state, Some(form))).await
}

/// Checks a funding or investment proposal and records the check (refused without a
/// recorded quarter-end…).
pub async fn check_proposal(ctx: &Ctx, state: &AppState, p: Proposal) -> Result<DealCheck, AppError> {
    let parties = state.store.check_parties().await?;
    let counterparty = party_by_identifier(state, &parties, &p.counterparty, &p.counterparty_name).await?;
    // The lender's licence, like the rest of the book, is read by the check itself.
    let deal = match p.kind {
        ProposalKind::Funding { channel, payments } => ProposedDeal::Funding {
            label: p.label.clone(),
            channel,
            lender: counterparty,
            principal: p.amount,
            payments,
        },
        ProposalKind::Investment { kind, exposure } => {
            ProposedDeal::Investment { label: p.label.clone(), party: counterparty, kind, exposure, amount: p.amount }
        }
    };
    run(ctx, state, &p.label, p.as_of, &deal).await
}

pub struct IndicatorRow {
    pub title: String,
    pub limit: String,
    pub before: String,
    pub before_class: &'static str,
    pub after: String,
    pub after_class: &'static str,
}

pub struct FindingRow {
    pub index: usize,
    pub rule: String,
    pub effect: &'static str,
    pub effect_class: &'static str,
    pub text: String,
    pub override_note: Option<String>,
    /// The second risk officer's approval (who, when), or that it is awaited.
    pub approval_note: Option<String>,
    pub can_override: bool,
    /// The form overriding it (`override-{index}`): the reason.
    pub form: FormView,
    /// The override, whether the viewer may approve it (a risk officer other than its proposer,
    /// while it awaits approval), and the form approving it (`approve-{override}`).
    pub approve: Option<(i64, bool, FormView)>,
}

#[derive(Template)]
#[template(path = "check.html")]
struct CheckPage {
    page: Page,
    title: String,
    line: CheckLine,
    version: i64,
    package_id: Option<i64>,
    indicators: Vec<IndicatorRow>,
    findings: Vec<FindingRow>,
    /// Recording the purchase: whether the viewer may, the committee's approval, the cash.
    purchase: acquire::Purchase,
    /// The form recording the acquisition (`record-acquisition`): the date bought, the cash paid from.
    acquire: FormView,
    /// Tabling the purchase for the committee (`table-item`), for a role that tables purchases.
    tabling: Option<super::committee::table::Tabling>,
    /// The price against face value, the latest valuation and (a disposal) the cost: (label, value, class).
    price: Vec<(&'static str, String, &'static str)>,
    /// The territorial amounts: (failing claims, failing amount, total, share) and the first failing contracts.
    territory: Option<(usize, String, String, String, String)>,
}

fn share(x: Option<f64>) -> String {
    x.map(|r| format!("{:.2}%", r * 100.0)).unwrap_or_else(|| "—".into())
}

/// The price context as lines for the check page.
pub fn price_lines(p: &huajie_rules::pretrade::PriceContext, lang: Lang) -> Vec<(&'static str, String, &'static str)> {
    let mut out = vec![
        (tr(lang, "checks.deal_price"), p.price.display(lang), ""),
        (tr(lang, "checks.face_value"), p.face_value.display(lang), ""),
        (tr(lang, "checks.of_face"), share(p.of_face()), ""),
    ];
    match &p.valuation {
        Some(v) => {
            out.push((
                tr(lang, "checks.valuation"),
                format!("{}（#{}，{}）", v.value.display(lang), v.run_id, v.valuation_date),
                "",
            ));
            out.push((tr(lang, "checks.of_valuation"), share(p.of_valuation()), ""));
        }
        None => out.push((tr(lang, "checks.valuation"), tr(lang, "checks.no_valuation").into(), "")),
    }
    if let (Some(cost), Some(gain)) = (p.cost, p.gain()) {
        out.push((tr(lang, "checks.cost"), cost.display(lang), ""));
        let amount = Money::from_fen(i64::try_from(gain.abs()).unwrap_or(i64::MAX)).display(lang);
        if gain < 0 {
            out.push((tr(lang, "checks.expected_loss"), amount, "red"));
        } else {
            out.push((tr(lang, "checks.expected_gain"), amount, "pass"));
        }
    }
    out
}

fn class(i: &Indicator) -> &'static str {
    match i.status {
        Status::Pass => "pass",
        Status::Amber => "amber",
        Status::Red => "red",
    }
}

pub fn effect_label(e: Effect, lang: Lang) -> (&'static str, &'static str) {
    match e {
        Effect::Block => (tr(lang, "checks.block"), "block"),
        Effect::Override => (tr(lang, "checks.override"), "override"),
        Effect::Warn => (tr(lang, "checks.warn"), "warn"),
    }
}

/// The check's findings, each with its override (or the form to make one) and its approval
/// (or the form to give one: four eyes).
fn finding_rows(c: &DealCheck, ctx: &Ctx, sent_back: &mut Option<FormView>) -> Vec<FindingRow> {
    let lang = ctx.lang;
    let can_override = ctx.can(Permission::OverrideFindings);
    let me = ctx.user().map(|u| u.username.clone()).unwrap_or_default();
    c.result
        .findings
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let (effect, effect_class) = effect_label(f.effect, lang);
            let o = c.overrides.iter().find(|o| o.finding == i as i64);
            let approval_note = o.map(|o| match &o.approval {
                Some(a) => tr(lang, "checks.approved_by")
                    .replace("{who}", &a.approved_by)
                    .replace("{when}", &crate::view::when(a.approved_at, lang)),
                None if o.created_by == me => tr(lang, "checks.awaiting_second_yours").to_string(),
                None => tr(lang, "checks.awaiting_second").to_string(),
            });
            // The form is kept for an approved override too: a second approval sent back shows why.
            let approve = o.map(|o| {
                let form = FormView::new(format!("approve-{}", o.id), lang).unless(sent_back);
                (o.id, can_override && o.created_by != me && o.approval.is_none(), form)
            });
            FindingRow {
                index: i,
                rule: format!("{:?}", f.rule),
                effect,
                effect_class,
                text: if lang == Lang::Zh { f.zh.clone() } else { f.en.clone() },
                override_note: o.map(|o| {
                    let by = format!("{} {}", o.created_by, crate::view::when(o.created_at, lang));
                    format!("{} {by}：{}", tr(lang, "checks.overridden_by"), o.reason)
                }),
                approval_note,
                can_override: can_override && o.is_none() && f.effect != Effect::Block,
                form: FormView::new(format!("override-{i}"), lang).unless(sent_back),
                approve,
            }
        })
        .collect()
}

/// `GET /checks/{id}`.
pub async fn detail(ctx: Ctx, State(state): State<AppState>, Path(id): Path<i64>) -> Result<Response, AppError> {
    check_page(&ctx, &state, id, None).await
}

/// A check's page with one of its forms (an override, the acquisition) sent back: what was
/// typed, and each field's message.
pub(crate) async fn check_page(
    ctx: &Ctx,
    state: &AppState,
    id: i64,
    mut sent_back: Option<FormView>,
) -> Result<Response, AppError> {
    may_read(ctx)?;
    let lang = ctx.lang;
    let c = crate::view::check_view(&state.store.deal_check(id).await?.ok_or(AppError::NotFound)?, ctx);
    let rules = catalogue();
    let indicators = c
        .result
        .before
        .iter()
        .zip(&c.result.after)
        .map(|(b, a)| {
            let rule = rules.iter().find(|r| r.id == a.id).expect("catalogued");
            IndicatorRow {
                title: format!("{:?} {}", a.id, lang.pick(rule.zh, rule.en)),
                limit: a.shown_limit(),
                before: shown(b),
                before_class: class(b),
                after: shown(a),
                after_class: class(a),
            }
        })
        .collect();
    let findings = finding_rows(&c, ctx, &mut sent_back);
    let purchase = acquire::Purchase::of(&c, ctx, state).await?;
    let tabling = super::committee::table::Tabling::of(&c, ctx, state, &mut sent_back).await?;
    // Deal prices are for those who see the packages or check deals (not the regulator).
    let sees_prices = ctx.can(Permission::ViewPackages) || ctx.can(Permission::CheckDeals);
    let price = c.result.price.as_ref().filter(|_| sees_prices).map(|p| price_lines(p, lang)).unwrap_or_default();
    let territory = c.result.territory.as_ref().map(|t| {
        let of = (t.total_amount.fen() > 0).then(|| t.failing_amount.fen() as f64 / t.total_amount.fen() as f64);
        let mut listed: Vec<&str> = t.failing.iter().take(20).map(String::as_str).collect();
        if t.failing.len() > listed.len() {
            listed.push("…");
        }
        (t.failing.len(), t.failing_amount.display(lang), t.total_amount.display(lang), share(of), listed.join("、"))
    });
    let today = state.store.clock().today().to_string();
    let acquire = FormView::new(acquire::ACQUIRE_FORM, lang).with("acquired_on", today).unless(&mut sent_back);
    let mut page = Page::new(ctx, state).await?;
    let tabled = tabling.as_ref().map(|t| &t.form);
    let approvals = findings.iter().filter_map(|f| f.approve.as_ref().map(|a| &a.2));
    let refused = page.sent_back(findings.iter().map(|f| &f.form).chain(approvals).chain([&acquire]).chain(tabled));
    let check = CheckPage {
        price,
        territory,
        title: format!("{} #{} {}", tr(lang, "checks.check"), c.id, c.label),
        line: check_line(&c, lang),
        version: c.parameter_version,
        package_id: c.package_id,
        indicators,
        findings,
        purchase,
        acquire,
        tabling,
        page,
    };
    super::render_form(&check, refused)
}

/// `POST /checks/{id}/overrides`: the risk role overrides one finding, with its reason.
pub async fn override_finding(
    Path(id): Path<i64>,
    Authorized(ctx, user, _): Authorized<perm::OverrideFindings>,
    State(state): State<AppState>,
    Submitted(form): Submitted<OverrideForm>,
) -> Result<Response, AppError> {
    // A finding that is not a number is one the check does not have.
    let finding: usize = form.finding.trim().parse().map_err(|_| AppError::NotFound)?;
    let overridden = async {
        let reason = FieldErrors::one("reason", &text("checks.reason"), required(&form.reason))?;
        state.store.override_finding(&user.username, id, finding, &reason).await?;
        Ok(Redirect::to(&format!("/checks/{id}")).into_response())
    };
    let page = |form| check_page(&ctx, &state, id, Some(form));
    super::or_refused(overridden.await, ctx.lang, (format!("override-{finding}"), &form), page).await
}

/// `POST /checks/{id}/overrides/{override}/approve`: a second risk officer approves a proposed
/// override (four eyes); the proposer is refused, saying why (`huajie_rules::standing::may_approve`).
pub async fn approve_override(
    Authorized(ctx, user, _): Authorized<perm::OverrideFindings>,
    Path((id, override_id)): Path<(i64, i64)>,
    State(state): State<AppState>,
    Submitted(form): Submitted<crate::form::Confirmed>,
) -> Result<Response, AppError> {
    let approved = async {
        state.store.approve_override(&user.username, id, override_id).await?;
        Ok(Redirect::to(&format!("/checks/{id}")).into_response())
    };
    let page = |form| check_page(&ctx, &state, id, Some(form));
    super::or_refused(approved.await, ctx.lang, (format!("approve-{override_id}"), &form), page).await
}

/// The override form: the finding's index and the reason.
#[derive(serde::Deserialize, serde::Serialize)]
pub struct OverrideForm {
    #[serde(default)]
    finding: String,
    #[serde(default)]
    reason: String,
}

/// The pre-trade panel of a package page: its checks and what may be proposed.
pub struct Panel {
    pub checks: Vec<CheckLine>,
    pub can_check: bool,
    /// acquisition or disposal, by the package's standing.
    pub proposal: &'static str,
    /// How an acquisition may be paid: cash ("") or a funding line with headroom (its id).
    pub paid_by: Vec<(String, String)>,
}

pub async fn panel(
    ctx: &Ctx,
    state: &AppState,
    package_id: i64,
    status: PackageStatus,
) -> Result<Option<Panel>, AppError> {
    if !ctx.can(Permission::ViewDealChecks) {
        return Ok(None);
    }
    let checks = state
        .store
        .deal_checks(Some(package_id), 20)
        .await?
        .iter()
        .map(|c| check_line(&crate::view::check_view(c, ctx), ctx.lang))
        .collect();
    let proposal = match status {
        s if s.before_acquisition() => "acquisition",
        PackageStatus::Acquired | PackageStatus::Disposing if ctx.can(Permission::ScreenTransferees) => "disposal",
        _ => "",
    };
    let can_check = ctx.can(Permission::CheckDeals) && !proposal.is_empty();
    let mut paid_by = Vec::new();
    if can_check && proposal == "acquisition" {
        paid_by.push((String::new(), tr(ctx.lang, "checks.paid_by_cash").to_string()));
        for l in state.store.funding_lines().await?.iter().filter(|l| l.headroom().fen() > 0) {
            let headroom = tr(ctx.lang, "checks.line_headroom").replace("{amount}", &l.headroom().display(ctx.lang));
            paid_by.push((l.id.to_string(), format!("{}（{headroom}）", l.label)));
        }
    }
    Ok(Some(Panel { checks, can_check, proposal, paid_by }))
}
