//! One cell as read from a return, and how plain values are written.
//!
//! A leaf: it imports nothing from the crate, so that both [`crate::model`]
//! (which re-exports these items, their public paths) and
//! [`crate::dates`] (which reads dates and times from a cell) can use it
//! without importing each other. How a cell reads as text
//! ([`Cell::to_text`]) is written beside the date reader, in
//! `dates/cell.rs`, since a date cell is shown as a UK date.

/// One cell as read from a return, whatever the file format.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Cell {
    /// Nothing in the cell.
    #[default]
    Empty,
    /// Text as typed (never trimmed at this stage).
    Text(String),
    /// A plain number (no date format).
    Number(f64),
    /// A cell Excel shows as a date and/or time. `serial` is in the 1900
    /// date system whatever the workbook used, so the same day gives the
    /// same serial from a 1900 and a 1904 workbook.
    DateTime {
        /// Days since 1899-12-30 (Excel 1900 system, with its phantom
        /// 29/02/1900 at 60), fraction = time of day.
        serial: f64,
        /// True when the cell's format is a duration (`[h]:mm`).
        duration: bool,
    },
    /// An ISO 8601 date or date-time (OpenDocument date cells).
    IsoDateTime(String),
    /// An ISO 8601 duration (OpenDocument time cells), e.g. `PT14H30M00S`.
    IsoDuration(String),
    /// TRUE / FALSE.
    Bool(bool),
    /// A spreadsheet error value such as `#REF!`.
    Error(String),
}

impl Cell {
    /// True when the cell holds nothing but white space.
    pub fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }
}

/// A number as a person would write it: `3`, not `3.0`.
pub fn fmt_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}
