//! Heading matching: which sheet column holds which template column. The
//! template's headings and the names agencies give them ([`match_heading`]),
//! the header row among the top rows ([`header_row_index`]) and the
//! [`ColumnMap`] of a sheet with a finding for every heading that is
//! renamed, unknown, unclear, missing or out of order ([`map_columns`]).
//! `ingest` uses the same rules to tell a chronology sheet or table.

use crate::findings::{Code, Finding, Severity};
use crate::model::{cell_ref, normalise, Column, RawRow, RawSheet};

/// Other names agencies give the template's columns.
fn aliases(col: Column) -> &'static [&'static str] {
    match col {
        Column::Date => &[
            "date of event",
            "event date",
            "date of contact",
            "dates",
            "date time",
            "date and time",
            "date dd mm yyyy",
            "date dd mm yy",
            "date and time of event",
            "date time of event",
        ],
        Column::Time => &[
            "time of event",
            "event time",
            "time 24hr",
            "time 24h",
            "time 24 hour",
            "time hh mm",
        ],
        Column::Sequence => &[
            "seq",
            "sequence number",
            "sequence no",
            "seq no",
            "order",
            "no",
            "number",
        ],
        Column::Source => &["source", "information source", "source of info", "record"],
        Column::Role => &[
            "role",
            "practitioner",
            "worker role",
            "professional role",
            "practitioner job title",
        ],
        Column::Subject => &[
            "subject",
            "child family member",
            "person",
            "family member",
            "child",
        ],
        Column::EventType => &["type", "type of event", "event category", "category"],
        Column::Details => &[
            "details",
            "event details",
            "event",
            "description",
            "detail of event",
            "details of the event",
        ],
        Column::Action => &[
            "action",
            "outcome",
            "action outcome taken",
            "action taken",
            "outcome action",
        ],
        Column::Analysis => &[
            "analysis",
            "comment",
            "comments",
            "analysis comments",
            "reflection",
        ],
    }
}

/// The names (normalised) of the optional `Key line of enquiry` column.
const KEY_LINE_HEADINGS: &[&str] = &[
    "key line of enquiry",
    "key lines of enquiry",
    "key line of inquiry",
    "key lines of inquiry",
    "kloe",
    "kloes",
    "line of enquiry",
    "lines of enquiry",
    "line of inquiry",
];

/// Minimum similarity (normalised Levenshtein on normalised text) for a
/// misspelt heading to be matched. Below it the heading is not guessed.
pub(crate) const HEADING_SIMILARITY: f64 = 0.8;

/// Similarity from which an unmatched heading is taken to be a damaged
/// template heading ([`HeadingMatch::Unclear`], an error) rather than an
/// extra column of the agency's own ([`HeadingMatch::Unknown`], a warning).
const HEADING_UNCLEAR_SIMILARITY: f64 = 0.65;

/// How much better the best template heading must score than the next
/// before a close spelling is accepted.
const HEADING_MARGIN: f64 = 0.05;

/// How a heading cell was matched to a template column.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum HeadingMatch {
    /// The template's heading (or a known alias), exactly after normalising.
    Exact(Column),
    /// A close spelling, with its similarity.
    Close(Column, f64),
    /// Looks like a template heading, but not closely enough (or as close
    /// to two headings) to be matched with confidence: the column it
    /// resembles most, and the similarity. Never guessed.
    Unclear(Column, f64),
    /// The optional `Agency` column of a CSV export.
    Agency,
    /// The optional `Key line of enquiry` column (`KLOE`, `Line of
    /// enquiry` …): see [`crate::key_lines`].
    KeyLine,
    /// Not a template heading.
    Unknown,
}

/// Matches one heading text to the template.
pub(crate) fn match_heading(text: &str) -> HeadingMatch {
    let key = normalise(text);
    if key.is_empty() {
        return HeadingMatch::Unknown;
    }
    if key == "agency" || key == "agency name" || key == "organisation" {
        return HeadingMatch::Agency;
    }
    if KEY_LINE_HEADINGS.contains(&key.as_str()) {
        return HeadingMatch::KeyLine;
    }
    for col in Column::ALL {
        if key == normalise(col.heading()) || aliases(col).contains(&key.as_str()) {
            return HeadingMatch::Exact(col);
        }
    }
    // A heading that holds a template heading of two words or more as
    // whole words, and no other column's, is that heading with something
    // added: `Details of event/contact`, `Date of event (dd/mm/yyyy)`.
    let padded = format!(" {key} ");
    let mut within: Option<(Column, usize)> = None;
    let mut clash = false;
    for col in Column::ALL {
        let names = std::iter::once(col.heading()).chain(aliases(col).iter().copied());
        let longest = names
            .map(normalise)
            .filter(|n| n.contains(' ') && padded.contains(&format!(" {n} ")))
            .map(|n| n.len())
            .max();
        if let Some(len) = longest {
            match within {
                Some((c, _)) if c != col => clash = true,
                _ => within = Some((col, len)),
            }
        }
    }
    if let (Some((col, len)), false) = (within, clash) {
        return HeadingMatch::Close(col, len as f64 / key.len() as f64);
    }
    let mut scores: Vec<(Column, f64)> = Column::ALL
        .iter()
        .map(|&col| {
            let names = std::iter::once(col.heading()).chain(aliases(col).iter().copied());
            let s = names
                .map(|n| strsim::normalized_levenshtein(&key, &normalise(n)))
                .fold(0.0, f64::max);
            (col, s)
        })
        .collect();
    scores.sort_by(|a, b| b.1.total_cmp(&a.1));
    let (col, best) = scores[0];
    let second = scores[1].1;
    if best >= HEADING_SIMILARITY && best - second > HEADING_MARGIN {
        HeadingMatch::Close(col, best)
    } else if best >= HEADING_UNCLEAR_SIMILARITY {
        HeadingMatch::Unclear(col, best)
    } else {
        HeadingMatch::Unknown
    }
}

/// Where each template column sits in a return.
#[derive(Debug, Clone, Default)]
pub struct ColumnMap {
    /// For each template column (by index), the 0-based column in the sheet.
    pub cols: [Option<usize>; 10],
    /// The `Agency` column of a CSV export.
    pub agency: Option<usize>,
    /// The optional `Key line of enquiry` column.
    pub key_line: Option<usize>,
    /// Sheet columns whose heading matched nothing (extra columns).
    pub unknown: Vec<usize>,
    /// Sheet columns whose heading resembles a template column that was
    /// not otherwise found, but not closely enough to be matched: rows with
    /// content in them are rejected rather than guessed.
    pub unclear: Vec<(usize, Column)>,
    /// The 1-based header row.
    pub header_row: u32,
    /// Index of the header row in the sheet's rows.
    pub header_index: usize,
}

/// How many rows from the top are searched for the header row.
const HEADER_SEARCH_ROWS: usize = 10;

/// The index (in the sheet's rows) of its header row: the first of the
/// top rows that matches at least three template headings exactly or
/// closely.
pub(crate) fn header_row_index(sheet: &RawSheet) -> Option<usize> {
    sheet.rows.iter().take(HEADER_SEARCH_ROWS).position(|row| {
        row.cells
            .iter()
            .filter(|c| {
                matches!(
                    match_heading(&c.to_text()),
                    HeadingMatch::Exact(_) | HeadingMatch::Close(..)
                )
            })
            .count()
            >= 3
    })
}

/// Finds the header row and maps its headings, with findings.
pub(crate) fn map_columns(
    sheet: &RawSheet,
    file: &str,
    findings: &mut Vec<Finding>,
) -> Option<ColumnMap> {
    let Some(hi) = header_row_index(sheet) else {
        findings.push(
            Finding::new(
                Code::HeadingMissing,
                file,
                "no heading row was found in the first rows of the sheet: ask the agency to use the template, with the headings in row 1",
            )
            .at(sheet.name.as_str(), "A1"),
        );
        return None;
    };
    let header = &sheet.rows[hi];
    if header.row > 1 {
        findings.push(
            Finding::new(
                Code::HeadingBanner,
                file,
                format!(
                    "the headings are in row {} instead of row 1; the rows above them were skipped",
                    header.row
                ),
            )
            .at(sheet.name.as_str(), cell_ref(0, 1)),
        );
    }
    let mut map = ColumnMap {
        header_row: header.row,
        header_index: hi,
        ..ColumnMap::default()
    };
    let mut said = HeadingFindings {
        file,
        sheet: &sheet.name,
        row: header.row,
        findings,
    };
    let unclear = said.read_headings(&mut map, header);
    said.settle_unclear(&mut map, unclear);
    said.missing_columns(&map);
    let found: Vec<usize> = map.cols.iter().flatten().copied().collect();
    if found.windows(2).any(|w| w[0] > w[1]) {
        said.push(
            Code::HeadingReordered,
            "the columns are not in the template's order; they were matched by their headings",
            0,
        );
    }
    Some(map)
}

/// A heading that only resembles a template heading: its column, the
/// template column it resembles, the similarity and the heading's text.
type UnclearHeading = (usize, Column, f64, String);

/// The findings [`map_columns`] makes about the header row of one sheet.
struct HeadingFindings<'a> {
    file: &'a str,
    sheet: &'a str,
    /// The 1-based header row.
    row: u32,
    findings: &'a mut Vec<Finding>,
}

impl HeadingFindings<'_> {
    /// A finding at the header row's cell in column `ci` (0-based).
    fn push(&mut self, code: Code, message: impl Into<String>, ci: usize) {
        let f = Finding::new(code, self.file, message).at(self.sheet, cell_ref(ci, self.row));
        self.findings.push(f);
    }

    /// Matches each heading of the header row into `map`, and returns
    /// those that only resemble a template heading, to be settled once
    /// every heading is known.
    fn read_headings(&mut self, map: &mut ColumnMap, header: &RawRow) -> Vec<UnclearHeading> {
        let mut unclear = Vec::new();
        for (ci, cell) in header.cells.iter().enumerate() {
            let text = cell.to_text();
            if text.trim().is_empty() {
                continue;
            }
            match match_heading(&text) {
                HeadingMatch::Exact(col) | HeadingMatch::Close(col, _)
                    if map.cols[col.index()].is_some() =>
                {
                    self.push(
                        Code::HeadingUnknown,
                        format!(
                            "the heading '{}' repeats the column '{}' already found; this column is not merged: ask the agency to remove it or merge its content",
                            text.trim(),
                            col.heading()
                        ),
                        ci,
                    );
                    map.unknown.push(ci);
                }
                HeadingMatch::Exact(col) => {
                    map.cols[col.index()] = Some(ci);
                    if text.trim() != col.heading() && normalise(&text) != normalise(col.heading())
                    {
                        self.push(
                            Code::HeadingRenamed,
                            format!(
                                "the heading '{}' was read as '{}'",
                                text.trim(),
                                col.heading()
                            ),
                            ci,
                        );
                    }
                }
                HeadingMatch::Close(col, s) => {
                    map.cols[col.index()] = Some(ci);
                    self.push(
                        Code::HeadingRenamed,
                        format!(
                            "the heading '{}' was read as '{}' (similar spelling, {:.0}%)",
                            text.trim(),
                            col.heading(),
                            s * 100.0
                        ),
                        ci,
                    );
                }
                HeadingMatch::Agency => map.agency = Some(ci),
                HeadingMatch::KeyLine if map.key_line.is_none() => map.key_line = Some(ci),
                HeadingMatch::KeyLine => {
                    self.push(
                        Code::HeadingUnknown,
                        format!(
                            "the heading '{}' repeats the column '{}' already found; this column is not merged: ask the agency to remove it or merge its content",
                            text.trim(),
                            crate::key_lines::HEADING
                        ),
                        ci,
                    );
                    map.unknown.push(ci);
                }
                HeadingMatch::Unclear(col, s) => {
                    unclear.push((ci, col, s, text.trim().to_string()))
                }
                HeadingMatch::Unknown => {
                    self.unknown(ci, text.trim());
                    map.unknown.push(ci);
                }
            }
        }
        unclear
    }

    /// A heading that only resembles a template heading is never guessed:
    /// if that column was found elsewhere it is an extra column, else an
    /// error (rows with content under it are rejected by the caller).
    fn settle_unclear(&mut self, map: &mut ColumnMap, unclear: Vec<UnclearHeading>) {
        for (ci, col, s, text) in unclear {
            if map.cols[col.index()].is_some() {
                self.unknown(ci, &text);
                map.unknown.push(ci);
                continue;
            }
            self.push(
                Code::HeadingUnclear,
                format!(
                    "the heading '{text}' looks like '{}' ({:.0}% similar) but cannot be matched with confidence, so its column is not read: ask the agency to restore the heading '{}' from the template",
                    col.heading(),
                    s * 100.0,
                    col.heading()
                ),
                ci,
            );
            map.unclear.push((ci, col));
        }
    }

    /// A finding for each template column not found: an error for a
    /// required one, a warning for the others.
    fn missing_columns(&mut self, map: &ColumnMap) {
        for col in Column::ALL {
            if map.cols[col.index()].is_some() {
                continue;
            }
            let sev = if col.required() {
                Severity::Error
            } else {
                Severity::Warning
            };
            let maybe = map
                .unclear
                .iter()
                .find(|(_, c)| *c == col)
                .map(|(ci, _)| {
                    format!(" (the heading in {} may be meant)", cell_ref(*ci, self.row))
                })
                .unwrap_or_default();
            let f = Finding::new(
                Code::HeadingMissing,
                self.file,
                format!(
                    "the column '{}' is missing{}{maybe}: ask the agency to restore it from the template",
                    col.heading(),
                    if col.required() { " and is required" } else { "" }
                ),
            )
            .with_severity(sev)
            .at(self.sheet, cell_ref(col.index(), self.row));
            self.findings.push(f);
        }
    }

    /// The finding for a heading that is not the template's.
    fn unknown(&mut self, ci: usize, text: &str) {
        self.push(
            Code::HeadingUnknown,
            format!(
                "the heading '{text}' is not one of the template's; its column is not merged: ask the agency to move its content into the template's columns"
            ),
            ci,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example that was `normalise`'s documentation, and more.
    #[test]
    fn normalise_keeps_letters_and_digits_in_lower_case() {
        assert_eq!(normalise("  Action/ Outcome "), "action outcome");
        assert_eq!(normalise("Date (dd/mm/yyyy)"), "date dd mm yyyy");
        assert_eq!(normalise("ÉVÉNEMENT"), "événement");
    }

    /// The examples that were `match_heading`'s documentation.
    #[test]
    fn headings_match_exactly_closely_or_not_at_all() {
        assert_eq!(match_heading("DATE"), HeadingMatch::Exact(Column::Date));
        assert!(matches!(
            match_heading("Detials of event"),
            HeadingMatch::Close(Column::Details, _)
        ));
        assert!(matches!(
            match_heading("Details of event/contact"),
            HeadingMatch::Close(Column::Details, _)
        ));
        assert!(matches!(
            match_heading("Tme"),
            HeadingMatch::Unclear(Column::Time, _)
        ));
        assert_eq!(match_heading("Date of birth"), HeadingMatch::Unknown);
        for h in [
            "Key line of enquiry",
            "KLOE",
            "Line of enquiry",
            "Key lines of enquiry",
        ] {
            assert_eq!(match_heading(h), HeadingMatch::KeyLine, "{h}");
        }
        assert_eq!(match_heading("Colour of car"), HeadingMatch::Unknown);
    }

    #[test]
    fn ambiguous_and_distant_headings_are_not_guessed() {
        assert!(matches!(
            match_heading("Dte"),
            HeadingMatch::Unclear(Column::Date, _)
        ));
        assert_eq!(match_heading("Colour of car"), HeadingMatch::Unknown);
        assert_eq!(match_heading("NHS number"), HeadingMatch::Unknown);
        assert!(matches!(
            match_heading("Action/outcome taken"),
            HeadingMatch::Exact(Column::Action)
        ));
        assert_eq!(
            match_heading("Date and time of event"),
            HeadingMatch::Exact(Column::Date)
        );
        assert!(matches!(
            match_heading("Action taken / outcome"),
            HeadingMatch::Close(Column::Action, _)
        ));
        // Holding two template headings is a clash, never a guess.
        assert!(!matches!(
            match_heading("Event type and details of event"),
            HeadingMatch::Exact(_) | HeadingMatch::Close(..)
        ));
    }
}
