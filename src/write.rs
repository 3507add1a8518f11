//! Write: the merged workbook that the reviewer opens (see `OUTPUT.md`).
//!
//! Every cell that comes from a return is written as a string or a number,
//! never as a formula, link or rich text, so nothing an agency typed can run
//! on the reviewer's machine. The file is written to a temporary file in the
//! output folder and renamed over the target, so a reader never sees half a
//! workbook and a failed write leaves the previous one in place.

use std::path::{Path, PathBuf};

use rust_xlsxwriter::{
    Color, DocProperties, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

use crate::dates::{datetime_to_serial, render_partial, Precision};
use crate::pipeline::MergedReview;

/// Excel's limit on the characters of one cell.
pub const CELL_LIMIT: usize = 32_767;
/// Rows on one sheet, heading included.
pub const SHEET_ROWS: u32 = 1_048_576;

/// The headings of the `Chronology` sheet, in order.
pub const CHRONOLOGY_HEADINGS: [&str; 16] = [
    "#",
    "Date",
    "Time",
    "Agency",
    "Source of information",
    "Practitioner role",
    "Child or family member",
    "Event type",
    "Details of event",
    "Action / outcome",
    "Analysis / comment",
    "Date as written",
    "Date note",
    "Key practice episode",
    "Also reported by",
    "Origin",
];

const WIDTHS: [f64; 16] = [
    7.0, 11.0, 7.0, 18.0, 18.0, 16.0, 14.0, 18.0, 60.0, 30.0, 30.0, 14.0, 16.0, 10.0, 18.0, 28.0,
];

/// Why the workbook could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The output folder cannot be written to.
    #[error("cannot write in {dir}: {source}. Choose another output with -o")]
    Folder {
        /// The folder.
        dir: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The workbook library failed.
    #[error("the workbook could not be built: {0}")]
    Xlsx(#[from] XlsxError),
    /// The target is locked (open in Excel) or cannot be replaced.
    #[error("cannot replace {path}: {source}. If the workbook is open in Excel, close it and run again, or choose another output with -o")]
    Replace {
        /// The target.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// Text safe to hand to the writer: an empty string stays empty, and a
/// string over Excel's cell limit is split into parts (see
/// [`split_for_cells`]).
///
/// ```
/// let parts = chronomerge::write::split_for_cells(&"x".repeat(70_000));
/// assert_eq!(parts.len(), 3);
/// assert!(parts.iter().all(|p| p.chars().count() <= chronomerge::write::CELL_LIMIT));
/// assert_eq!(parts.concat(), "x".repeat(70_000));
/// ```
pub fn split_for_cells(text: &str) -> Vec<&str> {
    // Excel counts UTF-16 units; stay well inside by counting chars and
    // cutting at 32,000.
    const PART: usize = 32_000;
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

/// Writes a string cell. Text that looks like a formula stays text: the
/// writer never parses strings, and a string is stored as a string.
fn text(ws: &mut Worksheet, row: u32, col: u16, s: &str, f: &Format) -> Result<(), XlsxError> {
    if s.is_empty() {
        ws.write_blank(row, col, f)?;
    } else {
        ws.write_string_with_format(row, col, s, f)?;
    }
    Ok(())
}

struct AgencyFormats {
    text: Format,
    date_day: Format,
    date_month: Format,
    date_year: Format,
    time: Format,
    number: Format,
    note: Format,
}

fn agency_formats(colour: u32) -> AgencyFormats {
    let base = Format::new()
        .set_background_color(Color::RGB(colour))
        .set_border(FormatBorder::Thin)
        .set_border_color(Color::RGB(0xA6A6A6))
        .set_align(FormatAlign::Top);
    AgencyFormats {
        text: base.clone().set_text_wrap(),
        date_day: base.clone().set_num_format("dd/mm/yyyy"),
        date_month: base.clone().set_num_format("mmm yyyy"),
        date_year: base.clone().set_num_format("yyyy"),
        time: base.clone().set_num_format("hh:mm"),
        number: base.clone(),
        note: base.set_text_wrap().set_italic(),
    }
}

fn heading_format() -> Format {
    Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_background_color(Color::RGB(0x1F3864))
        .set_font_color(Color::White)
        .set_border(FormatBorder::Thin)
}

fn write_headings(ws: &mut Worksheet, headings: &[&str], widths: &[f64]) -> Result<(), XlsxError> {
    let h = heading_format();
    for (i, name) in headings.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, *name, &h)?;
        if let Some(w) = widths.get(i) {
            ws.set_column_width(i as u16, *w)?;
        }
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

/// Writes the merged workbook to `path`, atomically.
pub fn write_workbook(review: &MergedReview, path: &Path) -> Result<(), WriteError> {
    let mut wb = build_workbook(review)?;
    save_atomically(&mut wb, path)
}

/// Saves a workbook through a temporary file in the target's folder, then
/// renames it over the target.
pub fn save_atomically(wb: &mut Workbook, path: &Path) -> Result<(), WriteError> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let tmp = tempfile::Builder::new()
        .prefix(".chronomerge-")
        .suffix(".tmp")
        .tempfile_in(&dir)
        .map_err(|source| WriteError::Folder {
            dir: dir.clone(),
            source,
        })?;
    {
        let mut w = std::io::BufWriter::new(tmp.as_file());
        wb.save_to_writer(&mut w)?;
        use std::io::Write;
        w.flush().map_err(|source| WriteError::Folder {
            dir: dir.clone(),
            source,
        })?;
    }
    tmp.as_file()
        .sync_all()
        .map_err(|source| WriteError::Folder {
            dir: dir.clone(),
            source,
        })?;
    tmp.persist(path).map_err(|e| WriteError::Replace {
        path: path.to_path_buf(),
        source: e.error,
    })?;
    Ok(())
}

/// Builds the workbook in memory.
pub fn build_workbook(review: &MergedReview) -> Result<Workbook, XlsxError> {
    let mut wb = Workbook::new();
    let reference = review.config.review.clone().unwrap_or_default();
    wb.set_properties(
        &DocProperties::new()
            .set_title(if reference.is_empty() {
                "Multi-agency chronology".to_string()
            } else {
                format!("Multi-agency chronology {reference}")
            })
            .set_author("chronomerge")
            .set_comment(format!("Made by chronomerge {}", env!("CARGO_PKG_VERSION"))),
    );
    write_chronology(&mut wb, review)?;
    write_episodes(&mut wb, review)?;
    write_findings(&mut wb, review)?;
    write_returns(&mut wb, review)?;
    write_agencies(&mut wb, review)?;
    Ok(wb)
}

fn write_chronology(wb: &mut Workbook, review: &MergedReview) -> Result<(), XlsxError> {
    let chron = &review.chronology;
    let analysis = &review.analysis;
    let formats: Vec<AgencyFormats> = chron
        .agencies
        .iter()
        .map(|a| agency_formats(a.colour))
        .collect();
    let marking = review
        .config
        .marking
        .clone()
        .unwrap_or_else(|| "OFFICIAL-SENSITIVE".into());
    let mut sheet_no = 1;
    let mut ws = new_chronology_sheet(wb, sheet_no, &marking, review)?;
    let mut row: u32 = 1;
    for (i, ev) in chron.events.iter().enumerate() {
        let f = &formats[ev.agency];
        let parts = split_for_cells(&ev.details);
        let action_parts = split_for_cells(&ev.action);
        let analysis_parts = split_for_cells(&ev.analysis);
        let n_parts = parts
            .len()
            .max(action_parts.len())
            .max(analysis_parts.len());
        for part in 0..n_parts {
            if row >= SHEET_ROWS {
                ws.autofilter(0, 0, SHEET_ROWS - 1, (CHRONOLOGY_HEADINGS.len() - 1) as u16)?;
                sheet_no += 1;
                ws = new_chronology_sheet(wb, sheet_no, &marking, review)?;
                row = 1;
            }
            let tf = if ev.is_note { &f.note } else { &f.text };
            ws.write_number_with_format(row, 0, (i + 1) as f64, &f.number)?;
            let serial = datetime_to_serial(ev.date.start.and_time(chrono::NaiveTime::MIN));
            let df = match ev.date.precision {
                Precision::Day => &f.date_day,
                Precision::Month => &f.date_month,
                Precision::Year => &f.date_year,
            };
            ws.write_number_with_format(row, 1, serial, df)?;
            match ev.time {
                Some(t) => {
                    use chrono::Timelike;
                    ws.write_number_with_format(
                        row,
                        2,
                        t.num_seconds_from_midnight() as f64 / 86_400.0,
                        &f.time,
                    )?;
                }
                None => {
                    ws.write_blank(row, 2, &f.text)?;
                }
            }
            text(ws, row, 3, &chron.agencies[ev.agency].name, tf)?;
            if part == 0 {
                text(ws, row, 4, &ev.source, tf)?;
                text(ws, row, 5, &ev.role, tf)?;
                text(ws, row, 6, &ev.subject, tf)?;
                let et = if ev.event_type.is_empty() && ev.is_note {
                    "Author's note"
                } else {
                    &ev.event_type
                };
                text(ws, row, 7, et, tf)?;
            } else {
                let cont = format!("(continued, part {} of {n_parts})", part + 1);
                text(ws, row, 4, &cont, tf)?;
                for c in 5..=7 {
                    ws.write_blank(row, c, tf)?;
                }
            }
            text(ws, row, 8, parts.get(part).copied().unwrap_or(""), tf)?;
            text(
                ws,
                row,
                9,
                action_parts.get(part).copied().unwrap_or(""),
                tf,
            )?;
            text(
                ws,
                row,
                10,
                analysis_parts.get(part).copied().unwrap_or(""),
                tf,
            )?;
            text(ws, row, 11, ev.date_written.trim(), tf)?;
            let mut note = ev.date.note();
            if ev.outside_period {
                if !note.is_empty() {
                    note.push_str("; ");
                }
                note.push_str("outside review period");
            }
            if n_parts > 1 {
                if !note.is_empty() {
                    note.push_str("; ");
                }
                note.push_str(&format!("long text: part {} of {n_parts}", part + 1));
            }
            text(ws, row, 12, &note, tf)?;
            let kpe = analysis
                .episode_of
                .get(i)
                .copied()
                .flatten()
                .map(|e| analysis.episodes[e].id())
                .unwrap_or_default();
            text(ws, row, 13, &kpe, tf)?;
            let also = analysis
                .also_reported_by
                .get(i)
                .map(|v| {
                    let mut names: Vec<&str> = v
                        .iter()
                        .map(|&j| chron.agencies[chron.events[j].agency].name.as_str())
                        .collect();
                    names.sort();
                    names.dedup();
                    names.join(", ")
                })
                .unwrap_or_default();
            text(ws, row, 14, &also, tf)?;
            text(
                ws,
                row,
                15,
                &format!(
                    "{} › {} › {}",
                    ev.origin.file, ev.origin.sheet, ev.origin.row
                ),
                tf,
            )?;
            row += 1;
        }
    }
    ws.autofilter(
        0,
        0,
        row.saturating_sub(1).max(1),
        (CHRONOLOGY_HEADINGS.len() - 1) as u16,
    )?;
    Ok(())
}

fn new_chronology_sheet<'a>(
    wb: &'a mut Workbook,
    n: u32,
    marking: &str,
    review: &MergedReview,
) -> Result<&'a mut Worksheet, XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name(if n == 1 {
        "Chronology".to_string()
    } else {
        format!("Chronology ({n})")
    })?;
    write_headings(ws, &CHRONOLOGY_HEADINGS, &WIDTHS)?;
    ws.set_freeze_panes(1, 2)?;
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(0, 0)?;
    let reference = review.config.review.clone().unwrap_or_default();
    ws.set_header(format!(
        "&L{}&C&\"-,Bold\"{}&RMulti-agency chronology",
        escape_hf(&reference),
        escape_hf(marking)
    ));
    ws.set_footer("&LMade by chronomerge&CPage &P of &N");
    Ok(ws)
}

/// Escapes `&` for an Excel header or footer.
fn escape_hf(s: &str) -> String {
    s.replace('&', "&&")
}

fn write_episodes(wb: &mut Workbook, review: &MergedReview) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name("Key practice episodes")?;
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
    let date = Format::new()
        .set_num_format("dd/mm/yyyy")
        .set_align(FormatAlign::Top);
    let score = Format::new()
        .set_num_format("0.0")
        .set_align(FormatAlign::Top);
    let chron = &review.chronology;
    let a = &review.analysis;
    // The chronology row of each event (1-based sheet row), for links.
    let mut first_row = 1u32;
    let mut rows_of: Vec<u32> = Vec::with_capacity(chron.events.len());
    for ev in &chron.events {
        rows_of.push(first_row + 1);
        let n = split_for_cells(&ev.details)
            .len()
            .max(split_for_cells(&ev.action).len())
            .max(split_for_cells(&ev.analysis).len());
        first_row += n as u32;
    }
    let mut row = 1u32;
    for ep in &a.episodes {
        text(ws, row, 0, &ep.id(), &wrap)?;
        ws.write_number_with_format(
            row,
            1,
            datetime_to_serial(ep.first.and_time(chrono::NaiveTime::MIN)),
            &date,
        )?;
        ws.write_number_with_format(
            row,
            2,
            datetime_to_serial(ep.last.and_time(chrono::NaiveTime::MIN)),
            &date,
        )?;
        let names: Vec<&str> = ep
            .agencies
            .iter()
            .map(|&i| chron.agencies[i].name.as_str())
            .collect();
        text(ws, row, 3, &names.join(", "), &wrap)?;
        ws.write_number_with_format(row, 4, ep.events.len() as f64, &wrap)?;
        ws.write_number_with_format(row, 5, ep.joint_events as f64, &wrap)?;
        ws.write_number_with_format(row, 6, ep.score, &score)?;
        text(ws, row, 7, &ep.reason, &wrap)?;
        if let Some(&first) = ep.events.iter().min() {
            let r = rows_of[first];
            if r < SHEET_ROWS {
                ws.write_url_with_text(
                    row,
                    8,
                    format!("internal:'Chronology'!A{r}").as_str(),
                    format!("row {r}"),
                )?;
            }
        }
        row += 1;
    }
    if a.episodes.is_empty() {
        text(ws, row, 0, "", &wrap)?;
        text(
            ws,
            row,
            7,
            "No stretch of the chronology met the thresholds for a candidate episode.",
            &wrap,
        )?;
        row += 1;
    }
    row += 1;
    let bold = Format::new().set_bold();
    ws.write_string_with_format(row, 0, "Longest gaps with no recorded event", &bold)?;
    row += 1;
    let h = heading_format();
    for (c, name) in ["Gap", "From", "To", "Days"].iter().enumerate() {
        ws.write_string_with_format(row, c as u16, *name, &h)?;
    }
    row += 1;
    for (i, g) in a.gaps.iter().enumerate() {
        text(ws, row, 0, &format!("Gap {}", i + 1), &wrap)?;
        ws.write_number_with_format(
            row,
            1,
            datetime_to_serial(g.from.and_time(chrono::NaiveTime::MIN)),
            &date,
        )?;
        ws.write_number_with_format(
            row,
            2,
            datetime_to_serial(g.to.and_time(chrono::NaiveTime::MIN)),
            &date,
        )?;
        ws.write_number(row, 3, g.days as f64)?;
        row += 1;
    }
    Ok(())
}

fn write_findings(wb: &mut Workbook, review: &MergedReview) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name("Findings")?;
    let headings = ["Severity", "File", "Sheet", "Cell", "Code", "Message"];
    write_headings(ws, &headings, &[9.0, 28.0, 16.0, 9.0, 24.0, 90.0])?;
    let err = Format::new()
        .set_background_color(Color::RGB(0xF8D7DA))
        .set_text_wrap()
        .set_align(FormatAlign::Top);
    let warn = Format::new()
        .set_background_color(Color::RGB(0xFFF3CD))
        .set_text_wrap()
        .set_align(FormatAlign::Top);
    let mut row = 1u32;
    for f in &review.chronology.findings {
        let fmt = if f.is_error() { &err } else { &warn };
        text(ws, row, 0, f.severity.as_str(), fmt)?;
        text(ws, row, 1, &f.file, fmt)?;
        text(ws, row, 2, &f.sheet, fmt)?;
        text(ws, row, 3, &f.cell, fmt)?;
        text(ws, row, 4, f.code.as_str(), fmt)?;
        for (k, part) in split_for_cells(&f.message).into_iter().enumerate() {
            if k > 0 {
                row += 1;
            }
            text(ws, row, 5, part, fmt)?;
        }
        row += 1;
        if row >= SHEET_ROWS {
            break;
        }
    }
    ws.autofilter(0, 0, row.saturating_sub(1).max(1), 5)?;
    Ok(())
}

fn write_returns(wb: &mut Workbook, review: &MergedReview) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name("Returns")?;
    let headings = [
        "File",
        "Agency",
        "Format",
        "Status",
        "Rows read",
        "Rows merged",
        "Rows rejected",
        "First date",
        "Last date",
        "Review reference",
        "Note",
    ];
    write_headings(
        ws,
        &headings,
        &[
            30.0, 28.0, 8.0, 20.0, 10.0, 10.0, 10.0, 11.0, 11.0, 16.0, 50.0,
        ],
    )?;
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let date = Format::new()
        .set_num_format("dd/mm/yyyy")
        .set_align(FormatAlign::Top);
    for (i, r) in review.chronology.returns.iter().enumerate() {
        let row = i as u32 + 1;
        text(ws, row, 0, &r.file, &wrap)?;
        text(ws, row, 1, &r.agency, &wrap)?;
        let fmt = r
            .format
            .map(|f| format!("{f:?}").to_lowercase())
            .unwrap_or_default();
        text(ws, row, 2, &fmt, &wrap)?;
        text(ws, row, 3, r.status.as_str(), &wrap)?;
        ws.write_number(row, 4, r.rows_read as f64)?;
        ws.write_number(row, 5, r.rows_merged as f64)?;
        ws.write_number(row, 6, r.rows_rejected as f64)?;
        if let Some(d) = r.first {
            ws.write_number_with_format(
                row,
                7,
                datetime_to_serial(d.and_time(chrono::NaiveTime::MIN)),
                &date,
            )?;
        }
        if let Some(d) = r.last {
            ws.write_number_with_format(
                row,
                8,
                datetime_to_serial(d.and_time(chrono::NaiveTime::MIN)),
                &date,
            )?;
        }
        text(ws, row, 9, &r.review_reference, &wrap)?;
        text(ws, row, 10, &r.note, &wrap)?;
    }
    ws.autofilter(0, 0, (review.chronology.returns.len() as u32).max(1), 10)?;
    Ok(())
}

fn write_agencies(wb: &mut Workbook, review: &MergedReview) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name("Agencies")?;
    let headings = [
        "Agency",
        "Colour",
        "Rows merged",
        "Rows rejected",
        "First event",
        "Last event",
        "Returns",
    ];
    write_headings(ws, &headings, &[32.0, 10.0, 12.0, 12.0, 12.0, 12.0, 40.0])?;
    let chron = &review.chronology;
    let mut first = vec![None; chron.agencies.len()];
    let mut last = vec![None; chron.agencies.len()];
    for ev in &chron.events {
        let a = ev.agency;
        if first[a].is_none() {
            first[a] = Some(ev.date);
        }
        last[a] = Some(ev.date);
    }
    for (i, a) in chron.agencies.iter().enumerate() {
        let row = i as u32 + 1;
        let f = agency_formats(a.colour);
        text(ws, row, 0, &a.name, &f.text)?;
        text(ws, row, 1, &format!("#{:06X}", a.colour), &f.text)?;
        ws.write_number_with_format(row, 2, a.events as f64, &f.number)?;
        ws.write_number_with_format(row, 3, a.rejected as f64, &f.number)?;
        let show = |d: Option<crate::dates::DateValue>| {
            d.map(|d| render_partial(d.start, d.precision))
                .unwrap_or_default()
        };
        text(ws, row, 4, &show(first[i]), &f.text)?;
        text(ws, row, 5, &show(last[i]), &f.text)?;
        text(ws, row, 6, &a.files.join(", "), &f.text)?;
    }
    Ok(())
}
