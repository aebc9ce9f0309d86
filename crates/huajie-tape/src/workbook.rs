//! Reading `.xlsx`, `.xlsb`, `.xls` and `.ods` tapes: every sheet as rows of text,
//! numbered as Excel numbers them, with cells in their own columns (so the report's
//! column letters match what the user sees). Merged cells arrive as their top-left value
//! followed by blanks, which is what header detection expects. Rows without a value are
//! left out.
//!
//! A workbook is a zip of XML (`.xlsx`, `.xlsb`, `.ods`), and a few megabytes of zip can
//! stand for gigabytes of cells. So before calamine opens one, `check_zip` walks every
//! entry through the decompressor with a hard cap on the bytes it yields (the sizes the
//! archive declares are not trusted), and the cells are then read one at a time, sparse,
//! with caps on rows, cells (blanks a row is padded with included) and text: a workbook
//! over any of `LIMITS` is refused with the limit it broke, before it costs the memory.
//! The same reader serves the compliance book's workbook import.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};

use calamine::{Data, DataRef, DataType, Reader, Xls, Xlsb, Xlsx};

use crate::header::{HEADER_SEARCH_ROWS, detect_header};
use crate::reader::{ReadError, RowItem, WorkbookFault, WorkbookLimit};

/// What a workbook may hold to be read at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes all the archive's entries decompress to, together.
    pub decompressed_bytes: u64,
    /// Entries in the archive.
    pub entries: usize,
    /// Rows with a value, over all sheets.
    pub rows: usize,
    /// Cells kept, over all sheets: a row's cells up to its last value, blanks included.
    pub cells: usize,
    /// Bytes of cell text (UTF-8), over all sheets.
    pub text_bytes: usize,
}

/// The limits every workbook upload is read under (tapes and the compliance book). A
/// tape of 100,000 rows of 11 columns is a tenth of them; a bigger tape goes in as CSV,
/// which is read as a stream and has no such limits.
pub const LIMITS: Limits = Limits {
    decompressed_bytes: 256 * 1024 * 1024,
    entries: 10_000,
    rows: 1_048_576,
    cells: 4_000_000,
    text_bytes: 128 * 1024 * 1024,
};

/// One sheet of a workbook.
#[derive(Debug, Clone)]
pub struct Sheet {
    pub name: String,
    pub rows: Vec<RowItem>,
}

/// Reads every sheet of a workbook held in memory, under `LIMITS`.
pub fn read_workbook(bytes: Vec<u8>) -> Result<Vec<Sheet>, ReadError> {
    read_workbook_with(bytes, &LIMITS)
}

/// `read_workbook` under other limits.
pub fn read_workbook_with(bytes: Vec<u8>, limits: &Limits) -> Result<Vec<Sheet>, ReadError> {
    if bytes.is_empty() {
        return Err(ReadError::Empty);
    }
    let mut budget = Budget { limits: *limits, rows: 0, cells: 0, text: 0 };
    if bytes.starts_with(b"PK\x03\x04") {
        match check_zip(&bytes, limits)? {
            ZipKind::Xlsx => {
                let mut book = Xlsx::new(Cursor::new(bytes)).map_err(xlsx_fault)?;
                let names = book.sheet_names().to_vec();
                let mut sheets = Vec::with_capacity(names.len());
                for name in names {
                    let mut cells = book.worksheet_cells_reader(&name).map_err(xlsx_fault)?;
                    let mut sheet = SheetBuilder::default();
                    while let Some(cell) = cells.next_cell().map_err(xlsx_fault)? {
                        sheet.push(&mut budget, cell.get_position(), cell.get_value())?;
                    }
                    sheets.push(sheet.finish(name));
                }
                Ok(sheets)
            }
            ZipKind::Xlsb => {
                let mut book = Xlsb::new(Cursor::new(bytes)).map_err(|e| damaged(&e))?;
                let names = book.sheet_names().to_vec();
                let mut sheets = Vec::with_capacity(names.len());
                for name in names {
                    let mut cells = book.worksheet_cells_reader(&name).map_err(|e| damaged(&e))?;
                    let mut sheet = SheetBuilder::default();
                    while let Some(cell) = cells.next_cell().map_err(|e| damaged(&e))? {
                        sheet.push(&mut budget, cell.get_position(), cell.get_value())?;
                    }
                    sheets.push(sheet.finish(name));
                }
                Ok(sheets)
            }
            ZipKind::Ods => {
                let mut book = calamine::Ods::new(Cursor::new(bytes)).map_err(|e| damaged(&e))?;
                dense_sheets(&mut book, &mut budget, |e| damaged(&e))
            }
        }
    } else if bytes.starts_with(b"\xD0\xCF\x11\xE0") {
        // An old `.xls`, or an `.xlsx` saved with a password (both are OLE containers).
        let mut book = Xls::new(Cursor::new(bytes)).map_err(|e| match e {
            calamine::XlsError::Password => ReadError::BadWorkbook(WorkbookFault::Encrypted),
            e => damaged(&e),
        })?;
        dense_sheets(&mut book, &mut budget, |e| damaged(&e))
    } else {
        Err(ReadError::BadWorkbook(WorkbookFault::NotAWorkbook))
    }
}

fn damaged(e: &dyn std::fmt::Display) -> ReadError {
    ReadError::BadWorkbook(WorkbookFault::Damaged(e.to_string()))
}

fn xlsx_fault(e: calamine::XlsxError) -> ReadError {
    match e {
        calamine::XlsxError::Password => ReadError::BadWorkbook(WorkbookFault::Encrypted),
        e => damaged(&e),
    }
}

/// What a zip holds, judged by its entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ZipKind {
    Xlsx,
    Xlsb,
    Ods,
}

/// Walks every entry of a zip through the decompressor, counting what it yields against
/// the limit (stopping as soon as it is passed), and tells what kind of workbook it is.
/// An `.ods` also has its table content counted, repeats included, as calamine would
/// spread it out.
fn check_zip(bytes: &[u8], limits: &Limits) -> Result<ZipKind, ReadError> {
    let entries = declared_entries(bytes).ok_or_else(|| damaged(&"no end of central directory"))?;
    if entries > limits.entries as u64 {
        return Err(ReadError::TooLarge(WorkbookLimit::Entries(limits.entries)));
    }
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| damaged(&e))?;
    if zip.len() > limits.entries {
        return Err(ReadError::TooLarge(WorkbookLimit::Entries(limits.entries)));
    }
    let too_large = || ReadError::TooLarge(WorkbookLimit::Decompressed(limits.decompressed_bytes));
    let mut total: u64 = 0;
    let mut names = Vec::with_capacity(zip.len());
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(|e| match e {
            zip::result::ZipError::UnsupportedArchive(m) if m.contains("assword") => {
                ReadError::BadWorkbook(WorkbookFault::Encrypted)
            }
            e => damaged(&e),
        })?;
        if entry.encrypted() {
            return Err(ReadError::BadWorkbook(WorkbookFault::Encrypted));
        }
        let left = limits.decompressed_bytes.saturating_sub(total);
        if entry.size() > left {
            return Err(too_large());
        }
        let n = std::io::copy(&mut (&mut entry).take(left + 1), &mut std::io::sink()).map_err(|e| damaged(&e))?;
        total += n;
        if total > limits.decompressed_bytes {
            return Err(too_large());
        }
        names.push(entry.name().map(|n| n.into_owned()).unwrap_or_default());
    }
    let has = |name: &str| names.iter().any(|n| n == name);
    if names.iter().any(|n| n.starts_with("xl/") && n.ends_with(".bin") && n.contains("workbook")) {
        Ok(ZipKind::Xlsb)
    } else if has("content.xml") && !names.iter().any(|n| n.starts_with("xl/")) {
        let content = zip.by_name("content.xml").map_err(|e| damaged(&e))?;
        count_ods_cells(content.take(limits.decompressed_bytes), limits)?;
        Ok(ZipKind::Ods)
    } else {
        Ok(ZipKind::Xlsx)
    }
}

/// The number of entries the end-of-central-directory record declares (zip64 too),
/// read before the archive's directory is: a directory of millions of empty entries is
/// itself a bomb.
fn declared_entries(bytes: &[u8]) -> Option<u64> {
    const EOCD: &[u8] = b"PK\x05\x06";
    let search_from = bytes.len().saturating_sub(22 + 65_535);
    let at = (search_from..=bytes.len().checked_sub(22)?).rev().find(|&i| bytes[i..].starts_with(EOCD))?;
    let u16_at = |i: usize| Some(u64::from(u16::from_le_bytes(bytes.get(i..i + 2)?.try_into().ok()?)));
    let entries = u16_at(at + 10)?;
    if entries != 0xFFFF {
        return Some(entries);
    }
    // Zip64: the locator sits just before the record and points at the zip64 record.
    let locator = at.checked_sub(20)?;
    if !bytes[locator..].starts_with(b"PK\x06\x07") {
        return Some(entries);
    }
    let offset = u64::from_le_bytes(bytes.get(locator + 8..locator + 16)?.try_into().ok()?);
    let record = usize::try_from(offset).ok()?;
    if !bytes.get(record..)?.starts_with(b"PK\x06\x06") {
        return None;
    }
    Some(u64::from_le_bytes(bytes.get(record + 32..record + 40)?.try_into().ok()?))
}

/// Counts the cells and text an `.ods`'s tables spread out to (a cell repeated over
/// columns, a row over rows), the way calamine reads them: blank cells count only when a
/// value follows them in their row.
fn count_ods_cells(content: impl Read, limits: &Limits) -> Result<(), ReadError> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(std::io::BufReader::new(content));
    let mut buf = Vec::new();
    let (mut cells, mut text, mut rows) = (0u64, 0u64, 0u64);
    // The row being read: its repeat count, the cells and text of one copy, the blanks pending.
    let (mut row_repeats, mut row_cells, mut row_text, mut blanks) = (1u64, 0u64, 0u64, 0u64);
    // The cell being read: its repeat count, whether it holds a value, its text.
    let mut cell: Option<(u64, bool, u64)> = None;
    let repeats = |e: &quick_xml::events::BytesStart, name: &str| -> u64 {
        e.attributes().flatten().find(|a| a.key.as_ref() == name).and_then(|a| a.value.parse().ok()).unwrap_or(1)
    };
    let has_value = |e: &quick_xml::events::BytesStart| {
        e.attributes().flatten().any(|a| matches!(a.key.as_ref(), "office:value-type" | "table:formula"))
    };
    loop {
        let event = reader.read_event_into(&mut buf).map_err(|e| damaged(&e))?;
        match event {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == "table:table-row" => {
                row_repeats = repeats(&e, "table:number-rows-repeated");
                (row_cells, row_text, blanks) = (0, 0, 0);
            }
            Event::End(e) if e.name().as_ref() == "table:table-row" => {
                if row_cells > 0 {
                    rows = rows.saturating_add(row_repeats);
                }
                cells = cells.saturating_add(row_cells.saturating_mul(row_repeats));
                text = text.saturating_add(row_text.saturating_mul(row_repeats));
                if rows > limits.rows as u64 {
                    return Err(ReadError::TooLarge(WorkbookLimit::Rows(limits.rows)));
                }
                if cells > limits.cells as u64 {
                    return Err(ReadError::TooLarge(WorkbookLimit::Cells(limits.cells)));
                }
                if text > limits.text_bytes as u64 {
                    return Err(ReadError::TooLarge(WorkbookLimit::Text(limits.text_bytes)));
                }
            }
            Event::Start(e) if matches!(e.name().as_ref(), "table:table-cell" | "table:covered-table-cell") => {
                cell = Some((repeats(&e, "table:number-columns-repeated"), has_value(&e), 0));
            }
            Event::Empty(e) if matches!(e.name().as_ref(), "table:table-cell" | "table:covered-table-cell") => {
                let n = repeats(&e, "table:number-columns-repeated");
                if has_value(&e) {
                    row_cells = row_cells.saturating_add(blanks).saturating_add(n);
                    blanks = 0;
                } else {
                    blanks = blanks.saturating_add(n);
                }
            }
            Event::Text(t) => {
                if let Some((_, value, len)) = &mut cell {
                    *len = len.saturating_add(t.len() as u64);
                    *value = true;
                }
            }
            Event::End(e) if matches!(e.name().as_ref(), "table:table-cell" | "table:covered-table-cell") => {
                if let Some((n, value, len)) = cell.take() {
                    if value {
                        row_cells = row_cells.saturating_add(blanks).saturating_add(n);
                        row_text = row_text.saturating_add(len.saturating_mul(n));
                        blanks = 0;
                    } else {
                        blanks = blanks.saturating_add(n);
                    }
                }
            }
            _ => {}
        }
        buf.clear();
    }
    Ok(())
}

/// What the sheets read so far have taken of the limits.
struct Budget {
    limits: Limits,
    rows: usize,
    cells: usize,
    text: usize,
}

/// One sheet's rows, built cell by cell.
#[derive(Default)]
struct SheetBuilder {
    /// 0-based row → its cells.
    rows: BTreeMap<u32, Vec<String>>,
}

/// The text of a value as the tape's readers take it, `None` for no value.
trait CellValue {
    /// Bytes the text will take, known before it is made (a shared string is not copied yet).
    fn text_len(&self) -> Option<usize>;
    fn text(&self) -> String;
}

impl CellValue for DataRef<'_> {
    fn text_len(&self) -> Option<usize> {
        match self {
            DataRef::Empty | DataRef::Error(_) => None,
            DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Some(s.len()),
            DataRef::SharedString(s) => Some(s.len()),
            _ => Some(24),
        }
    }
    fn text(&self) -> String {
        match self {
            DataRef::Empty | DataRef::Error(_) => String::new(),
            DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
            DataRef::SharedString(s) => (*s).to_string(),
            DataRef::Int(i) => i.to_string(),
            DataRef::Bool(b) => b.to_string(),
            DataRef::Float(f) => float_text(*f),
            DataRef::DateTime(d) => datetime_text(d.as_datetime(), d.as_f64()),
        }
    }
}

impl CellValue for Data {
    fn text_len(&self) -> Option<usize> {
        match self {
            Data::Empty | Data::Error(_) => None,
            Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => Some(s.len()),
            _ => Some(24),
        }
    }
    fn text(&self) -> String {
        match self {
            Data::Empty | Data::Error(_) => String::new(),
            Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
            Data::Int(i) => i.to_string(),
            Data::Bool(b) => b.to_string(),
            Data::Float(f) => float_text(*f),
            Data::DateTime(d) => datetime_text(self.as_datetime(), d.as_f64()),
        }
    }
}

/// Whole numbers without a decimal point; others in the shortest form that reads back
/// to the same double (1234.56 stays 1234.56).
fn float_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 { format!("{}", f as i64) } else { format!("{f}") }
}

fn datetime_text(t: Option<chrono::NaiveDateTime>, serial: f64) -> String {
    match t {
        Some(t) if t.time() == chrono::NaiveTime::MIN => t.date().format("%Y-%m-%d").to_string(),
        Some(t) => t.format("%Y-%m-%d %H:%M:%S").to_string(),
        None => serial.to_string(),
    }
}

impl SheetBuilder {
    /// Adds one cell at its 0-based (row, column), within the budget.
    fn push(&mut self, budget: &mut Budget, (row, col): (u32, u32), value: &impl CellValue) -> Result<(), ReadError> {
        let Some(len) = value.text_len() else { return Ok(()) };
        if budget.text.saturating_add(len) > budget.limits.text_bytes {
            return Err(ReadError::TooLarge(WorkbookLimit::Text(budget.limits.text_bytes)));
        }
        let col = col as usize;
        if !self.rows.contains_key(&row) {
            if budget.rows >= budget.limits.rows {
                return Err(ReadError::TooLarge(WorkbookLimit::Rows(budget.limits.rows)));
            }
            budget.rows += 1;
        }
        let cells = self.rows.entry(row).or_default();
        let grows = (col + 1).saturating_sub(cells.len());
        if budget.cells.saturating_add(grows) > budget.limits.cells {
            return Err(ReadError::TooLarge(WorkbookLimit::Cells(budget.limits.cells)));
        }
        budget.cells += grows;
        budget.text += len;
        if grows > 0 {
            cells.resize(col + 1, String::new());
        }
        cells[col] = value.text();
        Ok(())
    }

    fn finish(self, name: String) -> Sheet {
        Sheet { name, rows: self.rows.into_iter().map(|(r, cells)| Ok((r as usize + 1, cells))).collect() }
    }
}

/// Every sheet of a workbook calamine reads whole (`.xls`, `.ods`), within the budget.
fn dense_sheets<R, E>(
    book: &mut R,
    budget: &mut Budget,
    fault: impl Fn(E) -> ReadError,
) -> Result<Vec<Sheet>, ReadError>
where
    R: Reader<Cursor<Vec<u8>>, Error = E>,
{
    let names = book.sheet_names().to_vec();
    let mut sheets = Vec::with_capacity(names.len());
    for name in names {
        let range = book.worksheet_range(&name).map_err(&fault)?;
        let (first_row, first_col) = range.start().unwrap_or((0, 0));
        let mut sheet = SheetBuilder::default();
        for (i, cells) in range.rows().enumerate() {
            for (j, cell) in cells.iter().enumerate() {
                sheet.push(budget, (first_row + i as u32, first_col + j as u32), cell)?;
            }
        }
        sheets.push(sheet.finish(name));
    }
    Ok(sheets)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_entries_a_zip_declares_are_read_from_its_end() {
        let mut out = Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut out);
        for i in 0..3 {
            zip.start_file(format!("f{i}"), zip::write::SimpleFileOptions::default()).unwrap();
        }
        zip.finish().unwrap();
        assert_eq!(declared_entries(out.get_ref()), Some(3));
        assert_eq!(declared_entries(b"PK\x03\x04 not a whole zip"), None);
    }
}
