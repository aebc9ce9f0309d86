//! The six indicators over a generated book, engine time only (data in memory):
//! `cargo bench -p huajie-rules --bench indicators [-- CLAIMS PARTIES]`. Default 1,000,000
//! acquired claims over 100,000 parties; a third of the parties held by another (30–100%),
//! some with explicit control; 200 funding instruments with monthly payments; 2,000
//! calendar flows; 20 shareholders, officers and relatives. Then a pre-trade check of a
//! 1,000-claim acquisition on the same book, and of a 1,000-claim disposal (3,000 obligors
//! screened against the transferee's control ties).

use std::time::Instant;

use chrono::{Duration, NaiveDate};
use huajie_core::Money;
use huajie_rules::checks::{CheckParty, Counterparty, ProposedClaim};
use huajie_rules::graph::{GraphParty, Holding};
use huajie_rules::indicators::{
    CashFlow, Channel, Exposure, ExposureKind, Funding, Investment, InvestmentKind, LiquidAsset, LiquidKind, Payment,
};
use huajie_rules::pretrade::{Deal, Setting, SoldClaim, check};
use huajie_rules::{Ledger, RuleParameters, indicators};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
}

fn main() {
    let numbers: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let (claims, parties) = (numbers.first().copied().unwrap_or(1_000_000), numbers.get(1).copied().unwrap_or(100_000));
    let mut rng = Rng(0x5DEE_CE66_D1CE_4E5B);
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    let mut l = Ledger { company: 0, founded: Some(day(2016, 1, 1)), ..Ledger::default() };
    for y in 2024..=2026 {
        for (m, d) in [(3, 31), (6, 30), (9, 30), (12, 31)] {
            l.net_assets.insert(day(y, m, d), Money::from_yuan(5_000_000_000).unwrap());
        }
    }
    for id in 0..parties as i64 {
        l.parties.push(GraphParty { id, person: rng.below(3) == 0, state_organ: rng.below(500) == 0 });
        if id > 0 && rng.below(3) == 0 {
            let holder = rng.below(id as u64) as i64;
            l.holdings.push(Holding {
                holder,
                held: id,
                stake_bps: 3_000 + rng.below(7_001) as u32,
                control: rng.below(10) == 0,
            });
        }
    }
    for s in 1..=20 {
        l.holdings.push(Holding { holder: s, held: 0, stake_bps: 100 + rng.below(900) as u32, control: false });
        l.officers.push(20 + s);
        l.relatives.push((20 + s, 40 + s));
    }
    let kinds = [ExposureKind::AcquiredClaim, ExposureKind::AcquiredClaim, ExposureKind::Loan, ExposureKind::Equity];
    for _ in 0..claims {
        l.exposures.push(Exposure {
            party: rng.below(parties as u64) as i64,
            kind: kinds[rng.below(4) as usize],
            book_value: Money::from_fen(100_000 + rng.below(1_000_000_000) as i64),
        });
    }
    let as_of = day(2026, 9, 30);
    for i in 0..200 {
        let payments = (1..=24)
            .map(|k| Payment {
                date: as_of + Duration::days(15 * k + i % 15),
                principal: Money::from_yuan(1_000_000).unwrap(),
                interest: Money::from_yuan(30_000).unwrap(),
            })
            .collect();
        l.funding.push(Funding {
            id: Some(i),
            label: format!("借款{i}"),
            channel: Channel::FiLoan,
            principal: Money::from_yuan(50_000_000).unwrap(),
            payments,
        });
    }
    for i in 0..2_000 {
        l.cash_flows.push(CashFlow {
            label: format!("日历{i}"),
            date: as_of + Duration::days(rng.below(90) as i64),
            amount: Money::from_yuan(100_000).unwrap(),
            inflow: i % 2 == 0,
        });
    }
    for i in 0..50 {
        l.liquid_assets.push(LiquidAsset {
            label: format!("账户{i}"),
            kind: LiquidKind::DemandDeposit,
            amount: Money::from_yuan(20_000_000).unwrap(),
            encumbered: i % 10 == 0,
        });
        l.investments.push(Investment {
            date: day(2023 + i % 3, 6, 1),
            amount: Money::from_yuan(100_000_000).unwrap(),
            kind: if i % 2 == 0 { InvestmentKind::FinancialNpa } else { InvestmentKind::OtherDebt },
        });
    }
    let p = RuleParameters::default();
    let mut best = f64::INFINITY;
    let mut summary = String::new();
    for _ in 0..3 {
        let started = Instant::now();
        let all = indicators(&l, &p, as_of).unwrap();
        best = best.min(started.elapsed().as_secs_f64());
        summary = all
            .iter()
            .map(|i| format!("{:?} {:?} {:.4}", i.id, i.status, i.ratio().unwrap_or(f64::NAN)))
            .collect::<Vec<_>>()
            .join("; ");
    }
    println!(
        "{claims} claims, {parties} parties, {} holdings: best of 3 {:.0} ms\n{summary}",
        l.holdings.len(),
        best * 1000.0
    );

    // A pre-trade check of a 1,000-claim acquisition on the same book: the book cloned with the
    // deal applied, the indicators before and after, and the findings.
    let names = std::collections::BTreeMap::new();
    let home = huajie_core::Province::from_code("33").unwrap();
    let setting = Setting { home, as_of, names: &names };
    let party =
        |id: i64| CheckParty { id, name: format!("债务人{id}"), province: Some(home), ..CheckParty::default() };
    let claims_in: Vec<ProposedClaim> = (0..1_000)
        .map(|i| ProposedClaim {
            contract_no: format!("HT-{i}"),
            amount: Money::from_yuan(1_000_000).unwrap(),
            debtor: party(rng.below(parties as u64) as i64),
            guarantors: Vec::new(),
            collateral_provinces: Vec::new(),
            cross_region_exception: None,
            flags: vec![],
        })
        .collect();
    let deal = Deal::Acquisition {
        transferor: party(0),
        claims: claims_in,
        price: Money::from_yuan(300_000_000).unwrap(),
        kind: InvestmentKind::FinancialNpa,
        flags: vec![],
        paid_from: huajie_rules::funding_line::PaidFrom::Cash,
        cost: None,
    };
    let mut best = f64::INFINITY;
    let mut found = 0;
    for _ in 0..3 {
        let started = Instant::now();
        let r = check(&l, &p, &setting, &deal).unwrap();
        best = best.min(started.elapsed().as_secs_f64());
        found = r.findings.len();
    }
    println!("pre-trade check of a 1,000-claim acquisition: best of 3 {:.0} ms ({found} findings)", best * 1000.0);

    // A disposal of 1,000 held claims, two guarantors each, to a transferee with no tie to any
    // obligor: screening looks at all 3,000 obligors' control before it finds nothing.
    let sold: Vec<SoldClaim> = (0..1_000)
        .map(|i| SoldClaim {
            contract_no: format!("HT-{i}"),
            debtor: rng.below(parties as u64) as i64,
            guarantors: vec![rng.below(parties as u64) as i64, rng.below(parties as u64) as i64],
            book_value: Money::from_yuan(300_000).unwrap(),
        })
        .collect();
    let transferee =
        Counterparty::Registered(CheckParty {
            id: parties as i64 + 1, name: "受让方".into(), ..CheckParty::default()
        });
    let deal =
        Deal::Disposal { transferee, claims: sold, price: Money::from_yuan(200_000_000).unwrap(), retail_batch: false };
    let mut best = f64::INFINITY;
    for _ in 0..3 {
        let started = Instant::now();
        let r = check(&l, &p, &setting, &deal).unwrap();
        best = best.min(started.elapsed().as_secs_f64());
        found = r.findings.len();
    }
    println!("pre-trade check of a 1,000-claim disposal: best of 3 {:.0} ms ({found} findings)", best * 1000.0);
}
