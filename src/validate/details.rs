//! The `Agency details` sheet ([`read_details`]) and what a return says
//! about itself: the agency it is from (the details sheet, else a CSV's
//! `Agency` column, else the command line, else the file name, with a
//! finding when the return does not say), its review reference and the
//! date it was completed.

use chrono::NaiveDate;

use super::headings::ColumnMap;
use super::CheckContext;
use crate::dates::{parse_date, Precision};
use crate::findings::{Code, Finding};
use crate::model::{cell_ref, normalise, Format, RawSheet, DETAILS_SHEET};

/// The agency details found on the `Agency details` sheet.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct AgencyDetails {
    /// Agency.
    pub agency: String,
    /// Review reference.
    pub review: String,
    /// Completed by (role).
    pub completed_by: String,
    /// Date completed, as written.
    pub date_completed: String,
    /// Period from, as written.
    pub period_from: String,
    /// Period to, as written.
    pub period_to: String,
    /// The 1-based row of the `Agency` label, if there is one.
    pub agency_row: Option<u32>,
    /// The 1-based row of the `Review reference` label, if there is one.
    pub review_row: Option<u32>,
}

/// Reads the labels of the `Agency details` sheet (column A labels, column
/// B values, found by text wherever the rows are).
pub(crate) fn read_details(sheet: &RawSheet) -> AgencyDetails {
    let mut d = AgencyDetails::default();
    for row in &sheet.rows {
        let label = row
            .cells
            .first()
            .map(|c| normalise(&c.to_text()))
            .unwrap_or_default();
        let value = row
            .cells
            .get(1)
            .map(|c| c.to_text().trim().to_string())
            .unwrap_or_default();
        let slot = match label.as_str() {
            "agency" | "agency name" | "organisation" => {
                d.agency_row.get_or_insert(row.row);
                &mut d.agency
            }
            "review reference" | "review ref" | "review" => {
                d.review_row.get_or_insert(row.row);
                &mut d.review
            }
            "completed by role" | "completed by" => &mut d.completed_by,
            "date completed" => &mut d.date_completed,
            "period from" => &mut d.period_from,
            "period to" => &mut d.period_to,
            _ => continue,
        };
        if slot.is_empty() {
            *slot = value;
        }
    }
    d
}

/// The agency name a file name suggests: `west_yorkshire-police return.xlsx`
/// → `west yorkshire police return`.
pub(crate) fn agency_from_file_name(name: &str) -> String {
    let stem = std::path::Path::new(name)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| name.to_string());
    stem.replace(['_', '-', '.'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A return's agency details, with the sheet they were read from and what
/// is needed to judge them.
pub(super) struct Details<'a> {
    /// What the details sheet gives (all empty when there is none).
    pub(super) read: AgencyDetails,
    /// The details sheet's name (the template's when there is none).
    sheet: String,
    /// True when the return has a details sheet.
    has_sheet: bool,
    format: Format,
    file: &'a str,
    ctx: &'a CheckContext,
}

impl<'a> Details<'a> {
    /// Reads the details sheet of a return, if it has one, with a finding
    /// when it was found under another name.
    pub(super) fn new(
        sheet: Option<&RawSheet>,
        format: Format,
        file: &'a str,
        ctx: &'a CheckContext,
        findings: &mut Vec<Finding>,
    ) -> Self {
        let read = sheet.map(read_details).unwrap_or_default();
        let name = sheet.map_or_else(|| DETAILS_SHEET.to_string(), |d| d.name.clone());
        if format.has_details_sheet() && sheet.is_some_and(|d| d.name != DETAILS_SHEET) {
            findings.push(
                Finding::new(
                    Code::SheetRenamed,
                    file,
                    format!(
                        "the sheet 'Agency details' was not found; the sheet '{name}' was read as the agency details"
                    ),
                )
                .at(name.as_str(), ""),
            );
        }
        Details {
            read,
            sheet: name,
            has_sheet: sheet.is_some(),
            format,
            file,
            ctx,
        }
    }

    /// The agency when the return does not give it: the details sheet's,
    /// else the one given on the command line, else the file name's.
    pub(super) fn fallback(&self) -> String {
        if !self.read.agency.is_empty() {
            return self.read.agency.clone();
        }
        self.ctx
            .agency
            .clone()
            .unwrap_or_else(|| agency_from_file_name(self.file))
    }

    /// The `Date completed` of the agency details, when it is a readable day.
    pub(super) fn completed(&self) -> Option<NaiveDate> {
        parse_date(&self.read.date_completed, &self.ctx.dates)
            .ok()
            .filter(|d| d.value.precision == Precision::Day)
            .map(|d| d.value.start)
    }

    /// The agency of the return and the sheet and cell it was read from:
    /// the details sheet, else the CSV's `Agency` column (the first row
    /// under the headings that fills it), else the command line, else the
    /// file name, with an `agency-missing` finding when the return should
    /// have said.
    pub(super) fn agency(
        &self,
        sheet: &RawSheet,
        map: Option<&ColumnMap>,
        findings: &mut Vec<Finding>,
    ) -> (String, Option<(String, String)>) {
        let mut agency = self.read.agency.clone();
        let agency_at = match self.read.agency_row {
            Some(r) if !agency.is_empty() => Some((self.sheet.clone(), cell_ref(1, r))),
            _ => None,
        };
        if agency.is_empty() {
            if let Some((m, ac)) = map.and_then(|m| m.agency.map(|ac| (m, ac))) {
                agency = sheet.rows[m.header_index + 1..]
                    .iter()
                    .find_map(|r| {
                        r.cells
                            .get(ac)
                            .map(|c| c.to_text().trim().to_string())
                            .filter(|s| !s.is_empty())
                    })
                    .unwrap_or_default();
            }
        }
        if agency.is_empty() {
            agency = self.fallback();
            if self.format.has_details_sheet() || self.ctx.agency.is_none() {
                let (sheet_name, cell, why) = self.agency_missing_at(sheet);
                findings.push(
                    Finding::new(
                        Code::AgencyMissing,
                        self.file,
                        format!("{why}; the agency was taken as '{agency}': ask the agency to fill in its name"),
                    )
                    .at(sheet_name, cell),
                );
            }
        }
        (agency, agency_at)
    }

    /// Where a return that does not give its agency should have, and why
    /// it did not: the sheet, the cell and the words of the finding.
    fn agency_missing_at(&self, sheet: &RawSheet) -> (String, String, &'static str) {
        if self.format == Format::Docx {
            (
                sheet.name.clone(),
                String::new(),
                "the Word document has no 'Agency:' line (nor an 'Agency' row in a table)",
            )
        } else if self.has_sheet {
            match self.read.agency_row {
                Some(r) => (
                    self.sheet.clone(),
                    cell_ref(1, r),
                    "the Agency cell of 'Agency details' is empty",
                ),
                None => (
                    self.sheet.clone(),
                    "A1".to_string(),
                    "the 'Agency details' sheet has no 'Agency' row",
                ),
            }
        } else if self.format == Format::Csv {
            (
                sheet.name.clone(),
                String::new(),
                "the CSV has no 'Agency' column",
            )
        } else if self.format == Format::Text {
            (
                sheet.name.clone(),
                String::new(),
                "the text file has no 'Agency' column",
            )
        } else {
            (
                DETAILS_SHEET.to_string(),
                String::new(),
                "there is no 'Agency details' sheet",
            )
        }
    }

    /// Compares the return's review reference with the review's, when
    /// the review has one and the return has details to give it.
    pub(super) fn check_review(&self, findings: &mut Vec<Finding>) {
        let Some(want) = &self.ctx.review else {
            return;
        };
        let review = &self.read.review;
        if !self.format.has_details_sheet() && review.is_empty() {
            return;
        }
        let cell = self
            .read
            .review_row
            .map(|r| cell_ref(1, r))
            .unwrap_or_default();
        if review.is_empty() {
            findings.push(
                Finding::new(
                    Code::ReviewMismatch,
                    self.file,
                    format!("the return gives no review reference (expected '{want}'): ask the agency to fill it in"),
                )
                .at(self.sheet.as_str(), cell),
            );
        } else if normalise(review) != normalise(want) {
            findings.push(
                Finding::new(
                    Code::ReviewMismatch,
                    self.file,
                    format!(
                        "the review reference is '{review}' but this review is '{want}': check the agency returned the right chronology"
                    ),
                )
                .at(self.sheet.as_str(), cell),
            );
        }
    }
}
