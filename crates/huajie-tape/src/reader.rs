//! Reading a CSV tape as rows of text, whatever its encoding (UTF-8, UTF-8 with a BOM,
//! GBK / GB18030), streaming: a million-row file never sits in memory whole. Files that
//! are not text (an image renamed `.csv`, an xlsx saved under the wrong name) are refused
//! with a reason.

use std::io::{Cursor, Read};

use encoding_rs::{Encoding, GB18030, UTF_8};
use encoding_rs_io::{DecodeReaderBytes, DecodeReaderBytesBuilder};

/// Bytes looked at to tell the encoding and the kind of file.
const SNIFF_BYTES: usize = 64 * 1024;
/// The longest value a mapped column may hold (Excel's own limit for a cell); the cells
/// of columns the tape's mapping leaves out are not read, whatever their length.
pub const CELL_CHARS_MAX: usize = 32_767;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEncoding {
    Utf8,
    Utf8WithBom,
    Gb18030,
}

impl TextEncoding {
    pub fn label(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Utf8WithBom => "UTF-8 (BOM)",
            TextEncoding::Gb18030 => "GBK/GB18030",
        }
    }
}

/// Why a file cannot be read as a tape at all. Each message is Chinese, then English;
/// a library's own words, when they help, go into the English half only.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error("文件为空 / the file is empty")]
    Empty,
    #[error("这不是文本表格文件（看起来是{0}） / this is not a text table (it looks like {0})")]
    NotText(&'static str),
    #[error("这是 Excel 工作簿，请以 .xlsx/.xls 文件导入 / this is an Excel workbook: import it as .xlsx/.xls")]
    Workbook,
    #[error("{} / {}", .0.zh(), .0.en())]
    BadWorkbook(WorkbookFault),
    #[error("{} / {}", .0.zh(), .0.en())]
    TooLarge(WorkbookLimit),
    #[error("第{row}行无法读取（引号不成对或格式损坏） / row {row} cannot be read: {detail}")]
    BadRow { row: usize, detail: String },
    #[error("读取文件失败 / the file could not be read: {0}")]
    Io(String),
}

/// Why a workbook cannot be opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WorkbookFault {
    /// Not a workbook at all (neither a zip nor an OLE container).
    NotAWorkbook,
    /// Damaged or cut short; the library's reason, in English.
    Damaged(String),
    /// Protected by a password.
    Encrypted,
}

impl WorkbookFault {
    pub fn zh(&self) -> &'static str {
        match self {
            WorkbookFault::NotAWorkbook => "这不是 Excel 工作簿，无法读取",
            WorkbookFault::Damaged(_) => "工作簿已损坏或不完整（例如传输中被截断），无法读取；请重新导出后再导入",
            WorkbookFault::Encrypted => "工作簿设有打开密码，无法读取；请取消密码后再导入",
        }
    }

    pub fn en(&self) -> String {
        match self {
            WorkbookFault::NotAWorkbook => "this is not an Excel workbook".into(),
            WorkbookFault::Damaged(detail) => format!("the workbook is damaged or incomplete ({detail})"),
            WorkbookFault::Encrypted => "the workbook is protected by a password: remove it and import again".into(),
        }
    }
}

/// A limit a workbook passes (`workbook::LIMITS`), with the limit's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkbookLimit {
    /// Bytes the archive decompresses to.
    Decompressed(u64),
    /// Entries in the archive.
    Entries(usize),
    Rows(usize),
    Cells(usize),
    /// Bytes of cell text.
    Text(usize),
}

impl WorkbookLimit {
    pub fn zh(&self) -> String {
        let what = match *self {
            WorkbookLimit::Decompressed(n) => format!("解压后超过 {} MiB", n / (1024 * 1024)),
            WorkbookLimit::Entries(n) => format!("压缩包内超过 {n} 个文件"),
            WorkbookLimit::Rows(n) => format!("超过 {n} 行"),
            WorkbookLimit::Cells(n) => format!("超过 {n} 个单元格"),
            WorkbookLimit::Text(n) => format!("单元格文字超过 {} MiB", n / (1024 * 1024)),
        };
        format!("工作簿过大：{what}，已拒绝读取（防止解压炸弹）；请拆分后导入，或另存为 CSV 后导入")
    }

    pub fn en(&self) -> String {
        let what = match *self {
            WorkbookLimit::Decompressed(n) => format!("it decompresses to more than {} MiB", n / (1024 * 1024)),
            WorkbookLimit::Entries(n) => format!("its archive holds more than {n} files"),
            WorkbookLimit::Rows(n) => format!("it has more than {n} rows"),
            WorkbookLimit::Cells(n) => format!("it has more than {n} cells"),
            WorkbookLimit::Text(n) => format!("its cells hold more than {} MiB of text", n / (1024 * 1024)),
        };
        format!("the workbook is too large: {what}; it was not read. Split it, or save it as CSV and import that")
    }
}

impl ReadError {
    /// The message in one language (`Display` gives both, Chinese first).
    pub fn message(&self, lang: huajie_core::Lang) -> String {
        lang.half(&self.to_string())
    }
}

/// Tells what a file's first bytes say it is, when not text.
fn binary_kind(sample: &[u8]) -> Option<Result<(), ReadError>> {
    let starts = |magic: &[u8]| sample.starts_with(magic);
    if starts(b"PK\x03\x04") || starts(b"\xD0\xCF\x11\xE0") {
        return Some(Err(ReadError::Workbook));
    }
    let kind = if starts(b"\x89PNG") {
        "PNG 图片 / a PNG image"
    } else if starts(b"\xFF\xD8\xFF") {
        "JPEG 图片 / a JPEG image"
    } else if starts(b"GIF8") {
        "GIF 图片 / a GIF image"
    } else if starts(b"%PDF") {
        "PDF 文档 / a PDF document"
    } else if sample.contains(&0) {
        "二进制文件 / a binary file"
    } else {
        return None;
    };
    Some(Err(ReadError::NotText(kind)))
}

fn sniff_encoding(sample: &[u8]) -> TextEncoding {
    if sample.starts_with(b"\xEF\xBB\xBF") {
        return TextEncoding::Utf8WithBom;
    }
    match std::str::from_utf8(sample) {
        Ok(_) => TextEncoding::Utf8,
        // Cut mid-character at the end of the sample: still UTF-8.
        Err(e) if e.error_len().is_none() => TextEncoding::Utf8,
        Err(_) => TextEncoding::Gb18030,
    }
}

/// One row of a tape: its number as Excel shows it and its cells, or why it cannot be read.
pub type RowItem = Result<(usize, Vec<String>), ReadError>;

type Source<R> = DecodeReaderBytes<std::io::Chain<Cursor<Vec<u8>>, R>, Vec<u8>>;

/// The rows of a CSV tape, each with the row number a user sees when the file is
/// opened in Excel (1-based).
pub struct CsvRows<R: Read> {
    records: csv::StringRecordsIntoIter<Source<R>>,
    row: usize,
}

/// Opens a CSV tape: refuses non-text files, detects the encoding, and returns the rows.
pub fn open_csv<R: Read>(mut reader: R) -> Result<(TextEncoding, CsvRows<R>), ReadError> {
    let mut sample = Vec::with_capacity(SNIFF_BYTES);
    (&mut reader).take(SNIFF_BYTES as u64).read_to_end(&mut sample).map_err(|e| ReadError::Io(e.to_string()))?;
    if sample.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ReadError::Empty);
    }
    if let Some(Err(e)) = binary_kind(&sample) {
        return Err(e);
    }
    let encoding = sniff_encoding(&sample);
    let enc: &'static Encoding = match encoding {
        TextEncoding::Utf8 | TextEncoding::Utf8WithBom => UTF_8,
        TextEncoding::Gb18030 => GB18030,
    };
    let decoded =
        DecodeReaderBytesBuilder::new().encoding(Some(enc)).bom_override(true).build(Cursor::new(sample).chain(reader));
    let records = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(decoded).into_records();
    Ok((encoding, CsvRows { records, row: 0 }))
}

impl<R: Read> Iterator for CsvRows<R> {
    type Item = RowItem;

    fn next(&mut self) -> Option<Self::Item> {
        let record = self.records.next()?;
        self.row += 1;
        let row = self.row;
        Some(match record {
            Ok(r) => Ok((row, r.iter().map(str::to_string).collect())),
            Err(e) => Err(ReadError::BadRow { row, detail: e.to_string() }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(bytes: &[u8]) -> (TextEncoding, Vec<RowItem>) {
        let (enc, rows) = open_csv(bytes).unwrap();
        (enc, rows.collect())
    }

    #[test]
    fn every_encoding_banks_use() {
        let text = "借款人名称,本金余额\n杭州某某纺织有限公司,\"1,234.56\"\n";
        let (enc, r) = rows(text.as_bytes());
        assert_eq!(enc, TextEncoding::Utf8);
        assert_eq!(r[1].as_ref().unwrap().1, ["杭州某某纺织有限公司", "1,234.56"]);

        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(text.as_bytes());
        let (enc, r) = rows(&bom);
        assert_eq!(enc, TextEncoding::Utf8WithBom);
        assert_eq!(r[0].as_ref().unwrap().1[0], "借款人名称", "the BOM is not part of the first cell");

        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        let (enc, r) = rows(&gbk);
        assert_eq!(enc, TextEncoding::Gb18030);
        assert_eq!(r[1].as_ref().unwrap().1[0], "杭州某某纺织有限公司");
    }

    #[test]
    fn mixed_line_endings_and_row_numbers() {
        let (_, r) = rows(b"a,b\r\nc,d\ne,f\rg,h");
        let numbered: Vec<(usize, String)> =
            r.into_iter().map(|x| x.unwrap()).map(|(n, c)| (n, c[0].clone())).collect();
        assert_eq!(numbered, [(1, "a".into()), (2, "c".into()), (3, "e".into()), (4, "g".into())]);
    }

    #[test]
    fn files_that_are_not_tapes_are_refused() {
        assert_eq!(open_csv(&b""[..]).err(), Some(ReadError::Empty));
        assert_eq!(open_csv(&b" \n\n"[..]).err(), Some(ReadError::Empty));
        assert!(
            matches!(open_csv(&b"\x89PNG\r\n\x1a\n\0\0\0"[..]).err(), Some(ReadError::NotText(k)) if k.contains("PNG"))
        );
        assert_eq!(open_csv(&b"PK\x03\x04rest-of-a-zip"[..]).err(), Some(ReadError::Workbook));
        assert!(matches!(open_csv(&b"a,b\0c"[..]).err(), Some(ReadError::NotText(_))));
    }

    #[test]
    fn a_long_cell_is_read_whole_for_the_sheet_to_judge() {
        let mut data = b"a,b\nx,".to_vec();
        data.extend(std::iter::repeat_n(b'y', 1024 * 1024));
        data.extend_from_slice(b"\nz,w\n");
        let (_, r) = rows(&data);
        assert_eq!(r[1].as_ref().unwrap().1[1].len(), 1024 * 1024);
        assert_eq!(r[2].as_ref().unwrap().1, ["z", "w"], "reading goes on after it");
    }
}
