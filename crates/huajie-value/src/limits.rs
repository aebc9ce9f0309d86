//! The limits of a valuation request, in one place, and the one check of a request against
//! them ([`Options::checked`]) that the page, the API and the command line all call. Each
//! surface reads its own text (a page's "15%" and 万元, the API's fen, the command line's
//! yuan) into a [`RawOptions`]; what is in range is decided here.

use huajie_core::Text;

use crate::appraisal::Options;
use crate::stress::Stress;

/// Monte Carlo scenarios one run may ask for.
pub const SCENARIOS_MAX: usize = 10_000;
/// The lowest target IRR (annual effective) a run may ask for: −50%.
pub const TARGET_IRR_MIN: f64 = -0.5;
/// The highest target IRR a run may ask for: 500%.
pub const TARGET_IRR_MAX: f64 = 5.0;
/// The target IRR a run asks for unless told otherwise.
pub const TARGET_IRR_DEFAULT: f64 = 0.15;
/// The Monte Carlo seed unless told otherwise: the same seed gives the same draws.
pub const SEED_DEFAULT: u64 = 7;

// Discounting at a rate of −100% or below is undefined; the default lies inside the range.
const _: () = assert!(TARGET_IRR_MIN > -1.0);
const _: () = assert!(TARGET_IRR_MIN < TARGET_IRR_DEFAULT);
const _: () = assert!(TARGET_IRR_DEFAULT < TARGET_IRR_MAX);
const _: () = assert!(SCENARIOS_MAX > 0);

/// A valuation request as a surface read it, before its limits are checked.
#[derive(Debug, Clone, PartialEq)]
pub struct RawOptions {
    /// y*, annual effective (0.15 = 15%).
    pub target_irr: f64,
    /// The price to measure, in yuan; `None` = the bid at the target IRR.
    pub price_yuan: Option<f64>,
    /// Monte Carlo scenarios; 0 = none.
    pub scenarios: usize,
    /// `None` = [`SEED_DEFAULT`].
    pub seed: Option<u64>,
    /// A stress overlay code of [`Stress::OVERLAYS`], or `None`.
    pub stress: Option<String>,
}

/// A field of a valuation request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionsField {
    TargetIrr,
    Price,
    Scenarios,
    Stress,
}

/// What is wrong with a valuation request: every bad field, each with its message.
#[derive(Debug, Clone, PartialEq)]
pub struct OptionsError {
    pub problems: Vec<(OptionsField, Text)>,
}

impl OptionsError {
    /// The bad fields, in the order of the request.
    pub fn fields(&self) -> Vec<OptionsField> {
        self.problems.iter().map(|(f, _)| *f).collect()
    }

    /// Every message, in `lang`, one after the other.
    pub fn message(&self, lang: huajie_core::Lang) -> String {
        self.problems.iter().map(|(_, t)| t.get(lang)).collect::<Vec<_>>().join(" ")
    }
}

impl std::fmt::Display for OptionsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} / {}", self.message(huajie_core::Lang::Zh), self.message(huajie_core::Lang::En))
    }
}

impl std::error::Error for OptionsError {}

/// The message for a target IRR outside [`TARGET_IRR_MIN`]..=[`TARGET_IRR_MAX`] (or not a number).
pub fn target_irr_text() -> Text {
    let (lo, hi) = (TARGET_IRR_MIN * 100.0, TARGET_IRR_MAX * 100.0);
    Text::new(
        format!("目标 IRR 应在 {lo:.0}% 至 {hi:.0}% 之间，如 15% 或 0.15。"),
        format!("The target IRR must lie between {lo:.0}% and {hi:.0}%, as 15% or 0.15."),
    )
}

/// The message for a price that is negative or not a number.
pub fn price_text() -> Text {
    Text::fixed("价格应为非负金额。", "The price must be a non-negative amount.")
}

/// The message for more scenarios than [`SCENARIOS_MAX`].
pub fn scenarios_text() -> Text {
    Text::new(
        format!("情景数应为 0 至 {SCENARIOS_MAX} 的整数。"),
        format!("Scenarios must be a whole number from 0 to {SCENARIOS_MAX}."),
    )
}

/// The message for a stress code that is not one of [`Stress::OVERLAYS`].
pub fn stress_text(code: &str) -> Text {
    let known: Vec<&str> = Stress::OVERLAYS.iter().map(|(c, _)| *c).collect();
    Text::new(
        format!("压力情景 {code} 不存在，可选：{}。", known.join(", ")),
        format!("Unknown stress overlay {code}; choose one of {}.", known.join(", ")),
    )
}

impl Options {
    /// A request checked against the limits of this module: `Ok` with the seed defaulted,
    /// or every field out of range named.
    pub fn checked(raw: RawOptions) -> Result<Options, OptionsError> {
        let mut problems = Vec::new();
        if !(TARGET_IRR_MIN..=TARGET_IRR_MAX).contains(&raw.target_irr) {
            problems.push((OptionsField::TargetIrr, target_irr_text()));
        }
        if raw.price_yuan.is_some_and(|p| !(p.is_finite() && p >= 0.0)) {
            problems.push((OptionsField::Price, price_text()));
        }
        if raw.scenarios > SCENARIOS_MAX {
            problems.push((OptionsField::Scenarios, scenarios_text()));
        }
        if let Some(code) = raw.stress.as_deref().filter(|s| Stress::by_code(s).is_none()) {
            problems.push((OptionsField::Stress, stress_text(code)));
        }
        if !problems.is_empty() {
            return Err(OptionsError { problems });
        }
        Ok(Options {
            target_irr: raw.target_irr,
            price: raw.price_yuan,
            scenarios: raw.scenarios,
            seed: raw.seed.unwrap_or(SEED_DEFAULT),
            stress: raw.stress,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw() -> RawOptions {
        RawOptions { target_irr: 0.15, price_yuan: None, scenarios: 0, seed: None, stress: None }
    }

    #[test]
    fn a_request_within_the_limits_passes_with_the_default_seed() {
        let o = Options::checked(RawOptions { scenarios: SCENARIOS_MAX, ..raw() }).unwrap();
        assert_eq!(o, Options { scenarios: SCENARIOS_MAX, ..Options::default() });
        for irr in [TARGET_IRR_MIN, TARGET_IRR_MAX] {
            assert!(Options::checked(RawOptions { target_irr: irr, ..raw() }).is_ok(), "{irr}");
        }
    }

    #[test]
    fn every_bad_field_is_named_at_once() {
        let bad = RawOptions {
            target_irr: TARGET_IRR_MAX + 0.01,
            price_yuan: Some(-1.0),
            scenarios: SCENARIOS_MAX + 1,
            seed: Some(1),
            stress: Some("mv-99".into()),
        };
        let e = Options::checked(bad).unwrap_err();
        use OptionsField::*;
        assert_eq!(e.fields(), vec![TargetIrr, Price, Scenarios, Stress]);
        assert!(e.message(huajie_core::Lang::Zh).contains("情景数应为 0 至 10000 的整数"), "{e}");
        assert!(e.message(huajie_core::Lang::En).contains("mv-99"), "{e}");
        for irr in [f64::NAN, TARGET_IRR_MIN - 0.01] {
            assert_eq!(
                Options::checked(RawOptions { target_irr: irr, ..raw() }).unwrap_err().fields(),
                vec![TargetIrr]
            );
        }
        assert_eq!(
            Options::checked(RawOptions { price_yuan: Some(f64::INFINITY), ..raw() }).unwrap_err().fields(),
            vec![Price]
        );
    }
}
