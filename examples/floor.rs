//! The read + write floor: what calamine costs to read every cell of a
//! review's returns and rust_xlsxwriter costs to write them again, with no
//! checking, date reading, merging or formatting at all. `chronomerge merge`
//! is measured against it (issue 8, `benches/compare.sh`,
//! `benches/pipeline.rs`, `docs/performance.md`).
//!
//! ```text
//! cargo run --release --example floor -- DIR -o OUT.xlsx [--constant-memory] [--zip-level N]
//!                                        [--sequential] [--read-only]
//! ```
//!
//! Every `.xlsx`/`.xlsm`/`.xlsb`/`.xls`/`.ods` file in `DIR` is opened with
//! `open_workbook_auto` and every sheet read with `worksheet_range` (files
//! in parallel with rayon, as the engine reads them, unless `--sequential`).
//! All rows of all sheets are then written, in file and sheet order, to one
//! sheet: one string or number per cell, with a date (or time) format on
//! date cells and no other formatting. Prints the cells read and the
//! seconds spent reading and writing.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use calamine::{open_workbook_auto, Data, Range, Reader};
use rayon::prelude::*;
use rust_xlsxwriter::{Format, Workbook, XlsxError};

/// How the floor writes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteMode {
    /// rust_xlsxwriter's constant-memory worksheet (rows streamed to a
    /// temporary file as they are finished).
    pub constant_memory: bool,
    /// Deflate level of the zip container (1–9; `None` = the default, 6).
    pub zip_level: Option<u8>,
}

/// The spreadsheet returns in a folder, sorted by name (lock files and
/// hidden files skipped, as `chronomerge merge` skips them).
pub fn list_returns(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let ext = p
                .extension()
                .and_then(|e| e.to_str())
                .unwrap_or("")
                .to_ascii_lowercase();
            p.is_file()
                && !name.starts_with("~$")
                && !name.starts_with('.')
                && matches!(ext.as_str(), "xlsx" | "xlsm" | "xlsb" | "xls" | "ods")
        })
        .collect();
    files.sort();
    Ok(files)
}

/// Reads every sheet of one workbook.
pub fn read_file(path: &Path) -> Result<Vec<Range<Data>>, calamine::Error> {
    let mut wb = open_workbook_auto(path)?;
    let names = wb.sheet_names();
    names.iter().map(|n| wb.worksheet_range(n)).collect()
}

/// Reads every sheet of every file (in parallel across files unless
/// `sequential`), in file order.
pub fn read_all(files: &[PathBuf], sequential: bool) -> Result<Vec<Range<Data>>, String> {
    let read = |p: &PathBuf| read_file(p).map_err(|e| format!("{}: {e}", p.display()));
    let per_file: Vec<Vec<Range<Data>>> = if sequential {
        files.iter().map(read).collect::<Result<_, _>>()?
    } else {
        files.par_iter().map(read).collect::<Result<_, _>>()?
    };
    Ok(per_file.into_iter().flatten().collect())
}

/// Number of non-empty cells in the ranges.
pub fn count_cells(ranges: &[Range<Data>]) -> usize {
    ranges
        .iter()
        .map(|r| {
            r.used_cells()
                .filter(|(_, _, c)| !matches!(c, Data::Empty))
                .count()
        })
        .sum()
}

/// Builds a workbook holding every cell of `ranges` on one sheet, one
/// range after another.
pub fn build(ranges: &[Range<Data>], mode: WriteMode) -> Result<Workbook, XlsxError> {
    let mut wb = Workbook::new();
    if let Some(level) = mode.zip_level {
        wb.set_zip_compression_level(level);
    }
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let time = Format::new().set_num_format("hh:mm");
    let ws = if mode.constant_memory {
        wb.add_worksheet_with_constant_memory()?
    } else {
        wb.add_worksheet()
    };
    ws.set_name("Cells")?;
    let mut base: u32 = 0;
    for range in ranges {
        let Some((r0, c0)) = range.start() else {
            continue;
        };
        let mut last = 0u32;
        for (dr, row) in range.rows().enumerate() {
            let r = base + r0 + dr as u32;
            last = r;
            for (dc, cell) in row.iter().enumerate() {
                let c = (c0 as usize + dc) as u16;
                match cell {
                    Data::Empty => {}
                    Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => {
                        ws.write_string(r, c, s)?;
                    }
                    Data::Float(f) => {
                        ws.write_number(r, c, *f)?;
                    }
                    Data::Int(i) => {
                        ws.write_number(r, c, *i as f64)?;
                    }
                    Data::Bool(b) => {
                        ws.write_boolean(r, c, *b)?;
                    }
                    Data::DateTime(d) => {
                        let v = d.as_f64();
                        let f = if v < 1.0 { &time } else { &date };
                        ws.write_number_with_format(r, c, v, f)?;
                    }
                    Data::Error(e) => {
                        ws.write_string(r, c, e.to_string())?;
                    }
                }
            }
        }
        base = last + 1;
    }
    Ok(wb)
}

/// Builds and saves the workbook to `out`.
pub fn write_all(ranges: &[Range<Data>], out: &Path, mode: WriteMode) -> Result<(), XlsxError> {
    let mut wb = build(ranges, mode)?;
    wb.save(out)
}

#[allow(dead_code)] // unused when this file is included by benches/pipeline.rs
pub fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = || {
        eprintln!(
            "usage: floor DIR -o OUT.xlsx [--constant-memory] [--zip-level N] [--sequential] [--read-only]"
        );
        ExitCode::from(2)
    };
    let mut dir: Option<PathBuf> = None;
    let mut out: Option<PathBuf> = None;
    let mut mode = WriteMode::default();
    let mut sequential = false;
    let mut read_only = false;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "-o" | "--out" => {
                i += 1;
                match args.get(i) {
                    Some(v) => out = Some(PathBuf::from(v)),
                    None => return usage(),
                }
            }
            "--zip-level" => {
                i += 1;
                match args.get(i).and_then(|v| v.parse().ok()) {
                    Some(n) => mode.zip_level = Some(n),
                    None => return usage(),
                }
            }
            "--constant-memory" => mode.constant_memory = true,
            "--sequential" => sequential = true,
            "--read-only" => read_only = true,
            a if a.starts_with('-') => return usage(),
            a => dir = Some(PathBuf::from(a)),
        }
        i += 1;
    }
    let Some(dir) = dir else { return usage() };
    if out.is_none() && !read_only {
        return usage();
    }
    let t0 = Instant::now();
    let files = match list_returns(&dir) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("floor: {}: {e}", dir.display());
            return ExitCode::FAILURE;
        }
    };
    let ranges = match read_all(&files, sequential) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("floor: {e}");
            return ExitCode::FAILURE;
        }
    };
    let read = t0.elapsed().as_secs_f64();
    let cells = count_cells(&ranges);
    let mut write = 0.0;
    if let (false, Some(out)) = (read_only, out) {
        let t1 = Instant::now();
        if let Err(e) = write_all(&ranges, &out, mode) {
            eprintln!("floor: {}: {e}", out.display());
            return ExitCode::FAILURE;
        }
        write = t1.elapsed().as_secs_f64();
    }
    println!(
        "floor: {} files, {cells} cells; read {read:.3} s, write {write:.3} s",
        files.len()
    );
    ExitCode::SUCCESS
}
