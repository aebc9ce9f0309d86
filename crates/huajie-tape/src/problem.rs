//! Problems found in a tape: each with a stable code, a severity, where it is (row as
//! the user sees it in Excel, column letter and header), the value, and a message in
//! Chinese and English.

use huajie_core::Lang;

use crate::fields::Field;

/// What a problem does to the row or the tape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The whole tape cannot be loaded.
    Fatal,
    /// The row is rejected (held for correction under the "partial" policy).
    Rejected,
    /// The row loads; the value is set aside or the inconsistency listed.
    Warning,
}

/// Every rule the importer checks. Codes are stable: reports and saved filters use them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Rule {
    MissingMandatory,
    InvalidMandatory,
    NegativePrincipal,
    DuplicateContract,
    UnreadableRow,
    InvalidValue,
    NegativeAmount,
    TotalMismatch,
    DaysPastDueMismatch,
    Performing,
    DateAfterCutoff,
    TimeBarred,
    UnknownRegion,
    GuarantorWithoutId,
    UnknownContract,
    GuarantorIdInvalid,
    TotalRowMismatch,
    NoCutoffDate,
    CutoffInFuture,
    NoHeader,
    MandatoryColumnMissing,
}

impl Rule {
    pub const ALL: &'static [Rule] = &[
        Rule::MissingMandatory,
        Rule::InvalidMandatory,
        Rule::NegativePrincipal,
        Rule::DuplicateContract,
        Rule::UnreadableRow,
        Rule::InvalidValue,
        Rule::NegativeAmount,
        Rule::TotalMismatch,
        Rule::DaysPastDueMismatch,
        Rule::Performing,
        Rule::DateAfterCutoff,
        Rule::TimeBarred,
        Rule::UnknownRegion,
        Rule::GuarantorWithoutId,
        Rule::UnknownContract,
        Rule::GuarantorIdInvalid,
        Rule::TotalRowMismatch,
        Rule::NoCutoffDate,
        Rule::CutoffInFuture,
        Rule::NoHeader,
        Rule::MandatoryColumnMissing,
    ];

    pub fn from_code(code: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|r| r.code() == code)
    }

    pub fn code(self) -> &'static str {
        use Rule::*;
        match self {
            MissingMandatory => "E001",
            InvalidMandatory => "E002",
            NegativePrincipal => "E003",
            DuplicateContract => "E004",
            UnreadableRow => "E005",
            InvalidValue => "W101",
            NegativeAmount => "W102",
            TotalMismatch => "W110",
            DaysPastDueMismatch => "W111",
            Performing => "W112",
            DateAfterCutoff => "W113",
            TimeBarred => "W114",
            UnknownRegion => "W115",
            GuarantorWithoutId => "W116",
            UnknownContract => "W117",
            GuarantorIdInvalid => "W118",
            TotalRowMismatch => "W201",
            NoCutoffDate => "F301",
            CutoffInFuture => "F302",
            NoHeader => "F303",
            MandatoryColumnMissing => "F304",
        }
    }

    pub fn severity(self) -> Severity {
        match self.code().as_bytes()[0] {
            b'E' => Severity::Rejected,
            b'F' => Severity::Fatal,
            _ => Severity::Warning,
        }
    }

    /// The rule in a few words.
    pub fn title(self, lang: Lang) -> &'static str {
        use Rule::*;
        let (zh, en) = match self {
            MissingMandatory => ("必填字段为空", "mandatory field empty"),
            InvalidMandatory => ("必填字段无效", "mandatory field invalid"),
            NegativePrincipal => ("本金为负数", "negative principal"),
            DuplicateContract => ("合同编号重复", "duplicate contract number"),
            UnreadableRow => ("行无法读取", "unreadable row"),
            InvalidValue => ("字段值无效，已忽略", "invalid value ignored"),
            NegativeAmount => ("金额为负数，已忽略", "negative amount ignored"),
            TotalMismatch => ("本息合计与各项之和不符", "total differs from its parts"),
            DaysPastDueMismatch => ("逾期天数与逾期日不符", "days past due disagree with the default date"),
            Performing => ("五级分类为正常/关注，不是不良贷款", "classified normal/special mention: not an NPL"),
            DateAfterCutoff => ("日期晚于基准日", "date after the cut-off"),
            TimeBarred => ("诉讼时效早于基准日届满", "limitation period ended before the cut-off"),
            UnknownRegion => ("地区无法识别到省份", "region names no province"),
            GuarantorWithoutId => ("保证人无证件号码，按名称载入", "guarantor without an ID number, kept by name"),
            UnknownContract => {
                ("关联表中的合同编号在债权表中不存在", "a linked sheet names a contract the claims sheet lacks")
            }
            GuarantorIdInvalid => (
                "保证人证件号码校验失败，照录载入并标记",
                "guarantor ID number fails its check, kept as written and flagged",
            ),
            TotalRowMismatch => ("合计行与明细之和不符", "the total row differs from the sum of the rows"),
            NoCutoffDate => ("缺少基准日", "no cut-off date"),
            CutoffInFuture => ("基准日晚于今天", "cut-off date in the future"),
            NoHeader => ("找不到表头", "no header row found"),
            MandatoryColumnMissing => ("缺少必填列", "mandatory column missing"),
        };
        lang.pick(zh, en)
    }
}

impl TryFrom<String> for Rule {
    type Error = String;
    fn try_from(s: String) -> Result<Rule, String> {
        Rule::from_code(&s).ok_or_else(|| format!("unknown rule code {s}"))
    }
}

impl From<Rule> for String {
    fn from(r: Rule) -> String {
        r.code().to_string()
    }
}

/// One problem, located.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Problem {
    pub rule: Rule,
    /// The sheet of a workbook with several (the claims sheet when `None`).
    #[serde(default)]
    pub sheet: Option<String>,
    /// Row number as Excel shows it; `None` for the tape as a whole.
    pub row: Option<usize>,
    /// 0-based column.
    pub column: Option<usize>,
    pub header: Option<String>,
    pub field: Option<Field>,
    pub value: Option<String>,
    /// What exactly is wrong, Chinese then English (e.g. the check-character message).
    pub detail_zh: String,
    pub detail_en: String,
}

impl Problem {
    pub fn severity(&self) -> Severity {
        self.rule.severity()
    }

    /// `A`, `B`, … `Z`, `AA` for the column, as Excel labels it.
    pub fn column_letter(&self) -> Option<String> {
        self.column.map(column_letter)
    }

    /// One line: rule, where, value, detail.
    pub fn message(&self, lang: Lang) -> String {
        let mut out = format!("[{}] {}", self.rule.code(), self.rule.title(lang));
        let detail = match lang {
            Lang::Zh => &self.detail_zh,
            Lang::En => &self.detail_en,
        };
        if !detail.is_empty() {
            out.push_str(lang.pick("：", ": "));
            out.push_str(detail);
        }
        out
    }
}

/// Excel's column label for a 0-based index.
pub fn column_letter(index: usize) -> String {
    let mut n = index + 1;
    let mut label = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        label.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    label.reverse();
    String::from_utf8(label).expect("ASCII letters")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_as_excel_shows_them() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }

    #[test]
    fn the_rule_table_of_the_docs_lists_every_code_and_no_other() {
        let doc = include_str!("../../../docs/tape-import.md");
        let listed: Vec<(&str, &str)> = doc
            .lines()
            .filter_map(|l| {
                let mut cells = l.strip_prefix("| ")?.split(" | ");
                let code = cells.next()?;
                let looks_like_a_code = code.len() == 4
                    && code.starts_with(['E', 'W', 'F'])
                    && code[1..].bytes().all(|b| b.is_ascii_digit());
                looks_like_a_code.then(|| (code, cells.next().unwrap_or("")))
            })
            .collect();
        let mut codes: Vec<&str> = listed.iter().map(|(c, _)| *c).collect();
        codes.sort();
        let mut all: Vec<&str> = Rule::ALL.iter().map(|r| r.code()).collect();
        all.sort();
        assert_eq!(codes, all, "docs/tape-import.md's table against Rule::ALL");
        for (code, severity) in listed {
            let want = match Rule::from_code(code).unwrap().severity() {
                Severity::Fatal => "tape refused",
                Severity::Rejected => "row rejected",
                Severity::Warning => "warning",
            };
            assert_eq!(severity, want, "{code}");
        }
    }

    #[test]
    fn codes_are_unique_and_tell_the_severity() {
        use Rule::*;
        let codes: std::collections::HashSet<_> = Rule::ALL.iter().map(|r| r.code()).collect();
        assert_eq!(codes.len(), Rule::ALL.len());
        for r in Rule::ALL {
            assert_eq!(Rule::from_code(r.code()), Some(*r));
        }
        assert_eq!(DuplicateContract.severity(), Severity::Rejected);
        assert_eq!(TimeBarred.severity(), Severity::Warning);
        assert_eq!(NoHeader.severity(), Severity::Fatal);
    }
}
