//! One guarded change of status for every record with a life cycle (`huajie_core::Lifecycle`):
//! the pure rule is asked on the status this transaction read, and the `UPDATE` is guarded by
//! the statuses that may become the next one, so a change that raced another is refused, never
//! applied twice (ARCHITECTURE.md, "The write path").

use huajie_core::Lifecycle;

use crate::{StoreError, WriteTx};

/// A table whose rows have a `status` column and an `id`.
#[derive(Debug, Clone, Copy)]
pub(crate) enum StatusTable {
    Meetings,
    Items,
    Plans,
    Announcements,
    Investors,
    Lots,
    Deposits,
}

impl StatusTable {
    fn name(self) -> &'static str {
        match self {
            StatusTable::Meetings => "committee_meetings",
            StatusTable::Items => "committee_items",
            StatusTable::Plans => "disposal_plans",
            StatusTable::Announcements => "announcements",
            StatusTable::Investors => "investors",
            StatusTable::Lots => "lots",
            StatusTable::Deposits => "lot_deposits",
        }
    }
}

impl WriteTx {
    /// Moves row `id` of `table` from `current` (as this transaction read it) to `next`, setting
    /// the text columns `also` with it. Refused with the life cycle's own words when the rule
    /// does not allow it or when the row's status changed under the guard.
    pub(crate) async fn set_status<L: Lifecycle>(
        &mut self,
        table: StatusTable,
        id: i64,
        current: L,
        next: L,
        also: &[(&'static str, Option<String>)],
    ) -> Result<(), StoreError> {
        if !current.can_become(next) {
            return Err(StoreError::Refused(current.refusal(next)));
        }
        let from = L::may_become(next);
        let sets: String = also.iter().enumerate().map(|(i, (col, _))| format!(", {col} = ${}", i + 2)).collect();
        let id_at = also.len() + 2;
        let sql = format!(
            "UPDATE {} SET status = $1{sets} WHERE id = ${id_at} AND status IN ({})",
            table.name(),
            crate::params_from(id_at + 1, from.len())
        );
        let mut q = sqlx::query(crate::composed(sql)).bind(next.code());
        for (_, value) in also {
            q = q.bind(value.clone());
        }
        q = q.bind(id);
        for s in &from {
            q = q.bind(s.code());
        }
        if q.execute(&mut *self.tx).await?.rows_affected() != 1 {
            return Err(StoreError::Refused(current.refusal(next)));
        }
        Ok(())
    }
}
