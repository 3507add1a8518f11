//! Agency colours: light fills on which black text keeps a contrast ratio
//! of at least 4.5:1 (WCAG AA), and which neighbours can tell apart.

/// The default fills, in the order agencies receive them: light tints on
/// which black text reads at 12:1 or better, chosen so that no two are
/// near twins (CIE76 ΔE ≥ 7) and ordered so that neighbouring entries,
/// which agencies next to each other receive, differ clearly (ΔE ≥ 20).
pub const PALETTE: [u32; 20] = [
    0xBFD9F2, // light blue
    0xFFE0A3, // light orange
    0xC8EBC0, // light green
    0xD9D9D9, // light grey
    0xFFF6B3, // light yellow
    0xFCB0E8, // pink
    0xF0D0D0, // rose
    0xDDEBB4, // light lime
    0xEAD9CF, // taupe
    0xC9D3F5, // periwinkle
    0xE6E6C4, // khaki
    0xE0D4F0, // light lavender
    0xD5E8D4, // sage
    0xF7CBB8, // light salmon
    0xCFEFF7, // pale cyan
    0x90FCDC, // aquamarine
    0xF6C9D9, // light pink
    0xF2DCC0, // sand
    0xE8C6EC, // orchid
    0xB9E7E0, // light teal
];

/// The fill for the `n`th agency (0-based). Past the palette, further
/// light hues are made by stepping round the colour wheel by the golden
/// angle, still at a lightness black text reads on.
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

/// The least contrast ratio of black text on a fill (WCAG AA, normal text).
#[cfg(test)]
pub const MIN_CONTRAST: f64 = 4.5;

/// The contrast every fill keeps with black text: a colour from
/// `review.toml` below it is lightened to it. Well above WCAG AA's 4.5:1,
/// so that rows read like a hand-made chronology's pale fills, and print
/// without heavy ink.
pub const LIGHTENED_CONTRAST: f64 = 13.0;

/// The fill to use for a colour: the colour itself when it is already pale
/// (black text on it reads at [`LIGHTENED_CONTRAST`] or better), else the
/// colour mixed with white until it is (so a strong colour from
/// `review.toml`, such as a police blue `#1F3A93`, becomes a pale blue
/// that keeps the agency recognisable). Either way black text on the fill
/// reads at well over WCAG AA's 4.5:1.
pub fn legible(rgb: u32) -> u32 {
    if contrast_with_black(rgb) >= LIGHTENED_CONTRAST {
        return rgb;
    }
    let mix = |t: f64| {
        let ch = |shift: u32| {
            let c = ((rgb >> shift) & 0xFF) as f64;
            ((c + (255.0 - c) * t).round() as u32).min(255)
        };
        (ch(16) << 16) | (ch(8) << 8) | ch(0)
    };
    (1..=100)
        .map(|k| mix(k as f64 / 100.0))
        .find(|&c| contrast_with_black(c) >= LIGHTENED_CONTRAST)
        .unwrap_or(0xFFFFFF)
}

/// CIE L*a*b* of `0xRRGGBB` (D65 white).
#[cfg(test)]
pub fn to_lab(rgb: u32) -> (f64, f64, f64) {
    let lin = |shift: u32| {
        let c = ((rgb >> shift) & 0xFF) as f64 / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let (r, g, b) = (lin(16), lin(8), lin(0));
    let x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
    let y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    let z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
    let f = |t: f64| {
        if t > 0.008856 {
            t.cbrt()
        } else {
            7.787 * t + 16.0 / 116.0
        }
    };
    let (fx, fy, fz) = (f(x), f(y), f(z));
    (116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz))
}

/// How different two colours look: the CIE76 distance in L*a*b* (about
/// 2.3 is just noticeable; fills that sit side by side want 15 or more).
#[cfg(test)]
pub fn delta_e(a: u32, b: u32) -> f64 {
    let (l1, a1, b1) = to_lab(a);
    let (l2, a2, b2) = to_lab(b);
    ((l1 - l2).powi(2) + (a1 - a2).powi(2) + (b1 - b2).powi(2)).sqrt()
}

/// Parses `#RRGGBB` or `RRGGBB`.
pub fn parse_colour(s: &str) -> Option<u32> {
    let h = s.trim().trim_start_matches('#');
    if h.len() != 6 {
        return None;
    }
    u32::from_str_radix(h, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_palette_colour_keeps_black_text_legible() {
        for (i, &c) in PALETTE.iter().enumerate() {
            let r = contrast_with_black(c);
            assert!(r >= MIN_CONTRAST, "palette {i} #{c:06X}: {r:.2}:1");
        }
        for n in 0..200 {
            let c = colour_for(n);
            assert!(
                contrast_with_black(c) >= MIN_CONTRAST,
                "colour {n} #{c:06X}"
            );
        }
    }

    #[test]
    fn neighbouring_colours_are_tellable_apart() {
        // Agencies take colours in palette order, so neighbours in the
        // palette sit side by side in the chronology and the legend.
        for n in 0..60 {
            let (a, b) = (colour_for(n), colour_for(n + 1));
            let d = delta_e(a, b);
            assert!(d >= 20.0, "colours {n} #{a:06X} and #{b:06X}: ΔE {d:.1}");
        }
        // And no two palette entries are near twins.
        for (i, &a) in PALETTE.iter().enumerate() {
            for (j, &b) in PALETTE.iter().enumerate().skip(i + 1) {
                let d = delta_e(a, b);
                assert!(d >= 7.0, "palette {i} and {j}: ΔE {d:.1}");
            }
        }
    }

    #[test]
    fn dark_configured_colours_are_lightened_and_stay_apart() {
        let strong = [
            0x1F3A93, 0xC0392B, 0x27AE60, 0x8E44AD, 0xE67E22, 0x16A085, 0x7F8C8D, 0x000000,
        ];
        for &c in &strong {
            let l = legible(c);
            assert!(
                contrast_with_black(l) >= MIN_CONTRAST,
                "#{c:06X} → #{l:06X}"
            );
        }
        // The sample review's seven colours, lightened, stay apart.
        for i in 0..strong.len() - 1 {
            for j in i + 1..strong.len() - 1 {
                let d = delta_e(legible(strong[i]), legible(strong[j]));
                assert!(
                    d >= 10.0,
                    "#{:06X} #{:06X}: ΔE {d:.1}",
                    strong[i],
                    strong[j]
                );
            }
        }
    }
}

/// The examples that were the documentation's, now that the module is
/// the crate's own.
#[cfg(test)]
mod examples {
    #[allow(unused_imports)]
    use super::*;

    #[test]
    fn example_colour_for() {
        use crate::palette::{colour_for, contrast_with_black};
        for n in 0..60 {
            assert!(contrast_with_black(colour_for(n)) >= 4.5);
        }
    }

    #[test]
    fn example_legible() {
        use crate::palette::{contrast_with_black, legible};
        assert_eq!(legible(0xBFD9F2), 0xBFD9F2);
        let pale = legible(0x1F3A93);
        assert!(contrast_with_black(pale) >= 13.0);
        assert!((pale & 0xFF) > (pale >> 16)); // still blue
    }

    #[test]
    fn example_delta_e() {
        use crate::palette::delta_e;
        assert!(delta_e(0xBFD9F2, 0xFFE0A3) > 15.0);
        assert!(delta_e(0xBFD9F2, 0xBFD9F3) < 1.0);
    }

    #[test]
    fn example_parse_colour() {
        assert_eq!(crate::palette::parse_colour("#cce5ff"), Some(0xCCE5FF));
        assert_eq!(crate::palette::parse_colour("blue"), None);
    }
}
