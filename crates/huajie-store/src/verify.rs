//! `Store::verify_audit`, walking with bounded memory: first the chain itself, record by
//! record in pages (each record checked against its hash and its predecessor's), then the rows,
//! entity by entity. The entities a tape fills (parties, claims, collateral, guarantees: a
//! million rows each at a large book) are compared in id order, page by page, with what the
//! chain last recorded of each row kept compactly (its id, the record's number and the row's
//! fingerprint); the other entities, small, as a whole. The report is the same as a walk that
//! held everything at once: the findings about rows in (entity, id) order, then the rows gone.

use std::collections::BTreeMap;

use huajie_core::audit::{AuditRecord, ChainBreak, GENESIS_HASH, fingerprint, verify_chain};
use serde::Serialize;
use sqlx::AnyConnection;

use crate::audit::{
    AuditFinding, AuditReport, CREATE_MANY, RESTATE, SELECT_AUDIT, STATE_ENTITIES, bulk_rows, record_from_row, to_json,
};
use crate::rows::i64_col;
use crate::{Store, StoreError, composed, reports::AUDITED};

/// Records read per page when walking the chain: a `create_many` record holds a thousand ids
/// and fingerprints (about 30 kB), so a page is a few megabytes.
const CHAIN_PAGE_RECORDS: i64 = 200;
/// Rows read per page of an entity compared in id order.
const ROW_PAGE: i64 = 5_000;
/// The entities compared page by page in id order (integer ids, `Stored<T>::id`).
const PAGED: &[&str] = &["party", "claim", "collateral", "guarantee"];

/// The state the chain last recorded for a row.
#[derive(Debug, PartialEq, Eq)]
enum RecordedState {
    /// Its JSON, in full.
    Json(String),
    /// The fingerprint of its JSON (rows created many at once).
    Fingerprint(String),
    /// Deleted, or never a row (an event).
    Gone,
}

/// What a record says of the rows it concerns: (id, state) each.
fn recorded(r: AuditRecord) -> Result<Vec<(String, RecordedState)>, StoreError> {
    if r.action == CREATE_MANY || r.action == RESTATE {
        let (ids, fingerprints) = bulk_rows(&r)?;
        return Ok(ids.into_iter().zip(fingerprints.into_iter().map(RecordedState::Fingerprint)).collect());
    }
    let state = match r.after {
        Some(after) if r.action != "delete" => RecordedState::Json(after),
        _ => RecordedState::Gone,
    };
    Ok(vec![(r.entity_id, state)])
}

fn is_state_entity(entity: &str) -> bool {
    STATE_ENTITIES.contains(&entity) || AUDITED.contains(&entity)
}

/// The findings so far and how many rows were compared.
#[derive(Default)]
struct Findings {
    rows_checked: usize,
    /// Changed or unrecorded rows.
    rows: Vec<AuditFinding>,
    /// Rows the chain holds that are gone.
    missing: Vec<AuditFinding>,
}

impl Findings {
    /// Compares a row (its JSON as its audit records hold it) with what the chain last recorded.
    fn row(&mut self, entity: &str, id: &str, json: &str, last: Option<(i64, &RecordedState)>) {
        self.rows_checked += 1;
        let changed = |seq| AuditFinding::RowChanged { entity: entity.into(), entity_id: id.into(), last_seq: seq };
        match last {
            None | Some((_, RecordedState::Gone)) => {
                self.rows.push(AuditFinding::RowUnrecorded { entity: entity.into(), entity_id: id.into() })
            }
            Some((seq, RecordedState::Json(after))) if after != json => self.rows.push(changed(seq)),
            Some((seq, RecordedState::Fingerprint(fp))) if *fp != fingerprint(json) => self.rows.push(changed(seq)),
            Some(_) => {}
        }
    }

    /// A row the chain recorded that was not among the rows.
    fn unseen(&mut self, entity: &str, id: &str, seq: i64, state: &RecordedState) {
        if *state != RecordedState::Gone {
            let (entity, entity_id) = (entity.to_string(), id.to_string());
            self.missing.push(AuditFinding::RowMissing { entity, entity_id, last_seq: seq });
        }
    }

    /// The findings in the order of a walk over every (entity, id) at once.
    fn into_report(mut self, records: i64) -> AuditReport {
        fn key(f: &AuditFinding) -> (&str, &str) {
            match f {
                AuditFinding::RowChanged { entity, entity_id, .. }
                | AuditFinding::RowUnrecorded { entity, entity_id }
                | AuditFinding::RowMissing { entity, entity_id, .. } => (entity, entity_id),
                AuditFinding::Chain { .. } | AuditFinding::Head { .. } => ("", ""),
            }
        }
        self.rows.sort_by(|a, b| key(a).cmp(&key(b)));
        self.missing.sort_by(|a, b| key(a).cmp(&key(b)));
        self.rows.append(&mut self.missing);
        AuditReport { records, rows_checked: self.rows_checked, findings: self.rows }
    }
}

/// What the chain last recorded of one paged entity's rows, compactly: by integer id, sorted,
/// one entry a row; ids that are not an integer's canonical text apart (no row has them).
#[derive(Default)]
struct EntityStates {
    /// (id, seq, state), sorted by id, the last record of each id.
    by_id: Vec<(i64, i64, Compact)>,
    /// Full JSON states and fingerprints that are not 16 hex digits, by `Compact` index.
    texts: Vec<RecordedState>,
    odd: BTreeMap<String, (i64, RecordedState)>,
}

/// A recorded state in 16 bytes: a fingerprint as its number, or an index into `texts`.
#[derive(Debug, Clone, Copy)]
enum Compact {
    Fingerprint(u64),
    Text(usize),
    Gone,
}

impl EntityStates {
    fn push(&mut self, seq: i64, id: String, state: RecordedState) {
        let canonical = id.parse::<i64>().ok().filter(|n| n.to_string() == id);
        let Some(n) = canonical else {
            self.odd.insert(id, (seq, state));
            return;
        };
        let compact = match state {
            RecordedState::Gone => Compact::Gone,
            RecordedState::Fingerprint(fp)
                if fp.len() == 16 && fp.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()) =>
            {
                Compact::Fingerprint(u64::from_str_radix(&fp, 16).expect("16 hex digits"))
            }
            other => {
                self.texts.push(other);
                Compact::Text(self.texts.len() - 1)
            }
        };
        self.by_id.push((n, seq, compact));
    }

    /// Sorted by id, the last record of each id kept (records were pushed in order).
    fn settle(&mut self) {
        self.by_id.sort_by_key(|(id, seq, _)| (*id, *seq));
        self.by_id.dedup_by(|later, earlier| {
            let same = later.0 == earlier.0;
            if same {
                *earlier = *later;
            }
            same
        });
    }

    fn state(&self, c: Compact) -> RecordedState {
        match c {
            Compact::Fingerprint(fp) => RecordedState::Fingerprint(format!("{fp:016x}")),
            Compact::Text(i) => match &self.texts[i] {
                RecordedState::Json(j) => RecordedState::Json(j.clone()),
                RecordedState::Fingerprint(f) => RecordedState::Fingerprint(f.clone()),
                RecordedState::Gone => RecordedState::Gone,
            },
            Compact::Gone => RecordedState::Gone,
        }
    }
}

/// How far the chain walk got.
enum Walked {
    /// Broken (or its head disagrees): the report says where.
    Broken(AuditReport),
    /// Whole up to this record; with the last recorded state of every row of the entities
    /// not in `PAGED`.
    Whole(i64, BTreeMap<(String, String), (i64, RecordedState)>),
}

impl Store {
    /// Walks the whole chain, then compares every audited row with its last recorded state.
    pub async fn verify_audit(&self) -> Result<AuditReport, StoreError> {
        // One verification at a time (`Store::verifying`), then one connection for the walks:
        // its page cache is the only one the scans fill.
        let _one = self.verifying.lock().await;
        let mut c = self.pool.acquire().await?;
        let (last, states) = match walk_chain(&mut c).await? {
            Walked::Broken(report) => return Ok(report),
            Walked::Whole(last, states) => (last, states),
        };
        let mut findings = Findings::default();
        let mut current = BTreeMap::new();
        self.small_audited_rows(&mut current).await?;
        for (key, json) in &current {
            findings.row(&key.0, &key.1, json, states.get(key).map(|(seq, state)| (*seq, state)));
        }
        for (key, (seq, state)) in &states {
            if !current.contains_key(key) {
                findings.unseen(&key.0, &key.1, *seq, state);
            }
        }
        drop((current, states));
        for entity in PAGED {
            verify_entity(&mut c, entity, last, &mut findings).await?;
        }
        Ok(findings.into_report(last))
    }
}

/// The chain checked record by record, then its head; what it last recorded of the rows of
/// the entities not in `PAGED`.
async fn walk_chain(c: &mut AnyConnection) -> Result<Walked, StoreError> {
    let mut prev = (0_i64, GENESIS_HASH.to_string());
    let mut states = BTreeMap::new();
    loop {
        let rows = sqlx::query(composed(format!("{SELECT_AUDIT} WHERE seq > $1 ORDER BY seq LIMIT $2")))
            .bind(prev.0)
            .bind(CHAIN_PAGE_RECORDS)
            .fetch_all(&mut *c)
            .await?;
        if rows.is_empty() {
            break;
        }
        let page = rows.iter().map(record_from_row).collect::<Result<Vec<_>, _>>()?;
        drop(rows);
        match verify_chain(prev.clone(), &page) {
            Ok(last) => prev = last,
            Err(problem) => {
                let (ChainBreak::Altered { seq } | ChainBreak::Unlinked { seq } | ChainBreak::Gap { seq, .. }) =
                    problem;
                let findings = vec![AuditFinding::Chain { seq, problem }];
                return Ok(Walked::Broken(AuditReport { records: prev.0, rows_checked: 0, findings }));
            }
        }
        for r in page {
            if !is_state_entity(&r.entity) || PAGED.contains(&r.entity.as_str()) {
                continue;
            }
            let (seq, entity) = (r.seq, r.entity.clone());
            for (id, state) in recorded(r)? {
                states.insert((entity.clone(), id), (seq, state));
            }
        }
    }
    let head = sqlx::query("SELECT seq FROM audit_head WHERE id = 1").fetch_one(&mut *c).await?;
    let head_seq = i64_col(&head, "seq")?;
    if head_seq != prev.0 {
        let findings = vec![AuditFinding::Head { head_seq, last_seq: prev.0 }];
        return Ok(Walked::Broken(AuditReport { records: prev.0, rows_checked: 0, findings }));
    }
    Ok(Walked::Whole(prev.0, states))
}

/// What the chain, up to record `last`, last recorded of each row of `entity`.
async fn entity_states(c: &mut AnyConnection, entity: &str, last: i64) -> Result<EntityStates, StoreError> {
    let mut states = EntityStates::default();
    let mut after = 0_i64;
    loop {
        let sql = format!("{SELECT_AUDIT} WHERE entity = $1 AND seq > $2 AND seq <= $3 ORDER BY seq LIMIT $4");
        let rows = sqlx::query(composed(sql))
            .bind(entity)
            .bind(after)
            .bind(last)
            .bind(CHAIN_PAGE_RECORDS)
            .fetch_all(&mut *c)
            .await?;
        let Some(end) = rows.last() else { break };
        after = i64_col(end, "seq")?;
        for row in &rows {
            let r = record_from_row(row)?;
            let seq = r.seq;
            for (id, state) in recorded(r)? {
                states.push(seq, id, state);
            }
        }
    }
    states.settle();
    Ok(states)
}

/// Compares every row of `entity` (one of `PAGED`), in id order, page by page, with what the
/// chain last recorded of it.
async fn verify_entity(
    c: &mut AnyConnection,
    entity: &str,
    last: i64,
    findings: &mut Findings,
) -> Result<(), StoreError> {
    let states = entity_states(&mut *c, entity, last).await?;
    let mut recorded = states.by_id.iter().peekable();
    let mut after = 0_i64;
    loop {
        let page = rows_after(&mut *c, entity, after, ROW_PAGE).await?;
        let Some((end, _)) = page.last() else { break };
        after = *end;
        for (id, json) in &page {
            while let Some((gone, seq, c)) = recorded.next_if(|(r, _, _)| r < id) {
                findings.unseen(entity, &gone.to_string(), *seq, &states.state(*c));
            }
            let last = recorded.next_if(|(r, _, _)| r == id).map(|(_, seq, c)| (*seq, states.state(*c)));
            findings.row(entity, &id.to_string(), json, last.as_ref().map(|(seq, state)| (*seq, state)));
        }
    }
    for (gone, seq, c) in recorded {
        findings.unseen(entity, &gone.to_string(), *seq, &states.state(*c));
    }
    for (id, (seq, state)) in &states.odd {
        findings.unseen(entity, id, *seq, state);
    }
    Ok(())
}

/// Up to `limit` rows of `entity` (one of `PAGED`) with ids above `after`, in id order, each
/// as (id, its JSON as its audit records hold it).
async fn rows_after(
    c: &mut AnyConnection,
    entity: &str,
    after: i64,
    limit: i64,
) -> Result<Vec<(i64, String)>, StoreError> {
    fn json<T>(rows: Vec<huajie_core::Stored<T>>) -> Vec<(i64, String)>
    where
        huajie_core::Stored<T>: Serialize,
    {
        rows.iter().map(|r| (r.id, to_json(r))).collect()
    }
    Ok(match entity {
        "party" => json(Store::parties_after(c, after, limit).await?),
        "claim" => json(Store::claims_after(c, after, limit).await?),
        "collateral" => json(Store::collateral_after(c, after, limit).await?),
        "guarantee" => json(Store::guarantees_after(c, after, limit).await?),
        other => return Err(StoreError::Corrupt(format!("{other}: not an entity compared page by page"))),
    })
}
