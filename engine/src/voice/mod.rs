//! Phone calls with voice agents (PRD §3.5): the numbers an organisation connects from its
//! Twilio account ([`VoiceNumber`]), and every call on them ([`VoiceCall`]) from the moment it is
//! asked for or rings in to the transcript and analysis the conversational AI reports after it.
//!
//! A call's record is its state: the status Twilio last reported (in any order: a late
//! `ringing` never undoes `completed`), the ids each provider gave it, and its next check — the
//! durable deadline at which, if the webhook it waits for has not come, the keeper asks the
//! provider itself (see [`VoiceCall::check_need`]). Nothing here does I/O.

mod call;
#[cfg(test)]
mod call_tests;
mod checks;
mod number;
mod phone;
mod report;
mod stats;

pub use call::{
    CallDirection, CallStatus, MAX_VARIABLES, StatusUpdate, VoiceCall, validate_outbound,
};
pub use checks::{
    CheckNeed, MAX_STATUS_CHECKS, PLACEMENT_TIMEOUT, REPORT_WAITS, STATUS_GRACE, STATUS_RECHECK,
};
pub use number::{MAX_LABEL_CHARS, NumberSettings, TwilioAccount, VoiceNumber, is_account_sid};
pub use phone::is_e164;
pub use report::{
    CallReport, CallSuccess, Collected, Criterion, MAX_TURNS, Speaker, TranscriptTurn,
    recording_key,
};
pub use stats::{CallStats, DayVolume, ENGAGEMENT_CHECKPOINTS, EngagementPoint};
