//! Changes of state, each the same shape (ARCHITECTURE.md, "The write path"): open the write
//! transaction (the audit-head lock first), read the record through it, ask the pure rule
//! whether the change is allowed (`PackageStatus::can_become`, `huajie_rules::standing`),
//! write with a guarded `UPDATE … WHERE status IN (…)` and refuse when no row changed,
//! audit, commit. Two quick submissions of one action then do it once: the second reads
//! what the first wrote, or finds its guard no longer true.

use chrono::NaiveDate;
use huajie_core::{Lifecycle, Money, Package, PackageStatus, Stored, Text};
use huajie_decide::acquire::Payment;
use huajie_rules::standing::{ApprovalRefusal, CheckStanding, OverrideRefusal, may_approve, may_override};

use crate::audit::Audited;
use crate::checks::{CheckOverride, DealCheck};
use crate::rows::{date_text, i64_col};
use crate::{Store, StoreError, WriteTx};

impl Store {
    /// Records a package as bought on `on`, at the price of a cleared acquisition check that the
    /// committee approved (`huajie_decide::acquire::may_record`: a passed item for the package at
    /// no less than the price, a check within its validity), paid as the check reckoned
    /// (`huajie_decide::acquire::payment`): out of the cash or deposit entry `cash` of the liquid
    /// assets, or by drawing the price on the funding line the check drew on. One transaction
    /// moves the package, books the investment and takes the price out of cash or draws it — so
    /// the six indicators move as the check's pro forma said. Refused for a check that is
    /// blocked, awaiting an override or not an acquisition; for a package flagged since the
    /// check; for a package no longer before acquisition (bought already, say by a second click
    /// of the same button); for a cash entry that is encumbered, not cash or a demand deposit,
    /// or short of the price; and for a line without the headroom now.
    pub async fn record_acquisition(
        &self,
        actor: &str,
        check_id: i64,
        on: NaiveDate,
        cash: Option<i64>,
    ) -> Result<i64, StoreError> {
        let mut tx = self.write(actor).await?;
        let (check, package_id, price) = tx.cleared_acquisition(check_id).await?;
        if let Some(code) = tx.first_flag_on_package(package_id).await? {
            return Err(StoreError::Refused(Text::new(
                format!("检查之后该资产包或其债权被标记为 {code}（禁止收购资产），请重新检查。"),
                format!(
                    "Since the check the package or one of its claims was flagged {code} (a prohibited asset): check it again."
                ),
            )));
        }
        let params = tx.rule_parameters().await?.parameters;
        let approval = tx.passed_acquisition(package_id).await?;
        let checked_on = huajie_core::clock::beijing_date(check.created_at);
        huajie_decide::acquire::may_record(&params, checked_on, tx.clock.today(), approval, price)
            .map_err(StoreError::Refused)?;
        let package = tx.transition_package(package_id, PackageStatus::Acquired, Some((on, price))).await?;
        let description = format!("{} {}（交易前检查 #{check_id}）", package.data.code, package.data.name);
        tx.add_investment(on, price, huajie_rules::indicators::InvestmentKind::FinancialNpa, &description).await?;
        let checked_line = match &check.terms {
            huajie_rules::terms::DealTerms::Acquisition { funding_line, .. } => funding_line.as_ref(),
            _ => None,
        };
        match huajie_decide::acquire::payment(checked_line, cash).map_err(StoreError::Refused)? {
            Payment::Cash(entry) => tx.pay_out_of_cash(entry, price).await?,
            Payment::Line(line) => {
                let line = crate::funding_lines::funding_line(tx.conn(), line.id).await?;
                tx.draw_on_line(&line.draw(price, on).map_err(StoreError::Refused)?).await?;
            }
        }
        // The purchase in the ledger, in the same transaction: every bought package has its cost basis.
        tx.post_acquisition(package_id).await?;
        tx.commit().await?;
        Ok(package_id)
    }

    /// The risk role overrides finding `finding` of check `check_id`, with its reason: one
    /// transaction (`huajie_rules::standing::may_override` decides).
    pub async fn override_finding(
        &self,
        actor: &str,
        check_id: i64,
        finding: usize,
        reason: &str,
    ) -> Result<CheckOverride, StoreError> {
        let mut tx = self.write(actor).await?;
        let o = tx.override_finding(check_id, finding, reason).await?;
        tx.commit().await?;
        Ok(o)
    }

    /// A second risk officer approves a proposed override (four eyes): one transaction
    /// (`huajie_rules::standing::may_approve` decides).
    pub async fn approve_override(
        &self,
        actor: &str,
        check_id: i64,
        override_id: i64,
    ) -> Result<OverrideApproval, StoreError> {
        self.operate(actor, async |tx| tx.approve_override(check_id, override_id).await).await
    }
}

impl WriteTx {
    /// Moves a package one step along its life cycle (`PackageStatus::can_become`); becoming
    /// acquired records the day and the price, which the other steps keep. Refused when the
    /// package, as this transaction reads it, cannot become `next`, and when its status
    /// changed under the guard.
    pub async fn transition_package(
        &mut self,
        id: i64,
        next: PackageStatus,
        acquisition: Option<(NaiveDate, Money)>,
    ) -> Result<Stored<Package>, StoreError> {
        let before = self.package_in(id).await?;
        if !before.data.status.can_become(next) {
            return Err(StoreError::Refused(before.data.status.refusal(next)));
        }
        let (acquired_on, price) = match (next, acquisition) {
            (PackageStatus::Acquired, Some((on, price))) => (Some(on), Some(price)),
            (PackageStatus::Acquired, None) => {
                return Err(StoreError::Refused(Text::fixed(
                    "收购须记录日期和价格。",
                    "An acquisition is recorded with its date and price.",
                )));
            }
            _ => (before.data.acquired_on, before.data.price),
        };
        let from = PackageStatus::may_become(next);
        let sql = format!(
            "UPDATE packages SET status = $1, acquired_on = $2, price_fen = $3 WHERE id = $4 AND status IN ({})",
            crate::params_from(5, from.len())
        );
        let mut q = sqlx::query(crate::composed(sql))
            .bind(next.code())
            .bind(acquired_on.map(date_text))
            .bind(price.map(Money::fen))
            .bind(id);
        for s in &from {
            q = q.bind(s.code());
        }
        if q.execute(&mut *self.tx).await?.rows_affected() != 1 {
            return Err(StoreError::Refused(before.data.status.refusal(next)));
        }
        let after = Stored { id, data: Package { status: next, acquired_on, price, ..before.data.clone() } };
        self.audit_update(&before, &after).await?;
        Ok(after)
    }

    /// Takes `amount` out of liquid-asset entry `id` (cash or a demand deposit, unencumbered,
    /// holding at least the amount), guarded, audited.
    pub(crate) async fn pay_out_of_cash(&mut self, id: i64, amount: Money) -> Result<(), StoreError> {
        let row = sqlx::query("SELECT id, label, kind, amount_fen, encumbered FROM liquid_assets WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *self.tx)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("现金 / cash entry {id}")))?;
        let before = crate::LiquidAssetRecord {
            id,
            label: crate::rows::text(&row, "label")?,
            kind: crate::rows::text(&row, "kind")?,
            amount: crate::rows::money(&row, "amount_fen")?,
            encumbered: i64_col(&row, "encumbered")? != 0,
        };
        let payable = matches!(before.kind.as_str(), "cash" | "demand_deposit") && !before.encumbered;
        let updated = sqlx::query("UPDATE liquid_assets SET amount_fen = amount_fen - $1 WHERE id = $2 AND amount_fen >= $1 AND encumbered = 0 AND kind IN ('cash', 'demand_deposit')")
            .bind(amount.fen())
            .bind(id)
            .execute(&mut *self.tx)
            .await?
            .rows_affected();
        if !payable || updated != 1 {
            return Err(StoreError::Refused(Text::new(
                format!(
                    "“{}”不能支付 {} 元：须为未受限的现金或活期存款，且余额 {} 元足够。",
                    before.label,
                    amount.yuan_string(),
                    before.amount.yuan_string()
                ),
                format!(
                    "“{}” cannot pay {} yuan: it must be unencumbered cash or a demand deposit holding enough ({} yuan).",
                    before.label,
                    amount.yuan_string(),
                    before.amount.yuan_string()
                ),
            )));
        }
        let after =
            crate::LiquidAssetRecord { amount: Money::from_fen(before.amount.fen() - amount.fen()), ..before.clone() };
        self.audit_update(&before, &after).await?;
        Ok(())
    }

    /// Acquisition check `check_id` as this transaction reads it, with the package and price a
    /// purchase may be tabled or recorded at: refused unless it is a cleared acquisition check.
    pub(crate) async fn cleared_acquisition(&mut self, check_id: i64) -> Result<(DealCheck, i64, Money), StoreError> {
        let check =
            self.deal_check(check_id).await?.ok_or_else(|| StoreError::NotFound(format!("检查 / check {check_id}")))?;
        check
            .standing()
            .may_acquire(check.kind == huajie_rules::terms::DealKind::Acquisition)
            .map_err(StoreError::Refused)?;
        let (package_id, price) = check.cleared_acquisition().ok_or_else(|| {
            StoreError::Corrupt(format!("deal_checks {check_id}: an acquisition without its package or price"))
        })?;
        Ok((check, package_id, price))
    }

    /// A check and its overrides as this transaction reads them.
    pub async fn deal_check(&mut self, id: i64) -> Result<Option<DealCheck>, StoreError> {
        crate::checks::deal_check(self.conn(), id).await
    }

    /// The code of a prohibited-asset flag on the package or one of its claims, if any.
    async fn first_flag_on_package(&mut self, package_id: i64) -> Result<Option<String>, StoreError> {
        let row = sqlx::query(
            "SELECT f.code FROM asset_flags f LEFT JOIN claims c ON c.id = f.claim_id WHERE f.package_id = $1 OR c.package_id = $1 ORDER BY f.id",
        )
        .bind(package_id)
        .fetch_optional(&mut *self.tx)
        .await?;
        row.map(|r| crate::rows::text(&r, "code")).transpose()
    }

    /// The risk role's override of one finding of a check, with its reason, the check read
    /// through this transaction. A hard block cannot be overridden; a finding is overridden
    /// once (the unique index on the check and the finding guards the insert).
    pub async fn override_finding(
        &mut self,
        check_id: i64,
        finding: usize,
        reason: &str,
    ) -> Result<CheckOverride, StoreError> {
        let check =
            self.deal_check(check_id).await?.ok_or_else(|| StoreError::NotFound(format!("检查 / check {check_id}")))?;
        let overridden: Vec<usize> = check.overrides.iter().map(|o| o.finding as usize).collect();
        match may_override(&check.result.findings, &overridden, finding, reason) {
            Ok(()) => {}
            Err(huajie_rules::standing::OverrideRefusal::NoSuchFinding) => {
                return Err(StoreError::NotFound(format!("发现 / finding {finding}")));
            }
            Err(refusal) => return Err(StoreError::Refused(refusal.text())),
        }
        let created_at = crate::stored_time(self.clock.now());
        let r = sqlx::query("INSERT INTO check_overrides (check_id, finding, reason, created_by, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
            .bind(check_id)
            .bind(finding as i64)
            .bind(reason.trim())
            .bind(self.actor().to_string())
            .bind(crate::timestamp(created_at))
            .fetch_one(&mut *self.tx)
            .await
            // A second override arriving in parallel meets the unique index: the same refusal.
            .map_err(|e| match StoreError::on_unique(e, || OverrideRefusal::AlreadyOverridden.text()) {
                StoreError::Duplicate(text) => StoreError::Refused(text),
                other => other,
            })?;
        let o = CheckOverride {
            id: i64_col(&r, "id")?,
            check_id,
            finding: finding as i64,
            reason: reason.trim().into(),
            created_by: self.actor().to_string(),
            created_at,
            approval: None,
        };
        self.audit_create(&o).await?;
        Ok(o)
    }

    /// A second risk officer (this transaction's actor) approves override `override_id` of check
    /// `check_id`, which then counts (`huajie_rules::standing::may_approve`: a user who may
    /// override findings, not the one who proposed it, once; the unique index guards the insert).
    pub async fn approve_override(&mut self, check_id: i64, override_id: i64) -> Result<OverrideApproval, StoreError> {
        let check =
            self.deal_check(check_id).await?.ok_or_else(|| StoreError::NotFound(format!("检查 / check {check_id}")))?;
        let o = check
            .overrides
            .iter()
            .find(|o| o.id == override_id)
            .ok_or_else(|| StoreError::NotFound(format!("豁免 / override {override_id}")))?;
        let role = sqlx::query("SELECT role FROM users WHERE username = $1 AND active = 1")
            .bind(self.actor().to_string())
            .fetch_optional(&mut *self.tx)
            .await?
            .map(|r| crate::rows::code(&r, "role", huajie_core::Role::from_code))
            .transpose()?;
        let approved_by = o.approval.as_ref().map(|a| a.approved_by.as_str());
        match role {
            Some(role) => may_approve(&o.created_by, approved_by, self.actor(), role),
            None => Err(ApprovalRefusal::NotRisk),
        }
        .map_err(|r| StoreError::Refused(r.text()))?;
        let approved_at = crate::stored_time(self.clock.now());
        let r = sqlx::query("INSERT INTO check_override_approvals (override_id, check_id, approved_by, approved_at) VALUES ($1, $2, $3, $4) RETURNING id")
            .bind(override_id)
            .bind(check_id)
            .bind(self.actor().to_string())
            .bind(crate::timestamp(approved_at))
            .fetch_one(&mut *self.tx)
            .await
            .map_err(|e| match StoreError::on_unique(e, || ApprovalRefusal::AlreadyApproved.text()) {
                StoreError::Duplicate(text) => StoreError::Refused(text),
                other => other,
            })?;
        let a = OverrideApproval {
            id: i64_col(&r, "id")?,
            override_id,
            check_id,
            approved_by: self.actor().to_string(),
            approved_at,
        };
        self.audit_create(&a).await?;
        Ok(a)
    }
}

/// The standing of a check as the rules read it: only an approved override counts.
pub(crate) fn standing_of(check: &DealCheck) -> CheckStanding {
    let overridden: Vec<usize> = check.overrides.iter().filter(|o| o.approved()).map(|o| o.finding as usize).collect();
    CheckStanding::of(check.blocked, &check.result.findings, &overridden)
}

/// A second risk officer's approval of an override: who and when (`huajie_rules::standing::may_approve`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OverrideApproval {
    pub id: i64,
    pub override_id: i64,
    pub check_id: i64,
    pub approved_by: String,
    #[serde(serialize_with = "crate::rows::stored_time")]
    pub approved_at: chrono::DateTime<chrono::Utc>,
}

impl Audited for OverrideApproval {
    const ENTITY: &'static str = "check_override_approval";
    fn audit_id(&self) -> String {
        self.id.to_string()
    }
}

impl CheckOverride {
    /// Whether the override counts: a second risk officer approved it.
    pub fn approved(&self) -> bool {
        self.approval.is_some()
    }
}
