//! What a law firm or a collection agency is paid (律师费 / 清收服务费), by its fee model:
//! - 全风险 (full risk): a share of what is recovered, nothing else — nothing recovered, nothing paid;
//! - 半风险 (half risk): a fixed fee plus a lower share of what is recovered;
//! - 无风险 (no risk): a fixed fee, whatever is recovered.
//!
//! The share is in basis points (1 bp = 0.01%); the fee is in fen, the share rounded half up to
//! the fen.

use huajie_core::{Money, Text, named_enum};

named_enum! {
    /// The fee model of an engagement.
    pub enum FeeModel {
        FullRisk = ("full_risk", "全风险", "Full risk (contingency)"),
        HalfRisk = ("half_risk", "半风险", "Half risk (fixed + contingency)"),
        NoRisk = ("no_risk", "无风险", "No risk (fixed fee)"),
    }
}

named_enum! {
    /// Who handles a case for the company.
    pub enum AgencyKind {
        LawFirm = ("law_firm", "律师事务所", "Law firm"),
        CollectionAgency = ("collection_agency", "清收服务机构", "Collection agency"),
    }
}

/// An engagement's fee terms, checked against its model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct FeeTerms {
    pub model: FeeModel,
    pub fixed: Money,
    /// The share of the recovery, in basis points.
    pub rate_bp: u32,
}

/// The field of the terms a problem is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeeField {
    Fixed,
    Rate,
}

impl FeeTerms {
    /// Terms of `model`, or every problem with them by field: a full-risk engagement has a share
    /// and no fixed fee, a half-risk one both, a no-risk one a fixed fee and no share; a share is
    /// below 100%, a fee not negative.
    pub fn new(model: FeeModel, fixed: Money, rate_bp: u32) -> Result<FeeTerms, Vec<(FeeField, Text)>> {
        let mut problems = Vec::new();
        let (wants_fixed, wants_rate) = match model {
            FeeModel::FullRisk => (false, true),
            FeeModel::HalfRisk => (true, true),
            FeeModel::NoRisk => (true, false),
        };
        let (zh, en) = (model.zh(), model.en());
        if fixed.is_negative() {
            problems.push((FeeField::Fixed, Text::fixed("固定费用不能为负数", "the fixed fee cannot be negative")));
        } else if wants_fixed && fixed == Money::ZERO {
            problems.push((FeeField::Fixed, Text::new(format!("{zh}须有固定费用"), format!("{en} needs a fixed fee"))));
        } else if !wants_fixed && fixed != Money::ZERO {
            problems.push((FeeField::Fixed, Text::new(format!("{zh}没有固定费用"), format!("{en} has no fixed fee"))));
        }
        if rate_bp >= 10_000 {
            problems.push((
                FeeField::Rate,
                Text::fixed("回款提成比例须低于 100%", "the share of recoveries must be below 100%"),
            ));
        } else if wants_rate && rate_bp == 0 {
            problems.push((
                FeeField::Rate,
                Text::new(format!("{zh}须有回款提成比例"), format!("{en} needs a share of recoveries")),
            ));
        } else if !wants_rate && rate_bp != 0 {
            problems.push((
                FeeField::Rate,
                Text::new(format!("{zh}不按回款提成"), format!("{en} takes no share of recoveries")),
            ));
        }
        if problems.is_empty() { Ok(FeeTerms { model, fixed, rate_bp }) } else { Err(problems) }
    }

    /// The fee owed when `recovered` has come in (never less than nothing recovered).
    pub fn fee(&self, recovered: Money) -> Money {
        let base = i128::from(recovered.fen().max(0));
        let share = (base * i128::from(self.rate_bp) + 5_000) / 10_000;
        let share = i64::try_from(share).expect("a share below 100% of an i64 fits in an i64");
        Money::from_fen(self.fixed.fen().saturating_add(share))
    }

    /// The terms as a line: `全风险 · 回款的 18.00%`, `无风险 · 固定 5万元`.
    pub fn describe(&self, lang: huajie_core::Lang) -> String {
        let rate = format!("{}.{:02}%", self.rate_bp / 100, self.rate_bp % 100);
        let fixed = self.fixed.display(lang);
        let terms = match (self.model, lang) {
            (FeeModel::FullRisk, huajie_core::Lang::Zh) => format!("回款的 {rate}"),
            (FeeModel::FullRisk, _) => format!("{rate} of recoveries"),
            (FeeModel::HalfRisk, huajie_core::Lang::Zh) => format!("固定 {fixed} + 回款的 {rate}"),
            (FeeModel::HalfRisk, _) => format!("{fixed} fixed + {rate} of recoveries"),
            (FeeModel::NoRisk, huajie_core::Lang::Zh) => format!("固定 {fixed}"),
            (FeeModel::NoRisk, _) => format!("{fixed} fixed"),
        };
        format!("{} · {terms}", self.model.name(lang))
    }
}

/// A court's fee by a progressive scale: `floor` (in fen) for the amount up to the first band's
/// start, then each band's part of `amount` at its rate in basis points (rounded down to the fen).
fn progressive(amount: Money, floor: i64, bands: &[(i64, i64)]) -> Money {
    let amount = i128::from(amount.fen().max(0));
    let mut parts = 0i128;
    for (k, (start, bp)) in bands.iter().enumerate() {
        let end = bands.get(k + 1).map_or(i128::MAX, |b| i128::from(b.0));
        let part = amount.clamp(i128::from(*start), end) - i128::from(*start);
        parts += part * i128::from(*bp);
    }
    Money::from_fen(i64::try_from(i128::from(floor) + parts / 10_000).unwrap_or(i64::MAX))
}

/// 案件受理费 of a property case claiming `amount` (《诉讼费用交纳办法》第十三条第（一）项): 50 元
/// up to 1 万元, then 2.5% to 10 万, 2% to 20 万, 1.5% to 50 万, 1% to 100 万, 0.9% to 200 万,
/// 0.8% to 500 万, 0.7% to 1,000 万, 0.6% to 2,000 万, 0.5% above (rounded down to the fen).
pub fn acceptance_fee(amount: Money) -> Money {
    const W: i64 = 1_000_000; // 1 万元 in fen
    let bands = [
        (W, 250),
        (10 * W, 200),
        (20 * W, 150),
        (50 * W, 100),
        (100 * W, 90),
        (200 * W, 80),
        (500 * W, 70),
        (1_000 * W, 60),
        (2_000 * W, 50),
    ];
    progressive(amount, 5_000, &bands)
}

/// 申请执行费 of an enforcement of `amount` (《诉讼费用交纳办法》第十四条第（一）项): 50 元 up to
/// 1 万元, then 1.5% to 50 万, 1% to 500 万, 0.5% to 1,000 万, 0.1% above (rounded down).
pub fn enforcement_fee(amount: Money) -> Money {
    const W: i64 = 1_000_000;
    progressive(amount, 5_000, &[(W, 150), (50 * W, 100), (500 * W, 50), (1_000 * W, 10)])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yuan(y: i64) -> Money {
        Money::from_yuan(y).unwrap()
    }

    #[test]
    fn each_model_computes_its_fee_in_fen() {
        let full = FeeTerms::new(FeeModel::FullRisk, Money::ZERO, 1_800).unwrap();
        assert_eq!(full.fee(yuan(1_000_000)), yuan(180_000));
        assert_eq!(full.fee(Money::ZERO), Money::ZERO, "nothing recovered, nothing paid");
        assert_eq!(full.fee(Money::from_fen(3)), Money::from_fen(1), "0.54 fen rounds half up to 1");
        let half = FeeTerms::new(FeeModel::HalfRisk, yuan(20_000), 800).unwrap();
        assert_eq!(half.fee(yuan(500_000)), yuan(60_000));
        assert_eq!(half.fee(Money::ZERO), yuan(20_000));
        let none = FeeTerms::new(FeeModel::NoRisk, yuan(50_000), 0).unwrap();
        assert_eq!(none.fee(yuan(9_000_000)), yuan(50_000));
        assert_eq!(half.describe(huajie_core::Lang::Zh), "半风险 · 固定 2.00 万元 + 回款的 8.00%");
    }

    #[test]
    fn terms_that_do_not_fit_their_model_are_refused_by_field() {
        let e = FeeTerms::new(FeeModel::FullRisk, yuan(1), 1_000).unwrap_err();
        assert_eq!(e.iter().map(|(f, _)| *f).collect::<Vec<_>>(), vec![FeeField::Fixed]);
        assert_eq!(e[0].1.zh, "全风险没有固定费用");
        let e = FeeTerms::new(FeeModel::HalfRisk, Money::ZERO, 0).unwrap_err();
        assert_eq!(e.len(), 2);
        let e = FeeTerms::new(FeeModel::NoRisk, yuan(1), 500).unwrap_err();
        assert_eq!(
            e[0],
            (FeeField::Rate, Text::fixed("无风险不按回款提成", "No risk (fixed fee) takes no share of recoveries"))
        );
        assert!(FeeTerms::new(FeeModel::FullRisk, Money::ZERO, 10_000).is_err());
    }

    proptest::proptest! {
        #[test]
        fn a_fee_never_falls_as_more_is_recovered(a in 0i64..1_000_000_000_000, b in 0i64..1_000_000_000_000, bp in 1u32..10_000, fixed in 1i64..100_000_000) {
            let terms = FeeTerms::new(FeeModel::HalfRisk, Money::from_fen(fixed), bp).unwrap();
            let (lo, hi) = (a.min(b), a.max(b));
            proptest::prop_assert!(terms.fee(Money::from_fen(lo)) <= terms.fee(Money::from_fen(hi)));
            proptest::prop_assert!(terms.fee(Money::from_fen(hi)).fen() <= fixed + hi);
        }
    }

    #[test]
    fn court_fees_follow_the_measures_scales() {
        let y = |yuan: i64| Money::from_yuan(yuan).unwrap();
        // 《诉讼费用交纳办法》: 100 万元 claimed, 50 + 2,250 + 2,000 + 4,500 + 5,000 = 13,800 元.
        assert_eq!(acceptance_fee(y(1_000_000)), y(13_800));
        assert_eq!(acceptance_fee(y(8_000)), y(50), "up to 1 万元, 50 元");
        assert_eq!(acceptance_fee(y(10_000)), y(50));
        assert_eq!(acceptance_fee(y(10_100)), Money::from_fen(5_250), "2.5% of the 100 元 above");
        // 3,000 万: 13,800 + 9,000 + 24,000 + 35,000 + 60,000 + 50,000 = 191,800 元.
        assert_eq!(acceptance_fee(y(30_000_000)), y(191_800));
        // 申请执行费 of 100 万元: 50 + 7,350 + 5,000 = 12,400 元.
        assert_eq!(enforcement_fee(y(1_000_000)), y(12_400));
        assert_eq!(enforcement_fee(Money::ZERO), y(50));
    }
}
