//! Identifiers that cannot hold an invalid value: `Uscc` (GB 32100), `ResidentId`
//! (GB 11643), `RegionCode` (GB/T 2260) and `Province`. Check characters are verified
//! on construction, and every rejection says which character is wrong.
//!
//! An identifier is read after `compact`: spaces and hyphens inside it are removed (and a
//! rejection says so, since its positions then count without them), full-width characters
//! read as their ASCII forms.

mod region;
mod resident_id;
mod uscc;

pub use region::{City, Province, RegionCode, province_of_address};
pub use resident_id::{Gender, ResidentId};
pub use uscc::Uscc;

use crate::lang::{Lang, Text};

/// Which identifier was being read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdKind {
    Uscc,
    ResidentId,
    RegionCode,
}

impl IdKind {
    /// Its name in Chinese and in English.
    fn names(self) -> (&'static str, &'static str) {
        match self {
            IdKind::Uscc => ("统一社会信用代码", "unified social credit code"),
            IdKind::ResidentId => ("身份证号码", "resident ID number"),
            IdKind::RegionCode => ("行政区划代码", "region code"),
        }
    }

    pub fn name(self, lang: Lang) -> &'static str {
        let (zh, en) = self.names();
        lang.pick(zh, en)
    }
}

/// The characters a position may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Allowed {
    Digit,
    DigitOrX,
    /// GB 32100: digits and capitals without I, O, S, V, Z.
    UsccAlphabet,
}

impl Allowed {
    fn text(self) -> Text {
        match self {
            Allowed::Digit => Text::fixed("应为数字", "must be a digit"),
            Allowed::DigitOrX => Text::fixed("应为数字或X", "must be a digit or X"),
            Allowed::UsccAlphabet => Text::fixed(
                "应为数字或除I、O、S、V、Z外的大写字母",
                "must be a digit or one of the letters A–Y except I, O, S, V, Z",
            ),
        }
    }
}

/// The length an identifier must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Expected {
    Chars(usize),
    /// A resident ID: 18 characters, or a legacy number of 15.
    ResidentId,
}

/// What is wrong with the identifier. Positions are 1-based, as a person counts, in the
/// identifier as read (after `compact`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdFault {
    Length {
        expected: Expected,
        actual: usize,
    },
    /// `found` is `None` where the character lies in the part of a resident ID number that
    /// masking hides, so that a message never shows what the mask hides.
    BadChar {
        position: usize,
        found: Option<char>,
        allowed: Allowed,
    },
    /// The check character (GB 32100, GB 11643) is wrong.
    CheckChar {
        position: usize,
        expected: char,
        found: char,
    },
    /// The check character of the organisation code (GB 11714) inside a USCC, its 17th
    /// character, is wrong.
    OrgCodeCheck {
        position: usize,
        expected: char,
        found: char,
    },
    /// The birth date is not a real date. It is not repeated: it is the part of the number
    /// that masking hides.
    BirthDate {
        position: usize,
    },
    BornBefore1900 {
        position: usize,
    },
    BornInFuture {
        position: usize,
    },
    /// Not a division code that is, or was, in GB/T 2260.
    Region {
        position: usize,
        found: String,
    },
    /// A valid identifier of the other kind, where the field says which kind it must be.
    WrongKind {
        found: IdKind,
    },
}

/// Why a string is not a valid identifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdError {
    /// What it was read as.
    pub kind: IdKind,
    pub fault: IdFault,
    /// Spaces or hyphens inside it were removed before it was checked.
    pub separators_removed: bool,
    /// Read by its form alone, it is a resident ID number with a fault, although it would
    /// pass as a USCC: it is not taken for one (a person is never guessed into a company).
    pub not_taken_as_uscc: bool,
}

impl IdError {
    pub(crate) fn new(kind: IdKind, fault: IdFault) -> IdError {
        IdError { kind, fault, separators_removed: false, not_taken_as_uscc: false }
    }

    /// How far the reading got before it failed.
    pub(crate) fn progress(&self) -> u8 {
        match self.fault {
            IdFault::Length { .. } => 0,
            IdFault::BadChar { .. } => 1,
            IdFault::Region { .. }
            | IdFault::BirthDate { .. }
            | IdFault::BornBefore1900 { .. }
            | IdFault::BornInFuture { .. } => 2,
            IdFault::CheckChar { .. } | IdFault::OrgCodeCheck { .. } | IdFault::WrongKind { .. } => 3,
        }
    }

    /// What is wrong, in both languages, each written in its own words (never translated).
    pub fn text(&self) -> Text {
        let fault = self.fault.text(self.kind);
        let (mut zh, mut en) = (fault.zh.into_owned(), fault.en.into_owned());
        if self.not_taken_as_uscc {
            zh.push_str("；该号码形似身份证号码，不作为统一社会信用代码接受（如确为单位的代码，请注明客户类型为对公）");
            en.push_str(
                "; it reads as a resident ID number, so it is not taken as a unified social credit code (if it is an organisation's, give the party's kind as corporate)",
            );
        }
        if self.separators_removed {
            zh.push_str("（已去除其中的空格和连字符，位数按去除后计）");
            en.push_str(" (spaces and hyphens in it were removed; positions count without them)");
        }
        Text::new(zh, en)
    }

    /// The message in the user's language: Chinese alone, or English alone.
    pub fn message(&self, lang: Lang) -> String {
        self.text().get(lang).to_string()
    }
}

impl IdFault {
    /// The fault in an identifier of `kind`, in both languages side by side.
    fn text(&self, kind: IdKind) -> Text {
        let (k, kind) = kind.names();
        match self {
            IdFault::Length { expected, actual } => {
                let (zh, en) = match expected {
                    Expected::Chars(n) => (format!("{n}位"), format!("{n} characters")),
                    Expected::ResidentId => {
                        ("18位（或旧版15位）".into(), "18 characters (or 15, the legacy form)".into())
                    }
                };
                Text::new(
                    format!("{k}应为{zh}，实际为{actual}位"),
                    format!("the {kind} must have {en}, it has {actual}"),
                )
            }
            IdFault::BadChar { position, found, allowed } => {
                let allowed = allowed.text();
                let zh = found.map(|c| format!("“{c}”")).unwrap_or_default();
                // A character outside ASCII is named by its code point: an English message
                // carries no Chinese, even the user's own.
                let en = match found {
                    Some(c) if c.is_ascii_graphic() => format!(" (“{c}”)"),
                    Some(c) => format!(" (U+{:04X})", u32::from(*c)),
                    None => String::new(),
                };
                Text::new(
                    format!("{k}第{position}位字符{zh}不合法（{}）", allowed.zh),
                    format!("character {position} of the {kind}{en} is not allowed ({})", allowed.en),
                )
            }
            IdFault::CheckChar { position, expected, found } => Text::new(
                format!("{k}第{position}位校验码错误：应为“{expected}”，实际为“{found}”"),
                format!("check character {position} of the {kind} is wrong: expected “{expected}”, found “{found}”"),
            ),
            IdFault::OrgCodeCheck { position, expected, found } => Text::new(
                format!("{k}第{position}位（所含组织机构代码的校验码）错误：应为“{expected}”，实际为“{found}”"),
                format!(
                    "character {position} of the {kind}, the check character of the organisation code it holds, is wrong: expected “{expected}”, found “{found}”"
                ),
            ),
            IdFault::BirthDate { position } => Text::new(
                format!("{k}第{position}位起的出生日期不是有效日期"),
                format!("the birth date starting at character {position} of the {kind} is not a real date"),
            ),
            IdFault::BornBefore1900 { position } => Text::new(
                format!("{k}第{position}位起的出生日期早于1900年"),
                format!("the birth date starting at character {position} of the {kind} is before 1900"),
            ),
            IdFault::BornInFuture { position } => Text::new(
                format!("{k}第{position}位起的出生日期晚于今天"),
                format!("the birth date starting at character {position} of the {kind} is after today"),
            ),
            IdFault::Region { position, found } => Text::new(
                format!("{k}第{position}位起的行政区划代码“{found}”不是现行或曾用的区划代码"),
                format!(
                    "the region code “{found}” starting at character {position} of the {kind} is neither a current nor a former division code"
                ),
            ),
            IdFault::WrongKind { found } => {
                let (found_zh, found_en) = found.names();
                Text::new(
                    format!("应为{k}，所填却是有效的{found_zh}"),
                    format!("a {kind} is expected here, but this is a valid {found_en}"),
                )
            }
        }
    }
}

impl std::fmt::Display for IdError {
    /// The Chinese message (`message(Lang::Zh)`).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text().zh)
    }
}

impl std::error::Error for IdError {}

/// An identifier as it is checked: trimmed, spaces and hyphens inside it removed (the second
/// value says whether there were any), full-width characters read as ASCII.
pub fn compact(s: &str) -> (String, bool) {
    let mut removed = false;
    let mut out = String::with_capacity(s.len());
    for c in s.trim().chars() {
        let c = match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
            _ => c,
        };
        if c.is_whitespace() || matches!(c, '-' | '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE63}') {
            removed = true;
        } else {
            out.push(c);
        }
    }
    (out, removed)
}

/// A search as it is matched against identifiers: an ID number as people write it
/// (`110105 19491231 002X`, `9144-0300-…`, part of one) without its spaces and hyphens, when
/// nothing but letters and digits is left, mostly digits; any other text (a name, `3M China`)
/// as typed, trimmed.
pub fn search_form(query: &str) -> String {
    let (compacted, _) = compact(query);
    let digits = compacted.bytes().filter(u8::is_ascii_digit).count();
    if digits >= 4 && digits * 2 >= compacted.len() && compacted.bytes().all(|b| b.is_ascii_alphanumeric()) {
        compacted.to_ascii_uppercase()
    } else {
        query.trim().to_string()
    }
}

/// Runs a reading on the compacted form of `s`, and marks its error when separators were removed.
pub(crate) fn on_compact<T>(s: &str, read: impl FnOnce(&str) -> Result<T, IdError>) -> Result<T, IdError> {
    let (t, removed) = compact(s);
    read(&t).map_err(|mut e| {
        e.separators_removed |= removed;
        e
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has_han(s: &str) -> bool {
        s.chars().any(|c| ('\u{3000}'..='\u{9FFF}').contains(&c) || ('\u{FF00}'..='\u{FFEF}').contains(&c))
    }

    #[test]
    fn compact_removes_spaces_and_hyphens_and_says_so() {
        assert_eq!(compact(" 110105 19491231 002X "), ("11010519491231002X".into(), true));
        assert_eq!(compact("9144-0300-7084-6113-6T"), ("91440300708461136T".into(), true));
        assert_eq!(compact("９１４４０３００７０８４６１１３６Ｔ"), ("91440300708461136T".into(), false));
        assert_eq!(compact("  91440300708461136T\t"), ("91440300708461136T".into(), false));
        assert_eq!(compact("110105\u{3000}19491231—002X"), ("11010519491231002X".into(), true));
    }

    #[test]
    fn a_search_for_a_number_drops_its_separators_and_a_name_is_left_alone() {
        assert_eq!(search_form(" 110105 1949-1231 "), "11010519491231");
        assert_eq!(search_form("9144-0300-7084"), "914403007084");
        assert_eq!(search_form("11010519491231002x"), "11010519491231002X");
        assert_eq!(search_form(" 欧阳 娜 "), "欧阳 娜");
        assert_eq!(search_form("杭州某某有限公司"), "杭州某某有限公司");
        assert_eq!(search_form("3M China Co"), "3M China Co");
    }

    /// One of each fault, and of each way a fault is told apart (an expected length, a
    /// character shown or hidden, ASCII or not, each kind found).
    fn every_fault() -> Vec<IdFault> {
        let faults = vec![
            IdFault::Length { expected: Expected::ResidentId, actual: 10 },
            IdFault::Length { expected: Expected::Chars(18), actual: 4 },
            IdFault::BadChar { position: 3, found: Some('中'), allowed: Allowed::Digit },
            IdFault::BadChar { position: 3, found: Some('O'), allowed: Allowed::UsccAlphabet },
            IdFault::BadChar { position: 9, found: None, allowed: Allowed::DigitOrX },
            IdFault::CheckChar { position: 18, expected: 'X', found: '1' },
            IdFault::OrgCodeCheck { position: 17, expected: '6', found: 'X' },
            IdFault::BirthDate { position: 7 },
            IdFault::BornBefore1900 { position: 7 },
            IdFault::BornInFuture { position: 7 },
            IdFault::Region { position: 1, found: "990105".into() },
            IdFault::WrongKind { found: IdKind::ResidentId },
            IdFault::WrongKind { found: IdKind::Uscc },
        ];
        // A fault added to `IdFault` fails to compile here until it is listed above.
        for f in &faults {
            match f {
                IdFault::Length { .. }
                | IdFault::BadChar { .. }
                | IdFault::CheckChar { .. }
                | IdFault::OrgCodeCheck { .. }
                | IdFault::BirthDate { .. }
                | IdFault::BornBefore1900 { .. }
                | IdFault::BornInFuture { .. }
                | IdFault::Region { .. }
                | IdFault::WrongKind { .. } => {}
            }
        }
        faults
    }

    #[test]
    fn every_error_has_its_text_in_each_language_and_each_in_one_language() {
        for kind in [IdKind::Uscc, IdKind::ResidentId, IdKind::RegionCode] {
            for fault in every_fault() {
                for (separators_removed, not_taken_as_uscc) in
                    [(false, false), (true, false), (false, true), (true, true)]
                {
                    let e = IdError { kind, fault: fault.clone(), separators_removed, not_taken_as_uscc };
                    let text = e.text();
                    assert_eq!((e.message(Lang::Zh), e.message(Lang::En)), (text.zh.to_string(), text.en.to_string()));
                    assert_eq!(e.to_string(), text.zh);
                    // English: words, and no Chinese at all (a Chinese character typed is named by its code point).
                    assert!(text.en.chars().filter(|c| c.is_ascii_alphabetic()).count() > 10, "{}", text.en);
                    assert!(!has_han(&text.en), "Chinese in an English message: {}", text.en);
                    // Chinese: no English words, only the characters of identifiers.
                    let words: Vec<&str> =
                        text.zh.split(|c: char| !c.is_ascii_alphabetic()).filter(|w| w.len() > 1).collect();
                    assert!(words.is_empty(), "English in a Chinese message: {} ({words:?})", text.zh);
                    assert!(has_han(&text.zh), "{}", text.zh);
                }
            }
        }
    }
}
