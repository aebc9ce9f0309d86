//! Columns above and below a zero line (quarterly cash), and histograms with marks (the
//! distribution of a package's value, its P5, P50, P95 and the bid).

use super::{AXIS_FONT, Axes, LEFT, RIGHT, Scale, TOP, Tick, nice, number, r1, text_width};

#[derive(Debug, Clone)]
pub struct Column {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    pub negative: bool,
    /// Shown on hover (the SVG `title`).
    pub tip: String,
}

/// A vertical line across the plot at a value, labelled above it.
#[derive(Debug, Clone)]
pub struct Mark {
    pub class: &'static str,
    pub x: f64,
    pub label: String,
    pub label_x: f64,
    pub label_y: f64,
    pub tip: String,
}

pub struct Columns {
    pub id: String,
    pub title: String,
    pub axes: Axes,
    pub zero_y: f64,
    pub bars: Vec<Column>,
    pub marks: Vec<Mark>,
}

impl Columns {
    /// One column per item: its x-axis label, its value (read in `scale`) and its hover text.
    pub fn new(id: &str, title: &str, items: &[(String, f64, String)], scale: Scale) -> Columns {
        let mut axes = Axes::new(items.iter().map(|i| i.1), scale);
        let slot = (RIGHT - LEFT) / items.len().max(1) as f64;
        let xs: Vec<f64> = (0..items.len()).map(|i| LEFT + slot * (i as f64 + 0.5)).collect();
        let labels: Vec<String> = items.iter().map(|i| i.0.clone()).collect();
        axes.label_categories(&labels, &xs);
        let bars = items.iter().zip(&xs).map(|((_, v, tip), x)| column(&axes, *x, slot * 0.7, *v, tip)).collect();
        Columns { id: id.into(), title: title.into(), zero_y: axes.y(0.0), axes, bars, marks: Vec::new() }
    }

    /// A histogram: `counts[i]` values fell in the i-th of equal bins over `lo..hi`; the x axis
    /// is a number line in `x_scale`, the y axis counts in `count`. `marks` (style, label,
    /// value, hover) are drawn as vertical lines, their labels staggered so none overlap.
    pub fn histogram(
        id: &str,
        title: &str,
        (lo, hi): (f64, f64),
        counts: &[u32],
        (x_scale, count): (Scale, Scale),
        tip: impl Fn(f64, f64, u32) -> String,
        marks: &[(&'static str, String, f64, String)],
    ) -> Columns {
        let mut axes = Axes::new(counts.iter().map(|c| f64::from(*c)), count);
        let span = if hi > lo { hi - lo } else { 1.0 };
        let x_of = |v: f64| LEFT + (v - lo) / span * (RIGHT - LEFT);
        let width = (hi - lo) / counts.len().max(1) as f64;
        let slot = (RIGHT - LEFT) / counts.len().max(1) as f64;
        let bars = counts
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let from = lo + width * i as f64;
                column(&axes, x_of(from) + slot / 2.0, slot * 0.92, f64::from(*c), &tip(from, from + width, *c))
            })
            .collect();
        let (divisor, unit) = x_scale.unit(lo.abs().max(hi.abs()));
        let (first, last, step) = nice(lo / divisor, hi / divisor, 6);
        let decimals = super::decimals_of(step);
        let count_of_ticks = ((last - first) / step).round() as usize;
        axes.x_ticks = (0..=count_of_ticks)
            .map(|i| first + step * i as f64)
            .filter(|v| *v * divisor >= lo - 1e-9 && *v * divisor <= hi + 1e-9)
            .map(|v| {
                let x = r1(x_of(v * divisor));
                Tick { x, y: axes.bottom + 16.0, at: x, label: number(v, decimals) }
            })
            .collect();
        axes.x_unit = unit.to_string();
        let marks = place_marks(marks.iter().map(|(class, label, v, tip)| (*class, label, x_of(*v), tip)));
        Columns { id: id.into(), title: title.into(), zero_y: axes.y(0.0), axes, bars, marks }
    }
}

fn column(axes: &Axes, centre: f64, w: f64, v: f64, tip: &str) -> Column {
    let (zero, top) = (axes.y(0.0), axes.y(v));
    Column {
        x: r1(centre - w / 2.0),
        y: zero.min(top),
        w: r1(w),
        h: r1((zero - top).abs().max(0.5)),
        negative: v < 0.0,
        tip: tip.to_string(),
    }
}

/// Marks in order along the axis, each label on the highest row where it clears the labels
/// already placed, and kept inside the plot.
fn place_marks<'a>(marks: impl Iterator<Item = (&'static str, &'a String, f64, &'a String)>) -> Vec<Mark> {
    let mut marks: Vec<_> = marks.collect();
    marks.sort_by(|a, b| a.2.total_cmp(&b.2));
    let mut rows: Vec<f64> = Vec::new();
    marks
        .into_iter()
        .map(|(class, label, x, tip)| {
            let w = text_width(label, AXIS_FONT) + 6.0;
            let label_x = x.clamp(LEFT + w / 2.0, RIGHT - w / 2.0);
            let row = rows.iter().position(|end| *end <= label_x - w / 2.0).unwrap_or(rows.len());
            if row == rows.len() {
                rows.push(0.0);
            }
            rows[row] = label_x + w / 2.0;
            Mark {
                class,
                x: r1(x),
                label: label.clone(),
                label_x: r1(label_x),
                label_y: TOP - 4.0 - 13.0 * row as f64,
                tip: tip.clone(),
            }
        })
        .collect()
}
