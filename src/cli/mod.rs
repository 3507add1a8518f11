//! The command line: one file per subcommand. `main.rs` only parses the
//! arguments with [`Cli`] and calls [`run`], which installs the process's
//! panic hook (`process`) and runs the subcommand.

use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand};

use crate::config::MergeOptions;
use crate::review::MergedReview;
use crate::write::WriteOptions;

pub mod batch;
pub mod check;
pub mod feedback;
pub mod merge;
mod process;
pub mod status;
pub mod template;
pub mod watch;

/// Exit code: everything merged or checked with no errors.
pub const EXIT_OK: i32 = 0;
/// Exit code: the returns have errors (rows or files rejected).
pub const EXIT_FINDINGS: i32 = 1;
/// Exit code: the job could not be done (folder, file or output unusable).
pub const EXIT_FAILED: i32 = 2;
/// Exit code: written in part. The workbook was written but a file asked
/// for besides it was not (`--json`, `--csv`; for `batch`, a review's
/// JSON or CSV, or the summary).
pub const EXIT_PARTIAL: i32 = 3;

/// Merge the chronology returns of a child safeguarding practice review
/// into one colour-coded multi-agency chronology.
#[derive(Debug, Parser)]
#[command(name = "chronomerge", version, about, long_about = None, max_term_width = 100)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Merge every return in a review folder into one workbook.
    ///
    /// Reads every .xlsx, .xlsm, .xls, .xlsb, .ods and .csv file in the
    /// folder, the tables of .docx files and Excel's Unicode Text (.txt)
    /// when they hold a chronology, checks each against the template, and
    /// writes the merged chronology with its findings. Exit code 0: no
    /// errors; 1: some rows or returns were rejected (see the Findings
    /// sheet); 2: nothing could be written, or the folder holds no return;
    /// 3: the workbook was written but the --json or --csv file was not.
    ///
    /// Every event has a Ref (WYP-0001) that stays the same across
    /// re-merges, kept in chronomerge-refs.json in the review folder. Type
    /// your notes in the workbook's Reviewer notes and Reviewer KPE
    /// columns: when merge writes over the workbook, it carries each note
    /// to the same event (by Ref, or by agency, date and close wording
    /// when the return was corrected), puts any whose event is gone on the
    /// 'Reviewer notes not placed' sheet, and keeps the old workbook in
    /// the 'previous' folder beside it. A workbook it cannot read is never
    /// written over (exit code 2).
    Merge(merge::MergeArgs),
    /// Check returns before sending them, or on arrival.
    ///
    /// Prints one line per finding: `file › sheet › cell: severity code:
    /// message`. Exit code 0: no errors; 1: errors; 2: a file could not be
    /// read at all, is not a return, or a folder given holds no return.
    Check(check::CheckArgs),
    /// Write the blank return to send to the agencies.
    ///
    /// The workbook has the Guidance, Agency details and Chronology sheets,
    /// with the review reference and period filled in when given (--review,
    /// --from, --to or --config). With --config, Guidance carries the
    /// Terms of Reference (reference, period, the date the return is due,
    /// the contact, the key lines of enquiry) and, when the review has key
    /// lines of enquiry, Chronology gains an optional Key line of enquiry
    /// column with a dropdown of them. The headings are locked, the Date,
    /// Event type and Key line of enquiry columns are checked as the
    /// agency types, and a return filled in correctly passes `check` with
    /// no findings.
    Template(template::TemplateArgs),
    /// Keep the merged chronology of a review folder current as returns arrive.
    ///
    /// Merges once, then again whenever a return is added, replaced or
    /// removed or review.toml changes, printing one line per merge. A file
    /// still being copied in is read once its size and time have settled.
    /// If the workbook is open in a program that locks it, the new one is
    /// written beside it. Ctrl-C stops.
    ///
    /// As with merge, each merge keeps the Refs, carries the reviewer's
    /// notes over to the new workbook and keeps the old one in the
    /// 'previous' folder.
    Watch(watch::WatchArgs),
    /// Merge every review in an archive, in parallel.
    ///
    /// Each folder under ARCHIVE_DIR that holds returns is a review; each
    /// gets a workbook at the same relative path under OUT_DIR, and
    /// batch-summary.xlsx / .csv list every review. Exit code 0: all merged
    /// with no errors; 1: some reviews have errors; 2: some reviews failed
    /// (a review folder with no return fails), or no review was found;
    /// 3: every workbook was written, but some JSON or CSV files (or the
    /// summary) were not. Nothing is written into the archive: each
    /// review's Refs are numbered in order, without its ref store.
    Batch(batch::BatchArgs),
    /// Show where every agency's return stands, and whom to chase.
    ///
    /// For every agency review.toml expects and every return in the
    /// folder: received (the day its file was saved), needs fixes (how
    /// many errors and warnings), outstanding (days left until the due
    /// date), overdue (by how many days) or superseded; then the list to
    /// chase with each agency's contact. The due date is review.toml's
    /// returns_due, else returns_sent + 14 days; with neither, no agency
    /// is ever overdue. Writes nothing. Exit code 0; 2: the folder or its
    /// review.toml cannot be read.
    Status(status::StatusArgs),
    /// Write one feedback workbook per agency that has something to fix.
    ///
    /// Each `<agency> - feedback <review>.xlsx` lists every error and
    /// warning in that agency's return: file, sheet, cell, what is wrong,
    /// what to do, and the row as the agency wrote it, under a cover with
    /// the due date and contact. No file for agencies with nothing to fix,
    /// for superseded returns, or for agencies with no return yet. Exit
    /// code 0; 2: the folder, its review.toml or OUT_DIR cannot be used.
    Feedback(feedback::FeedbackArgs),
}

/// Review settings shared by `merge` and `check`. Each overrides the
/// review folder's `review.toml`.
#[derive(Debug, Clone, Args)]
pub struct ReviewArgs {
    /// The review reference every return must give, e.g. LCSPR-2024-03.
    #[arg(long, value_name = "REF")]
    pub review: Option<String>,
    /// First day of the review period (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = crate::config::parse_cli_date)]
    pub from: Option<chrono::NaiveDate>,
    /// Last day of the review period (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = crate::config::parse_cli_date)]
    pub to: Option<chrono::NaiveDate>,
    /// Days either side of the period before a date is marked outside it.
    #[arg(long, value_name = "DAYS")]
    pub margin_days: Option<i64>,
    /// A review configuration file to use instead of the folder's review.toml.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The agency of a CSV export or text file that has no Agency column,
    /// or of a Word document with no Agency line.
    #[arg(long, value_name = "NAME")]
    pub agency: Option<String>,
    /// Treat this day as today (YYYY-MM-DD): dates after it are errors.
    #[arg(long, value_name = "DATE", value_parser = crate::config::parse_cli_date, hide = true)]
    pub today: Option<chrono::NaiveDate>,
}

impl ReviewArgs {
    /// The merge options these arguments give.
    pub fn options(&self) -> MergeOptions {
        MergeOptions {
            review: self.review.clone(),
            from: self.from,
            to: self.to,
            margin_days: self.margin_days,
            agency: self.agency.clone(),
            today: self.today,
            config_file: self.config.clone(),
            ..MergeOptions::default()
        }
    }

    /// The options of a command that writes workbooks (`merge`, `watch`,
    /// `batch`): these arguments' merge options with the glossary and the
    /// marking given, and the write options they settle; `None` after
    /// saying why the glossary cannot be used.
    fn writing_options(
        &self,
        glossary: Option<&Path>,
        marking: Option<&str>,
    ) -> Option<(MergeOptions, WriteOptions)> {
        let mut merge = self.options();
        merge.glossary = glossary.map(PathBuf::from);
        merge.marking = marking.map(String::from);
        match WriteOptions::from_merge_options(&merge) {
            Ok(write) => Some((merge, write)),
            Err(e) => {
                eprintln!("chronomerge: {e}");
                None
            }
        }
    }
}

/// A review folder merged for a command that reports on it (`status`,
/// `feedback`): with `today` as the day, and the configuration file given
/// instead of the folder's review.toml; `None` after saying why it could
/// not be.
fn merge_to_report(
    review_dir: &Path,
    today: Option<chrono::NaiveDate>,
    config: Option<&Path>,
) -> Option<MergedReview> {
    let opts = MergeOptions {
        today,
        config_file: config.map(PathBuf::from),
        ..MergeOptions::default()
    };
    match crate::pipeline::merge_dir(review_dir, &opts) {
        Ok(r) => Some(r),
        Err(e) => {
            eprintln!("chronomerge: {e}");
            None
        }
    }
}

/// Runs a parsed command line and returns the process exit code.
pub fn run(cli: Cli) -> i32 {
    process::install_panic_hook();
    match cli.command {
        Command::Merge(a) => merge::run(a),
        Command::Check(a) => check::run(a),
        Command::Template(a) => template::run(a),
        Command::Watch(a) => watch::run(a),
        Command::Batch(a) => batch::run(a),
        Command::Status(a) => status::run(a),
        Command::Feedback(a) => feedback::run(a),
    }
}
