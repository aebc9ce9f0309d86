//! The tape corpus: tapes in the dialects banks send, generated here, each read through
//! the whole pipeline (bytes → encoding → header → rows → claims and problems) with its
//! expected result asserted.

use chrono::NaiveDate;
use huajie_core::{CollateralType, FiveClass, LitigationStage, Money, PartyKind, ResidentId, Uscc};
use huajie_tape::{AmountUnit, Field, ReadError, Rule, SheetOptions, TapeRead, open_csv, read_claims};

fn options() -> SheetOptions {
    SheetOptions { cutoff_date: None, today: NaiveDate::from_ymd_opt(2026, 11, 28).unwrap(), personal_batch: false }
}

fn read(bytes: &[u8], options: SheetOptions) -> TapeRead {
    let (_, rows) = open_csv(bytes).unwrap();
    read_claims(rows, options).unwrap_or_else(|p| panic!("fatal: {p:?}"))
}

/// Valid identifiers for generated debtors.
fn person_id(n: u32) -> String {
    let birth = format!("{}{:02}{:02}", 1960 + n % 30, 1 + n % 12, 1 + n % 28);
    ResidentId::with_check_char(&format!("330106{birth}{:03}", n % 1000)).unwrap().to_string()
}

fn company_id(n: u32) -> String {
    Uscc::with_check_chars(&format!("91330100MA2{:05}", n)).unwrap().to_string()
}

fn codes(read: &TapeRead) -> Vec<(&'static str, Option<usize>)> {
    read.problems.iter().map(|p| (p.rule.code(), p.row)).collect()
}

#[test]
fn gbk_csv_with_synonym_headers() {
    let mut text = String::from("合同号,客户名称,身份证号,贷款余额,欠息,罚复息,五级分类,诉讼进展,经办行\n");
    let mut principal_sum = 0i64;
    for n in 0..20u32 {
        let principal = 10_000 + n as i64 * 1_111;
        principal_sum += principal * 100;
        text.push_str(&format!(
            "HT-{n:03},张{n}号,{},{principal}.00,{}.5,0,可疑,未诉,杭州分行\n",
            person_id(n),
            n * 10
        ));
    }
    let (gbk, _, had_errors) = encoding_rs::GBK.encode(&text);
    assert!(!had_errors);
    let r = read(&gbk, SheetOptions { cutoff_date: NaiveDate::from_ymd_opt(2025, 6, 30), ..options() });
    assert_eq!(r.claims.len(), 20);
    assert!(r.problems.is_empty(), "{:?}", r.problems);
    assert_eq!(r.claims.iter().map(|c| c.principal.fen()).sum::<i64>(), principal_sum);
    let c = &r.claims[3];
    assert_eq!((c.contract_no.as_str(), c.debtor_name.as_str()), ("HT-003", "张3号"));
    assert_eq!(c.debtor_kind, PartyKind::Individual, "derived from the ID form");
    assert_eq!(c.interest, Money::from_fen(3_050));
    assert_eq!(c.five_class, Some(FiveClass::Doubtful));
    assert_eq!(c.litigation_stage, Some(LitigationStage::NotSued));
    assert_eq!(c.region.unwrap().code(), "33", "杭州分行 resolves to Zhejiang");
    assert_eq!(r.completeness_score, r.completeness_score.min(100));
    let mapped: Vec<Field> = r.header.columns.iter().filter_map(|c| c.field).collect();
    assert_eq!(mapped.len(), 9, "every column mapped: {mapped:?}");
}

#[test]
fn title_rows_two_level_headers_wan_column_and_total_row() {
    let rows = [
        "浙东商业银行2025年第三批不良资产包明细,,,,,,,,",
        "基准日：2025年6月30日,,,,,,,,",
        "序号,借款合同编号,借款人名称,统一社会信用代码,本金余额（万元）,利息余额（元）,抵押物,,",
        ",,,,,,类型,地址,评估价值（元）",
        "1,ZD-01,杭州恒达纺织有限公司,COMPANY0,120.5,\"35,000.00\",工业厂房,杭州市萧山区宁围街道1号,\"3,000,000\"",
        "2,ZD-02,宁波东升五金有限公司,COMPANY1,80,0,商铺,上海市浦东新区张杨路2号,\"900,000\"",
        ",,,,,,,,",
        "3,ZD-03,温州瑞昌电器有限公司,COMPANY2,45.25,1200.5,,,",
        "合计,,,,245.75,\"36,200.50\",,,",
        "注：金额单位见表头；数据仅供尽调使用。,,,,,,,,",
        "制表人：某某,,,,,,,,",
    ];
    let text = rows
        .join("\n")
        .replace("COMPANY0", &company_id(0))
        .replace("COMPANY1", &company_id(1))
        .replace("COMPANY2", &company_id(2));
    let r = read(text.as_bytes(), options());
    assert_eq!(r.cutoff_date, NaiveDate::from_ymd_opt(2025, 6, 30).unwrap(), "cut-off read from the title rows");
    assert_eq!((r.header.row, r.header.levels), (3, 2));
    assert_eq!(r.header.columns[4].unit, AmountUnit::Wan);
    assert_eq!(r.claims.len(), 3, "blank row skipped, notes below the total ignored");
    assert_eq!(r.total_row, Some(9));
    assert!(r.problems.iter().all(|p| p.rule != Rule::TotalRowMismatch), "the 合计 row agrees: {:?}", r.problems);
    assert_eq!(r.claims[0].principal, Money::from_fen(120_500_000));
    assert_eq!(r.claims[2].principal, Money::from_fen(45_250_000));
    assert_eq!(r.claims[0].interest, Money::from_fen(3_500_000));
    let m = r.claims[0].collateral.as_ref().unwrap();
    assert_eq!(m.collateral_type, CollateralType::Industrial);
    assert_eq!(m.appraised_value, Money::from_fen(300_000_000));
    assert_eq!(m.province.unwrap().code(), "33");
    let m = r.claims[1].collateral.as_ref().unwrap();
    assert_eq!(
        (m.collateral_type, m.province.unwrap().code()),
        (CollateralType::Commercial, "31".to_string()),
        "outside the province"
    );
    assert!(r.claims[2].collateral.is_none());
}

#[test]
fn full_width_digits_wan_amounts_and_every_date_form() {
    let text = format!(
        "借款合同编号,借款人名称,证件号码,本金余额,利息,放款日,逾期日,到期日\n\
         Ｃ－１,甲公司,{},１２３．４５万,￥１，０００．５０元,2019/5/1,2023年5月1日,20240501\n\
         C-2,乙公司,{},\"1,234,567.89\",(0),43586,2023-05-01 00:00:00,2024.5.1\n",
        company_id(10),
        company_id(11)
    );
    let r = read(text.as_bytes(), SheetOptions { cutoff_date: NaiveDate::from_ymd_opt(2025, 6, 30), ..options() });
    assert_eq!(r.claims.len(), 2, "{:?}", r.problems);
    assert_eq!(r.claims[0].contract_no, "Ｃ－１", "the contract number kept as written");
    assert_eq!(r.claims[0].principal, Money::from_fen(123_450_000));
    assert_eq!(r.claims[0].interest, Money::from_fen(100_050));
    assert_eq!(r.claims[1].principal, Money::from_fen(123_456_789));
    let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
    assert_eq!(r.claims[0].origination_date, d(2019, 5, 1));
    assert_eq!(r.claims[1].origination_date, d(2019, 5, 1), "Excel serial 43586");
    assert_eq!(r.claims[0].default_date, d(2023, 5, 1));
    assert_eq!(r.claims[1].default_date, d(2023, 5, 1));
    assert_eq!(r.claims[0].maturity_date, d(2024, 5, 1));
    assert_eq!(r.claims[1].maturity_date, d(2024, 5, 1));
}

#[test]
fn inconsistent_tapes_are_reported_row_by_row() {
    let good = person_id(1);
    let bad_check = {
        let mut s = person_id(2);
        let last = s.pop().unwrap();
        s.push(if last == '0' { '1' } else { '0' });
        s
    };
    let text = format!(
        "合同编号,借款人姓名,身份证号码,本金余额,利息余额,罚息,本息合计,逾期日,逾期天数,五级分类,诉讼时效到期日\n\
         A-1,王伟,{good},1000,100,10,1110,2025-01-01,180,次级,2027-01-01\n\
         A-2,李娜,{good},1000,100,10,2000,2025-01-01,180,可疑,2027-01-01\n\
         A-1,王伟,{good},500,0,0,500,2025-01-01,180,损失,2027-01-01\n\
         A-3,赵敏,{bad_check},800,0,0,,2025-01-01,180,损失,2027-01-01\n\
         A-4,钱强,{good},-5,0,0,,2025-01-01,180,损失,2027-01-01\n\
         A-5,孙丽,{good},700,0,0,,2025-01-01,20,关注,2024-01-01\n\
         A-6,,{good},700,0,0,,2025-01-01,180,次级,\n\
         A-7,周杰,{good},600,abc,0,,2025-13-01,180,特殊类,\n\
         合计,,,9999,,,,,,,\n"
    );
    let r = read(text.as_bytes(), SheetOptions { cutoff_date: NaiveDate::from_ymd_opt(2025, 6, 30), ..options() });
    let got = codes(&r);
    let expect = [
        ("W110", Some(3)),  // total 2000 ≠ 1110
        ("E004", Some(4)),  // A-1 again
        ("E002", Some(5)),  // bad ID check character
        ("E003", Some(6)),  // negative principal
        ("W111", Some(7)),  // 20 days past due, but the default date says ~180
        ("W112", Some(7)),  // 关注
        ("W114", Some(7)),  // limitation ended before the cut-off
        ("E001", Some(8)),  // no debtor name
        ("W101", Some(9)),  // interest "abc"
        ("W101", Some(9)),  // default date 2025-13-01
        ("W101", Some(9)),  // five class 特殊类
        ("W201", Some(10)), // the 合计 row says 9999
    ];
    for e in expect {
        assert!(got.contains(&e), "missing {e:?} in {got:?}");
    }
    assert_eq!(got.len(), expect.len(), "{got:?}");
    let loaded: Vec<&str> = r.claims.iter().map(|c| c.contract_no.as_str()).collect();
    assert_eq!(loaded, ["A-1", "A-2", "A-5", "A-7"]);
    assert_eq!(r.rejected_rows(), 4);
    let id_problem = r.problems.iter().find(|p| p.rule == Rule::InvalidMandatory).unwrap();
    assert!(id_problem.detail_zh.contains("第18位校验码错误"), "{}", id_problem.detail_zh);
    assert_eq!(id_problem.column_letter().as_deref(), Some("C"));
    assert_eq!(id_problem.header.as_deref(), Some("身份证号码"));
    assert!(id_problem.message(huajie_core::Lang::En).contains("check character 18"));
}

#[test]
fn a_personal_batch_needs_no_contract_numbers() {
    let text = format!(
        "姓名,身份证号,本金,手机号,产品类型\n王伟,{},5000,13812345678,消费贷\n李娜,{},3000,13900000000,信用卡\n",
        person_id(5),
        person_id(6)
    );
    let personal =
        SheetOptions { cutoff_date: NaiveDate::from_ymd_opt(2025, 6, 30), personal_batch: true, ..options() };
    let r = read(text.as_bytes(), personal.clone());
    assert_eq!(r.claims.len(), 2, "{:?}", r.problems);
    assert_eq!(r.claims[0].contract_no, "第2行", "identified by its row");
    assert_eq!(r.claims[1].phone.as_deref(), Some("13900000000"));
    let (_, rows) = open_csv(text.as_bytes()).unwrap();
    let fatal = read_claims(rows, SheetOptions { personal_batch: false, ..personal }).unwrap_err();
    assert!(fatal.iter().any(|p| p.rule == Rule::MandatoryColumnMissing && p.field == Some(Field::ContractNo)));
}

#[test]
fn malformed_files_get_a_clear_error_and_no_panic() {
    assert_eq!(open_csv(&b""[..]).err(), Some(ReadError::Empty));
    assert!(matches!(open_csv(&b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"[..]).err(), Some(ReadError::NotText(_))));
    assert_eq!(open_csv(&b"PK\x03\x04\x14\0\0\0"[..]).err(), Some(ReadError::Workbook));
    // No header anywhere.
    let (_, rows) = open_csv(&b"foo,bar\n1,2\n"[..]).unwrap();
    let fatal = read_claims(rows, options()).unwrap_err();
    assert_eq!(fatal[0].rule, Rule::NoHeader);
    // No cut-off date, or one in the future.
    let tape = format!("合同编号,借款人名称,证件号码,本金余额\nX,甲,{},1\n", company_id(3));
    let (_, rows) = open_csv(tape.as_bytes()).unwrap();
    assert_eq!(read_claims(rows, options()).unwrap_err()[0].rule, Rule::NoCutoffDate);
    let (_, rows) = open_csv(tape.as_bytes()).unwrap();
    let future = SheetOptions { cutoff_date: NaiveDate::from_ymd_opt(2030, 1, 1), ..options() };
    assert_eq!(read_claims(rows, future).unwrap_err()[0].rule, Rule::CutoffInFuture);
    // A 1 MB name (a mapped column) and mixed line endings: that row is rejected, the rest loads.
    let mut tape = format!("合同编号,借款人名称,证件号码,本金余额\r\nX1,甲,{},1\nX2,", company_id(4)).into_bytes();
    tape.extend(std::iter::repeat_n(b'z', 1 << 20));
    tape.extend_from_slice(format!(",{},1\rX3,丙,{},3\n", company_id(5), company_id(6)).as_bytes());
    let r = read(&tape, SheetOptions { cutoff_date: NaiveDate::from_ymd_opt(2025, 6, 30), ..options() });
    assert_eq!(r.claims.iter().map(|c| c.contract_no.as_str()).collect::<Vec<_>>(), ["X1", "X3"]);
    assert_eq!(codes(&r), [("E002", Some(3))]);
    assert!(r.problems[0].detail_zh.contains("超过单元格上限 32767 个字符"), "{}", r.problems[0].detail_zh);
    assert!(r.problems[0].value.as_ref().unwrap().chars().count() <= 41, "the report shows the start of it");
}

#[test]
fn a_huge_cell_in_an_unmapped_column_does_not_reject_its_row() {
    let mut tape = format!("合同编号,借款人名称,证件号码,本金余额,备注\nX1,甲,{},1,", company_id(7)).into_bytes();
    tape.extend("很长的备注".repeat(220_000).as_bytes()); // 1.1 million characters, 3.3 MB
    tape.extend_from_slice(format!("\nX2,乙,{},2,短备注\n", company_id(8)).as_bytes());
    let r = read(&tape, SheetOptions { cutoff_date: NaiveDate::from_ymd_opt(2025, 6, 30), ..options() });
    assert_eq!(r.claims.iter().map(|c| c.contract_no.as_str()).collect::<Vec<_>>(), ["X1", "X2"]);
    assert!(r.problems.is_empty(), "{:?}", codes(&r));
}

#[test]
fn contract_numbers_are_kept_as_written_and_matched_by_their_key() {
    let text = format!(
        "借款合同编号,借款人名称,证件号码,本金余额\n\
         浙商银〔2020〕字第001号,甲公司,{0},100\n\
         浙商银（2020）字第002号,甲公司,{0},200\n\
         浙商银(2020)字第００１号,甲公司,{0},300\n",
        company_id(20)
    );
    let r = read(text.as_bytes(), SheetOptions { cutoff_date: NaiveDate::from_ymd_opt(2025, 6, 30), ..options() });
    let loaded: Vec<&str> = r.claims.iter().map(|c| c.contract_no.as_str()).collect();
    assert_eq!(loaded, ["浙商银〔2020〕字第001号", "浙商银（2020）字第002号"], "brackets kept as the bank wrote them");
    assert_eq!(codes(&r), [("E004", Some(4))], "the third row repeats the first under another spelling");
}

#[test]
fn interest_given_in_several_columns_is_summed() {
    let text = format!(
        "合同编号,借款人名称,证件号码,本金余额,表内利息,表外利息（万元）,罚息,复利,本息合计\n\
         A-1,甲公司,{0},1000,100,0.005,10,5,1165\n\
         A-2,甲公司,{0},2000,,0.003,,,2030\n\
         A-3,甲公司,{0},3000,abc,30,,,\n\
         合计,,,6000,100,0.008,10,5,3195\n",
        company_id(30)
    );
    let r = read(text.as_bytes(), SheetOptions { cutoff_date: NaiveDate::from_ymd_opt(2025, 6, 30), ..options() });
    let interest: Vec<i64> = r.claims.iter().map(|c| c.interest.fen()).collect();
    assert_eq!(
        interest,
        [15_000, 3_000, 0],
        "表内 + 表外 (in 万元); an empty part counts nothing; a bad one leaves it out"
    );
    assert_eq!(r.claims[0].penalty.fen(), 1_500, "罚息 + 复利");
    assert_eq!(codes(&r), [("W101", Some(4))], "the bad part named at its column, nothing else: {:?}", r.problems);
    assert_eq!(r.problems[0].header.as_deref(), Some("表内利息"));

    // A column giving the whole wins over its breakdown.
    let text = format!(
        "合同编号,借款人名称,证件号码,本金余额,利息余额,其中：表内利息,其中：表外利息\n\
         B-1,乙公司,{},1000,150,100,50\n",
        company_id(31)
    );
    let r = read(text.as_bytes(), SheetOptions { cutoff_date: NaiveDate::from_ymd_opt(2025, 6, 30), ..options() });
    assert_eq!(r.claims[0].interest.fen(), 15_000);
    let mapped: Vec<Option<Field>> = r.header.columns.iter().map(|c| c.field).collect();
    assert_eq!(&mapped[4..], [Some(Field::Interest), None, None]);

    // Normal and overdue interest.
    let text =
        format!("合同编号,借款人名称,证件号码,本金余额,正常利息,逾期利息\nC-1,丙公司,{},1000,70,30\n", company_id(32));
    let r = read(text.as_bytes(), SheetOptions { cutoff_date: NaiveDate::from_ymd_opt(2025, 6, 30), ..options() });
    assert_eq!(r.claims[0].interest.fen(), 10_000);
}

#[test]
fn an_empty_total_is_not_a_mismatch() {
    let text = format!(
        "合同编号,借款人名称,证件号码,本金余额,利息余额,罚息,本息合计\n\
         A-1,甲公司,{0},1000,100,10,1110\n\
         A-2,甲公司,{0},1000,100,10,\n\
         A-3,甲公司,{0},1000,100,10,——\n\
         A-4,甲公司,{0},1000,100,10,－\n\
         A-5,甲公司,{0},1000,100,10,2000\n\
         合计,,,5000,500,50,3110\n",
        company_id(40)
    );
    let r = read(text.as_bytes(), SheetOptions { cutoff_date: NaiveDate::from_ymd_opt(2025, 6, 30), ..options() });
    assert_eq!(r.claims.len(), 5);
    assert!(r.claims[1..4].iter().all(|c| c.total.is_none()), "empty, however the bank marks it");
    // Only the present, wrong total; the 合计 row adds the column as the bank's SUM does.
    assert_eq!(codes(&r), [("W110", Some(6))], "{:?}", r.problems);
}

#[test]
fn a_last_payment_after_the_cut_off_is_flagged_on_every_kind_of_tape() {
    let cutoff = SheetOptions { cutoff_date: NaiveDate::from_ymd_opt(2025, 6, 30), ..options() };
    let personal = format!(
        "姓名,身份证号,本金,最后还款日,逾期日\n王伟,{},5000,2025-07-15,2024-01-01\n李娜,{},3000,2025-06-30,2024-01-01\n",
        person_id(7),
        person_id(8)
    );
    let r = read(personal.as_bytes(), SheetOptions { personal_batch: true, ..cutoff.clone() });
    assert_eq!(codes(&r), [("W113", Some(2))], "{:?}", r.problems);
    assert_eq!(r.problems[0].field, Some(Field::LastPaymentDate));
    assert_eq!(r.claims.len(), 2, "a warning: the row loads");
    let corporate = format!(
        "合同编号,借款人名称,证件号码,本金余额,最后还款日,放款日\nD-1,丁公司,{},1000,2026年1月5日,2019-01-01\n",
        company_id(50)
    );
    let r = read(corporate.as_bytes(), cutoff);
    assert_eq!(codes(&r), [("W113", Some(2))], "{:?}", r.problems);
}

#[test]
fn a_cut_off_in_a_title_or_a_note_is_read_when_none_is_entered() {
    let body = format!("合同编号,借款人名称,证件号码,本金余额\nN-1,戊公司,{},1000\n合计,,,1000\n", company_id(60));
    let read_file = |text: String| {
        let (_, r) = huajie_tape::read_tape(
            "tape.csv",
            std::io::Cursor::new(text.clone().into_bytes()),
            || Ok(text.into_bytes()),
            options(),
            &Default::default(),
        )
        .unwrap();
        r
    };
    let d = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
    for text in [
        format!("某行不良资产明细（基准日： 2025 年 6 月 30 日）\n{body}"),
        format!("{body}注：本表数据截至2025.6.30，金额单位为元。\n"),
        format!("{body}\n制表：资产保全部,,,\n基准日为２０２５年６月３０日,,,\n"),
    ] {
        let r = read_file(text.clone()).unwrap_or_else(|p| panic!("{text}: {p:?}"));
        assert_eq!((r.cutoff_date, r.claims.len()), (d, 1), "{text}");
    }
    // A data row is not a note, and an appraisal's date is not the tape's.
    let text = format!("{body}评估基准日：2024-12-31\n");
    let fatal = read_file(text).unwrap_err();
    assert_eq!(fatal[0].rule, Rule::NoCutoffDate);
}

#[test]
fn a_problem_message_never_repeats_the_masked_part_of_an_id() {
    // Birth dates that are not dates, and a letter among them: what masking hides stays hidden.
    let text = "合同编号,借款人名称,证件号码,本金余额\n\
                M-1,王某,33010619801301001X,1000\n\
                M-2,李某,330106198A0101001X,1000\n\
                M-3,赵某,330106801301001,1000\n";
    let r = read(text.as_bytes(), SheetOptions { cutoff_date: NaiveDate::from_ymd_opt(2025, 6, 30), ..options() });
    assert_eq!(r.problems.len(), 3, "{:?}", r.problems);
    for (p, hidden) in r.problems.iter().zip(["19801301", "198A0101", "80130"]) {
        for lang in [huajie_core::Lang::Zh, huajie_core::Lang::En] {
            let m = p.message(lang);
            assert!(!m.contains(hidden) && !m.contains("“A”"), "{m}");
        }
    }
    assert!(r.problems[0].message(huajie_core::Lang::Zh).contains("出生日期不是有效日期"));
}

/// A resident ID whose 8th digit was mistyped (131101195001010003 → 131101135001010003): its
/// characters 3–8 (110119) and both check characters pass as a USCC. Before issue 19 the
/// debtor became a company, unmasked and valued on the corporate path.
const MISTYPED_PERSON: &str = "131101135001010003";

#[test]
fn a_debtor_kind_comes_from_the_row_or_the_column_never_from_a_lucky_typo() {
    assert!(Uscc::parse(MISTYPED_PERSON).is_ok(), "the typo passes every check of a USCC");
    let company = company_id(7);
    let person = person_id(7);
    let opts = SheetOptions { cutoff_date: NaiveDate::from_ymd_opt(2025, 6, 30), ..options() };
    // Read by its form alone (证件号码, no 客户类型): a mistyped resident ID, never a USCC.
    let r = read(
        format!("借款合同编号,借款人名称,证件号码,本金余额\nHT-1,张三,{MISTYPED_PERSON},100\n").as_bytes(),
        opts.clone(),
    );
    assert!(r.claims.is_empty());
    let p = &r.problems[0];
    assert_eq!((p.rule, p.field), (Rule::InvalidMandatory, Some(Field::DebtorId)));
    assert!(
        p.detail_zh
            .starts_with("身份证号码第7位起的出生日期早于1900年；该号码形似身份证号码，不作为统一社会信用代码接受"),
        "{}",
        p.detail_zh
    );
    assert!(
        p.detail_en.contains("it reads as a resident ID number, so it is not taken as a unified social credit code"),
        "{}",
        p.detail_en
    );

    // 客户类型 对私: read as a resident ID; a USCC there is refused as one, saying why.
    let r = read(
        format!("借款合同编号,借款人名称,客户类型,证件号码,本金余额\nHT-1,张三,对私,{MISTYPED_PERSON},100\nHT-2,李四,对私,{company},100\nHT-3,王五,个人,{person},100\n").as_bytes(),
        opts.clone(),
    );
    assert_eq!(r.claims.len(), 1);
    assert_eq!((r.claims[0].contract_no.as_str(), r.claims[0].debtor_kind), ("HT-3", PartyKind::Individual));
    let details: Vec<(Option<usize>, &str)> = r.problems.iter().map(|p| (p.row, p.detail_zh.as_str())).collect();
    assert_eq!(details[0], (Some(2), "身份证号码第7位起的出生日期早于1900年"));
    assert_eq!(details[1], (Some(3), "应为身份证号码，所填却是有效的统一社会信用代码（依据本行的客户类型：个人）"));
    assert_eq!(
        r.problems[1].detail_en,
        "a resident ID number is expected here, but this is a valid unified social credit code (as the row's debtor kind says: individual)"
    );

    // 客户类型 对公: the same typo'd number is read as the USCC it then is.
    let r = read(
        format!("借款合同编号,借款人名称,客户类型,证件号码,本金余额\nHT-1,某公司,对公,{MISTYPED_PERSON},100\n")
            .as_bytes(),
        opts.clone(),
    );
    assert_eq!(r.claims.len(), 1, "{:?}", r.problems);
    assert_eq!(r.claims[0].debtor_kind, PartyKind::Corporate);

    // The column's header decides when no 客户类型 is given: 身份证号码 holds people.
    let r = read(
        format!(
            "借款合同编号,借款人名称,身份证号码,本金余额\nHT-1,张三,{MISTYPED_PERSON},100\nHT-2,某公司,{company},100\n"
        )
        .as_bytes(),
        opts.clone(),
    );
    assert!(r.claims.is_empty());
    assert!(r.problems[1].detail_zh.ends_with("（依据本列的列名）"), "{}", r.problems[1].detail_zh);
    // 统一社会信用代码 holds organisations: a person's number there is refused.
    let r = read(
        format!(
            "借款合同编号,借款人名称,统一社会信用代码,本金余额\nHT-1,张三,{person},100\nHT-2,某公司,{company},100\n"
        )
        .as_bytes(),
        opts,
    );
    assert_eq!(r.claims.len(), 1);
    assert_eq!(r.claims[0].debtor_kind, PartyKind::Corporate);
    assert!(
        r.problems[0].detail_zh.starts_with("应为统一社会信用代码，所填却是有效的身份证号码"),
        "{}",
        r.problems[0].detail_zh
    );
}

#[test]
fn spaces_and_hyphens_inside_an_id_are_removed_and_the_message_says_so() {
    let person = person_id(3);
    let spaced = format!("{} {} {}", &person[..6], &person[6..14], &person[14..]);
    let mut wrong = person.clone();
    let last = wrong.pop().unwrap();
    wrong.push(if last == '0' { '1' } else { '0' });
    let hyphened = format!("{}-{}", &wrong[..6], &wrong[6..]);
    let r = read(
        format!("借款合同编号,借款人名称,证件号码,本金余额\nHT-1,张三,{spaced},100\nHT-2,李四,{hyphened},100\n")
            .as_bytes(),
        SheetOptions { cutoff_date: NaiveDate::from_ymd_opt(2025, 6, 30), ..options() },
    );
    assert_eq!(r.claims.len(), 1);
    assert_eq!(r.claims[0].debtor_id.as_str(), person);
    assert!(
        r.problems[0].detail_zh.ends_with("（已去除其中的空格和连字符，位数按去除后计）"),
        "{}",
        r.problems[0].detail_zh
    );
    assert!(r.problems[0].detail_en.ends_with("(spaces and hyphens in it were removed; positions count without them)"));
    assert_eq!(r.problems[0].value.as_deref(), Some(hyphened.as_str()), "the value as the tape wrote it");
}

#[test]
fn a_birth_date_after_today_is_refused() {
    let opts = SheetOptions { cutoff_date: NaiveDate::from_ymd_opt(2025, 6, 30), ..options() };
    // Born the day after `today` (2026-11-28).
    let unborn = ResidentId::with_check_char("33010620261129001").unwrap().to_string();
    let r = read(format!("借款合同编号,借款人名称,证件号码,本金余额\nHT-1,张三,{unborn},100\n").as_bytes(), opts);
    assert!(r.claims.is_empty());
    assert_eq!(r.problems[0].detail_zh, "身份证号码第7位起的出生日期晚于今天");
}
