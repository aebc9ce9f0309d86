//! The claims the company holds as the indicators read them, at a date: each claim's book
//! value, from the recovery ledger once a package's purchase is posted there, else the price
//! shared by what the claims owe (re-exported from `indicators`). A package bought after the
//! date is not held then.

use std::collections::BTreeSet;

use chrono::NaiveDate;

use huajie_core::Money;

use crate::indicators::{Exposure, ExposureKind};

fn fen(m: Money) -> i128 {
    i128::from(m.fen())
}

/// A package and what it holds: its standing, the price paid, each claim's debtor and what it owes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldPackage {
    pub status: huajie_core::PackageStatus,
    pub price: Option<Money>,
    /// (debtor, principal + interest) of each claim.
    pub claims: Vec<(i64, Money)>,
    /// Positions in `claims` of the claims sold since: they share the price, and are not held.
    pub sold: BTreeSet<usize>,
    /// Each claim's remaining cost basis in the recovery ledger (its cost less the cost its
    /// receipts recovered, nothing once sold or paid in full), in the order of `claims`, when
    /// the package's purchase stands there: then that is its book value.
    pub cost: Option<Vec<Money>>,
    /// The day it was bought (`Package::acquired_on`, the date its purchase is posted at in the
    /// recovery ledger); `None` for a proposed purchase, held from the check on.
    pub bought_on: Option<NaiveDate>,
}

impl HeldPackage {
    /// A package just bought at `price` (none of its claims sold), each claim at its `cost`
    /// basis when known (`Deal::Acquisition::cost`).
    pub fn bought(price: Money, claims: Vec<(i64, Money)>, cost: Option<Vec<Money>>) -> HeldPackage {
        let status = huajie_core::PackageStatus::Acquired;
        HeldPackage { status, price: Some(price), claims, sold: BTreeSet::new(), cost, bought_on: None }
    }
}

/// Each claim's book value at `as_of`, in the order of the package's claims; `None` for a
/// package not held (neither acquired nor in disposal, or bought after `as_of`). With the
/// recovery ledger (`cost`, read at `as_of`), its remaining cost basis; without, the price
/// shared among the claims by principal + interest (rounded down to the fen; `None` without a
/// price).
pub fn claim_book_values(p: &HeldPackage, as_of: NaiveDate) -> Option<Vec<Money>> {
    use huajie_core::PackageStatus::{Acquired, Disposing};
    if !matches!(p.status, Acquired | Disposing) || p.bought_on.is_some_and(|d| d > as_of) {
        return None;
    }
    if let Some(cost) = &p.cost {
        return Some(cost.clone());
    }
    let price = p.price?;
    let total: i128 = p.claims.iter().map(|c| fen(c.1)).sum();
    let share = |owed: Money| {
        let share = if total > 0 { fen(price) * fen(owed) / total } else { 0 };
        Money::from_fen(i64::try_from(share).unwrap_or(i64::MAX))
    };
    Some(p.claims.iter().map(|c| share(c.1)).collect())
}

/// The claims the company holds at `as_of` — packages acquired by then, acquired or in
/// disposal — as exposures to their debtors at book value (`claim_book_values`). A claim sold
/// is not held; nor, when the recovery ledger gives the book value, is a claim with no cost
/// left (recovered, sold or paid in full).
pub fn held_claim_exposures(packages: &[HeldPackage], as_of: NaiveDate) -> Vec<Exposure> {
    let mut out = Vec::new();
    for p in packages {
        let Some(values) = claim_book_values(p, as_of) else { continue };
        for (i, ((debtor, _), book_value)) in p.claims.iter().zip(values).enumerate() {
            if p.sold.contains(&i) || (p.cost.is_some() && book_value.fen() <= 0) {
                continue;
            }
            out.push(Exposure { party: *debtor, kind: ExposureKind::AcquiredClaim, book_value });
        }
    }
    out
}
