//! `huajie check --as-of DATE`: the six regulatory indicators, each with its figure, limit,
//! status and the lines behind it, as the risk team reads them.

use std::process::ExitCode;

use anyhow::{Result, anyhow};
use huajie_core::{Lang, Money};
use huajie_rules::{Indicator, Status, catalogue};
use huajie_store::Store;

/// How many lines behind each indicator are printed; the rest are counted.
const LINES_SHOWN: usize = 5;

fn status(s: Status, in_transition: bool, lang: Lang) -> &'static str {
    match (s, in_transition) {
        (Status::Pass, _) => lang.pick("合规", "pass"),
        (Status::Amber, _) => lang.pick("预警", "amber"),
        (Status::Red, true) => lang.pick("超限（过渡期内）", "breach (in transition)"),
        (Status::Red, false) => lang.pick("超限", "breach"),
    }
}

fn money(fen: i128, lang: Lang) -> String {
    Money::from_fen(i64::try_from(fen).unwrap_or(i64::MAX)).display(lang)
}

fn figure(i: &Indicator, lang: Lang) -> String {
    i.shown(4).unwrap_or_else(|| lang.pick("无比率", "no ratio").to_string())
}

fn limit(i: &Indicator) -> String {
    i.shown_limit()
}

/// The indicators as of `as_of`, or as of today (the store clock's date in Beijing) when none
/// is given, and then it says so.
pub async fn run(store: &Store, as_of: Option<&str>, lang: &str) -> Result<ExitCode> {
    let lang = Lang::parse(lang).ok_or_else(|| anyhow!("语言应为 zh 或 en / --lang must be zh or en"))?;
    let date = match as_of {
        Some(as_of) => huajie_tape::coerce::parse_date(as_of)
            .map_err(|_| anyhow!("日期无法识别：{as_of} / cannot read the date {as_of}"))?,
        None => {
            let today = store.clock().today();
            println!(
                "{}",
                match lang {
                    Lang::Zh => format!("未给出 --as-of：按今天（北京时间）{today} 计算"),
                    Lang::En => format!("No --as-of given: computed as of today, {today} (Beijing time)"),
                }
            );
            today
        }
    };
    let params = store.rule_parameters().await?;
    let answer = store.indicators(date, &params).await?;
    let all = answer.indicators.as_ref().map_err(|e| anyhow!("{e}"))?;
    let rules = catalogue();
    println!(
        "{} {date} · {} v{}",
        lang.pick("监管指标，计算日", "Regulatory indicators as of"),
        lang.pick("参数版本", "parameters version"),
        params.version
    );
    for i in all {
        let rule = rules.iter().find(|r| r.id == i.id).expect("every indicator is a catalogued rule");
        let title = lang.pick(rule.zh, rule.en);
        println!();
        println!("{:?} {title}", i.id);
        println!(
            "  {}: {}  {}: {}  {}: {}  [{} {} / {} {}]",
            lang.pick("数值", "value"),
            figure(i, lang),
            lang.pick("限额", "limit"),
            limit(i),
            lang.pick("状态", "status"),
            status(i.status, i.in_transition, lang),
            rule.confidence.tag(),
            lang.pick(rule.confidence.zh(), rule.confidence.en()),
            rule.definitions.tag(),
            lang.pick("口径为本系统解读", "definitions: our reading"),
        );
        if i.no_ratio.is_none() {
            println!(
                "  {} {} / {}",
                lang.pick("分子/分母", "numerator / denominator"),
                money(i.numerator, lang),
                money(i.denominator, lang)
            );
        }
        if let Some(d) = i.basis_date {
            println!("  {} {d}", lang.pick("净资产日期", "net assets at"));
        }
        for line in i.lines.iter().take(LINES_SHOWN) {
            let who = match line.party {
                Some(p) => match store.party(p).await? {
                    // A person's name is masked: the risk team does not own personal data.
                    Some(party) if party.data.kind() == huajie_core::PartyKind::Individual => {
                        format!("{} ", huajie_core::mask::mask_person_name(&party.data.name))
                    }
                    Some(party) => format!("{} ", party.data.name),
                    None => format!("#{p} "),
                },
                None => String::new(),
            };
            let flag = if line.flagged { lang.pick(" ⚠ 禁止渠道", " ⚠ prohibited channel") } else { "" };
            println!("    {who}{} {}{flag}", line.label_in(lang), line.amount.display(lang));
        }
        if let Some(more) = i.lines.len().checked_sub(LINES_SHOWN).filter(|n| *n > 0) {
            match lang {
                Lang::Zh => println!("    …另有 {more} 行，见季度报告 .xlsx（网页：监管指标 → 季度报告）"),
                Lang::En => println!(
                    "    … and {more} more lines: see the Quarterly report .xlsx (web: Compliance → Quarterly report)"
                ),
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
