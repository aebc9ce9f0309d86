//! The valuation workbook: a reviewer opens it and can follow every number — the bid is
//! the sum of the discounted cash on the target-IRR cell, each claim's net is the sum of
//! its routes, the cost basis is the price shared by present value.

mod common;

use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;
use common::spreadsheet;
use huajie_core::{
    Claim, Collateral, CollateralType, Guarantee, Lang, LitigationStage, Money, Party, PartyIdentifier, PartyStatus,
    ResidentId, Uscc, ValuationBasis,
};
use huajie_report::signoff::{Signature, Signoff};
use huajie_report::valuation::{ClaimLine, RunInfo, summary_text, valuation_xlsx};
use huajie_value::appraisal::Method;
use huajie_value::{Appraisal, Assumptions, Book, BookClaim, BookGuarantee, BookItem, BookLien, Options, appraise};

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
        created_at: "2026-11-28 18:00 北京时间".into(),
        signoff: Signoff::new("估值记录 #9", at("2026-11-28T10:30:00Z"))
            .prepared_by(Signature::new("valuer", at("2026-11-28T10:00:00Z")))
            .reviewed_by(Some(Signature::new("risk", at("2026-11-29T01:15:00Z")))),
    }
}

fn at(s: &str) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&chrono::Utc)
}

fn number(d: &Data) -> f64 {
    match d {
        Data::Float(x) => *x,
        Data::Int(x) => *x as f64,
        other => panic!("not a number: {other:?}"),
    }
}

fn lines_of(r: &Appraisal) -> Vec<ClaimLine> {
    r.claims
        .iter()
        .map(|c| ClaimLine {
            result: c.clone(),
            contract_no: format!("HT-{}", c.id),
            debtor: format!("公司{}", c.id),
            stage: "—".into(),
        })
        .collect()
}

/// 20 personal claims in a retail batch: 18 by segment, a secured one and a guaranteed one
/// claim by claim.
fn retail_book() -> Book {
    let person = |n: i64| Party {
        name: format!("个人{n}"),
        identity: PartyIdentifier::ResidentId(ResidentId::with_check_char(&format!("33010619800101{n:03}")).unwrap())
            .into(),
        status: PartyStatus::Active,
        address: None,
        phone: None,
    };
    let mut b = book();
    b.basis = ValuationBasis::RetailBatch;
    b.claims = (1..=20)
        .map(|i| {
            let mut c = b.claims[0].clone();
            c.id = i;
            c.claim.contract_no = format!("HT-{i}");
            c.claim.principal = Money::from_yuan(5_000 + 3_000 * i).unwrap();
            c.claim.interest = Money::ZERO;
            c.claim.product = Some(if i % 2 == 0 { "信用卡" } else { "消费贷" }.to_string());
            c.claim.days_past_due = Some(200 + 40 * i);
            c.debtor = person(i);
            c
        })
        .collect();
    b.items[0].liens = vec![BookLien { claim_id: 2, rank: 1 }];
    b.guarantees = vec![BookGuarantee {
        guarantee: Guarantee { claim_id: 3, guarantor_id: 99, kind: None, cap: None },
        guarantor: person(99),
    }];
    b
}

fn open(bytes: &[u8]) -> Xlsx<std::io::Cursor<Vec<u8>>> {
    Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap()
}

/// A claim's present value at `rate`, computed here from its quarterly cash.
fn claim_pv(c: &huajie_value::appraisal::ClaimResult, rate: f64) -> f64 {
    let mut q = vec![0.0; huajie_value::QUARTERS];
    for (k, x) in &c.cash {
        q[usize::from(*k) - 1] += x;
    }
    huajie_value::metrics::pv(&q, rate)
}

#[test]
fn the_workbook_shows_its_working() {
    let a = Assumptions::default();
    let r = appraise(&book(), &a, &Options { scenarios: 40, ..Options::default() });
    let bytes = valuation_xlsx(&info(), &r, &lines_of(&r), &a, Lang::Zh).unwrap();
    let mut wb = open(&bytes);
    assert_eq!(wb.sheet_names(), ["汇总", "现金流", "逐笔", "逐笔现金流", "压力测试", "蒙特卡洛", "参数集", "签署"]);

    // The target IRR (B13) feeds the discount rate (B15); the bid is the discounted cash.
    let summary = wb.worksheet_range("汇总").unwrap();
    let f = wb.worksheet_formula("汇总").unwrap();
    let cell = |row: u32| number(summary.get_value((row, 1)).unwrap());
    let formula = |row: u32| f.get_value((row, 1)).unwrap().clone();
    assert_eq!(cell(12), 0.15);
    assert_eq!(formula(14), "B13+B14");
    assert_eq!(formula(15), "SUM('现金流'!D3:D42)");
    assert!((cell(15) - r.bid).abs() < 1e-6);
    assert_eq!(formula(16), "B16", "priced at the bid: the price follows it");
    assert!(formula(23).starts_with("IFERROR((1+IRR('现金流'!F2:F42,"), "{}", formula(23));
    assert!((cell(23) - r.metrics.irr.unwrap()).abs() < 1e-9);
    assert!((cell(26) - r.bid).abs() < 1e-6, "the claims' PVs add up to the bid");

    let cash = wb.worksheet_formula("现金流").unwrap();
    assert_eq!(cash.get_value((2, 2)).unwrap(), "(1+'汇总'!$B$15)^(-A3/4)");
    assert_eq!(cash.get_value((2, 1)).unwrap(), "SUM('逐笔现金流'!B3:B5)", "net cash is the claims' cash");
    assert_eq!(cash.get_value((1, 5)).unwrap(), "-'汇总'!$B$17", "the buyer pays the price at quarter 0");

    // Each claim's PV: its quarterly cash against the discount-factor row.
    let claims = wb.worksheet_formula("逐笔").unwrap();
    assert_eq!(claims.get_value((1, 10)).unwrap(), "SUM(F2:J2)");
    assert_eq!(claims.get_value((1, 12)).unwrap(), "SUMPRODUCT('逐笔现金流'!$B$2:$AO$2,'逐笔现金流'!B3:AO3)");
    assert_eq!(claims.get_value((1, 13)).unwrap(), "IF($M$5=0,'汇总'!$B$17/3,'汇总'!$B$17*M2/$M$5)");
    let values = wb.worksheet_range("逐笔").unwrap();
    for row in 1..=3u32 {
        let routes: f64 = (5..=9).map(|c| number(values.get_value((row, c)).unwrap())).sum();
        assert!((routes - number(values.get_value((row, 10)).unwrap())).abs() < 1e-6);
    }
    let allocated: f64 = (1..=3u32).map(|r| number(values.get_value((r, 13)).unwrap())).sum();
    assert!((allocated - r.metrics.price).abs() < 1e-6);
    // The claim-cash sheet holds each claim's cash in its quarter's column: discounted here
    // at another rate, it gives what the engine's own PV gives.
    let cash_sheet = wb.worksheet_range("逐笔现金流").unwrap();
    for (i, c) in r.claims.iter().enumerate() {
        let at_20: f64 = (1..=40u32)
            .map(|q| match cash_sheet.get_value((2 + i as u32, q)) {
                Some(Data::Float(x)) => x * 1.2f64.powf(-f64::from(q) / 4.0),
                _ => 0.0,
            })
            .sum();
        assert!((at_20 - claim_pv(c, 0.20)).abs() < 1e-6, "claim {}", c.id);
    }

    // What the sheet cannot recompute says so.
    let stress = wb.worksheet_range("压力测试").unwrap();
    assert_eq!(stress.get_value((0, 0)).unwrap().to_string(), "估值记录 #9 的固定结果：不随本表的目标 IRR 重算");
    let mc = wb.worksheet_formula("蒙特卡洛").unwrap();
    // Stored with the `_xlfn.` prefix Excel uses for functions newer than 2007.
    assert_eq!(mc.get_value((2, 1)).unwrap(), "_xlfn.PERCENTILE.INC(D3:D42,0.05)");
    assert!(wb.worksheet_range("蒙特卡洛").unwrap().get_value((0, 0)).unwrap().to_string().starts_with("估值记录 #9"));
    let params = wb.worksheet_range("参数集").unwrap();
    assert_eq!(params.height() - 1, huajie_value::params::catalogue().len());
    // Numbers are numbers, dates are dates.
    let texts = spreadsheet::numbers_as_text(&bytes, |_, _| false);
    assert!(texts.is_empty(), "{texts:?}");
    assert!(matches!(summary.get_value((7, 1)), Some(Data::DateTime(_))), "{:?}", summary.get_value((7, 1)));

    // In English: the same sheets, named within Excel's 31 characters, and the label.
    let en = valuation_xlsx(&info(), &r, &lines_of(&r), &a, Lang::En).unwrap();
    let mut wb = open(&en);
    assert_eq!(
        wb.sheet_names(),
        ["Summary", "Cash flow", "Claims", "Claim cash", "Stress tests", "Monte Carlo", "Assumption set", "Sign-off"]
    );
    assert_eq!(
        wb.worksheet_range("Monte Carlo").unwrap().get_value((0, 0)).unwrap().to_string(),
        "Fixed values of run #9: not recalculated from this workbook's target IRR"
    );
    assert!(spreadsheet::numbers_as_text(&en, |_, _| false).is_empty());
}

/// LibreOffice opens the workbook, the target IRR is changed, everything recalculates:
/// the bid, every claim's PV (by claim and by segment), the price that followed the bid,
/// the cost basis, the IRR at the price — each equal to a computation made here from
/// the engine's cash. A run given a price keeps it, and its IRR at that price.
#[test]
fn libreoffice_reprices_the_workbook_when_the_irr_cell_changes() {
    let Some(soffice) = spreadsheet::Soffice::from_env("the valuation workbook") else { return };
    let a = Assumptions::default();
    let by_claim = appraise(&book(), &a, &Options::default());
    let retail = appraise(
        &retail_book(),
        &a,
        &Options { price: Some(20_000.0), stress: Some("rate+300bp".into()), ..Options::default() },
    );
    assert!(!retail.segments.is_empty() && retail.claims.iter().any(|c| c.method == Method::Claim));
    let new_irr = 0.20;
    let mut books = Vec::new();
    for (name, r) in [("claims", &by_claim), ("retail", &retail)] {
        let bytes = valuation_xlsx(&info(), r, &lines_of(r), &a, Lang::Zh).unwrap();
        books.push((name, spreadsheet::with_number(&bytes, 1, "B13", new_irr)));
    }
    // In English too: its formulas name sheets with spaces ('Cash flow', 'Claim cash').
    let en = valuation_xlsx(&info(), &retail, &lines_of(&retail), &a, Lang::En).unwrap();
    books.push(("retail-en", spreadsheet::with_number(&en, 1, "B13", new_irr)));
    let out = soffice.recalculate(&books, &["claims", "retail"]);
    let en = open(&out["retail-en"].xlsx).worksheet_range("Summary").unwrap();
    let bid = huajie_value::metrics::pv(&retail.quarterly, new_irr + 0.03);
    assert!((number(en.get_value((15, 1)).unwrap()) - bid).abs() < 1e-6, "the English workbook reprices alike");
    assert!((number(en.get_value((26, 1)).unwrap()) - bid).abs() < 1e-6, "its claims' PVs add up to the bid");
    for (name, r) in [("claims", &by_claim), ("retail", &retail)] {
        let mut wb = open(&out[name].xlsx);
        let summary = wb.worksheet_range("汇总").unwrap();
        let cell = |row: u32| number(summary.get_value((row, 1)).unwrap());
        let shift = if name == "retail" { 0.03 } else { 0.0 };
        let rate = new_irr + shift;
        assert!((cell(14) - rate).abs() < 1e-12, "{name}: the discount rate");
        // Independently: each claim's cash, each segment's, discounted at the new rate.
        let segment_pv: Vec<f64> = r.segments.iter().map(|s| huajie_value::metrics::pv(&s.quarterly, rate)).collect();
        let expected: Vec<f64> = r
            .claims
            .iter()
            .map(|c| match c.segment {
                Some(k) => segment_pv[k] * c.amount / r.segments[k].amount,
                None => claim_pv(c, rate),
            })
            .collect();
        let bid = huajie_value::metrics::pv(&r.quarterly, rate);
        assert!((expected.iter().sum::<f64>() - bid).abs() < 1e-6);
        assert!((cell(15) - bid).abs() < 1e-6, "{name}: bid {} vs {bid}", cell(15));
        assert!((bid - r.bid).abs() > 1.0, "{name}: the bid moved");
        let price = r.options.price.unwrap_or(bid);
        assert!((cell(16) - price).abs() < 1e-6, "{name}: the price");
        let claims = wb.worksheet_range("逐笔").unwrap();
        let mut allocated = 0.0;
        for (i, c) in r.claims.iter().enumerate() {
            let row = 1 + i as u32;
            let pv = number(claims.get_value((row, 12)).unwrap());
            assert!((pv - expected[i]).abs() < 1e-6, "{name}: claim {} PV {pv} vs {}", c.id, expected[i]);
            assert!((pv - c.pv).abs() > 1e-3 || c.pv.abs() < 1e-3, "{name}: claim {} moved", c.id);
            allocated += number(claims.get_value((row, 13)).unwrap());
        }
        assert!((allocated - price).abs() < 1e-6, "{name}: the cost basis adds up to the price");
        // IRR at the price, as the engine computes it.
        let irr = huajie_value::metrics::irr(&r.quarterly, price).unwrap();
        assert!((cell(23) - irr).abs() < 1e-7, "{name}: IRR {} vs {irr}", cell(23));
        let m = huajie_value::metrics::metrics(&r.quarterly, price, r.claim_amount, r.principal);
        assert!((cell(21) - m.moic).abs() < 1e-9 && (cell(25) - m.wal_years).abs() < 1e-9, "{name}: MOIC, WAL");
        assert_eq!(cell(24), m.payback_quarter.unwrap() as f64, "{name}: payback");
        // No formula error anywhere; the amounts shown with separators, ratios as %.
        for sheet in wb.sheet_names().to_vec() {
            let range = wb.worksheet_range(&sheet).unwrap();
            assert!(!range.used_cells().any(|(_, _, d)| matches!(d, Data::Error(_))), "{name}: error in {sheet}");
        }
        let shown = &out[name].shown["汇总"];
        assert!(shown[12][1].ends_with('%') && shown[15][1].contains(','), "{:?}", &shown[12..16]);
        assert!(shown[21][1].ends_with('×'), "MOIC as a multiple: {:?}", shown[21]);
    }
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
        // Signed: the run, its status, who prepared and reviewed it when (北京时间), the pages.
        "估值记录 #9",
        "状态：已复核",
        "编制人",
        "2026-11-28 18:00 北京时间",
        "复核人",
        "2026-11-29 09:15 北京时间",
        "批准人",
        "生成时间：2026-11-28 18:30 北京时间",
        "第 1 页 / 共",
    ] {
        // pdftotext keeps or drops the spaces between Chinese and figures as the layout goes.
        let solid = |t: &str| t.split_whitespace().collect::<String>();
        assert!(solid(&text).contains(&solid(expected)), "{expected} missing from:\n{text}");
    }
}

#[test]
fn the_workbook_is_signed_on_its_last_sheet_and_numbers_its_printed_pages() {
    let a = Assumptions::default();
    let r = appraise(&book(), &a, &Options::default());
    let bytes = valuation_xlsx(&info(), &r, &lines_of(&r), &a, Lang::Zh).unwrap();
    let mut wb = open(&bytes);
    let sheets = wb.sheet_names().to_vec();
    assert_eq!(sheets.last().map(String::as_str), Some("签署"), "{sheets:?}");
    let range = wb.worksheet_range("签署").unwrap();
    // Times are Excel times in Beijing, the zone named by their format.
    let cells: Vec<String> = range
        .used_cells()
        .map(|(_, _, d)| match calamine::DataType::as_datetime(d) {
            Some(t) if matches!(d, Data::DateTime(_)) => format!("{} 北京时间", t.format("%Y-%m-%d %H:%M")),
            _ => d.to_string(),
        })
        .collect();
    for expected in [
        "估值记录 #9",
        "已复核",
        "2026-11-28 18:30 北京时间",
        "valuer",
        "2026-11-28 18:00 北京时间",
        "risk",
        "2026-11-29 09:15 北京时间",
        "批准人",
    ] {
        assert!(cells.iter().any(|c| c == expected), "{expected} missing from {cells:?}");
    }
    assert!(cells.contains(&huajie_report::signoff::BLANK.to_string()), "a line to sign: {cells:?}");
    // Every sheet prints with the page number and the status in its header and footer.
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    for i in 1..=sheets.len() {
        let mut xml = String::new();
        std::io::Read::read_to_string(&mut zip.by_name(&format!("xl/worksheets/sheet{i}.xml")).unwrap(), &mut xml)
            .unwrap();
        assert!(xml.contains("第 &amp;P 页 / 共 &amp;N 页"), "sheet {i}: no page numbers");
        assert!(xml.contains("估值记录 #9 · 已复核"), "sheet {i}: no status in the header");
        assert!(xml.contains("北京时间"), "sheet {i}: the zone is named");
    }
    let styles = {
        let mut xml = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("xl/styles.xml").unwrap(), &mut xml).unwrap();
        xml
    };
    assert!(styles.contains("hh:mm &quot;北京时间&quot;"), "the times' format names the zone");
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
        let mut run = info();
        run.signoff.reference = format!("{} #9", huajie_report::valuation::label("run", lang));
        run.created_at = huajie_core::clock::beijing_time(at("2026-11-28T10:00:00Z"), lang, false);
        let layout = huajie_report::valuation_pdf::valuation_layout(&fonts, &run, &r, &lines, &a, lang);
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
