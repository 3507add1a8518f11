//! Where every return stands: for every agency the review expects and
//! every return found, whether it is received, needs fixes, is still
//! outstanding, is overdue, or has been superseded by a newer return.
//!
//! The day a return was received is its file's modified time (as a local
//! date, [`crate::model::ReturnSummary::received`]): the engine cannot know
//! when an email arrived, and a file saved into the folder carries the time
//! it was saved. The due date is `review.toml`'s `returns_due`, else
//! `returns_sent` + 14 days ([`crate::config::ReviewConfig::due_date`]);
//! with neither, an agency with no return is outstanding (no days counted)
//! and never overdue. "Today" is the day of the merge
//! ([`crate::config::MergeOptions::today`], else the local date).
//!
//! The states ([`State`]):
//!
//! - `received`: a return is merged and has no error (it may have
//!   warnings, counted). A return received after the due date is still
//!   received, noted "late by N days".
//! - `needs fixes`: a return came, but some of its rows (or the whole file)
//!   were rejected: `errors` counts the error findings.
//! - `outstanding`: an expected agency with no return, due date not passed
//!   (`days` left; 0 on the due day).
//! - `overdue`: an expected agency with no return after the due date
//!   (`days` late).
//! - `superseded`: an older return replaced by a newer one of the same
//!   agency (one entry per superseded file, after its agency's own).

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::findings::Severity;
use crate::model::{is_return, ReturnStatus, ReturnSummary};
use crate::review::MergedReview;

/// The state of an agency's return (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum State {
    /// A return merged with no error.
    #[serde(rename = "received")]
    Received,
    /// A return with rows (or the file) rejected.
    #[serde(rename = "needs fixes")]
    NeedsFixes,
    /// No return yet; not yet due (or no due date).
    #[serde(rename = "outstanding")]
    Outstanding,
    /// No return, and the due date has passed.
    #[serde(rename = "overdue")]
    Overdue,
    /// An older return replaced by a newer one.
    #[serde(rename = "superseded")]
    Superseded,
}

impl State {
    /// Every state, in the order counts are shown.
    pub const ALL: [State; 5] = [
        State::Received,
        State::NeedsFixes,
        State::Outstanding,
        State::Overdue,
        State::Superseded,
    ];

    /// The words shown everywhere (`needs fixes`).
    ///
    /// ```
    /// assert_eq!(chronomerge::status::State::NeedsFixes.as_str(), "needs fixes");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            State::Received => "received",
            State::NeedsFixes => "needs fixes",
            State::Outstanding => "outstanding",
            State::Overdue => "overdue",
            State::Superseded => "superseded",
        }
    }

    /// True for the states the business unit chases: needs fixes,
    /// outstanding, overdue.
    pub fn to_chase(self) -> bool {
        matches!(
            self,
            State::NeedsFixes | State::Outstanding | State::Overdue
        )
    }
}

impl std::fmt::Display for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where one agency's return stands (or one superseded file).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgencyStatus {
    /// The agency, as the review knows it (aliases folded).
    pub agency: String,
    /// Its state.
    pub state: State,
    /// Its return files (for `superseded`, the one superseded file; empty
    /// when no return came).
    pub files: Vec<String>,
    /// The day the (latest) return was received, when known.
    pub received: Option<NaiveDate>,
    /// The day returns are due, when configured.
    pub due: Option<NaiveDate>,
    /// `outstanding`: days left until due; `overdue`: days past due;
    /// `received` / `needs fixes`: days late when received after the due
    /// date; otherwise none.
    pub days: Option<i64>,
    /// Error findings on its returns.
    pub errors: usize,
    /// Warning findings on its returns.
    pub warnings: usize,
    /// Who to chase, from `review.toml` (`contact`).
    pub contact: Option<String>,
    /// True when `review.toml` lists the agency.
    pub expected: bool,
    /// The state in words for people: `overdue by 3 days`, `late by 2
    /// days`, `2 errors, 1 warning` …
    pub note: String,
}

/// Where every return of a review stands.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatusReport {
    /// The day the states are for.
    pub today: NaiveDate,
    /// The day returns are due, when configured.
    pub due: Option<NaiveDate>,
    /// One entry per agency (expected ones first, in `review.toml`'s
    /// order, then the others by name), each followed by its superseded
    /// files.
    pub agencies: Vec<AgencyStatus>,
}

impl StatusReport {
    /// How many entries are in each state, in [`State::ALL`] order, only
    /// the states that occur.
    pub fn counts(&self) -> Vec<(State, usize)> {
        State::ALL
            .iter()
            .map(|&s| (s, self.agencies.iter().filter(|a| a.state == s).count()))
            .filter(|&(_, n)| n > 0)
            .collect()
    }

    /// The counts in words: `5 received, 1 needs fixes, 1 overdue`.
    pub fn counts_line(&self) -> String {
        self.counts()
            .iter()
            .map(|(s, n)| format!("{n} {s}"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The entries to chase (needs fixes, outstanding, overdue), overdue
    /// first, then needs fixes, then outstanding.
    pub fn chase(&self) -> Vec<&AgencyStatus> {
        let mut v: Vec<&AgencyStatus> = self
            .agencies
            .iter()
            .filter(|a| a.state.to_chase())
            .collect();
        let rank = |s: State| match s {
            State::Overdue => 0,
            State::NeedsFixes => 1,
            _ => 2,
        };
        v.sort_by_key(|a| rank(a.state));
        v
    }
}

/// Error and warning findings per file name.
pub(crate) fn counts_by_file(review: &MergedReview) -> HashMap<&str, (usize, usize)> {
    let mut m: HashMap<&str, (usize, usize)> = HashMap::new();
    for f in &review.chronology.findings {
        let e = m.entry(f.file.as_str()).or_default();
        match f.severity {
            Severity::Error => e.0 += 1,
            Severity::Warning => e.1 += 1,
            Severity::Info => {}
        }
    }
    m
}

/// The state of one file's `Returns` line: `superseded`, `needs fixes`
/// (errors found in it, or rejected), `received`; `None` for a file that
/// is not an agency's return (ignored, or in a format not read).
pub fn file_state(s: &ReturnSummary, errors: usize) -> Option<State> {
    if !is_return(s) {
        return None;
    }
    Some(match s.status {
        ReturnStatus::Superseded => State::Superseded,
        ReturnStatus::Rejected => State::NeedsFixes,
        _ if errors > 0 => State::NeedsFixes,
        _ => State::Received,
    })
}

fn plural(n: i64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Where every return of a merged review stands on its day of merge
/// (`review.context.dates.today`).
pub fn status(review: &MergedReview) -> StatusReport {
    status_on(review, review.context.dates.today)
}

/// Where every return of a merged review stands on `today`.
pub fn status_on(review: &MergedReview, today: NaiveDate) -> StatusReport {
    let config = &review.config;
    let due = config.due_date();
    let counts = counts_by_file(review);
    // Agencies in order: expected first, then the rest by name.
    let mut order: Vec<(String, bool)> = config
        .agencies
        .iter()
        .map(|a| (a.name.clone(), true))
        .collect();
    let mut others: Vec<String> = review
        .chronology
        .returns
        .iter()
        .filter(|s| is_return(s) && !s.agency.is_empty())
        .map(|s| s.agency.clone())
        .filter(|n| !order.iter().any(|(o, _)| o == n))
        .collect();
    others.sort();
    others.dedup();
    order.extend(others.into_iter().map(|n| (n, false)));

    let mut agencies = Vec::with_capacity(order.len());
    for (name, expected) in order {
        let contact = config
            .agencies
            .iter()
            .find(|a| a.name == name)
            .and_then(|a| a.contact.clone());
        let files: Vec<&ReturnSummary> = review
            .chronology
            .returns
            .iter()
            .filter(|s| is_return(s) && s.agency == name)
            .collect();
        let live: Vec<&ReturnSummary> = files
            .iter()
            .copied()
            .filter(|s| s.status != ReturnStatus::Superseded)
            .collect();
        let base = AgencyStatus {
            agency: name.clone(),
            state: State::Received,
            files: vec![],
            received: None,
            due,
            days: None,
            errors: 0,
            warnings: 0,
            contact: contact.clone(),
            expected,
            note: String::new(),
        };
        if live.is_empty() {
            let (state, days, note) = match due {
                Some(d) if today > d => {
                    let n = (today - d).num_days();
                    (
                        State::Overdue,
                        Some(n),
                        format!("overdue by {}", plural(n, "day", "days")),
                    )
                }
                Some(d) => {
                    let n = (d - today).num_days();
                    let note = if n == 0 {
                        "due today".to_string()
                    } else {
                        format!("{} left", plural(n, "day", "days"))
                    };
                    (State::Outstanding, Some(n), note)
                }
                None => (
                    State::Outstanding,
                    None,
                    "no return yet (no due date set)".to_string(),
                ),
            };
            // An agency not listed is here only for its returns: were they
            // all superseded, its superseded entries below say so.
            if expected {
                agencies.push(AgencyStatus {
                    state,
                    days,
                    note,
                    ..base.clone()
                });
            }
        } else {
            let mut errors = 0;
            let mut warnings = 0;
            let mut rejected = false;
            for s in &live {
                let (e, w) = counts.get(s.file.as_str()).copied().unwrap_or_default();
                errors += e;
                warnings += w;
                rejected |= s.status == ReturnStatus::Rejected;
            }
            let received = live.iter().filter_map(|s| s.received).max();
            let state = if errors > 0 || rejected {
                State::NeedsFixes
            } else {
                State::Received
            };
            let late = match (received, due) {
                (Some(r), Some(d)) if r > d => Some((r - d).num_days()),
                _ => None,
            };
            let mut parts = Vec::new();
            if errors > 0 {
                parts.push(plural(errors as i64, "error", "errors"));
            }
            if warnings > 0 {
                parts.push(plural(warnings as i64, "warning", "warnings"));
            }
            if let Some(n) = late {
                parts.push(format!("late by {}", plural(n, "day", "days")));
            }
            if !expected && !config.agencies.is_empty() {
                parts.push("not listed in review.toml".into());
            }
            agencies.push(AgencyStatus {
                state,
                files: live.iter().map(|s| s.file.clone()).collect(),
                received,
                days: late,
                errors,
                warnings,
                note: parts.join(", "),
                ..base.clone()
            });
        }
        for s in files
            .iter()
            .filter(|s| s.status == ReturnStatus::Superseded)
        {
            agencies.push(AgencyStatus {
                state: State::Superseded,
                files: vec![s.file.clone()],
                received: s.received,
                contact: None,
                note: s.note.clone(),
                ..base.clone()
            });
        }
    }
    StatusReport {
        today,
        due,
        agencies,
    }
}
