//! The recovery ledger's records (issue 15; `huajie-ledger` decides, docs/ledger.md): journal
//! entries with their lines, the receipt or expense an entry records, and the reads the pages
//! and the postings share — each over one `&mut AnyConnection` (a pooled one, or a write
//! transaction's: `recovery_ops.rs` posts through them).

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use huajie_core::{Money, named_enum};
use huajie_ledger::claim::Position;
use huajie_ledger::returns::{Pnl, Returns, Scope, pnl, returns};
use huajie_ledger::{Account, Entry, ExpenseKind, History, Line, Owed, Side, Source, TrialRow};
use serde::Serialize;
use sqlx::AnyConnection;
use sqlx::any::AnyRow;

use crate::audit::Audited;
use crate::rows::{code, date, date_text, i64_col, money, opt_i64, text, utc};
use crate::{Store, StoreError};

named_enum! {
    /// What an entry records.
    pub enum EntryKind {
        Purchase = ("purchase", "收购", "Purchase"),
        Receipt = ("receipt", "收款", "Receipt"),
        Expense = ("expense", "费用", "Expense"),
        Funding = ("funding", "融资", "Funding"),
        Reversal = ("reversal", "冲销", "Reversal"),
    }
}

/// A receipt as recorded with its entry: its source and how it paid what was owed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReceiptDetail {
    pub claim_id: i64,
    pub case_id: Option<i64>,
    pub source: Source,
    /// Split as a court ordered, not by the statutory order.
    pub court_ordered: bool,
    pub amount: Money,
    pub applied: Owed,
    pub payer: String,
}

/// An expense as recorded with its entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExpenseDetail {
    pub kind: ExpenseKind,
    pub amount: Money,
    pub claim_id: Option<i64>,
    pub case_id: Option<i64>,
    pub payee: String,
}

/// A journal entry as kept (and audited, lines and detail with it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LedgerEntry {
    pub id: i64,
    pub kind: EntryKind,
    #[serde(flatten)]
    pub entry: Entry,
    pub memo: String,
    /// A purchase's valuation run, whose allocation spread its price (`None`: spread by
    /// principal, or posted before purchases recorded their run).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valuation_run: Option<i64>,
    pub receipt: Option<ReceiptDetail>,
    pub expense: Option<ExpenseDetail>,
    pub posted_by: String,
    #[serde(serialize_with = "crate::rows::stored_time")]
    pub posted_at: DateTime<Utc>,
}

impl Audited for LedgerEntry {
    const ENTITY: &'static str = "ledger_entry";
    fn audit_id(&self) -> String {
        self.id.to_string()
    }
}

fn corrupt(what: String) -> StoreError {
    StoreError::Corrupt(what)
}

fn line_from_row(r: &AnyRow) -> Result<(i64, Line), StoreError> {
    let account = text(r, "account")?;
    let side = text(r, "side")?;
    let line = Line {
        account: Account::from_code(&account).ok_or_else(|| corrupt(format!("ledger_lines.account = {account}")))?,
        side: Side::from_code(&side).ok_or_else(|| corrupt(format!("ledger_lines.side = {side}")))?,
        amount: money(r, "amount_fen")?,
        claim: opt_i64(r, "claim_id")?,
        case: opt_i64(r, "case_id")?,
    };
    Ok((i64_col(r, "entry_id")?, line))
}

fn receipt_from_row(r: &AnyRow) -> Result<(i64, ReceiptDetail), StoreError> {
    let applied = Owed {
        costs: money(r, "costs_fen")?,
        interest: money(r, "interest_fen")?,
        principal: money(r, "principal_fen")?,
    };
    let detail = ReceiptDetail {
        claim_id: i64_col(r, "claim_id")?,
        case_id: opt_i64(r, "case_id")?,
        source: code(r, "source", Source::from_code)?,
        court_ordered: i64_col(r, "court_ordered")? != 0,
        amount: money(r, "amount_fen")?,
        applied,
        payer: text(r, "payer")?,
    };
    Ok((i64_col(r, "entry_id")?, detail))
}

fn expense_from_row(r: &AnyRow) -> Result<(i64, ExpenseDetail), StoreError> {
    let detail = ExpenseDetail {
        kind: code(r, "kind", ExpenseKind::from_code)?,
        amount: money(r, "amount_fen")?,
        claim_id: opt_i64(r, "claim_id")?,
        case_id: opt_i64(r, "case_id")?,
        payee: text(r, "payee")?,
    };
    Ok((i64_col(r, "entry_id")?, detail))
}

/// Which entries to read: a package's, those with a line for a claim (its purchase, its
/// receipts and expenses, and their reversals), one entry, every one, or those a list asks
/// for (`EntryQuery`) with ids in a range.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Which {
    All,
    Package(i64),
    Claim(i64),
    Entry(i64),
    Listed(EntryQuery, Option<(i64, i64)>),
}

/// The entries a list shows, each part optional: a package's, those with a line for a claim
/// or on an account, dated within `from..=to`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EntryQuery {
    pub package: Option<i64>,
    pub claim: Option<i64>,
    pub account: Option<Account>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// One page of a list of entries, newest first: how many the list has in all, and which entry
/// reverses each of the page's that is reversed.
#[derive(Debug, Clone)]
pub struct EntryPage {
    pub entries: Vec<LedgerEntry>,
    pub total: usize,
    pub reversed_by: BTreeMap<i64, i64>,
}

/// What `ENTRY_FILTER` binds, in its order: the ids ($1 package, $2 entry, $3 claim, $4 and $5
/// the id range) and the texts ($6 account, $7 from, $8 to).
type Binds = ([Option<i64>; 5], [Option<String>; 3]);

impl Which {
    fn binds(self) -> Binds {
        let none = [None, None, None];
        match self {
            Which::All => ([None; 5], none),
            Which::Package(p) => ([Some(p), None, None, None, None], none),
            Which::Entry(e) => ([None, Some(e), None, None, None], none),
            Which::Claim(c) => ([None, None, Some(c), None, None], none),
            Which::Listed(q, range) => (
                [q.package, None, q.claim, range.map(|r| r.0), range.map(|r| r.1)],
                [q.account.map(|a| a.code().to_string()), q.from.map(date_text), q.to.map(date_text)],
            ),
        }
    }
}

const ENTRY_FILTER: &str = "($1 IS NULL OR e.package_id = $1) AND ($2 IS NULL OR e.id = $2) \
    AND ($3 IS NULL OR e.id IN (SELECT entry_id FROM ledger_lines WHERE claim_id = $3)) \
    AND ($4 IS NULL OR e.id >= $4) AND ($5 IS NULL OR e.id <= $5) \
    AND ($6 IS NULL OR e.id IN (SELECT entry_id FROM ledger_lines WHERE account = $6)) \
    AND ($7 IS NULL OR e.entry_date >= $7) AND ($8 IS NULL OR e.entry_date <= $8)";

/// `sql` with `which`'s binds in `ENTRY_FILTER`'s order (then the caller's own).
fn filtered(sql: String, which: Which) -> sqlx::query::Query<'static, sqlx::Any, sqlx::any::AnyArguments> {
    let (ids, texts) = which.binds();
    let mut q = sqlx::query(crate::composed(sql));
    for id in ids {
        q = q.bind(id);
    }
    for t in texts {
        q = q.bind(t);
    }
    q
}

async fn keyed<T>(
    c: &mut AnyConnection,
    sql: String,
    which: Which,
    read: fn(&AnyRow) -> Result<(i64, T), StoreError>,
) -> Result<Vec<(i64, T)>, StoreError> {
    let rows = filtered(sql, which).fetch_all(&mut *c).await?;
    rows.iter().map(read).collect()
}

/// Page `offset..offset + limit` of the entries `q` asks for, newest first.
pub(crate) async fn entry_page(
    c: &mut AnyConnection,
    q: EntryQuery,
    offset: usize,
    limit: usize,
) -> Result<EntryPage, StoreError> {
    let which = Which::Listed(q, None);
    let sql = format!("SELECT COUNT(*) AS n FROM ledger_entries e WHERE {ENTRY_FILTER}");
    let total = usize::try_from(i64_col(&filtered(sql, which).fetch_one(&mut *c).await?, "n")?).unwrap_or(0);
    let sql = format!("SELECT e.id FROM ledger_entries e WHERE {ENTRY_FILTER} ORDER BY e.id DESC LIMIT $9 OFFSET $10");
    let bounds = (i64::try_from(limit).unwrap_or(i64::MAX), i64::try_from(offset).unwrap_or(i64::MAX));
    let ids = filtered(sql, which).bind(bounds.0).bind(bounds.1).fetch_all(&mut *c).await?;
    let ids: Vec<i64> = ids.iter().map(|r| i64_col(r, "id")).collect::<Result<_, _>>()?;
    let (Some(&hi), Some(&lo)) = (ids.first(), ids.last()) else {
        return Ok(EntryPage { entries: Vec::new(), total, reversed_by: BTreeMap::new() });
    };
    let mut entries = entries(&mut *c, Which::Listed(q, Some((lo, hi)))).await?;
    entries.reverse();
    let rows = sqlx::query("SELECT id, reverses_id FROM ledger_entries WHERE reverses_id >= $1 AND reverses_id <= $2")
        .bind(lo)
        .bind(hi)
        .fetch_all(&mut *c)
        .await?;
    let reversed_by =
        rows.iter().map(|r| Ok((i64_col(r, "reverses_id")?, i64_col(r, "id")?))).collect::<Result<_, StoreError>>()?;
    Ok(EntryPage { entries, total, reversed_by })
}

pub(crate) async fn entries(c: &mut AnyConnection, which: Which) -> Result<Vec<LedgerEntry>, StoreError> {
    let sql = format!(
        "SELECT e.id, e.kind, e.entry_date, e.package_id, e.reverses_id, e.memo, e.valuation_run_id, e.posted_by, e.posted_at \
         FROM ledger_entries e WHERE {ENTRY_FILTER} ORDER BY e.id"
    );
    let heads = filtered(sql, which).fetch_all(&mut *c).await?;
    let mut lines: BTreeMap<i64, Vec<Line>> = BTreeMap::new();
    let sql = format!(
        "SELECT l.entry_id, l.account, l.side, l.amount_fen, l.claim_id, l.case_id FROM ledger_lines l \
         JOIN ledger_entries e ON e.id = l.entry_id WHERE {ENTRY_FILTER} ORDER BY l.entry_id, l.line_no"
    );
    for (id, l) in keyed(c, sql, which, line_from_row).await? {
        lines.entry(id).or_default().push(l);
    }
    let sql =
        format!("SELECT r.* FROM ledger_receipts r JOIN ledger_entries e ON e.id = r.entry_id WHERE {ENTRY_FILTER}");
    let mut receipts: BTreeMap<i64, ReceiptDetail> =
        keyed(c, sql, which, receipt_from_row).await?.into_iter().collect();
    let sql =
        format!("SELECT x.* FROM ledger_expenses x JOIN ledger_entries e ON e.id = x.entry_id WHERE {ENTRY_FILTER}");
    let mut expenses: BTreeMap<i64, ExpenseDetail> =
        keyed(c, sql, which, expense_from_row).await?.into_iter().collect();
    heads
        .iter()
        .map(|r| {
            let id = i64_col(r, "id")?;
            let entry = Entry::restored(
                date(r, "entry_date")?,
                opt_i64(r, "package_id")?,
                opt_i64(r, "reverses_id")?,
                lines.remove(&id).unwrap_or_default(),
            )
            .map_err(|e| corrupt(format!("ledger entry {id}: {e}")))?;
            Ok(LedgerEntry {
                id,
                kind: code(r, "kind", EntryKind::from_code)?,
                entry,
                memo: text(r, "memo")?,
                valuation_run: opt_i64(r, "valuation_run_id")?,
                receipt: receipts.remove(&id),
                expense: expenses.remove(&id),
                posted_by: text(r, "posted_by")?,
                posted_at: utc(r, "posted_at")?,
            })
        })
        .collect()
}

/// The entry `id`.
pub(crate) async fn entry(c: &mut AnyConnection, id: i64) -> Result<LedgerEntry, StoreError> {
    entries(c, Which::Entry(id)).await?.pop().ok_or_else(|| StoreError::NotFound(format!("分录 / ledger entry {id}")))
}

/// A claim's package and what was owed on it when bought (its record: advanced costs,
/// interest with penalty interest, principal).
pub(crate) async fn claim_owed(c: &mut AnyConnection, claim: i64) -> Result<(i64, Owed), StoreError> {
    let r = sqlx::query(
        "SELECT package_id, principal_fen, interest_fen, penalty_fen, advanced_costs_fen FROM claims WHERE id = $1",
    )
    .bind(claim)
    .fetch_optional(&mut *c)
    .await?
    .ok_or_else(|| StoreError::NotFound(format!("债权 / claim {claim}")))?;
    let interest = money(&r, "interest_fen")?
        .checked_add(money(&r, "penalty_fen")?)
        .map_err(|_| corrupt(format!("claim {claim}: interest out of range")))?;
    let owed = Owed { costs: money(&r, "advanced_costs_fen")?, interest, principal: money(&r, "principal_fen")? };
    Ok((i64_col(&r, "package_id")?, owed))
}

/// Whether package `package` was bought.
async fn held(c: &mut AnyConnection, package: i64) -> Result<bool, StoreError> {
    let r = sqlx::query("SELECT acquired_on FROM packages WHERE id = $1").bind(package).fetch_one(&mut *c).await?;
    Ok(crate::rows::opt_text(&r, "acquired_on")?.is_some())
}

/// The entries that stand: neither reversed nor reversals (`huajie_ledger::returns::standing`).
pub(crate) fn standing_of(entries: &[LedgerEntry]) -> Vec<&LedgerEntry> {
    huajie_ledger::returns::standing(entries, |e| (e.id, &e.entry))
}

/// The one place a claim's balance on 不良债权资产—收购成本 (1531) is read: debits less credits
/// of the lines dated on or before `as_of` (every line when `None`), of package `package` and
/// of claim `claim` when given, by claim id. A reversal's lines cancel what it reverses from
/// its own date on, so the sum is the standing entries' balance: the cost basis less the cost
/// recovered.
pub(crate) async fn claim_costs(
    c: &mut AnyConnection,
    package: Option<i64>,
    claim: Option<i64>,
    as_of: Option<NaiveDate>,
) -> Result<BTreeMap<i64, i64>, StoreError> {
    let rows = sqlx::query(
        "SELECT l.claim_id, CAST(SUM(CASE WHEN l.side = 'debit' THEN l.amount_fen ELSE -l.amount_fen END) AS BIGINT) AS cost \
         FROM ledger_lines l JOIN ledger_entries e ON e.id = l.entry_id \
         WHERE l.account = $1 AND l.claim_id IS NOT NULL AND ($2 IS NULL OR e.entry_date <= $2) \
         AND ($3 IS NULL OR e.package_id = $3) AND ($4 IS NULL OR l.claim_id = $4) GROUP BY l.claim_id",
    )
    .bind(Account::ClaimCost.code())
    .bind(as_of.map(date_text))
    .bind(package)
    .bind(claim)
    .fetch_all(&mut *c)
    .await?;
    rows.iter().map(|r| Ok((i64_col(r, "claim_id")?, i64_col(r, "cost")?))).collect()
}

/// The packages (`package` alone when given) whose purchase stands at `as_of` (today's ledger
/// when `None`): posted by then and not reversed by a reversal dated by then.
pub(crate) async fn purchases_standing(
    c: &mut AnyConnection,
    package: Option<i64>,
    as_of: Option<NaiveDate>,
) -> Result<std::collections::BTreeSet<i64>, StoreError> {
    let rows = sqlx::query(
        "SELECT DISTINCT e.package_id FROM ledger_entries e WHERE e.kind = 'purchase' AND e.package_id IS NOT NULL \
         AND ($1 IS NULL OR e.entry_date <= $1) AND ($2 IS NULL OR e.package_id = $2) \
         AND NOT EXISTS (SELECT 1 FROM ledger_entries r WHERE r.reverses_id = e.id AND ($1 IS NULL OR r.entry_date <= $1))",
    )
    .bind(as_of.map(date_text))
    .bind(package)
    .fetch_all(&mut *c)
    .await?;
    rows.iter().map(|r| i64_col(r, "package_id")).collect()
}

/// What the book carries package `package` (or its claim `claim`) at: its claims' balance on
/// 1531 (`claim_costs`) — what a sale's gain or loss is measured from when it is posted; `None`
/// when the package's purchase does not stand in the ledger (not posted, or reversed).
pub(crate) async fn book_cost(
    c: &mut AnyConnection,
    package: i64,
    claim: Option<i64>,
) -> Result<Option<Money>, StoreError> {
    if purchases_standing(c, Some(package), None).await?.is_empty() {
        return Ok(None);
    }
    Ok(Some(Money::from_fen(claim_costs(c, Some(package), claim, None).await?.values().sum())))
}

/// Where claim `claim` stands (`huajie_ledger::claim::Position::of`), from the entries with a
/// line for it: its standing receipts and recoverable expenses, and its cost account.
pub(crate) async fn position(c: &mut AnyConnection, claim: i64) -> Result<Position, StoreError> {
    let (package, bought) = claim_owed(c, claim).await?;
    let all = entries(c, Which::Claim(claim)).await?;
    let standing = standing_of(&all);
    let mine: Vec<&ReceiptDetail> =
        standing.iter().filter_map(|e| e.receipt.as_ref()).filter(|r| r.claim_id == claim).collect();
    let applied: Vec<Owed> = mine.iter().map(|r| r.applied).collect();
    let costs_paid = standing
        .iter()
        .filter_map(|e| e.expense.as_ref())
        .filter(|x| x.claim_id == Some(claim) && x.kind.recoverable())
        .map(|x| x.amount)
        .try_fold(Money::ZERO, Money::checked_add)
        .map_err(|_| corrupt(format!("claim {claim}: costs out of range")))?;
    let history = History {
        bought,
        costs_paid,
        applied: &applied,
        cost: i128::from(claim_costs(c, None, Some(claim), None).await?.get(&claim).copied().unwrap_or(0)),
        sold: mine.iter().any(|r| r.source == Source::SaleProceeds),
        held: held(c, package).await?,
    };
    Position::of(claim, Some(package), &history).map_err(|e| StoreError::Refused(e.text()))
}

/// The entries a scope reads.
fn scope_entries(scope: Scope) -> Which {
    match scope {
        Scope::All => Which::All,
        Scope::Package(p) => Which::Package(p),
        Scope::Claim(claim) => Which::Claim(claim),
    }
}

impl Store {
    /// Every entry, or a package's, in the order posted.
    pub async fn ledger_entries(&self, package: Option<i64>) -> Result<Vec<LedgerEntry>, StoreError> {
        let which = package.map_or(Which::All, Which::Package);
        entries(&mut *self.pool.acquire().await?, which).await
    }

    /// Page `offset..offset + limit` of the entries `q` asks for, newest first, with how many
    /// there are and which entry reverses each reversed one of the page.
    pub async fn ledger_page(&self, q: EntryQuery, offset: usize, limit: usize) -> Result<EntryPage, StoreError> {
        entry_page(&mut *self.pool.acquire().await?, q, offset, limit).await
    }

    /// The entries with a line for claim `claim` (its purchase, receipts, expenses and their
    /// reversals), in the order posted.
    pub async fn claim_entries(&self, claim: i64) -> Result<Vec<LedgerEntry>, StoreError> {
        entries(&mut *self.pool.acquire().await?, Which::Claim(claim)).await
    }

    /// Entry `id`, if there is one.
    pub async fn ledger_entry(&self, id: i64) -> Result<Option<LedgerEntry>, StoreError> {
        Ok(entries(&mut *self.pool.acquire().await?, Which::Entry(id)).await?.pop())
    }

    /// The entry that reverses entry `id`, if one does.
    pub async fn reversal_of(&self, id: i64) -> Result<Option<i64>, StoreError> {
        let row = sqlx::query("SELECT id FROM ledger_entries WHERE reverses_id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| i64_col(&r, "id")).transpose()
    }

    /// The day of the ledger's earliest entry, if it has any.
    pub async fn first_entry_date(&self) -> Result<Option<NaiveDate>, StoreError> {
        let row = sqlx::query("SELECT MIN(entry_date) AS first FROM ledger_entries").fetch_one(&self.pool).await?;
        crate::rows::opt_date(&row, "first")
    }

    /// Where a claim stands: what is still owed by part, its remaining cost basis, closed.
    pub async fn claim_position(&self, claim: i64) -> Result<Position, StoreError> {
        position(&mut *self.pool.acquire().await?, claim).await
    }

    /// The P&L and the realised returns to date of a claim, a package or the whole book.
    pub async fn ledger_results(&self, scope: Scope) -> Result<(Pnl, Returns), StoreError> {
        let c = &mut *self.pool.acquire().await?;
        let all = entries(c, scope_entries(scope)).await?;
        let p = pnl(all.iter().map(|e| &e.entry), scope);
        let standing: Vec<&Entry> = standing_of(&all).into_iter().map(|e| &e.entry).collect();
        Ok((p, returns(standing, scope)))
    }

    /// The trial balance of the entries dated `from..=to`.
    pub async fn trial_balance(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<TrialRow>, StoreError> {
        let dated = self.ledger_entries_dated(from, to).await?;
        Ok(huajie_ledger::entry::trial_balance(dated.iter().map(|e| &e.entry), from, to))
    }

    /// The entries dated `from..=to`, in the order posted (read in SQL, not filtered after).
    pub async fn ledger_entries_dated(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<LedgerEntry>, StoreError> {
        let q = EntryQuery { from: Some(from), to: Some(to), ..EntryQuery::default() };
        entries(&mut *self.pool.acquire().await?, Which::Listed(q, None)).await
    }
}
