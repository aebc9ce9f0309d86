//! How an acquisition is paid for: out of the company's cash, or by a drawing on a funding
//! line of the book (授信额度: a funding instrument with a limit, such as a bank's M&A loan
//! facility). A drawing raises the line's principal outstanding by the amount and the
//! repayment due at the line's maturity by the same (no interest is assumed: finance enters
//! the drawing's interest in the line's schedule). The pre-trade check's pro forma and the
//! recording of the purchase apply the same `Drawing`, so the indicators move on recording
//! exactly as the check said.

use chrono::NaiveDate;
use huajie_core::{Money, Text};

use crate::checks::{Finding, funding_channel};
use crate::indicators::{Channel, Funding, Ledger, Payment};

/// Where the price of an acquisition comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaidFrom {
    /// Unencumbered cash or a demand deposit (the entry is named when the purchase is recorded).
    Cash,
    /// A drawing on a funding line.
    Line(Drawing),
}

/// A funding line as the book holds it when the drawing is proposed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FundingLine {
    /// The funding instrument's id in the book.
    pub id: i64,
    pub label: String,
    pub channel: Channel,
    /// The lender's party id, and whether it is a licensed financial institution.
    pub lender: i64,
    pub lender_licensed_fi: bool,
    /// The most the line may have outstanding.
    pub limit: Money,
    /// Principal outstanding now.
    pub drawn: Money,
    pub maturity: NaiveDate,
}

impl FundingLine {
    /// What may still be drawn (never negative).
    pub fn headroom(&self) -> Money {
        Money::from_fen((self.limit.fen() - self.drawn.fen()).max(0))
    }

    /// A drawing of `amount` on `on`: refused when it is not positive, when the line has matured
    /// by then, or when it would take the line past its limit (naming the headroom).
    pub fn draw(self, amount: Money, on: NaiveDate) -> Result<Drawing, Text> {
        if amount.fen() <= 0 {
            return Err(Text::fixed("提款金额须大于零。", "A drawing must be more than zero."));
        }
        if self.maturity <= on {
            return Err(Text::new(
                format!("授信“{}”已于 {} 到期，不能提款。", self.label, self.maturity),
                format!("The funding line “{}” matured on {}: it cannot be drawn.", self.label, self.maturity),
            ));
        }
        if amount.fen() > self.headroom().fen() {
            return Err(Text::new(
                format!(
                    "授信“{}”可用额度 {} 元，不足以支付 {} 元（额度 {} 元，已用 {} 元）。",
                    self.label,
                    self.headroom().yuan_string(),
                    amount.yuan_string(),
                    self.limit.yuan_string(),
                    self.drawn.yuan_string()
                ),
                format!(
                    "The funding line “{}” has {} yuan undrawn, not enough for {} yuan (limit {} yuan, drawn {} yuan).",
                    self.label,
                    self.headroom().yuan_string(),
                    amount.yuan_string(),
                    self.limit.yuan_string(),
                    self.drawn.yuan_string()
                ),
            ));
        }
        Ok(Drawing { line: self, amount })
    }
}

/// A drawing within a line's limit (made only by `FundingLine::draw`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drawing {
    line: FundingLine,
    amount: Money,
}

impl Drawing {
    pub fn line(&self) -> &FundingLine {
        &self.line
    }

    pub fn amount(&self) -> Money {
        self.amount
    }

    /// The line's principal outstanding after the drawing.
    pub fn principal_after(&self) -> Money {
        Money::from_fen(self.line.drawn.fen() + self.amount.fen())
    }

    /// The repayment the drawing adds to the line's schedule: its amount, at the maturity.
    pub fn repayment(&self) -> Payment {
        Payment { date: self.line.maturity, principal: self.amount, interest: Money::ZERO }
    }

    /// The book's funding with the drawing made: the line's principal and its repayment at
    /// maturity (added to one already due that day) grow by the amount.
    pub fn apply(&self, funding: &mut Vec<Funding>) {
        let repayment = self.repayment();
        let Some(f) = funding.iter_mut().find(|f| f.id == Some(self.line.id)) else {
            funding.push(Funding {
                id: Some(self.line.id),
                label: self.line.label.clone(),
                channel: self.line.channel,
                principal: self.amount,
                payments: vec![repayment],
            });
            return;
        };
        f.principal = Money::from_fen(f.principal.fen() + self.amount.fen());
        match f.payments.iter_mut().find(|p| p.date == repayment.date) {
            Some(p) => p.principal = Money::from_fen(p.principal.fen() + repayment.principal.fen()),
            None => {
                f.payments.push(repayment);
                f.payments.sort_by_key(|p| p.date);
            }
        }
    }

    /// The funding-channel findings of the drawing (rules.md A7, Q10): new money through a
    /// prohibited channel is blocked; a mislabelled lender is warned of.
    pub fn findings(&self, ledger: &Ledger) -> Vec<Finding> {
        let l = &self.line;
        funding_channel(&l.label, l.channel, l.lender_licensed_fi, ledger.is_shareholder(l.lender))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn line(limit: i64, drawn: i64) -> FundingLine {
        FundingLine {
            id: 4,
            label: "并购贷款授信".into(),
            channel: Channel::FiLoan,
            lender: 9,
            lender_licensed_fi: true,
            limit: Money::from_fen(limit),
            drawn: Money::from_fen(drawn),
            maturity: d("2028-06-30"),
        }
    }

    #[test]
    fn a_line_is_drawn_to_its_limit_and_not_a_fen_beyond() {
        let on = d("2026-12-01");
        assert_eq!(line(1_000, 400).headroom(), Money::from_fen(600));
        let full = line(1_000, 400).draw(Money::from_fen(600), on).expect("to the limit");
        assert_eq!(full.principal_after(), Money::from_fen(1_000));
        let err = line(1_000, 400).draw(Money::from_fen(601), on).unwrap_err();
        assert!(err.zh.contains("可用额度 6.00 元"), "{}", err.zh);
        assert!(line(1_000, 0).draw(Money::ZERO, on).is_err());
        let matured = line(1_000, 0).draw(Money::from_fen(1), d("2028-06-30")).unwrap_err();
        assert!(matured.en.contains("matured on 2028-06-30"), "{}", matured.en);
    }

    #[test]
    fn a_drawing_raises_the_principal_and_the_repayment_at_maturity() {
        let drawing = line(1_000, 400).draw(Money::from_fen(250), d("2026-12-01")).unwrap();
        let mut funding = vec![Funding {
            id: Some(4),
            label: "并购贷款授信".into(),
            channel: Channel::FiLoan,
            principal: Money::from_fen(400),
            payments: vec![
                Payment { date: d("2027-06-30"), principal: Money::ZERO, interest: Money::from_fen(10) },
                Payment { date: d("2028-06-30"), principal: Money::from_fen(400), interest: Money::from_fen(10) },
            ],
        }];
        drawing.apply(&mut funding);
        assert_eq!(funding[0].principal, Money::from_fen(650));
        assert_eq!(funding[0].payments[1].principal, Money::from_fen(650));
        assert_eq!(funding[0].payments[1].interest, Money::from_fen(10), "no interest assumed");
        // A line without a repayment at its maturity gets one.
        funding[0].payments.pop();
        drawing.apply(&mut funding);
        assert_eq!(funding[0].payments.last(), Some(&drawing.repayment()));
    }
}
