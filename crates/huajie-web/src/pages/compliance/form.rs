//! The compliance pages' forms as typed.

use serde::Deserialize;

/// The rule parameters' form as typed: a note, and each parameter by its field name in the
/// catalogue.
#[derive(Deserialize, Default)]
pub struct ParametersForm {
    #[serde(default)]
    pub(super) note: String,
    #[serde(flatten)]
    pub(super) params: std::collections::BTreeMap<String, String>,
}

/// The quarter-end to record.
#[derive(Deserialize)]
pub struct QuarterForm {
    #[serde(default)]
    pub(super) quarter: String,
}
