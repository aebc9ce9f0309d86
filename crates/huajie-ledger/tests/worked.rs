//! One claim from purchase to the court's distribution, by hand.
//!
//! The claim: principal 1,000,000 元, interest 200,000 元, no costs advanced by the bank (owed
//! 1,200,000 元). Bought alone as package 1 on 2025-01-01 for 300,000 元 (its cost basis).
//!
//! - 2025-01-01 purchase: Dr 不良债权资产 300,000 / Cr 银行存款 300,000.
//! - 2025-06 judgment, 2025-10 first auction of the mortgaged flat fails (no cash).
//! - 2026-01-01 the enforcement's court fee for the second-round auction, 10,000 元: Dr 诉讼费用
//!   10,000 / Cr 银行存款 10,000. A cost of realising the claim: the debtor owes it too (costs
//!   owed 10,000; owed 1,210,000).
//! - 2026-11 the flat sells at the second auction; on 2027-01-01 the court distributes
//!   500,000 元 to us. Statutory order (民法典 第五百六十一条): costs 10,000, interest 200,000,
//!   principal 290,000; still owed: principal 710,000. Cost recovery: the first 300,000 recovers
//!   the cost basis, the other 200,000 is recovery income: Dr 银行存款 500,000 / Cr 不良债权资产
//!   300,000 / Cr 不良资产回收收益 200,000.
//! - 2027-01-01 the law firm's fee (半风险: 10% of what was recovered), 50,000 元: Dr 清收代理费
//!   50,000 / Cr 银行存款 50,000.
//!
//! P&L: income 200,000 − legal 10,000 − agency 50,000 = 140,000 元 (= cash 500,000 in less
//! 360,000 out). MOIC = 500,000 / 360,000 = 1.3889.
//! Realised IRR, ACT/365 (2025 and 2026 have 365 days: t = 0, 1, 2 years): the flows are
//! −300,000, −10,000, +450,000. With x = 1/(1+r): 450,000x² − 10,000x − 300,000 = 0, i.e.
//! 45x² − x − 30 = 0, x = (1 + √5401)/90 = 0.827683…, r = 90/(1 + √5401) − 1 = 20.8192…%.

use chrono::NaiveDate;
use huajie_core::Money;
use huajie_ledger::claim::{Position, expense_entry, purchase_entry, receive};
use huajie_ledger::returns::{Scope, cash_flows, pnl, returns};
use huajie_ledger::{
    Account, Balances, CostBasis, Expense, ExpenseKind, History, Journal, Owed, Receipt, Source, Split,
};

fn y(yuan: i64) -> Money {
    Money::from_yuan(yuan).unwrap()
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

#[test]
fn one_claim_from_purchase_to_the_court_distribution_and_the_fee() {
    let mut j = Journal::default();
    let claim = 42;
    let basis = CostBasis::from_allocation(y(300_000), &[(claim, y(280_000).fen())]).unwrap();
    j.post(purchase_entry(d("2025-01-01"), 1, &basis).unwrap());
    let court_fee = Expense {
        kind: ExpenseKind::CourtFee,
        date: d("2026-01-01"),
        amount: y(10_000),
        package: Some(1),
        claim: Some(claim),
        case: Some(7),
    };
    j.post(expense_entry(&court_fee).unwrap());

    let bought = Owed { costs: y(0), interest: y(200_000), principal: y(1_000_000) };
    let cost = j.balances().claim(Account::ClaimCost, claim);
    let history = History { bought, costs_paid: court_fee.amount, applied: &[], cost, sold: false, held: true };
    let at = Position::of(claim, Some(1), &history).unwrap();
    assert_eq!(at.owed.total().unwrap(), y(1_210_000));
    let distribution = Receipt {
        claim,
        case: Some(7),
        date: d("2027-01-01"),
        amount: y(500_000),
        source: Source::CourtDistribution,
        split: Split::Statutory,
    };
    let posted = receive(&at, &distribution).unwrap();
    assert_eq!(posted.applied, Owed { costs: y(10_000), interest: y(200_000), principal: y(290_000) });
    assert_eq!(posted.after.owed, Owed { costs: y(0), interest: y(0), principal: y(710_000) });
    assert_eq!(posted.after.cost, Money::ZERO);
    j.post(posted.entry);
    let fee = Expense { kind: ExpenseKind::AgencyFee, amount: y(50_000), date: d("2027-01-01"), ..court_fee };
    j.post(expense_entry(&fee).unwrap());

    let b: Balances = j.balances();
    assert_eq!(b.total(), 0);
    assert_eq!(b.claim(Account::ClaimCost, claim), 0);
    assert_eq!(b.account(Account::BankCash), i128::from(y(140_000).fen()));

    for scope in [Scope::Claim(claim), Scope::Package(1)] {
        let p = pnl(j.entries(), scope);
        assert_eq!(p.recovery_income, y(200_000).fen());
        assert_eq!((p.legal_fees, p.agency_fees), (y(10_000).fen(), y(50_000).fen()));
        assert_eq!(p.net(), y(140_000).fen());
        let flows = cash_flows(j.entries(), scope);
        assert_eq!(
            flows,
            vec![
                (d("2025-01-01"), -y(300_000).fen()),
                (d("2026-01-01"), -y(10_000).fen()),
                (d("2027-01-01"), y(450_000).fen()),
            ]
        );
        let r = returns(j.entries(), scope);
        assert_eq!((r.cash_in, r.cash_out), (y(500_000), y(360_000)));
        let by_hand = 90.0 / (1.0 + 5401f64.sqrt()) - 1.0;
        assert!((r.irr.unwrap() - by_hand).abs() < 1e-9, "{:?} vs {by_hand}", r.irr);
        assert!((by_hand - 0.208192).abs() < 1e-6);
        assert!((r.moic.unwrap() - 500_000.0 / 360_000.0).abs() < 1e-12);
    }
}
