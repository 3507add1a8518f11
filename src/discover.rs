//! Discover: list the files of a review folder and decide which are returns.
//!
//! Every file is listed, so that the `Returns` sheet accounts for all of
//! them: returns are read, anything else (Excel lock files `~$…`, hidden
//! files, `.txt`, `.docx`, the review configuration) is listed as ignored
//! with the reason.

use std::io;
use std::path::Path;

use crate::model::{FileKind, Format, FoundFile};

/// The name of the review configuration file looked for in a review folder.
pub const CONFIG_FILE: &str = "review.toml";

/// Lists the files directly in `dir`, sorted by name (byte order of the
/// UTF-8 name, so the same folder always lists the same way on every
/// platform). Folders are skipped.
///
/// ```no_run
/// let files = chronomerge::discover::scan(std::path::Path::new("fixtures/sample-review")).unwrap();
/// for f in files { println!("{} {:?}", f.name, f.kind); }
/// ```
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
/// assert!(matches!(classify("~$Police return.xlsx"), FileKind::Ignored(_)));
/// assert!(matches!(classify("notes.txt"), FileKind::Ignored(_)));
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
    let ext = Path::new(name)
        .extension()
        .map(|e| e.to_string_lossy().into_owned())
        .unwrap_or_default();
    match Format::from_extension(&ext) {
        Some(f) => FileKind::Return(f),
        None if ext.is_empty() => FileKind::Ignored("no file extension: not a return".into()),
        None => FileKind::Ignored(format!(
            "'.{ext}' is not a return format (xlsx, xlsm, xls, xlsb, ods, csv)"
        )),
    }
}
