//! Reading and checking a tape, without the database: `cargo bench -p huajie-tape --bench read -- FILE [--personal]`.
//! Prints the wall time and the counts. Generate a tape with `scripts/gen-personal-tape.py`.

use std::time::Instant;

use huajie_tape::{MappingProfile, SheetOptions, read_tape};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let Some(path) = args.iter().find(|a| !a.starts_with("--")) else {
        eprintln!("usage: cargo bench -p huajie-tape --bench read -- FILE [--personal]");
        return;
    };
    let personal = args.iter().any(|a| a == "--personal");
    let options = SheetOptions {
        cutoff_date: chrono::NaiveDate::from_ymd_opt(2026, 6, 30),
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 28).expect("a date"),
        personal_batch: personal,
    };
    let started = Instant::now();
    let file = std::fs::File::open(path).expect("the tape opens");
    let (source, result) =
        read_tape(path, std::io::BufReader::new(file), || std::fs::read(path), options, &MappingProfile::default())
            .expect("the tape reads");
    let read = result.expect("the tape has a header");
    println!(
        "{source}: {} rows read, {} valid, {} problems in {:.2} s",
        read.rows_read,
        read.claims.len(),
        read.problems.len(),
        started.elapsed().as_secs_f64()
    );
    let mut by_rule = std::collections::BTreeMap::new();
    for p in &read.problems {
        *by_rule.entry(p.rule.code()).or_insert(0_usize) += 1;
    }
    for (code, n) in by_rule {
        println!("  {code}: {n}");
    }
}
