//! The PDF layout's own tests (kept apart from `pdf.rs`).

use super::*;

fn fonts() -> Fonts {
    Fonts::find().expect("a CJK font (fonts-noto-cjk)")
}

const ENGLISH: &str = "Definitions: where the rules leave one open, Huajie's reading (the catalogue gives each \
    rule's confidence). A breach before 2028-07-12 is marked as in transition. Personal data is masked.";
const CHINESE: &str = "交易后杠杆率为 3.10×，超出限额 ≤ 3×（过渡期内）（交易前 2.73×）；距上次收购金融不良资产已 13 \
    个月（2025-08-01），达到预警线 12 个月。“过渡期内”的超限不阻断交易。";

#[test]
fn english_breaks_between_words_only() {
    let f = fonts();
    for width in (60..=400).step_by(7).map(|w| w as f32) {
        let lines = f.wrap(ENGLISH, 9.0, false, width);
        assert!(lines.len() > 1 || width > 300.0);
        for line in &lines {
            assert!(f.width(line, 9.0, false) <= width + 0.01, "{line:?} is wider than {width}");
        }
        // The words, in order, each on one line.
        let words: Vec<&str> = ENGLISH.split_whitespace().collect();
        let read: Vec<&str> = lines.iter().flat_map(|l| l.split_whitespace()).collect();
        assert_eq!(read, words, "at {width} pt");
    }
}

#[test]
fn chinese_breaks_between_characters_and_no_line_starts_with_a_closing_mark() {
    let f = fonts();
    let solid: String = CHINESE.split_whitespace().collect();
    let narrowest = f.longest_unit(CHINESE, 9.0, false).ceil() as usize;
    for width in (narrowest..=300).step_by(3).map(|w| w as f32) {
        let lines = f.wrap(CHINESE, 9.0, false, width);
        for line in &lines {
            assert!(f.width(line, 9.0, false) <= width + 0.01, "{line:?} is wider than {width}");
            let first = line.chars().next().unwrap();
            assert!(!NO_START.contains(first), "at {width} pt a line starts with {first:?}: {lines:?}");
            let last = line.chars().next_back().unwrap();
            assert!(!NO_END.contains(last), "at {width} pt a line ends with {last:?}: {lines:?}");
        }
        assert_eq!(lines.iter().flat_map(|l| l.split_whitespace()).collect::<String>(), solid);
        // Numbers and dates inside Chinese text stay whole.
        for number in ["3.10×", "2.73×", "2025-08-01", "13"] {
            assert!(lines.iter().any(|l| l.contains(number)), "{number} broken at {width} pt: {lines:?}");
        }
    }
}

#[test]
fn only_a_piece_wider_than_the_line_is_cut_between_characters() {
    let f = fonts();
    let hash = "5ee0784582a90c26c44cfabe246ebd7857a3c9267a31c61791e2806609a736a0";
    let lines = f.wrap(&format!("SHA-256 {hash}"), 8.0, false, 100.0);
    assert_eq!(lines[0], "SHA-256");
    assert_eq!(lines[1..].concat(), hash);
    assert!(lines.iter().all(|l| f.width(l, 8.0, false) <= 100.01));
    assert_eq!(f.wrap("", 8.0, false, 100.0), vec![String::new()]);
    // Even then no line starts with a closing mark.
    let lines = f.wrap("（2025-08-01），达到", 9.0, false, 30.0);
    assert!(lines.iter().all(|l| !NO_START.contains(l.chars().next().unwrap())), "{lines:?}");
}

/// A table with long text in several columns: measured, wrapped, nothing overprinted.
fn long_rows(n: usize) -> Vec<Vec<String>> {
    (0..n)
        .map(|i| {
            vec![
                format!("ZD2021GS-{:05}", 10000 + i),
                "金华鑫源房地产开发有限公司（破产管理人代管）".to_string(),
                "Enforcement terminated after the court found no assets".to_string(),
                format!("{},581.08", i + 1),
                "2,862.08".to_string(),
            ]
        })
        .collect()
}

fn long_columns() -> Vec<Column> {
    vec![
        Column::left("Contract"),
        Column::left("Debtor").grow(),
        Column::left("Stage"),
        Column::right("Claim amount"),
        Column::right("Present value"),
    ]
}

#[test]
fn table_cells_wrap_within_their_columns() {
    let f = fonts();
    let mut p = Layout::new(&f, "footer".into());
    p.table(&long_columns(), &long_rows(60));
    assert_eq!(p.faults(), Vec::<String>::new());
    let boxes = p.text_boxes();
    // Cells of one row side by side keep a gap between columns.
    for (i, a) in boxes.iter().enumerate() {
        for b in boxes[i + 1..].iter().filter(|b| b.page == a.page && (b.top - a.top).abs() < 0.01) {
            let apart = if a.left < b.left { b.left - a.right } else { a.left - b.right };
            assert!(apart >= gap(8.5) - 0.01, "{:?} and {:?} are {apart} pt apart", a.text, b.text);
        }
    }
    // The whole contract numbers and amounts: never broken.
    for text in ["ZD2021GS-10059", "60,581.08", "Enforcement"] {
        assert!(boxes.iter().any(|b| b.text.split_whitespace().any(|w| w == text)), "{text} broken");
    }
    // The header is repeated on every page.
    assert!(p.page_count() > 1);
    assert!(p.table_pieces().iter().all(|t| t.header));
    for page in 0..p.page_count() {
        assert!(boxes.iter().any(|b| b.page == page && b.text == "Debtor"), "no header on page {}", page + 1);
    }
}

#[test]
fn a_header_is_never_left_at_a_page_foot_with_fewer_than_three_rows() {
    let f = fonts();
    let rows: Vec<Vec<String>> = (0..8).map(|i| vec![format!("row {i}"), "1.00".into()]).collect();
    let columns = [Column::left("Line"), Column::right("Amount")];
    // Room for the header and two rows only: the table starts on the next page.
    let mut p = Layout::new(&f, String::new());
    p.y = BOTTOM - 8.5 * 1.45 * 3.0 - 1.0;
    p.table(&columns, &rows);
    assert_eq!(p.table_pieces()[0], TablePiece { page: 1, header: true, rows: 8, rows_left: 8 });
    assert_eq!(p.faults(), Vec::<String>::new());
    // Room for the header and three: it starts here and goes on overleaf, header repeated.
    let mut p = Layout::new(&f, String::new());
    p.y = BOTTOM - 8.5 * 1.45 * 4.0 - 1.0;
    p.table(&columns, &rows);
    let pieces = p.table_pieces();
    assert_eq!((pieces[0].page, pieces[0].rows), (0, 3));
    assert_eq!(pieces[1], TablePiece { page: 1, header: true, rows: 5, rows_left: 5 });
    // A table of two rows is kept whole.
    let mut p = Layout::new(&f, String::new());
    p.y = BOTTOM - 8.5 * 1.45 * 2.0 - 1.0;
    p.table(&columns, &rows[..2]);
    assert_eq!(p.table_pieces()[0].page, 1);
}

#[test]
fn a_heading_moves_to_the_next_page_with_what_follows_it() {
    let f = fonts();
    let rows: Vec<Vec<String>> = (0..8).map(|i| vec![format!("row {i}"), "1.00".into()]).collect();
    let mut p = Layout::new(&f, String::new());
    // The heading fits at the foot of page 1, the table's header and three rows do not.
    p.y = BOTTOM - 75.0;
    p.heading("Q2 Single client at most 10% of net assets");
    p.table(&[Column::left("Line"), Column::right("Amount")], &rows);
    let heading = p.text_boxes().into_iter().find(|b| b.text.starts_with("Q2")).unwrap();
    assert_eq!((heading.page, heading.top < MARGIN + 20.0), (1, true), "{heading:?}");
    assert!(p.faults().is_empty(), "{:?}", p.faults());
    // A group (a finding: what, the text, how it stands) moves whole.
    let mut p = Layout::new(&f, String::new());
    p.y = BOTTOM - 30.0;
    p.begin_group();
    p.block(9.0, true, "[Q15 · Warning (override needed)] Exit watch");
    p.paragraph(9.0, ENGLISH);
    p.close_group();
    let first = p.text_boxes().into_iter().find(|b| b.text.starts_with("[Q15")).unwrap();
    assert_eq!(first.page, 1);
    // What follows a heading without being a block (a chart) stays put when the next
    // heading needs a new page.
    let mut p = Layout::new(&f, String::new());
    p.y = BOTTOM - 250.0;
    p.heading("Cash flow");
    p.need(170.0);
    p.rect(MARGIN, p.y, 100.0, 160.0, (0, 0, 0));
    p.y += 170.0;
    p.heading("Sensitivity");
    let cash = p.text_boxes().into_iter().find(|b| b.text == "Cash flow").unwrap();
    assert_eq!(cash.page, 0);
    // A long heading wraps instead of running off the page.
    let mut p = Layout::new(&f, String::new());
    p.heading(&format!("Q6 {}", ENGLISH));
    assert!(p.text_boxes().iter().filter(|b| b.top < 100.0).count() > 1);
    assert!(p.faults().is_empty(), "{:?}", p.faults());
}

#[test]
fn the_faults_are_found() {
    let f = fonts();
    let mut p = Layout::new(&f, String::new());
    p.text(MARGIN, 9.0, false, "Breach (in transition)", Align::Left);
    p.text(MARGIN + 20.0, 9.0, false, "Amber", Align::Left);
    p.text(PAGE_WIDTH - MARGIN - 10.0, 9.0, false, "over three years", Align::Left);
    let faults = p.faults();
    assert_eq!(faults.len(), 2, "{faults:?}");
    assert!(faults[0].contains("outside") && faults[1].contains("overprints"), "{faults:?}");
}
