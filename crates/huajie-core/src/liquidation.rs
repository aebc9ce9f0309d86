//! A hypothetical-liquidation analysis (假设清算法) of a debtor, as a valuer enters it: what
//! its assets would fetch and what ranks ahead, from which the model reads the share of an
//! unsecured claim the debtor can pay (valuation.md 3.4 and section 7).

use serde::{Deserialize, Serialize};

use crate::Money;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiquidationAnalysis {
    pub party_id: i64,
    /// 有效资产: what the debtor's assets would realise.
    pub effective_assets: Money,
    /// 优先扣除项: wages, taxes and the like, paid first.
    pub priority_deductions: Money,
    /// 有担保债权的受偿额: what secured creditors take from the assets.
    pub secured_recoveries: Money,
    /// 有效负债: all the debtor owes.
    pub effective_liabilities: Money,
    /// 有担保债权: the secured part of it.
    pub secured_claims: Money,
    /// Where the figures come from (an audit report, a court file…).
    pub basis: String,
}

impl LiquidationAnalysis {
    /// The unsecured recovery ratio: `(assets − priority − secured recoveries) /
    /// (liabilities − priority − secured claims)`, between 0 and 1; when the denominator is not
    /// positive, 1 if the numerator is, else 0 (section 7).
    pub fn ratio(&self) -> f64 {
        let yuan = |m: Money| m.fen() as f64 / 100.0;
        let numerator = yuan(self.effective_assets) - yuan(self.priority_deductions) - yuan(self.secured_recoveries);
        let denominator = yuan(self.effective_liabilities) - yuan(self.priority_deductions) - yuan(self.secured_claims);
        if denominator <= 0.0 {
            return if numerator > 0.0 { 1.0 } else { 0.0 };
        }
        (numerator / denominator).clamp(0.0, 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn analysis(
        assets: i64,
        priority: i64,
        secured_recoveries: i64,
        liabilities: i64,
        secured: i64,
    ) -> LiquidationAnalysis {
        let wan = |x: i64| Money::from_wan(x).unwrap();
        LiquidationAnalysis {
            party_id: 1,
            effective_assets: wan(assets),
            priority_deductions: wan(priority),
            secured_recoveries: wan(secured_recoveries),
            effective_liabilities: wan(liabilities),
            secured_claims: wan(secured),
            basis: String::new(),
        }
    }

    #[test]
    fn the_ratio_of_section_7() {
        // (1000 − 100 − 300) / (2000 − 100 − 400) = 600 / 1500.
        assert!((analysis(1000, 100, 300, 2000, 400).ratio() - 0.4).abs() < 1e-12);
        // More left than owed: 1; nothing left: 0.
        assert_eq!(analysis(5000, 0, 0, 1000, 0).ratio(), 1.0);
        assert_eq!(analysis(100, 200, 0, 1000, 0).ratio(), 0.0);
        // Denominator not positive: 1 when something is left, else 0.
        assert_eq!(analysis(500, 100, 0, 300, 300).ratio(), 1.0);
        assert_eq!(analysis(100, 100, 0, 300, 300).ratio(), 0.0);
        // Missing figures are 0.
        assert_eq!(analysis(0, 0, 0, 0, 0).ratio(), 0.0);
    }
}
