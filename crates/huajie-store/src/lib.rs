//! # huajie-store
//!
//! Everything Huajie keeps: one `Store` over SQLite (the embedded default) or PostgreSQL
//! (production), with the same SQL for both, versioned migrations under `migrations/`
//! (one file each, the generated-id clause filled in per dialect), and the audit chain.
//!
//! Architecture invariants:
//! - every write goes through a [`WriteTx`] from [`Store::write`] and records an audit
//!   entry in the same transaction (`audit.rs`); nothing commits a change unaudited;
//! - SQL is parameterised; no value is ever formatted into a query string;
//! - money is stored as integer fen (`*_fen` columns), dates as ISO `YYYY-MM-DD` text,
//!   timestamps as RFC 3339 UTC text with microseconds (they sort as text), read into records as
//!   `DateTime<Utc>` and serialized for the audit chain as the same text;
//! - the store saves and loads `huajie-core` values and asks the pure crates for decisions;
//!   the few rules still decided here are listed in ARCHITECTURE.md ("Business rules belong…").
//!
//! Start reading at `db.rs`, then `audit.rs`.

mod announcements;
mod attempts;
pub mod audit;
pub mod audit_query;
mod backtests;
pub use backtests::RunBackTest;
mod bids;
pub mod book;
mod bulk;
mod calendar;
mod case_ops;
mod cases;
mod checks;
mod committee;
mod committee_ops;
mod company;
mod compliance;
mod dashboard;
mod db;
mod deals;
mod disposal;
mod exceptions;
mod funding_lines;
mod imports;
mod investors;
mod kept;
mod ledger;
mod legacy_terms;
mod lot_views;
mod lots;
mod mappings;
mod operations;
mod parameters;
mod parties;
mod pools;
mod portfolio;
mod recovery;
mod recovery_ops;
mod reports;
mod rows;
mod run_claims;
mod runs;
mod sales;
mod sessions;
mod statements;
mod status;
mod tenders;
pub mod testing;
mod transitions;
mod users;
mod valuation;
mod valuation_book;
mod valuation_review;
mod verify;

pub use announcements::{Announcement, AnnouncementEdit, CLAIM_KIND, PUBLIC_PAGE, PublicFilter};
pub use attempts::{ATTEMPTS_LISTED, AttemptState, ImportAttempt};
pub use audit::{AuditFinding, AuditReport};
pub use bids::{BidRecord, RefusedBid};
pub use calendar::{SHIPPED_CALENDAR_NOTE, StoredCalendar};
pub use case_ops::{AgencyInput, CaseInput, InterruptionInput, StageInput};
pub use cases::{
    AgencyRecord, CaseAlert, CaseClaim, CaseFile, CaseRecord, InterruptionRecord, StageRecord, TaskRecord,
    WithdrawalRecord, most_urgent,
};
pub use checks::{
    AssetFlagRecord, CheckOverride, CheckResult, CheckStanding, CrossRegionException, DealCheck, FlagTarget,
    IndicatorResult, PartyAttributes,
};
pub use committee::{CommitteeMember, Item, ItemKind, Meeting, MeetingRecord, Vote};
pub use committee_ops::{ItemSubject, serving};
pub use company::{CompanyProfileVersion, ProfileChange};
pub use compliance::{
    CashFlowRecord, ExposureRecord, FundingRecord, InvestmentRecord, LiquidAssetRecord, NetAssets, Officer, PartyLink,
    Relative, RuleParameterSet, StaffEntityRecord, StaffMember,
};
pub use dashboard::{DashboardFigures, Slice};
pub use db::{Backend, DbTarget, Store, WriteTx};
pub use deals::ProposedDeal;
pub use disposal::{Appraisal, PLAN_DOCUMENT_BYTES_MAX, Plan, PlanDocument, PlanInput, PlanSubject};
pub use imports::{
    FileImport, ImportOutcome, LoadCounts, NewTapeImport, PackageTarget, TapeFile, TapeImport, TapeLoad,
};
pub use investors::{
    INVESTOR_DOCUMENT_BYTES_MAX, Investor, InvestorDocument, InvestorProfile, Registered, Registration,
};
pub use kept::{BookAnswer, Indicators};
pub use ledger::COLLECTED_CASH_LABEL;
pub use lots::{BidderRecord, DepositRecord, LiveLot, LotInput, LotRecord};
pub use mappings::MappingEntry;
pub use parties::{IDS_PER_QUERY, PartyFilter, PartyListRow};
pub use pools::{LedgerPools, PoolSource};
pub use portfolio::{ClaimRow, CollateralRow, GuaranteeRow, PackageSummary, SecuredClaim};
pub use recovery::{EntryKind, EntryPage, EntryQuery, ExpenseDetail, LedgerEntry, ReceiptDetail};
pub use recovery_ops::{ReceiptInput, sale_receipt};
pub use reports::{ReportAcknowledgement, ReportSubmission};
pub use runs::{Progress, ProgressReader, RUNS_LISTED, Run, RunKind, RunStage, RunState};
pub use sales::SaleRecord;
pub use sessions::{LoginAttempt, Reservation, SessionInfo};
pub use statements::{LineStatus, StatementFile, StatementImport, StatementLineRecord};
pub use tenders::{OpenStep, SealedReceipt, TenderOpening, TenderStatus, commitment};
pub use transitions::OverrideApproval;
pub use users::{NewUser, User};
pub use valuation::{
    AssumptionSet, DEFAULT_ASSUMPTION_SET, Rerun, ValuationRequest, ValuationRun, fen, with_estimated_curves,
};
pub use valuation_review::{RunApproval, RunSignoff, ValuationReview};

use chrono::{DateTime, Utc};
use huajie_core::Lang;

/// What can go wrong in the store, each with a message a user can act on.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("无法连接数据库 {0}：{1} / cannot connect to the database {0}: {1}")]
    Connect(String, String),
    #[error(
        "数据库地址无效：{0}（应为 postgres://… 或 sqlite:…） / bad database URL: {0} (expected postgres://… or sqlite:…)"
    )]
    BadUrl(String),
    #[error("无法使用数据目录 {0}：{1} / cannot use the data directory {0}: {1}")]
    DataDir(String, String),
    #[error("数据库迁移 {0} 失败：{1} / migration {0} failed: {1}")]
    Migrate(i64, String),
    #[error(
        "数据库结构版本为 {have}，本程序需要 {want}：请先运行 huajie migrate / the database schema is at version {have}, this build needs {want}: run huajie migrate first"
    )]
    SchemaTooOld { have: i64, want: i64 },
    #[error(
        "数据库结构版本 {0} 比本程序新：请升级 huajie / the database schema (version {0}) is newer than this build: upgrade huajie"
    )]
    SchemaTooNew(i64),
    #[error("未找到：{0} / not found: {0}")]
    NotFound(String),
    /// A uniqueness conflict: what already exists, in both languages.
    #[error("已存在：{} / already exists: {}", .0.zh, .0.en)]
    Duplicate(huajie_core::Text),
    #[error("数据库中的数据无法读取（{0}） / unreadable data in the database ({0})")]
    Corrupt(String),
    /// A business rule refused the operation; the text says why, in either language.
    #[error("{} / {}", .0.zh, .0.en)]
    Refused(huajie_core::Text),
    /// Refused for now by a throttle (`huajie_core::throttle`): minutes to wait.
    #[error("操作过于频繁，请 {0} 分钟后再试 / too many at once: try again in {0} minutes")]
    Throttled(i64),
    /// The user cancelled the work (a background run, through its `Progress`): nothing was kept.
    #[error("已取消 / cancelled")]
    Cancelled,
    #[error("数据库错误：{0} / database error: {0}")]
    Db(#[from] sqlx::Error),
}

impl StoreError {
    /// The message in one language (the `Display` form carries both).
    pub fn message(&self, lang: Lang) -> String {
        match self.refusal() {
            Some(text) => text.get(lang).to_string(),
            None => lang.half(&self.to_string()),
        }
    }

    /// What a refusal says, in both languages: a business rule's (`Refused`) or a uniqueness
    /// conflict's (`Duplicate`). `None` for every other error.
    pub fn refusal(&self) -> Option<huajie_core::Text> {
        match self {
            StoreError::Refused(text) => Some(text.clone()),
            StoreError::Duplicate(what) => {
                Some(huajie_core::Text::new(format!("已存在：{}", what.zh), format!("already exists: {}", what.en)))
            }
            _ => None,
        }
    }

    /// Maps a unique-constraint violation to `Duplicate(what)`.
    /// `on_unique` for an error already wrapped.
    pub(crate) fn on_unique_db(self, what: impl FnOnce() -> huajie_core::Text) -> StoreError {
        match self {
            StoreError::Db(e) => StoreError::on_unique(e, what),
            other => other,
        }
    }

    pub(crate) fn on_unique(e: sqlx::Error, what: impl FnOnce() -> huajie_core::Text) -> StoreError {
        match &e {
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Duplicate(what()),
            _ => StoreError::Db(e),
        }
    }
}

/// A versioned body as stored: its JSON and the JSON's SHA-256 (assumption sets, rule
/// parameters, recorded indicator results).
pub(crate) fn json_body<T: serde::Serialize + ?Sized>(value: &T) -> Result<(String, String), StoreError> {
    let body = serde_json::to_string(value).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let sha = huajie_core::audit::sha256_hex(body.as_bytes());
    Ok((body, sha))
}

/// The stored form of a timestamp: RFC 3339 UTC with microseconds, sortable as text.
pub fn timestamp(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// A time as the database keeps it (to the microsecond): what a record made now reads back as.
pub(crate) fn stored_time(t: DateTime<Utc>) -> DateTime<Utc> {
    use chrono::SubsecRound;
    t.trunc_subsecs(6)
}

pub(crate) fn parse_timestamp(s: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| StoreError::Corrupt(format!("timestamp {s}")))
}

/// Marks SQL assembled in this crate from constant fragments (column lists, fixed
/// conditions) as safe to run. Values never go into such strings: they are bound.
pub(crate) fn composed(sql: String) -> sqlx::AssertSqlSafe<String> {
    sqlx::AssertSqlSafe(sql)
}

/// The bind parameters of an `IN (…)` list of `n` values numbered from `first`: "$5, $6, $7".
pub(crate) fn params_from(first: usize, n: usize) -> String {
    (first..first + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}
