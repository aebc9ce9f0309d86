//! The one implementation of a package's cash flows (valuation.md 3.1–3.6, section 7),
//! shared by the deterministic model and every Monte Carlo scenario.
//!
//! A package is first *prepared*: claims renumbered into lien groups (claims linked
//! through shared items), each group's items in the order they are shared out, guarantors
//! and fees flattened. A *scenario* is everything that varies from one run to the next —
//! the common value factor, each item's own factor, the ladder's sale probabilities, the
//! quarter each event lands in, the recovery-ratio factor. The deterministic model is the
//! scenario where nothing varies. [`run_block`] then walks a block of whole groups and hands
//! every cash flow to a [`Sink`]: the deterministic model keeps them claim by claim, a
//! Monte Carlo scenario only sums them by quarter.

use huajie_core::LitigationStage;
use rayon::prelude::*;

use crate::assumptions::{Assumptions, LadderRow};
use crate::fees::{acceptance_fee, enforcement_fee};
use crate::input::{ClaimIn, ItemIn};
use crate::stress::Stress;

/// The horizon: cash after quarter 40 (month 120) is dropped.
pub const QUARTERS: usize = 40;
pub(crate) const LAST_MONTH: u32 = 120;

/// The quarter of a month from the valuation date: `max(1, ceil(m / 3))`.
pub fn quarter(month: u32) -> usize {
    (month.div_ceil(3)).max(1) as usize
}

/// Blocks hold whole lien groups of at least this many claims. Fixed, so that results do
/// not depend on how many threads share the blocks out.
const BLOCK_CLAIMS: usize = 2048;

/// The events of a claim's timeline that carry cash, indexing a scenario's quarter table.
pub(crate) const SALE_ROUNDS: usize = 3;
pub(crate) const OUTCOMES: usize = 4;
const GUARANTORS: usize = 4;
const DEBTOR: usize = 5;
const ACCEPTANCE_FEE: usize = 6;
const ENFORCEMENT_FEE: usize = 7;
pub(crate) const EVENTS: usize = 8;
// The events in timeline order: the ladder's outcomes, then guarantors, debtor and the two fees.
const _: () = assert!(OUTCOMES == SALE_ROUNDS + 1);
const _: () = assert!(GUARANTORS == OUTCOMES);
const _: () = assert!(DEBTOR == GUARANTORS + 1);
const _: () = assert!(ACCEPTANCE_FEE == DEBTOR + 1);
const _: () = assert!(ENFORCEMENT_FEE == ACCEPTANCE_FEE + 1);
const _: () = assert!(EVENTS == ENFORCEMENT_FEE + 1);
/// Litigation stages (`LitigationStage::ALL`): the rows of a scenario's quarter table.
pub(crate) const STAGES: usize = LitigationStage::ALL.len();
/// Rows of the auction ladder (`LadderRow::ALL`): the rows of a scenario's outcome probabilities.
pub(crate) const LADDER_ROWS: usize = LadderRow::ALL.len();
// Stages and rows are stored as `u8` indices (`stage_index`, `row_index`).
const _: () = assert!(STAGES <= u8::MAX as usize);
const _: () = assert!(LADDER_ROWS <= u8::MAX as usize);

/// The route a recovery comes by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Route {
    Collateral,
    Guarantors,
    /// The debtor's unsecured assets, or the bankruptcy estate.
    Debtor,
}

/// Receives a block's cash flows. `claim` is the claim's position in the block; `stage`
/// and `event` index the scenario's quarter table (`Scenario::quarters`), where quarter 0
/// means beyond the horizon (the cash is dropped). A sink may sum by (stage, event) and
/// place the sums in quarters afterwards.
pub(crate) trait Sink {
    /// A recovery, after the time-barred factor and before legal costs.
    fn recovery(&mut self, claim: usize, route: Route, stage: u8, event: usize, cash: f64);
    /// A court fee, as a positive amount.
    fn fee(&mut self, claim: usize, stage: u8, event: usize, fee: f64);
    /// Whether `run_block` hands over fees claim by claim; otherwise the sink adds a block's
    /// fees from `Prepared::block_fees` (they do not change between scenarios).
    const FEES_BY_CLAIM: bool = true;
    /// An item's recoveries for one claim, outcome by outcome (sale at round 1, 2, 3; unsold).
    fn outcomes(&mut self, claim: usize, stage: u8, cash: &[f64; OUTCOMES]) {
        for (o, x) in cash.iter().enumerate() {
            self.recovery(claim, Route::Collateral, stage, o, *x);
        }
    }
}

/// A claim's timeline in months (3.1, section 7).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Timeline {
    pub judgment: u32,
    pub enforcement: Option<u32>,
    pub first_auction: u32,
    pub acceptance_fee: bool,
    pub enforcement_fee: bool,
}

pub(crate) fn timeline(stage: LitigationStage, a: &Assumptions) -> Timeline {
    let t = &a.timeline;
    let after_judgment = |judgment: u32, fee: bool| {
        let enforcement = judgment + t.enforcement_after_judgment;
        Timeline {
            judgment,
            enforcement: Some(enforcement),
            first_auction: enforcement + t.first_auction_after_enforcement,
            acceptance_fee: false,
            enforcement_fee: fee,
        }
    };
    match stage {
        LitigationStage::NotSued => Timeline { acceptance_fee: true, ..after_judgment(t.judgment_not_sued, true) },
        LitigationStage::Filed => after_judgment(t.judgment_filed, true),
        LitigationStage::Judged => after_judgment(0, true),
        LitigationStage::Enforcing => Timeline {
            judgment: 0,
            enforcement: Some(0),
            first_auction: t.first_auction_after_enforcement,
            acceptance_fee: false,
            enforcement_fee: false,
        },
        // Restarting enforcement (恢复执行) pays no new fee.
        LitigationStage::Terminated => Timeline {
            judgment: 0,
            enforcement: Some(t.terminated_restart),
            first_auction: t.terminated_restart + t.first_auction_after_enforcement,
            acceptance_fee: false,
            enforcement_fee: false,
        },
        LitigationStage::Bankruptcy => Timeline {
            judgment: 0,
            enforcement: None,
            first_auction: t.bankruptcy_first_auction,
            acceptance_fee: false,
            enforcement_fee: false,
        },
    }
}

/// The month of each event of a stage's timeline; `None` for an event the stage does not have.
pub(crate) fn event_months(stage: LitigationStage, a: &Assumptions) -> [Option<u32>; EVENTS] {
    let t = timeline(stage, a);
    let tl = &a.timeline;
    let rounds = [
        t.first_auction,
        t.first_auction + tl.second_round_after,
        t.first_auction + tl.second_round_after + tl.negotiated_sale_after,
    ];
    let debtor = if stage == LitigationStage::Bankruptcy {
        tl.bankruptcy_estate_month
    } else {
        t.judgment + tl.unsecured_after_judgment
    };
    [
        Some(rounds[0] + tl.distribution_lag),
        Some(rounds[1] + tl.distribution_lag),
        Some(rounds[2] + tl.distribution_lag),
        // Taken in settlement: realised after round 3, no further distribution lag.
        Some(rounds[2] + tl.settlement_realised_after),
        Some(t.judgment + tl.guarantor_after_judgment),
        Some(debtor),
        t.acceptance_fee.then_some(1),
        t.enforcement.filter(|_| t.enforcement_fee),
    ]
}

/// Stages in `LitigationStage::ALL` order, as an index into a scenario's quarter table.
fn stage_index(stage: LitigationStage) -> u8 {
    LitigationStage::ALL.iter().position(|s| *s == stage).expect("every stage is listed") as u8
}

fn row_index(row: LadderRow) -> u8 {
    LadderRow::ALL.iter().position(|r| *r == row).expect("every row is listed") as u8
}

/// One scenario: what varies between runs. The deterministic model is [`Scenario::expected`].
#[derive(Debug, Clone)]
pub(crate) struct Scenario {
    /// Applied to every item's appraisal (market-value factor, stress, systematic draw).
    pub value_factor: f64,
    /// Probability of each ladder outcome (sale at round 1, 2, 3; unsold), by ladder row.
    pub outcome_probability: [[f64; OUTCOMES]; LADDER_ROWS],
    /// The quarter of each event by stage; 0 = beyond the horizon or no such event.
    pub quarters: [[u8; EVENTS]; STAGES],
    /// Applied to the guarantor and debtor recovery ratios (capped at 1).
    pub beta_factor: f64,
}

impl Scenario {
    /// A scenario from sale probabilities by row (rounds 1–3) and a duration factor.
    pub fn new(
        a: &Assumptions,
        value_factor: f64,
        probabilities: impl Fn(LadderRow) -> [f64; SALE_ROUNDS],
        durations: f64,
        beta_factor: f64,
    ) -> Scenario {
        let mut outcome_probability = [[0.0; OUTCOMES]; LADDER_ROWS];
        for (r, row) in LadderRow::ALL.iter().enumerate() {
            let p = probabilities(*row);
            let mut unsold = 1.0;
            for round in 0..SALE_ROUNDS {
                outcome_probability[r][round] = p[round] * unsold;
                unsold *= 1.0 - p[round];
            }
            outcome_probability[r][SALE_ROUNDS] = unsold;
            let total: f64 = outcome_probability[r].iter().sum();
            debug_assert!((total - 1.0).abs() < 1e-9, "outcome probabilities of {row:?} sum to {total}");
        }
        let mut quarters = [[0u8; EVENTS]; STAGES];
        for (s, stage) in LitigationStage::ALL.iter().enumerate() {
            for (e, month) in event_months(*stage, a).iter().enumerate() {
                quarters[s][e] = month.map_or(0, |m| scaled_quarter(m, durations));
            }
        }
        Scenario { value_factor, outcome_probability, quarters, beta_factor }
    }

    /// The deterministic model: the assumption set under a stress overlay.
    pub fn expected(a: &Assumptions, stress: &Stress) -> Scenario {
        Scenario::new(
            a,
            a.ladder.market_value * stress.market_value,
            |row| stressed_probabilities(a, stress, row),
            stress.durations,
            1.0,
        )
    }
}

/// A row's sale probabilities under a stress overlay (capped at 1).
pub(crate) fn stressed_probabilities(a: &Assumptions, stress: &Stress, row: LadderRow) -> [f64; SALE_ROUNDS] {
    a.ladder.probabilities(row).map(|p| (p * stress.sale_probability).min(1.0))
}

/// The quarter of event month `m` when durations are scaled by `factor`: the scaled month
/// rounded half up to a whole month (section 7), 0 when beyond the horizon.
fn scaled_quarter(m: u32, factor: f64) -> u8 {
    let scaled = if factor == 1.0 { m } else { (f64::from(m) * factor + 0.5).floor() as u32 };
    if scaled > LAST_MONTH { 0 } else { quarter(scaled) as u8 }
}

#[derive(Debug, Clone, Copy)]
struct PreparedClaim {
    amount: f64,
    /// The time-barred factor on its recoveries.
    factor: f64,
    stage: u8,
    bankrupt: bool,
    /// β of the debtor's unsecured assets, or the estate ratio in bankruptcy.
    debtor_beta: f64,
    acceptance_fee: f64,
    enforcement_fee: f64,
    guarantors: (u32, u32),
}

#[derive(Debug, Clone, Copy)]
struct PreparedItem {
    /// Its position in the input: the key of its own random draws.
    id: u32,
    row: u8,
    appraised: f64,
    prior: f64,
    liens: (u32, u32),
}

#[derive(Debug, Clone, Copy)]
struct PreparedLien {
    /// The claim's position in its block.
    claim: u32,
    rank: u8,
}

#[derive(Debug, Clone, Copy)]
struct PreparedGuarantor {
    beta: f64,
    /// `f64::INFINITY` when unlimited.
    cap: f64,
}

/// A run of whole lien groups: claims `claims` (in prepared order) and their items `items`.
#[derive(Debug, Clone)]
pub(crate) struct Block {
    pub claims: std::ops::Range<usize>,
    items: std::ops::Range<usize>,
    /// Each group's claim and item ranges, relative to the block.
    groups: Vec<(std::ops::Range<u32>, std::ops::Range<u32>)>,
}

/// A package ready to be run through scenarios.
#[derive(Debug, Clone)]
pub(crate) struct Prepared {
    /// For each prepared position, the claim's index in the input.
    pub order: Vec<u32>,
    claims: Vec<PreparedClaim>,
    items: Vec<PreparedItem>,
    liens: Vec<PreparedLien>,
    guarantors: Vec<PreparedGuarantor>,
    pub blocks: Vec<Block>,
    /// Costs and parameters every scenario shares.
    legal_costs: f64,
    validity: f64,
    /// Each outcome's price net of sale costs, as a share of the item's value.
    gross: [f64; OUTCOMES],
    guarantor_route: bool,
    unsecured_route: bool,
}

/// For each claim, the smallest claim index of the claims it is linked to through shared
/// items (a union–find over the liens).
fn lien_groups(claims: usize, items: &[ItemIn]) -> Vec<u32> {
    let mut parent: Vec<u32> = (0..claims as u32).collect();
    fn root(parent: &mut [u32], mut i: u32) -> u32 {
        while parent[i as usize] != i {
            parent[i as usize] = parent[parent[i as usize] as usize];
            i = parent[i as usize];
        }
        i
    }
    for item in items {
        if let Some(first) = item.liens.first() {
            for l in &item.liens[1..] {
                let (a, b) = (root(&mut parent, first.claim as u32), root(&mut parent, l.claim as u32));
                // The smaller index stays the root: a group is known by its first claim.
                parent[a.max(b) as usize] = a.min(b);
            }
        }
    }
    (0..claims as u32).map(|i| root(&mut parent, i)).collect()
}

/// Counting sort of `n` things into `buckets` by key: the start of each bucket and the
/// things in bucket order (stable).
fn buckets(buckets: usize, keys: impl Iterator<Item = (usize, u32)> + Clone) -> (Vec<u32>, Vec<u32>) {
    let mut starts = vec![0u32; buckets + 1];
    for (key, _) in keys.clone() {
        starts[key + 1] += 1;
    }
    for b in 0..buckets {
        starts[b + 1] += starts[b];
    }
    let mut next = starts.clone();
    let mut sorted = vec![0u32; starts[buckets] as usize];
    for (key, thing) in keys {
        sorted[next[key] as usize] = thing;
        next[key] += 1;
    }
    (starts, sorted)
}

impl Prepared {
    #[expect(clippy::needless_range_loop, reason = "the ladder's rounds are indexed by number, as in the model")]
    pub fn new(claims: &[ClaimIn], items: &[ItemIn], a: &Assumptions) -> Prepared {
        let n = claims.len();
        let group = lien_groups(n, items);
        // Claims by group, groups in the order of their first claims.
        let (claim_starts, order) = buckets(n, group.iter().enumerate().map(|(i, g)| (*g as usize, i as u32)));
        let mut position = vec![0u32; n];
        for (p, c) in order.iter().enumerate() {
            position[*c as usize] = p as u32;
        }
        // Items by group; within a group by appraised value, largest first, ties in input order.
        let secured = items.iter().enumerate().filter(|(_, i)| !i.liens.is_empty());
        let (item_starts, mut item_order) =
            buckets(n, secured.map(|(k, i)| (group[i.liens[0].claim] as usize, k as u32)));
        for g in 0..n {
            let bucket = &mut item_order[item_starts[g] as usize..item_starts[g + 1] as usize];
            if bucket.len() > 1 {
                bucket.sort_by(|&x, &y| items[y as usize].appraised.total_cmp(&items[x as usize].appraised));
            }
        }

        // Blocks of whole groups.
        let mut blocks = Vec::new();
        let mut block = Block { claims: 0..0, items: 0..0, groups: Vec::new() };
        for g in 0..n {
            let (c0, c1) = (claim_starts[g] as usize, claim_starts[g + 1] as usize);
            if c0 == c1 {
                continue;
            }
            let (i0, i1) = (item_starts[g] as usize, item_starts[g + 1] as usize);
            let (bc, bi) = (block.claims.start, block.items.start);
            block.groups.push(((c0 - bc) as u32..(c1 - bc) as u32, (i0 - bi) as u32..(i1 - bi) as u32));
            block.claims.end = c1;
            block.items.end = i1;
            if block.claims.len() >= BLOCK_CLAIMS {
                let next = Block { claims: c1..c1, items: i1..i1, groups: Vec::new() };
                blocks.push(std::mem::replace(&mut block, next));
            }
        }
        if !block.groups.is_empty() {
            blocks.push(block);
        }
        let mut block_of = vec![0usize; n];
        for b in &blocks {
            for p in b.claims.clone() {
                block_of[p] = b.claims.start;
            }
        }

        // Flattened guarantors and liens: offsets first, then everything in parallel (rayon
        // keeps the order).
        let offsets = |lens: &mut dyn Iterator<Item = usize>| {
            let mut at = 0u32;
            let mut out: Vec<(u32, u32)> = Vec::new();
            for len in lens {
                out.push((at, at + len as u32));
                at += len as u32;
            }
            out
        };
        let guarantor_ranges = offsets(&mut order.iter().map(|&c| claims[c as usize].guarantors.len()));
        let guarantors = order
            .par_iter()
            .flat_map_iter(|&c| {
                claims[c as usize].guarantors.iter().map(|g| PreparedGuarantor {
                    beta: g.party.beta(&a.guarantor_beta),
                    cap: g.cap.unwrap_or(f64::INFINITY),
                })
            })
            .collect();
        let prepared_claims = order
            .par_iter()
            .zip(guarantor_ranges)
            .map(|(&c, guarantors)| {
                let c = &claims[c as usize];
                let stage = c.stage.unwrap_or(LitigationStage::NotSued);
                let t = timeline(stage, a);
                let bankrupt = stage == LitigationStage::Bankruptcy;
                PreparedClaim {
                    amount: c.amount,
                    factor: if c.time_barred { a.time_barred_factor } else { 1.0 },
                    stage: stage_index(stage),
                    bankrupt,
                    debtor_beta: if bankrupt {
                        a.bankruptcy_estate_ratio
                    } else {
                        c.unsecured_beta.unwrap_or_else(|| c.debtor.beta(&a.unsecured_beta))
                    },
                    acceptance_fee: if t.acceptance_fee { acceptance_fee(c.amount) } else { 0.0 },
                    enforcement_fee: if t.enforcement_fee { enforcement_fee(c.amount) } else { 0.0 },
                    guarantors,
                }
            })
            .collect();

        let lien_ranges = offsets(&mut item_order.iter().map(|&k| items[k as usize].liens.len()));
        let local = |claim: usize| {
            let p = position[claim] as usize;
            (p - block_of[p]) as u32
        };
        let liens = item_order
            .par_iter()
            .flat_map_iter(|&k| {
                items[k as usize].liens.iter().map(|l| PreparedLien { claim: local(l.claim), rank: l.rank })
            })
            .collect();
        let prepared_items = item_order
            .par_iter()
            .zip(lien_ranges)
            .map(|(&k, liens)| {
                let item = &items[k as usize];
                PreparedItem {
                    id: k,
                    row: row_index(LadderRow::of(item.kind)),
                    appraised: item.appraised,
                    prior: item.prior,
                    liens,
                }
            })
            .collect();

        let l = &a.ladder;
        let mut gross = [0.0; OUTCOMES];
        for r in 0..SALE_ROUNDS {
            gross[r] = l.start[r] * (1.0 + l.premium[r]);
        }
        gross[SALE_ROUNDS] = l.start[SALE_ROUNDS - 1] * l.settlement_ratio;
        let gross = gross.map(|g| g * (1.0 - l.sale_costs));
        Prepared {
            order,
            claims: prepared_claims,
            items: prepared_items,
            liens,
            guarantors,
            blocks,
            legal_costs: a.legal_costs,
            validity: a.guarantee_validity,
            gross,
            guarantor_route: a.guarantor_route,
            unsecured_route: a.unsecured_route,
        }
    }

    /// A block's court fees by (stage, event), summed in claim order.
    pub fn block_fees(&self, block: &Block) -> [[f64; EVENTS]; STAGES] {
        let mut fees = [[0.0; EVENTS]; STAGES];
        for c in &self.claims[block.claims.clone()] {
            if c.acceptance_fee != 0.0 {
                fees[usize::from(c.stage)][ACCEPTANCE_FEE] += c.acceptance_fee;
            }
            if c.enforcement_fee != 0.0 {
                fees[usize::from(c.stage)][ENFORCEMENT_FEE] += c.enforcement_fee;
            }
        }
        fees
    }

    pub fn legal_costs(&self) -> f64 {
        self.legal_costs
    }
}

/// Reusable buffers of one block run.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    /// Expected collateral recovery so far, by claim in the block.
    pub expected: Vec<f64>,
    liens: Vec<(u8, f64, f64)>,
    shares: Vec<f64>,
    gathered: Vec<f64>,
}

/// Runs one block through one scenario. `item_factor(id)` is an item's own value factor
/// (1 in the deterministic model). Afterwards `scratch.expected` holds each claim's expected
/// collateral recovery, before the time-barred factor.
#[expect(clippy::needless_range_loop, reason = "outcomes and claims are indexed by number in several arrays at once")]
pub(crate) fn run_block<S: Sink>(
    p: &Prepared,
    block: &Block,
    sc: &Scenario,
    item_factor: impl Fn(u32) -> f64,
    scratch: &mut Scratch,
    sink: &mut S,
) {
    let claims = &p.claims[block.claims.clone()];
    let items = &p.items[block.items.clone()];
    scratch.expected.clear();
    scratch.expected.resize(claims.len(), 0.0);
    for (claim_range, item_range) in &block.groups {
        for item in &items[item_range.start as usize..item_range.end as usize] {
            let value = item.appraised * sc.value_factor * item_factor(item.id);
            let probability = &sc.outcome_probability[usize::from(item.row)];
            let liens = &p.liens[item.liens.0 as usize..item.liens.1 as usize];
            // Plain comparisons: no NaN can reach here, and `f64::max` pays for handling one.
            let net = |o: usize| {
                let x = value * p.gross[o] - item.prior;
                if x > 0.0 { x } else { 0.0 }
            };
            if let [lien] = liens {
                // One claim on the item: the common case.
                let i = lien.claim as usize;
                let c = &claims[i];
                let cap = (c.amount - scratch.expected[i]).max(0.0);
                // The four outcomes side by side (the compiler can use one vector register).
                let mut cash = [0.0; OUTCOMES];
                for o in 0..OUTCOMES {
                    let x = net(o);
                    cash[o] = probability[o] * if x < cap { x } else { cap };
                }
                let mut expected = 0.0;
                for x in cash {
                    expected += x;
                }
                debug_assert!(expected <= cap * (1.0 + 1e-9) + 1e-9, "{expected} expected above the cap {cap}");
                sink.outcomes(i, c.stage, &cash.map(|x| x * c.factor));
                scratch.expected[i] += expected;
                continue;
            }
            if let [l1, l2] = liens {
                // Two claims: the usual shared item, without the scratch buffers.
                let (i1, i2) = (l1.claim as usize, l2.claim as usize);
                let (c1, c2) = (&claims[i1], &claims[i2]);
                let pair = [
                    (l1.rank, c1.amount, (c1.amount - scratch.expected[i1]).max(0.0)),
                    (l2.rank, c2.amount, (c2.amount - scratch.expected[i2]).max(0.0)),
                ];
                let (mut e1, mut e2, mut out) = (0.0, 0.0, [0.0; 2]);
                for o in 0..OUTCOMES {
                    share(net(o), &pair, &mut out);
                    let (a, b) = (probability[o] * out[0], probability[o] * out[1]);
                    e1 += a;
                    e2 += b;
                    sink.recovery(i1, Route::Collateral, c1.stage, o, a * c1.factor);
                    sink.recovery(i2, Route::Collateral, c2.stage, o, b * c2.factor);
                }
                debug_assert!(e1 <= pair[0].2 * (1.0 + 1e-9) + 1e-9, "{e1} expected above the cap {}", pair[0].2);
                debug_assert!(e2 <= pair[1].2 * (1.0 + 1e-9) + 1e-9, "{e2} expected above the cap {}", pair[1].2);
                scratch.expected[i1] += e1;
                scratch.expected[i2] += e2;
                continue;
            }
            scratch.liens.clear();
            scratch.liens.extend(liens.iter().map(|l| {
                let c = &claims[l.claim as usize];
                (l.rank, c.amount, (c.amount - scratch.expected[l.claim as usize]).max(0.0))
            }));
            scratch.shares.resize(liens.len(), 0.0);
            scratch.gathered.clear();
            scratch.gathered.resize(liens.len(), 0.0);
            for o in 0..OUTCOMES {
                if probability[o] == 0.0 {
                    continue;
                }
                share(net(o), &scratch.liens, &mut scratch.shares);
                for (j, s) in scratch.shares.iter().enumerate() {
                    let i = liens[j].claim as usize;
                    let c = &claims[i];
                    let cash = probability[o] * s;
                    scratch.gathered[j] += cash;
                    sink.recovery(i, Route::Collateral, c.stage, o, cash * c.factor);
                }
            }
            for (j, e) in scratch.gathered.iter().enumerate() {
                scratch.expected[liens[j].claim as usize] += e;
            }
        }
        for i in claim_range.start as usize..claim_range.end as usize {
            let c = &claims[i];
            debug_assert!(
                scratch.expected[i] <= c.amount.max(0.0) * (1.0 + 1e-9) + 1e-6,
                "collateral expected to pay {} on a claim of {}",
                scratch.expected[i],
                c.amount
            );
            // Guarantors, in the order listed, on the shortfall (unscaled amounts).
            let mut owed = (c.amount - scratch.expected[i]).max(0.0);
            if p.guarantor_route {
                let mut from_guarantors = 0.0;
                for g in &p.guarantors[c.guarantors.0 as usize..c.guarantors.1 as usize] {
                    let r = p.validity * (g.beta * sc.beta_factor).min(1.0) * g.cap.min(owed);
                    from_guarantors += r;
                    owed -= r;
                }
                sink.recovery(i, Route::Guarantors, c.stage, GUARANTORS, from_guarantors * c.factor);
            }
            // Then the debtor: the bankruptcy estate, or its unsecured assets.
            if c.bankrupt || p.unsecured_route {
                sink.recovery(
                    i,
                    Route::Debtor,
                    c.stage,
                    DEBTOR,
                    (c.debtor_beta * sc.beta_factor).min(1.0) * owed * c.factor,
                );
            }
            // Court fees, unscaled (a sink that sums them by block takes them from `block_fees`).
            if !S::FEES_BY_CLAIM {
                continue;
            }
            if c.acceptance_fee != 0.0 {
                sink.fee(i, c.stage, ACCEPTANCE_FEE, c.acceptance_fee);
            }
            if c.enforcement_fee != 0.0 {
                sink.fee(i, c.stage, ENFORCEMENT_FEE, c.enforcement_fee);
            }
        }
    }
}

/// Shares `amount` among claims in lien order: lower rank first; within a rank pro rata
/// by claim amount, no claim above its cap, what a capped claim cannot take going to the
/// others (water-filling); what is left after the last rank is lost to us.
/// `liens`: (rank, weight, cap); each lien's share is written to `out`, in `liens` order.
pub(crate) fn share(amount: f64, liens: &[(u8, f64, f64)], out: &mut [f64]) {
    debug_assert!(out.len() >= liens.len(), "a share for each lien");
    out.fill(0.0);
    match liens {
        [(_, _, cap)] => out[0] = amount.min(*cap).max(0.0),
        // Two claims, the usual way an item is shared: the same as the general case below.
        [(r1, w1, c1), (r2, w2, c2)] => {
            let (c1, c2) = (c1.max(0.0), c2.max(0.0));
            let amount = amount.max(0.0);
            let (s1, s2) = if r1 < r2 {
                let s1 = amount.min(c1);
                (s1, (amount - s1).min(c2))
            } else if r2 < r1 {
                let s2 = amount.min(c2);
                ((amount - s2).min(c1), s2)
            } else {
                let weight = w1 + w2;
                let (p1, p2) = if weight > 0.0 { (amount * w1 / weight, amount * w2 / weight) } else { (0.0, 0.0) };
                if p1 >= c1 {
                    (c1, (amount - c1).min(c2))
                } else if p2 >= c2 {
                    ((amount - c2).min(c1), c2)
                } else {
                    (p1, p2)
                }
            };
            out[0] = s1;
            out[1] = s2;
        }
        _ => water_fill(amount, liens, out),
    }
    debug_assert!(shared_within(amount, liens, out), "{amount} shared as {out:?} among {liens:?}");
}

/// That no lien got more than its cap or less than nothing, and that together they got no
/// more than the amount (rounding aside).
fn shared_within(amount: f64, liens: &[(u8, f64, f64)], out: &[f64]) -> bool {
    let slack = |x: f64| x.abs() * 1e-9 + 1e-9;
    let total: f64 = out[..liens.len()].iter().sum();
    total <= amount.max(0.0) + slack(amount)
        && liens.iter().zip(out).all(|((_, _, cap), s)| *s >= -slack(*cap) && *s <= cap.max(0.0) + slack(*cap))
}

/// The general case of [`share`], any number of liens and ranks.
fn water_fill(amount: f64, liens: &[(u8, f64, f64)], out: &mut [f64]) {
    out.fill(0.0);
    let mut left = amount;
    let mut rank = 0u8;
    // Ranks in ascending order, without sorting: the next rank above the last one done.
    while let Some(next) = liens.iter().map(|l| l.0).filter(|r| *r >= rank).min() {
        // Open = still taking a share; on the stack for all but the rarest items.
        let mut stack = [false; 64];
        let mut heap: Vec<bool>;
        let open: &mut [bool] = if liens.len() <= stack.len() {
            &mut stack[..liens.len()]
        } else {
            heap = vec![false; liens.len()];
            &mut heap
        };
        for (o, l) in open.iter_mut().zip(liens) {
            *o = l.0 == next && l.2 > 0.0;
        }
        while left > 0.0 {
            let weight: f64 = liens.iter().zip(open.iter()).filter(|(_, o)| **o).map(|(l, _)| l.1).sum();
            if weight <= 0.0 {
                break;
            }
            // Those whose pro rata share would pass their cap take the cap and leave.
            let before = left;
            let mut any_capped = false;
            for (i, l) in liens.iter().enumerate() {
                if open[i] && before * l.1 / weight >= l.2 - out[i] {
                    any_capped = true;
                    left -= l.2 - out[i];
                    out[i] = l.2;
                    open[i] = false;
                }
            }
            if !any_capped {
                for (i, l) in liens.iter().enumerate() {
                    if open[i] {
                        out[i] += before * l.1 / weight;
                    }
                }
                left = 0.0;
            }
        }
        if next == u8::MAX {
            break;
        }
        rank = next + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Two liens, the common shared item, take the short way: it must agree with the general one.
        #[test]
        fn two_liens_share_as_the_general_case_does(
            amount in 0.0..1e8f64,
            r1 in 1u8..3, r2 in 1u8..3,
            w1 in 1.0..1e7f64, w2 in 1.0..1e7f64,
            c1 in prop_oneof![Just(0.0), 0.0..1e8f64], c2 in prop_oneof![Just(0.0), 0.0..1e8f64],
        ) {
            let liens = [(r1, w1, c1), (r2, w2, c2)];
            let (mut fast, mut general) = ([0.0; 2], [0.0; 2]);
            share(amount, &liens, &mut fast);
            water_fill(amount, &liens, &mut general);
            for j in 0..2 {
                prop_assert!((fast[j] - general[j]).abs() <= 1e-9 * amount.max(1.0), "{fast:?} {general:?}");
            }
        }

        /// Any number of liens: no lien above its cap, no more than the amount in all
        /// (`share` asserts the same in debug builds).
        #[test]
        fn a_share_never_passes_the_amount_or_a_cap(
            amount in prop_oneof![Just(0.0), -1e6..1e8f64],
            liens in prop::collection::vec((1u8..4, 0.0..1e7f64, prop_oneof![Just(0.0), 0.0..1e8f64]), 1..6),
        ) {
            let mut out = vec![0.0; liens.len()];
            share(amount, &liens, &mut out);
            prop_assert!(shared_within(amount, &liens, &out), "{amount} {liens:?} {out:?}");
        }
    }

    #[test]
    fn the_share_check_catches_an_over_share() {
        let liens = [(1, 1.0, 50.0), (2, 1.0, 80.0)];
        assert!(shared_within(100.0, &liens, &[50.0, 50.0]));
        assert!(!shared_within(100.0, &liens, &[50.0, 60.0]), "more than the amount");
        assert!(!shared_within(200.0, &liens, &[60.0, 40.0]), "above a cap");
        assert!(!shared_within(100.0, &liens, &[-1.0, 0.0]), "less than nothing");
    }

    #[test]
    fn every_outcome_row_of_a_scenario_sums_to_one() {
        let a = Assumptions::default();
        let sc = Scenario::new(&a, 1.0, |_| [0.3, 0.5, 0.9], 1.0, 1.0);
        for row in &sc.outcome_probability {
            assert!((row.iter().sum::<f64>() - 1.0).abs() < 1e-12, "{row:?}");
        }
    }
}
