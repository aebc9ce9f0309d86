//! The deterministic expected-cash-flow model (valuation.md 3.1–3.6 with the readings of
//! section 7): for each claim, its timeline; each collateral item through the auction
//! ladder, its net proceeds shared among the claims it secures in lien order; then the
//! guarantors, then the debtor's unsecured assets (or the bankruptcy estate); court fees
//! and legal costs; everything as expected cash by quarter, up to quarter 40.

use huajie_core::LitigationStage;

use crate::assumptions::{Assumptions, LadderRow};
use crate::fees::{acceptance_fee, enforcement_fee};
use crate::input::{ClaimIn, ItemIn};

/// The horizon: cash after quarter 40 (month 120) is dropped.
pub const QUARTERS: usize = 40;
const LAST_MONTH: u32 = 120;

/// The quarter of a month from the valuation date: `max(1, ceil(m / 3))`.
pub fn quarter(month: u32) -> usize {
    (month.div_ceil(3)).max(1) as usize
}

/// One claim's value, route by route, and its expected cash by quarter.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimValue {
    /// Expected net cash of quarters 1..=40 (index 0 = quarter 1), yuan.
    pub quarterly: Vec<f64>,
    /// Expected recoveries within the horizon, by route (after the time-barred factor).
    pub collateral: f64,
    pub guarantors: f64,
    /// The debtor's unsecured assets, or the bankruptcy estate.
    pub unsecured: f64,
    /// Court fees and legal costs, as negative amounts.
    pub court_fees: f64,
    pub legal_costs: f64,
    /// Expected collateral recovery before the time-barred factor (the shortfall chain).
    pub expected_collateral_recovery: f64,
    /// The timeline: judgment effective, enforcement start, first auction (months).
    pub judgment_month: u32,
    pub enforcement_month: Option<u32>,
    pub first_auction_month: u32,
}

impl ClaimValue {
    pub fn net(&self) -> f64 {
        self.quarterly.iter().sum()
    }
}

/// A package valued.
#[derive(Debug, Clone, PartialEq)]
pub struct Valuation {
    pub claims: Vec<ClaimValue>,
    /// The package's expected net cash by quarter (index 0 = quarter 1).
    pub quarterly: Vec<f64>,
}

/// A claim's timeline (3.1, section 7).
#[derive(Debug, Clone, Copy)]
struct Timeline {
    judgment: u32,
    enforcement: Option<u32>,
    first_auction: u32,
    acceptance_fee: bool,
    enforcement_fee: bool,
}

fn timeline(stage: LitigationStage, a: &Assumptions) -> Timeline {
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

/// The outcomes of an item through the ladder: sale at round 1, 2, 3, or unsold.
#[derive(Debug, Clone, Copy)]
struct Outcome {
    probability: f64,
    /// Net proceeds after sale costs and prior claims.
    net: f64,
}

const OUTCOMES: usize = 4;

fn outcomes(item: &ItemIn, a: &Assumptions) -> [Outcome; OUTCOMES] {
    let l = &a.ladder;
    let value = item.appraised * l.market_value;
    let p = l.probabilities(LadderRow::of(item.kind));
    let net = |gross: f64| (gross * (1.0 - l.sale_costs) - item.prior).max(0.0);
    let mut out = [Outcome { probability: 0.0, net: 0.0 }; OUTCOMES];
    let mut unsold = 1.0;
    for r in 0..3 {
        out[r] = Outcome { probability: p[r] * unsold, net: net(value * l.start[r] * (1.0 + l.premium[r])) };
        unsold *= 1.0 - p[r];
    }
    out[3] = Outcome { probability: unsold, net: net(value * l.start[2] * l.settlement_ratio) };
    out
}

/// The month a claim receives the cash of outcome `o`, on its own timeline.
fn outcome_month(t: &Timeline, o: usize, a: &Assumptions) -> u32 {
    let tl = &a.timeline;
    let round = [t.first_auction, t.first_auction + tl.second_round_after, t.first_auction + tl.second_round_after + tl.negotiated_sale_after];
    match o {
        0..=2 => round[o] + tl.distribution_lag,
        _ => round[2] + tl.settlement_realised_after,
    }
}

/// Shares `amount` among claims in lien order: lower rank first; within a rank pro rata
/// by claim amount, no claim above its cap, what a capped claim cannot take going to the
/// others (water-filling); what is left after the last rank is lost to us.
/// `liens`: (claim, rank, weight, cap). Returns each lien's share, in `liens` order.
fn share(amount: f64, liens: &[(usize, u8, f64, f64)]) -> Vec<f64> {
    let mut out = vec![0.0; liens.len()];
    let mut left = amount;
    let mut ranks: Vec<u8> = liens.iter().map(|l| l.1).collect();
    ranks.sort_unstable();
    ranks.dedup();
    for rank in ranks {
        let mut open: Vec<usize> = (0..liens.len()).filter(|&i| liens[i].1 == rank && liens[i].3 > 0.0).collect();
        while left > 0.0 && !open.is_empty() {
            let weight: f64 = open.iter().map(|&i| liens[i].2).sum();
            if weight <= 0.0 {
                break;
            }
            // Those whose pro rata share would pass their cap take the cap and leave.
            let capped: Vec<usize> = open.iter().copied().filter(|&i| left * liens[i].2 / weight >= liens[i].3 - out[i]).collect();
            if capped.is_empty() {
                for &i in &open {
                    out[i] += left * liens[i].2 / weight;
                }
                left = 0.0;
            } else {
                for &i in &capped {
                    left -= liens[i].3 - out[i];
                    out[i] = liens[i].3;
                }
                open.retain(|i| !capped.contains(i));
            }
        }
    }
    out
}

fn add(cf: &mut [f64], month: u32, amount: f64) {
    if month <= LAST_MONTH {
        cf[quarter(month) - 1] += amount;
    }
}

/// Values claims secured by `items` under the assumptions `a`.
pub fn value(claims: &[ClaimIn], items: &[ItemIn], a: &Assumptions) -> Valuation {
    let timelines: Vec<Timeline> = claims.iter().map(|c| timeline(c.stage.unwrap_or(LitigationStage::NotSued), a)).collect();
    let factor = |c: &ClaimIn| if c.time_barred { a.time_barred_factor } else { 1.0 };
    let mut values: Vec<ClaimValue> = timelines
        .iter()
        .map(|t| ClaimValue {
            quarterly: vec![0.0; QUARTERS],
            collateral: 0.0,
            guarantors: 0.0,
            unsecured: 0.0,
            court_fees: 0.0,
            legal_costs: 0.0,
            expected_collateral_recovery: 0.0,
            judgment_month: t.judgment,
            enforcement_month: t.enforcement,
            first_auction_month: t.first_auction,
        })
        .collect();

    // A recovery: scaled when time-barred, less the legal costs in the same month.
    let recover = |v: &mut ClaimValue, c: &ClaimIn, month: u32, amount: f64| -> f64 {
        let cash = amount * factor(c);
        let legal = cash * a.legal_costs;
        if month <= LAST_MONTH {
            add(&mut v.quarterly, month, cash - legal);
            v.legal_costs -= legal;
            cash
        } else {
            0.0
        }
    };

    // Collateral: items by appraised value, largest first (ties in input order), so that
    // each claim's cap on an item is its amount less what its earlier items recover.
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by(|&x, &y| items[y].appraised.total_cmp(&items[x].appraised).then(x.cmp(&y)));
    for k in order {
        let item = &items[k];
        let liens: Vec<(usize, u8, f64, f64)> = item
            .liens
            .iter()
            .map(|l| {
                let c = &claims[l.claim];
                (l.claim, l.rank, c.amount, (c.amount - values[l.claim].expected_collateral_recovery).max(0.0))
            })
            .collect();
        let mut expected = vec![0.0; liens.len()];
        for (o, outcome) in outcomes(item, a).iter().enumerate() {
            if outcome.probability == 0.0 {
                continue;
            }
            for (j, s) in share(outcome.net, &liens).into_iter().enumerate() {
                let i = liens[j].0;
                let cash = outcome.probability * s;
                expected[j] += cash;
                let month = outcome_month(&timelines[i], o, a);
                let got = recover(&mut values[i], &claims[i], month, cash);
                values[i].collateral += got;
            }
        }
        for (j, e) in expected.into_iter().enumerate() {
            values[liens[j].0].expected_collateral_recovery += e;
        }
    }

    for (i, c) in claims.iter().enumerate() {
        let t = timelines[i];
        let v = &mut values[i];
        // Guarantors, in the order listed, on the shortfall (unscaled amounts).
        let mut owed = (c.amount - v.expected_collateral_recovery).max(0.0);
        if a.guarantor_route {
            let mut from_guarantors = 0.0;
            for g in &c.guarantors {
                let covered = g.cap.map_or(owed, |cap| cap.min(owed));
                let r = a.guarantee_validity * g.party.beta(&a.guarantor_beta) * covered;
                from_guarantors += r;
                owed -= r;
            }
            let got = recover(v, c, t.judgment + a.timeline.guarantor_after_judgment, from_guarantors);
            v.guarantors += got;
        }
        // Then the debtor: the bankruptcy estate, or its unsecured assets.
        if c.stage == Some(LitigationStage::Bankruptcy) {
            let got = recover(v, c, a.timeline.bankruptcy_estate_month, a.bankruptcy_estate_ratio * owed);
            v.unsecured += got;
        } else if a.unsecured_route {
            let beta = c.unsecured_beta.unwrap_or_else(|| c.debtor.beta(&a.unsecured_beta));
            let got = recover(v, c, t.judgment + a.timeline.unsecured_after_judgment, beta * owed);
            v.unsecured += got;
        }
        // Court fees, unscaled.
        if t.acceptance_fee {
            let fee = acceptance_fee(c.amount);
            add(&mut v.quarterly, 1, -fee);
            v.court_fees -= fee;
        }
        if let (true, Some(month)) = (t.enforcement_fee, t.enforcement) {
            let fee = enforcement_fee(c.amount);
            if month <= LAST_MONTH {
                add(&mut v.quarterly, month, -fee);
                v.court_fees -= fee;
            }
        }
    }

    let mut quarterly = vec![0.0; QUARTERS];
    for v in &values {
        for (q, x) in v.quarterly.iter().enumerate() {
            quarterly[q] += x;
        }
    }
    Valuation { claims: values, quarterly }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters_of_months() {
        assert_eq!([0, 1, 3, 4, 13, 18, 120].map(quarter), [1, 1, 1, 2, 5, 6, 40]);
    }

    #[test]
    fn water_filling_respects_rank_and_caps() {
        // Rank 1: two claims, weights 1 and 3, caps 10 and 100; rank 2: one claim.
        let liens = [(0, 1, 1.0, 10.0), (1, 1, 3.0, 100.0), (2, 2, 5.0, 1_000.0)];
        let s = share(200.0, &liens);
        assert!((s[0] - 10.0).abs() < 1e-9, "{s:?}");
        assert!((s[1] - 100.0).abs() < 1e-9, "{s:?}");
        assert!((s[2] - 90.0).abs() < 1e-9, "{s:?}");
        // Pro rata when nobody is capped.
        let s = share(40.0, &liens);
        assert!((s[0] - 10.0).abs() < 1e-9 && (s[1] - 30.0).abs() < 1e-9 && s[2] == 0.0, "{s:?}");
    }
}
