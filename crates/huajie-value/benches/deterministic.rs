//! Deterministic valuation of a generated corporate package, engine time only (the data
//! already in memory): `cargo bench -p huajie-value --bench deterministic [-- CLAIMS]`.
//! 0–3 collateral items per borrower (some shared by two claims), 0–2 guarantors per claim.

use std::time::Instant;

use huajie_value::sample::corporate_package;
use huajie_value::{Assumptions, pv, value};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let n: usize = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(100_000);
    let (claims, items) = corporate_package(n, 0x9E37_79B9_7F4A_7C15);
    let a = Assumptions::default();
    let mut best = f64::INFINITY;
    let mut bid = 0.0;
    for _ in 0..5 {
        let started = Instant::now();
        let v = value(&claims, &items, &a);
        bid = pv(&v.quarterly, 0.15);
        best = best.min(started.elapsed().as_secs_f64());
    }
    println!(
        "{n} claims, {} collateral items: best of 5 {:.1} ms (bid at 15%: {:.0} yuan)",
        items.len(),
        best * 1000.0,
        bid
    );
}
