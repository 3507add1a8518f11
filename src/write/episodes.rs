//! The `Key practice episodes` sheet: the candidate episodes, strongest
//! first, each linked to its first event on the chronology; under them the
//! longest gaps with no recorded event.

use rust_xlsxwriter::{Format, FormatAlign, Workbook, Worksheet, XlsxError};

use super::build::Ctx;
use super::cells::{fit_row, label, row_lines, serial_of};
use super::formats::{date_format, heading_format};
use super::sheet::{add_sheet, continued_name, end_stream, write_headings};

/// Writes the `Key practice episodes` sheet.
pub(super) fn write_episodes(
    wb: &mut Workbook,
    cx: &mut Ctx,
    stream: bool,
) -> Result<(), XlsxError> {
    let ws = add_sheet(wb, stream)?;
    ws.set_name("Key practice episodes")?;
    cx.page.setup(ws, "Key practice episodes", 1)?;
    let headings = [
        "Episode",
        "First date",
        "Last date",
        "Agencies",
        "Events",
        "Joint events",
        "Score",
        "Why it was flagged",
        "First event",
    ];
    write_headings(
        ws,
        &headings,
        &[10.0, 11.0, 11.0, 40.0, 8.0, 8.0, 8.0, 70.0, 14.0],
    )?;
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let date = date_format();
    let score = Format::new()
        .set_num_format("0.0")
        .set_align(FormatAlign::Top);
    let review = cx.review;
    let a = &review.analysis;
    let mut row = 1u32;
    for ep in &a.episodes {
        label(ws, row, 0, &ep.id(), &wrap)?;
        ws.write_number_with_format(row, 1, serial_of(ep.first), &date)?;
        ws.write_number_with_format(row, 2, serial_of(ep.last), &date)?;
        let names: Vec<&str> = ep
            .agencies
            .iter()
            .map(|&i| cx.names[i].0.as_str())
            .collect();
        label(ws, row, 3, &names.join(", "), &wrap)?;
        ws.write_number_with_format(row, 4, ep.events.len() as f64, &wrap)?;
        ws.write_number_with_format(row, 5, ep.joint_events as f64, &wrap)?;
        ws.write_number_with_format(row, 6, ep.score, &score)?;
        cx.input.put(ws, row, 7, &ep.reason, &wrap)?;
        fit_row(
            ws,
            row,
            row_lines([
                (names.join(", ").as_str(), 40.0),
                (ep.reason.as_str(), 70.0),
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
        label(
            ws,
            row,
            7,
            "No stretch of the chronology met the thresholds for a candidate episode.",
            &wrap,
        )?;
        row += 1;
    }
    ws.autofilter(0, 0, row.saturating_sub(1).max(1), 8)?;
    let row = write_gaps(ws, cx, row + 1, &wrap, &date)?;
    end_stream(ws, row, stream)
}

/// The longest gaps with no recorded event, from row `row` on: the row
/// after them.
fn write_gaps(
    ws: &mut Worksheet,
    cx: &Ctx,
    mut row: u32,
    wrap: &Format,
    date: &Format,
) -> Result<u32, XlsxError> {
    let bold = Format::new().set_bold();
    ws.write_string_with_format(row, 0, "Longest gaps with no recorded event", &bold)?;
    row += 1;
    let h = heading_format();
    for (c, name) in ["Gap", "From", "To", "Days"].iter().enumerate() {
        ws.write_string_with_format(row, c as u16, *name, &h)?;
    }
    row += 1;
    for (i, g) in cx.review.analysis.gaps.iter().enumerate() {
        label(ws, row, 0, &format!("Gap {}", i + 1), wrap)?;
        ws.write_number_with_format(row, 1, serial_of(g.from), date)?;
        ws.write_number_with_format(row, 2, serial_of(g.to), date)?;
        ws.write_number(row, 3, g.days as f64)?;
        row += 1;
    }
    Ok(row)
}
