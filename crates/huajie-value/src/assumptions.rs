//! An assumption set: every parameter of HV-1 with its default (valuation.md sections 3
//! and 7). Sets are named and versioned by the store; the engine only reads them.

use huajie_core::CollateralType;
use serde::{Deserialize, Serialize};

use crate::retail::Retail;

/// The auction-ladder row a collateral type uses (7: 其他 uses equipment; 股权 and 应收账款
/// the pledge row).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LadderRow {
    Residential,
    Commercial,
    Industrial,
    Land,
    UnderConstruction,
    Vehicle,
    Equipment,
    Pledge,
}

impl LadderRow {
    pub const ALL: [LadderRow; 8] = [
        LadderRow::Residential,
        LadderRow::Commercial,
        LadderRow::Industrial,
        LadderRow::Land,
        LadderRow::UnderConstruction,
        LadderRow::Vehicle,
        LadderRow::Equipment,
        LadderRow::Pledge,
    ];

    pub fn of(kind: CollateralType) -> LadderRow {
        match kind {
            CollateralType::Residential => LadderRow::Residential,
            CollateralType::Commercial => LadderRow::Commercial,
            CollateralType::Industrial => LadderRow::Industrial,
            CollateralType::Land => LadderRow::Land,
            CollateralType::UnderConstruction => LadderRow::UnderConstruction,
            CollateralType::Vehicle => LadderRow::Vehicle,
            CollateralType::Equipment | CollateralType::Other => LadderRow::Equipment,
            CollateralType::Equity | CollateralType::Receivable => LadderRow::Pledge,
        }
    }
}

/// A count of months from the valuation date or from an earlier event.
pub type Months = u32;

/// Months of the litigation timeline (3.1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Timeline {
    /// Judgment effective, from stage "none" (not sued).
    pub judgment_not_sued: Months,
    /// Judgment effective, from stage "filed".
    pub judgment_filed: Months,
    /// Enforcement starts this long after judgment (stages none, filed, judged).
    pub enforcement_after_judgment: Months,
    /// Enforcement restarts this long after a termination (终本).
    pub terminated_restart: Months,
    /// First auction this long after enforcement starts.
    pub first_auction_after_enforcement: Months,
    /// In bankruptcy, the estate's first auction at this month.
    pub bankruptcy_first_auction: Months,
    /// Between the first and second auction.
    pub second_round_after: Months,
    /// Negotiated sale (变卖) after the second round.
    pub negotiated_sale_after: Months,
    /// Cash is distributed this long after a sale.
    pub distribution_lag: Months,
    /// An item taken in settlement is realised this long after round 3.
    pub settlement_realised_after: Months,
    /// Guarantor cash this long after judgment.
    pub guarantor_after_judgment: Months,
    /// Unsecured cash this long after judgment.
    pub unsecured_after_judgment: Months,
    /// The bankruptcy estate pays at this month.
    pub bankruptcy_estate_month: Months,
}

/// Sale probabilities of one ladder row, rounds 1 to 3 (3 = 变卖).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SaleProbabilities(pub [f64; 3]);

/// The collateral route (3.2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ladder {
    /// Market-value factor `mv` on the appraisal (1.0 in v1).
    pub market_value: f64,
    /// Start price of each round as a share of value: 0.70, 0.56, 0.56.
    pub start: [f64; 3],
    /// Premium over the start price at each round.
    pub premium: [f64; 3],
    /// Sale probabilities by row, in `LadderRow::ALL` order.
    pub probabilities: [SaleProbabilities; LadderRow::ALL.len()],
    /// Unsold after round 3: taken in settlement at round 3's start × this (0.70); 0 = nothing.
    pub settlement_ratio: f64,
    /// Sale costs, as a share of the gross price.
    pub sale_costs: f64,
}

impl Ladder {
    pub fn probabilities(&self, row: LadderRow) -> [f64; 3] {
        let i = LadderRow::ALL.iter().position(|r| *r == row).expect("every row is listed");
        self.probabilities[i].0
    }
}

/// Recovery ratios β by party kind and standing (3.3, 3.4, section 7).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Betas {
    pub corporate_operating: f64,
    pub corporate_ceased: f64,
    pub corporate_bankrupt: f64,
    pub corporate_deceased_or_missing: f64,
    pub individual_normal: f64,
    pub individual_bankrupt: f64,
    pub individual_deceased_or_missing: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assumptions {
    pub timeline: Timeline,
    pub ladder: Ladder,
    /// Whether guarantors are pursued at all.
    pub guarantor_route: bool,
    /// Validity `v` of a guarantee.
    pub guarantee_validity: f64,
    pub guarantor_beta: Betas,
    /// Whether the debtor's unsecured assets are pursued at all.
    pub unsecured_route: bool,
    pub unsecured_beta: Betas,
    /// The bankruptcy estate pays this share of what is still owed.
    pub bankruptcy_estate_ratio: f64,
    /// Legal and servicing costs, as a share of every recovery.
    pub legal_costs: f64,
    /// Recoveries of a time-barred claim are scaled by this.
    pub time_barred_factor: f64,
    pub monte_carlo: MonteCarlo,
    /// Retail batches: segment curves (section 5).
    pub retail: Retail,
}

/// The Monte Carlo layer (section 4): the spread of each scenario's draws.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonteCarlo {
    /// σ_m: the systematic part of collateral values.
    pub sigma_market: f64,
    /// σ_k: each item's own part.
    pub sigma_item: f64,
    /// λ: how far the systematic factor shifts sale probabilities (probit scale).
    pub liquidity: f64,
    /// Every duration × exp(σ_d Z) (court speed).
    pub sigma_duration: f64,
    /// Guarantor and debtor recovery ratios × exp(σ_β Z − σ_β²/2), capped at 1.
    pub sigma_recovery: f64,
    /// α: the confidence bid is the (1 − α) quantile of the scenarios' break-even prices.
    pub confidence: f64,
}

impl Default for Assumptions {
    /// The defaults of HV-1 v1.1.
    fn default() -> Assumptions {
        let p = |a, b, c| SaleProbabilities([a, b, c]);
        Assumptions {
            timeline: Timeline {
                judgment_not_sued: 12,
                judgment_filed: 8,
                enforcement_after_judgment: 2,
                terminated_restart: 3,
                first_auction_after_enforcement: 6,
                bankruptcy_first_auction: 9,
                second_round_after: 2,
                negotiated_sale_after: 3,
                distribution_lag: 3,
                settlement_realised_after: 12,
                guarantor_after_judgment: 12,
                unsecured_after_judgment: 18,
                bankruptcy_estate_month: 24,
            },
            ladder: Ladder {
                market_value: 1.0,
                start: [0.70, 0.56, 0.56],
                premium: [0.05, 0.02, 0.0],
                probabilities: [
                    p(0.60, 0.50, 0.40),
                    p(0.40, 0.35, 0.30),
                    p(0.30, 0.25, 0.20),
                    p(0.35, 0.30, 0.25),
                    p(0.20, 0.20, 0.15),
                    p(0.70, 0.60, 0.50),
                    p(0.30, 0.25, 0.20),
                    p(0.30, 0.25, 0.20),
                ],
                settlement_ratio: 0.70,
                sale_costs: 0.03,
            },
            guarantor_route: true,
            guarantee_validity: 0.8,
            guarantor_beta: Betas {
                corporate_operating: 0.30,
                corporate_ceased: 0.05,
                corporate_bankrupt: 0.05,
                corporate_deceased_or_missing: 0.05,
                individual_normal: 0.10,
                individual_bankrupt: 0.05,
                individual_deceased_or_missing: 0.01,
            },
            unsecured_route: true,
            unsecured_beta: Betas {
                corporate_operating: 0.15,
                corporate_ceased: 0.02,
                corporate_bankrupt: 0.05,
                corporate_deceased_or_missing: 0.01,
                individual_normal: 0.05,
                individual_bankrupt: 0.05,
                individual_deceased_or_missing: 0.01,
            },
            bankruptcy_estate_ratio: 0.05,
            legal_costs: 0.08,
            time_barred_factor: 0.10,
            monte_carlo: MonteCarlo {
                sigma_market: 0.15,
                sigma_item: 0.20,
                liquidity: 0.3,
                sigma_duration: 0.25,
                sigma_recovery: 0.3,
                confidence: 0.90,
            },
            retail: Retail::default(),
        }
    }
}
