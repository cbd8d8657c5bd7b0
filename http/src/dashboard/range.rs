//! A report's scope from its query: `from` and `to` as RFC 3339 times or Unix milliseconds
//! (default: the seven days before now), and an optional channel. Unreadable values are
//! `invalid_query`; a range that does not increase or is longer than 366 days is
//! `invalid_range`.

use crate::errors::{AppError, ErrorCode};
use botwot_engine::analytics::{RangeError, ReportRange};
use botwot_engine::{Channel, Timestamp};

/// How many days a report covers when the query names no `from`.
const DEFAULT_DAYS: i64 = 7;

/// What a report covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReportScope {
    pub range: ReportRange,
    pub channel: Option<Channel>,
}

impl ReportScope {
    /// The scope of the query values; `now` ends the range when `to` is absent.
    pub fn from_query(
        from: Option<&str>,
        to: Option<&str>,
        channel: Option<&str>,
        now: Timestamp,
    ) -> Result<Self, AppError> {
        let to = to
            .map(|text| instant("to", text))
            .transpose()?
            .unwrap_or(now);
        let range = match from.map(|text| instant("from", text)).transpose()? {
            Some(from) => ReportRange::new(from, to),
            None => ReportRange::last_days(to, DEFAULT_DAYS),
        }
        .map_err(range_error)?;
        let channel = channel
            .map(|text| {
                Channel::parse(text).ok_or_else(|| {
                    AppError::new(
                        ErrorCode::InvalidQuery,
                        format!("channel {text:?} is not one of web, whatsapp, messenger, instagram, voice"),
                    )
                })
            })
            .transpose()?;
        Ok(Self { range, channel })
    }
}

/// An RFC 3339 time or a count of Unix milliseconds.
fn instant(field: &str, text: &str) -> Result<Timestamp, AppError> {
    let millis = text.parse::<i64>().ok().map(Timestamp::from_millis);
    millis
        .or_else(|| Timestamp::parse_rfc3339(text))
        .ok_or_else(|| {
            AppError::new(
                ErrorCode::InvalidQuery,
                format!("{field} must be an RFC 3339 time or Unix milliseconds, not {text:?}"),
            )
        })
}

fn range_error(error: RangeError) -> AppError {
    AppError::new(ErrorCode::InvalidRange, error.to_string())
}
