//! Disposal announcements as the staff work on them (处置公告, rules.md A10.2): the list (draft,
//! published, archived), drafting from an approved public plan (or the next version, a
//! correction), the draft's form with the A10.2 checklist beside its fields, and publishing
//! (the period's end and the day bidding opens, on the working-day calendar).

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use huajie_core::{Lang, Permission, Province};
use huajie_decide::announce::{AnnouncementStatus, Content, for_publication, missing};
use huajie_store::{Announcement, AnnouncementEdit};
use serde::{Deserialize, Serialize};

use super::render_form;
use crate::AppState;
use crate::ctx::{Authorized, Ctx, perm};
use crate::error::AppError;
use crate::form::{Confirmed, FormView, Path, Query, Submitted};
use crate::i18n::tr;
use crate::view::Page;

pub const ANNOUNCEMENT_FORM: &str = "announcement-form";
pub const PUBLISH_FORM: &str = "publish-announcement";

/// An announcement's content as a page shows it (already masked for whoever reads it).
pub struct ContentView {
    pub title: String,
    /// Name, type, location, province, principal, interest.
    pub assets: Vec<(String, String, String, String, String, String)>,
    /// Role, name, identifier.
    pub obligors: Vec<(String, String, String)>,
    pub base_date: String,
    pub method: &'static str,
    pub reserve: String,
    pub balance: String,
    pub conditions: String,
    pub buyer_requirements: String,
    pub contact: String,
    pub report_channel: String,
}

fn province_name(code: &str, lang: Lang) -> String {
    Province::from_code(code).map(|p| p.name(lang).to_string()).unwrap_or_else(|| code.to_string())
}

impl ContentView {
    pub fn of(c: &Content, lang: Lang) -> ContentView {
        let m = |x: huajie_core::Money| x.display(lang);
        ContentView {
            title: c.title.clone(),
            assets: c
                .assets
                .iter()
                .map(|a| {
                    let p = province_name(&a.province, lang);
                    (a.name.clone(), a.kind.clone(), a.location.clone(), p, m(a.principal), m(a.interest))
                })
                .collect(),
            obligors: c
                .obligors
                .iter()
                .map(|o| {
                    let role = tr(lang, if o.role == "debtor" { "announce.debtor" } else { "announce.guarantor" });
                    (role.to_string(), o.name.clone(), o.identifier.clone().unwrap_or_else(|| "—".into()))
                })
                .collect(),
            base_date: c.base_date.to_string(),
            method: c.method.name(lang),
            reserve: m(c.reserve),
            balance: m(c.balance()),
            conditions: c.conditions.clone(),
            buyer_requirements: c.buyer_requirements.clone(),
            contact: c.contact.clone(),
            report_channel: c.report_channel.clone(),
        }
    }
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    status: String,
}

#[derive(Template)]
#[template(path = "announcements.html")]
struct ListPage {
    page: Page,
    title: &'static str,
    statuses: Vec<(String, String)>,
    status: String,
    /// id, plan, version, title, status, published at.
    rows: Vec<(i64, i64, i64, String, &'static str, String)>,
}

/// What a viewer may read of an announcement's content: a draft names individuals in full,
/// for the staff who own personal data only.
fn content_for(a: &Announcement, ctx: &Ctx) -> Content {
    match ctx.can(Permission::ViewPersonalData) {
        true => a.content.clone(),
        false => for_publication(&a.content),
    }
}

/// `GET /announcements?status=`: every version, newest first (draft, published, archived).
pub async fn list(ctx: Ctx, State(state): State<AppState>, Query(q): Query<ListQuery>) -> Result<Response, AppError> {
    ctx.require(Permission::ViewPlans)?;
    let lang = ctx.lang;
    let rows = state
        .store
        .announcements(None)
        .await?
        .iter()
        .filter(|a| q.status.is_empty() || a.status.code() == q.status)
        .map(|a| {
            let when = a.published_at.map(|t| crate::view::when(t, lang)).unwrap_or_default();
            (a.id, a.plan_id, a.version, content_for(a, &ctx).title, a.status.name(lang), when)
        })
        .collect();
    let page = Page::new(&ctx, &state).await?;
    let statuses = AnnouncementStatus::ALL.iter().map(|s| (s.code().to_string(), s.name(lang).to_string())).collect();
    render_form(&ListPage { title: page.t("announce.title"), statuses, status: q.status, rows, page }, false)
}

#[derive(Template)]
#[template(path = "announcement.html")]
struct AnnouncementPage {
    page: Page,
    title: String,
    id: i64,
    plan_id: i64,
    status: &'static str,
    c: ContentView,
    /// The A10.2 checklist's gaps, by field.
    gaps: Vec<(&'static str, String)>,
    published: Option<(String, String, String, String)>,
    can_edit: bool,
    can_correct: bool,
    public_link: bool,
    form: FormView,
}

impl AnnouncementPage {
    /// The checklist's gaps about field `key`, together.
    fn gap(&self, key: &str) -> Option<String> {
        let found: Vec<&str> = self.gaps.iter().filter(|(k, _)| *k == key).map(|(_, m)| m.as_str()).collect();
        (!found.is_empty()).then(|| found.join(" "))
    }
}

/// The draft's form filled in from its content.
fn edit_view(c: &Content, lang: Lang) -> FormView {
    let locations: Vec<&str> = c.assets.iter().map(|a| a.location.as_str()).collect();
    FormView::new(ANNOUNCEMENT_FORM, lang)
        .with("title", c.title.clone())
        .with("locations", locations.join("\n"))
        .with("conditions", c.conditions.clone())
        .with("buyer_requirements", c.buyer_requirements.clone())
        .with("contact", c.contact.clone())
        .with("report_channel", c.report_channel.clone())
}

/// The announcement's page; `sent_back` is its edit or publish form refused.
pub async fn page(ctx: &Ctx, state: &AppState, id: i64, mut sent_back: Option<FormView>) -> Result<Response, AppError> {
    ctx.require(Permission::ViewPlans)?;
    let lang = ctx.lang;
    let a = state.store.announcement(id).await?;
    let content = content_for(&a, ctx);
    let manage = ctx.can(Permission::ManageAnnouncements);
    let draft = a.status == AnnouncementStatus::Draft;
    let published = a.published_at.map(|t| {
        (
            crate::view::when(t, lang),
            crate::view::opt_date(a.period_ends_on),
            crate::view::opt_date(a.bidding_opens_on),
            a.body_sha256.clone(),
        )
    });
    let form = edit_view(&content, lang).unless(&mut sent_back);
    let publish_form = FormView::new(PUBLISH_FORM, lang).unless(&mut sent_back);
    let mut page = Page::new(ctx, state).await?;
    let refused = page.sent_back([&form, &publish_form]);
    let out = AnnouncementPage {
        title: format!("{} v{}：{}", tr(lang, "announce.announcement"), a.version, content.title),
        id,
        plan_id: a.plan_id,
        status: a.status.name(lang),
        gaps: missing(&a.content).into_iter().map(|(k, t)| (k, t.get(lang).to_string())).collect(),
        c: ContentView::of(&content, lang),
        published,
        can_edit: manage && draft,
        can_correct: manage && a.status == AnnouncementStatus::Published,
        public_link: !draft,
        form,
        page,
    };
    render_form(&out, refused)
}

/// `GET /announcements/{id}`.
pub async fn show(ctx: Ctx, State(state): State<AppState>, Path(id): Path<i64>) -> Result<Response, AppError> {
    page(&ctx, &state, id, None).await
}

/// `POST /plans/{id}/announcements`: drafts the plan's announcement (version 1, or the next
/// version: a correction) and opens it; a refusal comes back on the plan's page.
pub async fn draft(
    Path(plan_id): Path<i64>,
    Authorized(ctx, user, _): Authorized<perm::ManageAnnouncements>,
    State(state): State<AppState>,
    Submitted(form): Submitted<Confirmed>,
) -> Result<Response, AppError> {
    let done = async {
        let a = state.store.draft_announcement(&user.username, plan_id).await?;
        Ok(Redirect::to(&format!("/announcements/{}", a.id)).into_response())
    };
    super::or_refused(done.await, ctx.lang, ("draft-announcement", &form), |view| {
        super::plans_page::page(&ctx, &state, plan_id, Some(view))
    })
    .await
}

/// The draft's free parts as typed.
#[derive(Deserialize, Serialize, Default)]
pub struct EditForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    locations: String,
    #[serde(default)]
    conditions: String,
    #[serde(default)]
    buyer_requirements: String,
    #[serde(default)]
    contact: String,
    #[serde(default)]
    report_channel: String,
}

impl EditForm {
    fn edit(&self) -> AnnouncementEdit {
        AnnouncementEdit {
            title: self.title.clone(),
            locations: self.locations.lines().map(|l| l.trim().to_string()).collect(),
            conditions: self.conditions.clone(),
            buyer_requirements: self.buyer_requirements.clone(),
            contact: self.contact.clone(),
            report_channel: self.report_channel.clone(),
        }
    }
}

/// `POST /announcements/{id}`: saves the draft's free parts (the checklist is shown again).
pub async fn edit(
    Path(id): Path<i64>,
    Authorized(ctx, user, _): Authorized<perm::ManageAnnouncements>,
    State(state): State<AppState>,
    Submitted(form): Submitted<EditForm>,
) -> Result<Response, AppError> {
    let done = async {
        state.store.edit_announcement(&user.username, id, &form.edit()).await?;
        Ok(Redirect::to(&format!("/announcements/{id}")).into_response())
    };
    super::or_refused(done.await, ctx.lang, (ANNOUNCEMENT_FORM, &form), |view| page(&ctx, &state, id, Some(view))).await
}

/// `POST /announcements/{id}/publish`: publishes the draft (refused while the checklist finds
/// anything missing).
pub async fn publish(
    Path(id): Path<i64>,
    Authorized(ctx, user, _): Authorized<perm::ManageAnnouncements>,
    State(state): State<AppState>,
    Submitted(form): Submitted<Confirmed>,
) -> Result<Response, AppError> {
    let done = async {
        state.store.publish_announcement(&user.username, id).await?;
        Ok(Redirect::to(&format!("/announcements/{id}")).into_response())
    };
    super::or_refused(done.await, ctx.lang, (PUBLISH_FORM, &form), |view| page(&ctx, &state, id, Some(view))).await
}
