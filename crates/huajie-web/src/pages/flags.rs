//! The prohibited-asset flags of a claim or a package (rules.md A3.2: PX2–PX6): the panel on
//! their pages (who set each and why), setting one with its reason (acquisition, risk), and
//! lifting one (risk only, audited).

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use huajie_core::Permission;
use huajie_rules::checks::ProhibitedAsset;
use huajie_store::FlagTarget;

use crate::AppState;
use crate::ctx::{Authorized, Ctx, perm};
use crate::error::AppError;
use crate::form::fields::{labelled, quoting, required};
use crate::form::{Confirmed, FieldErrors, FormView, Path, Submitted};
use crate::i18n::text;

/// A flag as a page lists it.
pub struct FlagRow {
    pub id: i64,
    pub code: &'static str,
    pub name: &'static str,
    pub reason: String,
    pub by: String,
}

/// The flags of a claim or a package: who set each and why, the form to set one (`set-flag`),
/// and the removal (risk only).
pub struct FlagsPanel {
    /// `/claims/{id}/flags` or `/packages/{id}/flags`.
    pub action: String,
    pub rows: Vec<FlagRow>,
    pub can_set: bool,
    pub can_clear: bool,
    /// (code, "PX5 合同约定限制转让 [R]").
    pub options: Vec<(&'static str, String)>,
    pub form: FormView,
}

const FLAG_FORM: &str = "set-flag";

/// The panel of `target`; the flag form sent back in its place when `sent_back` is it.
pub async fn flags_panel(
    ctx: &Ctx,
    state: &AppState,
    target: FlagTarget,
    sent_back: &mut Option<FormView>,
) -> Result<FlagsPanel, AppError> {
    let lang = ctx.lang;
    let action = match target {
        FlagTarget::Claim(id) => format!("/claims/{id}/flags"),
        FlagTarget::Package(id) => format!("/packages/{id}/flags"),
    };
    let rows = state
        .store
        .flags_on(target)
        .await?
        .into_iter()
        .filter_map(|f| {
            let code = ProhibitedAsset::from_code(&f.code)?;
            Some(FlagRow {
                id: f.id,
                code: code.code(),
                name: lang.pick(code.zh(), code.en()),
                reason: f.reason,
                by: format!("{} {}", f.created_by, crate::view::when(f.created_at, lang)),
            })
        })
        .collect();
    let options = ProhibitedAsset::ALL
        .iter()
        .map(|p| (p.code(), format!("{} {} [{}]", p.code(), lang.pick(p.zh(), p.en()), p.confidence().tag())))
        .collect();
    Ok(FlagsPanel {
        action,
        rows,
        can_set: ctx.can(Permission::FlagProhibitedAssets),
        can_clear: ctx.can(Permission::ClearProhibitedFlags),
        options,
        form: FormView::new(FLAG_FORM, lang).unless(sent_back),
    })
}

/// The flag form as typed: a category PX2–PX6 and the reason.
#[derive(serde::Deserialize, serde::Serialize)]
pub struct FlagForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    reason: String,
}

impl FlagForm {
    /// The category and the reason, or every field that cannot be read.
    fn parse(&self) -> Result<(ProhibitedAsset, String), FieldErrors> {
        let mut e = FieldErrors::default();
        let bad = || labelled(&text("flags.code"), &quoting(&self.code, "form.bad_option"));
        let code = e.check("code", ProhibitedAsset::from_code(self.code.trim()).ok_or_else(bad));
        let reason = e.read("reason", &text("flags.reason"), required(&self.reason));
        e.finish(|| Some((code?, reason?)))
    }
}

/// Sets the flag the form asks for on `target`; a form that cannot be read, or is refused,
/// comes back on the target's page.
async fn set_flag(
    ctx: &Ctx,
    state: &AppState,
    user: &str,
    target: FlagTarget,
    form: &FlagForm,
) -> Result<Response, AppError> {
    let set = async {
        let (code, reason) = form.parse().map_err(AppError::Invalid)?;
        state.store.flag_asset(user, target, code, &reason).await?;
        Ok(Redirect::to(&format!("{}#asset-flags", target_path(target))).into_response())
    };
    super::or_refused(set.await, ctx.lang, (FLAG_FORM, form), |form| async move {
        match target {
            FlagTarget::Claim(id) => super::claims::claim_page(ctx, state, id, Some(form)).await,
            FlagTarget::Package(id) => super::packages::package_page(ctx, state, id, Some(form)).await,
        }
    })
    .await
}

/// The page of a flag's target.
fn target_path(target: FlagTarget) -> String {
    match target {
        FlagTarget::Claim(id) => format!("/claims/{id}"),
        FlagTarget::Package(id) => format!("/packages/{id}"),
    }
}

/// `POST /claims/{id}/flags`: flags a claim PX2–PX6 with the reason.
pub async fn flag_claim(
    Path(id): Path<i64>,
    Authorized(ctx, user, _): Authorized<perm::FlagProhibitedAssets>,
    State(state): State<AppState>,
    Submitted(form): Submitted<FlagForm>,
) -> Result<Response, AppError> {
    state.store.claim(id).await?.ok_or(AppError::NotFound)?;
    set_flag(&ctx, &state, &user.username, FlagTarget::Claim(id), &form).await
}

/// `POST /packages/{id}/flags`: flags a package as a whole.
pub async fn flag_package(
    Path(id): Path<i64>,
    Authorized(ctx, user, _): Authorized<perm::FlagProhibitedAssets>,
    State(state): State<AppState>,
    Submitted(form): Submitted<FlagForm>,
) -> Result<Response, AppError> {
    state.store.package(id).await?.ok_or(AppError::NotFound)?;
    set_flag(&ctx, &state, &user.username, FlagTarget::Package(id), &form).await
}

/// `POST /claims/{id}/flags/{flag}/delete`: the risk team lifts a flag (audited).
pub async fn unflag_claim(
    Path((id, flag)): Path<(i64, i64)>,
    Authorized(_, user, _): Authorized<perm::ClearProhibitedFlags>,
    State(state): State<AppState>,
    Submitted(Confirmed {}): Submitted<Confirmed>,
) -> Result<Response, AppError> {
    state.store.lift_asset_flag(&user.username, FlagTarget::Claim(id), flag).await?;
    Ok(Redirect::to(&format!("/claims/{id}#asset-flags")).into_response())
}

/// `POST /packages/{id}/flags/{flag}/delete`.
pub async fn unflag_package(
    Path((id, flag)): Path<(i64, i64)>,
    Authorized(_, user, _): Authorized<perm::ClearProhibitedFlags>,
    State(state): State<AppState>,
    Submitted(Confirmed {}): Submitted<Confirmed>,
) -> Result<Response, AppError> {
    state.store.lift_asset_flag(&user.username, FlagTarget::Package(id), flag).await?;
    Ok(Redirect::to(&format!("/packages/{id}#asset-flags")).into_response())
}
