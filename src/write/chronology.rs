//! The `Chronology` sheets: one event a row (more for a text longer than a
//! cell allows), filled with its agency's colour, headings and the `#`,
//! `Ref` and `Date` columns frozen, a filter on every column; `Chronology (2)` and so
//! on past a sheet's rows.
//!
//! Who writes the rows is a [`RowWriter`]: rust_xlsxwriter (in memory, or
//! streamed through its constant-memory sheets), or the engine itself, as
//! the sheets' XML at the save (`rows.rs`, `splice.rs`).

use rust_xlsxwriter::{DataValidation, Workbook, Worksheet, XlsxError};

use super::build::Ctx;
use super::columns::{ChronologyColumn, Cols};
use super::formats::{agency_formats, AgencyFormats, Fmt};
use super::page::Page;
use super::rows;
use super::sheet::{add_sheet, continued_name, end_stream, write_headings};
use super::splice;
use super::SHEET_ROWS;

/// What the reviewer's columns say when one of their cells is selected.
const REVIEWER_MESSAGE: &str = "Empty from chronomerge: type here and save. The next merge carries it over to the same event (by its Ref), or to the 'Reviewer notes not placed' sheet if the event is gone.";

/// Who writes the `Chronology`'s rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum RowWriter {
    /// rust_xlsxwriter, on sheets held in memory ([`super::build_workbook`]).
    Memory,
    /// rust_xlsxwriter, on its constant-memory sheets: the fallback when
    /// the splice cannot be made, and what the engine's own XML is compared
    /// with, byte for byte.
    Crate,
    /// The engine, as the sheets' XML, at the save (`splice.rs`): what
    /// [`super::write_workbook_with`] does.
    Engine,
}

/// Writes the `Chronology` sheets (more than one past a sheet's rows).
/// With [`RowWriter::Engine`], the sheets get their headings only (the
/// first also a probe cell for each agency format, whose style index the
/// save reads back), and the rows are written at the save, straight into
/// the file: what is returned.
pub(super) fn write_chronology<'a>(
    wb: &mut Workbook,
    cx: &mut Ctx<'a>,
    writer: RowWriter,
) -> Result<Option<splice::Pending<'a>>, XlsxError> {
    let review = cx.review;
    let cols = Cols::new(!cx.kids.is_empty(), review.shows_key_line_column());
    let events = &review.chronology.events;
    // The events the episodes sheet links to: each episode's first.
    let wanted: Vec<usize> = review
        .analysis
        .episodes
        .iter()
        .filter_map(|ep| ep.events.iter().min().copied())
        .collect();
    let layout = rows::Layout::new(events, cx.rows_used, &wanted);
    cx.episode_starts = layout.starts.clone();
    let formats: Vec<AgencyFormats> = cx.fills.iter().map(|&c| agency_formats(c)).collect();
    let mut rows = rows::Rows::new(
        events,
        &review.analysis,
        cols,
        &cx.kids,
        &cx.names,
        cx.input.glossary,
    )
    .with_reviewer(cx.opts.reviewer.as_deref());
    match writer {
        RowWriter::Engine => {
            heading_sheets(wb, cx, cols, &layout, &formats)?;
            // The count of replacements the About sheet gives, before the
            // rows are written: a dry run, only when anonymising.
            if cx.input.glossary.is_some() {
                let mut row = rows::Row::default();
                for i in 0..events.len() {
                    let _ = rows.event(i, &mut row, |_| Ok::<(), ()>(()));
                }
                cx.input.replacements += rows.input.replacements;
            }
            Ok(Some(splice::Pending {
                review,
                opts: cx.opts,
                glossary: cx.input.glossary,
                probes: splice::probes_for(formats.len()),
                cols,
                kids: cx.kids.clone(),
                names: cx.names.clone(),
                rows_used: cx.rows_used,
                layout,
            }))
        }
        RowWriter::Memory => {
            rows_in_memory(wb, &cx.page, cols, &layout, &formats, &mut rows)?;
            cx.input.replacements += rows.input.replacements;
            Ok(None)
        }
        RowWriter::Crate => {
            rows_streamed(wb, &cx.page, cols, &layout, &formats, &mut rows)?;
            cx.input.replacements += rows.input.replacements;
            Ok(None)
        }
    }
}

/// The sheets the engine's rows go into at the save: headings, columns,
/// panes, filter and page, and on the first one probe cells, one for each
/// format of each agency, in [`Fmt::ALL`] order.
fn heading_sheets(
    wb: &mut Workbook,
    cx: &Ctx,
    cols: Cols,
    layout: &rows::Layout,
    formats: &[AgencyFormats],
) -> Result<(), XlsxError> {
    for (k, &end) in layout.sheet_ends.iter().enumerate() {
        let ws = new_chronology_sheet(wb, k as u32 + 1, cols, &cx.page, true)?;
        if k == 0 {
            let mut r = 1;
            for f in formats {
                for fmt in Fmt::ALL {
                    ws.write_blank(r, 0, f.get(fmt))?;
                    r += 1;
                }
            }
        }
        ws.autofilter(0, 0, (end - 1).max(1), cols.last())?;
    }
    Ok(())
}

/// Every row through rust_xlsxwriter, on sheets held in memory.
fn rows_in_memory(
    wb: &mut Workbook,
    page: &Page,
    cols: Cols,
    layout: &rows::Layout,
    formats: &[AgencyFormats],
    rows: &mut rows::Rows,
) -> Result<(), XlsxError> {
    let first = wb.worksheets().len();
    new_chronology_sheet(wb, 1, cols, page, false)?;
    let mut cursor = rows::Cursor::new(layout.rows_used);
    let mut row = rows::Row::default();
    for i in 0..rows.len() {
        rows.event(i, &mut row, |r| {
            let (sheet, at, new) = cursor.advance();
            if new {
                new_chronology_sheet(wb, sheet, cols, page, false)?;
            }
            let ws = wb.worksheet_from_index(first + sheet as usize - 1)?;
            rows::to_worksheet(ws, at, r, formats)
        })?;
    }
    for (k, &end) in layout.sheet_ends.iter().enumerate() {
        wb.worksheet_from_index(first + k)?
            .autofilter(0, 0, (end - 1).max(1), cols.last())?;
    }
    Ok(())
}

/// Every row through rust_xlsxwriter, on its constant-memory sheets. The
/// agencies' formats are registered first, in the order of the probes of
/// [`heading_sheets`], so that each gets the style index it gets there:
/// the sheets' XML is then the engine's, byte for byte (`splice.rs` tests
/// it), but for the empty row [`end_stream`] leaves after each sheet.
fn rows_streamed(
    wb: &mut Workbook,
    page: &Page,
    cols: Cols,
    layout: &rows::Layout,
    formats: &[AgencyFormats],
    rows: &mut rows::Rows,
) -> Result<(), XlsxError> {
    let first = wb.worksheets().len();
    let new_sheet = |wb: &mut Workbook, n: u32| -> Result<(), XlsxError> {
        let end = layout.sheet_ends[n as usize - 1];
        new_chronology_sheet(wb, n, cols, page, true)?.autofilter(
            0,
            0,
            (end - 1).max(1),
            cols.last(),
        )?;
        Ok(())
    };
    new_sheet(wb, 1)?;
    for f in formats {
        for fmt in Fmt::ALL {
            wb.register_format(f.get(fmt));
        }
    }
    let mut cursor = rows::Cursor::new(layout.rows_used);
    let mut row = rows::Row::default();
    for i in 0..rows.len() {
        rows.event(i, &mut row, |r| {
            let before = cursor.next_row();
            let (sheet, at, new) = cursor.advance();
            if new {
                let ws = wb.worksheet_from_index(first + sheet as usize - 2)?;
                end_stream(ws, before, true)?;
                new_sheet(wb, sheet)?;
            }
            let ws = wb.worksheet_from_index(first + sheet as usize - 1)?;
            rows::to_worksheet(ws, at, r, formats)
        })?;
    }
    let last = wb.worksheets().len() - 1;
    end_stream(wb.worksheet_from_index(last)?, cursor.next_row(), true)
}

/// Sheet `n` of the chronology, its heading row written.
fn new_chronology_sheet<'a>(
    wb: &'a mut Workbook,
    n: u32,
    cols: Cols,
    page: &Page,
    stream: bool,
) -> Result<&'a mut Worksheet, XlsxError> {
    let ws = add_sheet(wb, stream)?;
    ws.set_name(continued_name("Chronology", n))?;
    let headings: Vec<&str> = cols.columns().map(|c| c.heading()).collect();
    let widths: Vec<f64> = cols.columns().map(|c| c.width()).collect();
    write_headings(ws, &headings, &widths)?;
    // The reviewer's own columns say what becomes of what is typed in
    // them, when a cell of theirs is selected (an input message: no
    // drawing, nothing that depends on the rows' heights).
    for (c, title) in [
        (ChronologyColumn::ReviewerNotes, "Your notes"),
        (ChronologyColumn::ReviewerKpe, "Your key practice episode"),
    ] {
        let v = DataValidation::new()
            .allow_any_value()
            .set_input_title(title)?
            .set_input_message(REVIEWER_MESSAGE)?;
        let col = cols.at(c);
        ws.add_data_validation(0, col, SHEET_ROWS - 1, col, &v)?;
    }
    // The headings and the `#`, `Ref` and `Date` columns stay in view.
    ws.set_freeze_panes(1, cols.at(ChronologyColumn::Date) + 1)?;
    page.setup(ws, "Chronology", 1)?;
    // The technical columns grouped and collapsed: they do not print, and
    // one click on the `+` above them opens them.
    for (first, last) in cols.collapsed_runs() {
        ws.group_columns_collapsed(first, last)?;
    }
    page.legible(ws, cols.printed_widths(), cols.at(ChronologyColumn::Date))?;
    Ok(ws)
}
