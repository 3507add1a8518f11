//! One CSV return's bytes through reading and validation: never a panic
//! (a caught panic is a `file-internal-error` finding, which fails here),
//! and the row accounting always adds up.
#![no_main]

use chronomerge::findings::Code;
use chronomerge::model::Format;
use chronomerge::pipeline::{check_bytes, settle_config, MergeOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let opts = MergeOptions {
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 26),
        ..MergeOptions::default()
    };
    let (_, ctx, _) = settle_config(None, &opts).unwrap();
    let checked = check_bytes(data, "fuzz.csv", Format::Csv, &ctx);
    let s = &checked.summary;
    assert_eq!(s.rows_read, s.rows_merged + s.rows_rejected);
    assert_eq!(s.rows_merged, checked.events.len());
    assert!(
        !checked
            .findings
            .iter()
            .any(|f| f.code == Code::FileInternal),
        "{:?}",
        checked.findings
    );
});
