//! Journal entries in fen: lines on the chart's accounts, each optionally for a claim and a
//! case; an entry is made only balanced and not empty ([`Entry::new`]). A mistake is put right
//! by a reversal ([`Entry::reversal`]): the same lines on the other side, never an edit.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use huajie_core::Money;
use serde::Serialize;

use crate::accounts::{Account, Side};
use crate::refusal::Refusal;

/// One line of an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Line {
    pub account: Account,
    pub side: Side,
    /// Positive.
    pub amount: Money,
    pub claim: Option<i64>,
    pub case: Option<i64>,
}

impl Line {
    pub fn debit(account: Account, amount: Money) -> Line {
        Line { account, side: Side::Debit, amount, claim: None, case: None }
    }

    pub fn credit(account: Account, amount: Money) -> Line {
        Line { account, side: Side::Credit, amount, claim: None, case: None }
    }

    /// The line, for `claim` (and `case`).
    pub fn on(self, claim: Option<i64>, case: Option<i64>) -> Line {
        Line { claim, case, ..self }
    }

    /// The amount, debits positive.
    pub fn signed(&self) -> i128 {
        match self.side {
            Side::Debit => i128::from(self.amount.fen()),
            Side::Credit => -i128::from(self.amount.fen()),
        }
    }
}

/// A balanced journal entry, dated, for a package when it concerns one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    date: NaiveDate,
    package: Option<i64>,
    reverses: Option<i64>,
    lines: Vec<Line>,
}

impl Entry {
    /// An entry of `lines`, refused when empty, when a line is not positive, or when its
    /// debits and credits differ.
    pub fn new(date: NaiveDate, package: Option<i64>, lines: Vec<Line>) -> Result<Entry, Refusal> {
        Entry::restored(date, package, None, lines)
    }

    /// An entry as stored (a reversal names the entry it reverses), checked as `new` checks.
    pub fn restored(
        date: NaiveDate,
        package: Option<i64>,
        reverses: Option<i64>,
        lines: Vec<Line>,
    ) -> Result<Entry, Refusal> {
        if lines.is_empty() {
            return Err(Refusal::Empty);
        }
        if lines.iter().any(|l| l.amount.fen() <= 0) {
            return Err(Refusal::NotPositive);
        }
        let sum = |side| lines.iter().filter(|l| l.side == side).map(|l| i128::from(l.amount.fen())).sum::<i128>();
        let (debits, credits) = (sum(Side::Debit), sum(Side::Credit));
        if debits != credits {
            return Err(Refusal::Unbalanced { debits, credits });
        }
        Ok(Entry { date, package, reverses, lines })
    }

    pub fn date(&self) -> NaiveDate {
        self.date
    }

    pub fn package(&self) -> Option<i64> {
        self.package
    }

    /// The entry this one reverses, if it is a reversal.
    pub fn reverses(&self) -> Option<i64> {
        self.reverses
    }

    pub fn lines(&self) -> &[Line] {
        &self.lines
    }

    /// The entry's total (its debits, equal to its credits).
    pub fn total(&self) -> Money {
        let fen = self.lines.iter().filter(|l| l.side == Side::Debit).map(|l| l.amount.fen()).sum();
        Money::from_fen(fen)
    }

    /// The reversal of this entry, stored as `id`, on `date`: every line mirrored on the other
    /// side. Refused when it was reversed already (`already_reversed`), is itself a reversal, or
    /// `date` is before its own.
    pub fn reversal(&self, id: i64, already_reversed: bool, date: NaiveDate) -> Result<Entry, Refusal> {
        if self.reverses.is_some() {
            return Err(Refusal::ReversalOfReversal { entry: id });
        }
        if already_reversed {
            return Err(Refusal::AlreadyReversed { entry: id });
        }
        if date < self.date {
            return Err(Refusal::ReversalBeforeEntry { entry: id, on: self.date });
        }
        let lines = self.lines.iter().map(|l| Line { side: l.side.opposite(), ..*l }).collect();
        Entry::restored(date, self.package, Some(id), lines)
    }
}

/// Whether purchase entry `id` may be reversed, with `receipts` standing receipts on its
/// claims: only with none (otherwise its claims' cost would go negative).
pub fn purchase_reversible(id: i64, receipts: usize) -> Result<(), Refusal> {
    if receipts > 0 { Err(Refusal::PurchaseWithReceipts { entry: id }) } else { Ok(()) }
}

/// Balances by account and claim (`None`: lines for no claim), debits positive.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Balances(BTreeMap<(Account, Option<i64>), i128>);

impl Balances {
    pub fn of<'a>(entries: impl IntoIterator<Item = &'a Entry>) -> Balances {
        let mut b = Balances::default();
        for e in entries {
            b.add(e);
        }
        b
    }

    pub fn add(&mut self, e: &Entry) {
        for l in &e.lines {
            *self.0.entry((l.account, l.claim)).or_default() += l.signed();
        }
    }

    /// An account's balance over every claim, debits positive.
    pub fn account(&self, account: Account) -> i128 {
        self.0.iter().filter(|((a, _), _)| *a == account).map(|(_, v)| v).sum()
    }

    /// An account's balance for one claim, debits positive.
    pub fn claim(&self, account: Account, claim: i64) -> i128 {
        self.0.get(&(account, Some(claim))).copied().unwrap_or(0)
    }

    /// The sum of every balance: zero when the ledger balances.
    pub fn total(&self) -> i128 {
        self.0.values().sum()
    }

    /// Every non-zero balance.
    pub fn nonzero(&self) -> impl Iterator<Item = (&(Account, Option<i64>), &i128)> {
        self.0.iter().filter(|(_, v)| **v != 0)
    }
}

/// One account's row of a trial balance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TrialRow {
    pub account: Account,
    /// The period's debits and credits, in fen.
    pub debits: i128,
    pub credits: i128,
}

/// The trial balance of `entries` dated within `from..=to`: each account's debits and credits
/// (accounts without lines left out), in the chart's order. Debits total credits.
pub fn trial_balance<'a>(
    entries: impl IntoIterator<Item = &'a Entry>,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<TrialRow> {
    let mut rows: BTreeMap<Account, TrialRow> = BTreeMap::new();
    for e in entries.into_iter().filter(|e| (from..=to).contains(&e.date)) {
        for l in &e.lines {
            let r = rows.entry(l.account).or_insert(TrialRow { account: l.account, debits: 0, credits: 0 });
            match l.side {
                Side::Debit => r.debits += i128::from(l.amount.fen()),
                Side::Credit => r.credits += i128::from(l.amount.fen()),
            }
        }
    }
    rows.into_values().collect()
}

/// Entries held in memory with their ids (their index): posting and reversing as the store
/// does, for callers and tests without a database.
#[derive(Debug, Clone, Default)]
pub struct Journal {
    entries: Vec<Entry>,
}

impl Journal {
    /// Posts `entry`; its id.
    pub fn post(&mut self, entry: Entry) -> i64 {
        self.entries.push(entry);
        (self.entries.len() - 1) as i64
    }

    /// Posts the reversal of entry `id` on `date`; its id. Refused as [`Entry::reversal`]
    /// refuses.
    pub fn reverse(&mut self, id: i64, date: NaiveDate) -> Result<i64, Refusal> {
        let original =
            usize::try_from(id).ok().and_then(|k| self.entries.get(k)).ok_or(Refusal::NoSuchEntry { entry: id })?;
        let reversed = self.entries.iter().any(|e| e.reverses == Some(id));
        let r = original.reversal(id, reversed, date)?;
        Ok(self.post(r))
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub fn balances(&self) -> Balances {
        Balances::of(&self.entries)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()
    }

    #[test]
    fn unbalanced_and_empty_entries_are_refused_as_values() {
        let m = Money::from_fen;
        assert_eq!(Entry::new(d(), None, vec![]), Err(Refusal::Empty));
        let lopsided = vec![Line::debit(Account::BankCash, m(100)), Line::credit(Account::PaidInCapital, m(99))];
        assert_eq!(Entry::new(d(), None, lopsided), Err(Refusal::Unbalanced { debits: 100, credits: 99 }));
        let zero = vec![Line::debit(Account::BankCash, m(0)), Line::credit(Account::PaidInCapital, m(0))];
        assert_eq!(Entry::new(d(), None, zero), Err(Refusal::NotPositive));
    }

    #[test]
    fn an_entry_is_reversed_once_and_a_reversal_never() {
        let m = Money::from_fen;
        let mut j = Journal::default();
        let lines = vec![Line::debit(Account::BankCash, m(500)), Line::credit(Account::PaidInCapital, m(500))];
        let id = j.post(Entry::new(d(), None, lines).unwrap());
        let r = j.reverse(id, d()).unwrap();
        assert_eq!(j.balances().nonzero().count(), 0);
        assert_eq!(j.reverse(id, d()), Err(Refusal::AlreadyReversed { entry: id }));
        assert_eq!(j.reverse(r, d()), Err(Refusal::ReversalOfReversal { entry: r }));
        let lines = vec![Line::debit(Account::BankCash, m(700)), Line::credit(Account::PaidInCapital, m(700))];
        let later = j.post(Entry::new(d(), None, lines).unwrap());
        let day_before = d().pred_opt().unwrap();
        assert_eq!(j.reverse(later, day_before), Err(Refusal::ReversalBeforeEntry { entry: later, on: d() }));
        assert_eq!(j.balances().nonzero().count(), 2, "nothing posted");
    }
}
