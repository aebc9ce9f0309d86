//! Profit and loss and realised returns, read from the entries: a claim's (its lines) or a
//! package's (its entries). Cash flows are the bank lines: debits in, credits out. An entry
//! reversed and its reversal are left out of the cash flows (they never happened; their dates
//! would otherwise distort the rate), and cancel in the P&L.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use huajie_core::Money;
use serde::Serialize;

use crate::accounts::Account;
use crate::entry::{Entry, Line};

/// What to read: one claim's lines, one package's entries, or everything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Claim(i64),
    Package(i64),
    All,
}

impl Scope {
    fn lines<'a>(self, entries: impl IntoIterator<Item = &'a Entry>) -> impl Iterator<Item = (&'a Entry, &'a Line)> {
        entries
            .into_iter()
            .filter(move |e| !matches!(self, Scope::Package(p) if e.package() != Some(p)))
            .flat_map(|e| e.lines().iter().map(move |l| (e, l)))
            .filter(move |(_, l)| !matches!(self, Scope::Claim(c) if l.claim != Some(c)))
    }
}

/// Of `items` (each giving its entry's id and the entry), those that stand: neither reversed
/// nor reversals.
pub fn standing<T>(items: &[T], key: impl Fn(&T) -> (i64, &Entry)) -> Vec<&T> {
    let reversed: std::collections::BTreeSet<i64> = items.iter().filter_map(|t| key(t).1.reverses()).collect();
    items
        .iter()
        .filter(|t| {
            let (id, e) = key(t);
            e.reverses().is_none() && !reversed.contains(&id)
        })
        .collect()
}

/// Profit and loss, in fen; gains and income positive, costs positive as costs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Pnl {
    pub recovery_income: i64,
    pub disposal_gains: i64,
    pub disposal_losses: i64,
    pub legal_fees: i64,
    pub agency_fees: i64,
    pub taxes: i64,
    pub funding_interest: i64,
}

impl Pnl {
    /// Income and gains less losses, fees, taxes and interest.
    pub fn net(&self) -> i64 {
        self.recovery_income + self.disposal_gains
            - self.disposal_losses
            - self.legal_fees
            - self.agency_fees
            - self.taxes
            - self.funding_interest
    }
}

/// The P&L of `scope` over `entries`.
pub fn pnl<'a>(entries: impl IntoIterator<Item = &'a Entry>, scope: Scope) -> Pnl {
    let mut p = Pnl::default();
    for (_, l) in scope.lines(entries) {
        let s = i64::try_from(l.signed()).unwrap_or(0);
        match l.account {
            Account::RecoveryIncome => p.recovery_income -= s,
            Account::DisposalGain => p.disposal_gains -= s,
            Account::DisposalLoss => p.disposal_losses += s,
            Account::LegalFees => p.legal_fees += s,
            Account::AgencyFees => p.agency_fees += s,
            Account::TaxesAndSurcharges => p.taxes += s,
            Account::FundingInterest => p.funding_interest += s,
            _ => {}
        }
    }
    p
}

/// The net cash of `scope` by day (in positive, out negative), in date order.
pub fn cash_flows<'a>(entries: impl IntoIterator<Item = &'a Entry>, scope: Scope) -> Vec<(NaiveDate, i64)> {
    let mut by_day: BTreeMap<NaiveDate, i64> = BTreeMap::new();
    for (e, l) in scope.lines(entries).filter(|(_, l)| l.account == Account::BankCash) {
        *by_day.entry(e.date()).or_default() += i64::try_from(l.signed()).unwrap_or(0);
    }
    by_day.into_iter().collect()
}

/// Realised returns to date.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Returns {
    pub cash_in: Money,
    pub cash_out: Money,
    /// XIRR of the dated cash flows; `None` when they do not change sign or no rate solves.
    pub irr: Option<f64>,
    /// Cash in over cash out; `None` before any cash out.
    pub moic: Option<f64>,
}

/// The returns of `scope` to date: its cash in and out, line by line (a fee paid the day a
/// distribution came in is still cash out), and the XIRR of its net cash by day.
pub fn returns<'a, I>(entries: I, scope: Scope) -> Returns
where
    I: IntoIterator<Item = &'a Entry> + Clone,
{
    let (mut cash_in, mut cash_out) = (0i64, 0i64);
    for (_, l) in scope.lines(entries.clone()).filter(|(_, l)| l.account == Account::BankCash) {
        match l.side {
            crate::Side::Debit => cash_in += l.amount.fen(),
            crate::Side::Credit => cash_out += l.amount.fen(),
        }
    }
    Returns {
        cash_in: Money::from_fen(cash_in),
        cash_out: Money::from_fen(cash_out),
        irr: xirr(&cash_flows(entries, scope)),
        moic: (cash_out > 0).then(|| cash_in as f64 / cash_out as f64),
    }
}

/// The annual rate `r` at which `Σ CFᵢ / (1 + r)^((dᵢ − d₀) / 365) = 0` (ACT/365 from the first
/// flow's day): Newton's method from 10%, and bisection over (−99.99%, 10⁶) when Newton does not
/// converge to a rate above −100%. `None` when the flows do not change sign or no rate solves.
pub fn xirr(flows: &[(NaiveDate, i64)]) -> Option<f64> {
    let first = flows.iter().map(|(d, _)| *d).min()?;
    let f: Vec<(f64, f64)> = flows.iter().map(|(d, cf)| ((*d - first).num_days() as f64 / 365.0, *cf as f64)).collect();
    if !(f.iter().any(|(_, c)| *c > 0.0) && f.iter().any(|(_, c)| *c < 0.0)) {
        return None;
    }
    let npv = |r: f64| f.iter().map(|(t, c)| c * (1.0 + r).powf(-t)).sum::<f64>();
    let scale: f64 = f.iter().map(|(_, c)| c.abs()).sum();
    newton(&f, &npv, scale).or_else(|| bisect(&npv))
}

fn newton(f: &[(f64, f64)], npv: &dyn Fn(f64) -> f64, scale: f64) -> Option<f64> {
    let slope = |r: f64| f.iter().map(|(t, c)| -t * c * (1.0 + r).powf(-t - 1.0)).sum::<f64>();
    let mut r = 0.1;
    for _ in 0..100 {
        let (v, d) = (npv(r), slope(r));
        if !d.is_finite() || d == 0.0 {
            return None;
        }
        let next = r - v / d;
        if !next.is_finite() || next <= -1.0 {
            return None;
        }
        if (next - r).abs() < 1e-12 {
            return (npv(next).abs() <= scale * 1e-9).then_some(next);
        }
        r = next;
    }
    None
}

fn bisect(npv: &dyn Fn(f64) -> f64) -> Option<f64> {
    let mut lo = -0.9999;
    let mut hi = 1.0;
    let f_lo = npv(lo);
    while npv(hi).signum() == f_lo.signum() {
        hi *= 10.0;
        if hi > 1e6 {
            return None;
        }
    }
    for _ in 0..300 {
        let mid = (lo + hi) / 2.0;
        if npv(mid).signum() == f_lo.signum() {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Some((lo + hi) / 2.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn xirr_of_one_year_doubling_is_one_hundred_percent() {
        let r = xirr(&[(d("2025-01-01"), -100), (d("2026-01-01"), 200)]).unwrap();
        assert!((r - 1.0).abs() < 1e-9, "{r}");
    }

    #[test]
    fn xirr_is_none_without_a_change_of_sign() {
        assert_eq!(xirr(&[(d("2025-01-01"), -100), (d("2026-01-01"), -5)]), None);
        assert_eq!(xirr(&[]), None);
    }

    #[test]
    fn a_total_loss_is_found_by_bisection_near_minus_one_hundred_percent() {
        let r = xirr(&[(d("2025-01-01"), -1_000_000), (d("2030-01-01"), 1)]).unwrap();
        let t = (d("2030-01-01") - d("2025-01-01")).num_days() as f64 / 365.0;
        assert!((-1_000_000.0 + (1.0 + r).powf(-t)).abs() < 1e-3, "{r}");
    }
}
