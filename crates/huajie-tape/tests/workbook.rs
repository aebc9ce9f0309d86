//! Workbook tapes: an `.xlsx` with a title, merged two-level headers, a 万元 column, real
//! Excel numbers and dates, a 合计 row and notes, next to a sheet that is not the tape;
//! and damaged workbooks.

use chrono::NaiveDate;
use huajie_core::{CollateralType, Money, Uscc};
use huajie_tape::{ReadError, SheetOptions, claims_sheet, read_claims, read_workbook};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

fn company(n: u32) -> String {
    Uscc::with_check_char(&format!("91330102MA2{n:06}")).unwrap().to_string()
}

/// The workbook a bank sends: a cover sheet, then the claims sheet.
fn bank_workbook() -> Vec<u8> {
    let mut book = Workbook::new();
    let cover = book.add_worksheet();
    cover.set_name("说明").unwrap();
    cover.write_string(0, 0, "本资产包明细仅供尽职调查使用").unwrap();
    let sheet = book.add_worksheet();
    sheet.set_name("债权明细").unwrap();
    let merged = Format::new();
    sheet.merge_range(0, 0, 0, 8, "浙东商业银行2025年第三批不良资产包明细", &merged).unwrap();
    sheet.write_string(1, 0, "基准日：2025-06-30").unwrap();
    for (col, name) in ["序号", "借款合同编号", "借款人名称", "统一社会信用代码", "本金余额（万元）", "逾期日"].iter().enumerate() {
        // Single-level headers are merged over both header rows.
        sheet.merge_range(2, col as u16, 3, col as u16, name, &merged).unwrap();
    }
    sheet.merge_range(2, 6, 2, 8, "抵押物", &merged).unwrap();
    for (col, name) in ["类型", "地址", "评估价值（元）"].iter().enumerate() {
        sheet.write_string(3, 6 + col as u16, *name).unwrap();
    }
    let date = Format::new().set_num_format("yyyy-mm-dd");
    type Row<'a> = (&'a str, f64, (u16, u8, u8), Option<(&'a str, &'a str, f64)>);
    let rows: [Row; 3] = [
        ("ZD-01", 120.5, (2023, 3, 1), Some(("工业厂房", "杭州市萧山区宁围街道1号", 3_000_000.0))),
        ("ZD-02", 80.0, (2022, 11, 15), Some(("商铺", "上海市浦东新区张杨路2号", 912_345.67))),
        ("ZD-03", 45.25, (2024, 1, 31), None),
    ];
    let mut total = 0.0;
    for (i, (contract, wan, (y, m, d), collateral)) in rows.iter().enumerate() {
        let r = 4 + i as u32;
        sheet.write_number(r, 0, (i + 1) as f64).unwrap();
        sheet.write_string(r, 1, *contract).unwrap();
        sheet.write_string(r, 2, format!("测试{}号有限公司", i + 1)).unwrap();
        sheet.write_string(r, 3, company(i as u32)).unwrap();
        sheet.write_number(r, 4, *wan).unwrap();
        sheet.write_datetime_with_format(r, 5, ExcelDateTime::from_ymd(*y, *m, *d).unwrap(), &date).unwrap();
        if let Some((kind, address, value)) = collateral {
            sheet.write_string(r, 6, *kind).unwrap();
            sheet.write_string(r, 7, *address).unwrap();
            sheet.write_number(r, 8, *value).unwrap();
        }
        total += wan;
    }
    sheet.write_string(7, 0, "合计").unwrap();
    sheet.write_number(7, 4, total).unwrap();
    sheet.write_string(9, 0, "注：本表数据以转让协议为准。").unwrap();
    book.save_to_buffer().unwrap()
}

#[test]
fn an_xlsx_tape_with_merged_two_level_headers_reads_like_its_csv_twin() {
    let sheets = read_workbook(bank_workbook()).unwrap();
    assert_eq!(sheets.len(), 2);
    let i = claims_sheet(&sheets).expect("a claims sheet");
    assert_eq!(sheets[i].name, "债权明细");
    let options = SheetOptions { cutoff_date: None, today: NaiveDate::from_ymd_opt(2026, 11, 28).unwrap(), personal_batch: false };
    let r = read_claims(sheets[i].rows.clone(), options).unwrap_or_else(|p| panic!("{p:?}"));
    assert_eq!(r.cutoff_date, NaiveDate::from_ymd_opt(2025, 6, 30).unwrap());
    assert_eq!((r.header.row, r.header.levels), (3, 2));
    assert_eq!(r.claims.len(), 3, "{:?}", r.problems);
    assert!(r.problems.is_empty(), "the 合计 row agrees and nothing is wrong: {:?}", r.problems);
    assert_eq!(r.total_row, Some(8), "Excel's own row number");
    assert_eq!(r.claims[0].principal, Money::from_fen(120_500_000));
    assert_eq!(r.claims[2].principal, Money::from_fen(45_250_000));
    assert_eq!(r.claims[1].default_date, NaiveDate::from_ymd_opt(2022, 11, 15), "a real Excel date cell");
    let m = r.claims[1].collateral.as_ref().unwrap();
    assert_eq!((m.collateral_type, m.appraised_value), (CollateralType::Commercial, Money::from_fen(91_234_567)));
    assert_eq!(r.claims[0].row, 5, "rows are numbered as Excel shows them");
}

#[test]
fn damaged_workbooks_get_a_clear_error() {
    let mut bytes = bank_workbook();
    bytes.truncate(bytes.len() / 2);
    assert!(matches!(read_workbook(bytes), Err(ReadError::BadWorkbook(_))));
    assert_eq!(read_workbook(Vec::new()).err(), Some(ReadError::Empty));
    assert!(matches!(read_workbook(b"just some text, not a workbook".to_vec()), Err(ReadError::BadWorkbook(_))));
}
