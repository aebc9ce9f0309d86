//! Monte Carlo valuation of a generated corporate package, engine time only (the data
//! already in memory): `cargo bench -p huajie-value --bench monte_carlo [-- CLAIMS SCENARIOS]`.
//! The package is the deterministic benchmark's; default 100,000 claims × 1,000 scenarios.

use std::time::Instant;

use huajie_value::sample::corporate_package;
use huajie_value::{Assumptions, Stress, pv, simulate, value};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let numbers: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let (n, scenarios) = (numbers.first().copied().unwrap_or(100_000), numbers.get(1).copied().unwrap_or(1_000));
    let (claims, items) = corporate_package(n, 0x9E37_79B9_7F4A_7C15);
    let a = Assumptions::default();
    let deterministic = pv(&value(&claims, &items, &a).quarterly, 0.15);
    let mut best = f64::INFINITY;
    let mut summary = String::new();
    for _ in 0..3 {
        let started = Instant::now();
        let sim = simulate(&claims, &items, &a, &Stress::NONE, scenarios, 7);
        let d = sim.distribution(0.15, deterministic, a.monte_carlo.confidence);
        best = best.min(started.elapsed().as_secs_f64());
        summary = format!(
            "mean {:.0}, P5 {:.0}, P95 {:.0}, confidence bid {:.0}; deterministic {:.0}; P(IRR ≥ 15%) {:.3}",
            d.mean, d.p5, d.p95, d.confidence_bid, deterministic, d.probability_of_hurdle
        );
    }
    println!(
        "{n} claims × {scenarios} scenarios on {} threads: best of 3 {:.2} s\n{summary}",
        rayon::current_num_threads(),
        best
    );
}
