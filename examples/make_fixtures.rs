//! Build the bundled sample review, or a large review for benchmarks.
//!
//! ```text
//! cargo run --example make_fixtures -- fixtures/sample-review
//! cargo run --release --example make_fixtures -- --agencies 12 --events 5000 --out /tmp/bench [--seed 1] [--from 2022-01-01]
//! ```
//!
//! A benchmark review's period runs from `--from` (default 2022-01-01) to
//! 2024-06-30: an earlier start spreads the same events more thinly.
//!
//! The sample review's `.ods` and `.xls` returns are written as `.xlsx` under
//! `_convert/<ext>/`; `scripts/make-fixtures.sh` re-saves them with
//! LibreOffice. `--events` is per agency.

use std::path::PathBuf;
use std::process::ExitCode;

use chronomerge_testdata::generate::{
    sample_review, scale_review_over, write_review, ReturnFormat,
};

fn usage() -> ExitCode {
    eprintln!(
        "usage: make_fixtures [DIR]            (the sample review; default fixtures/sample-review)\n       \
         make_fixtures --agencies N --events M --out DIR [--seed S] [--from YYYY-MM-DD]   (M events per agency)"
    );
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut out: Option<PathBuf> = None;
    let mut agencies: Option<usize> = None;
    let mut events: Option<usize> = None;
    let mut seed: u64 = 1;
    let mut from = chrono::NaiveDate::from_ymd_opt(2022, 1, 1).expect("a real date");
    let to = chrono::NaiveDate::from_ymd_opt(2024, 6, 30).expect("a real date");
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        let mut value = || {
            i += 1;
            args.get(i).cloned()
        };
        match a {
            "-h" | "--help" => return usage(),
            "--out" => match value() {
                Some(v) => out = Some(PathBuf::from(v)),
                None => return usage(),
            },
            "--agencies" => match value().and_then(|v| v.parse().ok()) {
                Some(n) => agencies = Some(n),
                None => return usage(),
            },
            "--events" => match value().and_then(|v| v.parse().ok()) {
                Some(n) => events = Some(n),
                None => return usage(),
            },
            "--seed" => match value().and_then(|v| v.parse().ok()) {
                Some(n) => seed = n,
                None => return usage(),
            },
            "--from" => match value().and_then(|v| v.parse().ok()) {
                Some(d) if d < to => from = d,
                _ => return usage(),
            },
            _ if a.starts_with('-') => return usage(),
            _ => out = Some(PathBuf::from(a)),
        }
        i += 1;
    }
    let spec = if agencies.is_some() || events.is_some() {
        scale_review_over(
            agencies.unwrap_or(6),
            events.unwrap_or(1000),
            seed,
            (from, to),
        )
    } else {
        sample_review()
    };
    let dir = out.unwrap_or_else(|| PathBuf::from("fixtures/sample-review"));
    let written = match write_review(&dir, &spec) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("make_fixtures: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "{} ({}), into {}",
        spec.reference,
        spec.period.0,
        dir.display()
    );
    let mut total = 0;
    for (r, g) in spec.returns.iter().zip(&written) {
        total += g.rows;
        let format = match &r.format {
            ReturnFormat::Xlsx if g.date1904 => "xlsx (1904 date system)".to_string(),
            ReturnFormat::Xlsx => "xlsx".to_string(),
            ReturnFormat::Csv {
                windows_1252: true, ..
            } => "csv (Windows-1252)".to_string(),
            ReturnFormat::Csv { with_bom: true, .. } => "csv (UTF-8 with BOM)".to_string(),
            ReturnFormat::Csv { .. } => "csv (UTF-8)".to_string(),
            ReturnFormat::ConvertTo(ext) => format!("{ext} (via LibreOffice)"),
        };
        println!(
            "  {:<22} {:<24} {:>5} rows: {} planted; dates {} cells, {} text ({} partial, {} approx.), {} blank; {} timed; {} blank event types",
            r.stem,
            format,
            g.rows,
            g.planted_rows,
            g.date_cells,
            g.text_dates,
            g.partial_dates,
            g.approx_dates,
            g.blank_dates,
            g.timed,
            g.blank_event_types
        );
    }
    println!("  total {total} rows");
    ExitCode::SUCCESS
}
