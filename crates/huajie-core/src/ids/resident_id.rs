//! 公民身份号码 (resident identity number), GB 11643-1999.
//!
//! 18 characters: 1–6 the region code of first registration (GB/T 2260), 7–14 the birth
//! date YYYYMMDD, 15–17 a sequence number (odd for men, even for women), 18 the check
//! character (ISO 7064 MOD 11-2: 0–9 or X). Legacy 15-digit numbers (YYMMDD, born in the
//! 1900s, no check character) are upgraded on parsing. The residence permits for residents
//! of Hong Kong, Macao and Taiwan carry numbers of the same form, opening with 810000, 820000
//! or 830000.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::{Allowed, Expected, IdError, IdFault, IdKind, Province, RegionCode, on_compact};

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK: &[u8; 11] = b"10X98765432";
/// No resident alive when numbers were first issued (1984) was born before this year.
const BORN_FROM: i32 = 1900;

/// A resident ID number in its 18-character form, check character verified.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ResidentId(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gender {
    Male,
    Female,
}

/// Which checks a reading makes.
#[derive(Debug, Clone, Copy)]
enum Rules {
    /// A number entered now: its region is a current or former division code (or a
    /// residence-permit prefix), its birth date from 1900 and not after `today`.
    Entry { today: NaiveDate },
    /// A number Huajie stored, checked when it was entered under the rules of its time.
    Stored,
}

fn err(fault: IdFault) -> IdError {
    IdError::new(IdKind::ResidentId, fault)
}

impl ResidentId {
    /// Parses an 18-character number, or upgrades a 15-digit legacy one, as of `today` (a
    /// birth date may not lie after it). Spaces and hyphens inside it are removed first.
    pub fn parse(s: &str, today: NaiveDate) -> Result<ResidentId, IdError> {
        on_compact(s, |t| read(t, Rules::Entry { today }))
    }

    /// Reads a number as Huajie stored it. It was checked when it was entered; its form and
    /// check character are checked again, but not against the division table or today's date,
    /// so that a stricter rule never makes a stored record unreadable.
    pub fn read_stored(s: &str) -> Result<ResidentId, IdError> {
        read(s.trim(), Rules::Stored)
    }

    /// Builds a number from its first 17 digits by adding the check character. For
    /// generators and tests: every check of `parse` is made but that of the date.
    pub fn with_check_char(first17: &str) -> Result<ResidentId, IdError> {
        let chars: Vec<char> = first17.chars().collect();
        if chars.len() != 17 {
            return Err(err(IdFault::Length { expected: Expected::Chars(17), actual: chars.len() }));
        }
        check_digits(&chars, 18)?;
        ResidentId::parse(&format!("{first17}{}", check_char(first17)), NaiveDate::MAX)
    }

    /// Whether a string, read by its form alone, is a resident ID number, right or wrong:
    /// 18 characters whose first 17 are digits, opening with a current or former division
    /// code (or a residence-permit prefix) and a real birth date from 1900; or one that a
    /// single mistyped character, or two neighbours swapped, made from a valid number. Such a
    /// string is never taken for a USCC, whatever its check characters say.
    pub(crate) fn resembles(t: &str) -> bool {
        let b = t.as_bytes();
        if b.len() != 18 || b[..17].iter().filter(|c| !c.is_ascii_digit()).count() > 1 {
            return false;
        }
        if has_its_form(b) {
            return true;
        }
        // Without the form, only a change among the region and the birth date (characters
        // 1–14) can give a valid number.
        let mut v = b.to_vec();
        for i in 0..14 {
            let was = v[i];
            for d in b"0123456789".iter().copied().filter(|d| *d != was) {
                v[i] = d;
                if is_valid(&v) {
                    return true;
                }
            }
            v[i] = was;
        }
        for i in 0..14 {
            v.swap(i, i + 1);
            if is_valid(&v) {
                return true;
            }
            v.swap(i, i + 1);
        }
        false
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The division code of first registration (or a residence permit's prefix).
    pub fn region(&self) -> RegionCode {
        RegionCode::of_stored(self.0[..6].parse().expect("digits")).expect("checked on construction")
    }

    pub fn province(&self) -> Province {
        self.region().province()
    }

    pub fn birth_date(&self) -> NaiveDate {
        NaiveDate::parse_from_str(&self.0[6..14], "%Y%m%d").expect("checked on construction")
    }

    pub fn gender(&self) -> Gender {
        let seq = self.0.as_bytes()[16] - b'0';
        if seq % 2 == 1 { Gender::Male } else { Gender::Female }
    }
}

/// The first 17 characters are digits, opening with a known region code and a real birth
/// date from 1900.
fn has_its_form(b: &[u8]) -> bool {
    let number = |r: std::ops::Range<usize>| b[r].iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0'));
    b.len() == 18
        && b[..17].iter().all(u8::is_ascii_digit)
        && RegionCode::is_known(number(0..6))
        && i32::try_from(number(6..10))
            .is_ok_and(|y| y >= BORN_FROM && NaiveDate::from_ymd_opt(y, number(10..12), number(12..14)).is_some())
}

/// Has the form, and the right check character (upper-case X).
fn is_valid(b: &[u8]) -> bool {
    has_its_form(b) && std::str::from_utf8(&b[..17]).is_ok_and(|t| check_char(t) as u8 == b[17])
}

fn read(s: &str, rules: Rules) -> Result<ResidentId, IdError> {
    let chars: Vec<char> = s.chars().collect();
    match chars.len() {
        18 => {
            check_digits(&chars[..17], 18)?;
            let last = chars[17].to_ascii_uppercase();
            if !(last.is_ascii_digit() || last == 'X') {
                return Err(err(IdFault::BadChar { position: 18, found: Some(chars[17]), allowed: Allowed::DigitOrX }));
            }
            check_body(&s[..17], rules)?;
            let expected = check_char(&s[..17]);
            if expected != last {
                return Err(err(IdFault::CheckChar { position: 18, expected, found: chars[17] }));
            }
            Ok(ResidentId(format!("{}{last}", &s[..17])))
        }
        15 => {
            check_digits(&chars, 15)?;
            let body = format!("{}19{}", &s[..6], &s[6..15]);
            check_body(&body, rules)?;
            Ok(ResidentId(format!("{body}{}", check_char(&body))))
        }
        n => Err(err(IdFault::Length { expected: Expected::ResidentId, actual: n })),
    }
}

/// Every character must be a digit. A wrong one is named unless it lies in the part of a
/// number of `length` characters that masking hides (`mask::mask_id_number`).
fn check_digits(chars: &[char], length: usize) -> Result<(), IdError> {
    match chars.iter().position(|c| !c.is_ascii_digit()) {
        Some(i) => {
            let hidden = i >= 6 && i + 4 < length;
            Err(err(IdFault::BadChar {
                position: i + 1,
                found: (!hidden).then_some(chars[i]),
                allowed: Allowed::Digit,
            }))
        }
        None => Ok(()),
    }
}

/// The region prefix is a division code and the birth date a real date in range.
fn check_body(body17: &str, rules: Rules) -> Result<(), IdError> {
    let code: u32 = body17[..6].parse().expect("digits");
    let region_ok = match rules {
        Rules::Entry { .. } => RegionCode::is_known(code),
        Rules::Stored => RegionCode::of_stored(code).is_some(),
    };
    if !region_ok {
        return Err(err(IdFault::Region { position: 1, found: body17[..6].to_string() }));
    }
    let position = 7;
    let Ok(birth) = NaiveDate::parse_from_str(&body17[6..14], "%Y%m%d") else {
        return Err(err(IdFault::BirthDate { position }));
    };
    match rules {
        Rules::Entry { today } => {
            if birth.year() < BORN_FROM {
                return Err(err(IdFault::BornBefore1900 { position }));
            }
            if birth > today {
                return Err(err(IdFault::BornInFuture { position }));
            }
        }
        // Stored before issue 19 under the rule of its time: a real date from 1850.
        Rules::Stored if birth.year() < 1850 => return Err(err(IdFault::BirthDate { position })),
        Rules::Stored => {}
    }
    Ok(())
}

fn check_char(first17: &str) -> char {
    let sum: u32 = first17.bytes().zip(WEIGHTS).map(|(b, w)| u32::from(b - b'0') * w).sum();
    char::from(CHECK[(sum % 11) as usize])
}

impl fmt::Display for ResidentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Deserialising reads a number as stored (`read_stored`): JSON Huajie wrote holds numbers it
/// checked when they were entered.
impl TryFrom<String> for ResidentId {
    type Error = IdError;
    fn try_from(s: String) -> Result<ResidentId, IdError> {
        ResidentId::read_stored(&s)
    }
}

impl From<ResidentId> for String {
    fn from(r: ResidentId) -> String {
        r.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Lang;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
    }

    fn parse(s: &str) -> Result<ResidentId, IdError> {
        ResidentId::parse(s, today())
    }

    #[test]
    fn the_published_example_validates() {
        let id = parse("11010519491231002X").unwrap();
        assert_eq!(id.birth_date(), NaiveDate::from_ymd_opt(1949, 12, 31).unwrap());
        assert_eq!(id.gender(), Gender::Female);
        assert_eq!(id.province().name_zh(), "北京市");
        assert_eq!(parse("11010519491231002x").unwrap().as_str(), "11010519491231002X");
    }

    #[test]
    fn names_the_wrong_character() {
        let e = parse("110105194912310021").unwrap_err();
        assert_eq!(e, err(IdFault::CheckChar { position: 18, expected: 'X', found: '1' }));
        assert_eq!(e.to_string(), "身份证号码第18位校验码错误：应为“X”，实际为“1”");
        let e = parse("1101051949123100AX").unwrap_err();
        assert!(matches!(e.fault, IdFault::BadChar { position: 17, found: Some('A'), .. }), "{e:?}");
        let e = parse("11010519491331002X").unwrap_err();
        assert!(matches!(e.fault, IdFault::BirthDate { position: 7 }), "{e:?}");
        let e = parse("99010519491231002X").unwrap_err();
        assert!(matches!(e.fault, IdFault::Region { .. }), "{e:?}");
        assert!(matches!(parse("1101051949").unwrap_err().fault, IdFault::Length { actual: 10, .. }));
        assert_eq!(parse("1101051949").unwrap_err().to_string(), "身份证号码应为18位（或旧版15位），实际为10位");
    }

    #[test]
    fn the_birth_date_lies_between_1900_and_today() {
        let on = |date: &str| ResidentId::with_check_char(&format!("330106{date}001")).map(|id| id.to_string());
        let born_today = on("20261201").unwrap();
        assert!(parse(&born_today).is_ok(), "born today");
        let tomorrow = on("20261202").unwrap();
        let e = parse(&tomorrow).unwrap_err();
        assert_eq!(e.fault, IdFault::BornInFuture { position: 7 });
        assert_eq!(
            e.message(Lang::En),
            "the birth date starting at character 7 of the resident ID number is after today"
        );
        assert!(ResidentId::parse(&tomorrow, NaiveDate::from_ymd_opt(2026, 12, 2).unwrap()).is_ok());
        let e = ResidentId::with_check_char("33010618991231001").unwrap_err();
        assert_eq!(e.fault, IdFault::BornBefore1900 { position: 7 });
        assert!(on("19000101").is_ok());
        // Neither message repeats the date: it is what masking hides.
        for m in [e.message(Lang::Zh), e.message(Lang::En), parse(&tomorrow).unwrap_err().to_string()] {
            assert!(!m.contains("1899") && !m.contains("2026"), "{m}");
        }
    }

    #[test]
    fn the_region_must_be_a_current_or_former_division_code() {
        // 崇文区 (110103) was merged into 东城区 in 2010; its residents keep their numbers.
        let chongwen = ResidentId::with_check_char("11010319650412002").unwrap();
        assert!(!chongwen.region().is_current());
        assert_eq!(chongwen.province().name_zh(), "北京市");
        // 339999 never existed, though 33 is Zhejiang.
        let e = ResidentId::with_check_char("33999919650412002").unwrap_err();
        assert_eq!(e.fault, IdFault::Region { position: 1, found: "339999".into() });
        assert!(e.to_string().contains("不是现行或曾用的区划代码"), "{e}");
    }

    #[test]
    fn residence_permits_of_hong_kong_macao_and_taiwan_residents_are_read_alike() {
        for (prefix, province) in [("810000", "香港特别行政区"), ("820000", "澳门特别行政区"), ("830000", "台湾省")]
        {
            let id = ResidentId::with_check_char(&format!("{prefix}19900101001"))
                .unwrap_or_else(|e| panic!("{prefix}: {e}"));
            let id = parse(id.as_str()).unwrap();
            assert!(id.region().is_residence_permit());
            assert_eq!(id.province().name_zh(), province);
        }
    }

    #[test]
    fn spaces_and_hyphens_are_removed_and_the_message_says_so() {
        assert_eq!(parse("110105 19491231 002X").unwrap().as_str(), "11010519491231002X");
        assert_eq!(parse("110105-19491231-002X").unwrap().as_str(), "11010519491231002X");
        let e = parse("110105 19491231 0021").unwrap_err();
        assert!(e.separators_removed);
        assert_eq!(
            e.to_string(),
            "身份证号码第18位校验码错误：应为“X”，实际为“1”（已去除其中的空格和连字符，位数按去除后计）"
        );
        assert!(e.message(Lang::En).ends_with("(spaces and hyphens in it were removed; positions count without them)"));
        assert!(!parse("110105194912310021").unwrap_err().separators_removed);
    }

    #[test]
    fn stored_numbers_are_read_under_the_rules_of_their_time() {
        // Accepted before issue 19: born in 1880, region 339999 (a province's prefix only).
        let old = format!("33999918800101001{}", check_char("33999918800101001"));
        assert!(parse(&old).is_err());
        let stored = ResidentId::read_stored(&old).unwrap();
        assert_eq!(stored.province().name_zh(), "浙江省");
        let json = serde_json::to_string(&stored).unwrap();
        assert_eq!(serde_json::from_str::<ResidentId>(&json).unwrap(), stored);
        assert!(ResidentId::read_stored("110105194912310021").is_err(), "the check character still counts");
    }

    #[test]
    fn legacy_fifteen_digit_numbers_are_upgraded() {
        // 110105491231002 is the 15-digit form of the published example above.
        let id = parse("110105491231002").unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        let e = parse("110105491331002").unwrap_err();
        assert!(matches!(e.fault, IdFault::BirthDate { .. }), "{e:?}");
    }

    #[test]
    fn messages_never_show_what_masking_hides() {
        // Characters 7–14 (the birth date) are what `mask_id_number` hides; 7–11 of a legacy number.
        for (bad, hidden) in [
            ("11010519491331002X", "19491331"),
            ("110105194A1231002X", "194A1231"),
            ("110105491331002", "49133"),
            ("1101054912A1002", "4912A"),
        ] {
            let e = parse(bad).unwrap_err();
            for lang in [crate::Lang::Zh, crate::Lang::En] {
                let m = e.message(lang);
                assert!(!m.contains(hidden) && !m.contains("“A”"), "{bad}: {m}");
            }
            assert_eq!(crate::mask::mask_id_number(bad).matches('*').count(), hidden.len(), "{bad}");
        }
        let e = parse("1101051949123100AX").unwrap_err();
        assert!(e.to_string().contains("第17位字符“A”"), "a character the mask shows is named: {e}");
    }

    #[test]
    fn check_char_completes_a_number() {
        assert_eq!(ResidentId::with_check_char("11010519491231002").unwrap().as_str(), "11010519491231002X");
    }
}
