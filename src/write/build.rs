//! Putting the workbook together: its properties, what every sheet shares
//! ([`Ctx`]) and the sheets in order.

use std::collections::HashMap;
use std::path::Path;

use rust_xlsxwriter::{DocProperties, Format, Workbook, Worksheet, XlsxError};

use super::cells::{label, Input};
use super::chronology::{write_chronology, RowWriter};
use super::page::{marking, Page};
use super::{
    about, agencies, episodes, findings, learning, returns, reviewer, timeline, Built, WriteError,
    WriteOptions, SHEET_ROWS, STREAM_ABOVE_EVENTS, ZIP_LEVEL,
};
use crate::config::Child;
use crate::dates::display;
use crate::review::MergedReview;

/// Everything the sheets share.
pub(super) struct Ctx<'a> {
    pub(super) review: &'a MergedReview,
    pub(super) opts: &'a WriteOptions,
    pub(super) page: Page,
    pub(super) kids: Vec<Child>,
    /// The fill of each agency (configured colours lightened if needed).
    pub(super) fills: Vec<u32>,
    /// Each agency's name as it goes out, and the replacements made in it.
    pub(super) names: Vec<(String, usize)>,
    pub(super) input: Input<'a>,
    /// Where the first event of each episode was written on the
    /// chronology: event index → (sheet number from 1, 0-based row), for
    /// the links on the episodes sheet.
    pub(super) episode_starts: HashMap<usize, (u32, u32)>,
    /// The rows a sheet is filled to: [`WriteOptions::rows_per_sheet`]
    /// less one, which a streamed sheet needs after its last row (see
    /// [`super::sheet::end_stream`]).
    pub(super) rows_used: u32,
}

impl<'a> Ctx<'a> {
    /// What the sheets of `review`'s workbook share.
    pub(super) fn new(
        review: &'a MergedReview,
        opts: &'a WriteOptions,
    ) -> Result<Ctx<'a>, WriteError> {
        let kids = review.children.clone();
        let mut input = Input::new(opts.glossary.as_ref());
        let agencies = &review.chronology.agencies;
        let fills = agencies
            .iter()
            .map(|a| crate::palette::legible(a.colour))
            .collect();
        let names = agencies
            .iter()
            .map(|a| {
                let before = input.replacements;
                let name = input.clean(&a.name).into_owned();
                let n = input.replacements - before;
                input.replacements = before;
                (name, n)
            })
            .collect();
        Ok(Ctx {
            review,
            opts,
            page: Page {
                reference: review.config.review.clone().unwrap_or_default(),
                marking: marking(&review.config),
                made: review.made_at.format(display::DAY_TIME).to_string(),
            },
            kids,
            fills,
            names,
            input,
            episode_starts: HashMap::new(),
            rows_used: opts
                .rows_per_sheet
                .map_or(SHEET_ROWS, |n| n.clamp(3, SHEET_ROWS))
                - 1,
        })
    }

    /// Writes an agency's name (anonymised once, counted per cell).
    pub(super) fn agency(
        &mut self,
        ws: &mut Worksheet,
        row: u32,
        col: u16,
        a: usize,
        f: &Format,
    ) -> Result<(), XlsxError> {
        let (name, n) = &self.names[a];
        self.input.replacements += n;
        label(ws, row, col, name, f)
    }
}

/// The workbook's document properties: title, subject, author, marking.
fn properties(cx: &Ctx) -> DocProperties {
    let (reference, marking) = (&cx.page.reference, &cx.page.marking);
    let version = env!("CARGO_PKG_VERSION");
    let title = if reference.is_empty() {
        "Multi-agency chronology".to_string()
    } else {
        format!("Multi-agency chronology {reference}")
    };
    DocProperties::new()
        .set_title(&title)
        .set_subject(if reference.is_empty() {
            "Child safeguarding practice review".to_string()
        } else {
            format!("Child safeguarding practice review {reference}")
        })
        .set_author(format!("chronomerge {version}"))
        .set_category("Child safeguarding practice review chronology")
        .set_keywords(format!("{reference}, {marking}, chronology"))
        .set_status(marking.clone())
        .set_comment(format!(
            "Made by chronomerge {version} on {}. Protective marking: {marking}.",
            cx.review.made_at.format(display::DAY_TIME)
        ))
        .set_custom_property("Review reference", reference.as_str())
        .set_custom_property("Protective marking", marking.as_str())
        .set_custom_property("Created by", format!("chronomerge {version}").as_str())
        .set_custom_property("Anonymised", cx.opts.glossary.is_some())
}

/// Builds the workbook. With `stream_dir`, the sheets (all but `Timeline`,
/// see [`super::sheet::add_sheet`]) are streamed row by row through
/// temporary files in that folder (the output's own folder, so nothing is
/// written anywhere else) instead of being held in memory:
/// rust_xlsxwriter's constant-memory mode, which is both faster and far
/// smaller for a large chronology. The `Chronology`'s rows are then
/// written by the engine at the save when `engine_rows`, else by
/// rust_xlsxwriter (the fallback, see [`Built::save_atomically`]).
pub(super) fn build<'a>(
    review: &'a MergedReview,
    opts: &'a WriteOptions,
    stream_dir: Option<&Path>,
    engine_rows: bool,
) -> Result<Built<'a>, WriteError> {
    let mut cx = Ctx::new(review, opts)?;
    let mut wb = Workbook::new();
    // Deflate level 1 instead of 6: see ZIP_LEVEL.
    wb.set_zip_compression_level(ZIP_LEVEL);
    if let Some(dir) = stream_dir {
        wb.set_tempdir(dir)?;
    }
    wb.set_properties(&properties(&cx));
    // Streaming (see STREAM_ABOVE_EVENTS) needs a folder for its temporary
    // files: the output's own.
    let stream = stream_dir.is_some()
        && review.chronology.events.len() > opts.stream_above.unwrap_or(STREAM_ABOVE_EVENTS);
    let writer = match (stream, engine_rows) {
        (false, _) => RowWriter::Memory,
        (true, true) => RowWriter::Engine,
        (true, false) => RowWriter::Crate,
    };
    let pending = write_chronology(&mut wb, &mut cx, writer)?;
    reviewer::write_not_placed(&mut wb, &mut cx, stream)?;
    timeline::write_timeline(&mut wb, &mut cx)?;
    episodes::write_episodes(&mut wb, &mut cx, stream)?;
    learning::write_learning(&mut wb, &mut cx, stream)?;
    findings::write_findings(&mut wb, &mut cx, stream)?;
    returns::write_returns(&mut wb, &mut cx, stream)?;
    agencies::write_agencies(&mut wb, &mut cx, stream)?;
    about::write_about(&mut wb, &mut cx, stream)?;
    Ok(Built {
        workbook: wb,
        pending,
        fell_back: false,
    })
}
