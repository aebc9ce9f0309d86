//! The working-day calendar (工作日历): every covered year's holidays and make-up working days
//! with the notice each comes from, provisional years marked, the version in force and the
//! earlier ones; the risk team uploads a new version as CSV (the shipped file's columns), and
//! the calendar downloads in that form.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, NaiveDate, Weekday};
use huajie_core::calendar::{CalendarProblem, FestivalSummary, read_csv, year_ranges};
use huajie_core::{Lang, Permission};
use huajie_store::StoredCalendar;
use serde::Deserialize;

use super::{download, render_form};
use crate::AppState;
use crate::ctx::{Authorized, Ctx, perm};
use crate::error::AppError;
use crate::form::{Int, Query, Upload};
use crate::i18n::tr;
use crate::view::Page;

/// Problems of a refused file listed on the page, at most.
const PROBLEMS_SHOWN: usize = 30;

#[derive(Deserialize)]
pub struct VersionQuery {
    /// A calendar version; the latest when absent.
    version: Option<Int>,
}

/// The upload form besides its file: why the version is saved.
#[derive(Deserialize)]
pub struct CalendarForm {
    #[serde(default)]
    note: String,
}

pub struct YearView {
    pub year: i32,
    pub provisional: bool,
    pub source: String,
    pub festivals: Vec<FestivalView>,
}

pub struct FestivalView {
    pub name: String,
    pub days_off: String,
    pub count: i64,
    pub makeup: String,
}

#[derive(Template)]
#[template(path = "calendar.html")]
struct CalendarPage {
    page: Page,
    title: &'static str,
    version: i64,
    latest: i64,
    note: String,
    created_by: String,
    created_at: String,
    body_sha256: String,
    covered: String,
    years: Vec<YearView>,
    /// Every version: number, note, by, at, years covered, provisional years.
    versions: Vec<(i64, String, String, String, String, String)>,
    can_edit: bool,
    error: Option<String>,
    problems: Vec<String>,
    note_typed: String,
}

/// The festival's name in `lang`: the usual English name of the holidays the notices list
/// (the stored name, in Chinese, otherwise).
fn festival_name(name: &str, lang: Lang) -> String {
    let key = match name {
        "元旦" => "calendar.f_new_year",
        "春节" => "calendar.f_spring",
        "清明节" => "calendar.f_qingming",
        "劳动节" => "calendar.f_labour",
        "端午节" => "calendar.f_dragon_boat",
        "中秋节" => "calendar.f_mid_autumn",
        "国庆节" => "calendar.f_national",
        "国庆节、中秋节" => "calendar.f_national_mid_autumn",
        _ => return name.to_string(),
    };
    tr(lang, key).to_string()
}

/// `2月14日（周六）` / `14 Feb (Sat)`.
pub fn day_label(d: NaiveDate, lang: Lang) -> String {
    let weekday = |zh: &'static str, en: &'static str| lang.pick(zh, en);
    let w = match d.weekday() {
        Weekday::Mon => weekday("周一", "Mon"),
        Weekday::Tue => weekday("周二", "Tue"),
        Weekday::Wed => weekday("周三", "Wed"),
        Weekday::Thu => weekday("周四", "Thu"),
        Weekday::Fri => weekday("周五", "Fri"),
        Weekday::Sat => weekday("周六", "Sat"),
        Weekday::Sun => weekday("周日", "Sun"),
    };
    match lang {
        Lang::Zh => format!("{}月{}日（{w}）", d.month(), d.day()),
        Lang::En => format!("{} ({w})", d.format("%-d %b")),
    }
}

fn festival_view(f: &FestivalSummary, year: i32, lang: Lang) -> FestivalView {
    // A day in the year before (a notice's December) is shown with its year.
    let label = |d: NaiveDate| {
        let day = day_label(d, lang);
        if d.year() == year { day } else { format!("{} {day}", d.year()) }
    };
    let runs: Vec<String> = f
        .days_off
        .iter()
        .map(
            |(a, b)| {
                if a == b { label(*a) } else { format!("{} {} {}", label(*a), tr(lang, "calendar.to"), label(*b)) }
            },
        )
        .collect();
    FestivalView {
        name: festival_name(&f.festival, lang),
        days_off: runs.join(lang.pick("、", ", ")),
        count: f.days_off_count(),
        makeup: f.makeup.iter().map(|d| label(*d)).collect::<Vec<_>>().join(lang.pick("、", ", ")),
    }
}

/// The version asked for (the latest when none is).
async fn version_of(state: &AppState, q: &VersionQuery) -> Result<(StoredCalendar, Vec<StoredCalendar>), AppError> {
    let latest = state.store.work_calendar().await?;
    let all = state.store.work_calendars().await?;
    let shown = match q.version.as_ref().map(|v| v.0) {
        None => latest,
        Some(v) => all.iter().find(|c| c.version == v).cloned().ok_or(AppError::NotFound)?,
    };
    Ok((shown, all))
}

/// The page, with a refusal and its listed problems when an upload was refused (a 400).
async fn calendar_page(
    ctx: &Ctx,
    state: &AppState,
    q: &VersionQuery,
    error: Option<String>,
    problems: Vec<String>,
    note_typed: String,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let (shown, all) = version_of(state, q).await?;
    let c = &shown.calendar;
    let years = c
        .by_year()
        .into_iter()
        .map(|y| YearView {
            year: y.year,
            provisional: y.provisional,
            source: y.source,
            festivals: y.festivals.iter().map(|f| festival_view(f, y.year, lang)).collect(),
        })
        .collect();
    let versions = all
        .iter()
        .rev()
        .map(|v| {
            let provisional = v.calendar.provisional_years();
            let provisional = if provisional.is_empty() { String::new() } else { year_ranges(&provisional) };
            let when = crate::view::when(v.created_at, lang);
            (v.version, v.note.clone(), v.created_by.clone(), when, year_ranges(&v.calendar.years()), provisional)
        })
        .collect();
    let page = Page::new(ctx, state).await?;
    let refused = error.is_some();
    let out = CalendarPage {
        title: page.t("calendar.title"),
        version: shown.version,
        latest: all.last().map_or(shown.version, |l| l.version),
        note: shown.note.clone(),
        created_by: shown.created_by.clone(),
        created_at: crate::view::when(shown.created_at, lang),
        body_sha256: shown.body_sha256.clone(),
        covered: year_ranges(&c.years()),
        years,
        versions,
        can_edit: ctx.can(Permission::EditRuleParameters),
        error,
        problems,
        note_typed,
        page,
    };
    render_form(&out, refused)
}

/// `GET /compliance/calendar?version=`: the calendar (the latest version by default).
pub async fn show(
    ctx: Ctx,
    State(state): State<AppState>,
    Query(q): Query<VersionQuery>,
) -> Result<Response, AppError> {
    ctx.require(Permission::ViewCompliance)?;
    calendar_page(&ctx, &state, &q, None, Vec::new(), String::new()).await
}

/// `GET /compliance/calendar.csv?version=`: a version as its CSV file (what the upload reads).
pub async fn csv(ctx: Ctx, State(state): State<AppState>, Query(q): Query<VersionQuery>) -> Result<Response, AppError> {
    ctx.require(Permission::ViewCompliance)?;
    let (shown, _) = version_of(&state, &q).await?;
    let name = format!("work-calendar-v{}.csv", shown.version);
    Ok(download(shown.calendar.to_csv().into_bytes(), "text/csv; charset=utf-8", name))
}

fn problem_line(p: &CalendarProblem, lang: Lang) -> String {
    match p.line {
        Some(n) => format!("{}：{}", tr(lang, "calendar.line").replace("{n}", &n.to_string()), p.text.get(lang)),
        None => p.text.get(lang).to_string(),
    }
}

/// `POST /compliance/calendar` (multipart: `file`, `note`, `csrf`): the risk team saves the
/// uploaded calendar as a new version. A file with any problem is refused whole, each problem
/// listed by its line; the store refuses a version without a reason, one that drops a covered
/// year, and one that changes nothing.
pub async fn upload(
    Authorized(ctx, user, _): Authorized<perm::EditRuleParameters>,
    State(state): State<AppState>,
    Upload { form, file }: Upload<CalendarForm>,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let latest = VersionQuery { version: None };
    let days = match read_csv(&file.bytes) {
        Ok(days) => days,
        Err(problems) => {
            let mut listed: Vec<String> = problems.iter().take(PROBLEMS_SHOWN).map(|p| problem_line(p, lang)).collect();
            if problems.len() > PROBLEMS_SHOWN {
                listed.push(tr(lang, "calendar.more").replace("{n}", &(problems.len() - PROBLEMS_SHOWN).to_string()));
            }
            let refused = Some(tr(lang, "calendar.refused").to_string());
            return calendar_page(&ctx, &state, &latest, refused, listed, form.note).await;
        }
    };
    let saved = state.store.record_work_calendar(&user.username, days, &form.note).await;
    match saved.map_err(AppError::from) {
        Ok(_) => Ok(Redirect::to("/compliance/calendar").into_response()),
        Err(AppError::Refused(text)) => {
            calendar_page(&ctx, &state, &latest, Some(text.get(lang).to_string()), Vec::new(), form.note).await
        }
        Err(other) => Err(other),
    }
}
