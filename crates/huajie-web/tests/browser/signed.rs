//! Issue 16, points 2 and 4 in a browser: one clock on screen, and reports fit to sign. A
//! valuer prices a package at a known moment (a fixed clock: 14:05 Beijing time); the run reads
//! 草稿 and the same Beijing time on its page, in its PDF (read back by pdftotext, named by
//! `HUAJIE_PDFTOTEXT`) and in its workbook (read by calamine). The valuer may not review their
//! own run — refused beside the button —; the risk team reviews it at 14:20, and the page, the
//! PDF and the workbook then read 已复核 with both names and times, the files named by the
//! package's code.

use calamine::{Data, Reader, Xlsx};
use fantoccini::Locator;

use super::Browser;

/// 14:05 Beijing time on Monday 7 December 2026, when the valuer runs the valuation.
const PREPARED_UTC: &str = "2026-12-07T06:05:00Z";
const PREPARED: &str = "2026-12-07 14:05 北京时间";
const REVIEWED: &str = "2026-12-07 14:20 北京时间";

impl Browser {
    /// The bytes behind the link `css` and the file name its answer gives, fetched by the page
    /// itself (with its session), as hex so that they cross WebDriver whole.
    async fn fetch_file(&self, css: &str) -> (String, Vec<u8>) {
        let script = format!(
            "const done = arguments[arguments.length - 1];\
             fetch(document.querySelector({css:?}).href).then(async r => {{\
               const b = new Uint8Array(await r.arrayBuffer());\
               let hex = ''; for (const x of b) hex += x.toString(16).padStart(2, '0');\
               done([r.headers.get('content-disposition') || '', hex]);\
             }});"
        );
        let v = self.client.execute_async(&script, vec![]).await.unwrap();
        let hex = v[1].as_str().unwrap();
        let bytes = (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect();
        (v[0].as_str().unwrap().to_string(), bytes)
    }
}

/// The PDF's text as pdftotext reads it, without white space (which it puts between Chinese
/// characters or not, as the layout goes), or `None` when `HUAJIE_PDFTOTEXT` is not set.
fn pdf_text(bytes: &[u8]) -> Option<String> {
    let pdftotext = std::env::var("HUAJIE_PDFTOTEXT").ok()?;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.pdf");
    std::fs::write(&path, bytes).unwrap();
    let out = std::process::Command::new(pdftotext).arg(&path).arg("-").output().unwrap();
    assert!(out.status.success(), "pdftotext: {}", String::from_utf8_lossy(&out.stderr));
    Some(String::from_utf8(out.stdout).unwrap().split_whitespace().collect())
}

/// `text` without white space, to find in a PDF's text.
fn solid(text: &str) -> String {
    text.split_whitespace().collect()
}

/// Every cell of the workbook's sign-off sheet as a person reads it: a time in Beijing time
/// with the zone named (its number format names it), text as it is.
fn signoff_cells(bytes: &[u8]) -> Vec<String> {
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let sheet = wb.worksheet_range("签署").expect("the sign-off sheet");
    sheet
        .used_cells()
        .map(|(_, _, d)| match (d, calamine::DataType::as_datetime(d)) {
            (Data::DateTime(_), Some(t)) => format!("{} 北京时间", t.format("%Y-%m-%d %H:%M")),
            _ => d.to_string(),
        })
        .collect()
}

/// The summary sheet's "估值时间" (valued at) cell: an Excel time in Beijing, whose format names
/// the zone (the report crate's tests read the format).
fn valued_at(bytes: &[u8]) -> String {
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let summary = wb.worksheet_range("汇总").unwrap();
    let label = huajie_report::valuation::label("valued_at", huajie_core::Lang::Zh);
    let row = summary.rows().find(|r| r.first().is_some_and(|c| *c == label)).expect("估值时间");
    match calamine::DataType::as_datetime(&row[1]) {
        Some(t) => format!("{} 北京时间", t.format("%Y-%m-%d %H:%M")),
        None => row[1].to_string(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_runs_time_reads_the_same_in_its_page_pdf_and_workbook_and_a_second_person_reviews_it() {
    let clock = std::sync::Arc::new(huajie_core::clock::FixedClock::at(PREPARED_UTC.parse().unwrap()));
    let Some(b) = super::browser_with_clock(clock.clone()).await else { return };
    let store = b._app.store.store.clone();
    let code = store.package(1).await.unwrap().unwrap().package.data.code;

    // The valuer prices package 1 at 14:05 Beijing time (06:05 UTC).
    b.login("valuer").await;
    b.goto("/packages/1/valuation").await;
    let scenarios = b.client.find(Locator::Css("#run-form-scenarios")).await.unwrap();
    scenarios.clear().await.unwrap();
    scenarios.send_keys("0").await.unwrap();
    b.click("#run-valuation").await;
    let id: i64 = b.wait_for_path("/valuations/").await.trim_start_matches("/valuations/").parse().unwrap();
    let title = b.text_once("#run-title", |t| t.contains(&format!("#{id}"))).await;
    assert!(title.contains(&format!("#{id}")), "{title}");
    assert_eq!(store.valuation_run(id).await.unwrap().unwrap().created_at.to_rfc3339(), "2026-12-07T06:05:00+00:00");

    // The page: a draft, prepared at 14:05 Beijing time, in the sign-off and in the runs' list.
    assert_eq!(b.text("#signoff-status").await, "草稿");
    let lines = b.text("#signoff-lines").await;
    assert!(lines.contains("valuer") && lines.contains(PREPARED), "{lines}");
    assert!(b.text("#runs").await.contains(PREPARED), "the runs' list shows the same time");
    b.screenshot("16-signoff-draft").await;

    // The same time in its PDF and its workbook, both named by the package's code and the run.
    let (disposition, pdf) = b.fetch_file("#download-pdf").await;
    assert!(disposition.contains(&format!("valuation-{code}-run{id}.pdf")), "{disposition}");
    if let Some(text) = pdf_text(&pdf) {
        for expected in [PREPARED, "状态：草稿", &format!("估值记录 #{id}"), "编制人", "第 1 页 / 共"] {
            assert!(text.contains(&solid(expected)), "the PDF lacks {expected:?}:\n{text}");
        }
    }
    let (disposition, xlsx) = b.fetch_file("#download-xlsx").await;
    assert!(disposition.contains(&format!("valuation-{code}-run{id}.xlsx")), "{disposition}");
    assert_eq!(valued_at(&xlsx), PREPARED, "the workbook's summary");
    let cells = signoff_cells(&xlsx);
    assert!(cells.contains(&PREPARED.to_string()) && cells.contains(&"草稿".to_string()), "{cells:?}");

    // Its preparer cannot review it: refused beside the button, nothing recorded.
    b.click("#review-run").await;
    let refusal = b.text_once("#review-form .field-error", |t| !t.is_empty()).await;
    assert!(refusal.contains("编制人不能复核自己的估值记录"), "{refusal}");
    assert_eq!(store.valuation_signoff(id).await.unwrap().review, None);

    // The risk team reviews it at 14:20.
    clock.advance(chrono::Duration::minutes(15));
    b.logout().await;
    b.login("risk").await;
    b.goto(&format!("/valuations/{id}")).await;
    b.click("#review-run").await;
    let status = b.text_once("#signoff-status", |t| t == "已复核").await;
    assert_eq!(status, "已复核");
    let lines = b.text("#signoff-lines").await;
    assert!(lines.contains(PREPARED) && lines.contains("risk") && lines.contains(REVIEWED), "{lines}");
    assert!(b.client.find(Locator::Css("#review-run")).await.is_err(), "reviewed once: the button is gone");
    b.screenshot("17-signoff-reviewed").await;

    let (_, pdf) = b.fetch_file("#download-pdf").await;
    if let Some(text) = pdf_text(&pdf) {
        for expected in [PREPARED, REVIEWED, "状态：已复核", "复核人", "risk"] {
            assert!(text.contains(&solid(expected)), "the PDF lacks {expected:?}:\n{text}");
        }
    }
    let (_, xlsx) = b.fetch_file("#download-xlsx").await;
    let cells = signoff_cells(&xlsx);
    let store = b._app.store.store.clone();
    let (valuer, risk) =
        (super::common::signed_as(&store, "valuer").await, super::common::signed_as(&store, "risk").await);
    for expected in [PREPARED.to_string(), REVIEWED.into(), "已复核".into(), valuer, risk] {
        assert!(cells.contains(&expected), "the workbook lacks {expected:?}: {cells:?}");
    }
    b.close().await;
}
