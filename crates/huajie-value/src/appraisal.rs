//! A package's book, as the store keeps it, appraised: the engine inputs read from
//! `huajie-core` values (section 2), the retail part split off (3.6, section 5), and every
//! result a valuer looks at — cash by quarter, the bid at the target IRR and the metrics
//! at the price, each claim's routes and cost basis, each segment, the sensitivity of the
//! bid to IRR and haircut, the stress overlays and the Monte Carlo distribution.
//!
//! Readings taken here, where the model's text is silent (docs/valuation.md lists them):
//! - time-barred = the claim's limitation date is before the valuation date;
//! - a package is valued as a retail batch when its basis says so (`Book::basis`, set per
//!   package: `ValuationBasis`); in a retail batch, an individual's claim with no
//!   collateral and no guarantor is valued by segment;
//! - a segment claim's days past due: as the tape gave it, else counted from its default
//!   date, else the oldest bucket; litigated = any litigation stage other than "none".

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;

use chrono::NaiveDate;
use huajie_core::{
    Claim, Collateral, Guarantee, LiquidationAnalysis, LitigationStage, Party, PartyKind, ValuationBasis,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::assumptions::Assumptions;
use crate::input::{ClaimIn, DebtorIn, GuarantorIn, ItemIn, Lien, Standing};
use crate::metrics::{PackageMetrics, allocate, metrics, pv};
use crate::model::value_stressed;
use crate::monte_carlo::{Distribution, simulate};
use crate::retail::{DPD_THRESHOLDS, RetailClaim, Segment, value_retail};
use crate::stress::Stress;

/// The model this crate implements; stored with every run.
pub const MODEL_VERSION: &str = "HV-1 v1.1";

/// What the store hands over: a package's claims with their debtors, its collateral with
/// the claims each item secures, its guarantees with their guarantors.
#[derive(Debug, Clone)]
pub struct Book {
    pub valuation_date: NaiveDate,
    /// How the package is valued: claim by claim, or as a retail batch.
    pub basis: ValuationBasis,
    pub claims: Vec<BookClaim>,
    pub items: Vec<BookItem>,
    pub guarantees: Vec<BookGuarantee>,
    /// Hypothetical-liquidation analyses of debtors: their ratio replaces β for the debtor's assets.
    pub liquidations: Vec<LiquidationAnalysis>,
}

#[derive(Debug, Clone)]
pub struct BookClaim {
    pub id: i64,
    pub claim: Claim,
    pub debtor: Party,
}

#[derive(Debug, Clone)]
pub struct BookItem {
    pub id: i64,
    pub collateral: Collateral,
    /// The claims it secures, each at its own rank.
    pub liens: Vec<BookLien>,
}

/// That an item secures a claim at a lien rank (顺位 belongs to the link, not the item).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BookLien {
    pub claim_id: i64,
    /// 1 = first lien.
    pub rank: u8,
}

#[derive(Debug, Clone)]
pub struct BookGuarantee {
    pub guarantee: Guarantee,
    pub guarantor: Party,
}

/// What the valuer asks for; checked against its limits by [`Options::checked`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Options {
    /// y*, annual effective.
    pub target_irr: f64,
    /// The price to measure (IRR, MOIC…); `None` = the bid at the target IRR.
    pub price: Option<f64>,
    /// Monte Carlo scenarios; 0 = none.
    pub scenarios: usize,
    pub seed: u64,
    /// A stress overlay code of `Stress::OVERLAYS`, or `None`.
    pub stress: Option<String>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            target_irr: crate::limits::TARGET_IRR_DEFAULT,
            price: None,
            scenarios: 0,
            seed: crate::limits::SEED_DEFAULT,
            stress: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Claim by claim (section 3).
    Claim,
    /// By retail segment (section 5).
    Segment,
}

/// One claim's results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClaimResult {
    pub id: i64,
    pub method: Method,
    pub amount: f64,
    /// Recoveries within the horizon by route, after the time-barred factor (yuan).
    pub collateral: f64,
    pub guarantors: f64,
    pub unsecured: f64,
    /// Negative: court fees, legal costs (servicing for a segment claim).
    pub court_fees: f64,
    pub legal_costs: f64,
    /// Undiscounted net cash, and its present value at the target IRR.
    pub net: f64,
    pub pv: f64,
    /// The share of the price it carries (cost basis).
    pub allocation: f64,
    pub time_barred: bool,
    /// Timeline, months from the valuation date (claim method only).
    pub judgment_month: Option<u32>,
    pub enforcement_month: Option<u32>,
    pub first_auction_month: Option<u32>,
    /// Net cash by quarter: (quarter, yuan), quarters with cash only (claim method).
    pub cash: Vec<(u8, f64)>,
    /// Its segment's index in `Appraisal::segments` (segment method).
    pub segment: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentResult {
    pub product: String,
    pub dpd_bucket: u8,
    pub balance_bucket: u8,
    pub litigated: bool,
    pub claims: u64,
    pub amount: f64,
    pub estimated: bool,
    pub pv: f64,
    pub allocation: f64,
    pub quarterly: Vec<f64>,
}

impl SegmentResult {
    /// "信用卡 · 360–720天 · 1万–5万 · 已诉" style labels, Chinese or English.
    pub fn label(&self, zh: bool) -> String {
        crate::retail::segment_label(&self.product, self.dpd_bucket, self.balance_bucket, self.litigated, zh)
    }
}

/// The bid over a grid of target IRRs (rows) and collateral haircuts (columns).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sensitivity {
    pub rates: Vec<f64>,
    pub haircuts: Vec<f64>,
    /// `bids[rate][haircut]`.
    pub bids: Vec<Vec<f64>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StressResult {
    pub code: String,
    pub bid: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonteCarloResult {
    pub scenarios: usize,
    pub seed: u64,
    pub distribution: Distribution,
    /// Each scenario's break-even price at the target IRR, scenario 1 first.
    pub present_values: Vec<f64>,
    pub mean_quarterly: Vec<f64>,
}

/// Everything one valuation run produced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Appraisal {
    pub model_version: String,
    /// SHA-256 of the engine's inputs: the same hash and assumption set reproduce the run.
    pub input_hash: String,
    pub options: Options,
    pub valuation_date: NaiveDate,
    pub claim_amount: f64,
    pub principal: f64,
    /// Expected net cash by quarter, claims and segments together (index 0 = quarter 1).
    pub quarterly: Vec<f64>,
    /// `PV(y*)`.
    pub bid: f64,
    /// At the price (the bid when none was given).
    pub metrics: PackageMetrics,
    pub claims: Vec<ClaimResult>,
    pub segments: Vec<SegmentResult>,
    /// Retail batch priced outside the anchor band at the target IRR.
    pub retail_outside_anchor: Option<bool>,
    pub sensitivity: Sensitivity,
    pub stresses: Vec<StressResult>,
    pub monte_carlo: Option<MonteCarloResult>,
}

impl Appraisal {
    /// A claim's projected net cash by quarter (quarter from 1, yuan; quarters with cash only):
    /// its own for a claim valued on its own, its share by amount of its segment's for a retail
    /// claim (as `appraise` shares the segment's value among its claims). The back-test's
    /// projection (docs/ledger.md).
    pub fn projected_cash(&self, c: &ClaimResult) -> Vec<(u32, f64)> {
        match c.segment.and_then(|k| self.segments.get(k)) {
            None => c.cash.iter().map(|(q, x)| (u32::from(*q), *x)).collect(),
            Some(s) => {
                let share = if s.amount > 0.0 { c.amount / s.amount } else { 0.0 };
                let cash = s.quarterly.iter().enumerate().filter(|(_, x)| **x != 0.0);
                cash.map(|(k, x)| (k as u32 + 1, x * share)).collect()
            }
        }
    }
}

/// The engine's inputs read from a book, and which claims go to the segments.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Inputs {
    pub(crate) claims: Vec<ClaimIn>,
    pub(crate) claim_ids: Vec<i64>,
    pub(crate) items: Vec<ItemIn>,
    pub(crate) retail: Vec<RetailClaim>,
    pub(crate) retail_ids: Vec<i64>,
    pub(crate) products: Vec<String>,
}

fn yuan(m: huajie_core::Money) -> f64 {
    m.fen() as f64 / 100.0
}

fn party_in(p: &Party) -> DebtorIn {
    DebtorIn { kind: p.kind(), standing: Standing::of(p.kind(), p.status) }
}

pub(crate) fn inputs(book: &Book) -> Inputs {
    let retail_batch = book.basis == ValuationBasis::RetailBatch;
    let secured: HashSet<i64> = book.items.iter().flat_map(|item| item.liens.iter().map(|l| l.claim_id)).collect();
    let mut guarantors: HashMap<i64, Vec<GuarantorIn>> = HashMap::new();
    for g in &book.guarantees {
        guarantors
            .entry(g.guarantee.claim_id)
            .or_default()
            .push(GuarantorIn { party: party_in(&g.guarantor), cap: g.guarantee.cap.map(yuan) });
    }
    let mut inputs = Inputs {
        claims: Vec::new(),
        claim_ids: Vec::new(),
        items: Vec::new(),
        retail: Vec::new(),
        retail_ids: Vec::new(),
        products: Vec::new(),
    };
    let liquidation: HashMap<i64, f64> = book.liquidations.iter().map(|l| (l.party_id, l.ratio())).collect();
    let mut products: HashMap<String, u16> = HashMap::new();
    let mut index: HashMap<i64, usize> = HashMap::new();
    for c in &book.claims {
        let amount = c.claim.total().map_or(f64::MAX, yuan);
        let by_segment = retail_batch
            && c.debtor.kind() == PartyKind::Individual
            && !secured.contains(&c.id)
            && !guarantors.contains_key(&c.id);
        if by_segment {
            let name = c.claim.product.clone().unwrap_or_else(|| "未注明".to_string());
            let next = products.len() as u16;
            let product = *products.entry(name.clone()).or_insert_with(|| {
                inputs.products.push(name);
                next
            });
            let days = c
                .claim
                .days_past_due
                .or_else(|| c.claim.default_date.map(|d| (book.valuation_date - d).num_days()))
                .unwrap_or(i64::from(DPD_THRESHOLDS[DPD_THRESHOLDS.len() - 1]));
            inputs.retail.push(RetailClaim {
                product,
                days_past_due: days.clamp(0, i64::from(u32::MAX)) as u32,
                amount,
                litigated: c.claim.litigation_stage.is_some_and(|s| s != LitigationStage::NotSued),
            });
            inputs.retail_ids.push(c.id);
        } else {
            index.insert(c.id, inputs.claims.len());
            inputs.claims.push(ClaimIn {
                amount,
                debtor: party_in(&c.debtor),
                stage: c.claim.litigation_stage,
                time_barred: c.claim.is_time_barred(book.valuation_date),
                guarantors: guarantors.remove(&c.id).unwrap_or_default(),
                unsecured_beta: liquidation.get(&c.claim.debtor_id).copied(),
            });
            inputs.claim_ids.push(c.id);
        }
    }
    for item in &book.items {
        let liens: Vec<Lien> = item
            .liens
            .iter()
            .filter_map(|l| index.get(&l.claim_id).map(|&claim| Lien { claim, rank: l.rank }))
            .collect();
        inputs.items.push(ItemIn {
            kind: item.collateral.collateral_type,
            appraised: yuan(item.collateral.appraised_value),
            prior: yuan(item.collateral.prior_claims),
            liens,
        });
    }
    inputs
}

/// SHA-256 over everything the engine reads, in a fixed order (f64 written exactly).
fn input_hash(book: &Book, i: &Inputs) -> String {
    struct Hasher(Sha256);
    impl std::fmt::Write for Hasher {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            self.0.update(s.as_bytes());
            Ok(())
        }
    }
    let mut h = Hasher(Sha256::new());
    let _ = write!(h, "{}|{}|", MODEL_VERSION, book.valuation_date);
    for (id, c) in i.claim_ids.iter().zip(&i.claims) {
        let _ = write!(
            h,
            "c{id}:{:?}:{:?}:{:?}:{:?}:{}:{:?};",
            c.amount,
            c.debtor,
            c.stage,
            c.time_barred,
            c.guarantors.len(),
            c.unsecured_beta
        );
        for g in &c.guarantors {
            let _ = write!(h, "g{:?}:{:?};", g.party, g.cap);
        }
    }
    for it in &i.items {
        let _ = write!(h, "i{:?}:{:?}:{:?}", it.kind, it.appraised, it.prior);
        for l in &it.liens {
            let _ = write!(h, ":{}/{}", l.claim, l.rank);
        }
        let _ = write!(h, ";");
    }
    for (id, r) in i.retail_ids.iter().zip(&i.retail) {
        let _ = write!(
            h,
            "r{id}:{}:{}:{:?}:{};",
            i.products[usize::from(r.product)],
            r.days_past_due,
            r.amount,
            r.litigated
        );
    }
    hex_string(&h.0.finalize())
}

fn hex_string(bytes: &[u8]) -> String {
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// The package's cash by quarter under a stress overlay: claims and segments together.
pub(crate) fn package_cash(
    i: &Inputs,
    a: &Assumptions,
    stress: &Stress,
) -> (crate::Valuation, crate::RetailValuation, Vec<f64>) {
    let claims = value_stressed(&i.claims, &i.items, a, stress);
    let retail = value_retail(&i.retail, &i.products, &a.retail, stress);
    let total = claims.quarterly.iter().zip(&retail.quarterly).map(|(x, y)| x + y).collect();
    (claims, retail, total)
}

/// Each segment's and each claim's result in the base valuation (`claims_v`, `retail_v`, at
/// `rate`), the price shared pro rata to PV: what `appraise` reports, and what
/// `recorded::claim_results` recomputes from a run's recorded inputs.
pub(crate) fn results(
    i: &Inputs,
    a: &Assumptions,
    rate: f64,
    price: f64,
    claims_v: &crate::Valuation,
    retail_v: &crate::RetailValuation,
) -> (Vec<SegmentResult>, Vec<ClaimResult>) {
    // Cost basis: pro rata to PV(y*), claims and segments alike; a segment's share split
    // among its claims by amount.
    let claim_pvs: Vec<f64> = claims_v.claims().map(|c| pv(&c.quarterly(), rate)).collect();
    let segment_pvs: Vec<f64> = retail_v.segments.iter().map(|s| pv(&s.quarterly, rate)).collect();
    let all: Vec<f64> = claim_pvs.iter().chain(&segment_pvs).copied().collect();
    let allocation = allocate(price, &all);
    let products = &i.products;
    let segments: Vec<SegmentResult> = retail_v
        .segments
        .iter()
        .zip(&segment_pvs)
        .zip(&allocation[claim_pvs.len()..])
        .map(|((s, pv), alloc)| SegmentResult {
            product: products.get(usize::from(s.segment.product)).cloned().unwrap_or_default(),
            dpd_bucket: s.segment.dpd_bucket,
            balance_bucket: s.segment.balance_bucket,
            litigated: s.segment.litigated,
            claims: s.claims,
            amount: s.amount,
            estimated: s.estimated,
            pv: *pv,
            allocation: *alloc,
            quarterly: s.quarterly.clone(),
        })
        .collect();
    let mut results: Vec<ClaimResult> = claims_v
        .claims()
        .zip(&i.claims)
        .zip(&i.claim_ids)
        .zip(claim_pvs.iter().zip(&allocation))
        .map(|(((v, c), id), (pv, alloc))| {
            let q = v.quarterly();
            ClaimResult {
                id: *id,
                method: Method::Claim,
                amount: c.amount,
                collateral: v.collateral,
                guarantors: v.guarantors,
                unsecured: v.unsecured,
                court_fees: v.court_fees,
                legal_costs: v.legal_costs,
                net: v.net(),
                pv: *pv,
                allocation: *alloc,
                time_barred: c.time_barred,
                judgment_month: Some(v.judgment_month),
                enforcement_month: v.enforcement_month,
                first_auction_month: Some(v.first_auction_month),
                cash: q.iter().enumerate().filter(|(_, x)| **x != 0.0).map(|(k, x)| ((k + 1) as u8, *x)).collect(),
                segment: None,
            }
        })
        .collect();
    segment_claims(i, a, retail_v, &segments, &mut results);
    (segments, results)
}

/// Each segment claim's result: its share by amount of its segment's.
fn segment_claims(
    i: &Inputs,
    a: &Assumptions,
    retail_v: &crate::RetailValuation,
    segments: &[SegmentResult],
    results: &mut Vec<ClaimResult>,
) {
    let segment_of: BTreeMap<Segment, usize> =
        retail_v.segments.iter().enumerate().map(|(k, s)| (s.segment, k)).collect();
    let servicing = a.retail.servicing;
    for (r, id) in i.retail.iter().zip(&i.retail_ids) {
        let k = segment_of[&Segment::of(r.product, r.days_past_due, r.amount, r.litigated)];
        let s = &segments[k];
        let share = if s.amount > 0.0 { r.amount / s.amount } else { 0.0 };
        let net: f64 = s.quarterly.iter().sum::<f64>() * share;
        let gross = net / (1.0 - servicing);
        results.push(ClaimResult {
            id: *id,
            method: Method::Segment,
            amount: r.amount,
            collateral: 0.0,
            guarantors: 0.0,
            unsecured: gross,
            court_fees: 0.0,
            legal_costs: net - gross,
            net,
            pv: s.pv * share,
            allocation: s.allocation * share,
            time_barred: false,
            judgment_month: None,
            enforcement_month: None,
            first_auction_month: None,
            cash: Vec::new(),
            segment: Some(k),
        });
    }
}

/// Values a book under an assumption set.
pub fn appraise(book: &Book, a: &Assumptions, options: &Options) -> Appraisal {
    let i = inputs(book);
    let input_hash = input_hash(book, &i);
    let stress = options.stress.as_deref().and_then(Stress::by_code).unwrap_or(Stress::NONE);
    let rate = options.target_irr + stress.rate_shift;
    let (claims_v, retail_v, quarterly) = package_cash(&i, a, &stress);
    let bid = pv(&quarterly, rate);
    let price = options.price.unwrap_or(bid);
    let claim_amount: f64 = book.claims.iter().map(|c| c.claim.total().map_or(0.0, yuan)).sum();
    let principal: f64 = book.claims.iter().map(|c| yuan(c.claim.principal)).sum();

    let (segments, results) = results(&i, a, rate, price, &claims_v, &retail_v);

    let rates: Vec<f64> =
        [-0.05, -0.025, 0.0, 0.025, 0.05].iter().map(|d| options.target_irr + d).filter(|r| *r > -0.99).collect();
    let haircuts = vec![0.0, 0.1, 0.2, 0.3];
    let cash_by_haircut: Vec<Vec<f64>> = haircuts
        .iter()
        .map(|h| package_cash(&i, a, &Stress { market_value: stress.market_value * (1.0 - h), ..stress }).2)
        .collect();
    let bids = rates.iter().map(|r| cash_by_haircut.iter().map(|cf| pv(cf, r + stress.rate_shift)).collect()).collect();
    let sensitivity = Sensitivity { rates, haircuts, bids };
    let stresses = Stress::OVERLAYS
        .iter()
        .map(|(code, s)| StressResult {
            code: code.to_string(),
            bid: pv(&package_cash(&i, a, s).2, options.target_irr + s.rate_shift),
        })
        .collect();

    let monte_carlo = (options.scenarios > 0).then(|| {
        let mut sim = simulate(&i.claims, &i.items, a, &stress, options.scenarios, options.seed);
        // Segments carry no Monte Carlo layer: their expected cash joins every scenario.
        for cf in &mut sim.scenarios {
            for (x, r) in cf.iter_mut().zip(&retail_v.quarterly) {
                *x += r;
            }
        }
        MonteCarloResult {
            scenarios: options.scenarios,
            seed: options.seed,
            distribution: sim.distribution(rate, price, a.monte_carlo.confidence),
            present_values: sim.present_values(rate),
            mean_quarterly: sim.mean_quarterly(),
        }
    });

    Appraisal {
        model_version: MODEL_VERSION.to_string(),
        input_hash,
        options: options.clone(),
        valuation_date: book.valuation_date,
        claim_amount,
        principal,
        metrics: metrics(&quarterly, price, claim_amount, principal),
        retail_outside_anchor: (!i.retail.is_empty())
            .then(|| retail_v.outside_anchor(&a.retail, pv(&retail_v.quarterly, rate))),
        quarterly,
        bid,
        claims: results,
        segments,
        sensitivity,
        stresses,
        monte_carlo,
    }
}
