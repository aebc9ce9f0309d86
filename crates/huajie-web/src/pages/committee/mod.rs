//! The decision committee's pages (rules.md A11, Q16; `huajie_decide::committee` decides,
//! `huajie_store::committee_ops` records): the committee's page with a member's pending votes,
//! the meetings and the members serving; a meeting's page with its agenda, attendance and named
//! votes; tabling a cleared acquisition check; the minutes as a PDF once the meeting is closed.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone, Utc};
use huajie_core::{Lang, Permission, Text};
use huajie_decide::MeetingStatus;
use huajie_decide::committee::Term;
use huajie_store::{CommitteeMember, Store};

use crate::AppState;
use crate::ctx::{Authorized, Ctx, perm};
use crate::error::AppError;
use crate::form::fields::{date, date_or, quoting, required};
use crate::form::{FieldErrors, FormView, Loose, Submitted};
use crate::i18n::{text, tr};
use crate::view::{Page, when};

pub mod meeting;
pub mod minutes;
pub mod record;
pub mod table;

pub use meeting::{cancel, close, open, show as meeting, vote, withdraw};
pub use minutes::minutes_pdf;
pub use table::table_check;

/// Beijing time, UTC+8.
fn beijing() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8")
}

/// A date and time typed in Beijing time (`2026-10-10T09:00`, `2026-10-10 09:00`), as UTC; one
/// that names its own offset (RFC 3339, as the API answers: `2026-10-10T01:00:00Z`) as it says.
pub fn beijing_input(typed: &str) -> Result<DateTime<Utc>, Text> {
    let t = required(typed)?;
    if let Ok(with_offset) = DateTime::parse_from_rfc3339(&t) {
        return Ok(with_offset.with_timezone(&Utc));
    }
    ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(&t, f).ok())
        .and_then(|n| beijing().from_local_datetime(&n).single())
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| quoting(&t, "committee.bad_time"))
}

/// A time as a `datetime-local` input shows it, in Beijing time.
fn beijing_field(t: DateTime<Utc>) -> String {
    t.with_timezone(&beijing()).format("%Y-%m-%dT%H:%M").to_string()
}

/// Each user's display name by username.
pub async fn names(store: &Store) -> Result<BTreeMap<String, String>, AppError> {
    Ok(store.users().await?.into_iter().map(|u| (u.username, u.display_name)).collect())
}

/// A person as the committee's pages name them: "张三（zhangsan）".
pub fn named(names: &BTreeMap<String, String>, username: &str) -> String {
    match names.get(username) {
        Some(n) if n != username => format!("{n}（{username}）"),
        _ => username.to_string(),
    }
}

pub fn meeting_status_class(s: MeetingStatus) -> &'static str {
    match s {
        MeetingStatus::Scheduled => "amber",
        MeetingStatus::InSession => "pass",
        MeetingStatus::Closed => "",
        MeetingStatus::Cancelled => "red",
    }
}

pub struct MeetingLine {
    pub id: i64,
    pub title: String,
    pub when: String,
    pub place: String,
    pub status: &'static str,
    pub status_class: &'static str,
}

pub struct MemberLine {
    pub name: String,
    pub title: String,
    pub term: String,
    pub serving: bool,
}

pub struct PendingLine {
    pub meeting_id: i64,
    pub meeting: String,
    pub item_id: i64,
    pub item: String,
}

#[derive(Template)]
#[template(path = "committee.html")]
struct CommitteePage {
    page: Page,
    title: &'static str,
    pending: Vec<PendingLine>,
    may_vote: bool,
    meetings: Vec<MeetingLine>,
    members: Vec<MemberLine>,
    manage: bool,
    staff: Vec<(String, String)>,
    add_member: FormView,
    schedule: FormView,
}

fn member_line(m: &CommitteeMember, names: &BTreeMap<String, String>, today: chrono::NaiveDate) -> MemberLine {
    let to = m.term_to.map(|d| d.to_string()).unwrap_or_else(|| "…".into());
    MemberLine {
        name: named(names, &m.username),
        title: m.title.clone(),
        term: format!("{} — {to}", m.term_from),
        serving: m.serves_on(today),
    }
}

/// The committee's page; with a form sent back, that form as typed with its messages.
async fn committee_page(ctx: &Ctx, state: &AppState, mut sent_back: Option<FormView>) -> Result<Response, AppError> {
    let user = ctx.require(Permission::ViewCommittee)?;
    let lang = ctx.lang;
    let store = &state.store;
    let names = names(store).await?;
    let today = store.clock().today();
    let pending = store
        .my_pending_votes(&user.username)
        .await?
        .into_iter()
        .map(|(m, i)| PendingLine { meeting_id: m.id, meeting: m.title, item_id: i.id, item: i.title })
        .collect();
    let meetings = store
        .meetings()
        .await?
        .into_iter()
        .map(|m| MeetingLine {
            id: m.id,
            title: m.title,
            when: when(m.scheduled_for, lang),
            place: m.place,
            status: m.status.name(lang),
            status_class: meeting_status_class(m.status),
        })
        .collect();
    let members = store.committee_members().await?.iter().map(|m| member_line(m, &names, today)).collect();
    let staff = store
        .users()
        .await?
        .into_iter()
        .filter(|u| u.active && u.role.can(Permission::CastVotes))
        .map(|u| (u.username.clone(), format!("{}（{}）", named(&names, &u.username), u.role.name(lang))))
        .collect();
    let add_member = FormView::new(ADD_MEMBER, lang).with("term_from", today.to_string()).unless(&mut sent_back);
    let schedule =
        FormView::new(SCHEDULE, lang).with("scheduled_for", beijing_field(store.clock().now())).unless(&mut sent_back);
    let mut page = Page::new(ctx, state).await?;
    let refused = page.sent_back([&add_member, &schedule]);
    super::render_form(
        &CommitteePage {
            title: page.t("committee.title"),
            pending,
            may_vote: ctx.can(Permission::CastVotes),
            meetings,
            members,
            manage: ctx.can(Permission::ManageCommittee),
            staff,
            add_member,
            schedule,
            page,
        },
        refused,
    )
}

/// `GET /committee`: my pending votes first, then the meetings and the members with their terms.
pub async fn show(ctx: Ctx, State(state): State<AppState>) -> Result<Response, AppError> {
    committee_page(&ctx, &state, None).await
}

const ADD_MEMBER: &str = "add-member";
const SCHEDULE: &str = "schedule-meeting";

/// Adding a member: who, their title, their term (`term_to` empty, or null in JSON, for a term
/// without an end).
#[derive(serde::Deserialize, serde::Serialize)]
pub struct MemberForm {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub term_from: String,
    #[serde(default)]
    pub term_to: Loose,
}

impl MemberForm {
    pub fn parse(&self) -> Result<(String, String, Term), FieldErrors> {
        let mut e = FieldErrors::default();
        let username = e.read("username", &text("committee.member"), required(&self.username));
        let title = e.read("title", &text("committee.member_title"), required(&self.title));
        let from = e.read("term_from", &text("committee.term_from"), date(&self.term_from));
        let to = e.read("term_to", &text("committee.term_to"), date_or(self.term_to.as_str(), chrono::NaiveDate::MAX));
        let term = match (from, to) {
            (Some(from), Some(to)) => {
                let to = (to != chrono::NaiveDate::MAX).then_some(to);
                e.check("term_to", Term::new(from, to))
            }
            _ => None,
        };
        e.finish(|| Some((username?, title?, term?)))
    }
}

/// `POST /committee/members`: the secretary adds a member for a term (`Store::add_committee_member`).
pub async fn add_member(
    Authorized(ctx, user, _): Authorized<perm::ManageCommittee>,
    State(state): State<AppState>,
    Submitted(form): Submitted<MemberForm>,
) -> Result<Response, AppError> {
    let added = async {
        let (username, title, term) = form.parse().map_err(AppError::Invalid)?;
        state.store.add_committee_member(&user.username, &username, &title, term).await?;
        Ok(Redirect::to("/committee").into_response())
    };
    super::or_refused(added.await, ctx.lang, (ADD_MEMBER, &form), |f| committee_page(&ctx, &state, Some(f))).await
}

/// Scheduling a meeting: its title, when (Beijing time) and where.
#[derive(serde::Deserialize, serde::Serialize)]
pub struct ScheduleForm {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub scheduled_for: String,
    #[serde(default)]
    pub place: String,
}

impl ScheduleForm {
    pub fn parse(&self) -> Result<(String, DateTime<Utc>, String), FieldErrors> {
        let mut e = FieldErrors::default();
        let title = e.read("title", &text("committee.meeting_title"), required(&self.title));
        let at = e.read("scheduled_for", &text("committee.scheduled_for"), beijing_input(&self.scheduled_for));
        let place = e.read("place", &text("committee.place"), required(&self.place));
        e.finish(|| Some((title?, at?, place?)))
    }
}

/// `POST /committee/meetings`: the secretary schedules a meeting; on to its page.
pub async fn schedule(
    Authorized(ctx, user, _): Authorized<perm::ManageCommittee>,
    State(state): State<AppState>,
    Submitted(form): Submitted<ScheduleForm>,
) -> Result<Response, AppError> {
    let scheduled = async {
        let (title, at, place) = form.parse().map_err(AppError::Invalid)?;
        let m = state.store.schedule_meeting(&user.username, &title, at, &place).await?;
        Ok(Redirect::to(&format!("/committee/meetings/{}", m.id)).into_response())
    };
    super::or_refused(scheduled.await, ctx.lang, (SCHEDULE, &form), |f| committee_page(&ctx, &state, Some(f))).await
}

/// The label of a ballot in `lang`.
pub fn ballot_name(code: &str, lang: Lang) -> &'static str {
    match code {
        "for" => tr(lang, "committee.for"),
        "against" => tr(lang, "committee.against"),
        _ => tr(lang, "committee.abstain"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_time_typed_in_beijing_is_stored_eight_hours_earlier_in_utc() {
        let t = beijing_input("2026-10-10T09:00").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-10-10T01:00:00+00:00");
        assert_eq!(beijing_field(t), "2026-10-10T09:00");
        assert!(beijing_input("明天上午").is_err());
        // A time with its own offset (the API's RFC 3339) is taken as it says.
        assert_eq!(beijing_input("2026-10-10T01:00:00Z").unwrap(), t);
        assert_eq!(beijing_input("2026-10-10T09:00:00+08:00").unwrap(), t);
        assert!(beijing_input(" ").is_err());
    }
}
