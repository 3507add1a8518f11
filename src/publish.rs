//! Publishing a merged review: the one path by which `merge`, `watch` and
//! `batch` write what a merge gives.
//!
//! [`publish`] writes the workbook first; only once it is written are the
//! JSON, CSV and timeline page ([`crate::html`]) asked for written, each whatever became of the other. The
//! policy is the same for every command:
//!
//! - the workbook not written is a [`PublishError`]: nothing else is
//!   written (a JSON or CSV without its workbook would be a review nobody
//!   can check);
//! - a JSON or CSV not written leaves the workbook in place, and is said in
//!   [`Published::not_written`] with what to do ([`NotWritten`]): the
//!   review is written in part;
//! - a workbook that cannot be replaced because a program holds it open is,
//!   when [`Outputs::beside_if_locked`] (`watch`), written beside it
//!   ([`crate::discover::beside_path`]) and said in [`Published::locked`].
//!
//! Every file goes through [`crate::output::write_atomically`]: a failed
//! write never leaves half a file, and the previous one stays.
//!
//! Before the workbook is written over an existing one, the reviewer's
//! work in it (the `Reviewer notes` and `Reviewer KPE` columns, the
//! `Reviewer notes not placed` sheet) is read and carried to the new one
//! ([`crate::notes`]), and the old workbook is kept in the `previous`
//! folder beside it. An old workbook that cannot be read is a
//! [`PublishError::Previous`]: nothing is written. Once the workbook is
//! written, the review's ref store ([`crate::refs::REFS_FILE`]) is written
//! into the review folder; a store that cannot be written is a warning
//! ([`Published::warnings`]), never a failure.

use std::fmt;
use std::path::{Path, PathBuf};

use chrono::Local;

use crate::export::ExportError;
use crate::review::MergedReview;
use crate::write::{WriteError, WriteOptions};

/// What to write for one merged review.
#[derive(Debug, Clone)]
pub struct Outputs<'a> {
    /// The workbook.
    pub workbook: PathBuf,
    /// The JSON of the review, if asked for.
    pub json: Option<PathBuf>,
    /// The CSV of the chronology, if asked for.
    pub csv: Option<PathBuf>,
    /// The reviewer's timeline page, if asked for (see [`crate::html`]).
    pub html: Option<PathBuf>,
    /// How the workbook is written; its glossary anonymises the JSON, CSV
    /// and page too.
    pub write: &'a WriteOptions,
    /// When the workbook cannot be replaced (open in a program that locks
    /// it), write it beside the target instead of failing.
    pub beside_if_locked: bool,
    /// How the JSON and CSV files were chosen, for what to do when one
    /// cannot be written.
    pub chosen: Chosen,
}

impl<'a> Outputs<'a> {
    /// The workbook alone, with these write options: no JSON or CSV, a
    /// locked workbook is an error, exports chosen by flag.
    pub fn workbook(workbook: PathBuf, write: &'a WriteOptions) -> Outputs<'a> {
        Outputs {
            workbook,
            json: None,
            csv: None,
            html: None,
            write,
            beside_if_locked: false,
            chosen: Chosen::Flags,
        }
    }

    /// Every file these outputs write (the workbook, then the JSON, CSV and
    /// page asked for), for [`crate::discover::OwnFiles`].
    pub fn files(&self) -> impl Iterator<Item = PathBuf> + '_ {
        std::iter::once(self.workbook.clone())
            .chain(self.json.iter().cloned())
            .chain(self.csv.iter().cloned())
            .chain(self.html.iter().cloned())
    }
}

/// How the JSON and CSV paths were chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chosen {
    /// Each by its own flag (`--json FILE`, `--csv FILE`): choose another
    /// file with that flag.
    Flags,
    /// Under the output folder (`batch -o OUT_DIR`): choose another output
    /// folder.
    OutputFolder,
}

/// One of the files written besides the workbook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Export {
    /// The review as JSON.
    Json,
    /// The chronology as CSV.
    Csv,
    /// The reviewer's timeline page.
    Html,
}

impl Export {
    /// `JSON`, `CSV` or `HTML page`.
    pub fn name(self) -> &'static str {
        match self {
            Export::Json => "JSON",
            Export::Csv => "CSV",
            Export::Html => "HTML page",
        }
    }

    /// The flag that chooses its file.
    pub fn flag(self) -> &'static str {
        match self {
            Export::Json => "--json",
            Export::Csv => "--csv",
            Export::Html => "--html",
        }
    }
}

/// A JSON or CSV that was not written, with why and what to do. Its
/// `Display` says which file it is (`JSON not written: …`);
/// [`NotWritten::reason`] says only why and what to do.
#[derive(Debug)]
pub struct NotWritten {
    /// Which file.
    pub export: Export,
    /// Why (the message names the file).
    pub error: ExportError,
    /// How it was chosen: what to do.
    pub chosen: Chosen,
}

impl NotWritten {
    /// Why it was not written, and what to do
    /// (`cannot write x.json: …: choose another file with --json`).
    pub fn reason(&self) -> String {
        match self.chosen {
            Chosen::Flags => format!(
                "{}: choose another file with {}",
                self.error,
                self.export.flag()
            ),
            Chosen::OutputFolder => format!("{}. Choose another output with -o", self.error),
        }
    }
}

impl fmt::Display for NotWritten {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} not written: {}", self.export.name(), self.reason())
    }
}

/// What [`publish`] wrote.
#[derive(Debug)]
pub struct Published {
    /// The workbook written: the target, or the file beside it when the
    /// target was locked.
    pub workbook: PathBuf,
    /// Set when the workbook was written beside the target because the
    /// target is locked: the target.
    pub locked: Option<PathBuf>,
    /// The JSON and CSV asked for that were not written (empty when all
    /// were): the review is written in part.
    pub not_written: Vec<NotWritten>,
    /// Where the workbook that was replaced is kept (`previous/…`), when
    /// there was one.
    pub previous: Option<PathBuf>,
    /// Reviewer notes carried over: placed on their events, and not placed
    /// (on the `Reviewer notes not placed` sheet).
    pub notes: (usize, usize),
    /// Things the user should know that did not stop the publishing (the
    /// ref store could not be written).
    pub warnings: Vec<String>,
}

impl Published {
    /// True when every file asked for was written.
    pub fn complete(&self) -> bool {
        self.not_written.is_empty()
    }
}

/// Why nothing was published: the workbook could not be written.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    /// The workbook could not be written (its message names it and says
    /// what to do); no JSON or CSV was written either.
    #[error(transparent)]
    Workbook(#[from] WriteError),
    /// The workbook to be replaced cannot be read (open in Excel, damaged,
    /// not a merged chronology) or kept: the reviewer's notes in it could
    /// not be carried over, so nothing was written.
    #[error(transparent)]
    Previous(#[from] crate::notes::PreviousError),
}

/// Writes a merged review: the workbook, then the JSON and CSV asked for
/// (see the module documentation for the policy).
///
/// ```no_run
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use chronomerge::pipeline::{merge_dir, MergeOptions};
/// use chronomerge::publish::{publish, Outputs};
/// use std::path::{Path, PathBuf};
///
/// let review = merge_dir(Path::new("review"), &MergeOptions::default())?;
/// let write = chronomerge::write::WriteOptions::default();
/// let mut outputs = Outputs::workbook(PathBuf::from("out/merged.xlsx"), &write);
/// outputs.json = Some(PathBuf::from("out/merged.json"));
/// let published = publish(&review, &outputs)?;
/// for f in &published.not_written {
///     eprintln!("{f}");
/// }
/// # Ok(())
/// # }
/// ```
///
/// # Errors
///
/// [`PublishError::Workbook`] when the workbook cannot be written (its
/// folder is missing or read-only, the disk is full, it is locked and
/// [`Outputs::beside_if_locked`] is not set, or neither it nor a file
/// beside it can be written).
pub fn publish(review: &MergedReview, outputs: &Outputs<'_>) -> Result<Published, PublishError> {
    let glossary = outputs.write.glossary.as_ref();
    // A workbook still exactly as the last merge left it, with no notes in
    // it, has nothing to carry over: it is not read (see
    // `refs::WrittenWorkbook`).
    let untouched = review
        .refs
        .as_ref()
        .and_then(|s| s.workbook.as_ref())
        .is_some_and(|w| w.unchanged_without_notes(&outputs.workbook));
    let carried = if untouched {
        crate::notes::Carried::default()
    } else {
        crate::notes::carry_over(&outputs.workbook, review, glossary)?
    };
    let notes = (carried.placed.len(), carried.not_placed.len());
    let previous = crate::notes::keep_previous(&outputs.workbook, Local::now())?;
    let with_notes;
    let write = if carried.is_empty() {
        outputs.write
    } else {
        with_notes = WriteOptions {
            reviewer: Some(std::sync::Arc::new(carried)),
            ..outputs.write.clone()
        };
        &with_notes
    };
    let (workbook, locked) = if outputs.beside_if_locked {
        write_or_beside(review, &outputs.workbook, write)?
    } else {
        crate::write::write_workbook_with(review, &outputs.workbook, write)?;
        (outputs.workbook.clone(), None)
    };
    let mut warnings = Vec::new();
    if let Some(store) = &review.refs {
        let written = crate::refs::WrittenWorkbook::of(&workbook, notes.0 + notes.1);
        if let Err(e) = store.commit(written.as_ref()) {
            warnings.push(format!(
                "{e}: the workbook was written, but its Refs are not remembered, so the next merge may number new events differently; make the review folder writable to keep them"
            ));
        }
    }
    let mut not_written = Vec::new();
    let mut failed = |export: Export, error: ExportError| {
        not_written.push(NotWritten {
            export,
            error,
            chosen: outputs.chosen,
        })
    };
    if let Some(p) = &outputs.json {
        if let Err(e) = crate::export::write_json_with(review, p, glossary) {
            failed(Export::Json, e);
        }
    }
    if let Some(p) = &outputs.csv {
        if let Err(e) = crate::export::write_csv_with(review, p, glossary) {
            failed(Export::Csv, e);
        }
    }
    if let Some(p) = &outputs.html {
        if let Err(e) = crate::html::write_html(review, p, glossary, write.reviewer.as_deref()) {
            failed(Export::Html, e);
        }
    }
    Ok(Published {
        workbook,
        locked,
        not_written,
        previous,
        notes,
        warnings,
    })
}

/// Writes the workbook to `target`, or beside it when the target cannot be
/// replaced (open in a program that locks it). Returns the file written
/// and, when written beside, the locked target.
fn write_or_beside(
    review: &MergedReview,
    target: &Path,
    opts: &WriteOptions,
) -> Result<(PathBuf, Option<PathBuf>), WriteError> {
    match crate::write::write_workbook_with(review, target, opts) {
        Ok(()) => Ok((target.to_path_buf(), None)),
        Err(WriteError::Replace(first)) => {
            let now = Local::now();
            let mut last = WriteError::Replace(first);
            for seconds in [false, true] {
                let beside = crate::discover::beside_path(target, now, seconds);
                match crate::write::write_workbook_with(review, &beside, opts) {
                    Ok(()) => return Ok((beside, Some(target.to_path_buf()))),
                    Err(e) => last = e,
                }
            }
            Err(last)
        }
        Err(e) => Err(e),
    }
}
