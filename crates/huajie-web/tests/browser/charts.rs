//! The charts as a reader sees them in Chromium: every label legible and inside its drawing,
//! every column and point with its value on hover.

use super::browser;

/// For every chart on the page: texts drawn at under 10.5 px, texts outside their drawing, and
/// columns, bars or points without a hover value — each named.
const PROBLEMS: &str = r#"
const problems = [];
for (const fig of document.querySelectorAll('figure.chart')) {
  const svg = fig.querySelector('svg');
  const box = svg.getBoundingClientRect();
  const scale = box.width / svg.viewBox.baseVal.width;
  for (const t of svg.querySelectorAll('text')) {
    const r = t.getBoundingClientRect();
    const px = parseFloat(getComputedStyle(t).fontSize) * scale;
    if (px < 10.5) problems.push(`${fig.id}: "${t.textContent}" drawn at ${px.toFixed(1)} px`);
    if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1)
      problems.push(`${fig.id}: "${t.textContent}" runs outside the chart`);
  }
  for (const e of svg.querySelectorAll('rect.bar, rect.bar-neg, circle.dot, g.mark')) {
    const title = e.querySelector('title') || (e.parentNode.tagName === 'g' && e.parentNode.querySelector('title'));
    if (!title || !title.textContent.trim()) problems.push(`${fig.id}: a ${e.tagName} without a hover value`);
  }
}
return problems;
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_chart_is_legible_unclipped_and_tells_its_values_on_hover() {
    let Some(b) = browser().await else { return };
    let pages = [
        ("valuer", vec!["/", "/packages/1/valuation", "/packages/1/backtest"]),
        ("risk", vec!["/compliance"]),
        ("finance", vec!["/packages/1/returns"]),
    ];
    let mut seen = 0;
    for (user, paths) in pages {
        b.login(user).await;
        for path in paths {
            b.goto(path).await;
            b.client.wait().for_element(fantoccini::Locator::Css("footer")).await.unwrap();
            let charts = b.client.find_all(fantoccini::Locator::Css("figure.chart svg")).await.unwrap().len();
            assert!(charts > 0, "{user} {path}: no chart");
            seen += charts;
            let problems = b.client.execute(PROBLEMS, vec![]).await.unwrap();
            let problems: Vec<String> = serde_json::from_value(problems).unwrap();
            assert!(problems.is_empty(), "{user} {path}:\n{}", problems.join("\n"));
            b.screenshot(&format!("chart-{user}-{}", path.replace('/', "_"))).await;
        }
        b.click("#logout").await;
        b.client.wait().for_element(fantoccini::Locator::Id("username")).await.unwrap();
    }
    assert!(seen >= 14, "dashboard 4, valuation 3, back-test 1, indicators 6, ledger 1: {seen}");
    b.close().await;
}
