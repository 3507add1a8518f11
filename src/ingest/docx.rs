//! Word documents (`.docx`): the chronology typed as a table in Word, the
//! habit of the Chronolator era.
//!
//! The first table whose headings match the template (the same tolerant
//! matching as a sheet's, `validate::map_columns`) is read as the
//! chronology; it is named `Table 1`, `Table 2` … by its place among the
//! document's tables, and its cells `D17` by table row and column, as a
//! sheet's are. The agency comes from an `Agency: …` line of the document
//! (a paragraph, or a table row `Agency | name`), else from the file name.
//!
//! Read straight from `word/document.xml` with the `zip` and `quick-xml`
//! crates, streaming, after the same guards as a workbook
//! ([`super::guard::open_document`]): the docx crates on crates.io are
//! writers first, bring a second version of both crates and a whole
//! document model, and leave merged cells to the caller anyway. What a
//! table cell holds is its text: paragraphs and line breaks (`w:br`,
//! `w:cr`) become line breaks, tabs (`w:tab`) tabs; a cell spanning
//! several grid columns (`w:gridSpan`) sits in its first column; a cell
//! merged down (`w:vMerge`) gives each row it covers its value (with an
//! info finding); deleted and moved-away text of tracked changes is left
//! out, and a nested table's text joins its cell's lines.

use std::io::{BufReader, Read};
use std::path::Path;

use quick_xml::events::{BytesStart, Event};

use super::{RowBuilder, MAX_COLS};
use crate::findings::{Code, Finding};
use crate::model::{cell_ref, Cell, Format, RawReturn, RawRow, RawSheet};

/// The sheet name findings give a Word document's paragraphs (an
/// `Agency:` line): its row is the paragraph's number in the document.
pub const DOCUMENT_SHEET: &str = "Document";

/// Merged cells listed one finding each per table; the rest are counted
/// in one more finding.
const MERGED_LISTED: usize = 20;

/// Reads a Word document's chronology table. `Err` is a finding about the
/// whole file: it cannot be opened, or it holds no table with the
/// template's headings ([`Code::FileNoChronology`]).
///
/// # Errors
///
/// A [`Finding`] about the whole file: it cannot be opened as a Word
/// document, or holds no table with the template's headings.
pub fn read_docx(path: &Path, name: &str) -> Result<RawReturn, Finding> {
    let (mut zip, part) = super::guard::open_document(path, name)?;
    let doc = {
        let entry = zip.by_name(&part).map_err(|e| damaged(name, &e))?;
        parse_document(BufReader::new(entry)).map_err(|e| damaged(name, &e))?
    };
    build_return(doc, name)
}

fn damaged(name: &str, e: &dyn std::fmt::Display) -> Finding {
    Finding::new(
        Code::FileUnreadable,
        name,
        format!("the Word document is damaged ({e}): ask the agency to save it again (as .xlsx from the template, or as .docx) and send it again"),
    )
}

/// A vertical merge mark on a table cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum VMerge {
    /// Not merged down.
    No,
    /// The first cell of a merged-down run.
    Restart,
    /// A cell covered by the one above.
    Continue,
}

#[derive(Debug)]
struct DocCell {
    text: String,
    span: usize,
    vmerge: VMerge,
}

#[derive(Debug, Default)]
struct DocRow {
    grid_before: usize,
    cells: Vec<DocCell>,
}

/// One top-level table, or a paragraph outside any table, in document
/// order.
#[derive(Debug)]
enum Block {
    Paragraph(String),
    Table(Vec<DocRow>),
}

/// The text of a document's body: its paragraphs and tables in order.
#[derive(Debug, Default)]
struct Document {
    blocks: Vec<Block>,
}

/// Where the parser is.
#[derive(Default)]
struct Parser {
    doc: Document,
    /// Depth of `w:tbl` elements (0 outside tables; > 1 inside a nested
    /// table, whose text joins the outer cell's).
    tables: usize,
    rows: Vec<DocRow>,
    row: Option<DocRow>,
    cell: Option<DocCell>,
    /// The paragraph being read (outside tables: a line of the document;
    /// inside a cell: one line of the cell).
    para: String,
    in_para: bool,
    in_run: bool,
    in_text: bool,
    in_tc_pr: bool,
    in_tr_pr: bool,
    /// Depth inside an element whose content is skipped (deleted or moved
    /// text, property change records, fallback pictures); 0 when reading.
    skip: usize,
}

/// Elements whose whole content is left out: text deleted or moved away
/// in tracked changes, the previous properties of a tracked change, and
/// the fallback copy of a drawing (which repeats the drawing's text).
fn skipped(name: &str) -> bool {
    matches!(
        name,
        "w:del"
            | "w:moveFrom"
            | "w:tcPrChange"
            | "w:trPrChange"
            | "w:pPrChange"
            | "w:rPrChange"
            | "w:tblPrChange"
            | "w:sectPrChange"
            | "mc:Fallback"
            | "w:instrText"
            | "w:delInstrText"
    )
}

fn attr(e: &BytesStart<'_>, key: &str) -> Option<String> {
    e.try_get_attribute(key)
        .ok()
        .flatten()
        .map(|a| a.value.into_owned())
}

impl Parser {
    fn start(&mut self, e: &BytesStart<'_>, empty: bool) {
        let name = e.name();
        let name = name.as_ref();
        if self.skip > 0 {
            if !empty {
                self.skip += 1;
            }
            return;
        }
        if skipped(name) {
            if !empty {
                self.skip = 1;
            }
            return;
        }
        let top = self.tables == 1;
        match name {
            "w:tbl" if !empty => {
                self.tables += 1;
                if self.tables == 1 {
                    self.rows.clear();
                }
            }
            "w:tr" if top => {
                self.row = Some(DocRow::default());
                if empty {
                    self.end_row();
                }
            }
            "w:trPr" if top && !empty => self.in_tr_pr = true,
            "w:gridBefore" if top && self.in_tr_pr => {
                if let Some(r) = self.row.as_mut() {
                    r.grid_before = span_of(e);
                }
            }
            "w:tc" if top => {
                self.cell = Some(DocCell {
                    text: String::new(),
                    span: 1,
                    vmerge: VMerge::No,
                });
                if empty {
                    self.end_cell();
                }
            }
            "w:tcPr" if top && !empty => self.in_tc_pr = true,
            "w:gridSpan" if top && self.in_tc_pr => {
                if let Some(c) = self.cell.as_mut() {
                    c.span = span_of(e);
                }
            }
            "w:vMerge" if top && self.in_tc_pr => {
                if let Some(c) = self.cell.as_mut() {
                    c.vmerge = match attr(e, "w:val").as_deref() {
                        Some("restart") => VMerge::Restart,
                        _ => VMerge::Continue,
                    };
                }
            }
            "w:p" => {
                if empty {
                    self.end_para();
                } else {
                    self.in_para = true;
                    self.para.clear();
                }
            }
            "w:r" if !empty => self.in_run = true,
            "w:t" if !empty && self.in_run => self.in_text = true,
            "w:tab" if self.in_run => self.para.push('\t'),
            "w:br" | "w:cr" if self.in_run => self.para.push('\n'),
            "w:noBreakHyphen" if self.in_run => self.para.push('-'),
            _ => {}
        }
    }

    fn end(&mut self, name: &str) {
        if self.skip > 0 {
            self.skip -= 1;
            return;
        }
        let top = self.tables == 1;
        match name {
            "w:tbl" if self.tables > 0 => {
                self.tables -= 1;
                if self.tables == 0 {
                    let rows = std::mem::take(&mut self.rows);
                    self.doc.blocks.push(Block::Table(rows));
                }
            }
            "w:tr" if top => self.end_row(),
            "w:trPr" => self.in_tr_pr = false,
            "w:tc" if top => self.end_cell(),
            "w:tcPr" => self.in_tc_pr = false,
            "w:p" => self.end_para(),
            "w:r" => self.in_run = false,
            "w:t" => self.in_text = false,
            _ => {}
        }
    }

    fn text(&mut self, t: &str) {
        if self.skip == 0 && self.in_text {
            self.para.push_str(t);
        }
    }

    fn end_para(&mut self) {
        self.in_para = false;
        let line = std::mem::take(&mut self.para);
        match self.cell.as_mut() {
            // Inside a cell (or a table nested in it): one line of the
            // cell. Empty paragraphs before the first line are layout.
            Some(c) if self.tables > 0 => {
                if !c.text.is_empty() {
                    c.text.push('\n');
                }
                c.text.push_str(&line);
            }
            // A paragraph inside a table but outside any cell cannot
            // happen in a valid document; keep nothing of it.
            _ if self.tables > 0 => {}
            _ => self.doc.blocks.push(Block::Paragraph(line)),
        }
    }

    fn end_cell(&mut self) {
        if let (Some(mut c), Some(r)) = (self.cell.take(), self.row.as_mut()) {
            // Empty paragraphs at the end of a cell are layout, not text.
            let kept = c.text.trim_end_matches('\n').len();
            c.text.truncate(kept);
            r.cells.push(c);
        }
    }

    fn end_row(&mut self) {
        self.end_cell();
        if let Some(r) = self.row.take() {
            self.rows.push(r);
        }
    }
}

fn span_of(e: &BytesStart<'_>) -> usize {
    attr(e, "w:val")
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(1)
        .clamp(1, 1024)
}

/// Streams `word/document.xml` into its paragraphs and tables.
fn parse_document<R: Read>(part: BufReader<R>) -> Result<Document, quick_xml::Error> {
    let mut xml = quick_xml::Reader::from_reader(part);
    let mut buf = Vec::new();
    let mut p = Parser::default();
    loop {
        match xml.read_event_into(&mut buf)? {
            Event::Start(ref e) => p.start(e, false),
            Event::Empty(ref e) => p.start(e, true),
            Event::End(ref e) => p.end(e.name().as_ref()),
            Event::Text(t) => p.text(&t.xml10_content()),
            Event::CData(t) => p.text(&t),
            Event::GeneralRef(r) => {
                let ch = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c),
                    _ => match r.xml10_content().as_ref() {
                        "amp" => Some('&'),
                        "lt" => Some('<'),
                        "gt" => Some('>'),
                        "quot" => Some('"'),
                        "apos" => Some('\''),
                        _ => None,
                    },
                };
                if let Some(c) = ch {
                    p.text(c.encode_utf8(&mut [0u8; 4]));
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(p.doc)
}

/// A merged-down run of cells in one grid column of a table.
struct MergedRun {
    col: usize,
    first: u32,
    last: u32,
    /// Whether a row below the first, with content of its own, took the
    /// value (a run over rows that are otherwise empty is layout).
    copied: bool,
}

/// Lays a table's rows out on its grid as a sheet named `Table n`.
fn table_sheet(rows: &[DocRow], n: usize, file: &str, findings: &mut Vec<Finding>) -> RawSheet {
    let name = format!("Table {n}");
    let mut out = RowBuilder::new(&name);
    // The value each grid column shows, to give to cells merged down.
    let mut above: Vec<String> = Vec::new();
    let mut open: Vec<Option<MergedRun>> = Vec::new();
    let mut runs: Vec<MergedRun> = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        let own = row
            .cells
            .iter()
            .any(|c| c.vmerge != VMerge::Continue && !c.text.trim().is_empty());
        let mut col = row.grid_before;
        let mut values: Vec<(usize, String)> = Vec::with_capacity(row.cells.len());
        for c in &row.cells {
            let end = col.saturating_add(c.span);
            // Beyond the columns kept, a cell is only counted (as content
            // outside the template), never merged: the grid kept stays
            // small whatever spans a document claims.
            if col >= MAX_COLS {
                if c.vmerge != VMerge::Continue {
                    values.push((col, c.text.clone()));
                }
                col = end;
                continue;
            }
            if above.len() < end.min(MAX_COLS) {
                above.resize(end.min(MAX_COLS), String::new());
                open.resize_with(end.min(MAX_COLS), || None);
            }
            let value = match c.vmerge {
                VMerge::Continue => {
                    // Word merges a cell into the one above even when that
                    // one is not marked as the start of a merge.
                    let run = open[col].get_or_insert(MergedRun {
                        col,
                        first: r.saturating_sub(1).max(1),
                        last: r,
                        copied: false,
                    });
                    if own {
                        run.last = r;
                        run.copied |= !above[col].trim().is_empty();
                    }
                    above[col].clone()
                }
                VMerge::Restart | VMerge::No => {
                    if let Some(run) = open[col].take() {
                        runs.push(run);
                    }
                    if c.vmerge == VMerge::Restart {
                        open[col] = Some(MergedRun {
                            col,
                            first: r,
                            last: r,
                            copied: false,
                        });
                    }
                    above[col] = c.text.clone();
                    c.text.clone()
                }
            };
            // The grid columns a spanning cell covers show nothing of
            // their own below it.
            for k in col + 1..end.min(MAX_COLS) {
                above[k].clear();
                if let Some(run) = open[k].take() {
                    runs.push(run);
                }
            }
            values.push((col, value));
            col = end;
        }
        // A row of merged-down cells only is no event: it is the merged
        // cells' height, and nothing is copied into it.
        if own {
            for (col, value) in values {
                let col = u32::try_from(col).unwrap_or(u32::MAX);
                out.push(i as u32, col, Cell::Text(value));
            }
        }
    }
    runs.extend(open.into_iter().flatten());
    runs.retain(|m| m.copied);
    runs.sort_by_key(|m| (m.first, m.col));
    for m in runs.iter().take(MERGED_LISTED) {
        let top = cell_ref(m.col, m.first);
        findings.push(
            Finding::new(
                Code::WordTableMergedCell,
                file,
                format!(
                    "the cell {top} is merged down over rows {}–{} of the table: each of those rows was read with its value",
                    m.first, m.last
                ),
            )
            .at(name.as_str(), format!("{top}:{}", cell_ref(m.col, m.last))),
        );
    }
    if runs.len() > MERGED_LISTED {
        findings.push(
            Finding::new(
                Code::WordTableMergedCell,
                file,
                format!(
                    "{} more merged-down cells (only the first {MERGED_LISTED} are listed) were read the same way: each row they cover took their value",
                    runs.len() - MERGED_LISTED
                ),
            )
            .at(name.as_str(), ""),
        );
    }
    out.finish()
}

/// The label of an `Agency details` line and its value, from a paragraph
/// such as `Agency: West Yorkshire Police` (a colon, or a tab, after a
/// short label).
fn label_line(text: &str) -> Option<(String, String)> {
    let at = text.find([':', '\t'])?;
    let (label, value) = (text[..at].trim(), text[at + 1..].trim());
    (!label.is_empty() && label.chars().count() <= 40 && !value.is_empty())
        .then(|| (label.to_string(), value.to_string()))
}

/// Whether a label names one of the `Agency details` the engine reads.
fn is_details_label(label: &str) -> bool {
    let d = crate::validate::read_details(&RawSheet {
        rows: vec![RawRow {
            row: 1,
            cells: vec![Cell::Text(label.into()), Cell::Text("x".into())],
        }],
        ..RawSheet::default()
    });
    !d.agency.is_empty() || !d.review.is_empty()
}

/// The document's agency details: `Agency:` and `Review reference:` lines
/// in paragraphs, or in two-column table rows (`Agency | name`), as the
/// rows of a sheet [`crate::validate::read_details`] reads. The sheet is
/// named after where the agency was found: `Document` (its row is the
/// paragraph's number) or `Table n` (its row is the table row).
fn details_sheet(
    doc: &Document,
    sheets: &[RawSheet],
    chronology: (usize, u32),
) -> Option<RawSheet> {
    let mut rows: Vec<(String, RawRow)> = Vec::new();
    let mut push = |sheet: &str, row: u32, label: String, value: String| {
        if is_details_label(&label) {
            rows.push((
                sheet.to_string(),
                RawRow {
                    row,
                    cells: vec![Cell::Text(label), Cell::Text(value)],
                },
            ));
        }
    };
    let mut para = 0u32;
    let mut table = 0usize;
    for b in &doc.blocks {
        match b {
            Block::Paragraph(text) => {
                para += 1;
                for line in text.lines() {
                    if let Some((l, v)) = label_line(line) {
                        push(DOCUMENT_SHEET, para, l, v);
                    }
                }
            }
            Block::Table(_) => {
                let sheet = &sheets[table];
                let is_chronology = chronology.0 == table;
                table += 1;
                for row in &sheet.rows {
                    // The chronology's own rows are events, not details;
                    // a line above its headings may be.
                    if is_chronology && row.row >= chronology.1 {
                        break;
                    }
                    let texts: Vec<String> = row
                        .cells
                        .iter()
                        .map(|c| c.to_text().trim().to_string())
                        .filter(|t| !t.is_empty())
                        .collect();
                    match texts.as_slice() {
                        [one] => {
                            if let Some((l, v)) = label_line(one) {
                                push(&sheet.name, row.row, l, v);
                            }
                        }
                        [label, value] => push(&sheet.name, row.row, label.clone(), value.clone()),
                        _ => {}
                    }
                }
            }
        }
    }
    let agency_sheet = rows
        .iter()
        .find(|(_, r)| {
            let d = crate::validate::read_details(&RawSheet {
                rows: vec![r.clone()],
                ..RawSheet::default()
            });
            !d.agency.is_empty()
        })
        .or(rows.first())
        .map(|(s, _)| s.clone())?;
    Some(RawSheet {
        name: agency_sheet,
        rows: rows.into_iter().map(|(_, r)| r).collect(),
        ..RawSheet::default()
    })
}

/// Chooses the chronology table and builds the return.
fn build_return(doc: Document, name: &str) -> Result<RawReturn, Finding> {
    let mut findings = Vec::new();
    let mut merged_notes: Vec<Vec<Finding>> = Vec::new();
    let sheets: Vec<RawSheet> = doc
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Table(rows) => Some(rows),
            Block::Paragraph(_) => None,
        })
        .enumerate()
        .map(|(i, rows)| {
            let mut notes = Vec::new();
            let s = table_sheet(rows, i + 1, name, &mut notes);
            merged_notes.push(notes);
            s
        })
        .collect();
    // The tables with the template's headings, in document order: each is
    // read as a part of the chronology (validate says so of every table
    // after the first, as of a chronology continued on a further sheet).
    let matching: Vec<(usize, u32)> = sheets
        .iter()
        .enumerate()
        .filter_map(|(i, s)| {
            let mut scratch = Vec::new();
            crate::validate::map_columns(s, name, &mut scratch).map(|m| (i, m.header_row))
        })
        .collect();
    let Some(&(first, header_row)) = matching.first() else {
        let what = match sheets.len() {
            0 => "the Word document holds no table".to_string(),
            1 => "the Word document's one table does not have the template's headings (Date, Source of information, Details of event …)".to_string(),
            n => format!("none of the Word document's {n} tables has the template's headings (Date, Source of information, Details of event …)"),
        };
        return Err(Finding::new(
            Code::FileNoChronology,
            name,
            format!("{what}, so no chronology was read from it: if it is the agency's chronology, ask the agency to put it in the template (.xlsx), or in a table with the template's headings; if it is a covering letter, nothing is merged from it"),
        ));
    };
    for &(i, _) in &matching {
        findings.append(&mut merged_notes[i]);
    }
    let details = details_sheet(&doc, &sheets, (first, header_row));
    let sheet_names: Vec<String> = sheets.iter().map(|s| s.name.clone()).collect();
    let chronology: Vec<RawSheet> = sheets
        .into_iter()
        .enumerate()
        .filter(|(i, _)| matching.iter().any(|&(m, _)| m == *i))
        .map(|(_, s)| s)
        .collect();
    Ok(RawReturn {
        file: name.into(),
        format: Format::Docx,
        sheet_names,
        details,
        chronology,
        findings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(body: &str) -> Document {
        let xml = format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
        );
        parse_document(BufReader::new(xml.as_bytes())).unwrap()
    }

    fn tc(text: &str) -> String {
        format!("<w:tc><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>")
    }

    #[test]
    fn paragraphs_breaks_and_tabs_in_a_cell_are_lines_and_tabs() {
        let d = doc(
            "<w:p><w:r><w:t>Agency: Police</w:t></w:r></w:p><w:tbl><w:tr><w:tc><w:p><w:r><w:t>one</w:t><w:br/><w:t>two</w:t></w:r></w:p><w:p/><w:p><w:r><w:t xml:space=\"preserve\">a</w:t><w:tab/><w:t>b &amp; c</w:t></w:r></w:p><w:p/></w:tc></w:tr></w:tbl>",
        );
        let Block::Table(rows) = &d.blocks[1] else {
            panic!("{d:?}")
        };
        assert_eq!(rows[0].cells[0].text, "one\ntwo\n\na\tb & c");
        assert!(matches!(&d.blocks[0], Block::Paragraph(p) if p == "Agency: Police"));
    }

    #[test]
    fn deleted_text_and_field_codes_are_left_out() {
        let d = doc(&format!(
            "<w:tbl><w:tr><w:tc><w:p><w:del><w:r><w:delText>old</w:delText></w:r></w:del><w:r><w:instrText>PAGE</w:instrText></w:r><w:ins><w:r><w:t>new</w:t></w:r></w:ins></w:p></w:tc>{}</w:tr></w:tbl>",
            tc("x")
        ));
        let Block::Table(rows) = &d.blocks[0] else {
            panic!()
        };
        assert_eq!(rows[0].cells[0].text, "new");
        assert_eq!(rows[0].cells[1].text, "x");
    }

    #[test]
    fn spans_and_merges_are_laid_out_on_the_grid() {
        let d = doc(&format!(
            "<w:tbl><w:tr>{a}{b}{c}</w:tr><w:tr><w:tc><w:tcPr><w:vMerge w:val=\"restart\"/></w:tcPr><w:p><w:r><w:t>05/03/2019</w:t></w:r></w:p></w:tc><w:tc><w:tcPr><w:gridSpan w:val=\"2\"/></w:tcPr><w:p><w:r><w:t>wide</w:t></w:r></w:p></w:tc></w:tr><w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc>{b2}{c2}</w:tr><w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc><w:tc><w:p/></w:tc><w:tc><w:p/></w:tc></w:tr></w:tbl>",
            a = tc("Date"),
            b = tc("Source of information"),
            c = tc("Details of event"),
            b2 = tc("GP"),
            c2 = tc("Seen"),
        ));
        let Block::Table(rows) = &d.blocks[0] else {
            panic!()
        };
        let mut notes = Vec::new();
        let s = table_sheet(rows, 1, "gp.docx", &mut notes);
        assert_eq!(s.name, "Table 1");
        // Row 4 holds nothing of its own: not a row.
        assert_eq!(s.rows.iter().map(|r| r.row).collect::<Vec<_>>(), [1, 2, 3]);
        assert_eq!(s.rows[1].cells[1], Cell::Text("wide".into()));
        assert!(s.rows[1].cells.get(2).is_none_or(|c| c.is_blank()));
        assert_eq!(s.rows[2].cells[0], Cell::Text("05/03/2019".into()));
        assert_eq!(s.rows[2].cells[2], Cell::Text("Seen".into()));
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert_eq!(notes[0].code, Code::WordTableMergedCell);
        assert_eq!(notes[0].cell, "A2:A3");
    }

    /// A document cut short anywhere, or with bytes changed, is an error
    /// or a return, never a panic; absurd spans are counted, not laid out.
    #[test]
    fn broken_documents_never_panic() {
        let heads: String = ["Date", "Source of information", "Details of event"]
            .iter()
            .map(|h| tc(h))
            .collect();
        let xml = format!(
            r#"<?xml version="1.0"?><w:document xmlns:w="w"><w:body><w:p><w:r><w:t>Agency: X</w:t></w:r></w:p><w:tbl><w:tr><w:trPr><w:gridBefore w:val="2"/></w:trPr>{heads}</w:tr><w:tr><w:tc><w:tcPr><w:vMerge w:val="restart"/><w:gridSpan w:val="99999999999"/></w:tcPr><w:p><w:r><w:t>1/1/2020</w:t></w:r></w:p></w:tc>{x}</w:tr><w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr></w:tc>{x}{x}</w:tr></w:tbl></w:body></w:document>"#,
            x = tc("x"),
        );
        let bytes = xml.as_bytes();
        for cut in 0..bytes.len() {
            for variant in [bytes[..cut].to_vec(), {
                let mut b = bytes.to_vec();
                b[cut] = b'<';
                b
            }] {
                if let Ok(d) = parse_document(BufReader::new(&variant[..])) {
                    let _ = build_return(d, "fuzz.docx");
                }
            }
        }
        let spans: String = (0..300)
            .map(|_| tc_pr_span("1024", "wide"))
            .collect::<String>();
        let d = doc(&format!(
            "<w:tbl><w:tr>{heads}</w:tr><w:tr>{spans}</w:tr></w:tbl>"
        ));
        let Block::Table(rows) = &d.blocks[0] else {
            panic!()
        };
        let s = table_sheet(rows, 1, "f.docx", &mut Vec::new());
        assert_eq!(s.stray_count, 299);
    }

    fn tc_pr_span(span: &str, text: &str) -> String {
        format!("<w:tc><w:tcPr><w:gridSpan w:val=\"{span}\"/></w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>")
    }

    #[test]
    fn agency_lines_are_read_from_paragraphs_or_two_cell_rows() {
        assert_eq!(
            label_line("Agency:  West Yorkshire Police "),
            Some(("Agency".into(), "West Yorkshire Police".into()))
        );
        assert_eq!(label_line("Agency:"), None);
        assert!(is_details_label("Agency name"));
        assert!(is_details_label("Review reference"));
        assert!(!is_details_label("Subject"));
    }
}
