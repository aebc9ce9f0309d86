//! Tapes in several sheets: claims in one, collateral and guarantors in others, linked
//! by contract number. A collateral row may name several contracts (`HT-1、HT-2`): one
//! item securing several claims. A collateral or guarantor row that breaks a rule of its
//! own is rejected alone; its claims still load.

use std::collections::HashMap;

use huajie_core::ids::province_of_address;

use crate::coerce::{self, AmountUnit, is_blank};
use crate::fields::{Entity, Field};
use crate::guarantors::{GuarantorCells, guarantors_of};
use crate::header::{HEADER_SEARCH_ROWS, Header, MappingProfile, detect_header_with, is_total_row};
use crate::problem::{Problem, Rule};
use crate::read::{RowEvent, Sink, TapeRead, read_claims_each};
use crate::reader::RowItem;
use crate::sheet::{
    SheetOptions, TapeCollateral, TapeGuarantor, read_collateral_type, read_guarantee_kind, shortened, too_long,
    too_long_detail,
};
use crate::workbook::{Sheet, claims_sheet};

/// A collateral item from a collateral sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkedCollateral {
    pub sheet: String,
    pub row: usize,
    /// The contracts it secures, as the claims sheet writes them (only those found there).
    pub contracts: Vec<String>,
    pub item: TapeCollateral,
}

/// A guarantor from a guarantor sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkedGuarantor {
    pub sheet: String,
    pub row: usize,
    /// The contracts it guarantees, as the claims sheet writes them (only those found there).
    pub contracts: Vec<String>,
    pub guarantor: TapeGuarantor,
}

/// What a sheet holds, judged from its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SheetRole {
    Claims,
    Collateral,
    Guarantors,
}

pub fn sheet_role(header: &Header) -> Option<SheetRole> {
    let has = |f: Field| header.columns.iter().any(|c| c.field == Some(f));
    let claim_fields = header
        .columns
        .iter()
        .filter(|c| c.field.is_some_and(|f| f.entity() == Entity::Claim && f != Field::ContractNo))
        .count();
    if has(Field::DebtorName) && has(Field::Principal) || claim_fields >= 3 {
        Some(SheetRole::Claims)
    } else if has(Field::ContractNo) && (has(Field::CollateralType) || has(Field::AppraisedValue)) {
        Some(SheetRole::Collateral)
    } else if has(Field::ContractNo) && has(Field::GuarantorName) {
        Some(SheetRole::Guarantors)
    } else {
        None
    }
}

/// Reads a workbook tape: the claims sheet, then every collateral and guarantor sheet
/// linked to it by contract number. The valid claims are kept in `TapeRead::claims`.
pub fn read_linked(
    sheets: &[Sheet],
    options: SheetOptions,
    profile: &MappingProfile,
) -> Result<TapeRead, Vec<Problem>> {
    let (read, claims) = crate::read::collecting(|sink| read_linked_each(sheets, options, profile, sink));
    Ok(TapeRead { claims, ..read? })
}

/// `read_linked`, handing each valid claim of the claims sheet to `sink`.
pub fn read_linked_each(
    sheets: &[Sheet],
    options: SheetOptions,
    profile: &MappingProfile,
    sink: Sink<'_>,
) -> Result<TapeRead, Vec<Problem>> {
    let Some(main) = claims_sheet(sheets) else {
        return Err(vec![crate::read::no_header_problem()]);
    };
    let today = options.today;
    // Contract key → the contract number as the claims sheet writes it.
    let mut contracts: HashMap<String, String> = HashMap::new();
    let mut on_event = |event: RowEvent| {
        if let RowEvent::Claim(c) = &event {
            contracts.insert(coerce::contract_key(&c.contract_no), c.contract_no.clone());
        }
        sink(event);
    };
    let first = read_claims_each(sheets[main].rows.iter().cloned(), options.clone(), profile, &mut on_event);
    let mut read = match crate::read::lacks_cutoff(&options, &first) {
        false => first?,
        // No cut-off entered nor above the header: a note under the data or on another sheet may give it.
        true => {
            let rows = std::iter::once(&sheets[main])
                .chain(sheets.iter().enumerate().filter(|(i, _)| *i != main).map(|(_, s)| s))
                .flat_map(|s| s.rows.iter().filter_map(|r| r.as_ref().ok()).map(|(_, c)| c.as_slice()));
            let Some(found) = crate::sheet::cutoff_from_notes(rows) else { return first };
            let options = SheetOptions { cutoff_date: Some(found), ..options };
            read_claims_each(sheets[main].rows.iter().cloned(), options, profile, &mut on_event)?
        }
    };
    read.claims_sheet = Some(sheets[main].name.clone());
    for (i, sheet) in sheets.iter().enumerate() {
        if i == main {
            continue;
        }
        let head: Vec<Vec<String>> = sheet
            .rows
            .iter()
            .take(HEADER_SEARCH_ROWS)
            .filter_map(|r| r.as_ref().ok())
            .map(|(_, c)| c.clone())
            .collect();
        let Some(header) = detect_header_with(&head, profile) else { continue };
        let data = data_rows(&sheet.rows, header.row);
        match sheet_role(&header) {
            Some(SheetRole::Collateral) => {
                let mut r = LinkedReader::new(&sheet.name, &header, today);
                for (row, cells) in data {
                    if let Some(item) = r.collateral(row, &cells, &contracts) {
                        read.linked_collateral.push(item);
                    }
                }
                read.problems.extend(r.problems);
            }
            Some(SheetRole::Guarantors) => {
                let mut r = LinkedReader::new(&sheet.name, &header, today);
                for (row, cells) in data {
                    read.linked_guarantors.extend(r.guarantors(row, &cells, &contracts));
                }
                read.problems.extend(r.problems);
            }
            _ => {}
        }
    }
    Ok(read)
}

/// The data rows under a header, blank rows skipped, up to the 合计 row.
fn data_rows(rows: &[RowItem], header_row: usize) -> Vec<(usize, Vec<String>)> {
    rows.iter()
        .skip(header_row + 1)
        .filter_map(|r| r.as_ref().ok())
        .filter(|(_, cells)| !cells.iter().all(|c| is_blank(c)))
        .take_while(|(_, cells)| !is_total_row(cells))
        .cloned()
        .collect()
}

struct LinkedReader<'a> {
    sheet: &'a str,
    header: &'a Header,
    /// For "a birth date is not after today".
    today: chrono::NaiveDate,
    problems: Vec<Problem>,
}

impl<'a> LinkedReader<'a> {
    fn new(sheet: &'a str, header: &'a Header, today: chrono::NaiveDate) -> LinkedReader<'a> {
        LinkedReader { sheet, header, today, problems: Vec::new() }
    }

    fn column(&self, field: Field) -> Option<usize> {
        self.header.columns.iter().find(|c| c.field == Some(field)).map(|c| c.column)
    }

    fn cell<'c>(&self, cells: &'c [String], field: Field) -> Option<(usize, &'c str)> {
        let col = self.column(field)?;
        cells.get(col).filter(|v| !is_blank(v)).map(|v| (col, v.as_str()))
    }

    fn unit(&self, col: usize) -> AmountUnit {
        self.header.columns.get(col).map(|c| c.unit).unwrap_or_default()
    }

    fn problem(&mut self, rule: Rule, row: usize, field: Field, value: Option<&str>, zh: String, en: String) {
        let column = self.column(field);
        self.problems.push(Problem {
            rule,
            sheet: Some(self.sheet.to_string()),
            row: Some(row),
            column,
            header: column.and_then(|c| self.header.columns.get(c)).map(|c| c.header.clone()),
            field: Some(field),
            value: value.map(str::to_string),
            detail_zh: zh,
            detail_en: en,
        });
    }

    fn missing(&mut self, row: usize, field: Field) {
        self.problem(
            Rule::MissingMandatory,
            row,
            field,
            None,
            format!("“{}”为空", field.zh()),
            format!("“{}” is empty", field.en()),
        );
    }

    /// The contracts a row names that the claims sheet has; reports those it lacks.
    fn contracts(&mut self, row: usize, cells: &[String], known: &HashMap<String, String>) -> Option<Vec<String>> {
        let Some((_, raw)) = self.cell(cells, Field::ContractNo) else {
            self.missing(row, Field::ContractNo);
            return None;
        };
        let raw = raw.to_string();
        // A whole cell that names a contract is one contract (its number may hold a separator).
        let pieces = match known.contains_key(&coerce::contract_key(&raw)) {
            true => vec![raw.trim().to_string()],
            false => coerce::split_list(&raw),
        };
        let mut found = Vec::new();
        let mut unknown = Vec::new();
        for piece in pieces {
            match known.get(&coerce::contract_key(&piece)) {
                Some(c) => found.push(c.clone()),
                None => unknown.push(piece),
            }
        }
        for c in &unknown {
            self.problem(
                Rule::UnknownContract,
                row,
                Field::ContractNo,
                Some(c),
                format!("债权表中没有合同编号“{c}”（或该行已被拒绝）"),
                format!("the claims sheet has no contract “{c}” (or its row was rejected)"),
            );
        }
        (!found.is_empty()).then_some(found)
    }

    fn collateral(
        &mut self,
        row: usize,
        cells: &[String],
        known: &HashMap<String, String>,
    ) -> Option<LinkedCollateral> {
        // A row whose contracts the claims sheet lacks is not loaded: W117 says so, and what
        // else is wrong with it is not reported besides.
        let contracts = self.contracts(row, cells, known)?;
        let kind = match self.cell(cells, Field::CollateralType).map(|(_, v)| v.to_string()) {
            None => {
                self.missing(row, Field::CollateralType);
                None
            }
            Some(v) => {
                let k = read_collateral_type(&coerce::normalize(&v));
                if k.is_none() {
                    self.problem(
                        Rule::InvalidMandatory,
                        row,
                        Field::CollateralType,
                        Some(&v),
                        "不是可识别的选项".into(),
                        "not a known choice".into(),
                    );
                }
                k
            }
        };
        let value = match self.cell(cells, Field::AppraisedValue).map(|(c, v)| (c, v.to_string())) {
            None => {
                self.missing(row, Field::AppraisedValue);
                None
            }
            Some((col, v)) => match coerce::parse_money(&v, self.unit(col)) {
                Ok(m) if m.fen() > 0 => Some(m),
                Ok(_) => {
                    self.problem(
                        Rule::InvalidMandatory,
                        row,
                        Field::AppraisedValue,
                        Some(&v),
                        "评估价值应大于零".into(),
                        "the appraised value must be above zero".into(),
                    );
                    None
                }
                Err(e) => {
                    self.problem(
                        Rule::InvalidMandatory,
                        row,
                        Field::AppraisedValue,
                        Some(&v),
                        e.to_string(),
                        e.en().to_string(),
                    );
                    None
                }
            },
        };
        let address = self.cell(cells, Field::CollateralAddress).map(|(_, v)| coerce::clean_text(v));
        let appraisal_date = self.cell(cells, Field::AppraisalDate).and_then(|(_, v)| coerce::parse_date(v).ok());
        let lien_rank = self
            .cell(cells, Field::LienRank)
            .and_then(|(_, v)| coerce::parse_int(v).ok())
            .and_then(|n| u8::try_from(n).ok())
            .filter(|n| *n >= 1);
        let prior_claims = self
            .cell(cells, Field::PriorClaims)
            .and_then(|(c, v)| coerce::parse_money(v, self.unit(c)).ok())
            .filter(|m| !m.is_negative());
        let description = self.cell(cells, Field::CollateralDescription).map(|(_, v)| coerce::clean_text(v));
        let item = TapeCollateral {
            collateral_type: kind?,
            description,
            province: address.as_deref().and_then(province_of_address),
            address,
            appraised_value: value?,
            appraisal_date,
            lien_rank,
            prior_claims,
        };
        Some(LinkedCollateral { sheet: self.sheet.to_string(), row, contracts, item })
    }

    /// The guarantors a row of a guarantor sheet names: one per name (`张三、李四`), each
    /// kept whatever its ID number (W116, W118), for every contract the row names.
    fn guarantors(&mut self, row: usize, cells: &[String], known: &HashMap<String, String>) -> Vec<LinkedGuarantor> {
        // A row whose contracts the claims sheet lacks is not loaded: W117 says so, and
        // what its guarantors lack is not reported besides.
        let Some(contracts) = self.contracts(row, cells, known) else { return Vec::new() };
        let Some((_, names)) = self.cell(cells, Field::GuarantorName) else {
            self.missing(row, Field::GuarantorName);
            return Vec::new();
        };
        let guarantee_kind = self.choice(row, cells, Field::GuaranteeKind, read_guarantee_kind);
        let mut g = GuarantorCells {
            guarantee_kind,
            id_kind: self.header.identifier_kind(Field::GuarantorId),
            ..GuarantorCells::new(names, self.today)
        };
        for field in [
            Field::GuarantorName,
            Field::GuarantorId,
            Field::GuarantorKind,
            Field::Cap,
            Field::GuarantorAddress,
            Field::GuarantorPhone,
            Field::GuarantorStatus,
        ] {
            let Some((col, raw)) = self.cell(cells, field) else { continue };
            if too_long(raw) {
                let (zh, en) = too_long_detail(raw);
                let rule = if field == Field::GuarantorName { Rule::InvalidMandatory } else { Rule::InvalidValue };
                self.problem(rule, row, field, Some(&shortened(raw)), zh, en);
                if field == Field::GuarantorName {
                    return Vec::new();
                }
                continue;
            }
            match field {
                Field::GuarantorId => g.ids = Some(raw),
                Field::GuarantorKind => g.kinds = Some(raw),
                Field::Cap => g.caps = Some((raw, self.unit(col))),
                Field::GuarantorAddress => g.addresses = Some(raw),
                Field::GuarantorPhone => g.phones = Some(raw),
                Field::GuarantorStatus => g.statuses = Some(raw),
                _ => {}
            }
        }
        let (guarantors, found) = guarantors_of(g);
        for f in found {
            self.problem(f.rule, row, f.field, Some(&f.value), f.zh, f.en);
        }
        guarantors
            .into_iter()
            .map(|guarantor| LinkedGuarantor {
                sheet: self.sheet.to_string(),
                row,
                contracts: contracts.clone(),
                guarantor,
            })
            .collect()
    }

    /// An optional choice: a value not on the list is a warning, and left unknown.
    fn choice<T>(&mut self, row: usize, cells: &[String], field: Field, read: fn(&str) -> Option<T>) -> Option<T> {
        let (_, raw) = self.cell(cells, field)?;
        let raw = raw.to_string();
        let found = read(&coerce::normalize(&raw));
        if found.is_none() {
            self.problem(
                Rule::InvalidValue,
                row,
                field,
                Some(&raw),
                "不是可识别的选项".into(),
                "not a known choice".into(),
            );
        }
        found
    }
}
