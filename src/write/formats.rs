//! The cell formats the sheets share: each agency's row formats (its fill
//! on every cell, a number format per kind of value) and the heading row's.

use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder};

use crate::dates::display;
use crate::dates::Precision;

/// The formats of an agency's rows (see [`AgencyFormats`]): what each
/// cell of a `Chronology` row is formatted as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Fmt {
    Number,
    Day,
    Month,
    Year,
    Time,
    Days,
    Text,
    Note,
}

impl Fmt {
    /// Every format, in the order of their indexes.
    pub(super) const ALL: [Fmt; 8] = [
        Fmt::Number,
        Fmt::Day,
        Fmt::Month,
        Fmt::Year,
        Fmt::Time,
        Fmt::Days,
        Fmt::Text,
        Fmt::Note,
    ];

    /// The format of a date known to `p`.
    pub(super) fn date(p: Precision) -> Fmt {
        match p {
            Precision::Day => Fmt::Day,
            Precision::Month => Fmt::Month,
            Precision::Year => Fmt::Year,
        }
    }
}

/// An agency's formats: its fill and a grey border on every cell.
pub(super) struct AgencyFormats {
    pub(super) text: Format,
    date_day: Format,
    date_month: Format,
    date_year: Format,
    time: Format,
    pub(super) number: Format,
    days: Format,
    note: Format,
}

impl AgencyFormats {
    /// The format of a date known to `p`.
    pub(super) fn date(&self, p: Precision) -> &Format {
        self.get(Fmt::date(p))
    }

    /// The format `f`.
    pub(super) fn get(&self, f: Fmt) -> &Format {
        match f {
            Fmt::Number => &self.number,
            Fmt::Day => &self.date_day,
            Fmt::Month => &self.date_month,
            Fmt::Year => &self.date_year,
            Fmt::Time => &self.time,
            Fmt::Days => &self.days,
            Fmt::Text => &self.text,
            Fmt::Note => &self.note,
        }
    }
}

/// The formats of the agency filled with `colour`.
pub(super) fn agency_formats(colour: u32) -> AgencyFormats {
    let base = Format::new()
        .set_background_color(Color::RGB(colour))
        .set_font_color(Color::Black)
        .set_border(FormatBorder::Thin)
        .set_border_color(Color::RGB(0xA6A6A6))
        .set_align(FormatAlign::Top);
    AgencyFormats {
        text: base.clone().set_text_wrap(),
        date_day: base
            .clone()
            .set_num_format(display::excel_format(Precision::Day)),
        date_month: base
            .clone()
            .set_num_format(display::excel_format(Precision::Month)),
        date_year: base
            .clone()
            .set_num_format(display::excel_format(Precision::Year)),
        time: base.clone().set_num_format(display::EXCEL_TIME),
        number: base.clone(),
        days: base
            .clone()
            .set_num_format("[=1]\"1 day\";0\" days\"")
            .set_align(FormatAlign::Center),
        note: base.set_text_wrap().set_italic(),
    }
}

/// The heading rows' format: bold white on dark blue.
pub(super) fn heading_format() -> Format {
    Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_background_color(Color::RGB(0x1F3864))
        .set_font_color(Color::White)
        .set_border(FormatBorder::Thin)
}

/// A plain date cell's format, top-aligned: `05/03/2019`.
pub(super) fn date_format() -> Format {
    Format::new()
        .set_num_format(display::EXCEL_DAY)
        .set_align(FormatAlign::Top)
}
