//! 统一社会信用代码 (unified social credit code), GB 32100-2015.
//!
//! 18 characters from a 31-character alphabet (digits and capitals without I, O, S, V, Z):
//! 1 registration authority, 2 organisation type, 3–8 the registering authority's region
//! code (GB/T 2260, or `100000` for the national registration authorities, as on the
//! licences of the large state banks), 9–17 the organisation code (GB 11714: eight
//! characters and its own check character), 18 a check character (weights 3^(i) mod 31).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::{Allowed, Expected, IdError, IdFault, IdKind, Province, RegionCode, on_compact};

const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
/// GB 11714: the weights of the organisation code's first eight characters.
const ORG_WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];
/// Characters 3–8 of organisations registered by a national authority (e.g. the SAMR).
pub const NATIONAL_REGION: &str = "100000";
/// Characters 1–2 of an individual business (个体工商户, registered by the market regulator):
/// its characters 9–17 are a number the regulator assigned, not always a GB 11714
/// organisation code, so their check character is not verified.
const INDIVIDUAL_BUSINESS: &str = "92";

/// A unified social credit code whose check characters are right.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Uscc(String);

fn err(fault: IdFault) -> IdError {
    IdError::new(IdKind::Uscc, fault)
}

/// Which checks a reading makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rules {
    /// A code entered now: its region a current or former division code (or `100000`), its
    /// organisation code's check character right (but for individual businesses).
    Entry,
    /// A code Huajie stored, checked when it was entered under the rules of its time.
    Stored,
}

impl Uscc {
    /// Parses a code; spaces and hyphens inside it are removed first.
    pub fn parse(s: &str) -> Result<Uscc, IdError> {
        on_compact(s, |t| read(t, Rules::Entry))
    }

    /// Reads a code as Huajie stored it. It was checked when it was entered; its form and
    /// check character are checked again, but not against the division table nor its
    /// organisation code, so that a stricter rule never makes a stored record unreadable.
    pub fn read_stored(s: &str) -> Result<Uscc, IdError> {
        read(s.trim(), Rules::Stored)
    }

    /// Builds a code from its first 17 characters by adding the check character.
    /// For generators and tests; the 17 characters must be from the alphabet.
    pub fn with_check_char(first17: &str) -> Result<Uscc, IdError> {
        let values = values_of(first17, 17)?;
        Uscc::parse(&format!("{first17}{}", check_char(&values)))
    }

    /// Builds a code from its first 16 characters by adding the organisation code's check
    /// character (GB 11714) and then the code's own. For generators and tests.
    pub fn with_check_chars(first16: &str) -> Result<Uscc, IdError> {
        values_of(first16, 16)?;
        let org = org_check_char(&first16[8..16]);
        Uscc::with_check_char(&format!("{first16}{org}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Characters 3–8: the region code of the registering authority; `None` for a
    /// national registration (`100000`).
    pub fn region(&self) -> Option<RegionCode> {
        RegionCode::of_stored(self.0[2..8].parse().expect("digits"))
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

/// The alphabet values of `s`, which must have `length` characters.
fn values_of(s: &str, length: usize) -> Result<Vec<u32>, IdError> {
    let mut values = Vec::with_capacity(length);
    for (i, ch) in s.chars().enumerate() {
        let up = ch.to_ascii_uppercase();
        let pos = ALPHABET.iter().position(|b| char::from(*b) == up).ok_or(err(IdFault::BadChar {
            position: i + 1,
            found: Some(ch),
            allowed: Allowed::UsccAlphabet,
        }))?;
        values.push(pos as u32);
    }
    if values.len() != length {
        return Err(err(IdFault::Length { expected: Expected::Chars(length), actual: values.len() }));
    }
    Ok(values)
}

fn read(s: &str, rules: Rules) -> Result<Uscc, IdError> {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() != 18 {
        return Err(err(IdFault::Length { expected: Expected::Chars(18), actual: chars.len() }));
    }
    let values = values_of(s, 18)?;
    let up = s.to_ascii_uppercase();
    let region = &up[2..8];
    let region_ok = region.bytes().all(|b| b.is_ascii_digit()) && {
        let code: u32 = region.parse().expect("digits");
        region == NATIONAL_REGION
            || match rules {
                Rules::Entry => RegionCode::is_division(code),
                Rules::Stored => RegionCode::of_stored(code).is_some(),
            }
    };
    if !region_ok {
        return Err(err(IdFault::Region { position: 3, found: region.to_string() }));
    }
    let expected = check_char(&values[..17]);
    let found = chars[17].to_ascii_uppercase();
    if expected != found {
        return Err(err(IdFault::CheckChar { position: 18, expected, found: chars[17] }));
    }
    if rules == Rules::Entry && &up[..2] != INDIVIDUAL_BUSINESS {
        let expected = org_check_char(&up[8..16]);
        let found = chars[16];
        if expected != found.to_ascii_uppercase() {
            return Err(err(IdFault::OrgCodeCheck { position: 17, expected, found }));
        }
    }
    Ok(Uscc(up))
}

fn check_char(first17: &[u32]) -> char {
    let sum: u32 = first17.iter().zip(WEIGHTS).map(|(v, w)| v * w).sum();
    let c = (31 - sum % 31) % 31;
    char::from(ALPHABET[c as usize])
}

/// GB 11714: the check character of an organisation code from its first eight characters
/// (digits, and capitals worth 10 for A to 35 for Z).
fn org_check_char(body8: &str) -> char {
    let value = |c: char| c.to_digit(36).expect("an alphanumeric character");
    let sum: u32 = body8.chars().zip(ORG_WEIGHTS).map(|(c, w)| value(c) * w).sum();
    match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        d => char::from_digit(d, 10).expect("a digit"),
    }
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

/// Deserialising reads a code as stored (`read_stored`): JSON Huajie wrote holds codes it
/// checked when they were entered.
impl TryFrom<String> for Uscc {
    type Error = IdError;
    fn try_from(s: String) -> Result<Uscc, IdError> {
        Uscc::read_stored(&s)
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
    use crate::Lang;

    // Codes printed on public business licences and the examples of published explanations of
    // GB 32100; the last carries a retired region code (512081, 简阳市 before it joined
    // 成都 in 2016) and an organisation code of the `MA` series.
    const VALID: &[&str] = &["91440300708461136T", "91110108551385082Q", "9144030071526726XG", "91512081MA62K0260E"];

    #[test]
    fn accepts_correctly_formed_codes() {
        for code in VALID {
            let u = Uscc::parse(code).unwrap_or_else(|e| panic!("{code}: {e}"));
            assert_eq!(u.as_str(), *code);
        }
        assert_eq!(Uscc::parse("91440300708461136T").unwrap().province().unwrap().code(), "44");
        assert_eq!(Uscc::parse("91512081MA62K0260E").unwrap().province().unwrap().name_zh(), "四川省");
        assert!(!Uscc::parse("91512081MA62K0260E").unwrap().region().unwrap().is_current());
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
        assert_eq!(e, err(IdFault::CheckChar { position: 18, expected: 'Q', found: 'R' }));
        assert!(e.to_string().contains("第18位"), "{e}");
        let e = Uscc::parse("9111010855O385082Q").unwrap_err();
        assert!(matches!(e.fault, IdFault::BadChar { position: 11, found: Some('O'), .. }), "{e:?}");
        assert!(e.message(Lang::En).contains("character 11"));
        assert!(matches!(Uscc::parse("9111").unwrap_err().fault, IdFault::Length { actual: 4, .. }));
        let e = Uscc::parse("91990000551385082Q").unwrap_err();
        assert!(matches!(e.fault, IdFault::Region { position: 3, .. }), "{e:?}");
    }

    #[test]
    fn the_registration_region_is_a_division_code() {
        // 330199 names no division, though 33 is Zhejiang: accepted before issue 19.
        let code = Uscc::with_check_char("91330199551385082").map(|u| u.to_string());
        let e = code.unwrap_err();
        assert_eq!(e.fault, IdFault::Region { position: 3, found: "330199".into() });
        assert_eq!(e.to_string(), "统一社会信用代码第3位起的行政区划代码“330199”不是现行或曾用的区划代码");
        // A retired one is known: Beijing's 崇文区 (110103), merged in 2010.
        assert!(Uscc::with_check_chars("9111010355138508").is_ok());
    }

    #[test]
    fn the_organisation_code_check_character_is_verified() {
        // 91330100MA2AYA1G5Q passes the GB 32100 check, but its organisation code MA2AYA1G5
        // should end in X.
        let e = Uscc::parse("91330100MA2AYA1G5Q").unwrap_err();
        assert_eq!(e.fault, IdFault::OrgCodeCheck { position: 17, expected: 'X', found: '5' });
        assert_eq!(e.to_string(), "统一社会信用代码第17位（所含组织机构代码的校验码）错误：应为“X”，实际为“5”");
        // The published example of GB 11714: 59467239-9.
        assert_eq!(org_check_char("59467239"), '9');
        let built = Uscc::with_check_chars("9133010059467239").unwrap();
        assert_eq!(&built.as_str()[8..17], "594672399");
        // Check values 10 and 11 are written X and 0.
        assert_eq!(org_check_char("MA2AYA1G"), 'X');
        assert_eq!(org_check_char("MA62K026"), '0');
    }

    #[test]
    fn individual_businesses_keep_the_number_their_registrar_gave() {
        // 个体工商户 (92…): characters 9–17 are assigned by the market regulator and need not
        // follow GB 11714; the code's own check character still counts.
        let first17 = "92330106L12345678";
        let u = Uscc::with_check_char(first17).unwrap();
        assert_ne!(org_check_char("L1234567"), '8', "the organisation code fails GB 11714");
        let mut wrong = u.as_str().to_string();
        wrong.replace_range(17.., if wrong.ends_with('0') { "1" } else { "0" });
        assert!(matches!(Uscc::parse(&wrong).unwrap_err().fault, IdFault::CheckChar { .. }));
        let company = Uscc::with_check_char("91330106L12345678").unwrap_err();
        assert!(matches!(company.fault, IdFault::OrgCodeCheck { .. }), "{company:?}");
    }

    #[test]
    fn spaces_and_hyphens_are_removed_and_the_message_says_so() {
        assert_eq!(Uscc::parse("9144 0300 7084 6113 6T").unwrap().as_str(), "91440300708461136T");
        assert_eq!(Uscc::parse("91440300-70846113-6T").unwrap().as_str(), "91440300708461136T");
        let e = Uscc::parse("91110108-55138508-2R").unwrap_err();
        assert!(e.separators_removed);
        assert!(e.to_string().ends_with("（已去除其中的空格和连字符，位数按去除后计）"), "{e}");
    }

    #[test]
    fn stored_codes_are_read_under_the_rules_of_their_time() {
        let old = "91330100MA2AYA1G5Q";
        let stored = Uscc::read_stored(old).unwrap();
        assert_eq!(stored.province().unwrap().name_zh(), "浙江省");
        assert_eq!(serde_json::from_str::<Uscc>(&format!("\"{old}\"")).unwrap(), stored);
        assert!(Uscc::read_stored("91110108551385082R").is_err());
    }

    #[test]
    fn check_char_completes_a_code() {
        assert_eq!(Uscc::with_check_char("91110108551385082").unwrap().as_str(), "91110108551385082Q");
    }
}
