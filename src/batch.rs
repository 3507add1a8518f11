//! Batch: merge every review in an archive, in parallel.
//!
//! Each folder under the archive (at any depth) that holds at least one
//! return, or a file that looks like one but cannot be read (a PDF, a Word
//! document with no chronology table), is a review; a text file makes a
//! review only when it holds a chronology. A review whose folder turns out
//! to hold no return fails, and so does a batch that finds no review.
//! Each is merged on its own (one bad review never stops the rest, and a
//! panic inside one becomes a failed row), into
//! `OUT_DIR/<same relative path>/merged-chronology.xlsx`, with
//! `merged-chronology.json` and `.csv` beside it when asked. A summary with
//! one row per review is written as `OUT_DIR/batch-summary.xlsx` and
//! `OUT_DIR/batch-summary.csv`.
//!
//! Incremental runs skip a review whose workbook is newer than every one of
//! its inputs (the returns, `review.toml`, the folder itself, which changes
//! when a file is added or removed, the `--config` and `--glossary` files)
//! and that was made with the same settings; its row is carried over from the last run, kept in
//! `OUT_DIR/.chronomerge-batch.json`.
//!
//! Files named `merged-chronology.xlsx` or `.csv` in a review folder (the
//! default output of `merge`, or of an earlier batch written into the
//! archive itself), `batch-summary.xlsx` / `.csv`, and workbooks written
//! beside a locked one by `watch` are not read as returns.

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime};

use chrono::NaiveDate;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::export::neutralise;
use crate::model::{FileKind, Format, ReturnStatus};
use crate::pipeline::{merge_dir, same_file, MergeOptions};

/// The name of each review's workbook in the output folder.
pub const WORKBOOK: &str = "merged-chronology.xlsx";
/// The summary workbook in the output folder.
pub const SUMMARY_XLSX: &str = "batch-summary.xlsx";
/// The summary CSV in the output folder.
pub const SUMMARY_CSV: &str = "batch-summary.csv";
/// What an incremental run remembers, in the output folder.
pub const STATE_FILE: &str = ".chronomerge-batch.json";

/// How a batch runs.
#[derive(Debug, Clone, Default)]
pub struct BatchOptions {
    /// Settings applied to every review (each review's `review.toml` still
    /// applies where these say nothing).
    pub merge: MergeOptions,
    /// Reviews merged at once (default: one per core).
    pub jobs: Option<usize>,
    /// Skip reviews whose inputs have not changed since their workbook
    /// was written with the same settings.
    pub incremental: bool,
    /// Also write `merged-chronology.json` beside each workbook.
    pub json: bool,
    /// Also write `merged-chronology.csv` beside each workbook.
    pub csv: bool,
    /// How each workbook is written (a glossary anonymises the workbooks,
    /// the exports and the summary).
    pub write: crate::write::WriteOptions,
}

/// What happened to one review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewStatus {
    /// Merged; no errors.
    Merged,
    /// Merged; some rows or returns were rejected.
    MergedWithErrors,
    /// Skipped: nothing changed since the last run.
    Unchanged,
    /// Could not be merged or written.
    Failed,
    /// The workbook was written, but its JSON or CSV was not (the message
    /// says why).
    WrittenInPart,
}

impl ReviewStatus {
    /// The words shown in the summary.
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewStatus::Merged => "merged",
            ReviewStatus::MergedWithErrors => "merged with errors",
            ReviewStatus::Unchanged => "unchanged",
            ReviewStatus::Failed => "failed",
            ReviewStatus::WrittenInPart => "written in part",
        }
    }
}

/// One row of the summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewRow {
    /// The review's folder, relative to the archive (`.` for the archive itself).
    pub folder: String,
    /// Review reference (review.toml, else the one the returns give).
    pub reference: String,
    /// What happened.
    pub status: ReviewStatus,
    /// Returns merged.
    pub returns: usize,
    /// Returns rejected whole.
    pub returns_rejected: usize,
    /// Agencies in the chronology.
    pub agencies: usize,
    /// Events merged.
    pub events: usize,
    /// Rows rejected.
    pub rejected_rows: usize,
    /// Error findings.
    pub errors: usize,
    /// Warning findings.
    pub warnings: usize,
    /// Review period start (review.toml).
    pub period_from: Option<NaiveDate>,
    /// Review period end (review.toml).
    pub period_to: Option<NaiveDate>,
    /// Earliest event.
    pub first_event: Option<NaiveDate>,
    /// Latest event.
    pub last_event: Option<NaiveDate>,
    /// Candidate key practice episodes found.
    pub episodes: usize,
    /// Expected agencies with no return.
    pub missing_agencies: Vec<String>,
    /// Seconds taken to merge and write (0 when unchanged).
    pub seconds: f64,
    /// The workbook, relative to the output folder.
    pub workbook: String,
    /// Why it failed, or a note.
    pub message: String,
}

impl ReviewRow {
    fn failed(folder: String, workbook: String, message: String, seconds: f64) -> Self {
        ReviewRow {
            folder,
            reference: String::new(),
            status: ReviewStatus::Failed,
            returns: 0,
            returns_rejected: 0,
            agencies: 0,
            events: 0,
            rejected_rows: 0,
            errors: 0,
            warnings: 0,
            period_from: None,
            period_to: None,
            first_event: None,
            last_event: None,
            episodes: 0,
            missing_agencies: vec![],
            seconds,
            workbook,
            message,
        }
    }
}

/// The whole batch.
#[derive(Debug, Clone)]
pub struct BatchReport {
    /// One row per review, by folder.
    pub rows: Vec<ReviewRow>,
    /// The summary workbook.
    pub summary_xlsx: PathBuf,
    /// The summary CSV.
    pub summary_csv: PathBuf,
    /// Wall-clock seconds for the whole batch.
    pub seconds: f64,
    /// Why the summary workbook or CSV could not be written (empty when
    /// both were).
    pub summary_errors: Vec<String>,
}

impl BatchReport {
    /// Reviews that failed.
    pub fn failed(&self) -> usize {
        self.count(ReviewStatus::Failed)
    }

    /// Reviews with the given status.
    pub fn count(&self, s: ReviewStatus) -> usize {
        self.rows.iter().filter(|r| r.status == s).count()
    }
}

/// What an incremental run keeps between runs.
#[derive(Debug, Default, Serialize, Deserialize)]
struct BatchState {
    settings: String,
    reviews: BTreeMap<String, ReviewRow>,
}

fn is_ignored_output(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    [WORKBOOK, "merged-chronology.csv", SUMMARY_XLSX, SUMMARY_CSV]
        .iter()
        .any(|n| name.eq_ignore_ascii_case(n))
        || crate::watch::is_own_file(&path.with_file_name(WORKBOOK), path)
}

/// The review folders under `archive` (relative paths, sorted; empty for
/// the archive itself). Hidden folders, links to folders and `skip` (the
/// output folder, when it lies inside the archive) are not entered.
pub fn find_reviews(archive: &Path, skip: Option<&Path>) -> std::io::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        let dir = archive.join(&rel);
        let files = crate::discover::scan(&dir)?;
        // A folder holding anything that looks like a return is a review,
        // even when none of it can be read (only PDFs, a Word document
        // with no chronology table): it is then a failed review, not
        // passed over. Text files are notes unless they hold a chronology.
        if files.iter().any(|f| match f.kind {
            FileKind::Return(Format::Text) => crate::ingest::text_file_is_chronology(&f.path),
            FileKind::Return(_) | FileKind::NotRead(_) => !is_ignored_output(&f.path),
            FileKind::Ignored(_) => false,
        }) {
            found.push(rel.clone());
        }
        for entry in std::fs::read_dir(&dir)? {
            let entry = entry?;
            let ft = entry.file_type()?;
            if !ft.is_dir() {
                continue;
            }
            let name = entry.file_name();
            if name.to_string_lossy().starts_with('.') {
                continue;
            }
            if skip.is_some_and(|s| same_file(s, &entry.path())) {
                continue;
            }
            stack.push(rel.join(name));
        }
    }
    found.sort();
    Ok(found)
}

fn rel_string(rel: &Path) -> String {
    if rel.as_os_str().is_empty() {
        ".".into()
    } else {
        rel.components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/")
    }
}

/// The newest modification time of a review's inputs: its files, the
/// folder itself, and the configuration and glossary files given on the
/// command line.
fn newest_input(dir: &Path, opts: &MergeOptions) -> Option<SystemTime> {
    let mut newest = std::fs::metadata(dir).and_then(|m| m.modified()).ok()?;
    for f in crate::discover::scan(dir).ok()? {
        if is_ignored_output(&f.path) {
            continue;
        }
        let t = std::fs::metadata(&f.path).and_then(|m| m.modified()).ok()?;
        newest = newest.max(t);
    }
    for f in opts.config_file.iter().chain(opts.glossary.iter()) {
        let t = std::fs::metadata(f).and_then(|m| m.modified()).ok()?;
        newest = newest.max(t);
    }
    Some(newest)
}

fn modified(p: &Path) -> Option<SystemTime> {
    std::fs::metadata(p).and_then(|m| m.modified()).ok()
}

fn settings_key(opts: &BatchOptions) -> String {
    format!(
        "chronomerge {} | {:?} | json={} csv={}",
        env!("CARGO_PKG_VERSION"),
        opts.merge,
        opts.json,
        opts.csv
    )
}

/// Merges one review and writes its outputs.
fn merge_one(dir: &Path, out_dir: &Path, folder: String, opts: &BatchOptions) -> ReviewRow {
    let started = Instant::now();
    let workbook = out_dir.join(WORKBOOK);
    let workbook_rel = if folder == "." {
        WORKBOOK.to_string()
    } else {
        format!("{folder}/{WORKBOOK}")
    };
    let fail = |m: String| {
        // No workbook was written: the summary points at none.
        ReviewRow::failed(
            folder.clone(),
            String::new(),
            crate::watch::one_line(&m),
            started.elapsed().as_secs_f64(),
        )
    };
    if let Err(e) = std::fs::create_dir_all(out_dir) {
        return fail(format!("cannot make {}: {e}", out_dir.display()));
    }
    let mut mopts = opts.merge.clone();
    mopts.exclude.push(dir.join(WORKBOOK));
    if let Ok(files) = crate::discover::scan(dir) {
        mopts.exclude.extend(
            files
                .into_iter()
                .filter(|f| is_ignored_output(&f.path))
                .map(|f| f.path),
        );
    }
    let review = match merge_dir(dir, &mopts) {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    // A review folder with no return is a failed review, not an empty one.
    if let Some(msg) = review.no_returns() {
        return fail(msg);
    }
    if let Err(e) = crate::write::write_workbook_with(&review, &workbook, &opts.write) {
        return fail(e.to_string());
    }
    let mut notes = Vec::new();
    if opts.json {
        let g = opts.write.glossary.as_ref();
        if let Err(e) =
            crate::export::write_json_with(&review, &out_dir.join("merged-chronology.json"), g)
        {
            notes.push(format!(
                "JSON not written: {e}. Choose another output with -o"
            ));
        }
    }
    if opts.csv {
        let g = opts.write.glossary.as_ref();
        if let Err(e) =
            crate::export::write_csv_with(&review, &out_dir.join("merged-chronology.csv"), g)
        {
            notes.push(format!(
                "CSV not written: {e}. Choose another output with -o"
            ));
        }
    }
    let chron = &review.chronology;
    let count = |s: ReturnStatus| chron.returns.iter().filter(|r| r.status == s).count();
    let reference = review.config.review.clone().unwrap_or_else(|| {
        let mut refs: BTreeMap<&str, usize> = BTreeMap::new();
        for r in &chron.returns {
            let t = r.review_reference.trim();
            if !t.is_empty() {
                *refs.entry(t).or_default() += 1;
            }
        }
        refs.into_iter()
            .max_by_key(|(_, n)| *n)
            .map(|(r, _)| r.to_string())
            .unwrap_or_default()
    });
    let errors = review.errors();
    let failed_exports = !notes.is_empty();
    ReviewRow {
        folder,
        reference,
        status: if failed_exports {
            ReviewStatus::WrittenInPart
        } else if errors > 0 {
            ReviewStatus::MergedWithErrors
        } else {
            ReviewStatus::Merged
        },
        returns: count(ReturnStatus::Merged) + count(ReturnStatus::MergedWithWarnings),
        returns_rejected: count(ReturnStatus::Rejected),
        agencies: chron.agencies.len(),
        events: chron.events.len(),
        rejected_rows: chron.returns.iter().map(|r| r.rows_rejected).sum(),
        errors,
        warnings: review.warnings(),
        period_from: review.config.period_from,
        period_to: review.config.period_to,
        first_event: chron.events.iter().map(|e| e.date.start).min(),
        last_event: chron.events.iter().map(|e| e.date.last_day()).max(),
        episodes: review.analysis.episodes.len(),
        missing_agencies: crate::export::missing_agencies(&review),
        seconds: started.elapsed().as_secs_f64(),
        workbook: workbook_rel,
        message: notes.join("; "),
    }
}

/// Merges every review under `archive` into `out`. `on_done` is called
/// (from worker threads) as each review finishes, with the number of
/// reviews found. `Err` only when the archive cannot be read or the output
/// folder cannot be made; a summary that cannot be written is in
/// [`BatchReport::summary_errors`].
pub fn run_batch(
    archive: &Path,
    out: &Path,
    opts: &BatchOptions,
    on_start: &dyn Fn(usize),
    on_done: &(dyn Fn(&ReviewRow) + Sync),
) -> Result<BatchReport, String> {
    let started = Instant::now();
    if !archive.is_dir() {
        return Err(format!("{} is not a folder", archive.display()));
    }
    std::fs::create_dir_all(out).map_err(|e| {
        format!(
            "cannot make the output folder {}: {e}. Choose another output with -o",
            out.display()
        )
    })?;
    let skip = (!same_file(archive, out)).then_some(out);
    let reviews = find_reviews(archive, skip)
        .map_err(|e| format!("{}: the archive cannot be read ({e})", archive.display()))?;
    on_start(reviews.len());
    let state_path = out.join(STATE_FILE);
    let settings = settings_key(opts);
    let old: BatchState = std::fs::read(&state_path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .filter(|s: &BatchState| s.settings == settings)
        .unwrap_or_default();
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(n) = opts.jobs {
        builder = builder.num_threads(n.max(1));
    }
    let pool = builder
        .build()
        .map_err(|e| format!("cannot start the worker threads: {e}"))?;
    let rows: Vec<ReviewRow> = pool.install(|| {
        reviews
            .par_iter()
            .map(|rel| {
                let folder = rel_string(rel);
                let dir = archive.join(rel);
                let out_dir = out.join(rel);
                if opts.incremental {
                    if let Some(prev) = old.reviews.get(&folder) {
                        let wb = out_dir.join(WORKBOOK);
                        let fresh = !matches!(
                            prev.status,
                            ReviewStatus::Failed | ReviewStatus::WrittenInPart
                        )
                            && match (modified(&wb), newest_input(&dir, &opts.merge)) {
                                (Some(w), Some(i)) => w >= i,
                                _ => false,
                            }
                            && (!opts.json || out_dir.join("merged-chronology.json").is_file())
                            && (!opts.csv || out_dir.join("merged-chronology.csv").is_file());
                        if fresh {
                            let mut row = prev.clone();
                            row.status = ReviewStatus::Unchanged;
                            row.seconds = 0.0;
                            on_done(&row);
                            return row;
                        }
                    }
                }
                let row = catch_unwind(AssertUnwindSafe(|| {
                    merge_one(&dir, &out_dir, folder.clone(), opts)
                }))
                .unwrap_or_else(|_| {
                    ReviewRow::failed(
                        folder.clone(),
                        String::new(),
                        "the engine failed on this review (please report it to the chronomerge maintainers)"
                            .into(),
                        0.0,
                    )
                });
                on_done(&row);
                row
            })
            .collect()
    });
    // Remember what was merged, carrying the status of unchanged rows.
    let mut state = BatchState {
        settings,
        reviews: BTreeMap::new(),
    };
    for r in &rows {
        let mut keep = r.clone();
        if r.status == ReviewStatus::Unchanged {
            if let Some(prev) = old.reviews.get(&r.folder) {
                keep.status = prev.status;
                keep.seconds = prev.seconds;
            }
        }
        state.reviews.insert(r.folder.clone(), keep);
    }
    if let Ok(bytes) = serde_json::to_vec_pretty(&state) {
        // An incremental run that cannot remember simply merges again.
        let _ = crate::export::write_atomically(&state_path, &bytes);
    }
    let summary_xlsx = out.join(SUMMARY_XLSX);
    let summary_csv = out.join(SUMMARY_CSV);
    // The summary is shared like the workbooks: anonymised the same way.
    let shown: Vec<ReviewRow> = match &opts.write.glossary {
        None => rows.clone(),
        Some(g) => rows
            .iter()
            .map(|r| {
                let a = |s: &str| g.replace(s).0.into_owned();
                ReviewRow {
                    folder: a(&r.folder),
                    reference: a(&r.reference),
                    missing_agencies: r.missing_agencies.iter().map(|m| a(m)).collect(),
                    workbook: a(&r.workbook),
                    message: a(&r.message),
                    ..r.clone()
                }
            })
            .collect(),
    };
    // The reviews' workbooks are written by now: a summary that cannot be
    // written is said, not a failure of the whole batch.
    let mut summary_errors = Vec::new();
    if let Err(e) = write_summary_xlsx(&shown, &summary_xlsx) {
        summary_errors.push(e.to_string());
    }
    match summary_csv_bytes(&shown) {
        Ok(b) => {
            if let Err(e) = crate::export::write_atomically(&summary_csv, &b) {
                summary_errors.push(format!("{e}. Choose another output with -o"));
            }
        }
        Err(e) => summary_errors.push(e),
    }
    Ok(BatchReport {
        rows,
        summary_xlsx,
        summary_csv,
        seconds: started.elapsed().as_secs_f64(),
        summary_errors,
    })
}

/// The headings of the summary workbook and CSV.
pub const SUMMARY_HEADINGS: [&str; 19] = [
    "Review folder",
    "Reference",
    "Status",
    "Returns merged",
    "Returns rejected",
    "Agencies",
    "Events",
    "Rejected rows",
    "Errors",
    "Warnings",
    "Period from",
    "Period to",
    "First event",
    "Last event",
    "Episodes found",
    "Agencies missing",
    "Time taken (s)",
    "Workbook",
    "Message",
];

enum Field {
    Text(String),
    Number(f64),
    Date(Option<NaiveDate>),
}

fn fields(r: &ReviewRow) -> [Field; 19] {
    use Field::*;
    [
        Text(r.folder.clone()),
        Text(r.reference.clone()),
        Text(r.status.as_str().into()),
        Number(r.returns as f64),
        Number(r.returns_rejected as f64),
        Number(r.agencies as f64),
        Number(r.events as f64),
        Number(r.rejected_rows as f64),
        Number(r.errors as f64),
        Number(r.warnings as f64),
        Date(r.period_from),
        Date(r.period_to),
        Date(r.first_event),
        Date(r.last_event),
        Number(r.episodes as f64),
        Text(r.missing_agencies.join(", ")),
        Number((r.seconds * 1000.0).round() / 1000.0),
        Text(r.workbook.clone()),
        Text(r.message.clone()),
    ]
}

fn summary_csv_bytes(rows: &[ReviewRow]) -> Result<Vec<u8>, String> {
    let mut out = vec![0xEF, 0xBB, 0xBF];
    {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        let err = |e: csv::Error| format!("the summary CSV could not be made: {e}");
        w.write_record(SUMMARY_HEADINGS).map_err(err)?;
        for r in rows {
            let rec: Vec<String> = fields(r)
                .into_iter()
                .map(|f| match f {
                    Field::Text(s) => neutralise(&s).into_owned(),
                    Field::Number(n) => crate::model::fmt_number(n),
                    Field::Date(d) => d
                        .map(|d| d.format(crate::dates::display::DAY).to_string())
                        .unwrap_or_default(),
                })
                .collect();
            w.write_record(&rec).map_err(err)?;
        }
        w.flush()
            .map_err(|e| format!("the summary CSV could not be made: {e}"))?;
    }
    Ok(out)
}

fn write_summary_xlsx(rows: &[ReviewRow], path: &Path) -> Result<(), crate::write::WriteError> {
    use rust_xlsxwriter::{Color, Format, FormatBorder, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Reviews")?;
    let head = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_background_color(Color::RGB(0x1F3864))
        .set_font_color(Color::White)
        .set_border(FormatBorder::Thin);
    let failed = Format::new().set_background_color(Color::RGB(0xF8CBAD));
    let plain = Format::new();
    let date = Format::new().set_num_format(crate::dates::display::EXCEL_DAY);
    let failed_date = failed
        .clone()
        .set_num_format(crate::dates::display::EXCEL_DAY);
    let widths = [
        28.0, 16.0, 16.0, 9.0, 9.0, 9.0, 9.0, 9.0, 8.0, 9.0, 11.0, 11.0, 11.0, 11.0, 9.0, 24.0,
        9.0, 36.0, 50.0,
    ];
    for (c, h) in SUMMARY_HEADINGS.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &head)?;
        ws.set_column_width(c as u16, widths[c])?;
    }
    ws.set_freeze_panes(1, 1)?;
    for (i, r) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        let bad = matches!(r.status, ReviewStatus::Failed | ReviewStatus::WrittenInPart);
        let (tf, df) = if bad {
            (&failed, &failed_date)
        } else {
            (&plain, &date)
        };
        for (c, f) in fields(r).into_iter().enumerate() {
            let c = c as u16;
            match f {
                Field::Text(s) if s.is_empty() => {
                    ws.write_blank(row, c, tf)?;
                }
                Field::Text(s) => {
                    ws.write_string_with_format(row, c, &s, tf)?;
                }
                Field::Number(n) => {
                    ws.write_number_with_format(row, c, n, tf)?;
                }
                Field::Date(Some(d)) => {
                    let serial =
                        crate::dates::datetime_to_serial(d.and_time(chrono::NaiveTime::MIN));
                    ws.write_number_with_format(row, c, serial, df)?;
                }
                Field::Date(None) => {
                    ws.write_blank(row, c, tf)?;
                }
            }
        }
    }
    ws.autofilter(
        0,
        0,
        rows.len().max(1) as u32,
        (SUMMARY_HEADINGS.len() - 1) as u16,
    )?;
    crate::write::save_atomically(&mut wb, path)
}
