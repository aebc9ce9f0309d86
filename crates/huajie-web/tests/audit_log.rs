//! The audit log a person can use (issue 16, point 6): the page keeps its filters and counts
//! what they keep, each record reads as a sentence with its raw record behind it, the chain's
//! verification is shown, and the exports hold the filtered records in Beijing time.

mod common;

use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use common::{TestApp, decoded};
use huajie_core::Lang;
use huajie_core::audit::AuditRecord;
use huajie_core::clock::{beijing_date, beijing_time};
use huajie_store::audit_query::AuditFilter;

fn at(r: &AuditRecord) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(&r.at).unwrap().with_timezone(&Utc)
}

/// The filter the test asks for, by query string: ledger entries created, from the Beijing
/// day of the first of them on (the day bound kept inclusive).
fn asked(all: &[AuditRecord]) -> (String, AuditFilter) {
    let first = all.iter().filter(|r| r.entity == "ledger_entry").map(at).min().expect("the demo's ledger");
    let from = beijing_date(first);
    let query = format!("action=create&entity=ledger_entry&from={from}&q=");
    let filter = AuditFilter {
        action: Some("create".into()),
        entity: Some("ledger_entry".into()),
        from: Some(from),
        ..AuditFilter::default()
    };
    (query, filter)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_page_filters_pages_and_reads_each_record_as_a_sentence() {
    let app = TestApp::new().await;
    let mut auditor = app.login("auditor").await;
    let all = app.store.store.audit_log(100_000, 0).await.unwrap();
    let (query, filter) = asked(&all);
    let kept: Vec<&AuditRecord> = all.iter().filter(|r| filter.keeps(r)).collect();
    assert!(kept.len() > 50, "more than a page: {}", kept.len());
    let reply = app.get(&mut auditor, &format!("/audit?{query}")).await;
    assert_eq!(reply.status, StatusCode::OK);
    let page = decoded(&reply.body);
    assert!(page.contains(&format!("共 {} 条", kept.len())), "the count of what the filters keep");
    assert!(page.contains("<option value=\"ledger_entry\" selected>"), "the entity kept");
    assert!(page.contains("<option value=\"create\" selected>"), "the action kept");
    assert!(page.contains(&format!("name=\"from\" type=\"date\" value=\"{}\"", filter.from.unwrap())));
    let next = format!(
        "/audit?actor=&action=create&entity=ledger_entry&entity_id=&from={}&to=&q=&page=2",
        filter.from.unwrap()
    );
    let pager = page.split("class=\"pager\"").nth(1).expect("a pager").replace("&#38;", "&");
    let href = pager.split("href=\"").last().unwrap().split('"').next().unwrap();
    let href = percent_encoding::percent_decode_str(href).decode_utf8().unwrap();
    assert_eq!(href, next, "the next page keeps the filters");
    // Newest first: the first kept record is the first row, as a sentence by the actor's name.
    let newest = kept[0];
    let name = app.store.store.users().await.unwrap().into_iter().find(|u| u.username == newest.actor);
    let who = name.map(|u| u.display_name).unwrap_or(newest.actor.clone());
    let sentence = format!("{who} 于 {} 新建了 分录 #{}", beijing_time(at(newest), Lang::Zh, true), newest.entity_id);
    let row = page.split(&format!("id=\"record-{}\"", newest.seq)).nth(1).expect("the newest kept record is shown");
    assert!(row.contains(&sentence), "{sentence} in {}", &row[..row.len().min(600)]);
    let raw: String = newest.after.as_deref().unwrap().chars().take(60).collect();
    assert!(row.contains("<details class=\"raw\">") && row.contains(&raw), "the raw record on demand");
    // Page 2 is the next 50 of the same list.
    let second = decoded(&app.get(&mut auditor, &format!("/audit?{query}&page=2")).await.body);
    assert!(second.contains(&format!("id=\"record-{}\"", kept[50].seq)));
    assert!(!second.contains(&format!("id=\"record-{}\"", kept[0].seq)));
    // The same filters in the API (before the switch to English below).
    let api = app.get(&mut auditor, &format!("/api/v1/audit?{query}&limit=5")).await.json();
    assert_eq!(api["total"], kept.len() as i64);
    assert_eq!(api["data"][0]["seq"], newest.seq);
    // A date that cannot be read is named, the input kept.
    let bad = app.get(&mut auditor, "/audit?from=2026-13-40&actor=finance").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let bad = decoded(&bad.body);
    assert!(
        bad.contains("id=\"audit-error\"") && bad.contains("value=\"2026-13-40\"") && bad.contains("value=\"finance\"")
    );
    // In English, one click away.
    app.get(&mut auditor, "/lang/en?next=%2Faudit").await;
    let english = decoded(&app.get(&mut auditor, &format!("/audit?{query}")).await.body);
    assert!(english.contains("created ledger entry #"), "the sentence in English");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_page_shows_the_chain_and_where_it_first_breaks() {
    let app = TestApp::new().await;
    let mut risk = app.login("risk").await;
    let page = decoded(&app.get(&mut risk, "/audit").await.body);
    let status = page.split("id=\"chain-status\"").nth(1).unwrap();
    assert!(status.contains("审计链完整"), "{}", &status[..300]);
    // A record altered by hand: the kept verdict stands until the chain is walked again
    // (it is walked when a record is added, or on request), then the first break is named.
    app.store.tamper("UPDATE audit_log SET actor = 'mallory' WHERE seq = 7").await;
    let fresh = decoded(&app.get(&mut risk, "/audit?verify=1").await.body);
    let status = fresh.split("id=\"chain-status\"").nth(1).unwrap();
    assert!(status.contains("审计链在第 #7 条记录处断开"), "{}", &status[..400]);
    assert!(fresh.contains("class=\"warn-box\" id=\"chain-status\""), "shown as a warning");
}

/// The rows of a CSV export (BOM first, then a header line).
fn csv_rows(bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "a BOM for Excel");
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let header = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader.records().map(|r| r.unwrap().iter().map(String::from).collect()).collect();
    (header, rows)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_exports_hold_the_filtered_records_in_beijing_time() {
    use calamine::{Data, Reader, Xlsx};
    let app = TestApp::new().await;
    let admin = app.login("admin").await;
    let all = app.store.store.audit_log(100_000, 0).await.unwrap();
    let (query, filter) = asked(&all);
    let kept: Vec<&AuditRecord> = all.iter().filter(|r| filter.keeps(r)).collect();
    let today = beijing_date(app.store.store.clock().now());

    let reply = app.get(&mut admin.clone(), &format!("/audit/export.csv?{query}")).await;
    let disposition = reply.headers.get("content-disposition").unwrap().to_str().unwrap().to_string();
    assert!(disposition.contains(&format!("audit-log-{today}.csv")), "{disposition}");
    let (_, bytes) = app.get_bytes(&admin, &format!("/audit/export.csv?{query}")).await;
    let (header, rows) = csv_rows(&bytes);
    assert_eq!(header[1], "时间（北京时间）");
    assert_eq!(rows.len(), kept.len(), "one row per filtered record");
    assert_eq!(rows[0][0], kept[0].seq.to_string());
    assert_eq!(rows[0][1], beijing_time(at(kept[0]), Lang::Zh, true));
    assert!(rows.iter().all(|r| r[4] == "create" && r[5] == "ledger_entry"));

    let (status, bytes) = app.get_bytes(&admin, &format!("/audit/export.xlsx?{query}")).await;
    assert_eq!(status, StatusCode::OK);
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).expect("an .xlsx workbook");
    let sheet = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&sheet).unwrap();
    let text = |d: &Data| d.to_string();
    let mut lines = range.rows().skip_while(|r| text(&r[1]) != "时间（北京时间）");
    assert!(lines.next().is_some(), "the header names the zone");
    let lines: Vec<_> = lines.collect();
    assert_eq!(lines.len(), kept.len(), "one row per filtered record");
    assert_eq!(text(&lines[0][1]), beijing_time(at(kept[0]), Lang::Zh, true));
    // A reader of another role cannot export.
    let (status, _) = app.get_bytes(&app.login("valuer").await, &format!("/audit/export.csv?{query}")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
