//! A retail batch valued by segment, engine time only: `cargo bench -p huajie-value --bench retail [-- CLAIMS]`.
//! Default 1,000,000 personal claims over 4 products, every dpd and balance bucket, a quarter litigated.

use std::time::Instant;

use huajie_value::retail::Retail;
use huajie_value::sample::Rng;
use huajie_value::{RetailClaim, Stress, pv, value_retail};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let n: usize = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(1_000_000);
    let products: Vec<String> = ["信用卡", "消费贷", "个人经营贷", "车贷"].map(String::from).to_vec();
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let claims: Vec<RetailClaim> = (0..n)
        .map(|_| RetailClaim {
            product: rng.below(4) as u16,
            days_past_due: 90 + rng.below(1_500) as u32,
            amount: 1_000.0 + 150_000.0 * rng.unit() * rng.unit(),
            litigated: rng.below(4) == 0,
        })
        .collect();
    let r = Retail::default();
    let mut best = f64::INFINITY;
    let mut line = String::new();
    for _ in 0..5 {
        let started = Instant::now();
        let v = value_retail(&claims, &products, &r, &Stress::NONE);
        let bid = pv(&v.quarterly, 0.15);
        best = best.min(started.elapsed().as_secs_f64());
        let total: f64 = claims.iter().map(|c| c.amount).sum();
        line = format!(
            "{} segments; bid at 15% {:.0} yuan = {:.2}% of claims",
            v.segments.len(),
            bid,
            100.0 * bid / total
        );
    }
    println!("{n} retail claims: best of 5 {:.1} ms; {line}", best * 1000.0);
}
