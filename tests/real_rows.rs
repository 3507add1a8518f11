//! Real returns (issue 16, part 2): rows that are not events (an
//! instruction row, a footer, an Excel Table's total row, the headings
//! repeated) are skipped with a `row-not-event` warning and counted in
//! `Rows skipped`; and the dates, times and sequences agencies really
//! write (`43529` as text, `20160522`, `14h30`, `?14:00`, `1,5`) are read.
//! Every test runs the engine on files built the way agencies make them
//! and checks the merged workbook's sheets (and the JSON) cell by cell.

mod common;

use std::path::Path;

use assert_cmd::Command;
use calamine::Data;
use chronomerge::model::Column;
use chronomerge::template::column_help;
use common::*;
use serde_json::Value;

fn merge(dir: &Path, out: &Path, json: &Path) -> assert_cmd::assert::Assert {
    Command::cargo_bin("chronomerge")
        .unwrap()
        .arg("merge")
        .arg(dir)
        .arg("-o")
        .arg(out)
        .arg("--json")
        .arg(json)
        .args(["--today", "2026-11-26"])
        .assert()
}

fn read_json(p: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

/// (severity, file, sheet, cell, code, message) of every finding.
fn findings(out: &Path) -> Vec<[String; 6]> {
    sheet(out, "Findings")
        .iter()
        .skip(1)
        .map(|r| std::array::from_fn(|i| r.get(i).map(text).unwrap_or_default()))
        .collect()
}

fn with_code<'a>(f: &'a [[String; 6]], code: &str) -> Vec<&'a [String; 6]> {
    f.iter().filter(|r| r[4] == code).collect()
}

/// The `Returns` line of a file: (status, read, merged, rejected, skipped).
fn returns_line(out: &Path, file: &str) -> (String, f64, f64, f64, f64) {
    let rows = sheet(out, "Returns");
    let c = |h: &str| col(&rows, h);
    let r = rows
        .iter()
        .find(|r| text(&r[c("File")]) == file)
        .unwrap_or_else(|| panic!("no Returns line for {file}"));
    let n = |h: &str| match &r[c(h)] {
        Data::Float(f) => *f,
        Data::Int(i) => *i as f64,
        other => panic!("{h}: {other:?}"),
    };
    (
        text(&r[c("Status")]),
        n("Rows read"),
        n("Rows merged"),
        n("Rows rejected"),
        n("Rows skipped"),
    )
}

/// `rows read = merged + rejected + skipped` on every Returns line and in
/// the JSON.
fn accounting_holds(out: &Path, json: &Value) {
    let rows = sheet(out, "Returns");
    let c = |h: &str| col(&rows, h);
    for r in rows.iter().skip(1) {
        let n = |h: &str| match &r[c(h)] {
            Data::Float(f) => *f,
            _ => 0.0,
        };
        assert_eq!(
            n("Rows read"),
            n("Rows merged") + n("Rows rejected") + n("Rows skipped"),
            "{r:?}"
        );
    }
    for r in json["returns"].as_array().unwrap() {
        let n = |k: &str| r[k].as_u64().unwrap();
        assert_eq!(
            n("rows_read"),
            n("rows_merged") + n("rows_rejected") + n("rows_skipped"),
            "{r}"
        );
    }
}

fn chronology_details(out: &Path) -> Vec<String> {
    let rows = sheet(out, "Chronology");
    let d = col(&rows, "Details of event");
    rows.iter().skip(1).map(|r| text(&r[d])).collect()
}

fn headings_row() -> Vec<V> {
    HEADINGS.iter().map(|h| V::T(h)).collect()
}

/// An instruction row under the headings, a repeated heading row, a
/// footer: each skipped with a warning naming its cell, counted in `Rows
/// skipped`, and the merge still succeeds. The real event whose details
/// begin "End of chronology period review" is merged.
#[test]
fn instruction_heading_and_footer_rows_are_skipped_and_named() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("review");
    std::fs::create_dir(&dir).unwrap();
    ReturnBuilder::new("Children's social care")
        // Row 2: the instruction row agencies put under the headings,
        // from the template's own help texts.
        .row(vec![
            V::T("dd/mm/yyyy"),
            V::T("HH:MM"),
            V::T("1, 2, 3"),
            V::T("e.g. GP record"),
            V::T(column_help(Column::Role).message),
            V::T(column_help(Column::Subject).message),
            V::T("Choose from the list"),
            V::T(column_help(Column::Details).message),
            V::T(column_help(Column::Action).message),
            V::T(column_help(Column::Analysis).message),
        ])
        .event(
            V::D(2023, 3, 1),
            "Case record",
            "Referral received",
            "Referral from school about Child A's attendance.",
        )
        .event(
            V::D(2023, 3, 8),
            "Case record",
            "Assessment",
            "Assessment started; Child A seen at home.",
        )
        // Row 5: a pasted block brings its headings with it.
        .row(headings_row())
        .event(
            V::D(2023, 4, 2),
            "Case record",
            "Strategy discussion or meeting",
            "Strategy discussion held with police and health.",
        )
        // A real event, however its details begin.
        .event(
            V::T("12/04/2023"),
            "Case record",
            "Multi-agency meeting",
            "End of chronology period review meeting held; plan agreed.",
        )
        // Row 8: the footer, alone in column A.
        .row(vec![V::T("*** End of chronology ***")])
        .write_xlsx(&dir.join("csc.xlsx"));
    let out = tmp.path().join("merged.xlsx");
    let json = tmp.path().join("merged.json");
    // Skipped rows are warnings: the merge succeeds.
    merge(&dir, &out, &json).success().code(0);

    let f = findings(&out);
    let skipped = with_code(&f, "row-not-event");
    let at: Vec<(&str, &str, &str, &str)> = skipped
        .iter()
        .map(|r| (r[0].as_str(), r[1].as_str(), r[2].as_str(), r[3].as_str()))
        .collect();
    assert_eq!(
        at,
        [
            ("warning", "csc.xlsx", "Chronology", "A2"),
            ("warning", "csc.xlsx", "Chronology", "A5"),
            ("warning", "csc.xlsx", "Chronology", "A8"),
        ]
    );
    assert!(
        skipped[0][5].starts_with("skipped: not an event (an instruction row): 'dd/mm/yyyy | HH:MM | 1, 2, 3 | e.g. GP record"),
        "{}",
        skipped[0][5]
    );
    assert!(skipped[1][5]
        .contains("(a repeated heading row): 'Date | Time | Sequence | Source of information"));
    assert!(skipped[2][5].contains("(a footer): '*** End of chronology ***'"));
    assert!(skipped[0][5].contains("ask the agency"));
    // Nothing else was said about those rows: no date or source errors.
    assert!(f.iter().all(|r| r[0] != "error"), "{f:?}");
    assert!(
        f.iter()
            .filter(|r| r[1] == "csc.xlsx")
            .all(
                |r| !["A2", "A5", "A8", "D2", "D5", "H8"].contains(&r[3].as_str())
                    || r[4] == "row-not-event"
            ),
        "{f:?}"
    );

    assert_eq!(
        returns_line(&out, "csc.xlsx"),
        ("merged with warnings".into(), 7.0, 4.0, 0.0, 3.0)
    );
    let details = chronology_details(&out);
    assert_eq!(details.len(), 4);
    assert!(details
        .iter()
        .any(|d| d.starts_with("End of chronology period review meeting")));
    assert!(!details
        .iter()
        .any(|d| d.contains("dd/mm") || d == "Details of event"));

    let j = read_json(&json);
    accounting_holds(&out, &j);
    let r = &j["returns"][0];
    assert_eq!(r["rows_skipped"], 3);
    let jf: Vec<&Value> = j["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "row-not-event")
        .collect();
    assert_eq!(jf.len(), 3);
    assert_eq!(jf[2]["cell"], "A8");
    assert_eq!(jf[2]["severity"], "warning");
}

/// Rows that only look like instruction, footer or total rows but hold an
/// event's content are never skipped: they are merged, or rejected with
/// their reasons.
#[test]
fn rows_with_event_content_are_never_skipped() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("review");
    std::fs::create_dir(&dir).unwrap();
    ReturnBuilder::new("Police")
        .event(
            V::T("05/03/2023"),
            "Police log",
            "Other",
            "End of chronology",
        )
        .event(V::D(2023, 3, 6), "Total", "Other", "Total")
        // A date placeholder left in, but a real event: rejected, so the
        // agency is asked for the date.
        .event(
            V::T("dd/mm/yyyy"),
            "Police log",
            "Incident or call-out",
            "Call-out to the home; Child A present.",
        )
        // `End of …` that is not a footer (no date: rejected).
        .row(vec![
            V::E,
            V::E,
            V::E,
            V::E,
            V::E,
            V::E,
            V::E,
            V::T("End of chronology period review meeting"),
        ])
        // `Total` followed by text, not counts.
        .row(vec![V::T("Total"), V::E, V::E, V::T("Police log")])
        // The headings' words, but only two of them.
        .row(vec![V::T("Date"), V::T("Time")])
        .write_xlsx(&dir.join("police.xlsx"));
    let out = tmp.path().join("merged.xlsx");
    let json = tmp.path().join("merged.json");
    merge(&dir, &out, &json).code(1);
    let f = findings(&out);
    assert!(with_code(&f, "row-not-event").is_empty(), "{f:?}");
    assert_eq!(
        returns_line(&out, "police.xlsx"),
        ("merged with warnings".into(), 6.0, 2.0, 4.0, 0.0)
    );
    let mut no_date: Vec<&str> = with_code(&f, "date-unreadable")
        .iter()
        .chain(with_code(&f, "date-missing").iter())
        .map(|r| r[3].as_str())
        .collect();
    no_date.sort();
    assert_eq!(no_date, ["A4", "A5", "A6", "A7"]);
    let details = chronology_details(&out);
    assert_eq!(details, ["End of chronology", "Total"]);
    accounting_holds(&out, &read_json(&json));
}

/// A return whose Chronology is an Excel Table with its Total row:
/// `Total` in the Date column, a count of Details (a SUBTOTAL over the
/// rows, cached as Excel saves it) and a count of numbers under Source (a
/// SUBTOTAL by the column's name).
fn table_return(path: &Path, agency: &str) {
    use rust_xlsxwriter::{Format, Formula, Table, TableColumn, TableFunction, Workbook};
    let mut wb = Workbook::new();
    let d = wb.add_worksheet();
    d.set_name("Agency details").unwrap();
    d.write_string(0, 0, "Agency").unwrap();
    d.write_string(0, 1, agency).unwrap();
    d.write_string(1, 0, "Review reference").unwrap();
    d.write_string(1, 1, "LCSPR-2024-03").unwrap();
    let ws = wb.add_worksheet();
    ws.set_name("Chronology").unwrap();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let events = [
        (45000.0, "Health visitor contact at home."),
        (45010.0, "Child A weighed at clinic."),
        (45020.0, "Child A not brought to appointment."),
    ];
    for (i, (serial, details)) in events.iter().enumerate() {
        let r = 1 + i as u32;
        ws.write_number_with_format(r, 0, *serial, &date).unwrap();
        ws.write_string(r, 3, "Health record").unwrap();
        ws.write_string(r, 6, "Contact or visit").unwrap();
        ws.write_string(r, 7, *details).unwrap();
    }
    let columns: Vec<TableColumn> = HEADINGS
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let c = TableColumn::new().set_header(*h);
            match i {
                0 => c.set_total_label("Total"),
                3 => c.set_total_function(TableFunction::CountNumbers),
                7 => c.set_total_function(TableFunction::Custom(
                    Formula::new("SUBTOTAL(103,H2:H4)").set_result("3"),
                )),
                _ => c,
            }
        })
        .collect();
    let table = Table::new().set_total_row(true).set_columns(&columns);
    // Headings in row 1, three events, the total row in row 5.
    ws.add_table(0, 0, 4, 9, &table).unwrap();
    wb.save(path).unwrap();
}

/// The Total row of an Excel Table is skipped and counted, as Excel saves
/// it (cached counts) and as LibreOffice re-saves it (the count by column
/// name becomes `#VALUE!`); its formulas are not reported.
#[test]
fn an_excel_table_total_row_is_skipped() {
    let tmp = tempfile::tempdir().unwrap();
    let excel = tmp.path().join("excel");
    std::fs::create_dir(&excel).unwrap();
    table_return(&excel.join("health.xlsx"), "Community health");
    let made = tmp.path().join("made");
    std::fs::create_dir(&made).unwrap();
    table_return(&made.join("health.xlsx"), "Community health");
    let lo = tmp.path().join("libreoffice");
    let resaved = soffice_convert(&[made.join("health.xlsx")], "xlsx", &lo);
    assert_eq!(resaved[0], lo.join("health.xlsx"));
    let raw = sheet(&resaved[0], "Chronology");
    assert_eq!(text(&raw[4][0]), "Total");
    assert_eq!(raw[4][7], Data::Float(3.0), "{:?}", raw[4]);

    for (dir, shown) in [(&excel, "'Total | 0 | 3'"), (&lo, "'Total | #VALUE! | 3'")] {
        let out = tmp.path().join("merged.xlsx");
        let json = tmp.path().join("merged.json");
        merge(dir, &out, &json).success().code(0);
        let f = findings(&out);
        let skipped = with_code(&f, "row-not-event");
        assert_eq!(skipped.len(), 1, "{f:?}");
        assert_eq!(
            (skipped[0][2].as_str(), skipped[0][3].as_str()),
            ("Chronology", "A5")
        );
        assert!(
            skipped[0][5].contains(&format!("(a totals row): {shown}")),
            "{}",
            skipped[0][5]
        );
        assert!(with_code(&f, "cell-formula").is_empty(), "{f:?}");
        assert!(with_code(&f, "cell-error").is_empty(), "{f:?}");
        assert_eq!(
            returns_line(&out, "health.xlsx"),
            ("merged with warnings".into(), 4.0, 3.0, 0.0, 1.0)
        );
        assert_eq!(chronology_details(&out).len(), 3);
        accounting_holds(&out, &read_json(&json));
    }
}

/// A case system's CSV with an instruction line, a totals line and a
/// footer: `check --json` counts them as skipped and names their cells,
/// and the human line says how many were skipped.
#[test]
fn check_counts_skipped_rows_of_a_csv() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("ed.csv");
    let row = |v: &[&'static str]| {
        let mut r = v.to_vec();
        r.resize(10, "");
        r
    };
    write_csv(
        &p,
        &HEADINGS,
        &[
            row(&["DD/MM/YYYY", "hh:mm (24hr)", "", "e.g. School record"]),
            row(&[
                "05/03/2023",
                "09:00",
                "",
                "School record",
                "Teacher",
                "Child A",
                "Contact or visit",
                "Child A arrived hungry.",
            ]),
            row(&[
                "06/03/2023",
                "",
                "",
                "School record",
                "Teacher",
                "Child A",
                "Contact or visit",
                "Child A absent.",
            ]),
            row(&["Total events", "", "", "", "", "", "", "2"]),
            row(&["", "", "", "", "", "", "", "End of return"]),
        ],
        false,
        false,
    );
    let o = Command::cargo_bin("chronomerge")
        .unwrap()
        .args([
            "check",
            "--json",
            "--today",
            "2026-11-26",
            "--agency",
            "School",
        ])
        .arg(&p)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let j: Value = serde_json::from_slice(&o.stdout).unwrap();
    let s = &j[0]["summary"];
    assert_eq!(
        (
            s["rows_read"].as_u64(),
            s["rows_merged"].as_u64(),
            s["rows_rejected"].as_u64(),
            s["rows_skipped"].as_u64()
        ),
        (Some(5), Some(2), Some(0), Some(3))
    );
    let cells: Vec<(&str, &str)> = j[0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "row-not-event")
        .map(|f| (f["cell"].as_str().unwrap(), f["message"].as_str().unwrap()))
        .collect();
    assert_eq!(cells.len(), 3, "{cells:?}");
    assert_eq!(cells[0].0, "A2");
    assert!(cells[0].1.contains("(an instruction row)"));
    assert_eq!(cells[1].0, "A5");
    assert!(cells[1].1.contains("(a totals row): 'Total events | 2'"));
    assert_eq!(cells[2].0, "H6");
    assert!(cells[2].1.contains("(a footer): 'End of return'"));

    let o = Command::cargo_bin("chronomerge")
        .unwrap()
        .args(["check", "--today", "2026-11-26", "--agency", "School"])
        .arg(&p)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("5 row(s) read, 2 would merge, 0 rejected, 3 skipped (not events)"),
        "{err}"
    );
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("ed.csv › ed › H6: warning row-not-event: skipped: not an event (a footer)"),
        "{out}"
    );
}

/// A return that holds nothing but an instruction row is still an empty
/// chronology.
#[test]
fn a_template_with_only_its_instruction_row_is_empty() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("review");
    std::fs::create_dir(&dir).unwrap();
    ReturnBuilder::new("Probation")
        .row(vec![V::T("dd/mm/yyyy"), V::T("hh:mm")])
        .write_xlsx(&dir.join("probation.xlsx"));
    let out = tmp.path().join("merged.xlsx");
    let json = tmp.path().join("merged.json");
    merge(&dir, &out, &json);
    let f = findings(&out);
    assert_eq!(with_code(&f, "row-not-event").len(), 1);
    assert_eq!(with_code(&f, "chronology-empty").len(), 1);
    assert_eq!(
        returns_line(&out, "probation.xlsx"),
        ("merged with warnings".into(), 1.0, 0.0, 0.0, 1.0)
    );
}

// ---------------------------------------------------------------------
// Dates, times and sequences seen in real returns
// ---------------------------------------------------------------------

/// Serial of a day in the 1900 system.
fn serial(y: i32, m: u32, d: u32) -> f64 {
    let base = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap();
    (chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap() - base).num_days() as f64
}

/// One event a row with the given Date, Time and Sequence cells.
fn dated(date: V, time: V, seq: V, details: &'static str) -> Vec<V> {
    vec![
        date,
        time,
        seq,
        V::T("Ambulance record"),
        V::T("Paramedic"),
        V::T("Child A"),
        V::T("Incident or call-out"),
        V::T(details),
    ]
}

/// What the merged Chronology says of the event with these details:
/// (Date cell, Time cell, Date as written, Date note).
fn chron_row(out: &Path, details: &str) -> (Data, Data, String, String) {
    let rows = sheet(out, "Chronology");
    let c = |h: &str| col(&rows, h);
    let r = rows
        .iter()
        .find(|r| text(&r[c("Details of event")]) == details)
        .unwrap_or_else(|| panic!("no event {details}"));
    (
        r[c("Date")].clone(),
        r[c("Time")].clone(),
        text(&r[c("Date as written")]),
        text(&r[c("Date note")]),
    )
}

fn time_of(d: &Data) -> (u32, u32) {
    let f = match d {
        Data::DateTime(x) => x.as_f64(),
        Data::Float(x) => *x,
        other => panic!("not a time: {other:?}"),
    };
    let mins = (f.fract() * 1440.0).round() as u32;
    (mins / 60, mins % 60)
}

fn day_of(d: &Data) -> f64 {
    match d {
        Data::DateTime(x) => x.as_f64().floor(),
        Data::Float(x) => x.floor(),
        other => panic!("not a date: {other:?}"),
    }
}

fn check_real_dates(out: &Path, json: &Path, file: &str) {
    let f = findings(out);
    // Every row merged; the text serial warned about as a number is.
    assert_eq!(returns_line(out, file).2, 7.0, "{f:?}");
    let serials = with_code(&f, "date-serial-number");
    assert_eq!(serials.len(), 1, "{f:?}");
    assert_eq!(serials[0][3], "A2");
    assert!(serials[0][5].contains("plain number 43529, read as the Excel date 05/03/2019"));
    assert!(with_code(&f, "time-unreadable").is_empty(), "{f:?}");
    assert!(with_code(&f, "sequence-unreadable").is_empty(), "{f:?}");

    let (d, t, written, note) = chron_row(out, "Serial stored as text.");
    assert_eq!(day_of(&d), serial(2019, 3, 5));
    assert_eq!(time_of(&t), (14, 30));
    assert_eq!((written.as_str(), note.as_str()), ("43529", ""));
    let (d, t, written, _) = chron_row(out, "Year month day as text.");
    assert_eq!(day_of(&d), serial(2016, 5, 22));
    assert_eq!(time_of(&t), (14, 30));
    assert_eq!(written, "20160522");
    let (d, t, _, note) = chron_row(out, "Uncertain time.");
    assert_eq!(day_of(&d), serial(2016, 5, 22));
    assert_eq!(time_of(&t), (14, 0));
    assert_eq!(note, "time approximate");

    // `1,5` sorts between 1 and 2 on the same day (no times).
    let order: Vec<String> = chronology_details(out)
        .into_iter()
        .filter(|d| d.starts_with("Same day"))
        .collect();
    assert_eq!(
        order,
        [
            "Same day first.",
            "Same day one and a half.",
            "Same day second."
        ]
    );

    let j = read_json(json);
    let ev = |details: &str| {
        j["events"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["details"] == details)
            .unwrap()
            .clone()
    };
    let u = ev("Uncertain time.");
    assert_eq!(u["time"], "14:00");
    assert_eq!(u["time_approximate"], true);
    assert_eq!(u["approximate"], false);
    assert_eq!(u["date_note"], "time approximate");
    assert_eq!(ev("Year month day as text.")["time_approximate"], false);
    accounting_holds(out, &j);
}

/// The xlsx of an agency whose Date and Time columns are formatted as
/// text (so `43529`, `20160522`, `14h30`, `?14:00` stay as typed) and whose
/// writer puts a decimal comma in Sequence.
#[test]
fn real_dates_times_and_sequences_in_an_xlsx() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("review");
    std::fs::create_dir(&dir).unwrap();
    ReturnBuilder::new("Ambulance service")
        .row(dated(
            V::T("43529"),
            V::T("14:30hrs"),
            V::E,
            "Serial stored as text.",
        ))
        .row(dated(
            V::T("20160522"),
            V::T("14h30"),
            V::E,
            "Year month day as text.",
        ))
        .row(dated(
            V::N(20160522.0),
            V::T("?14:00"),
            V::E,
            "Uncertain time.",
        ))
        .row(dated(
            V::T("01/06/2016"),
            V::E,
            V::T("2"),
            "Same day second.",
        ))
        .row(dated(
            V::T("01/06/2016"),
            V::E,
            V::T("1,5"),
            "Same day one and a half.",
        ))
        .row(dated(
            V::T("01/06/2016"),
            V::E,
            V::N(1.0),
            "Same day first.",
        ))
        .row(dated(
            V::T("02/06/2016"),
            V::T("9h05"),
            V::E,
            "Morning after.",
        ))
        .write_xlsx(&dir.join("ambulance.xlsx"));
    let out = tmp.path().join("merged.xlsx");
    let json = tmp.path().join("merged.json");
    merge(&dir, &out, &json).success();
    check_real_dates(&out, &json, "ambulance.xlsx");
    let (_, t, _, _) = chron_row(&out, "Morning after.");
    assert_eq!(time_of(&t), (9, 5));
}

/// The same habits in a case system's CSV export.
#[test]
fn real_dates_times_and_sequences_in_a_csv() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("review");
    std::fs::create_dir(&dir).unwrap();
    let row = |d: &'static str, t: &'static str, s: &'static str, details: &'static str| {
        vec![
            d,
            t,
            s,
            "Ambulance record",
            "Paramedic",
            "Child A",
            "Incident or call-out",
            details,
            "",
            "",
        ]
    };
    write_csv(
        &dir.join("ambulance.csv"),
        &HEADINGS,
        &[
            row("43529", "14:30hrs", "", "Serial stored as text."),
            row("20160522", "14h30", "", "Year month day as text."),
            row("20160522", "?14:00", "", "Uncertain time."),
            row("01/06/2016", "", "2", "Same day second."),
            row("01/06/2016", "", "1,5", "Same day one and a half."),
            row("01/06/2016", "", "1", "Same day first."),
            row("02/06/2016", "approx 09:05", "", "Morning after."),
        ],
        false,
        false,
    );
    let out = tmp.path().join("merged.xlsx");
    let json = tmp.path().join("merged.json");
    merge(&dir, &out, &json).success();
    check_real_dates(&out, &json, "ambulance.csv");
    let (_, t, _, note) = chron_row(&out, "Morning after.");
    assert_eq!((time_of(&t), note.as_str()), ((9, 5), "time approximate"));
}

// ---------------------------------------------------------------------
// The rule itself, row by row
// ---------------------------------------------------------------------

/// What `not_an_event` says of rows agencies send, template columns in
/// order: skipped only when nothing in the row could be an event's.
#[test]
fn the_not_an_event_rule_is_conservative() {
    use chronomerge::model::{Cell, RawRow};
    use chronomerge::validate::{not_an_event, ColumnMap, NotEvent};
    let mut map = ColumnMap::default();
    for i in 0..10 {
        map.cols[i] = Some(i);
    }
    let header: Vec<Cell> = HEADINGS.iter().map(|h| Cell::Text(h.to_string())).collect();
    let t = |s: &str| {
        if s.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(s.into())
        }
    };
    let at = |cells: Vec<Cell>| not_an_event(&RawRow { row: 9, cells }, &map, &header);
    let texts = |v: &[&str]| v.iter().map(|s| t(s)).collect::<Vec<_>>();
    let details = |s: &str| texts(&["", "", "", "", "", "", "", s]);
    use NotEvent::*;
    let cases: Vec<(Vec<Cell>, Option<NotEvent>)> = vec![
        // Footers, alone on their row.
        (details("End of chronology"), Some(Footer)),
        (texts(&["END OF CHRONOLOGY"]), Some(Footer)),
        (texts(&["-- End --"]), Some(Footer)),
        (
            details("End of the West Yorkshire Police chronology"),
            Some(Footer),
        ),
        (details("No further entries."), Some(Footer)),
        (details("End of return"), Some(Footer)),
        // … but not what could be an event's details.
        (details("End of chronology period review meeting"), None),
        (details("End of chronology for Child A"), None),
        (details("End of chronology 12/03/2024"), None),
        (details("End of term report"), None),
        (details("No further involvement"), None),
        (texts(&["End of chronology", "", "", "Police log"]), None),
        (
            texts(&[
                "05/03/2019",
                "",
                "",
                "Police log",
                "",
                "",
                "",
                "End of chronology",
            ]),
            None,
        ),
        // Totals.
        (
            vec![t("Total"), Cell::Empty, Cell::Number(12.0)],
            Some(Total),
        ),
        (vec![t("Totals")], Some(Total)),
        (
            texts(&["Grand total", "", "", "", "", "", "", "57"]),
            Some(Total),
        ),
        (vec![t("Total"), Cell::Error("#VALUE!".into())], Some(Total)),
        (texts(&["Total", "", "", "Police log"]), None),
        (vec![Cell::Number(2019.0), t("Total")], None),
        (vec![Cell::Number(12.0), t("Total")], None),
        // Headings again, by the sheet's or the template's names.
        (header.clone(), Some(RepeatedHeading)),
        (
            texts(&[
                "Date of event",
                "Time",
                "",
                "Source",
                "",
                "",
                "",
                "Event details",
            ]),
            Some(RepeatedHeading),
        ),
        (texts(&["Date", "Time"]), None),
        (texts(&["Date", "Time", "Sequence", "GP record"]), None),
        // Instruction rows.
        (texts(&["dd/mm/yyyy"]), Some(Instruction)),
        (
            texts(&["Date (dd/mm/yy)", "HH:MM (24hr)"]),
            Some(Instruction),
        ),
        (
            texts(&["", "", "", column_help(Column::Source).message]),
            Some(Instruction),
        ),
        (
            texts(&[
                "DD.MM.YYYY",
                "",
                "1, 2, 3",
                "e.g. GP record",
                "",
                "",
                "Choose from the list",
            ]),
            Some(Instruction),
        ),
        (texts(&["Required", "Optional"]), None),
        (
            texts(&[
                "dd/mm/yyyy",
                "",
                "",
                "",
                "",
                "",
                "",
                "Child A seen at home.",
            ]),
            None,
        ),
        (
            texts(&["", "", "", "GP record", "", "", "", "e.g. a note"]),
            None,
        ),
        // Events, however their dates are written.
        (
            texts(&["March 2019", "", "", "GP record", "", "", "", "Total"]),
            None,
        ),
        (texts(&["c. 2019", "", "", "# Author's note"]), None),
        (texts(&["?22 May 2016"]), None),
        (
            vec![
                Cell::DateTime {
                    serial: 43529.0,
                    duration: false,
                },
                t("Total"),
            ],
            None,
        ),
    ];
    let mut wrong = Vec::new();
    for (cells, want) in cases {
        let got = at(cells.clone());
        if got != want {
            wrong.push(format!("{cells:?}: want {want:?}, got {got:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
