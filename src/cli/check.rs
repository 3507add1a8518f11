//! `chronomerge check FILE…`

use std::path::PathBuf;

use clap::Args;

use super::{ReviewArgs, EXIT_FAILED, EXIT_FINDINGS, EXIT_OK};
use crate::findings::Code;
use crate::model::{FileKind, ReturnStatus};

/// Arguments of `check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The return(s) to check.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Review settings.
    #[command(flatten)]
    pub review: ReviewArgs,
    /// Print the findings as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Runs `check`.
pub fn run(args: CheckArgs) -> i32 {
    let opts = args.review.options();
    let dir = args
        .files
        .first()
        .and_then(|f| f.parent())
        .filter(|d| !d.as_os_str().is_empty());
    let (_, ctx, _) = match crate::pipeline::settle_config(dir, &opts) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("chronomerge: {e}");
            return EXIT_FAILED;
        }
    };
    let mut all = Vec::new();
    let mut unreadable = false;
    let mut errors = false;
    for path in &args.files {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string());
        let format = match crate::discover::classify(&name) {
            FileKind::Return(f) => f,
            FileKind::Ignored(why) => {
                eprintln!("chronomerge: {name}: not a return ({why})");
                unreadable = true;
                continue;
            }
        };
        let checked = crate::pipeline::check_file(path, &name, format, &ctx);
        if checked.summary.status == ReturnStatus::Rejected
            && checked.findings.iter().any(|f| {
                matches!(
                    f.code,
                    Code::FileUnreadable
                        | Code::FileEncrypted
                        | Code::FileNotWorkbook
                        | Code::FileInternal
                        | Code::FileTooLarge
                )
            })
        {
            unreadable = true;
        }
        errors |= checked.findings.iter().any(|f| f.is_error());
        if !args.json {
            for f in &checked.findings {
                println!("{f}");
            }
            let s = &checked.summary;
            eprintln!(
                "{}: {} ({}), {} row(s) read, {} would merge, {} rejected",
                s.file,
                s.status.as_str(),
                s.agency,
                s.rows_read,
                s.rows_merged,
                s.rows_rejected
            );
        }
        all.push(serde_json::json!({
            "summary": checked.summary,
            "findings": checked.findings,
        }));
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&all).unwrap_or_default());
    }
    if unreadable {
        EXIT_FAILED
    } else if errors {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}
