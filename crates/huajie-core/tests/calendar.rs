//! The working-day calendar: the shipped State Council arrangements, the working-day arithmetic
//! across holidays, make-up working days and year ends, the announcement period, and what a
//! calendar file may not say.

use chrono::{Datelike, NaiveDate};
use huajie_core::calendar::{CalendarDay, DayKind, WorkCalendar, read_csv, year_ranges};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn shipped() -> WorkCalendar {
    WorkCalendar::new(1, WorkCalendar::shipped_rows()).expect("the shipped calendar is consistent")
}

#[test]
fn the_shipped_calendar_covers_2024_to_2027_with_2027_provisional() {
    let c = shipped();
    assert_eq!(c.years(), vec![2024, 2025, 2026, 2027]);
    assert_eq!(c.provisional_years(), vec![2027]);
    // Written back, it is the shipped file byte for byte.
    assert_eq!(c.to_csv(), include_str!("../src/data/holidays.csv"));
    assert_eq!(read_csv(c.to_csv().as_bytes()).unwrap(), c.rows());
    // Working days per year, as the `chinesecalendar` package (PyPI, 1.11.0) counts them from
    // the same notices: 2024 251, 2025 248, 2026 248.
    for (year, expected) in [(2024, 251), (2025, 248), (2026, 248)] {
        let days = (1..=366).filter_map(|n| NaiveDate::from_yo_opt(year, n));
        let working = days.filter(|day| c.is_working_day(*day).unwrap()).count();
        assert_eq!(working, expected, "{year}");
    }
}

#[test]
fn a_period_across_the_2026_spring_festival_ends_on_its_make_up_saturday() {
    let c = shipped();
    // 2026: days off 2-15 (Sun) to 2-23 (Mon); Saturdays 2-14 and 2-28 worked.
    assert!(c.is_working_day(d("2026-02-14")).unwrap(), "make-up Saturday before");
    assert!(c.is_working_day(d("2026-02-28")).unwrap(), "make-up Saturday after");
    assert!(!c.is_working_day(d("2026-02-23")).unwrap(), "a Monday off");
    assert!(!c.is_working_day(d("2026-02-21")).unwrap(), "an ordinary Saturday off");
    assert!(c.is_working_day(d("2026-02-24")).unwrap());
    // Published on Thursday 2-12: 2-13, 2-14, 2-24, 2-25, 2-26, 2-27, 2-28.
    let published = d("2026-02-12");
    assert_eq!(c.announcement_period(published, 7).unwrap(), d("2026-02-28"));
    assert_eq!(c.working_days_between(published, d("2026-02-28")).unwrap(), 7);
    assert!(!c.bidding_may_open_on(published, 7, d("2026-02-27")).unwrap());
    assert!(!c.bidding_may_open_on(published, 7, d("2026-02-28")).unwrap(), "not on the period's last day");
    assert!(c.bidding_may_open_on(published, 7, d("2026-03-01")).unwrap(), "the day after it");
    // Counted on weekdays alone, the period would have ended on 2-23, a day off.
    assert_eq!(c.announcement_period(published, 3).unwrap(), d("2026-02-24"));
}

#[test]
fn the_2025_spring_festival_counts_its_make_up_sunday_and_saturday() {
    let c = shipped();
    assert!(c.is_working_day(d("2025-01-26")).unwrap(), "make-up Sunday");
    assert!(c.is_working_day(d("2025-02-08")).unwrap(), "make-up Saturday");
    assert!(!c.is_working_day(d("2025-01-28")).unwrap(), "New Year's Eve, off since the 2024 revision");
    assert!(!c.is_working_day(d("2025-02-04")).unwrap());
    // Published Friday 1-24: 1-26 (Sun), 1-27, then 2-5, 2-6, 2-7, 2-8 (Sat), 2-10.
    assert_eq!(c.announcement_period(d("2025-01-24"), 7).unwrap(), d("2025-02-10"));
    assert_eq!(c.working_days_between(d("2025-01-24"), d("2025-02-08")).unwrap(), 6);
}

#[test]
fn national_day_2025_merges_mid_autumn_and_works_two_weekend_days() {
    let c = shipped();
    for off in ["2025-10-01", "2025-10-06", "2025-10-08"] {
        assert!(!c.is_working_day(d(off)).unwrap(), "{off}");
    }
    // Published Friday 9-26: 9-28 (Sun), 9-29, 9-30, 10-9, 10-10, 10-11 (Sat), 10-13.
    assert_eq!(c.announcement_period(d("2025-09-26"), 5).unwrap(), d("2025-10-10"));
    assert_eq!(c.announcement_period(d("2025-09-26"), 7).unwrap(), d("2025-10-13"));
}

#[test]
fn a_period_runs_across_the_new_year_into_the_next_years_notice() {
    let c = shipped();
    // 12-29, 12-30, 12-31; 2026-01-01 to 01-03 off; 01-04 (Sun) worked; 01-05, 01-06, 01-07.
    assert_eq!(c.announcement_period(d("2025-12-26"), 7).unwrap(), d("2026-01-07"));
    assert_eq!(c.working_days_between(d("2025-12-26"), d("2026-01-07")).unwrap(), 7);
}

#[test]
fn zero_working_days_end_on_the_publication_day_and_bidding_opens_the_day_after() {
    let c = shipped();
    let saturday = d("2026-03-07");
    assert_eq!(c.add_working_days(saturday, 0).unwrap(), saturday);
    assert_eq!(c.announcement_period(saturday, 0).unwrap(), saturday);
    assert!(!c.bidding_may_open_on(saturday, 0, saturday).unwrap());
    assert!(c.bidding_may_open_on(saturday, 0, d("2026-03-08")).unwrap());
    assert_eq!(c.working_days_between(saturday, saturday).unwrap(), 0);
    assert_eq!(c.working_days_between(d("2026-03-10"), d("2026-03-02")).unwrap(), 0, "b before a");
}

#[test]
fn a_day_outside_the_covered_years_is_an_error_never_a_weekday_guess() {
    let c = shipped();
    let err = c.is_working_day(d("2028-01-04")).unwrap_err();
    assert_eq!(err.year, 2028);
    let text = err.message();
    assert!(text.zh.contains("未涵盖 2028 年") && text.zh.contains("2024–2027"), "{}", text.zh);
    assert!(text.en.contains("does not cover 2028") && text.en.contains("2024–2027"), "{}", text.en);
    assert_eq!(c.is_working_day(d("2023-12-29")).unwrap_err().year, 2023);
    // A period that would run into 2028 names 2028, whatever day it starts on.
    assert_eq!(c.announcement_period(d("2027-12-27"), 7).unwrap_err().year, 2028);
    assert_eq!(c.add_working_days(d("2023-06-01"), 0).unwrap_err().year, 2023);
    assert_eq!(c.working_days_between(d("2027-06-01"), d("2028-02-01")).unwrap_err().year, 2028);
    assert!(c.bidding_may_open_on(d("2027-12-30"), 7, d("2028-01-20")).is_err());
    assert_eq!(year_ranges(&[2027, 2024, 2025]), "2024–2025、2027");
}

#[test]
fn counting_forward_and_counting_between_agree_on_every_covered_day() {
    let c = shipped();
    let mut day = d("2024-01-01");
    while day.year() <= 2027 {
        for n in [0, 1, 2, 7, 15, 30] {
            match c.add_working_days(day, n) {
                Ok(end) => {
                    assert_eq!(c.working_days_between(day, end).unwrap(), n, "{day} + {n}");
                    if n > 0 {
                        assert!(c.is_working_day(end).unwrap(), "{day} + {n} = {end}");
                        let before = c.add_working_days(day, n - 1).unwrap();
                        assert!(before < end);
                    }
                }
                Err(e) => assert_eq!(e.year, 2028, "{day} + {n}"),
            }
        }
        day = day.succ_opt().unwrap();
    }
}

#[test]
fn each_year_is_shown_by_festival_with_its_days_off_and_make_up_days() {
    let c = shipped();
    let years = c.by_year();
    assert_eq!(years.iter().map(|y| y.year).collect::<Vec<_>>(), vec![2024, 2025, 2026, 2027]);
    let y2026 = &years[2];
    assert!(!y2026.provisional && y2026.source.contains("2026年部分节假日安排"));
    let names: Vec<&str> = y2026.festivals.iter().map(|f| f.festival.as_str()).collect();
    assert_eq!(names, ["元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"]);
    let spring = &y2026.festivals[1];
    assert_eq!(spring.days_off, vec![(d("2026-02-15"), d("2026-02-23"))]);
    assert_eq!(spring.days_off_count(), 9);
    assert_eq!(spring.makeup, vec![d("2026-02-14"), d("2026-02-28")]);
    assert!(years[3].provisional && years[3].source.starts_with("暂定"));
}

const HEADER: &str = "year,day,kind,festival,provisional,source\n";

fn problems(csv: &str) -> Vec<(Option<usize>, String)> {
    read_csv(csv.as_bytes()).unwrap_err().into_iter().map(|p| (p.line, p.text.zh.into_owned())).collect()
}

#[test]
fn a_calendar_file_is_refused_whole_with_each_bad_line_named() {
    let csv = format!(
        "{HEADER}2028,2028-01-01,放假,元旦,否,通知\n2028,2028-13-01,放假,元旦,否,通知\n2028,2028-01-03,休息,元旦,否,通知\n\
         2028,2028-01-04,调休上班,元旦,否,通知\n2028,2028-01-01,放假,元旦,否,通知\n2028,2027-06-01,放假,端午节,否,通知\n\
         2028,2028-02-05,放假,春节,是,另一通知\n2028,2028-02-06,放假,,也许,通知\n"
    );
    let found = problems(&csv);
    let on = |line: usize, words: &str| found.iter().any(|(l, t)| *l == Some(line) && t.contains(words));
    assert!(on(3, "2028-13-01"), "{found:?}");
    assert!(on(4, "休息"), "{found:?}");
    assert!(on(9, "节日不能为空") && on(9, "也许"), "{found:?}");
    // Lines that read well are then checked together (once every line reads).
    let csv = format!(
        "{HEADER}2028,2028-01-01,放假,元旦,否,通知\n2028,2028-01-04,调休上班,元旦,否,通知\n\
         2028,2028-01-01,放假,元旦,否,通知\n2028,2027-06-01,放假,端午节,否,通知\n2028,2028-02-05,放假,春节,是,另一通知\n"
    );
    let found = problems(&csv);
    let on = |line: usize, words: &str| found.iter().any(|(l, t)| *l == Some(line) && t.contains(words));
    assert!(on(3, "不是周六或周日"), "2028-01-04 is a Tuesday: {found:?}");
    assert!(on(4, "重复（第 2 行已列出）"), "{found:?}");
    assert!(on(5, "不属于 2028 年"), "{found:?}");
    assert!(on(6, "与第 2 行不同"), "{found:?}");
    assert_eq!(found.len(), 4, "{found:?}");
}

#[test]
fn a_calendar_file_needs_its_header_utf8_and_a_row() {
    assert_eq!(problems("year,day,kind\n2028,2028-01-01,放假\n")[0].0, Some(1));
    assert!(problems("year,day,kind\n")[0].1.contains("festival（节日）"));
    assert!(problems("").iter().any(|(l, t)| l.is_none() && t.contains("空")));
    assert!(problems(HEADER).iter().any(|(l, t)| l.is_none() && t.contains("没有任何日期")));
    let gbk =
        [b"year,day,kind,festival,provisional,source\n2028,2028-01-01,".as_slice(), &[0xB7, 0xC5, 0xBC, 0xD9]].concat();
    assert!(read_csv(&gbk).unwrap_err()[0].text.zh.contains("UTF-8"));
    // Chinese headers in another order, a byte-order mark, Excel's dates and blank lines read too.
    let csv = "\u{feff}日期,年度,类型,节日,暂定,来源\n2028/1/1,2028,放假,元旦,是,推定\n\n2028/1/29,2028,调休上班,春节,是,推定\n";
    let rows = read_csv(csv.as_bytes()).unwrap();
    assert_eq!(
        rows[1],
        CalendarDay {
            year: 2028,
            day: d("2028-01-29"),
            kind: DayKind::MakeupWorkday,
            festival: "春节".into(),
            provisional: true,
            source: "推定".into(),
        }
    );
}

#[test]
fn a_calendar_built_from_rows_checks_them_as_the_file_would() {
    let row = |day: &str, kind| CalendarDay {
        year: 2028,
        day: d(day),
        kind,
        festival: "春节".into(),
        provisional: false,
        source: "通知".into(),
    };
    let err = WorkCalendar::new(2, vec![row("2028-01-26", DayKind::Holiday), row("2028-01-26", DayKind::Holiday)])
        .unwrap_err();
    assert_eq!(err[0].line, Some(3));
    let ok = WorkCalendar::new(2, vec![row("2028-01-29", DayKind::MakeupWorkday), row("2028-01-26", DayKind::Holiday)])
        .unwrap();
    assert_eq!(ok.rows()[0].day, d("2028-01-26"), "kept by day");
    assert_eq!(shipped().years_missing_from(&ok), vec![2024, 2025, 2026, 2027]);
}
