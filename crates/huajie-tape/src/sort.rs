//! Sorting a tape's claims into what a load writes: without a package to compare with,
//! every claim is planned; otherwise those the package lacks are planned and those the
//! tape changes become updates. Pure, so a file import runs it on its reading thread.

use huajie_core::{Claim, Party};

use crate::diff::{Carries, Comparison, Differ, TapeDiff};
use crate::linked::{LinkedCollateral, LinkedGuarantor};
use crate::plan::{LoadPlan, Planner, tape_claim, tape_debtor};
use crate::sheet::TapeClaim;

/// A claim of the package that the new tape changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimUpdate<K> {
    /// The caller's key for the claim (the store: its id).
    pub key: K,
    /// The debtor the tape names; its id is the store's to find.
    pub debtor: Party,
    /// The claim as it becomes (`updated_claim`); `debtor_id` still the old one.
    pub claim: Claim,
}

/// One chunk sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sorted<K> {
    pub plan: LoadPlan,
    pub updates: Vec<ClaimUpdate<K>>,
}

#[derive(Debug)]
pub struct Sorter<K> {
    planner: Planner,
    differ: Option<Differ<K>>,
}

impl<K: Clone> Sorter<K> {
    /// `differ`: the package's claims, from its second tape on.
    pub fn new(differ: Option<Differ<K>>) -> Sorter<K> {
        Sorter { planner: Planner::default(), differ }
    }

    pub fn sort(&mut self, claims: Vec<TapeClaim>) -> Sorted<K> {
        let mut updates = Vec::new();
        for tc in claims {
            let Some(differ) = &mut self.differ else {
                self.planner.claim(tc);
                continue;
            };
            let new = tape_claim(&tc);
            let comparison = differ.compare(&new, tc.debtor_id.as_str());
            if !matches!(comparison, Comparison::Added) {
                differ.note_row(&tc.contract_no, tc.collateral.as_ref(), &tc.guarantors);
            }
            match comparison {
                Comparison::Added => self.planner.claim(tc),
                Comparison::Unchanged => {}
                Comparison::Changed { key, before } => {
                    updates.push(ClaimUpdate { key, debtor: tape_debtor(&tc), claim: updated_claim(&before, new) })
                }
            }
        }
        Sorted { plan: self.planner.take(), updates }
    }

    /// The items of linked sheets, for the claims planned so far (and noted against the
    /// package's own claims).
    pub fn linked(&mut self, collateral: &[LinkedCollateral], guarantors: &[LinkedGuarantor]) -> LoadPlan {
        if let Some(differ) = &mut self.differ {
            differ.note_linked(collateral, guarantors);
        }
        self.planner.linked(collateral, guarantors);
        self.planner.take()
    }

    /// What the tape changed in the package, from its second tape on.
    pub fn finish(self, carries: Carries) -> Option<TapeDiff> {
        self.differ.map(|d| d.finish(carries))
    }
}

/// A package's claim as a new tape leaves it: the tape's values, except that a field the
/// tape leaves empty keeps its value (the tape does not say), and what a tape never
/// carries (the package, advanced costs) stays. The contract number stays as the package
/// has it: the new tape's may be spelled another way (matched by `coerce::contract_key`).
pub fn updated_claim(old: &Claim, new: Claim) -> Claim {
    Claim {
        contract_no: old.contract_no.clone(),
        package_id: old.package_id,
        debtor_id: old.debtor_id,
        advanced_costs: old.advanced_costs,
        five_class: new.five_class.or(old.five_class),
        litigation_stage: new.litigation_stage.or(old.litigation_stage),
        default_date: new.default_date.or(old.default_date),
        limitation_date: new.limitation_date.or(old.limitation_date),
        province: new.province.or(old.province),
        product: new.product.or_else(|| old.product.clone()),
        days_past_due: new.days_past_due.or(old.days_past_due),
        written_off: new.written_off.or(old.written_off),
        ..new
    }
}
