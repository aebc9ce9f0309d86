//! PDF that renders Chinese: a CJK font found on the machine (Noto Sans CJK SC from
//! Debian's `fonts-noto-cjk`, or `HUAJIE_CJK_FONT=path[#face]`), subset into the file by
//! krilla. Pages are laid out here as a list of drawing operations — text measured with
//! the font's own advance widths, rectangles, lines — then drawn in one pass.
//!
//! Everything that may be long is wrapped to its width, never left to run on: paragraphs and
//! headings across the text width, table cells in columns measured from their contents
//! (`Layout::table`), English between words and Chinese between characters, with no line
//! starting with a closing mark. Tables repeat their header on each page and never leave it
//! at a page foot with fewer than `ROWS_WITH_HEADER` rows; a heading stays with what follows.

use std::sync::Arc;

use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::{Font, TextDirection};
use skrifa::instance::{LocationRef, Size};
use skrifa::raw::FileRef;
use skrifa::{FontRef, MetadataProvider};

/// A4 in points.
pub const PAGE_WIDTH: f32 = 595.0;
pub const PAGE_HEIGHT: f32 = 842.0;
pub const MARGIN: f32 = 48.0;

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error(
        "未找到中文字体：请安装 fonts-noto-cjk（apt-get install fonts-noto-cjk）或设置 HUAJIE_CJK_FONT / no Chinese font found: install fonts-noto-cjk (apt-get install fonts-noto-cjk) or set HUAJIE_CJK_FONT"
    )]
    NoFont,
    #[error("无法生成 PDF：{0} / cannot build the PDF: {0}")]
    Build(String),
}

/// Where CJK fonts are looked for, regular then bold.
const REGULAR: &[&str] = &[
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
];
const BOLD: &[&str] =
    &["/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", "/usr/share/fonts/noto-cjk/NotoSansCJK-Bold.ttc"];

/// A loaded face: krilla's handle and the bytes to measure with.
#[derive(Clone)]
struct Face {
    font: Font,
    data: Arc<Vec<u8>>,
    index: u32,
}

impl Face {
    /// The face of a collection whose family name is the Simplified Chinese one, else the first.
    fn load(path: &str, index: Option<u32>) -> Option<Face> {
        let data = Arc::new(std::fs::read(path).ok()?);
        let count = match FileRef::new(&data).ok()? {
            FileRef::Font(_) => 1,
            FileRef::Collection(c) => c.len(),
        };
        let index = index.unwrap_or_else(|| {
            (0..count)
                .find(|i| {
                    FontRef::from_index(&data, *i).ok().is_some_and(|f| {
                        f.localized_strings(skrifa::string::StringId::FAMILY_NAME)
                            .english_or_first()
                            .is_some_and(|n| n.to_string().contains(" SC"))
                    })
                })
                .unwrap_or(0)
        });
        FontRef::from_index(&data, index).ok()?;
        let font = Font::new(krilla::Data::from(data.as_ref().clone()), index)?;
        Some(Face { font, data, index })
    }

    fn width(&self, text: &str, size: f32) -> f32 {
        let Ok(f) = FontRef::from_index(&self.data, self.index) else { return 0.0 };
        let charmap = f.charmap();
        let metrics = f.glyph_metrics(Size::new(size), LocationRef::default());
        text.chars().map(|c| charmap.map(c).and_then(|g| metrics.advance_width(g)).unwrap_or(size * 0.5)).sum()
    }
}

pub struct Fonts {
    regular: Face,
    bold: Face,
}

impl Fonts {
    /// The machine's CJK fonts.
    pub fn find() -> Result<Fonts, PdfError> {
        let chosen = std::env::var("HUAJIE_CJK_FONT").ok().and_then(|v| {
            let (path, face) = match v.rsplit_once('#') {
                Some((p, i)) => (p.to_string(), i.parse().ok()),
                None => (v.clone(), None),
            };
            Face::load(&path, face)
        });
        let regular = chosen.or_else(|| REGULAR.iter().find_map(|p| Face::load(p, None))).ok_or(PdfError::NoFont)?;
        let bold = BOLD.iter().find_map(|p| Face::load(p, None)).unwrap_or_else(|| regular.clone());
        Ok(Fonts { regular, bold })
    }

    fn face(&self, bold: bool) -> &Face {
        if bold { &self.bold } else { &self.regular }
    }

    pub fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
        self.face(bold).width(text, size)
    }

    /// `text` cut to fit `width` points, with "…" when cut.
    pub fn fit(&self, text: &str, size: f32, width: f32) -> String {
        if self.width(text, size, false) <= width {
            return text.to_string();
        }
        let mut out = String::new();
        for c in text.chars() {
            out.push(c);
            if self.width(&format!("{out}…"), size, false) > width {
                out.pop();
                break;
            }
        }
        format!("{out}…")
    }

    /// The widest piece of `text` that cannot be broken across lines (a word, or a Chinese
    /// character with the punctuation that sticks to it).
    pub fn longest_unit(&self, text: &str, size: f32, bold: bool) -> f32 {
        units(text).iter().map(|(_, u)| self.width(u, size, bold)).fold(0.0, f32::max)
    }

    /// `text` broken into lines no wider than `width` points: between words in English
    /// (never inside one), between characters in Chinese — no line starts with a closing
    /// mark (，。）…) nor ends with an opening one (（“…). A piece wider than a whole line (a
    /// long code in a narrow column) is the only thing ever cut between two characters.
    /// Always at least one line.
    pub fn wrap(&self, text: &str, size: f32, bold: bool, width: f32) -> Vec<String> {
        let face = self.face(bold);
        let space = face.width(" ", size);
        let fits = |w: f32| w <= width + 0.01;
        let mut lines = Vec::new();
        let mut line = String::new();
        let mut used = 0.0;
        for (spaced, unit) in units(text) {
            let w = face.width(&unit, size);
            if !line.is_empty() && !fits(used + if spaced { space } else { 0.0 } + w) {
                lines.push(std::mem::take(&mut line));
                used = 0.0;
            }
            if line.is_empty() && !fits(w) {
                for c in unit.chars() {
                    let cw = face.width(c.encode_utf8(&mut [0; 4]), size);
                    if !line.is_empty() && !fits(used + cw) {
                        // A closing mark takes the character before it along.
                        let carried = match line.chars().next_back() {
                            Some(last) if NO_START.contains(c) && line.chars().count() > 1 => {
                                line.pop();
                                Some(last)
                            }
                            _ => None,
                        };
                        lines.push(std::mem::take(&mut line));
                        used = 0.0;
                        if let Some(last) = carried {
                            line.push(last);
                            used = face.width(last.encode_utf8(&mut [0; 4]), size);
                        }
                    }
                    line.push(c);
                    used += cw;
                }
                continue;
            }
            if spaced && !line.is_empty() {
                line.push(' ');
                used += space;
            }
            line.push_str(&unit);
            used += w;
        }
        if !line.is_empty() || lines.is_empty() {
            lines.push(line);
        }
        lines
    }
}

/// Marks a line may not start with: closing punctuation, Chinese and Latin.
const NO_START: &str = "，。、；：？！）》」』】〉〕〗”’…·—,.;:?!)]}%";
/// Marks a line may not end with: opening punctuation.
const NO_END: &str = "（《「『【〈〔〖“‘([{";
/// Signs that stay with what follows them even across a space ("≤ 3×").
const WITH_NEXT: &str = "≤≥<>=±";

/// A character that may stand alone on either side of a line break: Chinese characters,
/// kana, full-width forms and CJK punctuation.
fn wide(c: char) -> bool {
    matches!(c as u32, 0x2E80..=0x9FFF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF | 0x20000..=0x3FFFF)
}

/// The pieces of `text` a line may break between, each with whether white space precedes
/// it: a word of Latin text, a Chinese character; a closing mark sticks to what precedes it
/// and an opening mark to what follows.
fn units(text: &str) -> Vec<(bool, String)> {
    let mut out: Vec<(bool, String)> = Vec::new();
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        let glue = match out.last() {
            None => false,
            Some((_, last)) => {
                let prev = last.chars().next_back().unwrap_or(' ');
                if NO_START.contains(c) || WITH_NEXT.contains(prev) {
                    true
                } else if space {
                    false
                } else {
                    NO_END.contains(prev) || !(wide(c) || wide(prev))
                }
            }
        };
        match out.last_mut() {
            Some((_, last)) if glue => {
                if space {
                    last.push(' ');
                }
                last.push(c);
            }
            _ => out.push((space, c.to_string())),
        }
        space = false;
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Align {
    Left,
    Right,
}

/// A column of a table: its header, how its cells align, whether they are bold, and whether
/// it takes the width a full-width table has to spare.
#[derive(Debug, Clone)]
pub struct Column {
    pub head: String,
    pub align: Align,
    pub bold: bool,
    pub grow: bool,
}

impl Column {
    pub fn left(head: impl Into<String>) -> Column {
        Column { head: head.into(), align: Align::Left, bold: false, grow: false }
    }

    pub fn right(head: impl Into<String>) -> Column {
        Column { head: head.into(), align: Align::Right, bold: false, grow: false }
    }

    pub fn bold(self) -> Column {
        Column { bold: true, ..self }
    }

    pub fn grow(self) -> Column {
        Column { grow: true, ..self }
    }
}

/// The type size of a table, and whether it spans the text width or only what its cells need.
#[derive(Debug, Clone, Copy)]
pub struct TableStyle {
    pub size: f32,
    pub full_width: bool,
}

impl Default for TableStyle {
    fn default() -> TableStyle {
        TableStyle { size: 8.5, full_width: true }
    }
}

/// Rows a table keeps with its header (all of them when it has fewer): a header is never
/// left at a page foot with fewer under it.
pub const ROWS_WITH_HEADER: usize = 3;

/// Width of the text area between the margins.
pub const CONTENT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN;
/// Where the text area ends; the footer lies below, in the bottom margin.
pub const BOTTOM: f32 = PAGE_HEIGHT - MARGIN;
/// The largest group of lines moved whole to the next page rather than split.
const KEEP_MAX: f32 = (BOTTOM - MARGIN) * 0.6;
/// A glyph's box around its baseline (Noto Sans CJK: ascender 0.88 em, descender 0.12 em).
const ASCENT: f32 = 0.88;
const DESCENT: f32 = 0.12;

/// The part of a table drawn on one page.
#[derive(Debug, Clone, PartialEq)]
pub struct TablePiece {
    /// Page index, from 0.
    pub page: usize,
    pub header: bool,
    /// Rows drawn on this page.
    pub rows: usize,
    /// Rows of the table from this piece's first one to its end.
    pub rows_left: usize,
}

/// A line of text as placed, for checks: the box its glyphs occupy, in points from the top
/// left of its page.
#[derive(Debug, Clone, PartialEq)]
pub struct TextBox {
    pub page: usize,
    pub left: f32,
    pub top: f32,
    pub right: f32,
    pub bottom: f32,
    pub text: String,
}

#[derive(Debug, Clone)]
enum Op {
    Text { x: f32, y: f32, size: f32, bold: bool, text: String, gray: bool },
    Rect { x: f32, y: f32, w: f32, h: f32, color: (u8, u8, u8) },
    Line { x1: f32, y1: f32, x2: f32, y2: f32 },
}

impl Op {
    fn shift(&mut self, dy: f32) {
        match self {
            Op::Text { y, .. } | Op::Rect { y, .. } => *y += dy,
            Op::Line { y1, y2, .. } => {
                *y1 += dy;
                *y2 += dy;
            }
        }
    }
}

/// Pages being laid out: a cursor moving down, a new page when it reaches the margin. What
/// must not be left alone at a page foot (a heading, a finding's lines) is a group: when the
/// next block needs a new page, the group moves there with it.
pub struct Layout<'f> {
    pub fonts: &'f Fonts,
    pages: Vec<Vec<Op>>,
    /// Distance from the top of the page, points.
    pub y: f32,
    footer: String,
    /// The group kept with what follows: where it starts in the page's operations, and its y.
    keep: Option<(usize, f32)>,
    /// The group is held open by the caller (`begin_group`) rather than by a heading.
    holding: bool,
    tables: Vec<TablePiece>,
    /// The language the pages are numbered in ("第 N 页 / 共 M 页").
    lang: huajie_core::Lang,
}

impl<'f> Layout<'f> {
    pub fn new(fonts: &'f Fonts, footer: String) -> Layout<'f> {
        Layout {
            fonts,
            pages: vec![Vec::new()],
            y: MARGIN,
            footer,
            keep: None,
            holding: false,
            tables: Vec::new(),
            lang: huajie_core::Lang::Zh,
        }
    }

    /// Numbers the pages in `lang` (Chinese until told).
    pub fn set_lang(&mut self, lang: huajie_core::Lang) {
        self.lang = lang;
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        self.pages.last_mut().expect("there is always a page")
    }

    /// A new page, nothing carried over.
    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = MARGIN;
        self.keep = None;
    }

    /// Starts a new page when less than `height` is left; the open group moves with it.
    pub fn need(&mut self, height: f32) {
        if self.y + height <= BOTTOM {
            return;
        }
        let carried = match self.keep.take() {
            Some((start, y0)) if self.y - y0 + height <= KEEP_MAX && y0 > MARGIN + 0.01 => {
                let mut ops = self.ops().split_off(start);
                ops.iter_mut().for_each(|op| op.shift(MARGIN - y0));
                Some((ops, self.y - y0))
            }
            _ => None,
        };
        self.new_page();
        if let Some((ops, height)) = carried {
            self.pages.last_mut().expect("a page").extend(ops);
            self.keep = Some((0, MARGIN));
            self.y = MARGIN + height;
        }
    }

    /// What is laid out from here until `end_group` or `close_group` stays on one page
    /// (with the heading just before it, when there is one).
    pub fn begin_group(&mut self) {
        if self.keep.is_none() {
            self.keep = Some((self.pages.last().map_or(0, Vec::len), self.y));
        }
        self.holding = true;
    }

    /// Ends the group; it stays with the first lines of the block after it.
    pub fn end_group(&mut self) {
        self.holding = false;
    }

    /// Ends the group; what follows may start on another page.
    pub fn close_group(&mut self) {
        self.holding = false;
        self.keep = None;
    }

    /// The block after a heading or a group has begun on this page: nothing to keep any more.
    fn release(&mut self) {
        if !self.holding {
            self.keep = None;
        }
    }

    /// One line of text at `x`, not wrapped: for short labels whose width the caller knows.
    pub fn text(&mut self, x: f32, size: f32, bold: bool, text: &str, align: Align) {
        let x = match align {
            Align::Left => x,
            Align::Right => x - self.fonts.width(text, size, bold),
        };
        let y = self.y + size;
        self.ops().push(Op::Text { x, y, size, bold, text: text.to_string(), gray: false });
    }

    /// One line of small gray text at `x` (left edge, or right edge when right-aligned).
    pub fn note(&mut self, x: f32, size: f32, text: &str, align: Align) {
        let x = match align {
            Align::Left => x,
            Align::Right => x - self.fonts.width(text, size, false),
        };
        let y = self.y + size;
        self.ops().push(Op::Text { x, y, size, bold: false, text: text.to_string(), gray: true });
    }

    /// Text across the text width, wrapped (see `Fonts::wrap`).
    pub fn block(&mut self, size: f32, bold: bool, text: &str) {
        let lines = self.fonts.wrap(text, size, bold, CONTENT_WIDTH);
        let leading = size * 1.5;
        self.need(leading * lines.len().min(2) as f32);
        for (i, line) in lines.iter().enumerate() {
            if i == 2 {
                self.release();
            }
            self.need(leading);
            self.text(MARGIN, size, bold, line, Align::Left);
            self.y += leading;
        }
        self.release();
    }

    /// A paragraph of regular text, wrapped.
    pub fn paragraph(&mut self, size: f32, text: &str) {
        self.block(size, false, text);
    }

    /// A section heading with a rule under it, kept with the first lines that follow it.
    pub fn heading(&mut self, text: &str) {
        let (size, leading) = (13.0, 17.0);
        let lines = self.fonts.wrap(text, size, true, CONTENT_WIDTH);
        // What came before (a chart after the previous heading) stays where it is.
        self.close_group();
        self.need(8.0 + leading * lines.len() as f32 + 7.0 + 30.0);
        self.keep = Some((self.pages.last().map_or(0, Vec::len), self.y));
        self.y += 8.0;
        for line in &lines {
            self.text(MARGIN, size, true, line, Align::Left);
            self.y += leading;
        }
        self.y += 1.0;
        let y = self.y;
        self.ops().push(Op::Line { x1: MARGIN, y1: y, x2: PAGE_WIDTH - MARGIN, y2: y });
        self.y += 6.0;
    }

    /// Column widths: each column as wide as its widest cell when they all fit; otherwise
    /// the widest columns wrap, down to their longest word (numbers, right-aligned, never
    /// wrap; headers may). Spare width of a full-width table goes to its growing columns (the
    /// first column when none grows).
    fn widths(&self, style: TableStyle, columns: &[Column], rows: &[Vec<String>]) -> Vec<f32> {
        let size = style.size;
        let n = columns.len();
        let available = CONTENT_WIDTH - gap(size) * n.saturating_sub(1) as f32;
        let mut natural = vec![0.0f32; n];
        let mut least = vec![0.0f32; n];
        for (j, c) in columns.iter().enumerate() {
            natural[j] = self.fonts.width(&c.head, size, true);
            least[j] = self.fonts.longest_unit(&c.head, size, true);
            for cell in rows.iter().filter_map(|r| r.get(j)) {
                let w = self.fonts.width(cell, size, c.bold);
                natural[j] = natural[j].max(w);
                let unbroken = if c.align == Align::Right { w } else { self.fonts.longest_unit(cell, size, c.bold) };
                least[j] = least[j].max(unbroken);
            }
            least[j] = least[j].min(natural[j]);
        }
        let total: f32 = natural.iter().sum();
        if total <= available {
            let mut widths = natural;
            if style.full_width {
                let growing: Vec<usize> = (0..n).filter(|j| columns[*j].grow).collect();
                let growing = if growing.is_empty() { vec![0] } else { growing };
                let extra = (available - total) / growing.len() as f32;
                for j in growing {
                    widths[j] += extra;
                }
            }
            return widths;
        }
        let sum: f32 = least.iter().sum();
        if sum >= available {
            // Not even the longest words fit: the last resort, cells cut between characters.
            return least.iter().map(|w| w * available / sum).collect();
        }
        // The widest columns give up width first: each column wider than a cap is cut to it
        // (never below its longest word); the cap is the largest that fits.
        let at = |cap: f32| -> Vec<f32> { natural.iter().zip(&least).map(|(n, l)| n.min(l.max(cap))).collect() };
        let (mut lo, mut hi) = (0.0f32, natural.iter().copied().fold(0.0, f32::max));
        for _ in 0..40 {
            let mid = (lo + hi) / 2.0;
            if at(mid).iter().sum::<f32>() > available {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        at(lo)
    }

    /// A table across the text width in 8.5 pt (see `table_styled`).
    pub fn table(&mut self, columns: &[Column], rows: &[Vec<String>]) {
        self.table_styled(TableStyle::default(), columns, rows);
    }

    /// A table: columns measured so that no cell reaches the next column (cells wrap), the
    /// header (when a column has one) repeated on each page, and never left at a page foot
    /// with fewer than `ROWS_WITH_HEADER` rows under it.
    pub fn table_styled(&mut self, style: TableStyle, columns: &[Column], rows: &[Vec<String>]) {
        let size = style.size;
        let widths = self.widths(style, columns, rows);
        let mut lefts = Vec::with_capacity(columns.len());
        let mut x = MARGIN;
        for w in &widths {
            lefts.push(x);
            x += w + gap(size);
        }
        let leading = size * 1.25;
        let lay = |l: &Layout, cells: &[String], header: bool| -> (Vec<Vec<String>>, f32) {
            let lines: Vec<Vec<String>> = columns
                .iter()
                .zip(&widths)
                .enumerate()
                .map(|(j, (c, w))| {
                    let cell = cells.get(j).map_or("", String::as_str);
                    l.fonts.wrap(cell, size, header || c.bold, *w)
                })
                .collect();
            let n = lines.iter().map(Vec::len).max().unwrap_or(1).max(1);
            (lines, leading * (n - 1) as f32 + size * 1.45)
        };
        let draw = |l: &mut Layout, lines: &[Vec<String>], height: f32, header: bool| {
            for (j, cell) in lines.iter().enumerate() {
                let c = &columns[j];
                let x = match c.align {
                    Align::Left => lefts[j],
                    Align::Right => lefts[j] + widths[j],
                };
                let y = l.y;
                for (k, line) in cell.iter().enumerate() {
                    l.y = y + leading * k as f32;
                    l.text(x, size, header || c.bold, line, c.align);
                }
                l.y = y;
            }
            l.y += height;
            if header {
                let y = l.y - size * 0.25;
                let right = lefts.last().copied().unwrap_or(MARGIN) + widths.last().copied().unwrap_or(0.0);
                l.ops().push(Op::Line { x1: MARGIN, y1: y, x2: right, y2: y });
            }
        };
        let heads: Vec<String> = columns.iter().map(|c| c.head.clone()).collect();
        let header = columns.iter().any(|c| !c.head.is_empty()).then(|| lay(self, &heads, true));
        let laid: Vec<(Vec<Vec<String>>, f32)> = rows.iter().map(|r| lay(self, r, false)).collect();
        let header_height = header.as_ref().map_or(0.0, |h| h.1);
        let first: f32 = laid.iter().take(ROWS_WITH_HEADER).map(|r| r.1).sum();
        self.need(header_height + first);
        self.release();
        let mut piece =
            TablePiece { page: self.pages.len() - 1, header: header.is_some(), rows: 0, rows_left: rows.len() };
        if let Some((lines, height)) = &header {
            draw(self, lines, *height, true);
        }
        for (i, (lines, height)) in laid.iter().enumerate() {
            if self.y + height > BOTTOM {
                self.tables.push(piece);
                self.new_page();
                piece = TablePiece {
                    page: self.pages.len() - 1,
                    header: header.is_some(),
                    rows: 0,
                    rows_left: rows.len() - i,
                };
                if let Some((lines, height)) = &header {
                    draw(self, lines, *height, true);
                }
            }
            draw(self, lines, *height, false);
            piece.rows += 1;
        }
        self.tables.push(piece);
        self.y += 6.0;
    }

    pub fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, color: (u8, u8, u8)) {
        self.ops().push(Op::Rect { x, y, w, h, color });
    }

    pub fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32) {
        self.ops().push(Op::Line { x1, y1, x2, y2 });
    }

    /// Each table as drawn, page by page.
    pub fn table_pieces(&self) -> &[TablePiece] {
        &self.tables
    }

    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    /// The footer of page `i` (from 0): the footer text, wrapped to at most two lines, and
    /// "第 n 页 / 共 N 页" at the right, in the bottom margin.
    fn footer(&self, i: usize) -> Vec<Op> {
        let size = 7.5;
        let number = crate::signoff::page_number(i + 1, self.pages.len(), self.lang);
        let number_width = self.fonts.width(&number, size, false);
        let width = CONTENT_WIDTH - number_width - 12.0;
        let mut lines = self.fonts.wrap(&self.footer, size, false, width);
        if lines.len() > 2 {
            let rest = lines[1..].join(" ");
            lines = vec![lines[0].clone(), self.fonts.fit(&rest, size, width)];
        }
        let last = PAGE_HEIGHT - MARGIN / 2.0 - 2.0;
        let text = |x: f32, y: f32, text: String| Op::Text { x, y, size, bold: false, text, gray: true };
        let mut ops: Vec<Op> =
            lines.iter().rev().enumerate().map(|(k, line)| text(MARGIN, last - 9.5 * k as f32, line.clone())).collect();
        ops.push(text(PAGE_WIDTH - MARGIN - number_width, last, number));
        ops
    }

    /// Every line of text as placed, footers included.
    pub fn text_boxes(&self) -> Vec<TextBox> {
        let mut out = Vec::new();
        for (page, ops) in self.pages.iter().enumerate() {
            for op in ops.iter().chain(&self.footer(page)) {
                if let Op::Text { x, y, size, bold, text, .. } = op {
                    if text.trim().is_empty() {
                        continue;
                    }
                    out.push(TextBox {
                        page,
                        left: *x,
                        top: y - size * ASCENT,
                        right: x + self.fonts.width(text, *size, *bold),
                        bottom: y + size * DESCENT,
                        text: text.clone(),
                    });
                }
            }
        }
        out
    }

    /// What a reader would find wrong with the pages as laid out: text outside the text area
    /// (the footer's band below it excepted), two lines of text overprinting each other, a
    /// table header at a page foot with fewer than `ROWS_WITH_HEADER` rows under it (or fewer
    /// than the table has left). Empty when all is well; the tests hold every report to it.
    pub fn faults(&self) -> Vec<String> {
        let mut faults = Vec::new();
        let boxes = self.text_boxes();
        let band = PAGE_HEIGHT - MARGIN / 2.0;
        for b in &boxes {
            let bottom = if b.top >= BOTTOM { band } else { BOTTOM };
            if b.left < MARGIN - 0.01
                || b.right > PAGE_WIDTH - MARGIN + 0.01
                || b.top < MARGIN - 0.01
                || b.bottom > bottom + 0.01
            {
                faults.push(format!("page {}: {:?} lies outside the text area", b.page + 1, b.text));
            }
        }
        for (i, a) in boxes.iter().enumerate() {
            for b in boxes[i + 1..].iter().filter(|b| b.page == a.page) {
                let dx = a.right.min(b.right) - a.left.max(b.left);
                let dy = a.bottom.min(b.bottom) - a.top.max(b.top);
                if dx > 0.01 && dy > 0.01 {
                    faults.push(format!("page {}: {:?} overprints {:?}", a.page + 1, a.text, b.text));
                }
            }
        }
        for t in &self.tables {
            if t.header && t.rows < ROWS_WITH_HEADER.min(t.rows_left) {
                faults.push(format!("page {}: a table header with {} of its rows under it", t.page + 1, t.rows));
            }
        }
        faults
    }

    /// Draws every page with its footer.
    pub fn finish(self) -> Result<Vec<u8>, PdfError> {
        let mut document = Document::new();
        let settings =
            PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT).ok_or_else(|| PdfError::Build("page size".into()))?;
        for (i, ops) in self.pages.iter().enumerate() {
            let mut page = document.start_page_with(settings.clone());
            let mut surface = page.surface();
            let black = Fill {
                paint: rgb::Color::new(20, 20, 20).into(),
                opacity: NormalizedF32::ONE,
                rule: Default::default(),
            };
            let gray = Fill { paint: rgb::Color::new(110, 110, 110).into(), ..black.clone() };
            for op in ops.iter().chain(&self.footer(i)) {
                match op {
                    Op::Text { x, y, size, bold, text, gray: is_gray } => {
                        surface.set_fill(Some(if *is_gray { gray.clone() } else { black.clone() }));
                        surface.draw_text(
                            Point::from_xy(*x, *y),
                            self.fonts.face(*bold).font.clone(),
                            *size,
                            text,
                            false,
                            TextDirection::Auto,
                        );
                    }
                    Op::Rect { x, y, w, h, color } => {
                        let Some(rect) = Rect::from_xywh(*x, *y, w.max(0.1), h.max(0.1)) else { continue };
                        let mut pb = PathBuilder::new();
                        pb.push_rect(rect);
                        let Some(path) = pb.finish() else { continue };
                        surface.set_stroke(None);
                        surface.set_fill(Some(Fill {
                            paint: rgb::Color::new(color.0, color.1, color.2).into(),
                            ..black.clone()
                        }));
                        surface.draw_path(&path);
                    }
                    Op::Line { x1, y1, x2, y2 } => {
                        let mut pb = PathBuilder::new();
                        pb.move_to(*x1, *y1);
                        pb.line_to(*x2, *y2);
                        let Some(path) = pb.finish() else { continue };
                        surface.set_fill(None);
                        surface.set_stroke(Some(Stroke {
                            paint: rgb::Color::new(160, 160, 160).into(),
                            width: 0.6,
                            ..Default::default()
                        }));
                        surface.draw_path(&path);
                        surface.set_stroke(None);
                    }
                }
            }
            surface.finish();
            page.finish();
        }
        document.finish().map_err(|e| PdfError::Build(format!("{e:?}")))
    }
}

/// Space between two columns of a table.
fn gap(size: f32) -> f32 {
    size * 1.2
}

#[cfg(test)]
#[path = "pdf_tests.rs"]
mod tests;
