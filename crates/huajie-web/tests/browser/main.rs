//! End-to-end journeys in a real headless Chromium, driven over WebDriver
//! (chromedriver) against the real server on a local port.
//!
//! Runs when `HUAJIE_CHROMEDRIVER` names a chromedriver binary (`scripts/test.sh`
//! installs Debian's chromium and chromium-driver and sets it). When
//! `HUAJIE_SCREENSHOTS` names a directory, each journey leaves screenshots there.

mod narrow;

#[path = "../common/mod.rs"]
mod common;
mod forms;

mod charts;
mod regbook;
mod runs;
mod signed;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use huajie_web::{AppState, WebConfig};

struct Browser {
    client: Client,
    driver: Child,
    base: String,
    _profile: tempfile::TempDir,
    _app: common::TestApp,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Starts the server (demo data loaded), chromedriver and a headless Chromium.
async fn browser() -> Option<Browser> {
    browser_on(common::TestApp::new, common::config()).await
}

/// The same on a store whose clock the test moves.
async fn browser_with_clock(clock: std::sync::Arc<huajie_core::clock::FixedClock>) -> Option<Browser> {
    browser_on(|| common::TestApp::with_clock(clock), common::config()).await
}

async fn browser_on<F: std::future::Future<Output = common::TestApp>>(
    app: impl FnOnce() -> F,
    config: WebConfig,
) -> Option<Browser> {
    let Ok(driver_bin) = std::env::var("HUAJIE_CHROMEDRIVER") else {
        eprintln!("HUAJIE_CHROMEDRIVER is not set: browser journeys skipped (scripts/test.sh sets it)");
        return None;
    };
    let app = app().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let state = AppState::new(app.store.store.clone(), config);
    tokio::spawn(huajie_web::serve(state, listener));

    let port = free_port();
    let driver = Command::new(driver_bin)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let profile = tempfile::tempdir().unwrap();
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": std::env::var("HUAJIE_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1400,1000", "--lang=zh-CN",
                format!("--user-data-dir={}", profile.path().display()),
            ]
        }),
    );
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let client = ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("start Chromium");
    Some(Browser { client, driver, base, _profile: profile, _app: app })
}

impl Browser {
    async fn goto(&self, path: &str) {
        self.client.goto(&format!("{}{path}", self.base)).await.unwrap();
    }

    async fn text(&self, css: &str) -> String {
        self.client
            .wait()
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
            .text()
            .await
            .unwrap()
    }

    /// The text of `css` once it satisfies `ready`: after a form posts, the old page's element
    /// may be read (or go stale) before the new page is there. Panics after ten seconds.
    async fn text_once(&self, css: &str, ready: impl Fn(&str) -> bool) -> String {
        let mut last = String::new();
        for _ in 0..100 {
            if let Ok(e) = self.client.find(Locator::Css(css)).await
                && let Ok(t) = e.text().await
            {
                if ready(&t) {
                    return t;
                }
                last = t;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("{css}: still {last:?} after ten seconds")
    }

    /// Clicks the element, found again when the page it was found on was replaced meanwhile (a
    /// stale element), for up to ten seconds.
    async fn click(&self, css: &str) {
        for _ in 0..100 {
            let e = self.client.wait().for_element(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}"));
            match e.click().await {
                Ok(()) => return,
                Err(e) if e.is_stale_element_reference() => {}
                Err(e) => panic!("{css}: {e}"),
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("{css}: stale for ten seconds")
    }

    async fn path(&self) -> String {
        self.client.current_url().await.unwrap().path().to_string()
    }

    async fn login(&self, username: &str) {
        self.goto("/login").await;
        self.client.find(Locator::Id("username")).await.unwrap().send_keys(username).await.unwrap();
        self.client.find(Locator::Id("password")).await.unwrap().send_keys(common::PASSWORD).await.unwrap();
        self.click("#login-submit").await;
        self.client.wait().for_element(Locator::Css("#logout")).await.expect("logged in");
    }

    async fn screenshot(&self, name: &str) {
        if let Ok(dir) = std::env::var("HUAJIE_SCREENSHOTS") {
            std::fs::create_dir_all(&dir).unwrap();
            let png = self.client.screenshot().await.unwrap();
            std::fs::write(format!("{dir}/{name}.png"), png).unwrap();
        }
    }

    async fn close(self) {
        self.client.clone().close().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_acquisition_officer_walks_from_the_dashboard_to_a_claim_and_into_english() {
    let Some(b) = browser().await else { return };
    b.goto("/").await;
    assert_eq!(b.path().await, "/login");
    assert_eq!(b.text("h1").await, "登录");
    b.screenshot("01-login").await;
    b.login("acquisition").await;
    assert_eq!(b.path().await, "/dashboard");
    assert_eq!(b.text("h1").await, "公司概览");
    let kpis = b.text("#kpis").await;
    assert!(kpis.contains("302") && kpis.contains("亿元"), "{kpis}");
    let bars = b.client.find_all(Locator::Css("#chart-province rect.bar")).await.unwrap();
    assert!(bars.len() >= 2, "the province chart draws a bar per province");
    b.screenshot("02-dashboard").await;

    b.click("nav a[href='/packages']").await;
    assert_eq!(b.text("h1").await, "资产包");
    b.click("#packages tbody tr:first-child a").await;
    assert!(b.path().await.starts_with("/packages/"));
    b.screenshot("03-package").await;
    b.click("#claims tbody tr:first-child a").await;
    assert!(b.path().await.starts_with("/claims/"));
    let facts = b.text("#claim-facts").await;
    assert!(facts.contains("本金") && facts.contains("债权合计"), "{facts}");
    assert!(!b.text("#debtor").await.is_empty());
    b.screenshot("04-claim").await;

    b.click("#lang-switch").await;
    assert!(b.path().await.starts_with("/claims/"), "the switch comes back to the same page");
    let facts = b.text("#claim-facts").await;
    assert!(facts.contains("Principal") && facts.contains("CNY"), "{facts}");
    b.screenshot("05-claim-en").await;
    b.click("#lang-switch").await;
    assert!(b.text("#claim-facts").await.contains("本金"));

    b.click("#logout").await;
    b.client.wait().for_element(Locator::Id("login-submit")).await.unwrap();
    b.goto("/dashboard").await;
    assert_eq!(b.path().await, "/login", "after logout the dashboard asks for a login");
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_valuer_sees_personal_data_masked_and_a_regulator_sees_only_the_indicators() {
    let Some(b) = browser().await else { return };
    b.login("valuer").await;
    b.goto("/parties?kind=individual").await;
    let first = b.text("#parties tbody tr:first-child").await;
    assert!(first.contains("********"), "ID numbers are masked: {first}");
    assert!(first.contains('*'), "{first}");
    b.screenshot("06-parties-masked").await;
    b.click("#logout").await;
    b.client.wait().for_element(Locator::Id("login-submit")).await.unwrap();

    b.login("regulator").await;
    assert_eq!(b.path().await, "/regulator", "the regulator lands on its window");
    let nav = b.text("header nav").await;
    assert!(
        nav.contains("监管指标")
            && nav.contains("监管报送")
            && !nav.contains("概览")
            && !nav.contains("资产包")
            && !nav.contains("当事人"),
        "{nav}"
    );
    b.goto("/packages").await;
    assert_eq!(b.text("h1").await, "无权访问");
    b.screenshot("07-regulator-forbidden").await;
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_creates_a_user_who_can_then_log_in() {
    let Some(b) = browser().await else { return };
    b.login("admin").await;
    b.click("nav a[href='/admin/users']").await;
    let form = b.client.find(Locator::Id("create-user")).await.unwrap();
    form.find(Locator::Css("input[name=username]")).await.unwrap().send_keys("li.na").await.unwrap();
    form.find(Locator::Css("input[name=display_name]")).await.unwrap().send_keys("李娜").await.unwrap();
    form.find(Locator::Css("select[name=role] option[value=risk]")).await.unwrap().click().await.unwrap();
    form.find(Locator::Css("input[name=password]")).await.unwrap().send_keys("li-na-password-2026").await.unwrap();
    form.find(Locator::Css("button[type=submit]")).await.unwrap().click().await.unwrap();
    assert!(b.text(".notice").await.contains("用户已创建"));
    assert!(b.text("#user-li\\.na").await.contains("li.na"));
    b.screenshot("08-users").await;
    b.click("#logout").await;
    b.client.wait().for_element(Locator::Id("login-submit")).await.unwrap();

    b.client.find(Locator::Id("username")).await.unwrap().send_keys("li.na").await.unwrap();
    b.client.find(Locator::Id("password")).await.unwrap().send_keys("li-na-password-2026").await.unwrap();
    b.click("#login-submit").await;
    assert!(b.text(".me .who").await.contains("李娜"));
    assert!(b.text("header nav").await.contains("审计日志"), "risk sees the audit log");
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_auditor_verifies_the_chain_and_an_investor_lands_on_the_portal() {
    let Some(b) = browser().await else { return };
    b.login("auditor").await;
    b.click("nav a[href='/audit']").await;
    assert_eq!(b.text("h1").await, "审计日志");
    let first = b.text("#audit tbody tr:first-child").await;
    assert!(first.contains("登录了"), "the newest record is this login: {first}");
    b.click("#verify").await;
    // The status is on the page before the click too: wait for the verified page, then read it.
    b.until("the chain verified on request", || async {
        b.client.current_url().await.is_ok_and(|u| u.query().unwrap_or("").contains("verify=1"))
    })
    .await;
    let verdict = b.text_once("#chain-status", |t| t.contains("审计链完整")).await;
    assert!(verdict.contains("审计链完整"), "{verdict}");
    b.screenshot("09-audit").await;
    b.click("#logout").await;
    b.client.wait().for_element(Locator::Id("login-submit")).await.unwrap();

    b.login("investor").await;
    assert_eq!(b.path().await, "/portal");
    assert!(b.text("#portal-company").await.contains("浙江明湖资产管理有限公司"));
    let nav = b.text("header nav").await;
    assert!(nav.contains("投资者门户") && !nav.contains("概览"), "{nav}");
    b.screenshot("10-portal").await;
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_acquisition_officer_uploads_a_tape_and_reads_its_report() {
    let Some(b) = browser().await else { return };
    let dir = tempfile::tempdir().unwrap();
    let tape = dir.path().join("钱江农商2026第一批.csv");
    std::fs::write(&tape, common::sample_tape()).unwrap();
    b.login("acquisition").await;
    b.click("nav a[href='/imports/new']").await;
    assert_eq!(b.text("h1").await, "导入资产包数据带");
    b.client.find(Locator::Id("import-file")).await.unwrap().send_keys(tape.to_str().unwrap()).await.unwrap();
    for (id, value) in [
        ("package", "QJ-2026-001"),
        ("package_name", "钱江农商2026年第一批"),
        ("transferor_name", "钱江农村商业银行"),
        ("transferor_id", "91330100MA2AYA1GX3"),
    ] {
        b.client.find(Locator::Id(&format!("import-{id}"))).await.unwrap().send_keys(value).await.unwrap();
    }
    b.client.execute("document.getElementById('import-cutoff').value = '2026-06-30';", vec![]).await.unwrap();
    b.screenshot("11-import-form").await;
    // Strict first: refused, with the reasons.
    b.click("#import-submit").await;
    let refused = b.text("#not-loaded").await;
    assert!(refused.contains("2 行被拒绝"), "{refused}");
    assert!(b.text("#problems").await.contains("第18位校验码错误"));
    // Sent in the background with a progress bar (a plain form post would have left /imports/new).
    assert_eq!(b.path().await, "/imports/new");
    b.screenshot("12-import-refused").await;
    // Then partial.
    b.goto("/imports/new").await;
    b.client.find(Locator::Id("import-file")).await.unwrap().send_keys(tape.to_str().unwrap()).await.unwrap();
    for (id, value) in
        [("package", "QJ-2026-001"), ("transferor_name", "钱江农村商业银行"), ("transferor_id", "91330100MA2AYA1GX3")]
    {
        b.client.find(Locator::Id(&format!("import-{id}"))).await.unwrap().send_keys(value).await.unwrap();
    }
    b.client.execute("document.getElementById('import-cutoff').value = '2026-06-30';", vec![]).await.unwrap();
    b.click("#policy-partial").await;
    b.click("#import-submit").await;
    let facts = b.text("#report-facts").await;
    let path = b.path().await;
    assert!(path.starts_with("/imports/") && path != "/imports/new", "{path}");
    assert!(facts.contains("QJ-2026-001") && facts.contains("钱江农商2026第一批.csv"), "{facts}");
    b.screenshot("13-import-report").await;
    b.click("#rules a").await;
    assert!(b.client.current_url().await.unwrap().query().unwrap_or("").contains("rule="));
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_valuer_prices_a_package_edits_a_set_and_reads_the_results() {
    let Some(b) = browser().await else { return };
    b.login("valuer").await;
    b.click("nav a[href='/packages']").await;
    b.click("#packages tbody tr:first-child a").await;
    b.click("#package-valuation").await;
    assert!(b.path().await.ends_with("/valuation"));
    // The demo's run is there, with its charts drawn.
    let first = b.text("#run-title").await;
    let columns = b.client.find_all(Locator::Css("#chart-cash rect.bar")).await.unwrap();
    assert!(columns.len() >= 3, "a column per quarter with cash");
    assert_eq!(b.client.find_all(Locator::Css("#chart-cumulative polyline.curve")).await.unwrap().len(), 1);
    assert!(b.client.find_all(Locator::Css("#chart-distribution rect.bar")).await.unwrap().len() >= 5);
    b.screenshot("10-valuation").await;

    // A new run at 12%, 300 scenarios, under a 20% haircut.
    let irr = b.client.find(Locator::Css("#run-form input[name='irr']")).await.unwrap();
    irr.clear().await.unwrap();
    irr.send_keys("12%").await.unwrap();
    let scenarios = b.client.find(Locator::Css("#run-form input[name='scenarios']")).await.unwrap();
    scenarios.clear().await.unwrap();
    scenarios.send_keys("300").await.unwrap();
    b.client
        .find(Locator::Css("#run-form select[name='stress'] option[value='mv-20']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.click("#run-valuation").await;
    let deadline = Instant::now() + Duration::from_secs(20);
    while !b.path().await.starts_with("/valuations/") && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(b.path().await.starts_with("/valuations/"), "{}", b.path().await);
    let title = b.text("#run-title").await;
    assert_ne!(title, first, "the new run is shown");
    let facts = b.text("#valuation-facts").await;
    assert!(facts.contains("12.00%"), "{facts}");
    assert!(b.text("#runs").await.contains("抵押物价值 −20%"));
    b.screenshot("11-valuation-run").await;

    // Into a claim: its routes in the run.
    b.click("#top-claims tbody tr:first-child a").await;
    assert!(b.path().await.starts_with("/claims/"));
    assert!(b.text("#claim-routes").await.contains("现值"));
    b.screenshot("12-claim-valuation").await;

    // An assumption set: a wrong value is explained, a right one saves version 2.
    b.click("nav a[href='/assumptions']").await;
    b.click("#sets tbody tr:first-child a").await;
    let legal = b.client.find(Locator::Css("input[name='p/legal_costs']")).await.unwrap();
    legal.clear().await.unwrap();
    legal.send_keys("150%").await.unwrap();
    b.click("#save-set").await;
    // The summary at the top says nothing was saved; the message is beside the field.
    assert!(b.text("#error-summary").await.contains("未保存"));
    assert!(b.text("#edit-set-p\\/legal_costs-error").await.contains("超出范围"));
    let legal = b.client.find(Locator::Css("input[name='p/legal_costs']")).await.unwrap();
    legal.clear().await.unwrap();
    legal.send_keys("9%").await.unwrap();
    b.click("#save-set").await;
    b.text_once("h1", |h| h.ends_with("v2")).await;
    b.client.wait().for_element(Locator::Css("#params")).await.unwrap();
    b.screenshot("13-assumptions").await;
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_risk_team_reads_the_indicators_in_a_browser() {
    let Some(b) = browser().await else { return };
    b.login("risk").await;
    b.click("nav a[href='/compliance']").await;
    assert!(b.path().await.starts_with("/compliance"));
    b.client.wait().for_element(Locator::Css("#as-of-form input[name='as_of']")).await.unwrap();
    // A date input takes keystrokes in the browser's locale order; set it directly instead.
    b.client
        .execute("document.querySelector('#as-of-form input[name=as_of]').value = '2026-09-30';", vec![])
        .await
        .unwrap();
    b.click("#as-of-form button").await;
    let deadline = Instant::now() + Duration::from_secs(20);
    while !b.client.current_url().await.unwrap().query().unwrap_or("").contains("as_of=2026-09-30")
        && Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let q4 = b.text("#indicator-q4").await;
    assert!(q4.contains("超限（过渡期内）"), "{q4}");
    assert_eq!(b.client.find_all(Locator::Css("#indicators .gauge")).await.unwrap().len(), 6);
    b.screenshot("20-compliance").await;
    b.click("a[href='/rules']").await;
    assert!(b.text("#rule-catalogue").await.contains("Q16"));
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deal_is_checked_from_the_package_page_and_the_risk_team_sees_what_is_open() {
    let Some(b) = browser().await else { return };
    b.login("acquisition").await;
    b.goto("/packages/3").await;
    // The personal-loan package is in due diligence: the panel proposes an acquisition.
    assert!(b.text("#pretrade h2").await.contains("交易前合规检查"));
    b.client.find(Locator::Css("#pretrade-form input[name='price']")).await.unwrap().send_keys("10000").await.unwrap();
    b.client
        .execute("document.querySelector('#pretrade-form input[name=as_of]').value = '2026-09-30';", vec![])
        .await
        .unwrap();
    b.click("#pretrade-form button").await;
    let deadline = Instant::now() + Duration::from_secs(20);
    while !b.path().await.starts_with("/checks/") && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // 1 亿 out of 1.5 亿 of HQLA takes liquidity below 100%: a limit awaiting the risk team.
    assert_eq!(b.text("#check-standing").await, "待豁免");
    assert!(b.text("#findings").await.contains("Q5"));
    assert_eq!(
        b.client.find_all(Locator::Css("#record-acquisition")).await.unwrap().len(),
        0,
        "not before the override"
    );
    b.screenshot("21-check").await;
    let check = b.path().await;
    b.click("#logout").await;
    b.login("risk").await;
    b.goto(&check).await;
    b.client
        .find(Locator::Css("#findings input[name='reason']"))
        .await
        .unwrap()
        .send_keys("中期票据 10 月到账")
        .await
        .unwrap();
    b.click("#findings button").await;
    b.client.wait().for_element(Locator::Css("#check-standing")).await.unwrap();
    // Four eyes: a second risk officer approves the override before it counts.
    assert_eq!(b.text("#check-standing").await, "待豁免");
    b.click("#logout").await;
    b.login("risk2").await;
    b.goto(&check).await;
    b.click("#findings form[id^='approve-'] button").await;
    b.client.wait().for_element(Locator::Css("#check-standing")).await.unwrap();
    assert_eq!(b.text("#check-standing").await, "可执行");
    b.goto("/compliance?as_of=2026-09-30").await;
    let open = b.text("#open-breaches").await;
    assert!(open.contains("Q4") && open.contains("禁止"), "{open}");
    assert_eq!(b.client.find_all(Locator::Css("#trend-charts figure")).await.unwrap().len(), 6);
    b.screenshot("22-open-items").await;
    b.close().await;
}

impl Browser {
    /// Waits until the path starts with `prefix` (a form posted and redirected). Panics after twenty seconds.
    async fn wait_for_path(&self, prefix: &str) -> String {
        self.wait_until_path(prefix, |_| true).await
    }

    /// Waits for the page of a record: `prefix` and an id (`/plans/` is not met by `/plans/new`,
    /// the page a form was posted from, which a slow post leaves the browser on for a while).
    async fn wait_for_record(&self, prefix: &str) -> String {
        self.wait_until_path(prefix, |id| id.starts_with(|c: char| c.is_ascii_digit())).await
    }

    async fn wait_until_path(&self, prefix: &str, rest: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let path = self.path().await;
            if path.strip_prefix(prefix).is_some_and(&rest) {
                return path;
            }
            assert!(Instant::now() < deadline, "still at {path}, waiting for {prefix}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn type_into(&self, css: &str, text: &str) {
        let e = self.client.wait().for_element(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}"));
        e.clear().await.unwrap();
        e.send_keys(text).await.unwrap();
    }

    /// Waits until `done` holds (the store has what a form posted): a page reloaded after a post
    /// may look as it did before. Panics after twenty seconds.
    async fn until<F: std::future::Future<Output = bool>>(&self, what: &str, mut done: impl FnMut() -> F) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !done().await {
            assert!(Instant::now() < deadline, "{what}: not after twenty seconds");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn choose(&self, css: &str, value: &str) {
        let script = format!("document.querySelector({css:?}).value = {value:?};");
        self.client.execute(&script, vec![]).await.unwrap();
    }
}

/// Issue 13's journey: the asset manager prepares a plan for a person's claim, the committee votes
/// it through at the meeting in session, the asset manager announces it and corrects it once; the
/// public page, without a login, shows the announcement masked and keeps the first version in its
/// archive.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plan_is_voted_through_and_announced_masked_on_the_public_page() {
    let Some(b) = browser().await else { return };
    let store = b._app.store.store.clone();
    // A held claim whose debtor is a person (its name must never show in public).
    let mut found = None;
    for p in store.packages().await.unwrap() {
        let data = &p.package.data;
        if !data.is_held() || data.valuation_basis == huajie_core::ValuationBasis::RetailBatch {
            continue;
        }
        for row in store.claims_of_package(p.package.id).await.unwrap().into_iter().skip(5) {
            if row.debtor.data.kind() == huajie_core::PartyKind::Individual {
                found = Some((row.claim.id, row.debtor.data.name.clone(), row.debtor.data.address.clone()));
                break;
            }
        }
        if found.is_some() {
            break;
        }
    }
    let (claim, name, address) = found.expect("a held claim owed by a person");
    let subject = huajie_store::PlanSubject::Claim(claim);
    let valuation = store.plan_appraisal(subject).await.unwrap().valuation.expect("valued");
    let reserve_wan = (valuation.fen() + 999_999) / 1_000_000;
    let sitting = store
        .meetings()
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.status == huajie_decide::MeetingStatus::InSession)
        .expect("the demo's meeting in session");

    b.login("asset_manager").await;
    b.goto(&format!("/plans/new?subject=claim&id={claim}")).await;
    assert!(b.text("#plan-valuation").await.contains("万"), "the valuation is shown before saving");
    b.choose("#plan-form select[name='method']", "online_auction").await;
    b.type_into("#plan-form input[name='reserve']", &reserve_wan.to_string()).await;
    b.type_into("#plan-form input[name='title']", "浏览器测试 网络拍卖").await;
    b.click("#save-plan").await;
    let plan_path = b.wait_for_record("/plans/").await;
    let plan: i64 = plan_path.trim_start_matches("/plans/").parse().unwrap();
    b.client.wait().for_element(Locator::Css("#gate-passed")).await.expect("the gate passes");
    b.choose("#table-plan select[name='meeting']", &sitting.id.to_string()).await;
    b.click("#table-plan-submit").await;
    let submitted = || {
        let store = store.clone();
        async move { store.plan(plan).await.unwrap().status == huajie_decide::PlanStatus::Submitted }
    };
    b.until("the plan tabled", submitted).await;
    b.text_once("#plan-status", |t| t.contains("已提交")).await;
    b.screenshot("13-plan-tabled").await;
    let item = store
        .meeting_record(sitting.id)
        .await
        .unwrap()
        .items
        .into_iter()
        .find(|(i, _)| i.plan_id == Some(plan))
        .unwrap()
        .0
        .id;
    b.click("#logout").await;
    b.client.wait().for_element(Locator::Id("username")).await.unwrap();

    // Each member votes for it on the meeting's page.
    for member in store.committee_members().await.unwrap() {
        b.login(&member.username).await;
        b.goto(&format!("/committee/meetings/{}", sitting.id)).await;
        b.click(&format!("#vote-form-{item} input[value='for']")).await;
        b.click(&format!("#vote-form-{item} button")).await;
        let voted = |who: String| {
            let store = store.clone();
            async move { store.committee_votes().await.unwrap().iter().any(|v| v.item_id == item && v.username == who) }
        };
        b.until("the vote", || voted(member.username.clone())).await;
        b.wait_for_record("/committee/meetings/").await;
        b.client.wait().for_element(Locator::Css("#logout")).await.unwrap();
        b.click("#logout").await;
        b.client.wait().for_element(Locator::Id("username")).await.unwrap();
    }
    assert_eq!(store.plan(plan).await.unwrap().status, huajie_decide::PlanStatus::Approved);

    // The asset manager drafts, completes and publishes the announcement, then corrects it.
    b.login("asset_manager").await;
    b.goto(&plan_path).await;
    b.click("#draft-announcement button").await;
    let first = b.wait_for_record("/announcements/").await;
    b.type_into("#announcement-form textarea[name='conditions']", "竞买保证金 5 万元；成交后 10 个工作日内付清").await;
    b.type_into("#announcement-form input[name='contact']", "资产经营部 0571-87001234").await;
    b.type_into("#announcement-form input[name='report_channel']", "纪检监察室 0571-87009999").await;
    b.click("#save-announcement").await;
    let id_of = |path: &str| path.trim_start_matches("/announcements/").parse::<i64>().unwrap();
    let saved = |id: i64, words: &'static str| {
        let store = store.clone();
        async move { store.announcement(id).await.unwrap().content.conditions.contains(words) }
    };
    b.until("the draft saved", || saved(id_of(&first), "5 万元")).await;
    b.click("#publish-announcement-submit").await;
    b.text_once("#announcement-status", |t| t.contains("已发布")).await;
    b.screenshot("13-announcement-published").await;
    b.click("#correct-announcement button").await;
    b.text_once("#announcement-status", |t| t.contains("草稿")).await;
    let second = b.path().await;
    assert_ne!(first, second, "a correction is a new version");
    b.type_into(
        "#announcement-form textarea[name='conditions']",
        "竞买保证金 8 万元（更正）；成交后 10 个工作日内付清",
    )
    .await;
    b.click("#save-announcement").await;
    b.until("the correction saved", || saved(id_of(&second), "8 万元（更正）")).await;
    b.click("#publish-announcement-submit").await;
    b.text_once("#announcement-status", |t| t.contains("已发布")).await;
    b.click("#logout").await;
    b.client.wait().for_element(Locator::Id("username")).await.unwrap();

    // The public, without a login: the list, the page masked, the first version in the archive.
    let v2: i64 = second.trim_start_matches("/announcements/").parse().unwrap();
    let v1: i64 = first.trim_start_matches("/announcements/").parse().unwrap();
    b.goto("/public/announcements").await;
    assert!(b.text("#public-announcements").await.contains("浏览器测试"));
    b.goto(&format!("/public/announcements/{v2}")).await;
    let page = b.text("main").await;
    assert!(page.contains("8 万元（更正）"), "{page}");
    assert!(!page.contains(&name), "the debtor's name is masked: {page}");
    if let Some(address) = address.filter(|a| a.chars().count() > 6) {
        assert!(!page.contains(&address), "a person's address is not published: {page}");
    }
    let archive = b.text("#announcement-archive").await;
    assert!(archive.contains("1"), "{archive}");
    let links: Vec<String> = {
        let mut out = Vec::new();
        for a in b.client.find_all(Locator::Css("#announcement-archive a")).await.unwrap() {
            out.push(a.attr("href").await.unwrap().unwrap_or_default());
        }
        out
    };
    assert!(links.iter().any(|l| l.ends_with(&format!("/public/announcements/{v1}"))), "{links:?}");
    b.goto(&format!("/public/announcements/{v1}")).await;
    let old = b.text("main").await;
    assert!(old.contains("竞买保证金 5 万元") && !old.contains(&name), "{old}");
    b.screenshot("13-public-announcement").await;
    b.close().await;
}

impl Browser {
    async fn login_with(&self, username: &str, password: &str) {
        self.goto("/login").await;
        self.type_into("#username", username).await;
        self.type_into("#password", password).await;
        self.click("#login-submit").await;
        self.client.wait().for_element(Locator::Css("#logout")).await.expect("logged in");
    }

    async fn logout(&self) {
        self.click("#logout").await;
        self.wait_for_path("/login").await;
    }
}

/// Issue 14's journey: a person registers on the portal from the login page, logs in and
/// uploads a proof of identity; the asset manager asks for more documents; the investor reads
/// the request and uploads its proof of funds; the risk team qualifies it; the investor reads
/// 已通过.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_individual_registers_is_asked_for_more_documents_and_is_qualified() {
    use huajie_decide::investor::InvestorStatus;
    let Some(b) = browser().await else { return };
    let store = b._app.store.store.clone();
    let dir = tempfile::tempdir().unwrap();
    let id_card = dir.path().join("id-card.jpg");
    std::fs::write(&id_card, b"JPEG id card").unwrap();
    let funds = dir.path().join("funds.pdf");
    std::fs::write(&funds, b"%PDF-1.4 funds").unwrap();
    let password = "my-own-long-password";

    b.goto("/login").await;
    b.click("#register-link").await;
    b.wait_for_path("/portal/register").await;
    let (resident_id, _) = common::person_ids();
    for (field, value) in [
        ("name", "钱小红"),
        ("identifier", resident_id.as_str()),
        ("phone", "13905712345"),
        ("email", "qian@example.cn"),
        ("username", "qian_xh"),
        ("password", password),
        ("confirm", password),
    ] {
        b.type_into(&format!("#register-{field}"), value).await;
    }
    b.click("#register-terms").await;
    b.screenshot("40-register").await;
    b.click("#register-submit").await;
    b.wait_for_path("/login").await;
    let user = store.user_by_username("qian_xh").await.unwrap().expect("registered");
    let id = store.investor_of_user(user.id).await.unwrap().unwrap().id;

    b.login_with("qian_xh", password).await;
    b.goto("/portal").await;
    assert!(b.text("#portal-status").await.contains("待审核"));
    b.choose("#portal-documents-kind", "identity").await;
    b.client.find(Locator::Id("portal-files")).await.unwrap().send_keys(id_card.to_str().unwrap()).await.unwrap();
    b.click("#portal-upload").await;
    b.until("the ID uploaded", || async { store.investor_documents(Some(id)).await.unwrap().len() == 1 }).await;
    b.logout().await;

    b.login("asset_manager").await;
    b.goto(&format!("/investors/{id}")).await;
    b.type_into("#investor-request-message", "请补充资金证明（银行存款证明）").await;
    b.click("#investor-request-submit").await;
    b.until("more documents asked for", || async {
        store.investor(id).await.unwrap().status == InvestorStatus::MoreDocuments
    })
    .await;
    b.logout().await;

    b.login_with("qian_xh", password).await;
    b.goto("/portal").await;
    assert!(b.text("#portal-request").await.contains("请补充资金证明"));
    b.screenshot("41-portal-request").await;
    b.choose("#portal-documents-kind", "proof_of_funds").await;
    b.client.find(Locator::Id("portal-files")).await.unwrap().send_keys(funds.to_str().unwrap()).await.unwrap();
    b.click("#portal-upload").await;
    b.until("back for review", || async { store.investor(id).await.unwrap().status == InvestorStatus::Applied }).await;
    b.logout().await;

    b.login("risk").await;
    b.goto(&format!("/investors/{id}")).await;
    assert!(b.text("#investor-screening-clear").await.contains("未发现"));
    b.click("#investor-qualify-submit").await;
    b.until("qualified", || async { store.investor(id).await.unwrap().status == InvestorStatus::Qualified }).await;
    b.logout().await;

    b.login_with("qian_xh", password).await;
    b.goto("/portal").await;
    let status = b.text_once("#portal-status", |t| t.contains("已通过")).await;
    assert!(status.contains("已通过"), "{status}");
    b.screenshot("42-portal-qualified").await;
    b.close().await;
}

/// A time as the lot form's `datetime-local` input takes it, in Beijing time.
fn beijing_field(t: chrono::DateTime<chrono::Utc>) -> String {
    (t + chrono::Duration::hours(8)).format("%Y-%m-%dT%H:%M").to_string()
}

/// An amount as typed into a form: yuan, no separators.
fn typed(m: huajie_core::Money) -> String {
    m.yuan_string().replace(',', "")
}

/// Issue 14's acceptance: the asset manager sets a lot up on the approved plan's page; a company
/// registers, uploads its documents and is qualified by the risk team; it records its deposit on
/// the lot's page and finance confirms it; the demo's investor is admitted too. At the start the
/// company bids, is outbid (its page shows the new best live, without a reload), bids again from a
/// phone-sized window and leads; past the end the asset manager closes, the staff's page names
/// the company, its portal lists the win, and the public page announces the result by number.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_investor_registers_deposits_outbids_another_and_wins_and_the_public_reads_the_result() {
    use huajie_decide::investor::InvestorStatus;
    let clock = std::sync::Arc::new(huajie_core::clock::FixedClock::at("2026-12-07T02:00:00Z".parse().unwrap()));
    let Some(b) = browser_with_clock(clock.clone()).await else { return };
    let set = |t: chrono::DateTime<chrono::Utc>| *clock.0.lock().unwrap() = t;
    let store = b._app.store.store.clone();
    let (plan, opens) = huajie_store::testing::unlotted_auction_plan(&store).await;
    let reserve = plan.reserve.expect("an approved reserve");
    let start = huajie_core::Money::from_fen(reserve.fen() * 8 / 10 / 100 * 100);
    let step = huajie_core::Money::from_yuan(10_000).unwrap();
    let (starts, ends) = (opens + chrono::Duration::hours(10), opens + chrono::Duration::hours(16));

    // 1. The asset manager sets the lot up on the plan's page (the datetime-local inputs are
    // filled by script: what chromedriver types into them depends on the browser's locale).
    b.login("asset_manager").await;
    b.goto(&format!("/plans/{}", plan.id)).await;
    for (field, value) in [
        ("title", "浏览器测试 网络拍卖标的".to_string()),
        ("start_price", typed(start)),
        ("increment", "10000".to_string()),
        ("reserve", typed(reserve)),
        ("deposit", "200000".to_string()),
    ] {
        b.type_into(&format!("#lot-create input[name='{field}']"), &value).await;
    }
    b.choose("#lot-create input[name='starts_at']", &beijing_field(starts)).await;
    b.choose("#lot-create input[name='ends_at']", &beijing_field(ends)).await;
    b.screenshot("50-lot-create").await;
    b.click("#lot-create-submit").await;
    let lot_path = b.wait_for_record("/lots/").await;
    let lot_id: i64 = lot_path.trim_start_matches("/lots/").parse().unwrap();
    let lot = store.lot(lot_id).await.unwrap().lot;
    assert_eq!((lot.terms.starts_at, lot.terms.ends_at), (starts, ends), "北京时间 kept as UTC");
    assert_eq!((lot.terms.start_price, lot.terms.reserve), (start, Some(reserve)));
    b.logout().await;

    // 2. A company registers, uploads its licence and proof of funds; the risk team qualifies it.
    let name = "杭州浏览器竞买有限公司";
    let uscc = huajie_core::Uscc::with_check_chars("91330106MA3D0047").unwrap().to_string();
    let password = "browser-bidder-password";
    b.goto("/portal/register").await;
    b.choose("#register-kind", "company").await;
    for (field, value) in [
        ("name", name),
        ("identifier", uscc.as_str()),
        ("legal_rep", "周浏览"),
        ("phone", "13905710047"),
        ("email", "bidder@example.cn"),
        ("username", "browser_bidder"),
        ("password", password),
        ("confirm", password),
    ] {
        b.type_into(&format!("#register-{field}"), value).await;
    }
    b.click("#register-terms").await;
    b.click("#register-submit").await;
    b.wait_for_path("/login").await;
    let user = store.user_by_username("browser_bidder").await.unwrap().expect("registered");
    let investor = store.investor_of_user(user.id).await.unwrap().unwrap().id;
    let dir = tempfile::tempdir().unwrap();
    b.login_with("browser_bidder", password).await;
    for (n, (kind, file)) in [("business_licence", "licence.pdf"), ("proof_of_funds", "funds.pdf")].iter().enumerate() {
        let path = dir.path().join(file);
        std::fs::write(&path, b"%PDF-1.4 document").unwrap();
        b.goto("/portal").await;
        b.choose("#portal-documents-kind", kind).await;
        b.client.find(Locator::Id("portal-files")).await.unwrap().send_keys(path.to_str().unwrap()).await.unwrap();
        b.click("#portal-upload").await;
        let uploaded = || {
            let store = store.clone();
            async move { store.investor_documents(Some(investor)).await.unwrap().len() == n + 1 }
        };
        b.until("the document uploaded", uploaded).await;
    }
    b.logout().await;
    b.login("risk").await;
    b.goto(&format!("/investors/{investor}")).await;
    b.click("#investor-qualify-submit").await;
    b.until("qualified", || async { store.investor(investor).await.unwrap().status == InvestorStatus::Qualified })
        .await;
    b.logout().await;

    // 3. The company records its deposit on the lot's page; finance confirms it on the staff's.
    let portal_lot = format!("/portal/lots/{lot_id}");
    b.login_with("browser_bidder", password).await;
    b.goto(&portal_lot).await;
    b.type_into("#lot-deposit-amount", "200000").await;
    b.type_into("#lot-deposit-reference", "网银 20261207-047").await;
    b.click("#lot-deposit-submit").await;
    b.until("the deposit recorded", || async { store.lot_deposits(Some(lot_id)).await.unwrap().len() == 1 }).await;
    let status = b.text_once("#lot-my-deposit-status", |_| true).await;
    assert_eq!(status, "已登记（待财务确认）");
    b.client.wait().for_element(Locator::Css("#lot-bid-note")).await.expect("no bid form before finance confirms");
    b.screenshot("51-deposit-recorded").await;
    b.logout().await;
    let deposit = store.lot_deposits(Some(lot_id)).await.unwrap()[0].id;
    b.login("finance").await;
    b.goto(&lot_path).await;
    b.type_into(&format!("#confirm-{deposit}-received"), "200000").await;
    b.screenshot("52-deposit-confirm").await;
    b.click(&format!("#confirm-{deposit} button")).await;
    b.until("admitted", || async { store.lot_bidders(Some(lot_id)).await.unwrap().len() == 1 }).await;
    b.logout().await;
    // The demo's investor is admitted through the store (number 0002).
    let other = huajie_auction::InvestorId(store.user_by_username("investor").await.unwrap().unwrap().id);
    let d = store.record_deposit("investor", other, lot_id, "网银 明湖").await.unwrap();
    assert_eq!(store.confirm_deposit("finance", d.id, lot.terms.deposit).await.unwrap().number, 2);

    // 4. Bidding opens: the company bids the start price, is outbid, sees it live, bids again.
    set(starts);
    b.login_with("browser_bidder", password).await;
    b.goto(&portal_lot).await;
    assert_eq!(b.text("#lot-my-number").await, "0001");
    let offered = b.client.find(Locator::Id("lot-bid-amount")).await.unwrap().prop("value").await.unwrap();
    assert_eq!(offered.as_deref(), Some(typed(start).as_str()), "the start price is offered");
    b.click("#lot-bid-submit").await;
    b.until("the first bid", || async { store.lot_bids(Some(lot_id), 0).await.unwrap().len() == 1 }).await;
    // The page the post led to (the page the bid was placed from, live too, may show it first).
    b.until("the bid's page", || async {
        b.client.current_url().await.unwrap().query().is_some_and(|q| q.contains("placed=1"))
    })
    .await;
    assert!(b.text(".notice").await.contains("第 1 次出价"), "the accepted bid is said");
    b.text_once("#lot-best", |t| t.contains(&start.yuan_string())).await;
    b.client.wait().for_element(Locator::Css("#lot-history tr[data-seq='1']")).await.unwrap();
    b.client.execute("window.stillTheSamePage = true;", vec![]).await.unwrap();
    let outbid = start.checked_add(step).unwrap();
    store.place_bid("investor", other, lot_id, outbid).await.unwrap().unwrap();
    let best = b.text_once("#lot-best", |t| t.contains(&outbid.yuan_string())).await;
    assert_eq!(best, format!("{} 元", outbid.yuan_string()));
    let same = b.client.execute("return window.stillTheSamePage === true;", vec![]).await.unwrap();
    assert_eq!(same, serde_json::Value::Bool(true), "the new best came live, without a reload");
    let row = b.text("#lot-history tr[data-seq='2']").await;
    assert!(row.contains("0002") && !row.contains("明湖"), "the other bidder by number: {row}");
    let note = b.text("#lot-history-note").await;
    assert!(note.contains("显示最近 2 次"), "the history's count follows the live rows: {note}");
    let next = start.checked_add(step).unwrap().checked_add(step).unwrap();
    let offered = b.client.find(Locator::Id("lot-bid-amount")).await.unwrap().prop("value").await.unwrap();
    assert_eq!(offered.as_deref(), Some(typed(next).as_str()), "the next minimum offered live");
    b.screenshot("53-outbid-live").await;

    // On a phone: the page fits the width and the bid form is there to use.
    b.client.set_window_size(390, 844).await.unwrap();
    b.goto(&portal_lot).await;
    b.client.wait().for_element(Locator::Id("lot-bid-submit")).await.unwrap();
    let fits = "var d = document.documentElement; return [d.scrollWidth, d.clientWidth];";
    let widths = b.client.execute(fits, vec![]).await.unwrap();
    let (scroll, client) = (widths[0].as_i64().unwrap(), widths[1].as_i64().unwrap());
    assert!(client <= 400, "a phone-sized window: {client}");
    assert!(scroll <= client, "no horizontal overflow on a phone: {scroll} > {client}");
    let input = b.client.find(Locator::Id("lot-bid-amount")).await.unwrap();
    assert!(input.is_displayed().await.unwrap(), "the bid amount is visible");
    let top = if reserve > next { reserve } else { next };
    b.type_into("#lot-bid-amount", &typed(top)).await;
    b.screenshot("54-phone-bid").await;
    b.click("#lot-bid-submit").await;
    b.until("the winning bid", || async { store.lot_bids(Some(lot_id), 0).await.unwrap().len() == 3 }).await;
    b.text_once("#lot-best", |t| t.contains(&top.yuan_string())).await;
    let mine = b.text("#lot-history tr[data-seq='3']").await;
    assert!(mine.contains("0001"), "{mine}");
    b.client.set_window_size(1400, 1000).await.unwrap();
    b.logout().await;

    // 5. Past the end the asset manager closes; staff read the buyer's name, the portal the win.
    set(ends + chrono::Duration::minutes(1));
    b.login("asset_manager").await;
    b.goto(&lot_path).await;
    b.click("#lot-close-submit").await;
    b.until("closed sold", || async { store.lot(lot_id).await.unwrap().lot.status == huajie_auction::LotStatus::Sold })
        .await;
    let winner = b.text_once("#lot-winner", |t| t.contains(name)).await;
    let shown = top.display(huajie_core::Lang::Zh);
    assert!(winner.contains("竞买号 1") && winner.contains(&shown), "{winner}");
    b.screenshot("55-lot-sold").await;
    b.logout().await;
    b.login_with("browser_bidder", password).await;
    b.goto("/portal").await;
    let wins = b.text("#portal-wins").await;
    assert!(wins.contains("浏览器测试 网络拍卖标的") && wins.contains(&format!("{} 元", top.yuan_string())), "{wins}");
    b.screenshot("56-portal-win").await;
    b.logout().await;

    // 6. The public page, without a login: the result announcement by number, never the name.
    b.goto(&format!("/public/lots/{lot_id}")).await;
    assert!(b.text("#lot-result").await.contains("成交结果公告"));
    assert_eq!(b.text("#result-number").await, "0001");
    assert_eq!(b.text("#result-price").await, format!("{} 元", top.yuan_string()));
    let page = b.text("main").await;
    assert!(!page.contains(name) && !page.contains("明湖") && !page.contains(&uscc), "{page}");
    b.screenshot("57-public-result").await;
    b.close().await;
}

/// 10:00 Beijing time on Monday 7 December 2026: the demo's cases and history are dated from it.
fn issue_15_clock() -> std::sync::Arc<huajie_core::clock::FixedClock> {
    std::sync::Arc::new(huajie_core::clock::FixedClock::at("2026-12-07T02:00:00Z".parse().unwrap()))
}

impl Browser {
    /// The value of the input `css` as the page holds it (what was typed, or sent back).
    async fn value(&self, css: &str) -> String {
        let e = self.client.wait().for_element(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}"));
        e.prop("value").await.unwrap().unwrap_or_default()
    }

    /// Switches the page to English and checks that every text of the families named has a
    /// translation (a missing one shows as its key) and `expected` shows.
    async fn in_english(&self, expected: &str) {
        self.click("#lang-switch").await;
        self.in_english_already(expected).await;
    }

    /// The same on a page already in English.
    async fn in_english_already(&self, expected: &str) {
        let main = self.text_once("main", |t| t.contains(expected)).await;
        for family in ["cases.", "ledger.", "reconcile.", "backtest.", "form.", "nav."] {
            assert!(!main.contains(family), "an untranslated {family} key: {main}");
        }
    }

    /// The status and content type of a GET of the link `css` points to, fetched by the page
    /// itself (with its session).
    async fn fetch_link(&self, css: &str) -> (u64, String) {
        let script = format!(
            "const done = arguments[arguments.length - 1];\
             fetch(document.querySelector({css:?}).href).then(r => done([r.status, r.headers.get('content-type')]));"
        );
        let v = self.client.execute_async(&script, vec![]).await.unwrap();
        (v[0].as_u64().unwrap(), v[1].as_str().unwrap_or_default().to_string())
    }
}

/// Issue 15's case management in a browser, on the demo with its history: the asset manager reads
/// the alerts on the dashboard, opens the litigation case from the list, records 生效 — first
/// dated before the judgment (refused beside the date, what was typed kept), then on its day —,
/// reads it in the timeline with the enforcement application period now running, and marks the
/// case's task done.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_asset_manager_records_a_stage_on_a_case_and_completes_its_task() {
    let Some(b) = browser_with_clock(issue_15_clock()).await else { return };
    let store = b._app.store.store.clone();
    let file = store.cases().await.unwrap().into_iter().find(|c| c.case.court == "杭州市西湖区人民法院").unwrap();
    let (case, task) = (file.case.id, file.tasks[0].id);
    b.login("asset_manager").await;
    b.goto("/dashboard").await;
    let alerts = b.text("#case-alerts").await;
    assert!(alerts.contains("诉讼时效") && alerts.contains("拍卖") && alerts.contains("30天内"), "{alerts}");
    b.screenshot("15-dashboard-alerts").await;

    b.click("#case-alerts a[href='/cases']").await;
    b.wait_for_path("/cases").await;
    let row = b.text(&format!("#case-{case}")).await;
    assert!(row.contains("杭州市西湖区人民法院") && row.contains("判决"), "{row}");
    b.click(&format!("#case-{case} a[href='/cases/{case}']")).await;
    b.wait_for_path(&format!("/cases/{case}")).await;
    assert!(b.text("#case-stages").await.contains("判决"));
    assert!(b.text("#no-deadlines").await.contains("没有正在计算的期限"), "the suit stopped the limitation count");
    assert!(b.text(&format!("#task-{task}")).await.contains("跟进判决生效证明"));

    // 生效 dated before the judgment (20 days ago, 2026-11-17): refused beside the date.
    b.choose("#case-stage-stage", "effective").await;
    b.choose("#case-stage-on", "2026-11-10").await;
    b.type_into("#case-stage-note", "上诉期满未上诉").await;
    b.click("#case-stage button[type='submit']").await;
    let error = b.text("#case-stage-on-error").await;
    assert!(error.contains("早于上一阶段") && error.contains("判决"), "{error}");
    assert_eq!(b.value("#case-stage-on").await, "2026-11-10", "the date kept as typed");
    assert_eq!(b.value("#case-stage-note").await, "上诉期满未上诉", "the note kept as typed");
    assert_eq!(b.value("#case-stage-stage").await, "effective");
    assert!(b.text("#error-summary").await.contains("早于上一阶段"));
    b.screenshot("15-case-stage-refused").await;

    b.choose("#case-stage-on", "2026-12-04").await;
    b.click("#case-stage button[type='submit']").await;
    let stages = b.text_once("#case-stages", |t| t.contains("生效")).await;
    assert!(stages.contains("2026-12-04") && stages.contains("上诉期满未上诉"), "{stages}");
    assert!(b.text("#case-current-stage").await.contains("生效"));
    let deadlines = b.text("#case-deadlines").await;
    assert!(deadlines.contains("申请执行期间") && deadlines.contains("2028"), "two years from 2026-12-04: {deadlines}");
    b.screenshot("15-case-stage-recorded").await;

    b.click(&format!("#task-{task} button[type='submit']")).await;
    let done = b.text_once(&format!("#task-{task}"), |t| t.contains("已完成")).await;
    assert!(done.contains("跟进判决生效证明"), "{done}");
    assert!(b.client.find(Locator::Css(&format!("#task-{task} button"))).await.is_err(), "done once");
    b.in_english("Enforcement application period").await;
    b.screenshot("15-case-en").await;
    b.close().await;
}

/// A held claim whose debtor owes nothing else the company holds (a payer's name matches it
/// alone), still owed more than 20,000 yuan: its id, its debtor's name.
async fn a_claim_of_its_own(store: &huajie_store::Store) -> (i64, String) {
    let mut by_debtor: std::collections::BTreeMap<String, Vec<i64>> = Default::default();
    for p in store.packages().await.unwrap().iter().filter(|p| p.package.data.acquired_on.is_some()) {
        for c in store.claims_of_package(p.package.id).await.unwrap() {
            by_debtor.entry(c.debtor.data.name.clone()).or_default().push(c.claim.id);
        }
    }
    for (name, claims) in by_debtor {
        if let [claim] = claims[..] {
            let p = store.claim_position(claim).await.unwrap();
            if p.held && !p.closed && owed_fen(&p) > 2_000_000 {
                return (claim, name);
            }
        }
    }
    panic!("the demo holds a claim of its own debtor's still owed");
}

fn owed_fen(p: &huajie_ledger::claim::Position) -> i64 {
    p.owed.costs.fen() + p.owed.interest.fen() + p.owed.principal.fen()
}

/// Issue 15's ledger and reconciliation in a browser, on the demo with its history: finance posts
/// a receipt through the form and reads it in the journal, the trial balance balanced; a receipt
/// one fen past what the claim still owes is refused beside the amount with what was typed kept; a
/// bank statement uploaded posts the line whose payer names the debtor and queues the unknown one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn finance_posts_a_receipt_is_refused_past_what_is_owed_and_reconciles_a_statement() {
    let Some(b) = browser_with_clock(issue_15_clock()).await else { return };
    let store = b._app.store.store.clone();
    let (claim, debtor) = a_claim_of_its_own(&store).await;
    let posted = || async { store.claim_entries(claim).await.unwrap().len() };
    let before = posted().await;
    b.login("finance").await;
    b.goto("/ledger").await;
    b.click("#post-receipt summary").await;
    b.type_into("#ledger-receipt-claim", &claim.to_string()).await;
    b.choose("#ledger-receipt-date", "2026-12-04").await;
    b.type_into("#ledger-receipt-amount", "10000").await;
    b.choose("#ledger-receipt-source", "debtor").await;
    b.type_into("#ledger-receipt-payer", &debtor).await;
    b.type_into("#ledger-receipt-memo", "浏览器测试：债务人还款").await;
    b.click("#ledger-receipt button[type='submit']").await;
    b.until("the receipt posted", || async { posted().await == before + 1 }).await;
    let entry = store.claim_entries(claim).await.unwrap().last().unwrap().id;
    let shown = b.text(&format!("#entry-{entry}")).await;
    assert!(shown.contains("浏览器测试：债务人还款") && shown.contains("10,000.00"), "{shown}");
    b.screenshot("15-ledger-receipt-posted").await;

    b.click("#trial-balance-link").await;
    b.wait_for_path("/ledger/trial-balance").await;
    let totals = b.client.find_all(Locator::Css("#trial-total th.num")).await.unwrap();
    let (debits, credits) = (totals[0].text().await.unwrap(), totals[1].text().await.unwrap());
    let to_the_fen = debits.strip_suffix(" 元").and_then(|d| d.rsplit_once('.')).is_some_and(|(_, f)| f.len() == 2);
    assert!(to_the_fen, "exact to the fen: {debits}");
    assert!(debits == credits, "debits {debits}, credits {credits}");
    assert!(b.text("#trial-check").await.contains("借贷平衡"));
    b.screenshot("15-trial-balance").await;

    // One fen past what is still owed: refused beside the amount, nothing posted.
    let owed = owed_fen(&store.claim_position(claim).await.unwrap()) + 1;
    let too_much = format!("{}.{:02}", owed / 100, owed % 100);
    b.goto("/ledger").await;
    b.click("#post-receipt summary").await;
    b.type_into("#ledger-receipt-claim", &claim.to_string()).await;
    b.choose("#ledger-receipt-date", "2026-12-05").await;
    b.type_into("#ledger-receipt-amount", &too_much).await;
    b.choose("#ledger-receipt-source", "guarantor").await;
    b.type_into("#ledger-receipt-payer", "某担保公司").await;
    b.click("#ledger-receipt button[type='submit']").await;
    let error = b.text("#ledger-receipt-amount-error").await;
    assert!(error.contains(&format!("债权 #{claim} 尚欠")) && error.contains("超过所欠金额"), "{error}");
    assert_eq!(b.value("#ledger-receipt-amount").await, too_much, "the amount kept as typed");
    assert_eq!(b.value("#ledger-receipt-payer").await, "某担保公司");
    assert_eq!(b.value("#ledger-receipt-source").await, "guarantor");
    assert_eq!(posted().await, before + 1, "nothing posted");
    b.screenshot("15-ledger-receipt-refused").await;

    // A bank statement: the debtor's payment posted, an unknown payer queued, the bank's fee no receipt.
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("2026-12.csv");
    let lines = format!(
        "某银行活期账户明细\n交易日期,贷方发生额,借方发生额,对方户名,摘要\n2026-12-01,500.00,,{debtor},还款\n\
         2026-12-02,812.34,,不相干的贸易公司,货款\n2026-12-03,,20.00,银行,手续费\n"
    );
    std::fs::write(&csv, lines).unwrap();
    b.goto("/reconcile").await;
    b.client.find(Locator::Id("statement-upload-file")).await.unwrap().send_keys(csv.to_str().unwrap()).await.unwrap();
    b.click("#statement-upload button[type='submit']").await;
    let outcome = b.text_once("#import-outcome", |t| t.contains("2026-12.csv")).await;
    for shown in ["已入账 1", "待人工处理 1", "非收款 1", "此前已导入 0"] {
        assert!(outcome.contains(shown), "{shown} in {outcome}");
    }
    let posted_line = b.text("#outcome-lines").await;
    assert!(posted_line.lines().any(|l| l.contains(&debtor) && l.contains("已入账")), "{posted_line}");
    assert_eq!(posted().await, before + 2, "the debtor's line posted to its claim");
    b.screenshot("15-reconcile-outcome").await;
    b.click("#queue-link").await;
    b.wait_for_path("/reconcile/queue").await;
    let queue = b.text("main").await;
    assert!(queue.contains("不相干的贸易公司") && !queue.contains("手续费"), "{queue}");
    b.screenshot("15-reconcile-queue").await;
    b.in_english("Dismiss").await;
    b.goto("/ledger").await;
    b.in_english_already("Post a receipt").await;
    b.goto("/ledger/trial-balance").await;
    b.in_english_already("Balanced").await;
    b.close().await;
}

/// Issue 15's back-test in a browser: the valuer opens a demo package's back-test from its page
/// and reads projected against actual by quarter, the actual from the demo's history; the page's
/// workbook link answers an .xlsx.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_valuer_reads_a_packages_back_test_and_downloads_it() {
    let Some(b) = browser_with_clock(issue_15_clock()).await else { return };
    let store = b._app.store.store.clone();
    // The package bought first (the longest history) among those bought on a valuation.
    let mut bought = Vec::new();
    for p in store.packages().await.unwrap() {
        if let Some(on) = p.package.data.acquired_on
            && !store.valuation_runs(p.package.id).await.unwrap().is_empty()
        {
            bought.push((on, p.package.id));
        }
    }
    let (_, package) = bought.into_iter().min().expect("a bought package with a valuation");
    b.login("valuer").await;
    b.goto(&format!("/packages/{package}")).await;
    b.click(&format!("a[href='/packages/{package}/backtest']")).await;
    b.wait_for_path(&format!("/packages/{package}/backtest")).await;
    assert!(b.text("h1").await.contains("回溯检验"));
    let header = b.text("#backtest-quarters thead").await;
    assert!(header.contains("预测") && header.contains("实际"), "{header}");
    let rows = b.client.find_all(Locator::Css("#backtest-quarters tbody tr")).await.unwrap();
    assert!(rows.len() >= 4, "two years and more of quarters: {}", rows.len());
    let mut cells = Vec::new();
    for td in rows.last().unwrap().find_all(Locator::Css("td")).await.unwrap() {
        cells.push(td.text().await.unwrap());
    }
    assert!(cells[0].starts_with('Q'), "{cells:?}");
    let nonzero = |s: &str| s.chars().any(|c| ('1'..='9').contains(&c));
    assert!(nonzero(&cells[3]) && nonzero(&cells[4]), "projected and collected to date: {cells:?}");
    assert!(b.client.find(Locator::Id("chart-backtest")).await.is_ok(), "the cumulative curves");
    b.screenshot("15-backtest").await;

    let (status, kind) = b.fetch_link("#backtest-export").await;
    assert_eq!(status, 200);
    assert_eq!(kind, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    b.in_english("By quarter").await;
    b.close().await;
}
