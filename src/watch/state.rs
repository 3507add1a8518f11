//! What a watch keeps between merges, and one merge.

use std::collections::{BTreeMap, HashMap};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime};

use chrono::{Local, NaiveDate};
use rayon::prelude::*;

use super::events::file_name;
use super::{one_line, Changes, Failed, Merged, WatchEvent, WatchOptions};
use crate::discover::{same_file, Own, OwnFiles};
use crate::model::{CheckedReturn, FileKind, ReturnStatus};
use crate::pipeline::{check_file, finish, ignored_summary, settle_config};
use crate::publish::{publish, Chosen, Outputs};

/// The size and modification time of a file: it is read again only when
/// they change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
}

impl Stamp {
    pub(super) fn of(path: &Path) -> Option<Stamp> {
        let m = std::fs::metadata(path).ok()?;
        Some(Stamp {
            len: m.len(),
            modified: m.modified().ok(),
        })
    }
}

/// The state kept between merges.
pub(super) struct State {
    dir: PathBuf,
    opts: WatchOptions,
    config_path: PathBuf,
    /// The engine's own files: never read, never start a merge.
    own: OwnFiles,
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
    pub(super) fn new(dir: &Path, opts: &WatchOptions, config_path: PathBuf) -> State {
        let own = opts.merge.own_files(opts.outputs().files());
        State {
            dir: dir.to_path_buf(),
            opts: opts.clone(),
            config_path,
            own,
            kept: HashMap::new(),
            pending: HashMap::new(),
            merged: None,
            config_text: None,
            today: None,
            kept_key: None,
            folder_error: false,
            last_ok: false,
        }
    }

    /// True when there are files still settling: the folder is looked at
    /// more often.
    pub(super) fn settling(&self) -> bool {
        !self.pending.is_empty()
    }

    fn own(&self, p: &Path) -> bool {
        self.own.of(p).is_some()
    }

    /// True when a notification about `p` may matter.
    pub(super) fn relevant(&self, p: &Path) -> bool {
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
    pub(super) fn step(&mut self, now: Instant) -> Option<WatchEvent> {
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
        let settings = match settle_config(Some(&self.dir), &self.opts.merge) {
            Ok(x) => x,
            Err(e) => return failed(e.to_string(), changes),
        };
        let context = &settings.context;
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
                let checked = check_file(&f.path, &f.name, *fmt, context);
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
            match (self.own.of(&f.path), &f.kind) {
                // A write in progress: not a file of the folder.
                (Some(Own::Temporary), _) => continue,
                (Some(o), _) => ignored.push(ignored_summary(f, o.note())),
                (None, FileKind::Ignored(why)) => ignored.push(ignored_summary(f, why)),
                (None, FileKind::NotRead(finding)) => {
                    checked.push(crate::pipeline::not_read(f, finding))
                }
                (None, FileKind::Return(_)) => match self.kept.get(&f.path) {
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
            finish(dir, settings, checked, ignored)
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
        let published = match publish(&review, &self.opts.outputs()) {
            Ok(p) => p,
            Err(e) => return failed(e.to_string(), changes),
        };
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
            states: crate::status::status(&review).counts(),
            written: published.workbook,
            locked: published.locked,
            reread,
            changes,
            export_errors: published
                .not_written
                .iter()
                .map(|n| n.to_string())
                .chain(published.warnings.iter().cloned())
                .collect(),
            took: started.elapsed(),
        })
    }
}

impl WatchOptions {
    /// What a watch writes after every merge: the workbook (beside the
    /// target when the target is locked), and the JSON and CSV asked for.
    pub(crate) fn outputs(&self) -> Outputs<'_> {
        Outputs {
            workbook: self.output.clone(),
            json: self.json.clone(),
            csv: self.csv.clone(),
            html: self.html.clone(),
            write: &self.write,
            beside_if_locked: true,
            chosen: Chosen::Flags,
        }
    }
}
