//! What the `return_csv` and `return_xlsx` targets share: one return's
//! bytes through reading and validation must never panic (a caught panic is
//! a `file-internal-error` finding, which fails here), and the row
//! accounting must always add up.

use chronomerge::findings::Code;
use chronomerge::model::Format;
use chronomerge::pipeline::{check_bytes, settle_config, MergeOptions};

pub fn check_return(data: &[u8], name: &str, format: Format) {
    let opts = MergeOptions {
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 26),
        ..MergeOptions::default()
    };
    let ctx = settle_config(None, &opts).unwrap().context;
    let checked = check_bytes(data, name, format, &ctx);
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
}
