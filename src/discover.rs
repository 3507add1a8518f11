//! Discover: list the files of a review folder and decide which are returns.
//!
//! Every file is listed, so that the `Returns` sheet accounts for all of
//! them. Spreadsheets, CSV exports, Word documents and text files are read
//! as returns (a Word document or text file that holds no chronology is
//! then listed as ignored, with a finding); a file in a format the engine
//! does not read (a PDF, an old Word `.doc` …) is listed as rejected, with a
//! finding; only Excel and LibreOffice lock files, hidden files, system
//! files, JSON data and the review configuration are ignored quietly.

use std::io;
use std::path::Path;

use crate::findings::{Code, Finding};
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
