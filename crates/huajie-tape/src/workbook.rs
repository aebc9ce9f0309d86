//! Reading `.xlsx`, `.xls` (and `.ods`) tapes with calamine: every sheet as rows of text,
//! numbered as Excel numbers them, with cells in their own columns (so the report's
//! column letters match what the user sees). Merged cells arrive as their top-left value
//! followed by blanks, which is what header detection expects.

use std::io::Cursor;

use calamine::{Data, DataType, Reader, open_workbook_auto_from_rs};

use crate::header::{HEADER_SEARCH_ROWS, detect_header};
use crate::reader::{CELL_CHARS_MAX, ReadError, RowItem};

/// One sheet of a workbook.
#[derive(Debug, Clone)]
pub struct Sheet {
    pub name: String,
    pub rows: Vec<RowItem>,
}

/// Reads every sheet of a workbook held in memory.
pub fn read_workbook(bytes: Vec<u8>) -> Result<Vec<Sheet>, ReadError> {
    if bytes.is_empty() {
        return Err(ReadError::Empty);
    }
    let mut book = open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| ReadError::BadWorkbook(e.to_string()))?;
    let names = book.sheet_names().to_vec();
    let mut sheets = Vec::with_capacity(names.len());
    for name in names {
        let range = book.worksheet_range(&name).map_err(|e| ReadError::BadWorkbook(format!("{name}: {e}")))?;
        let (first_row, first_col) = range.start().map(|(r, c)| (r as usize, c as usize)).unwrap_or((0, 0));
        let rows = range
            .rows()
            .enumerate()
            .map(|(i, cells)| {
                let row = first_row + i + 1;
                let mut out = vec![String::new(); first_col];
                for (j, cell) in cells.iter().enumerate() {
                    let text = cell_text(cell);
                    if text.chars().count() > CELL_CHARS_MAX {
                        return Err(ReadError::CellTooLong { row, column: first_col + j + 1, max: CELL_CHARS_MAX });
                    }
                    out.push(text);
                }
                Ok((row, out))
            })
            .collect();
        sheets.push(Sheet { name, rows });
    }
    Ok(sheets)
}

/// The text a user sees for a cell, in the forms the coercers read.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        // Whole numbers without a decimal point; others in the shortest form that reads
        // back to the same double (1234.56 stays 1234.56).
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => format!("{f}"),
        Data::DateTime(d) => match cell.as_datetime() {
            Some(t) if t.time() == chrono::NaiveTime::MIN => t.date().format("%Y-%m-%d").to_string(),
            Some(t) => t.format("%Y-%m-%d %H:%M:%S").to_string(),
            None => d.as_f64().to_string(),
        },
    }
}

/// The sheet that holds the claims: the one whose header names the most fields.
pub fn claims_sheet(sheets: &[Sheet]) -> Option<usize> {
    sheets
        .iter()
        .enumerate()
        .filter_map(|(i, s)| {
            let head: Vec<Vec<String>> = s
                .rows
                .iter()
                .take(HEADER_SEARCH_ROWS)
                .filter_map(|r| r.as_ref().ok())
                .map(|(_, c)| c.clone())
                .collect();
            let header = detect_header(&head)?;
            let claim_fields = header
                .columns
                .iter()
                .filter(|c| c.field.is_some_and(|f| f.entity() == crate::fields::Entity::Claim))
                .count();
            Some((i, claim_fields))
        })
        .max_by_key(|(i, score)| (*score, std::cmp::Reverse(*i)))
        .map(|(i, _)| i)
}
