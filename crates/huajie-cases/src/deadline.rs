//! A case's deadlines and how near each is, from a given moment (the caller's clock):
//!
//! - **诉讼时效** (limitation period): three years (《民法典》第一百八十八条) from the default
//!   (the day the creditor knew its right was harmed: the claim's default date) or from the last
//!   interruption (第一百九十五条: a demand for payment, the debtor's acknowledgement, or an act
//!   with the effect of a suit — a suit itself is the stage 立案), after which the period runs
//!   afresh. It is counted while the case has no stage: once a suit, enforcement or a bankruptcy
//!   claim is filed, the proceedings carry the claim.
//! - **申请执行期间** (enforcement application period): two years (《民事诉讼法》（2023年修正）
//!   第二百五十条) from the judgment's effective date (the stage 生效; when the judgment sets a
//!   later day to perform by, the law counts from that day, so this date errs early), interrupted
//!   like the limitation period (same article, second sentence), until 执行立案 is recorded.
//! - **拍卖日** (auction day): an auction round recorded ahead, on the day the court announced.
//!
//! A period counted in years ends on the corresponding day of its last year (第二百零一条, 第二百零二
//! 条: the first day is not counted; with no corresponding day, the month's last). When that last
//! day is not a working day on the working-day calendar — a statutory holiday, a day taken off
//! around one, a weekend not worked — it moves to the first working day after (第二百零三条). A
//! day in a year the calendar does not cover stays where counting put it (an earlier day than the
//! law's, never a later one) and says so.
//!
//! The alert level: more than 90 days left, within 90, 30 or 7 days (the last day itself is
//! within 7: 0 days left), or overdue once the last day has passed.

use chrono::{DateTime, Months, NaiveDate, Utc};
use huajie_core::clock::beijing_date;
use huajie_core::{Text, WorkCalendar, named_enum};

use crate::stage::{Stage, StageEvent};

named_enum! {
    /// Which deadline.
    pub enum DeadlineKind {
        Limitation = ("limitation", "诉讼时效", "Limitation period"),
        EnforcementApplication = ("enforcement_application", "申请执行期间", "Enforcement application period"),
        Auction = ("auction", "拍卖日", "Auction day"),
    }
}

named_enum! {
    /// How near a deadline is; later variants are more urgent.
    pub enum AlertLevel {
        Later = ("later", "90天以上", "More than 90 days"),
        Within90 = ("d90", "90天内", "Within 90 days"),
        Within30 = ("d30", "30天内", "Within 30 days"),
        Within7 = ("d7", "7天内", "Within 7 days"),
        Overdue = ("overdue", "已逾期", "Overdue"),
    }
}

named_enum! {
    /// What interrupts a limitation period (《民法典》第一百九十五条), other than a suit.
    pub enum InterruptionKind {
        Demand = ("demand", "催收（请求履行）", "Demand for payment"),
        PublicNotice = ("public_notice", "公告催收", "Demand by public notice"),
        Acknowledged = ("acknowledged", "债务人同意履行", "Debtor acknowledged the debt"),
        Other = ("other", "与起诉同等效力的其他情形", "Another act with the effect of a suit"),
    }
}

impl AlertLevel {
    /// The level with `days_left` days to the last day (negative: past it).
    pub fn of(days_left: i64) -> AlertLevel {
        match days_left {
            d if d < 0 => AlertLevel::Overdue,
            0..=7 => AlertLevel::Within7,
            8..=30 => AlertLevel::Within30,
            31..=90 => AlertLevel::Within90,
            _ => AlertLevel::Later,
        }
    }

    /// Whether the level raises an alert (90 days or nearer).
    pub fn is_alert(self) -> bool {
        self != AlertLevel::Later
    }
}

/// An interruption of the limitation period, on its day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Interruption {
    pub kind: InterruptionKind,
    pub on: NaiveDate,
}

/// What a case's deadlines are computed from.
#[derive(Debug, Clone, Copy)]
pub struct CaseFacts<'a> {
    /// The claim's default date (逾期日), when the tape gave it.
    pub default_date: Option<NaiveDate>,
    /// The stages in the order recorded.
    pub stages: &'a [StageEvent],
    pub interruptions: &'a [Interruption],
}

/// One deadline, as of a day.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Deadline {
    pub kind: DeadlineKind,
    /// The day the period runs from (the default, the last interruption, the effective date), or
    /// the auction day.
    pub from: NaiveDate,
    /// The last day as counted, before any holiday.
    pub counted: NaiveDate,
    /// The last day, moved past a holiday.
    pub last_day: NaiveDate,
    /// A year the calendar does not cover, where the last day could not be checked for a holiday.
    pub unchecked_year: Option<i32>,
    pub days_left: i64,
    pub level: AlertLevel,
}

impl Deadline {
    /// The law the deadline follows.
    pub fn source(&self) -> Text {
        match self.kind {
            DeadlineKind::Limitation => Text::fixed(
                "《民法典》第一百八十八条（三年），中断：第一百九十五条，遇节假日顺延：第二百零三条",
                "Civil Code art. 188 (three years), interrupted under art. 195, past a holiday under art. 203",
            ),
            DeadlineKind::EnforcementApplication => Text::fixed(
                "《民事诉讼法》（2023年修正）第二百五十条（二年），遇节假日顺延：《民法典》第二百零三条",
                "Civil Procedure Law (2023 revision) art. 250 (two years), past a holiday under Civil Code art. 203",
            ),
            DeadlineKind::Auction => Text::fixed("法院拍卖公告的拍卖日", "the auction day the court announced"),
        }
    }
}

/// The last day of a period of `years` years running from `from`, moved past any day off.
/// Returns (counted, last day, a year the calendar does not cover).
pub fn period_end(from: NaiveDate, years: u32, calendar: &WorkCalendar) -> (NaiveDate, NaiveDate, Option<i32>) {
    let counted = from.checked_add_months(Months::new(12 * years)).expect("a period within the calendar's range");
    let mut day = counted;
    loop {
        match calendar.is_working_day(day) {
            Ok(true) => return (counted, day, None),
            Ok(false) => day = day.succ_opt().expect("a day after"),
            Err(out) => return (counted, day, Some(out.year)),
        }
    }
}

fn deadline(kind: DeadlineKind, from: NaiveDate, years: u32, calendar: &WorkCalendar, today: NaiveDate) -> Deadline {
    let (counted, last_day, unchecked_year) = period_end(from, years, calendar);
    let days_left = (last_day - today).num_days();
    Deadline { kind, from, counted, last_day, unchecked_year, days_left, level: AlertLevel::of(days_left) }
}

fn last_interruption(interruptions: &[Interruption], after: NaiveDate) -> NaiveDate {
    interruptions.iter().map(|i| i.on).filter(|on| *on > after).max().unwrap_or(after)
}

/// A case's running deadlines at `now`, the most urgent first.
pub fn deadlines(facts: &CaseFacts, calendar: &WorkCalendar, now: DateTime<Utc>) -> Vec<Deadline> {
    let today = beijing_date(now);
    let mut out = Vec::new();
    if facts.stages.is_empty() {
        let first = facts.interruptions.iter().map(|i| i.on).min();
        if let Some(start) = facts.default_date.or(first) {
            let from = last_interruption(facts.interruptions, start);
            out.push(deadline(DeadlineKind::Limitation, from, 3, calendar, today));
        }
    }
    let effective = facts.stages.iter().rposition(|e| e.stage == Stage::Effective);
    if let Some(i) = effective {
        let applied =
            facts.stages[i..].iter().any(|e| matches!(e.stage, Stage::EnforcementFiled | Stage::BankruptcyClaim));
        if !applied {
            let from = last_interruption(facts.interruptions, facts.stages[i].on);
            out.push(deadline(DeadlineKind::EnforcementApplication, from, 2, calendar, today));
        }
    }
    if let Some(e) = facts.stages.last().filter(|e| e.stage.is_auction_round() && e.on >= today) {
        let days_left = (e.on - today).num_days();
        out.push(Deadline {
            kind: DeadlineKind::Auction,
            from: e.on,
            counted: e.on,
            last_day: e.on,
            unchecked_year: None,
            days_left,
            level: AlertLevel::of(days_left),
        });
    }
    out.sort_by_key(|d| d.days_left);
    out
}

#[cfg(test)]
#[path = "deadline_tests.rs"]
mod tests;
