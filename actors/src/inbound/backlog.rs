//! Events appended to the inbound log and not yet applied: counted so a node past its
//! configured backlog refuses new webhooks (503) instead of promising more than it can apply.

use std::sync::atomic::{AtomicUsize, Ordering};

pub(super) struct Backlog {
    count: AtomicUsize,
    limit: usize,
}

impl Backlog {
    /// Starts at `replayed`: events logged before a restart and not applied yet.
    pub fn new(limit: usize, replayed: usize) -> Self {
        let backlog = Self {
            count: AtomicUsize::new(replayed),
            limit,
        };
        backlog.report(replayed);
        backlog
    }

    /// Takes a place for one more event; `false` when the backlog is full.
    pub fn reserve(&self) -> bool {
        let now = self.count.fetch_add(1, Ordering::AcqRel) + 1;
        if now > self.limit {
            self.count.fetch_sub(1, Ordering::AcqRel);
            return false;
        }
        self.report(now);
        true
    }

    /// One event applied, set aside, or never appended.
    pub fn release(&self) {
        let before = self
            .count
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |count| {
                Some(count.saturating_sub(1))
            })
            .unwrap_or(0);
        self.report(before.saturating_sub(1));
    }

    pub fn len(&self) -> usize {
        self.count.load(Ordering::Acquire)
    }

    fn report(&self, count: usize) {
        ::metrics::gauge!("botwot_inbound_log_backlog").set(count as f64);
    }
}

#[cfg(test)]
mod tests {
    use super::Backlog;

    #[test]
    fn a_full_backlog_refuses_until_an_event_is_released() {
        let backlog = Backlog::new(2, 1);
        assert!(backlog.reserve());
        assert!(!backlog.reserve(), "replayed + one = the limit");
        backlog.release();
        assert!(backlog.reserve());
        assert_eq!(backlog.len(), 2);
    }
}
