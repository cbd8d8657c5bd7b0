//! One phone call: who called whom on which number, the status Twilio reported last, the ids the
//! providers gave it, and the report the conversational AI sent after it.
//!
//! Twilio's status callbacks may arrive late, twice or out of order; a status only ever moves a
//! call forward (`queued` → `ringing` → `in-progress` → an end), and the first end reported is
//! the one kept. Every change recomputes the call's next check (see `checks.rs`).

use super::report::CallReport;
use crate::ids::{CallId, TenantId, VoiceAgentId, VoiceNumberId};
use crate::time::Timestamp;
use crate::validation::ValidationErrors;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use super::number::VoiceNumber;
use super::phone::is_e164;

/// The most variables an outbound call hands its agent, and their longest name and value.
pub const MAX_VARIABLES: usize = 20;
const MAX_VARIABLE_NAME_CHARS: usize = 64;
const MAX_VARIABLE_VALUE_CHARS: usize = 1_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallDirection {
    Inbound,
    Outbound,
}

impl CallDirection {
    pub fn as_str(self) -> &'static str {
        match self {
            CallDirection::Inbound => "inbound",
            CallDirection::Outbound => "outbound",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        [CallDirection::Inbound, CallDirection::Outbound]
            .into_iter()
            .find(|direction| direction.as_str() == name)
    }
}

/// Where a call is. `requested` is ours (an outbound call asked for and not yet accepted by
/// Twilio); the others are Twilio's call statuses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CallStatus {
    Requested,
    Queued,
    Ringing,
    InProgress,
    Completed,
    Busy,
    NoAnswer,
    Failed,
    Canceled,
}

impl CallStatus {
    pub const ALL: [CallStatus; 9] = [
        CallStatus::Requested,
        CallStatus::Queued,
        CallStatus::Ringing,
        CallStatus::InProgress,
        CallStatus::Completed,
        CallStatus::Busy,
        CallStatus::NoAnswer,
        CallStatus::Failed,
        CallStatus::Canceled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CallStatus::Requested => "requested",
            CallStatus::Queued => "queued",
            CallStatus::Ringing => "ringing",
            CallStatus::InProgress => "in-progress",
            CallStatus::Completed => "completed",
            CallStatus::Busy => "busy",
            CallStatus::NoAnswer => "no-answer",
            CallStatus::Failed => "failed",
            CallStatus::Canceled => "canceled",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == name)
    }

    /// Whether the call is over.
    pub fn is_final(self) -> bool {
        self.rank() == 4
    }

    /// How far along a call in this status is; a status never replaces one of equal or higher rank.
    fn rank(self) -> u8 {
        match self {
            CallStatus::Requested => 0,
            CallStatus::Queued => 1,
            CallStatus::Ringing => 2,
            CallStatus::InProgress => 3,
            _ => 4,
        }
    }
}

/// A status Twilio reported for a call, and when.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StatusUpdate {
    pub status: CallStatus,
    /// Twilio's `CallDuration`, on a completed call.
    pub duration_secs: Option<u32>,
    pub at: Timestamp,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VoiceCall {
    pub id: CallId,
    pub tenant: TenantId,
    pub number_id: VoiceNumberId,
    pub agent_id: VoiceAgentId,
    pub direction: CallDirection,
    pub from: String,
    pub to: String,
    pub status: CallStatus,
    /// Twilio's `CA…` id, once Twilio has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_sid: Option<String>,
    /// The conversational AI's id of the conversation, once it reported one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation_id: Option<String>,
    /// What the agent is told about this call (`{{name}}` in its prompts).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub variables: BTreeMap<String, String>,
    /// The longest the call may last, from its agent.
    pub max_duration_secs: u32,
    pub requested_at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_secs: Option<u32>,
    /// Why the call failed or never started, in words a person understands.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report: Option<CallReport>,
    /// When the keeper next asks a provider about the call; `None` once nothing is awaited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_at: Option<Timestamp>,
    /// Checks made for what the call awaits now (reset when that changes).
    #[serde(default)]
    pub checks: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checked_at: Option<Timestamp>,
    pub updated_at: Timestamp,
}

impl VoiceCall {
    /// A call from `number` to `to` that the organisation asked for and Twilio has not yet taken.
    pub fn outbound(
        number: &VoiceNumber,
        to: String,
        variables: BTreeMap<String, String>,
        max_duration_secs: u32,
        now: Timestamp,
    ) -> Self {
        let mut call = Self::blank(number, CallDirection::Outbound, max_duration_secs, now);
        call.from = number.phone_number.clone();
        call.to = to;
        call.variables = variables;
        call.refresh_check();
        call
    }

    /// A call to `number` from `from` that Twilio announced with `call_sid`.
    pub fn inbound(
        number: &VoiceNumber,
        from: String,
        call_sid: String,
        max_duration_secs: u32,
        now: Timestamp,
    ) -> Self {
        let mut call = Self::blank(number, CallDirection::Inbound, max_duration_secs, now);
        call.from = from;
        call.to = number.phone_number.clone();
        call.call_sid = Some(call_sid);
        call.status = CallStatus::Ringing;
        call.refresh_check();
        call
    }

    fn blank(
        number: &VoiceNumber,
        direction: CallDirection,
        max_duration_secs: u32,
        now: Timestamp,
    ) -> Self {
        Self {
            id: CallId::generate(),
            tenant: number.tenant.clone(),
            number_id: number.id.clone(),
            agent_id: number.agent_id.clone(),
            direction,
            from: String::new(),
            to: String::new(),
            status: CallStatus::Requested,
            call_sid: None,
            conversation_id: None,
            variables: BTreeMap::new(),
            max_duration_secs,
            requested_at: now,
            answered_at: None,
            ended_at: None,
            duration_secs: None,
            failure: None,
            report: None,
            check_at: None,
            checks: 0,
            checked_at: None,
            updated_at: now,
        }
    }

    /// Twilio took the outbound call and named it `call_sid`.
    pub fn placed(&mut self, call_sid: String, now: Timestamp) {
        self.call_sid = Some(call_sid);
        self.advance(CallStatus::Queued, now);
        self.touch(now);
    }

    /// The call could not be started or connected to its agent; `reason` says why.
    pub fn fail(&mut self, reason: impl Into<String>, now: Timestamp) {
        if self.status.is_final() {
            return;
        }
        self.failure = Some(reason.into());
        self.advance(CallStatus::Failed, now);
        self.touch(now);
    }

    /// The call was handed to its agent: someone is on the line.
    pub fn connected(&mut self, now: Timestamp) {
        self.advance(CallStatus::InProgress, now);
        self.touch(now);
    }

    /// Applies a status Twilio reported; `false` when it changed nothing (a late or repeated one).
    pub fn apply_status(&mut self, update: &StatusUpdate) -> bool {
        if update.status.rank() <= self.status.rank() {
            return false;
        }
        self.advance(update.status, update.at);
        if let Some(duration) = update.duration_secs.filter(|_| update.status.is_final()) {
            self.duration_secs = Some(duration);
            // A call that lasted had been answered, even if its `in-progress` never came.
            if update.status == CallStatus::Completed && duration > 0 && self.answered_at.is_none()
            {
                let seconds = std::time::Duration::from_secs(duration.into());
                self.answered_at = Some(update.at.minus(seconds));
            }
        }
        self.touch(update.at);
        true
    }

    /// Keeps what the conversational AI reported; a later report replaces an earlier one.
    pub fn apply_report(&mut self, conversation_id: String, report: CallReport, now: Timestamp) {
        self.conversation_id = Some(conversation_id);
        if self.duration_secs.is_none() {
            self.duration_secs = report.duration_secs;
        }
        self.report = Some(report);
        self.checks = 0;
        self.touch(now);
    }

    fn advance(&mut self, status: CallStatus, at: Timestamp) {
        if status.rank() <= self.status.rank() {
            return;
        }
        if status == CallStatus::InProgress {
            self.answered_at.get_or_insert(at);
        }
        if status.is_final() {
            self.ended_at = Some(at);
        }
        self.status = status;
        self.checks = 0;
    }

    pub(super) fn touch(&mut self, now: Timestamp) {
        self.updated_at = now;
        self.refresh_check();
    }

    pub(super) fn refresh_check(&mut self) {
        self.check_at = self.next_check();
    }
}

/// Checks the variables an outbound call hands its agent, and the number it calls.
pub fn validate_outbound(
    to: &str,
    variables: &BTreeMap<String, String>,
) -> Result<(), ValidationErrors> {
    let mut errors = ValidationErrors::default();
    if !is_e164(to) {
        errors.add(
            "to",
            "must be in E.164 form: + and 7 to 15 digits, such as +14155550100",
        );
    }
    errors.check_max_items("variables", variables.len(), MAX_VARIABLES);
    for (name, value) in variables {
        let field = format!("variables.{name}");
        let well_named = !name.is_empty()
            && name.chars().count() <= MAX_VARIABLE_NAME_CHARS
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !name.starts_with("botwot_");
        if !well_named {
            errors.add(&field, format!("a name is 1 to {MAX_VARIABLE_NAME_CHARS} letters, digits or _, and does not start with botwot_ (kept for the engine's own)"));
        }
        errors.check_max_len(&field, value, MAX_VARIABLE_VALUE_CHARS);
    }
    errors.into_result(())
}
