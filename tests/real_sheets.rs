//! Real returns, part 1: how agencies lay out their sheets. A chronology
//! continued on further sheets, merged cells, formulas whose values were
//! never saved, hidden rows and columns. Each return is built with
//! rust_xlsxwriter as an agency's tool would write it, and re-saved by
//! LibreOffice as `.xls` and `.ods` where the habit survives the
//! conversion; the merged workbook is opened with calamine and its
//! Chronology (Origin), Findings (code, sheet, cell) and Returns (counts)
//! are checked.

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use calamine::{Data, DataType};
use common::*;
use rust_xlsxwriter::{Format, Formula, Workbook, Worksheet};

const TODAY: &str = "2026-11-26";

/// Merges a folder; returns the exit code.
fn merge(dir: &Path, out: &Path) -> i32 {
    let o = Command::cargo_bin("chronomerge")
        .unwrap()
        .arg("merge")
        .arg(dir)
        .arg("-o")
        .arg(out)
        .args(["--today", TODAY])
        .output()
        .unwrap();
    assert!(
        out.exists(),
        "merge wrote nothing: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o.status.code().unwrap_or(-1)
}

/// The merged workbook of a folder holding just `file`.
struct Merged {
    chron: Vec<Vec<Data>>,
    findings: Vec<Vec<Data>>,
    returns: Vec<Vec<Data>>,
    code: i32,
}

fn merge_one(file: &Path, work: &Path) -> Merged {
    let dir = work.join(format!(
        "in-{}",
        file.extension().unwrap().to_string_lossy()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(file, dir.join(file.file_name().unwrap())).unwrap();
    let out = work.join(format!(
        "merged-{}.xlsx",
        file.extension().unwrap().to_string_lossy()
    ));
    let code = merge(&dir, &out);
    Merged {
        chron: sheet(&out, "Chronology"),
        findings: sheet(&out, "Findings"),
        returns: sheet(&out, "Returns"),
        code,
    }
}

impl Merged {
    /// (code, sheet, cell, severity) of every finding.
    fn found(&self) -> Vec<(String, String, String, String)> {
        let f = &self.findings;
        let (code, sh, cell, sev) = (
            col(f, "Code"),
            col(f, "Sheet"),
            col(f, "Cell"),
            col(f, "Severity"),
        );
        f[1..]
            .iter()
            .map(|r| (text(&r[code]), text(&r[sh]), text(&r[cell]), text(&r[sev])))
            .collect()
    }

    #[track_caller]
    fn finding(&self, code: &str, sheet: &str, cell: &str) -> String {
        let f = &self.findings;
        let (c, s, x, m) = (
            col(f, "Code"),
            col(f, "Sheet"),
            col(f, "Cell"),
            col(f, "Message"),
        );
        f[1..]
            .iter()
            .find(|r| text(&r[c]) == code && text(&r[s]) == sheet && text(&r[x]) == cell)
            .map(|r| text(&r[m]))
            .unwrap_or_else(|| panic!("no {code} at {sheet} › {cell}: {:#?}", self.found()))
    }

    fn count(&self, code: &str) -> usize {
        self.found().iter().filter(|f| f.0 == code).count()
    }

    /// A column of the merged Chronology, as text, in merged order.
    fn column(&self, heading: &str) -> Vec<String> {
        let c = col(&self.chron, heading);
        self.chron[1..].iter().map(|r| text(&r[c])).collect()
    }

    /// The one Returns row: (status, read, merged, rejected, skipped).
    fn accounts(&self) -> (String, u64, u64, u64, u64) {
        let r = &self.returns;
        assert_eq!(r.len(), 2, "one file");
        let n = |h: &str| r[1][col(r, h)].as_f64().unwrap_or(0.0) as u64;
        let a = (
            text(&r[1][col(r, "Status")]),
            n("Rows read"),
            n("Rows merged"),
            n("Rows rejected"),
            n("Rows skipped"),
        );
        assert_eq!(
            a.1,
            a.2 + a.3 + a.4,
            "rows read = merged + rejected + skipped"
        );
        a
    }
}

fn serial(y: i32, m: u32, d: u32) -> f64 {
    let base = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap();
    (chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap() - base).num_days() as f64
}

fn date_format() -> Format {
    Format::new().set_num_format("dd/mm/yyyy")
}

/// Writes the template's headings in row `r` (0-based).
fn headings(ws: &mut Worksheet, r: u32) {
    for (c, h) in HEADINGS.iter().enumerate() {
        ws.write_string(r, c as u16, *h).unwrap();
    }
}

/// Writes an event in row `r` (0-based): a date cell, source, type, details.
fn event(ws: &mut Worksheet, r: u32, date: (i32, u32, u32), source: &str, details: &str) {
    ws.write_number_with_format(r, 0, serial(date.0, date.1, date.2), &date_format())
        .unwrap();
    ws.write_string(r, 3, source).unwrap();
    ws.write_string(r, 4, "Health visitor").unwrap();
    ws.write_string(r, 6, "Contact or visit").unwrap();
    ws.write_string(r, 7, details).unwrap();
}

/// A workbook with the template's Guidance and Agency details sheets.
fn template_book(agency: &str) -> Workbook {
    let mut wb = Workbook::new();
    let g = wb.add_worksheet();
    g.set_name("Guidance").unwrap();
    g.write_string(0, 0, "Use roles, not names.").unwrap();
    g.write_string(1, 0, "One event a row.").unwrap();
    g.write_string(1, 1, "Dates as dd/mm/yyyy.").unwrap();
    let d = wb.add_worksheet();
    d.set_name("Agency details").unwrap();
    d.write_string(0, 0, "Agency").unwrap();
    d.write_string(0, 1, agency).unwrap();
    d.write_string(1, 0, "Review reference").unwrap();
    d.write_string(1, 1, "LCSPR-2024-03").unwrap();
    wb
}

/// The same file re-saved by LibreOffice as .xls and as .ods.
fn resaved(file: &Path, work: &Path) -> Vec<PathBuf> {
    let mut v = vec![file.to_path_buf()];
    for to in ["xls", "ods"] {
        v.extend(soffice_convert(&[file.to_path_buf()], to, &work.join(to)));
    }
    v
}

/// A chronology split by year over two sheets, continued on a third
/// without headings, beside a list sheet and a notes sheet that are not
/// read. Before, sheets named `Chronology 2022` and `Chronology 2023`
/// rejected the whole file.
fn continued(path: &Path) {
    let mut wb = template_book("Health visiting");
    {
        let ws = wb.add_worksheet();
        ws.set_name("Chronology 2022").unwrap();
        headings(ws, 0);
        event(ws, 1, (2022, 3, 10), "HV record", "EVT-A new birth visit");
        event(ws, 2, (2022, 12, 31), "HV record", "EVT-B home visit");
    }
    {
        let ws = wb.add_worksheet();
        ws.set_name("Chronology 2023").unwrap();
        headings(ws, 0);
        // Same day as EVT-B, no time: it must follow EVT-B (the row's
        // position in the return keeps increasing across sheets).
        event(ws, 1, (2022, 12, 31), "HV record", "EVT-C phone call");
        event(ws, 2, (2023, 2, 5), "HV record", "EVT-D clinic");
    }
    {
        let ws = wb.add_worksheet();
        ws.set_name("Lists").unwrap();
        for (i, t) in ["Contact or visit", "Assessment", "Other"]
            .iter()
            .enumerate()
        {
            ws.write_string(i as u32, 0, *t).unwrap();
        }
    }
    {
        // The continuation: no heading row, the same columns.
        let ws = wb.add_worksheet();
        ws.set_name("Chronology (cont)").unwrap();
        event(ws, 0, (2023, 2, 6), "HV record", "EVT-E visit");
        event(ws, 1, (2023, 2, 7), "HV record", "EVT-F visit");
    }
    {
        let ws = wb.add_worksheet();
        ws.set_name("Notes").unwrap();
        ws.write_string(2, 1, "Who").unwrap();
        ws.write_string(2, 2, "Rang the school about EVT-X")
            .unwrap();
    }
    wb.save(path).unwrap();
}

#[test]
fn a_chronology_continued_on_further_sheets_is_read_in_workbook_order() {
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path();
    let file = work.join("continued.xlsx");
    continued(&file);
    for f in resaved(&file, work) {
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        let m = merge_one(&f, &work.join(f.extension().unwrap()));
        assert_eq!(m.code, 0, "{name}: warnings only: {:#?}", m.found());
        let details = m.column("Details of event");
        assert_eq!(
            details,
            [
                "EVT-A new birth visit",
                "EVT-B home visit",
                "EVT-C phone call",
                "EVT-D clinic",
                "EVT-E visit",
                "EVT-F visit"
            ],
            "{name}"
        );
        let origin = m.column("Origin");
        assert_eq!(
            origin,
            [
                format!("{name} › Chronology 2022 › 2"),
                format!("{name} › Chronology 2022 › 3"),
                format!("{name} › Chronology 2023 › 2"),
                format!("{name} › Chronology 2023 › 3"),
                format!("{name} › Chronology (cont) › 1"),
                format!("{name} › Chronology (cont) › 2"),
            ],
            "{name}"
        );
        m.finding("sheet-renamed", "Chronology 2022", "");
        let msg = m.finding("sheet-continued", "Chronology 2023", "A1");
        assert!(msg.contains("after those of 'Chronology 2022'"), "{msg}");
        let msg = m.finding("sheet-continued-no-headings", "Chronology (cont)", "A1");
        assert!(
            msg.contains("A Date") && msg.contains("H Details of event"),
            "{msg}"
        );
        let msg = m.finding("sheet-not-read", "Notes", "B3");
        assert!(msg.contains("'Notes'"), "{msg}");
        assert_eq!(
            m.count("sheet-not-read"),
            1,
            "the one-column list is not rows"
        );
        assert_eq!(
            m.accounts(),
            ("merged with warnings".to_string(), 6, 6, 0, 0),
            "{name}"
        );
    }
}

/// `Chronology` then a copy of the sheet, `Chronology (2)`, where the
/// agency went on; and a sheet not named as the chronology that has its
/// headings. Before, the second sheet's rows vanished without a word.
#[test]
fn a_second_sheet_with_the_headings_is_merged_not_dropped() {
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path();
    let file = work.join("two sheets.xlsx");
    let mut wb = template_book("Police");
    {
        let ws = wb.add_worksheet();
        ws.set_name("Chronology").unwrap();
        headings(ws, 0);
        event(ws, 1, (2023, 1, 2), "Police log", "EVT-1");
    }
    {
        let ws = wb.add_worksheet();
        ws.set_name("Chronology (2)").unwrap();
        headings(ws, 0);
        event(ws, 1, (2023, 1, 3), "Police log", "EVT-2");
        // A mistake on the second sheet is named on that sheet.
        ws.write_string(2, 3, "Police log").unwrap();
        ws.write_string(2, 7, "EVT-3 with no date").unwrap();
    }
    {
        let ws = wb.add_worksheet();
        ws.set_name("Sheet1").unwrap();
        headings(ws, 2);
        ws.write_string(0, 0, "Extra incidents").unwrap();
        event(ws, 3, (2023, 1, 4), "Police log", "EVT-4");
    }
    wb.save(&file).unwrap();
    for f in resaved(&file, work) {
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        let m = merge_one(&f, &work.join(f.extension().unwrap()));
        assert_eq!(m.code, 1, "{name}: the undated row is an error");
        assert_eq!(m.column("Details of event"), ["EVT-1", "EVT-2", "EVT-4"]);
        assert_eq!(
            m.column("Origin"),
            [
                format!("{name} › Chronology › 2"),
                format!("{name} › Chronology (2) › 2"),
                format!("{name} › Sheet1 › 4"),
            ]
        );
        m.finding("date-missing", "Chronology (2)", "A3");
        m.finding("sheet-continued", "Chronology (2)", "A1");
        m.finding("heading-banner", "Sheet1", "A1");
        // Not named as the chronology: read, and the agency is asked.
        let sev = m
            .found()
            .into_iter()
            .find(|f| f.0 == "sheet-continued" && f.1 == "Sheet1")
            .map(|f| (f.2, f.3));
        assert_eq!(sev, Some(("A3".into(), "warning".into())), "{name}");
        assert_eq!(m.count("sheet-renamed"), 0);
        assert_eq!(
            m.accounts(),
            ("merged with warnings".to_string(), 4, 3, 1, 0),
            "{name}"
        );
    }
}

/// A date merged down over the rows of one day, a source merged down the
/// same way, and a details cell merged across three columns.
fn merged_cells(path: &Path) {
    let mut wb = template_book("GP practice");
    let ws = wb.add_worksheet();
    ws.set_name("Chronology").unwrap();
    headings(ws, 0);
    let df = date_format();
    ws.merge_range(1, 0, 3, 0, "", &df).unwrap();
    ws.write_number_with_format(1, 0, serial(2023, 3, 5), &df)
        .unwrap();
    ws.merge_range(1, 3, 2, 3, "GP record", &Format::new())
        .unwrap();
    ws.write_string(3, 3, "Health visitor record").unwrap();
    for (r, d) in [(1, "EVT-M1"), (2, "EVT-M2"), (3, "EVT-M3")] {
        ws.write_string(r, 6, "Contact or visit").unwrap();
        ws.write_string(r, 7, d).unwrap();
    }
    event(ws, 4, (2023, 3, 6), "GP record", "");
    ws.merge_range(4, 7, 4, 9, "EVT-M4 across three columns", &Format::new())
        .unwrap();
    wb.save(path).unwrap();
}

#[test]
fn a_merged_cell_applies_to_every_row_it_covers() {
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path();
    let file = work.join("merged cells.xlsx");
    merged_cells(&file);
    for f in resaved(&file, work) {
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        let m = merge_one(&f, &work.join(f.extension().unwrap()));
        assert_eq!(m.code, 0, "{name}: {:#?}", m.found());
        assert_eq!(
            m.column("Details of event"),
            ["EVT-M1", "EVT-M2", "EVT-M3", "EVT-M4 across three columns"],
            "{name}"
        );
        let dates = {
            let c = col(&m.chron, "Date");
            m.chron[1..]
                .iter()
                .map(|r| r[c].as_datetime().map(|d| d.date()))
                .collect::<Vec<_>>()
        };
        let d = |day| chrono::NaiveDate::from_ymd_opt(2023, 3, day);
        assert_eq!(dates, [d(5), d(5), d(5), d(6)], "{name}");
        assert_eq!(
            m.column("Source of information"),
            [
                "GP record",
                "GP record",
                "Health visitor record",
                "GP record"
            ],
            "{name}"
        );
        // Across columns: shown once, in its first column.
        assert_eq!(m.column("Action / outcome")[3], "", "{name}");
        let msg = m.finding("cell-merged", "Chronology", "A2:A4");
        assert!(
            msg.starts_with("2 merged cell(s)") && msg.contains("D2:D3"),
            "{name}: {msg}"
        );
        assert_eq!(m.count("date-missing"), 0, "{name}");
        assert_eq!(m.accounts(), ("merged".to_string(), 4, 4, 0, 0), "{name}");
    }
}

/// Formulas written by a script without their values (rust_xlsxwriter's
/// `write_formula` with no result saves a placeholder 0 and asks Excel to
/// calculate on opening; openpyxl saves no value at all).
#[test]
fn a_formula_whose_value_was_not_saved_is_one_finding() {
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path();
    let file = work.join("script.xlsx");
    let mut wb = template_book("Education");
    {
        let ws = wb.add_worksheet();
        ws.set_name("Chronology").unwrap();
        headings(ws, 0);
        // Placeholder 0 in the Date column.
        ws.write_formula(1, 0, "=DATE(2023,3,5)").unwrap();
        ws.write_string(1, 3, "School record").unwrap();
        ws.write_string(1, 6, "Contact or visit").unwrap();
        ws.write_string(1, 7, "EVT-F1").unwrap();
        // No value at all in Details.
        event(ws, 2, (2023, 3, 6), "School record", "");
        ws.write_formula(2, 7, Formula::new("=\"EVT-F2 \"&\"late\"").set_result(""))
            .unwrap();
        // A formula in an optional column, placeholder 0.
        event(ws, 3, (2023, 3, 7), "School record", "EVT-F3");
        ws.write_formula(3, 8, "=\"Letter home\"").unwrap();
        // An ordinary row.
        event(ws, 4, (2023, 3, 8), "School record", "EVT-F4");
    }
    wb.save(&file).unwrap();
    // LibreOffice does not calculate them when it re-saves the file (it
    // trusts a file that says Excel wrote it): the placeholders survive
    // into the .xls and the .ods, the flag that marked them does not.
    for f in resaved(&file, work) {
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        let m = merge_one(&f, &work.join(f.extension().unwrap()));
        assert_eq!(
            m.code, 1,
            "{name}: the rows are rejected, their values are unknown"
        );
        for cell in ["A2", "H3", "I4"] {
            let msg = m.finding("cell-formula-unsaved", "Chronology", cell);
            assert!(
                msg.contains("value was not saved") && msg.contains("save it"),
                "{name}: {msg}"
            );
        }
        // One finding for the cell: no "empty", no "the value it showed".
        let found = m.found();
        for (code, cell) in [
            ("date-missing", "A2"),
            ("date-serial-number", "A2"),
            ("date-unreadable", "A2"),
            ("cell-formula", "A2"),
            ("details-missing", "H3"),
            ("cell-formula", "H3"),
            ("cell-formula", "I4"),
        ] {
            assert!(
                !found.iter().any(|f| f.0 == code && f.2 == cell),
                "{name}: {code} at {cell}: {found:#?}"
            );
        }
        assert_eq!(m.count("cell-formula-unsaved"), 3, "{name}");
        assert_eq!(m.column("Details of event"), ["EVT-F4"], "{name}");
        assert_eq!(
            m.accounts(),
            ("merged with warnings".to_string(), 4, 1, 3, 0),
            "{name}"
        );
    }
}

/// Rows hidden by hand, a filtered-out row and a hidden column with
/// content: all read, and named.
#[test]
fn hidden_rows_and_columns_are_merged_and_named() {
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path();
    let file = work.join("hidden.xlsx");
    let mut wb = template_book("Children's social care");
    {
        let ws = wb.add_worksheet();
        ws.set_name("Chronology").unwrap();
        headings(ws, 0);
        for i in 0..6u32 {
            event(
                ws,
                1 + i,
                (2023, 4, 1 + i),
                "CSC record",
                &format!("EVT-H{i}"),
            );
        }
        ws.write_string(2, 9, "Analysis on a hidden column")
            .unwrap();
        ws.set_row_hidden(2).unwrap();
        ws.set_row_hidden(3).unwrap();
        ws.set_row_hidden(5).unwrap();
        // A hidden empty row is not named.
        ws.set_row_hidden(20).unwrap();
        ws.set_column_hidden(9).unwrap();
        // A hidden column with nothing in it is not named either.
        ws.set_column_hidden(12).unwrap();
    }
    wb.save(&file).unwrap();
    for f in resaved(&file, work) {
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        let m = merge_one(&f, &work.join(f.extension().unwrap()));
        assert_eq!(m.code, 0, "{name}: {:#?}", m.found());
        assert_eq!(m.column("Details of event").len(), 6, "{name}");
        let c = col(&m.chron, "Analysis / comment");
        assert!(
            m.chron
                .iter()
                .any(|r| text(&r[c]) == "Analysis on a hidden column"),
            "{name}"
        );
        let msg = m.finding("rows-hidden", "Chronology", "A3");
        assert!(msg.contains("(rows 3–4, 6)"), "{name}: {msg}");
        let msg = m.finding("columns-hidden", "Chronology", "J1");
        assert!(
            msg.contains("J 'Analysis / comment'") && !msg.contains("M"),
            "{name}: {msg}"
        );
        assert_eq!(
            m.accounts(),
            ("merged".to_string(), 6, 6, 0, 0),
            "{name}: info findings only"
        );
    }
}
