//! Deterministic valuation of a generated corporate package, engine time only (the data
//! already in memory): `cargo bench -p huajie-value --bench deterministic [-- CLAIMS]`.
//! 0–3 collateral items per borrower (some shared by two claims), 0–2 guarantors per claim.

use std::time::Instant;

use huajie_core::{CollateralType, LitigationStage, PartyKind};
use huajie_value::{Assumptions, ClaimIn, DebtorIn, GuarantorIn, ItemIn, Lien, Standing, pv, value};

/// A small deterministic generator (xorshift), so every run values the same package.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn package(n: usize) -> (Vec<ClaimIn>, Vec<ItemIn>) {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let standings = [Standing::Normal, Standing::Normal, Standing::Ceased, Standing::Bankrupt, Standing::DeceasedOrMissing];
    let party = |rng: &mut Rng| DebtorIn {
        kind: if rng.below(4) == 0 { PartyKind::Individual } else { PartyKind::Corporate },
        standing: standings[rng.below(standings.len() as u64) as usize],
    };
    let mut claims = Vec::with_capacity(n);
    let mut items = Vec::new();
    while claims.len() < n {
        // A borrower with one or (sometimes) two claims sharing its collateral.
        let debtor = party(&mut rng);
        let count = if rng.below(5) == 0 && claims.len() + 2 <= n { 2 } else { 1 };
        let first = claims.len();
        for _ in 0..count {
            let guarantors = (0..rng.below(3)).map(|_| GuarantorIn { party: party(&mut rng), cap: (rng.below(3) == 0).then(|| 1e6 * rng.unit()) }).collect();
            claims.push(ClaimIn {
                amount: 100_000.0 + 50_000_000.0 * rng.unit(),
                debtor,
                stage: Some(LitigationStage::ALL[rng.below(6) as usize]),
                time_barred: rng.below(10) == 0,
                guarantors,
                unsecured_beta: None,
            });
        }
        for _ in 0..rng.below(4) {
            let liens = (first..claims.len()).map(|claim| Lien { claim, rank: 1 + rng.below(2) as u8 }).collect();
            items.push(ItemIn {
                kind: CollateralType::ALL[rng.below(10) as usize],
                appraised: 60_000_000.0 * rng.unit(),
                prior: if rng.below(6) == 0 { 2_000_000.0 * rng.unit() } else { 0.0 },
                liens,
            });
        }
    }
    (claims, items)
}

fn main() {
    let n: usize = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(100_000);
    let (claims, items) = package(n);
    let a = Assumptions::default();
    let mut best = f64::INFINITY;
    let mut bid = 0.0;
    for _ in 0..5 {
        let started = Instant::now();
        let v = value(&claims, &items, &a);
        bid = pv(&v.quarterly, 0.15);
        best = best.min(started.elapsed().as_secs_f64());
    }
    println!("{n} claims, {} collateral items: best of 5 {:.1} ms (bid at 15%: {:.0} yuan)", items.len(), best * 1000.0, bid);
}
