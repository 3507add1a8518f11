//! A workbook written to a file (every sheet but `Timeline` streamed
//! through temporary files in rust_xlsxwriter's constant-memory mode, the
//! `Chronology`'s rows written as sheet XML by the engine itself) is the
//! same workbook as the in-memory build, where every cell goes through
//! rust_xlsxwriter: cell by cell, format by format and row height by row
//! height, and nothing is left behind in the output folder.
//!
//! A streamed sheet drops any write to a row it has already written, so a
//! sheet writer that goes back to an earlier row (to set its height, say)
//! would lose it there and only there: this is the test that notices.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use chronomerge::glossary::Glossary;
use chronomerge::pipeline::{merge_dir, MergeOptions, MergedReview};
use chronomerge::write::{write_workbook_with, WriteOptions};
use common::{sheet, sheet_names, styles, zip_parts};

/// A `<row>` element: its number, its height (`ht`, when set) and the
/// references of its cells (column number from 1, row number).
type Row = (u32, Option<String>, Vec<(u32, u32)>);

/// A cell reference such as `Q330` as (column from 1, row).
fn cell_ref(r: &str) -> Option<(u32, u32)> {
    let split = r.find(|c: char| c.is_ascii_digit())?;
    let col = r[..split].bytes().try_fold(0u32, |n, b| {
        b.is_ascii_uppercase()
            .then(|| n * 26 + u32::from(b - b'A' + 1))
    })?;
    Some((col, r[split..].parse().ok()?))
}

/// Each worksheet part of a workbook (`xl/worksheets/sheetN.xml`) and its
/// `<row>` elements.
fn rows(p: &Path) -> BTreeMap<String, Vec<Row>> {
    let attr = |tag: &str, name: &str| -> Option<String> {
        let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
        Some(tag[at..].split('"').next()?.to_string())
    };
    zip_parts(p, "xl/worksheets/sheet")
        .into_iter()
        .map(|(n, xml)| {
            let rows = xml
                .split("<row ")
                .skip(1)
                .filter_map(|t| {
                    let tag = format!(" {}", &t[..t.find('>')?]);
                    let body = t.split("</sheetData>").next()?;
                    let cells = body
                        .split("<c ")
                        .skip(1)
                        .filter_map(|c| cell_ref(&attr(&format!(" {c}"), "r")?))
                        .collect();
                    Some((attr(&tag, "r")?.parse().ok()?, attr(&tag, "ht"), cells))
                })
                .collect();
            (n, rows)
        })
        .collect()
}

/// Whether a sheet part holds inline strings (written streamed).
fn streamed(part: &str, p: &Path) -> bool {
    zip_parts(p, part)
        .iter()
        .any(|(n, xml)| n == part && xml.contains("t=\"inlineStr\""))
}

/// Writes `review` in memory and streamed into `out`, and checks the two.
fn same_both_ways(review: &MergedReview, glossary: Option<Glossary>, out: &Path) {
    let memory = out.join("memory.xlsx");
    let streamed_wb = out.join("streamed.xlsx");
    let in_memory = WriteOptions {
        stream_above: Some(usize::MAX),
        glossary: glossary.clone(),
        ..WriteOptions::default()
    };
    let default = WriteOptions {
        glossary,
        ..WriteOptions::default()
    };
    write_workbook_with(review, &memory, &in_memory).unwrap();
    write_workbook_with(review, &streamed_wb, &default).unwrap();

    let names = sheet_names(&memory);
    assert_eq!(names, sheet_names(&streamed_wb));
    assert_eq!(names.len(), 8, "{names:?}");
    for name in &names {
        assert_eq!(sheet(&memory, name), sheet(&streamed_wb, name), "{name}");
        // And every cell's format: fill, font, border, alignment, number
        // format (the streamed chronology's style indexes are read back
        // from rust_xlsxwriter's own output, see src/write/splice.rs).
        let (sa, sb) = (styles(&memory, name), styles(&streamed_wb, name));
        assert!(!sa.is_empty(), "{name}");
        if sa != sb {
            let d = sa.iter().zip(&sb).find(|(a, b)| a != b);
            panic!(
                "{name}: formats differ ({} and {} cells): {d:#?}",
                sa.len(),
                sb.len()
            );
        }
    }
    // A heading row and a row per event (more for text split across rows).
    assert!(sheet(&memory, "Chronology").len() > review.chronology.events.len());
    // Each row once, in order (the file format requires it; rust_xlsxwriter
    // 0.102 repeats a streamed sheet's last row unless worked round).
    let (ra, rb) = (rows(&memory), rows(&streamed_wb));
    // And each row's cells are its own, left to right, each once.
    for (part, list) in ra.iter().chain(&rb) {
        assert!(
            list.windows(2).all(|w| w[0].0 < w[1].0),
            "{part}: rows not strictly ascending: {:?}",
            list[list.len().saturating_sub(3)..]
                .iter()
                .map(|r| (r.0, &r.1))
                .collect::<Vec<_>>()
        );
        for (r, _, cells) in list {
            assert!(
                cells.iter().all(|c| c.1 == *r),
                "{part}: row {r}: {cells:?}"
            );
            assert!(
                cells.windows(2).all(|w| w[0].0 < w[1].0),
                "{part}: row {r}: cells out of order: {cells:?}"
            );
        }
    }
    assert!(ra.values().flatten().map(|r| r.2.len()).sum::<usize>() > 1000);
    // Row heights are not cells: compare them from the sheets' XML.
    let heights = |r: &BTreeMap<String, Vec<Row>>| {
        r.iter()
            .map(|(part, list)| {
                let h: Vec<(u32, String)> = list
                    .iter()
                    .filter_map(|(n, h, _)| Some((*n, h.clone()?)))
                    .collect();
                (part.clone(), h)
            })
            .collect::<BTreeMap<_, _>>()
    };
    let (a, b) = (heights(&ra), heights(&rb));
    assert_eq!(a.len(), 8);
    assert_eq!(a, b);
    // The wrapped rows do have heights to compare (on every sheet with a
    // heading row, at least that row's or a wrapped row's).
    assert!(
        a.values().filter(|rows| !rows.is_empty()).count() >= 5,
        "{a:?}"
    );
    // Every sheet but Timeline (sheet2) really was streamed: its strings
    // are inline. In memory, none is.
    for part in a.keys() {
        let is_timeline = part == "xl/worksheets/sheet2.xml";
        assert_eq!(streamed(part, &streamed_wb), !is_timeline, "{part}");
        assert!(!streamed(part, &memory), "{part}");
    }
    // Streaming wrote (and removed) its temporary files in the output
    // folder, not elsewhere: only the two workbooks remain.
    let mut left: Vec<String> = std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["memory.xlsx", "streamed.xlsx"]);
}

fn merged(dir: &Path) -> MergedReview {
    let opts = MergeOptions {
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 26),
        ..MergeOptions::default()
    };
    merge_dir(dir, &opts).unwrap()
}

#[test]
fn streamed_and_in_memory_workbooks_are_the_same() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let sample = merged(&root.join("fixtures/sample-review"));
    assert!(!sample.analysis.episodes.is_empty());
    let out = tempfile::tempdir().unwrap();
    same_both_ways(&sample, None, out.path());

    // Anonymised: the glossary changes text on every sheet.
    let out = tempfile::tempdir().unwrap();
    let g = Glossary::parse(b"real text,replacement\nPolice,the force\nGP,the surgery\n").unwrap();
    same_both_ways(&sample, Some(g), out.path());

    // Past 2,048 events the rows are written on a thread of their own while
    // the save compresses them (src/write/splice.rs).
    let dir = tempfile::tempdir().unwrap();
    chronomerge_testdata::generate::write_review(
        dir.path(),
        &chronomerge_testdata::generate::scale_review(4, 800, 7),
    )
    .unwrap();
    let generated = merged(dir.path());
    assert!(generated.chronology.events.len() > 3_000);
    let out = tempfile::tempdir().unwrap();
    same_both_ways(&generated, None, out.path());

    // Broken returns: a long Findings sheet and a Returns sheet of failures.
    let hostile = merged(&root.join("tests/hostile"));
    assert!(hostile.chronology.findings.len() > 20);
    let out = tempfile::tempdir().unwrap();
    same_both_ways(&hostile, None, out.path());
}

/// Text an agency may well send: spaces at either end (kept with
/// `xml:space`), markup characters, control characters and non-characters
/// (written as `_xHHHH_`), a literal `_xHHHH_` (its underscore escaped so
/// it reads back as written), formulas (text, never run), and texts past a
/// cell's limit (split across rows). The chronology's rows are written as
/// XML by the engine when streamed and by rust_xlsxwriter in memory: the
/// two workbooks must read back the same, cell by cell and format by
/// format.
#[test]
fn awkward_text_is_written_as_rust_xlsxwriter_writes_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut review = merged(&root.join("fixtures/sample-review"));
    let long = "a long line of text & more ".repeat(2_600);
    let nasty: Vec<String> = [
        "  spaces at both ends  ",
        "\ttab first",
        "line\nbreaks\n",
        "a & b < c > d \"quoted\" 'single'",
        "_x0041_ is written as is, _x00zz_ and _x004 are not escapes",
        "control \u{1} \u{8} \u{B} \u{C} \r \u{1F} characters",
        "\u{FFFE} and \u{FFFF} are not characters, \u{FFFD} is",
        "é — ünïcödé ✓ 🙂 ﬁ",
        "=HYPERLINK(\"http://example.invalid\")",
        "@SUM(A1:A2)",
        "",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain([long.clone(), "word ".repeat(3_000)])
    .collect();
    for (i, ev) in review.chronology.events.iter_mut().enumerate() {
        let t = &nasty[i % nasty.len()];
        match i % 3 {
            0 => ev.details = t.clone(),
            1 => ev.action = t.clone(),
            _ => ev.analysis = t.clone(),
        }
        if i % 4 == 0 {
            ev.role = nasty[(i / 4) % 11].as_str().into();
        }
    }
    let out = tempfile::tempdir().unwrap();
    same_both_ways(&review, None, out.path());
    // A text past a cell's limit went on over more rows.
    let rows = sheet(&out.path().join("streamed.xlsx"), "Chronology");
    assert!(
        rows.len() > review.chronology.events.len() + 20,
        "{}",
        rows.len()
    );
    let out = tempfile::tempdir().unwrap();
    let g =
        Glossary::parse(b"real text,replacement\ncharacters,chars & <things>\nPolice,the force\n")
            .unwrap();
    same_both_ways(&review, Some(g), out.path());
}

/// The targets of a workbook's internal links: (sheet name, 1-based row).
fn links(p: &Path) -> Vec<(String, u32)> {
    let mut out = Vec::new();
    for (_, xml) in zip_parts(p, "xl/worksheets/sheet") {
        for l in xml.split("location=\"'").skip(1) {
            let (name, rest) = l.split_once("'!A").unwrap();
            let row = rest.split('"').next().unwrap().parse().unwrap();
            out.push((name.to_string(), row));
        }
    }
    out
}

/// The data rows of every sheet named `base`, `base (2)`, `base (3)`… in
/// order, each sheet checked to hold at most `rows` rows, heading included.
fn continued(path: &Path, base: &str, rows: usize) -> (Vec<Vec<calamine::Data>>, usize) {
    let names = sheet_names(path);
    let mut all = Vec::new();
    let mut sheets = 0;
    for n in 1.. {
        let name = if n == 1 {
            base.to_string()
        } else {
            format!("{base} ({n})")
        };
        if !names.contains(&name) {
            break;
        }
        let s: Vec<Vec<calamine::Data>> = sheet(path, &name)
            .into_iter()
            .filter(|r| r.iter().any(|d| *d != calamine::Data::Empty))
            .collect();
        assert!(s.len() <= rows, "{name}: {} rows", s.len());
        assert_eq!(
            common::text(&s[0][0]),
            common::text(&sheet(path, base)[0][0])
        );
        all.extend(s.into_iter().skip(1));
        sheets += 1;
    }
    (all, sheets)
}

#[test]
fn long_lists_go_on_to_further_sheets_and_lose_nothing() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for dir in ["fixtures/sample-review", "tests/hostile"] {
        let review = merged(&root.join(dir));
        let (events, findings) = (
            review.chronology.events.len(),
            review.chronology.findings.len(),
        );
        for stream_above in [None, Some(usize::MAX)] {
            let out = tempfile::tempdir().unwrap();
            let path = out.path().join("merged.xlsx");
            let opts = WriteOptions {
                rows_per_sheet: Some(7),
                stream_above,
                ..WriteOptions::default()
            };
            write_workbook_with(&review, &path, &opts).unwrap();

            // Every event once, in order: the `#` column runs 1, 2, 3…
            // (an event whose text is split takes several rows).
            let (rows, sheets) = continued(&path, "Chronology", 7);
            let mut numbers: Vec<u32> = rows
                .iter()
                .map(|r| common::text(&r[0]).parse().unwrap())
                .collect();
            assert!(numbers.windows(2).all(|w| w[0] <= w[1]), "{dir}");
            numbers.dedup();
            assert_eq!(numbers, (1..=events as u32).collect::<Vec<_>>(), "{dir}");
            // 7 rows: the heading, 5 rows of data and the empty row a
            // streamed sheet ends on.
            assert!(sheets >= events.div_ceil(5), "{dir}: {sheets} sheets");

            // Every finding once, in order.
            let (rows, sheets) = continued(&path, "Findings", 7);
            let heading = sheet(&path, "Findings");
            let (code, cell) = (common::col(&heading, "Code"), common::col(&heading, "Cell"));
            let got: Vec<(String, String)> = rows
                .iter()
                .map(|r| (common::text(&r[code]), common::text(&r[cell])))
                .collect();
            let want: Vec<(String, String)> = review
                .chronology
                .findings
                .iter()
                .map(|f| (f.code.as_str().to_string(), f.cell.clone()))
                .collect();
            assert_eq!(got, want, "{dir}");
            assert_eq!(sheets, findings.div_ceil(5).max(1), "{dir}");

            // Each episode's link lands on its first event, whichever
            // chronology sheet that is on.
            let mut linked: Vec<u32> = links(&path)
                .iter()
                .map(|(name, r)| {
                    assert!(name.starts_with("Chronology"), "{name}");
                    let rows = sheet(&path, name);
                    common::text(&rows[*r as usize - 1][0]).parse().unwrap()
                })
                .collect();
            let mut firsts: Vec<u32> = review
                .analysis
                .episodes
                .iter()
                .filter_map(|e| e.events.iter().min().map(|&i| i as u32 + 1))
                .collect();
            linked.sort_unstable();
            firsts.sort_unstable();
            assert_eq!(linked, firsts, "{dir}");
        }
    }
}
