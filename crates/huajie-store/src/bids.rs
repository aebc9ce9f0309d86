//! Bidding on a lot and its close (issue 14; `huajie_auction`). A bid is one write
//! transaction: the lot's state and the bidder's deposit are read under the write lock that
//! every server shares, the rule accepts or refuses, and an accepted bid is written with the
//! next sequence number, guarded on the one it follows. So bids are accepted in one order every
//! server agrees on, none twice (the primary key (lot, seq)). A bid short of the lot's best (or
//! of its start price) is answered from the lot as it stands, before anything else is read: in
//! a race most bids are, and the best only rises. For any other, the bidder's standing (still
//! qualified, and the screening of rules.md TX1–TX8 against the lot's claims over the whole
//! party graph) is read afresh, just before its transaction, so that the lock is held only for
//! what orders the bids: a change to the graph committed in those milliseconds is read by the
//! bidder's next bid.

use chrono::{DateTime, Utc};
use huajie_auction::{Accepted, Bid, Eligibility, InvestorId, Lot, LotStatus, Outcome, PlacedBid, Refusal, Screening};
use huajie_core::{Money, Text};
use serde::Serialize;
use sqlx::AnyConnection;

use crate::audit::Audited;
use crate::lots::{LiveLot, read};
use crate::rows::{i64_col, money, utc};
use crate::status::StatusTable;
use crate::{Store, StoreError, WriteTx};

/// An accepted bid as it is kept (and audited): the chain holds every bid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BidRecord {
    pub lot_id: i64,
    pub seq: i64,
    pub investor_id: i64,
    pub amount: Money,
    #[serde(serialize_with = "crate::rows::stored_time")]
    pub at: DateTime<Utc>,
}

impl Audited for BidRecord {
    const ENTITY: &'static str = "lot_bid";
    fn audit_id(&self) -> String {
        format!("{}/{}", self.lot_id, self.seq)
    }
}

/// A bid the rule refused: who was refused, and why as staff see it (the investor sees only
/// `Refusal::told(Audience::Investor)`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefusedBid {
    pub refusal: Refusal,
}

async fn bids_of(c: &mut AnyConnection, lot: Option<i64>, after: i64) -> Result<Vec<BidRecord>, StoreError> {
    sqlx::query(
        "SELECT lot_id, seq, investor_id, amount_fen, at FROM lot_bids WHERE ($1 IS NULL OR lot_id = $1) AND seq > $2 ORDER BY lot_id, seq",
    )
    .bind(lot)
    .bind(after)
    .fetch_all(&mut *c)
    .await?
    .iter()
    .map(|r| {
        Ok(BidRecord {
            lot_id: i64_col(r, "lot_id")?,
            seq: i64_col(r, "seq")?,
            investor_id: i64_col(r, "investor_id")?,
            amount: money(r, "amount_fen")?,
            at: utc(r, "at")?,
        })
    })
    .collect()
}

/// The lot's state as the rule reads it: terms, current end, best bid (the latest).
async fn state(c: &mut AnyConnection, live: &LiveLot) -> Result<Lot, StoreError> {
    let best = match live.last_seq {
        0 => None,
        seq => bids_of(&mut *c, Some(live.lot.id), seq - 1).await?.into_iter().next().map(|b| PlacedBid {
            seq: b.seq,
            bidder: InvestorId(b.investor_id),
            amount: b.amount,
            at: b.at,
        }),
    };
    Ok(Lot { terms: live.lot.terms.clone(), ends_at: live.ends_at, best })
}

impl Store {
    /// Every bid of a lot (or of every lot) after sequence number `after`, in order.
    pub async fn lot_bids(&self, lot: Option<i64>, after: i64) -> Result<Vec<BidRecord>, StoreError> {
        bids_of(&mut *self.pool.acquire().await?, lot, after).await
    }

    /// The investor's bid of `amount` on a live auction, at the server's time: accepted with its
    /// place in the lot's one order (and the lot's end after it), or refused by the rule
    /// (`Ok(Err(..))`: a refusal by screening is recorded for staff, with its reason). A lot
    /// not open, or not an auction, is refused as a store refusal.
    pub async fn place_bid(
        &self,
        actor: &str,
        investor: InvestorId,
        lot_id: i64,
        amount: Money,
    ) -> Result<Result<Accepted, RefusedBid>, StoreError> {
        let (qualified, screening) = {
            let mut c = self.pool.acquire().await?;
            let (live, lot, deposit_confirmed) = for_bid(&mut c, lot_id, investor).await?;
            let Some((party_id, qualified)) = qualification(&mut c, investor).await? else {
                return self.place_checked(actor, investor, lot_id, amount, (false, Screening::Clear)).await;
            };
            let eligibility = Eligibility { qualified, deposit_confirmed, screening: Screening::Clear };
            if let Some(refusal) = short(&live, &lot, &eligibility, investor, amount, self.clock.now()) {
                return Ok(Err(RefusedBid { refusal }));
            }
            (qualified, self.screening(&mut c, &live, party_id).await?)
        };
        self.place_checked(actor, investor, lot_id, amount, (qualified, screening)).await
    }

    /// The bid under the write lock, with the bidder's standing read just before it.
    async fn place_checked(
        &self,
        actor: &str,
        investor: InvestorId,
        lot_id: i64,
        amount: Money,
        (qualified, screening): (bool, Screening),
    ) -> Result<Result<Accepted, RefusedBid>, StoreError> {
        let mut tx = self.write(actor).await?;
        let (live, lot, deposit_confirmed) = for_bid(tx.conn(), lot_id, investor).await?;
        if live.lot.status != LotStatus::Open || live.lot.terms.mode != huajie_auction::AuctionMode::Ascending {
            return Err(StoreError::Refused(Text::fixed(
                "该标的不在网络拍卖竞价中。",
                "The lot is not open for bidding by auction.",
            )));
        }
        let eligibility = Eligibility { qualified, deposit_confirmed, screening };
        let bid = Bid { bidder: investor, amount, at: crate::stored_time(tx.clock.now()) };
        match lot.accept(bid, &eligibility) {
            Err(refusal) => {
                if refusal.staff_kind() == huajie_auction::RefusalKind::Screened {
                    let (_, why) = refusal.told(huajie_auction::Audience::Staff);
                    let detail = serde_json::json!({ "investor_id": investor.0, "amount_fen": amount.fen(), "zh": why.zh, "en": why.en });
                    tx.audit_event("bid_refused", "lot_bid_refusal", &lot_id.to_string(), detail).await?;
                    tx.commit().await?;
                }
                Ok(Err(RefusedBid { refusal }))
            }
            Ok(accepted) => {
                tx.write_bid(lot_id, &accepted).await?;
                tx.commit().await?;
                Ok(Ok(accepted))
            }
        }
    }

    /// Closes a lot once its (extended) end has passed: the outcome (`Lot::close`: sold at or
    /// above the reserve, or 流拍), the lot's status, and every deposit settled
    /// (`huajie_auction::deposit::at_close`: the winner's applied, the others refunded).
    pub async fn close_lot(&self, actor: &str, lot_id: i64) -> Result<Outcome, StoreError> {
        self.operate(actor, async |tx| {
            let live = read::lot(tx.conn(), lot_id).await?;
            if live.lot.terms.mode == huajie_auction::AuctionMode::Sealed {
                return Err(StoreError::Refused(Text::fixed(
                    "招标标的由两名工作人员开标，不能直接结束。",
                    "A tender is opened by two staff users, not closed.",
                )));
            }
            let lot = state(tx.conn(), &live).await?;
            let outcome = lot.close(tx.clock.now()).map_err(StoreError::Refused)?;
            tx.record_outcome(&live, outcome).await?;
            Ok(outcome)
        })
        .await
    }
}

impl WriteTx {
    /// Writes a lot's outcome (an auction's close, a tender's opening): its status, outcome,
    /// winner and price, audited, and every deposit settled.
    pub(crate) async fn record_outcome(&mut self, live: &LiveLot, outcome: Outcome) -> Result<(), StoreError> {
        let (tx, lot_id) = (self, live.lot.id);
        {
            let now = crate::stored_time(tx.clock.now());
            let (winner, price) = match outcome {
                Outcome::Sold { winner, price, .. } => (Some(winner.0), Some(price.fen())),
                Outcome::NoSale(_) => (None, None),
            };
            let described = serde_json::to_string(&outcome).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            let also = [
                ("outcome", Some(described)),
                ("closed_at", Some(crate::timestamp(now))),
                ("closed_by", Some(tx.actor().to_string())),
            ];
            tx.set_status(StatusTable::Lots, lot_id, live.lot.status, outcome.status(), &also).await?;
            sqlx::query("UPDATE lots SET winner_id = $1, price_fen = $2 WHERE id = $3")
                .bind(winner)
                .bind(price)
                .bind(lot_id)
                .execute(tx.conn())
                .await?;
            let after = read::lot(tx.conn(), lot_id).await?.lot;
            tx.audit_update(&live.lot, &after).await?;
            tx.settle_deposits(lot_id, outcome, now).await?;
            tx.record_sale(lot_id, outcome).await?;
            Ok(())
        }
    }

    /// Writes an accepted bid: the lot's last sequence number and end, guarded on the number
    /// the bid follows (another server's bid in between matches no row), then the bid.
    async fn write_bid(&mut self, lot_id: i64, a: &Accepted) -> Result<(), StoreError> {
        let moved =
            sqlx::query("UPDATE lots SET last_seq = $1, ends_at = $2 WHERE id = $3 AND last_seq = $4 AND status = $5")
                .bind(a.seq)
                .bind(crate::timestamp(a.ends_at))
                .bind(lot_id)
                .bind(a.after)
                .bind(LotStatus::Open.code())
                .execute(self.conn())
                .await?
                .rows_affected();
        if moved != 1 {
            return Err(StoreError::Refused(Text::fixed(
                "出价时标的状态已变化，请刷新后重试。",
                "The lot changed while the bid was placed: reload and try again.",
            )));
        }
        sqlx::query("INSERT INTO lot_bids (lot_id, seq, investor_id, amount_fen, at) VALUES ($1, $2, $3, $4, $5)")
            .bind(lot_id)
            .bind(a.seq)
            .bind(a.bidder.0)
            .bind(a.amount.fen())
            .bind(crate::timestamp(a.at))
            .execute(self.conn())
            .await?;
        let bid = BidRecord { lot_id, seq: a.seq, investor_id: a.bidder.0, amount: a.amount, at: a.at };
        self.audit_create(&bid).await?;
        Ok(())
    }

    /// Every deposit of the lot as the close leaves it (`deposit::at_close`), each change audited.
    async fn settle_deposits(&mut self, lot_id: i64, outcome: Outcome, now: DateTime<Utc>) -> Result<(), StoreError> {
        let records = read::deposits(self.conn(), Some(lot_id)).await?;
        let deposits: Vec<huajie_auction::Deposit> = records
            .iter()
            .map(|d| huajie_auction::Deposit {
                id: d.id,
                investor: InvestorId(d.investor_id),
                amount: d.amount,
                status: d.status,
            })
            .collect();
        let settlement = huajie_auction::deposit::at_close(outcome, &deposits).map_err(StoreError::Refused)?;
        for (id, next) in settlement.moves {
            let before = read::deposit(self.conn(), id).await?;
            let also = [("settled_at", Some(crate::timestamp(now)))];
            self.set_status(StatusTable::Deposits, id, before.status, next, &also).await?;
            let after = read::deposit(self.conn(), id).await?;
            self.audit_update(&before, &after).await?;
        }
        Ok(())
    }
}

/// Whether the bidder is still a qualified investor, and the screening of its party against the
/// lot's claims (rules.md TX1–TX8, `huajie_rules::pretrade::screen_transferee`), read now. At an
/// auction any finding refuses the bid — a block, and also what a negotiated sale would need an
/// override for (a related party, a dishonest debtor): nobody is there to give one in the
/// moment. Staff read the finding; the investor only that the bid cannot be accepted.
pub(crate) async fn standing(
    c: &mut AnyConnection,
    live: &LiveLot,
    investor: InvestorId,
    today: chrono::NaiveDate,
) -> Result<(bool, Screening), StoreError> {
    let Some((party_id, qualified)) = qualification(&mut *c, investor).await? else {
        return Ok((false, Screening::Clear));
    };
    Ok((qualified, screening(c, live, party_id, today).await?))
}

/// The investor's party and whether they are qualified; `None` for a user who never registered.
async fn qualification(c: &mut AnyConnection, investor: InvestorId) -> Result<Option<(i64, bool)>, StoreError> {
    let Some(row) = sqlx::query("SELECT party_id, status FROM investors WHERE user_id = $1")
        .bind(investor.0)
        .fetch_optional(&mut *c)
        .await?
    else {
        return Ok(None);
    };
    let qualified = crate::rows::text(&row, "status")? == huajie_decide::InvestorStatus::Qualified.code();
    Ok(Some((i64_col(&row, "party_id")?, qualified)))
}

/// Whether the investor's deposit for the lot is confirmed.
pub(crate) async fn deposit_confirmed(
    c: &mut AnyConnection,
    lot_id: i64,
    investor: InvestorId,
) -> Result<bool, StoreError> {
    let status = sqlx::query("SELECT status FROM lot_deposits WHERE lot_id = $1 AND investor_id = $2")
        .bind(lot_id)
        .bind(investor.0)
        .fetch_optional(&mut *c)
        .await?
        .map(|r| crate::rows::text(&r, "status"))
        .transpose()?;
    Ok(status.is_some_and(|s| s == huajie_auction::DepositStatus::Confirmed.code()))
}

/// A bid refused as too low from the lot as it stands, before anything else is read: below
/// the start price, or short of the best bid plus the increment (`Lot::accept` asks screening
/// only after these). The lot's best only rises, so a bid short of it now is short of it under
/// the write lock too; the answer is the rule's, the screening (the party graph) never read.
/// Every other answer waits for the write lock.
fn short(
    live: &LiveLot,
    lot: &Lot,
    eligibility: &Eligibility,
    investor: InvestorId,
    amount: Money,
    now: DateTime<Utc>,
) -> Option<Refusal> {
    if live.lot.status != LotStatus::Open || live.lot.terms.mode != huajie_auction::AuctionMode::Ascending {
        return None;
    }
    let bid = Bid { bidder: investor, amount, at: crate::stored_time(now) };
    lot.accept(bid, eligibility).err().filter(|r| {
        matches!(r.staff_kind(), huajie_auction::RefusalKind::BelowStart | huajie_auction::RefusalKind::TooLow)
    })
}

/// What a bid is ruled on, in one query: the lot, its state as the rule reads it (terms, end,
/// best bid: the latest), and whether the investor's deposit for it is confirmed.
async fn for_bid(c: &mut AnyConnection, lot_id: i64, investor: InvestorId) -> Result<(LiveLot, Lot, bool), StoreError> {
    let sql = format!(
        "SELECT l.*, b.investor_id AS best_investor, b.amount_fen AS best_amount_fen, b.at AS best_at, \
         (SELECT d.status FROM lot_deposits d WHERE d.lot_id = l.id AND d.investor_id = $2) AS deposit_status \
         FROM (SELECT {} FROM lots WHERE id = $1) l LEFT JOIN lot_bids b ON b.lot_id = l.id AND b.seq = l.last_seq",
        crate::lots::LOT_COLUMNS
    );
    let row = sqlx::query(crate::composed(sql)).bind(lot_id).bind(investor.0).fetch_optional(&mut *c).await?;
    let row = row.ok_or_else(|| StoreError::NotFound(format!("拍卖标的 / lot {lot_id}")))?;
    let live = crate::lots::live_lot(&row)?;
    let best = match crate::rows::opt_i64(&row, "best_investor")? {
        Some(bidder) if live.last_seq > 0 => Some(PlacedBid {
            seq: live.last_seq,
            bidder: InvestorId(bidder),
            amount: money(&row, "best_amount_fen")?,
            at: utc(&row, "best_at")?,
        }),
        _ => None,
    };
    let confirmed = crate::rows::opt_text(&row, "deposit_status")?
        .is_some_and(|s| s == huajie_auction::DepositStatus::Confirmed.code());
    let lot = Lot { terms: live.lot.terms.clone(), ends_at: live.ends_at, best };
    Ok((live, lot, confirmed))
}

/// Screening verdicts by (party, lot): the book's version and the day each was reached at.
pub(crate) type KeptScreenings =
    std::sync::Arc<std::sync::Mutex<std::collections::HashMap<(i64, i64), (i64, chrono::NaiveDate, Screening)>>>;

/// How many verdicts are kept at most (past it, all are dropped and reached again).
const SCREENINGS_KEPT: usize = 10_000;

impl Store {
    /// The screening of party `party_id` on the lot, as of now: kept from an earlier bid when
    /// nothing it reads has changed since (`Store::book_version`, read first; the same day),
    /// otherwise reached afresh over the whole party graph and kept. A change to the graph
    /// committed by any server moves the version, so the next bid reads it.
    async fn screening(&self, c: &mut AnyConnection, live: &LiveLot, party_id: i64) -> Result<Screening, StoreError> {
        let version = crate::db::book_version(&mut *c).await?;
        let today = self.clock.today();
        let key = (party_id, live.lot.id);
        let kept = self.screenings.lock().unwrap_or_else(|e| e.into_inner()).get(&key).cloned();
        if let Some((at, day, verdict)) = kept
            && (at, day) == (version, today)
        {
            return Ok(verdict);
        }
        let verdict = screening(c, live, party_id, today).await?;
        let mut kept = self.screenings.lock().unwrap_or_else(|e| e.into_inner());
        if kept.len() >= SCREENINGS_KEPT {
            kept.clear();
        }
        if kept.get(&key).is_none_or(|(at, _, _)| *at <= version) {
            kept.insert(key, (version, today, verdict.clone()));
        }
        Ok(verdict)
    }
}

/// Screening (rules.md TX1–TX8) of the investor's party against the lot's claims, over the
/// whole party graph.
async fn screening(
    c: &mut AnyConnection,
    live: &LiveLot,
    party_id: i64,
    today: chrono::NaiveDate,
) -> Result<Screening, StoreError> {
    let plan = crate::disposal::read::plan(&mut *c, live.lot.plan_id).await?;
    let (claims, retail_batch) = lot_claims(&mut *c, &plan).await?;
    let company =
        crate::company::company(&mut *c).await?.ok_or_else(|| StoreError::NotFound("公司 / company".into()))?;
    let params = crate::parameters::latest(&mut *c).await?.map(|s| s.parameters).unwrap_or_default();
    let ledger = crate::ledger::party_graph(&mut *c).await?;
    let mut named: Vec<i64> =
        claims.iter().flat_map(|c| std::iter::once(c.debtor).chain(c.guarantors.clone())).collect();
    named.push(party_id);
    named.sort_unstable();
    named.dedup();
    let parties = crate::deals::check_parties_of(&mut *c, &named).await?;
    let Some(party) = parties.get(&party_id).cloned() else {
        return Err(StoreError::Corrupt(format!("investors: party {party_id} not found")));
    };
    let names: std::collections::BTreeMap<i64, String> = parties.iter().map(|(id, p)| (*id, p.name.clone())).collect();
    let setting = huajie_rules::pretrade::Setting { home: company.province, as_of: today, names: &names };
    let transferee = huajie_rules::checks::Counterparty::Registered(party);
    let findings =
        huajie_rules::pretrade::screen_transferee(&setting, &ledger, &params, &transferee, &claims, retail_batch);
    Ok(match findings.first() {
        None => Screening::Clear,
        Some(f) => Screening::Refused(Text::new(f.zh.clone(), f.en.clone())),
    })
}

/// The claims a lot sells, as the screening reads them (debtor and guarantors), and whether
/// they came in a batch of personal loans: a claim's own, a collateral item's claims, or the
/// package's.
async fn lot_claims(
    c: &mut AnyConnection,
    plan: &crate::Plan,
) -> Result<(Vec<huajie_rules::pretrade::SoldClaim>, bool), StoreError> {
    let (filter, id) = match plan.subject {
        crate::PlanSubject::Claim(id) => ("c.id = $1", id),
        crate::PlanSubject::Collateral(id) => {
            ("c.id IN (SELECT claim_id FROM claim_collateral WHERE collateral_id = $1)", id)
        }
        crate::PlanSubject::Package(id) => ("c.package_id = $1", id),
    };
    let sql = format!(
        "SELECT c.id, c.contract_no, c.debtor_id, c.principal_fen + c.interest_fen AS owed, g.guarantor_id \
         FROM claims c LEFT JOIN guarantees g ON g.claim_id = c.id WHERE {filter} ORDER BY c.id"
    );
    let rows = sqlx::query(crate::composed(sql)).bind(id).fetch_all(&mut *c).await?;
    let mut claims: Vec<(i64, huajie_rules::pretrade::SoldClaim)> = Vec::new();
    for r in &rows {
        let claim = i64_col(r, "id")?;
        if claims.last().is_none_or(|(id, _)| *id != claim) {
            claims.push((
                claim,
                huajie_rules::pretrade::SoldClaim {
                    contract_no: crate::rows::text(r, "contract_no")?,
                    debtor: i64_col(r, "debtor_id")?,
                    guarantors: Vec::new(),
                    book_value: money(r, "owed")?,
                },
            ));
        }
        if let (Some(g), Some((_, c))) = (crate::rows::opt_i64(r, "guarantor_id")?, claims.last_mut()) {
            c.guarantors.push(g);
        }
    }
    let package = crate::portfolio::package_row(&mut *c, plan.package_id).await?;
    let retail = package.data.valuation_basis == huajie_core::ValuationBasis::RetailBatch;
    Ok((claims.into_iter().map(|(_, c)| c).collect(), retail))
}
