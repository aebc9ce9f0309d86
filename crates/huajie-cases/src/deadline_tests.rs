use super::*;
use crate::stage::Stage::*;
use huajie_core::clock::{Clock, FixedClock, beijing_midnight};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn calendar() -> WorkCalendar {
    WorkCalendar::new(1, WorkCalendar::shipped_rows()).unwrap()
}

/// A clock at 10:00 Beijing time on `day`.
fn clock_on(day: &str) -> FixedClock {
    FixedClock::at(beijing_midnight(d(day)) + chrono::Duration::hours(10))
}

fn limitation(default: &str, interruptions: &[Interruption], clock: &FixedClock) -> Deadline {
    let facts = CaseFacts { default_date: Some(d(default)), stages: &[], interruptions };
    let all = deadlines(&facts, &calendar(), clock.now());
    assert_eq!(all.len(), 1, "{all:?}");
    all[0].clone()
}

#[test]
fn the_limitation_alert_rises_at_exactly_90_30_and_7_days_and_is_overdue_the_day_after() {
    // Defaulted 2023-06-15: three years end on 2026-06-15, a Monday and a working day.
    let clock = clock_on("2026-03-16");
    let at = |clock: &FixedClock| limitation("2023-06-15", &[], clock);
    let first = at(&clock);
    assert_eq!((first.counted, first.last_day, first.unchecked_year), (d("2026-06-15"), d("2026-06-15"), None));
    assert_eq!((first.days_left, first.level), (91, AlertLevel::Later), "91 days before: no alert yet");
    let step = |days: i64| clock.advance(chrono::Duration::days(days));
    step(1);
    assert_eq!((at(&clock).days_left, at(&clock).level), (90, AlertLevel::Within90), "exactly 90 days");
    step(1);
    assert_eq!((at(&clock).days_left, at(&clock).level), (89, AlertLevel::Within90));
    step(58);
    assert_eq!((at(&clock).days_left, at(&clock).level), (31, AlertLevel::Within90));
    step(1);
    assert_eq!((at(&clock).days_left, at(&clock).level), (30, AlertLevel::Within30), "exactly 30 days");
    step(23);
    assert_eq!((at(&clock).days_left, at(&clock).level), (7, AlertLevel::Within7), "exactly 7 days");
    step(7);
    assert_eq!((at(&clock).days_left, at(&clock).level), (0, AlertLevel::Within7), "the last day itself");
    step(1);
    assert_eq!((at(&clock).days_left, at(&clock).level), (-1, AlertLevel::Overdue));
}

#[test]
fn a_last_day_on_a_holiday_moves_to_the_first_working_day_after_it() {
    // 2026-10-01 to 10-07 are the National Day holiday: the period ends on Thursday 10-08.
    let shifted = limitation("2023-10-01", &[], &clock_on("2026-07-10"));
    assert_eq!((shifted.counted, shifted.last_day), (d("2026-10-01"), d("2026-10-08")));
    assert_eq!(shifted.days_left, 90, "counted to the moved day: 90 days from 07-10 to 10-08");
    assert_eq!(shifted.level, AlertLevel::Within90);
    // A Sunday in the Spring Festival holiday (2026-02-15 … 02-23) moves to Tuesday 02-24.
    assert_eq!(limitation("2023-02-15", &[], &clock_on("2026-01-01")).last_day, d("2026-02-24"));
    // A make-up working Saturday (调休上班, 2026-02-28) is a working day: nothing moves.
    assert_eq!(limitation("2023-02-28", &[], &clock_on("2026-01-01")).last_day, d("2026-02-28"));
    // An ordinary Saturday moves to Monday.
    assert_eq!(limitation("2023-03-07", &[], &clock_on("2026-01-01")).last_day, d("2026-03-09"));
    // Leap day: with no corresponding day, the month's last (第二百零二条).
    assert_eq!(limitation("2024-02-29", &[], &clock_on("2026-01-01")).counted, d("2027-02-28"));
}

#[test]
fn a_year_the_calendar_does_not_cover_keeps_the_counted_day_and_says_so() {
    let far = limitation("2026-05-01", &[], &clock_on("2026-12-07"));
    assert_eq!((far.last_day, far.unchecked_year), (d("2029-05-01"), Some(2029)));
}

#[test]
fn an_interruption_restarts_the_three_years() {
    let clock = clock_on("2026-05-01");
    let before = limitation("2023-06-15", &[], &clock);
    assert_eq!((before.days_left, before.level), (45, AlertLevel::Within90));
    let demand = [Interruption { kind: InterruptionKind::PublicNotice, on: d("2025-03-20") }];
    let after = limitation("2023-06-15", &demand, &clock);
    assert_eq!(after.from, d("2025-03-20"), "runs afresh from the public notice");
    assert_eq!((after.counted, after.last_day), (d("2028-03-20"), d("2028-03-20")));
    assert_eq!(after.unchecked_year, Some(2028));
    assert_eq!(after.level, AlertLevel::Later);
    // An interruption before the default changes nothing.
    let early = [Interruption { kind: InterruptionKind::Demand, on: d("2023-01-01") }];
    assert_eq!(limitation("2023-06-15", &early, &clock).from, d("2023-06-15"));
}

#[test]
fn a_suit_ends_the_limitation_count_and_an_effective_judgment_starts_the_two_years() {
    let cal = calendar();
    let now = clock_on("2026-12-07").now();
    let filed = [StageEvent { stage: Filed, on: d("2024-01-10") }];
    let facts = CaseFacts { default_date: Some(d("2023-06-15")), stages: &filed, interruptions: &[] };
    assert!(deadlines(&facts, &cal, now).is_empty());
    let judged = [
        StageEvent { stage: Filed, on: d("2024-01-10") },
        StageEvent { stage: Judgment, on: d("2024-12-01") },
        StageEvent { stage: Effective, on: d("2025-01-20") },
    ];
    let facts = CaseFacts { default_date: Some(d("2023-06-15")), stages: &judged, interruptions: &[] };
    let all = deadlines(&facts, &cal, now);
    assert_eq!(all.len(), 1);
    assert_eq!((all[0].kind, all[0].last_day), (DeadlineKind::EnforcementApplication, d("2027-01-20")));
    assert_eq!((all[0].days_left, all[0].level), (44, AlertLevel::Within90));
    let mut enforced = judged.to_vec();
    enforced.push(StageEvent { stage: EnforcementFiled, on: d("2025-03-01") });
    let facts = CaseFacts { stages: &enforced, ..facts };
    assert!(deadlines(&facts, &cal, now).is_empty(), "applied in time: no deadline left");
}

#[test]
fn an_announced_auction_counts_down_to_its_day_and_drops_once_passed() {
    let cal = calendar();
    let stages = [
        StageEvent { stage: EnforcementFiled, on: d("2026-01-05") },
        StageEvent { stage: Appraisal, on: d("2026-10-09") },
        StageEvent { stage: FirstAuction, on: d("2026-12-14") },
    ];
    let facts = CaseFacts { default_date: None, stages: &stages, interruptions: &[] };
    let all = deadlines(&facts, &cal, clock_on("2026-12-07").now());
    assert_eq!(all.len(), 1);
    assert_eq!((all[0].kind, all[0].days_left, all[0].level), (DeadlineKind::Auction, 7, AlertLevel::Within7));
    assert!(deadlines(&facts, &cal, clock_on("2026-12-15").now()).is_empty());
}

#[test]
fn the_level_boundaries() {
    let levels: Vec<AlertLevel> = [91, 90, 31, 30, 8, 7, 0, -1].into_iter().map(AlertLevel::of).collect();
    use AlertLevel::*;
    assert_eq!(levels, [Later, Within90, Within90, Within30, Within30, Within7, Within7, Overdue]);
    assert!(Overdue > Within7 && Within7 > Within30 && !Later.is_alert() && Within90.is_alert());
}
