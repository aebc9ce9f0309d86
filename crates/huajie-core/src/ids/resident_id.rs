//! 公民身份号码 (resident identity number), GB 11643-1999.
//!
//! 18 characters: 1–6 the region code of first registration (GB/T 2260), 7–14 the birth
//! date YYYYMMDD, 15–17 a sequence number (odd for men, even for women), 18 the check
//! character (ISO 7064 MOD 11-2: 0–9 or X). Legacy 15-digit numbers (YYMMDD, born in the
//! 1900s, no check character) are upgraded on parsing.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::{IdError, Province, RegionCode};

const KIND: &str = "身份证号码";
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK: &[u8; 11] = b"10X98765432";

/// A resident ID number in its 18-character form, check character verified.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ResidentId(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gender {
    Male,
    Female,
}

impl ResidentId {
    /// Parses an 18-character number, or upgrades a 15-digit legacy one.
    pub fn parse(s: &str) -> Result<ResidentId, IdError> {
        let s = s.trim();
        let chars: Vec<char> = s.chars().collect();
        match chars.len() {
            18 => {
                check_digits(&chars[..17], 18)?;
                let last = chars[17].to_ascii_uppercase();
                if !(last.is_ascii_digit() || last == 'X') {
                    return Err(IdError::BadChar {
                        kind: KIND,
                        position: 18,
                        found: Some(chars[17]),
                        allowed: "应为数字或X",
                    });
                }
                check_body(&s[..17])?;
                let expected = check_char(&s[..17]);
                if expected != last {
                    return Err(IdError::CheckChar { kind: KIND, position: 18, expected, found: chars[17] });
                }
                Ok(ResidentId(format!("{}{last}", &s[..17])))
            }
            15 => {
                check_digits(&chars, 15)?;
                let body = format!("{}19{}", &s[..6], &s[6..15]);
                check_body(&body)?;
                Ok(ResidentId(format!("{body}{}", check_char(&body))))
            }
            n => Err(IdError::Length { kind: KIND, expected: "18（或旧版15）", actual: n }),
        }
    }

    /// Builds a number from its first 17 digits by adding the check character.
    pub fn with_check_char(first17: &str) -> Result<ResidentId, IdError> {
        let chars: Vec<char> = first17.chars().collect();
        if chars.len() != 17 {
            return Err(IdError::Length { kind: KIND, expected: "17", actual: chars.len() });
        }
        check_digits(&chars, 18)?;
        ResidentId::parse(&format!("{first17}{}", check_char(first17)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn region(&self) -> RegionCode {
        RegionCode::parse(&self.0[..6]).expect("checked on construction")
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

/// Every character must be a digit. A wrong one is named unless it lies in the part of a
/// number of `length` characters that masking hides (`mask::mask_id_number`).
fn check_digits(chars: &[char], length: usize) -> Result<(), IdError> {
    match chars.iter().position(|c| !c.is_ascii_digit()) {
        Some(i) => {
            let hidden = i >= 6 && i + 4 < length;
            Err(IdError::BadChar {
                kind: KIND,
                position: i + 1,
                found: (!hidden).then_some(chars[i]),
                allowed: "应为数字",
            })
        }
        None => Ok(()),
    }
}

/// The region prefix names a province and the birth date is a real date from 1850 on.
fn check_body(body17: &str) -> Result<(), IdError> {
    if RegionCode::parse(&body17[..6]).is_err() {
        return Err(IdError::Region { kind: KIND, position: 1, found: body17[..6].to_string() });
    }
    let birth = &body17[6..14];
    let ok = NaiveDate::parse_from_str(birth, "%Y%m%d").map(|d| d.year() >= 1850).unwrap_or(false);
    if !ok {
        return Err(IdError::BirthDate { kind: KIND, position: 7 });
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

impl FromStr for ResidentId {
    type Err = IdError;
    fn from_str(s: &str) -> Result<ResidentId, IdError> {
        ResidentId::parse(s)
    }
}

impl TryFrom<String> for ResidentId {
    type Error = IdError;
    fn try_from(s: String) -> Result<ResidentId, IdError> {
        ResidentId::parse(&s)
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

    #[test]
    fn the_published_example_validates() {
        let id = ResidentId::parse("11010519491231002X").unwrap();
        assert_eq!(id.birth_date(), NaiveDate::from_ymd_opt(1949, 12, 31).unwrap());
        assert_eq!(id.gender(), Gender::Female);
        assert_eq!(id.province().name_zh(), "北京市");
        assert_eq!(ResidentId::parse("11010519491231002x").unwrap().as_str(), "11010519491231002X");
    }

    #[test]
    fn names_the_wrong_character() {
        let e = ResidentId::parse("110105194912310021").unwrap_err();
        assert_eq!(e, IdError::CheckChar { kind: KIND, position: 18, expected: 'X', found: '1' });
        assert_eq!(e.to_string(), "身份证号码第18位校验码错误：应为“X”，实际为“1”");
        let e = ResidentId::parse("1101051949123100AX").unwrap_err();
        assert!(matches!(e, IdError::BadChar { position: 17, found: Some('A'), .. }), "{e:?}");
        let e = ResidentId::parse("11010519491331002X").unwrap_err();
        assert!(matches!(e, IdError::BirthDate { position: 7, .. }), "{e:?}");
        let e = ResidentId::parse("99010519491231002X").unwrap_err();
        assert!(matches!(e, IdError::Region { .. }), "{e:?}");
        assert!(matches!(ResidentId::parse("1101051949").unwrap_err(), IdError::Length { actual: 10, .. }));
    }

    #[test]
    fn legacy_fifteen_digit_numbers_are_upgraded() {
        // 110105491231002 is the 15-digit form of the published example above.
        let id = ResidentId::parse("110105491231002").unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        let e = ResidentId::parse("110105491331002").unwrap_err();
        assert!(matches!(e, IdError::BirthDate { .. }), "{e:?}");
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
            let e = ResidentId::parse(bad).unwrap_err();
            for lang in [crate::Lang::Zh, crate::Lang::En] {
                let m = e.message(lang);
                assert!(!m.contains(hidden) && !m.contains("“A”"), "{bad}: {m}");
            }
            assert_eq!(crate::mask::mask_id_number(bad).matches('*').count(), hidden.len(), "{bad}");
        }
        let e = ResidentId::parse("1101051949123100AX").unwrap_err();
        assert!(e.to_string().contains("第17位字符“A”"), "a character the mask shows is named: {e}");
    }

    #[test]
    fn check_char_completes_a_number() {
        assert_eq!(ResidentId::with_check_char("11010519491231002").unwrap().as_str(), "11010519491231002X");
    }
}
