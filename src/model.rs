//! The small plain values passed from one pipeline stage to the next.
//!
//! `discover` finds [`FoundFile`]s, `ingest` turns each into a [`RawReturn`]
//! (its rows with their [`Origin`]), `validate` turns that into a
//! [`CheckedReturn`] (the [`Event`]s it accepted, the [`Finding`]s it made and
//! a [`ReturnSummary`]), `merge` orders every event into one
//! [`Chronology`], `episodes` finds the candidate key
//! practice episodes, and the lot becomes one
//! [`MergedReview`](crate::review::MergedReview), which
//! `publish` writes (the workbook, JSON and CSV).

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use chrono::NaiveTime;
use serde::Serialize;

use crate::dates::DateValue;
use crate::findings::Finding;

/// Where a value came from: `file › sheet › row`.
///
/// ```
/// use chronomerge::model::Origin;
/// let o = Origin::new("police.xlsx", "Chronology", 17);
/// assert_eq!(o.to_string(), "police.xlsx › Chronology › row 17");
/// assert_eq!(o.cell(3), "D17");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Origin {
    /// The file name as found in the review folder (no directory).
    pub file: Arc<str>,
    /// The sheet name (`Chronology`), or the file name again for a CSV.
    pub sheet: Arc<str>,
    /// 1-based row number as the agency sees it in Excel (or CSV line).
    pub row: u32,
}

impl Origin {
    /// Makes an origin.
    pub fn new(file: &str, sheet: &str, row: u32) -> Self {
        Origin {
            file: file.into(),
            sheet: sheet.into(),
            row,
        }
    }

    /// The A1 reference of column `col` (0-based) on this origin's row.
    pub fn cell(&self, col: usize) -> String {
        cell_ref(col, self.row)
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} › {} › row {}", self.file, self.sheet, self.row)
    }
}

/// The A1 name of a cell from a 0-based column and a 1-based row.
///
/// ```
/// assert_eq!(chronomerge::model::cell_ref(0, 1), "A1");
/// assert_eq!(chronomerge::model::cell_ref(27, 5), "AB5");
/// ```
pub fn cell_ref(col: usize, row: u32) -> String {
    format!("{}{}", col_name(col), row)
}

/// The letters of a 0-based column: 0 → `A`, 25 → `Z`, 26 → `AA`.
pub fn col_name(col: usize) -> String {
    let mut n = col + 1;
    let mut s = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        s.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    s.reverse();
    String::from_utf8(s).expect("ascii")
}

// The cell type and its plain renderings live in `crate::cell` (a leaf that
// `dates` can import without importing `model`); their paths stay here.
pub use crate::cell::{fmt_number, Cell};
pub use crate::dates::render_iso;

/// The formats a return can arrive in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Office Open XML workbook (`.xlsx`, `.xlsm`).
    Xlsx,
    /// Excel 97–2003 (`.xls`).
    Xls,
    /// Excel binary workbook (`.xlsb`).
    Xlsb,
    /// OpenDocument spreadsheet (`.ods`).
    Ods,
    /// Comma-separated export from a case system.
    Csv,
    /// A Word document (`.docx`, `.docm`) whose table holds the chronology
    /// (the Chronolator-era habit).
    Docx,
    /// A tab-separated text file (`.txt`), as Excel saves "Unicode Text"
    /// (UTF-16 with a byte order mark) or "Text (Tab delimited)": read when
    /// its first lines hold the template's headings.
    Text,
}

impl Format {
    /// The format for a file extension (case-insensitive), if it is a return.
    ///
    /// ```
    /// use chronomerge::model::Format;
    /// assert_eq!(Format::from_extension("XLSX"), Some(Format::Xlsx));
    /// assert_eq!(Format::from_extension("docx"), Some(Format::Docx));
    /// assert_eq!(Format::from_extension("txt"), Some(Format::Text));
    /// assert_eq!(Format::from_extension("pdf"), None);
    /// ```
    pub fn from_extension(ext: &str) -> Option<Format> {
        match ext.to_ascii_lowercase().as_str() {
            "xlsx" | "xlsm" => Some(Format::Xlsx),
            "xls" => Some(Format::Xls),
            "xlsb" => Some(Format::Xlsb),
            "ods" => Some(Format::Ods),
            "csv" => Some(Format::Csv),
            "docx" | "docm" => Some(Format::Docx),
            "txt" => Some(Format::Text),
            _ => None,
        }
    }

    /// True for the spreadsheet formats, whose return has an
    /// `Agency details` sheet; a CSV, a text file or a Word document has
    /// none (its agency comes from a column, a line, the command line or
    /// the file name).
    pub fn has_details_sheet(self) -> bool {
        matches!(
            self,
            Format::Xlsx | Format::Xls | Format::Xlsb | Format::Ods
        )
    }
}

/// A file found in the review folder.
#[derive(Debug, Clone)]
pub struct FoundFile {
    /// Full path.
    pub path: PathBuf,
    /// File name as shown to people.
    pub name: String,
    /// The return format, or why the file is not a return.
    pub kind: FileKind,
}

/// Whether a found file is read as a return.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileKind {
    /// A return to read.
    Return(Format),
    /// Listed in `Returns` as ignored, with the reason, and nothing else:
    /// lock files, hidden files, the review configuration.
    Ignored(String),
    /// Looks like a return but is in a format the engine does not read (a
    /// PDF, an old Word `.doc`, a Numbers or Pages file …): listed in
    /// `Returns` as rejected, with this finding saying what to ask for.
    NotRead(Finding),
}

/// One row of a sheet, with its origin.
#[derive(Debug, Clone, PartialEq)]
pub struct RawRow {
    /// 1-based row number in the sheet.
    pub row: u32,
    /// The cells from column A on (may be shorter than the template).
    pub cells: Vec<Cell>,
}

/// A sheet as read: its name and its non-blank rows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RawSheet {
    /// Sheet name as in the workbook.
    pub name: String,
    /// Rows that hold anything, in sheet order.
    pub rows: Vec<RawRow>,
    /// Cells (0-based col, 1-based row) that hold formulas, with the formula.
    pub formulas: Vec<(usize, u32, String)>,
    /// The first few cells with content beyond the columns kept
    /// (0-based col, 1-based row).
    pub stray: Vec<(usize, u32)>,
    /// How many cells with content lie beyond the columns kept.
    pub stray_count: usize,
    /// Merged cells (blocks shown as one cell), as the workbook records
    /// them. Only blocks over two cells or more are kept.
    pub merged: Vec<MergedCells>,
    /// Hidden (or filtered-out) rows, as 1-based inclusive ranges in sheet
    /// order.
    pub hidden_rows: Vec<(u32, u32)>,
    /// Hidden columns, as 0-based inclusive ranges in sheet order.
    pub hidden_cols: Vec<(usize, usize)>,
    /// True when the workbook asks to be calculated when opened
    /// (`fullCalcOnLoad`, written by scripts such as rust_xlsxwriter or
    /// openpyxl): the values saved with its formulas are placeholders.
    pub formulas_uncalculated: bool,
}

/// A block of merged cells: 1-based rows and 0-based columns, inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MergedCells {
    /// First (top) row, 1-based.
    pub first_row: u32,
    /// Last (bottom) row, 1-based.
    pub last_row: u32,
    /// First (left) column, 0-based.
    pub first_col: usize,
    /// Last (right) column, 0-based.
    pub last_col: usize,
}

impl MergedCells {
    /// The block's A1 reference, `A5:A7`.
    ///
    /// ```
    /// use chronomerge::model::MergedCells;
    /// let m = MergedCells { first_row: 5, last_row: 7, first_col: 0, last_col: 0 };
    /// assert_eq!(m.range(), "A5:A7");
    /// ```
    pub fn range(&self) -> String {
        format!(
            "{}:{}",
            cell_ref(self.first_col, self.first_row),
            cell_ref(self.last_col, self.last_row)
        )
    }
}

/// A return as read from disk, before any checking.
#[derive(Debug, Clone, PartialEq)]
pub struct RawReturn {
    /// File name.
    pub file: Arc<str>,
    /// Its format.
    pub format: Format,
    /// Every sheet name, in workbook order.
    pub sheet_names: Vec<String>,
    /// The `Agency details` sheet, if found.
    pub details: Option<RawSheet>,
    /// The chronology's sheets in workbook order: `Chronology`, then the
    /// sheets it continues on (`Chronology (2)`, `Chronology 2023`, any
    /// sheet with the template's headings). For a CSV, the whole file.
    /// Empty when there is none (or the file is a merged chronology).
    pub chronology: Vec<RawSheet>,
    /// Findings made while reading (encoding, ragged rows …).
    pub findings: Vec<Finding>,
}

/// The sheets the engine reads, by their template names.
pub const CHRONOLOGY_SHEET: &str = "Chronology";
/// The agency details sheet.
pub const DETAILS_SHEET: &str = "Agency details";
/// The guidance sheet (ignored on ingest).
pub const GUIDANCE_SHEET: &str = "Guidance";

/// Columns kept per row. The template has 10 (A–J) and a CSV may add an
/// `Agency` column; a little more is kept so content typed beyond the
/// template can be reported. Anything further right is counted, not kept.
pub const MAX_COLS: usize = 32;

/// Lower case, letters and digits only, single spaces: the key headings and
/// sheet names are compared by (`ingest` finds sheets by it, `validate`
/// matches headings, event types and labels by it).
pub(crate) fn normalise(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for ch in s.chars() {
        if ch.is_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.extend(ch.to_lowercase());
        } else {
            space = true;
        }
    }
    out
}

/// True for a sheet name that says it holds the chronology: `Chronology`,
/// `Chronology (2)`, `Chronology 2023`, `chronology cont`, or a close
/// misspelling of `Chronology`.
///
/// ```
/// use chronomerge::ingest::is_chronology_name;
/// assert!(is_chronology_name("Chronology (cont)"));
/// assert!(is_chronology_name("Chronolgy"));
/// assert!(!is_chronology_name("Old version"));
/// ```
pub fn is_chronology_name(name: &str) -> bool {
    let key = normalise(name);
    key.starts_with("chronology") || strsim::normalized_levenshtein(&key, "chronology") >= 0.75
}

/// The template's chronology columns, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Column {
    /// A: Date
    Date,
    /// B: Time
    Time,
    /// C: Sequence
    Sequence,
    /// D: Source of information
    Source,
    /// E: Practitioner role
    Role,
    /// F: Child or family member
    Subject,
    /// G: Event type
    EventType,
    /// H: Details of event
    Details,
    /// I: Action / outcome
    Action,
    /// J: Analysis / comment
    Analysis,
}

impl Column {
    /// All columns in template order.
    pub const ALL: [Column; 10] = [
        Column::Date,
        Column::Time,
        Column::Sequence,
        Column::Source,
        Column::Role,
        Column::Subject,
        Column::EventType,
        Column::Details,
        Column::Action,
        Column::Analysis,
    ];

    /// The heading in the template.
    pub fn heading(self) -> &'static str {
        match self {
            Column::Date => "Date",
            Column::Time => "Time",
            Column::Sequence => "Sequence",
            Column::Source => "Source of information",
            Column::Role => "Practitioner role",
            Column::Subject => "Child or family member",
            Column::EventType => "Event type",
            Column::Details => "Details of event",
            Column::Action => "Action / outcome",
            Column::Analysis => "Analysis / comment",
        }
    }

    /// True for the columns every event must fill.
    pub fn required(self) -> bool {
        matches!(self, Column::Date | Column::Source | Column::Details)
    }

    /// Position in the template (0 = A).
    pub fn index(self) -> usize {
        self as usize
    }
}

/// The event types of the template, in the template's order.
pub const EVENT_TYPES: [&str; 15] = [
    "Contact or visit",
    "Appointment attended",
    "Appointment missed or child not brought",
    "Referral made",
    "Referral received",
    "Assessment",
    "Strategy discussion or meeting",
    "Child protection conference or core group",
    "Multi-agency meeting",
    "Incident or call-out",
    "Injury or medical attention",
    "Hospital attendance or admission",
    "Information shared",
    "Case closed or transferred",
    "Other",
];

/// One accepted event, owned once and moved from stage to stage.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    /// Where it came from.
    pub origin: Origin,
    /// Index of the agency in the merged chronology's agency list
    /// (assigned by `merge`; 0 until then).
    pub agency: usize,
    /// The date as read (start, precision, approximate, end).
    pub date: DateValue,
    /// Time of day if known (from the Time cell or the Date cell).
    pub time: Option<NaiveTime>,
    /// The Sequence column.
    pub sequence: Option<f64>,
    /// Source of information. This and the other short columns that
    /// repeat down a return (role, subject, event type, the date as
    /// written) are shared between the events that give the same text,
    /// not copied: a return names the same few sources on every row.
    pub source: Arc<str>,
    /// Practitioner role.
    pub role: Arc<str>,
    /// Child or family member.
    pub subject: Arc<str>,
    /// Event type as written (trimmed).
    pub event_type: Arc<str>,
    /// Index into [`EVENT_TYPES`] when the type is one of the template's.
    pub event_type_known: Option<usize>,
    /// Details of event.
    pub details: String,
    /// Action / outcome.
    pub action: String,
    /// Analysis / comment.
    pub analysis: String,
    /// The Date cell as written.
    pub date_written: Arc<str>,
    /// The `Key line of enquiry` cell: the line's entry (`KLOE 2: text`)
    /// when it names one of the review's lines, else as written; empty
    /// when none.
    pub key_line: Arc<str>,
    /// An author's note (source starts with `#`, `^`, `¬` or `~`).
    pub is_note: bool,
    /// Outside the review period (kept, marked).
    pub outside_period: bool,
    /// Position of the row within its return (for stable ordering).
    pub seq_in_return: u32,
    /// The event's reference in the merged chronology (`POL-0042`),
    /// given by [`crate::refs`] after the merge; empty until then.
    pub reference: EventRef,
}

/// An event's short reference in the merged chronology: the agency's
/// prefix and a number, shown as `POL-0042`. See [`crate::refs`].
///
/// ```
/// use chronomerge::model::EventRef;
/// let r = EventRef { prefix: "POL".into(), number: 42 };
/// assert_eq!(r.to_string(), "POL-0042");
/// assert_eq!(EventRef::default().to_string(), "");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EventRef {
    /// The agency's prefix (its `short` name, or one made from its name).
    pub prefix: Arc<str>,
    /// The number, from 1; 0 for no reference yet.
    pub number: u32,
}

impl std::fmt::Display for EventRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.number == 0 {
            return Ok(());
        }
        write!(f, "{}-{:04}", self.prefix, self.number)
    }
}

impl Serialize for EventRef {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// What one return contributed, for the `Returns` sheet.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReturnSummary {
    /// File name.
    pub file: String,
    /// Agency name ("" when the file was not a return).
    pub agency: String,
    /// Format, when a return.
    pub format: Option<Format>,
    /// merged / merged with warnings / rejected / ignored.
    pub status: ReturnStatus,
    /// Rows with any content.
    pub rows_read: usize,
    /// Rows merged.
    pub rows_merged: usize,
    /// Rows rejected.
    pub rows_rejected: usize,
    /// Rows with content that are not events (an instruction row, a
    /// footer, a totals row, a repeated heading row), each reported; for
    /// a superseded return, every row it read (none of them is merged).
    /// `rows_read = rows_merged + rows_rejected + rows_skipped`.
    pub rows_skipped: usize,
    /// Earliest event date.
    pub first: Option<chrono::NaiveDate>,
    /// Latest event date.
    pub last: Option<chrono::NaiveDate>,
    /// Review reference given in the return.
    pub review_reference: String,
    /// Why a file was ignored or rejected.
    pub note: String,
    /// The day the return was received: the file's modified time, as a
    /// local date (the engine cannot know when an email arrived; a file
    /// copied in keeps the time it was saved by the agency on most
    /// systems). `None` when not known (a return checked from memory).
    /// Used by [`crate::status`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub received: Option<chrono::NaiveDate>,
}

/// The status of a file in the `Returns` sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReturnStatus {
    /// Every row merged, no warnings.
    Merged,
    /// Merged, with warnings or rejected rows.
    MergedWithWarnings,
    /// The whole file could not be used.
    Rejected,
    /// Not a return.
    Ignored,
    /// An older version of an agency's return, replaced by a newer one in
    /// the same folder: not merged, its findings not chased.
    Superseded,
}

impl ReturnSummary {
    /// The line of a file with nothing counted yet: no agency, format,
    /// rows, dates or review reference.
    ///
    /// ```
    /// use chronomerge::model::{ReturnStatus, ReturnSummary};
    /// let s = ReturnSummary::new("notes.pdf", ReturnStatus::Rejected, "a PDF");
    /// assert_eq!(s.rows_read, s.rows_merged + s.rows_rejected + s.rows_skipped);
    /// ```
    pub fn new(file: impl Into<String>, status: ReturnStatus, note: impl Into<String>) -> Self {
        ReturnSummary {
            file: file.into(),
            agency: String::new(),
            format: None,
            status,
            rows_read: 0,
            rows_merged: 0,
            rows_rejected: 0,
            rows_skipped: 0,
            first: None,
            last: None,
            review_reference: String::new(),
            note: note.into(),
            received: None,
        }
    }
}

impl ReturnStatus {
    /// The words shown in the `Returns` sheet.
    pub fn as_str(self) -> &'static str {
        match self {
            ReturnStatus::Merged => "merged",
            ReturnStatus::MergedWithWarnings => "merged with warnings",
            ReturnStatus::Rejected => "rejected",
            ReturnStatus::Ignored => "ignored",
            ReturnStatus::Superseded => "superseded",
        }
    }
}

/// A return after checking: the events it gives and what was found.
#[derive(Debug, Clone)]
pub struct CheckedReturn {
    /// Agency name as the return gives it.
    pub agency: String,
    /// Accepted events, in the return's row order.
    pub events: Vec<Event>,
    /// Every finding about this file.
    pub findings: Vec<Finding>,
    /// The accounting line.
    pub summary: ReturnSummary,
    /// `Agency details` › Date completed, when it is a readable date: what
    /// tells a corrected return from the one it replaces
    /// (`same_agency`).
    pub completed: Option<chrono::NaiveDate>,
    /// The file's modification time, when known (the next test of which of
    /// two returns of one agency is the newer).
    pub modified: Option<std::time::SystemTime>,
    /// The sheet and cell the agency's name was read from (`Agency
    /// details`, `B1`), when it was read from a cell.
    pub agency_at: Option<(String, String)>,
}

/// True when a file's `Returns` line is that of a return: read as a
/// spreadsheet, CSV, Word table or text chronology (merged, rejected or
/// superseded), not ignored and not in a format the engine does not read.
pub fn is_return(s: &ReturnSummary) -> bool {
    s.format.is_some() && s.status != ReturnStatus::Ignored
}

/// The message for a folder none of whose files is a return (see
/// [`MergedReview::no_returns`](crate::review::MergedReview::no_returns));
/// `None` when one is.
pub fn no_returns(dir: &std::path::Path, files: &[ReturnSummary]) -> Option<String> {
    if files.iter().any(is_return) {
        return None;
    }
    let folder = dir.display();
    if files.is_empty() {
        return Some(format!(
            "no return to merge in {folder}: the folder is empty; put the agencies' returns in it"
        ));
    }
    let listed: Vec<String> = files
        .iter()
        .take(20)
        .map(|s| format!("{} ({}: {})", s.file, s.status.as_str(), s.note))
        .collect();
    let more = if files.len() > 20 {
        format!("; and {} more", files.len() - 20)
    } else {
        String::new()
    };
    Some(format!(
        "no return to merge in {folder}: none of its {} file(s) is a chronology return (found: {}{more})",
        files.len(),
        listed.join("; ")
    ))
}

/// An agency in the merged chronology.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Agency {
    /// Name as the partnership knows it.
    pub name: String,
    /// Fill colour, `0xRRGGBB`.
    pub colour: u32,
    /// The return files it came from.
    pub files: Vec<String>,
    /// Events merged.
    pub events: usize,
    /// Rows rejected.
    pub rejected: usize,
}

/// The merged chronology: agencies, events in order, findings and the
/// accounting of every file.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Chronology {
    /// Agencies in order of first appearance by name (sorted by name).
    pub agencies: Vec<Agency>,
    /// Events in merged order; `event.agency` indexes `agencies`.
    pub events: Vec<Event>,
    /// Every finding, file by file.
    pub findings: Vec<Finding>,
    /// One line per file found.
    pub returns: Vec<ReturnSummary>,
    /// For each agency, the agency it is counted as in the key practice
    /// episodes: itself, or the first of a group of names so close that
    /// they may be one agency (`merge`'s same-agency check). Empty: each
    /// agency counts as itself.
    pub same_agency: Vec<usize>,
}

impl Chronology {
    /// The agency that agency `a` is counted as in the key practice
    /// episodes ([`Chronology::same_agency`]).
    pub fn counted_as(&self, a: usize) -> usize {
        self.same_agency.get(a).copied().unwrap_or(a)
    }
}
