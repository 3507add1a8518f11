//! The `Chronology` sheet's rows.
//!
//! What each row holds (an event, or one part of an event whose text is
//! longer than a cell allows) is worked out once, by [`Rows`], and then
//! either handed to rust_xlsxwriter ([`to_worksheet`], for a workbook built
//! in memory) or written straight as the sheet's XML ([`to_xml`], for a
//! workbook written to a file: see [`super::splice`]). The XML is what
//! rust_xlsxwriter 0.102 writes for the same cells in its constant-memory
//! mode, character for character (the escapes included); `tests/stream.rs`
//! compares the two workbooks cell by cell and row height by row height.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::Write as _;

use chrono::{NaiveDate, NaiveTime, Timelike};
use rust_xlsxwriter::{Worksheet, XlsxError};

use super::cells::{
    fit_row, row_lines, split_for_cells, wrap_lines, Input, LINE_PT, MAX_ROW_PT, PART,
};
use super::children::age_cell;
use super::columns::{ChronologyColumn as C, Cols};
use super::formats::{AgencyFormats, Fmt};
use crate::config::Child;
use crate::dates::{datetime_to_serial, Precision};
use crate::episodes::Analysis;
use crate::glossary::Glossary;
use crate::model::Event;

#[derive(Debug, Clone, Copy)]
enum Value {
    Number(f64),
    Blank,
    /// `Row::text[start..end]`.
    Text(usize, usize),
}

#[derive(Debug, Clone, Copy)]
struct Cell {
    col: u16,
    fmt: Fmt,
    value: Value,
}

/// One row of the sheet: its cells in column order (every column has one,
/// formatted, blanks included), its agency (whose formats the cells use)
/// and the lines its tallest cell needs.
#[derive(Debug, Default)]
pub(super) struct Row {
    agency: usize,
    cells: Vec<Cell>,
    text: String,
    lines: u32,
}

impl Row {
    fn start(&mut self, agency: usize) {
        self.agency = agency;
        self.cells.clear();
        self.text.clear();
        self.lines = 1;
    }

    fn number(&mut self, col: u16, fmt: Fmt, v: f64) {
        self.cells.push(Cell {
            col,
            fmt,
            value: Value::Number(v),
        });
    }

    fn blank(&mut self, col: u16, fmt: Fmt) {
        self.cells.push(Cell {
            col,
            fmt,
            value: Value::Blank,
        });
    }

    /// A text cell; an empty text is a formatted blank.
    fn text(&mut self, col: u16, fmt: Fmt, s: &str) {
        if s.is_empty() {
            return self.blank(col, fmt);
        }
        let start = self.text.len();
        self.text.push_str(s);
        self.cells.push(Cell {
            col,
            fmt,
            value: Value::Text(start, self.text.len()),
        });
    }
}

/// Where the rows go: sheet after sheet, each holding its heading and then
/// rows up to (not including) row `rows_used` (0-based).
#[derive(Debug, Clone, Copy)]
pub(super) struct Cursor {
    sheet: u32,
    row: u32,
    rows_used: u32,
}

impl Cursor {
    pub(super) fn new(rows_used: u32) -> Cursor {
        Cursor {
            sheet: 1,
            row: 1,
            rows_used: rows_used.max(2),
        }
    }

    /// The sheet (from 1) and 0-based row of the next row, and whether it
    /// starts a new sheet.
    pub(super) fn advance(&mut self) -> (u32, u32, bool) {
        let mut new = false;
        if self.row >= self.rows_used {
            self.sheet += 1;
            self.row = 1;
            new = true;
        }
        let at = (self.sheet, self.row, new);
        self.row += 1;
        at
    }

    /// The row after the last one used on the current sheet.
    pub(super) fn next_row(&self) -> u32 {
        self.row
    }
}

/// A text split for cells ([`split_for_cells`]), split once per event:
/// itself when it fits one cell (no allocation, nearly always), else its
/// parts.
enum Parts<'t> {
    One(&'t str),
    Many(Vec<&'t str>),
}

impl<'t> Parts<'t> {
    fn of(t: &'t str) -> Parts<'t> {
        if t.len() <= PART {
            Parts::One(t)
        } else {
            Parts::Many(split_for_cells(t))
        }
    }

    fn len(&self) -> usize {
        match self {
            Parts::One(_) => 1,
            Parts::Many(v) => v.len(),
        }
    }

    /// Part `k`; empty past the last.
    fn get(&self, k: usize) -> &'t str {
        match self {
            Parts::One(t) if k == 0 => t,
            Parts::One(_) => "",
            Parts::Many(v) => v.get(k).copied().unwrap_or(""),
        }
    }
}

/// The rows an event takes: one, or one per part of its longest text.
pub(super) fn rows_of(ev: &Event) -> usize {
    [&ev.details, &ev.action, &ev.analysis]
        .into_iter()
        .map(|t| Parts::of(t).len())
        .max()
        .unwrap_or(1)
}

/// Where the chronology's rows fall: the sheets it needs, and the sheet
/// and row of the events asked for (the episodes' first events, which the
/// episodes sheet links to).
#[derive(Debug, Default)]
pub(super) struct Layout {
    /// For each sheet, the row after its last (its heading is row 0).
    pub(super) sheet_ends: Vec<u32>,
    /// Event index → (sheet from 1, 0-based row) of its first row.
    pub(super) starts: HashMap<usize, (u32, u32)>,
    /// Bytes of text the rows hold (an upper bound on what the sheets' XML
    /// adds per character is 7 of these).
    pub(super) text_bytes: u64,
    /// Rows in all.
    pub(super) rows: u64,
    /// The rows a sheet is filled to (see [`Cursor`]).
    pub(super) rows_used: u32,
}

impl Layout {
    /// Lays out `events`, noting where each of `wanted` starts.
    pub(super) fn new(events: &[Event], rows_used: u32, wanted: &[usize]) -> Layout {
        let mut starts: HashMap<usize, (u32, u32)> = wanted.iter().map(|&i| (i, (0, 0))).collect();
        let mut cursor = Cursor::new(rows_used);
        let mut sheet_ends = Vec::new();
        let mut text_bytes = 0u64;
        let mut rows = 0u64;
        for (i, ev) in events.iter().enumerate() {
            let n = rows_of(ev);
            for part in 0..n {
                let before = cursor.next_row();
                let (sheet, row, new) = cursor.advance();
                if new {
                    sheet_ends.push(before);
                }
                if part == 0 {
                    if let Some(at) = starts.get_mut(&i) {
                        *at = (sheet, row);
                    }
                }
            }
            rows += n as u64;
            text_bytes += (ev.details.len()
                + ev.action.len()
                + ev.analysis.len()
                + ev.source.len()
                + ev.role.len()
                + ev.subject.len()
                + ev.event_type.len()
                + ev.date_written.len()
                + ev.key_line.len()
                + ev.origin.file.len()
                + ev.origin.sheet.len()) as u64;
        }
        sheet_ends.push(cursor.next_row());
        Layout {
            sheet_ends,
            starts,
            text_bytes,
            rows,
            rows_used,
        }
    }
}

/// Works out the rows of each event in turn (events in merged order: the
/// interval column counts from the previous event with a full date).
pub(super) struct Rows<'a> {
    events: &'a [Event],
    analysis: &'a Analysis,
    cols: Cols,
    kids: &'a [Child],
    names: &'a [(String, usize)],
    pub(super) input: Input<'a>,
    episode_ids: Vec<String>,
    prev_day: Option<NaiveDate>,
    age: String,
    buf: String,
    agencies: Vec<usize>,
    /// The reviewer's notes carried over, when there are any.
    reviewer: Option<&'a crate::notes::Carried>,
    reference: String,
}

impl<'a> Rows<'a> {
    pub(super) fn new(
        events: &'a [Event],
        analysis: &'a Analysis,
        cols: Cols,
        kids: &'a [Child],
        names: &'a [(String, usize)],
        glossary: Option<&'a Glossary>,
    ) -> Rows<'a> {
        Rows {
            events,
            analysis,
            cols,
            kids,
            names,
            input: Input::new(glossary),
            episode_ids: analysis.episodes.iter().map(|e| e.id()).collect(),
            prev_day: None,
            age: String::new(),
            buf: String::new(),
            agencies: Vec::new(),
            reviewer: None,
            reference: String::new(),
        }
    }

    /// Writes the reviewer's notes carried over in their columns.
    pub(super) fn with_reviewer(mut self, carried: Option<&'a crate::notes::Carried>) -> Self {
        self.reviewer = carried.filter(|c| !c.placed.is_empty());
        self
    }

    /// The events.
    pub(super) fn len(&self) -> usize {
        self.events.len()
    }

    /// Fills `row` with each row of event `i` in turn and hands it to
    /// `put`. Events must be asked for in order, each once.
    pub(super) fn event<E>(
        &mut self,
        i: usize,
        row: &mut Row,
        mut put: impl FnMut(&Row) -> Result<(), E>,
    ) -> Result<(), E> {
        let (events, names) = (self.events, self.names);
        let ev = &events[i];
        let cols = self.cols;
        let texts = [
            Parts::of(&ev.details),
            Parts::of(&ev.action),
            Parts::of(&ev.analysis),
        ];
        let n_parts = texts.iter().map(Parts::len).max().unwrap_or(1);
        let interval = self.interval(ev);
        if cols.age().is_some() {
            self.age_of(ev);
        }
        let serial = datetime_to_serial(ev.date.start.and_time(NaiveTime::MIN));
        let (name, name_replacements) = &names[ev.agency];
        let tf = if ev.is_note { Fmt::Note } else { Fmt::Text };
        let kpe = self.analysis.episode_of.get(i).copied().flatten();
        self.reference.clear();
        let _ = write!(self.reference, "{}", ev.reference);
        let reviewer = self.reviewer.and_then(|c| c.placed.get(&i));
        for part in 0..n_parts {
            row.start(ev.agency);
            let mut lines = part_lines(name, ev, &texts, part);
            if cols.age().is_some() {
                lines = lines.max(wrap_lines(&self.age, C::AgeAtEvent.width()));
            }
            row.number(cols.at(C::Number), Fmt::Number, (i + 1) as f64);
            row.text(cols.at(C::Ref), tf, &self.reference);
            row.number(cols.at(C::Date), Fmt::date(ev.date.precision), serial);
            match ev.time {
                Some(t) => row.number(
                    cols.at(C::Time),
                    Fmt::Time,
                    t.num_seconds_from_midnight() as f64 / 86_400.0,
                ),
                None => row.blank(cols.at(C::Time), Fmt::Text),
            }
            if let Some(c) = cols.age() {
                // The labels come from review.toml and may be names.
                let age = self.input.clean(&self.age);
                row.text(c, tf, &age);
            }
            match interval {
                Some(d) if part == 0 => row.number(cols.at(C::Interval), Fmt::Days, d as f64),
                _ => row.blank(cols.at(C::Interval), Fmt::Text),
            }
            self.input.replacements += name_replacements;
            row.text(cols.at(C::Agency), tf, name);
            self.who_cells(row, ev, tf, part, n_parts);
            for (c, t) in [C::Details, C::Action, C::Analysis].into_iter().zip(&texts) {
                let t = self.input.clean(t.get(part));
                row.text(cols.at(c), tf, &t);
            }
            // The reviewer's own columns: empty, or what they wrote
            // (carried over; never anonymised again, never a formula).
            match reviewer {
                Some(p) if part == 0 => {
                    lines = lines.max(wrap_lines(&p.note, C::ReviewerNotes.width()));
                    row.text(cols.at(C::ReviewerNotes), tf, &p.note);
                    row.text(cols.at(C::ReviewerKpe), tf, &p.kpe);
                }
                _ => {
                    row.blank(cols.at(C::ReviewerNotes), tf);
                    row.blank(cols.at(C::ReviewerKpe), tf);
                }
            }
            if let Some(c) = cols.key_line() {
                if part == 0 {
                    let t = self.input.clean(&ev.key_line);
                    lines = lines.max(wrap_lines(&t, C::KeyLine.width()));
                    row.text(c, tf, &t);
                } else {
                    row.text(c, tf, "");
                }
            }
            let written = self.input.clean(ev.date_written.trim());
            row.text(cols.at(C::DateWritten), tf, &written);
            let note = date_note(ev, part, n_parts);
            lines = lines.max(wrap_lines(&note, C::DateNote.width()));
            row.text(cols.at(C::DateNote), tf, &note);
            let kpe = kpe.map_or("", |e| self.episode_ids[e].as_str());
            row.text(cols.at(C::Episode), tf, kpe);
            self.also_reported_by(i);
            lines = lines.max(wrap_lines(&self.buf, C::AlsoReportedBy.width()));
            row.text(cols.at(C::AlsoReportedBy), tf, &self.buf);
            self.buf.clear();
            let _ = write!(
                self.buf,
                "{} › {} › {}",
                ev.origin.file, ev.origin.sheet, ev.origin.row
            );
            lines = lines.max(wrap_lines(&self.buf, C::Origin.width()));
            let origin = self.input.clean(&self.buf);
            row.text(cols.at(C::Origin), tf, &origin);
            row.lines = lines;
            put(row)?;
        }
        Ok(())
    }

    /// Days since the previous event with a full date; none for a partial
    /// date, which has no day to count from.
    fn interval(&mut self, ev: &Event) -> Option<i64> {
        match ev.date.precision {
            Precision::Day => {
                let d = self.prev_day.map(|p| (ev.date.start - p).num_days());
                self.prev_day = Some(ev.date.start);
                d
            }
            _ => None,
        }
    }

    /// The `Age at event` cell of `ev`, into `self.age`.
    fn age_of(&mut self, ev: &Event) {
        // Match the children's labels in the cell as written and as
        // anonymised, so a glossary that maps names to `Child A` works.
        let subject: Cow<str> = match self.input.glossary {
            Some(g) => {
                let (clean, n) = g.replace(&ev.subject);
                if n > 0 {
                    Cow::Owned(format!("{} / {clean}", ev.subject))
                } else {
                    clean
                }
            }
            None => Cow::Borrowed(&ev.subject),
        };
        age_cell(self.kids, &subject, ev.date.start, &mut self.age);
    }

    /// Source, role, subject and event type: on the first row of an
    /// event; on the others, which part of it the row is.
    fn who_cells(&mut self, row: &mut Row, ev: &Event, tf: Fmt, part: usize, n_parts: usize) {
        let cols = self.cols;
        if part == 0 {
            for (c, t) in [
                (C::Source, &ev.source),
                (C::Role, &ev.role),
                (C::Subject, &ev.subject),
            ] {
                let t = self.input.clean(t);
                row.text(cols.at(c), tf, &t);
            }
            if ev.event_type.is_empty() && ev.is_note {
                row.text(cols.at(C::EventType), tf, "Author's note");
            } else {
                let t = self.input.clean(&ev.event_type);
                row.text(cols.at(C::EventType), tf, &t);
            }
        } else {
            self.buf.clear();
            let _ = write!(self.buf, "(continued, part {} of {n_parts})", part + 1);
            row.text(cols.at(C::Source), tf, &self.buf);
            for c in [C::Role, C::Subject, C::EventType] {
                row.blank(cols.at(c), tf);
            }
        }
    }

    /// The other agencies whose events report the same as event `i`, by
    /// name, into `self.buf`.
    fn also_reported_by(&mut self, i: usize) {
        self.buf.clear();
        let v = self.analysis.also_reported_by.of(i);
        if v.is_empty() {
            return;
        }
        self.agencies.clear();
        self.agencies
            .extend(v.iter().map(|&j| self.events[j as usize].agency));
        self.agencies.sort_unstable();
        self.agencies.dedup();
        let mut names: Vec<&str> = self
            .agencies
            .iter()
            .map(|&a| self.names[a].0.as_str())
            .collect();
        names.sort_unstable();
        for (k, n) in names.iter().enumerate() {
            if k > 0 {
                self.buf.push_str(", ");
            }
            self.buf.push_str(n);
        }
    }
}

/// The lines of the agency's own text on row `part` of an event: on the
/// first row every column's, after it the parts of the long texts'.
fn part_lines(name: &str, ev: &Event, texts: &[Parts; 3], part: usize) -> u32 {
    let w = C::width;
    if part == 0 {
        row_lines([
            (name, w(C::Agency)),
            (&*ev.source, w(C::Source)),
            (&*ev.role, w(C::Role)),
            (&*ev.subject, w(C::Subject)),
            (&*ev.event_type, w(C::EventType)),
            (&*ev.date_written, w(C::DateWritten)),
            (texts[0].get(0), w(C::Details)),
            (texts[1].get(0), w(C::Action)),
            (texts[2].get(0), w(C::Analysis)),
        ])
    } else {
        row_lines([
            (texts[0].get(part), w(C::Details)),
            (texts[1].get(part), w(C::Action)),
            (texts[2].get(part), w(C::Analysis)),
        ])
    }
}

/// The `Date note` cell of row `part` of an event: how its date was read,
/// whether it is outside the review period, which part of a long text the
/// row holds.
fn date_note(ev: &Event, part: usize, n_parts: usize) -> String {
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
        let _ = write!(note, "long text: part {} of {n_parts}", part + 1);
    }
    note
}

/// Writes a row through rust_xlsxwriter, at 0-based row `r`.
pub(super) fn to_worksheet(
    ws: &mut Worksheet,
    r: u32,
    row: &Row,
    formats: &[AgencyFormats],
) -> Result<(), XlsxError> {
    let f = &formats[row.agency];
    for c in &row.cells {
        let fmt = f.get(c.fmt);
        match c.value {
            Value::Number(v) => ws.write_number_with_format(r, c.col, v, fmt)?,
            Value::Blank => ws.write_blank(r, c.col, fmt)?,
            Value::Text(a, b) => ws.write_string_with_format(r, c.col, &row.text[a..b], fmt)?,
        };
    }
    fit_row(ws, r, row.lines)
}

/// The style indexes of each agency's formats in the workbook: `xf[agency
/// * 8 + fmt]`.
pub(super) type XfTable = Vec<u32>;

/// Writes a row as rust_xlsxwriter's constant-memory sheet XML, at
/// 0-based row `r`.
pub(super) fn to_xml(out: &mut Vec<u8>, r: u32, row: &Row, xf: &[u32]) {
    let n = r + 1;
    out.extend_from_slice(b"<row r=\"");
    push_u64(out, n as u64);
    if row.lines > 1 {
        // As rust_xlsxwriter's set_row_height: points to whole pixels and
        // back (409 points is 545 pixels, 408.75 points).
        let pt = (row.lines as f64 * LINE_PT).min(MAX_ROW_PT);
        let px = (pt * 4.0 / 3.0).round() as u32;
        out.extend_from_slice(b"\" ht=\"");
        push_f64(out, f64::from(px) * 0.75);
        out.extend_from_slice(b"\" customHeight=\"1");
    }
    out.extend_from_slice(b"\">");
    let base = row.agency * Fmt::ALL.len();
    for c in &row.cells {
        let s = xf[base + c.fmt as usize];
        match c.value {
            Value::Number(v) => {
                cell_start(out, c.col, n, s);
                out.extend_from_slice(b"><v>");
                push_f64(out, v);
                out.extend_from_slice(b"</v></c>");
            }
            Value::Blank => {
                // rust_xlsxwriter, like Excel, leaves out unformatted blanks.
                if s > 0 {
                    cell_start(out, c.col, n, s);
                    out.extend_from_slice(b"/>");
                }
            }
            Value::Text(a, b) => {
                let t = &row.text[a..b];
                cell_start(out, c.col, n, s);
                out.extend_from_slice(b" t=\"inlineStr\"><is><t");
                if t.starts_with(['\t', '\n', ' ']) || t.ends_with(['\t', '\n', ' ']) {
                    out.extend_from_slice(b" xml:space=\"preserve\"");
                }
                out.push(b'>');
                escape_into(out, t);
                out.extend_from_slice(b"</t></is></c>");
            }
        }
    }
    out.extend_from_slice(b"</row>");
}

/// `<c r="B7"` and the style, if any.
fn cell_start(out: &mut Vec<u8>, col: u16, n: u32, s: u32) {
    out.extend_from_slice(b"<c r=\"");
    push_col(out, col);
    push_u64(out, n as u64);
    out.push(b'"');
    if s > 0 {
        out.extend_from_slice(b" s=\"");
        push_u64(out, s as u64);
        out.push(b'"');
    }
}

/// A column's letters (`A`, `Z`, `AA`…).
pub(super) fn push_col(out: &mut Vec<u8>, col: u16) {
    let mut letters = [0u8; 3];
    let mut n = col as u32 + 1;
    let mut k = letters.len();
    while n > 0 {
        let rem = (n - 1) % 26;
        k -= 1;
        letters[k] = b'A' + rem as u8;
        n = (n - 1) / 26;
    }
    out.extend_from_slice(&letters[k..]);
}

fn push_u64(out: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut k = digits.len();
    loop {
        k -= 1;
        digits[k] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[k..]);
}

/// A number as Rust's `Display` writes it (rust_xlsxwriter's way, without
/// its `ryu` or `zmij` features): whole numbers without a point, others
/// with the fewest digits that read back to the same number, never in
/// exponent form.
fn push_f64(out: &mut Vec<u8>, v: f64) {
    if v.fract() == 0.0 && v.abs() < 1e15 && !(v == 0.0 && v.is_sign_negative()) {
        if v < 0.0 {
            out.push(b'-');
        }
        push_u64(out, v.abs() as u64);
    } else {
        use std::io::Write as _;
        let _ = write!(out, "{v}");
    }
}

/// Bytes that may need escaping: `&`, `<`, `>`, control characters but tab
/// and line feed, `_` (a literal `_xHHHH_` is escaped) and 0xEF (the first
/// byte of U+FFFE and U+FFFF).
const SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = b != 0x09 && b != 0x0A;
        b += 1;
    }
    t[b'&' as usize] = true;
    t[b'<' as usize] = true;
    t[b'>' as usize] = true;
    t[b'_' as usize] = true;
    t[0xEF] = true;
    t
};

/// Appends `s` escaped as rust_xlsxwriter escapes an inline string: a
/// literal `_xHHHH_` gets its underscore escaped (`_x005F_xHHHH_`, as
/// Excel does), then `&`, `<` and `>` become entities and control
/// characters (but tab and line feed), U+FFFE and U+FFFF become `_xHHHH_`.
pub(super) fn escape_into(out: &mut Vec<u8>, s: &str) {
    let b = s.as_bytes();
    let mut from = 0;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if !SPECIAL[c as usize] {
            i += 1;
            continue;
        }
        let rep: Option<&[u8]> = match c {
            b'&' => Some(b"&amp;"),
            b'<' => Some(b"&lt;"),
            b'>' => Some(b"&gt;"),
            b'_' => {
                if is_escape_at(b, i) {
                    out.extend_from_slice(&b[from..i]);
                    out.extend_from_slice(b"_x005F");
                    from = i;
                }
                i += 1;
                continue;
            }
            0xEF => {
                if b.get(i + 1) == Some(&0xBF) && matches!(b.get(i + 2), Some(0xBE | 0xBF)) {
                    out.extend_from_slice(&b[from..i]);
                    out.extend_from_slice(if b[i + 2] == 0xBE {
                        b"_xFFFE_"
                    } else {
                        b"_xFFFF_"
                    });
                    i += 3;
                    from = i;
                } else {
                    i += 1;
                }
                continue;
            }
            _ => None,
        };
        out.extend_from_slice(&b[from..i]);
        match rep {
            Some(r) => out.extend_from_slice(r),
            None => {
                const HEX: &[u8; 16] = b"0123456789ABCDEF";
                out.extend_from_slice(b"_x00");
                out.push(HEX[(c >> 4) as usize]);
                out.push(HEX[(c & 0xF) as usize]);
                out.push(b'_');
            }
        }
        i += 1;
        from = i;
    }
    out.extend_from_slice(&b[from..]);
}

/// Whether `_xHHHH_` (four hex digits) starts at byte `i`.
fn is_escape_at(b: &[u8], i: usize) -> bool {
    i + 7 <= b.len()
        && b[i + 1] == b'x'
        && b[i + 6] == b'_'
        && b[i + 2..i + 6].iter().all(u8::is_ascii_hexdigit)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn esc(s: &str) -> String {
        let mut v = Vec::new();
        escape_into(&mut v, s);
        String::from_utf8(v).expect("escaping keeps UTF-8")
    }

    #[test]
    fn escapes_as_rust_xlsxwriter_does() {
        assert_eq!(esc("plain text"), "plain text");
        assert_eq!(
            esc("a & b < c > d \"e\" 'f'"),
            "a &amp; b &lt; c &gt; d \"e\" 'f'"
        );
        assert_eq!(esc("tab\there\nline"), "tab\there\nline");
        assert_eq!(esc("cr\r\u{1}\u{1F}"), "cr_x000D__x0001__x001F_");
        assert_eq!(esc("x_x0041_y"), "x_x005F_x0041_y");
        assert_eq!(esc("_x00G1_ _x004_ _x0041"), "_x00G1_ _x004_ _x0041");
        assert_eq!(esc("_x0041__x0042_"), "_x005F_x0041__x005F_x0042_");
        assert_eq!(esc("\u{FFFE}é\u{FFFF}\u{FFFD}"), "_xFFFE_é_xFFFF_\u{FFFD}");
        assert_eq!(esc("_"), "_");
    }

    #[test]
    fn numbers_and_columns_as_rust_xlsxwriter_writes_them() {
        let f = |v: f64| {
            let mut o = Vec::new();
            push_f64(&mut o, v);
            String::from_utf8(o).expect("ASCII")
        };
        for v in [
            0.0,
            -0.0,
            1.0,
            45123.0,
            -3.0,
            0.5,
            0.354_166_666_666_666_7,
            1e15,
            1e20,
            2.5e-7,
        ] {
            assert_eq!(f(v), format!("{v}"));
        }
        let c = |n: u16| {
            let mut o = Vec::new();
            push_col(&mut o, n);
            String::from_utf8(o).expect("ASCII")
        };
        assert_eq!(c(0), "A");
        assert_eq!(c(25), "Z");
        assert_eq!(c(26), "AA");
        assert_eq!(c(16_383), "XFD");
    }

    #[test]
    fn the_cursor_moves_on_to_a_new_sheet_when_one_is_full() {
        let mut c = Cursor::new(3);
        assert_eq!(c.advance(), (1, 1, false));
        assert_eq!(c.advance(), (1, 2, false));
        assert_eq!(c.next_row(), 3);
        assert_eq!(c.advance(), (2, 1, true));
    }
}
