//! The demo company's decisions (issue 13): a committee of five serving since 2025; a meeting
//! held on 2026-11-20 with its minutes, which approved the purchase of the personal-loan
//! package at the cleared check's 450 万 (the acquisition team records it) and two disposal
//! plans, each announced on the public portal (the second corrected once, its first version
//! archived); a plan refused at its gate (a reserve below the valuation without a reason); and
//! a meeting in session with a plan awaiting the members' votes.

use chrono::{NaiveDate, TimeZone, Utc};
use huajie_core::{Money, Role};
use huajie_decide::DisposalMethod;
use huajie_decide::committee::{Ballot, Term};
use huajie_store::{AnnouncementEdit, ItemSubject, NewUser, PlanInput, PlanSubject, Store, StoreError};

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

fn beijing(y: i32, m: u32, d: u32, h: u32) -> chrono::DateTime<Utc> {
    let cst = chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8");
    cst.with_ymd_and_hms(y, m, d, h, 0, 0).single().expect("a valid time").with_timezone(&Utc)
}

/// Adds the committee, its meetings, the plans and the announcements.
pub async fn load(store: &Store, hash_password: &impl Fn(&str) -> String) -> Result<(), StoreError> {
    let members = committee(store, hash_password).await?;
    let packages = store.packages().await?;
    let id_of = |code: &str| {
        packages
            .iter()
            .find(|p| p.package.data.code == code)
            .map(|p| p.package.id)
            .ok_or_else(|| StoreError::NotFound(code.into()))
    };
    held_meeting(store, &members, id_of("ZJ-2026-001")?, id_of("ZJ-2025-001")?, id_of("ZJ-2025-002")?).await?;
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
    let sitting = store
        .schedule_meeting("committee", "2026 年第 6 次决策委员会会议", beijing(2026, 12, 7, 9), "公司 3 楼会议室")
        .await?;
    let pending = plan_on_claim(store, id_of("ZJ-2025-002")?, 4, DisposalMethod::OnlineAuction, "网络拍卖").await?;
    store.table_item("asset_manager", sitting.id, ItemSubject::Plan { plan_id: pending.id }, &[]).await?;
    store.open_meeting("committee", sitting.id, &members).await?;
    Ok(())
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

/// The meeting of 2026-11-20: the purchase and two plans approved, the plans announced.
async fn held_meeting(
    store: &Store,
    members: &[String],
    retail: i64,
    oldest: i64,
    second: i64,
) -> Result<(), StoreError> {
    let held = store
        .schedule_meeting("committee", "2026 年第 5 次决策委员会会议", beijing(2026, 11, 20, 10), "公司 3 楼会议室")
        .await?;
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
    let mut items = vec![purchase.id];
    for plan in [&auction, &tender] {
        items.push(store.table_item("asset_manager", held.id, ItemSubject::Plan { plan_id: plan.id }, &[]).await?.id);
    }
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
    store
        .close_meeting(
            "committee",
            held.id,
            "会议审议三项议题：同意以不超过 450 万元收购华信银行杭州分行个人不良贷款资产包（交易前检查已通过）；同意 ZJ-2025-001 项下债权网络拍卖方案；同意 ZJ-2025-002 项下债权公开招标方案（财务总监反对，理由已记录）。",
        )
        .await?;
    announce(store, auction.id, false).await?;
    announce(store, tender.id, true).await?;
    Ok(())
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

/// Drafts, completes and publishes a plan's announcement; `corrected`: then a second version
/// with a longer enquiry period note, the first archived.
async fn announce(store: &Store, plan_id: i64, corrected: bool) -> Result<(), StoreError> {
    let draft = store.draft_announcement("asset_manager", plan_id).await?;
    let edit = AnnouncementEdit {
        title: draft.content.title.clone(),
        locations: Vec::new(),
        conditions: "竞买人须于报名截止前交纳竞买保证金 20 万元；成交后 10 个工作日内付清全部价款；债权按现状转让。"
            .into(),
        buyer_requirements: draft.content.buyer_requirements.clone(),
        contact: CONTACT.into(),
        report_channel: REPORT.into(),
    };
    store.edit_announcement("asset_manager", draft.id, &edit).await?;
    store.publish_announcement("asset_manager", draft.id).await?;
    if corrected {
        let next = store.draft_announcement("asset_manager", plan_id).await?;
        let fixed = AnnouncementEdit {
            conditions: "投标人须于投标截止前交纳投标保证金 20 万元；中标后 10 个工作日内付清全部价款；债权按现状转让。（更正：原公告误写为竞买保证金）".into(),
            ..edit
        };
        store.edit_announcement("asset_manager", next.id, &fixed).await?;
        store.publish_announcement("asset_manager", next.id).await?;
    }
    Ok(())
}
