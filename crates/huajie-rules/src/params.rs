//! Every threshold of the rules in one versioned parameter set (rules.md F1, Part G). The
//! store keeps the versions; results record the version they used.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Ratios in basis points of net assets (10,000 = 100%), so that limits compare exactly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleParameters {
    /// Q1: funding balance ≤ 3 × net assets.
    pub leverage_max_bps: u32,
    /// Q2: one client ≤ 10% of net assets.
    pub single_client_max_bps: u32,
    /// Q3: one group ≤ 15% of net assets.
    pub group_max_bps: u32,
    /// Q4: related-party claims ≤ 50% of the previous quarter-end's net assets.
    pub related_max_bps: u32,
    /// Q5: HQLA ≥ 100% of the net cash outflow of the window.
    pub liquidity_min_bps: u32,
    pub liquidity_window_days: u32,
    /// Q6: financial NPA acquisitions ≥ 30% of new investment over the window.
    pub main_business_min_bps: u32,
    pub main_business_years: u32,
    /// Amber at this share of an upper limit (and, for a lower limit, when the limit is at least
    /// this share of the value).
    pub amber_bps: u32,
    /// Control: a stake (own plus controlled entities') above this.
    pub control_above_bps: u32,
    /// A shareholder at or above this is a related party.
    pub related_shareholder_min_bps: u32,
    /// Q15 exit watch: alert and breach at these whole months since the last acquisition.
    pub exit_alert_months: u32,
    pub exit_breach_months: u32,
    /// A14: breaches until this date (inclusive) are "in transition": reported, not blocking.
    pub transition_end: NaiveDate,
}

impl Default for RuleParameters {
    /// The readings of rules.md Part G (v1).
    fn default() -> RuleParameters {
        RuleParameters {
            leverage_max_bps: 30_000,
            single_client_max_bps: 1_000,
            group_max_bps: 1_500,
            related_max_bps: 5_000,
            liquidity_min_bps: 10_000,
            liquidity_window_days: 30,
            main_business_min_bps: 3_000,
            main_business_years: 3,
            amber_bps: 9_000,
            control_above_bps: 5_000,
            related_shareholder_min_bps: 500,
            exit_alert_months: 12,
            exit_breach_months: 24,
            transition_end: NaiveDate::from_ymd_opt(2028, 7, 12).expect("a valid date"),
        }
    }
}
