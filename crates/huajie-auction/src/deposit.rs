//! Deposits (保证金): recorded by the investor, confirmed by finance (only a confirmed deposit
//! unlocks bidding), and at close refunded or applied toward the price; a defaulting winner's
//! deposit is forfeited. Each move is a recorded movement the store writes guarded by
//! `Lifecycle::may_become`.

use huajie_core::{Lifecycle, Money, Text, named_enum};
use serde::{Deserialize, Serialize};

use crate::close::Outcome;
use crate::{InvestorId, Terms};

named_enum! {
    /// A deposit's life: recorded (the investor says it is paid) → confirmed (finance saw it
    /// arrive) → at close refunded (every bidder but the winner; every bidder on no sale) or
    /// applied toward the price (the winner's) → forfeited if the winner defaults (悔拍).
    pub enum DepositStatus {
        Recorded = ("recorded", "已登记（待财务确认）", "Recorded (awaiting finance)"),
        Confirmed = ("confirmed", "已确认到账", "Confirmed"),
        Refunded = ("refunded", "已退还", "Refunded"),
        Applied = ("applied", "已转作价款", "Applied to the price"),
        Forfeited = ("forfeited", "已没收", "Forfeited"),
    }
}

impl Lifecycle for DepositStatus {
    const NOUN: (&'static str, &'static str) = ("保证金", "the deposit");
    fn all() -> &'static [DepositStatus] {
        DepositStatus::ALL
    }
    fn names(self) -> (&'static str, &'static str) {
        (self.zh(), self.en())
    }
    fn code(self) -> &'static str {
        Self::code(self)
    }
    fn can_become(self, next: DepositStatus) -> bool {
        use DepositStatus::*;
        matches!((self, next), (Recorded, Confirmed) | (Confirmed, Refunded | Applied) | (Applied, Forfeited))
    }
}

/// Whether finance may confirm a deposit of `received` for a lot with these terms: at least
/// the deposit the terms ask.
pub fn may_confirm(received: Money, terms: &Terms) -> Result<(), Text> {
    if received >= terms.deposit {
        return Ok(());
    }
    let ((r_zh, r_en), (d_zh, d_en)) = (crate::exact(received), crate::exact(terms.deposit));
    Err(Text::new(
        format!("到账 {r_zh} 少于本标的保证金 {d_zh}，不能确认。"),
        format!("{r_en} received is less than the lot's deposit of {d_en}: it cannot be confirmed."),
    ))
}

/// A deposit of a lot as the store keeps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deposit {
    pub id: i64,
    pub investor: InvestorId,
    pub amount: Money,
    pub status: DepositStatus,
}

/// What the close does to a lot's deposits.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Settlement {
    /// Each confirmed deposit and what it becomes.
    pub moves: Vec<(i64, DepositStatus)>,
    /// Deposits still awaiting finance's confirmation: nothing is done to them at close
    /// (finance confirms and refunds them, or finds no money arrived).
    pub unconfirmed: Vec<i64>,
}

/// What each deposit becomes at close: on a sale the winner's confirmed deposits are applied
/// toward the price and every other confirmed deposit is refunded; on no sale every confirmed
/// deposit is refunded. Deposits already settled are left alone. A sale whose winner has no
/// confirmed deposit is an error (a bid needs one): the store's data is inconsistent.
pub fn at_close(outcome: Outcome, deposits: &[Deposit]) -> Result<Settlement, Text> {
    let winner = outcome.winner();
    let mut out = Settlement::default();
    for d in deposits {
        match d.status {
            DepositStatus::Confirmed if Some(d.investor) == winner => out.moves.push((d.id, DepositStatus::Applied)),
            DepositStatus::Confirmed => out.moves.push((d.id, DepositStatus::Refunded)),
            DepositStatus::Recorded => out.unconfirmed.push(d.id),
            DepositStatus::Refunded | DepositStatus::Applied | DepositStatus::Forfeited => {}
        }
    }
    if winner.is_some() && !out.moves.iter().any(|(_, s)| *s == DepositStatus::Applied) {
        return Err(Text::fixed(
            "买受人没有已确认的保证金，无法结算：请核对保证金记录。",
            "The winner has no confirmed deposit: check the deposit records before closing.",
        ));
    }
    Ok(out)
}

/// What the winner's deposits become when the winner defaults (悔拍): every applied one is
/// forfeited.
pub fn at_default(deposits: &[Deposit]) -> Vec<(i64, DepositStatus)> {
    deposits.iter().filter(|d| d.status == DepositStatus::Applied).map(|d| (d.id, DepositStatus::Forfeited)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::close::NoSale;
    use crate::terms::tests::{auction, yuan};
    use DepositStatus::*;

    fn deposit(id: i64, investor: i64, status: DepositStatus) -> Deposit {
        Deposit { id, investor: InvestorId(investor), amount: yuan(100_000), status }
    }

    #[test]
    fn a_deposit_moves_only_along_its_life() {
        assert!(Recorded.can_become(Confirmed));
        assert!(Confirmed.can_become(Refunded) && Confirmed.can_become(Applied) && Applied.can_become(Forfeited));
        for (from, to) in [(Recorded, Refunded), (Recorded, Applied), (Refunded, Forfeited), (Confirmed, Forfeited)] {
            assert!(!from.can_become(to), "{from:?} → {to:?}");
        }
        assert_eq!(DepositStatus::may_become(Forfeited), vec![Applied]);
        let r = Refunded.refusal(Forfeited);
        assert!(r.zh.contains("保证金") && r.en.contains("The deposit"), "{r}");
    }

    #[test]
    fn finance_confirms_at_least_the_deposit_asked() {
        assert_eq!(may_confirm(yuan(100_000), &auction()), Ok(()));
        let short = may_confirm(Money::from_fen(9_999_999), &auction()).unwrap_err();
        assert!(short.zh.contains("99,999.99 元") && short.zh.contains("100,000.00 元"), "{}", short.zh);
    }

    #[test]
    fn at_close_the_winner_s_deposit_is_applied_and_the_others_refunded() {
        let deposits = [deposit(1, 7, Confirmed), deposit(2, 8, Confirmed), deposit(3, 9, Recorded)];
        let sold = Outcome::Sold { seq: 4, winner: InvestorId(8), price: yuan(1_300_000) };
        let s = at_close(sold, &deposits).unwrap();
        assert_eq!(s.moves, [(1, Refunded), (2, Applied)]);
        assert_eq!(s.unconfirmed, [3]);
        let none = at_close(Outcome::NoSale(NoSale::UnderReserve { best: yuan(1) }), &deposits).unwrap();
        assert_eq!(none.moves, [(1, Refunded), (2, Refunded)], "no sale: every bidder is refunded");
        let orphan = Outcome::Sold { seq: 4, winner: InvestorId(9), price: yuan(1_300_000) };
        assert!(at_close(orphan, &deposits).is_err(), "the winner's deposit was never confirmed");
    }

    #[test]
    fn a_defaulting_winner_forfeits_the_applied_deposit() {
        let deposits = [deposit(1, 7, Refunded), deposit(2, 8, Applied)];
        assert_eq!(at_default(&deposits), [(2, Forfeited)]);
        assert_eq!(at_default(&[deposit(1, 7, Refunded)]), []);
    }
}
