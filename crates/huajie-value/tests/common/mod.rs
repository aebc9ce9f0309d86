//! What several test files share.

use huajie_value::Assumptions;
use huajie_value::assumptions::SaleProbabilities;

/// The assumption set of the worked example.
pub fn example_assumptions() -> Assumptions {
    let mut a = Assumptions::default();
    a.timeline.judgment_not_sued = 11;
    a.timeline.first_auction_after_enforcement = 2;
    a.ladder.probabilities[0] = SaleProbabilities([0.5, 0.5, 0.5]);
    a.ladder.premium = [0.05, 0.03, 0.0];
    a.ladder.settlement_ratio = 0.0;
    a.legal_costs = 0.0;
    a.guarantor_route = false;
    a.unsecured_route = false;
    a
}
