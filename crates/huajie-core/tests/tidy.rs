//! Tidy: no function in the workspace's `crates/*/src` grows past 70 lines, and no source
//! file newly passes 600. Today's longer ones are listed in `tidy_exceptions.txt` with their
//! length, and the list may only shrink: a listed function or file that got longer fails, and
//! so does one that got shorter, fell under the limit or disappeared (so that the list is
//! brought down to it and it cannot grow back).
//!
//! Lengths are read from rustfmt-formatted code: a function runs from its `fn` line to the
//! first line that is its closing brace at the same indentation, both counted.
//! `HUAJIE_TIDY_SHRINK=1 cargo test -p huajie-core --test tidy` rewrites the list with what
//! shrank and leaves out what is gone (never what grew).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The most lines a function may have (TigerBeetle's `TIGER_STYLE.md`).
const FUNCTION_LINES_MAX: usize = 70;
/// The most lines a source file may have.
const FILE_LINES_MAX: usize = 600;

const EXCEPTIONS: &str = "tests/tidy_exceptions.txt";

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

/// Every `.rs` file under each `crates/*/src`, as a path relative to the workspace.
fn sources(root: &Path) -> Vec<String> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    for krate in std::fs::read_dir(root.join("crates")).unwrap() {
        let src = krate.unwrap().path().join("src");
        if src.is_dir() {
            walk(&src, &mut files);
        }
    }
    let mut out: Vec<String> =
        files.iter().map(|p| p.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/")).collect();
    out.sort();
    out
}

/// The function declared on `line`, if any: its indentation and its name.
fn declared(line: &str) -> Option<(usize, &str)> {
    let indent = line.len() - line.trim_start().len();
    let mut rest = line.trim_start();
    loop {
        let before = rest;
        for prefix in ["pub ", "const ", "async ", "unsafe ", "default ", "extern \"C\" "] {
            rest = rest.strip_prefix(prefix).unwrap_or(rest);
        }
        if rest.starts_with("pub(") {
            rest = rest.split_once(") ").map_or(rest, |(_, r)| r);
        }
        if rest == before {
            break;
        }
    }
    let name = rest.strip_prefix("fn ")?;
    let end = name.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(name.len());
    (end > 0).then(|| (indent, &name[..end]))
}

/// Each function with a body of its own lines in `text`, as (name, lines from `fn` to its
/// closing brace); a second function of the same name in the file is `name#2`, and so on.
fn functions(text: &str) -> Vec<(String, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some((indent, name)) = declared(line) else { continue };
        // The signature ends with the body's opening brace, or `;` for a declaration only.
        let Some(open) = (i..lines.len()).find(|j| {
            let l = lines[*j].trim_end();
            l.ends_with('{') || l.ends_with(';') || l.ends_with('}')
        }) else {
            continue;
        };
        if !lines[open].trim_end().ends_with('{') {
            continue;
        }
        let close = format!("{}}}", " ".repeat(indent));
        let Some(end) = (open + 1..lines.len()).find(|j| lines[*j].trim_end() == close) else { continue };
        let n = seen.entry(name).or_default();
        *n += 1;
        let key = if *n == 1 { name.to_string() } else { format!("{name}#{n}") };
        out.push((key, end - i + 1));
    }
    out
}

/// What is over the limits now: `fn <file> <name>` and `file <file>`, each with its length.
fn over_the_limits(root: &Path) -> BTreeMap<String, usize> {
    let mut over = BTreeMap::new();
    for file in sources(root) {
        let text = std::fs::read_to_string(root.join(&file)).unwrap();
        let lines = text.lines().count();
        if lines > FILE_LINES_MAX {
            over.insert(format!("file {file}"), lines);
        }
        for (name, length) in functions(&text) {
            if length > FUNCTION_LINES_MAX {
                over.insert(format!("fn {file} {name}"), length);
            }
        }
    }
    over
}

fn read_exceptions(text: &str) -> BTreeMap<String, usize> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (key, n) = l.rsplit_once(' ').unwrap_or_else(|| panic!("{EXCEPTIONS}: no length on `{l}`"));
            (key.to_string(), n.parse().unwrap_or_else(|_| panic!("{EXCEPTIONS}: bad length on `{l}`")))
        })
        .collect()
}

/// What is wrong with the tree against the list, one line each (empty = tidy).
fn complaints(now: &BTreeMap<String, usize>, listed: &BTreeMap<String, usize>) -> Vec<String> {
    let mut out = Vec::new();
    for (key, n) in now {
        match listed.get(key) {
            None if key.starts_with("fn ") => {
                out.push(format!("{key}: {n} lines, over {FUNCTION_LINES_MAX}: split it"));
            }
            None => out.push(format!("{key}: {n} lines, over {FILE_LINES_MAX}: split it")),
            Some(was) if n > was => out.push(format!("{key}: grew from {was} to {n} lines: bring it back")),
            Some(was) if n < was => {
                out.push(format!("{key}: shrank from {was} to {n} lines: write `{key} {n}` in {EXCEPTIONS}"))
            }
            Some(_) => {}
        }
    }
    for key in listed.keys().filter(|k| !now.contains_key(*k)) {
        out.push(format!("{key}: within the limit or gone: remove it from {EXCEPTIONS}"));
    }
    out
}

#[test]
fn no_function_grows_past_70_lines_and_no_file_newly_past_600() {
    let root = workspace();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(EXCEPTIONS);
    let text = std::fs::read_to_string(&path).unwrap();
    let listed = read_exceptions(&text);
    let now = over_the_limits(&root);
    let wrong = complaints(&now, &listed);
    if !wrong.is_empty() && std::env::var_os("HUAJIE_TIDY_SHRINK").is_some() {
        // Keep what shrank and drop what is gone; what grew or is new stays a failure.
        let mut kept: Vec<String> = text.lines().filter(|l| l.starts_with('#')).map(str::to_string).collect();
        for (key, was) in &listed {
            if let Some(n) = now.get(key) {
                kept.push(format!("{key} {}", n.min(was)));
            }
        }
        std::fs::write(&path, kept.join("\n") + "\n").unwrap();
    }
    assert!(wrong.is_empty(), "tidy:\n{}", wrong.join("\n"));
}

#[test]
fn the_scan_measures_functions_as_rustfmt_lays_them_out() {
    let text = "\
fn short() -> u8 { 1 }

pub(crate) async fn long(
    x: u8,
) -> u8
where
    u8: Copy,
{
    let s = \"}\";
    x
}

impl A {
    pub fn new() -> A {
        A
    }

    fn declared_only(&self);

    fn new() {}
}
";
    let found = functions(text);
    assert_eq!(found, vec![("long".to_string(), 9), ("new".to_string(), 3)]);
    assert_eq!(declared("    pub(in crate::x) const unsafe fn f<T>()"), Some((4, "f")));
    assert_eq!(declared("    // fn not_code()"), None);
    assert_eq!(declared("let fnord = 1;"), None);
}

#[test]
fn the_list_may_only_shrink() {
    let listed: BTreeMap<String, usize> = [
        ("fn a.rs grown", 80),
        ("fn a.rs same", 90),
        ("fn a.rs shrunk", 100),
        ("fn a.rs gone", 75),
        ("file a.rs", 700),
    ]
    .into_iter()
    .map(|(k, n)| (k.to_string(), n))
    .collect();
    let now: BTreeMap<String, usize> =
        [("fn a.rs grown", 81), ("fn a.rs same", 90), ("fn a.rs shrunk", 95), ("fn a.rs new", 71), ("file a.rs", 700)]
            .into_iter()
            .map(|(k, n)| (k.to_string(), n))
            .collect();
    let wrong = complaints(&now, &listed);
    assert_eq!(wrong.len(), 4, "{wrong:#?}");
    for (key, says) in
        [("fn a.rs grown", "grew"), ("fn a.rs shrunk", "shrank"), ("fn a.rs new", "over 70"), ("fn a.rs gone", "gone")]
    {
        assert!(wrong.iter().any(|w| w.starts_with(key) && w.contains(says)), "{key}: {wrong:#?}");
    }
}

/// What in a line of the web or command-line crates opens or holds a write transaction itself,
/// rather than calling one store operation: `….store.write(`, `Store::write(`, `.operate(`, `WriteTx`.
fn opens_a_transaction(line: &str) -> Option<&'static str> {
    let code = line.split("//").next().unwrap_or("");
    let store_write = code.match_indices(".write(").any(|(at, _)| {
        let receiver = code[..at].trim_end_matches(|c: char| c == '?' || c == ')' || c.is_whitespace());
        receiver.ends_with("store") || receiver.ends_with("Store")
    });
    if store_write || code.contains("Store::write(") {
        Some("Store::write")
    } else if code.contains(".operate(") {
        Some("Store::operate")
    } else if code.contains("WriteTx") {
        Some("WriteTx")
    } else {
        None
    }
}

/// The write path (ARCHITECTURE.md): a handler, the login and a command call one store
/// operation; none opens a write transaction or holds a `WriteTx` (tests aside).
#[test]
fn no_handler_or_command_opens_a_write_transaction() {
    let root = workspace();
    let mut found = Vec::new();
    for file in sources(&root)
        .into_iter()
        .filter(|f| f.starts_with("crates/huajie-web/src/") || f.starts_with("crates/huajie-cli/src/"))
    {
        let text = std::fs::read_to_string(root.join(&file)).unwrap();
        for (n, line) in text.lines().enumerate().take_while(|(_, l)| l.trim() != "#[cfg(test)]") {
            if let Some(what) = opens_a_transaction(line) {
                found.push(format!("{file}:{}: {what}: {}", n + 1, line.trim()));
            }
        }
    }
    assert!(found.is_empty(), "call a store operation (huajie-store/src/operations.rs) instead:\n{}", found.join("\n"));
}

#[test]
fn the_scan_finds_a_write_transaction_however_the_store_is_reached() {
    assert_eq!(opens_a_transaction("        let mut tx = store.write(\"anonymous\").await?;"), Some("Store::write"));
    assert_eq!(opens_a_transaction("let mut tx = state.store.write(&user.username).await?;"), Some("Store::write"));
    assert_eq!(opens_a_transaction("let tx = open(&db).await?.write(\"cli\")"), None, "not a store by its name");
    assert_eq!(opens_a_transaction("fn f(tx: &mut WriteTx) {"), Some("WriteTx"));
    assert_eq!(opens_a_transaction("state.store.operate(actor, async |tx| tx.x().await)"), Some("Store::operate"));
    assert_eq!(opens_a_transaction("out.write(&bytes)?; // store.write( in a comment"), None);
    assert_eq!(opens_a_transaction("store.record_login_failure(attempt).await?;"), None);
}
