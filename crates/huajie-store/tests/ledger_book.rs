//! Issue 15, point 7: the indicators read the recovery ledger. A held claim's book value is its
//! remaining cost basis once its package's purchase is posted; a receipt lowers it by the cost
//! it recovered and raises the book's cash by the receipt, to the fen; a reversal puts both
//! back; a sale takes the claim out. A past date reads the ledger as it stood then: the
//! entries dated on or before it. And the demo's history (point 6) stands in the store. On
//! SQLite and again on PostgreSQL when `HUAJIE_TEST_PG` is set.

use std::sync::Arc;

use chrono::NaiveDate;
use huajie_core::Money;
use huajie_core::clock::FixedClock;
use huajie_ledger::{Account, Expense, ExpenseKind, Receipt, Side, Source, Split};
use huajie_rules::Ledger;
use huajie_rules::indicators::ExposureKind;
use huajie_store::testing::TestStore;
use huajie_store::{COLLECTED_CASH_LABEL, EntryKind, LineStatus, ReceiptInput, Store};

huajie_store::clocked_suite!(
    a_receipt_moves_the_exposure_by_the_cost_it_recovered_and_the_cash_by_the_receipt,
    the_demo_history_is_in_the_ledger_and_the_book_reads_it,
    a_past_date_reads_the_ledger_as_it_stood_then
);

fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::at("2026-12-07T02:00:00Z".parse().unwrap()))
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// The held claims' exposures to `debtor`, in fen.
fn exposure(l: &Ledger, debtor: i64) -> i64 {
    l.exposures
        .iter()
        .filter(|e| e.party == debtor && e.kind == ExposureKind::AcquiredClaim)
        .map(|e| e.book_value.fen())
        .sum()
}

/// The recovery ledger's cash line of the book, in fen (`None`: no line).
fn cash(l: &Ledger) -> Option<i64> {
    l.liquid_assets.iter().find(|a| a.label == COLLECTED_CASH_LABEL).map(|a| a.amount.fen())
}

fn all_claims_exposure(l: &Ledger) -> i64 {
    l.exposures.iter().filter(|e| e.kind == ExposureKind::AcquiredClaim).map(|e| e.book_value.fen()).sum()
}

async fn receipt(s: &Store, claim: i64, date: &str, fen: i64, source: Source) -> huajie_store::LedgerEntry {
    let input = ReceiptInput {
        receipt: Receipt {
            claim,
            case: None,
            date: d(date),
            amount: Money::from_fen(fen),
            source,
            split: Split::Statutory,
        },
        payer: "债务人".into(),
        memo: "还款".into(),
    };
    s.post_receipt("finance", &input).await.unwrap()
}

async fn a_receipt_moves_the_exposure_by_the_cost_it_recovered_and_the_cash_by_the_receipt(
    t: TestStore,
    _clock: Arc<FixedClock>,
) {
    let s = &t.store;
    let demo = huajie_demo::DemoCompany { history: false, ..huajie_demo::generate() };
    huajie_demo::load(s, &demo, |_| "x".to_string()).await.unwrap();
    let package = s
        .packages()
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.package.data.is_held() && p.package.data.acquired_on.is_some())
        .unwrap()
        .package;
    let before = s.compliance_ledger(s.clock().today()).await.unwrap();
    assert_eq!(cash(&before), None, "no receipt or expense yet: the book's cash is as entered");

    // The purchase posted: the package's claims are held at their cost bases, which sum to the
    // price (before, at the price shared by what each owes, rounded down).
    let purchase = s.post_purchase("finance", package.id, None).await.unwrap();
    let bought = s.compliance_ledger(s.clock().today()).await.unwrap();
    let price = package.data.price.unwrap().fen();
    let moved = all_claims_exposure(&bought) - all_claims_exposure(&before);
    assert!((0..=1_000).contains(&moved), "the price's rounding at most: {moved}");
    let (claim, basis) = purchase
        .entry
        .lines()
        .iter()
        .filter(|l| l.account == Account::ClaimCost)
        .map(|l| (l.claim.unwrap(), l.amount.fen()))
        .max_by_key(|(_, fen)| *fen)
        .unwrap();
    let debtor = s.claim(claim).await.unwrap().unwrap().claim.data.debtor_id;
    let book = exposure(&bought, debtor);
    assert!(book >= basis && basis > 5_000_000, "the claim is held at its cost basis {basis}");
    let package_cost: i64 =
        purchase.entry.lines().iter().filter(|l| l.account == Account::ClaimCost).map(|l| l.amount.fen()).sum();
    assert_eq!(package_cost, price, "its claims' cost bases sum to the price");

    // A receipt of 12,345.67 元, less than the claim's cost: all of it recovers cost.
    let paid = receipt(s, claim, "2026-06-30", 1_234_567, Source::Debtor).await;
    let recovered: i64 = paid
        .entry
        .lines()
        .iter()
        .filter(|l| l.account == Account::ClaimCost && l.side == Side::Credit)
        .map(|l| l.amount.fen())
        .sum();
    assert_eq!(recovered, 1_234_567);
    let after = s.compliance_ledger(s.clock().today()).await.unwrap();
    assert_eq!(exposure(&after, debtor), book - 1_234_567, "the exposure less the cost recovered, to the fen");
    assert_eq!(cash(&after), Some(1_234_567), "the cash raised by the receipt, to the fen");

    // A court fee paid out of the bank: the cash falls by it; the cost basis does not move.
    let fee = Expense {
        kind: ExpenseKind::CourtFee,
        date: d("2026-07-01"),
        amount: Money::from_fen(880_000),
        package: None,
        claim: Some(claim),
        case: None,
    };
    s.post_expense("finance", &fee, "某区人民法院", "受理费").await.unwrap();
    let after = s.compliance_ledger(s.clock().today()).await.unwrap();
    assert_eq!((exposure(&after, debtor), cash(&after)), (book - 1_234_567, Some(1_234_567 - 880_000)));

    // The receipt reversed: the exposure and the cash as they were.
    s.reverse_entry("finance", paid.id, d("2026-07-02"), "误入账").await.unwrap();
    let after = s.compliance_ledger(s.clock().today()).await.unwrap();
    assert_eq!((exposure(&after, debtor), cash(&after)), (book, Some(-880_000)));

    // The claim sold for less than its cost: it leaves the book; the cash has the price.
    let sold = receipt(s, claim, "2026-08-01", 5_000_000, Source::SaleProceeds).await;
    assert_eq!(sold.kind, EntryKind::Receipt);
    let after = s.compliance_ledger(s.clock().today()).await.unwrap();
    assert_eq!(exposure(&after, debtor), book - basis, "the sold claim is no longer held");
    assert_eq!(cash(&after), Some(5_000_000 - 880_000));
}

async fn the_demo_history_is_in_the_ledger_and_the_book_reads_it(t: TestStore, _clock: Arc<FixedClock>) {
    let s = &t.store;
    huajie_demo::load(s, &huajie_demo::generate(), |_| "x".to_string()).await.unwrap();
    let entries = s.ledger_entries(None).await.unwrap();
    let count = |k: EntryKind| entries.iter().filter(|e| e.kind == k).count();
    let held = s.packages().await.unwrap().into_iter().filter(|p| p.package.data.is_held()).count();
    assert_eq!(count(EntryKind::Purchase), held, "each held package's purchase, once");
    assert!(count(EntryKind::Receipt) >= 20 && count(EntryKind::Expense) >= 5, "{} entries", entries.len());
    assert_eq!(count(EntryKind::Reversal), 1, "the mistaken receipt, reversed");
    let sources: Vec<Source> = entries.iter().filter_map(|e| e.receipt.as_ref()).map(|r| r.source).collect();
    for source in [Source::Debtor, Source::Guarantor, Source::CourtDistribution] {
        assert!(sources.contains(&source), "{source:?}");
    }
    let today = d("2026-12-07");
    assert!(entries.iter().all(|e| e.entry.date() < today), "nothing dated on or after the load day");
    // Each package's back-test against its underwriting (the run valued by its purchase) has
    // a curve: projected and actual cash by quarter, both cumulating.
    for p in s.packages().await.unwrap().into_iter().filter(|p| p.package.data.is_held()) {
        let acquired = p.package.data.acquired_on.unwrap();
        let runs = s.valuation_runs(p.package.id).await.unwrap();
        let run = runs.iter().find(|r| r.valuation_date <= acquired).unwrap();
        let b = s.back_test(p.package.id, Some(run.id), today).await.unwrap().test;
        let last = b.quarters.last().unwrap();
        assert!(b.quarters.len() >= 4, "{} quarters", b.quarters.len());
        assert!(last.cumulative_projected > 0 && last.cumulative_actual > 0, "{last:?}");
        assert!(b.quarters.iter().filter(|q| q.actual > 0).count() >= 3, "collections in several quarters");
    }
    // Finance has work: the statement's unknown payer (and an ambiguous name) queued.
    let lines = s.statement_lines().await.unwrap();
    assert!(lines.iter().any(|l| l.status == LineStatus::Posted), "a matched line posted");
    assert!(lines.iter().filter(|l| l.status == LineStatus::Queued).count() >= 1);

    // The book reads it: the collected cash is the receipts less the expenses that stand.
    let book = s.compliance_ledger(s.clock().today()).await.unwrap();
    let mut net = 0i64;
    for e in entries.iter().filter(|e| matches!(e.kind, EntryKind::Receipt | EntryKind::Expense | EntryKind::Reversal))
    {
        for l in e.entry.lines().iter().filter(|l| l.account == Account::BankCash) {
            net += if l.side == Side::Debit { l.amount.fen() } else { -l.amount.fen() };
        }
    }
    assert_eq!(cash(&book), Some(net));
    // And each held claim's exposure is its remaining cost: the claims' exposures sum to the
    // prices paid less the cost recovered.
    let mut cost = 0i64;
    for e in &entries {
        for l in e.entry.lines().iter().filter(|l| l.account == Account::ClaimCost) {
            cost += if l.side == Side::Debit { l.amount.fen() } else { -l.amount.fen() };
        }
    }
    assert_eq!(all_claims_exposure(&book), cost);
}

/// The demo's held packages that have a valuation (a purchase can be posted from it), by id.
async fn valued_held_packages(s: &Store) -> Vec<i64> {
    let mut out = Vec::new();
    for p in s.packages().await.unwrap() {
        if p.package.data.is_held() && !s.valuation_runs(p.package.id).await.unwrap().is_empty() {
            out.push(p.package.id);
        }
    }
    out
}

/// The held claims' exposures, the claims' cost bases at each date and the recovery ledger's
/// cash are the book as it stood at the date: a claim bought on 2024-03-01, paid 12,345.67 元
/// on 2024-08-01 and 7,654.33 元 on 2025-02-01, the first receipt reversed on 2025-02-15; a
/// second package bought on 2025-01-15 (held from then on only).
async fn a_past_date_reads_the_ledger_as_it_stood_then(t: TestStore, _clock: Arc<FixedClock>) {
    let s = &t.store;
    let demo = huajie_demo::DemoCompany { history: false, ..huajie_demo::generate() };
    huajie_demo::load(s, &demo, |_| "x".to_string()).await.unwrap();
    let packages = valued_held_packages(s).await;
    assert!(packages.len() >= 2, "the demo holds two packages with a valuation: {packages:?}");
    let (first, second) = (packages[0], packages[1]);
    // Fixture: the demo's purchases moved back in time (the purchase is posted on the day the
    // package records as bought), every other held package left after the dates read here.
    for (id, on) in [(first, "2024-03-01"), (second, "2025-01-15")] {
        let sql = format!("UPDATE packages SET acquired_on = '{on}' WHERE id = {id}");
        huajie_store::testing::execute_raw(s, &sql).await;
    }
    let book_at = async |on: &str| s.compliance_ledger(d(on)).await.unwrap();
    // What the book holds of the demo's own (its entered exposures) before anything is bought.
    let base = all_claims_exposure(&book_at("2024-02-29").await);
    assert_eq!(cash(&book_at("2024-02-29").await), None);

    let bought = s.post_purchase("finance", first, None).await.unwrap();
    assert_eq!(bought.entry.date(), d("2024-03-01"));
    let price1 = s.package(first).await.unwrap().unwrap().package.data.price.unwrap().fen();
    let (claim, basis) = bought
        .entry
        .lines()
        .iter()
        .filter(|l| l.account == Account::ClaimCost)
        .map(|l| (l.claim.unwrap(), l.amount.fen()))
        .max_by_key(|(_, fen)| *fen)
        .unwrap();
    assert!(basis > 2_000_000, "the claim's cost basis {basis} is more than both receipts");
    let debtor = s.claim(claim).await.unwrap().unwrap().claim.data.debtor_id;
    let debtor_before = exposure(&book_at("2024-02-29").await, debtor);
    let (r1, r2) = (1_234_567, 765_433);
    let first_receipt = receipt(s, claim, "2024-08-01", r1, Source::Debtor).await;
    receipt(s, claim, "2025-02-01", r2, Source::Guarantor).await;
    let recovered: i64 = first_receipt
        .entry
        .lines()
        .iter()
        .filter(|l| l.account == Account::ClaimCost && l.side == Side::Credit)
        .map(|l| l.amount.fen())
        .sum();
    assert_eq!(recovered, r1, "less than the cost left: all of it recovers cost (and so the second)");
    let second_bought = s.post_purchase("finance", second, None).await.unwrap();
    assert_eq!(second_bought.entry.date(), d("2025-01-15"));
    let price2 = s.package(second).await.unwrap().unwrap().package.data.price.unwrap().fen();

    // By hand: the held claims at each date are the first package's cost bases (summing to its
    // price) less the cost the receipts dated by then recovered, plus the second package from
    // 2025-01-15; the cash is the receipts dated by then.
    let q2 = book_at("2024-06-30").await;
    assert_eq!(all_claims_exposure(&q2) - base, price1, "bought, nothing received yet");
    assert_eq!(exposure(&q2, debtor) - debtor_before, basis);
    assert_eq!(cash(&q2), None, "no receipt or expense dated by then");
    let q4 = book_at("2024-12-31").await;
    assert_eq!(all_claims_exposure(&q4) - base, price1 - r1, "the second package is not held yet");
    assert_eq!(exposure(&q4, debtor) - debtor_before, basis - r1);
    assert_eq!(cash(&q4), Some(r1));
    let q1 = book_at("2025-03-31").await;
    assert_eq!(all_claims_exposure(&q1) - base, price1 - r1 - r2 + price2);
    assert_eq!(exposure(&q1, debtor) - debtor_before, basis - r1 - r2);
    assert_eq!(cash(&q1), Some(r1 + r2));

    // The first receipt reversed on 2025-02-15: from that day on only; 2024-12-31 still has it
    // (the book as it stood then), 2025-03-31 no longer does.
    s.reverse_entry("finance", first_receipt.id, d("2025-02-15"), "误入账").await.unwrap();
    let q4_again = book_at("2024-12-31").await;
    assert_eq!((exposure(&q4_again, debtor) - debtor_before, cash(&q4_again)), (basis - r1, Some(r1)));
    let q1_again = book_at("2025-03-31").await;
    assert_eq!((exposure(&q1_again, debtor) - debtor_before, cash(&q1_again)), (basis - r2, Some(r2)));
    assert_eq!(all_claims_exposure(&q1_again) - base, price1 - r2 + price2);

    // Several dates read at once are each the book of its date.
    let dates = [d("2024-06-30"), d("2024-12-31"), d("2025-03-31")];
    let all = s.compliance_ledgers(&dates).await.unwrap();
    assert_eq!(all.iter().map(cash).collect::<Vec<_>>(), [None, Some(r1), Some(r2)]);
    let (at, before, _) = s.compliance_books(d("2025-03-31"), &[]).await.unwrap();
    assert_eq!((cash(&at), cash(&before)), (Some(r2), Some(r1)), "the quarter-end before: 2024-12-31");
}
