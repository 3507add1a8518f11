//! The workbook writer's input: arbitrary strings in every text column of
//! an event, through validation, merge and `build_workbook`, must give a
//! workbook (never a panic, never a writer error).
#![no_main]

use chronomerge::model::Format;
use chronomerge::pipeline::{check_bytes, finish, settle_config, MergeOptions};
use chronomerge::write::build_workbook;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|fields: Vec<String>| {
    let opts = MergeOptions {
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 26),
        ..MergeOptions::default()
    };
    let (config, ctx, episodes) = settle_config(None, &opts).unwrap();
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
    let checked = check_bytes(&bytes, "fuzz.csv", Format::Csv, &ctx);
    let review = finish(".".into(), config, ctx, episodes, vec![checked], vec![]);
    let mut wb = build_workbook(&review).expect("the writer accepts any text");
    wb.save_to_buffer().expect("the workbook saves");
});
