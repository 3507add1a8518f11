//! Feedback to the agencies: one small workbook per agency that has
//! something to fix, ready to send back.
//!
//! An agency gets a file when its returns (not the superseded ones) have
//! error or warning findings; info findings (nothing to fix) and
//! `agency-not-returned` (the business unit's, not the agency's) are left
//! out. The file is `<agency> - feedback <review reference>.xlsx` (made
//! safe for a Windows file name: no `<>:"/\|?*`, no control characters, no
//! trailing dot or space) and holds one sheet, `Feedback`: a cover block
//! (review, agency, due date, contact, how many errors and warnings, what
//! to do), then one row per finding: severity, file, sheet, cell, code,
//! what is wrong (the finding's message), what to do (the code's
//! guidance, [`crate::findings::Code::what_to_do`]) and the row as the
//! agency wrote it (`A: 05/03/2019 | D: GP record | …`).
//!
//! The row's cells are read again from the return, only for the files that
//! have findings and only here: the merge itself carries no row text in
//! its findings. Every text goes into the workbook as a string, never a
//! formula; each file is written atomically ([`crate::output`]).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use rust_xlsxwriter::{Format, FormatAlign, Workbook, XlsxError};

use crate::dates::display::DAY;
use crate::findings::{Code, Finding, Severity};
use crate::model::RawSheet;
use crate::output::{write_buffered, OutputError};
use crate::review::MergedReview;
use crate::status::{status, State};
use crate::write::label;

/// Why a feedback file could not be written.
#[derive(Debug, thiserror::Error)]
pub enum FeedbackError {
    /// The file or its folder cannot be written (the message names the
    /// file and says why).
    #[error("{0}")]
    Io(#[from] OutputError),
    /// The workbook could not be made.
    #[error("cannot write {path}: {source}")]
    Xlsx {
        /// The target.
        path: PathBuf,
        /// Why.
        source: XlsxError,
    },
}

/// One feedback file written.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedbackFile {
    /// The agency it is for.
    pub agency: String,
    /// Where it was written.
    pub path: PathBuf,
    /// Error findings in it.
    pub errors: usize,
    /// Warning findings in it.
    pub warnings: usize,
}

/// What [`write_feedback`] did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Feedback {
    /// The files written, one per agency with something to fix.
    pub written: Vec<FeedbackFile>,
    /// Agencies whose returns have nothing to fix (no file written).
    pub nothing_to_fix: Vec<String>,
    /// Expected agencies with no return yet (no file written).
    pub no_return: Vec<String>,
}

/// A file name safe on Windows and elsewhere: the characters `<>:"/\|?*`
/// and control characters removed, runs of spaces made one, no trailing
/// dot or space; `agency` when nothing is left.
///
/// ```
/// use chronomerge::feedback::safe_file_name;
/// assert_eq!(safe_file_name("Police: PPU / CID?"), "Police PPU CID");
/// assert_eq!(safe_file_name("Écoles d'Île..."), "Écoles d'Île");
/// assert_eq!(safe_file_name("***"), "agency");
/// ```
pub fn safe_file_name(s: &str) -> String {
    let kept: String = s
        .chars()
        .filter(|c| !matches!(c, '<' | '>' | ':' | '"' | '/' | '\\' | '|' | '?' | '*'))
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let joined = kept.split_whitespace().collect::<Vec<_>>().join(" ");
    let trimmed = joined.trim_end_matches(['.', ' ']).to_string();
    if trimmed.is_empty() {
        "agency".into()
    } else {
        trimmed
    }
}

/// The feedback file's name for an agency: `<agency> - feedback <review
/// reference>.xlsx` (without the reference when the review has none).
///
/// ```
/// use chronomerge::feedback::feedback_file_name;
/// assert_eq!(feedback_file_name("GP", Some("LCSPR-2024/03")), "GP - feedback LCSPR-202403.xlsx");
/// assert_eq!(feedback_file_name("GP", None), "GP - feedback.xlsx");
/// ```
pub fn feedback_file_name(agency: &str, review: Option<&str>) -> String {
    let agency = safe_file_name(agency);
    match review.map(str::trim).filter(|r| !r.is_empty()) {
        Some(r) => format!("{agency} - feedback {}.xlsx", safe_file_name(r)),
        None => format!("{agency} - feedback.xlsx"),
    }
}

/// True for a finding the agency is asked to act on.
fn to_send(f: &Finding) -> bool {
    f.severity != Severity::Info && f.code != Code::AgencyNotReturned
}

/// The 1-based row of a cell reference (`D17`, `A5:A7` → 17, 5).
fn row_of(cell: &str) -> Option<u32> {
    let first = cell.split(':').next()?;
    let digits: String = first
        .trim()
        .trim_start_matches(|c: char| c.is_ascii_alphabetic() || c == '$')
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    digits.parse().ok().filter(|&r| r > 0)
}

/// Longest text put in one cell (Excel's limit is 32,767).
const CELL_MAX: usize = 32_000;

/// A row's cells as written: `A: … | D: …`, empty cells left out.
fn row_text(sheet: &RawSheet, row: u32) -> String {
    let Ok(i) = sheet.rows.binary_search_by_key(&row, |r| r.row) else {
        return String::new();
    };
    let mut out = String::new();
    for (c, cell) in sheet.rows[i].cells.iter().enumerate() {
        if cell.is_blank() {
            continue;
        }
        if !out.is_empty() {
            out.push_str(" | ");
        }
        out.push_str(&crate::model::col_name(c));
        out.push_str(": ");
        out.push_str(cell.to_text().trim());
    }
    if out.chars().count() > CELL_MAX {
        out = out.chars().take(CELL_MAX).collect::<String>() + "…";
    }
    out
}

/// The rows' text of one return, by (sheet, row), for the rows its
/// findings name. A file that cannot be read again gives none.
fn rows_of(
    review: &MergedReview,
    file: &str,
    wanted: &HashSet<(String, u32)>,
) -> HashMap<(String, u32), String> {
    let mut out = HashMap::new();
    let Some(format) = review
        .chronology
        .returns
        .iter()
        .find(|s| s.file == file)
        .and_then(|s| s.format)
    else {
        return out;
    };
    let path = review.dir.join(file);
    let Ok(raw) = crate::ingest::read_return(&path, file, format) else {
        return out;
    };
    for sheet in raw.chronology.iter().chain(raw.details.iter()) {
        for (s, r) in wanted {
            if *s == sheet.name {
                let t = row_text(sheet, *r);
                if !t.is_empty() {
                    out.insert((s.clone(), *r), t);
                }
            }
        }
    }
    out
}

/// Writes one feedback workbook per agency with something to fix into
/// `out_dir` (which must exist), replacing files of the same name.
///
/// # Errors
///
/// [`FeedbackError`] for the first file that cannot be written (the files
/// before it are written).
pub fn write_feedback(review: &MergedReview, out_dir: &Path) -> Result<Feedback, FeedbackError> {
    let report = status(review);
    let mut result = Feedback::default();
    let mut used: HashSet<String> = HashSet::new();
    for a in &report.agencies {
        match a.state {
            State::Superseded => continue,
            State::Outstanding | State::Overdue => {
                result.no_return.push(a.agency.clone());
                continue;
            }
            State::Received | State::NeedsFixes => {}
        }
        let mut findings: Vec<&Finding> = review
            .chronology
            .findings
            .iter()
            .filter(|f| a.files.contains(&f.file) && to_send(f))
            .collect();
        if findings.is_empty() {
            result.nothing_to_fix.push(a.agency.clone());
            continue;
        }
        // Errors first, then by file and place, as the return reads.
        findings.sort_by(|x, y| {
            x.severity
                .cmp(&y.severity)
                .then_with(|| x.file.cmp(&y.file))
                .then_with(|| x.sheet.cmp(&y.sheet))
                .then_with(|| row_of(&x.cell).cmp(&row_of(&y.cell)))
        });
        let mut rows: HashMap<(String, String, u32), String> = HashMap::new();
        for file in &a.files {
            let wanted: HashSet<(String, u32)> = findings
                .iter()
                .filter(|f| &f.file == file)
                .filter_map(|f| Some((f.sheet.clone(), row_of(&f.cell)?)))
                .collect();
            if wanted.is_empty() {
                continue;
            }
            for ((s, r), t) in rows_of(review, file, &wanted) {
                rows.insert((file.clone(), s, r), t);
            }
        }
        let mut name = feedback_file_name(&a.agency, review.config.review.as_deref());
        let mut n = 2;
        while !used.insert(name.to_lowercase()) {
            name = feedback_file_name(
                &format!("{} ({n})", a.agency),
                review.config.review.as_deref(),
            );
            n += 1;
        }
        let path = out_dir.join(&name);
        let errors = findings.iter().filter(|f| f.is_error()).count();
        let warnings = findings.len() - errors;
        let book = Book {
            review: review.config.review.as_deref().unwrap_or(""),
            agency: &a.agency,
            due: a.due,
            contact: a.contact.as_deref().unwrap_or(""),
            files: &a.files,
            errors,
            warnings,
            findings: &findings,
            rows: &rows,
        };
        let bytes = book
            .build()
            .and_then(|mut wb| wb.save_to_buffer())
            .map_err(|source| FeedbackError::Xlsx {
                path: path.clone(),
                source,
            })?;
        write_buffered(&path, |w| w.write_all(&bytes))?;
        result.written.push(FeedbackFile {
            agency: a.agency.clone(),
            path,
            errors,
            warnings,
        });
    }
    Ok(result)
}

/// The headings of the feedback table.
pub const FEEDBACK_HEADINGS: [&str; 8] = [
    "Severity",
    "File",
    "Sheet",
    "Cell",
    "Code",
    "What is wrong",
    "What to do",
    "Row as written",
];

/// The row (0-based) of the table's headings on the `Feedback` sheet.
pub const TABLE_ROW: u32 = 10;

struct Book<'a> {
    review: &'a str,
    agency: &'a str,
    due: Option<chrono::NaiveDate>,
    contact: &'a str,
    files: &'a [String],
    errors: usize,
    warnings: usize,
    findings: &'a [&'a Finding],
    rows: &'a HashMap<(String, String, u32), String>,
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

impl Book<'_> {
    fn build(&self) -> Result<Workbook, XlsxError> {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name("Feedback")?;
        ws.set_landscape();
        ws.set_print_fit_to_pages(1, 0);
        let bold = Format::new().set_bold();
        let title = Format::new().set_bold().set_font_size(14);
        let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
        let head = Format::new()
            .set_bold()
            .set_text_wrap()
            .set_background_color(0xD9D9D9);
        label(ws, 0, 0, "Feedback on your chronology return", &title)?;
        let due = self
            .due
            .map(|d| d.format(DAY).to_string())
            .unwrap_or_default();
        let what = format!(
            "Please correct each row below in your return and send the whole return again{}. \
             Rows with an error are left out of the merged chronology until they are corrected; \
             rows with a warning are kept, but please check them and correct them where needed. \
             Keep the template's sheets and headings.",
            if due.is_empty() {
                String::new()
            } else {
                format!(" (returns were due {due})")
            }
        );
        let cover: [(&str, String); 7] = [
            ("Review", self.review.to_string()),
            ("Agency", self.agency.to_string()),
            ("Returns due", due.clone()),
            ("Contact", self.contact.to_string()),
            ("Your return", self.files.join(", ")),
            (
                "Findings",
                format!(
                    "{}, {}",
                    plural(self.errors, "error", "errors"),
                    plural(self.warnings, "warning", "warnings")
                ),
            ),
            ("What to do", what),
        ];
        for (i, (k, v)) in cover.iter().enumerate() {
            let r = 2 + i as u32;
            label(ws, r, 0, k, &bold)?;
            if *k == "What to do" {
                // Across the table's width: a string, never a formula.
                ws.merge_range(r, 1, r, 7, v, &wrap)?;
                ws.set_row_height(r, 45.0)?;
            } else {
                label(ws, r, 1, v, &wrap)?;
            }
        }
        let widths = [9.0, 24.0, 14.0, 8.0, 22.0, 50.0, 45.0, 60.0];
        for (c, (h, w)) in FEEDBACK_HEADINGS.iter().zip(widths).enumerate() {
            ws.set_column_width(c as u16, w)?;
            label(ws, TABLE_ROW, c as u16, h, &head)?;
        }
        for (i, f) in self.findings.iter().enumerate() {
            let r = TABLE_ROW + 1 + i as u32;
            let row_text = row_of(&f.cell)
                .and_then(|n| self.rows.get(&(f.file.clone(), f.sheet.clone(), n)))
                .map(String::as_str)
                .unwrap_or("");
            let cells = [
                f.severity.as_str(),
                f.file.as_str(),
                f.sheet.as_str(),
                f.cell.as_str(),
                f.code.as_str(),
                f.message.as_str(),
                f.code.what_to_do(),
                row_text,
            ];
            for (c, v) in cells.iter().enumerate() {
                label(ws, r, c as u16, v, &wrap)?;
            }
        }
        let last = TABLE_ROW + self.findings.len() as u32;
        ws.autofilter(TABLE_ROW, 0, last.max(TABLE_ROW + 1), 7)?;
        ws.set_freeze_panes(TABLE_ROW + 1, 0)?;
        ws.set_repeat_rows(TABLE_ROW, TABLE_ROW)?;
        Ok(wb)
    }
}
