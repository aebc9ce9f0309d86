//! The only way the product reads the time, so that deadlines and expiries are testable.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> DateTime<Utc>;

    /// Today's date in China (UTC+8), the date business facts are recorded in.
    fn today(&self) -> NaiveDate {
        beijing_date(self.now())
    }
}

/// A moment as it is shown to people — pages, reports, exports, the command line: Beijing
/// time (UTC+8) with the zone named, to the minute (`2026-12-07 08:52 北京时间`,
/// `2026-12-07 08:52 Beijing time`) or to the second.
pub fn beijing_time(t: DateTime<Utc>, lang: crate::Lang, to_the_second: bool) -> String {
    let cst = FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset");
    let format = if to_the_second { "%Y-%m-%d %H:%M:%S" } else { "%Y-%m-%d %H:%M" };
    format!("{} {}", t.with_timezone(&cst).format(format), lang.pick("北京时间", "Beijing time"))
}

/// The date in China (UTC+8) of a moment: the business day it belongs to.
pub fn beijing_date(t: DateTime<Utc>) -> NaiveDate {
    let cst = FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset");
    t.with_timezone(&cst).date_naive()
}

/// The first moment of a date in China (00:00 Beijing time), in UTC.
pub fn beijing_midnight(d: NaiveDate) -> DateTime<Utc> {
    let cst = FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset");
    d.and_hms_opt(0, 0, 0).expect("midnight exists").and_local_timezone(cst).unwrap().with_timezone(&Utc)
}

/// The machine's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[expect(
        clippy::disallowed_methods,
        reason = "the one reader of the machine's clock; everything else asks a Clock"
    )]
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that says what it is told, for tests.
#[derive(Debug)]
pub struct FixedClock(pub std::sync::Mutex<DateTime<Utc>>);

impl FixedClock {
    pub fn at(t: DateTime<Utc>) -> FixedClock {
        FixedClock(std::sync::Mutex::new(t))
    }

    pub fn advance(&self, by: chrono::Duration) {
        let mut t = self.0.lock().expect("clock lock");
        *t += by;
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().expect("clock lock")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_moment_is_shown_in_beijing_time_with_the_zone_named() {
        let t = DateTime::parse_from_rfc3339("2026-12-06T16:05:09Z").unwrap().with_timezone(&Utc);
        assert_eq!(beijing_time(t, crate::Lang::Zh, false), "2026-12-07 00:05 北京时间", "the next day in Beijing");
        assert_eq!(beijing_time(t, crate::Lang::En, true), "2026-12-07 00:05:09 Beijing time");
    }
}
