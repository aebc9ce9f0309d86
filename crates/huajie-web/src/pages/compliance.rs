//! Compliance: the six regulatory indicators at a date (each against its limit, its status,
//! the confidence of the rule and of its definitions, the lines behind it) with their
//! quarterly trend, and the rule catalogue with the parameters in force.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use huajie_core::{Lang, Money, PartyKind, Permission};
use huajie_rules::indicators::{latest_quarter_end, previous_quarter_end};
use huajie_rules::{Indicator, RuleId, Status, catalogue};
use huajie_store::BookAnswer;
use serde::Deserialize;

use super::{render, render_form};
use crate::AppState;
use crate::chart::LineChart;
use crate::ctx::{Authorized, Ctx, perm};
use crate::error::AppError;
use crate::form::{FormView, Query, Submitted};
use crate::i18n::tr;
use crate::view::Page;

mod form;
mod trend;
pub use form::{ParametersForm, QuarterForm};

/// Lines shown under each indicator.
const LINES_SHOWN: usize = 10;

pub struct Card {
    pub id: String,
    pub title: &'static str,
    pub value: String,
    pub limit: String,
    pub status: &'static str,
    pub status_class: &'static str,
    pub confidence: String,
    pub basis: String,
    pub numerator: String,
    pub denominator: String,
    /// Bar width (0–100) of the value against twice the limit, and the limit's mark.
    pub bar: u32,
    pub mark: u32,
    pub lines: Vec<(String, String, bool)>,
    /// The way back inside the limit, for a breach in the transition.
    pub glide: String,
}

#[derive(Template)]
#[template(path = "compliance.html")]
struct CompliancePage {
    page: Page,
    title: &'static str,
    as_of: String,
    version: i64,
    versions: Vec<i64>,
    error: Option<String>,
    cards: Vec<Card>,
    /// Quarter-ends, and for each indicator its value and status class per quarter.
    quarters: Vec<String>,
    trend: Vec<(String, Vec<(String, &'static str)>)>,
    charts: Vec<LineChart>,
    breaches: Vec<Breach>,
    /// Recorded quarter-end results: quarter, version, by, at.
    results: Vec<(String, i64, String, String)>,
    /// The quarter-end of the as-of date (what "record" and the reports use).
    quarter: String,
    can_record: bool,
    can_see_book: bool,
    can_see_checks: bool,
}

/// An open item: rule, status class, text, link.
type Breach = (String, &'static str, String, String);

#[derive(Deserialize)]
pub struct AsOf {
    as_of: Option<String>,
    /// A rule parameter version; the latest when absent.
    version: Option<i64>,
}

pub(crate) fn status_of(i: &Indicator, lang: Lang) -> (&'static str, &'static str) {
    match (i.status, i.in_transition) {
        (Status::Pass, _) => (tr(lang, "compliance.pass"), "pass"),
        (Status::Amber, _) => (tr(lang, "compliance.amber"), "amber"),
        (Status::Red, true) => (tr(lang, "compliance.red_transition"), "red"),
        (Status::Red, false) => (tr(lang, "compliance.red"), "red"),
    }
}

pub(crate) fn value_of(i: &Indicator, lang: Lang) -> String {
    i.shown(2).unwrap_or_else(|| tr(lang, "compliance.no_ratio").to_string())
}

fn limit_of(i: &Indicator) -> String {
    i.shown_limit()
}

/// The glide path of a breach in the transition, in words; empty otherwise.
fn glide_of(i: &Indicator, previous: Option<&Indicator>, p: &huajie_rules::RuleParameters, lang: Lang) -> String {
    let Some(g) = huajie_rules::indicators::glide_path(i, previous, p.transition_end) else { return String::new() };
    let step = |x: f64| {
        if i.id == RuleId::Q1 {
            format!("{x:.2}×")
        } else {
            format!("{:.2}{}", x * 100.0, tr(lang, "compliance.points"))
        }
    };
    let mut text = tr(lang, "compliance.glide")
        .replace("{end}", &p.transition_end.to_string())
        .replace("{n}", &g.quarters_left.to_string())
        .replace("{step}", &step(g.needed_per_quarter));
    if let (Some(last), Some(on_track)) = (g.last_change, g.on_track) {
        text.push_str(
            &tr(lang, "compliance.glide_last")
                .replace("{last}", &step(last))
                .replace("{track}", tr(lang, if on_track { "compliance.on_track" } else { "compliance.off_track" })),
        );
    }
    text
}

/// The indicators at the quarter-end before the as-of date (for the glide path), from `before`,
/// the answer at that quarter-end, when they can be computed.
fn previous_indicators(before: &BookAnswer) -> &[Indicator] {
    before.indicators.as_deref().unwrap_or_default()
}

fn fen(x: i128, lang: Lang) -> String {
    Money::from_fen(i64::try_from(x).unwrap_or(i64::MAX)).display(lang)
}

/// Party names for the indicators' lines, read from the store in one query for all the
/// parties asked for (not one per party); individuals masked without the personal-data
/// permission.
#[derive(Default)]
pub struct Names(HashMap<i64, String>);

impl Names {
    /// Reads the names of `parties` not read yet, in one store query.
    pub async fn load(&mut self, ctx: &Ctx, store: &huajie_store::Store, parties: &[i64]) -> Result<(), AppError> {
        let missing: Vec<i64> = parties.iter().copied().filter(|p| !self.0.contains_key(p)).collect();
        if missing.is_empty() {
            return Ok(());
        }
        let found = store.party_names(&missing).await?;
        let personal = ctx.can(Permission::ViewPersonalData);
        for p in missing {
            let n = match found.get(&p) {
                Some((PartyKind::Individual, name)) if !personal => huajie_core::mask::mask_person_name(name),
                Some((_, name)) => name.clone(),
                None => format!("#{p}"),
            };
            self.0.insert(p, n);
        }
        Ok(())
    }

    /// Reads the parties named on every line of `indicators`, in one store query.
    pub async fn load_lines(
        &mut self,
        ctx: &Ctx,
        store: &huajie_store::Store,
        indicators: &[Indicator],
    ) -> Result<(), AppError> {
        let parties: Vec<i64> = indicators.iter().flat_map(|i| i.lines.iter().filter_map(|l| l.party)).collect();
        self.load(ctx, store, &parties).await
    }

    pub async fn name(&mut self, ctx: &Ctx, store: &huajie_store::Store, p: i64) -> Result<String, AppError> {
        self.load(ctx, store, &[p]).await?;
        Ok(self.0.get(&p).cloned().unwrap_or_default())
    }

    /// The first `limit` lines of an indicator as (label, amount, flagged).
    pub async fn lines(
        &mut self,
        ctx: &Ctx,
        store: &huajie_store::Store,
        i: &Indicator,
        limit: usize,
    ) -> Result<Vec<(String, Money, bool)>, AppError> {
        let parties: Vec<i64> = i.lines.iter().take(limit).filter_map(|l| l.party).collect();
        self.load(ctx, store, &parties).await?;
        let mut out = Vec::new();
        for line in i.lines.iter().take(limit) {
            let who = match line.party {
                Some(p) => self.name(ctx, store, p).await?,
                None => String::new(),
            };
            let own = line.label_in(ctx.lang);
            let label = if who.is_empty() {
                own
            } else if own.is_empty() {
                who
            } else {
                format!("{who} {own}")
            };
            out.push((label, line.amount, line.flagged));
        }
        Ok(out)
    }
}

/// A quarter-end of the trend table: its date and each indicator's figure with its status.
type TrendRow = (String, Vec<(String, &'static str)>);
/// An indicator's history: its id, its limit, (quarter label, ratio — none where it cannot be
/// computed, a gap in its chart) by quarter-end, and the indicator at the last of them.
type TrendSeries = (RuleId, f64, Vec<(String, Option<f64>)>, Option<Indicator>);

pub async fn dashboard(ctx: Ctx, State(state): State<AppState>, Query(q): Query<AsOf>) -> Result<Response, AppError> {
    ctx.require(Permission::ViewCompliance)?;
    let lang = ctx.lang;
    let store = &state.store;
    let default = latest_quarter_end(store.clock().today());
    let as_of = match q.as_of.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => default,
        Some(s) => s.parse::<NaiveDate>().map_err(|_| AppError::BadRequest(tr(lang, "compliance.bad_date").into()))?,
    };
    let latest = store.rule_parameters().await?;
    let all_versions = store.rule_parameter_sets().await?;
    let params = match q.version {
        Some(v) => all_versions.iter().find(|s| s.version == v).cloned().ok_or(AppError::NotFound)?,
        None => latest,
    };
    let versions: Vec<i64> = all_versions.iter().map(|s| s.version).collect();
    // The trend: every recorded quarter-end up to the as-of date, the last eight.
    let mut ends: Vec<NaiveDate> =
        store.net_assets().await?.iter().map(|n| n.quarter_end).filter(|d| *d <= as_of).collect();
    ends.drain(..ends.len().saturating_sub(8));
    let answers = store.indicators_at(&[&[as_of, previous_quarter_end(as_of)][..], &ends].concat(), &params).await?;
    let (answer, before, books) = (&answers[0], &answers[1], &answers[2..]);
    let mut names = Names::default();
    let rules = catalogue();
    let (cards, error) = match &answer.indicators {
        Ok(all) => {
            let previous = previous_indicators(before);
            let mut cards = Vec::new();
            for i in all {
                let rule = rules.iter().find(|r| r.id == i.id).expect("every indicator is catalogued");
                let lines = names
                    .lines(&ctx, store, i, LINES_SHOWN)
                    .await?
                    .into_iter()
                    .map(|(label, amount, flagged)| (label, amount.display(lang), flagged))
                    .collect();
                let (status, status_class) = status_of(i, lang);
                let scale = |x: f64| (x * 50.0).clamp(0.0, 100.0).round() as u32;
                let limit = f64::from(i.limit_bps) / 10_000.0;
                cards.push(Card {
                    id: format!("{:?}", i.id).to_lowercase(),
                    title: lang.pick(rule.zh, rule.en),
                    value: value_of(i, lang),
                    limit: limit_of(i),
                    status,
                    status_class,
                    confidence: format!(
                        "[{}] {} · [{}] {}",
                        rule.confidence.tag(),
                        lang.pick(rule.confidence.zh(), rule.confidence.en()),
                        rule.definitions.tag(),
                        tr(lang, "compliance.definitions")
                    ),
                    basis: i.basis_date.map(|d| d.to_string()).unwrap_or_default(),
                    numerator: if i.no_ratio.is_none() { fen(i.numerator, lang) } else { String::new() },
                    denominator: if i.no_ratio.is_none() { fen(i.denominator, lang) } else { String::new() },
                    bar: i.ratio().map_or(0, |r| scale(r / limit)),
                    mark: 50,
                    lines,
                    glide: glide_of(i, previous.iter().find(|p| p.id == i.id), &params.parameters, lang),
                });
            }
            (cards, None)
        }
        Err(huajie_rules::indicators::RulesError::MissingNetAssets(d)) => {
            (Vec::new(), Some(tr(lang, "compliance.missing_na").replace("{date}", &d.to_string())))
        }
    };
    let mut trend: Vec<TrendRow> = Vec::new();
    let mut series: Vec<TrendSeries> = Vec::new();
    let mut quarters = Vec::new();
    for (end, book) in ends.iter().zip(books) {
        let Ok(all) = &book.indicators else { continue };
        quarters.push(end.to_string());
        for (k, i) in all.iter().enumerate() {
            if trend.len() <= k {
                let rule = rules.iter().find(|r| r.id == i.id).expect("catalogued");
                trend.push((format!("{:?} {}", i.id, lang.pick(rule.zh, rule.en)), Vec::new()));
            }
            trend[k].1.push((value_of(i, lang), status_of(i, lang).1));
            if series.len() <= k {
                series.push((i.id, f64::from(i.limit_bps) / 10_000.0, Vec::new(), None));
            }
            series[k].2.push((end.format("%y-%m").to_string(), i.ratio()));
            series[k].3 = Some(i.clone());
        }
    }
    let charts = trend::charts(&series, &trend, &params.parameters, lang);
    let breaches = open_breaches(&ctx, &state, answer).await?;
    let results = store
        .indicator_results()
        .await?
        .into_iter()
        .map(|r| (r.quarter_end.to_string(), r.parameter_version, r.created_by, crate::view::when(r.created_at, lang)))
        .collect();
    let page = Page::new(&ctx, &state).await?;
    render(&CompliancePage {
        title: page.t("compliance.title"),
        as_of: as_of.to_string(),
        quarter: latest_quarter_end(as_of).to_string(),
        version: params.version,
        versions,
        error,
        cards,
        quarters,
        trend,
        charts,
        breaches,
        results,
        can_record: ctx.can(Permission::RecordIndicators),
        can_see_book: ctx.can(Permission::ViewComplianceBook),
        can_see_checks: ctx.can(Permission::ViewDealChecks),
        page,
    })
}

/// What is open at `as_of`: indicators in breach or amber, prohibited funding in the book, the
/// exit watch, and checks blocked or awaiting an override. (rule, class, text, link)
async fn open_breaches(ctx: &Ctx, state: &AppState, answer: &BookAnswer) -> Result<Vec<Breach>, AppError> {
    let lang = ctx.lang;
    let mut out = Vec::new();
    let rules = catalogue();
    if let Ok(all) = &answer.indicators {
        for i in all.iter().filter(|i| i.status != Status::Pass) {
            let rule = rules.iter().find(|r| r.id == i.id).expect("catalogued");
            let (status, class) = status_of(i, lang);
            out.push((
                format!("{:?}", i.id),
                class,
                format!(
                    "{} {} （{} {}）{}",
                    lang.pick(rule.zh, rule.en),
                    value_of(i, lang),
                    tr(lang, "compliance.limit"),
                    limit_of(i),
                    status
                ),
                format!("#indicator-{}", format!("{:?}", i.id).to_lowercase()),
            ));
        }
    }
    for f in &answer.findings {
        let (class, link) =
            if f.rule == RuleId::Q10 { ("red", "/compliance/book#book-funding") } else { ("amber", "") };
        out.push((
            format!("{:?}", f.rule),
            class,
            if lang == Lang::Zh { f.zh.clone() } else { f.en.clone() },
            link.into(),
        ));
    }
    let checks =
        if ctx.can(Permission::ViewDealChecks) { state.store.deal_checks(None, 200).await? } else { Vec::new() };
    for c in checks {
        let c = crate::view::check_view(&c, ctx);
        let standing = c.standing();
        if standing != huajie_store::CheckStanding::Cleared {
            let (label, class) = super::checks::standing_label(standing, lang);
            out.push((
                tr(lang, "checks.check").into(),
                class,
                format!("#{} {} — {label}", c.id, c.label),
                format!("/checks/{}", c.id),
            ));
        }
    }
    Ok(out)
}

pub struct RuleLine {
    pub id: String,
    pub title: &'static str,
    pub instrument: &'static str,
    pub article: String,
    pub confidence: String,
    pub definitions: String,
    pub kind: &'static str,
    pub effective: String,
}

#[derive(Template)]
#[template(path = "rules.html")]
struct RulesPage {
    page: Page,
    title: &'static str,
    rules: Vec<RuleLine>,
    version: i64,
    version_note: String,
    parameters: Vec<ParameterLine>,
    /// Version, note, by, when.
    versions: Vec<(i64, String, String, String)>,
    can_edit: bool,
    /// The form saving the next version (`edit-parameters`): each parameter by its field, and a note.
    form: FormView,
}

pub async fn rules(ctx: Ctx, State(state): State<AppState>) -> Result<Response, AppError> {
    ctx.require(Permission::ViewCompliance)?;
    rules_page(&ctx, &state, None).await
}

const PARAMETERS_FORM: &str = "edit-parameters";

/// The rules and parameters; with the parameters' form sent back, it as typed with each field's message.
async fn rules_page(ctx: &Ctx, state: &AppState, mut sent_back: Option<FormView>) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let params = state.store.rule_parameters().await?;
    let catalogue = huajie_rules::params::parameter_catalogue();
    let form = catalogue
        .iter()
        .fold(FormView::new(PARAMETERS_FORM, lang), |f, i| f.with(i.field, params.parameters.shown(i.field)));
    let form = form.unless(&mut sent_back);
    let versions = state
        .store
        .rule_parameter_sets()
        .await?
        .into_iter()
        .map(|v| (v.version, v.note, v.created_by, crate::view::when(v.created_at, lang)))
        .collect();
    let mut page = Page::new(ctx, state).await?;
    let refused = page.sent_back([&form]);
    render_form(
        &RulesPage {
            title: page.t("rules.title"),
            rules: rule_lines(lang),
            version: params.version,
            version_note: params.note.clone(),
            parameters: catalogue.into_iter().map(|info| parameter_line(info, lang)).collect(),
            versions,
            can_edit: ctx.can(Permission::EditRuleParameters),
            form,
            page,
        },
        refused,
    )
}

fn rule_lines(lang: Lang) -> Vec<RuleLine> {
    let kind = |k: huajie_rules::RuleKind| -> &'static str {
        use huajie_rules::RuleKind::*;
        match k {
            HardBlock => tr(lang, "rules.hard_block"),
            PreTradeLimit => tr(lang, "rules.pre_trade"),
            Monitoring => tr(lang, "rules.monitoring"),
            Workflow => tr(lang, "rules.workflow"),
            Reporting => tr(lang, "rules.reporting"),
        }
    };
    let tag = |c: huajie_rules::Confidence| format!("[{}] {}", c.tag(), lang.pick(c.zh(), c.en()));
    catalogue()
        .into_iter()
        .map(|r| RuleLine {
            id: format!("{:?}", r.id),
            title: lang.pick(r.zh, r.en),
            instrument: r.instrument,
            article: r.article.unwrap_or("—").to_string(),
            confidence: tag(r.confidence),
            definitions: tag(r.definitions),
            kind: kind(r.kind),
            effective: r.effective_from.to_string(),
        })
        .collect()
}

pub struct ParameterLine {
    pub field: &'static str,
    pub name: &'static str,
    pub source: &'static str,
    pub confidence: String,
}

fn parameter_line(info: huajie_rules::params::ParameterInfo, lang: Lang) -> ParameterLine {
    let confidence = lang.pick(info.confidence.zh(), info.confidence.en());
    ParameterLine {
        field: info.field,
        name: lang.pick(info.zh, info.en),
        source: info.source,
        confidence: format!("[{}] {confidence}", info.confidence.tag()),
    }
}

/// `POST /rules/parameters`: the edited parameters saved as the next version; nothing is
/// saved while any field is wrong. Results computed before keep the version they used.
pub async fn save_parameters(
    Authorized(ctx, user, _): Authorized<perm::EditRuleParameters>,
    State(state): State<AppState>,
    Submitted(fields): Submitted<ParametersForm>,
) -> Result<Response, AppError> {
    let saved = async {
        let current = state.store.rule_parameters().await?;
        let (edited, note) = fields.parse(&current.parameters).map_err(AppError::Invalid)?;
        state.store.record_rule_parameters(&user.username, &edited, &note).await?;
        Ok(axum::response::Redirect::to("/rules").into_response())
    };
    super::or_refused(saved.await, ctx.lang, (PARAMETERS_FORM, &fields), |form| rules_page(&ctx, &state, Some(form)))
        .await
}

/// `POST /compliance/results`: records the indicators of a quarter-end, with the parameter
/// version in force, as the result reported for that quarter.
pub async fn record_results(
    Authorized(ctx, user, _): Authorized<perm::RecordIndicators>,
    State(state): State<AppState>,
    Submitted(form): Submitted<QuarterForm>,
) -> Result<Response, AppError> {
    let quarter = huajie_core::input::parse_date(&form.quarter)
        .map_err(|_| AppError::BadRequest(tr(ctx.lang, "report.not_quarter_end").into()))?;
    state.store.record_quarter_end(&user.username, quarter).await?;
    Ok(axum::response::Redirect::to(&format!("/compliance?as_of={quarter}#results")).into_response())
}

#[derive(Deserialize)]
pub struct QuarterQuery {
    quarter: Option<String>,
}

/// The quarterly report's figures: the recorded result of the quarter when there is one, else
/// computed with the current parameters (and said so); the findings of the quarter's checks,
/// the prohibited funding in the book and the exit watch at the quarter-end.
pub async fn quarter_report(
    ctx: &Ctx,
    state: &AppState,
    quarter: NaiveDate,
) -> Result<huajie_report::compliance::QuarterReport, AppError> {
    use huajie_report::compliance::{
        DenominatorFrom, LinePart, QuarterReport, ReportFinding, ReportIndicator, Workings,
    };
    use huajie_rules::indicators::{Denominator, Part};
    let lang = ctx.lang;
    let store = &state.store;
    let company = store.company().await?.ok_or(AppError::NotFound)?;
    let params = store.rule_parameters().await?;
    let answers = store.indicators_at(&[quarter, previous_quarter_end(quarter)], &params).await?;
    let (answer, before) = (&answers[0], &answers[1]);
    let (indicators, version, basis) = match store.indicator_result(quarter).await? {
        Some(r) => {
            let basis = format!(
                "{} {} {}",
                tr(lang, "report.recorded_by"),
                r.created_by,
                crate::view::when(r.created_at, lang)
            );
            (r.indicators, r.parameter_version, basis)
        }
        None => {
            let all = answer.indicators.clone().map_err(|e| AppError::NoData(e.text().get(lang).to_string()))?;
            (all, params.version, tr(lang, "report.computed").to_string())
        }
    };
    let rules = catalogue();
    let mut names = Names::default();
    names.load_lines(ctx, store, &indicators).await?;
    let mut out = Vec::new();
    let previous = previous_indicators(before);
    for i in &indicators {
        let rule = rules.iter().find(|r| r.id == i.id).expect("catalogued");
        let money = |x: i128| Money::from_fen(i64::try_from(x).unwrap_or(i64::MAX));
        let (short_zh, short_en) = huajie_rules::pretrade::indicator_title(i.id);
        let workings = i.lines_add_up().then(|| Workings {
            parts: i
                .lines
                .iter()
                .map(|l| match l.part {
                    Some(Part::Numerator) => LinePart::Numerator,
                    Some(Part::Denominator) => LinePart::Denominator,
                    _ => LinePart::Context,
                })
                .collect(),
            denominator: match i.denominator_from() {
                Denominator::NetAssets => DenominatorFrom::NetAssets(money(i.denominator)),
                Denominator::Lines => DenominatorFrom::Lines,
                Denominator::NegatedLines => DenominatorFrom::NegatedLines,
            },
        });
        let mut short_en = short_en.to_string();
        if let Some(first) = short_en.get(..1) {
            short_en = first.to_uppercase() + &short_en[1..];
        }
        out.push(ReportIndicator {
            id: format!("{:?}", i.id),
            short: if lang == Lang::Zh { short_zh.to_string() } else { short_en },
            title: lang.pick(rule.zh, rule.en).to_string(),
            value: value_of(i, lang),
            ratio: i.ratio(),
            limit: limit_of(i),
            limit_ratio: f64::from(i.limit_bps) / 10_000.0,
            upper: i.upper,
            workings,
            status: status_of(i, lang).0.to_string(),
            numerator: i.no_ratio.is_none().then(|| money(i.numerator)),
            denominator: i.no_ratio.is_none().then(|| money(i.denominator)),
            basis: i.basis_date.map(|d| d.to_string()).unwrap_or_default(),
            confidence: format!(
                "[{}] {} · [{}] {}",
                rule.confidence.tag(),
                lang.pick(rule.confidence.zh(), rule.confidence.en()),
                rule.definitions.tag(),
                tr(lang, "compliance.definitions")
            ),
            lines: names.lines(ctx, store, i, usize::MAX).await?,
            glide: glide_of(i, previous.iter().find(|p| p.id == i.id), &params.parameters, lang),
        });
    }
    let pick = |f: &huajie_rules::checks::Finding| if lang == Lang::Zh { f.zh.clone() } else { f.en.clone() };
    let mut findings = Vec::new();
    let start = previous_quarter_end(quarter);
    let checks = store.deal_checks(None, i64::MAX).await?;
    for c in checks.into_iter().rev().filter(|c| c.as_of > start && c.as_of <= quarter) {
        let c = crate::view::check_view(&c, ctx);
        for (k, f) in c.result.findings.iter().enumerate() {
            let standing = match (f.effect, c.overrides.iter().find(|o| o.finding == k as i64)) {
                (huajie_rules::checks::Effect::Block, _) => tr(lang, "checks.blocked").to_string(),
                (_, Some(o)) => {
                    tr(lang, "report.overridden").replace("{who}", &o.created_by).replace("{reason}", &o.reason)
                }
                (_, None) => tr(lang, "checks.awaiting").to_string(),
            };
            findings.push(ReportFinding {
                source: format!("{} #{} {}", tr(lang, "checks.check"), c.id, c.label),
                rule: format!("{:?}", f.rule),
                effect: super::checks::effect_label(f.effect, lang).0.to_string(),
                text: pick(f),
                standing,
            });
        }
    }
    for f in &answer.findings {
        let source = tr(lang, if f.rule == RuleId::Q10 { "report.funding_book" } else { "report.exit_watch" });
        findings.push(ReportFinding {
            source: source.into(),
            rule: format!("{:?}", f.rule),
            effect: super::checks::effect_label(f.effect, lang).0.into(),
            text: pick(f),
            standing: String::new(),
        });
    }
    Ok(QuarterReport {
        company: company.name,
        quarter_end: quarter.to_string(),
        basis,
        parameter_version: version,
        indicators: out,
        findings,
        note: tr(lang, "report.note").into(),
        signoff: super::signoffs::quarter(state, quarter, lang).await?,
    })
}

fn report_quarter(ctx: &Ctx, state: &AppState, q: &QuarterQuery) -> Result<NaiveDate, AppError> {
    match q.quarter.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(latest_quarter_end(state.store.clock().today())),
        Some(s) => huajie_core::input::parse_date(s)
            .ok()
            .filter(|d| latest_quarter_end(*d) == *d)
            .ok_or_else(|| AppError::BadRequest(tr(ctx.lang, "report.not_quarter_end").into())),
    }
}

/// `GET /compliance/report.xlsx?quarter=`: the quarterly regulator report as a workbook.
pub async fn report_xlsx(
    ctx: Ctx,
    State(state): State<AppState>,
    Query(q): Query<QuarterQuery>,
) -> Result<Response, AppError> {
    ctx.require(Permission::ViewCompliance)?;
    let quarter = report_quarter(&ctx, &state, &q)?;
    let r = quarter_report(&ctx, &state, quarter).await?;
    let bytes =
        huajie_report::compliance::regulator_xlsx(&r, ctx.lang).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(super::download(bytes, super::XLSX, format!("regulatory-indicators-{quarter}.xlsx")))
}

/// `GET /compliance/report.pdf?quarter=`: its summary as a PDF.
pub async fn report_pdf(
    ctx: Ctx,
    State(state): State<AppState>,
    Query(q): Query<QuarterQuery>,
) -> Result<Response, AppError> {
    ctx.require(Permission::ViewCompliance)?;
    let quarter = report_quarter(&ctx, &state, &q)?;
    let r = quarter_report(&ctx, &state, quarter).await?;
    let bytes =
        huajie_report::compliance::regulator_pdf(&r, ctx.lang).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(super::download(bytes, "application/pdf", format!("regulatory-indicators-{quarter}.pdf")))
}
