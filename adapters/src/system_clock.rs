//! The system clock, for the clients that stamp what an outside API answered with the time it
//! came (unless a test hands them its own [`Clock`]).

use botwot_engine::time::{Clock, Timestamp};
use std::time::SystemTime;

pub(crate) struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        let millis = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |since| {
                i64::try_from(since.as_millis()).unwrap_or(i64::MAX)
            });
        Timestamp::from_millis(millis)
    }
}
