//! Compliance, as its users work it: the book entered by form and by workbook (all rows or
//! none), a deal checked before it is signed (a limit overridden by the risk team, a hard
//! block that cannot be), the quarter-end recorded and reported to the regulator, and the API.

mod common;

use axum::http::StatusCode;
use calamine::{Reader, Xlsx};
use common::TestApp;
use huajie_core::ids::Uscc;
use huajie_report::tables::{Cell, Table, tables_xlsx};

fn uscc(n: u32) -> String {
    Uscc::with_check_chars(&format!("91330106MA8TW{n:03}")).unwrap().as_str().to_string()
}

/// A sheet to write: its name, its header and its rows.
type SheetSpec<'a> = (&'a str, &'a [&'a str], &'a [&'a [&'a str]]);

fn workbook(tables: &[SheetSpec]) -> Vec<u8> {
    let tables: Vec<Table> = tables
        .iter()
        .map(|(sheet, header, rows)| Table {
            sheet: sheet.to_string(),
            title: Vec::new(),
            header: header.iter().map(|h| h.to_string()).collect(),
            rows: rows.iter().map(|r| r.iter().map(|c| Cell::Text(c.to_string())).collect()).collect(),
        })
        .collect();
    tables_xlsx(&tables).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn finance_enters_the_book_by_form_and_by_workbook_all_rows_or_none() {
    let app = TestApp::new().await;
    let store = &app.store.store;
    let mut finance = app.login("finance").await;
    let csrf = finance.csrf.clone();

    // Money already raised through a private fund is recorded as it is and flagged (rules.md
    // Part G): the book shows the flag, leverage counts it, and it is an open item.
    let lender = uscc(1);
    let fund = uscc(3);
    let prohibited = [
        ("csrf", csrf.as_str()),
        ("label", "某私募借款（存量）"),
        ("channel", "private_fund"),
        ("lender", &fund),
        ("lender_name", "某私募基金"),
        ("principal", "5000"),
        ("start_date", "2025-10-01"),
        ("maturity_date", "2027-10-01"),
    ];
    let reply = app.post_form(&mut finance, "/compliance/book/funding", &prohibited).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let recorded = store.funding_book().await.unwrap();
    assert_eq!(recorded.last().map(|f| (f.channel.as_str(), f.principal.fen())), Some(("private_fund", 5_000_000_000)));
    let page = app.get(&mut finance, "/compliance/book").await;
    assert!(page.body.contains("Q10 禁止的融资渠道：如实记录"), "the book shows the flag");
    let mut risk = app.login("risk").await;
    let dashboard = app.get(&mut risk, "/compliance?as_of=2026-09-30").await;
    assert!(dashboard.body.contains("某私募借款（存量）：私募投资基金融资属禁止的融资渠道"), "an open item");
    let ledger = store.compliance_ledger("2026-09-30".parse().unwrap()).await.unwrap();
    let params = store.rule_parameters().await.unwrap();
    let lev = huajie_rules::indicators(&ledger, &params.parameters, "2026-09-30".parse().unwrap()).unwrap()[1].clone();
    assert!(lev.lines.iter().any(|l| l.flagged && l.label == "某私募借款（存量）"), "counted in leverage, flagged");
    let before = store.funding_book().await.unwrap().len();
    // Wrong fields are each named; nothing is saved.
    let wrong = [
        ("csrf", csrf.as_str()),
        ("label", "工行借款"),
        ("channel", "金融机构借款"),
        ("lender", "12345"),
        ("principal", "五千"),
        ("start_date", "2026-10-01"),
        ("maturity_date", "2027-10-01"),
    ];
    let reply = app.post_form(&mut finance, "/compliance/book/funding", &wrong).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(
        reply.body.contains("出借人证件号：“12345”不是有效的统一社会信用代码或身份证号")
            && reply.body.contains("本金余额（万元）：“五千”不是非负金额"),
        "{}",
        reply.body
    );
    assert_eq!(store.funding_book().await.unwrap().len(), before);
    // A bank loan from a lender not yet known, with its schedule, in 万元.
    let ok = [
        ("csrf", csrf.as_str()),
        ("label", "杭州银行流动资金借款"),
        ("channel", "金融机构借款"),
        ("lender", &lender),
        ("lender_name", "杭州某银行"),
        ("principal", "5000"),
        ("start_date", "2026-10-01"),
        ("maturity_date", "2027-10-01"),
        ("schedule", "2027-04-01 0 75\n2027-10-01 5000 75"),
    ];
    let reply = app.post_form(&mut finance, "/compliance/book/funding", &ok).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let book = store.funding_book().await.unwrap();
    assert_eq!(book.len(), before + 1);
    let added = book.last().unwrap();
    assert_eq!(
        (added.principal.fen(), added.payments.len(), added.payments[1].1.fen()),
        (5_000_000_000, 2, 5_000_000_000)
    );
    assert_eq!(store.party_by_identifier(&lender).await.unwrap().unwrap().data.name, "杭州某银行");

    // The export has every part of the book in the import's format (people's IDs masked for finance).
    let (status, exported) = app.get_bytes(&finance, "/compliance/book.xlsx").await;
    assert_eq!(status, StatusCode::OK);
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(exported.clone())).unwrap();
    assert_eq!(wb.worksheet_range("融资台账").unwrap().height(), book.len() + 1);
    assert!(wb.sheet_names().contains(&"签署".to_string()), "signed by who exported it");
    // Amounts are numbers (万元, kept to the fen), dates are dates — and the import reads
    // them back as they were (the sheets without parties, whose IDs finance sees masked).
    let net = wb.worksheet_range("季末净资产").unwrap();
    assert!(matches!(net.get_value((1, 0)), Some(calamine::Data::DateTime(_))), "{:?}", net.get_value((1, 0)));
    assert!(matches!(net.get_value((1, 1)), Some(calamine::Data::Float(_))), "{:?}", net.get_value((1, 1)));
    let own: Vec<huajie_tape::Sheet> = huajie_tape::read_workbook(exported)
        .unwrap()
        .into_iter()
        // The sign-off sheet (who exported it, when) is passed over by the import.
        .filter(|s| ["季末净资产", "投资台账", "现金流日历", "流动资产", "签署"].contains(&s.name.as_str()))
        .collect();
    let entries = huajie_store::book::read_book_workbook(
        own,
        huajie_core::clock::Clock::now(&huajie_core::clock::SystemClock).date_naive(),
    )
    .unwrap_or_else(|p| panic!("{p:?}"));
    let read_back: Vec<(chrono::NaiveDate, i64)> = entries
        .iter()
        .filter_map(|e| match &e.entry {
            huajie_store::book::BookEntry::NetAssets { quarter_end, amount, .. } => Some((*quarter_end, amount.fen())),
            _ => None,
        })
        .collect();
    let stored: Vec<(chrono::NaiveDate, i64)> =
        store.net_assets().await.unwrap().iter().map(|n| (n.quarter_end, n.amount.fen())).collect();
    assert_eq!(read_back, stored);
    let invested: i64 = entries
        .iter()
        .map(|e| match &e.entry {
            huajie_store::book::BookEntry::Investment { amount, .. } => amount.fen(),
            _ => 0,
        })
        .sum();
    assert_eq!(invested, store.investments().await.unwrap().iter().map(|i| i.amount.fen()).sum::<i64>());
    assert_eq!(
        wb.worksheet_range("还款计划").unwrap().height() - 1,
        book.iter().map(|f| f.payments.len()).sum::<usize>()
    );
    // A sheet per kind, the repayment schedule, and the sign-off.
    assert_eq!(wb.sheet_names().len(), huajie_store::book::BOOK_KINDS.len() + 2);

    // A workbook whose last row repeats a holding already recorded is refused whole, with the
    // row named: the liquid asset of its first sheet is not added either.
    let (liquid, links) = (store.liquid_assets().await.unwrap().len(), store.party_links().await.unwrap().len());
    let parties = store.all_parties().await.unwrap();
    let ident = |id: i64| parties.iter().find(|p| p.id == id).unwrap().data.identity.id_text().unwrap().to_string();
    let link = store
        .party_links()
        .await
        .unwrap()
        .into_iter()
        .find(|l| parties.iter().any(|p| p.id == l.holder_id && p.data.kind() == huajie_core::PartyKind::Corporate))
        .unwrap();
    let (holder, held) = (ident(link.holder_id), ident(link.held_id));
    let header: &[&str] = &["账户/资产", "类别", "金额（万元）", "受限（质押/冻结）"];
    let twice = workbook(&[
        ("流动资产", header, &[&["招行活期", "活期及可随时支取存款", "2000", "否"]]),
        (
            "股权与控制关系",
            &["持有人证件号", "被持有方证件号", "持股比例", "实际控制"],
            &[&[&holder, &held, "10%", "否"]],
        ),
    ]);
    // Finance may not enter the party graph at all: the sheet is named, nothing is kept.
    let reply = app
        .post_multipart(&mut finance, "/compliance/book/import", &[("csrf", &csrf)], ("book.xlsx", &twice), None)
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(
        reply.body.contains("股权与控制关系：主体关系图") && reply.body.contains("只能由风险合规部录入"),
        "{}",
        reply.body
    );
    assert_eq!((store.liquid_assets().await.unwrap().len(), store.party_links().await.unwrap().len()), (liquid, links));
    let risk_csrf = risk.csrf.clone();
    let reply = app
        .post_multipart(&mut risk, "/compliance/book/import", &[("csrf", &risk_csrf)], ("book.xlsx", &twice), None)
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.body.contains("股权与控制关系 第 2 行") && reply.body.contains("该股权关系已登记"), "{}", reply.body);
    assert_eq!((store.liquid_assets().await.unwrap().len(), store.party_links().await.unwrap().len()), (liquid, links));

    // A workbook with a wrong cell: the sheet, row and column are named; nothing is added.
    let bad = workbook(&[(
        "流动资产",
        header,
        &[&["招行活期", "活期及可随时支取存款", "2000", "否"], &["国债户", "国债", "很多", "否"]],
    )]);
    let reply = app
        .post_multipart(&mut finance, "/compliance/book/import", &[("csrf", &csrf)], ("book.xlsx", &bad), None)
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.body.contains("流动资产 第 3 行：金额（万元）：“很多”"), "{}", reply.body);
    assert_eq!(store.liquid_assets().await.unwrap().len(), liquid);
    // A good one: every row added, with its schedule joined to its instrument.
    let lender2 = uscc(2);
    let good = workbook(&[
        (
            "流动资产",
            header,
            &[&["招行活期", "活期及可随时支取存款", "2000", "否"], &["国债户", "国债", "1500元", "否"]],
        ),
        (
            "融资台账",
            &["融资名称", "融资渠道", "出借人证件号", "出借人名称", "本金余额（万元）", "起始日", "到期日"],
            &[&["中期票据", "发行债券", &lender2, "承销商", "30000", "2026-10-15", "2029-10-15"]],
        ),
        ("还款计划", &["融资名称", "日期", "本金（万元）", "利息（万元）"], &[&["中期票据", "2027-10-15", "0", "900"]]),
    ]);
    let reply = app
        .post_multipart(&mut finance, "/compliance/book/import", &[("csrf", &csrf)], ("book.xlsx", &good), None)
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let assets = store.liquid_assets().await.unwrap();
    assert_eq!(assets.len(), liquid + 2);
    assert_eq!(assets.last().unwrap().amount.fen(), 150_000);
    let note = store.funding_book().await.unwrap().pop().unwrap();
    assert_eq!((note.label.as_str(), note.payments.len(), note.principal.fen()), ("中期票据", 1, 30_000_000_000));
    // An entry entered by mistake is removed (audited); the schedule goes with its instrument.
    let mistaken = store.funding_book().await.unwrap().into_iter().find(|f| f.label == "中期票据").unwrap();
    let reply = app
        .post_form(&mut finance, &format!("/compliance/book/funding/{}/delete", mistaken.id), &[("csrf", &csrf)])
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert!(store.funding_book().await.unwrap().iter().all(|f| f.id != mistaken.id));
    assert_eq!(
        app.post_form(&mut finance, &format!("/compliance/book/funding/{}/delete", mistaken.id), &[("csrf", &csrf)])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert!(store.verify_audit().await.unwrap().is_intact());
    // The valuer may not see the book; the regulator neither (its window is indicators, findings, reports).
    for role in ["valuer", "regulator"] {
        let mut c = app.login(role).await;
        assert_eq!(app.get(&mut c, "/compliance/book").await.status, StatusCode::FORBIDDEN, "{role}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_acquisition_waits_for_the_risk_teams_override_and_a_hard_block_cannot_be_overridden() {
    let app = TestApp::new().await;
    let store = &app.store.store;
    let screening = store
        .packages()
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.package.data.status == huajie_core::PackageStatus::Screening)
        .unwrap();
    let id = screening.package.id;
    let mut acquisition = app.login("acquisition").await;
    let csrf = acquisition.csrf.clone();
    // The panel is on the package page.
    let page = app.get(&mut acquisition, &format!("/packages/{id}")).await;
    assert!(page.body.contains("id=\"pretrade-form\""));
    // At 2026-09-30 the company holds 1.5亿 of HQLA against 0.68亿 of outflows in 30 days:
    // paying 1亿 for the package takes liquidity below 100%.
    let reply = app
        .post_form(
            &mut acquisition,
            &format!("/packages/{id}/checks"),
            &[("csrf", &csrf), ("kind", "acquisition"), ("price", "10000"), ("as_of", "2026-09-30")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let check_path = reply.location().to_string();
    let check_id: i64 = check_path.trim_start_matches("/checks/").parse().unwrap();
    let check = store.deal_check(check_id).await.unwrap().unwrap();
    let rules: Vec<String> = check.result.findings.iter().map(|f| format!("{:?}", f.rule)).collect();
    assert_eq!(rules, vec!["Q5"], "{:?}", check.result.findings);
    assert_eq!(check.standing(), huajie_store::CheckStanding::AwaitingOverride);
    let shown = app.get(&mut acquisition, &check_path).await;
    assert!(shown.body.contains("交易后流动性覆盖为") && shown.body.contains("待豁免"), "{}", shown.body);
    // Not yet: the acquisition cannot be recorded on it.
    let early = app
        .post_form(
            &mut acquisition,
            &format!("{check_path}/acquire"),
            &[("csrf", &csrf), ("acquired_on", "2026-10-08")],
        )
        .await;
    assert_eq!(early.status, StatusCode::BAD_REQUEST);
    // Only the risk team overrides, and with a reason.
    assert_eq!(
        app.post_form(
            &mut acquisition,
            &format!("{check_path}/overrides"),
            &[("csrf", &csrf), ("finding", "0"), ("reason", "x")]
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    let mut risk = app.login("risk").await;
    let rcsrf = risk.csrf.clone();
    assert_eq!(
        app.post_form(
            &mut risk,
            &format!("{check_path}/overrides"),
            &[("csrf", &rcsrf), ("finding", "0"), ("reason", " ")]
        )
        .await
        .status,
        StatusCode::BAD_REQUEST
    );
    let ok = app
        .post_form(
            &mut risk,
            &format!("{check_path}/overrides"),
            &[("csrf", &rcsrf), ("finding", "0"), ("reason", "10 月 12 日到账的 2 亿元中期票据补足流动性")],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    // Four eyes: the override waits for a second risk officer; its proposer cannot approve it.
    let proposed = store.deal_check(check_id).await.unwrap().unwrap();
    assert_eq!(proposed.standing(), huajie_store::CheckStanding::AwaitingOverride, "not before its approval");
    let approve = format!("{check_path}/overrides/{}/approve", proposed.overrides[0].id);
    let page = app.get(&mut risk, &check_path).await.body;
    assert!(page.contains("须由另一名风险合规人员批准") && !page.contains(&approve), "{page}");
    let own = app.post_form(&mut risk, &approve, &[("csrf", &rcsrf)]).await;
    assert_eq!(own.status, StatusCode::BAD_REQUEST);
    assert!(own.body.contains("提出豁免的人不能自己批准"), "{}", own.body);
    assert_eq!(
        store.deal_check(check_id).await.unwrap().unwrap().standing(),
        huajie_store::CheckStanding::AwaitingOverride
    );
    let mut risk2 = app.login("risk2").await;
    let r2csrf = risk2.csrf.clone();
    assert!(app.get(&mut risk2, &check_path).await.body.contains(&approve), "risk2 is offered the approval");
    let approved = app.post_form(&mut risk2, &approve, &[("csrf", &r2csrf)]).await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER, "{}", approved.body);
    let again = app.post_form(&mut risk2, &approve, &[("csrf", &r2csrf)]).await;
    assert!(again.body.contains("该豁免已经批准"), "{}", again.body);
    let shown = app.get(&mut acquisition, &check_path).await.body;
    assert!(
        shown.contains("提出豁免： risk") && shown.contains("已由 risk2 于") && shown.contains("北京时间"),
        "{shown}"
    );
    let overrides = store.deal_check(check_id).await.unwrap().unwrap().overrides;
    let approval = overrides[0].approval.as_ref().expect("approved");
    assert_eq!((overrides[0].created_by.as_str(), approval.approved_by.as_str()), ("risk", "risk2"));
    let audited = store.audit_of("check_override_approval", &approval.id.to_string()).await.unwrap();
    assert_eq!(audited.len(), 1, "the approval is audited");
    // Cleared, but the committee approved this package only at the 450 万 of the demo's meeting
    // (some weeks before the demo was loaded): at 1 亿 the purchase is refused, saying so.
    let cash = store
        .liquid_assets()
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.kind == "demand_deposit" && !a.encumbered)
        .unwrap()
        .id
        .to_string();
    let unapproved = app
        .post_form(
            &mut acquisition,
            &format!("{check_path}/acquire"),
            &[("csrf", &csrf), ("acquired_on", "2026-10-08"), ("paid_from", &cash)],
        )
        .await;
    assert_eq!(unapproved.status, StatusCode::BAD_REQUEST);
    assert!(unapproved.body.contains("高于决策委员会批准的"), "{}", unapproved.body);
    approve_in_committee(store, check_id).await;
    assert!(app.get(&mut acquisition, &check_path).await.body.contains("决策委员会已批准收购"));
    // Now the acquisition is recorded at the price checked, and enters the investment ledger.
    let investments = store.investments().await.unwrap().len();
    let done = app
        .post_form(
            &mut acquisition,
            &format!("{check_path}/acquire"),
            &[("csrf", &csrf), ("acquired_on", "2026-10-08"), ("paid_from", &cash)],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let p = store.package(id).await.unwrap().unwrap().package.data;
    assert_eq!(
        (p.status, p.price.map(|m| m.fen()), p.acquired_on.map(|d| d.to_string())),
        (huajie_core::PackageStatus::Acquired, Some(10_000_000_000), Some("2026-10-08".into()))
    );
    let ledger = store.investments().await.unwrap();
    assert_eq!(ledger.len(), investments + 1);
    assert_eq!(
        (ledger.last().unwrap().kind.as_str(), ledger.last().unwrap().amount.fen()),
        ("financial_npa", 10_000_000_000)
    );
    // Twice is refused.
    assert_eq!(
        app.post_form(
            &mut acquisition,
            &format!("{check_path}/acquire"),
            &[("csrf", &csrf), ("acquired_on", "2026-10-08"), ("paid_from", &cash)]
        )
        .await
        .status,
        StatusCode::BAD_REQUEST
    );

    // Selling a held package to the debtor of one of its claims is a hard block.
    let held = store
        .packages()
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.package.data.status == huajie_core::PackageStatus::Disposing)
        .unwrap();
    let claims = store.claims_of_package(held.package.id).await.unwrap();
    let debtor = claims
        .iter()
        .find(|c| c.debtor.data.kind() == huajie_core::PartyKind::Corporate)
        .unwrap()
        .debtor
        .data
        .identity
        .id_text()
        .unwrap()
        .to_string();
    let mut manager = app.login("asset_manager").await;
    let mcsrf = manager.csrf.clone();
    let reply = app
        .post_form(
            &mut manager,
            &format!("/packages/{}/checks", held.package.id),
            &[("csrf", &mcsrf), ("kind", "disposal"), ("price", "20000"), ("transferee", &debtor)],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let blocked_path = reply.location().to_string();
    let blocked =
        store.deal_check(blocked_path.trim_start_matches("/checks/").parse().unwrap()).await.unwrap().unwrap();
    assert_eq!(blocked.standing(), huajie_store::CheckStanding::Blocked);
    let (index, finding) = blocked
        .result
        .findings
        .iter()
        .enumerate()
        .find(|(_, f)| f.effect == huajie_rules::checks::Effect::Block)
        .unwrap();
    assert_eq!(format!("{:?}", finding.rule), "Q12");
    assert!(finding.zh.contains("受让方即债权") && finding.zh.contains("债务人"), "{}", finding.zh);
    let refused = app
        .post_form(
            &mut risk,
            &format!("{blocked_path}/overrides"),
            &[("csrf", &rcsrf), ("finding", &index.to_string()), ("reason", "试图豁免")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(refused.body.contains("硬性禁止事项不能豁免"));
    // A package not yet bought has nothing to dispose of.
    let other = store
        .packages()
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.package.data.status == huajie_core::PackageStatus::Acquired && p.package.id != id);
    if let Some(other) = other {
        let reply = app
            .post_form(
                &mut manager,
                &format!("/packages/{}/checks", other.package.id),
                &[("csrf", &mcsrf), ("kind", "disposal"), ("price", "1")],
            )
            .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "the transferee is required");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_quarter_end_is_recorded_and_the_regulator_reads_the_findings_and_the_report() {
    let app = TestApp::new().await;
    let store = &app.store.store;
    let mut risk = app.login("risk").await;
    let csrf = risk.csrf.clone();
    assert_eq!(
        app.post_form(&mut risk, "/compliance/results", &[("csrf", &csrf), ("quarter", "2026-09-29")]).await.status,
        StatusCode::BAD_REQUEST
    );
    // The demo recorded 2026-06-30 and 2026-09-30; the risk team records 2026-09-30 again.
    let before = store.indicator_results().await.unwrap().len();
    let reply = app.post_form(&mut risk, "/compliance/results", &[("csrf", &csrf), ("quarter", "2026-09-30")]).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let recorded = store.indicator_results().await.unwrap();
    assert_eq!(recorded.len(), before + 1);
    let official =
        store.indicator_result(chrono::NaiveDate::from_ymd_opt(2026, 9, 30).unwrap()).await.unwrap().unwrap();
    assert_eq!(
        (official.id, official.parameter_version, official.indicators.len(), official.created_by.as_str()),
        (recorded.iter().map(|r| r.id).max().unwrap(), 1, 6, "risk")
    );
    // A later parameter version does not change what was recorded for the quarter.
    let saved = app
        .post_form(
            &mut risk,
            "/rules/parameters",
            &[("csrf", &csrf), ("leverage_max_bps", "2.5×"), ("note", "省级细则征求意见稿")],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);

    let mut regulator = app.login("regulator").await;
    let page = app.get(&mut regulator, "/compliance?as_of=2026-09-30").await;
    assert!(
        page.body.contains("id=\"open-breaches\"")
            && page.body.contains("id=\"trend-charts\"")
            && page.body.contains("id=\"results\"")
    );
    // Related parties are a breach in the transition: the page gives the way back by 2028-07-12.
    assert!(
        page.body.contains("id=\"glide-q4\"") && page.body.contains("至 2028-07-12 还有 7 个季末"),
        "glide path missing"
    );
    // Its chart draws that way back: a line from the last quarter-end down to the limit at the
    // last quarter-end of the transition (2028-06-30), drawn with the history against the limit.
    let chart = &page.body[page.body.find("id=\"trend-q4\"").unwrap()..];
    let chart = &chart[..chart.find("</figure>").unwrap()];
    let points = |class: &str| -> Vec<(f64, f64)> {
        let at = chart.find(&format!("class=\"{class}\"")).unwrap_or_else(|| panic!("{class} missing"));
        let line = &chart[chart[..at].rfind("points=\"").unwrap() + 8..];
        line[..line.find('"').unwrap()]
            .split(' ')
            .map(|p| p.split_once(',').map(|(x, y)| (x.parse().unwrap(), y.parse().unwrap())).unwrap())
            .collect()
    };
    let (limit, glide, history) = (points("ref s-limit"), points("ref s-glide"), points("curve s1"));
    assert_eq!(glide.first(), history.last(), "the path starts where the history ends");
    assert_eq!(glide.last(), limit.last(), "and reaches the limit at the end of the transition");
    assert_eq!(glide.len(), 8, "seven quarter-ends to go");
    assert!(!page.body.contains("/compliance/book\""), "no book link for the regulator");
    // Deals under negotiation and their prices are not the regulator's: no checks, no link to
    // them; their findings reach it in the report.
    assert_eq!(app.get(&mut regulator, "/checks").await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get(&mut regulator, "/api/v1/compliance/checks").await.status, StatusCode::FORBIDDEN);
    assert!(!page.body.contains("href=\"/checks"), "no link to the checks for the regulator");
    let (status, bytes) = app.get_bytes(&regulator, "/compliance/report.xlsx?quarter=2026-09-30").await;
    assert_eq!(status, StatusCode::OK);
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let names = wb.sheet_names().to_vec();
    assert_eq!(names.len(), 9, "{names:?}");
    assert_eq!((names[0].as_str(), names[7].as_str(), names[8].as_str()), ("汇总", "发现", "签署"));
    let summary = wb.worksheet_range("汇总").unwrap();
    let basis = summary.get_value((1, 0)).unwrap().to_string();
    assert!(basis.contains("v1") && basis.contains("已记录"), "{basis}");
    // Leverage as recorded under v1 (3×), not the later 2.5×: amber at 2.73×.
    let leverage: Vec<String> = (0..10).filter_map(|c| summary.get_value((5, c)).map(|d| d.to_string())).collect();
    assert!(leverage.contains(&"Q1".to_string()) && leverage.contains(&"预警".to_string()), "{leverage:?}");
    assert_eq!(summary.get_value((5, 3)), Some(&calamine::Data::Float(3.0)), "the limit, a number: {leverage:?}");
    let q4 = names.iter().find(|n| n.starts_with("Q4")).unwrap().clone();
    assert!(wb.worksheet_range(&q4).unwrap().height() > 3, "the related parties behind Q4");
    let (status, pdf) = app.get_bytes(&regulator, "/compliance/report.pdf?quarter=2026-09-30").await;
    assert_eq!(status, StatusCode::OK);
    assert!(pdf.starts_with(b"%PDF-"));
    if let Ok(pdftotext) = std::env::var("HUAJIE_PDFTOTEXT") {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.pdf");
        std::fs::write(&path, &pdf).unwrap();
        let out = std::process::Command::new(pdftotext).arg(&path).arg("-").output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        for expected in ["监管指标季度报告", "杠杆率", "过渡期内", "退出观察", "过渡期路径"] {
            assert!(text.contains(expected), "{expected} missing from:\n{text}");
        }
    }
    // An unrecorded quarter is computed and says so.
    let (_, bytes) = app.get_bytes(&regulator, "/compliance/report.xlsx?quarter=2026-03-31").await;
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    assert!(wb.worksheet_range("汇总").unwrap().get_value((1, 0)).unwrap().to_string().contains("尚未正式记录"));
    assert_eq!(
        app.get(&mut regulator, "/compliance/report.xlsx?quarter=2026-06-29").await.status,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_reads_indicators_checks_a_deal_and_adds_to_the_book() {
    let app = TestApp::new().await;
    let mut risk = common::Client::default();
    let login = app
        .post_json(
            &mut risk,
            "/api/v1/session",
            serde_json::json!({ "username": "risk", "password": common::PASSWORD }),
        )
        .await;
    let token = login.json()["data"]["csrf_token"].as_str().unwrap().to_string();
    let indicators = app.get(&mut risk, "/api/v1/compliance/indicators?as_of=2026-09-30").await.json();
    let q1 = &indicators["data"]["indicators"][1];
    assert_eq!((q1["id"].as_str(), q1["status"].as_str()), (Some("Q1"), Some("amber")));
    assert_eq!(q1["numerator_fen"].as_i64().unwrap(), 295_000_000_000);
    let q4 = &indicators["data"]["indicators"][5];
    assert_eq!((q4["status"].as_str(), q4["in_transition"].as_bool()), (Some("red"), Some(true)));

    let send = |path: &str, body: serde_json::Value| {
        axum::http::Request::post(path)
            .header("content-type", "application/json")
            .header("x-csrf-token", token.clone())
            .body(axum::body::Body::from(body.to_string()))
            .unwrap()
    };
    let screening = app
        .store
        .store
        .packages()
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.package.data.status == huajie_core::PackageStatus::Screening)
        .unwrap()
        .package
        .id;
    let reply = app
        .send(
            &mut risk,
            send(
                &format!("/api/v1/packages/{screening}/checks"),
                serde_json::json!({ "kind": "acquisition", "price_fen": 1_000_000_000_000i64, "as_of": "2026-09-30" }),
            ),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let check = reply.json()["data"].clone();
    assert_eq!(check["standing"], "awaiting_override");
    let id = check["id"].as_i64().unwrap();
    let n = check["findings"].as_array().unwrap().len();
    for k in 0..n {
        let r = app
            .send(
                &mut risk,
                send(
                    &format!("/api/v1/compliance/checks/{id}/overrides"),
                    serde_json::json!({ "finding": k, "reason": "董事会批准" }),
                ),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        assert_eq!(r.json()["data"]["standing"], "awaiting_override", "not before a second officer approves");
    }
    // Four eyes through the API: the proposer is refused, the second risk officer approves.
    let mut risk2 = app.login("risk2").await;
    let overrides: Vec<i64> =
        app.get(&mut risk, &format!("/api/v1/compliance/checks/{id}")).await.json()["data"]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["override"]["id"].as_i64().unwrap())
            .collect();
    for (k, o) in overrides.iter().enumerate() {
        let path = format!("/api/v1/compliance/checks/{id}/overrides/{o}/approval");
        if k == 0 {
            let own = app.send(&mut risk, send(&path, serde_json::json!({}))).await;
            assert_eq!(own.status, StatusCode::BAD_REQUEST, "{}", own.body);
            assert!(own.body.contains("四眼原则"), "{}", own.body);
        }
        let mut request = send(&path, serde_json::json!({}));
        request.headers_mut().insert("x-csrf-token", risk2.csrf.parse().unwrap());
        let r = app.send(&mut risk2, request).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let f = &r.json()["data"]["findings"][k]["override"];
        assert_eq!(
            (f["by"].as_str(), f["approval"]["by"].as_str(), f["approved"].as_bool()),
            (Some("risk"), Some("risk2"), Some(true))
        );
    }
    assert_eq!(
        app.get(&mut risk, &format!("/api/v1/compliance/checks/{id}")).await.json()["data"]["standing"],
        "cleared"
    );

    let before = app.store.store.cash_calendar().await.unwrap().len();
    let bad = app
        .send(
            &mut risk,
            send(
                "/api/v1/compliance/book/cash_flow",
                serde_json::json!({ "label": "租金", "due_date": "下月", "amount": 12, "inflow": false }),
            ),
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("due_date"), "{}", bad.body);
    let ok = app
        .send(
            &mut risk,
            send(
                "/api/v1/compliance/book/cash_flow",
                serde_json::json!({ "label": "租金", "due_date": "2026-10-20", "amount": 12, "inflow": false }),
            ),
        )
        .await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.body);
    let calendar = app.store.store.cash_calendar().await.unwrap();
    assert_eq!(calendar.len(), before + 1);
    assert!(calendar.iter().any(|c| c.label == "租金" && c.amount.fen() == 12_000_000));
    let book = app.get(&mut risk, "/api/v1/compliance/book").await.json();
    assert!(book["data"]["funding"].as_array().unwrap().len() >= 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_gives_the_funding_check_the_territorial_amounts_the_exit_watch_and_the_price_context() {
    let app = TestApp::new().await;
    let mut risk = common::Client::default();
    let login = app
        .post_json(
            &mut risk,
            "/api/v1/session",
            serde_json::json!({ "username": "risk", "password": common::PASSWORD }),
        )
        .await;
    let token = login.json()["data"]["csrf_token"].as_str().unwrap().to_string();
    let send = |path: &str, body: serde_json::Value| {
        axum::http::Request::post(path)
            .header("content-type", "application/json")
            .header("x-csrf-token", token.clone())
            .body(axum::body::Body::from(body.to_string()))
            .unwrap()
    };
    // The exit watch, like the indicators: the demo's last financial-NPA acquisition was
    // 2025-08-01, 13 whole months before 2026-09-30: past the alert mark of 12.
    let indicators = app.get(&mut risk, "/api/v1/compliance/indicators?as_of=2026-09-30").await.json();
    let watch = &indicators["data"]["exit_watch"];
    assert_eq!(
        (watch["since"].as_str(), watch["months"].as_i64(), watch["status"].as_str()),
        (Some("2025-08-01"), Some(13), Some("alert")),
        "{watch}"
    );
    assert_eq!(watch["finding"]["rule"], "Q15");
    // The funding check of the book: four instruments, 29.5 亿 outstanding, none prohibited.
    let funding = app.get(&mut risk, "/api/v1/compliance/funding?as_of=2026-09-30").await.json();
    let instruments = funding["data"]["instruments"].as_array().unwrap();
    assert_eq!(instruments.len(), 4);
    assert_eq!(funding["data"]["outstanding_fen"].as_i64(), Some(295_000_000_000));
    assert!(instruments.iter().all(|i| i["findings"].as_array().unwrap().is_empty() && i["prohibited"] == false));
    let shareholder_loan = instruments.iter().find(|i| i["channel"] == "shareholder_loan").unwrap();
    assert_eq!(shareholder_loan["lender_shareholder"], true);
    // A funding proposal through a private fund, over the API: checked, recorded, blocked.
    let reply = app
        .send(
            &mut risk,
            send(
                "/api/v1/compliance/checks",
                serde_json::json!({
                    "kind": "funding", "label": "某私募借款（拟）", "amount_fen": 1_000_000_000i64, "as_of": "2026-09-30",
                    "counterparty_identifier": "91330106MA8TW00015", "counterparty_name": "某私募基金",
                    "channel": "private_fund", "schedule": [{ "date": "2027-09-30", "principal_fen": 1_000_000_000i64, "interest_fen": 0 }]
                }),
            ),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let check = reply.json()["data"].clone();
    assert_eq!(check["standing"], "blocked");
    assert_eq!(
        (check["findings"][0]["rule"].as_str(), check["findings"][0]["effect"].as_str()),
        (Some("Q10"), Some("block"))
    );
    let bad = app
        .send(
            &mut risk,
            send(
                "/api/v1/compliance/checks",
                serde_json::json!({ "kind": "funding", "label": "x", "amount_fen": 1, "channel": "众筹" }),
            ),
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("channel"), "{}", bad.body);
    // An acquisition's territorial amounts and its price against face value.
    let screening = app
        .store
        .store
        .packages()
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.package.data.status == huajie_core::PackageStatus::Screening)
        .unwrap();
    let reply = app
        .send(
            &mut risk,
            send(
                &format!("/api/v1/packages/{}/checks", screening.package.id),
                serde_json::json!({ "kind": "acquisition", "price_fen": 1_000_000_000i64, "as_of": "2026-09-30" }),
            ),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let check = reply.json()["data"].clone();
    let face = check["price_context"]["face_value_fen"].as_i64().unwrap();
    let claims = app.store.store.claims_of_package(screening.package.id).await.unwrap();
    let total: i64 = claims.iter().map(|c| c.claim.data.total().unwrap().fen()).sum();
    assert_eq!(face, total, "face value is the claims' total as the valuation counts it");
    let share = check["price_context"]["price_of_face"].as_f64().unwrap();
    assert!((share - 1_000_000_000.0 / total as f64).abs() < 1e-12);
    let territory = &check["territory"];
    assert_eq!(territory["failing_claims"].as_array().unwrap().len(), 0);
    assert!(territory["total_amount_fen"].as_i64().unwrap() > 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_disposal_check_shows_the_price_against_face_value_valuation_and_cost() {
    let app = TestApp::new().await;
    let store = &app.store.store;
    // The demo's disposal: ZJ-2025-001 offered at 3 亿 to a director's company.
    let check = store.deal_checks(None, 10).await.unwrap().into_iter().find(|c| c.kind.code() == "disposal").unwrap();
    let price = check.result.price.clone().expect("a disposal records its price context");
    let package = store.package(check.package_id.unwrap()).await.unwrap().unwrap();
    assert_eq!(price.cost, package.package.data.price, "the cost is the price paid");
    let gain = price.gain().unwrap();
    assert_eq!(gain, i128::from(price.price.fen()) - i128::from(package.package.data.price.unwrap().fen()));
    let mut risk = app.login("risk").await;
    let page = app.get(&mut risk, &format!("/checks/{}", check.id)).await;
    assert!(page.body.contains("id=\"price-context\""), "{}", page.body);
    let shown = huajie_core::Money::from_fen(i64::try_from(gain.abs()).unwrap()).display(huajie_core::Lang::Zh);
    let label = if gain < 0 { "预计处置损失" } else { "预计处置收益" };
    assert!(
        page.body.contains(label) && page.body.contains(&shown),
        "{label} {shown}\n{}",
        page.body.split("price-context").nth(1).unwrap_or("")
    );
    assert!(page.body.contains("债权面值") && page.body.contains("价格 / 面值"));
    // The regulator reads neither the check nor the deal's price.
    let mut regulator = app.login("regulator").await;
    let page = app.get(&mut regulator, &format!("/checks/{}", check.id)).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(!page.body.contains("id=\"price-context\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_company_profile_is_kept_by_its_owners_with_its_history() {
    let app = TestApp::new().await;
    let store = &app.store.store;
    let before = store.company_profiles().await.unwrap().len();
    // Finance, by the page's form: capital and the items behind net assets, in 万元.
    let mut finance = app.login("finance").await;
    let csrf = finance.csrf.clone();
    let capital = [
        ("csrf", csrf.as_str()),
        ("part", "capital"),
        ("effective_from", "2026-12-31"),
        ("registered_capital", "100000"),
        ("paid_in_capital", "100000"),
        ("item/paid_in_capital", "100000"),
        ("item/capital_reserve", "2000"),
        ("item/retained_earnings", "-1500.5"),
        ("note", "2026 年报"),
    ];
    let reply = app.post_form(&mut finance, "/compliance/company", &capital).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    // A fraction of a fen, paid-in above registered: refused, named, nothing saved.
    let wrong = [
        ("csrf", csrf.as_str()),
        ("part", "capital"),
        ("effective_from", "2026-12-31"),
        ("registered_capital", "1000"),
        ("paid_in_capital", "2000"),
        ("item/surplus_reserve", "0.00000004"),
    ];
    let reply = app.post_form(&mut finance, "/compliance/company", &wrong).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.body.contains("盈余公积：“0.00000004” 有不足一分的尾数"), "{}", reply.body);
    let reply = app
        .post_form(
            &mut finance,
            "/compliance/company",
            &[
                ("csrf", csrf.as_str()),
                ("part", "capital"),
                ("effective_from", "2026-12-31"),
                ("registered_capital", "1000"),
                ("paid_in_capital", "2000"),
            ],
        )
        .await;
    assert!(reply.body.contains("实缴资本不能超过注册资本"), "{}", reply.body);
    // Finance may not change the main business; risk may, over the API.
    let reply = app
        .post_form(
            &mut finance,
            "/compliance/company",
            &[("csrf", csrf.as_str()), ("part", "business"), ("lines", "BS1 x")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    let mut risk = common::Client::default();
    let login = app
        .post_json(
            &mut risk,
            "/api/v1/session",
            serde_json::json!({ "username": "risk", "password": common::PASSWORD }),
        )
        .await;
    let token = login.json()["data"]["csrf_token"].as_str().unwrap().to_string();
    let request = axum::http::Request::post("/api/v1/compliance/company")
        .header("content-type", "application/json")
        .header("x-csrf-token", token)
        .body(axum::body::Body::from(
            serde_json::json!({ "part": "business", "effective_from": "2027-01-01", "lines": ["BS1 金融不良资产收购处置", "BS3 市场化债转股"], "note": "董事会决议" })
                .to_string(),
        ))
        .unwrap();
    let reply = app.send(&mut risk, request).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let v = reply.json()["data"].clone();
    assert_eq!(v["paid_in_capital_fen"].as_i64(), Some(100_000_000_000), "the capital is carried over");
    assert_eq!(v["net_assets_fen"].as_i64(), Some(100_499_500_000), "100,000 + 2,000 − 1,500.5 万");
    assert_eq!(v["main_business"][1]["code"], "BS3");
    // The history: each save a version, by whom; the one in force at a date.
    let versions = store.company_profiles().await.unwrap();
    assert_eq!(versions.len(), before + 2);
    let page = app.get(&mut risk, "/compliance/company").await;
    assert!(page.body.contains("2026 年报") && page.body.contains("董事会决议"), "{}", page.body);
    let api = app.get(&mut risk, "/api/v1/compliance/company?as_of=2026-12-31").await.json();
    assert_eq!(api["data"]["in_force"]["version"].as_i64(), Some(versions[before].version));
    // At 2026-12-31 the main business is still the demo's (risk's version is in force from 2027).
    let demo_lines = versions[before - 1].profile.main_business.len();
    assert_eq!(api["data"]["in_force"]["main_business"].as_array().map(Vec::len), Some(demo_lines));
    assert_eq!(versions[before + 1].profile.main_business.len(), 2);
    assert!(store.verify_audit().await.unwrap().is_intact());
}

/// A disposal check of `package` to the transferee, through the API, as its own request.
async fn screen(app: &TestApp, client: &common::Client, package: i64, identifier: &str, name: &str) -> StatusCode {
    let body = serde_json::json!({
        "kind": "disposal", "price_fen": 100_000_000, "as_of": "2026-09-30",
        "transferee_identifier": identifier, "transferee_name": name,
    });
    let request = axum::http::Request::post(format!("/api/v1/packages/{package}/checks"))
        .header("content-type", "application/json")
        .header("cookie", client.cookie_header())
        .header("x-csrf-token", client.csrf.clone())
        .body(axum::body::Body::from(body.to_string()))
        .unwrap();
    tower::ServiceExt::oneshot(app.router.clone(), request).await.unwrap().status()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn screening_a_transferee_is_for_those_who_screen_limited_audited_and_masked() {
    use huajie_core::throttle::SCREENINGS_PER_USER_MAX;
    let app = TestApp::new().await;
    let store = &app.store.store;
    let held = store.package_id_by_code("ZJ-2025-001").await.unwrap().unwrap();
    let person = huajie_core::ResidentId::with_check_char("33010619850101002").unwrap().to_string();
    let name = "钱买家";

    // Only the roles that screen may run a disposal check, in the API as on the page.
    let acquisition = app.login("acquisition").await;
    assert_eq!(screen(&app, &acquisition, held, &person, name).await, StatusCode::FORBIDDEN);

    // The asset manager screens a person; everyone without personal data sees the person masked.
    let manager = app.login("asset_manager").await;
    assert_eq!(screen(&app, &manager, held, &person, name).await, StatusCode::CREATED);
    let id = store.deal_checks(Some(held), 1).await.unwrap()[0].id;
    let mut owner = app.login("asset_manager").await;
    assert!(app.get(&mut owner, &format!("/checks/{id}")).await.body.contains(name), "the owner sees the name");
    let api = app.get(&mut owner, &format!("/api/v1/compliance/checks/{id}")).await.body;
    assert!(api.contains(&person) && api.contains(name), "and the ID number");
    for role in ["risk", "committee", "auditor", "admin", "finance"] {
        let mut viewer = app.login(role).await;
        for path in [
            format!("/checks/{id}"),
            "/checks".to_string(),
            format!("/packages/{held}"),
            format!("/api/v1/compliance/checks/{id}"),
            "/api/v1/compliance/checks".to_string(),
            "/compliance?as_of=2026-09-30".to_string(),
            "/audit".to_string(),
            "/api/v1/audit?limit=1000".to_string(),
        ] {
            let reply = app.get(&mut viewer, &path).await;
            if reply.status != StatusCode::OK {
                continue;
            }
            assert!(!reply.body.contains(&person), "{role} sees the transferee's ID number at {path}");
            assert!(!reply.body.contains(name), "{role} sees the transferee's name at {path}");
        }
        assert!(app.get(&mut viewer, &format!("/checks/{id}")).await.body.contains("钱**"), "{role}: masked name");
        let api = app.get(&mut viewer, &format!("/api/v1/compliance/checks/{id}")).await.body;
        assert!(api.contains(&format!("{}********{}", &person[..6], &person[14..])), "{role}: masked ID number");
    }

    // Screening cannot be used to probe the lists: a burst gets no more answers than the limit,
    // and every screening answered is a recorded, audited check.
    let audit_before = store.audit_log(100_000, 0).await.unwrap().iter().filter(|r| r.entity == "deal_check").count();
    let screened = store.deal_checks(None, i64::MAX).await.unwrap();
    let screened =
        screened.iter().filter(|c| c.kind.code() == "disposal" && c.created_by == "asset_manager").count() as i64;
    assert!(screened >= 1, "the one above, and the demo's");
    let mut set = tokio::task::JoinSet::new();
    for n in 0..40u32 {
        let probe = huajie_core::ResidentId::with_check_char(&format!("33010619850101{:03}", 100 + n)).unwrap();
        let (app_router, client) = (app.router.clone(), manager.clone());
        set.spawn(async move {
            let body = serde_json::json!({
                "kind": "disposal", "price_fen": 1, "as_of": "2026-09-30",
                "transferee_identifier": probe.as_str(), "transferee_name": "某人",
            });
            let request = axum::http::Request::post(format!("/api/v1/packages/{held}/checks"))
                .header("content-type", "application/json")
                .header("cookie", client.cookie_header())
                .header("x-csrf-token", client.csrf.clone())
                .body(axum::body::Body::from(body.to_string()))
                .unwrap();
            tower::ServiceExt::oneshot(app_router, request).await.unwrap().status()
        });
    }
    let (mut answered, mut refused) = (0, 0);
    while let Some(status) = set.join_next().await {
        match status.unwrap() {
            StatusCode::CREATED => answered += 1,
            StatusCode::TOO_MANY_REQUESTS => refused += 1,
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(answered, SCREENINGS_PER_USER_MAX - screened, "the hour's screenings, and not one more");
    assert_eq!(refused, 40 - answered);
    let audited = store.audit_log(100_000, 0).await.unwrap().iter().filter(|r| r.entity == "deal_check").count();
    assert_eq!(audited - audit_before, answered as usize, "each screening answered is in the audit chain");
    let mut manager_page = app.login("asset_manager").await;
    let csrf = manager_page.csrf.clone();
    let reply = app
        .post_form(
            &mut manager_page,
            &format!("/packages/{held}/checks"),
            &[
                ("csrf", &csrf),
                ("kind", "disposal"),
                ("price", "1"),
                ("transferee", &person),
                ("transferee_name", name),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(reply.body.contains("受让方筛查过于频繁") && reply.body.contains("每小时至多 20 次"), "{}", reply.body);
    // Another who screens is not held back by this one.
    let risk = app.login("risk").await;
    assert_eq!(screen(&app, &risk, held, &person, name).await, StatusCode::CREATED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_indicator_lines_name_each_party_read_in_one_go_people_masked() {
    let app = TestApp::new().await;
    let store = &app.store.store;
    let mut risk = app.login("risk").await;
    let json = app.get(&mut risk, "/api/v1/compliance/indicators").await.json();
    let (mut people, mut companies) = (Vec::new(), 0);
    for i in json["data"]["indicators"].as_array().unwrap() {
        for line in i["lines"].as_array().unwrap() {
            let Some(id) = line["party_id"].as_i64() else { continue };
            let party = store.party(id).await.unwrap().unwrap().data;
            let label = line["label"].as_str().unwrap();
            if party.kind() == huajie_core::PartyKind::Individual {
                let masked = huajie_core::mask::mask_person_name(&party.name);
                assert!(label.starts_with(&masked) && !label.contains(&party.name), "{label}: {masked}");
                people.push(party.name);
            } else {
                assert!(label.starts_with(&party.name), "{label}: {}", party.name);
                companies += 1;
            }
        }
    }
    assert!(companies > 0 && !people.is_empty(), "lines name companies ({companies}) and people ({people:?})");
    // The dashboard names the same people masked.
    let page = app.get(&mut risk, "/compliance").await;
    assert_eq!(page.status, StatusCode::OK);
    for name in &people {
        assert!(!page.body.contains(name.as_str()), "{name} unmasked on the dashboard");
    }
}

/// A time a record was made is shown in Beijing time with the zone named, on the pages and in the
/// regulator's report alike (workbook and PDF): the quarter-end recorded at 00:52 UTC reads 08:52.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recorded_time_is_shown_in_beijing_time_with_the_zone_named() {
    let at = chrono::DateTime::parse_from_rfc3339("2026-12-07T00:52:00Z").unwrap().with_timezone(&chrono::Utc);
    let app = TestApp::with_clock(std::sync::Arc::new(huajie_core::clock::FixedClock::at(at))).await;
    let (zh, en) = ("2026-12-07 08:52 北京时间", "2026-12-07 08:52 Beijing time");
    // A check and its overrides, made by the demo's risk and acquisition teams at that moment.
    let mut risk = app.login("risk").await;
    let checks = app.store.store.deal_checks(None, 10).await.unwrap();
    let funding = checks.iter().find(|c| c.kind.code() == "funding").unwrap();
    let page = app.get(&mut risk, &format!("/checks/{}", funding.id)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(zh), "the check page shows Beijing time with the zone");
    assert!(!page.body.contains("2026-12-07 00:52"), "never UTC unlabelled");
    app.get(&mut risk, "/lang/en?next=%2Fcompliance").await;
    let page = app.get(&mut risk, &format!("/checks/{}", funding.id)).await;
    assert!(page.body.contains(en), "in English too");
    // The recorded quarter-end, in the compliance page's list and in the report.
    let mut regulator = app.login("regulator").await;
    let page = app.get(&mut regulator, "/compliance?as_of=2026-09-30").await;
    assert!(page.body.contains(zh) && !page.body.contains("2026-12-07 00:52"), "the recorded results list");
    let (status, bytes) = app.get_bytes(&regulator, "/compliance/report.xlsx?quarter=2026-09-30").await;
    assert_eq!(status, StatusCode::OK);
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let basis = wb.worksheet_range("汇总").unwrap().get_value((1, 0)).unwrap().to_string();
    assert!(basis.contains(&format!("risk {zh}")), "the workbook says when, in Beijing time: {basis}");
    let (_, pdf) = app.get_bytes(&regulator, "/compliance/report.pdf?quarter=2026-09-30").await;
    if let Ok(pdftotext) = std::env::var("HUAJIE_PDFTOTEXT") {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.pdf");
        std::fs::write(&path, &pdf).unwrap();
        let out = std::process::Command::new(pdftotext).arg(&path).arg("-").output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("08:52 北京时间") && !text.contains("00:52"), "the PDF says when:\n{text}");
    }
}

/// The demo's committee (five members serving since 2025) votes the purchase of check
/// `check_id` through at a meeting held now.
async fn approve_in_committee(store: &huajie_store::Store, check_id: i64) {
    use huajie_decide::committee::Ballot;
    let members: Vec<String> = store.committee_members().await.unwrap().into_iter().map(|m| m.username).collect();
    assert_eq!(members.len(), 5, "the demo's committee");
    let meeting = store.schedule_meeting("committee", "收购决策会", store.clock().now(), "会议室").await.unwrap();
    let subject = huajie_store::ItemSubject::Acquisition { check_id };
    let item = store.table_item("acquisition", meeting.id, subject, &[]).await.unwrap();
    store.open_meeting("committee", meeting.id, &members).await.unwrap();
    for m in &members {
        if !item.workers.iter().any(|(w, _)| w == m) {
            store.cast_vote(m, item.id, Ballot::For).await.unwrap();
        }
    }
    assert_eq!(store.committee_item(item.id).await.unwrap().status, huajie_decide::ItemStatus::Passed);
}

/// The demo's purchase of ZJ-2026-001 was checked as a drawing on ICBC's M&A line: its page says
/// so and asks for no cash account; paying it from cash instead is refused; the API records it
/// as that drawing, and the line's balance and its repayment at maturity grow by the price.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_purchase_is_recorded_as_the_drawing_its_check_reckoned() {
    let app = TestApp::new().await;
    let store = &app.store.store;
    let package = store.package_id_by_code("ZJ-2026-001").await.unwrap().unwrap();
    let check = store
        .deal_checks(Some(package), 20)
        .await
        .unwrap()
        .into_iter()
        .find(|c| matches!(&c.terms, huajie_rules::terms::DealTerms::Acquisition { funding_line: Some(_), .. }))
        .expect("the demo's check draws on a line");
    let line = store.funding_lines().await.unwrap().into_iter().find(|l| l.label == "工商银行并购贷款").unwrap();
    let mut acquisition = app.login("acquisition").await;
    let csrf = acquisition.csrf.clone();
    // The form proposing a purchase offers the line, with what is left on it (3 亿).
    let page = app.get(&mut acquisition, &format!("/packages/{package}")).await;
    assert!(page.body.contains("name=\"funding_line\""), "{}", page.body);
    assert!(page.body.contains("工商银行并购贷款（授信提款，可用额度 3.00 亿元）"), "{}", page.body);
    let page = app.get(&mut acquisition, &format!("/checks/{}", check.id)).await;
    assert!(page.body.contains("id=\"drawn-on-line\"") && page.body.contains("工商银行并购贷款"), "{}", page.body);
    assert!(!page.body.contains("name=\"paid_from\""), "no cash account asked for");
    let cash = store.liquid_assets().await.unwrap().into_iter().find(|a| a.kind == "demand_deposit").unwrap();
    let switched = app
        .post_form(
            &mut acquisition,
            &format!("/checks/{}/acquire", check.id),
            &[("csrf", &csrf), ("acquired_on", "2026-12-01"), ("paid_from", &cash.id.to_string())],
        )
        .await;
    assert_eq!(switched.status, StatusCode::BAD_REQUEST);
    assert!(switched.body.contains("不能改由现金支付"), "{}", switched.body);
    let request = axum::http::Request::post(format!("/api/v1/compliance/checks/{}/acquisition", check.id))
        .header("content-type", "application/json")
        .header("x-csrf-token", csrf.clone())
        .body(axum::body::Body::from(r#"{"acquired_on":"2026-12-01"}"#))
        .unwrap();
    let reply = app.send(&mut acquisition, request).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let json: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(json["data"]["status"], "acquired", "{json}");
    let price = 450_000_000;
    let after = store.funding_lines().await.unwrap().into_iter().find(|l| l.id == line.id).unwrap();
    assert_eq!(after.drawn.fen(), line.drawn.fen() + price);
    let book = store.funding_book().await.unwrap().into_iter().find(|f| f.id == line.id).unwrap();
    let at_maturity = book.payments.iter().find(|(d, _, _)| *d == line.maturity).unwrap();
    assert_eq!(at_maturity.1.fen(), price, "the drawing is repaid at the line's maturity");
    let unchanged = store.liquid_assets().await.unwrap().into_iter().find(|a| a.id == cash.id).unwrap();
    assert_eq!(unchanged.amount, cash.amount, "no cash leaves");
    assert!(store.verify_audit().await.unwrap().is_intact());
}

/// The hrefs of a page (same origin: starting with one `/`), without their fragments, entities decoded.
fn links(body: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in body.split("href=\"").skip(1) {
        let Some((href, _)) = part.split_once('"') else { continue };
        let href = href.replace("&amp;", "&").replace("&#x2F;", "/");
        let href = href.split('#').next().unwrap_or("").to_string();
        if href.starts_with('/') && !href.starts_with("//") && !href.is_empty() {
            out.push(href);
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_link_the_regulator_can_reach_answers_without_403_404_or_500() {
    let app = TestApp::new().await;
    let mut regulator = app.login("regulator").await;
    // Its home is its window.
    let home = app.get(&mut regulator, "/").await;
    assert_eq!(home.location(), "/regulator");
    let mut queue = vec!["/regulator".to_string()];
    let mut seen = std::collections::BTreeSet::new();
    let mut wrong = Vec::new();
    while let Some(path) = queue.pop() {
        // The language switch only sets a cookie and comes back; logging out is a form (POST).
        if !seen.insert(path.clone()) || path.starts_with("/lang/") || seen.len() > 400 {
            continue;
        }
        let mut reply = app.get(&mut regulator, &path).await;
        let mut hops = 0;
        while reply.status.is_redirection() && hops < 5 {
            let next = reply.location().to_string();
            reply = app.get(&mut regulator, &next).await;
            hops += 1;
        }
        let status = reply.status;
        if matches!(status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND | StatusCode::INTERNAL_SERVER_ERROR) {
            wrong.push(format!("{path}: {status}"));
            continue;
        }
        let html =
            reply.headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").starts_with("text/html");
        if html {
            queue.extend(links(&reply.body).into_iter().filter(|l| !seen.contains(l)));
        }
    }
    assert!(seen.len() > 10, "the crawl reached the regulator's pages: {seen:?}");
    for must in ["/regulator", "/compliance", "/rules", "/account"] {
        assert!(seen.contains(must), "{must} is linked from the regulator's pages: {seen:?}");
    }
    assert!(wrong.is_empty(), "links the regulator meets that fail:\n{}", wrong.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn risk_submits_the_quarter_and_the_regulator_acknowledges_it_both_named_with_their_times() {
    let app = TestApp::new().await;
    let store = &app.store.store;
    let mut risk = app.login("risk").await;
    let rcsrf = risk.csrf.clone();
    let mut regulator = app.login("regulator").await;
    let gcsrf = regulator.csrf.clone();
    let regulator_name = store.user_by_username("regulator").await.unwrap().unwrap().display_name;
    // The demo: Q2 acknowledged, Q3 awaiting; the regulator's window shows both.
    let window = app.get(&mut regulator, "/regulator").await.body;
    assert!(
        window.contains("待确认的报送") && window.contains("2026-09-30") && window.contains("待监管确认"),
        "{window}"
    );
    assert!(window.contains(&format!("已确认：{regulator_name}")), "{window}");
    // The same figures cannot be submitted twice (the form comes back, saying so).
    let again =
        app.post_form(&mut risk, "/regulator/submissions", &[("csrf", &rcsrf), ("quarter", "2026-09-30")]).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert!(again.body.contains("已经报送"), "{}", again.body);
    // Nor a quarter never recorded (no option for it; typed by hand, refused).
    let never =
        app.post_form(&mut risk, "/regulator/submissions", &[("csrf", &rcsrf), ("quarter", "2025-12-31")]).await;
    assert!(never.status == StatusCode::BAD_REQUEST && never.body.contains("尚未记录监管指标"), "{}", never.body);
    // A correction: the quarter recorded again and submitted is version 2.
    let recorded =
        app.post_form(&mut risk, "/compliance/results", &[("csrf", &rcsrf), ("quarter", "2026-09-30")]).await;
    assert_eq!(recorded.status, StatusCode::SEE_OTHER);
    let sent = app.post_form(&mut risk, "/regulator/submissions", &[("csrf", &rcsrf), ("quarter", "2026-09-30")]).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let v2 = store.report_submissions().await.unwrap().into_iter().next().unwrap();
    assert_eq!((v2.version, v2.submitted_by.as_str()), (2, "risk"));
    // Only the regulator acknowledges; only the risk team submits.
    let path = format!("/regulator/submissions/{}/acknowledge", v2.id);
    assert_eq!(app.post_form(&mut risk, &path, &[("csrf", &rcsrf)]).await.status, StatusCode::FORBIDDEN);
    let by_regulator =
        app.post_form(&mut regulator, "/regulator/submissions", &[("csrf", &gcsrf), ("quarter", "2026-09-30")]).await;
    assert_eq!(by_regulator.status, StatusCode::FORBIDDEN);
    let window = app.get(&mut regulator, "/regulator").await.body;
    assert!(window.contains("第 2 版（更正）") && window.contains("已被更正版本取代"), "{window}");
    assert!(window.contains(&format!("action=\"{path}\"")), "the regulator is offered the acknowledgement");
    let ack = app.post_form(&mut regulator, &path, &[("csrf", &gcsrf), ("comment", "更正版已收悉")]).await;
    assert_eq!(ack.status, StatusCode::SEE_OTHER, "{}", ack.body);
    let twice = app.post_form(&mut regulator, &path, &[("csrf", &gcsrf), ("comment", "")]).await;
    assert!(twice.status == StatusCode::BAD_REQUEST && twice.body.contains("已经确认收悉"), "{}", twice.body);
    // The risk team sees the acknowledgement: the regulator's name, Beijing time, its comment.
    let seen = app.get(&mut risk, "/regulator").await.body;
    let row = seen.split(&format!("id=\"submission-{}\"", v2.id)).nth(1).unwrap().split("</tr>").next().unwrap();
    assert!(
        row.contains(&format!("已确认：{regulator_name}，"))
            && row.contains("北京时间")
            && row.contains("更正版已收悉"),
        "{row}"
    );
    // And the API says the same.
    let api = app.get(&mut risk, "/api/v1/compliance/submissions").await.json();
    let first = &api["data"][0];
    assert_eq!((first["version"].as_i64(), first["acknowledgement"]["by"].as_str()), (Some(2), Some("regulator")));
    assert_eq!(first["body_sha256"], v2.body_sha256);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_book_is_entered_with_choices_and_units_and_an_entry_is_removed_only_once_confirmed() {
    let app = TestApp::new().await;
    let store = &app.store.store;
    let mut finance = app.login("finance").await;
    let csrf = finance.csrf.clone();
    // The forms offer the codes the book knows as choices, amounts with their unit, dates as dates.
    let page = app.get(&mut finance, "/compliance/book").await.body;
    let form = page.split("id=\"add-liquid_asset\"").nth(1).unwrap().split("</form>").next().unwrap();
    assert!(form.contains("<select name=\"kind\"") && form.contains("value=\"demand_deposit\""), "{form}");
    assert!(form.contains("<select name=\"encumbered\"") && form.contains("<select name=\"amount_unit\""), "{form}");
    let channels = page.split("id=\"add-funding\"").nth(1).unwrap().split("</form>").next().unwrap();
    // A date is a text field the one parser reads (2026年12月7日 as well as 2026-12-07).
    assert!(
        channels.contains("<select name=\"channel\"") && channels.contains("placeholder=\"YYYY-MM-DD\""),
        "{channels}"
    );
    // 1,200 元 typed in yuan is 1,200 元, not 1,200 万元; 0.5 with 亿 is 5,000 万元; a unit typed wins.
    for (amount, unit, fen) in [("1200", "元", 120_000), ("0.5", "亿", 5_000_000_000), ("３万", "元", 3_000_000)] {
        let label = format!("备付金 {amount}{unit}");
        let fields = [
            ("csrf", csrf.as_str()),
            ("label", label.as_str()),
            ("kind", "demand_deposit"),
            ("amount", amount),
            ("amount_unit", unit),
            ("encumbered", "否"),
        ];
        let reply = app.post_form(&mut finance, "/compliance/book/liquid_asset", &fields).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
        let entry = store.liquid_assets().await.unwrap().into_iter().find(|a| a.label == label).unwrap();
        assert_eq!(entry.amount.fen(), fen, "{amount} {unit}");
    }
    // A form with an error keeps the unit chosen.
    let fields = [
        ("csrf", csrf.as_str()),
        ("label", "错"),
        ("kind", "demand_deposit"),
        ("amount", "很多"),
        ("amount_unit", "亿"),
        ("encumbered", "否"),
    ];
    let refused = app.post_form(&mut finance, "/compliance/book/liquid_asset", &fields).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    let form = refused.body.split("id=\"add-liquid_asset\"").nth(1).unwrap().split("</form>").next().unwrap();
    assert!(form.contains("<option value=\"亿\" selected>"), "{form}");
    // Removing goes through a page naming the entry, with its history; only its POST removes.
    let entry = store.liquid_assets().await.unwrap().into_iter().find(|a| a.label == "备付金 1200元").unwrap();
    let path = format!("/compliance/book/liquid_asset/{}", entry.id);
    assert!(app.get(&mut finance, "/compliance/book").await.body.contains(&format!("href=\"{path}\"")));
    let confirm = app.get(&mut finance, &path).await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(confirm.body.contains("删除这条记录？") && confirm.body.contains("备付金 1200元"), "{}", confirm.body);
    assert!(confirm.body.contains(&format!("action=\"{path}/delete\"")));
    let history = confirm.body.split("id=\"entry-history\"").nth(1).unwrap();
    assert!(history.contains("finance") && history.contains("北京时间") && history.contains("新建了"), "{history}");
    assert!(store.liquid_assets().await.unwrap().iter().any(|a| a.id == entry.id), "the page deletes nothing");
    let removed = app.post_form(&mut finance, &format!("{path}/delete"), &[("csrf", &csrf)]).await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    // Its history stays: added and deleted, by whom and when.
    let after = app.get(&mut finance, &path).await.body;
    assert!(after.contains("该记录已删除") && !after.contains("id=\"remove-entry\""), "{after}");
    let history = after.split("id=\"entry-history\"").nth(1).unwrap();
    assert!(history.contains("新建了") && history.contains("删除了"), "{history}");
    // The committee reads the book and an entry's history, and is offered no removal.
    let mut committee = app.login("committee").await;
    let other = store.liquid_assets().await.unwrap()[0].id;
    let seen = app.get(&mut committee, &format!("/compliance/book/liquid_asset/{other}")).await;
    assert_eq!(seen.status, StatusCode::OK);
    assert!(!seen.body.contains("id=\"remove-entry\""));
    assert_eq!(app.get(&mut finance, "/compliance/book/liquid_asset/999999").await.status, StatusCode::NOT_FOUND);
}

/// The quarterly report's sign-off carries its submission to the regulator and the regulator's
/// acknowledgement: the demo's second quarter was submitted and acknowledged, the third waits,
/// so its acknowledgement is a line still to sign.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_quarterly_reports_signoff_says_when_it_was_submitted_and_acknowledged() {
    let app = TestApp::new().await;
    let regulator = app.login("regulator").await;
    let signoff = |cells: &[String], role: &str| -> Vec<String> {
        let at = cells.iter().position(|c| c.starts_with(role)).unwrap_or_else(|| panic!("{role} in {cells:?}"));
        cells[at..at + 3].to_vec()
    };
    let cells = |bytes: Vec<u8>| -> Vec<String> {
        let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        wb.worksheet_range("签署").expect("the sign-off sheet").rows().flatten().map(|d| d.to_string()).collect()
    };
    let submissions = app.store.store.report_submissions().await.unwrap();
    let q2 = submissions.iter().find(|s| s.quarter_end.to_string() == "2026-06-30").expect("Q2 submitted");
    let ack = q2.acknowledgement.as_ref().expect("Q2 acknowledged");
    let (_, bytes) = app.get_bytes(&regulator, "/compliance/report.xlsx?quarter=2026-06-30").await;
    let q2_cells = cells(bytes);
    let submitted = signoff(&q2_cells, "报送监管（第 1 版）");
    assert_eq!(submitted[1], common::signed_as(&app.store.store, &q2.submitted_by).await);
    let acknowledged = signoff(&q2_cells, "监管签收（第 1 版）");
    assert_eq!(acknowledged[1], common::signed_as(&app.store.store, &ack.acknowledged_by).await, "{acknowledged:?}");
    assert!(!acknowledged[2].contains("____"), "signed, with its time: {acknowledged:?}");
    let (_, bytes) = app.get_bytes(&regulator, "/compliance/report.xlsx?quarter=2026-09-30").await;
    let waiting = signoff(&cells(bytes), "监管签收");
    assert!(waiting[1].contains("____"), "not yet acknowledged: a line to sign {waiting:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_books_sections_are_paged_fifty_rows_a_page() {
    let app = TestApp::new().await;
    let store = &app.store.store;
    let before = store.exposures().await.unwrap().len();
    assert!(before < 50, "the demo's exposures fit on one page");
    let party = store.exposures().await.unwrap().first().map_or(1, |e| e.party_id);
    let mut tx = store.write("risk").await.unwrap();
    for i in 0..60 {
        let amount = huajie_core::Money::from_fen(100_000 + i);
        tx.add_exposure(party, huajie_rules::indicators::ExposureKind::Loan, amount, &format!("分页敞口{i:02}号"))
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    let mut finance = app.login("finance").await;
    let shown = |body: &str| (0..60).filter(|i| body.contains(&format!("分页敞口{i:02}号"))).collect::<Vec<_>>();
    let first = app.get(&mut finance, "/compliance/book").await;
    assert_eq!(first.status, StatusCode::OK);
    assert!(first.body.contains(&format!("({})", before + 60)), "the section counts every row");
    assert!(first.body.contains("/compliance/book?exposure_page=2#book-exposure"), "a link to the next page");
    let on_first = shown(&first.body);
    assert_eq!(on_first, (0..(50 - before as i64)).collect::<Vec<_>>(), "the first 50 rows");
    let second = app.get(&mut finance, "/compliance/book?exposure_page=2").await;
    let on_second = shown(&second.body);
    assert_eq!(on_second, ((50 - before as i64)..60).collect::<Vec<_>>(), "the rest, each once");
    assert!(second.body.contains("exposure_page=1"), "a link back");
    // Nonsense reads as the first page, never a refusal.
    assert_eq!(shown(&app.get(&mut finance, "/compliance/book?exposure_page=abc").await.body), on_first);
}
