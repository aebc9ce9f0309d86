//! The valuation report as a PDF in Chinese (or English): the run, the results, the
//! quarterly cash-flow chart, sensitivity and stress, the Monte Carlo distribution, the
//! segments, the claims that carry most of the value, and every parameter with its
//! source and confidence.

use huajie_core::{Lang, Money};
use huajie_value::Appraisal;
use huajie_value::params::{Unit, catalogue};

use crate::pdf::{Align, Fonts, Layout, MARGIN, PAGE_WIDTH, PdfError};
use crate::valuation::{ClaimLine, RunInfo, label, money, percent, stress_label};

/// Claims listed in the PDF (the workbook has them all).
const CLAIMS_LISTED: usize = 30;

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
    let l = |k| label(k, lang);
    let unit = lang.pick("（万元）", " (10k yuan)");
    let footer = format!("{} · {} {} · {}", info.company, info.package_code, info.package_name, a.model_version);
    let mut p = Layout::new(&fonts, footer);
    let right = PAGE_WIDTH - MARGIN;

    p.text(MARGIN, 18.0, true, l("title"), Align::Left);
    p.y += 26.0;
    p.text(MARGIN, 12.0, false, &format!("{} {}", info.package_code, info.package_name), Align::Left);
    p.y += 22.0;
    let info_rows = [
        (l("company"), info.company.clone()),
        (l("run"), info.run_id.map_or_else(|| "—".to_string(), |id| format!("#{id}"))),
        (l("assumptions"), format!("{} v{}", info.assumption_set, info.assumption_version)),
        (l("tape_version"), info.tape_version.map_or_else(|| "—".to_string(), |v| v.to_string())),
        (l("valuation_date"), a.valuation_date.to_string()),
        (l("valued_by"), format!("{} {}", info.created_by, info.created_at)),
        (l("input_hash"), a.input_hash[..16.min(a.input_hash.len())].to_string()),
    ];
    for (k, v) in &info_rows {
        p.text(MARGIN, 9.0, true, k, Align::Left);
        p.text(MARGIN + 120.0, 9.0, false, v, Align::Left);
        p.y += 13.0;
    }

    p.heading(lang.pick("结果", "Results"));
    let m = &a.metrics;
    let by_segment = a.claims.iter().filter(|c| c.method == huajie_value::appraisal::Method::Segment).count();
    let results = [
        (
            l("claims"),
            format!(
                "{} （{} {}，{} {}）",
                a.claims.len(),
                a.claims.len() - by_segment,
                l("by_claim"),
                by_segment,
                l("by_segment")
            ),
        ),
        (l("claim_amount"), money(a.claim_amount, lang)),
        (l("principal"), money(a.principal, lang)),
        (l("target_irr"), percent(a.options.target_irr)),
        (l("bid"), money(a.bid, lang)),
        (l("price"), money(m.price, lang)),
        (l("price_of_claim"), percent(m.price_of_claim)),
        (l("price_of_principal"), percent(m.price_of_principal)),
        (l("irr"), m.irr.map_or_else(|| l("none").to_string(), percent)),
        (l("moic"), format!("{:.3}", m.moic)),
        (l("recovery_ratio"), percent(m.recovery_ratio)),
        (l("payback"), m.payback_quarter.map_or_else(|| l("none").to_string(), |q| q.to_string())),
        (l("wal"), format!("{:.2}", m.wal_years)),
    ];
    for (k, v) in &results {
        p.need(13.0);
        p.text(MARGIN, 9.5, false, k, Align::Left);
        p.text(MARGIN + 300.0, 9.5, true, v, Align::Right);
        p.y += 14.0;
    }
    if a.retail_outside_anchor == Some(true) {
        p.text(MARGIN, 9.5, true, &format!("⚠ {}", l("anchor_flag")), Align::Left);
        p.y += 14.0;
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
    p.table(
        &[(MARGIN, Align::Left), (MARGIN + 300.0, Align::Right)],
        &[String::new(), unit.trim().to_string()],
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
            p.rect(bx, zero - h, slot * 0.7, h, (46, 110, 170));
        } else {
            p.rect(bx, zero, slot * 0.7, h, (200, 80, 60));
        }
    }
    p.line(MARGIN, zero, MARGIN + width, zero);
    p.y = top + chart_height + 4.0;
    for i in (0..last).step_by((last / 10).max(1)) {
        p.note(MARGIN + slot * i as f32 + slot * 0.2, 7.0, &format!("Q{}", i + 1));
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
    );
    p.y += 14.0;

    p.heading(&format!("{}{}", l("sensitivity"), unit));
    let mut columns = vec![(MARGIN, Align::Left)];
    let mut header = vec!["IRR".to_string()];
    for (j, h) in a.sensitivity.haircuts.iter().enumerate() {
        columns.push((MARGIN + 150.0 + 90.0 * j as f32, Align::Right));
        header.push(format!("{} {:.0}%", l("haircut"), h * 100.0));
    }
    let rows: Vec<Vec<String>> = a
        .sensitivity
        .rates
        .iter()
        .zip(&a.sensitivity.bids)
        .map(|(r, bids)| std::iter::once(percent(*r)).chain(bids.iter().map(|b| wan(*b))).collect())
        .collect();
    p.table(&columns, &header, &rows);

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
    p.table(
        &[(MARGIN, Align::Left), (MARGIN + 300.0, Align::Right), (MARGIN + 380.0, Align::Right)],
        &[String::new(), l("bid").to_string(), String::new()],
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
        p.table(&[(MARGIN, Align::Left), (MARGIN + 300.0, Align::Right)], &[String::new(), String::new()], &rows);
        // Histogram of the break-even prices, 20 bins.
        let (lo, hi) = mc.present_values.iter().fold((f64::MAX, f64::MIN), |(a, b), x| (a.min(*x), b.max(*x)));
        if hi > lo {
            let bins = 20usize;
            let mut counts = vec![0u32; bins];
            for x in &mc.present_values {
                counts[(((x - lo) / (hi - lo)) * bins as f64).min(bins as f64 - 1.0) as usize] += 1;
            }
            let tallest = counts.iter().copied().max().unwrap_or(1).max(1);
            let h = 90.0;
            p.need(h + 24.0);
            let top = p.y;
            let slot = (PAGE_WIDTH - 2.0 * MARGIN) / bins as f32;
            for (i, c) in counts.iter().enumerate() {
                let bh = h * *c as f32 / tallest as f32;
                p.rect(MARGIN + slot * i as f32 + 1.0, top + h - bh, slot - 2.0, bh, (120, 150, 190));
            }
            p.line(MARGIN, top + h, PAGE_WIDTH - MARGIN, top + h);
            p.y = top + h + 4.0;
            p.note(MARGIN, 7.5, &money(lo, lang));
            p.note(right - 60.0, 7.5, &money(hi, lang));
            p.y += 14.0;
        }
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
                (MARGIN, Align::Left),
                (MARGIN + 260.0, Align::Right),
                (MARGIN + 340.0, Align::Right),
                (MARGIN + 350.0, Align::Left),
                (right, Align::Right),
            ],
            &[l("segment").into(), l("claims").into(), l("amount").into(), l("estimated").into(), l("pv").into()],
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
                    p.fonts.fit(&c.debtor, 8.5, 104.0),
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
                (MARGIN, Align::Left),
                (MARGIN + 105.0, Align::Left),
                (MARGIN + 215.0, Align::Left),
                (MARGIN + 330.0, Align::Right),
                (MARGIN + 390.0, Align::Right),
                (MARGIN + 445.0, Align::Right),
                (right, Align::Right),
            ],
            &[
                l("contract").into(),
                l("debtor_name").into(),
                l("stage").into(),
                l("amount").into(),
                lang.pick("回收", "Recovered").into(),
                l("pv").into(),
                l("allocation").into(),
            ],
            &rows,
        );
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
            vec![
                name.chars().take(34).collect(),
                value,
                lang.pick(param.confidence.zh(), param.confidence.en()).to_string(),
            ]
        })
        .collect();
    p.table(
        &[(MARGIN, Align::Left), (MARGIN + 330.0, Align::Right), (MARGIN + 350.0, Align::Left)],
        &[l("parameter").into(), l("value").into(), l("confidence").into()],
        &rows,
    );
    p.finish()
}
