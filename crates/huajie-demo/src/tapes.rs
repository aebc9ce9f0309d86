//! The demo company's packages as their banks send them: one workbook per package, with a
//! claims sheet under a title naming the cut-off date, a collateral sheet and a guarantor
//! sheet, linked by contract number. The workbooks are shipped in `tapes/` and `load`
//! imports them through the tape importer, like any bank's tape; a test proves the shipped
//! files still say what `generate` draws.

use huajie_core::Money;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use crate::{DemoCompany, DemoPackage};

/// The shipped tapes, in package order: (file name, bytes).
pub const SHIPPED: &[(&str, &[u8])] = &[
    ("ZJ-2025-001.xlsx", include_bytes!("../tapes/ZJ-2025-001.xlsx")),
    ("ZJ-2025-002.xlsx", include_bytes!("../tapes/ZJ-2025-002.xlsx")),
    ("ZJ-2026-001.xlsx", include_bytes!("../tapes/ZJ-2026-001.xlsx")),
];

/// The file name of a package's tape.
pub fn tape_file_name(package: &DemoPackage) -> String {
    format!("{}.xlsx", package.code)
}

/// Writes the tape of every package, in package order.
pub fn tapes(demo: &DemoCompany) -> Result<Vec<(String, Vec<u8>)>, XlsxError> {
    demo.packages.iter().map(|p| Ok((tape_file_name(p), tape(demo, p)?))).collect()
}

const CLAIM_HEADER_RETAIL: &[&str] = &[
    "借款合同编号",
    "借款人名称",
    "证件号码",
    "客户状态",
    "借款人地址",
    "联系电话",
    "本金余额",
    "利息余额",
    "罚息",
    "垫付费用",
    "五级分类",
    "诉讼状态",
    "逾期日",
    "诉讼时效到期日",
    "所属地区",
    "产品类型",
];
const COLLATERAL_HEADER: &[&str] =
    &["借款合同编号", "抵押物类型", "抵押物名称", "抵押物地址", "评估价值", "评估基准日", "抵押顺位", "优先受偿金额"];
const GUARANTOR_HEADER: &[&str] =
    &["借款合同编号", "保证人名称", "保证人证件号码", "保证方式", "保证金额", "保证人地址", "保证人电话", "保证人状态"];

fn header(sheet: &mut Worksheet, row: u32, names: &[&str], bold: &Format) -> Result<(), XlsxError> {
    for (c, name) in names.iter().enumerate() {
        sheet.write_string_with_format(row, c as u16, *name, bold)?;
        sheet.set_column_width(c as u16, 16)?;
    }
    Ok(())
}

fn yuan(sheet: &mut Worksheet, row: u32, col: u16, m: Money, format: &Format) -> Result<(), XlsxError> {
    sheet.write_number_with_format(row, col, m.fen() as f64 / 100.0, format)?;
    Ok(())
}

fn tape(demo: &DemoCompany, p: &DemoPackage) -> Result<Vec<u8>, XlsxError> {
    let pi = demo.packages.iter().position(|q| q.code == p.code).expect("a package of the demo");
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let amount = Format::new().set_num_format("#,##0.00");
    let bank = &demo.parties[p.transferor].name;

    let claims = book.add_worksheet().set_name("债权明细")?;
    claims.write_string_with_format(0, 0, format!("{bank} 不良贷款债权明细表"), &bold)?;
    claims.write_string(1, 0, format!("基准日：{}", p.cutoff_date))?;
    // A retail bank names each loan's product (产品类型); the others do not.
    let products = p.claims.iter().any(|c| c.product.is_some());
    header(
        claims,
        2,
        if products { CLAIM_HEADER_RETAIL } else { &CLAIM_HEADER_RETAIL[..CLAIM_HEADER_RETAIL.len() - 1] },
        &bold,
    )?;
    for (i, c) in p.claims.iter().enumerate() {
        let r = 3 + i as u32;
        let debtor = &demo.parties[c.debtor];
        claims.write_string(r, 0, &c.contract_no)?;
        claims.write_string(r, 1, &debtor.name)?;
        claims.write_string(r, 2, debtor.identity.id_text().unwrap_or_default())?;
        claims.write_string(r, 3, debtor.status.zh())?;
        if let Some(a) = &debtor.address {
            claims.write_string(r, 4, a)?;
        }
        if let Some(phone) = &debtor.phone {
            claims.write_string(r, 5, phone)?;
        }
        yuan(claims, r, 6, c.principal, &amount)?;
        yuan(claims, r, 7, c.interest, &amount)?;
        yuan(claims, r, 8, c.penalty, &amount)?;
        yuan(claims, r, 9, c.advanced_costs, &amount)?;
        claims.write_string(r, 10, c.five_class.zh())?;
        claims.write_string(r, 11, c.litigation_stage.zh())?;
        claims.write_string(r, 12, c.default_date.to_string())?;
        if let Some(d) = c.limitation_date {
            claims.write_string(r, 13, d.to_string())?;
        }
        claims.write_string(r, 14, c.province.name_zh())?;
        if let Some(product) = c.product {
            claims.write_string(r, 15, product)?;
        }
    }

    let items = book.add_worksheet().set_name("抵质押物")?;
    header(items, 0, COLLATERAL_HEADER, &bold)?;
    for (r, m) in (1..).zip(demo.collateral.iter().filter(|m| m.secures.iter().any(|(p, _)| *p == pi))) {
        let contracts: Vec<&str> = m.secures.iter().map(|(_, ci)| p.claims[*ci].contract_no.as_str()).collect();
        items.write_string(r, 0, contracts.join("、"))?;
        items.write_string(r, 1, m.collateral_type.zh())?;
        items.write_string(r, 2, &m.description)?;
        if let Some(a) = &m.address {
            items.write_string(r, 3, a)?;
        }
        yuan(items, r, 4, m.appraised_value, &amount)?;
        items.write_string(r, 5, m.appraisal_date.to_string())?;
        items.write_number(r, 6, f64::from(m.lien_rank))?;
        yuan(items, r, 7, m.prior_claims, &amount)?;
    }

    // One row per guarantor, naming every contract it guarantees.
    let guarantors = book.add_worksheet().set_name("保证人")?;
    header(guarantors, 0, GUARANTOR_HEADER, &bold)?;
    let mut rows: Vec<(&crate::DemoGuarantee, Vec<&str>)> = Vec::new();
    for c in &p.claims {
        for g in &c.guarantees {
            match rows.iter_mut().find(|(known, _)| known.guarantor == g.guarantor) {
                Some((_, contracts)) => contracts.push(&c.contract_no),
                None => rows.push((g, vec![&c.contract_no])),
            }
        }
    }
    for (i, (g, contracts)) in rows.iter().enumerate() {
        let r = 1 + i as u32;
        let party = &demo.parties[g.guarantor];
        guarantors.write_string(r, 0, contracts.join("、"))?;
        guarantors.write_string(r, 1, &party.name)?;
        guarantors.write_string(r, 2, party.identity.id_text().unwrap_or_default())?;
        guarantors.write_string(r, 3, g.kind.zh())?;
        if let Some(cap) = g.cap {
            yuan(guarantors, r, 4, cap, &amount)?;
        }
        if let Some(a) = &party.address {
            guarantors.write_string(r, 5, a)?;
        }
        if let Some(phone) = &party.phone {
            guarantors.write_string(r, 6, phone)?;
        }
        guarantors.write_string(r, 7, party.status.zh())?;
    }
    book.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shipped tapes say what `generate` draws. `HUAJIE_WRITE_DEMO_TAPES=1 cargo test
    /// -p huajie-demo shipped` writes them again after a change to the generator.
    #[test]
    fn the_shipped_tapes_are_the_generated_ones() {
        let demo = crate::generate();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tapes");
        let read = |name: &str, bytes: &[u8]| crate::load::read_tape(name, bytes, chrono::NaiveDate::MAX).unwrap();
        let generated = tapes(&demo).unwrap();
        if std::env::var_os("HUAJIE_WRITE_DEMO_TAPES").is_some() {
            for (name, bytes) in &generated {
                std::fs::write(dir.join(name), bytes).unwrap();
            }
        }
        assert_eq!(generated.len(), SHIPPED.len());
        for ((name, bytes), (shipped_name, shipped)) in generated.iter().zip(SHIPPED) {
            assert_eq!(name, shipped_name);
            let (now, then) = (read(name, bytes), read(name, shipped));
            assert_eq!(
                now.claims, then.claims,
                "{name}: run HUAJIE_WRITE_DEMO_TAPES=1 cargo test -p huajie-demo shipped"
            );
            assert_eq!(now.linked_collateral, then.linked_collateral, "{name}");
            assert_eq!(now.linked_guarantors, then.linked_guarantors, "{name}");
        }
    }
}
