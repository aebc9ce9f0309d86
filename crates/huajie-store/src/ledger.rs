//! The compliance book as it is read: one reader per part, each over one connection, so that
//! the same reader serves a page (a pooled connection, through the `Store` method of the same
//! name) and an operation that records what it computed from the book (its write transaction's
//! connection, `WriteTx::conn`: the book as it stands under the write lock). `compliance_ledger`
//! assembles them with the claims held and the cash collected, as the recovery ledger stood at
//! the date the indicators are computed at, into the `Ledger` the indicators read.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
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
use crate::rows::{date, date_text, i64_col, money, opt_i64, text};
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
}

impl Store {
    /// Everything the indicators read at `as_of`, the recovery ledger as it stood then (its
    /// entries dated on or before it); the claims held then become exposures by
    /// `huajie_rules::indicators::held_claim_exposures`.
    pub async fn compliance_ledger(&self, as_of: NaiveDate) -> Result<Ledger, StoreError> {
        compliance_ledger(&mut *self.pool.acquire().await?, as_of).await
    }

    /// `compliance_ledger` at each of `dates`, in their order, from one reading of the book (a
    /// page that compares quarter-ends).
    pub async fn compliance_ledgers(&self, dates: &[NaiveDate]) -> Result<Vec<Ledger>, StoreError> {
        compliance_ledgers(&mut *self.pool.acquire().await?, dates).await
    }

    /// The book at `as_of`, at the quarter-end before it (a glide path's previous figure), and
    /// at each of `ends` (a trend), each with the recovery ledger as it stood at its date.
    pub async fn compliance_books(
        &self,
        as_of: NaiveDate,
        ends: &[NaiveDate],
    ) -> Result<(Ledger, Ledger, Vec<Ledger>), StoreError> {
        let before = huajie_rules::indicators::previous_quarter_end(as_of);
        let mut books = self.compliance_ledgers(&[&[as_of, before][..], ends].concat()).await?;
        let at_ends = books.split_off(2);
        let mut two = books.into_iter();
        let mut next = || two.next().ok_or_else(|| StoreError::Corrupt("one book per date".into()));
        Ok((next()?, next()?, at_ends))
    }
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

/// A package with its claims (claim, debtor, principal + interest), as `held_packages` reads it.
struct PackageClaims {
    id: i64,
    status: huajie_core::PackageStatus,
    price: Option<Money>,
    bought_on: Option<NaiveDate>,
    claims: Vec<(i64, i64, Money)>,
}

/// All the packages with their claims, or package `only`; claims in the order of their ids.
async fn package_claims(c: &mut AnyConnection, only: Option<i64>) -> Result<Vec<PackageClaims>, StoreError> {
    let rows = sqlx::query(
        "SELECT k.id, k.status, k.price_fen, k.acquired_on, c.id AS claim_id, c.debtor_id, c.principal_fen + c.interest_fen AS owed FROM claims c JOIN packages k ON k.id = c.package_id WHERE ($1 IS NULL OR k.id = $1) ORDER BY k.id, c.id",
    )
    .bind(only)
    .fetch_all(&mut *c)
    .await?;
    let mut packages: Vec<PackageClaims> = Vec::new();
    for r in &rows {
        let id = i64_col(r, "id")?;
        if packages.last().is_none_or(|last| last.id != id) {
            let status = crate::rows::code(r, "status", huajie_core::PackageStatus::from_code)?;
            let price = crate::rows::opt_money(r, "price_fen")?;
            let bought_on = crate::rows::opt_date(r, "acquired_on")?;
            packages.push(PackageClaims { id, status, price, bought_on, claims: Vec::new() });
        }
        if let Some(p) = packages.last_mut() {
            p.claims.push((i64_col(r, "claim_id")?, i64_col(r, "debtor_id")?, money(r, "owed")?));
        }
    }
    Ok(packages)
}

/// The packages as `held_claim_exposures` reads them, with the recovery ledger as it stood at
/// the date `costs` was read at (`recovered_costs`).
fn held_at(packages: &[PackageClaims], costs: &RecoveredCosts) -> Vec<HeldPackage> {
    let (purchased, cost) = costs;
    packages
        .iter()
        .map(|p| HeldPackage {
            status: p.status,
            price: p.price,
            claims: p.claims.iter().map(|(_, debtor, owed)| (*debtor, *owed)).collect(),
            sold: Default::default(),
            cost: purchased.contains(&p.id).then(|| {
                p.claims.iter().map(|(claim, _, _)| Money::from_fen(cost.get(claim).copied().unwrap_or(0))).collect()
            }),
            bought_on: p.bought_on,
        })
        .collect()
}

/// The packages with their claims (debtor, principal + interest) as the book stood at `as_of`,
/// for `held_claim_exposures` to tell which are held then and at what book value: all of them,
/// or package `only`, each with its claims in the order of their ids. A package whose purchase
/// stands in the recovery ledger at `as_of` is held at each claim's cost basis remaining then
/// (`recovered_costs`): a receipt, a sale or a write-off moves the book from its own date, with
/// no second entry by hand. Otherwise its price is shared by what the claims owe, and a claim
/// sold at auction stays in the book until the sale's proceeds are posted; a package bought
/// after `as_of` is not held then (see docs/ledger.md, "What the indicators read").
pub(crate) async fn held_packages(
    c: &mut AnyConnection,
    only: Option<i64>,
    as_of: NaiveDate,
) -> Result<Vec<HeldPackage>, StoreError> {
    let packages = package_claims(&mut *c, only).await?;
    Ok(held_at(&packages, &recovered_costs(&mut *c, as_of).await?))
}

/// The packages whose purchase stands, and each claim's cost basis (fen), by claim id.
type RecoveredCosts = (BTreeSet<i64>, BTreeMap<i64, i64>);

/// The recovery ledger's claims as the book held them at `as_of`, from the entries dated on or
/// before it: the packages whose purchase stands then, and each claim's balance then on
/// 不良债权资产—收购成本 (1531).
async fn recovered_costs(c: &mut AnyConnection, as_of: NaiveDate) -> Result<RecoveredCosts, StoreError> {
    let purchased = crate::recovery::purchases_standing(&mut *c, None, Some(as_of)).await?;
    Ok((purchased, crate::recovery::claim_costs(&mut *c, None, None, Some(as_of)).await?))
}

/// The cash the collection work had moved by `as_of`, as the recovery ledger has it: 银行存款
/// (1002) of the receipts and expenses and of their reversals dated on or before it, debits
/// less credits; `None` before any. The purchase and the funding are left out: the book has
/// them already (the acquisition pays out of a cash entry of the book, funding is the funding
/// book).
async fn collected_cash(c: &mut AnyConnection, as_of: NaiveDate) -> Result<Option<Money>, StoreError> {
    let r = sqlx::query(
        "SELECT COUNT(*) AS n, CAST(COALESCE(SUM(CASE WHEN l.side = 'debit' THEN l.amount_fen ELSE -l.amount_fen END), 0) AS BIGINT) AS cash \
         FROM ledger_lines l JOIN ledger_entries e ON e.id = l.entry_id LEFT JOIN ledger_entries o ON o.id = e.reverses_id \
         WHERE l.account = $1 AND e.entry_date <= $2 AND (e.kind IN ('receipt', 'expense') OR o.kind IN ('receipt', 'expense'))",
    )
    .bind(Account::BankCash.code())
    .bind(date_text(as_of))
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
/// exposures recorded in it (the claims held and the collected cash are added by
/// `compliance_ledgers`, at each date).
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

/// Everything the indicators read at `as_of`: the book, the party graph, and the claims held
/// and the cash collected as the recovery ledger stood at `as_of` (its entries dated on or
/// before it). A pre-trade check or a screening reads it at today (the store clock's date in
/// Beijing); a past quarter-end at that quarter-end.
pub(crate) async fn compliance_ledger(c: &mut AnyConnection, as_of: NaiveDate) -> Result<Ledger, StoreError> {
    let mut all = compliance_ledgers(c, &[as_of]).await?;
    Ok(all.pop().expect("one ledger per date"))
}

/// `compliance_ledger` at each of `dates`, in their order: the undated book and graph read
/// once, the recovery ledger at each date.
pub(crate) async fn compliance_ledgers(c: &mut AnyConnection, dates: &[NaiveDate]) -> Result<Vec<Ledger>, StoreError> {
    let company = company_party_id(&mut *c).await?.unwrap_or(0);
    let founded = crate::company::company(&mut *c).await?.map(|co| co.licensed_on);
    let mut book = Ledger { company, founded, ..Ledger::default() };
    book_into(&mut *c, &mut book).await?;
    graph_into(&mut *c, &mut book).await?;
    let packages = package_claims(&mut *c, None).await?;
    let mut out = Vec::with_capacity(dates.len());
    for &as_of in dates {
        let mut l = book.clone();
        l.exposures.extend(held_claim_exposures(&held_at(&packages, &recovered_costs(&mut *c, as_of).await?), as_of));
        if let Some(amount) = collected_cash(&mut *c, as_of).await? {
            let label = COLLECTED_CASH_LABEL.to_string();
            l.liquid_assets.push(LiquidAsset { label, kind: LiquidKind::Cash, amount, encumbered: false });
        }
        out.push(l);
    }
    Ok(out)
}
