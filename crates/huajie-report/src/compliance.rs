//! The quarterly regulator report: a workbook with a summary sheet, one sheet per indicator
//! with the lines behind it, and the findings; and a PDF summary in Chinese (or English).
//! Built from plain figures the caller has resolved (names masked as the reader may see them).

use huajie_core::{Lang, Money};

use crate::pdf::{Column, Fonts, Layout, PdfError};
use crate::tables::{Cell, Table, tables_xlsx};

/// One indicator as reported.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportIndicator {
    /// Q1…Q6.
    pub id: String,
    pub title: String,
    pub value: String,
    pub ratio: Option<f64>,
    pub limit: String,
    pub status: String,
    pub numerator: Option<Money>,
    pub denominator: Option<Money>,
    pub basis: String,
    pub confidence: String,
    /// (label, amount, flagged)
    pub lines: Vec<(String, Money, bool)>,
    /// The glide path of a breach in the transition, in words (empty otherwise).
    pub glide: String,
}

/// A finding for the period: where it came from, its rule, effect and text, how it stands.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportFinding {
    pub source: String,
    pub rule: String,
    pub effect: String,
    pub text: String,
    pub standing: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct QuarterReport {
    pub company: String,
    pub quarter_end: String,
    /// "v3 (recorded by risk 2026-10-10 09:00)" or "computed, not recorded".
    pub basis: String,
    pub parameter_version: i64,
    pub indicators: Vec<ReportIndicator>,
    pub findings: Vec<ReportFinding>,
    pub note: String,
}

fn yuan(m: Money) -> Cell {
    Cell::Yuan(m.fen() as f64 / 100.0)
}

pub fn regulator_xlsx(r: &QuarterReport, lang: Lang) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let t = |zh: &'static str, en: &'static str| lang.pick(zh, en).to_string();
    let title = vec![
        format!(
            "{} · {}",
            r.company,
            t("地方资产管理公司监管指标季度报告", "Quarterly report of the regulatory indicators")
        ),
        format!(
            "{} {} · {} v{} · {}",
            t("季末", "Quarter-end"),
            r.quarter_end,
            t("参数版本", "parameters"),
            r.parameter_version,
            r.basis
        ),
    ];
    let mut tables = vec![Table {
        sheet: t("汇总", "Summary"),
        title: title.clone(),
        header: [
            "",
            "指标",
            "数值",
            "比率",
            "限额",
            "状态",
            "分子（元）",
            "分母（元）",
            "净资产日期",
            "可信度",
            "过渡期路径",
        ]
        .iter()
        .zip([
            "",
            "Indicator",
            "Value",
            "Ratio",
            "Limit",
            "Status",
            "Numerator (yuan)",
            "Denominator (yuan)",
            "Net assets at",
            "Confidence",
            "Glide path",
        ])
        .map(|(zh, en)| t(zh, en))
        .collect(),
        rows: r
            .indicators
            .iter()
            .map(|i| {
                vec![
                    Cell::Text(i.id.clone()),
                    Cell::Text(i.title.clone()),
                    Cell::Text(i.value.clone()),
                    i.ratio.map_or(Cell::Text("—".into()), |x| {
                        if i.id == "Q1" { Cell::Number(x) } else { Cell::Percent(x) }
                    }),
                    Cell::Text(i.limit.clone()),
                    Cell::Text(i.status.clone()),
                    i.numerator.map_or(Cell::Text("—".into()), yuan),
                    i.denominator.map_or(Cell::Text("—".into()), yuan),
                    Cell::Text(i.basis.clone()),
                    Cell::Text(i.confidence.clone()),
                    Cell::Text(i.glide.clone()),
                ]
            })
            .collect(),
    }];
    for i in &r.indicators {
        tables.push(Table {
            sheet: format!("{} {}", i.id, i.title.chars().take(12).collect::<String>()),
            title: vec![format!("{} {} · {} {} · {}", i.id, i.title, i.value, i.limit, i.status)],
            header: vec![t("明细", "Line"), t("金额（元）", "Amount (yuan)"), t("标注", "Flag")],
            rows: i
                .lines
                .iter()
                .map(|(l, m, f)| {
                    vec![
                        Cell::Text(l.clone()),
                        yuan(*m),
                        Cell::Text(if *f { t("禁止渠道", "prohibited channel") } else { String::new() }),
                    ]
                })
                .collect(),
        });
    }
    tables.push(Table {
        sheet: t("发现", "Findings"),
        title,
        header: vec![
            t("来源", "Source"),
            t("规则", "Rule"),
            t("效力", "Effect"),
            t("说明", "Finding"),
            t("处理", "Standing"),
        ],
        rows: r
            .findings
            .iter()
            .map(|f| {
                vec![
                    Cell::Text(f.source.clone()),
                    Cell::Text(f.rule.clone()),
                    Cell::Text(f.effect.clone()),
                    Cell::Text(f.text.clone()),
                    Cell::Text(f.standing.clone()),
                ]
            })
            .collect(),
    });
    tables_xlsx(&tables)
}

/// Lines of each indicator listed in the PDF; the report says how many more the workbook has.
pub const LINES_LISTED: usize = 10;

pub fn regulator_pdf(r: &QuarterReport, lang: Lang) -> Result<Vec<u8>, PdfError> {
    let fonts = Fonts::find()?;
    regulator_layout(&fonts, r, lang).finish()
}

/// The report's pages, laid out and not yet drawn.
pub fn regulator_layout<'f>(fonts: &'f Fonts, r: &QuarterReport, lang: Lang) -> Layout<'f> {
    let t = |zh: &'static str, en: &'static str| lang.pick(zh, en);
    let mut p = Layout::new(fonts, format!("{} · {} {}", r.company, t("季末", "quarter-end"), r.quarter_end));
    p.block(18.0, true, t("监管指标季度报告", "Quarterly report of the regulatory indicators"));
    p.y += 4.0;
    p.block(12.0, false, &format!("{} · {} {}", r.company, t("季末", "quarter-end"), r.quarter_end));
    p.y += 2.0;
    p.paragraph(9.0, &format!("{} v{} · {}", t("参数版本", "Parameters"), r.parameter_version, r.basis));
    p.paragraph(9.0, &r.note);
    p.heading(t("六项指标", "The six indicators"));
    let rows: Vec<Vec<String>> = r
        .indicators
        .iter()
        .map(|i| vec![format!("{} {}", i.id, i.title), i.value.clone(), i.limit.clone(), i.status.clone()])
        .collect();
    p.table(
        &[
            Column::left(t("指标", "Indicator")).grow(),
            Column::right(t("数值", "Value")),
            Column::right(t("限额", "Limit")),
            Column::left(t("状态", "Status")),
        ],
        &rows,
    );
    for i in &r.indicators {
        // The heading, its figures and the first lines of its table stay on one page.
        p.heading(&format!("{} {}", i.id, i.title));
        p.begin_group();
        let figures = match (i.numerator, i.denominator) {
            (Some(n), Some(d)) => format!("{} / {} · ", n.display(lang), d.display(lang)),
            _ => String::new(),
        };
        p.paragraph(
            9.0,
            &format!(
                "{}{} {} · {}{}",
                figures,
                i.value,
                i.limit,
                i.status,
                if i.basis.is_empty() {
                    String::new()
                } else {
                    format!(" · {} {}", t("净资产日期", "net assets at"), i.basis)
                }
            ),
        );
        p.paragraph(8.0, &i.confidence);
        if !i.glide.is_empty() {
            p.paragraph(9.0, &i.glide);
        }
        p.end_group();
        if !i.lines.is_empty() {
            let rows: Vec<Vec<String>> = i
                .lines
                .iter()
                .take(LINES_LISTED)
                .map(|(l, m, f)| {
                    vec![
                        format!("{l}{}", if *f { t(" ⚠ 禁止渠道", " ⚠ prohibited channel") } else { "" }),
                        m.display(lang),
                    ]
                })
                .collect();
            p.table(&[Column::left(t("明细", "Line")).grow(), Column::right(t("金额", "Amount"))], &rows);
            let more = i.lines.len() - rows.len();
            if more > 0 {
                p.paragraph(
                    8.5,
                    &match lang {
                        Lang::Zh => format!(
                            "以上为前 {} 条，另有 {more} 条明细未列出，见本报告的工作簿（.xlsx）。",
                            rows.len()
                        ),
                        Lang::En => format!(
                            "The first {} lines are shown, and {more} more lines in the workbook (.xlsx) of this report.",
                            rows.len()
                        ),
                    },
                );
            }
        }
    }
    p.heading(t("发现与处理", "Findings"));
    if r.findings.is_empty() {
        p.paragraph(9.0, t("本期无发现。", "No finding in the period."));
    }
    for f in &r.findings {
        // Each finding whole on one page: what and where, the finding, how it stands.
        p.begin_group();
        p.block(9.0, true, &format!("[{} · {}] {}", f.rule, f.effect, f.source));
        p.paragraph(9.0, &f.text);
        if !f.standing.is_empty() {
            p.paragraph(9.0, &format!("{}{}", t("处理：", "Standing: "), f.standing));
        }
        p.close_group();
        p.y += 4.0;
    }
    p
}
