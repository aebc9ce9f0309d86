//! The guarantors one row of a tape names, read the same way on the claims sheet and on a
//! guarantor sheet: a cell may name several (`张三、李四`, split by `、 ， , ; ；` or a line
//! break), and every one named is kept. A guarantor without an ID number is kept by name
//! (W116); one whose ID fails its check is kept with the ID as written (W118). Neither is
//! given a made-up identifier: they are `Identity::Unverified`, of the kind the tape's
//! `保证人类型` column says, else individuals (the reading that masks the most).

use chrono::NaiveDate;
use huajie_core::{GuaranteeKind, Identity, PartyKind};

use crate::coerce::{self, AmountUnit, is_blank};
use crate::fields::Field;
use crate::problem::Rule;
use crate::sheet::{KindSource, TapeGuarantor, read_identifier, read_party_kind, read_party_status};

/// The guarantor cells of one row, as written.
#[derive(Debug, Clone, Copy)]
pub(crate) struct GuarantorCells<'a> {
    pub names: &'a str,
    pub ids: Option<&'a str>,
    /// 保证人类型: 个人 / 企业…, one for all or one per guarantor.
    pub kinds: Option<&'a str>,
    pub caps: Option<(&'a str, AmountUnit)>,
    /// 保证方式, read once for the row.
    pub guarantee_kind: Option<GuaranteeKind>,
    pub addresses: Option<&'a str>,
    pub phones: Option<&'a str>,
    pub statuses: Option<&'a str>,
    /// The kind of party the ID column holds, as its header says (`保证人身份证号`).
    pub id_kind: Option<PartyKind>,
    /// For "a birth date is not after today".
    pub today: NaiveDate,
}

impl<'a> GuarantorCells<'a> {
    /// The names cell alone, read on `today`.
    pub fn new(names: &'a str, today: NaiveDate) -> GuarantorCells<'a> {
        GuarantorCells {
            names,
            ids: None,
            kinds: None,
            caps: None,
            guarantee_kind: None,
            addresses: None,
            phones: None,
            statuses: None,
            id_kind: None,
            today,
        }
    }
}

/// A problem found among a row's guarantors: the rule, the field (whose column the caller
/// knows), the value, and the details.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Found {
    pub rule: Rule,
    pub field: Field,
    pub value: String,
    pub zh: String,
    pub en: String,
}

/// The pieces of a cell for `n` guarantors: one piece each (an empty piece is no value
/// for that one), or one piece for all. `None` when the cell cannot be shared out that way
/// (reported by the caller).
fn share(pieces: &[String], n: usize) -> Option<Vec<Option<&str>>> {
    fn piece(p: &str) -> Option<&str> {
        Some(p).filter(|p| !p.is_empty())
    }
    match pieces.len() {
        0 => Some(vec![None; n]),
        1 => Some(vec![piece(&pieces[0]); n]),
        k if k == n => Some(pieces.iter().map(|p| piece(p)).collect()),
        _ => None,
    }
}

fn uneven(field: Field, value: &str, names: usize, pieces: usize) -> Found {
    Found {
        rule: Rule::InvalidValue,
        field,
        value: value.to_string(),
        zh: format!("本格列出 {pieces} 项，与 {names} 位保证人无法一一对应，未采用"),
        en: format!("{pieces} values for {names} guarantors: they cannot be matched one to one and were left out"),
    }
}

/// Reads the guarantors a row names, with what is wrong or flagged about them.
pub(crate) fn guarantors_of(cells: GuarantorCells<'_>) -> (Vec<TapeGuarantor>, Vec<Found>) {
    let names = coerce::split_list(cells.names);
    let n = names.len();
    let mut found = Vec::new();
    if n == 0 {
        return (Vec::new(), found);
    }
    let list = |cell: Option<&str>| cell.filter(|c| !is_blank(c)).map(coerce::split_aligned).unwrap_or_default();
    // ID numbers: one per guarantor, in order (an empty place is none); guarantors past the last ID have none.
    let ids = list(cells.ids);
    if ids.len() > n {
        let value = cells.ids.unwrap_or_default();
        found.push(Found {
            rule: Rule::InvalidValue,
            field: Field::GuarantorId,
            value: value.to_string(),
            zh: format!("本格列出 {} 个证件号码，多于 {n} 位保证人，多出的未采用", ids.len()),
            en: format!("{} ID numbers for {n} guarantors: the extra ones were left out", ids.len()),
        });
    }
    let kinds_list = list(cells.kinds);
    let kinds = share(&kinds_list, n).unwrap_or_else(|| {
        found.push(uneven(Field::GuarantorKind, cells.kinds.unwrap_or_default(), n, kinds_list.len()));
        vec![None; n]
    });
    let caps_list = list(cells.caps.map(|(c, _)| c));
    let caps = share(&caps_list, n).unwrap_or_else(|| {
        found.push(uneven(Field::Cap, cells.caps.map(|(c, _)| c).unwrap_or_default(), n, caps_list.len()));
        vec![None; n]
    });
    let mut text = |cell: Option<&str>, field: Field| -> Vec<Option<String>> {
        let pieces = list(cell);
        match share(&pieces, n) {
            Some(v) => v.into_iter().map(|p| p.map(str::to_string)).collect(),
            None => {
                found.push(uneven(field, cell.unwrap_or_default(), n, pieces.len()));
                vec![None; n]
            }
        }
    };
    let addresses = text(cells.addresses, Field::GuarantorAddress);
    let phones = text(cells.phones, Field::GuarantorPhone);
    let statuses = text(cells.statuses, Field::GuarantorStatus);
    let mut out = Vec::with_capacity(n);
    for (i, name) in names.into_iter().enumerate() {
        let kind = match kinds[i] {
            None => None,
            Some(k) => {
                let read = read_party_kind(&coerce::normalize(k));
                if read.is_none() {
                    found.push(not_a_choice(Field::GuarantorKind, k));
                }
                read
            }
        };
        let identity = match ids.get(i).filter(|id| !is_blank(id)) {
            None => {
                found.push(Found {
                    rule: Rule::GuarantorWithoutId,
                    field: Field::GuarantorName,
                    value: name.clone(),
                    zh: "保证人没有证件号码，已按名称载入，须核实身份".into(),
                    en: "the guarantor has no ID number: kept by name, to be identified".into(),
                });
                Identity::Unverified {
                    kind: kind.or(cells.id_kind).unwrap_or(PartyKind::Individual),
                    id_as_written: None,
                }
            }
            Some(id) => {
                // The kind as the row's 保证人类型 says, else the ID column's header, else the form.
                let said = kind
                    .map(|k| (k, KindSource::Row(Field::GuarantorKind)))
                    .or(cells.id_kind.map(|k| (k, KindSource::Column)));
                match read_identifier(id, said, cells.today) {
                    Ok(id) => Identity::Verified(id),
                    Err((zh, en)) => {
                        found.push(Found {
                            rule: Rule::GuarantorIdInvalid,
                            field: Field::GuarantorId,
                            value: id.clone(),
                            zh: format!("{zh}；证件号码照录载入并标记，须核实"),
                            en: format!("{en}; the ID number is kept as written and flagged, to be checked"),
                        });
                        Identity::Unverified {
                            kind: said.map(|(k, _)| k).unwrap_or(PartyKind::Individual),
                            id_as_written: Some(id.clone()),
                        }
                    }
                }
            }
        };
        let cap = match caps[i] {
            None => None,
            Some(c) => match coerce::parse_money(c, cells.caps.map(|(_, u)| u).unwrap_or_default()) {
                Ok(m) if m.fen() > 0 => Some(m),
                Ok(m) if m.is_negative() => {
                    found.push(Found {
                        rule: Rule::NegativeAmount,
                        field: Field::Cap,
                        value: c.to_string(),
                        zh: format!("“{}”为负数", Field::Cap.zh()),
                        en: format!("“{}” is negative", Field::Cap.en()),
                    });
                    None
                }
                Ok(_) => {
                    found.push(Found {
                        rule: Rule::InvalidValue,
                        field: Field::Cap,
                        value: c.to_string(),
                        zh: "保证金额应大于零；按不限额处理".into(),
                        en: "a guarantee cap must be above zero; read as unlimited".into(),
                    });
                    None
                }
                Err(e) => {
                    found.push(Found {
                        rule: Rule::InvalidValue,
                        field: Field::Cap,
                        value: c.to_string(),
                        zh: e.to_string(),
                        en: e.en().into(),
                    });
                    None
                }
            },
        };
        let status = match &statuses[i] {
            None => None,
            Some(s) => {
                let read = read_party_status(&coerce::normalize(s));
                if read.is_none() {
                    found.push(not_a_choice(Field::GuarantorStatus, s));
                }
                read
            }
        };
        out.push(TapeGuarantor {
            name,
            identity,
            cap,
            kind: cells.guarantee_kind,
            address: addresses[i].clone(),
            phone: phones[i].as_deref().map(coerce::normalize),
            status,
        });
    }
    (out, found)
}

fn not_a_choice(field: Field, value: &str) -> Found {
    Found {
        rule: Rule::InvalidValue,
        field,
        value: value.to_string(),
        zh: "不是可识别的选项".into(),
        en: "not a known choice".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use huajie_core::Money;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
    }

    fn person(n: u32) -> String {
        huajie_core::ResidentId::with_check_char(&format!("33010619800101{n:03}")).unwrap().to_string()
    }

    #[test]
    fn every_guarantor_a_cell_names_is_kept() {
        let bad = {
            let mut s = person(2);
            let last = s.pop().unwrap();
            s.push(if last == '0' { '1' } else { '0' });
            s
        };
        let ids = format!("{}，{bad}", person(1));
        let (gs, found) = guarantors_of(GuarantorCells {
            ids: Some(&ids),
            kinds: Some("个人、个人、个人、企业"),
            caps: Some(("100", AmountUnit::Wan)),
            ..GuarantorCells::new("张三、李四；王五\n杭州担保有限公司", today())
        });
        let names: Vec<&str> = gs.iter().map(|g| g.name.as_str()).collect();
        assert_eq!(names, ["张三", "李四", "王五", "杭州担保有限公司"]);
        assert!(matches!(gs[0].identity, Identity::Verified(_)));
        assert_eq!(
            gs[1].identity,
            Identity::Unverified { kind: PartyKind::Individual, id_as_written: Some(bad.clone()) }
        );
        assert_eq!(gs[2].identity, Identity::Unverified { kind: PartyKind::Individual, id_as_written: None });
        assert_eq!(gs[3].identity, Identity::Unverified { kind: PartyKind::Corporate, id_as_written: None });
        assert!(gs.iter().all(|g| g.cap == Some(Money::from_fen(100_000_000))), "one cap for all");
        let rules: Vec<(Rule, &str)> = found.iter().map(|f| (f.rule, f.value.as_str())).collect();
        assert_eq!(
            rules,
            [
                (Rule::GuarantorIdInvalid, bad.as_str()),
                (Rule::GuarantorWithoutId, "王五"),
                (Rule::GuarantorWithoutId, "杭州担保有限公司")
            ]
        );
        assert!(!found[1].zh.contains("王五"), "the name is the value, masked with it; not repeated in the text");
    }

    #[test]
    fn a_guarantors_kind_comes_from_its_row_or_its_column() {
        let company = "91440300708461136T";
        let person = person(1);
        // 保证人类型 个人 with a company's code: refused as such, kept as a person, named why.
        let (gs, found) = guarantors_of(GuarantorCells {
            ids: Some(company),
            kinds: Some("个人"),
            ..GuarantorCells::new("张三", today())
        });
        assert_eq!(
            gs[0].identity,
            Identity::Unverified { kind: PartyKind::Individual, id_as_written: Some(company.into()) }
        );
        assert_eq!(found[0].rule, Rule::GuarantorIdInvalid);
        assert!(
            found[0].zh.starts_with("应为身份证号码，所填却是有效的统一社会信用代码（依据本行的保证人类型：个人）；"),
            "{}",
            found[0].zh
        );
        assert!(found[0].en.contains(" (as the row's guarantor kind says: individual);"), "{}", found[0].en);
        // A column headed 保证人统一社会信用代码: a person's number there is refused, and a guarantor
        // without one is an organisation.
        let (gs, found) = guarantors_of(GuarantorCells {
            ids: Some(&person),
            id_kind: Some(PartyKind::Corporate),
            ..GuarantorCells::new("杭州担保有限公司", today())
        });
        assert_eq!(gs[0].identity.kind(), PartyKind::Corporate);
        assert!(
            found[0].zh.contains("应为统一社会信用代码，所填却是有效的身份证号码（依据本列的列名）"),
            "{}",
            found[0].zh
        );
        let (gs, _) = guarantors_of(GuarantorCells {
            id_kind: Some(PartyKind::Corporate),
            ..GuarantorCells::new("某公司", today())
        });
        assert_eq!(gs[0].identity, Identity::Unverified { kind: PartyKind::Corporate, id_as_written: None });
        // The row's kind wins over the column's.
        let (gs, found) = guarantors_of(GuarantorCells {
            ids: Some(company),
            kinds: Some("企业"),
            id_kind: Some(PartyKind::Individual),
            ..GuarantorCells::new("某公司", today())
        });
        assert!(found.is_empty(), "{found:?}");
        assert_eq!(gs[0].identity.kind(), PartyKind::Corporate);
    }

    #[test]
    fn a_negative_cap_is_a_negative_amount_as_anywhere() {
        let (gs, found) = guarantors_of(GuarantorCells {
            caps: Some(("-5", AmountUnit::Yuan)),
            ..GuarantorCells::new("张三", today())
        });
        assert_eq!(gs[0].cap, None);
        assert!(found.iter().any(|f| f.rule == Rule::NegativeAmount && f.field == Field::Cap));
    }

    #[test]
    fn values_that_cannot_be_shared_out_are_reported() {
        let (gs, found) = guarantors_of(GuarantorCells {
            caps: Some(("100、200", AmountUnit::Yuan)),
            phones: Some("13800000000、13900000000"),
            ..GuarantorCells::new("张三、李四、王五", today())
        });
        assert_eq!(gs.len(), 3);
        assert!(gs.iter().all(|g| g.cap.is_none() && g.phone.is_none()));
        let fields: Vec<Field> = found.iter().filter(|f| f.rule == Rule::InvalidValue).map(|f| f.field).collect();
        assert_eq!(fields, [Field::Cap, Field::GuarantorPhone]);
    }
}
