//! Excel serial dates: days since 1899-12-30 in the 1900 date system
//! (with its phantom 29/02/1900 at 60), the 1904 system's offset, and a
//! plain number read as a serial.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike};

use super::{DateProblem, DateRead, DateValue, DateWarning};
use crate::cell::fmt_number;

/// Days between the 1900 and the 1904 date systems' day zero.
pub const EPOCH_1904_OFFSET: f64 = 1462.0;

/// The first serial read from a plain number (`Cell::Number`) in a Date
/// cell: whole numbers 1900–2100 are years, and anything smaller is not a
/// realistic date (it is far likelier a day, a sequence or a typing slip).
const NUMBER_SERIAL_MIN: f64 = 2101.0;
/// The last serial read from a plain number: 31/12/2100 (end of its day).
const NUMBER_SERIAL_MAX: f64 = 73416.0;
/// The last serial of the 1900 system: 31/12/9999.
const SERIAL_MAX_DAY: i64 = 2_958_465;

/// The date and time of a serial in the 1900 system, to the nearest
/// second. `None` for serials outside 1900-01-01 … 9999-12-31 and for
/// Excel's phantom 29/02/1900 (60).
///
/// ```
/// use chronomerge::dates::{serial_to_datetime, EPOCH_1904_OFFSET};
/// use chrono::NaiveDate;
/// let d = NaiveDate::from_ymd_opt(2019, 3, 5).unwrap().and_hms_opt(14, 30, 0).unwrap();
/// assert_eq!(serial_to_datetime(43529.0 + 14.5 / 24.0), Some(d));
/// // The same moment in a 1904 workbook.
/// assert_eq!(serial_to_datetime(42067.0 + 14.5 / 24.0 + EPOCH_1904_OFFSET), Some(d));
/// assert_eq!(serial_to_datetime(60.0), None);
/// ```
pub fn serial_to_datetime(serial: f64) -> Option<NaiveDateTime> {
    if !serial.is_finite() || !(1.0..(SERIAL_MAX_DAY + 1) as f64).contains(&serial) {
        return None;
    }
    let days = serial.floor();
    let mut days_i = days as i64;
    let mut secs = ((serial - days) * 86_400.0).round() as i64;
    if secs >= 86_400 {
        secs -= 86_400;
        days_i += 1;
    }
    if days_i == 60 || days_i > SERIAL_MAX_DAY {
        return None;
    }
    // Serials below 60 are one day later than the arithmetic says (the
    // phantom leap day sits between them and the rest).
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    let days_i = if days_i < 60 { days_i + 1 } else { days_i };
    let date = base.checked_add_signed(Duration::days(days_i))?;
    let time = NaiveTime::from_num_seconds_from_midnight_opt(secs as u32, 0)?;
    Some(date.and_time(time))
}

/// The 1900-system serial of a date and time.
///
/// ```
/// use chronomerge::dates::datetime_to_serial;
/// use chrono::NaiveDate;
/// let d = NaiveDate::from_ymd_opt(2019, 3, 5).unwrap().and_hms_opt(12, 0, 0).unwrap();
/// assert_eq!(datetime_to_serial(d), 43529.5);
/// ```
pub fn datetime_to_serial(dt: NaiveDateTime) -> f64 {
    let base = NaiveDate::from_ymd_opt(1899, 12, 30).expect("valid");
    let mut days = (dt.date() - base).num_days() as f64;
    if days < 61.0 {
        days -= 1.0;
    }
    let t = dt.time();
    days + (t.num_seconds_from_midnight() as f64 + t.nanosecond() as f64 / 1e9) / 86_400.0
}

/// A serial rendered as a UK reader writes it: `05/03/2019`,
/// `05/03/2019 14:30`, or `14:30` for a time alone. Serial 60 is
/// Excel's phantom `29/02/1900`.
pub(super) fn render_serial(serial: f64) -> String {
    if (0.0..1.0).contains(&serial) {
        let secs = ((serial * 86_400.0).round() as u32).min(86_399);
        return format!("{:02}:{:02}", secs / 3600, secs / 60 % 60);
    }
    if serial.floor() == 60.0 {
        return "29/02/1900".into();
    }
    match serial_to_datetime(serial) {
        Some(dt) if dt.time() == NaiveTime::MIN => dt.format(super::display::DAY).to_string(),
        Some(dt) => dt.format(super::display::DAY_TIME).to_string(),
        None => fmt_number(serial),
    }
}

/// A plain number (or a Date cell's text that is only a number, `43529`)
/// read as an Excel serial, with [`DateWarning::SerialNumber`].
pub(super) fn serial_number_date(
    n: f64,
    shown: impl Fn() -> String,
) -> Result<DateRead, DateProblem> {
    if !(NUMBER_SERIAL_MIN..NUMBER_SERIAL_MAX).contains(&n) {
        return Err(DateProblem::Unreadable(shown()));
    }
    let dt = serial_to_datetime(n).ok_or_else(|| DateProblem::Unreadable(shown()))?;
    Ok(DateRead {
        value: value_from_datetime(dt),
        warnings: vec![DateWarning::SerialNumber(shown())],
    })
}

/// An exact day, with its time unless it is midnight.
pub(super) fn value_from_datetime(dt: NaiveDateTime) -> DateValue {
    let mut v = DateValue::day(dt.date());
    if dt.time() != NaiveTime::MIN {
        v.time = Some(dt.time());
    }
    v
}
