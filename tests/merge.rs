//! End-to-end merges of small review folders, checked by opening the
//! merged workbook with calamine.

mod common;

use std::path::Path;

use assert_cmd::Command;
use calamine::{Data, DataType};
use common::*;

fn merge(dir: &Path, out: &Path) -> assert_cmd::assert::Assert {
    Command::cargo_bin("chronomerge")
        .unwrap()
        .args(["merge"])
        .arg(dir)
        .arg("-o")
        .arg(out)
        .args(["--today", "2026-11-26"])
        .assert()
}

fn small_review(dir: &Path) {
    ReturnBuilder::new("West Yorkshire Police")
        .event(
            V::D(2023, 5, 3),
            "Police incident log",
            "Incident or call-out",
            "Call-out to the family home; Child A present.",
        )
        .event(
            V::D(2023, 1, 10),
            "Police incident log",
            "Incident or call-out",
            "Domestic incident reported by neighbour.",
        )
        .write_xlsx(&dir.join("police.xlsx"));
    ReturnBuilder::new("GP practice")
        .event(
            V::T("04/05/2023"),
            "GP record",
            "Appointment attended",
            "Child A seen with bruising to the arm.",
        )
        .event(
            V::T("3/5/23"),
            "GP record",
            "Appointment missed or child not brought",
            "Child A not brought to appointment.",
        )
        .row(vec![
            V::E,
            V::E,
            V::E,
            V::T("GP record"),
            V::E,
            V::E,
            V::E,
            V::T("A row with no date"),
        ])
        .write_xlsx(&dir.join("gp.xlsx"));
    write_csv(
        &dir.join("Café health visiting.csv"),
        &[&HEADINGS[..], &["Agency"]].concat(),
        &[vec![
            "02/05/2023",
            "14:30",
            "",
            "HV record",
            "Health visitor",
            "Mother",
            "Contact or visit",
            "Home visit; Mother said the café was closed. =HYPERLINK(\"http://x\")",
            "",
            "",
            "Health visiting",
        ]],
        true,
        false,
    );
    std::fs::write(dir.join("~$police.xlsx"), b"lock").unwrap();
    std::fs::write(dir.join("notes.txt"), b"notes").unwrap();
}

#[test]
fn merges_a_folder_into_the_four_sheets_in_date_order() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("review");
    std::fs::create_dir(&dir).unwrap();
    small_review(&dir);
    let out = tmp.path().join("merged.xlsx");
    // One row has no date: that is an error, so the exit code is 1.
    merge(&dir, &out).code(1);

    let chron = sheet(&out, "Chronology");
    for h in [
        "#",
        "Date",
        "Time",
        "Agency",
        "Source of information",
        "Details of event",
        "Date as written",
        "Date note",
        "Key practice episode",
        "Origin",
    ] {
        col(&chron, h);
    }
    let date_col = col(&chron, "Date");
    let agency_col = col(&chron, "Agency");
    // 5 events merged (the undated row is rejected).
    assert_eq!(chron.len(), 1 + 5);
    // Real date cells, in order.
    let dates: Vec<f64> = chron[1..]
        .iter()
        .map(|r| match &r[date_col] {
            Data::DateTime(d) => d.as_f64(),
            other => panic!("date cell is {other:?}"),
        })
        .collect();
    assert!(dates.windows(2).all(|w| w[0] <= w[1]), "{dates:?}");
    let agencies: Vec<String> = chron[1..].iter().map(|r| text(&r[agency_col])).collect();
    assert_eq!(
        agencies,
        [
            "West Yorkshire Police",
            "Health visiting",
            "GP practice",
            "West Yorkshire Police",
            "GP practice"
        ]
    );
    // Text that looks like a formula stays text.
    let details = col(&chron, "Details of event");
    assert!(chron
        .iter()
        .any(|r| text(&r[details]).contains("=HYPERLINK")));
    // The CSV was Windows-1252.
    assert!(chron.iter().any(|r| text(&r[details]).contains("café")));
    // Its origin names the line as Excel shows it (sheet named after the file).
    let origin = col(&chron, "Origin");
    assert!(chron
        .iter()
        .any(|r| text(&r[origin]) == "Café health visiting.csv › Café health visiting › 2"));
    // Each agency has its own fill, the same on all its rows.
    let mut fills = std::collections::HashMap::new();
    for (i, r) in chron.iter().enumerate().skip(1) {
        let f = fill(&out, "Chronology", i as u32, details as u32).expect("filled");
        let prev = fills.insert(text(&r[agency_col]), f);
        assert!(prev.is_none() || prev == Some(f));
    }
    let distinct: std::collections::HashSet<u32> = fills.values().copied().collect();
    assert_eq!(distinct.len(), 3);

    // Returns accounting: read = merged + rejected, every file listed.
    let returns = sheet(&out, "Returns");
    let (file, status, read, merged, rejected) = (
        col(&returns, "File"),
        col(&returns, "Status"),
        col(&returns, "Rows read"),
        col(&returns, "Rows merged"),
        col(&returns, "Rows rejected"),
    );
    assert_eq!(returns.len(), 1 + 5);
    for r in &returns[1..] {
        let n = |c: usize| r[c].as_f64().unwrap_or(0.0);
        assert_eq!(n(read), n(merged) + n(rejected), "{:?}", r);
    }
    let status_of = |name: &str| {
        returns[1..]
            .iter()
            .find(|r| text(&r[file]) == name)
            .map(|r| text(&r[status]))
            .unwrap()
    };
    assert_eq!(status_of("~$police.xlsx"), "ignored");
    assert_eq!(status_of("notes.txt"), "ignored");
    assert_eq!(status_of("gp.xlsx"), "merged with warnings");
    assert_eq!(status_of("police.xlsx"), "merged with warnings"); // out of date order

    // The rejected row is in the findings with its cell.
    let findings = sheet(&out, "Findings");
    let (code, cell) = (col(&findings, "Code"), col(&findings, "Cell"));
    assert!(findings
        .iter()
        .any(|r| text(&r[code]) == "date-missing" && text(&r[cell]) == "A4"));
    // Episodes sheet exists with headings even when empty.
    let eps = sheet(&out, "Key practice episodes");
    assert!(!eps.is_empty());
}

#[test]
fn a_broken_file_is_reported_and_the_rest_still_merge() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    ReturnBuilder::new("School")
        .event(
            V::D(2023, 2, 1),
            "School record",
            "Contact or visit",
            "Child A late to school.",
        )
        .write_xlsx(&dir.join("school.xlsx"));
    std::fs::write(
        dir.join("broken.xlsx"),
        b"PK\x03\x04 this is not really a zip",
    )
    .unwrap();
    std::fs::write(
        dir.join("letter.xlsx"),
        b"%PDF-1.4 a pdf with the wrong name",
    )
    .unwrap();
    // A real password-protected workbook (an encrypted OLE package), from
    // the hostile set that examples/make_hostile.rs writes.
    let hostile = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile");
    std::fs::copy(
        hostile.join("password protected.xlsx"),
        dir.join("locked.xlsx"),
    )
    .unwrap();
    let out = dir.join("merged-chronology.xlsx");
    merge(dir, &out).code(1);
    // Merging again with the output inside the folder does not read it,
    // nor a copy of it under another name.
    std::fs::copy(&out, dir.join("copy of the merged chronology.xlsx")).unwrap();
    merge(dir, &out).code(1);
    let chron = sheet(&out, "Chronology");
    assert_eq!(chron.len(), 2);
    let returns = sheet(&out, "Returns");
    let status = col(&returns, "Status");
    let file = col(&returns, "File");
    let get = |n: &str| {
        returns
            .iter()
            .find(|r| text(&r[file]) == n)
            .map(|r| text(&r[status]))
            .unwrap()
    };
    assert_eq!(get("broken.xlsx"), "rejected");
    assert_eq!(get("letter.xlsx"), "rejected");
    assert_eq!(get("locked.xlsx"), "rejected");
    assert_eq!(get("merged-chronology.xlsx"), "ignored");
    assert_eq!(get("copy of the merged chronology.xlsx"), "ignored");
    let findings = sheet(&out, "Findings");
    let code = col(&findings, "Code");
    let codes: Vec<String> = findings.iter().map(|r| text(&r[code])).collect();
    assert!(codes.contains(&"file-encrypted".to_string()), "{codes:?}");
    assert!(
        codes.contains(&"file-not-workbook".to_string()),
        "{codes:?}"
    );
    assert!(codes.contains(&"file-unreadable".to_string()), "{codes:?}");
}

#[test]
fn the_same_folder_gives_the_same_chronology() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("r");
    std::fs::create_dir(&dir).unwrap();
    small_review(&dir);
    let a = tmp.path().join("a.xlsx");
    let b = tmp.path().join("b.xlsx");
    merge(&dir, &a);
    merge(&dir, &b);
    assert_eq!(sheet(&a, "Chronology"), sheet(&b, "Chronology"));
    assert_eq!(sheet(&a, "Findings"), sheet(&b, "Findings"));
}

#[test]
fn the_sample_reviews_strategy_discussion_is_linked_across_the_three_agencies_that_recorded_it() {
    // fixtures/README.md: on 10/10/2023 children's social care, police and
    // the hospital each record the same strategy discussion in their own
    // words ("Strategy discussion chaired by…", "Strat meeting by Teams…",
    // "joined the strategy call…").
    let tmp = tempfile::tempdir().unwrap();
    let sample = common::sample_review_copy(tmp.path());
    let out = tmp.path().join("sample.xlsx");
    merge(&sample, &out).code(1);
    let chron = sheet(&out, "Chronology");
    let (date, agency, also, kpe) = (
        col(&chron, "Date"),
        col(&chron, "Agency"),
        col(&chron, "Also reported by"),
        col(&chron, "Key practice episode"),
    );
    // 10/10/2023 is serial 45209.
    let meeting: Vec<&Vec<Data>> = chron[1..]
        .iter()
        .filter(|r| matches!(&r[date], Data::DateTime(d) if d.as_f64() == 45209.0))
        .filter(|r| !text(&r[also]).is_empty())
        .collect();
    let agencies: std::collections::BTreeSet<String> =
        meeting.iter().map(|r| text(&r[agency])).collect();
    assert_eq!(
        agencies.into_iter().collect::<Vec<_>>(),
        [
            "Northgate Hospitals NHS Trust",
            "Westshire Children's Social Care",
            "Westshire Police"
        ]
    );
    for r in &meeting {
        assert_eq!(text(&r[also]).split(", ").count(), 2, "{:?}", r);
        // And the planted episode is the strongest one.
        assert_eq!(text(&r[kpe]), "KPE 1");
    }
}

/// `merge` and `watch` refuse a review folder that is not a folder, an
/// output that is not an .xlsx and an output folder that does not exist,
/// saying which and writing nothing.
#[test]
fn merge_and_watch_refuse_a_missing_folder_a_non_xlsx_output_and_a_missing_output_folder() {
    let dir = tempfile::tempdir().unwrap();
    small_review(dir.path());
    let review = dir.path();
    let csv = review.join("merged.csv");
    let nowhere = review.join("no-such-folder").join("merged.xlsx");
    let cases: [(&Path, Option<&Path>, &str); 3] = [
        (
            &review.join("no-such-review"),
            None,
            "no-such-review is not a folder",
        ),
        (review, Some(&csv), "merged.csv must end in .xlsx"),
        (
            review,
            Some(&nowhere),
            "no-such-folder does not exist: create it",
        ),
    ];
    for cmd in ["merge", "watch"] {
        for (folder, output, said) in &cases {
            let mut c = Command::cargo_bin("chronomerge").unwrap();
            c.arg(cmd).arg(folder);
            if let Some(o) = output {
                c.arg("-o").arg(o);
            }
            let out = c.output().unwrap();
            assert_eq!(out.status.code(), Some(2), "{cmd} {said}");
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(err.contains(said), "{cmd}: {err}");
        }
        assert!(!csv.exists() && !nowhere.exists());
    }
}
