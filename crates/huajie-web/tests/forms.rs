//! A form sent back: every staff form answers a submission with bad fields by showing the same
//! page again (a 400), every field as the user typed it (a password never), each bad field's
//! message beside it, and a summary at the top counting them and linking to each — in Chinese,
//! or in English for a user who chose English. Nothing is recorded.

mod common;

use axum::http::StatusCode;
use common::{TestApp, decoded};

/// A field as the page shows it: its value and the message beside it.
#[derive(Debug, PartialEq)]
struct Shown {
    value: String,
    message: Option<String>,
}

/// The control whose id is `anchor` (an input, a text area or a choice), its value, and the
/// message beside it: the element `{anchor}-error` after the control and before the next one,
/// which the control names as what describes it.
fn shown(page: &str, anchor: &str) -> Shown {
    let id = format!(" id=\"{anchor}\"");
    let at = page.find(&id).unwrap_or_else(|| panic!("no field {anchor} in {page}"));
    let start = page[..at].rfind('<').unwrap();
    let end = at + page[at..].find('>').unwrap();
    let tag = &page[start..end];
    let attribute = |tag: &str, name: &str| {
        let marker = format!(" {name}=\"");
        tag.find(&marker).map(|i| tag[i + marker.len()..].split('"').next().unwrap().to_string())
    };
    let value = if tag.starts_with("<textarea") {
        page[end + 1..].split("</textarea>").next().unwrap().to_string()
    } else if tag.starts_with("<select") {
        let options = page[end..].split("</select>").next().unwrap();
        options
            .split("<option")
            .find(|o| o.contains(" selected"))
            .and_then(|o| attribute(o, "value"))
            .unwrap_or_default()
    } else {
        attribute(tag, "value").unwrap_or_default()
    };
    let after = &page[end..];
    let next = ["<input", "<select", "<textarea", "</form>"].iter().filter_map(|t| after.find(t)).min().unwrap();
    let next = if tag.starts_with("<select") || tag.starts_with("<textarea") {
        // Past the control's own options or text.
        let close = if tag.starts_with("<select") { "</select>" } else { "</textarea>" };
        let closed = after.find(close).unwrap();
        closed
            + ["<input", "<select", "<textarea", "</form>"]
                .iter()
                .filter_map(|t| after[closed..].find(t))
                .min()
                .unwrap()
    } else {
        next
    };
    let error_id = format!("id=\"{anchor}-error\"");
    let message = after[..next].find(&error_id).map(|i| {
        let text = &after[i..];
        text[text.find('>').unwrap() + 1..].split("</span>").next().unwrap().to_string()
    });
    if message.is_some() {
        assert_eq!(attribute(tag, "aria-describedby").as_deref(), Some(format!("{anchor}-error").as_str()), "{tag}");
        assert_eq!(attribute(tag, "aria-invalid").as_deref(), Some("true"), "{tag}");
    }
    Shown { value, message }
}

/// A form posted with bad fields.
struct Sent<'a> {
    user: &'a str,
    path: String,
    /// The form's HTML id.
    form: String,
    /// The form's hidden fields (which form it is).
    hidden: Vec<(&'a str, &'a str)>,
    /// As typed.
    fields: Vec<(&'a str, &'a str)>,
    /// Each bad field: its key and its message in Chinese and in English.
    bad: Vec<(&'a str, &'a str, &'a str)>,
    /// Fields never shown again (passwords).
    secret: &'a [&'a str],
}

/// Posts the form in each language: a 400, the page with every field as typed, each bad
/// field's message beside it in that language (and the other language nowhere), the summary
/// counting and linking them, and nothing recorded.
async fn sent_back(app: &TestApp, sent: Sent<'_>) {
    for lang in ["zh", "en"] {
        let mut client = app.login(sent.user).await;
        client.cookies.push(("huajie_lang".into(), lang.into()));
        let csrf = client.csrf.clone();
        let mut fields = sent.fields.clone();
        fields.extend(sent.hidden.iter().copied());
        fields.push(("csrf", &csrf));
        let audit = app.store.store.audit_count().await.unwrap();
        let reply = app.post_form(&mut client, &sent.path, &fields).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{lang} {}: {}", sent.path, reply.body);
        let page = decoded(&reply.body);
        let summary = page
            .split("id=\"error-summary\"")
            .nth(1)
            .unwrap_or_else(|| panic!("{lang}: no summary in {page}"))
            .split("</div>")
            .next()
            .unwrap();
        let n = sent.bad.len();
        let heading = match (lang, n) {
            ("zh", n) => format!("{n} 处需要修改"),
            (_, 1) => "1 field needs changing".to_string(),
            (_, n) => format!("{n} fields need changing"),
        };
        assert!(summary.contains(&heading), "{lang}: {summary}");
        for (key, zh, en) in &sent.bad {
            let (message, other) = if lang == "zh" { (zh, en) } else { (en, zh) };
            let anchor = format!("{}-{key}", sent.form);
            assert_eq!(shown(&page, &anchor).message.as_deref(), Some(*message), "{lang}: {key}");
            assert!(summary.contains(&format!("<a href=\"#{anchor}\">{message}</a>")), "{lang}: {key} in {summary}");
            assert!(!page.contains(*other), "{lang}: {other} is in the other language only");
        }
        for (key, typed) in &sent.fields {
            let field = shown(&page, &format!("{}-{key}", sent.form));
            let expected = if sent.secret.contains(key) { "" } else { typed };
            assert_eq!(field.value, expected, "{lang}: {key} as typed");
            if !sent.bad.iter().any(|(k, _, _)| k == key) {
                assert_eq!(field.message, None, "{lang}: {key} has nothing to correct");
            }
        }
        assert_eq!(app.store.store.audit_count().await.unwrap(), audit, "{lang}: nothing was recorded");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_funding_proposal_comes_back_with_each_bad_field_named_beside_it() {
    let app = TestApp::new().await;
    sent_back(
        &app,
        Sent {
            user: "finance",
            path: "/checks".into(),
            form: "propose-funding".into(),
            hidden: vec![("kind", "funding")],
            fields: vec![
                ("label", " "),
                ("channel", "bond"),
                ("party", "91330106MA8TW0013X"),
                ("party_name", "杭州某 / 银行"),
                ("amount", "五千"),
                ("schedule", "2027-04-01 0 75"),
                ("as_of", "2026-09-30"),
            ],
            bad: vec![
                ("label", "名称：必填", "Name: required"),
                (
                    "amount",
                    "金额（万元）：“五千” 不是非负金额（万元）",
                    "Amount (10k yuan): “五千” is not a non-negative amount (10k yuan)",
                ),
            ],
            secret: &[],
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_investment_proposal_comes_back_with_each_bad_field_named_beside_it() {
    let app = TestApp::new().await;
    sent_back(
        &app,
        Sent {
            user: "risk",
            path: "/checks".into(),
            form: "propose-investment".into(),
            hidden: vec![("kind", "investment")],
            fields: vec![
                ("label", "某城投债"),
                ("investment_kind", "other_equity"),
                ("exposure", "equity"),
                ("party", ""),
                ("party_name", ""),
                ("amount", "-5"),
                ("as_of", "2026-13-45"),
            ],
            bad: vec![
                (
                    "amount",
                    "金额（万元）：“-5” 不是非负金额（万元）",
                    "Amount (10k yuan): “-5” is not a non-negative amount (10k yuan)",
                ),
                ("as_of", "检查日：“2026-13-45” 不是日期", "Check date: “2026-13-45” is not a date"),
            ],
            secret: &[],
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_package_check_comes_back_to_the_package_page_with_each_bad_field_named_beside_it() {
    let app = TestApp::new().await;
    // The demo's package in due diligence.
    let screening = app.store.store.package_id_by_code("ZJ-2026-001").await.unwrap().unwrap();
    sent_back(
        &app,
        Sent {
            user: "acquisition",
            path: format!("/packages/{screening}/checks"),
            form: "pretrade-form".into(),
            hidden: vec![("kind", "acquisition")],
            fields: vec![("price", "很多"), ("as_of", "上个月")],
            bad: vec![
                (
                    "price",
                    "价格（万元）：“很多” 不是非负金额（万元）",
                    "Price (10k yuan): “很多” is not a non-negative amount (10k yuan)",
                ),
                ("as_of", "检查日：“上个月” 不是日期", "Check date: “上个月” is not a date"),
            ],
            secret: &[],
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_companys_capital_and_main_business_come_back_with_each_bad_field_named_beside_it() {
    let app = TestApp::new().await;
    sent_back(
        &app,
        Sent {
            user: "finance",
            path: "/compliance/company".into(),
            form: "save-capital".into(),
            hidden: vec![("part", "capital")],
            fields: vec![
                ("effective_from", "2026-12-31"),
                ("registered_capital", "一亿"),
                ("paid_in_capital", "100000"),
                ("item/surplus_reserve", "0.00000004"),
                ("note", "2026 年报"),
            ],
            bad: vec![
                (
                    "registered_capital",
                    "注册资本：“一亿” 不是非负金额（万元）",
                    "Registered capital: “一亿” is not a non-negative amount (10k yuan)",
                ),
                (
                    "item/surplus_reserve",
                    "盈余公积：“0.00000004” 有不足一分的尾数：金额按分记录",
                    "Surplus reserve: “0.00000004” has a fraction of a fen: amounts are kept to the fen",
                ),
            ],
            secret: &[],
        },
    )
    .await;
    sent_back(
        &app,
        Sent {
            user: "risk",
            path: "/compliance/company".into(),
            form: "save-business".into(),
            hidden: vec![("part", "business")],
            fields: vec![("effective_from", "明年"), ("lines", " "), ("note", "董事会决议")],
            bad: vec![
                ("effective_from", "生效日：“明年” 不是日期", "In force from: “明年” is not a date"),
                ("lines", "主营业务：必填", "Main business: required"),
            ],
            secret: &[],
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_book_entry_comes_back_with_each_bad_field_named_beside_it() {
    let app = TestApp::new().await;
    sent_back(
        &app,
        Sent {
            user: "finance",
            path: "/compliance/book/cash_flow".into(),
            form: "add-cash_flow".into(),
            hidden: vec![],
            fields: vec![("label", "租金 / 物业"), ("due_date", "下月"), ("amount", "很多"), ("inflow", "否")],
            bad: vec![
                ("due_date", "日期：“下月”不是日期", "Date: “下月” is not a date"),
                (
                    "amount",
                    "金额（万元）：“很多”不是非负金额",
                    "Amount (10k yuan): “很多” is not a non-negative amount",
                ),
            ],
            secret: &[],
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_user_comes_back_with_each_bad_field_named_beside_it_the_password_never_shown() {
    let app = TestApp::new().await;
    sent_back(
        &app,
        Sent {
            user: "admin",
            path: "/admin/users".into(),
            form: "create-user".into(),
            hidden: vec![],
            fields: vec![("username", "Li Na"), ("display_name", "李娜"), ("role", "valuer"), ("password", "short")],
            bad: vec![
                (
                    "username",
                    "用户名须为 3–32 位小写字母、数字或 _ . -。",
                    "User names are 3–32 lower-case letters, digits or _ . -.",
                ),
                ("password", "密码至少需要 10 个字符。", "The password needs at least 10 characters."),
            ],
            secret: &["password"],
        },
    )
    .await;
    let valuer = app.store.store.user_by_username("valuer").await.unwrap().unwrap().id;
    sent_back(
        &app,
        Sent {
            user: "admin",
            path: format!("/admin/users/{valuer}"),
            form: format!("edit-user-{valuer}"),
            hidden: vec![],
            fields: vec![("display_name", " "), ("role", "boss")],
            bad: vec![
                ("display_name", "姓名：必填", "Name: required"),
                ("role", "角色：“boss” 不在可选项中", "Role: “boss” is not one of the options"),
            ],
            secret: &[],
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_password_change_names_each_wrong_field_beside_it_and_shows_no_password() {
    let app = TestApp::new().await;
    sent_back(
        &app,
        Sent {
            user: "finance",
            path: "/account/password".into(),
            form: "change-password".into(),
            hidden: vec![],
            fields: vec![("current", "nope"), ("new", "short"), ("confirm", "shorter")],
            bad: vec![
                ("current", "当前密码不正确。", "The current password is wrong."),
                ("new", "密码至少需要 10 个字符。", "The password needs at least 10 characters."),
                ("confirm", "两次输入的新密码不一致。", "The two new passwords differ."),
            ],
            secret: &["current", "new", "confirm"],
        },
    )
    .await;
}

/// The API answers the same commands with its envelope, naming each bad field under `fields`
/// by the key the request used.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_names_every_bad_field_of_a_command_by_its_key() {
    let app = TestApp::new().await;
    let finance = app.login("finance").await;
    for (lang, zh) in [("zh", true), ("en", false)] {
        let mut client = finance.clone();
        client.cookies.push(("huajie_lang".into(), lang.into()));
        let csrf = client.csrf.clone();
        let post = |path: &'static str, body: serde_json::Value| {
            axum::http::Request::post(path)
                .header("content-type", "application/json")
                .header("x-csrf-token", csrf.as_str())
                .body(axum::body::Body::from(body.to_string()))
                .unwrap()
        };
        let cases = [
            (
                post(
                    "/api/v1/compliance/checks",
                    serde_json::json!({ "kind": "funding", "label": " ", "amount_fen": -1, "channel": "loan_shark" }),
                ),
                vec!["label", "amount_fen", "channel"],
            ),
            (
                post(
                    "/api/v1/compliance/company",
                    serde_json::json!({ "part": "capital", "registered_capital": "一亿", "paid_in_capital": "" }),
                ),
                vec!["registered_capital", "paid_in_capital"],
            ),
            (
                post(
                    "/api/v1/compliance/book/cash_flow",
                    serde_json::json!({ "label": "租金", "due_date": "下月", "amount": "很多", "inflow": "否" }),
                ),
                vec!["due_date", "amount"],
            ),
        ];
        for (request, keys) in cases {
            let reply = app.send(&mut client, request).await;
            assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
            let error = &reply.json()["error"];
            assert_eq!(error["code"], "bad_request");
            let fields: Vec<&str> =
                error["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
            assert_eq!(fields, keys, "{lang}: {error}");
            let message = error["message"].as_str().unwrap();
            for f in error["fields"].as_array().unwrap() {
                let text = f["message"].as_str().unwrap();
                assert!(message.contains(&format!("{}: {text}", f["field"].as_str().unwrap())), "{lang}: {message}");
                assert_eq!(text.contains('：'), zh, "{lang}: {text}");
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_valuation_run_comes_back_with_each_bad_field_named_beside_it() {
    let app = TestApp::new().await;
    sent_back(
        &app,
        Sent {
            user: "valuer",
            path: "/packages/1/valuation".into(),
            form: "run-form".into(),
            hidden: vec![],
            fields: vec![
                ("set", "1"),
                ("date", "昨天"),
                ("irr", "十五"),
                ("price", "100"),
                ("scenarios", "200"),
                ("seed", "-3"),
                ("stress", "mv-20"),
            ],
            bad: vec![
                (
                    "date",
                    "估值基准日无法识别，请写成 2026-06-30。",
                    "The valuation date cannot be read; write it as 2026-06-30.",
                ),
                (
                    "irr",
                    "目标 IRR 无法识别：请填写如 15% 或 0.15。",
                    "Cannot read the target IRR: write it as 15% or 0.15.",
                ),
                ("seed", "随机种子应为非负整数。", "The seed must be a whole number ≥ 0."),
            ],
            secret: &[],
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_assumption_set_comes_back_with_each_bad_parameter_named_beside_it() {
    use huajie_core::Lang::{En, Zh};
    let defaults = huajie_value::Assumptions::default();
    // The catalogue's own words for each refusal, in each language.
    let refused = |path: &str, typed: &str| {
        let e = huajie_value::params::set(&defaults, path, typed).unwrap_err();
        (e.message(Zh), e.message(En))
    };
    let (legal_zh, legal_en) = refused("/legal_costs", "150%");
    let (months_zh, months_en) = refused("/timeline/judgment_not_sued", "很久");
    let app = TestApp::new().await;
    sent_back(
        &app,
        Sent {
            user: "valuer",
            path: "/assumptions/1".into(),
            form: "edit-set".into(),
            hidden: vec![],
            fields: vec![
                ("name", "HV-1 审慎"),
                ("note", "律师费 / 时间线"),
                ("p/legal_costs", "150%"),
                ("p/timeline/judgment_not_sued", "很久"),
            ],
            bad: vec![
                ("p/legal_costs", &legal_zh, &legal_en),
                ("p/timeline/judgment_not_sued", &months_zh, &months_en),
            ],
            secret: &[],
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hypothetical_liquidation_comes_back_with_each_bad_figure_named_beside_it() {
    let app = TestApp::new().await;
    let debtor = app.store.store.claims_of_package(1).await.unwrap()[0].debtor.id;
    sent_back(
        &app,
        Sent {
            user: "valuer",
            path: format!("/parties/{debtor}/liquidation"),
            form: "liquidation-form".into(),
            hidden: vec![],
            fields: vec![
                ("effective_assets", "很多"),
                ("priority_deductions", "1,000"),
                ("secured_recoveries", ""),
                ("effective_liabilities", "10000000"),
                ("secured_claims", "-5"),
                ("basis", "2025 年审计报告"),
            ],
            bad: vec![
                (
                    "effective_assets",
                    "有效资产：应为非负金额（元），未保存。",
                    "Effective assets: must be a non-negative amount in yuan; nothing was saved.",
                ),
                (
                    "secured_claims",
                    "有担保债权：应为非负金额（元），未保存。",
                    "Secured claims: must be a non-negative amount in yuan; nothing was saved.",
                ),
            ],
            secret: &[],
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rule_parameters_come_back_with_each_bad_field_named_beside_it() {
    // The catalogue's own words for the refused parameter.
    let refused = huajie_rules::RuleParameters::default().with("related_max_bps", "六十五").unwrap_err();
    let app = TestApp::new().await;
    sent_back(
        &app,
        Sent {
            user: "risk",
            path: "/rules/parameters".into(),
            form: "edit-parameters".into(),
            hidden: vec![],
            fields: vec![("related_max_bps", "六十五"), ("single_client_max_bps", "12%"), ("note", " ")],
            bad: vec![
                ("related_max_bps", &refused.zh, &refused.en),
                (
                    "note",
                    "请填写修改依据（如省级实施细则文号）。",
                    "Give the reason for the change (a provincial rule's reference, say).",
                ),
            ],
            secret: &[],
        },
    )
    .await;
}

/// A valuation run over the API names each field out of range by the key the request used.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_names_every_field_of_a_valuation_run_out_of_range_by_its_key() {
    let app = TestApp::new().await;
    let mut valuer = app.login("valuer").await;
    let body = serde_json::json!({ "assumption_set_id": 99, "target_irr": 9.0, "scenarios": 20000, "valuation_date": "2020-01-01" });
    let request = axum::http::Request::post("/api/v1/packages/1/valuations")
        .header("content-type", "application/json")
        .header("x-csrf-token", valuer.csrf.clone())
        .body(axum::body::Body::from(body.to_string()))
        .unwrap();
    let reply = app.send(&mut valuer, request).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
    let fields: Vec<String> = reply.json()["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(fields, ["assumption_set_id", "valuation_date", "target_irr", "scenarios"], "{}", reply.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flag_comes_back_to_its_claim_or_package_with_each_bad_field_named_beside_it() {
    let app = TestApp::new().await;
    let package = app.store.store.package_id_by_code("ZJ-2026-001").await.unwrap().unwrap();
    let claim = app.store.store.claims_of_package(package).await.unwrap()[0].claim.id;
    for path in [format!("/claims/{claim}/flags"), format!("/packages/{package}/flags")] {
        sent_back(
            &app,
            Sent {
                user: "acquisition",
                path,
                form: "set-flag".into(),
                hidden: vec![],
                fields: vec![("code", "PX9"), ("reason", " ")],
                bad: vec![
                    ("code", "类别：“PX9” 不在可选项中", "Category: “PX9” is not one of the options"),
                    ("reason", "理由：必填", "Reason: required"),
                ],
                secret: &[],
            },
        )
        .await;
    }
}

/// The forms of one field: a cross-region exception's basis, an override's reason, the date a
/// package was bought — each comes back with its message beside it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_one_field_form_comes_back_with_its_message_beside_the_field() {
    let app = TestApp::new().await;
    let package = app.store.store.package_id_by_code("ZJ-2026-001").await.unwrap().unwrap();
    let claim = app.store.store.claims_of_package(package).await.unwrap()[0].claim.id;
    sent_back(
        &app,
        Sent {
            user: "risk",
            path: format!("/claims/{claim}/cross-region"),
            form: "record-exception".into(),
            hidden: vec![],
            fields: vec![("basis", "  ")],
            bad: vec![("basis", "例外依据（批复文号等）：必填", "Legal basis (approval reference…): required")],
            secret: &[],
        },
    )
    .await;
    // A price of 1亿 takes liquidity below its limit: a finding awaiting the risk team's override.
    let mut acquisition = app.login("acquisition").await;
    let csrf = acquisition.csrf.clone();
    let fields = [("csrf", csrf.as_str()), ("kind", "acquisition"), ("price", "10000"), ("as_of", "2026-09-30")];
    let check = app.post_form(&mut acquisition, &format!("/packages/{package}/checks"), &fields).await;
    assert_eq!(check.status, StatusCode::SEE_OTHER, "{}", check.body);
    sent_back(
        &app,
        Sent {
            user: "risk",
            path: format!("{}/overrides", check.location()),
            form: "override-0".into(),
            hidden: vec![("finding", "0")],
            fields: vec![("reason", " ")],
            bad: vec![("reason", "豁免理由：必填", "Reason for the override: required")],
            secret: &[],
        },
    )
    .await;
    // The demo's check #1 cleared the purchase of this package at 450万, drawn on a funding line:
    // the form asks for the day alone (no cash account).
    sent_back(
        &app,
        Sent {
            user: "acquisition",
            path: "/checks/1/acquire".into(),
            form: "record-acquisition".into(),
            hidden: vec![],
            fields: vec![("acquired_on", "上周五")],
            bad: vec![("acquired_on", "收购日：“上周五” 不是日期", "Acquired on: “上周五” is not a date")],
            secret: &[],
        },
    )
    .await;
}

/// Issue 16: an amount typed in full-width digits with 亿 — and the rates and counts beside it —
/// reads the same in the valuation form and in a package's pre-trade check: ０．１２亿 is
/// 1,200 万元, 12,000,000 元, as `0.12亿` and `1200` (万元) are.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_amount_typed_in_full_width_digits_reads_the_same_in_every_form() {
    let app = TestApp::new().await;
    let store = &app.store.store;
    let expected = huajie_core::Money::from_yuan(12_000_000).unwrap();
    let mut valuer = app.login("valuer").await;
    let csrf = valuer.csrf.clone();
    for (price, irr, scenarios) in [("０．１２亿", "１５％", "１００"), ("1200", "15%", "100")] {
        let fields = [("csrf", csrf.as_str()), ("set", "1"), ("irr", irr), ("price", price), ("scenarios", scenarios)];
        let run = app.post_form(&mut valuer, "/packages/1/valuation", &fields).await;
        assert_eq!(run.status, StatusCode::SEE_OTHER, "{price}: {}", run.body);
        let id: i64 = run.location().trim_start_matches("/valuations/").parse().unwrap();
        let r = store.valuation_run(id).await.unwrap().unwrap();
        assert_eq!((r.price, r.target_irr_bps, r.scenarios), (expected, 1_500, 100), "{price}");
    }
    let screening = store
        .packages()
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.package.data.status == huajie_core::PackageStatus::Screening)
        .unwrap()
        .package
        .id;
    let mut acquisition = app.login("acquisition").await;
    let csrf = acquisition.csrf.clone();
    for price in ["０．１２亿", "1200"] {
        let fields =
            [("csrf", csrf.as_str()), ("kind", "acquisition"), ("price", price), ("as_of", "２０２６-０９-３０")];
        let reply = app.post_form(&mut acquisition, &format!("/packages/{screening}/checks"), &fields).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{price}: {}", reply.body);
        let id: i64 = reply.location().trim_start_matches("/checks/").parse().unwrap();
        let check = store.deal_check(id).await.unwrap().unwrap();
        match check.terms {
            huajie_rules::terms::DealTerms::Acquisition { price: read, .. } => assert_eq!(read, expected, "{price}"),
            other => panic!("an acquisition, not {other:?}"),
        }
    }
}

/// A form whose fields could not even be read into its struct before (the assumption set's id as
/// text, a field left out): the page again, each field as typed and each problem beside it —
/// never the bare 请求有误 page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_with_the_sets_id_as_text_comes_back_with_each_field_as_typed() {
    let app = TestApp::new().await;
    sent_back(
        &app,
        Sent {
            user: "valuer",
            path: "/packages/1/valuation".into(),
            form: "run-form".into(),
            hidden: vec![("set", "abc")],
            fields: vec![("irr", "abc？"), ("price", "五千"), ("scenarios", "１００"), ("seed", "４２")],
            bad: vec![
                ("set", "参数集不存在。", "No such assumption set."),
                (
                    "irr",
                    "目标 IRR 无法识别：请填写如 15% 或 0.15。",
                    "Cannot read the target IRR: write it as 15% or 0.15.",
                ),
                ("price", "价格应为非负金额（万元）。", "The price must be a non-negative amount in 10k yuan."),
            ],
            secret: &[],
        },
    )
    .await;
    // Every field left out (only the token sent): the forms come back, each problem beside its field.
    for (user, path, form) in
        [("admin", "/admin/users", "create-user"), ("valuer", "/packages/1/valuation", "run-form")]
    {
        let mut client = app.login(user).await;
        let csrf = client.csrf.clone();
        let reply = app.post_form(&mut client, path, &[("csrf", csrf.as_str())]).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{path}");
        let page = decoded(&reply.body);
        assert!(page.contains("id=\"error-summary\"") && page.contains(&format!("id=\"{form}\"")), "{path}: {page}");
        assert!(page.contains("class=\"field-error\""), "{path}: a message beside a field");
    }
}

/// What was typed is quoted in a message as a short excerpt, however long it was: 5,000
/// characters typed as an amount are kept in the field, and its message quotes forty of them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_quotes_a_short_excerpt_of_what_was_typed() {
    let app = TestApp::new().await;
    let mut finance = app.login("finance").await;
    let csrf = finance.csrf.clone();
    let long = "金".repeat(5_000);
    let fields =
        [("csrf", csrf.as_str()), ("claim", "1"), ("date", "2026-12-01"), ("amount", &long), ("source", "debtor")];
    let reply = app.post_form(&mut finance, "/ledger/receipts", &fields).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    let page = decoded(&reply.body);
    let amount = shown(&page, "ledger-receipt-amount");
    assert_eq!(amount.value, long, "the field keeps what was typed");
    let message = amount.message.expect("a message beside the amount");
    assert!(message.contains(&format!("“{}…”", "金".repeat(40))), "{message}");
    assert!(message.chars().count() < 80, "{message}");
}
