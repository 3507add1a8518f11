//! The review's ref store ([`REFS_FILE`]): every Ref given, with the
//! identity of its event, kept in the review folder so that Refs survive
//! the workbook being deleted.
//!
//! On disk it is compact JSON, one object per agency and one small array
//! per Ref (a 500,000-event review's store is about 55 MB):
//!
//! ```text
//! {"version":2,"agencies":[{"name":"Police","prefix":"POL","next":42,
//!   "refs":[[1,20200105,1234567890,"police attended the home"], …]}],
//!  "workbook":{"path":…,"len":…,"modified_ns":…,"notes":0}}
//! ```
//!
//! A Ref is `[number, day as YYYYMMDD, fingerprint, start of wording]`.
//! Stores of the first format (version 1, one object per Ref) are read
//! and written back in this one.
//!
//! A merge reads the store, gives the Refs ([`super::assign`]), and starts
//! writing the store as it now is into a temporary file beside it on a
//! thread of its own ([`PendingStore::start`]), so the store is neither
//! held in memory nor waited for while the chronology is analysed. The
//! file is put in the store's place when the workbook is published
//! ([`PendingStore::commit`]), with the record of the workbook written;
//! a merge that publishes nothing leaves the store as it was.

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use chrono::{Datelike, NaiveDate};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::split_ref;
use crate::output::OutputError;

pub use crate::discover::REFS_FILE;

/// The format this version writes.
const VERSION: u32 = 2;

/// The review's ref store: for each agency, its prefix, the last number
/// given and every Ref given with its event's identity.
///
/// ```
/// use chronomerge::refs::{RefStore, StoredAgency, StoredRef};
/// let dir = tempfile::tempdir().unwrap();
/// let day = chrono::NaiveDate::from_ymd_opt(2020, 1, 5).unwrap();
/// let store = RefStore {
///     agencies: vec![StoredAgency {
///         name: "Police".into(),
///         prefix: "POL".into(),
///         next: 1,
///         refs: vec![StoredRef { number: 1, date: day, fp: 7, words: "police attended".into() }],
///     }],
///     ..RefStore::default()
/// };
/// store.save(dir.path()).unwrap();
/// let back = RefStore::load(dir.path()).unwrap().unwrap();
/// assert_eq!(back.agencies, store.agencies);
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RefStore {
    /// Each agency's Refs, in the order the agencies were first seen.
    pub agencies: Vec<StoredAgency>,
    /// The workbook the last merge wrote, as it left it (see
    /// [`WrittenWorkbook`]).
    pub workbook: Option<WrittenWorkbook>,
}

/// One agency's Refs in the store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoredAgency {
    /// The agency's name, as in the returns.
    pub name: String,
    /// Its prefix, as first given (`POL`).
    pub prefix: String,
    /// The last number given: a new event gets the next.
    pub next: u32,
    /// Every Ref given to its events.
    pub refs: Vec<StoredRef>,
}

/// One Ref of the store and the identity of its event.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredRef {
    /// The Ref's number (42 in `POL-0042`).
    pub number: u32,
    /// The day the event sorts by.
    pub date: NaiveDate,
    /// A fingerprint of the event's normalised details, source and type
    /// ([`super::fingerprint`]).
    pub fp: u64,
    /// The start of its normalised details ([`super::words`]), to
    /// recognise it corrected.
    pub words: Box<str>,
}

impl Serialize for StoredRef {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let day =
            self.date.year() * 10_000 + self.date.month() as i32 * 100 + self.date.day() as i32;
        (self.number, day, self.fp, &*self.words).serialize(s)
    }
}

impl<'de> Deserialize<'de> for StoredRef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let (number, day, fp, words) = <(u32, i32, u64, Box<str>)>::deserialize(d)?;
        let date =
            NaiveDate::from_ymd_opt(day / 10_000, (day / 100 % 100) as u32, (day % 100) as u32)
                .ok_or_else(|| D::Error::custom(format!("{day} is not a day (YYYYMMDD)")))?;
        Ok(StoredRef {
            number,
            date,
            fp,
            words,
        })
    }
}

/// The workbook a merge wrote, as it left it: where, its size and its
/// modification time, and how many reviewer's notes it held. When the
/// file is still exactly so and held none, nobody has written in it since,
/// so the next merge has nothing to carry over and does not read it (on a
/// 60,000-event review that read costs about a second).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WrittenWorkbook {
    /// The workbook's absolute path.
    pub path: String,
    /// Its size in bytes.
    pub len: u64,
    /// Its modification time, in nanoseconds since 1970.
    pub modified_ns: u128,
    /// The reviewer's notes written in it (placed and not placed).
    pub notes: usize,
}

impl WrittenWorkbook {
    /// The workbook at `path` as it is now, holding `notes` notes; `None`
    /// when its size or time cannot be read.
    pub fn of(path: &Path, notes: usize) -> Option<WrittenWorkbook> {
        let meta = std::fs::metadata(path).ok()?;
        let modified_ns = meta
            .modified()
            .ok()?
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?
            .as_nanos();
        Some(WrittenWorkbook {
            path: std::path::absolute(path).ok()?.display().to_string(),
            len: meta.len(),
            modified_ns,
            notes,
        })
    }

    /// True when the workbook at `path` is still the one described and it
    /// held no reviewer's notes: there is nothing in it to carry over.
    pub fn unchanged_without_notes(&self, path: &Path) -> bool {
        self.notes == 0
            && WrittenWorkbook::of(path, 0).is_some_and(|now| {
                now.path == self.path && now.len == self.len && now.modified_ns == self.modified_ns
            })
    }
}

/// Why the ref store could not be read.
#[derive(Debug, thiserror::Error)]
#[error("{}: {why}", path.display())]
pub struct StoreError {
    /// The store's file.
    pub path: PathBuf,
    /// What is wrong with it.
    pub why: String,
}

/// The store as read: this format.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Stored {
    version: u32,
    agencies: Vec<StoredAgency>,
    #[serde(default)]
    workbook: Option<WrittenWorkbook>,
}

/// The store as the first format had it: one object per Ref.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredV1 {
    #[allow(dead_code)]
    version: u32,
    prefixes: std::collections::BTreeMap<String, String>,
    next: std::collections::BTreeMap<String, u32>,
    events: Vec<RefV1>,
    #[serde(default)]
    workbook: Option<WrittenWorkbook>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RefV1 {
    #[serde(rename = "ref")]
    reference: String,
    agency: String,
    date: NaiveDate,
    fp: u64,
    words: Box<str>,
}

impl StoredV1 {
    /// The same Refs, by agency. A Ref whose prefix is not its agency's
    /// (a store edited by hand) keeps its number under its agency's.
    fn upgrade(self) -> RefStore {
        let mut agencies: Vec<StoredAgency> = Vec::new();
        let mut at: HashMap<String, usize> = HashMap::new();
        let mut slot = |name: &str, agencies: &mut Vec<StoredAgency>| -> usize {
            *at.entry(name.to_string()).or_insert_with(|| {
                let prefix = self.prefixes.get(name).cloned().unwrap_or_default();
                let next = self.next.get(&prefix).copied().unwrap_or(0);
                agencies.push(StoredAgency {
                    name: name.to_string(),
                    prefix,
                    next,
                    refs: Vec::new(),
                });
                agencies.len() - 1
            })
        };
        for name in self.prefixes.keys() {
            slot(name, &mut agencies);
        }
        for e in self.events {
            let Some((_, number)) = split_ref(&e.reference) else {
                continue;
            };
            let k = slot(&e.agency, &mut agencies);
            agencies[k].refs.push(StoredRef {
                number,
                date: e.date,
                fp: e.fp,
                words: e.words,
            });
        }
        RefStore {
            agencies,
            workbook: self.workbook,
        }
    }
}

impl RefStore {
    /// Reads the review folder's store: `Ok(None)` when there is none yet.
    ///
    /// # Errors
    ///
    /// [`StoreError`] when the file is there but cannot be read or is not a
    /// ref store (damaged, edited by hand).
    pub fn load(dir: &Path) -> Result<Option<RefStore>, StoreError> {
        let path = dir.join(REFS_FILE);
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(StoreError {
                    path,
                    why: e.to_string(),
                })
            }
        };
        let not_a_store = |e: serde_json::Error| StoreError {
            path: path.clone(),
            why: format!("not a chronomerge ref store ({e})"),
        };
        let mut store = match serde_json::from_slice::<Stored>(&bytes) {
            Ok(s) if s.version == VERSION => RefStore {
                agencies: s.agencies,
                workbook: s.workbook,
            },
            Ok(s) => {
                return Err(StoreError {
                    path,
                    why: format!(
                        "written by another version of chronomerge (format {}, this one reads 1 and {VERSION})",
                        s.version
                    ),
                })
            }
            Err(e) => match serde_json::from_slice::<StoredV1>(&bytes) {
                Ok(v1) => v1.upgrade(),
                Err(_) => return Err(not_a_store(e)),
            },
        };
        // A number in use is never given again, whatever `next` says.
        for a in &mut store.agencies {
            a.next = a.refs.iter().map(|r| r.number).fold(a.next, u32::max);
        }
        Ok(Some(store))
    }

    /// Writes the store into the review folder, atomically.
    ///
    /// # Errors
    ///
    /// The [`OutputError`] saying why it could not be written.
    pub fn save(&self, dir: &Path) -> Result<(), OutputError> {
        let path = dir.join(REFS_FILE);
        let tmp = write_body(&self.agencies, &path)?;
        finish(tmp, &path, self.workbook.as_ref())
    }
}

/// The review's ref store being read on a thread of its own, while the
/// returns are read ([`LoadingStore::start`]); [`LoadingStore::wait`]
/// gives it.
#[derive(Debug)]
pub struct LoadingStore {
    path: PathBuf,
    reading: JoinHandle<Result<Option<RefStore>, StoreError>>,
}

impl LoadingStore {
    /// Starts reading the store of the review folder `dir`.
    pub fn start(dir: &Path) -> LoadingStore {
        let owned = dir.to_path_buf();
        LoadingStore {
            path: dir.join(REFS_FILE),
            reading: std::thread::spawn(move || RefStore::load(&owned)),
        }
    }

    /// The store, as [`RefStore::load`] gives it.
    ///
    /// # Errors
    ///
    /// As [`RefStore::load`]; also when the reading stopped unexpectedly.
    pub fn wait(self) -> Result<Option<RefStore>, StoreError> {
        self.reading.join().unwrap_or_else(|_| {
            Err(StoreError {
                path: self.path,
                why: "its reading stopped unexpectedly".into(),
            })
        })
    }
}

/// Writes the store up to its workbook record into a new temporary file
/// beside `path`: `{"version":2,"agencies":[…]`, left open.
fn write_body(
    agencies: &[StoredAgency],
    path: &Path,
) -> Result<tempfile::NamedTempFile, OutputError> {
    let tmp = crate::output::temporary_for(path)?;
    let written = (|| {
        let mut w = io::BufWriter::with_capacity(1 << 16, tmp.as_file());
        write!(w, "{{\"version\":{VERSION},\"agencies\":")?;
        serde_json::to_writer(&mut w, agencies).map_err(io::Error::other)?;
        w.flush()
    })();
    written.map_err(|e| OutputError::new(path, crate::output::Step::Write, e))?;
    Ok(tmp)
}

/// Ends the store begun by [`write_body`] with `workbook`'s record and
/// puts it in `path`'s place.
fn finish(
    tmp: tempfile::NamedTempFile,
    path: &Path,
    workbook: Option<&WrittenWorkbook>,
) -> Result<(), OutputError> {
    let written = (|| {
        let mut f = tmp.as_file();
        if let Some(w) = workbook {
            f.write_all(b",\"workbook\":")?;
            serde_json::to_writer(&mut f, w).map_err(io::Error::other)?;
        }
        f.write_all(b"}")
    })();
    written.map_err(|e| OutputError::new(path, crate::output::Step::Write, e))?;
    crate::output::put_in_place(tmp, path)
}

/// The writing of the store in progress.
type Writing = JoinHandle<Result<tempfile::NamedTempFile, OutputError>>;

/// The ref store as a merge left it, being written into a temporary file
/// beside the review's store on a thread of its own while the merge goes
/// on; it becomes the review's store when the workbook is published
/// ([`PendingStore::commit`]), and is removed if it never is. Clones share
/// the one file: the first to commit puts it in place.
#[derive(Debug, Clone)]
pub struct PendingStore {
    /// The workbook the previous merge wrote, as the store recorded it.
    pub workbook: Option<WrittenWorkbook>,
    /// The store's file.
    path: PathBuf,
    writing: Arc<Unfinished>,
}

/// The writing, until it is committed. Dropped uncommitted (the merge
/// published nothing), it waits for the writer so that its temporary file
/// is removed rather than left behind by a program about to end.
#[derive(Debug)]
struct Unfinished(Mutex<Option<Writing>>);

impl Unfinished {
    fn take(&self) -> Option<Writing> {
        match self.0.lock() {
            Ok(mut w) => w.take(),
            Err(poisoned) => poisoned.into_inner().take(),
        }
    }
}

impl Drop for Unfinished {
    fn drop(&mut self) {
        if let Some(w) = self.take() {
            let _ = w.join();
        }
    }
}

impl PendingStore {
    /// Starts writing `store` beside the store in `dir`, on a thread of
    /// its own (the store is moved there and freed once written).
    pub fn start(store: RefStore, dir: &Path) -> PendingStore {
        let RefStore { agencies, workbook } = store;
        let path = dir.join(REFS_FILE);
        let to = path.clone();
        let writing = std::thread::spawn(move || {
            let tmp = write_body(&agencies, &to)?;
            // On the disk now, while the merge goes on: the sync when the
            // store is put in place then has only its last bytes to wait
            // for.
            tmp.as_file()
                .sync_data()
                .map_err(|e| OutputError::new(&to, crate::output::Step::Write, e))?;
            Ok(tmp)
        });
        PendingStore {
            workbook,
            path,
            writing: Arc::new(Unfinished(Mutex::new(Some(writing)))),
        }
    }

    /// Puts the store in place, with `workbook` as the record of the
    /// workbook just written. Nothing to do when a clone committed it
    /// already.
    ///
    /// # Errors
    ///
    /// The [`OutputError`] saying why the store could not be written.
    pub fn commit(&self, workbook: Option<&WrittenWorkbook>) -> Result<(), OutputError> {
        let Some(writing) = self.writing.take() else {
            return Ok(());
        };
        let tmp = writing.join().map_err(|_| {
            OutputError::new(
                &self.path,
                crate::output::Step::Write,
                io::Error::other("the store's writer stopped unexpectedly"),
            )
        })??;
        finish(tmp, &self.path, workbook)
    }
}
