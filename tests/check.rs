//! `chronomerge check`: returns built with each kind of mistake, as .xlsx,
//! .ods (converted with LibreOffice when it is installed) and .csv, checked
//! for the exact finding code and cell, the exit code, and the `Returns`
//! accounting (rows read = merged + rejected) of every file.

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use calamine::DataType;
use common::*;
use serde_json::Value;

const TODAY: &str = "2026-11-26";

/// Runs `check --json` on files; returns the exit code and the JSON.
fn check(files: &[&Path], args: &[&str]) -> (i32, Vec<Value>) {
    let out = Command::cargo_bin("chronomerge")
        .unwrap()
        .arg("check")
        .args(files)
        .args(["--json", "--today", TODAY])
        .args(args)
        .output()
        .unwrap();
    let code = out.status.code().unwrap_or(-1);
    let json: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "check printed no JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    for entry in &json {
        if let Some(s) = entry.get("summary") {
            accounting_holds(s);
        }
    }
    (code, json)
}

/// rows read = rows merged + rows rejected + rows skipped.
fn accounting_holds(summary: &Value) {
    let n = |k: &str| summary[k].as_u64().unwrap();
    assert_eq!(
        n("rows_read"),
        n("rows_merged") + n("rows_rejected") + n("rows_skipped"),
        "accounting of {summary}"
    );
}

/// The (code, sheet, cell) of every finding of one checked file.
fn found(entry: &Value) -> Vec<(String, String, String)> {
    entry["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["sheet"].as_str().unwrap().to_string(),
                f["cell"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn has(entry: &Value, code: &str, sheet: &str, cell: &str) -> bool {
    found(entry)
        .iter()
        .any(|(c, s, x)| c == code && s == sheet && x == cell)
}

#[track_caller]
fn assert_finding(entry: &Value, code: &str, sheet: &str, cell: &str) {
    assert!(
        has(entry, code, sheet, cell),
        "expected {code} at {sheet} › {cell} in {}: {:#?}",
        entry["summary"]["file"],
        found(entry)
    );
}

fn summary_n(entry: &Value, k: &str) -> u64 {
    entry["summary"][k].as_u64().unwrap()
}

/// Converts workbooks to .ods with LibreOffice (required: the test fails
/// without it).
fn to_ods(files: &[PathBuf], out: &Path) -> Option<Vec<PathBuf>> {
    Some(common::soffice_convert(files, "ods", out))
}

fn text(v: &V) -> String {
    match v {
        V::T(s) => s.to_string(),
        V::S(s) => s.clone(),
        V::D(y, m, d) => format!("{d:02}/{m:02}/{y}"),
        V::Tm(h, m) => format!("{h:02}:{m:02}"),
        V::N(n) => n.to_string(),
        V::E => String::new(),
    }
}

/// Writes the same rows as a CSV export, with an Agency column.
fn csv_of(b: &ReturnBuilder, path: &Path) {
    let mut header: Vec<&str> = b.headings.iter().map(|s| s.as_str()).collect();
    header.push("Agency");
    let agency = b.agency.clone().unwrap_or_default();
    let rows: Vec<Vec<String>> = b
        .rows
        .iter()
        .map(|r| {
            let mut cells: Vec<String> = (0..b.headings.len())
                .map(|i| r.get(i).map(text).unwrap_or_default())
                .collect();
            cells.push(agency.clone());
            cells
        })
        .collect();
    let rows: Vec<Vec<&str>> = rows
        .iter()
        .map(|r| r.iter().map(|s| s.as_str()).collect())
        .collect();
    write_csv(path, &header, &rows, false, false);
}

/// A row: date, time, source, event type, details (role and subject filled).
fn row(date: V, time: V, source: &str, etype: &str, details: &str) -> Vec<V> {
    vec![
        date,
        time,
        V::E,
        V::S(source.into()),
        V::T("Health visitor"),
        V::T("Child A"),
        V::S(etype.into()),
        V::S(details.into()),
        V::T("Recorded"),
        V::E,
    ]
}

/// Every per-row mistake, one a row, and the finding each must give.
fn mistakes() -> (ReturnBuilder, Vec<(&'static str, &'static str)>, u64) {
    let b = ReturnBuilder::new("West Yorkshire Police")
        // 2: outside the review period (and its 30-day margin): warning.
        .row(row(
            V::T("01/01/2019"),
            V::E,
            "Police log",
            "Contact or visit",
            "Old event.",
        ))
        // 3: inside the margin before the period: no finding.
        .row(row(
            V::T("15/12/2021"),
            V::E,
            "Police log",
            "Contact or visit",
            "Just before.",
        ))
        // 4: a good row.
        .row(row(
            V::D(2023, 1, 5),
            V::Tm(14, 30),
            "Police log",
            "Incident or call-out",
            "Call-out.",
        ))
        // 5: no date.
        .row(row(
            V::E,
            V::E,
            "Police log",
            "Contact or visit",
            "No date here.",
        ))
        // 6: no source.
        .row(row(
            V::T("06/01/2023"),
            V::E,
            "",
            "Contact or visit",
            "No source.",
        ))
        // 7: no details.
        .row(row(
            V::T("07/01/2023"),
            V::E,
            "Police log",
            "Contact or visit",
            "",
        ))
        // 8: a date that does not exist.
        .row(row(
            V::T("31/02/2023"),
            V::E,
            "Police log",
            "Contact or visit",
            "Bad day.",
        ))
        // 9: a date that cannot be read.
        .row(row(
            V::T("the week after"),
            V::E,
            "Police log",
            "Contact or visit",
            "Vague.",
        ))
        // 10: a time that cannot be read: warning, kept.
        .row(row(
            V::T("08/01/2023"),
            V::T("25:99"),
            "Police log",
            "Contact or visit",
            "Late.",
        ))
        // 11: an event type outside the list: warning, kept.
        .row(row(
            V::T("09/01/2023"),
            V::E,
            "Police log",
            "Phone call",
            "Rang Mother.",
        ))
        // 12: an error value: warning, kept.
        .row(row(
            V::T("10/01/2023"),
            V::E,
            "Police log",
            "Contact or visit",
            "#REF!",
        ))
        // 13: an author's note: only date and time are checked.
        .row(vec![
            V::T("11/01/2023"),
            V::E,
            V::T("abc"),
            V::T("# Author's note"),
            V::E,
            V::E,
            V::T("Not a type"),
        ])
        // 14: a date in the future (after --today).
        .row(row(
            V::T("01/01/2030"),
            V::E,
            "Police log",
            "Contact or visit",
            "Future.",
        ));
    let want = vec![
        ("date-outside-period", "A2"),
        ("date-missing", "A5"),
        ("source-missing", "D6"),
        ("details-missing", "H7"),
        ("date-invalid", "A8"),
        ("date-unreadable", "A9"),
        ("time-unreadable", "B10"),
        ("event-type-unknown", "G11"),
        ("cell-error", "H12"),
        ("date-future", "A14"),
    ];
    // Rejected: 5, 6, 7, 8, 9, 14.
    (b, want, 6)
}

const PERIOD: [&str; 8] = [
    "--review",
    "LCSPR-2024-03",
    "--from",
    "2022-01-01",
    "--to",
    "2024-06-30",
    "--margin-days",
    "30",
];

#[test]
fn every_row_mistake_is_found_in_xlsx_ods_and_csv() {
    let tmp = tempfile::tempdir().unwrap();
    let (b, want, rejected) = mistakes();
    let xlsx = b.write_xlsx(&tmp.path().join("mistakes.xlsx"));
    let csv = tmp.path().join("mistakes.csv");
    csv_of(&b, &csv);
    let mut files = vec![(xlsx.clone(), "Chronology".to_string())];
    files.push((csv.clone(), "mistakes".to_string()));
    let ods_dir = tmp.path().join("ods");
    std::fs::create_dir(&ods_dir).unwrap();
    if let Some(ods) = to_ods(std::slice::from_ref(&xlsx), &ods_dir) {
        files.push((ods[0].clone(), "Chronology".to_string()));
    }
    for (file, sheet) in &files {
        let (code, json) = check(&[file], &PERIOD);
        assert_eq!(code, 1, "{}: errors give exit 1", file.display());
        let e = &json[0];
        for (c, cell) in &want {
            assert_finding(e, c, sheet, cell);
        }
        // Nothing else: no finding on the good row, the row inside the
        // margin, or the author's note.
        let extra: Vec<_> = found(e)
            .into_iter()
            .filter(|(c, _, x)| !want.iter().any(|(wc, wx)| wc == c && wx == x))
            .collect();
        assert!(extra.is_empty(), "{}: unexpected {extra:?}", file.display());
        assert_eq!(summary_n(e, "rows_read"), 13, "{}", file.display());
        assert_eq!(
            summary_n(e, "rows_rejected"),
            rejected,
            "{}",
            file.display()
        );
        assert_eq!(e["summary"]["agency"], "West Yorkshire Police");
    }
}

#[test]
fn the_text_output_is_one_finding_a_line() {
    let tmp = tempfile::tempdir().unwrap();
    let (b, want, _) = mistakes();
    let xlsx = b.write_xlsx(&tmp.path().join("mistakes.xlsx"));
    let out = Command::cargo_bin("chronomerge")
        .unwrap()
        .arg("check")
        .arg(&xlsx)
        .args(["--today", TODAY])
        .args(PERIOD)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), want.len(), "{text}");
    assert!(lines.contains(
        &"mistakes.xlsx › Chronology › A8: error date-invalid: the date '31/02/2023' does not exist: ask the agency to correct it"
    ), "{text}");
    assert!(lines
        .iter()
        .any(|l| l.starts_with("mistakes.xlsx › Chronology › G11: warning event-type-unknown: ")));
}

/// The template's conformance: headings misspelt, unclear, missing,
/// reordered and extra.
#[test]
fn altered_headings_are_reported_with_their_cells() {
    let tmp = tempfile::tempdir().unwrap();
    let mut b = ReturnBuilder::new("GP practice");
    // A: Date, B: Tme (unclear), C: Sequence, D: Event type and G: Source
    // swapped, H: Detials of event (misspelt), I: Action removed and
    // replaced by Colour of car (extra).
    b.headings = vec![
        "Date",
        "Tme",
        "Sequence",
        "Event type",
        "Practitioner role",
        "Child or family member",
        "Source of information",
        "Detials of event",
        "Colour of car",
        "Analysis / comment",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    let r = |date: &'static str, time: V, car: &'static str| {
        vec![
            V::T(date),
            time,
            V::E,
            V::T("Contact or visit"),
            V::T("GP"),
            V::T("Child A"),
            V::T("GP record"),
            V::T("Seen in surgery."),
            V::T(car),
            V::E,
        ]
    };
    let b = b
        .row(r("01/02/2023", V::E, "Red"))
        .row(r("02/02/2023", V::T("10:00"), ""))
        .row(r("03/02/2023", V::E, "Blue"));
    let xlsx = b.write_xlsx(&tmp.path().join("headings.xlsx"));
    let csv = tmp.path().join("headings.csv");
    csv_of(&b, &csv);
    let mut files = vec![(xlsx.clone(), "Chronology".to_string())];
    files.push((csv, "headings".to_string()));
    let ods_dir = tmp.path().join("ods");
    std::fs::create_dir(&ods_dir).unwrap();
    if let Some(ods) = to_ods(std::slice::from_ref(&xlsx), &ods_dir) {
        files.push((ods[0].clone(), "Chronology".to_string()));
    }
    for (file, sheet) in &files {
        let (code, json) = check(&[file], &[]);
        let e = &json[0];
        assert_eq!(code, 1, "an unclear heading is an error");
        assert_finding(e, "heading-unclear", sheet, "B1");
        // The one row with content under it is rejected, by range.
        assert_finding(e, "heading-unclear", sheet, "B3");
        assert_finding(e, "heading-missing", sheet, "B1"); // Time
        assert_finding(e, "heading-missing", sheet, "I1"); // Action / outcome
        assert_finding(e, "heading-renamed", sheet, "H1");
        assert_finding(e, "heading-reordered", sheet, "A1");
        assert_finding(e, "heading-unknown", sheet, "I1");
        assert_finding(e, "cell-outside-template", sheet, "I2:I4");
        assert_eq!(summary_n(e, "rows_read"), 3);
        assert_eq!(summary_n(e, "rows_merged"), 2);
    }
}

#[test]
fn a_banner_renamed_sheet_and_missing_required_heading() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    // A banner above the headings, and the sheet renamed.
    let mut b = ReturnBuilder::new("School").row(row(
        V::D(2023, 3, 1),
        V::E,
        "School record",
        "Contact or visit",
        "Late.",
    ));
    b.banner = true;
    b.chronology_name = "Chronology (2)".into();
    let banner = b.write_xlsx(&dir.join("banner.xlsx"));
    // No Date column at all: every row is rejected.
    let mut b = ReturnBuilder::new("School").row(row(
        V::T("Late"),
        V::E,
        "School record",
        "Contact or visit",
        "Late.",
    ));
    b.headings[0] = "Remarks".into();
    let nodate = b.write_xlsx(&dir.join("nodate.xlsx"));
    let mut files = vec![banner.clone(), nodate.clone()];
    let ods_dir = dir.join("ods");
    std::fs::create_dir(&ods_dir).unwrap();
    if let Some(ods) = to_ods(&files, &ods_dir) {
        files.extend(ods);
    }
    for f in &files {
        let (code, json) = check(&[f], &[]);
        let e = &json[0];
        if f.file_stem().unwrap() == "banner" {
            assert_eq!(code, 0, "warnings only");
            assert_finding(e, "heading-banner", "Chronology (2)", "A1");
            assert_finding(e, "sheet-renamed", "Chronology (2)", "");
            assert_eq!(summary_n(e, "rows_merged"), 1);
        } else {
            assert_eq!(code, 1);
            assert_finding(e, "heading-missing", "Chronology", "A1");
            assert_eq!(summary_n(e, "rows_rejected"), 1);
            assert_eq!(e["summary"]["status"], "rejected");
        }
    }
}

/// A workbook built by hand: Agency details, then the chronology sheet
/// written by `f`.
fn custom_xlsx(
    path: &Path,
    sheets: &[&str],
    f: impl FnOnce(&mut rust_xlsxwriter::Worksheet),
) -> PathBuf {
    let mut wb = rust_xlsxwriter::Workbook::new();
    {
        let d = wb.add_worksheet();
        d.set_name("Agency details").unwrap();
        d.write(0, 0, "Agency").unwrap();
        d.write(0, 1, "Housing").unwrap();
        d.write(1, 0, "Review reference").unwrap();
        d.write(1, 1, "LCSPR-2024-03").unwrap();
    }
    let mut f = Some(f);
    for name in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(*name).unwrap();
        if *name == "Chronology" {
            for (c, h) in HEADINGS.iter().enumerate() {
                ws.write(0, c as u16, *h).unwrap();
            }
            (f.take().unwrap())(ws);
        }
    }
    wb.save(path).unwrap();
    path.to_path_buf()
}

#[test]
fn formulas_and_error_values_are_named_by_cell() {
    let tmp = tempfile::tempdir().unwrap();
    let p = custom_xlsx(&tmp.path().join("formulas.xlsx"), &["Chronology"], |ws| {
        use rust_xlsxwriter::Formula;
        ws.write(1, 0, "05/03/2023").unwrap();
        ws.write(1, 3, "Housing record").unwrap();
        ws.write(1, 6, "Contact or visit").unwrap();
        ws.write_formula(
            1,
            7,
            Formula::new("=\"Visit to \"&\"the flat\"").set_result("Visit to the flat"),
        )
        .unwrap();
        ws.write(2, 0, "06/03/2023").unwrap();
        ws.write(2, 3, "Housing record").unwrap();
        ws.write(2, 6, "Contact or visit").unwrap();
        ws.write(2, 7, "Repairs visit.").unwrap();
        ws.write_formula(2, 8, Formula::new("=#REF!").set_result("#REF!"))
            .unwrap();
    });
    let (code, json) = check(&[&p], &[]);
    let e = &json[0];
    assert_eq!(code, 0, "formulas and error values are warnings");
    assert_finding(e, "cell-formula", "Chronology", "H2");
    assert_finding(e, "cell-formula", "Chronology", "I3");
    assert_finding(e, "cell-error", "Chronology", "I3");
    assert_eq!(summary_n(e, "rows_merged"), 2);
}

#[test]
fn a_missing_chronology_sheet_rejects_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let p = custom_xlsx(
        &tmp.path().join("nosheet.xlsx"),
        &["Notes", "Old version"],
        |_| {},
    );
    let (code, json) = check(&[&p], &[]);
    assert_eq!(code, 1);
    assert_finding(&json[0], "sheet-missing", "Chronology", "");
    assert_eq!(json[0]["summary"]["status"], "rejected");
}

fn ordered(agency: &str, dates: &[(i32, u32, u32)]) -> ReturnBuilder {
    dates
        .iter()
        .fold(ReturnBuilder::new(agency), |b, &(y, m, d)| {
            b.event(
                V::D(y, m, d),
                "ED record",
                "Hospital attendance or admission",
                "Seen.",
            )
        })
}

/// The same return as .xlsx, .csv and (when LibreOffice is installed)
/// .ods, each with the sheet name its findings give.
fn variants(b: &ReturnBuilder, dir: &Path, stem: &str) -> Vec<(PathBuf, String)> {
    let xlsx = b.write_xlsx(&dir.join(format!("{stem}.xlsx")));
    let csv = dir.join(format!("{stem}.csv"));
    csv_of(b, &csv);
    let mut out = vec![
        (xlsx.clone(), "Chronology".to_string()),
        (csv, stem.to_string()),
    ];
    let ods_dir = dir.join(format!("ods-{stem}"));
    std::fs::create_dir(&ods_dir).unwrap();
    if let Some(ods) = to_ods(std::slice::from_ref(&xlsx), &ods_dir) {
        out.push((ods[0].clone(), "Chronology".to_string()));
    }
    out
}

#[test]
fn date_order_is_one_finding_for_a_newest_first_return() {
    let tmp = tempfile::tempdir().unwrap();
    // Newest first: one file-level warning, not one per row.
    let rev = ordered(
        "Hospital",
        &[
            (2023, 6, 1),
            (2023, 5, 1),
            (2023, 4, 1),
            (2023, 3, 1),
            (2023, 2, 1),
            (2023, 1, 1),
        ],
    );
    // Oldest first with one mistyped year.
    let typo = ordered(
        "Ambulance",
        &[
            (2023, 1, 1),
            (2023, 2, 1),
            (2022, 3, 1),
            (2023, 4, 1),
            (2023, 5, 1),
        ],
    );
    let codes = |e: &Value| found(e).into_iter().map(|f| f.0).collect::<Vec<_>>();
    for (file, sheet) in variants(&rev, tmp.path(), "reversed") {
        let (code, json) = check(&[&file], &[]);
        assert_eq!(code, 0);
        assert_eq!(
            codes(&json[0]),
            ["date-order-reversed"],
            "{}",
            file.display()
        );
        assert_finding(&json[0], "date-order-reversed", &sheet, "A2");
    }
    for (file, sheet) in variants(&typo, tmp.path(), "typo") {
        let (code, json) = check(&[&file], &[]);
        assert_eq!(code, 0);
        assert_eq!(codes(&json[0]), ["date-out-of-order"], "{}", file.display());
        assert_finding(&json[0], "date-out-of-order", &sheet, "A4");
    }
}

#[test]
fn a_banner_above_a_csv_header_is_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("banner.csv");
    let text = format!(
        "CONFIDENTIAL: Oakfield Primary\r\n\r\n{}\r\n05/03/2023,,,School record,Teacher,Child A,Contact or visit,Late.,,\r\n",
        HEADINGS.join(",")
    );
    std::fs::write(&p, text).unwrap();
    let (code, json) = check(&[&p], &["--agency", "Oakfield Primary School"]);
    assert_eq!(code, 0);
    assert_finding(&json[0], "heading-banner", "banner", "A1");
    assert_eq!(summary_n(&json[0], "rows_merged"), 1);
    assert_eq!(json[0]["summary"]["agency"], "Oakfield Primary School");
}

#[test]
fn agency_details_and_review_reference() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("review");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(
        dir.join("review.toml"),
        "review = \"LCSPR-2024-03\"\n[[agencies]]\nname = \"West Yorkshire Police\"\naliases = [\"WY Police\"]\n",
    )
    .unwrap();
    let ev = |b: ReturnBuilder, details: &str| {
        b.event(
            V::D(2023, 1, 2),
            "Police log",
            "Incident or call-out",
            details,
        )
    };
    // No agency given: taken from the file name, with a warning.
    let mut b = ev(ReturnBuilder::new("x"), "Call-out.");
    b.agency = None;
    let noagency = b.write_xlsx(&dir.join("west_yorkshire-police.xlsx"));
    // The review reference of another review (read from review.toml).
    let mut b = ev(ReturnBuilder::new("WY Police"), "Arrest at the flat.");
    b.review = "LCSPR-2023-99".into();
    let wrong = b.write_xlsx(&dir.join("wrong-review.xlsx"));
    let (code, json) = check(&[&noagency, &wrong], &[]);
    assert_eq!(code, 0, "warnings only");
    assert_finding(&json[0], "agency-details-missing", "Agency details", "A1");
    // The name from the file is folded to the expected agency's.
    assert_eq!(json[0]["summary"]["agency"], "West Yorkshire Police");
    assert_finding(
        &json[1],
        "review-reference-mismatch",
        "Agency details",
        "B2",
    );
    // The alias is folded too: both are West Yorkshire Police, and as
    // they share no event they are two parts of its return (the older,
    // by file name, says so).
    assert_eq!(json[1]["summary"]["agency"], "West Yorkshire Police");
    assert_finding(&json[0], "return-part", "", "");
    // --review overrides review.toml.
    let (_, json) = check(&[&wrong], &["--review", "LCSPR-2023-99"]);
    assert!(!has(
        &json[0],
        "review-reference-mismatch",
        "Agency details",
        "B2"
    ));
}

#[test]
fn unreadable_files_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let ok = ordered("Hospital", &[(2023, 1, 1)]).write_xlsx(&tmp.path().join("ok.xlsx"));
    let broken = tmp.path().join("broken.xlsx");
    std::fs::write(&broken, b"PK\x03\x04 not really a zip").unwrap();
    let mut enc = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    enc.extend(std::iter::repeat_n(0u8, 512));
    let locked = tmp.path().join("locked.xlsx");
    std::fs::write(&locked, enc).unwrap();
    let (code, json) = check(&[&ok], &[]);
    assert_eq!(code, 0);
    assert!(found(&json[0]).is_empty(), "{:?}", found(&json[0]));
    for bad in [&broken, &locked] {
        let (code, json) = check(&[&ok, bad], &[]);
        assert_eq!(code, 2, "{}", bad.display());
        assert_eq!(json[1]["summary"]["status"], "rejected");
        let codes: Vec<String> = found(&json[1]).into_iter().map(|f| f.0).collect();
        assert!(
            codes.iter().any(|c| c.starts_with("file-")),
            "{}: {codes:?}",
            bad.display()
        );
    }
    let missing = tmp.path().join("missing.xlsx");
    assert_eq!(check(&[&missing], &[]).0, 2);
}

/// Every test return merged together: the `Returns` sheet accounts for
/// every row of every file, and an expected agency without a return is a
/// finding.
#[test]
fn the_returns_accounting_holds_for_every_test_file() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("review");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(
        dir.join("review.toml"),
        "review = \"LCSPR-2024-03\"\nperiod_from = 2022-01-01\nperiod_to = 2024-06-30\n[[agencies]]\nname = \"Probation\"\n",
    )
    .unwrap();
    let (b, _, _) = mistakes();
    b.write_xlsx(&dir.join("mistakes.xlsx"));
    csv_of(&b, &dir.join("mistakes.csv"));
    ordered("Hospital", &[(2023, 6, 1), (2023, 5, 1), (2023, 4, 1)])
        .write_xlsx(&dir.join("reversed.xlsx"));
    let mut h = ReturnBuilder::new("GP").row(row(V::E, V::E, "GP record", "", "x"));
    h.headings[0] = "Remarks".into();
    h.write_xlsx(&dir.join("nodate.xlsx"));
    std::fs::write(dir.join("broken.xlsx"), b"PK\x03\x04 nope").unwrap();
    let out = tmp.path().join("merged.xlsx");
    let status = Command::cargo_bin("chronomerge")
        .unwrap()
        .arg("merge")
        .arg(&dir)
        .arg("-o")
        .arg(&out)
        .args(["--today", TODAY])
        .output()
        .unwrap();
    assert_eq!(status.status.code(), Some(1), "{status:?}");
    let returns = sheet(&out, "Returns");
    let (file, read, merged, rejected, skipped) = (
        col(&returns, "File"),
        col(&returns, "Rows read"),
        col(&returns, "Rows merged"),
        col(&returns, "Rows rejected"),
        col(&returns, "Rows skipped"),
    );
    let mut seen = Vec::new();
    // (mistakes.xlsx and mistakes.csv are one return twice: one of them is
    // superseded, its rows counted as skipped.)
    for r in &returns[1..] {
        let n = |c: usize| r[c].as_f64().unwrap_or(0.0);
        assert_eq!(n(read), n(merged) + n(rejected) + n(skipped), "{r:?}");
        seen.push(common::text(&r[file]));
    }
    for f in [
        "mistakes.xlsx",
        "mistakes.csv",
        "reversed.xlsx",
        "nodate.xlsx",
        "broken.xlsx",
    ] {
        assert!(seen.iter().any(|s| s == f), "{f} not in Returns: {seen:?}");
    }
    let findings = sheet(&out, "Findings");
    let code = col(&findings, "Code");
    assert!(findings
        .iter()
        .any(|r| common::text(&r[code]) == "agency-not-returned"));
}

/// A folder checked as a whole: each expected agency with no return in it
/// is a finding, and a misspelt agency is folded by its alias.
#[test]
fn checking_a_folder_finds_the_missing_returns() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(
        dir.join("review.toml"),
        "[[agencies]]\nname = \"West Yorkshire Police\"\naliases = [\"WY Police\"]\n[[agencies]]\nname = \"Probation\"\n",
    )
    .unwrap();
    ReturnBuilder::new("WY  police")
        .event(
            V::D(2023, 1, 2),
            "Police log",
            "Incident or call-out",
            "Call-out.",
        )
        .write_xlsx(&dir.join("police.xlsx"));
    std::fs::write(dir.join("notes.txt"), "not a return").unwrap();
    let (code, json) = check(&[dir], &[]);
    assert_eq!(code, 0, "the notes file is not a return, not an error");
    // The notes are listed as ignored, with an info finding saying why.
    assert_eq!(json.len(), 2);
    assert_eq!(json[0]["summary"]["file"], "notes.txt");
    assert_eq!(json[0]["summary"]["status"], "ignored");
    assert_eq!(json[0]["findings"][0]["code"], "file-no-chronology");
    assert_eq!(json[0]["findings"][0]["severity"], "info");
    assert_eq!(json[1]["summary"]["agency"], "West Yorkshire Police");
    let missing: Vec<&Value> = json[1]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "agency-not-returned")
        .collect();
    assert_eq!(missing.len(), 1, "{missing:?}");
    assert_eq!(missing[0]["file"], "review.toml");
    assert!(missing[0]["message"]
        .as_str()
        .unwrap()
        .contains("Probation"));
    assert!(missing[0]["what_to_do"].as_str().unwrap().contains("Chase"));
}

/// Headings with something added, or written as agencies often write
/// them, are read (with a warning), never rejected.
#[test]
fn common_heading_variants_are_read() {
    let tmp = tempfile::tempdir().unwrap();
    let mut b = ReturnBuilder::new("Housing").event(
        V::D(2023, 1, 2),
        "Housing record",
        "Contact or visit",
        "Visit.",
    );
    b.headings[0] = "Date (dd/mm/yyyy)".into();
    b.headings[1] = "Time (24hr)".into();
    b.headings[2] = "Sequence no.".into();
    b.headings[7] = "Details of event/contact".into();
    let p = b.write_xlsx(&tmp.path().join("variants.xlsx"));
    let (code, json) = check(&[&p], &[]);
    assert_eq!(code, 0, "{:?}", found(&json[0]));
    for cell in ["A1", "B1", "C1", "H1"] {
        assert_finding(&json[0], "heading-renamed", "Chronology", cell);
    }
    assert_eq!(summary_n(&json[0], "rows_merged"), 1);
}

/// A CSV broken throughout (every data line has an extra unquoted comma)
/// lists its first ragged lines one by one and sums up the rest in one
/// finding, so that the other findings are not buried; every row is still
/// read and accounted for.
#[test]
fn ragged_csv_lines_are_listed_up_to_a_cap_then_summed_up() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("police.csv");
    let mut text = String::from("Date,Source of information,Details of event,Agency\r\n");
    for i in 0..100 {
        text.push_str(&format!(
            "{:02}/03/2019,Custody record,Seen at home, mother present,Police\r\n",
            i % 28 + 1
        ));
    }
    std::fs::write(&path, text).unwrap();
    let (_, json) = check(&[&path], &[]);
    let entry = &json[0];
    let ragged: Vec<&Value> = entry["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "csv-ragged-row")
        .collect();
    let listed = chronomerge::ingest::RAGGED_LISTED;
    assert_eq!(ragged.len(), listed + 1, "{ragged:#?}");
    // Lines 2.. are the data; the first `listed` are named one by one.
    assert_eq!(ragged[0]["cell"], "A2");
    assert_eq!(ragged[listed - 1]["cell"], format!("A{}", listed + 1));
    let summary = ragged[listed]["message"].as_str().unwrap();
    assert_eq!(ragged[listed]["cell"], format!("A{}", listed + 2));
    assert!(
        summary.contains(&format!(
            "{} more line(s), from line {} to line 101",
            100 - listed,
            listed + 2
        )),
        "{summary}"
    );
    assert_eq!(entry["summary"]["rows_read"], 100);
}
