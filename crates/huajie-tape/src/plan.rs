//! From checked tape rows to what will be written: each party once (one borrower on
//! several rows is one debtor), each claim with its debtor, each collateral item once
//! (the same item on several rows of one borrower secures all those claims), each
//! guarantee. Pure: the store carries the plan out in one transaction.

use huajie_core::{Claim, Collateral, GuaranteeKind, Identity, Money, Party, PartyStatus};

use crate::linked::{LinkedCollateral, LinkedGuarantor};
use crate::read::TapeRead;
use crate::sheet::{TapeClaim, TapeCollateral, TapeGuarantor};

/// A claim to write; `package_id` and `debtor_id` are filled in by the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedClaim {
    pub row: usize,
    /// Party number (see `LoadPlan`).
    pub debtor: usize,
    pub claim: Claim,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedCollateral {
    /// `owner_id` is filled in by the store.
    pub collateral: Collateral,
    /// Party number.
    pub owner: usize,
    /// Claim numbers.
    pub secures: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedGuarantee {
    /// Claim number.
    pub claim: usize,
    /// Party number.
    pub guarantor: usize,
    pub kind: Option<GuaranteeKind>,
    pub cap: Option<Money>,
}

/// What one load writes, or one chunk of it. Parties, claims and collateral are
/// numbered across all the chunks of a load (`first_*` is the number of the first one in
/// this chunk), so a chunk may refer to a party or an item planned in an earlier one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoadPlan {
    pub first_party: usize,
    pub parties: Vec<Party>,
    pub first_claim: usize,
    pub claims: Vec<PlannedClaim>,
    pub first_collateral: usize,
    pub collateral: Vec<PlannedCollateral>,
    /// An item planned in an earlier chunk that also secures a claim of this one:
    /// (collateral number, claim number).
    pub links: Vec<(usize, usize)>,
    pub guarantees: Vec<PlannedGuarantee>,
}

impl LoadPlan {
    pub fn is_empty(&self) -> bool {
        self.parties.is_empty()
            && self.claims.is_empty()
            && self.collateral.is_empty()
            && self.links.is_empty()
            && self.guarantees.is_empty()
    }
}

/// Plans a load claim by claim: each party once (one borrower on several rows is one
/// debtor), each collateral item once (the same item on several rows of one borrower
/// secures all those claims), each guarantee. `take` hands over what was planned since
/// the last `take`, so a million-row tape is written in chunks without being held.
#[derive(Debug, Default)]
pub struct Planner {
    /// Party key (`party_key`) → party number.
    parties: foldhash::HashMap<String, usize>,
    /// (claim number, party number) of the guarantees planned: a guarantor a tape names
    /// twice for one claim (on its row and on a guarantor sheet) is one guarantee.
    guarantees: foldhash::HashSet<(usize, usize)>,
    /// (owner, type|address|value) → collateral number.
    collateral: foldhash::HashMap<(usize, String), usize>,
    /// Contract key (`coerce::contract_key`) → (claim number, debtor number), for linked sheets.
    contracts: foldhash::HashMap<String, (usize, usize)>,
    claims_planned: usize,
    collateral_planned: usize,
    chunk: LoadPlan,
}

/// The claim a tape row makes; `package_id` and `debtor_id` are filled in by the store.
pub fn tape_claim(tc: &TapeClaim) -> Claim {
    Claim {
        package_id: 0,
        contract_no: tc.contract_no.clone(),
        debtor_id: 0,
        principal: tc.principal,
        interest: tc.interest,
        penalty: tc.penalty,
        advanced_costs: tc.advanced_costs.unwrap_or(Money::ZERO),
        five_class: tc.five_class,
        litigation_stage: tc.litigation_stage,
        default_date: tc.default_date,
        limitation_date: tc.limitation_date,
        province: tc.region,
        product: tc.product.clone(),
        days_past_due: tc.days_past_due,
        written_off: tc.written_off,
    }
}

/// The debtor a tape row names.
pub fn tape_debtor(tc: &TapeClaim) -> Party {
    Party {
        name: tc.debtor_name.clone(),
        identity: Identity::Verified(tc.debtor_id.clone()),
        status: tc.debtor_status.unwrap_or(PartyStatus::Active),
        address: tc.debtor_address.clone(),
        phone: tc.phone.clone(),
    }
}

/// The key a party is known by within one load, and so within one package: its
/// identifier; for a party without one (a guarantor the tape names without a valid ID), the
/// ID as written, or with none its name. Two such guarantors of one package with the same
/// flawed ID, or the same name and no ID, are one; parties of other packages are never
/// matched this way (the store looks them up in the package only).
pub fn party_key(p: &Party) -> String {
    match &p.identity {
        Identity::Verified(id) => id.as_str().to_string(),
        Identity::Unverified { id_as_written: Some(id), .. } => format!("~id {}", crate::coerce::normalize(id)),
        Identity::Unverified { id_as_written: None, .. } => format!("~name {}", p.name.trim()),
    }
}

impl Planner {
    fn party(&mut self, party: Party) -> usize {
        let key = party_key(&party);
        if let Some(&i) = self.parties.get(&key) {
            return i;
        }
        let i = self.parties.len();
        self.parties.insert(key, i);
        self.chunk.parties.push(party);
        i
    }

    fn guarantee(&mut self, claim: usize, g: &TapeGuarantor) {
        let guarantor = self.party(guarantor_party(g));
        if self.guarantees.insert((claim, guarantor)) {
            // A kind the tape does not give is left unknown, not guessed.
            self.chunk.guarantees.push(PlannedGuarantee { claim, guarantor, kind: g.kind, cap: g.cap });
        }
    }

    /// Plans one claim with its collateral and guarantors.
    pub fn claim(&mut self, tc: TapeClaim) {
        let claim = tape_claim(&tc);
        let TapeClaim {
            row,
            contract_no,
            debtor_name,
            debtor_id,
            debtor_address,
            debtor_status,
            phone,
            collateral,
            guarantors,
            ..
        } = tc;
        let status = debtor_status.unwrap_or(PartyStatus::Active);
        let debtor = self.party(Party {
            name: debtor_name,
            identity: Identity::Verified(debtor_id),
            status,
            address: debtor_address,
            phone,
        });
        let claim_number = self.claims_planned;
        self.claims_planned += 1;
        self.contracts.insert(crate::coerce::contract_key(&contract_no), (claim_number, debtor));
        self.chunk.claims.push(PlannedClaim { row, debtor, claim });
        let tc = TapeClaimExtras { collateral, guarantors };
        let tc = &tc;
        if let Some(m) = &tc.collateral {
            let key = (
                debtor,
                format!(
                    "{}|{}|{}",
                    m.collateral_type.code(),
                    m.address.as_deref().unwrap_or(""),
                    m.appraised_value.fen()
                ),
            );
            match self.collateral.get(&key) {
                Some(&i) => self.secure(i, claim_number),
                None => {
                    self.collateral.insert(key, self.collateral_planned);
                    self.new_collateral(planned_collateral(m, debtor, vec![claim_number]));
                }
            }
        }
        for g in &tc.guarantors {
            self.guarantee(claim_number, g);
        }
    }

    fn new_collateral(&mut self, item: PlannedCollateral) {
        self.collateral_planned += 1;
        self.chunk.collateral.push(item);
    }

    /// Collateral number `item` also secures claim number `claim`.
    fn secure(&mut self, item: usize, claim: usize) {
        match item.checked_sub(self.chunk.first_collateral) {
            Some(local) => self.chunk.collateral[local].secures.push(claim),
            None => self.chunk.links.push((item, claim)),
        }
    }

    /// Plans the items of linked collateral and guarantor sheets, for the claims planned
    /// so far (contracts the plan does not hold are passed over).
    pub fn linked(&mut self, collateral: &[LinkedCollateral], guarantors: &[LinkedGuarantor]) {
        for linked in collateral {
            let secures: Vec<(usize, usize)> = linked
                .contracts
                .iter()
                .filter_map(|c| self.contracts.get(&crate::coerce::contract_key(c)).copied())
                .collect();
            let Some(&(_, owner)) = secures.first() else { continue };
            self.new_collateral(planned_collateral(
                &linked.item,
                owner,
                secures.iter().map(|(claim, _)| *claim).collect(),
            ));
        }
        for linked in guarantors {
            let claims: Vec<usize> = linked
                .contracts
                .iter()
                .filter_map(|c| self.contracts.get(&crate::coerce::contract_key(c)))
                .map(|(claim, _)| *claim)
                .collect();
            for claim in claims {
                self.guarantee(claim, &linked.guarantor);
            }
        }
    }

    /// Claims planned so far, in all chunks.
    pub fn claims_planned(&self) -> usize {
        self.claims_planned
    }

    /// What was planned since the last `take`.
    pub fn take(&mut self) -> LoadPlan {
        let next = LoadPlan {
            first_party: self.parties.len(),
            first_claim: self.claims_planned,
            first_collateral: self.collateral_planned,
            ..LoadPlan::default()
        };
        std::mem::replace(&mut self.chunk, next)
    }
}

/// What `Planner::claim` still needs of a row once its claim and debtor are planned.
struct TapeClaimExtras {
    collateral: Option<TapeCollateral>,
    guarantors: Vec<TapeGuarantor>,
}

/// Plans the load of a checked tape in one chunk: its claims, the collateral and
/// guarantors on their rows, and those of linked sheets.
pub fn plan(read: &TapeRead) -> LoadPlan {
    let mut p = Planner::default();
    for tc in &read.claims {
        p.claim(tc.clone());
    }
    p.linked(&read.linked_collateral, &read.linked_guarantors);
    p.take()
}

/// The party a tape's guarantor is: with its identifier, or unverified as the tape left it.
pub fn guarantor_party(g: &TapeGuarantor) -> Party {
    Party {
        name: g.name.clone(),
        identity: g.identity.clone(),
        status: g.status.unwrap_or(PartyStatus::Active),
        address: g.address.clone(),
        phone: g.phone.clone(),
    }
}

fn planned_collateral(m: &TapeCollateral, owner: usize, secures: Vec<usize>) -> PlannedCollateral {
    PlannedCollateral {
        collateral: Collateral {
            collateral_type: m.collateral_type,
            description: m.description.clone().unwrap_or_else(|| m.collateral_type.zh().to_string()),
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
