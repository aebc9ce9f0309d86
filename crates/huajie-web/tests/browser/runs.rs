//! Background runs in a browser (issue 17): a valuation with Monte Carlo scenarios started
//! from its page lands on the run's progress page, which survives a reload and leads to the
//! run once done; an import is cancelled from its progress page and loads nothing.

use std::time::Duration;

use fantoccini::Locator;

use super::{Browser, browser_on, common};

/// The demo served with no wait: every form that starts a run answers with its progress page.
async fn browser_without_wait() -> Option<Browser> {
    let config = huajie_web::WebConfig { run_wait: Duration::ZERO, ..common::config() };
    browser_on(common::TestApp::new, config).await
}

impl Browser {
    /// Waits (up to two minutes) until the page's path starts with `prefix`; the path.
    async fn path_becomes(&self, prefix: &str) -> String {
        for _ in 0..1200 {
            let path = self.path().await;
            if path.starts_with(prefix) {
                return path;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("still at {} rather than {prefix}…", self.path().await)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_valuation_runs_in_the_background_survives_a_reload_and_leads_to_its_run() {
    let Some(b) = browser_without_wait().await else { return };
    b.login("valuer").await;
    b.goto("/packages/1/valuation").await;
    let scenarios = b.client.find(Locator::Id("run-form-scenarios")).await.unwrap();
    scenarios.clear().await.unwrap();
    scenarios.send_keys("10000").await.unwrap();
    b.click("#run-form button[type='submit']").await;
    // The form answers at once with the run's page (or, had the run been quicker than the
    // redirect, its result).
    let mut landed = b.path().await;
    for _ in 0..600 {
        if landed != "/packages/1/valuation" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        landed = b.path().await;
    }
    let run_page = b.client.current_url().await.unwrap();
    if landed.starts_with("/runs/") {
        assert!(b.text("#run-facts").await.contains("估值"));
        assert!(!b.text("#run-percent").await.is_empty());
        b.screenshot("runs-01-valuation-progress").await;
        b.client.refresh().await.unwrap();
    }
    let result = b.path_becomes("/valuations/").await;
    let run: i64 = result.trim_start_matches("/valuations/").parse().unwrap();
    assert!(b.text("h1").await.contains("估值"));
    let store = b._app.store.store.clone();
    assert_eq!(store.valuation_run(run).await.unwrap().unwrap().scenarios, 10_000);
    // The run's page, opened again later, leads to the same run.
    b.client.goto(run_page.as_str()).await.unwrap();
    assert_eq!(b.path_becomes("/valuations/").await, result);
    b.goto("/runs").await;
    assert!(b.text("#runs").await.contains("已完成"));
    b.close().await;
}

/// A personal tape of `rows` claims, each its own borrower.
fn big_tape(rows: usize) -> String {
    let mut csv = String::from("借款合同编号,借款人名称,证件号码,本金余额\n");
    for i in 0..rows {
        let born = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap() + chrono::Duration::days((i / 1000) as i64);
        let id = huajie_core::ResidentId::with_check_char(&format!("330106{}{:03}", born.format("%Y%m%d"), i % 1000))
            .unwrap();
        csv.push_str(&format!("HT{i:05},借款人{i},{},{}.00\n", id.as_str(), 10_000 + i));
    }
    csv
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_is_cancelled_from_its_progress_page_and_loads_nothing() {
    let Some(b) = browser_without_wait().await else { return };
    let dir = tempfile::tempdir().unwrap();
    let tape = dir.path().join("大批量.csv");
    std::fs::write(&tape, big_tape(40_000)).unwrap();
    b.login("acquisition").await;
    b.goto("/imports/new").await;
    b.client.find(Locator::Id("import-file")).await.unwrap().send_keys(tape.to_str().unwrap()).await.unwrap();
    for (id, value) in
        [("package", "BG-2026-001"), ("transferor_name", "钱江农村商业银行"), ("transferor_id", "91330100MA2AYA1GX3")]
    {
        b.client.find(Locator::Id(&format!("import-{id}"))).await.unwrap().send_keys(value).await.unwrap();
    }
    b.client.execute("document.getElementById('import-cutoff').value = '2026-06-30';", vec![]).await.unwrap();
    b.click("#import-submit").await;
    b.path_becomes("/runs/").await;
    b.screenshot("runs-02-import-progress").await;
    b.click("#run-cancel button").await;
    let said = b.text_once("#run-cancelled", |t| t.contains("没有保存任何内容")).await;
    assert!(said.contains("已取消"), "{said}");
    assert!(b.text("#run-state").await.contains("已取消"));
    b.screenshot("runs-03-import-cancelled").await;
    let store = b._app.store.store.clone();
    assert!(store.package_id_by_code("BG-2026-001").await.unwrap().is_none(), "nothing imported");
    b.close().await;
}
