//! Workbooks built to exhaust memory: each is refused with the limit it breaks, before
//! it costs the memory, and a harmless odd one (two cells far apart) is read cheaply.
//! The limits are made small here so that the bombs are small; `tests/bomb_memory.rs`
//! feeds a full-size one through the import and measures the memory it takes.

mod support;

use std::io::{Cursor, Write};

use huajie_tape::{Limits, ReadError, WorkbookLimit, read_workbook_with};
use support::xlsx;
use zip::write::SimpleFileOptions;

const SMALL: Limits =
    Limits { decompressed_bytes: 1 << 20, entries: 50, rows: 1_000, cells: 10_000, text_bytes: 100_000 };

fn refused_for(bytes: Vec<u8>) -> WorkbookLimit {
    match read_workbook_with(bytes, &SMALL) {
        Err(ReadError::TooLarge(limit)) => limit,
        other => panic!("expected a refusal, got {:?}", other.map(|s| s.len())),
    }
}

#[test]
fn a_sheet_that_decompresses_past_the_limit_is_refused_unread() {
    let bomb = xlsx(&[], &mut |w| {
        let row: String = (0..100).map(|_| r#"<c t="inlineStr"><is><t>炸</t></is></c>"#).collect();
        for _ in 0..1_000 {
            write!(w, "<row>{row}</row>").unwrap();
        }
    });
    assert!(bomb.len() < 64 * 1024, "a small file: {} bytes", bomb.len());
    assert_eq!(refused_for(bomb), WorkbookLimit::Decompressed(1 << 20));
}

#[test]
fn one_shared_string_repeated_in_many_cells_is_refused_by_its_text() {
    // 500 cells of a 1,000-character string: a few kilobytes of zip, half a megabyte of text.
    let long = "长".repeat(1_000);
    let bomb = xlsx(&[long], &mut |w| {
        for r in 1..=50 {
            write!(w, r#"<row r="{r}">"#).unwrap();
            for c in 0..10u8 {
                write!(w, r#"<c r="{}{r}" t="s"><v>0</v></c>"#, (b'A' + c) as char).unwrap();
            }
            write!(w, "</row>").unwrap();
        }
    });
    assert_eq!(refused_for(bomb), WorkbookLimit::Text(100_000));
}

#[test]
fn too_many_cells_or_rows_are_refused() {
    let wide = xlsx(&[], &mut |w| {
        for r in 1..=20 {
            write!(w, r#"<row r="{r}"><c r="ZZ{r}"><v>1</v></c></row>"#).unwrap();
        }
    });
    assert_eq!(refused_for(wide), WorkbookLimit::Cells(10_000), "20 rows padded to column ZZ");
    let long = xlsx(&[], &mut |w| {
        for r in 1..=2_000 {
            write!(w, r#"<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>"#).unwrap();
        }
    });
    assert_eq!(refused_for(long), WorkbookLimit::Rows(1_000));
}

#[test]
fn two_cells_far_apart_are_two_cells() {
    let sparse = xlsx(&[], &mut |w| {
        write!(w, r#"<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="B1048576"><v>2</v></c></row>"#)
            .unwrap();
    });
    let sheets = read_workbook_with(sparse, &SMALL).unwrap();
    let rows: Vec<(usize, Vec<String>)> = sheets[0].rows.iter().map(|r| r.clone().unwrap()).collect();
    assert_eq!(rows, [(1, vec!["1".to_string()]), (1_048_576, vec![String::new(), "2".to_string()])]);
}

#[test]
fn an_ods_whose_repeats_spread_past_the_limit_is_refused_before_it_is_opened() {
    let mut out = Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("mimetype", options).unwrap();
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet").unwrap();
    zip.start_file("content.xml", options).unwrap();
    // One cell repeated over 1,000 columns, its row over 1,000 rows: a million cells.
    zip.write_all(
        br#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet><table:table table:name="S"><table:table-row table:number-rows-repeated="1000"><table:table-cell table:number-columns-repeated="1000" office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#,
    )
    .unwrap();
    zip.finish().unwrap();
    assert_eq!(refused_for(out.into_inner()), WorkbookLimit::Cells(10_000));
}

#[test]
fn a_zip_of_many_entries_is_refused_before_its_directory_is_read() {
    let mut out = Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    for i in 0..100 {
        zip.start_file(format!("x/{i}"), SimpleFileOptions::default()).unwrap();
    }
    zip.finish().unwrap();
    assert_eq!(refused_for(out.into_inner()), WorkbookLimit::Entries(50));
}

#[test]
fn refusals_say_what_and_why_in_chinese() {
    let e = ReadError::TooLarge(WorkbookLimit::Decompressed(256 << 20));
    let zh = e.message(huajie_core::Lang::Zh);
    assert!(zh.contains("工作簿过大") && zh.contains("256 MiB") && zh.contains("CSV"), "{zh}");
    assert!(!zh.is_ascii() && !zh.contains("the workbook"), "{zh}");
    assert!(e.message(huajie_core::Lang::En).contains("decompresses to more than 256 MiB"));
}

#[test]
fn a_long_note_in_an_unmapped_column_is_read_and_left_alone() {
    // Longer than Excel lets anyone type into a cell, in a column the tape does not map.
    let note = "备注".repeat(60_000);
    let book = xlsx(&[note], &mut |w| {
        write!(
            w,
            r#"<row r="1"><c r="A1" t="inlineStr"><is><t>合同编号</t></is></c><c r="B1" t="inlineStr"><is><t>借款人名称</t></is></c><c r="C1" t="inlineStr"><is><t>证件号码</t></is></c><c r="D1" t="inlineStr"><is><t>本金余额</t></is></c><c r="E1" t="inlineStr"><is><t>备注</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>X1</t></is></c><c r="B2" t="inlineStr"><is><t>甲公司</t></is></c><c r="C2" t="inlineStr"><is><t>91440300708461136T</t></is></c><c r="D2"><v>100</v></c><c r="E2" t="s"><v>0</v></c></row>"#
        )
        .unwrap();
    });
    let sheets = huajie_tape::read_workbook(book).unwrap();
    let options = huajie_tape::SheetOptions {
        cutoff_date: chrono::NaiveDate::from_ymd_opt(2025, 6, 30),
        today: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        personal_batch: false,
    };
    let r = huajie_tape::read_claims(sheets[0].rows.clone(), options).unwrap();
    assert_eq!(r.claims.len(), 1, "{:?}", r.problems);
    assert!(r.problems.is_empty(), "{:?}", r.problems);
}

/// Sets the uncompressed size an archive declares for its entry `name` (local header and
/// central directory), as a bomb that lies about itself would.
fn declare_size(zip: &mut [u8], name: &str, size: u32) {
    let name = name.as_bytes();
    let mut patched = 0;
    for i in 0..zip.len().saturating_sub(46 + name.len()) {
        let (sig, size_at, name_at) = match &zip[i..i + 4] {
            b"PK\x03\x04" => ("local", i + 22, i + 30),
            b"PK\x01\x02" => ("central", i + 24, i + 46),
            _ => continue,
        };
        let name_len = u16::from_le_bytes([
            zip[i + 26 + usize::from(sig == "central") * 2],
            zip[i + 27 + usize::from(sig == "central") * 2],
        ]);
        if usize::from(name_len) == name.len() && &zip[name_at..name_at + name.len()] == name {
            zip[size_at..size_at + 4].copy_from_slice(&size.to_le_bytes());
            patched += 1;
        }
    }
    assert_eq!(patched, 2, "the local header and the central directory");
}

#[test]
fn a_bomb_that_declares_a_small_size_is_still_refused() {
    let mut bomb = xlsx(&[], &mut |w| {
        let row: String = (0..100).map(|_| r#"<c t="inlineStr"><is><t>炸</t></is></c>"#).collect();
        for _ in 0..1_000 {
            write!(w, "<row>{row}</row>").unwrap();
        }
    });
    declare_size(&mut bomb, "xl/worksheets/sheet1.xml", 1_000);
    // Inflating it past what it declares stops at once: a lying archive is a damaged one.
    match read_workbook_with(bomb, &SMALL) {
        Err(ReadError::BadWorkbook(huajie_tape::WorkbookFault::Damaged(why))) => {
            assert!(why.contains("larger than its declared"), "{why}")
        }
        other => panic!("expected a refusal, got {:?}", other.map(|s| s.len())),
    }
}
