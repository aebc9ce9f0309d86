//! A package's book appraised: the store's values read into the engine the way the model
//! says, retail batches by segment, results that add up, and a hash that names the inputs.

use chrono::NaiveDate;
use huajie_core::{
    Claim, Collateral, CollateralType, Guarantee, LitigationStage, Money, Party, PartyIdentifier, PartyStatus,
    ResidentId, Uscc, ValuationBasis,
};
use huajie_value::appraisal::Method;
mod common;

use common::example_assumptions;
use huajie_value::{Assumptions, Book, BookClaim, BookGuarantee, BookItem, BookLien, Options, appraise};

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn company(n: u32) -> Party {
    Party {
        name: format!("公司{n}"),
        identity: PartyIdentifier::Uscc(Uscc::with_check_chars(&format!("91330102MA2{n:05}")).unwrap()).into(),
        status: PartyStatus::Active,
        address: None,
        phone: None,
    }
}

fn person(n: u32) -> Party {
    Party {
        name: format!("个人{n}"),
        identity: PartyIdentifier::ResidentId(ResidentId::with_check_char(&format!("33010619800101{n:03}")).unwrap())
            .into(),
        status: PartyStatus::Active,
        address: None,
        phone: None,
    }
}

fn claim(id: i64, principal_yuan: i64, debtor: Party, stage: Option<LitigationStage>) -> BookClaim {
    BookClaim {
        id,
        claim: Claim {
            package_id: 1,
            contract_no: format!("HT{id}"),
            debtor_id: id,
            principal: Money::from_yuan(principal_yuan).unwrap(),
            interest: Money::ZERO,
            penalty: Money::ZERO,
            advanced_costs: Money::ZERO,
            five_class: None,
            litigation_stage: stage,
            default_date: Some(date("2024-01-15")),
            limitation_date: None,
            province: None,
            product: None,
            days_past_due: None,
            written_off: None,
        },
        debtor,
    }
}

fn residential(id: i64, appraised_yuan: i64, claim_ids: Vec<i64>) -> BookItem {
    BookItem {
        id,
        collateral: Collateral {
            collateral_type: CollateralType::Residential,
            description: "住宅".into(),
            address: None,
            province: None,
            appraised_value: Money::from_yuan(appraised_yuan).unwrap(),
            appraisal_date: None,
            prior_claims: Money::ZERO,
            owner_id: None,
        },
        liens: claim_ids.into_iter().map(|claim_id| BookLien { claim_id, rank: 1 }).collect(),
    }
}

#[test]
fn the_worked_example_through_the_book() {
    let a = example_assumptions();
    let book = Book {
        valuation_date: date("2026-06-30"),
        basis: ValuationBasis::ClaimByClaim,
        claims: vec![claim(41, 10_000_000, company(1), Some(LitigationStage::NotSued))],
        items: vec![residential(7, 12_000_000, vec![41])],
        guarantees: Vec::new(),
        liquidations: Vec::new(),
    };
    let r = appraise(&book, &a, &Options::default());
    assert_eq!(r.bid.round() as i64, 5_255_104);
    assert_eq!(r.claims.len(), 1);
    let c = &r.claims[0];
    assert_eq!((c.id, c.method), (41, Method::Claim));
    assert!((c.allocation - r.bid).abs() < 1e-6);
    assert_eq!(
        c.cash.iter().map(|(q, x)| (*q, x.round() as i64)).collect::<Vec<_>>(),
        vec![(1, -81_800), (5, -77_400), (6, 4_277_700), (7, 1_678_488), (8, 814_800)]
    );
    assert_eq!((c.judgment_month, c.enforcement_month, c.first_auction_month), (Some(11), Some(13), Some(15)));
    assert!((r.metrics.irr.unwrap() - 0.15).abs() < 1e-9);
    // The sensitivity table's middle row and first column is the bid itself.
    assert!((r.sensitivity.bids[2][0] - r.bid).abs() < 1e-6);
    // A 30% haircut lowers it; a higher IRR lowers it.
    assert!(r.sensitivity.bids[2][3] < r.bid && r.sensitivity.bids[4][0] < r.bid);
}

#[test]
fn one_item_secures_three_claims_each_at_the_rank_of_its_own_link() {
    // One building worth 20,000,000 secures three claims of 10,000,000 at ranks 1, 2 and 3.
    // The first lien is paid first, the second takes what is left, the third nothing
    // whenever the sale fetches less than 20,000,000.
    let claims = vec![
        claim(1, 10_000_000, company(11), Some(LitigationStage::NotSued)),
        claim(2, 10_000_000, company(11), Some(LitigationStage::NotSued)),
        claim(3, 10_000_000, company(11), Some(LitigationStage::NotSued)),
    ];
    let mut building = residential(9, 20_000_000, Vec::new());
    building.liens =
        vec![BookLien { claim_id: 3, rank: 3 }, BookLien { claim_id: 1, rank: 1 }, BookLien { claim_id: 2, rank: 2 }];
    let book = Book {
        valuation_date: date("2026-06-30"),
        basis: ValuationBasis::ClaimByClaim,
        claims,
        items: vec![building.clone()],
        guarantees: Vec::new(),
        liquidations: Vec::new(),
    };
    let a = Assumptions::default();
    let r = appraise(&book, &a, &Options::default());
    let collateral = |id: i64| r.claims.iter().find(|c| c.id == id).unwrap().collateral;
    assert!(collateral(1) > collateral(2), "{} vs {}", collateral(1), collateral(2));
    assert!(collateral(2) > collateral(3), "{} vs {}", collateral(2), collateral(3));
    // What the first lien gets is what a lone first lien on the building would get.
    let alone =
        Book { claims: vec![book.claims[0].clone()], items: vec![residential(9, 20_000_000, vec![1])], ..book.clone() };
    let alone = appraise(&alone, &a, &Options::default());
    assert!((collateral(1) - alone.claims[0].collateral).abs() < 1e-6);
    // All three at rank 1 share pro rata: each gets the same.
    let mut equal = book.clone();
    equal.items[0].liens.iter_mut().for_each(|l| l.rank = 1);
    let equal = appraise(&equal, &a, &Options::default());
    let shares: Vec<f64> = equal.claims.iter().map(|c| c.collateral).collect();
    assert!((shares[0] - shares[1]).abs() < 1e-6 && (shares[1] - shares[2]).abs() < 1e-6, "{shares:?}");
    assert!((shares.iter().sum::<f64>() - (1..=3).map(collateral).sum::<f64>()).abs() < 1e-3);
}

#[test]
fn a_limitation_date_before_the_valuation_date_makes_the_claim_time_barred() {
    let mut c = claim(1, 1_000_000, company(2), Some(LitigationStage::Judged));
    c.claim.limitation_date = Some(date("2026-01-31"));
    let book = |valuation_date| Book {
        valuation_date,
        basis: ValuationBasis::ClaimByClaim,
        claims: vec![c.clone()],
        items: Vec::new(),
        guarantees: Vec::new(),
        liquidations: Vec::new(),
    };
    let barred = appraise(&book(date("2026-06-30")), &Assumptions::default(), &Options::default());
    let live = appraise(&book(date("2025-12-31")), &Assumptions::default(), &Options::default());
    assert!(barred.claims[0].time_barred && !live.claims[0].time_barred);
    assert!((barred.claims[0].unsecured - 0.1 * live.claims[0].unsecured).abs() < 1e-6);
}

#[test]
fn a_retail_batch_is_valued_by_segment_and_its_price_allocated_in_full() {
    // 20 personal claims; one has a guarantor and one a car: those two stay claim by claim.
    let mut claims: Vec<BookClaim> = (1..=20)
        .map(|i| {
            let mut c = claim(
                i,
                5_000 + 3_000 * i,
                person(i as u32),
                if i % 3 == 0 { Some(LitigationStage::Judged) } else { None },
            );
            c.claim.product = Some(if i % 2 == 0 { "信用卡" } else { "消费贷" }.to_string());
            c.claim.days_past_due = Some(200 + 40 * i);
            c
        })
        .collect();
    claims[4].claim.days_past_due = None; // counted from the default date instead
    let car = BookItem {
        collateral: Collateral {
            collateral_type: CollateralType::Vehicle,
            ..residential(1, 80_000, vec![]).collateral
        },
        id: 1,
        liens: vec![BookLien { claim_id: 2, rank: 1 }],
    };
    let book = Book {
        valuation_date: date("2026-06-30"),
        basis: ValuationBasis::RetailBatch,
        claims,
        items: vec![car],
        guarantees: vec![BookGuarantee {
            guarantee: Guarantee { claim_id: 3, guarantor_id: 99, kind: None, cap: None },
            guarantor: person(99),
        }],
        liquidations: Vec::new(),
    };
    let r = appraise(&book, &Assumptions::default(), &Options { price: Some(2_000.0), ..Options::default() });
    let by_segment = r.claims.iter().filter(|c| c.method == Method::Segment).count();
    assert_eq!(by_segment, 18);
    assert!(r.claims.iter().filter(|c| c.method == Method::Claim).all(|c| c.id == 2 || c.id == 3));
    let allocated: f64 = r.claims.iter().map(|c| c.allocation).sum();
    assert!((allocated - 2_000.0).abs() < 1e-6, "{allocated}");
    let segment_claims: u64 = r.segments.iter().map(|s| s.claims).sum();
    assert_eq!(segment_claims, 18);
    // Each claim's projected cash (a retail claim's its share of its segment's) adds up, quarter
    // by quarter, to the package's: the back-test's projection (docs/ledger.md).
    let mut by_quarter = vec![0.0; r.quarterly.len()];
    for c in &r.claims {
        for (q, cash) in r.projected_cash(c) {
            by_quarter[q as usize - 1] += cash;
        }
    }
    for (q, (mine, package)) in by_quarter.iter().zip(&r.quarterly).enumerate() {
        assert!((mine - package).abs() < 1e-6 * package.abs().max(1.0), "quarter {}: {mine} vs {package}", q + 1);
    }
    assert!(r.segments.iter().any(|s| s.product == "信用卡") && r.segments.iter().any(|s| s.product == "消费贷"));
    assert!(r.retail_outside_anchor.is_some());
    // The same claims in a package valued claim by claim stay claim by claim.
    let by_claim = Book { basis: ValuationBasis::ClaimByClaim, ..book.clone() };
    let m = appraise(&by_claim, &Assumptions::default(), &Options::default());
    assert!(m.claims.iter().all(|c| c.method == Method::Claim) && m.segments.is_empty());
}

#[test]
fn the_input_hash_names_the_inputs() {
    let book = Book {
        valuation_date: date("2026-06-30"),
        basis: ValuationBasis::ClaimByClaim,
        claims: vec![
            claim(1, 2_000_000, company(3), Some(LitigationStage::Enforcing)),
            claim(2, 3_000_000, company(4), None),
        ],
        items: vec![residential(1, 4_000_000, vec![1, 2])],
        guarantees: Vec::new(),
        liquidations: Vec::new(),
    };
    let a = Assumptions::default();
    let first = appraise(&book, &a, &Options { scenarios: 50, ..Options::default() });
    let again = appraise(&book, &a, &Options { scenarios: 50, ..Options::default() });
    assert_eq!(first, again);
    let mut changed = book.clone();
    changed.items[0].collateral.appraised_value = Money::from_yuan(4_000_001).unwrap();
    assert_ne!(appraise(&changed, &a, &Options::default()).input_hash, first.input_hash);
    let mc = first.monte_carlo.as_ref().unwrap();
    assert_eq!(mc.present_values.len(), 50);
}

#[test]
fn a_hypothetical_liquidation_replaces_the_debtors_beta() {
    let c = claim(1, 10_000_000, company(5), Some(LitigationStage::Judged));
    let book = |liquidations| Book {
        valuation_date: date("2026-06-30"),
        basis: ValuationBasis::ClaimByClaim,
        claims: vec![c.clone()],
        items: Vec::new(),
        guarantees: Vec::new(),
        liquidations,
    };
    let a = Assumptions::default();
    let default = appraise(&book(Vec::new()), &a, &Options::default());
    // (3000 − 500 − 500) / (9000 − 500 − 500) = 25%, against the default 15% for an operating company.
    let wan = |x: i64| Money::from_wan(x).unwrap();
    let analysis = huajie_core::LiquidationAnalysis {
        party_id: c.claim.debtor_id,
        effective_assets: wan(3000),
        priority_deductions: wan(500),
        secured_recoveries: wan(500),
        effective_liabilities: wan(9000),
        secured_claims: wan(500),
        basis: "审计报告".into(),
    };
    let entered = appraise(&book(vec![analysis]), &a, &Options::default());
    assert!((default.claims[0].unsecured - 0.15 * 10_000_000.0).abs() < 1e-6);
    assert!((entered.claims[0].unsecured - 0.25 * 10_000_000.0).abs() < 1e-6);
    assert_ne!(default.input_hash, entered.input_hash);
}
