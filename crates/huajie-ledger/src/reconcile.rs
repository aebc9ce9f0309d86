//! Matching a bank statement's or a court payment notice's lines to open claims: by a case
//! number in the memo first, then by the payer's name (the debtor's or a guarantor's), then by
//! the amount expected; each step narrows the previous step's candidates when it had several.
//! And each line's fingerprint, so that importing the same file again posts nothing twice.

use chrono::NaiveDate;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// A line of a statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementLine {
    pub date: NaiveDate,
    /// In fen; receipts positive.
    pub amount: i64,
    pub payer: String,
    /// Reference or memo (附言/摘要).
    pub reference: String,
}

/// An open claim as the matcher sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OpenClaim {
    pub claim: i64,
    /// The debtor's and the guarantors' names.
    pub names: Vec<String>,
    /// Its cases' numbers, e.g. （2025）沪0115执1234号.
    pub case_numbers: Vec<String>,
    /// Amounts expected (a settlement's instalment, a distribution announced), in fen.
    pub expected: Vec<i64>,
}

/// What a line matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Match {
    Matched(i64),
    /// Several claims fit equally: a person chooses.
    Ambiguous(Vec<i64>),
    Unknown,
}

/// Text as compared: no spaces, full-width brackets and letters as half-width, lower case.
fn norm(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '（' | '〔' | '[' => '(',
            '）' | '〕' | ']' => ')',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// The claims of `among` that `keep` holds for, and whether any did (`among` itself when none).
fn narrow(among: Vec<&OpenClaim>, keep: impl Fn(&OpenClaim) -> bool) -> (Vec<&OpenClaim>, bool) {
    let kept: Vec<&OpenClaim> = among.iter().copied().filter(|c| keep(c)).collect();
    if kept.is_empty() { (among, false) } else { (kept, true) }
}

/// The claim `line` pays, as far as its memo, payer and amount tell.
pub fn match_line(line: &StatementLine, claims: &[OpenClaim]) -> Match {
    let memo = norm(&line.reference);
    let payer = norm(&line.payer);
    let by_case = |c: &OpenClaim| c.case_numbers.iter().map(|n| norm(n)).any(|n| !n.is_empty() && memo.contains(&n));
    let by_name = |c: &OpenClaim| !payer.is_empty() && c.names.iter().any(|n| norm(n) == payer);
    let by_amount = |c: &OpenClaim| c.expected.contains(&line.amount);
    let all: Vec<&OpenClaim> = claims.iter().collect();
    let (found, any) = [&by_case as &dyn Fn(&OpenClaim) -> bool, &by_name, &by_amount].iter().fold(
        (all, false),
        |(among, any), test| {
            if among.len() == 1 && any {
                return (among, any);
            }
            let (kept, hit) = narrow(among, test);
            (kept, any || hit)
        },
    );
    match (any, found.as_slice()) {
        (false, _) | (true, []) => Match::Unknown,
        (true, [one]) => Match::Matched(one.claim),
        (true, many) => Match::Ambiguous(many.iter().map(|c| c.claim).collect()),
    }
}

/// Where a matched line's money came from: a court (the payer names a 法院, or the memo an
/// enforcement case 执…号), a guarantor (the payer is one of the claim's guarantors), else the
/// debtor.
pub fn source_of(line: &StatementLine, guarantors: &[String]) -> crate::Source {
    let payer = norm(&line.payer);
    if payer.contains("法院") || norm(&line.reference).contains("执行款") {
        crate::Source::CourtDistribution
    } else if guarantors.iter().any(|g| norm(g) == payer) {
        crate::Source::Guarantor
    } else {
        crate::Source::Debtor
    }
}

/// Each line's fingerprint: SHA-256 of its date, amount, payer, reference and its ordinal among
/// the identical lines before it in the file — two identical payments on one day stay two, and
/// the same file imported again gives the same fingerprints.
pub fn fingerprints(lines: &[StatementLine]) -> Vec<String> {
    let mut seen: std::collections::HashMap<(NaiveDate, i64, String, String), u32> = Default::default();
    lines
        .iter()
        .map(|l| {
            let key = (l.date, l.amount, norm(&l.payer), norm(&l.reference));
            let n = seen.entry(key.clone()).or_default();
            let ordinal = *n;
            *n += 1;
            let text = format!("{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{ordinal}", key.0, key.1, key.2, key.3);
            hex::encode(Sha256::digest(text.as_bytes()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claim(id: i64, names: &[&str], cases: &[&str], expected: &[i64]) -> OpenClaim {
        OpenClaim {
            claim: id,
            names: names.iter().map(|s| s.to_string()).collect(),
            case_numbers: cases.iter().map(|s| s.to_string()).collect(),
            expected: expected.to_vec(),
        }
    }

    fn line(amount: i64, payer: &str, reference: &str) -> StatementLine {
        StatementLine { date: "2026-03-02".parse().unwrap(), amount, payer: payer.into(), reference: reference.into() }
    }

    #[test]
    fn case_number_then_payer_then_amount() {
        let claims = [
            claim(1, &["张三", "李四"], &["（2025）沪0115执1234号"], &[50_000]),
            claim(2, &["张三"], &["(2025)沪0115民初99号"], &[70_000]),
            claim(3, &["王五有限公司"], &[], &[70_000]),
        ];
        let court = line(10, "上海市浦东新区人民法院", "执行款 (2025) 沪0115执1234号 分配");
        assert_eq!(match_line(&court, &claims), Match::Matched(1));
        assert_eq!(source_of(&court, &[]), crate::Source::CourtDistribution);
        assert_eq!(source_of(&line(1, "李四", ""), &["李四".to_string()]), crate::Source::Guarantor);
        assert_eq!(source_of(&line(1, "张三", ""), &["李四".to_string()]), crate::Source::Debtor);
        assert_eq!(match_line(&line(70_000, "张三", "还款"), &claims), Match::Matched(2));
        assert_eq!(match_line(&line(1, "张三", "还款"), &claims), Match::Ambiguous(vec![1, 2]));
        assert_eq!(match_line(&line(70_000, "某某", ""), &claims), Match::Ambiguous(vec![2, 3]));
        assert_eq!(match_line(&line(1, "某某", ""), &claims), Match::Unknown);
    }

    #[test]
    fn identical_lines_get_distinct_fingerprints_and_a_reimport_the_same() {
        let lines = [line(100, "张三", "还款"), line(100, "张三", "还款"), line(100, "李四", "还款")];
        let f = fingerprints(&lines);
        assert_ne!(f[0], f[1]);
        assert_eq!(f, fingerprints(&lines));
        assert_eq!(fingerprints(&lines[..1])[0], f[0]);
    }
}
