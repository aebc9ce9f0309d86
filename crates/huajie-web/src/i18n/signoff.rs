//! The texts of reports fit to sign (issue 16, point 4: a run's sign-off and review, the signed
//! reports; `pages/valuation_signoff.rs`): key, Chinese, English, as `CATALOGUE` holds the rest.

pub const SIGNOFF: &[(&str, &str, &str)] = &[
    ("valuation.download_xlsx", "下载估值报告 .xlsx", "Download the report (.xlsx)"),
    ("valuation.download_pdf", "下载估值报告 PDF", "Download the report (PDF)"),
    ("signoff.title", "签署", "Sign-off"),
    ("signoff.status", "状态", "Status"),
    ("signoff.role", "角色", "Role"),
    ("signoff.name", "姓名", "Name"),
    ("signoff.time", "时间（北京时间）", "Time (Beijing time)"),
    ("signoff.review", "标记为已复核", "Mark reviewed"),
    (
        "signoff.review_note",
        "复核人须为编制人以外的估值或风控人员；复核后，报告的状态为“已复核”。决策委员会通过引用本估值的处置方案后，状态为“已批准”。",
        "The reviewer must be a valuer or risk officer other than the preparer; once reviewed, the report reads \"Reviewed\". Once the committee passes a disposal plan citing this run, it reads \"Approved\".",
    ),
];
