//! Key decisions: what reviewers choose beside dense multi-agency
//! stretches. A case closed, no further action, threshold not met, an
//! assessment that did not see the child, a legal planning outcome — often
//! by one agency, soon after a concern (a referral, an injury, a
//! disclosure, a police incident) — and visits where the child was not
//! seen (no reply, not brought).
//!
//! One pass over the concerns in date order (sorted once) and, for each
//! decision, a binary search back to the concerns of the last
//! [`EpisodeConfig::decision_days`]: linear in the events.

use chrono::NaiveDate;
use serde::Serialize;

use super::cluster::Dated;
use super::EpisodeConfig;
use crate::dates::display::DAY;
use crate::model::Chronology;
use crate::model::{Event, EVENT_TYPES};

/// What kind of key decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionKind {
    /// A decision that follows a concern: closure, no further action,
    /// threshold not met, a strategy or legal planning outcome.
    Decision,
    /// A visit or appointment where the child was not seen (no reply, not
    /// brought), with or without a concern before it.
    ChildNotSeen,
}

/// A key decision: a candidate for the reviewer's list of decisions to
/// look at, never a conclusion.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KeyDecision {
    /// 1 = first in date order; the id shown is `Decision {number}`.
    pub number: usize,
    /// Its day.
    pub date: NaiveDate,
    /// The agency that made it (index into `chronology.agencies`).
    pub agency: usize,
    /// The event (index into `chronology.events`).
    pub event: usize,
    /// The event's reference (`CSC-0012`).
    pub reference: String,
    /// What kind.
    pub kind: DecisionKind,
    /// The decision in plain words ("No further action").
    pub what: String,
    /// The concern it follows (index into `chronology.events`), if any.
    pub concern: Option<usize>,
    /// The concern's reference.
    pub concern_reference: Option<String>,
    /// Days between the concern and the decision.
    pub days_after: Option<i64>,
    /// Why it is listed, in plain words.
    pub reason: String,
}

impl KeyDecision {
    /// The id shown to the reviewer.
    pub fn id(&self) -> String {
        format!("Decision {}", self.number)
    }
}

/// A subject, compared without case or surrounding space; blank is none.
fn same_subject(a: &Event, b: &Event) -> Option<bool> {
    let (x, y) = (a.subject.trim(), b.subject.trim());
    if x.is_empty() || y.is_empty() {
        None
    } else {
        Some(x.eq_ignore_ascii_case(y))
    }
}

/// How a reason names a concern.
fn concern_phrase(dated: &Dated, e: &Event, i: usize, table: &super::SignalTable) -> String {
    let name = match e.event_type_known {
        Some(k) => EVENT_TYPES.get(k).copied().unwrap_or(""),
        None => e.event_type.trim(),
    };
    let by_type = table
        .event_types
        .iter()
        .find(|t| t.event_type.trim().eq_ignore_ascii_case(name))
        .filter(|t| t.weight >= table.seed_weight)
        .map(|t| t.phrase.clone());
    by_type
        .or_else(|| {
            dated.feats[i]
                .keywords
                .iter()
                .map(|&k| &table.keywords[k as usize])
                .max_by(|a, b| a.weight.total_cmp(&b.weight))
                .map(|k| k.phrase.clone())
        })
        .unwrap_or_else(|| "concern".to_string())
}

/// The key decisions of a chronology, in date order, at most
/// [`EpisodeConfig::max_decisions`] (the ones after the most significant
/// concerns kept).
pub(super) fn find(
    chronology: &Chronology,
    config: &EpisodeConfig,
    dated: &Dated,
) -> Vec<KeyDecision> {
    let events = &chronology.events;
    let table = &config.weights;
    let feats = dated.feats;
    // Concerns in date order: (day, event).
    let concerns: Vec<(i32, usize)> = dated
        .order
        .iter()
        .zip(dated.days)
        .filter(|(&i, _)| feats[i as usize].concern && !dated.skipped(i as usize))
        .map(|(&i, &d)| (d, i as usize))
        .collect();
    let name = |a: usize| chronology.agencies.get(a).map_or("", |x| x.name.as_str());
    // The candidates first, without their words (a long review has tens
    // of thousands): the event, what it is, the concern it follows and
    // that concern's weight.
    struct Candidate {
        weight: f64,
        event: usize,
        day: i32,
        kind: DecisionKind,
        /// The decision signal that names it; `None`: closed by its type.
        signal: Option<u16>,
        concern: Option<(i32, usize)>,
    }
    let mut found: Vec<Candidate> = Vec::new();
    for (&i, &d) in dated.order.iter().zip(dated.days) {
        let i = i as usize;
        let f = &feats[i];
        let closed = events[i].event_type_known == Some(13);
        if (f.decisions.is_empty() && !closed) || dated.skipped(i) {
            continue;
        }
        let e = &events[i];
        // Not seen wins: a visit with no reply is that, whatever else.
        let not_seen = f
            .decisions
            .iter()
            .copied()
            .find(|&k| table.decisions[k as usize].not_seen);
        let (kind, signal) = match not_seen {
            Some(k) => (DecisionKind::ChildNotSeen, Some(k)),
            None => (DecisionKind::Decision, f.decisions.first().copied()),
        };
        // The latest concern of the last `decision_days` before it (same
        // day included, itself excluded): of the same subject when both
        // name one, else any.
        let lo = concerns.partition_point(|&(c, _)| (c as i64) < d as i64 - config.decision_days);
        let hi = concerns.partition_point(|&(c, _)| c <= d);
        let window = &concerns[lo..hi];
        let pick = window
            .iter()
            .rev()
            .filter(|&&(_, c)| c != i)
            .take(256)
            .find(|&&(_, c)| same_subject(&events[c], e) == Some(true))
            .or_else(|| {
                window
                    .iter()
                    .rev()
                    .filter(|&&(_, c)| c != i)
                    .find(|&&(_, c)| same_subject(&events[c], e) != Some(false))
            });
        if pick.is_none() && kind == DecisionKind::Decision {
            continue;
        }
        found.push(Candidate {
            weight: pick.map_or(0.0, |&(_, c)| feats[c].weight),
            event: i,
            day: d,
            kind,
            signal,
            concern: pick.copied(),
        });
    }
    if found.len() > config.max_decisions {
        // Keep those after the most significant concerns (then the
        // earliest).
        let mut keep: Vec<usize> = (0..found.len()).collect();
        keep.sort_by(|&a, &b| found[b].weight.total_cmp(&found[a].weight).then(a.cmp(&b)));
        keep.truncate(config.max_decisions);
        keep.sort_unstable();
        let mut k = 0;
        let mut j = 0;
        found.retain(|_| {
            let kept = keep.get(k) == Some(&j);
            if kept {
                k += 1;
            }
            j += 1;
            kept
        });
    }
    // Their words, for the ones kept.
    let out: Vec<KeyDecision> = found
        .into_iter()
        .map(|c| {
            let (i, d) = (c.event, c.day);
            let e = &events[i];
            let what = match c.signal {
                Some(k) => table.decisions[k as usize].phrase.clone(),
                None => "Case closed or transferred".to_string(),
            };
            let date = e.date.start;
            let mut reason = format!("{what} by {}", name(e.agency));
            let (concern, days_after) = match c.concern {
                Some((cd, c)) => {
                    let ce = &events[c];
                    let days = (d - cd) as i64;
                    let when = match days {
                        0 => "the same day as".to_string(),
                        1 => "1 day after".to_string(),
                        n => format!("{n} days after"),
                    };
                    reason.push_str(&format!(
                        " {when} the {} by {} of {}",
                        concern_phrase(dated, ce, c, table),
                        name(ce.agency),
                        ce.date.start.format(DAY),
                    ));
                    if ce.reference.number != 0 {
                        reason.push_str(&format!(" ({})", ce.reference));
                    }
                    (Some(c), Some(days))
                }
                None => {
                    reason.push_str(&format!(" on {}", date.format(DAY)));
                    (None, None)
                }
            };
            if !e.subject.trim().is_empty() {
                reason.push_str(&format!(" (about {})", e.subject.trim()));
            }
            KeyDecision {
                number: 0,
                date,
                agency: e.agency,
                event: i,
                reference: e.reference.to_string(),
                kind: c.kind,
                what,
                concern,
                concern_reference: concern.map(|c| events[c].reference.to_string()),
                days_after,
                reason,
            }
        })
        .collect();
    out.into_iter()
        .enumerate()
        .map(|(n, mut d)| {
            d.number = n + 1;
            d
        })
        .collect()
}
