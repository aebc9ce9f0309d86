//! Huajie's identifier checks against an independent implementation: python-stdnum
//! (`stdnum.cn.ric`, `stdnum.cn.uscc`; `scripts/test.sh` installs the pinned version) and, for
//! the organisation code inside a USCC that stdnum does not check, GB 11714 as
//! `stdnum_verdicts.py` writes it from the standard. Thousands of generated numbers — valid
//! ones, one-character typos, swapped neighbours — are judged by both, and where both check a
//! thing their verdicts must agree. Where stdnum checks less (a USCC's region and organisation
//! code, a resident ID's birth date against today) or differently (a resident ID's place of
//! birth against the year, from its own table), only what both check is compared.
//!
//! Skipped, saying so, only when there is no `python3`.

use std::io::Write;
use std::process::{Command, Stdio};

use chrono::{Datelike, NaiveDate};
use huajie_core::ids::{City, IdFault};
use huajie_core::{PartyIdentifier, Province, RegionCode, ResidentId, Uscc};

/// The python-stdnum version `scripts/test.sh` installs.
const STDNUM_VERSION: &str = "2.2";
const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/stdnum_verdicts.py");
const USCC_ALPHABET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// SplitMix64: a fixed sequence, so that every run judges the same numbers.
struct Draw(u64);

impl Draw {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// stdnum's verdict on one number.
#[derive(Debug)]
struct Verdict {
    verdict: String,
    /// stdnum's check character for the first 17 characters.
    check: Option<char>,
    /// GB 11714 on the organisation code inside a USCC.
    org_ok: Option<bool>,
}

/// The verdicts of `stdnum_verdicts.py`, in order; `None` when there is no python3.
fn judge(lines: &[String]) -> Option<(Vec<Verdict>, String)> {
    let mut child = match Command::new("python3")
        .arg(SCRIPT)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) => panic!("cannot run python3: {e}"),
    };
    let input = lines.join("\n") + "\n";
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().unwrap();
    let written = writer.join().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(written.is_ok() || !out.status.success(), "cannot write to python3: {written:?}");
    assert!(
        !stderr.contains("No module named 'stdnum'"),
        "python-stdnum is needed: `python3 -m pip install python-stdnum=={STDNUM_VERSION}` (scripts/test.sh installs it)"
    );
    assert!(out.status.success(), "stdnum_verdicts.py failed:\n{stderr}");
    let text = String::from_utf8(out.stdout).unwrap();
    let mut rows: Vec<&str> = text.lines().collect();
    let version = rows.pop().unwrap().trim_start_matches("stdnum ").to_string();
    let verdicts = rows
        .iter()
        .map(|r| {
            let f: Vec<&str> = r.split(' ').collect();
            Verdict {
                verdict: f[0].to_string(),
                check: f[1].chars().next().filter(|c| *c != '-'),
                org_ok: match f[2] {
                    "1" => Some(true),
                    "0" => Some(false),
                    _ => None,
                },
            }
        })
        .collect();
    Some((verdicts, version))
}

/// Every number one mistyped character, or two swapped neighbours, away from `n`.
fn typos(n: &str, alphabet: &[u8], d: &mut Draw, how_many: usize) -> Vec<String> {
    let b = n.as_bytes();
    let mut out = Vec::new();
    while out.len() < how_many {
        let mut v = b.to_vec();
        if d.below(4) == 0 {
            let i = d.below(b.len() - 1);
            v.swap(i, i + 1);
        } else {
            let i = d.below(b.len());
            v[i] = *d.pick(alphabet);
        }
        if v != b {
            out.push(String::from_utf8(v).unwrap());
        }
    }
    out
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
}

#[test]
fn huajie_and_python_stdnum_agree_on_thousands_of_identifiers() {
    let mut d = Draw(20_261_201);
    let counties: Vec<RegionCode> =
        Province::all().into_iter().flat_map(City::of_province).flat_map(City::county_codes).collect();
    // Retired codes (崇文区, 宣武区, 简阳市 of 资阳, 塘沽区, 邢台县, 伊春区, 通县, 延庆县) and the permits.
    let former_and_permits = ["110103", "110104", "512081", "120107", "130521", "230702", "110223", "110229"]
        .into_iter()
        .chain(["810000", "820000", "830000"])
        .map(|c| RegionCode::parse(c).unwrap())
        .collect::<Vec<_>>();
    let from = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap();
    let span = (today() - from).num_days() as u64;

    let mut residents = Vec::new();
    for i in 0..3000 {
        let region = if i % 10 == 0 { *d.pick(&former_and_permits) } else { *d.pick(&counties) };
        let born = from + chrono::Days::new(d.next() % (span + 1));
        let first17 = format!("{region}{}{:03}", born.format("%Y%m%d"), d.below(1000));
        residents.push(ResidentId::with_check_char(&first17).unwrap().to_string());
    }
    let mut companies = Vec::new();
    for i in 0..3000 {
        let region = match i % 20 {
            0 => "100000".to_string(),
            1 => former_and_permits[d.below(8)].code(),
            _ => d.pick(&counties).code(),
        };
        let kind = *d.pick(&["91", "92", "93", "11", "12", "51", "52", "Y1"]);
        let body: String = (0..8).map(|_| char::from(*d.pick(USCC_ALPHABET))).collect();
        companies.push(Uscc::with_check_chars(&format!("{kind}{region}{body}")).unwrap().to_string());
    }
    let mut resident_typos = Vec::new();
    for r in &residents {
        resident_typos.extend(typos(r, b"0123456789X", &mut d, 6));
    }
    let mut company_typos = Vec::new();
    for c in &companies {
        company_typos.extend(typos(c, USCC_ALPHABET, &mut d, 5));
    }
    // Resident IDs and their typos are judged as resident IDs and as USCCs; USCCs as USCCs.
    let rics: Vec<&String> = residents.iter().chain(&resident_typos).collect();
    let usccs: Vec<&String> = rics.iter().copied().chain(&companies).chain(&company_typos).collect();
    let lines: Vec<String> =
        rics.iter().map(|n| format!("ric {n}")).chain(usccs.iter().map(|n| format!("uscc {n}"))).collect();
    let Some((verdicts, version)) = judge(&lines) else {
        eprintln!("SKIPPED: no python3 on this machine, so no comparison with python-stdnum");
        return;
    };
    assert_eq!(verdicts.len(), lines.len());
    let (ric_verdicts, uscc_verdicts) = verdicts.split_at(rics.len());

    // Resident IDs: the check digit, the length and digits, and the birth date are checked by both.
    for (n, v) in rics.iter().zip(ric_verdicts) {
        let ours = ResidentId::parse(n, today());
        match (&ours, v.verdict.as_str()) {
            // stdnum also checks the place of birth against the birth year, in its own table: not compared.
            (Ok(_), "valid" | "place") => {}
            (Ok(_), other) => panic!("{n}: Huajie accepts it, stdnum says {other}"),
            (Err(e), "checksum") => match e.fault {
                IdFault::CheckChar { expected, .. } => assert_eq!(Some(expected), v.check, "{n}"),
                // Huajie checks the region and the birth date before the check digit.
                IdFault::Region { .. }
                | IdFault::BirthDate { .. }
                | IdFault::BornBefore1900 { .. }
                | IdFault::BornInFuture { .. } => {}
                ref f => panic!("{n}: stdnum says checksum, Huajie {f:?}"),
            },
            (Err(e), "valid" | "place") => {
                let region_known = RegionCode::parse(&n[..6]).is_ok();
                let born = NaiveDate::parse_from_str(&n[6..14], "%Y%m%d").unwrap();
                assert!(
                    !region_known || born.year() < 1900 || born > today(),
                    "{n}: stdnum accepts it, Huajie says {e} although both its region and birth date are good"
                );
                assert!(!matches!(e.fault, IdFault::CheckChar { .. }), "{n}: {e}");
            }
            (Err(e), "date") => {
                assert!(matches!(e.fault, IdFault::BirthDate { .. } | IdFault::Region { .. }), "{n}: {e}")
            }
            (Err(e), "format") => assert!(matches!(e.fault, IdFault::BadChar { .. }), "{n}: {e}"),
            (Err(e), "length") => assert!(matches!(e.fault, IdFault::Length { .. }), "{n}: {e}"),
            (Err(e), other) => panic!("{n}: stdnum says {other}, Huajie {e}"),
        }
    }
    for (n, v) in residents.iter().zip(ric_verdicts) {
        assert!(matches!(v.verdict.as_str(), "valid" | "place"), "{n}: a generated number stdnum refuses: {v:?}");
    }

    // USCCs: the length, the alphabet and the check character are checked by both; the region
    // and the organisation code (GB 11714, written independently in the script) by Huajie alone.
    let mut uscc_like_typos = 0;
    for (i, (n, v)) in usccs.iter().zip(uscc_verdicts).enumerate() {
        let ours = Uscc::parse(n);
        if i >= rics.len() && i < rics.len() + companies.len() {
            assert!(ours.is_ok(), "{n}: a generated code Huajie refuses");
        }
        if !n[..2].bytes().all(|b| b.is_ascii_digit()) {
            // stdnum wants digits in characters 1–8, where GB 32100 allows letters in 1–2 (Y1,
            // other registration authorities): only the check character is compared.
            if ours.is_ok() {
                assert_eq!(v.check, n.chars().nth(17), "{n}");
            }
            continue;
        }
        match (&ours, v.verdict.as_str()) {
            (Ok(_), "valid") => {}
            (Ok(_), other) => panic!("{n}: Huajie accepts it, stdnum says {other}"),
            (Err(e), "checksum") => match e.fault {
                IdFault::CheckChar { expected, .. } => assert_eq!(Some(expected), v.check, "{n}"),
                IdFault::Region { .. } => {}
                ref f => panic!("{n}: stdnum says checksum, Huajie {f:?}"),
            },
            (Err(e), "valid") => match e.fault {
                IdFault::Region { .. } => {
                    assert!(n[2..8] != *"100000" && RegionCode::parse(&n[2..8]).is_err(), "{n}: {e}")
                }
                IdFault::OrgCodeCheck { .. } => assert_eq!((v.org_ok, &n[..2] == "92"), (Some(false), false), "{n}"),
                ref f => panic!("{n}: stdnum accepts it, Huajie says {f:?}"),
            },
            (Err(e), "format") => {
                assert!(matches!(e.fault, IdFault::BadChar { .. } | IdFault::Region { .. }), "{n}: {e}")
            }
            (Err(e), "length") => assert!(matches!(e.fault, IdFault::Length { .. }), "{n}: {e}"),
            (Err(e), other) => panic!("{n}: stdnum says {other}, Huajie {e}"),
        }
        // Where both agree on the check character and the region is known, GB 11714 decides alone.
        if v.verdict == "valid" && (n[2..8] == *"100000" || RegionCode::parse(&n[2..8]).is_ok()) {
            assert_eq!(ours.is_ok(), v.org_ok == Some(true) || &n[..2] == "92", "{n}: {ours:?}");
        }
        // A resident ID's typo that stdnum takes for a USCC…
        if i >= residents.len() && i < rics.len() && v.verdict == "valid" {
            uscc_like_typos += 1;
        }
    }

    // … is never read as one when the form alone decides.
    for t in &resident_typos {
        if let Ok(PartyIdentifier::Uscc(u)) = PartyIdentifier::parse(t, today()) {
            panic!("a resident ID mistyped as {t} was read as the USCC {u}");
        }
    }
    // And a company's code is read as one, but for the rare code that opens like a resident ID.
    let refused = companies.iter().filter(|c| PartyIdentifier::parse(c, today()).is_err()).count();
    assert!(refused * 100 < companies.len(), "{refused} of {} companies refused", companies.len());
    eprintln!(
        "python-stdnum {version}: {} numbers judged by both; {uscc_like_typos} of {} typos of resident IDs pass \
         stdnum's USCC check, none is read as a USCC by Huajie; {refused} of {} generated USCCs resemble a resident ID",
        lines.len(),
        resident_typos.len(),
        companies.len()
    );
    assert!(uscc_like_typos > 0, "the sample holds typos that pass as USCCs by the check character alone");
    assert_eq!(version, STDNUM_VERSION, "the pinned python-stdnum (scripts/test.sh)");
}
