//! The time range a report covers: `[from, to)` in milliseconds, `from` before `to`, at most
//! [`MAX_RANGE_DAYS`] long.

use crate::time::Timestamp;
use serde::Serialize;
use thiserror::Error;

/// The longest range a report may cover.
pub const MAX_RANGE_DAYS: i64 = 366;

pub(crate) const HOUR_MS: i64 = 3_600_000;
pub(crate) const DAY_MS: i64 = 24 * HOUR_MS;

/// Why a range was refused.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum RangeError {
    #[error("`from` must be before `to`")]
    NotIncreasing,
    #[error("the range may cover at most {MAX_RANGE_DAYS} days")]
    TooLong,
}

/// Sessions created at or after `from` and before `to` are in the report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportRange {
    pub from: Timestamp,
    pub to: Timestamp,
}

impl ReportRange {
    pub fn new(from: Timestamp, to: Timestamp) -> Result<Self, RangeError> {
        if from >= to {
            return Err(RangeError::NotIncreasing);
        }
        if to.millis() - from.millis() > MAX_RANGE_DAYS * DAY_MS {
            return Err(RangeError::TooLong);
        }
        Ok(Self { from, to })
    }

    /// The `days` days that end at `to`.
    pub fn last_days(to: Timestamp, days: i64) -> Result<Self, RangeError> {
        Self::new(Timestamp::from_millis(to.millis() - days * DAY_MS), to)
    }

    pub fn contains(self, at: Timestamp) -> bool {
        self.from <= at && at < self.to
    }

    pub fn length_ms(self) -> i64 {
        self.to.millis() - self.from.millis()
    }
}
