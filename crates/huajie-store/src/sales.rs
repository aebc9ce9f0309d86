//! A lot's sale in the package's records (issue 14): written in the transaction that closes
//! the lot sold (`WriteTx::record_sale`, called by the close of an auction and by the opening
//! of a sealed tender), with what was sold (the plan's subject), the buyer, the price, the
//! deposit applied and the balance due, and beside them the approved reserve, the latest
//! valuation and the acquisition cost of what was sold, and the recovery
//! (`huajie_decide::sale::figures`). Audited like every row. The compliance book's exposures do
//! not move yet (`ledger.rs`, `packages_with_claims`: the ledger has no dates to post a sale on).

use chrono::{DateTime, NaiveDate, Utc};
use huajie_auction::{DepositStatus, Outcome};
use huajie_core::Money;
use huajie_decide::SubjectKind;
use huajie_decide::sale::{SaleBasis, figures};
use serde::Serialize;
use sqlx::AnyConnection;
use sqlx::any::AnyRow;

use crate::audit::Audited;
use crate::disposal::PlanSubject;
use crate::rows::{code, date, date_text, i64_col, money, opt_i64, opt_money, text, utc};
use crate::{Store, StoreError, WriteTx};

/// A sale as it is kept (and audited).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SaleRecord {
    pub id: i64,
    pub lot_id: i64,
    pub plan_id: i64,
    pub package_id: i64,
    /// What was sold: the plan's subject.
    pub subject: PlanSubject,
    /// The buyer: the winning investor's user.
    pub buyer_id: i64,
    pub price: Money,
    pub deposit_applied: Money,
    pub balance_due: Money,
    /// The approved reserve, the latest valuation and the acquisition cost of what was sold,
    /// when known at the sale.
    pub reserve: Option<Money>,
    pub valuation: Option<Money>,
    pub cost: Option<Money>,
    /// The price less the cost (negative: a loss), when the cost is known.
    pub recovery: Option<Money>,
    /// The day of the close, Beijing time.
    pub sold_on: NaiveDate,
    pub recorded_by: String,
    #[serde(serialize_with = "crate::rows::stored_time")]
    pub recorded_at: DateTime<Utc>,
}

impl Audited for SaleRecord {
    const ENTITY: &'static str = "sale";
    fn audit_id(&self) -> String {
        self.id.to_string()
    }
}

const SALE_COLUMNS: &str = "id, lot_id, plan_id, package_id, subject_kind, claim_id, collateral_id, buyer_id, price_fen, \
    deposit_applied_fen, balance_due_fen, reserve_fen, valuation_fen, cost_fen, recovery_fen, sold_on, recorded_by, recorded_at";

fn sale_from_row(r: &AnyRow) -> Result<SaleRecord, StoreError> {
    let package_id = i64_col(r, "package_id")?;
    let corrupt = |c: &str| StoreError::Corrupt(format!("sales.{c}"));
    let subject = match code(r, "subject_kind", SubjectKind::from_code)? {
        SubjectKind::Package => PlanSubject::Package(package_id),
        SubjectKind::Claim => PlanSubject::Claim(opt_i64(r, "claim_id")?.ok_or_else(|| corrupt("claim_id"))?),
        SubjectKind::Collateral => {
            PlanSubject::Collateral(opt_i64(r, "collateral_id")?.ok_or_else(|| corrupt("collateral_id"))?)
        }
    };
    Ok(SaleRecord {
        id: i64_col(r, "id")?,
        lot_id: i64_col(r, "lot_id")?,
        plan_id: i64_col(r, "plan_id")?,
        package_id,
        subject,
        buyer_id: i64_col(r, "buyer_id")?,
        price: money(r, "price_fen")?,
        deposit_applied: money(r, "deposit_applied_fen")?,
        balance_due: money(r, "balance_due_fen")?,
        reserve: opt_money(r, "reserve_fen")?,
        valuation: opt_money(r, "valuation_fen")?,
        cost: opt_money(r, "cost_fen")?,
        recovery: opt_money(r, "recovery_fen")?,
        sold_on: date(r, "sold_on")?,
        recorded_by: text(r, "recorded_by")?,
        recorded_at: utc(r, "recorded_at")?,
    })
}

pub(crate) async fn sales(c: &mut AnyConnection, package: Option<i64>) -> Result<Vec<SaleRecord>, StoreError> {
    let sql = format!("SELECT {SALE_COLUMNS} FROM sales WHERE ($1 IS NULL OR package_id = $1) ORDER BY id");
    sqlx::query(crate::composed(sql)).bind(package).fetch_all(&mut *c).await?.iter().map(sale_from_row).collect()
}

async fn sale_of_lot(c: &mut AnyConnection, lot_id: i64) -> Result<Option<SaleRecord>, StoreError> {
    let sql = format!("SELECT {SALE_COLUMNS} FROM sales WHERE lot_id = $1");
    sqlx::query(crate::composed(sql))
        .bind(lot_id)
        .fetch_optional(&mut *c)
        .await?
        .as_ref()
        .map(sale_from_row)
        .transpose()
}

impl Store {
    /// Every sale, or a package's, in the order recorded.
    pub async fn sales(&self, package: Option<i64>) -> Result<Vec<SaleRecord>, StoreError> {
        sales(&mut *self.pool.acquire().await?, package).await
    }

    /// A lot's sale, if it sold.
    pub async fn sale_of_lot(&self, lot_id: i64) -> Result<Option<SaleRecord>, StoreError> {
        sale_of_lot(&mut *self.pool.acquire().await?, lot_id).await
    }
}

impl WriteTx {
    /// Records the sale of a lot that closed `outcome` (nothing for a lot not sold), after its
    /// deposits are settled: the plan's subject, the buyer, the price, the winner's deposit
    /// applied, and the reserve, the latest valuation and the cost of what was sold (as the plan
    /// recorded them when they cannot be read afresh), with the figures of
    /// `huajie_decide::sale::figures`.
    pub async fn record_sale(&mut self, lot_id: i64, outcome: Outcome) -> Result<Option<SaleRecord>, StoreError> {
        let Outcome::Sold { winner, price, .. } = outcome else { return Ok(None) };
        let lot = crate::lots::read::lot(self.conn(), lot_id).await?.lot;
        let plan = crate::disposal::read::plan(self.conn(), lot.plan_id).await?;
        let (valuation, cost) = match self.appraise(plan.subject).await {
            Ok(a) => (a.valuation.or(plan.valuation), a.cost.or(plan.cost)),
            Err(StoreError::Refused(_)) => (plan.valuation, plan.cost),
            Err(e) => return Err(e),
        };
        let deposit = crate::lots::read::deposits(self.conn(), Some(lot_id))
            .await?
            .into_iter()
            .find(|d| d.investor_id == winner.0 && d.status == DepositStatus::Applied)
            .map_or(Money::ZERO, |d| d.amount);
        let basis = SaleBasis { reserve: lot.terms.reserve.or(plan.reserve), valuation, cost };
        let f = figures(price, deposit, basis).map_err(StoreError::Refused)?;
        let now = crate::stored_time(self.clock.now());
        let sold_on = huajie_core::clock::beijing_date(lot.closed_at.unwrap_or(now));
        let (claim, collateral) = match plan.subject {
            PlanSubject::Claim(c) => (Some(c), None),
            PlanSubject::Collateral(k) => (None, Some(k)),
            PlanSubject::Package(_) => (None, None),
        };
        let actor = self.actor().to_string();
        let r = sqlx::query("INSERT INTO sales (lot_id, plan_id, package_id, subject_kind, claim_id, collateral_id, buyer_id, price_fen, deposit_applied_fen, balance_due_fen, reserve_fen, valuation_fen, cost_fen, recovery_fen, sold_on, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id")
            .bind(lot_id)
            .bind(plan.id)
            .bind(plan.package_id)
            .bind(plan.subject.kind().code())
            .bind(claim)
            .bind(collateral)
            .bind(winner.0)
            .bind(price.fen())
            .bind(f.deposit_applied.fen())
            .bind(f.balance_due.fen())
            .bind(basis.reserve.map(Money::fen))
            .bind(valuation.map(Money::fen))
            .bind(cost.map(Money::fen))
            .bind(f.recovery.map(Money::fen))
            .bind(date_text(sold_on))
            .bind(&actor)
            .bind(crate::timestamp(now))
            .fetch_one(self.conn())
            .await
            .map_err(|e| {
                StoreError::on_unique(e, || {
                    huajie_core::Text::fixed("该标的的成交已记录。", "The lot's sale is already recorded.")
                })
            })?;
        let id = i64_col(&r, "id")?;
        let sale = sale_of_lot(self.conn(), lot_id)
            .await?
            .filter(|s| s.id == id)
            .ok_or_else(|| StoreError::Corrupt(format!("sales {id}: not read back")))?;
        self.audit_create(&sale).await?;
        Ok(Some(sale))
    }
}
