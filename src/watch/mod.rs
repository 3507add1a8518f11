//! Watch: keep the merged chronology of a review folder current while the
//! returns arrive.
//!
//! [`watch`] merges once at the start, then again whenever a return is
//! added, replaced or removed, or the review configuration changes:
//!
//! - File notifications (the `notify` crate) say that something happened;
//!   a quiet spell ([`WatchOptions::debounce`]) lets one save, which fires
//!   several notifications, count once. The folder is also looked at every
//!   [`WatchOptions::rescan`] in case notifications are lost (network
//!   shares), so a change is never missed, only seen later.
//! - A return whose size or modification time is still changing (being
//!   copied in) is not read until both have held for
//!   [`WatchOptions::settle`].
//! - Only what changed is read again: every return is kept as checked
//!   ([`CheckedReturn`](crate::model::CheckedReturn)) with the size and
//!   time it was read at, and the merge runs over the kept returns. A
//!   change to `review.toml` (or the `--config` file), or a new day (dates
//!   in the future become readable), reads everything again.
//! - Excel lock files, temporary files and the engine's own files (the
//!   workbook, its temporary file `.chronomerge-*.tmp`, the JSON and CSV
//!   exports, the workbooks written beside a locked one, the glossary and
//!   `--config` file: [`crate::discover::OwnFiles`]) never start a merge
//!   and are never read as returns.
//! - The outputs are written by [`crate::publish::publish`]: the workbook
//!   is replaced atomically. When the merge or the write
//!   fails, the previous workbook stays and the failure is reported; when
//!   the workbook is open in a program that locks it, the new one is
//!   written beside it (`merged-chronology (updated 2026-11-26 1530).xlsx`)
//!   and the report says so.
//!
//! Each merge gives one [`WatchEvent`], shown as one line.
//!
//! The module is split by concern: [`events`] (what a merge did, as one
//! line), `state` (what is kept between merges, and one merge), `run`
//! (the loop over file notifications).

use std::time::Duration;

use crate::config::MergeOptions;

pub mod events;
mod run;
mod state;

pub use events::{Changes, Failed, Merged, WatchEvent};
pub use run::watch;

/// Why a folder cannot be watched at all.
#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    /// The review folder is not a folder.
    #[error("{} is not a folder: give the folder that holds the agencies' returns", .0.display())]
    NotAFolder(std::path::PathBuf),
}

/// One line from a message that may span several (a TOML error shows the
/// line in error with a caret under it): the first line and the last, the
/// explanation.
///
/// ```
/// let m = "review.toml: TOML parse error at line 4, column 15\n  |\n4 | x = 2024-13-01\n  |     ^^^\ninvalid date\n";
/// assert_eq!(chronomerge::watch::one_line(m), "review.toml: TOML parse error at line 4, column 15: invalid date");
/// ```
pub fn one_line(message: &str) -> String {
    let lines: Vec<&str> = message
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    match lines.as_slice() {
        [] => String::new(),
        [one] => one.to_string(),
        [first, .., last] => format!("{first}: {last}"),
    }
}

/// How a watch runs.
#[derive(Debug, Clone)]
pub struct WatchOptions {
    /// Review settings, as for `merge`.
    pub merge: MergeOptions,
    /// The merged workbook.
    pub output: std::path::PathBuf,
    /// Also write the review as JSON here after every merge.
    pub json: Option<std::path::PathBuf>,
    /// Also write the chronology as CSV here after every merge.
    pub csv: Option<std::path::PathBuf>,
    /// Also write the timeline page here after every merge.
    pub html: Option<std::path::PathBuf>,
    /// How the workbook is written (a glossary anonymises it and the exports).
    pub write: crate::write::WriteOptions,
    /// Quiet time after the last notification before the folder is looked at.
    pub debounce: Duration,
    /// How long a changed return's size and time must hold before it is read.
    pub settle: Duration,
    /// How often the folder is looked at without any notification.
    pub rescan: Duration,
    /// The longest a merge waits for a file still being copied; after that
    /// the other changes are merged without it.
    pub max_hold: Duration,
    /// Stop after this many merges (successful or failed); for tests.
    pub max_merges: Option<usize>,
    /// Stop after this long; for tests.
    pub exit_after: Option<Duration>,
}

impl WatchOptions {
    /// Options with the usual timings for a review folder and workbook.
    pub fn new(output: std::path::PathBuf) -> Self {
        WatchOptions {
            merge: MergeOptions::default(),
            output,
            json: None,
            csv: None,
            html: None,
            write: crate::write::WriteOptions::default(),
            debounce: Duration::from_millis(200),
            settle: Duration::from_millis(600),
            rescan: Duration::from_secs(2),
            max_hold: Duration::from_secs(20),
            max_merges: None,
            exit_after: None,
        }
    }
}

/// What a whole watch did.
#[derive(Debug, Clone, Default)]
pub struct WatchSummary {
    /// Merges written.
    pub merges: usize,
    /// Merges that failed.
    pub failures: usize,
    /// True when file notifications could not be used and the folder was
    /// only looked at every [`WatchOptions::rescan`].
    pub polling_only: bool,
}
