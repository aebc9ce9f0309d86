//! The compliance pages' forms as typed.

use huajie_rules::RuleParameters;
use serde::{Deserialize, Serialize};

use crate::form::FieldErrors;
use crate::i18n::text;

/// The rule parameters' form as typed: a note, and each parameter by its field name in the
/// catalogue.
#[derive(Deserialize, Serialize, Default)]
pub struct ParametersForm {
    #[serde(default)]
    pub(super) note: String,
    #[serde(flatten)]
    pub(super) params: std::collections::BTreeMap<String, String>,
}

impl ParametersForm {
    /// The next version of `current` and its note, or every parameter that cannot be read or
    /// is out of range, a missing note, or (the form as a whole) that nothing was changed.
    pub(super) fn parse(&self, current: &RuleParameters) -> Result<(RuleParameters, String), FieldErrors> {
        let mut e = FieldErrors::default();
        let mut edited = current.clone();
        for info in huajie_rules::params::parameter_catalogue() {
            let Some(typed) = self.params.get(info.field) else { continue };
            if typed.trim() != edited.shown(info.field) {
                edited = e.check(info.field, edited.with(info.field, typed)).unwrap_or(edited);
            }
        }
        let note = self.note.trim().to_string();
        if e.is_empty() && edited == *current {
            e = FieldErrors::whole(text("rules.unchanged"));
        } else if note.is_empty() {
            e.add("note", text("rules.need_note"));
        }
        e.finish(|| Some((edited, note)))
    }
}

/// The quarter-end to record.
#[derive(Deserialize)]
pub struct QuarterForm {
    #[serde(default)]
    pub(super) quarter: String,
}
