//! The quarterly regulator report: a workbook with a summary sheet, one sheet per indicator
//! with the lines behind it, and the findings; and a PDF summary in Chinese (or English).
//! Built from plain figures the caller has resolved (names masked as the reader may see them).

use huajie_core::{Lang, Money};

use rust_xlsxwriter::{Workbook, Worksheet, XlsxError};

use crate::pdf::{Column, Fonts, Layout, PdfError};
use crate::tables::{Cell, Formats, Table, sheet_names, write_cell, write_table};

/// One indicator as reported.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportIndicator {
    /// Q1…Q6.
    pub id: String,
    /// A short name for its sheet: "杠杆率", "Leverage".
    pub short: String,
    pub title: String,
    pub value: String,
    pub ratio: Option<f64>,
    pub limit: String,
    /// The limit as a ratio (3.0 for 3×, 0.1 for 10%), and whether it is an upper one.
    pub limit_ratio: f64,
    pub upper: bool,
    pub status: String,
    pub numerator: Option<Money>,
    pub denominator: Option<Money>,
    pub basis: String,
    pub confidence: String,
    /// (label, amount, flagged)
    pub lines: Vec<(String, Money, bool)>,
    /// How the ratio is worked out from the lines; `None` when they do not carry their
    /// parts (a quarter-end recorded before they were kept): the figures are written as
    /// recorded.
    pub workings: Option<Workings>,
    /// The glide path of a breach in the transition, in words (empty otherwise).
    pub glide: String,
}

/// Where a line enters the ratio.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinePart {
    Numerator,
    Denominator,
    /// Shown beside the figure, in neither.
    Context,
}

/// How the denominator is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DenominatorFrom {
    /// Net assets at the indicator's basis date: a figure of the book.
    NetAssets(Money),
    /// The sum of the denominator lines.
    Lines,
    /// Minus the sum of the denominator lines (the net outflow of a window of cash lines).
    NegatedLines,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Workings {
    /// Each line's part, in the order of `ReportIndicator::lines`.
    pub parts: Vec<LinePart>,
    pub denominator: DenominatorFrom,
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
    /// Prepared by the recorder of the quarter-end; the regulator's lines go in `further`.
    pub signoff: crate::signoff::Signoff,
}

fn yuan(m: Money) -> f64 {
    m.fen() as f64 / 100.0
}

/// Leverage is a multiple; the other indicators are percentages.
fn ratio_cell(i: &ReportIndicator, x: f64) -> Cell {
    if i.id == "Q1" { Cell::Multiple(x) } else { Cell::Percent(x) }
}

/// Where an indicator's figures sit on its sheet (0-based rows, column B), for the summary.
const NUMERATOR_ROW: u32 = 3;
const DENOMINATOR_ROW: u32 = 4;
const RATIO_ROW: u32 = 5;

/// One indicator's sheet: numerator, denominator and ratio by formula at the top, then the
/// lines in three blocks — those summed into the numerator, those summed into the
/// denominator, those only shown.
fn indicator_sheet(
    ws: &mut Worksheet,
    i: &ReportIndicator,
    r: &QuarterReport,
    lang: Lang,
    f: &Formats,
) -> Result<(), XlsxError> {
    let t = |zh: &'static str, en: &'static str| lang.pick(zh, en);
    ws.set_column_width(0, 46)?;
    ws.set_column_width(1, 22)?;
    ws.set_column_width(2, 60)?;
    ws.write_string_with_format(0, 0, format!("{} {}", i.id, i.title), &f.bold)?;
    ws.write_string(
        1,
        0,
        format!(
            "{} {} · {} v{} · {}",
            t("季末", "Quarter-end"),
            r.quarter_end,
            t("参数版本", "parameters"),
            r.parameter_version,
            r.basis
        ),
    )?;

    // The lines, grouped by part, from row 14 on.
    let header_row = 13u32;
    ws.write_string_with_format(header_row, 0, t("明细", "Line"), &f.bold)?;
    ws.write_string_with_format(header_row, 1, t("金额（元）", "Amount (yuan)"), &f.bold)?;
    ws.write_string_with_format(header_row, 2, t("标注", "Flag"), &f.bold)?;
    let mut row = header_row;
    let flag = |flagged: bool| if flagged { t("禁止渠道", "prohibited channel") } else { "" };
    // Writes a block of lines under a heading; returns the 1-based range of its amounts.
    let mut block = |ws: &mut Worksheet,
                     heading: &str,
                     lines: &[&(String, Money, bool)]|
     -> Result<Option<(u32, u32)>, XlsxError> {
        if lines.is_empty() {
            return Ok(None);
        }
        row += 1;
        ws.write_string_with_format(row, 0, heading, &f.bold)?;
        let first = row + 1;
        for (label, amount, flagged) in lines {
            row += 1;
            ws.write_string(row, 0, label)?;
            ws.write_number_with_format(row, 1, yuan(*amount), &f.yuan)?;
            ws.write_string(row, 2, flag(*flagged))?;
        }
        Ok(Some((first + 1, row + 1)))
    };
    let sum = |range: Option<(u32, u32)>| range.map_or_else(|| "0".to_string(), |(a, b)| format!("SUM(B{a}:B{b})"));

    let (numerator, denominator, n_note, d_note) = match &i.workings {
        Some(w) if w.parts.len() == i.lines.len() => {
            let of = |part: LinePart| {
                i.lines.iter().zip(&w.parts).filter(|(_, p)| **p == part).map(|(l, _)| l).collect::<Vec<_>>()
            };
            let n_range = block(ws, t("计入分子", "In the numerator"), &of(LinePart::Numerator))?;
            let d_range = block(ws, t("计入分母", "In the denominator"), &of(LinePart::Denominator))?;
            block(ws, t("仅列示，不计入比率", "Shown only, in neither"), &of(LinePart::Context))?;
            let n_sum: f64 = of(LinePart::Numerator).iter().map(|l| yuan(l.1)).sum();
            let d_sum: f64 = of(LinePart::Denominator).iter().map(|l| yuan(l.1)).sum();
            let numerator = Cell::Formula(format!("={}", sum(n_range)), Box::new(Cell::Yuan(n_sum)));
            let (denominator, d_note) = match w.denominator {
                DenominatorFrom::NetAssets(na) => {
                    (Cell::Yuan(yuan(na)), format!("{} {}", t("净资产，季末", "net assets at quarter-end"), i.basis))
                }
                DenominatorFrom::Lines => (
                    Cell::Formula(format!("={}", sum(d_range)), Box::new(Cell::Yuan(d_sum))),
                    t("= 计入分母的明细之和", "= the sum of the lines in the denominator").to_string(),
                ),
                DenominatorFrom::NegatedLines => (
                    Cell::Formula(format!("=-{}", sum(d_range)), Box::new(Cell::Yuan(-d_sum))),
                    t(
                        "= −（计入分母的明细之和）：窗口内的净现金流出（流出为负）",
                        "= −(the sum of the lines in the denominator): the window's net outflow (outflows negative)",
                    )
                    .to_string(),
                ),
            };
            (
                numerator,
                denominator,
                t("= 计入分子的明细之和", "= the sum of the lines in the numerator").to_string(),
                d_note,
            )
        }
        _ => {
            let all: Vec<_> = i.lines.iter().collect();
            block(ws, t("明细", "Lines"), &all)?;
            let figure = |m: Option<Money>| m.map_or(Cell::Text("—".into()), |m| Cell::Yuan(yuan(m)));
            let note =
                t("按记录的数值（明细未标明计入分子或分母）", "as recorded (the lines do not say where they count)");
            (figure(i.numerator), figure(i.denominator), note.to_string(), note.to_string())
        }
    };
    let label = |ws: &mut Worksheet, row: u32, text: &str| ws.write_string_with_format(row, 0, text, &f.bold).map(drop);
    label(ws, NUMERATOR_ROW, t("分子（元）", "Numerator (yuan)"))?;
    write_cell(ws, NUMERATOR_ROW, 1, &numerator, f)?;
    ws.write_string(NUMERATOR_ROW, 2, &n_note)?;
    label(ws, DENOMINATOR_ROW, t("分母（元）", "Denominator (yuan)"))?;
    write_cell(ws, DENOMINATOR_ROW, 1, &denominator, f)?;
    ws.write_string(DENOMINATOR_ROW, 2, &d_note)?;
    label(ws, RATIO_ROW, t("比率", "Ratio"))?;
    // No ratio when the denominator is not positive (net assets ≤ 0, no net outflow, no
    // new investment): the engine's reading, reproduced.
    let (n, d) = (NUMERATOR_ROW + 1, DENOMINATOR_ROW + 1);
    let shown = i.ratio.map_or(Cell::Text("—".into()), |x| ratio_cell(i, x));
    write_cell(ws, RATIO_ROW, 1, &Cell::Formula(format!("=IF(B{d}<=0,\"—\",B{n}/B{d})"), Box::new(shown)), f)?;
    ws.write_string(RATIO_ROW, 2, t("= 分子 ÷ 分母", "= numerator ÷ denominator"))?;
    label(ws, 6, t("限额", "Limit"))?;
    write_cell(ws, 6, 1, &ratio_cell(i, i.limit_ratio), f)?;
    ws.write_string(
        6,
        2,
        if i.upper {
            t("上限（不超过）", "upper limit (at most)")
        } else {
            t("下限（不低于）", "lower limit (at least)")
        },
    )?;
    label(ws, 7, t("状态", "Status"))?;
    ws.write_string(7, 1, &i.status)?;
    if !i.basis.is_empty() {
        label(ws, 8, t("净资产日期", "Net assets at"))?;
        write_cell(ws, 8, 1, &Cell::Date(i.basis.clone()), f)?;
    }
    label(ws, 9, t("可信度", "Confidence"))?;
    ws.write_string(9, 1, &i.confidence)?;
    if !i.glide.is_empty() {
        label(ws, 10, t("过渡期路径", "Glide path"))?;
        ws.write_string(10, 1, &i.glide)?;
    }
    Ok(())
}

/// The quarterly regulator report as a workbook: a summary whose figures are read from the
/// indicator sheets, one sheet per indicator working its ratio out by formula from its
/// lines, and the findings.
pub fn regulator_xlsx(r: &QuarterReport, lang: Lang) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let t = |zh: &'static str, en: &'static str| lang.pick(zh, en).to_string();
    let f = Formats::default();
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
    let mut names = vec![t("汇总", "Summary")];
    names.extend(r.indicators.iter().map(|i| format!("{} {}", i.id, i.short)));
    names.push(t("发现", "Findings"));
    let names = sheet_names(&names);
    let quoted = |name: &str| format!("'{}'", name.replace('\'', "''"));
    let summary = Table {
        sheet: names[0].clone(),
        title: title.clone(),
        header: [
            ("", ""),
            ("指标", "Indicator"),
            ("比率", "Ratio"),
            ("限额", "Limit"),
            ("上限/下限", "Upper / lower"),
            ("状态", "Status"),
            ("分子（元）", "Numerator (yuan)"),
            ("分母（元）", "Denominator (yuan)"),
            ("净资产日期", "Net assets at"),
            ("可信度", "Confidence"),
            ("过渡期路径", "Glide path"),
        ]
        .iter()
        .map(|(zh, en)| t(zh, en))
        .collect(),
        rows: r
            .indicators
            .iter()
            .zip(&names[1..])
            .map(|(i, sheet)| {
                let at = |row: u32| format!("={}!B{}", quoted(sheet), row + 1);
                let figure = |m: Option<Money>| Box::new(m.map_or(Cell::Text("—".into()), |m| Cell::Yuan(yuan(m))));
                vec![
                    Cell::Text(i.id.clone()),
                    Cell::Text(i.title.clone()),
                    Cell::Formula(
                        at(RATIO_ROW),
                        Box::new(i.ratio.map_or(Cell::Text("—".into()), |x| ratio_cell(i, x))),
                    ),
                    ratio_cell(i, i.limit_ratio),
                    Cell::Text(if i.upper { t("上限", "upper") } else { t("下限", "lower") }),
                    Cell::Text(i.status.clone()),
                    Cell::Formula(at(NUMERATOR_ROW), figure(i.numerator)),
                    Cell::Formula(at(DENOMINATOR_ROW), figure(i.denominator)),
                    Cell::Date(i.basis.clone()),
                    Cell::Text(i.confidence.clone()),
                    Cell::Text(i.glide.clone()),
                ]
            })
            .collect(),
    };
    let findings = Table {
        sheet: names[names.len() - 1].clone(),
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
    };
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name(&summary.sheet)?;
    write_table(ws, 0, &summary, &f)?;
    ws.set_column_width(1, 40)?;
    for (i, name) in r.indicators.iter().zip(&names[1..]) {
        let ws = book.add_worksheet();
        ws.set_name(name)?;
        indicator_sheet(ws, i, r, lang, &f)?;
    }
    let ws = book.add_worksheet();
    ws.set_name(&findings.sheet)?;
    write_table(ws, 0, &findings, &f)?;
    crate::signoff::signed_book(book, &t("监管指标季度报告", "Regulatory indicators"), &r.signoff, lang)
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
    crate::signoff::pdf_head(&mut p, &r.signoff, lang);
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
    crate::signoff::pdf_ended(p, &r.signoff, lang)
}
