//! The `Returns` sheet: every file found in the review folder, its agency,
//! format, status, row counts (read = merged + rejected + skipped), dates,
//! note and state (`received`, `needs fixes`, `superseded`:
//! [`crate::status`]); then one row per expected agency with no return
//! (no file, counts 0, state `outstanding` or `overdue`).

use rust_xlsxwriter::{Format, FormatAlign, Workbook, XlsxError};

use super::build::Ctx;
use super::cells::{fit_row, label, row_lines, serial_of};
use super::formats::date_format;
use super::sheet::{add_sheet, end_stream, write_headings};

/// Writes the `Returns` sheet.
pub(super) fn write_returns(
    wb: &mut Workbook,
    cx: &mut Ctx,
    stream: bool,
) -> Result<(), XlsxError> {
    let ws = add_sheet(wb, stream)?;
    ws.set_name("Returns")?;
    cx.page.setup(ws, "Returns", 1)?;
    let headings = [
        "File",
        "Agency",
        "Format",
        "Status",
        "Rows read",
        "Rows merged",
        "Rows rejected",
        "Rows skipped",
        "First date",
        "Last date",
        "Review reference",
        "Note",
        "State",
    ];
    write_headings(
        ws,
        &headings,
        &[
            30.0, 28.0, 8.0, 20.0, 10.0, 10.0, 10.0, 10.0, 11.0, 11.0, 16.0, 50.0, 14.0,
        ],
    )?;
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let num = Format::new().set_align(FormatAlign::Top);
    let date = date_format();
    let returns = &cx.review.chronology.returns;
    let counts = crate::status::counts_by_file(cx.review);
    for (i, r) in returns.iter().enumerate() {
        let row = i as u32 + 1;
        cx.input.put(ws, row, 0, &r.file, &wrap)?;
        cx.input.put(ws, row, 1, &r.agency, &wrap)?;
        let fmt = match r.format {
            Some(f) => format!("{f:?}").to_lowercase(),
            None => String::new(),
        };
        label(ws, row, 2, &fmt, &wrap)?;
        label(ws, row, 3, r.status.as_str(), &wrap)?;
        ws.write_number_with_format(row, 4, r.rows_read as f64, &num)?;
        ws.write_number_with_format(row, 5, r.rows_merged as f64, &num)?;
        ws.write_number_with_format(row, 6, r.rows_rejected as f64, &num)?;
        ws.write_number_with_format(row, 7, r.rows_skipped as f64, &num)?;
        if let Some(d) = r.first {
            ws.write_number_with_format(row, 8, serial_of(d), &date)?;
        }
        if let Some(d) = r.last {
            ws.write_number_with_format(row, 9, serial_of(d), &date)?;
        }
        cx.input.put(ws, row, 10, &r.review_reference, &wrap)?;
        cx.input.put(ws, row, 11, &r.note, &wrap)?;
        let errors = counts.get(r.file.as_str()).map_or(0, |c| c.0);
        let state = crate::status::file_state(r, errors).map_or("", |s| s.as_str());
        label(ws, row, 12, state, &wrap)?;
        fit_row(
            ws,
            row,
            row_lines([
                (r.file.as_str(), 30.0),
                (r.agency.as_str(), 28.0),
                (r.status.as_str(), 20.0),
                (r.note.as_str(), 50.0),
            ]),
        )?;
    }
    // The expected agencies with no return yet: no file, nothing counted.
    let status = crate::status::status(cx.review);
    let mut row = returns.len() as u32;
    for a in status.agencies.iter().filter(|a| a.files.is_empty()) {
        row += 1;
        label(ws, row, 0, "", &wrap)?;
        cx.input.put(ws, row, 1, &a.agency, &wrap)?;
        for c in 4..=7 {
            ws.write_number_with_format(row, c, 0.0, &num)?;
        }
        let note = match &a.contact {
            Some(c) => format!("no return yet: {}; contact {c}", a.note),
            None => format!("no return yet: {}", a.note),
        };
        cx.input.put(ws, row, 11, &note, &wrap)?;
        label(ws, row, 12, a.state.as_str(), &wrap)?;
        fit_row(ws, row, row_lines([(note.as_str(), 50.0)]))?;
    }
    ws.autofilter(0, 0, row.max(1), 12)?;
    end_stream(ws, row + 1, stream)
}
