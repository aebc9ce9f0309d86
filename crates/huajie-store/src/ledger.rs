//! The compliance book as it is read: one reader per part, each over one connection, so that
//! the same reader serves a page (a pooled connection, through the `Store` method of the same
//! name) and an operation that records what it computed from the book (its write transaction's
//! connection, `WriteTx::conn`: the book as it stands under the write lock). `compliance_ledger`
//! assembles them with the claims held into the `Ledger` the indicators read.

use std::collections::{BTreeMap, BTreeSet};

use huajie_core::Money;
use huajie_ledger::Account;
use huajie_rules::Ledger;
use huajie_rules::graph::{GraphParty, Holding};
use huajie_rules::indicators::{
    Capacity, CashFlow, Channel, Exposure, ExposureKind, Funding, HeldPackage, Investment, InvestmentKind, LiquidAsset,
    LiquidKind, Payment, StaffEntity, held_claim_exposures,
};
use sqlx::AnyConnection;
use sqlx::any::AnyRow;

use crate::compliance::{
    CashFlowRecord, ExposureRecord, FundingRecord, InvestmentRecord, LiquidAssetRecord, NetAssets, Officer, PartyLink,
    Relative, StaffEntityRecord, StaffMember,
};
use crate::rows::{date, i64_col, money, opt_i64, text};
use crate::{Store, StoreError};

fn flag(r: &AnyRow, c: &str) -> Result<bool, StoreError> {
    Ok(i64_col(r, c)? != 0)
}

fn bad_code(table: &str, code: &str) -> StoreError {
    StoreError::Corrupt(format!("{table}: unknown code {code}"))
}

/// Each reader below as a `Store` method of the same name, on a pooled connection.
macro_rules! on_the_pool {
    ($($(#[$m:meta])* $name:ident -> $t:ty;)+) => {
        impl Store {
            $(
                $(#[$m])*
                pub async fn $name(&self) -> Result<$t, StoreError> {
                    $name(&mut *self.pool.acquire().await?).await
                }
            )+
        }
    };
}

on_the_pool! {
    net_assets -> Vec<NetAssets>;
    investments -> Vec<InvestmentRecord>;
    funding_book -> Vec<FundingRecord>;
    cash_calendar -> Vec<CashFlowRecord>;
    liquid_assets -> Vec<LiquidAssetRecord>;
    exposures -> Vec<ExposureRecord>;
    party_links -> Vec<PartyLink>;
    officers -> Vec<Officer>;
    relatives -> Vec<Relative>;
    /// The staff register.
    staff -> Vec<StaffMember>;
    /// The entities the staff and their relatives take part in.
    staff_entities -> Vec<StaffEntityRecord>;
    /// The company as a party of the graph (by its USCC), if it has been entered as one.
    company_party_id -> Option<i64>;
    /// Everything the indicators read; the claims held become exposures by
    /// `huajie_rules::indicators::held_claim_exposures`.
    compliance_ledger -> Ledger;
}

pub(crate) async fn net_assets(c: &mut AnyConnection) -> Result<Vec<NetAssets>, StoreError> {
    let rows = sqlx::query("SELECT id, quarter_end, amount_fen, source FROM net_assets ORDER BY quarter_end")
        .fetch_all(&mut *c)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(NetAssets {
                id: i64_col(r, "id")?,
                quarter_end: date(r, "quarter_end")?,
                amount: money(r, "amount_fen")?,
                source: text(r, "source")?,
            })
        })
        .collect()
}

pub(crate) async fn investments(c: &mut AnyConnection) -> Result<Vec<InvestmentRecord>, StoreError> {
    let rows =
        sqlx::query("SELECT id, booked_on, amount_fen, kind, description FROM investments ORDER BY booked_on, id")
            .fetch_all(&mut *c)
            .await?;
    rows.iter()
        .map(|r| {
            Ok(InvestmentRecord {
                id: i64_col(r, "id")?,
                booked_on: date(r, "booked_on")?,
                amount: money(r, "amount_fen")?,
                kind: text(r, "kind")?,
                description: text(r, "description")?,
            })
        })
        .collect()
}

pub(crate) async fn funding_book(c: &mut AnyConnection) -> Result<Vec<FundingRecord>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, label, channel, lender_id, principal_fen, start_date, maturity_date, line_limit_fen FROM funding_instruments ORDER BY id",
    )
    .fetch_all(&mut *c)
    .await?;
    let payments = sqlx::query(
        "SELECT instrument_id, due_date, principal_fen, interest_fen FROM funding_payments ORDER BY instrument_id, due_date",
    )
    .fetch_all(&mut *c)
    .await?;
    let mut out: Vec<FundingRecord> = rows
        .iter()
        .map(|r| {
            Ok(FundingRecord {
                id: i64_col(r, "id")?,
                label: text(r, "label")?,
                channel: text(r, "channel")?,
                lender_id: i64_col(r, "lender_id")?,
                principal: money(r, "principal_fen")?,
                start_date: date(r, "start_date")?,
                maturity_date: date(r, "maturity_date")?,
                payments: Vec::new(),
                line_limit: opt_i64(r, "line_limit_fen")?.map(Money::from_fen),
            })
        })
        .collect::<Result<_, StoreError>>()?;
    for p in &payments {
        let id = i64_col(p, "instrument_id")?;
        if let Some(f) = out.iter_mut().find(|f| f.id == id) {
            f.payments.push((date(p, "due_date")?, money(p, "principal_fen")?, money(p, "interest_fen")?));
        }
    }
    Ok(out)
}

pub(crate) async fn cash_calendar(c: &mut AnyConnection) -> Result<Vec<CashFlowRecord>, StoreError> {
    let rows = sqlx::query("SELECT id, label, due_date, amount_fen, inflow FROM cash_flows ORDER BY due_date, id")
        .fetch_all(&mut *c)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(CashFlowRecord {
                id: i64_col(r, "id")?,
                label: text(r, "label")?,
                due_date: date(r, "due_date")?,
                amount: money(r, "amount_fen")?,
                inflow: flag(r, "inflow")?,
            })
        })
        .collect()
}

pub(crate) async fn liquid_assets(c: &mut AnyConnection) -> Result<Vec<LiquidAssetRecord>, StoreError> {
    let rows = sqlx::query("SELECT id, label, kind, amount_fen, encumbered FROM liquid_assets ORDER BY id")
        .fetch_all(&mut *c)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(LiquidAssetRecord {
                id: i64_col(r, "id")?,
                label: text(r, "label")?,
                kind: text(r, "kind")?,
                amount: money(r, "amount_fen")?,
                encumbered: flag(r, "encumbered")?,
            })
        })
        .collect()
}

pub(crate) async fn exposures(c: &mut AnyConnection) -> Result<Vec<ExposureRecord>, StoreError> {
    let rows = sqlx::query("SELECT id, party_id, kind, book_value_fen, description FROM exposures ORDER BY id")
        .fetch_all(&mut *c)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(ExposureRecord {
                id: i64_col(r, "id")?,
                party_id: i64_col(r, "party_id")?,
                kind: text(r, "kind")?,
                book_value: money(r, "book_value_fen")?,
                description: text(r, "description")?,
            })
        })
        .collect()
}

pub(crate) async fn party_links(c: &mut AnyConnection) -> Result<Vec<PartyLink>, StoreError> {
    let rows = sqlx::query("SELECT id, holder_id, held_id, stake_bps, control FROM party_links ORDER BY id")
        .fetch_all(&mut *c)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(PartyLink {
                id: i64_col(r, "id")?,
                holder_id: i64_col(r, "holder_id")?,
                held_id: i64_col(r, "held_id")?,
                stake_bps: i64_col(r, "stake_bps")?,
                control: flag(r, "control")?,
            })
        })
        .collect()
}

pub(crate) async fn officers(c: &mut AnyConnection) -> Result<Vec<Officer>, StoreError> {
    let rows = sqlx::query("SELECT party_id, role FROM officers ORDER BY party_id").fetch_all(&mut *c).await?;
    rows.iter()
        .map(|r| Ok(Officer { id: i64_col(r, "party_id")?, party_id: i64_col(r, "party_id")?, role: text(r, "role")? }))
        .collect()
}

pub(crate) async fn relatives(c: &mut AnyConnection) -> Result<Vec<Relative>, StoreError> {
    let rows = sqlx::query("SELECT a_id, b_id FROM relatives ORDER BY a_id, b_id").fetch_all(&mut *c).await?;
    rows.iter()
        .map(|r| {
            let (a, b) = (i64_col(r, "a_id")?, i64_col(r, "b_id")?);
            Ok(Relative { id: a * 1_000_000_007 + b, a_id: a, b_id: b })
        })
        .collect()
}

pub(crate) async fn staff(c: &mut AnyConnection) -> Result<Vec<StaffMember>, StoreError> {
    let rows = sqlx::query("SELECT party_id, department FROM staff ORDER BY party_id").fetch_all(&mut *c).await?;
    rows.iter()
        .map(|r| {
            let party_id = i64_col(r, "party_id")?;
            Ok(StaffMember { id: party_id, party_id, department: text(r, "department")? })
        })
        .collect()
}

pub(crate) async fn staff_entities(c: &mut AnyConnection) -> Result<Vec<StaffEntityRecord>, StoreError> {
    let rows = sqlx::query("SELECT id, person_id, entity_id, capacity FROM staff_entities ORDER BY id")
        .fetch_all(&mut *c)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(StaffEntityRecord {
                id: i64_col(r, "id")?,
                person_id: i64_col(r, "person_id")?,
                entity_id: i64_col(r, "entity_id")?,
                capacity: text(r, "capacity")?,
            })
        })
        .collect()
}

pub(crate) async fn company_party_id(c: &mut AnyConnection) -> Result<Option<i64>, StoreError> {
    let Some(company) = crate::company::company(&mut *c).await? else { return Ok(None) };
    let row = sqlx::query("SELECT id FROM parties WHERE identifier = $1")
        .bind(company.uscc.as_str())
        .fetch_optional(&mut *c)
        .await?;
    row.map(|r| i64_col(&r, "id")).transpose()
}

/// The packages with their claims (debtor, principal + interest), for `held_claim_exposures` to
/// tell which are held and at what book value: all of them, or package `only`, each with its
/// claims' ids in the order of `HeldPackage::claims`. A package whose purchase stands in the
/// recovery ledger is held at each claim's remaining cost basis there (`recovered_costs`): a
/// receipt, a sale or a write-off moves the book on its own posting, with no second entry by
/// hand. Otherwise its price is shared by what the claims owe, and a claim sold at auction
/// stays in the book until the sale's proceeds are posted (see docs/ledger.md, "What the
/// indicators read"). Claims in the order of their ids.
pub(crate) async fn held_packages(c: &mut AnyConnection, only: Option<i64>) -> Result<Vec<HeldPackage>, StoreError> {
    let rows = sqlx::query(
        "SELECT k.id, k.status, k.price_fen, c.id AS claim_id, c.debtor_id, c.principal_fen + c.interest_fen AS owed FROM claims c JOIN packages k ON k.id = c.package_id WHERE ($1 IS NULL OR k.id = $1) ORDER BY k.id, c.id",
    )
    .bind(only)
    .fetch_all(&mut *c)
    .await?;
    let (purchased, cost) = recovered_costs(&mut *c).await?;
    let mut packages: Vec<(i64, HeldPackage)> = Vec::new();
    for r in &rows {
        let id = i64_col(r, "id")?;
        if packages.last().is_none_or(|(last, _)| *last != id) {
            let status = crate::rows::code(r, "status", huajie_core::PackageStatus::from_code)?;
            let price = crate::rows::opt_money(r, "price_fen")?;
            let ledger = purchased.contains(&id).then(Vec::new);
            let p = HeldPackage { status, price, claims: Vec::new(), sold: Default::default(), cost: ledger };
            packages.push((id, p));
        }
        if let Some((_, p)) = packages.last_mut() {
            let claim = i64_col(r, "claim_id")?;
            p.claims.push((i64_col(r, "debtor_id")?, money(r, "owed")?));
            if let Some(costs) = p.cost.as_mut() {
                costs.push(Money::from_fen(cost.get(&claim).copied().unwrap_or(0)));
            }
        }
    }
    Ok(packages.into_iter().map(|(_, p)| p).collect())
}

/// The recovery ledger's claims as the book holds them: the packages whose purchase stands
/// (posted and not reversed), and each claim's balance on 不良债权资产—收购成本 (1531: debits
/// less credits over every entry, a reversal cancelling what it reverses).
async fn recovered_costs(c: &mut AnyConnection) -> Result<(BTreeSet<i64>, BTreeMap<i64, i64>), StoreError> {
    let rows = sqlx::query(
        "SELECT DISTINCT e.package_id FROM ledger_entries e WHERE e.kind = 'purchase' AND e.package_id IS NOT NULL \
         AND NOT EXISTS (SELECT 1 FROM ledger_entries r WHERE r.reverses_id = e.id)",
    )
    .fetch_all(&mut *c)
    .await?;
    let purchased: BTreeSet<i64> = rows.iter().map(|r| i64_col(r, "package_id")).collect::<Result<_, _>>()?;
    let rows = sqlx::query(
        "SELECT l.claim_id, CAST(SUM(CASE WHEN l.side = 'debit' THEN l.amount_fen ELSE -l.amount_fen END) AS BIGINT) AS cost \
         FROM ledger_lines l WHERE l.account = $1 AND l.claim_id IS NOT NULL GROUP BY l.claim_id",
    )
    .bind(Account::ClaimCost.code())
    .fetch_all(&mut *c)
    .await?;
    let cost: BTreeMap<i64, i64> =
        rows.iter().map(|r| Ok((i64_col(r, "claim_id")?, i64_col(r, "cost")?))).collect::<Result<_, StoreError>>()?;
    Ok((purchased, cost))
}

/// The cash the collection work moved, as the recovery ledger has it: 银行存款 (1002) of the
/// receipts and expenses and of their reversals, debits less credits; `None` before any. The
/// purchase and the funding are left out: the book has them already (the acquisition pays out
/// of a cash entry of the book, funding is the funding book).
async fn collected_cash(c: &mut AnyConnection) -> Result<Option<Money>, StoreError> {
    let r = sqlx::query(
        "SELECT COUNT(*) AS n, CAST(COALESCE(SUM(CASE WHEN l.side = 'debit' THEN l.amount_fen ELSE -l.amount_fen END), 0) AS BIGINT) AS cash \
         FROM ledger_lines l JOIN ledger_entries e ON e.id = l.entry_id LEFT JOIN ledger_entries o ON o.id = e.reverses_id \
         WHERE l.account = $1 AND (e.kind IN ('receipt', 'expense') OR o.kind IN ('receipt', 'expense'))",
    )
    .bind(Account::BankCash.code())
    .fetch_one(&mut *c)
    .await?;
    let cash = Money::from_fen(i64_col(&r, "cash")?);
    Ok((i64_col(&r, "n")? > 0).then_some(cash))
}

/// The recovery ledger's cash as a line of the book's liquid assets (cash, unencumbered).
pub const COLLECTED_CASH_LABEL: &str = "回收台账：收款减费用（银行存款） / recovery ledger: receipts less expenses";

/// Every party as the graph reads it: a person or not, and a state organ as the checks read
/// it (flagged in the book, or a USCC registered as 机关).
async fn graph_parties(c: &mut AnyConnection) -> Result<Vec<GraphParty>, StoreError> {
    let rows = sqlx::query(
        "SELECT p.id, p.kind, p.identifier, a.state_organ FROM parties p LEFT JOIN party_attributes a ON a.party_id = p.id",
    )
    .fetch_all(&mut *c)
    .await?;
    rows.iter()
        .map(|r| {
            let flagged = crate::rows::opt_i64(r, "state_organ")?.is_some_and(|x| x != 0);
            Ok(GraphParty {
                id: i64_col(r, "id")?,
                person: text(r, "kind")? == "individual",
                // A party without a verified identifier is a state organ only when flagged.
                state_organ: flagged
                    || crate::rows::opt_text(r, "identifier")?.is_some_and(|i| crate::checks::uscc_state_organ(&i)),
            })
        })
        .collect()
}

/// The book's money: net assets, investments, funding, cash calendar, liquid assets and the
/// exposures recorded in it (the claims held are added by `compliance_ledger`).
async fn book_into(c: &mut AnyConnection, l: &mut Ledger) -> Result<(), StoreError> {
    for n in net_assets(&mut *c).await? {
        l.net_assets.insert(n.quarter_end, n.amount);
    }
    for i in investments(&mut *c).await? {
        let kind = InvestmentKind::from_code(&i.kind).ok_or_else(|| bad_code("investments.kind", &i.kind))?;
        l.investments.push(Investment { date: i.booked_on, amount: i.amount, kind });
    }
    for f in funding_book(&mut *c).await? {
        let channel =
            Channel::from_code(&f.channel).ok_or_else(|| bad_code("funding_instruments.channel", &f.channel))?;
        let payments = f
            .payments
            .iter()
            .map(|(date, principal, interest)| Payment { date: *date, principal: *principal, interest: *interest })
            .collect();
        l.funding.push(Funding { id: Some(f.id), label: f.label, channel, principal: f.principal, payments });
    }
    for f in cash_calendar(&mut *c).await? {
        l.cash_flows.push(CashFlow { label: f.label, date: f.due_date, amount: f.amount, inflow: f.inflow });
    }
    for a in liquid_assets(&mut *c).await? {
        let kind = LiquidKind::from_code(&a.kind).ok_or_else(|| bad_code("liquid_assets.kind", &a.kind))?;
        l.liquid_assets.push(LiquidAsset { label: a.label, kind, amount: a.amount, encumbered: a.encumbered });
    }
    for e in exposures(&mut *c).await? {
        let kind = ExposureKind::from_code(&e.kind).ok_or_else(|| bad_code("exposures.kind", &e.kind))?;
        l.exposures.push(Exposure { party: e.party_id, kind, book_value: e.book_value });
    }
    Ok(())
}

/// The party graph: holdings, officers, staff, relatives and the entities they take part in.
async fn graph_into(c: &mut AnyConnection, l: &mut Ledger) -> Result<(), StoreError> {
    l.parties = graph_parties(&mut *c).await?;
    for link in party_links(&mut *c).await? {
        l.holdings.push(Holding {
            holder: link.holder_id,
            held: link.held_id,
            stake_bps: link.stake_bps.clamp(0, 10_000) as u32,
            control: link.control,
        });
    }
    l.officers = officers(&mut *c).await?.into_iter().map(|o| o.party_id).collect();
    l.staff = staff(&mut *c).await?.into_iter().map(|m| m.party_id).collect();
    l.relatives = relatives(&mut *c).await?.into_iter().map(|r| (r.a_id, r.b_id)).collect();
    for e in staff_entities(&mut *c).await? {
        let capacity =
            Capacity::from_code(&e.capacity).ok_or_else(|| bad_code("staff_entities.capacity", &e.capacity))?;
        l.staff_entities.push(StaffEntity { person: e.person_id, entity: e.entity_id, capacity });
    }
    Ok(())
}

/// The party graph alone, with the company's place in it: what the transferee screening reads.
pub(crate) async fn party_graph(c: &mut AnyConnection) -> Result<Ledger, StoreError> {
    let mut l = Ledger { company: company_party_id(&mut *c).await?.unwrap_or(0), ..Ledger::default() };
    graph_into(&mut *c, &mut l).await?;
    Ok(l)
}

pub(crate) async fn compliance_ledger(c: &mut AnyConnection) -> Result<Ledger, StoreError> {
    let company = company_party_id(&mut *c).await?.unwrap_or(0);
    let founded = crate::company::company(&mut *c).await?.map(|co| co.licensed_on);
    let mut l = Ledger { company, founded, ..Ledger::default() };
    book_into(&mut *c, &mut l).await?;
    l.exposures.extend(held_claim_exposures(&held_packages(&mut *c, None).await?));
    if let Some(amount) = collected_cash(&mut *c).await? {
        let label = COLLECTED_CASH_LABEL.to_string();
        l.liquid_assets.push(LiquidAsset { label, kind: LiquidKind::Cash, amount, encumbered: false });
    }
    graph_into(&mut *c, &mut l).await?;
    Ok(l)
}
