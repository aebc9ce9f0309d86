//! `huajie curves`: estimates retail recovery curves from the company's collections history
//! (a CSV) and saves them in a new version of an assumption set, which valuations can then use.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow};
use clap::Args;
use huajie_store::Store;

#[derive(Args, Clone)]
pub struct CurvesArgs {
    /// 回收历史 CSV：债权编号、产品、逾期天数、债权金额、是否诉讼、收购月份、回收月份、回收金额 / Collections history CSV
    #[arg(long)]
    history: PathBuf,
    /// 以此参数集（最新版本）为基础 / Start from this assumption set (its latest version)
    #[arg(long, default_value = huajie_store::DEFAULT_ASSUMPTION_SET)]
    from: String,
    /// 新参数集名称（同名则为下一版本） / Name of the set to save (the next version when it exists)
    #[arg(long)]
    name: String,
    /// 说明 / Note
    #[arg(long, default_value = "")]
    note: String,
}

pub async fn run(store: &Store, args: &CurvesArgs) -> Result<ExitCode> {
    let shown = args.history.display().to_string();
    let file = std::fs::File::open(&args.history)
        .with_context(|| format!("无法打开文件 {shown} / cannot open the file {shown}"))?;
    let history = match huajie_tape::history::read_history(std::io::BufReader::new(file)) {
        Ok(h) => h,
        Err(problems) => {
            for p in problems.iter().take(30) {
                eprintln!("第 {} 行 / row {}: {} / {}", p.row, p.row, p.zh, p.en);
            }
            if problems.len() > 30 {
                eprintln!("…… 另有 {} 个问题 / {} more", problems.len() - 30, problems.len() - 30);
            }
            eprintln!("回收历史有误，未保存任何内容 / the history has problems: nothing was saved");
            return Ok(ExitCode::FAILURE);
        }
    };
    let base = match store.latest_assumption_set(&args.from).await? {
        Some(s) => s,
        None if args.from == huajie_store::DEFAULT_ASSUMPTION_SET => store.default_assumption_set().await?,
        None => return Err(anyhow!("参数集 {0} 不存在 / assumption set {0} does not exist", args.from)),
    };
    let assumptions = huajie_store::with_estimated_curves(&base.assumptions, &history);
    let curves = assumptions.retail.curves.clone();
    let claims = &history.claims;
    println!(
        "回收历史：{} 笔债权，截至 {}-{:02} / history: {} claims up to {}-{:02}",
        claims.len(),
        history.as_of / 12,
        history.as_of % 12 + 1,
        claims.len(),
        history.as_of / 12,
        history.as_of % 12 + 1
    );
    println!("{:<36} {:>8} {:>6} {:>8} {:>8} {:>8}", "分组 / segment", "笔数", "批次", "12月", "24月", "36月");
    for c in &curves {
        let label = format!(
            "{} · dpd{} · bal{} · {}",
            c.product,
            c.dpd_bucket,
            c.balance_bucket,
            if c.litigated { "已诉" } else { "未诉" }
        );
        let at = |m: usize| format!("{:.2}%", c.crr[m - 1] * 100.0);
        println!("{label:<36} {:>8} {:>6} {:>8} {:>8} {:>8}", c.claims, c.vintages, at(12), at(24), at(36));
    }
    if curves.is_empty() {
        println!(
            "没有分组达到最少 {} 笔，沿用默认曲线 / no segment reached {} claims: the default curves stay",
            base.assumptions.retail.min_claims, base.assumptions.retail.min_claims
        );
    }
    let note = if args.note.is_empty() {
        format!("由回收历史估计 {} 条分组曲线（{}）", curves.len(), shown)
    } else {
        args.note.clone()
    };
    let saved = store.record_assumption_set("cli", &args.name, Some(base.id), &assumptions, &note).await?;
    println!(
        "已保存参数集 {} v{}（编号 {}） / saved assumption set {} v{} (id {})",
        saved.name, saved.version, saved.id, saved.name, saved.version, saved.id
    );
    Ok(ExitCode::SUCCESS)
}
