//! `Money`: an amount of renminbi held as integer fen (分), with checked arithmetic
//! and the display forms people use in this trade (元 / 万元 / 亿元).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::lang::Lang;

/// Fen per yuan.
pub const FEN_PER_YUAN: i64 = 100;
/// Fen per 万元 (ten thousand yuan).
pub const FEN_PER_WAN: i64 = 1_000_000;
/// Fen per 亿元 (one hundred million yuan).
pub const FEN_PER_YI: i64 = 10_000_000_000;

/// An amount of renminbi in fen. Never a float: arithmetic is checked and a result that
/// would overflow is an error, not a wrapped number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Money {
    fen: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("金额超出范围 / amount out of range")]
    Overflow,
    #[error("金额格式无法识别：“{0}” / cannot read the amount “{0}”")]
    Parse(String),
}

impl Money {
    pub const ZERO: Money = Money { fen: 0 };

    pub const fn from_fen(fen: i64) -> Money {
        Money { fen }
    }

    /// Whole yuan. Fails on overflow.
    pub fn from_yuan(yuan: i64) -> Result<Money, MoneyError> {
        yuan.checked_mul(FEN_PER_YUAN).map(Money::from_fen).ok_or(MoneyError::Overflow)
    }

    /// Whole 万元. Fails on overflow.
    pub fn from_wan(wan: i64) -> Result<Money, MoneyError> {
        wan.checked_mul(FEN_PER_WAN).map(Money::from_fen).ok_or(MoneyError::Overflow)
    }

    pub const fn fen(self) -> i64 {
        self.fen
    }

    pub const fn is_negative(self) -> bool {
        self.fen < 0
    }

    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        self.fen.checked_add(other.fen).map(Money::from_fen).ok_or(MoneyError::Overflow)
    }

    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        self.fen.checked_sub(other.fen).map(Money::from_fen).ok_or(MoneyError::Overflow)
    }

    /// Sum of many amounts; fails on overflow instead of wrapping.
    pub fn checked_sum<I: IntoIterator<Item = Money>>(items: I) -> Result<Money, MoneyError> {
        items.into_iter().try_fold(Money::ZERO, Money::checked_add)
    }

    /// `1,234,567.89` — yuan with thousands separators and two decimals.
    pub fn yuan_string(self) -> String {
        let sign = if self.fen < 0 { "-" } else { "" };
        let abs = self.fen.unsigned_abs();
        let yuan = abs / FEN_PER_YUAN as u64;
        let fen = abs % FEN_PER_YUAN as u64;
        format!("{sign}{}.{fen:02}", group_thousands(yuan))
    }

    /// The form a reader expects: under 1万 in 元, under 1亿 in 万元, above in 亿元,
    /// rounded half away from zero to two decimals of the unit.
    /// Chinese: `1,234.57 万元`; English: `CNY 12.35 m` (万元 become millions there).
    pub fn display(self, lang: Lang) -> String {
        let abs = self.fen.unsigned_abs();
        match lang {
            Lang::Zh => {
                if abs >= FEN_PER_YI as u64 {
                    format!("{} 亿元", scaled(self.fen, FEN_PER_YI))
                } else if abs >= FEN_PER_WAN as u64 {
                    format!("{} 万元", scaled(self.fen, FEN_PER_WAN))
                } else {
                    format!("{} 元", self.yuan_string())
                }
            }
            Lang::En => {
                const FEN_PER_MILLION: i64 = 100_000_000;
                const FEN_PER_BILLION: i64 = 100_000_000_000;
                if abs >= FEN_PER_BILLION as u64 {
                    format!("CNY {} bn", scaled(self.fen, FEN_PER_BILLION))
                } else if abs >= FEN_PER_MILLION as u64 {
                    format!("CNY {} m", scaled(self.fen, FEN_PER_MILLION))
                } else {
                    format!("CNY {}", self.yuan_string())
                }
            }
        }
    }

    /// Amount in 万元 as a float, for charts only (never for storage or sums).
    pub fn wan_f64(self) -> f64 {
        self.fen as f64 / FEN_PER_WAN as f64
    }
}

/// `fen / unit` to two decimals, half away from zero, with thousands separators.
fn scaled(fen: i64, unit_fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let abs = fen.unsigned_abs() as u128;
    let unit = unit_fen as u128;
    let hundredths = (abs * 100 + unit / 2) / unit;
    format!("{sign}{}.{:02}", group_thousands((hundredths / 100) as u64), hundredths % 100)
}

fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display(Lang::Zh))
    }
}

impl FromStr for Money {
    type Err = MoneyError;

    /// Reads plain yuan: `1234`, `1,234.5`, `-12.34`. At most two decimals; no units
    /// (the tape importer reads 万, full-width digits and the like).
    fn from_str(s: &str) -> Result<Money, MoneyError> {
        let err = || MoneyError::Parse(s.to_string());
        let t: String = s.trim().chars().filter(|c| *c != ',').collect();
        let (neg, body) = match t.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, t.as_str()),
        };
        let (int_part, frac_part) = body.split_once('.').unwrap_or((body, ""));
        if int_part.is_empty()
            || !int_part.bytes().all(|b| b.is_ascii_digit())
            || frac_part.len() > 2
            || !frac_part.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(err());
        }
        let yuan: i64 = int_part.parse().map_err(|_| MoneyError::Overflow)?;
        let frac: i64 = format!("{frac_part:0<2}").parse().map_err(|_| err())?;
        let fen = yuan.checked_mul(FEN_PER_YUAN).and_then(|f| f.checked_add(frac)).ok_or(MoneyError::Overflow)?;
        Ok(Money::from_fen(if neg { -fen } else { fen }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn displays_in_the_unit_people_expect() {
        let check = |fen: i64, zh: &str, en: &str| {
            let m = Money::from_fen(fen);
            assert_eq!(m.display(Lang::Zh), zh, "zh for {fen}");
            assert_eq!(m.display(Lang::En), en, "en for {fen}");
        };
        check(0, "0.00 元", "CNY 0.00");
        check(123_456, "1,234.56 元", "CNY 1,234.56");
        check(999_999, "9,999.99 元", "CNY 9,999.99");
        check(1_000_000, "1.00 万元", "CNY 10,000.00");
        check(12_345_678_900, "1.23 亿元", "CNY 123.46 m");
        check(1_234_565_000, "1,234.57 万元", "CNY 12.35 m");
        check(-1_234_565_000, "-1,234.57 万元", "CNY -12.35 m");
        check(5_000_000_000_000, "500.00 亿元", "CNY 50.00 bn");
    }

    #[test]
    fn parses_plain_yuan() {
        assert_eq!("1,234.5".parse::<Money>(), Ok(Money::from_fen(123_450)));
        assert_eq!("-0.07".parse::<Money>(), Ok(Money::from_fen(-7)));
        assert!("1.234".parse::<Money>().is_err());
        assert!("abc".parse::<Money>().is_err());
        assert!("".parse::<Money>().is_err());
        assert_eq!("99999999999999999999".parse::<Money>(), Err(MoneyError::Overflow));
    }

    #[test]
    fn overflow_is_an_error_not_a_wrap() {
        let max = Money::from_fen(i64::MAX);
        assert_eq!(max.checked_add(Money::from_fen(1)), Err(MoneyError::Overflow));
        assert_eq!(Money::from_fen(i64::MIN).checked_sub(Money::from_fen(1)), Err(MoneyError::Overflow));
        assert_eq!(Money::from_wan(i64::MAX / 10), Err(MoneyError::Overflow));
    }

    proptest! {
        #[test]
        fn yuan_string_round_trips(fen in -1_000_000_000_000_000i64..1_000_000_000_000_000) {
            let m = Money::from_fen(fen);
            prop_assert_eq!(m.yuan_string().parse::<Money>(), Ok(m));
        }

        #[test]
        fn sums_never_lose_a_fen(parts in proptest::collection::vec(-1_000_000_000_000i64..1_000_000_000_000, 0..50)) {
            let total = Money::checked_sum(parts.iter().copied().map(Money::from_fen)).unwrap();
            prop_assert_eq!(total.fen() as i128, parts.iter().map(|p| *p as i128).sum::<i128>());
        }
    }
}
