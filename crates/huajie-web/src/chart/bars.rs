//! Horizontal bars: the dashboard's breakdowns by province, collateral, class and stage.

use super::{LABEL_FONT, WIDTH, r1, text_width};

const ROW_HEIGHT: f64 = 30.0;
const LABEL_WIDTH: f64 = 150.0;
const TOP_PADDING: f64 = 6.0;
const VALUE_FONT: f64 = 13.0;

pub struct BarChart {
    pub id: String,
    pub title: String,
    pub rows: Vec<BarRow>,
    pub height: f64,
}

pub struct BarRow {
    /// The label as drawn (shortened with … when it would not fit) and in full on hover.
    pub label: String,
    pub full_label: String,
    pub value: String,
    pub y: f64,
    pub text_y: f64,
    pub width: f64,
    pub value_x: f64,
    pub bar_x: f64,
}

impl BarChart {
    /// `items`: label, amount used for the bar length, text shown beside the bar. The longest
    /// bar leaves room for the widest value text, so nothing runs off the drawing.
    pub fn new(id: &str, title: &str, items: Vec<(String, i64, String)>) -> BarChart {
        let max = items.iter().map(|(_, v, _)| *v).max().unwrap_or(0).max(1);
        let widest_value = items.iter().map(|i| text_width(&i.2, VALUE_FONT)).fold(0.0, f64::max);
        let room = (WIDTH - LABEL_WIDTH - 8.0 - widest_value - 4.0).max(60.0);
        let rows = items
            .into_iter()
            .enumerate()
            .map(|(i, (label, v, value))| {
                let y = TOP_PADDING + i as f64 * ROW_HEIGHT;
                let width = r1((v.max(0) as f64 / max as f64 * room).max(2.0));
                BarRow {
                    label: shortened(&label, LABEL_WIDTH - 8.0),
                    full_label: label,
                    value,
                    y,
                    text_y: y + 15.0,
                    width,
                    value_x: r1(LABEL_WIDTH + width + 8.0),
                    bar_x: LABEL_WIDTH,
                }
            })
            .collect::<Vec<_>>();
        let height = TOP_PADDING * 2.0 + rows.len() as f64 * ROW_HEIGHT;
        BarChart { id: id.into(), title: title.into(), rows, height }
    }
}

/// `label` cut with an ellipsis to fit `width` user units.
fn shortened(label: &str, width: f64) -> String {
    if text_width(label, LABEL_FONT) <= width {
        return label.to_string();
    }
    let mut out = String::new();
    for ch in label.chars() {
        if text_width(&out, LABEL_FONT) + text_width(&ch.to_string(), LABEL_FONT) + LABEL_FONT > width {
            break;
        }
        out.push(ch);
    }
    out.push('…');
    out
}
