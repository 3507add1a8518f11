//! Event references: every merged event gets a short reference such as
//! `POL-0042`, the agency's prefix and a number, shown in the Chronology's
//! `Ref` column, the JSON and the CSV, and wherever an event is named.
//!
//! The prefix is the agency's `short` name in `review.toml`, else one made
//! from its name ([`prefix_for`]). Numbers run from 1 per prefix.

use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::NaiveDate;

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

/// The name of the review's ref store: a small JSON file in the review
/// folder that the engine owns (it is never read as a return) and writes
/// each time a merge publishes its workbook. It keeps every Ref ever given
/// with the identity of its event, so that an event keeps its Ref across
/// re-merges and a number is never given twice, even when the workbook is
/// deleted.
pub const REFS_FILE: &str = "chronomerge-refs.json";

/// How many characters of an event's normalised details the store keeps
/// to recognise a corrected event by its wording.
const WORDS: usize = 64;
/// How far apart (days) a corrected event's date may be from the old one.
const NEAR_DAYS: i64 = 7;
/// How close (0..1, normalised Levenshtein) a corrected event's wording
/// must be to the old one's.
const CLOSE: f64 = 0.6;
/// The most old events a corrected event is compared with.
const CANDIDATES: usize = 8;

/// The review's ref store ([`REFS_FILE`]): every Ref given, with its
/// event's identity, each agency's prefix and the last number given per
/// prefix.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RefStore {
    /// The format of the file (1).
    pub version: u32,
    /// Each agency's prefix, by name, as first given.
    pub prefixes: BTreeMap<String, String>,
    /// The last number given for each prefix: new events get the next.
    pub next: BTreeMap<String, u32>,
    /// Every Ref given, with its event's identity as last seen.
    pub events: Vec<StoredRef>,
    /// The workbook the last merge wrote, as it left it (see
    /// [`WrittenWorkbook`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workbook: Option<WrittenWorkbook>,
}

/// The workbook a merge wrote, as it left it: where, its size and its
/// modification time, and how many reviewer's notes it held. When the
/// file is still exactly so and held none, nobody has written in it since,
/// so the next merge has nothing to carry over and does not read it (on a
/// 60,000-event review that read costs about a second).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WrittenWorkbook {
    /// The workbook's absolute path.
    pub path: String,
    /// Its size in bytes.
    pub len: u64,
    /// Its modification time, in nanoseconds since 1970.
    pub modified_ns: u128,
    /// The reviewer's notes written in it (placed and not placed).
    pub notes: usize,
}

impl WrittenWorkbook {
    /// The workbook at `path` as it is now, holding `notes` notes; `None`
    /// when its size or time cannot be read.
    pub fn of(path: &Path, notes: usize) -> Option<WrittenWorkbook> {
        let meta = std::fs::metadata(path).ok()?;
        let modified_ns = meta
            .modified()
            .ok()?
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?
            .as_nanos();
        Some(WrittenWorkbook {
            path: std::path::absolute(path).ok()?.display().to_string(),
            len: meta.len(),
            modified_ns,
            notes,
        })
    }

    /// True when the workbook at `path` is still the one described and it
    /// held no reviewer's notes: there is nothing in it to carry over.
    pub fn unchanged_without_notes(&self, path: &Path) -> bool {
        self.notes == 0
            && WrittenWorkbook::of(path, 0).is_some_and(|now| {
                now.path == self.path && now.len == self.len && now.modified_ns == self.modified_ns
            })
    }
}

/// One Ref of the store and the identity of its event.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoredRef {
    /// The Ref (`POL-0042`).
    #[serde(rename = "ref")]
    pub reference: String,
    /// The agency's name (one copy shared by its Refs).
    pub agency: Arc<str>,
    /// The day the event sorts by.
    pub date: NaiveDate,
    /// A fingerprint of the event's normalised details, source and type.
    pub fp: u64,
    /// The start of its normalised details, to recognise it corrected.
    pub words: Box<str>,
}

/// Why the ref store could not be read.
#[derive(Debug, thiserror::Error)]
#[error("{}: {why}", path.display())]
pub struct StoreError {
    /// The store's file.
    pub path: PathBuf,
    /// What is wrong with it.
    pub why: String,
}

impl RefStore {
    /// Reads the review folder's store: `Ok(None)` when there is none yet.
    ///
    /// # Errors
    ///
    /// [`StoreError`] when the file is there but cannot be read or is not a
    /// ref store (damaged, edited by hand).
    pub fn load(dir: &Path) -> Result<Option<RefStore>, StoreError> {
        let path = dir.join(REFS_FILE);
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(StoreError {
                    path,
                    why: e.to_string(),
                })
            }
        };
        let mut store: RefStore = serde_json::from_slice(&bytes).map_err(|e| StoreError {
            path: path.clone(),
            why: format!("not a chronomerge ref store ({e})"),
        })?;
        // One copy of each agency's name (a large review's store holds
        // hundreds of thousands of Refs).
        let mut interned: HashMap<Arc<str>, ()> = HashMap::new();
        for e in store.events.iter_mut() {
            match interned.get_key_value(&e.agency) {
                Some((k, _)) => e.agency = k.clone(),
                None => {
                    interned.insert(e.agency.clone(), ());
                }
            }
        }
        // A number in use is never given again, whatever `next` says.
        for e in &store.events {
            if let Some((p, n)) = split_ref(&e.reference) {
                let next = store.next.entry(p.to_string()).or_insert(0);
                *next = (*next).max(n);
            }
        }
        Ok(Some(store))
    }

    /// Writes the store into the review folder, atomically.
    ///
    /// # Errors
    ///
    /// The [`crate::output::OutputError`] saying why it could not be written.
    pub fn save(&self, dir: &Path) -> Result<(), crate::output::OutputError> {
        self.save_with(dir, self.workbook.as_ref())
    }

    /// Writes the store into `dir` as [`RefStore::save`], recording
    /// `workbook` as the workbook this merge wrote.
    ///
    /// # Errors
    ///
    /// As [`RefStore::save`].
    pub fn save_with(
        &self,
        dir: &Path,
        workbook: Option<&WrittenWorkbook>,
    ) -> Result<(), crate::output::OutputError> {
        /// The store as written, borrowed (a large review's store is not
        /// copied to add the workbook).
        #[derive(serde::Serialize)]
        struct Saved<'a> {
            version: u32,
            prefixes: &'a BTreeMap<String, String>,
            next: &'a BTreeMap<String, u32>,
            events: &'a [StoredRef],
            #[serde(skip_serializing_if = "Option::is_none")]
            workbook: Option<&'a WrittenWorkbook>,
        }
        let saved = Saved {
            version: self.version,
            prefixes: &self.prefixes,
            next: &self.next,
            events: &self.events,
            workbook,
        };
        let path = dir.join(REFS_FILE);
        crate::output::write_buffered(&path, |w| {
            serde_json::to_writer(&mut *w, &saved).map_err(std::io::Error::other)
        })
    }
}

/// `POL-0042` → (`POL`, 42).
pub fn split_ref(r: &str) -> Option<(&str, u32)> {
    let (p, n) = r.rsplit_once('-')?;
    let n: u32 = n.parse().ok()?;
    (!p.is_empty() && n > 0).then_some((p, n))
}

/// Feeds `s` to the FNV-1a hash `h`, normalised: letters and digits
/// lower-cased, every run of anything else one space (stable across
/// platforms and Rust versions, no allocation).
fn fnv_normalised(mut h: u64, s: &str, space: &mut bool) -> u64 {
    for c in s.chars() {
        if c.is_ascii() {
            // The common case, without Unicode's tables (the same result).
            if c.is_ascii_alphanumeric() {
                if *space {
                    h = fnv(h, b' ');
                    *space = false;
                }
                h = fnv(h, c.to_ascii_lowercase() as u8);
            } else {
                *space = true;
            }
        } else if c.is_alphanumeric() {
            if *space {
                h = fnv(h, b' ');
                *space = false;
            }
            for l in c.to_lowercase() {
                let mut b = [0u8; 4];
                for &x in l.encode_utf8(&mut b).as_bytes() {
                    h = fnv(h, x);
                }
            }
        } else {
            *space = true;
        }
    }
    h
}

fn fnv(h: u64, b: u8) -> u64 {
    (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
}

/// The fingerprint of an event's wording: its normalised details, source
/// and event type.
pub fn fingerprint(details: &str, source: &str, event_type: &str) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    for (k, s) in [details, source, event_type].into_iter().enumerate() {
        let mut space = false;
        h = fnv_normalised(h, s, &mut space);
        h = fnv(h, b'|' + k as u8);
    }
    h
}

/// The start of a text, normalised as [`fingerprint`] does.
pub fn words(s: &str) -> String {
    let mut out = String::with_capacity(WORDS + 4);
    let mut space = false;
    let mut n = 0;
    for c in s.chars() {
        if n >= WORDS {
            break;
        }
        if c.is_ascii_alphanumeric() {
            if space && n > 0 {
                out.push(' ');
                n += 1;
            }
            space = false;
            out.push(c.to_ascii_lowercase());
            n += 1;
        } else if !c.is_ascii() && c.is_alphanumeric() {
            if space && n > 0 {
                out.push(' ');
                n += 1;
            }
            space = false;
            for l in c.to_lowercase() {
                out.push(l);
                n += 1;
            }
        } else {
            space = true;
        }
    }
    out
}

/// How close two normalised wordings are (0 to 1).
pub fn closeness(a: &str, b: &str) -> f64 {
    strsim::normalized_levenshtein(a, b)
}

/// Gives every event a Ref that is stable across re-merges, from the
/// review's ref store, and brings the store up to date:
///
/// - an event whose agency, date and wording (details, source, type) are
///   those of a stored Ref keeps that Ref;
/// - else an event of the same agency within a week of a stored Ref not
///   yet taken, whose details read close to it (a corrected row), takes it;
/// - else it gets its agency's next number. A number is never given twice:
///   a withdrawn event's Ref stays in the store, and comes back to it if
///   the event is sent again.
///
/// Each agency keeps the prefix it was first given.
pub fn assign(chronology: &mut Chronology, config: &ReviewConfig, store: &mut RefStore) {
    store.version = 1;
    // Each agency's prefix: as stored, else made, distinct from all others.
    let mut taken_prefixes: std::collections::HashSet<String> =
        store.prefixes.values().cloned().collect();
    let prefixes: Vec<Arc<str>> = chronology
        .agencies
        .iter()
        .map(|a| {
            if let Some(p) = store.prefixes.get(&a.name) {
                return Arc::from(p.as_str());
            }
            let base = prefix_for(&a.name, config);
            let mut p = base.clone();
            let mut n = 1;
            while taken_prefixes.contains(&p) {
                n += 1;
                p = format!("{base}{n}");
            }
            taken_prefixes.insert(p.clone());
            store.prefixes.insert(a.name.clone(), p.clone());
            Arc::from(p)
        })
        .collect();
    let agency_of: HashMap<&str, usize> = chronology
        .agencies
        .iter()
        .enumerate()
        .map(|(i, a)| (a.name.as_str(), i))
        .collect();
    // The stored Refs of this review's agencies, by exact identity.
    let mut exact: HashMap<(usize, NaiveDate, u64), Vec<usize>> = HashMap::new();
    for (k, e) in store.events.iter().enumerate() {
        if split_ref(&e.reference).is_none() {
            continue;
        }
        if let Some(&a) = agency_of.get(&*e.agency) {
            exact.entry((a, e.date, e.fp)).or_default().push(k);
        }
    }
    let n = chronology.events.len();
    let mut taken = vec![false; store.events.len()];
    let mut entry_of: Vec<Option<usize>> = vec![None; n];
    // Every event's fingerprint, in parallel (a pass over all the text).
    let fps: Vec<u64> = chronology
        .events
        .par_iter()
        .map(|ev| fingerprint(&ev.details, &ev.source, &ev.event_type))
        .collect();
    for (i, ev) in chronology.events.iter().enumerate() {
        let fp = fps[i];
        if let Some(v) = exact.get(&(ev.agency, ev.date.start, fp)) {
            if let Some(&k) = v.iter().find(|&&k| !taken[k]) {
                taken[k] = true;
                entry_of[i] = Some(k);
            }
        }
    }
    drop(exact);
    // Corrected events: same agency, near date, close wording.
    if entry_of.iter().any(Option::is_none) && taken.iter().any(|t| !t) {
        let mut near: HashMap<usize, Vec<(NaiveDate, usize)>> = HashMap::new();
        for (k, e) in store.events.iter().enumerate() {
            if taken[k] || split_ref(&e.reference).is_none() {
                continue;
            }
            if let Some(&a) = agency_of.get(&*e.agency) {
                near.entry(a).or_default().push((e.date, k));
            }
        }
        for v in near.values_mut() {
            v.sort_unstable();
        }
        for (i, ev) in chronology.events.iter().enumerate() {
            if entry_of[i].is_some() {
                continue;
            }
            let Some(cands) = near.get(&ev.agency) else {
                continue;
            };
            let d = ev.date.start;
            let from = d - chrono::Duration::days(NEAR_DAYS);
            let to = d + chrono::Duration::days(NEAR_DAYS);
            let lo = cands.partition_point(|(cd, _)| *cd < from);
            let mut close: Vec<(NaiveDate, usize)> = cands[lo..]
                .iter()
                .take_while(|(cd, _)| *cd <= to)
                .filter(|(_, k)| !taken[*k])
                .copied()
                .collect();
            if close.is_empty() {
                continue;
            }
            close.sort_by_key(|(cd, _)| (*cd - d).num_days().abs());
            let w = words(&ev.details);
            let best = close
                .iter()
                .take(CANDIDATES)
                .map(|&(_, k)| (closeness(&w, &store.events[k].words), k))
                .filter(|(s, _)| *s >= CLOSE)
                .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
            if let Some((_, k)) = best {
                taken[k] = true;
                entry_of[i] = Some(k);
            }
        }
    }
    // The stored start of the wording, made in parallel for the events
    // that need it (new ones, and those whose wording or day changed).
    let fresh: Vec<Option<String>> = chronology
        .events
        .par_iter()
        .enumerate()
        .map(|(i, ev)| {
            let changed = entry_of[i].is_none_or(|k| {
                store.events[k].fp != fps[i] || store.events[k].date != ev.date.start
            });
            changed.then(|| words(&ev.details))
        })
        .collect();
    let mut fresh = fresh.into_iter();
    // One copy of each agency's name for all its stored Refs.
    let names: Vec<Arc<str>> = chronology
        .agencies
        .iter()
        .map(|a| Arc::from(a.name.as_str()))
        .collect();
    // Give the Refs; new events get new numbers; the store follows.
    for (i, ev) in chronology.events.iter_mut().enumerate() {
        let new_words = fresh.next().flatten();
        match entry_of[i] {
            Some(k) => {
                let e = &mut store.events[k];
                ev.reference = match split_ref(&e.reference) {
                    Some((p, num)) if *p == *prefixes[ev.agency] => EventRef {
                        prefix: prefixes[ev.agency].clone(),
                        number: num,
                    },
                    Some((p, num)) => EventRef {
                        prefix: Arc::from(p),
                        number: num,
                    },
                    None => EventRef::default(),
                };
                if let Some(w) = new_words {
                    e.fp = fps[i];
                    e.date = ev.date.start;
                    e.words = w.into_boxed_str();
                }
            }
            None => {
                let prefix = prefixes[ev.agency].clone();
                let next = match store.next.get_mut(&*prefix) {
                    Some(n) => n,
                    None => store.next.entry(prefix.to_string()).or_insert(0),
                };
                *next += 1;
                ev.reference = EventRef {
                    prefix,
                    number: *next,
                };
                store.events.push(StoredRef {
                    reference: ev.reference.to_string(),
                    agency: names[ev.agency].clone(),
                    date: ev.date.start,
                    fp: fps[i],
                    words: new_words.unwrap_or_default().into_boxed_str(),
                });
            }
        }
    }
}

/// Gives the events stable Refs from the ref store in `dir` (none yet:
/// an empty one) and returns the store to write when the workbook is
/// published. A store that cannot be read is left alone: the events are
/// numbered in order, a `refs-store-unreadable` finding says so, and
/// `None` is returned (nothing will overwrite it).
pub fn stable_or_in_order(
    chronology: &mut Chronology,
    config: &ReviewConfig,
    dir: &Path,
) -> Option<RefStore> {
    match RefStore::load(dir) {
        Ok(store) => {
            let mut store = store.unwrap_or_default();
            assign(chronology, config, &mut store);
            Some(store)
        }
        Err(e) => {
            number_in_order(chronology, config);
            chronology.findings.push(crate::findings::Finding::new(
                crate::findings::Code::RefsStoreUnreadable,
                REFS_FILE,
                format!(
                    "the review's ref store cannot be read ({}), so this merge's Refs are numbered in order and may not match the previous workbook's; the store is left as it is",
                    e.why
                ),
            ));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fingerprint_reads_past_case_spacing_and_punctuation() {
        let a = fingerprint("Seen at  home.", "GP record", "Visit");
        assert_eq!(a, fingerprint("seen at home", "GP  record", "visit"));
        assert_ne!(a, fingerprint("Seen at school.", "GP record", "Visit"));
        // The fields are kept apart.
        assert_ne!(fingerprint("a", "b", ""), fingerprint("a b", "", ""));
        assert_eq!(
            words("  Call-out to the HOME; child present."),
            "call out to the home child present"
        );
        assert!(words(&"word ".repeat(100)).chars().count() <= WORDS);
    }

    #[test]
    fn a_ref_is_its_prefix_and_number() {
        assert_eq!(split_ref("POL-0042"), Some(("POL", 42)));
        assert_eq!(split_ref("WCSC2-0001"), Some(("WCSC2", 1)));
        assert_eq!(split_ref("POL-0000"), None);
        assert_eq!(split_ref("POL"), None);
        assert_eq!(split_ref(""), None);
    }

    #[test]
    fn a_damaged_store_is_an_error_a_missing_one_is_none() {
        let dir = tempfile::tempdir().unwrap();
        assert!(RefStore::load(dir.path()).unwrap().is_none());
        std::fs::write(dir.path().join(REFS_FILE), b"{not json").unwrap();
        let e = RefStore::load(dir.path()).unwrap_err();
        assert!(e.to_string().contains(REFS_FILE), "{e}");
        // A store whose `next` is behind its Refs never gives one again.
        let store = RefStore {
            version: 1,
            events: vec![StoredRef {
                reference: "POL-0007".into(),
                agency: "Police".into(),
                date: NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(),
                fp: 1,
                words: "x".into(),
            }],
            ..RefStore::default()
        };
        store.save(dir.path()).unwrap();
        let back = RefStore::load(dir.path()).unwrap().unwrap();
        assert_eq!(back.next["POL"], 7);
    }
}
