//! A collections history as a CSV (UTF-8 or GBK): one row per claim and month collected,
//! for estimating retail recovery curves. Columns, by their Chinese or English names:
//! 债权编号 claim_no, 产品 product, 逾期天数 days_past_due (at transfer), 债权金额 amount,
//! 是否诉讼 litigated, 收购月份 acquired, 回收月份 month, 回收金额 collected. A claim that
//! collected nothing has one row with the month and amount blank. Months read as
//! `2024-03`, `2024/3`, `2024年3月` or a date. All or nothing: any problem, and nothing is read.

use std::collections::BTreeMap;
use std::io::Read;

use huajie_core::Money;

use crate::coerce::{AmountUnit, is_blank, normalize, parse_bool, parse_date, parse_int, parse_money};
use crate::reader::open_csv;

/// A month as `year × 12 + month − 1`.
pub type MonthIndex = i32;

#[derive(Debug, Clone, PartialEq)]
pub struct HistoryClaim {
    pub claim_no: String,
    pub product: String,
    pub days_past_due: i64,
    pub amount: Money,
    pub litigated: bool,
    pub acquired: MonthIndex,
    pub collections: Vec<(MonthIndex, Money)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CollectionHistory {
    pub claims: Vec<HistoryClaim>,
    /// The last month the history covers (the latest month seen).
    pub as_of: MonthIndex,
}

/// One problem: the row as Excel shows it (0 for the file), in both languages.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryProblem {
    pub row: usize,
    pub zh: String,
    pub en: String,
}

const COLUMNS: [(&str, &[&str]); 8] = [
    ("claim_no", &["债权编号", "借款合同编号", "合同编号", "claim_no", "contract"]),
    ("product", &["产品", "产品类型", "product"]),
    ("days_past_due", &["逾期天数", "转让时逾期天数", "days_past_due", "dpd"]),
    ("amount", &["债权金额", "债权总额", "amount"]),
    ("litigated", &["是否诉讼", "已诉", "litigated"]),
    ("acquired", &["收购月份", "收购日期", "acquired"]),
    ("month", &["回收月份", "回收日期", "month"]),
    ("collected", &["回收金额", "collected"]),
];

/// A month written as `2024-03`, `2024/3`, `2024年3月`, or a date.
pub fn parse_month(cell: &str) -> Option<MonthIndex> {
    let t = normalize(cell);
    if let Ok(d) = parse_date(&t) {
        return Some(chrono::Datelike::year(&d) * 12 + chrono::Datelike::month0(&d) as i32);
    }
    let digits: Vec<&str> = t.split(|c: char| !c.is_ascii_digit()).filter(|s| !s.is_empty()).collect();
    match digits.as_slice() {
        [y, m] => {
            let (y, m): (i32, i32) = (y.parse().ok()?, m.parse().ok()?);
            ((1900..=2200).contains(&y) && (1..=12).contains(&m)).then_some(y * 12 + m - 1)
        }
        _ => None,
    }
}

pub fn read_history<R: Read>(reader: R) -> Result<CollectionHistory, Vec<HistoryProblem>> {
    let problem = |row: usize, zh: String, en: String| HistoryProblem { row, zh, en };
    let (_, mut rows) = open_csv(reader).map_err(|e| vec![problem(0, e.to_string(), e.to_string())])?;
    let header = match rows.next() {
        Some(Ok((_, cells))) => cells,
        _ => return Err(vec![problem(1, "缺少表头行".into(), "the header row is missing".into())]),
    };
    let mut at = [usize::MAX; 8];
    for (i, h) in header.iter().enumerate() {
        let h = normalize(h);
        if let Some(k) = COLUMNS.iter().position(|(_, names)| names.iter().any(|n| n.eq_ignore_ascii_case(&h))) {
            at[k] = i;
        }
    }
    let missing: Vec<&str> =
        COLUMNS.iter().zip(at).filter(|(_, i)| *i == usize::MAX).map(|((_, names), _)| names[0]).collect();
    if !missing.is_empty() {
        return Err(vec![problem(
            1,
            format!("缺少列：{}", missing.join("、")),
            format!("missing columns: {}", missing.join(", ")),
        )]);
    }
    let mut problems = Vec::new();
    let mut claims: BTreeMap<String, HistoryClaim> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    let mut as_of = i32::MIN;
    for item in rows {
        let (row, cells) = match item {
            Ok(r) => r,
            Err(e) => {
                problems.push(problem(0, e.to_string(), e.to_string()));
                break;
            }
        };
        if cells.iter().all(|c| is_blank(c)) {
            continue;
        }
        let cell = |k: usize| cells.get(at[k]).map(String::as_str).unwrap_or("");
        let mut bad = |zh: &str, en: &str, value: &str| {
            problems.push(problem(row, format!("{zh}无法识别：{value}"), format!("cannot read the {en}: {value}")))
        };
        let claim_no = normalize(cell(0));
        if claim_no.is_empty() {
            bad("债权编号", "claim number", "");
            continue;
        }
        let dpd = parse_int(cell(2)).ok().filter(|d| *d >= 0);
        let amount = parse_money(cell(3), AmountUnit::Yuan).ok().filter(|m| m.fen() > 0);
        let litigated = parse_bool(cell(4)).ok();
        let acquired = parse_month(cell(5));
        // Outer `None`: unreadable; inner `None`: no collection on this row.
        let (month, collected) = if is_blank(cell(6)) && is_blank(cell(7)) {
            (Some(None), Some(None))
        } else {
            (
                parse_month(cell(6)).map(Some),
                parse_money(cell(7), AmountUnit::Yuan).ok().filter(|m| m.fen() >= 0).map(Some),
            )
        };
        let (Some(dpd), Some(amount), Some(litigated), Some(acquired), Some(month), Some(collected)) =
            (dpd, amount, litigated, acquired, month, collected)
        else {
            if dpd.is_none() {
                bad("逾期天数", "days past due", cell(2));
            }
            if amount.is_none() {
                bad("债权金额", "claim amount", cell(3));
            }
            if litigated.is_none() {
                bad("是否诉讼", "litigated flag", cell(4));
            }
            if acquired.is_none() {
                bad("收购月份", "acquisition month", cell(5));
            }
            if month.is_none() {
                bad("回收月份", "collection month", cell(6));
            }
            if collected.is_none() {
                bad("回收金额", "amount collected", cell(7));
            }
            continue;
        };
        let claim = claims.entry(claim_no.clone()).or_insert_with(|| {
            order.push(claim_no.clone());
            HistoryClaim {
                claim_no: claim_no.clone(),
                product: normalize(cell(1)),
                days_past_due: dpd,
                amount,
                litigated,
                acquired,
                collections: Vec::new(),
            }
        });
        if claim.amount != amount || claim.acquired != acquired {
            problems.push(problem(
                row,
                format!("债权 {claim_no} 的金额或收购月份与前面的行不一致"),
                format!("claim {claim_no}: amount or acquisition month differs from its earlier rows"),
            ));
            continue;
        }
        as_of = as_of.max(acquired);
        if let (Some(m), Some(c)) = (month, collected) {
            if m < acquired {
                problems.push(problem(
                    row,
                    format!("回收月份早于收购月份：{}", cell(6)),
                    format!("collected before it was acquired: {}", cell(6)),
                ));
                continue;
            }
            as_of = as_of.max(m);
            claim.collections.push((m, c));
        }
    }
    if claims.is_empty() && problems.is_empty() {
        problems.push(problem(0, "没有任何债权行".into(), "no claim rows".into()));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(CollectionHistory { claims: order.into_iter().filter_map(|k| claims.remove(&k)).collect(), as_of })
}

/// A month's index.
pub fn month_of(d: chrono::NaiveDate) -> MonthIndex {
    chrono::Datelike::year(&d) * 12 + chrono::Datelike::month0(&d) as i32
}

/// A bought package's claim as its pool counts it: the tape's facts.
#[derive(Debug, Clone)]
pub struct PoolClaim {
    pub id: i64,
    pub claim_no: String,
    pub product: Option<String>,
    pub days_past_due: Option<i64>,
    pub default_date: Option<chrono::NaiveDate>,
    pub amount: Money,
    pub litigated: bool,
}

/// A package bought on `acquired` as a collections history (one static pool): each claim's
/// receipts `(claim id, day, amount)` summed by month, its pool the acquisition month, its
/// product the tape's, its days past due the tape's (else counted from the default date to
/// the purchase, else 0). A receipt before the pool's month is left out (none is: the
/// purchase comes first). The one place a pool is built from the ledger.
pub fn pool_history(
    acquired: chrono::NaiveDate,
    claims: Vec<PoolClaim>,
    receipts: &[(i64, chrono::NaiveDate, Money)],
) -> CollectionHistory {
    let pool = month_of(acquired);
    let mut collected: BTreeMap<i64, BTreeMap<MonthIndex, i64>> = BTreeMap::new();
    for (claim, day, amount) in receipts.iter().filter(|r| month_of(r.1) >= pool) {
        *collected.entry(*claim).or_default().entry(month_of(*day)).or_default() += amount.fen();
    }
    let mut as_of = pool;
    let claims = claims
        .into_iter()
        .map(|c| {
            let from_default = c.default_date.map(|x| (acquired - x).num_days().max(0));
            let collections: Vec<(MonthIndex, Money)> =
                collected.remove(&c.id).unwrap_or_default().into_iter().map(|(m, f)| (m, Money::from_fen(f))).collect();
            as_of = collections.iter().map(|c| c.0).fold(as_of, i32::max);
            HistoryClaim {
                claim_no: c.claim_no,
                product: c.product.unwrap_or_default(),
                days_past_due: c.days_past_due.or(from_default).unwrap_or(0),
                amount: c.amount,
                litigated: c.litigated,
                acquired: pool,
                collections,
            }
        })
        .collect();
    CollectionHistory { claims, as_of }
}

impl CollectionHistory {
    /// Several pools as one history, as the concatenation of their files reads (`None`: none).
    pub fn concat(pools: impl IntoIterator<Item = CollectionHistory>) -> Option<CollectionHistory> {
        pools.into_iter().reduce(|mut all, h| {
            all.claims.extend(h.claims);
            all.as_of = all.as_of.max(h.as_of);
            all
        })
    }
}

/// The CSV `read_history` reads, for `history` (UTF-8, the columns' Chinese names): one row per
/// claim and month collected, a claim that collected nothing one row with both blank. A held
/// retail batch's collections from the ledger, written this way, are a history the assumption
/// sets' curves can be estimated from.
pub fn write_history(history: &CollectionHistory) -> Result<Vec<u8>, csv::Error> {
    let month = |m: MonthIndex| format!("{:04}-{:02}", m.div_euclid(12), m.rem_euclid(12) + 1);
    let yuan = |m: Money| {
        let f = m.fen();
        format!("{}{}.{:02}", if f < 0 { "-" } else { "" }, f.unsigned_abs() / 100, f.unsigned_abs() % 100)
    };
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(COLUMNS.iter().map(|(_, names)| names[0]))?;
    for c in &history.claims {
        let head = [
            c.claim_no.clone(),
            c.product.clone(),
            c.days_past_due.to_string(),
            yuan(c.amount),
            if c.litigated { "是" } else { "否" }.to_string(),
            month(c.acquired),
        ];
        let rows: Vec<[String; 2]> = if c.collections.is_empty() {
            vec![[String::new(), String::new()]]
        } else {
            c.collections.iter().map(|(m, v)| [month(*m), yuan(*v)]).collect()
        };
        for tail in rows {
            w.write_record(head.iter().chain(tail.iter()))?;
        }
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_history_written_reads_back_as_it_was() {
        let claim = |no: &str, collections: Vec<(MonthIndex, Money)>| HistoryClaim {
            claim_no: no.into(),
            product: "信用卡".into(),
            days_past_due: 400,
            amount: Money::from_fen(2_000_050),
            litigated: no == "C2",
            acquired: 2025 * 12,
            collections,
        };
        let history = CollectionHistory {
            claims: vec![
                claim("C1", vec![(2025 * 12 + 1, Money::from_fen(20_001)), (2025 * 12 + 11, Money::from_fen(5))]),
                claim("C2", Vec::new()),
            ],
            as_of: 2025 * 12 + 11,
        };
        let bytes = write_history(&history).unwrap();
        assert_eq!(read_history(&bytes[..]).unwrap(), history);
    }

    #[test]
    fn a_pool_sums_each_claims_receipts_by_month_from_its_acquisition() {
        let day = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let claim = |id: i64, dpd: Option<i64>| PoolClaim {
            id,
            claim_no: format!("C{id}"),
            product: None,
            days_past_due: dpd,
            default_date: Some(day(2024, 12, 2)),
            amount: Money::from_fen(100_000),
            litigated: false,
        };
        let receipts = [
            (1, day(2025, 3, 1), Money::from_fen(100)),
            (1, day(2025, 3, 31), Money::from_fen(50)),
            (1, day(2025, 5, 2), Money::from_fen(7)),
            (2, day(2025, 1, 30), Money::from_fen(9)),
            (9, day(2025, 8, 1), Money::from_fen(1)),
        ];
        let h = pool_history(day(2025, 2, 1), vec![claim(1, Some(400)), claim(2, None)], &receipts);
        assert_eq!(
            h.claims[0].collections,
            vec![(2025 * 12 + 2, Money::from_fen(150)), (2025 * 12 + 4, Money::from_fen(7))]
        );
        assert_eq!((h.claims[0].days_past_due, h.claims[1].days_past_due), (400, 61));
        assert!(h.claims[1].collections.is_empty(), "a receipt before the pool's month is not in it");
        assert_eq!((h.claims[0].acquired, h.as_of), (2025 * 12 + 1, 2025 * 12 + 4));
        let both =
            CollectionHistory::concat([h.clone(), pool_history(day(2025, 9, 9), vec![claim(3, None)], &[])]).unwrap();
        assert_eq!((both.claims.len(), both.as_of), (3, 2025 * 12 + 8));
        assert_eq!(CollectionHistory::concat([]), None);
    }

    #[test]
    fn months_in_the_ways_people_write_them() {
        assert_eq!(parse_month("2024-03"), Some(2024 * 12 + 2));
        assert_eq!(parse_month("2024/3"), Some(2024 * 12 + 2));
        assert_eq!(parse_month("2024年3月"), Some(2024 * 12 + 2));
        assert_eq!(parse_month("2024-03-15"), Some(2024 * 12 + 2));
        assert_eq!(parse_month("2024-13"), None);
        assert_eq!(parse_month("三月"), None);
    }

    #[test]
    fn a_history_reads_claim_by_claim_and_a_bad_row_is_named() {
        let csv = "债权编号,产品,逾期天数,债权金额,是否诉讼,收购月份,回收月份,回收金额\n\
                   A1,信用卡,400,10000,否,2024-01,2024-01,100\n\
                   A1,信用卡,400,10000,否,2024-01,2024-03,250\n\
                   A2,信用卡,800,5000,是,2024-02,,\n";
        let h = read_history(csv.as_bytes()).unwrap();
        assert_eq!(h.claims.len(), 2);
        assert_eq!(
            h.claims[0].collections,
            vec![(2024 * 12, Money::from_fen(10_000)), (2024 * 12 + 2, Money::from_fen(25_000))]
        );
        assert!(h.claims[1].collections.is_empty() && h.claims[1].litigated);
        assert_eq!(h.as_of, 2024 * 12 + 2);

        let bad = "债权编号,产品,逾期天数,债权金额,是否诉讼,收购月份,回收月份,回收金额\nA1,信用卡,400,一万,否,2024-01,2024-02,100\n";
        let problems = read_history(bad.as_bytes()).unwrap_err();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].row, 2);
        assert!(problems[0].zh.contains("债权金额"), "{:?}", problems[0]);
        let missing = read_history("债权编号,产品\nA1,x\n".as_bytes()).unwrap_err();
        assert!(missing[0].zh.contains("缺少列"));
    }
}
