//! Agency colours: light fills on which black text keeps a contrast ratio
//! of at least 4.5:1 (WCAG AA), and which neighbours can tell apart.

/// The default fills, in the order agencies receive them. Light tints of a
/// qualitative palette (ColorBrewer Set3 / Pastel1), ordered so that
/// neighbouring entries differ in hue.
pub const PALETTE: [u32; 20] = [
    0xBFD9F2, // light blue
    0xFFE0A3, // light orange
    0xC8EBC0, // light green
    0xF6C9D9, // light pink
    0xE0D4F0, // light lavender
    0xFFF6B3, // light yellow
    0xB9E7E0, // light teal
    0xF7CBB8, // light salmon
    0xD9D9D9, // light grey
    0xDDEBB4, // light lime
    0xC9D3F5, // periwinkle
    0xF2DCC0, // sand
    0xE8C6EC, // orchid
    0xCFEFF7, // pale cyan
    0xF9E3C8, // apricot
    0xD5E8D4, // sage
    0xF0D0D0, // rose
    0xE6E6C4, // khaki
    0xD0E4FF, // sky
    0xEAD9CF, // taupe
];

/// The fill for the `n`th agency (0-based). Past the palette, further
/// light hues are made by stepping round the colour wheel by the golden
/// angle, still at a lightness black text reads on.
///
/// ```
/// use chronomerge::palette::{colour_for, contrast_with_black};
/// for n in 0..60 {
///     assert!(contrast_with_black(colour_for(n)) >= 4.5);
/// }
/// ```
pub fn colour_for(n: usize) -> u32 {
    if n < PALETTE.len() {
        return PALETTE[n];
    }
    let hue = ((n - PALETTE.len()) as f64 * 137.508) % 360.0;
    hsl_to_rgb(hue, 0.55, 0.85)
}

fn hsl_to_rgb(h: f64, s: f64, l: f64) -> u32 {
    let c = (1.0 - (2.0 * l - 1.0).abs()) * s;
    let x = c * (1.0 - ((h / 60.0) % 2.0 - 1.0).abs());
    let m = l - c / 2.0;
    let (r, g, b) = match (h / 60.0) as u32 {
        0 => (c, x, 0.0),
        1 => (x, c, 0.0),
        2 => (0.0, c, x),
        3 => (0.0, x, c),
        4 => (x, 0.0, c),
        _ => (c, 0.0, x),
    };
    let to = |v: f64| ((v + m) * 255.0).round().clamp(0.0, 255.0) as u32;
    (to(r) << 16) | (to(g) << 8) | to(b)
}

/// WCAG relative luminance of `0xRRGGBB`.
pub fn luminance(rgb: u32) -> f64 {
    let ch = |shift: u32| {
        let c = ((rgb >> shift) & 0xFF) as f64 / 255.0;
        if c <= 0.03928 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * ch(16) + 0.7152 * ch(8) + 0.0722 * ch(0)
}

/// Contrast ratio of black text on the colour (1 to 21).
pub fn contrast_with_black(rgb: u32) -> f64 {
    (luminance(rgb) + 0.05) / 0.05
}

/// Parses `#RRGGBB` or `RRGGBB`.
///
/// ```
/// assert_eq!(chronomerge::palette::parse_colour("#cce5ff"), Some(0xCCE5FF));
/// assert_eq!(chronomerge::palette::parse_colour("blue"), None);
/// ```
pub fn parse_colour(s: &str) -> Option<u32> {
    let h = s.trim().trim_start_matches('#');
    if h.len() != 6 {
        return None;
    }
    u32::from_str_radix(h, 16).ok()
}
