//! Sheets: a new one (streamed or in memory), its name when a list goes on
//! past one sheet, its heading row, and the end of a streamed one.

use rust_xlsxwriter::{Workbook, Worksheet, XlsxError};

use super::cells::{fit_row, row_lines};
use super::formats::heading_format;
use super::SHEET_ROWS;

/// Writes a sheet's heading row (`headings`, in bold on dark blue), sets
/// its columns' `widths`, fits the row to its wrapped headings and keeps
/// it in view.
pub(super) fn write_headings(
    ws: &mut Worksheet,
    headings: &[&str],
    widths: &[f64],
) -> Result<(), XlsxError> {
    let h = heading_format();
    for (i, name) in headings.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, *name, &h)?;
        if let Some(w) = widths.get(i) {
            ws.set_column_width(i as u16, *w)?;
        }
    }
    // Bold headings are a little wider than prose.
    let lines = row_lines(
        headings
            .iter()
            .zip(widths.iter().chain(std::iter::repeat(&8.43)))
            .map(|(h, w)| (*h, w * 0.85)),
    );
    fit_row(ws, 0, lines)?;
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

/// Ends a streamed sheet whose rows all lie above `next`.
///
/// rust_xlsxwriter 0.102 writes the last row of a constant-memory sheet
/// twice when that row has a height (once with its cells, then again as an
/// empty `<row>` with the same number): a repeated row, which the file
/// format does not allow and Excel may offer to "repair". Moving on to row
/// `next` (a blank cell written and cleared again) writes the last row
/// once, as any other; what is left on `next` is an empty `<row>` with no
/// cells, no height and no style. `tests/stream.rs` checks that every
/// sheet's rows are strictly ascending.
pub(super) fn end_stream(ws: &mut Worksheet, next: u32, stream: bool) -> Result<(), XlsxError> {
    if stream && next < SHEET_ROWS {
        ws.write_blank(next, 0, &heading_format())?;
        ws.clear_cell(next, 0);
    }
    Ok(())
}

/// A new worksheet: streamed (rust_xlsxwriter's constant-memory mode, rows
/// written to a temporary file as each is finished) or held in memory.
///
/// Every sheet but `Timeline` is streamed when the workbook is. Streaming
/// is leaner, and it also spares a thread: rust_xlsxwriter builds each
/// in-memory sheet's XML on a thread of its own when it saves, which for
/// a batch of small reviews meant six threads started and stopped per
/// workbook (docs/performance-history.md, run 8). A streamed sheet must be written
/// row by row, each row's cells and height before any later row: a write
/// to a row already written is dropped. `tests/stream.rs` compares every
/// sheet, cell by cell and row height by row height, with the in-memory
/// build. `Timeline` stays in memory because its charts copy their cached
/// values from the cells, which a streamed sheet no longer holds.
pub(super) fn add_sheet(wb: &mut Workbook, stream: bool) -> Result<&mut Worksheet, XlsxError> {
    if stream {
        wb.add_worksheet_with_constant_memory()
    } else {
        Ok(wb.add_worksheet())
    }
}

/// The name of sheet `n` of a list that goes on past one sheet:
/// `Chronology`, then `Chronology (2)`, `Chronology (3)`…
pub(super) fn continued_name(base: &str, n: u32) -> String {
    if n == 1 {
        base.to_string()
    } else {
        format!("{base} ({n})")
    }
}
