//! A lot's auction terms (拍卖条件) and their validation, each problem named by the form field
//! it belongs beside.

use chrono::{DateTime, Duration, Utc};
use huajie_core::{Money, Text, named_enum};
use serde::{Deserialize, Serialize};

named_enum! {
    /// How a lot is sold on the portal: a live ascending auction (网络拍卖, bids seen by all,
    /// each beating the last) or a sealed-bid tender (招标, bids hidden until two staff open
    /// them after the end).
    pub enum AuctionMode {
        Ascending = ("ascending", "网络拍卖（增价竞价）", "Live ascending auction"),
        Sealed = ("sealed", "招标（密封报价）", "Sealed-bid tender"),
    }
}

/// The most minutes an anti-sniping extension may be (the parameter's own range).
pub const EXTENSION_MINUTES_MAX: u32 = 60;

/// A lot's terms as the store keeps them. `problems` says what is wrong with them; the rules
/// of `ascending` and `sealed` assume terms without problems.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Terms {
    pub mode: AuctionMode,
    /// 起拍价: the first bid of an auction, the lowest tender accepted.
    pub start_price: Money,
    /// 加价幅度: each bid of an auction beats the best by at least this (not used by a tender).
    pub increment: Money,
    /// 保留价: no sale below it; none means the start price is the floor.
    pub reserve: Option<Money>,
    /// 保证金: what each bidder deposits before bidding (zero: none asked).
    pub deposit: Money,
    pub starts_at: DateTime<Utc>,
    /// The scheduled end; an auction's may be extended (`ascending::Lot::ends_at`).
    pub ends_at: DateTime<Utc>,
    /// The anti-sniping period N (延时周期), copied from
    /// `huajie_rules::RuleParameters::auction_extension_minutes` when the terms are set: a bid
    /// in an auction's last N minutes moves its end to N minutes after the bid. Not used by a
    /// tender (its bids are hidden, so there is nothing to snipe).
    pub extension_minutes: u32,
}

impl Terms {
    /// Every problem of the terms, each with the key of its form field (`start_price`,
    /// `increment`, `reserve`, `deposit`, `ends_at`, `extension_minutes`). Empty: the terms
    /// may be used.
    pub fn problems(&self) -> Vec<(&'static str, Text)> {
        let mut out = Vec::new();
        if self.start_price <= Money::ZERO {
            out.push(("start_price", Text::fixed("起拍价须大于零。", "The start price must be above zero.")));
        }
        if self.mode == AuctionMode::Ascending && self.increment <= Money::ZERO {
            out.push((
                "increment",
                Text::fixed("网络拍卖的加价幅度须大于零。", "An auction's increment must be above zero."),
            ));
        }
        if self.mode == AuctionMode::Sealed && self.increment.is_negative() {
            out.push(("increment", Text::fixed("加价幅度不能为负数。", "The increment cannot be negative.")));
        }
        if let Some(r) = self.reserve.filter(|r| *r < self.start_price) {
            let ((r_zh, r_en), (s_zh, s_en)) = (crate::exact(r), crate::exact(self.start_price));
            out.push((
                "reserve",
                Text::new(
                    format!("保留价 {r_zh} 低于起拍价 {s_zh}：保留价须不低于起拍价，或不设保留价。"),
                    format!("The reserve {r_en} is below the start price {s_en}: set it at or above, or set none."),
                ),
            ));
        }
        if self.deposit.is_negative() {
            out.push(("deposit", Text::fixed("保证金不能为负数。", "The deposit cannot be negative.")));
        }
        if self.ends_at <= self.starts_at {
            out.push(("ends_at", Text::fixed("结束时间须晚于开始时间。", "The end must be after the start.")));
        }
        if self.mode == AuctionMode::Ascending && !(1..=EXTENSION_MINUTES_MAX).contains(&self.extension_minutes) {
            out.push((
                "extension_minutes",
                Text::new(
                    format!("延时周期须为 1 至 {EXTENSION_MINUTES_MAX} 分钟。"),
                    format!("The extension must be 1 to {EXTENSION_MINUTES_MAX} minutes."),
                ),
            ));
        }
        out
    }

    /// What is wrong with the terms against what was decided and announced, each with its
    /// field: a floor (the reserve, or the start price when there is none) below the reserve
    /// the committee approved (a lower one needs a new decision, rules.md A11 IC8), and bidding
    /// opening before the announcement period has run (A10.2, Q11: `bidding_opens_at`, the
    /// first moment bidding may open).
    pub fn against_decision(
        &self,
        approved_reserve: Option<Money>,
        bidding_opens_at: DateTime<Utc>,
    ) -> Vec<(&'static str, Text)> {
        let mut out = Vec::new();
        if let Some(approved) = approved_reserve.filter(|a| self.floor() < *a) {
            let ((f_zh, f_en), (a_zh, a_en)) = (crate::exact(self.floor()), crate::exact(approved));
            out.push((
                if self.reserve.is_some() { "reserve" } else { "start_price" },
                Text::new(
                    format!("成交底价 {f_zh} 低于决策委员会批准的保留价 {a_zh}：须另行决策。"),
                    format!("The floor {f_en} is below the reserve the committee approved, {a_en}: that needs a new decision."),
                ),
            ));
        }
        if self.starts_at < bidding_opens_at {
            let (zh, en) = crate::moment(bidding_opens_at);
            out.push((
                "starts_at",
                Text::new(
                    format!("公告期届满前不得开始竞价：最早 {zh}。"),
                    format!("Bidding may not open before the announcement period has run: {en} at the earliest."),
                ),
            ));
        }
        out
    }

    /// The anti-sniping period as a duration.
    pub fn extension(&self) -> Duration {
        Duration::minutes(i64::from(self.extension_minutes))
    }

    /// The floor of a sale: the reserve, or the start price when there is none.
    pub fn floor(&self) -> Money {
        self.reserve.unwrap_or(self.start_price)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use chrono::TimeZone;

    pub fn yuan(y: i64) -> Money {
        Money::from_fen(y * 100)
    }

    /// 2026-12-07 10:00 Beijing time, plus `minutes`.
    pub fn at(minutes: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 7, 2, 0, 0).unwrap() + Duration::minutes(minutes)
    }

    /// An auction from 10:00 to 12:00 Beijing time: start 1,000,000 元, increment 10,000 元,
    /// reserve 1,200,000 元, deposit 100,000 元, five minutes' extension.
    pub fn auction() -> Terms {
        Terms {
            mode: AuctionMode::Ascending,
            start_price: yuan(1_000_000),
            increment: yuan(10_000),
            reserve: Some(yuan(1_200_000)),
            deposit: yuan(100_000),
            starts_at: at(0),
            ends_at: at(120),
            extension_minutes: 5,
        }
    }

    fn fields(t: &Terms) -> Vec<&'static str> {
        t.problems().into_iter().map(|(f, _)| f).collect()
    }

    #[test]
    fn good_terms_have_no_problems() {
        assert_eq!(fields(&auction()), Vec::<&str>::new());
        assert!(fields(&Terms { reserve: None, deposit: Money::ZERO, ..auction() }).is_empty());
        let at_start = Terms { reserve: Some(yuan(1_000_000)), ..auction() };
        assert!(fields(&at_start).is_empty(), "a reserve equal to the start price is allowed");
        let tender = Terms { mode: AuctionMode::Sealed, increment: Money::ZERO, extension_minutes: 0, ..auction() };
        assert!(fields(&tender).is_empty(), "a tender uses neither the increment nor the extension");
    }

    #[test]
    fn each_problem_names_its_field() {
        let t = Terms { increment: Money::ZERO, ..auction() };
        assert_eq!(fields(&t), ["increment"]);
        let t = Terms { increment: Money::from_fen(-1), mode: AuctionMode::Sealed, ..auction() };
        assert_eq!(fields(&t), ["increment"]);
        assert_eq!(fields(&Terms { start_price: Money::ZERO, reserve: None, ..auction() }), ["start_price"]);
        assert_eq!(fields(&Terms { deposit: Money::from_fen(-1), ..auction() }), ["deposit"]);
        assert_eq!(fields(&Terms { ends_at: at(0), ..auction() }), ["ends_at"], "an end equal to the start");
        assert_eq!(fields(&Terms { ends_at: at(-1), ..auction() }), ["ends_at"]);
        assert_eq!(fields(&Terms { extension_minutes: 0, ..auction() }), ["extension_minutes"]);
        assert_eq!(fields(&Terms { extension_minutes: 61, ..auction() }), ["extension_minutes"]);
        assert!(fields(&Terms { extension_minutes: 60, ..auction() }).is_empty());
    }

    #[test]
    fn a_reserve_below_the_start_price_is_refused_saying_both() {
        let t = Terms { reserve: Some(Money::from_fen(99_999_999)), ..auction() };
        let problems = t.problems();
        assert_eq!(problems.len(), 1);
        let (field, text) = &problems[0];
        assert_eq!(*field, "reserve");
        assert!(text.zh.contains("999,999.99 元") && text.zh.contains("1,000,000.00 元"), "{}", text.zh);
        assert!(text.en.contains("CNY 999,999.99"), "{}", text.en);
    }

    #[test]
    fn terms_keep_to_the_approved_reserve_and_open_after_the_announcement_period() {
        let t = auction();
        assert!(t.against_decision(Some(yuan(1_200_000)), at(0)).is_empty(), "at the approved reserve, on time");
        let low = t.against_decision(Some(yuan(1_200_001)), at(0));
        assert_eq!(low.iter().map(|(f, _)| *f).collect::<Vec<_>>(), ["reserve"]);
        assert!(low[0].1.zh.contains("1,200,001.00 元"), "{}", low[0].1.zh);
        let no_reserve = Terms { reserve: None, ..auction() }.against_decision(Some(yuan(1_000_001)), at(0));
        assert_eq!(no_reserve.iter().map(|(f, _)| *f).collect::<Vec<_>>(), ["start_price"]);
        let early = t.against_decision(None, at(1));
        assert_eq!(early.iter().map(|(f, _)| *f).collect::<Vec<_>>(), ["starts_at"]);
    }

    #[test]
    fn the_floor_is_the_reserve_or_the_start_price() {
        assert_eq!(auction().floor(), yuan(1_200_000));
        assert_eq!(Terms { reserve: None, ..auction() }.floor(), yuan(1_000_000));
        assert_eq!(auction().extension(), Duration::minutes(5));
    }
}
