//! Horizontal bar charts, laid out here and drawn as inline SVG by `templates/chart.html`
//! (no script, so they print and work without JavaScript).

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_largest_bar_is_full_width_and_others_scale() {
        let c = BarChart::new("c", "t", vec![("a".into(), 200, "200".into()), ("b".into(), 50, "50".into()), ("z".into(), 0, "0".into())]);
        assert_eq!(c.rows[0].width, BAR_WIDTH_MAX);
        assert_eq!(c.rows[1].width, BAR_WIDTH_MAX / 4);
        assert_eq!(c.rows[2].width, 2, "a zero still shows a sliver");
        assert_eq!(c.height, TOP_PADDING * 2 + 3 * ROW_HEIGHT);
    }
}
