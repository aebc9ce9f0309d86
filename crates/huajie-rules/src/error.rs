//! What the indicators cannot be computed without.

use chrono::NaiveDate;
use huajie_core::Text;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RulesError {
    /// The net assets of this quarter-end are needed and not recorded.
    MissingNetAssets(NaiveDate),
}

impl RulesError {
    /// What is wrong, in both languages.
    pub fn text(&self) -> Text {
        match self {
            RulesError::MissingNetAssets(d) => {
                Text::new(format!("缺少 {d} 的季末净资产"), format!("net assets at quarter-end {d} are missing"))
            }
        }
    }
}

impl std::fmt::Display for RulesError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = self.text();
        write!(f, "{} / {}", text.zh, text.en)
    }
}
