//! The schedule sheet of a book workbook: each row a payment of a funding instrument, joined
//! to its instrument by name.

use huajie_core::Text;

use super::{BookProblem, NumberedRow, SCHEDULE_HEADERS, SCHEDULE_SHEET};

/// The schedule sheet's rows: instrument name → its lines ("date principal interest"), a row
/// without its instrument a problem.
pub(super) fn read_schedules<'a>(
    sheets: impl Iterator<Item = (&'a str, &'a [NumberedRow])>,
    problems: &mut Vec<BookProblem>,
) -> std::collections::HashMap<String, String> {
    let mut schedules: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    for (name, rows) in sheets.filter(|(n, _)| *n == SCHEDULE_SHEET.0 || n.eq_ignore_ascii_case(SCHEDULE_SHEET.1)) {
        for (row, cells) in rows.iter().skip(1) {
            let cell = |i: usize| cells.get(i).map(|c| c.trim().to_string()).unwrap_or_default();
            if cells.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            if cell(0).is_empty() {
                problems.push(BookProblem {
                    sheet: name.to_string(),
                    row: *row,
                    field: SCHEDULE_HEADERS[0].0.into(),
                    message: Text::fixed("必填", "required"),
                });
                continue;
            }
            let line = format!("{} {} {}\n", cell(1), cell(2), cell(3));
            schedules.entry(cell(0)).or_default().push_str(&line);
        }
    }
    schedules
}
