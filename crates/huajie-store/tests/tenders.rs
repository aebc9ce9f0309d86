//! Issue 14: the sealed-bid tender in the store — submissions hidden and replaced before the
//! end, opened by two different staff users after it, the outcome written to the lot and the
//! deposits settled, every step in the audit chain; on SQLite and again on PostgreSQL when
//! `HUAJIE_TEST_PG` names a server, each store on a clock the test moves.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use huajie_auction::{
    AuctionMode, Audience, DepositStatus, InvestorId, LotStatus, NoSale, Outcome, RefusalKind, Terms,
};
use huajie_core::clock::{FixedClock, beijing_midnight};
use huajie_core::{Money, PartyIdentifier, Uscc};
use huajie_decide::investor::{DocumentKind, InvestorKind};
use huajie_decide::{DisposalMethod, PlanStatus};
use huajie_store::testing::TestStore;
use huajie_store::{InvestorProfile, LotInput, LotRecord, OpenStep, Registered, Registration, Store, StoreError};

huajie_store::clocked_suite!(
    sealed_bids_stay_hidden_and_are_replaced_before_the_end,
    two_different_staff_open_the_tender_and_the_highest_earliest_wins,
    a_tender_under_the_reserve_does_not_sell,
);

/// 10:00 Beijing time on Monday 7 December 2026.
fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::at("2026-12-07T02:00:00Z".parse().unwrap()))
}

fn set(clock: &FixedClock, t: DateTime<Utc>) {
    *clock.0.lock().unwrap() = t;
}

/// The demo loaded, and a tender lot for its approved tender plan not yet put up: from tomorrow 10:00 to the
/// day after 16:00 Beijing time, the lowest tender 80% of the approved reserve, a 20 万 deposit.
async fn tender_lot(t: &TestStore) -> LotRecord {
    let demo = huajie_demo::generate();
    huajie_demo::load(&t.store, &demo, |_| "x".to_string()).await.unwrap();
    let s = &t.store;
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
    let lot = s.create_lot("asset_manager", &LotInput { plan_id: plan.id, title: String::new(), terms }).await.unwrap();
    assert_eq!(lot.terms.mode, AuctionMode::Sealed, "a tender plan is put up as a tender");
    lot
}

async fn user(s: &Store, name: &str) -> InvestorId {
    InvestorId(s.user_by_username(name).await.unwrap().unwrap().id)
}

async fn admitted(s: &Store, lot: &LotRecord, who: InvestorId, name: &str) {
    let d = s.record_deposit(name, who, lot.id, &format!("网银 {name}")).await.unwrap();
    s.confirm_deposit("finance", d.id, lot.terms.deposit).await.unwrap();
}

/// The demo's three qualified bidders without a link to the tender's claim, admitted.
async fn bidders(s: &Store, lot: &LotRecord) -> [InvestorId; 3] {
    let mut out = Vec::new();
    for name in ["investor", "zhao_mingyuan", "yongjin_invest"] {
        let who = user(s, name).await;
        admitted(s, lot, who, name).await;
        out.push(who);
    }
    out.try_into().unwrap()
}

fn plus(m: Money, yuan: i64) -> Money {
    m.checked_add(Money::from_yuan(yuan).unwrap()).unwrap()
}

fn refused_as<T: std::fmt::Debug>(r: Result<Result<T, huajie_store::RefusedBid>, StoreError>) -> RefusalKind {
    match r {
        Ok(Err(refused)) => refused.refusal.staff_kind(),
        other => panic!("expected a refusal by the rule, got {other:?}"),
    }
}

/// Submissions before the start and after the end refused; without a deposit refused; a
/// bidder's second submission replaces the first; the status and the audit say who has a bid
/// in, never how much; a tender is neither bid on as an auction nor closed as one; a company
/// the tender's debtor controls is refused by the screening, staff reading why.
async fn sealed_bids_stay_hidden_and_are_replaced_before_the_end(t: TestStore, clock: Arc<FixedClock>) {
    use huajie_store::book::{BookEntry, PartyRef, SheetEntry};
    let lot = tender_lot(&t).await;
    let s = &t.store;
    let [qianchao, zhao, yongjin] = bidders(s, &lot).await;
    let (first, second) = (plus(lot.terms.start_price, 12_345), plus(lot.terms.start_price, 67_891));
    assert_eq!(refused_as(s.submit_sealed_bid("investor", qianchao, lot.id, first).await), RefusalKind::NotStarted);
    set(&clock, lot.terms.starts_at);
    let haishu = user(s, "haishu_capital").await;
    assert_eq!(refused_as(s.submit_sealed_bid("h", haishu, lot.id, first).await), RefusalKind::NotQualified);
    let below = Money::from_fen(lot.terms.start_price.fen() - 1);
    assert_eq!(refused_as(s.submit_sealed_bid("zhao", zhao, lot.id, below).await), RefusalKind::BelowStart);

    let a = s.submit_sealed_bid("investor", qianchao, lot.id, first).await.unwrap().unwrap();
    assert_eq!((a.seq, a.replaced), (1, false));
    let status = s.tender_status(lot.id, Some(qianchao)).await.unwrap();
    assert_eq!((status.submitted, status.has_bid, status.opened), (1, true, false));
    assert!(!s.tender_status(lot.id, Some(zhao)).await.unwrap().has_bid);
    s.submit_sealed_bid("zhao", zhao, lot.id, first).await.unwrap().unwrap();
    let again = s.submit_sealed_bid("investor", qianchao, lot.id, second).await.unwrap().unwrap();
    assert_eq!((again.seq, again.replaced), (3, true), "the second submission replaces the first");
    assert_eq!(s.tender_status(lot.id, None).await.unwrap().submitted, 2, "one bid per bidder");

    // Nobody reads an amount: not in the audit, not in what the store says.
    let audit = s.audit_log(100_000, 0).await.unwrap();
    let this_lot = format!("{}/", lot.id);
    let sealed: Vec<_> =
        audit.iter().filter(|r| r.action == "sealed_bid" && r.entity_id.starts_with(&this_lot)).collect();
    assert_eq!(sealed.len(), 3);
    for r in &sealed {
        let detail = r.after.as_deref().unwrap();
        for amount in [first, second] {
            assert!(!detail.contains(&amount.fen().to_string()), "{detail}");
        }
        assert!(detail.contains("commitment"), "{detail}");
    }
    assert!(s.tender_opening(lot.id).await.unwrap().is_none());
    assert!(matches!(s.place_bid("zhao", zhao, lot.id, second).await, Err(StoreError::Refused(_))), "not an auction");
    set(&clock, lot.terms.ends_at);
    assert!(matches!(s.close_lot("asset_manager", lot.id).await, Err(StoreError::Refused(_))), "opened, not closed");

    // A company the tender's debtor controls, admitted before that was known: refused.
    set(&clock, lot.terms.starts_at + Duration::hours(1));
    let uscc = Uscc::with_check_chars("91330106MA3E0031").unwrap();
    let r = Registration {
        username: "debtor_firm".into(),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
        profile: InvestorProfile {
            kind: InvestorKind::Company,
            name: "杭州招标关联实业有限公司".into(),
            identifier: PartyIdentifier::Uscc(uscc.clone()),
            legal_rep: Some("张某".into()),
            phone: "13800138000".into(),
            email: "debtor_firm@example.cn".into(),
        },
    };
    let Registered::Done(firm) = s.register_investor(&r).await.unwrap() else { panic!("registered") };
    let docs: [(DocumentKind, &str, &[u8]); 2] =
        [(DocumentKind::BusinessLicence, "l.pdf", b"%PDF l"), (DocumentKind::ProofOfFunds, "f.pdf", b"%PDF f")];
    s.add_investor_documents("debtor_firm", firm.id, &docs).await.unwrap();
    s.qualify_investor("risk", firm.id).await.unwrap();
    let firm_id = InvestorId(firm.user_id);
    admitted(s, &lot, firm_id, "debtor_firm").await;
    let plan = s.plan(lot.plan_id).await.unwrap();
    let huajie_store::PlanSubject::Claim(claim) = plan.subject else { panic!("the demo plan sells a claim") };
    let debtor = s.claim(claim).await.unwrap().unwrap().debtor;
    let holder = debtor.data.identity.identifier().cloned().expect("the tender's debtor has an identifier");
    let control = BookEntry::Holding {
        holder: PartyRef { identifier: holder, name: None },
        held: PartyRef { identifier: PartyIdentifier::Uscc(uscc), name: None },
        stake_bps: 6_000,
        control: true,
    };
    s.import_book("risk", &[SheetEntry { sheet: "持股".into(), row: 2, entry: control }]).await.unwrap();
    let Ok(Err(refused)) = s.submit_sealed_bid("debtor_firm", firm_id, lot.id, first).await else { panic!() };
    assert_eq!(refused.refusal.told(Audience::Investor).0, "not_accepted");
    let audit = s.audit_log(100_000, 0).await.unwrap();
    let event = audit.iter().find(|r| r.action == "bid_refused" && r.entity_id == lot.id.to_string()).unwrap();
    assert!(event.after.as_deref().unwrap().contains("控制"), "{event:?}");
    assert_eq!(s.tender_status(lot.id, Some(firm_id)).await.unwrap().submitted, 2);

    set(&clock, lot.terms.ends_at);
    assert_eq!(refused_as(s.submit_sealed_bid("y", yongjin, lot.id, second).await), RefusalKind::Ended);
    let report = s.verify_audit().await.unwrap();
    assert!(report.findings.is_empty(), "{:?}", report.findings);
}

/// Opening: refused before the end; the first staff user asks, the same one cannot open
/// alone; a second opens: the highest wins, the earlier of equal amounts; the lot sold at that
/// amount, the winner's deposit applied and the others refunded; the ranking kept for staff,
/// and the chain holding each step with the commitments the amounts match.
async fn two_different_staff_open_the_tender_and_the_highest_earliest_wins(t: TestStore, clock: Arc<FixedClock>) {
    let lot = tender_lot(&t).await;
    let s = &t.store;
    let [qianchao, zhao, yongjin] = bidders(s, &lot).await;
    set(&clock, lot.terms.starts_at);
    let (low, high) = (lot.terms.reserve.unwrap(), plus(lot.terms.reserve.unwrap(), 50_000));
    s.submit_sealed_bid("investor", qianchao, lot.id, low).await.unwrap().unwrap();
    s.submit_sealed_bid("zhao", zhao, lot.id, high).await.unwrap().unwrap();
    s.submit_sealed_bid("y", yongjin, lot.id, high).await.unwrap().unwrap();

    match s.open_tender("asset_manager", lot.id).await {
        Err(StoreError::Refused(t)) => assert!(t.zh.contains("截止前不能开标"), "{t}"),
        other => panic!("opened before the end: {other:?}"),
    }
    set(&clock, lot.terms.ends_at);
    let asked = s.open_tender("asset_manager", lot.id).await.unwrap();
    assert_eq!(asked, OpenStep::Requested { by: "asset_manager".into() });
    assert_eq!(s.tender_status(lot.id, None).await.unwrap().requested_by.as_deref(), Some("asset_manager"));
    match s.open_tender("asset_manager", lot.id).await {
        Err(StoreError::Refused(t)) => assert!(t.zh.contains("两名不同的工作人员"), "{t}"),
        other => panic!("one user opened alone: {other:?}"),
    }
    assert_eq!(s.lot(lot.id).await.unwrap().lot.status, LotStatus::Open, "nothing opened");
    let OpenStep::Opened(opening) = s.open_tender("risk", lot.id).await.unwrap() else { panic!("not opened") };
    assert_eq!(opening.opened_by, ["asset_manager".to_string(), "risk".to_string()]);
    let ranked: Vec<(u32, InvestorId, Money)> = opening.ranked.iter().map(|b| (b.rank, b.bidder, b.amount)).collect();
    assert_eq!(ranked, [(1, zhao, high), (2, yongjin, high), (3, qianchao, low)], "equal amounts: the earlier first");
    assert!(matches!(opening.outcome, Outcome::Sold { winner, price, .. } if winner == zhao && price == high));

    let closed = s.lot(lot.id).await.unwrap().lot;
    assert_eq!((closed.status, closed.winner_id, closed.price), (LotStatus::Sold, Some(zhao.0), Some(high)));
    assert_eq!(closed.closed_by.as_deref(), Some("risk"));
    let settled: Vec<(i64, DepositStatus)> =
        s.lot_deposits(Some(lot.id)).await.unwrap().iter().map(|d| (d.investor_id, d.status)).collect();
    assert_eq!(
        settled,
        [(qianchao.0, DepositStatus::Refunded), (zhao.0, DepositStatus::Applied), (yongjin.0, DepositStatus::Refunded)]
    );
    let kept = s.tender_opening(lot.id).await.unwrap().unwrap();
    assert_eq!((kept.opened_by.as_deref(), kept.opening.as_ref()), (Some("risk"), Some(&opening)));
    assert!(s.tender_status(lot.id, None).await.unwrap().opened);
    assert!(matches!(s.open_tender("finance", lot.id).await, Err(StoreError::Refused(_))), "opened once");

    let audit = s.audit_log(100_000, 0).await.unwrap();
    let id = lot.id.to_string();
    let asked = audit.iter().filter(|r| r.action == "tender_open_requested" && r.entity_id == id).count();
    assert_eq!(asked, 1);
    let opened = audit.iter().find(|r| r.action == "tender_opened" && r.entity_id == id).expect("the opening");
    let opened: serde_json::Value = serde_json::from_str(opened.after.as_deref().unwrap()).unwrap();
    let this_lot = format!("{id}/");
    for r in audit.iter().filter(|r| r.action == "sealed_bid" && r.entity_id.starts_with(&this_lot)) {
        let detail: serde_json::Value = serde_json::from_str(r.after.as_deref().unwrap()).unwrap();
        let seq = detail["seq"].as_i64().unwrap();
        let bid = opening.ranked.iter().find(|b| b.seq == seq).unwrap();
        let salt = opened["salts"][seq.to_string()].as_str().unwrap();
        assert_eq!(detail["commitment"], huajie_store::commitment(salt, bid.amount), "sealed as opened");
    }
    assert!(audit.iter().any(|r| r.entity == "lot" && r.entity_id == id && r.action == "update"), "the lot's outcome");
    let report = s.verify_audit().await.unwrap();
    assert!(report.findings.is_empty(), "{:?}", report.findings);
}

/// The best tender under the reserve: no sale (流拍), every deposit refunded; a tender nobody
/// bid on does not sell either.
async fn a_tender_under_the_reserve_does_not_sell(t: TestStore, clock: Arc<FixedClock>) {
    let lot = tender_lot(&t).await;
    let s = &t.store;
    let [qianchao, zhao, _] = bidders(s, &lot).await;
    set(&clock, lot.terms.starts_at);
    let under = Money::from_fen(lot.terms.reserve.unwrap().fen() - 100);
    s.submit_sealed_bid("investor", qianchao, lot.id, under).await.unwrap().unwrap();
    s.submit_sealed_bid("zhao", zhao, lot.id, lot.terms.start_price).await.unwrap().unwrap();
    set(&clock, lot.terms.ends_at + Duration::hours(1));
    s.open_tender("finance", lot.id).await.unwrap();
    let OpenStep::Opened(opening) = s.open_tender("risk", lot.id).await.unwrap() else { panic!("not opened") };
    assert_eq!(opening.outcome, Outcome::NoSale(NoSale::UnderReserve { best: under }));
    let closed = s.lot(lot.id).await.unwrap().lot;
    assert_eq!((closed.status, closed.winner_id, closed.price), (LotStatus::Unsold, None, None));
    assert!(s.lot_deposits(Some(lot.id)).await.unwrap().iter().all(|d| d.status == DepositStatus::Refunded));
    let report = s.verify_audit().await.unwrap();
    assert!(report.findings.is_empty(), "{:?}", report.findings);
}
