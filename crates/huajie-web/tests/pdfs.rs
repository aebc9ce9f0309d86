//! The PDF reports as someone else's tools read them: the valuation report of every demo
//! run and the regulator report of the demo quarter (2026-09-30), in Chinese and in
//! English, read back by poppler's `pdftotext -bbox-layout` (named by `HUAJIE_PDFTOTEXT`,
//! which scripts/test.sh sets; without it the test says so and stops).
//!
//! On every page: no two words overprint each other, every word lies inside the margins
//! (nothing runs off the page or into the footer's band), nothing is cut short with "…", no
//! empty field like "（处理：）", no table header at a page foot with fewer than three rows.
//! In Chinese no line starts with a closing punctuation mark. In English no Chinese
//! character or punctuation mark appears except inside data the company entered in Chinese
//! (names of the company, packages, parties and assumption sets, the banks' product names,
//! the book's entries, the labels of checks and the reasons of overrides — shown as they
//! are, masked where the reader may not see a person's name); long texts (the
//! parameters' names, the report's note, the findings) read back whole, never broken
//! mid-word. A list cut for length says how many lines are left out, and that count
//! matches the data.

mod common;

use std::collections::BTreeSet;

use chrono::NaiveDate;
use common::{Client, TestApp};
use huajie_core::{Lang, PartyKind};
use huajie_report::pdf::{MARGIN, PAGE_HEIGHT, PAGE_WIDTH};

/// A word as pdftotext places it, in points from the top left of its page.
#[derive(Debug, Clone)]
struct Word {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
    text: String,
}

#[derive(Debug, Default)]
struct Page {
    width: f64,
    height: f64,
    /// Lines in reading order, each its words.
    lines: Vec<Vec<Word>>,
}

impl Page {
    fn words(&self) -> impl Iterator<Item = &Word> {
        self.lines.iter().flatten()
    }
}

struct Pdf {
    name: String,
    lang: Lang,
    pages: Vec<Page>,
}

impl Pdf {
    /// The text, a line of words a line.
    fn text(&self) -> String {
        self.pages
            .iter()
            .flat_map(|p| &p.lines)
            .map(|l| l.iter().map(|w| w.text.as_str()).collect::<Vec<_>>().join(" "))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The text as one run of words separated by single spaces.
    fn flat(&self) -> String {
        self.text().split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// The text without any white space (Chinese lines break between any two characters).
    fn solid(&self) -> String {
        self.text().split_whitespace().collect()
    }
}

fn attr(tag: &str, name: &str) -> f64 {
    let start = tag.find(&format!("{name}=\"")).unwrap_or_else(|| panic!("{name} missing in {tag}")) + name.len() + 2;
    let end = start + tag[start..].find('"').unwrap();
    tag[start..end].parse().unwrap()
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&")
}

/// The pages of `bytes` as `pdftotext -bbox-layout` reads them.
fn read(pdftotext: &str, name: &str, lang: Lang, bytes: &[u8]) -> Pdf {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.pdf");
    std::fs::write(&path, bytes).unwrap();
    let out = std::process::Command::new(pdftotext).arg("-bbox-layout").arg(&path).arg("-").output().unwrap();
    assert!(out.status.success(), "pdftotext failed on {name}: {}", String::from_utf8_lossy(&out.stderr));
    let xml = String::from_utf8(out.stdout).unwrap();
    let mut pages: Vec<Page> = Vec::new();
    let mut rest = xml.as_str();
    while let Some(at) = rest.find('<') {
        rest = &rest[at..];
        let close = rest.find('>').unwrap();
        let tag = &rest[..=close];
        if tag.starts_with("<page ") {
            pages.push(Page { width: attr(tag, "width"), height: attr(tag, "height"), lines: Vec::new() });
        } else if tag.starts_with("<line ") {
            pages.last_mut().unwrap().lines.push(Vec::new());
        } else if tag.starts_with("<word ") {
            let end = rest.find("</word>").unwrap();
            let word = Word {
                x0: attr(tag, "xMin"),
                y0: attr(tag, "yMin"),
                x1: attr(tag, "xMax"),
                y1: attr(tag, "yMax"),
                text: unescape(&rest[close + 1..end]),
            };
            pages.last_mut().unwrap().lines.last_mut().unwrap().push(word);
        }
        rest = &rest[close + 1..];
    }
    assert!(!pages.is_empty(), "{name}: no page read");
    Pdf { name: name.to_string(), lang, pages }
}

/// A Chinese character, or a punctuation mark of Chinese text (（）：，。；、“” and the
/// other full-width forms).
fn chinese(c: char) -> bool {
    matches!(c as u32,
        0x3000..=0x303F | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF | 0x201C | 0x201D)
}

/// What holds for every PDF in either language.
fn check_layout(pdf: &Pdf) {
    let name = &pdf.name;
    for (n, page) in pdf.pages.iter().enumerate() {
        assert!(
            (page.width - f64::from(PAGE_WIDTH)).abs() < 0.5 && (page.height - f64::from(PAGE_HEIGHT)).abs() < 0.5,
            "{name}: page {} is not A4",
            n + 1
        );
        let (left, right) = (f64::from(MARGIN) - 0.5, page.width - f64::from(MARGIN) + 0.5);
        let (top, bottom) = (f64::from(MARGIN) - 0.5, page.height - f64::from(MARGIN) / 2.0 + 0.5);
        let words: Vec<&Word> = page.words().collect();
        for w in &words {
            assert!(
                w.x0 >= left && w.x1 <= right && w.y0 >= top && w.y1 <= bottom,
                "{name}, page {}: {:?} lies outside the printable area [{left}, {right}] × [{top}, {bottom}]",
                n + 1,
                w
            );
            assert!(!w.text.contains('…'), "{name}, page {}: {:?} is cut short", n + 1, w.text);
        }
        for (i, a) in words.iter().enumerate() {
            for b in &words[i + 1..] {
                let dx = a.x1.min(b.x1) - a.x0.max(b.x0);
                let dy = a.y1.min(b.y1) - a.y0.max(b.y0);
                assert!(dx <= 0.5 || dy <= 0.5, "{name}, page {}: {:?} overprints {:?}", n + 1, a, b);
            }
        }
    }
    let text = pdf.text();
    for empty in ["（）", "()", "：）", ":)", "：)", "(:", "（："] {
        assert!(!pdf.solid().contains(empty), "{name}: an empty field {empty:?} in:\n{text}");
    }
    match pdf.lang {
        Lang::Zh => {
            for line in text.lines() {
                let first = line.chars().next().unwrap_or(' ');
                assert!(!"，。、；：？！）》」』】”".contains(first), "{name}: a line starts with {first:?}: {line}");
            }
        }
        Lang::En => {}
    }
}

/// Each table whose header has the words `first` and `second` side by side: the header is
/// followed on its page by at least three rows (never orphaned at a page foot). Returns how
/// many such headers there are.
fn check_headers(pdf: &Pdf, first: &str, second: &str) -> usize {
    let bottom = f64::from(PAGE_HEIGHT - MARGIN);
    let mut found = 0;
    for (n, page) in pdf.pages.iter().enumerate() {
        for head in page.words().filter(|w| w.text == first) {
            if !page.words().any(|w| w.text == second && (w.y0 - head.y0).abs() < 1.0 && w.x0 > head.x1) {
                continue;
            }
            found += 1;
            let rows: BTreeSet<i64> =
                page.words().filter(|w| w.y0 > head.y1 && w.y1 <= bottom).map(|w| w.y0.round() as i64).collect();
            assert!(
                rows.len() >= 3,
                "{}, page {}: the header \"{first} … {second}\" has {} rows under it",
                pdf.name,
                n + 1,
                rows.len()
            );
        }
    }
    found
}

/// In English, every run of words with a Chinese character in it is part of data the
/// company entered (`data`): labels, headings and punctuation are English.
fn check_english(pdf: &Pdf, data: &[String]) {
    assert_eq!(pdf.lang, Lang::En);
    let text = pdf.text();
    for token in text.split_whitespace().filter(|t| t.chars().any(chinese)) {
        assert!(
            data.iter().any(|d| d.contains(token)),
            "{}: {token:?} is Chinese but not data the company entered, in:\n{text}",
            pdf.name
        );
    }
}

/// Names and texts the company entered, as they may appear in a report: whole, and masked
/// the way a reader without the personal-data permission sees them.
async fn company_data(app: &TestApp) -> Vec<String> {
    let store = &app.store.store;
    let mut data: BTreeSet<String> = BTreeSet::new();
    data.insert(store.company().await.unwrap().unwrap().name);
    for p in store.packages().await.unwrap() {
        data.insert(format!("{} {}", p.package.data.code, p.package.data.name));
        // The products of a retail batch name its segments.
        for c in store.claims_of_package(p.package.id).await.unwrap() {
            data.extend(c.claim.data.product);
        }
    }
    for p in store.all_parties().await.unwrap() {
        if p.data.kind() == PartyKind::Individual {
            data.insert(huajie_core::mask::mask_person_name(&p.data.name));
        }
        data.insert(p.data.name);
    }
    for s in store.assumption_sets().await.unwrap() {
        data.insert(s.name);
    }
    // The people who signed, by name (a signature block names its people as they are called).
    for u in store.users().await.unwrap() {
        data.insert(format!("{}（{}）", u.display_name, u.username));
    }
    data.insert(format!("{:?}", store.compliance_ledger(store.clock().today()).await.unwrap()));
    for c in store.deal_checks(None, i64::MAX).await.unwrap() {
        data.insert(c.label.clone());
        data.extend(c.overrides.iter().map(|o| o.reason.clone()));
    }
    data.into_iter().collect()
}

async fn get_pdf(app: &TestApp, client: &Client, path: &str, lang: Lang) -> Vec<u8> {
    let mut client = client.clone();
    client.cookies.push(("huajie_lang".into(), lang.code().into()));
    let (status, bytes) = app.get_bytes(&client, path).await;
    assert_eq!(status, axum::http::StatusCode::OK, "{path}");
    assert!(bytes.starts_with(b"%PDF-"), "{path}");
    bytes
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_pdf_reads_back_whole_in_either_language() {
    let Ok(pdftotext) = std::env::var("HUAJIE_PDFTOTEXT") else {
        eprintln!("HUAJIE_PDFTOTEXT is not set: the PDFs are not read back");
        return;
    };
    let app = TestApp::new().await;
    let store = &app.store.store;
    let data = company_data(&app).await;

    // The valuation report of each demo run.
    let valuer = app.login("valuer").await;
    let mut runs = Vec::new();
    for p in store.packages().await.unwrap() {
        runs.extend(store.valuation_runs(p.package.id).await.unwrap());
    }
    assert!(runs.len() >= 3, "the demo values each package");
    for run in &runs {
        let claims = store.valuation_claims(run.id).await.unwrap().len();
        let more = claims.saturating_sub(huajie_report::valuation_pdf::CLAIMS_LISTED);
        for lang in [Lang::Zh, Lang::En] {
            let path = format!("/valuations/{}/report.pdf", run.id);
            let pdf = read(&pdftotext, &format!("{path} ({lang:?})"), lang, &get_pdf(&app, &valuer, &path, lang).await);
            check_layout(&pdf);
            // The distribution marks P5, P50, P95 and the bid above its plot (the table gives them too).
            if run.appraisal().unwrap().monte_carlo.is_some() {
                let text = pdf.text();
                for mark in ["P5", "P50", "P95", lang.pick("出价", "Bid")] {
                    let n = text.split_whitespace().filter(|w| *w == mark).count();
                    let wanted = if mark.starts_with('P') { 2 } else { 1 };
                    assert!(n >= wanted, "{}: {mark} marked {n} times", pdf.name);
                }
            }
            // Every parameter, its name whole.
            for param in huajie_value::params::catalogue() {
                match lang {
                    Lang::Zh => {
                        let name: String = param.zh.split_whitespace().collect();
                        assert!(pdf.solid().contains(&name), "{}: {name} missing", pdf.name);
                    }
                    Lang::En => {
                        let name = param.en.split_whitespace().collect::<Vec<_>>().join(" ");
                        assert!(pdf.flat().contains(&name), "{}: {name:?} missing or broken", pdf.name);
                    }
                }
            }
            // Tables keep their header with their rows.
            let l = |k| huajie_report::valuation::label(k, lang);
            for (first, second) in
                [("IRR", l("haircut")), (l("contract"), l("debtor_name")), (l("parameter"), l("value"))]
            {
                assert!(check_headers(&pdf, first, second) >= 1, "{}: no table headed {first} {second}", pdf.name);
            }
            // The claims left out of the list are counted, and the workbook named.
            let said = match lang {
                Lang::Zh => pdf.solid().contains(&format!("另有{more}笔债权")),
                Lang::En => pdf.flat().contains(&format!("and {more} more claims")),
            };
            assert_eq!(said, more > 0, "{}: {more} claims left out of {claims}:\n{}", pdf.name, pdf.text());
            if lang == Lang::En {
                check_english(&pdf, &data);
            }
        }
    }

    // The regulator report of the demo quarter.
    let quarter = NaiveDate::from_ymd_opt(2026, 9, 30).unwrap();
    let regulator = app.login("regulator").await;
    let recorded = store.indicator_result(quarter).await.unwrap().expect("the demo records 2026-09-30");
    let ledger = store.compliance_ledger(quarter).await.unwrap();
    let params = store.rule_parameters().await.unwrap();
    let catalogue = huajie_rules::catalogue::catalogue();
    let mut finding_texts: Vec<(String, String)> = Vec::new();
    for c in store.deal_checks(None, i64::MAX).await.unwrap() {
        if c.as_of > huajie_rules::indicators::previous_quarter_end(quarter) && c.as_of <= quarter {
            finding_texts.extend(c.result.findings.iter().map(|f| (f.zh.clone(), f.en.clone())));
        }
    }
    for f in huajie_rules::pretrade::book_findings(&ledger, &params.parameters, quarter) {
        finding_texts.push((f.zh, f.en));
    }
    assert!(finding_texts.len() >= 3, "the demo quarter has findings");
    for lang in [Lang::Zh, Lang::En] {
        let path = "/compliance/report.pdf?quarter=2026-09-30";
        let pdf = read(&pdftotext, &format!("{path} ({lang:?})"), lang, &get_pdf(&app, &regulator, path, lang).await);
        check_layout(&pdf);
        let (flat, solid) = (pdf.flat(), pdf.solid());
        let whole = |text: &str| match lang {
            Lang::Zh => solid.contains(&text.split_whitespace().collect::<String>()),
            Lang::En => flat.contains(&text.split_whitespace().collect::<Vec<_>>().join(" ")),
        };
        for i in &recorded.indicators {
            let rule = catalogue.iter().find(|r| r.id == i.id).unwrap();
            let title = format!("{:?} {}", i.id, lang.pick(rule.zh, rule.en));
            assert!(whole(&title), "{}: the heading {title:?} is not whole in:\n{}", pdf.name, pdf.text());
            let more = i.lines.len().saturating_sub(huajie_report::compliance::LINES_LISTED);
            let phrase = match lang {
                Lang::Zh => format!("另有{more}条明细"),
                Lang::En => format!("and {more} more lines"),
            };
            assert_eq!(whole(&phrase), more > 0, "{}: {:?} has {} lines", pdf.name, i.id, i.lines.len());
        }
        let (first, second) = (lang.pick("明细", "Line"), lang.pick("金额", "Amount"));
        assert_eq!(check_headers(&pdf, first, second), recorded.indicators.len(), "{}", pdf.name);
        // Each indicator that has more lines than are listed says how many more, once.
        let cut = recorded.indicators.iter().filter(|i| i.lines.len() > huajie_report::compliance::LINES_LISTED);
        let says = match lang {
            Lang::Zh => solid.matches("条明细未列出").count(),
            Lang::En => flat.matches("more lines in the workbook").count(),
        };
        assert_eq!(says, cut.count(), "{}:\n{}", pdf.name, pdf.text());
        assert!(recorded.indicators.iter().any(|i| i.lines.len() > huajie_report::compliance::LINES_LISTED));
        for (zh, en) in &finding_texts {
            let text = if lang == Lang::Zh { zh } else { en };
            assert!(whole(text), "{}: the finding {text:?} is not whole in:\n{}", pdf.name, pdf.text());
        }
        let note = huajie_web::i18n::tr(lang, "report.note");
        assert!(whole(note), "{}: the note is not whole:\n{}", pdf.name, pdf.text());
        if lang == Lang::En {
            check_english(&pdf, &data);
            // The lines of the main-business indicator keep their years, as in Chinese.
            for year in ["2023", "2024", "2025"] {
                assert!(
                    flat.contains(&format!("{year} financial NPA acquisitions")),
                    "{}: the year {year} is lost:\n{}",
                    pdf.name,
                    pdf.text()
                );
            }
        }
    }
}

/// Issue 16, point 4: every PDF is signed — its reference (the run, the quarter-end), its
/// status, who prepared and reviewed it and when in Beijing time, the approver's line —, its
/// pages numbered "第 N 页 / 共 M 页", its file named by the package's code or the quarter.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_pdf_is_signed_with_its_status_its_people_its_times_and_its_pages() {
    let Ok(pdftotext) = std::env::var("HUAJIE_PDFTOTEXT") else {
        eprintln!("HUAJIE_PDFTOTEXT is not set: the PDFs are not read back");
        return;
    };
    let app = TestApp::new().await;
    let store = &app.store.store;
    let when = |t| huajie_core::clock::beijing_time(t, Lang::Zh, false);
    let mut risk = app.login("risk").await;
    let package = store.packages().await.unwrap().into_iter().next().unwrap().package;
    let run = store.valuation_runs(package.id).await.unwrap().into_iter().min_by_key(|r| r.id).unwrap();
    let review = store.valuation_signoff(run.id).await.unwrap().review.expect("the demo reviews its first run");
    let path = format!("/valuations/{}/report.pdf", run.id);
    let reply = app.get(&mut risk, &path).await;
    let disposition = reply.headers[axum::http::header::CONTENT_DISPOSITION].to_str().unwrap().to_string();
    assert!(disposition.contains(&format!("valuation-{}-run{}.pdf", package.data.code, run.id)), "{disposition}");
    let pdf = read(&pdftotext, &path, Lang::Zh, &get_pdf(&app, &risk, &path, Lang::Zh).await);
    let text = pdf.text();
    let pages = pdf.pages.len();
    for expected in [
        format!("估值记录 #{}", run.id),
        "状态：已复核".into(),
        "编制人".into(),
        run.created_by.clone(),
        when(run.created_at),
        "复核人".into(),
        review.reviewed_by.clone(),
        when(review.reviewed_at),
        "批准人".into(),
        format!("第 1 页 / 共 {pages} 页"),
        format!("第 {pages} 页 / 共 {pages} 页"),
    ] {
        let solid: String = expected.split_whitespace().collect();
        assert!(pdf.solid().contains(&solid), "{}: {expected:?} missing in:\n{text}", pdf.name);
    }

    // The regulator report: reviewed by whoever recorded the quarter-end.
    let quarter = NaiveDate::from_ymd_opt(2026, 9, 30).unwrap();
    let recorded = store.indicator_result(quarter).await.unwrap().expect("the demo records 2026-09-30");
    let path = "/compliance/report.pdf?quarter=2026-09-30";
    let reply = app.get(&mut risk, path).await;
    let disposition = reply.headers[axum::http::header::CONTENT_DISPOSITION].to_str().unwrap().to_string();
    assert!(disposition.contains("regulatory-indicators-2026-09-30.pdf"), "{disposition}");
    let pdf = read(&pdftotext, path, Lang::Zh, &get_pdf(&app, &risk, path, Lang::Zh).await);
    let text = pdf.text();
    for expected in [
        "季末 2026-09-30".to_string(),
        "状态：已复核".into(),
        recorded.created_by.clone(),
        when(recorded.created_at),
        format!("第 1 页 / 共 {} 页", pdf.pages.len()),
    ] {
        let solid: String = expected.split_whitespace().collect();
        assert!(pdf.solid().contains(&solid), "{}: {expected:?} missing in:\n{text}", pdf.name);
    }
}
