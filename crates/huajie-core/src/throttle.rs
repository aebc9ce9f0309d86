//! Throttling of what an attacker could repeat to learn something: password checks at login,
//! and the screening of a transferee (which tells whether a person is on the dishonest-debtor
//! list).
//!
//! Login: how many password checks a user name may have before further attempts wait. The policy is per (user name, source) with growing delays, so that an attacker
//! somewhere cannot lock the owner out of their account from anywhere else, plus a ceiling
//! per source across user names (password spraying) and a high ceiling per user name across
//! all sources (a distributed guess flood). The store counts the attempts and reserves one
//! in the same write transaction as it asks `decide`, so the count and the check are one step.

use chrono::{DateTime, Duration, Utc};

/// Failed attempts at one user name from one source before delays begin.
pub const FREE_FAILURES_PER_SOURCE: i64 = 5;
/// The delay after the `FREE_FAILURES_PER_SOURCE`-th failure; it doubles with each further one.
pub const FIRST_DELAY_MINUTES: i64 = 1;
/// The longest delay between two attempts at one user name from one source.
pub const DELAY_MAX_MINUTES: i64 = 60;
/// How long failures at one user name from one source are remembered (a success there
/// forgets them at once).
pub const SOURCE_MEMORY_HOURS: i64 = 24;
/// Failed attempts from one source at any user names within `WINDOW_MINUTES`.
pub const FAILURES_PER_SOURCE_MAX: i64 = 20;
/// Failed attempts at one user name from all sources together within `WINDOW_MINUTES`:
/// high, so that it takes many sources to reach, and then only for the window.
pub const FAILURES_PER_ACCOUNT_MAX: i64 = 100;
/// The window of the two ceilings.
pub const WINDOW_MINUTES: i64 = 15;
/// The longest user name kept as a throttling key (longer names cannot be accounts).
pub const USERNAME_KEY_CHARS_MAX: usize = 64;

/// What the store counted for one attempt: failures and attempts under way alike (an
/// attempt whose password is being checked counts as failed until it succeeds).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// At this user name from this source within `SOURCE_MEMORY_HOURS`.
    pub pair: i64,
    /// The latest of them.
    pub pair_latest: Option<DateTime<Utc>>,
    /// At this user name from any source within `WINDOW_MINUTES`.
    pub account: i64,
    /// The oldest of them.
    pub account_oldest: Option<DateTime<Utc>>,
    /// From this source at any user name within `WINDOW_MINUTES`.
    pub source: i64,
    /// The oldest of them.
    pub source_oldest: Option<DateTime<Utc>>,
}

/// The delay before the next attempt after `failures` failures from one source: none
/// for the first `FREE_FAILURES_PER_SOURCE`, then 1, 2, 4 … minutes, at most `DELAY_MAX_MINUTES`.
pub fn delay_after(failures: i64) -> Duration {
    if failures < FREE_FAILURES_PER_SOURCE {
        return Duration::zero();
    }
    let doublings = (failures - FREE_FAILURES_PER_SOURCE).min(16) as u32;
    Duration::minutes((FIRST_DELAY_MINUTES << doublings).min(DELAY_MAX_MINUTES))
}

/// Whether a password may be checked now; `Err` holds how long to wait.
pub fn decide(t: &Tally, now: DateTime<Utc>) -> Result<(), Duration> {
    let window = Duration::minutes(WINDOW_MINUTES);
    let mut wait = Duration::zero();
    if t.pair >= FREE_FAILURES_PER_SOURCE {
        let from = t.pair_latest.unwrap_or(now);
        wait = wait.max(from + delay_after(t.pair) - now);
    }
    if t.account >= FAILURES_PER_ACCOUNT_MAX {
        wait = wait.max(t.account_oldest.unwrap_or(now) + window - now);
    }
    if t.source >= FAILURES_PER_SOURCE_MAX {
        wait = wait.max(t.source_oldest.unwrap_or(now) + window - now);
    }
    if wait > Duration::zero() { Err(wait) } else { Ok(()) }
}

/// Transferee screenings (disposal checks) one user may run within `SCREENING_WINDOW_MINUTES`.
pub const SCREENINGS_PER_USER_MAX: i64 = 20;
pub const SCREENING_WINDOW_MINUTES: i64 = 60;

/// Whether a user who ran `count` screenings within the window, the oldest at `oldest`,
/// may run another now; `Err` holds how long to wait.
pub fn screening(count: i64, oldest: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Result<(), Duration> {
    if count < SCREENINGS_PER_USER_MAX {
        return Ok(());
    }
    let wait = oldest.unwrap_or(now) + Duration::minutes(SCREENING_WINDOW_MINUTES) - now;
    if wait > Duration::zero() { Err(wait) } else { Ok(()) }
}

/// Registrations on the public portal from one source within `REGISTRATION_WINDOW_MINUTES`
/// (each attempt counts, refused or not: a refusal tells whether an ID number is registered).
pub const REGISTRATIONS_PER_SOURCE_MAX: i64 = 10;
pub const REGISTRATION_WINDOW_MINUTES: i64 = 60;

/// Whether a source that made `count` registration attempts within the window, the oldest at
/// `oldest`, may make another now; `Err` holds how long to wait.
pub fn registration(count: i64, oldest: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Result<(), Duration> {
    if count < REGISTRATIONS_PER_SOURCE_MAX {
        return Ok(());
    }
    let wait = oldest.unwrap_or(now) + Duration::minutes(REGISTRATION_WINDOW_MINUTES) - now;
    if wait > Duration::zero() { Err(wait) } else { Ok(()) }
}

/// The user name as a throttling key: trimmed, at most `USERNAME_KEY_CHARS_MAX` characters.
pub fn username_key(username: &str) -> String {
    username.trim().chars().take(USERNAME_KEY_CHARS_MAX).collect()
}

/// A wait in whole minutes, rounded up (at least 1), for the message.
pub fn minutes_to_wait(wait: Duration) -> i64 {
    ((wait.num_seconds() + 59) / 60).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minute: i64) -> DateTime<Utc> {
        DateTime::<Utc>::from_timestamp(1_800_000_000, 0).unwrap() + Duration::minutes(minute)
    }

    #[test]
    fn a_source_registers_ten_times_an_hour() {
        assert_eq!(registration(REGISTRATIONS_PER_SOURCE_MAX - 1, Some(at(0)), at(1)), Ok(()));
        assert_eq!(registration(REGISTRATIONS_PER_SOURCE_MAX, Some(at(0)), at(1)), Err(Duration::minutes(59)));
        assert_eq!(registration(REGISTRATIONS_PER_SOURCE_MAX, Some(at(0)), at(60)), Ok(()));
    }

    #[test]
    fn delays_grow_from_the_sixth_attempt_and_stop_at_an_hour() {
        let minutes: Vec<i64> = (0..13).map(|n| delay_after(n).num_minutes()).collect();
        assert_eq!(minutes, [0, 0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 60, 60]);
        assert_eq!(delay_after(i64::MAX).num_minutes(), 60);
    }

    #[test]
    fn a_source_waits_after_its_free_failures_and_then_may_try_again() {
        let now = at(0);
        let mut t = Tally { pair: 4, pair_latest: Some(now), ..Tally::default() };
        assert_eq!(decide(&t, now), Ok(()));
        t.pair = 5;
        assert_eq!(decide(&t, now), Err(Duration::minutes(1)));
        assert_eq!(decide(&t, at(1)), Ok(()));
        t.pair = 7;
        assert_eq!(decide(&t, at(1)), Err(Duration::minutes(3)));
    }

    #[test]
    fn the_ceilings_hold_until_their_oldest_failure_leaves_the_window() {
        let t = Tally { account: 100, account_oldest: Some(at(0)), ..Tally::default() };
        assert_eq!(decide(&t, at(5)), Err(Duration::minutes(10)));
        assert_eq!(decide(&t, at(15)), Ok(()));
        let t = Tally { source: 20, source_oldest: Some(at(0)), account: 99, ..Tally::default() };
        assert_eq!(decide(&t, at(14)), Err(Duration::minutes(1)));
        assert_eq!(minutes_to_wait(Duration::seconds(61)), 2);
        assert_eq!(minutes_to_wait(Duration::seconds(1)), 1);
    }

    #[test]
    fn screenings_wait_once_the_hour_is_full() {
        assert_eq!(screening(19, Some(at(0)), at(1)), Ok(()));
        assert_eq!(screening(20, Some(at(0)), at(45)), Err(Duration::minutes(15)));
        assert_eq!(screening(20, Some(at(0)), at(60)), Ok(()));
    }

    #[test]
    fn keys_are_bounded() {
        assert_eq!(username_key("  admin "), "admin");
        assert_eq!(username_key(&"用".repeat(1_000_000)).chars().count(), USERNAME_KEY_CHARS_MAX);
    }
}
