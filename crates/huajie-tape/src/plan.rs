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
    /// The claims it secures, each at its own lien rank (顺位 belongs to the link: one
    /// building may be a first mortgage for one loan and a second for another).
    pub secures: Vec<PlannedLien>,
}

/// That a collateral item secures claim number `claim` at lien rank `rank` (1 = first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlannedLien {
    pub claim: usize,
    pub rank: u8,
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
    /// (collateral number, the lien).
    pub links: Vec<(usize, PlannedLien)>,
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
    /// (owner, type|name|address|value) → collateral number.
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
            let key = (debtor, collateral_key(m));
            let lien = PlannedLien { claim: claim_number, rank: rank_of(m) };
            match self.collateral.get(&key) {
                Some(&i) => self.secure(i, lien),
                None => {
                    self.collateral.insert(key, self.collateral_planned);
                    self.new_collateral(planned_collateral(m, debtor, vec![lien]));
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

    /// Collateral number `item` also secures a claim. A claim the item already secures
    /// keeps its first rank.
    fn secure(&mut self, item: usize, lien: PlannedLien) {
        match item.checked_sub(self.chunk.first_collateral) {
            Some(local) => {
                let secures = &mut self.chunk.collateral[local].secures;
                if !secures.iter().any(|l| l.claim == lien.claim) {
                    secures.push(lien);
                }
            }
            None => {
                if !self.chunk.links.iter().any(|(i, l)| *i == item && l.claim == lien.claim) {
                    self.chunk.links.push((item, lien));
                }
            }
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
            let rank = rank_of(&linked.item);
            // The same item on several rows (one row per contract, each with its rank) is
            // one item, as on the claims sheet.
            let key = (owner, collateral_key(&linked.item));
            let liens = secures.iter().map(|&(claim, _)| PlannedLien { claim, rank });
            match self.collateral.get(&key) {
                Some(&i) => liens.for_each(|l| self.secure(i, l)),
                None => {
                    self.collateral.insert(key, self.collateral_planned);
                    let mut item = planned_collateral(&linked.item, owner, Vec::new());
                    for l in liens {
                        if !item.secures.iter().any(|s| s.claim == l.claim) {
                            item.secures.push(l);
                        }
                    }
                    self.new_collateral(item);
                }
            }
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

/// What tells one item from another of the same owner: its type, name, address and
/// appraised value (two parking spaces at one address differ by their names).
fn collateral_key(m: &TapeCollateral) -> String {
    format!(
        "{}|{}|{}|{}",
        m.collateral_type.code(),
        m.description.as_deref().unwrap_or(""),
        m.address.as_deref().unwrap_or(""),
        m.appraised_value.fen()
    )
}

/// The lien rank a row gives; a first lien when it gives none.
fn rank_of(m: &TapeCollateral) -> u8 {
    m.lien_rank.unwrap_or(1)
}

fn planned_collateral(m: &TapeCollateral, owner: usize, secures: Vec<PlannedLien>) -> PlannedCollateral {
    PlannedCollateral {
        collateral: Collateral {
            collateral_type: m.collateral_type,
            description: m.description.clone().unwrap_or_else(|| m.collateral_type.zh().to_string()),
            address: m.address.clone(),
            province: m.province,
            appraised_value: m.appraised_value,
            appraisal_date: m.appraisal_date,
            prior_claims: m.prior_claims.unwrap_or(Money::ZERO),
            owner_id: None,
        },
        owner,
        secures,
    }
}

#[cfg(test)]
mod lien_rank_tests {
    use chrono::NaiveDate;
    use huajie_core::{CollateralType, Money};

    use super::*;
    use crate::SheetOptions;

    fn claims(csv: &str) -> TapeRead {
        let options = SheetOptions {
            cutoff_date: NaiveDate::from_ymd_opt(2026, 6, 30),
            today: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
            personal_batch: false,
        };
        let (_, rows) = crate::open_csv(std::io::Cursor::new(csv.as_bytes().to_vec())).unwrap();
        crate::read_claims(rows, options).unwrap()
    }

    #[test]
    fn the_same_item_on_three_rows_of_a_collateral_sheet_is_one_item_at_three_ranks() {
        let mut read = claims(
            "借款合同编号,借款人名称,证件号码,本金余额\n\
             HT-1,杭州顺位有限公司,91330100MA2AYA1GX3,100\n\
             HT-2,杭州顺位有限公司,91330100MA2AYA1GX3,100\n\
             HT-3,杭州顺位有限公司,91330100MA2AYA1GX3,100\n",
        );
        let building = |rank: u8| TapeCollateral {
            collateral_type: CollateralType::Commercial,
            description: Some("解放路1号商铺".into()),
            address: Some("杭州市上城区解放路1号".into()),
            province: None,
            appraised_value: Money::from_fen(2_000_000_000),
            appraisal_date: None,
            lien_rank: Some(rank),
            prior_claims: None,
        };
        read.linked_collateral = [("HT-2", 2), ("HT-1", 1), ("HT-3", 3)]
            .iter()
            .enumerate()
            .map(|(i, (contract, rank))| LinkedCollateral {
                sheet: "抵押物".into(),
                row: i + 2,
                contracts: vec![contract.to_string()],
                item: building(*rank),
            })
            .collect();
        // A second shop at the same address is another item.
        let mut other = building(1);
        other.description = Some("解放路1号2号商铺".into());
        read.linked_collateral.push(LinkedCollateral {
            sheet: "抵押物".into(),
            row: 5,
            contracts: vec!["HT-1".into()],
            item: other,
        });
        let p = plan(&read);
        assert_eq!(p.collateral.len(), 2);
        let liens: Vec<(usize, u8)> = p.collateral[0].secures.iter().map(|l| (l.claim, l.rank)).collect();
        assert_eq!(liens, [(1, 2), (0, 1), (2, 3)], "claim numbers follow the rows: HT-1 is 0");
        assert_eq!(p.collateral[1].secures, [PlannedLien { claim: 0, rank: 1 }]);
    }
}
