//! The keeper's side of a call: what it still waits for and until when. Webhooks normally tell
//! BotWot how a call went; when one is lost (a node down, the provider's retries exhausted), the
//! call's check comes due and the keeper asks the provider itself. The deadline is stored with
//! the call, so it outlives a restart.
//!
//! - An outbound call still `requested` after [`PLACEMENT_TIMEOUT`] was lost while being placed
//!   (the node stopped before Twilio's answer was stored). It is failed, not placed again: calling
//!   a person twice is worse than reporting the failure.
//! - A call that has not ended by its agent's longest call plus [`STATUS_GRACE`] has its status
//!   fetched from Twilio, then every [`STATUS_RECHECK`], [`MAX_STATUS_CHECKS`] times at most.
//! - An answered call that ended without a report has its conversation looked up after each of
//!   [`REPORT_WAITS`] in turn, then is left without one.

use super::call::{CallStatus, VoiceCall};
use crate::time::Timestamp;
use std::time::Duration;

pub const PLACEMENT_TIMEOUT: Duration = Duration::from_secs(2 * 60);
pub const STATUS_GRACE: Duration = Duration::from_secs(5 * 60);
pub const STATUS_RECHECK: Duration = Duration::from_secs(5 * 60);
pub const MAX_STATUS_CHECKS: u32 = 12;
pub const REPORT_WAITS: [Duration; 3] = [
    Duration::from_secs(10 * 60),
    Duration::from_secs(30 * 60),
    Duration::from_secs(2 * 60 * 60),
];

/// What a call waits for when its check comes due.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckNeed {
    /// The outbound call was never handed to Twilio, or its answer was lost.
    PlacementLost,
    /// Twilio's word on how the call stands.
    Status,
    /// The conversational AI's report.
    Report,
}

impl VoiceCall {
    /// What the call still waits for, if anything.
    pub fn check_need(&self) -> Option<CheckNeed> {
        match self.status {
            CallStatus::Requested if self.call_sid.is_none() => Some(CheckNeed::PlacementLost),
            status if !status.is_final() => {
                (self.checks < MAX_STATUS_CHECKS).then_some(CheckNeed::Status)
            }
            CallStatus::Completed
                if self.answered_at.is_some()
                    && self.report.is_none()
                    && (self.checks as usize) < REPORT_WAITS.len() =>
            {
                Some(CheckNeed::Report)
            }
            _ => None,
        }
    }

    /// Counts a check made at `now` that did not settle what the call waits for. A call whose
    /// status checks are spent is failed: Twilio never said how it ended.
    pub fn checked(&mut self, now: Timestamp) {
        self.checks += 1;
        self.checked_at = Some(now);
        if self.check_need().is_none() && !self.status.is_final() {
            self.fail("Twilio never reported how the call ended", now);
            return;
        }
        self.touch(now);
    }

    pub(super) fn next_check(&self) -> Option<Timestamp> {
        let last = self.checked_at.unwrap_or(self.updated_at);
        Some(match self.check_need()? {
            CheckNeed::PlacementLost => self.requested_at.plus(PLACEMENT_TIMEOUT),
            CheckNeed::Status if self.checks == 0 => {
                let longest = Duration::from_secs(self.max_duration_secs.into());
                let start = self.answered_at.unwrap_or(self.requested_at);
                start.plus(longest).plus(STATUS_GRACE)
            }
            CheckNeed::Status => last.plus(STATUS_RECHECK),
            CheckNeed::Report => {
                let wait = REPORT_WAITS[self.checks as usize];
                let since = if self.checks == 0 {
                    self.ended_at.unwrap_or(last)
                } else {
                    last
                };
                since.plus(wait)
            }
        })
    }
}
