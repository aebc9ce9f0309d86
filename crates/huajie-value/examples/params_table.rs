//! Prints the parameter catalogue as the Markdown table of docs/valuation.md:
//! `cargo run -p huajie-value --example params_table`.

use huajie_value::Assumptions;
use huajie_value::params::{catalogue, shown};

fn main() {
    let a = Assumptions::default();
    let mut group = "";
    for p in catalogue() {
        if p.group_zh != group {
            group = p.group_zh;
            println!("\n#### {} / {}\n", p.group_zh, p.group_en);
            println!("| 参数 Parameter | 默认 Default | 来源 Source | 可信度 Confidence | 路径 Path |");
            println!("| --- | --- | --- | --- | --- |");
        }
        println!(
            "| {} / {} | {} | {} | {} / {} | `{}` |",
            p.zh,
            p.en,
            shown(&a, &p),
            p.source,
            p.confidence.zh(),
            p.confidence.en(),
            p.path
        );
    }
}
