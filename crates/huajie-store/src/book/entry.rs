//! One book entry built from its fields as read: each field read into its type (`Read`), the
//! entry made from those values.

use chrono::NaiveDate;
use huajie_core::{Money, PartyIdentifier, Text};
use huajie_rules::indicators::{Capacity, Channel, ExposureKind, InvestmentKind, LiquidKind};

use super::{BOOK_KINDS, BookEntry, BookKind, FieldProblem, PartyRef};

/// A field's value, read into what its `FieldKind` makes of the text.
#[derive(Debug, Clone)]
pub(super) enum Read {
    Text(String),
    Date(NaiveDate),
    Money(Money),
    Party(PartyIdentifier),
    Yes(bool),
    Bps(u32),
    Code(&'static str),
    Schedule(Vec<(NaiveDate, Money, Money)>),
}

/// A field as its type, or the problem that the description `BOOK_KINDS` and `build_entry`
/// disagree on it (a unit test builds every kind, so this is never met).
type Got<T> = Result<T, Vec<FieldProblem>>;

fn disagree(key: &str) -> Vec<FieldProblem> {
    let key = BOOK_KINDS.iter().flat_map(|k| k.fields).map(|f| f.key).find(|k| *k == key).unwrap_or("");
    vec![(
        key,
        Text::fixed("台账类别的字段说明与读取不一致", "the book's description of this kind and its reader disagree"),
    )]
}

/// The fields of one entry as read, by key (a blank optional field is absent).
#[derive(Default)]
pub(super) struct Values(pub(super) std::collections::HashMap<&'static str, Read>);

impl Values {
    /// A text field ("" when left blank).
    fn text(&self, key: &str) -> Got<String> {
        match self.0.get(key) {
            Some(Read::Text(t)) => Ok(t.clone()),
            None => Ok(String::new()),
            Some(_) => Err(disagree(key)),
        }
    }
    fn date(&self, key: &str) -> Got<NaiveDate> {
        match self.0.get(key) {
            Some(Read::Date(d)) => Ok(*d),
            _ => Err(disagree(key)),
        }
    }
    fn money(&self, key: &str) -> Got<Money> {
        match self.0.get(key) {
            Some(Read::Money(m)) => Ok(*m),
            _ => Err(disagree(key)),
        }
    }
    /// An optional amount (none when left blank).
    fn opt_money(&self, key: &str) -> Got<Option<Money>> {
        match self.0.get(key) {
            Some(Read::Money(m)) => Ok(Some(*m)),
            None => Ok(None),
            Some(_) => Err(disagree(key)),
        }
    }
    fn yes(&self, key: &str) -> Got<bool> {
        match self.0.get(key) {
            Some(Read::Yes(b)) => Ok(*b),
            _ => Err(disagree(key)),
        }
    }
    fn bps(&self, key: &str) -> Got<u32> {
        match self.0.get(key) {
            Some(Read::Bps(b)) => Ok(*b),
            _ => Err(disagree(key)),
        }
    }
    fn code<T>(&self, key: &str, from_code: impl Fn(&str) -> Option<T>) -> Got<T> {
        match self.0.get(key) {
            Some(Read::Code(c)) => from_code(c).ok_or_else(|| disagree(key)),
            _ => Err(disagree(key)),
        }
    }
    /// A party by its identifier, with the name given beside it (`name_key`, "" for none).
    fn party(&self, key: &str, name_key: &str) -> Got<PartyRef> {
        match self.0.get(key) {
            Some(Read::Party(identifier)) => Ok(PartyRef {
                identifier: identifier.clone(),
                name: match self.0.get(name_key) {
                    Some(Read::Text(name)) => Some(name.clone()),
                    _ => None,
                },
            }),
            _ => Err(disagree(key)),
        }
    }
    /// A repayment schedule (none when left blank).
    fn schedule(&self, key: &str) -> Got<Vec<(NaiveDate, Money, Money)>> {
        match self.0.get(key) {
            Some(Read::Schedule(s)) => Ok(s.clone()),
            None => Ok(Vec::new()),
            Some(_) => Err(disagree(key)),
        }
    }
}

/// The entry of `kind` from its fields as read, or what is wrong across fields (a party
/// holding itself…).
pub(super) fn build_entry(kind: &BookKind, v: &Values) -> Result<BookEntry, Vec<FieldProblem>> {
    let entry = match kind.code {
        "net_assets" => BookEntry::NetAssets {
            quarter_end: v.date("quarter_end")?,
            amount: v.money("amount")?,
            source: v.text("source")?,
        },
        "investment" => BookEntry::Investment {
            booked_on: v.date("booked_on")?,
            amount: v.money("amount")?,
            kind: v.code("kind", InvestmentKind::from_code)?,
            description: v.text("description")?,
        },
        "funding" => {
            // A prohibited channel is recorded as it is (rules.md Part G): the book must say the
            // truth to show the breach; the indicators count it and flag it, the book raises it as
            // a finding, and a new proposal through it is blocked by the pre-trade check.
            let channel = v.code("channel", Channel::from_code)?;
            let (start, maturity) = (v.date("start_date")?, v.date("maturity_date")?);
            if maturity < start {
                return Err(vec![(
                    "maturity_date",
                    Text::fixed("到期日早于起始日", "the maturity is before the start"),
                )]);
            }
            let (principal, line_limit) = (v.money("principal")?, v.opt_money("line_limit")?);
            if line_limit.is_some_and(|limit| limit < principal) {
                return Err(vec![(
                    "line_limit",
                    Text::fixed("授信额度低于本金余额", "the line's limit is below the principal outstanding"),
                )]);
            }
            BookEntry::Funding {
                label: v.text("label")?,
                channel,
                lender: v.party("lender", "lender_name")?,
                principal,
                start_date: start,
                maturity_date: maturity,
                payments: v.schedule("schedule")?,
                line_limit,
            }
        }
        "cash_flow" => BookEntry::CashFlow {
            label: v.text("label")?,
            due_date: v.date("due_date")?,
            amount: v.money("amount")?,
            inflow: v.yes("inflow")?,
        },
        "liquid_asset" => BookEntry::LiquidAsset {
            label: v.text("label")?,
            kind: v.code("kind", LiquidKind::from_code)?,
            amount: v.money("amount")?,
            encumbered: v.yes("encumbered")?,
        },
        "exposure" => BookEntry::Exposure {
            party: v.party("party", "party_name")?,
            kind: v.code("kind", ExposureKind::from_code)?,
            book_value: v.money("book_value")?,
            description: v.text("description")?,
        },
        _ => return build_graph_entry(kind, v),
    };
    Ok(entry)
}

/// An entry of the party graph (holdings, officers, staff, relatives, staff entities, attributes).
fn build_graph_entry(kind: &BookKind, v: &Values) -> Result<BookEntry, Vec<FieldProblem>> {
    let entry = match kind.code {
        "holding" => {
            let (holder, held) = (v.party("holder", "holder_name")?, v.party("held", "held_name")?);
            if holder.identifier == held.identifier {
                return Err(vec![("held", Text::fixed("持有人与被持有方相同", "a party cannot hold itself"))]);
            }
            BookEntry::Holding { holder, held, stake_bps: v.bps("stake")?, control: v.yes("control")? }
        }
        "officer" => BookEntry::Officer { party: v.party("party", "party_name")?, role: v.text("role")? },
        "staff" => BookEntry::Staff { party: v.party("party", "party_name")?, department: v.text("department")? },
        "staff_entity" => {
            let (person, entity) = (v.party("person", "")?, v.party("entity", "entity_name")?);
            if person.identifier == entity.identifier {
                return Err(vec![("entity", Text::fixed("本人与企业相同", "the person and the entity are the same"))]);
            }
            BookEntry::StaffEntity { person, entity, capacity: v.code("capacity", Capacity::from_code)? }
        }
        "relative" => {
            let (a, b) = (v.party("a", "")?, v.party("b", "b_name")?);
            if a.identifier == b.identifier {
                return Err(vec![(
                    "b",
                    Text::fixed("本人不能是自己的近亲属", "a person cannot be their own relative"),
                )]);
            }
            BookEntry::Relative { a, b }
        }
        _ => BookEntry::Attributes {
            party: v.party("party", "party_name")?,
            state_organ: v.yes("state_organ")?,
            lgfv: v.yes("lgfv")?,
            licensed_fi: v.yes("licensed_fi")?,
        },
    };
    Ok(entry)
}

/// The audit log's entity for an entry of kind `code` (its records are found by the entry's id).
pub fn audit_entity(code: &str) -> Option<&'static str> {
    Some(match code {
        "net_assets" => "net_assets",
        "investment" => "investment",
        "funding" => "funding_instrument",
        "cash_flow" => "cash_flow",
        "liquid_asset" => "liquid_asset",
        "exposure" => "exposure",
        "holding" => "party_link",
        "officer" => "officer",
        "staff" => "staff",
        "relative" => "relative",
        "staff_entity" => "staff_entity",
        "party_attributes" => "party_attributes",
        _ => return None,
    })
}
