//! The key lines of enquiry of a review's Terms of Reference
//! (`key_lines_of_enquiry` in `review.toml`), as the template offers them
//! and as a return's optional `Key line of enquiry` column is read.
//!
//! Line `n` (from 1) is offered in the template's drop-down as its *entry*,
//! `KLOE n: text`. A cell is read as line `n` when it holds (case, spaces
//! and punctuation aside) that entry, the line's text, its number (`2`),
//! or the number with a prefix (`KLOE 2`, `Line 2`, `KLOE2`); an event
//! then carries the entry. Any other text is kept as written and warned
//! about (`key-line-unknown`).

/// The heading of the optional column, in the template and in the merged
/// chronology.
pub const HEADING: &str = "Key line of enquiry";

/// The entry of line `i` (0-based) as the drop-down offers it and the
/// merged chronology shows it: `KLOE 1: text`.
pub fn entry(i: usize, text: &str) -> String {
    format!("KLOE {}: {}", i + 1, text.trim())
}

/// The short label of a key line value, for counts: `KLOE 2` for an entry
/// (`KLOE 2: text`), else the value itself.
pub fn short_label(value: &str) -> &str {
    if let Some(rest) = value.strip_prefix("KLOE ") {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 && rest[digits..].starts_with(':') {
            return &value[..5 + digits];
        }
    }
    value
}

/// The words that may stand before a line's number (normalised).
const PREFIXES: &[&str] = &[
    "key line of enquiry",
    "key line of inquiry",
    "key line",
    "line of enquiry",
    "line of inquiry",
    "kloe",
    "kle",
    "line",
    "loe",
];

/// The line (0-based) a cell's text names, if any: see the module docs.
#[cfg(test)]
pub fn find(lines: &[String], value: &str) -> Option<usize> {
    use crate::model::normalise;
    let key = normalise(value);
    find_normalised(lines.iter().map(|l| normalise(l)), &key)
}

/// [`find`] for a normalised value, against the normalised lines.
pub(crate) fn find_normalised<S: AsRef<str>>(
    lines: impl IntoIterator<Item = S>,
    key: &str,
) -> Option<usize> {
    if key.is_empty() {
        return None;
    }
    let mut numbered = key;
    for p in PREFIXES {
        if let Some(rest) = key.strip_prefix(p) {
            numbered = rest.trim_start();
            break;
        }
    }
    let digits = numbered.bytes().take_while(u8::is_ascii_digit).count();
    let number: Option<usize> = (digits > 0)
        .then(|| numbered[..digits].parse().ok())
        .flatten();
    let rest = numbered[digits..].trim_start();
    for (i, line) in lines.into_iter().enumerate() {
        let line = line.as_ref();
        if key == line {
            return Some(i);
        }
        if number == Some(i + 1) && (rest.is_empty() || rest == line) {
            return Some(i);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_is_found_however_it_is_typed() {
        let lines = vec![
            "Information sharing".to_string(),
            "Voice of the child".to_string(),
        ];
        assert_eq!(entry(1, &lines[1]), "KLOE 2: Voice of the child");
        for typed in [
            "2",
            "KLOE 2",
            "kloe2",
            " voice of the CHILD ",
            "KLOE 2: Voice of the child",
            "2. Voice of the child",
        ] {
            assert_eq!(find(&lines, typed), Some(1), "{typed}");
        }
        assert_eq!(find(&lines, "3"), None);
        assert_eq!(find(&lines, "KLOE 1: Voice of the child"), None);
        assert_eq!(short_label("KLOE 2: Voice of the child"), "KLOE 2");
        assert_eq!(short_label("housing"), "housing");
    }

    #[test]
    fn only_a_line_of_the_review_is_found() {
        let lines = vec!["Information sharing".to_string()];
        assert_eq!(find(&lines, "Information-sharing"), Some(0));
        assert_eq!(find(&lines, "Line of enquiry 1"), Some(0));
        assert_eq!(find(&lines, "1. Information sharing"), Some(0));
        assert_eq!(find(&lines, "12"), None);
        assert_eq!(find(&lines, "0"), None);
        assert_eq!(find(&lines, ""), None);
        assert_eq!(find(&lines, "housing"), None);
        assert_eq!(find(&[], "1"), None);
        assert_eq!(short_label("KLOE 12: x"), "KLOE 12");
        assert_eq!(short_label("KLOE x"), "KLOE x");
    }
}
