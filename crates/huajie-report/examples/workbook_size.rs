//! Writes the valuation workbook of a generated claim-by-claim package, to measure its size
//! and the time to write it (docs/performance.md):
//! `cargo run --release -p huajie-report --example workbook_size -- 100000 /tmp/v.xlsx`.
//! Every claim is a company's, at one of three litigation stages; every other claim is
//! secured by a shop of its own.

use chrono::NaiveDate;
use huajie_core::{
    Claim, Collateral, CollateralType, Lang, LitigationStage, Money, Party, PartyIdentifier, PartyStatus, Uscc,
    ValuationBasis,
};
use huajie_report::valuation::{ClaimLine, RunInfo, valuation_xlsx};
use huajie_value::{Assumptions, Book, BookClaim, BookItem, BookLien, Options, appraise};

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let path = args.next().unwrap_or_else(|| "valuation.xlsx".into());
    let stages = [LitigationStage::NotSued, LitigationStage::Judged, LitigationStage::Enforcing];
    let yuan = |y: i64| Money::from_yuan(y).expect("an amount");
    let claims: Vec<BookClaim> = (0..n)
        .map(|i| BookClaim {
            id: i as i64 + 1,
            claim: Claim {
                package_id: 1,
                contract_no: format!("HT-{:06}", i + 1),
                debtor_id: i as i64 + 1,
                principal: yuan(100_000 + (i as i64 * 7_919) % 9_000_000),
                interest: yuan(10_000),
                penalty: Money::ZERO,
                advanced_costs: Money::ZERO,
                five_class: None,
                litigation_stage: Some(stages[i % 3]),
                default_date: None,
                limitation_date: None,
                province: None,
                product: None,
                days_past_due: None,
                written_off: None,
            },
            debtor: Party {
                name: format!("公司{i}"),
                identity: PartyIdentifier::Uscc(
                    Uscc::with_check_char(&format!("91330102MA2{:06}", i % 999_999)).expect("a USCC"),
                )
                .into(),
                status: PartyStatus::Active,
                address: None,
                phone: None,
            },
        })
        .collect();
    let items: Vec<BookItem> = (0..n)
        .step_by(2)
        .map(|i| BookItem {
            id: i as i64 + 1,
            collateral: Collateral {
                collateral_type: CollateralType::Commercial,
                description: "商铺".into(),
                address: None,
                province: None,
                appraised_value: yuan(500_000 + (i as i64 * 104_729) % 5_000_000),
                appraisal_date: None,
                prior_claims: Money::ZERO,
                owner_id: None,
            },
            liens: vec![BookLien { claim_id: i as i64 + 1, rank: 1 }],
        })
        .collect();
    let book = Book {
        valuation_date: NaiveDate::from_ymd_opt(2026, 6, 30).expect("a date"),
        basis: ValuationBasis::ClaimByClaim,
        claims,
        items,
        guarantees: Vec::new(),
        liquidations: Vec::new(),
    };
    let a = Assumptions::default();
    let r = appraise(&book, &a, &Options::default());
    let cash_cells: usize = r.claims.iter().map(|c| c.cash.len()).sum();
    let lines: Vec<ClaimLine> = r
        .claims
        .iter()
        .map(|c| ClaimLine {
            result: c.clone(),
            contract_no: format!("HT-{:06}", c.id),
            debtor: format!("公司{}", c.id),
            stage: "已判决".into(),
        })
        .collect();
    let info = RunInfo {
        company: "示例资产管理公司".into(),
        package_code: "GEN".into(),
        package_name: format!("{n} 笔生成资产包"),
        run_id: None,
        assumption_set: "HV-1 默认参数".into(),
        assumption_version: 1,
        assumption_sha256: String::new(),
        tape_version: None,
        created_by: "valuer".into(),
        created_at: "2026-11-28T10:00:00Z".into(),
        signoff: huajie_report::signoff::Signoff::new("GEN", chrono::DateTime::UNIX_EPOCH),
    };
    let started = std::time::Instant::now();
    let bytes = valuation_xlsx(&info, &r, &lines, &a, Lang::Zh).expect("the workbook");
    let secs = started.elapsed().as_secs_f64();
    std::fs::write(&path, &bytes).expect("written");
    println!("{n} claims, {cash_cells} quarterly cash cells: {} bytes in {secs:.1} s → {path}", bytes.len());
}
