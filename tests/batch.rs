//! `chronomerge batch` over a generated archive of reviews, one of them
//! broken: every good review gets its workbook at the same relative path,
//! the summary lists them all, and the exit code says that one failed.
//! Then an incremental run skips what has not changed.

mod common;

use std::path::Path;

use assert_cmd::Command;
use common::*;

fn review(dir: &Path, reference: &str, agencies: &[&str], bad_row: bool) {
    std::fs::create_dir_all(dir).unwrap();
    let mut toml =
        format!("review = \"{reference}\"\nperiod_from = 2022-01-01\nperiod_to = 2024-06-30\n");
    for a in agencies {
        toml.push_str(&format!("\n[[agencies]]\nname = \"{a}\"\n"));
    }
    std::fs::write(dir.join("review.toml"), toml).unwrap();
    for (i, a) in agencies
        .iter()
        .enumerate()
        .skip(usize::from(agencies.len() > 2))
    {
        let mut b = ReturnBuilder::new(a);
        b.review = reference.to_string();
        b = b
            .event(
                V::D(2023, 3, 1 + i as u32),
                "Case record",
                "Contact or visit",
                "Home visit; Child A seen.",
            )
            .event(
                V::D(2023, 4, 2 + i as u32),
                "Case record",
                "Referral made",
                "Referral to children's social care.",
            );
        if bad_row && i == 1 {
            b = b.row(vec![
                V::T("31/02/2023"),
                V::E,
                V::E,
                V::T("Case record"),
                V::E,
                V::E,
                V::E,
                V::T("A date that does not exist"),
            ]);
        }
        b.write_xlsx(&dir.join(format!("return-{i}.xlsx")));
    }
}

fn archive(root: &Path) {
    review(
        &root.join("2023").join("LCSPR-2023-01"),
        "LCSPR-2023-01",
        &["Police", "GP practice"],
        false,
    );
    review(
        &root.join("2023").join("LCSPR-2023-02"),
        "LCSPR-2023-02",
        &["Police", "GP practice", "School"],
        true,
    );
    review(
        &root.join("2024").join("LCSPR-2024-01"),
        "LCSPR-2024-01",
        &["Police", "Health visiting"],
        false,
    );
    // Broken: its configuration cannot be read.
    let broken = root.join("2024").join("LCSPR-2024-02 (broken)");
    review(&broken, "LCSPR-2024-02", &["Police", "GP practice"], false);
    std::fs::write(broken.join("review.toml"), "review = [unclosed\n").unwrap();
    // Not a review: no returns.
    std::fs::create_dir_all(root.join("admin")).unwrap();
    std::fs::write(root.join("admin").join("notes.txt"), b"minutes").unwrap();
}

fn batch(root: &Path, out: &Path, extra: &[&str]) -> (i32, String, String) {
    let o = Command::cargo_bin("chronomerge")
        .unwrap()
        .arg("batch")
        .arg(root)
        .arg("-o")
        .arg(out)
        .args(["--today", "2026-11-26", "--jobs", "2"])
        .args(extra)
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn summary(out: &Path) -> Vec<Vec<String>> {
    let bytes = std::fs::read(out.join("batch-summary.csv")).unwrap();
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]));
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&bytes[3..])
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect()
}

#[test]
fn merges_every_review_and_reports_the_broken_one() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("archive");
    archive(&root);
    let out = tmp.path().join("out");
    let (code, stdout, stderr) = batch(&root, &out, &["--json", "--csv"]);
    assert_eq!(code, 2, "one review failed\n{stdout}\n{stderr}");
    // Plain lines, not a progress bar, when not on a terminal.
    assert!(stdout.contains("4 review(s) found"), "{stdout}");
    assert!(
        stdout.contains("2023/LCSPR-2023-01: 2 return(s), 4 event(s), 0 error(s)"),
        "{stdout}"
    );
    assert!(
        stderr.contains("2024/LCSPR-2024-02 (broken): FAILED"),
        "{stderr}"
    );
    assert!(
        stdout.contains("2 merged, 1 with errors, 0 unchanged, 1 failed"),
        "{stdout}"
    );

    // One workbook per good review, at the same relative path.
    for (rel, n) in [
        ("2023/LCSPR-2023-01", 4),
        ("2023/LCSPR-2023-02", 4),
        ("2024/LCSPR-2024-01", 4),
    ] {
        let wb = out.join(rel).join("merged-chronology.xlsx");
        assert_eq!(sheet(&wb, "Chronology").len() - 1, n, "{rel}");
        assert!(out.join(rel).join("merged-chronology.json").is_file());
        assert!(out.join(rel).join("merged-chronology.csv").is_file());
    }
    assert!(!out
        .join("2024/LCSPR-2024-02 (broken)/merged-chronology.xlsx")
        .exists());
    assert!(!out.join("admin").exists());

    // The summary: one row per review, CSV and workbook alike.
    let rows = summary(&out);
    assert_eq!(rows.len(), 1 + 4, "{rows:?}");
    let h = |name: &str| rows[0].iter().position(|x| x == name).unwrap();
    let row = |folder: &str| rows.iter().find(|r| r[0] == folder).unwrap().clone();
    let r = row("2023/LCSPR-2023-02");
    assert_eq!(r[h("Reference")], "LCSPR-2023-02");
    assert_eq!(r[h("Status")], "merged with errors");
    assert_eq!(r[h("Returns merged")], "2");
    assert_eq!(r[h("Rejected rows")], "1");
    assert_eq!(r[h("Agencies missing")], "Police");
    assert_eq!(r[h("Period from")], "01/01/2022");
    assert_eq!(r[h("First event")], "02/03/2023");
    assert!(r[h("Episodes found")].parse::<usize>().is_ok());
    assert!(r[h("Time taken (s)")].parse::<f64>().is_ok());
    let b = row("2024/LCSPR-2024-02 (broken)");
    assert_eq!(b[h("Status")], "failed");
    assert!(b[h("Message")].contains("review.toml"), "{b:?}");
    assert!(!b[h("Message")].contains('\n'), "one line: {b:?}");
    assert_eq!(b[h("Workbook")], "", "no workbook was written");
    assert_eq!(row("2023/LCSPR-2023-01")[h("Status")], "merged");
    let x = sheet(&out.join("batch-summary.xlsx"), "Reviews");
    assert_eq!(x.len(), 1 + 4);
    assert_eq!(text(&x[0][0]), "Review folder");

    // Incremental: nothing changed, so nothing is merged again (the broken
    // review is tried again and still fails).
    let (code, stdout, _) = batch(&root, &out, &["--json", "--csv", "--incremental"]);
    assert_eq!(code, 2);
    assert!(stdout.contains("3 unchanged"), "{stdout}");
    let rows = summary(&out);
    assert_eq!(row_status(&rows, "2023/LCSPR-2023-01"), "unchanged");
    // The numbers of an unchanged review are carried over.
    let r = rows.iter().find(|r| r[0] == "2023/LCSPR-2023-02").unwrap();
    assert_eq!(r[h("Events")], "4");

    // A new return in one review, and the broken one fixed: only those two
    // are merged again.
    std::thread::sleep(std::time::Duration::from_millis(20));
    let mut b = ReturnBuilder::new("Health visiting");
    b.review = "LCSPR-2023-01".into();
    b.event(
        V::D(2023, 6, 1),
        "HV record",
        "Contact or visit",
        "New birth visit.",
    )
    .write_xlsx(&root.join("2023/LCSPR-2023-01/hv.xlsx"));
    std::fs::write(
        root.join("2024/LCSPR-2024-02 (broken)/review.toml"),
        "review = \"LCSPR-2024-02\"\n",
    )
    .unwrap();
    let (code, stdout, stderr) = batch(&root, &out, &["--json", "--csv", "--incremental"]);
    // LCSPR-2023-02, unchanged, still has its rejected row: exit code 1.
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    let rows = summary(&out);
    assert_eq!(row_status(&rows, "2023/LCSPR-2023-01"), "merged");
    assert_eq!(row_status(&rows, "2024/LCSPR-2024-02 (broken)"), "merged");
    assert_eq!(row_status(&rows, "2024/LCSPR-2024-01"), "unchanged");
    let wb = out.join("2023/LCSPR-2023-01/merged-chronology.xlsx");
    assert_eq!(sheet(&wb, "Chronology").len() - 1, 5);
}

fn row_status(rows: &[Vec<String>], folder: &str) -> String {
    let h = rows[0].iter().position(|x| x == "Status").unwrap();
    rows.iter().find(|r| r[0] == folder).unwrap()[h].clone()
}

#[test]
fn quiet_prints_only_failures_and_an_empty_archive_fails() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("archive");
    std::fs::create_dir_all(root.join("empty")).unwrap();
    let out = tmp.path().join("out");
    // No review in the archive: not a success (exit 2), and said.
    let (code, stdout, stderr) = batch(&root, &out, &["--quiet"]);
    assert_eq!(code, 2);
    assert!(stdout.is_empty(), "{stdout}");
    assert!(stderr.contains("no review found under"), "{stderr}");
    assert_eq!(summary(&out).len(), 1);
    // An output folder inside the archive is not taken for a review.
    review(&root.join("r1"), "R1", &["Police", "GP practice"], false);
    let inside = root.join("merged");
    let (code, _, stderr) = batch(&root, &inside, &["--quiet"]);
    assert_eq!(code, 0, "{stderr}");
    let (code, _, stderr) = batch(&root, &inside, &["--quiet"]);
    assert_eq!(code, 0, "{stderr}");
    let rows = summary(&inside);
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[1][0], "r1");
}
