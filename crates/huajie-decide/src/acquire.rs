//! What recording an acquisition needs (rules.md A11 IC1, IC7; Q16): a cleared pre-trade check
//! still within its validity, a committee item for this package that passed at a price no
//! lower than the one recorded, and the money paid as the check's pro forma paid it.

use chrono::NaiveDate;
use huajie_core::{Money, Text};
use huajie_rules::RuleParameters;
use huajie_rules::terms::LineRef;

/// A passed committee item approving the purchase of a package at up to `price`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Approval {
    pub item_id: i64,
    pub price: Money,
}

/// Whether a package may be recorded as bought at `price` on `today`, on a check made on
/// `checked_on` and the committee's approval (if any). The check's own standing (blocked,
/// awaiting an override) is `huajie_rules::standing`'s to say.
pub fn may_record(
    p: &RuleParameters,
    checked_on: NaiveDate,
    today: NaiveDate,
    approval: Option<Approval>,
    price: Money,
) -> Result<(), Text> {
    let age = (today - checked_on).num_days();
    if age > i64::from(p.check_validity_days) {
        return Err(Text::new(
            format!("交易前检查做于 {checked_on}，已超过 {} 天有效期：请重新检查后再记录收购。", p.check_validity_days),
            format!(
                "The pre-trade check was made on {checked_on}, beyond its validity of {} days: check the deal again first.",
                p.check_validity_days
            ),
        ));
    }
    let Some(approval) = approval else {
        return Err(Text::fixed(
            "收购须经决策委员会表决通过（该资产包没有通过的收购议题）。",
            "An acquisition needs the committee's approval: no item for this package has passed.",
        ));
    };
    if price > approval.price {
        return Err(Text::new(
            format!(
                "收购价 {} 元高于决策委员会批准的 {} 元（议题 #{}）。",
                price.yuan_string(),
                approval.price.yuan_string(),
                approval.item_id
            ),
            format!(
                "The price of {} yuan is above the {} yuan the committee approved (item #{}).",
                price.yuan_string(),
                approval.price.yuan_string(),
                approval.item_id
            ),
        ));
    }
    Ok(())
}

/// How a recorded purchase is paid: out of a cash entry, or by the drawing on the line the
/// check's pro forma made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payment {
    Cash(i64),
    Line(LineRef),
}

/// The payment of a purchase whose check drew on `checked_line` (none: it paid cash), given the
/// cash entry the recorder chose (if any): the check's way and no other, so that the indicators
/// move as its pro forma said.
pub fn payment(checked_line: Option<&LineRef>, cash: Option<i64>) -> Result<Payment, Text> {
    match (checked_line, cash) {
        (None, Some(cash)) => Ok(Payment::Cash(cash)),
        (Some(line), None) => Ok(Payment::Line(line.clone())),
        (None, None) => Err(Text::fixed(
            "请选择支付收购价款的现金或活期存款账户（交易前检查按现金支付测算）。",
            "Choose the cash or demand-deposit entry that pays the price (the check reckoned on paying cash).",
        )),
        (Some(line), Some(_)) => Err(Text::new(
            format!("交易前检查按授信“{}”提款支付测算：不能改由现金支付，请按检查记录或重新检查。", line.label),
            format!(
                "The check reckoned on drawing the funding line “{}”: the price cannot be paid from cash instead; record it as checked or check again.",
                line.label
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn an_acquisition_needs_a_fresh_check_and_an_approval_at_or_above_its_price() {
        let p = RuleParameters::default();
        let approved = Some(Approval { item_id: 7, price: Money::from_fen(500_000_000) });
        let price = Money::from_fen(500_000_000);
        assert!(may_record(&p, d("2026-11-01"), d("2026-12-01"), approved, price).is_ok(), "30 days is within");
        let stale = may_record(&p, d("2026-11-01"), d("2026-12-02"), approved, price).unwrap_err();
        assert!(stale.zh.contains("有效期") && stale.en.contains("validity"), "{stale}");
        let none = may_record(&p, d("2026-11-01"), d("2026-11-02"), None, price).unwrap_err();
        assert!(none.en.contains("committee"));
        let above =
            may_record(&p, d("2026-11-01"), d("2026-11-02"), approved, Money::from_fen(500_000_001)).unwrap_err();
        assert!(above.zh.contains("5,000,000.01") && above.zh.contains("#7"), "{above}");
        assert!(may_record(&p, d("2026-11-01"), d("2026-11-02"), approved, Money::from_fen(400_000_000)).is_ok());
    }

    #[test]
    fn a_purchase_is_paid_the_way_its_check_reckoned() {
        let line = LineRef { id: 4, label: "并购贷款授信".into() };
        assert_eq!(payment(None, Some(2)), Ok(Payment::Cash(2)));
        assert_eq!(payment(Some(&line), None), Ok(Payment::Line(line.clone())));
        assert!(payment(None, None).unwrap_err().zh.contains("现金"));
        let switched = payment(Some(&line), Some(2)).unwrap_err();
        assert!(switched.en.contains("“并购贷款授信”"), "{switched}");
    }
}
