//! Write: the merged workbook that the reviewer opens (see `OUTPUT.md`).
//!
//! Sheets, in order: `Chronology` (one event a row, filled with its
//! agency's colour, headings and the `#` and `Date` columns frozen, a
//! filter on every column), `Timeline` (native Excel charts of events per
//! month by agency and of the candidate key practice episodes, with their
//! data), `Key practice episodes`, `Learning event` (who to invite for
//! each episode and key decision), `Findings`, `Returns`, `Agencies` (the
//! colour legend, with each agency's counts, dates and returns) and `About`
//! (when, how and from which files the workbook was made, and whether it
//! was anonymised). Each sheet has its own file here (`chronology.rs`,
//! `timeline.rs`, `episodes.rs`, `learning.rs`, `findings.rs`, `returns.rs`,
//! `agencies.rs`, `about.rs`); what they share is in `cells.rs` (writing
//! and fitting cells), `formats.rs`, `page.rs` (printing and marking),
//! `sheet.rs`, `children.rs` (ages), `columns.rs` (the chronology's
//! columns) and `build.rs` (the workbook put together).
//!
//! Every cell that comes from a return is written as a string or a number,
//! never as a formula, link or rich text, so nothing an agency typed can run
//! on the reviewer's machine. With a [`Glossary`]
//! every such string is anonymised on the way out. Every sheet prints
//! landscape, fitted to the page width, with its heading row repeated, the
//! review reference and the protective marking in the header and `Page x of
//! y` in the footer.
//!
//! The file is written to a temporary file in the output folder and renamed
//! over the target, so a reader never sees half a workbook and a failed
//! write leaves the previous one in place.
//!
//! Written to a file, every sheet but `Timeline` is streamed (through
//! temporary files in the output folder), and the `Chronology`'s rows,
//! most of the workbook, are written by the engine itself as the sheet's
//! XML while the save compresses them (`rows.rs`, `splice.rs`), falling
//! back to rust_xlsxwriter's own writer should the splice ever fail; built
//! in memory ([`build_workbook`]), every cell goes through rust_xlsxwriter.
//! Both take each row's cells from the same code, and `tests/stream.rs`
//! checks that the two workbooks read back the same, cell by cell, format by
//! format and row height by row height.

use std::path::Path;

use rust_xlsxwriter::{Workbook, XlsxError};

use crate::config::{ConfigError, MergeOptions};
use crate::glossary::Glossary;
use crate::output::{output_dir, OutputError, Step};
use crate::review::MergedReview;

mod about;
mod agencies;
mod build;
mod cells;
mod children;
mod chronology;
mod columns;
mod episodes;
mod findings;
mod formats;
mod learning;
mod page;
mod returns;
mod reviewer;
mod rows;
mod sheet;
mod splice;
mod timeline;

pub use crate::config::{children, Child};
pub use agencies::AGENCIES_HEADINGS;
pub(crate) use cells::label;
pub use cells::{split_for_cells, wrap_lines};
pub use children::age_at;
pub use columns::{ChronologyColumn, AGE_AT_EVENT, CHRONOLOGY_HEADINGS, INTERVAL};
pub use learning::{is_manager_role, MANAGER_WORDS};
pub use page::{marking, DEFAULT_MARKING};

/// Above this many events a workbook written to a file is streamed: every
/// sheet but `Timeline` through a temporary file in the output folder
/// (rust_xlsxwriter's constant-memory mode), and the `Chronology`'s rows
/// written by the engine straight into the file as it is saved. Both
/// faster and smaller than holding the sheets in memory (an in-memory
/// sheet costs about 6 KB an event), so it is the default for every size.
/// [`WriteOptions::stream_above`] can raise it.
pub const STREAM_ABOVE_EVENTS: usize = 0;

/// The deflate level of the workbook's zip container (1 fastest … 9
/// smallest; rust_xlsxwriter's default is 6, Excel's own files are about
/// that). Saving is a third of a large merge's work, and a chronology is
/// stored and opened, not downloaded, so speed wins. On M (60,000 events,
/// zlib-rs), in turn with level 2 nine times each: level 1 merges in
/// 1.73 s against 2's 1.89 s (0.21 CPU s less, deflate being a sixth of
/// the merge's CPU at level 2), for a workbook of 17.8 MB against 14.1 MB.
/// A review of a few thousand events gains a few hundred KB. Excel
/// compresses the file again whenever the reviewer saves it.
pub const ZIP_LEVEL: u8 = 1;

/// Excel's limit on the characters of one cell.
pub const CELL_LIMIT: usize = 32_767;
/// Rows on one sheet, heading included.
pub const SHEET_ROWS: u32 = 1_048_576;

/// Why the workbook could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The workbook cannot be written: its folder is missing, is not a
    /// folder or cannot be written to, or the disk is full (the message
    /// names the workbook and says why, see [`OutputError`]).
    #[error("{0}. Choose another output with -o")]
    Folder(OutputError),
    /// The workbook library failed.
    #[error("the workbook could not be built: {0}")]
    Xlsx(#[from] XlsxError),
    /// The target is locked (open in Excel) or cannot be replaced.
    #[error("{0}. If the workbook is open in Excel, close it and run again, or choose another output with -o")]
    Replace(OutputError),
    /// The review configuration cannot be used for the workbook.
    #[error("review.toml: {0}")]
    Config(String),
    /// The engine could not put the workbook together (a fault in the
    /// engine, never in the returns).
    #[error("the workbook could not be put together: {0}")]
    Internal(String),
}

/// What the workbook needs besides the merged review.
#[derive(Debug, Clone, Default)]
pub struct WriteOptions {
    /// Anonymise every text written from the returns with this glossary.
    pub glossary: Option<Glossary>,
    /// Stream the sheets (all but `Timeline`) through temporary files in
    /// the output folder when the chronology has more events than this
    /// (default [`STREAM_ABOVE_EVENTS`], always); `Some(usize::MAX)` builds
    /// them in memory.
    pub stream_above: Option<usize>,
    /// The glossary's file name, for the `About` sheet.
    pub glossary_file: Option<String>,
    /// The most rows one sheet uses: its heading, its rows and the empty
    /// row a streamed sheet ends on. Excel's [`SHEET_ROWS`] when `None`
    /// (and at most that; at least 3). A chronology or a list of findings
    /// longer than a sheet goes on in `Chronology (2)`, `Findings (2)` and
    /// so on, nothing left out.
    ///
    /// ```
    /// use chronomerge::write::WriteOptions;
    /// let opts = WriteOptions { rows_per_sheet: Some(60_000), ..WriteOptions::default() };
    /// assert_eq!(opts.rows_per_sheet, Some(60_000));
    /// ```
    pub rows_per_sheet: Option<u32>,
    /// The reviewer's notes carried over from the workbook this one
    /// replaces ([`crate::notes`]): written in the `Reviewer notes` and
    /// `Reviewer KPE` columns, and on the `Reviewer notes not placed`
    /// sheet. Set by [`crate::publish::publish`].
    pub reviewer: Option<std::sync::Arc<crate::notes::Carried>>,
}

impl WriteOptions {
    /// The write options that merge options ask for: loads the glossary
    /// (`--glossary`), once, before any return is read.
    ///
    /// # Errors
    ///
    /// [`ConfigError::Glossary`] when the glossary cannot be read or used
    /// (the message names the file and the line to fix).
    pub fn from_merge_options(opts: &MergeOptions) -> Result<WriteOptions, ConfigError> {
        match &opts.glossary {
            None => Ok(WriteOptions::default()),
            Some(p) => Ok(WriteOptions {
                stream_above: None,
                rows_per_sheet: None,
                reviewer: None,
                glossary: Some(Glossary::load(p)?),
                glossary_file: Some(
                    p.file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_else(|| p.display().to_string()),
                ),
            }),
        }
    }
}

/// Writes the merged workbook to `path`, atomically.
///
/// # Errors
///
/// [`WriteError`] when the workbook cannot be built or written; nothing is
/// left at `path` but what was there before.
pub fn write_workbook(review: &MergedReview, path: &Path) -> Result<(), WriteError> {
    write_workbook_with(review, path, &WriteOptions::default())
}

/// Writes the merged workbook to `path` with options (a glossary),
/// atomically.
///
/// # Errors
///
/// [`WriteError`] when the workbook cannot be built or written; nothing is
/// left at `path` but what was there before.
pub fn write_workbook_with(
    review: &MergedReview,
    path: &Path,
    opts: &WriteOptions,
) -> Result<(), WriteError> {
    let dir = output_dir(path);
    build::build(review, opts, Some(&dir), true)
        .map_err(|e| e.for_output(path))?
        .save_atomically(path)
}

/// A merged workbook built and ready to save, as [`write_workbook_with`]
/// saves it: every sheet but the `Chronology`'s rows streamed through
/// temporary files, the rows themselves written into the file by
/// [`Built::save_atomically`] (see `src/write/splice.rs`).
pub struct Built<'a> {
    workbook: Workbook,
    pending: Option<splice::Pending<'a>>,
    /// The last save wrote the chronology's rows through rust_xlsxwriter,
    /// the splice having failed.
    fell_back: bool,
}

impl Built<'_> {
    /// Saves the workbook through a temporary file in the target's folder,
    /// then renames it over the target (see [`save_atomically`]).
    ///
    /// Should the engine's rows ever fail to go into rust_xlsxwriter's
    /// package (a fault in the engine: the chronology's sheet not found
    /// where the workbook says it is, or not shaped as expected), the
    /// workbook is built again with every row through rust_xlsxwriter's
    /// own constant-memory writer and saved that way: the same workbook,
    /// a little slower.
    ///
    /// # Errors
    ///
    /// [`WriteError`] when the workbook cannot be written to `path` (its
    /// folder cannot be written to, the disk is full, the file is locked);
    /// the target is then untouched.
    pub fn save_atomically(&mut self, path: &Path) -> Result<(), WriteError> {
        let Some(p) = &self.pending else {
            return save_atomically(&mut self.workbook, path);
        };
        match splice::save(&mut self.workbook, p, path) {
            Err(WriteError::Internal(_)) => {
                self.fell_back = true;
                let dir = output_dir(path);
                let mut again = build::build(p.review, p.opts, Some(&dir), false)
                    .map_err(|e| e.for_output(path))?;
                save_atomically(&mut again.workbook, path)
            }
            done => done,
        }
    }
}

/// Builds the workbook that [`write_workbook_with`] saves, streaming its
/// sheets through temporary files in `dir` (which should be the output's
/// folder, so that nothing is written anywhere else): for timing the build
/// and the save apart.
///
/// ```no_run
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use chronomerge::pipeline::{merge_dir, MergeOptions};
/// use chronomerge::write::{build_workbook_in, WriteOptions};
/// use std::path::Path;
///
/// let review = merge_dir(Path::new("review"), &MergeOptions::default())?;
/// let opts = WriteOptions::default();
/// let mut built = build_workbook_in(&review, &opts, Path::new("out"))?;
/// built.save_atomically(Path::new("out/merged.xlsx"))?;
/// # Ok(())
/// # }
/// ```
///
/// # Errors
///
/// [`WriteError`] when rust_xlsxwriter refuses the workbook's sheets.
pub fn build_workbook_in<'a>(
    review: &'a MergedReview,
    opts: &'a WriteOptions,
    dir: &Path,
) -> Result<Built<'a>, WriteError> {
    build::build(review, opts, Some(dir), true)
}

/// Saves a workbook through a temporary file in the target's folder, then
/// renames it over the target.
///
/// # Errors
///
/// [`WriteError`] when the workbook cannot be written to `path`; the target
/// is then untouched.
pub fn save_atomically(wb: &mut Workbook, path: &Path) -> Result<(), WriteError> {
    crate::output::write_atomically(path, |f| {
        let mut w = std::io::BufWriter::new(f);
        wb.save_to_writer(&mut w)
            .map_err(|e| WriteError::from(e).for_output(path))?;
        use std::io::Write;
        w.flush()
            .map_err(|e| WriteError::from(OutputError::new(path, Step::Write, e)))
    })
}

impl From<OutputError> for WriteError {
    /// A failure to replace the target is [`WriteError::Replace`] (the
    /// workbook may be open in Excel); any other is [`WriteError::Folder`].
    fn from(e: OutputError) -> WriteError {
        match e.step {
            Step::Replace => WriteError::Replace(e),
            Step::Folder | Step::Write => WriteError::Folder(e),
        }
    }
}

impl WriteError {
    /// The error as one writing the workbook `path`: a failure of the
    /// library's file writing (the temporary files a streamed build keeps
    /// in the output folder, the save) is the output's, said as
    /// [`WriteError::Folder`] rather than as a library error.
    fn for_output(self, path: &Path) -> WriteError {
        match self {
            WriteError::Xlsx(XlsxError::TempFileError(_, e)) => {
                WriteError::Folder(OutputError::new(path, Step::Folder, e))
            }
            WriteError::Xlsx(XlsxError::IoError(e)) => {
                WriteError::Folder(OutputError::new(path, Step::Write, e))
            }
            e => e,
        }
    }
}

/// Builds the workbook in memory, without anonymising.
///
/// # Errors
///
/// [`WriteError`] when rust_xlsxwriter refuses the workbook's sheets.
pub fn build_workbook(review: &MergedReview) -> Result<Workbook, WriteError> {
    build_workbook_with(review, &WriteOptions::default())
}

/// Builds the workbook in memory.
///
/// # Errors
///
/// [`WriteError`] when rust_xlsxwriter refuses the workbook's sheets.
pub fn build_workbook_with(
    review: &MergedReview,
    opts: &WriteOptions,
) -> Result<Workbook, WriteError> {
    Ok(build::build(review, opts, None, false)?.workbook)
}
