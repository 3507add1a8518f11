//! The text pool: one copy of each short text that repeats down a return.

use std::collections::HashSet;
use std::sync::Arc;

/// One copy of each short text that repeats down a return (sources,
/// roles, subjects, event types, dates as written), shared by the events
/// that give it: a return of 25,000 rows names a few dozen roles, and a
/// copy per row would cost an allocation each.
#[derive(Default)]
pub(super) struct TextPool(HashSet<Arc<str>>);

impl TextPool {
    /// The pool stops growing here; later new texts are simply not shared
    /// (a column of free text costs the same as before).
    const MAX: usize = 16_384;

    /// A shared copy of `text`: the pool's own, or a new one (kept for
    /// the next time unless the pool is full).
    pub(super) fn share(&mut self, text: &str) -> Arc<str> {
        if let Some(t) = self.0.get(text) {
            return Arc::clone(t);
        }
        let t: Arc<str> = Arc::from(text);
        if self.0.len() < Self::MAX {
            self.0.insert(Arc::clone(&t));
        }
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The pool hands out one copy of a text however often it comes, and
    /// past its cap still gives every text back, unshared.
    #[test]
    fn text_pool_shares_and_stops_growing() {
        let mut pool = TextPool::default();
        let a = pool.share("Health visitor");
        let b = pool.share("Health visitor");
        assert!(Arc::ptr_eq(&a, &b));
        for n in 0..TextPool::MAX + 10 {
            assert_eq!(&*pool.share(&n.to_string()), n.to_string());
        }
        assert_eq!(pool.0.len(), TextPool::MAX);
        let late = pool.share("late");
        assert_eq!(&*late, "late");
        assert!(!Arc::ptr_eq(&late, &pool.share("late")));
        assert!(Arc::ptr_eq(&a, &pool.share("Health visitor")));
    }
}
