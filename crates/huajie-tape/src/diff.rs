//! The difference between a package's claims and a new tape of the same package:
//! contracts added, removed, and changed field by field. Pure: the store reads the
//! existing claims and applies what it decides from this.

use huajie_core::{Claim, Money};
use serde::{Deserialize, Serialize};


/// One field of one claim that the new tape changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    /// The canonical field code (`principal`, `five_class`…).
    pub field: String,
    pub before: String,
    pub after: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimChange {
    pub contract_no: String,
    pub changes: Vec<FieldChange>,
}

/// What a new tape changes in a package.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TapeDiff {
    /// Contracts on the new tape that the package lacks.
    pub added: Vec<String>,
    /// Contracts of the package that the new tape no longer lists (kept, not deleted).
    pub removed: Vec<String>,
    pub changed: Vec<ClaimChange>,
    /// Contracts present in both and unchanged.
    pub unchanged: usize,
}

impl TapeDiff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

fn money(m: Money) -> String {
    m.yuan_string()
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// The fields a tape sets on a claim, as comparable text, with the debtor's identifier.
fn tape_fields(c: &Claim, debtor_identifier: &str) -> Vec<(&'static str, String)> {
    vec![
        ("debtor_id", debtor_identifier.to_string()),
        ("principal", money(c.principal)),
        ("interest", money(c.interest)),
        ("penalty", money(c.penalty)),
        ("five_class", opt(c.five_class.map(|k| k.code()))),
        ("litigation_stage", opt(c.litigation_stage.map(|s| s.code()))),
        ("default_date", opt(c.default_date)),
        ("limitation_date", opt(c.limitation_date)),
        ("region", opt(c.province.map(|p| p.code()))),
    ]
}

/// How one claim of a new tape compares with the package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Comparison<K> {
    /// The package lacks the contract.
    Added,
    Unchanged,
    /// The package's claim `key`, as it was, and what the tape changes in it.
    Changed { key: K, before: Claim },
}

/// Compares a new tape with the package's claims, claim by claim as the tape is read.
/// A field the new tape leaves empty is not a change: the tape does not say. `K` is
/// whatever the caller keys its claims by (the store: the claim's id).
#[derive(Debug)]
pub struct Differ<K> {
    old: foldhash::HashMap<String, (K, Claim, String)>,
    seen: foldhash::HashSet<String>,
    diff: TapeDiff,
}

impl<K: Clone> Differ<K> {
    /// `existing`: the package's claims, each with its key and its debtor's identifier.
    pub fn new(existing: impl IntoIterator<Item = (K, Claim, String)>) -> Differ<K> {
        let old = existing.into_iter().map(|(k, c, id)| (c.contract_no.clone(), (k, c, id))).collect();
        Differ { old, seen: Default::default(), diff: TapeDiff::default() }
    }

    /// Compares one claim of the new tape, whose debtor has `identifier`.
    pub fn compare(&mut self, new: &Claim, identifier: &str) -> Comparison<K> {
        self.seen.insert(new.contract_no.clone());
        let Some((key, before, before_id)) = self.old.get(&new.contract_no) else {
            self.diff.added.push(new.contract_no.clone());
            return Comparison::Added;
        };
        let changes: Vec<FieldChange> = tape_fields(before, before_id)
            .into_iter()
            .zip(tape_fields(new, identifier))
            .filter(|((_, b), (_, a))| b != a && !a.is_empty())
            .map(|((field, before), (_, after))| FieldChange { field: field.to_string(), before, after })
            .collect();
        if changes.is_empty() {
            self.diff.unchanged += 1;
            Comparison::Unchanged
        } else {
            self.diff.changed.push(ClaimChange { contract_no: new.contract_no.clone(), changes });
            Comparison::Changed { key: key.clone(), before: before.clone() }
        }
    }

    /// The whole difference: what was compared, and the package's contracts the tape no
    /// longer lists, in contract order.
    pub fn finish(self) -> TapeDiff {
        let mut d = self.diff;
        let mut removed: Vec<String> = self.old.into_keys().filter(|k| !self.seen.contains(k)).collect();
        removed.sort();
        d.removed = removed;
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use huajie_core::FiveClass;

    fn claim(contract: &str, principal: i64, class: Option<FiveClass>) -> Claim {
        Claim {
            package_id: 1,
            contract_no: contract.into(),
            debtor_id: 1,
            principal: Money::from_fen(principal),
            interest: Money::ZERO,
            penalty: Money::ZERO,
            advanced_costs: Money::ZERO,
            five_class: class,
            litigation_stage: None,
            default_date: None,
            limitation_date: None,
            province: None,
        }
    }

    #[test]
    fn added_removed_and_changed_by_field() {
        let id = "91440300708461136T".to_string();
        let mut differ = Differ::new([
            (1, claim("A", 100, Some(FiveClass::Doubtful)), id.clone()),
            (2, claim("B", 200, Some(FiveClass::Loss)), id.clone()),
            (3, claim("C", 300, None), id.clone()),
        ]);
        assert_eq!(differ.compare(&claim("A", 100, Some(FiveClass::Doubtful)), &id), Comparison::Unchanged);
        assert_eq!(
            differ.compare(&claim("B", 150, None), &id),
            Comparison::Changed { key: 2, before: claim("B", 200, Some(FiveClass::Loss)) }
        );
        assert_eq!(differ.compare(&claim("D", 400, None), &id), Comparison::Added);
        let d = differ.finish();
        assert_eq!(d.added, ["D"]);
        assert_eq!(d.removed, ["C"]);
        assert_eq!(d.unchanged, 1);
        assert_eq!(
            d.changed,
            [ClaimChange {
                contract_no: "B".into(),
                changes: vec![FieldChange { field: "principal".into(), before: "2.00".into(), after: "1.50".into() }],
            }],
            "the class the new tape leaves empty is not a change"
        );
    }
}
