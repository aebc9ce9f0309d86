//! 统一社会信用代码 (unified social credit code), GB 32100-2015.
//!
//! 18 characters from a 31-character alphabet (digits and capitals without I, O, S, V, Z):
//! 1 registration authority, 2 organisation type, 3–8 the registering authority's region
//! code (GB/T 2260, or `100000` for the national registration authorities, as on the
//! licences of the large state banks), 9–17 the organisation code, 18 a check character
//! (weights 3^(i) mod 31).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::{IdError, Province, RegionCode};

const KIND: &str = "统一社会信用代码";
const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ALLOWED: &str = "应为数字或除I、O、S、V、Z外的大写字母";
/// Characters 3–8 of organisations registered by a national authority (e.g. the SAMR).
pub const NATIONAL_REGION: &str = "100000";

/// A unified social credit code whose check character is right.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Uscc(String);

impl Uscc {
    pub fn parse(s: &str) -> Result<Uscc, IdError> {
        let s = s.trim();
        let chars: Vec<char> = s.chars().collect();
        if chars.len() != 18 {
            return Err(IdError::Length { kind: KIND, expected: "18", actual: chars.len() });
        }
        let mut values = [0u32; 18];
        for (i, ch) in chars.iter().enumerate() {
            let up = ch.to_ascii_uppercase();
            let pos = ALPHABET.iter().position(|b| char::from(*b) == up).ok_or(IdError::BadChar {
                kind: KIND,
                position: i + 1,
                found: Some(*ch),
                allowed: ALLOWED,
            })?;
            values[i] = pos as u32;
        }
        let region = &s[2..8];
        if !region.bytes().all(|b| b.is_ascii_digit())
            || (region != NATIONAL_REGION && RegionCode::parse(region).is_err())
        {
            return Err(IdError::Region { kind: KIND, position: 3, found: region.to_string() });
        }
        let expected = check_char(&values[..17]);
        let found = chars[17].to_ascii_uppercase();
        if expected != found {
            return Err(IdError::CheckChar { kind: KIND, position: 18, expected, found: chars[17] });
        }
        Ok(Uscc(s.to_ascii_uppercase()))
    }

    /// Builds a code from its first 17 characters by adding the check character.
    /// For generators and tests; the 17 characters must be from the alphabet.
    pub fn with_check_char(first17: &str) -> Result<Uscc, IdError> {
        let mut values = Vec::with_capacity(17);
        for (i, ch) in first17.chars().enumerate() {
            let pos = ALPHABET.iter().position(|b| char::from(*b) == ch).ok_or(IdError::BadChar {
                kind: KIND,
                position: i + 1,
                found: Some(ch),
                allowed: ALLOWED,
            })?;
            values.push(pos as u32);
        }
        if values.len() != 17 {
            return Err(IdError::Length { kind: KIND, expected: "17", actual: values.len() });
        }
        Uscc::parse(&format!("{first17}{}", check_char(&values)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Characters 3–8: the region code of the registering authority; `None` for a
    /// national registration (`100000`).
    pub fn region(&self) -> Option<RegionCode> {
        RegionCode::parse(&self.0[2..8]).ok()
    }

    /// Registered by a national authority: the code names no province.
    pub fn is_national(&self) -> bool {
        &self.0[2..8] == NATIONAL_REGION
    }

    /// The province of the registering authority; `None` for a national registration.
    pub fn province(&self) -> Option<Province> {
        self.region().map(RegionCode::province)
    }
}

fn check_char(first17: &[u32]) -> char {
    let sum: u32 = first17.iter().zip(WEIGHTS).map(|(v, w)| v * w).sum();
    let c = (31 - sum % 31) % 31;
    char::from(ALPHABET[c as usize])
}

impl fmt::Display for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Uscc {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Uscc, IdError> {
        Uscc::parse(s)
    }
}

impl TryFrom<String> for Uscc {
    type Error = IdError;
    fn try_from(s: String) -> Result<Uscc, IdError> {
        Uscc::parse(&s)
    }
}

impl From<Uscc> for String {
    fn from(u: Uscc) -> String {
        u.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The first two are printed on public business licences; the third was completed with an
    // independent implementation of the GB 32100 check (Python, outside this crate).
    const VALID: &[&str] = &["91440300708461136T", "91110108551385082Q", "91330100MA2AYA1G5Q"];

    #[test]
    fn accepts_correctly_formed_codes() {
        for code in VALID {
            let u = Uscc::parse(code).unwrap_or_else(|e| panic!("{code}: {e}"));
            assert_eq!(u.as_str(), *code);
        }
        assert_eq!(Uscc::parse("91440300708461136T").unwrap().province().unwrap().code(), "44");
        assert_eq!(Uscc::parse("91330100MA2AYA1G5Q").unwrap().province().unwrap().name_zh(), "浙江省");
    }

    #[test]
    fn national_registrations_have_no_province() {
        // A large state bank, registered with the national market regulator.
        let bank = Uscc::parse("91100000100003962T").unwrap();
        assert!(bank.is_national());
        assert_eq!(bank.province(), None);
        assert!(!Uscc::parse("91440300708461136T").unwrap().is_national());
    }

    #[test]
    fn names_the_wrong_character() {
        let e = Uscc::parse("91110108551385082R").unwrap_err();
        assert_eq!(e, IdError::CheckChar { kind: KIND, position: 18, expected: 'Q', found: 'R' });
        assert!(e.to_string().contains("第18位"), "{e}");
        let e = Uscc::parse("9111010855O385082Q").unwrap_err();
        assert!(matches!(e, IdError::BadChar { position: 11, found: Some('O'), .. }), "{e:?}");
        assert!(e.message(crate::lang::Lang::En).contains("character 11"));
        assert!(matches!(Uscc::parse("9111").unwrap_err(), IdError::Length { actual: 4, .. }));
        let e = Uscc::parse("91990000551385082Q").unwrap_err();
        assert!(matches!(e, IdError::Region { position: 3, .. }), "{e:?}");
    }

    #[test]
    fn check_char_completes_a_code() {
        assert_eq!(Uscc::with_check_char("91110108551385082").unwrap().as_str(), "91110108551385082Q");
    }
}
