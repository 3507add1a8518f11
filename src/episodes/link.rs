//! Joint events: the same incident or meeting reported by several
//! agencies. The words of each event are weighed by their rarity
//! ([`Idf`]); a sweep in date order ([`link`]) compares each event
//! with a bounded number of candidates (other agencies' events on its day
//! and the next, of compatible types) after a cheap signature bound, by
//! the [`similarity`] of their details; linked pairs are then joined into
//! groups ([`JointLinks`]).

use std::collections::HashMap;

use rayon::prelude::*;
use serde::Serialize;

use super::signals::{KeptWords, Matcher, WordScratch};
use super::text::{stem_text, IdMap, Token, Word, WordTable};
use super::EpisodeConfig;
use crate::model::{Chronology, Event};

/// For each event of a chronology, the events of other agencies that report
/// the same thing ([`Analysis::also_reported_by`](super::Analysis::also_reported_by)): indexes into
/// `chronology.events`, sorted, in one flat list (a dense review links
/// millions of pairs, and a list per event would cost an allocation each).
///
/// ```
/// use chronomerge::episodes::JointLinks;
///
/// // Event 0 and event 2 report the same incident; event 1 stands alone.
/// let links = JointLinks::from_lists(vec![vec![2], vec![], vec![0]]);
/// assert_eq!(links.len(), 3);
/// assert_eq!(links.of(0), &[2]);
/// assert!(links.of(1).is_empty());
/// assert!(links.of(7).is_empty()); // past the end: no links
/// assert_eq!(links.linked_events(), 2);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JointLinks {
    /// `targets[start[i]..start[i + 1]]` are event `i`'s links
    /// (`start.len()` is one more than the number of events, or 0).
    start: Vec<usize>,
    targets: Vec<u32>,
}

impl JointLinks {
    /// The links of `n` events from directed pairs `(event, linked event)`
    /// in any order and with repeats, which `pairs` hands to its argument,
    /// the same each time it is called (twice: once to count each event's
    /// links, once to place them). No list of all the pairs is made: the
    /// links go straight to their place, and each event's few are then
    /// sorted, where sorting millions of pairs at once took longer.
    fn from_pairs(n: usize, pairs: impl Fn(&mut dyn FnMut(u32, u32))) -> JointLinks {
        let mut start = vec![0usize; n + 1];
        pairs(&mut |a, _| start[a as usize + 1] += 1);
        for i in 0..n {
            start[i + 1] += start[i];
        }
        let mut targets = vec![0u32; start[n]];
        let mut next = start.clone();
        pairs(&mut |a, b| {
            targets[next[a as usize]] = b;
            next[a as usize] += 1;
        });
        drop(next);
        // Each event's links sorted and deduplicated, moved down over the
        // repeats.
        let mut kept = 0;
        for i in 0..n {
            let (from, to) = (start[i], start[i + 1]);
            targets[from..to].sort_unstable();
            start[i] = kept;
            for k in from..to {
                if k == from || targets[k] != targets[k - 1] {
                    targets[kept] = targets[k];
                    kept += 1;
                }
            }
        }
        start[n] = kept;
        targets.truncate(kept);
        targets.shrink_to_fit();
        JointLinks { start, targets }
    }

    /// The links of each event from one list per event (each list is
    /// sorted and deduplicated here).
    pub fn from_lists(lists: Vec<Vec<u32>>) -> JointLinks {
        JointLinks::from_pairs(lists.len(), |put| {
            for (i, l) in lists.iter().enumerate() {
                for &j in l {
                    put(i as u32, j);
                }
            }
        })
    }

    /// Event `i`'s links, sorted (empty past the last event).
    pub fn of(&self, i: usize) -> &[u32] {
        match (self.start.get(i), self.start.get(i + 1)) {
            (Some(&a), Some(&b)) => &self.targets[a..b],
            _ => &[],
        }
    }

    /// The number of events (linked or not).
    pub fn len(&self) -> usize {
        self.start.len().saturating_sub(1)
    }

    /// True when there are no events.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many events have at least one link.
    pub fn linked_events(&self) -> usize {
        self.start.windows(2).filter(|w| w[1] > w[0]).count()
    }

    /// Each event's links, in event order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &[u32]> + '_ {
        (0..self.len()).map(|i| self.of(i))
    }
}

/// `links[i]` is [`JointLinks::of`]`(i)`, except that it panics past the
/// last event, as a slice does.
impl std::ops::Index<usize> for JointLinks {
    type Output = [u32];
    fn index(&self, i: usize) -> &[u32] {
        assert!(i < self.len(), "event {i} of {}", self.len());
        self.of(i)
    }
}

/// Serialised as one list of linked event indexes per event.
impl Serialize for JointLinks {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

/// Event types that can describe the same happening: an incident seen by
/// police, paramedics and hospital; a meeting each attendee records; a
/// referral made by one agency and received by another; a joint visit.
/// `Other`, blank and unrecognised types go with anything.
fn type_group(e: &Event) -> u8 {
    match e.event_type_known {
        Some(9..=11) => 1,
        Some(6..=8) => 2,
        Some(3 | 4 | 12) => 3,
        Some(0 | 1 | 5) => 4,
        Some(2) => 5,
        Some(13) => 6,
        _ => 0,
    }
}

/// The share of the similarity bar two records of one meeting must reach
/// when they give the same day and start times within
/// [`MEETING_MINUTES`] of each other.
const MEETING_BAR: f64 = 0.35;
/// How far apart two records' times may be and still be one meeting.
const MEETING_MINUTES: i64 = 30;

/// Two records of a meeting (strategy discussion, conference, multi-agency
/// meeting) on the same day, both timed, within [`MEETING_MINUTES`].
fn same_meeting(a: &Event, b: &Event, ga: u8, gb: u8) -> bool {
    ga == 2
        && gb == 2
        && a.date.start == b.date.start
        && match (a.time, b.time) {
            (Some(x), Some(y)) => (x - y).num_minutes().abs() <= MEETING_MINUTES,
            _ => false,
        }
}

fn compatible(a: u8, b: u8) -> bool {
    a == b || a == 0 || b == 0
}

/// Weights of the content words of the details: rare words (an injury,
/// a place) say more about whether two reports are of the same thing than
/// common ones (`child`, `mother`). `idf = 1 + ln((n + 1) / (df + 1))`
/// over the exactly dated events (a deterministic sample of at most
/// 100,000 of them in a very large chronology).
pub(super) struct Idf {
    map: IdMap<f32>,
    unseen: f32,
}

/// The most events the word weights are counted over: a larger
/// chronology's are counted over every n-th event in date order.
const IDF_SAMPLE: usize = 100_000;

/// Adds one count of tokens to another (the larger kept).
fn add_counts(a: IdMap<u32>, b: IdMap<u32>) -> IdMap<u32> {
    let (mut big, small) = if a.len() < b.len() { (b, a) } else { (a, b) };
    for (k, v) in small {
        *big.entry(k).or_insert(0) += v;
    }
    big
}

impl Idf {
    /// The weights of `df`, the number of events of a sample of `n` that
    /// have each token.
    fn from_counts(df: IdMap<u32>, n: usize) -> Self {
        let n = n as u32;
        let idf = |d: u32| 1.0 + ((n as f32 + 1.0) / (d as f32 + 1.0)).ln();
        Idf {
            map: df.into_iter().map(|(t, d)| (t, idf(d))).collect(),
            unseen: idf(0),
        }
    }

    /// The weights over every `step`-th event of `order`, their words read
    /// (in parallel) and not kept.
    fn sampled(events: &[Event], order: &[u32], step: usize, m: &Matcher) -> Self {
        let df: IdMap<u32> = order
            .par_iter()
            .step_by(step)
            .with_min_len(1024)
            .fold(
                || (IdMap::default(), WordScratch::default(), Vec::new()),
                |(mut df, mut s, mut words): (IdMap<u32>, WordScratch, Vec<Word>), &i| {
                    words.clear();
                    m.content_words(&events[i as usize].details, &mut s, &mut words);
                    for w in &words {
                        *df.entry(Self::key(w.token)).or_insert(0) += 1;
                    }
                    (df, s, words)
                },
            )
            .map(|(df, _, _)| df)
            .reduce(IdMap::default, add_counts);
        Idf::from_counts(df, order.len().div_ceil(step))
    }

    fn get(&self, t: Token) -> f32 {
        self.map.get(&Self::key(t)).copied().unwrap_or(self.unseen)
    }

    /// A token spread over 64 bits (one to one), as the map's hasher
    /// takes its keys as they are and places them by their top and low
    /// bits.
    fn key(t: Token) -> u64 {
        u64::from(t).wrapping_mul(0x9E37_79B9_7F4A_7C15)
    }
}

/// Bits in a token signature ([`Sig`]).
pub(super) const SIG_BITS: usize = 256;

/// A set of [`SIG_BITS`] bits: which signature bits an event's tokens hit.
/// Two events can share no more weight than the first's tokens carry on
/// the bits both hit, so the linker skips pairs whose bound is under
/// [`NEAR`] of the bar without comparing their words: they could not link
/// even with near-identical words counted. 256 bits rather than 128:
/// events of 40-60 content words fill a third of 128 bits, so two
/// unrelated ones share about a third of their weight by chance and pass
/// the bound; with 256, about a sixth.
pub(super) type Sig = [u64; SIG_BITS / 64];

/// The signature bit of a token (its top 8 bits).
pub(super) fn bit(t: Token) -> usize {
    (t >> (Token::BITS - SIG_BITS.trailing_zeros())) as usize
}

/// The signature of a word list.
fn signature(words: &[Word]) -> Sig {
    let mut sig = [0u64; SIG_BITS / 64];
    for w in words {
        let b = bit(w.token);
        sig[b / 64] |= 1 << (b % 64);
    }
    sig
}

/// Buffers one linking worker reuses.
#[derive(Default)]
struct LinkScratch {
    /// Per signature bit, the weight of this event's tokens on it.
    bit_weight: Vec<f32>,
    a_words: Vec<(u32, u32, f32)>,
    b_words: Vec<(u32, u32, f32)>,
    x: String,
    y: String,
}

/// The tokens each of two events has and the other lacks, as (key,
/// [`span_of`](super::text::span_of) value, weight), each in token order,
/// from one merge of the two sorted, deduplicated token lists: the key is
/// the stem's first two bytes, lowercased, and its length, so that once
/// sorted by key the stems a near-identical-word comparison needs are
/// found by a search.
fn unshared(
    (ta, fa): (&str, &[Word]),
    (tb, fb): (&str, &[Word]),
    out_a: &mut Vec<(u32, u32, f32)>,
    out_b: &mut Vec<(u32, u32, f32)>,
) {
    out_a.clear();
    out_b.clear();
    fn push(text: &[u8], f: &[Word], k: usize, out: &mut Vec<(u32, u32, f32)>) {
        let Word { span, idf, .. } = f[k];
        if span != 0 {
            let a = (span & 0xFF_FFFF) as usize;
            let at = |i: usize| u32::from(text.get(a + i).map_or(0, u8::to_ascii_lowercase));
            out.push((at(0) << 16 | at(1) << 8 | span >> 24, span, idf));
        }
    }
    let (a, b) = (fa, fb);
    let (xa, xb) = (ta.as_bytes(), tb.as_bytes());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].token.cmp(&b[j].token) {
            std::cmp::Ordering::Less => {
                push(xa, fa, i, out_a);
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                push(xb, fb, j, out_b);
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                i += 1;
                j += 1;
            }
        }
    }
    for k in i..a.len() {
        push(xa, fa, k, out_a);
    }
    for k in j..b.len() {
        push(xb, fb, k, out_b);
    }
}

/// How alike the details of two events are, 0..1: a Dice coefficient of
/// their content words weighted by rarity ([`Idf`]), in which words that
/// differ only by a typo or an inflection the stemmer missed
/// (Jaro-Winkler similarity of at least 0.9 by [`strsim::jaro_winkler`],
/// words of four letters or more) count as shared, in proportion.
///
/// `table` holds the words of `fa` (see [`WordTable::fill`]).
fn similarity(
    (ta, fa): (&str, Doc),
    (tb, fb): (&str, Doc),
    bar: f64,
    table: &WordTable,
    s: &mut LinkScratch,
) -> f64 {
    let total = (fa.norm + fb.norm) as f64;
    if fa.words.is_empty() || fb.words.is_empty() || total <= 0.0 {
        return 0.0;
    }
    // Cheap bound first: the lighter side cannot share more than itself.
    if 2.0 * (fa.norm.min(fb.norm) as f64) / total < bar {
        return 0.0;
    }
    let shared = table.common(fa.words, fb.words) as f64;
    let exact = 2.0 * shared / total;
    if exact >= bar || exact < NEAR * bar {
        return exact;
    }
    // Near the bar: let near-identical words count, among the words the
    // two do not share exactly.
    // Only the side that is searched needs sorting.
    unshared(
        (ta, fa.words),
        (tb, fb.words),
        &mut s.a_words,
        &mut s.b_words,
    );
    s.b_words.sort_unstable_by_key(|w| w.0);
    let mut soft = 0.0f64;
    for &(kx, sx, wx) in &s.a_words {
        // Jaro-Winkler of 0.9 or more needs a shared start and lengths
        // within a few letters of each other in all but freak cases: only
        // those stems (found by their keys) are compared.
        let from = s.b_words.partition_point(|w| w.0 < kx.saturating_sub(2));
        let mut best: Option<(f64, f32)> = None;
        for &(ky, sy, wy) in &s.b_words[from..] {
            if ky > kx + 2 {
                break;
            }
            let (Some(x), Some(y)) = (stem_text(ta, sx, &mut s.x), stem_text(tb, sy, &mut s.y))
            else {
                continue;
            };
            let sim = strsim::jaro_winkler(x, y);
            if best.is_none_or(|(b, _)| sim >= b) {
                best = Some((sim, wy));
            }
        }
        if let Some((sim, wy)) = best {
            if sim >= 0.9 {
                soft += sim * f64::from(wx + wy) / 2.0;
            }
        }
    }
    (2.0 * (shared + soft) / total).min(1.0)
}

/// Below this share of the bar, exact sharing is too far off for
/// near-identical words to make up the rest ([`similarity`]).
const NEAR: f64 = 0.75;

/// Linked pairs of event indexes.
type Pairs = Vec<(u32, u32)>;

/// Union-find over event indexes.
struct Sets(Vec<u32>);
impl Sets {
    fn find(&mut self, mut x: u32) -> u32 {
        while self.0[x as usize] != x {
            let p = self.0[self.0[x as usize] as usize];
            self.0[x as usize] = p;
            x = p;
        }
        x
    }
    fn union(&mut self, a: u32, b: u32) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
            self.0[hi as usize] = lo;
        }
    }
}

/// An event's words as the linker compares them: its content words,
/// weighed, and their total weight.
#[derive(Clone, Copy)]
struct Doc<'a> {
    words: &'a [Word],
    norm: f32,
}

/// What the sweep looks at of one event, packed by position in date
/// order.
struct Slot {
    sig: Sig,
    norm: f32,
    agency: u32,
    group: u8,
    words: bool,
}

/// The events of a stretch of positions in date order as the sweep reads
/// them: their weighed words (one list for the stretch), norms and
/// signatures. Made for each stretch and dropped after it, so that only a
/// few thousand events' words are held at a time.
struct Stretch {
    /// The first position.
    from: usize,
    /// `words[start[k]..start[k + 1]]` are the words at position
    /// `from + k`.
    words: Vec<Word>,
    start: Vec<u32>,
    slots: Vec<Slot>,
}

impl Stretch {
    /// The events at positions `from..to` of `sweep.order`, their words
    /// not weighed yet ([`Stretch::weigh`]). `words` is a spare list to
    /// fill.
    fn read(
        sweep: &Sweep,
        from: usize,
        to: usize,
        s: &mut WordScratch,
        mut words: Vec<Word>,
    ) -> Stretch {
        words.clear();
        let mut start = Vec::with_capacity(to - from + 1);
        let mut slots = Vec::with_capacity(to - from);
        start.push(0);
        for &i in &sweep.order[from..to] {
            let e = &sweep.events[i as usize];
            let at = words.len();
            match sweep.kept {
                Some(kept) => words.extend_from_slice(kept.of(i as usize)),
                None => sweep.matcher.content_words(&e.details, s, &mut words),
            }
            slots.push(Slot {
                sig: [0; SIG_BITS / 64],
                norm: 0.0,
                agency: counted_as(sweep.counted, e.agency) as u32,
                group: type_group(e),
                words: words.len() > at,
            });
            start.push(words.len() as u32);
        }
        Stretch {
            from,
            words,
            start,
            slots,
        }
    }

    /// Weighs the words by `idf`, and sets each event's norm and
    /// signature.
    fn weigh(&mut self, idf: &Idf) {
        for (k, slot) in self.slots.iter_mut().enumerate() {
            let mine = &mut self.words[self.start[k] as usize..self.start[k + 1] as usize];
            for w in mine.iter_mut() {
                w.idf = idf.get(w.token);
            }
            slot.norm = mine.iter().map(|w| w.idf).sum();
            slot.sig = signature(mine);
        }
    }

    /// Counts, per token, the events of the stretch that have it (each
    /// event's words are distinct).
    fn count(&self, df: &mut IdMap<u32>) {
        for w in &self.words {
            *df.entry(Idf::key(w.token)).or_insert(0) += 1;
        }
    }
}

/// What the sweep reads of the events at positions in date order: a
/// stretch ([`Stretch`]), or stretches that follow each other
/// ([`Stretches`]).
trait Positions {
    /// The slot at position `p`.
    fn slot(&self, p: usize) -> &Slot;
    /// The words at position `p`.
    fn doc(&self, p: usize) -> Doc<'_>;
}

impl Positions for Stretch {
    fn slot(&self, p: usize) -> &Slot {
        &self.slots[p - self.from]
    }
    fn doc(&self, p: usize) -> Doc<'_> {
        let k = p - self.from;
        Doc {
            words: &self.words[self.start[k] as usize..self.start[k + 1] as usize],
            norm: self.slots[k].norm,
        }
    }
}

/// Stretches of [`STRETCH`] positions each, from position 0, in order:
/// every event's words, read once.
struct Stretches<'a> {
    parts: &'a [Stretch],
}

/// `p`'s stretch among [`Stretches`] (a shift: the sweep asks for every
/// candidate's).
const STRETCH_SHIFT: u32 = STRETCH.trailing_zeros();
const _: () = assert!(STRETCH.is_power_of_two());

impl Positions for Stretches<'_> {
    fn slot(&self, p: usize) -> &Slot {
        self.parts[p >> STRETCH_SHIFT].slot(p)
    }
    fn doc(&self, p: usize) -> Doc<'_> {
        self.parts[p >> STRETCH_SHIFT].doc(p)
    }
}

/// Positions in date order swept by one task: each task reads its
/// stretch's words (and the day after its last) once.
const STRETCH: usize = 4096;

/// How the linker runs: as [`link`] always does, or, for the tests that
/// show the shortcuts change nothing, without the signature prefilter, or
/// reading every chronology's words a short stretch at a time as it reads
/// a large one's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum How {
    /// The prefilter on; a chronology of up to [`IDF_SAMPLE`] events read
    /// once and kept, a larger one a stretch at a time.
    Default,
    /// Every candidate pair compared.
    WithoutPrefilter,
    /// Every chronology read a stretch of 37 positions at a time.
    Streamed,
}

impl How {
    /// Whether a chronology of `n` exactly dated events has every event's
    /// words read once and kept for the sweep (else a stretch at a time).
    pub(super) fn keeps_words(self, n: usize) -> bool {
        self != How::Streamed && n <= IDF_SAMPLE
    }
}

/// The agency that agency `a` is counted as (`counted`, from
/// [`Chronology::same_agency`](crate::model::Chronology::same_agency)):
/// agencies whose names are so close that they may be one agency are one.
pub(super) fn counted_as(counted: &[usize], a: usize) -> usize {
    counted.get(a).copied().unwrap_or(a)
}

/// The sweep in date order: each event against the events of other
/// agencies that follow it on its day and the next.
struct Sweep<'a> {
    events: &'a [Event],
    counted: &'a [usize],
    matcher: &'a Matcher,
    /// The exactly dated events in date order, and their days.
    order: &'a [u32],
    days: &'a [i32],
    /// The similarity bar ([`EpisodeConfig::link_similarity`]).
    bar: f64,
    /// Candidates compared per event at most
    /// ([`EpisodeConfig::link_candidates`], at least 1).
    cap: usize,
    prefilter: bool,
    /// The events' words, read with their features, when kept
    /// ([`How::keeps_words`]); `None`: read here from their details.
    kept: Option<&'a KeptWords>,
}

impl Sweep<'_> {
    /// Compares the event at position `p` in date order with its
    /// candidates and adds the pairs that link to `out`. `stretch` holds
    /// the words of `p` and of every position after it up to the end of
    /// the next day; `scratch` and `table` are the worker's, reused from
    /// event to event.
    fn candidates(
        &self,
        p: usize,
        stretch: &impl Positions,
        out: &mut Pairs,
        scratch: &mut LinkScratch,
        table: &mut WordTable,
    ) {
        let (events, order, days) = (self.events, self.order, self.days);
        let a = stretch.slot(p);
        if !a.words {
            return;
        }
        let i = order[p] as usize;
        let da = stretch.doc(p);
        // The weight of the words of `i` on each signature bit: the
        // weights on the bits two signatures share bound what the
        // two details can share, without reading the other's words.
        let bw = &mut scratch.bit_weight;
        bw.clear();
        bw.resize(SIG_BITS, 0.0);
        for w in da.words {
            bw[bit(w.token)] += w.idf;
        }
        table.fill(da.words);
        let d = days[p];
        let mut seen = 0;
        for q in p + 1..order.len() {
            if days[q] > d + 1 {
                break;
            }
            let b = stretch.slot(q);
            if b.agency == a.agency || !compatible(a.group, b.group) || !b.words {
                continue;
            }
            seen += 1;
            if seen > self.cap {
                break;
            }
            let both: Sig = std::array::from_fn(|k| a.sig[k] & b.sig[k]);
            if self.prefilter && both.iter().all(|&w| w == 0) {
                continue;
            }
            let j = order[q] as usize;
            // A meeting that two agencies record on the same day at
            // (nearly) the same time is the same meeting unless
            // their accounts have almost nothing in common: each
            // attendee words it their own way ("strategy
            // discussion chaired by…", "strat meeting by Teams…").
            let bar = if same_meeting(&events[i], &events[j], a.group, b.group) {
                self.bar * MEETING_BAR
            } else {
                self.bar
            };
            let mut bound = 0.0f32;
            for (k, &w) in both.iter().enumerate() {
                let mut w = w;
                while w != 0 {
                    bound += scratch.bit_weight[k * 64 + w.trailing_zeros() as usize];
                    w &= w - 1;
                }
            }
            // Near-identical words count only for pairs whose exact
            // sharing reaches NEAR of the bar (see `similarity`),
            // so that is the least a pair must be able to share.
            if self.prefilter && 2.0 * f64::from(bound) / f64::from(a.norm + b.norm) < NEAR * bar {
                continue;
            }
            let sim = similarity(
                (&events[i].details, da),
                (&events[j].details, stretch.doc(q)),
                bar,
                table,
                scratch,
            );
            if sim >= bar {
                out.push((i as u32, j as u32));
            }
        }
    }
}

/// Links the events that report the same thing. Returns, per event, the
/// linked events and, per event, the id of its joint group (the smallest
/// event index in it) when it has links.
///
/// With `prefilter`, pairs that could not link (by their signatures,
/// [`Sig`]) are not compared; without, every candidate pair is (for the
/// test that the prefilter loses no link). Events of agencies counted as
/// one (`counted`, [`counted_as`]) are never linked.
pub(super) fn link(
    chronology: &Chronology,
    matcher: &Matcher,
    order: &[u32],
    days: &[i32],
    config: &EpisodeConfig,
    how: How,
    kept: Option<&KeptWords>,
) -> (JointLinks, Vec<Option<u32>>) {
    let prefilter = how != How::WithoutPrefilter;
    let events = &chronology.events[..];
    let sweep = Sweep {
        events,
        // Agencies whose names are so close that they may be one agency
        // count as one.
        counted: &chronology.same_agency,
        matcher,
        order,
        days,
        bar: config.link_similarity,
        cap: config.link_candidates.max(1),
        prefilter,
        kept,
    };
    let n = order.len();
    let stretch = if how == How::Streamed { 37 } else { STRETCH };
    let starts: Vec<usize> = (0..n).step_by(stretch).collect();
    let step = n.div_ceil(IDF_SAMPLE).max(1);
    let scratch = || {
        (
            LinkScratch::default(),
            WordTable::default(),
            WordScratch::default(),
        )
    };
    let pairs: Vec<Pairs> = if how.keeps_words(n) {
        // Every event is in the weights' sample: each one's words are
        // read once, counted, weighed and kept for the sweep.
        let mut parts: Vec<Stretch> = starts
            .par_iter()
            .map_init(WordScratch::default, |s, &from| {
                Stretch::read(&sweep, from, (from + stretch).min(n), s, Vec::new())
            })
            .collect();
        let df = parts
            .par_iter()
            .fold(IdMap::default, |mut df, p| {
                p.count(&mut df);
                df
            })
            .reduce(IdMap::default, add_counts);
        let idf = Idf::from_counts(df, n);
        parts.par_iter_mut().for_each(|p| p.weigh(&idf));
        let all = Stretches { parts: &parts };
        starts
            .par_iter()
            .map_init(scratch, |(link, table, _), &from| {
                let mut out = Vec::new();
                for p in from..(from + stretch).min(n) {
                    sweep.candidates(p, &all, &mut out, link, table);
                }
                out
            })
            .collect()
    } else {
        // A large chronology: the weights from a sample, then each
        // stretch's words read, weighed, swept and dropped, so that only
        // a few thousand events' words are held at a time.
        let idf = Idf::sampled(events, order, step, matcher);
        starts
            .par_iter()
            .map_init(
                || (scratch(), Vec::new()),
                |((link, table, ws), spare), &from| {
                    let to = (from + stretch).min(n);
                    // Candidates run to the end of the day after the last
                    // event's day.
                    let last = days[to - 1];
                    let end = to + days[to..].partition_point(|&d| d <= last + 1);
                    let mut stretch = Stretch::read(&sweep, from, end, ws, std::mem::take(spare));
                    stretch.weigh(&idf);
                    let mut out = Vec::new();
                    for p in from..to {
                        sweep.candidates(p, &stretch, &mut out, link, table);
                    }
                    *spare = stretch.words;
                    out
                },
            )
            .collect()
    };
    join_groups(events, sweep.counted, &pairs)
}

/// The links of the linked `pairs` (both ways) and each linked event's
/// joint group (the smallest event index in it); in a small group
/// (3 to 16 events), everyone is linked to every other agency's report
/// within a day.
fn join_groups(
    events: &[Event],
    counted: &[usize],
    pairs: &[Pairs],
) -> (JointLinks, Vec<Option<u32>>) {
    let n = events.len();
    let mut sets = Sets((0..n as u32).collect());
    for &(a, b) in pairs.iter().flatten() {
        sets.union(a, b);
    }
    // Each linked event's group: the smallest event index in it.
    let mut group_of: Vec<Option<u32>> = vec![None; n];
    for &(a, b) in pairs.iter().flatten() {
        group_of[a as usize] = Some(a);
        group_of[b as usize] = Some(b);
    }
    let mut size = vec![0u32; n];
    for (i, g) in group_of.iter_mut().enumerate() {
        if g.is_some() {
            let r = sets.find(i as u32);
            *g = Some(r);
            size[r as usize] += 1;
        }
    }
    // Close small groups: everyone in a group of the same incident is
    // linked to every other agency's report within a day.
    let mut members: HashMap<u32, Vec<u32>> = HashMap::new();
    for (i, g) in group_of.iter().enumerate() {
        if let Some(r) = *g {
            if (3..=16).contains(&size[r as usize]) {
                members.entry(r).or_default().push(i as u32);
            }
        }
    }
    drop(size);
    let links = JointLinks::from_pairs(n, |put| {
        for &(a, b) in pairs.iter().flatten() {
            put(a, b);
            put(b, a);
        }
        for list in members.values() {
            for &a in list {
                for &b in list {
                    let (ea, eb) = (&events[a as usize], &events[b as usize]);
                    if a != b
                        && counted_as(counted, ea.agency) != counted_as(counted, eb.agency)
                        && (ea.date.start - eb.date.start).num_days().abs() <= 1
                    {
                        put(a, b);
                    }
                }
            }
        }
    });
    (links, group_of)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pairs in any order, with repeats, become each event's sorted,
    /// distinct links; events past the last pair have none.
    #[test]
    fn joint_links_from_unsorted_pairs() {
        let pairs = [(3, 1), (1, 3), (1, 0), (3, 1), (0, 1), (1, 2)];
        let links = JointLinks::from_pairs(5, |put| {
            for &(a, b) in &pairs {
                put(a, b);
            }
        });
        let lists: Vec<&[u32]> = links.iter().collect();
        assert_eq!(lists, [&[1][..], &[0, 2, 3], &[], &[1], &[]]);
        assert_eq!(links.linked_events(), 3);
        assert_eq!(
            serde_json::to_string(&links).unwrap(),
            "[[1],[0,2,3],[],[1],[]]"
        );
        assert!(JointLinks::from_pairs(0, |_| {}).is_empty());
    }
}
