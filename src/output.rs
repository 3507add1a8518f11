//! Writing an output file (the workbook, the JSON and CSV exports, the
//! batch summary, the blank template): one function, [`write_atomically`],
//! does it for all.
//!
//! - The file is written to a temporary file in the target's folder
//!   (`.chronomerge-*.tmp`), flushed to the disk, then renamed over the
//!   target: a failed write never leaves half a file, and the target is
//!   untouched.
//! - The file gets the permissions any other program's new file gets: on
//!   Unix the temporary file is created with mode `0666` less the user's
//!   umask, as `File::create` does (not the `0600` of a private temporary
//!   file); elsewhere nothing special is done.
//! - An error ([`OutputError`]) names the file that could not be written
//!   and why in plain words (the folder does not exist, is not a folder,
//!   cannot be written to, the disk is full, the file is open in another
//!   program), never the temporary file's name.

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

/// The step of [`write_atomically`] that failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// No file could be made in the target's folder (missing, not a
    /// folder, no permission, read-only disk).
    Folder,
    /// The file could not be written (the disk is full).
    Write,
    /// The finished file could not be put in the target's place (the
    /// target is open in a program that locks it, or is a folder).
    Replace,
}

/// Why an output file could not be written. Its message names the file
/// and says why, never the temporary file's name:
///
/// ```
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("missing").join("out.json");
/// let err = chronomerge::output::write_atomically(&path, |_| Ok::<_, chronomerge::output::OutputError>(()))
///     .unwrap_err();
/// let message = err.to_string();
/// assert!(message.starts_with(&format!("cannot write {}: the folder ", path.display())), "{message}");
/// assert!(message.ends_with("does not exist"), "{message}");
/// assert!(!message.contains(".chronomerge-"));
/// ```
#[derive(Debug, thiserror::Error)]
#[error("{}", self.describe())]
pub struct OutputError {
    /// The file that was to be written.
    pub path: PathBuf,
    /// What failed.
    pub step: Step,
    /// The system's error.
    #[source]
    pub source: io::Error,
}

impl OutputError {
    /// An error of `step` writing `path`.
    pub fn new(path: &Path, step: Step, source: io::Error) -> OutputError {
        OutputError {
            path: path.to_path_buf(),
            step,
            source,
        }
    }

    /// The message: what could not be written, and why.
    fn describe(&self) -> String {
        let path = self.path.display();
        let dir = output_dir(&self.path);
        let dir = dir.display();
        use io::ErrorKind as K;
        let kind = self.source.kind();
        let why = match (self.step, kind) {
            (_, K::StorageFull) => "the disk is full".to_string(),
            (_, K::QuotaExceeded) => "the disk quota is used up".to_string(),
            (_, K::ReadOnlyFilesystem) => format!("the folder {dir} is on a read-only disk"),
            (Step::Folder, K::NotFound) => format!("the folder {dir} does not exist"),
            (Step::Folder, K::NotADirectory) => format!("{dir} is not a folder"),
            (Step::Folder, K::PermissionDenied) => {
                format!("there is no permission to write in the folder {dir}")
            }
            (Step::Folder, _) => format!(
                "no file can be made in the folder {dir} ({})",
                plain(&self.source)
            ),
            (Step::Replace, K::IsADirectory) => format!("{path} is a folder"),
            (Step::Replace, K::PermissionDenied) => format!(
                "{path} is open in another program or cannot be replaced ({})",
                plain(&self.source)
            ),
            _ => plain(&self.source),
        };
        match self.step {
            Step::Replace => format!("cannot replace {path}: {why}"),
            _ => format!("cannot write {path}: {why}"),
        }
    }
}

/// The words of a system error without the temporary file's path that
/// `tempfile` adds to them (`… at path "/x/.chronomerge-1a2b.tmp"`).
fn plain(e: &io::Error) -> String {
    let s = e.to_string();
    match s.find(" at path ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// The folder a file goes in (`.` for a bare file name).
pub fn output_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Writes `path` atomically: `write` writes the content into a new
/// temporary file in `path`'s folder (it should buffer and flush its own
/// writes), the file is synced to the disk and renamed over `path`. On any
/// error the temporary file is removed and `path` is untouched.
///
/// `write`'s own errors pass through unchanged; a failure of this
/// function's steps becomes an [`OutputError`] (so `E` is usually
/// [`OutputError`] or an error that wraps one). The file gets the
/// permissions a plain `File::create` would give it (the user's umask).
///
/// ```
/// use std::io::Write;
/// use chronomerge::output::{write_atomically, OutputError, Step};
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("out.txt");
/// write_atomically(&path, |mut f| {
///     f.write_all(b"made").map_err(|e| OutputError::new(&path, Step::Write, e))
/// })
/// .unwrap();
/// assert_eq!(std::fs::read(&path).unwrap(), b"made");
/// ```
///
/// # Errors
///
/// `E` from an [`OutputError`] when the temporary file cannot be made,
/// written, flushed to disk or renamed over `path` (the target is then
/// untouched and the temporary file removed), or the error `write` returns.
pub fn write_atomically<E: From<OutputError>>(
    path: &Path,
    write: impl FnOnce(&File) -> Result<(), E>,
) -> Result<(), E> {
    let tmp = temporary_for(path)?;
    write(tmp.as_file())?;
    put_in_place(tmp, path)?;
    Ok(())
}

/// The first half of [`write_atomically`]: a new temporary file in
/// `path`'s folder, removed when it is dropped unless it is put in place
/// ([`put_in_place`]). For a file written in steps, as the ref store is
/// while the merge goes on.
///
/// # Errors
///
/// [`Step::Folder`] when no file can be made in the folder.
pub fn temporary_for(path: &Path) -> Result<tempfile::NamedTempFile, OutputError> {
    let dir = output_dir(path);
    let mut builder = tempfile::Builder::new();
    builder.prefix(".chronomerge-").suffix(".tmp");
    #[cfg(unix)]
    {
        // The mode a plain `File::create` asks for; the system takes the
        // umask off it as for any new file.
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    builder
        .tempfile_in(&dir)
        .map_err(|e| OutputError::new(path, Step::Folder, e))
}

/// The second half of [`write_atomically`]: syncs the written temporary
/// file to the disk and renames it over `path`.
///
/// # Errors
///
/// [`Step::Write`] when it cannot be synced, [`Step::Replace`] when it
/// cannot be put in `path`'s place (the temporary file is then removed).
pub fn put_in_place(tmp: tempfile::NamedTempFile, path: &Path) -> Result<(), OutputError> {
    tmp.as_file()
        .sync_all()
        .map_err(|e| OutputError::new(path, Step::Write, e))?;
    tmp.persist(path)
        .map_err(|e| OutputError::new(path, Step::Replace, e.error))?;
    Ok(())
}

/// Writes `path` atomically with what `write` writes, buffered (see
/// [`write_atomically`]); an error writing is the file's [`OutputError`].
///
/// ```
/// use std::io::Write;
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("out.txt");
/// chronomerge::output::write_buffered(&path, |w| w.write_all(b"made")).unwrap();
/// assert_eq!(std::fs::read(&path).unwrap(), b"made");
/// ```
///
/// # Errors
///
/// [`OutputError`] when the file cannot be made, written, flushed or put in
/// place, or `write` fails; the target is then untouched.
pub fn write_buffered(
    path: &Path,
    write: impl FnOnce(&mut dyn io::Write) -> io::Result<()>,
) -> Result<(), OutputError> {
    write_atomically(path, |f| {
        let mut w = io::BufWriter::with_capacity(1 << 16, f);
        write(&mut w)
            .and_then(|()| io::Write::flush(&mut w))
            .map_err(|e| OutputError::new(path, Step::Write, e))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_leaves_nothing_and_keeps_the_target() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        std::fs::write(&path, b"old").unwrap();
        let err = write_buffered(&path, |w| {
            w.write_all(b"half")?;
            Err(io::Error::new(io::ErrorKind::StorageFull, "no space"))
        })
        .unwrap_err();
        assert_eq!(err.step, Step::Write);
        assert_eq!(
            err.to_string(),
            format!("cannot write {}: the disk is full", path.display())
        );
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "the temporary file is removed");
    }

    #[test]
    fn a_parent_that_is_a_file_is_said_so() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("notes.txt");
        std::fs::write(&file, b"x").unwrap();
        let path = file.join("out.xlsx");
        let err = write_buffered(&path, |_| Ok(())).unwrap_err();
        assert_eq!(err.step, Step::Folder);
        let m = err.to_string();
        assert!(
            m.starts_with(&format!("cannot write {}: ", path.display())),
            "{m}"
        );
        assert!(!m.contains(".chronomerge-"), "{m}");
    }

    #[test]
    fn the_temporary_path_is_taken_out_of_the_system_error() {
        let e =
            io::Error::other("Permission denied (os error 13) at path \"/x/.chronomerge-ab.tmp\"");
        assert_eq!(plain(&e), "Permission denied (os error 13)");
    }
}
