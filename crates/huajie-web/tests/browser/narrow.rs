//! Issue 16, point 8: every page of every role is usable on a phone 390 px wide. The journey
//! crawls each role's pages breadth-first from its home (and the public's from the login page
//! and the public lists) and asserts that no page scrolls sideways: a wide table may scroll in
//! its own box, the page itself may not.

use std::collections::{HashMap, HashSet, VecDeque};

use fantoccini::Locator;

use super::{Browser, browser};

/// A phone's width in CSS pixels (an iPhone 12–15).
const WIDTH: u32 = 390;
/// At most this many pages of one route (its ids collapsed) per role.
const PER_ROUTE: usize = 3;
/// At most this many pages per role (half as many again for the English pass), so the journey
/// stays within a few minutes.
const PER_ROLE: usize = 60;

const ROLES: [&str; 10] = [
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
];

/// The public's starting points: no login.
const PUBLIC_STARTS: [&str; 4] = ["/login", "/public/lots", "/public/announcements", "/portal/register"];

/// The same-origin links of the page, resolved, as path and query.
const LINKS_JS: &str = r#"
const out = [];
for (const a of document.querySelectorAll('a[href]')) {
  const u = new URL(a.getAttribute('href'), location.href);
  if (u.origin !== location.origin || a.hasAttribute('download')) continue;
  out.push(u.pathname + u.search);
}
return out;
"#;

/// The page's overflow: `[scrollWidth, innerWidth, the widest element poking past the right edge
/// that is not inside a box of its own that scrolls (or clips) sideways]`.
const OVERFLOW_JS: &str = r#"
const w = window.innerWidth;
const boxed = (e) => {
  for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
    const o = getComputedStyle(p).overflowX;
    if (o === 'auto' || o === 'scroll' || o === 'hidden' || o === 'clip') return true;
  }
  return false;
};
let worst = null, right = w + 1;
for (const e of document.body.querySelectorAll('*')) {
  const r = e.getBoundingClientRect();
  if (r.width === 0 || r.right <= right || boxed(e)) continue;
  right = r.right;
  const cls = typeof e.className === 'string' ? e.className : '';
  worst = `<${e.tagName.toLowerCase()}${e.id ? ' id=' + e.id : ''}${cls ? ' class="' + cls + '"' : ''}> ` +
    `${Math.round(r.width)} px wide, right edge at ${Math.round(r.right)} px: ` +
    JSON.stringify((e.textContent || '').trim().slice(0, 60));
}
return [document.documentElement.scrollWidth, w, worst];
"#;

/// Whether the crawl follows a link: pages only, not downloads, streams, the API or actions.
fn followed(path: &str) -> bool {
    let bare = path.split(['?', '#']).next().unwrap_or("");
    let download = [".pdf", ".xlsx", ".csv", ".json", ".js", ".css"].iter().any(|s| bare.ends_with(s));
    let elsewhere =
        ["/api/", "/logout", "/lang/", "/static/", "/investor-documents/", "/plan-documents/", "/imports/progress/"]
            .iter()
            .any(|p| bare.starts_with(p));
    !bare.is_empty() && !download && !elsewhere && !bare.ends_with("/events") && !bare.ends_with("/healthz")
}

/// The route a path belongs to: every segment with a digit in it is an id.
fn route(path: &str) -> String {
    let bare = path.split(['?', '#']).next().unwrap_or("");
    bare.split('/')
        .map(|s| if s.chars().any(|c| c.is_ascii_digit()) { "{id}" } else { s })
        .collect::<Vec<_>>()
        .join("/")
}

impl Browser {
    /// Crawls from `starts` and returns each page that scrolls sideways, with its widest offender.
    async fn narrow_crawl(&self, who: &str, starts: &[String], cap: usize) -> (usize, Vec<String>) {
        let mut queue: VecDeque<String> = starts.iter().cloned().collect();
        let mut seen: HashSet<String> = queue.iter().cloned().collect();
        let mut per_route: HashMap<String, usize> = HashMap::new();
        let (mut visited, mut failures) = (0, Vec::new());
        // Breadth-first, a route not yet seen before a second page of one seen.
        loop {
            let fresh = queue.iter().position(|p| !per_route.contains_key(&route(p)));
            let Some(path) = queue.remove(fresh.unwrap_or(0)) else { break };
            if visited >= cap {
                break;
            }
            let n = per_route.entry(route(&path)).or_default();
            if *n >= PER_ROUTE {
                continue;
            }
            *n += 1;
            visited += 1;
            self.goto(&path).await;
            let result = self.client.execute(OVERFLOW_JS, vec![]).await.unwrap();
            let (scroll, inner) = (result[0].as_f64().unwrap(), result[1].as_f64().unwrap());
            assert_eq!(inner, f64::from(WIDTH), "the window is a phone's width");
            if scroll > inner + 1.0 {
                let worst = result[2].as_str().unwrap_or("(no single element)");
                failures.push(format!("{who} {path}: the page is {scroll} px wide; widest: {worst}"));
            }
            let links = self.client.execute(LINKS_JS, vec![]).await.unwrap();
            for link in links.as_array().unwrap().iter().filter_map(|l| l.as_str()) {
                let link = link.to_string();
                if followed(&link) && !seen.contains(&link) {
                    seen.insert(link.clone());
                    queue.push_back(link);
                }
            }
        }
        (visited, failures)
    }

    async fn at_phone_width(&self) {
        self.client.set_window_size(WIDTH, 844).await.unwrap();
        let inner = self.client.execute("return window.innerWidth", vec![]).await.unwrap();
        // A window's frame may take some pixels: widen it until the page itself is 390 px.
        let frame = WIDTH.saturating_sub(inner.as_u64().unwrap() as u32);
        if frame > 0 {
            self.client.set_window_size(WIDTH + frame, 844).await.unwrap();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_of_every_role_fits_a_phone_390_px_wide() {
    let Some(b) = browser().await else { return };
    b.goto("/login").await;
    b.at_phone_width().await;
    let mut failures = Vec::new();
    let mut total = 0;

    let starts: Vec<String> = PUBLIC_STARTS.iter().map(|s| s.to_string()).collect();
    let (n, mut f) = b.narrow_crawl("public", &starts, PER_ROLE).await;
    assert!(n >= 4, "the public's pages were crawled: {n}");
    total += n;
    failures.append(&mut f);

    for role in ROLES {
        b.client.delete_all_cookies().await.unwrap();
        b.login(role).await;
        let home = b.path().await;
        b.screenshot(&format!("narrow-{role}-home")).await;
        let (n, mut f) = b.narrow_crawl(role, &[home], PER_ROLE).await;
        assert!(n >= 2, "{role}: only {n} pages crawled");
        total += n;
        failures.append(&mut f);
    }
    // English labels run longer: the administrator's pages again, in English.
    b.client.delete_all_cookies().await.unwrap();
    b.login("admin").await;
    b.goto("/lang/en").await;
    b.goto("/dashboard").await;
    let lang = b.client.execute("return document.documentElement.lang", vec![]).await.unwrap();
    assert_eq!(lang.as_str(), Some("en"), "the pages are in English");
    let (n, mut f) = b.narrow_crawl("admin (English)", &["/dashboard".to_string()], PER_ROLE / 2).await;
    total += n;
    failures.append(&mut f);
    eprintln!("{total} pages crawled at {WIDTH} px");

    // The check can fail: a block wider than the phone, outside any box that scrolls, is found
    // and named (the page then scrolls sideways).
    b.goto("/public/lots").await;
    let wide = "const d = document.createElement('div'); d.id = 'too-wide'; d.style.width = '800px'; \
                d.textContent = 'x'; document.querySelector('main').appendChild(d);";
    b.client.execute(wide, vec![]).await.unwrap();
    let result = b.client.execute(OVERFLOW_JS, vec![]).await.unwrap();
    assert!(result[0].as_f64().unwrap() > f64::from(WIDTH) + 1.0, "{result:?}");
    assert!(result[2].as_str().unwrap().starts_with("<div id=too-wide> 800 px wide"), "{result:?}");
    assert!(failures.is_empty(), "{} pages scroll sideways at {WIDTH} px:\n{}", failures.len(), failures.join("\n"));

    // The menu collapses: closed, the nav is hidden; opened (no script), it shows its links.
    b.client.delete_all_cookies().await.unwrap();
    b.login("admin").await;
    let nav = b.client.find(Locator::Css("header nav")).await.unwrap();
    assert!(!nav.is_displayed().await.unwrap(), "the nav is folded away on a phone");
    b.click("#menu-button").await;
    assert!(nav.is_displayed().await.unwrap(), "the menu button opens the nav");
    b.screenshot("narrow-menu-open").await;
    b.close().await;
}

/// The README's tour pictures (`scripts/screenshots.sh` runs this): the dashboard, a valuation
/// run, the indicators at a desktop's 1280 px and a page at a phone's 390 px, on the demo at a
/// fixed moment, into the directory `HUAJIE_README_SCREENSHOTS` names. Skipped without it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readme_screenshots() {
    let Ok(dir) = std::env::var("HUAJIE_README_SCREENSHOTS") else {
        eprintln!("HUAJIE_README_SCREENSHOTS is not set: the README's screenshots are not taken");
        return;
    };
    let clock = std::sync::Arc::new(huajie_core::clock::FixedClock::at("2026-12-07T02:00:00Z".parse().unwrap()));
    let Some(b) = super::browser_with_clock(clock).await else { return };
    std::fs::create_dir_all(&dir).unwrap();
    let shoot = |name: &'static str| {
        let (b, dir) = (&b, dir.clone());
        async move {
            // Let fonts and charts settle before the picture.
            tokio::time::sleep(std::time::Duration::from_millis(400)).await;
            let png = b.client.screenshot().await.unwrap();
            assert!(png.len() <= 300 * 1024, "{name}: {} KB, over 300 KB", png.len() / 1024);
            std::fs::write(format!("{dir}/{name}.png"), png).unwrap();
        }
    };
    b.client.set_window_size(1280, 860).await.unwrap();
    b.login("valuer").await;
    b.goto("/dashboard").await;
    b.client.wait().for_element(Locator::Css("#kpis")).await.unwrap();
    shoot("dashboard").await;

    let store = b._app.store.store.clone();
    let mut run = None;
    for p in store.packages().await.unwrap() {
        if let Some(r) = store.valuation_runs(p.package.id).await.unwrap().into_iter().next() {
            run = Some(r.id);
            break;
        }
    }
    let run = run.expect("the demo has a valuation run");
    b.goto(&format!("/valuations/{run}")).await;
    b.client.wait().for_element(Locator::Css("#run-title")).await.unwrap();
    // Its figures and its cash and recovery charts; then the distribution of break-even prices
    // with P5, P50, P95 and the bid marked.
    let scroll = |id: &str, above: i32| {
        format!("document.getElementById('{id}').scrollIntoView(); window.scrollBy(0, -{above});")
    };
    b.client.execute(&scroll("chart-cash", 300), vec![]).await.unwrap();
    shoot("valuation").await;
    b.client.execute(&scroll("chart-distribution", 40), vec![]).await.unwrap();
    shoot("valuation-distribution").await;

    b.at_phone_width().await;
    b.goto("/parties").await;
    b.client.wait().for_element(Locator::Css("#parties")).await.unwrap();
    shoot("phone-parties").await;

    b.client.set_window_size(1280, 860).await.unwrap();
    b.client.delete_all_cookies().await.unwrap();
    b.login("risk").await;
    b.goto("/compliance").await;
    b.client.wait().for_element(Locator::Css("h1")).await.unwrap();
    shoot("compliance").await;
    // The quarterly trend against the limits, the breach in transition with its glide path.
    b.client.execute(&scroll("trend-q3", 420), vec![]).await.unwrap();
    shoot("compliance-trend").await;
    b.close().await;
}
