//! A meeting as its page, its minutes and the API show it: each item with who worked on it and
//! is recused, each member's named vote, the tally in words.

use std::collections::{BTreeMap, BTreeSet};

use huajie_core::Lang;
use huajie_decide::ItemStatus;
use huajie_store::{Item, ItemKind, MeetingRecord, Vote};

use super::{ballot_name, named};
use crate::AppState;
use crate::error::AppError;
use crate::i18n::tr;
use crate::view::when;

/// A member's named vote, as shown.
#[derive(Clone, serde::Serialize)]
pub struct VoteLine {
    pub username: String,
    pub who: String,
    pub ballot: String,
    pub ballot_name: &'static str,
    pub reason: String,
    pub when: String,
}

/// An agenda item, as shown.
#[derive(Clone)]
pub struct ItemView {
    pub id: i64,
    pub title: String,
    pub kind: &'static str,
    pub package_id: i64,
    /// "收购价格" or "保留价", and the amount.
    pub price_label: &'static str,
    pub price: String,
    pub tier: &'static str,
    pub status: &'static str,
    pub status_class: &'static str,
    pub pending: bool,
    /// Who worked on it, each with how: "张三（zhangsan）：合规检查".
    pub workers: Vec<String>,
    /// The members present who worked on it (and may not vote): (username, name and why).
    pub recused: Vec<(String, String)>,
    pub outcome: Option<String>,
    pub votes: Vec<VoteLine>,
}

pub fn item_status_class(s: ItemStatus) -> &'static str {
    match s {
        ItemStatus::Pending => "amber",
        ItemStatus::Passed => "pass",
        ItemStatus::Rejected => "red",
        ItemStatus::Lapsed | ItemStatus::Withdrawn => "",
    }
}

fn vote_line(v: &Vote, names: &BTreeMap<String, String>, lang: Lang) -> VoteLine {
    VoteLine {
        username: v.username.clone(),
        who: named(names, &v.username),
        ballot: v.ballot.clone(),
        ballot_name: ballot_name(&v.ballot, lang),
        reason: v.reason.clone(),
        when: when(v.cast_at, lang),
    }
}

/// One item of a meeting whose members present are `present`.
async fn item_view(
    state: &AppState,
    item: &Item,
    votes: &[Vote],
    present: &BTreeSet<String>,
    names: &BTreeMap<String, String>,
    lang: Lang,
) -> Result<ItemView, AppError> {
    let (price_label, price) = match (item.kind, item.plan_id) {
        (ItemKind::DisposalPlan, Some(plan)) => {
            (tr(lang, "committee.reserve"), crate::view::opt_money(state.store.plan(plan).await?.reserve, lang))
        }
        _ => (tr(lang, "committee.price"), crate::view::opt_money(item.price, lang)),
    };
    let worked = |(who, how): &(String, huajie_decide::committee::Capacity)| {
        format!("{}：{}", named(names, who), how.name(lang))
    };
    let recused_usernames = huajie_decide::committee::recused(present, &item.workers);
    Ok(ItemView {
        id: item.id,
        title: item.title.clone(),
        kind: item.kind.name(lang),
        package_id: item.package_id,
        price_label,
        price,
        tier: item.tier.name(lang),
        status: item.status.name(lang),
        status_class: item_status_class(item.status),
        pending: item.status == ItemStatus::Pending,
        workers: item.workers.iter().map(worked).collect(),
        recused: item
            .workers
            .iter()
            .filter(|(w, _)| recused_usernames.contains(w))
            .map(|p| (p.0.clone(), worked(p)))
            .collect(),
        outcome: item.outcome.as_ref().map(|t| t.get(lang).to_string()),
        votes: votes.iter().map(|v| vote_line(v, names, lang)).collect(),
    })
}

/// Every item of `record`, in the order tabled.
pub async fn item_views(
    state: &AppState,
    record: &MeetingRecord,
    names: &BTreeMap<String, String>,
    lang: Lang,
) -> Result<Vec<ItemView>, AppError> {
    let present: BTreeSet<String> = record.meeting.present.iter().cloned().collect();
    let mut out = Vec::new();
    for (item, votes) in &record.items {
        out.push(item_view(state, item, votes, &present, names, lang).await?);
    }
    Ok(out)
}
