//! Issue 14: lots, deposits, bids and the close, on SQLite and again on PostgreSQL when
//! `HUAJIE_TEST_PG` names a server, each store on a clock the test moves.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use huajie_auction::{AuctionMode, Audience, DepositStatus, InvestorId, LotStatus, Outcome, RefusalKind, Terms};
use huajie_core::clock::{FixedClock, beijing_midnight};
use huajie_core::{Money, PartyIdentifier, Uscc};
use huajie_decide::PlanStatus;
use huajie_decide::investor::{DocumentKind, InvestorKind};
use huajie_store::testing::TestStore;
use huajie_store::{InvestorProfile, LotInput, Registered, Registration, Store, StoreError};

huajie_store::clocked_suite!(
    a_lot_is_set_up_only_as_decided_and_announced,
    an_auction_takes_deposits_bids_in_one_order_extends_and_closes,
    a_bidder_the_debtor_controls_is_refused_and_only_staff_read_why,
    concurrent_bidders_are_accepted_in_one_order,
    the_demo_has_a_sold_auction_and_a_live_one_when_loaded,
    the_demo_loaded_a_month_later_tells_the_same_story,
);

/// 10:00 Beijing time on Monday 7 December 2026, when the demo is loaded.
fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::at("2026-12-07T02:00:00Z".parse().unwrap()))
}

fn set(clock: &FixedClock, t: DateTime<Utc>) {
    *clock.0.lock().unwrap() = t;
}

fn yuan(y: i64) -> Money {
    Money::from_yuan(y).unwrap()
}

/// The demo's approved online-auction plan not yet put up as a lot, and when bidding may open.
async fn auction_plan(s: &Store) -> (huajie_store::Plan, DateTime<Utc>) {
    huajie_store::testing::unlotted_auction_plan(s).await
}

/// Terms for the plan: starting at 80% of the approved reserve, the reserve as approved, 1 万
/// increments, a 20 万 deposit, bidding from 10:00 to 16:00 Beijing time on the first day allowed.
fn terms(plan: &huajie_store::Plan, opens: DateTime<Utc>) -> Terms {
    let reserve = plan.reserve.expect("the plan has a reserve");
    Terms {
        mode: AuctionMode::Ascending,
        start_price: Money::from_fen(reserve.fen() * 8 / 10 / 100 * 100),
        increment: yuan(10_000),
        reserve: Some(reserve),
        deposit: yuan(200_000),
        starts_at: opens + Duration::hours(10),
        ends_at: opens + Duration::hours(16),
        extension_minutes: 0,
    }
}

async fn demo(t: &TestStore) -> (huajie_store::LotRecord, DateTime<Utc>) {
    let demo = huajie_demo::generate();
    huajie_demo::load(&t.store, &demo, |_| "not-a-real-hash".to_string()).await.unwrap();
    let (plan, opens) = auction_plan(&t.store).await;
    let input = LotInput { plan_id: plan.id, title: String::new(), terms: terms(&plan, opens) };
    (t.store.create_lot("asset_manager", &input).await.unwrap(), opens)
}

async fn user(s: &Store, name: &str) -> InvestorId {
    InvestorId(s.user_by_username(name).await.unwrap().unwrap().id)
}

/// Registers a company investor (USCC from `base`, 16 characters) with its documents and
/// qualifies it.
async fn qualified_company(s: &Store, username: &str, base: &str, name: &str) -> (InvestorId, Uscc) {
    let uscc = Uscc::with_check_chars(base).unwrap();
    let r = Registration {
        username: username.into(),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
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
    (InvestorId(investor.user_id), uscc)
}

/// Records and confirms a bidder's deposit: admitted with the next number.
async fn admitted(s: &Store, lot: &huajie_store::LotRecord, who: InvestorId, name: &str) -> i64 {
    let d = s.record_deposit(name, who, lot.id, &format!("网银 {name}")).await.unwrap();
    s.confirm_deposit("finance", d.id, lot.terms.deposit).await.unwrap().number
}

fn refused_as(r: Result<Result<huajie_auction::Accepted, huajie_store::RefusedBid>, StoreError>) -> RefusalKind {
    match r {
        Ok(Err(refused)) => refused.refusal.staff_kind(),
        other => panic!("expected a refusal by the rule, got {other:?}"),
    }
}

/// A lot sells an approved auction or tender plan with a published announcement, no lower than
/// the approved reserve, no sooner than the announcement period allows, once.
async fn a_lot_is_set_up_only_as_decided_and_announced(t: TestStore, _clock: Arc<FixedClock>) {
    let demo = huajie_demo::generate();
    huajie_demo::load(&t.store, &demo, |_| "x".to_string()).await.unwrap();
    let s = &t.store;
    let (plan, opens) = auction_plan(s).await;
    let ok = terms(&plan, opens);
    let announced = s.announcements(Some(plan.id)).await.unwrap().into_iter().find_map(|a| a.bidding_opens_on);
    let announced = beijing_midnight(announced.unwrap());
    let refused = |terms: Terms, why: &'static str| {
        let input = LotInput { plan_id: plan.id, title: String::new(), terms };
        async move {
            match s.create_lot("asset_manager", &input).await {
                Err(StoreError::Refused(t)) => assert!(t.zh.contains(why), "{why}: {t}"),
                other => panic!("{why}: expected a refusal, got {other:?}"),
            }
        }
    };
    refused(Terms { starts_at: announced - Duration::hours(1), ..ok.clone() }, "公告期届满前不得开始竞价").await;
    let below = Money::from_fen(plan.reserve.unwrap().fen() - 100);
    refused(Terms { reserve: Some(below), ..ok.clone() }, "低于决策委员会批准的保留价").await;
    refused(Terms { increment: Money::ZERO, ..ok.clone() }, "加价幅度").await;
    // A plan not approved (the demo's plan awaiting the committee) cannot be put up.
    let pending = s.plans().await.unwrap().into_iter().find(|p| p.status != PlanStatus::Approved).unwrap();
    let input = LotInput { plan_id: pending.id, title: String::new(), terms: ok.clone() };
    assert!(matches!(s.create_lot("asset_manager", &input).await, Err(StoreError::Refused(_))));
    assert_eq!(s.lots().await.unwrap().len(), 3, "nothing written besides the demo's three lots");

    let blank = LotInput { plan_id: plan.id, title: "  ".into(), terms: ok.clone() };
    let lot = s.create_lot("asset_manager", &blank).await.unwrap();
    assert_eq!((lot.title.as_str(), lot.status), (plan.title.as_str(), LotStatus::Open), "titled as the plan");
    assert_eq!(lot.terms.extension_minutes, 5, "the rule parameter's extension, whatever was asked");
    assert_eq!(lot.terms.reserve, plan.reserve);
    let again = LotInput { plan_id: plan.id, title: String::new(), terms: ok };
    assert!(matches!(s.create_lot("asset_manager", &again).await, Err(StoreError::Duplicate(_))), "one lot per plan");
    assert_eq!(s.lot(lot.id).await.unwrap().lot, lot, "read back as written");
    let report = s.verify_audit().await.unwrap();
    assert!(report.findings.is_empty(), "{:?}", report.findings);
}

/// The life of a lot: deposits recorded by investors and confirmed by finance (numbers in the
/// order admitted); bids refused before the start, without a confirmed deposit, from the leader,
/// short of the increment; accepted in one order; a bid in the last minutes moves the end to
/// five minutes after it; a bid after the end refused; the close sells to the best bid and
/// settles every deposit; every bid in the audit chain.
async fn an_auction_takes_deposits_bids_in_one_order_extends_and_closes(t: TestStore, clock: Arc<FixedClock>) {
    let (lot, _) = demo(&t).await;
    let s = &t.store;
    let (qianchao, zhao) = (user(s, "investor").await, user(s, "zhao_mingyuan").await);
    let start = lot.terms.starts_at;
    assert_eq!(
        refused_as(s.place_bid("investor", qianchao, lot.id, lot.terms.start_price).await),
        RefusalKind::NotStarted
    );

    let d = s.record_deposit("investor", qianchao, lot.id, "网银 20261207-001").await.unwrap();
    assert_eq!((d.status, d.amount), (DepositStatus::Recorded, lot.terms.deposit));
    assert!(matches!(s.record_deposit("investor", qianchao, lot.id, "again").await, Err(StoreError::Duplicate(_))));
    match s.confirm_deposit("finance", d.id, Money::from_fen(lot.terms.deposit.fen() - 1)).await {
        Err(StoreError::Refused(t)) => assert!(t.zh.contains("保证金"), "{t}"),
        other => panic!("short deposit confirmed: {other:?}"),
    }
    set(&clock, start);
    assert_eq!(
        refused_as(s.place_bid("investor", qianchao, lot.id, lot.terms.start_price).await),
        RefusalKind::NoDeposit,
        "recorded is not confirmed"
    );
    assert_eq!(s.confirm_deposit("finance", d.id, lot.terms.deposit).await.unwrap().number, 1);
    assert_eq!(admitted(s, &lot, zhao, "zhao_mingyuan").await, 2, "numbers in the order admitted");

    let below = Money::from_fen(lot.terms.start_price.fen() - 1);
    assert_eq!(refused_as(s.place_bid("investor", qianchao, lot.id, below).await), RefusalKind::BelowStart);
    let first = s.place_bid("investor", qianchao, lot.id, lot.terms.start_price).await.unwrap().unwrap();
    assert_eq!((first.seq, first.extended), (1, false));
    let more = lot.terms.start_price.checked_add(yuan(50_000)).unwrap();
    assert_eq!(refused_as(s.place_bid("investor", qianchao, lot.id, more).await), RefusalKind::AlreadyLeading);
    let short = lot.terms.start_price.checked_add(yuan(9_999)).unwrap();
    assert_eq!(refused_as(s.place_bid("zhao", zhao, lot.id, short).await), RefusalKind::TooLow);
    let step = lot.terms.start_price.checked_add(lot.terms.increment).unwrap();
    let second = s.place_bid("zhao", zhao, lot.id, step).await.unwrap().unwrap();
    assert_eq!((second.seq, second.after), (2, 1));

    // One minute before the end: the end moves to five minutes after the bid, and again.
    let end = lot.terms.ends_at;
    assert!(matches!(s.close_lot("asset_manager", lot.id).await, Err(StoreError::Refused(_))), "not before the end");
    set(&clock, end - Duration::minutes(1));
    let reserve = lot.terms.reserve.unwrap();
    let late = s.place_bid("investor", qianchao, lot.id, reserve).await.unwrap().unwrap();
    assert!(late.extended);
    assert_eq!(late.ends_at, end + Duration::minutes(4));
    assert_eq!(s.lot(lot.id).await.unwrap().ends_at, end + Duration::minutes(4), "the lot's end moved");
    set(&clock, end + Duration::minutes(4));
    let too_late = reserve.checked_add(yuan(100_000)).unwrap();
    assert_eq!(refused_as(s.place_bid("zhao", zhao, lot.id, too_late).await), RefusalKind::Ended);

    let outcome = s.close_lot("asset_manager", lot.id).await.unwrap();
    assert!(matches!(outcome, Outcome::Sold { winner, price, .. } if winner == qianchao && price == reserve));
    let closed = s.lot(lot.id).await.unwrap().lot;
    assert_eq!((closed.status, closed.winner_id, closed.price), (LotStatus::Sold, Some(qianchao.0), Some(reserve)));
    let settled: Vec<(i64, DepositStatus)> =
        s.lot_deposits(Some(lot.id)).await.unwrap().iter().map(|d| (d.investor_id, d.status)).collect();
    assert_eq!(settled, [(qianchao.0, DepositStatus::Applied), (zhao.0, DepositStatus::Refunded)]);
    assert!(matches!(s.close_lot("asset_manager", lot.id).await, Err(StoreError::Refused(_))), "closed once");
    assert!(matches!(s.place_bid("zhao", zhao, lot.id, too_late).await, Err(StoreError::Refused(_))));

    let bids = s.lot_bids(Some(lot.id), 0).await.unwrap();
    assert_eq!(
        bids.iter().map(|b| (b.seq, b.investor_id)).collect::<Vec<_>>(),
        [(1, qianchao.0), (2, zhao.0), (3, qianchao.0)]
    );
    let audit = s.audit_log(10_000, 0).await.unwrap();
    let of_lot = |r: &&huajie_core::audit::AuditRecord| r.entity_id.starts_with(&format!("{}/", lot.id));
    assert_eq!(
        audit.iter().filter(|r| r.entity == "lot_bid").filter(of_lot).count(),
        3,
        "every accepted bid, and only those"
    );
    let deposits: Vec<String> = s.lot_deposits(Some(lot.id)).await.unwrap().iter().map(|d| d.id.to_string()).collect();
    let moves = audit.iter().filter(|r| r.entity == "lot_deposit" && deposits.contains(&r.entity_id)).count();
    assert_eq!(moves, 6, "two recorded, confirmed, settled");
    let report = s.verify_audit().await.unwrap();
    assert!(report.findings.is_empty(), "{:?}", report.findings);
}

/// A company the lot's debtor controls, qualified before the control was known, bids: refused
/// by the screening at the bid. The investor reads only that the bid cannot be accepted; staff
/// read why in the audit.
async fn a_bidder_the_debtor_controls_is_refused_and_only_staff_read_why(t: TestStore, clock: Arc<FixedClock>) {
    use huajie_store::book::{BookEntry, PartyRef, SheetEntry};
    let (lot, _) = demo(&t).await;
    let s = &t.store;
    let (firm, uscc) = qualified_company(s, "debtor_firm", "91330106MA3B0017", "杭州债务人关联实业有限公司").await;
    admitted(s, &lot, firm, "debtor_firm").await;
    set(&clock, lot.terms.starts_at);
    let book = s.book_version().await.unwrap();
    let first = s.place_bid("debtor_firm", firm, lot.id, lot.terms.start_price).await.unwrap();
    assert!(first.is_ok(), "cleared while nothing links it to the debtor: {first:?}");
    // The verdict is kept (`Store::book_version`): a bid does not move what screening reads…
    assert_eq!(s.book_version().await.unwrap(), book, "a bid leaves the book's version");

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
    // …a change to the party graph does, and the next bid is screened afresh (below).
    assert!(s.book_version().await.unwrap() > book, "the holding moves the book's version");

    let (qianchao, _) = (user(s, "investor").await, ());
    admitted(s, &lot, qianchao, "investor").await;
    let over = lot.terms.start_price.checked_add(lot.terms.increment).unwrap();
    s.place_bid("investor", qianchao, lot.id, over).await.unwrap().unwrap();
    let again = over.checked_add(lot.terms.increment).unwrap();
    let Ok(Err(refused)) = s.place_bid("debtor_firm", firm, lot.id, again).await else { panic!("not refused") };
    let (code, told) = refused.refusal.told(Audience::Investor);
    assert_eq!((code, &*told.zh), ("not_accepted", "该出价无法受理。"));
    let (_, why) = refused.refusal.told(Audience::Staff);
    assert!(why.zh.contains("控制"), "staff read the finding: {why}");
    assert_eq!(s.lot_bids(Some(lot.id), 0).await.unwrap().len(), 2, "the refused bid is not among the bids");
    let audit = s.audit_log(10_000, 0).await.unwrap();
    let event = audit
        .iter()
        .find(|r| r.action == "bid_refused" && r.entity_id == lot.id.to_string())
        .expect("the refusal is recorded for staff");
    assert_eq!((event.entity.as_str(), event.entity_id.as_str()), ("lot_bid_refusal", lot.id.to_string().as_str()));
    assert!(event.after.as_deref().unwrap_or_default().contains("控制"), "{event:?}");
    let report = s.verify_audit().await.unwrap();
    assert!(report.findings.is_empty(), "{:?}", report.findings);
}

/// Bidders race on one lot, each raising the best it last read, through two stores on the same
/// database (two servers): every accepted bid beats the one before by the increment, the
/// sequence has no gap and no repeat, the best is the last, and the chain holds each.
async fn concurrent_bidders_are_accepted_in_one_order(t: TestStore, clock: Arc<FixedClock>) {
    let (lot, _) = demo(&t).await;
    let s = &t.store;
    let mut bidders = Vec::new();
    for i in 0..8 {
        let name = format!("racer{i}");
        let (who, _) =
            qualified_company(s, &name, &format!("91330106MA3C{i:04}"), &format!("竞价测试{i}号有限公司")).await;
        admitted(s, &lot, who, &name).await;
        bidders.push((name, who));
    }
    set(&clock, lot.terms.starts_at);
    let second = Arc::new(Store::open_with_clock(&t.target, clock.clone()).await.unwrap());
    let first = Arc::new(s.clone());
    let mut tasks = Vec::new();
    for (i, (name, who)) in bidders.into_iter().enumerate() {
        let store = if i % 2 == 0 { first.clone() } else { second.clone() };
        let (lot_id, increment, start) = (lot.id, lot.terms.increment, lot.terms.start_price);
        tasks.push(tokio::spawn(async move {
            let mut accepted = 0;
            for _ in 0..25 {
                let last = store.lot_bids(Some(lot_id), 0).await.unwrap().last().map(|b| b.amount);
                let amount = last.map_or(start, |a| a.checked_add(increment).unwrap());
                match store.place_bid(&name, who, lot_id, amount).await {
                    Ok(Ok(_)) => accepted += 1,
                    Ok(Err(r)) => assert!(
                        matches!(r.refusal.staff_kind(), RefusalKind::TooLow | RefusalKind::AlreadyLeading),
                        "{r:?}"
                    ),
                    Err(StoreError::Refused(_)) => {}
                    Err(e) => panic!("{e}"),
                }
            }
            accepted
        }));
    }
    let mut accepted = 0;
    for task in tasks {
        accepted += task.await.unwrap();
    }
    let bids = s.lot_bids(Some(lot.id), 0).await.unwrap();
    assert_eq!(bids.len(), accepted, "every accepted bid is kept, none twice");
    assert!(accepted >= 25, "the race accepted {accepted}");
    for (n, pair) in bids.windows(2).enumerate() {
        assert_eq!((pair[0].seq, pair[1].seq), (n as i64 + 1, n as i64 + 2), "no gap, no repeat");
        assert!(pair[1].amount.fen() >= pair[0].amount.fen() + lot.terms.increment.fen(), "{pair:?}");
        assert_ne!(pair[0].investor_id, pair[1].investor_id, "nobody outbids himself");
    }
    let live = s.lot(lot.id).await.unwrap();
    assert_eq!(live.last_seq, accepted as i64);
    set(&clock, live.ends_at);
    let best = bids.iter().max_by_key(|b| b.amount).unwrap();
    match s.close_lot("asset_manager", lot.id).await.unwrap() {
        Outcome::Sold { winner, price, .. } => assert_eq!((winner.0, price), (best.investor_id, best.amount)),
        Outcome::NoSale(why) => assert!(best.amount < lot.terms.reserve.unwrap(), "{why:?}"),
    }
    let audit = s.audit_log(100_000, 0).await.unwrap();
    let of_lot = format!("{}/", lot.id);
    assert_eq!(audit.iter().filter(|r| r.entity == "lot_bid" && r.entity_id.starts_with(&of_lot)).count(), accepted);
    let report = s.verify_audit().await.unwrap();
    assert!(report.findings.is_empty(), "{:?}", report.findings);
    second.close().await;
}

/// The demo loaded at the suite's moment: one lot sold to the demo's investor, one live now.
async fn the_demo_has_a_sold_auction_and_a_live_one_when_loaded(t: TestStore, clock: Arc<FixedClock>) {
    demo_story(t, clock).await;
}

/// The same story a month later: the demo's dates follow the moment it is loaded.
async fn the_demo_loaded_a_month_later_tells_the_same_story(t: TestStore, clock: Arc<FixedClock>) {
    clock.advance(Duration::days(31));
    demo_story(t, clock).await;
}

/// What the demo shows on the portal, relative to when it is loaded: a lot sold, above its
/// reserve, to the demo's `investor`, the other bidders' deposits refunded; a lot live now
/// (started, ending in about three days) with bids by two bidders, three deposits confirmed
/// and the `investor`'s waiting for finance, and a bid by the company the lot's debtor
/// controls refused by the screening, staff reading why; the announcements' period run
/// before either lot opened; the audit chain whole.
async fn demo_story(t: TestStore, clock: Arc<FixedClock>) {
    let demo = huajie_demo::generate();
    huajie_demo::load(&t.store, &demo, |_| "x".to_string()).await.unwrap();
    let s = &t.store;
    let now = huajie_core::clock::Clock::now(clock.as_ref());
    let lots = s.lots().await.unwrap();
    assert_eq!(lots.len(), 3, "{lots:?}");
    let sold = lots.iter().find(|l| l.lot.status == LotStatus::Sold).expect("a sold lot");
    let open = |mode| lots.iter().find(|l| l.lot.status == LotStatus::Open && l.lot.terms.mode == mode);
    let live = open(AuctionMode::Ascending).expect("a live lot");
    let tender = open(AuctionMode::Sealed).expect("a tender waiting to be opened");
    for l in [sold, live, tender] {
        let opens = s
            .announcements(Some(l.lot.plan_id))
            .await
            .unwrap()
            .into_iter()
            .find(|a| a.id == l.lot.announcement_id)
            .and_then(|a| a.bidding_opens_on)
            .expect("published");
        assert!(l.lot.terms.starts_at >= beijing_midnight(opens), "not before the announcement period ran");
    }

    let qianchao = user(s, "investor").await;
    assert!(sold.ends_at < now && sold.lot.closed_at.unwrap() < now);
    assert_eq!(sold.lot.winner_id, Some(qianchao.0));
    assert!(sold.lot.price.unwrap() >= sold.lot.terms.reserve.unwrap());
    let bids = s.lot_bids(Some(sold.lot.id), 0).await.unwrap();
    let bidders: std::collections::BTreeSet<i64> = bids.iter().map(|b| b.investor_id).collect();
    assert_eq!((bids.len(), bidders.len()), (5, 3));
    assert_eq!(bids.last().map(|b| (b.investor_id, b.amount)), Some((qianchao.0, sold.lot.price.unwrap())));
    let mut settled: Vec<DepositStatus> =
        s.lot_deposits(Some(sold.lot.id)).await.unwrap().iter().map(|d| d.status).collect();
    settled.sort_by_key(|d| d.code());
    assert_eq!(settled, [DepositStatus::Applied, DepositStatus::Refunded, DepositStatus::Refunded]);

    assert!(live.lot.terms.starts_at <= now && now < live.ends_at, "live now: {now} in {:?}", live.lot.terms);
    assert!(live.ends_at - now > Duration::days(2) && live.ends_at - now < Duration::days(4));
    let bids = s.lot_bids(Some(live.lot.id), 0).await.unwrap();
    assert_eq!(bids.len(), 3);
    assert!(bids.iter().all(|b| b.at < now));
    let deposits = s.lot_deposits(Some(live.lot.id)).await.unwrap();
    let waiting: Vec<i64> =
        deposits.iter().filter(|d| d.status == DepositStatus::Recorded).map(|d| d.investor_id).collect();
    assert_eq!(waiting, [qianchao.0], "finance has the investor's deposit to confirm");
    assert_eq!(deposits.iter().filter(|d| d.status == DepositStatus::Confirmed).count(), 3);
    let firm = user(s, huajie_demo::investors::DEBTOR_CONTROLLED).await;
    let audit = s.audit_log(100_000, 0).await.unwrap();
    let refusal = audit
        .iter()
        .find(|r| r.action == "bid_refused" && r.entity_id == live.lot.id.to_string())
        .expect("the screening's refusal is kept for staff");
    let detail: serde_json::Value = serde_json::from_str(refusal.after.as_deref().unwrap()).unwrap();
    assert_eq!(detail["investor_id"], firm.0);
    assert!(detail["zh"].as_str().unwrap().contains("控制"), "{detail}");
    // Its next bid is refused again, as the investor is told: no reason.
    let next = bids.last().unwrap().amount.checked_add(live.lot.terms.increment).unwrap();
    let Ok(Err(refused)) = s.place_bid("hengrun_trade", firm, live.lot.id, next).await else { panic!("accepted") };
    assert_eq!(refused.refusal.told(Audience::Investor).0, "not_accepted");
    // The investor's deposit confirmed, they may bid now.
    let mine = deposits.iter().find(|d| d.investor_id == qianchao.0).unwrap();
    s.confirm_deposit("finance", mine.id, live.lot.terms.deposit).await.unwrap();
    s.place_bid("investor", qianchao, live.lot.id, next).await.unwrap().unwrap();

    // The tender: ended yesterday, three bidders' sealed bids in (one replaced), not opened.
    assert!(tender.ends_at < now && now - tender.ends_at < Duration::days(1), "ended yesterday");
    let status = s.tender_status(tender.lot.id, None).await.unwrap();
    assert_eq!((status.submitted, status.requested_by.as_deref(), status.opened), (3, None, false));
    let confirmed = s.lot_deposits(Some(tender.lot.id)).await.unwrap();
    assert!(confirmed.len() == 3 && confirmed.iter().all(|d| d.status == DepositStatus::Confirmed));
    assert!(matches!(
        s.open_tender("asset_manager", tender.lot.id).await.unwrap(),
        huajie_store::OpenStep::Requested { .. }
    ));
    let huajie_store::OpenStep::Opened(opening) = s.open_tender("finance", tender.lot.id).await.unwrap() else {
        panic!("opened by the second user")
    };
    let yongjin = user(s, "yongjin_invest").await;
    assert!(matches!(opening.outcome, Outcome::Sold { winner, .. } if winner == yongjin), "{opening:?}");
    assert_eq!(opening.ranked.len(), 3);

    let qualified = s.investors(Some(huajie_decide::InvestorStatus::Qualified)).await.unwrap().len();
    assert_eq!(qualified, 4, "钱潮, 赵明远, 甬金 and 恒润");
    let report = s.verify_audit().await.unwrap();
    assert!(report.findings.is_empty(), "{:?}", report.findings);
}
