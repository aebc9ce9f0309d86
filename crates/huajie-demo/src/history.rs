//! The held packages' money since they were bought (issue 15), posted to the recovery ledger
//! through the store's own postings at their moments in the demo's past, every date relative to
//! the day the demo is loaded (`T`) as the cases are, and nothing dated on or before a package's
//! purchase (the money before it was the bank's) nor on or after T:
//!
//! - each held package's **purchase**, from the allocation of its valuation at the tape's
//!   cut-off (the underwriting), unless the acquisition posted it already;
//! - the cases' money: case 1 受理费 (《诉讼费用交纳办法》) and the half-risk firm's fixed fee at
//!   立案 (T−90); case 2 申请执行费 at 执行立案 (T−500) and the guarantor's quarterly
//!   instalments with the firm's 8% on each; case 3 the court's distribution of the 变卖
//!   proceeds (T−530, or two weeks after the purchase if that is later: 40% of what is owed) and
//!   the full-risk agency's 18% ten days on; case 5 the no-risk firm's 5 万 at 破产申报 (T−300)
//!   and the 破产分配 paid T−25 (6.5% of what is owed); case 6 the debtor's quarterly
//!   instalments after the judgment;
//! - quarterly instalments from two more debtors of each held package, so the back-tests have curves;
//! - a receipt posted on the wrong claim (T−200), reversed five days later and posted on the
//!   right one;
//! - the funding book's interest paid since the first purchase (at most eight payments);
//! - a bank statement of the last days: one line matched and posted, one ambiguous (a name on
//!   two claims, when the demo has one) and one unknown payer queued for finance.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use huajie_cases::fees::{acceptance_fee, enforcement_fee};
use huajie_cases::{AgencyKind, FeeTerms};
use huajie_core::Money;
use huajie_ledger::reconcile::StatementLine;
use huajie_ledger::{Expense, ExpenseKind, Receipt, Refusal, Source, Split};
use huajie_store::{ClaimRow, ReceiptInput, Store, StoreError};

use crate::auctions::timeline::{Past, Timeline, beijing};
use crate::cases::Opened;

const FINANCE: &str = "finance";

/// A held claim: its package's purchase day, what it owed when bought, its debtor's name and
/// its first guarantor's.
#[derive(Debug, Clone)]
struct Held {
    package: i64,
    acquired: NaiveDate,
    owed: Money,
    debtor: String,
    guarantor: Option<String>,
}

/// Posts the history (see the module's notes).
pub async fn load(past: &Past, t: &Timeline, cases: &[Opened]) -> Result<(), StoreError> {
    let store = past.at(t.now);
    let held = purchases(past, t).await?;
    let book = Book { past, t, held };
    book.cases(cases).await?;
    // Two more claims of each held package, every third claim not in a case.
    let in_cases: Vec<i64> = cases.iter().map(|c| c.claim).collect();
    let mut others: Vec<i64> = Vec::new();
    let packages: std::collections::BTreeSet<i64> = book.held.values().map(|h| h.package).collect();
    for package in packages {
        let mine = book.held.iter().filter(|(c, h)| h.package == package && !in_cases.contains(c));
        others.extend(mine.map(|(c, _)| *c).step_by(3).take(2));
    }
    for (k, claim) in others.iter().enumerate() {
        book.instalments(*claim, None, Source::Debtor, 150 + 40 * k as i64, None).await?;
    }
    if let [wrong, right, ..] = others.as_slice() {
        book.mistake(*wrong, *right).await?;
    }
    book.interest(store).await?;
    book.statement().await
}

/// Posts each held package's purchase (the acquisition may have posted it: that refusal, and
/// only that, is taken as done) and reads its claims.
async fn purchases(past: &Past, t: &Timeline) -> Result<BTreeMap<i64, Held>, StoreError> {
    let store = past.at(t.now);
    let mut held = BTreeMap::new();
    for p in store.packages().await? {
        let (id, data) = (p.package.id, &p.package.data);
        let (true, Some(acquired), Some(_)) = (data.is_held(), data.acquired_on, data.price) else { continue };
        // The underwriting: the latest run valued on or before the purchase, else the latest.
        let runs = store.valuation_runs(id).await?;
        if runs.is_empty() {
            continue;
        }
        let run = runs.iter().find(|r| r.valuation_date <= acquired).map(|r| r.id);
        let at = past.at(beijing(acquired, 16, 0));
        match at.post_purchase(FINANCE, id, run).await {
            Ok(_) => {}
            Err(StoreError::Refused(why)) if why == (Refusal::PurchasePosted { package: id }).text() => {}
            Err(e) => return Err(e),
        }
        for row in store.claims_of_package(id).await? {
            let guarantor = store.guarantees_of_claim(row.claim.id).await?.into_iter().next();
            held.insert(row.claim.id, claim_of(&row, id, acquired, guarantor.map(|g| g.guarantor.data.name)));
        }
    }
    Ok(held)
}

fn claim_of(row: &ClaimRow, package: i64, acquired: NaiveDate, guarantor: Option<String>) -> Held {
    let c = &row.claim.data;
    let fen = c.principal.fen() + c.interest.fen() + c.penalty.fen() + c.advanced_costs.fen();
    Held { package, acquired, owed: Money::from_fen(fen), debtor: row.debtor.data.name.clone(), guarantor }
}

/// `fen` rounded down to whole hundreds of yuan (what people pay).
fn round(fen: i64) -> Money {
    Money::from_fen(fen / 10_000 * 10_000)
}

/// `owed` × `bp` basis points, rounded down to hundreds of yuan.
fn part(owed: Money, bp: i64) -> Money {
    round(i64::try_from(i128::from(owed.fen()) * i128::from(bp) / 10_000).unwrap_or(0))
}

struct Book<'a> {
    past: &'a Past,
    t: &'a Timeline,
    held: BTreeMap<i64, Held>,
}

impl Book<'_> {
    fn day(&self, d: i64) -> NaiveDate {
        self.t.today + Duration::days(d)
    }

    /// Whether money on `claim` may be dated `on`: after its package's purchase, before T.
    fn open(&self, claim: i64, on: NaiveDate) -> bool {
        self.held.get(&claim).is_some_and(|h| on > h.acquired && on < self.t.today)
    }

    fn owed(&self, claim: i64) -> Money {
        self.held.get(&claim).map_or(Money::ZERO, |h| h.owed)
    }

    async fn receive(
        &self,
        claim: i64,
        case: Option<i64>,
        on: NaiveDate,
        amount: Money,
        source: Source,
    ) -> Result<bool, StoreError> {
        if !self.open(claim, on) || amount.fen() <= 0 {
            return Ok(false);
        }
        let h = &self.held[&claim];
        let payer = match source {
            Source::Guarantor => h.guarantor.clone().unwrap_or_else(|| h.debtor.clone()),
            Source::CourtDistribution => "人民法院执行款专户".to_string(),
            _ => h.debtor.clone(),
        };
        let input = ReceiptInput {
            receipt: Receipt { claim, case, date: on, amount, source, split: Split::Statutory },
            payer,
            memo: format!("{}（{}）", source.zh(), on),
        };
        self.past.at(beijing(on, 15, 0)).post_receipt(FINANCE, &input).await?;
        Ok(true)
    }

    async fn pay(
        &self,
        kind: ExpenseKind,
        claim: i64,
        case: Option<i64>,
        on: NaiveDate,
        amount: Money,
        payee: &str,
    ) -> Result<(), StoreError> {
        if !self.open(claim, on) || amount.fen() <= 0 {
            return Ok(());
        }
        let e = Expense { kind, date: on, amount, package: None, claim: Some(claim), case };
        self.past.at(beijing(on, 11, 0)).post_expense(FINANCE, &e, payee, kind.zh()).await?;
        Ok(())
    }

    /// The firm's fee on a recovery: its share (the fixed part is paid on its own), as a
    /// lawyer's fee or a collection agency's.
    async fn risk_fee(&self, c: &Opened, on: NaiveDate, recovered: Money) -> Result<(), StoreError> {
        let Some((kind, terms)) = c.terms else { return Ok(()) };
        let share = Money::from_fen(terms.fee(recovered).fen() - terms.fee(Money::ZERO).fen());
        let (what, payee) = match kind {
            AgencyKind::LawFirm => (ExpenseKind::LawyerFee, "代理律师事务所"),
            AgencyKind::CollectionAgency => (ExpenseKind::AgencyFee, "清收服务机构"),
        };
        self.pay(what, c.claim, Some(c.case), on + Duration::days(10), share, payee).await
    }

    /// Quarterly instalments on `claim` from its purchase to T, each `bp` basis points of what
    /// it owed, the firm's share on each when `case` has one.
    async fn instalments(
        &self,
        claim: i64,
        case: Option<&Opened>,
        source: Source,
        bp: i64,
        from: Option<NaiveDate>,
    ) -> Result<(), StoreError> {
        let Some(h) = self.held.get(&claim) else { return Ok(()) };
        let mut on = from.unwrap_or(h.acquired).max(h.acquired) + Duration::days(45);
        let mut k = 0;
        while on < self.t.today {
            let amount = part(h.owed, bp + 10 * (k % 3));
            if self.receive(claim, case.map(|c| c.case), on, amount, source).await?
                && let Some(c) = case
            {
                self.risk_fee(c, on, amount).await?;
            }
            on += Duration::days(91);
            k += 1;
        }
        Ok(())
    }

    /// The six cases' money (`PLANS` order in cases.rs).
    async fn cases(&self, cases: &[Opened]) -> Result<(), StoreError> {
        let [c1, c2, c3, _, c5, c6, ..] = cases else { return Ok(()) };
        let court = "人民法院";
        self.pay(
            ExpenseKind::CourtFee,
            c1.claim,
            Some(c1.case),
            self.day(-90),
            acceptance_fee(self.owed(c1.claim)),
            court,
        )
        .await?;
        let fixed = c1.terms.map_or(Money::ZERO, |(_, t): (AgencyKind, FeeTerms)| t.fixed);
        self.pay(ExpenseKind::LawyerFee, c1.claim, Some(c1.case), self.day(-88), fixed, "浙江钱塘律师事务所").await?;
        let filed = self.day(-500);
        self.pay(ExpenseKind::CourtFee, c2.claim, Some(c2.case), filed, enforcement_fee(self.owed(c2.claim)), court)
            .await?;
        self.instalments(c2.claim, Some(c2), Source::Guarantor, 120, Some(filed)).await?;
        // The 变卖 proceeds: paid to the company as the creditor substituted after the transfer.
        let acquired = self.held.get(&c3.claim).map_or(self.t.today, |h| h.acquired);
        let proceeds_on = self.day(-530).max(acquired + Duration::days(14));
        let proceeds = part(self.owed(c3.claim), 4_000);
        if self.receive(c3.claim, Some(c3.case), proceeds_on, proceeds, Source::CourtDistribution).await? {
            self.risk_fee(c3, proceeds_on, proceeds).await?;
        }
        let fixed = c5.terms.map_or(Money::ZERO, |(_, t)| t.fixed);
        self.pay(ExpenseKind::LawyerFee, c5.claim, Some(c5.case), self.day(-300), fixed, "浙江之江律师事务所").await?;
        let dividend = part(self.owed(c5.claim), 650);
        self.receive(c5.claim, Some(c5.case), self.day(-25), dividend, Source::CourtDistribution).await?;
        self.instalments(c6.claim, Some(c6), Source::Debtor, 200, Some(self.day(-680))).await
    }

    /// A receipt posted on the wrong claim, reversed, and posted on the right one.
    async fn mistake(&self, wrong: i64, right: i64) -> Result<(), StoreError> {
        let (on, fix) = (self.day(-200), self.day(-195));
        let amount = round(2_000_000);
        if !self.open(wrong, on) || !self.open(right, fix) {
            return Ok(());
        }
        let h = &self.held[&right];
        let input = |claim: i64, date: NaiveDate| ReceiptInput {
            receipt: Receipt { claim, case: None, date, amount, source: Source::Debtor, split: Split::Statutory },
            payer: h.debtor.clone(),
            memo: "还款".into(),
        };
        let posted = self.past.at(beijing(on, 15, 0)).post_receipt(FINANCE, &input(wrong, on)).await?;
        let why = format!("误记入债权 #{wrong}：付款人为 {} ，应记入债权 #{right}", h.debtor);
        self.past.at(beijing(fix, 10, 0)).reverse_entry(FINANCE, posted.id, fix, &why).await?;
        self.past.at(beijing(fix, 10, 5)).post_receipt(FINANCE, &input(right, fix)).await?;
        Ok(())
    }

    /// The funding book's interest paid since the first purchase, up to eight payments.
    async fn interest(&self, store: &Store) -> Result<(), StoreError> {
        let Some(first) = self.held.values().map(|h| h.acquired).min() else { return Ok(()) };
        let mut paid = Vec::new();
        for f in store.funding_book().await? {
            for (due, _, interest) in f.payments.iter().filter(|p| p.0 > first && p.0 < self.t.today && p.2.fen() > 0) {
                paid.push((*due, *interest, f.label.clone()));
            }
        }
        paid.sort();
        for (due, amount, label) in paid.into_iter().take(8) {
            let e = Expense {
                kind: ExpenseKind::FundingInterest,
                date: due,
                amount,
                package: None,
                claim: None,
                case: None,
            };
            self.past.at(beijing(due, 11, 0)).post_expense(FINANCE, &e, &label, "融资利息").await?;
        }
        Ok(())
    }

    /// The last days' bank statement: one line matched, one ambiguous, one unknown.
    async fn statement(&self) -> Result<(), StoreError> {
        let mut by_name: BTreeMap<&str, Vec<i64>> = BTreeMap::new();
        for (claim, h) in &self.held {
            by_name.entry(h.debtor.as_str()).or_default().push(*claim);
            if let Some(g) = &h.guarantor {
                by_name.entry(g.as_str()).or_default().push(*claim);
            }
        }
        let on = self.day(-3);
        let line = |amount: i64, payer: &str, reference: &str| StatementLine {
            date: on,
            amount,
            payer: payer.to_string(),
            reference: reference.to_string(),
        };
        let mut lines = Vec::new();
        let open = |claims: &[i64]| claims.iter().all(|c| self.open(*c, on));
        if let Some((name, _)) = by_name.iter().find(|(_, c)| c.len() == 1 && open(c.as_slice())) {
            lines.push(line(1_500_000, name, "还款"));
        }
        if let Some((name, _)) = by_name.iter().find(|(_, c)| c.len() > 1 && open(c.as_slice())) {
            lines.push(line(3_000_000, name, "代偿款"));
        }
        lines.push(line(860_000, "温州恒润贸易有限公司", "货款"));
        lines.push(line(-12_000, "中国工商银行", "账户管理费"));
        let file = format!("工行对账单-{}.csv", self.t.today.format("%Y%m"));
        self.past.at(beijing(self.day(-2), 9, 30)).import_statement(FINANCE, &file, &lines).await?;
        Ok(())
    }
}
