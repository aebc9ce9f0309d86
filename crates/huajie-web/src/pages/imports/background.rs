//! A tape import from the web runs in the background (issue 17, `crate::runs`): the form is
//! read and checked in the request, the load is a run whose page shows how far it is. What
//! it came to is answered as the import always was when it ends within `WebConfig::run_wait`
//! (the API waits for its end).

use std::sync::Arc;

use huajie_core::{Lang, Party, PartyIdentifier, PartyKind, PartyStatus, Text};
use huajie_store::{FileImport, ImportOutcome, PackageTarget, StoreError, TapeFile, User};
use huajie_tape::{ImportPolicy, TapeReport};

use super::{ImportForm, Outcome, ReportQuery, beside, fatal_report, report_page};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::i18n::{text, tr};
use crate::runs::{Ended, Finished, Live};
use axum::response::Response;

/// The package a tape goes into: the one named, or a new one with its transferor.
pub(super) fn target_of(
    form: &ImportForm,
    existing_package: Option<i64>,
    file_name: &str,
    today: chrono::NaiveDate,
) -> Result<PackageTarget, AppError> {
    if form.package.is_empty() {
        return Err(beside("package", text("import.no_package")));
    }
    if let Some(id) = existing_package {
        return Ok(PackageTarget::Existing(id));
    }
    if form.transferor_name.is_empty() || form.transferor_id.is_empty() {
        return Err(beside("transferor_name", text("import.need_transferor")));
    }
    // A transferor is a bank or another institution: its code is a USCC.
    let identifier = PartyIdentifier::parse_as(PartyKind::Corporate, &form.transferor_id, today)
        .map_err(|e| beside("transferor_id", Text::new(e.message(Lang::Zh), e.message(Lang::En))))?;
    let name = if form.package_name.is_empty() { file_name.to_string() } else { form.package_name.clone() };
    let transferor = Party {
        name: form.transferor_name.clone(),
        identity: identifier.into(),
        status: PartyStatus::Active,
        address: None,
        phone: None,
    };
    Ok(PackageTarget::New { code: form.package.clone(), name, transferor })
}

/// Starts the import of `tape` (its reader: the file's bytes) as a background run of `user`'s:
/// the bytes read are its progress, its cancel stops the reading and rolls the load back.
pub(super) async fn start(
    state: &AppState,
    user: &User,
    (target, policy, package_id, code): (PackageTarget, ImportPolicy, Option<i64>, &str),
    tape: TapeFile<axum::body::Bytes>,
) -> Result<Arc<Live>, StoreError> {
    let (store, actor) = (state.store.clone(), user.username.clone());
    let work = move |progress: huajie_store::Progress| async move {
        let TapeFile { name, sha256, reader, bytes, options, profile } = tape;
        progress.stage(huajie_store::RunStage::ReadingTape, reader.len() as u64);
        let reader = progress.reader(std::io::Cursor::new(reader));
        let tape = TapeFile { name: name.clone(), sha256, reader, bytes, options, profile };
        loaded(store.following(&progress).import_tape_file(&actor, target, policy, tape).await?, &name)
    };
    let run = (huajie_store::RunKind::Import, package_id, code);
    state.runs.start(&state.store, run, &user.username, work).await
}

/// What a background import came to.
fn loaded(import: FileImport, file_name: &str) -> Result<Finished, StoreError> {
    let both = |key| Text::new(tr(Lang::Zh, key).to_string(), tr(Lang::En, key).to_string());
    match import {
        FileImport::Unreadable(e) => Err(StoreError::Refused(Text::new(e.message(Lang::Zh), e.message(Lang::En)))),
        FileImport::Fatal { problems, .. } => Ok(Finished::NotLoaded {
            report: Box::new(fatal_report(file_name, problems)),
            reason: both("import.fatal"),
        }),
        FileImport::Read { outcome: ImportOutcome::Loaded { import, .. }, .. } => Ok(Finished::Result(import.id)),
        FileImport::Read { read, outcome: ImportOutcome::Refused { rejected_rows }, .. } => {
            let n = rejected_rows.to_string();
            let reason = both("import.refused");
            Ok(Finished::NotLoaded {
                report: Box::new(TapeReport::new(&read, file_name)),
                reason: Text::new(reason.zh.replace("{n}", &n), reason.en.replace("{n}", &n)),
            })
        }
    }
}

/// What a started import came to by `wait` (`None`: by its end), as the form and the API
/// answer it: loaded, not loaded (its report), refused (the form's message); `Started` while
/// it still runs, or when it failed otherwise (its run's page says how).
pub(super) async fn settle(
    live: Arc<Live>,
    wait: Option<std::time::Duration>,
    lang: Lang,
) -> Result<Outcome, AppError> {
    let ended = match wait {
        Some(wait) => live.wait(wait).await,
        None => loop {
            if let Some(e) = live.wait(std::time::Duration::from_secs(3600)).await {
                break Some(e);
            }
        },
    };
    match ended.as_deref() {
        Some(Ended::Done(id)) => Ok(Outcome::Loaded(*id)),
        Some(Ended::NotLoaded { report, reason }) => {
            Ok(Outcome::NotLoaded { report: (**report).clone(), reason: reason.get(lang).to_string() })
        }
        Some(Ended::Failed { why, refusal: true }) => Err(AppError::BadRequest(why.get(lang).to_string())),
        Some(Ended::Failed { why, .. }) if wait.is_none() => Err(AppError::Internal(why.en.to_string())),
        Some(Ended::Cancelled) if wait.is_none() => Err(AppError::Refused(text("runs.cancelled_note"))),
        _ => Ok(Outcome::Started(live)),
    }
}

/// A refused tape's report, as its run's page shows it (`pages/runs.rs`).
pub(in crate::pages) async fn refused_page(
    ctx: &Ctx,
    state: &AppState,
    report: &TapeReport,
    reason: &Text,
) -> Result<Response, AppError> {
    let reason = Some(reason.get(ctx.lang).to_string());
    report_page(ctx, state, report, None, ReportQuery::default(), reason, None).await
}
