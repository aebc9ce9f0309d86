//! Lots through the web (issue 14): the asset manager sets a lot up from the approved plan's page
//! (a reserve below the approved one refused beside its field), investors record deposits
//! through the API, finance confirms them on the lot's page, investors bid through the API (a
//! bid too low refused with a 409 and the rule's words; a bidder the screening refuses told only
//! that the bid cannot be accepted, while the staff's page says why), the clock passes the end,
//! the asset manager closes, and the lot's page names the buyer. A committee member cannot
//! confirm a deposit.

mod common;

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::{DateTime, Duration, Utc};
use common::{Client, PASSWORD, TestApp, decoded};
use huajie_core::clock::FixedClock;
use huajie_core::{Money, PartyIdentifier, Uscc};
use huajie_decide::investor::{DocumentKind, InvestorKind};
use huajie_store::{InvestorProfile, Registered, Registration, Store};

/// 10:00 Beijing time on Monday 7 December 2026, when the demo is loaded.
fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::at("2026-12-07T02:00:00Z".parse().unwrap()))
}

fn set(clock: &FixedClock, t: DateTime<Utc>) {
    *clock.0.lock().unwrap() = t;
}

/// A JSON command with the session's token, as an API client sends it.
async fn api_post(app: &TestApp, client: &mut Client, path: &str, body: serde_json::Value) -> common::Reply {
    let request = Request::post(path)
        .header(header::CONTENT_TYPE, "application/json")
        .header("x-csrf-token", client.csrf.clone())
        .body(Body::from(body.to_string()))
        .unwrap();
    app.send(client, request).await
}

/// A form posted with the session's token, as the page's form sends it.
async fn form_post(app: &TestApp, client: &mut Client, path: &str, fields: &[(&str, &str)]) -> common::Reply {
    let csrf = client.csrf.clone();
    let mut fields = fields.to_vec();
    fields.push(("csrf", &csrf));
    app.post_form(client, path, &fields).await
}

/// The demo's approved online-auction plan not yet put up as a lot, and when bidding may open.
async fn auction_plan(s: &Store) -> (huajie_store::Plan, DateTime<Utc>) {
    huajie_store::testing::unlotted_auction_plan(s).await
}

/// A company investor registered with the demo's password, its documents sent, and qualified.
async fn qualified_company(s: &Store, username: &str, base: &str, name: &str) -> Uscc {
    let uscc = Uscc::with_check_chars(base).unwrap();
    let r = Registration {
        username: username.into(),
        password_hash: huajie_web::hash_password(PASSWORD),
        profile: InvestorProfile {
            kind: InvestorKind::Company,
            name: name.into(),
            identifier: PartyIdentifier::Uscc(uscc.clone()),
            legal_rep: Some("张某".into()),
            phone: "13800138000".into(),
            email: format!("{username}@example.cn"),
        },
    };
    let Registered::Done(investor) = s.register_investor(&r).await.unwrap() else { panic!("registered {username}") };
    let docs: [(DocumentKind, &str, &[u8]); 2] = [
        (DocumentKind::BusinessLicence, "licence.pdf", b"%PDF l"),
        (DocumentKind::ProofOfFunds, "funds.pdf", b"%PDF f"),
    ];
    s.add_investor_documents(username, investor.id, &docs).await.unwrap();
    s.qualify_investor("risk", investor.id).await.unwrap();
    uscc
}

/// A time as the form's `datetime-local` input takes it, in Beijing time.
fn beijing_field(t: DateTime<Utc>) -> String {
    (t + Duration::hours(8)).format("%Y-%m-%dT%H:%M").to_string()
}

/// The lot set up on the plan's page: first with a reserve below the approved one (refused
/// beside its field, what was typed kept), then as approved. Its id.
async fn set_up_lot(app: &TestApp, am: &mut Client, plan: &huajie_store::Plan, opens: DateTime<Utc>) -> i64 {
    let page = app.get(am, &format!("/plans/{}", plan.id)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("id=\"lot-create\""), "the asset manager is offered the lot's form");
    let reserve = plan.reserve.expect("an approved reserve");
    let below = Money::from_fen(reserve.fen() - 100).yuan_string();
    let start = Money::from_fen(reserve.fen() * 8 / 10 / 100 * 100).yuan_string();
    let (starts, ends) = (beijing_field(opens + Duration::hours(10)), beijing_field(opens + Duration::hours(16)));
    let mut fields = vec![
        ("title", "测试标的"),
        ("start_price", start.as_str()),
        ("increment", "10000"),
        ("reserve", below.as_str()),
        ("deposit", "200000"),
        ("starts_at", starts.as_str()),
        ("ends_at", ends.as_str()),
    ];
    // Through the API the same problem is named by the JSON field.
    let body = serde_json::json!({
        "start_price_fen": reserve.fen() * 8 / 10 / 100 * 100,
        "increment_fen": 1_000_000,
        "reserve_fen": reserve.fen() - 100,
        "deposit_fen": 20_000_000,
        "starts_at": opens + Duration::hours(10),
        "ends_at": opens + Duration::hours(16),
    });
    let api = api_post(app, am, &format!("/api/v1/plans/{}/lots", plan.id), body).await;
    assert_eq!(api.status, StatusCode::BAD_REQUEST, "{}", api.body);
    assert_eq!(api.json()["error"]["fields"][0]["field"], "reserve_fen", "{}", api.body);
    let path = format!("/plans/{}/lots", plan.id);
    let refused = form_post(app, am, &path, &fields).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    let body = decoded(&refused.body);
    assert!(body.contains("id=\"lot-create-reserve-error\""), "the message beside the reserve: {body}");
    assert!(body.contains("低于决策委员会批准的保留价"), "{body}");
    assert!(body.contains(&format!("value=\"{below}\"")), "what was typed is kept");
    let lots = app.store.store.lots().await.unwrap();
    assert!(lots.iter().all(|l| l.lot.plan_id != plan.id), "nothing set up");
    let approved = reserve.yuan_string();
    fields[3].1 = approved.as_str();
    let done = form_post(app, am, &path, &fields).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let id: i64 = done.location().strip_prefix("/lots/").unwrap().parse().unwrap();
    let plan_page = app.get(am, &format!("/plans/{}", plan.id)).await;
    assert!(plan_page.body.contains(&format!("href=\"/lots/{id}\"")), "the plan links to its lot");
    assert!(!plan_page.body.contains("id=\"lot-create\""), "one lot per plan");
    id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lot_is_set_up_deposited_bid_on_screened_closed_and_its_buyer_named() {
    let clock = clock();
    the_life_of_a_lot(TestApp::with_clock(clock.clone()).await, clock).await;
}

/// The same on PostgreSQL, when `HUAJIE_TEST_PG` names a server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lot_is_set_up_deposited_bid_on_screened_closed_and_its_buyer_named_on_postgres() {
    let Some(url) = huajie_store::testing::postgres_url() else {
        eprintln!("HUAJIE_TEST_PG is not set: the PostgreSQL run of this test is skipped");
        return;
    };
    let clock = clock();
    let store = huajie_store::testing::TestStore::postgres_with_clock(&url, clock.clone()).await;
    the_life_of_a_lot(TestApp::on(store, huajie_web::WebConfig::default()).await, clock).await;
}

async fn the_life_of_a_lot(app: TestApp, clock: Arc<FixedClock>) {
    let s = &app.store.store;
    let (plan, opens) = auction_plan(s).await;
    let mut am = app.login("asset_manager").await;
    let id = set_up_lot(&app, &mut am, &plan, opens).await;
    let lot = s.lot(id).await.unwrap().lot;
    assert_eq!(lot.terms.reserve, plan.reserve);
    assert_eq!(lot.terms.deposit, Money::from_yuan(200_000).unwrap());
    assert_eq!(lot.terms.starts_at, opens + Duration::hours(10), "北京时间 10:00 kept as UTC");

    qualified_company(s, "bidder_two", "91330106MA3D0021", "杭州竞买二号有限公司").await;
    let uscc = qualified_company(s, "debtor_firm", "91330106MA3B0017", "杭州债务人关联实业有限公司").await;
    let mut bidders = Vec::new();
    for name in ["investor", "bidder_two", "debtor_firm"] {
        let mut c = app.login(name).await;
        let wrong = api_post(
            &app,
            &mut c,
            &format!("/api/v1/lots/{id}/deposits"),
            serde_json::json!({ "amount_fen": 1, "reference": "x" }),
        )
        .await;
        assert_eq!(wrong.status, StatusCode::BAD_REQUEST, "{}", wrong.body);
        let body = serde_json::json!({ "amount_fen": lot.terms.deposit.fen(), "reference": format!("网银 {name}") });
        let reply = api_post(&app, &mut c, &format!("/api/v1/lots/{id}/deposits"), body).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{name}: {}", reply.body);
        assert_eq!(reply.json()["data"]["status"], "recorded");
        bidders.push(c);
    }
    let deposits = s.lot_deposits(Some(id)).await.unwrap();
    assert_eq!(deposits.len(), 3);

    // A committee member cannot confirm a deposit, on the page or through the API.
    let mut committee = app.login("committee").await;
    let path = format!("/deposits/{}/confirm", deposits[0].id);
    assert_eq!(form_post(&app, &mut committee, &path, &[("received", "200000")]).await.status, StatusCode::FORBIDDEN);
    let api = format!("/api/v1{path}");
    let reply = api_post(&app, &mut committee, &api, serde_json::json!({ "received_fen": 20_000_000 })).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);

    // Finance confirms on the lot's page: short of the deposit, refused beside the amount.
    let mut finance = app.login("finance").await;
    let page = app.get(&mut finance, &format!("/lots/{id}")).await;
    assert!(page.body.contains(&format!("action=\"/deposits/{}/confirm\"", deposits[0].id)), "{}", page.body);
    let short = form_post(&app, &mut finance, &path, &[("received", "199999.99")]).await;
    assert_eq!(short.status, StatusCode::BAD_REQUEST, "{}", short.body);
    assert!(short.body.contains(&format!("id=\"confirm-{}-received-error\"", deposits[0].id)), "{}", short.body);
    assert!(s.lot_bidders(Some(id)).await.unwrap().is_empty());
    for d in &deposits {
        let reply =
            form_post(&app, &mut finance, &format!("/deposits/{}/confirm", d.id), &[("received", "200000")]).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
        assert_eq!(reply.location(), format!("/lots/{id}"));
    }
    assert_eq!(s.lot_bidders(Some(id)).await.unwrap().len(), 3, "each admitted with a number");

    bidding(&app, &clock, &lot, &mut bidders, &uscc).await;

    // Past the end, the asset manager closes; the page names the buyer and its number.
    let mut am = app.login("asset_manager").await;
    let early = form_post(&app, &mut am, &format!("/lots/{id}/close"), &[]).await;
    assert_eq!(early.status, StatusCode::BAD_REQUEST, "not before the end: {}", early.body);
    set(&clock, lot.terms.ends_at + Duration::minutes(1));
    let mut am = app.login("asset_manager").await;
    let page = app.get(&mut am, &format!("/lots/{id}")).await;
    assert!(page.body.contains("data-phase=\"ended\""), "{}", page.body);
    let closed = form_post(&app, &mut am, &format!("/lots/{id}/close"), &[]).await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER, "{}", closed.body);
    let page = decoded(&app.get(&mut am, &format!("/lots/{id}")).await.body);
    let closed_lot = app.store.store.lot(id).await.unwrap().lot;
    let winner = page
        .split("id=\"lot-winner\"")
        .nth(1)
        .unwrap_or_else(|| panic!("the outcome names the buyer: {closed_lot:?} {page}"));
    assert!(winner.contains("杭州竞买二号有限公司") && winner.contains("竞买号 2"), "{winner}");
    assert!(page.contains(&format!("/lots/{id}/agreement.pdf")));
    let detail = app.get(&mut am, &format!("/api/v1/lots/{id}")).await.json();
    assert_eq!(detail["data"]["status"], "sold");
    assert_eq!(detail["data"]["outcome"]["winner_number"], 2);
    assert_eq!(detail["data"]["outcome"]["price_fen"], lot.terms.reserve.unwrap().fen());
}

/// Bids through the API: two good ones, one too low (409, the rule's words in Chinese), one the
/// screening refuses (409, told only that it cannot be accepted; the staff's page says why).
async fn bidding(
    app: &TestApp,
    clock: &FixedClock,
    lot: &huajie_store::LotRecord,
    bidders: &mut [Client],
    uscc: &Uscc,
) {
    let id = lot.id;
    let path = format!("/api/v1/lots/{id}/bids");
    let too_early = api_post(app, &mut bidders[0], &path, serde_json::json!({ "amount_fen": 1_i64 << 40 })).await;
    assert_eq!(
        (too_early.status, too_early.json()["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("not_started"))
    );
    set(clock, lot.terms.starts_at + Duration::minutes(1));
    // Days later: the sessions have ended; each bidder logs in again.
    for (c, name) in bidders.iter_mut().zip(["investor", "bidder_two", "debtor_firm"]) {
        *c = app.login(name).await;
    }
    let start = lot.terms.start_price.fen();
    let step = lot.terms.increment.fen();
    // The second bid reaches the reserve (the start price is below it).
    let top = lot.terms.reserve.unwrap().fen();
    assert!(top >= start + step);
    let first = api_post(app, &mut bidders[0], &path, serde_json::json!({ "amount_fen": start })).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    assert_eq!(first.json()["data"]["seq"], 1);
    let second = api_post(app, &mut bidders[1], &path, serde_json::json!({ "amount_fen": top })).await;
    assert_eq!(second.status, StatusCode::CREATED, "{}", second.body);
    assert_eq!(second.json()["data"]["seq"], 2);
    assert_eq!(second.json()["data"]["amount_fen"], top);
    let low = api_post(app, &mut bidders[0], &path, serde_json::json!({ "amount_fen": top })).await;
    assert_eq!(low.status, StatusCode::CONFLICT, "{}", low.body);
    assert_eq!(low.json()["error"]["code"], "too_low");
    assert!(
        low.json()["error"]["message"].as_str().unwrap().contains("出价须高于当前最高价至少一个加价幅度"),
        "{}",
        low.body
    );
    let zero = api_post(app, &mut bidders[0], &path, serde_json::json!({ "amount_fen": 0 })).await;
    assert_eq!(zero.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", zero.body);
    let mine = app.get(&mut bidders[1], "/api/v1/portal/bids").await.json();
    assert_eq!(mine["data"][0]["leading"], true, "{mine}");

    // The risk team records that the debtor controls the third bidder: screening refuses it.
    let s = &app.store.store;
    let plan = s.plan(lot.plan_id).await.unwrap();
    let huajie_store::PlanSubject::Claim(claim) = plan.subject else { panic!("the demo plan sells a claim") };
    let debtor = s.claim(claim).await.unwrap().unwrap().debtor;
    let holder = debtor.data.identity.identifier().expect("the debtor has an ID").clone();
    use huajie_store::book::{BookEntry, PartyRef, SheetEntry};
    let control = BookEntry::Holding {
        holder: PartyRef { identifier: holder, name: None },
        held: PartyRef { identifier: PartyIdentifier::Uscc(uscc.clone()), name: None },
        stake_bps: 6_000,
        control: true,
    };
    s.import_book("risk", &[SheetEntry { sheet: "持股".into(), row: 2, entry: control }]).await.unwrap();
    let screened = api_post(app, &mut bidders[2], &path, serde_json::json!({ "amount_fen": top + step })).await;
    assert_eq!(screened.status, StatusCode::CONFLICT, "{}", screened.body);
    assert_eq!(screened.json()["error"]["code"], "not_accepted");
    assert_eq!(screened.json()["error"]["message"], "该出价无法受理。");
    assert!(!screened.body.contains("控制"), "the screening's finding never reaches the bidder");
    let mut risk = app.login("risk").await;
    let page = decoded(&app.get(&mut risk, &format!("/lots/{id}")).await.body);
    let refusals = page.split("id=\"lot-refusals\"").nth(1).expect("the refusals are listed for staff");
    assert!(refusals.contains("杭州债务人关联实业有限公司") && refusals.contains("控制"), "{refusals}");
    let mut english = app.login("risk").await;
    english.cookies.push(("huajie_lang".into(), "en".into()));
    let page = app.get(&mut english, &format!("/lots/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Bids refused by screening") && page.body.contains("Beijing time"), "English");
    let detail = app.get(&mut english, &format!("/api/v1/lots/{id}")).await.json();
    let reason = detail["data"]["refusals"][0]["reason"].as_str().unwrap();
    assert!(reason.contains("control") && !reason.contains("控制"), "in the reader's language: {reason}");
}
