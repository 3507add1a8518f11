//! One .xlsx return's bytes through reading and validation (see
//! `check_return.rs`).
#![no_main]

#[path = "check_return.rs"]
mod check_return;

use chronomerge::model::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| check_return::check_return(data, "fuzz.xlsx", Format::Xlsx));
