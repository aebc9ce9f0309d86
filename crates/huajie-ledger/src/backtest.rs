//! Back-testing: the underwriting's projection (each claim's cash by quarter, stored with the
//! valuation run the purchase was priced on) beside what actually came in, quarter by quarter
//! from the valuation date, with cumulative curves and the error per claim and per segment.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

/// A claim's projected cash in one quarter (1 = the first three months from the start).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Projected {
    pub claim: i64,
    /// The retail segment it was valued in; `None` for a claim valued on its own.
    pub segment: Option<String>,
    pub quarter: u32,
    /// In fen.
    pub amount: i64,
}

/// Cash actually collected on a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Actual {
    pub claim: i64,
    pub date: NaiveDate,
    /// In fen.
    pub amount: i64,
}

/// The quarter `date` falls in, counted from `start` (quarter 1: `start` up to three months
/// later); `None` before `start`.
pub fn quarter_of(start: NaiveDate, date: NaiveDate) -> Option<u32> {
    if date < start {
        return None;
    }
    let months = (date.year() - start.year()) * 12 + date.month() as i32
        - start.month() as i32
        - i32::from(date.day() < start.day());
    u32::try_from(months / 3 + 1).ok()
}

/// One quarter, projected and actual, and both cumulative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct QuarterRow {
    pub quarter: u32,
    pub projected: i64,
    pub actual: i64,
    pub cumulative_projected: i64,
    pub cumulative_actual: i64,
}

/// Projected and actual to date for one claim or segment, and the error (actual − projected).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorRow<K> {
    pub key: K,
    pub projected: i64,
    pub actual: i64,
    pub error: i64,
    /// The error as a share of the projection, in basis points; `None` when nothing was projected.
    pub error_bps: Option<i64>,
}

/// A back-test to date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackTest {
    pub quarters: Vec<QuarterRow>,
    pub claims: Vec<ErrorRow<i64>>,
    pub segments: Vec<ErrorRow<Option<String>>>,
}

fn rows<K: Ord + Clone>(m: BTreeMap<K, (i64, i64)>) -> Vec<ErrorRow<K>> {
    m.into_iter()
        .map(|(key, (p, a))| ErrorRow {
            key,
            projected: p,
            actual: a,
            error: a - p,
            error_bps: (p != 0).then(|| i64::try_from(i128::from(a - p) * 10_000 / i128::from(p)).unwrap_or(i64::MAX)),
        })
        .collect()
}

/// The back-test of `projected` against `actual` from `start` through quarter `through`
/// (today's): quarters 1..=through, and each claim's and segment's totals over them. An actual
/// receipt on a claim not projected counts in its own row, under no segment.
pub fn back_test(start: NaiveDate, through: u32, projected: &[Projected], actual: &[Actual]) -> BackTest {
    let mut by_quarter = vec![(0i64, 0i64); through as usize];
    let mut claims: BTreeMap<i64, (i64, i64)> = BTreeMap::new();
    let mut segments: BTreeMap<Option<String>, (i64, i64)> = BTreeMap::new();
    let mut segment_of: BTreeMap<i64, Option<String>> = BTreeMap::new();
    for p in projected {
        segment_of.insert(p.claim, p.segment.clone());
        claims.entry(p.claim).or_default();
        segments.entry(p.segment.clone()).or_default();
        if (1..=through).contains(&p.quarter) {
            by_quarter[p.quarter as usize - 1].0 += p.amount;
            claims.entry(p.claim).or_default().0 += p.amount;
            segments.entry(p.segment.clone()).or_default().0 += p.amount;
        }
    }
    for a in actual {
        let Some(q) = quarter_of(start, a.date).filter(|q| *q <= through) else { continue };
        by_quarter[q as usize - 1].1 += a.amount;
        claims.entry(a.claim).or_default().1 += a.amount;
        let segment = segment_of.get(&a.claim).cloned().flatten();
        segments.entry(segment).or_default().1 += a.amount;
    }
    let (mut cp, mut ca) = (0, 0);
    let quarters = by_quarter
        .into_iter()
        .enumerate()
        .map(|(k, (p, a))| {
            (cp, ca) = (cp + p, ca + a);
            QuarterRow {
                quarter: k as u32 + 1,
                projected: p,
                actual: a,
                cumulative_projected: cp,
                cumulative_actual: ca,
            }
        })
        .collect();
    BackTest { quarters, claims: rows(claims), segments: rows(segments) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn quarters_count_from_the_start_day() {
        let s = d("2025-01-15");
        assert_eq!(quarter_of(s, d("2025-01-14")), None);
        assert_eq!(quarter_of(s, d("2025-04-14")), Some(1));
        assert_eq!(quarter_of(s, d("2025-04-15")), Some(2));
        assert_eq!(quarter_of(s, d("2026-01-15")), Some(5));
    }

    #[test]
    fn projected_and_actual_by_quarter_claim_and_segment() {
        let p = |claim, segment: Option<&str>, quarter, amount| Projected {
            claim,
            segment: segment.map(str::to_string),
            quarter,
            amount,
        };
        let projected =
            [p(1, None, 1, 100), p(1, None, 2, 100), p(2, Some("信用卡"), 2, 50), p(2, Some("信用卡"), 9, 50)];
        let actual = [
            Actual { claim: 1, date: d("2025-02-01"), amount: 120 },
            Actual { claim: 2, date: d("2025-05-01"), amount: 10 },
        ];
        let b = back_test(d("2025-01-01"), 2, &projected, &actual);
        assert_eq!(
            b.quarters[1],
            QuarterRow { quarter: 2, projected: 150, actual: 10, cumulative_projected: 250, cumulative_actual: 130 }
        );
        assert_eq!((b.claims[0].error, b.claims[0].error_bps), (-80, Some(-4_000)));
        let card = b.segments.iter().find(|s| s.key.as_deref() == Some("信用卡")).unwrap();
        assert_eq!((card.projected, card.actual), (50, 10), "quarter 9 is not yet due");
    }
}
