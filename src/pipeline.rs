//! The pipeline: discover → ingest → validate → merge → episodes, for a
//! folder (`merge`) or single files (`check`). Returns are read in parallel
//! (rayon), one bad file never stops the rest, and a panic while reading
//! one file becomes a finding about that file.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::config::ReviewConfig;
use crate::dates::DateContext;
use crate::episodes::{analyse, Analysis, EpisodeConfig};
use crate::findings::{Code, Finding};
use crate::merge::{merge, Chronology};
use crate::model::{CheckedReturn, FileKind, Format, FoundFile, ReturnStatus, ReturnSummary};
use crate::validate::{check_return, CheckContext};

/// Settings for one merge; `None` means "from review.toml, else default".
#[derive(Debug, Clone, Default)]
pub struct MergeOptions {
    /// Review reference (overrides the configuration file).
    pub review: Option<String>,
    /// Review period start.
    pub from: Option<NaiveDate>,
    /// Review period end.
    pub to: Option<NaiveDate>,
    /// Margin around the period, in days.
    pub margin_days: Option<i64>,
    /// Agency for CSV exports with no `Agency` column.
    pub agency: Option<String>,
    /// The day of the merge (default: today).
    pub today: Option<NaiveDate>,
    /// How many episodes to show.
    pub episodes: Option<usize>,
    /// Minimum agencies in an episode.
    pub min_agencies: Option<usize>,
    /// Longest quiet stretch inside an episode, in days.
    pub window_days: Option<i64>,
    /// A configuration file to use instead of the folder's `review.toml`.
    pub config_file: Option<PathBuf>,
    /// Files in the folder that are the engine's own output.
    pub exclude: Vec<PathBuf>,
    /// A glossary CSV (real text, replacement) to anonymise the workbook.
    pub glossary: Option<PathBuf>,
    /// Protective marking (overrides the configuration file).
    pub marking: Option<String>,
}

/// A merged review: everything the writers need.
#[derive(Debug, Clone)]
pub struct MergedReview {
    /// The folder merged.
    pub dir: PathBuf,
    /// The effective configuration (file, then command line).
    pub config: ReviewConfig,
    /// What the checks used.
    pub context: CheckContext,
    /// The merged chronology.
    pub chronology: Chronology,
    /// Episodes, joint events and gaps.
    pub analysis: Analysis,
    /// When the merge ran.
    pub made_at: chrono::DateTime<chrono::Local>,
}

impl MergedReview {
    /// Number of error findings.
    pub fn errors(&self) -> usize {
        self.chronology
            .findings
            .iter()
            .filter(|f| f.is_error())
            .count()
    }

    /// Why the review cannot be merged although the folder was read: no
    /// file in it is a return (it is empty, or holds only files that are
    /// not chronologies or not read). The message says what was found and
    /// why each file was not used; `None` when at least one return was
    /// read (merged or rejected).
    pub fn no_returns(&self) -> Option<String> {
        no_returns(&self.dir, &self.chronology.returns)
    }

    /// Number of warning findings (info findings are not counted).
    pub fn warnings(&self) -> usize {
        self.chronology
            .findings
            .iter()
            .filter(|f| f.is_warning())
            .count()
    }
}

/// Builds the effective configuration and check context from the folder's
/// `review.toml` (or `opts.config_file`) and the command line.
pub fn settle_config(
    dir: Option<&Path>,
    opts: &MergeOptions,
) -> Result<(ReviewConfig, CheckContext, EpisodeConfig), String> {
    let mut config = match (&opts.config_file, dir) {
        (Some(p), _) => ReviewConfig::load(p)?,
        (None, Some(d)) => ReviewConfig::load_from_dir(d)?,
        (None, None) => ReviewConfig::default(),
    };
    if opts.review.is_some() {
        config.review = opts.review.clone();
    }
    if opts.from.is_some() {
        config.period_from = opts.from;
    }
    if opts.to.is_some() {
        config.period_to = opts.to;
    }
    if opts.margin_days.is_some() {
        config.margin_days = opts.margin_days;
    }
    if opts.marking.is_some() {
        config.marking = opts.marking.clone();
    }
    let today = opts
        .today
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let period = match (config.period_from, config.period_to) {
        (Some(f), Some(t)) if f <= t => Some((f, t)),
        (Some(f), Some(t)) => {
            return Err(format!(
                "the review period starts ({f}) after it ends ({t})"
            ))
        }
        (Some(f), None) => Some((f, today)),
        (None, Some(t)) => Some((NaiveDate::MIN, t)),
        (None, None) => None,
    };
    let context = CheckContext {
        dates: DateContext::new(today),
        review: config.review.clone(),
        period,
        margin_days: config.margin_days.unwrap_or(0),
        agency: opts.agency.clone(),
    };
    let mut episodes = match &config.episodes {
        Some(t) => t
            .clone()
            .try_into::<EpisodeConfig>()
            .map_err(|e| format!("review.toml [episodes]: {e}"))?,
        None => EpisodeConfig::default(),
    };
    if let Some(n) = opts.episodes {
        episodes.max_episodes = n;
    }
    if let Some(n) = opts.min_agencies {
        episodes.min_agencies = n;
    }
    if let Some(n) = opts.window_days {
        episodes.window_days = n;
    }
    Ok((config, context, episodes))
}

/// Reads and checks one return. Never panics: a failure to read is a
/// finding and a `rejected` summary, and so is a panic inside a reader
/// (its message and place go into the finding, not to the terminal).
pub fn check_file(path: &Path, name: &str, format: Format, ctx: &CheckContext) -> CheckedReturn {
    let result = quietly(|| {
        crate::ingest::read_return(path, name, format).map(|raw| check_return(raw, ctx))
    });
    let finding = match result {
        Ok(Ok(mut checked)) => {
            checked.modified = std::fs::metadata(path).and_then(|m| m.modified()).ok();
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
    rejected(name, Some(format), ctx, finding)
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
    /// as a finding, so the default hook's message is not printed.
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// The last panic caught on this thread while quiet: message and place.
    static LAST_PANIC: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Runs `f`, turning a panic into `Err(message at place)` without printing
/// it. Other threads' panics still reach the previous hook.
fn quietly<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if QUIET.with(|q| q.get()) {
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
            } else {
                previous(info);
            }
        }));
    });
    let was = QUIET.with(|q| q.replace(true));
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
            file: name.to_string(),
            agency,
            format,
            status: ReturnStatus::Rejected,
            rows_read: 0,
            rows_merged: 0,
            rows_rejected: 0,
            rows_skipped: 0,
            first: None,
            last: None,
            review_reference: String::new(),
            note: finding.message.clone(),
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
pub fn not_read(f: &FoundFile, finding: &Finding) -> CheckedReturn {
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
pub fn ignored_summary(f: &FoundFile, why: &str) -> ReturnSummary {
    ReturnSummary {
        file: f.name.clone(),
        agency: String::new(),
        format: None,
        status: ReturnStatus::Ignored,
        rows_read: 0,
        rows_merged: 0,
        rows_rejected: 0,
        rows_skipped: 0,
        first: None,
        last: None,
        review_reference: String::new(),
        note: why.to_string(),
    }
}

/// True when a file's `Returns` line is that of a return: read as a
/// spreadsheet, CSV, Word table or text chronology (merged, rejected or
/// superseded), not ignored and not in a format the engine does not read.
pub fn is_return(s: &ReturnSummary) -> bool {
    s.format.is_some() && s.status != ReturnStatus::Ignored
}

/// The message for a folder none of whose files is a return (see
/// [`MergedReview::no_returns`]); `None` when one is.
pub fn no_returns(dir: &Path, files: &[ReturnSummary]) -> Option<String> {
    if files.iter().any(is_return) {
        return None;
    }
    let folder = dir.display();
    if files.is_empty() {
        return Some(format!(
            "no return to merge in {folder}: the folder is empty; put the agencies' returns in it"
        ));
    }
    let listed: Vec<String> = files
        .iter()
        .take(20)
        .map(|s| format!("{} ({}: {})", s.file, s.status.as_str(), s.note))
        .collect();
    let more = if files.len() > 20 {
        format!("; and {} more", files.len() - 20)
    } else {
        String::new()
    };
    Some(format!(
        "no return to merge in {folder}: none of its {} file(s) is a chronology return (found: {}{more})",
        files.len(),
        listed.join("; ")
    ))
}

/// Merges every return in a review folder. `Err` only when the folder or
/// its configuration cannot be used at all.
pub fn merge_dir(dir: &Path, opts: &MergeOptions) -> Result<MergedReview, String> {
    let files = crate::discover::scan(dir)
        .map_err(|e| format!("{}: the folder cannot be read ({e})", dir.display()))?;
    let (config, context, episode_cfg) = settle_config(Some(dir), opts)?;
    let excluded = |p: &Path| opts.exclude.iter().any(|x| same_file(x, p));
    let is_setting = |p: &Path| {
        [&opts.glossary, &opts.config_file]
            .into_iter()
            .flatten()
            .any(|x| same_file(x, p))
    };
    let mut ignored = Vec::new();
    let mut to_read = Vec::new();
    let mut not_read_files = Vec::new();
    for f in files {
        match &f.kind {
            _ if excluded(&f.path) => ignored.push(ignored_summary(
                &f,
                "the merged chronology written by chronomerge",
            )),
            _ if is_setting(&f.path) => ignored.push(ignored_summary(
                &f,
                "a settings file given on the command line (glossary or review configuration)",
            )),
            FileKind::Ignored(why) => ignored.push(ignored_summary(&f, why)),
            FileKind::NotRead(finding) => not_read_files.push(not_read(&f, finding)),
            FileKind::Return(fmt) => to_read.push((f.clone(), *fmt)),
        }
    }
    let mut checked: Vec<CheckedReturn> = to_read
        .par_iter()
        .map(|(f, fmt)| check_file(&f.path, &f.name, *fmt, &context))
        .collect();
    checked.append(&mut not_read_files);
    Ok(finish(
        dir.to_path_buf(),
        config,
        context,
        episode_cfg,
        checked,
        ignored,
    ))
}

/// Merges already-checked returns (used by `watch`, which keeps them).
pub fn finish(
    dir: PathBuf,
    config: ReviewConfig,
    context: CheckContext,
    episode_cfg: EpisodeConfig,
    checked: Vec<CheckedReturn>,
    ignored: Vec<ReturnSummary>,
) -> MergedReview {
    let chronology = merge(checked, ignored, &config);
    let analysis = analyse(&chronology, &episode_cfg);
    if chronology.events.len() >= RELEASE_ABOVE_EVENTS {
        release_freed_memory();
    }
    MergedReview {
        dir,
        config,
        context,
        chronology,
        analysis,
        made_at: chrono::Local::now(),
    }
}

/// From this many events on, [`finish`] hands the memory the analysis
/// freed back to the system ([`release_freed_memory`]); below, there is
/// little to gain, and a batch of small reviews on several threads would
/// only pay for the calls.
const RELEASE_ABOVE_EVENTS: usize = 20_000;

/// Gives the memory the analysis has freed back to the system before the
/// workbook is written.
///
/// The analysis builds a small block per event (its words, their places
/// and weights) on the worker threads and frees them when it ends; glibc's
/// allocator keeps such memory for reuse by those threads, but the writer
/// works on another and its large tables come from fresh pages, so the two
/// added up: on the L workload (500,000 events) the peak fell from 1,151
/// to 924 MB with this call when it was added, and building the workbook
/// got faster (8.4 to 7.1 s), fresh pages being what it costs on a VM
/// (docs/performance-history.md, run 9). A no-op where the allocator is not glibc's
/// (Windows, macOS, musl), which hand large freed blocks back themselves.
fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks the allocator's own free lists, under
    // its locks; it takes no pointer and is safe to call from any thread.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// True when two paths name the same file (compared after resolving, so
/// `./out.xlsx` and `out.xlsx` match; a file that does not exist yet is
/// compared by its absolute path).
pub fn same_file(a: &Path, b: &Path) -> bool {
    let abs = |p: &Path| {
        std::fs::canonicalize(p).unwrap_or_else(|_| {
            let p = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
            match (p.parent(), p.file_name()) {
                (Some(dir), Some(name)) => std::fs::canonicalize(dir)
                    .map(|d| d.join(name))
                    .unwrap_or(p.clone()),
                _ => p,
            }
        })
    };
    abs(a) == abs(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_while_reading_becomes_its_message_and_place() {
        let r: Result<(), String> = quietly(|| panic!("boom {}", 42));
        let msg = r.unwrap_err();
        assert!(msg.starts_with("boom 42 at "), "{msg}");
        assert!(msg.contains("pipeline.rs"), "{msg}");
        // The thread is no longer quiet afterwards.
        assert!(!QUIET.with(|q| q.get()));
        assert_eq!(quietly(|| 7), Ok(7));
    }

    /// Memory freed in small blocks goes back to the system.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[test]
    fn freed_memory_is_given_back() {
        // VmRSS is in kB whatever the page size.
        fn rss_mb() -> i64 {
            let s = std::fs::read_to_string("/proc/self/status").unwrap();
            let line = s.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
            let kb: i64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
            kb / 1024
        }
        // 256 MB in 2 KB vectors, one in 64 kept so that what is freed
        // lies between blocks still in use, as the analysis leaves it.
        let mut blocks: Vec<Vec<u8>> = (0..131_072).map(|i| vec![i as u8; 2048]).collect();
        let _kept: Vec<Vec<u8>> = blocks.iter_mut().step_by(64).map(std::mem::take).collect();
        drop(blocks);
        let before = rss_mb();
        release_freed_memory();
        let after = rss_mb();
        assert!(before - after > 64, "RSS {before} MB -> {after} MB");
    }

    #[test]
    fn check_bytes_reads_a_csv_from_memory() {
        let (_, ctx, _) = settle_config(None, &MergeOptions::default()).unwrap();
        let csv =
            "Date,Source of information,Details of event,Agency\n05/03/2019,GP record,Seen,GP\n";
        let c = check_bytes(csv.as_bytes(), "gp.csv", Format::Csv, &ctx);
        assert_eq!(c.summary.rows_merged, 1, "{:?}", c.findings);
        let bad = check_bytes(b"PK\x03\x04junk", "gp.xlsx", Format::Xlsx, &ctx);
        assert_eq!(bad.summary.status, ReturnStatus::Rejected);
        assert_eq!(bad.findings[0].code, Code::FileUnreadable);
    }
}
