//! The six quantitative indicators (rules.md A6, Part G) at any as-of date, each with the
//! lines behind its figure. Ratios are kept as fractions of integer fen and compared with
//! their limits exactly.

use std::collections::{BTreeMap, BTreeSet};

pub use crate::error::RulesError;

use chrono::{Datelike, Duration, NaiveDate};
use huajie_core::{Lang, Money};
use serde::{Deserialize, Serialize};

use crate::catalogue::RuleId;
use crate::graph::{GraphParty, Holding, groups, related_parties};
use crate::params::RuleParameters;

/// Stable codes for storage and the API.
macro_rules! codes {
    ($t:ident { $($v:ident = $c:literal),+ $(,)? }) => {
        impl $t {
            pub const ALL: &'static [$t] = &[$($t::$v),+];
            pub fn code(self) -> &'static str {
                match self { $($t::$v => $c),+ }
            }
            pub fn from_code(code: &str) -> Option<$t> {
                match code { $($c => Some($t::$v),)+ _ => None }
            }
        }
    };
}

codes!(InvestmentKind { FinancialNpa = "financial_npa", NonFinancialNpa = "non_financial_npa", DebtToEquity = "debt_to_equity", OtherEquity = "other_equity", OtherDebt = "other_debt", Treasury = "treasury" });
codes!(Channel {
    FiLoan = "fi_loan",
    ShareholderLoan = "shareholder_loan",
    Bond = "bond",
    OtherApproved = "other_approved",
    PublicDeposits = "public_deposits",
    LocalExchange = "local_exchange",
    UnlicensedAssetManager = "unlicensed_asset_manager",
    PrivateFund = "private_fund",
});
codes!(LiquidKind { Cash = "cash", DemandDeposit = "demand_deposit", GovernmentBond = "government_bond", PolicyBankBond = "policy_bank_bond", Other = "other" });
codes!(Capacity { Control = "control", Director = "director", Manager = "manager", Shareholder = "shareholder", Other = "other" });
codes!(ExposureKind { AcquiredClaim = "acquired_claim", Loan = "loan", Bond = "bond", Receivable = "receivable", Equity = "equity" });

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvestmentKind {
    /// Acquisitions of financial NPAs (AQ-a … AQ-f; local financial organisations' count).
    FinancialNpa,
    NonFinancialNpa,
    DebtToEquity,
    OtherEquity,
    OtherDebt,
    /// Liquidity placements: not new investment.
    Treasury,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Investment {
    pub date: NaiveDate,
    pub amount: Money,
    pub kind: InvestmentKind,
}

/// A funding channel (rules.md A7): three allowed (and other approved), four prohibited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    FiLoan,
    ShareholderLoan,
    Bond,
    OtherApproved,
    PublicDeposits,
    LocalExchange,
    UnlicensedAssetManager,
    PrivateFund,
}

impl Channel {
    pub fn prohibited(self) -> bool {
        matches!(
            self,
            Channel::PublicDeposits | Channel::LocalExchange | Channel::UnlicensedAssetManager | Channel::PrivateFund
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    pub date: NaiveDate,
    pub principal: Money,
    pub interest: Money,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Funding {
    /// Its id in the book (`None` for one proposed). Principal outstanding at the as-of date.
    pub id: Option<i64>,
    pub label: String,
    pub channel: Channel,
    pub principal: Money,
    pub payments: Vec<Payment>,
}

/// A contractual cash flow of the calendar (expected recoveries never belong here).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CashFlow {
    pub label: String,
    pub date: NaiveDate,
    pub amount: Money,
    pub inflow: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LiquidKind {
    Cash,
    DemandDeposit,
    GovernmentBond,
    PolicyBankBond,
    /// Not high quality: time deposits, other bonds, funds…
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiquidAsset {
    pub label: String,
    pub kind: LiquidKind,
    pub amount: Money,
    /// Pledged, frozen or restricted.
    pub encumbered: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExposureKind {
    /// An acquired claim where the party is the debtor, at book value.
    AcquiredClaim,
    Loan,
    Bond,
    Receivable,
    Equity,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exposure {
    pub party: i64,
    pub kind: ExposureKind,
    pub book_value: Money,
}

/// How a person of the staff register takes part in an entity (rules.md A10.4 TX3: "entities
/// in which such persons participate").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Capacity {
    /// Its actual controller: a control link in the party graph.
    Control,
    /// A director or supervisor of it.
    Director,
    /// One of its senior managers.
    Manager,
    /// A shareholder without control.
    Shareholder,
    /// Any other part (employment, partnership…).
    Other,
}

/// An entity a member of the staff (or a declared relative) takes part in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StaffEntity {
    pub person: i64,
    pub entity: i64,
    pub capacity: Capacity,
}

pub use crate::held::{HeldPackage, claim_book_values, held_claim_exposures};

/// Everything the indicators read, as of one date.
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    /// The company as a party of the graph.
    pub company: i64,
    pub founded: Option<NaiveDate>,
    /// Net assets at each quarter-end (standalone).
    pub net_assets: BTreeMap<NaiveDate, Money>,
    pub investments: Vec<Investment>,
    pub funding: Vec<Funding>,
    pub cash_flows: Vec<CashFlow>,
    pub liquid_assets: Vec<LiquidAsset>,
    pub exposures: Vec<Exposure>,
    pub parties: Vec<GraphParty>,
    pub holdings: Vec<Holding>,
    /// Directors and senior managers.
    pub officers: Vec<i64>,
    /// The staff register: everyone employed by the company (officers are read as staff too).
    pub staff: Vec<i64>,
    /// Close relatives, as pairs of natural persons.
    pub relatives: Vec<(i64, i64)>,
    /// Entities the staff and their relatives declare they take part in.
    pub staff_entities: Vec<StaffEntity>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Pass,
    Amber,
    Red,
}

/// Why an indicator has no ratio.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoRatio {
    /// Net assets ≤ 0: every NA-based indicator is red.
    NetAssetsNotPositive,
    /// Net outflow ≤ 0: liquidity passes.
    NoNetOutflow,
    /// No new investment in the window: main business passes.
    NoInvestment,
}

/// Where a line enters its indicator's ratio, so that a reader (the regulator's workbook)
/// can work the ratio out from the lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    /// Summed into the numerator.
    Numerator,
    /// Summed into the denominator (see `Indicator::denominator_from`).
    Denominator,
    /// Shown beside the figure, in neither: the other clients, the other groups.
    Context,
}

/// How an indicator's denominator is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denominator {
    /// Net assets at `Indicator::basis_date` (a figure of the book, not a line).
    NetAssets,
    /// The sum of the denominator lines (main business: the new investment of each year).
    Lines,
    /// Minus the sum of the denominator lines (liquidity: the lines are the window's
    /// cash, outflows negative, and the denominator is the net outflow).
    NegatedLines,
}

/// A figure behind an indicator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    /// The book's own name for it (a loan, an account) as entered, or a label of these rules
    /// in both languages (`ACQUISITIONS`, `INVESTMENT`, `GROUP`); `Line::label_in` reads it.
    pub label: String,
    /// The party it concerns, where it concerns one.
    pub party: Option<i64>,
    pub amount: Money,
    /// A line that is itself a finding (a prohibited funding channel).
    pub flagged: bool,
    /// Where it enters the ratio; `None` on lines recorded before the parts were kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part: Option<Part>,
}

/// The rules' own labels of lines, Chinese and English: a year's financial NPA acquisitions
/// and its new investment (Q6, written "2023 金融不良资产收购 / financial NPA acquisitions"),
/// and another group's total (Q3, written "集团 / group [members]").
pub const ACQUISITIONS: (&str, &str) = ("金融不良资产收购", "financial NPA acquisitions");
pub const INVESTMENT: (&str, &str) = ("新增投资", "new investment");
pub const GROUP: (&str, &str) = ("集团", "group");

impl Line {
    /// The label in `lang`: the rules' own labels in that language with what tells the lines
    /// apart kept (the year), the book's names as they were entered (a name with " / " in it
    /// included). Reads the labels of results recorded before as well.
    pub fn label_in(&self, lang: Lang) -> String {
        for (zh, en) in [ACQUISITIONS, INVESTMENT] {
            if let Some(year) = self.label.strip_suffix(&format!(" {zh} / {en}")) {
                return format!("{year} {}", lang.pick(zh, en));
            }
        }
        if self.label.starts_with(&format!("{} / {} [", GROUP.0, GROUP.1)) {
            return lang.pick(GROUP.0, GROUP.1).to_string();
        }
        self.label.clone()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Indicator {
    pub id: RuleId,
    pub as_of: NaiveDate,
    /// Numerator and denominator in fen; the ratio is their quotient.
    pub numerator: i128,
    pub denominator: i128,
    pub no_ratio: Option<NoRatio>,
    pub limit_bps: u32,
    /// An upper limit (value ≤ limit) or a lower one (value ≥ limit).
    pub upper: bool,
    pub status: Status,
    /// Red, but before the end of the transition: reported, not blocking.
    pub in_transition: bool,
    /// The net-assets date used, for NA-based indicators.
    pub basis_date: Option<NaiveDate>,
    pub lines: Vec<Line>,
}

impl Indicator {
    /// The ratio as a float, for display only.
    pub fn ratio(&self) -> Option<f64> {
        (self.no_ratio.is_none() && self.denominator != 0).then(|| self.numerator as f64 / self.denominator as f64)
    }

    /// The figure as text with `decimals` (a multiple for leverage, a percentage otherwise);
    /// `None` without a ratio.
    pub fn shown(&self, decimals: usize) -> Option<String> {
        self.ratio().map(|r| {
            if self.id == RuleId::Q1 { format!("{r:.decimals$}×") } else { format!("{:.decimals$}%", r * 100.0) }
        })
    }

    /// How the denominator is made from the book and the lines.
    pub fn denominator_from(&self) -> Denominator {
        match self.id {
            RuleId::Q5 => Denominator::NegatedLines,
            RuleId::Q6 => Denominator::Lines,
            _ => Denominator::NetAssets,
        }
    }

    /// Whether the lines carry their parts and add up, exactly, to the numerator and (unless
    /// it is net assets) the denominator: then the ratio can be worked out from them.
    pub fn lines_add_up(&self) -> bool {
        let sum = |part: Part| -> Option<i128> {
            let mut total = 0i128;
            for l in &self.lines {
                if l.part? == part {
                    total += i128::from(l.amount.fen());
                }
            }
            Some(total)
        };
        let (Some(n), Some(d)) = (sum(Part::Numerator), sum(Part::Denominator)) else { return false };
        n == self.numerator
            && match self.denominator_from() {
                Denominator::NetAssets => d == 0,
                Denominator::Lines => d == self.denominator,
                Denominator::NegatedLines => -d == self.denominator,
            }
    }

    /// The limit as text: "≤ 3×", "≥ 30%", "≤ 12.5%".
    pub fn shown_limit(&self) -> String {
        let sign = if self.upper { "≤" } else { "≥" };
        if self.id == RuleId::Q1 {
            format!("{sign} {}×", f64::from(self.limit_bps) / 10_000.0)
        } else {
            format!("{sign} {}%", f64::from(self.limit_bps) / 100.0)
        }
    }
}

fn quarter_end(year: i32, quarter: u32) -> NaiveDate {
    match quarter {
        1 => NaiveDate::from_ymd_opt(year, 3, 31),
        2 => NaiveDate::from_ymd_opt(year, 6, 30),
        3 => NaiveDate::from_ymd_opt(year, 9, 30),
        _ => NaiveDate::from_ymd_opt(year, 12, 31),
    }
    .expect("a valid quarter-end")
}

/// The last calendar quarter-end on or before `d`.
pub fn latest_quarter_end(d: NaiveDate) -> NaiveDate {
    let q = (d.month() - 1) / 3 + 1;
    let end = quarter_end(d.year(), q);
    if end == d {
        d
    } else if q == 1 {
        quarter_end(d.year() - 1, 4)
    } else {
        quarter_end(d.year(), q - 1)
    }
}

/// The end of the quarter before the one containing `d`.
pub fn previous_quarter_end(d: NaiveDate) -> NaiveDate {
    let q = (d.month() - 1) / 3 + 1;
    if q == 1 { quarter_end(d.year() - 1, 4) } else { quarter_end(d.year(), q - 1) }
}

fn fen(m: Money) -> i128 {
    i128::from(m.fen())
}

/// The status of `n / d` against an upper or lower limit in basis points (Part G bands).
pub fn status(n: i128, d: i128, limit_bps: u32, upper: bool, amber_bps: u32) -> Status {
    let (l, a) = (i128::from(limit_bps), i128::from(amber_bps));
    if upper {
        if n * 10_000 > l * d {
            Status::Red
        } else if n * 10_000 * 10_000 >= a * l * d {
            Status::Amber
        } else {
            Status::Pass
        }
    } else if n * 10_000 < l * d {
        Status::Red
    } else if l * d >= a * n {
        Status::Amber
    } else {
        Status::Pass
    }
}

struct Ctx<'a> {
    p: &'a RuleParameters,
    as_of: NaiveDate,
}

impl Ctx<'_> {
    #[expect(clippy::too_many_arguments, reason = "one indicator's parts, each named at the call")]
    fn finish(
        &self,
        id: RuleId,
        n: i128,
        d: i128,
        limit_bps: u32,
        upper: bool,
        basis_date: Option<NaiveDate>,
        lines: Vec<Line>,
    ) -> Indicator {
        let (status, no_ratio) = if basis_date.is_some() && d <= 0 {
            (Status::Red, Some(NoRatio::NetAssetsNotPositive))
        } else {
            (status(n, d, limit_bps, upper, self.p.amber_bps), None)
        };
        self.indicator(id, n, d, no_ratio, limit_bps, upper, status, basis_date, lines)
    }

    #[allow(clippy::too_many_arguments)]
    fn indicator(
        &self,
        id: RuleId,
        n: i128,
        d: i128,
        no_ratio: Option<NoRatio>,
        limit_bps: u32,
        upper: bool,
        status: Status,
        basis_date: Option<NaiveDate>,
        lines: Vec<Line>,
    ) -> Indicator {
        Indicator {
            id,
            as_of: self.as_of,
            numerator: n,
            denominator: d,
            no_ratio,
            limit_bps,
            upper,
            status,
            in_transition: status == Status::Red && self.as_of <= self.p.transition_end,
            basis_date,
            lines,
        }
    }
}

fn net_assets(ledger: &Ledger, date: NaiveDate) -> Result<i128, RulesError> {
    ledger.net_assets.get(&date).map(|m| fen(*m)).ok_or(RulesError::MissingNetAssets(date))
}

fn line(label: impl Into<String>, party: Option<i64>, amount: i128, flagged: bool, part: Part) -> Line {
    let fen = i64::try_from(amount).unwrap_or(if amount < 0 { i64::MIN } else { i64::MAX });
    Line { label: label.into(), party, amount: Money::from_fen(fen), flagged, part: Some(part) }
}

/// The six indicators at `as_of`, in the order of rules.md A6 (main business, leverage,
/// liquidity, single client, group, related parties).
pub fn indicators(ledger: &Ledger, p: &RuleParameters, as_of: NaiveDate) -> Result<Vec<Indicator>, RulesError> {
    let ctx = Ctx { p, as_of };
    let latest = latest_quarter_end(as_of);
    let previous = previous_quarter_end(as_of);
    let na = net_assets(ledger, latest)?;
    let na_previous = net_assets(ledger, previous)?;
    let controls = ledger.controls(p);

    // Exposure per party, equity included (single client, group); claims only (related).
    let mut exposure: BTreeMap<i64, i128> = BTreeMap::new();
    let mut claims: BTreeMap<i64, i128> = BTreeMap::new();
    for e in &ledger.exposures {
        *exposure.entry(e.party).or_default() += fen(e.book_value);
        if e.kind != ExposureKind::Equity {
            *claims.entry(e.party).or_default() += fen(e.book_value);
        }
    }

    Ok(vec![
        main_business(&ctx, ledger),
        leverage(&ctx, ledger, na, latest),
        liquidity(&ctx, ledger),
        single_client(&ctx, &exposure, na, latest),
        group(&ctx, ledger, &controls, &exposure, na, latest),
        related(&ctx, ledger, &controls, &claims, na_previous, previous),
    ])
}

fn main_business(ctx: &Ctx, ledger: &Ledger) -> Indicator {
    let p = ctx.p;
    let last = ctx.as_of.year() - 1;
    let mut first = last - p.main_business_years as i32 + 1;
    if let Some(f) = ledger.founded {
        first = first.max(f.year());
    }
    let (mut n, mut d) = (0i128, 0i128);
    let mut by_year: BTreeMap<i32, (i128, i128)> = BTreeMap::new();
    for i in ledger
        .investments
        .iter()
        .filter(|i| (first..=last).contains(&i.date.year()) && i.kind != InvestmentKind::Treasury)
    {
        let e = by_year.entry(i.date.year()).or_default();
        e.1 += fen(i.amount);
        d += fen(i.amount);
        if i.kind == InvestmentKind::FinancialNpa {
            e.0 += fen(i.amount);
            n += fen(i.amount);
        }
    }
    let mut lines = Vec::new();
    for (y, (fin, all)) in &by_year {
        lines.push(line(format!("{y} {} / {}", ACQUISITIONS.0, ACQUISITIONS.1), None, *fin, false, Part::Numerator));
        lines.push(line(format!("{y} {} / {}", INVESTMENT.0, INVESTMENT.1), None, *all, false, Part::Denominator));
    }
    if d == 0 {
        return ctx.indicator(
            RuleId::Q6,
            0,
            0,
            Some(NoRatio::NoInvestment),
            p.main_business_min_bps,
            false,
            Status::Pass,
            None,
            lines,
        );
    }
    ctx.finish(RuleId::Q6, n, d, p.main_business_min_bps, false, None, lines)
}

fn leverage(ctx: &Ctx, ledger: &Ledger, na: i128, basis: NaiveDate) -> Indicator {
    let n: i128 = ledger.funding.iter().map(|f| fen(f.principal)).sum();
    let lines = ledger
        .funding
        .iter()
        .map(|f| line(f.label.clone(), None, fen(f.principal), f.channel.prohibited(), Part::Numerator))
        .collect();
    ctx.finish(RuleId::Q1, n, na, ctx.p.leverage_max_bps, true, Some(basis), lines)
}

fn liquidity(ctx: &Ctx, ledger: &Ledger) -> Indicator {
    let p = ctx.p;
    let end = ctx.as_of + Duration::days(i64::from(p.liquidity_window_days));
    let in_window = |d: NaiveDate| d > ctx.as_of && d <= end;
    let mut lines = Vec::new();
    let mut hqla = 0i128;
    for a in &ledger.liquid_assets {
        let counts = !a.encumbered && a.kind != LiquidKind::Other;
        if counts {
            hqla += fen(a.amount);
        }
        lines.push(line(a.label.clone(), None, if counts { fen(a.amount) } else { 0 }, false, Part::Numerator));
    }
    let mut outflow = 0i128;
    for f in &ledger.funding {
        for pay in f.payments.iter().filter(|x| in_window(x.date)) {
            let due = fen(pay.principal) + fen(pay.interest);
            outflow += due;
            lines.push(line(format!("{} {}", f.label, pay.date), None, -due, false, Part::Denominator));
        }
    }
    for c in ledger.cash_flows.iter().filter(|c| in_window(c.date)) {
        let amount = if c.inflow { fen(c.amount) } else { -fen(c.amount) };
        outflow -= amount;
        lines.push(line(format!("{} {}", c.label, c.date), None, amount, false, Part::Denominator));
    }
    if outflow <= 0 {
        return ctx.indicator(
            RuleId::Q5,
            hqla,
            outflow,
            Some(NoRatio::NoNetOutflow),
            p.liquidity_min_bps,
            false,
            Status::Pass,
            None,
            lines,
        );
    }
    ctx.finish(RuleId::Q5, hqla, outflow, p.liquidity_min_bps, false, None, lines)
}

/// The largest entries first, ties by party id.
fn ranked(by_party: &BTreeMap<i64, i128>) -> Vec<(i64, i128)> {
    let mut v: Vec<(i64, i128)> = by_party.iter().map(|(k, v)| (*k, *v)).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    v
}

fn single_client(ctx: &Ctx, exposure: &BTreeMap<i64, i128>, na: i128, basis: NaiveDate) -> Indicator {
    let ranked = ranked(exposure);
    let n = ranked.first().map_or(0, |x| x.1);
    // The largest client is the numerator; the others are shown beside it.
    let lines = ranked
        .iter()
        .enumerate()
        .map(|(k, (party, v))| line("", Some(*party), *v, false, if k == 0 { Part::Numerator } else { Part::Context }))
        .collect();
    ctx.finish(RuleId::Q2, n, na, ctx.p.single_client_max_bps, true, Some(basis), lines)
}

fn group(
    ctx: &Ctx,
    ledger: &Ledger,
    controls: &BTreeMap<i64, BTreeSet<i64>>,
    exposure: &BTreeMap<i64, i128>,
    na: i128,
    basis: NaiveDate,
) -> Indicator {
    let groups = groups(&ledger.parties, controls);
    let mut totals: Vec<(i128, &Vec<i64>)> =
        groups.iter().map(|g| (g.iter().map(|m| exposure.get(m).copied().unwrap_or(0)).sum(), g)).collect();
    totals.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
    let n = totals.first().map_or(0, |x| x.0);
    // The largest group's members first, then the other groups' totals.
    let mut lines = Vec::new();
    if let Some((_, members)) = totals.first() {
        for m in members.iter() {
            lines.push(line("", Some(*m), exposure.get(m).copied().unwrap_or(0), false, Part::Numerator));
        }
    }
    for (total, members) in totals.iter().skip(1) {
        lines.push(line(
            format!("{} / {} {members:?}", GROUP.0, GROUP.1),
            members.first().copied(),
            *total,
            false,
            Part::Context,
        ));
    }
    ctx.finish(RuleId::Q3, n, na, ctx.p.group_max_bps, true, Some(basis), lines)
}

fn related(
    ctx: &Ctx,
    ledger: &Ledger,
    controls: &BTreeMap<i64, BTreeSet<i64>>,
    claims: &BTreeMap<i64, i128>,
    na: i128,
    basis: NaiveDate,
) -> Indicator {
    let rp = related_parties(
        ledger.company,
        &ledger.parties,
        &ledger.holdings,
        &ledger.officers,
        &ledger.relatives,
        controls,
        ctx.p.related_shareholder_min_bps,
    );
    let mine: BTreeMap<i64, i128> = claims.iter().filter(|(k, _)| rp.contains(k)).map(|(k, v)| (*k, *v)).collect();
    let n: i128 = mine.values().sum();
    let lines = ranked(&mine).iter().map(|(party, v)| line("", Some(*party), *v, false, Part::Numerator)).collect();
    ctx.finish(RuleId::Q4, n, na, ctx.p.related_max_bps, true, Some(basis), lines)
}

/// The way back inside a limit by the end of the transition (rules.md A14): for an indicator
/// in breach inside the transition, the quarter-ends left, the move needed each quarter (in
/// ratio units: 0.05 = 5 points, or 0.05×), the move since the previous quarter-end, and
/// whether that move keeps pace.
#[derive(Debug, Clone, PartialEq)]
pub struct GlidePath {
    pub quarters_left: u32,
    pub needed_per_quarter: f64,
    pub last_change: Option<f64>,
    pub on_track: Option<bool>,
}

/// The glide path of `now` (red, in transition) given the same indicator at the previous
/// quarter-end; `None` when there is nothing to glide.
pub fn glide_path(now: &Indicator, previous: Option<&Indicator>, transition_end: NaiveDate) -> Option<GlidePath> {
    if !(now.status == Status::Red && now.in_transition) {
        return None;
    }
    let ratio = now.ratio()?;
    let limit = f64::from(now.limit_bps) / 10_000.0;
    // Quarter-ends after this one, up to the end of the transition: the reports left to get there.
    let mut quarters_left = 0u32;
    let mut q = latest_quarter_end(now.as_of + Duration::days(92));
    while q <= transition_end {
        quarters_left += 1;
        q = latest_quarter_end(q + Duration::days(92));
    }
    let gap = if now.upper { ratio - limit } else { limit - ratio };
    let needed_per_quarter = gap / f64::from(quarters_left.max(1));
    // An improvement is a fall for an upper limit, a rise for a lower one.
    let last_change = previous.and_then(Indicator::ratio).map(|p| if now.upper { p - ratio } else { ratio - p });
    Some(GlidePath {
        quarters_left,
        needed_per_quarter,
        last_change,
        on_track: last_change.map(|c| c >= needed_per_quarter),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_line_reads_in_either_language_and_keeps_its_year() {
        let line =
            |label: &str| Line { label: label.into(), party: None, amount: Money::ZERO, flagged: false, part: None };
        // As recorded results hold them.
        let acquisitions = line("2023 金融不良资产收购 / financial NPA acquisitions");
        assert_eq!(acquisitions.label_in(Lang::Zh), "2023 金融不良资产收购");
        assert_eq!(acquisitions.label_in(Lang::En), "2023 financial NPA acquisitions");
        let investment = line("2024 新增投资 / new investment");
        assert_eq!(investment.label_in(Lang::En), "2024 new investment");
        let group = line("集团 / group [421, 422]");
        assert_eq!((group.label_in(Lang::Zh).as_str(), group.label_in(Lang::En).as_str()), ("集团", "group"));
        // The book's names as entered, in either language, even with a slash in them.
        let loan = line("工商银行并购贷款 / 二期");
        assert_eq!(loan.label_in(Lang::En), "工商银行并购贷款 / 二期");
        assert_eq!(line("国债").label_in(Lang::En), "国债");
    }

    #[test]
    fn quarter_ends_of_part_g() {
        assert_eq!(latest_quarter_end(d("2026-09-30")), d("2026-09-30"));
        assert_eq!(previous_quarter_end(d("2026-09-30")), d("2026-06-30"));
        assert_eq!(latest_quarter_end(d("2026-08-15")), d("2026-06-30"));
        assert_eq!(previous_quarter_end(d("2026-08-15")), d("2026-06-30"));
        assert_eq!(latest_quarter_end(d("2026-02-01")), d("2025-12-31"));
        assert_eq!(previous_quarter_end(d("2026-03-31")), d("2025-12-31"));
    }

    #[test]
    fn a_breach_in_transition_has_its_glide_path() {
        let red = |as_of: &str, n: i128| Indicator {
            id: RuleId::Q4,
            as_of: d(as_of),
            numerator: n,
            denominator: 100,
            no_ratio: None,
            limit_bps: 5_000,
            upper: true,
            status: Status::Red,
            in_transition: true,
            basis_date: None,
            lines: Vec::new(),
        };
        // 61% at 2026-09-30, 63% a quarter before; the transition ends 2028-07-12: seven
        // quarter-ends to go (2026-12-31 … 2028-06-30).
        let g = glide_path(&red("2026-09-30", 61), Some(&red("2026-06-30", 63)), d("2028-07-12")).unwrap();
        assert_eq!(g.quarters_left, 7);
        assert!((g.needed_per_quarter - 0.11 / 7.0).abs() < 1e-12);
        assert!((g.last_change.unwrap() - 0.02).abs() < 1e-12);
        assert_eq!(g.on_track, Some(true));
        // Rising instead: off track. Amber or past the transition: no path.
        assert_eq!(
            glide_path(&red("2026-09-30", 61), Some(&red("2026-06-30", 60)), d("2028-07-12")).unwrap().on_track,
            Some(false)
        );
        assert!(
            glide_path(&Indicator { status: Status::Amber, ..red("2026-09-30", 50) }, None, d("2028-07-12")).is_none()
        );
        assert!(
            glide_path(&Indicator { in_transition: false, ..red("2026-09-30", 61) }, None, d("2028-07-12")).is_none()
        );
    }

    #[test]
    fn bands_exactly_at_the_limit_are_amber() {
        // Upper 10%: 10% amber, 9% amber (90% of the limit), 8.99% pass, 10.0001% red.
        assert_eq!(status(1_000, 10_000, 1_000, true, 9_000), Status::Amber);
        assert_eq!(status(900, 10_000, 1_000, true, 9_000), Status::Amber);
        assert_eq!(status(899, 10_000, 1_000, true, 9_000), Status::Pass);
        assert_eq!(status(1_000_001, 10_000_000, 1_000, true, 9_000), Status::Red);
        // Lower 30%: 30% amber, 1/3 amber, 34% pass, 29.99% red.
        assert_eq!(status(3, 10, 3_000, false, 9_000), Status::Amber);
        assert_eq!(status(1, 3, 3_000, false, 9_000), Status::Amber);
        assert_eq!(status(34, 100, 3_000, false, 9_000), Status::Pass);
        assert_eq!(status(2_999, 10_000, 3_000, false, 9_000), Status::Red);
    }
}
