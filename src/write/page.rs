//! What every printed page carries: the review reference and protective
//! marking in the header, `Page x of y` in the footer; landscape A4, fitted
//! to the page width, heading rows repeated.

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
