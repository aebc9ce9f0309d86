//! Finding the header of a tape (below title rows, over one or two levels, with merged
//! group cells such as `抵押物` over `类型 | 地址 | 评估价值`), mapping each column onto a
//! canonical field with a confidence, and finding where the data ends (the `合计` row).

use crate::coerce::{AmountUnit, normalize};
use crate::fields::Field;

/// Rows searched for the header.
pub const HEADER_SEARCH_ROWS: usize = 30;
/// The longest cell taken for a column's name (bytes: 40 Chinese characters).
const HEADER_BYTES_MAX: usize = 120;
/// Columns that must map for a row to count as the header.
pub const HEADER_FIELDS_MIN: usize = 2;

/// A header cell made comparable: spaces, marks and unit annotations removed, the
/// unit kept apart. `本金余额（万元）` → (`本金余额`, 万元); `* 借款人名称：` → `借款人名称`.
pub fn normalize_header(cell: &str) -> (String, Option<AmountUnit>) {
    let mut s: String =
        normalize(cell).chars().filter(|c| !c.is_whitespace() && !matches!(c, '*' | ':' | '"')).collect();
    let mut unit = None;
    for (marker, u) in [
        ("(万元)", AmountUnit::Wan),
        ("(单位:万元)", AmountUnit::Wan),
        ("[万元]", AmountUnit::Wan),
        ("(元)", AmountUnit::Yuan),
        ("(单位:元)", AmountUnit::Yuan),
        ("[元]", AmountUnit::Yuan),
        ("(人民币元)", AmountUnit::Yuan),
    ] {
        if s.contains(marker) {
            s = s.replace(marker, "");
            unit = Some(u);
        }
    }
    if unit.is_none()
        && let Some(rest) = s.strip_suffix("万元")
    {
        s = rest.to_string();
        unit = Some(AmountUnit::Wan);
    }
    (s, unit)
}

/// How well a header names a field, in per cent.
pub const CONFIDENCE_EXACT: u8 = 100;
pub const CONFIDENCE_PREFIXED: u8 = 90;
pub const CONFIDENCE_CONTAINS: u8 = 70;

/// Words banks put before a field name (`借款人证件号码` → `证件号码`).
const PREFIXES: &[&str] = &["借款人", "债务人", "客户", "贷款", "借款", "主债权"];

/// The field a header names, with a confidence: 100 for a known header name, 90 once a
/// common prefix is dropped, 70 when the header contains a known name (the longest wins).
pub fn match_header(cell: &str) -> Option<(Field, u8)> {
    match_name(cell).map(|(f, c, _)| (f, c))
}

/// `match_header`, with the header name that matched.
fn match_name(cell: &str) -> Option<(Field, u8, &'static str)> {
    if cell.len() > HEADER_BYTES_MAX {
        return None; // a note or a long value, not a column's name
    }
    let (h, _) = normalize_header(cell);
    if h.is_empty() {
        return None;
    }
    let exact = |name: &str| {
        Field::ALL.iter().copied().find_map(|f| f.synonyms().iter().find(|s| **s == name).map(|s| (f, *s)))
    };
    if let Some((f, s)) = exact(&h) {
        return Some((f, CONFIDENCE_EXACT, s));
    }
    for p in PREFIXES {
        if let Some((f, s)) = h.strip_prefix(p).and_then(exact) {
            return Some((f, CONFIDENCE_PREFIXED, s));
        }
    }
    let mut best: Option<(Field, usize, &'static str)> = None;
    for f in Field::ALL {
        for s in f.synonyms() {
            let len = s.chars().count();
            if len >= 2 && h.contains(s) && best.is_none_or(|(_, l, _)| len > l) {
                best = Some((*f, len, s));
            }
        }
    }
    best.map(|(f, _, s)| (f, CONFIDENCE_CONTAINS, s))
}

/// A transferor's saved mapping: header (as `normalize_header` gives it) → the field it
/// means, or `None` for a column to leave out. It wins over the synonym table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MappingProfile {
    pub columns: std::collections::HashMap<String, Option<Field>>,
}

impl MappingProfile {
    pub fn is_empty(&self) -> bool {
        self.columns.is_empty()
    }

    fn lookup(&self, header: &str) -> Option<Option<Field>> {
        self.columns.get(&normalize_header(header).0).copied()
    }
}

/// One column of the tape and what it was mapped to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnMapping {
    /// 0-based column index.
    pub column: usize,
    /// The header as the user sees it (two levels joined).
    pub header: String,
    pub field: Option<Field>,
    pub confidence: u8,
    /// The unit the header gives its amounts in.
    pub unit: AmountUnit,
    /// Mapped by the transferor's saved profile rather than by the synonym table.
    pub from_profile: bool,
    /// One of several columns whose amounts are summed into the field (`Field::parts`:
    /// 表内利息 and 表外利息; or columns the transferor's profile maps to one such field).
    pub part: bool,
}

/// Where the header is and what it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// 0-based index of the last header row (data starts after it).
    pub row: usize,
    /// 1 or 2.
    pub levels: usize,
    pub columns: Vec<ColumnMapping>,
}

/// Finds the header among the first rows: the row (or pair of rows, the upper one's
/// merged cells filled rightwards) whose cells name the most fields.
pub fn detect_header(rows: &[Vec<String>]) -> Option<Header> {
    detect_header_with(rows, &MappingProfile::default())
}

/// `detect_header` with a transferor's saved mapping applied first.
pub fn detect_header_with(rows: &[Vec<String>], profile: &MappingProfile) -> Option<Header> {
    let mut best: Option<(usize, Header)> = None;
    for (i, row) in rows.iter().enumerate().take(HEADER_SEARCH_ROWS) {
        let mut candidates = vec![(1, row.clone())];
        if i > 0 {
            candidates.push((2, join_levels(&rows[i - 1], row)));
        }
        for (levels, names) in candidates {
            let columns = map_columns_with(&names, profile);
            let score = columns.iter().filter(|c| c.field.is_some()).count();
            if score >= HEADER_FIELDS_MIN && best.as_ref().is_none_or(|(s, _)| score > *s) {
                best = Some((score, Header { row: i, levels, columns }));
            }
        }
    }
    best.map(|(_, h)| h)
}

/// Joins a group row over a sub-header row: a group cell covers the blank cells to its
/// right (a merged cell as a CSV or a sheet reader gives it), and a sub-header under a
/// group becomes `group + sub` (`抵押物` + `类型` → `抵押物类型`).
fn join_levels(upper: &[String], lower: &[String]) -> Vec<String> {
    let width = upper.len().max(lower.len());
    let mut group = String::new();
    (0..width)
        .map(|c| {
            let up = upper.get(c).map(|s| s.trim()).unwrap_or("");
            let low = lower.get(c).map(|s| s.trim()).unwrap_or("");
            if !up.is_empty() {
                group = up.to_string();
            } else if low.is_empty() {
                group.clear();
            }
            match (group.is_empty(), low.is_empty()) {
                (_, true) => up.to_string(),
                (true, false) => low.to_string(),
                (false, false) if group == low => low.to_string(),
                (false, false) if low.starts_with(group.as_str()) => low.to_string(),
                (false, false) => format!("{group}{low}"),
            }
        })
        .collect()
}

/// Maps header names onto fields. When two columns claim one field, the more confident
/// (then the first) keeps it and the other stays unmapped.
pub fn map_columns(names: &[String]) -> Vec<ColumnMapping> {
    map_columns_with(names, &MappingProfile::default())
}

/// `map_columns` with a transferor's saved mapping applied first.
pub fn map_columns_with(names: &[String], profile: &MappingProfile) -> Vec<ColumnMapping> {
    let mut columns: Vec<ColumnMapping> = names
        .iter()
        .enumerate()
        .map(|(column, name)| {
            let (_, unit) = normalize_header(name);
            let (field, confidence, from_profile, part) = match (profile.lookup(name), match_name(name)) {
                (Some(saved), _) => {
                    (saved, if saved.is_some() { CONFIDENCE_EXACT } else { 0 }, true, saved.is_some_and(Field::summed))
                }
                (None, Some((f, c, s))) => (Some(f), c, false, f.parts().contains(&s)),
                (None, None) => (None, 0, false, false),
            };
            ColumnMapping {
                column,
                header: name.trim().to_string(),
                field,
                confidence,
                unit: unit.unwrap_or_default(),
                from_profile,
                part,
            }
        })
        .collect();
    for i in 0..columns.len() {
        let Some(field) = columns[i].field else { continue };
        let rivals = || columns.iter().filter(|c| c.field == Some(field));
        let best = |cs: &mut dyn Iterator<Item = &ColumnMapping>| {
            cs.max_by(|a, b| a.confidence.cmp(&b.confidence).then(b.column.cmp(&a.column)))
                .map(|c| (c.column, c.confidence))
        };
        let whole = best(&mut rivals().filter(|c| !c.part));
        let parts = best(&mut rivals().filter(|c| c.part));
        // The whole wins over parts as sure of themselves; otherwise every part is kept (summed).
        let keep = match (whole, parts) {
            (Some((w, wc)), Some((_, pc))) if wc >= pc => columns[i].column == w,
            (_, Some(_)) => columns[i].part,
            (Some((w, _)), None) => columns[i].column == w,
            (None, None) => false,
        };
        if !keep {
            columns[i].field = None;
            columns[i].confidence = 0;
            columns[i].part = false;
        }
    }
    // A part alone is the field whole.
    for i in 0..columns.len() {
        if columns[i].part && columns.iter().filter(|c| c.field == columns[i].field).count() == 1 {
            columns[i].part = false;
        }
    }
    columns
}

/// The kind of party a column of identifiers holds, as its header says: `身份证号码`,
/// `保证人身份证号` hold resident IDs (people); `统一社会信用代码`, `组织机构代码`, `营业执照号`
/// hold USCCs (organisations); `证件号码` says neither, nor does a header naming both.
pub fn identifier_kind(header: &str) -> Option<huajie_core::PartyKind> {
    let (h, _) = normalize_header(header);
    let person = h.contains("身份证") || h.contains("居民身份");
    let organisation = ["信用代码", "组织机构代码", "营业执照", "工商注册号"].iter().any(|w| h.contains(w));
    match (person, organisation) {
        (true, false) => Some(huajie_core::PartyKind::Individual),
        (false, true) => Some(huajie_core::PartyKind::Corporate),
        _ => None,
    }
}

impl Header {
    /// The kind of party the column mapped to `field` holds, as its header says (`identifier_kind`).
    pub fn identifier_kind(&self, field: Field) -> Option<huajie_core::PartyKind> {
        self.columns.iter().find(|c| c.field == Some(field)).and_then(|c| identifier_kind(&c.header))
    }
}

/// Whether a row is the total row (`合计`, `总计`) that ends the data.
pub fn is_total_row(row: &[String]) -> bool {
    row.iter().take(4).any(|c| {
        // Most rows are data: skip the normalising unless the cell could be a total.
        let could_be = c.contains('计') || c.trim().starts_with(['t', 'T', 'ｔ', 'Ｔ']);
        if !could_be {
            return false;
        }
        let (h, _) = normalize_header(c);
        matches!(h.as_str(), "合计" | "总计" | "小计" | "本页合计" | "全部合计" | "合计金额")
            || h.starts_with("合计(")
            || h.eq_ignore_ascii_case("total")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_identifier_column_says_its_kind_by_its_header() {
        use huajie_core::PartyKind::{Corporate, Individual};
        for (header, kind) in [
            ("身份证号码", Some(Individual)),
            ("借款人身份证号", Some(Individual)),
            ("保证人身份证号", Some(Individual)),
            ("统一社会信用代码", Some(Corporate)),
            ("借款人统一社会信用代码", Some(Corporate)),
            ("组织机构代码/统一社会信用代码", Some(Corporate)),
            ("证件号码", None),
            ("保证人证件号", None),
            ("身份证号/统一社会信用代码", None),
        ] {
            assert_eq!(identifier_kind(header), kind, "{header}");
        }
    }

    fn row(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn headers_map_by_synonym_prefix_and_containment() {
        assert_eq!(match_header("借款人名称"), Some((Field::DebtorName, 100)));
        assert_eq!(match_header("客户名称"), Some((Field::DebtorName, 100)));
        assert_eq!(match_header(" 本金余额（万元） "), Some((Field::Principal, 100)));
        assert_eq!(normalize_header("本金余额（万元）").1, Some(AmountUnit::Wan));
        assert_eq!(normalize_header("贷款余额(元)").1, Some(AmountUnit::Yuan));
        assert_eq!(match_header("借款人五级分类"), Some((Field::FiveClass, 90)));
        assert_eq!(match_header("抵押物类型"), Some((Field::CollateralType, 100)));
        assert_eq!(match_header("截至基准日贷款本金余额"), Some((Field::Principal, 70)));
        assert_eq!(match_header("备注"), None);
        assert_eq!(match_header(""), None);
    }

    #[test]
    fn the_header_is_found_below_title_rows_and_over_two_levels() {
        let rows = vec![
            row(&["浙东商业银行2025年第三批不良资产包明细", "", "", "", "", ""]),
            row(&["基准日：2025-06-30", "", "", "", "", ""]),
            row(&["序号", "借款人名称", "本金余额（万元）", "抵押物", "", ""]),
            row(&["", "", "", "类型", "地址", "评估价值"]),
            row(&["1", "杭州某某纺织有限公司", "120.5", "工业厂房", "杭州市萧山区", "300"]),
        ];
        let h = detect_header(&rows).unwrap();
        assert_eq!((h.row, h.levels), (3, 2));
        let fields: Vec<Option<Field>> = h.columns.iter().map(|c| c.field).collect();
        assert_eq!(
            fields,
            [
                None,
                Some(Field::DebtorName),
                Some(Field::Principal),
                Some(Field::CollateralType),
                Some(Field::CollateralAddress),
                Some(Field::AppraisedValue)
            ]
        );
        assert_eq!(h.columns[2].unit, AmountUnit::Wan);
        assert_eq!(h.columns[3].header, "抵押物类型");
    }

    #[test]
    fn one_field_one_column() {
        let cols = map_columns(&row(&["客户名称", "借款人名称", "本金"]));
        assert_eq!(cols.iter().filter(|c| c.field == Some(Field::DebtorName)).count(), 1);
        assert_eq!(cols[0].field, Some(Field::DebtorName), "the first of equals keeps the field");
    }

    #[test]
    fn the_total_row_is_recognised() {
        assert!(is_total_row(&row(&["合计", "", "1,000"])));
        assert!(is_total_row(&row(&["", "合 计", "1,000"])));
        assert!(is_total_row(&row(&["合计（元）", "", "1,000"])));
        assert!(!is_total_row(&row(&["1", "合计科技有限公司"])), "a debtor's name is not a total");
        assert!(!is_total_row(&row(&["1", "张三", "100"])));
    }
}
