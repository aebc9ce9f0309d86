//! A claim in the ledger: what the debtor legally owes (costs, interest, principal) kept apart
//! from what the company paid for it (its cost basis), and the entries a receipt, an expense,
//! a purchase or a funding makes.
//!
//! **Allocation** of a receipt to what is owed, unless a court orders otherwise: first the
//! costs of realising the claim, then interest, then principal — 《中华人民共和国民法典》第五百六十一条
//! (“债务人在履行主债务外还应当支付利息和实现债权的有关费用，其给付不足以清偿全部债务的，除当事人另有约定外，
//! 应当按照下列顺序履行：（一）实现债权的有关费用；（二）利息；（三）主债务。”). A court's distribution
//! may set its own split ([`Split::Ordered`]).
//!
//! **Accounting: cost recovery.** A purchased non-performing claim's cash flows are too
//! uncertain to accrue income on, so cash received first recovers the claim's remaining cost
//! basis (credit 不良债权资产—收购成本) and only what exceeds it is recovery income. A claim sold
//! on has its remaining cost set against the price: a disposal gain or loss. A claim paid in
//! full with cost still on its books closes with that cost as a disposal loss.

use chrono::NaiveDate;
use huajie_core::{Money, named_enum};
use serde::Serialize;

use crate::accounts::Account;
use crate::basis::CostBasis;
use crate::entry::{Entry, Line};
use crate::refusal::Refusal;

/// What is owed on a claim, by part.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Owed {
    /// 实现债权的有关费用: costs advanced and awarded.
    pub costs: Money,
    /// Interest and penalty interest.
    pub interest: Money,
    pub principal: Money,
}

impl Owed {
    /// What a claim's record says is owed: its advanced costs, its interest and penalty
    /// interest, its principal.
    pub fn of_claim(c: &huajie_core::Claim) -> Result<Owed, Refusal> {
        let interest = c.interest.checked_add(c.penalty).map_err(|_| Refusal::Overflow)?;
        Ok(Owed { costs: c.advanced_costs, interest, principal: c.principal })
    }

    pub fn total(&self) -> Result<Money, Refusal> {
        Money::checked_sum([self.costs, self.interest, self.principal]).map_err(|_| Refusal::Overflow)
    }

    /// `self − other`, part by part.
    pub fn less(&self, other: &Owed) -> Result<Owed, Refusal> {
        let sub = |a: Money, b: Money| a.checked_sub(b).map_err(|_| Refusal::Overflow);
        Ok(Owed {
            costs: sub(self.costs, other.costs)?,
            interest: sub(self.interest, other.interest)?,
            principal: sub(self.principal, other.principal)?,
        })
    }

    fn within(&self, owed: &Owed) -> bool {
        let parts = [(self.costs, owed.costs), (self.interest, owed.interest), (self.principal, owed.principal)];
        parts.iter().all(|(a, b)| !a.is_negative() && a.fen() <= b.fen())
    }
}

named_enum! {
    /// Where a receipt came from.
    pub enum Source {
        Debtor = ("debtor", "债务人还款", "Debtor's payment"),
        Guarantor = ("guarantor", "保证人代偿", "Guarantor's payment"),
        CourtDistribution = ("court_distribution", "法院执行分配款", "Court distribution"),
        SaleProceeds = ("sale_proceeds", "债权转让价款", "Sale proceeds (claim sold)"),
    }
}

/// How a receipt is split over what is owed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Split {
    /// Costs, then interest, then principal (民法典 第五百六十一条).
    Statutory,
    /// As the court ordered: the parts must add up to the receipt.
    Ordered(Owed),
}

/// How `amount` received on `claim` pays what is `owed`, split `how`. Refused beyond what is
/// owed, and for an ordered split that does not add up or takes more of a part than is owed.
pub fn split(claim: i64, owed: &Owed, amount: Money, how: Split) -> Result<Owed, Refusal> {
    let total = owed.total()?;
    if amount.fen() > total.fen() {
        return Err(Refusal::BeyondOwed { claim, owed: total, received: amount });
    }
    match how {
        Split::Statutory => {
            let mut left = amount.fen();
            let mut take = |part: Money| {
                let t = left.min(part.fen());
                left -= t;
                Money::from_fen(t)
            };
            let costs = take(owed.costs);
            let interest = take(owed.interest);
            let principal = take(owed.principal);
            Ok(Owed { costs, interest, principal })
        }
        Split::Ordered(parts) => {
            if parts.total()? != amount || !parts.within(owed) {
                return Err(Refusal::BadSplit { claim });
            }
            Ok(parts)
        }
    }
}

/// Where a claim stands in the ledger: what is still owed on it, its remaining cost basis,
/// and whether it is closed (sold, or paid in full).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Position {
    pub claim: i64,
    pub package: Option<i64>,
    pub owed: Owed,
    pub cost: Money,
    pub closed: bool,
    /// Whether the company holds it: its package bought (a receipt on a claim not bought is
    /// not the company's).
    pub held: bool,
}

/// A claim's history as the ledger holds it, from which its [`Position`] follows.
#[derive(Debug, Clone, Copy)]
pub struct History<'a> {
    /// What was owed on it when bought.
    pub bought: Owed,
    /// Costs of realising it the company paid since ([`ExpenseKind::recoverable`] expenses on
    /// it): owed by the debtor too (民法典 第五百六十一条: 实现债权的有关费用).
    pub costs_paid: Money,
    /// How each standing receipt paid what was owed.
    pub applied: &'a [Owed],
    /// Its cost account's balance, debits positive.
    pub cost: i128,
    /// Whether a standing receipt sold it.
    pub sold: bool,
    /// Whether its package was bought.
    pub held: bool,
}

impl Position {
    /// Where a claim stands: what was owed when bought and the costs paid since, less what its
    /// standing receipts paid; its remaining cost; closed when sold or paid in full. Refused
    /// (`Overpaid`) when the receipts paid more of a part than is owed on it — what a reversal
    /// of a repaid cost would leave, and so refused.
    pub fn of(claim: i64, package: Option<i64>, h: &History<'_>) -> Result<Position, Refusal> {
        let costs = h.bought.costs.checked_add(h.costs_paid).map_err(|_| Refusal::Overflow)?;
        let owed = h.applied.iter().try_fold(Owed { costs, ..h.bought }, |o, a| o.less(a))?;
        if [owed.costs, owed.interest, owed.principal].iter().any(|m| m.is_negative()) {
            return Err(Refusal::Overpaid { claim });
        }
        let owed = if h.sold { Owed::default() } else { owed };
        let cost = Money::from_fen(i64::try_from(h.cost).map_err(|_| Refusal::Overflow)?);
        let closed = h.sold || owed.total()?.fen() == 0;
        Ok(Position { claim, package, owed, cost, closed, held: h.held })
    }
}

/// A receipt of cash on a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Receipt {
    pub claim: i64,
    pub case: Option<i64>,
    pub date: NaiveDate,
    pub amount: Money,
    pub source: Source,
    pub split: Split,
}

/// A receipt posted: how it paid what was owed (for a sale, what of the debt the price stood
/// against: the debt itself passes to the buyer, but the price is held within what was owed, so
/// that a cost it relied on cannot be reversed from under it), its entry, and the claim's
/// position after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Posted {
    pub applied: Owed,
    pub entry: Entry,
    pub after: Position,
}

/// The entry of `receipt` on the claim at `position`, by cost recovery (module docs). Refused
/// on a claim not held or closed, for an amount that is not positive, beyond what is owed, or split badly.
pub fn receive(position: &Position, receipt: &Receipt) -> Result<Posted, Refusal> {
    let claim = position.claim;
    if !position.held {
        return Err(Refusal::NotHeld { claim });
    }
    if position.closed {
        return Err(Refusal::Closed { claim });
    }
    if receipt.amount.fen() <= 0 {
        return Err(Refusal::NotPositive);
    }
    let applied = split(claim, &position.owed, receipt.amount, receipt.split)?;
    let on = |l: Line| l.on(Some(claim), receipt.case);
    let amount = receipt.amount.fen();
    let cost = position.cost.fen().max(0);
    let mut lines = vec![on(Line::debit(Account::BankCash, receipt.amount))];
    let mut push = |l: Line| {
        if l.amount.fen() > 0 {
            lines.push(on(l));
        }
    };
    let after = if receipt.source == Source::SaleProceeds {
        push(Line::credit(Account::ClaimCost, Money::from_fen(cost)));
        push(Line::credit(Account::DisposalGain, Money::from_fen(amount - cost)));
        push(Line::debit(Account::DisposalLoss, Money::from_fen(cost - amount)));
        Position { owed: Owed::default(), cost: Money::ZERO, closed: true, ..*position }
    } else {
        let recovered = amount.min(cost);
        push(Line::credit(Account::ClaimCost, Money::from_fen(recovered)));
        push(Line::credit(Account::RecoveryIncome, Money::from_fen(amount - recovered)));
        let owed = position.owed.less(&applied)?;
        let settled = owed.total()?.fen() == 0;
        let rest = if settled { cost - recovered } else { 0 };
        push(Line::debit(Account::DisposalLoss, Money::from_fen(rest)));
        push(Line::credit(Account::ClaimCost, Money::from_fen(rest)));
        let cost = Money::from_fen(position.cost.fen() - recovered - rest);
        Position { owed, cost, closed: settled, ..*position }
    };
    let entry = Entry::new(receipt.date, position.package, lines)?;
    Ok(Posted { applied, entry, after })
}

named_enum! {
    /// What an expense paid for; each posts to its account of the chart.
    pub enum ExpenseKind {
        CourtFee = ("court_fee", "诉讼费", "Court fees"),
        LawyerFee = ("lawyer_fee", "律师费", "Lawyer's fees"),
        AgencyFee = ("agency_fee", "清收代理费", "Collection agency fee"),
        Tax = ("tax", "税金及附加", "Taxes and surcharges"),
        Vat = ("vat", "增值税", "VAT paid"),
        FundingInterest = ("funding_interest", "融资利息", "Funding interest"),
    }
}

impl ExpenseKind {
    /// The account it is debited to (VAT paid to 应交税费—应交增值税, not to profit and loss).
    pub fn account(self) -> Account {
        match self {
            ExpenseKind::CourtFee | ExpenseKind::LawyerFee => Account::LegalFees,
            ExpenseKind::AgencyFee => Account::AgencyFees,
            ExpenseKind::Tax => Account::TaxesAndSurcharges,
            ExpenseKind::Vat => Account::VatPayable,
            ExpenseKind::FundingInterest => Account::FundingInterest,
        }
    }

    /// Whether the debtor owes it back as a cost of realising the claim (民法典 第五百六十一条
    /// 实现债权的有关费用): court fees (the judgment puts them on the losing debtor) and lawyer's
    /// fees (bank loan contracts name them among the costs of realising the claim — our
    /// reading; a contract that does not is settled by a court-ordered split). Agency fees,
    /// taxes and interest are the company's own.
    pub fn recoverable(self) -> bool {
        matches!(self, ExpenseKind::CourtFee | ExpenseKind::LawyerFee)
    }
}

/// Cash paid out for a package, a claim or a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Expense {
    pub kind: ExpenseKind,
    pub date: NaiveDate,
    pub amount: Money,
    pub package: Option<i64>,
    pub claim: Option<i64>,
    pub case: Option<i64>,
}

impl Expense {
    /// The expense with its claim's package (`claim_package`) as its package; refused when it
    /// named another.
    pub fn in_package(self, claim_package: i64) -> Result<Expense, Refusal> {
        match (self.claim, self.package) {
            (Some(claim), Some(package)) if package != claim_package => {
                Err(Refusal::ClaimNotInPackage { claim, package })
            }
            _ => Ok(Expense { package: Some(claim_package), ..self }),
        }
    }
}

/// An expense's entry: its account debited, bank cash credited.
pub fn expense_entry(e: &Expense) -> Result<Entry, Refusal> {
    let lines = vec![
        Line::debit(e.kind.account(), e.amount).on(e.claim, e.case),
        Line::credit(Account::BankCash, e.amount).on(e.claim, e.case),
    ];
    Entry::new(e.date, e.package, lines)
}

/// A package's purchase: each claim's cost basis debited, and the cash paid for it credited
/// claim by claim (so that each claim's cash flows start with its price).
pub fn purchase_entry(date: NaiveDate, package: i64, basis: &CostBasis) -> Result<Entry, Refusal> {
    basis.check()?;
    let lines = basis
        .shares()
        .iter()
        .filter(|(_, m)| m.fen() > 0)
        .flat_map(|(c, m)| {
            [
                Line::debit(Account::ClaimCost, *m).on(Some(*c), None),
                Line::credit(Account::BankCash, *m).on(Some(*c), None),
            ]
        })
        .collect();
    Entry::new(date, Some(package), lines)
}

/// A bought package's purchase entry, from what the acquisition recorded (`acquired`: the day
/// and the price; `None` when not bought) and the valuation run's allocation (claim, share in
/// fen). Refused for a package not bought, one whose purchase stands already (`posted`), or a
/// cost basis the allocation cannot give.
pub fn purchase(
    package: i64,
    acquired: Option<(NaiveDate, Money)>,
    posted: bool,
    allocation: &[(i64, i64)],
) -> Result<Entry, Refusal> {
    let Some((on, price)) = acquired else { return Err(Refusal::PackageNotBought { package }) };
    if posted {
        return Err(Refusal::PurchasePosted { package });
    }
    purchase_entry(on, package, &CostBasis::from_allocation(price, allocation)?)
}

/// How the company is funded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Funding {
    /// Capital paid in.
    Capital,
    /// A drawing on a loan or funding line.
    Drawing,
    /// A repayment of borrowed principal.
    Repayment,
}

/// A funding's entry: bank cash against paid-in capital or borrowings.
pub fn funding_entry(date: NaiveDate, package: Option<i64>, how: Funding, amount: Money) -> Result<Entry, Refusal> {
    let lines = match how {
        Funding::Capital => vec![Line::debit(Account::BankCash, amount), Line::credit(Account::PaidInCapital, amount)],
        Funding::Drawing => {
            vec![Line::debit(Account::BankCash, amount), Line::credit(Account::FundingLiability, amount)]
        }
        Funding::Repayment => {
            vec![Line::debit(Account::FundingLiability, amount), Line::credit(Account::BankCash, amount)]
        }
    };
    Entry::new(date, package, lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn y(yuan: i64) -> Money {
        Money::from_yuan(yuan).unwrap()
    }

    fn d() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()
    }

    fn position() -> Position {
        let owed = Owed { costs: y(10), interest: y(100), principal: y(1_000) };
        Position { claim: 9, package: Some(1), owed, cost: y(300), closed: false, held: true }
    }

    #[test]
    fn a_receipt_pays_costs_then_interest_then_principal() {
        let r = Receipt {
            claim: 9,
            case: None,
            date: d(),
            amount: y(150),
            source: Source::Debtor,
            split: Split::Statutory,
        };
        let p = receive(&position(), &r).unwrap();
        assert_eq!(p.applied, Owed { costs: y(10), interest: y(100), principal: y(40) });
        assert_eq!(p.after.owed.principal, y(960));
        assert_eq!(p.after.cost, y(150), "cost recovery: all of it recovers cost");
    }

    #[test]
    fn a_receipt_beyond_what_is_owed_is_refused_naming_the_claim_and_both_amounts() {
        let r = Receipt {
            claim: 9,
            case: None,
            date: d(),
            amount: y(1_111),
            source: Source::Guarantor,
            split: Split::Statutory,
        };
        let refusal = receive(&position(), &r).unwrap_err();
        assert_eq!(refusal, Refusal::BeyondOwed { claim: 9, owed: y(1_110), received: y(1_111) });
        let t = refusal.text();
        assert!(t.zh.contains("债权 #9") && t.zh.contains("1,110.00") && t.zh.contains("1,111.00"), "{t}");
        assert!(t.en.contains("Claim #9"), "{t}");
    }

    #[test]
    fn a_court_order_splits_as_it_says_and_must_add_up() {
        let order = Owed { costs: y(0), interest: y(0), principal: y(200) };
        let r = Receipt {
            claim: 9,
            case: Some(4),
            date: d(),
            amount: y(200),
            source: Source::CourtDistribution,
            split: Split::Ordered(order),
        };
        assert_eq!(receive(&position(), &r).unwrap().applied, order);
        let bad = Receipt { amount: y(199), ..r };
        assert_eq!(receive(&position(), &bad).unwrap_err(), Refusal::BadSplit { claim: 9 });
    }

    #[test]
    fn a_purchase_is_posted_once_and_only_for_a_package_bought() {
        let allocation = [(1, 700), (2, 300)];
        assert_eq!(purchase(5, None, false, &allocation), Err(Refusal::PackageNotBought { package: 5 }));
        let bought = Some((d(), y(10)));
        assert_eq!(purchase(5, bought, true, &allocation), Err(Refusal::PurchasePosted { package: 5 }));
        let e = purchase(5, bought, false, &allocation).unwrap();
        assert_eq!((e.total(), e.package(), e.date()), (y(10), Some(5), d()));
    }

    #[test]
    fn a_sale_sets_the_remaining_cost_against_the_price() {
        let r = Receipt {
            claim: 9,
            case: None,
            date: d(),
            amount: y(250),
            source: Source::SaleProceeds,
            split: Split::Statutory,
        };
        let p = receive(&position(), &r).unwrap();
        let loss = p.entry.lines().iter().find(|l| l.account == Account::DisposalLoss).unwrap();
        assert_eq!(loss.amount, y(50));
        assert!(p.after.closed);
        assert_eq!(receive(&p.after, &r).unwrap_err(), Refusal::Closed { claim: 9 });
    }
}
