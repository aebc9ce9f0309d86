//! A case's tasks: something to do by a day, for one person (a user name), open until done.

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
}
