//! The regulator's quarterly workbook: each ratio is numerator ÷ denominator by formula,
//! the numerator and denominator summed from the lines on the sheet (or net assets, an
//! input on the sheet); numbers carry their formats; sheet names fit Excel.

mod common;

use calamine::{Data, Reader, Xlsx};
use common::spreadsheet;
use huajie_core::{Lang, Money};
use huajie_report::compliance::{
    DenominatorFrom, LinePart, QuarterReport, ReportFinding, ReportIndicator, Workings, regulator_xlsx,
};

fn yuan(y: i64) -> Money {
    Money::from_yuan(y).unwrap()
}

#[allow(clippy::too_many_arguments)]
fn indicator(
    id: &str,
    short: &str,
    numerator: Money,
    denominator: Money,
    limit_ratio: f64,
    upper: bool,
    lines: Vec<(String, Money, bool)>,
    workings: Option<Workings>,
) -> ReportIndicator {
    let ratio = (denominator.fen() > 0).then(|| numerator.fen() as f64 / denominator.fen() as f64);
    ReportIndicator {
        id: id.into(),
        short: short.into(),
        title: format!("{short}：一个足够长的标题，长到放不进工作表名称里也无妨"),
        value: String::new(),
        ratio,
        limit: String::new(),
        limit_ratio,
        upper,
        status: "合规".into(),
        numerator: ratio.map(|_| numerator),
        denominator: ratio.map(|_| denominator),
        basis: if workings.as_ref().is_some_and(|w| matches!(w.denominator, DenominatorFrom::NetAssets(_))) {
            "2026-09-30".into()
        } else {
            String::new()
        },
        confidence: "[C] 已确认".into(),
        lines,
        workings,
        glide: String::new(),
    }
}

fn report() -> QuarterReport {
    use LinePart::*;
    let l = |label: &str, y: i64| (label.to_string(), yuan(y), false);
    QuarterReport {
        company: "示例资产管理公司".into(),
        quarter_end: "2026-09-30".into(),
        basis: "v1".into(),
        parameter_version: 1,
        indicators: vec![
            // Leverage: funding over net assets (an input), a multiple; one line prohibited.
            indicator(
                "Q1",
                "杠杆率",
                yuan(273_000_000),
                yuan(100_000_000),
                3.0,
                true,
                vec![l("银行借款", 200_000_000), ("某私募".into(), yuan(73_000_000), true)],
                Some(Workings {
                    parts: vec![Numerator, Numerator],
                    denominator: DenominatorFrom::NetAssets(yuan(100_000_000)),
                }),
            ),
            // Single client: the largest is the numerator, the others shown.
            indicator(
                "Q2",
                "单一客户集中度",
                yuan(9_000_000),
                yuan(100_000_000),
                0.10,
                true,
                vec![l("甲公司", 9_000_000), l("乙公司", 5_000_000)],
                Some(Workings {
                    parts: vec![Numerator, Context],
                    denominator: DenominatorFrom::NetAssets(yuan(100_000_000)),
                }),
            ),
            // Liquidity: HQLA over the net outflow, minus the window's cash.
            indicator(
                "Q5",
                "流动性覆盖",
                yuan(1_000_000),
                yuan(800_000),
                0.30,
                false,
                vec![l("基本户", 1_000_000), l("银行借款 2026-10-15", -850_000), l("重组还款 2026-10-05", 50_000)],
                Some(Workings {
                    parts: vec![Numerator, Denominator, Denominator],
                    denominator: DenominatorFrom::NegatedLines,
                }),
            ),
            // Main business: acquisitions over new investment, year by year.
            indicator(
                "Q6",
                "主业比例",
                yuan(30_000_000),
                yuan(80_000_000),
                0.30,
                false,
                vec![l("2025 金融不良资产收购", 30_000_000), l("2025 新增投资", 80_000_000)],
                Some(Workings { parts: vec![Numerator, Denominator], denominator: DenominatorFrom::Lines }),
            ),
            // Recorded before the lines carried their parts: the figures as recorded.
            indicator(
                "Q4",
                "关联方债权",
                yuan(10_000_000),
                yuan(50_000_000),
                0.5,
                true,
                vec![l("丙", 10_000_000)],
                None,
            ),
        ],
        findings: vec![ReportFinding {
            source: "检查 #1".into(),
            rule: "Q10".into(),
            effect: "阻断".into(),
            text: "禁止渠道".into(),
            standing: String::new(),
        }],
        note: String::new(),
        signoff: huajie_report::signoff::Signoff::new("季末 2026-09-30", chrono::DateTime::UNIX_EPOCH),
    }
}

fn number(d: Option<&Data>) -> f64 {
    match d {
        Some(Data::Float(x)) => *x,
        other => panic!("not a number: {other:?}"),
    }
}

#[test]
fn each_ratio_is_numerator_over_denominator_from_the_lines_on_its_sheet() {
    let r = report();
    let bytes = regulator_xlsx(&r, Lang::Zh).unwrap();
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.clone())).unwrap();
    assert_eq!(
        wb.sheet_names(),
        ["汇总", "Q1 杠杆率", "Q2 单一客户集中度", "Q5 流动性覆盖", "Q6 主业比例", "Q4 关联方债权", "发现", "签署"]
    );
    let f = |wb: &mut Xlsx<_>, sheet: &str, row: u32| -> String {
        wb.worksheet_formula(sheet).unwrap().get_value((row, 1)).cloned().unwrap_or_default()
    };
    // Leverage: Σ numerator lines; net assets an input; the ratio by formula.
    assert_eq!(f(&mut wb, "Q1 杠杆率", 3), "SUM(B16:B17)");
    assert_eq!(f(&mut wb, "Q1 杠杆率", 4), "", "net assets: an input, not a formula");
    assert_eq!(f(&mut wb, "Q1 杠杆率", 5), "IF(B5<=0,\"—\",B4/B5)");
    let q1 = wb.worksheet_range("Q1 杠杆率").unwrap();
    assert_eq!(number(q1.get_value((4, 1))), 100_000_000.0);
    assert!((number(q1.get_value((5, 1))) - 2.73).abs() < 1e-12);
    assert_eq!(number(q1.get_value((6, 1))), 3.0, "the limit, a number");
    assert!(matches!(q1.get_value((8, 1)), Some(Data::DateTime(_))), "the net-assets date, a date");
    // Single client: the other client is shown in neither part.
    assert_eq!(f(&mut wb, "Q2 单一客户集中度", 3), "SUM(B16:B16)");
    // Liquidity: the denominator is minus the window's cash.
    assert_eq!(f(&mut wb, "Q5 流动性覆盖", 4), "-SUM(B18:B19)");
    let q5 = wb.worksheet_range("Q5 流动性覆盖").unwrap();
    assert_eq!(number(q5.get_value((4, 1))), 800_000.0);
    // Main business: both from the lines.
    assert_eq!(
        (f(&mut wb, "Q6 主业比例", 3), f(&mut wb, "Q6 主业比例", 4)),
        ("SUM(B16:B16)".into(), "SUM(B18:B18)".into())
    );
    // An old record: its figures, and still the ratio by formula.
    let q4 = wb.worksheet_range("Q4 关联方债权").unwrap();
    assert_eq!((number(q4.get_value((3, 1))), number(q4.get_value((4, 1)))), (10_000_000.0, 50_000_000.0));
    assert_eq!(f(&mut wb, "Q4 关联方债权", 5), "IF(B5<=0,\"—\",B4/B5)");
    // The summary reads the indicator sheets.
    let summary = wb.worksheet_formula("汇总").unwrap();
    assert_eq!(summary.get_value((4, 2)).unwrap(), "'Q1 杠杆率'!B6");
    assert_eq!(summary.get_value((4, 6)).unwrap(), "'Q1 杠杆率'!B4");
    let texts = spreadsheet::numbers_as_text(&bytes, |_, _| false);
    assert!(texts.is_empty(), "{texts:?}");

    // English: readable sheet names within 31 characters.
    let mut en = r.clone();
    en.indicators[0].short = "Leverage".into();
    en.indicators[1].short = "Single-client concentration".into();
    let bytes = regulator_xlsx(&en, Lang::En).unwrap();
    let wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(&wb.sheet_names()[..3], ["Summary", "Q1 Leverage", "Q2 Single-client concentration"]);
    assert!(wb.sheet_names().iter().all(|n| n.chars().count() <= 31));
}

/// LibreOffice computes every ratio from the lines to the figure the engine gave.
#[test]
fn libreoffice_computes_the_ratios_the_engine_gave() {
    let Some(soffice) = spreadsheet::Soffice::from_env("the regulator workbook") else { return };
    let r = report();
    let out = soffice.recalculate(&[("regulator", regulator_xlsx(&r, Lang::Zh).unwrap())], &["regulator"]);
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(out["regulator"].xlsx.clone())).unwrap();
    let summary = wb.worksheet_range("汇总").unwrap();
    for (k, i) in r.indicators.iter().enumerate() {
        let row = 4 + k as u32;
        assert!((number(summary.get_value((row, 2))) - i.ratio.unwrap()).abs() < 1e-12, "{}", i.id);
    }
    let shown = &out["regulator"].shown["汇总"];
    assert_eq!(shown[4][2], "2.73×");
    assert_eq!(shown[5][2], "9.00%");
    assert_eq!(shown[4][6], "273,000,000.00");
}
