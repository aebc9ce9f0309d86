//! The stages of a claim's case — litigation, enforcement, bankruptcy — and the order they may
//! follow each other in, as a pure function the store asks before it records one.
//!
//! A case starts with 立案 (a suit filed), 执行立案 (enforcement of a judgment or another
//! enforceable title the claim was bought with) or 破产申报 (the claim lodged in the debtor's
//! bankruptcy). Litigation runs 立案 → 开庭 (one or more hearings, an appeal's too) → 判决 →
//! 生效; enforcement 执行立案 → 查封 → 评估 → 一拍 → 二拍 → 变卖, with 以物抵债 (the court's
//! transfer of the asset in payment) after any round, 终本 (终结本次执行: enforcement ended for
//! now, no property found) at any point of it and 恢复执行 after it. The debtor's bankruptcy
//! stops all of it: 破产申报 may follow any stage, then 破产分配 (one or more distributions).
//!
//! Dates never go backwards: a stage is dated on or after the one before it. A stage is a fact,
//! dated today or earlier, except an auction round (一拍, 二拍, 变卖), which is recorded when the
//! court announces it, dated on the auction day (the deadline the case page counts down to).

use chrono::NaiveDate;
use huajie_core::{Text, named_enum};

named_enum! {
    /// A stage of a case, in the order of the law's procedure.
    pub enum Stage {
        Filed = ("filed", "立案", "Suit filed"),
        Hearing = ("hearing", "开庭", "Hearing"),
        Judgment = ("judgment", "判决", "Judgment"),
        Effective = ("effective", "生效", "Judgment effective"),
        EnforcementFiled = ("enforcement_filed", "执行立案", "Enforcement filed"),
        Seizure = ("seizure", "查封", "Seizure"),
        Appraisal = ("appraisal", "评估", "Appraisal"),
        FirstAuction = ("auction_1", "拍卖（一拍）", "Auction (first round)"),
        SecondAuction = ("auction_2", "拍卖（二拍）", "Auction (second round)"),
        SaleOff = ("sale_off", "变卖", "Sale by the court (变卖)"),
        InKind = ("in_kind", "以物抵债", "Asset taken in payment"),
        Terminated = ("terminated", "终本（终结本次执行）", "Enforcement ended for now (终本)"),
        Resumed = ("resumed", "恢复执行", "Enforcement resumed"),
        BankruptcyClaim = ("bankruptcy_claim", "破产申报", "Claim lodged in bankruptcy"),
        BankruptcyDistribution = ("bankruptcy_distribution", "破产分配", "Bankruptcy distribution"),
    }
}

named_enum! {
    /// The procedure a stage belongs to.
    pub enum Phase {
        Litigation = ("litigation", "诉讼", "Litigation"),
        Enforcement = ("enforcement", "执行", "Enforcement"),
        Bankruptcy = ("bankruptcy", "破产", "Bankruptcy"),
    }
}

/// A stage recorded on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct StageEvent {
    pub stage: Stage,
    pub on: NaiveDate,
}

impl Stage {
    pub fn phase(self) -> Phase {
        use Stage::*;
        match self {
            Filed | Hearing | Judgment | Effective => Phase::Litigation,
            BankruptcyClaim | BankruptcyDistribution => Phase::Bankruptcy,
            _ => Phase::Enforcement,
        }
    }

    /// 一拍, 二拍 and 变卖: the rounds of a judicial sale, which may be dated ahead (the auction day).
    pub fn is_auction_round(self) -> bool {
        matches!(self, Stage::FirstAuction | Stage::SecondAuction | Stage::SaleOff)
    }

    /// The stages a case may begin with.
    pub const FIRST: &'static [Stage] = &[Stage::Filed, Stage::EnforcementFiled, Stage::BankruptcyClaim];

    /// The stages that may follow `self` (the debtor's bankruptcy may follow any stage outside it).
    pub fn successors(self) -> Vec<Stage> {
        use Stage::*;
        let mut next: Vec<Stage> = match self {
            Filed => vec![Hearing, Judgment],
            Hearing => vec![Hearing, Judgment],
            // An appeal is heard again (二审开庭).
            Judgment => vec![Effective, Hearing],
            Effective => vec![EnforcementFiled],
            EnforcementFiled => vec![Seizure, Appraisal, Terminated],
            Seizure => vec![Seizure, Appraisal, Terminated],
            Appraisal => vec![FirstAuction, InKind, Terminated],
            FirstAuction => vec![SecondAuction, InKind, Terminated],
            SecondAuction => vec![SaleOff, InKind, Terminated],
            SaleOff => vec![InKind, Terminated],
            InKind => vec![Seizure, Terminated],
            Terminated => vec![Resumed],
            Resumed => vec![Seizure, Appraisal, FirstAuction, Terminated],
            BankruptcyClaim | BankruptcyDistribution => vec![BankruptcyDistribution],
        };
        if self.phase() != Phase::Bankruptcy {
            next.push(BankruptcyClaim);
        }
        next
    }

    /// Whether `next` may be recorded after `previous` (`None`: the case's first stage).
    pub fn may_follow(previous: Option<Stage>, next: Stage) -> bool {
        match previous {
            None => Stage::FIRST.contains(&next),
            Some(p) => p.successors().contains(&next),
        }
    }
}

fn names(stages: &[Stage]) -> (String, String) {
    let zh: Vec<&str> = stages.iter().map(|s| s.zh()).collect();
    let en: Vec<&str> = stages.iter().map(|s| s.en()).collect();
    (zh.join("、"), en.join(", "))
}

/// Why `next`, dated `on`, cannot be recorded after the case's `history` (its stages in the
/// order recorded) when today is `today`; `Ok` when it may.
pub fn check_next(history: &[StageEvent], next: Stage, on: NaiveDate, today: NaiveDate) -> Result<(), Text> {
    let last = history.last();
    if !Stage::may_follow(last.map(|e| e.stage), next) {
        return Err(match last {
            None => {
                let (zh, en) = names(Stage::FIRST);
                Text::new(
                    format!("案件尚无阶段记录，第一个阶段须为：{zh}；不能是“{}”。", next.zh()),
                    format!("The case has no stage yet: its first must be one of {en}, not “{}”.", next.en()),
                )
            }
            Some(e) => {
                let (zh, en) = names(&e.stage.successors());
                Text::new(
                    format!("案件当前阶段为“{}”，其后不能记录“{}”；可记录：{zh}。", e.stage.zh(), next.zh()),
                    format!("The case is at “{}”: “{}” cannot follow it; next may be: {en}.", e.stage.en(), next.en()),
                )
            }
        });
    }
    if let Some(e) = last.filter(|e| on < e.on) {
        return Err(Text::new(
            format!("日期 {on} 早于上一阶段“{}”的日期 {}：阶段日期不能倒退。", e.stage.zh(), e.on),
            format!(
                "{on} is before {}, the date of the previous stage “{}”: stage dates never go backwards.",
                e.on,
                e.stage.en()
            ),
        ));
    }
    if on > today && !next.is_auction_round() {
        return Err(Text::new(
            format!("日期 {on} 晚于今天（{today}）：只有拍卖轮次（一拍、二拍、变卖）可按公告的拍卖日预先记录。"),
            format!(
                "{on} is after today ({today}): only an auction round (first, second, sale off) may be recorded ahead, on its announced day."
            ),
        ));
    }
    Ok(())
}

/// The stage a case is at: its last recorded.
pub fn current(history: &[StageEvent]) -> Option<Stage> {
    history.last().map(|e| e.stage)
}

#[cfg(test)]
#[path = "stage_tests.rs"]
mod tests;
