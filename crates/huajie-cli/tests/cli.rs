//! The `huajie` binary as a user runs it: the demo comes up and comes back, the audit
//! chain verifies and catches a row altered by hand, and bad starts fail with one clear
//! line instead of a panic.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_huajie");

fn huajie(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env_remove("HUAJIE_DATABASE_URL")
        .env_remove("HUAJIE_DATA_DIR")
        .output()
        .expect("run huajie")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// The last line of stderr is the one error line, and nothing panicked.
fn assert_clear_failure(o: &Output, expected: &str) {
    let err = stderr(o);
    assert!(!o.status.success(), "should fail: {err}");
    assert!(!err.contains("panicked"), "{err}");
    let last = err.lines().last().unwrap_or("");
    assert!(last.starts_with("错误 / error: ") && last.contains(expected), "expected “{expected}” in: {err}");
}

/// Starts `huajie demo` and waits until it says it is running; returns its stdout so far.
fn start_demo(dir: &Path, port: u16) -> (Child, String) {
    let mut child = Command::new(BIN)
        .args(["demo", "--data-dir", dir.to_str().unwrap(), "--port", &port.to_string()])
        .env_remove("HUAJIE_DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = String::new();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let deadline = Instant::now() + Duration::from_secs(120);
    while Instant::now() < deadline {
        let Some(Ok(line)) = lines.next() else { break };
        out.push_str(&line);
        out.push('\n');
        if line.contains("running at") {
            return (child, out);
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("the demo did not start: {out}");
}

#[test]
fn help_is_everywhere() {
    for args in [
        &["--help"][..],
        &["serve", "--help"],
        &["demo", "--help"],
        &["migrate", "--help"],
        &["audit", "verify", "--help"],
        &["user", "create", "--help"],
    ] {
        let o = huajie(args);
        assert!(o.status.success(), "{args:?}");
        assert!(stdout(&o).contains("Usage"), "{args:?}");
    }
    let serve = stdout(&huajie(&["serve", "--help"]));
    for flag in ["--data-dir", "--database-url", "--bind", "--port"] {
        assert!(serve.contains(flag), "serve lacks {flag}");
    }
}

#[test]
fn the_demo_starts_serves_and_its_audit_chain_catches_tampering() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let (mut child, out) = start_demo(dir.path(), port);
    assert!(out.contains("已载入演示公司"), "{out}");
    for role in [
        "admin",
        "acquisition",
        "valuer",
        "risk",
        "asset_manager",
        "committee",
        "finance",
        "auditor",
        "regulator",
        "investor",
    ] {
        assert!(out.contains(role), "the demo prints the {role} login");
    }
    // The server answers.
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    use std::io::{Read, Write};
    stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 200") && response.ends_with("ok"), "{response}");

    // A second server on the same port fails with one clear line.
    let busy = huajie(&["serve", "--data-dir", dir.path().to_str().unwrap(), "--port", &port.to_string()]);
    assert_clear_failure(&busy, "端口已被占用");
    child.kill().unwrap();
    child.wait().unwrap();

    // Starting again reuses the data.
    let (mut child, out) = start_demo(dir.path(), free_port());
    assert!(out.contains("直接使用"), "{out}");
    child.kill().unwrap();
    child.wait().unwrap();

    let data_dir = dir.path().to_str().unwrap();
    let ok = huajie(&["audit", "verify", "--data-dir", data_dir]);
    assert!(ok.status.success(), "{}{}", stdout(&ok), stderr(&ok));
    assert!(stdout(&ok).contains("审计链完整"), "{}", stdout(&ok));

    // Alter a claim by hand, outside Huajie.
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let store =
            huajie_store::Store::open(&huajie_store::DbTarget::Sqlite(dir.path().join("huajie.sqlite"))).await.unwrap();
        huajie_store::testing::execute_raw(&store, "UPDATE claims SET principal_fen = principal_fen * 2 WHERE id = 17")
            .await;
        store.close().await;
    });
    let bad = huajie(&["audit", "verify", "--data-dir", data_dir]);
    assert!(!bad.status.success());
    assert!(stdout(&bad).contains("claim 17") && stdout(&bad).contains("审计记录 #"), "{}", stdout(&bad));

    // Alter an audit record itself.
    rt.block_on(async {
        let store = huajie_store::Store::open(&huajie_store::DbTarget::Sqlite(dir.path().join("huajie.sqlite"))).await.unwrap();
        huajie_store::testing::execute_raw(&store, "UPDATE claims SET principal_fen = principal_fen / 2 WHERE id = 17").await;
        // The record of a package's creation, made to say it was created already bought.
        huajie_store::testing::execute_raw(&store, "UPDATE audit_log SET after_json = replace(after_json, '\"status\":\"screening\"', '\"status\":\"acquired\"') WHERE seq = (SELECT MIN(seq) FROM audit_log WHERE entity = 'package')").await;
        store.close().await;
    });
    let bad = huajie(&["audit", "verify", "--data-dir", data_dir]);
    assert!(!bad.status.success());
    assert!(stdout(&bad).contains("被篡改"), "{}", stdout(&bad));
}

#[test]
fn bad_starts_fail_with_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    // A data directory that cannot be created (its parent is a file).
    let file = dir.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let o = huajie(&["serve", "--data-dir", file.join("data").to_str().unwrap(), "--port", &free_port().to_string()]);
    assert_clear_failure(&o, "无法创建数据目录");

    // A database URL of the wrong kind, and one nobody answers.
    let o = huajie(&["migrate", "--database-url", "mysql://root@localhost/x"]);
    assert_clear_failure(&o, "数据库地址无效");
    let port = free_port();
    let url = format!("postgres://nobody@127.0.0.1:{port}/huajie");
    let o = huajie(&["serve", "--database-url", &url, "--port", &free_port().to_string()]);
    assert_clear_failure(&o, "无法连接数据库");
    let o = huajie(&["serve", "--data-dir", dir.path().join("d").to_str().unwrap(), "--bind", "not-an-address"]);
    assert_clear_failure(&o, "监听地址无效");
    let o = huajie(&[
        "user",
        "create",
        "--data-dir",
        dir.path().join("d").to_str().unwrap(),
        "--username",
        "x",
        "--display-name",
        "x",
        "--role",
        "king",
    ]);
    assert_clear_failure(&o, "角色无效");
}

#[test]
fn an_administrator_can_be_created_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    assert!(huajie(&["migrate", "--data-dir", d]).status.success());
    let mut child = Command::new(BIN)
        .args([
            "user",
            "create",
            "--data-dir",
            d,
            "--username",
            "root.admin",
            "--display-name",
            "管理员",
            "--role",
            "admin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(b"a-long-admin-password\n").unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("已创建用户 root.admin"));
    let again = huajie(&["migrate", "--data-dir", d]);
    assert!(stdout(&again).contains("已是最新"));
}

#[test]
fn identifiers_and_addresses_are_checked_from_the_command_line() {
    let o = huajie(&["check", "id", "11010519491231002X", "91440300708461136T"]);
    assert!(o.status.success(), "{}", stdout(&o));
    assert!(stdout(&o).contains("有效的身份证号码") && stdout(&o).contains("有效的统一社会信用代码"));
    let o = huajie(&["check", "id", "110105194912310021"]);
    assert!(!o.status.success());
    assert!(stdout(&o).contains("第18位校验码错误：应为“X”，实际为“1”"), "{}", stdout(&o));
    let o = huajie(&["check", "address", "深圳市南山区科技园"]);
    assert!(o.status.success());
    assert!(stdout(&o).contains("广东省（44）"), "{}", stdout(&o));
}

/// `huajie` with `args` on the data directory `d`.
fn on(d: &str, args: &[&str]) -> Output {
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--data-dir", d]);
    huajie(&all)
}

#[test]
fn every_command_works_on_a_fresh_data_directory_and_an_older_schema_waits_for_migrate() {
    let dir = tempfile::tempdir().unwrap();
    let fresh = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    let tape = dir.path().join("tape.csv");
    std::fs::write(&tape, "借款合同编号,借款人名称,证件号码,本金余额\nHT-1,张三,11010519491231002X,1000\n").unwrap();
    let schema_created = "新数据库：已建立数据库结构 / new database: schema created";

    // An import into a directory nobody has migrated: the schema is created, the tape loads.
    let a = fresh("a");
    let o = on(
        &a,
        &[
            "import",
            tape.to_str().unwrap(),
            "--package",
            "P1",
            "--transferor-name",
            "某银行",
            "--transferor-id",
            "91440300708461136T",
            "--cutoff",
            "2025-06-30",
        ],
    );
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    assert!(stderr(&o).contains(schema_created), "{}", stderr(&o));
    assert!(stdout(&o).contains("已载入资产包 P1 第 1 版"), "{}", stdout(&o));
    // The next command finds the schema there, and says nothing of it.
    let o = on(&a, &["value", "--package", "P1", "--scenarios", "10"]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    assert!(!stderr(&o).contains(schema_created));
    assert!(stdout(&o).contains("已保存为估值记录 #1"), "{}", stdout(&o));

    // Every other command on a fresh directory: the schema, then the command's own answer.
    for (name, args, answer) in [
        ("b", &["value", "--package", "NONE"][..], "资产包 NONE 不存在"),
        ("c", &["import", "--status"][..], ""),
        ("d", &["audit", "verify"][..], "审计链完整：0 条记录"),
        ("e", &["check", "--as-of", "2026-09-30"][..], "缺少 2026-09-30 的季末净资产"),
    ] {
        let o = on(&fresh(name), args);
        let said = format!("{}{}", stdout(&o), stderr(&o));
        assert!(stderr(&o).contains(schema_created), "{args:?}: {said}");
        assert!(!said.contains("huajie migrate"), "{args:?}: {said}");
        assert!(said.contains(answer), "{args:?}: {said}");
    }
    let mut child = Command::new(BIN)
        .args(["user", "create", "--data-dir", &fresh("f"), "--username", "root.admin"])
        .args(["--display-name", "管理员", "--role", "admin"])
        .env_remove("HUAJIE_DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(b"a-long-admin-password\n").unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains(schema_created));

    // A database at an older schema is not upgraded behind the operator's back.
    let old = dir.path().join("old");
    std::fs::create_dir(&old).unwrap();
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/../huajie-store/tests/fixtures/demo-schema-10.sqlite"),
        old.join("huajie.sqlite"),
    )
    .unwrap();
    let o = on(old.to_str().unwrap(), &["import", tape.to_str().unwrap(), "--package", "ZJ-2025-001"]);
    assert_clear_failure(&o, "请先运行 huajie migrate");
    assert!(!stderr(&o).contains(schema_created));
}

#[test]
fn check_without_a_date_computes_as_of_today_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let store =
            huajie_store::Store::open(&huajie_store::DbTarget::Sqlite(dir.path().join("huajie.sqlite"))).await.unwrap();
        store.migrate().await.unwrap();
        huajie_demo::load(&store, &huajie_demo::generate(), |_| "x".into()).await.unwrap();
        store.close().await;
    });
    // Today in Beijing, as the store's clock reads it.
    let today = huajie_core::clock::Clock::today(&huajie_core::clock::SystemClock);
    let o = on(d, &["check"]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(out.starts_with(&format!("未给出 --as-of：按今天（北京时间）{today} 计算\n")), "{out}");
    // The same figures as when the date is given.
    let dated = stdout(&on(d, &["check", "--as-of", &today.to_string()]));
    assert_eq!(out.lines().skip(1).collect::<Vec<_>>(), dated.lines().collect::<Vec<_>>());
    let en = stdout(&on(d, &["check", "--lang", "en"]));
    assert!(en.starts_with(&format!("No --as-of given: computed as of today, {today} (Beijing time)\n")), "{en}");
    // Lines in the language asked for, and what is not printed is counted.
    let recorded = stdout(&on(d, &["check", "--as-of", "2026-09-30", "--lang", "en"]));
    assert!(!recorded.contains("新增投资") && !recorded.contains("金融不良资产收购"), "{recorded}");
    assert!(recorded.contains(" new investment "), "{recorded}");
    assert!(recorded.contains("more lines: see the Quarterly report .xlsx"), "{recorded}");
    let zh = stdout(&on(d, &["check", "--as-of", "2026-09-30"]));
    assert!(zh.contains(" 新增投资 ") && !zh.contains(" / new investment"), "{zh}");
    assert!(zh.contains("行，见季度报告 .xlsx"), "{zh}");
}

#[test]
fn an_identifier_is_checked_as_the_kind_given() {
    let typo = "131101135001010003"; // a resident ID mistyped, passing every check of a USCC
    let o = huajie(&["check", "id", typo]);
    assert!(!o.status.success());
    assert!(stdout(&o).contains("不作为统一社会信用代码接受"), "{}", stdout(&o));
    let o = huajie(&["check", "id", "--kind", "corporate", typo]);
    assert!(o.status.success(), "{}", stdout(&o));
    let o = huajie(&["check", "id", "--kind", "个人", "91440300708461136T"]);
    assert!(!o.status.success());
    assert!(stdout(&o).contains("应为身份证号码，所填却是有效的统一社会信用代码"), "{}", stdout(&o));
    // Spaces and hyphens are removed, a former region code is named as such.
    let o = huajie(&["check", "id", "110103 19650412 0020"]);
    assert!(stdout(&o).contains("曾用代码（崇文区"), "{}", stdout(&o));
}
