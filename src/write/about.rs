//! The `About` sheet: when, how and from which files the workbook was
//! made, the settings it was made with, whether it was anonymised, and the
//! agencies' colours.

use rust_xlsxwriter::{Format, FormatAlign, Workbook, Worksheet, XlsxError};

use super::build::Ctx;
use super::cells::{fit_row, label, row_lines};
use super::formats::{agency_formats, heading_format};
use super::sheet::{add_sheet, end_stream, write_headings};
use crate::dates::display;
use crate::model::ReturnStatus;

/// A line of the sheet: what, and what it is.
type Line = (String, String);

/// Writes the `About` sheet.
pub(super) fn write_about(wb: &mut Workbook, cx: &mut Ctx, stream: bool) -> Result<(), XlsxError> {
    let ws = add_sheet(wb, stream)?;
    ws.set_name("About")?;
    cx.page.setup(ws, "About this workbook", 1)?;
    write_headings(ws, &["About this workbook", ""], &[30.0, 100.0])?;
    // The files first, so that the count of replacements includes them.
    let files = files_read(cx);
    let mut lines = Vec::new();
    workbook_lines(cx, &mut lines);
    settings_lines(cx, &mut lines);
    notes_lines(cx, &mut lines);
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let key = Format::new()
        .set_bold()
        .set_align(FormatAlign::Top)
        .set_text_wrap();
    let mut row = write_lines(ws, 1, &lines, &key, &wrap)?;
    let head = heading_format();
    label(ws, row + 1, 0, "Files read", &head)?;
    label(ws, row + 1, 1, "Agency · status · rows", &head)?;
    row = write_lines(ws, row + 2, &files, &wrap, &wrap)?;
    row = write_legend(ws, cx, row + 1)?;
    end_stream(ws, row, stream)
}

/// Each file found in the folder and what became of it (anonymised).
fn files_read(cx: &mut Ctx) -> Vec<Line> {
    cx.review
        .chronology
        .returns
        .iter()
        .map(|r| {
            let file = cx.input.clean(&r.file).into_owned();
            let line = if r.agency.is_empty() {
                format!("{} ({})", r.status.as_str(), cx.input.clean(&r.note))
            } else {
                let skipped = if r.rows_skipped > 0 {
                    format!(", {} skipped (not events)", r.rows_skipped)
                } else {
                    String::new()
                };
                format!(
                    "{} · {} · {} merged, {} rejected{skipped}",
                    cx.input.clean(&r.agency),
                    r.status.as_str(),
                    r.rows_merged,
                    r.rows_rejected
                )
            };
            (file, line)
        })
        .collect()
}

/// Appends a line.
fn add(lines: &mut Vec<Line>, k: &str, v: String) {
    lines.push((k.to_string(), v));
}

/// What the workbook is: title, reference, marking, when and from which
/// folder it was made, what it holds.
fn workbook_lines(cx: &mut Ctx, lines: &mut Vec<Line>) {
    let review = cx.review;
    let chron = &review.chronology;
    add(lines, "Title", "Multi-agency chronology".into());
    add(
        lines,
        "Review reference",
        if cx.page.reference.is_empty() {
            "(none given: set review in review.toml or use --review)".into()
        } else {
            cx.page.reference.clone()
        },
    );
    add(lines, "Protective marking", cx.page.marking.clone());
    add(
        lines,
        "Made",
        format!(
            "{} at {} by chronomerge {}",
            review.made_at.format(display::DAY),
            review.made_at.format("%H:%M (%:z)"),
            env!("CARGO_PKG_VERSION")
        ),
    );
    let folder = review.dir.display().to_string();
    let folder = cx.input.clean(&folder).into_owned();
    add(lines, "Review folder", folder);
    let merged = chron
        .returns
        .iter()
        .filter(|r| {
            matches!(
                r.status,
                ReturnStatus::Merged | ReturnStatus::MergedWithWarnings
            )
        })
        .count();
    add(
        lines,
        "Contents",
        format!(
            "{} event(s) from {} return(s) of {} agencies; {} file(s) found in the folder (see Returns); {} error(s) and {} warning(s) (see Findings); {} candidate key practice episode(s)",
            chron.events.len(),
            merged,
            chron.agencies.len(),
            chron.returns.len(),
            review.errors(),
            review.warnings(),
            review.analysis.episodes.len()
        ),
    );
}

/// How it was made: period, day of the merge, episode settings, order.
fn settings_lines(cx: &Ctx, lines: &mut Vec<Line>) {
    let review = cx.review;
    let cfg = &review.config;
    let day = |d: chrono::NaiveDate| d.format(display::DAY);
    let period = match (cfg.period_from, cfg.period_to) {
        (Some(f), Some(t)) => format!("{} to {}", day(f), day(t)),
        (Some(f), None) => format!("from {}", day(f)),
        (None, Some(t)) => format!("up to {}", day(t)),
        (None, None) => "not set: no event is marked outside the period".into(),
    };
    add(
        lines,
        "Review period",
        format!("{period}; margin {} day(s)", cfg.margin_days.unwrap_or(0)),
    );
    add(
        lines,
        "Day of the merge",
        day(review.context.dates.today).to_string(),
    );
    add(
        lines,
        "Key practice episode settings",
        match &cfg.episodes {
            Some(t) => format!(
                "review.toml [episodes]: {}",
                toml::to_string(t)
                    .unwrap_or_default()
                    .trim()
                    .replace('\n', "; ")
            ),
            None => "the defaults (see chronomerge merge --help for the flags)".into(),
        },
    );
    add(
        lines,
        "Order",
        "Date, then time (untimed events first in their day), then sequence, then agency, then the agency's own row order. Partial dates sort first in their month or year.".into(),
    );
}

/// How to read it: children's ages, intervals, colours, anonymising,
/// safety.
fn notes_lines(cx: &mut Ctx, lines: &mut Vec<Line>) {
    let kids = children_line(cx);
    add(lines, "Children", kids);
    add(
        lines,
        "Interval",
        "Days since the previous event with a full date, in merged order; empty for the first event and for partial dates.".into(),
    );
    add(
        lines,
        "Colours",
        "Each agency's rows are filled with its colour (legend: the Agencies sheet). Colours come from review.toml, else the palette; every fill keeps black text at a contrast of 13:1 or more (WCAG AA asks 4.5:1): a colour from review.toml that is darker is lightened to a pale tint of it. Neighbouring palette colours are chosen to be easy to tell apart.".into(),
    );
    let opts = cx.opts;
    let anon = match &opts.glossary {
        Some(g) => format!(
            "Yes: {} replacement(s) made with the glossary {} ({} entr{}) in the text written from the returns (whole words, ignoring case). The returns themselves are unchanged.",
            cx.input.replacements,
            opts.glossary_file.as_deref().unwrap_or("(given)"),
            g.len(),
            if g.len() == 1 { "y" } else { "ies" },
        ),
        None => "No: names and places appear as the agencies wrote them. Use --glossary FILE to replace them before sharing the workbook beyond the review team.".into(),
    };
    add(lines, "Anonymised", anon);
    add(
        lines,
        "Safety",
        "Everything from the returns is stored as plain text or numbers: nothing an agency typed can run as a formula, a link or a macro.".into(),
    );
}

/// The children whose ages the chronology shows (their dates of birth
/// left out when anonymising), or how to add them.
fn children_line(cx: &mut Ctx) -> String {
    if cx.kids.is_empty() {
        return "No dates of birth in review.toml, so there is no Age at event column. Add them as [children] \"Child A\" = 2020-05-01.".to_string();
    }
    let anonymised = cx.opts.glossary.is_some();
    let list: Vec<String> = cx
        .kids
        .iter()
        .map(|k| {
            if anonymised {
                cx.input.clean(&k.label).into_owned()
            } else {
                format!("{} (born {})", k.label, k.born.format(display::DAY))
            }
        })
        .collect();
    let mut s = format!(
        "Age at event: years and months on the event's date (its first day for a partial date), 'unborn' before the birth. Children: {}",
        list.join(", ")
    );
    if anonymised {
        s.push_str(" (dates of birth left out of the anonymised workbook)");
    }
    if cx.kids.len() > 1 {
        s.push_str(". The age shown is that of the child the 'Child or family member' cell names (each labelled when it names several); when it names none, that of the eldest, labelled.");
    }
    s
}

/// Writes `lines` from row `row` on, two columns (30 and 100 wide), each
/// row fitted: the row after them.
fn write_lines(
    ws: &mut Worksheet,
    mut row: u32,
    lines: &[Line],
    key: &Format,
    value: &Format,
) -> Result<u32, XlsxError> {
    for (k, v) in lines {
        label(ws, row, 0, k, key)?;
        label(ws, row, 1, v, value)?;
        fit_row(
            ws,
            row,
            row_lines([(k.as_str(), 30.0), (v.as_str(), 100.0)]),
        )?;
        row += 1;
    }
    Ok(row)
}

/// The colour legend from row `row` on: the row after it.
fn write_legend(ws: &mut Worksheet, cx: &Ctx, mut row: u32) -> Result<u32, XlsxError> {
    let head = heading_format();
    label(ws, row, 0, "Legend", &head)?;
    label(ws, row, 1, "", &head)?;
    row += 1;
    for (i, _) in cx.review.chronology.agencies.iter().enumerate() {
        let f = agency_formats(cx.fills[i]);
        let (name, _) = &cx.names[i];
        label(ws, row, 0, name, &f.text)?;
        label(ws, row, 1, &format!("#{:06X}", cx.fills[i]), &f.text)?;
        row += 1;
    }
    Ok(row)
}
