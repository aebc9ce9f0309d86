//! `huajie value`: values a package under an assumption set, prints the results, saves
//! the run as a record (unless `--dry-run`), and writes the report as .xlsx or PDF; or,
//! with `--rerun`, values a recorded run again and says whether it reproduced exactly.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result, anyhow};
use clap::Args;
use huajie_core::Lang;
use huajie_core::mask::mask_person_name;
use huajie_report::signoff::{Signature, Signoff};
use huajie_report::valuation::{ClaimLine, RunInfo, summary_text, valuation_xlsx};
use huajie_store::{AssumptionSet, Store, ValuationRequest};
use huajie_value::{Appraisal, Options, RawOptions};

#[derive(Args, Clone)]
pub struct ValueArgs {
    /// 资产包编号 / Package code
    #[arg(long, required_unless_present = "rerun")]
    package: Option<String>,
    /// 目标 IRR（年化，0.15 或 15%） / Target IRR, annual (0.15 or 15%)
    #[arg(long, default_value = "0.15")]
    irr: String,
    /// 评估价格（元），不填则按目标 IRR 出价 / Price to measure, yuan (default: the bid at the target IRR)
    #[arg(long)]
    price: Option<f64>,
    /// 蒙特卡洛情景数（0 = 不做） / Monte Carlo scenarios (0 = none)
    #[arg(long, default_value_t = 0)]
    scenarios: usize,
    /// 随机种子 / Seed
    #[arg(long, default_value_t = huajie_value::limits::SEED_DEFAULT)]
    seed: u64,
    /// 参数集名称（最新版本）或编号 / Assumption set: name (its latest version) or id
    #[arg(long)]
    assumptions: Option<String>,
    /// 压力情景 / Stress overlay: mv-10, mv-20, mv-30, sale-0.7, duration-1.5, retail-0.7, rate+300bp
    #[arg(long)]
    stress: Option<String>,
    /// 估值基准日 YYYY-MM-DD（默认：尽调中的资产包为数据带基准日，已持有的为今日） / Valuation date (default: the cut-off while priced, today once held)
    #[arg(long)]
    date: Option<String>,
    /// 报告另存为 .xlsx / Save the report as .xlsx
    #[arg(long, value_name = "FILE.xlsx")]
    xlsx: Option<PathBuf>,
    /// 报告另存为 PDF / Save the report as PDF
    #[arg(long, value_name = "FILE.pdf")]
    pdf: Option<PathBuf>,
    /// 语言 zh 或 en / Language: zh or en
    #[arg(long, default_value = "zh")]
    lang: String,
    /// 只计算，不保存估值记录 / Compute only: do not save the run
    #[arg(long)]
    dry_run: bool,
    /// 重算已保存的估值记录并比对 / Value a saved run again and compare
    #[arg(long, value_name = "RUN_ID")]
    rerun: Option<i64>,
}

fn parse_rate(s: &str) -> Result<f64> {
    let y = huajie_value::params::parse_share(s)
        .ok_or_else(|| anyhow!("目标 IRR 无法识别：{s} / cannot read the target IRR {s}"))?;
    Ok(y)
}

pub async fn run(store: &Store, args: &ValueArgs) -> Result<ExitCode> {
    let lang = Lang::parse(&args.lang).ok_or_else(|| anyhow!("语言应为 zh 或 en / --lang must be zh or en"))?;
    if let Some(run_id) = args.rerun {
        return rerun(store, run_id, lang).await;
    }
    let code = args.package.as_deref().unwrap_or_default();
    let package_id = store
        .package_id_by_code(code)
        .await?
        .ok_or_else(|| anyhow!("资产包 {code} 不存在 / package {code} does not exist"))?;
    let set = match &args.assumptions {
        None => None,
        Some(s) => Some(
            match s.parse::<i64>() {
                Ok(id) => store.assumption_set(id).await?,
                Err(_) => store.latest_assumption_set(s).await?,
            }
            .ok_or_else(|| anyhow!("参数集 {s} 不存在 / assumption set {s} does not exist"))?,
        ),
    };
    let valuation_date = args
        .date
        .as_deref()
        .map(|d| {
            huajie_tape::coerce::parse_date(d).map_err(|_| anyhow!("基准日无法识别：{d} / cannot read the date {d}"))
        })
        .transpose()?;
    let options = Options::checked(RawOptions {
        target_irr: parse_rate(&args.irr)?,
        price_yuan: args.price,
        scenarios: args.scenarios,
        seed: Some(args.seed),
        stress: args.stress.clone(),
    })?;
    let req = ValuationRequest { package_id, assumption_set_id: set.map(|s| s.id), valuation_date, options };
    let started = Instant::now();
    let (set, appraisal, run) = store.value_package("cli", &req, !args.dry_run).await?;
    let elapsed = started.elapsed();
    let info = run_info(
        store,
        package_id,
        &set,
        run.as_ref().map(|r| r.id),
        run.as_ref().and_then(|r| r.tape_import_id),
        lang,
    )
    .await?;
    print!("{}", summary_text(&info, &appraisal, lang));
    println!();
    if let Some(run) = &run {
        println!("{} #{}", huajie_report::valuation::label("saved", lang), run.id);
    }
    println!("{}: {:.2} s", lang.pick("用时", "Time"), elapsed.as_secs_f64());
    write_reports(store, &info, &appraisal, &set, args, lang).await?;
    Ok(ExitCode::SUCCESS)
}

async fn rerun(store: &Store, run_id: i64, lang: Lang) -> Result<ExitCode> {
    let r = store.rerun_valuation(run_id).await?;
    let bid = |x: f64| huajie_report::valuation::money(x, lang);
    let stored = r.run.appraisal()?;
    println!(
        "{} #{run_id}: {} {} → {}",
        huajie_report::valuation::label("run", lang),
        huajie_report::valuation::label("bid", lang),
        bid(stored.bid),
        bid(r.appraisal.bid)
    );
    if r.identical {
        println!(
            "{}",
            lang.pick(
                "重算结果与记录完全一致（输入摘要、参数集、逐笔结果）。",
                "Reproduced exactly: same inputs, same set, every result equal."
            )
        );
        Ok(ExitCode::SUCCESS)
    } else if !r.same_inputs {
        println!(
            "{}",
            lang.pick(
                "输入已变化（数据带或债权资料在记录之后被修改），结果不同。",
                "The inputs changed since the run (the tape or the claims were edited): the results differ."
            )
        );
        Ok(ExitCode::FAILURE)
    } else {
        println!(
            "{}",
            lang.pick("输入相同但结果不同：请报告此问题。", "Same inputs but different results: please report this.")
        );
        Ok(ExitCode::FAILURE)
    }
}

async fn run_info(
    store: &Store,
    package_id: i64,
    set: &AssumptionSet,
    run_id: Option<i64>,
    tape_import_id: Option<i64>,
    lang: Lang,
) -> Result<RunInfo> {
    // Its code and name only: `package` would sum the claims and collateral of 100,000 claims.
    let (_, code, name) = store.package_codes().await?.into_iter().find(|p| p.0 == package_id).context("package")?;
    let tape_version = match tape_import_id {
        Some(id) => store.tape_import_version(id).await?,
        None => None,
    };
    Ok(RunInfo {
        company: store.company().await?.map(|c| c.name).unwrap_or_default(),
        package_code: code,
        package_name: name,
        run_id,
        assumption_set: set.name.clone(),
        assumption_version: set.version,
        assumption_sha256: set.body_sha256.clone(),
        tape_version,
        created_by: "cli".into(),
        created_at: huajie_core::clock::beijing_time(store.clock().now(), lang, false),
        signoff: signoff(store, run_id, lang).await?,
    })
}

/// A report written by the command line: prepared by `cli` now, reviewed if the run has been.
async fn signoff(store: &Store, run_id: Option<i64>, lang: Lang) -> Result<Signoff> {
    let now = store.clock().now();
    let reference = match run_id {
        Some(id) => format!("{} #{id}", huajie_report::valuation::label("run", lang)),
        None => lang.pick("未保存的估值", "Valuation not saved").to_string(),
    };
    let review = match run_id {
        Some(id) => store.valuation_signoff(id).await?.review,
        None => None,
    };
    Ok(Signoff::new(reference, now)
        .prepared_by(Signature::new("cli", now))
        .reviewed_by(review.map(|r| Signature::new(r.reviewed_by, r.reviewed_at))))
}

/// The lines of the claim sheet: contract numbers and debtors (people's names masked:
/// a file leaves the system).
pub async fn claim_lines(store: &Store, package_id: i64, appraisal: &Appraisal, lang: Lang) -> Result<Vec<ClaimLine>> {
    let rows = store.claims_of_package(package_id).await?;
    let by_id: std::collections::HashMap<i64, &huajie_store::ClaimRow> = rows.iter().map(|r| (r.claim.id, r)).collect();
    let mut lines: Vec<ClaimLine> = appraisal
        .claims
        .iter()
        .filter_map(|c| {
            by_id.get(&c.id).map(|row| ClaimLine {
                result: c.clone(),
                contract_no: row.claim.data.contract_no.clone(),
                debtor: match row.debtor.data.kind() {
                    huajie_core::PartyKind::Individual => mask_person_name(&row.debtor.data.name),
                    huajie_core::PartyKind::Corporate => row.debtor.data.name.clone(),
                },
                stage: row.claim.data.litigation_stage.map_or("—", |s| s.name(lang)).to_string(),
            })
        })
        .collect();
    lines.sort_by(|a, b| a.contract_no.cmp(&b.contract_no));
    Ok(lines)
}

async fn write_reports(
    store: &Store,
    info: &RunInfo,
    a: &Appraisal,
    set: &AssumptionSet,
    args: &ValueArgs,
    lang: Lang,
) -> Result<()> {
    if args.xlsx.is_none() && args.pdf.is_none() {
        return Ok(());
    }
    let package_id = store.package_id_by_code(&info.package_code).await?.context("package")?;
    let lines = claim_lines(store, package_id, a, lang).await?;
    if let Some(path) = &args.xlsx {
        let bytes = valuation_xlsx(info, a, &lines, &set.assumptions, lang)
            .map_err(|e| anyhow!("无法生成 xlsx：{e} / cannot build the workbook: {e}"))?;
        std::fs::write(path, bytes)
            .with_context(|| format!("无法写入 {} / cannot write {}", path.display(), path.display()))?;
        println!("{} {}", lang.pick("已保存", "Saved"), path.display());
    }
    if let Some(path) = &args.pdf {
        let bytes = huajie_report::valuation_pdf::valuation_pdf(info, a, &lines, &set.assumptions, lang)
            .map_err(|e| anyhow!("{e}"))?;
        std::fs::write(path, bytes)
            .with_context(|| format!("无法写入 {} / cannot write {}", path.display(), path.display()))?;
        println!("{} {}", lang.pick("已保存", "Saved"), path.display());
    }
    Ok(())
}
