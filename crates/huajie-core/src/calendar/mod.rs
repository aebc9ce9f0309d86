//! The working-day calendar (工作日历): the State Council General Office's yearly holiday
//! arrangements (国务院办公厅关于某年部分节假日安排的通知) as a table of days, and the
//! counting of working days on it (rules.md A10.2, Q11: a disposal announcement's period).
//!
//! A day is a **working day** when it is a make-up working day (调休上班) the calendar lists, or
//! a Monday to Friday the calendar does not list as a holiday (放假: the statutory holidays and
//! the days taken off around them). Saturdays and Sundays are not working days unless listed
//! as make-up working days.
//!
//! The calendar covers the years whose notices it holds (each row names the year whose notice
//! lists it: a notice may move a day of the year before, such as a make-up Saturday at the end
//! of December). A day of a year it does not cover is an error ([`OutOfRange`]), never a guess
//! from the weekdays alone: the calendar must be extended first.
//!
//! The readings (docs/disposal.md, "Working days"):
//! - [`WorkCalendar::add_working_days`]`(from, n)` is the n-th working day **after** `from`,
//!   `from` itself not counted (whether or not it is a working day); with `n = 0` it is `from`.
//! - [`WorkCalendar::working_days_between`]`(a, b)` counts the working days after `a` up to
//!   and including `b` (0 when `b` is not after `a`), so that
//!   `working_days_between(a, add_working_days(a, n)) == n`.
//! - The announcement period of `n` working days of an announcement published on day `p`
//!   ends on [`WorkCalendar::announcement_period`]`(p, n)`, the n-th working day after `p`
//!   (the publication day is not counted, as 《民法典》 art. 201 counts a period given in days
//!   from the next day); bidding may open on any day **after** that last day
//!   ([`WorkCalendar::bidding_may_open_on`]), never on it. `n` is the rule parameter
//!   (rules.md Q11: 7 by default).

mod read;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use crate::Text;
use crate::named_enum;

pub use read::{COLUMNS, read_csv};

named_enum! {
    /// What the calendar says of a day it lists: `Holiday`, not a working day (a statutory
    /// holiday, 法定节假日, or a day taken off around it, 放假调休); `MakeupWorkday`, a Saturday
    /// or Sunday worked in exchange for a day taken off (调休上班).
    pub enum DayKind {
        Holiday = ("holiday", "放假", "Holiday"),
        MakeupWorkday = ("makeup_workday", "调休上班", "Make-up working day"),
    }
}

/// The oldest and newest year a calendar may hold.
pub const YEARS: std::ops::RangeInclusive<i32> = 1949..=2200;

/// The shipped calendar, version 1 (`data/holidays.csv`, sources in `data/SOURCE.md`).
const SHIPPED_CSV: &str = include_str!("../data/holidays.csv");

/// One listed day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarDay {
    /// The year whose notice lists the day (the day itself may be in the year before).
    pub year: i32,
    pub day: NaiveDate,
    pub kind: DayKind,
    /// The holiday it belongs to (春节, 国庆节…).
    pub festival: String,
    /// Whether the year's arrangement is derived rather than read from its notice.
    pub provisional: bool,
    /// The notice, or for a provisional year how it was derived.
    pub source: String,
}

/// Something wrong with a calendar's rows: the line of its CSV (1 is the header; a row given
/// in order is on line index + 2), or `None` for the file as a whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarProblem {
    pub line: Option<usize>,
    pub text: Text,
}

impl CalendarProblem {
    fn at(line: usize, zh: String, en: String) -> CalendarProblem {
        CalendarProblem { line: Some(line), text: Text::new(zh, en) }
    }
}

/// A day of a year the calendar does not cover.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutOfRange {
    /// The year asked about.
    pub year: i32,
    /// The calendar's version and the years it covers.
    pub version: i64,
    pub covered: Vec<i32>,
}

impl OutOfRange {
    /// What went wrong and what to do, in both languages.
    pub fn message(&self) -> Text {
        let (year, version, covered) = (self.year, self.version, year_ranges(&self.covered));
        Text::new(
            format!(
                "工作日历（第 {version} 版，涵盖 {covered} 年）未涵盖 {year} 年，无法计算工作日：请先将 {year} 年的节假日安排（国务院办公厅通知）补入日历，另存为新版本"
            ),
            format!(
                "the working-day calendar (version {version}, covering {covered}) does not cover {year}, so working days cannot be counted: extend it with {year}'s holiday arrangements (the State Council General Office's notice) as a new version first"
            ),
        )
    }
}

impl std::fmt::Display for OutOfRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.message().fmt(f)
    }
}

impl std::error::Error for OutOfRange {}

/// Years as ranges: `2024–2027`, `2024–2025、2027`; `—` for none.
pub fn year_ranges(years: &[i32]) -> String {
    let mut sorted = years.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < sorted.len() {
        let mut j = i;
        while j + 1 < sorted.len() && sorted[j + 1] == sorted[j] + 1 {
            j += 1;
        }
        parts.push(if i == j { sorted[i].to_string() } else { format!("{}–{}", sorted[i], sorted[j]) });
        i = j + 1;
    }
    if parts.is_empty() { "—".into() } else { parts.join("、") }
}

/// A version of the calendar: its rows, checked, and the working-day arithmetic on them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkCalendar {
    version: i64,
    rows: Vec<CalendarDay>,
    days: BTreeMap<NaiveDate, DayKind>,
    years: BTreeSet<i32>,
}

impl WorkCalendar {
    /// A calendar of these rows, kept in the order of (year, day); every problem with them named
    /// (a day listed twice, a make-up working day on a weekday, a year whose rows disagree on
    /// their source or on being provisional, a day outside its notice's year…).
    pub fn new(version: i64, mut rows: Vec<CalendarDay>) -> Result<WorkCalendar, Vec<CalendarProblem>> {
        let numbered: Vec<(usize, &CalendarDay)> = rows.iter().enumerate().map(|(i, r)| (i + 2, r)).collect();
        let problems = read::check_rows(&numbered);
        if !problems.is_empty() {
            return Err(problems);
        }
        rows.sort_by_key(|r| (r.year, r.day));
        let days = rows.iter().map(|r| (r.day, r.kind)).collect();
        let years = rows.iter().map(|r| r.year).collect();
        Ok(WorkCalendar { version, rows, days, years })
    }

    /// The rows of the shipped calendar (`data/holidays.csv`): 2024–2026 from their notices,
    /// 2027 provisional.
    pub fn shipped_rows() -> Vec<CalendarDay> {
        read_csv(SHIPPED_CSV.as_bytes()).expect("the shipped holiday table reads (tested)")
    }

    pub fn version(&self) -> i64 {
        self.version
    }

    /// Every listed day, by year and day.
    pub fn rows(&self) -> &[CalendarDay] {
        &self.rows
    }

    /// The years covered, oldest first.
    pub fn years(&self) -> Vec<i32> {
        self.years.iter().copied().collect()
    }

    pub fn covers(&self, year: i32) -> bool {
        self.years.contains(&year)
    }

    fn out_of_range(&self, year: i32) -> OutOfRange {
        OutOfRange { year, version: self.version, covered: self.years() }
    }

    /// Whether `d` is a working day; an error for a year the calendar does not cover.
    pub fn is_working_day(&self, d: NaiveDate) -> Result<bool, OutOfRange> {
        if !self.covers(d.year()) {
            return Err(self.out_of_range(d.year()));
        }
        Ok(match self.days.get(&d) {
            Some(DayKind::Holiday) => false,
            Some(DayKind::MakeupWorkday) => true,
            None => !matches!(d.weekday(), Weekday::Sat | Weekday::Sun),
        })
    }

    /// The day after `d`, in a covered year.
    fn next_day(&self, d: NaiveDate) -> Result<NaiveDate, OutOfRange> {
        d.succ_opt().ok_or_else(|| self.out_of_range(d.year().saturating_add(1)))
    }

    /// The n-th working day after `from` (`from` not counted); `from` itself when `n` is 0.
    pub fn add_working_days(&self, from: NaiveDate, n: u32) -> Result<NaiveDate, OutOfRange> {
        self.is_working_day(from)?;
        let (mut day, mut counted) = (from, 0);
        while counted < n {
            day = self.next_day(day)?;
            if self.is_working_day(day)? {
                counted += 1;
            }
        }
        Ok(day)
    }

    /// The working days after `a` up to and including `b`; 0 when `b` is not after `a`.
    pub fn working_days_between(&self, a: NaiveDate, b: NaiveDate) -> Result<u32, OutOfRange> {
        self.is_working_day(a)?;
        self.is_working_day(b)?;
        let (mut day, mut counted) = (a, 0);
        while day < b {
            day = self.next_day(day)?;
            if self.is_working_day(day)? {
                counted += 1;
            }
        }
        Ok(counted)
    }

    /// The last day of an announcement period of `n` working days for an announcement published
    /// on `published_on` (not counted): the n-th working day after it.
    pub fn announcement_period(&self, published_on: NaiveDate, n: u32) -> Result<NaiveDate, OutOfRange> {
        self.add_working_days(published_on, n)
    }

    /// Whether bidding may open on `day`: only after the announcement period's last day.
    pub fn bidding_may_open_on(&self, published_on: NaiveDate, n: u32, day: NaiveDate) -> Result<bool, OutOfRange> {
        Ok(day > self.announcement_period(published_on, n)?)
    }

    /// The years whose arrangement is provisional.
    pub fn provisional_years(&self) -> Vec<i32> {
        let set: BTreeSet<i32> = self.rows.iter().filter(|r| r.provisional).map(|r| r.year).collect();
        set.into_iter().collect()
    }

    /// The years `self` covers that `next` does not.
    pub fn years_missing_from(&self, next: &WorkCalendar) -> Vec<i32> {
        self.years.difference(&next.years).copied().collect()
    }

    /// Why `next` may not follow this version, if it may not: a new version keeps every year
    /// this one covers (an announcement already counted on it must still count the same way),
    /// and changes something.
    pub fn refuses_successor(&self, next: &WorkCalendar) -> Option<Text> {
        let version = self.version;
        let missing = self.years_missing_from(next);
        if !missing.is_empty() {
            let years = year_ranges(&missing);
            return Some(Text::new(
                format!("新版本缺少现行第 {version} 版已涵盖的 {years} 年：新版本须包含全部已涵盖年度"),
                format!(
                    "the new version lacks {years}, which version {version} covers: a new version keeps every covered year"
                ),
            ));
        }
        (self.rows == next.rows).then(|| {
            Text::new(
                format!("与现行第 {version} 版完全相同，未保存"),
                format!("identical to version {version}, the one in force: nothing saved"),
            )
        })
    }

    /// The calendar as its CSV file (`COLUMNS`, UTF-8, one row a line, by year and day): what
    /// `read_csv` reads back, the shipped file's form, and what a version's SHA-256 is taken of.
    pub fn to_csv(&self) -> String {
        read::write_csv(&self.rows)
    }

    /// Each year with its source, whether it is provisional, and its holidays: the days off as
    /// runs of consecutive days and the make-up working days, by festival in the order of its
    /// first day off.
    pub fn by_year(&self) -> Vec<YearSummary> {
        let mut out: Vec<YearSummary> = Vec::new();
        for r in &self.rows {
            if out.last().is_none_or(|y| y.year != r.year) {
                out.push(YearSummary {
                    year: r.year,
                    provisional: r.provisional,
                    source: r.source.clone(),
                    festivals: Vec::new(),
                });
            }
            let year = out.last_mut().expect("pushed above");
            let at = match year.festivals.iter().position(|f| f.festival == r.festival) {
                Some(at) => at,
                None => {
                    year.festivals.push(FestivalSummary { festival: r.festival.clone(), ..FestivalSummary::default() });
                    year.festivals.len() - 1
                }
            };
            let festival = &mut year.festivals[at];
            match r.kind {
                DayKind::MakeupWorkday => festival.makeup.push(r.day),
                DayKind::Holiday => match festival.days_off.last_mut() {
                    Some((_, last)) if last.succ_opt() == Some(r.day) => *last = r.day,
                    _ => festival.days_off.push((r.day, r.day)),
                },
            }
        }
        for y in &mut out {
            y.festivals.sort_by_key(|f| f.first_day());
        }
        out
    }
}

/// A year of the calendar as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearSummary {
    pub year: i32,
    pub provisional: bool,
    pub source: String,
    pub festivals: Vec<FestivalSummary>,
}

/// A holiday of a year: its days off (runs of consecutive days, first and last) and its make-up
/// working days.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FestivalSummary {
    pub festival: String,
    pub days_off: Vec<(NaiveDate, NaiveDate)>,
    pub makeup: Vec<NaiveDate>,
}

impl FestivalSummary {
    /// The first day off (the first make-up day for a festival with none), which orders a year.
    fn first_day(&self) -> Option<NaiveDate> {
        self.days_off.first().map(|r| r.0).or(self.makeup.first().copied())
    }

    /// The number of days off.
    pub fn days_off_count(&self) -> i64 {
        self.days_off.iter().map(|(a, b)| (*b - *a).num_days() + 1).sum()
    }
}
