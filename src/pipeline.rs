//! The pipeline: discover → ingest → validate → merge → episodes, for a
//! folder (`merge`) or single files (`check`). Returns are read in parallel
//! (rayon), one bad file never stops the rest, and a panic while reading
//! one file becomes a finding about that file.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::ConfigError;
pub use crate::config::{MergeOptions, Settings};
use crate::discover::Own;
use crate::episodes::{conclude, read_and_link};
use crate::findings::{Code, Finding};
use crate::merge::merge;
use crate::model::{CheckedReturn, FileKind, Format, FoundFile, ReturnStatus, ReturnSummary};
pub use crate::review::MergedReview;
use crate::validate::{check_return, CheckContext};

/// Why a review folder cannot be merged at all (one bad return never is:
/// it becomes findings).
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    /// The folder cannot be listed.
    #[error("{}: the folder cannot be read ({source})", dir.display())]
    Folder {
        /// The review folder.
        dir: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The review's configuration cannot be used.
    #[error(transparent)]
    Config(#[from] ConfigError),
}

/// Settles the settings of a review (see [`Settings::settle`]): the
/// folder's `review.toml` (or `opts.config_file`) and the command line,
/// parsed and checked once, before any return is read.
///
/// # Errors
///
/// A [`ConfigError`] saying what to fix.
pub fn settle_config(dir: Option<&Path>, opts: &MergeOptions) -> Result<Settings, ConfigError> {
    Settings::settle(dir, opts)
}

/// Reads and checks one return. Never panics: a failure to read is a
/// finding and a `rejected` summary, and so is a panic inside a reader
/// (its message and place go into the finding, not to the terminal).
pub fn check_file(path: &Path, name: &str, format: Format, ctx: &CheckContext) -> CheckedReturn {
    let result = quietly(|| {
        crate::ingest::read_return(path, name, format).map(|raw| check_return(raw, ctx))
    });
    let modified = std::fs::metadata(path).and_then(|m| m.modified()).ok();
    let received = modified.map(|t| chrono::DateTime::<chrono::Local>::from(t).date_naive());
    let finding = match result {
        Ok(Ok(mut checked)) => {
            checked.modified = modified;
            checked.summary.received = received;
            return checked;
        }
        Ok(Err(f)) if f.code == Code::FileNoChronology => return not_a_chronology(name, format, f),
        Ok(Err(f)) => f,
        Err(what) => Finding::new(
            Code::FileInternal,
            name,
            format!("the engine failed while reading this file ({what}): ask the agency to re-save it as .xlsx, and report the file to the chronomerge maintainers"),
        ),
    };
    let mut r = rejected(name, Some(format), ctx, finding);
    r.summary.received = received;
    r
}

/// Reads and checks one return given as bytes (for fuzzing and for
/// callers that hold the file in memory): the bytes are written to a
/// private temporary file and read like any return.
pub fn check_bytes(bytes: &[u8], name: &str, format: Format, ctx: &CheckContext) -> CheckedReturn {
    let tmp = tempfile::Builder::new()
        .prefix(".chronomerge-check-")
        .tempfile()
        .and_then(|mut t| {
            std::io::Write::write_all(&mut t, bytes)?;
            Ok(t)
        });
    match tmp {
        Ok(t) => {
            let mut c = check_file(t.path(), name, format, ctx);
            // The staging file's time is not the return's.
            c.modified = None;
            c.summary.received = None;
            c
        }
        Err(e) => rejected(
            name,
            Some(format),
            ctx,
            Finding::new(
                Code::FileUnreadable,
                name,
                format!("the file could not be staged for reading ({e}): check the temporary folder has space"),
            ),
        ),
    }
}

thread_local! {
    /// Set while this thread reads a return: a panic is caught and reported
    /// as a finding.
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// The last panic caught on this thread while quiet: message and place.
    static LAST_PANIC: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// For the program's panic hook: when the panic happened on a thread that
/// is reading a return (inside [`check_file`]), keeps its message and
/// place for the finding that [`check_file`] makes of it, and returns
/// `true`: the hook should print nothing. Otherwise returns `false`: the
/// hook should report the panic as usual.
///
/// The library installs no hook itself; a program that wants a panic in a
/// reader said only as a finding (with its place) installs one:
///
/// ```
/// let previous = std::panic::take_hook();
/// std::panic::set_hook(Box::new(move |info| {
///     if !chronomerge::pipeline::reader_panic(info) {
///         previous(info);
///     }
/// }));
/// ```
///
/// Without it, a panic in a reader is still a finding (with its message,
/// without its place), and the default hook prints it too.
pub fn reader_panic(info: &std::panic::PanicHookInfo<'_>) -> bool {
    if !QUIET.with(|q| q.get()) {
        return false;
    }
    let msg = info
        .payload()
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| info.payload().downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into());
    let place = info
        .location()
        .map(|l| format!(" at {}:{}", l.file(), l.line()))
        .unwrap_or_default();
    LAST_PANIC.with(|p| *p.borrow_mut() = Some(format!("{msg}{place}")));
    true
}

/// Runs `f`, turning a panic into `Err(message at place)` (the place when
/// the program's hook calls [`reader_panic`]).
fn quietly<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    let was = QUIET.with(|q| q.replace(true));
    LAST_PANIC.with(|p| p.borrow_mut().take());
    let result = catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|q| q.set(was));
    result.map_err(|panic| {
        LAST_PANIC
            .with(|p| p.borrow_mut().take())
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into())
    })
}

fn rejected(
    name: &str,
    format: Option<Format>,
    ctx: &CheckContext,
    finding: Finding,
) -> CheckedReturn {
    let agency = ctx
        .agency
        .clone()
        .unwrap_or_else(|| crate::validate::agency_from_file_name(name));
    CheckedReturn {
        agency: agency.clone(),
        events: vec![],
        summary: ReturnSummary {
            agency,
            format,
            ..ReturnSummary::new(name, ReturnStatus::Rejected, finding.message.clone())
        },
        findings: vec![finding],
        completed: None,
        modified: None,
        agency_at: None,
    }
}

/// A Word document or text file that holds no chronology: listed as
/// ignored on `Returns`, with its finding (a Findings row and a line on the
/// terminal, not only a line on `Returns`).
fn not_a_chronology(name: &str, format: Format, finding: Finding) -> CheckedReturn {
    let mut summary = ignored_summary(
        &FoundFile {
            path: PathBuf::new(),
            name: name.to_string(),
            kind: FileKind::Return(format),
        },
        "not a chronology: no table or first lines with the template's headings",
    );
    summary.format = Some(format);
    CheckedReturn {
        agency: String::new(),
        events: vec![],
        findings: vec![finding],
        summary,
        completed: None,
        modified: None,
        agency_at: None,
    }
}

/// A file that looks like a return but whose format is not read (a PDF, a
/// Word 97 `.doc` …): listed as rejected on `Returns`, with its finding.
pub(crate) fn not_read(f: &FoundFile, finding: &Finding) -> CheckedReturn {
    let mut summary = ignored_summary(f, &finding.message);
    summary.status = ReturnStatus::Rejected;
    CheckedReturn {
        agency: String::new(),
        events: vec![],
        findings: vec![finding.clone()],
        summary,
        completed: None,
        modified: None,
        agency_at: None,
    }
}

/// The `Returns` line of a file that is not a return.
pub(crate) fn ignored_summary(f: &FoundFile, why: &str) -> ReturnSummary {
    ReturnSummary::new(f.name.clone(), ReturnStatus::Ignored, why)
}

/// Merges every return in a review folder. The engine's own files there
/// (see [`crate::discover::OwnFiles`]: the outputs in `opts.exclude`, the settings files
/// given, and what the engine always writes) are listed, never read.
///
/// # Errors
///
/// [`MergeError`] only when the folder or its configuration cannot be
/// used at all.
pub fn merge_dir(dir: &Path, opts: &MergeOptions) -> Result<MergedReview, MergeError> {
    let files = crate::discover::scan(dir).map_err(|source| MergeError::Folder {
        dir: dir.to_path_buf(),
        source,
    })?;
    let settings = Settings::settle(Some(dir), opts)?;
    // The ref store is read while the returns are.
    let store = (!opts.refs_in_order).then(|| crate::refs::LoadingStore::start(dir));
    let own = opts.own_files([]);
    let mut ignored = Vec::new();
    let mut to_read = Vec::new();
    let mut not_read_files = Vec::new();
    for f in files {
        match (own.of(&f.path), &f.kind) {
            (Some(o @ (Own::Output | Own::Setting | Own::Kept)), _) => {
                ignored.push(ignored_summary(&f, o.note()))
            }
            (_, FileKind::Ignored(why)) => ignored.push(ignored_summary(&f, why)),
            (_, FileKind::NotRead(finding)) => not_read_files.push(not_read(&f, finding)),
            (_, FileKind::Return(fmt)) => to_read.push((f.clone(), *fmt)),
        }
    }
    let mut checked: Vec<CheckedReturn> = to_read
        .par_iter()
        .map(|(f, fmt)| check_file(&f.path, &f.name, *fmt, &settings.context))
        .collect();
    checked.append(&mut not_read_files);
    Ok(finish_with(
        dir.to_path_buf(),
        settings,
        checked,
        ignored,
        store,
    ))
}

/// Merges already-checked returns and analyses the chronology: the last
/// stage before publishing (used by `watch`, which keeps the returns it
/// has read). The memory the analysis freed is freed by now: a program
/// that wants it handed back to the system before the workbook is written
/// does it when this returns.
///
/// Each event's Ref comes from the folder's ref store
/// ([`crate::refs::REFS_FILE`]), read here and written only when the
/// workbook is published ([`crate::publish::publish`]).
pub fn finish(
    dir: PathBuf,
    settings: Settings,
    checked: Vec<CheckedReturn>,
    ignored: Vec<ReturnSummary>,
) -> MergedReview {
    let store = crate::refs::LoadingStore::start(&dir);
    finish_with(dir, settings, checked, ignored, Some(store))
}

/// [`finish`], with the ref store being read (`store`) or, without one,
/// the Refs numbered in order.
fn finish_with(
    dir: PathBuf,
    settings: Settings,
    checked: Vec<CheckedReturn>,
    ignored: Vec<ReturnSummary>,
    store: Option<crate::refs::LoadingStore>,
) -> MergedReview {
    let Settings {
        config,
        children,
        context,
        episodes,
    } = settings;
    let mut chronology = merge(checked, ignored, &config);
    // The Refs are worked out beside the analysis' heavier half, which
    // does not read them; the rest of the analysis names events by them.
    let (refs, read) = match store {
        Some(store) => {
            let (refs, read) = rayon::join(
                || crate::refs::stable_refs(&chronology, &config, &dir, store),
                || read_and_link(&chronology, &episodes),
            );
            (refs.give(&mut chronology, &config), read)
        }
        None => {
            crate::refs::number_in_order(&mut chronology, &config);
            (None, read_and_link(&chronology, &episodes))
        }
    };
    let analysis = conclude(&chronology, &episodes, read);
    MergedReview {
        dir,
        config,
        children,
        context,
        chronology,
        analysis,
        made_at: chrono::Local::now(),
        refs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_while_reading_becomes_its_message_and_place() {
        // What the binary's hook does (see `cli::process`).
        static HOOK: std::sync::Once = std::sync::Once::new();
        HOOK.call_once(|| {
            let previous = std::panic::take_hook();
            std::panic::set_hook(Box::new(move |info| {
                if !reader_panic(info) {
                    previous(info);
                }
            }));
        });
        let r: Result<(), String> = quietly(|| panic!("boom {}", 42));
        let msg = r.unwrap_err();
        assert!(msg.starts_with("boom 42 at "), "{msg}");
        assert!(msg.contains("pipeline.rs"), "{msg}");
        // The thread is no longer quiet afterwards.
        assert!(!QUIET.with(|q| q.get()));
        assert_eq!(quietly(|| 7), Ok(7));
    }

    #[test]
    fn without_the_hook_a_panic_is_still_its_message() {
        let r: Result<(), String> = quietly(|| std::panic::resume_unwind(Box::new("quiet")));
        assert_eq!(r.unwrap_err(), "quiet");
    }

    #[test]
    fn check_bytes_reads_a_csv_from_memory() {
        let ctx = settle_config(None, &MergeOptions::default())
            .unwrap()
            .context;
        let csv =
            "Date,Source of information,Details of event,Agency\n05/03/2019,GP record,Seen,GP\n";
        let c = check_bytes(csv.as_bytes(), "gp.csv", Format::Csv, &ctx);
        assert_eq!(c.summary.rows_merged, 1, "{:?}", c.findings);
        let bad = check_bytes(b"PK\x03\x04junk", "gp.xlsx", Format::Xlsx, &ctx);
        assert_eq!(bad.summary.status, ReturnStatus::Rejected);
        assert_eq!(bad.findings[0].code, Code::FileUnreadable);
    }
}
