//! Stress overlays (valuation.md section 4): deterministic shocks laid over an assumption
//! set for one run, without changing the set.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Stress {
    /// Collateral values × this (0.9 = market value −10%).
    pub market_value: f64,
    /// Every sale probability × this, before any probit shift.
    pub sale_probability: f64,
    /// Every duration × this; scaled event months are rounded half up.
    pub durations: f64,
    /// Retail recovery curves × this.
    pub retail_curves: f64,
    /// Added to the discount rate (0.03 = +300 bp).
    pub rate_shift: f64,
}

impl Stress {
    pub const NONE: Stress =
        Stress { market_value: 1.0, sale_probability: 1.0, durations: 1.0, retail_curves: 1.0, rate_shift: 0.0 };

    /// The overlays of section 4, by code, in the order reports show them.
    pub const OVERLAYS: [(&'static str, Stress); 7] = [
        ("mv-10", Stress { market_value: 0.9, ..Stress::NONE }),
        ("mv-20", Stress { market_value: 0.8, ..Stress::NONE }),
        ("mv-30", Stress { market_value: 0.7, ..Stress::NONE }),
        ("sale-0.7", Stress { sale_probability: 0.7, ..Stress::NONE }),
        ("duration-1.5", Stress { durations: 1.5, ..Stress::NONE }),
        ("retail-0.7", Stress { retail_curves: 0.7, ..Stress::NONE }),
        ("rate+300bp", Stress { rate_shift: 0.03, ..Stress::NONE }),
    ];

    pub fn by_code(code: &str) -> Option<Stress> {
        Stress::OVERLAYS.iter().find(|(c, _)| *c == code).map(|(_, s)| *s)
    }
}

impl Default for Stress {
    fn default() -> Stress {
        Stress::NONE
    }
}
