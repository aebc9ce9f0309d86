//! A case's tasks: something to do by a day, for one person (a user name), open until done —
//! marked done by that person (whatever their staff role: finance paying a fee, risk checking a
//! guarantor) or by whoever manages cases (the asset managers, who set the tasks).

use chrono::NaiveDate;
use huajie_core::{Text, named_enum};

use crate::deadline::AlertLevel;

named_enum! {
    pub enum TaskStatus {
        Open = ("open", "待办", "Open"),
        Done = ("done", "已完成", "Done"),
    }
}

/// The longest a task's title may be, in characters.
pub const TITLE_MAX: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Task {
    pub title: String,
    pub due_on: NaiveDate,
    pub assignee: String,
    pub status: TaskStatus,
}

impl Task {
    /// A new open task; its title is trimmed and must say something, within `TITLE_MAX`.
    pub fn new(title: &str, due_on: NaiveDate, assignee: &str) -> Result<Task, Text> {
        let title = title.trim();
        if title.is_empty() {
            return Err(Text::fixed("请填写任务内容", "say what the task is"));
        }
        if title.chars().count() > TITLE_MAX {
            return Err(Text::new(
                format!("任务内容不能超过 {TITLE_MAX} 个字"),
                format!("a task's title is at most {TITLE_MAX} characters"),
            ));
        }
        Ok(Task { title: title.to_string(), due_on, assignee: assignee.trim().to_string(), status: TaskStatus::Open })
    }

    /// Whether `actor` may mark the task done: its assignee, or someone who manages cases
    /// (`manages`); anyone else is refused, naming the assignee.
    pub fn may_complete(&self, actor: &str, manages: bool) -> Result<(), Text> {
        if manages || actor == self.assignee {
            return Ok(());
        }
        Err(Text::new(
            format!("该任务指派给“{}”：只有被指派人或资产经营/处置部可以标记完成。", self.assignee),
            format!(
                "The task is assigned to “{}”: only the assignee or an asset manager may mark it done.",
                self.assignee
            ),
        ))
    }

    /// How near its due day an open task is on `today` (a done task raises nothing).
    pub fn level(&self, today: NaiveDate) -> AlertLevel {
        match self.status {
            TaskStatus::Done => AlertLevel::Later,
            TaskStatus::Open => AlertLevel::of((self.due_on - today).num_days()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_task_says_something_and_an_open_one_past_its_day_is_overdue() {
        let due = NaiveDate::from_ymd_opt(2026, 12, 10).unwrap();
        assert!(Task::new("  ", due, "am1").is_err());
        assert!(Task::new(&"催".repeat(201), due, "am1").is_err());
        let mut t = Task::new(" 向法院提交评估申请 ", due, "am1").unwrap();
        assert_eq!(t.title, "向法院提交评估申请");
        assert_eq!(t.level(NaiveDate::from_ymd_opt(2026, 12, 11).unwrap()), AlertLevel::Overdue);
        assert_eq!(t.level(NaiveDate::from_ymd_opt(2026, 12, 3).unwrap()), AlertLevel::Within7);
        t.status = TaskStatus::Done;
        assert_eq!(t.level(NaiveDate::from_ymd_opt(2026, 12, 11).unwrap()), AlertLevel::Later);
    }

    #[test]
    fn a_task_is_done_by_its_assignee_or_by_whoever_manages_cases() {
        let t = Task::new("支付律师费", NaiveDate::from_ymd_opt(2026, 12, 10).unwrap(), "fin_zhao").unwrap();
        assert!(t.may_complete("fin_zhao", false).is_ok());
        assert!(t.may_complete("am_li", true).is_ok());
        let other = t.may_complete("risk_qian", false).unwrap_err();
        assert!(other.zh.contains("指派给“fin_zhao”") && other.en.contains("only the assignee"), "{other:?}");
    }
}
