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

/// A debtor, guarantor or transferor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Party {
    pub name: String,
    pub identifier: PartyIdentifier,
    pub status: PartyStatus,
    /// Registered or home address, as given.
    pub address: Option<String>,
    pub phone: Option<String>,
}

impl Party {
    pub fn kind(&self) -> PartyKind {
        self.identifier.kind()
    }

    /// Where the party is: the address when it names a province, else the region
    /// code inside the identifier; `None` when neither says (a nationally registered
    /// organisation with no address on file).
    pub fn province(&self) -> Option<Province> {
        self.address.as_deref().and_then(province_of_address).or_else(|| self.identifier.province())
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
            identifier: PartyIdentifier::parse("11010519491231002X").unwrap(),
            status: PartyStatus::Active,
            address: Some("杭州市西湖区文三路1号".into()),
            phone: None,
        };
        assert_eq!(party.province().unwrap().code(), "33");
        let no_address = Party { address: None, ..party };
        assert_eq!(no_address.province().unwrap().code(), "11");
        let bank = Party {
            name: "某国有大型商业银行".into(),
            identifier: PartyIdentifier::parse("91100000100003962T").unwrap(),
            status: PartyStatus::Active,
            address: None,
            phone: None,
        };
        assert_eq!(bank.province(), None);
        let branch = Party { address: Some("浙江省杭州市上城区解放路1号".into()), ..bank };
        assert_eq!(branch.province().unwrap().code(), "33");
    }
}
