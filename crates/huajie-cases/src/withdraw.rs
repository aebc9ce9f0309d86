//! Withdrawing a stage recorded by mistake (a 一拍 entered on the wrong case, a judgment dated
//! wrongly): never a deletion or an edit of what was recorded, but a withdrawal with its reason,
//! after which the case reads as if the stage had not been recorded — its current stage, its
//! deadlines and alerts, the case numbers the statements are matched by.
//!
//! **Only the latest standing stage may be withdrawn.** Every stage was recorded after
//! `check_next` read the stages before it: a later stage may depend on an earlier one (执行立案
//! needs 生效 before it, 二拍 needs 一拍), so withdrawing a stage with standing stages after it
//! could leave a history the rules never allowed. Withdrawing the latest leaves the stages
//! before it, a history that was allowed when each was recorded; a mistake further back is
//! withdrawn by withdrawing the stages after it first, latest first, then recording again what
//! stands.

use huajie_core::Text;

use crate::stage::Stage;

/// The longest a withdrawal's reason may be, in characters.
pub const REASON_MAX: usize = 500;

/// A stage as recorded, with whether it was withdrawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recorded {
    pub stage: Stage,
    pub withdrawn: bool,
}

/// Why the stage at `position` of `recorded` (a case's stages in the order recorded) cannot be
/// withdrawn with `reason`; `Ok` with the reason trimmed when it may.
pub fn check_withdrawal(recorded: &[Recorded], position: usize, reason: &str) -> Result<String, Text> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Text::fixed("撤回阶段须说明理由。", "A withdrawal needs a reason."));
    }
    if reason.chars().count() > REASON_MAX {
        return Err(Text::new(
            format!("撤回理由不能超过 {REASON_MAX} 个字。"),
            format!("A withdrawal's reason is at most {REASON_MAX} characters."),
        ));
    }
    let Some(this) = recorded.get(position) else {
        return Err(Text::fixed("该案件没有这个阶段。", "The case has no such stage."));
    };
    if this.withdrawn {
        return Err(Text::new(
            format!("阶段“{}”已撤回。", this.stage.zh()),
            format!("The stage “{}” is withdrawn already.", this.stage.en()),
        ));
    }
    if let Some(later) = recorded[position + 1..].iter().rev().find(|r| !r.withdrawn) {
        return Err(Text::new(
            format!(
                "只能撤回最近一个有效阶段（“{}”）：其后的阶段以“{}”为前提，须先撤回其后的阶段。",
                later.stage.zh(),
                this.stage.zh()
            ),
            format!(
                "Only the latest standing stage (“{}”) may be withdrawn: the stages after “{}” were recorded on it; withdraw them first.",
                later.stage.en(),
                this.stage.en()
            ),
        ));
    }
    Ok(reason.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use Stage::*;

    fn rec(stages: &[(Stage, bool)]) -> Vec<Recorded> {
        stages.iter().map(|&(stage, withdrawn)| Recorded { stage, withdrawn }).collect()
    }

    #[test]
    fn only_the_latest_standing_stage_is_withdrawn_with_a_reason() {
        let r = rec(&[(EnforcementFiled, false), (Appraisal, false), (FirstAuction, false)]);
        assert_eq!(check_withdrawal(&r, 2, "  录入错案件  ").unwrap(), "录入错案件");
        let earlier = check_withdrawal(&r, 1, "错").unwrap_err();
        assert!(earlier.zh.contains("只能撤回最近一个有效阶段（“拍卖（一拍）”）"), "{}", earlier.zh);
        assert!(earlier.en.contains("withdraw them first"));
        assert!(check_withdrawal(&r, 2, "  ").unwrap_err().zh.contains("须说明理由"));
        assert!(check_withdrawal(&r, 2, &"错".repeat(REASON_MAX + 1)).is_err());
        assert!(check_withdrawal(&r, 2, &"错".repeat(REASON_MAX)).is_ok());
        assert!(check_withdrawal(&r, 3, "错").unwrap_err().zh.contains("没有这个阶段"));
    }

    #[test]
    fn a_stage_is_withdrawn_once_and_a_withdrawn_one_after_it_does_not_stand_in_the_way() {
        let r = rec(&[(EnforcementFiled, false), (Appraisal, false), (FirstAuction, true)]);
        assert!(check_withdrawal(&r, 2, "再次").unwrap_err().zh.contains("已撤回"));
        assert!(check_withdrawal(&r, 1, "评估录错").is_ok(), "the 一拍 after it is withdrawn");
        let r = rec(&[(EnforcementFiled, false), (Appraisal, true), (FirstAuction, false)]);
        assert!(check_withdrawal(&r, 0, "错").is_err(), "a standing 一拍 after it");
    }
}
