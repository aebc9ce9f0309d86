//! Tape intake on the web: upload, strict and partial policies, the stored report with
//! its rule filter and .xlsx download, masking for other roles, and the API.

mod common;

use axum::http::StatusCode;
use common::{TestApp, person_ids, sample_tape};

const BANK: &str = "91330100MA2AYA1G5Q";

fn form<'a>(csrf: &'a str, package: &'a str, policy: &'a str, action: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("package", package),
        ("package_name", "网页上传测试包"),
        ("transferor_name", "钱江农商银行"),
        ("transferor_id", BANK),
        ("cutoff", "2026-06-30"),
        ("policy", policy),
        ("action", action),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn strict_refuses_partial_loads_and_the_report_stays() {
    let app = TestApp::new().await;
    let mut acq = app.login("acquisition").await;
    let csrf = acq.csrf.clone();
    let tape = sample_tape();
    let audit_before = app.store.store.audit_count().await.unwrap();

    let refused = app
        .post_multipart(
            &mut acq,
            "/imports",
            &form(&csrf, "W-1", "strict", "import"),
            ("tape.csv", tape.as_bytes()),
            None,
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("2 行被拒绝即不导入"), "{}", refused.body);
    assert!(refused.body.contains("E002") && refused.body.contains("E004"));
    assert!(refused.body.contains("第18位校验码错误"));
    assert_eq!(app.store.store.audit_count().await.unwrap(), audit_before, "strict: nothing written");
    assert!(app.store.store.package_id_by_code("W-1").await.unwrap().is_none());

    let loaded = app
        .post_multipart(
            &mut acq,
            "/imports",
            &form(&csrf, "W-1", "partial", "import"),
            ("tape.csv", tape.as_bytes()),
            None,
        )
        .await;
    assert_eq!(loaded.status, StatusCode::SEE_OTHER, "{}", loaded.body);
    let report_path = loaded.location().to_string();
    assert!(report_path.starts_with("/imports/"));
    let page = app.get(&mut acq, &report_path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("W-1") && page.body.contains(">2<"), "two valid claims");
    let (_, bad_id) = person_ids();
    assert!(page.body.contains(&bad_id), "the owner sees the value as the tape had it");
    // Filter by rule.
    let only = app.get(&mut acq, &format!("{report_path}?rule=E004")).await;
    assert!(only.body.contains("E004") && !only.body.contains("第18位校验码错误"), "only duplicates listed");
    // The package shows its tape version.
    let package = app.store.store.package_id_by_code("W-1").await.unwrap().unwrap();
    let package_page = app.get(&mut acq, &format!("/packages/{package}")).await;
    assert!(
        package_page.body.contains("tape-versions") && package_page.body.contains(&format!("href=\"{report_path}\""))
    );
    assert_eq!(app.store.store.claims_of_package(package).await.unwrap().len(), 2);
    assert!(app.store.store.verify_audit().await.unwrap().is_intact());

    // The same tape again is version 2, and changes nothing.
    let again = app
        .post_multipart(
            &mut acq,
            "/imports",
            &form(&csrf, "W-1", "partial", "import"),
            ("tape.csv", tape.as_bytes()),
            None,
        )
        .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    let v2 = app.get(&mut acq, again.location()).await;
    assert!(v2.body.contains("新增 0 笔，变化 0 笔，未变 2 笔"), "{}", v2.body);
    assert_eq!(app.store.store.claims_of_package(package).await.unwrap().len(), 2);
    assert_eq!(app.store.store.tape_imports(package).await.unwrap().len(), 2);

    // Another role sees the report with personal values masked, page and workbook alike.
    let mut valuer = app.login("valuer").await;
    let masked = app.get(&mut valuer, &report_path).await;
    assert_eq!(masked.status, StatusCode::OK);
    assert!(!masked.body.contains(&bad_id), "masked for the valuer");
    assert!(masked.body.contains(&format!("{}********", &bad_id[..6])));
    let xlsx = app.get(&mut valuer, &format!("{report_path}/report.xlsx")).await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert!(xlsx.headers.get("content-type").unwrap().to_str().unwrap().contains("spreadsheetml"));
    assert!(xlsx.headers.get("content-disposition").unwrap().to_str().unwrap().starts_with("attachment"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_report_alone_writes_nothing_and_bad_uploads_say_why() {
    let app = TestApp::new().await;
    let mut acq = app.login("acquisition").await;
    let csrf = acq.csrf.clone();
    let audit_before = app.store.store.audit_count().await.unwrap();
    let tape = sample_tape();
    let report = app
        .post_multipart(
            &mut acq,
            "/imports",
            &form(&csrf, "W-2", "strict", "report"),
            ("tape.csv", tape.as_bytes()),
            None,
        )
        .await;
    assert_eq!(report.status, StatusCode::OK);
    assert!(report.body.len() > 1000);
    assert!(report.headers.get("content-type").unwrap().to_str().unwrap().contains("spreadsheetml"));
    assert_eq!(app.store.store.audit_count().await.unwrap(), audit_before);

    let png = app
        .post_multipart(
            &mut acq,
            "/imports",
            &form(&csrf, "W-2", "strict", "import"),
            ("tape.csv", b"\x89PNG\r\n\x1a\n\0\0"),
            None,
        )
        .await;
    assert_eq!(png.status, StatusCode::BAD_REQUEST);
    assert!(png.body.contains("这不是文本表格文件"), "{}", png.body);
    let empty = app
        .post_multipart(&mut acq, "/imports", &form(&csrf, "W-2", "strict", "import"), ("tape.csv", b""), None)
        .await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST);
    assert!(empty.body.contains("文件为空"), "{}", empty.body);
    let no_header = app
        .post_multipart(&mut acq, "/imports", &form(&csrf, "W-2", "strict", "import"), ("t.csv", b"a,b\n1,2\n"), None)
        .await;
    assert_eq!(no_header.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_header.body.contains("F303"));
    let mut unknown = form(&csrf, "W-3", "strict", "import");
    unknown.retain(|(k, _)| *k != "transferor_id");
    let clean = "合同编号,借款人名称,证件号码,本金余额\nX,甲公司,91330102MA2000042M,1\n";
    let reply = app.post_multipart(&mut acq, "/imports", &unknown, ("t.csv", clean.as_bytes()), None).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.body.contains("该编号的资产包不存在"), "{}", reply.body);
    assert_eq!(app.store.store.audit_count().await.unwrap(), audit_before, "none of these wrote anything");

    // Without the form's CSRF token, or as another role: refused.
    let mut no_csrf = form("", "W-4", "partial", "import");
    no_csrf.retain(|(k, _)| *k != "csrf");
    assert_eq!(
        app.post_multipart(&mut acq, "/imports", &no_csrf, ("t.csv", tape.as_bytes()), None).await.status,
        StatusCode::FORBIDDEN
    );
    let mut risk = app.login("risk").await;
    let risk_csrf = risk.csrf.clone();
    let reply = app
        .post_multipart(
            &mut risk,
            "/imports",
            &form(&risk_csrf, "W-4", "partial", "import"),
            ("t.csv", tape.as_bytes()),
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_imports_and_reports() {
    let app = TestApp::new().await;
    let mut acq = app.login("acquisition").await;
    let csrf = acq.csrf.clone();
    let tape = sample_tape();
    let fields = form("", "A-1", "partial", "import");
    let no_token = app.post_multipart(&mut acq, "/api/v1/imports", &fields, ("t.csv", tape.as_bytes()), None).await;
    assert_eq!(no_token.status, StatusCode::FORBIDDEN);
    let reply = app.post_multipart(&mut acq, "/api/v1/imports", &fields, ("t.csv", tape.as_bytes()), Some(&csrf)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let json = reply.json();
    assert_eq!(json["data"]["status"], "loaded");
    assert_eq!(json["data"]["report"]["valid_claims"], 2);
    let id = json["data"]["import"]["id"].as_i64().unwrap();
    let codes: Vec<&str> =
        json["data"]["report"]["problems"].as_array().unwrap().iter().map(|p| p["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["E002", "E004"]);

    let mut committee = app.login("committee").await;
    let seen = app.get(&mut committee, &format!("/api/v1/imports/{id}")).await.json();
    let (_, bad_id) = person_ids();
    assert!(!seen.to_string().contains(&bad_id), "masked in the API too");
    assert_eq!(seen["data"]["import"]["version"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_mapping_profile_makes_an_odd_tape_importable() {
    let app = TestApp::new().await;
    let mut acq = app.login("acquisition").await;
    let csrf = acq.csrf.clone();
    // This bank calls the debtor 欠款主体 and adds a column nobody wants.
    let company = huajie_core::Uscc::with_check_char("91330102MA2000042").unwrap();
    let tape = format!("合同编号,欠款主体,证件号码,本金余额,内部备注\nB-1,杭州奇特有限公司,{company},1000,勿导入\n");
    let fatal = app
        .post_multipart(
            &mut acq,
            "/imports",
            &form(&csrf, "B-1", "strict", "import"),
            ("odd.csv", tape.as_bytes()),
            None,
        )
        .await;
    assert_eq!(fatal.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(fatal.body.contains("F304"), "the debtor name column is not recognised");

    let review = app
        .post_multipart(
            &mut acq,
            "/imports",
            &form(&csrf, "B-1", "strict", "mapping"),
            ("odd.csv", tape.as_bytes()),
            None,
        )
        .await;
    assert_eq!(review.status, StatusCode::OK);
    assert!(review.body.contains("欠款主体") && review.body.contains("杭州奇特有限公司"), "headers with sample values");
    let save = app
        .post_form(
            &mut acq,
            "/mappings",
            &[
                ("csrf", &csrf),
                ("transferor", BANK),
                ("h1", "欠款主体"),
                ("f1", "debtor_name"),
                ("h4", "内部备注"),
                ("f4", "-"),
                ("h0", "合同编号"),
                ("f0", ""),
            ],
        )
        .await;
    assert_eq!(save.status, StatusCode::SEE_OTHER, "{}", save.body);
    assert_eq!(save.location(), "/imports/new?mapped=2");
    let profile = app.store.store.mapping_profile(BANK).await.unwrap();
    assert_eq!(profile.columns.len(), 2);

    // The same bank's tape now imports: the profile applies by itself.
    let loaded = app
        .post_multipart(
            &mut acq,
            "/imports",
            &form(&csrf, "B-1", "strict", "import"),
            ("odd.csv", tape.as_bytes()),
            None,
        )
        .await;
    assert_eq!(loaded.status, StatusCode::SEE_OTHER, "{}", loaded.body);
    let package = app.store.store.package_id_by_code("B-1").await.unwrap().unwrap();
    let claims = app.store.store.claims_of_package(package).await.unwrap();
    assert_eq!(claims[0].debtor.data.name, "杭州奇特有限公司");
    let history = app.store.store.audit_log(20, 0).await.unwrap();
    assert!(history.iter().any(|r| r.entity == "mapping_profile" && r.actor == "acquisition"));
    assert!(app.store.store.verify_audit().await.unwrap().is_intact());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_progress_is_only_for_the_importer() {
    let app = TestApp::new().await;
    let mut acq = app.login("acquisition").await;
    // No import under that token (they last as long as their upload).
    assert_eq!(app.get(&mut acq, "/imports/progress/0123456789abcdef").await.status, StatusCode::NOT_FOUND);
    let mut valuer = app.login("valuer").await;
    assert_eq!(app.get(&mut valuer, "/imports/progress/0123456789abcdef").await.status, StatusCode::FORBIDDEN);
    // The page carries the script and the progress bar it fills.
    let page = app.get(&mut acq, "/imports/new").await;
    assert!(page.body.contains("/static/import.js") && page.body.contains("id=\"import-progress\""));
    let script = app.get(&mut acq, "/static/import.js").await;
    assert_eq!(script.status, StatusCode::OK);
    assert!(script.body.contains("/imports/progress/"));
}

/// The same-site links of a page (`href="/…"`), as paths to fetch.
fn links(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|h| h.replace("&amp;", "&"))
        .filter(|h| h.starts_with('/') && !h.starts_with("//"))
        .collect()
}

/// The text of every cell of a workbook.
fn workbook_text(bytes: &[u8]) -> String {
    use calamine::Reader;
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).expect("a workbook");
    let mut out = String::new();
    for name in book.sheet_names() {
        if let Ok(range) = book.worksheet_range(&name) {
            for row in range.rows() {
                for cell in row {
                    out.push_str(&cell.to_string());
                    out.push('\t');
                }
            }
        }
    }
    out
}

/// Every page `role` reaches by following links from its home, plus the API's lists and
/// the given extra paths: (path, body) for each. Downloads of workbooks are read as text;
/// PDFs, the language switch and logout are not followed.
async fn walk(app: &TestApp, role: &str, extra: &[String]) -> Vec<(String, String)> {
    let mut client = app.login(role).await;
    let mut queue: std::collections::VecDeque<String> =
        ["/", "/dashboard", "/api/v1/packages", "/api/v1/parties?limit=1000"].iter().map(|s| s.to_string()).collect();
    queue.extend(extra.iter().cloned());
    let mut seen = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    while let Some(path) = queue.pop_front() {
        if !seen.insert(path.clone())
            || path.starts_with("/lang/")
            || path.starts_with("/logout")
            || path.starts_with("/static/")
            || path.ends_with(".pdf")
        {
            continue;
        }
        if path.contains(".xlsx") {
            let (status, bytes) = app.get_bytes(&client, &path).await;
            if status == StatusCode::OK {
                out.push((path, workbook_text(&bytes)));
            }
            continue;
        }
        let reply = app.get(&mut client, &path).await;
        if reply.status == StatusCode::SEE_OTHER {
            queue.push_back(reply.location().to_string());
            continue;
        }
        if reply.status != StatusCode::OK {
            continue;
        }
        if path.starts_with("/api/v1/packages") && !path.contains("/claims") {
            // The API links nothing: follow its ids by hand.
            for p in reply.json()["data"].as_array().into_iter().flatten() {
                let id = &p["id"];
                queue.extend([format!("/api/v1/packages/{id}"), format!("/api/v1/packages/{id}/claims")]);
            }
        }
        queue.extend(links(&reply.body));
        out.push((path, reply.body));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_reimport_no_page_a_masked_role_reaches_shows_a_full_id_number() {
    let app = TestApp::new().await;
    let mut acq = app.login("acquisition").await;
    let csrf = acq.csrf.clone();
    let id = |body: &str| huajie_core::ResidentId::with_check_char(body).unwrap().to_string();
    let (debtor, debtor_new, g1, g2) =
        (id("33010619800101003"), id("33010619800101004"), id("33010619800101005"), id("33010619800101006"));
    let header = "合同编号,借款人名称,证件号码,本金余额,五级分类,保证人名称,保证人证件号码";
    let v1 = format!("{header}\nG-1,王大明,{debtor},1000,可疑,张保全,{g1}\nG-2,王大明,{debtor},2000,可疑,,\n");
    // The guarantor replaced by another; the second claim's debtor given a new ID number.
    let v2 = format!("{header}\nG-1,王大明,{debtor},1000,可疑,李保全,{g2}\nG-2,王小明,{debtor_new},2000,可疑,,\n");
    let mut reports = Vec::new();
    for (name, tape) in [("v1.csv", &v1), ("v2.csv", &v2)] {
        let reply = app
            .post_multipart(
                &mut acq,
                "/imports",
                &form(&csrf, "G-1", "partial", "import"),
                (name, tape.as_bytes()),
                None,
            )
            .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
        reports.push(reply.location().to_string());
    }
    // The owner of personal data sees the difference in full: the walk below has something to find.
    let diff = app.get(&mut acq, &reports[1]).await.body;
    assert!(diff.contains("diff-changes") && diff.contains(&g2) && diff.contains(&g1), "{diff}");
    assert!(diff.contains(&debtor_new) && diff.contains("李保全"));

    let mut ids: Vec<String> = app
        .store
        .store
        .all_parties()
        .await
        .unwrap()
        .into_iter()
        .filter(|p| p.data.kind() == huajie_core::PartyKind::Individual)
        .map(|p| p.data.identifier.as_str().to_string())
        .collect();
    assert!(ids.len() > 50, "the demo's individuals and the tapes'");
    ids.extend([debtor, debtor_new, g1, g2]);
    for role in ["valuer", "risk", "regulator"] {
        let pages = walk(&app, role, &reports).await;
        if role == "valuer" {
            assert!(pages.len() > 300, "the valuer reaches the packages, claims and parties: {}", pages.len());
            assert!(pages.iter().any(|(p, b)| p == &reports[1] && b.contains("diff-changes") && b.contains("李**")));
        }
        for (path, body) in &pages {
            for id in &ids {
                assert!(!body.contains(id.as_str()), "{role} sees the full ID number {id} at {path}");
            }
            assert!(!body.contains("李保全") && !body.contains("王小明"), "{role} sees a full name at {path}");
        }
    }
}
