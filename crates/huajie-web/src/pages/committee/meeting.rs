//! A meeting's page and what is done on it: attendance taken and the meeting opened, each
//! member's named vote, an item withdrawn, closing with the minutes, cancelling.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use huajie_core::Permission;
use huajie_decide::MeetingStatus;
use huajie_decide::committee::Ballot;
use huajie_store::MeetingRecord;

use super::record::{ItemView, item_views};
use super::{meeting_status_class, named, names};
use crate::AppState;
use crate::ctx::{Authorized, Ctx, perm};
use crate::error::AppError;
use crate::form::fields::{labelled, required};
use crate::form::{Confirmed, FieldErrors, FormView, Loose, Path, Submitted};
use crate::i18n::{text, tr};
use crate::view::{Page, when};

pub const OPEN: &str = "open-meeting";
pub const CLOSE: &str = "close-meeting";

/// An item on the page, with the viewer's vote form when they may vote on it now, or why not.
pub struct ItemRow {
    pub view: ItemView,
    pub vote_form: Option<FormView>,
    pub recused_me: Option<String>,
    /// The secretary may withdraw it: pending, nobody has voted, the meeting not over.
    pub withdraw: bool,
}

/// A member who may be marked present: (username, name and title, ticked).
pub struct Attendee {
    pub username: String,
    pub label: String,
    pub ticked: bool,
}

#[derive(Template)]
#[template(path = "committee_meeting.html")]
struct MeetingPage {
    page: Page,
    title: String,
    id: i64,
    when: String,
    place: String,
    status: &'static str,
    status_class: &'static str,
    opened: String,
    closed: String,
    minutes: String,
    present: Vec<String>,
    items: Vec<ItemRow>,
    manage: bool,
    scheduled: bool,
    in_session: bool,
    is_closed: bool,
    attendees: Vec<Attendee>,
    close_form: FormView,
}

/// The meeting's page; with a form sent back, that form as typed with its messages.
pub async fn meeting_page(
    ctx: &Ctx,
    state: &AppState,
    id: i64,
    mut sent_back: Option<FormView>,
) -> Result<Response, AppError> {
    ctx.require(Permission::ViewCommittee)?;
    let lang = ctx.lang;
    let record = state.store.meeting_record(id).await?;
    let m = &record.meeting;
    let names = names(&state.store).await?;
    let members = state.store.committee_members().await?;
    let title_of =
        |u: &str| members.iter().rev().find(|x| x.username == u).map(|x| x.title.clone()).unwrap_or_default();
    let present = m.present.iter().map(|p| format!("{} · {}", named(&names, p), title_of(p))).collect();
    let items = item_rows(ctx, state, &record, &names, &mut sent_back).await?;
    let open_form = FormView::new(OPEN, lang).unless(&mut sent_back);
    let ticked: Vec<&str> = open_form.value("present").split(',').collect();
    let today = state.store.clock().today();
    let attendees = huajie_store::serving(&members, today)
        .into_iter()
        .map(|x| Attendee {
            username: x.username.clone(),
            label: format!("{} · {}", named(&names, &x.username), x.title),
            ticked: ticked.contains(&x.username.as_str()),
        })
        .collect();
    let close_form = FormView::new(CLOSE, lang).unless(&mut sent_back);
    let mut page = Page::new(ctx, state).await?;
    // A vote refused to someone the page shows no form (a recused member), or a withdrawal
    // refused: its message at the top.
    let forms = items.iter().filter_map(|i| i.vote_form.as_ref()).chain([&open_form, &close_form]);
    let refused = page.sent_back(forms.chain(sent_back.as_ref()));
    let view = MeetingPage {
        title: m.title.clone(),
        id,
        when: when(m.scheduled_for, lang),
        place: m.place.clone(),
        status: m.status.name(lang),
        status_class: meeting_status_class(m.status),
        opened: m.opened_at.map(|t| when(t, lang)).unwrap_or_default(),
        closed: m.closed_at.map(|t| when(t, lang)).unwrap_or_default(),
        minutes: m.minutes.clone(),
        present,
        items,
        manage: ctx.can(Permission::ManageCommittee),
        scheduled: m.status == MeetingStatus::Scheduled,
        in_session: m.status == MeetingStatus::InSession,
        is_closed: m.status == MeetingStatus::Closed,
        attendees,
        close_form,
        page,
    };
    super::super::render_form(&view, refused)
}

/// The meeting's items as the viewer sees them: a vote form where they may vote now, why not
/// where they are recused, and the secretary's withdrawal where nobody has voted yet.
async fn item_rows(
    ctx: &Ctx,
    state: &AppState,
    record: &MeetingRecord,
    names: &BTreeMap<String, String>,
    sent_back: &mut Option<FormView>,
) -> Result<Vec<ItemRow>, AppError> {
    let (lang, m) = (ctx.lang, &record.meeting);
    let me = ctx.user().map(|u| u.username.clone()).unwrap_or_default();
    let in_session = m.status == MeetingStatus::InSession;
    let sitting = in_session || m.status == MeetingStatus::Scheduled;
    let mut items = Vec::new();
    for view in item_views(state, record, names, lang).await? {
        let why: Vec<&str> = view.recused.iter().filter(|(u, _)| *u == me).map(|(_, w)| w.as_str()).collect();
        let mine = !why.is_empty();
        let may_vote = in_session
            && view.pending
            && !mine
            && ctx.can(Permission::CastVotes)
            && m.present.contains(&me)
            && !view.votes.iter().any(|v| v.username == me);
        let vote_form = may_vote.then(|| FormView::new(format!("vote-form-{}", view.id), lang).unless(sent_back));
        let recused_me =
            (mine && view.pending).then(|| tr(lang, "committee.recused_you").replace("{why}", &why.join("、")));
        let withdraw = sitting && view.pending && view.votes.is_empty() && ctx.can(Permission::ManageCommittee);
        items.push(ItemRow { view, vote_form, recused_me, withdraw });
    }
    Ok(items)
}

/// `GET /committee/meetings/{id}`.
pub async fn show(ctx: Ctx, State(state): State<AppState>, Path(id): Path<i64>) -> Result<Response, AppError> {
    meeting_page(&ctx, &state, id, None).await
}

/// The attendance as sent back: the usernames ticked, comma-separated.
#[derive(serde::Serialize)]
struct Ticked {
    present: String,
}

/// Taking attendance: the members present, by username — the page's ticked boxes (`present`,
/// repeated) or the API's `present` list.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Attendance {
    pub present: Vec<String>,
}

impl<'de> serde::Deserialize<'de> for Attendance {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Attendance, D::Error> {
        struct Fields;
        impl<'de> serde::de::Visitor<'de> for Fields {
            type Value = Attendance;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("the members present")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Attendance, A::Error> {
                let mut present = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    if key == "present" {
                        // One username a field (the page), or a list of them (one a line).
                        let Loose(names) = map.next_value()?;
                        present.extend(names.lines().map(str::trim).filter(|n| !n.is_empty()).map(str::to_string));
                    } else {
                        map.next_value::<serde::de::IgnoredAny>()?;
                    }
                }
                Ok(Attendance { present })
            }
        }
        d.deserialize_map(Fields)
    }
}

/// `POST /committee/meetings/{id}/open`: the members ticked present (`present`, repeated), and
/// the meeting goes into session — refused without a quorum (流会), the message on the page.
pub async fn open(
    Path(id): Path<i64>,
    Authorized(ctx, user, _): Authorized<perm::ManageCommittee>,
    State(state): State<AppState>,
    Submitted(form): Submitted<Attendance>,
) -> Result<Response, AppError> {
    let opened = async {
        state.store.open_meeting(&user.username, id, &form.present).await?;
        Ok(Redirect::to(&format!("/committee/meetings/{id}")).into_response())
    };
    let typed = Ticked { present: form.present.join(",") };
    super::super::or_refused(opened.await, ctx.lang, (OPEN, &typed), |f| meeting_page(&ctx, &state, id, Some(f))).await
}

/// Closing a meeting: its minutes.
#[derive(serde::Deserialize, serde::Serialize)]
pub struct CloseForm {
    #[serde(default)]
    pub minutes: String,
}

impl CloseForm {
    /// The minutes, or what is wrong with them (none).
    pub fn parse(&self) -> Result<String, FieldErrors> {
        let mut e = FieldErrors::default();
        let minutes = e.read("minutes", &text("committee.minutes"), required(&self.minutes));
        e.finish(|| minutes)
    }
}

/// `POST /committee/meetings/{id}/close`: the meeting closes with its minutes; every item still
/// open is decided (`Store::close_meeting`).
pub async fn close(
    Path(id): Path<i64>,
    Authorized(ctx, user, _): Authorized<perm::ManageCommittee>,
    State(state): State<AppState>,
    Submitted(form): Submitted<CloseForm>,
) -> Result<Response, AppError> {
    let closed = async {
        let minutes = form.parse().map_err(AppError::Invalid)?;
        state.store.close_meeting(&user.username, id, &minutes).await?;
        Ok(Redirect::to(&format!("/committee/meetings/{id}")).into_response())
    };
    super::super::or_refused(closed.await, ctx.lang, (CLOSE, &form), |f| meeting_page(&ctx, &state, id, Some(f))).await
}

/// `POST /committee/meetings/{id}/cancel`: a meeting that has not sat is cancelled; its items
/// are withdrawn.
pub async fn cancel(
    Path(id): Path<i64>,
    Authorized(_ctx, user, _): Authorized<perm::ManageCommittee>,
    State(state): State<AppState>,
    Submitted(_): Submitted<Confirmed>,
) -> Result<Response, AppError> {
    state.store.cancel_meeting(&user.username, id).await?;
    Ok(Redirect::to(&format!("/committee/meetings/{id}")).into_response())
}

/// A member's vote: for, against (with its reason) or abstain.
#[derive(serde::Deserialize, serde::Serialize)]
pub struct VoteForm {
    #[serde(default)]
    pub ballot: String,
    #[serde(default)]
    pub reason: String,
}

impl VoteForm {
    /// The ballot, or what is wrong: a vote against without its reason is the reason's problem.
    pub fn parse(&self) -> Result<Ballot, FieldErrors> {
        let mut e = FieldErrors::default();
        if self.ballot.trim() == "against" && self.reason.trim().is_empty() {
            e.add("reason", labelled(&text("committee.reason"), &text("committee.reason_required")));
            return Err(e);
        }
        let ballot = e.read("ballot", &text("committee.ballot"), Ballot::read(&self.ballot, &self.reason));
        e.finish(|| ballot)
    }
}

/// `POST /committee/items/{id}/votes`: the member's named vote (`Store::cast_vote`: present,
/// serving, not recused, once). A refusal comes back on the meeting's page beside the form.
pub async fn vote(
    Path(id): Path<i64>,
    Authorized(ctx, user, _): Authorized<perm::CastVotes>,
    State(state): State<AppState>,
    Submitted(form): Submitted<VoteForm>,
) -> Result<Response, AppError> {
    let meeting = state.store.committee_item(id).await?.meeting_id;
    let voted = async {
        let ballot = form.parse().map_err(AppError::Invalid)?;
        state.store.cast_vote(&user.username, id, ballot).await?;
        Ok(Redirect::to(&format!("/committee/meetings/{meeting}")).into_response())
    };
    let page = |f| meeting_page(&ctx, &state, meeting, Some(f));
    super::super::or_refused(voted.await, ctx.lang, (format!("vote-form-{id}"), &form), page).await
}

/// `POST /committee/items/{id}/withdraw`: the secretary takes an item nobody has voted on off
/// the agenda (`Store::withdraw_item`; its plan goes back to draft). A refusal comes back on the
/// meeting's page.
pub async fn withdraw(
    Path(id): Path<i64>,
    Authorized(ctx, user, _): Authorized<perm::ManageCommittee>,
    State(state): State<AppState>,
    Submitted(form): Submitted<Confirmed>,
) -> Result<Response, AppError> {
    let meeting = state.store.committee_item(id).await?.meeting_id;
    let withdrawn = async {
        state.store.withdraw_item(&user.username, id).await?;
        Ok(Redirect::to(&format!("/committee/meetings/{meeting}")).into_response())
    };
    let page = |f| meeting_page(&ctx, &state, meeting, Some(f));
    super::super::or_refused(withdrawn.await, ctx.lang, (format!("withdraw-item-{id}"), &form), page).await
}
