//! The demo's past, relative to the moment it is loaded (the store's clock), so that whenever
//! it is loaded its story holds: the committee met some weeks ago, its announcements have run
//! their period, one auction has closed and another is live now.

use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use huajie_core::clock::{FixedClock, beijing_midnight};
use huajie_store::{Store, StoreError};

/// The days the meeting is held before the demo is loaded, at least (earlier if the
/// announcement period would not have run by then).
const MEETING_DAYS_BEFORE: i64 = 17;

/// The demo's dates, from the moment it is loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timeline {
    /// When the demo is loaded.
    pub now: DateTime<Utc>,
    /// Today in China.
    pub today: NaiveDate,
    /// The day the committee approved the plans and their announcements were published.
    pub meeting: NaiveDate,
    /// The first day bidding may open after those announcements (the day after their
    /// announcement period, in working days): the closed auction is held on it.
    pub opens: NaiveDate,
}

impl Timeline {
    /// The timeline of a demo loaded now into `store`: the meeting on the latest working day
    /// at least 17 days back whose announcements' period has run three days before today.
    pub async fn of(store: &Store) -> Result<Timeline, StoreError> {
        let (now, today) = (store.clock().now(), store.clock().today());
        let calendar = store.work_calendar().await?.calendar;
        let days = store.rule_parameters().await?.parameters.announcement_working_days;
        let out = |e: huajie_core::calendar::OutOfRange| StoreError::Refused(e.message());
        let mut meeting = today - Duration::days(MEETING_DAYS_BEFORE);
        for _ in 0..120 {
            if calendar.is_working_day(meeting).map_err(out)? {
                let opens = calendar.announcement_period(meeting, days).map_err(out)? + Duration::days(1);
                if opens + Duration::days(3) <= today {
                    return Ok(Timeline { now, today, meeting, opens });
                }
            }
            meeting -= Duration::days(1);
        }
        Err(StoreError::Corrupt("the demo finds no meeting day whose announcement period has run".into()))
    }
}

/// A moment of a day, Beijing time.
pub fn beijing(day: NaiveDate, hour: i64, minute: i64) -> DateTime<Utc> {
    beijing_midnight(day) + Duration::hours(hour) + Duration::minutes(minute)
}

/// The store read through a clock the loader sets to each moment of the past it records.
pub struct Past {
    clock: Arc<FixedClock>,
    store: Store,
}

impl Past {
    pub fn new(store: &Store) -> Past {
        let clock = Arc::new(FixedClock::at(store.clock().now()));
        Past { store: store.with_clock(clock.clone()), clock }
    }

    /// The store, its clock at `t`.
    pub fn at(&self, t: DateTime<Utc>) -> &Store {
        *self.clock.0.lock().expect("the demo clock") = t;
        &self.store
    }
}
