//! Property tests for `chronomerge::dates`: every real date written in
//! every supported pattern reads back as itself, serials round-trip in
//! both date systems, and nothing panics.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use chronomerge::dates::{
    datetime_to_serial, parse_date, parse_time, period_end, read_date_cell, read_time_cell,
    serial_to_datetime, DateContext, Precision, EPOCH_1904_OFFSET,
};
use chronomerge::model::Cell;
use proptest::prelude::*;

fn ctx() -> DateContext {
    DateContext::new(NaiveDate::from_ymd_opt(2026, 11, 26).unwrap())
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// Any real day from 1000 to 9999.
fn any_date() -> impl Strategy<Value = NaiveDate> {
    let lo = NaiveDate::from_ymd_opt(1000, 1, 1).unwrap();
    let hi = NaiveDate::from_ymd_opt(9999, 12, 31).unwrap();
    (0..=(hi - lo).num_days()).prop_map(move |n| lo + Duration::days(n))
}

/// A day whose two-digit year reads back with today 2026-11-26
/// (1927 … 2026).
fn two_digit_date() -> impl Strategy<Value = NaiveDate> {
    let lo = NaiveDate::from_ymd_opt(1927, 1, 1).unwrap();
    let hi = NaiveDate::from_ymd_opt(2026, 12, 31).unwrap();
    (0..=(hi - lo).num_days()).prop_map(move |n| lo + Duration::days(n))
}

fn any_time() -> impl Strategy<Value = NaiveTime> {
    (0u32..86_400).prop_map(|s| NaiveTime::from_num_seconds_from_midnight_opt(s, 0).unwrap())
}

fn ordinal(d: u32) -> &'static str {
    match (d % 10, d % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    }
}

/// Every four-digit-year pattern the reader promises.
fn four_digit_forms(d: NaiveDate) -> Vec<String> {
    let (y, m, dd) = (d.year(), d.month(), d.day());
    let name = MONTHS[m as usize - 1];
    let abbr = &name[..3];
    let wd = WEEKDAYS[d.weekday().num_days_from_monday() as usize];
    vec![
        format!("{dd:02}/{m:02}/{y}"),
        format!("{dd}/{m}/{y}"),
        format!("{dd}.{m}.{y}"),
        format!("{dd:02}.{m:02}.{y}"),
        format!("{dd:02}-{m:02}-{y}"),
        format!("{y}-{m:02}-{dd:02}"),
        format!("{y}/{m}/{dd}"),
        format!("{dd} {name} {y}"),
        format!("{dd}{} {abbr} {y}", ordinal(dd)),
        format!("{dd}{} of {name}, {y}", ordinal(dd)),
        format!("{wd} {dd} {name} {y}"),
        format!("{}, {dd:02}/{m:02}/{y}", &wd[..3]),
        format!("{dd:02}-{abbr}-{y}"),
        format!("{dd:02}{}{y}", abbr.to_uppercase()),
        format!("{} {dd} {y}", name.to_lowercase()),
        format!("{name} {dd}, {y}"),
        format!("{dd} {} {y}", name.to_uppercase()),
        format!("{dd:02} /{m:02}/{y}"),
        format!("{dd}.{m:02}/{y}"),
    ]
}

fn two_digit_forms(d: NaiveDate) -> Vec<String> {
    let (m, dd) = (d.month(), d.day());
    let yy = d.year() % 100;
    let abbr = &MONTHS[m as usize - 1][..3];
    vec![
        format!("{dd}/{m}/{yy:02}"),
        format!("{dd:02}/{m:02}/{yy:02}"),
        format!("{dd}.{m}.{yy:02}"),
        format!("{dd:02}-{abbr}-{yy:02}"),
        format!("{dd} {abbr} {yy:02}"),
        format!("{dd}/{m} /{yy:02}"),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn every_day_reads_back_in_every_pattern(d in any_date()) {
        let ctx = ctx();
        for s in four_digit_forms(d) {
            let r = parse_date(&s, &ctx).map_err(|e| TestCaseError::fail(format!("{s:?}: {e:?}")))?;
            prop_assert_eq!(r.value.start, d, "{:?}", s);
            prop_assert_eq!(r.value.precision, Precision::Day, "{:?}", s);
            prop_assert!(r.value.end.is_none() && r.value.time.is_none() && !r.value.approximate, "{:?}", s);
            prop_assert!(r.warnings.is_empty(), "{:?}: {:?}", s, r.warnings);
        }
    }

    #[test]
    fn two_digit_years_read_back(d in two_digit_date()) {
        let ctx = ctx();
        for s in two_digit_forms(d) {
            let r = parse_date(&s, &ctx).map_err(|e| TestCaseError::fail(format!("{s:?}: {e:?}")))?;
            prop_assert_eq!(r.value.start, d, "{:?}", s);
        }
    }

    #[test]
    fn partial_dates_read_back(d in any_date()) {
        let ctx = ctx();
        let (y, m) = (d.year(), d.month());
        let first = NaiveDate::from_ymd_opt(y, m, 1).unwrap();
        let name = MONTHS[m as usize - 1];
        for s in [format!("{name} {y}"), format!("{} {y}", &name[..3]), format!("{m:02}/{y}"), format!("{y}-{m:02}")] {
            let v = parse_date(&s, &ctx).map_err(|e| TestCaseError::fail(format!("{s:?}: {e:?}")))?.value;
            prop_assert_eq!((v.start, v.precision), (first, Precision::Month), "{:?}", s);
        }
        let v = parse_date(&format!("c. {y}"), &ctx).unwrap().value;
        prop_assert_eq!((v.start, v.precision, v.approximate), (NaiveDate::from_ymd_opt(y, 1, 1).unwrap(), Precision::Year, true));
    }

    #[test]
    fn ranges_read_back(a in any_date(), b in any_date()) {
        let ctx = ctx();
        let (a, b) = if a <= b { (a, b) } else { (b, a) };
        for sep in [" - ", "-", " to ", " \u{2013} "] {
            let s = format!("{}{sep}{}", a.format("%d/%m/%Y"), b.format("%d/%m/%Y"));
            let v = parse_date(&s, &ctx).map_err(|e| TestCaseError::fail(format!("{s:?}: {e:?}")))?.value;
            prop_assert_eq!(v.start, a);
            prop_assert_eq!(v.end, if a == b { None } else { Some(b) });
            if a != b {
                // Backwards is refused.
                let s = format!("{}{sep}{}", b.format("%d/%m/%Y"), a.format("%d/%m/%Y"));
                prop_assert!(parse_date(&s, &ctx).is_err(), "{:?}", s);
            }
        }
    }

    #[test]
    fn date_and_time_read_back(d in any_date(), t in any_time()) {
        let ctx = ctx();
        let t = t.with_second(0).unwrap();
        let (h, m) = (t.hour(), t.minute());
        let (h12, pm) = (if h % 12 == 0 { 12 } else { h % 12 }, if h >= 12 { "pm" } else { "am" });
        for s in [
            format!("{} {h:02}:{m:02}", d.format("%d/%m/%Y")),
            format!("{} {h}.{m:02}", d.format("%-d/%-m/%Y")),
            format!("{} {h:02}{m:02}hrs", d.format("%d %B %Y")),
            format!("{} {h12}:{m:02}{pm}", d.format("%d/%m/%Y")),
            format!("{}T{h:02}:{m:02}:00", d.format("%Y-%m-%d")),
        ] {
            let v = parse_date(&s, &ctx).map_err(|e| TestCaseError::fail(format!("{s:?}: {e:?}")))?.value;
            prop_assert_eq!((v.start, v.time), (d, Some(t)), "{:?}", s);
        }
    }

    #[test]
    fn times_read_back(t in any_time()) {
        let (h, m, s) = (t.hour(), t.minute(), t.second());
        let hm = NaiveTime::from_hms_opt(h, m, 0).unwrap();
        let (h12, pm) = (if h % 12 == 0 { 12 } else { h % 12 }, if h >= 12 { "PM" } else { "am" });
        for text in [
            format!("{h:02}:{m:02}"),
            format!("{h}:{m:02}"),
            format!("{h}.{m:02}"),
            format!("{h:02}{m:02}"),
            format!("{h:02}:{m:02}hrs"),
            format!("{h12}:{m:02} {pm}"),
            format!("{h12}.{m:02}{pm}"),
        ] {
            prop_assert_eq!(parse_time(&text), Ok(hm), "{:?}", text);
        }
        prop_assert_eq!(parse_time(&format!("{h:02}:{m:02}:{s:02}")), Ok(t));
        // A time cell is a fraction of a day.
        let cell = Cell::DateTime { serial: t.num_seconds_from_midnight() as f64 / 86_400.0, duration: false };
        prop_assert_eq!(read_time_cell(&cell), Ok(Some(t)));
        let iso = Cell::IsoDuration(format!("PT{h:02}H{m:02}M{s:02}S"));
        prop_assert_eq!(read_time_cell(&iso), Ok(Some(t)));
    }

    #[test]
    fn serial_round_trip_1900(d in any_date().prop_filter("1900 system", |d| d.year() >= 1900), t in any_time()) {
        let dt = d.and_time(t);
        let s = datetime_to_serial(dt);
        prop_assert_eq!(serial_to_datetime(s), Some(dt));
        // A date cell gives the day and its time.
        let r = read_date_cell(&Cell::DateTime { serial: s, duration: false }, &ctx()).unwrap().value;
        prop_assert_eq!(r.start, d);
        prop_assert_eq!(r.time, if t == NaiveTime::MIN { None } else { Some(t) });
    }

    #[test]
    fn serial_round_trip_whole_days(n in 1u32..=2_958_465) {
        prop_assume!(n != 60);
        let dt = serial_to_datetime(n as f64).unwrap();
        prop_assert_eq!(dt.time(), NaiveTime::MIN);
        prop_assert_eq!(datetime_to_serial(dt), n as f64);
        // Consecutive serials are consecutive days (the phantom 60 aside).
        if n > 1 && n != 61 {
            prop_assert_eq!(serial_to_datetime((n - 1) as f64).unwrap().date().succ_opt(), Some(dt.date()));
        }
    }

    #[test]
    fn serial_round_trip_1904(d in any_date().prop_filter("1904 system", |d| d.year() >= 1904), t in any_time()) {
        // The 1904 serial counted independently: days since 1 Jan 1904.
        let base = NaiveDate::from_ymd_opt(1904, 1, 1).unwrap();
        let dt: NaiveDateTime = d.and_time(t);
        let s1904 = (d - base).num_days() as f64 + t.num_seconds_from_midnight() as f64 / 86_400.0;
        prop_assert_eq!(serial_to_datetime(s1904 + EPOCH_1904_OFFSET), Some(dt));
        prop_assert!((datetime_to_serial(dt) - EPOCH_1904_OFFSET - s1904).abs() < 1e-6);
    }

    #[test]
    fn parse_never_panics(s in ".{0,40}") {
        let ctx = ctx();
        let _ = parse_date(&s, &ctx);
        let _ = parse_time(&s);
        let _ = read_time_cell(&Cell::IsoDuration(s.clone()));
        let _ = read_date_cell(&Cell::IsoDateTime(s), &ctx);
    }

    #[test]
    fn datelike_text_never_panics(s in "[0-9/.:\\- ?,a-zA-Z@~\u{2013}]{0,40}") {
        let ctx = ctx();
        if let Ok(r) = parse_date(&s, &ctx) {
            // Whatever is read is consistent.
            if let Some(e) = r.value.end {
                prop_assert!(period_end(e, r.value.end_precision) >= r.value.start);
            }
            if r.value.time.is_some() {
                prop_assert_eq!(r.value.precision, Precision::Day);
            }
        }
        let _ = parse_time(&s);
    }

    #[test]
    fn numbers_never_panic(n in proptest::num::f64::ANY) {
        let ctx = ctx();
        for cell in [Cell::Number(n), Cell::DateTime { serial: n, duration: false }, Cell::DateTime { serial: n, duration: true }] {
            let _ = read_date_cell(&cell, &ctx);
            let _ = read_time_cell(&cell);
        }
        let _ = serial_to_datetime(n);
    }
}
