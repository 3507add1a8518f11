//! Which folders of an archive are reviews, and how new a review's inputs
//! are.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::config::MergeOptions;
use crate::discover::{same_file, OwnFiles};
use crate::model::{FileKind, Format};

/// The review folders under `archive` (relative paths, sorted; empty for
/// the archive itself). Hidden folders, links to folders and `skip` (the
/// output folder, when it lies inside the archive) are not entered; the
/// engine's own files (`own`) do not make a folder a review.
pub(crate) fn find_reviews(
    archive: &Path,
    skip: Option<&Path>,
    own: &OwnFiles,
) -> std::io::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        let dir = archive.join(&rel);
        let files = crate::discover::scan(&dir)?;
        // A folder holding anything that looks like a return is a review,
        // even when none of it can be read (only PDFs, a Word document
        // with no chronology table): it is then a failed review, not
        // passed over. Text files are notes unless they hold a chronology.
        if files.iter().any(|f| match f.kind {
            FileKind::Return(Format::Text) => crate::ingest::text_file_is_chronology(&f.path),
            FileKind::Return(_) | FileKind::NotRead(_) => own.of(&f.path).is_none(),
            FileKind::Ignored(_) => false,
        }) {
            found.push(rel.clone());
        }
        for entry in std::fs::read_dir(&dir)? {
            let entry = entry?;
            let ft = entry.file_type()?;
            if !ft.is_dir() {
                continue;
            }
            let name = entry.file_name();
            if name.to_string_lossy().starts_with('.') {
                continue;
            }
            if skip.is_some_and(|s| same_file(s, &entry.path())) {
                continue;
            }
            stack.push(rel.join(name));
        }
    }
    found.sort();
    Ok(found)
}

pub(super) fn rel_string(rel: &Path) -> String {
    if rel.as_os_str().is_empty() {
        ".".into()
    } else {
        rel.components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/")
    }
}

/// The newest modification time of a review's inputs: its files, the
/// folder itself, and the configuration and glossary files given on the
/// command line.
pub(super) fn newest_input(dir: &Path, opts: &MergeOptions, own: &OwnFiles) -> Option<SystemTime> {
    let mut newest = std::fs::metadata(dir).and_then(|m| m.modified()).ok()?;
    for f in crate::discover::scan(dir).ok()? {
        if own.of(&f.path).is_some() {
            continue;
        }
        let t = std::fs::metadata(&f.path).and_then(|m| m.modified()).ok()?;
        newest = newest.max(t);
    }
    for f in opts.config_file.iter().chain(opts.glossary.iter()) {
        let t = std::fs::metadata(f).and_then(|m| m.modified()).ok()?;
        newest = newest.max(t);
    }
    Some(newest)
}

pub(super) fn modified(p: &Path) -> Option<SystemTime> {
    std::fs::metadata(p).and_then(|m| m.modified()).ok()
}
