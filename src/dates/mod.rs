//! Reading the dates and times agencies write, the way a UK reader would.
//!
//! Day first, always. The entry points are [`read_date_cell`] and
//! [`read_time_cell`] (for a [`Cell`](crate::model::Cell) of any kind) and [`parse_date`] /
//! [`parse_time`] for text.
//!
//! Text is split by a byte-level tokenizer into at most 24 tokens held on
//! the stack (numbers with their digit count, month and weekday names,
//! separators, and the few words dates use: `to`, `of`, `c.`, `am`…), and
//! a small hand-written grammar reads the tokens. Nothing is allocated
//! unless there is a problem or a warning to report. The rule throughout:
//! read what is plain, refuse what could mean two things (`March 19`,
//! `03/19`, `5/3` with no year) and never guess. Whether a date is in the
//! future or outside the review period is the caller's business.
//!
//! The module follows its seams: `value` (what a date reads as, and why
//! it could not be read), `serial` (Excel serials and the 1904 system),
//! `cell` (a date or time from a cell of any kind), `lexer` (the tokens)
//! and `parser` (the grammar). This file holds the public entry points.

mod cell;
pub mod display;
mod lexer;
mod parser;
mod serial;
mod value;

use chrono::{Datelike, NaiveDate, NaiveTime};

pub use cell::{read_date_cell, read_time_cell, read_time_value, render_iso};
pub use serial::{datetime_to_serial, serial_to_datetime, EPOCH_1904_OFFSET};
pub(crate) use value::render_partial;
pub use value::{
    period_end, DateProblem, DateRead, DateValue, DateWarning, Precision, TimeProblem, TimeValue,
};

/// What is needed to read a date besides its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateContext {
    /// The day of the merge: later dates are errors, and two-digit years
    /// up to this year's last two digits are 20xx.
    pub today: NaiveDate,
}

impl DateContext {
    /// A context for the given day.
    pub fn new(today: NaiveDate) -> Self {
        DateContext { today }
    }

    /// A context for the local day the engine runs.
    pub fn today() -> Self {
        DateContext {
            today: chrono::Local::now().date_naive(),
        }
    }

    /// The four-digit year for a two-digit one (pivot rule of TEMPLATE.md).
    pub(crate) fn expand_year(&self, yy: u32) -> i32 {
        let pivot = (self.today.year() % 100) as u32;
        if yy <= pivot {
            2000 + yy as i32
        } else {
            1900 + yy as i32
        }
    }
}

/// The text of a cell without the white space (and the zero-width and
/// byte-order marks) around it.
fn trim(text: &str) -> &str {
    text.trim_matches(|c: char| c.is_whitespace() || c == '\u{200b}' || c == '\u{feff}')
}

/// Reads a date written as text, day first.
///
/// Reads numeric dates (`05/03/2019`, `5.3.19`, `2019-03-05`, `20190305`,
/// and a serial stored as text, `43529`, with
/// [`DateWarning::SerialNumber`]), dates with
/// month names (`5th Mar 2019`, `Tuesday 5 March 2019`, `05-Mar-19`),
/// partial dates (`March 2019`, `03/2019`, `2019`), uncertain dates
/// (`?22 May 2016`, `c. 2019`, `late May 2019`), ranges
/// (`3-10 May 2019`, `03/05/2019 - 10/05/2019`) and a date with a time
/// (`5/3/2019 14:30`). Anything else is [`DateProblem::Unreadable`], and
/// a day that does not exist is [`DateProblem::Invalid`].
///
/// ```
/// use chronomerge::dates::{parse_date, DateContext, DateProblem, Precision};
/// use chrono::NaiveDate;
/// let ctx = DateContext::new(NaiveDate::from_ymd_opt(2026, 11, 26).unwrap());
/// let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
/// assert_eq!(parse_date("5th Mar 2019", &ctx).unwrap().value.start, d(2019, 3, 5));
/// assert_eq!(parse_date("5/3/19", &ctx).unwrap().value.start, d(2019, 3, 5));
/// let r = parse_date("3-10 May 2019", &ctx).unwrap().value;
/// assert_eq!((r.start, r.end), (d(2019, 5, 3), Some(d(2019, 5, 10))));
/// let p = parse_date("?March 2019", &ctx).unwrap().value;
/// assert_eq!((p.precision, p.approximate), (Precision::Month, true));
/// assert!(matches!(parse_date("31/02/2019", &ctx), Err(DateProblem::Invalid(_))));
/// assert!(matches!(parse_date("n/a", &ctx), Err(DateProblem::Unreadable(_))));
/// ```
///
/// # Errors
///
/// [`DateProblem`]: the text is empty, not a date in any form the template
/// allows, or a day that does not exist. (A day in the future is a date:
/// the checks query it.)
pub fn parse_date(text: &str, ctx: &DateContext) -> Result<DateRead, DateProblem> {
    let t = trim(text);
    if t.is_empty() {
        return Err(DateProblem::Missing);
    }
    parser::date_text(t, ctx).map_err(|f| match f {
        parser::Fail::Unreadable => DateProblem::Unreadable(t.to_string()),
        parser::Fail::Invalid => DateProblem::Invalid(t.to_string()),
    })
}

/// Reads a time of day written as text: `14:30`, `14.30`, `1430`,
/// `2.30pm`, `2pm`, `2:30 PM`, `14:30:00`, `noon`, `midnight`, `14:30hrs`.
///
/// ```
/// use chronomerge::dates::parse_time;
/// use chrono::NaiveTime;
/// let t = NaiveTime::from_hms_opt(14, 30, 0).unwrap();
/// for s in ["14:30", "14.30", "1430", "2.30pm", "2:30 PM", "14:30hrs"] {
///     assert_eq!(parse_time(s), Ok(t));
/// }
/// assert!(parse_time("25:10").is_err());
/// assert!(parse_time("12:60").is_err());
/// ```
///
/// # Errors
///
/// [`TimeProblem`] when the text is not a time of day in a form the
/// template allows.
pub fn parse_time(text: &str) -> Result<NaiveTime, TimeProblem> {
    let t = trim(text);
    parser::time_text(t).ok_or_else(|| TimeProblem(t.to_string()))
}

/// Reads a time of day written as text, as [`parse_time`] does, and also
/// a time marked uncertain the way a Date is (`?14:00`, `c. 14:00`,
/// `approx 14:00`, `about 2pm`, `14:00?`, `14:00 (approx)`): the time is
/// read and [`TimeValue::approximate`] says it was marked.
///
/// ```
/// use chronomerge::dates::parse_time_value;
/// use chrono::NaiveTime;
/// let t = NaiveTime::from_hms_opt(14, 0, 0).unwrap();
/// for s in ["?14:00", "c.14:00", "approx 14:00", "14:00?", "14:00 (approx)", "~1400"] {
///     let v = parse_time_value(s).unwrap();
///     assert_eq!((v.time, v.approximate), (t, true), "{s}");
/// }
/// assert!(!parse_time_value("14:00").unwrap().approximate);
/// assert!(parse_time_value("?").is_err());
/// assert!(parse_time_value("late 14:00").is_err());
/// ```
///
/// # Errors
///
/// [`TimeProblem`] when the text is not a time of day in a form the
/// template allows, with or without its `?` or `c.` mark.
pub fn parse_time_value(text: &str) -> Result<TimeValue, TimeProblem> {
    let t = trim(text);
    parser::time_value_text(t).ok_or_else(|| TimeProblem(t.to_string()))
}
