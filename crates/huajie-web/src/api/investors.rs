//! The investors' API (issue 14): for staff who qualify investors, the applications, one with
//! its documents and screening, and the decisions (the pages' own forms and refusals); for an
//! investor, its own registration and documents, and the upload.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use huajie_core::Permission;
use huajie_decide::investor::InvestorStatus;
use serde::Deserialize;
use serde_json::json;

use super::data;
use crate::AppState;
use crate::ctx::{Authorized, Ctx, perm};
use crate::error::AppError;
use crate::form::{Confirmed, Path, Query, Submitted, Uploads};
use crate::pages::investors::{DocumentView, FindingView, InvestorView, RefuseForm, RequestForm};
use crate::pages::portal::{DocumentsForm, MyRegistration, files_of, own_investor};

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    status: String,
}

/// `GET /api/v1/investors?status=`: the applications, newest first (personal data masked
/// for roles without `ViewPersonalData`).
pub async fn list(ctx: Ctx, State(state): State<AppState>, Query(q): Query<ListQuery>) -> Result<Response, AppError> {
    ctx.require(Permission::QualifyInvestors)?;
    let status = match q.status.trim() {
        "" => None,
        s => Some(InvestorStatus::from_code(s).ok_or_else(|| {
            AppError::BadRequest(crate::form::fields::quoting(s, "form.bad_option").get(ctx.lang).to_string())
        })?),
    };
    let personal = ctx.can(Permission::ViewPersonalData);
    let rows: Vec<InvestorView> =
        state.store.investors(status).await?.iter().map(|i| InvestorView::of(i, ctx.lang, personal)).collect();
    Ok(data(rows))
}

/// One investor as staff read it: the profile, the documents and the screening.
async fn one_json(ctx: &Ctx, state: &AppState, id: i64) -> Result<serde_json::Value, AppError> {
    let lang = ctx.lang;
    let investor = state.store.investor(id).await?;
    let mut out = json!(InvestorView::of(&investor, lang, ctx.can(Permission::ViewPersonalData)));
    let documents: Vec<DocumentView> =
        state.store.investor_documents(Some(id)).await?.iter().map(|d| DocumentView::of(d, lang)).collect();
    let findings: Vec<FindingView> =
        state.store.investor_screening(id).await?.iter().map(|f| FindingView::of(f, lang)).collect();
    out["documents"] = json!(documents);
    out["screening"] = json!(findings);
    Ok(out)
}

/// `GET /api/v1/investors/{id}`.
pub async fn one(ctx: Ctx, State(state): State<AppState>, Path(id): Path<i64>) -> Result<Response, AppError> {
    ctx.require(Permission::QualifyInvestors)?;
    Ok(data(one_json(&ctx, &state, id).await?))
}

/// `POST /api/v1/investors/{id}/qualify`: refused (400, why in the caller's language) while
/// documents are missing or the screening blocks.
pub async fn qualify(
    Path(id): Path<i64>,
    Authorized(ctx, user, _): Authorized<perm::QualifyInvestors>,
    State(state): State<AppState>,
    Submitted(Confirmed {}): Submitted<Confirmed>,
) -> Result<Response, AppError> {
    state.store.qualify_investor(&user.username, id).await?;
    Ok(data(one_json(&ctx, &state, id).await?))
}

/// `POST /api/v1/investors/{id}/refuse` `{ "reason": … }`.
pub async fn refuse(
    Path(id): Path<i64>,
    Authorized(ctx, user, _): Authorized<perm::QualifyInvestors>,
    State(state): State<AppState>,
    Submitted(form): Submitted<RefuseForm>,
) -> Result<Response, AppError> {
    let reason = form.parse().map_err(AppError::Invalid)?;
    state.store.refuse_investor(&user.username, id, &reason).await?;
    Ok(data(one_json(&ctx, &state, id).await?))
}

/// `POST /api/v1/investors/{id}/request-documents` `{ "message": … }`.
pub async fn request_documents(
    Path(id): Path<i64>,
    Authorized(ctx, user, _): Authorized<perm::QualifyInvestors>,
    State(state): State<AppState>,
    Submitted(form): Submitted<RequestForm>,
) -> Result<Response, AppError> {
    let message = form.parse().map_err(AppError::Invalid)?;
    state.store.request_investor_documents(&user.username, id, &message).await?;
    Ok(data(one_json(&ctx, &state, id).await?))
}

/// `GET /api/v1/portal/registration`: the investor's own registration (404 without one); a
/// refusal reads only that the application cannot be accepted.
pub async fn my_registration(ctx: Ctx, State(state): State<AppState>) -> Result<Response, AppError> {
    let user = ctx.require(Permission::UsePortal)?;
    let mine = state.store.investor_of_user(user.id).await?.ok_or(AppError::NotFound)?;
    let r = MyRegistration::of(&mine, ctx.lang);
    Ok(data(json!({
        "id": mine.id,
        "kind": mine.kind.code(),
        "kind_name": r.kind,
        "name": r.name,
        "identifier": r.identifier,
        "phone": mine.phone,
        "email": mine.email,
        "status": r.status_code,
        "status_name": r.status,
        "request": r.request,
        "outcome": r.outcome,
        "may_upload": r.can_upload,
    })))
}

/// `GET /api/v1/portal/documents`: the investor's own documents.
pub async fn my_documents(ctx: Ctx, State(state): State<AppState>) -> Result<Response, AppError> {
    let user = ctx.require(Permission::UsePortal)?;
    let mine = own_investor(&state, user.id).await?;
    let docs: Vec<DocumentView> =
        state.store.investor_documents(Some(mine.id)).await?.iter().map(|d| DocumentView::of(d, ctx.lang)).collect();
    Ok(data(docs))
}

/// `POST /api/v1/portal/documents` (multipart: `kind`, `file` once per document): all or none
/// (201, the documents added).
pub async fn upload(
    Authorized(ctx, user, _): Authorized<perm::UsePortal>,
    State(state): State<AppState>,
    Uploads { form, files }: Uploads<DocumentsForm>,
) -> Result<Response, AppError> {
    let kind = form.parse().map_err(AppError::Invalid)?;
    let mine = own_investor(&state, user.id).await?;
    let docs = state.store.add_investor_documents(&user.username, mine.id, &files_of(kind, &files)).await?;
    let docs: Vec<DocumentView> = docs.iter().map(|d| DocumentView::of(d, ctx.lang)).collect();
    Ok((StatusCode::CREATED, Json(json!({ "data": docs }))).into_response())
}
