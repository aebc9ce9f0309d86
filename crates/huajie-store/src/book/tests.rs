//! The book's reading of fields and workbooks.

use super::*;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
}

fn fields<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
    move |k| pairs.iter().find(|(key, _)| *key == k).map(|(_, v)| v.to_string())
}

/// Every kind of the description `BOOK_KINDS` is built from its fields, each filled with a
/// value of its kind and each read into the value the entry holds.
#[test]
fn every_kind_of_the_book_is_built_from_its_fields_as_read() {
    let (usccs, people) = (["91330100MA2AYA1GX3", "91330100MB0QF00063"], ["11010519491231002X", "330106198203040026"]);
    for kind in BOOK_KINDS {
        let mut n = 0;
        let filled: Vec<(&str, String)> = kind
            .fields
            .iter()
            .map(|f| {
                let value = match f.kind {
                    Date => "2026-09-30".to_string(),
                    Amount => "12.5".into(),
                    Text | PartyName => format!("{}（测试）", f.zh),
                    YesNo => "是".into(),
                    Percent => "30".into(),
                    Code(options) => options[options.len() - 1].0.into(),
                    Schedule => "2026-12-31 1 0.5".into(),
                    Party(kind) => {
                        n += 1;
                        match kind {
                            Some(PartyKind::Individual) => people[n % 2].into(),
                            _ => usccs[n % 2].into(),
                        }
                    }
                };
                (f.key, value)
            })
            .collect();
        let pairs: Vec<(&str, &str)> = filled.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let entry = read_entry(kind, &fields(&pairs), today()).unwrap_or_else(|e| panic!("{}: {e:?}", kind.code));
        let shown = format!("{entry:?}");
        for (key, value) in &filled {
            let spec = kind.fields.iter().find(|f| f.key == *key).unwrap();
            if matches!(spec.kind, Text | PartyName) {
                assert!(shown.contains(value.as_str()), "{}: {key} is kept: {shown}", kind.code);
            }
        }
        if kind.fields.iter().any(|f| f.kind == Amount) {
            assert!(shown.contains("1250000"), "{}: 12.5 万元 as fen: {shown}", kind.code);
        }
    }
}

#[test]
fn docs_compliance_md_describes_every_sheet_and_column() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/compliance.md")).unwrap();
    for kind in BOOK_KINDS {
        let line = doc
            .lines()
            .find(|l| l.starts_with(&format!("| {} |", kind.zh)))
            .unwrap_or_else(|| panic!("docs/compliance.md lacks the sheet {}", kind.zh));
        for f in kind.fields.iter().filter(|f| f.kind != FieldKind::Schedule) {
            assert!(line.contains(f.zh), "{}: {} missing", kind.zh, f.zh);
        }
    }
    assert!(doc.contains(&format!("| {} |", SCHEDULE_SHEET.0)));
}

#[test]
fn a_funding_entry_reads_amounts_in_wan_and_its_schedule() {
    let kind = book_kind("funding").unwrap();
    let get = fields(&[
        ("label", "工行流贷"),
        ("channel", "金融机构借款"),
        ("lender", "91330100MA2AYA1GX3"),
        ("principal", "5000"),
        ("start_date", "2026/1/15"),
        ("maturity_date", "2027-01-15"),
        ("schedule", "2026-10-15 0 62.5\n2027-01-15 5000 62.5"),
    ]);
    let BookEntry::Funding { principal, payments, channel, .. } = read_entry(kind, &get, today()).unwrap() else {
        panic!()
    };
    assert_eq!(principal, Money::from_yuan(50_000_000).unwrap());
    assert_eq!(channel, Channel::FiLoan);
    assert_eq!(payments[0].2, Money::from_yuan(625_000).unwrap());
}

#[test]
fn a_person_cannot_be_entered_as_their_own_relative() {
    let kind = book_kind("relative").unwrap();
    let get = fields(&[("a", "330106198001010013"), ("b", "330106198001010013")]);
    let e = read_entry(kind, &get, today()).unwrap_err();
    assert_eq!(e[0].0, "b");
    assert!(e[0].1.zh.contains("不能是自己的近亲属"), "{:?}", e[0].1);
}

#[test]
fn the_party_graph_is_entered_by_the_risk_role_alone() {
    use huajie_core::Role;
    for kind in BOOK_KINDS {
        let graph =
            matches!(kind.code, "holding" | "officer" | "staff" | "relative" | "staff_entity" | "party_attributes");
        assert_eq!(Role::Finance.can(kind.permission), !graph, "{}", kind.code);
        assert!(Role::Risk.can(kind.permission), "{}", kind.code);
    }
}

#[test]
fn an_amount_with_a_fraction_of_a_fen_is_refused_naming_its_field() {
    // 0.00000004 万 is 0.4 fen: it used to become 0 without a word.
    let kind = book_kind("cash_flow").unwrap();
    let get = fields(&[("label", "x"), ("due_date", "2026-12-20"), ("amount", "0.00000004"), ("inflow", "否")]);
    let e = read_entry(kind, &get, today()).unwrap_err();
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].0, "amount");
    assert!(e[0].1.zh.starts_with("金额（万元）：“0.00000004”有不足一分的尾数"), "{:?}", e[0].1);
    // The same in a repayment line, and in 元.
    let kind = book_kind("funding").unwrap();
    let get = fields(&[
        ("label", "x"),
        ("channel", "fi_loan"),
        ("lender", "91330100MA2AYA1GX3"),
        ("principal", "100.001元"),
        ("start_date", "2026-01-01"),
        ("maturity_date", "2027-01-01"),
        ("schedule", "2026-10-15 0 0.123456789"),
    ]);
    let e = read_entry(kind, &get, today()).unwrap_err();
    let keys: Vec<&str> = e.iter().map(|p| p.0).collect();
    assert_eq!(keys, vec!["principal", "schedule"]);
    assert!(e[1].1.zh.contains("“0.123456789”有不足一分的尾数"), "{:?}", e[1].1);
    // Whole fen are kept exactly.
    let kind = book_kind("cash_flow").unwrap();
    let get = fields(&[("label", "x"), ("due_date", "2026-12-20"), ("amount", "0.000001"), ("inflow", "否")]);
    let BookEntry::CashFlow { amount, .. } = read_entry(kind, &get, today()).unwrap() else { panic!() };
    assert_eq!(amount.fen(), 1);
}

#[test]
fn a_legacy_prohibited_channel_is_read_as_it_is_and_every_bad_field_is_named() {
    // Funding already raised through a private fund is entered as what it is (its
    // flag and finding follow from the channel), by its Chinese name as the export writes it.
    let kind = book_kind("funding").unwrap();
    for channel in ["private_fund", "私募投资基金融资（禁止）", "私募投资基金融资"] {
        let pairs = [
            ("label", "x"),
            ("channel", channel),
            ("lender", "91330100MA2AYA1GX3"),
            ("principal", "1"),
            ("start_date", "2026-01-01"),
            ("maturity_date", "2027-01-01"),
        ];
        let get = fields(&pairs);
        let BookEntry::Funding { channel, .. } = read_entry(kind, &get, today()).unwrap() else { panic!() };
        assert_eq!(channel, Channel::PrivateFund);
    }
    let get = fields(&[
        ("label", "x"),
        ("channel", "债券"),
        ("lender", "12345"),
        ("principal", "-1"),
        ("start_date", "明天"),
    ]);
    let keys: Vec<&str> = read_entry(kind, &get, today()).unwrap_err().iter().map(|p| p.0).collect();
    assert_eq!(keys, vec!["channel", "lender", "principal", "start_date", "maturity_date"]);
}
