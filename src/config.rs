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

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer};

use crate::dates::DateContext;
use crate::discover::OwnFiles;
use crate::episodes::EpisodeConfig;
use crate::glossary::GlossaryError;
use crate::validate::{normalise, CheckContext};

/// Why a review's configuration cannot be used. Each message names the
/// file, when there is one, and says what to fix.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The configuration file cannot be read.
    #[error("{}: cannot be read ({source})", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid TOML, or holds a key or value the engine
    /// does not know (toml's message says where).
    #[error("{}: {source}", path.display())]
    Toml {
        /// The file.
        path: PathBuf,
        /// What and where.
        source: toml::de::Error,
    },
    /// An agency's colour is not `#RRGGBB`.
    #[error("{}: the colour '{colour}' of agency '{agency}' is not #RRGGBB", path.display())]
    Colour {
        /// The file.
        path: PathBuf,
        /// The colour as written.
        colour: String,
        /// The agency.
        agency: String,
    },
    /// The file's review period starts after it ends.
    #[error("{}: period_from {from} is after period_to {to}", path.display())]
    FilePeriod {
        /// The file.
        path: PathBuf,
        /// `period_from`.
        from: NaiveDate,
        /// `period_to`.
        to: NaiveDate,
    },
    /// A mistake in `[episodes]` or `[children]`.
    #[error("{}: {source}", path.display())]
    Table {
        /// The file.
        path: PathBuf,
        /// The table, the key and what is wrong.
        source: TableError,
    },
    /// The review period (file and command line together) starts after it
    /// ends.
    #[error("the review period starts ({from}) after it ends ({to})")]
    Period {
        /// First day.
        from: NaiveDate,
        /// Last day.
        to: NaiveDate,
    },
    /// The glossary (`--glossary`) cannot be used.
    #[error(transparent)]
    Glossary(#[from] GlossaryError),
}

/// A mistake in a table of `review.toml` that the engine reads itself
/// (`[episodes]`, `[children]`): the message names the table and the key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TableError {
    /// An unknown key or a value of the wrong kind in `[episodes]`.
    #[error("{0}")]
    Episodes(String),
    /// A `[children]` entry that is not a date of birth.
    #[error("{0}")]
    Children(String),
}

/// A command-line date that is not one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a date: write it as YYYY-MM-DD, e.g. 2022-01-31")]
pub struct NotADate(pub String);

/// Settings for one merge given on the command line (or by a library
/// caller); `None` means "from review.toml, else default".
#[derive(Debug, Clone, Default)]
pub struct MergeOptions {
    /// Review reference (overrides the configuration file).
    pub review: Option<String>,
    /// Review period start.
    pub from: Option<NaiveDate>,
    /// Review period end.
    pub to: Option<NaiveDate>,
    /// Margin around the period, in days.
    pub margin_days: Option<i64>,
    /// Agency for CSV exports with no `Agency` column.
    pub agency: Option<String>,
    /// The day of the merge (default: today).
    pub today: Option<NaiveDate>,
    /// How many episodes to show.
    pub episodes: Option<usize>,
    /// Minimum agencies in an episode.
    pub min_agencies: Option<usize>,
    /// Longest quiet stretch inside an episode, in days.
    pub window_days: Option<i64>,
    /// A configuration file to use instead of the folder's `review.toml`.
    pub config_file: Option<PathBuf>,
    /// Files in the folder that are the engine's own output.
    pub exclude: Vec<PathBuf>,
    /// A glossary CSV (real text, replacement) to anonymise the workbook.
    pub glossary: Option<PathBuf>,
    /// Protective marking (overrides the configuration file).
    pub marking: Option<String>,
    /// Number the events in merged order without the review folder's ref
    /// store, neither reading nor writing it (`batch`, whose archives are
    /// never written into). See [`crate::refs`].
    pub refs_in_order: bool,
}

impl MergeOptions {
    /// The engine's own files for a merge with these options: its outputs
    /// (`outputs`, and `--exclude`) and its settings files (`--glossary`,
    /// `--config`), that discovery never reads as returns.
    pub fn own_files(&self, outputs: impl IntoIterator<Item = PathBuf>) -> OwnFiles {
        let own = outputs
            .into_iter()
            .chain(self.exclude.iter().cloned())
            .fold(OwnFiles::new(), |own, o| own.output(&o));
        self.glossary
            .iter()
            .chain(self.config_file.iter())
            .fold(own, |own, s| own.setting(s))
    }
}

/// The settings of one review, settled once before any return is read:
/// the configuration file (the folder's `review.toml`, or `--config`)
/// overridden by the command line, with its tables parsed and checked.
/// Every stage takes what it needs from here.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The effective configuration (file, then command line).
    pub config: ReviewConfig,
    /// The children of `[children]`, eldest first.
    pub children: Vec<Child>,
    /// What the checks of each return use.
    pub context: CheckContext,
    /// Episode detection settings (`[episodes]`, then the command line).
    pub episodes: EpisodeConfig,
}

impl Settings {
    /// Settles the settings of a review from the folder's `review.toml`
    /// (or `opts.config_file`; none when `dir` is `None` and no file is
    /// given) and the command line.
    ///
    /// ```
    /// use chronomerge::config::{MergeOptions, Settings};
    /// let s = Settings::settle(None, &MergeOptions { margin_days: Some(7), ..Default::default() }).unwrap();
    /// assert_eq!(s.context.margin_days, 7);
    /// assert!(s.children.is_empty());
    /// ```
    ///
    /// # Errors
    ///
    /// A [`ConfigError`] when the configuration file cannot be read or
    /// holds a mistake, or the review period starts after it ends.
    pub fn settle(dir: Option<&Path>, opts: &MergeOptions) -> Result<Settings, ConfigError> {
        let file = match (&opts.config_file, dir) {
            (Some(p), _) => Some(p.clone()),
            (None, Some(d)) => Some(d.join(crate::discover::CONFIG_FILE)).filter(|p| p.is_file()),
            (None, None) => None,
        };
        let (mut config, tables) = match file {
            Some(p) => ReviewConfig::load_parsed(&p)?,
            None => (ReviewConfig::default(), Tables::default()),
        };
        config.override_with(opts);
        let today = opts
            .today
            .unwrap_or_else(|| chrono::Local::now().date_naive());
        let period = match (config.period_from, config.period_to) {
            (Some(from), Some(to)) if from <= to => Some((from, to)),
            (Some(from), Some(to)) => return Err(ConfigError::Period { from, to }),
            (Some(f), None) => Some((f, today)),
            (None, Some(t)) => Some((NaiveDate::MIN, t)),
            (None, None) => None,
        };
        let context = CheckContext {
            dates: DateContext::new(today),
            review: config.review.clone(),
            period,
            margin_days: config.margin_days.unwrap_or(0),
            agency: opts.agency.clone(),
            key_lines: config.key_lines_of_enquiry.clone(),
        };
        let mut episodes = tables.episodes;
        if let Some(n) = opts.episodes {
            episodes.max_episodes = n;
        }
        if let Some(n) = opts.min_agencies {
            episodes.min_agencies = n;
        }
        if let Some(n) = opts.window_days {
            episodes.window_days = n;
        }
        episodes.incident = config.incident;
        Ok(Settings {
            config,
            children: tables.children,
            context,
            episodes,
        })
    }
}

/// The tables of a configuration, parsed.
#[derive(Debug, Default)]
struct Tables {
    episodes: EpisodeConfig,
    children: Vec<Child>,
}

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
    /// A short name for narrow places, and the prefix of its events'
    /// references (`POL` gives `POL-0042`).
    #[serde(default)]
    pub short: Option<String>,
    /// Who to chase at the agency for its return (a name, a role, an
    /// e-mail address: as the business unit writes it).
    #[serde(default)]
    pub contact: Option<String>,
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
    /// The day the templates went out with the Terms of Reference.
    #[serde(default, deserialize_with = "de_date")]
    pub returns_sent: Option<NaiveDate>,
    /// The day the returns are due (else `returns_sent` + 14 days; see
    /// [`ReviewConfig::due_date`]).
    #[serde(default, deserialize_with = "de_date")]
    pub returns_due: Option<NaiveDate>,
    /// The key lines of enquiry of the Terms of Reference.
    #[serde(default)]
    pub key_lines_of_enquiry: Vec<String>,
    /// Who at the business unit the agencies contact about the review (a
    /// name, a role, an e-mail address: as the business unit writes it),
    /// printed in the template's Terms of Reference.
    #[serde(default)]
    pub contact: Option<String>,
    /// The day of the incident that led to the review (the death or
    /// serious harm): its events are shown on their own, not proposed as
    /// an episode.
    #[serde(default, deserialize_with = "de_date")]
    pub incident: Option<NaiveDate>,
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
    /// (`same_agency`).
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
///
/// # Errors
///
/// [`NotADate`] when the text is neither form.
pub fn parse_cli_date(s: &str) -> Result<NaiveDate, NotADate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s.trim(), "%d/%m/%Y"))
        .map_err(|_| NotADate(s.to_string()))
}

impl ReviewConfig {
    /// The command line over the file: each of the review reference, the
    /// period's ends, the margin and the marking that `opts` gives
    /// replaces the file's.
    pub(crate) fn override_with(&mut self, opts: &MergeOptions) {
        if opts.review.is_some() {
            self.review = opts.review.clone();
        }
        if opts.from.is_some() {
            self.period_from = opts.from;
        }
        if opts.to.is_some() {
            self.period_to = opts.to;
        }
        if opts.margin_days.is_some() {
            self.margin_days = opts.margin_days;
        }
        if opts.marking.is_some() {
            self.marking = opts.marking.clone();
        }
    }

    /// Reads a configuration file, and checks it as a whole: colours,
    /// period, and the `[episodes]` and `[children]` tables. The error says
    /// what to fix.
    ///
    /// # Errors
    ///
    /// A [`ConfigError`] naming the file: it cannot be read, is not valid
    /// TOML or has an unknown key, a colour is not `#RRGGBB`, the period
    /// starts after it ends, or a table holds a mistake.
    pub fn load(path: &Path) -> Result<ReviewConfig, ConfigError> {
        Ok(ReviewConfig::load_parsed(path)?.0)
    }

    /// [`ReviewConfig::load`], keeping the tables it parsed.
    fn load_parsed(path: &Path) -> Result<(ReviewConfig, Tables), ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let cfg: ReviewConfig = toml::from_str(text).map_err(|source| ConfigError::Toml {
            path: path.to_path_buf(),
            source,
        })?;
        for a in &cfg.agencies {
            if let Some(c) = &a.colour {
                if crate::palette::parse_colour(c).is_none() {
                    return Err(ConfigError::Colour {
                        path: path.to_path_buf(),
                        colour: c.clone(),
                        agency: a.name.clone(),
                    });
                }
            }
        }
        if let (Some(from), Some(to)) = (cfg.period_from, cfg.period_to) {
            if from > to {
                return Err(ConfigError::FilePeriod {
                    path: path.to_path_buf(),
                    from,
                    to,
                });
            }
        }
        let tables = cfg.tables().map_err(|source| ConfigError::Table {
            path: path.to_path_buf(),
            source,
        })?;
        Ok((cfg, tables))
    }

    /// Checks the tables kept as TOML, as strictly as the top level: every
    /// key of `[episodes]` (and of its `weights`) is one the engine knows,
    /// with a value of the right kind, and every `[children]` value is a
    /// date of birth. The error names the table and the key.
    ///
    /// ```
    /// let cfg: chronomerge::config::ReviewConfig =
    ///     toml::from_str("[episodes]\nwindow_day = 21\n").unwrap();
    /// let e = cfg.check_tables().unwrap_err().to_string();
    /// assert!(e.contains("[episodes]") && e.contains("window_day"), "{e}");
    /// ```
    ///
    /// # Errors
    ///
    /// A [`TableError`] naming the table and the key.
    pub fn check_tables(&self) -> Result<(), TableError> {
        self.tables().map(|_| ())
    }

    /// The tables, parsed (see [`ReviewConfig::check_tables`]).
    fn tables(&self) -> Result<Tables, TableError> {
        let episodes = match &self.episodes {
            None => EpisodeConfig::default(),
            Some(t) => t.clone().try_into::<EpisodeConfig>().map_err(|e| {
                // toml says where on a second line: "in `weights`".
                let text = e.to_string();
                let mut lines = text.trim().lines();
                let what = lines.next().unwrap_or_default();
                let what = what.replace("unknown field", "unknown key");
                TableError::Episodes(match lines.find_map(|l| l.strip_prefix("in ")) {
                    Some(at) => format!("[episodes] at {at}: {what}"),
                    None => format!("[episodes]: {what}"),
                })
            })?,
        };
        // The one reading of `[children]` (the workbook takes the children
        // from the settings).
        let children = children(self)?;
        Ok(Tables { episodes, children })
    }

    /// Loads `review.toml` from a review folder if there is one.
    ///
    /// # Errors
    ///
    /// As [`ReviewConfig::load`].
    pub fn load_from_dir(dir: &Path) -> Result<ReviewConfig, ConfigError> {
        let p = dir.join(crate::discover::CONFIG_FILE);
        if p.is_file() {
            ReviewConfig::load(&p)
        } else {
            Ok(ReviewConfig::default())
        }
    }

    /// The day the returns are due: `returns_due`, else 14 days after
    /// `returns_sent`, else none.
    ///
    /// ```
    /// use chronomerge::config::ReviewConfig;
    /// let config: ReviewConfig = toml::from_str("returns_sent = 2026-11-02").unwrap();
    /// assert_eq!(config.due_date().unwrap().to_string(), "2026-11-16");
    /// ```
    pub fn due_date(&self) -> Option<NaiveDate> {
        self.returns_due
            .or_else(|| self.returns_sent.map(|d| d + chrono::Duration::days(14)))
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

/// A child whose age the chronology shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Child {
    /// The label the returns use, e.g. `Child A`.
    pub label: String,
    /// Date of birth.
    pub born: NaiveDate,
}

/// The children of `review.toml`'s `[children]` table, eldest first:
///
/// ```toml
/// [children]
/// "Child A" = 2019-05-01
/// "Child B" = "2021-11-30"
/// ```
///
/// ```
/// let cfg: chronomerge::config::ReviewConfig =
///     toml::from_str("[children]\n\"Child B\" = 2021-11-30\n\"Child A\" = 2019-05-01\n").unwrap();
/// let kids = chronomerge::config::children(&cfg).unwrap();
/// assert_eq!(kids[0].label, "Child A");
/// assert_eq!(kids.len(), 2);
/// ```
///
/// # Errors
///
/// [`TableError::Children`], naming the entry, when a value is not a date
/// of birth or an entry has no label.
pub fn children(config: &ReviewConfig) -> Result<Vec<Child>, TableError> {
    let Some(table) = &config.children else {
        return Ok(vec![]);
    };
    let mut out = Vec::with_capacity(table.len());
    for (label, v) in table {
        let bad = || {
            TableError::Children(format!(
                "[children] \"{label}\" must be a date of birth such as 2020-05-01, not {v}"
            ))
        };
        let born = match v {
            toml::Value::Datetime(dt) => dt
                .date
                .and_then(|d| NaiveDate::from_ymd_opt(d.year as i32, d.month as u32, d.day as u32))
                .ok_or_else(bad)?,
            toml::Value::String(s) => parse_cli_date(s).map_err(|_| bad())?,
            _ => return Err(bad()),
        };
        if label.trim().is_empty() {
            return Err(TableError::Children(
                "[children] has an entry with no label: write \"Child A\" = 2020-05-01".into(),
            ));
        }
        out.push(Child {
            label: label.trim().to_string(),
            born,
        });
    }
    out.sort_by(|a, b| a.born.cmp(&b.born).then_with(|| a.label.cmp(&b.label)));
    Ok(out)
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
        let e = ReviewConfig::load(&p).unwrap_err().to_string();
        assert!(e.contains("review.toml"), "{e}");
        std::fs::write(&p, "reveiw = \"X\"\n").unwrap();
        let e = ReviewConfig::load(&p).unwrap_err().to_string();
        assert!(e.contains("reveiw"), "{e}");
    }
}
