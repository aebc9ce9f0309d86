//! # huajie-report
//!
//! Reports people take away: Excel workbooks built from the results of the other crates.
//! Every function returns the file's bytes; the caller saves or serves them.
//!
//! Start at `tape_report_xlsx`, the validation report of a tape import.

pub mod agreement_pdf;
pub mod compliance;
pub mod minutes_pdf;
pub mod palette;
pub mod pdf;
pub mod signoff;
pub mod tables;
pub mod valuation;
pub mod valuation_pdf;

use std::collections::BTreeMap;

use huajie_core::Lang;
use huajie_core::mask::{mask_id_number, mask_person_name, mask_phone};
use huajie_tape::{Criticality, Field, Severity, TapeReport};
use rust_xlsxwriter::{Format, Workbook, XlsxError};
use signoff::Signoff;

/// Whether the reader of a report may see personal data unmasked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonalData {
    Shown,
    Masked,
}

fn t(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    lang.pick(zh, en)
}

/// A problem's value as the reader may see it: personal fields masked when asked.
pub fn shown_value(field: Option<Field>, value: &str, personal: PersonalData) -> String {
    if personal == PersonalData::Shown {
        return value.to_string();
    }
    match field {
        Some(Field::DebtorId | Field::GuarantorId) => mask_id_number(value),
        Some(Field::Phone) => mask_phone(value),
        Some(Field::DebtorName | Field::GuarantorName) => mask_person_name(value),
        _ => value.to_string(),
    }
}

/// The validation report of a tape as an `.xlsx`: a summary sheet (counts, completeness
/// score, counts by rule), the problem list (row, column, header, value, rule, message),
/// and the completeness of every field; signed (`signoff`: who imported it, when).
pub fn tape_report_xlsx(
    read: &TapeReport,
    lang: Lang,
    personal: PersonalData,
    s: &Signoff,
) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    let percent = Format::new().set_num_format("0%");
    let date = Format::new().set_num_format("yyyy-mm-dd");

    let summary = book.add_worksheet();
    summary.set_name(t(lang, "汇总", "Summary"))?;
    summary.set_column_width(0, 28)?;
    summary.set_column_width(1, 60)?;
    summary.write_string_with_format(0, 0, t(lang, "数据带校验报告", "Tape validation report"), &bold)?;
    let labels = [
        t(lang, "文件", "File"),
        t(lang, "基准日", "Cut-off date"),
        t(lang, "表头所在行", "Header row"),
        t(lang, "读取行数", "Rows read"),
        t(lang, "有效债权", "Valid claims"),
        t(lang, "拒绝行数", "Rows rejected"),
        t(lang, "完整度", "Completeness"),
    ];
    for (i, label) in labels.iter().enumerate() {
        summary.write_string_with_format(2 + i as u32, 0, *label, &bold)?;
    }
    // A tape refused as a whole has no cut-off, header or completeness: shown as —.
    let read_at_all = read.header_row > 0;
    summary.write_string(2, 1, &read.file_name)?;
    match tables::excel_date(&read.cutoff_date.to_string()).filter(|_| read_at_all) {
        Some(d) => summary.write_datetime_with_format(3, 1, &d, &date)?,
        None => summary.write_string(3, 1, "—")?,
    };
    if read_at_all {
        summary.write_number(4, 1, read.header_row as f64)?;
    } else {
        summary.write_string(4, 1, "—")?;
    }
    summary.write_number(5, 1, read.rows_read as f64)?;
    summary.write_number(6, 1, read.valid_claims as f64)?;
    summary.write_number(7, 1, read.rejected_rows as f64)?;
    if read_at_all {
        summary.write_number_with_format(8, 1, f64::from(read.completeness_score) / 100.0, &percent)?;
    } else {
        summary.write_string(8, 1, "—")?;
    }
    let rows = labels;
    let mut by_rule: BTreeMap<&'static str, (&'static str, Severity, u32)> = BTreeMap::new();
    for p in &read.problems {
        by_rule.entry(p.rule.code()).or_insert((p.rule.title(lang), p.severity(), 0)).2 += 1;
    }
    let start = 3 + rows.len() as u32;
    summary.write_string_with_format(start, 0, t(lang, "规则", "Rule"), &bold)?;
    summary.write_string_with_format(start, 1, t(lang, "说明", "Description"), &bold)?;
    summary.write_string_with_format(start, 2, t(lang, "条数", "Count"), &bold)?;
    for (i, (code, (title, severity, n))) in by_rule.iter().enumerate() {
        let r = start + 1 + i as u32;
        summary.write_string(r, 0, *code)?;
        summary.write_string(r, 1, format!("{title}（{}）", severity_name(*severity, lang)))?;
        summary.write_number(r, 2, f64::from(*n))?;
    }

    // Every problem names its sheet: its own, else the claims sheet; a CSV is one sheet,
    // which Excel names after the file.
    let csv =
        !huajie_tape::WORKBOOK_EXTENSIONS.iter().any(|e| read.file_name.to_lowercase().ends_with(&format!(".{e}")));
    let claims_sheet = match &read.claims_sheet {
        Some(name) => name.clone(),
        None if csv => {
            let stem = read.file_name.rsplit_once('.').map_or(read.file_name.as_str(), |(s, _)| s);
            stem.rsplit(['/', '\\']).next().unwrap_or(stem).to_string()
        }
        None => t(lang, "（债权表）", "(claims sheet)").to_string(),
    };
    let problems = book.add_worksheet();
    problems.set_name(t(lang, "问题清单", "Problems"))?;
    let headers = [
        t(lang, "工作表", "Sheet"),
        t(lang, "行", "Row"),
        t(lang, "列", "Column"),
        t(lang, "表头", "Header"),
        t(lang, "字段", "Field"),
        t(lang, "值", "Value"),
        t(lang, "规则", "Rule"),
        t(lang, "处理", "Effect"),
        t(lang, "说明", "Message"),
    ];
    for (c, h) in headers.iter().enumerate() {
        problems.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    for (c, w) in [12.0, 8.0, 6.0, 18.0, 16.0, 24.0, 8.0, 12.0, 70.0].iter().enumerate() {
        problems.set_column_width(c as u16, *w)?;
    }
    problems.set_freeze_panes(1, 0)?;
    for (i, p) in read.problems.iter().enumerate() {
        let r = 1 + i as u32;
        problems.write_string(r, 0, p.sheet.as_deref().unwrap_or(&claims_sheet))?;
        if let Some(row) = p.row {
            problems.write_number(r, 1, row as f64)?;
        }
        problems.write_string(r, 2, p.column_letter().unwrap_or_default())?;
        problems.write_string(r, 3, p.header.clone().unwrap_or_default())?;
        problems.write_string(r, 4, p.field.map(|f| f.name(lang)).unwrap_or(""))?;
        problems.write_string(
            r,
            5,
            p.value.as_deref().map(|v| shown_value(p.field, v, personal)).unwrap_or_default(),
        )?;
        problems.write_string(r, 6, p.rule.code())?;
        problems.write_string(r, 7, severity_name(p.severity(), lang))?;
        problems.write_string_with_format(r, 8, p.message(lang), &wrap)?;
    }
    if !read.problems.is_empty() {
        problems.autofilter(0, 0, read.problems.len() as u32, headers.len() as u16 - 1)?;
    }

    completeness_sheet(&mut book, read, lang)?;
    signoff::signed_book(book, t(lang, "数据带校验报告", "Tape check report"), s, lang)
}

/// The report's completeness sheet: each field, whether it is required and present, and how
/// many of its values are valid.
fn completeness_sheet(book: &mut Workbook, read: &TapeReport, lang: Lang) -> Result<(), XlsxError> {
    let bold = Format::new().set_bold();
    let percent = Format::new().set_num_format("0%");
    let completeness = book.add_worksheet();
    completeness.set_name(t(lang, "完整度", "Completeness"))?;
    for (c, h) in [
        t(lang, "字段", "Field"),
        t(lang, "要求", "Required"),
        t(lang, "有此列", "Column present"),
        t(lang, "有效值", "Valid values"),
        t(lang, "完整度", "Complete"),
    ]
    .iter()
    .enumerate()
    {
        completeness.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    completeness.set_column_width(0, 20)?;
    for (i, c) in read.completeness.iter().enumerate() {
        let r = 1 + i as u32;
        completeness.write_string(r, 0, c.field.name(lang))?;
        completeness.write_string(r, 1, criticality_name(c.criticality, lang))?;
        completeness.write_string(r, 2, if c.mapped { t(lang, "是", "yes") } else { t(lang, "否", "no") })?;
        completeness.write_number(r, 3, c.filled as f64)?;
        let share = if c.rows == 0 { 0.0 } else { c.filled as f64 / c.rows as f64 };
        completeness.write_number_with_format(r, 4, share, &percent)?;
    }
    Ok(())
}

fn severity_name(s: Severity, lang: Lang) -> &'static str {
    match s {
        Severity::Fatal => t(lang, "整表拒绝", "tape refused"),
        Severity::Rejected => t(lang, "本行拒绝", "row rejected"),
        Severity::Warning => t(lang, "提示", "warning"),
    }
}

fn criticality_name(c: Criticality, lang: Lang) -> &'static str {
    match c {
        Criticality::Mandatory => t(lang, "必填", "mandatory"),
        Criticality::Recommended => t(lang, "建议", "recommended"),
        Criticality::Optional => t(lang, "可选", "optional"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signed() -> Signoff {
        Signoff::new("test", "2026-12-07T02:30:00Z".parse().unwrap())
    }
    use calamine::{Data, Reader, open_workbook_auto_from_rs};
    use chrono::NaiveDate;
    use huajie_tape::{SheetOptions, open_csv, read_claims};

    fn read() -> TapeReport {
        let good = huajie_core::ResidentId::with_check_char("33010619800101001").unwrap().to_string();
        let mut bad = good.clone();
        let last = bad.pop().unwrap();
        bad.push(if last == '0' { '1' } else { '0' });
        let text = format!(
            "合同编号,借款人姓名,身份证号码,本金余额\nA-1,王伟,{good},100\nA-2,李娜,{bad},200\nA-1,王伟,{good},300\n"
        );
        let (_, rows) = open_csv(text.as_bytes()).unwrap();
        let options = SheetOptions {
            cutoff_date: NaiveDate::from_ymd_opt(2025, 6, 30),
            today: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            personal_batch: false,
        };
        TapeReport::new(&read_claims(rows, options).unwrap(), "tape.csv")
    }

    fn sheet_text(bytes: Vec<u8>, sheet: &str) -> Vec<Vec<String>> {
        let mut book = open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).unwrap();
        let range = book.worksheet_range(sheet).unwrap();
        range
            .rows()
            .map(|r| {
                r.iter()
                    .map(|c| match c {
                        Data::String(s) => s.clone(),
                        Data::Float(f) => f.to_string(),
                        _ => String::new(),
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn the_report_lists_every_problem_where_it_is() {
        let r = read();
        let bytes = tape_report_xlsx(&r, Lang::Zh, PersonalData::Shown, &signed()).unwrap();
        let problems = sheet_text(bytes.clone(), "问题清单");
        assert_eq!(problems[0][1], "行");
        assert_eq!(problems.len(), 1 + r.problems.len());
        let id_row = problems.iter().find(|p| p[6] == "E002").unwrap();
        assert_eq!((id_row[1].as_str(), id_row[2].as_str(), id_row[3].as_str()), ("3", "C", "身份证号码"));
        assert!(id_row[8].contains("第18位校验码错误"), "{}", id_row[8]);
        let summary = sheet_text(bytes, "汇总");
        assert!(summary.iter().any(|r| r[0] == "E004" && r[2] == "1"), "{summary:?}");
    }

    /// Every problem names its sheet: a CSV's is the file's own name (as Excel names it);
    /// a workbook's claims sheet by its name, a linked sheet by its own.
    #[test]
    fn every_problem_names_its_sheet_and_numbers_are_numbers() {
        let r = read();
        let problems = sheet_text(tape_report_xlsx(&r, Lang::Zh, PersonalData::Shown, &signed()).unwrap(), "问题清单");
        assert!(problems[1..].iter().all(|p| p[0] == "tape"), "{problems:?}");

        let good = huajie_core::ResidentId::with_check_char("33010619800101001").unwrap().to_string();
        let mut bad = good.clone();
        let last = bad.pop().unwrap();
        bad.push(if last == '0' { '1' } else { '0' });
        let mut book = Workbook::new();
        let claims = book.add_worksheet();
        claims.set_name("债权明细").unwrap();
        for (c, h) in ["合同编号", "借款人姓名", "身份证号码", "本金余额"].iter().enumerate() {
            claims.write_string(0, c as u16, *h).unwrap();
        }
        for (i, id) in [&good, &bad].iter().enumerate() {
            let r = 1 + i as u32;
            claims.write_string(r, 0, format!("A-{r}")).unwrap();
            claims.write_string(r, 1, "王伟").unwrap();
            claims.write_string(r, 2, id.as_str()).unwrap();
            claims.write_number(r, 3, 100.0).unwrap();
        }
        let guarantors = book.add_worksheet();
        guarantors.set_name("保证人").unwrap();
        for (c, h) in ["合同编号", "保证人名称", "保证人证件号码"].iter().enumerate() {
            guarantors.write_string(0, c as u16, *h).unwrap();
        }
        guarantors.write_string(1, 0, "A-1").unwrap();
        guarantors.write_string(1, 1, "无证件的保证人").unwrap();
        let sheets = huajie_tape::read_workbook(book.save_to_buffer().unwrap()).unwrap();
        let options = SheetOptions {
            cutoff_date: NaiveDate::from_ymd_opt(2025, 6, 30),
            today: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            personal_batch: false,
        };
        let read = huajie_tape::read_linked(&sheets, options, &Default::default()).unwrap();
        let report = TapeReport::new(&read, "tape.xlsx");
        let bytes = tape_report_xlsx(&report, Lang::Zh, PersonalData::Shown, &signed()).unwrap();
        let problems = sheet_text(bytes.clone(), "问题清单");
        let at: Vec<(&str, &str)> = problems[1..].iter().map(|p| (p[0].as_str(), p[6].as_str())).collect();
        assert!(at.contains(&("债权明细", "E002")) && at.contains(&("保证人", "W116")), "{at:?}");
        assert!(problems[1..].iter().all(|p| !p[0].is_empty()), "{problems:?}");
        // A report stored before the claims sheet was kept says where, in words.
        let old = TapeReport { claims_sheet: None, ..report };
        let problems =
            sheet_text(tape_report_xlsx(&old, Lang::En, PersonalData::Shown, &signed()).unwrap(), "Problems");
        assert!(problems[1..].iter().any(|p| p[0] == "(claims sheet)"), "{problems:?}");

        // The summary's figures are numbers, the cut-off a date, completeness a percentage.
        let mut wb = open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).unwrap();
        let summary = wb.worksheet_range("汇总").unwrap();
        assert!(matches!(summary.get_value((3, 1)), Some(Data::DateTime(_))), "{:?}", summary.get_value((3, 1)));
        for row in 4..=7 {
            assert!(matches!(summary.get_value((row, 1)), Some(Data::Float(_))), "row {row}");
        }
        assert!(matches!(summary.get_value((8, 1)), Some(Data::Float(x)) if *x > 0.0 && *x <= 1.0));
    }

    #[test]
    fn personal_data_is_masked_for_those_who_may_not_see_it() {
        let r = read();
        let shown = sheet_text(tape_report_xlsx(&r, Lang::En, PersonalData::Shown, &signed()).unwrap(), "Problems");
        let masked = sheet_text(tape_report_xlsx(&r, Lang::En, PersonalData::Masked, &signed()).unwrap(), "Problems");
        let id = |rows: &Vec<Vec<String>>| rows.iter().find(|p| p[6] == "E002").unwrap()[5].clone();
        assert_eq!(id(&shown).len(), 18);
        assert!(id(&masked).contains("********"), "{}", id(&masked));
        assert_eq!(masked[0][1], "Row", "English on request");
    }
}
