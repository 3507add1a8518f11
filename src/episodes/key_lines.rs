//! The key lines of enquiry an episode's events were given: how many of
//! its events each line has, for the `Key practice episodes` sheet and the
//! JSON.

use serde::Serialize;

use super::Episode;
use crate::key_lines::short_label;
use crate::model::Event;

/// How many of an episode's events one key line of enquiry has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyLineCount {
    /// `KLOE 2` for a line of the review, else the text as the agency
    /// wrote it.
    pub key_line: String,
    /// Events of the episode given this line.
    pub events: usize,
}

/// The key lines of enquiry of `episode`'s events (indexes into `events`),
/// with how many events each: the review's lines first, by number, then
/// any other text as written, alphabetically. Events with no key line are
/// not counted.
///
/// ```
/// use chronomerge::episodes::{key_line_counts, key_lines_text, Episode};
/// # use chronomerge::{dates::DateValue, model::{Event, Origin}};
/// # let d = chrono::NaiveDate::from_ymd_opt(2023, 5, 1).unwrap();
/// # let ev = |k: &str| Event { origin: Origin::new("a.xlsx", "Chronology", 2), agency: 0,
/// #     date: DateValue::day(d), time: None, sequence: None, source: "GP".into(),
/// #     role: "".into(), subject: "".into(), event_type: "".into(), event_type_known: None,
/// #     details: "x".into(), action: String::new(), analysis: String::new(),
/// #     date_written: "".into(), key_line: k.into(), is_note: false, outside_period: false,
/// #     seq_in_return: 0, reference: Default::default() };
/// let events = vec![ev("KLOE 3: Housing"), ev("KLOE 1: Sharing"), ev(""), ev("KLOE 1: Sharing")];
/// let ep = Episode { rank: 1, first: d, last: d, agencies: vec![0], events: vec![0, 1, 2, 3],
///                    joint_events: 0, score: 20.0, reason: String::new(),
///                    contributing: vec![0], approximate: vec![] };
/// assert_eq!(key_lines_text(&key_line_counts(&ep, &events)), "KLOE 1 ×2; KLOE 3 ×1");
/// ```
pub fn key_line_counts(episode: &Episode, events: &[Event]) -> Vec<KeyLineCount> {
    let mut counts: Vec<KeyLineCount> = Vec::new();
    for ev in episode.events.iter().filter_map(|&i| events.get(i)) {
        if ev.key_line.is_empty() {
            continue;
        }
        let label = short_label(&ev.key_line);
        match counts.iter_mut().find(|c| c.key_line == label) {
            Some(c) => c.events += 1,
            None => counts.push(KeyLineCount {
                key_line: label.to_string(),
                events: 1,
            }),
        }
    }
    let number = |c: &KeyLineCount| -> Option<u32> {
        c.key_line
            .strip_prefix("KLOE ")
            .and_then(|n| n.parse().ok())
    };
    counts.sort_by(|a, b| match (number(a), number(b)) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.key_line.cmp(&b.key_line),
    });
    counts
}

/// The counts as one cell shows them: `KLOE 1 ×4; KLOE 3 ×1`.
pub fn key_lines_text(counts: &[KeyLineCount]) -> String {
    counts
        .iter()
        .map(|c| format!("{} ×{}", c.key_line, c.events))
        .collect::<Vec<_>>()
        .join("; ")
}
