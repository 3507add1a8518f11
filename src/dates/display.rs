//! How the engine shows a date to people: the one place that says so.
//!
//! Day first, as a UK reader expects. Every date the engine writes for a
//! person to read (the workbook's cells and their number formats, the CSV
//! and JSON's shown dates, messages, the template's hints) takes its
//! format from here: the chrono format for text, the Excel number format
//! for a date cell, one pair for each [`Precision`].
//!
//! ```
//! use chrono::NaiveDate;
//! use chronomerge::dates::display::{self, excel_format};
//! use chronomerge::dates::Precision;
//! let d = NaiveDate::from_ymd_opt(2019, 3, 5).unwrap();
//! assert_eq!(d.format(display::DAY).to_string(), "05/03/2019");
//! assert_eq!(d.format(display::chrono_format(Precision::Month)).to_string(), "Mar 2019");
//! assert_eq!(excel_format(Precision::Day), "dd/mm/yyyy");
//! ```

use super::Precision;

/// A full date as text: `05/03/2019`.
pub const DAY: &str = "%d/%m/%Y";
/// A month as text: `Mar 2019`.
pub const MONTH: &str = "%b %Y";
/// A month as text, its name in full: `March 2019`.
pub const MONTH_LONG: &str = "%B %Y";
/// A year as text: `2019`.
pub const YEAR: &str = "%Y";
/// A time of day as text: `14:30`.
pub const TIME: &str = "%H:%M";
/// A date and time as text: `05/03/2019 14:30`.
pub const DAY_TIME: &str = "%d/%m/%Y %H:%M";

/// A full date's Excel number format (shows `05/03/2019`).
pub const EXCEL_DAY: &str = "dd/mm/yyyy";
/// A month's Excel number format (shows `Mar 2019`).
pub const EXCEL_MONTH: &str = "mmm yyyy";
/// A year's Excel number format (shows `2019`).
pub const EXCEL_YEAR: &str = "yyyy";
/// A time of day's Excel number format (shows `14:30`).
pub const EXCEL_TIME: &str = "hh:mm";

/// The chrono format of a date known to `p`: [`DAY`], [`MONTH`] or
/// [`YEAR`].
pub const fn chrono_format(p: Precision) -> &'static str {
    match p {
        Precision::Day => DAY,
        Precision::Month => MONTH,
        Precision::Year => YEAR,
    }
}

/// The Excel number format of a date known to `p`: [`EXCEL_DAY`],
/// [`EXCEL_MONTH`] or [`EXCEL_YEAR`] (each shows what [`chrono_format`]
/// writes).
pub const fn excel_format(p: Precision) -> &'static str {
    match p {
        Precision::Day => EXCEL_DAY,
        Precision::Month => EXCEL_MONTH,
        Precision::Year => EXCEL_YEAR,
    }
}
