//! The valuation workbook: a reviewer opens it and can follow every number — the bid is
//! the sum of the discounted cash on the target-IRR cell, each claim's net is the sum of
//! its routes, the cost basis is the price shared by present value.

use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;
use huajie_core::{
    Claim, Collateral, CollateralType, Lang, LitigationStage, Money, Party, PartyIdentifier, PartyStatus, Uscc,
    ValuationBasis,
};
use huajie_report::valuation::{ClaimLine, RunInfo, summary_text, valuation_xlsx};
use huajie_value::{Assumptions, Book, BookClaim, BookItem, BookLien, Options, appraise};

fn book() -> Book {
    let party = |n: u32| Party {
        name: format!("公司{n}"),
        identity: PartyIdentifier::Uscc(Uscc::with_check_chars(&format!("91330102MA2{n:05}")).unwrap()).into(),
        status: PartyStatus::Active,
        address: None,
        phone: None,
    };
    let claim = |id: i64, yuan: i64, stage| BookClaim {
        id,
        claim: Claim {
            package_id: 1,
            contract_no: format!("HT-{id}"),
            debtor_id: id,
            principal: Money::from_yuan(yuan).unwrap(),
            interest: Money::from_yuan(yuan / 10).unwrap(),
            penalty: Money::ZERO,
            advanced_costs: Money::ZERO,
            five_class: None,
            litigation_stage: Some(stage),
            default_date: None,
            limitation_date: None,
            province: None,
            product: None,
            days_past_due: None,
            written_off: None,
        },
        debtor: party(id as u32),
    };
    Book {
        valuation_date: NaiveDate::from_ymd_opt(2026, 6, 30).unwrap(),
        basis: ValuationBasis::ClaimByClaim,
        claims: vec![
            claim(1, 8_000_000, LitigationStage::NotSued),
            claim(2, 3_000_000, LitigationStage::Enforcing),
            claim(3, 500_000, LitigationStage::Judged),
        ],
        items: vec![BookItem {
            id: 1,
            collateral: Collateral {
                collateral_type: CollateralType::Commercial,
                description: "商铺".into(),
                address: None,
                province: None,
                appraised_value: Money::from_yuan(9_000_000).unwrap(),
                appraisal_date: None,
                prior_claims: Money::ZERO,
                owner_id: None,
            },
            liens: vec![BookLien { claim_id: 1, rank: 1 }, BookLien { claim_id: 2, rank: 1 }],
        }],
        guarantees: Vec::new(),
        liquidations: Vec::new(),
    }
}

fn info() -> RunInfo {
    RunInfo {
        company: "示例资产管理公司".into(),
        package_code: "ZJ-T".into(),
        package_name: "测试包".into(),
        run_id: Some(9),
        assumption_set: "HV-1 默认参数".into(),
        assumption_version: 1,
        assumption_sha256: "ab".repeat(32),
        tape_version: Some(1),
        created_by: "valuer".into(),
        created_at: "2026-11-28T10:00:00Z".into(),
    }
}

fn number(d: &Data) -> f64 {
    match d {
        Data::Float(x) => *x,
        Data::Int(x) => *x as f64,
        other => panic!("not a number: {other:?}"),
    }
}

#[test]
fn the_workbook_shows_its_working() {
    let a = Assumptions::default();
    let r = appraise(&book(), &a, &Options { scenarios: 40, ..Options::default() });
    let lines: Vec<ClaimLine> = r
        .claims
        .iter()
        .map(|c| ClaimLine {
            result: c.clone(),
            contract_no: format!("HT-{}", c.id),
            debtor: format!("公司{}", c.id),
            stage: "—".into(),
        })
        .collect();
    let bytes = valuation_xlsx(&info(), &r, &lines, &a, Lang::Zh).unwrap();
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(wb.sheet_names(), ["汇总", "现金流", "逐笔", "压力测试", "蒙特卡洛", "参数集"]);

    let summary = wb.worksheet_range("汇总").unwrap();
    assert!((number(summary.get_value((12, 1)).unwrap()) - r.bid).abs() < 1e-6);
    let f = wb.worksheet_formula("汇总").unwrap();
    assert_eq!(f.get_value((12, 1)).unwrap(), "SUM('现金流'!D2:D41)");

    let cash = wb.worksheet_formula("现金流").unwrap();
    assert_eq!(cash.get_value((1, 2)).unwrap(), "(1+'汇总'!$B$12)^(-A2/4)");
    let cash_values = wb.worksheet_range("现金流").unwrap();
    let pv_sum: f64 = (1..=40).map(|r| number(cash_values.get_value((r, 3)).unwrap())).sum();
    assert!((pv_sum - r.bid).abs() < 1e-3, "{pv_sum} vs {}", r.bid);

    let claims = wb.worksheet_formula("逐笔").unwrap();
    assert_eq!(claims.get_value((1, 10)).unwrap(), "SUM(F2:J2)");
    assert_eq!(claims.get_value((1, 13)).unwrap(), "'汇总'!$B$14*M2/SUM($M$2:$M$4)");
    let values = wb.worksheet_range("逐笔").unwrap();
    for row in 1..=3u32 {
        let routes: f64 = (5..=9).map(|c| number(values.get_value((row, c)).unwrap())).sum();
        assert!((routes - number(values.get_value((row, 10)).unwrap())).abs() < 1e-6);
    }
    let allocated: f64 = (1..=3u32).map(|r| number(values.get_value((r, 13)).unwrap())).sum();
    assert!((allocated - r.metrics.price).abs() < 1e-6);

    let mc = wb.worksheet_formula("蒙特卡洛").unwrap();
    // Stored with the `_xlfn.` prefix Excel uses for functions newer than 2007.
    assert_eq!(mc.get_value((1, 1)).unwrap(), "_xlfn.PERCENTILE.INC(D2:D41,0.05)");
    let params = wb.worksheet_range("参数集").unwrap();
    assert_eq!(params.height() - 1, huajie_value::params::catalogue().len());
}

#[test]
fn the_summary_reads_in_either_language() {
    let r = appraise(&book(), &Assumptions::default(), &Options::default());
    let zh = summary_text(&info(), &r, Lang::Zh);
    assert!(zh.contains("目标 IRR 下出价") && zh.contains("压力测试") && zh.contains("万元"), "{zh}");
    let en = summary_text(&info(), &r, Lang::En);
    assert!(en.contains("Bid at target IRR") && en.contains("Stress tests") && !en.contains("万元"), "{en}");
}

/// The PDF renders Chinese: its text, extracted by poppler's `pdftotext` (named by
/// `HUAJIE_PDFTOTEXT`, which scripts/test.sh sets), reads back in Chinese.
#[test]
fn the_pdf_reads_back_in_chinese() {
    let a = Assumptions::default();
    let r = appraise(&book(), &a, &Options { scenarios: 40, ..Options::default() });
    let lines: Vec<ClaimLine> = r
        .claims
        .iter()
        .map(|c| ClaimLine {
            result: c.clone(),
            contract_no: format!("HT-{}", c.id),
            debtor: format!("公司{}", c.id),
            stage: "已判决".into(),
        })
        .collect();
    let bytes = huajie_report::valuation_pdf::valuation_pdf(&info(), &r, &lines, &a, Lang::Zh)
        .expect("a CJK font (fonts-noto-cjk)");
    assert!(bytes.starts_with(b"%PDF-"));
    // The font is subset: the whole Noto Sans CJK collection is ~20 MB.
    assert!(bytes.len() < 600_000, "{} bytes", bytes.len());
    let Ok(pdftotext) = std::env::var("HUAJIE_PDFTOTEXT") else {
        eprintln!("HUAJIE_PDFTOTEXT is not set: the PDF's text is not read back");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.pdf");
    std::fs::write(&path, &bytes).unwrap();
    let out = std::process::Command::new(pdftotext).arg(&path).arg("-").output().expect("pdftotext runs");
    let text = String::from_utf8_lossy(&out.stdout);
    for expected in [
        "资产包估值报告",
        "目标 IRR 下出价",
        "示例资产管理公司",
        "压力测试",
        "蒙特卡洛",
        "抵押物价值 −10%",
        "HT-1",
        "待校准假设",
    ] {
        assert!(text.contains(expected), "{expected} missing from:\n{text}");
    }
}

/// A Chinese character or punctuation mark of Chinese text.
fn chinese(c: char) -> bool {
    matches!(c as u32,
        0x3000..=0x303F | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF | 0x201C | 0x201D)
}

/// The PDF as laid out, in either language, for a package of 45 claims with long debtor
/// names and every litigation stage: nothing overprinted or outside the text area, no table
/// header orphaned at a page foot, the claims not listed counted, every parameter named in
/// full, and in English no Chinese but the data's own names.
#[test]
fn the_pdf_is_laid_out_whole_in_either_language() {
    let a = Assumptions::default();
    let r = appraise(&book(), &a, &Options { scenarios: 40, ..Options::default() });
    let stages = LitigationStage::ALL;
    let lines: Vec<ClaimLine> = (0..45)
        .map(|i| {
            let c = &r.claims[i % r.claims.len()];
            ClaimLine {
                result: c.clone(),
                contract_no: format!("ZD2021GS-{:05}", 10_000 + i),
                debtor: format!("金华鑫源房地产开发有限公司第{i}分公司"),
                stage: String::new(),
            }
        })
        .collect();
    let fonts = huajie_report::pdf::Fonts::find().expect("a CJK font (fonts-noto-cjk)");
    for lang in [Lang::Zh, Lang::En] {
        let lines: Vec<ClaimLine> = lines
            .iter()
            .enumerate()
            .map(|(i, l)| ClaimLine { stage: stages[i % stages.len()].name(lang).into(), ..l.clone() })
            .collect();
        let layout = huajie_report::valuation_pdf::valuation_layout(&fonts, &info(), &r, &lines, &a, lang);
        assert_eq!(layout.faults(), Vec::<String>::new(), "{lang:?}");
        let boxes = layout.text_boxes();
        let text: String = boxes.iter().map(|b| b.text.as_str()).collect::<Vec<_>>().join("\n");
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let solid: String = text.split_whitespace().collect();
        let listed = huajie_report::valuation_pdf::CLAIMS_LISTED;
        match lang {
            Lang::Zh => assert!(solid.contains(&format!("另有{}笔债权未列出", 45 - listed)), "{text}"),
            Lang::En => assert!(flat.contains(&format!("and {} more claims", 45 - listed)), "{text}"),
        }
        for param in huajie_value::params::catalogue() {
            let name = if lang == Lang::Zh { &param.zh } else { &param.en };
            let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(flat.contains(&name) || solid.contains(&name.replace(' ', "")), "{name:?} missing");
        }
        // Every debtor listed, whole (wrapped if need be, never cut short).
        assert!(!text.contains('…'), "{text}");
        let mut top: Vec<&ClaimLine> = lines.iter().collect();
        top.sort_by(|x, y| y.result.pv.total_cmp(&x.result.pv));
        for l in top.iter().take(listed) {
            assert!(solid.contains(&l.debtor), "{} missing", l.debtor);
        }
        if lang == Lang::En {
            let data: Vec<String> = [info().company, info().package_name, info().assumption_set]
                .into_iter()
                .chain(lines.iter().map(|l| l.debtor.clone()))
                .collect();
            for token in text.split_whitespace().filter(|t| t.chars().any(chinese)) {
                assert!(data.iter().any(|d| d.contains(token)), "{token:?} is Chinese in English:\n{text}");
            }
        }
    }
}
