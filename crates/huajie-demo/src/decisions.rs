//! The demo company's decisions (issue 13): a committee of five serving since 2025; a meeting
//! held some weeks before the demo is loaded (`Timeline::meeting`, 2026-11-20 for a demo loaded
//! on 2026-12-07) with its minutes, which approved the purchase of the personal-loan package at
//! the cleared check's 450 万 (the acquisition team records it) and five disposal plans, each
//! announced on the public portal that day (the tender's corrected the next day, its first
//! version archived): three online auctions (one not yet put up as a lot, one auctioned and
//! sold, one live: `auctions`) and two tenders (one put up as a lot, its sealed bids waiting
//! to be opened: `auctions`); a plan refused at its gate (a reserve below the
//! valuation without a reason); and a meeting in session today with a plan awaiting the
//! members' votes.

use chrono::{Datelike, Duration, NaiveDate};
use huajie_core::{Money, Role};
use huajie_decide::DisposalMethod;
use huajie_decide::committee::{Ballot, Term};
use huajie_store::{AnnouncementEdit, ItemSubject, NewUser, PlanInput, PlanSubject, Store, StoreError};

use crate::auctions::timeline::{Past, Timeline, beijing};

/// The committee: (user, title). The first two are committee-role users of their own; the
/// others serve from their departments.
const MEMBERS: [(&str, &str); 5] = [
    ("committee", "主任委员（总经理）"),
    ("committee2", "委员（副总经理）"),
    ("committee3", "委员（总法律顾问）"),
    ("risk", "委员（风控总监）"),
    ("finance", "委员（财务总监）"),
];

/// The two members who are not one of the per-role demo users: (user name, name).
pub const EXTRA_MEMBERS: [(&str, &str); 2] = [("committee2", "何振宇"), ("committee3", "许文静")];

const CONTACT: &str = "资产经营部 楼经理 0571-87001234";
const REPORT: &str = "纪检监察室 0571-87009999（举报干扰、阻挠处置行为）";

/// The plans the meeting approved to be sold by auction on the portal, put up as lots by
/// `auctions`: (the one auctioned and sold, the one live).
#[derive(Debug, Clone, Copy)]
pub struct Auctioned {
    pub sold: i64,
    pub live: i64,
    /// The tender put up as a lot (the other tender, announced again corrected, is not).
    pub tender: i64,
}

/// Adds the committee and the meeting held in the past (through `past`), then, as of now, the
/// plan refused at its gate and the meeting in session.
pub async fn load(
    store: &Store,
    past: &Past,
    timeline: &Timeline,
    hash_password: &impl Fn(&str) -> String,
) -> Result<Auctioned, StoreError> {
    let members = committee(past.at(beijing(timeline.meeting, 9, 0) - Duration::days(30)), hash_password).await?;
    let packages = store.packages().await?;
    let id_of = |code: &str| {
        packages
            .iter()
            .find(|p| p.package.data.code == code)
            .map(|p| p.package.id)
            .ok_or_else(|| StoreError::NotFound(code.into()))
    };
    let held = Held { retail: id_of("ZJ-2026-001")?, oldest: id_of("ZJ-2025-001")?, second: id_of("ZJ-2025-002")? };
    let auctioned = held_meeting(past, timeline, &members, held).await?;
    // A plan refused at its gate: a reserve a fifth below the valuation, without a reason.
    plan_at(
        store,
        id_of("ZJ-2025-001")?,
        3,
        DisposalMethod::CompetitiveNegotiation,
        "竞争性谈判，底价按估值八折",
        (4, 5),
    )
    .await?;
    // The meeting in session: a plan waiting for the members' votes.
    let title = format!("{} 年第 6 次决策委员会会议", timeline.today.year());
    let sitting = store.schedule_meeting("committee", &title, beijing(timeline.today, 9, 0), "公司 3 楼会议室").await?;
    let pending = plan_on_claim(store, id_of("ZJ-2025-002")?, 4, DisposalMethod::OnlineAuction, "网络拍卖").await?;
    store.table_item("asset_manager", sitting.id, ItemSubject::Plan { plan_id: pending.id }, &[]).await?;
    store.open_meeting("committee", sitting.id, &members).await?;
    Ok(auctioned)
}

/// The packages the held meeting decides on.
struct Held {
    retail: i64,
    oldest: i64,
    second: i64,
}

/// The debtor of the claim the demo auctions live (the compliance book records a company it
/// controls): its party.
pub(crate) async fn live_auction_debtor(store: &Store) -> Result<i64, StoreError> {
    let packages = store.packages().await?;
    let second = packages
        .iter()
        .find(|p| p.package.data.code == "ZJ-2025-002")
        .ok_or_else(|| StoreError::NotFound("ZJ-2025-002".into()))?
        .package
        .id;
    let nth = claim_for_auction(store, second, LIVE_TAKEN).await?;
    Ok(store.claims_of_package(second).await?[nth].debtor.id)
}

/// The claims of ZJ-2025-002 other plans sell (the first tender, the plan awaiting the votes).
const LIVE_TAKEN: &[usize] = &[2, 4];

/// The least valuation of a claim the demo auctions: 200 万, ten times the deposit its
/// announcement asks.
const AUCTIONED_FROM_FEN: i64 = 200_000_000;

/// The first claim of a package (in contract order, besides those in `taken`) whose debtor has
/// a verified identifier and which is valued at 200 万 or more: its place.
async fn claim_for_auction(store: &Store, package_id: i64, taken: &[usize]) -> Result<usize, StoreError> {
    for (nth, claim) in store.claims_of_package(package_id).await?.iter().enumerate() {
        if taken.contains(&nth) || claim.debtor.data.identity.identifier().is_none() {
            continue;
        }
        let appraisal = store.plan_appraisal(PlanSubject::Claim(claim.claim.id)).await?;
        if appraisal.valuation.is_some_and(|v| v >= Money::from_fen(AUCTIONED_FROM_FEN)) {
            return Ok(nth);
        }
    }
    Err(StoreError::NotFound(format!("package {package_id}: a valued claim for the demo's auctions")))
}

/// The committee's two users of their own, and its five members: their user names.
async fn committee(store: &Store, hash_password: &impl Fn(&str) -> String) -> Result<Vec<String>, StoreError> {
    for (username, name) in EXTRA_MEMBERS {
        let user = NewUser {
            username: username.into(),
            display_name: name.into(),
            role: Role::Committee,
            password_hash: hash_password(crate::DEMO_PASSWORD),
        };
        store.create_user("admin", &user).await?;
    }
    let since = Term::new(NaiveDate::from_ymd_opt(2025, 1, 1).expect("a date"), None).map_err(StoreError::Refused)?;
    for (username, title) in MEMBERS {
        store.add_committee_member("committee", username, title, since).await?;
    }
    Ok(MEMBERS.iter().map(|(u, _)| u.to_string()).collect())
}

/// The meeting held on `timeline.meeting` (plans prepared and the meeting called five days
/// before): the purchase and four plans approved, the plans announced that afternoon.
async fn held_meeting(
    past: &Past,
    timeline: &Timeline,
    members: &[String],
    Held { retail, oldest, second }: Held,
) -> Result<Auctioned, StoreError> {
    let day = timeline.meeting;
    let store = past.at(beijing(day, 10, 0) - Duration::days(5));
    let title = format!("{} 年第 5 次决策委员会会议", day.year());
    let held = store.schedule_meeting("committee", &title, beijing(day, 10, 0), "公司 3 楼会议室").await?;
    let check = store
        .deal_checks(Some(retail), 10)
        .await?
        .into_iter()
        .find(|c| c.cleared_acquisition().is_some())
        .ok_or_else(|| StoreError::NotFound("ZJ-2026-001 的收购检查".into()))?;
    let purchase =
        store.table_item("acquisition", held.id, ItemSubject::Acquisition { check_id: check.id }, &[]).await?;
    let auction = plan_on_claim(store, oldest, 1, DisposalMethod::OnlineAuction, "网络司法拍卖平台公开拍卖").await?;
    let tender = plan_on_claim(store, second, 2, DisposalMethod::Tender, "公开招标，三家以上投标方").await?;
    let (nth, summary) = (claim_for_auction(store, oldest, &[1, 3]).await?, "网络拍卖，竞买人交纳保证金后参与竞价");
    let sold = plan_on_claim(store, oldest, nth, DisposalMethod::OnlineAuction, summary).await?;
    let nth = claim_for_auction(store, second, LIVE_TAKEN).await?;
    let live = plan_on_claim(store, second, nth, DisposalMethod::OnlineAuction, summary).await?;
    let nth = claim_for_auction(store, second, &[LIVE_TAKEN, &[nth]].concat()).await?;
    let tendered =
        plan_on_claim(store, second, nth, DisposalMethod::Tender, "公开招标，密封报价，两名工作人员开标").await?;
    let mut items = vec![purchase.id];
    for plan in [&auction, &tender, &sold, &live, &tendered] {
        items.push(store.table_item("asset_manager", held.id, ItemSubject::Plan { plan_id: plan.id }, &[]).await?.id);
    }
    let store = past.at(beijing(day, 10, 0));
    store.open_meeting("committee", held.id, members).await?;
    for item in &items {
        for m in members {
            let ballot = if m == "finance" && *item == items[2] {
                Ballot::Against { reason: "招标周期较长，建议先行网拍".into() }
            } else {
                Ballot::For
            };
            store.cast_vote(m, *item, ballot).await?;
        }
    }
    past.at(beijing(day, 11, 30))
        .close_meeting(
            "committee",
            held.id,
            "会议审议六项议题：同意以不超过 450 万元收购华信银行杭州分行个人不良贷款资产包（交易前检查已通过）；同意 ZJ-2025-001 项下两笔债权、ZJ-2025-002 项下一笔债权网络拍卖方案；同意 ZJ-2025-002 项下两笔债权公开招标方案（其一财务总监反对，理由已记录）。",
        )
        .await?;
    let store = past.at(beijing(day, 15, 0));
    for plan in [&auction, &sold, &live, &tendered] {
        announce(store, plan.id, false).await?;
    }
    announce(store, tender.id, false).await?;
    correct(past.at(beijing(day, 15, 0) + Duration::days(1)), tender.id).await?;
    Ok(Auctioned { sold: sold.id, live: live.id, tender: tendered.id })
}

/// A plan on the `nth` claim (in contract order) of a package, its reserve the claim's latest
/// valuation rounded up to the hundred yuan, prepared by the asset manager.
async fn plan_on_claim(
    store: &Store,
    package_id: i64,
    nth: usize,
    method: DisposalMethod,
    summary: &str,
) -> Result<huajie_store::Plan, StoreError> {
    plan_at(store, package_id, nth, method, summary, (1, 1)).await
}

/// A plan as `plan_on_claim`, its reserve `share` (numerator, denominator) of the valuation
/// (rounded up to the hundred yuan at the valuation itself).
async fn plan_at(
    store: &Store,
    package_id: i64,
    nth: usize,
    method: DisposalMethod,
    summary: &str,
    (num, den): (i64, i64),
) -> Result<huajie_store::Plan, StoreError> {
    let claims = store.claims_of_package(package_id).await?;
    let claim = claims.get(nth).ok_or_else(|| StoreError::NotFound(format!("package {package_id} claim {nth}")))?;
    let contract = claim.claim.data.contract_no.clone();
    let probe = PlanInput {
        title: format!("债权 {contract} {}", method.zh()),
        subject: PlanSubject::Claim(claim.claim.id),
        method,
        exception: None,
        exception_reason: String::new(),
        reserve: None,
        below_reason: String::new(),
        check_id: None,
        summary: summary.into(),
        team: vec![],
    };
    // The reserve at the claim's latest valuation, as the plan's form shows it.
    let valuation = store.plan_appraisal(probe.subject).await?.valuation;
    let reserve = valuation.map(|v| match num == den {
        true => Money::from_fen((v.fen() + 9_999) / 10_000 * 10_000),
        false => Money::from_fen(v.fen() * num / den / 10_000 * 10_000),
    });
    store.create_plan("asset_manager", &PlanInput { reserve, ..probe }).await
}

const CONDITIONS: &str =
    "竞买人须于报名截止前交纳竞买保证金 20 万元；成交后 10 个工作日内付清全部价款；债权按现状转让。";

/// Drafts, completes and publishes a plan's announcement.
async fn announce(store: &Store, plan_id: i64, corrected: bool) -> Result<(), StoreError> {
    let draft = store.draft_announcement("asset_manager", plan_id).await?;
    let edit = AnnouncementEdit {
        title: draft.content.title.clone(),
        locations: Vec::new(),
        conditions: CONDITIONS.into(),
        buyer_requirements: draft.content.buyer_requirements.clone(),
        contact: CONTACT.into(),
        report_channel: REPORT.into(),
    };
    let (id, edit) = match corrected {
        false => (draft.id, edit),
        true => (draft.id, AnnouncementEdit {
            conditions: "投标人须于投标截止前交纳投标保证金 20 万元；中标后 10 个工作日内付清全部价款；债权按现状转让。（更正：原公告误写为竞买保证金）".into(),
            ..edit
        }),
    };
    store.edit_announcement("asset_manager", id, &edit).await?;
    store.publish_announcement("asset_manager", id).await.map(drop)
}

/// A second version of the plan's announcement, its conditions corrected, the first archived.
async fn correct(store: &Store, plan_id: i64) -> Result<(), StoreError> {
    announce(store, plan_id, true).await
}
