//! The valuation report of a run: the text `huajie value` prints, and the workbook a
//! reviewer can follow — the cash-flow sheet discounts with formulas on the target-IRR
//! cell, the claim sheet adds the routes and allocates the price with formulas, the
//! Monte Carlo sheet takes its percentiles with `PERCENTILE.INC` (the same interpolation
//! as the engine). Labels live here once, for the CLI, the workbook, the PDF and the web.

use huajie_core::{Lang, Money};
use huajie_value::appraisal::{ClaimResult, Method};
use huajie_value::params::{Unit, catalogue, get};
use huajie_value::{Appraisal, Assumptions, Stress};
use rust_xlsxwriter::{Format, Formula, Workbook, Worksheet, XlsxError};

/// What the report says about the run besides its numbers.
#[derive(Debug, Clone)]
pub struct RunInfo {
    pub company: String,
    pub package_code: String,
    pub package_name: String,
    /// `None` for a run that was not saved.
    pub run_id: Option<i64>,
    pub assumption_set: String,
    pub assumption_version: i64,
    pub assumption_sha256: String,
    pub tape_version: Option<i64>,
    pub created_by: String,
    pub created_at: String,
}

/// A claim's line: its result and how the reader knows it.
#[derive(Debug, Clone)]
pub struct ClaimLine {
    pub result: ClaimResult,
    pub contract_no: String,
    /// Already masked when the reader may not see it.
    pub debtor: String,
    pub stage: String,
}

/// A label in the reader's language: one place for the valuation's words.
pub fn label(key: &str, lang: Lang) -> &'static str {
    let (zh, en) = match key {
        "title" => ("资产包估值报告", "Package valuation report"),
        "package" => ("资产包", "Package"),
        "company" => ("公司", "Company"),
        "run" => ("估值记录", "Valuation run"),
        "model" => ("模型", "Model"),
        "assumptions" => ("参数集", "Assumption set"),
        "tape_version" => ("数据带版本", "Tape version"),
        "valuation_date" => ("估值基准日", "Valuation date"),
        "input_hash" => ("输入摘要", "Input hash"),
        "valued_by" => ("估值人", "Valued by"),
        "valued_at" => ("估值时间", "Valued at"),
        "claims" => ("债权笔数", "Claims"),
        "by_claim" => ("逐笔估值", "valued claim by claim"),
        "by_segment" => ("按分组估值", "valued by segment"),
        "claim_amount" => ("债权总额", "Total claim"),
        "principal" => ("本金", "Principal"),
        "target_irr" => ("目标 IRR", "Target IRR"),
        "bid" => ("目标 IRR 下出价", "Bid at target IRR"),
        "price" => ("价格", "Price"),
        "irr" => ("该价格下 IRR", "IRR at the price"),
        "moic" => ("投资回报倍数 MOIC", "MOIC"),
        "recovery_ratio" => ("回收率（占债权）", "Recovery (of claim)"),
        "price_of_claim" => ("价格占债权", "Price / claim"),
        "price_of_principal" => ("价格占本金", "Price / principal"),
        "payback" => ("回收期（季度）", "Payback quarter"),
        "wal" => ("加权平均回收期（年）", "Weighted average life (years)"),
        "routes" => ("分路线回收", "Recoveries by route"),
        "collateral" => ("抵质押物", "Collateral"),
        "guarantors" => ("保证人", "Guarantors"),
        "debtor" => ("债务人其他财产/破产分配", "Debtor's assets / estate"),
        "court_fees" => ("诉讼与执行费", "Court fees"),
        "legal_costs" => ("律师及服务费", "Legal and servicing costs"),
        "net" => ("净现金流", "Net cash"),
        "pv" => ("现值", "Present value"),
        "allocation" => ("成本分摊", "Cost basis"),
        "quarter" => ("季度", "Quarter"),
        "discount" => ("折现系数", "Discount factor"),
        "cumulative" => ("累计回收", "Cumulative cash"),
        "cash_flow" => ("现金流", "Cash flow"),
        "sensitivity" => ("敏感性：出价 vs IRR 与抵押物折价", "Sensitivity: bid vs IRR and collateral haircut"),
        "haircut" => ("折价", "haircut"),
        "stress" => ("压力测试", "Stress tests"),
        "monte_carlo" => ("蒙特卡洛", "Monte Carlo"),
        "scenarios" => ("情景数", "Scenarios"),
        "seed" => ("随机种子", "Seed"),
        "scenario" => ("情景", "Scenario"),
        "mean" => ("均值", "Mean"),
        "confidence_bid" => ("置信出价", "Confidence bid"),
        "hurdle_probability" => ("达到目标 IRR 的概率", "Probability of reaching the target IRR"),
        "segments" => ("个贷分组", "Retail segments"),
        "segment" => ("分组", "Segment"),
        "estimated" => ("曲线来源", "Curve"),
        "anchor_flag" => ("个贷定价偏离全国成交价锚", "Retail price far from the national anchor"),
        "contract" => ("合同编号", "Contract"),
        "debtor_name" => ("债务人", "Debtor"),
        "stage" => ("诉讼阶段", "Stage"),
        "method" => ("方法", "Method"),
        "amount" => ("债权金额", "Claim"),
        "time_barred" => ("超过时效", "Time-barred"),
        "judgment" => ("判决生效（月）", "Judgment (month)"),
        "enforcement" => ("执行（月）", "Enforcement (month)"),
        "first_auction" => ("首拍（月）", "First auction (month)"),
        "recovery" => ("回收率", "Recovery"),
        "parameter" => ("参数", "Parameter"),
        "value" => ("取值", "Value"),
        "source" => ("来源", "Source"),
        "confidence" => ("可信度", "Confidence"),
        "group" => ("类别", "Group"),
        "none" => ("无", "none"),
        "yes" => ("是", "yes"),
        "no" => ("否", "no"),
        "default_curve" => ("默认曲线", "default"),
        "estimated_curve" => ("历史估计", "estimated"),
        "saved" => ("已保存为估值记录", "Saved as valuation run"),
        _ => ("?", "?"),
    };
    lang.pick(zh, en)
}

/// A stress overlay's name.
pub fn stress_label(code: &str, lang: Lang) -> &'static str {
    let (zh, en) = match code {
        "mv-10" => ("抵押物价值 −10%", "collateral value −10%"),
        "mv-20" => ("抵押物价值 −20%", "collateral value −20%"),
        "mv-30" => ("抵押物价值 −30%", "collateral value −30%"),
        "sale-0.7" => ("成交概率 × 0.7", "sale probabilities × 0.7"),
        "duration-1.5" => ("周期 × 1.5", "durations × 1.5"),
        "retail-0.7" => ("个贷回收曲线 × 0.7", "retail curves × 0.7"),
        "rate+300bp" => ("折现率 +300bp", "discount rate +300 bp"),
        _ => ("?", "?"),
    };
    lang.pick(zh, en)
}

/// Yuan as the reader expects them (元/万元/亿元), rounded to fen.
pub fn money(yuan: f64, lang: Lang) -> String {
    Money::from_fen(huajie_value::fen(yuan)).display(lang)
}

pub fn percent(x: f64) -> String {
    format!("{:.2}%", x * 100.0)
}

/// `text` padded with spaces to `width` terminal columns (a Chinese character takes two).
fn pad(text: &str, width: usize) -> String {
    let w = unicode_width::UnicodeWidthStr::width(text);
    format!("{text}{}", " ".repeat(width.saturating_sub(w)))
}

/// `text` right-aligned in `width` terminal columns.
fn pad_left(text: &str, width: usize) -> String {
    let w = unicode_width::UnicodeWidthStr::width(text);
    format!("{}{text}", " ".repeat(width.saturating_sub(w)))
}

/// The summary `huajie value` prints.
pub fn summary_text(info: &RunInfo, a: &Appraisal, lang: Lang) -> String {
    use std::fmt::Write;
    let l = |k| label(k, lang);
    let m = |x| money(x, lang);
    let mut s = String::new();
    let by_segment = a.claims.iter().filter(|c| c.method == Method::Segment).count();
    let _ = writeln!(s, "{} {} {}", l("title"), info.package_code, info.package_name);
    let _ = writeln!(
        s,
        "  {}: {}  {}: {} v{} ({})  {}: {}",
        l("model"),
        a.model_version,
        l("assumptions"),
        info.assumption_set,
        info.assumption_version,
        &info.assumption_sha256[..12.min(info.assumption_sha256.len())],
        l("valuation_date"),
        a.valuation_date
    );
    let _ = writeln!(
        s,
        "  {}: {} ({} {}, {} {})  {}: {}  {}: {}",
        l("claims"),
        a.claims.len(),
        a.claims.len() - by_segment,
        l("by_claim"),
        by_segment,
        l("by_segment"),
        l("claim_amount"),
        m(a.claim_amount),
        l("principal"),
        m(a.principal)
    );
    let _ = writeln!(s);
    let mt = &a.metrics;
    let _ = writeln!(s, "  {} {}", pad(l("target_irr"), 24), percent(a.options.target_irr));
    let _ = writeln!(
        s,
        "  {} {}  ({} {}, {} {})",
        pad(l("bid"), 24),
        m(a.bid),
        l("price_of_claim"),
        percent(a.bid / a.claim_amount.max(1.0)),
        l("price_of_principal"),
        percent(a.bid / a.principal.max(1.0))
    );
    let _ = writeln!(s, "  {} {}", pad(l("price"), 24), m(mt.price));
    let _ = writeln!(s, "  {} {}", pad(l("irr"), 24), mt.irr.map_or_else(|| l("none").to_string(), percent));
    let _ = writeln!(s, "  {} {:.3}", pad(l("moic"), 24), mt.moic);
    let _ = writeln!(s, "  {} {}", pad(l("recovery_ratio"), 24), percent(mt.recovery_ratio));
    let _ = writeln!(
        s,
        "  {} {}",
        pad(l("payback"), 24),
        mt.payback_quarter.map_or_else(|| l("none").to_string(), |q| q.to_string())
    );
    let _ = writeln!(s, "  {} {:.2}", pad(l("wal"), 24), mt.wal_years);
    if a.retail_outside_anchor == Some(true) {
        let _ = writeln!(s, "  ⚠ {}", l("anchor_flag"));
    }
    let _ = writeln!(s);
    let sum = |f: fn(&ClaimResult) -> f64| a.claims.iter().map(f).sum::<f64>();
    let _ = writeln!(s, "  {}:", l("routes"));
    for (k, v) in [
        ("collateral", sum(|c| c.collateral)),
        ("guarantors", sum(|c| c.guarantors)),
        ("debtor", sum(|c| c.unsecured)),
        ("court_fees", sum(|c| c.court_fees)),
        ("legal_costs", sum(|c| c.legal_costs)),
        ("net", sum(|c| c.net)),
    ] {
        let _ = writeln!(s, "    {} {}", pad(l(k), 26), pad_left(&m(v), 16));
    }
    let _ = writeln!(s);
    let _ = writeln!(s, "  {} ({}):", l("cash_flow"), l("quarter"));
    let last = a.quarterly.iter().rposition(|x| x.abs() >= 0.005).map_or(0, |i| i + 1);
    for (q, x) in a.quarterly.iter().enumerate().take(last) {
        let _ = writeln!(s, "    Q{:<3} {}", q + 1, pad_left(&m(*x), 16));
    }
    let _ = writeln!(s);
    let _ = writeln!(s, "  {}:", l("sensitivity"));
    let mut header = format!("    {:<10}", "IRR");
    for h in &a.sensitivity.haircuts {
        header.push_str(&pad_left(&format!("{} {:.0}%", l("haircut"), h * 100.0), 18));
    }
    let _ = writeln!(s, "{header}");
    for (r, row) in a.sensitivity.rates.iter().zip(&a.sensitivity.bids) {
        let mut line = format!("    {:<10}", percent(*r));
        for b in row {
            line.push_str(&pad_left(&m(*b), 18));
        }
        let _ = writeln!(s, "{line}");
    }
    let _ = writeln!(s);
    let _ = writeln!(s, "  {}:", l("stress"));
    for st in &a.stresses {
        let _ = writeln!(
            s,
            "    {} {}  ({:+.1}%)",
            pad(stress_label(&st.code, lang), 26),
            pad_left(&m(st.bid), 16),
            (st.bid / a.bid.max(1e-9) - 1.0) * 100.0
        );
    }
    if let Some(mc) = &a.monte_carlo {
        let d = &mc.distribution;
        let _ = writeln!(s);
        let _ = writeln!(s, "  {} ({} {}, {} {}):", l("monte_carlo"), l("scenarios"), mc.scenarios, l("seed"), mc.seed);
        for (k, v) in [
            (l("mean"), m(d.mean)),
            ("P5", m(d.p5)),
            ("P50", m(d.p50)),
            ("P95", m(d.p95)),
            (l("confidence_bid"), format!("{}  (α = {:.0}%)", m(d.confidence_bid), d.confidence * 100.0)),
            (l("hurdle_probability"), percent(d.probability_of_hurdle)),
        ] {
            let _ = writeln!(s, "    {} {v}", pad(k, 26));
        }
    }
    s
}

/// Column letters of a 0-based column.
fn col(c: u16) -> String {
    let mut n = u32::from(c) + 1;
    let mut out = Vec::new();
    while n > 0 {
        let r = ((n - 1) % 26) as u8;
        out.push(b'A' + r);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

fn formula(f: String, result: f64) -> Formula {
    Formula::new(f).set_result(format!("{result}"))
}

fn headers(ws: &mut Worksheet, row: u32, names: &[&str], bold: &Format) -> Result<(), XlsxError> {
    for (c, h) in names.iter().enumerate() {
        ws.write_string_with_format(row, c as u16, *h, bold)?;
    }
    Ok(())
}

/// The run as a workbook: summary, cash flow (discounted by formula), claims (routes and
/// cost basis by formula), segments, sensitivity, stress, Monte Carlo, parameters.
pub fn valuation_xlsx(
    info: &RunInfo,
    a: &Appraisal,
    claims: &[ClaimLine],
    set: &Assumptions,
    lang: Lang,
) -> Result<Vec<u8>, XlsxError> {
    let l = |k| label(k, lang);
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let yuan = Format::new().set_num_format("#,##0.00");
    let pct = Format::new().set_num_format("0.00%");
    let factor = Format::new().set_num_format("0.000000");

    // Sheet names used in formulas.
    let summary_name = lang.pick("汇总", "Summary").to_string();
    let cash_name = l("cash_flow").to_string();
    let claims_name = lang.pick("逐笔", "Claims").to_string();

    // 1. Summary. Target IRR in B12 and price in B14: the other sheets refer to them.
    let ws = book.add_worksheet();
    ws.set_name(&summary_name)?;
    ws.set_column_width(0, 30)?;
    ws.set_column_width(1, 40)?;
    ws.write_string_with_format(0, 0, l("title"), &bold)?;
    let info_rows: [(&str, String); 9] = [
        (l("company"), info.company.clone()),
        (l("package"), format!("{} {}", info.package_code, info.package_name)),
        (l("run"), info.run_id.map_or_else(|| "—".to_string(), |id| format!("#{id}"))),
        (l("model"), a.model_version.clone()),
        (
            l("assumptions"),
            format!("{} v{} ({})", info.assumption_set, info.assumption_version, info.assumption_sha256),
        ),
        (l("tape_version"), info.tape_version.map_or_else(|| "—".to_string(), |v| v.to_string())),
        (l("valuation_date"), a.valuation_date.to_string()),
        (l("input_hash"), a.input_hash.clone()),
        (l("valued_by"), format!("{} {}", info.created_by, info.created_at)),
    ];
    for (i, (k, v)) in info_rows.iter().enumerate() {
        ws.write_string_with_format(1 + i as u32, 0, *k, &bold)?;
        ws.write_string(1 + i as u32, 1, v)?;
    }
    let last_q = 1 + a.quarterly.len() as u32; // cash rows 2..=41
    let pv_range = format!("'{cash_name}'!D2:D{last_q}");
    let cash_range = format!("'{cash_name}'!B2:B{last_q}");
    ws.write_string_with_format(11, 0, l("target_irr"), &bold)?;
    ws.write_number_with_format(11, 1, a.options.target_irr, &pct)?;
    ws.write_string_with_format(12, 0, l("bid"), &bold)?;
    ws.write_formula_with_format(12, 1, formula(format!("=SUM({pv_range})"), a.bid), &yuan)?;
    ws.write_string_with_format(13, 0, l("price"), &bold)?;
    ws.write_number_with_format(13, 1, a.metrics.price, &yuan)?;
    ws.write_string_with_format(14, 0, l("claim_amount"), &bold)?;
    ws.write_number_with_format(14, 1, a.claim_amount, &yuan)?;
    ws.write_string_with_format(15, 0, l("principal"), &bold)?;
    ws.write_number_with_format(15, 1, a.principal, &yuan)?;
    ws.write_string_with_format(16, 0, l("price_of_claim"), &bold)?;
    ws.write_formula_with_format(16, 1, formula("=B14/B15".into(), a.metrics.price_of_claim), &pct)?;
    ws.write_string_with_format(17, 0, l("price_of_principal"), &bold)?;
    ws.write_formula_with_format(17, 1, formula("=B14/B16".into(), a.metrics.price_of_principal), &pct)?;
    ws.write_string_with_format(18, 0, l("moic"), &bold)?;
    ws.write_formula(
        18,
        1,
        formula(format!("=SUMIF({cash_range},\">0\")/(B14-SUMIF({cash_range},\"<0\"))"), a.metrics.moic),
    )?;
    ws.write_string_with_format(19, 0, l("recovery_ratio"), &bold)?;
    ws.write_formula_with_format(
        19,
        1,
        formula(format!("=SUMIF({cash_range},\">0\")/B15"), a.metrics.recovery_ratio),
        &pct,
    )?;
    ws.write_string_with_format(20, 0, l("irr"), &bold)?;
    match a.metrics.irr {
        Some(irr) => ws.write_number_with_format(20, 1, irr, &pct)?,
        None => ws.write_string(20, 1, l("none"))?,
    };
    ws.write_string_with_format(21, 0, l("payback"), &bold)?;
    match a.metrics.payback_quarter {
        Some(q) => ws.write_number(21, 1, q as f64)?,
        None => ws.write_string(21, 1, l("none"))?,
    };
    ws.write_string_with_format(22, 0, l("wal"), &bold)?;
    ws.write_number(22, 1, a.metrics.wal_years)?;
    if a.retail_outside_anchor == Some(true) {
        ws.write_string_with_format(23, 0, l("anchor_flag"), &bold)?;
        ws.write_string(23, 1, l("yes"))?;
    }

    // 2. Cash flow: quarter, net cash, discount factor and PV by formula, cumulative.
    let ws = book.add_worksheet();
    ws.set_name(&cash_name)?;
    headers(ws, 0, &[l("quarter"), l("net"), l("discount"), l("pv"), l("cumulative")], &bold)?;
    for c in 1..5 {
        ws.set_column_width(c, 18)?;
    }
    let step = (1.0 + a.options.target_irr).powf(-0.25);
    let mut df = 1.0;
    let mut cumulative = -a.metrics.price;
    for (i, x) in a.quarterly.iter().enumerate() {
        let r = 1 + i as u32;
        let q = i + 1;
        df *= step;
        cumulative += x;
        ws.write_number(r, 0, q as f64)?;
        ws.write_number_with_format(r, 1, *x, &yuan)?;
        ws.write_formula_with_format(
            r,
            2,
            formula(format!("=(1+'{summary_name}'!$B$12)^(-A{}/4)", r + 1), df),
            &factor,
        )?;
        ws.write_formula_with_format(r, 3, formula(format!("=B{0}*C{0}", r + 1), x * df), &yuan)?;
        let prev = if r == 1 { format!("-'{summary_name}'!$B$14") } else { format!("E{r}") };
        ws.write_formula_with_format(r, 4, formula(format!("={prev}+B{}", r + 1), cumulative), &yuan)?;
    }

    // 3. Claims: routes as values, net and recovery by formula, cost basis by formula on the price.
    let ws = book.add_worksheet();
    ws.set_name(&claims_name)?;
    let names = [
        l("contract"),
        l("debtor_name"),
        l("stage"),
        l("method"),
        l("amount"),
        l("collateral"),
        l("guarantors"),
        l("debtor"),
        l("court_fees"),
        l("legal_costs"),
        l("net"),
        l("recovery"),
        l("pv"),
        l("allocation"),
        l("time_barred"),
        l("judgment"),
        l("enforcement"),
        l("first_auction"),
    ];
    headers(ws, 0, &names, &bold)?;
    ws.set_freeze_panes(1, 1)?;
    ws.set_column_width(0, 22)?;
    ws.set_column_width(1, 20)?;
    for c in 4..14 {
        ws.set_column_width(c, 16)?;
    }
    let n = claims.len() as u32;
    let pv_col = format!("$M$2:$M${}", n + 1);
    for (i, line) in claims.iter().enumerate() {
        let r = 1 + i as u32;
        let x = r + 1;
        let c = &line.result;
        ws.write_string(r, 0, &line.contract_no)?;
        ws.write_string(r, 1, &line.debtor)?;
        ws.write_string(r, 2, &line.stage)?;
        ws.write_string(r, 3, if c.method == Method::Claim { l("by_claim") } else { l("by_segment") })?;
        for (col_i, v) in [
            (4, c.amount),
            (5, c.collateral),
            (6, c.guarantors),
            (7, c.unsecured),
            (8, c.court_fees),
            (9, c.legal_costs),
        ] {
            ws.write_number_with_format(r, col_i, v, &yuan)?;
        }
        ws.write_formula_with_format(r, 10, formula(format!("=SUM(F{x}:J{x})"), c.net), &yuan)?;
        let recovery = if c.amount > 0.0 { (c.collateral + c.guarantors + c.unsecured) / c.amount } else { 0.0 };
        ws.write_formula_with_format(r, 11, formula(format!("=IF(E{x}>0,(F{x}+G{x}+H{x})/E{x},0)"), recovery), &pct)?;
        ws.write_number_with_format(r, 12, c.pv, &yuan)?;
        ws.write_formula_with_format(
            r,
            13,
            formula(format!("='{summary_name}'!$B$14*M{x}/SUM({pv_col})"), c.allocation),
            &yuan,
        )?;
        ws.write_string(r, 14, if c.time_barred { l("yes") } else { l("no") })?;
        for (col_i, v) in [(15, c.judgment_month), (16, c.enforcement_month), (17, c.first_auction_month)] {
            if let Some(v) = v {
                ws.write_number(r, col_i, f64::from(v))?;
            }
        }
    }
    if n > 0 {
        ws.autofilter(0, 0, n, names.len() as u16 - 1)?;
        let total = n + 1;
        ws.write_string_with_format(total, 0, lang.pick("合计", "Total"), &bold)?;
        for c in [4u16, 5, 6, 7, 8, 9, 10, 12, 13] {
            let letter = col(c);
            let sum: f64 = match c {
                4 => claims.iter().map(|l| l.result.amount).sum(),
                5 => claims.iter().map(|l| l.result.collateral).sum(),
                6 => claims.iter().map(|l| l.result.guarantors).sum(),
                7 => claims.iter().map(|l| l.result.unsecured).sum(),
                8 => claims.iter().map(|l| l.result.court_fees).sum(),
                9 => claims.iter().map(|l| l.result.legal_costs).sum(),
                10 => claims.iter().map(|l| l.result.net).sum(),
                12 => claims.iter().map(|l| l.result.pv).sum(),
                _ => claims.iter().map(|l| l.result.allocation).sum(),
            };
            ws.write_formula_with_format(total, c, formula(format!("=SUM({letter}2:{letter}{total})"), sum), &yuan)?;
        }
    }

    // 4. Segments.
    if !a.segments.is_empty() {
        let ws = book.add_worksheet();
        ws.set_name(l("segments"))?;
        headers(ws, 0, &[l("segment"), l("claims"), l("amount"), l("estimated"), l("pv"), l("allocation")], &bold)?;
        ws.set_column_width(0, 40)?;
        for (i, s) in a.segments.iter().enumerate() {
            let r = 1 + i as u32;
            ws.write_string(r, 0, s.label(lang == Lang::Zh))?;
            ws.write_number(r, 1, s.claims as f64)?;
            ws.write_number_with_format(r, 2, s.amount, &yuan)?;
            ws.write_string(r, 3, if s.estimated { l("estimated_curve") } else { l("default_curve") })?;
            ws.write_number_with_format(r, 4, s.pv, &yuan)?;
            ws.write_number_with_format(r, 5, s.allocation, &yuan)?;
        }
    }

    // 5. Sensitivity and stress.
    let ws = book.add_worksheet();
    ws.set_name(l("stress"))?;
    ws.write_string_with_format(0, 0, l("sensitivity"), &bold)?;
    ws.write_string_with_format(1, 0, "IRR", &bold)?;
    for (j, h) in a.sensitivity.haircuts.iter().enumerate() {
        ws.write_string_with_format(1, 1 + j as u16, format!("{} {:.0}%", l("haircut"), h * 100.0), &bold)?;
        ws.set_column_width(1 + j as u16, 18)?;
    }
    for (i, (r, row)) in a.sensitivity.rates.iter().zip(&a.sensitivity.bids).enumerate() {
        ws.write_number_with_format(2 + i as u32, 0, *r, &pct)?;
        for (j, b) in row.iter().enumerate() {
            ws.write_number_with_format(2 + i as u32, 1 + j as u16, *b, &yuan)?;
        }
    }
    let start = 4 + a.sensitivity.rates.len() as u32;
    ws.write_string_with_format(start, 0, l("stress"), &bold)?;
    ws.set_column_width(0, 26)?;
    for (i, s) in a.stresses.iter().enumerate() {
        ws.write_string(start + 1 + i as u32, 0, stress_label(&s.code, lang))?;
        ws.write_number_with_format(start + 1 + i as u32, 1, s.bid, &yuan)?;
        let shift = Stress::by_code(&s.code).map_or(0.0, |x| x.rate_shift);
        if shift != 0.0 {
            ws.write_number_with_format(start + 1 + i as u32, 2, a.options.target_irr + shift, &pct)?;
        }
    }

    // 6. Monte Carlo: every scenario's break-even price; percentiles by formula.
    if let Some(mc) = &a.monte_carlo {
        let ws = book.add_worksheet();
        ws.set_name(l("monte_carlo"))?;
        ws.set_column_width(0, 26)?;
        ws.set_column_width(1, 20)?;
        ws.set_column_width(3, 20)?;
        let d = &mc.distribution;
        let last = 1 + mc.present_values.len() as u32;
        let range = format!("D2:D{last}");
        let rows: [(&str, String, f64); 6] = [
            (l("mean"), format!("=AVERAGE({range})"), d.mean),
            ("P5", format!("=PERCENTILE.INC({range},0.05)"), d.p5),
            ("P50", format!("=PERCENTILE.INC({range},0.5)"), d.p50),
            ("P95", format!("=PERCENTILE.INC({range},0.95)"), d.p95),
            (l("confidence_bid"), format!("=PERCENTILE.INC({range},{})", 1.0 - d.confidence), d.confidence_bid),
            (l("hurdle_probability"), String::new(), d.probability_of_hurdle),
        ];
        for (i, (k, f, v)) in rows.iter().enumerate() {
            ws.write_string_with_format(i as u32, 0, *k, &bold)?;
            if f.is_empty() {
                ws.write_number_with_format(i as u32, 1, *v, &pct)?;
            } else {
                ws.write_formula_with_format(i as u32, 1, formula(f.clone(), *v), &yuan)?;
            }
        }
        ws.write_string_with_format(7, 0, l("scenarios"), &bold)?;
        ws.write_number(7, 1, mc.scenarios as f64)?;
        ws.write_string_with_format(8, 0, l("seed"), &bold)?;
        ws.write_number(8, 1, mc.seed as f64)?;
        ws.write_string_with_format(0, 2, l("scenario"), &bold)?;
        ws.write_string_with_format(0, 3, l("pv"), &bold)?;
        for (i, v) in mc.present_values.iter().enumerate() {
            ws.write_number(1 + i as u32, 2, (i + 1) as f64)?;
            ws.write_number_with_format(1 + i as u32, 3, *v, &yuan)?;
        }
    }

    // 7. Parameters, with source and confidence.
    let ws = book.add_worksheet();
    ws.set_name(l("assumptions"))?;
    headers(ws, 0, &[l("group"), l("parameter"), l("value"), l("source"), l("confidence")], &bold)?;
    ws.set_column_width(0, 20)?;
    ws.set_column_width(1, 44)?;
    ws.set_column_width(2, 12)?;
    ws.set_column_width(3, 44)?;
    ws.set_column_width(4, 18)?;
    for (i, p) in catalogue().iter().enumerate() {
        let r = 1 + i as u32;
        ws.write_string(r, 0, lang.pick(p.group_zh, p.group_en))?;
        ws.write_string(r, 1, if lang == Lang::Zh { &p.zh } else { &p.en })?;
        match get(set, &p.path) {
            Some(serde_json::Value::Bool(b)) => ws.write_string(r, 2, if b { l("yes") } else { l("no") })?,
            Some(v) => match (v.as_f64(), p.unit) {
                (Some(x), Unit::Share) => ws.write_number_with_format(r, 2, x, &pct)?,
                (Some(x), _) => ws.write_number(r, 2, x)?,
                (None, _) => ws.write_string(r, 2, v.to_string())?,
            },
            None => ws.write_string(r, 2, "")?,
        };
        ws.write_string(r, 3, p.source)?;
        ws.write_string(r, 4, lang.pick(p.confidence.zh(), p.confidence.en()))?;
    }
    book.save_to_buffer()
}
