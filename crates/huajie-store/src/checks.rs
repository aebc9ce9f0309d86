//! Compliance, part 2: party attributes the checks read (state organ, LGFV, licensed
//! financial institution), the official quarter-end results recording the parameter version
//! they used, and pre-trade checks of proposed deals with their findings and the risk role's
//! overrides. Every record is audited.

use chrono::NaiveDate;
use huajie_core::{Money, Text};
use huajie_rules::checks::{AssetFlag, Finding, ProhibitedAsset, Territory};
use huajie_rules::indicators::Indicator;
use huajie_rules::pretrade::PriceContext;
use huajie_rules::terms::{DealKind, DealTerms};
use serde::{Deserialize, Serialize};

use crate::audit::Audited;
pub use crate::exceptions::CrossRegionException;
use crate::rows::{date, date_text, i64_col, opt_i64, text};
use crate::transitions::OverrideApproval;
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
    /// The second risk officer's approval, without which the override does not count (four eyes).
    #[serde(skip)]
    pub approval: Option<OverrideApproval>,
}

/// An override with its approval, if any.
pub(crate) const OVERRIDE_SELECT: &str = "SELECT o.id, o.check_id, o.finding, o.reason, o.created_by, o.created_at, a.id AS approval_id, a.approved_by, a.approved_at FROM check_overrides o LEFT JOIN check_override_approvals a ON a.override_id = o.id";

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

pub(crate) const FLAG_COLUMNS: &str = "id, package_id, claim_id, code, reason, created_by, created_at";

pub(crate) fn flag_from_row(r: &sqlx::any::AnyRow) -> Result<AssetFlagRecord, StoreError> {
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
    let (id, check_id) = (i64_col(r, "id")?, i64_col(r, "check_id")?);
    let approval = match opt_i64(r, "approval_id")? {
        Some(approval_id) => Some(OverrideApproval {
            id: approval_id,
            override_id: id,
            check_id,
            approved_by: text(r, "approved_by")?,
            approved_at: crate::rows::utc(r, "approved_at")?,
        }),
        None => None,
    };
    Ok(CheckOverride {
        id,
        check_id,
        finding: i64_col(r, "finding")?,
        reason: text(r, "reason")?,
        created_by: text(r, "created_by")?,
        created_at: crate::rows::utc(r, "created_at")?,
        approval,
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

/// A check and its overrides on one connection (a pooled one, or a write transaction's).
pub(crate) async fn deal_check(c: &mut sqlx::AnyConnection, id: i64) -> Result<Option<DealCheck>, StoreError> {
    let row = sqlx::query(crate::composed(format!("SELECT {CHECK_COLUMNS} FROM deal_checks WHERE id = $1")))
        .bind(id)
        .fetch_optional(&mut *c)
        .await?;
    let Some(row) = row else { return Ok(None) };
    let mut check = check_from_row(&row)?;
    let overrides = sqlx::query(crate::composed(format!("{OVERRIDE_SELECT} WHERE o.check_id = $1 ORDER BY o.id")))
        .bind(id)
        .fetch_all(&mut *c)
        .await?;
    check.overrides = overrides.iter().map(override_from_row).collect::<Result<_, _>>()?;
    Ok(Some(check))
}

impl Store {
    /// Every prohibited-asset flag, oldest first.
    pub async fn asset_flags(&self) -> Result<Vec<AssetFlagRecord>, StoreError> {
        let rows = sqlx::query(crate::composed(format!("SELECT {FLAG_COLUMNS} FROM asset_flags ORDER BY id")))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(flag_from_row).collect()
    }

    /// Computes a quarter-end's indicators with the parameters in force and records them as the
    /// result reported for that quarter: one transaction, which reads the book and the parameters
    /// it computes from. Refused for a date that is not a quarter-end, or when a net-assets figure
    /// the indicators need is missing.
    pub async fn record_quarter_end(&self, actor: &str, quarter: NaiveDate) -> Result<IndicatorResult, StoreError> {
        if huajie_rules::indicators::latest_quarter_end(quarter) != quarter {
            return Err(StoreError::Refused(Text::new(
                format!("{quarter} 不是季末日（3-31、6-30、9-30、12-31）"),
                format!("{quarter} is not a quarter-end"),
            )));
        }
        self.operate(actor, async |tx| {
            let params = tx.rule_parameters().await?;
            // The recovery ledger as it stood at the quarter-end: a result recorded late does not
            // take in what was posted after it.
            let ledger = crate::ledger::compliance_ledger(tx.conn(), quarter).await?;
            let all = huajie_rules::indicators(&ledger, &params.parameters, quarter)
                .map_err(|e| StoreError::Refused(e.text()))?;
            tx.record_indicator_result(quarter, params.version, &all).await
        })
        .await
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
        deal_check(&mut *self.pool.acquire().await?, id).await
    }

    pub async fn check_overrides(&self) -> Result<Vec<CheckOverride>, StoreError> {
        let rows =
            sqlx::query(crate::composed(format!("{OVERRIDE_SELECT} ORDER BY o.id"))).fetch_all(&self.pool).await?;
        rows.iter().map(override_from_row).collect()
    }

    /// Every approval of an override (for the audit's comparison of rows and chain).
    pub async fn override_approvals(&self) -> Result<Vec<OverrideApproval>, StoreError> {
        Ok(self.check_overrides().await?.into_iter().filter_map(|o| o.approval).collect())
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
