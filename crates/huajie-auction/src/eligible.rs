//! Who may bid, as the caller found it, and the refusal of a bid: one reason, told to two
//! audiences. Staff are told why; the investor is told why too, except when screening refused
//! them (rules.md TX1–TX8): then they read only that the bid cannot be accepted, with a code
//! that says no more, so that the screening's findings (who controls whom, who is related to
//! staff) never reach the person screened.

use huajie_core::{Text, named_enum};

/// What the screening against the party graph found for this bidder and this lot, at this
/// bid (the caller runs it: `huajie_rules` screening over the store's graph).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Screening {
    Clear,
    /// Refused, and why (for staff only).
    Refused(Text),
}

/// What the caller knows of the bidder, read in the bid's own transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Eligibility {
    /// Qualified (合格竞买人) by staff, and not since suspended.
    pub qualified: bool,
    /// A deposit for this lot confirmed by finance (`deposit::DepositStatus::Confirmed`).
    pub deposit_confirmed: bool,
    pub screening: Screening,
}

impl Eligibility {
    /// A qualified bidder with a confirmed deposit whom screening cleared (tests only: the
    /// store builds an `Eligibility` from what it read).
    #[cfg(test)]
    pub(crate) fn clear() -> Eligibility {
        Eligibility { qualified: true, deposit_confirmed: true, screening: Screening::Clear }
    }

    /// Why this bidder may not bid, if they may not: qualification first, then the deposit,
    /// then screening.
    pub(crate) fn refusal(&self) -> Option<Refusal> {
        self.standing_refusal().or_else(|| self.screening_refusal())
    }

    /// Why this bidder may not bid yet, on what the bidder can change: qualification, then the deposit.
    pub(crate) fn standing_refusal(&self) -> Option<Refusal> {
        if !self.qualified {
            return Some(Refusal::new(
                RefusalKind::NotQualified,
                Text::fixed(
                    "您尚未通过竞买资格审核，暂不能出价。",
                    "You are not yet qualified to bid: your registration awaits qualification.",
                ),
            ));
        }
        if !self.deposit_confirmed {
            return Some(Refusal::new(
                RefusalKind::NoDeposit,
                Text::fixed(
                    "本标的的保证金尚未经财务确认到账，暂不能出价。",
                    "Your deposit for this lot has not been confirmed by finance: you cannot bid yet.",
                ),
            ));
        }
        None
    }

    /// Screening's refusal, if it refused the bidder.
    pub(crate) fn screening_refusal(&self) -> Option<Refusal> {
        match &self.screening {
            Screening::Clear => None,
            Screening::Refused(why) => Some(Refusal::new(RefusalKind::Screened, why.clone())),
        }
    }
}

named_enum! {
    /// Why a bid was refused (the code staff and the logs read).
    pub enum RefusalKind {
        NotStarted = ("not_started", "竞价尚未开始", "Bidding has not started"),
        Ended = ("ended", "竞价已结束", "Bidding has ended"),
        NotQualified = ("not_qualified", "未通过资格审核", "Not qualified"),
        NoDeposit = ("no_deposit", "保证金未确认", "No confirmed deposit"),
        Screened = ("screened", "筛查未通过", "Refused by screening"),
        AlreadyLeading = ("already_leading", "当前已领先", "Already leading"),
        BelowStart = ("below_start", "低于起拍价", "Below the start price"),
        TooLow = ("too_low", "未达最低加价", "Short of the increment"),
    }
}

/// Who reads a refusal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// The bidder, on the portal or through the API.
    Investor,
    /// Staff (the lot's page, the audit, the logs).
    Staff,
}

/// What the investor reads when screening refused them, and its code.
pub const NEUTRAL: Text = Text::fixed("该出价无法受理。", "The bid cannot be accepted.");
pub const NEUTRAL_CODE: &str = "not_accepted";

/// A refused bid: its reason, told to each audience by `told`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    kind: RefusalKind,
    reason: Text,
}

impl Refusal {
    pub(crate) fn new(kind: RefusalKind, reason: Text) -> Refusal {
        Refusal { kind, reason }
    }

    /// The code and the text `to` reads. Staff read the real reason; the investor reads it
    /// too unless screening refused them, when they read `NEUTRAL` and `NEUTRAL_CODE` only.
    pub fn told(&self, to: Audience) -> (&'static str, Text) {
        match (to, self.kind) {
            (Audience::Investor, RefusalKind::Screened) => (NEUTRAL_CODE, NEUTRAL),
            _ => (self.kind.code(), self.reason.clone()),
        }
    }

    /// Why, for staff (the same as `told(Audience::Staff)`'s kind).
    pub fn staff_kind(&self) -> RefusalKind {
        self.kind
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn screened() -> Eligibility {
        let why = Text::fixed("竞买人受债务人控制（TX2）", "The bidder is controlled by the debtor (TX2)");
        Eligibility { screening: Screening::Refused(why), ..Eligibility::clear() }
    }

    #[test]
    fn a_screened_bidder_is_told_nothing_and_staff_are_told_why() {
        let r = screened().refusal().unwrap();
        let (code, text) = r.told(Audience::Investor);
        assert_eq!(
            (code, text.zh.as_ref(), text.en.as_ref()),
            ("not_accepted", "该出价无法受理。", "The bid cannot be accepted.")
        );
        let (code, text) = r.told(Audience::Staff);
        assert_eq!(code, "screened");
        assert!(text.zh.contains("债务人控制") && text.en.contains("controlled by the debtor"));
        assert_eq!(r.staff_kind(), RefusalKind::Screened);
    }

    #[test]
    fn an_unqualified_or_undeposited_bidder_is_told_what_to_do() {
        assert_eq!(Eligibility::clear().refusal(), None);
        let r = Eligibility { qualified: false, ..screened() }.refusal().unwrap();
        assert_eq!(r.told(Audience::Investor).0, "not_qualified", "qualification is asked first");
        let r = Eligibility { deposit_confirmed: false, ..screened() }.refusal().unwrap();
        let (code, text) = r.told(Audience::Investor);
        assert_eq!(code, "no_deposit");
        assert!(text.zh.contains("保证金"));
        assert_eq!(r.told(Audience::Staff).0, "no_deposit");
    }
}
