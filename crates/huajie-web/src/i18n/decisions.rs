//! The catalogue of the decisions' pages (committee, plans, announcements, the acquisition's
//! approval): key, Chinese, English.

pub const DECISIONS: &[(&str, &str, &str)] = &[
    ("checks.paid_from", "付款账户（现金/活期存款）", "Paid from (cash or demand deposit)"),
    (
        "checks.approved_by_committee",
        "决策委员会已批准收购：议题 #{item}，批准价格不超过 {price}。",
        "The committee approved the purchase: item #{item}, at up to {price}.",
    ),
    (
        "checks.not_yet_approved",
        "尚未经决策委员会批准：请将本检查提交决策委员会表决后再记录收购。",
        "Not yet approved by the committee: table this check for a vote before recording the purchase.",
    ),
];
