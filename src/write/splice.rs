//! Saving a workbook whose `Chronology` rows are written straight into the
//! file.
//!
//! rust_xlsxwriter fills a sheet on one thread, and its cost per cell (a
//! `Format` hashed, a row record kept, the XML made while the next row
//! waits) was most of a large merge. So when the workbook goes to a file,
//! the `Chronology` sheets are built in rust_xlsxwriter with their heading
//! row only (their columns, panes, filter and page set up as usual), and
//! the save goes:
//!
//! 1. rust_xlsxwriter saves that workbook to memory (every other sheet in
//!    full, the chronology sheets as headings);
//! 2. a thread writes the chronology's rows as sheet XML ([`super::rows`])
//!    while this one compresses it into the output, one chunk after
//!    another, between the heading sheet's own start and end;
//! 3. every other part of rust_xlsxwriter's file is copied over as it is,
//!    already compressed.
//!
//! The style index of each agency's formats is read from rust_xlsxwriter's
//! own output: the first chronology sheet is built with one probe cell per
//! format below its heading, which the save drops again.

use std::io::{BufWriter, Cursor, Read, Write};
use std::path::Path;
use std::sync::mpsc::{sync_channel, Receiver};

use rust_xlsxwriter::Workbook;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipArchive, ZipWriter};

use super::rows::{to_xml, Cursor as RowCursor, Fmt, Layout, Row, Rows, XfTable};
use super::{Child, Cols, WriteError, ZIP_LEVEL};
use crate::glossary::Glossary;
use crate::output::{OutputError, Step};
use crate::pipeline::MergedReview;

/// The chronology of a workbook still to be written: what the save needs
/// to write its rows.
pub(super) struct Pending<'a> {
    pub(super) review: &'a MergedReview,
    pub(super) glossary: Option<&'a Glossary>,
    pub(super) cols: Cols,
    pub(super) kids: Vec<Child>,
    pub(super) names: Vec<(String, usize)>,
    pub(super) rows_used: u32,
    pub(super) layout: Layout,
    /// Probe cells on the first sheet: one per format of each agency.
    pub(super) probes: usize,
}

/// What the writing thread hands over.
enum Chunk {
    /// More rows of the current sheet.
    Rows(Vec<u8>),
    /// The current sheet is complete.
    EndSheet,
}

/// Bytes of XML a chunk holds before it is handed over.
const CHUNK_BYTES: usize = 1 << 20;

/// Above this many events the rows are written on a thread of their own
/// while the save compresses them; a small review (most of a `batch`)
/// writes them in turn, sparing a thread.
const THREAD_ABOVE: usize = 2_048;

/// Writes the rows, chunk by chunk.
struct Writer<'a> {
    rows: Rows<'a>,
    cursor: RowCursor,
    xf: &'a [u32],
    next: usize,
    row: Row,
    out: Vec<u8>,
    ready: std::collections::VecDeque<Chunk>,
    done: bool,
}

impl<'a> Writer<'a> {
    fn new(p: &'a Pending<'a>, xf: &'a [u32]) -> Writer<'a> {
        let chron = &p.review.chronology;
        Writer {
            rows: Rows::new(
                &chron.events,
                &p.review.analysis,
                &p.cols,
                &p.kids,
                &p.names,
                p.glossary,
            ),
            cursor: RowCursor::new(p.rows_used),
            xf,
            next: 0,
            row: Row::default(),
            out: Vec::with_capacity(CHUNK_BYTES + (64 << 10)),
            ready: Default::default(),
            done: false,
        }
    }

    /// The next chunk; `None` after the last sheet's end.
    fn next_chunk(&mut self) -> Option<Chunk> {
        loop {
            if let Some(c) = self.ready.pop_front() {
                return Some(c);
            }
            if self.done {
                return None;
            }
            let events = self.rows.len();
            if self.next == events {
                self.done = true;
                self.ready
                    .push_back(Chunk::Rows(std::mem::take(&mut self.out)));
                self.ready.push_back(Chunk::EndSheet);
                continue;
            }
            let i = self.next;
            let Writer {
                rows,
                cursor,
                xf,
                row,
                out,
                ready,
                ..
            } = self;
            let _ = rows.event(i, row, |r| {
                let (_, at, new) = cursor.advance();
                if new {
                    ready.push_back(Chunk::Rows(std::mem::take(out)));
                    ready.push_back(Chunk::EndSheet);
                }
                to_xml(out, at, r, xf);
                Ok::<(), ()>(())
            });
            self.next += 1;
            if self.out.len() >= CHUNK_BYTES {
                let full =
                    std::mem::replace(&mut self.out, Vec::with_capacity(CHUNK_BYTES + (64 << 10)));
                self.ready.push_back(Chunk::Rows(full));
            }
        }
    }
}

/// A heading sheet as rust_xlsxwriter wrote it, cut where the rows go.
struct Frame {
    /// Up to and including the heading row's `</row>`, the sheet's
    /// dimension set to the rows it will hold.
    head: String,
    /// From `</sheetData>` on.
    tail: String,
}

fn internal(what: &str) -> WriteError {
    WriteError::Internal(format!(
        "{what}. This is a fault in chronomerge, not in the returns: please report it"
    ))
}

/// Reads sheet `k`'s XML and cuts it, its rows to end at 0-based row
/// `last_row` (0: the heading alone); for the first sheet also reads the
/// probes' style indexes.
fn frame(
    archive: &mut ZipArchive<Cursor<Vec<u8>>>,
    k: usize,
    last_row: u32,
    last_col: u16,
    probes: usize,
    xf: &mut XfTable,
) -> Result<Frame, WriteError> {
    let name = format!("xl/worksheets/sheet{k}.xml");
    let mut xml = String::new();
    archive
        .by_name(&name)
        .map_err(|_| internal(&format!("the heading sheet {name} is missing")))?
        .read_to_string(&mut xml)
        .map_err(|_| internal(&format!("the heading sheet {name} cannot be read")))?;
    let data = xml
        .find("<sheetData>")
        .ok_or_else(|| internal(&format!("{name} has no rows")))?;
    let head_end = xml[data..]
        .find("</row>")
        .map(|i| data + i + "</row>".len())
        .ok_or_else(|| internal(&format!("{name} has no heading row")))?;
    let tail_start = xml[head_end..]
        .find("</sheetData>")
        .map(|i| head_end + i)
        .ok_or_else(|| internal(&format!("{name} has no end of rows")))?;
    if k == 1 {
        // The probes: `<c r="A2" s="17"/>`, one a row, in format order.
        let between = &xml[head_end..tail_start];
        xf.clear();
        for part in between.split(" s=\"").skip(1) {
            let n = part
                .split('"')
                .next()
                .and_then(|n| n.parse::<u32>().ok())
                .ok_or_else(|| internal("a probe cell has no style index"))?;
            xf.push(n);
        }
        if xf.len() != probes {
            return Err(internal(&format!(
                "{} probe cells found on the chronology sheet, {probes} written",
                xf.len()
            )));
        }
    }
    let mut head = xml[..head_end].to_string();
    // The dimension: rust_xlsxwriter saw the heading (and probes) only.
    if let Some(d) = head.find("<dimension ref=\"") {
        let from = d + "<dimension ref=\"".len();
        if let Some(len) = head[from..].find('"') {
            let mut col = Vec::new();
            super::rows::push_col(&mut col, last_col);
            let col = String::from_utf8(col).unwrap_or_default();
            head.replace_range(from..from + len, &format!("A1:{col}{}", last_row + 1));
        }
    }
    Ok(Frame {
        head,
        tail: xml[tail_start..].to_string(),
    })
}

/// Saves `wb` to `path` atomically (a temporary file in the same folder,
/// renamed over it), with the chronology's rows written in.
pub(super) fn save(wb: &mut Workbook, p: &Pending<'_>, path: &Path) -> Result<(), WriteError> {
    let folder =
        |source: std::io::Error| WriteError::from(OutputError::new(path, Step::Write, source));
    let zip_err = |e: zip::result::ZipError| match e {
        zip::result::ZipError::Io(source) => folder(source),
        e => internal(&format!("the workbook's zip could not be written ({e})")),
    };
    let base = wb.save_to_buffer()?;
    let mut archive = ZipArchive::new(Cursor::new(base))
        .map_err(|e| internal(&format!("rust_xlsxwriter's file cannot be read back ({e})")))?;
    let sheets = p.layout.sheet_ends.len();
    let last_col = p.cols.last();
    let mut xf = XfTable::new();
    let mut frames = Vec::with_capacity(sheets);
    for (k, &end) in p.layout.sheet_ends.iter().enumerate() {
        frames.push(frame(
            &mut archive,
            k + 1,
            end - 1,
            last_col,
            p.probes,
            &mut xf,
        )?);
    }
    // Past 4 GB a zip entry needs the ZIP64 form, which a few readers lack:
    // only then. At most 7 bytes of XML a byte of text (`_x0001_`), and
    // well under 4 KB a row besides.
    let bound = p.layout.text_bytes * 7 + p.layout.rows * 4096 + (1 << 20);
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(ZIP_LEVEL as i64))
        .unix_permissions(0o600)
        .last_modified_time(DateTime::default())
        .large_file(bound >= u32::MAX as u64 / 2);

    crate::output::write_atomically(path, |file| {
        let mut zw = ZipWriter::new(BufWriter::with_capacity(1 << 16, file));
        std::thread::scope(|scope| -> Result<(), WriteError> {
            let (tx, rx) = sync_channel::<Chunk>(4);
            let xf = &xf;
            let spawned = if p.review.chronology.events.len() > THREAD_ABOVE {
                std::thread::Builder::new()
                    .name("chronomerge-rows".into())
                    .spawn_scoped(scope, move || {
                        let mut w = Writer::new(p, xf);
                        while let Some(c) = w.next_chunk() {
                            // The save has stopped (an error): so does this.
                            if tx.send(c).is_err() {
                                return;
                            }
                        }
                    })
                    .is_ok()
            } else {
                false
            };
            // A small review, or no thread to be had: the rows are written
            // here, in turn.
            let mut here = None;
            let rx: Option<Receiver<Chunk>> = if spawned {
                Some(rx)
            } else {
                here = Some(Writer::new(p, xf));
                None
            };
            let mut next = || match (&rx, &mut here) {
                (Some(rx), _) => rx.recv().ok(),
                (None, Some(w)) => w.next_chunk(),
                (None, None) => None,
            };
            for i in 0..archive.len() {
                let file = archive.by_index_raw(i).map_err(zip_err)?;
                let name = file.name().map_err(zip_err)?.into_owned();
                let k = sheet_number(&name).filter(|&k| k >= 1 && k <= sheets);
                let Some(k) = k else {
                    zw.raw_copy_file(file).map_err(zip_err)?;
                    continue;
                };
                drop(file);
                let f = &frames[k - 1];
                zw.start_file(name, options).map_err(zip_err)?;
                zw.write_all(f.head.as_bytes()).map_err(folder)?;
                loop {
                    match next() {
                        Some(Chunk::Rows(b)) => zw.write_all(&b).map_err(folder)?,
                        Some(Chunk::EndSheet) => break,
                        None => return Err(internal("the chronology's rows ended early")),
                    }
                }
                zw.write_all(f.tail.as_bytes()).map_err(folder)?;
            }
            let mut out = zw.finish().map_err(zip_err)?;
            out.flush().map_err(folder)?;
            Ok(())
        })
    })
}

/// `k` of `xl/worksheets/sheetk.xml`.
fn sheet_number(name: &str) -> Option<usize> {
    name.strip_prefix("xl/worksheets/sheet")?
        .strip_suffix(".xml")?
        .parse()
        .ok()
}

/// How many probe cells the first chronology sheet carries for `agencies`.
pub(super) fn probes_for(agencies: usize) -> usize {
    agencies * Fmt::ALL.len()
}
