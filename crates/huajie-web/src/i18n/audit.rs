//! The audit log's texts (issue 16, point 6: `pages/audit.rs`): key, Chinese, English, as
//! `CATALOGUE` holds the rest; and the names of the log's entities and actions, by code, with
//! which a record reads as a sentence (an unknown code shows as itself).

use huajie_core::Lang;

pub const AUDIT: &[(&str, &str, &str)] = &[
    ("audit.title", "审计日志", "Audit log"),
    ("audit.verify", "校验审计链", "Verify the chain"),
    (
        "audit.intact",
        "审计链完整：{n} 条记录哈希相连，{rows} 行数据与其最后记录一致。",
        "The chain is intact: {n} records link by hash, and {rows} rows match their last recorded state.",
    ),
    ("audit.broken", "审计链校验失败：", "The chain is broken:"),
    ("audit.at", "时间", "Time"),
    ("audit.actor", "操作人", "Actor"),
    ("audit.action", "动作", "Action"),
    ("audit.entity", "对象", "Entity"),
    ("audit.detail", "内容", "Detail"),
    ("audit.hash", "哈希", "Hash"),
    ("audit.personal_hidden", "（含个人信息，已隐藏）", "(contains personal data, hidden)"),
    (
        "audit.rows_created",
        "批量新建 {n} 行，每行的指纹记录在本条中",
        "{n} rows created at once; each row's fingerprint is in this record",
    ),
    ("audit.filter", "筛选", "Filter"),
    ("audit.clear", "清除筛选", "Clear the filters"),
    ("audit.search", "搜索（操作人、对象、编号）", "Search (actor, entity, id)"),
    ("audit.search_text", "搜索（操作人、对象、编号、记录内容）", "Search (actor, entity, id, record text)"),
    ("audit.entity_id", "对象编号", "Record id"),
    ("audit.from", "起始日（北京时间）", "From (Beijing time)"),
    ("audit.to", "截止日（北京时间）", "To (Beijing time)"),
    ("audit.any", "全部", "Any"),
    ("audit.event", "事件", "Event"),
    ("audit.raw", "原始记录", "Raw record"),
    ("audit.before", "变更前", "Before"),
    ("audit.after", "变更后", "After"),
    ("audit.export_xlsx", "导出 Excel（当前筛选）", "Export to Excel (as filtered)"),
    ("audit.export_csv", "导出 CSV（当前筛选）", "Export to CSV (as filtered)"),
    (
        "audit.export_capped",
        "导出最多 {n} 条，请缩小筛选范围。",
        "An export holds at most {n} records: narrow the filters.",
    ),
    ("audit.at_beijing", "时间（北京时间）", "Time (Beijing time)"),
    ("audit.chain", "审计链", "Audit chain"),
    ("audit.chain_checked", "（校验于 {at}，耗时 {ms} 毫秒）", "(checked at {at}, in {ms} ms)"),
    ("audit.first_break", "审计链在第 #{seq} 条记录处断开。", "The chain breaks at record #{seq}."),
    ("audit.sentence", "{actor} 于 {at} {verb} {entity} #{id}", "{actor} {verb} {entity} #{id} at {at}"),
    ("audit.sheet", "审计日志", "Audit log"),
];

/// What each entity is called in a sentence: (code, Chinese, English).
const ENTITIES: &[(&str, &str, &str)] = &[
    ("announcement", "处置公告", "announcement"),
    ("asset_flag", "资产标记", "asset flag"),
    ("assumption_set", "估值假设", "assumption set"),
    ("case", "案件", "case"),
    ("case_agency", "委托律所", "case agency"),
    ("case_interruption", "时效中断", "limitation interruption"),
    ("case_stage", "案件阶段", "case stage"),
    ("case_task", "案件任务", "case task"),
    ("cash_flow", "现金流", "cash flow"),
    ("check_override", "检查豁免", "check override"),
    ("claim", "债权", "claim"),
    ("claim_collateral", "债权抵押关系", "claim's collateral"),
    ("collateral", "抵押物", "collateral"),
    ("committee_item", "上会事项", "committee item"),
    ("committee_meeting", "决策会议", "committee meeting"),
    ("committee_member", "委员", "committee member"),
    ("committee_vote", "表决", "committee vote"),
    ("company", "公司", "company"),
    ("company_profile", "公司资料", "company profile"),
    ("cross_region_exception", "跨区域例外", "cross-region exception"),
    ("deal_check", "交易检查", "deal check"),
    ("disposal_plan", "处置方案", "disposal plan"),
    ("exposure", "风险敞口", "exposure"),
    ("funding_instrument", "融资工具", "funding instrument"),
    ("guarantee", "保证", "guarantee"),
    ("indicator_result", "监管指标", "indicator result"),
    ("investment", "投资", "investment"),
    ("investor", "投资者", "investor"),
    ("investor_document", "投资者材料", "investor document"),
    ("ledger_entry", "分录", "ledger entry"),
    ("liquid_asset", "流动资产", "liquid asset"),
    ("liquidation_analysis", "清算分析", "liquidation analysis"),
    ("lot", "拍卖标的", "lot"),
    ("lot_bid", "出价", "bid"),
    ("lot_bid_refusal", "被拒出价", "refused bid"),
    ("lot_bidder", "竞买人", "bidder"),
    ("lot_deposit", "保证金", "deposit"),
    ("lot_opening", "开标", "tender opening"),
    ("lot_sealed_bid", "密封报价", "sealed bid"),
    ("mapping_profile", "映射模板", "mapping profile"),
    ("net_assets", "净资产", "net assets"),
    ("officer", "高管", "officer"),
    ("package", "资产包", "package"),
    ("party", "当事人", "party"),
    ("party_attributes", "当事人属性", "party attributes"),
    ("party_link", "关联关系", "party link"),
    ("plan_document", "方案文件", "plan document"),
    ("relative", "近亲属", "relative"),
    ("rule_parameter_set", "规则参数", "rule parameters"),
    ("sale", "出售", "sale"),
    ("session", "会话", "session"),
    ("staff", "员工", "staff member"),
    ("staff_entity", "员工关联企业", "staff's entity"),
    ("statement_line", "对账单行", "statement line"),
    ("tape_import", "数据导入", "tape import"),
    ("tape_import_attempt", "导入尝试", "import attempt"),
    ("user", "用户", "user"),
    ("valuation_claim", "债权估值", "claim valuation"),
    ("valuation_run", "估值运行", "valuation run"),
    ("work_calendar", "工作日历", "work calendar"),
];

/// What each action is called in a sentence, as a verb: (code, Chinese, English).
const ACTIONS: &[(&str, &str, &str)] = &[
    ("create", "新建了", "created"),
    ("update", "修改了", "changed"),
    ("delete", "删除了", "deleted"),
    ("create_many", "批量新建了", "created many rows of"),
    ("restate", "按迁移重述了", "restated after a migration"),
    ("migration_restated", "完成了迁移重述", "finished restating"),
    ("login", "登录了", "logged into"),
    ("logout", "退出了", "logged out of"),
    ("login_failed", "登录失败于", "failed to log into"),
    ("bid_refused", "被拒绝了", "had refused"),
    ("sealed_bid", "提交了", "submitted"),
    ("tender_open_requested", "申请了", "requested"),
    ("tender_opened", "完成了", "completed"),
    ("import_started", "开始了", "started"),
    ("import_ended", "结束了", "ended"),
];

fn named(table: &'static [(&'static str, &'static str, &'static str)], code: &str, lang: Lang) -> Option<&'static str> {
    table.iter().find(|(c, ..)| *c == code).map(|(_, zh, en)| lang.pick(zh, en))
}

/// The entity's name in `lang`, or its code when it has none.
pub fn entity_label(code: &str, lang: Lang) -> String {
    named(ENTITIES, code, lang).map(str::to_string).unwrap_or_else(|| code.to_string())
}

/// The action as a verb in `lang`, or its code when it has none.
pub fn action_verb(code: &str, lang: Lang) -> String {
    named(ACTIONS, code, lang).map(str::to_string).unwrap_or_else(|| code.to_string())
}
