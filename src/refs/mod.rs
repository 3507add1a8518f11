//! Event references: every merged event gets a short reference such as
//! `POL-0042`, the agency's prefix and a number, shown in the Chronology's
//! `Ref` column, the JSON and the CSV, and wherever an event is named.
//!
//! The prefix is the agency's `short` name in `review.toml`, else one made
//! from its name ([`prefix_for`]). Numbers run from 1 per prefix.

use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use chrono::NaiveDate;

use crate::config::ReviewConfig;
use crate::model::Chronology;
use crate::model::EventRef;

mod store;
pub use store::{
    LoadingStore, PendingStore, RefStore, StoreError, StoredAgency, StoredRef, WrittenWorkbook,
    REFS_FILE,
};

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
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii() {
            // The common case, a byte at a time without decoding (the
            // same result as by characters): a run of ASCII letters and
            // digits in a tight loop, anything else one space.
            let c = ASCII_WORD[b as usize];
            i += 1;
            if c == 0 {
                *space = true;
                continue;
            }
            if *space {
                h = fnv(h, b' ');
                *space = false;
            }
            h = fnv(h, c);
            while let Some(&c) = bytes.get(i).map(|&b| &ASCII_WORD[b as usize]) {
                if c == 0 {
                    break;
                }
                h = fnv(h, c);
                i += 1;
            }
            continue;
        }
        let Some(c) = s[i..].chars().next() else {
            break;
        };
        i += c.len_utf8();
        h = fnv_char(h, c, space);
    }
    h
}

/// Each ASCII letter or digit lower-cased; 0 for every other byte (other
/// ASCII, and the bytes of non-ASCII characters).
const ASCII_WORD: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        if c.is_ascii_alphanumeric() {
            t[b] = c.to_ascii_lowercase();
        }
        b += 1;
    }
    t
};

/// Feeds one character to [`fnv_normalised`]'s hash: a letter or digit
/// lower-cased (after one space for a run of anything else before it),
/// anything else noted as a space.
fn fnv_char(mut h: u64, c: char, space: &mut bool) -> u64 {
    if c.is_alphanumeric() {
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
    let refs = plan(chronology, config, store);
    give(chronology, refs);
}

/// Each event's Ref as [`assign`] gives it (in the events' order), with
/// the store brought up to date, leaving the chronology as it is: so that
/// the Refs can be worked out while the analysis, which reads the
/// chronology, runs beside them (see [`stable_refs`]).
fn plan(chronology: &Chronology, config: &ReviewConfig, store: &mut RefStore) -> Vec<EventRef> {
    // Each agency's place in the store: as stored, else added with a
    // prefix made for it, distinct from all others.
    let mut taken_prefixes: HashSet<String> =
        store.agencies.iter().map(|a| a.prefix.clone()).collect();
    let mut stored_at: HashMap<String, usize> = store
        .agencies
        .iter()
        .enumerate()
        .map(|(k, a)| (a.name.clone(), k))
        .collect();
    let slot: Vec<usize> = chronology
        .agencies
        .iter()
        .map(|a| {
            if let Some(&k) = stored_at.get(&a.name) {
                return k;
            }
            let base = prefix_for(&a.name, config);
            let mut p = base.clone();
            let mut n = 1;
            while taken_prefixes.contains(&p) {
                n += 1;
                p = format!("{base}{n}");
            }
            taken_prefixes.insert(p.clone());
            store.agencies.push(StoredAgency {
                name: a.name.clone(),
                prefix: p,
                next: 0,
                refs: Vec::new(),
            });
            stored_at.insert(a.name.clone(), store.agencies.len() - 1);
            store.agencies.len() - 1
        })
        .collect();
    let prefixes: Vec<Arc<str>> = slot
        .iter()
        .map(|&k| Arc::from(store.agencies[k].prefix.as_str()))
        .collect();
    // Every event's fingerprint, in parallel (a pass over all the text).
    let fps: Vec<u64> = chronology
        .events
        .par_iter()
        .map(|ev| fingerprint(&ev.details, &ev.source, &ev.event_type))
        .collect();
    // Each event's stored Ref, as (agency in the store, index in its Refs).
    let n = chronology.events.len();
    let mut entry_of: Vec<Option<(usize, usize)>> = vec![None; n];
    let mut taken: Vec<Vec<bool>> = store
        .agencies
        .iter()
        .map(|a| vec![false; a.refs.len()])
        .collect();
    // The stored Refs of this review's agencies, by exact identity: the
    // first with each identity, and for each Ref the next with its
    // identity (one list per identity, without a list allocated for each).
    {
        const NONE: u32 = u32::MAX;
        let mut first: HashMap<(usize, NaiveDate, u64), u32> = HashMap::new();
        let mut then: Vec<Vec<u32>> = vec![Vec::new(); store.agencies.len()];
        for &k in &slot {
            let refs = &store.agencies[k].refs;
            if !then[k].is_empty() || refs.is_empty() {
                continue;
            }
            then[k] = vec![NONE; refs.len()];
            // From the last, so that each identity's list runs in order.
            for (j, r) in refs.iter().enumerate().rev() {
                if let Some(old) = first.insert((k, r.date, r.fp), j as u32) {
                    then[k][j] = old;
                }
            }
        }
        for (i, ev) in chronology.events.iter().enumerate() {
            let k = slot[ev.agency];
            let mut j = first
                .get(&(k, ev.date.start, fps[i]))
                .copied()
                .unwrap_or(NONE);
            while j != NONE && taken[k][j as usize] {
                j = then[k][j as usize];
            }
            if j != NONE {
                taken[k][j as usize] = true;
                entry_of[i] = Some((k, j as usize));
            }
        }
    }
    // Corrected events: same agency, near date, close wording.
    if entry_of.iter().any(Option::is_none) && taken.iter().flatten().any(|t| !t) {
        let mut near: HashMap<usize, Vec<(NaiveDate, usize)>> = HashMap::new();
        for &k in &slot {
            if near.contains_key(&k) {
                continue;
            }
            let mut v: Vec<(NaiveDate, usize)> = store.agencies[k]
                .refs
                .iter()
                .enumerate()
                .filter(|(j, _)| !taken[k][*j])
                .map(|(j, r)| (r.date, j))
                .collect();
            v.sort_unstable();
            near.insert(k, v);
        }
        for (i, ev) in chronology.events.iter().enumerate() {
            if entry_of[i].is_some() {
                continue;
            }
            let k = slot[ev.agency];
            let Some(cands) = near.get(&k) else {
                continue;
            };
            let d = ev.date.start;
            let from = d - chrono::Duration::days(NEAR_DAYS);
            let to = d + chrono::Duration::days(NEAR_DAYS);
            let lo = cands.partition_point(|(cd, _)| *cd < from);
            let mut close: Vec<(NaiveDate, usize)> = cands[lo..]
                .iter()
                .take_while(|(cd, _)| *cd <= to)
                .filter(|(_, j)| !taken[k][*j])
                .copied()
                .collect();
            if close.is_empty() {
                continue;
            }
            close.sort_by_key(|(cd, _)| (*cd - d).num_days().abs());
            let w = words(&ev.details);
            let refs = &store.agencies[k].refs;
            let best = close
                .iter()
                .take(CANDIDATES)
                .map(|&(_, j)| (closeness(&w, &refs[j].words), j))
                .filter(|(s, _)| *s >= CLOSE)
                .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
            if let Some((_, j)) = best {
                taken[k][j] = true;
                entry_of[i] = Some((k, j));
            }
        }
    }
    drop(taken);
    // The stored start of the wording, made in parallel for the events
    // that need it (new ones, and those whose wording or day changed).
    let fresh: Vec<Option<String>> = chronology
        .events
        .par_iter()
        .enumerate()
        .map(|(i, ev)| {
            let changed = entry_of[i].is_none_or(|(k, j)| {
                let r = &store.agencies[k].refs[j];
                r.fp != fps[i] || r.date != ev.date.start
            });
            changed.then(|| words(&ev.details))
        })
        .collect();
    // The Refs; new events get new numbers; the store follows.
    let mut refs = Vec::with_capacity(n);
    for ((i, ev), new_words) in chronology.events.iter().enumerate().zip(fresh) {
        let prefix = prefixes[ev.agency].clone();
        match entry_of[i] {
            Some((k, j)) => {
                let r = &mut store.agencies[k].refs[j];
                refs.push(EventRef {
                    prefix,
                    number: r.number,
                });
                if let Some(w) = new_words {
                    r.fp = fps[i];
                    r.date = ev.date.start;
                    r.words = w.into_boxed_str();
                }
            }
            None => {
                let a = &mut store.agencies[slot[ev.agency]];
                a.next += 1;
                refs.push(EventRef {
                    prefix,
                    number: a.next,
                });
                a.refs.push(StoredRef {
                    number: a.next,
                    date: ev.date.start,
                    fp: fps[i],
                    words: new_words.unwrap_or_default().into_boxed_str(),
                });
            }
        }
    }
    refs
}

/// Gives each event its Ref from [`plan`].
fn give(chronology: &mut Chronology, refs: Vec<EventRef>) {
    debug_assert_eq!(chronology.events.len(), refs.len());
    for (ev, r) in chronology.events.iter_mut().zip(refs) {
        ev.reference = r;
    }
}

/// Gives the events stable Refs from the ref store `loaded` from `dir`
/// (none yet: an empty one) and starts writing the store as it now is
/// beside it (see [`PendingStore`]), to be put in place when the workbook
/// is published. A store that cannot be read is left alone: the events
/// are numbered in order, a `refs-store-unreadable` finding says so, and
/// `None` is returned (nothing will overwrite it).
///
/// The same as [`stable_refs`] followed by [`StableRefs::give`].
pub fn stable_or_in_order(
    chronology: &mut Chronology,
    config: &ReviewConfig,
    dir: &Path,
    loaded: LoadingStore,
) -> Option<PendingStore> {
    stable_refs(chronology, config, dir, loaded).give(chronology, config)
}

/// The Refs [`stable_or_in_order`] gives, worked out without touching the
/// chronology, so that whatever else reads it (the analysis) can run at
/// the same time; [`StableRefs::give`] then gives them.
///
/// ```no_run
/// use chronomerge::refs::{stable_refs, LoadingStore};
/// # fn demo(mut chronology: chronomerge::model::Chronology,
/// #         config: chronomerge::config::ReviewConfig, dir: &std::path::Path) {
/// let loaded = LoadingStore::start(dir);
/// let (refs, words) = rayon::join(
///     || stable_refs(&chronology, &config, dir, loaded),
///     || chronology.events.len(), // anything else that reads the chronology
/// );
/// let pending = refs.give(&mut chronology, &config);
/// # let _ = (pending, words);
/// # }
/// ```
pub fn stable_refs(
    chronology: &Chronology,
    config: &ReviewConfig,
    dir: &Path,
    loaded: LoadingStore,
) -> StableRefs {
    match loaded.wait() {
        Ok(store) => {
            let mut store = store.unwrap_or_default();
            let refs = plan(chronology, config, &mut store);
            StableRefs::Stable(refs, PendingStore::start(store, dir))
        }
        Err(e) => StableRefs::Unreadable(e.why),
    }
}

/// Refs worked out by [`stable_refs`], not given yet.
#[derive(Debug)]
pub enum StableRefs {
    /// Each event's Ref, in the events' order, and the store as it now is,
    /// being written beside the old one.
    Stable(Vec<EventRef>, PendingStore),
    /// The store cannot be read (why): the events are to be numbered in
    /// order.
    Unreadable(String),
}

impl StableRefs {
    /// Gives the events their Refs (a store that could not be read: Refs
    /// numbered in order, and a `refs-store-unreadable` finding), and
    /// returns the store being written, as [`stable_or_in_order`] does.
    pub fn give(self, chronology: &mut Chronology, config: &ReviewConfig) -> Option<PendingStore> {
        match self {
            StableRefs::Stable(refs, pending) => {
                give(chronology, refs);
                Some(pending)
            }
            StableRefs::Unreadable(why) => {
                number_in_order(chronology, config);
                chronology.findings.push(crate::findings::Finding::new(
                    crate::findings::Code::RefsStoreUnreadable,
                    REFS_FILE,
                    format!(
                        "the review's ref store cannot be read ({why}), so this merge's Refs are numbered in order and may not match the previous workbook's; the store is left as it is"
                    ),
                ));
                None
            }
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
            agencies: vec![StoredAgency {
                name: "Police".into(),
                prefix: "POL".into(),
                next: 2,
                refs: vec![StoredRef {
                    number: 7,
                    date: NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(),
                    fp: 1,
                    words: "x".into(),
                }],
            }],
            ..RefStore::default()
        };
        store.save(dir.path()).unwrap();
        let back = RefStore::load(dir.path()).unwrap().unwrap();
        assert_eq!(back.agencies[0].next, 7);
    }

    /// A store of the first format (one object per Ref) is read, by
    /// agency, with its numbers.
    #[test]
    fn a_first_format_store_is_read() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(REFS_FILE),
            r#"{"version":1,"prefixes":{"Police":"POL","School":"SCH"},"next":{"POL":3,"SCH":1},
                "events":[{"ref":"POL-0003","agency":"Police","date":"2020-01-02","fp":5,"words":"called"},
                          {"ref":"SCH-0001","agency":"School","date":"2020-01-03","fp":6,"words":"absent"}],
                "workbook":{"path":"/x.xlsx","len":1,"modified_ns":2,"notes":0}}"#,
        )
        .unwrap();
        let store = RefStore::load(dir.path()).unwrap().unwrap();
        let police = store.agencies.iter().find(|a| a.name == "Police").unwrap();
        assert_eq!((police.prefix.as_str(), police.next), ("POL", 3));
        assert_eq!(police.refs[0].number, 3);
        assert_eq!(
            police.refs[0].date,
            NaiveDate::from_ymd_opt(2020, 1, 2).unwrap()
        );
        assert_eq!(store.workbook.as_ref().unwrap().len, 1);
        // Written back in this format, it reads the same.
        store.save(dir.path()).unwrap();
        let text = std::fs::read_to_string(dir.path().join(REFS_FILE)).unwrap();
        assert!(text.starts_with(r#"{"version":2,"agencies":[{"name":"Police","prefix":"POL","next":3,"refs":[[3,20200102,5,"called"]]}"#), "{text}");
        assert_eq!(RefStore::load(dir.path()).unwrap().unwrap(), store);
    }

    /// A pending store is put in place only when committed, with the
    /// workbook's record; dropped, it leaves the old store and no file.
    #[test]
    fn a_pending_store_is_written_only_when_committed() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(REFS_FILE), b"old").unwrap();
        let pending = PendingStore::start(RefStore::default(), dir.path());
        drop(pending);
        let names = || -> Vec<String> {
            let mut v: Vec<String> = std::fs::read_dir(dir.path())
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            v.sort();
            v
        };
        // Dropped, it waited for its writer: no file is left.
        assert_eq!(names(), [REFS_FILE]);
        assert_eq!(std::fs::read(dir.path().join(REFS_FILE)).unwrap(), b"old");
        let pending = PendingStore::start(RefStore::default(), dir.path());
        let wb = WrittenWorkbook {
            path: "/r/merged.xlsx".into(),
            len: 10,
            modified_ns: 20,
            notes: 1,
        };
        pending.clone().commit(Some(&wb)).unwrap();
        // A clone committing again does nothing.
        pending.commit(None).unwrap();
        assert_eq!(names(), [REFS_FILE]);
        let back = RefStore::load(dir.path()).unwrap().unwrap();
        assert_eq!(back.workbook, Some(wb));
        assert!(back.agencies.is_empty());
    }

    fn by_chars(s: &str, mut h: u64, space: &mut bool) -> u64 {
        for c in s.chars() {
            h = fnv_char(h, c, space);
        }
        h
    }

    proptest::proptest! {
        /// The word-at-a-time path hashes any mix of words, digits,
        /// punctuation, white space and non-ASCII text as the characters
        /// do, whatever space state it starts in.
        #[test]
        fn the_fast_fingerprint_is_the_characters_one(
            s in "([A-Za-z0-9]{1,9}|[ .,;:'/()\t\r\n-]{1,3}|[éÆßİΣ\u{A0}\u{1F600}—]){0,40}",
            start in proptest::bool::ANY,
        ) {
            let (mut a, mut b) = (start, start);
            proptest::prop_assert_eq!(fnv_normalised(7, &s, &mut a), by_chars(&s, 7, &mut b));
            proptest::prop_assert_eq!(a, b);
        }
    }

    /// The byte-at-a-time fingerprint is the one the stores hold: the
    /// same as reading the text by characters, on any text.
    #[test]
    fn the_fingerprint_is_the_stored_one() {
        for s in [
            "",
            "Police attended; mother's partner arrested.",
            "  Café — Ærøskøbing, İstanbul ΣΊΣΥΦΟΣ 12/03/2021 ",
            "déjà-vu\tno reply\r\nNFA",
            "\u{1F600} emoji, \u{00A0}nbsp, ﬁ ligature, ß",
        ] {
            let (mut a, mut b) = (false, false);
            assert_eq!(
                fnv_normalised(7, s, &mut a),
                by_chars(s, 7, &mut b),
                "{s:?}"
            );
            assert_eq!(a, b, "{s:?}");
        }
        // A fingerprint as stored by earlier versions stays the same.
        assert_eq!(fingerprint("Police attended.", "Log", "Incident"), {
            let mut h = 0xcbf2_9ce4_8422_2325u64;
            for (k, s) in ["Police attended.", "Log", "Incident"]
                .into_iter()
                .enumerate()
            {
                let mut space = false;
                h = by_chars(s, h, &mut space);
                h = fnv(h, b'|' + k as u8);
            }
            h
        });
    }
}
