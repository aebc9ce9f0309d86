//! The sealed-bid tender on the web (issue 14): investors submit sealed bids on the portal's lot
//! page (a replacement said to replace the earlier one) and through the API, never reading
//! anyone's amount; a bidder the screening refuses reads only that the bid cannot be accepted;
//! staff read how many bidders have a bid in, never an amount, until two different staff users
//! open the bids after the end (the same user cannot confirm their own request; a committee
//! member cannot open at all); then staff read the ranking with names and the outcome, and the
//! public the result by number only. On a clock the test moves.

mod common;

use std::sync::Arc;

use axum::http::StatusCode;
use chrono::{DateTime, Duration, Utc};
use common::{Client, PASSWORD, TestApp, decoded};
use huajie_auction::{AuctionMode, InvestorId, Terms};
use huajie_core::clock::{FixedClock, beijing_midnight};
use huajie_core::{Money, PartyIdentifier, Uscc};
use huajie_decide::{DisposalMethod, PlanStatus};
use huajie_store::{LotInput, LotRecord, Store};

/// 10:00 Beijing time on Monday 7 December 2026.
fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::at("2026-12-07T02:00:00Z".parse().unwrap()))
}

fn set(clock: &FixedClock, t: DateTime<Utc>) {
    *clock.0.lock().unwrap() = t;
}

/// A tender lot for the demo's approved tender plan without a lot: from tomorrow 10:00 to the
/// day after 16:00 Beijing time, the lowest tender 80% of the approved reserve, a 20 万 deposit.
async fn tender_lot(s: &Store) -> LotRecord {
    let lotted: Vec<i64> = s.lots().await.unwrap().iter().map(|l| l.lot.plan_id).collect();
    let plan = s
        .plans()
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.method == DisposalMethod::Tender && p.status == PlanStatus::Approved && !lotted.contains(&p.id))
        .expect("the demo's approved tender plan without a lot");
    let reserve = plan.reserve.expect("a reserve");
    let tomorrow = beijing_midnight(s.clock().today() + Duration::days(1));
    let terms = Terms {
        mode: AuctionMode::Sealed,
        start_price: Money::from_fen(reserve.fen() * 8 / 10 / 10_000 * 10_000),
        increment: Money::ZERO,
        reserve: Some(reserve),
        deposit: Money::from_yuan(200_000).unwrap(),
        starts_at: tomorrow + Duration::hours(10),
        ends_at: tomorrow + Duration::days(1) + Duration::hours(16),
        extension_minutes: 0,
    };
    s.create_lot("asset_manager", &LotInput { plan_id: plan.id, title: String::new(), terms }).await.unwrap()
}

/// Records and confirms `name`'s deposit through the store: admitted with the next number.
async fn admitted(s: &Store, lot: &LotRecord, name: &str) -> i64 {
    let who = InvestorId(s.user_by_username(name).await.unwrap().unwrap().id);
    let d = s.record_deposit(name, who, lot.id, &format!("网银 {name}")).await.unwrap();
    s.confirm_deposit("finance", d.id, lot.terms.deposit).await.unwrap().number
}

fn typed(m: Money) -> String {
    m.yuan_string().replace(',', "")
}

async fn post(app: &TestApp, client: &mut Client, path: &str, fields: &[(&str, &str)]) -> common::Reply {
    let csrf = client.csrf.clone();
    let mut fields = fields.to_vec();
    fields.push(("csrf", &csrf));
    app.post_form(client, path, &fields).await
}

async fn post_json(app: &TestApp, client: &mut Client, path: &str, body: serde_json::Value) -> common::Reply {
    let request = axum::http::Request::post(path)
        .header(axum::http::header::CONTENT_TYPE, "application/json")
        .header("x-csrf-token", client.csrf.clone())
        .body(axum::body::Body::from(body.to_string()))
        .unwrap();
    app.send(client, request).await
}

/// A company the tender's debtor controls, registered and qualified before that was known, its
/// deposit confirmed: the screening refuses its bids.
async fn debtor_firm(s: &Store, lot: &LotRecord) {
    use huajie_decide::investor::{DocumentKind, InvestorKind};
    use huajie_store::book::{BookEntry, PartyRef, SheetEntry};
    use huajie_store::{InvestorProfile, Registered, Registration};
    let uscc = Uscc::with_check_chars("91330106MA3B0017").unwrap();
    let r = Registration {
        username: "debtor_firm".into(),
        password_hash: huajie_web::hash_password(PASSWORD),
        profile: InvestorProfile {
            kind: InvestorKind::Company,
            name: "杭州恒远实业有限公司".into(),
            identifier: PartyIdentifier::Uscc(uscc.clone()),
            legal_rep: Some("张某".into()),
            phone: "13800138000".into(),
            email: "debtor_firm@example.cn".into(),
        },
    };
    let Registered::Done(firm) = s.register_investor(&r).await.unwrap() else { panic!("registered") };
    let docs: [(DocumentKind, &str, &[u8]); 2] = [
        (DocumentKind::BusinessLicence, "licence.pdf", b"%PDF l"),
        (DocumentKind::ProofOfFunds, "funds.pdf", b"%PDF f"),
    ];
    s.add_investor_documents("debtor_firm", firm.id, &docs).await.unwrap();
    s.qualify_investor("risk", firm.id).await.unwrap();
    admitted(s, lot, "debtor_firm").await;
    let plan = s.plan(lot.plan_id).await.unwrap();
    let huajie_store::PlanSubject::Claim(claim) = plan.subject else { panic!("the demo plan sells a claim") };
    let debtor = s.claim(claim).await.unwrap().unwrap().debtor;
    let holder = debtor.data.identity.identifier().expect("the debtor has an ID").clone();
    let control = BookEntry::Holding {
        holder: PartyRef { identifier: holder, name: None },
        held: PartyRef { identifier: PartyIdentifier::Uscc(uscc), name: None },
        stake_bps: 6_000,
        control: true,
    };
    s.import_book("risk", &[SheetEntry { sheet: "持股".into(), row: 2, entry: control }]).await.unwrap();
}

/// The whole tender on the web: sealed bids on the page (refused below the start beside the
/// amount, replaced and said so) and through the API, the screened bidder told only that its bid
/// cannot be accepted, staff reading counts but no amounts; after the end the asset manager asks
/// to open, cannot confirm it alone, a committee member may not open, finance opens; staff read
/// the ranking with names and the winner, the public the result by number only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tender_is_bid_sealed_and_opened_by_two_staff_users() {
    let clock = clock();
    let app = TestApp::with_clock(clock.clone()).await;
    let s = &app.store.store;
    let lot = tender_lot(s).await;
    assert_eq!(admitted(s, &lot, "investor").await, 1);
    assert_eq!(admitted(s, &lot, "zhao_mingyuan").await, 2);
    debtor_firm(s, &lot).await;
    let reserve = lot.terms.reserve.unwrap();
    let page = format!("/portal/lots/{}", lot.id);
    let sealed = format!("{page}/sealed-bid");
    set(&clock, lot.terms.starts_at);

    let mut qian = app.login("investor").await;
    let first = app.get(&mut qian, &page).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let body = decoded(&first.body);
    assert!(body.contains("id=\"lot-sealed\"") && body.contains("id=\"lot-sealed-bid\""), "sealed, the form: {body}");
    assert!(body.contains("id=\"lot-tender-mine\" data-in=\"false\">尚未投标"), "{body}");
    let below = typed(Money::from_fen(lot.terms.start_price.fen() - 1));
    let low = post(&app, &mut qian, &sealed, &[("amount", &below)]).await;
    assert_eq!(low.status, StatusCode::BAD_REQUEST, "{}", low.body);
    let body = decoded(&low.body);
    assert!(body.contains("id=\"lot-sealed-bid-amount-error\">报价不得低于起始价"), "beside the amount: {body}");
    assert!(body.contains(&format!("value=\"{below}\"")), "what was typed kept");
    let odd = post(&app, &mut qian, &sealed, &[("amount", "1000000.001")]).await;
    assert_eq!(odd.status, StatusCode::BAD_REQUEST, "exact to the fen");

    let early = Money::from_fen(lot.terms.start_price.fen() + 1_234_567);
    let done = post(&app, &mut qian, &sealed, &[("amount", &typed(early))]).await;
    assert_eq!(
        (done.status, done.location()),
        (StatusCode::SEE_OTHER, format!("{page}?tendered=new#lot-tender").as_str())
    );
    let said = decoded(&app.get(&mut qian, done.location()).await.body);
    assert!(said.contains("您的密封报价已提交") && said.contains("data-in=\"true\">"), "{said}");
    assert!(said.contains("重新报价（替换原报价）"), "the form now replaces");
    let best = reserve.checked_add(Money::from_yuan(1_000).unwrap()).unwrap();
    let again = post(&app, &mut qian, &sealed, &[("amount", &typed(best))]).await;
    assert_eq!(again.location(), format!("{page}?tendered=replaced#lot-tender"));
    let said = decoded(&app.get(&mut qian, again.location()).await.body);
    assert!(said.contains("替换了此前的报价"), "the replacement is said: {said}");
    assert!(said.contains("id=\"lot-tender-count\">1<"), "one bid per bidder");

    let mut zhao = app.login("zhao_mingyuan").await;
    let api = post_json(
        &app,
        &mut zhao,
        &format!("/api/v1/lots/{}/sealed-bids", lot.id),
        serde_json::json!({ "amount_fen": reserve.fen() }),
    )
    .await;
    assert_eq!(api.status, StatusCode::CREATED, "{}", api.body);
    let data = &api.json()["data"];
    assert_eq!((data["amount_fen"].as_i64(), data["replaced"].as_bool()), (Some(reserve.fen()), Some(false)));
    assert!(!api.body.contains(&best.fen().to_string()), "nothing of the other bid: {}", api.body);
    let zhao_page = decoded(&app.get(&mut zhao, &page).await.body);
    assert!(zhao_page.contains("id=\"lot-tender-count\">2<") && zhao_page.contains("data-in=\"true\""));
    for amount in [best, early] {
        assert!(!zhao_page.contains(&amount.yuan_string()), "another's amount shown");
    }

    let mut firm = app.login("debtor_firm").await;
    let refused = post(&app, &mut firm, &sealed, &[("amount", &typed(reserve))]).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    let body = decoded(&refused.body);
    assert!(body.contains("id=\"lot-sealed-bid-amount-error\">该出价无法受理。"), "{body}");
    for why in ["控制", "债务人", "TX", "筛查"] {
        assert!(!body.contains(why), "the investor reads why ({why})");
    }

    let mut manager = app.login("asset_manager").await;
    let staff = format!("/lots/{}", lot.id);
    let before = decoded(&app.get(&mut manager, &staff).await.body);
    assert!(before.contains("id=\"tender-submitted\">2<") && !before.contains("id=\"tender-ranking\""), "{before}");
    assert!(before.contains("id=\"lot-open-submit\" disabled"), "not before the end");
    let refusals = &before[before.find("id=\"lot-refusals\"").expect("the screening's refusal for staff")..];
    assert!(refusals.contains("杭州恒远实业有限公司") && refusals.contains("（密封）"), "who, the amount sealed");
    for amount in [best, early, reserve] {
        assert!(!before.contains(&amount.yuan_string()), "an amount shown before the opening");
    }
    let json = app.get(&mut manager, &format!("/api/v1/lots/{}", lot.id)).await.json();
    assert_eq!(json["data"]["tender"]["submitted"], 2);
    assert_eq!(json["data"]["tender"]["ranked"].as_array().map(Vec::len), Some(0));
    let open = format!("{staff}/open");
    let too_early = post(&app, &mut manager, &open, &[]).await;
    assert_eq!(too_early.status, StatusCode::BAD_REQUEST);
    assert!(decoded(&too_early.body).contains("截止前不能开标"), "{}", too_early.body);

    set(&clock, lot.terms.ends_at);
    // Days later: a new session.
    let mut manager = app.login("asset_manager").await;
    let asked = post(&app, &mut manager, &open, &[]).await;
    assert_eq!((asked.status, asked.location()), (StatusCode::SEE_OTHER, format!("{staff}#lot-tender").as_str()));
    let waiting = decoded(&app.get(&mut manager, &staff).await.body);
    assert!(waiting.contains("id=\"tender-requested\">asset_manager · "), "who asked: {waiting}");
    assert!(waiting.contains("id=\"lot-open-waiting\""), "waiting for another");
    let twice = post(&app, &mut manager, &open, &[]).await;
    assert_eq!(twice.status, StatusCode::BAD_REQUEST);
    assert!(decoded(&twice.body).contains("开标须由两名不同的工作人员进行"), "{}", twice.body);
    let mut committee = app.login("committee").await;
    assert_eq!(post(&app, &mut committee, &open, &[]).await.status, StatusCode::FORBIDDEN);

    let mut finance = app.login("finance").await;
    let offered = decoded(&app.get(&mut finance, &staff).await.body);
    assert!(offered.contains("确认开标"), "the second user confirms");
    let opened = post(&app, &mut finance, &open, &[]).await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.body);
    let after = decoded(&app.get(&mut manager, &staff).await.body);
    assert!(after.contains("id=\"tender-opened\">finance · "), "{after}");
    let ranking = &after[after.find("id=\"tender-ranking\"").expect("the ranking")..];
    let (first, second) = (ranking.find("钱潮").expect("the winner named"), ranking.find("赵明远").expect("second"));
    assert!(first < second, "highest first");
    assert!(after.contains("id=\"lot-winner\"") && after.contains("id=\"lot-agreement\""), "sold, the agreement");
    let json = app.get(&mut manager, &format!("/api/v1/lots/{}", lot.id)).await.json();
    assert_eq!(json["data"]["tender"]["ranked"][0]["amount_fen"].as_i64(), Some(best.fen()));
    assert_eq!(json["data"]["outcome"]["price_fen"].as_i64(), Some(best.fen()));

    let public = decoded(&app.get(&mut Client::default(), &format!("/public/lots/{}", lot.id)).await.body);
    assert!(public.contains("成交结果公告") && public.contains("id=\"result-number\">0001<"), "{public}");
    assert!(public.contains(&format!("id=\"result-price\">{} 元<", best.yuan_string())), "{public}");
    for name in ["钱潮", "赵明远", "恒远"] {
        assert!(!public.contains(name), "{name} shown publicly");
    }
}
