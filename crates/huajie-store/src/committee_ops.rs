//! The committee's operations, each one write transaction of the write path: read through it,
//! ask `huajie_decide`, write guarded, audit (ARCHITECTURE.md, "The write path").

use chrono::{DateTime, NaiveDate, Utc};
use huajie_core::Lifecycle as _;
use huajie_core::{Role, Text};
use huajie_decide::committee::{Ballot, Capacity, Term, VoteRule};
use huajie_decide::{ApprovalTier, ItemStatus, MeetingStatus, PlanStatus};

use crate::committee::{CommitteeMember, Item, ItemKind, Meeting, Vote, decision_of, read};
use crate::status::StatusTable;
use crate::{Store, StoreError, WriteTx};

/// What an agenda item decides, as the person tabling it names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemSubject {
    /// Buying a package at the price of a cleared acquisition check.
    Acquisition { check_id: i64 },
    /// A disposal plan whose gate has passed.
    Plan { plan_id: i64 },
}

fn refused(zh: impl Into<String>, en: impl Into<String>) -> StoreError {
    StoreError::Refused(Text::new(zh.into(), en.into()))
}

impl Store {
    /// The latest committee approval of buying `package_id`, if any.
    pub async fn acquisition_approval(
        &self,
        package_id: i64,
    ) -> Result<Option<huajie_decide::acquire::Approval>, StoreError> {
        passed_acquisition_on(&mut *self.pool.acquire().await?, package_id).await
    }

    /// Adds `username` to the committee for `term`, with their title. Refused for an unknown or
    /// inactive user, a role that may change nothing (auditor, regulator) or an investor, and a
    /// term overlapping one the user already serves.
    pub async fn add_committee_member(
        &self,
        actor: &str,
        username: &str,
        title: &str,
        term: Term,
    ) -> Result<CommitteeMember, StoreError> {
        self.operate(actor, async |tx| {
            let user = tx.user_in(username).await?;
            if !user.active || user.role.is_read_only() || user.role == Role::Investor {
                return Err(refused(
                    format!("用户 {username} 不能担任委员（停用、只读角色或投资者）。"),
                    format!("{username} cannot serve on the committee (inactive, read-only or an investor)."),
                ));
            }
            if title.trim().is_empty() {
                return Err(refused("请填写委员职务。", "Give the member's title."));
            }
            let overlapping = read::members(&mut tx.tx).await?.into_iter().any(|m| {
                m.username == username
                    && m.term_to.is_none_or(|to| term.from <= to)
                    && term.to.is_none_or(|to| m.term_from <= to)
            });
            if overlapping {
                return Err(refused(
                    format!("{username} 在该期间已是委员。"),
                    format!("{username} already serves on the committee in that period."),
                ));
            }
            let created_at = crate::stored_time(tx.clock.now());
            let r = sqlx::query("INSERT INTO committee_members (username, title, term_from, term_to, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
                .bind(username)
                .bind(title.trim())
                .bind(crate::rows::date_text(term.from))
                .bind(term.to.map(crate::rows::date_text))
                .bind(tx.actor().to_string())
                .bind(crate::timestamp(created_at))
                .fetch_one(&mut *tx.tx)
                .await?;
            let m = CommitteeMember {
                id: crate::rows::i64_col(&r, "id")?,
                username: username.to_string(),
                title: title.trim().to_string(),
                term_from: term.from,
                term_to: term.to,
                created_by: tx.actor().to_string(),
                created_at,
            };
            tx.audit_create(&m).await?;
            Ok(m)
        })
        .await
    }

    /// Schedules a meeting.
    pub async fn schedule_meeting(
        &self,
        actor: &str,
        title: &str,
        scheduled_for: DateTime<Utc>,
        place: &str,
    ) -> Result<Meeting, StoreError> {
        if title.trim().is_empty() {
            return Err(refused("请填写会议名称。", "Give the meeting a title."));
        }
        self.operate(actor, async |tx| {
            let created_at = crate::stored_time(tx.clock.now());
            let r = sqlx::query("INSERT INTO committee_meetings (title, scheduled_for, place, status, minutes, created_by, created_at) VALUES ($1, $2, $3, $4, '', $5, $6) RETURNING id")
                .bind(title.trim())
                .bind(crate::timestamp(scheduled_for))
                .bind(place.trim())
                .bind(MeetingStatus::Scheduled.code())
                .bind(tx.actor().to_string())
                .bind(crate::timestamp(created_at))
                .fetch_one(&mut *tx.tx)
                .await?;
            let m = read::meeting(&mut tx.tx, crate::rows::i64_col(&r, "id")?).await?;
            tx.audit_create(&m).await?;
            Ok(m)
        })
        .await
    }

    /// Puts an acquisition or a plan on a meeting's agenda, with the deal team named by whoever
    /// tables it (they, the preparer, the valuer and whoever ran the check may not vote on it).
    pub async fn table_item(
        &self,
        actor: &str,
        meeting_id: i64,
        subject: ItemSubject,
        team: &[String],
    ) -> Result<Item, StoreError> {
        self.operate(actor, async |tx| {
            let meeting = read::meeting(&mut tx.tx, meeting_id).await?;
            if !matches!(meeting.status, MeetingStatus::Scheduled | MeetingStatus::InSession) {
                return Err(refused(
                    format!("会议当前为“{}”，不能再列入议题。", meeting.status.zh()),
                    format!("The meeting is “{}”: nothing more can be tabled.", meeting.status.en()),
                ));
            }
            for who in team {
                tx.user_in(who).await?;
            }
            let mut workers: Vec<(String, Capacity)> = team.iter().map(|u| (u.clone(), Capacity::DealTeam)).collect();
            let draft = match subject {
                ItemSubject::Acquisition { check_id } => tx.acquisition_item(check_id, &mut workers).await?,
                ItemSubject::Plan { plan_id } => tx.plan_item(plan_id, &mut workers).await?,
            };
            let created_at = crate::stored_time(tx.clock.now());
            let r = sqlx::query("INSERT INTO committee_items (meeting_id, kind, package_id, plan_id, check_id, price_fen, title, tier, status, outcome, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, '', $10, $11) RETURNING id")
                .bind(meeting_id)
                .bind(draft.kind.code())
                .bind(draft.package_id)
                .bind(draft.plan_id)
                .bind(draft.check_id)
                .bind(draft.price.map(huajie_core::Money::fen))
                .bind(draft.title.as_str())
                .bind(draft.tier.code())
                .bind(ItemStatus::Pending.code())
                .bind(tx.actor().to_string())
                .bind(crate::timestamp(created_at))
                .fetch_one(&mut *tx.tx)
                .await?;
            let id = crate::rows::i64_col(&r, "id")?;
            tx.insert_workers(id, &workers).await?;
            let item = read::item(&mut tx.tx, id).await?;
            tx.audit_create(&item).await?;
            Ok(item)
        })
        .await
    }

    /// Opens a scheduled meeting with the members present (each serving on the day): refused
    /// without a quorum (流会).
    pub async fn open_meeting(&self, actor: &str, meeting_id: i64, present: &[String]) -> Result<Meeting, StoreError> {
        self.operate(actor, async |tx| {
            let before = read::meeting(&mut tx.tx, meeting_id).await?;
            let today = tx.clock.today();
            let members = read::members(&mut tx.tx).await?;
            let mut present: Vec<String> = present.iter().map(|p| p.trim().to_string()).collect();
            present.sort();
            present.dedup();
            for p in &present {
                if !members.iter().any(|m| &m.username == p && m.serves_on(today)) {
                    return Err(refused(
                        format!("{p} 今日不是在任委员，不能登记出席。"),
                        format!("{p} does not serve on the committee today: not recorded as present."),
                    ));
                }
            }
            let params = tx.rule_parameters().await?.parameters;
            huajie_decide::committee::may_sit(&params, present.len()).map_err(StoreError::Refused)?;
            let now = crate::stored_time(tx.clock.now());
            tx.set_status(
                StatusTable::Meetings,
                meeting_id,
                before.status,
                MeetingStatus::InSession,
                &[("opened_at", Some(crate::timestamp(now)))],
            )
            .await?;
            for p in &present {
                sqlx::query("INSERT INTO meeting_attendance (meeting_id, username) VALUES ($1, $2)")
                    .bind(meeting_id)
                    .bind(p.as_str())
                    .execute(&mut *tx.tx)
                    .await?;
            }
            let after = read::meeting(&mut tx.tx, meeting_id).await?;
            tx.audit_update(&before, &after).await?;
            Ok(after)
        })
        .await
    }

    /// A member's named vote on an item of a meeting in session. The item is decided (and its
    /// plan approved or rejected) as soon as every member entitled to vote has voted.
    pub async fn cast_vote(&self, actor: &str, item_id: i64, ballot: Ballot) -> Result<Item, StoreError> {
        self.operate(actor, async |tx| {
            let item = read::item(&mut tx.tx, item_id).await?;
            let meeting = read::meeting(&mut tx.tx, item.meeting_id).await?;
            if meeting.status != MeetingStatus::InSession {
                return Err(refused(
                    format!("会议当前为“{}”，不能表决。", meeting.status.zh()),
                    format!("The meeting is “{}”: no vote now.", meeting.status.en()),
                ));
            }
            if item.status != ItemStatus::Pending {
                return Err(StoreError::Refused(item.status.refusal(ItemStatus::Passed)));
            }
            let votes = read::votes(&mut tx.tx, Some(item_id)).await?;
            let present = meeting.present.iter().cloned().collect();
            let cast: std::collections::BTreeMap<String, Ballot> =
                votes.iter().map(|v| Ok((v.username.clone(), v.ballot()?))).collect::<Result<_, StoreError>>()?;
            let me = tx.actor().to_string();
            huajie_decide::committee::may_vote(&me, &present, &item.workers, &cast).map_err(StoreError::Refused)?;
            let cast_at = crate::stored_time(tx.clock.now());
            let r = sqlx::query("INSERT INTO committee_votes (item_id, username, ballot, reason, cast_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
                .bind(item_id)
                .bind(me.as_str())
                .bind(ballot.code())
                .bind(ballot.reason())
                .bind(crate::timestamp(cast_at))
                .fetch_one(&mut *tx.tx)
                .await
                .map_err(|e| match StoreError::on_unique(e, || Text::fixed("您已就该议题表决，每人一票。", "You have voted on this item: one member, one vote.")) {
                    StoreError::Duplicate(t) => StoreError::Refused(t),
                    other => other,
                })?;
            let vote = Vote {
                id: crate::rows::i64_col(&r, "id")?,
                item_id,
                username: me,
                ballot: ballot.code().to_string(),
                reason: ballot.reason().to_string(),
                cast_at,
            };
            tx.audit_create(&vote).await?;
            let mut votes = votes;
            votes.push(vote);
            tx.settle_item(&meeting, item, &votes, false).await
        })
        .await
    }

    /// Withdraws a pending item no one has voted on yet; its plan goes back to draft.
    pub async fn withdraw_item(&self, actor: &str, item_id: i64) -> Result<Item, StoreError> {
        self.operate(actor, async |tx| {
            let item = read::item(&mut tx.tx, item_id).await?;
            if !read::votes(&mut tx.tx, Some(item_id)).await?.is_empty() {
                return Err(refused(
                    "已有委员表决，议题不能撤回。",
                    "Members have voted: the item cannot be withdrawn.",
                ));
            }
            tx.decide_item(item, ItemStatus::Withdrawn, None).await
        })
        .await
    }

    /// Closes a meeting in session with its minutes: every item still open is decided, a
    /// member who has not voted counting as not for (or lapses when too few could vote).
    pub async fn close_meeting(&self, actor: &str, meeting_id: i64, minutes: &str) -> Result<Meeting, StoreError> {
        if minutes.trim().is_empty() {
            return Err(refused("结束会议须填写会议纪要。", "Closing the meeting needs its minutes."));
        }
        self.operate(actor, async |tx| {
            let before = read::meeting(&mut tx.tx, meeting_id).await?;
            let now = crate::stored_time(tx.clock.now());
            tx.set_status(
                StatusTable::Meetings,
                meeting_id,
                before.status,
                MeetingStatus::Closed,
                &[("closed_at", Some(crate::timestamp(now))), ("minutes", Some(minutes.trim().to_string()))],
            )
            .await?;
            for item in read::items(&mut tx.tx, Some(meeting_id)).await? {
                if item.status == ItemStatus::Pending {
                    let votes = read::votes(&mut tx.tx, Some(item.id)).await?;
                    tx.settle_item(&before, item, &votes, true).await?;
                }
            }
            let after = read::meeting(&mut tx.tx, meeting_id).await?;
            tx.audit_update(&before, &after).await?;
            Ok(after)
        })
        .await
    }

    /// Cancels a meeting that has not sat; its items are withdrawn (their plans back to draft).
    pub async fn cancel_meeting(&self, actor: &str, meeting_id: i64) -> Result<Meeting, StoreError> {
        self.operate(actor, async |tx| {
            let before = read::meeting(&mut tx.tx, meeting_id).await?;
            tx.set_status(StatusTable::Meetings, meeting_id, before.status, MeetingStatus::Cancelled, &[]).await?;
            for item in read::items(&mut tx.tx, Some(meeting_id)).await? {
                if item.status == ItemStatus::Pending {
                    tx.decide_item(item, ItemStatus::Withdrawn, None).await?;
                }
            }
            let after = read::meeting(&mut tx.tx, meeting_id).await?;
            tx.audit_update(&before, &after).await?;
            Ok(after)
        })
        .await
    }
}

/// An item about to be tabled.
pub(crate) struct ItemDraft {
    pub kind: ItemKind,
    pub package_id: i64,
    pub plan_id: Option<i64>,
    pub check_id: Option<i64>,
    pub price: Option<huajie_core::Money>,
    pub title: String,
    pub tier: ApprovalTier,
}

impl WriteTx {
    /// The user `username` as this transaction reads it.
    pub(crate) async fn user_in(&mut self, username: &str) -> Result<crate::User, StoreError> {
        let sql = format!("SELECT {} FROM users WHERE username = $1", crate::users::USER_COLUMNS);
        let row = sqlx::query(crate::composed(sql)).bind(username.trim()).fetch_optional(&mut *self.tx).await?;
        let row = row.ok_or_else(|| StoreError::NotFound(format!("用户 / user {username}")))?;
        crate::users::user_from_row(&row)
    }

    /// An acquisition item from a cleared acquisition check: its package, its price, and whoever
    /// ran the check and valued the package among those who worked on it.
    async fn acquisition_item(
        &mut self,
        check_id: i64,
        workers: &mut Vec<(String, Capacity)>,
    ) -> Result<ItemDraft, StoreError> {
        let (check, package_id, price) = self.cleared_acquisition(check_id).await?;
        let package = self.package_in(package_id).await?;
        if !package.data.status.before_acquisition() {
            return Err(StoreError::Refused(package.data.status.refusal(huajie_core::PackageStatus::Acquired)));
        }
        workers.push((check.created_by.clone(), Capacity::Checked));
        if let Some(valuer) = self.latest_valuer(package_id).await? {
            workers.push((valuer, Capacity::Valued));
        }
        Ok(ItemDraft {
            kind: ItemKind::Acquisition,
            package_id,
            plan_id: None,
            check_id: Some(check_id),
            price: Some(price),
            title: format!("收购 {} {}（交易前检查 #{check_id}）", package.data.code, package.data.name),
            tier: ApprovalTier::Standard,
        })
    }

    /// Who made the latest valuation run of a package.
    pub(crate) async fn latest_valuer(&mut self, package_id: i64) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT created_by FROM valuation_runs WHERE package_id = $1 ORDER BY id DESC LIMIT 1")
            .bind(package_id)
            .fetch_optional(&mut *self.tx)
            .await?;
        row.map(|r| crate::rows::text(&r, "created_by")).transpose()
    }

    /// Decides an item from its votes (`closing`: the meeting is closing) and, once final,
    /// records the decision.
    async fn settle_item(
        &mut self,
        meeting: &Meeting,
        item: Item,
        votes: &[Vote],
        closing: bool,
    ) -> Result<Item, StoreError> {
        let params = self.rule_parameters().await?.parameters;
        let decision = decision_of(VoteRule::of(&params, item.tier), meeting, &item, votes, closing)?;
        match decision.outcome.status() {
            None => Ok(item),
            Some(status) => self.decide_item(item, status, Some(decision.text())).await,
        }
    }

    /// Records an item's decision (or withdrawal) and moves its plan with it: approved, rejected,
    /// or back to draft when the item lapsed or was withdrawn.
    async fn decide_item(
        &mut self,
        before: Item,
        status: ItemStatus,
        outcome: Option<Text>,
    ) -> Result<Item, StoreError> {
        let now = crate::stored_time(self.clock.now());
        let outcome_json = outcome.as_ref().map(|t| serde_json::to_string(t).expect("a text serializes"));
        self.set_status(
            StatusTable::Items,
            before.id,
            before.status,
            status,
            &[("outcome", Some(outcome_json.unwrap_or_default())), ("decided_at", Some(crate::timestamp(now)))],
        )
        .await?;
        let after = read::item(&mut self.tx, before.id).await?;
        self.audit_update(&before, &after).await?;
        if let Some(plan_id) = after.plan_id {
            let next = match status {
                ItemStatus::Passed => PlanStatus::Approved,
                ItemStatus::Rejected => PlanStatus::Rejected,
                _ => PlanStatus::Draft,
            };
            self.move_plan(plan_id, next).await?;
        }
        Ok(after)
    }

    /// The latest item that passed the purchase of `package_id`, if any.
    pub(crate) async fn passed_acquisition(
        &mut self,
        package_id: i64,
    ) -> Result<Option<huajie_decide::acquire::Approval>, StoreError> {
        passed_acquisition_on(&mut self.tx, package_id).await
    }
}

async fn passed_acquisition_on(
    c: &mut sqlx::AnyConnection,
    package_id: i64,
) -> Result<Option<huajie_decide::acquire::Approval>, StoreError> {
    let row = sqlx::query("SELECT id, price_fen FROM committee_items WHERE package_id = $1 AND kind = $2 AND status = $3 ORDER BY id DESC LIMIT 1")
        .bind(package_id)
        .bind(ItemKind::Acquisition.code())
        .bind(ItemStatus::Passed.code())
        .fetch_optional(&mut *c)
        .await?;
    row.map(|r| {
        Ok(huajie_decide::acquire::Approval {
            item_id: crate::rows::i64_col(&r, "id")?,
            price: crate::rows::money(&r, "price_fen")?,
        })
    })
    .transpose()
}

/// Whether `day` is in a member's term (for pages that list who serves).
pub fn serving(members: &[CommitteeMember], day: NaiveDate) -> Vec<&CommitteeMember> {
    members.iter().filter(|m| m.serves_on(day)).collect()
}
