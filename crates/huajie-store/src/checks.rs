//! Compliance, part 2: party attributes the checks read (state organ, LGFV, licensed
//! financial institution), the official quarter-end results recording the parameter version
//! they used, and pre-trade checks of proposed deals with their findings and the risk role's
//! overrides. Every record is audited.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use huajie_core::{Money, PartyKind, PartyStatus, Text};
use huajie_rules::checks::{AssetFlag, CheckParty, Finding, ProhibitedAsset, ProposedClaim, Territory};
use huajie_rules::indicators::{HeldPackage, Indicator, held_claim_exposures};
use huajie_rules::pretrade::{Deal, PriceContext, SoldClaim, ValuationRef};
use huajie_rules::terms::{DealKind, DealTerms};
use serde::{Deserialize, Serialize};

use crate::audit::Audited;
pub use crate::exceptions::CrossRegionException;
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
    #[serde(serialize_with = "crate::rows::stored_time")]
    pub created_at: chrono::DateTime<chrono::Utc>,
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
    #[serde(serialize_with = "crate::rows::stored_time")]
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl Audited for CheckOverride {
    const ENTITY: &'static str = "check_override";
    fn audit_id(&self) -> String {
        self.id.to_string()
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
    #[serde(serialize_with = "crate::rows::stored_time")]
    pub created_at: chrono::DateTime<chrono::Utc>,
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
        created_at: crate::rows::utc(r, "created_at")?,
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
    pub kind: DealKind,
    pub package_id: Option<i64>,
    pub label: String,
    pub as_of: NaiveDate,
    pub parameter_version: i64,
    /// What was checked: the price or amount, the package, the counterparty…
    pub terms: DealTerms,
    pub result: CheckResult,
    pub blocked: bool,
    pub created_by: String,
    #[serde(serialize_with = "crate::rows::stored_time")]
    pub created_at: chrono::DateTime<chrono::Utc>,
    #[serde(skip)]
    pub overrides: Vec<CheckOverride>,
}

impl Audited for DealCheck {
    const ENTITY: &'static str = "deal_check";
    fn audit_id(&self) -> String {
        self.id.to_string()
    }
}

pub use huajie_rules::standing::CheckStanding;

impl DealCheck {
    /// Where the check stands (`huajie_rules::standing`).
    pub fn standing(&self) -> CheckStanding {
        crate::transitions::standing_of(self)
    }

    /// The package and price a purchase may be recorded at: those of a cleared acquisition check.
    pub fn cleared_acquisition(&self) -> Option<(i64, Money)> {
        match self.terms {
            DealTerms::Acquisition { package_id, price, .. } if self.standing() == CheckStanding::Cleared => {
                Some((package_id, price))
            }
            _ => None,
        }
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

pub(crate) const CHECK_COLUMNS: &str =
    "id, kind, package_id, label, as_of, parameter_version, terms, result, blocked, created_by, created_at";

pub(crate) fn check_from_row(r: &sqlx::any::AnyRow) -> Result<DealCheck, StoreError> {
    let id = i64_col(r, "id")?;
    let kind = crate::rows::code(r, "kind", DealKind::from_code)?;
    let package_id = opt_i64(r, "package_id")?;
    let label = text(r, "label")?;
    let stored = text(r, "terms")?;
    // A check recorded before the terms were typed kept the JSON its page described.
    let terms = serde_json::from_str::<DealTerms>(&stored)
        .ok()
        .or_else(|| crate::legacy_terms::from_described(kind, package_id, &label, &stored))
        .filter(|t| t.kind() == kind)
        .ok_or_else(|| corrupt("deal_checks.terms", format!("check {id}: {stored}")))?;
    Ok(DealCheck {
        id,
        kind,
        package_id,
        label,
        as_of: date(r, "as_of")?,
        parameter_version: i64_col(r, "parameter_version")?,
        terms,
        result: serde_json::from_str(&text(r, "result")?).map_err(|e| corrupt("deal_checks.result", e))?,
        blocked: flag(r, "blocked")?,
        created_by: text(r, "created_by")?,
        created_at: crate::rows::utc(r, "created_at")?,
        overrides: Vec::new(),
    })
}

pub(crate) fn override_from_row(r: &sqlx::any::AnyRow) -> Result<CheckOverride, StoreError> {
    Ok(CheckOverride {
        id: i64_col(r, "id")?,
        check_id: i64_col(r, "check_id")?,
        finding: i64_col(r, "finding")?,
        reason: text(r, "reason")?,
        created_by: text(r, "created_by")?,
        created_at: crate::rows::utc(r, "created_at")?,
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
        created_at: crate::rows::utc(r, "created_at")?,
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
        transferee: huajie_rules::checks::Counterparty,
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
        // Each claim's guarantors in one pass, in the order read (not a scan per claim).
        let mut guarantors_of: HashMap<i64, Vec<i64>> = HashMap::with_capacity(rows.len());
        for g in &guarantees {
            guarantors_of.entry(i64_col(g, "claim_id")?).or_default().push(i64_col(g, "guarantor_id")?);
        }
        let mut claims = Vec::with_capacity(rows.len());
        for (r, b) in rows.iter().zip(&book) {
            let guarantors = guarantors_of.remove(&i64_col(r, "id")?).unwrap_or_default();
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
    /// and records the check with the deal's terms (`DealTerms::of`). A missing quarter-end's
    /// net assets is `Invalid` with its date.
    pub async fn run_deal_check(
        &self,
        actor: &str,
        package_id: Option<i64>,
        label: &str,
        as_of: NaiveDate,
        deal: &Deal,
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
        let mut terms = DealTerms::of(deal, package_id).ok_or_else(|| {
            StoreError::Refused(huajie_core::Text::fixed(
                "资产包的收购或处置须指明资产包。",
                "A package's acquisition or disposal names its package.",
            ))
        })?;
        self.name_identifier(&mut terms).await?;
        let mut tx = self.write(actor).await?;
        if terms.kind() == DealKind::Disposal {
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
        let check = tx.record_deal_check(package_id, label, as_of, params.version, &terms, &result, price).await?;
        tx.commit().await?;
        Ok(check)
    }

    /// Fills in the identifier of a registered counterparty the terms name (what masks a
    /// person for viewers without the personal-data permission).
    async fn name_identifier(&self, terms: &mut DealTerms) -> Result<(), StoreError> {
        if let Some(p) = terms.counterparty_mut()
            && let Some(id) = p.id
            && p.identifier.is_none()
        {
            let row =
                sqlx::query("SELECT identifier FROM parties WHERE id = $1").bind(id).fetch_optional(&self.pool).await?;
            p.identifier = row.map(|r| crate::rows::opt_text(&r, "identifier")).transpose()?.flatten();
        }
        Ok(())
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
        let created_at = crate::stored_time(self.clock.now());
        let r = sqlx::query("INSERT INTO asset_flags (package_id, claim_id, code, reason, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
            .bind(package_id)
            .bind(claim_id)
            .bind(code.code())
            .bind(reason)
            .bind(self.actor().to_string())
            .bind(crate::timestamp(created_at))
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

    /// Records the indicators of a quarter-end for reporting, with the parameter version used.
    pub async fn record_indicator_result(
        &mut self,
        quarter_end: NaiveDate,
        parameter_version: i64,
        indicators: &[Indicator],
    ) -> Result<IndicatorResult, StoreError> {
        let (body, body_sha256) = crate::json_body(indicators)?;
        let created_at = crate::stored_time(self.clock.now());
        let r = sqlx::query("INSERT INTO indicator_results (quarter_end, parameter_version, body, body_sha256, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
            .bind(date_text(quarter_end))
            .bind(parameter_version)
            .bind(body.as_str())
            .bind(body_sha256.as_str())
            .bind(self.actor().to_string())
            .bind(crate::timestamp(created_at))
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

    /// Records a pre-trade check, its terms and what it found (the indicators without their lines).
    #[expect(clippy::too_many_arguments, reason = "the check's columns, each typed")]
    pub async fn record_deal_check(
        &mut self,
        package_id: Option<i64>,
        label: &str,
        as_of: NaiveDate,
        parameter_version: i64,
        terms: &DealTerms,
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
        let terms_text = serde_json::to_string(terms).map_err(|e| corrupt("deal_checks.terms", e))?;
        let created_at = crate::stored_time(self.clock.now());
        let blocked = result.blocked();
        let r = sqlx::query(
            "INSERT INTO deal_checks (kind, package_id, label, as_of, parameter_version, terms, result, blocked, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(terms.kind().code())
        .bind(package_id)
        .bind(label)
        .bind(date_text(as_of))
        .bind(parameter_version)
        .bind(terms_text.as_str())
        .bind(body.as_str())
        .bind(i64::from(blocked))
        .bind(self.actor().to_string())
        .bind(crate::timestamp(created_at))
        .fetch_one(&mut *self.tx)
        .await?;
        let check = DealCheck {
            id: i64_col(&r, "id")?,
            kind: terms.kind(),
            package_id,
            label: label.into(),
            as_of,
            parameter_version,
            terms: terms.clone(),
            result: stored,
            blocked,
            created_by: self.actor().to_string(),
            created_at,
            overrides: Vec::new(),
        };
        self.audit_create(&check).await?;
        Ok(check)
    }
}
