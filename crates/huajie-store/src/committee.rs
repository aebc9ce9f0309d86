//! The decision committee as stored: members with their terms, meetings with their attendance,
//! agenda items with who worked on them, and the named votes (rules.md A11, Q16). Every row is
//! audited; the rules are `huajie_decide::committee`'s.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};
use huajie_core::{Money, Text};
use huajie_decide::committee::{Ballot, Capacity, Decision, VoteRule};
use huajie_decide::{ApprovalTier, ItemStatus, MeetingStatus};
use serde::Serialize;

use crate::audit::Audited;
use crate::rows::{code, date, i64_col, opt_date, opt_i64, opt_money, opt_utc, text, utc};
use crate::{Store, StoreError, WriteTx};

/// A member of the committee and the term they serve.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommitteeMember {
    pub id: i64,
    pub username: String,
    /// 主任委员, 委员…
    pub title: String,
    pub term_from: NaiveDate,
    pub term_to: Option<NaiveDate>,
    pub created_by: String,
    #[serde(serialize_with = "crate::rows::stored_time")]
    pub created_at: DateTime<Utc>,
}

impl Audited for CommitteeMember {
    const ENTITY: &'static str = "committee_member";
    fn audit_id(&self) -> String {
        self.id.to_string()
    }
}

impl CommitteeMember {
    pub fn serves_on(&self, day: NaiveDate) -> bool {
        huajie_decide::committee::Term { from: self.term_from, to: self.term_to }.covers(day)
    }
}

/// A meeting of the committee, with who was present once it sat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Meeting {
    pub id: i64,
    pub title: String,
    #[serde(serialize_with = "crate::rows::stored_time")]
    pub scheduled_for: DateTime<Utc>,
    pub place: String,
    pub status: MeetingStatus,
    #[serde(serialize_with = "crate::rows::opt_stored_time")]
    pub opened_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "crate::rows::opt_stored_time")]
    pub closed_at: Option<DateTime<Utc>>,
    pub minutes: String,
    pub present: Vec<String>,
    pub created_by: String,
    #[serde(serialize_with = "crate::rows::stored_time")]
    pub created_at: DateTime<Utc>,
}

impl Audited for Meeting {
    const ENTITY: &'static str = "committee_meeting";
    fn audit_id(&self) -> String {
        self.id.to_string()
    }
}

huajie_core::named_enum! {
    /// What an agenda item decides.
    pub enum ItemKind {
        Acquisition = ("acquisition", "收购决策", "Acquisition"),
        DisposalPlan = ("disposal_plan", "处置方案", "Disposal plan"),
    }
}

/// An agenda item: the package (and plan) it decides, the price for an acquisition, its tier,
/// who worked on it (and so may not vote), and where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Item {
    pub id: i64,
    pub meeting_id: i64,
    pub kind: ItemKind,
    pub package_id: i64,
    pub plan_id: Option<i64>,
    pub check_id: Option<i64>,
    pub price: Option<Money>,
    pub title: String,
    pub tier: ApprovalTier,
    pub status: ItemStatus,
    /// The decision in words (the tally), once decided.
    pub outcome: Option<Text>,
    #[serde(serialize_with = "crate::rows::opt_stored_time")]
    pub decided_at: Option<DateTime<Utc>>,
    pub workers: Vec<(String, Capacity)>,
    pub created_by: String,
    #[serde(serialize_with = "crate::rows::stored_time")]
    pub created_at: DateTime<Utc>,
}

impl Audited for Item {
    const ENTITY: &'static str = "committee_item";
    fn audit_id(&self) -> String {
        self.id.to_string()
    }
}

/// A member's named vote on an item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Vote {
    pub id: i64,
    pub item_id: i64,
    pub username: String,
    pub ballot: String,
    pub reason: String,
    #[serde(serialize_with = "crate::rows::stored_time")]
    pub cast_at: DateTime<Utc>,
}

impl Audited for Vote {
    const ENTITY: &'static str = "committee_vote";
    fn audit_id(&self) -> String {
        self.id.to_string()
    }
}

impl Vote {
    pub fn ballot(&self) -> Result<Ballot, StoreError> {
        Ballot::read(&self.ballot, &self.reason)
            .map_err(|_| StoreError::Corrupt(format!("committee_votes {}: ballot {}", self.id, self.ballot)))
    }
}

/// A meeting with its items and their votes, as its page and its minutes show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingRecord {
    pub meeting: Meeting,
    pub items: Vec<(Item, Vec<Vote>)>,
}

const MEMBER_COLUMNS: &str = "id, username, title, term_from, term_to, created_by, created_at";
const MEETING_COLUMNS: &str =
    "id, title, scheduled_for, place, status, opened_at, closed_at, minutes, created_by, created_at";
pub(crate) const ITEM_COLUMNS: &str = "id, meeting_id, kind, package_id, plan_id, check_id, price_fen, title, tier, status, outcome, decided_at, created_by, created_at";
const VOTE_COLUMNS: &str = "id, item_id, username, ballot, reason, cast_at";

fn member_from_row(r: &sqlx::any::AnyRow) -> Result<CommitteeMember, StoreError> {
    Ok(CommitteeMember {
        id: i64_col(r, "id")?,
        username: text(r, "username")?,
        title: text(r, "title")?,
        term_from: date(r, "term_from")?,
        term_to: opt_date(r, "term_to")?,
        created_by: text(r, "created_by")?,
        created_at: utc(r, "created_at")?,
    })
}

fn meeting_from_row(r: &sqlx::any::AnyRow, present: Vec<String>) -> Result<Meeting, StoreError> {
    Ok(Meeting {
        id: i64_col(r, "id")?,
        title: text(r, "title")?,
        scheduled_for: utc(r, "scheduled_for")?,
        place: text(r, "place")?,
        status: code(r, "status", MeetingStatus::from_code)?,
        opened_at: opt_utc(r, "opened_at")?,
        closed_at: opt_utc(r, "closed_at")?,
        minutes: text(r, "minutes")?,
        present,
        created_by: text(r, "created_by")?,
        created_at: utc(r, "created_at")?,
    })
}

fn item_from_row(r: &sqlx::any::AnyRow, workers: Vec<(String, Capacity)>) -> Result<Item, StoreError> {
    let outcome = text(r, "outcome")?;
    Ok(Item {
        id: i64_col(r, "id")?,
        meeting_id: i64_col(r, "meeting_id")?,
        kind: code(r, "kind", ItemKind::from_code)?,
        package_id: i64_col(r, "package_id")?,
        plan_id: opt_i64(r, "plan_id")?,
        check_id: opt_i64(r, "check_id")?,
        price: opt_money(r, "price_fen")?,
        title: text(r, "title")?,
        tier: code(r, "tier", ApprovalTier::from_code)?,
        status: code(r, "status", ItemStatus::from_code)?,
        outcome: if outcome.is_empty() {
            None
        } else {
            Some(
                serde_json::from_str(&outcome)
                    .map_err(|e| StoreError::Corrupt(format!("committee_items.outcome: {e}")))?,
            )
        },
        decided_at: opt_utc(r, "decided_at")?,
        workers,
        created_by: text(r, "created_by")?,
        created_at: utc(r, "created_at")?,
    })
}

fn vote_from_row(r: &sqlx::any::AnyRow) -> Result<Vote, StoreError> {
    Ok(Vote {
        id: i64_col(r, "id")?,
        item_id: i64_col(r, "item_id")?,
        username: text(r, "username")?,
        ballot: text(r, "ballot")?,
        reason: text(r, "reason")?,
        cast_at: utc(r, "cast_at")?,
    })
}

/// Reads of the committee over one connection: a pool connection for pages, the write
/// transaction's for operations.
pub(crate) mod read {
    use super::*;
    use sqlx::AnyConnection;

    pub async fn members(c: &mut AnyConnection) -> Result<Vec<CommitteeMember>, StoreError> {
        let sql = format!("SELECT {MEMBER_COLUMNS} FROM committee_members ORDER BY id");
        let rows = sqlx::query(crate::composed(sql)).fetch_all(&mut *c).await?;
        rows.iter().map(member_from_row).collect()
    }

    pub async fn present(c: &mut AnyConnection, meeting: i64) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query("SELECT username FROM meeting_attendance WHERE meeting_id = $1 ORDER BY username")
            .bind(meeting)
            .fetch_all(&mut *c)
            .await?;
        rows.iter().map(|r| text(r, "username")).collect()
    }

    pub async fn meeting(c: &mut AnyConnection, id: i64) -> Result<Meeting, StoreError> {
        let sql = format!("SELECT {MEETING_COLUMNS} FROM committee_meetings WHERE id = $1");
        let row = sqlx::query(crate::composed(sql)).bind(id).fetch_optional(&mut *c).await?;
        let row = row.ok_or_else(|| StoreError::NotFound(format!("会议 / meeting {id}")))?;
        let present = present(c, id).await?;
        meeting_from_row(&row, present)
    }

    pub async fn meetings(c: &mut AnyConnection) -> Result<Vec<Meeting>, StoreError> {
        let sql = format!("SELECT {MEETING_COLUMNS} FROM committee_meetings ORDER BY scheduled_for DESC, id DESC");
        let rows = sqlx::query(crate::composed(sql)).fetch_all(&mut *c).await?;
        let attendance = sqlx::query("SELECT meeting_id, username FROM meeting_attendance ORDER BY username")
            .fetch_all(&mut *c)
            .await?;
        let mut present: BTreeMap<i64, Vec<String>> = BTreeMap::new();
        for a in &attendance {
            present.entry(i64_col(a, "meeting_id")?).or_default().push(text(a, "username")?);
        }
        rows.iter().map(|r| meeting_from_row(r, present.remove(&i64_col(r, "id")?).unwrap_or_default())).collect()
    }

    async fn workers(
        c: &mut AnyConnection,
        item: Option<i64>,
    ) -> Result<BTreeMap<i64, Vec<(String, Capacity)>>, StoreError> {
        let rows = match item {
            Some(id) => sqlx::query(
                "SELECT item_id, username, capacity FROM item_workers WHERE item_id = $1 ORDER BY username, capacity",
            )
            .bind(id)
            .fetch_all(&mut *c)
            .await?,
            None => {
                sqlx::query("SELECT item_id, username, capacity FROM item_workers ORDER BY item_id, username, capacity")
                    .fetch_all(&mut *c)
                    .await?
            }
        };
        let mut out: BTreeMap<i64, Vec<(String, Capacity)>> = BTreeMap::new();
        for r in &rows {
            out.entry(i64_col(r, "item_id")?)
                .or_default()
                .push((text(r, "username")?, code(r, "capacity", Capacity::from_code)?));
        }
        Ok(out)
    }

    pub async fn item(c: &mut AnyConnection, id: i64) -> Result<Item, StoreError> {
        let sql = format!("SELECT {ITEM_COLUMNS} FROM committee_items WHERE id = $1");
        let row = sqlx::query(crate::composed(sql)).bind(id).fetch_optional(&mut *c).await?;
        let row = row.ok_or_else(|| StoreError::NotFound(format!("议题 / item {id}")))?;
        let mut w = workers(c, Some(id)).await?;
        item_from_row(&row, w.remove(&id).unwrap_or_default())
    }

    /// Items, all or of one meeting, in the order tabled.
    pub async fn items(c: &mut AnyConnection, meeting: Option<i64>) -> Result<Vec<Item>, StoreError> {
        let rows = match meeting {
            Some(m) => {
                let sql = format!("SELECT {ITEM_COLUMNS} FROM committee_items WHERE meeting_id = $1 ORDER BY id");
                sqlx::query(crate::composed(sql)).bind(m).fetch_all(&mut *c).await?
            }
            None => {
                let sql = format!("SELECT {ITEM_COLUMNS} FROM committee_items ORDER BY id");
                sqlx::query(crate::composed(sql)).fetch_all(&mut *c).await?
            }
        };
        let mut w = workers(c, None).await?;
        rows.iter().map(|r| item_from_row(r, w.remove(&i64_col(r, "id")?).unwrap_or_default())).collect()
    }

    pub async fn votes(c: &mut AnyConnection, item: Option<i64>) -> Result<Vec<Vote>, StoreError> {
        let rows = match item {
            Some(i) => {
                let sql = format!("SELECT {VOTE_COLUMNS} FROM committee_votes WHERE item_id = $1 ORDER BY id");
                sqlx::query(crate::composed(sql)).bind(i).fetch_all(&mut *c).await?
            }
            None => {
                let sql = format!("SELECT {VOTE_COLUMNS} FROM committee_votes ORDER BY id");
                sqlx::query(crate::composed(sql)).fetch_all(&mut *c).await?
            }
        };
        rows.iter().map(vote_from_row).collect()
    }
}

impl Store {
    pub async fn committee_members(&self) -> Result<Vec<CommitteeMember>, StoreError> {
        read::members(&mut *self.pool.acquire().await?).await
    }

    pub async fn meetings(&self) -> Result<Vec<Meeting>, StoreError> {
        read::meetings(&mut *self.pool.acquire().await?).await
    }

    /// A meeting with its items and each item's votes.
    pub async fn meeting_record(&self, id: i64) -> Result<MeetingRecord, StoreError> {
        let mut c = self.pool.acquire().await?;
        let meeting = read::meeting(&mut c, id).await?;
        let mut items = Vec::new();
        for item in read::items(&mut c, Some(id)).await? {
            let votes = read::votes(&mut c, Some(item.id)).await?;
            items.push((item, votes));
        }
        Ok(MeetingRecord { meeting, items })
    }

    pub async fn committee_item(&self, id: i64) -> Result<Item, StoreError> {
        read::item(&mut *self.pool.acquire().await?, id).await
    }

    /// Every item, oldest first (the committee's register and the audit's check).
    pub async fn committee_items(&self) -> Result<Vec<Item>, StoreError> {
        read::items(&mut *self.pool.acquire().await?, None).await
    }

    pub async fn committee_votes(&self) -> Result<Vec<Vote>, StoreError> {
        read::votes(&mut *self.pool.acquire().await?, None).await
    }

    /// The items `username` may vote on now: pending, in a meeting in session where they are
    /// present, not among those who worked on it, and not yet voted on by them.
    pub async fn my_pending_votes(&self, username: &str) -> Result<Vec<(Meeting, Item)>, StoreError> {
        let mut c = self.pool.acquire().await?;
        let mut out = Vec::new();
        for m in read::meetings(&mut c).await? {
            if m.status != MeetingStatus::InSession || !m.present.iter().any(|p| p == username) {
                continue;
            }
            for item in read::items(&mut c, Some(m.id)).await? {
                let voted = read::votes(&mut c, Some(item.id)).await?.iter().any(|v| v.username == username);
                let worked = item.workers.iter().any(|(w, _)| w == username);
                if item.status == ItemStatus::Pending && !voted && !worked {
                    out.push((m.clone(), item));
                }
            }
        }
        Ok(out)
    }
}

/// An item's decision as it stands, from its meeting's attendance and its votes.
pub(crate) fn decision_of(
    rule: VoteRule,
    meeting: &Meeting,
    item: &Item,
    votes: &[Vote],
    closing: bool,
) -> Result<Decision, StoreError> {
    let present: BTreeSet<String> = meeting.present.iter().cloned().collect();
    let recused = huajie_decide::committee::recused(&present, &item.workers);
    let ballots: BTreeMap<String, Ballot> =
        votes.iter().map(|v| Ok((v.username.clone(), v.ballot()?))).collect::<Result<_, StoreError>>()?;
    Ok(huajie_decide::committee::decide(rule, &present, &recused, &ballots, closing))
}

impl WriteTx {
    pub(crate) async fn insert_workers(&mut self, item: i64, workers: &[(String, Capacity)]) -> Result<(), StoreError> {
        let unique: BTreeSet<&(String, Capacity)> = workers.iter().collect();
        for (who, how) in unique {
            sqlx::query("INSERT INTO item_workers (item_id, username, capacity) VALUES ($1, $2, $3)")
                .bind(item)
                .bind(who.as_str())
                .bind(how.code())
                .execute(&mut *self.tx)
                .await?;
        }
        Ok(())
    }
}
