//! The review configuration: `review.toml` in the review folder, overridden
//! by the command line. Every setting is documented in
//! `fixtures/review.example.toml`; a short one:
//!
//! ```toml
//! review = "LCSPR-2024-03"
//! period_from = 2022-01-01
//! period_to = 2024-06-30
//! margin_days = 30
//! marking = "OFFICIAL-SENSITIVE"
//!
//! [[agencies]]
//! name = "West Yorkshire Police"
//! aliases = ["WY Police", "WYP"]
//! colour = "#BFD9F2"
//! ```

use std::path::Path;

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer};

use crate::validate::normalise;

/// An agency the review expects a return from.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ExpectedAgency {
    /// The name as the partnership knows it.
    pub name: String,
    /// Other spellings agencies use for it.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Fill colour `#RRGGBB` (else the palette's).
    #[serde(default)]
    pub colour: Option<String>,
    /// A short name for narrow places.
    #[serde(default)]
    pub short: Option<String>,
}

/// A review's configuration. Every field is optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewConfig {
    /// Review reference, e.g. `LCSPR-2024-03`.
    #[serde(default)]
    pub review: Option<String>,
    /// First day of the review period.
    #[serde(default, deserialize_with = "de_date")]
    pub period_from: Option<NaiveDate>,
    /// Last day of the review period.
    #[serde(default, deserialize_with = "de_date")]
    pub period_to: Option<NaiveDate>,
    /// Days either side of the period before a date is marked outside it.
    #[serde(default)]
    pub margin_days: Option<i64>,
    /// Protective marking for the printed header.
    #[serde(default)]
    pub marking: Option<String>,
    /// The agencies expected to return.
    #[serde(default)]
    pub agencies: Vec<ExpectedAgency>,
    /// Episode detection settings (see [`crate::episodes`]).
    #[serde(default)]
    pub episodes: Option<toml::Table>,
    /// Children's dates of birth, by label (`"Child A" = 2020-05-01`).
    #[serde(default)]
    pub children: Option<toml::Table>,
    /// The reviewer's word on several returns of one agency (`[returns]`),
    /// over what the engine decides from their events
    /// ([`crate::same_agency`]).
    #[serde(default)]
    pub returns: ReturnsConfig,
}

/// `[returns]`: which of several returns of one agency replaces which,
/// and which are parts of one return. File names are as in the review
/// folder (case is ignored).
///
/// ```toml
/// [returns]
/// supersedes = { "Police - corrected v2.xlsx" = ["Police.xlsx"] }
/// parts = [["Police incident log.xlsx", "Police PPU log.xlsx"]]
/// ```
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ReturnsConfig {
    /// A newer return → the older return(s) of the same agency it
    /// replaces: the older are listed as superseded and not merged,
    /// however many events they share.
    #[serde(default)]
    pub supersedes: std::collections::BTreeMap<String, Vec<String>>,
    /// Groups of returns of one agency that are parts of its return (an
    /// incident log and a unit's log): all are merged, however many
    /// events they share.
    #[serde(default)]
    pub parts: Vec<Vec<String>>,
}

fn de_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    let v = Option::<toml::Value>::deserialize(d)?;
    match v {
        None => Ok(None),
        Some(toml::Value::Datetime(dt)) => match dt.date {
            Some(date) => {
                NaiveDate::from_ymd_opt(date.year as i32, date.month as u32, date.day as u32)
                    .map(Some)
                    .ok_or_else(|| serde::de::Error::custom(format!("{dt} is not a real date")))
            }
            None => Err(serde::de::Error::custom(
                "expected a date such as 2022-01-31",
            )),
        },
        Some(toml::Value::String(s)) => parse_cli_date(&s)
            .map(Some)
            .map_err(serde::de::Error::custom),
        Some(other) => Err(serde::de::Error::custom(format!(
            "expected a date such as 2022-01-31, found {other}"
        ))),
    }
}

/// Parses a command-line date: `YYYY-MM-DD` or `DD/MM/YYYY`.
///
/// ```
/// use chrono::NaiveDate;
/// let d = NaiveDate::from_ymd_opt(2022, 1, 31).unwrap();
/// assert_eq!(chronomerge::config::parse_cli_date("2022-01-31"), Ok(d));
/// assert_eq!(chronomerge::config::parse_cli_date("31/01/2022"), Ok(d));
/// assert!(chronomerge::config::parse_cli_date("01/31/2022").is_err());
/// ```
pub fn parse_cli_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s.trim(), "%d/%m/%Y"))
        .map_err(|_| format!("'{s}' is not a date: write it as YYYY-MM-DD, e.g. 2022-01-31"))
}

impl ReviewConfig {
    /// Reads a configuration file. The error says what to fix.
    pub fn load(path: &Path) -> Result<ReviewConfig, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{}: cannot be read ({e})", path.display()))?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let cfg: ReviewConfig =
            toml::from_str(text).map_err(|e| format!("{}: {e}", path.display()))?;
        for a in &cfg.agencies {
            if let Some(c) = &a.colour {
                if crate::palette::parse_colour(c).is_none() {
                    return Err(format!(
                        "{}: the colour '{c}' of agency '{}' is not #RRGGBB",
                        path.display(),
                        a.name
                    ));
                }
            }
        }
        if let (Some(f), Some(t)) = (cfg.period_from, cfg.period_to) {
            if f > t {
                return Err(format!(
                    "{}: period_from {f} is after period_to {t}",
                    path.display()
                ));
            }
        }
        cfg.check_tables()
            .map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(cfg)
    }

    /// Checks the tables kept as TOML, as strictly as the top level: every
    /// key of `[episodes]` (and of its `weights`) is one the engine knows,
    /// with a value of the right kind, and every `[children]` value is a
    /// date of birth. The error names the table and the key.
    ///
    /// ```
    /// let cfg: chronomerge::config::ReviewConfig =
    ///     toml::from_str("[episodes]\nwindow_day = 21\n").unwrap();
    /// let e = cfg.check_tables().unwrap_err();
    /// assert!(e.contains("[episodes]") && e.contains("window_day"), "{e}");
    /// ```
    pub fn check_tables(&self) -> Result<(), String> {
        if let Some(t) = &self.episodes {
            t.clone()
                .try_into::<crate::episodes::EpisodeConfig>()
                .map_err(|e| {
                    // toml says where on a second line: "in `weights`".
                    let text = e.to_string();
                    let mut lines = text.trim().lines();
                    let what = lines.next().unwrap_or_default();
                    let what = what.replace("unknown field", "unknown key");
                    match lines.find_map(|l| l.strip_prefix("in ")) {
                        Some(at) => format!("[episodes] at {at}: {what}"),
                        None => format!("[episodes]: {what}"),
                    }
                })?;
        }
        crate::write::children(self)?;
        Ok(())
    }

    /// Loads `review.toml` from a review folder if there is one.
    pub fn load_from_dir(dir: &Path) -> Result<ReviewConfig, String> {
        let p = dir.join(crate::discover::CONFIG_FILE);
        if p.is_file() {
            ReviewConfig::load(&p)
        } else {
            Ok(ReviewConfig::default())
        }
    }

    /// The canonical name for an agency as a return spells it: the
    /// expected agency whose name or alias matches (ignoring case and
    /// punctuation), else the name as given, trimmed.
    ///
    /// ```
    /// use chronomerge::config::{ExpectedAgency, ReviewConfig};
    /// let cfg = ReviewConfig {
    ///     agencies: vec![ExpectedAgency {
    ///         name: "West Yorkshire Police".into(),
    ///         aliases: vec!["WY Police".into()],
    ///         ..Default::default()
    ///     }],
    ///     ..Default::default()
    /// };
    /// assert_eq!(cfg.canonical_agency("wy  police"), "West Yorkshire Police");
    /// assert_eq!(cfg.canonical_agency("GP surgery"), "GP surgery");
    /// ```
    pub fn canonical_agency(&self, name: &str) -> String {
        let key = normalise(name);
        for a in &self.agencies {
            if normalise(&a.name) == key || a.aliases.iter().any(|x| normalise(x) == key) {
                return a.name.clone();
            }
        }
        name.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// The configured colour of an agency, if any.
    pub fn colour_of(&self, name: &str) -> Option<u32> {
        self.agencies
            .iter()
            .find(|a| a.name == name)
            .and_then(|a| a.colour.as_deref())
            .and_then(crate::palette::parse_colour)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The documented example must stay a valid configuration.
    #[test]
    fn the_example_configuration_loads() {
        let p = Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/review.example.toml"
        ));
        let cfg = ReviewConfig::load(p).unwrap();
        assert_eq!(cfg.review.as_deref(), Some("LCSPR-2024-03"));
        assert_eq!(cfg.period_from, NaiveDate::from_ymd_opt(2022, 1, 1));
        assert_eq!(cfg.margin_days, Some(30));
        assert_eq!(cfg.canonical_agency("wy police"), "West Yorkshire Police");
        assert_eq!(cfg.canonical_agency("WYP"), "West Yorkshire Police");
        assert_eq!(cfg.colour_of("West Yorkshire Police"), Some(0xBFD9F2));
        let ep: crate::episodes::EpisodeConfig = cfg.episodes.clone().unwrap().try_into().unwrap();
        assert_eq!(ep.window_days, 14);
    }

    #[test]
    fn a_mistake_in_the_file_says_where() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("review.toml");
        std::fs::write(&p, "review = \"X\"\nperiod_from = 2022-02-30\n").unwrap();
        assert!(ReviewConfig::load(&p).unwrap_err().contains("review.toml"));
        std::fs::write(&p, "reveiw = \"X\"\n").unwrap();
        assert!(ReviewConfig::load(&p).unwrap_err().contains("reveiw"));
    }
}
