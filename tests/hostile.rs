//! The hostile-returns folder merged in one run of the binary: every broken,
//! huge or malicious file becomes a finding that names it, the good returns
//! and every readable event still merge, the Returns sheet adds up, nothing
//! typed in a return becomes a formula or a link, the inputs are unchanged
//! and the process's peak memory stays bounded.

mod common;

#[path = "../examples/make_hostile.rs"]
mod make_hostile;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use calamine::Data;
use common::{col, sheet, text, zip_parts};

/// What each file must come to: its status in Returns and the finding
/// codes it must have (at least).
fn expected() -> Vec<(&'static str, &'static str, &'static [&'static str])> {
    vec![
        ("a Word document.xlsx", "rejected", &["file-not-workbook"]),
        (
            "absurd shared strings count.xlsx",
            "rejected",
            &["file-unreadable"],
        ),
        ("actually a PDF.xlsx", "rejected", &["file-not-workbook"]),
        (
            "actually a web page.xlsx",
            "rejected",
            &["file-not-workbook"],
        ),
        ("corrupt zip.xlsx", "rejected", &["file-unreadable"]),
        ("empty.xlsx", "rejected", &["file-not-workbook"]),
        ("formula injection.csv", "merged", &[]),
        (
            "formula injection.xlsx",
            "merged with warnings",
            &["cell-formula"],
        ),
        ("good education.xls", "merged", &[]),
        ("good health visiting.ods", "merged", &[]),
        ("good police return.xlsx", "merged", &[]),
        ("long text over 32767.csv", "merged", &[]),
        ("nul bytes.csv", "merged with warnings", &["csv-broken"]),
        (
            "password protected (container).xlsx",
            "rejected",
            &["file-encrypted"],
        ),
        ("password protected.ods", "rejected", &["file-encrypted"]),
        ("password protected.xlsx", "rejected", &["file-encrypted"]),
        (
            "ragged rows.csv",
            "merged with warnings",
            &["csv-ragged-row"],
        ),
        (
            "stray value at IV65536.xls",
            "rejected",
            &["file-too-large"],
        ),
        (
            "stray value at XFD1048576.ods",
            "rejected",
            &["file-too-large"],
        ),
        (
            "stray value at XFD1048576.xlsx",
            "merged with warnings",
            &["cell-outside-template"],
        ),
        ("truncated.xlsx", "rejected", &["file-unreadable"]),
        ("unicode text export.csv", "merged", &[]),
        (
            "unterminated quote.csv",
            "merged with warnings",
            &["csv-broken"],
        ),
        ("web export.xls", "rejected", &["file-not-workbook"]),
        ("zip bomb.xlsx", "rejected", &["file-too-large"]),
        ("Équipe santé — Ålesund 保健 return.xlsx", "merged", &[]),
        // Made at test time.
        ("zip bomb 3.5 GB.xlsx", "rejected", &["file-too-large"]),
        ("million formatted empty rows.xlsx", "merged", &[]),
        ("10 MB cell.csv", "merged", &[]),
    ]
}

/// Tags of the events that must be in the merged chronology.
fn expected_events() -> Vec<String> {
    let mut v = Vec::new();
    let mut add = |tag: &str, n: usize| {
        for i in 0..n {
            v.push(format!("EVT-{tag}-{i}"));
        }
    };
    add("police", 4);
    add("unicode", 3);
    add("strayxlsx", 3);
    add("ods", 3);
    add("xls", 3);
    add("injectx", 7);
    add("injectc", 7);
    add("ragged", 3);
    add("nul", 2);
    add("quote", 3);
    add("longtext", 1);
    add("utf16", 1);
    add("formatted", 3);
    add("bigcell", 3);
    v.push("EVT-injectx-formula".into());
    v
}

/// FNV-1a of a file's bytes.
fn fnv(path: &Path) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut f = std::fs::File::open(path).unwrap();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        for &b in &buf[..n] {
            h ^= b as u64;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

fn hashes(dir: &Path) -> BTreeMap<String, (u64, u64)> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            let len = std::fs::metadata(&p).unwrap().len();
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                (len, fnv(&p)),
            )
        })
        .collect()
}

/// Runs the binary; returns (exit code, stdout+stderr, peak RSS in KiB if
/// it could be measured).
fn run_merge(dir: &Path, out: &Path) -> (i32, String, Option<u64>) {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_chronomerge"));
    let args = |c: &mut std::process::Command| {
        c.arg("merge")
            .arg(dir)
            .arg("-o")
            .arg(out)
            .args(["--today", "2026-11-26"]);
    };
    let time = Path::new("/usr/bin/time");
    if cfg!(target_os = "linux") && time.exists() {
        let mut c = std::process::Command::new(time);
        c.arg("-v").arg(&bin);
        args(&mut c);
        let o = c.output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr).into_owned();
        let peak = err
            .lines()
            .find_map(|l| {
                l.trim()
                    .strip_prefix("Maximum resident set size (kbytes): ")
            })
            .and_then(|v| v.trim().parse().ok());
        let all = String::from_utf8_lossy(&o.stdout).into_owned() + &err;
        return (o.status.code().unwrap_or(-1), all, peak);
    }
    let mut c = std::process::Command::new(&bin);
    args(&mut c);
    c.stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let child = c.spawn().unwrap();
    let peak = poll_peak(&child);
    let o = child.wait_with_output().unwrap();
    let all = String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr);
    (o.status.code().unwrap_or(-1), all, peak)
}

/// Peak RSS from /proc while the child runs (Linux only).
#[cfg(target_os = "linux")]
fn poll_peak(child: &std::process::Child) -> Option<u64> {
    let status = format!("/proc/{}/status", child.id());
    let mut peak = None;
    while let Ok(s) = std::fs::read_to_string(&status) {
        if s.lines()
            .any(|l| l.starts_with("State:") && l.contains("zombie"))
        {
            break;
        }
        if let Some(kb) = s
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        {
            peak = Some(kb);
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    peak
}

#[cfg(not(target_os = "linux"))]
fn poll_peak(_child: &std::process::Child) -> Option<u64> {
    None
}

#[test]
fn hostile_folder_merges_in_one_run() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile");
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("review");
    std::fs::create_dir(&dir).unwrap();
    for e in std::fs::read_dir(&src).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, dir.join(p.file_name().unwrap())).unwrap();
    }
    make_hostile::write_cases(&dir, &make_hostile::big_cases());
    let before = hashes(&dir);
    let out = tmp.path().join("merged.xlsx");

    let (code, log, peak) = run_merge(&dir, &out);
    assert_eq!(code, 1, "rejected files make exit code 1:\n{log}");
    assert!(
        !log.contains("panicked"),
        "no panic reaches the user:\n{log}"
    );
    // The inputs are unchanged; the one file the merge adds is its own
    // ref store (the events' Refs, kept with the review).
    let mut after = hashes(&dir);
    assert!(after.remove(chronomerge::refs::REFS_FILE).is_some());
    assert_eq!(before, after, "the inputs are unchanged");

    // Findings: per file, the expected codes; every file-level error says
    // what to ask.
    let findings = sheet(&out, "Findings");
    let (fc, cc, mc) = (
        col(&findings, "File"),
        col(&findings, "Code"),
        col(&findings, "Message"),
    );
    let mut codes: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in &findings[1..] {
        let file = text(&r[fc]);
        codes.entry(file).or_default().push(text(&r[cc]));
        let m = text(&r[mc]);
        if text(&r[cc]).starts_with("file-") {
            assert!(
                m.contains("ask the agency") || m.contains("Ask the agency"),
                "{m}"
            );
        }
    }
    assert!(
        codes.values().flatten().all(|c| c != "file-internal-error"),
        "no file failed inside the engine: {codes:?}"
    );

    // Returns: one row per file, the status expected, and the counts add up.
    let returns = sheet(&out, "Returns");
    let (f, st, read, merged, rejected) = (
        col(&returns, "File"),
        col(&returns, "Status"),
        col(&returns, "Rows read"),
        col(&returns, "Rows merged"),
        col(&returns, "Rows rejected"),
    );
    let num = |d: &Data| match d {
        Data::Float(x) => *x as usize,
        Data::Int(x) => *x as usize,
        other => panic!("not a number: {other:?}"),
    };
    let mut seen = BTreeMap::new();
    for r in &returns[1..] {
        let name = text(&r[f]);
        assert_eq!(
            num(&r[read]),
            num(&r[merged]) + num(&r[rejected]),
            "rows read = merged + rejected for {name}"
        );
        seen.insert(name, text(&r[st]));
    }
    for (name, status, want) in expected() {
        assert_eq!(
            seen.get(name).map(String::as_str),
            Some(status),
            "status of {name}; findings {:?}",
            codes.get(name)
        );
        for w in want {
            assert!(
                codes.get(name).is_some_and(|c| c.iter().any(|c| c == w)),
                "{name} should have {w}: {:?}",
                codes.get(name)
            );
        }
    }
    assert_eq!(
        seen.len(),
        expected().len(),
        "every file is listed: {seen:?}"
    );

    // Every readable event is in the chronology, exactly once.
    let chron = sheet(&out, "Chronology");
    let details = col(&chron, "Details of event");
    let origin = col(&chron, "Origin");
    let cells: Vec<String> = chron[1..].iter().map(|r| text(&r[details])).collect();
    for tag in expected_events() {
        let n = cells
            .iter()
            .filter(|c| {
                c.match_indices(&tag).any(|(i, _)| {
                    !c[i + tag.len()..]
                        .chars()
                        .next()
                        .is_some_and(|ch| ch.is_ascii_alphanumeric())
                })
            })
            .count();
        assert_eq!(n, 1, "{tag} appears once in the chronology");
    }
    // The non-ASCII file name is kept in the origin.
    assert!(chron[1..]
        .iter()
        .any(|r| text(&r[origin]).starts_with("Équipe santé — Ålesund 保健 return.xlsx › ")));
    // Long text is kept whole across continuation rows.
    let whole = |tag: &str| -> String {
        let start = cells.iter().position(|c| c.starts_with(tag)).unwrap();
        let mut s = cells[start].clone();
        for (i, c) in cells.iter().enumerate().skip(start + 1) {
            let src = text(&chron[i + 1][col(&chron, "Source of information")]);
            if !src.starts_with("(continued") {
                break;
            }
            s.push_str(c);
        }
        s
    };
    assert_eq!(whole("EVT-longtext-0").chars().count(), {
        let mut r = csv::Reader::from_path(src.join("long text over 32767.csv")).unwrap();
        let rec = r.records().next().unwrap().unwrap();
        rec[7].trim().chars().count()
    });
    assert!(whole("EVT-bigcell-1").len() >= 10 << 20);

    // Nothing typed in a return becomes a formula or a link.
    for (name, xml) in zip_parts(&out, "xl/worksheets/") {
        assert!(
            !xml.contains("<f>") && !xml.contains("<f "),
            "formula in {name}"
        );
        if name.contains("_rels") {
            assert!(!xml.contains("External"), "external link in {name}");
        }
        for (i, _) in xml.match_indices("<hyperlink ") {
            let el = &xml[i..xml[i..].find("/>").map_or(xml.len(), |j| i + j)];
            assert!(
                el.contains("location="),
                "only internal links: {el} in {name}"
            );
        }
    }

    // Peak memory: the real data is a few MB (plus a 10 MB cell); the
    // files claim gigabytes.
    if let Some(kb) = peak {
        eprintln!("peak RSS of the merge: {} MB", kb / 1024);
        assert!(kb < 200 * 1024, "peak RSS {kb} KiB");
    }
}

#[test]
fn generator_writes_every_committed_case() {
    let committed: Vec<String> =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
    let mut made: Vec<String> = make_hostile::small_cases()
        .into_iter()
        .map(|(n, bytes)| {
            assert!(bytes.len() < 1 << 20, "{n} is under 1 MB");
            n
        })
        .collect();
    made.push("password protected.xlsx".into());
    for n in &made {
        assert!(committed.contains(n), "{n} is committed");
    }
    assert_eq!(made.len(), committed.len(), "{committed:?}");
}
