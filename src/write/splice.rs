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
//! 2. each chronology sheet's part is found the way a reader finds it
//!    (its name in `xl/workbook.xml` → its relationship id → its target in
//!    `xl/_rels/workbook.xml.rels`), and cut after its heading row
//!    ([`cut`]);
//! 3. a thread writes the chronology's rows as sheet XML ([`super::rows`])
//!    while this one compresses it into the output, one chunk after
//!    another, between the heading sheet's own start and end;
//! 4. every other part of rust_xlsxwriter's file is copied over as it is,
//!    already compressed.
//!
//! The style index of each agency's formats is read from rust_xlsxwriter's
//! own output: the first chronology sheet is built with one probe cell per
//! format below its heading, which the save drops again.
//!
//! # Kept, and hardened (issue 20)
//!
//! The splice stays: it is what keeps a large merge under the time of
//! reading its returns and writing them with rust_xlsxwriter alone
//! (`docs/performance.md`). What makes it safe:
//!
//! - rust_xlsxwriter is pinned to the exact version whose output the rows
//!   are written to match (`=0.102.0` in `Cargo.toml`): a new version is a
//!   deliberate change, made with the tests below passing.
//! - The sheets' parts are found through the workbook's own index, not
//!   guessed from their names.
//! - Any failure to cut ([`WriteError::Internal`]: a part not found, not
//!   shaped as expected, a probe missing, the rows not matching the
//!   layout) makes [`super::Built::save_atomically`] build the workbook
//!   again with every row through rust_xlsxwriter's own constant-memory
//!   writer: the same workbook, slower. Nothing is half written: the
//!   spliced file is a temporary one, dropped.
//! - The unit tests here check the part lookup, the cut (a sheet with
//!   rows, with none, continued on further sheets), the fallback (forced
//!   by a package whose chronology cannot be found), and, standing, that
//!   the engine's sheet XML is byte for byte what rust_xlsxwriter's own
//!   constant-memory writer makes of the same rows (`tests.rs`).

use std::collections::HashMap;
use std::io::{BufWriter, Cursor, Read, Write};
use std::path::Path;
use std::sync::mpsc::{sync_channel, Receiver};

use rust_xlsxwriter::Workbook;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipArchive, ZipWriter};

use super::columns::Cols;
use super::formats::Fmt;
use super::rows::{to_xml, Cursor as RowCursor, Layout, Row, Rows, XfTable};
use super::sheet::continued_name;
use super::{WriteError, WriteOptions, ZIP_LEVEL};
use crate::config::Child;
use crate::glossary::Glossary;
use crate::output::{OutputError, Step};
use crate::review::MergedReview;

#[cfg(test)]
mod tests;

/// The chronology of a workbook still to be written: what the save needs
/// to write its rows (and, should the splice fail, to build the workbook
/// again).
pub(super) struct Pending<'a> {
    pub(super) review: &'a MergedReview,
    pub(super) opts: &'a WriteOptions,
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
                p.cols,
                &p.kids,
                &p.names,
                p.glossary,
            )
            .with_reviewer(p.opts.reviewer.as_deref()),
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
#[derive(Debug)]
struct Frame {
    /// Up to and including the heading row's `</row>`, the sheet's
    /// dimension set to the rows it will hold.
    head: String,
    /// From `</sheetData>` on.
    tail: String,
}

/// The chronology's parts, by name: which sheet each is (from 0), and its
/// frame.
type Frames = HashMap<String, (usize, Frame)>;

/// A fault in the engine: the splice cannot be made.
fn internal(what: &str) -> WriteError {
    WriteError::Internal(format!(
        "{what}. This is a fault in chronomerge, not in the returns: please report it"
    ))
}

/// The package's parts, read back from rust_xlsxwriter's file.
type Package = ZipArchive<Cursor<Vec<u8>>>;

/// A part of the package as text.
fn read_part(archive: &mut Package, name: &str) -> Result<String, WriteError> {
    let mut xml = String::new();
    archive
        .by_name(name)
        .map_err(|_| internal(&format!("the workbook has no part {name}")))?
        .read_to_string(&mut xml)
        .map_err(|_| internal(&format!("the part {name} cannot be read")))?;
    Ok(xml)
}

/// The attributes of each element named `tag` in `xml` ([`crate::package::elements`]).
fn elements(xml: &str, tag: &str) -> Result<Vec<HashMap<String, String>>, WriteError> {
    crate::package::elements(xml, tag)
        .map_err(|e| internal(&format!("the workbook's index is not XML ({e})")))
}

/// The part of each sheet named in `names`, in order, found as a reader
/// finds it: the sheet's relationship id in `xl/workbook.xml`, that
/// relationship's target in `xl/_rels/workbook.xml.rels` (relative to
/// `xl/`, or absolute from the package's root).
fn sheet_parts(archive: &mut Package, names: &[String]) -> Result<Vec<String>, WriteError> {
    let sheets = elements(&read_part(archive, "xl/workbook.xml")?, "sheet")?;
    let rels = elements(
        &read_part(archive, "xl/_rels/workbook.xml.rels")?,
        "Relationship",
    )?;
    names
        .iter()
        .map(|name| {
            let id = sheets
                .iter()
                .find(|s| s.get("name") == Some(name))
                .and_then(|s| s.get("r:id"))
                .ok_or_else(|| internal(&format!("the workbook has no sheet '{name}'")))?;
            let target = rels
                .iter()
                .find(|r| r.get("Id") == Some(id))
                .and_then(|r| r.get("Target"))
                .ok_or_else(|| internal(&format!("the sheet '{name}' has no part")))?;
            Ok(crate::package::part_path(target))
        })
        .collect()
}

/// Cuts a heading sheet's XML where its rows go, its rows to end at
/// 0-based row `last_row` (0: the heading alone) and column `last_col`:
/// the frame, and what lies between the heading row and the end of the
/// rows (the probes, on the first sheet).
fn cut<'x>(
    xml: &'x str,
    part: &str,
    last_row: u32,
    last_col: u16,
) -> Result<(Frame, &'x str), WriteError> {
    let data = xml
        .find("<sheetData>")
        .ok_or_else(|| internal(&format!("{part} has no rows")))?;
    let head_end = xml[data..]
        .find("</row>")
        .map(|i| data + i + "</row>".len())
        .ok_or_else(|| internal(&format!("{part} has no heading row")))?;
    let tail_start = xml[head_end..]
        .find("</sheetData>")
        .map(|i| head_end + i)
        .ok_or_else(|| internal(&format!("{part} has no end of rows")))?;
    let mut head = xml[..head_end].to_string();
    // The dimension: rust_xlsxwriter saw the heading (and probes) only.
    let d = head
        .find("<dimension ref=\"")
        .ok_or_else(|| internal(&format!("{part} has no dimension")))?;
    let from = d + "<dimension ref=\"".len();
    let len = head[from..]
        .find('"')
        .ok_or_else(|| internal(&format!("{part} has a broken dimension")))?;
    let mut col = Vec::new();
    super::rows::push_col(&mut col, last_col);
    let mut col = String::from_utf8(col).unwrap_or_default();
    // rust_xlsxwriter counts in the column after a collapsed group (which
    // carries the group's `collapsed` mark) when it is past the last
    // heading: its dimension's last column is kept if it lies further.
    let theirs: String = head[from..from + len]
        .split_once(':')
        .map(|(_, end)| end.chars().take_while(char::is_ascii_uppercase).collect())
        .unwrap_or_default();
    if (theirs.len(), theirs.as_str()) > (col.len(), col.as_str()) {
        col = theirs;
    }
    head.replace_range(from..from + len, &format!("A1:{col}{}", last_row + 1));
    let frame = Frame {
        head,
        tail: xml[tail_start..].to_string(),
    };
    Ok((frame, &xml[head_end..tail_start]))
}

/// The style indexes of the probe cells (`<c r="A2" s="17"/>`, one a row,
/// in format order), `probes` of them.
fn probe_styles(between: &str, probes: usize) -> Result<XfTable, WriteError> {
    let mut xf = XfTable::with_capacity(probes);
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
    Ok(xf)
}

/// The chronology's sheets in rust_xlsxwriter's package, cut: for each
/// part, the sheet it is (from 0) and its frame; and the probes' style
/// indexes. The parts must come in the package in the sheets' order, as
/// the rows are written in that order.
fn frames(archive: &mut Package, p: &Pending<'_>) -> Result<(Frames, XfTable), WriteError> {
    let ends = &p.layout.sheet_ends;
    let names: Vec<String> = (1..=ends.len() as u32)
        .map(|n| continued_name("Chronology", n))
        .collect();
    let parts = sheet_parts(archive, &names)?;
    let order: Vec<Option<usize>> = parts.iter().map(|n| archive.index_for_name(n)).collect();
    if order.iter().any(Option::is_none) || !order.windows(2).all(|w| w[0] < w[1]) {
        return Err(internal(&format!(
            "the chronology's parts {parts:?} are missing or out of order"
        )));
    }
    let mut xf = XfTable::new();
    let mut frames = HashMap::with_capacity(parts.len());
    for (k, (part, &end)) in parts.into_iter().zip(ends).enumerate() {
        let xml = read_part(archive, &part)?;
        let (frame, between) = cut(&xml, &part, end - 1, p.cols.last())?;
        if k == 0 {
            xf = probe_styles(between, p.probes)?;
        }
        frames.insert(part, (k, frame));
    }
    Ok((frames, xf))
}

/// Saves `wb` to `path` atomically (a temporary file in the same folder,
/// renamed over it), with the chronology's rows written in. A
/// [`WriteError::Internal`] says the splice could not be made (nothing is
/// left behind): the caller falls back to rust_xlsxwriter's own writer.
pub(super) fn save(wb: &mut Workbook, p: &Pending<'_>, path: &Path) -> Result<(), WriteError> {
    let base = wb.save_to_buffer()?;
    let mut archive = ZipArchive::new(Cursor::new(base))
        .map_err(|e| internal(&format!("rust_xlsxwriter's file cannot be read back ({e})")))?;
    let (frames, xf) = frames(&mut archive, p)?;
    crate::output::write_atomically(path, |file| {
        let zw = ZipWriter::new(BufWriter::with_capacity(1 << 16, file));
        write_spliced(zw, &mut archive, &frames, &xf, p, path)
    })
}

/// Writes the package into `zw`: every part as rust_xlsxwriter made it,
/// but the chronology's, each its frame around the rows the engine writes
/// (on a thread of their own for a large review).
fn write_spliced<W: Write + std::io::Seek>(
    mut zw: ZipWriter<W>,
    archive: &mut Package,
    frames: &Frames,
    xf: &[u32],
    p: &Pending<'_>,
    path: &Path,
) -> Result<(), WriteError> {
    let folder =
        |source: std::io::Error| WriteError::from(OutputError::new(path, Step::Write, source));
    let zip_err = |e: zip::result::ZipError| match e {
        zip::result::ZipError::Io(source) => folder(source),
        e => internal(&format!("the workbook's zip could not be written ({e})")),
    };
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
    std::thread::scope(|scope| -> Result<(), WriteError> {
        let (tx, rx) = sync_channel::<Chunk>(4);
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
        let mut sheet = 0;
        for i in 0..archive.len() {
            let file = archive.by_index_raw(i).map_err(zip_err)?;
            let name = file.name().map_err(zip_err)?.into_owned();
            let Some((k, f)) = frames.get(&name) else {
                zw.raw_copy_file(file).map_err(zip_err)?;
                continue;
            };
            drop(file);
            if *k != sheet {
                return Err(internal("the chronology's parts are out of order"));
            }
            sheet += 1;
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
        if next().is_some() {
            return Err(internal("the chronology has more rows than sheets"));
        }
        let mut out = zw.finish().map_err(zip_err)?;
        out.flush().map_err(folder)?;
        Ok(())
    })
}

/// How many probe cells the first chronology sheet carries for `agencies`.
pub(super) fn probes_for(agencies: usize) -> usize {
    agencies * Fmt::ALL.len()
}
