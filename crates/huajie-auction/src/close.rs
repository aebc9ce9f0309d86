//! The close of a lot, either mode: sold to the winning bid at its amount if it reaches the
//! reserve, otherwise no sale (流拍); and the lot's life around it.

use huajie_core::{Lifecycle, Money, named_enum};
use serde::{Deserialize, Serialize};

use crate::{InvestorId, Terms};

/// Why a lot did not sell (流拍).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "why", rename_all = "snake_case")]
pub enum NoSale {
    /// Nobody bid.
    NoBids,
    /// The best bid was under the reserve.
    UnderReserve { best: Money },
}

/// How a lot closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// Sold to `winner` at `price`, their bid number `seq`.
    Sold {
        seq: i64,
        winner: InvestorId,
        price: Money,
    },
    NoSale(NoSale),
}

impl Outcome {
    /// The lot's status once this outcome is recorded.
    pub fn status(self) -> LotStatus {
        match self {
            Outcome::Sold { .. } => LotStatus::Sold,
            Outcome::NoSale(_) => LotStatus::Unsold,
        }
    }

    pub fn winner(self) -> Option<InvestorId> {
        match self {
            Outcome::Sold { winner, .. } => Some(winner),
            Outcome::NoSale(_) => None,
        }
    }
}

/// The outcome of the winning bid `(seq, bidder, amount)`, if any, under `terms`: sold at the
/// bid if it is at or above the reserve (a bid exactly at the reserve sells).
pub(crate) fn outcome(terms: &Terms, winning: Option<(i64, InvestorId, Money)>) -> Outcome {
    match winning {
        None => Outcome::NoSale(NoSale::NoBids),
        Some((_, _, amount)) if amount < terms.floor() => Outcome::NoSale(NoSale::UnderReserve { best: amount }),
        Some((seq, winner, price)) => Outcome::Sold { seq, winner, price },
    }
}

named_enum! {
    /// A lot's life: open (before and during bidding: the clock and the terms say which)
    /// until it closes sold or unsold (流拍); a sale whose winner does not pay (悔拍) is
    /// defaulted, and the winner's deposit forfeited.
    pub enum LotStatus {
        Open = ("open", "竞价中", "Open"),
        Sold = ("sold", "已成交", "Sold"),
        Unsold = ("unsold", "流拍", "No sale"),
        Defaulted = ("defaulted", "买受人悔拍", "Buyer defaulted"),
    }
}

impl Lifecycle for LotStatus {
    const NOUN: (&'static str, &'static str) = ("拍卖标的", "the lot");
    fn all() -> &'static [LotStatus] {
        LotStatus::ALL
    }
    fn names(self) -> (&'static str, &'static str) {
        (self.zh(), self.en())
    }
    fn code(self) -> &'static str {
        Self::code(self)
    }
    fn can_become(self, next: LotStatus) -> bool {
        use LotStatus::*;
        matches!((self, next), (Open, Sold | Unsold) | (Sold, Defaulted))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::terms::tests::{auction, yuan};

    #[test]
    fn the_reserve_decides_between_a_sale_and_none() {
        let t = auction();
        let at_reserve = outcome(&t, Some((7, InvestorId(3), yuan(1_200_000))));
        assert_eq!(at_reserve, Outcome::Sold { seq: 7, winner: InvestorId(3), price: yuan(1_200_000) });
        let under = outcome(&t, Some((7, InvestorId(3), Money::from_fen(119_999_999))));
        assert_eq!(under, Outcome::NoSale(NoSale::UnderReserve { best: Money::from_fen(119_999_999) }));
        assert_eq!(outcome(&t, None), Outcome::NoSale(NoSale::NoBids));
        let no_reserve = Terms { reserve: None, ..t };
        assert_eq!(outcome(&no_reserve, Some((1, InvestorId(3), yuan(1_000_000)))).status(), LotStatus::Sold);
        assert_eq!(under.status(), LotStatus::Unsold);
        assert_eq!(under.winner(), None);
    }

    #[test]
    fn a_lot_closes_once_and_only_a_sale_defaults() {
        use LotStatus::*;
        assert!(Open.can_become(Sold) && Open.can_become(Unsold) && Sold.can_become(Defaulted));
        assert!(!Sold.can_become(Unsold) && !Unsold.can_become(Sold) && !Unsold.can_become(Defaulted));
        assert_eq!(LotStatus::may_become(Sold), vec![Open], "a second close finds no open lot");
        assert!(Unsold.refusal(Sold).zh.contains("流拍"));
    }
}
