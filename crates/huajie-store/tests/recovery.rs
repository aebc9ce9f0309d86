//! Issue 15, the recovery ledger in the store: a demo package's purchase posted from its
//! valuation's allocation, an expense, receipts allocated and refused past what is owed,
//! reversals once and only once, P&L, returns and the trial balance; a bank statement imported
//! twice posting each line once. On SQLite and again on PostgreSQL when `HUAJIE_TEST_PG` is set.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::NaiveDate;
use huajie_core::Money;
use huajie_core::clock::FixedClock;
use huajie_ledger::reconcile::StatementLine;
use huajie_ledger::returns::Scope;
use huajie_ledger::{Account, Expense, ExpenseKind, Funding, Owed, Receipt, Side, Source, Split};
use huajie_store::testing::TestStore;
use huajie_store::{EntryKind, LineStatus, ReceiptInput, Store, StoreError};

huajie_store::clocked_suite!(
    a_claim_is_bought_paid_and_reversed_with_the_books_balanced,
    a_statement_imported_twice_posts_each_line_once,
    a_case_number_matches_first_and_a_dismissed_line_stays_dismissed,
    a_list_of_entries_is_filtered_and_paged_by_the_database,
    a_disposal_counts_what_the_book_carries_its_subject_at,
    a_held_retail_batch_is_a_pool_of_its_receipts_that_stand,
);

fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::at("2026-12-07T02:00:00Z".parse().unwrap()))
}

fn y(yuan: i64) -> Money {
    Money::from_yuan(yuan).unwrap()
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// The demo loaded without its history (a clean ledger), and its first bought package that
/// has a valuation, its purchase posted.
async fn bought(s: &Store) -> (i64, Money) {
    let demo = huajie_demo::DemoCompany { history: false, ..huajie_demo::generate() };
    huajie_demo::load(s, &demo, |_| "not-a-real-hash".to_string()).await.unwrap();
    for p in s.packages().await.unwrap() {
        let (Some(_), Some(price)) = (p.package.data.acquired_on, p.package.data.price) else { continue };
        if s.valuation_runs(p.package.id).await.unwrap().is_empty() {
            continue;
        }
        let e = s.post_purchase("finance", p.package.id, None).await.unwrap();
        assert_eq!((e.kind, e.entry.total()), (EntryKind::Purchase, price));
        // Spread by the underwriting (the latest run valued by the purchase), recorded with it.
        let runs = s.valuation_runs(p.package.id).await.unwrap();
        let acquired = p.package.data.acquired_on.unwrap();
        let underwriting = runs.iter().find(|r| r.valuation_date <= acquired).unwrap_or(&runs[0]).id;
        assert_eq!(e.valuation_run, Some(underwriting), "the purchase records the run it was spread by");
        return (p.package.id, price);
    }
    panic!("the demo has a bought package with a valuation");
}

fn refusal(r: Result<impl std::fmt::Debug, StoreError>) -> huajie_core::Text {
    match r {
        Err(StoreError::Refused(t)) => t,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

async fn a_claim_is_bought_paid_and_reversed_with_the_books_balanced(t: TestStore, _clock: Arc<FixedClock>) {
    let s = &t.store;
    let (package, price) = bought(s).await;
    // The purchase: each claim's cost basis, summing to the price to the fen; posted once.
    let entries = s.ledger_entries(Some(package)).await.unwrap();
    let purchase = &entries[0];
    let mut cost: BTreeMap<i64, i64> = BTreeMap::new();
    for l in purchase.entry.lines().iter().filter(|l| l.account == Account::ClaimCost) {
        assert_eq!(l.side, Side::Debit);
        *cost.entry(l.claim.expect("cost by claim")).or_default() += l.amount.fen();
    }
    assert_eq!(cost.values().sum::<i64>(), price.fen());
    let t1 = refusal(s.post_purchase("finance", package, None).await);
    assert!(t1.zh.contains("已入账"), "{t1}");

    let (&claim, &basis) = cost.iter().max_by_key(|(_, v)| **v).unwrap();
    let bought = s.claim_position(claim).await.unwrap();
    assert_eq!((bought.cost.fen(), bought.closed), (basis, false));

    let fee = Expense {
        kind: ExpenseKind::CourtFee,
        date: d("2026-03-01"),
        amount: y(10_000),
        package: None,
        claim: Some(claim),
        case: None,
    };
    let elsewhere = Expense { package: Some(package + 1_000), ..fee };
    let t7 = refusal(s.post_expense("finance", &elsewhere, "某区人民法院", "受理费").await);
    assert!(t7.zh.contains("不属于资产包"), "{t7}");
    let fee = s.post_expense("finance", &fee, "某区人民法院", "受理费").await.unwrap();
    assert_eq!(fee.entry.package(), Some(package), "the claim's package");
    let before = s.claim_position(claim).await.unwrap();
    assert_eq!(before.owed.costs.fen(), bought.owed.costs.fen() + y(10_000).fen(), "the debtor owes the court fee too");
    let owed = before.owed.total().unwrap();

    let receipt = |amount: Money| ReceiptInput {
        receipt: Receipt {
            claim,
            case: None,
            date: d("2026-06-30"),
            amount,
            source: Source::Debtor,
            split: Split::Statutory,
        },
        payer: "债务人".into(),
        memo: "还款".into(),
    };
    let too_much = Money::from_fen(owed.fen() + 1);
    let t2 = refusal(s.post_receipt("finance", &receipt(too_much)).await);
    assert!(t2.zh.starts_with(&format!("债权 #{claim} 尚欠 {} 元", owed.yuan_string())), "{t2}");
    assert!(t2.en.contains(&too_much.yuan_string()), "{t2}");

    // A claim of a package not bought takes no receipt.
    let unbought = s.packages().await.unwrap().into_iter().find(|p| p.package.data.acquired_on.is_none()).unwrap();
    let other = s.claims_of_package(unbought.package.id).await.unwrap()[0].claim.id;
    let not_ours = ReceiptInput { receipt: Receipt { claim: other, ..receipt(y(1)).receipt }, ..receipt(y(1)) };
    let t6 = refusal(s.post_receipt("finance", &not_ours).await);
    assert!(t6.zh.contains("尚未收购"), "{t6}");

    let paid = s.post_receipt("finance", &receipt(y(1_000))).await.unwrap();
    let detail = paid.receipt.as_ref().unwrap();
    let costs = before.owed.costs.fen().min(y(1_000).fen());
    assert_eq!(detail.applied.costs.fen(), costs, "costs first (民法典 第五百六十一条)");
    let after = s.claim_position(claim).await.unwrap();
    assert_eq!(after.owed.total().unwrap().fen(), owed.fen() - y(1_000).fen());
    assert_eq!(after.cost.fen(), basis - y(1_000).fen().min(basis), "cash recovers cost first");

    let (pnl, returns) = s.ledger_results(Scope::Claim(claim)).await.unwrap();
    assert_eq!(pnl.legal_fees, y(10_000).fen());
    assert_eq!((returns.cash_in, returns.cash_out.fen()), (y(1_000), basis + y(10_000).fen()));

    // Reversed once: the position as before the receipt; never twice, never a reversal.
    let r = s.reverse_entry("finance", paid.id, d("2026-07-01"), "错账").await.unwrap();
    assert_eq!(s.claim_position(claim).await.unwrap(), before);
    let t3 = refusal(s.reverse_entry("finance", paid.id, d("2026-07-01"), "again").await);
    assert!(t3.zh.contains("已冲销"), "{t3}");
    refusal(s.reverse_entry("finance", r.id, d("2026-07-01"), "again").await);
    // A purchase with a standing receipt on its claims is not reversed.
    s.post_receipt("finance", &receipt(y(500))).await.unwrap();
    let t4 = refusal(s.reverse_entry("finance", purchase.id, d("2026-07-02"), "wrong package").await);
    assert!(t4.en.contains("receipts"), "{t4}");
    // Nor a court fee the debtor's receipts have repaid.
    let costs = s.claim_position(claim).await.unwrap().owed.costs;
    s.post_receipt("finance", &receipt(costs)).await.unwrap();
    let t5 = refusal(s.reverse_entry("finance", fee.id, d("2026-07-03"), "not ours").await);
    assert!(t5.en.contains("reverse those receipts first"), "{t5}");
    assert_eq!(s.claim_position(claim).await.unwrap().owed.costs, Money::ZERO, "nothing changed");

    // The back-test: the claim's actual net cash from the run's valuation date (a receipt of
    // 2,000 元 a month after it, less a lawyer's fee of 300 元 then; the earlier receipts of 500
    // 元 and of the costs, and the court fee, when within the window) beside the projection;
    // quarters add up to the claims.
    let run = &s.valuation_runs(package).await.unwrap()[0];
    let later = run.valuation_date + chrono::Duration::days(30);
    s.post_receipt(
        "finance",
        &ReceiptInput { receipt: Receipt { date: later, ..receipt(y(2_000)).receipt }, ..receipt(y(0)) },
    )
    .await
    .unwrap();
    let lawyer = Expense {
        kind: ExpenseKind::LawyerFee,
        date: later,
        amount: y(300),
        package: None,
        claim: Some(claim),
        case: None,
    };
    s.post_expense("finance", &lawyer, "某律师事务所", "律师费").await.unwrap();
    let through = run.valuation_date + chrono::Duration::days(800);
    let bt = s.back_test(package, Some(run.id), through).await.unwrap();
    assert_eq!((bt.run_id, bt.purchase_run), (run.id, false));
    let bt = bt.test;
    assert_eq!(bt.quarters.len(), 9);
    // Without a run named, the underwriting: the latest run valued by the purchase, not the
    // demo's revaluation as of today (which would project from today on).
    let runs = s.valuation_runs(package).await.unwrap();
    let acquired = s.package(package).await.unwrap().unwrap().package.data.acquired_on.unwrap();
    let underwriting = runs.iter().find(|r| r.valuation_date <= acquired).expect("a run by the purchase");
    assert_ne!(underwriting.id, run.id, "the demo revalued the package after its purchase");
    let by_default = s.back_test(package, None, through).await.unwrap();
    assert_eq!((by_default.run_id, by_default.purchase_run), (underwriting.id, true), "the run the purchase names");
    assert_eq!(by_default.test, s.back_test(package, Some(underwriting.id), through).await.unwrap().test);
    let by_default = by_default.test;
    assert!(by_default.quarters.len() > bt.quarters.len(), "quarters from the cut-off, not from today");
    let in_window = |day: &str| i64::from(d(day) >= run.valuation_date);
    let expected = y(1_700).fen() + in_window("2026-06-30") * (y(500).fen() + costs.fen())
        - in_window("2026-03-01") * y(10_000).fen();
    let row = bt.claims.iter().find(|r| r.key == claim).expect("the claim's row");
    assert_eq!(row.actual, expected, "valuation date {}", run.valuation_date);
    let last = bt.quarters.last().expect("quarters to date");
    assert_eq!(last.cumulative_actual, bt.claims.iter().map(|r| r.actual).sum::<i64>());
    assert_eq!(last.cumulative_projected, bt.claims.iter().map(|r| r.projected).sum::<i64>());
    assert!(last.cumulative_projected > 0, "the run projected cash in two years");
    assert_eq!(bt.segments.iter().map(|r| r.projected).sum::<i64>(), last.cumulative_projected);

    // The package's P&L: the fees on its claims, and funding interest on no claim; a drawing
    // and its repayment move no P&L.
    s.post_funding("finance", d("2026-01-05"), Some(package), Funding::Drawing, y(100_000), "借款").await.unwrap();
    s.post_funding("finance", d("2026-12-05"), Some(package), Funding::Repayment, y(100_000), "还款").await.unwrap();
    let interest =
        Expense { kind: ExpenseKind::FundingInterest, amount: y(4_000), claim: None, package: Some(package), ..lawyer };
    s.post_expense("finance", &interest, "某银行", "利息").await.unwrap();
    let (claim_pnl, _) = s.ledger_results(Scope::Claim(claim)).await.unwrap();
    let (package_pnl, package_returns) = s.ledger_results(Scope::Package(package)).await.unwrap();
    assert_eq!(package_pnl.legal_fees, y(10_300).fen());
    assert_eq!(package_pnl.funding_interest, y(4_000).fen());
    assert_eq!(claim_pnl.funding_interest, 0, "interest on no claim is the package's");
    assert_eq!(package_pnl.net(), claim_pnl.net() - y(4_000).fen());
    // Out: the price, the court fee, the lawyer, the repayment, the interest.
    assert_eq!(package_returns.cash_out.fen(), price.fen() + y(10_000 + 300 + 100_000 + 4_000).fen());

    let tb = s.trial_balance(d("2000-01-01"), d("2100-01-01")).await.unwrap();
    assert_eq!(tb.iter().map(|r| r.debits).sum::<i128>(), tb.iter().map(|r| r.credits).sum::<i128>());
    let report = s.verify_audit().await.unwrap();
    assert!(report.findings.is_empty(), "{:?}", report.findings);
}

async fn a_statement_imported_twice_posts_each_line_once(t: TestStore, _clock: Arc<FixedClock>) {
    let s = &t.store;
    let (package, _) = bought(s).await;
    // Debtors of bought packages' claims: one with a single claim, one with several.
    let mut by_debtor: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for p in s.packages().await.unwrap().iter().filter(|p| p.package.data.acquired_on.is_some()) {
        for c in s.claims_of_package(p.package.id).await.unwrap() {
            by_debtor.entry(c.debtor.data.name.clone()).or_default().push(c.claim.id);
        }
    }
    let in_package: Vec<i64> = s.claims_of_package(package).await.unwrap().iter().map(|c| c.claim.id).collect();
    let (single, claim) = by_debtor
        .iter()
        .find(|(_, v)| v.len() == 1 && in_package.contains(&v[0]))
        .map(|(n, v)| (n.clone(), v[0]))
        .expect("a debtor with one claim in the package");
    let (several, candidates) =
        by_debtor.iter().find(|(_, v)| v.len() > 1).map(|(n, v)| (n.clone(), v.clone())).expect("a debtor with claims");
    let owed = s.claim_position(claim).await.unwrap().owed.total().unwrap().fen();
    let line = |day: &str, amount: i64, payer: &str, reference: &str| StatementLine {
        date: d(day),
        amount,
        payer: payer.into(),
        reference: reference.into(),
    };
    let statement = vec![
        line("2026-11-02", 50_000, &single, "还款"),
        line("2026-11-02", 50_000, &single, "还款"),
        line("2026-11-03", 70_000, &several, "还款"),
        line("2026-11-04", 80_000, "不相干的公司", "货款"),
        line("2026-11-05", owed, &single, "结清"),
        line("2026-11-06", -2_000, "银行", "手续费"),
    ];
    let first = s.import_statement("finance", "2026-11.csv", &statement).await.unwrap();
    let status: Vec<LineStatus> = first.lines.iter().map(|l| l.status).collect();
    use LineStatus::*;
    assert_eq!(status, vec![Posted, Posted, Queued, Queued, Queued, NotReceipt], "{first:?}");
    assert_eq!(first.lines[2].candidates, candidates);
    assert!(first.lines[3].candidates.is_empty());
    let why = first.lines[4].note.as_ref().expect("the ledger's refusal kept");
    assert!(why.zh.contains(&format!("债权 #{claim}")), "{why}");
    let position = s.claim_position(claim).await.unwrap();
    assert_eq!(position.owed.total().unwrap().fen(), owed - 100_000, "two identical payments, both posted");

    let count = s.ledger_entries(None).await.unwrap().len();
    let again = s.import_statement("finance", "2026-11 (copy).csv", &statement).await.unwrap();
    assert_eq!((again.lines.len(), again.already_imported), (0, statement.len()));
    assert_eq!(s.ledger_entries(None).await.unwrap().len(), count, "nothing posted twice");

    let queued = first.lines[2].id;
    let assigned = s.assign_statement_line("finance", queued, candidates[0], Split::Statutory).await.unwrap();
    assert_eq!((assigned.status, assigned.candidates.clone()), (Posted, vec![candidates[0]]));
    let e = s.ledger_entries(None).await.unwrap().into_iter().find(|e| Some(e.id) == assigned.entry_id).unwrap();
    assert_eq!(e.receipt.as_ref().map(|r| (r.claim_id, r.amount.fen())), Some((candidates[0], 70_000)));
    refusal(s.assign_statement_line("finance", queued, candidates[0], Split::Statutory).await);
    let order = Owed { principal: Money::from_fen(80_000), ..Owed::default() };
    let ordered = s.assign_statement_line("finance", first.lines[3].id, claim, Split::Ordered(order)).await.unwrap();
    assert_eq!(ordered.status, Posted);

    let report = s.verify_audit().await.unwrap();
    assert!(report.findings.is_empty(), "{:?}", report.findings);
}

async fn a_case_number_matches_first_and_a_dismissed_line_stays_dismissed(t: TestStore, _clock: Arc<FixedClock>) {
    let s = &t.store;
    let demo = huajie_demo::generate();
    huajie_demo::load(s, &demo, |_| "not-a-real-hash".to_string()).await.unwrap();
    let mut found = None;
    for f in s.cases().await.unwrap() {
        let Some(no) = f.case_numbers().first().map(|n| n.to_string()) else { continue };
        if !s.valuation_runs(f.claim.package_id).await.unwrap().is_empty() {
            found = Some((f.case.claim_id, f.claim.package_id, no));
            break;
        }
    }
    let (claim, package, no) = found.expect("a demo case with a number, on a valued package");
    if !s.ledger_entries(Some(package)).await.unwrap().iter().any(|e| e.kind == EntryKind::Purchase) {
        s.post_purchase("finance", package, None).await.unwrap();
    }
    let line = |amount: i64, payer: &str, reference: &str| StatementLine {
        date: d("2026-11-20"),
        amount,
        payer: payer.into(),
        reference: reference.into(),
    };
    // The court pays out on the case: its number in the memo, the payer a court none of the
    // claims names; then a payment nobody can place.
    let memo = format!("执行款 {} 分配", no.replace('（', "(").replace('）', ")"));
    let statement = vec![line(30_000, "上海市浦东新区人民法院", &memo), line(10_000, "某某贸易有限公司", "货款")];
    let first = s.import_statement("finance", "court-2026-11.csv", &statement).await.unwrap();
    assert_eq!(first.lines[0].status, LineStatus::Posted, "{first:?}");
    assert_eq!(first.lines[0].candidates, vec![claim]);
    let entry = first.lines[0].entry_id.unwrap();
    let e = s.ledger_entries(None).await.unwrap().into_iter().find(|e| e.id == entry).unwrap();
    let r = e.receipt.unwrap();
    assert_eq!((r.claim_id, r.source, r.amount.fen()), (claim, Source::CourtDistribution, 30_000));
    let unknown = &first.lines[1];
    assert_eq!((unknown.status, unknown.candidates.len()), (LineStatus::Queued, 0));

    refusal(s.dismiss_statement_line("finance", unknown.id, "  ").await);
    let dismissed = s.dismiss_statement_line("finance", unknown.id, "他行退汇，非本公司款项").await.unwrap();
    assert_eq!(dismissed.status, LineStatus::Dismissed);
    assert_eq!(dismissed.note.as_ref().map(|n| n.zh.to_string()), Some("他行退汇，非本公司款项".to_string()));
    refusal(s.dismiss_statement_line("finance", unknown.id, "again").await);
    refusal(s.assign_statement_line("finance", unknown.id, claim, Split::Statutory).await);

    let count = s.ledger_entries(None).await.unwrap().len();
    let again = s.import_statement("finance", "court-2026-11.csv", &statement).await.unwrap();
    assert_eq!((again.lines.len(), again.already_imported), (0, 2));
    assert_eq!(s.ledger_entries(None).await.unwrap().len(), count);
    let files = s.statement_files().await.unwrap();
    let f = files.iter().find(|f| f.file_name == "court-2026-11.csv").unwrap();
    assert_eq!((f.lines, f.posted, f.queued, f.dismissed), (2, 1, 0, 1));
    let report = s.verify_audit().await.unwrap();
    assert!(report.findings.is_empty(), "{:?}", report.findings);
}

/// The ledger's list (`/ledger`, the API) is filtered and paged by the database: every query's
/// pages, read three at a time, are the entries that query keeps read whole and filtered here,
/// newest first, with the same count and the same reversals.
async fn a_list_of_entries_is_filtered_and_paged_by_the_database(t: TestStore, _clock: Arc<FixedClock>) {
    use huajie_store::EntryQuery;
    let s = &t.store;
    let (package, _) = bought(s).await;
    let claims: Vec<i64> = s.claims_of_package(package).await.unwrap().iter().map(|c| c.claim.id).take(2).collect();
    let mut reversible = Vec::new();
    for (k, day) in ["2026-02-10", "2026-05-20", "2026-08-31", "2026-11-30"].iter().enumerate() {
        let claim = claims[k % 2];
        let fee = Expense {
            kind: ExpenseKind::LawyerFee,
            date: d(day),
            amount: y(100 + k as i64),
            package: None,
            claim: Some(claim),
            case: None,
        };
        s.post_expense("finance", &fee, "某律师事务所", "律师费").await.unwrap();
        let paid = Receipt {
            claim,
            case: None,
            date: d(day),
            amount: y(1_000),
            source: Source::Debtor,
            split: Split::Statutory,
        };
        let input = ReceiptInput { receipt: paid, payer: "债务人".into(), memo: "还款".into() };
        reversible.push(s.post_receipt("finance", &input).await.unwrap().id);
    }
    let reversal = s.reverse_entry("finance", reversible[1], d("2026-06-01"), "错账").await.unwrap();
    let all = s.ledger_entries(None).await.unwrap();
    let queries = [
        EntryQuery::default(),
        EntryQuery { package: Some(package), ..EntryQuery::default() },
        EntryQuery { claim: Some(claims[1]), ..EntryQuery::default() },
        EntryQuery { account: Some(Account::LegalFees), ..EntryQuery::default() },
        EntryQuery { from: Some(d("2026-05-01")), to: Some(d("2026-08-31")), ..EntryQuery::default() },
        EntryQuery {
            claim: Some(claims[0]),
            account: Some(Account::BankCash),
            from: Some(d("2026-03-01")),
            ..EntryQuery::default()
        },
        EntryQuery { package: Some(package + 1_000), ..EntryQuery::default() },
    ];
    for q in queries {
        let keeps = |e: &huajie_store::LedgerEntry| {
            let lines = e.entry.lines();
            q.package.is_none_or(|p| e.entry.package() == Some(p))
                && q.claim.is_none_or(|c| lines.iter().any(|l| l.claim == Some(c)))
                && q.account.is_none_or(|a| lines.iter().any(|l| l.account == a))
                && q.from.is_none_or(|f| e.entry.date() >= f)
                && q.to.is_none_or(|x| e.entry.date() <= x)
        };
        let expected: Vec<i64> = all.iter().rev().filter(|e| keeps(e)).map(|e| e.id).collect();
        let (mut got, mut offset) = (Vec::new(), 0);
        loop {
            let page = s.ledger_page(q, offset, 3).await.unwrap();
            assert_eq!(page.total, expected.len(), "{q:?}");
            if page.entries.is_empty() {
                break;
            }
            for e in &page.entries {
                let by = all.iter().find(|r| r.entry.reverses() == Some(e.id)).map(|r| r.id);
                assert_eq!(page.reversed_by.get(&e.id).copied(), by, "entry {}", e.id);
            }
            got.extend(page.entries.iter().map(|e| e.id));
            offset += 3;
        }
        assert_eq!(got, expected, "{q:?}");
    }
    let legal = EntryQuery { account: Some(Account::LegalFees), ..EntryQuery::default() };
    assert_eq!(s.ledger_page(legal, 0, 50).await.unwrap().total, 4, "the four fees");
    let second = EntryQuery { claim: Some(claims[1]), ..EntryQuery::default() };
    let page = s.ledger_page(second, 0, 50).await.unwrap();
    assert_eq!(page.reversed_by.get(&reversible[1]), Some(&reversal.id));
    assert_eq!(page.entries[0].id, reversal.id, "newest first");
}

/// A disposal plan's cost — what its expected gain and the sale's recovery are measured from —
/// is what the book carries its subject at once the purchase is posted: the claim's cost basis
/// less the cost its receipts recovered, the package's claims' together; the same figure the
/// sale's proceeds will be posted against.
async fn a_disposal_counts_what_the_book_carries_its_subject_at(t: TestStore, _clock: Arc<FixedClock>) {
    use huajie_store::PlanSubject;
    let s = &t.store;
    let (package, price) = bought(s).await;
    let claim = s.claims_of_package(package).await.unwrap()[0].claim.id;
    let basis = s.claim_position(claim).await.unwrap().cost;
    assert_eq!(s.plan_appraisal(PlanSubject::Claim(claim)).await.unwrap().cost, Some(basis));
    assert_eq!(s.plan_appraisal(PlanSubject::Package(package)).await.unwrap().cost, Some(price));
    let part = Money::from_fen(basis.fen() / 3);
    let paid = Receipt {
        claim,
        case: None,
        date: d("2026-06-30"),
        amount: part,
        source: Source::Debtor,
        split: Split::Statutory,
    };
    s.post_receipt("finance", &ReceiptInput { receipt: paid, payer: "债务人".into(), memo: "还款".into() })
        .await
        .unwrap();
    let carried = s.claim_position(claim).await.unwrap().cost;
    assert_eq!(carried.fen(), basis.fen() - part.fen(), "cash recovers cost first");
    assert_eq!(s.plan_appraisal(PlanSubject::Claim(claim)).await.unwrap().cost, Some(carried));
    let package_cost = s.plan_appraisal(PlanSubject::Package(package)).await.unwrap().cost;
    assert_eq!(package_cost, Some(Money::from_fen(price.fen() - part.fen())));
}

/// Issue 15, point 4: a held package is a static pool of the ledger's history only once valued
/// as a retail batch; its receipts that stand are summed by claim and month from its acquisition
/// month, a reversed one is not there; a package not bought has no history.
async fn a_held_retail_batch_is_a_pool_of_its_receipts_that_stand(t: TestStore, _clock: Arc<FixedClock>) {
    use huajie_core::ValuationBasis;
    let s = &t.store;
    let (package, _) = bought(s).await;
    assert!(s.ledger_pools().await.unwrap().pools.is_empty(), "valued claim by claim, it is no pool");
    s.set_valuation_basis("valuer", package, ValuationBasis::RetailBatch).await.unwrap();
    let claims = s.claims_of_package(package).await.unwrap();
    let claim = claims[0].claim.id;
    let receipt = |date: &str, amount: Money| ReceiptInput {
        receipt: Receipt { claim, case: None, date: d(date), amount, source: Source::Debtor, split: Split::Statutory },
        payer: "债务人".into(),
        memo: "还款".into(),
    };
    s.post_receipt("finance", &receipt("2026-06-03", y(100))).await.unwrap();
    s.post_receipt("finance", &receipt("2026-06-30", y(50))).await.unwrap();
    let wrong = s.post_receipt("finance", &receipt("2026-07-01", y(7))).await.unwrap();
    s.reverse_entry("finance", wrong.id, d("2026-07-02"), "错账").await.unwrap();
    let pools = s.ledger_pools().await.unwrap();
    assert_eq!(pools.pools.len(), 1);
    let pool = &pools.pools[0];
    assert_eq!((pool.package_id, pool.claims, pool.collected), (package, claims.len(), y(150)));
    let history = pools.history.unwrap();
    assert_eq!(Some(&history), s.collections_history(package).await.unwrap().as_ref(), "one builder for both");
    let acquired = huajie_tape::history::month_of(pool.acquired);
    assert!(history.claims.iter().all(|c| c.acquired == acquired));
    let mine = history.claims.iter().find(|c| c.claim_no == claims[0].claim.data.contract_no).unwrap();
    assert_eq!(mine.collections, vec![(2026 * 12 + 5, y(150))], "June's two receipts; July's reversed");
    let unbought = s.packages().await.unwrap().into_iter().find(|p| p.package.data.acquired_on.is_none()).unwrap();
    assert_eq!(s.collections_history(unbought.package.id).await.unwrap(), None);
}
