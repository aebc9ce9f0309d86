//! The claims held as the indicators read them: a claim sold (its lot sold, issue 14) leaves
//! the book, and the package's other claims keep their share of the price.

use chrono::NaiveDate;
use huajie_core::{Money, PackageStatus};
use huajie_rules::indicators::{HeldPackage, held_claim_exposures};

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn book(status: PackageStatus, sold: &[usize]) -> Vec<(i64, i64)> {
    let package = HeldPackage {
        status,
        price: Some(Money::from_fen(300)),
        claims: vec![(1, Money::from_fen(1_000)), (2, Money::from_fen(2_000))],
        sold: sold.iter().copied().collect(),
        cost: None,
        bought_on: None,
    };
    held_claim_exposures(&[package], day("2026-09-30")).iter().map(|e| (e.party, e.book_value.fen())).collect()
}

#[test]
fn a_claim_sold_leaves_the_book_and_the_others_keep_their_share() {
    assert_eq!(book(PackageStatus::Disposing, &[]), [(1, 100), (2, 200)]);
    assert_eq!(book(PackageStatus::Disposing, &[0]), [(2, 200)], "the other claim's share is unchanged");
    assert!(book(PackageStatus::Disposing, &[0, 1]).is_empty(), "a package sold whole is no longer held");
    assert!(book(PackageStatus::Closed, &[]).is_empty(), "a closed package holds nothing");
}

#[test]
fn with_the_recovery_ledger_a_claim_is_held_at_its_remaining_cost_and_leaves_at_nothing() {
    let package = |cost: [i64; 2]| HeldPackage {
        status: PackageStatus::Acquired,
        price: Some(Money::from_fen(300)),
        claims: vec![(1, Money::from_fen(1_000)), (2, Money::from_fen(2_000))],
        sold: Default::default(),
        cost: Some(cost.iter().map(|f| Money::from_fen(*f)).collect()),
        bought_on: None,
    };
    let book = |p: HeldPackage| -> Vec<(i64, i64)> {
        held_claim_exposures(&[p], day("2026-09-30")).iter().map(|e| (e.party, e.book_value.fen())).collect()
    };
    // The ledger's cost basis, not the price shared by what is owed (which would be 100 / 200).
    assert_eq!(book(package([180, 120])), [(1, 180), (2, 120)]);
    // 45 fen of claim 1's cost recovered: its book value is what is left.
    assert_eq!(book(package([135, 120])), [(1, 135), (2, 120)]);
    assert_eq!(book(package([0, 120])), [(2, 120)], "a claim with no cost left is no longer held");
    let closed = HeldPackage { status: PackageStatus::Closed, ..package([180, 120]) };
    assert!(book(closed).is_empty(), "a closed package holds nothing, whatever its ledger");
}

#[test]
fn a_package_bought_after_the_date_is_not_held_then() {
    let package = |cost: Option<Vec<Money>>| HeldPackage {
        status: PackageStatus::Acquired,
        price: Some(Money::from_fen(300)),
        claims: vec![(1, Money::from_fen(1_000)), (2, Money::from_fen(2_000))],
        sold: Default::default(),
        cost,
        bought_on: Some(day("2024-03-01")),
    };
    let book = |p: HeldPackage, as_of: &str| -> Vec<(i64, i64)> {
        held_claim_exposures(&[p], day(as_of)).iter().map(|e| (e.party, e.book_value.fen())).collect()
    };
    for cost in [None, Some(vec![Money::from_fen(180), Money::from_fen(120)])] {
        assert!(book(package(cost.clone()), "2024-02-29").is_empty(), "not yet bought: not held");
        assert_eq!(book(package(cost.clone()), "2024-03-01").len(), 2, "held from the day it was bought");
    }
    assert_eq!(book(package(None), "2024-03-31"), [(1, 100), (2, 200)]);
}
