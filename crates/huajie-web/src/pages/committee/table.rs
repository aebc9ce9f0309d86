//! Tabling a cleared acquisition check for the committee (`Store::table_item`), from the
//! check's page: the meeting, and the deal team (who may not vote on it).

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use huajie_core::Tabled;
use huajie_decide::MeetingStatus;
use huajie_store::{DealCheck, ItemSubject};

use crate::AppState;
use crate::ctx::{Authorized, Ctx, perm};
use crate::error::AppError;
use crate::form::fields::required;
use crate::form::{FieldErrors, FormView, Loose, Path, Submitted};
use crate::i18n::text;
use crate::view::when;

pub const TABLE_FORM: &str = "table-item";

/// What the check page shows for tabling it: the meetings it may go to, and the form.
pub struct Tabling {
    pub meetings: Vec<(String, String)>,
    pub form: FormView,
}

impl Tabling {
    /// The form, for a role that tables purchases, on a cleared acquisition check (none else).
    pub async fn of(
        c: &DealCheck,
        ctx: &Ctx,
        state: &AppState,
        sent_back: &mut Option<FormView>,
    ) -> Result<Option<Tabling>, AppError> {
        let may = ctx.user().is_some_and(|u| u.role.tables(Tabled::Acquisition));
        if !may || c.cleared_acquisition().is_none() {
            return Ok(None);
        }
        let meetings = state
            .store
            .meetings()
            .await?
            .into_iter()
            .filter(|m| matches!(m.status, MeetingStatus::Scheduled | MeetingStatus::InSession))
            .map(|m| (m.id.to_string(), format!("{}（{}）", m.title, when(m.scheduled_for, ctx.lang))))
            .collect();
        Ok(Some(Tabling { meetings, form: FormView::new(TABLE_FORM, ctx.lang).unless(sent_back) }))
    }
}

/// Tabling: the meeting (its id: text on the page, a number or text in JSON), and the deal
/// team's usernames (separated by commas or spaces; in JSON also a list).
#[derive(serde::Deserialize, serde::Serialize)]
pub struct TableForm {
    #[serde(default)]
    pub meeting: Loose,
    #[serde(default)]
    pub team: Loose,
}

impl TableForm {
    pub fn parse(&self) -> Result<(i64, Vec<String>), FieldErrors> {
        let mut e = FieldErrors::default();
        let meeting = e.read(
            "meeting",
            &text("committee.meeting"),
            required(self.meeting.as_str())
                .and_then(|m| huajie_core::input::parse_int(&m).map_err(|_| text("form.bad_option"))),
        );
        let team = team_of(self.team.as_str());
        e.finish(|| Some((meeting?, team)))
    }
}

/// Usernames separated by commas (either width), enumeration commas or spaces.
pub fn team_of(typed: &str) -> Vec<String> {
    typed
        .split(|c: char| c == ',' || c == '，' || c == '、' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// `POST /checks/{id}/committee`: the check's purchase goes on a meeting's agenda; on to the
/// meeting. A refusal (the check not cleared, the meeting closed, an unknown user) comes back
/// on the check's page.
pub async fn table_check(
    Path(id): Path<i64>,
    Authorized(ctx, user, _): Authorized<perm::TableItems>,
    State(state): State<AppState>,
    Submitted(form): Submitted<TableForm>,
) -> Result<Response, AppError> {
    if !user.role.tables(Tabled::Acquisition) {
        return Err(AppError::Forbidden);
    }
    let tabled = async {
        let (meeting, team) = form.parse().map_err(AppError::Invalid)?;
        for who in &team {
            if state.store.user_by_username(who).await?.is_none() {
                let problem = crate::form::fields::quoting(who, "form.unknown_user");
                return Err(AppError::Invalid(FieldErrors::from(vec![("team", problem)])));
            }
        }
        state.store.table_item(&user.username, meeting, ItemSubject::Acquisition { check_id: id }, &team).await?;
        Ok(Redirect::to(&format!("/committee/meetings/{meeting}")).into_response())
    };
    let page = |f| crate::pages::checks::check_page(&ctx, &state, id, Some(f));
    crate::pages::or_refused(tabled.await, ctx.lang, (TABLE_FORM, &form), page).await
}
