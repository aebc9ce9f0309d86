//! The whole read of a claims tape: rows in, header found, every row checked, the `合计`
//! row compared, completeness scored.

use crate::header::{HEADER_SEARCH_ROWS, Header, is_total_row};
use crate::problem::{Problem, Rule};
use crate::reader::{ReadError, RowItem};
use crate::sheet::{ClaimSheet, FieldCompleteness, SheetOptions, TapeClaim};

huajie_core::named_enum! {
    /// What to do with a tape that has rejected rows.
    pub enum ImportPolicy {
        Strict = ("strict", "有错即整体拒绝", "Reject the tape on any error"),
        Partial = ("partial", "载入有效行，暂存错误行", "Load valid rows, hold the rest"),
    }
}

impl ImportPolicy {
    /// Whether a tape with these rejected rows may load under this policy.
    pub fn allows(self, rejected_rows: usize) -> bool {
        self == ImportPolicy::Partial || rejected_rows == 0
    }
}

/// Data rows kept as samples for the mapping screen.
const SAMPLE_ROWS: usize = 3;

/// What reading a tape produced.
#[derive(Debug, Clone)]
pub struct TapeRead {
    pub header: Header,
    /// The (last) header row as Excel numbers it.
    pub header_row: usize,
    pub cutoff_date: chrono::NaiveDate,
    /// Valid claims, in tape order; empty when they were handed to a sink instead
    /// (`read_tape_each`).
    pub claims: Vec<TapeClaim>,
    /// How many valid claims the tape has, kept or not.
    pub valid_claims: usize,
    /// Every problem: rejected rows and warnings, in tape order, then the 合计 row's.
    pub problems: Vec<Problem>,
    /// Data rows read (blank rows and the 合计 row not counted).
    pub rows_read: usize,
    /// Excel row number of the 合计 row, when there is one.
    pub total_row: Option<usize>,
    pub completeness: Vec<FieldCompleteness>,
    /// Overall completeness, per cent.
    pub completeness_score: u8,
    /// Collateral from linked collateral sheets.
    pub linked_collateral: Vec<crate::linked::LinkedCollateral>,
    /// Guarantors from linked guarantor sheets.
    pub linked_guarantors: Vec<crate::linked::LinkedGuarantor>,
    /// Read as a personal batch (个贷批量, `SheetOptions::personal_batch`).
    pub personal_batch: bool,
    /// The name of the claims sheet of a workbook (`None` for CSV).
    pub claims_sheet: Option<String>,
}

/// The validation report of a tape: what a user reads on screen or in Excel, kept with
/// the import. Serialisable, so it can be stored and shown again.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TapeReport {
    pub file_name: String,
    pub cutoff_date: chrono::NaiveDate,
    pub header_row: usize,
    pub rows_read: usize,
    pub valid_claims: usize,
    pub rejected_rows: usize,
    pub completeness_score: u8,
    pub problems: Vec<Problem>,
    pub completeness: Vec<FieldCompleteness>,
    /// The name of the claims sheet of a workbook: where the problems without a sheet of
    /// their own are. Absent for CSV (and in reports stored before it was kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claims_sheet: Option<String>,
}

impl TapeReport {
    pub fn new(read: &TapeRead, file_name: &str) -> TapeReport {
        TapeReport {
            file_name: file_name.to_string(),
            cutoff_date: read.cutoff_date,
            header_row: read.header_row,
            rows_read: read.rows_read,
            valid_claims: read.valid_claims,
            rejected_rows: read.rejected_rows(),
            completeness_score: read.completeness_score,
            problems: read.problems.clone(),
            completeness: read.completeness.clone(),
            claims_sheet: read.claims_sheet.clone(),
        }
    }

    /// Problems of one severity.
    pub fn count(&self, severity: crate::problem::Severity) -> usize {
        self.problems.iter().filter(|p| p.severity() == severity).count()
    }
}

impl TapeRead {
    /// Whether the tape says anything about collateral and about guarantors: a column on
    /// the claims sheet, or items of a linked sheet.
    pub fn carries(&self) -> crate::diff::Carries {
        let has = |entity: crate::fields::Entity| {
            self.header.columns.iter().any(|c| c.field.is_some_and(|f| f.entity() == entity))
        };
        crate::diff::Carries {
            collateral: has(crate::fields::Entity::Collateral) || !self.linked_collateral.is_empty(),
            guarantors: has(crate::fields::Entity::Guarantor) || !self.linked_guarantors.is_empty(),
        }
    }

    /// Rows rejected, each counted once (a row of a linked sheet counts as its own).
    pub fn rejected_rows(&self) -> usize {
        let rows: std::collections::HashSet<(Option<&str>, usize)> = self
            .problems
            .iter()
            .filter(|p| p.severity() == crate::problem::Severity::Rejected)
            .filter_map(|p| p.row.map(|r| (p.sheet.as_deref(), r)))
            .collect();
        rows.len()
    }
}

/// What the row loop hands to a sink, row by row.
#[derive(Debug)]
#[expect(
    clippy::large_enum_variant,
    reason = "a claim per row, moved straight on: boxing it would cost an allocation per row"
)]
pub enum RowEvent {
    /// The header is found and the tape can be read: before any claim.
    Started { cutoff_date: chrono::NaiveDate },
    /// A valid claim.
    Claim(TapeClaim),
    /// A row that was rejected (so a strict import can stop writing early).
    Rejected,
}

/// A receiver of the rows of a tape as they are checked.
pub type Sink<'a> = &'a mut dyn FnMut(RowEvent);

/// Reads a claims tape from its rows. `Err` holds the problems that stop the whole tape
/// (no header, no cut-off date, a mandatory column missing, an unreadable file).
pub fn read_claims<I>(rows: I, options: SheetOptions) -> Result<TapeRead, Vec<Problem>>
where
    I: IntoIterator<Item = RowItem>,
{
    read_claims_with(rows, options, &crate::header::MappingProfile::default())
}

/// `read_claims` with a transferor's saved mapping applied to the header.
pub fn read_claims_with<I>(
    rows: I,
    options: SheetOptions,
    profile: &crate::header::MappingProfile,
) -> Result<TapeRead, Vec<Problem>>
where
    I: IntoIterator<Item = RowItem>,
{
    let (read, claims) = collecting(|sink| read_claims_each(rows, options, profile, sink));
    read.map(|r| TapeRead { claims, ..r })
}

/// Runs a sink-taking read, keeping the claims in `TapeRead::claims`.
pub(crate) fn collecting<T>(read: impl FnOnce(Sink<'_>) -> T) -> (T, Vec<TapeClaim>) {
    let mut claims = Vec::new();
    let out = read(&mut |event| {
        if let RowEvent::Claim(c) = event {
            claims.push(c);
        }
    });
    (out, claims)
}

/// `read_claims_with`, handing each valid claim to `sink` instead of keeping it: a
/// million-row tape is checked (and loaded) without holding it in memory.
pub fn read_claims_each<I>(
    rows: I,
    options: SheetOptions,
    profile: &crate::header::MappingProfile,
    sink: Sink<'_>,
) -> Result<TapeRead, Vec<Problem>>
where
    I: IntoIterator<Item = RowItem>,
{
    let mut rows = rows.into_iter();
    let mut head: Vec<(usize, Vec<String>)> = Vec::new();
    let mut problems = Vec::new();
    for item in rows.by_ref() {
        match item {
            Ok(row) => head.push(row),
            Err(e) => problems.push(read_problem(&e)),
        }
        if head.len() >= HEADER_SEARCH_ROWS {
            break;
        }
    }
    let cells: Vec<Vec<String>> = head.iter().map(|(_, c)| c.clone()).collect();
    let Some(header) = crate::header::detect_header_with(&cells, profile) else {
        return Err(vec![no_header_problem()]);
    };
    let title_rows = &cells[..header.row + 1 - header.levels];
    let header_row = head[header.row].0;
    let personal_batch = options.personal_batch;
    let mut sheet = ClaimSheet::new(header.clone(), options, title_rows)?;
    sink(RowEvent::Started { cutoff_date: sheet.cutoff });
    let mut valid_claims = 0;
    let mut total_row = None;
    let data = head.into_iter().skip(header.row + 1).map(Ok).chain(rows);
    for item in data {
        let (row, cells) = match item {
            Ok(r) => r,
            Err(e) => {
                problems.push(read_problem(&e));
                sink(RowEvent::Rejected);
                continue;
            }
        };
        if cells.iter().all(|c| crate::coerce::is_blank(c)) {
            continue;
        }
        if is_total_row(&cells) {
            problems.extend(sheet.check_total_row(row, &cells));
            total_row = Some(row);
            break; // notes below the total are not data
        }
        let outcome = sheet.read_row(row, &cells);
        if outcome.problems.iter().any(|p| p.severity() == crate::problem::Severity::Rejected) {
            sink(RowEvent::Rejected);
        }
        problems.extend(outcome.problems);
        if let Some(claim) = outcome.claim {
            valid_claims += 1;
            sink(RowEvent::Claim(claim));
        }
    }
    Ok(TapeRead {
        cutoff_date: sheet.cutoff,
        completeness: sheet.completeness(),
        completeness_score: sheet.completeness_score(),
        rows_read: sheet.rows_read,
        header_row,
        header,
        claims: Vec::new(),
        valid_claims,
        problems,
        total_row,
        linked_collateral: Vec::new(),
        linked_guarantors: Vec::new(),
        personal_batch,
        claims_sheet: None,
    })
}

fn read_problem(e: &ReadError) -> Problem {
    let row = match e {
        ReadError::BadRow { row, .. } => Some(*row),
        _ => None,
    };
    let (zh, en) = (e.message(huajie_core::Lang::Zh), e.message(huajie_core::Lang::En));
    Problem {
        rule: Rule::UnreadableRow,
        sheet: None,
        row,
        column: None,
        header: None,
        field: None,
        value: None,
        detail_zh: zh,
        detail_en: en,
    }
}

/// File-name endings read as workbooks.
pub const WORKBOOK_EXTENSIONS: &[&str] = &["xlsx", "xlsm", "xls", "xlsb", "ods"];

/// The result of reading a tape file: where the data came from (the encoding or the
/// sheets) and the read, or the problems that stop the whole tape.
pub type FileRead = (String, Result<TapeRead, Vec<Problem>>);

/// Reads a tape file of any supported kind: a workbook by its name (or by its content,
/// when a workbook was saved under a `.csv` name), else CSV, streamed from `reader`.
/// `bytes` gives the whole file when it has to be read as a workbook. The valid claims
/// are kept in `TapeRead::claims`.
pub fn read_tape<R: std::io::Read>(
    file_name: &str,
    reader: R,
    bytes: impl FnOnce() -> std::io::Result<Vec<u8>>,
    options: SheetOptions,
    profile: &crate::header::MappingProfile,
) -> Result<FileRead, ReadError> {
    let (out, claims) = collecting(|sink| read_tape_each(file_name, reader, bytes, options, profile, sink));
    let (source, read) = out?;
    Ok((source, read.map(|r| TapeRead { claims, ..r })))
}

/// `read_tape`, handing each valid claim to `sink` as it is checked.
pub fn read_tape_each<R: std::io::Read>(
    file_name: &str,
    reader: R,
    bytes: impl FnOnce() -> std::io::Result<Vec<u8>>,
    options: SheetOptions,
    profile: &crate::header::MappingProfile,
    sink: Sink<'_>,
) -> Result<FileRead, ReadError> {
    let ext = file_name.rsplit_once('.').map(|(_, e)| e.to_lowercase()).unwrap_or_default();
    if !WORKBOOK_EXTENSIONS.contains(&ext.as_str()) {
        match crate::reader::open_csv(reader) {
            Ok((encoding, rows)) => {
                let label = encoding.label().to_string();
                let read = read_claims_each(rows, options.clone(), profile, sink);
                if !lacks_cutoff(&options, &read) {
                    return Ok((label, read));
                }
                // No cut-off entered nor above the header: a note further down may give it.
                // Read the file again, whole, to find it, then once more with it.
                let bytes = bytes().map_err(|e| ReadError::Io(e.to_string()))?;
                let (_, rows) = crate::reader::open_csv(std::io::Cursor::new(&bytes))?;
                let Some(found) = crate::sheet::cutoff_from_notes(rows.filter_map(Result::ok).map(|(_, c)| c)) else {
                    return Ok((label, read));
                };
                let (_, rows) = crate::reader::open_csv(std::io::Cursor::new(bytes))?;
                let options = SheetOptions { cutoff_date: Some(found), ..options };
                return Ok((label, read_claims_each(rows, options, profile, sink)));
            }
            Err(ReadError::Workbook) => {} // an Excel file under another name: read it as one
            Err(e) => return Err(e),
        }
    }
    let bytes = bytes().map_err(|e| ReadError::Io(e.to_string()))?;
    let sheets = crate::workbook::read_workbook(bytes)?;
    let names: Vec<String> = sheets.iter().map(|s| format!("“{}”", s.name)).collect();
    Ok((
        format!("工作表 / sheets {}", names.join("、")),
        crate::linked::read_linked_each(&sheets, options, profile, sink),
    ))
}

/// Whether a read stopped only for want of a cut-off date that the import did not give
/// (one a note of the tape may still give).
pub(crate) fn lacks_cutoff(options: &SheetOptions, read: &Result<TapeRead, Vec<Problem>>) -> bool {
    options.cutoff_date.is_none() && matches!(read, Err(ps) if ps.iter().any(|p| p.rule == Rule::NoCutoffDate))
}

pub(crate) fn no_header_problem() -> Problem {
    Problem {
        sheet: None,
        rule: Rule::NoHeader,
        row: None,
        column: None,
        header: None,
        field: None,
        value: None,
        detail_zh: "前 30 行中没有一行能对应到至少两个标准字段（如“借款人名称”“本金余额”）".into(),
        detail_en: "none of the first 30 rows names at least two standard fields (such as 借款人名称, 本金余额)".into(),
    }
}

/// A tape's header and first data rows, for the mapping screen: found even when the
/// tape could not be imported as it is (when no row looks like a header, the first
/// non-empty row is taken as one).
#[derive(Debug, Clone)]
pub struct Preview {
    pub header: Header,
    pub samples: Vec<Vec<String>>,
}

pub fn preview_rows<I>(rows: I, profile: &crate::header::MappingProfile) -> Option<Preview>
where
    I: IntoIterator<Item = RowItem>,
{
    let head: Vec<Vec<String>> =
        rows.into_iter().filter_map(Result::ok).map(|(_, c)| c).take(HEADER_SEARCH_ROWS + SAMPLE_ROWS).collect();
    let header = crate::header::detect_header_with(&head, profile).or_else(|| {
        let row = head.iter().position(|r| r.iter().any(|c| !crate::coerce::is_blank(c)))?;
        Some(Header { row, levels: 1, columns: crate::header::map_columns_with(&head[row], profile) })
    })?;
    let samples = head
        .iter()
        .skip(header.row + 1)
        .filter(|r| !r.iter().all(|c| crate::coerce::is_blank(c)))
        .take(SAMPLE_ROWS)
        .cloned()
        .collect();
    Some(Preview { header, samples })
}

/// `preview_rows` for a tape file of any supported kind (the claims sheet of a workbook).
pub fn preview_tape<R: std::io::Read>(
    file_name: &str,
    reader: R,
    bytes: impl FnOnce() -> std::io::Result<Vec<u8>>,
    profile: &crate::header::MappingProfile,
) -> Result<Option<Preview>, ReadError> {
    let ext = file_name.rsplit_once('.').map(|(_, e)| e.to_lowercase()).unwrap_or_default();
    if !WORKBOOK_EXTENSIONS.contains(&ext.as_str()) {
        match crate::reader::open_csv(reader) {
            Ok((_, rows)) => return Ok(preview_rows(rows, profile)),
            Err(ReadError::Workbook) => {}
            Err(e) => return Err(e),
        }
    }
    let sheets = crate::workbook::read_workbook(bytes().map_err(|e| ReadError::Io(e.to_string()))?)?;
    let main = crate::workbook::claims_sheet(&sheets).unwrap_or(0);
    Ok(sheets.get(main).and_then(|s| preview_rows(s.rows.clone(), profile)))
}
