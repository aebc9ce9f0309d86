//! A pre-trade check as an operation in the write path's shape: the deal is proposed
//! (`ProposedDeal`: a package and a price, a transferee, a funding's terms…) and everything the
//! check reads from the book about it — the parties, the package's claims, their securities and
//! flags, a lender's licence, the price context, the ledger and the rule parameters — is read
//! through the check's own write transaction, so what is recorded is the book as it stood under
//! the write lock. Each reader takes one connection, so a page reads through the same one on a
//! pooled connection.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use huajie_core::{Money, PartyKind, PartyStatus, Text};
use huajie_rules::checks::{AssetFlag, CheckParty, Counterparty, ProposedClaim};
use huajie_rules::funding_line::PaidFrom;
use huajie_rules::indicators::{Channel, ExposureKind, InvestmentKind, Payment};
use huajie_rules::pretrade::{Deal, PriceContext, SoldClaim, ValuationRef};
use huajie_rules::terms::{DealKind, DealTerms};
use sqlx::AnyConnection;

use crate::checks::{AssetFlagRecord, DealCheck, FlagTarget, PartyAttributes, flag_from_row, uscc_state_organ};
use crate::rows::{i64_col, opt_province, text};
use crate::{Store, StoreError, WriteTx};

/// A deal put to a pre-trade check, as it is proposed. What the check knows of it from the
/// book (a package's claims and flags, the parties as the checks read them, a lender's
/// licence) is read when the check is made, in its transaction; a registered counterparty is
/// named by its id and read again there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProposedDeal {
    /// A package bought at `price`, paid out of cash or drawn on funding line `funding_line`.
    Acquisition {
        package_id: i64,
        price: Money,
        funding_line: Option<i64>,
    },
    /// A held package's claims sold to `transferee` at `price`.
    Disposal {
        package_id: i64,
        transferee: Counterparty,
        price: Money,
    },
    Funding {
        label: String,
        channel: Channel,
        lender: Counterparty,
        principal: Money,
        payments: Vec<Payment>,
    },
    Investment {
        label: String,
        party: Counterparty,
        kind: InvestmentKind,
        exposure: ExposureKind,
        amount: Money,
    },
}

impl ProposedDeal {
    /// The package the deal is about, if any.
    pub fn package_id(&self) -> Option<i64> {
        match self {
            ProposedDeal::Acquisition { package_id, .. } | ProposedDeal::Disposal { package_id, .. } => {
                Some(*package_id)
            }
            ProposedDeal::Funding { .. } | ProposedDeal::Investment { .. } => None,
        }
    }
}

fn flag(r: &sqlx::any::AnyRow, c: &str) -> Result<bool, StoreError> {
    Ok(i64_col(r, c)? != 0)
}

impl Store {
    pub async fn party_attributes(&self) -> Result<Vec<PartyAttributes>, StoreError> {
        party_attributes(&mut *self.pool.acquire().await?).await
    }

    /// The parties as the checks read them, by id; individuals' names masked (findings are
    /// read by roles that do not own personal data).
    pub async fn check_parties(&self) -> Result<BTreeMap<i64, CheckParty>, StoreError> {
        check_parties(&mut *self.pool.acquire().await?).await
    }

    /// The flags set on a package as a whole, or on one claim.
    pub async fn flags_on(&self, target: FlagTarget) -> Result<Vec<AssetFlagRecord>, StoreError> {
        flags_on(&mut *self.pool.acquire().await?, target).await
    }

    /// Checks a proposed deal on `as_of` against the book and the rule parameters in force, and
    /// records the check with the deal's terms (`DealTerms::of`): one transaction, which reads
    /// everything the check depends on. Refused when the ledger lacks a quarter-end's net assets
    /// (naming it), for a disposal of a package not held, and (`Throttled`) past the limit on
    /// transferee screenings.
    pub async fn run_deal_check(
        &self,
        actor: &str,
        label: &str,
        as_of: NaiveDate,
        proposed: &ProposedDeal,
    ) -> Result<DealCheck, StoreError> {
        // The book as it stands today (the store clock's date in Beijing), whatever the check's date.
        let today = self.clock().today();
        self.operate(actor, async |tx| {
            let company = crate::company::company(tx.conn())
                .await?
                .ok_or_else(|| StoreError::NotFound("公司 / company".into()))?;
            let params = tx.rule_parameters().await?;
            let ledger = crate::ledger::compliance_ledger(tx.conn(), today).await?;
            let parties = check_parties(tx.conn()).await?;
            let deal = deal_of(tx.conn(), proposed, &parties, as_of, today).await?;
            let names: BTreeMap<i64, String> = parties.iter().map(|(id, p)| (*id, p.name.clone())).collect();
            let setting = huajie_rules::pretrade::Setting { home: company.province, as_of, names: &names };
            let result = huajie_rules::pretrade::check(&ledger, &params.parameters, &setting, &deal)
                .map_err(|e| StoreError::Refused(e.text()))?;
            let package_id = proposed.package_id();
            let price = match (package_id, deal.price()) {
                (Some(p), Some(price)) => {
                    Some(price_context(tx.conn(), p, price, matches!(deal, Deal::Disposal { .. })).await?)
                }
                _ => None,
            };
            let mut terms = DealTerms::of(&deal, package_id).ok_or_else(|| {
                StoreError::Refused(Text::fixed(
                    "资产包的收购或处置须指明资产包。",
                    "A package's acquisition or disposal names its package.",
                ))
            })?;
            name_identifier(tx.conn(), &mut terms).await?;
            if terms.kind() == DealKind::Disposal {
                tx.count_screening().await?;
            }
            tx.record_deal_check(package_id, label, as_of, params.version, &terms, &result, price).await
        })
        .await
    }
}

impl WriteTx {
    /// Counts a transferee screening against the limit (`huajie_core::throttle::screening`):
    /// a screening tells whether a person is on the dishonest-debtor list, so it is counted
    /// and recorded in one transaction and parallel requests cannot pass the limit.
    async fn count_screening(&mut self) -> Result<(), StoreError> {
        use sqlx::Row;
        let now = self.clock.now();
        let since = now - chrono::Duration::minutes(huajie_core::throttle::SCREENING_WINDOW_MINUTES);
        let actor = self.actor().to_string();
        let row = sqlx::query(
            "SELECT COUNT(*), MIN(created_at) FROM deal_checks WHERE kind = 'disposal' AND created_by = $1 AND created_at > $2",
        )
        .bind(actor)
        .bind(crate::timestamp(since))
        .fetch_one(self.conn())
        .await?;
        let oldest = row.try_get::<Option<String>, _>(1)?.as_deref().map(crate::parse_timestamp).transpose()?;
        huajie_core::throttle::screening(row.try_get(0)?, oldest, now)
            .map_err(|wait| StoreError::Throttled(huajie_core::throttle::minutes_to_wait(wait)))
    }
}

/// The deal as the check reads it: the proposal with what the book says of it.
async fn deal_of(
    c: &mut AnyConnection,
    proposed: &ProposedDeal,
    parties: &BTreeMap<i64, CheckParty>,
    as_of: NaiveDate,
    today: NaiveDate,
) -> Result<Deal, StoreError> {
    // A registered counterparty as the checks read it now (the caller may hold an older reading).
    let known = |p: &Counterparty| match p {
        Counterparty::Registered(p) => {
            Counterparty::Registered(parties.get(&p.id).cloned().unwrap_or_else(|| p.clone()))
        }
        other => other.clone(),
    };
    Ok(match proposed {
        ProposedDeal::Acquisition { package_id, price, funding_line } => {
            let paid_from = match funding_line {
                None => PaidFrom::Cash,
                Some(id) => PaidFrom::Line(
                    crate::funding_lines::funding_line(c, *id)
                        .await?
                        .draw(*price, as_of)
                        .map_err(StoreError::Refused)?,
                ),
            };
            acquisition_deal(c, *package_id, *price, parties, paid_from).await?
        }
        ProposedDeal::Disposal { package_id, transferee, price } => {
            disposal_deal(c, *package_id, known(transferee), *price, today).await?
        }
        ProposedDeal::Funding { label, channel, lender, principal, payments } => {
            let lender = known(lender);
            let lender_licensed_fi = match lender.registered() {
                Some(p) => licensed_fi(c, p.id).await?,
                None => false,
            };
            Deal::Funding {
                label: label.clone(),
                channel: *channel,
                lender,
                lender_licensed_fi,
                principal: *principal,
                payments: payments.clone(),
            }
        }
        ProposedDeal::Investment { label, party, kind, exposure, amount } => Deal::Investment {
            label: label.clone(),
            party: known(party),
            kind: *kind,
            exposure: *exposure,
            amount: *amount,
        },
    })
}

pub(crate) async fn party_attributes(c: &mut AnyConnection) -> Result<Vec<PartyAttributes>, StoreError> {
    let rows = sqlx::query("SELECT party_id, state_organ, lgfv, licensed_fi FROM party_attributes ORDER BY party_id")
        .fetch_all(&mut *c)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(PartyAttributes {
                party_id: i64_col(r, "party_id")?,
                state_organ: flag(r, "state_organ")?,
                lgfv: flag(r, "lgfv")?,
                licensed_fi: flag(r, "licensed_fi")?,
            })
        })
        .collect()
}

pub(crate) async fn check_parties(c: &mut AnyConnection) -> Result<BTreeMap<i64, CheckParty>, StoreError> {
    let rows =
        sqlx::query("SELECT id, kind, name, identifier, province, status FROM parties").fetch_all(&mut *c).await?;
    check_parties_from(c, &rows).await
}

/// The parties `ids` as the checks read them (all of them when there are more than a statement
/// may name at once).
pub(crate) async fn check_parties_of(
    c: &mut AnyConnection,
    ids: &[i64],
) -> Result<BTreeMap<i64, CheckParty>, StoreError> {
    if ids.len() > 500 {
        return check_parties(c).await;
    }
    let sql = format!(
        "SELECT id, kind, name, identifier, province, status FROM parties WHERE id IN ({})",
        crate::params_from(1, ids.len().max(1))
    );
    let mut q = sqlx::query(crate::composed(sql));
    for id in ids {
        q = q.bind(*id);
    }
    if ids.is_empty() {
        q = q.bind(0_i64);
    }
    let rows = q.fetch_all(&mut *c).await?;
    check_parties_from(c, &rows).await
}

async fn check_parties_from(
    c: &mut AnyConnection,
    rows: &[sqlx::any::AnyRow],
) -> Result<BTreeMap<i64, CheckParty>, StoreError> {
    let attributes: BTreeMap<i64, PartyAttributes> =
        party_attributes(&mut *c).await?.into_iter().map(|a| (a.party_id, a)).collect();
    let mut out = BTreeMap::new();
    for r in rows {
        let id = i64_col(r, "id")?;
        let a = attributes.get(&id).copied().unwrap_or_default();
        let person = crate::rows::code(r, "kind", PartyKind::from_code)? == PartyKind::Individual;
        let name = text(r, "name")?;
        // A guarantor named without a valid ID has none (and is no state organ by it).
        let identifier = crate::rows::opt_text(r, "identifier")?;
        out.insert(
            id,
            CheckParty {
                id,
                name: if person { huajie_core::mask::mask_person_name(&name) } else { name },
                province: opt_province(r, "province")?,
                state_organ: a.state_organ || identifier.as_deref().is_some_and(uscc_state_organ),
                lgfv: a.lgfv,
                dishonest: crate::rows::code(r, "status", PartyStatus::from_code)? == PartyStatus::Dishonest,
            },
        );
    }
    Ok(out)
}

pub(crate) async fn flags_on(c: &mut AnyConnection, target: FlagTarget) -> Result<Vec<AssetFlagRecord>, StoreError> {
    let columns = crate::checks::FLAG_COLUMNS;
    let (sql, id) = match target {
        FlagTarget::Package(id) => (format!("SELECT {columns} FROM asset_flags WHERE package_id = $1 ORDER BY id"), id),
        FlagTarget::Claim(id) => (format!("SELECT {columns} FROM asset_flags WHERE claim_id = $1 ORDER BY id"), id),
    };
    let rows = sqlx::query(crate::composed(sql)).bind(id).fetch_all(&mut *c).await?;
    rows.iter().map(flag_from_row).collect()
}

/// The licensed-FI flag of a party (a lender).
async fn licensed_fi(c: &mut AnyConnection, party_id: i64) -> Result<bool, StoreError> {
    let r = sqlx::query("SELECT licensed_fi FROM party_attributes WHERE party_id = $1")
        .bind(party_id)
        .fetch_optional(&mut *c)
        .await?;
    r.map(|r| flag(&r, "licensed_fi")).transpose().map(|x| x.unwrap_or(false))
}

/// A package's claims as a proposed acquisition at `price`.
async fn acquisition_deal(
    c: &mut AnyConnection,
    package_id: i64,
    price: Money,
    parties: &BTreeMap<i64, CheckParty>,
    paid_from: PaidFrom,
) -> Result<Deal, StoreError> {
    let package = crate::portfolio::package_row(&mut *c, package_id).await?;
    let party = |id: i64| parties.get(&id).cloned().unwrap_or(CheckParty { id, ..CheckParty::default() });
    let rows = sqlx::query(
        "SELECT id, contract_no, debtor_id, principal_fen + interest_fen AS owed FROM claims WHERE package_id = $1 ORDER BY id",
    )
    .bind(package_id)
    .fetch_all(&mut *c)
    .await?;
    let mut exceptions = cross_region_exceptions(&mut *c, package_id).await?;
    let mut claim_flags = claim_flags(&mut *c, package_id).await?;
    let package_flags = flags_on(&mut *c, FlagTarget::Package(package_id))
        .await?
        .iter()
        .map(AssetFlagRecord::flag)
        .collect::<Result<Vec<_>, _>>()?;
    let mut claims: Vec<(i64, ProposedClaim)> = Vec::with_capacity(rows.len());
    for r in &rows {
        let id = i64_col(r, "id")?;
        claims.push((
            id,
            ProposedClaim {
                contract_no: text(r, "contract_no")?,
                amount: Money::from_fen(i64_col(r, "owed")?),
                debtor: party(i64_col(r, "debtor_id")?),
                guarantors: Vec::new(),
                collateral_provinces: Vec::new(),
                cross_region_exception: exceptions.remove(&id),
                flags: claim_flags.remove(&id).unwrap_or_default(),
            },
        ));
    }
    add_securities(&mut *c, package_id, &mut claims, &party).await?;
    let cost = purchase_cost(&mut *c, package_id, price, &claims).await?;
    Ok(Deal::Acquisition {
        transferor: party(package.data.transferor_id),
        claims: claims.into_iter().map(|(_, c)| c).collect(),
        price,
        kind: InvestmentKind::FinancialNpa,
        flags: package_flags,
        paid_from,
        cost,
    })
}

/// Each claim's cost basis as the purchase at `price` would be posted (`purchase_weights`, the
/// one rule the acquisition posts by), in the order of `claims`; `None` when it cannot be spread
/// over exactly these claims (the check then shares the price by what each owes).
async fn purchase_cost(
    c: &mut AnyConnection,
    package_id: i64,
    price: Money,
    claims: &[(i64, ProposedClaim)],
) -> Result<Option<Vec<Money>>, StoreError> {
    let weights = crate::recovery_ops::purchase_weights(&mut *c, package_id).await?.weights;
    let Ok(basis) = huajie_ledger::CostBasis::from_allocation(price, &weights) else { return Ok(None) };
    let shares: BTreeMap<i64, Money> = basis.shares().iter().copied().collect();
    if shares.len() != claims.len() {
        return Ok(None);
    }
    Ok(claims.iter().map(|(id, _)| shares.get(id).copied()).collect())
}

/// The recorded cross-region exceptions of a package's claims, by claim.
async fn cross_region_exceptions(c: &mut AnyConnection, package_id: i64) -> Result<BTreeMap<i64, String>, StoreError> {
    sqlx::query(
        "SELECT x.claim_id, x.basis FROM cross_region_exceptions x JOIN claims c ON c.id = x.claim_id WHERE c.package_id = $1",
    )
    .bind(package_id)
    .fetch_all(&mut *c)
    .await?
    .iter()
    .map(|r| Ok((i64_col(r, "claim_id")?, text(r, "basis")?)))
    .collect()
}

/// The prohibited-asset flags on a package's claims, by claim.
async fn claim_flags(c: &mut AnyConnection, package_id: i64) -> Result<BTreeMap<i64, Vec<AssetFlag>>, StoreError> {
    let columns = crate::checks::FLAG_COLUMNS.split(", ").map(|c| format!("f.{c}")).collect::<Vec<_>>().join(", ");
    let flagged = sqlx::query(crate::composed(format!(
        "SELECT {columns} FROM asset_flags f JOIN claims c ON c.id = f.claim_id WHERE c.package_id = $1 ORDER BY f.id"
    )))
    .bind(package_id)
    .fetch_all(&mut *c)
    .await?;
    let mut out: BTreeMap<i64, Vec<AssetFlag>> = BTreeMap::new();
    for r in &flagged {
        let f = flag_from_row(r)?;
        out.entry(f.claim_id.unwrap_or(0)).or_default().push(f.flag()?);
    }
    Ok(out)
}

/// Each claim's guarantors and the provinces of its collateral.
async fn add_securities(
    c: &mut AnyConnection,
    package_id: i64,
    claims: &mut [(i64, ProposedClaim)],
    party: &impl Fn(i64) -> CheckParty,
) -> Result<(), StoreError> {
    let guarantees = sqlx::query(
        "SELECT g.claim_id, g.guarantor_id FROM guarantees g JOIN claims c ON c.id = g.claim_id WHERE c.package_id = $1",
    )
    .bind(package_id)
    .fetch_all(&mut *c)
    .await?;
    let collateral = sqlx::query(
        "SELECT cc.claim_id, k.province FROM claim_collateral cc JOIN collateral k ON k.id = cc.collateral_id JOIN claims c ON c.id = cc.claim_id WHERE c.package_id = $1",
    )
    .bind(package_id)
    .fetch_all(&mut *c)
    .await?;
    let index: BTreeMap<i64, usize> = claims.iter().enumerate().map(|(i, (id, _))| (*id, i)).collect();
    for g in &guarantees {
        if let Some(i) = index.get(&i64_col(g, "claim_id")?) {
            claims[*i].1.guarantors.push(party(i64_col(g, "guarantor_id")?));
        }
    }
    for k in &collateral {
        if let Some(i) = index.get(&i64_col(k, "claim_id")?) {
            claims[*i].1.collateral_provinces.push(opt_province(k, "province")?);
        }
    }
    Ok(())
}

/// A held package's claims as a proposed disposal to `transferee` at `price`, each at its
/// book value today (`claim_book_values`, as the indicators read the book the check starts from).
async fn disposal_deal(
    c: &mut AnyConnection,
    package_id: i64,
    transferee: Counterparty,
    price: Money,
    today: NaiveDate,
) -> Result<Deal, StoreError> {
    let package = crate::portfolio::package_row(&mut *c, package_id).await?;
    let rows = sqlx::query(
        "SELECT c.id, c.contract_no, c.debtor_id, c.principal_fen + c.interest_fen AS owed FROM claims c WHERE c.package_id = $1 ORDER BY c.id",
    )
    .bind(package_id)
    .fetch_all(&mut *c)
    .await?;
    // Each claim at its book value as the indicators hold it (the same reader: the recovery
    // ledger's remaining cost once the purchase is posted there), in the order of `rows`.
    let held = crate::ledger::held_packages(&mut *c, Some(package_id), today).await?;
    let book = held.first().and_then(|p| huajie_rules::indicators::claim_book_values(p, today)).unwrap_or_default();
    if book.len() != rows.len() {
        return Err(StoreError::Refused(Text::fixed(
            "资产包尚未收购（或未记录收购价格），不能处置",
            "the package is not held (or has no price recorded): nothing to dispose of",
        )));
    }
    let guarantees = sqlx::query(
        "SELECT g.claim_id, g.guarantor_id FROM guarantees g JOIN claims c ON c.id = g.claim_id WHERE c.package_id = $1",
    )
    .bind(package_id)
    .fetch_all(&mut *c)
    .await?;
    // Each claim's guarantors in one pass, in the order read (not a scan per claim).
    let mut guarantors_of: HashMap<i64, Vec<i64>> = HashMap::with_capacity(rows.len());
    for g in &guarantees {
        guarantors_of.entry(i64_col(g, "claim_id")?).or_default().push(i64_col(g, "guarantor_id")?);
    }
    let mut claims = Vec::with_capacity(rows.len());
    for (r, b) in rows.iter().zip(book) {
        let guarantors = guarantors_of.remove(&i64_col(r, "id")?).unwrap_or_default();
        claims.push(SoldClaim {
            contract_no: text(r, "contract_no")?,
            debtor: i64_col(r, "debtor_id")?,
            guarantors,
            book_value: b,
        });
    }
    // A retail batch (rules.md A10.4 TX6) is what the package is valued as.
    let retail_batch = package.data.valuation_basis == huajie_core::ValuationBasis::RetailBatch;
    Ok(Deal::Disposal { transferee, claims, price, retail_batch })
}

/// Fills in the identifier of a registered counterparty the terms name (what masks a
/// person for viewers without the personal-data permission).
async fn name_identifier(c: &mut AnyConnection, terms: &mut DealTerms) -> Result<(), StoreError> {
    if let Some(p) = terms.counterparty_mut()
        && let Some(id) = p.id
        && p.identifier.is_none()
    {
        let row = sqlx::query("SELECT identifier FROM parties WHERE id = $1").bind(id).fetch_optional(&mut *c).await?;
        p.identifier = row.map(|r| crate::rows::opt_text(&r, "identifier")).transpose()?.flatten();
    }
    Ok(())
}

/// A package deal's price against the claims' face value (`Claim::total`: principal,
/// interest, penalty and advanced costs, as the valuation counts a claim), the latest
/// valuation run's value, and for a disposal the cost (the price paid for the package).
async fn price_context(
    c: &mut AnyConnection,
    package_id: i64,
    price: Money,
    disposal: bool,
) -> Result<PriceContext, StoreError> {
    let rows = sqlx::query(
        "SELECT principal_fen, interest_fen, penalty_fen, advanced_costs_fen FROM claims WHERE package_id = $1",
    )
    .bind(package_id)
    .fetch_all(&mut *c)
    .await?;
    let mut face = Money::ZERO;
    for r in &rows {
        for col in ["principal_fen", "interest_fen", "penalty_fen", "advanced_costs_fen"] {
            face = face.checked_add(Money::from_fen(i64_col(r, col)?)).map_err(|_| {
                StoreError::Refused(Text::fixed(
                    "资产包债权合计超出金额范围",
                    "the package's claims add up beyond the range of an amount",
                ))
            })?;
        }
    }
    let valuation = crate::valuation::package_runs(&mut *c, package_id)
        .await?
        .into_iter()
        .next()
        .map(|run| ValuationRef { run_id: run.id, valuation_date: run.valuation_date, value: run.bid });
    let cost = if disposal { crate::portfolio::package_row(&mut *c, package_id).await?.data.price } else { None };
    Ok(PriceContext { price, face_value: face, valuation, cost })
}
