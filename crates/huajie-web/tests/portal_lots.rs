//! Lots as investors and the public see them (issue 14): the deposit recorded on the portal's
//! lot page (a bad amount beside its field, what was typed kept), bids placed on the page and
//! outbid by another investor, the public page and API showing bidders by number only, a
//! bidder the screening refuses told only that the bid cannot be accepted, the live updates
//! (server-sent events, resumed after `Last-Event-ID`), and the result announcement once the
//! lot is closed. On a clock the test moves.

mod common;

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::{DateTime, Utc};
use common::{Client, PASSWORD, TestApp, decoded};
use futures_util::StreamExt;
use huajie_auction::{AuctionMode, InvestorId, Terms};
use huajie_core::clock::FixedClock;
use huajie_core::{Money, PartyIdentifier, Uscc};
use huajie_store::{LotInput, LotRecord, Store};
use tower::ServiceExt;

/// 10:00 Beijing time on Monday 7 December 2026.
fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::at("2026-12-07T02:00:00Z".parse().unwrap()))
}

fn set(clock: &FixedClock, t: DateTime<Utc>) {
    *clock.0.lock().unwrap() = t;
}

fn yuan(y: i64) -> Money {
    Money::from_yuan(y).unwrap()
}

/// A lot for the demo's approved online-auction plan without one (published announcement): starting at 80%
/// of the approved reserve, 1 万 increments, a 20 万 deposit, 10:00 to 16:00 Beijing time on the
/// first day bidding may open.
async fn lot(s: &Store) -> LotRecord {
    let (plan, opens) = huajie_store::testing::unlotted_auction_plan(s).await;
    let reserve = plan.reserve.expect("the plan has a reserve");
    let terms = Terms {
        mode: AuctionMode::Ascending,
        start_price: Money::from_fen(reserve.fen() * 8 / 10 / 100 * 100),
        increment: yuan(10_000),
        reserve: Some(reserve),
        deposit: yuan(200_000),
        starts_at: opens + chrono::Duration::hours(10),
        ends_at: opens + chrono::Duration::hours(16),
        extension_minutes: 0,
    };
    s.create_lot("asset_manager", &LotInput { plan_id: plan.id, title: String::new(), terms }).await.unwrap()
}

async fn user(s: &Store, name: &str) -> InvestorId {
    InvestorId(s.user_by_username(name).await.unwrap().unwrap().id)
}

/// Records and confirms `name`'s deposit through the store: admitted with the next number.
async fn admitted(s: &Store, lot: &LotRecord, name: &str) -> i64 {
    let d = s.record_deposit(name, user(s, name).await, lot.id, &format!("网银 {name}")).await.unwrap();
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

/// The investor records the deposit on the page (a malformed amount comes back beside its field,
/// what was typed kept), finance confirms it, two investors bid on the page, one outbids the
/// other; the portal, the public page and the public API show numbers, never names.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn investors_deposit_and_bid_on_the_page_and_the_public_sees_numbers_only() {
    let clock = clock();
    let app = TestApp::with_clock(clock.clone()).await;
    let s = &app.store.store;
    let lot = lot(s).await;
    let page = format!("/portal/lots/{}", lot.id);
    let mut qian = app.login("investor").await;
    let first = app.get(&mut qian, &page).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert!(first.body.contains("id=\"lot-deposit\""), "the deposit form is offered");
    assert!(first.body.contains("北京时间"), "times in Beijing time, the zone named");

    let deposit = format!("{page}/deposit");
    let bad = post(&app, &mut qian, &deposit, &[("amount", "二十万"), ("reference", "网银 20261207-001")]).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.body);
    let body = decoded(&bad.body);
    assert!(body.contains("id=\"lot-deposit-amount-error\""), "the message beside the amount");
    assert!(body.contains("“二十万” 不是大于零的金额（元）"), "{body}");
    assert!(body.contains("value=\"二十万\"") && body.contains("value=\"网银 20261207-001\""), "what was typed kept");
    let short = post(&app, &mut qian, &deposit, &[("amount", "199999.99"), ("reference", "网银 1")]).await;
    assert_eq!(short.status, StatusCode::BAD_REQUEST);
    assert!(decoded(&short.body).contains("本标的保证金为 200,000.00 元"), "{}", short.body);
    assert!(s.lot_deposits(Some(lot.id)).await.unwrap().is_empty(), "nothing recorded");

    let ok = post(&app, &mut qian, &deposit, &[("amount", "200000.00"), ("reference", "网银 20261207-001")]).await;
    assert_eq!((ok.status, ok.location()), (StatusCode::SEE_OTHER, format!("{page}#lot-my-deposit").as_str()));
    let recorded = s.lot_deposits(Some(lot.id)).await.unwrap();
    assert_eq!(recorded.len(), 1);
    assert_eq!((recorded[0].reference.as_str(), recorded[0].amount), ("网银 20261207-001", lot.terms.deposit));
    let waiting = app.get(&mut qian, &page).await.body;
    assert!(waiting.contains("data-status=\"recorded\"") && waiting.contains("id=\"lot-bid-note\""), "{waiting}");
    assert!(!waiting.contains("id=\"lot-bid\""), "no bid form before finance confirms");
    assert_eq!(s.confirm_deposit("finance", recorded[0].id, lot.terms.deposit).await.unwrap().number, 1);
    assert_eq!(admitted(s, &lot, "zhao_mingyuan").await, 2);

    set(&clock, lot.terms.starts_at);
    // Days later: a new session.
    let mut qian = app.login("investor").await;
    let open = app.get(&mut qian, &page).await;
    assert_eq!(open.status, StatusCode::OK, "{}", open.body);
    let open = open.body;
    assert!(open.contains("id=\"lot-my-number\">0001"), "my number");
    let start = typed(lot.terms.start_price);
    assert!(open.contains(&format!("value=\"{start}\"")), "the bid form offers the start price");
    let bids = format!("{page}/bids");
    let low =
        post(&app, &mut qian, &bids, &[("amount", &typed(Money::from_fen(lot.terms.start_price.fen() - 1)))]).await;
    assert_eq!(low.status, StatusCode::BAD_REQUEST);
    assert!(low.body.contains("id=\"lot-bid-amount-error\""), "the refusal beside the amount");
    let placed = post(&app, &mut qian, &bids, &[("amount", &start)]).await;
    assert_eq!(placed.status, StatusCode::SEE_OTHER, "{}", placed.body);
    assert_eq!(placed.location(), format!("{page}?placed=1#lot-history"));
    assert!(app.get(&mut qian, placed.location()).await.body.contains("第 1 次出价"), "the accepted bid is said");

    let mut zhao = app.login("zhao_mingyuan").await;
    let zhao_page = app.get(&mut zhao, &page).await.body;
    let next = typed(lot.terms.start_price.checked_add(lot.terms.increment).unwrap());
    assert!(zhao_page.contains(&format!("value=\"{next}\"")), "the next minimum offered: {next}");
    let outbid = post(&app, &mut zhao, &bids, &[("amount", &next)]).await;
    assert_eq!(outbid.status, StatusCode::SEE_OTHER, "{}", outbid.body);

    let portal = app.get(&mut qian, "/portal").await.body;
    assert!(portal.contains("id=\"portal-bids\"") && portal.contains("已被超越"), "my bid, outbid");
    assert!(portal.contains("id=\"portal-deposits\"") && portal.contains("已确认"), "my deposit, confirmed: {portal}");
    let zhao_portal = app.get(&mut zhao, "/portal").await.body;
    assert!(zhao_portal.contains("当前最高"), "the leader's bid is the best");

    let names = ["钱潮", "赵明远", "91330105MA2K8001"];
    let public = app.get(&mut Client::default(), &format!("/public/lots/{}", lot.id)).await;
    assert_eq!(public.status, StatusCode::OK);
    assert!(public.body.contains(">0001<") && public.body.contains(">0002<"), "bidders by number");
    let json = app.get(&mut Client::default(), &format!("/api/v1/public/lots/{}", lot.id)).await;
    assert_eq!(json.status, StatusCode::OK);
    let data = &json.json()["data"];
    assert_eq!(data["bids"][0]["number"], "0002");
    assert_eq!(data["best_fen"].as_i64(), Some(lot.terms.start_price.fen() + lot.terms.increment.fen()));
    let list = app.get(&mut Client::default(), "/public/lots").await.body;
    let api_list = app.get(&mut Client::default(), "/api/v1/public/lots").await.body;
    for text in [&public.body, &json.body, &list, &api_list] {
        for name in names {
            assert!(!text.contains(name), "{name} is shown publicly");
        }
        assert!(!text.contains("investor_id"), "no investor ids");
    }
    assert!(decoded(&list).contains(&format!("/public/lots/{}", lot.id)));
}

/// The public pages keep what they read between changes (`cached.rs`): a change made past this
/// server (through the store, as another server or the CLI would make it) shows on the very
/// next request, never the page read before it; and what only the time changes (the phase) is
/// never kept.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_public_page_shows_a_change_made_elsewhere_on_its_next_request() {
    let clock = clock();
    let app = TestApp::with_clock(clock.clone()).await;
    let s = &app.store.store;
    let lot = lot(s).await;
    admitted(s, &lot, "investor").await;
    set(&clock, lot.terms.starts_at);
    let mut anyone = Client::default();
    let (page, api, list) =
        (format!("/public/lots/{}", lot.id), format!("/api/v1/public/lots/{}", lot.id), "/api/v1/public/lots");
    let best_in_list = |json: serde_json::Value| {
        json["data"].as_array().unwrap().iter().find(|l| l["id"] == lot.id).map(|l| l["best_fen"].clone()).unwrap()
    };
    for _ in 0..2 {
        assert!(!decoded(&app.get(&mut anyone, &page).await.body).contains(">0001<"), "no bid yet");
        assert_eq!(app.get(&mut anyone, &api).await.json()["data"]["best_fen"], serde_json::Value::Null);
        assert_eq!(best_in_list(app.get(&mut anyone, list).await.json()), serde_json::Value::Null);
    }
    let investor = user(s, "investor").await;
    s.place_bid("investor", investor, lot.id, lot.terms.start_price).await.unwrap().unwrap();
    assert!(decoded(&app.get(&mut anyone, &page).await.body).contains(">0001<"), "the bid, by number");
    let one = app.get(&mut anyone, &api).await.json();
    assert_eq!(one["data"]["best_fen"].as_i64(), Some(lot.terms.start_price.fen()));
    assert_eq!(one["data"]["phase"], "open");
    assert_eq!(best_in_list(app.get(&mut anyone, list).await.json()).as_i64(), Some(lot.terms.start_price.fen()));

    set(&clock, lot.terms.ends_at);
    assert_eq!(app.get(&mut anyone, &api).await.json()["data"]["phase"], "ended", "the time alone ends it");
}

/// A company the lot's debtor controls, qualified before that was known, bids on the page: it
/// reads only that the bid cannot be accepted, never why.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bidder_the_screening_refuses_reads_only_that_the_bid_cannot_be_accepted() {
    use huajie_decide::investor::{DocumentKind, InvestorKind};
    use huajie_store::book::{BookEntry, PartyRef, SheetEntry};
    use huajie_store::{InvestorProfile, Registered, Registration};
    let clock = clock();
    let app = TestApp::with_clock(clock.clone()).await;
    let s = &app.store.store;
    let lot = lot(s).await;
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
    admitted(s, &lot, "debtor_firm").await;
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

    set(&clock, lot.terms.starts_at);
    let mut firm = app.login("debtor_firm").await;
    let page = format!("/portal/lots/{}", lot.id);
    let refused = post(&app, &mut firm, &format!("{page}/bids"), &[("amount", &typed(lot.terms.start_price))]).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    let body = decoded(&refused.body);
    assert!(body.contains("id=\"lot-bid-refused\">该出价无法受理。"), "{body}");
    for why in ["控制", "债务人", "TX", "筛查"] {
        let at = body.find(why).map(|i| &body[i.saturating_sub(300)..(i + 100).min(body.len())]);
        assert!(!body.contains(why), "the investor reads why ({why}): {at:?}");
    }
    assert!(s.lot_bids(Some(lot.id), 0).await.unwrap().is_empty(), "no bid kept");
}

/// Reads the event stream until an event with `needle` comes, or fails after ten seconds.
async fn until(
    stream: &mut (impl futures_util::Stream<Item = Result<axum::body::Bytes, axum::Error>> + Unpin),
    seen: &mut String,
    needle: &str,
) {
    let found = tokio::time::timeout(Duration::from_secs(10), async {
        while !seen.contains(needle) {
            match stream.next().await {
                Some(Ok(bytes)) => seen.push_str(&String::from_utf8_lossy(&bytes)),
                other => panic!("the stream ended before {needle}: {other:?}\n{seen}"),
            }
        }
    })
    .await;
    assert!(found.is_ok(), "no {needle} within ten seconds:\n{seen}");
}

async fn subscribe(
    router: &axum::Router,
    lot: i64,
    last: Option<&str>,
) -> impl futures_util::Stream<Item = Result<axum::body::Bytes, axum::Error>> + Unpin {
    let mut request = Request::get(format!("/public/lots/{lot}/events"));
    if let Some(id) = last {
        request = request.header("last-event-id", id);
    }
    let response = router.clone().oneshot(request.body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::CONTENT_TYPE], "text/event-stream");
    response.into_body().into_data_stream()
}

/// The live updates: a bid placed after connecting arrives (number, amount, end), a client
/// resuming with `Last-Event-ID` gets the bids after it; once the lot is closed, the stream says
/// so and ends, and the public page shows the result announcement.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_events_stream_new_bids_resume_after_the_last_id_and_the_result_is_announced() {
    let clock = clock();
    let app = TestApp::with_clock(clock.clone()).await;
    let s = &app.store.store;
    let lot = lot(s).await;
    admitted(s, &lot, "investor").await;
    admitted(s, &lot, "zhao_mingyuan").await;
    set(&clock, lot.terms.starts_at);
    let (qian, zhao) = (user(s, "investor").await, user(s, "zhao_mingyuan").await);

    let mut live = subscribe(&app.router, lot.id, None).await;
    let mut seen = String::new();
    until(&mut live, &mut seen, "event: lot").await;
    s.place_bid("investor", qian, lot.id, lot.terms.start_price).await.unwrap().unwrap();
    until(&mut live, &mut seen, "event: bid").await;
    assert!(seen.contains("id: 1\n"), "{seen}");
    assert!(seen.contains("\"number\":\"0001\""), "{seen}");
    assert!(seen.contains(&format!("\"amount_fen\":{}", lot.terms.start_price.fen())), "{seen}");
    let second = lot.terms.start_price.checked_add(lot.terms.increment).unwrap();
    s.place_bid("zhao_mingyuan", zhao, lot.id, second).await.unwrap().unwrap();
    until(&mut live, &mut seen, "id: 2\n").await;
    assert!(seen.contains("\"number\":\"0002\""), "{seen}");
    for name in ["钱潮", "赵明远", "investor_id"] {
        assert!(!seen.contains(name), "{name} in the stream");
    }

    let mut resumed = subscribe(&app.router, lot.id, Some("1")).await;
    let mut again = String::new();
    until(&mut resumed, &mut again, "id: 2\n").await;
    assert!(!again.contains("id: 1\n"), "nothing before the last id: {again}");
    assert!(again.contains(&format!("\"amount_fen\":{}", second.fen())), "{again}");

    set(&clock, lot.terms.ends_at);
    s.close_lot("asset_manager", lot.id).await.unwrap();
    until(&mut live, &mut seen, "\"status\":\"unsold\"").await;
    let ended = tokio::time::timeout(Duration::from_secs(5), async { while live.next().await.is_some() {} }).await;
    assert!(ended.is_ok(), "the stream ends once the lot is closed");

    let public = decoded(&app.get(&mut Client::default(), &format!("/public/lots/{}", lot.id)).await.body);
    assert!(public.contains("成交结果公告") && public.contains("id=\"result-unsold\""), "{public}");
    assert!(public.contains("未达保留价"), "why no sale: the best bid under the reserve");
}

/// A lot sold: the result announcement names the winner's number, the price and the time; the
/// winner's portal lists the win.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sold_lot_announces_the_winners_number_and_price() {
    let clock = clock();
    let app = TestApp::with_clock(clock.clone()).await;
    let s = &app.store.store;
    let lot = lot(s).await;
    admitted(s, &lot, "investor").await;
    admitted(s, &lot, "zhao_mingyuan").await;
    set(&clock, lot.terms.starts_at);
    let zhao = user(s, "zhao_mingyuan").await;
    let reserve = lot.terms.reserve.unwrap();
    s.place_bid("zhao_mingyuan", zhao, lot.id, reserve).await.unwrap().unwrap();
    set(&clock, lot.terms.ends_at);
    s.close_lot("asset_manager", lot.id).await.unwrap();
    let mut anyone = Client::default();
    let public = decoded(&app.get(&mut anyone, &format!("/public/lots/{}", lot.id)).await.body);
    assert!(public.contains("id=\"result-number\">0002<"), "{public}");
    assert!(public.contains(&format!("id=\"result-price\">{} 元<", reserve.yuan_string())), "{public}");
    assert!(public.contains("id=\"result-closed-at\">2026-") && public.contains("北京时间"));
    assert!(!public.contains("赵明远"));
    let events = app.get(&mut anyone, &format!("/public/lots/{}/events", lot.id)).await;
    assert!(events.body.contains("\"status\":\"sold\""), "a closed lot's stream says so and ends: {}", events.body);
    let json = app.get(&mut anyone, &format!("/api/v1/public/lots/{}", lot.id)).await.json();
    assert_eq!(json["data"]["result"]["number"], "0002");
    assert_eq!(json["data"]["result"]["price_fen"].as_i64(), Some(reserve.fen()));
    let mut zhao_client = app.login("zhao_mingyuan").await;
    let portal = app.get(&mut zhao_client, "/portal").await.body;
    assert!(portal.contains("id=\"portal-wins\""), "the win on the winner's portal");
}

/// Two servers on one PostgreSQL: a browser watching the lot on the second sees the bid an
/// investor placed on the first's page, and the first's page shows it too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgresql_a_bid_placed_on_one_server_reaches_the_watchers_of_another() {
    let Some(url) = huajie_store::testing::postgres_url() else {
        eprintln!("HUAJIE_TEST_PG is not set: the PostgreSQL run of this test is skipped");
        return;
    };
    let clock = clock();
    let store = huajie_store::testing::TestStore::postgres_with_clock(&url, clock.clone()).await;
    let first = TestApp::on(store, huajie_web::WebConfig::default()).await;
    let s = &first.store.store;
    let lot = lot(s).await;
    admitted(s, &lot, "investor").await;
    set(&clock, lot.terms.starts_at);
    let other = Store::open_with_clock(&first.store.target, clock.clone()).await.unwrap();
    let second = huajie_web::router(huajie_web::AppState::new(other.clone(), huajie_web::WebConfig::default()));
    let mut watching = subscribe(&second, lot.id, None).await;
    let mut seen = String::new();
    until(&mut watching, &mut seen, "event: lot").await;
    let mut qian = first.login("investor").await;
    let page = format!("/portal/lots/{}", lot.id);
    let placed = post(&first, &mut qian, &format!("{page}/bids"), &[("amount", &typed(lot.terms.start_price))]).await;
    assert_eq!(placed.status, StatusCode::SEE_OTHER, "{}", placed.body);
    until(&mut watching, &mut seen, "event: bid").await;
    assert!(seen.contains("id: 1\n") && seen.contains("\"number\":\"0001\""), "{seen}");
    drop(watching);
    other.close().await;
}
