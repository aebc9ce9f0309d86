//! # huajie-cases
//!
//! Case management per claim (issue 15, point 1), as pure rules the store asks inside the write
//! transaction that records a step:
//!
//! - `stage`: the litigation, enforcement and bankruptcy stages (立案 … 破产分配), the order they
//!   may follow each other in (`Stage::may_follow`, `next_refusal`: a refusal is a `Text`, Chinese
//!   first), and dates that never go backwards;
//! - `case_no`: court case numbers (案号, （2024）苏0102民初1234号), their shape checked and
//!   their class (civil, enforcement, bankruptcy) read from the type code;
//! - `fees`: the law firm's or agency's fee model (全风险, 半风险, 无风险) and its fee in fen;
//! - `deadline`: the limitation period (民法典 第一百八十八条, interrupted by 第一百九十五条),
//!   the enforcement application period (民事诉讼法 第二百五十条), scheduled auctions, each last
//!   day moved past a holiday on the working-day calendar (民法典 第二百零三条), and the alert
//!   level at 90, 30 and 7 days and overdue;
//! - `task`: a case's tasks with a due date and an assignee, done by the assignee or by whoever
//!   manages cases (`Task::may_complete`);
//! - `withdraw`: a stage recorded by mistake withdrawn with a reason, the latest standing stage
//!   only (`check_withdrawal`).
//!
//! Architecture invariant: no I/O and no clock read: `now` comes in as a `DateTime<Utc>` (the
//! caller's `huajie_core::clock::Clock`), the calendar as a `huajie_core::WorkCalendar`.
//! docs/cases.md is the reader's account.

pub mod case_no;
pub mod deadline;
pub mod fees;
pub mod stage;
pub mod task;
pub mod withdraw;

pub use case_no::{CaseClass, CaseNumber, fits};
pub use deadline::{AlertLevel, CaseFacts, Deadline, DeadlineKind, Interruption, InterruptionKind, deadlines};
pub use fees::{AgencyKind, FeeField, FeeModel, FeeTerms};
pub use stage::{Phase, Stage, StageEvent, check_next};
pub use task::{Task, TaskStatus};
pub use withdraw::{Recorded, check_withdrawal};
