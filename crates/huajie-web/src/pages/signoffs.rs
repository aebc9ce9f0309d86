//! The sign-off of each report the platform produces besides a valuation run's
//! (`valuation_signoff.rs`): `huajie_report::signoff::Signoff` filled from what the store
//! records. A report read straight from the books (an export) is prepared by whoever exports it,
//! now, and left to review and approve on paper (blank lines to sign).

use chrono::NaiveDate;
use huajie_core::Lang;
use huajie_report::signoff::{Signature, Signoff};

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;

/// The quarterly regulator report of `quarter`: computed by the system, a draft until the
/// quarter-end is recorded, then reviewed by its recorder; approval is signed on paper. Once
/// submitted, two more lines: the latest version's submission to the regulator (who, when) and
/// the regulator's acknowledgement (who, when; a line to sign until it is given).
pub async fn quarter(state: &AppState, quarter: NaiveDate, lang: Lang) -> Result<Signoff, AppError> {
    let now = state.store.clock().now();
    let recorded = state.store.indicator_result(quarter).await?;
    let reference = format!("{} {quarter}", lang.pick("季末", "Quarter-end"));
    let mut signoff = Signoff::new(reference, now)
        .prepared_by(Signature::new(lang.pick("系统计算", "Computed by the system"), now))
        .reviewed_by(recorded.map(|r| Signature::new(r.created_by, r.created_at)));
    let submissions = state.store.report_submissions().await?;
    if let Some(s) = submissions.into_iter().filter(|s| s.quarter_end == quarter).max_by_key(|s| s.version) {
        let label =
            |zh: &str, en: &str| (format!("{zh}（第 {} 版）", s.version), format!("{en} (version {})", s.version));
        signoff.further.push((
            label("报送监管", "Submitted to the regulator"),
            Some(Signature::new(s.submitted_by.clone(), s.submitted_at)),
        ));
        let ack = s.acknowledgement.as_ref().map(|a| Signature::new(a.acknowledged_by.clone(), a.acknowledged_at));
        signoff.further.push((label("监管签收", "Acknowledged by the regulator"), ack));
    }
    by_name(state, signoff).await
}

/// A report read from the books now by the user of `ctx`, about `reference`.
pub fn export(ctx: &Ctx, state: &AppState, reference: String) -> Signoff {
    let now = state.store.clock().now();
    let by = ctx.user().map(|u| person(&u.display_name, &u.username)).unwrap_or_default();
    Signoff::new(reference, now).prepared_by(Signature::new(by, now))
}

/// A person as a signature names them: "张三（zhangsan）" (the username alone when it is the name).
fn person(name: &str, username: &str) -> String {
    if name.is_empty() || name == username { username.to_string() } else { format!("{name}（{username}）") }
}

/// `s` with each signature that names a user by username naming them as `person` does: a
/// signature block is signed by people, not accounts.
pub async fn by_name(state: &AppState, mut s: Signoff) -> Result<Signoff, AppError> {
    let names = crate::pages::committee::names(&state.store).await?;
    let rename = |sig: &mut Signature| {
        if let Some(name) = names.get(&sig.name) {
            sig.name = person(name, &sig.name);
        }
    };
    s.prepared.iter_mut().chain(s.reviewed.iter_mut()).chain(s.approved.iter_mut()).for_each(rename);
    s.further.iter_mut().filter_map(|(_, sig)| sig.as_mut()).for_each(rename);
    Ok(s)
}

/// The transfer agreement's draft of sale `sale`: prepared by who recorded the sale; the legal
/// review and the approval are signed on paper.
pub async fn agreement(state: &AppState, sale: &huajie_store::SaleRecord) -> Result<Signoff, AppError> {
    let s = Signoff::new(format!("成交 #{}", sale.id), state.store.clock().now())
        .prepared_by(Signature::new(sale.recorded_by.clone(), sale.recorded_at));
    by_name(state, s).await
}

/// A tape's check report as a signed workbook: of a stored import (`stored`: the import and its
/// package's code), prepared by who imported it, when; else (a report only) by the user of
/// `ctx`, now. Its review and approval are signed on paper.
pub async fn tape_report(
    ctx: &Ctx,
    state: &AppState,
    report: &huajie_tape::TapeReport,
    stored: Option<(&huajie_store::TapeImport, &str)>,
    personal: huajie_report::PersonalData,
) -> Result<Vec<u8>, AppError> {
    let signoff = match stored {
        Some((import, code)) => {
            let reference = match ctx.lang {
                Lang::Zh => format!("{code} 数据带第 {} 版（导入 #{}）", import.version, import.id),
                Lang::En => format!("{code} tape version {} (import #{})", import.version, import.id),
            };
            Signoff::new(reference, state.store.clock().now())
                .prepared_by(Signature::new(import.imported_by.clone(), import.imported_at))
        }
        None => export(ctx, state, report.file_name.clone()),
    };
    let signoff = by_name(state, signoff).await?;
    huajie_report::tape_report_xlsx(report, ctx.lang, personal, &signoff).map_err(|e| AppError::Internal(e.to_string()))
}
