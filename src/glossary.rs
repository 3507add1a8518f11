//! Anonymising glossary: replace real names and places with the words the
//! review uses for them (`Jane Smith` → `Mother`) on the way out, so the
//! merged workbook can be shared beyond the review team. The returns
//! themselves are never changed.
//!
//! The glossary is a two-column CSV: real text, replacement. A first row
//! whose second cell is `replacement` (or `replace with`) is a heading and
//! is skipped, as are blank lines and lines starting with `#`. Matching is
//! on whole words and ignores case; where two entries overlap the longer
//! one wins (`Jane Smith` before `Jane`). One automaton matches every
//! entry at once, so the cost per cell is one pass over its text.
//!
//! ```
//! use chronomerge::glossary::Glossary;
//! let g = Glossary::from_pairs([("Jane Smith", "Mother"), ("Jane", "Mother"), ("Tom", "Child A")]).unwrap();
//! let (out, n) = g.replace("JANE SMITH took Tom to the GP; Tomas stayed home.");
//! assert_eq!(out, "Mother took Child A to the GP; Tomas stayed home.");
//! assert_eq!(n, 2);
//! ```

use std::borrow::Cow;
use std::path::Path;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

/// Why a glossary cannot be used. The message says which file and line to
/// fix.
#[derive(Debug, thiserror::Error)]
pub enum GlossaryError {
    /// An entry has no real text to replace.
    #[error("entry {entry} has no real text to replace")]
    EmptyEntry {
        /// The entry, from 1.
        entry: usize,
    },
    /// The matcher could not be built from the entries.
    #[error("the glossary cannot be used: {0}")]
    Matcher(#[from] aho_corasick::BuildError),
    /// The bytes are not CSV.
    #[error("it is not readable CSV ({0})")]
    NotCsv(#[from] csv::Error),
    /// A line has no real text in its first column.
    #[error("line {line} has no real text in the first column: write `real text,replacement`")]
    NoRealText {
        /// The line, from 1.
        line: u64,
    },
    /// A line has no replacement.
    #[error("line {line} has no replacement: write `{real},<replacement>`")]
    NoReplacement {
        /// The line, from 1.
        line: u64,
        /// Its real text.
        real: String,
    },
    /// The glossary file cannot be read.
    #[error("the glossary {} cannot be read ({source})", path.display())]
    Read {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The glossary file's content cannot be used.
    #[error("the glossary {}: {source}", path.display())]
    InFile {
        /// The file.
        path: std::path::PathBuf,
        /// What is wrong in it.
        source: Box<GlossaryError>,
    },
}

/// A loaded glossary: one matcher over every entry.
#[derive(Debug, Clone)]
pub struct Glossary {
    matcher: AhoCorasick,
    /// For each pattern of the matcher, the entry it stands for.
    entry_of: Vec<usize>,
    /// The entries: real text, replacement.
    entries: Vec<(String, String)>,
}

impl Glossary {
    /// Builds a glossary from (real text, replacement) pairs. Empty real
    /// text is an error.
    ///
    /// # Errors
    ///
    /// [`GlossaryError::EmptyEntry`] for an entry with no real text.
    pub fn from_pairs<I, A, B>(pairs: I) -> Result<Glossary, GlossaryError>
    where
        I: IntoIterator<Item = (A, B)>,
        A: Into<String>,
        B: Into<String>,
    {
        let mut entries: Vec<(String, String)> = Vec::new();
        for (i, (real, repl)) in pairs.into_iter().enumerate() {
            let real: String = real.into();
            let real = real.trim().to_string();
            if real.is_empty() {
                return Err(GlossaryError::EmptyEntry { entry: i + 1 });
            }
            entries.push((real, repl.into().trim().to_string()));
        }
        // The matcher is ASCII case-insensitive; add the lower, upper and
        // as-written forms so that names with accents (`Zoë`, `ZOË`) match
        // in the usual casings too.
        let mut patterns: Vec<String> = Vec::with_capacity(entries.len() * 3);
        let mut entry_of = Vec::with_capacity(entries.len() * 3);
        for (i, (real, _)) in entries.iter().enumerate() {
            let forms = [real.clone(), real.to_lowercase(), real.to_uppercase()];
            for (k, f) in forms.iter().enumerate() {
                if k > 0 && (f.is_ascii() || forms[..k].contains(f)) {
                    continue;
                }
                patterns.push(f.clone());
                entry_of.push(i);
            }
        }
        let matcher = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .ascii_case_insensitive(true)
            .build(&patterns)?;
        Ok(Glossary {
            matcher,
            entry_of,
            entries,
        })
    }

    /// Reads a glossary CSV (UTF-8, with or without a byte order mark, or
    /// Windows-1252). The error says which line to fix.
    ///
    /// # Errors
    ///
    /// [`GlossaryError::Read`] when the file cannot be read,
    /// [`GlossaryError::InFile`] when its content cannot be used.
    pub fn load(path: &Path) -> Result<Glossary, GlossaryError> {
        let bytes = std::fs::read(path).map_err(|source| GlossaryError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Glossary::parse(&bytes).map_err(|e| GlossaryError::InFile {
            path: path.to_path_buf(),
            source: Box::new(e),
        })
    }

    /// Parses glossary CSV bytes (see the module docs).
    ///
    /// ```
    /// let g = chronomerge::glossary::Glossary::parse(b"real text,replacement\nJane Smith,Mother\n").unwrap();
    /// assert_eq!(g.len(), 1);
    /// ```
    ///
    /// # Errors
    ///
    /// A [`GlossaryError`] naming the line to fix: not CSV, no real text,
    /// no replacement.
    pub fn parse(bytes: &[u8]) -> Result<Glossary, GlossaryError> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let text = match std::str::from_utf8(bytes) {
            Ok(s) => Cow::Borrowed(s),
            Err(_) => encoding_rs::WINDOWS_1252.decode(bytes).0,
        };
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .comment(Some(b'#'))
            .from_reader(text.as_bytes());
        let mut pairs = Vec::new();
        for (i, rec) in rdr.records().enumerate() {
            let rec = rec?;
            let line = rec.position().map(|p| p.line()).unwrap_or(i as u64 + 1);
            if rec.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            let real = rec.get(0).unwrap_or("").trim();
            let repl = rec.get(1).map(str::trim);
            if pairs.is_empty() && i == 0 {
                let second = repl.unwrap_or("").to_lowercase();
                if matches!(
                    second.as_str(),
                    "replacement" | "replace with" | "replacement text"
                ) {
                    continue;
                }
            }
            if real.is_empty() {
                return Err(GlossaryError::NoRealText { line });
            }
            let Some(repl) = repl else {
                return Err(GlossaryError::NoReplacement {
                    line,
                    real: real.to_string(),
                });
            };
            pairs.push((real.to_string(), repl.to_string()));
        }
        Glossary::from_pairs(pairs)
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when the glossary has no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The text with every whole-word occurrence of an entry replaced, and
    /// the number of replacements. Borrows the input when nothing matched,
    /// so a cell without names costs no allocation.
    pub fn replace<'a>(&self, text: &'a str) -> (Cow<'a, str>, usize) {
        if self.entries.is_empty() || text.is_empty() {
            return (Cow::Borrowed(text), 0);
        }
        let mut found: Vec<(usize, usize, usize)> = Vec::new();
        for m in self.matcher.find_overlapping_iter(text) {
            let (s, e) = (m.start(), m.end());
            if !text.is_char_boundary(s) || !text.is_char_boundary(e) {
                continue;
            }
            if is_whole_word(text, s, e) {
                found.push((s, e, self.entry_of[m.pattern().as_usize()]));
            }
        }
        if found.is_empty() {
            return (Cow::Borrowed(text), 0);
        }
        // Leftmost first, then longest; keep those that do not overlap.
        found.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        let mut n = 0;
        for (s, e, entry) in found {
            if s < at {
                continue;
            }
            out.push_str(&text[at..s]);
            out.push_str(&self.entries[entry].1);
            at = e;
            n += 1;
        }
        out.push_str(&text[at..]);
        (Cow::Owned(out), n)
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// True when `text[s..e]` is not part of a longer word: where the match
/// starts (ends) with a word character, the character before (after) it is
/// not one.
fn is_whole_word(text: &str, s: usize, e: usize) -> bool {
    let m = &text[s..e];
    let starts_word = m.chars().next().is_some_and(is_word_char);
    let ends_word = m.chars().next_back().is_some_and(is_word_char);
    let before_ok = !starts_word || !text[..s].chars().next_back().is_some_and(is_word_char);
    let after_ok = !ends_word || !text[e..].chars().next().is_some_and(is_word_char);
    before_ok && after_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(pairs: &[(&str, &str)]) -> Glossary {
        Glossary::from_pairs(pairs.iter().copied()).unwrap()
    }

    #[test]
    fn whole_words_only_any_case() {
        let g = g(&[("Ann", "Mother")]);
        assert_eq!(g.replace("ann, Ann and ANN").0, "Mother, Mother and Mother");
        assert_eq!(g.replace("Annabel and Joann").1, 0);
        assert_eq!(g.replace("Ann's flat").0, "Mother's flat");
        assert_eq!(g.replace("(Ann)").0, "(Mother)");
    }

    #[test]
    fn longest_entry_wins_and_shorter_one_still_applies_when_longer_fails() {
        let g = g(&[("Smith", "the family"), ("Smith J", "Father")]);
        assert_eq!(g.replace("Smith J said").0, "Father said");
        // "Smith J" is not a whole word in "Smith Jr": "Smith" still is.
        assert_eq!(g.replace("Smith Jr said").0, "the family Jr said");
    }

    #[test]
    fn accented_names_in_usual_casings() {
        let g = g(&[("Zoë", "Child B")]);
        assert_eq!(g.replace("ZOË and zoë and Zoë").1, 3);
        assert_eq!(g.replace("Zoëy").1, 0);
    }

    #[test]
    fn no_match_borrows() {
        let g = g(&[("Jane", "Mother")]);
        assert!(matches!(g.replace("nothing here").0, Cow::Borrowed(_)));
    }

    #[test]
    fn parses_csv_with_heading_and_reports_bad_lines() {
        let g = Glossary::parse(
            "Real text,Replacement\n\n# a comment\n\"Smith, Jane\",Mother\nOakfield Road,the family home\n"
                .as_bytes(),
        )
        .unwrap();
        assert_eq!(g.len(), 2);
        assert_eq!(
            g.replace("lives at 4 oakfield road").0,
            "lives at 4 the family home"
        );
        let e = Glossary::parse(b"Jane,Mother\nTom\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 2"), "{e}");
        let e = Glossary::parse(b"Jane,Mother\n,Child\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 2"), "{e}");
        // Windows-1252.
        let g = Glossary::parse(b"Ren\xe9e,Mother\n").unwrap();
        assert_eq!(g.replace("Renée came").0, "Mother came");
    }
}
