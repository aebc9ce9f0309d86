//! `huajie import`: a tape file in, a report out, and — when the policy allows — the
//! claims loaded in one transaction as the package's next tape version.

use std::collections::BTreeMap;
use std::io::Read;
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow, bail};
use huajie_core::{Lang, Party, PartyIdentifier, PartyStatus};
use huajie_store::{FileImport, ImportOutcome, PackageTarget, Store, TapeFile};
use huajie_tape::{ImportPolicy, Problem, SheetOptions, TapeRead};
use sha2::{Digest, Sha256};

use crate::ImportArgs;

/// A transferor (a bank or another institution) is named by its USCC.
fn transferor_id(s: &str, today: chrono::NaiveDate) -> Result<PartyIdentifier, huajie_core::IdError> {
    PartyIdentifier::parse_as(huajie_core::PartyKind::Corporate, s, today)
}

/// Problems listed one by one before the rest are only counted.
const PROBLEMS_LISTED_MAX: usize = 30;

pub async fn run(store: &Store, args: &ImportArgs) -> Result<ExitCode> {
    if args.status {
        return status(store, args.package.as_deref()).await;
    }
    let (Some(file), Some(package)) = (&args.file, &args.package) else {
        bail!("请给出数据带文件与 --package / give the tape file and --package");
    };
    let policy = ImportPolicy::from_code(&args.policy)
        .ok_or_else(|| anyhow!("导入策略应为 strict 或 partial / --policy must be strict or partial"))?;
    let cutoff = args
        .cutoff
        .as_deref()
        .map(|s| {
            huajie_tape::coerce::parse_date(s)
                .map_err(|_| anyhow!("基准日无法识别：{s} / cannot read the cut-off date {s}"))
        })
        .transpose()?;
    let shown = file.display().to_string();
    let sha256 = file_sha256(file).with_context(|| format!("无法读取文件 {shown} / cannot read the file {shown}"))?;
    let options = SheetOptions { cutoff_date: cutoff, today: store.clock().today(), personal_batch: args.personal };
    let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    // The transferor's saved mapping applies: the package's transferor, or the one named for a new package.
    let existing = store.package_id_by_code(package).await?;
    let transferor = match existing {
        Some(id) => {
            store.package(id).await?.and_then(|p| p.transferor.data.identifier().map(|i| i.as_str().to_string()))
        }
        None => args
            .transferor_id
            .as_deref()
            .and_then(|t| transferor_id(t, options.today).ok())
            .map(|i| i.as_str().to_string()),
    };
    let profile = match &transferor {
        Some(t) => store.mapping_profile(t).await?,
        None => huajie_tape::MappingProfile::default(),
    };
    if !profile.is_empty() {
        println!(
            "沿用转让方的映射方案（{} 列） / using the transferor's mapping profile ({} columns)",
            profile.columns.len(),
            profile.columns.len()
        );
    }
    let target = match existing {
        Some(id) => PackageTarget::Existing(id),
        None => {
            let (Some(name), Some(id)) = (&args.transferor_name, &args.transferor_id) else {
                bail!(
                    "资产包 {0} 不存在：新建时请给出 --transferor-name 与 --transferor-id / package {0} does not exist: give --transferor-name and --transferor-id to create it",
                    package
                );
            };
            let identifier = transferor_id(id, options.today).map_err(|e| {
                anyhow!("转让方统一社会信用代码无效：{e} / bad transferor USCC: {}", e.message(Lang::En))
            })?;
            let transferor = Party {
                name: name.clone(),
                identity: identifier.into(),
                status: PartyStatus::Active,
                address: None,
                phone: None,
            };
            let name = args.package_name.clone().unwrap_or_else(|| file_stem(file));
            PackageTarget::New { code: package.clone(), name, transferor }
        }
    };
    let report_lang = match &args.report {
        Some(_) => Some(
            Lang::parse(&args.report_lang)
                .ok_or_else(|| anyhow!("报告语言应为 zh 或 en / --report-lang must be zh or en"))?,
        ),
        None => None,
    };
    let opened =
        std::fs::File::open(file).with_context(|| format!("无法打开文件 {shown} / cannot open the file {shown}"))?;
    // A progress bar over the bytes read (drawn only on a terminal). The tape is checked
    // and written in one pass, in one transaction.
    let size = opened.metadata().map(|m| m.len()).unwrap_or(0);
    let bar = indicatif::ProgressBar::new(size).with_style(
        indicatif::ProgressStyle::with_template("{msg} [{bar:40}] {bytes}/{total_bytes} {eta}")
            .expect("a valid template")
            .progress_chars("=> "),
    );
    bar.set_message("校验并写入 / checking and writing");
    let path = file.clone();
    let tape = TapeFile {
        name: name.clone(),
        sha256,
        reader: bar.wrap_read(std::io::BufReader::new(opened)),
        bytes: Box::new(move || std::fs::read(path)),
        options,
        profile,
    };
    let imported = store.import_tape_file("cli", target, policy, tape).await;
    bar.finish_and_clear();
    let (read, outcome) = match imported? {
        FileImport::Unreadable(e) => bail!("{shown}：{e}"),
        FileImport::Fatal { problems, .. } => {
            for p in &problems {
                println!("{}", line(p));
            }
            eprintln!("数据带无法导入，数据库未作任何改动 / the tape cannot be imported; nothing was written");
            return Ok(ExitCode::FAILURE);
        }
        FileImport::Read { source, read, outcome } => {
            report(&read, &source);
            (read, outcome)
        }
    };
    if let (Some(path), Some(lang)) = (&args.report, report_lang) {
        // The command line is an operator's tool: the report shows personal data in full.
        let report = huajie_tape::TapeReport::new(&read, &name);
        let bytes = report_bytes(&report, lang, store.clock().now())?;
        let shown_report = path.display().to_string();
        std::fs::write(path, bytes)
            .with_context(|| format!("无法写入报告 {shown_report} / cannot write the report {shown_report}"))?;
        println!("校验报告已保存 / report saved: {shown_report}");
    }
    match outcome {
        ImportOutcome::Loaded { import, counts, diff } => {
            if let Some(d) = &diff {
                println!(
                    "与上一版相比 / against the package: 新增 {} 笔，变化 {} 笔，未变 {} 笔，新数据带未列出 {} 笔（保留） / {} added, {} changed, {} unchanged, {} no longer listed (kept)",
                    d.added.len(),
                    d.changed.len(),
                    d.unchanged,
                    d.removed.len(),
                    d.added.len(),
                    d.changed.len(),
                    d.unchanged,
                    d.removed.len()
                );
                for c in d.changed.iter().take(PROBLEMS_LISTED_MAX) {
                    let fields: Vec<String> =
                        c.changes.iter().map(|f| format!("{} {} → {}", f.field, f.before, f.after)).collect();
                    println!("  {}：{}", c.contract_no, fields.join("；"));
                }
            }
            println!(
                "已载入资产包 {} 第 {} 版：{} 笔债权，更新 {} 笔，新建当事人 {}、沿用 {}，抵质押物 {} 项，保证 {} 笔 / loaded as version {}: {} claims added, {} updated",
                package,
                import.version,
                counts.claims,
                counts.claims_updated,
                counts.parties_created,
                counts.parties_reused,
                counts.collateral,
                counts.guarantees,
                import.version,
                counts.claims,
                counts.claims_updated
            );
            Ok(ExitCode::SUCCESS)
        }
        ImportOutcome::Refused { rejected_rows } => {
            eprintln!(
                "按 strict 策略，{rejected_rows} 行被拒绝即整体不导入，数据库未作改动；改正后重新导入，或使用 --policy partial / \
                 under the strict policy {rejected_rows} rejected rows stop the import; nothing was written"
            );
            Ok(ExitCode::FAILURE)
        }
    }
}

/// `huajie import --status`: the last attempts of each package (or of one), newest first,
/// with what became of each.
async fn status(store: &Store, package: Option<&str>) -> Result<ExitCode> {
    let packages = match package {
        Some(code) => vec![(code.to_string(), store.import_attempts(code).await?)],
        None => store.import_attempts_by_package().await?,
    };
    if packages.iter().all(|(_, a)| a.is_empty()) {
        println!("尚无导入记录 / no imports recorded yet");
        return Ok(ExitCode::SUCCESS);
    }
    for (code, attempts) in packages {
        println!("资产包 / package {code}");
        for a in attempts {
            let (zh_version, en_version) = match a.version {
                Some(v) => (format!("，第 {v} 版"), format!(", version {v}")),
                None => (String::new(), String::new()),
            };
            println!(
                "  #{} {} {}（{}，{}）：{}{zh_version} / {}{en_version}",
                a.id,
                huajie_core::clock::beijing_time(a.started_at, huajie_core::Lang::Zh, true),
                a.file_name,
                &a.file_sha256[..a.file_sha256.len().min(12)],
                a.started_by,
                a.state.zh(),
                a.state.en()
            );
            if let Some(d) = &a.detail {
                println!("      {d}");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn file_sha256(path: &std::path::Path) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex::encode(hasher.finalize()))
}

fn file_stem(path: &std::path::Path) -> String {
    path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "数据带".into())
}

/// `第5行 C列（身份证号码）“…”：[E002] …`
fn line(p: &Problem) -> String {
    let mut out = String::new();
    if let Some(row) = p.row {
        out.push_str(&format!("第{row}行 "));
    }
    if let Some(col) = p.column_letter() {
        out.push_str(&format!("{col}列"));
        if let Some(h) = &p.header {
            out.push_str(&format!("（{h}）"));
        }
        out.push(' ');
    }
    if let Some(v) = &p.value {
        let short: String = v.chars().take(40).collect();
        out.push_str(&format!("“{short}” "));
    }
    out.push_str(&p.message(Lang::Zh));
    out
}

fn report(read: &TapeRead, source: &str) {
    let mapped: Vec<String> = read
        .header
        .columns
        .iter()
        .map(|c| match c.field {
            Some(f) => format!("{}→{}({}%)", c.header, f.zh(), c.confidence),
            None => format!("{}→（未映射）", c.header),
        })
        .collect();
    println!("来源 / source: {source}；表头在第 {} 行 / header at row {}", read.header_row, read.header_row);
    println!("列映射 / mapping: {}", mapped.join("，"));
    println!("基准日 / cut-off: {}", read.cutoff_date);
    let mut by_rule: BTreeMap<&'static str, (String, usize)> = BTreeMap::new();
    for p in &read.problems {
        by_rule.entry(p.rule.code()).or_insert_with(|| (p.rule.title(Lang::Zh).to_string(), 0)).1 += 1;
    }
    println!(
        "读取 {} 行，有效 {} 笔，拒绝 {} 行，完整度 {}% / {} rows read, {} valid, {} rejected, completeness {}%",
        read.rows_read,
        read.valid_claims,
        read.rejected_rows(),
        read.completeness_score,
        read.rows_read,
        read.valid_claims,
        read.rejected_rows(),
        read.completeness_score
    );
    for (code, (title, n)) in &by_rule {
        println!("  [{code}] {title}：{n}");
    }
    for p in read.problems.iter().take(PROBLEMS_LISTED_MAX) {
        println!("  {}", line(p));
    }
    if read.problems.len() > PROBLEMS_LISTED_MAX {
        println!(
            "  ……另有 {} 条 / and {} more",
            read.problems.len() - PROBLEMS_LISTED_MAX,
            read.problems.len() - PROBLEMS_LISTED_MAX
        );
    }
}

/// The check report as a workbook signed from the command line: prepared by the operator
/// (`cli`) at `now`, personal data in full (the command line is an operator's tool).
fn report_bytes(
    report: &huajie_tape::TapeReport,
    lang: huajie_core::Lang,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<u8>> {
    use huajie_report::signoff::{Signature, Signoff};
    let signoff = Signoff::new(report.file_name.clone(), now).prepared_by(Signature::new("cli", now));
    huajie_report::tape_report_xlsx(report, lang, huajie_report::PersonalData::Shown, &signoff)
        .map_err(|e| anyhow!("无法生成报告 / cannot build the report: {e}"))
}
