//! Watch: keep the merged chronology of a review folder current while the
//! returns arrive.
//!
//! [`watch`] merges once at the start, then again whenever a return is
//! added, replaced or removed, or the review configuration changes:
//!
//! - File notifications (the `notify` crate) say that something happened;
//!   a quiet spell ([`WatchOptions::debounce`]) lets one save, which fires
//!   several notifications, count once. The folder is also looked at every
//!   [`WatchOptions::rescan`] in case notifications are lost (network
//!   shares), so a change is never missed, only seen later.
//! - A return whose size or modification time is still changing (being
//!   copied in) is not read until both have held for
//!   [`WatchOptions::settle`].
//! - Only what changed is read again: every return is kept as checked
//!   ([`CheckedReturn`]) with the size and time it was read at, and the
//!   merge runs over the kept returns. A change to `review.toml` (or the
//!   `--config` file), or a new day (dates in the future become readable),
//!   reads everything again.
//! - Excel lock files, temporary files, the workbook itself, its temporary
//!   file (`.chronomerge-*.tmp`), the JSON and CSV exports and the
//!   workbooks written beside a locked one never start a merge.
//! - The workbook is replaced atomically. When the merge or the write
//!   fails, the previous workbook stays and the failure is reported; when
//!   the workbook is open in a program that locks it, the new one is
//!   written beside it (`merged-chronology (updated 2026-11-26 1530).xlsx`)
//!   and the report says so.
//!
//! Each merge gives one [`WatchEvent`], shown as one line.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime};

use chrono::{DateTime, Local, NaiveDate};
use rayon::prelude::*;

use crate::model::{CheckedReturn, FileKind, ReturnStatus};
use crate::pipeline::{
    check_file, finish, ignored_summary, same_file, settle_config, MergeOptions,
};
use crate::write::WriteError;

/// The name of the merged workbook in a review folder when no `-o` is given.
pub const DEFAULT_OUTPUT: &str = "merged-chronology.xlsx";

/// One line from a message that may span several (a TOML error shows the
/// line in error with a caret under it): the first line and the last, the
/// explanation.
///
/// ```
/// let m = "review.toml: TOML parse error at line 4, column 15\n  |\n4 | x = 2024-13-01\n  |     ^^^\ninvalid date\n";
/// assert_eq!(chronomerge::watch::one_line(m), "review.toml: TOML parse error at line 4, column 15: invalid date");
/// ```
pub fn one_line(message: &str) -> String {
    let lines: Vec<&str> = message
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    match lines.as_slice() {
        [] => String::new(),
        [one] => one.to_string(),
        [first, .., last] => format!("{first}: {last}"),
    }
}

/// How a watch runs.
#[derive(Debug, Clone)]
pub struct WatchOptions {
    /// Review settings, as for `merge`.
    pub merge: MergeOptions,
    /// The merged workbook.
    pub output: PathBuf,
    /// Also write the review as JSON here after every merge.
    pub json: Option<PathBuf>,
    /// Also write the chronology as CSV here after every merge.
    pub csv: Option<PathBuf>,
    /// How the workbook is written (a glossary anonymises it and the exports).
    pub write: crate::write::WriteOptions,
    /// Quiet time after the last notification before the folder is looked at.
    pub debounce: Duration,
    /// How long a changed return's size and time must hold before it is read.
    pub settle: Duration,
    /// How often the folder is looked at without any notification.
    pub rescan: Duration,
    /// The longest a merge waits for a file still being copied; after that
    /// the other changes are merged without it.
    pub max_hold: Duration,
    /// Stop after this many merges (successful or failed); for tests.
    pub max_merges: Option<usize>,
    /// Stop after this long; for tests.
    pub exit_after: Option<Duration>,
}

impl WatchOptions {
    /// Options with the usual timings for a review folder and workbook.
    pub fn new(output: PathBuf) -> Self {
        WatchOptions {
            merge: MergeOptions::default(),
            output,
            json: None,
            csv: None,
            write: crate::write::WriteOptions::default(),
            debounce: Duration::from_millis(200),
            settle: Duration::from_millis(600),
            rescan: Duration::from_secs(2),
            max_hold: Duration::from_secs(20),
            max_merges: None,
            exit_after: None,
        }
    }
}

/// What changed since the previous merge.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// Returns that are new.
    pub added: Vec<String>,
    /// Returns that were replaced or edited.
    pub replaced: Vec<String>,
    /// Returns that were removed.
    pub removed: Vec<String>,
    /// The review configuration changed.
    pub config: bool,
    /// The day changed (every return is read again).
    pub new_day: bool,
    /// The workbook had gone from its folder (deleted or moved away).
    pub output_missing: bool,
    /// Returns left out because they are still being copied in.
    pub still_copying: Vec<String>,
}

impl Changes {
    fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.replaced.is_empty()
            && self.removed.is_empty()
            && !self.config
            && !self.new_day
            && !self.output_missing
    }
}

impl fmt::Display for Changes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if !self.added.is_empty() {
            parts.push(format!("added {}", self.added.join(", ")));
        }
        if !self.replaced.is_empty() {
            parts.push(format!("replaced {}", self.replaced.join(", ")));
        }
        if !self.removed.is_empty() {
            parts.push(format!("removed {}", self.removed.join(", ")));
        }
        if self.config {
            parts.push("configuration changed".into());
        }
        if self.new_day {
            parts.push("new day".into());
        }
        if self.output_missing {
            parts.push("the workbook had gone: written again".into());
        }
        if !self.still_copying.is_empty() {
            parts.push(format!(
                "waiting for {} (still being copied)",
                self.still_copying.join(", ")
            ));
        }
        f.write_str(&parts.join("; "))
    }
}

/// A merge that was written.
#[derive(Debug, Clone)]
pub struct Merged {
    /// When it finished.
    pub at: DateTime<Local>,
    /// Returns merged (with or without warnings).
    pub returns_merged: usize,
    /// Returns rejected whole.
    pub returns_rejected: usize,
    /// Events in the chronology.
    pub events: usize,
    /// Error findings.
    pub errors: usize,
    /// Warning findings.
    pub warnings: usize,
    /// Candidate key practice episodes.
    pub episodes: usize,
    /// Expected agencies (review.toml `[[agencies]]`) with no return.
    pub missing: Vec<String>,
    /// True when the review configuration names agencies at all.
    pub expects_agencies: bool,
    /// The workbook written.
    pub written: PathBuf,
    /// Set when the workbook was written beside the target because the
    /// target is locked: the target.
    pub locked: Option<PathBuf>,
    /// Returns read from disk for this merge (the rest were kept).
    pub reread: usize,
    /// What started the merge (empty for the first).
    pub changes: Changes,
    /// Exports that could not be written.
    pub export_errors: Vec<String>,
    /// How long reading, merging and writing took.
    pub took: Duration,
}

/// A merge that failed: nothing was replaced.
#[derive(Debug, Clone)]
pub struct Failed {
    /// When.
    pub at: DateTime<Local>,
    /// Why, in words for the business unit.
    pub message: String,
    /// What started the merge.
    pub changes: Changes,
}

/// What one merge did.
#[derive(Debug, Clone)]
pub enum WatchEvent {
    /// The workbook was written.
    Merged(Merged),
    /// The merge or the write failed; the previous workbook stays.
    Failed(Failed),
    /// Something to know that is not a merge (e.g. file notifications are
    /// not available, so the folder is only looked at now and then).
    Notice(String),
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| p.display().to_string())
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

impl fmt::Display for WatchEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WatchEvent::Merged(m) => {
                write!(
                    f,
                    "{} merged {}",
                    m.at.format("%Y-%m-%d %H:%M:%S"),
                    plural(m.returns_merged, "return", "returns")
                )?;
                if m.returns_rejected > 0 {
                    write!(f, " ({} rejected)", m.returns_rejected)?;
                }
                write!(
                    f,
                    ": {}, {}, {}",
                    plural(m.events, "event", "events"),
                    plural(m.errors, "error", "errors"),
                    plural(m.warnings, "warning", "warnings")
                )?;
                if !m.missing.is_empty() {
                    write!(f, "; still missing: {}", m.missing.join(", "))?;
                } else if m.expects_agencies {
                    f.write_str("; every expected agency has returned")?;
                }
                write!(f, " → {}", file_name(&m.written))?;
                if let Some(t) = &m.locked {
                    write!(
                        f,
                        " (written beside {}, which is open in another program)",
                        file_name(t)
                    )?;
                }
                for e in &m.export_errors {
                    write!(f, "; {e}")?;
                }
                if !m.changes.is_empty() || !m.changes.still_copying.is_empty() {
                    write!(f, " [{}]", m.changes)?;
                }
                write!(f, " ({:.2} s)", m.took.as_secs_f64())
            }
            WatchEvent::Notice(n) => f.write_str(n),
            WatchEvent::Failed(x) => {
                write!(
                    f,
                    "{} merge failed: {}; the previous workbook is kept",
                    x.at.format("%Y-%m-%d %H:%M:%S"),
                    x.message
                )?;
                if !x.changes.is_empty() {
                    write!(f, " [{}]", x.changes)?;
                }
                Ok(())
            }
        }
    }
}

/// What a whole watch did.
#[derive(Debug, Clone, Default)]
pub struct WatchSummary {
    /// Merges written.
    pub merges: usize,
    /// Merges that failed.
    pub failures: usize,
    /// True when file notifications could not be used and the folder was
    /// only looked at every [`WatchOptions::rescan`].
    pub polling_only: bool,
}

/// The size and modification time of a file: it is read again only when
/// they change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
}

impl Stamp {
    fn of(path: &Path) -> Option<Stamp> {
        let m = std::fs::metadata(path).ok()?;
        Some(Stamp {
            len: m.len(),
            modified: m.modified().ok(),
        })
    }
}

/// The file name of the workbook written beside a locked target, for the
/// given minute (`merged-chronology (updated 2026-11-26 1530).xlsx`).
///
/// ```
/// use chrono::TimeZone;
/// let t = chrono::Local.with_ymd_and_hms(2026, 11, 26, 15, 30, 5).unwrap();
/// let p = chronomerge::watch::beside_path(std::path::Path::new("out/merged-chronology.xlsx"), t, false);
/// assert_eq!(p, std::path::Path::new("out/merged-chronology (updated 2026-11-26 1530).xlsx"));
/// ```
pub fn beside_path(target: &Path, at: DateTime<Local>, seconds: bool) -> PathBuf {
    let stem = target
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "merged-chronology".into());
    let ext = target
        .extension()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "xlsx".into());
    let when = if seconds {
        at.format("%Y-%m-%d %H%M%S")
    } else {
        at.format("%Y-%m-%d %H%M")
    };
    target.with_file_name(format!("{stem} (updated {when}).{ext}"))
}

/// True for a file the watch itself writes beside `output`: its temporary
/// files and the workbooks written beside a locked one.
pub fn is_own_file(output: &Path, candidate: &Path) -> bool {
    let name = file_name(candidate);
    if name.starts_with(".chronomerge-") && name.ends_with(".tmp") {
        return true;
    }
    let stem = output
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let same_dir = match (output.parent(), candidate.parent()) {
        (Some(a), Some(b)) => {
            let a = if a.as_os_str().is_empty() {
                Path::new(".")
            } else {
                a
            };
            same_file(a, b)
        }
        _ => false,
    };
    same_dir && name.starts_with(&format!("{stem} (updated ")) && name.ends_with(".xlsx")
}

/// The state kept between merges.
struct State {
    dir: PathBuf,
    opts: WatchOptions,
    config_path: PathBuf,
    /// Returns as read, by path, with the stamp they were read at.
    kept: HashMap<PathBuf, (Stamp, CheckedReturn)>,
    /// Files whose stamp differs from the one last merged: the stamp seen
    /// and since when.
    pending: HashMap<PathBuf, (Stamp, Instant)>,
    /// The stamps of the returns as last merged (or attempted).
    merged: Option<BTreeMap<PathBuf, Stamp>>,
    /// The configuration text as last merged (None: no file).
    config_text: Option<Option<Vec<u8>>>,
    /// The day of the last merge.
    today: Option<NaiveDate>,
    /// The configuration text and day the kept returns were checked with.
    kept_key: Option<(Option<Vec<u8>>, NaiveDate)>,
    /// The folder could not be read at the last look.
    folder_error: bool,
    /// The last merge was written.
    last_ok: bool,
}

/// What the folder holds right now.
struct Look {
    /// Returns (not our own files): path → stamp.
    returns: BTreeMap<PathBuf, Stamp>,
    /// Every file found, for the `Returns` sheet.
    files: Vec<crate::model::FoundFile>,
    config_text: Option<Vec<u8>>,
    today: NaiveDate,
}

impl State {
    fn own(&self, p: &Path) -> bool {
        let o = &self.opts;
        same_file(&o.output, p)
            || o.json.as_deref().is_some_and(|j| same_file(j, p))
            || o.csv.as_deref().is_some_and(|c| same_file(c, p))
            || o.merge.exclude.iter().any(|x| same_file(x, p))
            || is_own_file(&o.output, p)
            || self.default_output(p)
    }

    /// A merged chronology left in the review folder under the default
    /// name (by `merge`, or an earlier `watch` with another `-o`), or one
    /// written beside it: never a return.
    fn default_output(&self, p: &Path) -> bool {
        let default = self.dir.join(DEFAULT_OUTPUT);
        let named = p
            .file_name()
            .is_some_and(|n| n.to_string_lossy().eq_ignore_ascii_case(DEFAULT_OUTPUT));
        (named && p.parent().is_some_and(|d| same_file(d, &self.dir))) || is_own_file(&default, p)
    }

    /// True when a notification about `p` may matter.
    fn relevant(&self, p: &Path) -> bool {
        if same_file(p, &self.config_path) || same_file(p, &self.dir) {
            return true;
        }
        let name = file_name(p);
        matches!(crate::discover::classify(&name), FileKind::Return(_)) && !self.own(p)
    }

    fn look(&self) -> Result<Look, String> {
        let files = crate::discover::scan(&self.dir)
            .map_err(|e| format!("{}: the folder cannot be read ({e})", self.dir.display()))?;
        let mut returns = BTreeMap::new();
        for f in &files {
            if let FileKind::Return(_) = f.kind {
                if !self.own(&f.path) {
                    if let Some(s) = Stamp::of(&f.path) {
                        returns.insert(f.path.clone(), s);
                    }
                }
            }
        }
        let config_text = std::fs::read(&self.config_path).ok();
        let today = self
            .opts
            .merge
            .today
            .unwrap_or_else(|| Local::now().date_naive());
        Ok(Look {
            returns,
            files,
            config_text,
            today,
        })
    }

    /// Looks at the folder; merges when something settled has changed.
    /// `None` when there is nothing to do yet.
    fn step(&mut self, now: Instant) -> Option<WatchEvent> {
        let look = match self.look() {
            Ok(l) => {
                self.folder_error = false;
                l
            }
            Err(message) => {
                // Report a folder that cannot be read once, not on every look.
                if std::mem::replace(&mut self.folder_error, true) {
                    return None;
                }
                return Some(WatchEvent::Failed(Failed {
                    at: Local::now(),
                    message,
                    changes: Changes::default(),
                }));
            }
        };
        let first = self.merged.is_none();
        let before = self.merged.clone().unwrap_or_default();
        self.pending.retain(|p, _| look.returns.contains_key(p));
        let mut changes = Changes::default();
        let mut settled_now: BTreeMap<PathBuf, Stamp> = BTreeMap::new();
        let mut oldest_unsettled: Option<Instant> = None;
        for (p, s) in &look.returns {
            if before.get(p) == Some(s) {
                self.pending.remove(p);
                settled_now.insert(p.clone(), *s);
                continue;
            }
            let settled = match self.pending.get(p) {
                Some((seen, since)) if seen == s => {
                    now.duration_since(*since) >= self.opts.settle && std::fs::File::open(p).is_ok()
                }
                _ => {
                    self.pending.insert(p.clone(), (*s, now));
                    false
                }
            };
            if settled {
                settled_now.insert(p.clone(), *s);
                if before.contains_key(p) {
                    changes.replaced.push(file_name(p));
                } else {
                    changes.added.push(file_name(p));
                }
            } else {
                let since = self.pending[p].1;
                oldest_unsettled = Some(oldest_unsettled.map_or(since, |o: Instant| o.min(since)));
                changes.still_copying.push(file_name(p));
                // Until it settles, merge the copy read before, if any.
                if let Some(old) = before.get(p) {
                    settled_now.insert(p.clone(), *old);
                }
            }
        }
        for p in before.keys() {
            if !look.returns.contains_key(p) {
                changes.removed.push(file_name(p));
            }
        }
        changes.config = self
            .config_text
            .as_ref()
            .is_some_and(|c| *c != look.config_text);
        changes.new_day = self.today.is_some_and(|d| d != look.today);
        changes.output_missing = self.last_ok && !self.opts.output.exists();
        if !first && changes.is_empty() {
            return None;
        }
        if let Some(since) = oldest_unsettled {
            if now.duration_since(since) < self.opts.max_hold {
                return None;
            }
        }
        if first {
            // The first merge reports no changes.
            changes.added.clear();
        }
        self.merged = Some(settled_now.clone());
        self.config_text = Some(look.config_text.clone());
        self.today = Some(look.today);
        let ev = self.merge(look, settled_now, changes);
        self.last_ok = matches!(ev, WatchEvent::Merged(_));
        Some(ev)
    }

    fn merge(
        &mut self,
        look: Look,
        returns: BTreeMap<PathBuf, Stamp>,
        changes: Changes,
    ) -> WatchEvent {
        let started = Instant::now();
        let failed = |message: String, changes: Changes| {
            WatchEvent::Failed(Failed {
                at: Local::now(),
                message: one_line(&message),
                changes,
            })
        };
        let (config, context, episode_cfg) = match settle_config(Some(&self.dir), &self.opts.merge)
        {
            Ok(x) => x,
            Err(e) => return failed(e, changes),
        };
        let key = (look.config_text.clone(), look.today);
        if self.kept_key.as_ref() != Some(&key) {
            self.kept.clear();
            self.kept_key = Some(key);
        }
        self.kept.retain(|p, _| returns.contains_key(p));
        // Read what is new or changed, in parallel.
        let to_read: Vec<(&crate::model::FoundFile, crate::model::Format)> = look
            .files
            .iter()
            .filter_map(|f| match f.kind {
                FileKind::Return(fmt) => {
                    let stamp = returns.get(&f.path)?;
                    match self.kept.get(&f.path) {
                        Some((s, _)) if s == stamp => None,
                        _ => Some((f, fmt)),
                    }
                }
                FileKind::Ignored(_) | FileKind::NotRead(_) => None,
            })
            .collect();
        let read: Vec<(PathBuf, Stamp, CheckedReturn)> = to_read
            .par_iter()
            .map(|(f, fmt)| {
                let stamp = returns[&f.path];
                let checked = check_file(&f.path, &f.name, *fmt, &context);
                (f.path.clone(), stamp, checked)
            })
            .collect();
        let reread = read.len();
        for (path, stamp, checked) in read {
            if Stamp::of(&path) != Some(stamp) {
                // Changed while it was read: read it again when it settles.
                if let Some(m) = self.merged.as_mut() {
                    m.remove(&path);
                }
                continue;
            }
            self.kept.insert(path, (stamp, checked));
        }
        let mut checked = Vec::new();
        let mut ignored = Vec::new();
        for f in &look.files {
            let name = &f.name;
            if name.starts_with(".chronomerge-") && name.ends_with(".tmp") {
                continue;
            }
            match &f.kind {
                _ if self.own(&f.path) => ignored.push(ignored_summary(
                    f,
                    "the merged chronology written by chronomerge",
                )),
                FileKind::Ignored(why) => ignored.push(ignored_summary(f, why)),
                FileKind::NotRead(finding) => checked.push(crate::pipeline::not_read(f, finding)),
                FileKind::Return(_) => match self.kept.get(&f.path) {
                    Some((_, c)) => checked.push(c.clone()),
                    None => ignored.push(ignored_summary(
                        f,
                        "still being copied in: merged when it has settled",
                    )),
                },
            }
        }
        let dir = self.dir.clone();
        let review = match catch_unwind(AssertUnwindSafe(|| {
            finish(dir, config, context, episode_cfg, checked, ignored)
        })) {
            Ok(r) => r,
            Err(_) => {
                return failed(
                    "the engine failed while merging (please report this to the chronomerge maintainers)"
                        .into(),
                    changes,
                )
            }
        };
        let target = self.opts.output.clone();
        let (written, locked) = match write_or_beside(&review, &target, &self.opts.write) {
            Ok(x) => x,
            Err(e) => return failed(e.to_string(), changes),
        };
        let mut export_errors = Vec::new();
        if let Some(j) = &self.opts.json {
            let g = self.opts.write.glossary.as_ref();
            if let Err(e) = crate::export::write_json_with(&review, j, g) {
                export_errors.push(format!(
                    "JSON not written: {e}: choose another file with --json"
                ));
            }
        }
        if let Some(c) = &self.opts.csv {
            let g = self.opts.write.glossary.as_ref();
            if let Err(e) = crate::export::write_csv_with(&review, c, g) {
                export_errors.push(format!(
                    "CSV not written: {e}: choose another file with --csv"
                ));
            }
        }
        let chron = &review.chronology;
        let count = |s: ReturnStatus| chron.returns.iter().filter(|r| r.status == s).count();
        WatchEvent::Merged(Merged {
            at: Local::now(),
            returns_merged: count(ReturnStatus::Merged) + count(ReturnStatus::MergedWithWarnings),
            returns_rejected: count(ReturnStatus::Rejected),
            events: chron.events.len(),
            errors: review.errors(),
            warnings: review.warnings(),
            episodes: review.analysis.episodes.len(),
            missing: crate::export::missing_agencies(&review),
            expects_agencies: !review.config.agencies.is_empty(),
            written,
            locked,
            reread,
            changes,
            export_errors,
            took: started.elapsed(),
        })
    }
}

/// Writes the workbook to `target`, or beside it when the target cannot be
/// replaced (open in a program that locks it). Returns the file written
/// and, when written beside, the locked target.
pub fn write_or_beside(
    review: &crate::pipeline::MergedReview,
    target: &Path,
    opts: &crate::write::WriteOptions,
) -> Result<(PathBuf, Option<PathBuf>), WriteError> {
    match crate::write::write_workbook_with(review, target, opts) {
        Ok(()) => Ok((target.to_path_buf(), None)),
        Err(WriteError::Replace { .. }) => {
            let now = Local::now();
            let mut last = None;
            for seconds in [false, true] {
                let beside = beside_path(target, now, seconds);
                match crate::write::write_workbook_with(review, &beside, opts) {
                    Ok(()) => return Ok((beside, Some(target.to_path_buf()))),
                    Err(e) => last = Some(e),
                }
            }
            Err(last.expect("tried at least once"))
        }
        Err(e) => Err(e),
    }
}

/// Watches `dir` and keeps the merged workbook current until `stop` is set
/// (or [`WatchOptions::max_merges`] / [`WatchOptions::exit_after`] is
/// reached). `on_event` is called once per merge. `Err` when the folder
/// cannot be watched at all.
pub fn watch(
    dir: &Path,
    opts: &WatchOptions,
    stop: &AtomicBool,
    on_event: &mut dyn FnMut(&WatchEvent),
) -> Result<WatchSummary, String> {
    if !dir.is_dir() {
        return Err(format!(
            "{} is not a folder: give the folder that holds the agencies' returns",
            dir.display()
        ));
    }
    let config_path = opts
        .merge
        .config_file
        .clone()
        .unwrap_or_else(|| dir.join(crate::discover::CONFIG_FILE));
    let mut state = State {
        dir: dir.to_path_buf(),
        opts: opts.clone(),
        config_path: config_path.clone(),
        kept: HashMap::new(),
        pending: HashMap::new(),
        merged: None,
        config_text: None,
        today: None,
        kept_key: None,
        folder_error: false,
        last_ok: false,
    };
    let started = Instant::now();
    let mut summary = WatchSummary::default();
    let (tx, rx) = mpsc::channel::<notify::Result<notify::Event>>();
    let watcher = {
        use notify::Watcher;
        let made = notify::recommended_watcher(move |ev| {
            let _ = tx.send(ev);
        });
        match made {
            Ok(mut w) => {
                let mut ok = w.watch(dir, notify::RecursiveMode::NonRecursive).is_ok();
                if let Some(parent) = config_path.parent() {
                    if !same_file(parent, dir) && parent.is_dir() {
                        ok &= w.watch(parent, notify::RecursiveMode::NonRecursive).is_ok();
                    }
                }
                ok.then_some(w)
            }
            Err(_) => None,
        }
    };
    summary.polling_only = watcher.is_none();
    if summary.polling_only {
        on_event(&WatchEvent::Notice(format!(
            "file notifications are not available for {}: the folder is looked at every {} s instead",
            dir.display(),
            opts.rescan.as_secs_f64()
        )));
    }
    let tick = Duration::from_millis(50);
    let mut dirty_since: Option<Instant> = Some(started);
    let mut last_look = started;
    loop {
        if stop.load(Ordering::SeqCst)
            || opts.exit_after.is_some_and(|d| started.elapsed() >= d)
            || opts
                .max_merges
                .is_some_and(|n| summary.merges + summary.failures >= n)
        {
            break;
        }
        match rx.recv_timeout(tick) {
            Ok(Ok(ev)) => {
                let matters = ev.need_rescan()
                    || ev.paths.is_empty()
                    || ev.paths.iter().any(|p| state.relevant(p));
                if matters {
                    dirty_since = Some(Instant::now());
                }
                continue;
            }
            Ok(Err(_)) => {
                dirty_since = Some(Instant::now());
                continue;
            }
            Err(mpsc::RecvTimeoutError::Timeout) | Err(mpsc::RecvTimeoutError::Disconnected) => {}
        }
        let now = Instant::now();
        let due = dirty_since.is_some_and(|t| now.duration_since(t) >= opts.debounce)
            || (!state.pending.is_empty() && now.duration_since(last_look) >= tick)
            || now.duration_since(last_look) >= opts.rescan;
        if !due {
            continue;
        }
        dirty_since = None;
        last_look = now;
        if let Some(ev) = state.step(now) {
            match &ev {
                WatchEvent::Merged(_) => summary.merges += 1,
                WatchEvent::Failed(_) => summary.failures += 1,
                WatchEvent::Notice(_) => {}
            }
            on_event(&ev);
        }
    }
    drop(watcher);
    Ok(summary)
}
