//! The valuation report as a PDF in Chinese (or English): the run, the results, the
//! quarterly cash-flow chart, sensitivity and stress, the Monte Carlo distribution, the
//! segments, the claims that carry most of the value, and every parameter with its
//! source and confidence.

use huajie_core::{Lang, Money};
use huajie_value::Appraisal;
use huajie_value::params::{Unit, catalogue};

use crate::palette;
use crate::pdf::{Align, Column, Fonts, Layout, MARGIN, PAGE_WIDTH, PdfError, TableStyle};
use crate::valuation::{ClaimLine, RunInfo, label, money, percent, stress_label};

/// Claims listed in the PDF; the report says how many more the workbook has.
pub const CLAIMS_LISTED: usize = 30;

/// Yuan in 万元 with thousands separators, for tables whose header says 万元.
fn wan(yuan: f64) -> String {
    Money::from_fen(huajie_value::fen(yuan / 10_000.0)).yuan_string()
}

/// The report; `set` is the run's assumption set, listed parameter by parameter.
pub fn valuation_pdf(
    info: &RunInfo,
    a: &Appraisal,
    claims: &[ClaimLine],
    set: &huajie_value::Assumptions,
    lang: Lang,
) -> Result<Vec<u8>, PdfError> {
    let fonts = Fonts::find()?;
    valuation_layout(&fonts, info, a, claims, set, lang).finish()
}

/// The report's pages, laid out and not yet drawn.
pub fn valuation_layout<'f>(
    fonts: &'f Fonts,
    info: &RunInfo,
    a: &Appraisal,
    claims: &[ClaimLine],
    set: &huajie_value::Assumptions,
    lang: Lang,
) -> Layout<'f> {
    let l = |k| label(k, lang);
    let unit = lang.pick("（万元）", " (10k yuan)");
    let footer = format!("{} · {} {} · {}", info.company, info.package_code, info.package_name, a.model_version);
    let mut p = Layout::new(fonts, footer);

    p.block(18.0, true, l("title"));
    p.y += 4.0;
    p.block(12.0, false, &format!("{} {}", info.package_code, info.package_name));
    crate::signoff::pdf_head(&mut p, &info.signoff, lang);
    let info_rows = [
        (l("company"), info.company.clone()),
        (l("run"), info.run_id.map_or_else(|| "—".to_string(), |id| format!("#{id}"))),
        (l("assumptions"), format!("{} v{}", info.assumption_set, info.assumption_version)),
        (l("tape_version"), info.tape_version.map_or_else(|| "—".to_string(), |v| v.to_string())),
        (l("valuation_date"), a.valuation_date.to_string()),
        (l("valued_by"), format!("{} {}", info.created_by, info.created_at)),
        (l("input_hash"), a.input_hash[..16.min(a.input_hash.len())].to_string()),
    ];
    p.table_styled(
        TableStyle { size: 9.0, full_width: false },
        &[Column::left("").bold(), Column::left("")],
        &info_rows.iter().map(|(k, v)| vec![k.to_string(), v.clone()]).collect::<Vec<_>>(),
    );

    p.heading(lang.pick("结果", "Results"));
    let m = &a.metrics;
    let by_segment = a.claims.iter().filter(|c| c.method == huajie_value::appraisal::Method::Segment).count();
    let results = [
        (l("claims").to_string(), a.claims.len().to_string()),
        (format!("· {}", l("by_claim")), (a.claims.len() - by_segment).to_string()),
        (format!("· {}", l("by_segment")), by_segment.to_string()),
        (l("claim_amount").to_string(), money(a.claim_amount, lang)),
        (l("principal").to_string(), money(a.principal, lang)),
        (l("target_irr").to_string(), percent(a.options.target_irr)),
        (l("bid").to_string(), money(a.bid, lang)),
        (l("price").to_string(), money(m.price, lang)),
        (l("price_of_claim").to_string(), percent(m.price_of_claim)),
        (l("price_of_principal").to_string(), percent(m.price_of_principal)),
        (l("irr").to_string(), m.irr.map_or_else(|| l("none").to_string(), percent)),
        (l("moic").to_string(), format!("{:.3}", m.moic)),
        (l("recovery_ratio").to_string(), percent(m.recovery_ratio)),
        (l("payback").to_string(), m.payback_quarter.map_or_else(|| l("none").to_string(), |q| q.to_string())),
        (l("wal").to_string(), format!("{:.2}", m.wal_years)),
    ];
    p.table_styled(
        TableStyle { size: 9.5, full_width: false },
        &[Column::left(""), Column::right("").bold()],
        &results.iter().map(|(k, v)| vec![k.clone(), v.clone()]).collect::<Vec<_>>(),
    );
    if a.retail_outside_anchor == Some(true) {
        p.block(9.5, true, &format!("⚠ {}", l("anchor_flag")));
    }

    p.heading(l("routes"));
    let sum = |f: fn(&huajie_value::appraisal::ClaimResult) -> f64| a.claims.iter().map(f).sum::<f64>();
    let routes = vec![
        vec![l("collateral").to_string(), wan(sum(|c| c.collateral))],
        vec![l("guarantors").to_string(), wan(sum(|c| c.guarantors))],
        vec![l("debtor").to_string(), wan(sum(|c| c.unsecured))],
        vec![l("court_fees").to_string(), wan(sum(|c| c.court_fees))],
        vec![l("legal_costs").to_string(), wan(sum(|c| c.legal_costs))],
        vec![l("net").to_string(), wan(sum(|c| c.net))],
    ];
    p.table_styled(
        TableStyle { size: 8.5, full_width: false },
        &[Column::left(""), Column::right(unit.trim())],
        &routes,
    );

    // The quarterly cash flow: bars above and below a zero line.
    p.heading(&format!("{}{}", l("cash_flow"), unit));
    let last = a.quarterly.iter().rposition(|x| x.abs() >= 0.005).map_or(1, |i| i + 1);
    let chart_height = 140.0;
    p.need(chart_height + 30.0);
    let max = a.quarterly.iter().fold(0.0f64, |m, x| m.max(*x));
    let min = a.quarterly.iter().fold(0.0f64, |m, x| m.min(*x));
    let span = (max - min).max(1.0);
    let top = p.y;
    let zero = top + chart_height * (max / span) as f32;
    let width = PAGE_WIDTH - 2.0 * MARGIN;
    let slot = width / last as f32;
    for (i, x) in a.quarterly.iter().take(last).enumerate() {
        let h = chart_height * (x.abs() / span) as f32;
        let bx = MARGIN + slot * i as f32 + slot * 0.15;
        if *x >= 0.0 {
            p.rect(bx, zero - h, slot * 0.7, h, palette::S1);
        } else {
            p.rect(bx, zero, slot * 0.7, h, palette::NEG);
        }
    }
    p.line(MARGIN, zero, MARGIN + width, zero);
    p.y = top + chart_height + 4.0;
    // A label every few quarters, as many as fit without touching.
    let widest = p.fonts.width(&format!("Q{last}"), 7.0, false) + 6.0;
    let step = ((widest / slot).ceil() as usize).max(last / 10).max(1);
    for i in (0..last).step_by(step) {
        p.note(MARGIN + slot * i as f32 + slot * 0.15, 7.0, &format!("Q{}", i + 1), Align::Left);
    }
    p.y += 12.0;
    p.note(
        MARGIN,
        7.5,
        &format!(
            "{} {} · {} {}",
            lang.pick("最高", "max"),
            money(max, lang),
            lang.pick("最低", "min"),
            money(min, lang)
        ),
        Align::Left,
    );
    p.y += 14.0;

    p.heading(&format!("{}{}", l("sensitivity"), unit));
    let mut columns = vec![Column::left("IRR").grow()];
    for h in &a.sensitivity.haircuts {
        columns.push(Column::right(format!("{} {:.0}%", l("haircut"), h * 100.0)).grow());
    }
    let rows: Vec<Vec<String>> = a
        .sensitivity
        .rates
        .iter()
        .zip(&a.sensitivity.bids)
        .map(|(r, bids)| std::iter::once(percent(*r)).chain(bids.iter().map(|b| wan(*b))).collect())
        .collect();
    p.table(&columns, &rows);

    p.heading(&format!("{}{}", l("stress"), unit));
    let rows: Vec<Vec<String>> = a
        .stresses
        .iter()
        .map(|s| {
            vec![
                stress_label(&s.code, lang).to_string(),
                wan(s.bid),
                format!("{:+.1}%", (s.bid / a.bid.max(1e-9) - 1.0) * 100.0),
            ]
        })
        .collect();
    p.table_styled(
        TableStyle { size: 8.5, full_width: false },
        &[Column::left(""), Column::right(l("bid")), Column::right(lang.pick("变动", "Change"))],
        &rows,
    );

    if let Some(mc) = &a.monte_carlo {
        let d = &mc.distribution;
        p.heading(&format!("{} · {} {} · {} {}", l("monte_carlo"), l("scenarios"), mc.scenarios, l("seed"), mc.seed));
        let rows = vec![
            vec![l("mean").to_string(), money(d.mean, lang)],
            vec!["P5".to_string(), money(d.p5, lang)],
            vec!["P50".to_string(), money(d.p50, lang)],
            vec!["P95".to_string(), money(d.p95, lang)],
            vec![format!("{} (α = {:.0}%)", l("confidence_bid"), d.confidence * 100.0), money(d.confidence_bid, lang)],
            vec![l("hurdle_probability").to_string(), percent(d.probability_of_hurdle)],
        ];
        p.table_styled(TableStyle { size: 8.5, full_width: false }, &[Column::left(""), Column::right("")], &rows);
        distribution_chart(&mut p, mc, a.bid, lang);
    }

    if !a.segments.is_empty() {
        p.heading(&format!("{}{}", l("segments"), unit));
        let rows: Vec<Vec<String>> = a
            .segments
            .iter()
            .map(|s| {
                vec![
                    s.label(lang == Lang::Zh),
                    s.claims.to_string(),
                    wan(s.amount),
                    (if s.estimated { l("estimated_curve") } else { l("default_curve") }).to_string(),
                    wan(s.pv),
                ]
            })
            .collect();
        p.table(
            &[
                Column::left(l("segment")),
                Column::right(l("claims")),
                Column::right(l("amount")),
                Column::left(l("estimated")),
                Column::right(l("pv")),
            ],
            &rows,
        );
    }

    let mut top: Vec<&ClaimLine> = claims.iter().collect();
    top.sort_by(|x, y| y.result.pv.total_cmp(&x.result.pv));
    top.truncate(CLAIMS_LISTED);
    if !top.is_empty() {
        p.heading(&format!("{}{}", lang.pick("现值最高的债权", "Claims carrying the most value"), unit));
        let rows: Vec<Vec<String>> = top
            .iter()
            .map(|c| {
                vec![
                    c.contract_no.clone(),
                    c.debtor.clone(),
                    c.stage.clone(),
                    wan(c.result.amount),
                    wan(c.result.collateral + c.result.guarantors + c.result.unsecured),
                    wan(c.result.pv),
                    wan(c.result.allocation),
                ]
            })
            .collect();
        p.table(
            &[
                Column::left(l("contract")),
                Column::left(l("debtor_name")).grow(),
                Column::left(l("stage")),
                Column::right(l("amount")),
                Column::right(lang.pick("回收", "Recovered")),
                Column::right(l("pv")),
                Column::right(l("allocation")),
            ],
            &rows,
        );
        let more = claims.len() - top.len();
        if more > 0 {
            p.paragraph(
                8.5,
                &match lang {
                    Lang::Zh => format!(
                        "以上为现值最高的 {} 笔，另有 {more} 笔债权未列出，见本次估值的工作簿（.xlsx）。",
                        top.len()
                    ),
                    Lang::En => format!(
                        "The {} claims of highest present value are shown, and {more} more claims are in the workbook (.xlsx) of this valuation.",
                        top.len()
                    ),
                },
            );
        }
    }

    p.heading(l("assumptions"));
    p.paragraph(
        8.0,
        &format!("{} v{} · SHA-256 {}", info.assumption_set, info.assumption_version, info.assumption_sha256),
    );
    let rows: Vec<Vec<String>> = catalogue()
        .iter()
        .map(|param| {
            let value = match huajie_value::params::get(set, &param.path) {
                Some(serde_json::Value::Bool(b)) => (if b { l("yes") } else { l("no") }).to_string(),
                Some(v) => match (v.as_f64(), param.unit) {
                    (Some(x), Unit::Share) => format!("{:.2}%", x * 100.0),
                    (Some(x), _) => format!("{x}"),
                    (None, _) => v.to_string(),
                },
                None => String::new(),
            };
            let name = if lang == Lang::Zh { param.zh.clone() } else { param.en.clone() };
            vec![name, value, lang.pick(param.confidence.zh(), param.confidence.en()).to_string()]
        })
        .collect();
    p.table(&[Column::left(l("parameter")).grow(), Column::right(l("value")), Column::left(l("confidence"))], &rows);
    crate::signoff::pdf_ended(p, &info.signoff, lang)
}

/// The break-even prices across the scenarios as a histogram of 20 bins over a range that takes
/// in the bid, with P5, P50, P95 and the bid marked by vertical lines labelled above the plot
/// (staggered so that no two labels overlap), as the web page draws it.
fn distribution_chart(p: &mut Layout, mc: &huajie_value::appraisal::MonteCarloResult, bid: f64, lang: Lang) {
    const BINS: usize = 20;
    let (lo, hi) = mc.present_values.iter().fold((bid, bid), |(a, b), x| (a.min(*x), b.max(*x)));
    if hi <= lo {
        return;
    }
    let mut counts = [0u32; BINS];
    for x in &mc.present_values {
        counts[(((x - lo) / (hi - lo)) * BINS as f64).min(BINS as f64 - 1.0) as usize] += 1;
    }
    let tallest = counts.iter().copied().max().unwrap_or(1).max(1);
    let (h, label_rows, size) = (90.0, 2.0 * 9.0, 7.5);
    let width = PAGE_WIDTH - 2.0 * MARGIN;
    p.need(label_rows + h + 24.0);
    let top = p.y + label_rows;
    let slot = width / BINS as f32;
    for (i, c) in counts.iter().enumerate() {
        let bh = h * *c as f32 / tallest as f32;
        p.rect(MARGIN + slot * i as f32 + 1.0, top + h - bh, slot - 2.0, bh, palette::S1);
    }
    p.line(MARGIN, top + h, PAGE_WIDTH - MARGIN, top + h);
    let d = &mc.distribution;
    let mut marks =
        [("P5", d.p5, palette::MARK), ("P50", d.p50, palette::MARK), ("P95", d.p95, palette::MARK)].to_vec();
    marks.push((lang.pick("出价", "Bid"), bid, palette::LIMIT));
    marks.sort_by(|a, b| a.1.total_cmp(&b.1));
    let mut row_ends: Vec<f32> = Vec::new();
    for (label, v, color) in marks {
        let x = MARGIN + ((v - lo) / (hi - lo)) as f32 * width;
        let stroke = if color == palette::LIMIT { 1.8 } else { 0.8 };
        p.rect(x - stroke / 2.0, top, stroke, h, color);
        let w = p.fonts.width(label, size, false) + 4.0;
        let left = (x - w / 2.0).clamp(MARGIN, PAGE_WIDTH - MARGIN - w);
        let row = row_ends.iter().position(|end| *end <= left).unwrap_or(row_ends.len()).min(1);
        row_ends.resize(row_ends.len().max(row + 1), 0.0);
        row_ends[row] = left + w;
        p.y = top - 9.0 * (row as f32 + 1.0);
        p.note(left, size, label, Align::Left);
    }
    p.y = top + h + 4.0;
    p.note(MARGIN, size, &money(lo, lang), Align::Left);
    p.note(PAGE_WIDTH - MARGIN, size, &money(hi, lang), Align::Right);
    p.y += 14.0;
}
