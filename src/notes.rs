//! The reviewer's work across re-merges: the `Reviewer notes` and
//! `Reviewer KPE` columns of the merged `Chronology`, which the engine
//! leaves empty and the reviewer fills in.
//!
//! Before a merge writes over an existing workbook, [`read_previous`]
//! reads from it only what carries the reviewer's work: on every
//! `Chronology` sheet the `Ref`, `Reviewer notes` and `Reviewer KPE`
//! columns and, to know the event again, `Agency`, `Date` and `Details of
//! event` (found by heading, wherever the reviewer moved them), and the
//! `Reviewer notes not placed` sheet. [`place`] then puts every note on
//! the same event of the new merge: by its Ref, checked against the
//! event's agency and wording; when the Ref is gone (a corrected return
//! whose row could not keep it, a lost ref store), on the event of the
//! same agency within a week whose details read closest. A note that
//! finds no event (withdrawn, rejected, superseded away) or that was typed
//! on a row the engine did not make goes on the `Reviewer notes not
//! placed` sheet, with its Ref, the old event's text and the day it was
//! first not placed. No note is ever lost.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use calamine::{DataRef, Reader, Xlsx};
use chrono::NaiveDate;

use crate::glossary::Glossary;
use crate::refs::{closeness, split_ref, words};
use crate::review::MergedReview;

mod prefilter;

/// The sheet of notes whose event is gone.
pub const NOT_PLACED_SHEET: &str = "Reviewer notes not placed";

/// The headings of the [`NOT_PLACED_SHEET`], in order.
pub const NOT_PLACED_HEADINGS: [&str; 7] = [
    "Ref",
    "Date",
    "Agency",
    "Details of event",
    "Reviewer notes",
    "Reviewer KPE",
    "Not placed since",
];

/// How close (0..1) an event's details must read to the old row's for a
/// note to follow it.
const CLOSE: f64 = 0.6;
/// How far apart (days) the old row's date and the event's may be when a
/// note is placed without its Ref.
const NEAR_DAYS: i64 = 7;

/// A row of the previous workbook that carries the reviewer's work.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OldRow {
    /// Its Ref (`POL-0042`); empty on a row the reviewer added.
    pub reference: String,
    /// Its date, when the cell holds one.
    pub date: Option<NaiveDate>,
    /// Its date as shown (for the not-placed sheet).
    pub date_text: String,
    /// Its agency.
    pub agency: String,
    /// Its details (the first part, for a long text).
    pub details: String,
    /// The reviewer's note.
    pub note: String,
    /// The reviewer's key practice episode.
    pub kpe: String,
    /// For a row of the not-placed sheet: the day it was first not placed.
    pub since: Option<String>,
}

/// A note placed on an event of the new merge.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Placed {
    /// The reviewer's notes (several joined by a line break).
    pub note: String,
    /// The reviewer's key practice episode(s).
    pub kpe: String,
}

/// The reviewer's work for the new workbook.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Carried {
    /// Event index → what goes in its reviewer columns.
    pub placed: HashMap<usize, Placed>,
    /// The notes that found no event, for the [`NOT_PLACED_SHEET`].
    pub not_placed: Vec<OldRow>,
}

impl Carried {
    /// True when there is nothing to carry.
    pub fn is_empty(&self) -> bool {
        self.placed.is_empty() && self.not_placed.is_empty()
    }
}

/// Why the previous workbook could not be read: nothing is written over
/// it.
#[derive(Debug, thiserror::Error)]
pub enum PreviousError {
    /// The file cannot be opened or is not a workbook (open in Excel and
    /// locked, damaged, not an .xlsx).
    #[error("{} cannot be read to carry the reviewer's notes over ({why}), so it was not replaced: if it is open in Excel, save your notes and close it, then run again; if it is damaged, move it out of the folder (a copy of each earlier workbook is in its 'previous' folder) and run again", path.display())]
    Unreadable {
        /// The workbook.
        path: PathBuf,
        /// What is wrong.
        why: String,
    },
    /// The file is a workbook, but not a merged chronology.
    #[error("{} has no 'Chronology' sheet, so it is not a merged chronology and was not replaced: move it away, or choose another output with -o", path.display())]
    NotAChronology {
        /// The workbook.
        path: PathBuf,
    },
    /// The workbook could not be kept before being replaced.
    #[error("cannot keep the previous workbook as {} ({why}), so {} was not replaced: check the folder can be written to", kept.display(), path.display())]
    NotKept {
        /// Where it was to be kept.
        kept: PathBuf,
        /// The workbook.
        path: PathBuf,
        /// Why.
        why: String,
    },
}

/// Reads the reviewer's work from the workbook at `path`: `Ok(None)` when
/// there is no file there (nothing, or a folder).
///
/// # Errors
///
/// [`PreviousError`] when the file is there but cannot be read, or is not
/// a merged chronology.
pub fn read_previous(path: &Path) -> Result<Option<Vec<OldRow>>, PreviousError> {
    // No file (none yet, or a folder in its place, which the write then
    // reports as it always has).
    if !path.is_file() {
        return Ok(None);
    }
    let unreadable = |why: String| PreviousError::Unreadable {
        path: path.to_path_buf(),
        why,
    };
    let file = std::fs::File::open(path).map_err(|e| unreadable(e.to_string()))?;
    // First the rows that may carry work, cut from the workbook; the whole
    // workbook when the cut cannot be made or read as it should.
    if let Some(rows) = prefilter::reduce(std::io::BufReader::new(&file)).and_then(read_cut) {
        return Ok(Some(rows));
    }
    read_whole(path).map(Some)
}

/// [`read_previous`] of the whole workbook, every row of it.
fn read_whole(path: &Path) -> Result<Vec<OldRow>, PreviousError> {
    let unreadable = |why: String| PreviousError::Unreadable {
        path: path.to_path_buf(),
        why,
    };
    let file = std::fs::File::open(path).map_err(|e| unreadable(e.to_string()))?;
    let mut xlsx: Xlsx<_> = Xlsx::new(std::io::BufReader::new(file))
        .map_err(|e| unreadable(format!("not a readable .xlsx workbook: {e}")))?;
    let names = xlsx.sheet_names();
    let chronology = chronology_sheets(&names);
    if chronology.is_empty() {
        return Err(PreviousError::NotAChronology {
            path: path.to_path_buf(),
        });
    }
    let mut rows = Vec::new();
    for name in &chronology {
        read_sheet(&mut xlsx, name, false, &mut rows)
            .map_err(|e| unreadable(format!("sheet '{name}': {e}")))?;
    }
    if names.iter().any(|n| n == NOT_PLACED_SHEET) {
        read_sheet(&mut xlsx, NOT_PLACED_SHEET, true, &mut rows)
            .map_err(|e| unreadable(format!("sheet '{NOT_PLACED_SHEET}': {e}")))?;
    }
    Ok(rows)
}

/// The workbook's `Chronology` sheets, in order.
fn chronology_sheets(names: &[String]) -> Vec<String> {
    names
        .iter()
        .filter(|n| *n == "Chronology" || n.starts_with("Chronology ("))
        .cloned()
        .collect()
}

/// The reviewer's rows read from the workbook cut down to the rows that may
/// carry work ([`prefilter`]), as [`read_previous`] reads the whole one;
/// `None` when the cut cannot be read or calamine finds a sheet's headings
/// on another row than the cut did (the whole workbook is then read).
fn read_cut(cut: prefilter::Reduced) -> Option<Vec<OldRow>> {
    let mut xlsx: Xlsx<_> = Xlsx::new(std::io::Cursor::new(cut.package)).ok()?;
    let names = xlsx.sheet_names();
    let chronology = chronology_sheets(&names);
    if chronology.is_empty() {
        return None;
    }
    let mut rows = Vec::new();
    for name in &chronology {
        let heading = read_sheet(&mut xlsx, name, false, &mut rows).ok()?;
        if heading != Some(*cut.headings.get(name)?) {
            return None;
        }
    }
    if names.iter().any(|n| n == NOT_PLACED_SHEET) {
        read_sheet(&mut xlsx, NOT_PLACED_SHEET, true, &mut rows).ok()?;
    }
    Some(rows)
}

/// The columns read, by heading.
#[derive(Debug, Default, Clone, Copy)]
struct Wanted {
    reference: Option<u32>,
    date: Option<u32>,
    agency: Option<u32>,
    details: Option<u32>,
    note: Option<u32>,
    kpe: Option<u32>,
    since: Option<u32>,
}

/// Reads one sheet's reviewer rows, cell by cell (only the wanted columns
/// are kept): the rows with a note, a KPE, or (a row with no Ref, which
/// the reviewer added) any text. Gives the row of its headings (0-based),
/// `None` for a sheet with no text.
fn read_sheet<RS: std::io::Read + std::io::Seek>(
    xlsx: &mut Xlsx<RS>,
    name: &str,
    not_placed: bool,
    out: &mut Vec<OldRow>,
) -> Result<Option<u32>, calamine::XlsxError> {
    let mut cells = xlsx.worksheet_cells_reader(name)?;
    let mut w = Wanted::default();
    let mut heading_row: Option<u32> = None;
    let mut row = OldRow::default();
    let mut at: Option<u32> = None;
    // `refs`: the sheet has a `Ref` column. Without one (a workbook merged
    // before Refs were given, or not by the engine) no row can be told
    // from the engine's, so only rows with a note or KPE are carried.
    let keep = |row: &mut OldRow, out: &mut Vec<OldRow>, refs: bool| {
        let r = std::mem::take(row);
        let has_work = !r.note.trim().is_empty() || !r.kpe.trim().is_empty();
        let own_row = refs
            && r.reference.trim().is_empty()
            && (!r.details.trim().is_empty() || !r.agency.trim().is_empty());
        if has_work || own_row || (not_placed && r != OldRow::default()) {
            out.push(r);
        }
    };
    while let Some(cell) = cells.next_cell()? {
        let (r, c) = cell.get_position();
        let v = cell.get_value();
        // The headings are the first row with one of the headings read: a
        // title or a line the reviewer typed above them is passed over, not
        // taken for the headings (which would lose every note under them).
        if heading_row.is_none() || heading_row == Some(r) {
            let t = text(v);
            let slot = match t.trim() {
                "Ref" => &mut w.reference,
                "Date" => &mut w.date,
                "Agency" => &mut w.agency,
                "Details of event" => &mut w.details,
                "Reviewer notes" => &mut w.note,
                "Reviewer KPE" => &mut w.kpe,
                "Not placed since" => &mut w.since,
                _ => continue,
            };
            heading_row.get_or_insert(r);
            slot.get_or_insert(c);
            continue;
        }
        if at != Some(r) {
            if at.is_some() {
                keep(&mut row, out, w.reference.is_some());
            }
            at = Some(r);
        }
        let col = Some(c);
        if col == w.reference {
            row.reference = text(v).trim().to_string();
        } else if col == w.date {
            row.date = date_of(v);
            row.date_text = match row.date {
                Some(d) => d.format(crate::dates::display::DAY).to_string(),
                None => text(v),
            };
        } else if col == w.agency {
            row.agency = text(v);
        } else if col == w.details {
            row.details = text(v);
        } else if col == w.note {
            row.note = text(v);
        } else if col == w.kpe {
            row.kpe = text(v);
        } else if col == w.since && not_placed {
            row.since = Some(text(v)).filter(|s| !s.is_empty());
        }
    }
    if at.is_some() {
        keep(&mut row, out, w.reference.is_some());
    }
    Ok(heading_row)
}

/// A cell as text (a number as Excel would show it plainly).
fn text(v: &DataRef) -> String {
    match v {
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => s.to_string(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => f.to_string(),
        DataRef::Bool(b) => b.to_string(),
        DataRef::DateTime(d) => crate::dates::serial_to_datetime(d.as_f64())
            .map(|t| t.date().format(crate::dates::display::DAY).to_string())
            .unwrap_or_default(),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        _ => String::new(),
    }
}

/// A Date cell's day: a date cell or serial, or a date as text.
fn date_of(v: &DataRef) -> Option<NaiveDate> {
    let serial = match v {
        DataRef::DateTime(d) => d.as_f64(),
        DataRef::Float(f) => *f,
        DataRef::Int(i) => *i as f64,
        DataRef::DateTimeIso(s) => return NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok(),
        DataRef::String(_) | DataRef::SharedString(_) => {
            let t = text(v);
            return NaiveDate::parse_from_str(t.trim(), crate::dates::display::DAY).ok();
        }
        _ => return None,
    };
    crate::dates::serial_to_datetime(serial).map(|t| t.date())
}

/// Puts each of the previous workbook's notes on its event in `review`
/// (see the module documentation); `today` dates the notes newly not
/// placed. `glossary`: the previous workbook was anonymised with it, so
/// the events are compared as anonymised.
pub fn place(
    old: Vec<OldRow>,
    review: &MergedReview,
    glossary: Option<&Glossary>,
    today: NaiveDate,
) -> Carried {
    let mut carried = Carried::default();
    if old.is_empty() {
        return carried;
    }
    let chron = &review.chronology;
    let events = &chron.events;
    let clean = |s: &str| -> String {
        match glossary {
            Some(g) => g.replace(s).0.into_owned(),
            None => s.to_string(),
        }
    };
    let names: Vec<String> = chron.agencies.iter().map(|a| clean(&a.name)).collect();
    let by_ref: HashMap<(&str, u32), usize> = events
        .iter()
        .enumerate()
        .filter(|(_, e)| e.reference.number > 0)
        .map(|(i, e)| ((&*e.reference.prefix, e.reference.number), i))
        .collect();
    let mut by_agency: Option<HashMap<&str, Vec<(NaiveDate, usize)>>> = None;
    let same_words = |i: usize, details: &str| {
        closeness(&words(&clean(&events[i].details)), &words(details)) >= CLOSE
    };
    let since = today.format(crate::dates::display::DAY).to_string();
    for row in old {
        if row.note.trim().is_empty() && row.kpe.trim().is_empty() {
            // A reviewer's own row with text but no note: kept as it is.
            if row.reference.is_empty() {
                carried.not_placed.push(OldRow {
                    since: row.since.clone().or_else(|| Some(since.clone())),
                    ..row
                });
            }
            continue;
        }
        if row.reference.is_empty() {
            carried.not_placed.push(OldRow {
                since: row.since.clone().or_else(|| Some(since.clone())),
                ..row
            });
            continue;
        }
        let agency = row.agency.trim();
        let by_ref_event = split_ref(&row.reference)
            .and_then(|k| by_ref.get(&k).copied())
            .filter(|&i| names[events[i].agency] == agency && same_words(i, &row.details));
        let found = by_ref_event.or_else(|| {
            let d = row.date?;
            let index = by_agency.get_or_insert_with(|| {
                let mut m: HashMap<&str, Vec<(NaiveDate, usize)>> = HashMap::new();
                for (i, e) in events.iter().enumerate() {
                    m.entry(names[e.agency].as_str())
                        .or_default()
                        .push((e.date.start, i));
                }
                m
            });
            let v = index.get(agency)?;
            let from = d - chrono::Duration::days(NEAR_DAYS);
            let to = d + chrono::Duration::days(NEAR_DAYS);
            let lo = v.partition_point(|(ed, _)| *ed < from);
            let w = words(&row.details);
            v[lo..]
                .iter()
                .take_while(|(ed, _)| *ed <= to)
                .map(|&(ed, i)| {
                    let s = closeness(&words(&clean(&events[i].details)), &w);
                    (s, -(ed - d).num_days().abs(), i)
                })
                .filter(|(s, _, _)| *s >= CLOSE)
                .max_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).then(b.2.cmp(&a.2)))
                .map(|(_, _, i)| i)
        });
        match found {
            Some(i) => {
                let p = carried.placed.entry(i).or_default();
                join(&mut p.note, row.note.trim(), "\n");
                join(&mut p.kpe, row.kpe.trim(), ", ");
            }
            None => carried.not_placed.push(OldRow {
                since: row.since.clone().or_else(|| Some(since.clone())),
                ..row
            }),
        }
    }
    carried
}

/// Adds `s` to `to` (once), after `sep`.
fn join(to: &mut String, s: &str, sep: &str) {
    if s.is_empty() || to.split(sep).any(|x| x == s) {
        return;
    }
    if !to.is_empty() {
        to.push_str(sep);
    }
    to.push_str(s);
}

/// Reads the reviewer's work from the workbook about to be replaced and
/// places it on the new merge's events; `Ok` with nothing to carry when
/// there is no workbook yet.
///
/// # Errors
///
/// [`PreviousError`]: the workbook is there but cannot be read.
pub fn carry_over(
    workbook: &Path,
    review: &MergedReview,
    glossary: Option<&Glossary>,
) -> Result<Carried, PreviousError> {
    Ok(match read_previous(workbook)? {
        Some(rows) => place(rows, review, glossary, review.context.dates.today),
        None => Carried::default(),
    })
}

/// Keeps a copy of the workbook about to be replaced in the `previous`
/// folder beside it ([`crate::discover::previous_path`]); `Ok(None)` when
/// there is none.
///
/// # Errors
///
/// [`PreviousError::NotKept`] when the copy cannot be made: the workbook
/// is then not replaced.
pub fn keep_previous(
    workbook: &Path,
    at: chrono::DateTime<chrono::Local>,
) -> Result<Option<PathBuf>, PreviousError> {
    if !workbook.is_file() {
        return Ok(None);
    }
    let mut kept = crate::discover::previous_path(workbook, at);
    let not_kept = |kept: &Path, e: std::io::Error| PreviousError::NotKept {
        kept: kept.to_path_buf(),
        path: workbook.to_path_buf(),
        why: e.to_string(),
    };
    if let Some(dir) = kept.parent() {
        std::fs::create_dir_all(dir).map_err(|e| not_kept(&kept, e))?;
    }
    let mut n = 1;
    while kept.exists() {
        n += 1;
        let stem = kept
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let stem = stem
            .rsplit_once('-')
            .filter(|_| n > 2)
            .map_or(stem.clone(), |(s, _)| s.to_string());
        kept.set_file_name(format!("{stem}-{n}.xlsx"));
    }
    // A second name for the file costs nothing, and the new workbook is
    // renamed into place, never written into this one; where links cannot
    // be made (some network shares, FAT), a copy.
    if std::fs::hard_link(workbook, &kept).is_err() {
        std::fs::copy(workbook, &kept).map_err(|e| not_kept(&kept, e))?;
    }
    Ok(Some(kept))
}
