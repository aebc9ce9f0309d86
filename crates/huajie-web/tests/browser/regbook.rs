//! Issue 16, points 5 and 7: four eyes on an override (one risk officer proposes, the same
//! officer cannot approve, a second approves and only then the check clears), and the quarterly
//! report (risk submits, the regulator sees it on its home page and acknowledges it, risk sees
//! the acknowledgement with the regulator's name and the time).

use fantoccini::Locator;

use super::browser;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_override_needs_a_second_risk_officer_before_the_check_clears() {
    let Some(b) = browser().await else { return };
    // 1 亿 for the personal-loan package takes liquidity below its limit: one finding.
    b.login("acquisition").await;
    b.goto("/packages/3").await;
    b.type_into("#pretrade-form input[name='price']", "10000").await;
    b.choose("#pretrade-form input[name=as_of]", "2026-09-30").await;
    b.click("#pretrade-form button").await;
    let check = b.wait_for_record("/checks/").await;
    assert_eq!(b.text("#check-standing").await, "待豁免");
    b.logout().await;
    // The risk officer proposes the override: it does not count yet, and is not theirs to approve.
    b.login("risk").await;
    b.goto(&check).await;
    b.type_into("#findings input[name='reason']", "中期票据 10 月到账").await;
    b.click("#findings button").await;
    let note = b.text_once("#findings .override-approval", |t| !t.is_empty()).await;
    assert!(note.contains("须由另一名风险合规人员批准"), "{note}");
    assert_eq!(b.text("#check-standing").await, "待豁免", "a proposed override does not clear the check");
    assert!(b.client.find_all(Locator::Css("#findings form[id^='approve-']")).await.unwrap().is_empty());
    b.screenshot("regbook-01-proposed").await;
    b.logout().await;
    // The second risk officer approves it: the check clears, both named.
    b.login("risk2").await;
    b.goto(&check).await;
    assert_eq!(b.text("#check-standing").await, "待豁免");
    b.click("#findings form[id^='approve-'] button").await;
    let standing = b.text_once("#check-standing", |t| t == "可执行").await;
    assert_eq!(standing, "可执行");
    let findings = b.text("#findings").await;
    assert!(findings.contains("提出豁免： risk") && findings.contains("已由 risk2 于"), "{findings}");
    assert!(findings.contains("北京时间"), "{findings}");
    b.screenshot("regbook-02-approved").await;
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn risk_submits_the_quarter_and_the_regulator_acknowledges_it_on_its_home_page() {
    let Some(b) = browser().await else { return };
    // A correction of the third quarter: recorded again and submitted, version 2.
    b.login("risk").await;
    b.goto("/compliance?as_of=2026-09-30").await;
    let store = b._app.store.store.clone();
    let before = store.indicator_results().await.unwrap().len();
    b.click("#record-results button").await;
    b.until("the quarter recorded again", || {
        let store = store.clone();
        async move { store.indicator_results().await.unwrap().len() > before }
    })
    .await;
    b.goto("/regulator").await;
    b.choose("#submit-report select[name=quarter]", "2026-09-30").await;
    b.click("#submit-report button").await;
    let listed = b.text_once("#submission-list", |t| t.contains("第 2 版")).await;
    assert!(listed.contains("待监管确认"), "{listed}");
    b.logout().await;
    // The regulator lands on its window and sees the report awaiting it.
    b.login("regulator").await;
    assert_eq!(b.path().await, "/regulator");
    let awaiting = b.text("#awaiting-list").await;
    assert!(awaiting.contains("2026-09-30") && awaiting.contains("第 2 版（更正）"), "{awaiting}");
    b.screenshot("regbook-03-regulator-home").await;
    b.type_into("#submission-list form[id^='ack-'] input[name=comment]", "已收悉，无异议").await;
    b.click("#submission-list form[id^='ack-'] button").await;
    b.text_once("#none-awaiting", |t| !t.is_empty()).await;
    b.logout().await;
    // The risk team sees who acknowledged it, and when.
    b.login("risk").await;
    b.goto("/regulator").await;
    let name = store.user_by_username("regulator").await.unwrap().unwrap().display_name;
    let rows = b.text("#submission-list").await;
    let row = rows.lines().find(|l| l.contains("第 2 版")).unwrap_or_default().to_string();
    assert!(row.contains(&format!("已确认：{name}，")) && row.contains("北京时间"), "{rows}");
    assert!(rows.contains("已收悉，无异议"), "{rows}");
    b.screenshot("regbook-04-acknowledged").await;
    b.close().await;
}
