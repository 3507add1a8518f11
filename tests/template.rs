//! `chronomerge template`: the blank return, and the round trip (written,
//! filled in, checked clean).

mod common;

use std::io::Read;
use std::path::Path;

use assert_cmd::Command;
use calamine::{Data, Reader};
use chrono::{NaiveDate, NaiveTime};
use chronomerge::model::{Column, EVENT_TYPES};
use chronomerge::template::{write_filled, TemplateOptions, TemplateValue as T};
use serde_json::Value;

fn bin() -> Command {
    Command::cargo_bin("chronomerge").unwrap()
}

fn date(y: i32, m: u32, d: u32) -> T {
    T::Date(NaiveDate::from_ymd_opt(y, m, d).unwrap())
}

fn xml(path: &Path, part: &str) -> String {
    let f = std::fs::File::open(path).unwrap();
    let mut z = zip::ZipArchive::new(f).unwrap();
    let mut s = String::new();
    z.by_name(part).unwrap().read_to_string(&mut s).unwrap();
    s
}

#[test]
fn the_blank_template_has_the_contract_and_makes_mistakes_hard() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("return.xlsx");
    bin()
        .args(["template", "-o"])
        .arg(&out)
        .args([
            "--review",
            "LCSPR-2024-03",
            "--from",
            "2022-01-01",
            "--to",
            "2024-06-30",
        ])
        .assert()
        .code(0);
    // It does not overwrite a file (it may be a return) without --force.
    bin().args(["template", "-o"]).arg(&out).assert().code(2);
    bin()
        .args(["template", "--force", "-o"])
        .arg(&out)
        .args([
            "--review",
            "LCSPR-2024-03",
            "--from",
            "2022-01-01",
            "--to",
            "2024-06-30",
        ])
        .assert()
        .code(0);

    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(&out).unwrap();
    assert_eq!(
        wb.sheet_names(),
        ["Guidance", "Agency details", "Chronology"]
    );
    let chron = common::sheet(&out, "Chronology");
    let heads: Vec<String> = chron[0].iter().map(common::text).collect();
    let want: Vec<&str> = Column::ALL.iter().map(|c| c.heading()).collect();
    assert_eq!(heads, want, "the headings come from model::Column");
    let details = wb.worksheet_range("Agency details").unwrap();
    let label_value = |label: &str| {
        details
            .rows()
            .find(|r| common::text(&r[0]) == label)
            .map(|r| r[1].clone())
            .unwrap_or_else(|| panic!("no {label}"))
    };
    assert_eq!(
        label_value("Review reference"),
        Data::String("LCSPR-2024-03".into())
    );
    assert_eq!(label_value("Agency"), Data::Empty);
    match label_value("Period from") {
        Data::DateTime(d) => assert_eq!(d.as_f64(), 44562.0), // 01/01/2022
        other => panic!("Period from is {other:?}"),
    }
    let guidance: Vec<String> = wb
        .worksheet_range("Guidance")
        .unwrap()
        .rows()
        .map(|r| common::text(&r[0]))
        .collect();
    let all = guidance.join("\n");
    for needle in [
        "roles, not name",
        "05/03/2019",
        "March 2019",
        "Author's notes",
        "#",
    ] {
        assert!(all.contains(needle), "guidance lacks {needle}");
    }
    for t in EVENT_TYPES {
        assert!(guidance.iter().any(|g| g == t), "guidance lacks {t}");
    }

    // The sheet itself: frozen, protected heading row; unlocked data
    // columns; a date check and an event-type list that only warn; an input
    // message on every heading and column.
    let sheet = xml(&out, "xl/worksheets/sheet3.xml");
    assert!(sheet.contains("ySplit=\"1\""), "heading row frozen");
    assert!(sheet.contains("<sheetProtection"), "sheet protected");
    assert!(sheet.contains("insertRows=\"0\""), "rows can be inserted");
    assert_eq!(sheet.matches("<dataValidation ").count(), 20);
    assert_eq!(sheet.matches("showInputMessage=\"1\"").count(), 20);
    assert!(sheet.contains("type=\"date\" errorStyle=\"information\""));
    assert!(sheet.contains("type=\"list\" errorStyle=\"warning\""));
    assert!(sheet.contains("Guidance!$A$"));
    assert!(sheet.contains("<cols>"));
    let styles = xml(&out, "xl/styles.xml");
    assert!(styles.contains("locked=\"0\""), "data cells unlocked");

    // Checked blank, it has no errors: only the agency to fill in and no
    // events yet.
    let (code, json) = check_json(&out);
    assert_eq!(code, 0);
    let codes: Vec<&str> = json[0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["agency-details-missing", "chronology-empty"]);
}

#[test]
fn the_review_configuration_fills_in_the_template() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = tmp.path().join("review.toml");
    std::fs::write(
        &cfg,
        "review = \"CSPR-7\"\nperiod_from = 2021-04-01\nperiod_to = 2023-03-31\n",
    )
    .unwrap();
    let out = tmp.path().join("t.xlsx");
    bin()
        .args([
            "template",
            "--agency",
            "Oakfield Primary School",
            "--config",
        ])
        .arg(&cfg)
        .arg("-o")
        .arg(&out)
        .assert()
        .code(0);
    let d = common::sheet(&out, "Agency details");
    assert_eq!(common::text(&d[0][1]), "Oakfield Primary School");
    assert_eq!(common::text(&d[1][1]), "CSPR-7");
    // A bad configuration is reported, not ignored.
    std::fs::write(&cfg, "period_from = 2023-01-01\nperiod_to = 2022-01-01\n").unwrap();
    bin()
        .args(["template", "--force", "--config"])
        .arg(&cfg)
        .arg("-o")
        .arg(&out)
        .assert()
        .code(2);
}

fn check_json(file: &Path) -> (i32, Vec<Value>) {
    let out = bin()
        .arg("check")
        .arg(file)
        .args([
            "--json",
            "--today",
            "2026-11-26",
            "--review",
            "LCSPR-2024-03",
            "--from",
            "2022-01-01",
            "--to",
            "2024-06-30",
        ])
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        serde_json::from_slice(&out.stdout).unwrap(),
    )
}

#[test]
fn a_template_filled_in_correctly_checks_clean() {
    let tmp = tempfile::tempdir().unwrap();
    let opts = TemplateOptions {
        review: Some("LCSPR-2024-03".into()),
        from: NaiveDate::from_ymd_opt(2022, 1, 1),
        to: NaiveDate::from_ymd_opt(2024, 6, 30),
        agency: Some("West Yorkshire Police".into()),
        ..TemplateOptions::default()
    };
    let row = |d: T, time: T, seq: T, etype: &str, details: &str| {
        vec![
            d,
            time,
            seq,
            "Police incident log".into(),
            "Police constable".into(),
            "Child A".into(),
            etype.into(),
            details.into(),
            "PPN submitted to children's social care.".into(),
            "".into(),
        ]
    };
    let rows = vec![
        row(
            date(2022, 3, 5),
            T::Empty,
            T::Empty,
            EVENT_TYPES[9],
            "Call-out to the family home.",
        ),
        row(
            date(2022, 3, 6),
            T::Time(NaiveTime::from_hms_opt(14, 30, 0).unwrap()),
            T::Empty,
            EVENT_TYPES[12],
            "Information shared with the school.",
        ),
        row(
            "'March 2022".into(),
            T::Empty,
            T::Empty,
            EVENT_TYPES[14],
            "Month only.",
        ),
        row(
            "12/04/2022".into(),
            "09:15".into(),
            T::Number(1.0),
            EVENT_TYPES[0],
            "Visit.",
        ),
        row(
            "12/04/2022".into(),
            T::Empty,
            T::Number(2.0),
            EVENT_TYPES[13],
            "Case closed.",
        ),
        vec![
            date(2022, 5, 1),
            T::Empty,
            T::Empty,
            "# Author's note".into(),
            T::Empty,
            T::Empty,
            T::Empty,
            "No police contact for the next three months.".into(),
        ],
    ];
    let filled = tmp.path().join("police.xlsx");
    write_filled(&filled, &opts, &rows).unwrap();
    let mut files = vec![filled.clone()];
    // The same return re-saved by LibreOffice as .ods.
    files.extend(common::soffice_convert(
        std::slice::from_ref(&filled),
        "ods",
        &tmp.path().join("ods"),
    ));
    for f in &files {
        let (code, json) = check_json(f);
        assert_eq!(json[0]["findings"], Value::Array(vec![]), "{}", f.display());
        assert_eq!(code, 0);
        let s = &json[0]["summary"];
        assert_eq!(s["rows_read"], 6);
        assert_eq!(s["rows_merged"], 6);
        assert_eq!(s["rows_rejected"], 0);
        assert_eq!(s["status"], "merged");
        assert_eq!(s["agency"], "West Yorkshire Police");
    }
}
