//! Where a recorded pre-trade check stands, and what may be done with it: the risk role
//! overrides a finding (never a hard block, each finding once), which takes effect once a
//! second risk officer approves it (`may_approve`, four eyes); a purchase is recorded only on
//! a cleared acquisition check. Pure: the store reads the check and its overrides inside its
//! write transaction, asks these functions, and writes only what they allow.

use huajie_core::Text;

use crate::checks::{Effect, Finding};

/// Where a check stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckStanding {
    /// A hard block: the deal may not go ahead.
    Blocked,
    /// Limits or warnings without the risk role's override yet.
    AwaitingOverride,
    /// Nothing found, or everything found overridden.
    Cleared,
}

impl CheckStanding {
    pub fn code(self) -> &'static str {
        match self {
            CheckStanding::Blocked => "blocked",
            CheckStanding::AwaitingOverride => "awaiting_override",
            CheckStanding::Cleared => "cleared",
        }
    }

    /// A check's standing: blocked by any hard block, else awaiting until every other finding
    /// (`findings`, by index) is among the `overridden` (those whose override is approved: a
    /// proposed override waits for its second risk officer).
    pub fn of(blocked: bool, findings: &[Finding], overridden: &[usize]) -> CheckStanding {
        if blocked || findings.iter().any(|f| f.effect == Effect::Block) {
            return CheckStanding::Blocked;
        }
        let open = (0..findings.len()).any(|i| !overridden.contains(&i));
        if open { CheckStanding::AwaitingOverride } else { CheckStanding::Cleared }
    }

    /// Whether a purchase may be recorded on a check standing so: only on a cleared check of
    /// an acquisition; otherwise why not.
    pub fn may_acquire(self, is_acquisition: bool) -> Result<(), Text> {
        match self {
            CheckStanding::Blocked => Err(Text::fixed(
                "该检查存在硬性禁止事项，不能据此收购。",
                "The check found a hard block: the package cannot be bought on it.",
            )),
            CheckStanding::AwaitingOverride => Err(Text::fixed(
                "该检查仍有未豁免的发现，不能据此收购。",
                "The check has findings not yet overridden: the package cannot be bought on it.",
            )),
            CheckStanding::Cleared if !is_acquisition => {
                Err(Text::fixed("这不是资产包的收购检查。", "This is not the check of a package's acquisition."))
            }
            CheckStanding::Cleared => Ok(()),
        }
    }
}

/// Why finding `index` of a check cannot be overridden.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OverrideRefusal {
    /// The check has no such finding.
    NoSuchFinding,
    /// A hard block stops the deal whatever the risk role says.
    HardBlock,
    /// The finding is overridden already (once is enough, and the first reason stands).
    AlreadyOverridden,
    /// An override without its reason.
    NoReason,
}

impl OverrideRefusal {
    pub fn text(self) -> Text {
        match self {
            OverrideRefusal::NoSuchFinding => Text::fixed("该检查没有这一发现。", "The check has no such finding."),
            OverrideRefusal::HardBlock => Text::fixed("硬性禁止事项不能豁免。", "A hard block cannot be overridden."),
            OverrideRefusal::AlreadyOverridden => Text::fixed("该发现已经豁免。", "The finding is overridden already."),
            OverrideRefusal::NoReason => Text::fixed("请填写豁免理由。", "Give the reason for the override."),
        }
    }
}

/// Whether the risk role may override finding `index` of a check whose `overridden` findings
/// are those listed, giving `reason`.
pub fn may_override(
    findings: &[Finding],
    overridden: &[usize],
    index: usize,
    reason: &str,
) -> Result<(), OverrideRefusal> {
    let f = findings.get(index).ok_or(OverrideRefusal::NoSuchFinding)?;
    if f.effect == Effect::Block {
        return Err(OverrideRefusal::HardBlock);
    }
    if overridden.contains(&index) {
        return Err(OverrideRefusal::AlreadyOverridden);
    }
    if reason.trim().is_empty() {
        return Err(OverrideRefusal::NoReason);
    }
    Ok(())
}

/// Why an override proposed by one risk officer cannot be approved (四眼原则: an override takes
/// effect only when a second risk officer approves it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApprovalRefusal {
    /// The approver does not hold the permission to override findings.
    NotRisk,
    /// The officer who proposed the override cannot approve it as well.
    SamePerson,
    /// The override is approved already (once is enough, and the first approval stands).
    AlreadyApproved,
}

impl ApprovalRefusal {
    pub fn text(self) -> Text {
        match self {
            ApprovalRefusal::NotRisk => {
                Text::fixed("只有风险合规部的人员可以批准豁免。", "Only a risk officer may approve an override.")
            }
            ApprovalRefusal::SamePerson => Text::fixed(
                "提出豁免的人不能自己批准：须由另一名风险合规人员批准（四眼原则）。",
                "The officer who proposed the override cannot approve it: a second risk officer must (four eyes).",
            ),
            ApprovalRefusal::AlreadyApproved => Text::fixed("该豁免已经批准。", "The override is approved already."),
        }
    }
}

/// Whether `approver` (holding `role`) may approve an override proposed by `proposed_by`, which
/// is approved by `approved_by` already if at all: a different user who may override findings.
pub fn may_approve(
    proposed_by: &str,
    approved_by: Option<&str>,
    approver: &str,
    role: huajie_core::Role,
) -> Result<(), ApprovalRefusal> {
    if !role.can(huajie_core::Permission::OverrideFindings) {
        return Err(ApprovalRefusal::NotRisk);
    }
    if approved_by.is_some() {
        return Err(ApprovalRefusal::AlreadyApproved);
    }
    if approver == proposed_by {
        return Err(ApprovalRefusal::SamePerson);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::RuleId;

    fn finding(effect: Effect) -> Finding {
        Finding { rule: RuleId::Q1, effect, subject: None, zh: "发现".into(), en: "finding".into() }
    }

    #[test]
    fn a_check_is_cleared_only_when_every_finding_but_a_block_is_overridden() {
        use CheckStanding::*;
        let limit = finding(Effect::Override);
        let warn = finding(Effect::Warn);
        assert_eq!(CheckStanding::of(false, &[], &[]), Cleared, "nothing found");
        assert_eq!(CheckStanding::of(false, &[limit.clone(), warn.clone()], &[0]), AwaitingOverride);
        assert_eq!(CheckStanding::of(false, &[limit.clone(), warn.clone()], &[1, 0]), Cleared);
        assert_eq!(CheckStanding::of(false, &[limit.clone(), finding(Effect::Block)], &[0]), Blocked);
        assert_eq!(CheckStanding::of(true, &[], &[]), Blocked, "recorded as blocked");
    }

    #[test]
    fn only_a_cleared_acquisition_check_buys() {
        use CheckStanding::*;
        assert_eq!(Cleared.may_acquire(true), Ok(()));
        for (s, acquisition) in [(Cleared, false), (Blocked, true), (AwaitingOverride, true), (Blocked, false)] {
            let t = s.may_acquire(acquisition).expect_err("refused");
            assert!(!t.zh.is_empty() && !t.en.is_empty(), "{s:?}");
        }
        assert!(AwaitingOverride.may_acquire(true).unwrap_err().en.contains("not yet overridden"));
        assert!(Cleared.may_acquire(false).unwrap_err().zh.contains("不是资产包的收购检查"));
    }

    #[test]
    fn a_finding_is_overridden_once_with_a_reason_and_never_a_block() {
        use OverrideRefusal::*;
        let findings = [finding(Effect::Override), finding(Effect::Block), finding(Effect::Warn)];
        assert_eq!(may_override(&findings, &[], 0, "董事会批准"), Ok(()));
        assert_eq!(may_override(&findings, &[0], 2, "理由"), Ok(()));
        assert_eq!(may_override(&findings, &[0], 0, "理由"), Err(AlreadyOverridden));
        assert_eq!(may_override(&findings, &[], 1, "理由"), Err(HardBlock));
        assert_eq!(may_override(&findings, &[], 3, "理由"), Err(NoSuchFinding));
        assert_eq!(may_override(&findings, &[], 2, "  "), Err(NoReason));
        assert!(HardBlock.text().zh.contains("硬性禁止"));
    }

    #[test]
    fn an_override_is_approved_once_by_a_second_risk_officer() {
        use huajie_core::Role;
        assert_eq!(may_approve("risk", None, "risk2", Role::Risk), Ok(()));
        assert_eq!(may_approve("risk", None, "risk", Role::Risk), Err(ApprovalRefusal::SamePerson));
        assert_eq!(may_approve("risk", Some("risk2"), "risk3", Role::Risk), Err(ApprovalRefusal::AlreadyApproved));
        assert_eq!(may_approve("risk", None, "finance", Role::Finance), Err(ApprovalRefusal::NotRisk));
        assert_eq!(may_approve("risk", None, "regulator", Role::Regulator), Err(ApprovalRefusal::NotRisk));
        assert!(ApprovalRefusal::SamePerson.text().zh.contains("四眼"));
    }
}
