//! Validate: check a [`RawReturn`] against the template and turn its rows
//! into [`Event`](crate::model::Event)s and [`Finding`]s. `merge` and
//! `check` share this module, so a return is judged the same way wherever
//! it is read.
//!
//! [`check_return`] reads the return's agency details (`details`), maps
//! each chronology sheet's headings (`headings`) and checks its sheets one
//! after the other (`sheet`): the layout applied (`layout`), each row
//! skipped when it is not an event or checked into an event by a row
//! checker (`row`, sharing repeated texts through `pool`), and the order of
//! the dates watched (`order`).

use chrono::NaiveDate;

use crate::dates::DateContext;
use crate::findings::{Code, Finding};
use crate::model::{CheckedReturn, RawReturn, ReturnStatus, ReturnSummary, CHRONOLOGY_SHEET};

mod details;
mod headings;
mod layout;
mod order;
mod pool;
mod row;
mod sheet;

pub(crate) use details::{agency_from_file_name, read_details};
pub use headings::ColumnMap;
pub(crate) use headings::{header_row_index, map_columns, match_heading, HeadingMatch};
// `normalise` lives in `model` (below `ingest` and `validate`); its old
// path stays for the modules that import it from here.
pub(crate) use crate::model::normalise;
pub use row::{not_an_event, NotEvent};

use details::Details;
use sheet::SheetRun;

/// What checking needs to know about the review.
#[derive(Debug, Clone)]
pub struct CheckContext {
    /// Today, for future dates and two-digit years.
    pub dates: DateContext,
    /// The review reference the returns must give.
    pub review: Option<String>,
    /// The review period.
    pub period: Option<(NaiveDate, NaiveDate)>,
    /// Days either side of the period before a date is marked outside it.
    pub margin_days: i64,
    /// Agency name given on the command line (for a CSV with no `Agency`
    /// column).
    pub agency: Option<String>,
    /// The review's key lines of enquiry, that a `Key line of enquiry`
    /// column is checked against.
    pub key_lines: Vec<String>,
}

impl Default for CheckContext {
    fn default() -> Self {
        CheckContext {
            dates: DateContext::today(),
            review: None,
            period: None,
            margin_days: 0,
            agency: None,
            key_lines: Vec::new(),
        }
    }
}

/// True when a workbook's sheets are those of a merged chronology
/// (OUTPUT.md's `Chronology`, `Key practice episodes`, `Findings` and
/// `Returns`), which is never read as a return.
pub(crate) fn is_merged_chronology(sheet_names: &[String]) -> bool {
    ["Chronology", "Key practice episodes", "Findings", "Returns"]
        .iter()
        .all(|want| sheet_names.iter().any(|n| n == want))
}

/// Checks a return and turns it into events and findings.
///
/// Every row with content is counted once in `rows_read` and ends as
/// merged (an [`Event`](crate::model::Event)), rejected (with at least one
/// error finding naming it) or skipped as not an event ([`not_an_event`], with a
/// `row-not-event` warning naming it), so
/// `rows_read = rows_merged + rows_rejected + rows_skipped`.
pub fn check_return(raw: RawReturn, ctx: &CheckContext) -> CheckedReturn {
    if is_merged_chronology(&raw.sheet_names) {
        return merged_chronology(&raw);
    }
    let file = raw.file.to_string();
    let mut findings = raw.findings;
    let details = Details::new(raw.details.as_ref(), raw.format, &file, ctx, &mut findings);
    let mut summary = ReturnSummary {
        format: Some(raw.format),
        review_reference: details.read.review.clone(),
        ..ReturnSummary::new(file.clone(), ReturnStatus::Merged, "")
    };

    let mut sheets = raw.chronology.into_iter();
    let Some(sheet) = sheets.next() else {
        findings.push(Finding::new(
            Code::SheetMissing,
            &file,
            format!(
                "there is no 'Chronology' sheet (sheets found: {}): ask the agency to use the template",
                raw.sheet_names.join(", ")
            ),
        )
        .at(CHRONOLOGY_SHEET, ""));
        summary.status = ReturnStatus::Rejected;
        summary.agency = details.fallback();
        summary.note = "no Chronology sheet".into();
        return CheckedReturn {
            agency: summary.agency.clone(),
            events: vec![],
            findings,
            summary,
            completed: details.completed(),
            modified: None,
            agency_at: None,
        };
    };

    let map = map_columns(&sheet, &file, &mut findings);
    let (agency, agency_at) = details.agency(&sheet, map.as_ref(), &mut findings);
    summary.agency = agency.clone();
    details.check_review(&mut findings);

    let mut run = SheetRun::new(&file, raw.file.clone(), ctx, summary, findings);
    run.first(sheet, map);
    for sheet in sheets {
        run.more(sheet);
    }
    let (events, findings, summary) = run.finish();
    CheckedReturn {
        agency,
        events,
        findings,
        summary,
        completed: details.completed(),
        modified: None,
        agency_at,
    }
}

/// A merged chronology left in the review folder (by `merge`, or copied
/// there by hand under any name): its Chronology sheet has the template's
/// headings, but it is the engine's output, so it is ignored.
fn merged_chronology(raw: &RawReturn) -> CheckedReturn {
    let summary = ReturnSummary {
        format: Some(raw.format),
        ..ReturnSummary::new(
            raw.file.to_string(),
            ReturnStatus::Ignored,
            "a merged chronology made by chronomerge, not an agency's return",
        )
    };
    CheckedReturn {
        agency: String::new(),
        events: vec![],
        findings: vec![],
        summary,
        completed: None,
        modified: None,
        agency_at: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Cell, Column, Format, RawReturn, RawRow, RawSheet};

    fn t(s: &str) -> Cell {
        if s.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(s.into())
        }
    }

    fn headings() -> RawRow {
        RawRow {
            row: 1,
            cells: Column::ALL.iter().map(|c| t(c.heading())).collect(),
        }
    }

    fn ret(rows: Vec<RawRow>) -> RawReturn {
        let mut all = vec![headings()];
        all.extend(rows);
        RawReturn {
            file: "x.xlsx".into(),
            format: Format::Xlsx,
            sheet_names: vec!["Agency details".into(), "Chronology".into()],
            details: Some(RawSheet {
                name: "Agency details".into(),
                rows: vec![RawRow {
                    row: 1,
                    cells: vec![t("Agency"), t("Police")],
                }],
                ..RawSheet::default()
            }),
            chronology: vec![RawSheet {
                name: "Chronology".into(),
                rows: all,
                ..RawSheet::default()
            }],
            findings: vec![],
        }
    }

    fn row(r: u32, cells: &[Cell]) -> RawRow {
        RawRow {
            row: r,
            cells: cells.to_vec(),
        }
    }

    /// A row of the template's columns A to H with the date, source,
    /// event type and details given (an empty one is an empty cell).
    fn event(r: u32, date: &str, source: &str, etype: &str, details: &str) -> RawRow {
        row(
            r,
            &[
                t(date),
                Cell::Empty,
                Cell::Empty,
                t(source),
                Cell::Empty,
                Cell::Empty,
                t(etype),
                t(details),
            ],
        )
    }

    /// A return of these rows, checked.
    fn check(rows: Vec<RawRow>) -> CheckedReturn {
        check_return(ret(rows), &ctx())
    }

    fn ctx() -> CheckContext {
        CheckContext {
            dates: crate::dates::DateContext::new(NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()),
            ..CheckContext::default()
        }
    }

    fn codes(c: &CheckedReturn) -> Vec<(Code, String)> {
        c.findings
            .iter()
            .map(|f| (f.code, f.cell.clone()))
            .collect()
    }

    /// Trimming in place gives what `trim` gives, Unicode spaces included.
    #[test]
    fn an_error_cell_is_named_and_the_row_kept() {
        let mut r = event(2, "05/03/2023", "GP record", "Assessment", "Seen.");
        r.cells[4] = Cell::Error("#REF!".into());
        let c = check(vec![r]);
        assert_eq!(codes(&c), [(Code::CellError, "E2".to_string())]);
        assert_eq!(c.summary.rows_merged, 1);
    }

    #[test]
    fn an_authors_note_is_checked_for_date_and_time_only() {
        let note = |r: u32, date: &str, time: &str| {
            row(
                r,
                &[
                    t(date),
                    t(time),
                    t("first"),
                    t("~ note"),
                    Cell::Error("#N/A".into()),
                    Cell::Empty,
                    t("Not a type"),
                ],
            )
        };
        let c = check(vec![
            note(2, "05/03/2023", ""),
            note(3, "", ""),
            note(4, "06/03/2023", "99:99"),
        ]);
        assert_eq!(
            codes(&c),
            [
                (Code::DateMissing, "A3".to_string()),
                (Code::TimeUnreadable, "B4".to_string())
            ]
        );
        assert!(c.events.iter().all(|e| e.is_note));
        assert_eq!(
            (
                c.summary.rows_read,
                c.summary.rows_merged,
                c.summary.rows_rejected
            ),
            (3, 2, 1)
        );
    }

    #[test]
    fn a_shuffled_return_gives_one_order_finding() {
        let days = [5, 1, 9, 2, 8, 3, 7, 4, 6, 10, 1, 9, 2];
        let rows = days
            .iter()
            .enumerate()
            .map(|(i, d)| {
                event(
                    i as u32 + 2,
                    &format!("{d:02}/03/2023"),
                    "Log",
                    "Other",
                    "x",
                )
            })
            .collect();
        let c = check(rows);
        let order: Vec<_> = codes(&c)
            .into_iter()
            .filter(|(c, _)| matches!(c, Code::DateOrder | Code::DateOrderReversed))
            .collect();
        assert_eq!(order, [(Code::DateOrder, "A3".to_string())]);
    }

    #[test]
    fn content_in_a_column_with_no_heading_is_reported() {
        let r = |n: u32, extra: &str| {
            let mut r = event(n, "05/03/2023", "GP record", "Assessment", "Seen.");
            r.cells.resize(12, Cell::Empty);
            r.cells[11] = t(extra);
            r
        };
        let c = check(vec![r(2, "a note"), r(3, ""), r(4, "more")]);
        assert_eq!(
            codes(&c),
            [(Code::CellOutsideTemplate, "L2:L4".to_string())]
        );
        assert!(c.findings[0].message.starts_with("2 cell(s) in column L"));
        assert_eq!(c.summary.rows_merged, 3);
    }

    /// An error finding rejects its row and a warning keeps it, each named
    /// by its cell, and the rows add up.
    #[test]
    fn an_error_rejects_its_row_and_a_warning_keeps_it() {
        let r = |n: u32, source: &str, etype: &str| event(n, "05/03/2023", source, etype, "Seen.");
        let c = check(vec![
            r(2, "GP record", "Assessment"),
            r(3, "", "Assessment"),
            r(4, "GP record", "Phone call"),
        ]);
        assert_eq!(
            codes(&c),
            [
                (Code::SourceMissing, "D3".to_string()),
                (Code::EventTypeUnknown, "G4".to_string())
            ]
        );
        let s = &c.summary;
        assert_eq!((s.rows_read, s.rows_merged, s.rows_rejected), (3, 2, 1));
        assert_eq!(s.status, ReturnStatus::MergedWithWarnings);
        let rows: Vec<u32> = c.events.iter().map(|e| e.origin.row).collect();
        assert_eq!(rows, [2, 4]);
    }

    /// The example that was the documentation of `is_merged_chronology`.
    #[test]
    fn a_merged_chronology_is_told_by_its_sheets() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert!(is_merged_chronology(&s(&[
            "Chronology",
            "Key practice episodes",
            "Findings",
            "Returns",
            "About"
        ])));
        assert!(!is_merged_chronology(&s(&[
            "Guidance",
            "Agency details",
            "Chronology"
        ])));
    }
}
