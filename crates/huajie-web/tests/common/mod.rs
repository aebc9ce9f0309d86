//! `TestApp`: the real router over a fresh SQLite store with the demo company loaded,
//! driven request by request with cookies kept per client.

#![allow(dead_code)]

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use huajie_store::testing::TestStore;
use huajie_web::{AppState, WebConfig, router};
use tower::ServiceExt;

pub const PASSWORD: &str = huajie_demo::DEMO_PASSWORD;

pub struct TestApp {
    pub store: TestStore,
    pub router: Router,
    pub state: AppState,
}

/// A response, read whole.
pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn location(&self) -> &str {
        self.headers.get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("")
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn set_cookies(&self) -> Vec<String> {
        self.headers.get_all(header::SET_COOKIE).iter().map(|v| v.to_str().unwrap().to_string()).collect()
    }
}

/// A browser: its cookies, the CSRF token of its session, and the address it connects
/// from (none: the server sees "local").
#[derive(Default, Clone)]
pub struct Client {
    pub cookies: Vec<(String, String)>,
    pub csrf: String,
    pub source: Option<std::net::IpAddr>,
}

impl Client {
    /// A client without cookies connecting from `ip`.
    pub fn from(ip: &str) -> Client {
        Client { source: Some(ip.parse().expect("an IP address")), ..Client::default() }
    }

    pub fn cookie_header(&self) -> String {
        self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
    }

    fn absorb(&mut self, reply: &Reply) {
        for c in reply.set_cookies() {
            let pair = c.split(';').next().unwrap();
            let (k, v) = pair.split_once('=').unwrap();
            self.cookies.retain(|(name, _)| name != k);
            if !v.is_empty() {
                self.cookies.push((k.to_string(), v.to_string()));
            }
        }
    }
}

/// The tests' server: a web valuation or import is waited for until it ends (on a busy test
/// machine a small one may take longer than the second a user waits), so a test sees its
/// result as the form answers it; `tests/runs.rs` serves with no wait, to see the progress page.
pub fn config() -> WebConfig {
    WebConfig { run_wait: std::time::Duration::from_secs(120), ..WebConfig::default() }
}

impl TestApp {
    pub async fn new() -> TestApp {
        TestApp::on(TestStore::sqlite().await, config()).await
    }

    /// The demo on a store whose clock the test moves.
    pub async fn with_clock(clock: std::sync::Arc<huajie_core::clock::FixedClock>) -> TestApp {
        TestApp::on(TestStore::sqlite_with_clock(clock).await, config()).await
    }

    /// The demo without its recovery ledger's history (no receipts, no statement lines), for a
    /// test that counts what it posts itself.
    pub async fn without_history() -> TestApp {
        let demo = huajie_demo::DemoCompany { history: false, ..huajie_demo::generate() };
        TestApp::with_demo(TestStore::sqlite().await, config(), &demo).await
    }

    /// The demo loaded into `store`, served with `config`.
    pub async fn on(store: TestStore, config: WebConfig) -> TestApp {
        TestApp::with_demo(store, config, &huajie_demo::generate()).await
    }

    /// `demo` loaded into `store`, served with `config`.
    pub async fn with_demo(store: TestStore, config: WebConfig, demo: &huajie_demo::DemoCompany) -> TestApp {
        huajie_demo::load(&store.store, demo, huajie_web::hash_password).await.unwrap();
        let state = AppState::new(store.store.clone(), config);
        let router = router(state.clone());
        TestApp { store, router, state }
    }

    /// Passwords checked against their hash so far.
    pub fn password_checks(&self) -> u64 {
        self.state.password_checks.load(std::sync::atomic::Ordering::SeqCst)
    }

    pub async fn send(&self, client: &mut Client, request: Request<Body>) -> Reply {
        let mut request = request;
        if !client.cookies.is_empty() {
            request.headers_mut().insert(header::COOKIE, client.cookie_header().parse().unwrap());
        }
        if let Some(ip) = client.source {
            request.extensions_mut().insert(axum::extract::ConnectInfo(std::net::SocketAddr::new(ip, 40000)));
        }
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), 16 * 1024 * 1024).await.unwrap();
        let reply = Reply { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() };
        client.absorb(&reply);
        reply
    }

    pub async fn get(&self, client: &mut Client, path: &str) -> Reply {
        self.send(client, Request::get(path).body(Body::empty()).unwrap()).await
    }

    /// Posts a form (`fields` are URL-encoded here).
    pub async fn post_form(&self, client: &mut Client, path: &str, fields: &[(&str, &str)]) -> Reply {
        let body = fields
            .iter()
            .map(|(k, v)| {
                format!("{k}={}", percent_encoding::utf8_percent_encode(v, percent_encoding::NON_ALPHANUMERIC))
            })
            .collect::<Vec<_>>()
            .join("&");
        let request = Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        self.send(client, request).await
    }

    /// A download's bytes (the `Reply` reads bodies as text).
    pub async fn get_bytes(&self, client: &Client, path: &str) -> (StatusCode, Vec<u8>) {
        let request = Request::get(path).header(header::COOKIE, client.cookie_header()).body(Body::empty()).unwrap();
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        (status, axum::body::to_bytes(response.into_body(), 64 * 1024 * 1024).await.unwrap().to_vec())
    }

    pub async fn post_json(&self, client: &mut Client, path: &str, body: serde_json::Value) -> Reply {
        let request = Request::post(path)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .unwrap();
        self.send(client, request).await
    }

    /// Posts a multipart form: text fields and one file field named `file`.
    pub async fn post_multipart(
        &self,
        client: &mut Client,
        path: &str,
        fields: &[(&str, &str)],
        file: (&str, &[u8]),
        csrf_header: Option<&str>,
    ) -> Reply {
        self.post_files(client, path, fields, &[file], csrf_header).await
    }

    /// Posts a multipart form: text fields and one `file` field per file, in order.
    pub async fn post_files(
        &self,
        client: &mut Client,
        path: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &[u8])],
        csrf_header: Option<&str>,
    ) -> Reply {
        let boundary = "huajie-test-boundary-7d3f";
        let mut body: Vec<u8> = Vec::new();
        for (k, v) in fields {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").as_bytes(),
            );
        }
        for (name, bytes) in files {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                    .as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let mut request =
            Request::post(path).header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"));
        if let Some(token) = csrf_header {
            request = request.header("x-csrf-token", token);
        }
        self.send(client, request.body(Body::from(body)).unwrap()).await
    }

    /// Imports a small tape (three claims, one personal debtor) into a new package through
    /// the store, and returns the import's id.
    pub async fn import_sample(&self) -> i64 {
        let options = huajie_tape::SheetOptions {
            cutoff_date: chrono::NaiveDate::from_ymd_opt(2026, 6, 30),
            today: chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap(),
            personal_batch: false,
        };
        let tape = sample_tape();
        let (_, rows) = huajie_tape::open_csv(tape.as_bytes()).unwrap();
        let read = huajie_tape::read_claims(rows, options).unwrap();
        let transferor = huajie_core::Party {
            name: "测试银行".into(),
            identity: huajie_core::PartyIdentifier::Uscc(huajie_core::Uscc::parse("91330100MA2AYA1GX3").unwrap())
                .into(),
            status: huajie_core::PartyStatus::Active,
            address: None,
            phone: None,
        };
        let target = huajie_store::PackageTarget::New { code: "T-1".into(), name: "测试包".into(), transferor };
        match self
            .store
            .store
            .import_tape("acquisition", &target, "sample.csv", "0", huajie_tape::ImportPolicy::Partial, &read)
            .await
            .unwrap()
        {
            huajie_store::ImportOutcome::Loaded { import, .. } => import.id,
            other => panic!("{other:?}"),
        }
    }

    /// Logs in through the API and returns a client holding the session and its CSRF token.
    pub async fn login(&self, username: &str) -> Client {
        let mut client = Client::default();
        let reply = self
            .post_json(
                &mut client,
                "/api/v1/session",
                serde_json::json!({ "username": username, "password": PASSWORD }),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "login as {username}: {}", reply.body);
        client.csrf = reply.json()["data"]["csrf_token"].as_str().unwrap().to_string();
        client
    }

    /// Logs in through the login page, as a browser does.
    pub async fn login_with_form(&self, client: &mut Client, username: &str, password: &str) -> Reply {
        let form = self.get(client, "/login").await;
        let token = hidden_field(&form.body, "csrf");
        self.post_form(
            client,
            "/login",
            &[("username", username), ("password", password), ("csrf", &token), ("next", "/dashboard")],
        )
        .await
    }
}

/// A person's valid resident ID, and the same number with its check character broken.
pub fn person_ids() -> (String, String) {
    let good = huajie_core::ResidentId::with_check_char("33010619800101001").unwrap().to_string();
    let mut bad = good.clone();
    let last = bad.pop().unwrap();
    bad.push(if last == '0' { '1' } else { '0' });
    (good, bad)
}

/// A tape: two good claims (one personal), one row with a bad ID, one repeated contract.
pub fn sample_tape() -> String {
    let (good, bad) = person_ids();
    let company = huajie_core::Uscc::with_check_chars("91330102MA200004").unwrap();
    format!(
        "合同编号,借款人名称,证件号码,本金余额,五级分类\n\
         S-1,杭州样本有限公司,{company},1000,可疑\n\
         S-2,王小明,{good},2000,次级\n\
         S-3,李某,{bad},300,损失\n\
         S-1,杭州样本有限公司,{company},1000,可疑\n"
    )
}

/// The value of a hidden input in a page.
pub fn hidden_field(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).unwrap_or_else(|| panic!("no {name} field")) + marker.len();
    html[start..].split('"').next().unwrap().to_string()
}

/// A page's text with the entities a template writes decoded.
pub fn decoded(html: &str) -> String {
    html.replace("&#x2f;", "/")
        .replace("&#47;", "/")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// A lot on the demo's approved auction plan (issue 14) — from 80% of the reserve, 1 万
/// increments, a 2 万 deposit, bidding 10:00–16:00 Beijing time on the first day allowed — with
/// the investor's deposit confirmed and its bid at the reserve placed, the clock moved to the
/// start of bidding. Moving the clock to the lot's end and closing it sells it to the investor.
pub async fn lot_with_a_bid(
    s: &huajie_store::Store,
    clock: &huajie_core::clock::FixedClock,
) -> (huajie_store::Plan, huajie_store::LotRecord) {
    use huajie_core::Money;
    let (plan, opens) = huajie_store::testing::unlotted_auction_plan(s).await;
    let reserve = plan.reserve.unwrap();
    let terms = huajie_auction::Terms {
        mode: huajie_auction::AuctionMode::Ascending,
        start_price: Money::from_fen(reserve.fen() * 8 / 10 / 100 * 100),
        increment: Money::from_yuan(10_000).unwrap(),
        reserve: Some(reserve),
        deposit: Money::from_yuan(20_000).unwrap(),
        starts_at: opens + chrono::Duration::hours(10),
        ends_at: opens + chrono::Duration::hours(16),
        extension_minutes: 0,
    };
    let input = huajie_store::LotInput { plan_id: plan.id, title: String::new(), terms };
    let lot = s.create_lot("asset_manager", &input).await.unwrap();
    let who = huajie_auction::InvestorId(s.user_by_username("investor").await.unwrap().unwrap().id);
    let d = s.record_deposit("investor", who, lot.id, "网银 001").await.unwrap();
    s.confirm_deposit("finance", d.id, lot.terms.deposit).await.unwrap();
    *clock.0.lock().unwrap() = lot.terms.starts_at;
    s.place_bid("investor", who, lot.id, reserve).await.unwrap().unwrap();
    (plan, lot)
}

/// The GL journal workbook's lines below its header: (date, label, debit fen, credit fen), a
/// month's and the period's totals among them (labelled 月合计 / 期间合计).
pub fn gl_rows(bytes: Vec<u8>) -> Vec<(String, String, i64, i64)> {
    use calamine::{Data, Reader, Xlsx};
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).expect("an .xlsx workbook");
    let sheet = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&sheet).unwrap();
    let fen = |d: &Data| match d {
        Data::Float(f) => (f * 100.0).round() as i64,
        Data::Int(i) => i * 100,
        _ => 0,
    };
    let text = |d: &Data| match d {
        Data::Float(f) => format!("{f}"),
        Data::DateTime(x) => format!("{}", x.as_f64()),
        other => other.to_string(),
    };
    let mut rows = range.rows().skip_while(|r| text(&r[0]) != "日期");
    rows.next().expect("the header row");
    rows.map(|r| (text(&r[0]), text(&r[1]), fen(&r[4]), fen(&r[5]))).collect()
}

/// A user as a report's signature names them: "郑国平（risk）".
pub async fn signed_as(store: &huajie_store::Store, username: &str) -> String {
    let user = store.user_by_username(username).await.unwrap().unwrap_or_else(|| panic!("no user {username}"));
    format!("{}（{username}）", user.display_name)
}
