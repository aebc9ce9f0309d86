//! Parties: debtors, guarantors, transferors.

use huajie_core::{Identity, Party, PartyIdentifier, PartyKind, PartyStatus, Stored, Text};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::audit::Audited;
use crate::composed;
use crate::rows::{code, i64_col, opt_text, text};
use crate::{Store, StoreError, WriteTx};

impl Audited for Stored<Party> {
    const ENTITY: &'static str = "party";
    fn audit_id(&self) -> String {
        self.id.to_string()
    }
}

/// Ids bound in one `IN (…)` query: well under SQLite's and PostgreSQL's limits on parameters.
pub const IDS_PER_QUERY: usize = 200;

/// The columns of a party, each prefixed (`p_id`, `p_name`…), for joins.
pub(crate) fn party_columns(table: &str, prefix: &str) -> String {
    ["id", "kind", "name", "identifier", "province", "status", "address", "phone", "id_as_written"]
        .iter()
        .map(|c| format!("{table}.{c} AS {prefix}{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(crate) fn party_from_row(row: &AnyRow, prefix: &str) -> Result<Stored<Party>, StoreError> {
    let col = |c: &str| format!("{prefix}{c}");
    let kind = code(row, &col("kind"), PartyKind::from_code)?;
    let identity = match (opt_text(row, &col("identifier"))?, opt_text(row, &col("id_as_written"))?) {
        (Some(identifier), None) => Identity::Verified(
            PartyIdentifier::read_stored(kind, &identifier)
                .map_err(|e| StoreError::Corrupt(format!("party identifier {identifier}: {e}")))?,
        ),
        (None, id_as_written) => Identity::Unverified { kind, id_as_written },
        (Some(identifier), Some(_)) => {
            return Err(StoreError::Corrupt(format!("party {identifier}: an identifier and an ID as written")));
        }
    };
    Ok(Stored {
        id: i64_col(row, &col("id"))?,
        data: Party {
            name: text(row, &col("name"))?,
            identity,
            status: code(row, &col("status"), PartyStatus::from_code)?,
            address: opt_text(row, &col("address"))?,
            phone: opt_text(row, &col("phone"))?,
        },
    })
}

/// A party in the list, with its roles in the portfolio.
#[derive(Debug, Clone)]
pub struct PartyListRow {
    pub party: Stored<Party>,
    /// Claims it owes.
    pub debts: i64,
    /// Claims it guarantees.
    pub guarantees: i64,
}

/// A filter for the party list.
#[derive(Debug, Clone, Default)]
pub struct PartyFilter {
    pub kind: Option<PartyKind>,
    /// Part of the name or of the identifier.
    pub query: Option<String>,
    /// For viewers who may not see personal data: the query matches organisations'
    /// names only, so that a search cannot confirm a person's name or ID number.
    pub names_only: bool,
    pub limit: i64,
    pub offset: i64,
}

impl Store {
    pub async fn party(&self, id: i64) -> Result<Option<Stored<Party>>, StoreError> {
        let row = sqlx::query(composed(format!("SELECT {} FROM parties p WHERE p.id = $1", party_columns("p", ""))))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(|r| party_from_row(r, "")).transpose()
    }

    /// The kind and name of each party in `ids` that exists, by id: one `IN (…)` query per
    /// [`IDS_PER_QUERY`] ids (not one per party). Names are as stored; masking is the caller's.
    pub async fn party_names(
        &self,
        ids: &[i64],
    ) -> Result<std::collections::HashMap<i64, (PartyKind, String)>, StoreError> {
        let mut ids = ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        let mut out = std::collections::HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(IDS_PER_QUERY) {
            let sql =
                format!("SELECT id, kind, name FROM parties WHERE id IN ({})", crate::params_from(1, chunk.len()));
            let mut query = sqlx::query(composed(sql));
            for id in chunk {
                query = query.bind(*id);
            }
            for r in query.fetch_all(&self.pool).await? {
                out.insert(i64_col(&r, "id")?, (code(&r, "kind", PartyKind::from_code)?, text(&r, "name")?));
            }
        }
        Ok(out)
    }

    pub async fn party_by_identifier(&self, identifier: &str) -> Result<Option<Stored<Party>>, StoreError> {
        let row =
            sqlx::query(composed(format!("SELECT {} FROM parties p WHERE p.identifier = $1", party_columns("p", ""))))
                .bind(identifier)
                .fetch_optional(&self.pool)
                .await?;
        row.as_ref().map(|r| party_from_row(r, "")).transpose()
    }

    /// Parties matching the filter, by name in pinyin order (`name_key`), each with how many claims it owes and how
    /// many it guarantees, and the total count of matches.
    pub async fn parties(&self, filter: &PartyFilter) -> Result<(Vec<PartyListRow>, i64), StoreError> {
        let kind = filter.kind.map(|k| k.code().to_string());
        // An ID number is found as people write it, spaces and hyphens and all.
        let pattern = filter
            .query
            .as_ref()
            .filter(|q| !q.trim().is_empty())
            .map(|q| format!("%{}%", huajie_core::ids::search_form(q)));
        let where_clause = "WHERE ($1 IS NULL OR p.kind = $1) AND ($2 IS NULL \
             OR ($3 = 0 AND (p.name LIKE $2 OR p.identifier LIKE $2 OR p.id_as_written LIKE $2)) \
             OR ($3 = 1 AND p.kind = 'corporate' AND p.name LIKE $2))";
        let names_only = i64::from(filter.names_only);
        let total: i64 = sqlx::query(composed(format!("SELECT COUNT(*) FROM parties p {where_clause}")))
            .bind(kind.clone())
            .bind(pattern.clone())
            .bind(names_only)
            .fetch_one(&self.pool)
            .await?
            .try_get(0)?;
        let rows = sqlx::query(composed(format!(
            "SELECT {}, (SELECT COUNT(*) FROM claims c WHERE c.debtor_id = p.id) AS debts, \
               (SELECT COUNT(*) FROM guarantees g WHERE g.guarantor_id = p.id) AS guarantees \
             FROM parties p {where_clause} ORDER BY p.name_key, p.name, p.id LIMIT $4 OFFSET $5",
            party_columns("p", "")
        )))
        .bind(kind)
        .bind(pattern)
        .bind(names_only)
        .bind(filter.limit)
        .bind(filter.offset)
        .fetch_all(&self.pool)
        .await?;
        let parties = rows
            .iter()
            .map(|r| {
                Ok(PartyListRow {
                    party: party_from_row(r, "")?,
                    debts: i64_col(r, "debts")?,
                    guarantees: i64_col(r, "guarantees")?,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        Ok((parties, total))
    }

    /// The parties the compliance book names (lenders, exposures, holdings, officers, the staff,
    /// relatives, staff entities, attributes), in id order: what its page shows beside its
    /// entries, never every party of the portfolio.
    pub async fn book_parties(&self) -> Result<Vec<Stored<Party>>, StoreError> {
        let named = "SELECT lender_id FROM funding_instruments UNION SELECT party_id FROM exposures \
             UNION SELECT holder_id FROM party_links UNION SELECT held_id FROM party_links \
             UNION SELECT party_id FROM officers UNION SELECT party_id FROM staff \
             UNION SELECT a_id FROM relatives UNION SELECT b_id FROM relatives \
             UNION SELECT person_id FROM staff_entities UNION SELECT entity_id FROM staff_entities \
             UNION SELECT party_id FROM party_attributes";
        let sql = format!("SELECT {} FROM parties p WHERE p.id IN ({named}) ORDER BY p.id", party_columns("p", ""));
        let rows = sqlx::query(composed(sql)).fetch_all(&self.pool).await?;
        rows.iter().map(|r| party_from_row(r, "")).collect()
    }

    /// Up to `limit` parties with ids above `after`, in id order: a walk over all of them in pages.
    pub(crate) async fn parties_after(
        c: &mut sqlx::AnyConnection,
        after: i64,
        limit: i64,
    ) -> Result<Vec<Stored<Party>>, StoreError> {
        let sql = format!("SELECT {} FROM parties p WHERE p.id > $1 ORDER BY p.id LIMIT $2", party_columns("p", ""));
        let rows = sqlx::query(composed(sql)).bind(after).bind(limit).fetch_all(&mut *c).await?;
        rows.iter().map(|r| party_from_row(r, "")).collect()
    }

    pub async fn all_parties(&self) -> Result<Vec<Stored<Party>>, StoreError> {
        let rows = sqlx::query(composed(format!("SELECT {} FROM parties p ORDER BY p.id", party_columns("p", ""))))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| party_from_row(r, "")).collect()
    }
}

impl Store {
    /// Writes the pinyin sort key (`huajie_core::collate::pinyin_key`) of every party that has
    /// none: the rows from before migration 0035 (new parties are written with theirs). Not an
    /// audited change: the key is derived from the name, which does not change.
    pub(crate) async fn fill_name_keys(&self) -> Result<usize, StoreError> {
        let rows = sqlx::query("SELECT id, name FROM parties WHERE name_key = ''").fetch_all(&self.pool).await?;
        let keyed: Vec<(i64, String)> = rows
            .iter()
            .map(|r| Ok((i64_col(r, "id")?, huajie_core::collate::pinyin_key(&text(r, "name")?))))
            .collect::<Result<_, StoreError>>()?;
        let keyed: Vec<_> = keyed.into_iter().filter(|(_, key)| !key.is_empty()).collect();
        let _turn = self.writers.lock().await;
        let mut tx = self.pool.begin().await?;
        for (id, key) in &keyed {
            sqlx::query("UPDATE parties SET name_key = $1 WHERE id = $2").bind(key).bind(id).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(keyed.len())
    }
}

impl WriteTx {
    /// Adds a party. A second party with the same identifier is `Duplicate`.
    pub async fn insert_party(&mut self, party: &Party) -> Result<i64, StoreError> {
        let ids = self.insert_rows(std::slice::from_ref(party)).await.map_err(|e| {
            e.on_unique_db(|| {
                let id = party.identity.id_text().unwrap_or_default();
                Text::new(format!("证件号码 {id}"), format!("identifier {id}"))
            })
        })?;
        let id = ids[0];
        self.audit_create(&Stored { id, data: party.clone() }).await?;
        Ok(id)
    }
}
