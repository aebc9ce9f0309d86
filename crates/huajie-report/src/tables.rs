//! Plain tabular workbooks: each table a sheet, an optional title block, a bold header
//! row and typed cells. The compliance book's export (which its import reads back) and
//! the regulator's quarterly report are built this way.

use rust_xlsxwriter::{Format, Workbook, XlsxError};

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    /// Yuan, shown with two decimals.
    Yuan(f64),
    /// A plain number.
    Number(f64),
    /// A ratio shown as a percentage (0.1 → 10.00%).
    Percent(f64),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub sheet: String,
    /// Lines above the header (none for a sheet meant to be read back).
    pub title: Vec<String>,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// Excel's limit on sheet names, and the characters it refuses in them.
fn sheet_name(name: &str) -> String {
    name.chars().filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\')).take(31).collect()
}

pub fn tables_xlsx(tables: &[Table]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let yuan = Format::new().set_num_format("#,##0.00");
    let pct = Format::new().set_num_format("0.00%");
    for t in tables {
        let ws = book.add_worksheet();
        ws.set_name(sheet_name(&t.sheet))?;
        let mut r = 0u32;
        for line in &t.title {
            ws.write_string_with_format(r, 0, line, &bold)?;
            r += 1;
        }
        if !t.title.is_empty() {
            r += 1;
        }
        for (c, h) in t.header.iter().enumerate() {
            ws.write_string_with_format(r, c as u16, h, &bold)?;
            ws.set_column_width(c as u16, (h.chars().count() as f64 * 2.0).clamp(10.0, 40.0))?;
        }
        for row in &t.rows {
            r += 1;
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                match cell {
                    Cell::Text(s) => ws.write_string(r, c, s).map(drop)?,
                    Cell::Yuan(x) => ws.write_number_with_format(r, c, *x, &yuan).map(drop)?,
                    Cell::Number(x) => ws.write_number(r, c, *x).map(drop)?,
                    Cell::Percent(x) => ws.write_number_with_format(r, c, *x, &pct).map(drop)?,
                }
            }
        }
    }
    book.save_to_buffer()
}
