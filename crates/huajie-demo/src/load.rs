//! Writing the demo company into a store: one transaction, all or nothing, audited.

use huajie_core::{Claim, Collateral, Guarantee, Package};
use huajie_store::{NewUser, Store, StoreError};

use crate::{DemoCompany, collateral_province};

/// What `load` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadOutcome {
    Loaded { parties: usize, claims: usize, collateral: usize, users: usize },
    /// The store already holds a company; nothing was written.
    AlreadyLoaded,
}

/// Loads the demo company unless the store already has one. `hash_password` (the web
/// layer's argon2) hashes each demo user's password, each with its own salt.
pub async fn load(store: &Store, demo: &DemoCompany, hash_password: impl Fn(&str) -> String) -> Result<LoadOutcome, StoreError> {
    if store.company().await?.is_some() {
        return Ok(LoadOutcome::AlreadyLoaded);
    }
    let mut tx = store.write("system").await?;
    tx.set_company(&demo.company).await?;
    let mut party_ids = Vec::with_capacity(demo.parties.len());
    for p in &demo.parties {
        party_ids.push(tx.insert_party(p).await?);
    }
    let mut claim_ids: Vec<Vec<i64>> = Vec::new();
    for p in &demo.packages {
        let package_id = tx
            .insert_package(&Package {
                code: p.code.clone(),
                name: p.name.clone(),
                transferor_id: party_ids[p.transferor],
                cutoff_date: p.cutoff_date,
                status: p.status,
                acquired_on: p.acquired_on,
                price: p.price,
            })
            .await?;
        let mut ids = Vec::with_capacity(p.claims.len());
        for c in &p.claims {
            let claim_id = tx
                .insert_claim(&Claim {
                    package_id,
                    contract_no: c.contract_no.clone(),
                    debtor_id: party_ids[c.debtor],
                    principal: c.principal,
                    interest: c.interest,
                    penalty: c.penalty,
                    advanced_costs: c.advanced_costs,
                    five_class: Some(c.five_class),
                    litigation_stage: Some(c.litigation_stage),
                    default_date: Some(c.default_date),
                    limitation_date: c.limitation_date,
                    province: Some(c.province),
                })
                .await?;
            for g in &c.guarantees {
                tx.insert_guarantee(&Guarantee { claim_id, guarantor_id: party_ids[g.guarantor], kind: Some(g.kind), cap: g.cap }).await?;
            }
            ids.push(claim_id);
        }
        claim_ids.push(ids);
    }
    for c in &demo.collateral {
        let secured: Vec<i64> = c.secures.iter().map(|(pi, ci)| claim_ids[*pi][*ci]).collect();
        let item = Collateral {
            collateral_type: c.collateral_type,
            description: c.description.clone(),
            address: c.address.clone(),
            province: collateral_province(c),
            appraised_value: c.appraised_value,
            appraisal_date: Some(c.appraisal_date),
            lien_rank: c.lien_rank,
            prior_claims: c.prior_claims,
            owner_id: c.owner.map(|o| party_ids[o]),
        };
        tx.insert_collateral(&item, &secured).await?;
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
    tx.commit().await?;
    Ok(LoadOutcome::Loaded {
        parties: demo.parties.len(),
        claims: demo.claim_count(),
        collateral: demo.collateral.len(),
        users: demo.users.len(),
    })
}
