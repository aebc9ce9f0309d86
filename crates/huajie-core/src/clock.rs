//! The only way the product reads the time, so that deadlines and expiries are testable.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> DateTime<Utc>;

    /// Today's date in China (UTC+8), the date business facts are recorded in.
    fn today(&self) -> NaiveDate {
        let cst = FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset");
        self.now().with_timezone(&cst).date_naive()
    }
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
