//! # huajie-demo
//! The demo company: a fictional Zhejiang local AMC with three packages from three fictional banks (~300 claims),
//! debtors, guarantors, collateral across property types and cities (some outside the province), one user per role, a
//! committee (`decisions`), the portal's investors and auctions (`investors`, `auctions`), the held claims' cases
//! (`cases`) and money (`history`), dated from the load. From a fixed seed with ChaCha8 (stable across versions): every start shows the same
//! company. `generate` is pure; `load` writes it through the store. Names and numbers are invented, check digits valid.

pub mod auctions;
pub mod cases;
pub mod compliance;
pub mod decisions;
pub mod history;
pub mod investors;
mod load;
mod names;
pub mod tapes;
pub use load::{LoadOutcome, load};

use chrono::{Months, NaiveDate};
use huajie_core::{
    CollateralType, Company, FiveClass, GuaranteeKind, LitigationStage, Money, PackageStatus, Party, PartyIdentifier,
    PartyStatus, Province, ResidentId, Role, Uscc,
    ids::{City, province_of_address},
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
/// The seed of the demo company. Change it and every number in the demo changes.
pub const SEED: u64 = 2025_0715;
/// The password of every demo user (printed by `huajie demo`).
pub const DEMO_PASSWORD: &str = "huajie-demo-2026";

/// The whole demo company.
#[derive(Debug, Clone)]
pub struct DemoCompany {
    pub company: Company,
    /// Every party; packages and claims refer to them by index.
    pub parties: Vec<Party>,
    pub packages: Vec<DemoPackage>,
    pub collateral: Vec<DemoCollateral>,
    pub users: Vec<DemoUser>,
    /// Whether `load` posts the held packages' money since purchase (`history`); off: a clean ledger.
    pub history: bool,
}

#[derive(Debug, Clone)]
pub struct DemoPackage {
    pub code: String,
    pub name: String,
    /// Index into `parties`.
    pub transferor: usize,
    pub cutoff_date: NaiveDate,
    pub status: PackageStatus,
    pub acquired_on: Option<NaiveDate>,
    pub price: Option<Money>,
    pub claims: Vec<DemoClaim>,
}

#[derive(Debug, Clone)]
pub struct DemoClaim {
    pub contract_no: String,
    /// Index into `parties`.
    pub debtor: usize,
    pub principal: Money,
    pub interest: Money,
    pub penalty: Money,
    pub advanced_costs: Money,
    pub five_class: FiveClass,
    pub litigation_stage: LitigationStage,
    pub default_date: NaiveDate,
    pub limitation_date: Option<NaiveDate>,
    pub province: Province,
    /// 产品类型, as a retail bank names its personal loans (retail batches only).
    pub product: Option<&'static str>,
    pub guarantees: Vec<DemoGuarantee>,
}

#[derive(Debug, Clone)]
pub struct DemoGuarantee {
    /// Index into `parties`.
    pub guarantor: usize,
    pub kind: GuaranteeKind,
    pub cap: Option<Money>,
}

#[derive(Debug, Clone)]
pub struct DemoCollateral {
    pub collateral_type: CollateralType,
    pub description: String,
    pub address: Option<String>,
    pub appraised_value: Money,
    pub appraisal_date: NaiveDate,
    pub lien_rank: u8,
    pub prior_claims: Money,
    /// Index into `parties`.
    pub owner: Option<usize>,
    /// `(package index, claim index)` of every claim it secures.
    pub secures: Vec<(usize, usize)>,
}

#[derive(Debug, Clone)]
pub struct DemoUser {
    pub username: String,
    pub display_name: String,
    pub role: Role,
}

impl DemoCompany {
    pub fn claim_count(&self) -> usize {
        self.packages.iter().map(|p| p.claims.len()).sum()
    }
}

/// How one package is drawn.
struct PackagePlan {
    code: &'static str,
    name: &'static str,
    bank: usize,
    /// How the bank numbers its loan contracts.
    contract_prefix: &'static str,
    cutoff: (i32, u32, u32),
    status: PackageStatus,
    acquired_on: Option<(i32, u32, u32)>,
    /// Price as a share of principal, in per mille.
    price_per_mille: Option<i64>,
    claims: usize,
    /// Share of personal debtors, in per cent.
    personal_pct: u32,
    /// A bank's batch of personal loans (个贷批量): credit cards and consumer loans, mostly
    /// unsecured, some business loans and mortgages; each claim names its product.
    retail: bool,
}

/// The products of a retail batch, each with how often it comes (per cent), its principal
/// range in 万元, and the share (per cent) secured by collateral and by a guarantor.
struct RetailProduct {
    name: &'static str,
    weight: u32,
    principal_wan: (f64, f64),
    collateral_pct: u32,
    guarantor_pct: u32,
}

const RETAIL_PRODUCTS: &[RetailProduct] = &[
    RetailProduct { name: "信用卡", weight: 40, principal_wan: (0.5, 8.0), collateral_pct: 0, guarantor_pct: 0 },
    RetailProduct {
        name: "个人消费贷款",
        weight: 30,
        principal_wan: (1.0, 30.0),
        collateral_pct: 0,
        guarantor_pct: 10,
    },
    RetailProduct {
        name: "个人经营贷款",
        weight: 20,
        principal_wan: (10.0, 160.0),
        collateral_pct: 50,
        guarantor_pct: 40,
    },
    RetailProduct {
        name: "个人住房贷款",
        weight: 10,
        principal_wan: (20.0, 150.0),
        collateral_pct: 100,
        guarantor_pct: 0,
    },
];

const PLANS: &[PackagePlan] = &[
    PackagePlan {
        code: "ZJ-2025-001",
        name: "浙东商业银行2025年第一批对公不良资产包",
        bank: 0,
        contract_prefix: "ZD",
        cutoff: (2025, 3, 31),
        status: PackageStatus::Disposing,
        acquired_on: Some((2025, 6, 20)),
        price_per_mille: Some(312),
        claims: 112,
        personal_pct: 8,
        retail: false,
    },
    PackagePlan {
        code: "ZJ-2025-002",
        name: "钱江农商银行2025年第二批小微不良资产包",
        bank: 1,
        contract_prefix: "QJ",
        cutoff: (2025, 6, 30),
        status: PackageStatus::Acquired,
        acquired_on: Some((2025, 9, 26)),
        price_per_mille: Some(265),
        claims: 101,
        personal_pct: 45,
        retail: false,
    },
    PackagePlan {
        code: "ZJ-2026-001",
        name: "华信银行杭州分行2026年个人不良贷款资产包",
        bank: 2,
        contract_prefix: "HX",
        cutoff: (2026, 9, 30),
        status: PackageStatus::Screening,
        acquired_on: None,
        price_per_mille: None,
        claims: 89,
        personal_pct: 100,
        retail: true,
    },
];

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid literal date")
}

/// Generates the demo company. Pure and deterministic.
pub fn generate() -> DemoCompany {
    let mut g = Gen { rng: ChaCha8Rng::seed_from_u64(SEED), parties: Vec::new(), used_ids: Default::default() };
    let company = Company {
        name: "浙江明湖资产管理有限公司".into(),
        uscc: g.uscc("330000"),
        province: Province::from_code("33").expect("Zhejiang"),
        licence_no: "浙金管〔2014〕58号".into(),
        licensed_on: ymd(2014, 9, 18),
    };
    let banks = [
        ("浙东商业银行股份有限公司", "330200", "宁波市鄞州区民安东路168号"),
        ("钱江农村商业银行股份有限公司", "330100", "杭州市上城区钱江路639号"),
        ("华信银行股份有限公司杭州分行", "330100", "杭州市西湖区文三路258号"),
    ];
    let bank_ids: Vec<usize> = banks
        .iter()
        .map(|(name, region, address)| {
            let uscc = g.uscc(region);
            g.push(Party {
                name: (*name).into(),
                identity: PartyIdentifier::Uscc(uscc).into(),
                status: PartyStatus::Active,
                address: Some((*address).into()),
                phone: None,
            })
        })
        .collect();
    let mut packages = Vec::new();
    let mut collateral = Vec::new();
    for (pi, plan) in PLANS.iter().enumerate() {
        let cutoff = ymd(plan.cutoff.0, plan.cutoff.1, plan.cutoff.2);
        let mut claims = Vec::with_capacity(plan.claims);
        let mut principal_sum = Money::ZERO;
        while claims.len() < plan.claims {
            let personal = g.rng.random_range(0..100) < plan.personal_pct;
            let debtor = if personal { g.person(true) } else { g.corporation() };
            // One borrower on several contracts, now and then.
            let contracts = if !personal && g.rng.random_range(0..100) < 18 { 2 } else { 1 };
            let first_claim = claims.len();
            for _ in 0..contracts.min(plan.claims - claims.len()) {
                let claim = g.claim(plan, cutoff, debtor, personal, claims.len());
                principal_sum = principal_sum.checked_add(claim.principal).expect("demo sums fit");
                claims.push(claim);
            }
            let secured: Vec<(usize, usize)> = (first_claim..claims.len()).map(|ci| (pi, ci)).collect();
            if plan.retail {
                g.retail_securities(&mut claims, &mut collateral, &secured, debtor, cutoff);
            } else {
                g.securities(&mut claims, &mut collateral, &secured, debtor, personal, cutoff);
            }
        }
        packages.push(DemoPackage {
            code: plan.code.into(),
            name: plan.name.into(),
            transferor: bank_ids[plan.bank],
            cutoff_date: cutoff,
            status: plan.status,
            acquired_on: plan.acquired_on.map(|(y, m, d)| ymd(y, m, d)),
            price: plan.price_per_mille.map(|pm| Money::from_fen(principal_sum.fen() / 1000 * pm)),
            claims,
        });
    }
    // Banks often leave a natural-person guarantor's ID number empty: the first one of the
    // first package is named so on its tape, and is taken in by name (W116, 证件号缺失).
    // Chosen after the drawing, so that nothing else the seed draws changes.
    let mut parties = g.parties;
    let unnamed = packages[0]
        .claims
        .iter()
        .flat_map(|c| &c.guarantees)
        .map(|x| x.guarantor)
        .find(|&i| parties[i].kind() == huajie_core::PartyKind::Individual);
    if let Some(i) = unnamed {
        parties[i].identity =
            huajie_core::Identity::Unverified { kind: huajie_core::PartyKind::Individual, id_as_written: None };
    }
    let users = Role::ALL
        .iter()
        .zip(names::STAFF_NAMES)
        .map(|(role, name)| DemoUser { username: role.code().into(), display_name: (*name).into(), role: *role })
        .collect();
    DemoCompany { company, parties, packages, collateral, users, history: true }
}

struct Gen {
    rng: ChaCha8Rng,
    parties: Vec<Party>,
    used_ids: std::collections::HashSet<String>,
}

impl Gen {
    fn push(&mut self, p: Party) -> usize {
        self.parties.push(p);
        self.parties.len() - 1
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.rng.random_range(0..items.len())]
    }

    /// A USCC registered in `region` (six digits), unique within the demo: eight random
    /// characters of an organisation code, its GB 11714 check character, the code's own.
    fn uscc(&mut self, region: &str) -> Uscc {
        loop {
            let org: String =
                (0..8).map(|_| char::from(b"0123456789ABCDEFGHJKLMNPQRTUWXY"[self.rng.random_range(0..31)])).collect();
            let u = Uscc::with_check_chars(&format!("91{region}{org}")).expect("generated from the alphabet");
            if self.used_ids.insert(u.as_str().to_string()) {
                return u;
            }
        }
    }

    /// A city: mostly in Zhejiang, one in twelve elsewhere in the Yangtze delta.
    fn city(&mut self) -> City {
        if self.rng.random_range(0..12) == 0 {
            let code = *self.pick(names::OUTSIDE_CITIES);
            City::from_code(code).expect("city in table")
        } else {
            let code = *self.pick(names::ZHEJIANG_CITIES);
            City::from_code(code).expect("city in table")
        }
    }

    /// An address in the city: `杭州市西湖区文三路88号`.
    fn address(&mut self, city: City) -> String {
        let counties = city.county_codes();
        let county = counties[self.rng.random_range(0..counties.len())];
        let road = *self.pick(names::ROADS);
        let city_name = city.name_zh();
        let county_name = county.county_name().expect("current code");
        let n = self.rng.random_range(1..600);
        format!("{city_name}{county_name}{road}{n}号")
    }

    fn person(&mut self, debtor: bool) -> usize {
        let city = self.city();
        let counties = city.county_codes();
        let county = counties[self.rng.random_range(0..counties.len())];
        let birth =
            ymd(self.rng.random_range(1958..1998), self.rng.random_range(1..=12), self.rng.random_range(1..=28));
        let id = loop {
            let seq = self.rng.random_range(0..1000);
            let first17 = format!("{}{}{seq:03}", county.code(), birth.format("%Y%m%d"));
            let id = ResidentId::with_check_char(&first17).expect("generated digits");
            if self.used_ids.insert(id.as_str().to_string()) {
                break id;
            }
        };
        let name = format!("{}{}", self.pick(names::SURNAMES), self.pick(names::GIVEN_NAMES));
        let status =
            if debtor && self.rng.random_range(0..100) < 22 { PartyStatus::Dishonest } else { PartyStatus::Active };
        let phone =
            format!("1{}{:09}", self.pick(&["3", "5", "7", "8", "9"]), self.rng.random_range(0..1_000_000_000u32));
        let address = self.address(city);
        self.push(Party {
            name,
            identity: PartyIdentifier::ResidentId(id).into(),
            status,
            address: Some(address),
            phone: Some(phone),
        })
    }

    fn corporation(&mut self) -> usize {
        let city = self.city();
        let counties = city.county_codes();
        let county = counties[self.rng.random_range(0..counties.len())];
        let uscc = self.uscc(&county.code());
        let short = city.name_zh().trim_end_matches('市');
        let name = format!("{short}{}{}有限公司", self.pick(names::BRANDS), self.pick(names::INDUSTRIES));
        let status = *self.pick(&[
            PartyStatus::Active,
            PartyStatus::Active,
            PartyStatus::Active,
            PartyStatus::Revoked,
            PartyStatus::Bankrupt,
            PartyStatus::Dishonest,
        ]);
        let address = self.address(city);
        self.push(Party {
            name,
            identity: PartyIdentifier::Uscc(uscc).into(),
            status,
            address: Some(address),
            phone: None,
        })
    }

    /// Amount in fen, log-uniform between two amounts in 万元, with yuan and fen.
    fn amount_wan(&mut self, low_wan: f64, high_wan: f64) -> Money {
        let wan = (low_wan.ln() + self.rng.random::<f64>() * (high_wan.ln() - low_wan.ln())).exp();
        Money::from_fen((wan * 1_000_000.0) as i64 + self.rng.random_range(0..10_000))
    }

    fn claim(
        &mut self,
        plan: &PackagePlan,
        cutoff: NaiveDate,
        debtor: usize,
        personal: bool,
        index: usize,
    ) -> DemoClaim {
        let product = (plan.retail && personal).then(|| self.retail_product());
        let principal = match product {
            Some(p) => self.amount_wan(p.principal_wan.0, p.principal_wan.1),
            None if personal => self.amount_wan(3.0, 160.0),
            None => self.amount_wan(60.0, 6_000.0),
        };
        let default_date = cutoff - chrono::Days::new(self.rng.random_range(120..1_900));
        let years = (cutoff - default_date).num_days() as f64 / 365.0;
        let rate = self.rng.random_range(0.043..0.075);
        let interest = Money::from_fen((principal.fen() as f64 * rate * years) as i64);
        let penalty = Money::from_fen((interest.fen() as f64 * self.rng.random_range(0.0..0.45)) as i64);
        let stage = *self.pick(&[
            LitigationStage::NotSued,
            LitigationStage::NotSued,
            LitigationStage::Filed,
            LitigationStage::Judged,
            LitigationStage::Enforcing,
            LitigationStage::Enforcing,
            LitigationStage::Terminated,
            if personal { LitigationStage::NotSued } else { LitigationStage::Bankruptcy },
        ]);
        let advanced_costs = match stage {
            LitigationStage::NotSued => Money::ZERO,
            _ => Money::from_fen(self.rng.random_range(80_000..6_000_000)),
        };
        let five_class = match self.rng.random_range(0..100) {
            0..=2 => FiveClass::SpecialMention,
            3..=30 => FiveClass::Substandard,
            31..=75 => FiveClass::Doubtful,
            _ => FiveClass::Loss,
        };
        // Limitation (诉讼时效): three years from the bank's last demand. On acquisition the
        // AMC publishes a transfer-and-demand notice, which interrupts a period still
        // running; one that had already lapsed stays lapsed. A judgment gives two years
        // to apply for enforcement (执行时效); claims in enforcement or bankruptcy have none.
        let limitation_date = match stage {
            LitigationStage::NotSued => {
                let last_demand = cutoff - chrono::Days::new(self.rng.random_range(60..1_000));
                let lapses = last_demand.checked_add_months(Months::new(36)).expect("date in range");
                match plan.acquired_on.map(|(y, m, d)| ymd(y, m, d)) {
                    Some(acquired) if lapses >= acquired => acquired.checked_add_months(Months::new(36)),
                    _ => Some(lapses),
                }
            }
            LitigationStage::Judged => {
                let judged = cutoff - chrono::Days::new(self.rng.random_range(30..500));
                judged.checked_add_months(Months::new(24))
            }
            _ => None,
        };
        let debtor_province = self.parties[debtor].province();
        let bank_year = plan.cutoff.0 - self.rng.random_range(2..7);
        let prefix = plan.contract_prefix;
        DemoClaim {
            contract_no: format!(
                "{prefix}{}{}-{:05}",
                bank_year,
                if personal { "GR" } else { "GS" },
                index * 7 + 10_031
            ),
            debtor,
            principal,
            interest,
            penalty,
            advanced_costs,
            five_class,
            litigation_stage: stage,
            default_date,
            limitation_date,
            province: debtor_province.expect("demo debtors have addresses in a province"),
            product: product.map(|p| p.name),
            guarantees: Vec::new(),
        }
    }

    /// A product of a retail batch, drawn by weight.
    fn retail_product(&mut self) -> &'static RetailProduct {
        let mut roll = self.rng.random_range(0..RETAIL_PRODUCTS.iter().map(|p| p.weight).sum::<u32>());
        for p in RETAIL_PRODUCTS {
            if roll < p.weight {
                return p;
            }
            roll -= p.weight;
        }
        &RETAIL_PRODUCTS[0]
    }

    /// Collateral and guarantors for a borrower's claims in a retail batch, as its product
    /// has them: a mortgage for a home loan, often a shop or flat and a guarantor for a
    /// business loan, now and then a guarantor for a consumer loan, nothing for a card.
    fn retail_securities(
        &mut self,
        claims: &mut [DemoClaim],
        collateral: &mut Vec<DemoCollateral>,
        secured: &[(usize, usize)],
        debtor: usize,
        cutoff: NaiveDate,
    ) {
        let Some(product) = claims[secured[0].1].product.and_then(|n| RETAIL_PRODUCTS.iter().find(|p| p.name == n))
        else {
            return;
        };
        let principal: i64 = secured.iter().map(|(_, ci)| claims[*ci].principal.fen()).sum();
        if self.rng.random_range(0..100) < product.collateral_pct {
            let kind = if product.name == "个人住房贷款" {
                CollateralType::Residential
            } else {
                *self.pick(&[CollateralType::Residential, CollateralType::Commercial, CollateralType::Vehicle])
            };
            let value = Money::from_fen((principal as f64 * self.rng.random_range(0.6..1.8)) as i64 / 100 * 100);
            let city = self.city();
            let address = self.address(city);
            let description = self.collateral_description(kind, debtor);
            collateral.push(DemoCollateral {
                collateral_type: kind,
                description,
                address: Some(address),
                appraised_value: value,
                appraisal_date: cutoff - chrono::Days::new(self.rng.random_range(30..1_100)),
                lien_rank: 1,
                prior_claims: Money::ZERO,
                owner: Some(debtor),
                secures: secured.to_vec(),
            });
        }
        if self.rng.random_range(0..100) < product.guarantor_pct {
            let guarantor = self.person(false);
            let kind = GuaranteeKind::JointLiability;
            for (_, ci) in secured {
                claims[*ci].guarantees.push(DemoGuarantee { guarantor, kind, cap: None });
            }
        }
    }

    /// Collateral and guarantors for the claims of one borrower.
    fn securities(
        &mut self,
        claims: &mut [DemoClaim],
        collateral: &mut Vec<DemoCollateral>,
        secured: &[(usize, usize)],
        debtor: usize,
        personal: bool,
        cutoff: NaiveDate,
    ) {
        let principal: i64 = secured.iter().map(|(_, ci)| claims[*ci].principal.fen()).sum();
        let roll = self.rng.random_range(0..100);
        // 0–64: collateral; 40–89: guarantors; so some have both and some (credit loans) neither.
        if roll < 65 {
            let items = if !personal && self.rng.random_range(0..100) < 30 { 2 } else { 1 };
            for _ in 0..items {
                let kind = if personal {
                    *self.pick(&[
                        CollateralType::Residential,
                        CollateralType::Residential,
                        CollateralType::Vehicle,
                        CollateralType::Commercial,
                    ])
                } else {
                    *self.pick(&[
                        CollateralType::Industrial,
                        CollateralType::Industrial,
                        CollateralType::Commercial,
                        CollateralType::Residential,
                        CollateralType::Land,
                        CollateralType::UnderConstruction,
                        CollateralType::Equipment,
                        CollateralType::Equity,
                        CollateralType::Receivable,
                    ])
                };
                let ratio = self.rng.random_range(0.25..1.6) / items as f64;
                let value = Money::from_fen((principal as f64 * ratio) as i64 / 100 * 100);
                let lien_rank = if self.rng.random_range(0..100) < 15 { 2 } else { 1 };
                let prior_claims = if lien_rank > 1 {
                    Money::from_fen(value.fen() / 100 * self.rng.random_range(20..60))
                } else {
                    Money::ZERO
                };
                let city = self.city();
                let address = match kind {
                    CollateralType::Equity | CollateralType::Receivable => None,
                    _ => Some(self.address(city)),
                };
                let description = self.collateral_description(kind, debtor);
                collateral.push(DemoCollateral {
                    collateral_type: kind,
                    description,
                    address,
                    appraised_value: value,
                    appraisal_date: cutoff - chrono::Days::new(self.rng.random_range(30..1_100)),
                    lien_rank,
                    prior_claims,
                    owner: Some(debtor),
                    secures: secured.to_vec(),
                });
            }
        }
        if (40..90).contains(&roll) {
            let count = self.rng.random_range(1..=2);
            for _ in 0..count {
                let guarantor = if personal || self.rng.random_range(0..100) < 60 {
                    self.person(false)
                } else {
                    self.corporation()
                };
                let kind = if self.rng.random_range(0..100) < 85 {
                    GuaranteeKind::JointLiability
                } else {
                    GuaranteeKind::General
                };
                let cap = (self.rng.random_range(0..100) < 35)
                    .then(|| Money::from_fen(principal / 100 * self.rng.random_range(30..100)));
                for (_, ci) in secured {
                    claims[*ci].guarantees.push(DemoGuarantee { guarantor, kind, cap });
                }
            }
        }
    }

    fn collateral_description(&mut self, kind: CollateralType, debtor: usize) -> String {
        let area = self.rng.random_range(60..4_000);
        match kind {
            CollateralType::Residential => format!("住宅一套，建筑面积{}平方米", self.rng.random_range(60..240)),
            CollateralType::Commercial => format!("商铺，建筑面积{}平方米", self.rng.random_range(40..1_200)),
            CollateralType::Industrial => format!("工业厂房及配套用房，建筑面积{area}平方米"),
            CollateralType::Land => format!("国有建设用地使用权（工业），面积{}平方米", area * 3),
            CollateralType::UnderConstruction => format!("在建商住楼，规划建筑面积{}平方米", area * 5),
            CollateralType::Vehicle => {
                format!("{}小型轿车一辆", self.pick(&["大众", "丰田", "别克", "比亚迪", "吉利"]))
            }
            CollateralType::Equipment => format!("生产设备{}台（套）", self.rng.random_range(5..80)),
            CollateralType::Equity => {
                format!("{}持有的子公司股权{}%", self.parties[debtor].name, self.rng.random_range(20..100))
            }
            CollateralType::Receivable => format!("{}对下游客户的应收账款", self.parties[debtor].name),
            CollateralType::Other => "其他财产".into(),
        }
    }
}

/// The province of a demo collateral item, resolved from its address like any other.
pub fn collateral_province(c: &DemoCollateral) -> Option<Province> {
    c.address.as_deref().and_then(province_of_address)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_is_the_same_every_time() {
        let a = generate();
        let b = generate();
        assert_eq!(format!("{:?}", a.packages[1].claims[7]), format!("{:?}", b.packages[1].claims[7]));
        assert_eq!(a.parties.len(), b.parties.len());
    }

    #[test]
    fn the_demo_looks_like_a_provincial_amc() {
        let d = generate();
        assert_eq!(d.packages.len(), 3);
        let claims = d.claim_count();
        assert!((280..=320).contains(&claims), "{claims} claims");
        let transferors: std::collections::HashSet<usize> = d.packages.iter().map(|p| p.transferor).collect();
        assert_eq!(transferors.len(), 3, "three different banks");
        // Collateral across many types, mostly in Zhejiang but some outside it.
        let types: std::collections::HashSet<_> = d.collateral.iter().map(|c| c.collateral_type).collect();
        assert!(types.len() >= 7, "{types:?}");
        let provinces: Vec<_> = d.collateral.iter().filter_map(collateral_province).collect();
        let outside = provinces.iter().filter(|p| p.code() != "33").count();
        assert!(outside >= 3 && outside * 4 < provinces.len(), "{outside} of {} outside", provinces.len());
        // Personal and corporate debtors, guarantors, collateral securing several claims.
        let debtors: Vec<&Party> = d.packages.iter().flat_map(|p| &p.claims).map(|c| &d.parties[c.debtor]).collect();
        assert!(debtors.iter().any(|p| p.kind() == huajie_core::PartyKind::Individual));
        assert!(debtors.iter().any(|p| p.kind() == huajie_core::PartyKind::Corporate));
        assert!(d.packages.iter().flat_map(|p| &p.claims).any(|c| !c.guarantees.is_empty()));
        assert!(d.collateral.iter().any(|c| c.secures.len() > 1));
        // Every party identifier is unique; one natural-person guarantor has none (its bank left it empty).
        let ids: std::collections::HashSet<&str> = d.parties.iter().filter_map(|p| p.identity.id_text()).collect();
        assert_eq!(ids.len(), d.parties.len() - 1);
        let unnamed: Vec<&Party> = d.parties.iter().filter(|p| p.identifier().is_none()).collect();
        assert_eq!(unnamed.len(), 1);
        assert_eq!(unnamed[0].identity.flaw(), Some(huajie_core::IdFlaw::Missing));
        assert_eq!(unnamed[0].kind(), huajie_core::PartyKind::Individual);
        assert_eq!(d.users.len(), Role::ALL.len());
    }
}
