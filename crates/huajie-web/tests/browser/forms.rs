//! Issue 16, point 1, in a browser: every form keeps what was typed when it comes back with an
//! error, the error beside its field; and an amount typed in full-width digits, with 亿 or 万元 or
//! 元, reads the same in every form that takes one.

use huajie_core::Role;
use serde_json::Value;

use super::{Browser, browser, browser_with_clock};

/// Finds, from the role's home, the pages the role reaches by following links (each kind of
/// page a few times: `/claims/1` and `/claims/2` are one kind) and on them every POST form with a
/// field a person types into — one of each kind (its action with the numbers taken out and its
/// fields) — leaving out logging out, the language, the compliance book and the overrides.
const CRAWL: &str = r#"
const done = arguments[arguments.length - 1];
const limit = arguments[0];
(async () => {
  const kind = p => p.replace(/\d+/g, '#');
  const skipped = p => /\.(xlsx|pdf|csv|json|png|svg|zip|txt)$/.test(p) || /^\/(api|static|logout|lang)/.test(p)
    || p.includes('/export') || p.includes('/download') || p.includes('/events');
  const typed = e => (e.tagName === 'TEXTAREA' || (e.tagName === 'INPUT'
    && ['text', 'number', 'date', 'search', 'email', 'tel', 'url', 'password', ''].includes((e.getAttribute('type') || '').toLowerCase())))
    && e.name && e.name !== 'csrf';
  const seen = new Set(), kinds = {}, signatures = new Set(), forms = [];
  const queue = [location.pathname];
  while (queue.length && seen.size < limit) {
    const path = queue.shift();
    if (seen.has(path)) continue;
    seen.add(path);
    let r;
    try { r = await fetch(path); } catch (e) { continue; }
    if (!r.ok || !(r.headers.get('content-type') || '').includes('text/html')) continue;
    const at = new URL(r.url);
    const doc = new DOMParser().parseFromString(await r.text(), 'text/html');
    doc.querySelectorAll('form').forEach((f, index) => {
      if ((f.getAttribute('method') || 'get').toLowerCase() !== 'post') return;
      const action = new URL(f.getAttribute('action') || at.pathname, at).pathname;
      if (/^\/(logout|lang|login|compliance\/book)/.test(action) || action.includes('/overrides')) return;
      const fields = [...f.querySelectorAll('input, textarea')].filter(typed).map(e => e.name);
      if (!fields.length) return;
      const signature = kind(action) + ' ' + fields.join(',');
      if (signatures.has(signature)) return;
      signatures.add(signature);
      forms.push({ page: at.pathname + at.search, index, action, signature });
    });
    doc.querySelectorAll('a[href]').forEach(a => {
      const u = new URL(a.getAttribute('href'), at);
      if (u.origin !== location.origin || skipped(u.pathname) || seen.has(u.pathname) || queue.includes(u.pathname)) return;
      const k = kind(u.pathname);
      kinds[k] = (kinds[k] || 0) + 1;
      if (kinds[k] <= 3) queue.push(u.pathname);
    });
  }
  done(forms);
})();
"#;

/// Fills the page's form number `index` (every visible field typed into with `value`, a password
/// left blank), marks the page's body as the one before the post (a form sent in the background
/// replaces the body, as a page loaded does), and sends the form without the
/// browser's own checks (so the server's answer is what is seen). Answers what was typed in each
/// field, by name.
const FILL: &str = r#"
const [index, value] = arguments;
const f = document.querySelectorAll('form')[index];
if (!f) return null;
f.querySelectorAll('details').forEach(d => d.open = true);
let d = f.closest('details'); while (d) { d.open = true; d = d.parentElement.closest('details'); }
const typed = {};
for (const e of f.querySelectorAll('input, textarea')) {
  const type = (e.getAttribute('type') || '').toLowerCase();
  const text = e.tagName === 'TEXTAREA' || ['text', 'number', 'date', 'search', 'email', 'tel', 'url', 'password', ''].includes(type);
  if (!text || !e.name || e.name === 'csrf' || e.disabled || e.readOnly || !e.getClientRects().length) continue;
  if (type === 'number' || type === 'date') e.type = 'text';
  e.value = type === 'password' ? '' : value;
  typed[e.name] = e.value;
}
f.noValidate = true;
document.body.dataset.beforePost = '1';
const button = f.querySelector('button[type=submit], button:not([type]), input[type=submit]');
if (button) { button.click(); } else { f.requestSubmit(); }
return typed;
"#;

/// What the page answered: `error-page` (the bare error page), `sent-back` (a summary of
/// errors), or `other` (the form went through, or the page says nothing of an error); once the
/// page after the post has loaded.
const ANSWER: &str = r#"
if (document.body.dataset.beforePost || document.readyState !== 'complete') return null;
if (document.getElementById('error-message')) return 'error-page: ' + document.getElementById('error-message').textContent.slice(0, 200);
if (document.getElementById('error-summary')) return 'sent-back';
return 'other';
"#;

/// Whether the form posting to `action` (of those that do, the one with the fields typed in)
/// shows `typed` in every field, and a message beside at least one field — or, when the form
/// was refused as a whole (a business rule, no field to blame), the page's summary says why:
/// what is wrong, or "" when nothing is.
const KEPT: &str = r#"
const [action, typed] = arguments;
const names = Object.keys(typed);
const forms = [...document.querySelectorAll('form')]
  // Not f.action: a button named `action` shadows it.
  .filter(f => new URL(f.getAttribute('action') || location.href, location.href).pathname === action)
  .filter(f => names.every(n => f.querySelector(`[name="${n}"]`)));
if (!forms.length) return 'the form is not on the page again';
let problems = [];
for (const f of forms) {
  problems = [];
  for (const [name, value] of Object.entries(typed)) {
    const e = f.querySelector(`[name="${name}"]`);
    if (e.value !== value) problems.push(`${name}: shows ${JSON.stringify(e.value)}, typed ${JSON.stringify(value)}`);
  }
  const summary = document.getElementById('error-summary');
  const whole = summary && !summary.querySelector('a[href]') && summary.textContent.trim();
  if (!f.querySelector('.field-error') && !whole) problems.push('no message beside any field');
  if (!problems.length) return '';
}
return problems.join('; ');
"#;

impl Browser {
    /// Posts form `index` of `page` with every visible field set to `value`: whether the answer
    /// was an error, and what was wrong with it (`None` when nothing), the form named by page
    /// and action.
    async fn wrong_form(&self, page: &str, index: u64, action: &str, value: &str) -> (bool, Option<String>) {
        self.goto(page).await;
        let typed = self.client.execute(FILL, vec![Value::from(index), Value::from(value)]).await.unwrap();
        if typed.is_null() {
            // A form an earlier post took away (a meeting closed, a stage withdrawn).
            return (false, None);
        }
        let mut answer = Value::Null;
        for _ in 0..200 {
            answer = self.client.execute(ANSWER, vec![]).await.unwrap_or(Value::Null);
            if !answer.is_null() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        let answer = answer.as_str().unwrap_or("no answer after ten seconds").to_string();
        let what = if value.is_empty() { "blank" } else { value };
        match answer.as_str() {
            "other" => (false, None),
            "sent-back" => {
                let kept = self.client.execute(KEPT, vec![Value::from(action), typed]).await.unwrap();
                let kept = kept.as_str().unwrap_or_default();
                (true, (!kept.is_empty()).then(|| format!("{page} → {action} ({what}): {kept}")))
            }
            other => (true, Some(format!("{page} → {action} ({what}): {other}"))),
        }
    }
}

/// Every POST form of every role's pages, each field typed wrong ("abc？") and then left blank:
/// whenever the answer is an error, it is the page again with the form, every field as typed
/// and a message beside a field — never a bare error page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_form_sent_back_keeps_every_field_as_typed_and_says_whats_wrong_beside_it() {
    let Some(b) = browser().await else { return };
    let mut problems = Vec::new();
    let (mut tried, mut refused) = (0, 0);
    let mut seen = std::collections::HashSet::new();
    for role in Role::ALL.iter() {
        b.goto("/login").await;
        b.client.delete_all_cookies().await.unwrap();
        b.login(role.code()).await;
        b.goto("/").await;
        let forms = b.client.execute_async(CRAWL, vec![Value::from(150)]).await.unwrap();
        for form in forms.as_array().unwrap() {
            let (page, index, action) =
                (form["page"].as_str().unwrap(), form["index"].as_u64().unwrap(), form["action"].as_str().unwrap());
            // A form shown to several roles is tried once.
            if !seen.insert(form["signature"].as_str().unwrap().to_string()) {
                continue;
            }
            tried += 1;
            // Blank first: a wrong value a form takes (a free text) changes what the page shows.
            for value in ["", "abc？"] {
                let (error, problem) = b.wrong_form(page, index, action, value).await;
                refused += usize::from(error);
                if let Some(problem) = problem {
                    problems.push(format!("{}: {problem}", role.code()));
                }
            }
        }
    }
    b.screenshot("16-form-sent-back").await;
    b.close().await;
    assert!(tried >= 30, "the roles' forms were found: {tried}");
    assert!(refused >= tried, "most forms refuse a blank or a wrong value: {refused} answers of {tried} forms");
    assert!(problems.is_empty(), "{} of {tried} forms lose what was typed:\n{}", problems.len(), problems.join("\n"));
}

/// The three ways the amount is typed, each read as 12,000,000 元: full-width digits with 亿,
/// full-width digits with 万元, and ASCII with thousands separators and 元.
const TWELVE_MILLION: [&str; 3] = ["０．１２亿", "１２００万元", "12,000,000元"];

impl Browser {
    /// Types `typed` into each field `(css, text)` of the form `form`, sends it, and answers the
    /// id the page it led to ends in (`/valuations/7` → 7): the form went through.
    async fn sent(&self, form: &str, fields: &[(&str, &str)], record: &str) -> i64 {
        for (css, text) in fields {
            self.type_into(&format!("#{form}-{css}"), text).await;
        }
        self.click(&format!("#{form} button[type='submit']")).await;
        let path = self.wait_for_record(record).await;
        path[record.len()..].split(['/', '?', '#']).next().unwrap().parse().unwrap()
    }
}

/// A claim still owed more than `fen` (its debtor owing nothing else), to take receipts.
async fn a_claim_owing(store: &huajie_store::Store, fen: i64) -> i64 {
    for p in store.packages().await.unwrap().iter().filter(|p| p.package.data.acquired_on.is_some()) {
        for c in store.claims_of_package(p.package.id).await.unwrap() {
            let position = store.claim_position(c.claim.id).await.unwrap();
            let owed = position.owed.costs.fen() + position.owed.interest.fen() + position.owed.principal.fen();
            if position.held && !position.closed && owed > fen {
                return c.claim.id;
            }
        }
    }
    panic!("the demo holds a claim owed more than {fen} fen");
}

/// Issue 16's second acceptance point: the same amount typed in full-width digits with 亿, with
/// 万元, or with separators and 元 reads the same 12,000,000 元 in every form that takes an
/// amount — the valuation's price, a package's pre-trade check, an investment's check, an
/// expense — and a receipt reads its amount the same way whichever it is typed (a smaller one:
/// a claim is not owed 36 million).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_amount_typed_three_ways_reads_the_same_in_every_form() {
    let Some(b) = browser_with_clock(super::issue_15_clock()).await else { return };
    let store = b._app.store.store.clone();
    let expected = huajie_core::Money::from_yuan(12_000_000).unwrap();
    b.login("valuer").await;
    for typed in TWELVE_MILLION {
        b.goto("/packages/1/valuation").await;
        let run = b.sent("run-form", &[("price", typed), ("scenarios", "１００")], "/valuations/").await;
        assert_eq!(store.valuation_run(run).await.unwrap().unwrap().price, expected, "valuation price {typed}");
    }
    let screening = store
        .packages()
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.package.data.status == huajie_core::PackageStatus::Screening)
        .expect("a package in screening")
        .package
        .id;
    b.goto("/login").await;
    b.client.delete_all_cookies().await.unwrap();
    b.login("finance").await;
    for typed in TWELVE_MILLION {
        b.goto(&format!("/packages/{screening}")).await;
        let id = b.sent("pretrade-form", &[("price", typed), ("as_of", "２０２６年１２月１日")], "/checks/").await;
        match store.deal_check(id).await.unwrap().unwrap().terms {
            huajie_rules::terms::DealTerms::Acquisition { price, .. } => assert_eq!(price, expected, "check {typed}"),
            other => panic!("an acquisition, not {other:?}"),
        }
        b.goto("/checks").await;
        let id = b.sent("propose-investment", &[("label", "理财"), ("amount", typed)], "/checks/").await;
        match store.deal_check(id).await.unwrap().unwrap().terms {
            huajie_rules::terms::DealTerms::Investment { amount, .. } => {
                assert_eq!(amount, expected, "investment {typed}")
            }
            other => panic!("an investment, not {other:?}"),
        }
    }
    let claim = a_claim_owing(&store, 36_000_000).await;
    for (typed, receipt) in TWELVE_MILLION.into_iter().zip(["０．００１２亿", "１２万元", "120,000元"]) {
        b.goto("/ledger").await;
        b.click("#post-expense summary").await;
        let before = store.ledger_entries(None).await.unwrap().len();
        b.type_into("#ledger-expense-amount", typed).await;
        b.type_into("#ledger-expense-claim", &claim.to_string()).await;
        b.type_into("#ledger-expense-date", "2026/12/4").await;
        b.type_into("#ledger-expense-payee", "某律师事务所").await;
        b.click("#ledger-expense button[type='submit']").await;
        b.until("the expense posted", || async { store.ledger_entries(None).await.unwrap().len() == before + 1 }).await;
        let entries = store.ledger_entries(None).await.unwrap();
        let expense = entries.iter().max_by_key(|e| e.id).and_then(|e| e.expense.clone()).expect("an expense");
        assert_eq!(expense.amount, expected, "expense {typed}");

        let posted = store.claim_entries(claim).await.unwrap().len();
        b.goto("/ledger").await;
        b.click("#post-receipt summary").await;
        b.type_into("#ledger-receipt-claim", &claim.to_string()).await;
        b.type_into("#ledger-receipt-date", "２０２６年１２月４日").await;
        b.type_into("#ledger-receipt-amount", receipt).await;
        b.choose("#ledger-receipt-source", "debtor").await;
        b.type_into("#ledger-receipt-payer", "债务人").await;
        b.click("#ledger-receipt button[type='submit']").await;
        b.until("the receipt posted", || async { store.claim_entries(claim).await.unwrap().len() == posted + 1 }).await;
        let entries = store.claim_entries(claim).await.unwrap();
        let read = entries.iter().max_by_key(|e| e.id).and_then(|e| e.receipt.clone()).expect("a receipt").amount;
        assert_eq!(read, huajie_core::Money::from_yuan(120_000).unwrap(), "receipt {receipt}");
    }
    b.screenshot("16-amounts-posted").await;
    b.close().await;
}
