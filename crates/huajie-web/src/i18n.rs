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
    ("audit.rows_created", "批量新建 {n} 行，每行的指纹记录在本条中", "{n} rows created at once; each row's fingerprint is in this record"),
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
    // Tape import
    ("nav.import", "导入数据带", "Import a tape"),
    ("import.progress_uploading", "上传中", "Uploading"),
    ("import.progress_checking", "校验并写入中", "Checking and writing"),
    ("import.progress_failed", "上传中断，请重试", "The upload was interrupted; please try again"),
    ("import.title", "导入资产包数据带", "Import a package's data tape"),
    ("import.intro", "支持 .xlsx、.xls 与 .csv（UTF-8 或 GBK）。表头、合计行、万元列与各种日期写法会自动识别；每个问题都会标明行、列与原值。", "Accepts .xlsx, .xls and .csv (UTF-8 or GBK). Headers, total rows, 万元 columns and every date form are recognised; each problem is reported with its row, column and value."),
    ("import.file", "数据带文件", "Tape file"),
    ("import.package", "资产包编号", "Package code"),
    ("import.new_package", "新资产包（编号不存在时填写）", "New package (when the code does not exist yet)"),
    ("import.package_name", "资产包名称", "Package name"),
    ("import.transferor_name", "转让方名称", "Transferor"),
    ("import.transferor_id", "转让方统一社会信用代码", "Transferor's unified social credit code"),
    ("import.cutoff", "基准日（不填则从表头上方读取）", "Cut-off date (else read above the header)"),
    ("import.policy", "有错误行时", "When rows are rejected"),
    ("import.policy_strict", "整体拒绝，不导入任何数据", "Reject the whole tape"),
    ("import.policy_partial", "导入有效行，列出错误行待修正", "Load the valid rows, list the rest for correction"),
    ("import.personal", "个贷批量（合同编号非必填）", "Personal-loan batch (contract numbers optional)"),
    ("import.submit", "校验并导入", "Check and import"),
    ("import.report_only", "仅下载校验报告（.xlsx）", "Only download the check report (.xlsx)"),
    ("import.no_file", "请选择要导入的文件。", "Choose a file to import."),
    ("import.bad_cutoff", "基准日无法识别，请用 YYYY-MM-DD。", "The cut-off date cannot be read: use YYYY-MM-DD."),
    ("import.fatal", "数据带无法导入，数据库未作任何改动。", "The tape cannot be imported; nothing was written."),
    ("import.no_package", "请填写资产包编号。", "Enter the package code."),
    ("import.need_transferor", "该编号的资产包不存在：新建时请填写转让方名称与统一社会信用代码。", "No package has this code: to create it, give the transferor's name and unified social credit code."),
    ("import.refused", "按“整体拒绝”策略，{n} 行被拒绝即不导入，数据库未作改动。改正后重新导入，或选择“导入有效行”。", "Under the reject-whole-tape policy, {n} rejected rows stop the import; nothing was written. Correct them and import again, or choose to load the valid rows."),
    ("import.effect_fatal", "整表拒绝", "Tape refused"),
    ("import.effect_rejected", "本行拒绝", "Row rejected"),
    ("import.effect_warning", "提示", "Warning"),
    ("import.header_row", "表头所在行", "Header row"),
    ("import.rows_read", "读取行数", "Rows read"),
    ("import.valid", "有效债权", "Valid claims"),
    ("import.rejected", "拒绝行数", "Rows rejected"),
    ("import.completeness", "完整度", "Completeness"),
    ("import.version", "版本", "Version"),
    ("import.by", "导入人", "Imported by"),
    ("import.sha256", "文件 SHA-256", "File SHA-256"),
    ("import.mandatory", "必填", "Mandatory"),
    ("import.recommended", "建议", "Recommended"),
    ("import.optional", "可选", "Optional"),
    ("import.report_title", "校验报告", "Check report"),
    ("import.download", "下载校验报告（.xlsx）", "Download the report (.xlsx)"),
    ("import.by_rule", "按规则统计", "Problems by rule"),
    ("import.no_problems", "没有发现问题。", "No problems found."),
    ("import.rule", "规则", "Rule"),
    ("import.rule_title", "说明", "Meaning"),
    ("import.effect", "处理", "Effect"),
    ("import.count", "条数", "Count"),
    ("import.filtered", "仅显示规则", "Showing only rule"),
    ("import.show_all", "显示全部", "Show all"),
    ("import.problems", "问题清单", "Problems"),
    ("import.row", "行", "Row"),
    ("import.column", "列", "Column"),
    ("import.header", "表头", "Header"),
    ("import.value", "值", "Value"),
    ("import.message", "说明", "Message"),
    ("import.field", "字段", "Field"),
    ("import.required", "要求", "Required"),
    ("import.column_present", "有此列", "Column present"),
    ("import.filled", "有效值", "Valid values"),
    ("import.share", "完整度", "Complete"),
    ("import.diff", "与已有数据的差异", "Changes against the package"),
    ("import.diff_summary", "新增 {added} 笔，变化 {changed} 笔，未变 {unchanged} 笔；新数据带未列出的 {removed} 笔予以保留。债权字段的变化已更新；抵质押物与保证人的变化（新增、未再列出、评估价值、顺位、保证金额、保证方式）仅列出，待核实后处理，未自动修改。", "{added} added, {changed} changed, {unchanged} unchanged; {removed} no longer listed and kept. Changed claim fields were updated; changes to collateral and guarantors (added, no longer listed, value, rank, cap, kind) are listed for review and not applied."),
    ("import.added", "新增合同", "Contracts added"),
    ("import.removed", "新数据带未列出（保留）", "No longer listed (kept)"),
    ("import.before", "原值", "Before"),
    ("import.after", "新值", "After"),
    ("import.and_more", " 等，另有 {n} 笔", " and {n} more"),
    ("import.review_mapping", "检查并保存列映射", "Review and save the column mapping"),
    ("import.mapping_title", "列映射", "Column mapping"),
    ("import.mapping_intro", "逐列确认表头对应的标准字段。保存后成为该转让方的映射方案，此后该行的数据带自动沿用。保存后请重新选择文件导入。", "Confirm the standard field each column means. Saved, this becomes the transferor's mapping profile and applies to every later tape from the same bank. After saving, choose the file again to import it."),
    ("import.mapping_needs_transferor", "请先填写资产包编号（已有资产包）或转让方统一社会信用代码，映射方案按转让方保存。", "Give an existing package code or the transferor's unified social credit code: mappings are saved per transferor."),
    ("import.samples", "样例值", "Sample values"),
    ("import.automatic", "自动识别", "Recognised as"),
    ("import.choice", "映射为", "Map to"),
    ("import.keep_automatic", "（按自动识别）", "(as recognised)"),
    ("import.leave_out", "不导入此列", "Leave this column out"),
    ("import.unmapped", "未识别", "Not recognised"),
    ("import.from_profile", "已保存的映射方案", "Saved profile"),
    ("import.save_mapping", "保存为该转让方的映射方案", "Save as this transferor's profile"),
    ("import.mapping_saved", "已保存 {n} 列的映射。请重新选择文件导入，映射将自动沿用。", "Saved the mapping of {n} columns. Choose the file again to import it; the mapping applies automatically."),
    ("import.versions", "数据带版本", "Tape versions"),
    ("import.at", "导入时间", "Imported at"),
    ("import.loaded", "载入笔数", "Claims loaded"),
    // Valuation
    ("nav.assumptions", "估值参数", "Assumptions"),
    ("package.valuation", "估值与定价 →", "Valuation and pricing →"),
    ("valuation.title", "估值", "Valuation"),
    ("valuation.set", "参数集", "Assumption set"),
    ("valuation.target_irr", "目标 IRR", "Target IRR"),
    ("valuation.price", "评估价格（万元，可选）", "Price (10k yuan, optional)"),
    ("valuation.price_hint", "不填则按目标 IRR 出价", "blank: the bid at the target IRR"),
    ("valuation.scenarios", "蒙特卡洛情景数", "Monte Carlo scenarios"),
    ("valuation.seed", "随机种子", "Seed"),
    ("valuation.stress", "压力情景", "Stress overlay"),
    ("valuation.run", "运行估值", "Run the valuation"),
    ("valuation.see_sets", "查看与编辑参数集", "See and edit the assumption sets"),
    ("valuation.run_no", "估值记录", "Valuation run"),
    ("valuation.download_xlsx", "下载估值报告 .xlsx", "Download the report (.xlsx)"),
    ("valuation.download_pdf", "下载估值报告 PDF", "Download the report (PDF)"),
    ("valuation.anchor_flag", "个贷部分的定价明显偏离全国个贷批量成交价锚（约 4.1%），请复核回收曲线。", "The retail part is priced far from the national retail batch anchor (about 4.1%): review the recovery curves."),
    ("valuation.cash_chart", "季度净现金流", "Net cash by quarter"),
    ("valuation.cumulative_chart", "累计回收（占债权）", "Cumulative recovery (share of claim)"),
    ("valuation.distribution_chart", "情景盈亏平衡价分布", "Break-even price across scenarios"),
    ("valuation.routes", "分路线回收", "Recoveries by route"),
    ("valuation.sensitivity", "敏感性：出价 vs IRR 与抵押物折价", "Sensitivity: bid vs IRR and collateral haircut"),
    ("valuation.stress_tests", "压力测试", "Stress tests"),
    ("valuation.monte_carlo", "蒙特卡洛", "Monte Carlo"),
    ("valuation.segments", "个贷分组", "Retail segments"),
    ("valuation.segment", "分组", "Segment"),
    ("valuation.curve", "回收曲线", "Curve"),
    ("valuation.pv", "现值", "Present value"),
    ("valuation.top_claims", "现值最高的债权", "Claims carrying the most value"),
    ("valuation.method", "方法", "Method"),
    ("valuation.recovered", "预期回收", "Expected recovery"),
    ("valuation.allocation", "成本分摊", "Cost basis"),
    ("valuation.no_runs", "此资产包尚未估值。", "This package has not been valued yet."),
    ("valuation.runs", "估值记录", "Valuation runs"),
    ("valuation.at", "时间", "When"),
    ("valuation.by", "估值人", "By"),
    ("valuation.bid", "出价", "Bid"),
    ("valuation.quarter", "季度", "Quarter"),
    ("valuation.net", "净现金流", "Net cash"),
    ("valuation.bad_irr", "目标 IRR 无法识别：请填写如 15% 或 0.15（−50% 至 500%）。", "Cannot read the target IRR: write it as 15% or 0.15 (−50% to 500%)."),
    ("valuation.bad_price", "价格应为非负金额（万元）。", "The price must be a non-negative amount in 10k yuan."),
    ("valuation.bad_scenarios", "情景数应为 0 至 10000 的整数。", "Scenarios must be a whole number from 0 to 10,000."),
    ("valuation.bad_seed", "随机种子应为非负整数。", "The seed must be a whole number ≥ 0."),
    ("valuation.bad_stress", "未知的压力情景。", "Unknown stress overlay."),
    ("valuation.bad_set", "参数集不存在。", "No such assumption set."),
    ("assumptions.title", "估值参数集", "Assumption sets"),
    ("assumptions.intro", "每个参数集有名称和版本；保存后的版本不再改变，估值记录注明所用版本。编辑即另存为新版本。", "Each set has a name and versions; a saved version never changes and every valuation run names the version it used. Editing saves a new version."),
    ("assumptions.name", "名称", "Name"),
    ("assumptions.version", "版本", "Version"),
    ("assumptions.based_on", "复制自", "Copied from"),
    ("assumptions.note", "说明", "Note"),
    ("assumptions.used_by", "使用此版本的估值：", "Runs that used this version:"),
    ("assumptions.confidence_note", "可信度：“法规规定”来自拍卖等规则；“模型设定”为模型的选择；“待校准假设”是起始值，应以公司自身回收历史校准；“市场数据”为公开成交数据。", "Confidence: 'legal rule' comes from a rule (auctions); 'model choice' is the model's own; 'assumption to calibrate' is a starting value to calibrate on the company's own history; 'market figure' is public transaction data."),
    ("assumptions.parameter", "参数", "Parameter"),
    ("assumptions.value", "取值", "Value"),
    ("assumptions.source", "来源", "Source"),
    ("assumptions.confidence", "可信度", "Confidence"),
    ("assumptions.save_as", "另存为新版本", "Save as a new version"),
    ("assumptions.save_note", "同名保存为下一版本，新名称从版本 1 开始；原版本保持不变。", "The same name saves the next version; a new name starts at version 1; the original stays as it is."),
    ("assumptions.save", "保存参数集", "Save the set"),
    ("assumptions.need_name", "请填写参数集名称。", "Give the set a name."),
    ("assumptions.fix_fields", "有参数无法保存，请按标注修改；未保存任何内容。", "Some parameters cannot be saved: correct the marked ones. Nothing was saved."),
    ("assumptions.unchanged", "未修改任何参数。", "No parameter was changed."),
    ("claim.valuation", "估值", "Valuation"),
    ("curves.title", "个贷回收曲线（由回收历史估计）", "Retail recovery curves (estimated from history)"),
    ("curves.none", "此版本没有估计曲线：个贷分组使用默认曲线。", "This version has no estimated curves: retail segments use the default curves."),
    ("curves.vintages", "收购批次", "Vintages"),
    ("curves.upload", "由回收历史估计曲线", "Estimate curves from a collections history"),
    ("curves.format", "CSV（UTF-8 或 GBK）：债权编号、产品、逾期天数、债权金额、是否诉讼、收购月份、回收月份、回收金额；每笔债权每个回收月一行，未回收的债权一行且回收月份与金额留空。按收购月份做静态池，以开发因子补齐年轻批次；笔数不足的分组沿用默认曲线。结果另存为新版本。", "CSV (UTF-8 or GBK): claim number, product, days past due, claim amount, litigated, acquisition month, collection month, amount collected; one row per claim and month collected, one row with the month and amount blank for a claim that collected nothing. Static pools by acquisition month, young pools extended by development factors; segments with too little history keep the default curve. Saved as a new version."),
    ("curves.file", "回收历史文件", "Collections history file"),
    ("curves.submit", "估计并另存", "Estimate and save"),
    ("curves.refused", "回收历史有误，未保存任何内容：", "The history has problems; nothing was saved:"),
    ("curves.row", "第 {n} 行", "Row {n}"),
    ("curves.note", "由回收历史估计的分组曲线：", "Segment curves estimated from history:"),
    ("liquidation.title", "假设清算法", "Hypothetical liquidation"),
    ("liquidation.intro", "录入后，该债务人所有债权的“债务人其他财产”回收率改按本分析计算（不适用于破产清偿率）；金额单位：元，空白视为 0。", "Once entered, the recovery from this debtor's other assets in every valuation of its claims uses this analysis (not the bankruptcy estate ratio). Amounts in yuan; blank counts as 0."),
    ("liquidation.effective_assets", "有效资产", "Effective assets"),
    ("liquidation.priority_deductions", "优先扣除项", "Priority deductions"),
    ("liquidation.secured_recoveries", "有担保债权受偿额", "Secured recoveries"),
    ("liquidation.effective_liabilities", "有效负债", "Effective liabilities"),
    ("liquidation.secured_claims", "有担保债权", "Secured claims"),
    ("liquidation.basis", "依据", "Basis"),
    ("liquidation.ratio", "清偿率", "Recovery ratio"),
    ("liquidation.bad_amount", "应为非负金额（元），未保存。", "must be a non-negative amount in yuan; nothing was saved."),
    ("claim.valuation_from", "最近一次估值：", "Latest valuation:"),
    ("claim.timeline", "时间线（距基准日月数）", "Timeline (months from the valuation date)"),
    ("claim.cash_by_quarter", "预期现金流（季度）", "Expected cash by quarter"),
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
        let families = ["app", "nav", "login", "password", "error", "dashboard", "packages", "package", "claim", "collateral", "import",
            "guarantee", "parties", "party", "users", "audit", "portal", "account", "common", "valuation", "assumptions", "liquidation", "curves"];
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
