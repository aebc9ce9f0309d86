//! What people and bank files type for amounts, dates, counts, shares and yes/no, read one way
//! everywhere: every form, every import (tapes, the book's workbook, collections, statements,
//! assumptions). Amounts in every form they are written (`1,234.56`, `123.45万`, `1.2亿元`,
//! `１２３`, `(500)`, `¥1,000元`), dates (`2023-05-01`, `2023/5/1`, `2023年5月1日`, `20230501`,
//! Excel serials), whole numbers, shares (`12%`, `１２％`, `0.12`) and yes/no, full-width digits
//! included. A value is accepted everywhere or refused everywhere, with the same words.
//!
//! Every function takes the raw text and returns the value or an `InputError` saying what is
//! wrong with it; none panics, whatever the input.

use crate::Money;
use chrono::{Days, NaiveDate};

/// The unit a column's amounts are written in (from its header: `本金余额（万元）`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AmountUnit {
    #[default]
    Yuan,
    Wan,
    /// 亿元: only as a cell's own suffix (no header names it).
    Yi,
}

impl AmountUnit {
    fn fen(self) -> i128 {
        match self {
            AmountUnit::Yuan => 100,
            AmountUnit::Wan => 1_000_000,
            AmountUnit::Yi => 10_000_000_000,
        }
    }
}

/// Why a cell could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    #[error("不是金额")]
    NotAnAmount,
    #[error("金额超出范围")]
    AmountTooLarge,
    #[error("不是日期")]
    NotADate,
    #[error("不是整数")]
    NotAnInteger,
    #[error("不是“是/否”")]
    NotABool,
    #[error("金额不能有不足一分的尾数")]
    FractionOfFen,
    #[error("不是数字")]
    NotANumber,
}

impl InputError {
    pub fn en(&self) -> &'static str {
        match self {
            InputError::NotAnAmount => "not an amount",
            InputError::AmountTooLarge => "amount out of range",
            InputError::NotADate => "not a date",
            InputError::NotAnInteger => "not a whole number",
            InputError::NotABool => "not yes/no",
            InputError::FractionOfFen => "an amount cannot have a fraction of a fen",
            InputError::NotANumber => "not a number",
        }
    }
}

/// Full-width characters to their ASCII forms, ideographic and no-break spaces to
/// spaces, and the whole trimmed.
pub fn normalize(cell: &str) -> String {
    normalized(cell).into_owned()
}

/// `normalize` without copying a cell that needs no change (the usual case: the row
/// loop calls it on every cell of a million-row tape).
pub fn normalized(cell: &str) -> std::borrow::Cow<'_, str> {
    let needs_mapping = |c: char| matches!(c, '\u{FF01}'..='\u{FF5E}' | '\u{3000}' | '\u{00A0}' | '。');
    if !cell.chars().any(needs_mapping) {
        return std::borrow::Cow::Borrowed(cell.trim());
    }
    let mapped: String = cell
        .chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' | '\u{00A0}' => ' ',
            '。' => '.',
            _ => c,
        })
        .collect();
    std::borrow::Cow::Owned(mapped.trim().to_string())
}

/// Whether a cell is empty once spaces and the usual "no value" marks are removed.
pub fn is_blank(cell: &str) -> bool {
    matches!(
        &*normalized(cell),
        "" | "-" | "--" | "—" | "——" | "–" | "/" | "无" | "空" | "N/A" | "n/a" | "#N/A" | "NULL" | "null"
    )
}

/// Reads an amount. `column_unit` applies unless the cell names its own (`万`, `元`).
/// Negative amounts (`-5`, `(5)`) are read as such; whether they are allowed is the
/// validator's business. Fractions of a fen are rounded half away from zero (a bank's tape
/// carries its own rounding); entries typed by people use `parse_money_exact`.
pub fn parse_money(cell: &str, column_unit: AmountUnit) -> Result<Money, InputError> {
    read_money(cell, column_unit, false)
}

/// Reads an amount as `parse_money` does, but refuses one that is not a whole number of fen
/// (`0.00000004` 万 is 0.4 fen) instead of rounding it: what a person types into the
/// compliance book or a check is kept exactly or not at all.
pub fn parse_money_exact(cell: &str, column_unit: AmountUnit) -> Result<Money, InputError> {
    read_money(cell, column_unit, true)
}

fn read_money(cell: &str, column_unit: AmountUnit, exact: bool) -> Result<Money, InputError> {
    let mut s: String = normalized(cell).chars().filter(|c| !c.is_whitespace() && *c != ',').collect();
    for prefix in ["人民币", "RMB", "CNY", "¥", "￥"] {
        if let Some(rest) = s.strip_prefix(prefix) {
            s = rest.to_string();
        }
    }
    let mut negative = false;
    if s.starts_with('(') && s.ends_with(')') && s.len() >= 2 {
        negative = true;
        s = s[1..s.len() - 1].to_string();
    }
    if let Some(rest) = s.strip_prefix('-') {
        negative = !negative;
        s = rest.to_string();
    }
    let mut unit = column_unit;
    if let Some(rest) = s.strip_suffix("元") {
        s = rest.to_string();
        unit = AmountUnit::Yuan;
    }
    if let Some(rest) = s.strip_suffix('万') {
        s = rest.to_string();
        unit = AmountUnit::Wan;
    } else if let Some(rest) = s.strip_suffix('亿') {
        s = rest.to_string();
        unit = AmountUnit::Yi;
    }
    let (int_part, frac_part) = s.split_once('.').unwrap_or((&s, ""));
    if int_part.is_empty() && frac_part.is_empty()
        || !int_part.bytes().all(|b| b.is_ascii_digit())
        || !frac_part.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(InputError::NotAnAmount);
    }
    // Exact decimal arithmetic: value × unit in fen, rounded at the first dropped digit.
    let digits = format!("{int_part}{frac_part}");
    let digits = digits.trim_start_matches('0');
    if digits.len() > 30 {
        return Err(InputError::AmountTooLarge);
    }
    let mantissa: i128 = if digits.is_empty() { 0 } else { digits.parse().map_err(|_| InputError::AmountTooLarge)? };
    let scale = 10_i128.checked_pow(frac_part.len() as u32).ok_or(InputError::AmountTooLarge)?;
    let scaled = mantissa.checked_mul(unit.fen()).ok_or(InputError::AmountTooLarge)?;
    if exact && scaled % scale != 0 {
        return Err(InputError::FractionOfFen);
    }
    let fen = (scaled + scale / 2) / scale;
    let fen = i64::try_from(fen).map_err(|_| InputError::AmountTooLarge)?;
    Ok(Money::from_fen(if negative { -fen } else { fen }))
}

/// The first day of Excel's 1900 date system as serials count it (serial 1 = 1900-01-01,
/// with Excel's phantom 1900-02-29 absorbed by starting from 1899-12-30).
fn excel_epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1899, 12, 30).expect("valid date")
}

/// Excel serials accepted as dates: 1950-01-01 to 2099-12-31.
const EXCEL_SERIAL_MIN: u64 = 18_264;
const EXCEL_SERIAL_MAX: u64 = 73_050;

/// Reads a date: `2023-05-01`, `2023/5/1`, `2023.5.1`, `2023年5月1日`, `20230501`, an
/// Excel serial (`45047`, `45047.0`), or any of these followed by a time.
pub fn parse_date(cell: &str) -> Result<NaiveDate, InputError> {
    let s = normalized(cell);
    // Drop a time of day: `2023-05-01 00:00:00`, `2023-05-01T08:00`.
    let s = s.split([' ', 'T']).next().unwrap_or("");
    if s.is_empty() {
        return Err(InputError::NotADate);
    }
    let b = s.as_bytes();
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        b[range].iter().try_fold(0_u32, |n, d| d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0')))
    };
    let ymd = |y: u32, m: u32, d: u32| {
        if (1900..=2199).contains(&y) {
            NaiveDate::from_ymd_opt(y as i32, m, d).ok_or(InputError::NotADate)
        } else {
            Err(InputError::NotADate)
        }
    };
    // The common forms first, without allocating: `2023-05-01`, `20230501`.
    if b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && let (Some(y), Some(m), Some(d)) = (number(0..4), number(5..7), number(8..10))
    {
        return ymd(y, m, d);
    }
    let serial = s.strip_suffix(".0").unwrap_or(s);
    if serial.len() == 5 && serial.bytes().all(|b| b.is_ascii_digit()) {
        let n: u64 = serial.parse().map_err(|_| InputError::NotADate)?;
        if (EXCEL_SERIAL_MIN..=EXCEL_SERIAL_MAX).contains(&n) {
            return excel_epoch().checked_add_days(Days::new(n)).ok_or(InputError::NotADate);
        }
        return Err(InputError::NotADate);
    }
    if b.len() == 8
        && let (Some(y), Some(m), Some(d)) = (number(0..4), number(4..6), number(6..8))
    {
        return ymd(y, m, d);
    }
    let unified: String = s
        .chars()
        .map(|c| match c {
            '/' | '.' | '年' | '月' => '-',
            _ => c,
        })
        .collect();
    let unified = unified.trim_end_matches('日').trim_end_matches('号');
    let parts: Vec<&str> = unified.split('-').collect();
    if parts.len() != 3 || parts.iter().any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit())) {
        return Err(InputError::NotADate);
    }
    match (parts[0].parse::<u32>(), parts[1].parse::<u32>(), parts[2].parse::<u32>()) {
        (Ok(y), Ok(m), Ok(d)) => ymd(y, m, d),
        _ => Err(InputError::NotADate),
    }
}

/// Reads a whole number (`1,234`, `１２`, `30天`, `30.0`).
pub fn parse_int(cell: &str) -> Result<i64, InputError> {
    let s: String = normalized(cell).chars().filter(|c| !c.is_whitespace() && *c != ',').collect();
    let s = s.trim_end_matches('天').trim_end_matches("个月");
    let s = s.strip_suffix(".0").unwrap_or(s);
    s.parse::<i64>().map_err(|_| InputError::NotAnInteger)
}

/// Reads yes/no: `是/否`, `Y/N`, `1/0`, `开/关`, `on/off`, `已核销/未核销`, `true/false`.
pub fn parse_bool(cell: &str) -> Result<bool, InputError> {
    let s = normalized(cell).to_lowercase();
    match s.as_str() {
        "是" | "y" | "yes" | "1" | "true" | "on" | "开" | "已核销" | "核销" => Ok(true),
        "否" | "n" | "no" | "0" | "false" | "off" | "关" | "未核销" => Ok(false),
        _ => Err(InputError::NotABool),
    }
}

/// Reads a decimal number (`1,234.5`, `１２３４．５`, `-0.5`): digits with at most one point,
/// a sign in front, thousands separators and spaces ignored; no exponent, no `NaN` or `inf`.
pub fn parse_number(text: &str) -> Result<f64, InputError> {
    let s: String = normalized(text).chars().filter(|c| !c.is_whitespace() && *c != ',').collect();
    let digits = s.strip_prefix(['-', '+']).unwrap_or(&s);
    let (int_part, frac_part) = digits.split_once('.').unwrap_or((digits, ""));
    if int_part.is_empty() && frac_part.is_empty()
        || !int_part.bytes().all(|b| b.is_ascii_digit())
        || !frac_part.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(InputError::NotANumber);
    }
    s.parse::<f64>().ok().filter(|x| x.is_finite()).ok_or(InputError::NotANumber)
}

/// Reads a share or rate written as a percentage (`12%`, `１２％`, `12.5 %`) or as a fraction
/// (`0.12`): both give `0.12`. A number without `%` is taken as written.
pub fn parse_share(text: &str) -> Result<f64, InputError> {
    let s = normalized(text);
    match s.strip_suffix('%') {
        Some(percent) => parse_number(percent).map(|x| x / 100.0),
        None => parse_number(&s),
    }
}

/// The longest excerpt of what was typed that a message quotes, in characters.
pub const EXCERPT_CHARS: usize = 40;

/// What was typed as a message quotes it: trimmed, at most `EXCERPT_CHARS` characters, `…`
/// after a cut — so that a huge value cannot fill a page.
pub fn excerpt(typed: &str) -> String {
    let mut chars = typed.trim().chars();
    let head: String = chars.by_ref().take(EXCERPT_CHARS).collect();
    if chars.next().is_some() { format!("{head}…") } else { head }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn fen(cell: &str) -> i64 {
        parse_money(cell, AmountUnit::Yuan).unwrap_or_else(|e| panic!("{cell}: {e}")).fen()
    }

    #[test]
    fn amounts_in_every_form_banks_write_them() {
        assert_eq!(fen("1,234.56"), 123_456);
        assert_eq!(fen("1234.5"), 123_450);
        assert_eq!(fen("123.45万"), 123_450_000);
        assert_eq!(fen("123.45万元"), 123_450_000);
        assert_eq!(fen("１２３"), 12_300);
        assert_eq!(fen("１，２３４．５６"), 123_456);
        assert_eq!(fen("(500.00)"), -50_000);
        assert_eq!(fen("-12.3"), -1_230);
        assert_eq!(fen(" 1 000 元 "), 100_000);
        assert_eq!(fen("¥1,000"), 100_000);
        assert_eq!(fen("人民币 88"), 8_800);
        assert_eq!(fen("0.005"), 1, "half a fen rounds away from zero");
        assert_eq!(fen("0.004"), 0);
        assert_eq!(fen("12.345678万"), 12_345_678, "万 with six decimals is exact to the fen");
        assert_eq!(fen("1.5亿"), 15_000_000_000);
        assert_eq!(fen("1.5亿元"), 15_000_000_000);
        assert_eq!(fen("１．２３４５亿"), 12_345_000_000, "full-width, with 亿");
        assert_eq!(parse_money("0.5亿", AmountUnit::Wan).unwrap().fen(), 5_000_000_000, "the cell's own 亿 wins");
        assert_eq!(parse_money("12.5", AmountUnit::Wan).unwrap().fen(), 12_500_000, "the column's unit applies");
        assert_eq!(parse_money("125000元", AmountUnit::Wan).unwrap().fen(), 12_500_000, "the cell's own unit wins");
        for bad in ["", "abc", "1.2.3", "12a", "万", "亿", "1万亿", "(", "--5"] {
            assert!(parse_money(bad, AmountUnit::Yuan).is_err(), "{bad:?} should not read");
        }
        assert_eq!(parse_money("99999999999999999999", AmountUnit::Yuan), Err(InputError::AmountTooLarge));
    }

    #[test]
    fn an_exact_amount_refuses_a_fraction_of_a_fen_instead_of_rounding_it() {
        // 0.00000004 万 is 0.4 fen: rounded to 0 by the tape reader, refused for a person's entry.
        assert_eq!(parse_money("0.00000004", AmountUnit::Wan).unwrap().fen(), 0);
        assert_eq!(parse_money_exact("0.00000004", AmountUnit::Wan), Err(InputError::FractionOfFen));
        assert_eq!(parse_money_exact("0.004", AmountUnit::Yuan), Err(InputError::FractionOfFen));
        assert_eq!(parse_money_exact("1.001元", AmountUnit::Wan), Err(InputError::FractionOfFen));
        // Trailing zeros and whole fen are exact, in either unit.
        assert_eq!(parse_money_exact("12.345678万", AmountUnit::Yuan).unwrap().fen(), 12_345_678);
        assert_eq!(parse_money_exact("0.01000", AmountUnit::Yuan).unwrap().fen(), 1);
        assert_eq!(parse_money_exact("(5.5)", AmountUnit::Wan).unwrap().fen(), -5_500_000);
        assert_eq!(parse_money_exact("abc", AmountUnit::Wan), Err(InputError::NotAnAmount));
    }

    #[test]
    fn dates_in_every_form() {
        let d = NaiveDate::from_ymd_opt(2023, 5, 1).unwrap();
        for cell in [
            "2023-05-01",
            "2023/5/1",
            "2023.5.1",
            "2023年5月1日",
            "20230501",
            "45047",
            "45047.0",
            "2023-05-01 00:00:00",
            "２０２３－０５－０１",
        ] {
            assert_eq!(parse_date(cell), Ok(d), "{cell}");
        }
        for bad in ["", "2023-02-30", "20231301", "May 1", "1", "99999", "2023-5", "12/31"] {
            assert!(parse_date(bad).is_err(), "{bad:?} should not read");
        }
    }

    #[test]
    fn counts_flags_and_blanks() {
        assert_eq!(parse_int("1,234"), Ok(1234));
        assert_eq!(parse_int("３０天"), Ok(30));
        assert!(parse_int("3.5").is_err());
        assert_eq!(parse_bool("是"), Ok(true));
        assert_eq!(parse_bool("N"), Ok(false));
        assert!(parse_bool("也许").is_err());
        assert!(is_blank(" — ") && is_blank("") && !is_blank("0"));
        assert!(is_blank("——") && is_blank("－") && is_blank("#N/A"));
    }

    #[test]
    fn a_share_reads_the_same_as_a_percentage_or_a_fraction_in_any_width() {
        for typed in ["12%", "１２％", "0.12", "０．１２", " 12 % ", "12％"] {
            let x = parse_share(typed).unwrap_or_else(|e| panic!("{typed}: {e}"));
            assert!((x - 0.12).abs() < 1e-12, "{typed}: {x}");
        }
        assert_eq!(parse_share("-5%").map(|x| (x * 100.0).round()), Ok(-5.0));
        assert_eq!(parse_share("1,200"), Ok(1200.0), "thousands separators");
        for bad in ["", "%", "abc", "12%%", "1.2.3", "NaN", "inf", "1e400", "12 abc"] {
            assert_eq!(parse_share(bad), Err(InputError::NotANumber), "{bad:?}");
        }
    }

    #[test]
    fn a_message_quotes_a_short_excerpt_of_what_was_typed() {
        assert_eq!(excerpt(" 五千 "), "五千");
        let long = "金".repeat(5_000);
        assert_eq!(excerpt(&long), format!("{}…", "金".repeat(EXCERPT_CHARS)));
    }

    #[test]
    fn a_number_reads_full_width_digits_and_separators() {
        assert_eq!(parse_number("１，２３４．５"), Ok(1234.5));
        assert_eq!(parse_number("-0.5"), Ok(-0.5));
        assert!(parse_number("1e3").is_err() && parse_number("").is_err() && parse_number("x").is_err());
    }

    proptest! {
        #[test]
        fn no_cell_makes_a_reader_panic(cell in "\\PC{0,40}") {
            let _ = parse_money(&cell, AmountUnit::Yuan);
            let _ = parse_money(&cell, AmountUnit::Wan);
            let _ = parse_date(&cell);
            let _ = parse_int(&cell);
            let _ = parse_bool(&cell);
            let _ = parse_share(&cell);
        }

        #[test]
        fn amounts_round_trip_through_their_written_forms(fen in -1_000_000_000_000_000i64..1_000_000_000_000_000) {
            let m = Money::from_fen(fen);
            let written = m.yuan_string(); // 1,234,567.89
            prop_assert_eq!(parse_money(&written, AmountUnit::Yuan), Ok(m));
            let in_wan = format!("{}.{:06}万", fen.abs() / 1_000_000, fen.abs() % 1_000_000);
            let expected = Money::from_fen(fen.abs());
            prop_assert_eq!(parse_money(&in_wan, AmountUnit::Yuan), Ok(expected));
            let bracketed = format!("({})", Money::from_fen(fen.abs()).yuan_string());
            prop_assert_eq!(parse_money(&bracketed, AmountUnit::Yuan), Ok(Money::from_fen(-fen.abs())));
        }

        #[test]
        fn dates_round_trip_through_their_written_forms(days in 0u64..54_000) {
            let d = NaiveDate::from_ymd_opt(1950, 1, 1).unwrap().checked_add_days(Days::new(days)).unwrap();
            use chrono::Datelike;
            for written in [
                d.format("%Y-%m-%d").to_string(),
                format!("{}/{}/{}", d.year(), d.month(), d.day()),
                format!("{}年{}月{}日", d.year(), d.month(), d.day()),
                d.format("%Y%m%d").to_string(),
                (d - excel_epoch()).num_days().to_string(),
            ] {
                prop_assert_eq!(parse_date(&written), Ok(d), "{}", written);
            }
        }
    }
}
