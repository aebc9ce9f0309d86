//! Disposal plans as stored (rules.md A10, A11): the subject, the method, the reserve beside the
//! latest valuation and the cost, the gate's findings, the team, the documents. A plan is
//! drafted and edited freely; it goes to the committee only when `huajie_decide::plan::gate`
//! finds nothing wrong, read again through the transaction that tables it.

use chrono::{DateTime, Utc};
use huajie_core::{Money, Text};
use huajie_decide::committee::Capacity;
use huajie_decide::plan::{BuyerCheck, Gate, PlanFacts};
use huajie_decide::{AgreementException, ApprovalTier, DisposalMethod, PlanStatus, SubjectKind};
use serde::Serialize;

use crate::audit::Audited;
use crate::committee_ops::ItemDraft;
use crate::rows::{code, i64_col, opt_code, opt_i64, opt_money, opt_text, text, utc};
use crate::status::StatusTable;
use crate::{Store, StoreError, WriteTx};

/// What a plan disposes of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum PlanSubject {
    Package(i64),
    Claim(i64),
    Collateral(i64),
}

impl PlanSubject {
    pub fn kind(self) -> SubjectKind {
        match self {
            PlanSubject::Package(_) => SubjectKind::Package,
            PlanSubject::Claim(_) => SubjectKind::Claim,
            PlanSubject::Collateral(_) => SubjectKind::Collateral,
        }
    }
}

/// A plan as its preparer enters it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanInput {
    pub title: String,
    pub subject: PlanSubject,
    pub method: DisposalMethod,
    pub exception: Option<AgreementException>,
    pub exception_reason: String,
    pub reserve: Option<Money>,
    pub below_reason: String,
    /// The named buyer's disposal check (an agreement transfer).
    pub check_id: Option<i64>,
    pub summary: String,
    /// The deal team (barred from voting on it).
    pub team: Vec<String>,
}

/// A disposal plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Plan {
    pub id: i64,
    pub title: String,
    pub subject: PlanSubject,
    pub package_id: i64,
    pub method: DisposalMethod,
    pub exception: Option<AgreementException>,
    pub exception_reason: String,
    pub reserve: Option<Money>,
    /// The latest valuation of the subject when the plan was last saved, the run and its valuer.
    pub valuation: Option<Money>,
    pub valuation_run_id: Option<i64>,
    pub valuer: Option<String>,
    pub below_reason: String,
    pub cost: Option<Money>,
    pub check_id: Option<i64>,
    pub summary: String,
    pub tier: ApprovalTier,
    pub status: PlanStatus,
    pub team: Vec<String>,
    pub prepared_by: String,
    #[serde(serialize_with = "crate::rows::stored_time")]
    pub created_at: DateTime<Utc>,
}

impl Audited for Plan {
    const ENTITY: &'static str = "disposal_plan";
    fn audit_id(&self) -> String {
        self.id.to_string()
    }
}

/// A document attached to a plan (its bytes are read on their own).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanDocument {
    pub id: i64,
    pub plan_id: i64,
    pub name: String,
    pub bytes: i64,
    pub sha256: String,
    pub uploaded_by: String,
    #[serde(serialize_with = "crate::rows::stored_time")]
    pub uploaded_at: DateTime<Utc>,
}

impl Audited for PlanDocument {
    const ENTITY: &'static str = "plan_document";
    fn audit_id(&self) -> String {
        self.id.to_string()
    }
}

/// The largest document a plan takes.
pub const PLAN_DOCUMENT_BYTES_MAX: usize = 20 * 1024 * 1024;

const PLAN_COLUMNS: &str = "id, title, subject_kind, package_id, claim_id, collateral_id, method, exception_code, exception_reason, reserve_fen, valuation_fen, valuation_run_id, valuer, below_reason, cost_fen, check_id, summary, tier, status, prepared_by, created_at";
const DOCUMENT_COLUMNS: &str = "id, plan_id, name, bytes, sha256, uploaded_by, uploaded_at";

fn plan_from_row(r: &sqlx::any::AnyRow, team: Vec<String>) -> Result<Plan, StoreError> {
    let package_id = i64_col(r, "package_id")?;
    let subject = match code(r, "subject_kind", SubjectKind::from_code)? {
        SubjectKind::Package => PlanSubject::Package(package_id),
        SubjectKind::Claim => PlanSubject::Claim(
            opt_i64(r, "claim_id")?.ok_or_else(|| StoreError::Corrupt("disposal_plans.claim_id".into()))?,
        ),
        SubjectKind::Collateral => PlanSubject::Collateral(
            opt_i64(r, "collateral_id")?.ok_or_else(|| StoreError::Corrupt("disposal_plans.collateral_id".into()))?,
        ),
    };
    Ok(Plan {
        id: i64_col(r, "id")?,
        title: text(r, "title")?,
        subject,
        package_id,
        method: code(r, "method", DisposalMethod::from_code)?,
        exception: opt_code(r, "exception_code", AgreementException::from_code)?,
        exception_reason: text(r, "exception_reason")?,
        reserve: opt_money(r, "reserve_fen")?,
        valuation: opt_money(r, "valuation_fen")?,
        valuation_run_id: opt_i64(r, "valuation_run_id")?,
        valuer: opt_text(r, "valuer")?,
        below_reason: text(r, "below_reason")?,
        cost: opt_money(r, "cost_fen")?,
        check_id: opt_i64(r, "check_id")?,
        summary: text(r, "summary")?,
        tier: code(r, "tier", ApprovalTier::from_code)?,
        status: code(r, "status", PlanStatus::from_code)?,
        team,
        prepared_by: text(r, "prepared_by")?,
        created_at: utc(r, "created_at")?,
    })
}

fn document_from_row(r: &sqlx::any::AnyRow) -> Result<PlanDocument, StoreError> {
    Ok(PlanDocument {
        id: i64_col(r, "id")?,
        plan_id: i64_col(r, "plan_id")?,
        name: text(r, "name")?,
        bytes: i64_col(r, "bytes")?,
        sha256: text(r, "sha256")?,
        uploaded_by: text(r, "uploaded_by")?,
        uploaded_at: utc(r, "uploaded_at")?,
    })
}

pub(crate) mod read {
    use super::*;
    use sqlx::AnyConnection;

    async fn teams(c: &mut AnyConnection) -> Result<std::collections::BTreeMap<i64, Vec<String>>, StoreError> {
        let rows = sqlx::query("SELECT plan_id, username FROM plan_team ORDER BY username").fetch_all(&mut *c).await?;
        let mut out: std::collections::BTreeMap<i64, Vec<String>> = std::collections::BTreeMap::new();
        for r in &rows {
            out.entry(i64_col(r, "plan_id")?).or_default().push(text(r, "username")?);
        }
        Ok(out)
    }

    pub async fn plan(c: &mut AnyConnection, id: i64) -> Result<Plan, StoreError> {
        let sql = format!("SELECT {PLAN_COLUMNS} FROM disposal_plans WHERE id = $1");
        let row = sqlx::query(crate::composed(sql)).bind(id).fetch_optional(&mut *c).await?;
        let row = row.ok_or_else(|| StoreError::NotFound(format!("处置方案 / plan {id}")))?;
        let mut t = teams(c).await?;
        plan_from_row(&row, t.remove(&id).unwrap_or_default())
    }

    pub async fn plans(c: &mut AnyConnection) -> Result<Vec<Plan>, StoreError> {
        let sql = format!("SELECT {PLAN_COLUMNS} FROM disposal_plans ORDER BY id DESC");
        let rows = sqlx::query(crate::composed(sql)).fetch_all(&mut *c).await?;
        let mut t = teams(c).await?;
        rows.iter().map(|r| plan_from_row(r, t.remove(&i64_col(r, "id")?).unwrap_or_default())).collect()
    }

    pub async fn documents(c: &mut AnyConnection, plan: Option<i64>) -> Result<Vec<PlanDocument>, StoreError> {
        let rows = match plan {
            Some(p) => {
                let sql = format!("SELECT {DOCUMENT_COLUMNS} FROM plan_documents WHERE plan_id = $1 ORDER BY id");
                sqlx::query(crate::composed(sql)).bind(p).fetch_all(&mut *c).await?
            }
            None => {
                let sql = format!("SELECT {DOCUMENT_COLUMNS} FROM plan_documents ORDER BY id");
                sqlx::query(crate::composed(sql)).fetch_all(&mut *c).await?
            }
        };
        rows.iter().map(document_from_row).collect()
    }

    /// The subject's package, latest valuation (and its valuer), cost and basis.
    pub async fn appraise(c: &mut sqlx::AnyConnection, subject: PlanSubject) -> Result<Appraisal, StoreError> {
        let package_id = match subject {
            PlanSubject::Package(p) => p,
            PlanSubject::Claim(claim) => {
                let r = sqlx::query("SELECT package_id FROM claims WHERE id = $1")
                    .bind(claim)
                    .fetch_optional(&mut *c)
                    .await?;
                i64_col(&r.ok_or_else(|| StoreError::NotFound(format!("债权 / claim {claim}")))?, "package_id")?
            }
            PlanSubject::Collateral(k) => {
                let r = sqlx::query("SELECT c.package_id FROM claim_collateral cc JOIN claims c ON c.id = cc.claim_id WHERE cc.collateral_id = $1 ORDER BY c.id LIMIT 1")
                    .bind(k)
                    .fetch_optional(&mut *c)
                    .await?;
                i64_col(&r.ok_or_else(|| StoreError::NotFound(format!("抵质押物 / collateral {k}")))?, "package_id")?
            }
        };
        let package = crate::portfolio::package_row(c, package_id).await?;
        if !package.data.is_held() {
            return Err(StoreError::Refused(Text::fixed(
                "资产包尚未收购，不能制定处置方案。",
                "The package is not held: there is nothing to dispose of yet.",
            )));
        }
        let retail_batch = package.data.valuation_basis == huajie_core::ValuationBasis::RetailBatch;
        let run = sqlx::query(
            "SELECT id, bid_fen, created_by FROM valuation_runs WHERE package_id = $1 ORDER BY id DESC LIMIT 1",
        )
        .bind(package_id)
        .fetch_optional(&mut *c)
        .await?;
        let (run_id, run_value, valuer) = match &run {
            Some(r) => (Some(i64_col(r, "id")?), Some(crate::rows::money(r, "bid_fen")?), Some(text(r, "created_by")?)),
            None => (None, None, None),
        };
        let mut a = Appraisal { package_id, run_id, valuer, retail_batch, ..Appraisal::default() };
        match subject {
            // Posted: what the book carries it at (`book_cost`); else the price or the claim's share.
            PlanSubject::Package(id) => {
                a.valuation = run_value;
                a.cost = crate::recovery::book_cost(c, id, None).await?.or(package.data.price);
            }
            PlanSubject::Claim(claim) => {
                if let Some(run_id) = run_id {
                    let (pv, cost) = claim_share(c, run_id, claim, package.data.price).await?;
                    a.valuation = pv;
                    a.cost = cost;
                }
                a.cost = crate::recovery::book_cost(c, package_id, Some(claim)).await?.or(a.cost);
            }
            PlanSubject::Collateral(k) => {
                // The collateral's own appraisal: an outside valuer's figure.
                let r = sqlx::query("SELECT appraised_value_fen FROM collateral WHERE id = $1")
                    .bind(k)
                    .fetch_one(&mut *c)
                    .await?;
                a.valuation = Some(crate::rows::money(&r, "appraised_value_fen")?);
                (a.run_id, a.valuer) = (None, None);
            }
        }
        Ok(a)
    }

    /// A claim's value in a run and its share of the price paid for its package, by the run's
    /// allocation (docs/valuation.md §3.7).
    pub async fn claim_share(
        c: &mut sqlx::AnyConnection,
        run_id: i64,
        claim_id: i64,
        price: Option<Money>,
    ) -> Result<(Option<Money>, Option<Money>), StoreError> {
        let mut total: i128 = 0;
        let mut mine = None;
        for (id, pv, alloc) in crate::run_claims::claim_summaries(c, run_id).await? {
            total += i128::from(alloc);
            if id == claim_id {
                mine = Some((pv, alloc));
            }
        }
        let Some((pv, alloc)) = mine else { return Ok((None, None)) };
        let cost = match (price, total > 0) {
            (Some(p), true) => Some(Money::from_fen(
                i64::try_from(i128::from(p.fen()) * i128::from(alloc) / total).unwrap_or(i64::MAX),
            )),
            _ => None,
        };
        Ok((Some(Money::from_fen(pv)), cost))
    }

    /// The gate's facts for a plan, read through this transaction, and its finding.
    pub async fn gate_of(c: &mut sqlx::AnyConnection, plan: &Plan) -> Result<Gate, StoreError> {
        let a = appraise(c, plan.subject).await?;
        let buyer_check = match plan.check_id {
            None => None,
            Some(id) => {
                let check = crate::checks::deal_check(c, id)
                    .await?
                    .ok_or_else(|| StoreError::NotFound(format!("检查 / check {id}")))?;
                let cleared = check.kind == huajie_rules::terms::DealKind::Disposal
                    && check.package_id == Some(a.package_id)
                    && check.standing() == crate::CheckStanding::Cleared;
                Some(match cleared {
                    true => BuyerCheck::Cleared { price: check.terms.amount() },
                    false => BuyerCheck::NotCleared(Text::new(
                        format!("受让方检查 #{id} 不是本资产包已通过的处置检查（被阻止或待豁免）。"),
                        format!(
                            "Buyer check #{id} is not a cleared disposal check of this package (blocked or awaiting an override)."
                        ),
                    )),
                })
            }
        };
        let facts = PlanFacts {
            method: plan.method,
            exception: plan.exception,
            exception_reason: plan.exception_reason.clone(),
            reserve: plan.reserve,
            valuation: a.valuation,
            valuer: a.valuer,
            below_reason: plan.below_reason.clone(),
            cost: a.cost,
            preparer: plan.prepared_by.clone(),
            retail_batch: a.retail_batch,
            buyer_check,
        };
        let params = crate::parameters::latest(c).await?.map(|set| set.parameters).unwrap_or_default();
        Ok(huajie_decide::plan::gate(&facts, &params))
    }
}

/// What the subject is worth and cost, and who valued it, as the plan records it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Appraisal {
    pub package_id: i64,
    pub valuation: Option<Money>,
    pub run_id: Option<i64>,
    pub valuer: Option<String>,
    pub cost: Option<Money>,
    pub retail_batch: bool,
}

impl Store {
    pub async fn plans(&self) -> Result<Vec<Plan>, StoreError> {
        read::plans(&mut *self.pool.acquire().await?).await
    }

    pub async fn plan(&self, id: i64) -> Result<Plan, StoreError> {
        read::plan(&mut *self.pool.acquire().await?, id).await
    }

    pub async fn plan_documents(&self, plan: Option<i64>) -> Result<Vec<PlanDocument>, StoreError> {
        read::documents(&mut *self.pool.acquire().await?, plan).await
    }

    /// A document's bytes, checked against the hash recorded when it was uploaded.
    pub async fn plan_document_content(&self, id: i64) -> Result<(PlanDocument, Vec<u8>), StoreError> {
        let sql = format!("SELECT {DOCUMENT_COLUMNS}, content FROM plan_documents WHERE id = $1");
        let row = sqlx::query(crate::composed(sql)).bind(id).fetch_optional(&self.pool).await?;
        let row = row.ok_or_else(|| StoreError::NotFound(format!("文件 / document {id}")))?;
        let doc = document_from_row(&row)?;
        let content: Vec<u8> = sqlx::Row::try_get(&row, "content")?;
        if huajie_core::audit::sha256_hex(&content) != doc.sha256 {
            return Err(StoreError::Corrupt(format!("plan_documents {id}: the content does not match its hash")));
        }
        Ok((doc, content))
    }

    /// What a plan on `subject` would record beside its reserve: the latest valuation, its
    /// valuer and the cost (the new-plan form shows it before saving). Refused for a package
    /// not yet held.
    pub async fn plan_appraisal(&self, subject: PlanSubject) -> Result<Appraisal, StoreError> {
        read::appraise(&mut *self.pool.acquire().await?, subject).await
    }

    /// The gate of a plan as it stands now (what its page shows).
    pub async fn plan_gate(&self, id: i64) -> Result<Gate, StoreError> {
        let mut c = self.pool.acquire().await?;
        let plan = read::plan(&mut c, id).await?;
        read::gate_of(&mut c, &plan).await
    }

    /// Drafts a plan: the subject's latest valuation and cost are recorded beside the reserve,
    /// and the tier the gate gives it. A plan with problems is saved (as a draft) all the same.
    pub async fn create_plan(&self, actor: &str, input: &PlanInput) -> Result<Plan, StoreError> {
        check_input(input)?;
        self.operate(actor, async |tx| {
            let a = tx.appraise(input.subject).await?;
            let created_at = crate::stored_time(tx.clock.now());
            let r = sqlx::query("INSERT INTO disposal_plans (title, subject_kind, package_id, claim_id, collateral_id, method, exception_code, exception_reason, reserve_fen, valuation_fen, valuation_run_id, valuer, below_reason, cost_fen, check_id, summary, tier, status, prepared_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20) RETURNING id")
                .bind(input.title.trim())
                .bind(input.subject.kind().code())
                .bind(a.package_id)
                .bind(match input.subject { PlanSubject::Claim(c) => Some(c), _ => None })
                .bind(match input.subject { PlanSubject::Collateral(c) => Some(c), _ => None })
                .bind(input.method.code())
                .bind(input.exception.map(AgreementException::code))
                .bind(input.exception_reason.trim())
                .bind(input.reserve.map(Money::fen))
                .bind(a.valuation.map(Money::fen))
                .bind(a.run_id)
                .bind(a.valuer.clone())
                .bind(input.below_reason.trim())
                .bind(a.cost.map(Money::fen))
                .bind(input.check_id)
                .bind(input.summary.trim())
                .bind(ApprovalTier::Standard.code())
                .bind(PlanStatus::Draft.code())
                .bind(tx.actor().to_string())
                .bind(crate::timestamp(created_at))
                .fetch_one(&mut *tx.tx)
                .await?;
            let id = i64_col(&r, "id")?;
            tx.set_team(id, &input.team).await?;
            let mut plan = read::plan(&mut tx.tx, id).await?;
            let gate = tx.gate_of(&plan).await?;
            if gate.tier != plan.tier {
                sqlx::query("UPDATE disposal_plans SET tier = $1 WHERE id = $2").bind(gate.tier.code()).bind(id).execute(&mut *tx.tx).await?;
                plan.tier = gate.tier;
            }
            tx.audit_create(&plan).await?;
            Ok(plan)
        })
        .await
    }

    /// Attaches documents to a plan before it is decided, all or none: an empty file, or one over
    /// `PLAN_DOCUMENT_BYTES_MAX`, refuses them all, naming it. Each is kept with its SHA-256.
    pub async fn add_plan_documents(
        &self,
        actor: &str,
        plan_id: i64,
        files: &[(&str, &[u8])],
    ) -> Result<Vec<PlanDocument>, StoreError> {
        let mb = PLAN_DOCUMENT_BYTES_MAX / 1024 / 1024;
        if files.is_empty() {
            return Err(StoreError::Refused(Text::fixed("请选择要上传的文件。", "Choose the files to upload.")));
        }
        if let Some((name, _)) = files.iter().find(|(_, c)| c.is_empty() || c.len() > PLAN_DOCUMENT_BYTES_MAX) {
            return Err(StoreError::Refused(Text::new(
                format!("文件“{name}”为空或超过 {mb} MB：本次上传的文件均未保存。"),
                format!("The file “{name}” is empty or over {mb} MB: none of the files sent was saved."),
            )));
        }
        self.operate(actor, async |tx| {
            let plan = read::plan(&mut tx.tx, plan_id).await?;
            if !matches!(plan.status, PlanStatus::Draft | PlanStatus::Submitted) {
                return Err(StoreError::Refused(Text::new(
                    format!("方案当前为“{}”，不能再添加文件。", plan.status.zh()),
                    format!("The plan is “{}”: no more documents.", plan.status.en()),
                )));
            }
            let mut out = Vec::with_capacity(files.len());
            for (name, content) in files {
                out.push(tx.add_plan_document(plan_id, name, content).await?);
            }
            Ok(out)
        })
        .await
    }

    /// The preparer withdraws a draft plan.
    pub async fn withdraw_plan(&self, actor: &str, plan_id: i64) -> Result<Plan, StoreError> {
        self.operate(actor, async |tx| tx.move_plan(plan_id, PlanStatus::Withdrawn).await).await
    }
}

fn check_input(input: &PlanInput) -> Result<(), StoreError> {
    if input.title.trim().is_empty() {
        return Err(StoreError::Refused(Text::fixed("请填写方案名称。", "Give the plan a title.")));
    }
    Ok(())
}

impl WriteTx {
    /// Stores one document of plan `plan_id` (its name, "document" when blank) with its SHA-256.
    async fn add_plan_document(
        &mut self,
        plan_id: i64,
        name: &str,
        content: &[u8],
    ) -> Result<PlanDocument, StoreError> {
        let name = match name.trim() {
            "" => "document",
            name => name,
        };
        let uploaded_at = crate::stored_time(self.clock.now());
        let sha256 = huajie_core::audit::sha256_hex(content);
        let r = sqlx::query("INSERT INTO plan_documents (plan_id, name, content, bytes, sha256, uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
            .bind(plan_id)
            .bind(name)
            .bind(content.to_vec())
            .bind(content.len() as i64)
            .bind(sha256.as_str())
            .bind(self.actor().to_string())
            .bind(crate::timestamp(uploaded_at))
            .fetch_one(&mut *self.tx)
            .await?;
        let doc = PlanDocument {
            id: i64_col(&r, "id")?,
            plan_id,
            name: name.to_string(),
            bytes: content.len() as i64,
            sha256,
            uploaded_by: self.actor().to_string(),
            uploaded_at,
        };
        self.audit_create(&doc).await?;
        Ok(doc)
    }

    pub(crate) async fn appraise(&mut self, subject: PlanSubject) -> Result<Appraisal, StoreError> {
        read::appraise(&mut self.tx, subject).await
    }

    pub(crate) async fn gate_of(&mut self, plan: &Plan) -> Result<Gate, StoreError> {
        read::gate_of(&mut self.tx, plan).await
    }

    async fn set_team(&mut self, plan_id: i64, team: &[String]) -> Result<(), StoreError> {
        let mut unique: Vec<&String> = team.iter().filter(|t| !t.trim().is_empty()).collect();
        unique.sort();
        unique.dedup();
        for who in unique {
            self.user_in(who).await?;
            sqlx::query("INSERT INTO plan_team (plan_id, username) VALUES ($1, $2)")
                .bind(plan_id)
                .bind(who.trim())
                .execute(&mut *self.tx)
                .await?;
        }
        Ok(())
    }

    /// Moves a plan along its life (`PlanStatus::can_become`), guarded, audited.
    pub(crate) async fn move_plan(&mut self, plan_id: i64, next: PlanStatus) -> Result<Plan, StoreError> {
        let before = read::plan(&mut self.tx, plan_id).await?;
        self.set_status(StatusTable::Plans, plan_id, before.status, next, &[]).await?;
        let after = Plan { status: next, ..before.clone() };
        self.audit_update(&before, &after).await?;
        Ok(after)
    }

    /// A plan item: the plan's gate passes (read now), the plan goes before the committee, and
    /// its preparer, valuer and team are among those who worked on it.
    pub(crate) async fn plan_item(
        &mut self,
        plan_id: i64,
        workers: &mut Vec<(String, Capacity)>,
    ) -> Result<ItemDraft, StoreError> {
        let plan = read::plan(&mut self.tx, plan_id).await?;
        let gate = self.gate_of(&plan).await?;
        if let Some((_, first)) = gate.problems.first() {
            return Err(StoreError::Refused(Text::new(
                format!("方案未通过合规关口，不能提交决策委员会：{}（共 {} 项）", first.zh, gate.problems.len()),
                format!(
                    "The plan fails its gate and cannot go to the committee: {} ({} in all)",
                    first.en,
                    gate.problems.len()
                ),
            )));
        }
        if gate.tier != plan.tier {
            sqlx::query("UPDATE disposal_plans SET tier = $1 WHERE id = $2")
                .bind(gate.tier.code())
                .bind(plan_id)
                .execute(&mut *self.tx)
                .await?;
        }
        self.move_plan(plan_id, PlanStatus::Submitted).await?;
        workers.push((plan.prepared_by.clone(), Capacity::Prepared));
        if let Some(v) = &plan.valuer {
            workers.push((v.clone(), Capacity::Valued));
        }
        if let Some(id) = plan.check_id
            && let Some(check) = self.deal_check(id).await?
        {
            workers.push((check.created_by, Capacity::Checked));
        }
        workers.extend(plan.team.iter().map(|t| (t.clone(), Capacity::DealTeam)));
        Ok(ItemDraft {
            kind: crate::committee::ItemKind::DisposalPlan,
            package_id: plan.package_id,
            plan_id: Some(plan_id),
            check_id: plan.check_id,
            price: plan.reserve,
            title: format!("处置方案 #{plan_id}：{}（{}）", plan.title, plan.method.zh()),
            tier: gate.tier,
        })
    }
}
