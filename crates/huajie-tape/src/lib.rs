//! # huajie-tape
//!
//! Tape intake, the pure part: read a bank's data tape as it comes (`reader.rs`: CSV in
//! UTF-8 or GBK/GB18030, streaming), find the header under title rows and over merged
//! two-level headers (`header.rs`), map each column onto the canonical tape
//! (`fields.rs`, from `../shared/domain/tape.md`), and coerce every cell (`coerce.rs`).
//! Workbooks (`.xlsx`, `.xls`) are read by `workbook.rs`.
//!
//! Architecture invariant: no database and no network here; the caller hands in a
//! reader and gets values and problems back. Start reading at `fields.rs`.

mod attempt;
pub mod coerce;
pub mod diff;
pub mod fields;
mod guarantors;
pub mod header;
pub mod history;
pub mod linked;
pub mod plan;
pub mod problem;
pub mod read;
pub mod reader;
pub mod sheet;
pub mod sort;
pub mod statement;
pub mod workbook;

pub use attempt::AttemptState;
pub use coerce::{AmountUnit, CoerceError};
pub use diff::{Carries, ClaimChange, Comparison, Differ, FieldChange, GuarantorFacts, ItemFacts, Security, TapeDiff};
pub use fields::{ByField, Criticality, Entity, Field, ValueKind};
pub use header::{
    ColumnMapping, Header, MappingProfile, detect_header, detect_header_with, is_total_row, map_columns,
    map_columns_with, match_header,
};
pub use linked::{LinkedCollateral, LinkedGuarantor, SheetRole, read_linked, read_linked_each, sheet_role};
pub use plan::{
    LoadPlan, PlannedClaim, PlannedCollateral, PlannedGuarantee, Planner, guarantor_party, party_key, plan, tape_claim,
    tape_debtor,
};
pub use problem::{Problem, Rule, Severity};
pub use read::{
    FileRead, ImportPolicy, Preview, RowEvent, Sink, TapeRead, TapeReport, WORKBOOK_EXTENSIONS, preview_rows,
    preview_tape, read_claims, read_claims_each, read_claims_with, read_tape, read_tape_each,
};
pub use reader::{CELL_CHARS_MAX, CsvRows, ReadError, RowItem, TextEncoding, WorkbookFault, WorkbookLimit, open_csv};
pub use sheet::{ClaimSheet, FieldCompleteness, SheetOptions, TapeClaim, TapeCollateral, TapeGuarantor};
pub use sort::{ClaimUpdate, Sorted, Sorter, updated_claim};
pub use workbook::{LIMITS, Limits, Sheet, claims_sheet, read_workbook, read_workbook_with};
