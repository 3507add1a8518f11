//! `chronomerge template -o return.xlsx`

use std::path::PathBuf;

use clap::Args;

use super::{EXIT_FAILED, EXIT_OK};
use crate::config::{ConfigError, MergeOptions, ReviewConfig};
use crate::template::{write_template, TemplateOptions};

/// Arguments of `template`.
#[derive(Debug, Args)]
pub struct TemplateArgs {
    /// Where to write the blank return (.xlsx).
    #[arg(
        short,
        long,
        value_name = "FILE",
        default_value = "chronology-return.xlsx"
    )]
    pub output: PathBuf,
    /// The review reference to fill in, e.g. LCSPR-2024-03.
    #[arg(long, value_name = "REF")]
    pub review: Option<String>,
    /// First day of the review period to fill in (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = crate::config::parse_cli_date)]
    pub from: Option<chrono::NaiveDate>,
    /// Last day of the review period to fill in (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = crate::config::parse_cli_date)]
    pub to: Option<chrono::NaiveDate>,
    /// Take the Terms of Reference from a review configuration file
    /// (review.toml, or the review folder holding it): the review
    /// reference and period, the due date (returns_due, else 14 days
    /// after returns_sent), the key lines of enquiry (listed on Guidance
    /// and offered in a Key line of enquiry column) and the contact.
    /// --review, --from and --to override it.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Fill in the agency's name, for a template made for one agency (with
    /// --config, also the agency's contact from its entry in the agencies list).
    #[arg(long, value_name = "NAME")]
    pub agency: Option<String>,
    /// Replace the output file if it exists.
    #[arg(long)]
    pub force: bool,
}

impl TemplateArgs {
    /// The template options these arguments give (the configuration file
    /// first, then the command line).
    ///
    /// # Errors
    ///
    /// A [`ConfigError`] when the configuration file cannot be used or the
    /// period starts after it ends.
    pub fn options(&self) -> Result<TemplateOptions, ConfigError> {
        let mut config = match &self.config {
            Some(p) if p.is_dir() => ReviewConfig::load(&p.join(crate::discover::CONFIG_FILE))?,
            Some(p) => ReviewConfig::load(p)?,
            None => ReviewConfig::default(),
        };
        config.override_with(&MergeOptions {
            review: self.review.clone(),
            from: self.from,
            to: self.to,
            ..MergeOptions::default()
        });
        let mut opts = TemplateOptions::from_config(&config);
        if let (Some(f), Some(t)) = (opts.from, opts.to) {
            if f > t {
                return Err(ConfigError::Period { from: f, to: t });
            }
        }
        if let Some(a) = &self.agency {
            opts.for_agency(a, &config);
        }
        Ok(opts)
    }
}

/// Runs `template`.
pub fn run(args: TemplateArgs) -> i32 {
    if args
        .output
        .extension()
        .is_none_or(|e| !e.eq_ignore_ascii_case("xlsx"))
    {
        eprintln!(
            "chronomerge: the template {} must end in .xlsx",
            args.output.display()
        );
        return EXIT_FAILED;
    }
    if args.output.exists() && !args.force {
        eprintln!(
            "chronomerge: {} already exists (it may be a return): choose another name, or add --force to replace it",
            args.output.display()
        );
        return EXIT_FAILED;
    }
    let opts = match args.options() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("chronomerge: {e}");
            return EXIT_FAILED;
        }
    };
    if let Err(e) = write_template(&args.output, &opts) {
        eprintln!("chronomerge: {e}");
        return EXIT_FAILED;
    }
    println!("Wrote the blank return {}", args.output.display());
    EXIT_OK
}
