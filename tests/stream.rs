//! The Chronology sheet streamed through a temporary file (constant-memory
//! mode, the default when a workbook is written) gives the same workbook as
//! the in-memory one, and leaves nothing behind in the output folder.

mod common;

use std::path::Path;

use chronomerge::pipeline::{merge_dir, MergeOptions};
use chronomerge::write::{write_workbook_with, WriteOptions};
use common::sheet;

#[test]
fn streamed_and_in_memory_chronologies_are_the_same() {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sample-review");
    let opts = MergeOptions {
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 26),
        ..MergeOptions::default()
    };
    let review = merge_dir(&sample, &opts).unwrap();
    let out = tempfile::tempdir().unwrap();
    let memory = out.path().join("memory.xlsx");
    let streamed = out.path().join("streamed.xlsx");
    let in_memory = WriteOptions {
        stream_above: Some(usize::MAX),
        ..WriteOptions::default()
    };
    write_workbook_with(&review, &memory, &in_memory).unwrap();
    write_workbook_with(&review, &streamed, &WriteOptions::default()).unwrap();
    let (a, b) = (sheet(&memory, "Chronology"), sheet(&streamed, "Chronology"));
    assert_eq!(a.len(), review.chronology.events.len() + 1);
    assert_eq!(a, b);
    for name in ["Findings", "Returns", "Key practice episodes"] {
        assert_eq!(sheet(&memory, name), sheet(&streamed, name), "{name}");
    }
    // The streamed sheet really was streamed (its strings are inline).
    let sheet1 = |p: &Path| {
        let mut z = zip::ZipArchive::new(std::fs::File::open(p).unwrap()).unwrap();
        let mut xml = String::new();
        std::io::Read::read_to_string(
            &mut z.by_name("xl/worksheets/sheet1.xml").unwrap(),
            &mut xml,
        )
        .unwrap();
        xml
    };
    assert!(sheet1(&streamed).contains("t=\"inlineStr\""));
    assert!(!sheet1(&memory).contains("t=\"inlineStr\""));
    // Streaming wrote (and removed) its temporary file in the output
    // folder, not elsewhere: only the two workbooks remain.
    let mut left: Vec<String> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["memory.xlsx", "streamed.xlsx"]);
}
