//! The `Timeline` sheet: native Excel charts of the events per month by
//! agency and of the candidate key practice episodes, with their data in a
//! table under them. Held in memory (never streamed): its charts copy
//! their cached values from the cells.

use std::fmt::Write as _;

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{
    Chart, ChartFormat, ChartLegendPosition, ChartLine, ChartSolidFill, ChartType, Color, Format,
    FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

use super::build::Ctx;
use super::cells::{fit_row, label, row_lines, serial_of};
use super::formats::heading_format;
use crate::dates::{display, Precision};
use crate::review::MergedReview;

/// Month number (year × 12 + month − 1) of a day.
fn month_no(d: NaiveDate) -> i32 {
    d.year() * 12 + d.month0() as i32
}

/// The first day of month number `m`.
fn month_start(m: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(m.div_euclid(12), m.rem_euclid(12) as u32 + 1, 1)
        .unwrap_or(NaiveDate::MIN)
}

/// Most months the timeline shows (a century).
const MAX_MONTHS: i32 = 1200;
/// Most series one chart holds (Excel allows 255).
const MAX_SERIES: usize = 250;
/// Colours of the episodes in the second chart: strong, so that episodes
/// stand out from the pale agency fills.
const EPISODE_COLOURS: [u32; 8] = [
    0x1F3864, 0xC00000, 0x7030A0, 0x00704A, 0xB35900, 0x005F87, 0x7F6000, 0x595959,
];
/// The row of the data table's headings, under the charts.
const TABLE_ROW: u32 = 44;
/// The charts' width, in pixels.
const CHART_WIDTH: u32 = 1100;

/// Writes the `Timeline` sheet.
pub(super) fn write_timeline(wb: &mut Workbook, cx: &mut Ctx) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name("Timeline")?;
    cx.page.setup(ws, "Timeline", 0)?;
    let bold = Format::new().set_bold().set_font_size(14);
    let Some((m0, m1)) = months_shown(cx.review) else {
        label(ws, 0, 0, "Timeline", &bold)?;
        label(ws, 2, 0, "No dated events to chart.", &Format::new())?;
        return Ok(());
    };
    let counts = Counts::of(cx.review, m0, m1);
    write_title(ws, &counts, m0, m1, &bold)?;
    let table = write_table(ws, cx, &counts, m0)?;
    add_charts(ws, cx, &counts, &table)?;
    ws.set_repeat_rows(TABLE_ROW, TABLE_ROW)?;
    Ok(())
}

/// The months shown (month numbers, first and last): the review period,
/// else the events' span, at most [`MAX_MONTHS`]; none when there is no
/// agency or no event with a month.
fn months_shown(review: &MergedReview) -> Option<(i32, i32)> {
    let chron = &review.chronology;
    let dated = chron
        .events
        .iter()
        .filter(|e| e.date.precision != Precision::Year);
    let span = match (review.config.period_from, review.config.period_to) {
        (Some(f), Some(t)) => Some((month_no(f), month_no(t))),
        _ => {
            let first = dated.clone().map(|e| month_no(e.date.start)).min();
            let last = dated.clone().map(|e| month_no(e.date.start)).max();
            match (
                first,
                last,
                review.config.period_from,
                review.config.period_to,
            ) {
                (Some(_), Some(b), Some(f), None) => Some((month_no(f), b.max(month_no(f)))),
                (Some(a), Some(_), None, Some(t)) => Some((a.min(month_no(t)), month_no(t))),
                (Some(a), Some(b), _, _) => Some((a, b)),
                _ => None,
            }
        }
    };
    let (m0, mut m1) = span.filter(|_| !chron.agencies.is_empty())?;
    if m1 - m0 + 1 > MAX_MONTHS {
        m1 = m0 + MAX_MONTHS - 1;
    }
    Some((m0, m1))
}

/// The events of each month shown, by agency and by episode.
struct Counts {
    /// Months shown.
    months: usize,
    /// Agencies charted (at most [`MAX_SERIES`]).
    n_ag: usize,
    /// Episodes charted (at most [`MAX_SERIES`]).
    n_ep: usize,
    by_agency: Vec<Vec<u32>>,
    by_episode: Vec<Vec<u32>>,
    /// Events in months not shown.
    outside: usize,
    /// Events dated by year only.
    year_only: usize,
}

impl Counts {
    fn of(review: &MergedReview, m0: i32, m1: i32) -> Counts {
        let (chron, analysis) = (&review.chronology, &review.analysis);
        let months = (m1 - m0 + 1) as usize;
        let n_ag = chron.agencies.len().min(MAX_SERIES);
        let n_ep = analysis.episodes.len().min(MAX_SERIES);
        let mut c = Counts {
            months,
            n_ag,
            n_ep,
            by_agency: vec![vec![0u32; n_ag]; months],
            by_episode: vec![vec![0u32; n_ep]; months],
            outside: 0,
            year_only: 0,
        };
        for (i, ev) in chron.events.iter().enumerate() {
            if ev.date.precision == Precision::Year {
                c.year_only += 1;
                continue;
            }
            let m = month_no(ev.date.start);
            if m < m0 || m > m1 {
                c.outside += 1;
                continue;
            }
            let k = (m - m0) as usize;
            if ev.agency < n_ag {
                c.by_agency[k][ev.agency] += 1;
            }
            if let Some(e) = analysis.episode_of.get(i).copied().flatten() {
                if e < n_ep {
                    c.by_episode[k][e] += 1;
                }
            }
        }
        c
    }
}

/// The sheet's title and the note on what the charts show and leave out.
fn write_title(
    ws: &mut Worksheet,
    counts: &Counts,
    m0: i32,
    m1: i32,
    bold: &Format,
) -> Result<(), XlsxError> {
    let from = month_start(m0).format(display::MONTH_LONG);
    let to = month_start(m1).format(display::MONTH_LONG);
    label(
        ws,
        0,
        0,
        &format!("Timeline: events per month by agency, {from} to {to}"),
        bold,
    )?;
    let mut note = String::from(
        "Top: each agency's events per month, stacked. Below: the same months, with the events of each candidate key practice episode in colour and all other events in grey. The charts' data is in the table under them.",
    );
    if counts.outside > 0 {
        let _ = write!(
            note,
            " {} event(s) outside these months are not charted.",
            counts.outside
        );
    }
    if counts.year_only > 0 {
        let _ = write!(
            note,
            " {} event(s) dated by year only are not charted.",
            counts.year_only
        );
    }
    label(ws, 1, 0, &note, &Format::new().set_italic())
}

/// Where the data table put what the charts plot.
struct Table {
    months: MonthColumns,
    /// The column of the events in no episode.
    other_col: u16,
    /// The column of the first episode's events.
    ep_col0: u16,
}

/// The data table under the charts: a row a month, a column per agency,
/// the total, the events in no episode and a column per episode.
fn write_table(
    ws: &mut Worksheet,
    cx: &mut Ctx,
    counts: &Counts,
    m0: i32,
) -> Result<Table, XlsxError> {
    let t0 = TABLE_ROW;
    let n_ag = counts.n_ag;
    let head = heading_format();
    let month_fmt = Format::new()
        .set_num_format(display::EXCEL_MONTH)
        .set_align(FormatAlign::Left);
    label(
        ws,
        t0 - 1,
        0,
        "Events per month (the data of the charts above)",
        &Format::new().set_bold(),
    )?;
    label(ws, t0, 0, "Month", &head)?;
    ws.set_column_width(0, 10)?;
    let formats: Vec<Format> = cx
        .fills
        .iter()
        .take(n_ag)
        .map(|&c| {
            Format::new()
                .set_background_color(Color::RGB(c))
                .set_font_color(Color::Black)
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Top)
                .set_border(FormatBorder::Thin)
        })
        .collect();
    for (a, f) in formats.iter().enumerate() {
        cx.agency(ws, t0, 1 + a as u16, a, f)?;
        ws.set_column_width(1 + a as u16, 12)?;
    }
    let total_col = 1 + n_ag as u16;
    label(ws, t0, total_col, "All agencies", &head)?;
    ws.set_column_width(total_col, 10)?;
    let other_col = total_col + 1;
    label(ws, t0, other_col, "Not in an episode", &head)?;
    ws.set_column_width(other_col, 10)?;
    let ep_col0 = other_col + 1;
    for (e, ep) in cx
        .review
        .analysis
        .episodes
        .iter()
        .take(counts.n_ep)
        .enumerate()
    {
        label(ws, t0, ep_col0 + e as u16, &ep.id(), &head)?;
        ws.set_column_width(ep_col0 + e as u16, 8)?;
    }
    for k in 0..counts.months {
        let r = t0 + 1 + k as u32;
        ws.write_number_with_format(r, 0, serial_of(month_start(m0 + k as i32)), &month_fmt)?;
        let mut total = 0;
        for (a, &n) in counts.by_agency[k].iter().enumerate() {
            ws.write_number(r, 1 + a as u16, n)?;
            total += n;
        }
        ws.write_number(r, total_col, total)?;
        let mut in_episodes = 0;
        for (e, &n) in counts.by_episode[k].iter().enumerate() {
            ws.write_number(r, ep_col0 + e as u16, n)?;
            in_episodes += n;
        }
        ws.write_number(r, other_col, total.saturating_sub(in_episodes))?;
    }
    let head_lines = row_lines(
        cx.names
            .iter()
            .take(n_ag)
            .map(|(n, _)| (n.as_str(), 12.0 * 0.85))
            .chain([("Not in an episode", 10.0 * 0.85)]),
    );
    fit_row(ws, t0, head_lines)?;
    Ok(Table {
        months: MonthColumns {
            t0,
            first: t0 + 1,
            last: t0 + counts.months as u32,
        },
        other_col,
        ep_col0,
    })
}

/// The two charts: each agency's events per month, stacked; and the same
/// months with each episode's events in colour and the rest in grey.
fn add_charts(
    ws: &mut Worksheet,
    cx: &Ctx,
    counts: &Counts,
    table: &Table,
) -> Result<(), XlsxError> {
    let months = &table.months;
    let mut chart = Chart::new(ChartType::ColumnStacked);
    chart.title().set_name("Events per month, by agency");
    chart.set_alt_text(
        "Stacked columns: the number of events each agency recorded in each month of the review period.",
    );
    for a in 0..counts.n_ag {
        months.add(&mut chart, 1 + a as u16, cx.fills[a], Some(0x595959));
    }
    months.finish(&mut chart, CHART_WIDTH, 380);
    ws.insert_chart(2, 0, &chart)?;

    let mut chart = Chart::new(ChartType::ColumnStacked);
    chart
        .title()
        .set_name("Candidate key practice episodes among all events, per month");
    chart.set_alt_text(
        "Stacked columns: the events of each candidate key practice episode in each month, on the same months as the chart above.",
    );
    if counts.n_ep == 0 {
        chart
            .title()
            .set_name("No candidate key practice episodes: all events per month");
    }
    for e in 0..counts.n_ep {
        let colour = EPISODE_COLOURS[e % EPISODE_COLOURS.len()];
        months.add(&mut chart, table.ep_col0 + e as u16, colour, None);
    }
    // The other events in pale grey, so the episodes show against the
    // whole of the case.
    months.add(&mut chart, table.other_col, 0xD9D9D9, Some(0xA6A6A6));
    months.finish(&mut chart, CHART_WIDTH, 340);
    ws.insert_chart(23, 0, &chart)?;
    Ok(())
}

/// The month rows of the `Timeline` sheet (headings on row `t0`, months
/// on rows `first..=last`, month in column A) that its two charts plot.
struct MonthColumns {
    t0: u32,
    first: u32,
    last: u32,
}

impl MonthColumns {
    /// Adds the column `col` as a stacked series, filled with `fill` and
    /// outlined with `border` when given.
    fn add(&self, chart: &mut Chart, col: u16, fill: u32, border: Option<u32>) {
        let (t0, first, last) = (self.t0, self.first, self.last);
        let mut format = ChartFormat::new();
        format.set_solid_fill(ChartSolidFill::new().set_color(Color::RGB(fill)));
        if let Some(b) = border {
            format.set_border(ChartLine::new().set_color(Color::RGB(b)).set_width(0.5));
        }
        chart
            .add_series()
            .set_name(("Timeline", t0, col))
            .set_categories(("Timeline", first, 0, last, 0))
            .set_values(("Timeline", first, col, last, col))
            .set_format(&mut format)
            .set_gap(20);
    }

    /// Month axis, event count axis, legend below, size.
    fn finish(&self, chart: &mut Chart, width: u32, height: u32) {
        chart
            .x_axis()
            .set_text_axis(true)
            .set_num_format(display::EXCEL_MONTH);
        chart.y_axis().set_name("Events").set_min(0);
        chart.legend().set_position(ChartLegendPosition::Bottom);
        chart.set_width(width).set_height(height);
    }
}
