//! The workbook writer's input: arbitrary strings in every text column of
//! an event, through validation, merge and the writer, must give a workbook
//! (never a panic, never a writer error), built in memory and written to a
//! file as `merge` writes it (the chronology's rows as the engine's own
//! sheet XML, `src/write/rows.rs`); in the file every sheet's rows are
//! strictly ascending and each row's cells in order, in that row, and its
//! `Chronology` reads back cell for cell as the in-memory one (written by
//! rust_xlsxwriter) does.
#![no_main]

use chronomerge::model::Format;
use chronomerge::pipeline::{check_bytes, finish, settle_config, MergeOptions};
use calamine::Reader;
use chronomerge::write::{build_workbook, build_workbook_in, WriteOptions};
use libfuzzer_sys::fuzz_target;
use std::io::Read;
use std::sync::OnceLock;

/// The folder the streamed sheets' temporary files go to.
fn scratch() -> &'static std::path::Path {
    static DIR: OnceLock<std::path::PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = std::env::temp_dir().join(format!("chronomerge-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        d
    })
}

/// Checks the row and cell order of every worksheet of a saved workbook.
fn check_order(bytes: &[u8]) {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        if !f.name().is_ok_and(|n| n.starts_with("xl/worksheets/sheet")) {
            continue;
        }
        let mut xml = String::new();
        f.read_to_string(&mut xml).unwrap();
        let attr = |t: &str| -> Option<String> {
            let at = t.find(" r=\"")? + 4;
            Some(t[at..].split('"').next()?.to_string())
        };
        let mut last_row = 0u32;
        for row in xml.split("<row").skip(1) {
            let n: u32 = attr(&format!(" {row}")).unwrap().parse().unwrap();
            assert!(n > last_row, "row {n} after row {last_row}");
            last_row = n;
            let mut last_col = 0u32;
            for c in row.split("</sheetData>").next().unwrap().split("<c ").skip(1) {
                let r = attr(&format!(" {c}")).unwrap();
                let split = r.find(|ch: char| ch.is_ascii_digit()).unwrap();
                let col = r[..split].bytes().fold(0u32, |a, b| a * 26 + u32::from(b - b'A' + 1));
                assert_eq!(r[split..].parse::<u32>().unwrap(), n, "cell {r} in row {n}");
                assert!(col > last_col, "cell {r} after column {last_col}");
                last_col = col;
            }
        }
    }
}

fuzz_target!(|fields: Vec<String>| {
    let opts = MergeOptions {
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 26),
        ..MergeOptions::default()
    };
    let settings = settle_config(None, &opts).unwrap();
    let mut w = csv::WriterBuilder::new().flexible(true).from_writer(vec![]);
    w.write_record([
        "Date",
        "Time",
        "Sequence",
        "Source of information",
        "Practitioner role",
        "Child or family member",
        "Event type",
        "Details of event",
        "Action / outcome",
        "Analysis / comment",
        "Agency",
    ])
    .unwrap();
    for chunk in fields.chunks(8) {
        let get = |i: usize| chunk.get(i).map(String::as_str).unwrap_or("");
        // A readable date keeps most rows merged, so the writer sees the
        // strings; the first field may still be anything.
        let date = if get(0).len() % 3 == 0 {
            get(0)
        } else {
            "05/03/2019"
        };
        w.write_record([
            date,
            get(1),
            "",
            &format!("x{}", get(2)),
            get(3),
            get(4),
            get(5),
            &format!("d{}", get(6)),
            get(7),
            get(0),
            get(3),
        ])
        .unwrap();
    }
    let bytes = w.into_inner().unwrap();
    let checked = check_bytes(&bytes, "fuzz.csv", Format::Csv, &settings.context);
    let review = finish(".".into(), settings, vec![checked], vec![]);
    let mut wb = build_workbook(&review).expect("the writer accepts any text");
    let memory = wb.save_to_buffer().expect("the workbook saves");
    let wopts = WriteOptions::default();
    let mut built = build_workbook_in(&review, &wopts, scratch())
        .expect("the streamed writer accepts any text");
    let path = scratch().join("fuzz.xlsx");
    built.save_atomically(&path).expect("the streamed workbook saves");
    let file = std::fs::read(&path).unwrap();
    check_order(&file);
    let chronology = |bytes: Vec<u8>| {
        let mut x: calamine::Xlsx<_> = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        x.worksheet_range("Chronology").unwrap()
    };
    assert!(chronology(memory) == chronology(file), "the chronologies differ");
});
