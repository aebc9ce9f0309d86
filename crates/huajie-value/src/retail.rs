//! Retail batches (个贷批量, valuation.md section 5 and section 7): personal unsecured
//! claims valued by segment, not by claim. A segment is (product, days-past-due bucket at
//! transfer, balance bucket, litigated); each has a cumulative recovery curve `CRR(m)`,
//! m = 1..=120, as a share of the claim. Curves are the assumption set's parametric
//! default or, where the company's own collection history is deep enough, curves
//! estimated from it by static pools and development factors (`estimate`).

use serde::{Deserialize, Serialize};

use crate::engine::QUARTERS;
use crate::stress::Stress;

/// Months of a recovery curve.
pub const MONTHS: usize = 120;

/// Days-past-due thresholds (section 7): buckets below 180, 180–359, 360–719, 720–1079, 1080+.
pub const DPD_THRESHOLDS: [u32; 4] = [180, 360, 720, 1080];
/// Balance thresholds in yuan: below 10k, 10k–50k, 50k–200k, 200k+.
pub const BALANCE_THRESHOLDS: [f64; 3] = [10_000.0, 50_000.0, 200_000.0];
pub const DPD_BUCKETS: usize = DPD_THRESHOLDS.len() + 1;
pub const BALANCE_BUCKETS: usize = BALANCE_THRESHOLDS.len() + 1;

/// A segment: product (an index into the batch's product names) and the buckets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Segment {
    pub product: u16,
    pub dpd_bucket: u8,
    pub balance_bucket: u8,
    pub litigated: bool,
}

impl Segment {
    pub fn of(product: u16, days_past_due: u32, amount: f64, litigated: bool) -> Segment {
        Segment {
            product,
            dpd_bucket: DPD_THRESHOLDS.iter().filter(|t| days_past_due >= **t).count() as u8,
            balance_bucket: BALANCE_THRESHOLDS.iter().filter(|t| amount >= **t).count() as u8,
            litigated,
        }
    }

    /// A dense index among the segments of `products` products.
    fn index(self) -> usize {
        ((usize::from(self.product) * DPD_BUCKETS + usize::from(self.dpd_bucket)) * BALANCE_BUCKETS
            + usize::from(self.balance_bucket))
            * 2
            + usize::from(self.litigated)
    }

    fn from_index(i: usize) -> Segment {
        let litigated = i % 2 == 1;
        let i = i / 2;
        let balance_bucket = (i % BALANCE_BUCKETS) as u8;
        let i = i / BALANCE_BUCKETS;
        Segment { product: (i / DPD_BUCKETS) as u16, dpd_bucket: (i % DPD_BUCKETS) as u8, balance_bucket, litigated }
    }
}

/// A segment's label, "信用卡 · 360–720天 · 1万–5万 · 已诉" or its English form.
pub fn segment_label(product: &str, dpd_bucket: u8, balance_bucket: u8, litigated: bool, zh: bool) -> String {
    let dpd = bucket_label(&DPD_THRESHOLDS.map(f64::from), dpd_bucket, if zh { "天" } else { " days" }, 1.0);
    let balance = bucket_label(
        &BALANCE_THRESHOLDS,
        balance_bucket,
        if zh { "万" } else { "k" },
        if zh { 10_000.0 } else { 1_000.0 },
    );
    let litigated = match (zh, litigated) {
        (true, true) => "已诉",
        (true, false) => "未诉",
        (false, true) => "litigated",
        (false, false) => "not litigated",
    };
    format!("{product} · {dpd} · {balance} · {litigated}")
}

fn bucket_label(thresholds: &[f64], bucket: u8, unit: &str, scale: f64) -> String {
    let b = usize::from(bucket);
    let n = |x: f64| format!("{}", x / scale);
    match (b.checked_sub(1).map(|i| thresholds[i]), thresholds.get(b)) {
        (None, Some(hi)) => format!("< {}{unit}", n(*hi)),
        (Some(lo), Some(hi)) => format!("{}–{}{unit}", n(lo), n(*hi)),
        (Some(lo), None) => format!("≥ {}{unit}", n(lo)),
        (None, None) => String::new(),
    }
}

/// One personal claim of a batch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetailClaim {
    /// Index into the batch's product names.
    pub product: u16,
    pub days_past_due: u32,
    /// `C_i`, yuan.
    pub amount: f64,
    pub litigated: bool,
}

/// A segment's curve estimated from history, by product name so that it outlives batches.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentCurve {
    pub product: String,
    pub dpd_bucket: u8,
    pub balance_bucket: u8,
    pub litigated: bool,
    /// `CRR(1..=120)`.
    pub crr: Vec<f64>,
    /// The history behind it: claims and acquisition-month vintages.
    pub claims: u64,
    pub vintages: u32,
}

/// The retail part of an assumption set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Retail {
    /// Servicing cost, the segment claims' only cost (section 7).
    pub servicing: f64,
    /// The default curve: `CRR(m) = ultimate × (1 − e^(−m/τ))`, ultimate by dpd bucket…
    pub ultimate_by_dpd: [f64; DPD_BUCKETS],
    /// … × this for litigated claims …
    pub litigated_factor: f64,
    /// … × this by balance bucket (small balances recover a larger share).
    pub balance_factor: [f64; BALANCE_BUCKETS],
    /// τ, months.
    pub months_to_recover: f64,
    /// Curves estimated from the company's history; they replace the default for their segment.
    pub curves: Vec<SegmentCurve>,
    /// Estimation uses a segment's own history only with at least this many claims.
    pub min_claims: u64,
    /// Sanity anchor: national batch personal NPLs cleared at ~4.1% of principal + interest (2025 Q1)…
    pub anchor_price: f64,
    /// … and a batch priced outside [anchor ÷ band, anchor × band] at the target IRR is flagged.
    pub anchor_band: f64,
}

impl Default for Retail {
    fn default() -> Retail {
        Retail {
            servicing: 0.25,
            ultimate_by_dpd: [0.16, 0.12, 0.09, 0.065, 0.045],
            litigated_factor: 1.15,
            balance_factor: [1.2, 1.0, 0.85, 0.7],
            months_to_recover: 24.0,
            curves: Vec::new(),
            min_claims: 30,
            anchor_price: 0.041,
            anchor_band: 2.0,
        }
    }
}

impl Retail {
    /// The default curve of a segment.
    pub fn default_curve(&self, s: Segment) -> Vec<f64> {
        let ultimate = self.ultimate_by_dpd[usize::from(s.dpd_bucket)]
            * self.balance_factor[usize::from(s.balance_bucket)]
            * if s.litigated { self.litigated_factor } else { 1.0 };
        (1..=MONTHS).map(|m| ultimate * (1.0 - (-(m as f64) / self.months_to_recover).exp())).collect()
    }

    /// The curve of a segment of product `product`: estimated if the set has one, else the default.
    pub fn curve(&self, product: &str, s: Segment) -> (Vec<f64>, bool) {
        match self.curves.iter().find(|c| {
            c.product == product
                && c.dpd_bucket == s.dpd_bucket
                && c.balance_bucket == s.balance_bucket
                && c.litigated == s.litigated
        }) {
            Some(c) => (c.crr.clone(), true),
            None => (self.default_curve(s), false),
        }
    }
}

/// One segment of a batch, valued.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentValue {
    pub segment: Segment,
    pub claims: u64,
    pub amount: f64,
    /// Whether its curve was estimated from history (else the default).
    pub estimated: bool,
    /// Net cash by quarter (index 0 = quarter 1).
    pub quarterly: Vec<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RetailValuation {
    pub segments: Vec<SegmentValue>,
    pub quarterly: Vec<f64>,
}

impl RetailValuation {
    /// Whether the batch's price as a share of its claims lies outside the anchor band.
    pub fn outside_anchor(&self, r: &Retail, price: f64) -> bool {
        let claims: f64 = self.segments.iter().map(|s| s.amount).sum();
        if claims <= 0.0 {
            return false;
        }
        let ratio = price / claims;
        ratio < r.anchor_price / r.anchor_band || ratio > r.anchor_price * r.anchor_band
    }
}

/// Values a batch by segment: `CF(q) = Σ_g Claim_g × (CRR_g(3q) − CRR_g(3q − 3)) × (1 − servicing)`.
pub fn value_retail(claims: &[RetailClaim], products: &[String], r: &Retail, stress: &Stress) -> RetailValuation {
    let size = products.len().max(1) * DPD_BUCKETS * BALANCE_BUCKETS * 2;
    let mut totals = vec![(0u64, 0.0f64); size];
    for c in claims {
        let t = &mut totals[Segment::of(c.product, c.days_past_due, c.amount, c.litigated).index()];
        t.0 += 1;
        t.1 += c.amount;
    }
    let mut quarterly = vec![0.0; QUARTERS];
    let mut segments = Vec::new();
    for (i, (count, amount)) in totals.into_iter().enumerate() {
        if count == 0 {
            continue;
        }
        let segment = Segment::from_index(i);
        let product = products.get(usize::from(segment.product)).map_or("", String::as_str);
        let (crr, estimated) = r.curve(product, segment);
        let at = |m: usize| if m == 0 { 0.0 } else { crr[m - 1] * stress.retail_curves };
        let cash: Vec<f64> =
            (1..=QUARTERS).map(|q| amount * (at(3 * q) - at(3 * q - 3)) * (1.0 - r.servicing)).collect();
        for (t, c) in quarterly.iter_mut().zip(&cash) {
            *t += c;
        }
        segments.push(SegmentValue { segment, claims: count, amount, estimated, quarterly: cash });
    }
    RetailValuation { segments, quarterly }
}

/// A claim of the collection history: its segment fields, acquisition month and collections.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryClaim {
    pub product: String,
    pub days_past_due: u32,
    pub amount: f64,
    pub litigated: bool,
    /// Months since year 0 (`year × 12 + month − 1`).
    pub acquired: i32,
    /// (month since year 0, amount collected in it).
    pub collections: Vec<(i32, f64)>,
}

/// Estimates segment curves from a collection history observed up to month `as_of`
/// (section 5 and 7): per segment, static pools by acquisition month; each pool's
/// cumulative recovery `CRR_v(m)` (a collection in the acquisition month counts at m = 1);
/// development factors `f_m = Σ CRR_v(m+1) / Σ CRR_v(m)` over the pools that reached
/// m + 1, unweighted (1 when the denominator is 0 or no pool reached m + 1); young pools
/// extended with them; the segment's curve is the pools' claim-weighted average, at most 1.
/// Segments with fewer than `min_claims` claims are left to the default curve.
pub fn estimate(history: &[HistoryClaim], as_of: i32, min_claims: u64) -> Vec<SegmentCurve> {
    use std::collections::BTreeMap;
    // (product, buckets) → acquisition month → (claims, amount, collections by age).
    type Pools = BTreeMap<i32, (u64, f64, Vec<f64>)>;
    let mut segments: BTreeMap<(String, u8, u8, bool), Pools> = BTreeMap::new();
    for c in history.iter().filter(|c| c.acquired <= as_of) {
        let s = Segment::of(0, c.days_past_due, c.amount, c.litigated);
        let pools = segments.entry((c.product.clone(), s.dpd_bucket, s.balance_bucket, s.litigated)).or_default();
        let pool = pools.entry(c.acquired).or_insert_with(|| (0, 0.0, vec![0.0; MONTHS]));
        pool.0 += 1;
        pool.1 += c.amount;
        for (month, amount) in &c.collections {
            let age = (month - c.acquired + 1).max(1) as usize;
            if *month <= as_of && age <= MONTHS {
                pool.2[age - 1] += amount;
            }
        }
    }
    let mut out = Vec::new();
    for ((product, dpd_bucket, balance_bucket, litigated), pools) in segments {
        let claims: u64 = pools.values().map(|p| p.0).sum();
        if claims < min_claims {
            continue;
        }
        // Each pool's observed cumulative curve, and how many months it has reached.
        let observed: Vec<(f64, usize, Vec<f64>)> = pools
            .iter()
            .filter(|(_, p)| p.1 > 0.0)
            .map(|(acquired, (_, amount, collected))| {
                let reached = ((as_of - acquired + 1).max(0) as usize).min(MONTHS);
                let mut crr = vec![0.0; MONTHS];
                let mut sum = 0.0;
                for m in 0..reached {
                    sum += collected[m];
                    crr[m] = sum / amount;
                }
                (*amount, reached, crr)
            })
            .collect();
        if observed.is_empty() {
            continue;
        }
        // f[m] takes CRR(m) to CRR(m + 1), m = 1..119 (index m − 1).
        let factors: Vec<f64> = (1..MONTHS)
            .map(|m| {
                let (mut next, mut this) = (0.0, 0.0);
                for (_, _, crr) in observed.iter().filter(|o| o.1 > m) {
                    next += crr[m];
                    this += crr[m - 1];
                }
                if this > 0.0 { next / this } else { 1.0 }
            })
            .collect();
        let total: f64 = observed.iter().map(|o| o.0).sum();
        let mut curve = vec![0.0; MONTHS];
        for (amount, reached, crr) in &observed {
            let mut last = 0.0;
            for m in 0..MONTHS {
                let v = if m < *reached {
                    crr[m]
                } else if m == 0 {
                    0.0
                } else {
                    last * factors[m - 1]
                };
                last = v;
                curve[m] += amount * v / total;
            }
        }
        for v in &mut curve {
            *v = v.min(1.0);
        }
        out.push(SegmentCurve {
            product,
            dpd_bucket,
            balance_bucket,
            litigated,
            crr: curve,
            claims,
            vintages: observed.len() as u32,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_by_the_thresholds_of_section_7() {
        let s = |dpd, amount| Segment::of(0, dpd, amount, false);
        assert_eq!((s(179, 9_999.99).dpd_bucket, s(179, 9_999.99).balance_bucket), (0, 0));
        assert_eq!((s(180, 10_000.0).dpd_bucket, s(180, 10_000.0).balance_bucket), (1, 1));
        assert_eq!((s(1080, 200_000.0).dpd_bucket, s(1080, 200_000.0).balance_bucket), (4, 3));
        for i in 0..3 * DPD_BUCKETS * BALANCE_BUCKETS * 2 {
            assert_eq!(Segment::from_index(i).index(), i);
        }
    }

    #[test]
    fn a_segment_pays_its_curve_less_servicing_by_quarter() {
        // One segment of two claims of 10,000 and 30,000 with a flat 1% a month for 12 months.
        let mut r = Retail::default();
        let s = Segment::of(0, 400, 20_000.0, false);
        let crr: Vec<f64> = (1..=MONTHS).map(|m| 0.01 * (m.min(12) as f64)).collect();
        r.curves.push(SegmentCurve {
            product: "信用卡".into(),
            dpd_bucket: s.dpd_bucket,
            balance_bucket: s.balance_bucket,
            litigated: false,
            crr,
            claims: 0,
            vintages: 0,
        });
        let claims = [
            RetailClaim { product: 0, days_past_due: 400, amount: 12_000.0, litigated: false },
            RetailClaim { product: 0, days_past_due: 500, amount: 30_000.0, litigated: false },
        ];
        let v = value_retail(&claims, &["信用卡".into()], &r, &Stress::NONE);
        assert_eq!(v.segments.len(), 1);
        assert!(v.segments[0].estimated);
        // 42,000 × 3% × 0.75 = 945 in each of quarters 1–4, nothing after.
        for q in 0..4 {
            assert!((v.quarterly[q] - 945.0).abs() < 1e-9, "{:?}", &v.quarterly[..5]);
        }
        assert!(v.quarterly[4..].iter().all(|x| x.abs() < 1e-12));
        // The retail stress scales the curve.
        let stressed = value_retail(&claims, &["信用卡".into()], &r, &Stress::by_code("retail-0.7").unwrap());
        assert!((stressed.quarterly[0] - 945.0 * 0.7).abs() < 1e-9);
    }

    #[test]
    fn estimation_by_static_pools_and_development_factors() {
        // Two vintages of one segment, each one claim of 1,000.
        // Old (acquired month 0, observed 3 months): 10, 20, 30 → CRR 0.01, 0.03, 0.06.
        // Young (acquired month 1, observed 2 months): 20, 20 → CRR 0.02, 0.04.
        let claim = |acquired, collections: Vec<(i32, f64)>| HistoryClaim {
            product: "消费贷".into(),
            days_past_due: 400,
            amount: 1_000.0,
            litigated: false,
            acquired,
            collections,
        };
        let history = [claim(0, vec![(0, 10.0), (1, 20.0), (2, 30.0)]), claim(1, vec![(1, 20.0), (2, 20.0)])];
        let curves = estimate(&history, 2, 1);
        assert_eq!(curves.len(), 1);
        let c = &curves[0];
        assert_eq!((c.claims, c.vintages), (2, 2));
        // f1 = (0.03 + 0.04) / (0.01 + 0.02) = 7/3 over both; f2 = 0.06 / 0.03 = 2 over the old one only.
        // Young extended: CRR(3) = 0.04 × 2 = 0.08; months 4.. stay (f = 1).
        // Curve = average: (0.01 + 0.02)/2, (0.03 + 0.04)/2, (0.06 + 0.08)/2.
        let expect = [0.015, 0.035, 0.07, 0.07];
        for (m, e) in expect.iter().enumerate() {
            assert!((c.crr[m] - e).abs() < 1e-12, "month {}: {} vs {e}", m + 1, c.crr[m]);
        }
        // Too little history: left to the default curve.
        assert!(estimate(&history, 2, 3).is_empty());
    }
}
