//! `merge --json` and `--csv`: the machine-readable results, and the CSV's
//! protection against text that Excel would run as a formula.

mod common;

use std::path::Path;

use assert_cmd::Command;
use common::*;

fn review(dir: &Path) {
    std::fs::write(
        dir.join("review.toml"),
        "review = \"LCSPR-2024-03\"\n\n[[agencies]]\nname = \"West Yorkshire Police\"\n\n[[agencies]]\nname = \"GP practice\"\n\n[[agencies]]\nname = \"School\"\n",
    )
    .unwrap();
    ReturnBuilder::new("West Yorkshire Police")
        .event(
            V::D(2023, 5, 3),
            "Police incident log",
            "Incident or call-out",
            "=HYPERLINK(\"http://evil.example\",\"click\")",
        )
        .event(
            V::D(2023, 5, 4),
            "@Police log",
            "Incident or call-out",
            "+44 7700 900000 called; Mother's phone",
        )
        .event(
            V::D(2023, 5, 5),
            "Police incident log",
            "Incident or call-out",
            "-1 officers attended (typo)",
        )
        .write_xlsx(&dir.join("police.xlsx"));
    ReturnBuilder::new("GP practice")
        .event(
            V::D(2023, 5, 4),
            "GP record",
            "Appointment attended",
            "\tChild A seen; tab-led text",
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
}

fn merge(dir: &Path, args: &[&str]) -> assert_cmd::assert::Assert {
    Command::cargo_bin("chronomerge")
        .unwrap()
        .arg("merge")
        .arg(dir)
        .args(["--today", "2026-11-26"])
        .args(args)
        .assert()
}

fn read_csv(path: &Path) -> Vec<Vec<String>> {
    let bytes = std::fs::read(path).unwrap();
    assert!(
        bytes.starts_with(&[0xEF, 0xBB, 0xBF]),
        "UTF-8 BOM for Excel"
    );
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&bytes[3..]);
    r.records()
        .map(|rec| rec.unwrap().iter().map(String::from).collect())
        .collect()
}

#[test]
fn csv_has_the_chronology_with_formula_text_neutralised() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    review(dir);
    // The CSV is written into the review folder: merging again must not
    // read it as a return.
    let csv = dir.join("merged.csv");
    let out = dir.join("merged-chronology.xlsx");
    let args = ["-o", out.to_str().unwrap(), "--csv", csv.to_str().unwrap()];
    merge(dir, &args).code(1);
    merge(dir, &args).code(1);
    let rows = read_csv(&csv);
    assert_eq!(rows[0], chronomerge::write::CHRONOLOGY_HEADINGS);
    assert_eq!(rows.len(), 1 + 4, "{rows:?}");
    let h = |name: &str| rows[0].iter().position(|x| x == name).unwrap();
    let (num, date, agency, source, details, origin) = (
        h("#"),
        h("Date"),
        h("Agency"),
        h("Source of information"),
        h("Details of event"),
        h("Origin"),
    );
    assert_eq!(rows[1][num], "1");
    assert_eq!(rows[1][date], "03/05/2023");
    assert_eq!(rows[1][agency], "West Yorkshire Police");
    assert_eq!(
        rows[1][details],
        "'=HYPERLINK(\"http://evil.example\",\"click\")"
    );
    assert_eq!(rows[1][origin], "police.xlsx › Chronology › row 2");
    let all: Vec<&str> = rows[1..].iter().map(|r| r[details].as_str()).collect();
    assert!(
        all.contains(&"'+44 7700 900000 called; Mother's phone"),
        "{all:?}"
    );
    assert!(all.contains(&"'-1 officers attended (typo)"), "{all:?}");
    // Validation trims the tab; a tab that survives is neutralised too
    // (see the unit tests of `export::neutralise`).
    assert!(all.contains(&"Child A seen; tab-led text"), "{all:?}");
    assert!(rows[1..].iter().any(|r| r[source] == "'@Police log"));
    // No field of any row starts with a formula character.
    for r in &rows[1..] {
        for f in r {
            assert!(
                !f.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "{f:?} in {r:?}"
            );
        }
    }
    // The CSV is listed as ignored output, not merged.
    let returns = sheet(&out, "Returns");
    let (file, status) = (col(&returns, "File"), col(&returns, "Status"));
    let st = returns
        .iter()
        .find(|r| text(&r[file]) == "merged.csv")
        .map(|r| text(&r[status]));
    assert_eq!(st.as_deref(), Some("ignored"));
}

#[test]
fn json_has_events_findings_episodes_links_and_gaps() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("review");
    std::fs::create_dir(&dir).unwrap();
    review(&dir);
    let json = tmp.path().join("review.json");
    let out = tmp.path().join("merged.xlsx");
    merge(
        &dir,
        &[
            "-o",
            out.to_str().unwrap(),
            "--json",
            json.to_str().unwrap(),
        ],
    )
    .code(1);
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(v["tool"], "chronomerge");
    assert_eq!(v["review"], "LCSPR-2024-03");
    let events = v["events"].as_array().unwrap();
    assert_eq!(events.len(), 4);
    assert_eq!(events[0]["number"], 1);
    assert_eq!(events[0]["date"], "2023-05-03");
    assert_eq!(events[0]["date_precision"], "day");
    assert_eq!(events[0]["agency"], "West Yorkshire Police");
    // JSON keeps the text exactly as written: no neutralising there.
    assert_eq!(
        events[0]["details"],
        "=HYPERLINK(\"http://evil.example\",\"click\")"
    );
    assert_eq!(events[0]["origin"]["file"], "police.xlsx");
    assert_eq!(events[0]["origin"]["row"], 2);
    // The undated row is an error finding with its cell.
    let findings = v["findings"].as_array().unwrap();
    assert!(findings.iter().any(|f| f["code"] == "date-missing"
        && f["file"] == "gp.xlsx"
        && f["severity"] == "error"));
    // Missing agencies, returns, episodes, joint links and gaps are all there.
    assert_eq!(v["missing_agencies"], serde_json::json!(["School"]));
    assert_eq!(v["returns"].as_array().unwrap().len(), 3); // + review.toml
    for key in ["episodes", "joint_links", "gaps", "agencies"] {
        assert!(v[key].is_array(), "{key}");
    }
    // The numbers in links and episodes point at events.
    for link in v["joint_links"].as_array().unwrap() {
        for n in link["events"].as_array().unwrap() {
            let n = n.as_u64().unwrap() as usize;
            assert!((1..=events.len()).contains(&n));
        }
    }
    for e in v["episodes"].as_array().unwrap() {
        assert!(e["id"].as_str().unwrap().starts_with("KPE "));
    }
}

#[test]
fn exports_need_a_writable_place() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("review");
    std::fs::create_dir(&dir).unwrap();
    review(&dir);
    let out = tmp.path().join("merged.xlsx");
    let json = tmp.path().join("no-such-folder").join("x.json");
    let a = merge(
        &dir,
        &[
            "-o",
            out.to_str().unwrap(),
            "--json",
            json.to_str().unwrap(),
        ],
    )
    // The workbook was written, the JSON not: written in part.
    .code(3);
    let err = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
    assert!(err.contains("x.json"), "{err}");
    assert!(err.contains("was written"), "{err}");
    assert!(out.is_file());
}

#[test]
fn exports_are_anonymised_with_the_workbook() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("review");
    std::fs::create_dir(&dir).unwrap();
    ReturnBuilder::new("School")
        .event(
            V::D(2023, 5, 3),
            "School record",
            "Contact or visit",
            "Jane Smith collected Tom early.",
        )
        .write_xlsx(&dir.join("school.xlsx"));
    let glossary = tmp.path().join("glossary.csv");
    std::fs::write(
        &glossary,
        "real text,replacement\nJane Smith,Mother\nTom,Child A\n",
    )
    .unwrap();
    let (json, csv) = (tmp.path().join("r.json"), tmp.path().join("r.csv"));
    merge(
        &dir,
        &[
            "-o",
            tmp.path().join("m.xlsx").to_str().unwrap(),
            "--glossary",
            glossary.to_str().unwrap(),
            "--json",
            json.to_str().unwrap(),
            "--csv",
            csv.to_str().unwrap(),
        ],
    )
    .code(0);
    let j = std::fs::read_to_string(&json).unwrap();
    assert!(!j.contains("Jane Smith") && !j.contains("Tom "), "{j}");
    assert!(j.contains("Mother collected Child A early."), "{j}");
    let rows = read_csv(&csv);
    let details = rows[0]
        .iter()
        .position(|h| h == "Details of event")
        .unwrap();
    assert_eq!(rows[1][details], "Mother collected Child A early.");
}
