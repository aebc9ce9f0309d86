//! The texts of a lot's sale (issue 14: the sale in the package's and the plan's records, the
//! transfer agreement's draft; `pages/sales.rs`): key, Chinese, English, as `CATALOGUE` holds
//! the rest.

pub const SALES: &[(&str, &str, &str)] = &[
    ("sales.title", "成交记录", "Sales"),
    ("sales.none", "尚无成交。", "Nothing sold yet."),
    ("sales.lot", "拍卖标的", "Lot"),
    ("sales.subject", "成交标的", "Sold"),
    ("sales.buyer", "买受人", "Buyer"),
    ("sales.price", "成交价", "Price"),
    ("sales.reserve", "保留价", "Reserve"),
    ("sales.valuation", "最新估值", "Latest valuation"),
    ("sales.cost", "收购成本", "Acquisition cost"),
    ("sales.recovery", "处置收益（成交价－成本）", "Recovery (price − cost)"),
    ("sales.sold_on", "成交日", "Sold on"),
    ("sales.beijing_date", "（北京时间）", "(Beijing time)"),
    ("sales.agreement", "转让协议草稿（PDF）", "Draft transfer agreement (PDF)"),
    ("sales.not_sold", "该标的尚未成交，没有转让协议。", "The lot has not sold: there is no transfer agreement."),
];
