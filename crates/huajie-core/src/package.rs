//! Packages (资产包) and the claims (债权) in them, with collateral and guarantees.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ids::Province;
use crate::money::{Money, MoneyError};
use crate::named_enum;

named_enum! {
    /// Where a package stands in the firm's life cycle.
    pub enum PackageStatus {
        Screening = ("screening", "尽调中", "Due diligence"),
        Bidding = ("bidding", "竞价中", "Bidding"),
        Acquired = ("acquired", "已收购", "Acquired"),
        Disposing = ("disposing", "处置中", "Disposing"),
        Closed = ("closed", "已结清", "Closed"),
    }
}

impl PackageStatus {
    /// Not yet bought: in due diligence or bidding.
    pub fn before_acquisition(self) -> bool {
        matches!(self, PackageStatus::Screening | PackageStatus::Bidding)
    }
}

impl crate::Lifecycle for PackageStatus {
    const NOUN: (&'static str, &'static str) = ("资产包", "the package");
    fn all() -> &'static [PackageStatus] {
        PackageStatus::ALL
    }
    fn names(self) -> (&'static str, &'static str) {
        (self.zh(), self.en())
    }
    fn code(self) -> &'static str {
        Self::code(self)
    }
    /// The life cycle, one step at a time: due diligence → bidding → acquired → disposing →
    /// closed. A package may be bought straight from due diligence (a negotiated transfer,
    /// no auction), and a held package may close without a disposal (collected in full).
    /// Nothing goes back, and nothing "becomes" what it already is.
    fn can_become(self, next: PackageStatus) -> bool {
        use PackageStatus::*;
        matches!(
            (self, next),
            (Screening, Bidding)
                | (Screening | Bidding, Acquired)
                | (Acquired, Disposing)
                | (Acquired | Disposing, Closed)
        )
    }
}

named_enum! {
    /// 五级分类, the five-tier loan classification.
    pub enum FiveClass {
        Normal = ("normal", "正常", "Normal"),
        SpecialMention = ("special_mention", "关注", "Special mention"),
        Substandard = ("substandard", "次级", "Substandard"),
        Doubtful = ("doubtful", "可疑", "Doubtful"),
        Loss = ("loss", "损失", "Loss"),
    }
}

impl FiveClass {
    /// 次级, 可疑 and 损失 are non-performing; 正常 and 关注 are not.
    pub fn is_non_performing(self) -> bool {
        matches!(self, FiveClass::Substandard | FiveClass::Doubtful | FiveClass::Loss)
    }
}

named_enum! {
    /// 诉讼状态: how far the claim has gone through the courts.
    pub enum LitigationStage {
        NotSued = ("not_sued", "未诉", "Not sued"),
        Filed = ("filed", "已起诉", "Suit filed"),
        Judged = ("judged", "已判决", "Judgment obtained"),
        Enforcing = ("enforcing", "执行中", "In enforcement"),
        Terminated = ("terminated", "终本", "Enforcement terminated"),
        Bankruptcy = ("bankruptcy", "破产", "In bankruptcy"),
    }
}

named_enum! {
    /// 抵押物/质押物 type.
    pub enum CollateralType {
        Residential = ("residential", "住宅", "Residential"),
        Commercial = ("commercial", "商业", "Commercial"),
        Industrial = ("industrial", "工业厂房", "Industrial"),
        Land = ("land", "土地使用权", "Land use right"),
        UnderConstruction = ("under_construction", "在建工程", "Under construction"),
        Vehicle = ("vehicle", "车辆", "Vehicle"),
        Equipment = ("equipment", "设备", "Equipment"),
        Equity = ("equity", "股权", "Equity"),
        Receivable = ("receivable", "应收账款", "Receivables"),
        Other = ("other", "其他", "Other"),
    }
}

named_enum! {
    /// 抵押 (mortgage) or 质押 (pledge).
    pub enum SecurityKind {
        Mortgage = ("mortgage", "抵押", "Mortgage"),
        Pledge = ("pledge", "质押", "Pledge"),
    }
}

impl CollateralType {
    /// Equity and receivables are pledged; everything else is mortgaged.
    pub fn security_kind(self) -> SecurityKind {
        match self {
            CollateralType::Equity | CollateralType::Receivable => SecurityKind::Pledge,
            _ => SecurityKind::Mortgage,
        }
    }
}

named_enum! {
    /// 保证方式.
    pub enum GuaranteeKind {
        JointLiability = ("joint", "连带责任保证", "Joint and several"),
        General = ("general", "一般保证", "General (subsidiary)"),
    }
}

named_enum! {
    /// How a package is valued (docs/valuation.md §2): claim by claim, or as a retail batch,
    /// where individuals' claims with neither collateral nor a guarantor are valued by
    /// segment on static-pool curves and every other claim claim by claim.
    pub enum ValuationBasis {
        ClaimByClaim = ("claims", "逐笔估值", "Claim by claim"),
        RetailBatch = ("retail", "个贷批量", "Retail batch"),
    }
}

impl ValuationBasis {
    /// A new package's basis, from its first tape: a retail batch when the tape came as a
    /// personal batch (个贷批量), or when at least `RETAIL_SHARE_PCT` per cent of its
    /// claims are owed by individuals. A valuer may switch it afterwards.
    pub fn of_new_package(personal_batch: bool, individual_claims: u64, claims: u64) -> ValuationBasis {
        let mostly_individuals = claims > 0 && individual_claims * 100 >= claims * Self::RETAIL_SHARE_PCT;
        if personal_batch || mostly_individuals { ValuationBasis::RetailBatch } else { ValuationBasis::ClaimByClaim }
    }

    /// The share of individuals' claims, in per cent, that makes a new package a retail batch.
    pub const RETAIL_SHARE_PCT: u64 = 90;
}

/// A batch of claims bought (or to be bought) together from one transferor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Package {
    /// The firm's own reference, e.g. `ZJ-2025-001`.
    pub code: String,
    pub name: String,
    /// The selling bank (a party id).
    pub transferor_id: i64,
    /// 基准日: the date the tape's balances refer to.
    pub cutoff_date: NaiveDate,
    pub status: PackageStatus,
    pub acquired_on: Option<NaiveDate>,
    /// The price paid, once acquired.
    pub price: Option<Money>,
    /// How the package is valued.
    pub valuation_basis: ValuationBasis,
}

impl Package {
    /// Whether the company holds it: bought and not yet closed.
    pub fn is_held(&self) -> bool {
        !self.status.before_acquisition() && self.status != PackageStatus::Closed
    }

    /// The date a valuation is made at unless the valuer names one: the tape's cut-off
    /// while the package is being priced, today once it is held (what it is worth now,
    /// against what it cost).
    pub fn default_valuation_date(&self, today: NaiveDate) -> NaiveDate {
        if self.is_held() { today.max(self.cutoff_date) } else { self.cutoff_date }
    }

    /// A valuation starts from the tape's balances: never before its cut-off.
    pub fn may_be_valued_at(&self, date: NaiveDate) -> bool {
        date >= self.cutoff_date
    }
}

/// One claim: a debt under one loan contract, with its parts kept apart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claim {
    pub package_id: i64,
    /// 借款合同编号, unique within its package.
    pub contract_no: String,
    pub debtor_id: i64,
    pub principal: Money,
    pub interest: Money,
    pub penalty: Money,
    /// 垫付费用: legal and other costs advanced and recoverable from the debtor.
    pub advanced_costs: Money,
    /// `None` when the seller's tape does not say.
    pub five_class: Option<FiveClass>,
    /// `None` when the seller's tape does not say.
    pub litigation_stage: Option<LitigationStage>,
    pub default_date: Option<NaiveDate>,
    /// 诉讼时效 / 执行时效 end: the claim must be interrupted (demand, suit) before it.
    pub limitation_date: Option<NaiveDate>,
    /// Where the loan was booked.
    pub province: Option<Province>,
    /// 产品类型 and 逾期天数 as the tape gave them: a retail batch is valued by segment on them.
    /// Left out of the JSON when absent, so claims recorded before they existed still verify.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days_past_due: Option<i64>,
    /// 是否核销: whether the bank has written the loan off, as its tape says (`None`: it does not say).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub written_off: Option<bool>,
}

impl Claim {
    /// Principal + interest + penalty + advanced costs.
    pub fn total(&self) -> Result<Money, MoneyError> {
        Money::checked_sum([self.principal, self.interest, self.penalty, self.advanced_costs])
    }

    /// Whether the limitation date has passed on `today`.
    pub fn is_time_barred(&self, today: NaiveDate) -> bool {
        self.limitation_date.is_some_and(|d| d < today)
    }
}

/// A mortgaged or pledged item. One item may secure several claims.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Collateral {
    pub collateral_type: CollateralType,
    pub description: String,
    pub address: Option<String>,
    /// Resolved from the address when it names a province.
    pub province: Option<Province>,
    pub appraised_value: Money,
    pub appraisal_date: Option<NaiveDate>,
    /// 优先受偿金额: what ranks ahead of us (prior liens, construction payables…).
    pub prior_claims: Money,
    pub owner_id: Option<i64>,
}

impl Collateral {
    pub fn security_kind(&self) -> SecurityKind {
        self.collateral_type.security_kind()
    }
}

/// A guarantee of one claim by a party, up to a cap when the contract sets one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Guarantee {
    pub claim_id: i64,
    pub guarantor_id: i64,
    /// `None` when the contract is not at hand. (Under the Civil Code, art. 686, a
    /// guarantee that does not say is a general one; older contracts under the 1995
    /// Guarantee Law defaulted to joint liability — so it is not guessed.)
    pub kind: Option<GuaranteeKind>,
    /// `None`: the guarantee covers the whole claim.
    pub cap: Option<Money>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Lifecycle;

    #[test]
    fn the_package_life_cycle_goes_forward_one_step_at_a_time() {
        use PackageStatus::*;
        let allowed = [
            (Screening, Bidding),
            (Screening, Acquired),
            (Bidding, Acquired),
            (Acquired, Disposing),
            (Acquired, Closed),
            (Disposing, Closed),
        ];
        for &from in PackageStatus::ALL {
            for &to in PackageStatus::ALL {
                assert_eq!(from.can_become(to), allowed.contains(&(from, to)), "{from:?} → {to:?}");
            }
        }
        assert_eq!(PackageStatus::may_become(Acquired), vec![Screening, Bidding]);
        assert_eq!(PackageStatus::may_become(Closed), vec![Acquired, Disposing]);
        assert!(PackageStatus::may_become(Screening).is_empty(), "nothing goes back to due diligence");
        // Every status that may be bought from is one before acquisition, and only those.
        for &s in PackageStatus::ALL {
            assert_eq!(s.can_become(Acquired), s.before_acquisition(), "{s:?}");
        }
        let t = Acquired.refusal(Acquired);
        assert!(t.zh.contains("已收购") && t.en.contains("Acquired"), "{t}");
    }

    #[test]
    fn a_new_package_is_a_retail_batch_when_marked_or_mostly_individuals() {
        use ValuationBasis::*;
        assert_eq!(ValuationBasis::of_new_package(true, 0, 10), RetailBatch, "marked a personal batch");
        assert_eq!(ValuationBasis::of_new_package(false, 9, 10), RetailBatch, "exactly 90%");
        assert_eq!(ValuationBasis::of_new_package(false, 89, 100), ClaimByClaim, "89%");
        assert_eq!(ValuationBasis::of_new_package(false, 0, 0), ClaimByClaim, "no claims");
    }

    #[test]
    fn a_held_package_is_valued_today_one_being_priced_at_its_cut_off() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let mut p = Package {
            code: "ZJ-1".into(),
            name: "包".into(),
            transferor_id: 1,
            cutoff_date: d("2025-03-31"),
            status: PackageStatus::Screening,
            acquired_on: None,
            price: None,
            valuation_basis: ValuationBasis::ClaimByClaim,
        };
        assert_eq!(p.default_valuation_date(d("2026-12-06")), d("2025-03-31"));
        p.status = PackageStatus::Acquired;
        assert_eq!(p.default_valuation_date(d("2026-12-06")), d("2026-12-06"));
        p.status = PackageStatus::Disposing;
        assert!(p.is_held());
        p.status = PackageStatus::Closed;
        assert!(!p.is_held());
    }

    #[test]
    fn claim_total_keeps_the_parts() {
        let c = Claim {
            package_id: 1,
            contract_no: "HT-1".into(),
            debtor_id: 1,
            principal: Money::from_fen(10_000),
            interest: Money::from_fen(2_000),
            penalty: Money::from_fen(300),
            advanced_costs: Money::from_fen(45),
            five_class: Some(FiveClass::Doubtful),
            litigation_stage: Some(LitigationStage::NotSued),
            default_date: None,
            limitation_date: NaiveDate::from_ymd_opt(2025, 6, 30),
            province: None,
            product: None,
            days_past_due: None,
            written_off: None,
        };
        assert_eq!(c.total(), Ok(Money::from_fen(12_345)));
        assert!(c.is_time_barred(NaiveDate::from_ymd_opt(2025, 7, 1).unwrap()));
        assert!(!c.is_time_barred(NaiveDate::from_ymd_opt(2025, 6, 30).unwrap()));
        let huge = Claim { principal: Money::from_fen(i64::MAX), ..c };
        assert!(huge.total().is_err());
    }

    #[test]
    fn enum_codes_round_trip() {
        for t in CollateralType::ALL {
            assert_eq!(CollateralType::from_code(t.code()), Some(*t));
            assert_eq!(CollateralType::from_any_name(t.zh()), Some(*t));
        }
        assert_eq!(CollateralType::Equity.security_kind(), SecurityKind::Pledge);
        assert!(FiveClass::Loss.is_non_performing() && !FiveClass::SpecialMention.is_non_performing());
    }
}
