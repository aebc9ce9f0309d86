//! Setting a lot up (issue 14), on the approved plan's page: for a plan of a biddable method
//! (online auction, tender) whose announcement is published and which has no lot yet, the asset
//! manager gives the terms — amounts in 元, times in Beijing time — and the auction's own rules
//! (`Terms::problems`, `Terms::against_decision`) put each problem beside its field before the
//! store sets the lot up (and checks them again). The API (`api::lots::create`) shares `set_up`.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Duration, Utc};
use huajie_auction::{AuctionMode, Terms};
use huajie_core::{Money, Permission};
use huajie_decide::announce::AnnouncementStatus;
use huajie_decide::{DisposalMethod, PlanStatus};
use huajie_store::{LotInput, LotRecord, Plan};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::ctx::{Authorized, Ctx, perm};
use crate::error::AppError;
use crate::form::fields::yuan;
use crate::form::{FieldErrors, FormView, Path, Submitted};
use crate::i18n::text;
use crate::pages::committee::beijing_input;

pub const CREATE_FORM: &str = "lot-create";

/// A lot's terms as asked for, before the rules read them.
pub struct Draft {
    pub title: String,
    pub start_price: Money,
    pub increment: Money,
    pub reserve: Option<Money>,
    pub deposit: Money,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

/// The form as typed: amounts in 元, times in Beijing time (`datetime-local`).
#[derive(Deserialize, Serialize, Default)]
pub struct LotForm {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub start_price: String,
    #[serde(default)]
    pub increment: String,
    #[serde(default)]
    pub reserve: String,
    #[serde(default)]
    pub deposit: String,
    #[serde(default)]
    pub starts_at: String,
    #[serde(default)]
    pub ends_at: String,
}

impl LotForm {
    /// The terms asked for, or every field that cannot be read.
    pub fn parse(&self) -> Result<Draft, FieldErrors> {
        let mut e = FieldErrors::default();
        let start_price = e.read("start_price", &text("lots.start_price"), yuan(&self.start_price));
        let increment = e.read("increment", &text("lots.increment"), yuan(&self.increment));
        let reserve = if self.reserve.trim().is_empty() {
            Some(None)
        } else {
            e.read("reserve", &text("lots.reserve"), yuan(&self.reserve)).map(Some)
        };
        let deposit = e.read("deposit", &text("lots.deposit"), yuan(&self.deposit));
        let starts_at = e.read("starts_at", &text("lots.starts_at"), beijing_input(&self.starts_at));
        let ends_at = e.read("ends_at", &text("lots.scheduled_end"), beijing_input(&self.ends_at));
        e.finish(|| {
            Some(Draft {
                title: self.title.trim().to_string(),
                start_price: start_price?,
                increment: increment?,
                reserve: reserve?,
                deposit: deposit?,
                starts_at: starts_at?,
                ends_at: ends_at?,
            })
        })
    }
}

/// The plan's published announcement's first moment of bidding, if it has one.
async fn bidding_opens(state: &AppState, plan_id: i64) -> Result<Option<DateTime<Utc>>, AppError> {
    Ok(state
        .store
        .announcements(Some(plan_id))
        .await?
        .into_iter()
        .filter(|a| a.status == AnnouncementStatus::Published)
        .find_map(|a| a.bidding_opens_on)
        .map(huajie_core::clock::beijing_midnight))
}

/// Sets the lot up for plan `plan_id` with `draft`: the mode follows the plan's method (online
/// auction: ascending; tender: sealed), the extension is the rule parameter's; each problem the
/// auction's rules find is named by its field (`start_price`, `reserve`, `starts_at`…).
pub async fn set_up(state: &AppState, actor: &str, plan_id: i64, draft: Draft) -> Result<LotRecord, AppError> {
    let plan = state.store.plan(plan_id).await?;
    let mode = if plan.method == DisposalMethod::Tender { AuctionMode::Sealed } else { AuctionMode::Ascending };
    let params = state.store.rule_parameters().await?.parameters;
    let terms = Terms {
        mode,
        start_price: draft.start_price,
        increment: draft.increment,
        reserve: draft.reserve,
        deposit: draft.deposit,
        starts_at: draft.starts_at,
        ends_at: draft.ends_at,
        extension_minutes: params.auction_extension_minutes,
    };
    if plan.status == PlanStatus::Approved && plan.method.is_biddable() {
        let opens = bidding_opens(state, plan_id).await?.unwrap_or(terms.starts_at);
        let mut problems = terms.problems();
        problems.extend(terms.against_decision(plan.reserve, opens));
        if !problems.is_empty() {
            return Err(AppError::Invalid(FieldErrors::from(problems)));
        }
    }
    let title = if draft.title.is_empty() { plan.title.clone() } else { draft.title };
    Ok(state.store.create_lot(actor, &LotInput { plan_id, title, terms }).await?)
}

/// What the plan's page shows of its lot: a link to it once set up, or (for the asset manager,
/// on an approved plan of a biddable method with a published announcement) the form.
pub struct PlanLot {
    pub lot_id: Option<i64>,
    pub form: Option<FormView>,
}

/// A time as a `datetime-local` input shows it, in Beijing time.
fn beijing_field(t: DateTime<Utc>) -> String {
    t.with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8")).format("%Y-%m-%dT%H:%M").to_string()
}

/// The plan's lot, or its form; `sent_back` the form refused.
pub async fn plan_lot(
    ctx: &Ctx,
    state: &AppState,
    plan: &Plan,
    sent_back: &mut Option<FormView>,
) -> Result<PlanLot, AppError> {
    if !ctx.can(Permission::ViewLots) {
        return Ok(PlanLot { lot_id: None, form: None });
    }
    let lot_id = state.store.lots().await?.iter().find(|l| l.lot.plan_id == plan.id).map(|l| l.lot.id);
    let may = lot_id.is_none()
        && ctx.can(Permission::ManageLots)
        && plan.status == PlanStatus::Approved
        && plan.method.is_biddable();
    let opens = if may { bidding_opens(state, plan.id).await? } else { None };
    // A form sent back is shown whatever the plan's state now (the store's refusal with it).
    if let Some(refused) = sent_back.take_if(|v| v.id() == CREATE_FORM) {
        return Ok(PlanLot { lot_id, form: Some(refused) });
    }
    let form = opens.map(|opens| {
        FormView::new(CREATE_FORM, ctx.lang)
            .with("title", plan.title.clone())
            .with("reserve", plan.reserve.map(Money::yuan_string).unwrap_or_default())
            .with("starts_at", beijing_field(opens + Duration::hours(10)))
            .with("ends_at", beijing_field(opens + Duration::hours(16)))
            .unless(sent_back)
    });
    Ok(PlanLot { lot_id, form })
}

/// `POST /plans/{id}/lots`: sets the plan's lot up and goes to its page; refused, the plan's page
/// again with the form as typed and each problem beside its field.
pub async fn create(
    Path(id): Path<i64>,
    Authorized(ctx, user, _): Authorized<perm::ManageLots>,
    State(state): State<AppState>,
    Submitted(form): Submitted<LotForm>,
) -> Result<Response, AppError> {
    let created = async {
        let draft = form.parse().map_err(AppError::Invalid)?;
        let lot = set_up(&state, &user.username, id, draft).await?;
        Ok(Redirect::to(&format!("/lots/{}", lot.id)).into_response())
    };
    super::or_refused(created.await, ctx.lang, (CREATE_FORM, &form), |view| {
        super::plans_page::page(&ctx, &state, id, Some(view))
    })
    .await
}
