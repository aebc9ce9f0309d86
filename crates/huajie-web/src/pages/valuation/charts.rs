//! A valuation run's charts: net cash by quarter, cumulative recovery, and the break-even
//! price across the Monte Carlo scenarios with its P5, P50, P95 and the bid marked.

use huajie_core::Lang;
use huajie_value::appraisal::{Appraisal, MonteCarloResult};

use crate::chart::{Columns, LineChart, Scale, Series};
use crate::i18n::tr;

/// Bins of the break-even price histogram.
const BINS: usize = 20;

/// The quarters worth drawing: through the last with any cash, and at least four.
pub(super) fn quarters_drawn(a: &Appraisal) -> usize {
    a.quarterly.iter().rposition(|x| x.abs() >= 0.005).map_or(1, |i| i + 1).max(4)
}

pub(super) fn cash(a: &Appraisal, lang: Lang) -> Columns {
    let money = Scale::Money(lang);
    let items: Vec<(String, f64, String)> = a
        .quarterly
        .iter()
        .take(quarters_drawn(a))
        .enumerate()
        .map(|(i, x)| (format!("Q{}", i + 1), *x, format!("Q{}: {}", i + 1, money.exact(*x))))
        .collect();
    Columns::new("chart-cash", tr(lang, "valuation.cash_chart"), &items, money)
}

pub(super) fn cumulative(a: &Appraisal, lang: Lang) -> LineChart {
    let mut labels = vec!["0".to_string()];
    let mut values = vec![Some(0.0)];
    let mut running = 0.0;
    for (i, x) in a.quarterly.iter().take(quarters_drawn(a)).enumerate() {
        running += x.max(0.0);
        labels.push(format!("Q{}", i + 1));
        values.push(Some(if a.claim_amount > 0.0 { running / a.claim_amount } else { 0.0 }));
    }
    let series = vec![Series::data("curve s1", tr(lang, "chart.recovered"), values)];
    LineChart::new("chart-cumulative", tr(lang, "valuation.cumulative_chart"), &labels, Scale::Percent, series)
}

/// The histogram of break-even prices, over a range that takes in the bid too.
pub(super) fn distribution(mc: &MonteCarloResult, bid: f64, lang: Lang) -> Columns {
    let d = &mc.distribution;
    let money = Scale::Money(lang);
    let (lo, hi) = mc.present_values.iter().fold((bid, bid), |(x, y), v| (x.min(*v), y.max(*v)));
    let mut counts = vec![0u32; BINS];
    if hi > lo {
        for v in &mc.present_values {
            counts[(((v - lo) / (hi - lo)) * BINS as f64).min(BINS as f64 - 1.0) as usize] += 1;
        }
    }
    let mark = |class, label: &str, v: f64| (class, label.to_string(), v, format!("{label}: {}", money.exact(v)));
    let marks = [
        mark("mark", "P5", d.p5),
        mark("mark", "P50", d.p50),
        mark("mark", "P95", d.p95),
        mark("mark bid", tr(lang, "chart.bid"), bid),
    ];
    Columns::histogram(
        "chart-distribution",
        tr(lang, "valuation.distribution_chart"),
        (lo, hi),
        &counts,
        (money, Scale::Count(tr(lang, "chart.scenarios"))),
        |from, to, c| format!("{} – {}: {c}", money.exact(from), money.exact(to)),
        &marks,
    )
}
