//! Charts laid out here and drawn as inline SVG by the templates: `chart.html` (horizontal
//! bars), `columns.html` (columns and histograms), `curve.html` (lines), with `axes.html`, the
//! frame they share.
//!
//! Why server-side SVG rather than a charting library in the browser: the pages carry no
//! script (they work without JavaScript, under the strict content-security policy, offline and
//! in print); the numbers drawn are the numbers the server computed, so a test reads them from
//! the HTML; and nothing is downloaded or vendored. What a library would add is had cheaply
//! here: hover values are SVG `<title>`s, the axes carry their unit (元/万元/亿元, %, ×) on
//! rounded ticks with gridlines, and one palette of CSS variables (`--s1`, `--s2`, `--limit`,
//! `--glide`, `--mark`) colours every chart the same way (app.css).
//!
//! Everything is laid out in SVG user units on a drawing `WIDTH` wide, which the page scales
//! to its box; text is measured by `text_width` so that nothing is clipped.

mod bars;
mod columns;
mod lines;

pub use bars::BarChart;
pub use columns::Columns;
pub use lines::{LineChart, Series};

use huajie_core::Lang;

/// The drawing's width in SVG user units.
pub const WIDTH: f64 = 640.0;
const LEFT: f64 = 70.0;
const RIGHT: f64 = 624.0;
/// Room above the plot for the y axis's unit and the marks' labels.
const TOP: f64 = 34.0;
const PLOT_HEIGHT: f64 = 190.0;
/// Font sizes in user units, as app.css draws them (for measuring text).
const AXIS_FONT: f64 = 13.0;
const LABEL_FONT: f64 = 14.0;

/// What a chart's values are, which says how its axis reads.
#[derive(Debug, Clone, Copy)]
pub enum Scale {
    /// Yuan, shown in 元, 万元 or 亿元 (English: CNY, CNY m, CNY bn) by the size of the largest.
    Money(Lang),
    /// A ratio, shown as a percentage (0.3 → 30%).
    Percent,
    /// A multiple (3.0×).
    Multiple,
    /// A count, with its unit's name.
    Count(&'static str),
}

impl Scale {
    /// The divisor and unit name for values up to `largest` (absolute).
    fn unit(self, largest: f64) -> (f64, &'static str) {
        match self {
            Scale::Money(Lang::Zh) if largest >= 1e8 => (1e8, "亿元"),
            Scale::Money(Lang::Zh) if largest >= 1e4 => (1e4, "万元"),
            Scale::Money(Lang::Zh) => (1.0, "元"),
            Scale::Money(Lang::En) if largest >= 1e9 => (1e9, "CNY bn"),
            Scale::Money(Lang::En) if largest >= 1e6 => (1e6, "CNY m"),
            Scale::Money(Lang::En) => (1.0, "CNY"),
            Scale::Percent => (0.01, "%"),
            Scale::Multiple => (1.0, "×"),
            Scale::Count(unit) => (1.0, unit),
        }
    }

    /// `v` for a hover: the full amount, or the ratio to two decimals.
    pub fn exact(self, v: f64) -> String {
        match self {
            Scale::Money(lang) => huajie_core::Money::from_fen(huajie_value::fen(v)).display(lang),
            Scale::Percent => format!("{:.2}%", v * 100.0),
            Scale::Multiple => format!("{v:.2}×"),
            Scale::Count(unit) => format!("{} {unit}", number(v, 0)),
        }
    }
}

/// A label on an axis at (`x`, `y`); `at` is where its gridline runs (y for the y axis).
#[derive(Debug, Clone)]
pub struct Tick {
    pub x: f64,
    pub y: f64,
    pub at: f64,
    pub label: String,
}

/// The frame column and line charts share: the plot's edges, the y axis's ticks (with
/// gridlines) and unit, the x axis's labels, and the x axis's unit when it is a number line.
#[derive(Debug, Clone)]
pub struct Axes {
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub bottom: f64,
    pub height: f64,
    pub unit: String,
    pub y_ticks: Vec<Tick>,
    pub x_ticks: Vec<Tick>,
    pub x_unit: String,
    lo: f64,
    hi: f64,
}

impl Axes {
    /// A frame whose y axis covers `values` and zero, in `scale`, on rounded ticks.
    fn new(values: impl Iterator<Item = f64>, scale: Scale) -> Axes {
        let (lo, hi) = values.fold((0.0f64, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
        let (divisor, unit) = scale.unit(lo.abs().max(hi.abs()));
        let (lo, hi, step) = nice(lo / divisor, hi / divisor, 5);
        let bottom = TOP + PLOT_HEIGHT;
        let mut axes = Axes {
            left: LEFT,
            right: RIGHT,
            top: TOP,
            bottom,
            height: bottom + 34.0,
            unit: if matches!(scale, Scale::Percent | Scale::Multiple) { String::new() } else { unit.to_string() },
            y_ticks: Vec::new(),
            x_ticks: Vec::new(),
            x_unit: String::new(),
            lo: lo * divisor,
            hi: hi * divisor,
        };
        let decimals = decimals_of(step);
        let count = ((hi - lo) / step).round() as usize;
        axes.y_ticks = (0..=count)
            .map(|i| {
                let v = lo + step * i as f64;
                let at = axes.y(v * divisor);
                let text = number(v, decimals);
                let label = match scale {
                    Scale::Percent => format!("{text}%"),
                    Scale::Multiple => format!("{text}×"),
                    _ => text,
                };
                Tick { x: LEFT - 6.0, y: r1(at + 4.0), at: r1(at), label }
            })
            .collect();
        axes
    }

    /// The y position of the value `v`.
    pub fn y(&self, v: f64) -> f64 {
        r1(self.bottom - (v - self.lo) / (self.hi - self.lo) * (self.bottom - self.top))
    }

    /// Labels for categories centred at `xs`, thinned so that no two overlap.
    fn label_categories(&mut self, labels: &[String], xs: &[f64]) {
        let widest = labels.iter().map(|l| text_width(l, AXIS_FONT)).fold(0.0, f64::max) + 8.0;
        let gap = if xs.len() > 1 { xs[1] - xs[0] } else { WIDTH };
        let every = (widest / gap).ceil().max(1.0) as usize;
        self.x_ticks = labels
            .iter()
            .zip(xs)
            .enumerate()
            .filter(|(i, _)| i % every == 0)
            .map(|(_, (label, x))| Tick { x: r1(*x), y: self.bottom + 16.0, at: r1(*x), label: label.clone() })
            .collect();
    }

    pub fn width(&self) -> f64 {
        WIDTH
    }

    /// Where the y axis's unit is written: above the tick labels.
    pub fn unit_y(&self) -> f64 {
        self.top - 10.0
    }
}

/// Rounded bounds and a step of 1, 2, 2.5 or 5 × 10^k covering `lo..=hi` in about `n` steps.
pub fn nice(lo: f64, hi: f64, n: usize) -> (f64, f64, f64) {
    let (lo, hi) = if hi > lo { (lo, hi) } else { (lo, lo + lo.abs().max(1.0)) };
    let raw = (hi - lo) / n.max(1) as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = magnitude
        * [1.0, 2.0, 2.5, 5.0, 10.0].into_iter().find(|f| raw / magnitude <= f * (1.0 + 1e-9)).unwrap_or(10.0);
    let lo = (lo / step + 1e-9).floor() * step;
    let hi = (hi / step - 1e-9).ceil() * step;
    (lo, hi, step)
}

/// The decimals a tick label needs to tell steps of `step` apart.
fn decimals_of(step: f64) -> usize {
    (0..=3).find(|d| (step * 10f64.powi(*d as i32)).fract().abs() < 1e-6).unwrap_or(3)
}

/// `v` with thousands separators and `decimals` decimals.
pub fn number(v: f64, decimals: usize) -> String {
    let text = format!("{:.*}", decimals, v.abs());
    let (whole, fraction) = text.split_once('.').map_or((text.as_str(), None), |(w, f)| (w, Some(f)));
    let mut grouped = String::new();
    for (i, ch) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let sign = if v < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') { "-" } else { "" };
    match fraction {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// How wide `text` is drawn at `font` user units: a Latin character about 0.6 em, a Chinese
/// one a full em. Generous, so that what is laid out to fit does fit.
pub fn text_width(text: &str, font: f64) -> f64 {
    text.chars().map(|c| if c.is_ascii() { 0.62 } else { 1.0 }).sum::<f64>() * font
}

/// `x` to one decimal, so the SVG stays short.
fn r1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests;
