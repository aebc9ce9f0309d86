//! The terms of checks recorded before the terms were typed (migration 18): the JSON the page
//! wrote then, read into `DealTerms` (what it did not keep — a funding's channel, an
//! investment's kinds — reads as absent).

use huajie_core::Money;
use huajie_rules::terms::{DealKind, DealTerms, PartyRef};

/// The terms of a check recorded before they were typed, from the JSON the page then
/// wrote (`amount_fen`, and `package_id`, `transferor`, `transferee`, `counterparty` with
/// their identifiers where given); `None` when that JSON does not say what is needed.
pub(crate) fn from_described(
    kind: DealKind,
    package_id: Option<i64>,
    label: &str,
    described: &str,
) -> Option<DealTerms> {
    let v: serde_json::Value = serde_json::from_str(described).ok()?;
    let amount = Money::from_fen(v.get("amount_fen")?.as_i64()?);
    let text = |k: &str| v.get(k).and_then(serde_json::Value::as_str).map(str::to_string);
    let party = |name: &str, identifier: &str| {
        let identifier = text(identifier).filter(|i| !i.trim().is_empty());
        let name = text(name).filter(|n| !n.trim().is_empty()).or_else(|| identifier.clone())?;
        Some(PartyRef { id: None, name, identifier })
    };
    let package_id = v.get("package_id").and_then(serde_json::Value::as_i64).or(package_id);
    Some(match kind {
        DealKind::Acquisition => DealTerms::Acquisition {
            package_id: package_id?,
            price: amount,
            transferor: party("transferor", "transferor_identifier").unwrap_or_default(),
            funding_line: None,
        },
        DealKind::Disposal => DealTerms::Disposal {
            package_id: package_id?,
            price: amount,
            transferee: party("transferee", "transferee_identifier"),
        },
        DealKind::Funding => DealTerms::Funding {
            label: label.into(),
            channel: None,
            lender: party("counterparty", "counterparty_identifier"),
            principal: amount,
        },
        DealKind::Investment => DealTerms::Investment {
            label: label.into(),
            investee: party("counterparty", "counterparty_identifier"),
            investment: None,
            exposure: None,
            amount,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_check_recorded_before_the_terms_were_typed_reads_from_what_it_described() {
        let old = r#"{"package_id":3,"package":"ZJ-2025-001","amount_fen":30000000000,"transferee":"张三","transferee_identifier":"330106198001010013"}"#;
        let t = from_described(DealKind::Disposal, Some(3), "ZJ-2025-001 → 张三", old).unwrap();
        let transferee = PartyRef { id: None, name: "张三".into(), identifier: Some("330106198001010013".into()) };
        assert_eq!(
            t,
            DealTerms::Disposal { package_id: 3, price: Money::from_fen(30_000_000_000), transferee: Some(transferee) }
        );
        let old = r#"{"amount_fen":100,"counterparty":"","counterparty_identifier":""}"#;
        let t = from_described(DealKind::Investment, None, "理财", old).unwrap();
        assert_eq!(t.counterparty(), None, "no party named is none, not id 0");
        assert_eq!(from_described(DealKind::Acquisition, None, "x", r#"{"amount_fen":1}"#), None);
    }
}
