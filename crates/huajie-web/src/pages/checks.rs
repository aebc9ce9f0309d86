//! Pre-trade checks: a proposed acquisition or disposal of a package (from its page), a
//! proposed funding instrument or investment (from the checks page). Each check is recorded
//! with the indicators before and after the deal and its findings; a hard block stops the
//! deal, a limit or warning waits for the risk role's recorded override. A package is
//! recorded as bought only through a cleared acquisition check, at the price checked.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use huajie_core::{Lang, Money, PackageStatus, Permission};
use huajie_rules::checks::{CheckParty, Counterparty, Effect};
use huajie_rules::indicators::{Channel, ExposureKind, InvestmentKind, Status};
use huajie_rules::pretrade::{Deal, shown};
use huajie_rules::terms::DealKind;
use huajie_rules::{Indicator, catalogue};
use huajie_store::book::{CHANNELS, EXPOSURE_KINDS, INVESTMENT_KINDS, read_code, read_schedule};
use huajie_store::{CheckStanding, DealCheck};
use huajie_tape::AmountUnit;
use huajie_tape::coerce::{CoerceError, is_blank, parse_date, parse_money_exact};

use super::book::refused;
use super::render;
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::form::Path;
use crate::i18n::tr;
use crate::view::Page;

type Fields = HashMap<String, String>;

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
    error: Option<String>,
    values: Fields,
    channels: Vec<(&'static str, &'static str)>,
    investment_kinds: Vec<(&'static str, &'static str)>,
    exposure_kinds: Vec<(&'static str, &'static str)>,
}

impl ChecksPage {
    fn value(&self, key: &str) -> String {
        self.values.get(key).cloned().unwrap_or_default()
    }
}

fn options(list: &[(&'static str, &'static str, &'static str)], lang: Lang) -> Vec<(&'static str, &'static str)> {
    list.iter().map(|o| (o.0, lang.pick(o.1, o.2))).collect()
}

async fn checks_page(ctx: &Ctx, state: &AppState, error: Option<String>, values: Fields) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let checks = state
        .store
        .deal_checks(None, 200)
        .await?
        .iter()
        .map(|c| check_line(&crate::view::check_view(c, ctx), lang))
        .collect();
    let refused = error.is_some();
    let page = Page::new(ctx, state).await?;
    super::render_form(
        &ChecksPage {
            title: page.t("checks.title"),
            checks,
            can_check: ctx.can(Permission::CheckDeals),
            error,
            values,
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
    checks_page(&ctx, &state, None, Fields::new()).await
}

/// Reads a form's fields; each wrong one is named in the user's language.
struct Reader<'a> {
    fields: &'a Fields,
    lang: Lang,
    problems: Vec<String>,
}

impl Reader<'_> {
    fn text(&mut self, key: &str, label: &'static str) -> String {
        let t = self.fields.get(key).map(|s| s.trim().to_string()).unwrap_or_default();
        if t.is_empty() {
            self.problems.push(format!("{}：{}", tr(self.lang, label), tr(self.lang, "checks.required")));
        }
        t
    }
    fn amount(&mut self, key: &str, label: &'static str) -> Money {
        let t = self.text(key, label);
        match parse_money_exact(&t, AmountUnit::Wan) {
            Ok(m) if m.fen() >= 0 => m,
            _ if t.is_empty() => Money::ZERO,
            Err(CoerceError::FractionOfFen) => {
                self.problems.push(format!(
                    "{}：“{t}” {}",
                    tr(self.lang, label),
                    tr(self.lang, "checks.fraction_of_fen")
                ));
                Money::ZERO
            }
            _ => {
                self.problems.push(format!("{}：“{t}” {}", tr(self.lang, label), tr(self.lang, "checks.bad_amount")));
                Money::ZERO
            }
        }
    }
    fn as_of(&mut self, today: NaiveDate) -> NaiveDate {
        match self.fields.get("as_of").map(|s| s.trim()).filter(|s| !is_blank(s)) {
            None => today,
            Some(t) => parse_date(t).unwrap_or_else(|_| {
                self.problems.push(format!(
                    "{}：“{t}” {}",
                    tr(self.lang, "checks.as_of"),
                    tr(self.lang, "checks.bad_date")
                ));
                today
            }),
        }
    }
    fn code(
        &mut self,
        key: &str,
        label: &'static str,
        list: &[(&'static str, &'static str, &'static str)],
    ) -> &'static str {
        let t = self.text(key, label);
        read_code(list, &t).unwrap_or_else(|| {
            if !t.is_empty() {
                self.problems.push(format!("{}：“{t}” {}", tr(self.lang, label), tr(self.lang, "checks.bad_option")));
            }
            list[0].0
        })
    }
}

/// A party named by its identifier: known parties as the checks read them; an unknown one by
/// the name given (not added to the register by a check); none when no identifier is given.
async fn party_by_identifier(
    state: &AppState,
    parties: &std::collections::BTreeMap<i64, CheckParty>,
    identifier: &str,
    name: &str,
) -> Result<Counterparty, AppError> {
    if identifier.is_empty() {
        return Ok(Counterparty::None);
    }
    // Spaces and hyphens inside the number are not part of it.
    let (identifier, _) = huajie_core::ids::compact(identifier);
    let identifier = identifier.as_str();
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
    package_id: Option<i64>,
    label: &str,
    as_of: NaiveDate,
    deal: &Deal,
) -> Result<Result<DealCheck, String>, AppError> {
    let user = ctx.require(Permission::CheckDeals)?;
    let parties = state.store.check_parties().await?;
    match state.store.run_deal_check(&user.username, package_id, label, as_of, deal, &parties).await {
        Ok(c) => Ok(Ok(c)),
        Err(e) => Ok(Err(refused(ctx.lang)(e)?)),
    }
}

/// `POST /packages/{id}/checks`: a proposed acquisition (price) or disposal (transferee, price) of a package.
pub async fn package_check(
    ctx: Ctx,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    crate::form::Form(fields): crate::form::Form<Fields>,
) -> Result<Response, AppError> {
    ctx.require(Permission::CheckDeals)?;
    ctx.check_csrf(fields.get("csrf").map(String::as_str).unwrap_or(""))?;
    let lang = ctx.lang;
    state.store.package(id).await?.ok_or(AppError::NotFound)?;
    let mut r = Reader { fields: &fields, lang, problems: Vec::new() };
    let price = r.amount("price", "checks.price");
    let as_of = r.as_of(state.store.clock().today());
    let disposal = fields.get("kind").map(String::as_str) == Some("disposal");
    let (transferee_id, transferee_name) = if disposal {
        (
            r.text("transferee", "checks.transferee"),
            fields.get("transferee_name").map(|s| s.trim().to_string()).unwrap_or_default(),
        )
    } else {
        (String::new(), String::new())
    };
    if !r.problems.is_empty() {
        return Err(AppError::BadRequest(r.problems.join("；")));
    }
    match check_package(&ctx, &state, id, disposal, price, as_of, &transferee_id, &transferee_name).await? {
        Ok(c) => Ok(Redirect::to(&format!("/checks/{}", c.id)).into_response()),
        Err(message) => Err(AppError::BadRequest(message)),
    }
}

/// Checks a proposed acquisition (at `price`) or disposal (to the transferee, at `price`) of a
/// package and records the check; `Err` is a message for the user (a package not held, a
/// missing quarter-end…).
#[allow(clippy::too_many_arguments)]
pub async fn check_package(
    ctx: &Ctx,
    state: &AppState,
    id: i64,
    disposal: bool,
    price: Money,
    as_of: NaiveDate,
    transferee_id: &str,
    transferee_name: &str,
) -> Result<Result<DealCheck, String>, AppError> {
    let lang = ctx.lang;
    if disposal {
        // A disposal screens its transferee: only for the roles that screen (rate-limited and
        // recorded by the store), so nobody else can probe who is on the lists.
        ctx.require(Permission::ScreenTransferees)?;
    }
    let summary = state.store.package(id).await?.ok_or(AppError::NotFound)?;
    let parties = state.store.check_parties().await?;
    let code = &summary.package.data.code;
    let (deal, label) = if disposal {
        let transferee = party_by_identifier(state, &parties, transferee_id, transferee_name).await?;
        if transferee == Counterparty::None {
            return Ok(Err(format!("{}：{}", tr(lang, "checks.transferee"), tr(lang, "checks.required"))));
        }
        let label = format!("{code} → {}", transferee.name());
        let deal = match state.store.disposal_deal(id, transferee, price).await {
            Ok(d) => d,
            Err(e) => return Ok(Err(refused(lang)(e)?)),
        };
        (deal, label)
    } else {
        (state.store.acquisition_deal(id, price, &parties).await?, code.clone())
    };
    run(ctx, state, Some(id), &label, as_of, &deal).await
}

/// `POST /checks`: a proposed funding instrument or investment.
pub async fn submit(
    ctx: Ctx,
    State(state): State<AppState>,
    crate::form::Form(fields): crate::form::Form<Fields>,
) -> Result<Response, AppError> {
    ctx.require(Permission::CheckDeals)?;
    ctx.check_csrf(fields.get("csrf").map(String::as_str).unwrap_or(""))?;
    let lang = ctx.lang;
    let mut r = Reader { fields: &fields, lang, problems: Vec::new() };
    let as_of = r.as_of(state.store.clock().today());
    let label = r.text("label", "checks.label");
    let counterparty = fields.get("party").map(|s| s.trim().to_string()).unwrap_or_default();
    let counterparty_name = fields.get("party_name").map(|s| s.trim().to_string()).unwrap_or_default();
    let funding = fields.get("kind").map(String::as_str) == Some("funding");
    let amount = r.amount("amount", "checks.amount");
    let kind = if funding {
        let channel = Channel::from_code(r.code("channel", "checks.channel", CHANNELS)).expect("listed");
        let payments = match read_schedule(fields.get("schedule").map(String::as_str).unwrap_or("")) {
            Ok(p) => p
                .into_iter()
                .map(|(date, principal, interest)| huajie_rules::indicators::Payment { date, principal, interest })
                .collect(),
            Err(m) => {
                r.problems.push(lang.half(&m));
                Vec::new()
            }
        };
        if counterparty.is_empty() {
            r.text("party", "checks.lender");
        }
        ProposalKind::Funding { channel, payments }
    } else {
        let kind = InvestmentKind::from_code(r.code("investment_kind", "checks.investment_kind", INVESTMENT_KINDS))
            .expect("listed");
        let exposure = ExposureKind::from_code(r.code("exposure", "checks.exposure", EXPOSURE_KINDS)).expect("listed");
        ProposalKind::Investment { kind, exposure }
    };
    if !r.problems.is_empty() {
        let message = format!("{}{}", tr(lang, "checks.fix_fields"), r.problems.join("；"));
        return checks_page(&ctx, &state, Some(message), fields).await;
    }
    let proposal = Proposal { kind, label, amount, as_of, counterparty, counterparty_name };
    match check_proposal(&ctx, &state, proposal).await? {
        Ok(c) => Ok(Redirect::to(&format!("/checks/{}", c.id)).into_response()),
        Err(message) => checks_page(&ctx, &state, Some(message), fields).await,
    }
}

/// What a funding or investment proposal is, besides its label, amount and counterparty.
pub enum ProposalKind {
    Funding { channel: Channel, payments: Vec<huajie_rules::indicators::Payment> },
    Investment { kind: InvestmentKind, exposure: ExposureKind },
}

/// A proposed funding instrument or investment, read from the checks page's form or the API.
pub struct Proposal {
    pub kind: ProposalKind,
    pub label: String,
    pub amount: Money,
    pub as_of: NaiveDate,
    /// The lender's or counterparty's USCC or ID, and its name (used when it is not yet known).
    pub counterparty: String,
    pub counterparty_name: String,
}

/// Checks a funding or investment proposal and records the check; `Err` is a message for the
/// user (a missing quarter-end…).
pub async fn check_proposal(ctx: &Ctx, state: &AppState, p: Proposal) -> Result<Result<DealCheck, String>, AppError> {
    let parties = state.store.check_parties().await?;
    let counterparty = party_by_identifier(state, &parties, &p.counterparty, &p.counterparty_name).await?;
    let deal = match p.kind {
        ProposalKind::Funding { channel, payments } => {
            let lender_licensed_fi = match counterparty.registered() {
                Some(lender) => state.store.licensed_fi(lender.id).await?,
                None => false,
            };
            Deal::Funding {
                label: p.label.clone(),
                channel,
                lender: counterparty,
                lender_licensed_fi,
                principal: p.amount,
                payments,
            }
        }
        ProposalKind::Investment { kind, exposure } => {
            Deal::Investment { label: p.label.clone(), party: counterparty, kind, exposure, amount: p.amount }
        }
    };
    run(ctx, state, None, &p.label, p.as_of, &deal).await
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
    pub can_override: bool,
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
    can_acquire: bool,
    today: String,
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

/// `GET /checks/{id}`.
pub async fn detail(ctx: Ctx, State(state): State<AppState>, Path(id): Path<i64>) -> Result<Response, AppError> {
    may_read(&ctx)?;
    let lang = ctx.lang;
    let c = crate::view::check_view(&state.store.deal_check(id).await?.ok_or(AppError::NotFound)?, &ctx);
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
    let can_override = ctx.can(Permission::OverrideFindings);
    let findings = c
        .result
        .findings
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let (effect, effect_class) = effect_label(f.effect, lang);
            let o = c.overrides.iter().find(|o| o.finding == i as i64);
            FindingRow {
                index: i,
                rule: format!("{:?}", f.rule),
                effect,
                effect_class,
                text: if lang == Lang::Zh { f.zh.clone() } else { f.en.clone() },
                override_note: o.map(|o| {
                    format!(
                        "{} {} {}：{}",
                        tr(lang, "checks.overridden_by"),
                        o.created_by,
                        crate::view::when(o.created_at, lang),
                        o.reason
                    )
                }),
                can_override: can_override && o.is_none() && f.effect != Effect::Block,
            }
        })
        .collect();
    let mut can_acquire = false;
    if let Some((p, _)) = c.cleared_acquisition().filter(|_| ctx.can(Permission::RecordAcquisitions)) {
        can_acquire = state.store.package(p).await?.is_some_and(|s| s.package.data.status.before_acquisition());
    }
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
    let page = Page::new(&ctx, &state).await?;
    render(&CheckPage {
        price,
        territory,
        title: format!("{} #{} {}", tr(lang, "checks.check"), c.id, c.label),
        line: check_line(&c, lang),
        version: c.parameter_version,
        package_id: c.package_id,
        indicators,
        findings,
        can_acquire,
        today: state.store.clock().today().to_string(),
        page,
    })
}

/// `POST /checks/{id}/overrides`: the risk role overrides one finding, with its reason.
pub async fn override_finding(
    ctx: Ctx,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    crate::form::Form(fields): crate::form::Form<Fields>,
) -> Result<Response, AppError> {
    let user = ctx.require(Permission::OverrideFindings)?;
    ctx.check_csrf(fields.get("csrf").map(String::as_str).unwrap_or(""))?;
    let lang = ctx.lang;
    let c = state.store.deal_check(id).await?.ok_or(AppError::NotFound)?;
    let finding: usize = fields.get("finding").and_then(|s| s.trim().parse().ok()).ok_or(AppError::NotFound)?;
    let reason = fields.get("reason").map(|s| s.trim().to_string()).unwrap_or_default();
    let mut tx = state.store.write(&user.username).await?;
    match tx.override_finding(c.id, finding, &reason).await {
        Ok(_) => {
            tx.commit().await?;
            Ok(Redirect::to(&format!("/checks/{id}")).into_response())
        }
        Err(e) => {
            drop(tx);
            Err(AppError::BadRequest(refused(lang)(e)?))
        }
    }
}

/// `POST /checks/{id}/acquire`: records the package as bought at the price checked, on the
/// date given (`Store::record_acquisition`: only from a cleared acquisition check).
pub async fn acquire(
    ctx: Ctx,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    crate::form::Form(fields): crate::form::Form<Fields>,
) -> Result<Response, AppError> {
    let user = ctx.require(Permission::RecordAcquisitions)?;
    ctx.check_csrf(fields.get("csrf").map(String::as_str).unwrap_or(""))?;
    let lang = ctx.lang;
    let on = fields.get("acquired_on").and_then(|s| parse_date(s).ok()).ok_or_else(|| {
        AppError::BadRequest(format!("{}：{}", tr(lang, "checks.acquired_on"), tr(lang, "checks.bad_date")))
    })?;
    match state.store.record_acquisition(&user.username, id, on).await {
        Ok(package_id) => Ok(Redirect::to(&format!("/packages/{package_id}")).into_response()),
        Err(e) => Err(AppError::BadRequest(refused(lang)(e)?)),
    }
}

/// The pre-trade panel of a package page: its checks and what may be proposed.
pub struct Panel {
    pub checks: Vec<CheckLine>,
    pub can_check: bool,
    /// acquisition or disposal, by the package's standing.
    pub proposal: &'static str,
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
    Ok(Some(Panel { checks, can_check: ctx.can(Permission::CheckDeals) && !proposal.is_empty(), proposal }))
}

/// A flag as a page lists it.
pub struct FlagRow {
    pub id: i64,
    pub code: &'static str,
    pub name: &'static str,
    pub reason: String,
    pub by: String,
}

/// The prohibited-asset flags of a claim or a package (rules.md A3.2: PX2–PX6): who set each
/// and why, the form to set one, and the removal (risk only).
pub struct FlagsPanel {
    /// `/claims/{id}/flags` or `/packages/{id}/flags`.
    pub action: String,
    pub rows: Vec<FlagRow>,
    pub can_set: bool,
    pub can_clear: bool,
    /// (code, "PX5 合同约定限制转让 [R]").
    pub options: Vec<(&'static str, String)>,
}

pub async fn flags_panel(
    ctx: &Ctx,
    state: &AppState,
    target: huajie_store::FlagTarget,
) -> Result<FlagsPanel, AppError> {
    use huajie_rules::checks::ProhibitedAsset;
    let lang = ctx.lang;
    let action = match target {
        huajie_store::FlagTarget::Claim(id) => format!("/claims/{id}/flags"),
        huajie_store::FlagTarget::Package(id) => format!("/packages/{id}/flags"),
    };
    let rows = state
        .store
        .flags_on(target)
        .await?
        .into_iter()
        .filter_map(|f| {
            let code = ProhibitedAsset::from_code(&f.code)?;
            Some(FlagRow {
                id: f.id,
                code: code.code(),
                name: lang.pick(code.zh(), code.en()),
                reason: f.reason,
                by: format!("{} {}", f.created_by, crate::view::when(f.created_at, lang)),
            })
        })
        .collect();
    let options = ProhibitedAsset::ALL
        .iter()
        .map(|p| (p.code(), format!("{} {} [{}]", p.code(), lang.pick(p.zh(), p.en()), p.confidence().tag())))
        .collect();
    Ok(FlagsPanel {
        action,
        rows,
        can_set: ctx.can(Permission::FlagProhibitedAssets),
        can_clear: ctx.can(Permission::ClearProhibitedFlags),
        options,
    })
}

async fn set_flag(
    ctx: &Ctx,
    state: &AppState,
    target: huajie_store::FlagTarget,
    fields: &Fields,
) -> Result<Result<(), String>, AppError> {
    let user = ctx.require(Permission::FlagProhibitedAssets)?;
    ctx.check_csrf(fields.get("csrf").map(String::as_str).unwrap_or(""))?;
    let lang = ctx.lang;
    let Some(code) = fields.get("code").and_then(|c| huajie_rules::checks::ProhibitedAsset::from_code(c)) else {
        return Ok(Err(format!("{}：{}", tr(lang, "flags.code"), tr(lang, "checks.bad_option"))));
    };
    let mut tx = state.store.write(&user.username).await?;
    match tx.set_asset_flag(target, code, fields.get("reason").map(String::as_str).unwrap_or("")).await {
        Ok(_) => {
            tx.commit().await?;
            Ok(Ok(()))
        }
        Err(e) => {
            drop(tx);
            Ok(Err(refused(lang)(e)?))
        }
    }
}

/// `POST /claims/{id}/flags`: flags a claim PX2–PX6 with the reason.
pub async fn flag_claim(
    ctx: Ctx,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    crate::form::Form(fields): crate::form::Form<Fields>,
) -> Result<Response, AppError> {
    ctx.require(Permission::FlagProhibitedAssets)?;
    state.store.claim(id).await?.ok_or(AppError::NotFound)?;
    match set_flag(&ctx, &state, huajie_store::FlagTarget::Claim(id), &fields).await? {
        Ok(()) => Ok(Redirect::to(&format!("/claims/{id}#asset-flags")).into_response()),
        Err(message) => Err(AppError::BadRequest(message)),
    }
}

/// `POST /packages/{id}/flags`: flags a package as a whole.
pub async fn flag_package(
    ctx: Ctx,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    crate::form::Form(fields): crate::form::Form<Fields>,
) -> Result<Response, AppError> {
    ctx.require(Permission::FlagProhibitedAssets)?;
    state.store.package(id).await?.ok_or(AppError::NotFound)?;
    match set_flag(&ctx, &state, huajie_store::FlagTarget::Package(id), &fields).await? {
        Ok(()) => Ok(Redirect::to(&format!("/packages/{id}#asset-flags")).into_response()),
        Err(message) => Err(AppError::BadRequest(message)),
    }
}

async fn clear_flag(ctx: &Ctx, state: &AppState, flag: i64, fields: &Fields) -> Result<(), AppError> {
    let user = ctx.require(Permission::ClearProhibitedFlags)?;
    ctx.check_csrf(fields.get("csrf").map(String::as_str).unwrap_or(""))?;
    let mut tx = state.store.write(&user.username).await?;
    tx.remove_asset_flag(flag).await?;
    tx.commit().await?;
    Ok(())
}

/// `POST /claims/{id}/flags/{flag}/delete`: the risk team lifts a flag (audited).
pub async fn unflag_claim(
    ctx: Ctx,
    State(state): State<AppState>,
    Path((id, flag)): Path<(i64, i64)>,
    crate::form::Form(fields): crate::form::Form<Fields>,
) -> Result<Response, AppError> {
    ctx.require(Permission::ClearProhibitedFlags)?;
    if !state.store.flags_on(huajie_store::FlagTarget::Claim(id)).await?.iter().any(|f| f.id == flag) {
        return Err(AppError::NotFound);
    }
    clear_flag(&ctx, &state, flag, &fields).await?;
    Ok(Redirect::to(&format!("/claims/{id}#asset-flags")).into_response())
}

/// `POST /packages/{id}/flags/{flag}/delete`.
pub async fn unflag_package(
    ctx: Ctx,
    State(state): State<AppState>,
    Path((id, flag)): Path<(i64, i64)>,
    crate::form::Form(fields): crate::form::Form<Fields>,
) -> Result<Response, AppError> {
    ctx.require(Permission::ClearProhibitedFlags)?;
    if !state.store.flags_on(huajie_store::FlagTarget::Package(id)).await?.iter().any(|f| f.id == flag) {
        return Err(AppError::NotFound);
    }
    clear_flag(&ctx, &state, flag, &fields).await?;
    Ok(Redirect::to(&format!("/packages/{id}#asset-flags")).into_response())
}
