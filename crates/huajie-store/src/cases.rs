//! Case management (issue 15): the law firms and agencies the company engages with their fee
//! terms, a claim's cases, each case's stages, the interruptions of its limitation period and its
//! tasks, as records (all audited) and their reads. What may be recorded is
//! `huajie_cases`'s to say (`case_ops.rs` asks it in the write transaction); the deadlines and
//! their alert levels are computed from these rows on each read (`CaseFile::deadlines`), never
//! stored.

use chrono::{DateTime, NaiveDate, Utc};
use huajie_cases::{
    AgencyKind, AlertLevel, CaseFacts, Deadline, FeeModel, FeeTerms, Interruption, InterruptionKind, Stage, StageEvent,
    TaskStatus,
};
use huajie_core::{Money, PartyKind, WorkCalendar};
use serde::Serialize;
use sqlx::AnyConnection;
use sqlx::any::AnyRow;

use crate::audit::Audited;
use crate::rows::{code, date, i64_col, money, opt_date, opt_i64, opt_text, opt_utc, text, utc};
use crate::{Store, StoreError};

/// A law firm or a collection agency, with its fee terms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AgencyRecord {
    pub id: i64,
    pub name: String,
    pub kind: AgencyKind,
    pub terms: FeeTerms,
    pub created_by: String,
    #[serde(serialize_with = "crate::rows::stored_time")]
    pub created_at: DateTime<Utc>,
}

/// A case on a claim, with what the claim is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseRecord {
    pub id: i64,
    pub claim_id: i64,
    pub court: String,
    pub agency_id: Option<i64>,
    pub note: String,
    pub opened_on: NaiveDate,
    pub opened_by: String,
    #[serde(serialize_with = "crate::rows::stored_time")]
    pub opened_at: DateTime<Utc>,
}

/// The claim a case is about, as the case pages show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseClaim {
    pub package_id: i64,
    pub package_code: String,
    pub contract_no: String,
    pub debtor_name: String,
    pub debtor_kind: PartyKind,
    /// Principal + interest + penalty + advanced costs.
    pub total: Money,
    pub default_date: Option<NaiveDate>,
}

/// A stage as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StageRecord {
    pub id: i64,
    pub case_id: i64,
    /// Its place in the case's order, from 1.
    pub seq: i64,
    pub stage: Stage,
    pub on: NaiveDate,
    pub case_no: Option<String>,
    pub note: String,
    pub recorded_by: String,
    #[serde(serialize_with = "crate::rows::stored_time")]
    pub recorded_at: DateTime<Utc>,
}

/// A stage withdrawn (recorded by mistake), with the reason, who and when (migration 0031): the
/// stage's row stays as recorded; the case reads as if it had not been.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WithdrawalRecord {
    pub id: i64,
    pub stage_id: i64,
    pub case_id: i64,
    pub reason: String,
    pub withdrawn_by: String,
    #[serde(serialize_with = "crate::rows::stored_time")]
    pub withdrawn_at: DateTime<Utc>,
}

/// An interruption of the limitation period as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InterruptionRecord {
    pub id: i64,
    pub case_id: i64,
    pub kind: InterruptionKind,
    pub on: NaiveDate,
    pub note: String,
    pub recorded_by: String,
    #[serde(serialize_with = "crate::rows::stored_time")]
    pub recorded_at: DateTime<Utc>,
}

/// A task as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskRecord {
    pub id: i64,
    pub case_id: i64,
    pub title: String,
    pub due_on: NaiveDate,
    pub assignee: String,
    pub status: TaskStatus,
    pub done_by: Option<String>,
    #[serde(serialize_with = "crate::rows::opt_stored_time")]
    pub done_at: Option<DateTime<Utc>>,
    pub created_by: String,
    #[serde(serialize_with = "crate::rows::stored_time")]
    pub created_at: DateTime<Utc>,
}

impl TaskRecord {
    /// The task as the rules read it (`huajie_cases::Task`).
    pub fn task(&self) -> huajie_cases::Task {
        huajie_cases::Task {
            title: self.title.clone(),
            due_on: self.due_on,
            assignee: self.assignee.clone(),
            status: self.status,
        }
    }
}

macro_rules! audited {
    ($($t:ty => $entity:literal),*) => {$(
        impl Audited for $t {
            const ENTITY: &'static str = $entity;
            fn audit_id(&self) -> String {
                self.id.to_string()
            }
        }
    )*};
}
audited!(AgencyRecord => "case_agency", CaseRecord => "case", StageRecord => "case_stage",
    InterruptionRecord => "case_interruption", TaskRecord => "case_task",
    WithdrawalRecord => "case_stage_withdrawal");

/// A case with everything recorded on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseFile {
    pub case: CaseRecord,
    pub claim: CaseClaim,
    pub agency: Option<AgencyRecord>,
    /// Every stage as recorded, the withdrawn ones too (`withdrawal_of`).
    pub stages: Vec<StageRecord>,
    pub withdrawals: Vec<WithdrawalRecord>,
    pub interruptions: Vec<InterruptionRecord>,
    pub tasks: Vec<TaskRecord>,
}

impl CaseFile {
    /// The withdrawal of stage `stage_id`, if it was withdrawn.
    pub fn withdrawal_of(&self, stage_id: i64) -> Option<&WithdrawalRecord> {
        self.withdrawals.iter().find(|w| w.stage_id == stage_id)
    }

    /// The stages that stand (not withdrawn), in order.
    pub fn standing(&self) -> impl DoubleEndedIterator<Item = &StageRecord> {
        self.stages.iter().filter(|s| self.withdrawal_of(s.id).is_none())
    }

    /// The standing stages as the rules read them, in order.
    pub fn events(&self) -> Vec<StageEvent> {
        self.standing().map(|s| StageEvent { stage: s.stage, on: s.on }).collect()
    }

    /// The stages as recorded with whether each was withdrawn, as `huajie_cases::check_withdrawal`
    /// reads them.
    pub fn recorded(&self) -> Vec<huajie_cases::Recorded> {
        let withdrawn = |s: &StageRecord| self.withdrawal_of(s.id).is_some();
        self.stages.iter().map(|s| huajie_cases::Recorded { stage: s.stage, withdrawn: withdrawn(s) }).collect()
    }

    /// The stage the case is at: its latest standing.
    pub fn current(&self) -> Option<Stage> {
        self.standing().next_back().map(|s| s.stage)
    }

    /// The running deadlines at `now`, most urgent first (`huajie_cases::deadlines`).
    pub fn deadlines(&self, calendar: &WorkCalendar, now: DateTime<Utc>) -> Vec<Deadline> {
        let events = self.events();
        let interruptions: Vec<Interruption> =
            self.interruptions.iter().map(|i| Interruption { kind: i.kind, on: i.on }).collect();
        let facts = CaseFacts { default_date: self.claim.default_date, stages: &events, interruptions: &interruptions };
        huajie_cases::deadlines(&facts, calendar, now)
    }

    /// The latest case number of each class given with a standing stage, latest first.
    pub fn case_numbers(&self) -> Vec<&str> {
        let mut seen: Vec<&str> = Vec::new();
        for s in self.standing().rev() {
            if let Some(n) = s.case_no.as_deref().filter(|n| !seen.contains(n)) {
                seen.push(n);
            }
        }
        seen
    }
}

/// A deadline that raises an alert, with its case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseAlert {
    pub case_id: i64,
    pub claim_id: i64,
    pub contract_no: String,
    pub court: String,
    pub deadline: Deadline,
}

const AGENCY_COLUMNS: &str = "id, name, kind, fee_model, fixed_fen, rate_bp, created_by, created_at";

fn agency_from_row(r: &AnyRow) -> Result<AgencyRecord, StoreError> {
    let model = code(r, "fee_model", FeeModel::from_code)?;
    let rate =
        u32::try_from(i64_col(r, "rate_bp")?).map_err(|_| StoreError::Corrupt("case_agencies.rate_bp".into()))?;
    let terms = FeeTerms::new(model, money(r, "fixed_fen")?, rate)
        .map_err(|_| StoreError::Corrupt(format!("case_agencies {}: fee terms", i64_col(r, "id").unwrap_or(0))))?;
    Ok(AgencyRecord {
        id: i64_col(r, "id")?,
        name: text(r, "name")?,
        kind: code(r, "kind", AgencyKind::from_code)?,
        terms,
        created_by: text(r, "created_by")?,
        created_at: utc(r, "created_at")?,
    })
}

pub(crate) async fn agencies(c: &mut AnyConnection, id: Option<i64>) -> Result<Vec<AgencyRecord>, StoreError> {
    let sql = format!("SELECT {AGENCY_COLUMNS} FROM case_agencies WHERE ($1 IS NULL OR id = $1) ORDER BY id");
    let rows = sqlx::query(crate::composed(sql)).bind(id).fetch_all(&mut *c).await?;
    let mut agencies = rows.iter().map(agency_from_row).collect::<Result<Vec<_>, _>>()?;
    // By name in pinyin order (a short list: sorted here, not keyed in SQL).
    huajie_core::collate::sort_by_pinyin(&mut agencies, |a| a.name.as_str());
    Ok(agencies)
}

const CASE_COLUMNS: &str = "k.id, k.claim_id, k.court, k.agency_id, k.note, k.opened_on, k.opened_by, k.opened_at, \
    c.package_id, p.code AS package_code, c.contract_no, d.name AS debtor_name, d.kind AS debtor_kind, \
    c.principal_fen + c.interest_fen + c.penalty_fen + c.advanced_costs_fen AS total_fen, c.default_date";

fn case_from_row(r: &AnyRow) -> Result<(CaseRecord, CaseClaim), StoreError> {
    let case = CaseRecord {
        id: i64_col(r, "id")?,
        claim_id: i64_col(r, "claim_id")?,
        court: text(r, "court")?,
        agency_id: opt_i64(r, "agency_id")?,
        note: text(r, "note")?,
        opened_on: date(r, "opened_on")?,
        opened_by: text(r, "opened_by")?,
        opened_at: utc(r, "opened_at")?,
    };
    let claim = CaseClaim {
        package_id: i64_col(r, "package_id")?,
        package_code: text(r, "package_code")?,
        contract_no: text(r, "contract_no")?,
        debtor_name: text(r, "debtor_name")?,
        debtor_kind: code(r, "debtor_kind", PartyKind::from_code)?,
        total: money(r, "total_fen")?,
        default_date: opt_date(r, "default_date")?,
    };
    Ok((case, claim))
}

fn stage_from_row(r: &AnyRow) -> Result<StageRecord, StoreError> {
    Ok(StageRecord {
        id: i64_col(r, "id")?,
        case_id: i64_col(r, "case_id")?,
        seq: i64_col(r, "seq")?,
        stage: code(r, "stage", Stage::from_code)?,
        on: date(r, "happened_on")?,
        case_no: opt_text(r, "case_no")?,
        note: text(r, "note")?,
        recorded_by: text(r, "recorded_by")?,
        recorded_at: utc(r, "recorded_at")?,
    })
}

fn withdrawal_from_row(r: &AnyRow) -> Result<WithdrawalRecord, StoreError> {
    Ok(WithdrawalRecord {
        id: i64_col(r, "id")?,
        stage_id: i64_col(r, "stage_id")?,
        case_id: i64_col(r, "case_id")?,
        reason: text(r, "reason")?,
        withdrawn_by: text(r, "withdrawn_by")?,
        withdrawn_at: utc(r, "withdrawn_at")?,
    })
}

fn interruption_from_row(r: &AnyRow) -> Result<InterruptionRecord, StoreError> {
    Ok(InterruptionRecord {
        id: i64_col(r, "id")?,
        case_id: i64_col(r, "case_id")?,
        kind: code(r, "kind", InterruptionKind::from_code)?,
        on: date(r, "happened_on")?,
        note: text(r, "note")?,
        recorded_by: text(r, "recorded_by")?,
        recorded_at: utc(r, "recorded_at")?,
    })
}

fn task_from_row(r: &AnyRow) -> Result<TaskRecord, StoreError> {
    Ok(TaskRecord {
        id: i64_col(r, "id")?,
        case_id: i64_col(r, "case_id")?,
        title: text(r, "title")?,
        due_on: date(r, "due_on")?,
        assignee: text(r, "assignee")?,
        status: code(r, "status", TaskStatus::from_code)?,
        done_by: opt_text(r, "done_by")?,
        done_at: opt_utc(r, "done_at")?,
        created_by: text(r, "created_by")?,
        created_at: utc(r, "created_at")?,
    })
}

/// Which cases a read is about.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Which {
    All,
    Case(i64),
    Claim(i64),
}

impl Which {
    fn params(self) -> (Option<i64>, Option<i64>) {
        match self {
            Which::All => (None, None),
            Which::Case(id) => (Some(id), None),
            Which::Claim(id) => (None, Some(id)),
        }
    }
}

/// The case files `which` names, by id; six queries whatever their number.
pub(crate) async fn case_files(c: &mut AnyConnection, which: Which) -> Result<Vec<CaseFile>, StoreError> {
    const WHERE: &str = "($1 IS NULL OR k.id = $1) AND ($2 IS NULL OR k.claim_id = $2)";
    let (case, claim) = which.params();
    let sql = format!(
        "SELECT {CASE_COLUMNS} FROM cases k JOIN claims c ON c.id = k.claim_id JOIN packages p ON p.id = c.package_id \
         JOIN parties d ON d.id = c.debtor_id WHERE {WHERE} ORDER BY k.id"
    );
    let rows = sqlx::query(crate::composed(sql)).bind(case).bind(claim).fetch_all(&mut *c).await?;
    let heads = rows.iter().map(case_from_row).collect::<Result<Vec<_>, _>>()?;
    let within = format!("case_id IN (SELECT k.id FROM cases k WHERE {WHERE})");
    let children = |table: &str, columns: &str, order: &str| {
        crate::composed(format!("SELECT {columns} FROM {table} WHERE {within} ORDER BY case_id, {order}"))
    };
    let stage_sql =
        children("case_stages", "id, case_id, seq, stage, happened_on, case_no, note, recorded_by, recorded_at", "seq");
    let stages = sqlx::query(stage_sql).bind(case).bind(claim).fetch_all(&mut *c).await?;
    let stages = stages.iter().map(stage_from_row).collect::<Result<Vec<_>, _>>()?;
    let w_sql = children("case_stage_withdrawals", "id, stage_id, case_id, reason, withdrawn_by, withdrawn_at", "id");
    let withdrawals = sqlx::query(w_sql).bind(case).bind(claim).fetch_all(&mut *c).await?;
    let withdrawals = withdrawals.iter().map(withdrawal_from_row).collect::<Result<Vec<_>, _>>()?;
    let int_sql = children(
        "case_interruptions",
        "id, case_id, kind, happened_on, note, recorded_by, recorded_at",
        "happened_on, id",
    );
    let ints = sqlx::query(int_sql).bind(case).bind(claim).fetch_all(&mut *c).await?;
    let ints = ints.iter().map(interruption_from_row).collect::<Result<Vec<_>, _>>()?;
    let task_sql = children(
        "case_tasks",
        "id, case_id, title, due_on, assignee, status, done_by, done_at, created_by, created_at",
        "due_on, id",
    );
    let tasks = sqlx::query(task_sql).bind(case).bind(claim).fetch_all(&mut *c).await?;
    let tasks = tasks.iter().map(task_from_row).collect::<Result<Vec<_>, _>>()?;
    let agencies = agencies(c, None).await?;
    Ok(heads
        .into_iter()
        .map(|(case, claim)| CaseFile {
            agency: agencies.iter().find(|a| Some(a.id) == case.agency_id).cloned(),
            stages: stages.iter().filter(|s| s.case_id == case.id).cloned().collect(),
            withdrawals: withdrawals.iter().filter(|w| w.case_id == case.id).cloned().collect(),
            interruptions: ints.iter().filter(|s| s.case_id == case.id).cloned().collect(),
            tasks: tasks.iter().filter(|s| s.case_id == case.id).cloned().collect(),
            case,
            claim,
        })
        .collect())
}

pub(crate) async fn case_file(c: &mut AnyConnection, id: i64) -> Result<CaseFile, StoreError> {
    case_files(c, Which::Case(id)).await?.pop().ok_or_else(|| StoreError::NotFound(format!("case {id}")))
}

impl Store {
    /// The law firms and agencies, by name.
    pub async fn agencies(&self) -> Result<Vec<AgencyRecord>, StoreError> {
        agencies(&mut *self.pool.acquire().await?, None).await
    }

    /// Every case, by id, with its stages, interruptions and tasks.
    pub async fn cases(&self) -> Result<Vec<CaseFile>, StoreError> {
        case_files(&mut *self.pool.acquire().await?, Which::All).await
    }

    /// A claim's cases.
    pub async fn cases_of_claim(&self, claim_id: i64) -> Result<Vec<CaseFile>, StoreError> {
        case_files(&mut *self.pool.acquire().await?, Which::Claim(claim_id)).await
    }

    /// One case; `None` when there is none of that id.
    pub async fn case_file(&self, id: i64) -> Result<Option<CaseFile>, StoreError> {
        Ok(case_files(&mut *self.pool.acquire().await?, Which::Case(id)).await?.pop())
    }

    /// Every deadline of the company's cases that raises an alert as of the store's clock (90
    /// days or nearer, or overdue), the most urgent first; read on the latest working-day calendar.
    pub async fn case_alerts(&self) -> Result<Vec<CaseAlert>, StoreError> {
        let calendar = self.work_calendar().await?.calendar;
        let now = self.clock().now();
        let mut out: Vec<CaseAlert> = Vec::new();
        for file in self.cases().await? {
            for deadline in file.deadlines(&calendar, now).into_iter().filter(|d| d.level.is_alert()) {
                out.push(CaseAlert {
                    case_id: file.case.id,
                    claim_id: file.case.claim_id,
                    contract_no: file.claim.contract_no.clone(),
                    court: file.case.court.clone(),
                    deadline,
                });
            }
        }
        out.sort_by_key(|a| (a.deadline.days_left, a.case_id));
        Ok(out)
    }
}

/// The most urgent level among deadlines (`Later` when none).
pub fn most_urgent(deadlines: &[Deadline]) -> AlertLevel {
    deadlines.iter().map(|d| d.level).max().unwrap_or(AlertLevel::Later)
}
