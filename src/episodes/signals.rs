//! What makes an event significant: the one table of event-type and
//! keyword weights ([`SignalTable`]), compiled into a [`Matcher`], and
//! what is read once from each event ([`Feature`]).

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::text::{
    content_words, fnv, fnv_add, stop_words, tokenize, IdMap, Token, Word, FNV_START,
};
use crate::model::{Event, EVENT_TYPES};

/// The weight of an event type, and the words used for it in a reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypeSignal {
    /// One of the template's event types ([`EVENT_TYPES`]), matched
    /// case-insensitively.
    pub event_type: String,
    /// Its significance.
    pub weight: f64,
    /// How a reason names it ("strategy discussion").
    pub phrase: String,
}

/// A keyword or phrase found in the details or action of an event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeywordSignal {
    /// Words matched as whole words, case-insensitively, ignoring
    /// punctuation (`a&e` matches `A & E`); a word ending in `*` matches any
    /// word starting with it (`bruis*` matches `bruise`, `bruising`).
    pub keyword: String,
    /// Added to the event's significance when found (once per event).
    pub weight: f64,
    /// How a reason names it ("bruising").
    pub phrase: String,
}

/// What a decision or a visit where the child was not seen is called, and
/// how it is found (see [`crate::episodes::KeyDecision`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionSignal {
    /// Words matched as for [`KeywordSignal::keyword`].
    pub keyword: String,
    /// The decision in plain words ("No further action").
    pub phrase: String,
    /// A visit or appointment where the child was not seen (no reply, not
    /// brought): listed even when no concern came before it.
    #[serde(default)]
    pub not_seen: bool,
}

/// The one table of signals: what makes an event significant.
///
/// | event type | weight | | keyword | weight |
/// |---|---|---|---|---|
/// | Strategy discussion or meeting | 2.5 | | `section 47`, `s47`, `s 47` | 2.0 |
/// | Child protection conference or core group | 2.0 | | `fractur*`, `overdos*`, `non accidental`, `police protection` | 2.0 |
/// | Injury or medical attention | 2.0 | | `bruis*`, `self harm*`, `assault*`, `strangl*` | 1.5 |
/// | Hospital attendance or admission | 2.0 | | `a&e`, `emergency department`, `burn*`, `injur*`, `head injury` | 1.0 |
/// | Incident or call-out | 1.5 | | `domestic*`, `missing`, `child protection`, `disclos*`, `neglect*`, `abuse*`, `strategy*` | 1.0 |
/// | Referral made / received | 1.5 | | `not brought`, `was not brought` | 0.8 |
/// | Appointment missed or child not brought | 1.0 | | `dna`, `did not attend` | 0.5 |
/// | Multi-agency meeting | 1.0 | | | |
/// | Assessment | 0.8 | | | |
/// | Information shared, Case closed or transferred | 0.5 | | | |
/// | Contact or visit, Appointment attended, Other, blank or unknown | 0.2 | | `care proceedings`, `legal planning`, `strip search*` | 1.5 |
/// | | | | `arrest*`, `appropriate adult` | 1.0 |
/// | | | | `child not seen`, `no reply`, `no further action`, `nfa`, `threshold*`, `unsubstantiated`, `closed` | 0.0 |
///
/// The decision words weigh nothing as signs of a crisis (a call closed
/// with no further action is not one); they name what happened in an
/// episode's reason, and the separate [`SignalTable::decisions`] list
/// finds the key decisions.
///
/// Keyword weights add up to at most [`SignalTable::keyword_cap`] per
/// event. An event is significant enough to anchor an episode when its
/// total reaches [`SignalTable::seed_weight`]. A typed event type that is
/// not one of the template's is read for keywords too.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SignalTable {
    /// Significance needed to anchor an episode (default 1.0).
    pub seed_weight: f64,
    /// Most that keywords can add to one event (default 3.0).
    pub keyword_cap: f64,
    /// Weight of a blank or unrecognised event type (default 0.2).
    pub unknown_type_weight: f64,
    /// Weights of the template's event types.
    pub event_types: Vec<TypeSignal>,
    /// Keywords and their weights.
    pub keywords: Vec<KeywordSignal>,
    /// Decision wording (closure, no further action, threshold not met,
    /// child not seen …): what makes an event a key decision when it
    /// follows a concern.
    pub decisions: Vec<DecisionSignal>,
    /// Words that make any event a *concern* (beside the event types
    /// referral, police incident or call-out, injury): a disclosure, an
    /// injury written in the details.
    pub concern_keywords: Vec<String>,
}

impl Default for SignalTable {
    fn default() -> Self {
        let t = |event_type: &str, weight: f64, phrase: &str| TypeSignal {
            event_type: event_type.into(),
            weight,
            phrase: phrase.into(),
        };
        let k = |keyword: &str, weight: f64, phrase: &str| KeywordSignal {
            keyword: keyword.into(),
            weight,
            phrase: phrase.into(),
        };

        let dn = |keyword: &str, phrase: &str, not_seen: bool| DecisionSignal {
            keyword: keyword.into(),
            phrase: phrase.into(),
            not_seen,
        };
        SignalTable {
            seed_weight: 1.0,
            keyword_cap: 3.0,
            unknown_type_weight: 0.2,
            event_types: vec![
                t(EVENT_TYPES[0], 0.2, "contact or visit"),
                t(EVENT_TYPES[1], 0.2, "appointment"),
                t(EVENT_TYPES[2], 1.0, "missed appointment / not brought"),
                t(EVENT_TYPES[3], 1.5, "referral"),
                t(EVENT_TYPES[4], 1.5, "referral"),
                t(EVENT_TYPES[5], 0.8, "assessment"),
                t(EVENT_TYPES[6], 2.5, "strategy discussion"),
                t(EVENT_TYPES[7], 2.0, "child protection conference"),
                t(EVENT_TYPES[8], 1.0, "multi-agency meeting"),
                t(EVENT_TYPES[9], 1.5, "police incident / call-out"),
                t(EVENT_TYPES[10], 2.0, "injury"),
                t(EVENT_TYPES[11], 2.0, "hospital attendance"),
                t(EVENT_TYPES[12], 0.5, "information shared"),
                t(EVENT_TYPES[13], 0.5, "case closed or transferred"),
                t(EVENT_TYPES[14], 0.2, "other"),
            ],
            keywords: vec![
                k("section 47", 2.0, "section 47"),
                k("s47", 2.0, "section 47"),
                k("s 47", 2.0, "section 47"),
                k("fractur*", 2.0, "fracture"),
                k("overdos*", 2.0, "overdose"),
                k("non accidental", 2.0, "possible non-accidental injury"),
                k("police protection", 2.0, "police protection"),
                k("bruis*", 1.5, "bruising"),
                k("self harm*", 1.5, "self-harm"),
                k("assault*", 1.5, "assault"),
                k("strangl*", 1.5, "strangulation"),
                k("a&e", 1.0, "A&E"),
                k("emergency department", 1.0, "A&E"),
                k("burn*", 1.0, "burn"),
                k("injur*", 1.0, "injury"),
                k("head injury", 1.0, "head injury"),
                k("domestic*", 1.0, "domestic abuse"),
                k("missing", 1.0, "missing"),
                k("child protection", 1.0, "child protection"),
                k("disclos*", 1.0, "disclosure"),
                k("neglect*", 1.0, "neglect"),
                k("abuse*", 1.0, "abuse"),
                k("strategy*", 1.0, "strategy discussion"),
                k("not brought", 0.8, "not brought"),
                k("dna", 0.5, "did not attend"),
                k("did not attend", 0.5, "did not attend"),
                // Practice issues weigh; decision wording weighs nothing
                // (a call closed with no further action is no crisis: on
                // the generated reviews a weight here lets isolated calls
                // anchor false episodes) but names what happened.
                k("care proceedings", 1.5, "care proceedings"),
                k("legal planning", 1.5, "legal planning meeting"),
                k("strip search*", 1.5, "strip search"),
                k("arrest*", 1.0, "arrest"),
                k("appropriate adult", 1.0, "appropriate adult"),
                k("child not seen", 0.0, "child not seen"),
                k("no reply", 0.0, "no reply"),
                k("no further action", 0.0, "no further action"),
                k("nfa", 0.0, "no further action"),
                k("threshold*", 0.0, "threshold"),
                k("unsubstantiated", 0.0, "unsubstantiated"),
                k("closed", 0.0, "case closed"),
            ],
            decisions: vec![
                dn("no further action", "No further action", false),
                dn("nfa", "No further action", false),
                dn("not meet threshold", "Threshold not met", false),
                dn("not meet the threshold", "Threshold not met", false),
                dn("threshold not met", "Threshold not met", false),
                dn("below threshold", "Threshold not met", false),
                dn(
                    "no safeguarding concerns",
                    "No safeguarding concerns",
                    false,
                ),
                dn("unsubstantiated", "Concern unsubstantiated", false),
                dn("case closed", "Case closed", false),
                dn("closed", "Case closed", false),
                dn("closure", "Case closed", false),
                dn("stepped down", "Stepped down", false),
                dn("step down", "Stepped down", false),
                dn(
                    "without seeing",
                    "Assessment completed without the child seen",
                    false,
                ),
                dn("legal planning", "Legal planning meeting outcome", false),
                dn("care proceedings", "Care proceedings decision", false),
                dn("single agency", "Single-agency response agreed", false),
                dn("child not seen", "Child not seen", true),
                dn("not seen", "Child not seen", true),
                dn("no reply", "No reply at the visit", true),
                dn("no answer", "No reply at the visit", true),
                dn("no access", "No access at the visit", true),
                dn("not brought", "Child not brought", true),
                dn("was not brought", "Child not brought", true),
            ],
            concern_keywords: [
                "disclos*", "injur*", "bruis*", "fractur*", "assault*", "referr*",
            ]
            .map(String::from)
            .to_vec(),
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct TokPat {
    hash: u64,
    len: usize,
    prefix: bool,
    /// Its first two bytes (one for a one-letter word).
    start: [u8; 2],
}

/// The first two letters of the words that start a keyword (a 65,536-bit
/// set); one-letter words always pass.
struct Starts(Vec<u64>);

impl Default for Starts {
    fn default() -> Self {
        Starts(vec![0; 1024])
    }
}

impl Starts {
    fn key(a: u8, b: u8) -> usize {
        (a as usize) << 8 | b as usize
    }
    fn add(&mut self, start: &[u8; 2]) {
        let k = Self::key(start[0], start[1]);
        self.0[k >> 6] |= 1 << (k & 63);
    }
    fn contains(&self, w: &[u8]) -> bool {
        let k = Self::key(w[0], w[1]);
        self.0[k >> 6] & (1 << (k & 63)) != 0
    }
}

/// Compiled keyword table.
pub(super) struct Matcher {
    /// The table's keywords, then its decisions, then its concern
    /// keywords: one scan finds all three.
    patterns: Vec<(Vec<TokPat>, f64)>,
    /// Where the decisions start in `patterns`, and the concern keywords.
    decisions_at: usize,
    concerns_at: usize,
    first_exact: IdMap<Vec<u16>>,
    /// The patterns whose first word is a prefix, by the prefix's
    /// length (`first_prefix[len]`) and then its hash.
    first_prefix: Vec<Option<IdMap<Vec<u16>>>>,
    stop: IdMap<()>,
    starts: Starts,
    type_weight: [f64; EVENT_TYPES.len()],
    unknown: f64,
    type_names: Vec<(String, f64)>,
}

impl Matcher {
    pub(super) fn new(table: &SignalTable) -> Self {
        let mut buf = Vec::new();
        let mut toks = Vec::new();
        let mut patterns = Vec::new();
        let mut first_exact: IdMap<Vec<u16>> = IdMap::default();
        let mut first_prefix: Vec<Option<IdMap<Vec<u16>>>> = Vec::new();
        let all: Vec<(&str, f64)> = table
            .keywords
            .iter()
            .map(|k| (k.keyword.as_str(), k.weight))
            .chain(table.decisions.iter().map(|d| (d.keyword.as_str(), 0.0)))
            .chain(table.concern_keywords.iter().map(|c| (c.as_str(), 0.0)))
            .collect();
        let decisions_at = table.keywords.len();
        let concerns_at = decisions_at + table.decisions.len();
        for (i, &(keyword, weight)) in all.iter().enumerate().take(u16::MAX as usize) {
            // Each white-space separated part may end in `*` (a prefix);
            // a part such as `a&e` gives several words, the `*` applying to
            // its last.
            let mut pat: Vec<TokPat> = Vec::new();
            for part in keyword.split_whitespace() {
                let prefix = part.ends_with('*');
                tokenize(part.trim_end_matches('*'), &mut buf, &mut toks);
                let n = toks.len();
                for (j, &(s, e)) in toks.iter().enumerate() {
                    let w = &buf[s as usize..e as usize];
                    pat.push(TokPat {
                        hash: fnv(w),
                        len: w.len(),
                        prefix: prefix && j + 1 == n,
                        start: [w[0], *w.get(1).unwrap_or(&0)],
                    });
                }
            }
            let Some(first) = pat.first().copied() else {
                patterns.push((pat, weight));
                continue;
            };
            if first.prefix {
                if first_prefix.len() <= first.len {
                    first_prefix.resize_with(first.len + 1, || None);
                }
                first_prefix[first.len]
                    .get_or_insert_with(IdMap::default)
                    .entry(first.hash)
                    .or_default()
                    .push(i as u16);
            } else {
                first_exact.entry(first.hash).or_default().push(i as u16);
            }
            patterns.push((pat, weight));
        }
        let stop = stop_words();
        let type_names: Vec<(String, f64)> = table
            .event_types
            .iter()
            .map(|t| (t.event_type.trim().to_lowercase(), t.weight))
            .collect();
        let mut type_weight = [table.unknown_type_weight; EVENT_TYPES.len()];
        for (i, name) in EVENT_TYPES.iter().enumerate() {
            let lower = name.to_lowercase();
            if let Some((_, w)) = type_names.iter().find(|(n, _)| *n == lower) {
                type_weight[i] = *w;
            }
        }
        let mut starts = Starts::default();
        for (pat, _) in &patterns {
            match pat.first() {
                // A one-letter prefix (`a*`) starts any word with that letter.
                Some(first) if first.prefix && first.len < 2 => {
                    for b in 0..=255u8 {
                        starts.add(&[first.start[0], b]);
                    }
                }
                Some(first) => starts.add(&first.start),
                None => {}
            }
        }
        Matcher {
            patterns,
            decisions_at,
            concerns_at,
            starts,
            first_exact,
            first_prefix,
            stop,
            type_weight,
            unknown: table.unknown_type_weight,
            type_names,
        }
    }

    /// Marks in `hits` the keywords found in a tokenized text.
    fn scan(&self, buf: &[u8], toks: &[(u32, u32)], hits: &mut [bool]) {
        let word = |i: usize| &buf[toks[i].0 as usize..toks[i].1 as usize];
        let matches_at = |pid: usize, i: usize| -> bool {
            let pat = &self.patterns[pid].0;
            if i + pat.len() > toks.len() {
                return false;
            }
            pat.iter().enumerate().all(|(j, p)| {
                let w = word(i + j);
                if p.prefix {
                    w.len() >= p.len && fnv(&w[..p.len]) == p.hash
                } else {
                    w.len() == p.len && fnv(w) == p.hash
                }
            })
        };
        for i in 0..toks.len() {
            let w = word(i);
            // Most words cannot start a keyword: skip them on their first
            // two letters.
            if w.len() >= 2 && !self.starts.contains(w) {
                continue;
            }
            let mut mark = |ids: Option<&Vec<u16>>| {
                for &pid in ids.into_iter().flatten() {
                    if !hits[pid as usize] && matches_at(pid as usize, i) {
                        hits[pid as usize] = true;
                    }
                }
            };
            // One pass over the word: the hash so far is the hash of the
            // prefix of that length, the whole word's at the end.
            let mut h = FNV_START;
            for (n, &b) in w.iter().enumerate() {
                h = fnv_add(h, b);
                if let Some(Some(map)) = self.first_prefix.get(n + 1) {
                    mark(map.get(&h));
                }
            }
            mark(self.first_exact.get(&h));
        }
    }
}

/// What is read once from each event.
#[derive(Debug, Default)]
pub(super) struct Feature {
    /// Significance (type + capped keywords).
    pub(super) weight: f64,
    /// Type part of `weight`.
    pub(super) type_weight: f64,
    /// Keywords found (indexes into the table), ascending.
    pub(super) keywords: Box<[u16]>,
    /// Decision wording found (indexes into [`SignalTable::decisions`]),
    /// ascending.
    pub(super) decisions: Box<[u16]>,
    /// A concern: a referral, police incident or call-out, injury, or a
    /// concern keyword.
    pub(super) concern: bool,
}

/// Scratch buffers reused by one worker.
#[derive(Default)]
struct Scratch {
    buf: Vec<u8>,
    toks: Vec<(u32, u32)>,
    hits: Vec<bool>,
    pairs: Vec<(Token, u32)>,
}

/// The type weight of an event, and whether its type was recognised.
fn type_of(m: &Matcher, e: &Event) -> (f64, bool) {
    if let Some(k) = e.event_type_known {
        return (m.type_weight.get(k).copied().unwrap_or(m.unknown), true);
    }
    let lower = e.event_type.trim().to_lowercase();
    match m.type_names.iter().find(|(n, _)| *n == lower) {
        Some((_, w)) => (*w, true),
        None => (m.unknown, lower.is_empty()),
    }
}

/// The [`Feature`] of every event (in parallel). The words the linker
/// compares are not kept here: it reads them again, a stretch of days at
/// a time ([`Matcher::content_words`]), so that a large review never holds
/// every event's words at once.
pub(super) fn features(m: &Matcher, table: &SignalTable, events: &[Event]) -> Vec<Feature> {
    events
        .par_iter()
        .with_min_len(2048)
        .map_init(Scratch::default, |s, e| feature(m, table, e, s, None))
        .collect()
}

/// The content words the linker compares ([`Matcher::content_words`]),
/// kept for the events that asked for them while their features were read
/// ([`features_keeping_words`]), so that their details are tokenised once.
#[derive(Debug, Default)]
pub(super) struct KeptWords {
    words: Vec<Word>,
    /// Where each event's words end in `words` (an event whose words were
    /// not kept has none).
    end: Vec<u32>,
}

impl KeptWords {
    /// The content words of event `i`.
    pub(super) fn of(&self, i: usize) -> &[Word] {
        let start = if i == 0 { 0 } else { self.end[i - 1] };
        &self.words[start as usize..self.end[i] as usize]
    }
}

/// [`features`], and the content words of each event `i` with `keep[i]`,
/// read from the same tokens as its keywords: for a chronology whose
/// linker holds every event's words anyway (see [`super::link::link`]).
pub(super) fn features_keeping_words(
    m: &Matcher,
    table: &SignalTable,
    events: &[Event],
    keep: &[bool],
) -> (Vec<Feature>, KeptWords) {
    const CHUNK: usize = 2048;
    let parts: Vec<(Vec<Feature>, Vec<Word>, Vec<u32>)> = events
        .par_chunks(CHUNK)
        .zip(keep.par_chunks(CHUNK))
        .map_init(Scratch::default, |s, (events, keep)| {
            let mut feats = Vec::with_capacity(events.len());
            let mut words = Vec::new();
            let mut end = Vec::with_capacity(events.len());
            for (e, &k) in events.iter().zip(keep) {
                feats.push(feature(m, table, e, s, k.then_some(&mut words)));
                end.push(words.len() as u32);
            }
            (feats, words, end)
        })
        .collect();
    let mut feats = Vec::with_capacity(events.len());
    let mut kept = KeptWords {
        words: Vec::with_capacity(parts.iter().map(|p| p.1.len()).sum()),
        end: Vec::with_capacity(events.len()),
    };
    for (f, words, end) in parts {
        let base = kept.words.len() as u32;
        feats.extend(f);
        kept.words.extend(words);
        kept.end.extend(end.into_iter().map(|e| base + e));
    }
    (feats, kept)
}

/// What is read from one event; its content words appended to `words`
/// when given.
fn feature(
    m: &Matcher,
    table: &SignalTable,
    e: &Event,
    s: &mut Scratch,
    words: Option<&mut Vec<Word>>,
) -> Feature {
    let (tw, known) = type_of(m, e);
    s.hits.clear();
    s.hits.resize(m.patterns.len(), false);
    tokenize(&e.details, &mut s.buf, &mut s.toks);
    m.scan(&s.buf, &s.toks, &mut s.hits);
    if let Some(out) = words {
        content_words(&s.buf, &s.toks, &m.stop, &mut s.pairs, out);
    }
    if !e.action.is_empty() {
        tokenize(&e.action, &mut s.buf, &mut s.toks);
        m.scan(&s.buf, &s.toks, &mut s.hits);
    }
    if !known {
        tokenize(&e.event_type, &mut s.buf, &mut s.toks);
        m.scan(&s.buf, &s.toks, &mut s.hits);
    }
    let mut kw = 0.0;
    let mut keywords = Vec::new();
    let mut decisions = Vec::new();
    let mut concern = matches!(e.event_type_known, Some(3 | 4 | 9 | 10));
    for (i, &hit) in s.hits.iter().enumerate() {
        if hit {
            if i < m.decisions_at {
                kw += table.keywords[i].weight;
                keywords.push(i as u16);
            } else if i < m.concerns_at {
                decisions.push((i - m.decisions_at) as u16);
            } else {
                concern = true;
            }
        }
    }
    let keywords = keywords.into_boxed_slice();
    let decisions = decisions.into_boxed_slice();
    Feature {
        weight: tw + kw.min(table.keyword_cap),
        type_weight: tw,
        keywords,
        decisions,
        concern,
    }
}

/// Scratch buffers of [`Matcher::content_words`], reused by one worker.
#[derive(Default)]
pub(super) struct WordScratch {
    buf: Vec<u8>,
    toks: Vec<(u32, u32)>,
    pairs: Vec<(Token, u32)>,
}

impl Matcher {
    /// Appends the stemmed content words of `details` (for joint-event
    /// linking: [`content_words`]) to `out`, their weights still 0.
    pub(super) fn content_words(&self, details: &str, s: &mut WordScratch, out: &mut Vec<Word>) {
        tokenize(details, &mut s.buf, &mut s.toks);
        content_words(&s.buf, &s.toks, &self.stop, &mut s.pairs, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A keyword's words as bytes, each with whether it is a prefix, read
    /// as [`Matcher::new`] reads them.
    fn plain_words(keyword: &str) -> Vec<(Vec<u8>, bool)> {
        let (mut buf, mut toks) = (Vec::new(), Vec::new());
        let mut out = Vec::new();
        for part in keyword.split_whitespace() {
            let prefix = part.ends_with('*');
            tokenize(part.trim_end_matches('*'), &mut buf, &mut toks);
            for (j, &(a, z)) in toks.iter().enumerate() {
                out.push((
                    buf[a as usize..z as usize].to_vec(),
                    prefix && j + 1 == toks.len(),
                ));
            }
        }
        out
    }

    /// The scan marks what comparing the words one by one finds, for every
    /// keyword, decision and concern of the default table (whole words,
    /// prefixes of every length, several words), on texts made of the
    /// keywords' own words, longer and shorter forms of them and other
    /// words.
    #[test]
    fn the_scan_finds_what_comparing_the_words_finds() {
        let table = SignalTable::default();
        let m = Matcher::new(&table);
        let keywords: Vec<&str> = table
            .keywords
            .iter()
            .map(|k| k.keyword.as_str())
            .chain(table.decisions.iter().map(|d| d.keyword.as_str()))
            .chain(table.concern_keywords.iter().map(String::as_str))
            .collect();
        let patterns: Vec<Vec<(Vec<u8>, bool)>> = keywords.iter().map(|k| plain_words(k)).collect();
        let mut vocabulary: Vec<String> = vec![
            "the".into(),
            "child".into(),
            "seen".into(),
            "a".into(),
            "x".into(),
        ];
        for p in &patterns {
            for (w, _) in p {
                let w = String::from_utf8(w.clone()).unwrap();
                vocabulary.push(format!("{w}ed"));
                vocabulary.push(format!("{w}s"));
                if w.len() > 1 {
                    vocabulary.push(w[..w.len() - 1].to_string());
                }
                vocabulary.push(w);
            }
        }
        let mut next = crate::episodes::text::xorshift();
        let (mut buf, mut toks) = (Vec::new(), Vec::new());
        let (mut prefix_hits, mut several_word_hits) = (0, 0);
        for _ in 0..3000 {
            let n = 1 + next() % 12;
            let text: Vec<&str> = (0..n)
                .map(|_| vocabulary[(next() % vocabulary.len() as u64) as usize].as_str())
                .collect();
            let text = text.join(" ");
            tokenize(&text, &mut buf, &mut toks);
            let mut hits = vec![false; m.patterns.len()];
            m.scan(&buf, &toks, &mut hits);
            let words: Vec<&[u8]> = toks
                .iter()
                .map(|&(a, z)| &buf[a as usize..z as usize])
                .collect();
            for (pid, p) in patterns.iter().enumerate() {
                let found = !p.is_empty()
                    && (0..words.len()).any(|i| {
                        i + p.len() <= words.len()
                            && p.iter().zip(&words[i..]).all(|((pw, prefix), w)| {
                                if *prefix {
                                    w.starts_with(pw)
                                } else {
                                    *w == pw.as_slice()
                                }
                            })
                    });
                assert_eq!(hits[pid], found, "{:?} in {text:?}", keywords[pid]);
                if found && p.iter().any(|(_, prefix)| *prefix) {
                    prefix_hits += 1;
                }
                if found && p.len() > 1 {
                    several_word_hits += 1;
                }
            }
        }
        assert!(prefix_hits > 50, "{prefix_hits} prefix keywords found");
        assert!(
            several_word_hits > 10,
            "{several_word_hits} keywords of several words found"
        );
    }
}
