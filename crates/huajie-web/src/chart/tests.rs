use super::*;

#[test]
fn ticks_are_round_numbers_that_cover_the_values() {
    assert_eq!(nice(0.0, 9.3, 5), (0.0, 10.0, 2.0));
    assert_eq!(nice(0.0, 11.0, 5), (0.0, 12.5, 2.5));
    assert_eq!(nice(0.0, 0.61, 5).2, 0.2);
    assert_eq!(nice(-1_234.0, 5_678.0, 5), (-2_000.0, 6_000.0, 2_000.0));
    assert_eq!(nice(0.0, 0.0, 5), (0.0, 1.0, 0.2));
    assert_eq!(number(1_234_567.0, 0), "1,234,567");
    assert_eq!(number(-0.25, 2), "-0.25");
    assert_eq!(number(-0.001, 1), "0.0");
}

#[test]
fn a_money_axis_reads_in_the_unit_its_largest_value_needs() {
    let axes = |v: f64, lang| Axes::new([0.0, v].into_iter(), Scale::Money(lang));
    let wan = axes(3_500_000.0, Lang::Zh);
    assert_eq!(wan.unit, "万元");
    let labels: Vec<&str> = wan.y_ticks.iter().map(|t| t.label.as_str()).collect();
    assert_eq!(labels, ["0", "100", "200", "300", "400"]);
    assert_eq!(axes(250_000_000.0, Lang::Zh).unit, "亿元");
    assert_eq!(axes(800.0, Lang::Zh).unit, "元");
    assert_eq!(axes(250_000_000.0, Lang::En).unit, "CNY m");
    // The top tick sits at the top of the plot, zero at the bottom.
    assert_eq!(wan.y(4_000_000.0), TOP);
    assert_eq!(wan.y(0.0), TOP + PLOT_HEIGHT);
    let percent = Axes::new([0.61].into_iter(), Scale::Percent);
    assert_eq!(percent.y_ticks.last().unwrap().label, "80%");
    assert!(percent.unit.is_empty(), "the ticks say %");
}

#[test]
fn two_lines_share_one_scale_and_a_gap_breaks_a_line() {
    let labels: Vec<String> = ["0", "Q1", "Q2"].map(String::from).to_vec();
    let c = LineChart::new(
        "c",
        "t",
        &labels,
        Scale::Count("x"),
        vec![
            Series::data("curve s1", "a", vec![Some(0.0), Some(50.0), Some(100.0)]),
            Series::data("curve s2", "b", vec![Some(0.0), None, Some(50.0)]),
        ],
    );
    let last_y = |run: &str| run.rsplit(' ').next().unwrap().split(',').nth(1).unwrap().parse::<f64>().unwrap();
    assert_eq!(last_y(&c.lines[0].runs[0]), TOP, "the larger line reaches the top");
    assert_eq!(last_y(&c.lines[1].runs[1]), TOP + PLOT_HEIGHT / 2.0, "the other, half as high, halfway");
    assert_eq!(c.lines[1].runs.len(), 2, "the missing quarter leaves a gap");
    assert_eq!(c.lines[0].dots[2].tip, "a · Q2: 100 x");
    assert_eq!(c.legend.len(), 2);
}

#[test]
fn columns_stand_on_the_zero_line_and_hang_below_it() {
    let items = vec![("Q1".to_string(), -50.0, String::new()), ("Q2".to_string(), 150.0, String::new())];
    let c = Columns::new("c", "t", &items, Scale::Count("x"));
    // Ticks run -50..150 by 50: zero sits three quarters down the plot.
    assert_eq!(c.zero_y, TOP + PLOT_HEIGHT * 0.75);
    assert!(c.bars[0].negative && c.bars[0].y == c.zero_y);
    assert_eq!(c.bars[1].y + c.bars[1].h, c.zero_y);
    assert_eq!(c.bars[1].h, 3.0 * c.bars[0].h);
}

#[test]
fn a_histogram_marks_its_percentiles_where_they_fall_and_no_labels_overlap() {
    let marks = [
        ("mark", "P5".to_string(), 1_000_000.0, String::new()),
        ("mark", "P50".to_string(), 2_000_000.0, String::new()),
        ("bid", "出价".to_string(), 2_010_000.0, String::new()),
        ("mark", "P95".to_string(), 3_000_000.0, String::new()),
    ];
    let h = Columns::histogram(
        "h",
        "t",
        (0.0, 4_000_000.0),
        &[1, 5, 9, 4],
        (Scale::Money(Lang::Zh), Scale::Count("次")),
        |a, b, c| format!("{a}–{b}: {c}"),
        &marks,
    );
    let p50 = h.marks.iter().find(|m| m.label == "P50").unwrap();
    assert_eq!(p50.x, LEFT + (RIGHT - LEFT) / 2.0);
    let bid = h.marks.iter().find(|m| m.class == "bid").unwrap();
    assert_ne!(bid.label_y, p50.label_y, "a bid beside the median goes on another row");
    assert!(h.marks.iter().all(|m| m.label_y > 0.0));
    assert_eq!(h.axes.x_unit, "万元");
    assert_eq!(h.axes.x_ticks.first().unwrap().label, "0");
    assert_eq!(h.axes.x_ticks.last().unwrap().label, "400");
    assert_eq!(h.bars[2].tip, "2000000–3000000: 9");
}

#[test]
fn nothing_is_drawn_outside_the_drawing() {
    let labels: Vec<String> = (1..=40).map(|q| format!("2026Q{q}")).collect();
    let values = (0..40).map(|i| Some(f64::from(i) * 1.0e7)).collect();
    let c = LineChart::new("c", "t", &labels, Scale::Money(Lang::Zh), vec![Series::data("curve s1", "a", values)]);
    let ticks = &c.axes.x_ticks;
    assert!(ticks.len() < 40, "labels are thinned");
    for t in ticks.iter().chain(&c.axes.y_ticks) {
        let w = text_width(&t.label, AXIS_FONT);
        assert!(t.x - w >= 0.0 && t.x + w / 2.0 <= WIDTH, "{} at {}", t.label, t.x);
    }
    for pair in ticks.windows(2) {
        let w = text_width(&pair[0].label, AXIS_FONT);
        assert!(pair[1].x - pair[0].x >= w, "{} and {} overlap", pair[0].label, pair[1].label);
    }
    let long = "黑龙江省哈尔滨市南岗区某某街道办事处辖区".to_string();
    let b = BarChart::new(
        "b",
        "t",
        vec![(long.clone(), 100, "1,234,567.89 万元 · 1,234 笔".into()), ("b".into(), 1, "1".into())],
    );
    assert!(b.rows[0].label.ends_with('…') && b.rows[0].full_label == long);
    assert!(b.rows[0].value_x + text_width(&b.rows[0].value, 13.0) <= WIDTH);
}
