//! chronomerge: merge the chronology returns of a child safeguarding
//! practice review into one colour-coded multi-agency chronology.
#![warn(missing_docs)]

pub mod dates;
pub mod findings;
pub mod model;
