//! Cells: how text goes into them (the engine's own words with [`label`],
//! the returns' text through [`Input`], anonymised when asked), how long
//! text is split across cells ([`split_for_cells`]) and how tall a row must
//! be to show its wrapped text ([`wrap_lines`], [`row_lines`],
//! [`fit_row`]).

use std::borrow::Cow;

use chrono::{NaiveDate, NaiveTime};
use rust_xlsxwriter::{Format, Worksheet, XlsxError};

use crate::dates::datetime_to_serial;
use crate::glossary::Glossary;

/// Points per line of 11-point Calibri.
pub(super) const LINE_PT: f64 = 15.0;
/// Excel's tallest row, in points.
pub(super) const MAX_ROW_PT: f64 = 409.0;

/// How many lines `text` takes when wrapped in a column `width` characters
/// wide (Excel's width unit: one `0` of the default font). Words are
/// wrapped greedily by characters; average prose is a little narrower than
/// `0`, so the estimate errs towards one line too many, never too few.
///
/// ```
/// use chronomerge::write::wrap_lines;
/// assert_eq!(wrap_lines("", 10.0), 1);
/// assert_eq!(wrap_lines("short", 10.0), 1);
/// assert_eq!(wrap_lines("one\ntwo\nthree", 30.0), 3);
/// assert!(wrap_lines(&"word ".repeat(100), 20.0) >= 20);
/// ```
pub fn wrap_lines(text: &str, width: f64) -> u32 {
    let cap = (((width * 7.0 + 5.0) / 6.0) as usize).max(1);
    // Most cells fit on one line: no need to look at their words.
    if text.len() <= cap && !text.as_bytes().contains(&b'\n') {
        return 1;
    }
    let mut lines = 0u32;
    for para in text.split('\n') {
        let b = para.as_bytes();
        let n = if para.is_ascii() {
            if is_plain_prose(b) {
                prose_lines(b, cap)
            } else {
                para_lines(ascii_words(b), cap)
            }
        } else {
            para_lines(para.split_whitespace().map(|w| w.chars().count()), cap)
        };
        lines = lines.saturating_add(n);
        if lines as f64 * LINE_PT > MAX_ROW_PT {
            break;
        }
    }
    lines.max(1)
}

/// The lengths of the words of ASCII text (split at the ASCII spaces
/// `char::is_whitespace` knows: space, tab, line feed, vertical tab, form
/// feed, carriage return).
fn ascii_words(b: &[u8]) -> impl Iterator<Item = usize> + '_ {
    let space = |c: u8| c == b' ' || (b'\t'..=b'\r').contains(&c);
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < b.len() && space(b[i]) {
            i += 1;
        }
        let start = i;
        while i < b.len() && !space(b[i]) {
            i += 1;
        }
        (i > start).then_some(i - start)
    })
}

/// True when ASCII text is words separated by single spaces: not empty,
/// no other white space, no space first, last or next to another. Most
/// prose is, and [`prose_lines`] then counts its lines without reading
/// every byte.
fn is_plain_prose(b: &[u8]) -> bool {
    !b.is_empty()
        && b[0] != b' '
        && b[b.len() - 1] != b' '
        && memchr::memchr3(b'\t', b'\r', 0x0b, b).is_none()
        && memchr::memchr(0x0c, b).is_none()
        && memchr::memmem::find(b, b"  ").is_none()
}

/// The lines of a paragraph of plain prose ([`is_plain_prose`]) wrapped
/// greedily at `cap`, as [`para_lines`] counts them, found by jumping a
/// line at a time: the line starting at `p` ends at the last space at or
/// before `p + cap`, and only the bytes of the word that does not fit are
/// read. A word longer than a line fills whole lines and its tail starts
/// the next.
fn prose_lines(b: &[u8], cap: usize) -> u32 {
    let mut n = 1u32;
    let mut p = 0usize;
    while b.len() - p > cap {
        let end = p + cap;
        if b[end] == b' ' {
            p = end + 1;
            n += 1;
        } else if let Some(i) = memchr::memrchr(b' ', &b[p + 1..end]) {
            p += i + 2;
            n += 1;
        } else {
            // The word at `p` is longer than a line: its full lines, then
            // its tail (1..=cap bytes) on the line the next words join.
            let e = memchr::memchr(b' ', &b[end..]).map_or(b.len(), |i| end + i);
            let full = (e - p - 1) / cap;
            n += full as u32;
            p += full * cap;
        }
    }
    n
}

/// The lines of one paragraph, given the lengths of its words (empty
/// lengths, from runs of spaces, are skipped), wrapped greedily at `cap`.
fn para_lines(words: impl Iterator<Item = usize>, cap: usize) -> u32 {
    let mut n = 1u32;
    let mut used = 0usize;
    for len in words.filter(|&l| l > 0) {
        if used > 0 && used + 1 + len <= cap {
            used += 1 + len;
            continue;
        }
        if used > 0 {
            n += 1;
        }
        // A word longer than a line breaks across lines.
        n += ((len - 1) / cap) as u32;
        used = len - (len - 1) / cap * cap;
    }
    n
}

/// Sets the height of a row to show every line of its wrapped cells
/// (LibreOffice does not fit rows when it opens a workbook, and printing
/// needs the height).
pub(super) fn fit_row(ws: &mut Worksheet, row: u32, lines: u32) -> Result<(), XlsxError> {
    if lines > 1 {
        ws.set_row_height(row, (lines as f64 * LINE_PT).min(MAX_ROW_PT))?;
    }
    Ok(())
}

/// The lines a row needs: the most of any of its (text, width) cells.
pub(super) fn row_lines<'t>(cells: impl IntoIterator<Item = (&'t str, f64)>) -> u32 {
    cells
        .into_iter()
        .filter(|(t, _)| !t.is_empty())
        .map(|(t, w)| wrap_lines(t, w))
        .max()
        .unwrap_or(1)
}

/// The most UTF-16 units [`split_for_cells`] puts in one cell: Excel counts
/// UTF-16 units, and parts stay well inside its limit.
pub(super) const PART: usize = 32_000;

/// Text safe to hand to the writer: an empty string stays empty, and a
/// string over Excel's cell limit is split into parts (see
/// [`split_for_cells`]).
///
/// ```
/// let long = "x".repeat(70_000);
/// let parts = chronomerge::write::split_for_cells(&long);
/// assert_eq!(parts.len(), 3);
/// assert!(parts.iter().all(|p| p.chars().count() <= chronomerge::write::CELL_LIMIT));
/// assert_eq!(parts.concat(), long);
/// ```
pub fn split_for_cells(text: &str) -> Vec<&str> {
    if text.len() <= PART {
        return vec![text];
    }
    let mut parts = Vec::new();
    let mut start = 0;
    let mut count = 0;
    for (i, ch) in text.char_indices() {
        if count == PART {
            parts.push(&text[start..i]);
            start = i;
            count = 0;
        }
        count += ch.len_utf16();
    }
    parts.push(&text[start..]);
    parts
}

/// Writes a string cell of the engine's own words. Text that looks like a
/// formula stays text: the writer never parses strings.
pub(crate) fn label(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    s: &str,
    f: &Format,
) -> Result<(), XlsxError> {
    if s.is_empty() {
        ws.write_blank(row, col, f)?;
    } else {
        ws.write_string_with_format(row, col, within_cell_limit(s).into_owned(), f)?;
    }
    Ok(())
}

/// Excel's limit on the characters of one cell.
const CELL_LIMIT: usize = 32_767;

/// The text as one cell can hold it: whole when it fits Excel's limit of
/// 32,767 characters, else cut there with a note saying where the rest is
/// (an engine-made list, such as the references of a long period, can
/// outgrow a cell; the JSON has it all). Text from the returns never gets
/// here uncut: the Chronology splits a long cell over continuation rows.
pub(crate) fn within_cell_limit(s: &str) -> Cow<'_, str> {
    const NOTE: &str = " … (cut at Excel's limit of 32,767 characters: the JSON has all of it)";
    if s.len() <= CELL_LIMIT || s.chars().count() <= CELL_LIMIT {
        return Cow::Borrowed(s);
    }
    let keep = CELL_LIMIT - NOTE.chars().count();
    let cut = s.char_indices().nth(keep).map_or(s.len(), |(i, _)| i);
    Cow::Owned(format!("{}{NOTE}", &s[..cut]))
}

/// Writes text that came from the returns: always as a plain string, and
/// anonymised when there is a glossary (counting the replacements).
pub(super) struct Input<'g> {
    /// The glossary, if anonymising.
    pub(super) glossary: Option<&'g Glossary>,
    /// The replacements made so far.
    pub(super) replacements: usize,
}

impl<'g> Input<'g> {
    /// Text from the returns, anonymised with `glossary` when given.
    pub(super) fn new(glossary: Option<&'g Glossary>) -> Input<'g> {
        Input {
            glossary,
            replacements: 0,
        }
    }

    /// The text as it goes out.
    pub(super) fn clean<'s>(&mut self, s: &'s str) -> Cow<'s, str> {
        match self.glossary {
            None => Cow::Borrowed(s),
            Some(g) => {
                let (out, n) = g.replace(s);
                self.replacements += n;
                out
            }
        }
    }

    /// Writes `s` (cleaned) to a cell.
    pub(super) fn put(
        &mut self,
        ws: &mut Worksheet,
        row: u32,
        col: u16,
        s: &str,
        f: &Format,
    ) -> Result<(), XlsxError> {
        let s = self.clean(s);
        label(ws, row, col, &s, f)
    }
}

/// A day as the serial number of an Excel date cell.
pub(super) fn serial_of(d: NaiveDate) -> f64 {
    datetime_to_serial(d.and_time(NaiveTime::MIN))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The plain version of [`wrap_lines`]: every word's characters
    /// counted, no fast path.
    fn wrap_lines_plain(text: &str, width: f64) -> u32 {
        let cap = (((width * 7.0 + 5.0) / 6.0) as usize).max(1);
        let mut lines = 0u32;
        for para in text.split('\n') {
            let mut n = 1u32;
            let mut used = 0usize;
            for word in para.split_whitespace() {
                let len = word.chars().count();
                if used > 0 && used + 1 + len <= cap {
                    used += 1 + len;
                    continue;
                }
                if used > 0 {
                    n += 1;
                }
                n += ((len.max(1) - 1) / cap) as u32;
                used = len - (len.max(1) - 1) / cap * cap;
            }
            lines = lines.saturating_add(n);
            if lines as f64 * LINE_PT > MAX_ROW_PT {
                break;
            }
        }
        lines.max(1)
    }

    proptest! {
        #[test]
        fn fast_wrap_counts_the_same_lines(
            text in "([a-z]{1,12}|[ \t\r\n\u{0B}]{1,3}|é|—|\u{A0}|x{30,80}){0,60}",
            width in 1.0f64..60.0,
        ) {
            prop_assert_eq!(wrap_lines(&text, width), wrap_lines_plain(&text, width));
        }

        #[test]
        fn prose_jumped_a_line_at_a_time_counts_the_same_lines(
            text in "([a-z]{1,12}|x{30,80})( ([a-z]{1,12}|x{30,80}|[a-z]{1,3}\\.)){0,80}",
            width in 1.0f64..60.0,
        ) {
            prop_assert_eq!(wrap_lines(&text, width), wrap_lines_plain(&text, width));
        }
    }
}
