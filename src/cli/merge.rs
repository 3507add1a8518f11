//! `chronomerge merge REVIEW_DIR -o merged.xlsx`

use std::path::PathBuf;

use clap::Args;

use super::{ReviewArgs, EXIT_FAILED, EXIT_FINDINGS, EXIT_OK, EXIT_PARTIAL};
use crate::discover::DEFAULT_OUTPUT;
use crate::pipeline::merge_dir;
use crate::publish::{publish, Chosen, Outputs};
use crate::review::MergedReview;

/// Arguments of `merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The review folder holding the agencies' returns.
    pub review_dir: PathBuf,
    /// Where to write the merged workbook [default: REVIEW_DIR/merged-chronology.xlsx].
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Review settings.
    #[command(flatten)]
    pub review: ReviewArgs,
    /// How many candidate key practice episodes to list.
    #[arg(long, value_name = "N")]
    pub episodes: Option<usize>,
    /// The fewest agencies that make a candidate episode.
    #[arg(long, value_name = "N")]
    pub min_agencies: Option<usize>,
    /// The longest quiet stretch inside one episode, in days.
    #[arg(long, value_name = "DAYS")]
    pub window_days: Option<i64>,
    /// Print only errors.
    #[arg(short, long)]
    pub quiet: bool,
    /// Anonymise the workbook with a glossary: a two-column CSV of real
    /// text and its replacement (e.g. `Jane Smith,Mother`), matched as whole
    /// words ignoring case. The returns are not changed.
    #[arg(long, value_name = "FILE")]
    pub glossary: Option<PathBuf>,
    /// The protective marking printed in the header [default: review.toml's
    /// marking, else OFFICIAL-SENSITIVE].
    #[arg(long, value_name = "TEXT")]
    pub marking: Option<String>,
    /// Also write the merged events, findings and episodes as JSON.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Also write the merged chronology as CSV (formula-like text neutralised).
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Also write the reviewer's timeline page: one self-contained HTML
    /// file (nothing fetched) to open offline in Edge, Chrome or Firefox.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
}

/// The default output of a review folder.
pub fn default_output(dir: &std::path::Path) -> PathBuf {
    dir.join(DEFAULT_OUTPUT)
}

/// The workbook to write for a review folder (`--output`, else
/// [`default_output`]), or `None` after saying what is wrong: the review
/// folder is not one, the output does not end in `.xlsx`, or its folder
/// does not exist.
pub fn checked_output(
    review_dir: &std::path::Path,
    output: Option<&std::path::Path>,
) -> Option<PathBuf> {
    let output = output
        .map(PathBuf::from)
        .unwrap_or_else(|| default_output(review_dir));
    if !review_dir.is_dir() {
        eprintln!(
            "chronomerge: {} is not a folder: give the folder that holds the agencies' returns",
            review_dir.display()
        );
        return None;
    }
    if output
        .extension()
        .is_none_or(|e| !e.eq_ignore_ascii_case("xlsx"))
    {
        eprintln!(
            "chronomerge: the output {} must end in .xlsx",
            output.display()
        );
        return None;
    }
    let folder = match output.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => std::path::Path::new("."),
    };
    if folder.exists() && !folder.is_dir() {
        eprintln!(
            "chronomerge: cannot write {}: {} is not a folder: choose another output with -o",
            output.display(),
            folder.display()
        );
        return None;
    }
    if !folder.is_dir() {
        eprintln!(
            "chronomerge: the output folder {} does not exist: create it, or give another with -o",
            folder.display()
        );
        return None;
    }
    Some(output)
}

/// Runs `merge`.
pub fn run(args: MergeArgs) -> i32 {
    let Some(output) = checked_output(&args.review_dir, args.output.as_deref()) else {
        return EXIT_FAILED;
    };
    let Some((mut opts, write_opts)) = args
        .review
        .writing_options(args.glossary.as_deref(), args.marking.as_deref())
    else {
        return EXIT_FAILED;
    };
    opts.episodes = args.episodes;
    opts.min_agencies = args.min_agencies;
    opts.window_days = args.window_days;
    let outputs = Outputs {
        workbook: output.clone(),
        json: args.json.clone(),
        csv: args.csv.clone(),
        html: args.html.clone(),
        write: &write_opts,
        beside_if_locked: false,
        chosen: Chosen::Flags,
    };
    opts.exclude = outputs.files().collect();
    super::process::set_up_allocator(&args.review_dir, &opts);
    let review = match merge_dir(&args.review_dir, &opts) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("chronomerge: {e}");
            return EXIT_FAILED;
        }
    };
    if let Some(msg) = review.no_returns() {
        // Nothing to merge is not a success: say what was found, write
        // nothing (an empty chronology would look like a finished merge).
        for f in &review.chronology.findings {
            eprintln!("{f}");
        }
        eprintln!("chronomerge: {msg}; no workbook was written");
        return EXIT_FAILED;
    }
    let published = match publish(&review, &outputs) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("chronomerge: {e}; nothing was written");
            return EXIT_FAILED;
        }
    };
    report(&review, &output, args.quiet);
    if !args.quiet {
        if let Some(kept) = &published.previous {
            let (placed, not_placed) = published.notes;
            println!(
                "The previous workbook is kept as {}; {placed} reviewer note(s) carried over to their events, {not_placed} on the 'Reviewer notes not placed' sheet",
                kept.display()
            );
        }
    }
    for w in &published.warnings {
        eprintln!("chronomerge: warning: {w}");
    }
    let code = if !published.complete() {
        for n in &published.not_written {
            eprintln!("chronomerge: {}", n.reason());
        }
        eprintln!(
            "chronomerge: the workbook {} was written; the file(s) above were not",
            output.display()
        );
        EXIT_PARTIAL
    } else if review.errors() > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    };
    // The process ends here: freeing every event one by one would only
    // delay the exit (0.2 s on a 60,000-event review).
    std::mem::forget(review);
    code
}

/// Prints what a merge did: one summary line, then the errors.
pub fn report(review: &MergedReview, output: &std::path::Path, quiet: bool) {
    let c = &review.chronology;
    let returns = c
        .returns
        .iter()
        .filter(|r| {
            !matches!(
                r.status,
                crate::model::ReturnStatus::Ignored | crate::model::ReturnStatus::Superseded
            )
        })
        .count();
    if !quiet {
        println!(
            "Merged {} event(s) from {} return(s) of {} agencies into {}",
            c.events.len(),
            returns,
            c.agencies.len(),
            output.display()
        );
        println!(
            "{} error(s), {} warning(s); {} candidate key practice episode(s)",
            review.errors(),
            review.warnings(),
            review.analysis.episodes.len()
        );
    }
    for f in c.findings.iter().filter(|f| f.is_error()).take(50) {
        eprintln!("{f}");
    }
    // A file that looks like a return but was not read is said whatever
    // its severity (a Word document with no chronology table is a
    // warning, notes in a text file an info).
    for f in c
        .findings
        .iter()
        .filter(|f| !f.is_error() && f.code.means_not_read())
        .take(50)
    {
        eprintln!("{f}");
    }
    if review.errors() > 50 {
        eprintln!(
            "… and {} more errors: see the Findings sheet",
            review.errors() - 50
        );
    }
}
