//! Bank statements and court payment notices (issue 15, reconciliation) as they come: a CSV in
//! UTF-8 or GBK (`reader.rs`) or a workbook (`workbook.rs`), the header found under the bank's
//! title rows by its column names — 交易日期/记账日期, 金额/贷方发生额 (a 借方发生额 column read
//! as money out), 对方户名/付款人, 摘要/附言/用途; a court's notice by its 案号 column, with 款项
//! and 被执行人. All or nothing: the first line that cannot be read refuses the whole file,
//! naming its row (as Excel shows it) and its column.

use chrono::NaiveDate;
use huajie_core::Text;

use crate::coerce::{AmountUnit, is_blank, normalize, parse_date, parse_money_exact};
use crate::header::{is_total_row, normalize_header};
use crate::reader::{ReadError, RowItem, open_csv};
use crate::workbook::read_workbook;

/// Rows searched for the header.
const HEADER_ROWS: usize = 20;

/// What a file is: a bank's statement, or a court's notice of money paid out (案款发放).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatementKind {
    Bank,
    CourtNotice,
}

/// One line of money: its row as Excel shows it, the day, the amount in fen (received
/// positive), who paid, and the memo. A court notice's line names the 被执行人 as the payer and
/// carries `执行款` and its 案号 in the memo (the money is the court's distribution).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementRow {
    pub row: usize,
    pub date: NaiveDate,
    pub amount_fen: i64,
    pub payer: String,
    pub reference: String,
}

/// A statement read whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub kind: StatementKind,
    pub rows: Vec<StatementRow>,
}

/// Why a file was refused: the row (0 for the file as a whole) and the column named in the
/// message, Chinese and English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementProblem {
    pub row: usize,
    pub message: Text,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Col {
    Date,
    Credit,
    Debit,
    Payer,
    Memo,
    CaseNo,
    Court,
}

/// Each column's names, as banks and courts write them (compared once normalised).
const NAMES: &[(Col, &[&str])] = &[
    (Col::Date, &["交易日期", "记账日期", "入账日期", "交易时间", "日期", "付款日期", "发放日期", "支付日期", "date"]),
    (
        Col::Credit,
        &["贷方发生额", "贷方金额", "收入金额", "收入", "金额", "交易金额", "款项", "款项金额", "发放金额", "amount"],
    ),
    (Col::Debit, &["借方发生额", "借方金额", "支出金额", "支出"]),
    (Col::Payer, &["对方户名", "付款人", "付款人名称", "对方账户名称", "对方名称", "付款方", "被执行人", "payer"]),
    (Col::Memo, &["摘要", "附言", "用途", "交易附言", "备注", "款项说明", "memo", "reference"]),
    (Col::CaseNo, &["案号", "执行案号", "case_no"]),
    (Col::Court, &["法院", "执行法院", "付款法院"]),
];

/// The header: where each column is, its name as written, and its unit.
struct Header {
    row: usize,
    at: Vec<(Col, usize, String, AmountUnit)>,
}

impl Header {
    fn find(row: usize, cells: &[String]) -> Option<Header> {
        let mut at: Vec<(Col, usize, String, AmountUnit)> = Vec::new();
        for (i, cell) in cells.iter().enumerate() {
            let (name, unit) = normalize_header(cell);
            let hit = NAMES.iter().find(|(_, names)| names.iter().any(|n| n.eq_ignore_ascii_case(&name)));
            if let Some((col, _)) = hit
                && !at.iter().any(|(c, ..)| c == col)
            {
                at.push((*col, i, normalize(cell), unit.unwrap_or_default()));
            }
        }
        let has = |c: Col| at.iter().any(|(x, ..)| *x == c);
        (has(Col::Date) && has(Col::Credit)).then_some(Header { row, at })
    }

    fn get(&self, c: Col) -> Option<&(Col, usize, String, AmountUnit)> {
        self.at.iter().find(|(x, ..)| *x == c)
    }

    fn kind(&self) -> StatementKind {
        if self.get(Col::CaseNo).is_some() { StatementKind::CourtNotice } else { StatementKind::Bank }
    }
}

/// Excel's name of column `i` (0 → A, 26 → AA).
fn letter(i: usize) -> String {
    let mut n = i + 1;
    let mut s = Vec::new();
    while n > 0 {
        s.push(b'A' + ((n - 1) % 26) as u8);
        n = (n - 1) / 26;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

fn file_problem(e: &ReadError) -> StatementProblem {
    let both = e.to_string();
    let message = match both.split_once(" / ") {
        Some((zh, en)) => Text::new(zh.to_string(), en.to_string()),
        None => Text::new(both.clone(), both),
    };
    let row = match e {
        ReadError::BadRow { row, .. } => *row,
        _ => 0,
    };
    StatementProblem { row, message }
}

/// A cell that cannot be read: its row, its column by name and letter, what is wrong, the value.
fn cell_problem(
    row: usize,
    col: &(Col, usize, String, AmountUnit),
    zh: &str,
    en: &str,
    value: &str,
) -> StatementProblem {
    let (_, i, name, _) = col;
    let l = letter(*i);
    StatementProblem {
        row,
        message: Text::new(
            format!("第{row}行“{name}”列（{l}列）{zh}：{value}"),
            format!("row {row}, column “{name}” ({l}): {en}: {value}"),
        ),
    }
}

/// One data row as a line, or why it cannot be read.
fn line(h: &Header, row: usize, cells: &[String]) -> Result<StatementRow, StatementProblem> {
    let cell = |c: Col| h.get(c).and_then(|(_, i, ..)| cells.get(*i)).map(|s| normalize(s)).unwrap_or_default();
    let date_col = h.get(Col::Date).expect("the header has a date column");
    let date = parse_date(&cell(Col::Date))
        .map_err(|_| cell_problem(row, date_col, "不是日期", "not a date", &cell(Col::Date)))?;
    let money = |c: Col| -> Result<Option<i64>, StatementProblem> {
        let Some(col) = h.get(c) else { return Ok(None) };
        let v = cell(c);
        if is_blank(&v) {
            return Ok(None);
        }
        let m = parse_money_exact(&v, col.3).map_err(|e| cell_problem(row, col, &format!("{e}"), e.en(), &v))?;
        Ok(Some(m.fen()))
    };
    let amount_fen = match (money(Col::Credit)?, money(Col::Debit)?) {
        (Some(c), None) | (Some(c), Some(0)) => c,
        (None | Some(0), Some(d)) => -d,
        (Some(_), Some(_)) => {
            let col = h.get(Col::Debit).expect("read above");
            return Err(cell_problem(row, col, "与贷方金额同时有值", "both money in and money out", &cell(Col::Debit)));
        }
        (None, None) => {
            let col = h.get(Col::Credit).expect("the header has an amount column");
            return Err(cell_problem(row, col, "金额为空", "no amount", ""));
        }
    };
    let memo = cell(Col::Memo);
    let (payer, reference) = match h.kind() {
        StatementKind::Bank => (cell(Col::Payer), memo),
        StatementKind::CourtNotice => {
            let case_no = cell(Col::CaseNo);
            if case_no.is_empty() {
                let col = h.get(Col::CaseNo).expect("a court notice has a case number column");
                return Err(cell_problem(row, col, "案号为空", "no case number", ""));
            }
            let payer = Some(cell(Col::Payer)).filter(|p| !p.is_empty()).unwrap_or_else(|| cell(Col::Court));
            let reference = [format!("执行款 {case_no}"), cell(Col::Court), memo];
            (payer, reference.into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" "))
        }
    };
    Ok(StatementRow { row, date, amount_fen, payer, reference })
}

/// The statement in `rows`: the header found, then every line, all or nothing.
fn read_rows(rows: impl Iterator<Item = RowItem>) -> Result<Statement, StatementProblem> {
    let mut header: Option<Header> = None;
    let mut out = Vec::new();
    for item in rows {
        let (row, cells) = item.map_err(|e| file_problem(&e))?;
        if header.is_none() {
            header = Header::find(row, &cells);
            if header.is_none() && row >= HEADER_ROWS {
                break;
            }
            continue;
        }
        let Some(h) = header.as_ref() else { continue };
        if cells.iter().all(|c| is_blank(c)) {
            continue;
        }
        if is_total_row(&cells) {
            break;
        }
        out.push(line(h, row, &cells)?);
    }
    let Some(h) = header else {
        return Err(StatementProblem {
            row: 0,
            message: Text::fixed(
                "找不到表头：须有日期列（交易日期/记账日期）和金额列（金额/贷方发生额/款项）",
                "no header found: a date column (交易日期/记账日期) and an amount column (金额/贷方发生额/款项) are needed",
            ),
        });
    };
    if out.is_empty() {
        return Err(StatementProblem {
            row: h.row,
            message: Text::fixed("表头下没有任何交易行", "no lines under the header"),
        });
    }
    Ok(Statement { kind: h.kind(), rows: out })
}

/// Reads a statement file, a workbook (its first sheet with a header) or a CSV, by its bytes.
pub fn read_statement(bytes: Vec<u8>) -> Result<Statement, StatementProblem> {
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"\xD0\xCF\x11\xE0") {
        let sheets = read_workbook(bytes).map_err(|e| file_problem(&e))?;
        let mut first = None;
        for sheet in sheets {
            match read_rows(sheet.rows.into_iter()) {
                Ok(s) => return Ok(s),
                Err(p) if p.row > 0 => return Err(p),
                Err(p) => first = first.or(Some(p)),
            }
        }
        return Err(first.unwrap_or_else(|| file_problem(&ReadError::Empty)));
    }
    let (_, rows) = open_csv(std::io::Cursor::new(bytes)).map_err(|e| file_problem(&e))?;
    read_rows(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bank_statement_under_its_title_rows_in_gbk() {
        let text = "中国工商银行账户明细\n账号：1202,,,,\n交易日期,贷方发生额（元）,借方发生额,对方户名,摘要\n\
                    2026/11/02,\"50,000.00\",,张三,还款\n2026-11-03,,12.5,银行,手续费\n,,,,\n合计,50000,12.5,,\n";
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        let s = read_statement(gbk.into_owned()).unwrap();
        assert_eq!(s.kind, StatementKind::Bank);
        assert_eq!(s.rows.len(), 2, "the blank and total rows are not lines");
        assert_eq!((s.rows[0].row, s.rows[0].amount_fen, s.rows[0].payer.as_str()), (4, 5_000_000, "张三"));
        assert_eq!((s.rows[1].amount_fen, s.rows[1].reference.as_str()), (-1_250, "手续费"));
    }

    #[test]
    fn a_court_notice_names_the_case_and_the_debtor() {
        let text = "案号,被执行人,款项,发放日期,执行法院\n（2025）沪0115执1234号,张三,1000,2026-11-05,上海市浦东新区人民法院\n";
        let s = read_statement(text.as_bytes().to_vec()).unwrap();
        assert_eq!(s.kind, StatementKind::CourtNotice);
        let r = &s.rows[0];
        assert_eq!((r.payer.as_str(), r.amount_fen), ("张三", 100_000));
        assert_eq!(r.reference, "执行款 (2025)沪0115执1234号 上海市浦东新区人民法院");
    }

    #[test]
    fn one_bad_line_refuses_the_file_naming_its_row_and_column() {
        let text = "记账日期,金额,付款人\n2026-11-02,100,张三\n2026-11-03,一百元,李四\n";
        let p = read_statement(text.as_bytes().to_vec()).unwrap_err();
        assert_eq!(p.row, 3);
        assert_eq!(p.message.zh, "第3行“金额”列（B列）不是金额：一百元");
        assert!(p.message.en.starts_with("row 3, column “金额” (B): not an amount"), "{}", p.message.en);
        let p = read_statement("记账日期,金额\n昨天,100\n".as_bytes().to_vec()).unwrap_err();
        assert_eq!(p.message.zh, "第2行“记账日期”列（A列）不是日期：昨天");
        let p = read_statement("姓名,年龄\n张三,30\n".as_bytes().to_vec()).unwrap_err();
        assert_eq!(p.row, 0);
        assert!(p.message.zh.starts_with("找不到表头"));
    }

    #[test]
    fn a_workbook_is_read_as_its_csv_is() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let ws = book.add_worksheet();
        for (c, h) in ["交易日期", "金额", "对方户名", "附言"].iter().enumerate() {
            ws.write_string(0, c as u16, *h).unwrap();
        }
        ws.write_string(1, 0, "2026-11-02").unwrap();
        ws.write_number(1, 1, 700.5).unwrap();
        ws.write_string(1, 2, "王五有限公司").unwrap();
        ws.write_string(1, 3, "(2025)沪0115执1234号").unwrap();
        let s = read_statement(book.save_to_buffer().unwrap()).unwrap();
        assert_eq!((s.rows[0].row, s.rows[0].amount_fen, s.kind), (2, 70_050, StatementKind::Bank));
        assert_eq!([letter(0), letter(25), letter(26)], ["A", "Z", "AA"]);
    }
}
