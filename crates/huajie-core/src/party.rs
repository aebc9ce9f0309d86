//! Parties: debtors, guarantors, transferors. A party is corporate or individual, and
//! which one follows from its identifier, so the two can never disagree.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ids::{IdError, IdFault, IdKind, Province, ResidentId, Uscc, province_of_address};
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
    /// Reads either form, where nothing says which kind of party it names (a field that may
    /// hold either). A number that has the form of a resident ID — 18 characters, the first
    /// 17 digits, a division code and a real birth date from 1900 — or that one mistyped
    /// character (or two swapped neighbours) made from a valid one, is read as a resident ID;
    /// when it fails (its check digit, a birth date after `today`…) it is a faulty resident
    /// ID, never a USCC, even when it would pass as one: a person is never guessed into a
    /// company. Otherwise, when neither form fits, the error is that of the likelier form.
    pub fn parse(s: &str, today: NaiveDate) -> Result<PartyIdentifier, IdError> {
        let (t, removed) = crate::ids::compact(s);
        let mark = |mut e: IdError| {
            e.separators_removed |= removed;
            e
        };
        let e_rid = match ResidentId::parse(&t, today) {
            Ok(r) => return Ok(PartyIdentifier::ResidentId(r)),
            Err(e) => e,
        };
        let uscc = Uscc::parse(&t);
        if ResidentId::resembles(&t) {
            return Err(mark(IdError { not_taken_as_uscc: uscc.is_ok(), ..e_rid }));
        }
        match uscc {
            Ok(u) => Ok(PartyIdentifier::Uscc(u)),
            // The form that got further before failing is the one the user meant; on a
            // tie, digits only (an X may end it) means a resident ID.
            Err(e_uscc) => {
                let digits_only = t.len() >= 17 && t[..t.len() - 1].bytes().all(|b| b.is_ascii_digit());
                let rid_first = (e_rid.progress(), digits_only) >= (e_uscc.progress(), true);
                Err(mark(if rid_first { e_rid } else { e_uscc }))
            }
        }
    }

    /// Reads the form that `kind` says it is: a field that holds one kind (a USCC column, a
    /// party whose kind is given). A valid identifier of the other kind is refused as such.
    pub fn parse_as(kind: PartyKind, s: &str, today: NaiveDate) -> Result<PartyIdentifier, IdError> {
        match kind {
            PartyKind::Corporate => Uscc::parse(s).map(PartyIdentifier::Uscc).map_err(|e| {
                if ResidentId::parse(s, today).is_ok() {
                    IdError { fault: IdFault::WrongKind { found: IdKind::ResidentId }, ..e }
                } else {
                    e
                }
            }),
            PartyKind::Individual => ResidentId::parse(s, today).map(PartyIdentifier::ResidentId).map_err(|e| {
                let (t, _) = crate::ids::compact(s);
                if !ResidentId::resembles(&t) && Uscc::parse(s).is_ok() {
                    IdError { fault: IdFault::WrongKind { found: IdKind::Uscc }, ..e }
                } else {
                    e
                }
            }),
        }
    }

    /// Reads an identifier as Huajie stored it, of the kind stored with it: checked when it
    /// was entered, under the rules of its time (`Uscc::read_stored`, `ResidentId::read_stored`).
    pub fn read_stored(kind: PartyKind, s: &str) -> Result<PartyIdentifier, IdError> {
        match kind {
            PartyKind::Corporate => Uscc::read_stored(s).map(PartyIdentifier::Uscc),
            PartyKind::Individual => ResidentId::read_stored(s).map(PartyIdentifier::ResidentId),
        }
    }

    /// Whether a text names an organisation for certain: it is a valid USCC and has not the
    /// form of a resident ID. Anything else may be a person's number and is masked as one.
    pub fn is_organisation_code(s: &str) -> bool {
        let (t, _) = crate::ids::compact(s);
        Uscc::parse(&t).is_ok() && !ResidentId::resembles(&t)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Lang;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
    }

    fn parse(s: &str) -> Result<PartyIdentifier, IdError> {
        PartyIdentifier::parse(s, today())
    }

    #[test]
    fn the_kind_follows_the_identifier() {
        let p = parse("11010519491231002X").unwrap();
        assert_eq!(p.kind(), PartyKind::Individual);
        let c = parse("91440300708461136T").unwrap();
        assert_eq!(c.kind(), PartyKind::Corporate);
        // A resident ID with a wrong check digit reports the resident-ID error.
        let e = parse("110105194912310021").unwrap_err();
        assert!(e.to_string().contains("身份证号码"), "{e}");
        let e = parse("91440300708461136A").unwrap_err();
        assert!(e.to_string().contains("统一社会信用代码"), "{e}");
    }

    /// Every number one mistyped digit, or two swapped neighbours, away from `id`.
    fn typos(id: &str) -> Vec<String> {
        let b = id.as_bytes();
        let mut out = Vec::new();
        for i in 0..18 {
            for d in b"0123456789X" {
                if *d != b[i] && (i == 17 || *d != b'X') {
                    let mut v = b.to_vec();
                    v[i] = *d;
                    out.push(String::from_utf8(v).unwrap());
                }
            }
        }
        for i in 0..17 {
            if b[i] != b[i + 1] {
                let mut v = b.to_vec();
                v.swap(i, i + 1);
                out.push(String::from_utf8(v).unwrap());
            }
        }
        out
    }

    #[test]
    fn a_mistyped_resident_id_is_never_taken_for_a_company() {
        // 131101… (衡水市市辖区, a former code) 1950-01-01: mistyping its 8th digit as 3 gives a
        // number whose characters 3–8 (110119, 延庆区) and both check characters pass as a USCC.
        let person = ResidentId::with_check_char("13110119500101000").unwrap().to_string();
        assert_eq!(person, "131101195001010003");
        let typo = "131101135001010003";
        assert!(Uscc::parse(typo).is_ok(), "the typo passes every check of a USCC");
        let e = parse(typo).unwrap_err();
        assert_eq!(e.kind, IdKind::ResidentId);
        assert!(e.not_taken_as_uscc);
        assert!(e.to_string().contains("不作为统一社会信用代码接受"), "{e}");
        assert!(e.message(Lang::En).contains("not taken as a unified social credit code"), "{e:?}");
        // A mistyped region digit (131101 → 101101) breaks the region, not the resemblance.
        let region_typo = "101101195001010003";
        assert!(Uscc::parse(region_typo).is_ok());
        assert!(parse(region_typo).unwrap_err().not_taken_as_uscc);
        assert!(!PartyIdentifier::is_organisation_code(typo));
        assert!(!PartyIdentifier::is_organisation_code(region_typo));

        // Every single typo and swap of a thousand valid numbers: some pass as a USCC,
        // none is read as one.
        let mut passing_as_uscc = 0;
        for n in 0..1000u32 {
            let regions = ["131101", "331101", "330106", "110105", "441302", "321102", "512081", "810000"];
            let region = regions[n as usize % regions.len()];
            let born = NaiveDate::from_ymd_opt(1940, 1, 1).unwrap() + chrono::Days::new(u64::from(n * 7919 % 25000));
            let first17 = format!("{region}{}{:03}", born.format("%Y%m%d"), n % 1000);
            let id = ResidentId::with_check_char(&first17).unwrap().to_string();
            for t in typos(&id) {
                passing_as_uscc += usize::from(Uscc::parse(&t).is_ok());
                match parse(&t) {
                    Ok(PartyIdentifier::Uscc(u)) => panic!("{id} mistyped as {t} was read as the USCC {u}"),
                    Ok(PartyIdentifier::ResidentId(_)) | Err(_) => {}
                }
                assert!(!PartyIdentifier::is_organisation_code(&t), "{t}");
            }
        }
        assert!(passing_as_uscc > 0, "the sample holds typos that pass as USCCs");
    }

    #[test]
    fn a_field_of_one_kind_reads_that_kind() {
        let person = "11010519491231002X";
        let company = "91440300708461136T";
        assert!(matches!(
            PartyIdentifier::parse_as(PartyKind::Individual, person, today()),
            Ok(PartyIdentifier::ResidentId(_))
        ));
        let e = PartyIdentifier::parse_as(PartyKind::Corporate, person, today()).unwrap_err();
        assert_eq!((e.kind, &e.fault), (IdKind::Uscc, &IdFault::WrongKind { found: IdKind::ResidentId }));
        assert_eq!(e.to_string(), "应为统一社会信用代码，所填却是有效的身份证号码");
        assert_eq!(
            e.message(Lang::En),
            "a unified social credit code is expected here, but this is a valid resident ID number"
        );
        let e = PartyIdentifier::parse_as(PartyKind::Individual, company, today()).unwrap_err();
        assert_eq!(e.fault, IdFault::WrongKind { found: IdKind::Uscc });
        // In an ID column, the mistyped number is a faulty resident ID (its check digit).
        let e = PartyIdentifier::parse_as(PartyKind::Individual, "131101135001010003", today()).unwrap_err();
        assert_eq!(e.fault, IdFault::BornBefore1900 { position: 7 });
        // In a USCC column, a company whose code happens to open like a resident ID is read as
        // the company it is.
        assert!(matches!(
            PartyIdentifier::parse_as(PartyKind::Corporate, "131101135001010003", today()),
            Ok(PartyIdentifier::Uscc(_))
        ));
    }

    #[test]
    fn stored_identifiers_are_read_of_their_stored_kind() {
        // Accepted before issue 19, refused now: its organisation code fails GB 11714.
        let old = "91330100MA2AYA1G5Q";
        assert!(parse(old).is_err());
        assert_eq!(PartyIdentifier::read_stored(PartyKind::Corporate, old).unwrap().as_str(), old);
        assert!(PartyIdentifier::read_stored(PartyKind::Individual, old).is_err());
    }

    #[test]
    fn province_prefers_the_address() {
        let party = Party {
            name: "张三".into(),
            identity: parse("11010519491231002X").unwrap().into(),
            status: PartyStatus::Active,
            address: Some("杭州市西湖区文三路1号".into()),
            phone: None,
        };
        assert_eq!(party.province().unwrap().code(), "33");
        let no_address = Party { address: None, ..party };
        assert_eq!(no_address.province().unwrap().code(), "11");
        let bank = Party {
            name: "某国有大型商业银行".into(),
            identity: parse("91100000100003962T").unwrap().into(),
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
            identity: parse("11010519491231002X").unwrap().into(),
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
