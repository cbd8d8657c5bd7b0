//! Conversations over time: how many were created in each hour (ranges of two days or less) or
//! each UTC day (longer ranges). Buckets start on whole hours or days at or before `from`, every
//! bucket of the range is listed (zeros included), so a chart needs no gap filling.

use super::range::{DAY_MS, HOUR_MS, ReportRange};
use crate::time::Timestamp;
use serde::Serialize;

/// Ranges up to this long are counted per hour.
const HOURLY_UP_TO_MS: i64 = 2 * DAY_MS;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Bucket {
    Hour,
    Day,
}

impl Bucket {
    fn for_range(range: ReportRange) -> Self {
        if range.length_ms() <= HOURLY_UP_TO_MS {
            Bucket::Hour
        } else {
            Bucket::Day
        }
    }

    fn width_ms(self) -> i64 {
        match self {
            Bucket::Hour => HOUR_MS,
            Bucket::Day => DAY_MS,
        }
    }
}

/// Conversations created in `[start, start + bucket)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct SeriesPoint {
    pub start: Timestamp,
    pub conversations: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TimeSeries {
    pub bucket: Bucket,
    pub points: Vec<SeriesPoint>,
}

impl TimeSeries {
    /// The series of `range`, counting each creation time in `created` that falls in it.
    pub fn count(range: ReportRange, created: impl IntoIterator<Item = Timestamp>) -> Self {
        let bucket = Bucket::for_range(range);
        let width = bucket.width_ms();
        let first = range.from.millis().div_euclid(width) * width;
        let buckets = usize::try_from((range.to.millis() - first + width - 1) / width).unwrap_or(0);
        let mut points: Vec<SeriesPoint> = (0..buckets)
            .map(|n| SeriesPoint {
                start: Timestamp::from_millis(first + width * n as i64),
                conversations: 0,
            })
            .collect();
        for at in created.into_iter().filter(|at| range.contains(*at)) {
            let index = usize::try_from((at.millis() - first) / width).unwrap_or(0);
            if let Some(point) = points.get_mut(index) {
                point.conversations += 1;
            }
        }
        Self { bucket, points }
    }
}
