//! Text: tokens and their hashes, a light stemmer, and the content words
//! of an event's details (one [`Word`] record each) with the table
//! ([`WordTable`]) that looks a candidate's words up for the linker.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// FNV-1a, enough for short tokens.
pub(super) fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(FNV_START, |h, &b| fnv_add(h, b))
}

/// [`fnv`] of no bytes.
pub(super) const FNV_START: u64 = 0xcbf2_9ce4_8422_2325;

/// [`fnv`] of some bytes and then `b`, from [`fnv`] of those bytes.
pub(super) fn fnv_add(h: u64, b: u8) -> u64 {
    (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
}

/// A hasher for keys that are already hashes.
#[derive(Default)]
pub(super) struct IdHasher(u64);
impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ b as u64;
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}
pub(super) type IdMap<V> = HashMap<u64, V, BuildHasherDefault<IdHasher>>;

/// A content word of the details, for joint-event linking: the top 32
/// bits of its stem's hash. The top bits, not a fold of the two halves:
/// tokens then sort as their 64-bit hashes do, so weights are summed in
/// the same order and pairs land on the same side of the similarity bar
/// (a fold changed the order, and the generated benchmark linked 7 more
/// pairs wrongly in 1,480). Two different stems share a token once in
/// about 4 billion pairs of stems; such a pair counts as one shared word.
/// Half the size of the whole hash, on the 14 million words of a review of
/// 500,000 events. Never 0, which marks an empty place in a [`WordTable`].
pub(super) type Token = u32;

pub(super) fn token(bytes: &[u8]) -> Token {
    token_of(fnv(bytes))
}

/// The [`token`] of bytes whose [`fnv`] is `h`.
fn token_of(h: u64) -> Token {
    ((h >> 32) as Token).max(1)
}

/// Splits text into lowercase word tokens (ASCII letters and digits;
/// other non-ASCII characters are kept inside words) written into `buf`,
/// returning their ranges.
pub(super) fn tokenize(text: &str, buf: &mut Vec<u8>, out: &mut Vec<(u32, u32)>) {
    buf.clear();
    out.clear();
    buf.extend_from_slice(text.as_bytes());
    buf.make_ascii_lowercase();
    let n = buf.len();
    let mut i = 0;
    while i < n {
        while i < n && !WORD[buf[i] as usize] {
            i += 1;
        }
        let s = i;
        while i < n && WORD[buf[i] as usize] {
            i += 1;
        }
        if i > s {
            out.push((s as u32, i as u32));
        }
    }
}

/// Bytes that belong to words: ASCII letters and digits, and every byte of
/// a non-ASCII character.
const WORD: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || c >= 0x80;
        b += 1;
    }
    t
};

const STOPWORDS: [&str; 40] = [
    "the",
    "and",
    "of",
    "to",
    "in",
    "on",
    "at",
    "for",
    "with",
    "by",
    "was",
    "were",
    "is",
    "be",
    "been",
    "has",
    "had",
    "her",
    "his",
    "she",
    "he",
    "they",
    "from",
    "re",
    "that",
    "this",
    "as",
    "an",
    "it",
    "who",
    "which",
    "are",
    "per",
    "after",
    "also",
    "about",
    "regarding",
    "there",
    "their",
    "then",
];

/// The [`fnv`] hashes of the [`STOPWORDS`], which are not content words.
pub(super) fn stop_words() -> IdMap<()> {
    let mut stop = IdMap::default();
    for w in STOPWORDS {
        stop.insert(fnv(w.as_bytes()), ());
    }
    stop
}

/// A light English stemmer, enough to make `bruise`, `bruised`,
/// `bruising` and `bruises` one token, and `enquiry` and `enquiries`.
/// (`s47` is read as `section 47`.)
pub(super) fn stem(w: &[u8]) -> &[u8] {
    let mut w = w;
    if w.len() > 4 && w.ends_with(b"ies") {
        return &w[..w.len() - 3];
    }
    if w.len() > 4 && w.ends_with(b"y") {
        return &w[..w.len() - 1];
    }
    for suf in [&b"ing"[..], b"ed", b"es", b"s"] {
        if w.len() > suf.len() + 3 && w.ends_with(suf) {
            w = &w[..w.len() - suf.len()];
            break;
        }
    }
    if w.len() > 4 && w.ends_with(b"e") {
        w = &w[..w.len() - 1];
    }
    w
}

/// One content word of an event's details.
#[derive(Debug, Clone, Copy)]
pub(super) struct Word {
    /// Hash of the stemmed word ([`token`]).
    pub(super) token: Token,
    /// Where the stem is in the (lowercased) details, for
    /// near-identical-word matching ([`span_of`]); 0 for none.
    pub(super) span: u32,
    /// Weight of the word ([`Idf`](super::link::Idf)).
    pub(super) idf: f32,
}

/// The stemmed content words of a tokenized text ([`tokenize`]) for
/// joint-event linking: words of two letters or more that are not stop
/// words ([`stop_words`]), `s47` read as `section 47`, each token once,
/// sorted by token, their weights still 0, appended to `out`. `pairs` is
/// scratch.
pub(super) fn content_words(
    buf: &[u8],
    toks: &[(u32, u32)],
    stop: &IdMap<()>,
    pairs: &mut Vec<(Token, u32)>,
    out: &mut Vec<Word>,
) {
    pairs.clear();
    for &(a, z) in toks {
        let w = &buf[a as usize..z as usize];
        if w.len() < 2 {
            continue;
        }
        let h = fnv(w);
        if stop.contains_key(&h) {
            continue;
        }
        if w == b"s47" {
            pairs.push((token(b"section"), 0));
            pairs.push((token(b"47"), 0));
            continue;
        }
        let st = stem(w);
        // An unchanged word's token is from the hash just made.
        let t = if st.len() == w.len() {
            token_of(h)
        } else {
            token(st)
        };
        pairs.push((t, span_of(a, st.len())));
    }
    // By hash, the first place a word occurs first among its repeats.
    pairs.sort_unstable();
    pairs.dedup_by_key(|p| p.0);
    out.extend(pairs.iter().map(|&(token, span)| Word {
        token,
        span,
        idf: 0.0,
    }));
}

/// Sum of the weights (`a`'s) of the tokens two word lists, sorted by
/// token, share.
pub(super) fn common(a: &[Word], b: &[Word]) -> f32 {
    // Branch-free merge: which side moves on is data, not a jump the CPU
    // has to guess (the lists interleave at random).
    let (mut i, mut j, mut n) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        let (x, y) = (a[i].token, b[j].token);
        if x == y {
            n += a[i].idf;
        }
        i += usize::from(x <= y);
        j += usize::from(y <= x);
    }
    n
}

/// A stem's place in the details packed into 32 bits (offset in the low
/// 24 bits, length in the high 8) for near-identical-word matching, which
/// looks only at stems of four letters or more; 0 for none (a shorter stem,
/// one longer than 255 bytes or one past the first 16 MB of the text). A
/// stem is always a prefix of its word, and lowercasing keeps byte offsets,
/// so the details themselves hold its text: nothing is copied.
pub(super) fn span_of(start: u32, len: usize) -> u32 {
    if (4..=255).contains(&len) && start < 1 << 24 {
        start | (len as u32) << 24
    } else {
        0
    }
}

/// The stem a [`span_of`] value points at, lowercased into `out`.
pub(super) fn stem_text<'o>(text: &str, span: u32, out: &'o mut String) -> Option<&'o str> {
    let (a, n) = ((span & 0xFF_FFFF) as usize, (span >> 24) as usize);
    let w = text.get(a..a + n)?;
    out.clear();
    out.push_str(w);
    out.make_ascii_lowercase();
    Some(out.as_str())
}

/// The tokens of one event, for asking whether each of another's words is
/// among them: a candidate's words are then looked up independently of
/// each other, where a merge of the two sorted lists waits at every step
/// on the comparison before (half the linker's time on a dense review).
/// Two places for each of [`WordTable::BUCKETS`] buckets, chosen by a
/// token's top bits; an event with three tokens in one bucket (about one
/// in a hundred of 60 words) does not fit, and its pairs are merged as
/// before.
pub(super) struct WordTable {
    /// `[Token; 2]` per bucket; 0 = empty.
    slots: Vec<[Token; 2]>,
    /// The buckets in use, to empty them for the next event.
    used: Vec<usize>,
    /// All of the event's tokens are in the table.
    fits: bool,
}

impl Default for WordTable {
    fn default() -> Self {
        WordTable {
            slots: vec![[0; 2]; Self::BUCKETS],
            used: Vec::new(),
            fits: false,
        }
    }
}

impl WordTable {
    /// 2,048 buckets of two 4-byte tokens: 16 KB, within the first-level
    /// cache.
    const BUCKETS: usize = 2048;

    fn bucket(t: Token) -> usize {
        (t >> (Token::BITS - Self::BUCKETS.trailing_zeros())) as usize
    }

    /// Holds `words` from now on (and nothing else).
    pub(super) fn fill(&mut self, words: &[Word]) {
        for &b in &self.used {
            self.slots[b] = [0; 2];
        }
        self.used.clear();
        self.fits = true;
        for w in words {
            let b = Self::bucket(w.token);
            let slot = &mut self.slots[b];
            if slot[0] == 0 {
                slot[0] = w.token;
                self.used.push(b);
            } else if slot[1] == 0 {
                slot[1] = w.token;
            } else {
                self.fits = false;
            }
        }
    }

    /// [`common`] of the table's words and `b`, when they fit: the weights
    /// of `b`'s words that are in the table, added in token order, as the
    /// merge adds them (a token weighs the same in every event), so the
    /// sum is the same to the bit.
    pub(super) fn common(&self, a: &[Word], b: &[Word]) -> f32 {
        if !self.fits {
            return common(a, b);
        }
        // The weights of the shared words are gathered without a branch
        // (each written, kept only when shared), then added: adding the
        // unshared words' zeros as well would leave the sum the same but
        // make every word wait on the addition before it.
        let mut n = 0.0;
        let mut shared = [0.0f32; 64];
        for chunk in b.chunks(shared.len()) {
            let mut k = 0;
            for w in chunk {
                let [x, y] = self.slots[Self::bucket(w.token)];
                shared[k] = w.idf;
                k += usize::from((x == w.token) | (y == w.token));
            }
            for &v in &shared[..k] {
                n += v;
            }
        }
        n
    }
}

/// A fixed stream of pseudo-random numbers (xorshift), for the module's
/// tests that need many varied inputs, the same on every run.
#[cfg(test)]
pub(super) fn xorshift() -> impl FnMut() -> u64 {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table gives the merge's sum to the bit, for events that fit
    /// and (by falling back to the merge) for those that do not.
    #[test]
    fn word_table_sums_as_the_merge_does() {
        let mut next = xorshift();
        let mut table = WordTable::default();
        let (mut fitted, mut spilled) = (0, 0);
        for round in 0..2000 {
            // Few distinct tokens, so pairs share many; sometimes crowded
            // into a few buckets, so some events do not fit.
            let spread = if round % 3 == 0 { 4 } else { 4095 };
            let mut list = |len: usize| {
                let mut w: Vec<Word> = (0..len)
                    .map(|_| {
                        let t = ((next() % spread) as Token + 1) << 20 | (next() % 3) as Token;
                        Word {
                            token: t,
                            span: 0,
                            idf: 1.0 + (t % 97) as f32 / 7.0,
                        }
                    })
                    .collect();
                w.sort_unstable_by_key(|w| w.token);
                w.dedup_by_key(|w| w.token);
                w
            };
            let a = list(1 + round % 70);
            let b = list(1 + round % 53);
            table.fill(&a);
            if table.fits {
                fitted += 1;
            } else {
                spilled += 1;
            }
            assert_eq!(
                table.common(&a, &b).to_bits(),
                common(&a, &b).to_bits(),
                "round {round}"
            );
        }
        assert!(
            fitted > 100 && spilled > 100,
            "{fitted} fitted, {spilled} spilled"
        );
    }
}
