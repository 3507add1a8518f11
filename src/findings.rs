//! Findings: what the engine found wrong or worth knowing in a return.
//!
//! Every finding names the file, the sheet and the cell, has a stable
//! [`Code`], a [`Severity`] (`error` rejects the row or the file, `warning`
//! keeps it) and a message that says what to ask the agency to do.

use std::fmt;

use serde::Serialize;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The row (or the file) is rejected until the agency fixes it.
    Error,
    /// The row is kept; the agency should still look.
    Warning,
}

impl Severity {
    /// `error` or `warning`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

macro_rules! codes {
    ($( $(#[$doc:meta])* $variant:ident = $code:literal, $sev:ident, $todo:literal; )*) => {
        /// The stable code of a finding. The string form (`date-unreadable`)
        /// never changes once released; the README lists them all.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        pub enum Code {
            $( $(#[$doc])* #[serde(rename = $code)] $variant, )*
        }

        impl Code {
            /// Every code, in documentation order.
            pub const ALL: &'static [Code] = &[ $( Code::$variant, )* ];

            /// The stable string form.
            ///
            /// ```
            /// use chronomerge::findings::Code;
            /// assert_eq!(Code::DateMissing.as_str(), "date-missing");
            /// ```
            pub fn as_str(self) -> &'static str {
                match self { $( Code::$variant => $code, )* }
            }

            /// The usual severity of this code.
            pub fn severity(self) -> Severity {
                match self { $( Code::$variant => Severity::$sev, )* }
            }

            /// What the agency (or the business unit) should do.
            pub fn what_to_do(self) -> &'static str {
                match self { $( Code::$variant => $todo, )* }
            }
        }
    };
}

codes! {
    /// The file could not be opened or read as a spreadsheet.
    FileUnreadable = "file-unreadable", Error, "Ask the agency to re-save the return as .xlsx from the template and send it again.";
    /// The workbook is password protected.
    FileEncrypted = "file-encrypted", Error, "Ask the agency to send the return without a password (send the password separately is not enough: the engine cannot open it).";
    /// The file has a workbook extension but holds something else.
    FileNotWorkbook = "file-not-workbook", Error, "Ask the agency to send the return as a real .xlsx file made from the template.";
    /// Reading the file failed inside the engine.
    FileInternal = "file-internal-error", Error, "Report this file to the chronomerge maintainers; meanwhile ask the agency to re-save it as .xlsx.";
    /// The file is larger than the engine will read.
    FileTooLarge = "file-too-large", Error, "Ask the agency to check the return: it claims far more data than a chronology holds.";
    /// A CSV row has more or fewer fields than the header.
    CsvRagged = "csv-ragged-row", Warning, "Check the row against the agency's system: a field may hold an unescaped comma or line break.";
    /// A CSV could not be parsed past a point.
    CsvBroken = "csv-broken", Error, "Ask the agency to export the CSV again (a quote may be left open).";
    /// The `Chronology` sheet is missing.
    SheetMissing = "sheet-missing", Error, "Ask the agency to use the template: it needs a sheet called 'Chronology'.";
    /// The `Chronology` sheet was found under another name.
    SheetRenamed = "sheet-renamed", Warning, "Nothing to fix; the sheet was found under another name. Ask the agency to keep the template's sheet names next time.";
    /// The `Agency details` sheet is missing or has no agency.
    AgencyMissing = "agency-details-missing", Warning, "Ask the agency to fill in 'Agency details' (Agency and Review reference).";
    /// The review reference is missing or does not match the review.
    ReviewMismatch = "review-reference-mismatch", Warning, "Check that the agency returned the chronology for this review; ask them to correct the review reference.";
    /// Two returns name the same agency.
    AgencyDuplicate = "agency-duplicate", Warning, "Check whether one return replaces the other; remove the old one from the folder.";
    /// An expected agency sent no return.
    AgencyNotReturned = "agency-not-returned", Warning, "Chase the agency for its return.";
    /// A heading was matched to a template heading that it does not spell exactly.
    HeadingRenamed = "heading-renamed", Warning, "Nothing to fix; ask the agency to keep the template's headings next time.";
    /// A template heading was not found.
    HeadingMissing = "heading-missing", Error, "Ask the agency to restore the missing column from the template.";
    /// A heading could not be matched to the template.
    HeadingUnknown = "heading-unknown", Warning, "The column is not part of the template and is not merged; ask the agency to move its content into the template's columns.";
    /// The headings are in another order than the template's.
    HeadingReordered = "heading-reordered", Warning, "Nothing to fix; columns were matched by heading. Ask the agency to keep the template's order next time.";
    /// Rows above the header row (a banner or title).
    HeadingBanner = "heading-banner", Warning, "Nothing to fix; the rows above the headings were skipped. Ask the agency not to add rows above the headings.";
    /// A row has content but no date.
    DateMissing = "date-missing", Error, "Ask the agency to give the date of the event (a partial date such as 'March 2019' is allowed).";
    /// The date cannot be read.
    DateUnreadable = "date-unreadable", Error, "Ask the agency to write the date as dd/mm/yyyy.";
    /// The date does not exist (31/02/2019).
    DateInvalid = "date-invalid", Error, "Ask the agency to correct the date: that day does not exist.";
    /// The date is after the day of the merge.
    DateFuture = "date-future", Error, "Ask the agency to correct the date: it lies in the future.";
    /// The date lies outside the review period.
    DateOutsidePeriod = "date-outside-period", Warning, "Check with the agency whether the event belongs to the review period; it is kept and marked.";
    /// The weekday named does not match the date.
    DateWeekday = "date-weekday-mismatch", Warning, "Ask the agency which is right, the weekday or the date.";
    /// A plain number was read as an Excel serial date.
    DateSerial = "date-serial-number", Warning, "Check the date shown in the merged chronology; ask the agency to format the Date column as dates.";
    /// The return's rows are not in date order.
    DateOrder = "date-out-of-order", Warning, "Check the date: a row earlier than the one above often means a mistyped year.";
    /// The time cannot be read or does not exist.
    TimeUnreadable = "time-unreadable", Warning, "Ask the agency to write the time as HH:MM (24-hour); the event is kept without a time.";
    /// The Sequence cell is not a number.
    SequenceUnreadable = "sequence-unreadable", Warning, "Ask the agency to put a number in Sequence; the event is kept without one.";
    /// Source of information is blank.
    SourceMissing = "source-missing", Error, "Ask the agency to say where the entry comes from (e.g. 'GP record').";
    /// Details of event is blank.
    DetailsMissing = "details-missing", Error, "Ask the agency to describe the event in 'Details of event'.";
    /// Event type blank.
    EventTypeMissing = "event-type-missing", Warning, "Ask the agency to choose an event type from the list.";
    /// Event type not one of the template's.
    EventTypeUnknown = "event-type-unknown", Warning, "Ask the agency to choose an event type from the list; the text is kept as written.";
    /// A cell holds a formula.
    CellFormula = "cell-formula", Warning, "The value the formula showed is used as text; ask the agency to type the value instead.";
    /// A cell holds a spreadsheet error such as #REF!.
    CellError = "cell-error", Warning, "Ask the agency to replace the error value with what was meant.";
    /// Content in columns beyond the template.
    CellOutsideTemplate = "cell-outside-template", Warning, "The content is not merged; ask the agency to move it into the template's columns.";
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One finding about a return.
///
/// ```
/// use chronomerge::findings::{Code, Finding};
/// let f = Finding::new(Code::DateMissing, "gp.xlsx", "the row has no date")
///     .at("Chronology", "A17");
/// assert_eq!(
///     f.to_string(),
///     "gp.xlsx › Chronology › A17: error date-missing: the row has no date"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// error or warning.
    pub severity: Severity,
    /// Stable code.
    pub code: Code,
    /// File name.
    pub file: String,
    /// Sheet, empty for a finding about the whole file.
    pub sheet: String,
    /// Cell reference such as `D17`, empty for a whole sheet or file.
    pub cell: String,
    /// What is wrong and what to do.
    pub message: String,
}

impl Finding {
    /// A finding with the code's usual severity, about a whole file.
    pub fn new(code: Code, file: impl Into<String>, message: impl Into<String>) -> Self {
        Finding {
            severity: code.severity(),
            code,
            file: file.into(),
            sheet: String::new(),
            cell: String::new(),
            message: message.into(),
        }
    }

    /// Places the finding on a sheet and cell.
    pub fn at(mut self, sheet: impl Into<String>, cell: impl Into<String>) -> Self {
        self.sheet = sheet.into();
        self.cell = cell.into();
        self
    }

    /// Overrides the severity.
    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// True for an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if !self.sheet.is_empty() {
            write!(f, " › {}", self.sheet)?;
        }
        if !self.cell.is_empty() {
            write!(f, " › {}", self.cell)?;
        }
        write!(
            f,
            ": {} {}: {}",
            self.severity.as_str(),
            self.code,
            self.message
        )
    }
}
