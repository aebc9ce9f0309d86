//! `huajie import` as a user runs it: the strict policy writes nothing when a row is
//! rejected, the partial policy loads the valid rows, and killing the process at any
//! moment leaves the database exactly as it was.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use huajie_core::{ResidentId, Uscc};
use huajie_store::{DbTarget, Store};

const BIN: &str = env!("CARGO_BIN_EXE_huajie");
const BANK: &str = "91330100MA2AYA1GX3";

fn huajie(args: &[&str]) -> Output {
    Command::new(BIN).args(args).env_remove("HUAJIE_DATABASE_URL").env_remove("HUAJIE_DATA_DIR").output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn company(n: u32) -> String {
    Uscc::with_check_chars(&format!("91330102MA2{n:05}")).unwrap().to_string()
}

/// A GBK tape with a title, a two-level header, a 万元 column, a 合计 row, one row with a
/// bad ID and one repeated contract.
fn tape_with_two_bad_rows(dir: &Path) -> std::path::PathBuf {
    let mut rows = vec![
        "某某农商银行2026年第一批不良资产明细,,,,,,,,".to_string(),
        "基准日：2026-06-30,,,,,,,,".to_string(),
        "合同号,客户名称,证件号码,贷款余额（万元）,欠息,五级分类,抵押物,,".to_string(),
        ",,,,,,类型,坐落,评估值（元）".to_string(),
    ];
    let mut total = 0.0;
    for i in 0..10u32 {
        let principal = 50.0 + f64::from(i) * 7.5;
        total += principal;
        let collateral =
            if i % 3 == 0 { format!("厂房,杭州市余杭区良渚街道{}号,2000000", i + 1) } else { ",,".into() };
        rows.push(format!(
            "QJ-{i:03},杭州测试{i}号有限公司,{},{principal:.2},{}.00,可疑,{collateral}",
            company(100 + i),
            i * 1000
        ));
    }
    let person = ResidentId::with_check_char("33010619800101001").unwrap().to_string();
    let mut bad = person.clone();
    let last = bad.pop().unwrap();
    bad.push(if last == '0' { '1' } else { '0' });
    rows.push(format!("QJ-900,王某,{bad},10,0,可疑,,,"));
    rows.push(format!("QJ-003,重复公司,{},10,0,次级,,,", company(999)));
    rows.push(format!("合计,,,{:.2},,,,,", total + 20.0));
    let text = rows.join("\n");
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    let path = dir.join("tape.csv");
    std::fs::write(&path, gbk).unwrap();
    path
}

async fn counts(dir: &Path) -> (i64, usize, i64) {
    let store = Store::open(&DbTarget::Sqlite(dir.join("huajie.sqlite"))).await.unwrap();
    let d = store.dashboard().await.unwrap();
    let audit = store.audit_count().await.unwrap();
    let packages = store.packages().await.unwrap().len();
    store.close().await;
    (d.claims, packages, audit)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn strict_writes_nothing_partial_loads_the_valid_rows() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    assert!(huajie(&["migrate", "--data-dir", d]).status.success());
    let tape = tape_with_two_bad_rows(dir.path());
    let tape = tape.to_str().unwrap();
    let before = counts(dir.path()).await;

    let args = [
        "import",
        tape,
        "--data-dir",
        d,
        "--package",
        "QJ-2026-001",
        "--transferor-name",
        "钱江农商银行",
        "--transferor-id",
        BANK,
    ];
    let report = dir.path().join("report.xlsx");
    let mut strict_args = args.to_vec();
    strict_args.extend(["--report", report.to_str().unwrap()]);
    let strict = huajie(&strict_args);
    assert!(!strict.status.success());
    let bytes = std::fs::read(&report).expect("the report is written even when the tape is refused");
    assert!(bytes.starts_with(b"PK"), "an .xlsx workbook");
    let out = stdout(&strict);
    assert!(out.contains("第15行 C列（证件号码）"), "{out}");
    assert!(out.contains("[E004] 合同编号重复"), "{out}");
    assert!(!out.contains("[W201]"), "the 合计 row counts every row, rejected ones too: {out}");
    let after = counts(dir.path()).await;
    assert_eq!((after.0, after.1), (before.0, before.1), "strict: nothing written, not even the package");
    assert_eq!(after.2, before.2 + 2, "only the attempt, started and ended");
    let status = stdout(&huajie(&["import", "--status", "--data-dir", d]));
    assert!(status.contains("未载入：按导入策略整体拒绝") && status.contains("2 行被拒绝"), "{status}");
    assert!(status.contains(":") && status.contains(" 北京时间 ") && !status.contains(" UTC "), "{status}");

    let mut partial_args = args.to_vec();
    partial_args.extend(["--policy", "partial"]);
    let partial = huajie(&partial_args);
    assert!(partial.status.success(), "{}", stdout(&partial));
    assert!(stdout(&partial).contains("第 1 版：10 笔债权"), "{}", stdout(&partial));
    let (claims, packages, _) = counts(dir.path()).await;
    assert_eq!((claims, packages), (10, 1));
    let verify = huajie(&["audit", "verify", "--data-dir", d]);
    assert!(verify.status.success(), "{}", stdout(&verify));

    let store = Store::open(&DbTarget::Sqlite(dir.path().join("huajie.sqlite"))).await.unwrap();
    let package = store.package_id_by_code("QJ-2026-001").await.unwrap().unwrap();
    let imports = store.tape_imports(package).await.unwrap();
    assert_eq!(imports.len(), 1);
    assert_eq!((imports[0].version, imports[0].rows_rejected, imports[0].policy.as_str()), (1, 2, "partial"));
    assert_eq!(imports[0].cutoff_date.to_string(), "2026-06-30");
    let summary = store.package(package).await.unwrap().unwrap();
    let expected_principal: i64 = (0..10).map(|i| 50_000_000 + i * 7_500_000).sum();
    assert_eq!(summary.principal.fen(), expected_principal, "万元 column read to the fen");
    store.close().await;

    // The bank's updated tape: QJ-001 repaid in part, QJ-009 gone, QJ-010 new.
    let text =
        String::from_utf8(encoding_rs::GBK.decode(&std::fs::read(tape).unwrap()).0.into_owned().into_bytes()).unwrap();
    let updated: Vec<String> = text
        .lines()
        .filter(|l| {
            !l.starts_with("QJ-009")
                && !l.starts_with("合计")
                && !l.starts_with("QJ-900")
                && !l.starts_with("QJ-003,重复")
        })
        .map(|l| if l.starts_with("QJ-001,") { l.replacen(",57.50,", ",40.00,", 1) } else { l.to_string() })
        .chain(std::iter::once(format!("QJ-010,杭州新增有限公司,{},12.5,0.00,损失,,,", company(300))))
        .collect();
    let updated_path = dir.path().join("tape-v2.csv");
    std::fs::write(&updated_path, updated.join("\n")).unwrap();
    let mut v2_args = partial_args.clone();
    v2_args[1] = updated_path.to_str().unwrap();
    let v2 = huajie(&v2_args);
    assert!(v2.status.success(), "{}", stdout(&v2));
    let out = stdout(&v2);
    assert!(out.contains("第 2 版：1 笔债权，更新 1 笔"), "{out}");
    assert!(out.contains("新增 1 笔，变化 1 笔，未变 8 笔，新数据带未列出 1 笔"), "{out}");
    assert!(out.contains("QJ-001：principal 575,000.00 → 400,000.00"), "{out}");
    let store = Store::open(&DbTarget::Sqlite(dir.path().join("huajie.sqlite"))).await.unwrap();
    let claims = store.claims_of_package(package).await.unwrap();
    assert_eq!(claims.len(), 11, "the one no longer listed is kept");
    let qj1 = claims.iter().find(|c| c.claim.data.contract_no == "QJ-001").unwrap();
    assert_eq!(qj1.claim.data.principal.fen(), 40_000_000);
    assert_eq!(qj1.claim.data.five_class, Some(huajie_core::FiveClass::Doubtful));
    let versions = store.tape_imports(package).await.unwrap();
    assert_eq!(versions.iter().map(|v| v.version).collect::<Vec<_>>(), [1, 2]);
    let diff = store.tape_diff(versions[1].id).await.unwrap().unwrap();
    assert_eq!(
        (diff.added.as_slice(), diff.removed.as_slice()),
        (&["QJ-010".to_string()][..], &["QJ-009".to_string()][..])
    );
    store.close().await;
    assert!(huajie(&["audit", "verify", "--data-dir", d]).status.success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killing_an_import_at_any_moment_leaves_the_database_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    assert!(huajie(&["migrate", "--data-dir", d]).status.success());
    let mut rows = vec!["合同编号,借款人名称,证件号码,本金余额,利息余额".to_string()];
    for i in 0..3_000u32 {
        rows.push(format!("K-{i:05},公司{i},{},{}.00,100", company(i), 10_000 + i));
    }
    let tape = dir.path().join("big.csv");
    std::fs::write(&tape, rows.join("\n")).unwrap();
    let before = counts(dir.path()).await;
    // Kill at moments spread over the import (it takes a few seconds in a debug build).
    let mut interrupted = 0;
    let seed = huajie_core::clock::Clock::now(&huajie_core::clock::SystemClock).timestamp_subsec_nanos();
    for (attempt, base_ms) in [150u64, 600, 1_200].into_iter().enumerate() {
        let delay = Duration::from_millis(base_ms + u64::from(seed % 200) + attempt as u64 * 37);
        let mut child = Command::new(BIN)
            .args([
                "import",
                tape.to_str().unwrap(),
                "--data-dir",
                d,
                "--package",
                "K-1",
                "--transferor-name",
                "某银行",
            ])
            .args(["--transferor-id", BANK, "--cutoff", "2026-06-30"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let started = Instant::now();
        while started.elapsed() < delay {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        let finished = child.try_wait().unwrap().is_some();
        let _ = child.kill(); // SIGKILL: no chance to clean up
        child.wait().unwrap();
        let after = counts(dir.path()).await;
        // Asked afterwards, the import says what became of it: never "running" once its process is gone.
        let status = stdout(&huajie(&["import", "--status", "--package", "K-1", "--data-dir", d]));
        let attempts: Vec<&str> = status.lines().filter(|l| l.trim_start().starts_with('#')).collect();
        assert!(attempts.iter().all(|l| !l.contains("正在导入")), "{status}");
        // Killed after its commit, while it was still on its way out, it is finished too.
        if finished || after.1 == 1 {
            assert_eq!((after.0, after.1), (3_000, 1), "a finished import is whole");
            assert!(attempts[0].contains("已载入，第 1 版"), "{status}");
            break;
        }
        assert_eq!((after.0, after.1), (before.0, before.1), "killed after {delay:?}: nothing of the tape is written");
        // … only the attempt, recorded in its own transaction before the load began.
        let store = Store::open(&DbTarget::Sqlite(dir.path().join("huajie.sqlite"))).await.unwrap();
        let added = store.audit_log(100, 0).await.unwrap();
        store.close().await;
        assert!(
            added.iter().take_while(|r| r.seq > before.2).all(|r| r.action == "import_started"),
            "killed after {delay:?}: {added:?}"
        );
        assert!(attempts.iter().all(|l| l.contains("已中断：进程在完成前结束，未载入任何内容")), "{status}");
        // The status lists every attempt so far, each of them interrupted.
        interrupted = attempts.len();
    }
    assert!(interrupted > 0 || huajie(&["import", "--status", "--data-dir", d]).status.success());
    let verify = huajie(&["audit", "verify", "--data-dir", d]);
    assert!(verify.status.success(), "{}", stdout(&verify));
    // Run to its end, the same import says it loaded, above the interrupted ones.
    let done = huajie(&[
        "import",
        tape.to_str().unwrap(),
        "--data-dir",
        d,
        "--package",
        "K-1",
        "--transferor-name",
        "某银行",
        "--transferor-id",
        BANK,
        "--cutoff",
        "2026-06-30",
    ]);
    assert!(done.status.success(), "{}", stdout(&done));
    let status = stdout(&huajie(&["import", "--status", "--data-dir", d]));
    let attempts: Vec<&str> = status.lines().filter(|l| l.trim_start().starts_with('#')).collect();
    assert!(status.starts_with("资产包 / package K-1"), "{status}");
    assert!(attempts[0].contains("big.csv") && attempts[0].contains("已载入"), "{status}");
    assert_eq!(attempts.len(), interrupted + 1 + usize::from(attempts.iter().skip(1).any(|l| l.contains("已载入"))));
}

#[test]
fn workbooks_import_by_extension_and_by_content() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    assert!(huajie(&["migrate", "--data-dir", d]).status.success());
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (col, name) in ["借款合同编号", "借款人名称", "统一社会信用代码", "本金余额"].iter().enumerate()
    {
        sheet.write_string(0, col as u16, *name).unwrap();
    }
    for i in 0..5u32 {
        sheet.write_string(1 + i, 0, format!("X-{i}")).unwrap();
        sheet.write_string(1 + i, 1, format!("公司{i}")).unwrap();
        sheet.write_string(1 + i, 2, company(500 + i)).unwrap();
        sheet.write_number(1 + i, 3, 1234.56).unwrap();
    }
    let bytes = book.save_to_buffer().unwrap();
    for (name, package) in [("tape.xlsx", "X-1"), ("saved-as.csv", "X-2")] {
        let path = dir.path().join(name);
        std::fs::write(&path, &bytes).unwrap();
        let out = huajie(&[
            "import",
            path.to_str().unwrap(),
            "--data-dir",
            d,
            "--package",
            package,
            "--transferor-name",
            "某银行",
            "--transferor-id",
            BANK,
            "--cutoff",
            "2026-06-30",
        ]);
        assert!(out.status.success(), "{name}: {}{}", stdout(&out), String::from_utf8_lossy(&out.stderr));
        assert!(stdout(&out).contains("5 笔债权"), "{}", stdout(&out));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_workbook_with_linked_sheets_loads_shared_collateral_and_guarantees() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    assert!(huajie(&["migrate", "--data-dir", d]).status.success());
    let mut book = rust_xlsxwriter::Workbook::new();
    let claims = book.add_worksheet();
    claims.set_name("债权").unwrap();
    for (c, h) in ["借款合同编号", "借款人名称", "统一社会信用代码", "本金余额"].iter().enumerate()
    {
        claims.write_string(0, c as u16, *h).unwrap();
    }
    for i in 0..2u32 {
        claims.write_string(1 + i, 0, format!("HT-{i}")).unwrap();
        claims.write_string(1 + i, 1, "宁波关联测试有限公司").unwrap();
        claims.write_string(1 + i, 2, company(77)).unwrap();
        claims.write_number(1 + i, 3, 1_000_000.0).unwrap();
    }
    let collateral = book.add_worksheet();
    collateral.set_name("抵押物").unwrap();
    for (c, h) in ["合同编号", "抵押物类型", "坐落", "评估价值"].iter().enumerate() {
        collateral.write_string(0, c as u16, *h).unwrap();
    }
    for (c, v) in ["HT-0、HT-1", "工业厂房", "宁波市北仑区新碶街道1号"].iter().enumerate() {
        collateral.write_string(1, c as u16, *v).unwrap();
    }
    collateral.write_number(1, 3, 8_500_000.0).unwrap();
    let guarantors = book.add_worksheet();
    guarantors.set_name("保证人").unwrap();
    for (c, h) in ["合同编号", "保证人名称", "保证人证件号码"].iter().enumerate() {
        guarantors.write_string(0, c as u16, *h).unwrap();
    }
    guarantors.write_string(1, 0, "HT-0;HT-1").unwrap();
    guarantors.write_string(1, 1, "宁波担保有限公司").unwrap();
    guarantors.write_string(1, 2, company(78)).unwrap();
    let path = dir.path().join("linked.xlsx");
    std::fs::write(&path, book.save_to_buffer().unwrap()).unwrap();
    let out = huajie(&[
        "import",
        path.to_str().unwrap(),
        "--data-dir",
        d,
        "--package",
        "L-1",
        "--transferor-name",
        "某银行",
        "--transferor-id",
        BANK,
        "--cutoff",
        "2026-06-30",
    ]);
    assert!(out.status.success(), "{}", stdout(&out));
    assert!(stdout(&out).contains("抵质押物 1 项，保证 2 笔"), "{}", stdout(&out));
    let store = Store::open(&DbTarget::Sqlite(dir.path().join("huajie.sqlite"))).await.unwrap();
    let package = store.package_id_by_code("L-1").await.unwrap().unwrap();
    let claims = store.claims_of_package(package).await.unwrap();
    let items = store.collateral_of_claim(claims[0].claim.id).await.unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].secures.len(), 2, "one item securing both claims");
    assert_eq!(store.guarantees_of_claim(claims[1].claim.id).await.unwrap().len(), 1);
    store.close().await;
    assert!(huajie(&["audit", "verify", "--data-dir", d]).status.success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_workbook_bomb_is_refused_with_its_reason_and_nothing_is_written() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    assert!(huajie(&["migrate", "--data-dir", d]).status.success());
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated).large_file(true);
    zip.start_file("xl/worksheets/sheet1.xml", options).unwrap();
    let row = format!("<row>{}</row>", r#"<c t="inlineStr"><is><t>炸</t></is></c>"#.repeat(100));
    for _ in 0..(300 << 20) / row.len() {
        zip.write_all(row.as_bytes()).unwrap();
    }
    zip.finish().unwrap();
    let path = dir.path().join("bomb.xlsx");
    std::fs::write(&path, out.into_inner()).unwrap();
    let before = counts(dir.path()).await;
    let out = huajie(&[
        "import",
        path.to_str().unwrap(),
        "--data-dir",
        d,
        "--package",
        "B-1",
        "--transferor-name",
        "某银行",
        "--transferor-id",
        BANK,
        "--cutoff",
        "2026-06-30",
    ]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("工作簿过大：解压后超过 256 MiB"), "{stderr}");
    let after = counts(dir.path()).await;
    assert_eq!((after.0, after.1, after.2), (before.0, before.1, before.2 + 2), "nothing but the attempt");
    let status = stdout(&huajie(&["import", "--status", "--package", "B-1", "--data-dir", d]));
    assert!(status.contains("未载入：文件无法读取") && status.contains("工作簿过大"), "{status}");
}
