//! `chronomerge watch REVIEW_DIR [-o merged.xlsx]`

use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use clap::Args;

use super::{ReviewArgs, EXIT_FAILED, EXIT_OK};
use crate::watch::{watch, WatchOptions};

/// Arguments of `watch`.
#[derive(Debug, Args)]
pub struct WatchArgs {
    /// The review folder the returns are dropped into.
    pub review_dir: PathBuf,
    /// The merged workbook kept current [default: REVIEW_DIR/merged-chronology.xlsx].
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Also keep the merged review as JSON in this file.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Also keep the merged chronology as CSV in this file.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Also keep the reviewer's timeline page (one self-contained HTML
    /// file) in this file.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Review settings.
    #[command(flatten)]
    pub review: ReviewArgs,
    /// Anonymise the workbook (and the JSON and CSV) with a glossary: a
    /// two-column CSV of real text and its replacement.
    #[arg(long, value_name = "FILE")]
    pub glossary: Option<PathBuf>,
    /// The protective marking printed in the header [default: review.toml's
    /// marking, else OFFICIAL-SENSITIVE].
    #[arg(long, value_name = "TEXT")]
    pub marking: Option<String>,
    /// How long a new or replaced return must keep the same size and time
    /// before it is read, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 600)]
    pub settle_ms: u64,
    /// Stop after this many merges (for tests).
    #[arg(long, value_name = "N", hide = true)]
    pub max_merges: Option<usize>,
    /// Stop after this many seconds (for tests).
    #[arg(long, value_name = "SECS", hide = true)]
    pub exit_after: Option<f64>,
}

/// Runs `watch` until Ctrl-C.
pub fn run(args: WatchArgs) -> i32 {
    let Some(output) = super::merge::checked_output(&args.review_dir, args.output.as_deref())
    else {
        return EXIT_FAILED;
    };
    let Some((merge, write)) = args
        .review
        .writing_options(args.glossary.as_deref(), args.marking.as_deref())
    else {
        return EXIT_FAILED;
    };
    let mut opts = WatchOptions::new(output.clone());
    opts.merge = merge;
    opts.write = write;
    opts.json = args.json.clone();
    opts.csv = args.csv.clone();
    opts.html = args.html.clone();
    opts.settle = Duration::from_millis(args.settle_ms);
    opts.max_merges = args.max_merges;
    // Sized once, from the returns there at the start.
    let mut sizing = opts.merge.clone();
    sizing.exclude = opts.outputs().files().collect();
    super::process::set_up_allocator(&args.review_dir, &sizing);
    opts.exit_after = args
        .exit_after
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(Duration::from_secs_f64);
    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = stop.clone();
        // Ctrl-C (Ctrl-Break on Windows; SIGTERM and SIGHUP elsewhere)
        // sets the flag; the loop sees it within a tenth of a second and
        // returns once the merge in progress, if any, is written.
        if let Err(e) = ctrlc::set_handler(move || stop.store(true, Ordering::SeqCst)) {
            eprintln!("chronomerge: Ctrl-C cannot be caught ({e}); close the window to stop");
        }
    }
    eprintln!(
        "Watching {} → {} (Ctrl-C stops)",
        args.review_dir.display(),
        output.display()
    );
    let mut print = |ev: &crate::watch::WatchEvent| {
        if !matches!(ev, crate::watch::WatchEvent::Notice(_)) {
            // A merge is over, its review dropped; the watch may now wait
            // for days.
            super::process::release_freed_memory();
        }
        if let crate::watch::WatchEvent::Notice(n) = ev {
            eprintln!("chronomerge: {n}");
            return;
        }
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{ev}");
        let _ = out.flush();
    };
    match watch(&args.review_dir, &opts, &stop, &mut print) {
        Ok(summary) => {
            eprintln!(
                "Stopped after {} merge(s){}",
                summary.merges,
                if summary.failures > 0 {
                    format!(" and {} failed merge(s)", summary.failures)
                } else {
                    String::new()
                }
            );
            EXIT_OK
        }
        Err(e) => {
            eprintln!("chronomerge: {e}");
            EXIT_FAILED
        }
    }
}
