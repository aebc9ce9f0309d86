//! The string catalogue: every user-facing text of the web layer, in Chinese and English,
//! in one table. Domain names (roles, enums, provinces) carry their own two names in
//! `huajie-core`. A test checks that every key used in templates and code is here.

use std::collections::HashMap;
use std::sync::LazyLock;

use huajie_core::Lang;

/// Key, Chinese, English.
pub const CATALOGUE: &[(&str, &str, &str)] = &[
    ("app.name", "化解", "Huajie"),
    ("app.tagline", "不良资产经营与合规平台", "NPA operations and compliance platform"),
    // Navigation
    ("nav.label", "主导航", "Main navigation"),
    ("nav.dashboard", "概览", "Dashboard"),
    ("nav.packages", "资产包", "Packages"),
    ("nav.parties", "当事人", "Parties"),
    ("nav.audit", "审计日志", "Audit log"),
    ("nav.users", "用户与角色", "Users & roles"),
    ("nav.portal", "投资者门户", "Investor portal"),
    ("nav.account", "我的账户", "My account"),
    ("nav.logout", "退出登录", "Log out"),
    // Login
    ("login.title", "登录", "Log in"),
    ("login.username", "用户名", "User name"),
    ("login.password", "密码", "Password"),
    ("login.submit", "登录", "Log in"),
    ("login.failed", "用户名或密码错误，或账户已停用。", "Wrong user name or password, or the account is disabled."),
    ("password.too_short", "密码至少需要 {min} 个字符。", "The password needs at least {min} characters."),
    // Errors
    ("error.title", "出错了", "Something went wrong"),
    ("error.back", "返回首页", "Back to the start page"),
    ("error.unauthenticated", "请先登录。", "Please log in first."),
    ("error.forbidden_title", "无权访问", "Not allowed"),
    ("error.forbidden", "您的角色无权访问此页面或执行此操作。", "Your role may not open this page or do this."),
    ("error.not_found_title", "未找到", "Not found"),
    ("error.not_found", "您要找的内容不存在。", "What you asked for does not exist."),
    ("error.bad_request_title", "请求有误", "Bad request"),
    ("error.csrf", "表单已过期或来源不明，请刷新页面后重试。", "The form has expired or did not come from this site: reload the page and try again."),
    ("error.rate_limited_title", "尝试次数过多", "Too many attempts"),
    ("error.rate_limited", "登录失败次数过多，请 {minutes} 分钟后再试。", "Too many failed logins: try again in {minutes} minutes."),
    ("error.bad_form", "表单内容不完整或格式有误", "The form is incomplete or malformed"),
    ("error.bad_json", "请求内容不是有效的 JSON 或缺少字段", "The request body is not valid JSON or lacks a field"),
    ("error.internal", "服务器内部错误，已记录。请稍后再试或联系管理员。", "Internal error (logged). Try again later or ask your administrator."),
    // Dashboard
    ("dashboard.title", "公司概览", "Company overview"),
    ("dashboard.packages_count", "资产包", "Packages"),
    ("dashboard.claims_count", "债权笔数", "Claims"),
    ("dashboard.debtors", "债务人户数", "Debtors"),
    ("dashboard.total_claim", "债权总额", "Total claims"),
    ("dashboard.principal", "本金余额", "Principal"),
    ("dashboard.appraised", "抵质押物评估值", "Appraised collateral"),
    ("dashboard.by_province", "债权分布（按省份）", "Claims by province"),
    ("dashboard.by_collateral_type", "抵质押物（按类型）", "Collateral by type"),
    ("dashboard.by_five_class", "债权分布（按五级分类）", "Claims by five-tier class"),
    ("dashboard.by_litigation_stage", "债权分布（按诉讼状态）", "Claims by litigation stage"),
    ("dashboard.packages", "资产包一览", "Packages"),
    ("dashboard.unknown", "未知", "Unknown"),
    ("dashboard.count_unit", "笔", " items"),
    ("dashboard.item_unit", "项", " items"),
    // Packages
    ("packages.title", "资产包", "Packages"),
    ("package.code", "编号", "Code"),
    ("package.name", "名称", "Name"),
    ("package.transferor", "转让方", "Transferor"),
    ("package.cutoff", "基准日", "Cut-off date"),
    ("package.status", "状态", "Status"),
    ("package.acquired_on", "收购日", "Acquired on"),
    ("package.price", "收购价格", "Price paid"),
    ("package.claims", "债权笔数", "Claims"),
    ("package.principal", "本金余额", "Principal"),
    ("package.total", "债权总额", "Total claim"),
    ("package.appraised", "抵质押物评估值", "Appraised collateral"),
    ("package.claim_list", "债权清单", "Claims"),
    // Claims
    ("claim.title", "债权", "Claim"),
    ("claim.contract_no", "合同编号", "Contract no."),
    ("claim.debtor", "债务人", "Debtor"),
    ("claim.principal", "本金", "Principal"),
    ("claim.interest", "利息", "Interest"),
    ("claim.penalty", "罚息/复利", "Penalty interest"),
    ("claim.advanced_costs", "垫付费用", "Advanced costs"),
    ("claim.total", "债权合计", "Total"),
    ("claim.five_class", "五级分类", "Five-tier class"),
    ("claim.stage", "诉讼状态", "Litigation stage"),
    ("claim.default_date", "逾期日", "Default date"),
    ("claim.limitation_date", "时效到期日", "Limitation date"),
    ("claim.province", "所属地区", "Booked in"),
    ("claim.time_barred", "时效已届满：除非时效曾中断，否则债权可能丧失胜诉权。", "The limitation period has passed: unless it was interrupted, the claim may no longer be enforceable."),
    ("claim.collateral", "抵质押物", "Collateral"),
    ("claim.no_collateral", "无抵质押物（信用或保证）。", "No collateral (unsecured or guaranteed only)."),
    ("claim.guarantees", "保证人", "Guarantors"),
    ("claim.no_guarantees", "无保证人。", "No guarantors."),
    ("collateral.type", "类型", "Type"),
    ("collateral.description", "描述", "Description"),
    ("collateral.address", "坐落", "Location"),
    ("collateral.province", "省份", "Province"),
    ("collateral.appraised", "评估价值", "Appraised value"),
    ("collateral.appraisal_date", "评估基准日", "Appraisal date"),
    ("collateral.lien_rank", "顺位", "Lien rank"),
    ("collateral.prior_claims", "优先受偿", "Prior claims"),
    ("collateral.secures", "担保债权", "Secures"),
    ("guarantee.guarantor", "保证人", "Guarantor"),
    ("guarantee.kind", "保证方式", "Guarantee type"),
    ("guarantee.cap", "保证限额", "Cap"),
    ("guarantee.unlimited", "全额", "Whole claim"),
    // Parties
    ("parties.title", "当事人", "Parties"),
    ("party.name", "名称/姓名", "Name"),
    ("party.kind", "类型", "Kind"),
    ("party.identifier", "证件号码", "ID number"),
    ("party.province", "省份", "Province"),
    ("party.status", "状态", "Status"),
    ("party.address", "地址", "Address"),
    ("party.phone", "电话", "Phone"),
    ("party.all_kinds", "全部", "All"),
    ("party.search", "搜索", "Search"),
    ("party.masked_note", "个人信息已脱敏：仅收购部与资产处置部可查看完整信息。", "Personal data is masked: only the acquisition and asset-management teams see it in full."),
    ("party.debts", "欠款笔数", "Claims owed"),
    ("party.guarantees", "担保笔数", "Claims guaranteed"),
    ("party.as_debtor", "作为债务人", "As debtor"),
    ("party.as_guarantor", "作为保证人", "As guarantor"),
    ("party.owns_collateral", "名下抵质押物", "Collateral owned"),
    // Users
    ("users.title", "用户与角色", "Users and roles"),
    ("users.username", "用户名", "User name"),
    ("users.display_name", "姓名", "Name"),
    ("users.role", "角色", "Role"),
    ("users.active", "启用", "Active"),
    ("users.created", "创建时间", "Created"),
    ("users.actions", "重置密码", "Reset password"),
    ("users.create", "新建用户", "New user"),
    ("users.new_password", "新密码", "New password"),
    ("users.reset_password", "重置", "Reset"),
    ("users.created_ok", "用户已创建。", "User created."),
    ("users.updated_ok", "已保存。", "Saved."),
    ("users.password_ok", "密码已重置，该用户的登录会话已全部结束。", "Password reset; the user's sessions have all ended."),
    ("users.bad_role", "角色无效。", "Unknown role."),
    ("users.username_rule", "用户名须为 3–32 位小写字母、数字或 _ . -。", "User names are 3–32 lower-case letters, digits or _ . -."),
    ("users.username_taken", "该用户名已被使用。", "That user name is taken."),
    ("users.display_name_required", "请填写姓名。", "Enter a name."),
    ("users.cannot_demote_self", "不能停用自己的账户或取消自己的管理员角色。", "You cannot disable your own account or give up your own administrator role."),
    // Audit
    ("audit.title", "审计日志", "Audit log"),
    ("audit.verify", "校验审计链", "Verify the chain"),
    ("audit.intact", "审计链完整：{n} 条记录哈希相连，{rows} 行数据与其最后记录一致。", "The chain is intact: {n} records link by hash, and {rows} rows match their last recorded state."),
    ("audit.broken", "审计链校验失败：", "The chain is broken:"),
    ("audit.at", "时间（北京时间）", "Time (Beijing, UTC+8)"),
    ("audit.actor", "操作人", "Actor"),
    ("audit.action", "动作", "Action"),
    ("audit.entity", "对象", "Entity"),
    ("audit.detail", "内容", "Detail"),
    ("audit.hash", "哈希", "Hash"),
    ("audit.personal_hidden", "（含个人信息，已隐藏）", "(contains personal data, hidden)"),
    // Portal
    ("portal.title", "投资者门户", "Investor portal"),
    ("portal.welcome", "{name}，您好。", "Welcome, {name}."),
    ("portal.company", "公司信息", "About the company"),
    ("portal.company_name", "公司名称", "Company"),
    ("portal.uscc", "统一社会信用代码", "Unified social credit code"),
    ("portal.province", "经营地域", "Province"),
    ("portal.licence", "批准文号", "Licence"),
    ("portal.licensed_on", "批准日期", "Licensed on"),
    ("portal.territory", "依据《地方资产管理公司监督管理暂行办法》，本公司在获批省份内开展不良资产收购处置业务，公开转让信息在本公司网站公告。", "Under the 2025 Interim Measures for local AMCs, the company buys and disposes of non-performing assets within its licensed province and announces public transfers on its own website."),
    // Account
    ("account.title", "我的账户", "My account"),
    ("account.change_password", "修改密码", "Change password"),
    ("account.current_password", "当前密码", "Current password"),
    ("account.new_password", "新密码", "New password"),
    ("account.confirm_password", "确认新密码", "Confirm new password"),
    ("account.wrong_current", "当前密码不正确。", "The current password is wrong."),
    ("account.mismatch", "两次输入的新密码不一致。", "The two new passwords differ."),
    ("account.password_changed", "密码已修改。", "Password changed."),
    // Common
    ("common.save", "保存", "Save"),
    ("common.filter", "筛选", "Filter"),
    ("common.none", "无", "None"),
    ("common.prev", "上一页", "Previous"),
    ("common.next", "下一页", "Next"),
    ("common.pages", "分页", "Pages"),
    ("common.page_of", "第 {page} / {pages} 页", "Page {page} of {pages}"),
    ("common.total_rows", "共 {n} 条", "{n} in all"),
];

static INDEX: LazyLock<HashMap<&'static str, (&'static str, &'static str)>> =
    LazyLock::new(|| CATALOGUE.iter().map(|(k, zh, en)| (*k, (*zh, *en))).collect());

/// The text for `key` in `lang`. An unknown key shows as itself (and fails the
/// catalogue test).
pub fn tr(lang: Lang, key: &'static str) -> &'static str {
    match INDEX.get(key) {
        Some((zh, en)) => lang.pick(zh, en),
        None => {
            tracing::warn!(key, "missing translation");
            key
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_both_languages_are_filled() {
        let mut seen = std::collections::HashSet::new();
        for (k, zh, en) in CATALOGUE {
            assert!(seen.insert(k), "duplicate key {k}");
            assert!(!zh.is_empty() && !en.is_empty(), "{k} lacks a language");
        }
    }

    #[test]
    fn every_key_used_is_in_the_catalogue() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"));
        let mut sources = Vec::new();
        for sub in ["templates", "src", "src/pages", "src/api"] {
            for entry in std::fs::read_dir(format!("{dir}/{sub}")).unwrap() {
                let path = entry.unwrap().path();
                if path.is_file() {
                    sources.push(std::fs::read_to_string(&path).unwrap());
                }
            }
        }
        let families = ["app", "nav", "login", "password", "error", "dashboard", "packages", "package", "claim", "collateral",
            "guarantee", "parties", "party", "users", "audit", "portal", "account", "common"];
        let mut missing = Vec::new();
        for text in &sources {
            for piece in text.split('"').skip(1).step_by(2) {
                let Some((family, rest)) = piece.split_once('.') else { continue };
                let is_key = families.contains(&family)
                    && !rest.is_empty()
                    && rest.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
                    && rest != "html";
                if is_key && !INDEX.contains_key(piece) {
                    missing.push(piece.to_string());
                }
            }
        }
        missing.sort();
        missing.dedup();
        assert!(missing.is_empty(), "keys used but not in the catalogue: {missing:?}");
    }
}
