//! Posting to the recovery ledger: each posting one write transaction that reads what it
//! checks through that transaction (`recovery.rs`), asks `huajie-ledger`, writes the entry, its
//! lines and its receipt or expense, and audits the entry as read back. A refusal is
//! `StoreError::Refused` with the ledger's words.

use chrono::NaiveDate;
use huajie_core::{Money, Text};
use huajie_ledger::claim::{Funding, expense_entry, funding_entry, purchase, receive};
use huajie_ledger::{Entry, Expense, Receipt, Refusal, Source, Split};

use crate::recovery::{EntryKind, ExpenseDetail, LedgerEntry, ReceiptDetail, Which, entries, entry, position};
use crate::rows::{date_text, i64_col};
use crate::{Store, StoreError, WriteTx};

fn refused(r: Refusal) -> StoreError {
    StoreError::Refused(r.text())
}

/// A receipt to post: the ledger's receipt, who paid, and a memo.
#[derive(Debug, Clone)]
pub struct ReceiptInput {
    pub receipt: Receipt,
    pub payer: String,
    pub memo: String,
}

/// What an entry records besides its lines.
pub(crate) enum Detail<'a> {
    None,
    /// A purchase, with the valuation run its price was spread by.
    Purchase(Option<i64>),
    Receipt(&'a ReceiptDetail),
    Expense(&'a ExpenseDetail),
}

impl WriteTx {
    /// Writes `entry` with its lines and detail, and audits it as read back.
    pub(crate) async fn post_entry(
        &mut self,
        kind: EntryKind,
        e: &Entry,
        memo: &str,
        detail: Detail<'_>,
    ) -> Result<LedgerEntry, StoreError> {
        let now = crate::stored_time(self.clock.now());
        let actor = self.actor().to_string();
        let run = match detail {
            Detail::Purchase(run) => run,
            _ => None,
        };
        let r = sqlx::query("INSERT INTO ledger_entries (kind, entry_date, package_id, reverses_id, memo, valuation_run_id, posted_by, posted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id")
            .bind(kind.code())
            .bind(date_text(e.date()))
            .bind(e.package())
            .bind(e.reverses())
            .bind(memo)
            .bind(run)
            .bind(&actor)
            .bind(crate::timestamp(now))
            .fetch_one(self.conn())
            .await
            .map_err(|err| match (err, e.reverses()) {
                (sqlx::Error::Database(db), Some(id)) if db.is_unique_violation() => {
                    refused(Refusal::AlreadyReversed { entry: id })
                }
                (err, _) => StoreError::Db(err),
            })?;
        let id = i64_col(&r, "id")?;
        for (k, l) in e.lines().iter().enumerate() {
            sqlx::query("INSERT INTO ledger_lines (entry_id, line_no, account, side, amount_fen, claim_id, case_id) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .bind(id)
                .bind(k as i64)
                .bind(l.account.code())
                .bind(l.side.code())
                .bind(l.amount.fen())
                .bind(l.claim)
                .bind(l.case)
                .execute(self.conn())
                .await?;
        }
        self.insert_detail(id, detail).await?;
        let posted = entry(self.conn(), id).await?;
        self.audit_create(&posted).await?;
        Ok(posted)
    }

    /// Writes the receipt or expense entry `id` records.
    async fn insert_detail(&mut self, id: i64, detail: Detail<'_>) -> Result<(), StoreError> {
        match detail {
            Detail::None | Detail::Purchase(_) => {}
            Detail::Receipt(r) => {
                sqlx::query("INSERT INTO ledger_receipts (entry_id, claim_id, case_id, source, court_ordered, amount_fen, costs_fen, interest_fen, principal_fen, payer) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
                    .bind(id)
                    .bind(r.claim_id)
                    .bind(r.case_id)
                    .bind(r.source.code())
                    .bind(i64::from(r.court_ordered))
                    .bind(r.amount.fen())
                    .bind(r.applied.costs.fen())
                    .bind(r.applied.interest.fen())
                    .bind(r.applied.principal.fen())
                    .bind(r.payer.as_str())
                    .execute(self.conn())
                    .await?;
            }
            Detail::Expense(x) => {
                sqlx::query("INSERT INTO ledger_expenses (entry_id, kind, amount_fen, claim_id, case_id, payee) VALUES ($1, $2, $3, $4, $5, $6)")
                    .bind(id)
                    .bind(x.kind.code())
                    .bind(x.amount.fen())
                    .bind(x.claim_id)
                    .bind(x.case_id)
                    .bind(x.payee.as_str())
                    .execute(self.conn())
                    .await?;
            }
        }
        Ok(())
    }

    /// Posts a receipt on its claim's position as this transaction reads it.
    pub(crate) async fn post_receipt(&mut self, input: &ReceiptInput) -> Result<LedgerEntry, StoreError> {
        let r = &input.receipt;
        let at = position(self.conn(), r.claim).await?;
        let posted = receive(&at, r).map_err(refused)?;
        let detail = ReceiptDetail {
            claim_id: r.claim,
            case_id: r.case,
            source: r.source,
            court_ordered: matches!(r.split, Split::Ordered(_)),
            amount: r.amount,
            applied: posted.applied,
            payer: input.payer.clone(),
        };
        self.post_entry(EntryKind::Receipt, &posted.entry, &input.memo, Detail::Receipt(&detail)).await
    }

    /// Posts package `package`'s purchase through this transaction (`Store::post_purchase`),
    /// recording the valuation run its price was spread by.
    pub(crate) async fn post_purchase(&mut self, package: i64, run: Option<i64>) -> Result<LedgerEntry, StoreError> {
        let p = self.package_in(package).await?;
        let all = entries(self.conn(), Which::Package(package)).await?;
        let posted = crate::recovery::standing_of(&all).iter().any(|e| e.kind == EntryKind::Purchase);
        let acquired = p.data.acquired_on.zip(p.data.price);
        let basis = match (acquired, posted) {
            (Some(_), false) => self.basis(package, run).await?,
            _ => Basis::default(),
        };
        let e = purchase(package, acquired, posted, &basis.weights).map_err(refused)?;
        let memo = match basis.run {
            Some(_) => format!("{} {} 收购", p.data.code, p.data.name),
            None => format!("{} {} 收购（按本金分摊）", p.data.code, p.data.name),
        };
        self.post_entry(EntryKind::Purchase, &e, &memo, Detail::Purchase(basis.run)).await
    }

    /// The purchase of a package just bought, posted in the acquisition's transaction by the
    /// same rule as `post_purchase` (`purchase_weights`). A package without claims, or bought
    /// for nothing, has no cost basis to carry: nothing is posted (`None`).
    pub(crate) async fn post_acquisition(&mut self, package: i64) -> Result<Option<LedgerEntry>, StoreError> {
        let p = self.package_in(package).await?;
        if p.data.price.is_none_or(|m| m.fen() <= 0) || purchase_weights(self.conn(), package).await?.weights.is_empty()
        {
            return Ok(None);
        }
        self.post_purchase(package, None).await.map(Some)
    }

    /// What the price is spread by: valuation run `run` of the package when named (refused if
    /// it is not one of the package's runs), else `purchase_weights`.
    async fn basis(&mut self, package: i64, run: Option<i64>) -> Result<Basis, StoreError> {
        let Some(id) = run else { return purchase_weights(self.conn(), package).await };
        let runs = crate::valuation::package_runs(self.conn(), package).await?;
        let run = runs.iter().find(|r| r.id == id).ok_or_else(|| {
            StoreError::Refused(Text::new(
                format!("估值 #{id} 不是资产包 #{package} 的估值，不能据以分摊成本。"),
                format!("Valuation run #{id} is not one of package #{package}'s runs to spread its cost by."),
            ))
        })?;
        Ok(Basis { weights: run_allocation(self.conn(), run.id).await?, run: Some(run.id) })
    }
}

/// A purchase's cost basis: (claim, weight) by claim, and the valuation run they come from.
#[derive(Debug, Default)]
pub(crate) struct Basis {
    pub weights: Vec<(i64, i64)>,
    pub run: Option<i64>,
}

/// Each claim's share of the price in run `run`'s allocation, in fen, by claim.
async fn run_allocation(c: &mut sqlx::AnyConnection, run: i64) -> Result<Vec<(i64, i64)>, StoreError> {
    Ok(crate::run_claims::claim_summaries(c, run)
        .await?
        .into_iter()
        .map(|(id, _, allocation)| (id, allocation))
        .collect())
}

/// What a package's price is spread over its claims by when it is bought, and so what its
/// pre-trade check counts each claim at: its underwriting run's allocation (`backtests::
/// underwriting`: the latest run valued by the day it was bought; its run named), or —
/// without a valuation — each claim's principal (`huajie_ledger::CostBasis::
/// from_allocation` takes any non-negative weights).
pub(crate) async fn purchase_weights(c: &mut sqlx::AnyConnection, package: i64) -> Result<Basis, StoreError> {
    let runs = crate::valuation::package_runs(&mut *c, package).await?;
    if let Some(run) = crate::backtests::underwriting(&mut *c, package, &runs).await? {
        return Ok(Basis { weights: run_allocation(&mut *c, run.id).await?, run: Some(run.id) });
    }
    let rows = sqlx::query("SELECT id, principal_fen FROM claims WHERE package_id = $1 ORDER BY id")
        .bind(package)
        .fetch_all(&mut *c)
        .await?;
    let weights = rows.iter().map(|r| Ok((i64_col(r, "id")?, i64_col(r, "principal_fen")?)));
    Ok(Basis { weights: weights.collect::<Result<_, StoreError>>()?, run: None })
}

impl Store {
    /// Posts a bought package's purchase from the records: the day and price the acquisition
    /// recorded, spread over its claims by valuation run `run` (`None`: its latest, or by
    /// principal when it has none) — each claim's cost basis debited and the cash credited
    /// claim by claim, the run recorded with the entry. Refused for a package not bought, or
    /// whose purchase stands in the ledger already.
    pub async fn post_purchase(&self, actor: &str, package: i64, run: Option<i64>) -> Result<LedgerEntry, StoreError> {
        self.operate(actor, async |tx| tx.post_purchase(package, run).await).await
    }

    /// Posts a receipt on a claim (refused past what is owed, on a closed claim, or split
    /// badly: the ledger's words).
    pub async fn post_receipt(&self, actor: &str, input: &ReceiptInput) -> Result<LedgerEntry, StoreError> {
        self.operate(actor, async |tx| tx.post_receipt(input).await).await
    }

    /// Posts an expense paid out of the bank, for a package, a claim (its package taken from
    /// it) and a case.
    pub async fn post_expense(
        &self,
        actor: &str,
        e: &Expense,
        payee: &str,
        memo: &str,
    ) -> Result<LedgerEntry, StoreError> {
        self.operate(actor, async |tx| {
            let e = match e.claim {
                Some(claim) => e.in_package(crate::recovery::claim_owed(tx.conn(), claim).await?.0).map_err(refused)?,
                None => *e,
            };
            let entry = expense_entry(&e).map_err(refused)?;
            let detail = ExpenseDetail {
                kind: e.kind,
                amount: e.amount,
                claim_id: e.claim,
                case_id: e.case,
                payee: payee.to_string(),
            };
            tx.post_entry(EntryKind::Expense, &entry, memo, Detail::Expense(&detail)).await
        })
        .await
    }

    /// Posts capital paid in, a drawing on a loan, or a repayment.
    pub async fn post_funding(
        &self,
        actor: &str,
        on: NaiveDate,
        package: Option<i64>,
        how: Funding,
        amount: Money,
        memo: &str,
    ) -> Result<LedgerEntry, StoreError> {
        self.operate(actor, async |tx| {
            let e = funding_entry(on, package, how, amount).map_err(refused)?;
            tx.post_entry(EntryKind::Funding, &e, memo, Detail::None).await
        })
        .await
    }

    /// Reverses entry `id` on `on`, with the reason as its memo: every line mirrored. Refused
    /// for an entry reversed already, for a reversal, for a purchase whose claims have
    /// standing receipts, and for a cost the debtor's receipts have repaid.
    pub async fn reverse_entry(
        &self,
        actor: &str,
        id: i64,
        on: NaiveDate,
        reason: &str,
    ) -> Result<LedgerEntry, StoreError> {
        self.operate(actor, async |tx| {
            let original = entry(tx.conn(), id).await?;
            let reversed = sqlx::query("SELECT id FROM ledger_entries WHERE reverses_id = $1")
                .bind(id)
                .fetch_optional(tx.conn())
                .await?
                .is_some();
            if let (EntryKind::Purchase, false, Some(package)) = (original.kind, reversed, original.entry.package()) {
                let all = entries(tx.conn(), Which::Package(package)).await?;
                let receipts = crate::recovery::standing_of(&all).iter().filter(|e| e.receipt.is_some()).count();
                huajie_ledger::entry::purchase_reversible(id, receipts).map_err(refused)?;
            }
            let r = original.entry.reversal(id, reversed, on).map_err(refused)?;
            let memo = format!("冲销 #{id}：{reason}");
            let posted = tx.post_entry(EntryKind::Reversal, &r, &memo, Detail::None).await?;
            // Every claim it touches must still stand as its history says (a repaid cost is
            // not reversed under the receipts that paid it); else the transaction rolls back.
            let mut claims: Vec<i64> = r.lines().iter().filter_map(|l| l.claim).collect();
            claims.sort_unstable();
            claims.dedup();
            for claim in claims {
                position(tx.conn(), claim).await?;
            }
            Ok(posted)
        })
        .await
    }
}

/// A sale's proceeds as a receipt (the claim sold: `Source::SaleProceeds`), for the sale's
/// posting by whoever records the money's arrival.
pub fn sale_receipt(claim: i64, on: NaiveDate, price: Money) -> Receipt {
    Receipt { claim, case: None, date: on, amount: price, source: Source::SaleProceeds, split: Split::Statutory }
}
