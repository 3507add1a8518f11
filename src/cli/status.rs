//! `chronomerge status REVIEW_DIR [--json] [--today DATE]`: where every
//! agency's return stands (see [`crate::status`]). Reads the folder as
//! `merge` would and writes nothing: no workbook, no JSON file, nothing in
//! the folder. Exit code 0; 2 when the folder or its review.toml cannot
//! be read.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::{EXIT_FAILED, EXIT_OK};
use crate::dates::display::DAY;
use crate::status::{status, AgencyStatus, StatusReport};

/// Arguments of `status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// The review folder holding the agencies' returns.
    pub review_dir: PathBuf,
    /// Print the states as JSON: `{"today", "due", "agencies": [{"agency",
    /// "state", "files", "received", "due", "days", "errors", "warnings",
    /// "contact", "expected", "note"}]}`.
    #[arg(long)]
    pub json: bool,
    /// Count days from this day instead of today (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = crate::config::parse_cli_date)]
    pub today: Option<chrono::NaiveDate>,
    /// A review configuration file to use instead of the folder's review.toml.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// Runs `status`.
pub fn run(args: StatusArgs) -> i32 {
    let Some(review) = super::merge_to_report(&args.review_dir, args.today, args.config.as_deref())
    else {
        return EXIT_FAILED;
    };
    let report = status(&review);
    let mut out = std::io::stdout().lock();
    let text = if args.json {
        match serde_json::to_string_pretty(&report) {
            Ok(j) => j + "\n",
            Err(e) => {
                eprintln!("chronomerge: the status could not be made into JSON ({e})");
                return EXIT_FAILED;
            }
        }
    } else {
        render(&report, review.config.review.as_deref())
    };
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
    EXIT_OK
}

fn date(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.format(DAY).to_string()).unwrap_or_default()
}

/// The text `status` prints: a heading line, a table (agency, state,
/// received, errors, warnings, files, note), the counts, then the chase list.
pub fn render(report: &StatusReport, review: Option<&str>) -> String {
    let mut s = String::new();
    let due = match report.due {
        Some(d) => format!("returns due {}", d.format(DAY)),
        None => "no due date set (returns_sent / returns_due in review.toml)".into(),
    };
    s.push_str(&format!(
        "{}status on {}: {due}\n",
        review.map(|r| format!("{r}: ")).unwrap_or_default(),
        report.today.format(DAY)
    ));
    if report.agencies.is_empty() {
        s.push_str(
            "No agency is expected (no [[agencies]] in review.toml) and no return is in the folder.\n",
        );
        return s;
    }
    let headings = [
        "Agency", "State", "Received", "Errors", "Warnings", "Files", "Note",
    ];
    let rows: Vec<[String; 7]> = report
        .agencies
        .iter()
        .map(|a| {
            [
                a.agency.clone(),
                a.state.as_str().to_string(),
                date(a.received),
                a.errors.to_string(),
                a.warnings.to_string(),
                a.files.join(", "),
                a.note.clone(),
            ]
        })
        .collect();
    let mut widths = headings.map(|h| h.chars().count());
    for r in &rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cells: &[String]| {
        let mut l = String::new();
        for (i, (c, w)) in cells.iter().zip(widths).enumerate() {
            if i + 1 == cells.len() {
                l.push_str(c);
            } else {
                l.push_str(c);
                l.push_str(&" ".repeat(w - c.chars().count() + 2));
            }
        }
        l.trim_end().to_string() + "\n"
    };
    s.push_str(&line(&headings.map(String::from)));
    for r in &rows {
        s.push_str(&line(r));
    }
    s.push_str(&format!("\n{}\n", report.counts_line()));
    let chase = report.chase();
    if chase.is_empty() {
        s.push_str("Chase: nobody; every expected agency has returned with no errors.\n");
    } else {
        s.push_str("Chase:\n");
        for a in chase {
            s.push_str(&chase_line(a));
        }
    }
    s
}

fn chase_line(a: &AgencyStatus) -> String {
    let why = match a.state {
        crate::status::State::NeedsFixes => format!(
            "needs fixes ({}): send back its feedback file (chronomerge feedback)",
            a.note
        ),
        _ => a.note.clone(),
    };
    let contact = a
        .contact
        .as_deref()
        .map(|c| format!(": {c}"))
        .unwrap_or_else(|| ": no contact in review.toml".into());
    format!("  - {} ({why}){contact}\n", a.agency)
}
