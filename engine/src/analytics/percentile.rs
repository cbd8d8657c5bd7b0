//! Percentiles by the nearest-rank method: the p-th percentile of `n` sorted values is the value
//! at rank `ceil(p / 100 × n)` (1-based), so it is always one of the observed values; there is
//! none of an empty set.

use serde::Serialize;

/// The p50, p90 and p95 of a set of durations in milliseconds; all `None` when the set is empty.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize)]
pub struct Percentiles {
    pub p50: Option<u64>,
    pub p90: Option<u64>,
    pub p95: Option<u64>,
    /// How many durations were measured.
    pub count: usize,
}

impl Percentiles {
    /// The percentiles of `values`, in any order.
    pub fn of(mut values: Vec<u64>) -> Self {
        values.sort_unstable();
        Self {
            p50: nearest_rank(&values, 50),
            p90: nearest_rank(&values, 90),
            p95: nearest_rank(&values, 95),
            count: values.len(),
        }
    }
}

/// The `percent`-th percentile (1 to 100) of ascending `sorted` values, by nearest rank.
pub fn nearest_rank(sorted: &[u64], percent: usize) -> Option<u64> {
    let rank = (percent * sorted.len()).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}
