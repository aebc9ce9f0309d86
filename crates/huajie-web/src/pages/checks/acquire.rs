//! Recording a purchase from a cleared acquisition check: the committee's approval beside it,
//! the cash it is paid from or the funding line the check drew on (`Store::record_acquisition`,
//! `huajie_decide::acquire`).

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use huajie_core::Permission;
use huajie_store::DealCheck;

use crate::AppState;
use crate::ctx::{Authorized, Ctx, perm};
use crate::error::AppError;
use crate::form::fields::date;
use crate::form::{FieldErrors, Path, Submitted};
use crate::i18n::{text, tr};

/// What the check page shows for recording its purchase.
#[derive(Default)]
pub struct Purchase {
    /// The viewer may record it now (a cleared acquisition check of a package not yet bought).
    pub can_record: bool,
    /// The cash and demand-deposit entries it may be paid from: (id, label and amount); none
    /// when the check drew on a funding line.
    pub cash: Vec<(String, String)>,
    /// The funding line the check drew on, in words.
    pub line: Option<String>,
    /// The committee's approval, in words.
    pub approval: Option<String>,
}

impl Purchase {
    pub async fn of(c: &DealCheck, ctx: &Ctx, state: &AppState) -> Result<Purchase, AppError> {
        let lang = ctx.lang;
        let Some((p, _)) = c.cleared_acquisition().filter(|_| ctx.can(Permission::RecordAcquisitions)) else {
            return Ok(Purchase::default());
        };
        let can_record = state.store.package(p).await?.is_some_and(|s| s.package.data.status.before_acquisition());
        if let huajie_rules::terms::DealTerms::Acquisition { funding_line: Some(drawn), .. } = &c.terms {
            let headroom = state.store.funding_lines().await?.iter().find(|l| l.id == drawn.id).map(|l| l.headroom());
            let line = tr(lang, "checks.drawn_on_line")
                .replace("{line}", &drawn.label)
                .replace("{amount}", &headroom.unwrap_or_default().display(lang));
            let approval = approval(state, p, lang).await?;
            return Ok(Purchase { can_record, cash: Vec::new(), line: Some(line), approval });
        }
        let cash = state
            .store
            .liquid_assets()
            .await?
            .into_iter()
            .filter(|a| matches!(a.kind.as_str(), "cash" | "demand_deposit") && !a.encumbered)
            .map(|a| (a.id.to_string(), format!("{}（{}）", a.label, a.amount.display(lang))))
            .collect();
        let approval = approval(state, p, lang).await?;
        Ok(Purchase { can_record, cash, line: None, approval })
    }
}

/// The committee's approval of package `p`'s purchase, in words.
async fn approval(state: &AppState, p: i64, lang: huajie_core::Lang) -> Result<Option<String>, AppError> {
    Ok(Some(match state.store.acquisition_approval(p).await? {
        Some(a) => tr(lang, "checks.approved_by_committee")
            .replace("{item}", &a.item_id.to_string())
            .replace("{price}", &a.price.display(lang)),
        None => tr(lang, "checks.not_yet_approved").to_string(),
    }))
}

/// The acquisition form: the date the package was bought and the cash entry it was paid from
/// (blank when the check drew on a funding line).
#[derive(serde::Deserialize, serde::Serialize)]
pub struct AcquireForm {
    #[serde(default)]
    acquired_on: String,
    #[serde(default)]
    paid_from: String,
}

pub const ACQUIRE_FORM: &str = "record-acquisition";

impl AcquireForm {
    /// The day bought and the cash entry paid from, or every field that cannot be read.
    fn parse(&self) -> Result<(chrono::NaiveDate, Option<i64>), FieldErrors> {
        let mut e = FieldErrors::default();
        let on = e.read("acquired_on", &text("checks.acquired_on"), date(&self.acquired_on));
        let paid_from = e.read("paid_from", &text("checks.paid_from"), super::form::chosen_id(&self.paid_from));
        e.finish(|| Some((on?, paid_from?)))
    }
}

/// `POST /checks/{id}/acquire`: records the package as bought at the price checked, on the
/// date given, paid from the cash entry chosen (`Store::record_acquisition`: only from a cleared
/// acquisition check the committee approved). A refusal comes back on the check's page.
pub async fn acquire(
    Path(id): Path<i64>,
    Authorized(ctx, user, _): Authorized<perm::RecordAcquisitions>,
    State(state): State<AppState>,
    Submitted(form): Submitted<AcquireForm>,
) -> Result<Response, AppError> {
    let recorded = async {
        let (on, paid_from) = form.parse().map_err(AppError::Invalid)?;
        let package_id = state.store.record_acquisition(&user.username, id, on, paid_from).await?;
        Ok(Redirect::to(&format!("/packages/{package_id}")).into_response())
    };
    crate::pages::or_refused(recorded.await, ctx.lang, (ACQUIRE_FORM, &form), |form| {
        super::check_page(&ctx, &state, id, Some(form))
    })
    .await
}
