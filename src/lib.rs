//! chronomerge: merge the chronology returns of a child safeguarding
//! practice review into one colour-coded multi-agency chronology.
#![warn(missing_docs)]

pub mod batch;
mod cell;
pub mod cli;
pub mod config;
pub mod dates;
pub mod discover;
pub mod episodes;
pub mod export;
pub mod findings;
pub mod glossary;
pub mod ingest;
pub mod merge;
pub mod model;
pub mod output;
pub mod palette;
pub mod pipeline;
pub mod same_agency;
pub mod template;
pub mod validate;
pub mod watch;
pub mod write;
