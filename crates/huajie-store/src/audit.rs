//! The audit chain in the database: appending a record inside the writing transaction,
//! reading the log, and `verify`, which walks the whole chain and then checks that
//! every audited row still equals the last state the chain recorded for it.

use std::collections::BTreeMap;

use huajie_core::audit::{AuditRecord, ChainBreak, fingerprint, record_hash};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::composed;
use crate::rows::{i64_col, opt_text, text};
use crate::{Store, StoreError, WriteTx};

/// Rows per `create_many` record.
const ROWS_PER_BULK_RECORD: usize = 1_000;
/// The action of a record that creates many rows at once.
pub const CREATE_MANY: &str = "create_many";
/// The action of a record that restates rows as a migration left them (same form as `create_many`: ids and
/// fingerprints), so that a migration which changes what a row records does not read as a change made behind its back.
pub const RESTATE: &str = "restate";
/// The event that closes a restatement; its entity id lists the migrations' versions.
const RESTATED: &str = "migration_restated";

/// The longest text a record keeps of anything a user typed or sent: the actor, the
/// entity id, and every string of an event's detail (a failed login's user name, a file
/// name…). Longer texts are cut, on a character boundary, and marked.
pub const AUDIT_TEXT_CHARS_MAX: usize = 1_000;

/// `text` cut to `AUDIT_TEXT_CHARS_MAX` characters, with a marker saying how long it was.
pub fn bounded_text(text: &str) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(AUDIT_TEXT_CHARS_MAX) {
        None => std::borrow::Cow::Borrowed(text),
        Some((cut, _)) => {
            let n = text.chars().count();
            std::borrow::Cow::Owned(format!("{}…〔已截断，原长 {n} 字符 / cut, {n} characters long〕", &text[..cut]))
        }
    }
}

/// Every string in `value` (keys and values) bounded by [`bounded_text`].
fn bounded_json(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::String(s) => Value::String(bounded_text(&s).into_owned()),
        Value::Array(items) => Value::Array(items.into_iter().map(bounded_json).collect()),
        Value::Object(map) => {
            Value::Object(map.into_iter().map(|(k, v)| (bounded_text(&k).into_owned(), bounded_json(v))).collect())
        }
        other => other,
    }
}

/// A row type whose state the audit chain records.
pub(crate) trait Audited: Serialize {
    /// The `entity` column of its audit records.
    const ENTITY: &'static str;
    fn audit_id(&self) -> String;
}

impl WriteTx {
    /// Records a change. `before` is `None` for a creation, `after` is `None` for a
    /// deletion or an event that changes no row. The actor and the entity id are bounded
    /// (`AUDIT_TEXT_CHARS_MAX`); `before` and `after` are a row's state, which `verify`
    /// compares with the row, and are kept whole.
    pub async fn audit(
        &mut self,
        action: &str,
        entity: &str,
        entity_id: &str,
        before: Option<String>,
        after: Option<String>,
    ) -> Result<i64, StoreError> {
        let (prev_seq, prev_hash) = match self.head.take() {
            Some(head) => head,
            None => {
                let head =
                    sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(&mut *self.tx).await?;
                (i64_col(&head, "seq")?, text(&head, "hash")?)
            }
        };
        let seq = prev_seq + 1;
        let at = crate::timestamp(self.clock.now());
        let actor = bounded_text(&self.actor).into_owned();
        let entity_id = bounded_text(entity_id);
        let entity_id = entity_id.as_ref();
        let hash =
            record_hash(seq, &at, &actor, action, entity, entity_id, before.as_deref(), after.as_deref(), &prev_hash);
        sqlx::query(
            "INSERT INTO audit_log (seq, at, actor, action, entity, entity_id, before_json, after_json, prev_hash, hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(seq)
        .bind(&at)
        .bind(&actor)
        .bind(action)
        .bind(entity)
        .bind(entity_id)
        .bind(before)
        .bind(after)
        .bind(&prev_hash)
        .bind(&hash)
        .execute(&mut *self.tx)
        .await?;
        self.head = Some((seq, hash));
        self.head_dirty = true;
        self.book_dirty |= moves_the_book(entity);
        Ok(seq)
    }

    /// Records the creation of an audited row.
    pub(crate) async fn audit_create<T: Audited>(&mut self, after: &T) -> Result<i64, StoreError> {
        self.audit("create", T::ENTITY, &after.audit_id(), None, Some(to_json(after))).await
    }

    /// Records the creation of many rows of one kind (a tape import), given as (id, the
    /// row's JSON as `to_json` writes it): one record per `ROWS_PER_BULK_RECORD` rows,
    /// holding each row's id and the fingerprint of its JSON, so that `verify` still
    /// checks every row against the chain.
    pub(crate) async fn audit_create_many(
        &mut self,
        entity: &str,
        rows: impl IntoIterator<Item = (String, String)>,
    ) -> Result<(), StoreError> {
        self.audit_bulk(entity, bulk_records(rows.into_iter().collect())).await
    }

    /// Writes records made by `bulk_records`.
    pub(crate) async fn audit_bulk(&mut self, entity: &str, records: Vec<BulkRecord>) -> Result<(), StoreError> {
        for r in records {
            self.audit(CREATE_MANY, entity, &r.entity_id, None, Some(r.after)).await?;
        }
        Ok(())
    }

    /// Records the removal of an audited row.
    pub(crate) async fn audit_delete<T: Audited>(&mut self, before: &T) -> Result<i64, StoreError> {
        self.audit("delete", T::ENTITY, &before.audit_id(), Some(to_json(before)), None).await
    }

    /// Records the change of an audited row from `before` to `after`.
    pub(crate) async fn audit_update<T: Audited>(&mut self, before: &T, after: &T) -> Result<i64, StoreError> {
        self.audit("update", T::ENTITY, &after.audit_id(), Some(to_json(before)), Some(to_json(after))).await
    }

    /// Records an event that changes no audited row (a login, a logout, a failed login).
    /// Every string of the detail is bounded (`AUDIT_TEXT_CHARS_MAX`).
    pub async fn audit_event(
        &mut self,
        action: &str,
        entity: &str,
        entity_id: &str,
        detail: serde_json::Value,
    ) -> Result<i64, StoreError> {
        self.audit(action, entity, entity_id, None, Some(bounded_json(detail).to_string())).await
    }
}

/// The audited entities whose changes no bidder's screening reads: bids and their refusals,
/// sealed bids and openings, deposits and bidders' numbers, a lot's own state (its best bid, end
/// and outcome), sessions. A change to anything else — parties and their links, the staff
/// register, investors, plans and claims, the company, the parameters, or an entity not yet
/// known here — moves the book's version (`Store::book_version`), so a kept screening is read
/// again; one listed here wrongly would keep a stale verdict, one missing only costs a read.
const NOT_SCREENED: &[&str] =
    &["lot_bid", "lot_bid_refusal", "lot_sealed_bid", "lot_opening", "lot_deposit", "lot_bidder", "lot", "session"];

/// Whether a change to `entity` moves what a screening reads.
pub(crate) fn moves_the_book(entity: &str) -> bool {
    !NOT_SCREENED.contains(&entity)
}

pub(crate) fn put<T: Audited>(out: &mut BTreeMap<(String, String), String>, items: Vec<T>) {
    for item in items {
        out.insert((T::ENTITY.to_string(), item.audit_id()), to_json(&item));
    }
}

pub(crate) fn to_json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("audited values serialise")
}

pub(crate) fn record_from_row(row: &AnyRow) -> Result<AuditRecord, StoreError> {
    Ok(AuditRecord {
        seq: i64_col(row, "seq")?,
        at: text(row, "at")?,
        actor: text(row, "actor")?,
        action: text(row, "action")?,
        entity: text(row, "entity")?,
        entity_id: text(row, "entity_id")?,
        before: opt_text(row, "before_json")?,
        after: opt_text(row, "after_json")?,
        prev_hash: text(row, "prev_hash")?,
        hash: text(row, "hash")?,
    })
}

pub(crate) const SELECT_AUDIT: &str =
    "SELECT seq, at, actor, action, entity, entity_id, before_json, after_json, prev_hash, hash FROM audit_log";

/// Something `verify` found wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditFinding {
    /// The chain itself is broken at this record.
    Chain { seq: i64, problem: ChainBreak },
    /// The head row disagrees with the last record (records were removed from the end).
    Head { head_seq: i64, last_seq: i64 },
    /// A row differs from the state the chain last recorded for it.
    RowChanged { entity: String, entity_id: String, last_seq: i64 },
    /// A row exists that the chain never recorded.
    RowUnrecorded { entity: String, entity_id: String },
    /// The chain says a row exists that is gone.
    RowMissing { entity: String, entity_id: String, last_seq: i64 },
}

impl AuditFinding {
    /// One line, Chinese then English.
    pub fn describe(&self) -> String {
        match self {
            AuditFinding::Chain { seq, problem } => match problem {
                ChainBreak::Altered { .. } => format!(
                    "审计记录 #{seq} 被篡改（内容与其哈希不符） / audit record #{seq} was altered (its contents do not match its hash)"
                ),
                ChainBreak::Unlinked { .. } => format!(
                    "审计记录 #{seq} 与前一条记录的哈希不相连 / audit record #{seq} does not link to the hash of the record before it"
                ),
                ChainBreak::Gap { expected, .. } => format!(
                    "审计记录 #{expected} 缺失（下一条为 #{seq}） / audit record #{expected} is missing (the next one is #{seq})"
                ),
            },
            AuditFinding::Head { head_seq, last_seq } => format!(
                "审计链头指向 #{head_seq}，但最后一条记录是 #{last_seq}：记录被删除 / the chain head points at #{head_seq} but the last record is #{last_seq}: records were deleted"
            ),
            AuditFinding::RowChanged { entity, entity_id, last_seq } => format!(
                "{entity} {entity_id} 的当前数据与审计记录 #{last_seq} 不符：被绕过审计修改 / {entity} {entity_id} differs from audit record #{last_seq}: changed outside the audit trail"
            ),
            AuditFinding::RowUnrecorded { entity, entity_id } => {
                format!("{entity} {entity_id} 没有任何审计记录 / {entity} {entity_id} has no audit record")
            }
            AuditFinding::RowMissing { entity, entity_id, last_seq } => format!(
                "{entity} {entity_id} 已不存在，但审计记录 #{last_seq} 未记录其删除 / {entity} {entity_id} is gone, but audit record #{last_seq} does not record a deletion"
            ),
        }
    }
}

/// The result of walking the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditReport {
    pub records: i64,
    pub rows_checked: usize,
    /// Empty when everything holds. The chain is checked first; the row check runs only
    /// on an intact chain.
    pub findings: Vec<AuditFinding>,
}

impl AuditReport {
    pub fn is_intact(&self) -> bool {
        self.findings.is_empty()
    }
}

impl Store {
    /// The newest audit records first, `limit` of them from `offset`.
    pub async fn audit_log(&self, limit: i64, offset: i64) -> Result<Vec<AuditRecord>, StoreError> {
        let rows = sqlx::query(composed(format!("{SELECT_AUDIT} ORDER BY seq DESC LIMIT $1 OFFSET $2")))
            .bind(limit)
            .bind(offset)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(record_from_row).collect()
    }

    /// The records about one entity, oldest first.
    pub async fn audit_of(&self, entity: &str, entity_id: &str) -> Result<Vec<AuditRecord>, StoreError> {
        let rows = sqlx::query(composed(format!("{SELECT_AUDIT} WHERE entity = $1 AND entity_id = $2 ORDER BY seq")))
            .bind(entity)
            .bind(entity_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(record_from_row).collect()
    }

    pub async fn audit_count(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query("SELECT COUNT(*) FROM audit_log").fetch_one(&self.pool).await?.try_get(0)?)
    }

    /// Restates, after migrations changed what rows of some entities record, every such
    /// row as it now reads: `restate` records (ids and fingerprints, as `create_many`),
    /// then a `migration_restated` event naming the migrations, and each migration marked
    /// in `schema_restatements` in the same transaction, so it happens once. A database
    /// with no such rows (a new one) gets the marks and no records. A row altered behind
    /// the chain's back before the upgrade would be restated with the rest, so
    /// `huajie audit verify` belongs before an upgrade (README).
    pub(crate) async fn restate_after_migrations(&self, restatements: &[(i64, &[&str])]) -> Result<(), StoreError> {
        let mut tx = self.write("系统迁移 / migration").await?;
        let done: Vec<i64> = sqlx::query("SELECT version FROM schema_restatements")
            .fetch_all(&mut *tx.tx)
            .await?
            .iter()
            .map(|r| i64_col(r, "version"))
            .collect::<Result<_, _>>()?;
        let pending: Vec<&(i64, &[&str])> = restatements.iter().filter(|(v, _)| !done.contains(v)).collect();
        if pending.is_empty() {
            return Ok(());
        }
        let entities: std::collections::BTreeSet<&str> = pending.iter().flat_map(|(_, e)| e.iter().copied()).collect();
        // Read through the pool: the migrations are committed and this transaction holds
        // the chain's lock, so no writer moves the rows in between.
        let rows = self.audited_rows().await?;
        let mut counts = BTreeMap::new();
        for entity in &entities {
            let of_entity: Vec<(String, String)> = rows
                .iter()
                .filter(|((e, _), _)| e == entity)
                .map(|((_, id), json)| (id.clone(), json.clone()))
                .collect();
            counts.insert(entity.to_string(), of_entity.len());
            for r in bulk_records(of_entity) {
                tx.audit(RESTATE, entity, &r.entity_id, None, Some(r.after)).await?;
            }
        }
        let versions: Vec<i64> = pending.iter().map(|(v, _)| *v).collect();
        if counts.values().any(|n| *n > 0) {
            let detail = serde_json::json!({ "migrations": versions, "rows": counts });
            let id = versions.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
            tx.audit_event(RESTATED, "schema", &id, detail).await?;
        }
        let at = crate::timestamp(self.clock.now());
        for v in versions {
            sqlx::query("INSERT INTO schema_restatements (version, restated_at) VALUES ($1, $2)")
                .bind(v)
                .bind(&at)
                .execute(&mut *tx.tx)
                .await?;
        }
        tx.commit().await
    }

    /// Every audited row as the JSON its audit record holds.
    async fn audited_rows(&self) -> Result<BTreeMap<(String, String), String>, StoreError> {
        let mut out = BTreeMap::new();
        put(&mut out, self.all_parties().await?);
        put(&mut out, self.all_claims().await?);
        put(&mut out, self.all_collateral().await?);
        put(&mut out, self.all_guarantees().await?);
        self.small_audited_rows(&mut out).await?;
        Ok(out)
    }

    /// Every audited row but the parties, claims, collateral and guarantees (which `verify`
    /// reads page by page), as the JSON its audit record holds.
    pub(crate) async fn small_audited_rows(
        &self,
        out: &mut BTreeMap<(String, String), String>,
    ) -> Result<(), StoreError> {
        let out = &mut *out;
        if let Some(c) = self.company().await? {
            put(out, vec![c]);
        }
        put(out, self.company_profiles().await?);
        put(out, self.all_packages().await?);
        put(out, self.all_collateral_links().await?);
        put(out, self.all_user_audit_views().await?);
        put(out, self.all_tape_imports().await?);
        put(out, self.all_mapping_entries().await?);
        put(out, self.all_assumption_sets().await?);
        put(out, self.all_valuation_runs().await?);
        put(out, self.all_valuation_claims().await?);
        put(out, self.all_run_claims().await?);
        put(out, self.all_liquidations().await?);
        put(out, self.net_assets().await?);
        put(out, self.investments().await?);
        put(out, self.funding_book().await?);
        put(out, self.cash_calendar().await?);
        put(out, self.liquid_assets().await?);
        put(out, self.exposures().await?);
        put(out, self.party_links().await?);
        put(out, self.officers().await?);
        put(out, self.relatives().await?);
        put(out, self.staff().await?);
        put(out, self.staff_entities().await?);
        put(out, self.rule_parameter_sets().await?);
        put(out, self.party_attributes().await?);
        put(out, self.indicator_results().await?);
        put(out, self.deal_checks(None, i64::MAX).await?);
        put(out, self.check_overrides().await?);
        crate::reports::audited_rows(self, out).await?;
        put(out, self.cross_region_exceptions().await?);
        put(out, self.asset_flags().await?);
        put(out, self.committee_members().await?);
        put(out, self.meetings().await?);
        put(out, self.committee_items().await?);
        put(out, self.committee_votes().await?);
        put(out, self.plans().await?);
        put(out, self.plan_documents(None).await?);
        put(out, self.announcements(None).await?);
        put(out, self.work_calendars().await?);
        put(out, self.lots().await?.into_iter().map(|l| l.lot).collect());
        put(out, self.lot_deposits(None).await?);
        put(out, self.lot_bidders(None).await?);
        put(out, self.lot_bids(None, 0).await?);
        put(out, self.sales(None).await?);
        put(out, self.ledger_entries(None).await?);
        put(out, self.statement_lines().await?);
        put(out, self.all_investors().await?);
        put(out, self.investor_documents(None).await?);
        Ok(())
    }
}

/// A `create_many` record before it is written: its id range and its ids with their
/// fingerprints.
pub(crate) struct BulkRecord {
    entity_id: String,
    after: String,
}

/// The `create_many` records for rows given as (id, the row's JSON as `to_json` writes
/// it), one per `ROWS_PER_BULK_RECORD` rows. Pure, so that the hashing can run while the
/// database inserts the next rows.
pub(crate) fn bulk_records(rows: Vec<(String, String)>) -> Vec<BulkRecord> {
    rows.chunks(ROWS_PER_BULK_RECORD)
        .map(|chunk| {
            let ids: Vec<&str> = chunk.iter().map(|(id, _)| id.as_str()).collect();
            let fingerprints: Vec<String> = chunk.iter().map(|(_, json)| fingerprint(json)).collect();
            let entity_id = match (ids.first(), ids.last()) {
                (Some(first), Some(last)) if ids.len() > 1 => format!("{first}…{last}"),
                _ => ids.concat(),
            };
            BulkRecord { entity_id, after: serde_json::json!({ "ids": ids, "fingerprints": fingerprints }).to_string() }
        })
        .collect()
}

/// How many rows a `create_many` record created; `None` for any other record.
pub fn rows_created(r: &AuditRecord) -> Option<usize> {
    (r.action == CREATE_MANY).then(|| bulk_rows(r).map(|(ids, _)| ids.len()).ok()).flatten()
}

/// The ids and fingerprints a `create_many` record holds.
pub(crate) fn bulk_rows(r: &AuditRecord) -> Result<(Vec<String>, Vec<String>), StoreError> {
    #[derive(serde::Deserialize)]
    struct Bulk {
        ids: Vec<String>,
        fingerprints: Vec<String>,
    }
    let corrupt = || {
        StoreError::Corrupt(format!("audit record #{}: a create_many record without its ids and fingerprints", r.seq))
    };
    let bulk: Bulk = serde_json::from_str(r.after.as_deref().ok_or_else(corrupt)?).map_err(|_| corrupt())?;
    if bulk.ids.len() != bulk.fingerprints.len() {
        return Err(corrupt());
    }
    Ok((bulk.ids, bulk.fingerprints))
}

/// Entities whose rows `verify` compares with the chain. Sessions and login failures are
/// security bookkeeping; their events are in the chain but they hold no business state.
pub(crate) const STATE_ENTITIES: &[&str] = &[
    "company",
    "company_profile",
    "party",
    "package",
    "claim",
    "collateral",
    "claim_collateral",
    "guarantee",
    "user",
    "tape_import",
    "mapping_profile",
    "assumption_set",
    "valuation_run",
    "valuation_claim",
    "valuation_run_claims",
    "liquidation_analysis",
    "net_assets",
    "investment",
    "funding_instrument",
    "cash_flow",
    "liquid_asset",
    "exposure",
    "party_link",
    "officer",
    "relative",
    "staff",
    "staff_entity",
    "rule_parameter_set",
    "party_attributes",
    "indicator_result",
    "deal_check",
    "check_override",
    "cross_region_exception",
    "asset_flag",
    "committee_member",
    "committee_meeting",
    "committee_item",
    "committee_vote",
    "disposal_plan",
    "plan_document",
    "announcement",
    "work_calendar",
    "investor",
    "investor_document",
    "lot",
    "lot_deposit",
    "lot_bidder",
    "lot_bid",
    "sale",
    "ledger_entry",
    "statement_line",
];
