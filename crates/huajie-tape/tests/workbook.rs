//! Workbook tapes: an `.xlsx` with a title, merged two-level headers, a 万元 column, real
//! Excel numbers and dates, a 合计 row and notes, next to a sheet that is not the tape;
//! and damaged workbooks.

use chrono::NaiveDate;
use huajie_core::{CollateralType, Money, Uscc};
use huajie_tape::{ReadError, SheetOptions, claims_sheet, read_claims, read_workbook};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

fn company(n: u32) -> String {
    Uscc::with_check_chars(&format!("91330102MA2{n:05}")).unwrap().to_string()
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
    for (col, name) in
        ["序号", "借款合同编号", "借款人名称", "统一社会信用代码", "本金余额（万元）", "逾期日"].iter().enumerate()
    {
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
    let options = SheetOptions {
        cutoff_date: None,
        today: NaiveDate::from_ymd_opt(2026, 11, 28).unwrap(),
        personal_batch: false,
    };
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
    let e = read_workbook(bytes).unwrap_err();
    assert!(matches!(e, ReadError::BadWorkbook(_)));
    // In Chinese, without the library's own English words (they stay in the English half).
    let zh = e.message(huajie_core::Lang::Zh);
    assert!(zh.contains("工作簿已损坏或不完整"), "{zh}");
    assert!(!zh.chars().any(|c| c.is_ascii_alphabetic()), "{zh}");
    assert!(e.message(huajie_core::Lang::En).contains("damaged"));
    assert_eq!(read_workbook(Vec::new()).err(), Some(ReadError::Empty));
    assert!(matches!(read_workbook(b"just some text, not a workbook".to_vec()), Err(ReadError::BadWorkbook(_))));
}

/// Three linked sheets: claims, collateral and guarantors, joined by contract number.
fn linked_workbook() -> Vec<u8> {
    let mut book = Workbook::new();
    let claims = book.add_worksheet();
    claims.set_name("债权").unwrap();
    for (c, h) in ["借款合同编号", "借款人名称", "统一社会信用代码", "本金余额"].iter().enumerate()
    {
        claims.write_string(0, c as u16, *h).unwrap();
    }
    for i in 0..3u32 {
        claims.write_string(1 + i, 0, format!("HT-{i}")).unwrap();
        claims.write_string(1 + i, 1, "宁波关联测试有限公司").unwrap();
        claims.write_string(1 + i, 2, company(77)).unwrap();
        claims.write_number(1 + i, 3, 1_000_000.0).unwrap();
    }
    let collateral = book.add_worksheet();
    collateral.set_name("抵押物").unwrap();
    for (c, h) in ["合同编号", "抵押物类型", "坐落", "评估价值（万元）", "抵押顺位"].iter().enumerate()
    {
        collateral.write_string(0, c as u16, *h).unwrap();
    }
    let rows: [(&str, &str, &str, Option<f64>); 3] = [
        ("ＨＴ－０、ht-1", "工业厂房", "宁波市北仑区新碶街道1号", Some(850.0)),
        ("HT-9", "住宅", "宁波市鄞州区1号", Some(120.0)),
        ("HT-2", "商铺", "宁波市海曙区2号", None),
    ];
    for (i, (contracts, kind, address, value)) in rows.iter().enumerate() {
        let r = 1 + i as u32;
        collateral.write_string(r, 0, *contracts).unwrap();
        collateral.write_string(r, 1, *kind).unwrap();
        collateral.write_string(r, 2, *address).unwrap();
        if let Some(v) = value {
            collateral.write_number(r, 3, *v).unwrap();
        }
        collateral.write_number(r, 4, 1.0).unwrap();
    }
    let guarantors = book.add_worksheet();
    guarantors.set_name("保证人").unwrap();
    for (c, h) in ["合同编号", "保证人名称", "保证人证件号码", "保证金额"].iter().enumerate() {
        guarantors.write_string(0, c as u16, *h).unwrap();
    }
    guarantors.write_string(1, 0, "HT-1;HT-2").unwrap();
    guarantors.write_string(1, 1, "宁波担保有限公司").unwrap();
    guarantors.write_string(1, 2, company(78)).unwrap();
    guarantors.write_number(1, 3, 500_000.0).unwrap();
    guarantors.write_string(2, 0, "HT-0").unwrap();
    guarantors.write_string(2, 1, "无证件的保证人").unwrap();
    book.save_to_buffer().unwrap()
}

#[test]
fn three_linked_sheets_join_by_contract_number() {
    let sheets = read_workbook(linked_workbook()).unwrap();
    let options = SheetOptions {
        cutoff_date: NaiveDate::from_ymd_opt(2025, 6, 30),
        today: NaiveDate::from_ymd_opt(2026, 11, 28).unwrap(),
        personal_batch: false,
    };
    let r = huajie_tape::read_linked(&sheets, options, &Default::default()).unwrap_or_else(|p| panic!("{p:?}"));
    assert_eq!(r.claims.len(), 3, "one borrower on three rows");
    assert_eq!(r.claims_sheet.as_deref(), Some("债权"), "the report names the claims sheet");
    assert_eq!(r.linked_collateral.len(), 1, "the unknown contract and the item without a value are set aside");
    let item = &r.linked_collateral[0];
    assert_eq!(item.contracts, ["HT-0", "HT-1"], "matched by key, named as the claims sheet writes them");
    assert_eq!(item.item.appraised_value, Money::from_fen(850_000_000), "万元 column on the linked sheet");
    let located: Vec<(Option<&str>, Option<usize>, &str)> =
        r.problems.iter().map(|p| (p.sheet.as_deref(), p.row, p.rule.code())).collect();
    assert!(located.contains(&(Some("抵押物"), Some(3), "W117")), "{located:?}");
    assert!(located.contains(&(Some("抵押物"), Some(4), "E001")), "{located:?}");
    assert_eq!(r.linked_guarantors.len(), 2);
    assert_eq!(r.linked_guarantors[0].contracts, ["HT-1", "HT-2"]);

    let plan = huajie_tape::plan(&r);
    assert_eq!(plan.parties.len(), 3, "the debtor once, the guarantor with an ID once, the one without by name");
    assert_eq!(plan.collateral.len(), 1);
    let secured: Vec<usize> = plan.collateral[0].secures.iter().map(|l| l.claim).collect();
    assert_eq!(secured, [0, 1], "one item securing two claims");
    assert_eq!(plan.guarantees.len(), 3, "one guarantor for two contracts, one for the third");
    let w116: Vec<_> = r.problems.iter().filter(|p| p.rule.code() == "W116").collect();
    assert_eq!(w116.len(), 1, "reported once, where it is read");
    assert_eq!(
        (w116[0].sheet.as_deref(), w116[0].row, w116[0].value.as_deref()),
        (Some("保证人"), Some(3), Some("无证件的保证人"))
    );
}

#[test]
fn a_cut_off_on_a_cover_sheet_is_read_when_none_is_entered() {
    let mut book = Workbook::new();
    let cover = book.add_worksheet();
    cover.set_name("说明").unwrap();
    cover.write_string(0, 0, "本资产包数据截至2025年6月30日，仅供尽职调查使用").unwrap();
    let claims = book.add_worksheet();
    claims.set_name("债权").unwrap();
    for (c, h) in ["借款合同编号", "借款人名称", "统一社会信用代码", "本金余额"].iter().enumerate()
    {
        claims.write_string(0, c as u16, *h).unwrap();
    }
    claims.write_string(1, 0, "HT-1").unwrap();
    claims.write_string(1, 1, "封面测试有限公司").unwrap();
    claims.write_string(1, 2, company(90)).unwrap();
    claims.write_number(1, 3, 1000.0).unwrap();
    let sheets = read_workbook(book.save_to_buffer().unwrap()).unwrap();
    let options = SheetOptions {
        cutoff_date: None,
        today: NaiveDate::from_ymd_opt(2026, 11, 28).unwrap(),
        personal_batch: false,
    };
    let r = huajie_tape::read_linked(&sheets, options, &Default::default()).unwrap_or_else(|p| panic!("{p:?}"));
    assert_eq!(r.cutoff_date, NaiveDate::from_ymd_opt(2025, 6, 30).unwrap());
    assert_eq!(r.claims.len(), 1);
}

#[test]
fn the_same_fault_has_the_same_code_on_every_sheet_and_is_reported_once() {
    let bad = {
        let mut s = huajie_core::ResidentId::with_check_char("33010619800101009").unwrap().to_string();
        let last = s.pop().unwrap();
        s.push(if last == '0' { '1' } else { '0' });
        s
    };
    let mut book = Workbook::new();
    let claims = book.add_worksheet();
    claims.set_name("债权").unwrap();
    for (c, h) in ["借款合同编号", "借款人名称", "统一社会信用代码", "本金余额", "保证人名称", "保证人证件号码"]
        .iter()
        .enumerate()
    {
        claims.write_string(0, c as u16, *h).unwrap();
    }
    for (c, v) in ["HT-1", "同码测试有限公司", &company(91), "1000", "张三", &bad].iter().enumerate() {
        claims.write_string(1, c as u16, *v).unwrap();
    }
    let collateral = book.add_worksheet();
    collateral.set_name("抵押物").unwrap();
    for (c, h) in ["合同编号", "抵押物类型", "评估价值"].iter().enumerate() {
        collateral.write_string(0, c as u16, *h).unwrap();
    }
    for (c, v) in ["HT-404", "住宅", "1000000"].iter().enumerate() {
        collateral.write_string(1, c as u16, *v).unwrap();
    }
    let guarantors = book.add_worksheet();
    guarantors.set_name("保证人").unwrap();
    for (c, h) in ["合同编号", "保证人名称", "保证人证件号码"].iter().enumerate() {
        guarantors.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in [["HT-404", "李四", ""], ["HT-1", "王五", bad.as_str()]].iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            guarantors.write_string(1 + r as u32, c as u16, *v).unwrap();
        }
    }
    let sheets = read_workbook(book.save_to_buffer().unwrap()).unwrap();
    let options = SheetOptions {
        cutoff_date: NaiveDate::from_ymd_opt(2025, 6, 30),
        today: NaiveDate::from_ymd_opt(2026, 11, 28).unwrap(),
        personal_batch: false,
    };
    let r = huajie_tape::read_linked(&sheets, options, &Default::default()).unwrap();
    let mut found: Vec<(Option<&str>, Option<usize>, &str)> =
        r.problems.iter().map(|p| (p.sheet.as_deref(), p.row, p.rule.code())).collect();
    found.sort();
    assert_eq!(
        found,
        [
            (None, Some(2), "W118"),           // a flawed guarantor ID on the claims sheet …
            (Some("保证人"), Some(2), "W117"), // … an unknown contract on the guarantor sheet (not loaded: nothing more said) …
            (Some("保证人"), Some(3), "W118"), // … the same flawed ID there: the same code, once
            (Some("抵押物"), Some(2), "W117"), // … and on the collateral sheet: the same code
        ]
    );
}
