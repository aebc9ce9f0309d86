//! The audit chain: every change is a record holding the hash of the record before it,
//! so that altering or removing any record breaks every hash after it.
//!
//! This module computes and checks hashes; `huajie-store` writes the records in the same
//! transaction as the change they describe.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The hash that the first record points back to.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One audit record as stored. `before` and `after` are the JSON texts exactly as stored,
/// so that the hash can be recomputed from the row alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRecord {
    /// 1, 2, 3…: the position in the chain.
    pub seq: i64,
    /// RFC 3339 UTC timestamp with microseconds.
    pub at: String,
    /// The user name, or `system` for the platform's own work (migrations, demo load).
    pub actor: String,
    /// `create`, `update`, `delete`, `login`, `logout`, `login_failed`…
    pub action: String,
    /// `party`, `package`, `claim`, `collateral`, `guarantee`, `user`, `company`, `session`…
    pub entity: String,
    pub entity_id: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

/// The fields of a record that the hash covers, in a fixed order.
#[expect(clippy::too_many_arguments, reason = "each hashed field, in the fixed order of the chain format")]
pub fn record_hash(
    seq: i64,
    at: &str,
    actor: &str,
    action: &str,
    entity: &str,
    entity_id: &str,
    before: Option<&str>,
    after: Option<&str>,
    prev_hash: &str,
) -> String {
    let mut h = Sha256::new();
    // Length-prefixed fields: no two different records can hash the same input.
    for field in [
        seq.to_string().as_str(),
        at,
        actor,
        action,
        entity,
        entity_id,
        before.unwrap_or("\u{0}null"),
        after.unwrap_or("\u{0}null"),
        prev_hash,
    ] {
        h.update((field.len() as u64).to_le_bytes());
        h.update(field.as_bytes());
    }
    hex::encode(h.finalize())
}

/// The SHA-256 of some bytes (a file), in hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The first 16 hex digits of the SHA-256 of a secret (a password hash): enough to show
/// in the chain that it changed, without exposing it.
pub fn fingerprint(secret: &str) -> String {
    let mut digest = hex::encode(Sha256::digest(secret.as_bytes()));
    digest.truncate(16);
    digest
}

impl AuditRecord {
    pub fn computed_hash(&self) -> String {
        record_hash(
            self.seq,
            &self.at,
            &self.actor,
            &self.action,
            &self.entity,
            &self.entity_id,
            self.before.as_deref(),
            self.after.as_deref(),
            &self.prev_hash,
        )
    }
}

/// Where the chain first breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainBreak {
    /// The record's own hash does not match its contents: the record was altered.
    Altered { seq: i64 },
    /// The record does not point at the hash of the one before it: a record was
    /// removed, inserted or altered before it.
    Unlinked { seq: i64 },
    /// The sequence skips: a record is missing before this one.
    Gap { seq: i64, expected: i64 },
}

/// Checks records in sequence order, continuing from `prev` (`(seq, hash)` of the record
/// before the first one given, or `(0, GENESIS_HASH)`). Returns the last `(seq, hash)`
/// so that a long chain can be checked page by page.
pub fn verify_chain<'a, I>(prev: (i64, String), records: I) -> Result<(i64, String), ChainBreak>
where
    I: IntoIterator<Item = &'a AuditRecord>,
{
    let (mut last_seq, mut last_hash) = prev;
    for r in records {
        if r.seq != last_seq + 1 {
            return Err(ChainBreak::Gap { seq: r.seq, expected: last_seq + 1 });
        }
        if r.computed_hash() != r.hash {
            return Err(ChainBreak::Altered { seq: r.seq });
        }
        if r.prev_hash != last_hash {
            return Err(ChainBreak::Unlinked { seq: r.seq });
        }
        last_seq = r.seq;
        last_hash = r.hash.clone();
    }
    Ok((last_seq, last_hash))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<AuditRecord> {
        let mut prev = GENESIS_HASH.to_string();
        (1..=n)
            .map(|seq| {
                let after = Some(format!("{{\"n\":{seq}}}"));
                let hash = record_hash(
                    seq,
                    "2025-01-01T00:00:00Z",
                    "admin",
                    "create",
                    "party",
                    "1",
                    None,
                    after.as_deref(),
                    &prev,
                );
                let r = AuditRecord {
                    seq,
                    at: "2025-01-01T00:00:00Z".into(),
                    actor: "admin".into(),
                    action: "create".into(),
                    entity: "party".into(),
                    entity_id: "1".into(),
                    before: None,
                    after,
                    prev_hash: prev.clone(),
                    hash: hash.clone(),
                };
                prev = hash;
                r
            })
            .collect()
    }

    #[test]
    fn an_intact_chain_verifies() {
        let c = chain(5);
        assert_eq!(verify_chain((0, GENESIS_HASH.into()), &c).unwrap().0, 5);
    }

    #[test]
    fn tampering_is_caught_at_the_record() {
        let mut c = chain(5);
        c[2].after = Some("{\"n\":999}".into());
        assert_eq!(verify_chain((0, GENESIS_HASH.into()), &c), Err(ChainBreak::Altered { seq: 3 }));

        let mut c = chain(5);
        c.remove(1);
        assert_eq!(verify_chain((0, GENESIS_HASH.into()), &c), Err(ChainBreak::Gap { seq: 3, expected: 2 }));

        // Rehashing an altered record is not enough: the next one no longer links to it.
        let mut c = chain(5);
        c[2].actor = "mallory".into();
        c[2].hash = c[2].computed_hash();
        assert_eq!(verify_chain((0, GENESIS_HASH.into()), &c), Err(ChainBreak::Unlinked { seq: 4 }));
    }
}
