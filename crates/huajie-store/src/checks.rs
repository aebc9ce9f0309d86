//! Compliance, part 2: party attributes the checks read (state organ, LGFV, licensed
//! financial institution), the official quarter-end results recording the parameter version
//! they used, and pre-trade checks of proposed deals with their findings and the risk role's
//! overrides. Every record is audited.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use huajie_core::{Money, PartyKind, PartyStatus, Text};
use huajie_rules::checks::{AssetFlag, CheckParty, Effect, Finding, ProhibitedAsset, ProposedClaim, Territory};
use huajie_rules::indicators::{HeldPackage, Indicator, held_claim_exposures};
use huajie_rules::pretrade::{Deal, PriceContext, SoldClaim, ValuationRef};
use serde::{Deserialize, Serialize};

use crate::audit::Audited;
use crate::rows::{date, date_text, i64_col, opt_i64, opt_province, text};
use crate::{Store, StoreError, WriteTx};

/// What the checks need to know about a party beyond its registration.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PartyAttributes {
    pub party_id: i64,
    pub state_organ: bool,
    pub lgfv: bool,
    pub licensed_fi: bool,
}

impl Audited for PartyAttributes {
    const ENTITY: &'static str = "party_attributes";
    fn audit_id(&self) -> String {
        self.party_id.to_string()
    }
}

/// The six indicators at a quarter-end as recorded for reporting, with the parameter version used.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorResult {
    pub id: i64,
    pub quarter_end: NaiveDate,
    pub parameter_version: i64,
    #[serde(skip)]
    pub indicators: Vec<Indicator>,
    pub body_sha256: String,
    pub created_by: String,
    pub created_at: String,
}

impl Audited for IndicatorResult {
    const ENTITY: &'static str = "indicator_result";
    fn audit_id(&self) -> String {
        self.id.to_string()
    }
}

/// What a check found: the indicators before and after the deal (without their lines), the
/// findings, an acquisition's territorial amounts, and a package deal's price against its face
/// value, its latest valuation and (a disposal) its cost. Checks recorded before the last two
/// existed read them as absent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckResult {
    pub before: Vec<Indicator>,
    pub after: Vec<Indicator>,
    pub findings: Vec<Finding>,
    // Absent rather than null when not known, so a check recorded before these existed
    // still reads (and is audited) as it was written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub territory: Option<Territory>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<PriceContext>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckOverride {
    pub id: i64,
    pub check_id: i64,
    /// The finding's index in the check's findings.
    pub finding: i64,
    pub reason: String,
    pub created_by: String,
    pub created_at: String,
}

impl Audited for CheckOverride {
    const ENTITY: &'static str = "check_override";
    fn audit_id(&self) -> String {
        self.id.to_string()
    }
}

/// A cross-region exception recorded on a claim, with its legal basis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CrossRegionException {
    pub claim_id: i64,
    pub basis: String,
    pub created_by: String,
    pub created_at: String,
}

impl Audited for CrossRegionException {
    const ENTITY: &'static str = "cross_region_exception";
    fn audit_id(&self) -> String {
        self.claim_id.to_string()
    }
}

/// A prohibited-asset flag (PX2–PX6) on a claim or on a package as a whole: which, why, who, when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AssetFlagRecord {
    pub id: i64,
    pub package_id: Option<i64>,
    pub claim_id: Option<i64>,
    pub code: String,
    pub reason: String,
    pub created_by: String,
    pub created_at: String,
}

impl Audited for AssetFlagRecord {
    const ENTITY: &'static str = "asset_flag";
    fn audit_id(&self) -> String {
        self.id.to_string()
    }
}

impl AssetFlagRecord {
    /// As the check reads it (`None` for a code the rules do not know: corrupt).
    pub fn flag(&self) -> Result<AssetFlag, StoreError> {
        Ok(AssetFlag {
            code: ProhibitedAsset::from_code(&self.code)
                .ok_or_else(|| StoreError::Corrupt(format!("asset_flags.code: {}", self.code)))?,
            reason: self.reason.clone(),
            set_by: self.created_by.clone(),
        })
    }
}

const FLAG_COLUMNS: &str = "id, package_id, claim_id, code, reason, created_by, created_at";

fn flag_from_row(r: &sqlx::any::AnyRow) -> Result<AssetFlagRecord, StoreError> {
    Ok(AssetFlagRecord {
        id: i64_col(r, "id")?,
        package_id: opt_i64(r, "package_id")?,
        claim_id: opt_i64(r, "claim_id")?,
        code: text(r, "code")?,
        reason: text(r, "reason")?,
        created_by: text(r, "created_by")?,
        created_at: text(r, "created_at")?,
    })
}

/// What a flag is set on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlagTarget {
    Package(i64),
    Claim(i64),
}

/// A pre-trade check as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DealCheck {
    pub id: i64,
    /// acquisition, funding, investment, disposal.
    pub kind: String,
    pub package_id: Option<i64>,
    pub label: String,
    pub as_of: NaiveDate,
    pub parameter_version: i64,
    /// The deal as checked (price, counterparty…), JSON.
    pub deal: String,
    pub result: CheckResult,
    pub blocked: bool,
    pub created_by: String,
    pub created_at: String,
    #[serde(skip)]
    pub overrides: Vec<CheckOverride>,
}

impl Audited for DealCheck {
    const ENTITY: &'static str = "deal_check";
    fn audit_id(&self) -> String {
        self.id.to_string()
    }
}

/// Where a check stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckStanding {
    /// A hard block: the deal may not go ahead.
    Blocked,
    /// Limits or warnings without the risk role's override yet.
    AwaitingOverride,
    /// Nothing found, or everything found overridden.
    Cleared,
}

impl CheckStanding {
    pub fn code(self) -> &'static str {
        match self {
            CheckStanding::Blocked => "blocked",
            CheckStanding::AwaitingOverride => "awaiting_override",
            CheckStanding::Cleared => "cleared",
        }
    }
}

impl DealCheck {
    pub fn standing(&self) -> CheckStanding {
        if self.blocked {
            return CheckStanding::Blocked;
        }
        let open = self
            .result
            .findings
            .iter()
            .enumerate()
            .any(|(i, f)| f.effect != Effect::Block && !self.overrides.iter().any(|o| o.finding == i as i64));
        if open { CheckStanding::AwaitingOverride } else { CheckStanding::Cleared }
    }

    /// The package and price a purchase may be recorded at: those of a cleared acquisition check.
    pub fn cleared_acquisition(&self) -> Option<(i64, Money)> {
        let package =
            self.package_id.filter(|_| self.kind == "acquisition" && self.standing() == CheckStanding::Cleared)?;
        Some((package, self.amount()?))
    }

    /// The price or amount checked, from the deal's JSON.
    pub fn amount(&self) -> Option<Money> {
        let v: serde_json::Value = serde_json::from_str(&self.deal).ok()?;
        v.get("amount_fen").and_then(serde_json::Value::as_i64).map(Money::from_fen)
    }
}

fn flag(r: &sqlx::any::AnyRow, c: &str) -> Result<bool, StoreError> {
    Ok(i64_col(r, c)? != 0)
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}

/// A USCC whose registration code is 1-1 (机构编制 · 机关) names a state organ.
pub(crate) fn uscc_state_organ(identifier: &str) -> bool {
    identifier.len() == 18 && identifier.starts_with("11")
}

const CHECK_COLUMNS: &str =
    "id, kind, package_id, label, as_of, parameter_version, deal, result, blocked, created_by, created_at";

fn check_from_row(r: &sqlx::any::AnyRow) -> Result<DealCheck, StoreError> {
    Ok(DealCheck {
        id: i64_col(r, "id")?,
        kind: text(r, "kind")?,
        package_id: opt_i64(r, "package_id")?,
        label: text(r, "label")?,
        as_of: date(r, "as_of")?,
        parameter_version: i64_col(r, "parameter_version")?,
        deal: text(r, "deal")?,
        result: serde_json::from_str(&text(r, "result")?).map_err(|e| corrupt("deal_checks.result", e))?,
        blocked: flag(r, "blocked")?,
        created_by: text(r, "created_by")?,
        created_at: text(r, "created_at")?,
        overrides: Vec::new(),
    })
}

fn exception_from_row(r: &sqlx::any::AnyRow) -> Result<CrossRegionException, StoreError> {
    Ok(CrossRegionException {
        claim_id: i64_col(r, "claim_id")?,
        basis: text(r, "basis")?,
        created_by: text(r, "created_by")?,
        created_at: text(r, "created_at")?,
    })
}

fn override_from_row(r: &sqlx::any::AnyRow) -> Result<CheckOverride, StoreError> {
    Ok(CheckOverride {
        id: i64_col(r, "id")?,
        check_id: i64_col(r, "check_id")?,
        finding: i64_col(r, "finding")?,
        reason: text(r, "reason")?,
        created_by: text(r, "created_by")?,
        created_at: text(r, "created_at")?,
    })
}

fn result_from_row(r: &sqlx::any::AnyRow) -> Result<IndicatorResult, StoreError> {
    Ok(IndicatorResult {
        id: i64_col(r, "id")?,
        quarter_end: date(r, "quarter_end")?,
        parameter_version: i64_col(r, "parameter_version")?,
        indicators: serde_json::from_str(&text(r, "body")?).map_err(|e| corrupt("indicator_results.body", e))?,
        body_sha256: text(r, "body_sha256")?,
        created_by: text(r, "created_by")?,
        created_at: text(r, "created_at")?,
    })
}

impl Store {
    pub async fn party_attributes(&self) -> Result<Vec<PartyAttributes>, StoreError> {
        let rows =
            sqlx::query("SELECT party_id, state_organ, lgfv, licensed_fi FROM party_attributes ORDER BY party_id")
                .fetch_all(&self.pool)
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

    /// The parties as the checks read them, by id; individuals' names masked (findings are
    /// read by roles that do not own personal data).
    pub async fn check_parties(&self) -> Result<BTreeMap<i64, CheckParty>, StoreError> {
        let attributes: BTreeMap<i64, PartyAttributes> =
            self.party_attributes().await?.into_iter().map(|a| (a.party_id, a)).collect();
        let rows = sqlx::query("SELECT id, kind, name, identifier, province, status FROM parties")
            .fetch_all(&self.pool)
            .await?;
        let mut out = BTreeMap::new();
        for r in &rows {
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

    /// Every prohibited-asset flag, oldest first.
    pub async fn asset_flags(&self) -> Result<Vec<AssetFlagRecord>, StoreError> {
        let rows = sqlx::query(crate::composed(format!("SELECT {FLAG_COLUMNS} FROM asset_flags ORDER BY id")))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(flag_from_row).collect()
    }

    /// The flags set on a package as a whole, or on one claim.
    pub async fn flags_on(&self, target: FlagTarget) -> Result<Vec<AssetFlagRecord>, StoreError> {
        let (sql, id) = match target {
            FlagTarget::Package(id) => {
                (format!("SELECT {FLAG_COLUMNS} FROM asset_flags WHERE package_id = $1 ORDER BY id"), id)
            }
            FlagTarget::Claim(id) => {
                (format!("SELECT {FLAG_COLUMNS} FROM asset_flags WHERE claim_id = $1 ORDER BY id"), id)
            }
        };
        let rows = sqlx::query(crate::composed(sql)).bind(id).fetch_all(&self.pool).await?;
        rows.iter().map(flag_from_row).collect()
    }

    /// The licensed-FI flag of a party (a lender).
    pub async fn licensed_fi(&self, party_id: i64) -> Result<bool, StoreError> {
        let r = sqlx::query("SELECT licensed_fi FROM party_attributes WHERE party_id = $1")
            .bind(party_id)
            .fetch_optional(&self.pool)
            .await?;
        r.map(|r| flag(&r, "licensed_fi")).transpose().map(|x| x.unwrap_or(false))
    }

    /// A package's claims as a proposed acquisition at `price`.
    pub async fn acquisition_deal(
        &self,
        package_id: i64,
        price: Money,
        parties: &BTreeMap<i64, CheckParty>,
    ) -> Result<Deal, StoreError> {
        let package = self
            .package(package_id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("资产包 / package {package_id}")))?;
        let party = |id: i64| parties.get(&id).cloned().unwrap_or(CheckParty { id, ..CheckParty::default() });
        let rows = sqlx::query("SELECT id, contract_no, debtor_id, principal_fen + interest_fen AS owed FROM claims WHERE package_id = $1 ORDER BY id").bind(package_id).fetch_all(&self.pool).await?;
        let guarantees = sqlx::query("SELECT g.claim_id, g.guarantor_id FROM guarantees g JOIN claims c ON c.id = g.claim_id WHERE c.package_id = $1").bind(package_id).fetch_all(&self.pool).await?;
        let collateral = sqlx::query("SELECT cc.claim_id, k.province FROM claim_collateral cc JOIN collateral k ON k.id = cc.collateral_id JOIN claims c ON c.id = cc.claim_id WHERE c.package_id = $1")
            .bind(package_id)
            .fetch_all(&self.pool)
            .await?;
        let exceptions: BTreeMap<i64, String> = sqlx::query("SELECT x.claim_id, x.basis FROM cross_region_exceptions x JOIN claims c ON c.id = x.claim_id WHERE c.package_id = $1")
            .bind(package_id)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| Ok((i64_col(r, "claim_id")?, text(r, "basis")?)))
            .collect::<Result<_, StoreError>>()?;
        let mut claim_flags: BTreeMap<i64, Vec<AssetFlag>> = BTreeMap::new();
        let flagged = sqlx::query(crate::composed(format!(
            "SELECT {} FROM asset_flags f JOIN claims c ON c.id = f.claim_id WHERE c.package_id = $1 ORDER BY f.id",
            FLAG_COLUMNS.split(", ").map(|c| format!("f.{c}")).collect::<Vec<_>>().join(", ")
        )))
        .bind(package_id)
        .fetch_all(&self.pool)
        .await?;
        for r in &flagged {
            let f = flag_from_row(r)?;
            claim_flags.entry(f.claim_id.unwrap_or(0)).or_default().push(f.flag()?);
        }
        let package_flags = self
            .flags_on(FlagTarget::Package(package_id))
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
                    cross_region_exception: exceptions.get(&id).cloned(),
                    flags: claim_flags.remove(&id).unwrap_or_default(),
                },
            ));
        }
        let index: BTreeMap<i64, usize> = claims.iter().enumerate().map(|(i, (id, _))| (*id, i)).collect();
        for g in &guarantees {
            if let Some(i) = index.get(&i64_col(g, "claim_id")?) {
                claims[*i].1.guarantors.push(party(i64_col(g, "guarantor_id")?));
            }
        }
        for c in &collateral {
            if let Some(i) = index.get(&i64_col(c, "claim_id")?) {
                claims[*i].1.collateral_provinces.push(opt_province(c, "province")?);
            }
        }
        Ok(Deal::Acquisition {
            transferor: party(package.package.data.transferor_id),
            claims: claims.into_iter().map(|(_, c)| c).collect(),
            price,
            kind: huajie_rules::indicators::InvestmentKind::FinancialNpa,
            flags: package_flags,
        })
    }

    /// A held package's claims as a proposed disposal to `transferee` at `price`, each at its
    /// book value (the package price shared by principal + interest).
    pub async fn disposal_deal(
        &self,
        package_id: i64,
        transferee: CheckParty,
        price: Money,
    ) -> Result<Deal, StoreError> {
        let package = self
            .package(package_id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("资产包 / package {package_id}")))?;
        let rows = sqlx::query(
            "SELECT c.id, c.contract_no, c.debtor_id, c.principal_fen + c.interest_fen AS owed FROM claims c WHERE c.package_id = $1 ORDER BY c.id",
        )
        .bind(package_id)
        .fetch_all(&self.pool)
        .await?;
        let held = HeldPackage {
            status: package.package.data.status,
            price: package.package.data.price,
            claims: rows
                .iter()
                .map(|r| Ok((i64_col(r, "debtor_id")?, Money::from_fen(i64_col(r, "owed")?))))
                .collect::<Result<_, StoreError>>()?,
        };
        let book = held_claim_exposures(&[held]);
        if book.len() != rows.len() {
            return Err(StoreError::Refused(Text::fixed(
                "资产包尚未收购（或未记录收购价格），不能处置",
                "the package is not held (or has no price recorded): nothing to dispose of",
            )));
        }
        let guarantees = sqlx::query("SELECT g.claim_id, g.guarantor_id FROM guarantees g JOIN claims c ON c.id = g.claim_id WHERE c.package_id = $1").bind(package_id).fetch_all(&self.pool).await?;
        let mut claims = Vec::with_capacity(rows.len());
        for (r, b) in rows.iter().zip(&book) {
            let id = i64_col(r, "id")?;
            let mut guarantors = Vec::new();
            for g in &guarantees {
                if i64_col(g, "claim_id")? == id {
                    guarantors.push(i64_col(g, "guarantor_id")?);
                }
            }
            claims.push(SoldClaim {
                contract_no: text(r, "contract_no")?,
                debtor: i64_col(r, "debtor_id")?,
                guarantors,
                book_value: b.book_value,
            });
        }
        // A retail batch (rules.md A10.4 TX6) is what the package is valued as.
        let retail_batch = package.package.data.valuation_basis == huajie_core::ValuationBasis::RetailBatch;
        Ok(Deal::Disposal { transferee, claims, price, retail_batch })
    }

    /// Checks a proposed deal on `as_of` against the book and the rule parameters in force,
    /// and records the check. A missing quarter-end's net assets is `Invalid` with its date.
    #[expect(
        clippy::too_many_arguments,
        reason = "the deal, its description and its parties; a typed command is issue 21's"
    )]
    pub async fn run_deal_check(
        &self,
        actor: &str,
        package_id: Option<i64>,
        label: &str,
        as_of: NaiveDate,
        deal: &Deal,
        described: &serde_json::Value,
        parties: &BTreeMap<i64, CheckParty>,
    ) -> Result<DealCheck, StoreError> {
        let company = self.company().await?.ok_or_else(|| StoreError::NotFound("公司 / company".into()))?;
        let params = self.rule_parameters().await?;
        let ledger = self.compliance_ledger().await?;
        let names: BTreeMap<i64, String> = parties.iter().map(|(id, p)| (*id, p.name.clone())).collect();
        let setting = huajie_rules::pretrade::Setting { home: company.province, as_of, names: &names };
        let result = huajie_rules::pretrade::check(&ledger, &params.parameters, &setting, deal)
            .map_err(|e| StoreError::Refused(e.text()))?;
        let price = match (package_id, deal.price()) {
            (Some(p), Some(price)) => Some(self.price_context(p, price, matches!(deal, Deal::Disposal { .. })).await?),
            _ => None,
        };
        let mut tx = self.write(actor).await?;
        if deal.kind_code() == "disposal" {
            // Screening a transferee tells whether a person is on the dishonest-debtor list:
            // counted and recorded in this one transaction, so parallel requests cannot pass
            // the limit (`huajie_core::throttle::screening`).
            use sqlx::Row;
            let now = self.clock.now();
            let since = now - chrono::Duration::minutes(huajie_core::throttle::SCREENING_WINDOW_MINUTES);
            let row = sqlx::query(
                "SELECT COUNT(*), MIN(created_at) FROM deal_checks WHERE kind = 'disposal' AND created_by = $1 AND created_at > $2",
            )
            .bind(actor)
            .bind(crate::timestamp(since))
            .fetch_one(&mut *tx.tx)
            .await?;
            let oldest = row.try_get::<Option<String>, _>(1)?.as_deref().map(crate::parse_timestamp).transpose()?;
            if let Err(wait) = huajie_core::throttle::screening(row.try_get(0)?, oldest, now) {
                return Err(StoreError::Throttled(huajie_core::throttle::minutes_to_wait(wait)));
            }
        }
        let check = tx
            .record_deal_check(deal.kind_code(), package_id, label, as_of, params.version, described, &result, price)
            .await?;
        tx.commit().await?;
        Ok(check)
    }

    /// A package deal's price against the claims' face value (`Claim::total`: principal,
    /// interest, penalty and advanced costs, as the valuation counts a claim), the latest
    /// valuation run's value, and for a disposal the cost (the price paid for the package).
    pub async fn price_context(
        &self,
        package_id: i64,
        price: Money,
        disposal: bool,
    ) -> Result<PriceContext, StoreError> {
        let rows = sqlx::query(
            "SELECT principal_fen, interest_fen, penalty_fen, advanced_costs_fen FROM claims WHERE package_id = $1",
        )
        .bind(package_id)
        .fetch_all(&self.pool)
        .await?;
        let mut face = Money::ZERO;
        for r in &rows {
            for c in ["principal_fen", "interest_fen", "penalty_fen", "advanced_costs_fen"] {
                face = face.checked_add(Money::from_fen(i64_col(r, c)?)).map_err(|_| {
                    StoreError::Refused(Text::fixed(
                        "资产包债权合计超出金额范围",
                        "the package's claims add up beyond the range of an amount",
                    ))
                })?;
            }
        }
        let valuation = self.valuation_runs(package_id).await?.into_iter().next().map(|run| ValuationRef {
            run_id: run.id,
            valuation_date: run.valuation_date,
            value: run.bid,
        });
        let cost = if disposal { self.package(package_id).await?.and_then(|p| p.package.data.price) } else { None };
        Ok(PriceContext { price, face_value: face, valuation, cost })
    }

    /// Every cross-region exception, by claim.
    pub async fn cross_region_exceptions(&self) -> Result<Vec<CrossRegionException>, StoreError> {
        let rows = sqlx::query(
            "SELECT claim_id, basis, created_by, created_at FROM cross_region_exceptions ORDER BY claim_id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(exception_from_row).collect()
    }

    pub async fn cross_region_exception(&self, claim_id: i64) -> Result<Option<CrossRegionException>, StoreError> {
        let row = sqlx::query(
            "SELECT claim_id, basis, created_by, created_at FROM cross_region_exceptions WHERE claim_id = $1",
        )
        .bind(claim_id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(exception_from_row).transpose()
    }

    /// Computes a quarter-end's indicators with the parameters in force and records them as the
    /// result reported for that quarter. `Invalid` for a date that is not a quarter-end, or when
    /// a net-assets figure the indicators need is missing.
    pub async fn record_quarter_end(&self, actor: &str, quarter: NaiveDate) -> Result<IndicatorResult, StoreError> {
        if huajie_rules::indicators::latest_quarter_end(quarter) != quarter {
            return Err(StoreError::Refused(Text::new(
                format!("{quarter} 不是季末日（3-31、6-30、9-30、12-31）"),
                format!("{quarter} is not a quarter-end"),
            )));
        }
        let params = self.rule_parameters().await?;
        let ledger = self.compliance_ledger().await?;
        let all = huajie_rules::indicators(&ledger, &params.parameters, quarter)
            .map_err(|e| StoreError::Refused(e.text()))?;
        let mut tx = self.write(actor).await?;
        let result = tx.record_indicator_result(quarter, params.version, &all).await?;
        tx.commit().await?;
        Ok(result)
    }

    /// Records a package as bought on `on`, at the price of a cleared acquisition check, with the
    /// purchase in the investment ledger — one transaction. Refused (`Invalid`) for a check that
    /// is blocked, still awaiting an override, or not an acquisition, and for a package past bidding.
    pub async fn record_acquisition(&self, actor: &str, check_id: i64, on: NaiveDate) -> Result<i64, StoreError> {
        let c =
            self.deal_check(check_id).await?.ok_or_else(|| StoreError::NotFound(format!("检查 / check {check_id}")))?;
        let Some((package_id, price)) = c.cleared_acquisition() else {
            return Err(StoreError::Refused(match c.standing() {
                CheckStanding::Blocked => Text::fixed(
                    "该检查存在硬性禁止事项，不能据此收购。",
                    "The check found a hard block: the package cannot be bought on it.",
                ),
                CheckStanding::AwaitingOverride => Text::fixed(
                    "该检查仍有未豁免的发现，不能据此收购。",
                    "The check has findings not yet overridden: the package cannot be bought on it.",
                ),
                CheckStanding::Cleared => {
                    Text::fixed("这不是资产包的收购检查。", "This is not the check of a package's acquisition.")
                }
            }));
        };
        let package = self
            .package(package_id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("资产包 / package {package_id}")))?
            .package;
        if !package.data.status.before_acquisition() {
            return Err(StoreError::Refused(Text::fixed(
                "该资产包已不在尽调或竞价阶段。",
                "The package is no longer in due diligence or bidding.",
            )));
        }
        // A flag set after the check (it would have blocked it) stops the purchase too.
        let flagged = sqlx::query(
            "SELECT f.code FROM asset_flags f LEFT JOIN claims c ON c.id = f.claim_id WHERE f.package_id = $1 OR c.package_id = $1",
        )
        .bind(package_id)
        .fetch_optional(&self.pool)
        .await?;
        if let Some(r) = flagged {
            let code = text(&r, "code")?;
            return Err(StoreError::Refused(Text::new(
                format!("检查之后该资产包或其债权被标记为 {code}（禁止收购资产），请重新检查。"),
                format!(
                    "Since the check the package or one of its claims was flagged {code} (a prohibited asset): check it again."
                ),
            )));
        }
        let mut tx = self.write(actor).await?;
        tx.update_package_status(package_id, huajie_core::PackageStatus::Acquired, Some(on), Some(price)).await?;
        let description = format!("{} {}（交易前检查 #{check_id}）", package.data.code, package.data.name);
        tx.add_investment(on, price, huajie_rules::indicators::InvestmentKind::FinancialNpa, &description).await?;
        tx.commit().await?;
        Ok(package_id)
    }

    pub async fn deal_checks(&self, package_id: Option<i64>, limit: i64) -> Result<Vec<DealCheck>, StoreError> {
        let rows = match package_id {
            Some(p) => {
                sqlx::query(crate::composed(format!(
                    "SELECT {CHECK_COLUMNS} FROM deal_checks WHERE package_id = $1 ORDER BY id DESC LIMIT $2"
                )))
                .bind(p)
                .bind(limit)
                .fetch_all(&self.pool)
                .await?
            }
            None => {
                sqlx::query(crate::composed(format!(
                    "SELECT {CHECK_COLUMNS} FROM deal_checks ORDER BY id DESC LIMIT $1"
                )))
                .bind(limit)
                .fetch_all(&self.pool)
                .await?
            }
        };
        let mut out: Vec<DealCheck> = rows.iter().map(check_from_row).collect::<Result<_, _>>()?;
        let overrides = self.check_overrides().await?;
        for c in &mut out {
            c.overrides = overrides.iter().filter(|o| o.check_id == c.id).cloned().collect();
        }
        Ok(out)
    }

    pub async fn deal_check(&self, id: i64) -> Result<Option<DealCheck>, StoreError> {
        let row = sqlx::query(crate::composed(format!("SELECT {CHECK_COLUMNS} FROM deal_checks WHERE id = $1")))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let mut c = check_from_row(&row)?;
        let overrides = sqlx::query("SELECT id, check_id, finding, reason, created_by, created_at FROM check_overrides WHERE check_id = $1 ORDER BY id").bind(id).fetch_all(&self.pool).await?;
        c.overrides = overrides.iter().map(override_from_row).collect::<Result<_, _>>()?;
        Ok(Some(c))
    }

    pub async fn check_overrides(&self) -> Result<Vec<CheckOverride>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, check_id, finding, reason, created_by, created_at FROM check_overrides ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(override_from_row).collect()
    }

    /// Every recorded quarter-end result, newest first (without the indicators' bodies read twice).
    pub async fn indicator_results(&self) -> Result<Vec<IndicatorResult>, StoreError> {
        let rows = sqlx::query("SELECT id, quarter_end, parameter_version, body, body_sha256, created_by, created_at FROM indicator_results ORDER BY quarter_end DESC, id DESC")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(result_from_row).collect()
    }

    /// The latest recorded result of a quarter-end: the official one.
    pub async fn indicator_result(&self, quarter_end: NaiveDate) -> Result<Option<IndicatorResult>, StoreError> {
        let row = sqlx::query(
            "SELECT id, quarter_end, parameter_version, body, body_sha256, created_by, created_at FROM indicator_results WHERE quarter_end = $1 ORDER BY id DESC LIMIT 1",
        )
        .bind(date_text(quarter_end))
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(result_from_row).transpose()
    }
}

impl WriteTx {
    /// Records (or replaces) a party's attributes.
    pub async fn set_party_attributes(&mut self, a: PartyAttributes) -> Result<(), StoreError> {
        let existing =
            sqlx::query("SELECT party_id, state_organ, lgfv, licensed_fi FROM party_attributes WHERE party_id = $1")
                .bind(a.party_id)
                .fetch_optional(&mut *self.tx)
                .await?;
        match existing {
            Some(r) => {
                let before = PartyAttributes {
                    party_id: a.party_id,
                    state_organ: flag(&r, "state_organ")?,
                    lgfv: flag(&r, "lgfv")?,
                    licensed_fi: flag(&r, "licensed_fi")?,
                };
                sqlx::query(
                    "UPDATE party_attributes SET state_organ = $1, lgfv = $2, licensed_fi = $3 WHERE party_id = $4",
                )
                .bind(i64::from(a.state_organ))
                .bind(i64::from(a.lgfv))
                .bind(i64::from(a.licensed_fi))
                .bind(a.party_id)
                .execute(&mut *self.tx)
                .await?;
                self.audit_update(&before, &a).await.map(drop)
            }
            None => {
                sqlx::query(
                    "INSERT INTO party_attributes (party_id, state_organ, lgfv, licensed_fi) VALUES ($1, $2, $3, $4)",
                )
                .bind(a.party_id)
                .bind(i64::from(a.state_organ))
                .bind(i64::from(a.lgfv))
                .bind(i64::from(a.licensed_fi))
                .execute(&mut *self.tx)
                .await?;
                self.audit_create(&a).await.map(drop)
            }
        }
    }

    /// Flags a claim or a package as a prohibited asset (PX2–PX6), with the reason; the
    /// acquisition check then blocks it. A flag already set on the same target is `Duplicate`.
    pub async fn set_asset_flag(
        &mut self,
        target: FlagTarget,
        code: ProhibitedAsset,
        reason: &str,
    ) -> Result<AssetFlagRecord, StoreError> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(StoreError::Refused(Text::fixed(
                "请填写标记理由（合同条款、文件等）",
                "give the reason for the flag (contract clause, document…)",
            )));
        }
        let (package_id, claim_id) = match target {
            FlagTarget::Package(id) => (Some(id), None),
            FlagTarget::Claim(id) => (None, Some(id)),
        };
        let same = sqlx::query("SELECT id FROM asset_flags WHERE code = $1 AND (package_id = $2 OR claim_id = $3)")
            .bind(code.code())
            .bind(package_id.unwrap_or(0))
            .bind(claim_id.unwrap_or(0))
            .fetch_optional(&mut *self.tx)
            .await?;
        if same.is_some() {
            return Err(StoreError::Duplicate(Text::new(
                format!("标记 {}", code.code()),
                format!("flag {}", code.code()),
            )));
        }
        let created_at = crate::timestamp(self.clock.now());
        let r = sqlx::query("INSERT INTO asset_flags (package_id, claim_id, code, reason, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
            .bind(package_id)
            .bind(claim_id)
            .bind(code.code())
            .bind(reason)
            .bind(self.actor().to_string())
            .bind(created_at.as_str())
            .fetch_one(&mut *self.tx)
            .await?;
        let flag = AssetFlagRecord {
            id: i64_col(&r, "id")?,
            package_id,
            claim_id,
            code: code.code().into(),
            reason: reason.into(),
            created_by: self.actor().to_string(),
            created_at,
        };
        self.audit_create(&flag).await?;
        Ok(flag)
    }

    /// Removes a flag (audited, with what was removed). `NotFound` when there is none.
    pub async fn remove_asset_flag(&mut self, id: i64) -> Result<AssetFlagRecord, StoreError> {
        let row = sqlx::query(crate::composed(format!("SELECT {FLAG_COLUMNS} FROM asset_flags WHERE id = $1")))
            .bind(id)
            .fetch_optional(&mut *self.tx)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("标记 / flag {id}")))?;
        let before = flag_from_row(&row)?;
        sqlx::query("DELETE FROM asset_flags WHERE id = $1").bind(id).execute(&mut *self.tx).await?;
        self.audit_delete(&before).await?;
        Ok(before)
    }

    /// Records (or replaces) the cross-region exception of a claim, with its legal basis.
    pub async fn set_cross_region_exception(
        &mut self,
        claim_id: i64,
        basis: &str,
    ) -> Result<CrossRegionException, StoreError> {
        let basis = basis.trim();
        if basis.is_empty() {
            return Err(StoreError::Refused(Text::fixed(
                "请填写跨区域例外的依据（批复文号等）",
                "give the exception's legal basis",
            )));
        }
        let created_at = crate::timestamp(self.clock.now());
        let after =
            CrossRegionException { claim_id, basis: basis.into(), created_by: self.actor().to_string(), created_at };
        let existing = sqlx::query(
            "SELECT claim_id, basis, created_by, created_at FROM cross_region_exceptions WHERE claim_id = $1",
        )
        .bind(claim_id)
        .fetch_optional(&mut *self.tx)
        .await?;
        match existing {
            Some(r) => {
                let before = CrossRegionException {
                    claim_id,
                    basis: text(&r, "basis")?,
                    created_by: text(&r, "created_by")?,
                    created_at: text(&r, "created_at")?,
                };
                sqlx::query("UPDATE cross_region_exceptions SET basis = $1, created_by = $2, created_at = $3 WHERE claim_id = $4")
                    .bind(after.basis.as_str())
                    .bind(after.created_by.as_str())
                    .bind(after.created_at.as_str())
                    .bind(claim_id)
                    .execute(&mut *self.tx)
                    .await?;
                self.audit_update(&before, &after).await?;
            }
            None => {
                sqlx::query("INSERT INTO cross_region_exceptions (claim_id, basis, created_by, created_at) VALUES ($1, $2, $3, $4)")
                    .bind(claim_id)
                    .bind(after.basis.as_str())
                    .bind(after.created_by.as_str())
                    .bind(after.created_at.as_str())
                    .execute(&mut *self.tx)
                    .await
                    .map_err(|e| StoreError::on_unique(e, || Text::new(format!("债权 {claim_id}"), format!("claim {claim_id}"))))?;
                self.audit_create(&after).await?;
            }
        }
        Ok(after)
    }

    /// Records the indicators of a quarter-end for reporting, with the parameter version used.
    pub async fn record_indicator_result(
        &mut self,
        quarter_end: NaiveDate,
        parameter_version: i64,
        indicators: &[Indicator],
    ) -> Result<IndicatorResult, StoreError> {
        let (body, body_sha256) = crate::json_body(indicators)?;
        let created_at = crate::timestamp(self.clock.now());
        let r = sqlx::query("INSERT INTO indicator_results (quarter_end, parameter_version, body, body_sha256, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
            .bind(date_text(quarter_end))
            .bind(parameter_version)
            .bind(body.as_str())
            .bind(body_sha256.as_str())
            .bind(self.actor().to_string())
            .bind(created_at.as_str())
            .fetch_one(&mut *self.tx)
            .await?;
        let result = IndicatorResult {
            id: i64_col(&r, "id")?,
            quarter_end,
            parameter_version,
            indicators: indicators.to_vec(),
            body_sha256,
            created_by: self.actor().to_string(),
            created_at,
        };
        self.audit_create(&result).await?;
        Ok(result)
    }

    /// Records a pre-trade check and what it found (the indicators without their lines).
    #[allow(clippy::too_many_arguments)]
    pub async fn record_deal_check(
        &mut self,
        kind: &str,
        package_id: Option<i64>,
        label: &str,
        as_of: NaiveDate,
        parameter_version: i64,
        deal: &serde_json::Value,
        result: &huajie_rules::pretrade::PreTrade,
        price: Option<PriceContext>,
    ) -> Result<DealCheck, StoreError> {
        let strip =
            |v: &[Indicator]| v.iter().map(|i| Indicator { lines: Vec::new(), ..i.clone() }).collect::<Vec<_>>();
        let stored = CheckResult {
            before: strip(&result.before),
            after: strip(&result.after),
            findings: result.findings.clone(),
            territory: result.territory.clone(),
            price,
        };
        let body = serde_json::to_string(&stored).map_err(|e| corrupt("check", e))?;
        let deal_text = deal.to_string();
        let created_at = crate::timestamp(self.clock.now());
        let blocked = result.blocked();
        let r = sqlx::query(
            "INSERT INTO deal_checks (kind, package_id, label, as_of, parameter_version, deal, result, blocked, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(kind)
        .bind(package_id)
        .bind(label)
        .bind(date_text(as_of))
        .bind(parameter_version)
        .bind(deal_text.as_str())
        .bind(body.as_str())
        .bind(i64::from(blocked))
        .bind(self.actor().to_string())
        .bind(created_at.as_str())
        .fetch_one(&mut *self.tx)
        .await?;
        let check = DealCheck {
            id: i64_col(&r, "id")?,
            kind: kind.into(),
            package_id,
            label: label.into(),
            as_of,
            parameter_version,
            deal: deal_text,
            result: stored,
            blocked,
            created_by: self.actor().to_string(),
            created_at,
            overrides: Vec::new(),
        };
        self.audit_create(&check).await?;
        Ok(check)
    }

    /// The risk role's override of one finding of a check, with its reason. A hard block
    /// cannot be overridden; a finding is overridden once.
    pub async fn override_finding(
        &mut self,
        check: &DealCheck,
        finding: usize,
        reason: &str,
    ) -> Result<CheckOverride, StoreError> {
        let f = check
            .result
            .findings
            .get(finding)
            .ok_or_else(|| StoreError::NotFound(format!("发现 / finding {finding}")))?;
        if f.effect == Effect::Block {
            return Err(StoreError::Refused(Text::fixed("硬性禁止事项不能豁免", "a hard block cannot be overridden")));
        }
        if reason.trim().is_empty() {
            return Err(StoreError::Refused(Text::fixed("请填写豁免理由", "give the reason for the override")));
        }
        let created_at = crate::timestamp(self.clock.now());
        let r = sqlx::query("INSERT INTO check_overrides (check_id, finding, reason, created_by, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
            .bind(check.id)
            .bind(finding as i64)
            .bind(reason.trim())
            .bind(self.actor().to_string())
            .bind(created_at.as_str())
            .fetch_one(&mut *self.tx)
            .await
            .map_err(|e| StoreError::on_unique(e, || Text::new(format!("检查 {} 的发现 {finding} 的豁免", check.id), format!("an override of finding {finding} of check {}", check.id))))?;
        let o = CheckOverride {
            id: i64_col(&r, "id")?,
            check_id: check.id,
            finding: finding as i64,
            reason: reason.trim().into(),
            created_by: self.actor().to_string(),
            created_at,
        };
        self.audit_create(&o).await?;
        Ok(o)
    }
}
