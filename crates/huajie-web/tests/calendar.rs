//! The working-day calendar as its users see it: every year with its holidays, make-up days and
//! source, 2027 marked provisional, in both languages; the risk team's upload of a new version,
//! refused whole with each bad line named (nothing saved), then saved; the CSV download it
//! starts from; and the API.

mod common;

use axum::http::StatusCode;
use common::TestApp;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_calendar_page_lists_each_year_with_its_source_and_marks_2027_provisional() {
    let app = TestApp::new().await;
    let mut regulator = app.login("regulator").await;
    let page = app.get(&mut regulator, "/compliance/calendar").await;
    assert_eq!(page.status, StatusCode::OK);
    let body = &page.body;
    for year in ["2024", "2025", "2026", "2027"] {
        assert!(body.contains(&format!("id=\"year-{year}\"")), "{year}");
    }
    // 2026's Spring Festival: nine days off, two make-up Saturdays; its notice named.
    assert!(body.contains("2月15日（周日） 至 2月23日（周一）"), "{body}");
    assert!(body.contains("2月14日（周六）、2月28日（周六）"));
    assert!(body.contains("国务院办公厅关于2026年部分节假日安排的通知"));
    assert!(body.contains("国办发明电〔2024〕12号"));
    // Only 2027 is provisional, and says why.
    assert!(body.contains("id=\"provisional-2027\""));
    assert!(!body.contains("id=\"provisional-2026\""));
    assert!(body.contains("本年度尚未取得国务院办公厅通知"));
    assert!(body.contains("v1 · 现行版本"));
    // The regulator reads it but has no upload form; the compliance page links to it.
    assert!(!body.contains("id=\"calendar-upload\""));
    assert!(app.get(&mut regulator, "/compliance").await.body.contains("href=\"/compliance/calendar\""));
    assert_eq!(app.get(&mut regulator, "/compliance/calendar?version=9").await.status, StatusCode::NOT_FOUND);

    app.get(&mut regulator, "/lang/en?next=%2Fcompliance%2Fcalendar").await;
    let english = app.get(&mut regulator, "/compliance/calendar").await.body;
    assert!(english.contains("Working-day calendar") && english.contains("Spring Festival"));
    assert!(english.contains("15 Feb (Sun) to 23 Feb (Mon)"), "{english}");
    assert!(english.contains("Provisional"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_risk_team_uploads_a_new_version_refused_whole_with_each_bad_line_named() {
    let app = TestApp::new().await;
    let store = &app.store.store;
    let mut risk = app.login("risk").await;
    let csrf = risk.csrf.clone();
    let page = app.get(&mut risk, "/compliance/calendar").await;
    assert!(page.body.contains("id=\"calendar-upload\""));
    // The version in force, downloaded, is the file the upload reads.
    let current = app.get(&mut risk, "/compliance/calendar.csv").await;
    assert_eq!(current.status, StatusCode::OK);
    assert!(current.body.starts_with("year,day,kind,festival,provisional,source\n2024,2024-01-01,放假,元旦,否,"));
    let audit_before = store.audit_count().await.unwrap();

    // The 2028 notice added with two mistakes: a make-up day on a Tuesday, a date that is none.
    let mut bad = current.body.clone();
    bad.push_str(
        "2028,2028-01-04,调休上班,元旦,否,国办发明电〔2027〕X号\n2028,2028-02-30,放假,春节,否,国办发明电〔2027〕X号\n",
    );
    let reply = app
        .post_multipart(
            &mut risk,
            "/compliance/calendar",
            &[("csrf", &csrf), ("note", "国办发明电〔2027〕X号")],
            ("calendar.csv", bad.as_bytes()),
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    let lines = current.body.lines().count();
    assert!(reply.body.contains("日历文件有误，未保存任何内容"), "{}", reply.body);
    assert!(
        reply.body.contains(&format!("第 {} 行：日期“2028-02-30”应为 YYYY-MM-DD 格式的日期", lines + 2)),
        "{}",
        reply.body
    );
    assert!(reply.body.contains("value=\"国办发明电〔2027〕X号\""), "what was typed is kept");
    // Once every line reads, the Tuesday is named on its line.
    let tuesday = format!("{}2028,2028-01-04,调休上班,元旦,否,国办发明电〔2027〕X号\n", current.body);
    let reply = app
        .post_multipart(
            &mut risk,
            "/compliance/calendar",
            &[("csrf", &csrf), ("note", "x")],
            ("c.csv", tuesday.as_bytes()),
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(
        reply.body.contains(&format!("第 {} 行：调休上班日 2028-01-04 不是周六或周日", lines + 1)),
        "{}",
        reply.body
    );
    // A file of 2028 alone would drop the years in force: the store refuses it.
    let only_2028 = "year,day,kind,festival,provisional,source\n2028,2028-01-01,放假,元旦,否,国办发明电〔2027〕X号\n";
    let reply = app
        .post_multipart(
            &mut risk,
            "/compliance/calendar",
            &[("csrf", &csrf), ("note", "x")],
            ("c.csv", only_2028.as_bytes()),
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.body.contains("新版本缺少现行第 1 版已涵盖的 2024–2027 年"), "{}", reply.body);
    assert_eq!(store.audit_count().await.unwrap(), audit_before, "nothing saved");
    assert_eq!(store.work_calendars().await.unwrap().len(), 1);

    // Corrected, it is saved as version 2; version 1 stays as it was.
    let good = format!("{}2028,2028-01-01,放假,元旦,否,国办发明电〔2027〕X号\n", current.body);
    let reply = app
        .post_multipart(
            &mut risk,
            "/compliance/calendar",
            &[("csrf", &csrf), ("note", "国办发明电〔2027〕X号")],
            ("c.csv", good.as_bytes()),
            None,
        )
        .await;
    assert_eq!((reply.status, reply.location()), (StatusCode::SEE_OTHER, "/compliance/calendar"));
    let page = app.get(&mut risk, "/compliance/calendar").await.body;
    assert!(page.contains("v2 · 现行版本") && page.contains("id=\"year-2028\""));
    let v1 = app.get(&mut risk, "/compliance/calendar?version=1").await.body;
    assert!(v1.contains("非现行版本") && !v1.contains("id=\"year-2028\""));
    assert_eq!(app.get(&mut risk, "/compliance/calendar.csv?version=1").await.body, current.body);
    assert!(store.verify_audit().await.unwrap().is_intact());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_gives_the_calendar_with_its_days_and_versions() {
    let app = TestApp::new().await;
    let mut finance = app.login("finance").await;
    let reply = app.get(&mut finance, "/api/v1/calendar").await;
    assert_eq!(reply.status, StatusCode::OK);
    let data = &reply.json()["data"];
    assert_eq!(data["version"], 1);
    assert_eq!(data["years"].as_array().unwrap().len(), 4);
    assert_eq!(
        data["years"][3],
        serde_json::json!({ "year": 2027, "provisional": true, "source": data["years"][3]["source"] })
    );
    let days = data["days"].as_array().unwrap();
    let makeup = days.iter().find(|d| d["day"] == "2026-02-28").unwrap();
    assert_eq!((makeup["kind"].as_str(), makeup["festival"].as_str()), (Some("makeup_workday"), Some("春节")));
    assert_eq!(data["versions"][0]["years"], serde_json::json!([2024, 2025, 2026, 2027]));
    assert_eq!(app.get(&mut finance, "/api/v1/calendar?version=2").await.json()["error"]["code"], "not_found");
    assert_eq!(app.get(&mut finance, "/api/v1/calendar?version=x").await.status, StatusCode::BAD_REQUEST);
    let mut valuer = app.login("valuer").await;
    assert_eq!(app.get(&mut valuer, "/api/v1/calendar").await.status, StatusCode::FORBIDDEN);
}
