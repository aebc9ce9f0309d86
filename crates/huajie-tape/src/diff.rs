//! The difference between a package's claims and a new tape of the same package:
//! contracts added, removed, and changed field by field. Pure: the store reads the
//! existing claims and applies what it decides from this.

use std::collections::{BTreeMap, HashMap};

use huajie_core::mask::{PersonalText, mask_within};
use huajie_core::{Claim, GuaranteeKind, Money, PartyIdentifier};
use serde::{Deserialize, Serialize};

use crate::coerce::contract_key;
use crate::linked::{LinkedCollateral, LinkedGuarantor};
use crate::sheet::{TapeCollateral, TapeGuarantor};

/// One field of one claim that the new tape changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    /// The canonical field code (`principal`, `five_class`…).
    pub field: String,
    pub before: String,
    pub after: String,
    /// The individuals' names and ID numbers that `before` and `after` name, so that a viewer
    /// without the personal-data permission sees them masked (`huajie_core::mask::mask_within`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub personal: Vec<PersonalText>,
}

impl FieldChange {
    /// The change as a viewer without the personal-data permission sees it.
    pub fn masked(&self) -> FieldChange {
        FieldChange {
            field: self.field.clone(),
            before: mask_within(&self.before, &self.personal),
            after: mask_within(&self.after, &self.personal),
            personal: Vec::new(),
        }
    }
}

/// What of an identifier is personal: all of it, unless it is an organisation's code for
/// certain (a valid USCC that does not resemble a resident ID).
fn personal_identifier(identifier: &str) -> Option<PersonalText> {
    let organisation = PartyIdentifier::is_organisation_code(identifier);
    (!organisation && !identifier.trim().is_empty()).then(|| PersonalText::IdNumber(identifier.to_string()))
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
        ("product", opt(c.product.as_deref())),
        ("dpd", opt(c.days_past_due)),
        ("written_off", opt(c.written_off)),
    ]
}

/// How one claim of a new tape compares with the package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Comparison<K> {
    /// The package lacks the contract.
    Added,
    Unchanged,
    /// The package's claim `key`, as it was, and what the tape changes in it.
    Changed {
        key: K,
        before: Claim,
    },
}

/// Compares a new tape with the package's claims, claim by claim as the tape is read.
/// A field the new tape leaves empty is not a change: the tape does not say. `K` is
/// whatever the caller keys its claims by (the store: the claim's id). Contracts are
/// matched by `coerce::contract_key`, so `HT〔2020〕1` on one version and `HT(2020)1` on
/// the next are one contract; the diff names it as the package has it.
#[derive(Debug)]
pub struct Differ<K> {
    /// Contract key → the package's claim: its key, the claim, its debtor's identifier.
    old: foldhash::HashMap<String, (K, Claim, String)>,
    /// Contract keys the new tape lists.
    seen: foldhash::HashSet<String>,
    diff: TapeDiff,
    /// What secures the package's claims, by contract key (`with_security`).
    security: HashMap<String, Security>,
    /// What the new tape gives as security for contracts the package has, by contract key.
    tape_security: BTreeMap<String, Security>,
}

/// What secures one claim, as far as a tape can say: its collateral items and guarantors.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Security {
    pub collateral: Vec<ItemFacts>,
    pub guarantors: Vec<GuarantorFacts>,
}

/// A collateral item, known by its type and where it is (or what it is, without an address).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemFacts {
    /// `residential 杭州市西湖区文三路1号`
    pub label: String,
    pub appraised_value: Money,
    pub lien_rank: u8,
    pub prior_claims: Money,
}

/// A guarantor, known by its key (`plan::party_key`: its identifier; without a valid one,
/// the ID as written or its name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuarantorFacts {
    pub key: String,
    /// The ID number as it stands: the identifier, the flawed one as written, or empty.
    pub identifier: String,
    pub name: String,
    pub cap: Option<Money>,
    pub kind: Option<GuaranteeKind>,
}

impl ItemFacts {
    /// The label of an item: its type's code, then its address or else its description.
    pub fn label(kind: huajie_core::CollateralType, address: Option<&str>, description: Option<&str>) -> String {
        format!("{} {}", kind.code(), address.or(description).unwrap_or(kind.zh()))
    }

    pub fn of_tape(m: &TapeCollateral) -> ItemFacts {
        ItemFacts {
            label: ItemFacts::label(m.collateral_type, m.address.as_deref(), m.description.as_deref()),
            appraised_value: m.appraised_value,
            lien_rank: m.lien_rank.unwrap_or(1),
            prior_claims: m.prior_claims.unwrap_or(Money::ZERO),
        }
    }
}

impl GuarantorFacts {
    pub fn of_tape(g: &TapeGuarantor) -> GuarantorFacts {
        GuarantorFacts::of_party(&crate::plan::guarantor_party(g), g.cap, g.kind)
    }

    /// A party as a guarantor with this cap and kind.
    pub fn of_party(p: &huajie_core::Party, cap: Option<Money>, kind: Option<GuaranteeKind>) -> GuarantorFacts {
        GuarantorFacts {
            key: crate::plan::party_key(p),
            identifier: p.identity.id_text().unwrap_or_default().to_string(),
            name: p.name.clone(),
            cap,
            kind,
        }
    }
}

/// Which kinds of security a new tape carries at all: one that has no collateral columns
/// or sheet says nothing about collateral, and is not compared on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Carries {
    pub collateral: bool,
    pub guarantors: bool,
}

impl<K: Clone> Differ<K> {
    /// `existing`: the package's claims, each with its key and its debtor's identifier.
    pub fn new(existing: impl IntoIterator<Item = (K, Claim, String)>) -> Differ<K> {
        let old = existing.into_iter().map(|(k, c, id)| (contract_key(&c.contract_no), (k, c, id))).collect();
        Differ {
            old,
            seen: Default::default(),
            diff: TapeDiff::default(),
            security: HashMap::new(),
            tape_security: BTreeMap::new(),
        }
    }

    /// The security of the package's claims, by contract number, to compare a new tape's with.
    pub fn with_security(self, security: HashMap<String, Security>) -> Differ<K> {
        let security = security.into_iter().map(|(c, s)| (contract_key(&c), s)).collect();
        Differ { security, ..self }
    }

    /// Notes the security a tape row gives for a contract the package has.
    pub fn note_row(&mut self, contract_no: &str, collateral: Option<&TapeCollateral>, guarantors: &[TapeGuarantor]) {
        let s = self.tape_security.entry(contract_key(contract_no)).or_default();
        s.collateral.extend(collateral.map(ItemFacts::of_tape));
        s.guarantors.extend(guarantors.iter().map(GuarantorFacts::of_tape));
    }

    /// Notes the items of linked sheets that name contracts the package has.
    pub fn note_linked(&mut self, collateral: &[LinkedCollateral], guarantors: &[LinkedGuarantor]) {
        for m in collateral {
            for c in m.contracts.iter().map(|c| contract_key(c)).filter(|c| self.old.contains_key(c)) {
                self.tape_security.entry(c).or_default().collateral.push(ItemFacts::of_tape(&m.item));
            }
        }
        for g in guarantors {
            let facts = GuarantorFacts::of_tape(&g.guarantor);
            for c in g.contracts.iter().map(|c| contract_key(c)).filter(|c| self.old.contains_key(c)) {
                self.tape_security.entry(c).or_default().guarantors.push(facts.clone());
            }
        }
    }

    /// Compares one claim of the new tape, whose debtor has `identifier`.
    pub fn compare(&mut self, new: &Claim, identifier: &str) -> Comparison<K> {
        let contract = contract_key(&new.contract_no);
        let Some((key, before, before_id)) = self.old.get(&contract) else {
            self.seen.insert(contract);
            self.diff.added.push(new.contract_no.clone());
            return Comparison::Added;
        };
        self.seen.insert(contract);
        let changes: Vec<FieldChange> = tape_fields(before, before_id)
            .into_iter()
            .zip(tape_fields(new, identifier))
            .filter(|((_, b), (_, a))| b != a && !a.is_empty())
            .map(|((field, before), (_, after))| {
                let personal = if field == "debtor_id" {
                    [&before, &after].into_iter().filter_map(|id| personal_identifier(id)).collect()
                } else {
                    Vec::new()
                };
                FieldChange { field: field.to_string(), before, after, personal }
            })
            .collect();
        if changes.is_empty() {
            self.diff.unchanged += 1;
            Comparison::Unchanged
        } else {
            self.diff.changed.push(ClaimChange { contract_no: before.contract_no.clone(), changes });
            Comparison::Changed { key: key.clone(), before: before.clone() }
        }
    }

    /// The whole difference: what was compared, and the package's contracts the tape no
    /// longer lists, in contract order.
    ///
    /// The collateral and guarantors the tape gives for the package's contracts are
    /// compared too, as far as the tape `carries` them: an item or guarantor added, no
    /// longer listed, or changed (value, rank, prior claims; cap, kind) is listed under its
    /// contract as a change (`collateral_type`, `appraised_value`…, `guarantor_name`, `cap`…).
    /// These are listed for the user, not applied.
    pub fn finish(self, carries: Carries) -> TapeDiff {
        let mut d = self.diff;
        let mut contracts: Vec<(&String, &String)> =
            self.seen.iter().filter_map(|k| self.old.get(k).map(|(_, claim, _)| (k, &claim.contract_no))).collect();
        contracts.sort_by(|a, b| a.1.cmp(b.1));
        for (key, contract) in contracts {
            let before = self.security.get(key).cloned().unwrap_or_default();
            let after = self.tape_security.get(key).cloned().unwrap_or_default();
            let mut changes = Vec::new();
            if carries.collateral {
                changes.extend(collateral_changes(&before.collateral, &after.collateral));
            }
            if carries.guarantors {
                changes.extend(guarantor_changes(&before.guarantors, &after.guarantors));
            }
            if changes.is_empty() {
                continue;
            }
            match d.changed.iter_mut().find(|c| &c.contract_no == contract) {
                Some(c) => c.changes.extend(changes),
                None => {
                    d.unchanged -= 1;
                    d.changed.push(ClaimChange { contract_no: contract.clone(), changes });
                }
            }
        }
        let mut removed: Vec<String> = self
            .old
            .into_iter()
            .filter(|(k, _)| !self.seen.contains(k))
            .map(|(_, (_, claim, _))| claim.contract_no)
            .collect();
        removed.sort();
        d.removed = removed;
        d
    }
}

const NONE: &str = "—";

fn change(field: &str, before: String, after: String) -> FieldChange {
    FieldChange { field: field.to_string(), before, after, personal: Vec::new() }
}

impl GuarantorFacts {
    /// The guarantor's name and ID number when the guarantor is not an organisation.
    fn personal(&self) -> Vec<PersonalText> {
        match personal_identifier(&self.identifier) {
            Some(id) => vec![PersonalText::Name(self.name.clone()), id],
            None if self.identifier.trim().is_empty() => vec![PersonalText::Name(self.name.clone())],
            None => Vec::new(),
        }
    }
}

fn collateral_changes(before: &[ItemFacts], after: &[ItemFacts]) -> Vec<FieldChange> {
    let mut out = Vec::new();
    for a in after {
        match before.iter().find(|b| b.label == a.label) {
            None => {
                out.push(change("collateral_type", NONE.into(), format!("{} {}", a.label, money(a.appraised_value))))
            }
            Some(b) => {
                if a.appraised_value != b.appraised_value {
                    out.push(change(
                        "appraised_value",
                        format!("{} {}", b.label, money(b.appraised_value)),
                        money(a.appraised_value),
                    ));
                }
                if a.lien_rank != b.lien_rank {
                    out.push(change("lien_rank", format!("{} {}", b.label, b.lien_rank), a.lien_rank.to_string()));
                }
                if a.prior_claims != b.prior_claims {
                    out.push(change(
                        "prior_claims",
                        format!("{} {}", b.label, money(b.prior_claims)),
                        money(a.prior_claims),
                    ));
                }
            }
        }
    }
    for b in before.iter().filter(|b| !after.iter().any(|a| a.label == b.label)) {
        out.push(change("collateral_type", format!("{} {}", b.label, money(b.appraised_value)), NONE.into()));
    }
    out
}

fn guarantor_changes(before: &[GuarantorFacts], after: &[GuarantorFacts]) -> Vec<FieldChange> {
    let mut out = Vec::new();
    let who = |g: &GuarantorFacts| format!("{} {}", g.name, g.identifier).trim_end().to_string();
    for a in after {
        match before.iter().find(|b| b.key == a.key) {
            None => out.push(FieldChange { personal: a.personal(), ..change("guarantor_name", NONE.into(), who(a)) }),
            Some(b) => {
                if a.cap.is_some() && a.cap != b.cap {
                    out.push(FieldChange {
                        personal: b.personal(),
                        ..change("cap", format!("{} {}", who(b), opt(b.cap.map(money))), opt(a.cap.map(money)))
                    });
                }
                if a.kind.is_some() && a.kind != b.kind {
                    out.push(FieldChange {
                        personal: b.personal(),
                        ..change(
                            "guarantee_kind",
                            format!("{} {}", who(b), opt(b.kind.map(|k| k.code()))),
                            opt(a.kind.map(|k| k.code())),
                        )
                    });
                }
            }
        }
    }
    for b in before.iter().filter(|b| !after.iter().any(|a| a.key == b.key)) {
        out.push(FieldChange { personal: b.personal(), ..change("guarantor_name", who(b), NONE.into()) });
    }
    out
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
            product: None,
            days_past_due: None,
            written_off: None,
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
        let d = differ.finish(Carries { collateral: false, guarantors: false });
        assert_eq!(d.added, ["D"]);
        assert_eq!(d.removed, ["C"]);
        assert_eq!(d.unchanged, 1);
        assert_eq!(
            d.changed,
            [ClaimChange {
                contract_no: "B".into(),
                changes: vec![FieldChange {
                    field: "principal".into(),
                    before: "2.00".into(),
                    after: "1.50".into(),
                    personal: Vec::new()
                }],
            }],
            "the class the new tape leaves empty is not a change"
        );
    }

    #[test]
    fn an_individual_guarantor_is_named_for_masking_and_a_company_is_not() {
        let person = huajie_core::ResidentId::with_check_char("33010619800101001").unwrap().to_string();
        let facts = |name: &str, identifier: &str| GuarantorFacts {
            key: if identifier.is_empty() { name.into() } else { identifier.into() },
            identifier: identifier.into(),
            name: name.into(),
            cap: None,
            kind: None,
        };
        let changes = guarantor_changes(
            &[facts("张保", &person)],
            &[facts("杭州某某有限公司", "91330100MA2AYA1GX3"), facts("李四", "")],
        );
        let shown: Vec<(String, String)> = changes.iter().map(|c| c.masked()).map(|c| (c.before, c.after)).collect();
        assert_eq!(
            shown,
            [
                ("—".to_string(), "杭州某某有限公司 91330100MA2AYA1GX3".to_string()),
                ("—".into(), "李*".into()),
                (format!("张* {}", huajie_core::mask::mask_id_number(&person)), "—".into()),
            ]
        );
        assert_eq!(changes[2].before, format!("张保 {person}"), "the stored change keeps the tape's words");
        // A resident ID with its 8th digit mistyped passes every check of a USCC: it is a person's
        // number all the same, and masked as one.
        let typo = "131101135001010003";
        let changes = guarantor_changes(&[], &[facts("王某", typo)]);
        assert_eq!(changes[0].masked().after, format!("王* {}", huajie_core::mask::mask_id_number(typo)));
    }

    #[test]
    fn a_contract_spelled_another_way_is_the_same_contract() {
        let id = "91440300708461136T".to_string();
        let mut differ = Differ::new([(1, claim("浙商银〔2020〕字第1号", 100, None), id.clone())]);
        assert_eq!(differ.compare(&claim("浙商银(2020)字第１号", 100, None), &id), Comparison::Unchanged);
        let d = differ.finish(Carries { collateral: false, guarantors: false });
        assert!(d.added.is_empty() && d.removed.is_empty(), "{d:?}");
    }
}
