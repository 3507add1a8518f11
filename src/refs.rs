//! Event references: every merged event gets a short reference such as
//! `POL-0042`, the agency's prefix and a number, shown in the Chronology's
//! `Ref` column, the JSON and the CSV, and wherever an event is named.
//!
//! The prefix is the agency's `short` name in `review.toml`, else one made
//! from its name ([`prefix_for`]). Numbers run from 1 per prefix.

use std::collections::HashMap;
use std::sync::Arc;

use crate::config::ReviewConfig;
use crate::merge::Chronology;
use crate::model::EventRef;

/// The reference prefix of an agency: its `short` name from the
/// configuration (upper-cased, letters and digits only), else made from
/// its name: the initials of its words when it has two or more significant
/// words, else its first three letters; never empty (`AGY`).
///
/// ```
/// use chronomerge::config::ReviewConfig;
/// use chronomerge::refs::prefix_for;
/// let config = ReviewConfig::default();
/// assert_eq!(prefix_for("Police", &config), "POL");
/// assert_eq!(prefix_for("Westshire Children's Social Care", &config), "WCSC");
/// assert_eq!(prefix_for("Riverside Medical Practice", &config), "RMP");
/// ```
pub fn prefix_for(agency: &str, config: &ReviewConfig) -> String {
    let short = config
        .agencies
        .iter()
        .find(|a| a.name == agency)
        .and_then(|a| a.short.as_deref())
        .map(clean)
        .filter(|s| !s.is_empty());
    if let Some(s) = short {
        return s;
    }
    const SMALL: [&str; 8] = ["and", "of", "the", "for", "nhs", "ltd", "&", "-"];
    let words: Vec<&str> = agency
        .split(|c: char| c.is_whitespace() || c == '(' || c == ')' || c == '/')
        .filter(|w| !w.is_empty() && !SMALL.contains(&w.to_lowercase().as_str()))
        .collect();
    let made = if words.len() >= 2 {
        clean(
            &words
                .iter()
                .filter_map(|w| w.chars().find(|c| c.is_alphanumeric()))
                .take(5)
                .collect::<String>(),
        )
    } else {
        clean(&words.concat()).chars().take(3).collect()
    };
    if made.is_empty() {
        "AGY".to_string()
    } else {
        made
    }
}

fn clean(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Gives every event of a merged chronology a reference, numbering each
/// agency's events in merged order from 1. Two agencies whose prefixes
/// would be the same get `2`, `3`… added to the later ones.
pub fn number_in_order(chronology: &mut Chronology, config: &ReviewConfig) {
    let prefixes = agency_prefixes(chronology, config);
    let mut next = vec![0u32; prefixes.len()];
    for e in chronology.events.iter_mut() {
        next[e.agency] += 1;
        e.reference = EventRef {
            prefix: prefixes[e.agency].clone(),
            number: next[e.agency],
        };
    }
}

/// The prefix of each agency of the chronology, by index, made distinct.
pub fn agency_prefixes(chronology: &Chronology, config: &ReviewConfig) -> Vec<Arc<str>> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    chronology
        .agencies
        .iter()
        .map(|a| {
            let p = prefix_for(&a.name, config);
            let n = seen.entry(p.clone()).or_insert(0);
            *n += 1;
            if *n == 1 {
                Arc::from(p)
            } else {
                Arc::from(format!("{p}{n}"))
            }
        })
        .collect()
}
