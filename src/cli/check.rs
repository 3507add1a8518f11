//! `chronomerge check FILE…`: reads each return exactly as `merge` would
//! and prints its findings, one a line:
//! `file › sheet › cell: severity code: message`.
//!
//! Each file is checked against the `review.toml` of the folder it sits in
//! (unless `--config` names one), with `--review`, `--from` and `--to`
//! overriding it. A folder given instead of a file checks every return in
//! it, and reports every file in it that looks like a return but is not
//! read. Exit code 0: no errors; 1: errors; 2: a file could not be read at
//! all (or is not a return), or a folder given holds no return.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use clap::Args;

use super::{ReviewArgs, EXIT_FAILED, EXIT_FINDINGS, EXIT_OK};
use crate::config::ReviewConfig;
use crate::discover::{same_file, Own, OwnFiles};
use crate::findings::{Code, Finding};
use crate::model::{CheckedReturn, FileKind, ReturnStatus, ReturnSummary};
use crate::pipeline::MergeError;
use crate::validate::CheckContext;

/// Arguments of `check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The return(s) to check; a folder checks every return in it.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Review settings.
    #[command(flatten)]
    pub review: ReviewArgs,
    /// Print the findings as JSON: a list with one entry per file, each
    /// with its `summary` (the `Returns` line) and its `findings`.
    #[arg(long)]
    pub json: bool,
}

/// True for the findings that mean a file could not be read at all.
pub fn is_unreadable(code: Code) -> bool {
    matches!(
        code,
        Code::FileUnreadable
            | Code::FileEncrypted
            | Code::FileNotWorkbook
            | Code::FileInternal
            | Code::FileTooLarge
    )
}

/// The folder whose `review.toml` applies to a file: the file's own
/// folder (`.` for a bare file name).
fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// The files to check: the files given, and the returns in the folders
/// given (with the files that look like returns but are not read, so that
/// each is reported). For each folder given, the files quietly ignored in
/// it (lock files, hidden files, review.toml, and the engine's own files:
/// [`OwnFiles`]), for the message when it holds no return.
#[allow(clippy::type_complexity)]
fn expand(
    paths: &[PathBuf],
    own: &OwnFiles,
) -> Result<(Vec<PathBuf>, Vec<(PathBuf, Vec<ReturnSummary>)>), MergeError> {
    let mut out: Vec<PathBuf> = Vec::new();
    let mut folders = Vec::new();
    let mut push = |p: PathBuf| {
        // The same file named twice is checked once.
        if !out.iter().any(|q| same_file(q, &p)) {
            out.push(p);
        }
    };
    for p in paths {
        if p.is_dir() {
            let found = crate::discover::scan(p).map_err(|source| MergeError::Folder {
                dir: p.clone(),
                source,
            })?;
            let mut ignored = Vec::new();
            for f in found {
                match (own.of(&f.path), &f.kind) {
                    (Some(o @ (Own::Output | Own::Setting | Own::Kept)), _) => {
                        ignored.push(crate::pipeline::ignored_summary(&f, o.note()))
                    }
                    (_, FileKind::Return(_) | FileKind::NotRead(_)) => push(f.path),
                    (_, FileKind::Ignored(why)) => {
                        ignored.push(crate::pipeline::ignored_summary(&f, why))
                    }
                }
            }
            folders.push((p.clone(), ignored));
        } else {
            push(p.clone());
        }
    }
    Ok((out, folders))
}

/// Runs `check`.
pub fn run(args: CheckArgs) -> i32 {
    let opts = args.review.options();
    // The engine's own files in a folder given are not returns (the
    // `--config` file among them); a file named on its own is checked.
    let own = opts.own_files([]);
    let (files, folders) = match expand(&args.files, &own) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("chronomerge: {e}");
            return EXIT_FAILED;
        }
    };
    // One configuration per folder, read once.
    let mut configs: HashMap<PathBuf, (ReviewConfig, CheckContext)> = HashMap::new();
    let mut checked: Vec<(CheckedReturn, PathBuf)> = Vec::new();
    let mut unreadable = false;
    let mut not_returns = Vec::new();
    for path in &files {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string());
        let dir = folder_of(path);
        let format = match crate::discover::classify(&name) {
            FileKind::Return(f) => f,
            FileKind::Ignored(why) => {
                eprintln!("chronomerge: {name}: not a return ({why})");
                not_returns.push(serde_json::json!({ "file": name, "not_a_return": why }));
                unreadable = true;
                continue;
            }
            FileKind::NotRead(finding) => {
                let f = crate::model::FoundFile {
                    path: path.clone(),
                    name: name.clone(),
                    kind: FileKind::NotRead(finding.clone()),
                };
                checked.push((crate::pipeline::not_read(&f, &finding), dir));
                unreadable = true;
                continue;
            }
        };
        if !configs.contains_key(&dir) {
            match crate::pipeline::settle_config(Some(&dir), &opts) {
                Ok(s) => {
                    configs.insert(dir.clone(), (s.config, s.context));
                }
                Err(e) => {
                    eprintln!("chronomerge: {e}");
                    return EXIT_FAILED;
                }
            }
        }
        let (cfg, ctx) = &configs[&dir];
        let mut c = crate::pipeline::check_file(path, &name, format, ctx);
        if c.summary.status == ReturnStatus::Ignored {
            // Read and found not to be a return: a file named on its own is
            // an error of the command (as a lock file is); in a folder, the
            // folder is judged as a whole below.
            unreadable |= !args.files.iter().any(|g| g.is_dir() && *g == dir);
        } else {
            c.summary.agency = cfg.canonical_agency(&c.agency);
        }
        checked.push((c, dir));
    }
    // A folder with no return in it is not a success.
    for (dir, quiet) in &folders {
        let mut found: Vec<ReturnSummary> = checked
            .iter()
            .filter(|(_, d)| d == dir)
            .map(|(c, _)| c.summary.clone())
            .collect();
        found.extend(quiet.iter().cloned());
        found.sort_by(|a, b| a.file.cmp(&b.file));
        if let Some(msg) = crate::model::no_returns(dir, &found) {
            eprintln!("chronomerge: {msg}");
            not_returns.push(
                serde_json::json!({ "folder": dir.display().to_string(), "no_returns": msg }),
            );
            unreadable = true;
        }
    }
    flag_duplicates(&mut checked, &configs);
    not_returned(&args.files, &configs, &mut checked);

    let mut errors = false;
    let mut json = Vec::new();
    for (c, _) in &checked {
        if c.summary.status == ReturnStatus::Rejected
            && c.findings.iter().any(|f| is_unreadable(f.code))
        {
            unreadable = true;
        }
        errors |= c.findings.iter().any(|f| f.is_error());
        if args.json {
            let findings: Vec<serde_json::Value> = c
                .findings
                .iter()
                .map(|f| {
                    let mut v = serde_json::to_value(f).unwrap_or_default();
                    if let Some(o) = v.as_object_mut() {
                        o.insert("what_to_do".into(), f.code.what_to_do().into());
                    }
                    v
                })
                .collect();
            json.push(serde_json::json!({
                "summary": c.summary,
                "findings": findings,
            }));
        } else {
            for f in &c.findings {
                println!("{f}");
            }
            let s = &c.summary;
            let (e, w) = count(&c.findings);
            eprintln!(
                "{}: {} ({}): {} row(s) read, {} would merge, {} rejected, {} skipped (not events); {e} error(s), {w} warning(s)",
                s.file,
                s.status.as_str(),
                s.agency,
                s.rows_read,
                s.rows_merged,
                s.rows_rejected,
                s.rows_skipped
            );
        }
    }
    if args.json {
        json.extend(not_returns);
        println!(
            "{}",
            serde_json::to_string_pretty(&json).unwrap_or_else(|_| "[]".into())
        );
    }
    if unreadable {
        EXIT_FAILED
    } else if errors {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

fn count(findings: &[Finding]) -> (usize, usize) {
    let e = findings.iter().filter(|f| f.is_error()).count();
    let w = findings.iter().filter(|f| f.is_warning()).count();
    (e, w)
}

/// The files checked together from one folder, as `merge` would read
/// them ([`crate::same_agency`]): of two returns of one agency (after the
/// aliases of that folder's review.toml are folded) the older is
/// superseded when the newer holds most of its events, else both are
/// parts; agency names so close that they may be one agency are warned
/// about. Entries of `[returns]` naming files not checked are not
/// reported: `check` sees only the files it is given.
fn flag_duplicates(
    checked: &mut [(CheckedReturn, PathBuf)],
    configs: &HashMap<PathBuf, (ReviewConfig, CheckContext)>,
) {
    let mut dirs: Vec<PathBuf> = Vec::new();
    for (_, d) in checked.iter() {
        if !dirs.contains(d) {
            dirs.push(d.clone());
        }
    }
    for dir in dirs {
        let Some((cfg, _)) = configs.get(&dir) else {
            continue;
        };
        let mut mine: Vec<&mut CheckedReturn> = checked
            .iter_mut()
            .filter(|(_, d)| *d == dir)
            .map(|(c, _)| c)
            .collect();
        crate::same_agency::settle(&mut mine, cfg);
        crate::same_agency::flag_close_names(&mut mine, cfg);
    }
}

/// For each folder checked as a whole, the expected agencies of its
/// `review.toml` with no return in it: findings added to the first return
/// of that folder, so they are printed with the others.
fn not_returned(
    given: &[PathBuf],
    configs: &HashMap<PathBuf, (ReviewConfig, CheckContext)>,
    checked: &mut [(CheckedReturn, PathBuf)],
) {
    for dir in given.iter().filter(|p| p.is_dir()) {
        let Some((cfg, _)) = configs.get(dir.as_path()) else {
            continue;
        };
        let names: Vec<String> = checked
            .iter()
            .filter(|(c, d)| {
                d == dir
                    && crate::model::is_return(&c.summary)
                    && c.summary.status != ReturnStatus::Rejected
            })
            .map(|(c, _)| c.summary.agency.clone())
            .collect();
        // Said with the folder's first return (or its first file).
        let at = checked
            .iter()
            .position(|(c, d)| d == dir && crate::model::is_return(&c.summary))
            .or_else(|| checked.iter().position(|(_, d)| d == dir));
        let Some((first, _)) = at.map(|i| &mut checked[i]) else {
            continue;
        };
        for exp in &cfg.agencies {
            if !names.contains(&exp.name) {
                first.findings.push(Finding::new(
                    Code::AgencyNotReturned,
                    crate::discover::CONFIG_FILE,
                    format!(
                        "no return from '{}' is in the folder {}: chase the agency for it",
                        exp.name,
                        dir.display()
                    ),
                ));
            }
        }
    }
}
