//! The `Key practice episodes` sheet: the candidate episodes, strongest
//! first, each linked to its first event on the chronology; under them the
//! longest gaps with no recorded event, the key decisions, the repeated
//! concerns (and month-level periods) and the incident that led to the
//! review, each a table of its own.

use chrono::NaiveDate;
use rust_xlsxwriter::{Format, FormatAlign, Workbook, Worksheet, XlsxError};

use super::build::Ctx;
use super::cells::{fit_row, label, row_lines, serial_of};
use super::formats::{date_format, heading_format};
use super::sheet::{add_sheet, continued_name, end_stream, write_headings};
use crate::episodes::{key_line_counts, key_lines_text};

/// The heading of the episodes' key lines of enquiry (present when the
/// chronology has a `Key line of enquiry` column).
const KEY_LINES: &str = "Key lines of enquiry";
/// Its width.
const KEY_LINES_WIDTH: f64 = 30.0;

/// Writes the `Key practice episodes` sheet.
pub(super) fn write_episodes(
    wb: &mut Workbook,
    cx: &mut Ctx,
    stream: bool,
) -> Result<(), XlsxError> {
    let ws = add_sheet(wb, stream)?;
    ws.set_name("Key practice episodes")?;
    cx.page.setup(ws, "Key practice episodes", 1)?;
    let mut headings = vec![
        "Episode",
        "First date",
        "Last date",
        "Agencies",
        "Events",
        "Joint events",
        "Score",
        "Why it was flagged",
        "First event",
        "Other agencies in span",
        "Approximate (month-dated)",
    ];
    let mut widths = vec![
        10.0, 11.0, 11.0, 40.0, 8.0, 8.0, 8.0, 70.0, 14.0, 30.0, 30.0,
    ];
    // The key lines of enquiry of each episode's events, when the
    // chronology has the column.
    let key_lines = cx.review.shows_key_line_column();
    if key_lines {
        headings.push(KEY_LINES);
        widths.push(KEY_LINES_WIDTH);
    }
    let last_col = headings.len() as u16 - 1;
    write_headings(ws, &headings, &widths)?;
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let date = date_format();
    let score = Format::new()
        .set_num_format("0.0")
        .set_align(FormatAlign::Top);
    let review = cx.review;
    let a = &review.analysis;
    let mut row = 1u32;
    for ep in &a.episodes {
        // The agencies whose significant events make it; the others merely
        // had something in its span.
        let span = Span {
            name: &ep.id(),
            first: ep.first,
            last: ep.last,
            agencies: &ep.contributing,
            events: &ep.events,
        };
        let names = span.write(ws, cx, row, &wrap, &date)?;
        let others: Vec<&str> = ep
            .agencies
            .iter()
            .filter(|a| !ep.contributing.contains(a))
            .map(|&i| cx.names[i].0.as_str())
            .collect();
        label(ws, row, 9, &others.join(", "), &wrap)?;
        label(ws, row, 10, &references(cx, &ep.approximate), &wrap)?;
        ws.write_number_with_format(row, 5, ep.joint_events as f64, &wrap)?;
        ws.write_number_with_format(row, 6, ep.score, &score)?;
        cx.input.put(ws, row, 7, &ep.reason, &wrap)?;
        let counts = if key_lines {
            let counts = key_lines_text(&key_line_counts(ep, &review.chronology.events));
            cx.input.put(ws, row, 11, &counts, &wrap)?;
            counts
        } else {
            String::new()
        };
        fit_row(
            ws,
            row,
            row_lines([
                (names.as_str(), 40.0),
                (ep.reason.as_str(), 70.0),
                (counts.as_str(), KEY_LINES_WIDTH),
            ]),
        )?;
        let first = ep.events.iter().min();
        let start = first.and_then(|i| cx.episode_starts.get(i));
        if let (Some(&(sheet, r)), Some(&i)) = (start, first) {
            // The engine's own link to its own sheet: no input in it (the
            // Ref is the engine's too).
            let name = continued_name("Chronology", sheet);
            let reference = &review.chronology.events[i].reference;
            let text = if sheet == 1 {
                format!("{reference} (row {})", r + 1)
            } else {
                format!("{reference} ({name}, row {})", r + 1)
            };
            ws.write_url_with_text(
                row,
                8,
                format!("internal:'{name}'!A{}", r + 1).as_str(),
                text,
            )?;
        }
        row += 1;
    }
    if a.episodes.is_empty() {
        label(ws, row, 0, "", &wrap)?;
        row = none_listed(
            ws,
            row,
            "No stretch of the chronology met the thresholds for a candidate episode.",
            &wrap,
        )?;
    }
    ws.autofilter(0, 0, row.saturating_sub(1).max(1), last_col)?;
    // The tables under the episodes, each after an empty row.
    for table in [write_gaps, write_decisions, write_periods, write_incident] {
        row = table(ws, cx, row + 1, &wrap, &date)?;
    }
    end_stream(ws, row, stream)
}

/// A stretch of the chronology (an episode, a period, the incident) as
/// the first five columns of its row give it.
struct Span<'s> {
    /// Its name: `KPE-1`, `Incident`.
    name: &'s str,
    /// Its first day.
    first: NaiveDate,
    /// Its last day.
    last: NaiveDate,
    /// The agencies named for it.
    agencies: &'s [usize],
    /// Its events.
    events: &'s [usize],
}

impl Span<'_> {
    /// Writes columns A to E of `row`: name, first and last days, the
    /// agencies and the count of events. Gives the agencies' names, joined.
    fn write(
        &self,
        ws: &mut Worksheet,
        cx: &Ctx,
        row: u32,
        wrap: &Format,
        date: &Format,
    ) -> Result<String, XlsxError> {
        label(ws, row, 0, self.name, wrap)?;
        ws.write_number_with_format(row, 1, serial_of(self.first), date)?;
        ws.write_number_with_format(row, 2, serial_of(self.last), date)?;
        let names: Vec<&str> = self
            .agencies
            .iter()
            .map(|&i| cx.names[i].0.as_str())
            .collect();
        let names = names.join(", ");
        label(ws, row, 3, &names, wrap)?;
        ws.write_number_with_format(row, 4, self.events.len() as f64, wrap)?;
        Ok(names)
    }
}

/// Says at `row`, in the column of the reasons, why a table lists
/// nothing: the row after it.
fn none_listed(ws: &mut Worksheet, row: u32, why: &str, wrap: &Format) -> Result<u32, XlsxError> {
    label(ws, row, 7, why, wrap)?;
    Ok(row + 1)
}

/// The longest gaps with no recorded event, from row `row` on: the row
/// after them.
fn write_gaps(
    ws: &mut Worksheet,
    cx: &mut Ctx,
    row: u32,
    wrap: &Format,
    date: &Format,
) -> Result<u32, XlsxError> {
    let mut row = table_head(
        ws,
        row,
        "Longest gaps with no recorded event",
        &["Gap", "From", "To", "Days"],
    )?;
    for (i, g) in cx.review.analysis.gaps.iter().enumerate() {
        label(ws, row, 0, &format!("Gap {}", i + 1), wrap)?;
        ws.write_number_with_format(row, 1, serial_of(g.from), date)?;
        ws.write_number_with_format(row, 2, serial_of(g.to), date)?;
        ws.write_number(row, 3, g.days as f64)?;
        row += 1;
    }
    Ok(row)
}

/// At most this many references in one cell; the JSON lists them all.
const MAX_REFERENCES: usize = 60;

/// The references of some events (`POL-0042, CSC-0007`): the first
/// [`MAX_REFERENCES`], then how many more (a month-level period of a large
/// review can cover thousands of month-dated events; the JSON has them
/// all).
fn references(cx: &Ctx, events: &[usize]) -> String {
    let ev = &cx.review.chronology.events;
    let mut s = events
        .iter()
        .take(MAX_REFERENCES)
        .map(|&i| ev[i].reference.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    if events.len() > MAX_REFERENCES {
        s.push_str(&format!(
            " … and {} more (the JSON lists them all)",
            events.len() - MAX_REFERENCES
        ));
    }
    s
}

/// A table's title and headings at `row`: the row after them.
fn table_head(
    ws: &mut Worksheet,
    row: u32,
    title: &str,
    headings: &[&str],
) -> Result<u32, XlsxError> {
    let bold = Format::new().set_bold();
    ws.write_string_with_format(row, 0, title, &bold)?;
    let h = heading_format();
    for (c, name) in headings.iter().enumerate() {
        ws.write_string_with_format(row + 1, c as u16, *name, &h)?;
    }
    Ok(row + 2)
}

/// The key decisions, from row `row` on: the row after them.
fn write_decisions(
    ws: &mut Worksheet,
    cx: &mut Ctx,
    row: u32,
    wrap: &Format,
    date: &Format,
) -> Result<u32, XlsxError> {
    let mut row = table_head(
        ws,
        row,
        "Key decisions",
        &[
            "Decision",
            "Date",
            "Agency",
            "Event",
            "Decision made",
            "Concern it follows",
            "Days after",
            "Why it is listed",
        ],
    )?;
    let review = cx.review;
    let ev = &review.chronology.events;
    for d in &review.analysis.decisions {
        label(ws, row, 0, &d.id(), wrap)?;
        ws.write_number_with_format(row, 1, serial_of(d.date), date)?;
        cx.agency(ws, row, 2, d.agency, wrap)?;
        label(ws, row, 3, &d.reference, wrap)?;
        label(ws, row, 4, &d.what, wrap)?;
        if let Some(c) = d.concern {
            label(ws, row, 5, &ev[c].reference.to_string(), wrap)?;
        }
        if let Some(n) = d.days_after {
            ws.write_number_with_format(row, 6, n as f64, wrap)?;
        }
        cx.input.put(ws, row, 7, &d.reason, wrap)?;
        fit_row(ws, row, row_lines([(d.reason.as_str(), 70.0)]))?;
        row += 1;
    }
    if review.analysis.decisions.is_empty() {
        row = none_listed(
            ws,
            row,
            "No closure, no-further-action or child-not-seen decision follows a concern.",
            wrap,
        )?;
    }
    Ok(row)
}

/// The repeated concerns and month-level periods, from row `row` on: the
/// row after them.
fn write_periods(
    ws: &mut Worksheet,
    cx: &mut Ctx,
    row: u32,
    wrap: &Format,
    date: &Format,
) -> Result<u32, XlsxError> {
    let mut row = table_head(
        ws,
        row,
        "Repeated concerns",
        &[
            "Period",
            "First date",
            "Last date",
            "Agencies",
            "Events",
            "Kind",
            "Sources",
            "Why it is listed",
            "Approximate (month-dated)",
        ],
    )?;
    let review = cx.review;
    for p in &review.analysis.periods {
        let span = Span {
            name: &p.id(),
            first: p.first,
            last: p.last,
            agencies: &p.agencies,
            events: &p.events,
        };
        let names = span.write(ws, cx, row, wrap, date)?;
        let kind = match p.kind {
            crate::episodes::PeriodKind::RepeatedConcerns => "Repeated concerns",
            crate::episodes::PeriodKind::MonthLevel => "Month-level",
        };
        label(ws, row, 5, kind, wrap)?;
        cx.input.put(ws, row, 6, &p.sources.join(", "), wrap)?;
        cx.input.put(ws, row, 7, &p.reason, wrap)?;
        label(ws, row, 8, &references(cx, &p.approximate), wrap)?;
        fit_row(
            ws,
            row,
            row_lines([(p.reason.as_str(), 70.0), (names.as_str(), 40.0)]),
        )?;
        row += 1;
    }
    if review.analysis.periods.is_empty() {
        row = none_listed(
            ws,
            row,
            "No child was the subject of concerns from several sources within a few months.",
            wrap,
        )?;
    }
    Ok(row)
}

/// The incident that led to the review, when review.toml gives its day,
/// from row `row` on: the row after it.
fn write_incident(
    ws: &mut Worksheet,
    cx: &mut Ctx,
    row: u32,
    wrap: &Format,
    date: &Format,
) -> Result<u32, XlsxError> {
    let review = cx.review;
    let Some(inc) = &review.analysis.incident else {
        return Ok(row);
    };
    let mut row = table_head(
        ws,
        row,
        "The incident that led to the review",
        &[
            "Incident",
            "First date",
            "Last date",
            "Agencies",
            "Events",
            "",
            "",
            "What the chronology records",
        ],
    )?;
    let span = Span {
        name: "Incident",
        first: inc.first,
        last: inc.last,
        agencies: &inc.agencies,
        events: &inc.events,
    };
    let names = span.write(ws, cx, row, wrap, date)?;
    cx.input.put(ws, row, 7, &inc.summary, wrap)?;
    fit_row(
        ws,
        row,
        row_lines([(inc.summary.as_str(), 70.0), (names.as_str(), 40.0)]),
    )?;
    row += 1;
    // One row per event, by reference, for the reviewer to read them.
    let ev = &review.chronology.events;
    for &i in &inc.events {
        let e = &ev[i];
        label(ws, row, 0, &e.reference.to_string(), wrap)?;
        ws.write_number_with_format(row, 1, serial_of(e.date.start), date)?;
        cx.agency(ws, row, 3, e.agency, wrap)?;
        cx.input.put(ws, row, 6, &e.event_type, wrap)?;
        cx.input.put(ws, row, 7, &e.details, wrap)?;
        fit_row(ws, row, row_lines([(e.details.as_str(), 70.0)]))?;
        row += 1;
    }
    Ok(row)
}
