//! `chronomerge batch ARCHIVE_DIR -o OUT_DIR`

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Mutex;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use super::{ReviewArgs, EXIT_FAILED, EXIT_FINDINGS, EXIT_OK, EXIT_PARTIAL};
use crate::batch::{run_batch, BatchOptions, ReviewRow, ReviewStatus};

/// Arguments of `batch`.
#[derive(Debug, Args)]
pub struct BatchArgs {
    /// The archive: every folder under it that holds returns is a review.
    pub archive_dir: PathBuf,
    /// Where to write one workbook per review (same relative path) and the
    /// summary (batch-summary.xlsx, batch-summary.csv).
    #[arg(short, long, value_name = "OUT_DIR")]
    pub output: PathBuf,
    /// Reviews merged at once [default: one per core].
    #[arg(short, long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Skip reviews whose returns and review.toml have not changed since
    /// their workbook was written with the same settings.
    #[arg(long)]
    pub incremental: bool,
    /// Also write merged-chronology.json beside each workbook.
    #[arg(long)]
    pub json: bool,
    /// Also write merged-chronology.csv beside each workbook.
    #[arg(long)]
    pub csv: bool,
    /// Also write the reviewer's timeline page, merged-chronology.html
    /// (one self-contained HTML file), beside each workbook.
    #[arg(long)]
    pub html: bool,
    /// Settings for every review (each review's review.toml applies where
    /// these say nothing).
    #[command(flatten)]
    pub review: ReviewArgs,
    /// Anonymise every workbook (and the JSON, CSV and summary) with a
    /// glossary: a two-column CSV of real text and its replacement.
    #[arg(long, value_name = "FILE")]
    pub glossary: Option<PathBuf>,
    /// The protective marking printed in every workbook's header
    /// [default: each review.toml's marking, else OFFICIAL-SENSITIVE].
    #[arg(long, value_name = "TEXT")]
    pub marking: Option<String>,
    /// Print only failures.
    #[arg(short, long)]
    pub quiet: bool,
}

fn line(r: &ReviewRow) -> String {
    match r.status {
        ReviewStatus::Failed => format!("{}: FAILED: {}", r.folder, r.message),
        ReviewStatus::Unchanged => format!("{}: unchanged, skipped", r.folder),
        ReviewStatus::WrittenInPart => format!(
            "{}: WRITTEN IN PART: the workbook {} was written; {}",
            r.folder, r.workbook, r.message
        ),
        _ => format!(
            "{}: {} return(s), {} event(s), {} error(s), {} warning(s), {} episode(s) ({:.2} s)",
            r.folder, r.returns, r.events, r.errors, r.warnings, r.episodes, r.seconds
        ),
    }
}

/// Runs `batch`.
pub fn run(args: BatchArgs) -> i32 {
    let Some((merge, write)) = args
        .review
        .writing_options(args.glossary.as_deref(), args.marking.as_deref())
    else {
        return EXIT_FAILED;
    };
    let opts = BatchOptions {
        merge,
        jobs: args.jobs,
        incremental: args.incremental,
        json: args.json,
        csv: args.csv,
        html: args.html,
        write,
    };
    let bar: Mutex<Option<ProgressBar>> = Mutex::new(None);
    let terminal = std::io::stderr().is_terminal() && !args.quiet;
    let quiet = args.quiet;
    let on_start = |n: usize| {
        if terminal {
            let pb = ProgressBar::new(n as u64);
            if let Ok(style) = ProgressStyle::with_template(
                "{bar:30} {pos}/{len} reviews {elapsed_precise} (about {eta} left) {wide_msg}",
            ) {
                pb.set_style(style);
            }
            *bar.lock().unwrap_or_else(|e| e.into_inner()) = Some(pb);
        } else if !quiet {
            println!("{n} review(s) found under {}", args.archive_dir.display());
        }
    };
    let on_done = |r: &ReviewRow| {
        let guard = bar.lock().unwrap_or_else(|e| e.into_inner());
        match guard.as_ref() {
            Some(pb) => {
                if matches!(r.status, ReviewStatus::Failed | ReviewStatus::WrittenInPart) {
                    pb.println(line(r));
                }
                pb.set_message(r.folder.clone());
                pb.inc(1);
            }
            None if matches!(r.status, ReviewStatus::Failed | ReviewStatus::WrittenInPart) => {
                eprintln!("{}", line(r))
            }
            None if !quiet => println!("{}", line(r)),
            None => {}
        }
    };
    let report = run_batch(&args.archive_dir, &args.output, &opts, &on_start, &on_done);
    if let Some(pb) = bar.lock().unwrap_or_else(|e| e.into_inner()).take() {
        pb.finish_and_clear();
    }
    let report = match report {
        Ok(r) => r,
        Err(e) => {
            eprintln!("chronomerge: {e}");
            return EXIT_FAILED;
        }
    };
    if report.rows.is_empty() {
        // An archive with no review in it is not a success either.
        eprintln!(
            "chronomerge: no review found under {}: no folder in it holds a return (a spreadsheet, CSV, Word document or text file); summary in {}",
            args.archive_dir.display(),
            report.summary_xlsx.display()
        );
        return EXIT_FAILED;
    }
    let failed = report.failed();
    let with_errors = report.count(ReviewStatus::MergedWithErrors);
    let in_part = report.count(ReviewStatus::WrittenInPart);
    for e in &report.summary_errors {
        eprintln!("chronomerge: the summary was not written: {e}");
    }
    if !quiet {
        println!(
            "{} review(s): {} merged, {} with errors, {} unchanged, {} failed{} in {:.1} s; summary in {}",
            report.rows.len(),
            report.count(ReviewStatus::Merged),
            with_errors,
            report.count(ReviewStatus::Unchanged),
            failed,
            if in_part > 0 {
                format!(", {in_part} written in part")
            } else {
                String::new()
            },
            report.seconds,
            report.summary_xlsx.display()
        );
    } else if failed > 0 {
        eprintln!(
            "{failed} of {} review(s) failed; see {}",
            report.rows.len(),
            report.summary_xlsx.display()
        );
    } else if in_part > 0 {
        eprintln!(
            "{in_part} of {} review(s) written in part; see {}",
            report.rows.len(),
            report.summary_xlsx.display()
        );
    }
    if failed > 0 {
        EXIT_FAILED
    } else if in_part > 0 || !report.summary_errors.is_empty() {
        EXIT_PARTIAL
    } else if with_errors > 0
        || report
            .rows
            .iter()
            .any(|r| r.status == ReviewStatus::Unchanged && r.errors > 0)
    {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}
