//! Packages, claims, collateral (and which claims each item secures), guarantees.

use huajie_core::{
    Claim, Collateral, CollateralType, FiveClass, Guarantee, GuaranteeKind, LitigationStage, Money, Package,
    PackageStatus, Party, Stored, Text, ValuationBasis,
};
use serde::Serialize;
use sqlx::any::AnyRow;

use crate::audit::Audited;
use crate::composed;
use crate::parties::{party_columns, party_from_row};
use crate::rows::{
    code, date, date_text, i64_col, money, opt_code, opt_date, opt_i64, opt_money, opt_province, opt_text, text,
};
use crate::{Store, StoreError, WriteTx};

impl Audited for Stored<Package> {
    const ENTITY: &'static str = "package";
    fn audit_id(&self) -> String {
        self.id.to_string()
    }
}

impl Audited for Stored<Claim> {
    const ENTITY: &'static str = "claim";
    fn audit_id(&self) -> String {
        self.id.to_string()
    }
}

impl Audited for Stored<Collateral> {
    const ENTITY: &'static str = "collateral";
    fn audit_id(&self) -> String {
        self.id.to_string()
    }
}

impl Audited for Stored<Guarantee> {
    const ENTITY: &'static str = "guarantee";
    fn audit_id(&self) -> String {
        self.id.to_string()
    }
}

/// That a collateral item secures a claim, at a lien rank of its own (顺位 belongs to
/// the link: one building may be a first mortgage for one loan and a second for another).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct CollateralLink {
    pub claim_id: i64,
    pub collateral_id: i64,
    /// 1 = first lien.
    pub lien_rank: u8,
}

impl Audited for CollateralLink {
    const ENTITY: &'static str = "claim_collateral";
    fn audit_id(&self) -> String {
        format!("{}:{}", self.claim_id, self.collateral_id)
    }
}

/// A package with its transferor and the sums of its claims.
#[derive(Debug, Clone, Serialize)]
pub struct PackageSummary {
    pub package: Stored<Package>,
    pub transferor: Stored<Party>,
    pub claim_count: i64,
    pub principal: Money,
    /// Principal + interest + penalty + advanced costs.
    pub total: Money,
    pub appraised_collateral: Money,
}

/// A claim with its debtor.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimRow {
    pub claim: Stored<Claim>,
    pub debtor: Stored<Party>,
}

/// A collateral item with its owner and every claim it secures.
#[derive(Debug, Clone, Serialize)]
pub struct CollateralRow {
    pub collateral: Stored<Collateral>,
    pub owner: Option<Stored<Party>>,
    /// Each claim it secures, with the rank it secures it at.
    pub secures: Vec<SecuredClaim>,
}

/// A claim a collateral item secures, and at which lien rank.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SecuredClaim {
    pub claim_id: i64,
    pub contract_no: String,
    /// 顺位: 1 = first lien.
    pub lien_rank: u8,
}

impl CollateralRow {
    /// The rank at which the item secures `claim_id`; `None` when it does not secure it.
    pub fn rank_for(&self, claim_id: i64) -> Option<u8> {
        self.secures.iter().find(|s| s.claim_id == claim_id).map(|s| s.lien_rank)
    }
}

/// A guarantee with its guarantor.
#[derive(Debug, Clone, Serialize)]
pub struct GuaranteeRow {
    pub guarantee: Stored<Guarantee>,
    pub guarantor: Stored<Party>,
    /// The contract number of the guaranteed claim.
    pub contract_no: String,
}

const PACKAGE_COLUMNS: &str =
    "k.id, k.code, k.name, k.transferor_id, k.cutoff_date, k.status, k.acquired_on, k.price_fen, k.valuation_basis";
const CLAIM_COLUMNS: &str = "c.id, c.package_id, c.contract_no, c.debtor_id, c.principal_fen, c.interest_fen, c.penalty_fen, \
     c.advanced_costs_fen, c.five_class, c.litigation_stage, c.default_date, c.limitation_date, c.province, c.product, c.days_past_due, c.written_off";
const COLLATERAL_COLUMNS: &str = "m.id, m.collateral_type, m.description, m.address, m.province, m.appraised_value_fen, \
     m.appraisal_date, m.prior_claims_fen, m.owner_id";
const GUARANTEE_COLUMNS: &str = "g.id, g.claim_id, g.guarantor_id, g.kind, g.cap_fen";

fn package_from_row(row: &AnyRow) -> Result<Stored<Package>, StoreError> {
    Ok(Stored {
        id: i64_col(row, "id")?,
        data: Package {
            code: text(row, "code")?,
            name: text(row, "name")?,
            transferor_id: i64_col(row, "transferor_id")?,
            cutoff_date: date(row, "cutoff_date")?,
            status: code(row, "status", PackageStatus::from_code)?,
            acquired_on: opt_date(row, "acquired_on")?,
            price: opt_money(row, "price_fen")?,
            valuation_basis: code(row, "valuation_basis", ValuationBasis::from_code)?,
        },
    })
}

fn claim_from_row(row: &AnyRow) -> Result<Stored<Claim>, StoreError> {
    Ok(Stored {
        id: i64_col(row, "id")?,
        data: Claim {
            package_id: i64_col(row, "package_id")?,
            contract_no: text(row, "contract_no")?,
            debtor_id: i64_col(row, "debtor_id")?,
            principal: money(row, "principal_fen")?,
            interest: money(row, "interest_fen")?,
            penalty: money(row, "penalty_fen")?,
            advanced_costs: money(row, "advanced_costs_fen")?,
            five_class: opt_code(row, "five_class", FiveClass::from_code)?,
            litigation_stage: opt_code(row, "litigation_stage", LitigationStage::from_code)?,
            default_date: opt_date(row, "default_date")?,
            limitation_date: opt_date(row, "limitation_date")?,
            province: opt_province(row, "province")?,
            product: opt_text(row, "product")?,
            days_past_due: opt_i64(row, "days_past_due")?,
            written_off: opt_i64(row, "written_off")?.map(|v| v != 0),
        },
    })
}

/// A lien rank as stored: 1 to 255.
pub(crate) fn lien_rank(row: &AnyRow, column: &str) -> Result<u8, StoreError> {
    let rank = i64_col(row, column)?;
    u8::try_from(rank).ok().filter(|r| *r >= 1).ok_or_else(|| StoreError::Corrupt(format!("{column} = {rank}")))
}

fn collateral_from_row(row: &AnyRow) -> Result<Stored<Collateral>, StoreError> {
    Ok(Stored {
        id: i64_col(row, "id")?,
        data: Collateral {
            collateral_type: code(row, "collateral_type", CollateralType::from_code)?,
            description: text(row, "description")?,
            address: opt_text(row, "address")?,
            province: opt_province(row, "province")?,
            appraised_value: money(row, "appraised_value_fen")?,
            appraisal_date: opt_date(row, "appraisal_date")?,
            prior_claims: money(row, "prior_claims_fen")?,
            owner_id: opt_i64(row, "owner_id")?,
        },
    })
}

fn guarantee_from_row(row: &AnyRow) -> Result<Stored<Guarantee>, StoreError> {
    Ok(Stored {
        id: i64_col(row, "id")?,
        data: Guarantee {
            claim_id: i64_col(row, "claim_id")?,
            guarantor_id: i64_col(row, "guarantor_id")?,
            kind: opt_code(row, "kind", GuaranteeKind::from_code)?,
            cap: opt_money(row, "cap_fen")?,
        },
    })
}

impl Store {
    /// Every package with its transferor and sums, by code.
    pub async fn packages(&self) -> Result<Vec<PackageSummary>, StoreError> {
        self.package_summaries(None).await
    }

    pub async fn package(&self, id: i64) -> Result<Option<PackageSummary>, StoreError> {
        Ok(self.package_summaries(Some(id)).await?.into_iter().next())
    }

    /// Every package's id, code and name, by code: what a list or a choice names packages by,
    /// without the sums `packages` reads.
    pub async fn package_codes(&self) -> Result<Vec<(i64, String, String)>, StoreError> {
        let rows = sqlx::query("SELECT id, code, name FROM packages ORDER BY code").fetch_all(&self.pool).await?;
        rows.iter().map(|r| Ok((i64_col(r, "id")?, text(r, "code")?, text(r, "name")?))).collect()
    }

    async fn package_summaries(&self, only: Option<i64>) -> Result<Vec<PackageSummary>, StoreError> {
        let sql = format!(
            "SELECT {PACKAGE_COLUMNS}, {party}, \
               (SELECT COUNT(*) FROM claims c WHERE c.package_id = k.id) AS claim_count, \
               (SELECT CAST(COALESCE(SUM(c.principal_fen), 0) AS BIGINT) FROM claims c WHERE c.package_id = k.id) AS principal_sum, \
               (SELECT CAST(COALESCE(SUM(c.principal_fen + c.interest_fen + c.penalty_fen + c.advanced_costs_fen), 0) AS BIGINT) \
                  FROM claims c WHERE c.package_id = k.id) AS total_sum, \
               (SELECT CAST(COALESCE(SUM(m.appraised_value_fen), 0) AS BIGINT) FROM collateral m WHERE m.id IN \
                  (SELECT cc.collateral_id FROM claim_collateral cc JOIN claims c ON c.id = cc.claim_id WHERE c.package_id = k.id)) \
                  AS collateral_sum \
             FROM packages k JOIN parties t ON t.id = k.transferor_id \
             WHERE ($1 IS NULL OR k.id = $1) ORDER BY k.code",
            party = party_columns("t", "t_")
        );
        let rows = sqlx::query(composed(sql)).bind(only).fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                Ok(PackageSummary {
                    package: package_from_row(r)?,
                    transferor: party_from_row(r, "t_")?,
                    claim_count: i64_col(r, "claim_count")?,
                    principal: money(r, "principal_sum")?,
                    total: money(r, "total_sum")?,
                    appraised_collateral: money(r, "collateral_sum")?,
                })
            })
            .collect()
    }

    /// The claims of a package with their debtors, by contract number.
    pub async fn claims_of_package(&self, package_id: i64) -> Result<Vec<ClaimRow>, StoreError> {
        self.claim_rows("c.package_id = $1", package_id, i64::MAX, 0).await
    }

    /// One page of a package's claims, by contract number.
    pub async fn claims_of_package_page(
        &self,
        package_id: i64,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<ClaimRow>, StoreError> {
        self.claim_rows("c.package_id = $1", package_id, limit, offset).await
    }

    /// The claims owed by a party.
    pub async fn claims_of_debtor(&self, party_id: i64) -> Result<Vec<ClaimRow>, StoreError> {
        self.claim_rows("c.debtor_id = $1", party_id, i64::MAX, 0).await
    }

    pub async fn claim(&self, id: i64) -> Result<Option<ClaimRow>, StoreError> {
        Ok(self.claim_rows("c.id = $1", id, 1, 0).await?.into_iter().next())
    }

    async fn claim_rows(
        &self,
        condition: &str,
        param: i64,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<ClaimRow>, StoreError> {
        let sql = format!(
            "SELECT {CLAIM_COLUMNS}, {party} FROM claims c JOIN parties d ON d.id = c.debtor_id WHERE {condition} \
             ORDER BY c.package_id, c.contract_no LIMIT $2 OFFSET $3",
            party = party_columns("d", "d_")
        );
        let rows = sqlx::query(composed(sql)).bind(param).bind(limit).bind(offset).fetch_all(&self.pool).await?;
        rows.iter().map(|r| Ok(ClaimRow { claim: claim_from_row(r)?, debtor: party_from_row(r, "d_")? })).collect()
    }

    /// The collateral securing a claim, each with every claim it secures.
    pub async fn collateral_of_claim(&self, claim_id: i64) -> Result<Vec<CollateralRow>, StoreError> {
        self.collateral_rows("m.id IN (SELECT collateral_id FROM claim_collateral WHERE claim_id = $1)", claim_id).await
    }

    /// Collateral owned by a party.
    pub async fn collateral_owned_by(&self, party_id: i64) -> Result<Vec<CollateralRow>, StoreError> {
        self.collateral_rows("m.owner_id = $1", party_id).await
    }

    async fn collateral_rows(&self, condition: &str, param: i64) -> Result<Vec<CollateralRow>, StoreError> {
        let sql = format!(
            "SELECT {COLLATERAL_COLUMNS}, {owner} FROM collateral m LEFT JOIN parties o ON o.id = m.owner_id \
             WHERE {condition} ORDER BY m.id",
            owner = party_columns("o", "o_")
        );
        let rows = sqlx::query(composed(sql)).bind(param).fetch_all(&self.pool).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let collateral = collateral_from_row(r)?;
            let owner = if collateral.data.owner_id.is_some() { Some(party_from_row(r, "o_")?) } else { None };
            let secured = sqlx::query(
                "SELECT c.id, c.contract_no, cc.lien_rank FROM claim_collateral cc JOIN claims c ON c.id = cc.claim_id \
                 WHERE cc.collateral_id = $1 ORDER BY cc.lien_rank, c.contract_no",
            )
            .bind(collateral.id)
            .fetch_all(&self.pool)
            .await?;
            let secures = secured
                .iter()
                .map(|s| {
                    Ok(SecuredClaim {
                        claim_id: i64_col(s, "id")?,
                        contract_no: text(s, "contract_no")?,
                        lien_rank: lien_rank(s, "lien_rank")?,
                    })
                })
                .collect::<Result<_, StoreError>>()?;
            out.push(CollateralRow { collateral, owner, secures });
        }
        Ok(out)
    }

    /// Every collateral item securing a claim of the package, in one query.
    pub async fn collateral_of_package(&self, package_id: i64) -> Result<Vec<Stored<Collateral>>, StoreError> {
        let rows = sqlx::query(composed(format!(
            "SELECT {COLLATERAL_COLUMNS} FROM collateral m WHERE m.id IN \
               (SELECT l.collateral_id FROM claim_collateral l JOIN claims c ON c.id = l.claim_id WHERE c.package_id = $1) ORDER BY m.id"
        )))
        .bind(package_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(collateral_from_row).collect()
    }

    /// Every guarantee of a claim of the package, with its guarantor, in one query.
    pub async fn guarantees_of_package(&self, package_id: i64) -> Result<Vec<GuaranteeRow>, StoreError> {
        self.guarantee_rows("c.package_id = $1", package_id).await
    }

    pub async fn guarantees_of_claim(&self, claim_id: i64) -> Result<Vec<GuaranteeRow>, StoreError> {
        self.guarantee_rows("g.claim_id = $1", claim_id).await
    }

    /// The guarantees a party has given.
    pub async fn guarantees_by(&self, party_id: i64) -> Result<Vec<GuaranteeRow>, StoreError> {
        self.guarantee_rows("g.guarantor_id = $1", party_id).await
    }

    async fn guarantee_rows(&self, condition: &str, param: i64) -> Result<Vec<GuaranteeRow>, StoreError> {
        let sql = format!(
            "SELECT {GUARANTEE_COLUMNS}, c.contract_no, {party} FROM guarantees g \
             JOIN parties p ON p.id = g.guarantor_id JOIN claims c ON c.id = g.claim_id \
             WHERE {condition} ORDER BY g.id",
            party = party_columns("p", "p_")
        );
        let rows = sqlx::query(composed(sql)).bind(param).fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                Ok(GuaranteeRow {
                    guarantee: guarantee_from_row(r)?,
                    guarantor: party_from_row(r, "p_")?,
                    contract_no: text(r, "contract_no")?,
                })
            })
            .collect()
    }

    pub(crate) async fn all_packages(&self) -> Result<Vec<Stored<Package>>, StoreError> {
        let rows = sqlx::query(composed(format!("SELECT {PACKAGE_COLUMNS} FROM packages k ORDER BY k.id")))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(package_from_row).collect()
    }

    /// Up to `limit` rows with ids above `after`, in id order: a walk over all of them in pages.
    pub(crate) async fn claims_after(
        c: &mut sqlx::AnyConnection,
        after: i64,
        limit: i64,
    ) -> Result<Vec<Stored<Claim>>, StoreError> {
        let sql = format!("SELECT {CLAIM_COLUMNS} FROM claims c WHERE c.id > $1 ORDER BY c.id LIMIT $2");
        let rows = sqlx::query(composed(sql)).bind(after).bind(limit).fetch_all(&mut *c).await?;
        rows.iter().map(claim_from_row).collect()
    }

    pub(crate) async fn all_claims(&self) -> Result<Vec<Stored<Claim>>, StoreError> {
        let rows = sqlx::query(composed(format!("SELECT {CLAIM_COLUMNS} FROM claims c ORDER BY c.id")))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(claim_from_row).collect()
    }

    /// Up to `limit` rows with ids above `after`, in id order: a walk over all of them in pages.
    pub(crate) async fn collateral_after(
        c: &mut sqlx::AnyConnection,
        after: i64,
        limit: i64,
    ) -> Result<Vec<Stored<Collateral>>, StoreError> {
        let sql = format!("SELECT {COLLATERAL_COLUMNS} FROM collateral m WHERE m.id > $1 ORDER BY m.id LIMIT $2");
        let rows = sqlx::query(composed(sql)).bind(after).bind(limit).fetch_all(&mut *c).await?;
        rows.iter().map(collateral_from_row).collect()
    }

    pub(crate) async fn all_collateral(&self) -> Result<Vec<Stored<Collateral>>, StoreError> {
        let rows = sqlx::query(composed(format!("SELECT {COLLATERAL_COLUMNS} FROM collateral m ORDER BY m.id")))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(collateral_from_row).collect()
    }

    pub(crate) async fn all_collateral_links(&self) -> Result<Vec<CollateralLink>, StoreError> {
        let rows = sqlx::query(
            "SELECT claim_id, collateral_id, lien_rank FROM claim_collateral ORDER BY claim_id, collateral_id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(CollateralLink {
                    claim_id: i64_col(r, "claim_id")?,
                    collateral_id: i64_col(r, "collateral_id")?,
                    lien_rank: lien_rank(r, "lien_rank")?,
                })
            })
            .collect()
    }

    /// Up to `limit` rows with ids above `after`, in id order: a walk over all of them in pages.
    pub(crate) async fn guarantees_after(
        c: &mut sqlx::AnyConnection,
        after: i64,
        limit: i64,
    ) -> Result<Vec<Stored<Guarantee>>, StoreError> {
        let sql = format!("SELECT {GUARANTEE_COLUMNS} FROM guarantees g WHERE g.id > $1 ORDER BY g.id LIMIT $2");
        let rows = sqlx::query(composed(sql)).bind(after).bind(limit).fetch_all(&mut *c).await?;
        rows.iter().map(guarantee_from_row).collect()
    }

    pub(crate) async fn all_guarantees(&self) -> Result<Vec<Stored<Guarantee>>, StoreError> {
        let rows = sqlx::query(composed(format!("SELECT {GUARANTEE_COLUMNS} FROM guarantees g ORDER BY g.id")))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(guarantee_from_row).collect()
    }
}

impl Store {
    /// A valuer sets how a package is valued, in a transaction of its own (audited).
    /// Returns whether it changed.
    pub async fn set_valuation_basis(&self, actor: &str, id: i64, basis: ValuationBasis) -> Result<bool, StoreError> {
        let mut tx = self.write(actor).await?;
        let changed = tx.set_valuation_basis(id, basis).await?;
        tx.commit().await?;
        Ok(changed)
    }
}

impl WriteTx {
    /// Adds a package. A second package with the same code is `Duplicate`.
    pub async fn insert_package(&mut self, package: &Package) -> Result<i64, StoreError> {
        let row = sqlx::query(
            "INSERT INTO packages (code, name, transferor_id, cutoff_date, status, acquired_on, price_fen, valuation_basis) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(&package.code)
        .bind(&package.name)
        .bind(package.transferor_id)
        .bind(date_text(package.cutoff_date))
        .bind(package.status.code())
        .bind(package.acquired_on.map(date_text))
        .bind(package.price.map(Money::fen))
        .bind(package.valuation_basis.code())
        .fetch_one(&mut *self.tx)
        .await
        .map_err(|e| StoreError::on_unique(e, || {
            Text::new(format!("资产包编号 {}", package.code), format!("package code {}", package.code))
        }))?;
        let id = i64_col(&row, "id")?;
        self.audit_create(&Stored { id, data: package.clone() }).await?;
        Ok(id)
    }

    /// A package as this transaction sees it.
    pub(crate) async fn package_in(&mut self, id: i64) -> Result<Stored<Package>, StoreError> {
        package_row(self.conn(), id).await
    }

    /// Sets how a package is valued. Returns whether it changed (an unchanged basis writes
    /// nothing).
    pub async fn set_valuation_basis(&mut self, id: i64, basis: ValuationBasis) -> Result<bool, StoreError> {
        let before = self.package_in(id).await?;
        if before.data.valuation_basis == basis {
            return Ok(false);
        }
        let changed = sqlx::query("UPDATE packages SET valuation_basis = $1 WHERE id = $2 AND valuation_basis = $3")
            .bind(basis.code())
            .bind(id)
            .bind(before.data.valuation_basis.code())
            .execute(&mut *self.tx)
            .await?
            .rows_affected();
        if changed != 1 {
            return Err(StoreError::Refused(huajie_core::Text::fixed(
                "资产包的估值方式已被他人修改，请刷新后重试。",
                "The package's valuation basis was changed meanwhile: reload and try again.",
            )));
        }
        let after = Stored { id, data: Package { valuation_basis: basis, ..before.data.clone() } };
        self.audit_update(&before, &after).await?;
        Ok(true)
    }

    /// Adds a claim. A repeated contract number within the package is `Duplicate`.
    pub async fn insert_claim(&mut self, claim: &Claim) -> Result<i64, StoreError> {
        let ids = self.insert_rows(std::slice::from_ref(claim)).await.map_err(|e| {
            e.on_unique_db(|| {
                Text::new(format!("合同编号 {}", claim.contract_no), format!("contract number {}", claim.contract_no))
            })
        })?;
        let id = ids[0];
        self.audit_create(&Stored { id, data: claim.clone() }).await?;
        Ok(id)
    }

    /// Replaces a claim's fields (its package and contract number stay).
    pub async fn update_claim(&mut self, id: i64, claim: &Claim) -> Result<(), StoreError> {
        let row = sqlx::query(composed(format!("SELECT {CLAIM_COLUMNS} FROM claims c WHERE c.id = $1")))
            .bind(id)
            .fetch_optional(&mut *self.tx)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("债权 / claim {id}")))?;
        let before = claim_from_row(&row)?;
        sqlx::query(
            "UPDATE claims SET debtor_id = $1, principal_fen = $2, interest_fen = $3, penalty_fen = $4, advanced_costs_fen = $5, \
               five_class = $6, litigation_stage = $7, default_date = $8, limitation_date = $9, province = $10, \
               product = $11, days_past_due = $12, written_off = $13 WHERE id = $14",
        )
        .bind(claim.debtor_id)
        .bind(claim.principal.fen())
        .bind(claim.interest.fen())
        .bind(claim.penalty.fen())
        .bind(claim.advanced_costs.fen())
        .bind(claim.five_class.map(|c| c.code()))
        .bind(claim.litigation_stage.map(|s| s.code()))
        .bind(claim.default_date.map(date_text))
        .bind(claim.limitation_date.map(date_text))
        .bind(claim.province.map(|p| p.code()))
        .bind(claim.product.as_deref())
        .bind(claim.days_past_due)
        .bind(claim.written_off.map(i64::from))
        .bind(id)
        .execute(&mut *self.tx)
        .await?;
        let after = Stored {
            id,
            data: Claim {
                package_id: before.data.package_id,
                contract_no: before.data.contract_no.clone(),
                ..claim.clone()
            },
        };
        self.audit_update(&before, &after).await?;
        Ok(())
    }

    pub async fn insert_guarantee(&mut self, guarantee: &Guarantee) -> Result<i64, StoreError> {
        let id = self.insert_rows(std::slice::from_ref(guarantee)).await?[0];
        self.audit_create(&Stored { id, data: guarantee.clone() }).await?;
        Ok(id)
    }
}

/// A package's row on one connection (a pooled one, or a write transaction's); `NotFound`
/// when there is none.
pub(crate) async fn package_row(c: &mut sqlx::AnyConnection, id: i64) -> Result<Stored<Package>, StoreError> {
    let row = sqlx::query(composed(format!("SELECT {PACKAGE_COLUMNS} FROM packages k WHERE k.id = $1")))
        .bind(id)
        .fetch_optional(&mut *c)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("资产包 / package {id}")))?;
    package_from_row(&row)
}
