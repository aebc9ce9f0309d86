//! `huajie`: the one binary. `serve`, `demo`, `import`, `value`, `migrate`, `audit verify`, `user create`, `check`.
//!
//! This is the imperative shell's outer edge: it parses flags, opens the store, and
//! turns every failure into one clear line on stderr and exit code 1 — never a panic.

use std::io::{BufRead, IsTerminal, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow, bail};
use clap::{Args, Parser, Subcommand};
use huajie_core::Role;
use huajie_store::{DbTarget, NewUser, Store, StoreError};
use huajie_web::{AppState, WebConfig};

mod curves;
mod import;
mod indicators;
mod value;

/// mimalloc keeps freed memory for reuse instead of handing it back and faulting it in again:
/// valuation runs twice as fast with it (docs/performance.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "huajie",
    version,
    about = "化解 Huajie — 地方AMC不良资产经营与合规平台 / NPA operations and compliance platform for local AMCs"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 启动服务 / Run the web server
    Serve {
        #[command(flatten)]
        db: DbArgs,
        #[command(flatten)]
        net: NetArgs,
    },
    /// 载入演示公司并启动服务 / Load the demo company (once) and run the web server
    Demo {
        #[command(flatten)]
        db: DbArgs,
        #[command(flatten)]
        net: NetArgs,
    },
    /// 导入资产包数据带（CSV、xlsx、xls） / Import a package's data tape (CSV, xlsx, xls)
    Import {
        #[command(flatten)]
        db: DbArgs,
        #[command(flatten)]
        tape: ImportArgs,
    },
    /// 资产包估值（HV-1） / Value a package (HV-1)
    Value {
        #[command(flatten)]
        db: DbArgs,
        #[command(flatten)]
        value: value::ValueArgs,
    },
    /// 由回收历史估计个贷回收曲线并另存参数集 / Estimate retail recovery curves from a collections history into a new assumption set version
    Curves {
        #[command(flatten)]
        db: DbArgs,
        #[command(flatten)]
        curves: curves::CurvesArgs,
    },
    /// 升级数据库结构 / Apply pending database migrations
    Migrate {
        #[command(flatten)]
        db: DbArgs,
    },
    /// 审计链 / The audit chain
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// 用户 / Users
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// 六项监管指标（--as-of），或校验证件号码、解析地址所属省份 / The six regulatory indicators (--as-of), or check an identifier or an address
    #[command(args_conflicts_with_subcommands = true)]
    Check {
        #[command(subcommand)]
        command: Option<CheckCommand>,
        #[command(flatten)]
        db: DbArgs,
        /// 指标计算日 YYYY-MM-DD，默认今天（北京时间） / Compute the six indicators as of this date (default: today, Beijing time)
        #[arg(long)]
        as_of: Option<String>,
        /// 语言 zh 或 en / Language: zh or en
        #[arg(long, default_value = "zh")]
        lang: String,
    },
}

#[derive(Subcommand)]
enum CheckCommand {
    /// 校验统一社会信用代码或身份证号码 / Check a unified social credit code or resident ID number
    Id {
        /// 证件号码 / The number(s) to check
        #[arg(required = true)]
        values: Vec<String>,
        /// 按此类型校验：对公（统一社会信用代码）或个人（身份证号码）；不填则按号码的形式判断 / Read them as this kind: corporate (USCC) or individual (resident ID); by default the form decides
        #[arg(long)]
        kind: Option<String>,
    },
    /// 解析地址所属省份 / The province an address lies in
    Address {
        /// 地址 / The address(es)
        #[arg(required = true)]
        values: Vec<String>,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// 校验审计链与数据 / Walk the chain and check every audited row against it
    Verify {
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// 新建用户（密码从标准输入读取） / Create a user (password read from standard input)
    Create {
        #[command(flatten)]
        db: DbArgs,
        /// 用户名 / User name (3–32 lower-case letters, digits, _ . -)
        #[arg(long)]
        username: String,
        /// 姓名 / Display name
        #[arg(long)]
        display_name: String,
        /// 角色 / Role: admin, acquisition, valuer, risk, asset_manager, committee, finance, auditor, regulator, investor
        #[arg(long)]
        role: String,
    },
}

#[derive(Args, Clone)]
struct ImportArgs {
    /// 数据带文件 / The tape file (.csv in UTF-8 or GBK, .xlsx, .xls)
    #[arg(required_unless_present = "status")]
    file: Option<PathBuf>,
    /// 资产包编号（不存在则新建） / Package code (created when it does not exist)
    #[arg(long, required_unless_present = "status")]
    package: Option<String>,
    /// 不导入，只列出各资产包最近的导入及其结果（含被中断的） / Import nothing: list the last imports of each package (or of --package) and what became of them, interrupted ones included
    #[arg(long, conflicts_with_all = ["file", "transferor_name", "transferor_id", "cutoff", "report"])]
    status: bool,
    /// 新资产包名称 / Name of a new package (default: the file name)
    #[arg(long)]
    package_name: Option<String>,
    /// 新资产包的转让方名称 / Transferor of a new package: name
    #[arg(long)]
    transferor_name: Option<String>,
    /// 新资产包的转让方统一社会信用代码 / Transferor of a new package: unified social credit code
    #[arg(long)]
    transferor_id: Option<String>,
    /// 基准日 YYYY-MM-DD（不填则从表头上方读取） / Cut-off date (else read above the header)
    #[arg(long)]
    cutoff: Option<String>,
    /// strict：有错即整体拒绝；partial：载入有效行 / strict: reject on any error; partial: load the valid rows
    #[arg(long, default_value = "strict")]
    policy: String,
    /// 个贷批量（合同编号非必填） / A personal-loan batch (contract numbers optional)
    #[arg(long)]
    personal: bool,
    /// 把校验报告另存为 .xlsx / Also save the validation report as an .xlsx workbook
    #[arg(long, value_name = "FILE.xlsx")]
    report: Option<PathBuf>,
    /// 报告语言 zh 或 en / Language of the report: zh or en
    #[arg(long, default_value = "zh")]
    report_lang: String,
}

#[derive(Args, Clone)]
struct DbArgs {
    /// 数据目录 / Data directory (holds the SQLite file)
    #[arg(long, default_value = "./huajie-data", env = "HUAJIE_DATA_DIR")]
    data_dir: PathBuf,
    /// 数据库地址，覆盖数据目录中的 SQLite / Database URL (postgres://…), overrides the SQLite file
    #[arg(long, env = "HUAJIE_DATABASE_URL")]
    database_url: Option<String>,
}

#[derive(Args, Clone)]
struct NetArgs {
    /// 监听地址 / Address to listen on
    #[arg(long, default_value = "127.0.0.1")]
    bind: String,
    /// 端口 / Port
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Cookie 仅经 HTTPS 发送 / Mark cookies Secure (when served over HTTPS)
    #[arg(long)]
    secure_cookies: bool,
    /// 会话闲置多少分钟后失效 / Minutes a session may go unused before it ends
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(i64).range(1..=24 * 60))]
    session_idle_minutes: i64,
    /// 同时处理的请求数上限，其余排队 / Requests worked on at once; the rest wait their turn
    #[arg(long, env = "HUAJIE_IN_FLIGHT", default_value_t = huajie_web::IN_FLIGHT_MAX,
          value_parser = clap::value_parser!(u16).range(1..))]
    in_flight: u16,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("HUAJIE_LOG").unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("错误 / error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误 / error: {}", one_line(&e));
            ExitCode::FAILURE
        }
    }
}

/// The error and its causes on one line.
fn one_line(e: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
    }
    parts.join(": ").split_whitespace().collect::<Vec<_>>().join(" ")
}

async fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Serve { db, net } => {
            let store = open_ready(&db).await?;
            if store.users().await?.is_empty() {
                tracing::warn!("no users yet: create an administrator with `huajie user create --role admin …`");
            }
            serve(store, &net).await?;
        }
        Command::Demo { db, net } => {
            let store = open(&db).await?;
            store.migrate().await?;
            let demo = huajie_demo::generate();
            match huajie_demo::load(&store, &demo, huajie_web::hash_password).await? {
                huajie_demo::LoadOutcome::Loaded { parties, claims, collateral, users } => println!(
                    "已载入演示公司 {}：{claims} 笔债权、{parties} 个当事人、{collateral} 项抵质押物、{users} 个用户 / demo company loaded",
                    demo.company.name
                ),
                huajie_demo::LoadOutcome::AlreadyLoaded => {
                    println!("数据目录中已有公司数据，直接使用 / the database already holds a company: reusing it")
                }
            }
            print_demo_logins(&store, &net).await?;
            serve(store, &net).await?;
        }
        Command::Import { db, tape } => return import::run(&open_ready(&db).await?, &tape).await,
        Command::Value { db, value } => return value::run(&open_ready(&db).await?, &value).await,
        Command::Curves { db, curves } => return curves::run(&open_ready(&db).await?, &curves).await,
        Command::Migrate { db } => {
            let store = open(&db).await?;
            let applied = store.migrate().await?;
            if applied.is_empty() {
                println!(
                    "数据库结构已是最新（版本 {}） / the schema is up to date (version {})",
                    store.schema_version().await?,
                    store.schema_version().await?
                );
            } else {
                println!("已应用迁移 / applied: {}", applied.join(", "));
            }
        }
        Command::Audit { command: AuditCommand::Verify { db } } => {
            let store = open_ready(&db).await?;
            let report = store.verify_audit().await?;
            if report.is_intact() {
                println!(
                    "审计链完整：{} 条记录，{} 行数据与审计记录一致 / audit chain intact: {} records, {} rows match",
                    report.records, report.rows_checked, report.records, report.rows_checked
                );
            } else {
                for finding in &report.findings {
                    println!("{}", finding.describe());
                }
                eprintln!("审计链校验失败 / audit verification FAILED");
                return Ok(ExitCode::FAILURE);
            }
        }
        Command::Check { command: Some(command), .. } => return check(command),
        Command::Check { command: None, db, as_of, lang } => {
            return indicators::run(&open_ready(&db).await?, as_of.as_deref(), &lang).await;
        }
        Command::User { command: UserCommand::Create { db, username, display_name, role } } => {
            let role = Role::from_code(&role).ok_or_else(|| anyhow!("角色无效 / unknown role: {role}"))?;
            let store = open_ready(&db).await?;
            let password = read_password()?;
            if password.chars().count() < huajie_web::auth::PASSWORD_CHARS_MIN {
                bail!(
                    "密码至少需要 {0} 个字符 / the password needs at least {0} characters",
                    huajie_web::auth::PASSWORD_CHARS_MIN
                );
            }
            let user = NewUser {
                username: username.clone(),
                display_name,
                role,
                password_hash: huajie_web::hash_password(&password),
            };
            let id = store.create_user("system", &user).await?;
            println!("已创建用户 {username}（{}，id {id}） / user created", role.zh());
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `huajie check`: prints what each value is, or exactly what is wrong with it.
/// Fails (exit 1) when any value is invalid.
fn check(command: CheckCommand) -> Result<ExitCode> {
    use huajie_core::clock::Clock;
    use huajie_core::{PartyIdentifier, PartyKind};
    let mut all_ok = true;
    match command {
        CheckCommand::Id { values, kind } => {
            let kind = match kind.as_deref() {
                None => None,
                Some(k) => Some(
                    PartyKind::from_any_name(k)
                        .or(match k {
                            "对私" | "person" | "自然人" => Some(PartyKind::Individual),
                            "企业" | "company" | "organisation" | "单位" => Some(PartyKind::Corporate),
                            _ => None,
                        })
                        .ok_or_else(|| {
                            anyhow!("--kind 应为 corporate（对公）或 individual（个人） / --kind must be corporate or individual")
                        })?,
                ),
            };
            // A birth date may not lie after today (Beijing).
            let today = huajie_core::clock::SystemClock.today();
            for v in values {
                let read = match kind {
                    Some(k) => PartyIdentifier::parse_as(k, &v, today),
                    None => PartyIdentifier::parse(&v, today),
                };
                match read {
                    Ok(PartyIdentifier::Uscc(u)) => match u.province() {
                        Some(p) => println!(
                            "{v}：有效的统一社会信用代码，登记机关所在地 {}（{}） / valid unified social credit code, registered in {}",
                            p.name_zh(),
                            u.as_str().get(2..8).unwrap_or(""),
                            p.name_en()
                        ),
                        None => println!(
                            "{v}：有效的统一社会信用代码，由国家级登记机关登记 / valid unified social credit code, registered nationally"
                        ),
                    },
                    Ok(PartyIdentifier::ResidentId(r)) => {
                        let (former_zh, former_en) = match r.region().former() {
                            Some((name, last)) => (
                                format!("，曾用代码（{name}，最后见于 {last} 版区划）"),
                                format!(", a former code (last listed {last})"),
                            ),
                            None => (String::new(), String::new()),
                        };
                        println!(
                            "{v}：有效的身份证号码 {}，出生日期 {}，户籍地 {}（{}{former_zh}） / valid resident ID, born {}, registered in {}{former_en}",
                            r.as_str(),
                            r.birth_date(),
                            r.province().name_zh(),
                            r.region(),
                            r.birth_date(),
                            r.province().name_en()
                        )
                    }
                    Err(e) => {
                        all_ok = false;
                        println!("{v}：{} / {}", e, e.message(huajie_core::Lang::En));
                    }
                }
            }
        }
        CheckCommand::Address { values } => {
            for v in values {
                match huajie_core::ids::province_of_address(&v) {
                    Some(p) => println!("{v}：{}（{}） / {}", p.name_zh(), p.code(), p.name_en()),
                    None => {
                        all_ok = false;
                        println!("{v}：无法确定省份 / no province found");
                    }
                }
            }
        }
    }
    Ok(if all_ok { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// The password from standard input: the first line (prompted on a terminal).
fn read_password() -> Result<String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("密码 / password: ");
        std::io::stderr().flush().ok();
    }
    let mut line = String::new();
    stdin.lock().read_line(&mut line).context("cannot read the password from standard input")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

/// Opens the database, ready for work. A new one (no schema yet: a fresh data directory, an
/// empty PostgreSQL database) is given the schema, as `huajie serve` and `huajie demo` do. One
/// at an older schema is not upgraded behind the operator's back: `huajie migrate` does that,
/// after `huajie audit verify` (ARCHITECTURE.md, invariants), and this says so.
async fn open_ready(db: &DbArgs) -> Result<Store> {
    let store = open(db).await?;
    if store.schema_version().await? == 0 {
        store.migrate().await?;
        eprintln!("新数据库：已建立数据库结构 / new database: schema created");
    } else {
        store.require_current_schema().await?;
    }
    Ok(store)
}

/// Checks the data directory is usable, then opens the database.
async fn open(db: &DbArgs) -> Result<Store> {
    if db.database_url.is_none() {
        ensure_writable_dir(&db.data_dir)?;
    }
    let target = DbTarget::choose(db.database_url.as_deref(), &db.data_dir)?;
    let store = Store::open(&target).await.map_err(|e| match e {
        StoreError::Connect(..) | StoreError::BadUrl(_) | StoreError::DataDir(..) => anyhow!(e.to_string()),
        other => anyhow!(other),
    })?;
    tracing::info!("database: {}", target.describe());
    Ok(store)
}

fn ensure_writable_dir(dir: &Path) -> Result<()> {
    let shown = dir.display();
    std::fs::create_dir_all(dir)
        .map_err(|e| anyhow!("无法创建数据目录 {shown}：{e} / cannot create the data directory {shown}: {e}"))?;
    let probe = dir.join(".huajie-write-test");
    std::fs::write(&probe, b"ok")
        .map_err(|e| anyhow!("数据目录 {shown} 不可写：{e} / the data directory {shown} is not writable: {e}"))?;
    let _ = std::fs::remove_file(probe);
    Ok(())
}

async fn serve(store: Store, net: &NetArgs) -> Result<()> {
    let addr = format!("{}:{}", net.bind, net.port);
    let parsed: SocketAddr =
        addr.parse().map_err(|_| anyhow!("监听地址无效：{addr} / not a valid address to listen on: {addr}"))?;
    let listener = tokio::net::TcpListener::bind(parsed).await.map_err(|e| {
        if e.kind() == std::io::ErrorKind::AddrInUse {
            anyhow!("无法监听 {addr}：端口已被占用，请用 --port 换一个端口 / cannot listen on {addr}: the port is in use; choose another with --port")
        } else {
            anyhow!("无法监听 {addr}：{e} / cannot listen on {addr}: {e}")
        }
    })?;
    println!("化解 Huajie 已启动 / running at http://{addr}  (Ctrl-C 停止 / to stop)");
    let config = WebConfig {
        secure_cookies: net.secure_cookies,
        session_idle_minutes: net.session_idle_minutes,
        in_flight_max: usize::from(net.in_flight),
        ..WebConfig::default()
    };
    huajie_web::serve(AppState::new(store.clone(), config), listener).await.context("server stopped with an error")?;
    store.close().await;
    Ok(())
}

async fn print_demo_logins(store: &Store, net: &NetArgs) -> Result<()> {
    println!();
    println!(
        "演示账号（密码均为 {}） / demo logins (every password is {}):",
        huajie_demo::DEMO_PASSWORD,
        huajie_demo::DEMO_PASSWORD
    );
    for u in store.users().await? {
        println!("  {:<14} {} / {}", u.username, u.role.zh(), u.role.en());
    }
    println!("打开 / open: http://{}:{}/", net.bind, net.port);
    println!();
    Ok(())
}
