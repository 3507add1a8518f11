//! The one seeded random generator of the test data.

use rand::distr::uniform::SampleUniform;
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};

/// A seeded random generator: rand's [`ChaCha8Rng`], with the few draws
/// the generators make. ChaCha8 is one of rand's portable generators, so a
/// seed gives the same stream on every platform and in every rand release
/// of the same major version: the same spec, the same data.
///
/// ```
/// use chronomerge_testdata::Rng;
/// let (mut a, mut b) = (Rng::new(7), Rng::new(7));
/// assert_eq!(a.range(1, 6), b.range(1, 6));
/// assert!(a.below(10) < 10);
/// assert_eq!(a.below(0), 0);
/// assert_eq!(*a.pick(&["only"]), "only");
/// ```
#[derive(Debug)]
pub struct Rng(ChaCha8Rng);

impl Rng {
    /// A generator started from `seed`.
    pub fn new(seed: u64) -> Self {
        Rng(ChaCha8Rng::seed_from_u64(seed))
    }

    /// A number in `0..n` (`0` when `n` is `0`).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.0.random_range(0..n)
        }
    }

    /// A number in `lo..=hi` (`lo` when `hi <= lo`).
    pub fn range<T: SampleUniform + PartialOrd + Copy>(&mut self, lo: T, hi: T) -> T {
        if hi <= lo {
            lo
        } else {
            self.0.random_range(lo..=hi)
        }
    }

    /// A float in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        self.0.random::<f64>()
    }

    /// True with probability `p` (never when `p <= 0`, always when
    /// `p >= 1`).
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// One element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::Rng;

    #[test]
    fn same_seed_same_stream_and_draws_in_range() {
        let (mut a, mut b) = (Rng::new(42), Rng::new(42));
        let mut other = Rng::new(43);
        let mut differs = false;
        for _ in 0..1000 {
            let r = a.range(3usize, 7);
            assert_eq!(r, b.range(3usize, 7));
            assert!((3..=7).contains(&r));
            let x = a.unit();
            assert_eq!(x, b.unit());
            assert!((0.0..1.0).contains(&x));
            assert_eq!(a.range(5i64, 5), 5);
            differs |= a.below(1 << 40) != other.below(1 << 40);
            b.below(1 << 40);
        }
        assert!(differs);
    }
}
