//! Turning the cells of a bank tape into values. Amounts, dates, counts and yes/no are read by
//! the one parser everything uses (`huajie_core::input`, re-exported here); this module adds
//! what only tapes need: cells holding several values (`抵押+保证`, `张三、李四`), contract keys
//! and names as written.
//!
//! Every function takes the raw cell and returns the value; none panics, whatever the input.

pub use huajie_core::input::{
    AmountUnit, InputError as CoerceError, is_blank, normalize, normalized, parse_bool, parse_date, parse_int,
    parse_money, parse_money_exact,
};

/// Splits a cell holding several values: `抵押+保证`, `张三、李四`, `A;B`, one per line.
/// Empty pieces are dropped; each piece is kept as written (trimmed), for the caller to
/// `normalize` when it is a code rather than a name.
pub fn split_multi(cell: &str) -> Vec<String> {
    cell.split(['、', ',', '，', ';', '；', '+', '＋', '/', '／', '\n', '\r', '|', '｜'])
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

/// Splits a cell listing several names or contract numbers: `张三、李四`, `HT-1，HT-2`,
/// `A;B`, one per line. Unlike `split_multi` it keeps `/`, `+` and `|`, which codes and
/// names may hold. Empty pieces are dropped; each piece is trimmed, otherwise as written.
pub fn split_list(cell: &str) -> Vec<String> {
    cell.split(['、', ',', '，', ';', '；', '\n', '\r'])
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

/// `split_list` keeping the place of an empty piece (`110…、、330…`: the second of three
/// has none), for values that go one to one with a list of names. Empty pieces at the
/// end are dropped; a cell of nothing but separators has no pieces.
pub fn split_aligned(cell: &str) -> Vec<String> {
    let mut pieces: Vec<String> = cell
        .split(['、', ',', '，', ';', '；', '\n'])
        .map(|p| p.trim_matches([' ', '\r', '\t', '\u{3000}']).to_string())
        .collect();
    while pieces.last().is_some_and(|p| p.is_empty()) {
        pieces.pop();
    }
    pieces
}

/// The key a contract number is matched by, between the sheets of a tape and between a
/// package's tape versions: full-width forms as ASCII, spaces dropped, every kind of
/// bracket as `()`, dashes as `-`, letters in upper case. `浙商银〔2020〕字第１号` and
/// `浙商银(2020)字第1号` are one contract. The number itself is kept as the tape wrote it.
pub fn contract_key(contract: &str) -> String {
    normalized(contract)
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '〔' | '【' | '〖' | '[' | '{' | '（' => '(',
            '〕' | '】' | '〗' | ']' | '}' | '）' => ')',
            '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' => '-',
            c => c.to_ascii_uppercase(),
        })
        .collect()
}

/// A name, address or description as written, only trimmed (ideographic and no-break
/// spaces included): `杭州某某（集团）有限公司` keeps its full-width parentheses, as the
/// registry writes it.
pub fn clean_text(cell: &str) -> String {
    cell.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multi_value_cells_contract_keys_and_names() {
        assert_eq!(split_multi("抵押+保证"), ["抵押", "保证"]);
        assert_eq!(split_multi("张三、李四；王五\n赵六"), ["张三", "李四", "王五", "赵六"]);
        assert!(split_multi(" 、 ").is_empty());
        assert_eq!(
            split_multi("杭州某某（集团）有限公司，张三"),
            ["杭州某某（集团）有限公司", "张三"],
            "names keep their full-width brackets"
        );
        assert_eq!(clean_text("\u{3000}杭州某某（集团）有限公司 "), "杭州某某（集团）有限公司");
        assert_eq!(split_list("张三、李四；王五\n赵六,钱七"), ["张三", "李四", "王五", "赵六", "钱七"]);
        assert_eq!(split_list("2020/HT/001"), ["2020/HT/001"], "a code keeps its slashes");
        assert_eq!(split_aligned("A、、B、"), ["A", "", "B"]);
        assert_eq!(split_aligned("A\r\nB"), ["A", "B"]);
        assert!(split_aligned("、，").is_empty());
        assert_eq!(contract_key("浙商银〔2020〕字第１号"), contract_key("浙商银(2020)字第1号"));
        assert_eq!(contract_key(" ｈｔ－００１ "), "HT-001");
        assert_eq!(contract_key("【HT】—1"), contract_key("(ht)-1"));
        assert_ne!(contract_key("HT-1"), contract_key("HT-11"));
    }

    proptest::proptest! {
        #[test]
        fn no_cell_makes_a_splitter_panic(cell in "\\PC{0,40}") {
            let _ = split_multi(&cell);
            let _ = split_list(&cell);
            let _ = split_aligned(&cell);
            let _ = contract_key(&cell);
        }
    }
}
