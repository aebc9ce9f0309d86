//! The charts' texts (`crate::chart` and the pages that draw them): legends, marks and units.

pub const CHARTS: &[(&str, &str, &str)] = &[
    ("valuation.cash_chart", "季度净现金流", "Net cash by quarter"),
    ("valuation.cumulative_chart", "累计回收（占债权）", "Cumulative recovery (share of claim)"),
    ("valuation.distribution_chart", "情景盈亏平衡价分布", "Break-even price across scenarios"),
    ("compliance.chart_actual", "季末实际", "Quarter-end value"),
    ("compliance.chart_limit", "监管限值", "Limit"),
    ("compliance.chart_glide", "过渡期达标路径", "Path back inside the limit by the end of the transition"),
    ("chart.bid", "出价", "Bid"),
    ("chart.scenarios", "情景数", "scenarios"),
    ("chart.cash", "现金流", "Cash flow"),
    ("chart.recovered", "累计回收率", "Cumulative recovery"),
];
