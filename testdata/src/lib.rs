//! Invented test data for chronomerge, for its tests, benchmarks, examples
//! and the bundled sample review (`fixtures/sample-review`); never shipped
//! with the engine.
//!
//! - [`generate`]: agency returns as files (`.xlsx`, CSV) and whole review
//!   folders, following the input contract (`docs/TEMPLATE.md`);
//! - [`synth`]: merged chronologies with planted key practice episodes and
//!   joint events, the truth the episode detector is measured against.
//!
//! Both draw from one seeded [`Rng`], so the same seed always gives the
//! same data.
#![warn(missing_docs)]

pub mod generate;
mod rng;
pub mod synth;

pub use rng::Rng;
