//! From checked tape rows to what will be written: each party once (one borrower on
//! several rows is one debtor), each claim with its debtor, each collateral item once
//! (the same item on several rows of one borrower secures all those claims), each
//! guarantee. Pure: the store carries the plan out in one transaction.

use std::collections::HashMap;

use huajie_core::{Claim, Collateral, GuaranteeKind, Money, Party, PartyStatus};

use crate::problem::{Problem, Rule};
use crate::read::TapeRead;
use crate::sheet::{TapeCollateral, TapeGuarantor};

/// A claim to write; `package_id` and `debtor_id` are filled in by the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedClaim {
    pub row: usize,
    /// Index into `LoadPlan::parties`.
    pub debtor: usize,
    pub claim: Claim,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedCollateral {
    /// `owner_id` is filled in by the store.
    pub collateral: Collateral,
    /// Index into `LoadPlan::parties`.
    pub owner: usize,
    /// Indices into `LoadPlan::claims`.
    pub secures: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedGuarantee {
    /// Index into `LoadPlan::claims`.
    pub claim: usize,
    /// Index into `LoadPlan::parties`.
    pub guarantor: usize,
    pub kind: Option<GuaranteeKind>,
    pub cap: Option<Money>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoadPlan {
    pub parties: Vec<Party>,
    pub claims: Vec<PlannedClaim>,
    pub collateral: Vec<PlannedCollateral>,
    pub guarantees: Vec<PlannedGuarantee>,
    /// What could not be carried into the plan (a guarantor without an ID number).
    pub problems: Vec<Problem>,
}

impl LoadPlan {
    /// The part of the plan about the given contracts only: their claims, the parties,
    /// collateral and guarantees they need. Collateral securing none of them is left out.
    pub fn only(&self, contracts: &std::collections::HashSet<String>) -> LoadPlan {
        let kept: Vec<usize> = (0..self.claims.len()).filter(|i| contracts.contains(&self.claims[*i].claim.contract_no)).collect();
        let claim_map: HashMap<usize, usize> = kept.iter().enumerate().map(|(new, old)| (*old, new)).collect();
        let mut party_map: HashMap<usize, usize> = HashMap::new();
        let mut out = LoadPlan { problems: self.problems.clone(), ..Default::default() };
        let mut party = |out: &mut LoadPlan, old: usize| -> usize {
            *party_map.entry(old).or_insert_with(|| {
                out.parties.push(self.parties[old].clone());
                out.parties.len() - 1
            })
        };
        for old in &kept {
            let c = &self.claims[*old];
            let debtor = party(&mut out, c.debtor);
            out.claims.push(PlannedClaim { row: c.row, debtor, claim: c.claim.clone() });
        }
        for m in &self.collateral {
            let secures: Vec<usize> = m.secures.iter().filter_map(|i| claim_map.get(i).copied()).collect();
            if !secures.is_empty() {
                let owner = party(&mut out, m.owner);
                out.collateral.push(PlannedCollateral { collateral: m.collateral.clone(), owner, secures });
            }
        }
        for g in &self.guarantees {
            if let Some(&claim) = claim_map.get(&g.claim) {
                let guarantor = party(&mut out, g.guarantor);
                out.guarantees.push(PlannedGuarantee { claim, guarantor, kind: g.kind, cap: g.cap });
            }
        }
        out
    }
}

/// Plans the load of a checked tape: its claims, the collateral and guarantors on their
/// rows, and those of linked sheets.
pub fn plan(read: &TapeRead) -> LoadPlan {
    let claims = &read.claims;
    let mut p = LoadPlan::default();
    let mut party_index: HashMap<String, usize> = HashMap::new();
    let mut collateral_index: HashMap<(usize, String), usize> = HashMap::new();
    let mut party = |p: &mut LoadPlan, party: Party| -> usize {
        *party_index.entry(party.identifier.as_str().to_string()).or_insert_with(|| {
            p.parties.push(party);
            p.parties.len() - 1
        })
    };
    for tc in claims {
        let debtor = party(
            &mut p,
            Party { name: tc.debtor_name.clone(), identifier: tc.debtor_id.clone(), status: PartyStatus::Active, address: None, phone: tc.phone.clone() },
        );
        let claim_index = p.claims.len();
        p.claims.push(PlannedClaim {
            row: tc.row,
            debtor,
            claim: Claim {
                package_id: 0,
                contract_no: tc.contract_no.clone(),
                debtor_id: 0,
                principal: tc.principal,
                interest: tc.interest,
                penalty: tc.penalty,
                advanced_costs: Money::ZERO,
                five_class: tc.five_class,
                litigation_stage: tc.litigation_stage,
                default_date: tc.default_date,
                limitation_date: tc.limitation_date,
                province: tc.region,
            },
        });
        if let Some(m) = &tc.collateral {
            let key = (debtor, format!("{}|{}|{}", m.collateral_type.code(), m.address.as_deref().unwrap_or(""), m.appraised_value.fen()));
            match collateral_index.get(&key) {
                Some(&i) => p.collateral[i].secures.push(claim_index),
                None => {
                    collateral_index.insert(key, p.collateral.len());
                    p.collateral.push(planned_collateral(m, debtor, vec![claim_index]));
                }
            }
        }
        for g in &tc.guarantors {
            let Some(identifier) = g.identifier.clone() else {
                p.problems.push(guarantor_without_id(g, tc.row, None));
                continue;
            };
            let guarantor = party(&mut p, Party { name: g.name.clone(), identifier, status: PartyStatus::Active, address: None, phone: None });
            // The tape does not say which kind of guarantee: left unknown, not guessed.
            p.guarantees.push(PlannedGuarantee { claim: claim_index, guarantor, kind: None, cap: g.cap });
        }
    }
    let claim_of: HashMap<String, usize> = p.claims.iter().enumerate().map(|(i, c)| (c.claim.contract_no.clone(), i)).collect();
    for linked in &read.linked_collateral {
        let secures: Vec<usize> = linked.contracts.iter().filter_map(|c| claim_of.get(c).copied()).collect();
        let Some(&first) = secures.first() else { continue };
        let owner = p.claims[first].debtor;
        p.collateral.push(planned_collateral(&linked.item, owner, secures));
    }
    for linked in &read.linked_guarantors {
        let Some(identifier) = linked.guarantor.identifier.clone() else {
            p.problems.push(guarantor_without_id(&linked.guarantor, linked.row, Some(linked.sheet.clone())));
            continue;
        };
        let guarantor = party(&mut p, Party { name: linked.guarantor.name.clone(), identifier, status: PartyStatus::Active, address: None, phone: None });
        for c in &linked.contracts {
            if let Some(&claim) = claim_of.get(c) {
                p.guarantees.push(PlannedGuarantee { claim, guarantor, kind: None, cap: linked.guarantor.cap });
            }
        }
    }
    p
}

fn planned_collateral(m: &TapeCollateral, owner: usize, secures: Vec<usize>) -> PlannedCollateral {
    PlannedCollateral {
        collateral: Collateral {
            collateral_type: m.collateral_type,
            description: m.collateral_type.zh().to_string(),
            address: m.address.clone(),
            province: m.province,
            appraised_value: m.appraised_value,
            appraisal_date: m.appraisal_date,
            lien_rank: m.lien_rank.unwrap_or(1),
            prior_claims: m.prior_claims.unwrap_or(Money::ZERO),
            owner_id: None,
        },
        owner,
        secures,
    }
}

fn guarantor_without_id(g: &TapeGuarantor, row: usize, sheet: Option<String>) -> Problem {
    Problem {
        rule: Rule::GuarantorWithoutId,
        sheet,
        row: Some(row),
        column: None,
        header: None,
        field: Some(crate::fields::Field::GuarantorId),
        value: Some(g.name.clone()),
        detail_zh: format!("保证人“{}”没有有效证件号码，未载入", g.name),
        detail_en: format!("the guarantor “{}” has no valid ID number and was not loaded", g.name),
    }
}
