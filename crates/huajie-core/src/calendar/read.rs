//! The calendar's CSV file: reading it (every problem named by its line), the checks on a
//! calendar's rows, and writing it.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate, Weekday};

use super::{CalendarDay, CalendarProblem, DayKind, YEARS};

/// The columns of the file: code and Chinese name (a header may use either).
pub const COLUMNS: [(&str, &str); 6] = [
    ("year", "年度"),
    ("day", "日期"),
    ("kind", "类型"),
    ("festival", "节日"),
    ("provisional", "暂定"),
    ("source", "来源"),
];

/// The most rows a file may hold (a century of holidays is about 4,000).
const ROWS_MAX: usize = 20_000;

/// Reads a calendar's CSV (UTF-8, with or without a byte-order mark; a header naming the six
/// `COLUMNS` in any order; blank lines skipped). All or nothing: every problem is named by its
/// line, and the rows are then checked as a whole (`check_rows`).
pub fn read_csv(bytes: &[u8]) -> Result<Vec<CalendarDay>, Vec<CalendarProblem>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if std::str::from_utf8(bytes).is_err() {
        return Err(vec![CalendarProblem {
            line: None,
            text: crate::Text::fixed(
                "文件不是 UTF-8 编码：请在 Excel 中另存为“CSV UTF-8（逗号分隔）”",
                "the file is not UTF-8: save it from Excel as “CSV UTF-8 (comma delimited)”",
            ),
        }]);
    }
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(bytes);
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(h)) => h,
        _ => return Err(vec![whole_file("文件是空的：没有表头", "the file is empty: no header")]),
    };
    let columns = header_columns(&header)?;
    let mut problems = Vec::new();
    let mut rows: Vec<(usize, CalendarDay)> = Vec::new();
    for record in records {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize);
                problems.push(CalendarProblem::at(line, "无法读取此行".into(), format!("cannot read this line: {e}")));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line() as usize);
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if rows.len() == ROWS_MAX {
            problems.push(CalendarProblem::at(
                line,
                format!("行数超过上限 {ROWS_MAX}"),
                format!("more than {ROWS_MAX} rows"),
            ));
            break;
        }
        let field = |i: usize| record.get(columns[i]).unwrap_or("").trim();
        match read_row(line, field) {
            Ok(row) => rows.push((line, row)),
            Err(mut p) => problems.append(&mut p),
        }
    }
    if problems.is_empty() {
        let numbered: Vec<(usize, &CalendarDay)> = rows.iter().map(|(l, r)| (*l, r)).collect();
        problems = check_rows(&numbered);
    }
    if problems.is_empty() { Ok(rows.into_iter().map(|(_, r)| r).collect()) } else { Err(problems) }
}

fn whole_file(zh: &'static str, en: &'static str) -> CalendarProblem {
    CalendarProblem { line: None, text: crate::Text::fixed(zh, en) }
}

/// Where each of `COLUMNS` is in the header.
fn header_columns(header: &csv::StringRecord) -> Result<[usize; 6], Vec<CalendarProblem>> {
    let names: Vec<&str> = header.iter().map(|h| h.trim()).collect();
    let mut at = [0; 6];
    let mut missing = Vec::new();
    for (i, (code, zh)) in COLUMNS.iter().enumerate() {
        match names.iter().position(|n| n.eq_ignore_ascii_case(code) || n == zh) {
            Some(p) => at[i] = p,
            None => missing.push(format!("{code}（{zh}）")),
        }
    }
    if missing.is_empty() {
        return Ok(at);
    }
    let expected = COLUMNS.iter().map(|(c, _)| *c).collect::<Vec<_>>().join(",");
    Err(vec![CalendarProblem::at(
        1,
        format!("表头缺少列：{}；表头应为 {expected}", missing.join("、")),
        format!("the header lacks the column(s) {}; it should be {expected}", missing.join(", ")),
    )])
}

/// One row, each bad field named.
fn read_row<'a>(line: usize, field: impl Fn(usize) -> &'a str) -> Result<CalendarDay, Vec<CalendarProblem>> {
    let mut problems = Vec::new();
    let mut bad = |zh: String, en: String| problems.push(CalendarProblem::at(line, zh, en));
    let year = field(0).parse::<i32>().ok().filter(|y| YEARS.contains(y));
    if year.is_none() {
        bad(
            format!("年度“{}”应为 {}—{} 之间的年份", field(0), YEARS.start(), YEARS.end()),
            format!("year “{}” should be a year from {} to {}", field(0), YEARS.start(), YEARS.end()),
        );
    }
    let day = ["%Y-%m-%d", "%Y/%m/%d"].iter().find_map(|f| NaiveDate::parse_from_str(field(1), f).ok());
    if day.is_none() {
        bad(
            format!("日期“{}”应为 YYYY-MM-DD 格式的日期", field(1)),
            format!("day “{}” should be a date as YYYY-MM-DD", field(1)),
        );
    }
    let kind = DayKind::from_any_name(field(2));
    if kind.is_none() {
        bad(
            format!("类型“{}”应为“放假”或“调休上班”", field(2)),
            format!("kind “{}” should be “holiday” or “makeup_workday” (放假, 调休上班)", field(2)),
        );
    }
    let provisional = match field(4).to_ascii_lowercase().as_str() {
        "是" | "yes" | "true" | "1" => Some(true),
        "否" | "no" | "false" | "0" => Some(false),
        _ => None,
    };
    if provisional.is_none() {
        bad(
            format!("暂定“{}”应为“是”或“否”", field(4)),
            format!("provisional “{}” should be yes or no (是, 否)", field(4)),
        );
    }
    for (i, zh, en) in [(3, "节日", "festival"), (5, "来源", "source")] {
        if field(i).is_empty() {
            bad(format!("{zh}不能为空"), format!("the {en} is empty"));
        }
    }
    match (year, day, kind, provisional) {
        (Some(year), Some(day), Some(kind), Some(provisional)) if problems.is_empty() => Ok(CalendarDay {
            year,
            day,
            kind,
            festival: field(3).to_string(),
            provisional,
            source: field(5).to_string(),
        }),
        _ => Err(problems),
    }
}

/// The checks on a calendar's rows as a whole, each problem on its row's line: a year in
/// range, a day in its notice's year or the December before, a day listed once, a make-up
/// working day on a Saturday or Sunday, one source and one provisional mark per year, a
/// festival and a source given, and at least one row.
pub(crate) fn check_rows(rows: &[(usize, &CalendarDay)]) -> Vec<CalendarProblem> {
    let mut problems = Vec::new();
    if rows.is_empty() {
        problems.push(whole_file("日历中没有任何日期", "the calendar lists no day"));
    }
    let mut seen: HashMap<NaiveDate, usize> = HashMap::new();
    let mut first_of_year: BTreeMap<i32, (usize, &CalendarDay)> = BTreeMap::new();
    for &(line, r) in rows {
        let mut bad = |zh: String, en: String| problems.push(CalendarProblem::at(line, zh, en));
        if !YEARS.contains(&r.year) {
            bad(
                format!("年度 {} 超出 {}—{}", r.year, YEARS.start(), YEARS.end()),
                format!("year {} is outside {}–{}", r.year, YEARS.start(), YEARS.end()),
            );
            continue;
        }
        let (day, year) = (r.day, r.year);
        let in_year = day.year() == year || (day.year() == year - 1 && day.month() == 12);
        if !in_year {
            bad(
                format!("日期 {day} 不属于 {year} 年的安排（应在 {year} 年内，或上一年 12 月）"),
                format!("{day} is not part of {year}'s arrangement (it should be in {year}, or the December before)"),
            );
        }
        if let Some(other) = seen.insert(day, line) {
            bad(
                format!("日期 {day} 重复（第 {other} 行已列出）"),
                format!("{day} is listed twice (already on line {other})"),
            );
        }
        if r.kind == DayKind::MakeupWorkday && !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            bad(
                format!("调休上班日 {day} 不是周六或周日：工作日本就上班"),
                format!("make-up working day {day} is not a Saturday or Sunday: a weekday is a working day anyway"),
            );
        }
        if r.festival.trim().is_empty() || r.source.trim().is_empty() {
            bad("节日和来源不能为空".into(), "the festival and the source must be given".into());
        }
        let (first_line, first) = *first_of_year.entry(year).or_insert((line, r));
        if first.source != r.source || first.provisional != r.provisional {
            bad(
                format!("{year} 年各行的来源或“暂定”标记须一致（与第 {first_line} 行不同）"),
                format!(
                    "{year}'s rows must share one source and one provisional mark (this differs from line {first_line})"
                ),
            );
        }
    }
    problems
}

/// The rows as the CSV file (`COLUMNS` by code, kinds and marks in Chinese, as shipped).
pub(crate) fn write_csv(rows: &[CalendarDay]) -> String {
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
    let header: Vec<&str> = COLUMNS.iter().map(|(c, _)| *c).collect();
    let written = w.write_record(&header).and_then(|()| {
        rows.iter().try_for_each(|r| {
            w.write_record([
                r.year.to_string().as_str(),
                r.day.format("%Y-%m-%d").to_string().as_str(),
                r.kind.zh(),
                r.festival.as_str(),
                if r.provisional { "是" } else { "否" },
                r.source.as_str(),
            ])
        })
    });
    written.expect("writing to memory does not fail");
    String::from_utf8(w.into_inner().expect("writing to memory does not fail")).expect("written from UTF-8 text")
}
