//! Parties: debtors, guarantors, transferors. A party is corporate or individual, and
//! which one follows from its identifier, so the two can never disagree.

use serde::{Deserialize, Serialize};

use crate::ids::{Province, ResidentId, Uscc, province_of_address};
use crate::named_enum;

named_enum! {
    /// Corporate (对公) or individual (对私).
    pub enum PartyKind {
        Corporate = ("corporate", "对公", "Corporate"),
        Individual = ("individual", "个人", "Individual"),
    }
}

named_enum! {
    /// Standing of a party as last known.
    pub enum PartyStatus {
        Active = ("active", "存续/正常", "Active"),
        Revoked = ("revoked", "吊销", "Licence revoked"),
        Deregistered = ("deregistered", "注销", "Deregistered"),
        Bankrupt = ("bankrupt", "破产", "Bankrupt"),
        Dishonest = ("dishonest", "失信被执行人", "Dishonest judgment debtor"),
        Deceased = ("deceased", "已故", "Deceased"),
    }
}

/// The identifier of a party: a USCC for organisations, a resident ID for people.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum PartyIdentifier {
    Uscc(Uscc),
    ResidentId(ResidentId),
}

impl PartyIdentifier {
    /// Reads either form. A string valid as both (digits only, both check characters
    /// right: rare but possible) is read as a resident ID. When neither fits, the error
    /// is that of the likelier form.
    pub fn parse(s: &str) -> Result<PartyIdentifier, crate::ids::IdError> {
        let t = s.trim();
        match (ResidentId::parse(t), Uscc::parse(t)) {
            (Ok(r), _) => Ok(PartyIdentifier::ResidentId(r)),
            (_, Ok(u)) => Ok(PartyIdentifier::Uscc(u)),
            // The form that got further before failing is the one the user meant; on a
            // tie, digits only (an X may end it) means a resident ID.
            (Err(e_rid), Err(e_uscc)) => {
                let digits_only = t.len() >= 17 && t[..t.len() - 1].bytes().all(|b| b.is_ascii_digit());
                let rid_first = (progress(&e_rid), digits_only) >= (progress(&e_uscc), true);
                Err(if rid_first { e_rid } else { e_uscc })
            }
        }
    }

    /// Reads the form that `kind` says it is (as stored, where the kind is known).
    pub fn parse_as(kind: PartyKind, s: &str) -> Result<PartyIdentifier, crate::ids::IdError> {
        match kind {
            PartyKind::Corporate => Uscc::parse(s).map(PartyIdentifier::Uscc),
            PartyKind::Individual => ResidentId::parse(s).map(PartyIdentifier::ResidentId),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            PartyIdentifier::Uscc(u) => u.as_str(),
            PartyIdentifier::ResidentId(r) => r.as_str(),
        }
    }

    pub fn kind(&self) -> PartyKind {
        match self {
            PartyIdentifier::Uscc(_) => PartyKind::Corporate,
            PartyIdentifier::ResidentId(_) => PartyKind::Individual,
        }
    }

    /// The province the identifier names; `None` for a national registration.
    pub fn province(&self) -> Option<crate::ids::Province> {
        match self {
            PartyIdentifier::Uscc(u) => u.province(),
            PartyIdentifier::ResidentId(r) => Some(r.province()),
        }
    }
}

named_enum! {
    /// Why a party has no verified identifier.
    pub enum IdFlaw {
        Missing = ("missing", "证件号缺失", "ID number missing"),
        FailsCheck = ("fails_check", "证件号校验失败", "ID number fails its check"),
    }
}

/// Who a party is, as far as its record can say. A party named by a bank's tape without a
/// valid identifier (a natural-person guarantor whose ID the bank left empty, or one whose
/// check character is wrong) is kept, but as `Unverified`: never with a made-up identifier,
/// and an identifier that exists is always valid (`PartyIdentifier` is only built by parsing).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Identity {
    /// A checked USCC or resident ID; the kind follows from it.
    Verified(PartyIdentifier),
    /// No valid identifier. `kind` is as the tape's column gave it, else an individual (the
    /// reading that masks the most). `id_as_written` is the ID the tape gave that fails its
    /// check, exactly as written; `None` when it gave none.
    Unverified { kind: PartyKind, id_as_written: Option<String> },
}

impl From<PartyIdentifier> for Identity {
    fn from(id: PartyIdentifier) -> Identity {
        Identity::Verified(id)
    }
}

impl Identity {
    pub fn kind(&self) -> PartyKind {
        match self {
            Identity::Verified(id) => id.kind(),
            Identity::Unverified { kind, .. } => *kind,
        }
    }

    /// The verified identifier, if there is one.
    pub fn identifier(&self) -> Option<&PartyIdentifier> {
        match self {
            Identity::Verified(id) => Some(id),
            Identity::Unverified { .. } => None,
        }
    }

    /// Why there is no verified identifier; `None` when there is one.
    pub fn flaw(&self) -> Option<IdFlaw> {
        match self {
            Identity::Verified(_) => None,
            Identity::Unverified { id_as_written: None, .. } => Some(IdFlaw::Missing),
            Identity::Unverified { id_as_written: Some(_), .. } => Some(IdFlaw::FailsCheck),
        }
    }

    /// The ID number as it stands on record: the identifier, or the flawed one as written,
    /// or nothing.
    pub fn id_text(&self) -> Option<&str> {
        match self {
            Identity::Verified(id) => Some(id.as_str()),
            Identity::Unverified { id_as_written, .. } => id_as_written.as_deref(),
        }
    }

    /// The province a verified identifier names; an unverified one names none.
    pub fn province(&self) -> Option<Province> {
        self.identifier().and_then(PartyIdentifier::province)
    }
}

/// A debtor, guarantor or transferor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "PartyRecord", into = "PartyRecord")]
pub struct Party {
    pub name: String,
    pub identity: Identity,
    pub status: PartyStatus,
    /// Registered or home address, as given.
    pub address: Option<String>,
    pub phone: Option<String>,
}

/// A party as JSON: a verified party exactly as before unverified ones existed
/// (`identifier`), an unverified one with its `kind` and `id_as_written` instead.
#[derive(Serialize, Deserialize)]
struct PartyRecord {
    name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    identifier: Option<PartyIdentifier>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    kind: Option<PartyKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id_as_written: Option<String>,
    status: PartyStatus,
    address: Option<String>,
    phone: Option<String>,
}

impl TryFrom<PartyRecord> for Party {
    type Error = String;
    fn try_from(r: PartyRecord) -> Result<Party, String> {
        let identity = match (r.identifier, r.kind) {
            (Some(id), _) if r.id_as_written.is_none() => Identity::Verified(id),
            (None, Some(kind)) => Identity::Unverified { kind, id_as_written: r.id_as_written },
            _ => return Err("a party has either a valid identifier, or a kind and no identifier".into()),
        };
        Ok(Party { name: r.name, identity, status: r.status, address: r.address, phone: r.phone })
    }
}

impl From<Party> for PartyRecord {
    fn from(p: Party) -> PartyRecord {
        let (identifier, kind, id_as_written) = match p.identity {
            Identity::Verified(id) => (Some(id), None, None),
            Identity::Unverified { kind, id_as_written } => (None, Some(kind), id_as_written),
        };
        PartyRecord {
            name: p.name,
            identifier,
            kind,
            id_as_written,
            status: p.status,
            address: p.address,
            phone: p.phone,
        }
    }
}

impl Party {
    pub fn kind(&self) -> PartyKind {
        self.identity.kind()
    }

    /// The verified identifier, if there is one.
    pub fn identifier(&self) -> Option<&PartyIdentifier> {
        self.identity.identifier()
    }

    /// Where the party is: the address when it names a province, else the region
    /// code inside the identifier; `None` when neither says (a nationally registered
    /// organisation with no address on file, a party without a verified identifier).
    pub fn province(&self) -> Option<Province> {
        self.address.as_deref().and_then(province_of_address).or_else(|| self.identity.province())
    }
}

/// How far a parse got before it failed.
fn progress(e: &crate::ids::IdError) -> u8 {
    use crate::ids::IdError::*;
    match e {
        Length { .. } => 0,
        BadChar { .. } => 1,
        Region { .. } | BirthDate { .. } => 2,
        CheckChar { .. } => 3,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kind_follows_the_identifier() {
        let p = PartyIdentifier::parse("11010519491231002X").unwrap();
        assert_eq!(p.kind(), PartyKind::Individual);
        let c = PartyIdentifier::parse("91440300708461136T").unwrap();
        assert_eq!(c.kind(), PartyKind::Corporate);
        // A resident ID with a wrong check digit reports the resident-ID error.
        let e = PartyIdentifier::parse("110105194912310021").unwrap_err();
        assert!(e.to_string().contains("身份证号码"), "{e}");
        let e = PartyIdentifier::parse("91440300708461136A").unwrap_err();
        assert!(e.to_string().contains("统一社会信用代码"), "{e}");
    }

    #[test]
    fn province_prefers_the_address() {
        let party = Party {
            name: "张三".into(),
            identity: PartyIdentifier::parse("11010519491231002X").unwrap().into(),
            status: PartyStatus::Active,
            address: Some("杭州市西湖区文三路1号".into()),
            phone: None,
        };
        assert_eq!(party.province().unwrap().code(), "33");
        let no_address = Party { address: None, ..party };
        assert_eq!(no_address.province().unwrap().code(), "11");
        let bank = Party {
            name: "某国有大型商业银行".into(),
            identity: PartyIdentifier::parse("91100000100003962T").unwrap().into(),
            status: PartyStatus::Active,
            address: None,
            phone: None,
        };
        assert_eq!(bank.province(), None);
        let branch = Party { address: Some("浙江省杭州市上城区解放路1号".into()), ..bank };
        assert_eq!(branch.province().unwrap().code(), "33");
    }

    #[test]
    fn a_party_without_a_valid_identifier_is_its_own_state() {
        let verified = Party {
            name: "张三".into(),
            identity: PartyIdentifier::parse("11010519491231002X").unwrap().into(),
            status: PartyStatus::Active,
            address: None,
            phone: None,
        };
        // Verified parties serialise exactly as they did before (the audit chain holds them).
        assert_eq!(
            serde_json::to_string(&verified).unwrap(),
            r#"{"name":"张三","identifier":{"type":"resident_id","value":"11010519491231002X"},"status":"active","address":null,"phone":null}"#
        );
        let flawed = Party {
            identity: Identity::Unverified {
                kind: PartyKind::Individual,
                id_as_written: Some("110105194912310021".into()),
            },
            ..verified.clone()
        };
        assert_eq!(flawed.identity.flaw(), Some(IdFlaw::FailsCheck));
        assert_eq!(flawed.identifier(), None);
        assert_eq!(flawed.province(), None, "an ID that fails its check names no province");
        assert_eq!(flawed.identity.id_text(), Some("110105194912310021"));
        let json = serde_json::to_string(&flawed).unwrap();
        assert!(json.contains(r#""kind":"individual","id_as_written":"110105194912310021""#), "{json}");
        assert_eq!(serde_json::from_str::<Party>(&json).unwrap(), flawed);
        let missing =
            Party { identity: Identity::Unverified { kind: PartyKind::Corporate, id_as_written: None }, ..verified };
        assert_eq!((missing.kind(), missing.identity.flaw()), (PartyKind::Corporate, Some(IdFlaw::Missing)));
        assert_eq!(serde_json::from_str::<Party>(&serde_json::to_string(&missing).unwrap()).unwrap(), missing);
        assert!(
            serde_json::from_str::<Party>(r#"{"name":"x","status":"active","address":null,"phone":null}"#).is_err()
        );
    }
}
