//! Generated packages, the same for the same seed: for benchmarks, tests and load checks.

use huajie_core::{CollateralType, LitigationStage, PartyKind};

use crate::input::{ClaimIn, DebtorIn, GuarantorIn, ItemIn, Lien, Standing};

/// A small deterministic generator (xorshift), so every run values the same package.
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A corporate package of `n` claims, the same for the same `seed`: borrowers with one or
/// (one in five) two claims sharing their collateral, 0–3 items per borrower (ranks 1–2,
/// one in six with prior claims), 0–2 guarantors per claim (one in three capped), every
/// litigation stage, one claim in ten time-barred.
pub fn corporate_package(n: usize, seed: u64) -> (Vec<ClaimIn>, Vec<ItemIn>) {
    let mut rng = Rng(seed | 1);
    let standings =
        [Standing::Normal, Standing::Normal, Standing::Ceased, Standing::Bankrupt, Standing::DeceasedOrMissing];
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
            let guarantors = (0..rng.below(3))
                .map(|_| GuarantorIn { party: party(&mut rng), cap: (rng.below(3) == 0).then(|| 1e6 * rng.unit()) })
                .collect();
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
