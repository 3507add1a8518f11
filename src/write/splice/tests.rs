//! The splice's own tests: the part lookup, the cut, the fallback, and the
//! standing byte-for-byte comparison of the engine's sheet XML with what
//! rust_xlsxwriter's constant-memory writer makes of the same rows.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::Path;

use chrono::TimeZone;

use super::*;
use crate::write::build::{build, Ctx};
use crate::write::chronology::{write_chronology, RowWriter};
use crate::write::{save_atomically, WriteOptions};

/// The sample review, merged on a fixed day at a fixed time.
fn sample() -> MergedReview {
    merged(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sample-review"))
}

fn merged(dir: &Path) -> MergedReview {
    let opts = crate::pipeline::MergeOptions {
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 26),
        ..Default::default()
    };
    let mut review = crate::pipeline::merge_dir(dir, &opts).expect("merges");
    review.made_at = chrono::Local
        .with_ymd_and_hms(2026, 11, 26, 9, 30, 0)
        .single()
        .expect("a time");
    review
}

/// Every part of a workbook, decompressed, but `docProps/core.xml` (its
/// time stamps are the save's).
fn parts(path: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut z = ZipArchive::new(std::fs::File::open(path).expect("saved")).expect("a zip");
    let mut out = BTreeMap::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).expect("a part");
        let name = f.name().expect("a name").into_owned();
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).expect("readable");
        if name != "docProps/core.xml" {
            out.insert(name, bytes);
        }
    }
    out
}

/// The names of the chronology's parts in a saved workbook.
fn chronology_parts(path: &Path) -> Vec<String> {
    let bytes = std::fs::read(path).expect("saved");
    let mut archive = ZipArchive::new(Cursor::new(bytes)).expect("a zip");
    let sheets = elements(
        &read_part(&mut archive, "xl/workbook.xml").expect("an index"),
        "sheet",
    )
    .expect("XML");
    let names: Vec<String> = sheets
        .iter()
        .filter_map(|s| s.get("name"))
        .filter(|n| n.starts_with("Chronology"))
        .cloned()
        .collect();
    sheet_parts(&mut archive, &names).expect("found")
}

/// rust_xlsxwriter's constant-memory sheet, less the empty `<row>` that
/// `end_stream` leaves after its last row (see `sheet.rs`), and with the
/// dimension that row widened back to the rows' own.
fn without_end_row(xml: &str) -> String {
    let end = xml.rfind("<row r=\"").expect("rows");
    let tail = &xml[end..];
    let n: u32 = tail["<row r=\"".len()..]
        .split('"')
        .next()
        .and_then(|n| n.parse().ok())
        .expect("a row number");
    let empty = format!("<row r=\"{n}\"></row>");
    assert!(
        tail.starts_with(&empty),
        "not an empty row: {}",
        &tail[..80]
    );
    let close = empty.len();
    let mut out = format!("{}{}", &xml[..end], &tail[close..]);
    // The dimension counted the empty row only when it is the sheet's last.
    let dim_end = format!("{}\"/>", n);
    if let Some(d) = out.find("<dimension ref=\"") {
        let close = d + out[d..].find("/>").expect("closed") + 2;
        if out[d..close].ends_with(&dim_end) {
            let last = format!("{}\"/>", n - 1);
            out.replace_range(close - dim_end.len()..close, &last);
        }
    }
    out
}

/// Writes `review` as `merge` does (the engine's rows spliced in) and with
/// every row through rust_xlsxwriter's constant-memory writer, and checks
/// that the two packages are the same part for part, byte for byte, the
/// chronology's sheets included (less the crate's empty end row).
fn engine_rows_are_the_crates(review: &MergedReview, opts: &WriteOptions) -> usize {
    let dir = tempfile::tempdir().expect("a folder");
    let (engine, by_crate) = (
        dir.path().join("engine.xlsx"),
        dir.path().join("crate.xlsx"),
    );
    let mut built = build(review, opts, Some(dir.path()), true).expect("builds");
    assert!(built.pending.is_some(), "the engine writes the rows");
    built.save_atomically(&engine).expect("saves");
    assert!(!built.fell_back);
    let mut b = build(review, opts, Some(dir.path()), false).expect("builds");
    assert!(b.pending.is_none());
    save_atomically(&mut b.workbook, &by_crate).expect("saves");

    let chron = chronology_parts(&engine);
    assert_eq!(chron, chronology_parts(&by_crate));
    let (a, mut b) = (parts(&engine), parts(&by_crate));
    for part in &chron {
        let xml = String::from_utf8(b[part].clone()).expect("UTF-8");
        b.insert(part.clone(), without_end_row(&xml).into_bytes());
    }
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (name, bytes) in &a {
        if bytes != &b[name] {
            let (x, y) = (
                String::from_utf8_lossy(bytes),
                String::from_utf8_lossy(&b[name]),
            );
            let at = x.bytes().zip(y.bytes()).take_while(|(p, q)| p == q).count();
            panic!(
                "{name} differs at byte {at}:\n engine: {}\n  crate: {}",
                &x[at.saturating_sub(80)..(at + 120).min(x.len())],
                &y[at.saturating_sub(80)..(at + 120).min(y.len())]
            );
        }
    }
    // Nothing left behind but the two workbooks.
    assert_eq!(std::fs::read_dir(dir.path()).expect("listed").count(), 2);
    chron.len()
}

/// The engine's sheet XML is rust_xlsxwriter's, byte for byte: the sample
/// review; anonymised; with children's ages; with texts past a cell's
/// limit and markup, control characters and non-characters in them;
/// continued over several sheets; and large enough for the rows to be
/// written on a thread of their own.
#[test]
fn engine_sheet_xml_is_rust_xlsxwriters_constant_memory_xml_byte_for_byte() {
    let review = sample();
    assert_eq!(
        engine_rows_are_the_crates(&review, &WriteOptions::default()),
        1
    );

    let g =
        crate::glossary::Glossary::parse(b"real,replacement\nPolice,the force\nChild A,Child X\n")
            .expect("a glossary");
    let anonymised = WriteOptions {
        glossary: Some(g),
        glossary_file: Some("g.csv".into()),
        ..WriteOptions::default()
    };
    engine_rows_are_the_crates(&review, &anonymised);

    let mut kids = review.clone();
    let cfg: crate::config::ReviewConfig =
        toml::from_str("[children]\n\"Child A\" = 2019-05-01\n\"Child B\" = 2021-03-02\n")
            .expect("TOML");
    kids.config.children = cfg.children;
    engine_rows_are_the_crates(&kids, &WriteOptions::default());
    engine_rows_are_the_crates(&kids, &anonymised);

    let mut awkward = review.clone();
    let texts = [
        "  spaces at both ends  ",
        "a & b < c > d \"quoted\"",
        "_x0041_ and _x00zz_",
        "control \u{1} \u{B} \r \u{1F} and \u{FFFE} \u{FFFF}",
        "é — ✓ 🙂",
        "=HYPERLINK(\"http://example.invalid\")",
    ];
    for (i, ev) in awkward.chronology.events.iter_mut().enumerate() {
        let t = if i % 40 == 0 {
            "a long line of text & more ".repeat(2_600 + i)
        } else {
            texts[i % texts.len()].to_string()
        };
        match i % 3 {
            0 => ev.details = t,
            1 => ev.action = t,
            _ => ev.analysis = t,
        }
    }
    engine_rows_are_the_crates(&awkward, &WriteOptions::default());

    let continued = WriteOptions {
        rows_per_sheet: Some(60),
        ..WriteOptions::default()
    };
    assert!(engine_rows_are_the_crates(&review, &continued) > 5);
    assert!(engine_rows_are_the_crates(&awkward, &continued) > 5);

    let dir = tempfile::tempdir().expect("a folder");
    chronomerge_testdata::generate::write_review(
        dir.path(),
        &chronomerge_testdata::generate::scale_review(3, 1_000, 11),
    )
    .expect("generated");
    let large = merged(dir.path());
    assert!(large.chronology.events.len() > THREAD_ABOVE);
    engine_rows_are_the_crates(&large, &WriteOptions::default());
}

/// A workbook of the chronology alone (`merge` never splices a chronology
/// with no events: it has nothing to stream), its rows written by the
/// engine or by rust_xlsxwriter.
fn chronology_alone(review: &MergedReview, engine: bool, path: &Path) {
    let opts = WriteOptions::default();
    let mut cx = Ctx::new(review, &opts).expect("shared");
    let mut wb = Workbook::new();
    wb.set_tempdir(path.parent().expect("a folder"))
        .expect("a temporary folder");
    let writer = if engine {
        RowWriter::Engine
    } else {
        RowWriter::Crate
    };
    match write_chronology(&mut wb, &mut cx, writer).expect("written") {
        Some(p) => save(&mut wb, &p, path).expect("spliced"),
        None => save_atomically(&mut wb, path).expect("saved"),
    }
}

/// A review with no events: the chronology is its heading alone, cut and
/// written back as such, as rust_xlsxwriter writes it.
#[test]
fn a_chronology_with_no_rows_is_its_heading_alone() {
    let mut review = sample();
    review.chronology.events.clear();
    review.analysis = Default::default();
    for agencies in [true, false] {
        if !agencies {
            review.chronology.agencies.clear();
        }
        let dir = tempfile::tempdir().expect("a folder");
        let (engine, by_crate) = (
            dir.path().join("engine.xlsx"),
            dir.path().join("crate.xlsx"),
        );
        chronology_alone(&review, true, &engine);
        chronology_alone(&review, false, &by_crate);
        let chron = chronology_parts(&engine);
        assert_eq!(chron.len(), 1);
        let (a, mut b) = (parts(&engine), parts(&by_crate));
        let xml = String::from_utf8(a[&chron[0]].clone()).expect("UTF-8");
        // Column R: the collapsed `Also reported by` and `Origin` carry
        // their mark on the column after them.
        assert!(xml.contains("<dimension ref=\"A1:U1\"/>"), "{xml}");
        assert_eq!(xml.matches("<row ").count(), 1, "{xml}");
        let theirs = String::from_utf8(b[&chron[0]].clone()).expect("UTF-8");
        b.insert(chron[0].clone(), without_end_row(&theirs).into_bytes());
        assert!(a == b, "{xml}\n{}", String::from_utf8_lossy(&b[&chron[0]]));
    }
}

/// A hand-made package: the workbook's index, its relationships and two
/// sheets whose parts are named as no guess would name them.
fn package(workbook: &str, rels: &str) -> Package {
    let mut buf = Cursor::new(Vec::new());
    {
        let mut z = ZipWriter::new(&mut buf);
        let o = SimpleFileOptions::default();
        for (name, body) in [
            ("xl/workbook.xml", workbook),
            ("xl/_rels/workbook.xml.rels", rels),
            ("xl/worksheets/first.xml", "<worksheet/>"),
            ("xl/other/second.xml", "<worksheet/>"),
        ] {
            z.start_file(name, o).expect("a part");
            z.write_all(body.as_bytes()).expect("written");
        }
        z.finish().expect("a zip");
    }
    ZipArchive::new(Cursor::new(buf.into_inner())).expect("a zip")
}

const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:rel="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Timeline" sheetId="1" rel:id="rId9"/><sheet name="Chronology" sheetId="2" rel:id="rId3"/><sheet name="Chronology (2)" sheetId="3" rel:id="rId1"/><sheet name="R&amp;D" sheetId="4" rel:id="rId2"/></sheets></workbook>"#;
const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/other/second.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/first.xml"/><Relationship Id="rId2" Type="x" Target="worksheets/rd.xml"/></Relationships>"#;

#[test]
fn sheet_parts_are_found_through_the_workbooks_index() {
    let mut p = package(WORKBOOK, RELS);
    let names = |n: &[&str]| n.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        sheet_parts(&mut p, &names(&["Chronology", "Chronology (2)"])).expect("found"),
        ["xl/worksheets/first.xml", "xl/other/second.xml"]
    );
    // Names are unescaped, any relationship prefix will do.
    assert_eq!(
        sheet_parts(&mut p, &names(&["R&D"])).expect("found"),
        ["xl/worksheets/rd.xml"]
    );
    // A sheet not in the index, or with no relationship: a fault, said.
    for missing in ["Chronology (3)", "Timeline"] {
        match sheet_parts(&mut p, &names(&[missing])) {
            Err(WriteError::Internal(m)) => assert!(m.contains(missing), "{m}"),
            other => panic!("{missing}: {other:?}"),
        }
    }
    let mut broken = package("<workbook><sheets><sheet name=\"a\"", RELS);
    assert!(matches!(
        sheet_parts(&mut broken, &names(&["Chronology"])),
        Err(WriteError::Internal(_))
    ));
}

#[test]
fn the_cut_keeps_the_heading_row_and_sets_the_dimension() {
    let xml = concat!(
        "<worksheet><dimension ref=\"A1:B9\"/><sheetViews/><sheetData>",
        "<row r=\"1\"><c r=\"A1\" s=\"1\" t=\"inlineStr\"><is><t>#</t></is></c></row>",
        "<row r=\"2\"><c r=\"A2\" s=\"17\"/></row><row r=\"3\"><c r=\"A3\" s=\"18\"/></row>",
        "</sheetData><autoFilter ref=\"A1:Q9\"/></worksheet>"
    );
    let (frame, between) = cut(xml, "sheet", 41, 16).expect("cut");
    assert_eq!(
        frame.head,
        "<worksheet><dimension ref=\"A1:Q42\"/><sheetViews/><sheetData><row r=\"1\"><c r=\"A1\" s=\"1\" t=\"inlineStr\"><is><t>#</t></is></c></row>"
    );
    assert_eq!(
        frame.tail,
        "</sheetData><autoFilter ref=\"A1:Q9\"/></worksheet>"
    );
    assert_eq!(probe_styles(between, 2).expect("probes"), [17, 18]);
    // The column after a collapsed group, past the last heading, is kept
    // in the dimension as rust_xlsxwriter counts it.
    let wider = xml.replace("A1:B9\"/><sheetViews", "A1:R9\"/><sheetViews");
    let (frame, _) = cut(&wider, "sheet", 41, 16).expect("cut");
    assert!(
        frame.head.contains("<dimension ref=\"A1:R42\"/>"),
        "{}",
        frame.head
    );
    // Probes missing or unreadable: a fault.
    assert!(probe_styles(between, 3).is_err());
    assert!(probe_styles("<c r=\"A2\" s=\"x\"/>", 1).is_err());
    // A sheet not shaped as expected: a fault, never a guess.
    for bad in [
        "<worksheet><dimension ref=\"A1\"/></worksheet>",
        "<worksheet><dimension ref=\"A1\"/><sheetData></sheetData></worksheet>",
        "<worksheet><dimension ref=\"A1\"/><sheetData><row r=\"1\"></row></worksheet>",
        "<worksheet><sheetData><row r=\"1\"></row></sheetData></worksheet>",
    ] {
        assert!(
            matches!(cut(bad, "sheet", 1, 1), Err(WriteError::Internal(_))),
            "{bad}"
        );
    }
}

/// Should the cut fail (here: the chronology renamed in rust_xlsxwriter's
/// package, so the index has no `Chronology`), the save falls back to
/// rust_xlsxwriter's own writer: the workbook is the same, and nothing is
/// left behind.
#[test]
fn the_save_falls_back_to_rust_xlsxwriter_when_the_cut_fails() {
    let review = sample();
    let opts = WriteOptions {
        rows_per_sheet: Some(200),
        ..WriteOptions::default()
    };
    let dir = tempfile::tempdir().expect("a folder");
    let (spliced, fallback) = (dir.path().join("a.xlsx"), dir.path().join("b.xlsx"));
    build(&review, &opts, Some(dir.path()), true)
        .expect("builds")
        .save_atomically(&spliced)
        .expect("saves");
    let mut built = build(&review, &opts, Some(dir.path()), true).expect("builds");
    built
        .workbook
        .worksheet_from_index(0)
        .expect("a sheet")
        .set_name("Not the chronology")
        .expect("renamed");
    built
        .save_atomically(&fallback)
        .expect("saves all the same");
    assert!(built.fell_back, "the splice cannot have been made");

    let (a, mut b) = (parts(&spliced), parts(&fallback));
    let chron = chronology_parts(&fallback);
    assert_eq!(chron.len(), 2);
    for part in &chron {
        let xml = String::from_utf8(b[part].clone()).expect("UTF-8");
        b.insert(part.clone(), without_end_row(&xml).into_bytes());
    }
    assert!(
        a == b,
        "the fallback's workbook differs from the spliced one"
    );
    assert_eq!(std::fs::read_dir(dir.path()).expect("listed").count(), 2);
}
