//! What a pre-trade check decided on, as the record keeps it: the kind of deal and its terms
//! (a package's price and its transferor or transferee, a funding's channel, lender and
//! principal, an investment's investee and amount), built from the checked `Deal` — never a
//! JSON blob read back by key. Serialized as JSON with the kind as a tag; the codes of
//! channels and kinds are those of storage and the API.

use huajie_core::Money;
use serde::{Deserialize, Serialize};

use crate::checks::Counterparty;
use crate::funding_line::PaidFrom;
use crate::indicators::{Channel, ExposureKind, InvestmentKind};
use crate::pretrade::Deal;

huajie_core::named_enum! {
    /// The kind of a checked deal.
    pub enum DealKind {
        Acquisition = ("acquisition", "收购", "Acquisition"),
        Funding = ("funding", "融资", "Funding"),
        Investment = ("investment", "投资", "Investment"),
        Disposal = ("disposal", "处置", "Disposal"),
    }
}

/// A party named in a deal's terms: its id when it is registered, its name, and the
/// identifier given for it (USCC or resident ID; a person's is masked for viewers without
/// the personal-data permission).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartyRef {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifier: Option<String>,
}

impl PartyRef {
    /// The party a deal names, `None` when it names none.
    pub fn of(c: &Counterparty) -> Option<PartyRef> {
        match c {
            Counterparty::Registered(p) => Some(PartyRef { id: Some(p.id), name: p.name.clone(), identifier: None }),
            Counterparty::Unregistered { name, identifier, .. } => {
                Some(PartyRef { id: None, name: name.clone(), identifier: Some(identifier.clone()) })
            }
            Counterparty::None => None,
        }
    }
}

/// A funding line of the book, by its id and its label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineRef {
    pub id: i64,
    pub label: String,
}

/// The terms of a checked deal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DealTerms {
    Acquisition {
        package_id: i64,
        price: Money,
        transferor: PartyRef,
        /// The funding line the price is drawn on; `None` when it is paid out of cash.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        funding_line: Option<LineRef>,
    },
    Disposal {
        package_id: i64,
        price: Money,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        transferee: Option<PartyRef>,
    },
    Funding {
        label: String,
        /// `None` only in a check recorded before the terms were typed (it did not keep it).
        #[serde(default, skip_serializing_if = "Option::is_none", with = "channel_code")]
        channel: Option<Channel>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        lender: Option<PartyRef>,
        principal: Money,
    },
    Investment {
        label: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        investee: Option<PartyRef>,
        /// `None` only in a check recorded before the terms were typed.
        #[serde(default, skip_serializing_if = "Option::is_none", with = "investment_code")]
        investment: Option<InvestmentKind>,
        #[serde(default, skip_serializing_if = "Option::is_none", with = "exposure_code")]
        exposure: Option<ExposureKind>,
        amount: Money,
    },
}

impl DealTerms {
    /// The terms of `deal`; `None` for an acquisition or a disposal without its package.
    pub fn of(deal: &Deal, package_id: Option<i64>) -> Option<DealTerms> {
        Some(match deal {
            Deal::Acquisition { transferor, price, paid_from, .. } => DealTerms::Acquisition {
                package_id: package_id?,
                price: *price,
                transferor: PartyRef { id: Some(transferor.id), name: transferor.name.clone(), identifier: None },
                funding_line: match paid_from {
                    PaidFrom::Cash => None,
                    PaidFrom::Line(d) => Some(LineRef { id: d.line().id, label: d.line().label.clone() }),
                },
            },
            Deal::Disposal { transferee, price, .. } => {
                DealTerms::Disposal { package_id: package_id?, price: *price, transferee: PartyRef::of(transferee) }
            }
            Deal::Funding { label, channel, lender, principal, .. } => DealTerms::Funding {
                label: label.clone(),
                channel: Some(*channel),
                lender: PartyRef::of(lender),
                principal: *principal,
            },
            Deal::Investment { label, party, kind, exposure, amount } => DealTerms::Investment {
                label: label.clone(),
                investee: PartyRef::of(party),
                investment: Some(*kind),
                exposure: Some(*exposure),
                amount: *amount,
            },
        })
    }

    pub fn kind(&self) -> DealKind {
        match self {
            DealTerms::Acquisition { .. } => DealKind::Acquisition,
            DealTerms::Disposal { .. } => DealKind::Disposal,
            DealTerms::Funding { .. } => DealKind::Funding,
            DealTerms::Investment { .. } => DealKind::Investment,
        }
    }

    /// The price or amount checked.
    pub fn amount(&self) -> Money {
        match self {
            DealTerms::Acquisition { price, .. } | DealTerms::Disposal { price, .. } => *price,
            DealTerms::Funding { principal, .. } => *principal,
            DealTerms::Investment { amount, .. } => *amount,
        }
    }

    /// The counterparty named (transferor, transferee, lender, investee), if any.
    pub fn counterparty(&self) -> Option<&PartyRef> {
        match self {
            DealTerms::Acquisition { transferor, .. } => Some(transferor),
            DealTerms::Disposal { transferee, .. } => transferee.as_ref(),
            DealTerms::Funding { lender, .. } => lender.as_ref(),
            DealTerms::Investment { investee, .. } => investee.as_ref(),
        }
    }

    /// The same, to change (masking a person's name and ID number for a viewer).
    pub fn counterparty_mut(&mut self) -> Option<&mut PartyRef> {
        match self {
            DealTerms::Acquisition { transferor, .. } => Some(transferor),
            DealTerms::Disposal { transferee, .. } => transferee.as_mut(),
            DealTerms::Funding { lender, .. } => lender.as_mut(),
            DealTerms::Investment { investee, .. } => investee.as_mut(),
        }
    }
}

/// Serde of an optional code type (`code`/`from_code`) as its code.
macro_rules! by_code {
    ($m:ident, $t:ty) => {
        mod $m {
            use serde::{Deserialize, Deserializer, Serializer};
            pub fn serialize<S: Serializer>(v: &Option<$t>, s: S) -> Result<S::Ok, S::Error> {
                match v {
                    Some(v) => s.serialize_str(v.code()),
                    None => s.serialize_none(),
                }
            }
            pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<$t>, D::Error> {
                let code: Option<String> = Option::deserialize(d)?;
                code.map(|c| <$t>::from_code(&c).ok_or_else(|| serde::de::Error::custom(format!("unknown code {c}"))))
                    .transpose()
            }
        }
    };
}
by_code!(channel_code, crate::indicators::Channel);
by_code!(investment_code, crate::indicators::InvestmentKind);
by_code!(exposure_code, crate::indicators::ExposureKind);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_round_trip_and_name_their_kind() {
        let t = DealTerms::Funding {
            label: "并购贷款".into(),
            channel: Some(Channel::from_code("fi_loan").expect("a channel")),
            lender: Some(PartyRef { id: Some(7), name: "建设银行".into(), identifier: None }),
            principal: Money::from_fen(40_000_000_000),
        };
        let json = serde_json::to_string(&t).unwrap();
        assert!(json.starts_with(r#"{"kind":"funding","label":"并购贷款","channel":"fi_loan""#), "{json}");
        assert_eq!(serde_json::from_str::<DealTerms>(&json).unwrap(), t);
        assert_eq!((t.kind(), t.amount()), (DealKind::Funding, Money::from_fen(40_000_000_000)));
        assert!(serde_json::from_str::<DealTerms>(r#"{"kind":"gift","amount":1}"#).is_err(), "no unknown kind");
        assert_eq!(DealKind::from_code("gift"), None, "no fallback to an investment");
    }

    #[test]
    fn terms_are_built_from_the_deal_and_a_package_deal_names_its_package() {
        use crate::checks::CheckParty;
        let bank = CheckParty { id: 3, name: "某银行".into(), ..CheckParty::default() };
        let deal = Deal::Acquisition {
            transferor: bank,
            claims: Vec::new(),
            price: Money::from_fen(100),
            kind: InvestmentKind::FinancialNpa,
            flags: Vec::new(),
            paid_from: PaidFrom::Cash,
            cost: None,
        };
        let transferor = PartyRef { id: Some(3), name: "某银行".into(), identifier: None };
        let terms = DealTerms::of(&deal, Some(9));
        assert_eq!(
            terms,
            Some(DealTerms::Acquisition {
                package_id: 9,
                price: Money::from_fen(100),
                transferor: transferor.clone(),
                funding_line: None
            })
        );
        // A purchase paid from cash keeps the terms' JSON of a check recorded before lines.
        let json = serde_json::to_string(&terms).unwrap();
        assert!(!json.contains("funding_line"), "{json}");
        assert_eq!(DealTerms::of(&deal, None), None, "never package 0");
        let investment = Deal::Investment {
            label: "理财".into(),
            party: Counterparty::None,
            kind: InvestmentKind::Treasury,
            exposure: ExposureKind::Bond,
            amount: Money::from_fen(5),
        };
        let terms = DealTerms::of(&investment, None).unwrap();
        assert_eq!((terms.kind(), terms.counterparty()), (DealKind::Investment, None), "no party is none");
    }
}
