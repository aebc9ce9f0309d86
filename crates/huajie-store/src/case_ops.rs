//! Case management's operations (issue 15), each in the shape of the write path: read through
//! the transaction what the rule needs, ask `huajie_cases`, write, audit. A stage's place is
//! its sequence number (`UNIQUE (case_id, seq)`): two writers recording a stage on one case at
//! once cannot both take the same place. A stage recorded by mistake is withdrawn by a row of its
//! own (`case_stage_withdrawals`, `UNIQUE (stage_id)`), never deleted or edited.

use chrono::NaiveDate;
use huajie_cases::{AgencyKind, CaseNumber, FeeTerms, InterruptionKind, Stage, Task, TaskStatus};
use huajie_core::{Permission, Role, Text};

use crate::cases::{AgencyRecord, CaseFile, InterruptionRecord, StageRecord, TaskRecord, WithdrawalRecord, case_file};
use crate::rows::{date_text, i64_col, text};
use crate::{Store, StoreError, WriteTx};

/// A law firm or agency to engage.
#[derive(Debug, Clone)]
pub struct AgencyInput {
    pub name: String,
    pub kind: AgencyKind,
    pub terms: FeeTerms,
}

/// A case to open on a claim.
#[derive(Debug, Clone)]
pub struct CaseInput {
    pub claim_id: i64,
    pub court: String,
    pub agency_id: Option<i64>,
    pub note: String,
}

/// A stage to record.
#[derive(Debug, Clone)]
pub struct StageInput {
    pub stage: Stage,
    pub on: NaiveDate,
    pub case_no: Option<CaseNumber>,
    pub note: String,
}

/// An interruption of the limitation period to record.
#[derive(Debug, Clone)]
pub struct InterruptionInput {
    pub kind: InterruptionKind,
    pub on: NaiveDate,
    pub note: String,
}

fn refused(zh: &'static str, en: &'static str) -> StoreError {
    StoreError::Refused(Text::fixed(zh, en))
}

impl Store {
    /// Engages a law firm or agency on its fee terms; a name already listed is a `Duplicate`.
    pub async fn add_agency(&self, actor: &str, input: &AgencyInput) -> Result<AgencyRecord, StoreError> {
        let name = input.name.trim();
        if name.is_empty() {
            return Err(refused("请填写机构名称", "give the firm's name"));
        }
        self.operate(actor, async |tx| {
            let now = crate::stored_time(tx.clock.now());
            let r = sqlx::query(
                "INSERT INTO case_agencies (name, kind, fee_model, fixed_fen, rate_bp, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(name)
            .bind(input.kind.code())
            .bind(input.terms.model.code())
            .bind(input.terms.fixed.fen())
            .bind(i64::from(input.terms.rate_bp))
            .bind(tx.actor().to_string())
            .bind(crate::timestamp(now))
            .fetch_one(tx.conn())
            .await
            .map_err(|e| StoreError::on_unique(e, || Text::new(format!("机构“{name}”"), format!("firm “{name}”"))))?;
            let id = i64_col(&r, "id")?;
            let agency = crate::cases::agencies(tx.conn(), Some(id))
                .await?
                .pop()
                .ok_or_else(|| StoreError::NotFound(format!("agency {id}")))?;
            tx.audit_create(&agency).await?;
            Ok(agency)
        })
        .await
    }

    /// Opens a case on a claim, today (the store's clock, Beijing date).
    pub async fn open_case(&self, actor: &str, input: &CaseInput) -> Result<CaseFile, StoreError> {
        let court = input.court.trim();
        if court.is_empty() {
            return Err(refused("请填写受理法院", "name the court"));
        }
        self.operate(actor, async |tx| {
            let claim = sqlx::query("SELECT id FROM claims WHERE id = $1")
                .bind(input.claim_id)
                .fetch_optional(tx.conn())
                .await?;
            if claim.is_none() {
                return Err(StoreError::NotFound(format!("claim {}", input.claim_id)));
            }
            if let Some(agency) = input.agency_id
                && crate::cases::agencies(tx.conn(), Some(agency)).await?.is_empty()
            {
                return Err(refused("所选律师事务所或机构不存在", "the firm chosen does not exist"));
            }
            let now = crate::stored_time(tx.clock.now());
            let r = sqlx::query(
                "INSERT INTO cases (claim_id, court, agency_id, note, opened_on, opened_by, opened_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(input.claim_id)
            .bind(court)
            .bind(input.agency_id)
            .bind(input.note.trim())
            .bind(date_text(huajie_core::clock::beijing_date(now)))
            .bind(tx.actor().to_string())
            .bind(crate::timestamp(now))
            .fetch_one(tx.conn())
            .await?;
            let file = case_file(tx.conn(), i64_col(&r, "id")?).await?;
            tx.audit_create(&file.case).await?;
            Ok(file)
        })
        .await
    }

    /// Records a stage of a case, if it may follow the case's last (`huajie_cases::check_next`,
    /// today by the store's clock) and its case number, when given, is of its class.
    pub async fn record_stage(&self, actor: &str, case_id: i64, input: &StageInput) -> Result<StageRecord, StoreError> {
        if let Some(no) = &input.case_no {
            huajie_cases::fits(input.stage, no).map_err(StoreError::Refused)?;
        }
        self.operate(actor, async |tx| {
            let file = case_file(tx.conn(), case_id).await?;
            let today = tx.clock.today();
            huajie_cases::check_next(&file.events(), input.stage, input.on, today).map_err(StoreError::Refused)?;
            let now = crate::stored_time(tx.clock.now());
            let seq = file.stages.last().map_or(1, |s| s.seq + 1);
            let r = sqlx::query(
                "INSERT INTO case_stages (case_id, seq, stage, happened_on, case_no, note, recorded_by, recorded_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(case_id)
            .bind(seq)
            .bind(input.stage.code())
            .bind(date_text(input.on))
            .bind(input.case_no.as_ref().map(ToString::to_string))
            .bind(input.note.trim())
            .bind(tx.actor().to_string())
            .bind(crate::timestamp(now))
            .fetch_one(tx.conn())
            .await
            .map_err(|e| {
                StoreError::on_unique(e, || {
                    Text::fixed("该阶段（另一人刚刚记录了一个阶段）", "this stage (someone has just recorded one)")
                })
            })?;
            let id = i64_col(&r, "id")?;
            let stage = case_file(tx.conn(), case_id).await?.stages.into_iter().find(|s| s.id == id);
            let stage = stage.ok_or_else(|| StoreError::Corrupt(format!("case_stages {id}: not read back")))?;
            tx.audit_create(&stage).await?;
            Ok(stage)
        })
        .await
    }

    /// Withdraws stage `stage_id` of case `case_id`, recorded by mistake, with the reason: if
    /// `huajie_cases::check_withdrawal` allows it (the latest standing stage only), a withdrawal
    /// row is written and audited; the stage's own row is left as recorded. The case's current
    /// stage, deadlines and case numbers are read without it from then on.
    pub async fn withdraw_stage(
        &self,
        actor: &str,
        case_id: i64,
        stage_id: i64,
        reason: &str,
    ) -> Result<WithdrawalRecord, StoreError> {
        self.operate(actor, async |tx| {
            let file = case_file(tx.conn(), case_id).await?;
            let position = file
                .stages
                .iter()
                .position(|s| s.id == stage_id)
                .ok_or_else(|| StoreError::NotFound(format!("case {case_id} stage {stage_id}")))?;
            let reason =
                huajie_cases::check_withdrawal(&file.recorded(), position, reason).map_err(StoreError::Refused)?;
            let now = crate::stored_time(tx.clock.now());
            let r = sqlx::query(
                "INSERT INTO case_stage_withdrawals (stage_id, case_id, reason, withdrawn_by, withdrawn_at) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(stage_id)
            .bind(case_id)
            .bind(&reason)
            .bind(tx.actor().to_string())
            .bind(crate::timestamp(now))
            .fetch_one(tx.conn())
            .await
            .map_err(|e| StoreError::on_unique(e, || Text::fixed("该阶段的撤回", "this stage's withdrawal")))?;
            let id = i64_col(&r, "id")?;
            let record = case_file(tx.conn(), case_id).await?.withdrawals.into_iter().find(|w| w.id == id);
            let record =
                record.ok_or_else(|| StoreError::Corrupt(format!("case_stage_withdrawals {id}: not read back")))?;
            tx.audit_create(&record).await?;
            Ok(record)
        })
        .await
    }

    /// Records an interruption of a case's limitation period (a demand, the debtor's
    /// acknowledgement…), dated today or earlier.
    pub async fn record_interruption(
        &self,
        actor: &str,
        case_id: i64,
        input: &InterruptionInput,
    ) -> Result<InterruptionRecord, StoreError> {
        self.operate(actor, async |tx| {
            let file = case_file(tx.conn(), case_id).await?;
            let today = tx.clock.today();
            if input.on > today {
                return Err(StoreError::Refused(Text::new(
                    format!("时效中断日期 {} 晚于今天（{today}）", input.on),
                    format!("the interruption's date {} is after today ({today})", input.on),
                )));
            }
            let now = crate::stored_time(tx.clock.now());
            let r = sqlx::query(
                "INSERT INTO case_interruptions (case_id, kind, happened_on, note, recorded_by, recorded_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(file.case.id)
            .bind(input.kind.code())
            .bind(date_text(input.on))
            .bind(input.note.trim())
            .bind(tx.actor().to_string())
            .bind(crate::timestamp(now))
            .fetch_one(tx.conn())
            .await?;
            let id = i64_col(&r, "id")?;
            let record = case_file(tx.conn(), case_id).await?.interruptions.into_iter().find(|i| i.id == id);
            let record =
                record.ok_or_else(|| StoreError::Corrupt(format!("case_interruptions {id}: not read back")))?;
            tx.audit_create(&record).await?;
            Ok(record)
        })
        .await
    }

    /// Adds a task to a case for a staff user who may see cases.
    pub async fn add_task(&self, actor: &str, case_id: i64, task: &Task) -> Result<TaskRecord, StoreError> {
        self.operate(actor, async |tx| {
            case_file(tx.conn(), case_id).await?;
            may_be_assigned(tx, &task.assignee).await?;
            let now = crate::stored_time(tx.clock.now());
            let r = sqlx::query(
                "INSERT INTO case_tasks (case_id, title, due_on, assignee, status, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(case_id)
            .bind(&task.title)
            .bind(date_text(task.due_on))
            .bind(&task.assignee)
            .bind(TaskStatus::Open.code())
            .bind(tx.actor().to_string())
            .bind(crate::timestamp(now))
            .fetch_one(tx.conn())
            .await?;
            let record = read_task(tx, i64_col(&r, "id")?).await?;
            tx.audit_create(&record).await?;
            Ok(record)
        })
        .await
    }

    /// Marks an open task done (guarded: a task is done once), by its assignee or an active user
    /// who manages cases (`huajie_cases::Task::may_complete`, the actor's role read through the
    /// transaction).
    pub async fn complete_task(&self, actor: &str, task_id: i64) -> Result<TaskRecord, StoreError> {
        self.operate(actor, async |tx| {
            let before = read_task(tx, task_id).await?;
            let me = tx.actor().to_string();
            let manages = role_of(tx, &me).await?.is_some_and(|r| r.can(Permission::ManageCases));
            before.task().may_complete(&me, manages).map_err(StoreError::Refused)?;
            let now = crate::stored_time(tx.clock.now());
            let done = sqlx::query(
                "UPDATE case_tasks SET status = $1, done_by = $2, done_at = $3 WHERE id = $4 AND status = $5",
            )
            .bind(TaskStatus::Done.code())
            .bind(tx.actor().to_string())
            .bind(crate::timestamp(now))
            .bind(task_id)
            .bind(TaskStatus::Open.code())
            .execute(tx.conn())
            .await?;
            if done.rows_affected() == 0 {
                return Err(refused("该任务已完成", "the task is already done"));
            }
            let after = read_task(tx, task_id).await?;
            tx.audit_update(&before, &after).await?;
            Ok(after)
        })
        .await
    }
}

/// The role of `username` while the user is active (`None`: no such user, or disabled).
async fn role_of(tx: &mut WriteTx, username: &str) -> Result<Option<Role>, StoreError> {
    let row = sqlx::query("SELECT role, active FROM users WHERE username = $1")
        .bind(username)
        .fetch_optional(tx.conn())
        .await?;
    let Some(r) = row else { return Ok(None) };
    if i64_col(&r, "active")? == 0 {
        return Ok(None);
    }
    Ok(Role::from_code(&text(&r, "role")?))
}

async fn read_task(tx: &mut WriteTx, id: i64) -> Result<TaskRecord, StoreError> {
    let r = sqlx::query("SELECT case_id FROM case_tasks WHERE id = $1").bind(id).fetch_optional(tx.conn()).await?;
    let case_id = i64_col(&r.ok_or_else(|| StoreError::NotFound(format!("task {id}")))?, "case_id")?;
    let task = case_file(tx.conn(), case_id).await?.tasks.into_iter().find(|t| t.id == id);
    task.ok_or_else(|| StoreError::Corrupt(format!("case_tasks {id}: not read back")))
}

/// Refused unless `username` is an active user whose role may see cases.
async fn may_be_assigned(tx: &mut WriteTx, username: &str) -> Result<(), StoreError> {
    if role_of(tx, username).await?.is_some_and(|role| role.can(Permission::ViewCases)) {
        return Ok(());
    }
    Err(StoreError::Refused(Text::new(
        format!("“{username}”不是可处理案件的在职员工用户"),
        format!("“{username}” is not an active staff user who may work on cases"),
    )))
}
