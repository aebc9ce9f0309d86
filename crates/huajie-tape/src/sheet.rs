//! A claims sheet, row by row: every cell coerced, every rule of tape.md checked, valid
//! rows turned into `TapeClaim`s, the rest reported as `Problem`s. Streaming: it keeps
//! only running sums, counts and the contract numbers seen.

use std::collections::HashMap;

use chrono::NaiveDate;
use huajie_core::ids::province_of_address;
use huajie_core::{
    CollateralType, FiveClass, GuaranteeKind, LitigationStage, Money, PartyIdentifier, PartyKind, PartyStatus, Province,
};

use crate::coerce::{self, AmountUnit, is_blank};
use crate::fields::{ByField, Criticality, Entity, Field};
use crate::guarantors::{GuarantorCells, guarantors_of};
use crate::header::Header;
use crate::problem::{Problem, Rule};
use crate::reader::CELL_CHARS_MAX;

/// A tolerance for totals: one yuan (tape.md).
const TOTAL_TOLERANCE_FEN: i64 = 100;
/// Distinct region cells whose province is remembered.
const REGIONS_REMEMBERED: usize = 10_000;
/// A tolerance for days past due against the default date (tape.md).
const DPD_TOLERANCE_DAYS: i64 = 31;

#[derive(Debug, Clone)]
pub struct SheetOptions {
    /// 基准日 from the import form; when `None`, read from the title rows.
    pub cutoff_date: Option<NaiveDate>,
    /// Today, for "the cut-off is not in the future".
    pub today: NaiveDate,
    /// A personal-loan batch (个贷): contract numbers are recommended, not mandatory.
    pub personal_batch: bool,
}

/// A collateral item given on the claim's own row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TapeCollateral {
    pub collateral_type: CollateralType,
    /// What the item is (`工业厂房及配套用房…`), when the tape says.
    pub description: Option<String>,
    pub address: Option<String>,
    pub province: Option<Province>,
    pub appraised_value: Money,
    pub appraisal_date: Option<NaiveDate>,
    pub lien_rank: Option<u8>,
    pub prior_claims: Option<Money>,
}

/// A guarantor a tape names, on the claim's own row or on a guarantor sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TapeGuarantor {
    pub name: String,
    /// A checked identifier, or none (W116) or one that fails its check (W118): kept all the same.
    pub identity: huajie_core::Identity,
    pub cap: Option<Money>,
    /// 连带责任保证 or 一般保证, when the tape says (never guessed).
    pub kind: Option<GuaranteeKind>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub status: Option<PartyStatus>,
}

/// A claim as the tape gives it, every value checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TapeClaim {
    /// Row number as Excel shows it.
    pub row: usize,
    /// The contract number as the tape writes it; in a personal batch without one, `第N行`.
    pub contract_no: String,
    pub debtor_name: String,
    pub debtor_id: PartyIdentifier,
    /// The debtor's kind: that of its identifier, read as the tape's 客户类型 or the ID
    /// column's header says, else by its form (`PartyIdentifier::parse`).
    pub debtor_kind: PartyKind,
    pub debtor_address: Option<String>,
    pub debtor_status: Option<PartyStatus>,
    pub principal: Money,
    pub interest: Money,
    pub penalty: Money,
    pub total: Option<Money>,
    /// Costs the bank advanced (litigation fees…), recoverable from the debtor.
    pub advanced_costs: Option<Money>,
    pub origination_date: Option<NaiveDate>,
    pub maturity_date: Option<NaiveDate>,
    pub default_date: Option<NaiveDate>,
    pub days_past_due: Option<i64>,
    pub five_class: Option<FiveClass>,
    pub guarantee_modes: Vec<String>,
    pub litigation_stage: Option<LitigationStage>,
    pub limitation_date: Option<NaiveDate>,
    pub region: Option<Province>,
    pub industry: Option<String>,
    pub written_off: Option<bool>,
    pub phone: Option<String>,
    pub product: Option<String>,
    pub last_payment_date: Option<NaiveDate>,
    pub collateral: Option<TapeCollateral>,
    pub guarantors: Vec<TapeGuarantor>,
}

/// How complete one field is across the rows read.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FieldCompleteness {
    pub field: Field,
    pub criticality: Criticality,
    /// Whether the tape has a column for it.
    pub mapped: bool,
    /// Rows with a valid value.
    pub filled: usize,
    pub rows: usize,
}

/// Sums of the loaded claims, to compare with the `合计` row.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub principal: i128,
    pub interest: i128,
    pub penalty: i128,
    pub total: i128,
}

/// The reader of one claims sheet.
pub struct ClaimSheet {
    header: Header,
    options: SheetOptions,
    pub cutoff: NaiveDate,
    /// Field → 0-based column (the first, for a field given in parts).
    columns: ByField<usize>,
    /// Field → its further columns, when it is given in parts whose amounts are summed.
    part_columns: ByField<Vec<usize>>,
    /// Keys (`coerce::contract_key`) of the contracts read so far.
    seen_contracts: foldhash::HashSet<String>,
    filled: ByField<usize>,
    /// Region cells already resolved: a tape repeats a few hundred values a million times.
    regions: HashMap<String, Option<Province>>,
    /// The kind of party the debtor's and the guarantors' ID columns hold, as their headers
    /// say (`身份证号码`, `统一社会信用代码`); `None` for a column that may hold either.
    debtor_id_kind: Option<PartyKind>,
    guarantor_id_kind: Option<PartyKind>,
    pub rows_read: usize,
    /// Sums over every data row whose amounts could be read, loaded or not: the bank's
    /// own 合计 row counts them all.
    pub tape_sums: Totals,
}

/// What one row came to.
#[derive(Debug, Clone, Default)]
pub struct RowOutcome {
    pub claim: Option<TapeClaim>,
    pub problems: Vec<Problem>,
}

fn tape_problem(rule: Rule, zh: String, en: String) -> Problem {
    Problem {
        rule,
        sheet: None,
        row: None,
        column: None,
        header: None,
        field: None,
        value: None,
        detail_zh: zh,
        detail_en: en,
    }
}

impl ClaimSheet {
    /// Checks what the whole tape needs: a cut-off date, not in the future, and a column
    /// for every mandatory claim field. `title_rows` are the rows above the header, where
    /// banks often write the cut-off date.
    pub fn new(header: Header, options: SheetOptions, title_rows: &[Vec<String>]) -> Result<ClaimSheet, Vec<Problem>> {
        let mut problems = Vec::new();
        let cutoff = options.cutoff_date.or_else(|| cutoff_from_titles(title_rows));
        match cutoff {
            None => problems.push(tape_problem(
                Rule::NoCutoffDate,
                "请在导入时填写基准日，或在表头上方写明“基准日：YYYY-MM-DD”".into(),
                "give the cut-off date when importing, or write “基准日：YYYY-MM-DD” above the header".into(),
            )),
            Some(d) if d > options.today => problems.push(tape_problem(
                Rule::CutoffInFuture,
                format!("基准日 {d} 晚于今天 {}", options.today),
                format!("the cut-off {d} is after today, {}", options.today),
            )),
            Some(_) => {}
        }
        // A field's first column; the further columns of a field given in parts (表内利息, 表外利息).
        let mut columns: ByField<usize> = ByField::default();
        let mut part_columns: ByField<Vec<usize>> = ByField::default();
        for c in &header.columns {
            let Some(f) = c.field else { continue };
            match columns.get(f) {
                None => columns.insert(f, c.column),
                Some(_) => part_columns.get_or_default(f).push(c.column),
            }
        }
        for f in Field::ALL.iter().copied().filter(|f| f.entity() == Entity::Claim) {
            if criticality_in(f, options.personal_batch) == Criticality::Mandatory && !columns.contains(f) {
                problems.push(Problem {
                    field: Some(f),
                    ..tape_problem(
                        Rule::MandatoryColumnMissing,
                        format!("找不到“{}”列", f.zh()),
                        format!("no column for “{}”", f.en()),
                    )
                });
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(ClaimSheet {
            debtor_id_kind: header.identifier_kind(Field::DebtorId),
            guarantor_id_kind: header.identifier_kind(Field::GuarantorId),
            header,
            options,
            cutoff: cutoff.expect("checked above"),
            columns,
            part_columns,
            seen_contracts: foldhash::HashSet::default(),
            filled: ByField::default(),
            regions: HashMap::new(),
            rows_read: 0,
            tape_sums: Totals::default(),
        })
    }

    pub fn header(&self) -> &Header {
        &self.header
    }

    /// Reads one data row.
    pub fn read_row(&mut self, row: usize, cells: &[String]) -> RowOutcome {
        self.rows_read += 1;
        let mut r = RowReader { sheet: self, row, cells, problems: Vec::new(), rejected: false };
        let claim = r.claim();
        let mut problems = r.problems;
        if let Some(c) = &claim
            && !self.seen_contracts.insert(coerce::contract_key(&c.contract_no))
        {
            problems.push(Problem {
                sheet: None,
                rule: Rule::DuplicateContract,
                row: Some(row),
                column: self.columns.get(Field::ContractNo).copied(),
                header: self.header_of(Field::ContractNo),
                field: Some(Field::ContractNo),
                value: Some(c.contract_no.clone()),
                detail_zh: "同一合同编号已在前面的行出现，本行不予载入".into(),
                detail_en: "the same contract number appears on an earlier row; this row is not loaded".into(),
            });
            return RowOutcome { claim: None, problems };
        }
        RowOutcome { claim, problems }
    }

    /// Compares the tape's `合计` row with the sums of its rows.
    pub fn check_total_row(&self, row: usize, cells: &[String]) -> Vec<Problem> {
        let mut out = Vec::new();
        for (field, sum) in [
            (Field::Principal, self.tape_sums.principal),
            (Field::Interest, self.tape_sums.interest),
            (Field::Penalty, self.tape_sums.penalty),
            (Field::Total, self.tape_sums.total),
        ] {
            let Some(&col) = self.columns.get(field) else { continue };
            // The total row's figure: the sum of its cells under every column of the field.
            let mut stated: Option<i128> = None;
            for c in std::iter::once(col).chain(self.part_columns.get(field).into_iter().flatten().copied()) {
                let Some(cell) = cells.get(c).filter(|v| !is_blank(v)) else { continue };
                let Ok(m) = coerce::parse_money(cell, self.unit(c)) else { continue };
                *stated.get_or_insert(0) += i128::from(m.fen());
            }
            let Some(stated) = stated else { continue };
            let cell = self.columns_text(cells, field);
            if (stated - sum).abs() > i128::from(TOTAL_TOLERANCE_FEN) {
                let stated = i64::try_from(stated)
                    .map(|f| Money::from_fen(f).yuan_string())
                    .unwrap_or_else(|_| stated.to_string());
                let computed =
                    i64::try_from(sum).map(|f| Money::from_fen(f).yuan_string()).unwrap_or_else(|_| sum.to_string());
                out.push(Problem {
                    sheet: None,
                    rule: Rule::TotalRowMismatch,
                    row: Some(row),
                    column: Some(col),
                    header: self.header_of(field),
                    field: Some(field),
                    value: Some(cell),
                    detail_zh: format!("合计行为 {stated} 元，明细之和为 {computed} 元"),
                    detail_en: format!("the total row says {stated} yuan, the rows add up to {computed} yuan"),
                });
            }
        }
        out
    }

    /// Completeness of every mandatory and recommended claim field, and of every other
    /// field the tape has a column for.
    pub fn completeness(&self) -> Vec<FieldCompleteness> {
        Field::ALL
            .iter()
            .copied()
            .filter(|f| matches!(f.entity(), Entity::Claim | Entity::Collateral | Entity::Guarantor))
            .filter(|f| {
                self.columns.contains(*f) || (f.entity() == Entity::Claim && f.criticality() != Criticality::Optional)
            })
            .map(|f| FieldCompleteness {
                field: f,
                criticality: criticality_in(f, self.options.personal_batch),
                mapped: self.columns.contains(f),
                filled: self.filled.get(f).copied().unwrap_or(0),
                rows: self.rows_read,
            })
            .collect()
    }

    /// Overall completeness in per cent: mandatory fields count twice, recommended once.
    pub fn completeness_score(&self) -> u8 {
        let (mut got, mut want) = (0.0_f64, 0.0_f64);
        for c in self.completeness() {
            let weight = match c.criticality {
                Criticality::Mandatory => 2.0,
                Criticality::Recommended => 1.0,
                Criticality::Optional => continue,
            };
            if c.rows > 0 {
                got += weight * c.filled as f64 / c.rows as f64;
                want += weight;
            }
        }
        if want == 0.0 { 0 } else { (got / want * 100.0).round() as u8 }
    }

    /// The cells of a row under a field's columns, as written (`100 + 20` for a field in parts).
    fn columns_text(&self, cells: &[String], field: Field) -> String {
        let first = self.columns.get(field).copied();
        let parts = self.part_columns.get(field).into_iter().flatten().copied();
        first
            .into_iter()
            .chain(parts)
            .filter_map(|c| cells.get(c).filter(|v| !is_blank(v)).map(|v| v.trim()))
            .collect::<Vec<_>>()
            .join(" + ")
    }

    fn unit(&self, col: usize) -> AmountUnit {
        self.header.columns.get(col).map(|c| c.unit).unwrap_or_default()
    }

    fn header_of(&self, field: Field) -> Option<String> {
        self.columns.get(field).and_then(|c| self.header.columns.get(*c)).map(|c| c.header.clone())
    }
}

fn sum3(c: &TapeClaim) -> Money {
    Money::from_fen(c.principal.fen().saturating_add(c.interest.fen()).saturating_add(c.penalty.fen()))
}

/// Criticality, with the personal-batch exception for contract numbers.
pub fn criticality_in(field: Field, personal_batch: bool) -> Criticality {
    if personal_batch && field == Field::ContractNo { Criticality::Recommended } else { field.criticality() }
}

/// `基准日：2025-06-30` (or `数据基准日 2025年6月30日`) in the rows above the header.
fn cutoff_from_titles(rows: &[Vec<String>]) -> Option<NaiveDate> {
    rows.iter().flatten().find_map(|cell| cutoff_in_text(cell))
}

/// Labels a tape puts before its cut-off date in a title or a note.
const CUTOFF_LABELS: &[&str] = &["基准日期", "基准日", "截止日期", "截止日", "截至日期", "截至日", "截至"];

/// The cut-off a line of text gives: `基准日：2025年6月30日`, `本表数据截至 2025 年 6 月 30 日`,
/// `（基准日为2025.6.30）`. An appraisal's date (`评估基准日`) is not the tape's.
pub(crate) fn cutoff_in_text(text: &str) -> Option<NaiveDate> {
    if !(text.contains('基') || text.contains('截')) {
        return None; // nearly every cell: no label, no work
    }
    let c = coerce::normalize(text);
    let mut from = 0;
    while let Some((at, label)) =
        CUTOFF_LABELS.iter().filter_map(|l| c[from..].find(l).map(|i| (from + i, *l))).min_by_key(|(i, _)| *i)
    {
        from = at + label.len();
        if c[..at].ends_with("评估") {
            continue;
        }
        let rest = c[from..].trim_start_matches([':', ' ', '为', '是', '至']);
        let date: String = rest
            .chars()
            .take_while(|ch| ch.is_ascii_digit() || "-/.年月日号 ".contains(*ch))
            .filter(|ch| *ch != ' ')
            .collect();
        if let Ok(d) = coerce::parse_date(date.trim_end_matches(['.', '-', '/'])) {
            return Some(d);
        }
    }
    None
}

/// The cut-off a note gives anywhere in a tape's rows: a line of one to three cells (a
/// title, a note under the `合计` row, a cover sheet), not a data row.
pub fn cutoff_from_notes<R: AsRef<[String]>>(rows: impl IntoIterator<Item = R>) -> Option<NaiveDate> {
    rows.into_iter().find_map(|cells| {
        let mut filled = cells.as_ref().iter().filter(|c| !is_blank(c));
        let first: Vec<&String> = filled.by_ref().take(4).collect();
        if first.is_empty() || first.len() > 3 {
            return None;
        }
        first.iter().find_map(|c| cutoff_in_text(c))
    })
}

/// Whether a cell is longer than a mapped value may be (`CELL_CHARS_MAX` characters).
pub(crate) fn too_long(cell: &str) -> bool {
    cell.len() > CELL_CHARS_MAX && cell.chars().count() > CELL_CHARS_MAX
}

/// The problem's words for a cell over the limit.
pub(crate) fn too_long_detail(cell: &str) -> (String, String) {
    let n = cell.chars().count();
    (
        format!("内容有 {n} 个字符，超过单元格上限 {CELL_CHARS_MAX} 个字符"),
        format!("{n} characters, more than a cell may hold ({CELL_CHARS_MAX})"),
    )
}

/// The first characters of a long value, for a report.
pub(crate) fn shortened(cell: &str) -> String {
    const SHOWN: usize = 40;
    let mut out: String = cell.chars().take(SHOWN).collect();
    if out.len() < cell.len() {
        out.push('…');
    }
    out
}

/// Reads the cells of one row.
struct RowReader<'a> {
    sheet: &'a mut ClaimSheet,
    row: usize,
    cells: &'a [String],
    problems: Vec<Problem>,
    rejected: bool,
}

impl<'a> RowReader<'a> {
    fn cell(&self, field: Field) -> Option<(usize, &'a str)> {
        let col = *self.sheet.columns.get(field)?;
        let value = self.cells.get(col)?;
        (!is_blank(value)).then_some((col, value.as_str()))
    }

    fn report(&mut self, rule: Rule, field: Field, col: Option<usize>, value: Option<&str>, zh: String, en: String) {
        if rule.severity() == crate::problem::Severity::Rejected {
            self.rejected = true;
        }
        self.problems.push(Problem {
            rule,
            sheet: None,
            row: Some(self.row),
            column: col,
            header: col.and_then(|c| self.sheet.header.columns.get(c)).map(|c| c.header.clone()),
            field: Some(field),
            value: value.map(str::to_string),
            detail_zh: zh,
            detail_en: en,
        });
    }

    /// Reads a field with `parse`. Missing: a mandatory field rejects the row. Invalid: a
    /// mandatory field rejects the row, any other is a warning and counts as missing.
    fn get<T>(&mut self, field: Field, parse: impl FnOnce(&str) -> Result<T, (String, String)>) -> Option<T> {
        let criticality = criticality_in(field, self.sheet.options.personal_batch);
        let Some((col, raw)) = self.cell(field) else {
            if criticality == Criticality::Mandatory {
                let col = self.sheet.columns.get(field).copied();
                self.report(
                    Rule::MissingMandatory,
                    field,
                    col,
                    None,
                    format!("“{}”为空", field.zh()),
                    format!("“{}” is empty", field.en()),
                );
            }
            return None;
        };
        if too_long(raw) {
            self.report_too_long(field, col, raw);
            return None;
        }
        match parse(raw) {
            Ok(v) => {
                *self.sheet.filled.get_or_default(field) += 1;
                Some(v)
            }
            Err((zh, en)) => {
                let rule =
                    if criticality == Criticality::Mandatory { Rule::InvalidMandatory } else { Rule::InvalidValue };
                self.report(rule, field, Some(col), Some(raw), zh, en);
                None
            }
        }
    }

    /// A mapped cell longer than a cell may be: an invalid value of its field, shown cut short.
    fn report_too_long(&mut self, field: Field, col: usize, raw: &str) {
        let criticality = criticality_in(field, self.sheet.options.personal_batch);
        let rule = if criticality == Criticality::Mandatory { Rule::InvalidMandatory } else { Rule::InvalidValue };
        let (zh, en) = too_long_detail(raw);
        self.report(rule, field, Some(col), Some(&shortened(raw)), zh, en);
    }

    fn money(&mut self, field: Field) -> Option<Money> {
        if self.sheet.part_columns.contains(field) {
            return self.money_in_parts(field);
        }
        let unit = self.sheet.columns.get(field).map(|c| self.sheet.unit(*c)).unwrap_or_default();
        let value =
            self.get(field, |s| coerce::parse_money(s, unit).map_err(|e| (e.to_string(), e.en().to_string())))?;
        if value.is_negative() {
            let col = self.sheet.columns.get(field).copied();
            let shown = value.yuan_string();
            if field == Field::Principal {
                self.report(
                    Rule::NegativePrincipal,
                    field,
                    col,
                    Some(&shown),
                    "本金不能为负数".into(),
                    "principal cannot be negative".into(),
                );
            } else {
                self.report(
                    Rule::NegativeAmount,
                    field,
                    col,
                    Some(&shown),
                    format!("“{}”为负数", field.zh()),
                    format!("“{}” is negative", field.en()),
                );
            }
            return None;
        }
        Some(value)
    }

    /// A field given in several columns (表内利息 and 表外利息): the sum of those that have
    /// a value. A part that is invalid or negative is reported at its own column and leaves
    /// the field out, as a wrong single value would.
    fn money_in_parts(&mut self, field: Field) -> Option<Money> {
        let first = *self.sheet.columns.get(field)?;
        let columns: Vec<usize> =
            std::iter::once(first).chain(self.sheet.part_columns.get(field).into_iter().flatten().copied()).collect();
        let (mut sum, mut any, mut bad) = (Money::ZERO, false, false);
        for col in columns {
            let Some(raw) = self.cells.get(col).filter(|v| !is_blank(v)) else { continue };
            any = true;
            if too_long(raw) {
                self.report_too_long(field, col, raw);
                bad = true;
                continue;
            }
            match coerce::parse_money(raw, self.sheet.unit(col)) {
                Ok(m) if m.is_negative() => {
                    self.report(
                        Rule::NegativeAmount,
                        field,
                        Some(col),
                        Some(&m.yuan_string()),
                        format!("“{}”为负数", field.zh()),
                        format!("“{}” is negative", field.en()),
                    );
                    bad = true;
                }
                Ok(m) => match sum.checked_add(m) {
                    Ok(total) => sum = total,
                    Err(_) => {
                        let e = coerce::CoerceError::AmountTooLarge;
                        self.report(Rule::InvalidValue, field, Some(col), Some(raw), e.to_string(), e.en().into());
                        bad = true;
                    }
                },
                Err(e) => {
                    self.report(Rule::InvalidValue, field, Some(col), Some(raw), e.to_string(), e.en().into());
                    bad = true;
                }
            }
        }
        if !any || bad {
            return None;
        }
        *self.sheet.filled.get_or_default(field) += 1;
        Some(sum)
    }

    fn date(&mut self, field: Field) -> Option<NaiveDate> {
        self.get(field, |s| coerce::parse_date(s).map_err(|e| (e.to_string(), e.en().to_string())))
    }

    /// A text field: phone numbers normalised (`１３８…` → `138…`); names, addresses and
    /// contract numbers kept as written, only trimmed (contracts are matched by
    /// `coerce::contract_key`).
    fn text(&mut self, field: Field) -> Option<String> {
        let is_code = matches!(field, Field::Phone);
        self.get(field, |s| Ok(if is_code { coerce::normalize(s) } else { coerce::clean_text(s) }))
    }

    fn choice<T>(&mut self, field: Field, read: fn(&str) -> Option<T>) -> Option<T> {
        self.get(field, |s| {
            read(&coerce::normalize(s)).ok_or_else(|| ("不是可识别的选项".into(), "not a known choice".into()))
        })
    }

    fn claim(&mut self) -> Option<TapeClaim> {
        let personal = self.sheet.options.personal_batch;
        let contract_no = self.text(Field::ContractNo);
        let debtor_name = self.text(Field::DebtorName);
        // The kind of the debtor's identifier: the row's 客户类型, else the ID column's header;
        // only when neither says does the form decide.
        let kind_given = self.choice(Field::DebtorKind, read_party_kind);
        let kind = kind_given
            .map(|k| (k, KindSource::Row(Field::DebtorKind)))
            .or(self.sheet.debtor_id_kind.map(|k| (k, KindSource::Column)));
        let today = self.sheet.options.today;
        let debtor_id = self.get(Field::DebtorId, |s| read_identifier(s, kind, today));
        let principal = self.money(Field::Principal);
        let interest = self.money(Field::Interest);
        let penalty = self.money(Field::Penalty);
        let total = self.money(Field::Total);
        let advanced_costs = self.money(Field::AdvancedCosts);
        let debtor_address = self.text(Field::DebtorAddress);
        let debtor_status = self.choice(Field::DebtorStatus, read_party_status);
        let fen = |m: Option<Money>| i128::from(m.map(Money::fen).unwrap_or(0));
        let sums = &mut self.sheet.tape_sums;
        sums.principal += fen(principal);
        sums.interest += fen(interest);
        sums.penalty += fen(penalty);
        // An empty total adds nothing, as in the bank's own SUM of the column.
        sums.total += fen(total);
        let origination_date = self.date(Field::OriginationDate);
        let maturity_date = self.date(Field::MaturityDate);
        let default_date = self.date(Field::DefaultDate);
        let days_past_due =
            self.get(Field::DaysPastDue, |s| coerce::parse_int(s).map_err(|e| (e.to_string(), e.en().to_string())));
        let five_class = self.choice(Field::FiveClass, read_five_class);
        let guarantee_modes = self
            .get(Field::GuaranteeMode, |s| Ok(coerce::split_multi(s).iter().map(|m| coerce::normalize(m)).collect()))
            .unwrap_or_default();
        let litigation_stage = self.choice(Field::LitigationStage, read_litigation_stage);
        let limitation_date = self.date(Field::LimitationDate);
        let region = self.region();
        let industry = self.text(Field::Industry);
        let written_off =
            self.get(Field::WrittenOff, |s| coerce::parse_bool(s).map_err(|e| (e.to_string(), e.en().to_string())));
        let phone = self.text(Field::Phone);
        let product = self.text(Field::Product);
        let last_payment_date = self.date(Field::LastPaymentDate);
        let collateral = self.collateral();
        let guarantors = self.guarantors();

        if self.rejected {
            return None;
        }
        let (debtor_name, debtor_id, principal) = (debtor_name?, debtor_id?, principal?);
        let contract_no = match contract_no {
            Some(c) => c,
            None if personal => format!("第{}行", self.row),
            None => return None,
        };
        let claim = TapeClaim {
            row: self.row,
            contract_no,
            debtor_name,
            debtor_kind: debtor_id.kind(),
            debtor_id,
            debtor_address,
            debtor_status,
            principal,
            interest: interest.unwrap_or(Money::ZERO),
            penalty: penalty.unwrap_or(Money::ZERO),
            total,
            advanced_costs,
            origination_date,
            maturity_date,
            default_date,
            days_past_due,
            five_class,
            guarantee_modes,
            litigation_stage,
            limitation_date,
            region,
            industry,
            written_off,
            phone,
            product,
            last_payment_date,
            collateral,
            guarantors,
        };
        self.consistency(&claim);
        Some(claim)
    }

    fn region(&mut self) -> Option<Province> {
        let (col, raw) = self.cell(Field::Region)?;
        let s = coerce::normalized(raw);
        let found = match self.sheet.regions.get(&*s) {
            Some(known) => *known,
            None => {
                let found = Province::from_name(&s)
                    .or_else(|| province_of_address(&s))
                    .or_else(|| huajie_core::RegionCode::parse(&s).ok().map(|r| r.province()));
                if self.sheet.regions.len() < REGIONS_REMEMBERED {
                    self.sheet.regions.insert(s.to_string(), found);
                }
                found
            }
        };
        match found {
            Some(p) => {
                *self.sheet.filled.get_or_default(Field::Region) += 1;
                Some(p)
            }
            None => {
                self.report(
                    Rule::UnknownRegion,
                    Field::Region,
                    Some(col),
                    Some(raw),
                    format!("“{s}”无法确定省份"),
                    format!("“{s}” names no province"),
                );
                None
            }
        }
    }

    fn collateral(&mut self) -> Option<TapeCollateral> {
        let any = [Field::CollateralType, Field::CollateralAddress, Field::AppraisedValue]
            .iter()
            .any(|f| self.cell(*f).is_some());
        if !any {
            return None;
        }
        // A collateral item that breaks its own rules is set aside; the claim still loads.
        let before = self.problems.len();
        let collateral_type = self.choice(Field::CollateralType, read_collateral_type);
        let description = self.text(Field::CollateralDescription);
        let address = self.text(Field::CollateralAddress);
        let appraised_value = self.money(Field::AppraisedValue);
        let appraisal_date = self.date(Field::AppraisalDate);
        let lien_rank = self.get(Field::LienRank, |s| {
            coerce::parse_int(s)
                .ok()
                .and_then(|n| u8::try_from(n).ok())
                .filter(|n| *n >= 1)
                .ok_or(("顺位应为 1 起的整数".into(), "lien rank must be a whole number from 1".into()))
        });
        let prior_claims = self.money(Field::PriorClaims);
        // Collateral fields are mandatory for the item, not for the claim: downgrade.
        for p in &mut self.problems[before..] {
            if matches!(p.rule, Rule::MissingMandatory | Rule::InvalidMandatory) {
                p.rule = Rule::InvalidValue;
                p.detail_zh = format!("抵质押物未载入：{}", p.detail_zh);
                p.detail_en = format!("collateral not loaded: {}", p.detail_en);
            }
        }
        self.rejected = self.problems[..before].iter().any(|p| p.severity() == crate::problem::Severity::Rejected);
        let appraised_value = appraised_value.filter(|v| v.fen() > 0)?;
        Some(TapeCollateral {
            collateral_type: collateral_type?,
            description,
            province: address.as_deref().and_then(province_of_address),
            address,
            appraised_value,
            appraisal_date,
            lien_rank,
            prior_claims,
        })
    }

    fn guarantors(&mut self) -> Vec<TapeGuarantor> {
        let Some((_, names)) = self.cell(Field::GuarantorName) else { return Vec::new() };
        *self.sheet.filled.get_or_default(Field::GuarantorName) += 1;
        // One kind of guarantee for the row's guarantors; address, phone and standing only on a guarantor sheet.
        let guarantee_kind = self.choice(Field::GuaranteeKind, read_guarantee_kind);
        let mut cells = GuarantorCells {
            guarantee_kind,
            id_kind: self.sheet.guarantor_id_kind,
            ..GuarantorCells::new(names, self.sheet.options.today)
        };
        for field in [Field::GuarantorName, Field::GuarantorId, Field::GuarantorKind, Field::Cap] {
            let Some((col, raw)) = self.cell(field) else { continue };
            if too_long(raw) {
                self.report_too_long(field, col, raw);
                if field == Field::GuarantorName {
                    return Vec::new();
                }
                continue;
            }
            match field {
                Field::GuarantorId => cells.ids = Some(raw),
                Field::GuarantorKind => cells.kinds = Some(raw),
                Field::Cap => cells.caps = Some((raw, self.sheet.unit(col))),
                _ => {}
            }
        }
        let (guarantors, found) = guarantors_of(cells);
        for f in found {
            let col = self.sheet.columns.get(f.field).copied();
            self.report(f.rule, f.field, col, Some(&f.value), f.zh, f.en);
        }
        guarantors
    }

    /// The consistency checks of tape.md: all warnings.
    fn consistency(&mut self, c: &TapeClaim) {
        let cutoff = self.sheet.cutoff;
        if let Some(total) = c.total {
            let parts = sum3(c);
            if (total.fen() - parts.fen()).abs() > TOTAL_TOLERANCE_FEN {
                let col = self.sheet.columns.get(Field::Total).copied();
                self.report(
                    Rule::TotalMismatch,
                    Field::Total,
                    col,
                    Some(&total.yuan_string()),
                    format!("本金+利息+罚息 = {} 元", parts.yuan_string()),
                    format!("principal + interest + penalty = {} yuan", parts.yuan_string()),
                );
            }
        }
        if let (Some(dpd), Some(default)) = (c.days_past_due, c.default_date) {
            let expected = (cutoff - default).num_days();
            if (dpd - expected).abs() > DPD_TOLERANCE_DAYS {
                let col = self.sheet.columns.get(Field::DaysPastDue).copied();
                self.report(
                    Rule::DaysPastDueMismatch,
                    Field::DaysPastDue,
                    col,
                    Some(&dpd.to_string()),
                    format!("按逾期日 {default} 至基准日应约为 {expected} 天"),
                    format!("from the default date {default} to the cut-off it is about {expected} days"),
                );
            }
        }
        if let Some(class) = c.five_class.filter(|k| !k.is_non_performing()) {
            let col = self.sheet.columns.get(Field::FiveClass).copied();
            self.report(Rule::Performing, Field::FiveClass, col, Some(class.zh()), String::new(), String::new());
        }
        // Events a tape reports as past: none may come after the date its balances refer to.
        for (field, date) in [
            (Field::OriginationDate, c.origination_date),
            (Field::DefaultDate, c.default_date),
            (Field::LastPaymentDate, c.last_payment_date),
        ] {
            if let Some(d) = date.filter(|d| *d > cutoff) {
                let col = self.sheet.columns.get(field).copied();
                self.report(
                    Rule::DateAfterCutoff,
                    field,
                    col,
                    Some(&d.to_string()),
                    format!("“{}”{d} 晚于基准日 {cutoff}", field.zh()),
                    format!("“{}” {d} is after the cut-off {cutoff}", field.en()),
                );
            }
        }
        if let Some(d) = c.limitation_date.filter(|d| *d < cutoff) {
            let col = self.sheet.columns.get(Field::LimitationDate).copied();
            self.report(
                Rule::TimeBarred,
                Field::LimitationDate,
                col,
                Some(&d.to_string()),
                "除非时效曾中断，债权可能已丧失胜诉权".into(),
                "unless the period was interrupted, the claim may no longer be enforceable".into(),
            );
        }
    }
}

fn read_five_class(s: &str) -> Option<FiveClass> {
    FiveClass::from_any_name(s).or_else(|| FiveClass::from_any_name(s.trim_end_matches("类")))
}

fn read_litigation_stage(s: &str) -> Option<LitigationStage> {
    LitigationStage::from_any_name(s).or(match s {
        "未起诉" | "未涉诉" | "否" => Some(LitigationStage::NotSued),
        "诉讼中" | "已诉" | "审理中" | "起诉" => Some(LitigationStage::Filed),
        "判决" | "已判决未执行" | "已调解" => Some(LitigationStage::Judged),
        "执行" | "强制执行" | "已执行" => Some(LitigationStage::Enforcing),
        "终结本次执行" | "执行终本" | "终本裁定" => Some(LitigationStage::Terminated),
        "破产重整" | "破产清算" | "已破产" => Some(LitigationStage::Bankruptcy),
        _ => None,
    })
}

/// What said which kind of party an identifier names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KindSource {
    /// The row's 客户类型 or 保证人类型 (the field).
    Row(Field),
    /// The header of the ID column (`身份证号码`, `统一社会信用代码`).
    Column,
}

/// Reads an identifier cell: of the kind given, and where, when something says it; else by
/// its form. The error's details in Chinese and English; a number of the other kind says
/// what asked for this one.
pub(crate) fn read_identifier(
    s: &str,
    kind: Option<(PartyKind, KindSource)>,
    today: NaiveDate,
) -> Result<PartyIdentifier, (String, String)> {
    let s = coerce::normalize(s);
    let read = match kind {
        Some((k, _)) => PartyIdentifier::parse_as(k, &s, today),
        None => PartyIdentifier::parse(&s, today),
    };
    read.map_err(|e| {
        let (mut zh, mut en) = (e.to_string(), e.message(huajie_core::Lang::En));
        if let (huajie_core::ids::IdFault::WrongKind { .. }, Some((k, source))) = (&e.fault, kind) {
            match source {
                KindSource::Row(field) => {
                    zh.push_str(&format!("（依据本行的{}：{}）", field.zh(), k.zh()));
                    en.push_str(&format!(
                        " (as the row's {} says: {})",
                        field.en().to_lowercase(),
                        k.en().to_lowercase()
                    ));
                }
                KindSource::Column => {
                    zh.push_str("（依据本列的列名）");
                    en.push_str(" (as the column's header says)");
                }
            }
        }
        (zh, en)
    })
}

pub(crate) fn read_party_kind(s: &str) -> Option<PartyKind> {
    PartyKind::from_any_name(s).or(match s {
        "对私" | "个人客户" | "自然人" | "个贷" => Some(PartyKind::Individual),
        "企业" | "公司" | "对公客户" | "法人" | "公司客户" => Some(PartyKind::Corporate),
        _ => None,
    })
}

pub(crate) fn read_party_status(s: &str) -> Option<PartyStatus> {
    PartyStatus::from_any_name(s).or(match s {
        "存续" | "正常" | "在营" | "开业" | "在业" | "正常经营" => Some(PartyStatus::Active),
        "吊销未注销" | "已吊销" => Some(PartyStatus::Revoked),
        "已注销" => Some(PartyStatus::Deregistered),
        "破产清算" | "破产重整" | "已破产" => Some(PartyStatus::Bankrupt),
        "失信" | "失信人" | "被执行人(失信)" => Some(PartyStatus::Dishonest),
        "死亡" | "身故" => Some(PartyStatus::Deceased),
        _ => None,
    })
}

pub(crate) fn read_guarantee_kind(s: &str) -> Option<GuaranteeKind> {
    GuaranteeKind::from_any_name(s).or(match s {
        "连带" | "连带保证" | "连带责任" => Some(GuaranteeKind::JointLiability),
        "一般" | "一般责任保证" => Some(GuaranteeKind::General),
        _ => None,
    })
}

pub(crate) fn read_collateral_type(s: &str) -> Option<CollateralType> {
    CollateralType::from_any_name(s).or(match s {
        "房产" | "住房" | "住宅房产" | "商品房" => Some(CollateralType::Residential),
        "商铺" | "商业用房" | "商业房产" | "办公楼" | "写字楼" => Some(CollateralType::Commercial),
        "厂房" | "工业用房" | "工业房产" => Some(CollateralType::Industrial),
        "土地" | "国有土地使用权" | "土地使用权(工业)" => Some(CollateralType::Land),
        "机器设备" | "机械设备" => Some(CollateralType::Equipment),
        "汽车" | "机动车" => Some(CollateralType::Vehicle),
        "股份" | "股票" => Some(CollateralType::Equity),
        "应收款" => Some(CollateralType::Receivable),
        _ => None,
    })
}
