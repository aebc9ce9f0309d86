//! The public portal's announcements (处置公告), no login: the list of announcements in force
//! with search and filters (province, asset type, method, reserve range in 万元, publication
//! dates) and paging, and each announcement as published — masked, its publication time in
//! Beijing time, the period and the day bidding opens, the SHA-256 of the published body, and
//! the earlier versions (the archive). Nothing unpublished and no staff figure (valuation,
//! cost) is ever read here: only `Store::public_*`.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use huajie_core::{CollateralType, Lang, Province};
use huajie_decide::DisposalMethod;
use huajie_store::{Announcement, PUBLIC_PAGE, PublicFilter};
use serde::Deserialize;

use super::announcements::ContentView;
use super::{Pager, lenient_page, page_number, render_form};
use crate::AppState;
use crate::cached::Key;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::form::fields::{amount, date, quoting};
use crate::form::{FieldErrors, Path, Query};
use crate::i18n::text;
use crate::view::Page;

/// The public list's query, as typed.
#[derive(Deserialize, Default, Clone)]
pub struct PublicQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub province: String,
    #[serde(default)]
    pub asset_kind: String,
    #[serde(default)]
    pub method: String,
    #[serde(default)]
    pub reserve_min: String,
    #[serde(default)]
    pub reserve_max: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default, deserialize_with = "lenient_page")]
    pub page: Option<i64>,
}

fn blank_or<T>(
    typed: &str,
    read: impl FnOnce(&str) -> Result<T, huajie_core::Text>,
) -> Result<Option<T>, huajie_core::Text> {
    match typed.trim() {
        "" => Ok(None),
        t => read(t).map(Some),
    }
}

impl PublicQuery {
    /// The filter it asks for, or every parameter that cannot be read (reserves in 万元).
    pub fn filter(&self) -> Result<PublicFilter, FieldErrors> {
        let mut e = FieldErrors::default();
        let method = e.read(
            "method",
            &text("public.method"),
            blank_or(&self.method, |t| {
                DisposalMethod::from_code(t)
                    .or_else(|| DisposalMethod::from_any_name(t))
                    .ok_or_else(|| quoting(t, "form.bad_option"))
            }),
        );
        // A province by its code or its name; anything else matches nothing.
        let province = Some(self.province.trim())
            .filter(|t| !t.is_empty())
            .map(|t| Province::from_name(t).map(|p| p.code()).unwrap_or_else(|| t.to_string()));
        let reserve_min = e.read("reserve_min", &text("public.reserve_min"), blank_or(&self.reserve_min, amount));
        let reserve_max = e.read("reserve_max", &text("public.reserve_max"), blank_or(&self.reserve_max, amount));
        let from = e.read("from", &text("public.from"), blank_or(&self.from, date));
        let to = e.read("to", &text("public.to"), blank_or(&self.to, date));
        let words = Some(self.q.trim().to_string()).filter(|t| !t.is_empty());
        let kind = Some(self.asset_kind.trim().to_string()).filter(|t| !t.is_empty());
        e.finish(|| {
            Some(PublicFilter {
                text: words,
                province,
                asset_kind: kind,
                method: method?,
                reserve_min: reserve_min?,
                reserve_max: reserve_max?,
                published_from: from?,
                published_to: to?,
            })
        })
    }

    /// This query on page `n`.
    fn href(&self, n: i64) -> String {
        let e = crate::error::url_encode;
        format!(
            "/public/announcements?q={}&province={}&asset_kind={}&method={}&reserve_min={}&reserve_max={}&from={}&to={}&page={n}",
            e(&self.q),
            e(&self.province),
            e(&self.asset_kind),
            e(&self.method),
            e(&self.reserve_min),
            e(&self.reserve_max),
            e(&self.from),
            e(&self.to)
        )
    }
}

/// One announcement in the public list.
pub struct PublicRow {
    pub id: i64,
    pub title: String,
    pub province: String,
    pub method: &'static str,
    pub reserve: String,
    pub published_at: String,
    pub bidding_opens: String,
}

fn public_row(a: &Announcement, lang: Lang) -> PublicRow {
    PublicRow {
        id: a.id,
        title: a.content.title.clone(),
        province: Province::from_code(&a.province).map(|p| p.name(lang).to_string()).unwrap_or_default(),
        method: a.method.name(lang),
        reserve: a.reserve.display(lang),
        published_at: a.published_at.map(|t| crate::view::when(t, lang)).unwrap_or_default(),
        bidding_opens: crate::view::opt_date(a.bidding_opens_on),
    }
}

#[derive(Template)]
#[template(path = "public_announcements.html")]
struct ListPage {
    page: Page,
    title: &'static str,
    q: PublicQuery,
    provinces: Vec<(String, String)>,
    kinds: Vec<(String, String)>,
    methods: Vec<(String, String)>,
    rows: Vec<PublicRow>,
    total: usize,
    pager: Pager,
    error: Option<String>,
}

/// A filter's choices: (value, name).
type Choices = Vec<(String, String)>;

/// The choices of the filters: provinces, asset types (claims, and each collateral type as the
/// announcement names it), the public methods.
fn choices(lang: Lang) -> (Choices, Choices, Choices) {
    let provinces = Province::all().into_iter().map(|p| (p.code(), p.name(lang).to_string())).collect();
    let kinds = std::iter::once((huajie_store::CLAIM_KIND.to_string(), text("public.claim").get(lang).to_string()))
        .chain(CollateralType::ALL.iter().map(|t| (t.zh().to_string(), t.name(lang).to_string())))
        .collect();
    let methods = DisposalMethod::ALL
        .iter()
        .filter(|m| m.is_public())
        .map(|m| (m.code().to_string(), m.name(lang).to_string()))
        .collect();
    (provinces, kinds, methods)
}

/// `GET /public/announcements`: the announcements in force, filtered, a page at a time. A
/// filter that cannot be read is named on the page (a 400), the list unfiltered below it.
pub async fn list(ctx: Ctx, State(state): State<AppState>, Query(q): Query<PublicQuery>) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let (filter, error) = match q.filter() {
        Ok(f) => (f, None),
        Err(e) => (
            PublicFilter::default(),
            Some(e.iter().map(|(_, t)| t.get(lang).to_string()).collect::<Vec<_>>().join("；")),
        ),
    };
    let n = page_number(q.page);
    let version = state.reads.version(&state.store).await?;
    let read = async { Ok(state.store.public_announcements(&filter, (n - 1) as usize).await?) };
    let found = state.reads.get(version, Key::Path(ctx.path.clone()), read).await?;
    let (found, total) = (&found.0, found.1);
    let pager = Pager::new(lang, n, PUBLIC_PAGE as i64, total as i64, |p| q.href(p));
    let (provinces, kinds, methods) = choices(lang);
    let page = Page::at_version(&ctx, &state, version).await?;
    let refused = error.is_some();
    let out = ListPage {
        title: page.t("public.title"),
        rows: found.iter().map(|a| public_row(a, lang)).collect(),
        q,
        provinces,
        kinds,
        methods,
        total,
        pager,
        error,
        page,
    };
    render_form(&out, refused)
}

#[derive(Template)]
#[template(path = "public_announcement.html")]
struct OnePage {
    page: Page,
    title: String,
    version: i64,
    in_force: bool,
    c: ContentView,
    published_at: String,
    period_ends: String,
    bidding_opens: String,
    sha256: String,
    /// Every published version of the plan's announcement: id, version, status, published at, this one.
    archive: Vec<(i64, i64, &'static str, String, bool)>,
}

/// `GET /public/announcements/{id}`: a version as it was published (never a draft).
pub async fn show(ctx: Ctx, State(state): State<AppState>, Path(id): Path<i64>) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let version = state.reads.version(&state.store).await?;
    let read = async {
        let a = state.store.public_announcement(id).await?;
        let versions = state.store.public_versions(a.plan_id).await?;
        Ok((a, versions))
    };
    let kept = state.reads.get(version, Key::Path(ctx.path.clone()), read).await?;
    let (a, versions) = (&kept.0, &kept.1);
    let archive = versions
        .iter()
        .map(|v| {
            let when = v.published_at.map(|t| crate::view::when(t, lang)).unwrap_or_default();
            (v.id, v.version, v.status.name(lang), when, v.id == id)
        })
        .collect();
    let page = Page::at_version(&ctx, &state, version).await?;
    let out = OnePage {
        title: a.content.title.clone(),
        version: a.version,
        in_force: a.status == huajie_decide::announce::AnnouncementStatus::Published,
        // The stored body of a published version is already masked (`for_publication`).
        c: ContentView::of(&a.content, lang),
        published_at: a.published_at.map(|t| crate::view::when(t, lang)).unwrap_or_default(),
        period_ends: crate::view::opt_date(a.period_ends_on),
        bidding_opens: crate::view::opt_date(a.bidding_opens_on),
        sha256: a.body_sha256.clone(),
        archive,
        page,
    };
    render_form(&out, false)
}
