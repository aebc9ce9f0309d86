//! Plain tabular workbooks: each table a sheet, an optional title block, a bold header
//! row and typed cells — numbers as numbers with their format, dates as dates, never as
//! text. The compliance book's export (which its import reads back) is built this way,
//! and the regulator's quarterly report writes its summary and findings with `write_table`.
//! Sheet names are made to fit Excel's rules here (`sheet_names`).

use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook, Worksheet, XlsxError};

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    /// Yuan, shown with thousands separators and two decimals (the header names the unit).
    Yuan(f64),
    /// 万元 kept to the fen: thousands separators, two to six decimals.
    Wan(f64),
    /// A plain number.
    Number(f64),
    /// A ratio shown as a percentage (0.1 → 10.00%).
    Percent(f64),
    /// A multiple shown with two decimals and "×" (3.2 → 3.20×).
    Multiple(f64),
    /// A date as `YYYY-MM-DD` (written as a real date; text when it is not one).
    Date(String),
    /// A formula, with its result at the run's inputs as the cell to show (its format).
    Formula(String, Box<Cell>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub sheet: String,
    /// Lines above the header (none for a sheet meant to be read back).
    pub title: Vec<String>,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// Excel's limit on a sheet name's length.
pub const SHEET_NAME_MAX: usize = 31;

/// A sheet name Excel accepts: without the characters it refuses (`[]:*?/\`, and an
/// apostrophe at either end), at most 31 characters — cut at a word's end, not inside
/// one — and never empty.
pub fn sheet_name(name: &str) -> String {
    let clean: String = name.chars().filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\')).collect();
    let clean = clean.trim().trim_matches('\'').trim();
    let chars: Vec<char> = clean.chars().collect();
    if chars.len() <= SHEET_NAME_MAX {
        return if clean.is_empty() { "Sheet".to_string() } else { clean.to_string() };
    }
    // Inside a word when both sides of the cut are letters or digits of a spaced script;
    // a Chinese text may be cut between any two characters.
    let word = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '\'';
    let mut end = SHEET_NAME_MAX;
    if word(chars[end - 1])
        && word(chars[end])
        && let Some(space) = chars[..end].iter().rposition(|c| !word(*c))
    {
        end = space;
    }
    let cut: String = chars[..end].iter().collect();
    cut.trim_end_matches(|c: char| c.is_whitespace() || matches!(c, '·' | ',' | '，' | '、' | '-' | '(' | '（'))
        .to_string()
}

/// Sheet names for `names`, each made acceptable by `sheet_name` and unique as Excel
/// compares them (ignoring case): a repeat gets " (2)", " (3)"… within the 31 characters.
pub fn sheet_names<S: AsRef<str>>(names: &[S]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(names.len());
    for n in names {
        let base = sheet_name(n.as_ref());
        let mut name = base.clone();
        let mut k = 2;
        while out.iter().any(|o| o.to_lowercase() == name.to_lowercase()) {
            let suffix = format!(" ({k})");
            let room = SHEET_NAME_MAX - suffix.chars().count();
            name = format!("{}{suffix}", base.chars().take(room).collect::<String>().trim_end());
            k += 1;
        }
        out.push(name);
    }
    out
}

/// The formats of typed cells, made once per workbook.
pub struct Formats {
    pub bold: Format,
    pub yuan: Format,
    pub wan: Format,
    pub percent: Format,
    pub multiple: Format,
    pub date: Format,
}

impl Default for Formats {
    fn default() -> Formats {
        Formats {
            bold: Format::new().set_bold(),
            yuan: Format::new().set_num_format("#,##0.00"),
            wan: Format::new().set_num_format("#,##0.00####"),
            percent: Format::new().set_num_format("0.00%"),
            multiple: Format::new().set_num_format("0.00\"×\""),
            date: Format::new().set_num_format("yyyy-mm-dd"),
        }
    }
}

/// A date string (`YYYY-MM-DD`, optionally with a time) as Excel's date, if it is one.
pub fn excel_date(text: &str) -> Option<ExcelDateTime> {
    let t = text.trim();
    let b = t.as_bytes();
    let looks = b.len() >= 10 && b[4] == b'-' && b[7] == b'-' && b[..4].iter().all(u8::is_ascii_digit);
    if !looks {
        return None;
    }
    ExcelDateTime::parse_from_str(t).ok().filter(|d| d.to_excel() >= 1.0)
}

/// The result a formula cell carries for readers that do not calculate.
fn result_text(cell: &Cell) -> String {
    match cell {
        Cell::Text(s) | Cell::Date(s) => s.clone(),
        Cell::Yuan(x) | Cell::Wan(x) | Cell::Number(x) | Cell::Percent(x) | Cell::Multiple(x) => format!("{x}"),
        Cell::Formula(_, inner) => result_text(inner),
    }
}

/// Writes one typed cell.
pub fn write_cell(ws: &mut Worksheet, r: u32, c: u16, cell: &Cell, f: &Formats) -> Result<(), XlsxError> {
    match cell {
        Cell::Text(s) => ws.write_string(r, c, s).map(drop),
        Cell::Yuan(x) => ws.write_number_with_format(r, c, *x, &f.yuan).map(drop),
        Cell::Wan(x) => ws.write_number_with_format(r, c, *x, &f.wan).map(drop),
        Cell::Number(x) => ws.write_number(r, c, *x).map(drop),
        Cell::Percent(x) => ws.write_number_with_format(r, c, *x, &f.percent).map(drop),
        Cell::Multiple(x) => ws.write_number_with_format(r, c, *x, &f.multiple).map(drop),
        Cell::Date(s) => match excel_date(s) {
            Some(d) => ws.write_datetime_with_format(r, c, &d, &f.date).map(drop),
            None => ws.write_string(r, c, s).map(drop),
        },
        Cell::Formula(formula, shown) => {
            let formula = Formula::new(formula).set_result(result_text(shown));
            let format = match shown.as_ref() {
                Cell::Yuan(_) => Some(&f.yuan),
                Cell::Wan(_) => Some(&f.wan),
                Cell::Percent(_) => Some(&f.percent),
                Cell::Multiple(_) => Some(&f.multiple),
                Cell::Date(_) => Some(&f.date),
                _ => None,
            };
            match format {
                Some(format) => ws.write_formula_with_format(r, c, formula, format).map(drop),
                None => ws.write_formula(r, c, formula).map(drop),
            }
        }
    }
}

/// Writes a table from row `start` of `ws`: its title lines, a blank row, the header, the
/// rows. Returns the 0-based row of the header.
pub fn write_table(ws: &mut Worksheet, start: u32, t: &Table, f: &Formats) -> Result<u32, XlsxError> {
    let mut r = start;
    for line in &t.title {
        ws.write_string_with_format(r, 0, line, &f.bold)?;
        r += 1;
    }
    if !t.title.is_empty() {
        r += 1;
    }
    let header = r;
    for (c, h) in t.header.iter().enumerate() {
        ws.write_string_with_format(r, c as u16, h, &f.bold)?;
        ws.set_column_width(c as u16, (h.chars().count() as f64 * 2.0).clamp(10.0, 40.0))?;
    }
    for row in &t.rows {
        r += 1;
        for (c, cell) in row.iter().enumerate() {
            write_cell(ws, r, c as u16, cell, f)?;
        }
    }
    Ok(header)
}

pub fn tables_xlsx(tables: &[Table]) -> Result<Vec<u8>, XlsxError> {
    tables_book(tables)?.save_to_buffer()
}

/// The tables as a workbook signed by `signoff` (`signoff::sign_workbook`): a report to
/// take away (or the compliance book's sheets, whose import passes over the sign-off sheet).
pub fn signed_tables_xlsx(
    tables: &[Table],
    title: &str,
    signoff: &crate::signoff::Signoff,
    lang: huajie_core::Lang,
) -> Result<Vec<u8>, XlsxError> {
    crate::signoff::signed_book(tables_book(tables)?, title, signoff, lang)
}

fn tables_book(tables: &[Table]) -> Result<Workbook, XlsxError> {
    let mut book = Workbook::new();
    let f = Formats::default();
    let names = sheet_names(&tables.iter().map(|t| t.sheet.as_str()).collect::<Vec<_>>());
    for (t, name) in tables.iter().zip(names) {
        let ws = book.add_worksheet();
        ws.set_name(name)?;
        write_table(ws, 0, t, &f)?;
    }
    Ok(book)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_fit_excel_and_stay_readable() {
        // Cut at a word's end, not inside one.
        let long = "Q6 Main business: financial NPA acquisitions at least 30% of new investment";
        let name = sheet_name(long);
        assert!(name.chars().count() <= SHEET_NAME_MAX, "{name}");
        assert_eq!(name, "Q6 Main business financial NPA");
        // Chinese may be cut anywhere; refused characters go.
        let zh = sheet_name("主业比例：近三年收购金融不良资产不低于新增投资的 30%，按年度列示并附明细");
        assert_eq!(zh.chars().count(), SHEET_NAME_MAX);
        assert!(!zh.contains('/') && !zh.contains(':'));
        assert_eq!(sheet_name("a/b[c]"), "abc");
        assert_eq!(sheet_name("''"), "Sheet");
        // Unique as Excel compares them.
        assert_eq!(sheet_names(&["Summary", "summary", "SUMMARY"]), ["Summary", "summary (2)", "SUMMARY (3)"]);
        let twice = sheet_names(&[long, long]);
        assert_ne!(twice[0], twice[1]);
        assert!(twice.iter().all(|n| n.chars().count() <= SHEET_NAME_MAX));
    }

    #[test]
    fn dates_are_dates_and_other_text_stays_text() {
        assert_eq!(excel_date("2026-09-30").map(|d| d.to_excel()), Some(46295.0));
        assert!(excel_date("2026-11-28T10:00:00Z").is_some());
        assert!(excel_date("v3").is_none() && excel_date("—").is_none() && excel_date("").is_none());
    }
}
