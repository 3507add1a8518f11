//! The date and time reader: any text (and any number, as an Excel
//! serial) must give a date, a time or a problem, never a panic.
#![no_main]

use chronomerge::dates::{parse_date, parse_time, read_date_cell, read_time_cell, DateContext};
use chronomerge::model::Cell;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let ctx = DateContext::new(chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap());
    let text = String::from_utf8_lossy(data);
    if let Ok(read) = parse_date(&text, &ctx) {
        // A date read must be a real day, and its end (if any) no earlier.
        let _ = read.value.last_day();
        let _ = read.value.note();
    }
    let _ = parse_time(&text);
    let _ = read_date_cell(&Cell::Text(text.to_string()), &ctx);
    let _ = read_time_cell(&Cell::Text(text.to_string()));
    if data.len() >= 8 {
        let serial = f64::from_le_bytes(data[..8].try_into().unwrap());
        let cell = Cell::DateTime {
            serial,
            duration: data[0] & 1 == 1,
        };
        let _ = read_date_cell(&cell, &ctx);
        let _ = read_time_cell(&cell);
        let _ = read_date_cell(&Cell::Number(serial), &ctx);
        let _ = read_time_cell(&Cell::Number(serial));
    }
});
