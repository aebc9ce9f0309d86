//! The ledger's invariants over random histories of a package: a purchase spread over its
//! claims by a random allocation, then receipts (of every source, some beyond what is owed,
//! some split by a court), expenses, and reversals in any order.

use chrono::{Duration, NaiveDate};
use huajie_core::Money;
use huajie_ledger::claim::{Position, expense_entry, purchase_entry, receive};
use huajie_ledger::entry::trial_balance;
use huajie_ledger::{
    Account, Balances, CostBasis, Entry, Expense, ExpenseKind, History, Owed, Receipt, Refusal, Source, Split,
};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Op {
    Receive { claim: usize, amount: i64, source: usize, ordered: bool },
    Spend { claim: usize, amount: i64, kind: usize },
    Reverse { pick: usize },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0usize..4, 1i64..2_000_000, 0usize..4, any::<bool>())
            .prop_map(|(claim, amount, source, ordered)| Op::Receive { claim, amount, source, ordered }),
        (0usize..4, 1i64..100_000, 0usize..6).prop_map(|(claim, amount, kind)| Op::Spend { claim, amount, kind }),
        (0usize..64).prop_map(|pick| Op::Reverse { pick }),
    ]
}

/// A package of up to four claims bought at `price` by `weights`, each owed `owed`.
#[derive(Debug, Clone)]
struct Book {
    owed: Vec<Owed>,
    /// (entry id, entry), in posting order; receipts with the claim index, applied and sold.
    entries: Vec<(i64, Entry)>,
    receipts: Vec<(i64, usize, Owed, bool)>,
    /// Recoverable expenses: entry id, claim index, amount.
    expenses: Vec<(i64, usize, i64)>,
}

fn day(k: usize) -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 1, 1).unwrap() + Duration::days(k as i64)
}

impl Book {
    fn standing(&self) -> Vec<&(i64, Entry)> {
        huajie_ledger::returns::standing(&self.entries, |(id, e)| (*id, e))
    }

    fn position(&self, k: usize) -> Position {
        self.try_position(k).unwrap()
    }

    fn try_position(&self, k: usize) -> Result<Position, Refusal> {
        let standing: Vec<i64> = self.standing().iter().map(|(id, _)| *id).collect();
        let mine: Vec<_> = self.receipts.iter().filter(|r| r.1 == k && standing.contains(&r.0)).collect();
        let applied: Vec<Owed> = mine.iter().map(|r| r.2).collect();
        let sold = mine.iter().any(|r| r.3);
        let cost = Balances::of(self.entries.iter().map(|(_, e)| e)).claim(Account::ClaimCost, k as i64);
        let history = History {
            bought: self.owed[k],
            costs_paid: Money::from_fen(self.costs_paid(k)),
            applied: &applied,
            cost,
            sold,
            held: true,
        };
        Position::of(k as i64, Some(1), &history)
    }

    /// The recoverable costs paid on claim `k` by the standing expenses.
    fn costs_paid(&self, k: usize) -> i64 {
        let standing: Vec<i64> = self.standing().iter().map(|(id, _)| *id).collect();
        self.expenses.iter().filter(|x| x.1 == k && standing.contains(&x.0)).map(|x| x.2).sum()
    }

    fn post(&mut self, e: Entry) -> i64 {
        let id = self.entries.len() as i64;
        self.entries.push((id, e));
        id
    }

    fn apply(&mut self, op: &Op, k: usize) {
        let n = self.owed.len();
        match *op {
            Op::Receive { claim, amount, source, ordered } => {
                let claim = claim % n;
                let position = self.position(claim);
                let amount = Money::from_fen(amount);
                let split = match ordered {
                    // A court that puts everything on principal, when it can.
                    true if amount.fen() <= position.owed.principal.fen() => {
                        Split::Ordered(Owed { principal: amount, ..Owed::default() })
                    }
                    _ => Split::Statutory,
                };
                let source = Source::ALL[source];
                let r = Receipt { claim: claim as i64, case: None, date: day(k), amount, source, split };
                match receive(&position, &r) {
                    Ok(p) => {
                        let id = self.post(p.entry);
                        self.receipts.push((id, claim, p.applied, source == Source::SaleProceeds));
                    }
                    Err(Refusal::BeyondOwed { owed, received, .. }) => assert!(received.fen() > owed.fen()),
                    Err(Refusal::Closed { .. }) => assert!(position.closed),
                    Err(e) => panic!("unexpected refusal {e}"),
                }
            }
            Op::Spend { claim, amount, kind } => {
                let e = Expense {
                    kind: ExpenseKind::ALL[kind],
                    date: day(k),
                    amount: Money::from_fen(amount),
                    package: Some(1),
                    claim: Some((claim % n) as i64),
                    case: None,
                };
                let id = self.post(expense_entry(&e).unwrap());
                if e.kind.recoverable() {
                    self.expenses.push((id, claim % n, amount));
                }
            }
            Op::Reverse { pick } => {
                let id = (pick % self.entries.len()) as i64;
                let reversed = self.entries.iter().any(|(_, e)| e.reverses() == Some(id));
                let receipts = self.receipts.iter().filter(|r| self.standing().iter().any(|(s, _)| *s == r.0)).count();
                if id == 0 && !reversed && huajie_ledger::entry::purchase_reversible(0, receipts).is_err() {
                    return;
                }
                match self.entries[id as usize].1.reversal(id, reversed, day(k)) {
                    Ok(r) => {
                        // As the store does: the reversal stands only if every claim's position
                        // still follows from its history.
                        let before = self.clone();
                        self.post(r);
                        if (0..n).any(|c| self.try_position(c).is_err()) {
                            *self = before;
                        }
                    }
                    Err(Refusal::AlreadyReversed { .. }) => assert!(reversed),
                    Err(Refusal::ReversalOfReversal { .. }) => {
                        assert!(self.entries[id as usize].1.reverses().is_some())
                    }
                    Err(e) => panic!("unexpected refusal {e}"),
                }
            }
        }
    }
}

fn book() -> impl Strategy<Value = (Book, Money, Vec<i64>)> {
    let owed = (0i64..200_000, 0i64..500_000, 1i64..3_000_000).prop_map(|(c, i, p)| Owed {
        costs: Money::from_fen(c),
        interest: Money::from_fen(i),
        principal: Money::from_fen(p),
    });
    (prop::collection::vec((owed, -1_000i64..1_000_000), 1..5), 1i64..2_000_000).prop_map(|(claims, price)| {
        let (owed, weights): (Vec<Owed>, Vec<i64>) = claims.into_iter().unzip();
        (
            Book { owed, entries: Vec::new(), receipts: Vec::new(), expenses: Vec::new() },
            Money::from_fen(price),
            weights,
        )
    })
}

fn bought(mut b: Book, price: Money, weights: &[i64]) -> Book {
    let allocation: Vec<(i64, i64)> = weights.iter().enumerate().map(|(k, w)| (k as i64, *w)).collect();
    let basis = CostBasis::from_allocation(price, &allocation).unwrap();
    b.post(purchase_entry(day(0), 1, &basis).unwrap());
    b
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Every entry balances, so every balance sums to zero and every period's trial balance
    /// has equal debits and credits; no claim's cost basis goes negative.
    #[test]
    fn the_ledger_always_balances((b, price, weights) in book(), ops in prop::collection::vec(op(), 0..40)) {
        let mut b = bought(b, price, &weights);
        for (k, o) in ops.iter().enumerate() {
            b.apply(o, k + 1);
        }
        let balances = Balances::of(b.entries.iter().map(|(_, e)| e));
        prop_assert_eq!(balances.total(), 0);
        let tb = trial_balance(b.entries.iter().map(|(_, e)| e), day(0), day(100));
        prop_assert_eq!(tb.iter().map(|r| r.debits).sum::<i128>(), tb.iter().map(|r| r.credits).sum::<i128>());
        for k in 0..b.owed.len() {
            prop_assert!(balances.claim(Account::ClaimCost, k as i64) >= 0, "claim {k}'s cost is negative");
        }
    }

    /// What a claim's standing receipts brought in never exceeds what it was owed when bought
    /// and the recoverable costs paid on it since; no part of what is owed goes negative.
    #[test]
    fn no_claims_recoveries_exceed_its_claim((b, price, weights) in book(), ops in prop::collection::vec(op(), 0..40)) {
        let mut b = bought(b, price, &weights);
        for (k, o) in ops.iter().enumerate() {
            b.apply(o, k + 1);
        }
        for k in 0..b.owed.len() {
            let p = b.position(k);
            prop_assert!(!p.owed.costs.is_negative() && !p.owed.interest.is_negative() && !p.owed.principal.is_negative());
            let cash: i64 = b.standing().iter().flat_map(|(_, e)| e.lines())
                .filter(|l| l.claim == Some(k as i64) && l.account == Account::BankCash && l.side == huajie_ledger::Side::Debit)
                .map(|l| l.amount.fen()).sum();
            let owed = b.owed[k].total().unwrap().fen() + b.costs_paid(k);
            prop_assert!(cash <= owed, "claim {k}: {cash} received, {owed} owed");
        }
    }

    /// Reversing every entry posted after a point, in any order, restores every balance and
    /// every claim's position to what they were at that point.
    #[test]
    fn reversals_restore_every_balance_exactly(
        (b, price, weights) in book(),
        before in prop::collection::vec(op(), 0..20),
        after in prop::collection::vec(op().prop_filter("no reversal", |o| !matches!(o, Op::Reverse { .. })), 1..20),
        order in any::<u64>(),
    ) {
        let mut b = bought(b, price, &weights);
        for (k, o) in before.iter().enumerate() {
            b.apply(o, k + 1);
        }
        let balances = Balances::of(b.entries.iter().map(|(_, e)| e));
        let positions: Vec<Position> = (0..b.owed.len()).map(|k| b.position(k)).collect();
        let mark = b.entries.len();
        for (k, o) in after.iter().enumerate() {
            b.apply(o, 30 + k);
        }
        let mut later: Vec<i64> = (mark as i64..b.entries.len() as i64).collect();
        let len = later.len().max(1);
        later.rotate_left((order as usize) % len);
        if order % 2 == 1 { later.reverse(); }
        for id in later {
            let r = b.entries[id as usize].1.reversal(id, false, day(90)).unwrap();
            b.post(r);
        }
        let restored = Balances::of(b.entries.iter().map(|(_, e)| e));
        prop_assert_eq!(restored.nonzero().collect::<Vec<_>>(), balances.nonzero().collect::<Vec<_>>());
        let again: Vec<Position> = (0..b.owed.len()).map(|k| b.position(k)).collect();
        prop_assert_eq!(again, positions);
    }

    /// The cost basis sums to the price to the fen, for any allocation the valuation stores.
    #[test]
    fn cost_basis_sums_to_the_price_to_the_fen(price in 0i64..10_000_000_000_000, weights in prop::collection::vec(-1_000_000i64..1_000_000_000_000, 1..200)) {
        let allocation: Vec<(i64, i64)> = weights.iter().enumerate().map(|(k, w)| (k as i64, *w)).collect();
        let basis = CostBasis::from_allocation(Money::from_fen(price), &allocation).unwrap();
        prop_assert_eq!(basis.shares().iter().map(|(_, m)| i128::from(m.fen())).sum::<i128>(), i128::from(price));
        prop_assert!(basis.shares().iter().all(|(_, m)| !m.is_negative()));
        let entry = purchase_entry(day(0), 1, &basis);
        if price > 0 {
            prop_assert_eq!(entry.unwrap().total(), Money::from_fen(price));
        }
    }
}

proptest! {
    /// Whatever rate `xirr` finds prices the flows at zero (ACT/365), and it finds one for an
    /// outlay followed by receipts (each within twice the outlay, from half a year on: rates
    /// within the search's bound of 10⁶).
    #[test]
    fn xirr_solves_the_flows(
        out in 1i64..10_000_000,
        ins in prop::collection::vec((180i64..2_000, 0u32..=200), 1..12),
    ) {
        let start = day(0);
        let mut flows = vec![(start, -out)];
        flows.extend(ins.iter().map(|(k, pct)| (start + Duration::days(*k), out * i64::from(*pct) / 100)));
        let ins: Vec<(i64, i64)> = flows[1..].iter().map(|(d, f)| ((*d - start).num_days(), *f)).collect();
        let r = huajie_ledger::returns::xirr(&flows);
        let positive = ins.iter().any(|(_, f)| *f > 0);
        prop_assert_eq!(r.is_some(), positive);
        if let Some(r) = r {
            let npv: f64 = flows.iter().map(|(d, f)| *f as f64 * (1.0 + r).powf(-((*d - start).num_days() as f64) / 365.0)).sum();
            let scale: f64 = flows.iter().map(|(_, f)| (*f as f64).abs()).sum();
            prop_assert!(npv.abs() <= scale * 1e-6, "rate {} leaves {}", r, npv);
        }
    }
}
