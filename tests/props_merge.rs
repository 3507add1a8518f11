//! Property: any set of returns (random rows, valid and invalid dates,
//! blank rows, author's notes, in CSV and xlsx) merges with the counts
//! adding up, and every input event is present exactly once: in the
//! chronology, or as a rejected row in the findings.
//!
//! `PROPTEST_CASES=2000 cargo test --release --test props_merge` runs it
//! longer.

use std::collections::BTreeMap;
use std::path::Path;

mod common;

use chronomerge::model::ReturnStatus;
use chronomerge::pipeline::{merge_dir, MergeOptions};
use common::HEADINGS;
use proptest::prelude::*;

/// The Date cell of a generated row.
#[derive(Debug, Clone)]
enum DateCell {
    /// A real past day, written dd/mm/yyyy.
    Valid(u32, u32, i32),
    /// A day that does not exist.
    Impossible,
    /// Text that is not a date.
    Garbage(String),
    /// A day after the merge.
    Future,
    /// Nothing.
    Missing,
}

impl DateCell {
    fn text(&self) -> String {
        match self {
            DateCell::Valid(d, m, y) => format!("{d:02}/{m:02}/{y}"),
            DateCell::Impossible => "31/02/2019".into(),
            DateCell::Garbage(g) => format!("zz{g}"),
            DateCell::Future => "01/01/2099".into(),
            DateCell::Missing => String::new(),
        }
    }
}

/// A generated row: blank, or an event (which may be broken).
#[derive(Debug, Clone)]
enum Row {
    Blank,
    Event {
        date: DateCell,
        source: String,
        note: bool,
        details: String,
        time: String,
    },
}

fn date_cell() -> impl Strategy<Value = DateCell> {
    prop_oneof![
        6 => (1u32..=28, 1u32..=12, 1990i32..=2025).prop_map(|(d, m, y)| DateCell::Valid(d, m, y)),
        1 => Just(DateCell::Impossible),
        1 => "[a-z ]{0,12}".prop_map(DateCell::Garbage),
        1 => Just(DateCell::Future),
        1 => Just(DateCell::Missing),
    ]
}

fn row() -> impl Strategy<Value = Row> {
    prop_oneof![
        1 => Just(Row::Blank),
        6 => (
            date_cell(),
            prop_oneof![3 => "[A-Za-z][A-Za-z ]{0,15}", 1 => Just(String::new())],
            prop::bool::weighted(0.15),
            prop_oneof![4 => "[A-Za-z0-9 ,.\"'=+@-]{1,40}", 1 => Just(String::new())],
            prop_oneof![3 => Just(String::new()), 1 => Just("14:30".to_string()), 1 => "[0-9:apm.]{1,6}"],
        )
            .prop_map(|(date, source, note, details, time)| Row::Event {
                date,
                source,
                note,
                details,
                time,
            }),
    ]
}

/// A return: CSV or xlsx, and its rows.
fn returns() -> impl Strategy<Value = Vec<(bool, Vec<Row>)>> {
    prop::collection::vec((any::<bool>(), prop::collection::vec(row(), 0..25)), 1..5)
}

/// The cells of a row: the tag goes in Analysis / comment, so every event
/// row has content and can be found again.
fn cells(r: &Row, tag: &str) -> Vec<String> {
    match r {
        Row::Blank => vec![String::new(); 10],
        Row::Event {
            date,
            source,
            note,
            details,
            time,
        } => {
            let source = if *note {
                format!("#{source}")
            } else {
                source.clone()
            };
            vec![
                date.text(),
                time.clone(),
                String::new(),
                source,
                "Nurse".into(),
                "Child A".into(),
                "Contact or visit".into(),
                details.clone(),
                String::new(),
                tag.to_string(),
            ]
        }
    }
}

fn write_return(dir: &Path, i: usize, csv: bool, rows: &[Row]) -> String {
    let name = format!("return {i}.{}", if csv { "csv" } else { "xlsx" });
    let tagged: Vec<Vec<String>> = rows
        .iter()
        .enumerate()
        .map(|(r, row)| cells(row, &format!("TAG-{i}-{r}")))
        .collect();
    if csv {
        let mut w = csv::Writer::from_writer(vec![]);
        w.write_record(HEADINGS).unwrap();
        for r in &tagged {
            w.write_record(r).unwrap();
        }
        std::fs::write(dir.join(&name), w.into_inner().unwrap()).unwrap();
    } else {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name("Chronology").unwrap();
        for (c, h) in HEADINGS.iter().enumerate() {
            ws.write_string(0, c as u16, *h).unwrap();
        }
        for (r, row) in tagged.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                if !v.is_empty() {
                    ws.write_string(1 + r as u32, c as u16, v).unwrap();
                }
            }
        }
        wb.save(dir.join(&name)).unwrap();
    }
    name
}

fn check(set: &[(bool, Vec<Row>)]) -> Result<(), TestCaseError> {
    let tmp = tempfile::tempdir().unwrap();
    let mut names = Vec::new();
    for (i, (csv, rows)) in set.iter().enumerate() {
        names.push(write_return(tmp.path(), i, *csv, rows));
    }
    let opts = MergeOptions {
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 26),
        ..MergeOptions::default()
    };
    let review = merge_dir(tmp.path(), &opts).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let c = &review.chronology;

    // Counts add up per file and overall.
    let mut merged_total = 0;
    for r in &c.returns {
        prop_assert_eq!(
            r.rows_read,
            r.rows_merged + r.rows_rejected + r.rows_skipped,
            "{:?}",
            r
        );
        prop_assert_ne!(r.status, ReturnStatus::Ignored);
        merged_total += r.rows_merged;
    }
    prop_assert_eq!(merged_total, c.events.len());

    // Where each (file, row) went.
    let mut events: BTreeMap<(String, u32), Vec<&str>> = BTreeMap::new();
    for e in &c.events {
        events
            .entry((e.origin.file.to_string(), e.origin.row))
            .or_default()
            .push(e.analysis.as_str());
    }
    let mut errors: BTreeMap<(String, u32), usize> = BTreeMap::new();
    for f in c.findings.iter().filter(|f| f.is_error()) {
        let digits: String = f
            .cell
            .chars()
            .skip_while(|c| c.is_ascii_alphabetic())
            .collect();
        if let Ok(row) = digits.parse::<u32>() {
            *errors.entry((f.file.clone(), row)).or_default() += 1;
        }
    }
    for (i, (_, rows)) in set.iter().enumerate() {
        let file = &names[i];
        let summary = c.returns.iter().find(|r| &r.file == file).unwrap();
        let content = rows.iter().filter(|r| !matches!(r, Row::Blank)).count();
        prop_assert_eq!(summary.rows_read, content, "{}", file);
        for (r, row) in rows.iter().enumerate() {
            let Row::Event {
                date,
                source,
                note,
                details,
                ..
            } = row
            else {
                continue;
            };
            let line = 2 + r as u32;
            let tag = format!("TAG-{i}-{r}");
            let key = (file.clone(), line);
            let merged = events.get(&key).map_or(0, |v| v.len());
            let rejected = errors.get(&key).copied().unwrap_or(0) > 0;
            prop_assert!(
                (merged == 1 && !rejected) || (merged == 0 && rejected),
                "{} row {}: merged {} times, rejected {}: {:?}",
                file,
                line,
                merged,
                rejected,
                row
            );
            if merged == 1 {
                prop_assert_eq!(events[&key][0], tag.as_str());
            }
            // A complete row with a real past date is merged; a broken one
            // is not.
            let complete = *note || (!source.trim().is_empty() && !details.trim().is_empty());
            match date {
                DateCell::Valid(..) if complete => prop_assert_eq!(merged, 1, "{:?}", row),
                DateCell::Valid(..) => prop_assert_eq!(merged, 0, "{:?}", row),
                _ => prop_assert_eq!(merged, 0, "{:?}", row),
            }
        }
    }
    Ok(())
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(48)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn every_event_merged_or_rejected_exactly_once(set in returns()) {
        check(&set)?;
    }
}
