//! `huajie value` and `huajie curves` as a valuer runs them: results printed, the run saved
//! and reproduced exactly, reports written; bad input named, nothing saved.

use std::path::Path;
use std::process::{Command, Output};

use huajie_store::{DbTarget, Store};

const BIN: &str = env!("CARGO_BIN_EXE_huajie");

fn huajie(args: &[&str]) -> Output {
    Command::new(BIN).args(args).env_remove("HUAJIE_DATABASE_URL").env_remove("HUAJIE_DATA_DIR").output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

async fn demo(dir: &Path) -> Store {
    let store = Store::open(&DbTarget::Sqlite(dir.join("huajie.sqlite"))).await.unwrap();
    store.migrate().await.unwrap();
    huajie_demo::load(&store, &huajie_demo::generate(), |_| "x".into()).await.unwrap();
    store
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_valuation_is_printed_saved_reported_and_reproduced() {
    let dir = tempfile::tempdir().unwrap();
    let store = demo(dir.path()).await;
    let data = dir.path().to_str().unwrap();
    let xlsx = dir.path().join("v.xlsx");
    let pdf = dir.path().join("v.pdf");
    let package = store.packages().await.unwrap()[0].package.clone();
    let runs_before = store.valuation_runs(package.id).await.unwrap().len();
    let out = huajie(&[
        "value",
        "--data-dir",
        data,
        "--package",
        &package.data.code,
        "--irr",
        "15%",
        "--scenarios",
        "200",
        "--seed",
        "9",
        "--xlsx",
        xlsx.to_str().unwrap(),
        "--pdf",
        pdf.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    for expected in ["目标 IRR 下出价", "分路线回收", "敏感性", "压力测试", "蒙特卡洛", "已保存为估值记录"]
    {
        assert!(text.contains(expected), "{expected} missing:\n{text}");
    }
    assert!(std::fs::read(&xlsx).unwrap().starts_with(b"PK"));
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"));
    let runs = store.valuation_runs(package.id).await.unwrap();
    assert_eq!(runs.len(), runs_before + 1);
    let run = &runs[0];
    assert_eq!((run.scenarios, run.seed, run.created_by.as_str()), (200, 9, "cli"));

    let again = huajie(&["value", "--data-dir", data, "--rerun", &run.id.to_string()]);
    assert!(again.status.success(), "{}{}", stdout(&again), stderr(&again));
    assert!(stdout(&again).contains("完全一致"));

    // A dry run saves nothing; English on request.
    let dry = huajie(&["value", "--data-dir", data, "--package", &package.data.code, "--dry-run", "--lang", "en"]);
    assert!(dry.status.success());
    assert!(stdout(&dry).contains("Bid at target IRR"));
    assert_eq!(store.valuation_runs(package.id).await.unwrap().len(), runs_before + 1);

    // Bad input: one clear line, exit 1, nothing saved.
    for (args, says) in [
        (vec!["--package", "NO-SUCH", "--irr", "0.15"], "不存在"),
        (vec!["--package", package.data.code.as_str(), "--irr", "fifteen"], "目标 IRR 无法识别"),
        (vec!["--package", package.data.code.as_str(), "--stress", "mv-50"], "压力情景 mv-50 不存在"),
        (
            vec!["--package", package.data.code.as_str(), "--assumptions", "没有这个参数集"],
            "参数集 没有这个参数集 不存在",
        ),
    ] {
        let mut all = vec!["value", "--data-dir", data];
        all.extend(args);
        let out = huajie(&all);
        assert_eq!(out.status.code(), Some(1));
        assert!(stderr(&out).contains(says), "{}", stderr(&out));
    }
    assert_eq!(store.valuation_runs(package.id).await.unwrap().len(), runs_before + 1);
}

/// The same out-of-range request the page and the API refuse (crates/huajie-web/tests/valuation.rs):
/// refused here too, naming each field, and nothing saved.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_out_of_range_request_is_refused_as_the_page_and_the_api_refuse_it() {
    use huajie_value::limits::{SCENARIOS_MAX, TARGET_IRR_MAX, scenarios_text, target_irr_text};
    let dir = tempfile::tempdir().unwrap();
    let store = demo(dir.path()).await;
    let data = dir.path().to_str().unwrap();
    let package = store.packages().await.unwrap()[0].package.clone();
    let runs_before = store.valuation_runs(package.id).await.unwrap().len();
    let (irr, scenarios) = ((TARGET_IRR_MAX + 1.0).to_string(), (SCENARIOS_MAX + 1).to_string());
    let out = huajie(&[
        "value",
        "--data-dir",
        data,
        "--package",
        &package.data.code,
        "--irr",
        &irr,
        "--scenarios",
        &scenarios,
        "--dry-run",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    for says in [scenarios_text(), target_irr_text()] {
        assert!(stderr(&out).contains(says.zh.as_ref()), "{} missing: {}", says.zh, stderr(&out));
        assert!(stderr(&out).contains(says.en.as_ref()), "{} missing: {}", says.en, stderr(&out));
    }
    assert_eq!(store.valuation_runs(package.id).await.unwrap().len(), runs_before);
}

/// A history of `claims` credit-card claims acquired over three months, each collecting
/// 1% of its amount a month for a year.
fn history(claims: usize) -> String {
    let mut rows = vec!["债权编号,产品,逾期天数,债权金额,是否诉讼,收购月份,回收月份,回收金额".to_string()];
    for i in 0..claims {
        let acquired = 1 + i % 3;
        for k in 0..12 {
            let month = acquired + k;
            if month > 14 {
                break;
            }
            rows.push(format!(
                "C{i:04},信用卡,400,20000,否,2025-{acquired:02},{}-{:02},200",
                2025 + (month - 1) / 12,
                (month - 1) % 12 + 1
            ));
        }
    }
    rows.join("\n")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn curves_estimated_from_a_history_become_a_new_set_and_a_bad_history_saves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = demo(dir.path()).await;
    let data = dir.path().to_str().unwrap();
    let sets_before = store.assumption_sets().await.unwrap().len();

    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "债权编号,产品,逾期天数,债权金额,是否诉讼,收购月份,回收月份,回收金额\nC1,信用卡,四百,20000,否,2025-01,2025-02,200\n").unwrap();
    let out = huajie(&["curves", "--data-dir", data, "--history", bad.to_str().unwrap(), "--name", "历史曲线"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("第 2 行") && stderr(&out).contains("逾期天数"), "{}", stderr(&out));
    assert_eq!(store.assumption_sets().await.unwrap().len(), sets_before);

    let good = dir.path().join("history.csv");
    std::fs::write(&good, history(60)).unwrap();
    let out = huajie(&["curves", "--data-dir", data, "--history", good.to_str().unwrap(), "--name", "历史曲线"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let set = store.latest_assumption_set("历史曲线").await.unwrap().unwrap();
    assert_eq!(set.assumptions.retail.curves.len(), 1);
    let c = &set.assumptions.retail.curves[0];
    assert_eq!((c.product.as_str(), c.claims, c.vintages), ("信用卡", 60, 3));
    // 1% a month for twelve months, the young pools extended by the old one's factors.
    assert!((c.crr[11] - 0.12).abs() < 1e-9, "{}", c.crr[11]);
    assert!((c.crr[30] - 0.12).abs() < 1e-9);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_six_indicators_of_the_demo_as_of_a_quarter_end() {
    let dir = tempfile::tempdir().unwrap();
    demo(dir.path()).await;
    let data = dir.path().to_str().unwrap();
    let out = huajie(&["check", "--data-dir", data, "--as-of", "2026-09-30"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    // The demo's book: leverage amber, related-party claims a breach inside the transition.
    let block = |id: &str| {
        text.split("\n\n").find(|b| b.starts_with(id)).unwrap_or_else(|| panic!("{id} missing:\n{text}")).to_string()
    };
    assert!(block("Q1").contains("2.7315×") && block("Q1").contains("预警"), "{}", block("Q1"));
    assert!(block("Q4").contains("61.2000%") && block("Q4").contains("超限（过渡期内）"), "{}", block("Q4"));
    for id in ["Q2", "Q3", "Q5", "Q6"] {
        assert!(block(id).contains("合规"), "{}", block(id));
    }
    // A date whose quarter-end has no net assets: one clear line, exit 1.
    let out = huajie(&["check", "--data-dir", data, "--as-of", "2024-06-30"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("缺少 2024-06-30 的季末净资产"), "{}", stderr(&out));
}
