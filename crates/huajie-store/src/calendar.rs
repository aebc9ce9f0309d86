//! The working-day calendar in versions (`work_calendars`, `work_calendar_days`): version 1 is
//! the shipped table (`huajie-core/src/data/holidays.csv`), saved on first use; a new version
//! (the next year's notice, a provisional year confirmed) is saved whole, audited, and keeps
//! every year the one before covered. A saved version never changes.

use chrono::{DateTime, Utc};
use huajie_core::Text;
use huajie_core::calendar::{CalendarDay, CalendarProblem, DayKind, WorkCalendar};
use serde::Serialize;
use sqlx::AnyConnection;

use crate::audit::Audited;
use crate::bulk::{AnyQuery, TableRow};
use crate::rows::{code, date, i64_col, text};
use crate::{Store, StoreError, WriteTx};

/// The note of version 1.
pub const SHIPPED_CALENDAR_NOTE: &str = "随系统发布：2024—2026 年据国务院办公厅通知，2027 年为暂定（按放假办法推定）";

/// The problems of a refused calendar named in a refusal, at most.
const PROBLEMS_NAMED: usize = 5;

/// One version of the calendar as stored, with its days (which its audit records hold).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredCalendar {
    pub id: i64,
    pub version: i64,
    pub note: String,
    /// SHA-256 of the days written as the calendar's CSV file (`WorkCalendar::to_csv`).
    pub body_sha256: String,
    pub created_by: String,
    #[serde(serialize_with = "crate::rows::stored_time")]
    pub created_at: DateTime<Utc>,
    pub days: Vec<CalendarDay>,
    #[serde(skip)]
    pub calendar: WorkCalendar,
}

impl Audited for StoredCalendar {
    const ENTITY: &'static str = "work_calendar";
    fn audit_id(&self) -> String {
        self.id.to_string()
    }
}

/// A day as its row is written.
struct DayRow<'a> {
    calendar_id: i64,
    day: &'a CalendarDay,
}

impl TableRow for DayRow<'_> {
    const TABLE: &'static str = "work_calendar_days";
    const COLUMNS: &'static [&'static str] =
        &["calendar_id", "year", "day", "kind", "festival", "provisional", "source"];
    fn bind<'q>(&'q self, q: AnyQuery<'q>) -> AnyQuery<'q> {
        q.bind(self.calendar_id)
            .bind(i64::from(self.day.year))
            .bind(crate::rows::date_text(self.day.day))
            .bind(self.day.kind.code())
            .bind(self.day.festival.as_str())
            .bind(i64::from(self.day.provisional))
            .bind(self.day.source.as_str())
    }
}

/// The versions (the latest alone when `latest_only`), oldest first, each with its days.
async fn load(conn: &mut AnyConnection, latest_only: bool) -> Result<Vec<StoredCalendar>, StoreError> {
    let sql = if latest_only {
        "SELECT id, version, note, body_sha256, created_by, created_at FROM work_calendars WHERE version = (SELECT MAX(version) FROM work_calendars)"
    } else {
        "SELECT id, version, note, body_sha256, created_by, created_at FROM work_calendars ORDER BY version"
    };
    let heads = sqlx::query(sql).fetch_all(&mut *conn).await?;
    let mut out = Vec::with_capacity(heads.len());
    for h in &heads {
        let id = i64_col(h, "id")?;
        let rows = sqlx::query(
            "SELECT year, day, kind, festival, provisional, source FROM work_calendar_days WHERE calendar_id = $1 ORDER BY year, day",
        )
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
        let days = rows
            .iter()
            .map(|r| {
                Ok(CalendarDay {
                    year: i32::try_from(i64_col(r, "year")?)
                        .map_err(|_| StoreError::Corrupt(format!("work_calendar_days.year of calendar {id}")))?,
                    day: date(r, "day")?,
                    kind: code(r, "kind", DayKind::from_code)?,
                    festival: text(r, "festival")?,
                    provisional: i64_col(r, "provisional")? != 0,
                    source: text(r, "source")?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let version = i64_col(h, "version")?;
        let calendar = WorkCalendar::new(version, days.clone())
            .map_err(|p| StoreError::Corrupt(format!("work calendar version {version}: {}", named(&p).zh)))?;
        out.push(StoredCalendar {
            id,
            version,
            note: text(h, "note")?,
            body_sha256: text(h, "body_sha256")?,
            created_by: text(h, "created_by")?,
            created_at: crate::rows::utc(h, "created_at")?,
            days: calendar.rows().to_vec(),
            calendar,
        });
    }
    Ok(out)
}

/// The first problems of a calendar, each with its line, in one text.
fn named(problems: &[CalendarProblem]) -> Text {
    let line = |p: &CalendarProblem, zh: bool| match (p.line, zh) {
        (Some(n), true) => format!("第 {n} 行：{}", p.text.zh),
        (Some(n), false) => format!("line {n}: {}", p.text.en),
        (None, true) => p.text.zh.to_string(),
        (None, false) => p.text.en.to_string(),
    };
    let (zh, en): (Vec<String>, Vec<String>) =
        problems.iter().take(PROBLEMS_NAMED).map(|p| (line(p, true), line(p, false))).unzip();
    let more = problems.len().saturating_sub(PROBLEMS_NAMED);
    let (zh_more, en_more) =
        if more > 0 { (format!("；另有 {more} 处"), format!("; and {more} more")) } else { Default::default() };
    Text::new(format!("{}{zh_more}", zh.join("；")), format!("{}{en_more}", en.join("; ")))
}

impl Store {
    /// Every version of the calendar, oldest first.
    pub async fn work_calendars(&self) -> Result<Vec<StoredCalendar>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        load(&mut conn, false).await
    }

    /// The latest version; version 1 (the shipped table) is saved on first use.
    pub async fn work_calendar(&self) -> Result<StoredCalendar, StoreError> {
        let mut conn = self.pool.acquire().await?;
        if let Some(latest) = load(&mut conn, true).await?.pop() {
            return Ok(latest);
        }
        drop(conn);
        self.operate("system", async |tx| {
            // Another writer may have saved it since: decided inside the transaction.
            match load(&mut tx.tx, true).await?.pop() {
                Some(latest) => Ok(latest),
                None => tx.insert_work_calendar(1, &WorkCalendar::shipped_rows(), SHIPPED_CALENDAR_NOTE).await,
            }
        })
        .await
    }

    /// Saves `days` as the next version of the calendar, with the reason (`note`). Refused (the
    /// database unchanged) without a note, for days that are not a consistent calendar (the
    /// first problems named by line), for a version that drops a year the latest covers, or for
    /// one that changes nothing.
    pub async fn record_work_calendar(
        &self,
        actor: &str,
        days: Vec<CalendarDay>,
        note: &str,
    ) -> Result<StoredCalendar, StoreError> {
        let note = note.trim();
        if note.is_empty() {
            return Err(StoreError::Refused(Text::fixed(
                "请说明新版本的依据（如国务院办公厅通知的文号）",
                "give the new version's basis (the State Council notice's number, say)",
            )));
        }
        let next = WorkCalendar::new(0, days).map_err(|p| StoreError::Refused(named(&p)))?;
        self.work_calendar().await?;
        self.operate(actor, async |tx| {
            let latest = load(&mut tx.tx, true).await?.pop();
            let latest = latest.ok_or_else(|| StoreError::NotFound("work calendar".into()))?;
            if let Some(refusal) = latest.calendar.refuses_successor(&next) {
                return Err(StoreError::Refused(refusal));
            }
            tx.insert_work_calendar(latest.version + 1, next.rows(), note).await
        })
        .await
    }
}

impl WriteTx {
    /// The latest calendar as this transaction reads it (version 1 saved on first use).
    pub(crate) async fn calendar_in(&mut self) -> Result<StoredCalendar, StoreError> {
        match load(&mut self.tx, true).await?.pop() {
            Some(latest) => Ok(latest),
            None => self.insert_work_calendar(1, &WorkCalendar::shipped_rows(), SHIPPED_CALENDAR_NOTE).await,
        }
    }

    /// Writes version `version` of the calendar with its days, and audits it.
    async fn insert_work_calendar(
        &mut self,
        version: i64,
        days: &[CalendarDay],
        note: &str,
    ) -> Result<StoredCalendar, StoreError> {
        let calendar = WorkCalendar::new(version, days.to_vec()).map_err(|p| StoreError::Refused(named(&p)))?;
        let body_sha256 = huajie_core::audit::sha256_hex(calendar.to_csv().as_bytes());
        let created_at = crate::stored_time(self.clock.now());
        let r = sqlx::query("INSERT INTO work_calendars (version, note, body_sha256, created_by, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
            .bind(version)
            .bind(note)
            .bind(body_sha256.as_str())
            .bind(self.actor().to_string())
            .bind(crate::timestamp(created_at))
            .fetch_one(&mut *self.tx)
            .await
            .map_err(|e| {
                StoreError::on_unique(e, || {
                    Text::new(format!("工作日历第 {version} 版"), format!("version {version} of the working-day calendar"))
                })
            })?;
        let id = i64_col(&r, "id")?;
        let rows: Vec<DayRow> = calendar.rows().iter().map(|day| DayRow { calendar_id: id, day }).collect();
        self.insert_rows_without_ids(&rows).await?;
        let stored = StoredCalendar {
            id,
            version,
            note: note.to_string(),
            body_sha256,
            created_by: self.actor().to_string(),
            created_at,
            days: calendar.rows().to_vec(),
            calendar,
        };
        self.audit_create(&stored).await?;
        Ok(stored)
    }
}
