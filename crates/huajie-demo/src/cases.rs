//! Case management (issue 15): the held packages' claims in court, recorded through the store's
//! own operations at their moments in the demo's past, every date relative to the day the demo is
//! loaded (`T`), so that whenever it is loaded the same alerts show. Three firms are engaged; six
//! cases are opened on the first claims (by package, then contract number) of the held packages:
//!
//! | case | claim | stages (day relative to T) | deadline as of T |
//! |------|-------|----------------------------|------------------|
//! | 1 litigation | 1st | 立案 −90, 开庭 −60, 判决 −20 | — (a task due T+5) |
//! | 2 enforcement, auction announced | 2nd | 立案 −720, 开庭 −600, 判决 −560, 生效 −540, 执行立案 −500, 查封 −480, 评估 −120, 一拍 +12 | 拍卖日 T+12 (30 days) |
//! | 3 终本 and 恢复执行 | 3rd | 执行立案 −1000, 查封 −950, 评估 −800, 一拍 −700, 二拍 −670, 变卖 −600, 终本 −560, 恢复执行 −30, 查封 −10 | — |
//! | 4 before suit | the next claim with no default date or one at least three years before T+18 | no stage; the bank's demand signed by the debtor on T+18 less three years (时效中断) | 诉讼时效 ≈ T+18 (30 days) |
//! | 5 bankruptcy | 5th | 破产申报 −300, 破产分配 −40 | — |
//! | 6 judgment effective | 6th | 立案 −900, 判决 −700, 生效 −680 | 申请执行期间 ≈ T+50 (90 days) |
//!
//! (≈: moved past a holiday or a weekend on the working-day calendar.) Tasks: case 1 跟进判决生效
//! (asset_manager, T+5); case 2 支付律师费固定部分 (finance, T+3); case 4 提交起诉状 (asset_manager,
//! T+10); case 3 核查被执行人新发现财产 (asset_manager, T−2, overdue).

use chrono::{Datelike, Duration, NaiveDate};
use huajie_cases::{AgencyKind, CaseNumber, FeeModel, FeeTerms, InterruptionKind, Stage, Task};
use huajie_core::Money;
use huajie_store::{AgencyInput, CaseInput, InterruptionInput, StageInput, Store, StoreError};

use crate::auctions::timeline::{Past, Timeline, beijing};

const MANAGER: &str = "asset_manager";

/// A case to record (on the claim of its place in `claims`): its court and court code, firm (index), stages as
/// (stage, days from T, case-number type code when one is given).
struct Plan {
    court: &'static str,
    code: &'static str,
    agency: Option<usize>,
    note: &'static str,
    stages: &'static [(Stage, i64, Option<&'static str>)],
}

const PLANS: &[Plan] = &[
    Plan {
        court: "杭州市西湖区人民法院",
        code: "浙0106",
        agency: Some(0),
        note: "诉讼清收",
        stages: &[(Stage::Filed, -90, Some("民初")), (Stage::Hearing, -60, None), (Stage::Judgment, -20, None)],
    },
    Plan {
        court: "杭州市上城区人民法院",
        code: "浙0102",
        agency: Some(0),
        note: "抵押房产已查封，一拍已公告",
        stages: &[
            (Stage::Filed, -720, Some("民初")),
            (Stage::Hearing, -600, None),
            (Stage::Judgment, -560, None),
            (Stage::Effective, -540, None),
            (Stage::EnforcementFiled, -500, Some("执")),
            (Stage::Seizure, -480, None),
            (Stage::Appraisal, -120, None),
            (Stage::FirstAuction, 12, None),
        ],
    },
    Plan {
        court: "宁波市鄞州区人民法院",
        code: "浙0212",
        agency: Some(1),
        note: "受让时已有生效判决；终本后发现新财产，申请恢复执行",
        stages: &[
            (Stage::EnforcementFiled, -1000, Some("执")),
            (Stage::Seizure, -950, None),
            (Stage::Appraisal, -800, None),
            (Stage::FirstAuction, -700, None),
            (Stage::SecondAuction, -670, None),
            (Stage::SaleOff, -600, None),
            (Stage::Terminated, -560, None),
            (Stage::Resumed, -30, Some("执恢")),
            (Stage::Seizure, -10, None),
        ],
    },
    Plan {
        court: "杭州市拱墅区人民法院", code: "浙0105", agency: None, note: "拟起诉：注意诉讼时效", stages: &[]
    },
    Plan {
        court: "绍兴市中级人民法院",
        code: "浙06",
        agency: Some(2),
        note: "债务人破产重整转清算",
        stages: &[(Stage::BankruptcyClaim, -300, Some("破")), (Stage::BankruptcyDistribution, -40, None)],
    },
    Plan {
        court: "杭州市余杭区人民法院",
        code: "浙0110",
        agency: Some(2),
        note: "判决已生效，待申请执行",
        stages: &[(Stage::Filed, -900, Some("民初")), (Stage::Judgment, -700, None), (Stage::Effective, -680, None)],
    },
];

fn agencies() -> Vec<AgencyInput> {
    let yuan = |y: i64| Money::from_yuan(y).expect("a small amount");
    let terms = |m, f, r| FeeTerms::new(m, f, r).expect("the demo's fee terms fit their model");
    vec![
        AgencyInput {
            name: "浙江钱塘律师事务所".into(),
            kind: AgencyKind::LawFirm,
            terms: terms(FeeModel::HalfRisk, yuan(30_000), 800),
        },
        AgencyInput {
            name: "杭州信达清收服务有限公司".into(),
            kind: AgencyKind::CollectionAgency,
            terms: terms(FeeModel::FullRisk, Money::ZERO, 1_800),
        },
        AgencyInput {
            name: "浙江之江律师事务所".into(),
            kind: AgencyKind::LawFirm,
            terms: terms(FeeModel::NoRisk, yuan(50_000), 0),
        },
    ]
}

/// The claims cases are opened on, in `PLANS`' order: the held packages' claims by package and
/// contract number that no disposal plan sells (the demo's lots sell some: a claim the company
/// auctions itself is not also in court), the fourth the first whose limitation runs from no
/// later than `before` (no default date, or one on or before it), the others the first five
/// besides it.
async fn claims(store: &Store, before: NaiveDate) -> Result<Vec<i64>, StoreError> {
    let planned: Vec<i64> = store
        .plans()
        .await?
        .iter()
        .filter_map(|p| match p.subject {
            huajie_store::PlanSubject::Claim(id) => Some(id),
            _ => None,
        })
        .collect();
    let mut all = Vec::new();
    for p in store.packages().await?.iter().filter(|p| p.package.data.is_held()) {
        let claims = store.claims_of_package(p.package.id).await?.into_iter().map(|c| c.claim);
        all.extend(claims.filter(|c| !planned.contains(&c.id)));
    }
    let short = || StoreError::Corrupt("the demo's held packages have too few claims for its cases".into());
    let fourth = all.iter().find(|c| c.data.default_date.is_none_or(|d| d <= before)).ok_or_else(short)?.id;
    let mut ids: Vec<i64> = all.iter().map(|c| c.id).filter(|id| *id != fourth).take(PLANS.len() - 1).collect();
    if ids.len() < PLANS.len() - 1 {
        return Err(short());
    }
    ids.insert(3, fourth);
    Ok(ids)
}

/// A case the demo opened: its id, its claim, and the terms of the firm handling it.
#[derive(Debug, Clone, Copy)]
pub struct Opened {
    pub case: i64,
    pub claim: i64,
    pub terms: Option<(AgencyKind, FeeTerms)>,
}

/// Engages the firms, opens the cases and plays their stages, interruption and tasks; the cases
/// in `PLANS`' order.
pub async fn load(past: &Past, t: &Timeline) -> Result<Vec<Opened>, StoreError> {
    let day = |d: i64| t.today + Duration::days(d);
    let firms = past.at(beijing(day(-1100), 9, 0));
    let mut engaged = Vec::new();
    let firms_terms = agencies();
    for a in &firms_terms {
        engaged.push(firms.add_agency(MANAGER, a).await?.id);
    }
    let demand_on = day(18).checked_sub_months(chrono::Months::new(36)).expect("a date");
    let claims = claims(past.at(t.now), demand_on).await?;
    let (mut ids, mut opened) = (Vec::new(), Vec::new());
    for (plan, claim_id) in PLANS.iter().zip(&claims) {
        let first = plan.stages.first().map_or(-40, |s| s.1.min(-40));
        let input = CaseInput {
            claim_id: *claim_id,
            court: plan.court.into(),
            agency_id: plan.agency.map(|i| engaged[i]),
            note: plan.note.into(),
        };
        let case_id = past.at(beijing(day(first - 5), 10, 0)).open_case(MANAGER, &input).await?.case.id;
        for (n, (stage, d, kind)) in plan.stages.iter().enumerate() {
            let case_no =
                kind.map(|k| number(plan.code, k, day(*d), 1_000 + 37 * (ids.len() + n) as u32)).transpose()?;
            let input = StageInput { stage: *stage, on: day(*d), case_no, note: String::new() };
            // An auction is recorded when the court announces it, 32 days ahead (real estate: 30 days' notice).
            let recorded = if *d > 0 { day(*d - 32) } else { day(*d) };
            past.at(beijing(recorded, 17, 0)).record_stage(MANAGER, case_id, &input).await?;
        }
        ids.push(case_id);
        let terms = plan.agency.map(|i| (firms_terms[i].kind, firms_terms[i].terms));
        opened.push(Opened { case: case_id, claim: *claim_id, terms });
    }
    let demand = InterruptionInput {
        kind: InterruptionKind::Acknowledged,
        on: demand_on,
        note: "转让方（银行）催收通知，债务人签收".into(),
    };
    past.at(beijing(day(-40), 11, 0)).record_interruption(MANAGER, ids[3], &demand).await?;
    let tasks = [
        (0, "跟进判决生效证明", 5, MANAGER),
        (1, "支付律师费固定部分（半风险）", 3, "finance"),
        (3, "提交起诉状（诉讼时效将届满）", 10, MANAGER),
        (2, "核查被执行人新发现财产", -2, MANAGER),
    ];
    for (case, title, due, who) in tasks {
        let task = Task::new(title, day(due), who).map_err(StoreError::Refused)?;
        past.at(beijing(day(-25), 9, 30)).add_task(MANAGER, ids[case], &task).await?;
    }
    Ok(opened)
}

/// A case number of `court`'s, of type `kind`, in the year of `on`.
fn number(court: &str, kind: &str, on: NaiveDate, seq: u32) -> Result<CaseNumber, StoreError> {
    CaseNumber::parse(&format!("（{}）{court}{kind}{seq}号", on.year())).map_err(StoreError::Refused)
}
