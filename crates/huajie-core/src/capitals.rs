//! An amount in Chinese capital numerals (大写金额), as contracts and cheques write it:
//! 壹贰叁… with 拾佰仟万亿, one 零 for each run of zeros inside the number, 元 then 角 and 分,
//! and 整 when nothing follows (a whole yuan, or yuan and 角 without 分).

use crate::money::Money;

const DIGITS: [char; 10] = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];

struct Words {
    out: String,
    started: bool,
    zero: bool,
}

impl Words {
    fn digit(&mut self, d: u64) {
        self.out.push(DIGITS[d as usize]);
    }

    /// A group of four digits (under 10,000): a zero after something written is one 零,
    /// written only before the next digit that is not zero.
    fn group(&mut self, n: u64) {
        for (place, unit) in [(1000, Some('仟')), (100, Some('佰')), (10, Some('拾')), (1, None)] {
            let d = n / place % 10;
            if d == 0 {
                self.zero |= self.started;
                continue;
            }
            if std::mem::take(&mut self.zero) {
                self.out.push('零');
            }
            self.digit(d);
            self.out.extend(unit);
            self.started = true;
        }
    }

    /// A number under 100,000,000: its 万 group, then the rest.
    fn below_yi(&mut self, n: u64) {
        let (wan, rest) = (n / 10_000, n % 10_000);
        self.group(wan);
        if wan > 0 {
            self.out.push('万');
            self.zero = false;
        }
        self.group(rest);
    }
}

impl Money {
    /// The amount in capitals: `壹佰贰拾万元整`, `叁仟零伍元零陆分`, `零元整`; a negative
    /// amount begins with 负. Without the currency's name (the caller writes 人民币).
    pub fn in_capitals(self) -> String {
        let abs = self.fen().unsigned_abs();
        let (yuan, jiao, fen) = (abs / 100, abs / 10 % 10, abs % 10);
        let mut w = Words { out: String::new(), started: false, zero: false };
        if self.is_negative() {
            w.out.push('负');
        }
        let (yi, rest) = (yuan / 100_000_000, yuan % 100_000_000);
        if yi > 0 {
            w.below_yi(yi);
            w.out.push('亿');
            w.zero = false;
        }
        w.below_yi(rest);
        if yuan > 0 {
            w.out.push('元');
        }
        match (jiao, fen) {
            (0, 0) if yuan == 0 => w.out.push_str("零元整"),
            (0, 0) => w.out.push('整'),
            (0, f) => {
                if yuan > 0 {
                    w.out.push('零');
                }
                w.digit(f);
                w.out.push('分');
            }
            (j, 0) => {
                w.digit(j);
                w.out.push_str("角整");
            }
            (j, f) => {
                w.digit(j);
                w.out.push('角');
                w.digit(f);
                w.out.push('分');
            }
        }
        w.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `yuan` yuan and `fen` fen in capitals.
    fn cap(yuan: i64, fen: i64) -> String {
        Money::from_fen(yuan * 100 + fen).in_capitals()
    }

    #[test]
    fn whole_yuan_read_as_a_contract_writes_them() {
        assert_eq!(cap(1_200_000, 0), "壹佰贰拾万元整");
        assert_eq!(cap(100_000, 0), "壹拾万元整");
        assert_eq!(cap(105_000, 0), "壹拾万伍仟元整");
        assert_eq!(cap(100_500, 0), "壹拾万零伍佰元整");
        assert_eq!(cap(3_005, 0), "叁仟零伍元整");
        assert_eq!(cap(100_000_001, 0), "壹亿零壹元整");
        assert_eq!(cap(105_000_000, 0), "壹亿零伍佰万元整");
        assert_eq!(cap(234_567_890, 0), "贰亿叁仟肆佰伍拾陆万柒仟捌佰玖拾元整");
        assert_eq!(cap(100_000_000_000, 0), "壹仟亿元整");
    }

    #[test]
    fn jiao_and_fen() {
        assert_eq!(cap(0, 0), "零元整");
        assert_eq!(cap(0, 5), "伍分");
        assert_eq!(cap(0, 50), "伍角整");
        assert_eq!(cap(3_005, 6), "叁仟零伍元零陆分");
        assert_eq!(cap(1_000, 50), "壹仟元伍角整");
        assert_eq!(cap(12, 34), "壹拾贰元叁角肆分");
        assert_eq!(cap(-10, 0), "负壹拾元整");
    }
}
