//! Tape intake on the web: upload, strict and partial policies, the stored report with
//! its rule filter and .xlsx download, masking for other roles, and the API.

mod common;

use axum::http::StatusCode;
use common::{TestApp, person_ids, sample_tape};

const BANK: &str = "91330100MA2AYA1GX3";

/// How many audit records since `seq` there are, failing unless each is an import
/// attempt's start or end: an import that loads nothing writes nothing else.
async fn attempts_recorded_since(app: &TestApp, seq: i64) -> usize {
    let records = app.store.store.audit_log(100, 0).await.unwrap();
    let since: Vec<_> = records.iter().take_while(|r| r.seq > seq).collect();
    for r in &since {
        assert!(r.entity == "tape_import_attempt" && r.action.starts_with("import_"), "{r:?}");
    }
    since.len()
}

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
    assert_eq!(attempts_recorded_since(&app, audit_before).await, 2, "strict: nothing written but the attempt");
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
    let disposition = xlsx.headers.get("content-disposition").unwrap().to_str().unwrap().to_string();
    assert!(
        disposition.starts_with("attachment") && disposition.contains("W-1-tape"),
        "named by the package: {disposition}"
    );
    // Signed: the reference, prepared by who imported it, review and approval left to sign.
    let (_, bytes) = app.get_bytes(&valuer, &format!("{report_path}/report.xlsx")).await;
    let text = workbook_text(&bytes);
    let by = common::signed_as(&app.store.store, "acquisition").await;
    assert!(text.contains("W-1 数据带第 1 版") && text.contains(&format!("编制人\t{by}")), "{text}");
    assert!(text.contains("复核人\t________________"), "{text}");
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
    assert_eq!(attempts_recorded_since(&app, audit_before).await, 6, "none of these wrote anything but its attempt");

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
    let company = huajie_core::Uscc::with_check_chars("91330102MA200004").unwrap();
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

/// An `.xlsx` whose one sheet inflates to 300 MiB from a few hundred kilobytes.
fn bomb_xlsx() -> Vec<u8> {
    use std::io::Write;
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated).large_file(true);
    for (name, body) in [
        ("[Content_Types].xml", r#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#),
        (
            "xl/workbook.xml",
            r#"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets/></workbook>"#,
        ),
    ] {
        zip.start_file(name, options).unwrap();
        zip.write_all(body.as_bytes()).unwrap();
    }
    zip.start_file("xl/worksheets/sheet1.xml", options).unwrap();
    let row = format!("<row>{}</row>", r#"<c t="inlineStr"><is><t>炸</t></is></c>"#.repeat(100));
    for _ in 0..(300 << 20) / row.len() {
        zip.write_all(row.as_bytes()).unwrap();
    }
    zip.finish().unwrap();
    out.into_inner()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_workbook_bomb_is_refused_by_every_upload() {
    let app = TestApp::new().await;
    let bomb = bomb_xlsx();
    assert!(bomb.len() < 4 << 20, "{} bytes", bomb.len());
    let audit_before = app.store.store.audit_count().await.unwrap();
    let mut acq = app.login("acquisition").await;
    let csrf = acq.csrf.clone();
    for action in ["import", "report", "mapping"] {
        let reply = app
            .post_multipart(&mut acq, "/imports", &form(&csrf, "BOMB-1", "strict", action), ("bomb.xlsx", &bomb), None)
            .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{action}");
        assert!(reply.body.contains("工作簿过大：解压后超过 256 MiB"), "{action}: {}", reply.body);
    }
    let mut finance = app.login("finance").await;
    let csrf = finance.csrf.clone();
    let reply = app
        .post_multipart(&mut finance, "/compliance/book/import", &[("csrf", &csrf)], ("book.xlsx", &bomb), None)
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.body.contains("工作簿过大：解压后超过 256 MiB"), "{}", reply.body);
    // Only the logins and the import's attempt (refused as unreadable) were recorded.
    let records = app.store.store.audit_log(20, 0).await.unwrap();
    let recorded: Vec<(&str, &str)> =
        records.iter().take_while(|r| r.seq > audit_before).map(|r| (r.entity.as_str(), r.action.as_str())).collect();
    assert!(recorded.iter().all(|(e, _)| ["session", "tape_import_attempt"].contains(e)), "{recorded:?}");
    assert!(recorded.contains(&("tape_import_attempt", "import_ended")), "{recorded:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_written_off_flag_is_stored_shown_and_compared() {
    let app = TestApp::new().await;
    let mut acq = app.login("acquisition").await;
    let csrf = acq.csrf.clone();
    let company = huajie_core::Uscc::with_check_chars("91330102MA200007").unwrap();
    let tape = |flag: &str| {
        format!("合同编号,借款人名称,证件号码,本金余额,是否核销\nWO-1,杭州核销测试有限公司,{company},1000,{flag}\n")
    };
    let first = app
        .post_multipart(
            &mut acq,
            "/imports",
            &form(&csrf, "WO-1", "strict", "import"),
            ("v1.csv", tape("是").as_bytes()),
            None,
        )
        .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    let package = app.store.store.package_id_by_code("WO-1").await.unwrap().unwrap();
    let claim = app.store.store.claims_of_package(package).await.unwrap().remove(0);
    assert_eq!(claim.claim.data.written_off, Some(true), "stored");
    let page = app.get(&mut acq, &format!("/claims/{}", claim.claim.id)).await;
    assert!(page.body.contains("是否核销") && page.body.contains(r#"<dd id="written-off">是</dd>"#), "shown");

    let second = app
        .post_multipart(
            &mut acq,
            "/imports",
            &form(&csrf, "WO-1", "strict", "import"),
            ("v2.csv", tape("否").as_bytes()),
            None,
        )
        .await;
    assert_eq!(second.status, StatusCode::SEE_OTHER, "{}", second.body);
    let report = app.get(&mut acq, second.location()).await;
    assert!(report.body.contains("是否核销"), "compared: {}", report.body);
    let claim = app.store.store.claims_of_package(package).await.unwrap().remove(0);
    assert_eq!(claim.claim.data.written_off, Some(false), "the later version's flag applies");
    let diff =
        app.store.store.tape_diff(app.store.store.tape_imports(package).await.unwrap()[1].id).await.unwrap().unwrap();
    assert_eq!(diff.changed[0].changes[0].field, "written_off");
    assert!(app.store.store.verify_audit().await.unwrap().is_intact());
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
        .filter_map(|p| p.data.identity.id_text().map(str::to_string))
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guarantors_without_valid_ids_are_kept_flagged_and_masked() {
    let app = TestApp::new().await;
    let mut acq = app.login("acquisition").await;
    let csrf = acq.csrf.clone();
    let (good, bad) = person_ids();
    let company = huajie_core::Uscc::with_check_chars("91330102MA200008").unwrap();
    let tape = format!(
        "合同编号,借款人名称,证件号码,本金余额,保证人名称,保证人证件号码\n\
         GM-1,杭州保证人测试有限公司,{company},1000,欧阳娜娜、司马光明,{bad}\n\
         GM-2,杭州保证人测试有限公司,{company},2000,王小明,{good}\n"
    );
    let loaded = app
        .post_multipart(
            &mut acq,
            "/imports",
            &form(&csrf, "GM-1", "strict", "import"),
            ("g.csv", tape.as_bytes()),
            None,
        )
        .await;
    assert_eq!(loaded.status, StatusCode::SEE_OTHER, "{}", loaded.body);
    let report_path = loaded.location().to_string();
    // The report, on screen and in the workbook, carries both warnings.
    let page = app.get(&mut acq, &report_path).await;
    assert!(page.body.contains("W116") && page.body.contains("W118"), "{}", page.body);
    let (_, xlsx) = app.get_bytes(&acq, &format!("{report_path}/report.xlsx")).await;
    let text = workbook_text(&xlsx);
    assert!(
        text.contains("W116") && text.contains("W118") && text.contains("司马光明") && text.contains(&bad),
        "{text}"
    );

    let package = app.store.store.package_id_by_code("GM-1").await.unwrap().unwrap();
    let claims = app.store.store.claims_of_package(package).await.unwrap();
    let gm1 = claims.iter().find(|c| c.claim.data.contract_no == "GM-1").unwrap();
    let guarantees = app.store.store.guarantees_of_claim(gm1.claim.id).await.unwrap();
    assert_eq!(guarantees.len(), 2, "both names kept");
    let sima = guarantees.iter().find(|g| g.guarantor.data.name == "司马光明").unwrap().guarantor.id;

    // The owner sees them whole, flagged.
    let claim_page = app.get(&mut acq, &format!("/claims/{}", gm1.claim.id)).await;
    assert!(claim_page.body.contains("欧阳娜娜") && claim_page.body.contains(&bad));
    assert!(
        claim_page.body.contains("证件号校验失败") && claim_page.body.contains("证件号缺失"),
        "{}",
        claim_page.body
    );
    let party_page = app.get(&mut acq, &format!("/parties/{sima}")).await;
    assert!(party_page.body.contains("司马光明") && party_page.body.contains("证件号缺失"));

    // Another role sees them masked like any person: claim page, party page, party list, API, report.
    let mut valuer = app.login("valuer").await;
    for path in [format!("/claims/{}", gm1.claim.id), format!("/parties/{sima}"), "/parties?q=司马".to_string()] {
        let body = app.get(&mut valuer, &path).await.body;
        for secret in ["欧阳娜娜", "司马光明", "光明", bad.as_str()] {
            assert!(!body.contains(secret), "{path} shows {secret}");
        }
    }
    let claim_page = app.get(&mut valuer, &format!("/claims/{}", gm1.claim.id)).await;
    assert!(claim_page.body.contains("欧阳**") && claim_page.body.contains(&format!("{}********", &bad[..6])));
    assert!(claim_page.body.contains("证件号校验失败"), "the flag is not personal");
    let api = app.get(&mut valuer, &format!("/api/v1/claims/{}", gm1.claim.id)).await.body;
    assert!(!api.contains("司马光明") && !api.contains(&bad), "{api}");
    let report = app.get(&mut valuer, &report_path).await.body;
    assert!(!report.contains("司马光明") && !report.contains(&bad));
    let (_, xlsx) = app.get_bytes(&valuer, &format!("{report_path}/report.xlsx")).await;
    let text = workbook_text(&xlsx);
    assert!(!text.contains("司马光明") && !text.contains(&bad) && text.contains("W118"), "{text}");
    assert!(app.store.store.verify_audit().await.unwrap().is_intact());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_package_page_and_the_import_page_say_what_became_of_each_import() {
    let app = TestApp::new().await;
    let mut acq = app.login("acquisition").await;
    let csrf = acq.csrf.clone();
    let tape = sample_tape();
    let refused = app
        .post_multipart(
            &mut acq,
            "/imports",
            &form(&csrf, "AT-1", "strict", "import"),
            ("a.csv", tape.as_bytes()),
            None,
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let loaded = app
        .post_multipart(
            &mut acq,
            "/imports",
            &form(&csrf, "AT-1", "partial", "import"),
            ("b.csv", tape.as_bytes()),
            None,
        )
        .await;
    assert_eq!(loaded.status, StatusCode::SEE_OTHER, "{}", loaded.body);
    // One cut short: its process is gone (a pid no process has), and one still running (this one).
    let s = &app.store.store;
    let dead = s.start_import_attempt("acquisition", "AT-1", "c.csv", &"0".repeat(64)).await.unwrap();
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap();
    app.store
        .tamper(&format!("UPDATE tape_import_attempts SET process = '{} 999999999 1' WHERE id = {dead}", host.trim()))
        .await;
    s.start_import_attempt("acquisition", "AT-1", "d.csv", &"0".repeat(64)).await.unwrap();

    let package = s.package_id_by_code("AT-1").await.unwrap().unwrap();
    let page = app.get(&mut acq, &format!("/packages/{package}")).await.body;
    let table = page.split("id=\"import-attempts\"").nth(1).expect("the attempts are listed");
    let table = table.split("</table>").next().unwrap();
    let rows: Vec<&str> = table.split("<tr").skip(2).collect();
    assert_eq!(rows.len(), 4, "{table}");
    assert!(rows[0].contains("d.csv") && rows[0].contains("正在导入"), "{}", rows[0]);
    assert!(rows[1].contains("c.csv") && rows[1].contains("已中断：进程在完成前结束，未载入任何内容"), "{}", rows[1]);
    assert!(rows[2].contains("b.csv") && rows[2].contains("已载入") && rows[2].contains("href=\"/imports/"));
    assert!(rows[3].contains("a.csv") && rows[3].contains("按导入策略整体拒绝") && rows[3].contains("2 行被拒绝"));
    let form_page = app.get(&mut acq, "/imports/new").await.body;
    assert!(form_page.contains("id=\"import-attempts\"") && form_page.contains("已中断"));
    let mut en = app.login("acquisition").await;
    app.get(&mut en, "/lang/en?next=%2Fdashboard").await;
    let english = app.get(&mut en, &format!("/packages/{package}")).await.body;
    assert!(
        english.contains("Interrupted: the process ended before it finished") && english.contains("2 rows rejected")
    );
}
