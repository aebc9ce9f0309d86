//! PDF that renders Chinese: a CJK font found on the machine (Noto Sans CJK SC from
//! Debian's `fonts-noto-cjk`, or `HUAJIE_CJK_FONT=path[#face]`), subset into the file by
//! krilla. Pages are laid out here as a list of drawing operations — text measured with
//! the font's own advance widths, rectangles, lines — then drawn in one pass.

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
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Align {
    Left,
    Right,
}

#[derive(Debug, Clone)]
enum Op {
    Text { x: f32, y: f32, size: f32, bold: bool, text: String, gray: bool },
    Rect { x: f32, y: f32, w: f32, h: f32, color: (u8, u8, u8) },
    Line { x1: f32, y1: f32, x2: f32, y2: f32 },
}

/// Pages being laid out: a cursor moving down, a new page when it reaches the margin.
pub struct Layout<'f> {
    pub fonts: &'f Fonts,
    pages: Vec<Vec<Op>>,
    /// Distance from the top of the page, points.
    pub y: f32,
    footer: String,
}

impl<'f> Layout<'f> {
    pub fn new(fonts: &'f Fonts, footer: String) -> Layout<'f> {
        Layout { fonts, pages: vec![Vec::new()], y: MARGIN, footer }
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        self.pages.last_mut().expect("there is always a page")
    }

    /// Starts a new page when less than `height` is left.
    pub fn need(&mut self, height: f32) {
        if self.y + height > PAGE_HEIGHT - MARGIN {
            self.pages.push(Vec::new());
            self.y = MARGIN;
        }
    }

    pub fn text(&mut self, x: f32, size: f32, bold: bool, text: &str, align: Align) {
        let x = match align {
            Align::Left => x,
            Align::Right => x - self.fonts.width(text, size, bold),
        };
        let y = self.y + size;
        self.ops().push(Op::Text { x, y, size, bold, text: text.to_string(), gray: false });
    }

    pub fn note(&mut self, x: f32, size: f32, text: &str) {
        let y = self.y + size;
        self.ops().push(Op::Text { x, y, size, bold: false, text: text.to_string(), gray: true });
    }

    /// A line of text wrapped to `width`, character by character (right for Chinese).
    pub fn paragraph(&mut self, size: f32, text: &str) {
        let width = PAGE_WIDTH - 2.0 * MARGIN;
        let mut line = String::new();
        for c in text.chars() {
            line.push(c);
            if self.fonts.width(&line, size, false) > width {
                line.pop();
                self.need(size * 1.5);
                self.text(MARGIN, size, false, &line, Align::Left);
                self.y += size * 1.5;
                line = c.to_string();
            }
        }
        if !line.is_empty() {
            self.need(size * 1.5);
            self.text(MARGIN, size, false, &line, Align::Left);
            self.y += size * 1.5;
        }
    }

    pub fn heading(&mut self, text: &str) {
        self.need(40.0);
        self.y += 8.0;
        self.text(MARGIN, 13.0, true, text, Align::Left);
        self.y += 18.0;
        let y = self.y;
        self.ops().push(Op::Line { x1: MARGIN, y1: y, x2: PAGE_WIDTH - MARGIN, y2: y });
        self.y += 6.0;
    }

    /// A table: column right edges (or left edges for left-aligned columns), header, rows.
    pub fn table(&mut self, columns: &[(f32, Align)], header: &[String], rows: &[Vec<String>]) {
        let size = 8.5;
        let row_height = 13.0;
        let draw = |l: &mut Layout, cells: &[String], bold: bool| {
            for ((x, align), cell) in columns.iter().zip(cells) {
                l.text(*x, size, bold, cell, *align);
            }
            l.y += row_height;
        };
        self.need(row_height * 2.0);
        draw(self, header, true);
        for row in rows {
            if self.y + row_height > PAGE_HEIGHT - MARGIN {
                self.need(row_height * 2.0);
                draw(self, header, true);
            }
            draw(self, row, false);
        }
        self.y += 6.0;
    }

    pub fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, color: (u8, u8, u8)) {
        self.ops().push(Op::Rect { x, y, w, h, color });
    }

    pub fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32) {
        self.ops().push(Op::Line { x1, y1, x2, y2 });
    }

    /// Draws every page, with "page n / N" and the footer at the bottom.
    pub fn finish(self) -> Result<Vec<u8>, PdfError> {
        let mut document = Document::new();
        let n = self.pages.len();
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
            let footer = format!("{}    {} / {}", self.footer, i + 1, n);
            let mut all = ops.clone();
            all.push(Op::Text {
                x: MARGIN,
                y: PAGE_HEIGHT - MARGIN / 2.0,
                size: 7.5,
                bold: false,
                text: footer,
                gray: true,
            });
            for op in &all {
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
