//! Writing the demo company into a store: one transaction, all or nothing, audited.

use chrono::NaiveDate;
use huajie_core::PackageStatus;
use huajie_core::audit::sha256_hex;
use huajie_store::{ImportOutcome, NewUser, PackageTarget, Store, StoreError};
use huajie_tape::{ImportPolicy, MappingProfile, SheetOptions, TapeRead};

use crate::DemoCompany;
use crate::auctions::timeline::{Past, Timeline, beijing};
use crate::tapes::SHIPPED;

/// What `load` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadOutcome {
    Loaded {
        parties: usize,
        claims: usize,
        collateral: usize,
        users: usize,
    },
    /// The store already holds a company; nothing was written.
    AlreadyLoaded,
}

/// Loads the demo company unless the store already has one, in one transaction: the
/// company, then each package from its shipped tape through the tape importer (its bank
/// as transferor), then where each package stands (bought, at what price), then the users.
/// `hash_password` (the web layer's argon2) hashes each demo user's password, each with
/// its own salt.
pub async fn load(
    store: &Store,
    demo: &DemoCompany,
    hash_password: impl Fn(&str) -> String,
) -> Result<LoadOutcome, StoreError> {
    if store.company().await?.is_some() {
        return Ok(LoadOutcome::AlreadyLoaded);
    }
    let mut tx = store.write("system").await?;
    tx.set_company(&demo.company).await?;
    let (mut parties, mut collateral) = (demo.packages.len(), 0);
    for (p, (file_name, bytes)) in demo.packages.iter().zip(SHIPPED) {
        let read = read_tape(file_name, bytes, store.clock().today())?;
        let target = PackageTarget::New {
            code: p.code.clone(),
            name: p.name.clone(),
            transferor: demo.parties[p.transferor].clone(),
        };
        let mut tape = store.tape_load_in(tx, target, ImportPolicy::Strict).await?;
        tape.add(read.cutoff_date, &read.claims).await?;
        let (back, outcome) = tape.finish_in(file_name, &sha256_hex(bytes), &read).await?;
        tx = back;
        let ImportOutcome::Loaded { import, counts, .. } = outcome else {
            return Err(StoreError::Corrupt(format!("the demo tape {file_name} has rejected rows")));
        };
        parties += counts.parties_created;
        collateral += counts.collateral;
        // The package walks its life cycle to where the demo shows it, one step at a time.
        if let (Some(on), Some(price)) = (p.acquired_on, p.price) {
            tx.transition_package(import.package_id, PackageStatus::Acquired, Some((on, price))).await?;
        }
        if p.status == PackageStatus::Disposing {
            tx.transition_package(import.package_id, PackageStatus::Disposing, None).await?;
        }
    }
    for u in &demo.users {
        tx.insert_user(&NewUser {
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            role: u.role,
            password_hash: hash_password(crate::DEMO_PASSWORD),
        })
        .await?;
    }
    // A second risk officer, who approves the first one's overrides (four eyes, issue 16).
    crate::compliance::second_risk_officer(&mut tx, &hash_password).await?;
    tx.ensure_default_assumption_set().await?;
    tx.commit().await?;
    value_packages(store).await?;
    crate::compliance::load(store).await?;
    // The portal's story happens in the weeks before now: the investors register, the
    // committee meets, its announcements run their period, one auction closes, one is live.
    let timeline = Timeline::of(store).await?;
    let past = Past::new(store);
    let registered = beijing(timeline.meeting, 10, 0) - chrono::Duration::days(12);
    let investors = crate::investors::load(past.at(registered), &hash_password).await?;
    let auctioned = crate::decisions::load(store, &past, &timeline, &hash_password).await?;
    crate::auctions::load(&past, &timeline, auctioned).await?;
    let cases = crate::cases::load(&past, &timeline).await?;
    if demo.history {
        crate::history::load(&past, &timeline, &cases).await?;
    }
    crate::compliance::record_quarter_ends(store).await?;
    let users = demo.users.len() + 1 + crate::decisions::EXTRA_MEMBERS.len() + investors;
    Ok(LoadOutcome::Loaded { parties, claims: demo.claim_count(), collateral, users })
}

/// The demo's valuer prices every package at its tape's cut-off (HV-1 defaults, 15% target
/// IRR, 1,000 scenarios), revalues each package the company holds as of today at what it
/// cost, and keeps a more cautious copy of the defaults as a second set; the risk team
/// reviews the first run. Each run is its own
/// transaction, after the company is loaded.
async fn value_packages(store: &Store) -> Result<(), StoreError> {
    let default = store.default_assumption_set().await?;
    let mut cautious = default.assumptions.clone();
    cautious.ladder.market_value = 0.9;
    cautious.legal_costs = 0.10;
    let mut tx = store.write(VALUER).await?;
    tx.save_assumption_set("审慎参数", Some(default.id), &cautious, "市场价值系数 0.9，律师费 10%").await?;
    tx.commit().await?;
    for summary in store.packages().await? {
        let package = &summary.package.data;
        let options = huajie_value::Options { scenarios: 1_000, ..huajie_value::Options::default() };
        let req = huajie_store::ValuationRequest {
            package_id: summary.package.id,
            assumption_set_id: Some(default.id),
            valuation_date: Some(package.cutoff_date),
            options: options.clone(),
        };
        store.value_package(VALUER, &req, true).await?;
        if let (true, Some(cost)) = (package.is_held(), package.price) {
            let today = huajie_store::ValuationRequest {
                valuation_date: None,
                options: huajie_value::Options { price: Some(cost.fen() as f64 / 100.0), ..options },
                ..req
            };
            store.value_package(VALUER, &today, true).await?;
        }
    }
    // A second person, the risk team, reviews the first run (issue 16): its reports read 已复核.
    let first = store.packages().await?.into_iter().next().map(|p| p.package.id);
    let runs = match first {
        Some(id) => store.valuation_runs(id).await?,
        None => Vec::new(),
    };
    if let Some(run) = runs.iter().min_by_key(|r| r.id) {
        store.review_valuation_run(REVIEWER, run.id).await?;
    }
    Ok(())
}

/// The demo user who reviews the first run.
const REVIEWER: &str = "risk";

/// The demo user who values the packages.
const VALUER: &str = "valuer";

/// Reads a shipped tape, the cut-off date from its title rows.
pub(crate) fn read_tape(file_name: &str, bytes: &[u8], today: NaiveDate) -> Result<TapeRead, StoreError> {
    let bad = |why: String| StoreError::Corrupt(format!("the demo tape {file_name}: {why}"));
    let options = SheetOptions { cutoff_date: None, today, personal_batch: false };
    let (_, read) =
        huajie_tape::read_tape(file_name, bytes, || Ok(bytes.to_vec()), options, &MappingProfile::default())
            .map_err(|e| bad(e.to_string()))?;
    read.map_err(|problems| {
        bad(problems.iter().map(|p| p.message(huajie_core::Lang::En)).collect::<Vec<_>>().join("; "))
    })
}
