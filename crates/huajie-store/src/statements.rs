//! Bank statements and court payment notices (issue 15, reconciliation): each line kept by its
//! fingerprint (`huajie_ledger::reconcile::fingerprints`, UNIQUE in the table), so that a file
//! imported again posts nothing twice; a line matched to one claim is posted as its receipt in
//! the import's transaction, the rest — ambiguous, unknown, or refused by the ledger — queued
//! for a person, who assigns each to a claim (`assign_statement_line`).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use huajie_core::{Text, named_enum};
use huajie_ledger::reconcile::{Match, OpenClaim, StatementLine, fingerprints, match_line, source_of};
use huajie_ledger::{Receipt, Split};
use serde::Serialize;
use sqlx::AnyConnection;
use sqlx::any::AnyRow;

use crate::audit::Audited;
use crate::recovery_ops::ReceiptInput;
use crate::rows::{code, date, date_text, i64_col, opt_i64, text, utc};
use crate::{Store, StoreError, WriteTx};

named_enum! {
    /// What became of a statement line.
    pub enum LineStatus {
        Posted = ("posted", "已入账", "Posted"),
        Queued = ("queued", "待人工处理", "Queued for a person"),
        NotReceipt = ("not_receipt", "非收款", "Not a receipt"),
        Dismissed = ("dismissed", "已驳回", "Dismissed"),
    }
}

/// A statement line as kept (and audited).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementLineRecord {
    pub id: i64,
    pub fingerprint: String,
    pub file_name: String,
    pub line: StatementLine,
    pub status: LineStatus,
    /// The claims it could be (ambiguous), or the one it was matched to but refused.
    pub candidates: Vec<i64>,
    /// Why it is queued, when the ledger refused it.
    pub note: Option<Text>,
    pub entry_id: Option<i64>,
    pub imported_by: String,
    #[serde(serialize_with = "crate::rows::stored_time")]
    pub imported_at: DateTime<Utc>,
}

impl Audited for StatementLineRecord {
    const ENTITY: &'static str = "statement_line";
    fn audit_id(&self) -> String {
        self.id.to_string()
    }
}

/// What an import did: the new lines (posted, queued, not receipts) and how many lines were
/// there already.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementImport {
    pub lines: Vec<StatementLineRecord>,
    pub already_imported: usize,
}

const LINE_COLUMNS: &str = "id, fingerprint, file_name, line_date, amount_fen, payer, reference, status, candidates, \
    note, entry_id, imported_by, imported_at";

fn line_from_row(r: &AnyRow) -> Result<StatementLineRecord, StoreError> {
    let corrupt = |c: &str| StoreError::Corrupt(format!("statement_lines.{c}"));
    let note = text(r, "note")?;
    Ok(StatementLineRecord {
        id: i64_col(r, "id")?,
        fingerprint: text(r, "fingerprint")?,
        file_name: text(r, "file_name")?,
        line: StatementLine {
            date: date(r, "line_date")?,
            amount: i64_col(r, "amount_fen")?,
            payer: text(r, "payer")?,
            reference: text(r, "reference")?,
        },
        status: code(r, "status", LineStatus::from_code)?,
        candidates: serde_json::from_str(&text(r, "candidates")?).map_err(|_| corrupt("candidates"))?,
        note: match note.as_str() {
            "" => None,
            s => Some(serde_json::from_str(s).map_err(|_| corrupt("note"))?),
        },
        entry_id: opt_i64(r, "entry_id")?,
        imported_by: text(r, "imported_by")?,
        imported_at: utc(r, "imported_at")?,
    })
}

async fn lines(c: &mut AnyConnection, id: Option<i64>) -> Result<Vec<StatementLineRecord>, StoreError> {
    let sql = format!("SELECT {LINE_COLUMNS} FROM statement_lines WHERE ($1 IS NULL OR id = $1) ORDER BY id");
    sqlx::query(crate::composed(sql)).bind(id).fetch_all(&mut *c).await?.iter().map(line_from_row).collect()
}

/// The claims of bought packages, with their debtor's and guarantors' names and their cases'
/// numbers (案号, every standing stage's: a withdrawn stage's number was the wrong case's), as
/// the matcher sees them (no expected amounts are kept yet), and each claim's guarantors.
async fn open_claims(c: &mut AnyConnection) -> Result<(Vec<OpenClaim>, BTreeMap<i64, Vec<String>>), StoreError> {
    let rows = sqlx::query(
        "SELECT c.id, p.name FROM claims c JOIN parties p ON p.id = c.debtor_id \
         JOIN packages k ON k.id = c.package_id WHERE k.acquired_on IS NOT NULL ORDER BY c.id",
    )
    .fetch_all(&mut *c)
    .await?;
    let mut guarantors: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    for r in sqlx::query("SELECT g.claim_id, p.name FROM guarantees g JOIN parties p ON p.id = g.guarantor_id")
        .fetch_all(&mut *c)
        .await?
    {
        guarantors.entry(i64_col(&r, "claim_id")?).or_default().push(text(&r, "name")?);
    }
    let mut numbers: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    for r in sqlx::query(
        "SELECT k.claim_id, s.case_no FROM case_stages s JOIN cases k ON k.id = s.case_id \
         WHERE s.case_no IS NOT NULL \
         AND NOT EXISTS (SELECT 1 FROM case_stage_withdrawals w WHERE w.stage_id = s.id) ORDER BY s.id",
    )
    .fetch_all(&mut *c)
    .await?
    {
        let n = numbers.entry(i64_col(&r, "claim_id")?).or_default();
        let no = text(&r, "case_no")?;
        if !no.trim().is_empty() && !n.contains(&no) {
            n.push(no);
        }
    }
    let claims = rows
        .iter()
        .map(|r| {
            let claim = i64_col(r, "id")?;
            let mut names = vec![text(r, "name")?];
            names.extend(guarantors.get(&claim).cloned().unwrap_or_default());
            let case_numbers = numbers.get(&claim).cloned().unwrap_or_default();
            Ok(OpenClaim { claim, names, case_numbers, expected: Vec::new() })
        })
        .collect::<Result<_, StoreError>>()?;
    Ok((claims, guarantors))
}

/// Statement line `id`, refused unless it is queued.
async fn queued(c: &mut AnyConnection, id: i64) -> Result<StatementLineRecord, StoreError> {
    let line =
        lines(c, Some(id)).await?.pop().ok_or_else(|| StoreError::NotFound(format!("对账行 / statement line {id}")))?;
    if line.status != LineStatus::Queued {
        return Err(StoreError::Refused(Text::new(
            format!("对账行 #{id} 不在待处理队列中（{}）。", line.status.zh()),
            format!("Statement line #{id} is not queued ({}).", line.status.en()),
        )));
    }
    Ok(line)
}

/// A statement file as imported: its lines by what became of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementFile {
    pub file_name: String,
    pub imported_by: String,
    #[serde(serialize_with = "crate::rows::stored_time")]
    pub first_imported_at: DateTime<Utc>,
    pub lines: usize,
    pub posted: usize,
    pub queued: usize,
    pub not_receipts: usize,
    pub dismissed: usize,
}

impl WriteTx {
    /// Posts `line` as a receipt on `claim`: the entry, or the ledger's refusal as a value.
    async fn post_line(
        &mut self,
        line: &StatementLine,
        claim: i64,
        split: Split,
        guarantors: &[String],
    ) -> Result<Result<i64, Text>, StoreError> {
        let receipt = Receipt {
            claim,
            case: None,
            date: line.date,
            amount: huajie_core::Money::from_fen(line.amount),
            source: source_of(line, guarantors),
            split,
        };
        let input = ReceiptInput { receipt, payer: line.payer.clone(), memo: line.reference.clone() };
        match self.post_receipt(&input).await {
            Ok(e) => Ok(Ok(e.id)),
            Err(StoreError::Refused(t)) => Ok(Err(t)),
            Err(e) => Err(e),
        }
    }

    async fn insert_line(
        &mut self,
        fingerprint: &str,
        file_name: &str,
        line: &StatementLine,
        outcome: (LineStatus, Vec<i64>, Option<Text>, Option<i64>),
    ) -> Result<StatementLineRecord, StoreError> {
        let (status, candidates, note, entry_id) = outcome;
        let note =
            note.map(|t| serde_json::to_string(&t)).transpose().map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let actor = self.actor().to_string();
        let r = sqlx::query("INSERT INTO statement_lines (fingerprint, file_name, line_date, amount_fen, payer, reference, status, candidates, note, entry_id, imported_by, imported_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id")
            .bind(fingerprint)
            .bind(file_name)
            .bind(date_text(line.date))
            .bind(line.amount)
            .bind(line.payer.as_str())
            .bind(line.reference.as_str())
            .bind(status.code())
            .bind(serde_json::json!(candidates).to_string())
            .bind(note.unwrap_or_default())
            .bind(entry_id)
            .bind(&actor)
            .bind(crate::timestamp(crate::stored_time(self.clock.now())))
            .fetch_one(self.conn())
            .await?;
        let id = i64_col(&r, "id")?;
        let record = lines(self.conn(), Some(id))
            .await?
            .pop()
            .ok_or_else(|| StoreError::Corrupt(format!("statement line {id}")))?;
        self.audit_create(&record).await?;
        Ok(record)
    }
}

impl Store {
    /// Imports a statement's lines in one transaction: a line seen before (by fingerprint) is
    /// left alone; a receipt matched to one claim is posted; the rest are queued.
    pub async fn import_statement(
        &self,
        actor: &str,
        file_name: &str,
        statement: &[StatementLine],
    ) -> Result<StatementImport, StoreError> {
        self.operate(actor, async |tx| {
            let (claims, guarantors) = open_claims(tx.conn()).await?;
            let mut out = StatementImport { lines: Vec::new(), already_imported: 0 };
            for (line, fp) in statement.iter().zip(fingerprints(statement)) {
                let seen = sqlx::query("SELECT id FROM statement_lines WHERE fingerprint = $1")
                    .bind(&fp)
                    .fetch_optional(tx.conn())
                    .await?;
                if seen.is_some() {
                    out.already_imported += 1;
                    continue;
                }
                let outcome = match (line.amount > 0, match_line(line, &claims)) {
                    (false, _) => (LineStatus::NotReceipt, Vec::new(), None, None),
                    (true, Match::Matched(claim)) => {
                        let g = guarantors.get(&claim).map(Vec::as_slice).unwrap_or_default();
                        match tx.post_line(line, claim, Split::Statutory, g).await? {
                            Ok(entry) => (LineStatus::Posted, vec![claim], None, Some(entry)),
                            Err(why) => (LineStatus::Queued, vec![claim], Some(why), None),
                        }
                    }
                    (true, Match::Ambiguous(candidates)) => (LineStatus::Queued, candidates, None, None),
                    (true, Match::Unknown) => (LineStatus::Queued, Vec::new(), None, None),
                };
                out.lines.push(tx.insert_line(&fp, file_name, line, outcome).await?);
            }
            Ok(out)
        })
        .await
    }

    /// Every statement line, in the order imported.
    pub async fn statement_lines(&self) -> Result<Vec<StatementLineRecord>, StoreError> {
        lines(&mut *self.pool.acquire().await?, None).await
    }

    /// A person assigns a queued line to `claim`, split `split`: posted as its receipt, the
    /// line marked posted. Refused for a line not queued, and as the ledger refuses.
    pub async fn assign_statement_line(
        &self,
        actor: &str,
        id: i64,
        claim: i64,
        split: Split,
    ) -> Result<StatementLineRecord, StoreError> {
        self.operate(actor, async |tx| {
            let before = queued(tx.conn(), id).await?;
            let (_, guarantors) = open_claims(tx.conn()).await?;
            let g = guarantors.get(&claim).map(Vec::as_slice).unwrap_or_default();
            let entry = tx.post_line(&before.line, claim, split, g).await?.map_err(StoreError::Refused)?;
            let changed = sqlx::query("UPDATE statement_lines SET status = $1, entry_id = $2, candidates = $3, note = '' WHERE id = $4 AND status = $5")
                .bind(LineStatus::Posted.code())
                .bind(entry)
                .bind(serde_json::json!([claim]).to_string())
                .bind(id)
                .bind(LineStatus::Queued.code())
                .execute(tx.conn())
                .await?;
            if changed.rows_affected() != 1 {
                return Err(StoreError::Corrupt(format!("statement line {id}: not updated")));
            }
            let after = lines(tx.conn(), Some(id)).await?.pop().ok_or_else(|| StoreError::Corrupt(format!("statement line {id}")))?;
            tx.audit_update(&before, &after).await?;
            Ok(after)
        })
        .await
    }

    /// A person dismisses a queued line (not the company's money, a refund, paid twice by the
    /// bank…) with the reason, kept as its note: nothing is posted. Refused for a line not queued
    /// and without a reason.
    pub async fn dismiss_statement_line(
        &self,
        actor: &str,
        id: i64,
        reason: &str,
    ) -> Result<StatementLineRecord, StoreError> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(StoreError::Refused(Text::fixed("驳回须说明理由。", "A dismissal needs a reason.")));
        }
        self.operate(actor, async |tx| {
            let before = queued(tx.conn(), id).await?;
            let note = serde_json::to_string(&Text::new(reason.to_string(), reason.to_string()))
                .map_err(|e| StoreError::Corrupt(e.to_string()))?;
            sqlx::query("UPDATE statement_lines SET status = $1, note = $2 WHERE id = $3 AND status = $4")
                .bind(LineStatus::Dismissed.code())
                .bind(note)
                .bind(id)
                .bind(LineStatus::Queued.code())
                .execute(tx.conn())
                .await?;
            let after = lines(tx.conn(), Some(id))
                .await?
                .pop()
                .ok_or_else(|| StoreError::Corrupt(format!("statement line {id}")))?;
            tx.audit_update(&before, &after).await?;
            Ok(after)
        })
        .await
    }

    /// The statement files imported, the latest first, each with its lines counted by status.
    pub async fn statement_files(&self) -> Result<Vec<StatementFile>, StoreError> {
        let mut files: Vec<StatementFile> = Vec::new();
        for l in self.statement_lines().await? {
            let at = files.iter().position(|f| f.file_name == l.file_name && f.imported_by == l.imported_by);
            let f = match at {
                Some(k) => &mut files[k],
                None => {
                    files.push(StatementFile {
                        file_name: l.file_name.clone(),
                        imported_by: l.imported_by.clone(),
                        first_imported_at: l.imported_at,
                        lines: 0,
                        posted: 0,
                        queued: 0,
                        not_receipts: 0,
                        dismissed: 0,
                    });
                    files.last_mut().expect("pushed")
                }
            };
            f.lines += 1;
            match l.status {
                LineStatus::Posted => f.posted += 1,
                LineStatus::Queued => f.queued += 1,
                LineStatus::NotReceipt => f.not_receipts += 1,
                LineStatus::Dismissed => f.dismissed += 1,
            }
        }
        files.reverse();
        Ok(files)
    }
}
