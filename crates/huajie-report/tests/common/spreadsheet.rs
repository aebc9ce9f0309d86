//! Spreadsheet checks shared by the report and web tests. LibreOffice, headless, as a spreadsheet engine nobody here wrote: it opens our
//! workbooks, recalculates every formula and saves them again, so that a test can compare
//! what it computed with what the engine says. Named by `HUAJIE_SOFFICE` (scripts/test.sh
//! sets it); without it the tests that need it say so and skip.
//!
//! LibreOffice does not recalculate an `.xlsx` on load by default (it shows the cached
//! results): each run uses a fresh user profile set to recalculate always
//! (`OOXMLRecalcMode` 0).

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Soffice {
    bin: PathBuf,
}

/// A workbook as LibreOffice left it: saved again as `.xlsx`, and each sheet as CSV with
/// the cells as shown (their number formats applied).
pub struct Recalculated {
    pub xlsx: Vec<u8>,
    /// Sheet name → rows of cells as shown.
    pub shown: BTreeMap<String, Vec<Vec<String>>>,
}

const PROFILE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"#;

impl Soffice {
    /// The engine `HUAJIE_SOFFICE` names, or `None` (and a line saying the test skips).
    pub fn from_env(test: &str) -> Option<Soffice> {
        match std::env::var("HUAJIE_SOFFICE") {
            Ok(bin) if !bin.is_empty() => Some(Soffice { bin: bin.into() }),
            _ => {
                eprintln!("HUAJIE_SOFFICE is not set: {test} is not recalculated in LibreOffice (skipped)");
                None
            }
        }
    }

    fn run(&self, profile: &Path, args: &[&str], files: &[PathBuf]) {
        let out = Command::new(&self.bin)
            .arg(format!("-env:UserInstallation=file://{}", profile.display()))
            .args(["--headless", "--norestore", "--nolockcheck"])
            .args(args)
            .args(files)
            .output()
            .expect("soffice runs");
        assert!(out.status.success(), "soffice failed: {}", String::from_utf8_lossy(&out.stderr));
    }

    /// Recalculates each named workbook (`name` → bytes; names are plain file stems); those
    /// named in `shown` are also exported sheet by sheet with their cells as shown.
    pub fn recalculate(&self, books: &[(&str, Vec<u8>)], shown: &[&str]) -> BTreeMap<String, Recalculated> {
        let dir = tempfile::tempdir().unwrap();
        let profile = dir.path().join("profile");
        std::fs::create_dir_all(profile.join("user")).unwrap();
        std::fs::write(profile.join("user/registrymodifications.xcu"), PROFILE).unwrap();
        let input = dir.path().join("in");
        std::fs::create_dir_all(&input).unwrap();
        let files: Vec<PathBuf> = books
            .iter()
            .map(|(name, bytes)| {
                let path = input.join(format!("{name}.xlsx"));
                std::fs::write(&path, bytes).unwrap();
                path
            })
            .collect();
        let xlsx = dir.path().join("xlsx");
        let csv = dir.path().join("csv");
        let out = |d: &Path| d.to_str().unwrap().to_string();
        self.run(&profile, &["--convert-to", "xlsx", "--outdir", &out(&xlsx)], &files);
        // Every sheet (the last field, -1), UTF-8 (76), cells as shown (the ninth, true).
        let to_show: Vec<PathBuf> =
            books.iter().zip(&files).filter(|((name, _), _)| shown.contains(name)).map(|(_, f)| f.clone()).collect();
        if !to_show.is_empty() {
            self.run(
                &profile,
                &[
                    "--convert-to",
                    "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1",
                    "--outdir",
                    &out(&csv),
                ],
                &to_show,
            );
        }
        let mut result = BTreeMap::new();
        for (name, _) in books {
            let bytes = std::fs::read(xlsx.join(format!("{name}.xlsx"))).expect("LibreOffice saved the workbook");
            let mut shown = BTreeMap::new();
            for entry in std::fs::read_dir(&csv).into_iter().flatten() {
                let path = entry.unwrap().path();
                let file = path.file_name().unwrap().to_string_lossy().to_string();
                let Some(sheet) = file.strip_prefix(&format!("{name}-")).and_then(|s| s.strip_suffix(".csv")) else {
                    continue;
                };
                let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_path(&path).unwrap();
                let rows: Vec<Vec<String>> =
                    reader.records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect();
                shown.insert(sheet.to_string(), rows);
            }
            result.insert(name.to_string(), Recalculated { xlsx: bytes, shown });
        }
        result
    }
}

/// The workbook with one cell of one sheet (`xl/worksheets/sheet{sheet}.xml`, 1-based in
/// the order written) set to `value`, as a user would type it: the formulas' cached
/// results are left as they were, so only a recalculation can bring them in line.
pub fn with_number(xlsx: &[u8], sheet: usize, cell: &str, value: f64) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
    let mut out = std::io::Cursor::new(Vec::new());
    let mut writer = zip::ZipWriter::new(&mut out);
    let target = format!("xl/worksheets/sheet{sheet}.xml");
    let mut found = false;
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).unwrap();
        if name == target {
            let xml = String::from_utf8(data).unwrap();
            let open = format!("<c r=\"{cell}\"");
            let start = xml.find(&open).unwrap_or_else(|| panic!("{cell} not in {target}"));
            let end = start + xml[start..].find("</c>").unwrap();
            let v = start + xml[start..end].find("<v>").expect("a value");
            let v_end = v + xml[v..end].find("</v>").unwrap();
            data = format!("{}<v>{value}{}", &xml[..v], &xml[v_end..]).into_bytes();
            found = true;
        }
        writer.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        writer.write_all(&data).unwrap();
    }
    writer.finish().unwrap();
    assert!(found, "{target} not in the workbook");
    out.into_inner()
}

/// Cells written as text that read as a number or a date ("1,234.50", "15%", "3.2×",
/// "2026-09-30"): (sheet, row, column, text), except where `exempt(sheet, column)` (a
/// value shown as the source wrote it, an identifier).
pub fn numbers_as_text(xlsx: &[u8], exempt: impl Fn(&str, usize) -> bool) -> Vec<(String, usize, usize, String)> {
    use calamine::{Data, Reader};
    let mut book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(xlsx.to_vec())).unwrap();
    let mut found = Vec::new();
    for sheet in book.sheet_names().to_vec() {
        let range = book.worksheet_range(&sheet).unwrap();
        for (r, row) in range.rows().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let Data::String(s) = cell else { continue };
                if exempt(&sheet, c) {
                    continue;
                }
                let t = s.trim();
                let bare: String = t
                    .trim_end_matches(['%', '×', '元'])
                    .trim_end_matches("万")
                    .chars()
                    .filter(|ch| *ch != ',')
                    .collect();
                let date = t.len() >= 10
                    && t.as_bytes()[4] == b'-'
                    && t.as_bytes()[7] == b'-'
                    && t[..4].chars().all(|ch| ch.is_ascii_digit());
                if (!bare.is_empty() && bare.parse::<f64>().is_ok()) || date {
                    found.push((sheet.clone(), r, c, s.clone()));
                }
            }
        }
    }
    found
}
