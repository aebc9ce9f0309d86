//! A decompression bomb fed to the import as a file, alone in its test binary so that
//! the process's peak memory (VmHWM, kept by the kernel) is this test's: a workbook of a
//! few megabytes that inflates to a gigabyte of cells, with one more cell at the sheet's
//! far corner (which a dense reader would spread into 17 billion cells), is refused
//! with the limit it breaks while the process stays under 300 MB.

mod support;

use std::io::Write;

use huajie_tape::{ReadError, SheetOptions, WorkbookLimit, read_tape};

/// The process's peak resident memory so far, in bytes.
fn peak_memory() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("Linux's /proc");
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).expect("a VmHWM line");
    let kb: u64 = line.split_whitespace().nth(1).and_then(|n| n.parse().ok()).expect("a number of kB");
    kb * 1024
}

#[test]
fn a_bomb_is_refused_and_memory_stays_bounded() {
    let cell = r#"<c t="inlineStr"><is><t>炸</t></is></c>"#;
    let row = cell.repeat(100);
    let bomb = support::xlsx(&[], &mut |w: &mut dyn Write| {
        for _ in 0..262_144 {
            w.write_all(b"<row>").unwrap();
            w.write_all(row.as_bytes()).unwrap();
            w.write_all(b"</row>").unwrap();
        }
        w.write_all(br#"<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>"#).unwrap();
    });
    assert!(bomb.len() < 8 << 20, "a few megabytes: {} bytes", bomb.len());
    let dir = tempfile_dir();
    let path = dir.join("bomb.xlsx");
    std::fs::write(&path, &bomb).unwrap();
    drop(bomb);
    let before = peak_memory();

    let options = SheetOptions {
        cutoff_date: chrono::NaiveDate::from_ymd_opt(2025, 6, 30),
        today: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        personal_batch: false,
    };
    let file = std::fs::File::open(&path).unwrap();
    let read = read_tape("bomb.xlsx", file, || std::fs::read(&path), options, &Default::default());
    let peak = peak_memory();
    std::fs::remove_dir_all(&dir).ok();

    let error = read.map(|_| ()).expect_err("the bomb is refused");
    assert_eq!(error, ReadError::TooLarge(WorkbookLimit::Decompressed(256 << 20)));
    assert!(error.message(huajie_core::Lang::Zh).starts_with("工作簿过大"), "{error}");
    assert!(peak < 300 << 20, "peak memory {} MB (before the read: {} MB)", peak >> 20, before >> 20);
}

fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("huajie-bomb-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
