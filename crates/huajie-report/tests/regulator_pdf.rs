//! The quarterly regulator report as a PDF, laid out in either language: every indicator
//! with its figures and the first lines behind it, the lines left out counted and the
//! workbook named, the findings with how each stands — and nothing empty, overprinted,
//! outside the text area or orphaned at a page foot.

use huajie_core::{Lang, Money};
use huajie_report::compliance::{LINES_LISTED, QuarterReport, ReportFinding, ReportIndicator, regulator_layout};
use huajie_report::pdf::Fonts;

const COMPANY: &str = "浙江明湖资产管理有限公司";

/// A quarter with indicators of 3, 10, 11 and 197 lines, a long title, a long status, and
/// findings with and without a standing.
fn report(lang: Lang) -> QuarterReport {
    let t = |zh: &'static str, en: &'static str| lang.pick(zh, en).to_string();
    let indicator = |id: &str, title: String, lines: usize| ReportIndicator {
        id: id.into(),
        short: title.clone(),
        title,
        value: "61.20%".into(),
        ratio: Some(0.612),
        limit: "≤ 50%".into(),
        limit_ratio: 0.5,
        upper: true,
        status: t("超限（过渡期内）", "Breach (in transition)"),
        numerator: Some(Money::from_yuan(642_600_000).unwrap()),
        denominator: Some(Money::from_yuan(1_050_000_000).unwrap()),
        basis: "2026-06-30".into(),
        confidence: t("[C] 已核实 · [I] 口径为本系统解读", "[C] confirmed · [I] definitions: our reading"),
        lines: (0..lines)
            .map(|i| (format!("{}{i}", "杭州建平贸易有限公司"), Money::from_yuan(91_800_000).unwrap(), i == 1))
            .collect(),
        workings: None,
        glide: t(
            "过渡期路径：至 2028-07-12 还有 7 个季末，每季需改善 1.60 个百分点；上季以来改善 1.80 个百分点，按计划",
            "Glide path: 7 quarter-ends to 2028-07-12, 1.60 points better each quarter; 1.80 points better since the previous quarter-end, on track",
        ),
    };
    let long = t(
        "主业比例：近三年收购金融不良资产不低于新增投资的 30%（按年度合计，含收购后持有部分）",
        "Main business: financial NPA acquisitions at least 30% of new investment over three years, summed year by year",
    );
    QuarterReport {
        company: COMPANY.into(),
        quarter_end: "2026-09-30".into(),
        basis: t("已记录 risk 2026-10-10 09:00", "recorded by risk 2026-10-10 09:00"),
        parameter_version: 1,
        indicators: vec![
            indicator("Q6", long, 3),
            indicator("Q1", t("杠杆率", "Leverage"), LINES_LISTED),
            indicator("Q3", t("同一集团客户集中度", "Group client"), LINES_LISTED + 1),
            indicator("Q2", t("单一客户集中度", "Single client"), 197),
        ],
        findings: vec![
            ReportFinding {
                source: format!("{} #2 建设银行并购贷款（拟）", t("检查", "Check")),
                rule: "Q1".into(),
                effect: t("限额（须豁免）", "Limit (override needed)"),
                text: t(
                    "交易后杠杆率为 3.10×，超出限额 ≤ 3×",
                    "after the deal leverage is 3.10×, beyond the limit ≤ 3×",
                ),
                standing: t(
                    "已由 risk 豁免，理由：董事会已批准去杠杆计划",
                    "Overridden by risk: 董事会已批准去杠杆计划",
                ),
            },
            ReportFinding {
                source: t("退出观察", "Exit watch"),
                rule: "Q15".into(),
                effect: t("预警（须豁免）", "Warning (override needed)"),
                text: t(
                    "距上次收购金融不良资产已 13 个月（2025-08-01），达到预警线 12 个月",
                    "13 months since the last financial NPA acquisition (2025-08-01): past the alert at 12 months",
                ),
                standing: String::new(),
            },
        ],
        note: t("个人信息已脱敏。", "Personal data is masked."),
        signoff: huajie_report::signoff::Signoff::new(
            t("季末 2026-09-30", "Quarter-end 2026-09-30"),
            chrono::DateTime::UNIX_EPOCH,
        ),
    }
}

fn chinese(c: char) -> bool {
    matches!(c as u32,
        0x3000..=0x303F | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF | 0x201C | 0x201D)
}

#[test]
fn the_regulator_pdf_lists_or_counts_every_line_and_leaves_nothing_empty() {
    let fonts = Fonts::find().expect("a CJK font (fonts-noto-cjk)");
    for lang in [Lang::Zh, Lang::En] {
        let r = report(lang);
        let layout = regulator_layout(&fonts, &r, lang);
        assert_eq!(layout.faults(), Vec::<String>::new(), "{lang:?}");
        let text: String = layout.text_boxes().iter().map(|b| b.text.clone()).collect::<Vec<_>>().join("\n");
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let solid: String = text.split_whitespace().collect();
        for i in &r.indicators {
            // The heading whole, wrapped rather than run off the page.
            let heading = format!("{} {}", i.id, i.title);
            assert!(flat.contains(&heading) || solid.contains(&heading.replace(' ', "")), "{heading}");
            let more = i.lines.len().saturating_sub(LINES_LISTED);
            let said = match lang {
                Lang::Zh => solid.contains(&format!("另有{more}条明细未列出，见本报告的工作簿")),
                Lang::En => flat.contains(&format!("and {more} more lines in the workbook")),
            };
            assert_eq!(said, more > 0, "{lang:?} {}: {} lines\n{text}", i.id, i.lines.len());
            // The lines listed are the first ones, in order.
            for (label, _, _) in i.lines.iter().take(LINES_LISTED) {
                assert!(solid.contains(label.as_str()), "{label} missing");
            }
        }
        let counted = match lang {
            Lang::Zh => solid.matches("条明细未列出").count(),
            Lang::En => flat.matches("more lines in the workbook").count(),
        };
        assert_eq!(counted, 2, "Q3 and Q2 are cut, each said once:\n{text}");
        // A finding without a standing says nothing of it; one with says it whole.
        for empty in ["（处理：）", "处理：\n", "(standing: )", "Standing: \n", "：）", "()"] {
            assert!(!text.contains(empty), "{empty:?} in:\n{text}");
        }
        assert_eq!(text.matches(lang.pick("处理：", "Standing: ")).count(), 1, "{text}");
        assert!(solid.contains(&r.findings[0].standing.replace(' ', "")), "{text}");
        if lang == Lang::En {
            let data = [COMPANY, "建设银行并购贷款（拟）", "董事会已批准去杠杆计划", "杭州建平贸易有限公司"];
            for token in text.split_whitespace().filter(|t| t.chars().any(chinese)) {
                assert!(
                    data.iter().any(|d| d.contains(token.trim_end_matches(char::is_numeric))),
                    "{token:?} is Chinese in English:\n{text}"
                );
            }
        }
    }
}
