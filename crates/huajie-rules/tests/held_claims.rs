//! The claims held as the indicators read them: a claim sold (its lot sold, issue 14) leaves
//! the book, and the package's other claims keep their share of the price.

use huajie_core::{Money, PackageStatus};
use huajie_rules::indicators::{HeldPackage, held_claim_exposures};

fn book(status: PackageStatus, sold: &[usize]) -> Vec<(i64, i64)> {
    let package = HeldPackage {
        status,
        price: Some(Money::from_fen(300)),
        claims: vec![(1, Money::from_fen(1_000)), (2, Money::from_fen(2_000))],
        sold: sold.iter().copied().collect(),
    };
    held_claim_exposures(&[package]).iter().map(|e| (e.party, e.book_value.fen())).collect()
}

#[test]
fn a_claim_sold_leaves_the_book_and_the_others_keep_their_share() {
    assert_eq!(book(PackageStatus::Disposing, &[]), [(1, 100), (2, 200)]);
    assert_eq!(book(PackageStatus::Disposing, &[0]), [(2, 200)], "the other claim's share is unchanged");
    assert!(book(PackageStatus::Disposing, &[0, 1]).is_empty(), "a package sold whole is no longer held");
    assert!(book(PackageStatus::Closed, &[]).is_empty(), "a closed package holds nothing");
}
