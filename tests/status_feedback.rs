//! `status`, the Returns sheet's states, `watch`'s line and `feedback`
//! (issue 17, part 2): a review folder with four expected agencies (one
//! clean return, one with errors, one corrected return beside the one it
//! supersedes, one missing), run through the binary.

mod common;

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use assert_cmd::Command;
use calamine::DataType;
use chrono::{NaiveDate, TimeZone};
use common::{col, sheet, text, ReturnBuilder, V};
use serde_json::Value;

const SCHOOL: &str = "Écoles Saint-Rémy: Primary";

const TOML: &str = r#"review = "LCSPR-2024-03"
returns_sent = 2026-01-05

[[agencies]]
name = "Northshire Police"
contact = "DS Jones, jones@police.example"

[[agencies]]
name = "Écoles Saint-Rémy: Primary"
aliases = ["School"]
contact = "Mme Durand, head@ecole.example"

[[agencies]]
name = "Riverside GP"
contact = "Dr Patel, 01632 960000"

[[agencies]]
name = "Westshire Homes"
contact = "Housing officer, housing@westshire.example"
"#;

fn bin() -> Command {
    Command::cargo_bin("chronomerge").unwrap()
}

/// Sets a file's modified time to noon (local) on a day: the day it was
/// received.
fn received_on(path: &Path, y: i32, m: u32, d: u32) {
    let t = chrono::Local
        .from_local_datetime(
            &NaiveDate::from_ymd_opt(y, m, d)
                .unwrap()
                .and_hms_opt(12, 0, 0)
                .unwrap(),
        )
        .unwrap();
    let f = std::fs::File::options().write(true).open(path).unwrap();
    f.set_modified(SystemTime::from(t)).unwrap();
}

fn gp(extra: bool, broken: bool) -> ReturnBuilder {
    let mut b = ReturnBuilder::new("Riverside GP")
        .event(
            V::D(2024, 2, 1),
            "GP record",
            "Appointment attended",
            "Child A seen for a cough.",
        )
        .event(
            V::D(2024, 2, 9),
            "GP record",
            "Appointment attended",
            "Mother seen; low mood discussed.",
        )
        .event(
            V::D(2024, 3, 2),
            "GP record",
            "Appointment attended",
            "Child A missed an appointment.",
        );
    if broken {
        b = b.event(
            V::T("sometime in spring"),
            "GP record",
            "Appointment attended",
            "Letter sent.",
        );
    }
    if extra {
        b = b.event(
            V::D(2024, 4, 5),
            "GP record",
            "Appointment attended",
            "Letter sent to the family.",
        );
    }
    b
}

/// The review folder: police clean (received 10/01), school with two
/// errors and a warning (12/01), GP corrected (22/01, after the due date
/// 19/01) beside the superseded old return (08/01), housing missing.
fn review(root: &Path) -> PathBuf {
    let dir = root.join("review");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("review.toml"), TOML).unwrap();
    let police = ReturnBuilder::new("Northshire Police")
        .event(
            V::D(2024, 1, 15),
            "Police incident log",
            "Incident or call-out",
            "Call-out to the family home.",
        )
        .event(
            V::D(2024, 2, 20),
            "Police incident log",
            "Incident or call-out",
            "Welfare check.",
        )
        .write_xlsx(&dir.join("police.xlsx"));
    received_on(&police, 2026, 1, 10);
    let school = ReturnBuilder::new("School")
        .event(
            V::D(2024, 1, 8),
            "School log",
            "Contact or visit",
            "Child A late to school.",
        )
        .event(
            V::T("31/02/2024"),
            "School log",
            "Contact or visit",
            "Child A absent, no call from home.",
        )
        .event(
            V::D(2024, 3, 4),
            "",
            "Contact or visit",
            "Bruise seen on arm.",
        )
        .event(
            V::D(2024, 3, 5),
            "School log",
            "",
            "Child A quiet in class.",
        )
        .write_xlsx(&dir.join("école.xlsx"));
    received_on(&school, 2026, 1, 12);
    let old = gp(false, true).write_xlsx(&dir.join("gp-old.xlsx"));
    received_on(&old, 2026, 1, 8);
    let new = gp(true, false).write_xlsx(&dir.join("gp.xlsx"));
    received_on(&new, 2026, 1, 22);
    dir
}

fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn status_json(dir: &Path, today: &str) -> Value {
    let o = bin()
        .args(["status", dir.to_str().unwrap(), "--json", "--today", today])
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).unwrap()
}

fn entry<'a>(v: &'a Value, agency: &str, state: &str) -> &'a Value {
    v["agencies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["agency"] == agency && a["state"] == state)
        .unwrap_or_else(|| panic!("no {agency} {state} in {v:#}"))
}

#[test]
fn status_after_the_due_date_shows_the_missing_agency_overdue_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = review(tmp.path());
    let before = listing(&dir);
    let o = bin()
        .args(["status", dir.to_str().unwrap(), "--today", "2026-01-25"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(out.contains("returns due 19/01/2026"), "{out}");
    let line = |agency: &str| {
        out.lines()
            .find(|l| l.starts_with(agency))
            .unwrap_or_else(|| panic!("no line for {agency} in\n{out}"))
    };
    let housing = line("Westshire Homes");
    assert!(
        housing.contains("overdue") && housing.contains("overdue by 6 days"),
        "{housing}"
    );
    let school = line(SCHOOL);
    assert!(
        school.contains("needs fixes") && school.contains("2 errors, 1 warning"),
        "{school}"
    );
    assert!(school.contains("12/01/2026"), "{school}");
    let gp_line = out
        .lines()
        .find(|l| l.starts_with("Riverside GP") && l.contains("gp.xlsx") && !l.contains("gp-old"))
        .unwrap();
    assert!(
        gp_line.contains("received") && gp_line.contains("late by 3 days"),
        "{gp_line}"
    );
    assert!(
        out.lines().any(|l| l.starts_with("Riverside GP")
            && l.contains("superseded")
            && l.contains("gp-old.xlsx")),
        "{out}"
    );
    assert!(line("Northshire Police").contains("received"), "{out}");
    // The chase list: overdue first, with the contact, then needs fixes.
    let chase = out.split("Chase:").nth(1).unwrap();
    let housing_at = chase
        .find("Westshire Homes (overdue by 6 days): Housing officer, housing@westshire.example")
        .unwrap();
    let school_at = chase.find(&format!("{SCHOOL} (needs fixes")).unwrap();
    assert!(housing_at < school_at, "{chase}");
    assert!(chase.contains("Mme Durand, head@ecole.example"), "{chase}");
    assert!(
        !chase.contains("Northshire Police") && !chase.contains("Riverside GP"),
        "{chase}"
    );
    // Nothing written: no workbook, no other file.
    assert_eq!(listing(&dir), before);
}

#[test]
fn status_before_the_due_date_counts_the_days_left_and_json_gives_every_state() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = review(tmp.path());
    let v = status_json(&dir, "2026-01-10");
    assert_eq!(v["due"], "2026-01-19");
    assert_eq!(v["today"], "2026-01-10");
    let housing = entry(&v, "Westshire Homes", "outstanding");
    assert_eq!(housing["days"], 9);
    assert_eq!(housing["files"], serde_json::json!([]));
    assert_eq!(
        housing["contact"],
        "Housing officer, housing@westshire.example"
    );
    let school = entry(&v, SCHOOL, "needs fixes");
    assert_eq!(school["errors"], 2);
    assert_eq!(school["warnings"], 1);
    assert_eq!(school["received"], "2026-01-12");
    assert_eq!(school["files"], serde_json::json!(["école.xlsx"]));
    let police = entry(&v, "Northshire Police", "received");
    assert_eq!(police["received"], "2026-01-10");
    assert_eq!(police["days"], Value::Null);
    let gp = entry(&v, "Riverside GP", "received");
    assert_eq!(gp["files"], serde_json::json!(["gp.xlsx"]));
    assert_eq!(gp["days"], 3, "received 3 days after the due date");
    assert!(gp["note"].as_str().unwrap().contains("late by 3 days"));
    let old = entry(&v, "Riverside GP", "superseded");
    assert_eq!(old["files"], serde_json::json!(["gp-old.xlsx"]));
    // Exactly these five, no other state.
    assert_eq!(v["agencies"].as_array().unwrap().len(), 5);
    // After the due date the missing agency is overdue.
    let v = status_json(&dir, "2026-01-25");
    assert_eq!(entry(&v, "Westshire Homes", "overdue")["days"], 6);
}

#[test]
fn status_with_no_due_date_is_outstanding_never_overdue() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = review(tmp.path());
    std::fs::write(
        dir.join("review.toml"),
        TOML.replace("returns_sent = 2026-01-05\n", ""),
    )
    .unwrap();
    let v = status_json(&dir, "2030-01-01");
    let housing = entry(&v, "Westshire Homes", "outstanding");
    assert_eq!(housing["days"], Value::Null);
    assert_eq!(v["due"], Value::Null);
    assert!(entry(&v, "Riverside GP", "received")["days"].is_null());
}

#[test]
fn status_of_a_folder_that_cannot_be_read_fails() {
    let tmp = tempfile::tempdir().unwrap();
    bin()
        .args(["status", tmp.path().join("nowhere").to_str().unwrap()])
        .assert()
        .code(2);
}

#[test]
fn the_returns_sheet_and_the_json_show_the_states_and_the_missing_agency() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = review(tmp.path());
    let out = tmp.path().join("merged.xlsx");
    let json = tmp.path().join("merged.json");
    bin()
        .args([
            "merge",
            dir.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--json",
            json.to_str().unwrap(),
            "--today",
            "2026-01-25",
        ])
        .assert()
        .code(1);
    let rows = sheet(&out, "Returns");
    let c = |h: &str| col(&rows, h);
    // State is the last column; the others did not move.
    assert_eq!(c("State"), rows[0].len() - 1);
    assert_eq!(c("File"), 0);
    let state_of = |file: &str| {
        rows.iter()
            .find(|r| text(&r[c("File")]) == file)
            .map(|r| text(&r[c("State")]))
            .unwrap_or_else(|| panic!("{file} not listed"))
    };
    assert_eq!(state_of("police.xlsx"), "received");
    assert_eq!(state_of("école.xlsx"), "needs fixes");
    assert_eq!(state_of("gp.xlsx"), "received");
    assert_eq!(state_of("gp-old.xlsx"), "superseded");
    assert_eq!(state_of("review.toml"), "");
    let missing: Vec<&Vec<calamine::Data>> = rows
        .iter()
        .filter(|r| text(&r[c("Agency")]) == "Westshire Homes")
        .collect();
    assert_eq!(missing.len(), 1);
    let m = missing[0];
    assert_eq!(text(&m[c("File")]), "");
    assert_eq!(text(&m[c("State")]), "overdue");
    assert!(text(&m[c("Note")]).contains("overdue by 6 days"), "{m:?}");
    assert!(
        text(&m[c("Note")]).contains("housing@westshire.example"),
        "{m:?}"
    );
    // Rows read = merged + rejected + skipped on every line, the missing
    // agency's included (all 0).
    for r in &rows[1..] {
        let n = |h: &str| r[c(h)].as_f64().unwrap_or(-1.0);
        assert_eq!(
            n("Rows read"),
            n("Rows merged") + n("Rows rejected") + n("Rows skipped"),
            "{r:?}"
        );
    }
    assert_eq!(m[c("Rows read")].as_f64(), Some(0.0));
    // The JSON: the same states; its `returns` lists files only.
    let v: Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(entry(&v["status"], "Westshire Homes", "overdue")["days"], 6);
    assert_eq!(entry(&v["status"], SCHOOL, "needs fixes")["errors"], 2);
    assert!(v["returns"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["file"] != ""));
    let gp = v["returns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["file"] == "gp.xlsx")
        .unwrap();
    assert_eq!(gp["received"], "2026-01-22");
}

#[test]
fn watch_line_counts_every_state() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = review(tmp.path());
    let out = tmp.path().join("watched.xlsx");
    let o = bin()
        .args([
            "watch",
            dir.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--today",
            "2026-01-25",
            "--max-merges",
            "1",
            "--exit-after",
            "60",
        ])
        .output()
        .unwrap();
    let s = String::from_utf8(o.stdout).unwrap();
    let line = s
        .lines()
        .find(|l| l.contains(" merged "))
        .unwrap_or_else(|| panic!("{s}"));
    assert!(
        line.contains("; 2 received, 1 needs fixes, 1 overdue, 1 superseded;"),
        "{line}"
    );
}

#[test]
fn feedback_writes_one_file_for_the_agency_with_something_to_fix() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = review(tmp.path());
    let out = tmp.path().join("feedback");
    let o = bin()
        .args([
            "feedback",
            dir.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--today",
            "2026-01-25",
        ])
        .output()
        .unwrap();
    let said = String::from_utf8(o.stdout).unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{said}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // Only the school: the police and the GP's corrected return are clean,
    // and the GP's superseded return (with its error) is not chased.
    let name = "Écoles Saint-Rémy Primary - feedback LCSPR-2024-03.xlsx";
    assert_eq!(listing(&out), vec![name.to_string()]);
    assert!(said.contains(name), "{said}");
    assert!(
        said.contains("Nothing to fix, no file: Northshire Police, Riverside GP"),
        "{said}"
    );
    assert!(
        said.contains("No return yet, no file (see chronomerge status): Westshire Homes"),
        "{said}"
    );

    let rows = sheet(&out.join(name), "Feedback");
    let cover = |k: &str| {
        rows.iter()
            .find(|r| text(&r[0]) == k)
            .map(|r| text(&r[1]))
            .unwrap_or_else(|| panic!("no {k}"))
    };
    assert_eq!(cover("Review"), "LCSPR-2024-03");
    assert_eq!(cover("Agency"), SCHOOL);
    assert_eq!(cover("Returns due"), "19/01/2026");
    assert_eq!(cover("Contact"), "Mme Durand, head@ecole.example");
    assert_eq!(cover("Findings"), "2 errors, 1 warning");
    let head = rows.iter().position(|r| text(&r[0]) == "Severity").unwrap();
    let table = &rows[head..];
    let c = |h: &str| col(table, h);
    let findings: Vec<&Vec<calamine::Data>> = table[1..].iter().collect();
    assert_eq!(findings.len(), 3);
    let by_code = |code: &str| {
        findings
            .iter()
            .find(|r| text(&r[c("Code")]) == code)
            .unwrap_or_else(|| panic!("no {code}: {findings:?}"))
    };
    let bad_date = by_code("date-invalid");
    assert_eq!(text(&bad_date[c("Severity")]), "error");
    assert_eq!(text(&bad_date[c("File")]), "école.xlsx");
    assert_eq!(text(&bad_date[c("Sheet")]), "Chronology");
    assert_eq!(text(&bad_date[c("Cell")]), "A3");
    assert!(
        text(&bad_date[c("What is wrong")]).contains("31/02/2024"),
        "{bad_date:?}"
    );
    assert_eq!(
        text(&bad_date[c("What to do")]),
        "Ask the agency to correct the date: that day does not exist."
    );
    let row = text(&bad_date[c("Row as written")]);
    assert!(row.starts_with("A: 31/02/2024 | D: School log"), "{row}");
    assert!(
        row.contains("H: Child A absent, no call from home."),
        "{row}"
    );
    let no_source = by_code("source-missing");
    assert_eq!(text(&no_source[c("Cell")]), "D4");
    assert!(text(&no_source[c("Row as written")]).contains("Bruise seen on arm."));
    let no_type = by_code("event-type-missing");
    assert_eq!(text(&no_type[c("Severity")]), "warning");
    assert!(text(&no_type[c("Row as written")]).contains("Child A quiet in class."));
    // Errors come before warnings.
    assert_eq!(text(&findings[2][c("Severity")]), "warning");
}

#[test]
fn feedback_into_the_review_folder_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = review(tmp.path());
    let before = listing(&dir);
    bin()
        .args([
            "feedback",
            dir.to_str().unwrap(),
            "-o",
            dir.to_str().unwrap(),
        ])
        .assert()
        .code(2);
    assert_eq!(listing(&dir), before);
}
