//! `chronomerge feedback REVIEW_DIR -o OUT_DIR`: one workbook per agency
//! with something to fix, ready to send back (see [`crate::feedback`]).
//! Prints each file written, then the agencies with nothing to fix and
//! those with no return yet. Exit code 0: written (or nothing to write);
//! 2: the folder, its review.toml or the output folder cannot be used, or
//! a file could not be written.

use std::path::PathBuf;

use clap::Args;

use super::{EXIT_FAILED, EXIT_OK};
use crate::feedback::write_feedback;

/// Arguments of `feedback`.
#[derive(Debug, Args)]
pub struct FeedbackArgs {
    /// The review folder holding the agencies' returns.
    pub review_dir: PathBuf,
    /// The folder to write the feedback files in (made if missing; not the
    /// review folder, whose files are read as returns).
    #[arg(short, long, value_name = "OUT_DIR")]
    pub output: PathBuf,
    /// Treat this day as today (YYYY-MM-DD): dates after it are errors.
    #[arg(long, value_name = "DATE", value_parser = crate::config::parse_cli_date)]
    pub today: Option<chrono::NaiveDate>,
    /// A review configuration file to use instead of the folder's review.toml.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// Runs `feedback`.
pub fn run(args: FeedbackArgs) -> i32 {
    if !args.review_dir.is_dir() {
        eprintln!(
            "chronomerge: {} is not a folder: give the folder that holds the agencies' returns",
            args.review_dir.display()
        );
        return EXIT_FAILED;
    }
    if crate::discover::same_file(&args.output, &args.review_dir) {
        eprintln!(
            "chronomerge: write the feedback in another folder than the review folder ({}): every workbook there is read as a return",
            args.review_dir.display()
        );
        return EXIT_FAILED;
    }
    if let Err(e) = std::fs::create_dir_all(&args.output) {
        eprintln!(
            "chronomerge: the folder {} cannot be made ({e})",
            args.output.display()
        );
        return EXIT_FAILED;
    }
    let Some(review) = super::merge_to_report(&args.review_dir, args.today, args.config.as_deref())
    else {
        return EXIT_FAILED;
    };
    match write_feedback(&review, &args.output) {
        Ok(done) => {
            for f in &done.written {
                println!(
                    "Wrote {} ({} error(s), {} warning(s))",
                    f.path.display(),
                    f.errors,
                    f.warnings
                );
            }
            if done.written.is_empty() {
                println!("No feedback to send: no agency's return has anything to fix.");
            }
            if !done.nothing_to_fix.is_empty() {
                println!(
                    "Nothing to fix, no file: {}",
                    done.nothing_to_fix.join(", ")
                );
            }
            if !done.no_return.is_empty() {
                println!(
                    "No return yet, no file (see chronomerge status): {}",
                    done.no_return.join(", ")
                );
            }
            EXIT_OK
        }
        Err(e) => {
            eprintln!("chronomerge: {e}");
            EXIT_FAILED
        }
    }
}
