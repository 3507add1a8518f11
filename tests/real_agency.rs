//! One agency, one return (issue 16, part 4): a corrected return beside
//! the old one, two parts of one agency's return, one agency under two
//! names, and the `[returns]` overrides of review.toml both ways. Each
//! folder is merged by the binary and the workbook read back with
//! calamine; `check` on the folder must say the same.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use assert_cmd::Command;
use calamine::Data;
use common::*;
use rust_xlsxwriter::{Format, Workbook};
use serde_json::Value;

const TODAY: &str = "2026-11-26";

/// One row of a test return: date (a date cell, or text as typed), time,
/// source, event type, details.
struct Row {
    date: V,
    time: Option<(u32, u32)>,
    source: &'static str,
    etype: &'static str,
    details: &'static str,
}

fn row(date: V, etype: &'static str, details: &'static str) -> Row {
    Row {
        date,
        time: None,
        source: "Police incident log",
        etype,
        details,
    }
}

fn serial(y: i32, m: u32, d: u32) -> f64 {
    let base = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap();
    (chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap() - base).num_days() as f64
}

/// Writes a return as the template shapes it, with `Date completed` (a
/// date cell) when given.
fn write_return(path: &Path, agency: &str, completed: Option<(i32, u32, u32)>, rows: &[Row]) {
    let mut wb = Workbook::new();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let time = Format::new().set_num_format("hh:mm");
    wb.add_worksheet()
        .set_name("Guidance")
        .unwrap()
        .write_string(0, 0, "Use roles, not names.")
        .unwrap();
    let d = wb.add_worksheet();
    d.set_name("Agency details").unwrap();
    d.write_string(0, 0, "Agency").unwrap();
    d.write_string(0, 1, agency).unwrap();
    d.write_string(1, 0, "Review reference").unwrap();
    d.write_string(1, 1, "LCSPR-2024-03").unwrap();
    d.write_string(2, 0, "Completed by (role)").unwrap();
    d.write_string(2, 1, "Safeguarding lead").unwrap();
    d.write_string(3, 0, "Date completed").unwrap();
    if let Some((y, m, dd)) = completed {
        d.write_number_with_format(3, 1, serial(y, m, dd), &date)
            .unwrap();
    }
    let ws = wb.add_worksheet();
    ws.set_name("Chronology").unwrap();
    for (c, h) in HEADINGS.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (i, r) in rows.iter().enumerate() {
        let n = i as u32 + 1;
        match &r.date {
            V::D(y, m, dd) => {
                ws.write_number_with_format(n, 0, serial(*y, *m, *dd), &date)
                    .unwrap();
            }
            V::T(s) => {
                ws.write_string(n, 0, *s).unwrap();
            }
            other => panic!("date {other:?}"),
        }
        if let Some((h, m)) = r.time {
            ws.write_number_with_format(n, 1, (h * 60 + m) as f64 / 1440.0, &time)
                .unwrap();
        }
        ws.write_string(n, 3, r.source).unwrap();
        ws.write_string(n, 4, "Response officer").unwrap();
        ws.write_string(n, 5, "Child A").unwrap();
        if !r.etype.is_empty() {
            ws.write_string(n, 6, r.etype).unwrap();
        }
        ws.write_string(n, 7, r.details).unwrap();
    }
    wb.save(path).unwrap();
}

/// Sets a file's modification time to `secs_ago` seconds before now.
fn touch(path: &Path, secs_ago: u64) {
    let f = std::fs::File::options().write(true).open(path).unwrap();
    f.set_modified(SystemTime::now() - Duration::from_secs(secs_ago))
        .unwrap();
}

/// Merges `dir` into `dir/../out.xlsx`; returns the workbook's path.
/// (The exit code is 1 when a return has errors: the workbook is written
/// all the same.)
fn merge(dir: &Path) -> PathBuf {
    let out = dir.parent().unwrap().join("out.xlsx");
    let _ = std::fs::remove_file(&out);
    let o = Command::cargo_bin("chronomerge")
        .unwrap()
        .arg("merge")
        .arg(dir)
        .arg("-o")
        .arg(&out)
        .args(["--today", TODAY])
        .output()
        .unwrap();
    assert!(
        matches!(o.status.code(), Some(0 | 1)) && out.is_file(),
        "merge failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    out
}

/// `check --json` on a folder.
fn check(dir: &Path) -> Vec<Value> {
    let out = Command::cargo_bin("chronomerge")
        .unwrap()
        .arg("check")
        .arg(dir)
        .args(["--json", "--today", TODAY])
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("no JSON ({e}): {}", String::from_utf8_lossy(&out.stderr)))
}

/// The `Returns` line of a file, as heading → cell text.
fn returns_line(out: &Path, file: &str) -> std::collections::HashMap<String, String> {
    let rows = sheet(out, "Returns");
    let f = col(&rows, "File");
    let r = rows
        .iter()
        .find(|r| text(&r[f]) == file)
        .unwrap_or_else(|| panic!("{file} not on Returns"));
    rows[0].iter().map(text).zip(r.iter().map(text)).collect()
}

/// rows read = merged + rejected + skipped, on every line of Returns.
fn accounting_holds(out: &Path) {
    let rows = sheet(out, "Returns");
    let n = |r: &[Data], h: &str| match &r[col(&rows, h)] {
        Data::Float(x) => *x as u64,
        Data::Int(x) => *x as u64,
        other => panic!("{h}: {other:?}"),
    };
    for r in &rows[1..] {
        assert_eq!(
            n(r, "Rows read"),
            n(r, "Rows merged") + n(r, "Rows rejected") + n(r, "Rows skipped"),
            "{r:?}"
        );
    }
}

/// (file, severity, code, sheet, cell) of every finding.
fn findings(out: &Path) -> Vec<(String, String, String, String, String, String)> {
    let rows = sheet(out, "Findings");
    let c = |h: &str| col(&rows, h);
    let (file, sev, code, sh, cell, msg) = (
        c("File"),
        c("Severity"),
        c("Code"),
        c("Sheet"),
        c("Cell"),
        c("Message"),
    );
    rows[1..]
        .iter()
        .map(|r| {
            (
                text(&r[file]),
                text(&r[sev]),
                text(&r[code]),
                text(&r[sh]),
                text(&r[cell]),
                text(&r[msg]),
            )
        })
        .collect()
}

/// (origin file, details) of every Chronology row.
fn chronology(out: &Path) -> Vec<(String, String)> {
    let rows = sheet(out, "Chronology");
    let (o, d) = (col(&rows, "Origin"), col(&rows, "Details of event"));
    rows[1..]
        .iter()
        .filter(|r| !text(&r[d]).is_empty())
        .map(|r| {
            let origin = text(&r[o]);
            let file = origin.split(" › ").next().unwrap().to_string();
            (file, text(&r[d]))
        })
        .collect()
}

const OLD: &str = "Police.xlsx";
const NEW: &str = "Police - corrected v2.xlsx";

/// The old return and its correction: one row fixed (its event type was
/// blank), one removed, one added; a row with a date that does not exist
/// is in both.
fn corrected_pair(dir: &Path, staging: &Path) {
    let wyp = "West Yorkshire Police";
    write_return(
        &dir.join(OLD),
        wyp,
        Some((2024, 2, 1)),
        &[
            row(
                V::D(2023, 1, 10),
                "Incident or call-out",
                "Domestic incident reported by a neighbour.",
            ),
            row(
                V::D(2023, 2, 15),
                "Contact or visit",
                "Welfare check at the flat; Child A asleep.",
            ),
            row(V::D(2023, 3, 3), "", "Strategy discussion with CSC."),
            row(
                V::D(2023, 3, 20),
                "Incident or call-out",
                "Call-out; Mother's partner arrested.",
            ),
            row(
                V::T("31/02/2023"),
                "Incident or call-out",
                "Report of shouting.",
            ),
            row(
                V::D(2023, 4, 5),
                "Information shared",
                "PPN submitted to CSC.",
            ),
        ],
    );
    // The agency opened its return, corrected it and saved it again:
    // written, then re-saved by LibreOffice under the new name.
    std::fs::create_dir_all(staging).unwrap();
    let draft = staging.join(NEW);
    write_return(
        &draft,
        wyp,
        Some((2024, 3, 12)),
        &[
            row(
                V::D(2023, 1, 10),
                "Incident or call-out",
                "Domestic incident reported by a neighbour.",
            ),
            row(
                V::D(2023, 2, 15),
                "Contact or visit",
                "Welfare check at the flat; Child A asleep.",
            ),
            row(
                V::D(2023, 3, 3),
                "Strategy discussion or meeting",
                "Strategy discussion with CSC.",
            ),
            row(
                V::T("31/02/2023"),
                "Incident or call-out",
                "Report of shouting.",
            ),
            row(
                V::D(2023, 4, 5),
                "Information shared",
                "PPN submitted to CSC.",
            ),
            row(
                V::D(2023, 4, 12),
                "Incident or call-out",
                "Mother's partner arrested for breach of bail.",
            ),
        ],
    );
    let saved = soffice_convert(&[draft], "xlsx", dir);
    assert_eq!(saved[0], dir.join(NEW));
    // The file times say the old one is newer: the Date completed decides.
    touch(&dir.join(NEW), 3600);
    touch(&dir.join(OLD), 60);
}

#[test]
fn a_corrected_return_supersedes_the_old_one() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("review");
    std::fs::create_dir(&dir).unwrap();
    corrected_pair(&dir, &tmp.path().join("staging"));
    let out = merge(&dir);
    accounting_holds(&out);

    let old = returns_line(&out, OLD);
    assert_eq!(old["Status"], "superseded");
    assert_eq!(old["Agency"], "West Yorkshire Police");
    assert_eq!(
        [
            &old["Rows read"],
            &old["Rows merged"],
            &old["Rows rejected"],
            &old["Rows skipped"]
        ],
        ["6", "0", "0", "6"]
    );
    let note = &old["Note"];
    assert!(
        note.starts_with(&format!("superseded by '{NEW}'")),
        "{note}"
    );
    assert!(
        note.contains("Date completed 12/03/2024 is later than this one's 01/02/2024"),
        "{note}"
    );
    assert!(
        note.contains("1 row added, 1 changed and 1 removed"),
        "{note}"
    );
    let new = returns_line(&out, NEW);
    assert_eq!(new["Status"], "merged with warnings");
    assert_eq!(
        [
            &new["Rows read"],
            &new["Rows merged"],
            &new["Rows rejected"],
            &new["Rows skipped"]
        ],
        ["6", "5", "1", "0"]
    );
    assert!(new["Note"].contains(&format!("replaces '{OLD}'")));

    // The old file's findings are not listed (its blank event type, its
    // impossible date): one info finding says why. The impossible date
    // still in the new file is listed under the new file's cell.
    let f = findings(&out);
    let of_old: Vec<_> = f.iter().filter(|x| x.0 == OLD).collect();
    assert_eq!(of_old.len(), 1, "{of_old:?}");
    assert_eq!(
        (of_old[0].1.as_str(), of_old[0].2.as_str()),
        ("info", "return-superseded")
    );
    assert!(
        of_old[0].5.contains("2 findings are not listed"),
        "{:?}",
        of_old[0]
    );
    assert!(f
        .iter()
        .any(|x| x.0 == NEW && x.2 == "date-invalid" && x.3 == "Chronology" && x.4 == "A5"));
    assert!(!f
        .iter()
        .any(|x| x.2 == "event-type-missing" || x.2 == "agency-duplicate"));

    // The Chronology: the new return's five events, none twice, nothing
    // of the old file (its removed event is gone).
    let events = chronology(&out);
    assert_eq!(events.len(), 5, "{events:?}");
    assert!(events.iter().all(|(file, _)| file == NEW), "{events:?}");
    let mut details: Vec<&str> = events.iter().map(|e| e.1.as_str()).collect();
    details.sort();
    details.dedup();
    assert_eq!(details.len(), 5);
    assert!(!details.contains(&"Call-out; Mother's partner arrested."));

    // `check` on the folder says the same.
    let json = check(&dir);
    let of = |file: &str| {
        json.iter()
            .find(|e| e["summary"]["file"] == file)
            .unwrap_or_else(|| panic!("{file}"))
    };
    assert_eq!(of(OLD)["summary"]["status"], "superseded");
    assert_eq!(of(OLD)["summary"]["rows_skipped"], 6);
    let codes: Vec<&str> = of(OLD)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["return-superseded"]);
    assert_eq!(of(NEW)["summary"]["rows_merged"], 5);
}

#[test]
fn review_toml_can_keep_a_corrected_pair_as_parts() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("review");
    std::fs::create_dir(&dir).unwrap();
    corrected_pair(&dir, &tmp.path().join("staging"));
    std::fs::write(
        dir.join("review.toml"),
        format!("[returns]\nparts = [[\"{OLD}\", \"{NEW}\"]]\n"),
    )
    .unwrap();
    let out = merge(&dir);
    accounting_holds(&out);
    let old = returns_line(&out, OLD);
    assert_eq!(old["Status"], "merged with warnings");
    assert_eq!(old["Rows merged"], "5");
    let f = findings(&out);
    let part: Vec<_> = f.iter().filter(|x| x.2 == "return-part").collect();
    assert_eq!(part.len(), 1, "{f:?}");
    assert_eq!((part[0].0.as_str(), part[0].1.as_str()), (OLD, "info"));
    assert!(part[0].5.contains("[returns] parts"), "{}", part[0].5);
    // The old file's own findings are back.
    assert!(f.iter().any(|x| x.0 == OLD && x.2 == "event-type-missing"));
    assert_eq!(chronology(&out).len(), 10);
    // A file named in review.toml that is not in the folder is said.
    std::fs::write(
        dir.join("review.toml"),
        "[returns]\nsupersedes = { \"Police v3.xlsx\" = [\"Police.xlsx\"] }\n",
    )
    .unwrap();
    let out = merge(&dir);
    let f = findings(&out);
    assert!(
        f.iter().any(|x| x.0 == "review.toml"
            && x.1 == "warning"
            && x.2 == "returns-override-unused"
            && x.5.contains("Police v3.xlsx")),
        "{f:?}"
    );
    // …and the engine's own decision stands.
    assert_eq!(returns_line(&out, OLD)["Status"], "superseded");
    // An unknown key in [returns] is an error that names it.
    std::fs::write(
        dir.join("review.toml"),
        "[returns]\nreplaces = { \"a.xlsx\" = [\"b.xlsx\"] }\n",
    )
    .unwrap();
    let o = Command::cargo_bin("chronomerge")
        .unwrap()
        .arg("merge")
        .arg(&dir)
        .arg("-o")
        .arg(tmp.path().join("x.xlsx"))
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("replaces"));
}

const LOG: &str = "Police incident log.xlsx";
const PPU: &str = "Police - PPU log.xlsx";

/// An incident log and a unit's log of one agency: one event in both.
fn two_parts(dir: &Path) {
    let wyp = "West Yorkshire Police";
    write_return(
        &dir.join(LOG),
        wyp,
        None,
        &[
            row(
                V::D(2023, 1, 10),
                "Incident or call-out",
                "Domestic incident reported by a neighbour.",
            ),
            row(
                V::D(2023, 2, 15),
                "Contact or visit",
                "Welfare check at the flat; Child A asleep.",
            ),
            row(
                V::D(2023, 3, 20),
                "Incident or call-out",
                "Call-out; Mother's partner arrested.",
            ),
            row(
                V::D(2023, 5, 2),
                "Incident or call-out",
                "Call-out to the flat; no answer.",
            ),
        ],
    );
    let ppu = |date, etype, details| Row {
        date,
        time: Some((10, 0)),
        source: "PPU case file",
        etype,
        details,
    };
    write_return(
        &dir.join(PPU),
        wyp,
        None,
        &[
            ppu(
                V::D(2023, 1, 12),
                "Referral received",
                "Referral from the response team after the domestic incident.",
            ),
            ppu(
                V::D(2023, 1, 20),
                "Assessment",
                "DASH risk assessment with Mother: medium risk.",
            ),
            Row {
                time: None,
                source: "Police incident log",
                ..ppu(
                    V::D(2023, 3, 20),
                    "Incident or call-out",
                    "Call-out; Mother's partner arrested.",
                )
            },
            ppu(
                V::D(2023, 4, 2),
                "Multi-agency meeting",
                "MARAC: safety plan agreed with Mother.",
            ),
        ],
    );
    // No Date completed on either: the file times decide (the unit's log
    // is the newer, though its name sorts first).
    touch(&dir.join(LOG), 7200);
    touch(&dir.join(PPU), 60);
}

#[test]
fn two_parts_of_one_agencys_return_are_both_merged() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("review");
    std::fs::create_dir(&dir).unwrap();
    two_parts(&dir);
    let out = merge(&dir);
    accounting_holds(&out);
    for file in [LOG, PPU] {
        let r = returns_line(&out, file);
        assert_eq!(r["Status"], "merged", "{file}");
        assert_eq!(r["Rows merged"], "4", "{file}");
    }
    assert_eq!(chronology(&out).len(), 8);
    let f = findings(&out);
    let part: Vec<_> = f.iter().filter(|x| x.2 == "return-part").collect();
    assert_eq!(part.len(), 1, "{f:?}");
    assert_eq!((part[0].0.as_str(), part[0].1.as_str()), (LOG, "info"));
    let msg = &part[0].5;
    assert!(
        msg.contains("1 of this return's 4 events are in it"),
        "{msg}"
    );
    assert!(!f.iter().any(|x| x.1 != "info"), "{f:?}");
    let agencies = sheet(&out, "Agencies");
    assert_eq!(agencies.len(), 2, "one agency: {agencies:?}");

    // `check` says the same.
    let json = check(&dir);
    let log = json.iter().find(|e| e["summary"]["file"] == LOG).unwrap();
    assert_eq!(log["summary"]["status"], "merged");
    assert_eq!(log["findings"][0]["code"], "return-part");

    // The line the finding suggests, pasted into review.toml, makes the
    // unit's log replace the incident log.
    let at = msg.find("supersedes = ").expect("a line to paste");
    let line = &msg[at..];
    assert_eq!(line, format!("supersedes = {{ \"{PPU}\" = [\"{LOG}\"] }}"));
    std::fs::write(dir.join("review.toml"), format!("[returns]\n{line}\n")).unwrap();
    let out = merge(&dir);
    accounting_holds(&out);
    let log = returns_line(&out, LOG);
    assert_eq!(log["Status"], "superseded");
    assert!(
        log["Note"].contains("review.toml says so"),
        "{}",
        log["Note"]
    );
    assert!(
        log["Note"].contains("3 rows added, 0 changed and 3 removed"),
        "{}",
        log["Note"]
    );
    assert_eq!(log["Rows skipped"], "4");
    let events = chronology(&out);
    assert_eq!(events.len(), 4);
    assert!(events.iter().all(|e| e.0 == PPU));
    let f = findings(&out);
    assert!(f
        .iter()
        .any(|x| x.0 == LOG && x.1 == "info" && x.2 == "return-superseded"));
}

/// A dense week of serious events from Kirklees Police, the same force's
/// Kirklees district under another name, and `others`.
fn kirklees(dir: &Path, others: &[(&str, &'static str)]) {
    let ev = |d: u32, etype: &'static str, details: &'static str| Row {
        date: V::D(2023, 5, d),
        time: None,
        source: "Police incident log",
        etype,
        details,
    };
    write_return(
        &dir.join("kirklees.xlsx"),
        "Kirklees Police",
        None,
        &[
            ev(
                2,
                "Incident or call-out",
                "Domestic abuse incident: Mother assaulted by her partner, Child A present.",
            ),
            ev(
                4,
                "Incident or call-out",
                "Call-out: partner breached bail; arrested for assault.",
            ),
            ev(
                6,
                "Strategy discussion or meeting",
                "Strategy discussion: section 47 enquiry agreed.",
            ),
        ],
    );
    write_return(
        &dir.join("wyp-kirklees.xlsx"),
        "West Yorkshire Police - Kirklees",
        None,
        &[
            ev(
                3,
                "Injury or medical attention",
                "Child A seen with bruising to the face after the assault; police protection considered.",
            ),
            ev(
                5,
                "Incident or call-out",
                "Second domestic abuse call-out in a week; Mother injured.",
            ),
            ev(
                7,
                "Referral made",
                "Referral to children's social care: risk of significant harm.",
            ),
        ],
    );
    for (i, (agency, source)) in others.iter().enumerate() {
        let evs: Vec<Row> = [
            (
                3,
                "Hospital attendance or admission",
                "Child A brought to the emergency department with a head injury.",
            ),
            (
                5,
                "Child protection conference or core group",
                "Initial child protection conference: child protection plan, category physical abuse.",
            ),
        ]
        .into_iter()
        .map(|(d, etype, details)| Row {
            source,
            ..ev(d, etype, details)
        })
        .collect();
        write_return(&dir.join(format!("other-{i}.xlsx")), agency, None, &evs);
    }
}

/// The `Why it was flagged` of every episode.
fn episode_reasons(out: &Path) -> Vec<(String, String)> {
    let rows = sheet(out, "Key practice episodes");
    let (e, a, w) = (
        col(&rows, "Episode"),
        col(&rows, "Agencies"),
        col(&rows, "Why it was flagged"),
    );
    rows[1..]
        .iter()
        .filter(|r| text(&r[e]).starts_with("KPE "))
        .map(|r| (text(&r[a]), text(&r[w])))
        .collect()
}

#[test]
fn two_close_agency_names_count_as_one_agency_until_aliased() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("review");
    std::fs::create_dir(&dir).unwrap();
    kirklees(&dir, &[]);
    let out = merge(&dir);
    // The two names are one agency in the count: no episode needs two.
    assert!(
        episode_reasons(&out).is_empty(),
        "{:?}",
        episode_reasons(&out)
    );
    let f = findings(&out);
    let close: Vec<_> = f.iter().filter(|x| x.2 == "agency-names-close").collect();
    assert_eq!(close.len(), 1, "{f:?}");
    let c = close[0];
    assert_eq!(
        (c.0.as_str(), c.1.as_str(), c.3.as_str(), c.4.as_str()),
        ("wyp-kirklees.xlsx", "warning", "Agency details", "B1")
    );
    assert!(
        c.5.contains(
            "add to review.toml an [[agencies]] entry name = \"Kirklees Police\" with the line aliases = [\"West Yorkshire Police - Kirklees\"]"
        ),
        "{}",
        c.5
    );
    assert_eq!(
        returns_line(&out, "wyp-kirklees.xlsx")["Status"],
        "merged with warnings"
    );

    // The reviewer says they are two agencies: the same events make an
    // episode of two agencies, and nothing is warned.
    std::fs::write(
        dir.join("review.toml"),
        "[[agencies]]\nname = \"Kirklees Police\"\n[[agencies]]\nname = \"West Yorkshire Police - Kirklees\"\n",
    )
    .unwrap();
    let out = merge(&dir);
    let eps = episode_reasons(&out);
    assert_eq!(eps.len(), 1, "{eps:?}");
    assert!(eps[0].1.starts_with("2 agencies in "), "{eps:?}");
    assert!(!findings(&out).iter().any(|x| x.2 == "agency-names-close"));

    // The alias line suggested: one agency, under the one name.
    std::fs::write(
        dir.join("review.toml"),
        "[[agencies]]\nname = \"Kirklees Police\"\naliases = [\"West Yorkshire Police - Kirklees\"]\n",
    )
    .unwrap();
    let out = merge(&dir);
    assert!(episode_reasons(&out).is_empty());
    assert_eq!(sheet(&out, "Agencies").len(), 2);
    assert!(!findings(&out).iter().any(|x| x.2 == "agency-names-close"));
}

#[test]
fn close_names_in_an_episode_with_others_count_once() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("review");
    std::fs::create_dir(&dir).unwrap();
    // West Yorkshire Fire is not close to West Yorkshire Police, nor to
    // Kirklees Police: another agency.
    kirklees(
        &dir,
        &[
            ("Calderdale and Huddersfield NHS Trust", "ED record"),
            ("West Yorkshire Fire", "Fire service log"),
        ],
    );
    let out = merge(&dir);
    let eps = episode_reasons(&out);
    assert_eq!(eps.len(), 1, "{eps:?}");
    let (names, why) = &eps[0];
    // Four names listed, three agencies counted.
    for n in [
        "Kirklees Police",
        "West Yorkshire Police - Kirklees",
        "West Yorkshire Fire",
        "Calderdale and Huddersfield NHS Trust",
    ] {
        assert!(names.contains(n), "{names}");
    }
    assert!(why.starts_with("3 agencies in "), "{why}");
    assert!(
        why.contains(
            "'Kirklees Police' and 'West Yorkshire Police - Kirklees' counted as one agency"
        ),
        "{why}"
    );
    let close: Vec<_> = findings(&out)
        .into_iter()
        .filter(|x| x.2 == "agency-names-close")
        .collect();
    assert_eq!(close.len(), 1, "{close:?}");
}
