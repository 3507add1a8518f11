//! The merged review: the value the pipeline hands to the writers.
//!
//! [`MergedReview`] is what [`crate::pipeline`] makes of a review folder
//! and what [`crate::publish`], [`crate::write`](mod@crate::write),
//! [`crate::export`] and [`crate::status`] read. It sits above every
//! stage whose result it holds (the settings, the checks, the merged
//! chronology, the analysis, the Refs), so that none of those stages
//! imports it and the modules form no cycle.

use std::path::PathBuf;

use crate::model::no_returns;

/// A merged review: everything the writers need.
#[derive(Debug, Clone)]
pub struct MergedReview {
    /// The folder merged.
    pub dir: PathBuf,
    /// The effective configuration (file, then command line).
    pub config: crate::config::ReviewConfig,
    /// The children of `[children]`, eldest first, as the settings parsed
    /// them ([`crate::config::Settings::children`]): the workbook shows
    /// each one's age at every event. Empty: no `Age at event` column.
    pub children: Vec<crate::config::Child>,
    /// What the checks used.
    pub context: crate::validate::CheckContext,
    /// The merged chronology.
    pub chronology: crate::model::Chronology,
    /// Episodes, joint events and gaps.
    pub analysis: crate::episodes::Analysis,
    /// When the merge ran.
    pub made_at: chrono::DateTime<chrono::Local>,
    /// The review's ref store as this merge left it, being written beside
    /// the review folder's and put in its place when the workbook is
    /// published; `None` when the Refs were numbered in order without a
    /// store (`batch`, or a store that could not be read). See
    /// [`crate::refs::PendingStore`].
    pub refs: Option<crate::refs::PendingStore>,
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

    /// True when the merged chronology has a `Key line of enquiry` column:
    /// the review has key lines of enquiry, or an event carries one.
    pub fn shows_key_line_column(&self) -> bool {
        !self.config.key_lines_of_enquiry.is_empty()
            || self
                .chronology
                .events
                .iter()
                .any(|e| !e.key_line.is_empty())
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
