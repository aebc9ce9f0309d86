//! What becomes of an attempt to import a tape, and how it may change: an attempt not yet ended
//! (running, or interrupted when its process died) ends once — loaded, or not loaded for a
//! reason — and an ended attempt never changes. The store records the end with a statement
//! guarded on the attempt still being unended, and refuses when it is not.

use huajie_core::Text;

huajie_core::named_enum! {
    /// What became of an import attempt.
    pub enum AttemptState {
        Loaded = ("loaded", "已载入", "Loaded"),
        Refused = ("refused", "未载入：按导入策略整体拒绝", "Not loaded: refused under the import policy"),
        NotImportable = ("not_importable", "未载入：数据带无法导入", "Not loaded: the tape cannot be imported"),
        Unreadable = ("unreadable", "未载入：文件无法读取", "Not loaded: the file cannot be read"),
        Failed = ("failed", "未载入：导入出错", "Not loaded: the import failed"),
        Running = ("running", "正在导入", "Running"),
        Interrupted = (
            "interrupted",
            "已中断：进程在完成前结束，未载入任何内容",
            "Interrupted: the process ended before it finished; nothing was loaded"
        ),
    }
}

impl AttemptState {
    /// Whether the attempt has ended, loaded or not. One that has not is running, or was
    /// interrupted (its process ended first): which of the two is read from its process, not
    /// recorded.
    pub fn ended(self) -> bool {
        !matches!(self, AttemptState::Running | AttemptState::Interrupted)
    }

    /// Whether an attempt in this state may become `next`: only an attempt not yet ended, and
    /// only to an end (nothing is recorded as running or interrupted).
    pub fn can_become(self, next: AttemptState) -> bool {
        !self.ended() && next.ended()
    }

    /// Why an attempt in this state cannot become `next`, for the user.
    pub fn refusal(self, next: AttemptState) -> Text {
        Text::new(
            format!("该导入已是“{}”，不能再记为“{}”。", self.zh(), next.zh()),
            format!("The import is “{}” already: it cannot be recorded as “{}”.", self.en(), next.en()),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::AttemptState::{self, *};

    #[test]
    fn an_attempt_ends_once_and_an_end_never_changes() {
        for from in AttemptState::ALL {
            for next in AttemptState::ALL {
                let allowed = matches!(from, Running | Interrupted) && !matches!(next, Running | Interrupted);
                assert_eq!(from.can_become(*next), allowed, "{from:?} → {next:?}");
            }
        }
        assert!(Running.can_become(Loaded) && Running.can_become(Failed) && Interrupted.can_become(Failed));
        assert!(!Loaded.can_become(Failed), "a loaded tape is never recorded as failed afterwards");
        assert!(!Failed.can_become(Loaded), "nor one that did not load as loaded");
        let t = Loaded.refusal(Failed);
        assert!(t.zh.contains("已载入") && t.en.contains("Loaded") && t.en.contains("the import failed"), "{t}");
    }
}
