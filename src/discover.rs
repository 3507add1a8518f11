//! Discover: list the files of a review folder and decide which are returns.
//!
//! Every file is listed, so that the `Returns` sheet accounts for all of
//! them. Spreadsheets, CSV exports, Word documents and text files are read
//! as returns (a Word document or text file that holds no chronology is
//! then listed as ignored, with a finding); a file in a format the engine
//! does not read (a PDF, an old Word `.doc` …) is listed as rejected, with a
//! finding; only Excel and LibreOffice lock files, hidden files, system
//! files, JSON data and the review configuration are ignored quietly.
//!
//! The engine's own files (what it writes, and the settings files it is
//! given) are never read as returns: [`OwnFiles`] is the one rule that
//! says which they are, for `merge`, `watch`, `batch` and `check`.

use std::io;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Local};

use crate::findings::{Code, Finding};
use crate::model::{FileKind, Format, FoundFile};

/// The name of the review configuration file looked for in a review folder.
pub const CONFIG_FILE: &str = "review.toml";

/// The name of the review's ref store: a small JSON file in the review
/// folder that the engine owns ([`crate::refs`]) (it is never read as a return) and writes
/// each time a merge publishes its workbook. It keeps every Ref ever given
/// with the identity of its event, so that an event keeps its Ref across
/// re-merges and a number is never given twice, even when the workbook is
/// deleted.
pub const REFS_FILE: &str = "chronomerge-refs.json";
/// The merged workbook's name when none is given: in the review folder for
/// `merge` and `watch`, in each review's output folder for `batch`.
pub const DEFAULT_OUTPUT: &str = "merged-chronology.xlsx";
/// The JSON `batch --json` writes beside each workbook.
pub const DEFAULT_JSON: &str = "merged-chronology.json";
/// The CSV `batch --csv` writes beside each workbook.
pub const DEFAULT_CSV: &str = "merged-chronology.csv";
/// The timeline page `batch --html` writes beside each workbook.
pub const DEFAULT_HTML: &str = "merged-chronology.html";
/// The summary workbook of a batch, in its output folder.
pub const SUMMARY_XLSX: &str = "batch-summary.xlsx";
/// The summary CSV of a batch, in its output folder.
pub const SUMMARY_CSV: &str = "batch-summary.csv";
/// What an incremental batch remembers, in its output folder.
pub const STATE_FILE: &str = ".chronomerge-batch.json";

/// The files the engine writes under these names wherever it writes them
/// (a batch written into its own archive leaves them in review folders).
const OWN_NAMES: [&str; 7] = [
    DEFAULT_OUTPUT,
    DEFAULT_JSON,
    DEFAULT_CSV,
    DEFAULT_HTML,
    SUMMARY_XLSX,
    SUMMARY_CSV,
    STATE_FILE,
];

/// Why a file in a review folder is the engine's own, not a return.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Own {
    /// Something the engine writes: the workbook, JSON or CSV (given, or
    /// under their default names), a batch's summary or state, a workbook
    /// kept beside a locked one.
    Output,
    /// A settings file given on the command line (`--glossary`,
    /// `--config`).
    Setting,
    /// A temporary file of a write in progress (`.chronomerge-*.tmp`).
    Temporary,
    /// The review's ref store ([`REFS_FILE`]), or a workbook
    /// kept in the `previous` folder before a re-merge replaced it.
    Kept,
}

impl Own {
    /// The note on the `Returns` sheet for such a file.
    pub fn note(self) -> &'static str {
        match self {
            Own::Output | Own::Temporary => "the merged chronology written by chronomerge",
            Own::Setting => {
                "a settings file given on the command line (glossary or review configuration)"
            }
            Own::Kept => "kept by chronomerge: the review's event references, or a previous merged chronology",
        }
    }
}

/// The one rule "is this file the engine's own?" for a review folder: the
/// outputs being written and the settings files given, compared as files
/// (`./out.xlsx` is `out.xlsx`), and the names the engine always writes
/// under ([`DEFAULT_OUTPUT`], [`DEFAULT_JSON`], [`DEFAULT_CSV`],
/// [`SUMMARY_XLSX`], [`SUMMARY_CSV`], [`STATE_FILE`]), the workbooks kept
/// beside a locked one ([`beside_path`]) and the temporary files of a
/// write.
///
/// ```
/// use chronomerge::discover::{Own, OwnFiles};
/// use std::path::Path;
/// let own = OwnFiles::new()
///     .output(Path::new("review/out.xlsx"))
///     .setting(Path::new("review/glossary.csv"));
/// assert_eq!(own.of(Path::new("review/out.xlsx")), Some(Own::Output));
/// assert_eq!(own.of(Path::new("review/out (updated 2026-11-26 1530).xlsx")), Some(Own::Output));
/// assert_eq!(own.of(Path::new("review/merged-chronology.csv")), Some(Own::Output));
/// assert_eq!(own.of(Path::new("review/glossary.csv")), Some(Own::Setting));
/// assert_eq!(own.of(Path::new("review/.chronomerge-x1.tmp")), Some(Own::Temporary));
/// assert_eq!(own.of(Path::new("review/chronomerge-refs.json")), Some(Own::Kept));
/// assert_eq!(own.of(Path::new("review/previous/out 2026-11-26 153005.xlsx")), Some(Own::Kept));
/// assert_eq!(own.of(Path::new("review/previous/police.xlsx")), None);
/// assert_eq!(own.of(Path::new("review/police.xlsx")), None);
/// ```
#[derive(Debug, Clone, Default)]
pub struct OwnFiles {
    outputs: Vec<PathBuf>,
    settings: Vec<PathBuf>,
}

impl OwnFiles {
    /// No file given: only the names the engine always writes under.
    pub fn new() -> OwnFiles {
        OwnFiles::default()
    }

    /// Adds a file the engine writes (the workbook, its JSON or CSV).
    pub fn output(mut self, path: &Path) -> OwnFiles {
        self.outputs.push(path.to_path_buf());
        self
    }

    /// Adds a settings file given on the command line.
    pub fn setting(mut self, path: &Path) -> OwnFiles {
        self.settings.push(path.to_path_buf());
        self
    }

    /// Whether `path` (a file in a review folder) is the engine's own, and
    /// why; `None` for any other file.
    pub fn of(&self, path: &Path) -> Option<Own> {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.starts_with(".chronomerge-") && name.ends_with(".tmp") {
            return Some(Own::Temporary);
        }
        if name.eq_ignore_ascii_case(REFS_FILE) || is_previous(path) {
            return Some(Own::Kept);
        }
        if self.outputs.iter().any(|o| same_file(o, path))
            || OWN_NAMES.iter().any(|n| name.eq_ignore_ascii_case(n))
            || is_kept_beside(Path::new(DEFAULT_OUTPUT), &name)
            || self.outputs.iter().any(|o| {
                is_kept_beside(o, &name)
                    && same_file(
                        &crate::output::output_dir(o),
                        &crate::output::output_dir(path),
                    )
            })
        {
            return Some(Own::Output);
        }
        if self.settings.iter().any(|s| same_file(s, path)) {
            return Some(Own::Setting);
        }
        None
    }
}

/// The folder, beside the workbook, where a re-merge keeps the workbook it
/// replaces.
pub const PREVIOUS_DIR: &str = "previous";

/// Where the workbook `target` is kept before a merge replaces it
/// (`previous/merged-chronology 2026-11-26 153005.xlsx`).
///
/// ```
/// use chrono::TimeZone;
/// let t = chrono::Local.with_ymd_and_hms(2026, 11, 26, 15, 30, 5).unwrap();
/// let p = chronomerge::discover::previous_path(std::path::Path::new("out/merged-chronology.xlsx"), t);
/// assert_eq!(p, std::path::Path::new("out/previous/merged-chronology 2026-11-26 153005.xlsx"));
/// ```
pub fn previous_path(target: &Path, at: DateTime<Local>) -> PathBuf {
    let stem = target
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "merged-chronology".into());
    crate::output::output_dir(target)
        .join(PREVIOUS_DIR)
        .join(format!("{stem} {}.xlsx", at.format("%Y-%m-%d %H%M%S")))
}

/// True for a workbook kept by a re-merge ([`previous_path`]): an `.xlsx`
/// in a `previous` folder whose name ends in the date and time it was kept.
fn is_previous(path: &Path) -> bool {
    let in_previous = path
        .parent()
        .and_then(|d| d.file_name())
        .is_some_and(|d| d == PREVIOUS_DIR);
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ext_ok = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    let b = stem.as_bytes();
    // `… yyyy-mm-dd HHMMSS` (possibly with `-2` after it).
    let dated = b.len() >= 18 && {
        let core = match stem.rfind(' ') {
            Some(i) => &stem[..i],
            None => "",
        };
        let time = &stem[stem.rfind(' ').map_or(0, |i| i + 1)..];
        let time = time.split('-').next().unwrap_or("");
        let day = core.rsplit(' ').next().unwrap_or("");
        time.len() == 6
            && time.bytes().all(|c| c.is_ascii_digit())
            && chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").is_ok()
    };
    in_previous && ext_ok && dated
}

/// True when `name` is that of a workbook kept beside a locked `workbook`
/// ([`beside_path`]).
fn is_kept_beside(workbook: &Path, name: &str) -> bool {
    let stem = workbook
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    name.starts_with(&format!("{stem} (updated ")) && name.ends_with(".xlsx")
}

/// The file name of the workbook written beside a locked target, for the
/// given minute (`merged-chronology (updated 2026-11-26 1530).xlsx`), or
/// second when a workbook of that minute is locked too.
///
/// ```
/// use chrono::TimeZone;
/// let t = chrono::Local.with_ymd_and_hms(2026, 11, 26, 15, 30, 5).unwrap();
/// let p = chronomerge::discover::beside_path(std::path::Path::new("out/merged-chronology.xlsx"), t, false);
/// assert_eq!(p, std::path::Path::new("out/merged-chronology (updated 2026-11-26 1530).xlsx"));
/// ```
pub fn beside_path(target: &Path, at: DateTime<Local>, seconds: bool) -> PathBuf {
    let stem = target
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "merged-chronology".into());
    let ext = target
        .extension()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "xlsx".into());
    let when = if seconds {
        at.format("%Y-%m-%d %H%M%S")
    } else {
        at.format("%Y-%m-%d %H%M")
    };
    target.with_file_name(format!("{stem} (updated {when}).{ext}"))
}

/// True when two paths name the same file (compared after resolving, so
/// `./out.xlsx` and `out.xlsx` match; a file that does not exist yet is
/// compared by its absolute path).
pub fn same_file(a: &Path, b: &Path) -> bool {
    let abs = |p: &Path| {
        std::fs::canonicalize(p).unwrap_or_else(|_| {
            let p = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
            match (p.parent(), p.file_name()) {
                (Some(dir), Some(name)) => std::fs::canonicalize(dir)
                    .map(|d| d.join(name))
                    .unwrap_or(p.clone()),
                _ => p,
            }
        })
    };
    abs(a) == abs(b)
}

/// Lists the files directly in `dir`, sorted by name (byte order of the
/// UTF-8 name, so the same folder always lists the same way on every
/// platform). Folders are skipped.
///
/// ```no_run
/// let files = chronomerge::discover::scan(std::path::Path::new("fixtures/sample-review")).unwrap();
/// for f in files { println!("{} {:?}", f.name, f.kind); }
/// ```
///
/// # Errors
///
/// The [`io::Error`] of listing `dir` (it is missing, not a folder, or
/// cannot be read) or of reading one of its entries. An entry whose
/// details cannot be read (a link to nothing) is passed over.
pub fn scan(dir: &Path) -> io::Result<Vec<FoundFile>> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        // Follow links to files, but never into folders.
        let meta = match std::fs::metadata(&path) {
            Ok(m) => m,
            Err(_) => continue,
        };
        if !meta.is_file() {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        let kind = classify(&name);
        found.push(FoundFile { path, name, kind });
    }
    found.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(found)
}

/// Decides from its name whether a file is a return.
///
/// ```
/// use chronomerge::discover::classify;
/// use chronomerge::model::{FileKind, Format};
/// assert_eq!(classify("Police return.XLSX"), FileKind::Return(Format::Xlsx));
/// assert_eq!(classify("GP chronology.docx"), FileKind::Return(Format::Docx));
/// assert_eq!(classify("notes.txt"), FileKind::Return(Format::Text));
/// assert!(matches!(classify("~$Police return.xlsx"), FileKind::Ignored(_)));
/// assert!(matches!(classify("Police return.pdf"), FileKind::NotRead(_)));
/// ```
pub fn classify(name: &str) -> FileKind {
    if name.starts_with("~$") {
        return FileKind::Ignored("Excel lock file (the return is open somewhere)".into());
    }
    if name.starts_with('.') {
        return FileKind::Ignored("hidden file".into());
    }
    if name.eq_ignore_ascii_case(CONFIG_FILE) {
        return FileKind::Ignored("review configuration".into());
    }
    if name.starts_with(".~lock.") || name.ends_with('#') || name.ends_with(".tmp") {
        return FileKind::Ignored("temporary file".into());
    }
    if ["thumbs.db", "ehthumbs.db", "desktop.ini", "icon\r"]
        .iter()
        .any(|n| name.eq_ignore_ascii_case(n))
    {
        return FileKind::Ignored("system file".into());
    }
    let ext = Path::new(name)
        .extension()
        .map(|e| e.to_string_lossy().into_owned())
        .unwrap_or_default();
    match Format::from_extension(&ext) {
        Some(f) => FileKind::Return(f),
        None if ext.eq_ignore_ascii_case("json") => FileKind::Ignored(
            "JSON data (chronomerge's own export, or a settings file): not a return".into(),
        ),
        None => FileKind::NotRead(not_read(name, &ext)),
    }
}

/// The finding for a file whose format is not read: what it is, and what
/// to ask the agency for.
fn not_read(name: &str, ext: &str) -> Finding {
    let lower = ext.to_ascii_lowercase();
    if lower == "doc" || lower == "dot" {
        return Finding::new(
            Code::FileWord97,
            name,
            "the file is an old Word 97–2003 document (.doc), whose tables the engine does not read, so nothing in it is merged: ask the agency to put the chronology in the template (.xlsx), or to save this document as .docx (Word: File › Save As › Word Document) and send it again",
        );
    }
    let what = match lower.as_str() {
        "" => "the file has no extension, so its format is not known".to_string(),
        "pdf" => "the file is a PDF, which the engine does not read".into(),
        "rtf" => "the file is a Rich Text document (.rtf), which the engine does not read".into(),
        "odt" | "fodt" => {
            "the file is an OpenDocument text (.odt), which the engine does not read".into()
        }
        "pages" => "the file is an Apple Pages document, which the engine does not read".into(),
        "numbers" => {
            "the file is an Apple Numbers spreadsheet, which the engine does not read (Numbers can export it to Excel: File › Export To › Excel)".into()
        }
        "msg" | "eml" => {
            "the file is an e-mail: the engine does not read e-mails (save the return attached to it into the review folder)".into()
        }
        "zip" | "7z" | "rar" => {
            "the file is a compressed archive: the engine does not open archives (extract the return into the review folder)".into()
        }
        "png" | "jpg" | "jpeg" | "gif" | "bmp" | "tif" | "tiff" | "heic" => {
            "the file is a picture, which the engine cannot read".into()
        }
        other => format!("the engine does not read '.{other}' files"),
    };
    Finding::new(
        Code::FileFormatNotRead,
        name,
        format!(
            "{what}, so nothing in it is merged: if it is the agency's chronology, ask the agency to send it as .xlsx made from the template (returns are read as xlsx, xlsm, xls, xlsb, ods, csv, docx and tab-separated txt); if it is not a return, move it out of the review folder"
        ),
    )
}
