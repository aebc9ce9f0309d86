//! Properties every valuation holds, over generated packages: a claim never recovers more
//! than it is owed, the price allocation sums to the price, more collateral never lowers a
//! claim's value.

use huajie_core::{CollateralType, LitigationStage, PartyKind};
use huajie_value::{Assumptions, ClaimIn, DebtorIn, GuarantorIn, ItemIn, Lien, Standing, allocate, pv, value};
use proptest::prelude::*;

fn stage() -> impl Strategy<Value = LitigationStage> {
    prop::sample::select(LitigationStage::ALL.to_vec())
}

fn party() -> impl Strategy<Value = DebtorIn> {
    (
        prop::sample::select(vec![PartyKind::Corporate, PartyKind::Individual]),
        prop::sample::select(vec![Standing::Normal, Standing::Ceased, Standing::Bankrupt, Standing::DeceasedOrMissing]),
    )
        .prop_map(|(kind, standing)| DebtorIn { kind, standing })
}

fn claim() -> impl Strategy<Value = ClaimIn> {
    (
        1_000.0..50_000_000.0f64,
        party(),
        stage(),
        any::<bool>(),
        prop::collection::vec((party(), prop::option::of(0.0..20_000_000.0f64)), 0..3),
    )
        .prop_map(|(amount, debtor, stage, time_barred, guarantors)| ClaimIn {
            amount,
            debtor,
            stage: Some(stage),
            time_barred,
            guarantors: guarantors.into_iter().map(|(party, cap)| GuarantorIn { party, cap }).collect(),
            unsecured_beta: None,
        })
}

fn item(claims: usize) -> impl Strategy<Value = ItemIn> {
    (
        prop::sample::select(CollateralType::ALL.to_vec()),
        0.0..80_000_000.0f64,
        0.0..5_000_000.0f64,
        prop::collection::vec((0..claims, 1u8..4), 1..4),
    )
        .prop_map(|(kind, appraised, prior, liens)| {
            let mut seen = Vec::new();
            let liens = liens
                .into_iter()
                .filter(|(c, _)| {
                    if seen.contains(c) {
                        false
                    } else {
                        seen.push(*c);
                        true
                    }
                })
                .map(|(claim, rank)| Lien { claim, rank })
                .collect();
            ItemIn { kind, appraised, prior, liens }
        })
}

fn package() -> impl Strategy<Value = (Vec<ClaimIn>, Vec<ItemIn>)> {
    (1usize..6).prop_flat_map(|n| (prop::collection::vec(claim(), n), prop::collection::vec(item(n), 0..5)))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn no_claim_recovers_more_than_it_is_owed((claims, items) in package()) {
        let v = value(&claims, &items, &Assumptions::default());
        for (c, r) in claims.iter().zip(v.claims()) {
            let recovered = r.collateral + r.guarantors + r.unsecured;
            prop_assert!(recovered <= c.amount * (1.0 + 1e-9), "{recovered} > {}", c.amount);
            prop_assert!(r.expected_collateral_recovery <= c.amount * (1.0 + 1e-9));
            prop_assert!(recovered >= 0.0);
        }
    }

    #[test]
    fn the_price_is_allocated_in_full((claims, items) in package(), price in 0.0..100_000_000.0f64) {
        let v = value(&claims, &items, &Assumptions::default());
        let pvs: Vec<f64> = v.claims().map(|c| pv(&c.quarterly(), 0.15)).collect();
        let shares = allocate(price, &pvs);
        prop_assert!((shares.iter().sum::<f64>() - price).abs() <= 1e-6 * price.max(1.0));
    }

    #[test]
    fn more_collateral_never_lowers_a_claims_value(
        c in claim(),
        kind in prop::sample::select(CollateralType::ALL.to_vec()),
        appraised in 0.0..40_000_000.0f64,
        more in 0.0..40_000_000.0f64,
        prior in 0.0..5_000_000.0f64,
    ) {
        let a = Assumptions::default();
        let claims = [c];
        let worth = |appraised: f64| {
            let items = [ItemIn { kind, appraised, prior, liens: vec![Lien { claim: 0, rank: 1 }] }];
            pv(&value(&claims, &items, &a).quarterly, 0.15)
        };
        let without = pv(&value(&claims, &[], &a).quarterly, 0.15);
        prop_assert!(worth(appraised) >= without - 1e-6);
        prop_assert!(worth(appraised + more) >= worth(appraised) - 1e-6);
    }
}
