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
//! The engine's own files in a review folder (`merged-chronology.xlsx`,
//! `.json`, `.csv`: the default output of `merge`, or of an earlier batch
//! written into the archive itself; `batch-summary.xlsx` / `.csv`; the
//! workbooks written beside a locked one by `watch`; the glossary and
//! `--config` file) are not read as returns
//! ([`crate::discover::OwnFiles`]). Each review's outputs are written by
//! [`crate::publish::publish`].
//!
//! The module is split by concern: `find` (which folders are reviews, and
//! how new their inputs are), `run` (merging each and the incremental
//! state), `summary` (the summary workbook and CSV).

use std::path::PathBuf;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::config::MergeOptions;

mod find;
mod run;
mod summary;

pub use crate::discover::{STATE_FILE, SUMMARY_CSV, SUMMARY_XLSX};
pub use run::run_batch;

/// Why a batch cannot run at all (a review that fails is a row of the
/// summary, not an error of the batch).
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    /// The archive is not a folder.
    #[error("{} is not a folder", .0.display())]
    NotAFolder(PathBuf),
    /// The output folder cannot be made.
    #[error("cannot make the output folder {}: {source}. Choose another output with -o", path.display())]
    OutputFolder {
        /// The output folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The archive cannot be listed.
    #[error("{}: the archive cannot be read ({source})", path.display())]
    Archive {
        /// The archive.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The worker threads cannot be started.
    #[error("cannot start the worker threads: {0}")]
    Threads(#[from] rayon::ThreadPoolBuildError),
}

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
    /// Also write the timeline page `merged-chronology.html` beside each
    /// workbook.
    pub html: bool,
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
    pub(crate) fn failed(folder: String, workbook: String, message: String, seconds: f64) -> Self {
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
