//! chronomerge: merge the chronology returns of a child safeguarding
//! practice review into one colour-coded multi-agency chronology.
//!
//! The stages, in order: [`discover`] lists a review folder, [`config`]
//! settles its settings once ([`config::Settings`]), [`ingest`] reads each
//! return, [`validate`] checks it, [`merge`] orders every event into one
//! chronology, [`episodes`] finds the candidate key practice episodes, and
//! [`pipeline`] runs them for a folder into a [`review::MergedReview`];
//! [`publish`] writes it (the workbook by [`write`](mod@write), the JSON and CSV by
//! [`export`]). [`watch`] keeps a folder's workbook current, and [`status`] says where
//! every agency's return stands.
//!
//! The library installs no panic hook and calls no allocator function: the
//! `chronomerge` binary does (see [`pipeline::reader_panic`]).
#![warn(missing_docs)]

pub(crate) mod batch;
mod cell;
pub mod cli;
pub mod config;
pub mod dates;
pub mod discover;
pub mod episodes;
pub mod export;
pub mod feedback;
pub mod findings;
pub mod glossary;
mod guidance;
pub mod html;
pub mod ingest;
pub(crate) mod key_lines;
pub mod merge;
pub mod model;
pub mod notes;
pub mod output;
mod package;
pub(crate) mod palette;
pub mod pipeline;
pub mod publish;
pub mod refs;
pub mod review;
pub(crate) mod same_agency;
pub mod status;
pub mod template;
pub mod validate;
pub mod watch;
pub mod write;
