//! What one merge of a watch did: a [`WatchEvent`], shown as one line.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Local};

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
    pub(crate) fn is_empty(&self) -> bool {
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
    /// How many agencies are in each state (`received`, `needs fixes`,
    /// `outstanding`, `overdue`, `superseded`; only those that occur), as
    /// `chronomerge status` shows them.
    pub states: Vec<(crate::status::State, usize)>,
    /// The workbook written.
    pub written: PathBuf,
    /// Set when the workbook was written beside the target because the
    /// target is locked: the target.
    pub locked: Option<PathBuf>,
    /// Returns read from disk for this merge (the rest were kept).
    pub reread: usize,
    /// What started the merge (empty for the first).
    pub changes: Changes,
    /// Exports that could not be written, and the ref store when it could
    /// not be written.
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

pub(crate) fn file_name(p: &Path) -> String {
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
                if !m.states.is_empty() {
                    let states: Vec<String> =
                        m.states.iter().map(|(s, n)| format!("{n} {s}")).collect();
                    write!(f, "; {}", states.join(", "))?;
                }
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
