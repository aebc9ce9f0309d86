//! The indicators' trend charts on the compliance page.

use huajie_core::Lang;
use huajie_rules::RuleId;
use huajie_rules::indicators::latest_quarter_end;

use super::{TrendRow, TrendSeries};
use crate::chart::{LineChart, Scale, Series};
use crate::i18n::tr;

/// Each indicator's history against its limit; for one in breach inside the transition, the
/// glide path from its last quarter-end back inside the limit by the end of the transition
/// (rules.md A14), quarter by quarter.
pub(super) fn charts(
    series: &[TrendSeries],
    trend: &[TrendRow],
    p: &huajie_rules::RuleParameters,
    lang: Lang,
) -> Vec<LineChart> {
    series
        .iter()
        .zip(trend)
        .map(|((id, limit, points, last), (title, _))| {
            let glide =
                last.as_ref().and_then(|i| Some((i, huajie_rules::indicators::glide_path(i, None, p.transition_end)?)));
            let ahead = glide.as_ref().map_or(0, |(_, g)| g.quarters_left as usize);
            let mut labels: Vec<String> = points.iter().map(|(l, _)| l.clone()).collect();
            let mut q = last.as_ref().map(|i| i.as_of);
            for _ in 0..ahead {
                let next = latest_quarter_end(q.expect("a glide path has its quarter") + chrono::Duration::days(92));
                labels.push(next.format("%y-%m").to_string());
                q = Some(next);
            }
            let mut history: Vec<Option<f64>> = points.iter().map(|(_, v)| *v).collect();
            history.resize(labels.len(), None);
            let mut lines = vec![
                Series::data("curve s1", tr(lang, "compliance.chart_actual"), history),
                Series::reference("ref s-limit", tr(lang, "compliance.chart_limit"), vec![Some(*limit); labels.len()]),
            ];
            if let Some((i, g)) = glide {
                let from = i.ratio().unwrap_or(0.0);
                let towards = if i.upper { -g.needed_per_quarter } else { g.needed_per_quarter };
                let mut path = vec![None; points.len() - 1];
                path.extend((0..=ahead).map(|k| Some(from + towards * k as f64)));
                lines.push(Series::reference("ref s-glide", tr(lang, "compliance.chart_glide"), path));
            }
            let scale = if *id == RuleId::Q1 { Scale::Multiple } else { Scale::Percent };
            LineChart::new(&format!("trend-{}", format!("{id:?}").to_lowercase()), title, &labels, scale, lines)
        })
        .collect()
}
