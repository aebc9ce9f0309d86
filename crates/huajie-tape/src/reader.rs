//! Reading a CSV tape as rows of text, whatever its encoding (UTF-8, UTF-8 with a BOM,
//! GBK / GB18030), streaming: a million-row file never sits in memory whole. Files that
//! are not text (an image renamed `.csv`, an xlsx saved under the wrong name) are refused
//! with a reason.

use std::io::{Cursor, Read};

use encoding_rs::{Encoding, GB18030, UTF_8};
use encoding_rs_io::{DecodeReaderBytes, DecodeReaderBytesBuilder};

/// Bytes looked at to tell the encoding and the kind of file.
const SNIFF_BYTES: usize = 64 * 1024;
/// The longest cell accepted (Excel's own limit).
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

/// Why a file cannot be read as a tape at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error("文件为空 / the file is empty")]
    Empty,
    #[error("这不是文本表格文件（看起来是{0}） / this is not a text table (it looks like {0})")]
    NotText(&'static str),
    #[error("这是 Excel 工作簿，请以 .xlsx/.xls 文件导入 / this is an Excel workbook: import it as .xlsx/.xls")]
    Workbook,
    #[error(
        "工作簿无法读取（文件损坏或不是 Excel 文件）：{0} / the workbook cannot be read (damaged, or not an Excel file): {0}"
    )]
    BadWorkbook(String),
    #[error(
        "第{row}行第{column}列的单元格超过{max}个字符 / the cell in row {row}, column {column} is longer than {max} characters"
    )]
    CellTooLong { row: usize, column: usize, max: usize },
    #[error("第{row}行无法读取：{detail} / row {row} cannot be read: {detail}")]
    BadRow { row: usize, detail: String },
    #[error("读取文件失败：{0} / the file could not be read: {0}")]
    Io(String),
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
            Ok(r) => {
                if let Some((i, _)) = r.iter().enumerate().find(|(_, c)| c.chars().count() > CELL_CHARS_MAX) {
                    Err(ReadError::CellTooLong { row, column: i + 1, max: CELL_CHARS_MAX })
                } else {
                    Ok((row, r.iter().map(str::to_string).collect()))
                }
            }
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
    fn an_overlong_cell_is_an_error_on_its_row_not_a_crash() {
        let mut data = b"a,b\nx,".to_vec();
        data.extend(std::iter::repeat_n(b'y', 1024 * 1024));
        data.extend_from_slice(b"\nz,w\n");
        let (_, r) = rows(&data);
        assert_eq!(r[1].as_ref().err(), Some(&ReadError::CellTooLong { row: 2, column: 2, max: CELL_CHARS_MAX }));
        assert_eq!(r[2].as_ref().unwrap().1, ["z", "w"], "reading goes on after it");
    }
}
