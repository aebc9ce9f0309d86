//! Identifiers that cannot hold an invalid value: `Uscc` (GB 32100), `ResidentId`
//! (GB 11643), `RegionCode` (GB/T 2260) and `Province`. Check characters are verified
//! on construction, and every rejection says which character is wrong.

mod region;
mod resident_id;
mod uscc;

pub use region::{City, Province, RegionCode, province_of_address};
pub use resident_id::{Gender, ResidentId};
pub use uscc::Uscc;

use crate::lang::Lang;

/// Why a string is not a valid identifier. Positions are 1-based, as a person counts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("{kind}应为{expected}位，实际为{actual}位")]
    Length { kind: &'static str, expected: &'static str, actual: usize },
    /// `found` is `None` where the character lies in the part of a resident ID number that
    /// masking hides, so that a message never shows what the mask hides.
    #[error("{kind}第{position}位字符{}不合法（{allowed}）", quoted(*found))]
    BadChar { kind: &'static str, position: usize, found: Option<char>, allowed: &'static str },
    #[error("{kind}第{position}位校验码错误：应为“{expected}”，实际为“{found}”")]
    CheckChar { kind: &'static str, position: usize, expected: char, found: char },
    /// The birth date is not repeated: it is the part of the number that masking hides.
    #[error("{kind}第{position}位起的出生日期不是有效日期")]
    BirthDate { kind: &'static str, position: usize },
    #[error("{kind}第{position}位起的行政区划代码“{found}”不属于任何省份")]
    Region { kind: &'static str, position: usize, found: String },
}

impl IdError {
    /// The message in the user's language.
    pub fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::Zh => self.to_string(),
            Lang::En => {
                let en = |k: &str| match k {
                    "统一社会信用代码" => "unified social credit code",
                    "身份证号码" => "resident ID number",
                    _ => "region code",
                };
                match self {
                    IdError::Length { kind, expected, actual } => {
                        format!("the {} must have {expected} characters, it has {actual}", en(kind))
                    }
                    IdError::BadChar { kind, position, found, allowed } => format!(
                        "character {position} of the {}{} is not allowed ({})",
                        en(kind),
                        found.map(|c| format!(" (“{c}”)")).unwrap_or_default(),
                        allowed_en(allowed)
                    ),
                    IdError::CheckChar { kind, position, expected, found } => format!(
                        "check character {position} of the {} is wrong: expected “{expected}”, found “{found}”",
                        en(kind)
                    ),
                    IdError::BirthDate { kind, position } => {
                        format!(
                            "the birth date starting at character {position} of the {} is not a real date",
                            en(kind)
                        )
                    }
                    IdError::Region { kind, position, found } => format!(
                        "the region code “{found}” starting at character {position} of the {} names no province",
                        en(kind)
                    ),
                }
            }
        }
    }
}

fn quoted(found: Option<char>) -> String {
    found.map(|c| format!("“{c}”")).unwrap_or_default()
}

fn allowed_en(allowed: &str) -> &'static str {
    match allowed {
        "应为数字" => "must be a digit",
        "应为数字或X" => "must be a digit or X",
        _ => "must be a digit or one of the letters A–Y except I, O, S, V, Z",
    }
}
