//! The demo company's compliance book: eight quarter-ends of net assets (2024-12-31 to
//! 2026-09-30), a funding book with its schedule, liquid assets and a cash calendar, three
//! years of investments, and a party graph — a state-owned controlling shareholder, a second
//! shareholder, and seven officers each controlling a company the AMC has lent to. At
//! 2026-09-30 leverage is amber (2.73×) and related-party claims are a breach inside the
//! transition (61% of the previous quarter-end's net assets); the rest pass. The last two
//! quarter-ends are recorded, and three deals checked (one cleared, one overridden, one blocked).
//! A staff register with a relative and the entity she directs, the company's profile (capital,
//! net-asset items, main business), and a claim of ZJ-2025-002 flagged PX5 after its purchase.

use chrono::NaiveDate;
use huajie_core::company::BusinessLine;
use huajie_core::{Money, Party, PartyIdentifier, PartyStatus, ResidentId, Uscc};
use huajie_rules::checks::{Counterparty, ProhibitedAsset};
use huajie_rules::indicators::Payment;
use huajie_rules::indicators::{Capacity, Channel, ExposureKind, InvestmentKind, LiquidKind};
use huajie_store::{FlagTarget, PartyAttributes, ProfileChange, ProposedDeal, Store, StoreError, WriteTx};

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid date")
}

/// 亿元 (hundreds of millions of yuan) with two decimals, as fen.
fn yi(hundredths: i64) -> Money {
    Money::from_fen(hundredths * 100_000_000)
}

/// The number of the USCC of the company the live auction's debtor controls.
pub(crate) const HENGRUN: u32 = 40;

/// A company of the book, its USCC numbered `n`.
pub(crate) fn company_uscc(n: u32) -> Uscc {
    Uscc::with_check_chars(&format!("91330108MA7DE{n:03}")).expect("a valid demo USCC")
}

fn company(name: &str, n: u32) -> Party {
    let uscc = company_uscc(n);
    Party {
        name: name.into(),
        identity: PartyIdentifier::Uscc(uscc).into(),
        status: PartyStatus::Active,
        address: Some("杭州市西湖区".into()),
        phone: None,
    }
}

fn person(name: &str, n: u32) -> Party {
    person_born(name, "19750315", n)
}

fn person_born(name: &str, born: &str, n: u32) -> Party {
    let id = ResidentId::with_check_char(&format!("330106{born}{:03}", 100 + n)).expect("a valid demo ID");
    Party {
        name: name.into(),
        identity: PartyIdentifier::ResidentId(id).into(),
        status: PartyStatus::Active,
        address: None,
        phone: None,
    }
}

/// Parties the compliance book adds: the company itself, two shareholders, seven officers
/// and their seven companies, a member of the staff, his daughter and her consultancy, and the
/// company the live auction's debtor controls.
pub const PARTIES: usize = 3 + 2 * OFFICERS.len() + 3 + 1;

/// A member of the staff (not an officer), his department, his declared daughter, and the
/// consultancy she directs.
const STAFF: (&str, &str, &str, &str) = ("孙立新", "资产处置部 项目经理", "孙小雨", "杭州小雨企业管理咨询有限公司");

const OFFICERS: [(&str, &str, &str); 7] = [
    ("周建平", "董事长", "杭州建平贸易有限公司"),
    ("吴晓梅", "总经理", "宁波晓梅物流有限公司"),
    ("郑国强", "副总经理", "温州国强机电有限公司"),
    ("王丽华", "董事", "嘉兴丽华纺织有限公司"),
    ("冯志远", "董事", "湖州志远建材有限公司"),
    ("陈思敏", "财务总监", "绍兴思敏印染有限公司"),
    ("褚文杰", "风控总监", "金华文杰五金有限公司"),
];

/// Records the book, as the risk team (user `risk`), in one transaction.
pub async fn load(store: &Store) -> Result<(), StoreError> {
    store.rule_parameters().await?;
    let banks: Vec<i64> = {
        let mut ids: Vec<i64> = store.packages().await?.iter().map(|p| p.transferor.id).collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    };
    let bank = |i: usize| banks[i % banks.len()];
    let mut tx = store.write("risk").await?;
    let me = tx.ensure_company_party().await?;

    for (date, na) in [
        (ymd(2024, 12, 31), 900),
        (ymd(2025, 3, 31), 920),
        (ymd(2025, 6, 30), 950),
        (ymd(2025, 9, 30), 980),
        (ymd(2025, 12, 31), 1_000),
        (ymd(2026, 3, 31), 1_020),
        (ymd(2026, 6, 30), 1_050),
        (ymd(2026, 9, 30), 1_080),
    ] {
        tx.set_net_assets(date, yi(na), "季度财务报表（单体）").await?;
    }

    // The party graph: who owns the company, who runs it, what they control.
    let state = tx.insert_party(&company("浙江省国有资本运营有限公司", 1)).await?;
    let investor = tx.insert_party(&company("浙江明湖投资集团有限公司", 2)).await?;
    tx.add_party_link(state, me, 5_100, false).await?;
    tx.add_party_link(investor, me, 2_000, false).await?;
    let mut borrowers = Vec::new();
    for (i, (name, role, firm)) in OFFICERS.iter().enumerate() {
        let officer = tx.insert_party(&person(name, i as u32)).await?;
        tx.add_officer(officer, role).await?;
        let firm = tx.insert_party(&company(firm, 10 + i as u32)).await?;
        tx.add_party_link(officer, firm, 6_000, false).await?;
        borrowers.push(firm);
    }
    // Loans to the officers' companies: 0.918 亿 each (8.5% of net assets): each client and
    // group within its limit, together 61% of the previous quarter-end's net assets.
    for firm in &borrowers {
        tx.add_exposure(*firm, ExposureKind::Loan, Money::from_fen(9_180_000_000), "委托贷款（关联方）").await?;
    }

    funding_book(&mut tx, [bank(0), bank(1), bank(2)], state).await?;

    // Liquid assets and the next weeks' contractual flows: HQLA 1.5 亿 over 0.68 亿.
    tx.add_liquid_asset("基本存款账户", LiquidKind::DemandDeposit, yi(120), false).await?;
    tx.add_liquid_asset("国债", LiquidKind::GovernmentBond, yi(30), false).await?;
    tx.add_liquid_asset("诉讼保全冻结账户", LiquidKind::Cash, yi(50), true).await?;
    tx.add_cash_flow("应交税费及年终薪酬", ymd(2026, 10, 15), yi(30), false).await?;
    tx.add_cash_flow("处置回款（已签约）", ymd(2026, 10, 10), yi(20), true).await?;

    // Three years of investment: financial NPAs 64% of the total.
    for (date, amount, kind, what) in [
        (ymd(2023, 5, 10), 200, InvestmentKind::FinancialNpa, "收购某农商行不良资产包"),
        (ymd(2023, 11, 2), 300, InvestmentKind::OtherEquity, "参股地方纾困基金"),
        (ymd(2024, 4, 18), 300, InvestmentKind::FinancialNpa, "收购某城商行不良资产包"),
        (ymd(2024, 9, 9), 200, InvestmentKind::OtherDebt, "委托贷款"),
        (ymd(2025, 4, 1), 450, InvestmentKind::FinancialNpa, "收购 ZJ-2025-001"),
        (ymd(2025, 8, 1), 228, InvestmentKind::FinancialNpa, "收购 ZJ-2025-002"),
        (ymd(2025, 10, 12), 150, InvestmentKind::DebtToEquity, "市场化债转股"),
    ] {
        tx.add_investment(date, yi(amount), kind, what).await?;
    }
    // The staff register: an asset manager in the disposal department, his declared daughter,
    // and the consultancy she directs — none of them may buy what the company sells.
    let clerk = tx.insert_party(&person(STAFF.0, 20)).await?;
    tx.add_staff(clerk, STAFF.1).await?;
    let daughter = tx.insert_party(&person_born(STAFF.2, "20010708", 22)).await?;
    tx.add_relatives(clerk, daughter).await?;
    let consultancy = tx.insert_party(&company(STAFF.3, 30)).await?;
    tx.add_staff_entity(daughter, consultancy, Capacity::Director).await?;
    debtors_company(&mut tx, store).await?;
    // The company's profile: capital and the items behind the net assets of 2026-09-30 (10.8 亿).
    tx.save_company_profile(
        ymd(2026, 9, 30),
        ProfileChange::Capital {
            registered_capital: yi(1_000),
            paid_in_capital: yi(1_000),
            net_asset_items: vec![
                ("paid_in_capital".into(), yi(1_000)),
                ("capital_reserve".into(), yi(30)),
                ("surplus_reserve".into(), yi(20)),
                ("general_risk_reserve".into(), yi(10)),
                ("retained_earnings".into(), yi(20)),
            ],
        },
        "2026 年三季度财务报表",
    )
    .await?;

    // The banks are licensed financial institutions (lenders and transferors).
    for b in &banks {
        tx.set_party_attributes(PartyAttributes { party_id: *b, licensed_fi: true, ..PartyAttributes::default() })
            .await?;
    }
    tx.commit().await?;
    // Risk records the main business (its own version of the profile).
    let mut tx = store.write("risk").await?;
    tx.save_company_profile(
        ymd(2026, 9, 30),
        ProfileChange::MainBusiness(vec![
            BusinessLine {
                code: "BS1".into(), description: "收购处置省内银行业金融机构不良资产".into()
            },
            BusinessLine { code: "BS3".into(), description: "市场化债转股".into() },
            BusinessLine { code: "BS6".into(), description: "不良资产处置咨询".into() },
        ]),
        "董事会批准的主营业务",
    )
    .await?;
    tx.commit().await?;
    check_deals(store).await?;
    flag_a_claim(store).await
}

/// Risk records the last two quarter-ends, once the book is complete: after the recovery
/// ledger's history (`history`), which moves the held claims and the cash the indicators read.
pub async fn record_quarter_ends(store: &Store) -> Result<(), StoreError> {
    for q in [ymd(2026, 6, 30), ymd(2026, 9, 30)] {
        store.record_quarter_end("risk", q).await?;
    }
    // The quarterly reports: the second quarter's submitted and acknowledged by the regulator, the
    // third's submitted and awaiting its acknowledgement.
    let q2 = store.submit_report("risk", ymd(2026, 6, 30)).await?;
    store.acknowledge_report("regulator", q2.id, "已收悉。").await?;
    store.submit_report("risk", ymd(2026, 9, 30)).await?;
    Ok(())
}

/// The demo's second risk officer (user name, name), who approves the first one's overrides.
pub const SECOND_RISK_OFFICER: (&str, &str) = ("risk2", "韩立新");

/// Adds the second risk officer: an override of a check's finding takes effect once another risk
/// officer approves it (four eyes, issue 16).
pub async fn second_risk_officer(tx: &mut WriteTx, hash_password: &impl Fn(&str) -> String) -> Result<(), StoreError> {
    let (username, name) = SECOND_RISK_OFFICER;
    let user = huajie_store::NewUser {
        username: username.into(),
        display_name: name.into(),
        role: huajie_core::Role::Risk,
        password_hash: hash_password(crate::DEMO_PASSWORD),
    };
    tx.insert_user(&user).await.map(drop)
}

/// A trading company 60% held, and controlled, by the debtor of the claim the demo auctions
/// live (`auctions`): it registers as an investor and is qualified, and its bid on that lot is
/// refused by the screening.
async fn debtors_company(tx: &mut WriteTx, store: &Store) -> Result<(), StoreError> {
    let debtor = crate::decisions::live_auction_debtor(store).await?;
    let hengrun = tx.insert_party(&company(crate::investors::REGISTERED[4].1, HENGRUN)).await?;
    tx.add_party_link(debtor, hengrun, 6_000, true).await.map(drop)
}

/// After its purchase, further due diligence on ZJ-2025-002 found a contract forbidding the
/// transfer of its first claim: the acquisition team flags it PX5 (the book says the truth).
async fn flag_a_claim(store: &Store) -> Result<(), StoreError> {
    let packages = store.packages().await?;
    let Some(package) = packages.iter().find(|p| p.package.data.code == "ZJ-2025-002") else {
        return Err(StoreError::NotFound("ZJ-2025-002".into()));
    };
    let claim = store
        .claims_of_package(package.package.id)
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| StoreError::NotFound("ZJ-2025-002 的债权".into()))?;
    let mut tx = store.write("acquisition").await?;
    tx.set_asset_flag(
        FlagTarget::Claim(claim.claim.id),
        ProhibitedAsset::Px5,
        "补充尽调：借款合同第 15 条约定未经借款人书面同意不得转让债权",
    )
    .await?;
    tx.commit().await
}

/// The funding book: 29.5 亿 over 10.8 亿 of net assets = 2.73×. The ICBC M&A loan is a line of
/// 15 亿 (授信额度) that purchases may draw on.
async fn funding_book(tx: &mut WriteTx, banks: [i64; 3], state: i64) -> Result<(), StoreError> {
    type Due = &'static [((i32, u32, u32), i64, i64)];
    let icbc: Due = &[((2026, 10, 20), 0, 5)];
    let abc: Due = &[((2026, 10, 25), 50, 3)];
    let instruments = [
        ("工商银行并购贷款", Channel::FiLoan, banks[0], 1_200, (2024, 6, 1), (2029, 6, 1), icbc, Some(1_500)),
        ("农业银行流动资金贷款", Channel::FiLoan, banks[1], 800, (2025, 10, 25), (2027, 10, 25), abc, None),
        ("控股股东借款", Channel::ShareholderLoan, state, 400, (2025, 1, 1), (2028, 1, 1), &[], None),
        ("2025年度第一期中期票据", Channel::Bond, banks[2], 550, (2025, 3, 15), (2028, 3, 15), &[], None),
    ];
    let day = |(y, m, d): (i32, u32, u32)| ymd(y, m, d);
    for (label, channel, lender, principal, start, end, due, limit) in instruments {
        let schedule: Vec<_> = due.iter().map(|(d, p, i)| (day(*d), yi(*p), yi(*i))).collect();
        tx.add_funding(label, channel, lender, yi(principal), day(start), day(end), &schedule, limit.map(yi)).await?;
    }
    Ok(())
}

/// Three deals are checked at 2026-09-30 (the quarter-ends are recorded at the end of the
/// load, `record_quarter_ends`): the personal-loan package at 4,000 万 (cleared), a 4 亿 bank loan that takes
/// leverage past 3× (a limit the risk team overrides, with its reason), and a sale of the
/// oldest package to a company a director controls (a hard block).
async fn check_deals(store: &Store) -> Result<(), StoreError> {
    let as_of = ymd(2026, 9, 30);
    let parties = store.check_parties().await?;
    let packages = store.packages().await?;
    let code = |c: &str| {
        packages
            .iter()
            .find(|p| p.package.data.code == c)
            .map(|p| p.package.id)
            .ok_or_else(|| StoreError::NotFound(c.into()))
    };
    let retail = code("ZJ-2026-001")?;
    // 450 万 for about 2,100 万 of personal claims, below the demo valuer's 15% bid, drawn on
    // the ICBC M&A line (limit 15 亿, 12 亿 drawn).
    let price = Money::from_fen(450_000_000);
    let line = store.funding_lines().await?.first().map(|l| l.id);
    let deal = ProposedDeal::Acquisition { package_id: retail, price, funding_line: line };
    store.run_deal_check("acquisition", "ZJ-2026-001", as_of, &deal).await?;

    let lender = packages.iter().map(|p| p.transferor.id).min();
    let loan = ProposedDeal::Funding {
        label: "建设银行并购贷款（拟）".into(),
        channel: Channel::FiLoan,
        lender: lender.and_then(|id| parties.get(&id).cloned()).map_or(Counterparty::None, Counterparty::Registered),
        principal: yi(400),
        payments: vec![Payment {
            date: ymd(2027, 9, 30),
            principal: Money::ZERO,
            interest: Money::from_fen(yi(400).fen() / 25),
        }],
    };
    let check = store.run_deal_check("finance", "建设银行并购贷款（拟）", as_of, &loan).await?;
    let mut tx = store.write("risk").await?;
    for (k, _) in
        check.result.findings.iter().enumerate().filter(|(_, f)| f.effect != huajie_rules::checks::Effect::Block)
    {
        tx.override_finding(check.id, k, "过渡期内：董事会已批准去杠杆计划，2027 年末前降至 3 倍以内").await?;
    }
    tx.commit().await?;
    // Four eyes: the second risk officer approves each override, and only then does it count.
    let mut tx = store.write(SECOND_RISK_OFFICER.0).await?;
    for o in tx.deal_check(check.id).await?.map(|c| c.overrides).unwrap_or_default() {
        tx.approve_override(check.id, o.id).await?;
    }
    tx.commit().await?;

    let oldest = code("ZJ-2025-001")?;
    let buyer = parties
        .values()
        .find(|p| p.name == OFFICERS[3].2)
        .cloned()
        .ok_or_else(|| StoreError::NotFound(OFFICERS[3].2.into()))?;
    let label = format!("ZJ-2025-001 → {}", buyer.name);
    let sale =
        ProposedDeal::Disposal { package_id: oldest, transferee: Counterparty::Registered(buyer), price: yi(300) };
    store.run_deal_check("asset_manager", &label, as_of, &sale).await?;
    Ok(())
}
