//! The worked example of valuation.md 3.8, to the yuan, and properties every valuation holds.

mod common;

use common::example_assumptions;

use huajie_core::{CollateralType, LitigationStage, PartyKind};
use huajie_value::{Assumptions, ClaimIn, DebtorIn, GuarantorIn, ItemIn, Lien, Standing, allocate, metrics, pv, value};

fn company() -> DebtorIn {
    DebtorIn { kind: PartyKind::Corporate, standing: Standing::Normal }
}

fn claim(amount: f64, stage: LitigationStage) -> ClaimIn {
    ClaimIn {
        amount,
        debtor: company(),
        stage: Some(stage),
        time_barred: false,
        guarantors: Vec::new(),
        unsecured_beta: None,
    }
}

#[test]
fn the_worked_example_to_the_yuan() {
    let claims = [claim(10_000_000.0, LitigationStage::NotSued)];
    let items = [ItemIn {
        kind: CollateralType::Residential,
        appraised: 12_000_000.0,
        prior: 0.0,
        liens: vec![Lien { claim: 0, rank: 1 }],
    }];
    let v = value(&claims, &items, &example_assumptions());
    let yuan: Vec<(usize, i64)> = v
        .quarterly
        .iter()
        .enumerate()
        .filter(|(_, x)| x.abs() > 0.005)
        .map(|(q, x)| (q + 1, x.round() as i64))
        .collect();
    assert_eq!(yuan, vec![(1, -81_800), (5, -77_400), (6, 4_277_700), (7, 1_678_488), (8, 814_800)]);

    let bid = pv(&v.quarterly, 0.15);
    assert_eq!(bid.round() as i64, 5_255_104);
    let m = metrics(&v.quarterly, bid, 10_000_000.0, 10_000_000.0);
    assert_eq!((m.moic * 1000.0).round() / 1000.0, 1.251);
    assert!((m.irr.unwrap() - 0.15).abs() < 1e-6, "{:?}", m.irr);
    assert!((m.price_of_claim - 0.5255).abs() < 1e-4);
    // −5,255,104 − 81,800 − 77,400 + 4,277,700 = −1,136,604 after q6; + 1,678,488 ≥ 0 in q7.
    assert_eq!(m.payback_quarter, Some(7));
}

#[test]
fn a_claim_never_recovers_more_than_it_is_owed() {
    // Far more collateral than claim, a generous guarantor and an operating debtor.
    let mut c = claim(1_000_000.0, LitigationStage::Enforcing);
    c.guarantors.push(GuarantorIn { party: company(), cap: None });
    let items = [ItemIn {
        kind: CollateralType::Vehicle,
        appraised: 50_000_000.0,
        prior: 0.0,
        liens: vec![Lien { claim: 0, rank: 1 }],
    }];
    let v = value(&[c], &items, &Assumptions::default());
    let recovered = v.claim(0).collateral + v.claim(0).guarantors + v.claim(0).unsecured;
    assert!(recovered <= 1_000_000.0 + 1e-6, "{recovered}");
}

#[test]
fn more_collateral_never_lowers_the_value() {
    let a = Assumptions::default();
    let claims = [claim(5_000_000.0, LitigationStage::Judged)];
    let mut last = f64::NEG_INFINITY;
    for appraised in [0.0, 1_000_000.0, 3_000_000.0, 6_000_000.0, 9_000_000.0, 20_000_000.0] {
        let items = [ItemIn {
            kind: CollateralType::Industrial,
            appraised,
            prior: 500_000.0,
            liens: vec![Lien { claim: 0, rank: 1 }],
        }];
        let now = pv(&value(&claims, &items, &a).quarterly, 0.15);
        assert!(now >= last - 1e-6, "{appraised}: {now} < {last}");
        last = now;
    }
}

#[test]
fn a_shared_item_pays_the_first_rank_first_and_allocations_sum_to_the_price() {
    let a = Assumptions::default();
    let claims = [claim(2_000_000.0, LitigationStage::Judged), claim(3_000_000.0, LitigationStage::Filed)];
    let items = [ItemIn {
        kind: CollateralType::Residential,
        appraised: 2_500_000.0,
        prior: 0.0,
        liens: vec![Lien { claim: 1, rank: 2 }, Lien { claim: 0, rank: 1 }],
    }];
    let v = value(&claims, &items, &a);
    // Rank 1 is covered first: the first claim expects more from the house than the second.
    assert!(v.claim(0).expected_collateral_recovery > v.claim(1).expected_collateral_recovery);
    assert!(v.claim(0).expected_collateral_recovery <= 2_000_000.0);
    let pvs: Vec<f64> = v.claims().map(|c| pv(&c.quarterly(), 0.15)).collect();
    let shares = allocate(1_234_567.0, &pvs);
    assert!((shares.iter().sum::<f64>() - 1_234_567.0).abs() < 1e-6);
}

#[test]
fn bankruptcy_and_time_barred_claims() {
    let a = Assumptions::default();
    let mut barred = claim(1_000_000.0, LitigationStage::NotSued);
    let v_ok = value(std::slice::from_ref(&barred), &[], &a);
    barred.time_barred = true;
    let v_barred = value(&[barred], &[], &a);
    // Recoveries × 0.10; fees unscaled.
    assert!((v_barred.claim(0).unsecured - v_ok.claim(0).unsecured * 0.10).abs() < 1e-6);
    assert_eq!(v_barred.claim(0).court_fees, v_ok.claim(0).court_fees);

    let bankrupt = claim(1_000_000.0, LitigationStage::Bankruptcy);
    let v = value(&[bankrupt], &[], &a);
    // No court fees; the estate pays 5% of what is owed at month 24 (quarter 8), less 8% legal costs.
    assert_eq!(v.claim(0).court_fees, 0.0);
    assert!((v.quarterly[7] - 1_000_000.0 * 0.05 * 0.92).abs() < 1e-6, "{:?}", v.quarterly);
}
