//! Court case numbers (案号), as the Supreme People's Court's rules on case numbering give
//! them (《最高人民法院关于人民法院案件案号的若干规定》, 法〔2015〕137号, with its 2018 revision):
//! （收案年度）+ 法院代字 + 类型代字 + 案件编号 + 号, e.g. （2024）苏0102民初1234号 (a basic court's
//! first-instance civil case), （2024）苏0102执1234号 (its enforcement case).
//!
//! The court's code is the province's one-character abbreviation (or 最高法) followed by the
//! court's digits (none for a high court, two for an intermediate court, four for a basic court
//! or a specialised one). The type code says the case's class: civil (民初, 民终…), enforcement
//! (执, 执恢…) or bankruptcy (破, 破申…). Half-width brackets are read as full-width.

use huajie_core::{Text, named_enum};

named_enum! {
    /// What a case number's type code says the case is.
    pub enum CaseClass {
        Civil = ("civil", "民事", "Civil"),
        Enforcement = ("enforcement", "执行", "Enforcement"),
        Bankruptcy = ("bankruptcy", "破产", "Bankruptcy"),
    }
}

/// The type codes read, longest first within each class, with their class.
const KINDS: &[(&str, CaseClass)] = &[
    ("民初", CaseClass::Civil),
    ("民终", CaseClass::Civil),
    ("民再", CaseClass::Civil),
    ("民申", CaseClass::Civil),
    ("民特", CaseClass::Civil),
    ("民辖", CaseClass::Civil),
    ("民督", CaseClass::Civil),
    ("财保", CaseClass::Civil),
    ("执恢", CaseClass::Enforcement),
    ("执保", CaseClass::Enforcement),
    ("执异", CaseClass::Enforcement),
    ("执复", CaseClass::Enforcement),
    ("执监", CaseClass::Enforcement),
    ("执他", CaseClass::Enforcement),
    ("执", CaseClass::Enforcement),
    ("破申", CaseClass::Bankruptcy),
    ("破终", CaseClass::Bankruptcy),
    ("破", CaseClass::Bankruptcy),
];

/// The provinces' one-character abbreviations used in court codes (兵: the Xinjiang Production
/// and Construction Corps' courts).
const PROVINCES: &str = "京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川贵黔云藏陕甘青宁新兵";

/// A case number whose shape was checked.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CaseNumber {
    pub year: i32,
    /// 法院代字: `苏0102`.
    pub court: String,
    /// 类型代字: `民初`, `执`.
    pub kind: String,
    pub seq: u32,
}

impl std::fmt::Display for CaseNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "（{}）{}{}{}号", self.year, self.court, self.kind, self.seq)
    }
}

fn bad(input: &str, zh: &str, en: &str) -> Text {
    Text::new(
        format!("案号“{input}”格式不对：{zh}（例：（2024）苏0102民初1234号）"),
        format!("case number “{input}” is not in the courts' form: {en} (e.g. （2024）苏0102民初1234号)"),
    )
}

impl CaseNumber {
    pub fn class(&self) -> CaseClass {
        KINDS.iter().find(|(k, _)| *k == self.kind).map(|(_, c)| *c).expect("a parsed kind is listed")
    }

    /// Reads a case number; what is wrong with it is named, both languages apart.
    pub fn parse(input: &str) -> Result<CaseNumber, Text> {
        let s: String = input.trim().replace('(', "（").replace(')', "）");
        let rest = s
            .strip_prefix('（')
            .ok_or_else(|| bad(input, "须以括号中的收案年度开头", "it must begin with the year in brackets"))?;
        let (year, rest) =
            rest.split_once('）').ok_or_else(|| bad(input, "年度后缺右括号", "the year's bracket is not closed"))?;
        let year: i32 = year
            .parse()
            .ok()
            .filter(|y| (1990..=2200).contains(y) && year.len() == 4)
            .ok_or_else(|| bad(input, "收案年度须为四位年份", "the year must have four digits"))?;
        let rest = rest.strip_suffix('号').ok_or_else(|| bad(input, "须以“号”结尾", "it must end with 号"))?;
        let (court, rest) =
            court_code(rest).ok_or_else(|| bad(input, "法院代字不对", "the court's code is not valid"))?;
        let (kind, digits) =
            KINDS.iter().find_map(|(k, _)| rest.strip_prefix(k).map(|d| (*k, d))).ok_or_else(|| {
                bad(
                    input,
                    "类型代字不是民事、执行或破产案件的",
                    "the type code is not a civil, enforcement or bankruptcy one",
                )
            })?;
        let seq: u32 = Some(digits)
            .filter(|d| !d.is_empty() && d.len() <= 7 && d.bytes().all(|b| b.is_ascii_digit()) && !d.starts_with('0'))
            .and_then(|d| d.parse().ok())
            .ok_or_else(|| bad(input, "案件编号须为数字", "the case's serial must be digits"))?;
        Ok(CaseNumber { year, court, kind: kind.to_string(), seq })
    }
}

/// Whether `number` may be given with `stage`: a stage of litigation takes a civil case
/// number, of enforcement an enforcement one, of bankruptcy a bankruptcy one.
pub fn fits(stage: crate::Stage, number: &CaseNumber) -> Result<(), Text> {
    use crate::Phase;
    let wanted = match stage.phase() {
        Phase::Litigation => CaseClass::Civil,
        Phase::Enforcement => CaseClass::Enforcement,
        Phase::Bankruptcy => CaseClass::Bankruptcy,
    };
    if number.class() == wanted {
        return Ok(());
    }
    Err(Text::new(
        format!("“{}”须填{}案号，{number} 是{}案号", stage.zh(), wanted.zh(), number.class().zh()),
        format!(
            "“{}” takes a {} case number; {number} is a {} one",
            stage.en(),
            wanted.en().to_lowercase(),
            number.class().en().to_lowercase()
        ),
    ))
}

/// The court's code at the start of `s` and what follows it.
fn court_code(s: &str) -> Option<(String, &str)> {
    let (head, rest) = if let Some(rest) = s.strip_prefix("最高法") {
        ("最高法", rest)
    } else {
        let c = s.chars().next().filter(|c| PROVINCES.contains(*c))?;
        s.split_at(c.len_utf8())
    };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 4 || digits % 2 == 1 || (head == "最高法" && digits > 0) {
        return None;
    }
    Some((format!("{head}{}", &rest[..digits]), &rest[digits..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_and_enforcement_numbers_are_read_and_written_back_in_the_courts_form() {
        let civil = CaseNumber::parse("（2024）苏0102民初1234号").unwrap();
        assert_eq!((civil.year, civil.court.as_str(), civil.kind.as_str(), civil.seq), (2024, "苏0102", "民初", 1234));
        assert_eq!(civil.class(), CaseClass::Civil);
        let enforcement = CaseNumber::parse(" (2025)苏01执恢88号 ").unwrap();
        assert_eq!(enforcement.class(), CaseClass::Enforcement);
        assert_eq!(enforcement.to_string(), "（2025）苏01执恢88号", "half-width brackets read as full-width");
        assert_eq!(CaseNumber::parse("（2023）最高法民终7号").unwrap().court, "最高法");
        assert_eq!(CaseNumber::parse("（2024）粤03破12号").unwrap().class(), CaseClass::Bankruptcy);
        assert_eq!(CaseNumber::parse("（2024）沪民终5号").unwrap().court, "沪", "a high court has no digits");
    }

    #[test]
    fn a_stage_takes_a_number_of_its_own_class() {
        let civil = CaseNumber::parse("（2024）苏0102民初1234号").unwrap();
        let enforcement = CaseNumber::parse("（2025）苏0102执88号").unwrap();
        assert_eq!(fits(crate::Stage::Filed, &civil), Ok(()));
        assert_eq!(fits(crate::Stage::Resumed, &enforcement), Ok(()));
        let e = fits(crate::Stage::EnforcementFiled, &civil).unwrap_err();
        assert_eq!(e.zh, "“执行立案”须填执行案号，（2024）苏0102民初1234号 是民事案号");
    }

    #[test]
    fn a_number_not_in_the_courts_form_names_what_is_wrong() {
        let cases = [
            ("2024苏0102民初1234号", "括号中的收案年度"),
            ("（24）苏0102民初1234号", "四位年份"),
            ("（2024）苏0102民初1234", "“号”结尾"),
            ("（2024）美0102民初1234号", "法院代字"),
            ("（2024）苏010民初1234号", "法院代字"),
            ("（2024）苏0102刑初1234号", "类型代字"),
            ("（2024）苏0102民初号", "案件编号"),
            ("（2024）苏0102民初0012号", "案件编号"),
        ];
        for (input, fault) in cases {
            let e = CaseNumber::parse(input).unwrap_err();
            assert!(e.zh.contains(fault), "{input}: {}", e.zh);
            assert!(e.en.contains("is not in the courts' form"), "{input}: {}", e.en);
        }
    }
}
