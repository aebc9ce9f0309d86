//! The decision committee (决策委员会, rules.md A11 IC1–IC5, Q16): who serves, who may vote
//! on an item, and when an item passes.
//!
//! Our reading, each threshold a parameter (`huajie_rules::RuleParameters`):
//! - **Quorum** counts the members present at the meeting (`committee_quorum`, default 5 as
//!   85号 sets for a branch committee). A meeting without it cannot go into session (流会).
//! - **Recusal**: a member who worked on an item (prepared it, valued it, checked it, or is on
//!   its deal team) may not vote on it. Recused members still count towards the quorum.
//! - **Pass mark**: an item passes when the votes for it are at least `committee_pass` (2/3)
//!   of the members present who may vote on it (`senior_pass` for the higher tier). An
//!   abstention is not a vote for. Fewer than `committee_min_voters` members entitled to vote
//!   decide nothing (IC1: no single person decides).
//! - **When it is decided**: as soon as every member entitled to vote has voted; when the
//!   meeting closes first, whoever has not voted counts as not for (the item lapses instead
//!   when too few were entitled to vote).

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use huajie_core::{Lifecycle, Text, named_enum};
use huajie_rules::RuleParameters;
use huajie_rules::params::Fraction;

use crate::plan::ApprovalTier;

named_enum! {
    /// A meeting's life: scheduled, in session (attendance taken, votes cast), closed (minutes
    /// written), or cancelled before it sat.
    pub enum MeetingStatus {
        Scheduled = ("scheduled", "已安排", "Scheduled"),
        InSession = ("in_session", "会议进行中", "In session"),
        Closed = ("closed", "已结束", "Closed"),
        Cancelled = ("cancelled", "已取消", "Cancelled"),
    }
}

impl Lifecycle for MeetingStatus {
    const NOUN: (&'static str, &'static str) = ("会议", "the meeting");
    fn all() -> &'static [MeetingStatus] {
        MeetingStatus::ALL
    }
    fn names(self) -> (&'static str, &'static str) {
        (self.zh(), self.en())
    }
    fn code(self) -> &'static str {
        Self::code(self)
    }
    fn can_become(self, next: MeetingStatus) -> bool {
        use MeetingStatus::*;
        matches!((self, next), (Scheduled, InSession | Cancelled) | (InSession, Closed))
    }
}

named_enum! {
    /// An agenda item's life: pending until decided; passed or rejected by the vote; lapsed when
    /// the meeting closed without a decision (too few members entitled to vote); withdrawn by
    /// whoever tabled it before any vote.
    pub enum ItemStatus {
        Pending = ("pending", "待表决", "Pending"),
        Passed = ("passed", "通过", "Passed"),
        Rejected = ("rejected", "未通过", "Rejected"),
        Lapsed = ("lapsed", "未决", "Lapsed"),
        Withdrawn = ("withdrawn", "已撤回", "Withdrawn"),
    }
}

impl Lifecycle for ItemStatus {
    const NOUN: (&'static str, &'static str) = ("议题", "the item");
    fn all() -> &'static [ItemStatus] {
        ItemStatus::ALL
    }
    fn names(self) -> (&'static str, &'static str) {
        (self.zh(), self.en())
    }
    fn code(self) -> &'static str {
        Self::code(self)
    }
    fn can_become(self, next: ItemStatus) -> bool {
        self == ItemStatus::Pending && next != ItemStatus::Pending
    }
}

named_enum! {
    /// How a member worked on an item: each bars the member from voting on it.
    pub enum Capacity {
        Prepared = ("prepared", "经办/准备", "prepared it"),
        Valued = ("valued", "估值", "valued it"),
        Checked = ("checked", "合规检查", "ran its check"),
        DealTeam = ("deal_team", "项目组成员", "is on its deal team"),
    }
}

/// A member's named vote. A vote against gives its reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ballot {
    For,
    Against { reason: String },
    Abstain,
}

impl Ballot {
    pub const CODES: [&'static str; 3] = ["for", "against", "abstain"];

    pub fn code(&self) -> &'static str {
        match self {
            Ballot::For => "for",
            Ballot::Against { .. } => "against",
            Ballot::Abstain => "abstain",
        }
    }

    pub fn names(&self) -> (&'static str, &'static str) {
        match self {
            Ballot::For => ("同意", "For"),
            Ballot::Against { .. } => ("反对", "Against"),
            Ballot::Abstain => ("弃权", "Abstain"),
        }
    }

    /// The reason given with a vote against ("" otherwise).
    pub fn reason(&self) -> &str {
        match self {
            Ballot::Against { reason } => reason,
            _ => "",
        }
    }

    /// A ballot from its code and reason: a vote against without a reason is refused.
    pub fn read(code: &str, reason: &str) -> Result<Ballot, Text> {
        match code.trim() {
            "for" => Ok(Ballot::For),
            "abstain" => Ok(Ballot::Abstain),
            "against" if reason.trim().is_empty() => {
                Err(Text::fixed("投反对票须写明理由。", "A vote against gives its reason."))
            }
            "against" => Ok(Ballot::Against { reason: reason.trim().to_string() }),
            _ => Err(Text::fixed("请选择同意、反对或弃权。", "Choose for, against or abstain.")),
        }
    }
}

/// A member's term on the committee: from its first day to its last (open-ended without one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Term {
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
}

impl Term {
    pub fn covers(self, day: NaiveDate) -> bool {
        self.from <= day && self.to.is_none_or(|to| day <= to)
    }

    /// A term that ends before it begins is refused.
    pub fn new(from: NaiveDate, to: Option<NaiveDate>) -> Result<Term, Text> {
        match to {
            Some(to) if to < from => Err(Text::new(
                format!("任期结束日 {to} 早于开始日 {from}。"),
                format!("The term ends ({to}) before it begins ({from})."),
            )),
            _ => Ok(Term { from, to }),
        }
    }
}

/// The vote rule of one item: the quorum, the fewest entitled voters, the pass mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VoteRule {
    pub quorum: u32,
    pub min_voters: u32,
    pub pass: Fraction,
}

impl VoteRule {
    /// The rule for an item of `tier` under the parameters in force.
    pub fn of(p: &RuleParameters, tier: ApprovalTier) -> VoteRule {
        VoteRule {
            quorum: p.committee_quorum,
            min_voters: p.committee_min_voters,
            pass: match tier {
                ApprovalTier::Standard => p.committee_pass,
                ApprovalTier::Senior => p.senior_pass,
            },
        }
    }
}

/// Why a member may not vote on an item.
pub fn may_vote(
    member: &str,
    present: &BTreeSet<String>,
    worked: &[(String, Capacity)],
    votes: &BTreeMap<String, Ballot>,
) -> Result<(), Text> {
    if !present.contains(member) {
        return Err(Text::fixed(
            "您未登记出席本次会议，不能表决。",
            "You are not recorded as present: you cannot vote.",
        ));
    }
    if let Some((_, how)) = worked.iter().find(|(who, _)| who == member) {
        return Err(Text::new(
            format!("您参与了该议题（{}），须回避表决。", how.zh()),
            format!("You worked on this item (you {}): you may not vote on it.", how.en()),
        ));
    }
    if votes.contains_key(member) {
        return Err(Text::fixed("您已就该议题表决，每人一票。", "You have voted on this item: one member, one vote."));
    }
    Ok(())
}

/// The members of `present` barred from voting because they worked on the item.
pub fn recused(present: &BTreeSet<String>, worked: &[(String, Capacity)]) -> BTreeSet<String> {
    worked.iter().filter(|(who, _)| present.contains(who)).map(|(who, _)| who.clone()).collect()
}

/// The count of an item's votes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct Tally {
    pub present: u32,
    pub recused: u32,
    /// Present and not recused: whose votes count.
    pub entitled: u32,
    pub for_: u32,
    pub against: u32,
    pub abstain: u32,
    pub not_voted: u32,
}

/// Where an item stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Members entitled to vote have still to vote.
    Open,
    Passed,
    Rejected,
    /// Fewer present than the quorum.
    NoQuorum,
    /// Fewer entitled to vote than the rule's minimum.
    TooFewVoters,
}

impl Outcome {
    /// The item's status once this outcome is final; `None` while it is open.
    pub fn status(self) -> Option<ItemStatus> {
        match self {
            Outcome::Open => None,
            Outcome::Passed => Some(ItemStatus::Passed),
            Outcome::Rejected => Some(ItemStatus::Rejected),
            Outcome::NoQuorum | Outcome::TooFewVoters => Some(ItemStatus::Lapsed),
        }
    }
}

/// An item's tally and outcome under its rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    pub tally: Tally,
    pub outcome: Outcome,
    pub rule: VoteRule,
}

impl Decision {
    /// The outcome in words, with the count: "同意 4 票，出席且有表决权 6 人，须不少于 2/3".
    pub fn text(&self) -> Text {
        let t = &self.tally;
        let (zh, en) = match self.outcome {
            Outcome::Open => ("表决中", "voting"),
            Outcome::Passed => ("通过", "passed"),
            Outcome::Rejected => ("未通过", "not passed"),
            Outcome::NoQuorum => ("出席人数不足法定人数", "no quorum"),
            Outcome::TooFewVoters => ("有表决权人数不足", "too few members entitled to vote"),
        };
        Text::new(
            format!(
                "{zh}：出席 {}（法定 {}），回避 {}，有表决权 {}；同意 {}、反对 {}、弃权 {}、未表决 {}；通过须同意不少于有表决权人数的 {}",
                t.present,
                self.rule.quorum,
                t.recused,
                t.entitled,
                t.for_,
                t.against,
                t.abstain,
                t.not_voted,
                self.rule.pass
            ),
            format!(
                "{en}: {} present (quorum {}), {} recused, {} entitled to vote; {} for, {} against, {} abstaining, {} not voted; passing needs at least {} of those entitled",
                t.present,
                self.rule.quorum,
                t.recused,
                t.entitled,
                t.for_,
                t.against,
                t.abstain,
                t.not_voted,
                self.rule.pass
            ),
        )
    }
}

/// Decides an item from who is present, who is recused and the votes cast. While the meeting
/// sits (`closing == false`) the item stays open until every entitled member has voted; at
/// its close, a member who has not voted counts as not for. Votes of members not entitled
/// are not counted (the store refuses them before).
pub fn decide(
    rule: VoteRule,
    present: &BTreeSet<String>,
    recused: &BTreeSet<String>,
    votes: &BTreeMap<String, Ballot>,
    closing: bool,
) -> Decision {
    let entitled: BTreeSet<&String> = present.iter().filter(|m| !recused.contains(*m)).collect();
    let mut tally = Tally {
        present: count(present.len()),
        recused: count(present.len() - entitled.len()),
        entitled: count(entitled.len()),
        ..Tally::default()
    };
    for m in &entitled {
        match votes.get(*m) {
            Some(Ballot::For) => tally.for_ += 1,
            Some(Ballot::Against { .. }) => tally.against += 1,
            Some(Ballot::Abstain) => tally.abstain += 1,
            None => tally.not_voted += 1,
        }
    }
    debug_assert_eq!(tally.for_ + tally.against + tally.abstain + tally.not_voted, tally.entitled);
    let outcome = if tally.present < rule.quorum {
        Outcome::NoQuorum
    } else if tally.entitled < rule.min_voters.max(1) {
        Outcome::TooFewVoters
    } else if tally.not_voted > 0 && !closing {
        Outcome::Open
    } else if rule.pass.reached_by(tally.for_, tally.entitled) {
        Outcome::Passed
    } else {
        Outcome::Rejected
    };
    Decision { tally, outcome, rule }
}

/// Whether a meeting with these members present may go into session.
pub fn may_sit(p: &RuleParameters, present: usize) -> Result<(), Text> {
    if count(present) < p.committee_quorum {
        return Err(Text::new(
            format!("出席 {present} 人，不足法定人数 {}，会议不能召开。", p.committee_quorum),
            format!("{present} present, short of the quorum of {}: the meeting cannot sit.", p.committee_quorum),
        ));
    }
    Ok(())
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn people(names: &[&str]) -> BTreeSet<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    fn votes(v: &[(&str, Ballot)]) -> BTreeMap<String, Ballot> {
        v.iter().map(|(m, b)| (m.to_string(), b.clone())).collect()
    }

    fn against() -> Ballot {
        Ballot::Against { reason: "底价偏低".into() }
    }

    fn standard() -> VoteRule {
        VoteRule::of(&RuleParameters::default(), ApprovalTier::Standard)
    }

    #[test]
    fn a_quorum_missing_decides_nothing() {
        let present = people(&["a", "b", "c", "d"]);
        let all_for = votes(&[("a", Ballot::For), ("b", Ballot::For), ("c", Ballot::For), ("d", Ballot::For)]);
        let d = decide(standard(), &present, &BTreeSet::new(), &all_for, true);
        assert_eq!(d.outcome, Outcome::NoQuorum, "4 present, quorum 5: unanimous is not enough");
        assert_eq!(d.outcome.status(), Some(ItemStatus::Lapsed));
        assert!(may_sit(&RuleParameters::default(), 4).is_err());
        assert!(may_sit(&RuleParameters::default(), 5).is_ok());
    }

    #[test]
    fn exactly_two_thirds_passes_and_one_vote_short_does_not() {
        let present = people(&["a", "b", "c", "d", "e", "f"]);
        let mut v = votes(&[
            ("a", Ballot::For),
            ("b", Ballot::For),
            ("c", Ballot::For),
            ("d", Ballot::For),
            ("e", against()),
            ("f", Ballot::Abstain),
        ]);
        let d = decide(standard(), &present, &BTreeSet::new(), &v, false);
        assert_eq!((d.outcome, d.tally.for_, d.tally.entitled), (Outcome::Passed, 4, 6), "4 of 6 is exactly 2/3");
        v.insert("d".into(), Ballot::Abstain);
        let d = decide(standard(), &present, &BTreeSet::new(), &v, false);
        assert_eq!(d.outcome, Outcome::Rejected, "3 of 6 is one vote short; an abstention is not a vote for");
    }

    #[test]
    fn a_conflicted_member_is_recused_and_the_mark_is_of_those_entitled() {
        let present = people(&["a", "b", "c", "d", "e"]);
        let worked = vec![("e".to_string(), Capacity::Prepared)];
        let recused = recused(&present, &worked);
        assert!(may_vote("e", &present, &worked, &BTreeMap::new()).is_err(), "the preparer may not vote");
        assert!(may_vote("a", &present, &worked, &BTreeMap::new()).is_ok());
        // 4 entitled: 3 for is 3/4 ≥ 2/3; the recused member still counts for the quorum.
        let v = votes(&[("a", Ballot::For), ("b", Ballot::For), ("c", Ballot::For), ("d", against())]);
        let d = decide(standard(), &present, &recused, &v, false);
        assert_eq!((d.outcome, d.tally.recused, d.tally.entitled), (Outcome::Passed, 1, 4));
        // A vote the conflicted member managed to cast is not counted.
        let mut v2 = votes(&[("a", Ballot::For), ("b", Ballot::For), ("c", against()), ("d", against())]);
        v2.insert("e".into(), Ballot::For);
        let d = decide(standard(), &present, &recused, &v2, false);
        assert_eq!((d.outcome, d.tally.for_), (Outcome::Rejected, 2), "2 of 4 entitled");
    }

    #[test]
    fn too_many_recused_decide_nothing() {
        let present = people(&["a", "b", "c", "d", "e"]);
        let worked: Vec<(String, Capacity)> =
            ["c", "d", "e"].iter().map(|m| (m.to_string(), Capacity::DealTeam)).collect();
        let d = decide(
            standard(),
            &present,
            &recused(&present, &worked),
            &votes(&[("a", Ballot::For), ("b", Ballot::For)]),
            true,
        );
        assert_eq!(d.outcome, Outcome::TooFewVoters, "two entitled members cannot decide (IC1)");
    }

    #[test]
    fn an_item_stays_open_until_everyone_entitled_has_voted_or_the_meeting_closes() {
        let present = people(&["a", "b", "c", "d", "e"]);
        let v = votes(&[("a", Ballot::For), ("b", Ballot::For), ("c", Ballot::For)]);
        assert_eq!(decide(standard(), &present, &BTreeSet::new(), &v, false).outcome, Outcome::Open);
        let closed = decide(standard(), &present, &BTreeSet::new(), &v, true);
        assert_eq!((closed.outcome, closed.tally.not_voted), (Outcome::Rejected, 2), "3 of 5 is short of 2/3");
    }

    #[test]
    fn the_senior_tier_needs_its_own_mark() {
        let senior = VoteRule::of(&RuleParameters::default(), ApprovalTier::Senior);
        let present = people(&["a", "b", "c", "d", "e"]);
        let v = votes(&[
            ("a", Ballot::For),
            ("b", Ballot::For),
            ("c", Ballot::For),
            ("d", Ballot::For),
            ("e", Ballot::Abstain),
        ]);
        assert_eq!(decide(standard(), &present, &BTreeSet::new(), &v, false).outcome, Outcome::Passed);
        assert_eq!(
            decide(senior, &present, &BTreeSet::new(), &v, false).outcome,
            Outcome::Rejected,
            "unanimity by default"
        );
    }

    #[test]
    fn a_vote_against_gives_its_reason_and_members_vote_once() {
        assert!(Ballot::read("against", "  ").is_err());
        assert_eq!(Ballot::read("against", " 底价低 ").unwrap().reason(), "底价低");
        assert!(Ballot::read("maybe", "").is_err());
        let present = people(&["a"]);
        assert!(may_vote("a", &present, &[], &votes(&[("a", Ballot::For)])).is_err());
        assert!(may_vote("z", &present, &[], &BTreeMap::new()).is_err(), "absent");
    }

    #[test]
    fn meetings_and_items_move_forward_only() {
        use MeetingStatus::*;
        assert!(Scheduled.can_become(InSession) && InSession.can_become(Closed) && Scheduled.can_become(Cancelled));
        assert!(!Closed.can_become(InSession) && !InSession.can_become(Cancelled));
        assert_eq!(MeetingStatus::may_become(Closed), vec![InSession]);
        assert!(ItemStatus::Pending.can_become(ItemStatus::Passed));
        assert!(!ItemStatus::Passed.can_become(ItemStatus::Rejected));
        assert_eq!(Closed.refusal(InSession).en, "The meeting is “Closed”: it cannot become “In session”.");
        let t = Term::new(NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(), NaiveDate::from_ymd_opt(2027, 12, 31)).unwrap();
        assert!(t.covers(NaiveDate::from_ymd_opt(2027, 12, 31).unwrap()));
        assert!(!t.covers(NaiveDate::from_ymd_opt(2028, 1, 1).unwrap()));
        assert!(Term::new(NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(), NaiveDate::from_ymd_opt(2024, 1, 1)).is_err());
    }
}
