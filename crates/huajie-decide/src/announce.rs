//! Disposal announcements (处置公告, rules.md A10.2, Q11): what one must say, how its personal
//! data is masked before it is public, and when bidding may open.
//!
//! An announcement's content is a typed record (`Content`), drafted from an approved plan and
//! its subject, completed by the asset manager, checked against the A10.2 checklist
//! (`missing`), masked (`for_publication`) and published as a version: the published body is
//! what the public saw, hashed and never edited; a correction is the next version.

use chrono::NaiveDate;
use huajie_core::mask::{PersonalText, mask_id_number, mask_person_name, mask_within};
use huajie_core::{Lifecycle, Money, Text, named_enum};
use serde::{Deserialize, Serialize};

use crate::plan::DisposalMethod;

named_enum! {
    /// A version's life: a draft is edited; publishing makes it public (and the version before
    /// it superseded); a published version is never edited.
    pub enum AnnouncementStatus {
        Draft = ("draft", "草稿", "Draft"),
        Published = ("published", "已发布", "Published"),
        Superseded = ("superseded", "已更正（存档）", "Superseded (archived)"),
    }
}

impl Lifecycle for AnnouncementStatus {
    const NOUN: (&'static str, &'static str) = ("公告", "the announcement");
    fn all() -> &'static [AnnouncementStatus] {
        AnnouncementStatus::ALL
    }
    fn names(self) -> (&'static str, &'static str) {
        (self.zh(), self.en())
    }
    fn code(self) -> &'static str {
        Self::code(self)
    }
    fn can_become(self, next: AnnouncementStatus) -> bool {
        use AnnouncementStatus::*;
        matches!((self, next), (Draft, Published) | (Published, Superseded))
    }
}

/// A debtor or guarantor as the announcement names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Obligor {
    /// "debtor" or "guarantor".
    pub role: String,
    pub name: String,
    /// Its USCC or ID number, if known.
    pub identifier: Option<String>,
    /// A natural person (masked in public).
    pub person: bool,
}

/// One asset the announcement offers: a claim or a collateral item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssetLine {
    /// The contract number or the collateral's description.
    pub name: String,
    /// Its type (债权, 住宅, 商铺, 土地…).
    pub kind: String,
    /// Where it is (the collateral's or the debtor's location).
    pub location: String,
    pub province: String,
    pub principal: Money,
    pub interest: Money,
}

/// What an announcement says (the A10.2 checklist, field by field).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Content {
    pub title: String,
    pub assets: Vec<AssetLine>,
    pub obligors: Vec<Obligor>,
    /// The date the balances are stated at.
    pub base_date: NaiveDate,
    pub method: DisposalMethod,
    /// The reserve (starting) price.
    pub reserve: Money,
    /// The transaction's key conditions: deposit, payment, handover.
    pub conditions: String,
    /// Who may buy (and who may not: A10.4).
    pub buyer_requirements: String,
    /// Whom to ask, and how.
    pub contact: String,
    /// Where to report interference with the disposal.
    pub report_channel: String,
}

impl Content {
    /// The principal and interest offered, together.
    pub fn balance(&self) -> Money {
        Money::from_fen(self.assets.iter().map(|a| a.principal.fen().saturating_add(a.interest.fen())).sum())
    }
}

/// The checklist of A10.2: every item an announcement lacks, by field.
pub fn missing(c: &Content) -> Vec<(&'static str, Text)> {
    let mut out = Vec::new();
    let mut need = |field: &'static str, present: bool, zh: &'static str, en: &'static str| {
        if !present {
            out.push((field, Text::fixed(zh, en)));
        }
    };
    need("title", !c.title.trim().is_empty(), "公告须有标题。", "The announcement needs a title.");
    need("assets", !c.assets.is_empty(), "公告须列明处置资产。", "The announcement lists the assets offered.");
    need(
        "assets",
        c.assets
            .iter()
            .all(|a| !a.name.trim().is_empty() && !a.kind.trim().is_empty() && !a.location.trim().is_empty()),
        "每项资产须写明名称、类型和所在地。",
        "Each asset gives its name, type and location.",
    );
    need(
        "obligors",
        c.obligors.iter().any(|o| o.role == "debtor"),
        "公告须写明债务人。",
        "The announcement names the debtor.",
    );
    need("reserve", c.reserve.fen() > 0, "公告须写明底价。", "The announcement states the reserve price.");
    need(
        "conditions",
        !c.conditions.trim().is_empty(),
        "公告须写明交易条件（保证金、付款、交割）。",
        "The announcement states the conditions (deposit, payment, handover).",
    );
    need(
        "buyer_requirements",
        !c.buyer_requirements.trim().is_empty(),
        "公告须写明对受让方的要求。",
        "The announcement states who may buy.",
    );
    need("contact", !c.contact.trim().is_empty(), "公告须写明联系人和联系方式。", "The announcement gives a contact.");
    need(
        "report_channel",
        !c.report_channel.trim().is_empty(),
        "公告须写明干扰处置的举报渠道。",
        "The announcement gives the channel for reporting interference.",
    );
    out
}

/// The content as the public may see it: individuals' names and ID numbers masked wherever
/// they appear (the obligor list and every free text), and any other resident ID number too.
pub fn for_publication(c: &Content) -> Content {
    let personal: Vec<PersonalText> = c
        .obligors
        .iter()
        .filter(|o| o.person)
        .flat_map(|o| {
            std::iter::once(PersonalText::Name(o.name.clone())).chain(o.identifier.clone().map(PersonalText::IdNumber))
        })
        .collect();
    let m = |s: &str| mask_within(s, &personal);
    Content {
        title: m(&c.title),
        assets: c
            .assets
            .iter()
            .map(|a| AssetLine { name: m(&a.name), kind: m(&a.kind), location: m(&a.location), ..a.clone() })
            .collect(),
        obligors: c
            .obligors
            .iter()
            .map(|o| match o.person {
                true => Obligor {
                    name: mask_person_name(&o.name),
                    identifier: o.identifier.as_deref().map(mask_id_number),
                    ..o.clone()
                },
                false => o.clone(),
            })
            .collect(),
        conditions: m(&c.conditions),
        buyer_requirements: m(&c.buyer_requirements),
        contact: m(&c.contact),
        report_channel: m(&c.report_channel),
        ..c.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content() -> Content {
        Content {
            title: "关于张三丰债权的处置公告".into(),
            assets: vec![AssetLine {
                name: "借款合同 JK-2019-001".into(),
                kind: "债权".into(),
                location: "四川省成都市".into(),
                province: "四川省".into(),
                principal: Money::from_fen(100_000_000),
                interest: Money::from_fen(5_000_000),
            }],
            obligors: vec![
                Obligor {
                    role: "debtor".into(),
                    name: "张三丰".into(),
                    identifier: Some("11010519491231002X".into()),
                    person: true,
                },
                Obligor {
                    role: "guarantor".into(),
                    name: "成都某某贸易有限公司".into(),
                    identifier: None,
                    person: false,
                },
            ],
            base_date: NaiveDate::from_ymd_opt(2026, 9, 30).unwrap(),
            method: DisposalMethod::OnlineAuction,
            reserve: Money::from_fen(60_000_000),
            conditions: "保证金 10 万元；张三丰或其关联方不得参与".into(),
            buyer_requirements: "具有完全民事行为能力的自然人或依法设立的法人".into(),
            contact: "王经理 028-12345678".into(),
            report_channel: "纪检监察室 028-87654321".into(),
        }
    }

    #[test]
    fn a_complete_announcement_lacks_nothing_and_each_gap_is_named() {
        assert!(missing(&content()).is_empty());
        let c = Content { conditions: " ".into(), report_channel: String::new(), obligors: vec![], ..content() };
        let fields: Vec<&str> = missing(&c).iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, vec!["obligors", "conditions", "report_channel"]);
    }

    #[test]
    fn individuals_are_masked_everywhere_companies_are_not() {
        let public = for_publication(&content());
        let json = serde_json::to_string(&public).unwrap();
        assert!(!json.contains("张三丰") && !json.contains("11010519491231002X"), "{json}");
        assert!(public.title.contains("张**"), "{}", public.title);
        assert!(public.conditions.starts_with("保证金"));
        assert!(json.contains("成都某某贸易有限公司"));
        assert_eq!(public.balance(), content().balance());
    }

    #[test]
    fn a_published_version_is_never_edited() {
        use AnnouncementStatus::*;
        assert!(Draft.can_become(Published) && Published.can_become(Superseded));
        assert!(!Published.can_become(Draft) && !Superseded.can_become(Published));
    }
}
