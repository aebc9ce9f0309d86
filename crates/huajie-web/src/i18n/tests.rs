//! The catalogue's own tests: unique keys, both languages, every key used present.

use super::*;

#[test]
fn keys_are_unique_and_both_languages_are_filled() {
    let mut seen = std::collections::HashSet::new();
    for (k, zh, en) in entries() {
        assert!(seen.insert(k), "duplicate key {k}");
        assert!(!zh.is_empty() && !en.is_empty(), "{k} lacks a language");
    }
}

#[test]
fn every_key_used_is_in_the_catalogue() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"));
    let mut sources = Vec::new();
    let mut dirs = vec![std::path::PathBuf::from(format!("{dir}/templates")), format!("{dir}/src").into()];
    while let Some(d) = dirs.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if !["i18n/decisions.rs", "i18n/calendar.rs", "i18n/errors.rs"].iter().any(|f| path.ends_with(f)) {
                sources.push(std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    let families = [
        "app",
        "nav",
        "login",
        "password",
        "error",
        "dashboard",
        "packages",
        "package",
        "claim",
        "collateral",
        "import",
        "guarantee",
        "parties",
        "party",
        "users",
        "audit",
        "portal",
        "account",
        "common",
        "valuation",
        "assumptions",
        "liquidation",
        "curves",
        "compliance",
        "rules",
        "book",
        "checks",
        "report",
        "flags",
        "company",
        "committee",
        "plans",
        "announce",
        "public",
        "lots",
        "ledger",
    ];
    let mut missing = Vec::new();
    for text in &sources {
        for piece in text.split('"').skip(1).step_by(2) {
            let Some((family, rest)) = piece.split_once('.') else { continue };
            let is_key = families.contains(&family)
                && !rest.is_empty()
                && rest.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
                && rest != "html";
            if is_key && !INDEX.contains_key(piece) {
                missing.push(piece.to_string());
            }
        }
    }
    missing.sort();
    missing.dedup();
    assert!(missing.is_empty(), "keys used but not in the catalogue: {missing:?}");
}
