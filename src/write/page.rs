//! What every printed page carries: the review reference and protective
//! marking in the header, `Page x of y` in the footer; landscape A4, fitted
//! to the page width, heading rows repeated.
//!
//! The `Chronology` is fitted to the page width only while its text stays
//! legible ([`Page::legible`]): at [`MIN_PRINT_SCALE`] or more, so that its
//! 11-point text prints at 8 pt or more. A sheet too wide for that (more
//! columns opened, or added) prints at that scale, its columns running on
//! to a page to the right, the columns up to `Date` repeated on each.

use std::borrow::Cow;

use rust_xlsxwriter::{Worksheet, XlsxError};

use crate::config::ReviewConfig;

/// The protective marking printed when the review sets none.
pub const DEFAULT_MARKING: &str = "OFFICIAL-SENSITIVE";

/// The protective marking of a review: `review.toml`'s `marking` (or the
/// `--marking` flag), else [`DEFAULT_MARKING`].
pub fn marking(config: &ReviewConfig) -> String {
    config
        .marking
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .unwrap_or(DEFAULT_MARKING)
        .to_string()
}
/// The least scale, in percent, a chronology is printed at: its 11-point
/// text prints at 8.25 pt. Below it a sheet is not fitted to the page
/// width but printed at this scale, running on to further pages across.
pub const MIN_PRINT_SCALE: u16 = 75;

/// The width of a printed A4 landscape page between the margins
/// [`Page::setup`] sets (0.4 inch either side), in points.
const PRINTABLE_PT: f64 = 841.89 - 2.0 * 0.4 * 72.0;

/// How much wider than Excel LibreOffice lays out the same columns (with
/// Carlito, metric-compatible with Calibri, for the default font): the
/// estimate of [`width_scale`] takes the wider, so that what LibreOffice
/// prints is legible too. Measured on the sample review's PDF.
const WIDER_THAN_EXCEL: f64 = 1.085;

/// The scale, in percent (at most 100), at which columns of these widths
/// (Excel's unit) fit one page width: each column is `7 × width + 5`
/// pixels of the default font (Calibri 11), a pixel ¾ of a point, as Excel
/// lays them out, made [`WIDER_THAN_EXCEL`].
pub(super) fn width_scale(widths: impl IntoIterator<Item = f64>) -> u16 {
    let px: f64 = widths
        .into_iter()
        .map(|w| (w * 7.0 + 0.5).floor() + 5.0)
        .sum();
    if px <= 0.0 {
        return 100;
    }
    let scale = (PRINTABLE_PT / (px * 0.75 * WIDER_THAN_EXCEL) * 100.0).floor();
    scale.min(100.0) as u16
}

/// What every printed page carries.
pub(super) struct Page {
    /// The review reference (may be empty).
    pub(super) reference: String,
    /// The protective marking.
    pub(super) marking: String,
    /// When the workbook was made, as the footer shows it.
    pub(super) made: String,
}

impl Page {
    /// Landscape A4, fitted to the page width, the heading rows repeated,
    /// the review reference and marking in the header, page x of y below.
    pub(super) fn setup(
        &self,
        ws: &mut Worksheet,
        title: &str,
        heading_rows: u32,
    ) -> Result<(), XlsxError> {
        ws.set_landscape();
        ws.set_paper_size(9);
        ws.set_print_fit_to_pages(1, 0);
        ws.set_margins(0.4, 0.4, 0.75, 0.6, 0.3, 0.3);
        ws.set_print_center_horizontally(true);
        if heading_rows > 0 {
            ws.set_repeat_rows(0, heading_rows - 1)?;
        }
        let reference = if self.reference.is_empty() {
            "Multi-agency chronology".to_string()
        } else {
            format!("Review {}", escape_hf(&self.reference))
        };
        ws.set_header(format!(
            "&L{}&C&\"-,Bold\"{}&R{}",
            clip(&reference, 60),
            clip(&escape_hf(&self.marking), 60),
            clip(&escape_hf(title), 60)
        ));
        ws.set_footer(format!(
            "&L{}&CPage &P of &N&RMade {} by chronomerge",
            clip(&escape_hf(&self.marking), 60),
            self.made
        ));
        Ok(())
    }

    /// After [`Page::setup`]: the sheet, whose printed columns have these
    /// `widths`, fitted to the page width only if it prints at
    /// [`MIN_PRINT_SCALE`] or more; else printed at that scale, across then
    /// down, the columns up to `keep` (0-based) repeated on every page.
    /// The scale the sheet prints at (about, when fitted).
    pub(super) fn legible(
        &self,
        ws: &mut Worksheet,
        widths: impl IntoIterator<Item = f64>,
        keep: u16,
    ) -> Result<u16, XlsxError> {
        let scale = width_scale(widths);
        if scale >= MIN_PRINT_SCALE {
            // Already fitted to the width by `setup`.
            return Ok(scale);
        }
        ws.set_print_scale(MIN_PRINT_SCALE);
        ws.set_page_order(false);
        ws.set_repeat_columns(0, keep)?;
        Ok(MIN_PRINT_SCALE)
    }
}

/// At most `n` characters (headers and footers are limited to 255).
fn clip(s: &str, n: usize) -> Cow<'_, str> {
    match s.char_indices().nth(n) {
        Some((i, _)) => Cow::Owned(format!("{}…", &s[..i])),
        None => Cow::Borrowed(s),
    }
}

/// Escapes `&` for an Excel header or footer.
fn escape_hf(s: &str) -> String {
    s.replace('&', "&&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scale_is_the_page_width_over_the_columns() {
        // 100 columns of 10: 7500 pt, about a tenth of a page.
        assert_eq!(width_scale([10.0; 100]), 12);
        assert_eq!(width_scale([10.0]), 100);
        assert_eq!(width_scale([]), 100);
        // Today's printed chronology columns, with the reviewer's two, are
        // fitted at 75% or more, with `Age at event` too.
        let cols = super::super::columns::Cols::new;
        assert!(width_scale(cols(false, false).printed_widths()) >= 78);
        assert!(width_scale(cols(true, false).printed_widths()) >= MIN_PRINT_SCALE);
    }

    fn part(buf: &[u8], name: &str) -> String {
        use std::io::Read;
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(buf)).expect("a zip");
        let mut s = String::new();
        z.by_name(name)
            .expect("the part")
            .read_to_string(&mut s)
            .expect("text");
        s
    }

    #[test]
    fn a_sheet_too_wide_prints_at_the_least_scale_across_then_down() {
        let page = Page {
            reference: "R-1".into(),
            marking: DEFAULT_MARKING.into(),
            made: "today".into(),
        };
        for (widths, fitted) in [(vec![10.0; 40], false), (vec![10.0; 10], true)] {
            let mut wb = rust_xlsxwriter::Workbook::new();
            let ws = wb.add_worksheet();
            ws.write(0, 0, "#").expect("a cell");
            page.setup(ws, "Chronology", 1).expect("set up");
            let scale = page.legible(ws, widths, 2).expect("legible");
            let buf = wb.save_to_buffer().expect("saved");
            let xml = part(&buf, "xl/worksheets/sheet1.xml");
            let book = part(&buf, "xl/workbook.xml");
            if fitted {
                assert_eq!(scale, 100);
                assert!(
                    xml.contains("fitToPage=\"1\"") && !xml.contains("scale="),
                    "{xml}"
                );
                assert!(book.contains(">Sheet1!$1:$1<"), "{book}");
            } else {
                assert_eq!(scale, MIN_PRINT_SCALE);
                assert!(
                    xml.contains("scale=\"75\"") && !xml.contains("fitToPage"),
                    "{xml}"
                );
                assert!(xml.contains("pageOrder=\"overThenDown\""), "{xml}");
                assert!(book.contains(">Sheet1!$A:$C,Sheet1!$1:$1<"), "{book}");
            }
        }
    }
}
