//! Issue 15's walk: one claim from its purchase through the courts to the court's distribution
//! and the law firm's fee, recorded as the people would record it — the case and its stages by
//! the asset manager, the money by finance — and its P&L and realised IRR checked against the
//! figures worked by hand below. On SQLite and again on PostgreSQL when `HUAJIE_TEST_PG` is set.
//!
//! The claim: principal 1,000,000 元, interest 200,000 元, no costs (owed 1,200,000 元), alone
//! in package WALK-1, bought on 2025-01-01 for 300,000 元 (its cost basis, the whole price).
//!
//! | day        | what happens                                      | cash          |
//! | ---------- | ------------------------------------------------- | ------------- |
//! | 2025-01-01 | purchase                                          | −300,000      |
//! | 2025-03-03 | 立案; the firm engaged on 全风险, 10% of recoveries |               |
//! | 2025-05-12 | 开庭; 2025-06-16 判决; 2025-07-02 生效                |               |
//! | 2025-08-04 | 执行立案; 2025-08-20 查封; 2025-09-15 评估            |               |
//! | 2025-10-20 | 一拍: no bidder (流拍)                              |               |
//! | 2026-01-01 | the court's costs of the second round, advanced   | −10,000       |
//! | 2026-11-16 | 二拍: the flat sells                               |               |
//! | 2027-01-01 | the court distributes to us                        | +500,000      |
//! | 2027-01-01 | the firm's fee, 10% of 500,000                     | −50,000       |
//!
//! The distribution in the statutory order (民法典 第五百六十一条): costs 10,000 (the debtor owes
//! the costs we advanced), interest 200,000, principal 290,000; still owed principal 710,000. Cost
//! recovery: its first 300,000 recovers the cost basis, the other 200,000 is recovery income.
//!
//! P&L: income 200,000 − legal 10,000 − agency 50,000 = 140,000 元 (cash 500,000 in, 360,000 out).
//! MOIC = 500,000 / 360,000. Realised IRR, ACT/365 (2025 and 2026 have 365 days, so the flows
//! fall at t = 0, 1 and 2 years): −300,000, −10,000, +450,000 net. With x = 1/(1+r):
//! 450,000x² − 10,000x − 300,000 = 0, i.e. 45x² − x − 30 = 0, x = (1 + √5401)/90, so
//! r = 90/(1 + √5401) − 1 = 20.8192…%.

use std::sync::Arc;

use chrono::NaiveDate;
use huajie_cases::{AgencyKind, CaseNumber, FeeModel, FeeTerms, Stage};
use huajie_core::clock::{FixedClock, beijing_midnight};
use huajie_core::{Claim, Money, Package, PackageStatus};
use huajie_ledger::returns::Scope;
use huajie_ledger::{Expense, ExpenseKind, Owed, Receipt, Source, Split};
use huajie_store::testing::{TestStore, corporate};
use huajie_store::{AgencyInput, CaseInput, ReceiptInput, StageInput, Store};

huajie_store::clocked_suite!(one_claim_walks_from_purchase_through_two_auctions_to_the_distribution_and_the_fee);

fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::at("2025-01-01T02:00:00Z".parse().unwrap()))
}

fn y(yuan: i64) -> Money {
    Money::from_yuan(yuan).unwrap()
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// The clock at 10:00 Beijing time on `day`: what is recorded that day is not in the future.
fn on(clock: &FixedClock, day: &str) {
    *clock.0.lock().unwrap() = beijing_midnight(d(day)) + chrono::Duration::hours(10);
}

/// Package WALK-1 of one claim, bought on 2025-01-01 for 300,000 元: (package, claim).
async fn bought(s: &Store) -> (i64, i64) {
    let mut tx = s.write("acquisition").await.unwrap();
    let bank = tx.insert_party(&corporate("浙江某银行", "91330100MB0BK002")).await.unwrap();
    let debtor = tx.insert_party(&corporate("杭州某贸易", "91330100MB0DB002")).await.unwrap();
    let package = tx
        .insert_package(&Package {
            code: "WALK-1".into(),
            name: "单户走查包".into(),
            transferor_id: bank,
            cutoff_date: d("2024-11-30"),
            status: PackageStatus::Acquired,
            acquired_on: Some(d("2025-01-01")),
            price: Some(y(300_000)),
            valuation_basis: huajie_core::ValuationBasis::ClaimByClaim,
        })
        .await
        .unwrap();
    let claim = tx
        .insert_claim(&Claim {
            package_id: package,
            contract_no: "WALK-1-1".into(),
            debtor_id: debtor,
            principal: y(1_000_000),
            interest: y(200_000),
            penalty: Money::ZERO,
            advanced_costs: Money::ZERO,
            five_class: None,
            litigation_stage: None,
            default_date: Some(d("2024-03-20")),
            limitation_date: None,
            province: None,
            product: None,
            days_past_due: None,
            written_off: None,
        })
        .await
        .unwrap();
    tx.commit().await.unwrap();
    (package, claim)
}

async fn stage(s: &Store, clock: &FixedClock, case: i64, st: Stage, day: &str, no: Option<&str>, note: &str) {
    on(clock, day);
    let input =
        StageInput { stage: st, on: d(day), case_no: no.map(|n| CaseNumber::parse(n).unwrap()), note: note.into() };
    s.record_stage("asset_manager", case, &input).await.unwrap();
}

async fn one_claim_walks_from_purchase_through_two_auctions_to_the_distribution_and_the_fee(
    t: TestStore,
    clock: Arc<FixedClock>,
) {
    let s = &t.store;
    let (package, claim) = bought(s).await;
    let purchase = s.post_purchase("finance", package, None).await.unwrap();
    assert_eq!((purchase.entry.date(), purchase.entry.total()), (d("2025-01-01"), y(300_000)));
    assert_eq!(purchase.valuation_run, None, "bought without a valuation: spread by principal");
    assert!(purchase.memo.ends_with("收购（按本金分摊）"), "{}", purchase.memo);
    assert_eq!(s.claim_position(claim).await.unwrap().cost, y(300_000), "one claim: its cost basis is the price");

    // The suit, with the firm that handles it engaged on full risk at 10% of what comes in.
    on(&clock, "2025-03-03");
    let terms = FeeTerms::new(FeeModel::FullRisk, Money::ZERO, 1_000).unwrap();
    let firm = AgencyInput { name: "浙江某律师事务所".into(), kind: AgencyKind::LawFirm, terms };
    let firm = s.add_agency("asset_manager", &firm).await.unwrap();
    let input = CaseInput {
        claim_id: claim,
        court: "杭州市上城区人民法院".into(),
        agency_id: Some(firm.id),
        note: String::new(),
    };
    let case = s.open_case("asset_manager", &input).await.unwrap().case.id;
    let c = &*clock;
    stage(s, c, case, Stage::Filed, "2025-03-03", Some("（2025）浙0102民初1234号"), "").await;
    stage(s, c, case, Stage::Hearing, "2025-05-12", None, "").await;
    stage(s, c, case, Stage::Judgment, "2025-06-16", None, "判令偿还本金 100 万元及利息").await;
    stage(s, c, case, Stage::Effective, "2025-07-02", None, "").await;
    stage(s, c, case, Stage::EnforcementFiled, "2025-08-04", Some("（2025）浙0102执567号"), "").await;
    stage(s, c, case, Stage::Seizure, "2025-08-20", None, "查封抵押房产").await;
    stage(s, c, case, Stage::Appraisal, "2025-09-15", None, "评估价 70 万元").await;
    stage(s, c, case, Stage::FirstAuction, "2025-10-20", None, "流拍").await;

    // The costs of the second round, advanced by finance on the case.
    on(&clock, "2026-01-01");
    let costs = Expense {
        kind: ExpenseKind::CourtFee,
        date: d("2026-01-01"),
        amount: y(10_000),
        package: None,
        claim: Some(claim),
        case: Some(case),
    };
    s.post_expense("finance", &costs, "杭州市上城区人民法院", "二拍费用").await.unwrap();
    stage(s, c, case, Stage::SecondAuction, "2026-11-16", None, "成交 50 万元").await;

    // The court's distribution, in the statutory order.
    on(&clock, "2027-01-01");
    let distribution = ReceiptInput {
        receipt: Receipt {
            claim,
            case: Some(case),
            date: d("2027-01-01"),
            amount: y(500_000),
            source: Source::CourtDistribution,
            split: Split::Statutory,
        },
        payer: "杭州市上城区人民法院".into(),
        memo: "（2025）浙0102执567号 执行款".into(),
    };
    let paid = s.post_receipt("finance", &distribution).await.unwrap();
    let applied = paid.receipt.as_ref().unwrap().applied;
    assert_eq!(applied, Owed { costs: y(10_000), interest: y(200_000), principal: y(290_000) });
    let after = s.claim_position(claim).await.unwrap();
    assert_eq!(after.owed, Owed { costs: Money::ZERO, interest: Money::ZERO, principal: y(710_000) });
    assert_eq!(after.cost, Money::ZERO, "the cost basis is recovered first");

    // The firm's fee on its terms, paid the same day.
    let fee = terms.fee(y(500_000));
    assert_eq!(fee, y(50_000));
    let fee = Expense { kind: ExpenseKind::AgencyFee, amount: fee, ..costs };
    let fee = Expense { date: d("2027-01-01"), ..fee };
    s.post_expense("finance", &fee, "浙江某律师事务所", "全风险代理费").await.unwrap();

    // The case holds its story in order, and the money on it.
    let file = s.case_file(case).await.unwrap().unwrap();
    let stages: Vec<Stage> = file.stages.iter().map(|x| x.stage).collect();
    assert_eq!(stages.len(), 9);
    assert_eq!(&stages[7..], [Stage::FirstAuction, Stage::SecondAuction]);
    assert_eq!(file.case_numbers(), ["（2025）浙0102执567号", "（2025）浙0102民初1234号"]);

    // P&L and returns, for the claim and for its package of one: as worked by hand above.
    let x = (1.0 + 5401f64.sqrt()) / 90.0;
    let irr = 1.0 / x - 1.0;
    assert!((irr - 0.208192).abs() < 1e-6, "the hand computation: {irr}");
    for scope in [Scope::Claim(claim), Scope::Package(package)] {
        let (pnl, returns) = s.ledger_results(scope).await.unwrap();
        assert_eq!(
            (pnl.recovery_income, pnl.legal_fees, pnl.agency_fees, pnl.disposal_gains, pnl.disposal_losses),
            (y(200_000).fen(), y(10_000).fen(), y(50_000).fen(), 0, 0),
            "{scope:?}"
        );
        assert_eq!(pnl.net(), y(140_000).fen());
        assert_eq!((returns.cash_in, returns.cash_out), (y(500_000), y(360_000)));
        assert!((returns.moic.unwrap() - 500_000.0 / 360_000.0).abs() < 1e-12, "{:?}", returns.moic);
        let got = returns.irr.expect("the flows change sign");
        assert!((got - irr).abs() < 1e-9, "IRR {got} against {irr} by hand");
    }

    // The books balance, and every step is in the audit chain.
    let tb = s.trial_balance(d("2000-01-01"), d("2100-01-01")).await.unwrap();
    assert_eq!(tb.iter().map(|r| r.debits).sum::<i128>(), tb.iter().map(|r| r.credits).sum::<i128>());
    assert!(s.verify_audit().await.unwrap().is_intact());
}
