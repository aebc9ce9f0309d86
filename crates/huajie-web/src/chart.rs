//! Charts laid out here and drawn as inline SVG by the templates (`chart.html`,
//! `columns.html`, `curve.html`): no script, so they print and work without JavaScript.

/// Geometry of the drawing, in SVG user units.
const ROW_HEIGHT: u32 = 30;
const LABEL_WIDTH: u32 = 170;
const BAR_WIDTH_MAX: u32 = 300;
const TOP_PADDING: u32 = 6;

pub struct BarChart {
    pub id: String,
    pub title: String,
    pub rows: Vec<BarRow>,
    pub height: u32,
}

pub struct BarRow {
    pub label: String,
    pub value: String,
    pub y: u32,
    pub text_y: u32,
    pub width: u32,
    pub value_x: u32,
    pub bar_x: u32,
}

impl BarChart {
    /// `items`: label, amount used for the bar length, text shown beside the bar.
    pub fn new(id: &str, title: &str, items: Vec<(String, i64, String)>) -> BarChart {
        let max = items.iter().map(|(_, v, _)| *v).max().unwrap_or(0).max(1);
        let rows: Vec<BarRow> = items
            .into_iter()
            .enumerate()
            .map(|(i, (label, v, value))| {
                let y = TOP_PADDING + i as u32 * ROW_HEIGHT;
                let width = ((v.max(0) as f64 / max as f64) * f64::from(BAR_WIDTH_MAX)).round() as u32;
                let width = width.max(2);
                BarRow { label, value, y, text_y: y + 15, width, value_x: LABEL_WIDTH + width + 8, bar_x: LABEL_WIDTH }
            })
            .collect();
        let height = TOP_PADDING * 2 + rows.len() as u32 * ROW_HEIGHT;
        BarChart { id: id.into(), title: title.into(), rows, height }
    }
}

/// Width of the column and curve charts, SVG user units.
const PLOT_WIDTH: f64 = 640.0;
const PLOT_LEFT: f64 = 56.0;
const PLOT_HEIGHT: f64 = 180.0;
const PLOT_TOP: f64 = 10.0;

/// A label on an axis.
pub struct Tick {
    pub x: f64,
    pub y: f64,
    pub label: String,
}

pub struct Column {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    pub negative: bool,
    /// Shown on hover (the SVG `title`).
    pub tip: String,
}

/// Vertical columns above and below a zero line: quarterly cash, a distribution.
pub struct Columns {
    pub id: String,
    pub title: String,
    pub height: f64,
    pub zero_y: f64,
    pub bars: Vec<Column>,
    pub x_ticks: Vec<Tick>,
    pub y_ticks: Vec<Tick>,
}

impl Columns {
    /// `items`: axis label, value, hover text. `format` writes an axis value.
    pub fn new(id: &str, title: &str, items: &[(String, f64, String)], format: impl Fn(f64) -> String) -> Columns {
        let max = items.iter().map(|i| i.1).fold(0.0, f64::max);
        let min = items.iter().map(|i| i.1).fold(0.0, f64::min);
        let span = if max - min > 0.0 { max - min } else { 1.0 };
        let zero_y = PLOT_TOP + PLOT_HEIGHT * max / span;
        let slot = (PLOT_WIDTH - PLOT_LEFT) / items.len().max(1) as f64;
        let bars = items
            .iter()
            .enumerate()
            .map(|(i, (_, v, tip))| {
                let h = PLOT_HEIGHT * v.abs() / span;
                let x = PLOT_LEFT + slot * i as f64 + slot * 0.15;
                Column {
                    x,
                    y: if *v >= 0.0 { zero_y - h } else { zero_y },
                    w: slot * 0.7,
                    h: h.max(0.5),
                    negative: *v < 0.0,
                    tip: tip.clone(),
                }
            })
            .collect();
        let every = (items.len() / 10).max(1);
        let x_ticks = items
            .iter()
            .enumerate()
            .filter(|(i, _)| i % every == 0)
            .map(|(i, (label, _, _))| Tick {
                x: PLOT_LEFT + slot * (i as f64 + 0.5),
                y: PLOT_TOP + PLOT_HEIGHT + 14.0,
                label: label.clone(),
            })
            .collect();
        let mut y_ticks = vec![Tick { x: PLOT_LEFT - 4.0, y: PLOT_TOP + 4.0, label: format(max) }];
        if min < 0.0 {
            y_ticks.push(Tick { x: PLOT_LEFT - 4.0, y: PLOT_TOP + PLOT_HEIGHT, label: format(min) });
        }
        y_ticks.push(Tick { x: PLOT_LEFT - 4.0, y: zero_y + 4.0, label: "0".into() });
        Columns {
            id: id.into(),
            title: title.into(),
            height: PLOT_TOP + PLOT_HEIGHT + 22.0,
            zero_y,
            bars,
            x_ticks,
            y_ticks,
        }
    }

    pub fn left(&self) -> f64 {
        PLOT_LEFT
    }

    pub fn right(&self) -> f64 {
        PLOT_WIDTH
    }
}

/// A rising line: cumulative recovery by quarter.
pub struct Curve {
    pub id: String,
    pub title: String,
    pub height: f64,
    /// SVG polyline points.
    pub points: String,
    pub x_ticks: Vec<Tick>,
    pub y_ticks: Vec<Tick>,
    pub bottom: f64,
    /// The height of a limit's dashed line, when the curve has one.
    pub limit_y: Option<f64>,
    /// A second line on the same scale (actual against projected), when drawn.
    pub second: Option<String>,
}

impl Curve {
    pub fn new(id: &str, title: &str, items: &[(String, f64)], format: impl Fn(f64) -> String) -> Curve {
        Curve::with_limit(id, title, items, None, format)
    }

    /// A curve drawn against a limit (a dashed line; the scale takes it in).
    pub fn with_limit(
        id: &str,
        title: &str,
        items: &[(String, f64)],
        limit: Option<f64>,
        format: impl Fn(f64) -> String,
    ) -> Curve {
        Curve::scaled(id, title, items, &[], limit, format)
    }

    /// Two lines on one scale: `items` (label, first, second) — the first drawn as `new` draws
    /// it, the second as `second`.
    pub fn pair(id: &str, title: &str, items: &[(String, f64, f64)], format: impl Fn(f64) -> String) -> Curve {
        let first: Vec<(String, f64)> = items.iter().map(|(l, a, _)| (l.clone(), *a)).collect();
        let second: Vec<f64> = items.iter().map(|i| i.2).collect();
        Curve::scaled(id, title, &first, &second, None, format)
    }

    fn scaled(
        id: &str,
        title: &str,
        items: &[(String, f64)],
        second: &[f64],
        limit: Option<f64>,
        format: impl Fn(f64) -> String,
    ) -> Curve {
        let values = || items.iter().map(|i| i.1).chain(second.iter().copied());
        let max = values().chain(limit).fold(0.0, f64::max);
        let min = values().fold(0.0, f64::min);
        let span = if max - min > 0.0 { max - min } else { 1.0 };
        let step = (PLOT_WIDTH - PLOT_LEFT) / (items.len().max(2) - 1) as f64;
        let y = |v: f64| PLOT_TOP + PLOT_HEIGHT * (max - v) / span;
        let line = |vs: &mut dyn Iterator<Item = f64>| {
            vs.enumerate()
                .map(|(i, v)| format!("{:.1},{:.1}", PLOT_LEFT + step * i as f64, y(v)))
                .collect::<Vec<_>>()
                .join(" ")
        };
        let points = line(&mut items.iter().map(|i| i.1));
        let second = (!second.is_empty()).then(|| line(&mut second.iter().copied()));
        let every = (items.len() / 10).max(1);
        let x_ticks = items
            .iter()
            .enumerate()
            .filter(|(i, _)| i % every == 0)
            .map(|(i, (label, _))| Tick {
                x: PLOT_LEFT + step * i as f64,
                y: PLOT_TOP + PLOT_HEIGHT + 14.0,
                label: label.clone(),
            })
            .collect();
        let y_ticks = vec![
            Tick { x: PLOT_LEFT - 4.0, y: y(max) + 4.0, label: format(max) },
            Tick { x: PLOT_LEFT - 4.0, y: y(min), label: format(min) },
        ];
        let mut y_ticks = y_ticks;
        if let Some(l) = limit {
            y_ticks.push(Tick { x: PLOT_LEFT - 4.0, y: y(l) + 4.0, label: format(l) });
        }
        Curve {
            id: id.into(),
            title: title.into(),
            height: PLOT_TOP + PLOT_HEIGHT + 22.0,
            points,
            x_ticks,
            y_ticks,
            bottom: PLOT_TOP + PLOT_HEIGHT,
            limit_y: limit.map(y),
            second,
        }
    }

    pub fn left(&self) -> f64 {
        PLOT_LEFT
    }

    pub fn right(&self) -> f64 {
        PLOT_WIDTH
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_largest_bar_is_full_width_and_others_scale() {
        let c = BarChart::new(
            "c",
            "t",
            vec![("a".into(), 200, "200".into()), ("b".into(), 50, "50".into()), ("z".into(), 0, "0".into())],
        );
        assert_eq!(c.rows[0].width, BAR_WIDTH_MAX);
        assert_eq!(c.rows[1].width, BAR_WIDTH_MAX / 4);
        assert_eq!(c.rows[2].width, 2, "a zero still shows a sliver");
        assert_eq!(c.height, TOP_PADDING * 2 + 3 * ROW_HEIGHT);
    }

    #[test]
    fn a_pair_of_curves_shares_one_scale() {
        let items = vec![("0".to_string(), 0.0, 0.0), ("Q1".to_string(), 100.0, 50.0)];
        let c = Curve::pair("c", "t", &items, |v| format!("{v}"));
        let last_y =
            |points: &str| points.rsplit(' ').next().unwrap().split(',').nth(1).unwrap().parse::<f64>().unwrap();
        assert!((last_y(&c.points) - PLOT_TOP).abs() < 0.1, "the larger line reaches the top");
        let half = PLOT_TOP + PLOT_HEIGHT / 2.0;
        assert!((last_y(c.second.as_deref().unwrap()) - half).abs() < 0.1, "the other, half as high, halfway");
        assert!(Curve::new("d", "t", &[("a".into(), 1.0)], |v| format!("{v}")).second.is_none());
    }

    #[test]
    fn columns_stand_on_the_zero_line_and_hang_below_it() {
        let items = vec![("Q1".to_string(), -50.0, String::new()), ("Q2".to_string(), 150.0, String::new())];
        let c = Columns::new("c", "t", &items, |v| format!("{v}"));
        // The span is 200: zero sits three quarters down the plot.
        assert!((c.zero_y - (PLOT_TOP + PLOT_HEIGHT * 0.75)).abs() < 1e-9);
        assert!(c.bars[0].negative && (c.bars[0].y - c.zero_y).abs() < 1e-9);
        assert!((c.bars[1].y + c.bars[1].h - c.zero_y).abs() < 1e-9);
        assert!((c.bars[1].h - 3.0 * c.bars[0].h).abs() < 1e-9);
    }
}
