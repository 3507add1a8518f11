//! The values a date or time reads as, and why one could not be read.

use chrono::{Datelike, Duration, NaiveDate, NaiveTime};
use serde::Serialize;

/// How much of a date the agency gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    /// Only the year (`2019`); sorts first in its year.
    Year,
    /// Month and year (`March 2019`); sorts first in its month.
    Month,
    /// A full date.
    Day,
}

/// A date as read: start, precision, uncertainty, optional end and time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DateValue {
    /// The day the event sorts by: the first day of the period for a
    /// partial date.
    pub start: NaiveDate,
    /// How much of the start the agency gave.
    pub precision: Precision,
    /// `?`, `c.`, `circa`, `approx`, `about`.
    pub approximate: bool,
    /// The end of a range (`03/05/2019 - 10/05/2019`), if any.
    pub end: Option<NaiveDate>,
    /// The precision of the end.
    pub end_precision: Precision,
    /// A time given in the Date cell itself (`5/3/2019 14:30`).
    pub time: Option<NaiveTime>,
    /// The event's time was marked uncertain (`?14:00`, `approx 14:00` in
    /// the Time cell): it is kept, sorts as written, and is shown as
    /// approximate. Set by the caller that reads the Time cell
    /// ([`read_time_value`](super::read_time_value)); the date parser leaves it `false`.
    pub time_approximate: bool,
}

impl DateValue {
    /// An exact day.
    pub fn day(date: NaiveDate) -> Self {
        DateValue {
            start: date,
            precision: Precision::Day,
            approximate: false,
            end: None,
            end_precision: Precision::Day,
            time: None,
            time_approximate: false,
        }
    }

    /// The last day the value may stand for (end of range, month or year).
    pub fn last_day(&self) -> NaiveDate {
        match self.end {
            Some(e) => period_end(e, self.end_precision),
            None => period_end(self.start, self.precision),
        }
    }

    /// What the reader must know, for the `Date note` column
    /// (`partial (month)`, `approximate`, `ends 10/05/2019`,
    /// `time approximate`), joined by `; `.
    ///
    /// ```
    /// use chronomerge::dates::{DateValue, Precision};
    /// use chrono::NaiveDate;
    /// let mut d = DateValue::day(NaiveDate::from_ymd_opt(2019, 3, 1).unwrap());
    /// d.precision = Precision::Month;
    /// d.approximate = true;
    /// assert_eq!(d.note(), "partial (month); approximate");
    /// ```
    pub fn note(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        match self.precision {
            Precision::Day => {}
            Precision::Month => parts.push("partial (month)".into()),
            Precision::Year => parts.push("partial (year)".into()),
        }
        if self.approximate {
            parts.push("approximate".into());
        }
        if let Some(end) = self.end {
            parts.push(format!("ends {}", render_partial(end, self.end_precision)));
        }
        if self.time_approximate {
            parts.push("time approximate".into());
        }
        parts.join("; ")
    }
}

/// The last day of the period a partial date stands for.
pub fn period_end(d: NaiveDate, p: Precision) -> NaiveDate {
    match p {
        Precision::Day => d,
        Precision::Month => {
            let (y, m) = if d.month() == 12 {
                (d.year() + 1, 1)
            } else {
                (d.year(), d.month() + 1)
            };
            NaiveDate::from_ymd_opt(y, m, 1).expect("valid") - Duration::days(1)
        }
        Precision::Year => NaiveDate::from_ymd_opt(d.year(), 12, 31).expect("valid"),
    }
}

/// A date at its precision: `05/03/2019`, `Mar 2019` or `2019`.
pub(crate) fn render_partial(d: NaiveDate, p: Precision) -> String {
    d.format(super::display::chrono_format(p)).to_string()
}

/// A date that was read, with anything the reader should be warned about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateRead {
    /// The value.
    pub value: DateValue,
    /// Warnings that keep the row (wrong weekday, number read as serial).
    pub warnings: Vec<DateWarning>,
}

/// Something doubtful about a date that was nevertheless read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateWarning {
    /// The weekday named is not the date's weekday.
    WeekdayMismatch {
        /// The weekday written.
        written: String,
        /// The date's real weekday.
        actual: String,
    },
    /// A plain number was read as an Excel serial date.
    SerialNumber(String),
}

/// Why a date could not be read. The row is rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateProblem {
    /// Nothing in the cell.
    Missing,
    /// Not understood; quotes the text.
    Unreadable(String),
    /// Understood, but the day does not exist (`31/02/2019`).
    Invalid(String),
}

impl DateProblem {
    /// A sentence for the finding.
    pub fn message(&self) -> String {
        match self {
            DateProblem::Missing => "the date is empty".into(),
            DateProblem::Unreadable(t) => format!("the date '{t}' cannot be read"),
            DateProblem::Invalid(t) => format!("the date '{t}' does not exist"),
        }
    }
}

/// Why a time could not be read (the event is kept without a time).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeProblem(pub String);

/// A time of day as read from a Time cell, with whether the agency marked
/// it uncertain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeValue {
    /// The time of day.
    pub time: NaiveTime,
    /// Marked uncertain: `?14:00`, `c.14:00`, `approx 14:00`, `14:00?`,
    /// `14:00 (approx)`.
    pub approximate: bool,
}
