//! The party graph: who controls whom, the groups it forms, and the company's related
//! parties (rules.md A6.5, A6.6 with the Part G readings).
//!
//! X controls Y if there is an explicit control (or actual-controller) link, or X's stake in
//! Y — its own plus what the entities it controls hold — is above the control threshold, or
//! through a chain of such control. A group is a connected set of at least two parties under
//! control, either direction; control by a state organ does not join its entities.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use crate::indicators::{Capacity, Ledger};
use crate::params::RuleParameters;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphParty {
    pub id: i64,
    pub person: bool,
    pub state_organ: bool,
}

/// A holding of `held` by `holder`: its stake, and whether it is explicit control.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Holding {
    pub holder: i64,
    pub held: i64,
    pub stake_bps: u32,
    pub control: bool,
}

/// For each party, the parties it controls (directly or through a chain), not itself.
///
/// Worked to a fixed point: each round sums every holding's stake into the holder and into
/// everyone who controls the holder; a total above the threshold is a new control edge. A
/// round costs the holdings times the depth of control above their holders, so sparse,
/// shallow ownership (the usual kind) is close to linear.
pub fn control(holdings: &[Holding], control_above_bps: u32) -> BTreeMap<i64, BTreeSet<i64>> {
    let mut direct: BTreeMap<i64, BTreeSet<i64>> = BTreeMap::new();
    for h in holdings.iter().filter(|h| h.control && h.holder != h.held) {
        direct.entry(h.holder).or_default().insert(h.held);
    }
    loop {
        // Who controls each party, through chains of the edges known so far.
        let mut above: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
        for (x, ys) in &direct {
            for y in ys {
                above.entry(*y).or_default().push(*x);
            }
        }
        let mut controllers: BTreeMap<i64, BTreeSet<i64>> = BTreeMap::new();
        let ancestors = |p: i64, memo: &mut BTreeMap<i64, BTreeSet<i64>>| -> BTreeSet<i64> {
            if let Some(a) = memo.get(&p) {
                return a.clone();
            }
            let mut seen = BTreeSet::new();
            let mut stack: Vec<i64> = above.get(&p).cloned().unwrap_or_default();
            while let Some(x) = stack.pop() {
                if x != p && seen.insert(x) {
                    stack.extend(above.get(&x).into_iter().flatten().copied());
                }
            }
            memo.insert(p, seen.clone());
            seen
        };
        let mut totals: BTreeMap<(i64, i64), u64> = BTreeMap::new();
        for h in holdings.iter().filter(|h| h.holder != h.held) {
            *totals.entry((h.holder, h.held)).or_default() += u64::from(h.stake_bps);
            for x in ancestors(h.holder, &mut controllers) {
                if x != h.held {
                    *totals.entry((x, h.held)).or_default() += u64::from(h.stake_bps);
                }
            }
        }
        let mut added = false;
        for ((x, y), total) in totals {
            if total > u64::from(control_above_bps) && direct.entry(x).or_default().insert(y) {
                added = true;
            }
        }
        if !added {
            let closed = closure(&direct);
            return closed.into_iter().filter(|(_, ys)| !ys.is_empty()).collect();
        }
    }
}

fn closure(direct: &BTreeMap<i64, BTreeSet<i64>>) -> BTreeMap<i64, BTreeSet<i64>> {
    let mut out = BTreeMap::new();
    for &x in direct.keys() {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<i64> = direct[&x].iter().copied().collect();
        while let Some(y) = stack.pop() {
            if y != x && seen.insert(y) {
                stack.extend(direct.get(&y).into_iter().flatten().copied());
            }
        }
        out.insert(x, seen);
    }
    out
}

/// Groups of at least two parties joined by control (state organs' control left out),
/// each sorted, in the order of their smallest member.
pub fn groups(parties: &[GraphParty], controls: &BTreeMap<i64, BTreeSet<i64>>) -> Vec<Vec<i64>> {
    let state: BTreeSet<i64> = parties.iter().filter(|p| p.state_organ).map(|p| p.id).collect();
    let mut parent: BTreeMap<i64, i64> = BTreeMap::new();
    fn root(parent: &mut BTreeMap<i64, i64>, x: i64) -> i64 {
        let mut r = x;
        while let Some(&p) = parent.get(&r) {
            if p == r {
                break;
            }
            r = p;
        }
        parent.insert(x, r);
        r
    }
    for (x, ys) in controls.iter().filter(|(x, _)| !state.contains(x)) {
        parent.entry(*x).or_insert(*x);
        for y in ys {
            parent.entry(*y).or_insert(*y);
            let (a, b) = (root(&mut parent, *x), root(&mut parent, *y));
            if a != b {
                parent.insert(a.max(b), a.min(b));
            }
        }
    }
    let mut members: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    let keys: Vec<i64> = parent.keys().copied().collect();
    for x in keys {
        let r = root(&mut parent, x);
        members.entry(r).or_default().push(x);
    }
    let mut out: Vec<Vec<i64>> = members.into_values().filter(|m| m.len() >= 2).collect();
    for g in &mut out {
        g.sort_unstable();
    }
    out.sort();
    out
}

/// The company's related parties: shareholders at or above the threshold, whoever controls
/// the company, its directors and senior managers, the close relatives of these natural
/// persons, and every entity any of them controls — without the company and what it controls.
/// A state organ among them is related itself, but the entities it controls are not related
/// merely through it (as for groups: control by a state organ joins nothing).
pub fn related_parties(
    company: i64,
    parties: &[GraphParty],
    holdings: &[Holding],
    officers: &[i64],
    relatives: &[(i64, i64)],
    controls: &BTreeMap<i64, BTreeSet<i64>>,
    shareholder_min_bps: u32,
) -> BTreeSet<i64> {
    let person: BTreeSet<i64> = parties.iter().filter(|p| p.person).map(|p| p.id).collect();
    let mut base: BTreeSet<i64> =
        holdings.iter().filter(|h| h.held == company && h.stake_bps >= shareholder_min_bps).map(|h| h.holder).collect();
    base.extend(controls.iter().filter(|(_, ys)| ys.contains(&company)).map(|(x, _)| *x));
    base.extend(officers.iter().copied());
    let people: Vec<i64> = base.iter().copied().filter(|x| person.contains(x)).collect();
    for (a, b) in relatives {
        if people.contains(a) {
            base.insert(*b);
        }
        if people.contains(b) {
            base.insert(*a);
        }
    }
    let state: BTreeSet<i64> = parties.iter().filter(|p| p.state_organ).map(|p| p.id).collect();
    let mut related = base.clone();
    for x in base.iter().filter(|x| !state.contains(x)) {
        related.extend(controls.get(x).into_iter().flatten().copied());
    }
    related.remove(&company);
    for y in controls.get(&company).into_iter().flatten() {
        related.remove(y);
    }
    related
}

impl Ledger {
    /// The holdings with the control the staff register declares (a person declared the actual
    /// controller of an entity is a control link, as an explicit one in the holdings is).
    pub fn holdings_with_declared_control(&self) -> Cow<'_, [Holding]> {
        let declared = self.staff_entities.iter().filter(|e| e.capacity == Capacity::Control);
        if declared.clone().next().is_none() {
            return Cow::Borrowed(&self.holdings);
        }
        let mut all = self.holdings.clone();
        all.extend(declared.map(|e| Holding { holder: e.person, held: e.entity, stake_bps: 0, control: true }));
        Cow::Owned(all)
    }

    /// Whether `party` holds a stake in the company.
    pub fn is_shareholder(&self, party: i64) -> bool {
        self.holdings.iter().any(|h| h.held == self.company && h.holder == party && h.stake_bps > 0)
    }

    /// Who controls whom (graph::control over the holdings and the declared control).
    pub fn controls(&self, p: &RuleParameters) -> BTreeMap<i64, BTreeSet<i64>> {
        control(&self.holdings_with_declared_control(), p.control_above_bps)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(holder: i64, held: i64, stake_bps: u32) -> Holding {
        Holding { holder, held, stake_bps, control: false }
    }

    #[test]
    fn control_through_stakes_and_chains() {
        // 1 holds 60% of 2; 2 holds 30% of 3 and 1 holds 25% of 3: 1 controls 3 (55%), 2 does not.
        let holdings = [
            h(1, 2, 6_000),
            h(2, 3, 3_000),
            h(1, 3, 2_500),
            Holding { holder: 4, held: 5, stake_bps: 0, control: true },
        ];
        let c = control(&holdings, 5_000);
        assert_eq!(c[&1], BTreeSet::from([2, 3]));
        assert!(c.get(&2).is_none_or(|s| s.is_empty()));
        assert_eq!(c[&4], BTreeSet::from([5]));
        // Exactly 50% is not control.
        let c = control(&[h(7, 8, 5_000)], 5_000);
        assert!(c.get(&7).is_none_or(|s| s.is_empty()));
    }
}
