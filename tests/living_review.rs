//! The life of a review: merge, the reviewer's notes typed into the
//! workbook, corrected and new returns, merged again. Every note stays on
//! its event (or goes on the `Reviewer notes not placed` sheet), Refs of
//! unchanged events stay the same, a Ref is never given twice, the old
//! workbook is kept in `previous/`, and a workbook that cannot be read is
//! never written over.

mod common;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use calamine::{Data, Reader};
use common::*;

const NOT_PLACED: &str = "Reviewer notes not placed";

fn merge(dir: &Path) -> assert_cmd::assert::Assert {
    Command::cargo_bin("chronomerge")
        .unwrap()
        .arg("merge")
        .arg(dir)
        .args(["--today", "2026-11-26"])
        .assert()
}

fn stdout(a: assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stdout).into_owned()
}

fn stderr(a: assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stderr).into_owned()
}

/// The default workbook of a review folder.
fn out(dir: &Path) -> PathBuf {
    dir.join("merged-chronology.xlsx")
}

/// Each event's Ref by its details (first part).
fn refs(path: &Path) -> BTreeMap<String, String> {
    let rows = sheet(path, "Chronology");
    let (r, d) = (col(&rows, "Ref"), col(&rows, "Details of event"));
    rows[1..]
        .iter()
        .map(|row| (text(&row[d]), text(&row[r])))
        .collect()
}

/// The reviewer columns of each event, by details: (Ref, notes, KPE).
fn reviewer(path: &Path) -> BTreeMap<String, (String, String, String)> {
    let rows = sheet(path, "Chronology");
    let (r, d) = (col(&rows, "Ref"), col(&rows, "Details of event"));
    let (n, k) = (col(&rows, "Reviewer notes"), col(&rows, "Reviewer KPE"));
    rows[1..]
        .iter()
        .map(|row| (text(&row[d]), (text(&row[r]), text(&row[n]), text(&row[k]))))
        .collect()
}

/// The rows of the not-placed sheet, by heading.
fn not_placed(path: &Path) -> Vec<HashMap<String, String>> {
    if !sheet_names(path).iter().any(|n| n == NOT_PLACED) {
        return vec![];
    }
    let rows = sheet(path, NOT_PLACED);
    let heads: Vec<String> = rows[0].iter().map(text).collect();
    rows[1..]
        .iter()
        .map(|r| {
            heads
                .iter()
                .cloned()
                .zip(r.iter().map(text).chain(std::iter::repeat(String::new())))
                .collect()
        })
        .collect()
}

/// Saves the workbook again as a reviewer's spreadsheet program would:
/// every sheet's cells rewritten, with `notes` (Ref → note, KPE) typed in
/// the reviewer columns and, when given, a row of the reviewer's own
/// (details, note) added at the end of the Chronology.
fn type_notes(path: &Path, notes: &[(&str, &str, &str)], own: Option<(&str, &str)>) {
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(path).unwrap();
    let names = wb.sheet_names();
    let mut sheets = Vec::new();
    for n in &names {
        sheets.push((n.clone(), wb.worksheet_range(n).unwrap()));
    }
    drop(wb);
    let mut out = rust_xlsxwriter::Workbook::new();
    let date = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
    for (name, range) in sheets {
        let ws = out.add_worksheet();
        ws.set_name(&name).unwrap();
        let rows: Vec<Vec<Data>> = range.rows().map(|r| r.to_vec()).collect();
        let (start_r, start_c) = range.start().unwrap_or((0, 0));
        for (i, row) in rows.iter().enumerate() {
            for (j, cell) in row.iter().enumerate() {
                let (r, c) = (start_r + i as u32, (start_c + j as u32) as u16);
                match cell {
                    Data::String(s) => {
                        ws.write_string(r, c, s).unwrap();
                    }
                    Data::Float(f) => {
                        ws.write_number(r, c, *f).unwrap();
                    }
                    Data::Int(n) => {
                        ws.write_number(r, c, *n as f64).unwrap();
                    }
                    Data::DateTime(d) => {
                        ws.write_number_with_format(r, c, d.as_f64(), &date)
                            .unwrap();
                    }
                    Data::Empty => {}
                    other => {
                        ws.write_string(r, c, other.to_string()).unwrap();
                    }
                }
            }
        }
        if name == "Chronology" {
            let (rf, nc, kc, dc) = (
                col(&rows, "Ref"),
                col(&rows, "Reviewer notes"),
                col(&rows, "Reviewer KPE"),
                col(&rows, "Details of event"),
            );
            let off = |c: usize| (start_c as usize + c) as u16;
            for (i, row) in rows.iter().enumerate().skip(1) {
                let r = start_r + i as u32;
                if let Some((_, note, kpe)) = notes.iter().find(|(x, _, _)| *x == text(&row[rf])) {
                    ws.write_string(r, off(nc), *note).unwrap();
                    if !kpe.is_empty() {
                        ws.write_string(r, off(kc), *kpe).unwrap();
                    }
                }
            }
            if let Some((details, note)) = own {
                let r = start_r + rows.len() as u32;
                ws.write_string(r, off(dc), details).unwrap();
                ws.write_string(r, off(nc), note).unwrap();
            }
        }
    }
    out.save(path).unwrap();
}

/// The police return as first sent, and its corrected version.
fn police(corrected: bool) -> ReturnBuilder {
    let b = ReturnBuilder::new("West Yorkshire Police");
    if !corrected {
        b.event(
            V::D(2023, 5, 3),
            "Police incident log",
            "Incident or call-out",
            "Call-out to the family home after a neighbour heard shouting.",
        )
        .event(
            V::D(2023, 5, 4),
            "Police incident log",
            "Incident or call-out",
            "Second call-out; Child A present and upset.",
        )
    } else {
        // One detail reworded, the second row withdrawn, one new row.
        b.event(
            V::D(2023, 5, 3),
            "Police incident log",
            "Incident or call-out",
            "Call-out to the family home after a neighbour heard shouting at night.",
        )
        .event(
            V::D(2023, 7, 1),
            "Police welfare check",
            "Home visit",
            "Welfare check on Child A at the grandmother's address.",
        )
    }
}

fn gp() -> ReturnBuilder {
    ReturnBuilder::new("GP practice")
        .event(
            V::D(2023, 5, 4),
            "GP record",
            "Appointment attended",
            "Child A seen with bruising to the arm.",
        )
        .event(
            V::D(2023, 6, 1),
            "GP record",
            "Appointment attended",
            "Child A seen again for a follow-up.",
        )
}

fn review(root: &Path) -> PathBuf {
    let dir = root.join("review");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("review.toml"), SMALL_REVIEW_TOML).unwrap();
    police(false).write_xlsx(&dir.join("police.xlsx"));
    gp().write_xlsx(&dir.join("gp.xlsx"));
    dir
}

const P1: &str = "Call-out to the family home after a neighbour heard shouting.";
const P1_CORRECTED: &str = "Call-out to the family home after a neighbour heard shouting at night.";
const P2: &str = "Second call-out; Child A present and upset.";
const P3: &str = "Welfare check on Child A at the grandmother's address.";
const G1: &str = "Child A seen with bruising to the arm.";
const G2: &str = "Child A seen again for a follow-up.";
const S1: &str = "Attendance concern raised with the designated safeguarding lead.";

fn kept(dir: &Path) -> Vec<PathBuf> {
    let prev = dir.join("previous");
    let mut v: Vec<PathBuf> = std::fs::read_dir(&prev)
        .map(|r| r.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    v.sort();
    v
}

#[test]
fn a_reviews_life_keeps_every_note_and_every_ref() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = review(tmp.path());
    let wb = out(&dir);

    // 1. The first merge: every event has a Ref, each its own.
    merge(&dir).code(0);
    let first = refs(&wb);
    assert_eq!(first.len(), 4, "{first:?}");
    assert_eq!(first[P1], "WYP-0001");
    assert_eq!(first[P2], "WYP-0002");
    assert_eq!(first[G1], "GP-0001");
    assert_eq!(first[G2], "GP-0002");
    assert!(dir.join("chronomerge-refs.json").is_file());
    assert!(kept(&dir).is_empty(), "nothing to keep on the first merge");
    // The reviewer's columns are there and empty.
    assert!(reviewer(&wb)
        .values()
        .all(|(_, n, k)| n.is_empty() && k.is_empty()));

    // 2. The reviewer types notes (saved as a spreadsheet program would),
    // adds a row of their own, and the file goes through LibreOffice too.
    type_notes(
        &wb,
        &[
            ("WYP-0001", "First police contact: check the log.", "R1"),
            ("WYP-0002", "Ask police why no referral.", ""),
            (
                "GP-0001",
                "Bruising: was it recorded on the body map?",
                "R1",
            ),
        ],
        Some((
            "Strategy meeting (reviewer's own row)",
            "Minutes asked for.",
        )),
    );
    let lo = tmp.path().join("lo");
    let resaved = soffice_convert(std::slice::from_ref(&wb), "xlsx", &lo);
    std::fs::copy(&resaved[0], &wb).unwrap();
    let typed = reviewer(&wb);
    assert_eq!(typed[P1].1, "First police contact: check the log.");

    // 3. The police re-send a corrected return (one detail reworded, one
    // row withdrawn, one new row); the school's return arrives.
    police(true).write_xlsx(&dir.join("police.xlsx"));
    ReturnBuilder::new("Riverside School")
        .event(
            V::D(2023, 6, 20),
            "School safeguarding log",
            "Concern raised",
            S1,
        )
        .write_xlsx(&dir.join("school.xlsx"));
    let before = std::fs::read(&wb).unwrap();
    let said = stdout(merge(&dir).code(0));
    assert!(said.contains("previous workbook is kept"), "{said}");

    let second = reviewer(&wb);
    assert_eq!(second.len(), 5, "{second:?}");
    // The corrected event keeps its Ref and its note.
    assert_eq!(
        second[P1_CORRECTED],
        (
            "WYP-0001".to_string(),
            "First police contact: check the log.".to_string(),
            "R1".to_string()
        )
    );
    // Unchanged events keep their Refs and notes.
    assert_eq!(second[G1].0, "GP-0001");
    assert_eq!(second[G1].1, "Bruising: was it recorded on the body map?");
    assert_eq!(second[G1].2, "R1");
    assert_eq!(second[G2], ("GP-0002".into(), String::new(), String::new()));
    // The new event has a new number: WYP-0002 (withdrawn) is never reused.
    assert_eq!(second[P3].0, "WYP-0003");
    assert_eq!(second[S1].0, "RS-0001");
    assert!(!second.contains_key(P2));
    // The withdrawn event's note and the reviewer's own row are not lost.
    let np = not_placed(&wb);
    assert_eq!(np.len(), 2, "{np:?}");
    let withdrawn = np
        .iter()
        .find(|r| r["Ref"] == "WYP-0002")
        .expect("withdrawn");
    assert_eq!(withdrawn["Reviewer notes"], "Ask police why no referral.");
    assert_eq!(withdrawn["Details of event"], P2);
    assert_eq!(withdrawn["Agency"], "West Yorkshire Police");
    assert_eq!(withdrawn["Date"], "04/05/2023");
    assert_eq!(withdrawn["Not placed since"], "26/11/2026");
    let own = np.iter().find(|r| r["Ref"].is_empty()).expect("own row");
    assert_eq!(
        own["Details of event"],
        "Strategy meeting (reviewer's own row)"
    );
    assert_eq!(own["Reviewer notes"], "Minutes asked for.");
    // The old workbook is kept, as it was.
    let k = kept(&dir);
    assert_eq!(k.len(), 1, "{k:?}");
    assert_eq!(std::fs::read(&k[0]).unwrap(), before);
    let name = k[0].file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.starts_with("merged-chronology 20"), "{name}");
    // Neither the kept workbook nor the store is read as a return.
    let returns = sheet(&wb, "Returns");
    let files: Vec<String> = returns[1..].iter().map(|r| text(&r[0])).collect();
    assert!(
        !files.iter().any(|f| f.starts_with("merged-chronology 20")),
        "{files:?}"
    );
    let store_row = returns[1..]
        .iter()
        .find(|r| text(&r[0]) == "chronomerge-refs.json")
        .expect("the store is listed");
    assert!(
        store_row
            .iter()
            .any(|c| text(c).contains("kept by chronomerge")),
        "{store_row:?}"
    );

    // 4. Merged again with nothing changed: everything stays where it is.
    merge(&dir).code(0);
    assert_eq!(reviewer(&wb), second);
    let np2 = not_placed(&wb);
    assert_eq!(np2.len(), 2, "{np2:?}");
    assert_eq!(
        np2.iter().find(|r| r["Ref"] == "WYP-0002").unwrap()["Not placed since"],
        "26/11/2026"
    );
    assert_eq!(kept(&dir).len(), 2);

    // 5. The withdrawn row is sent again: it gets its Ref back, and its
    // note goes back on it.
    police(true)
        .event(
            V::D(2023, 5, 4),
            "Police incident log",
            "Incident or call-out",
            P2,
        )
        .write_xlsx(&dir.join("police.xlsx"));
    merge(&dir).code(0);
    let back = reviewer(&wb);
    assert_eq!(back[P2].0, "WYP-0002");
    assert_eq!(back[P2].1, "Ask police why no referral.");
    let np3 = not_placed(&wb);
    assert_eq!(np3.len(), 1, "only the reviewer's own row is left: {np3:?}");

    // 6. The workbook deleted: the Refs are kept all the same (the store).
    let all = refs(&wb);
    std::fs::remove_file(&wb).unwrap();
    merge(&dir).code(0);
    assert_eq!(refs(&wb), all);
}

#[test]
fn a_workbook_that_cannot_be_read_is_never_written_over() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = review(tmp.path());
    let wb = out(&dir);

    // Damaged: not a zip at all.
    std::fs::write(&wb, b"this is not a workbook").unwrap();
    let err = stderr(merge(&dir).code(2));
    assert!(err.contains(&wb.display().to_string()), "{err}");
    assert!(err.contains("cannot be read"), "{err}");
    assert!(err.contains("close it"), "{err}");
    assert_eq!(std::fs::read(&wb).unwrap(), b"this is not a workbook");
    assert!(kept(&dir).is_empty());
    assert!(
        !dir.join("chronomerge-refs.json").exists(),
        "nothing published, no store written"
    );

    // A workbook, but not a merged chronology.
    let mut other = rust_xlsxwriter::Workbook::new();
    other
        .add_worksheet()
        .set_name("Budget")
        .unwrap()
        .write_string(0, 0, "Spend")
        .unwrap();
    other.save(&wb).unwrap();
    let bytes = std::fs::read(&wb).unwrap();
    let err = stderr(merge(&dir).code(2));
    assert!(err.contains("no 'Chronology' sheet"), "{err}");
    assert!(err.contains("-o"), "{err}");
    assert_eq!(std::fs::read(&wb).unwrap(), bytes);
    assert!(kept(&dir).is_empty());
}

#[test]
fn watch_carries_the_notes_over_too() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = review(tmp.path());
    let wb = out(&dir);
    merge(&dir).code(0);
    type_notes(
        &wb,
        &[("GP-0002", "Follow-up: who saw the child?", "")],
        None,
    );
    gp().event(
        V::D(2023, 8, 1),
        "GP record",
        "Telephone call",
        "Mother phoned about sleep.",
    )
    .write_xlsx(&dir.join("gp.xlsx"));
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_chronomerge"))
        .arg("watch")
        .arg(&dir)
        .args([
            "--today",
            "2026-11-26",
            "--max-merges",
            "1",
            "--exit-after",
            "60",
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let r = reviewer(&wb);
    assert_eq!(r.len(), 5);
    assert_eq!(r[G2].1, "Follow-up: who saw the child?");
    assert_eq!(r["Mother phoned about sleep."].0, "GP-0003");
    assert_eq!(kept(&dir).len(), 1);
}

/// A tiny deterministic generator (no dependency for a test).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

#[test]
fn refs_are_never_given_twice_across_re_merges() {
    use chronomerge::pipeline::{merge_dir, MergeOptions};
    use chronomerge::publish::{publish, Outputs};
    const WORDS: [&str; 12] = [
        "visit",
        "referral",
        "strategy",
        "meeting",
        "school",
        "nursery",
        "hospital",
        "phone",
        "letter",
        "assessment",
        "conference",
        "review",
    ];
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("review");
    std::fs::create_dir_all(&dir).unwrap();
    // A pool of events, each far from the others in time (so none is ever
    // taken for a corrected version of another), a few the same twice.
    let mut rng = Lcg(7);
    let pool: Vec<(u32, String)> = (0..40u32)
        .map(|i| {
            let w: Vec<&str> = (0..4)
                .map(|_| WORDS[rng.next() as usize % WORDS.len()])
                .collect();
            (i, format!("Event {i}: {}", w.join(" ")))
        })
        .collect();
    let base = chrono::NaiveDate::from_ymd_opt(2021, 1, 1).unwrap();
    // Ref → the event it was given to, over every merge.
    let mut given: HashMap<String, String> = HashMap::new();
    let mut last: HashMap<String, String> = HashMap::new();
    let mut max_number = 0u32;
    let write = chronomerge::write::WriteOptions::default();
    for round in 0..8 {
        let mut b = ReturnBuilder::new("Health visiting");
        let mut present = Vec::new();
        for (i, details) in &pool {
            if rng.next() % 3 == 0 {
                continue;
            }
            let d = base + chrono::Duration::days(*i as i64 * 20);
            use chrono::Datelike;
            b = b.event(
                V::D(d.year(), d.month(), d.day()),
                "Health visiting record",
                "Home visit",
                details,
            );
            present.push(details.clone());
        }
        b.write_xlsx(&dir.join("hv.xlsx"));
        let review = merge_dir(&dir, &MergeOptions::default()).unwrap();
        let outputs = Outputs::workbook(dir.join("merged-chronology.xlsx"), &write);
        publish(&review, &outputs).unwrap();
        let mut now: HashMap<String, String> = HashMap::new();
        for ev in &review.chronology.events {
            let r = ev.reference.to_string();
            assert!(r.starts_with("HV-"), "{r}");
            assert!(
                now.insert(r.clone(), ev.details.clone()).is_none(),
                "{r} twice in round {round}"
            );
            if let Some(before) = given.get(&r) {
                assert_eq!(
                    before, &ev.details,
                    "{r} given to another event in round {round}"
                );
            } else {
                // A new Ref: a number above every number given before.
                assert!(
                    ev.reference.number > max_number,
                    "{r} reused in round {round}"
                );
            }
            // An event seen before keeps its Ref.
            if let Some(old) = last.iter().find(|(_, d)| **d == ev.details).map(|(r, _)| r) {
                assert_eq!(old, &r, "round {round}");
            }
        }
        for (r, d) in &now {
            given.insert(r.clone(), d.clone());
        }
        max_number = max_number.max(
            review
                .chronology
                .events
                .iter()
                .map(|e| e.reference.number)
                .max()
                .unwrap_or(0),
        );
        // Seen at any time: the Ref it had.
        for (r, d) in now {
            last.retain(|_, v| *v != d);
            last.insert(r, d);
        }
        assert_eq!(present.len(), review.chronology.events.len());
    }
}

#[test]
fn batch_numbers_in_order_and_writes_no_store_into_the_archive() {
    let tmp = tempfile::tempdir().unwrap();
    let archive = tmp.path().join("archive");
    let dir = review(&archive);
    let out_dir = tmp.path().join("out");
    Command::cargo_bin("chronomerge")
        .unwrap()
        .arg("batch")
        .arg(&archive)
        .arg("-o")
        .arg(&out_dir)
        .args(["--today", "2026-11-26"])
        .assert()
        .code(0);
    assert!(!dir.join("chronomerge-refs.json").exists());
    let wb = out_dir.join("review").join("merged-chronology.xlsx");
    let r = refs(&wb);
    assert_eq!(r[P1], "WYP-0001");
    assert_eq!(r[G2], "GP-0002");
}

#[test]
fn without_the_store_a_note_finds_its_event_by_agency_date_and_wording() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = review(tmp.path());
    let wb = out(&dir);
    merge(&dir).code(0);
    type_notes(
        &wb,
        &[("WYP-0001", "Check the call handler's notes.", "R2")],
        None,
    );
    // The store is lost, and the police send a corrected return with an
    // earlier event: numbered afresh, WYP-0001 is now another event.
    std::fs::remove_file(dir.join("chronomerge-refs.json")).unwrap();
    police(true)
        .event(
            V::D(2022, 12, 1),
            "Police incident log",
            "Incident or call-out",
            "Earlier report by the school of a missing episode.",
        )
        .write_xlsx(&dir.join("police.xlsx"));
    merge(&dir).code(0);
    let r = reviewer(&wb);
    assert_eq!(
        r["Earlier report by the school of a missing episode."].0,
        "WYP-0001"
    );
    assert_eq!(
        r["Earlier report by the school of a missing episode."].1,
        ""
    );
    assert_eq!(r[P1_CORRECTED].1, "Check the call handler's notes.");
    assert_eq!(r[P1_CORRECTED].2, "R2");
    assert!(not_placed(&wb).is_empty());
}

#[test]
fn a_damaged_store_is_left_alone_and_said() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = review(tmp.path());
    let store = dir.join("chronomerge-refs.json");
    std::fs::write(&store, b"{ damaged").unwrap();
    // A warning, not a failure: the workbook is written, Refs in order.
    merge(&dir).code(0);
    assert_eq!(std::fs::read(&store).unwrap(), b"{ damaged");
    assert_eq!(refs(&out(&dir))[P1], "WYP-0001");
    let findings = sheet(&out(&dir), "Findings");
    assert!(
        findings
            .iter()
            .any(|r| r.iter().any(|c| text(c) == "refs-store-unreadable")),
        "{findings:?}"
    );
}

/// A workbook still exactly as the last merge left it (same place, size and
/// time) with no notes in it is not read again; once anything changes it
/// (a reviewer saving it), it is read.
#[test]
fn an_untouched_workbook_is_not_read_again_and_a_changed_one_is() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = review(tmp.path());
    let wb = out(&dir);
    merge(&dir).code(0);
    // Made unreadable, but with the same size and time as the merge left
    // it: the store says nobody wrote in it, so it is not read.
    let len = std::fs::metadata(&wb).unwrap().len() as usize;
    let time = std::fs::metadata(&wb).unwrap().modified().unwrap();
    let put = |bytes: &[u8], time: std::time::SystemTime| {
        std::fs::write(&wb, bytes).unwrap();
        std::fs::File::options()
            .write(true)
            .open(&wb)
            .unwrap()
            .set_modified(time)
            .unwrap();
    };
    put(&vec![b'x'; len], time);
    merge(&dir).code(0);
    assert!(refs(&wb).len() > 1, "a new workbook was written");
    // The same, a second later: a change, so it is read, and being
    // unreadable it is not written over.
    let time = std::fs::metadata(&wb).unwrap().modified().unwrap();
    put(&vec![b'x'; len], time + std::time::Duration::from_secs(1));
    let err = stderr(merge(&dir).code(2));
    assert!(err.contains("cannot be read"), "{err}");
}

/// A workbook merged before events had Refs (no `Ref` column, no
/// reviewer's columns) holds no reviewer's notes: its rows are not taken
/// for rows the reviewer added, and nothing lands on the not-placed sheet.
#[test]
fn a_workbook_from_before_refs_carries_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = review(tmp.path());
    let wb = out(&dir);
    let mut old = rust_xlsxwriter::Workbook::new();
    let ws = old.add_worksheet().set_name("Chronology").unwrap();
    for (c, h) in ["#", "Date", "Agency", "Details of event"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for r in 1..=3u32 {
        ws.write_number(r, 0, r as f64).unwrap();
        ws.write_string(r, 1, "05/01/2022").unwrap();
        ws.write_string(r, 2, "Westshire Police").unwrap();
        ws.write_string(r, 3, "Welfare check at the address")
            .unwrap();
    }
    old.save(&wb).unwrap();
    merge(&dir).code(0);
    assert!(
        !sheet_names(&wb)
            .iter()
            .any(|n| n == "Reviewer notes not placed"),
        "{:?}",
        sheet_names(&wb)
    );
    assert_eq!(kept(&dir).len(), 1, "the old workbook is kept all the same");
}
