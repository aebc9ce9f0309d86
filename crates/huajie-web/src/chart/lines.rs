//! Line charts: cumulative recovery, projected against actual, an indicator's history against
//! its limit with the way back inside it.

use super::{Axes, LEFT, RIGHT, Scale, r1};

/// One line to draw: its style (`curve s1`, `curve s2`, `limit`, `glide`), its name in the
/// legend, and a value per category (`None` leaves a gap).
pub struct Series {
    pub class: &'static str,
    pub name: String,
    pub values: Vec<Option<f64>>,
    /// Whether each point gets a dot with its value on hover.
    pub dots: bool,
}

impl Series {
    /// A data line, with dots that show their values on hover.
    pub fn data(class: &'static str, name: impl Into<String>, values: Vec<Option<f64>>) -> Series {
        Series { class, name: name.into(), values, dots: true }
    }

    /// A reference line (a limit, a path to follow): no dots.
    pub fn reference(class: &'static str, name: impl Into<String>, values: Vec<Option<f64>>) -> Series {
        Series { class, name: name.into(), values, dots: false }
    }
}

/// A point with its value on hover.
#[derive(Debug, Clone)]
pub struct Dot {
    pub x: f64,
    pub y: f64,
    pub tip: String,
}

/// A drawn series: its polylines (one per unbroken run of values) and its dots.
#[derive(Debug, Clone)]
pub struct Line {
    pub class: &'static str,
    pub runs: Vec<String>,
    pub dots: Vec<Dot>,
}

/// An entry of the legend.
#[derive(Debug, Clone)]
pub struct Key {
    pub class: &'static str,
    pub label: String,
}

pub struct LineChart {
    pub id: String,
    pub title: String,
    pub axes: Axes,
    pub lines: Vec<Line>,
    pub legend: Vec<Key>,
}

impl LineChart {
    /// `labels` name the categories along the x axis; every series has a value (or a gap) for
    /// each. The y axis takes in every value, zero, and reads in `scale`.
    pub fn new(id: &str, title: &str, labels: &[String], scale: Scale, series: Vec<Series>) -> LineChart {
        let mut axes = Axes::new(series.iter().flat_map(|s| s.values.iter().flatten().copied()), scale);
        let step = (RIGHT - LEFT) / (labels.len().max(2) - 1) as f64;
        let xs: Vec<f64> = (0..labels.len()).map(|i| LEFT + step * i as f64).collect();
        axes.label_categories(labels, &xs);
        let lines = series
            .iter()
            .map(|s| {
                let mut runs = Vec::new();
                let mut run = Vec::new();
                let mut dots = Vec::new();
                for (i, v) in s.values.iter().enumerate().take(xs.len()) {
                    match v {
                        Some(v) => {
                            let (x, y) = (r1(xs[i]), axes.y(*v));
                            run.push(format!("{x},{y}"));
                            if s.dots {
                                dots.push(Dot {
                                    x,
                                    y,
                                    tip: format!("{} · {}: {}", s.name, labels[i], scale.exact(*v)),
                                });
                            }
                        }
                        None if !run.is_empty() => runs.push(std::mem::take(&mut run).join(" ")),
                        None => {}
                    }
                }
                if !run.is_empty() {
                    runs.push(run.join(" "));
                }
                Line { class: s.class, runs, dots }
            })
            .collect();
        let legend = if series.len() > 1 {
            series.iter().map(|s| Key { class: s.class, label: s.name.clone() }).collect()
        } else {
            Vec::new()
        };
        LineChart { id: id.into(), title: title.into(), axes, lines, legend }
    }
}
