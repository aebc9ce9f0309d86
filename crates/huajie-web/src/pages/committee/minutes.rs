//! `GET /committee/meetings/{id}/minutes.pdf`: the minutes of a closed meeting
//! (`huajie_report::minutes_pdf`), in the reader's language.

use axum::extract::State;
use axum::response::Response;
use huajie_core::{Lang, Permission, Text};
use huajie_decide::MeetingStatus;
use huajie_report::minutes_pdf::{Minutes, MinutesItem, MinutesVote};
use huajie_report::signoff::{Signature, Signoff};

use super::record::item_views;
use super::{named, names};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::form::Path;
use crate::i18n::tr;
use crate::pages::download;
use crate::view::when;

/// The minutes of meeting `id` as the PDF lays them out; refused (400) before it is closed.
pub async fn minutes_of(ctx: &Ctx, state: &AppState, id: i64) -> Result<Minutes, AppError> {
    ctx.require(Permission::ViewCommittee)?;
    let lang = ctx.lang;
    let record = state.store.meeting_record(id).await?;
    let m = &record.meeting;
    if m.status != MeetingStatus::Closed {
        let said = |l| tr(l, "committee.minutes_not_yet").replace("{status}", m.status.name(l));
        return Err(AppError::Refused(Text::new(said(Lang::Zh), said(Lang::En))));
    }
    let names = names(&state.store).await?;
    let members = state.store.committee_members().await?;
    let title_of =
        |u: &str| members.iter().rev().find(|x| x.username == u).map(|x| x.title.clone()).unwrap_or_default();
    let present: Vec<(String, String)> = m.present.iter().map(|p| (named(&names, p), title_of(p))).collect();
    let chair = m.present.iter().find(|p| title_of(p).contains("主任")).map(|p| named(&names, p)).unwrap_or_default();
    let items = item_views(state, &record, &names, lang)
        .await?
        .into_iter()
        .map(|v| MinutesItem {
            number: v.id,
            title: v.title,
            kind: v.kind.to_string(),
            price_label: v.price_label.to_string(),
            price: v.price,
            tier: v.tier.to_string(),
            recused: v.recused.into_iter().map(|(_, why)| why).collect(),
            votes: v
                .votes
                .into_iter()
                .map(|x| MinutesVote { who: x.who, ballot: x.ballot_name.to_string(), reason: x.reason, when: x.when })
                .collect(),
            tally: v.outcome.unwrap_or_default(),
            status: v.status.to_string(),
        })
        .collect();
    Ok(Minutes {
        company: state.store.company().await?.map(|c| c.name).unwrap_or_default(),
        meeting_id: m.id,
        title: m.title.clone(),
        when: when(m.scheduled_for, lang),
        place: m.place.clone(),
        opened: m.opened_at.map(|t| when(t, lang)).unwrap_or_default(),
        closed: m.closed_at.map(|t| when(t, lang)).unwrap_or_default(),
        present,
        items,
        minutes: m.minutes.clone(),
        signoff: minutes_signoff(state, m, &names, &chair, lang),
        chair,
        secretary: named(&names, &m.created_by),
    })
}

/// The minutes' sign-off: prepared by the secretary when the meeting closed, approved by the
/// chair (a line to sign).
fn minutes_signoff(
    state: &AppState,
    m: &huajie_store::Meeting,
    names: &std::collections::BTreeMap<String, String>,
    chair: &str,
    lang: Lang,
) -> Signoff {
    let reference = format!("{} #{}", lang.pick("会议", "Meeting"), m.id);
    let mut s = Signoff::new(reference, state.store.clock().now());
    s.prepared = Some(match m.closed_at {
        Some(at) => Signature::new(named(names, &m.created_by), at),
        None => Signature::named(named(names, &m.created_by)),
    });
    s.approved = (!chair.is_empty()).then(|| Signature::named(chair));
    s
}

/// `GET /committee/meetings/{id}/minutes.pdf`.
pub async fn minutes_pdf(ctx: Ctx, State(state): State<AppState>, Path(id): Path<i64>) -> Result<Response, AppError> {
    let minutes = minutes_of(&ctx, &state, id).await?;
    let lang = ctx.lang;
    let bytes = tokio::task::spawn_blocking(move || huajie_report::minutes_pdf::minutes_pdf(&minutes, lang))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(download(bytes, "application/pdf", format!("minutes-meeting{id}.pdf")))
}
