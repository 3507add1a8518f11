//! Builders of small agency returns for tests: real xlsx workbooks made
//! with rust_xlsxwriter and CSV files, in the shapes agencies send.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use calamine::{Data, Reader};
use rust_xlsxwriter::{Format, Workbook};

/// A cell of a test return.
#[derive(Debug, Clone)]
pub enum V {
    /// Text.
    T(&'static str),
    /// Owned text.
    S(String),
    /// A real date cell (y, m, d).
    D(i32, u32, u32),
    /// A real time cell (h, m).
    Tm(u32, u32),
    /// A plain number.
    N(f64),
    /// Nothing.
    E,
}

/// The template's headings.
pub const HEADINGS: [&str; 10] = [
    "Date",
    "Time",
    "Sequence",
    "Source of information",
    "Practitioner role",
    "Child or family member",
    "Event type",
    "Details of event",
    "Action / outcome",
    "Analysis / comment",
];

fn serial(y: i32, m: u32, d: u32) -> f64 {
    let base = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap();
    let date = chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
    (date - base).num_days() as f64
}

/// A return: agency details, headings and rows.
pub struct ReturnBuilder {
    pub agency: Option<String>,
    pub review: String,
    pub headings: Vec<String>,
    pub rows: Vec<Vec<V>>,
    pub banner: bool,
    pub chronology_name: String,
}

impl ReturnBuilder {
    pub fn new(agency: &str) -> Self {
        ReturnBuilder {
            agency: Some(agency.to_string()),
            review: "LCSPR-2024-03".into(),
            headings: HEADINGS.iter().map(|s| s.to_string()).collect(),
            rows: vec![],
            banner: false,
            chronology_name: "Chronology".into(),
        }
    }

    /// Adds an ordinary event row: date cell, source, type, details.
    pub fn event(mut self, date: V, source: &str, etype: &str, details: &str) -> Self {
        self.rows.push(vec![
            date,
            V::E,
            V::E,
            V::S(source.into()),
            V::T("Health visitor"),
            V::T("Child A"),
            V::S(etype.into()),
            V::S(details.into()),
            V::T("Recorded"),
            V::E,
        ]);
        self
    }

    pub fn row(mut self, cells: Vec<V>) -> Self {
        self.rows.push(cells);
        self
    }

    pub fn write_xlsx(&self, path: &Path) -> PathBuf {
        let mut wb = Workbook::new();
        let date = Format::new().set_num_format("dd/mm/yyyy");
        let time = Format::new().set_num_format("hh:mm");
        {
            let g = wb.add_worksheet();
            g.set_name("Guidance").unwrap();
            g.write_string(0, 0, "Use roles, not names.").unwrap();
        }
        {
            let d = wb.add_worksheet();
            d.set_name("Agency details").unwrap();
            let mut r = 0;
            if let Some(a) = &self.agency {
                d.write_string(r, 0, "Agency").unwrap();
                d.write_string(r, 1, a).unwrap();
                r += 1;
            }
            d.write_string(r, 0, "Review reference").unwrap();
            d.write_string(r, 1, &self.review).unwrap();
            d.write_string(r + 1, 0, "Completed by (role)").unwrap();
            d.write_string(r + 1, 1, "Safeguarding lead").unwrap();
        }
        let ws = wb.add_worksheet();
        ws.set_name(&self.chronology_name).unwrap();
        let mut r0 = 0;
        if self.banner {
            ws.write_string(0, 0, "CONFIDENTIAL CHRONOLOGY").unwrap();
            r0 = 2;
        }
        for (c, h) in self.headings.iter().enumerate() {
            ws.write_string(r0, c as u16, h).unwrap();
        }
        for (i, row) in self.rows.iter().enumerate() {
            let r = r0 + 1 + i as u32;
            for (c, v) in row.iter().enumerate() {
                let c = c as u16;
                match v {
                    V::T(s) => {
                        ws.write_string(r, c, *s).unwrap();
                    }
                    V::S(s) => {
                        ws.write_string(r, c, s).unwrap();
                    }
                    V::D(y, m, d) => {
                        ws.write_number_with_format(r, c, serial(*y, *m, *d), &date)
                            .unwrap();
                    }
                    V::Tm(h, m) => {
                        ws.write_number_with_format(
                            r,
                            c,
                            (*h as f64 * 60.0 + *m as f64) / 1440.0,
                            &time,
                        )
                        .unwrap();
                    }
                    V::N(n) => {
                        ws.write_number(r, c, *n).unwrap();
                    }
                    V::E => {}
                }
            }
        }
        wb.save(path).unwrap();
        path.to_path_buf()
    }
}

/// Writes a CSV with the given header and rows; `cp1252` encodes it as
/// Windows-1252.
pub fn write_csv(path: &Path, header: &[&str], rows: &[Vec<&str>], cp1252: bool, bom: bool) {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(vec![]);
    w.write_record(header).unwrap();
    for r in rows {
        w.write_record(r).unwrap();
    }
    let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
    let mut bytes = if cp1252 {
        encoding_rs::WINDOWS_1252.encode(&text).0.into_owned()
    } else {
        text.into_bytes()
    };
    if bom {
        bytes.splice(0..0, [0xEF, 0xBB, 0xBF]);
    }
    std::fs::write(path, bytes).unwrap();
}

/// Reads a sheet of a workbook as rows of calamine data.
pub fn sheet(path: &Path, name: &str) -> Vec<Vec<Data>> {
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(path).unwrap();
    let range = wb.worksheet_range(name).unwrap();
    range.rows().map(|r| r.to_vec()).collect()
}

/// The parts of a saved workbook whose names start with `prefix`
/// (`xl/worksheets/sheet` for the sheets' XML), with their text, in the
/// zip's order.
pub fn zip_parts(path: &Path, prefix: &str) -> Vec<(String, String)> {
    use std::io::Read;
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut v = Vec::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let name = f.name().unwrap().into_owned();
        if name.starts_with(prefix) {
            let mut s = String::new();
            f.read_to_string(&mut s).unwrap();
            v.push((name, s));
        }
    }
    v
}

/// The names of a workbook's sheets, in order.
pub fn sheet_names(path: &Path) -> Vec<String> {
    let wb: calamine::Xlsx<_> = calamine::open_workbook(path).unwrap();
    wb.sheet_names().to_vec()
}

/// The fill colour (0xRRGGBB) of a cell.
pub fn fill(path: &Path, name: &str, row: u32, col: u32) -> Option<u32> {
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(path).unwrap();
    let styles = wb.worksheet_style(name).unwrap();
    let st = styles.get((row, col))?;
    let c = st.fill.as_ref()?.get_color()?;
    Some(((c.red as u32) << 16) | ((c.green as u32) << 8) | c.blue as u32)
}

/// The style of every styled cell of a sheet, row by row: (row, column,
/// style), 0-based. A custom number format is known by its code, not by
/// the number the workbook gives it (which depends on the order formats
/// were first used).
pub fn styles(path: &Path, name: &str) -> Vec<(u32, u32, calamine::Style)> {
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(path).unwrap();
    let styles = wb.worksheet_style(name).unwrap();
    styles
        .cells()
        .filter(|(_, _, s)| **s != calamine::Style::default())
        .map(|(r, c, s)| {
            let mut s = s.clone();
            if let Some(nf) = s.number_format.as_mut() {
                if nf.format_id.is_some_and(|id| id >= 164) {
                    nf.format_id = None;
                }
            }
            (r, c, s)
        })
        .collect()
}

/// A cell as text (dates rendered as the serial).
pub fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

/// The index of a heading in row 0.
pub fn col(rows: &[Vec<Data>], heading: &str) -> usize {
    rows[0]
        .iter()
        .position(|d| text(d) == heading)
        .unwrap_or_else(|| panic!("no heading {heading}"))
}

/// Converts files with LibreOffice (headless) to `to` (a filter such as
/// `ods`, `xlsx`, `docx`, `pdf`, `xls`, or `txt:Text (encoded):UTF8`) into
/// `out_dir`, and returns the converted paths in the order given.
///
/// LibreOffice is required: `./scripts/test` installs it when missing, and
/// this panics (the test fails, never skips) when it is not there. Each call
/// uses a private profile so that tests running side by side do not share
/// one.
pub fn soffice_convert(files: &[PathBuf], to: &str, out_dir: &Path) -> Vec<PathBuf> {
    let soffice = ["soffice", "libreoffice"]
        .into_iter()
        .find(|b| {
            std::process::Command::new(b)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .expect(
            "LibreOffice (soffice) is not installed: run ./scripts/test, which installs \
             libreoffice-calc and libreoffice-writer, or install them by hand",
        );
    std::fs::create_dir_all(out_dir).unwrap();
    let profile = tempfile::tempdir().unwrap();
    let o = std::process::Command::new(soffice)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.path().display()
        ))
        .args(["--headless", "--convert-to", to, "--outdir"])
        .arg(out_dir)
        .args(files)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "soffice failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let ext = to.split(':').next().unwrap();
    files
        .iter()
        .map(|f| out_dir.join(f.with_extension(ext).file_name().unwrap()))
        .inspect(|p| assert!(p.exists(), "LibreOffice did not write {}", p.display()))
        .collect()
}

/// The review.toml of [`small_review`]: a reference and two expected agencies.
pub const SMALL_REVIEW_TOML: &str = "review = \"LCSPR-2024-03\"\n\n[[agencies]]\nname = \"West Yorkshire Police\"\n\n[[agencies]]\nname = \"GP practice\"\n";

/// A review folder `root/review` with two clean returns (4 events, police
/// and GP); `police_second` is the Details of the police's second event.
pub fn small_review(root: &Path, police_second: &str) -> PathBuf {
    let dir = root.join("review");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("review.toml"), SMALL_REVIEW_TOML).unwrap();
    ReturnBuilder::new("West Yorkshire Police")
        .event(
            V::D(2023, 5, 3),
            "Police incident log",
            "Incident or call-out",
            "Call-out to the family home.",
        )
        .event(
            V::D(2023, 5, 4),
            "Police incident log",
            "Incident or call-out",
            police_second,
        )
        .write_xlsx(&dir.join("police.xlsx"));
    ReturnBuilder::new("GP practice")
        .event(
            V::D(2023, 5, 4),
            "GP record",
            "Appointment attended",
            "Child A seen.",
        )
        .event(
            V::D(2023, 6, 1),
            "GP record",
            "Appointment attended",
            "Child A seen again.",
        )
        .write_xlsx(&dir.join("gp.xlsx"));
    dir
}

/// A copy of the bundled sample review (`fixtures/sample-review`) in a
/// folder under `root`, without the ref store and kept workbooks that
/// merging it writes: a merge writes its Refs into the review folder, and a
/// test must never write into `fixtures/` (nor read Refs a earlier run left
/// there).
pub fn sample_review_copy(root: &Path) -> PathBuf {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sample-review");
    let to = root.join("sample-review");
    std::fs::create_dir_all(&to).unwrap();
    for entry in std::fs::read_dir(&from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if entry.path().is_file() && name != "chronomerge-refs.json" {
            std::fs::copy(entry.path(), to.join(&name)).unwrap();
        }
    }
    to
}
