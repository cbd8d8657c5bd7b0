//! A call as Twilio reports it: the voice request (Twilio asking what to do when a call comes in,
//! or when an outbound call is answered) and the status callbacks share their parameters, so one
//! reader serves both. `CallSid`, `AccountSid`, `From`, `To`, `Direction` and `CallStatus` are
//! always there; `CallDuration` comes with `completed`, `SequenceNumber` with status callbacks,
//! `ErrorCode` with a failure and `AnsweredBy` when answering machine detection ran. Other
//! parameters (the caller's city, `ApiVersion`, ...) are ignored.

use super::error::TwilioError;
use crate::untrusted::shown;

/// Who started the call, as Twilio's `Direction` says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TwilioDirection {
    /// Someone called one of the account's numbers (`inbound`).
    Inbound,
    /// The account started it through the REST API (`outbound-api`).
    OutboundApi,
    /// A `<Dial>` in TwiML started it (`outbound-dial`).
    OutboundDial,
}

impl TwilioDirection {
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "inbound" => TwilioDirection::Inbound,
            "outbound-api" => TwilioDirection::OutboundApi,
            "outbound-dial" => TwilioDirection::OutboundDial,
            _ => return None,
        })
    }
}

/// Where the call stands, as Twilio's `CallStatus` says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TwilioCallStatus {
    Queued,
    Initiated,
    Ringing,
    InProgress,
    Completed,
    Busy,
    Failed,
    NoAnswer,
    Canceled,
}

impl TwilioCallStatus {
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "queued" => TwilioCallStatus::Queued,
            "initiated" => TwilioCallStatus::Initiated,
            "ringing" => TwilioCallStatus::Ringing,
            "in-progress" => TwilioCallStatus::InProgress,
            "completed" => TwilioCallStatus::Completed,
            "busy" => TwilioCallStatus::Busy,
            "failed" => TwilioCallStatus::Failed,
            "no-answer" => TwilioCallStatus::NoAnswer,
            "canceled" => TwilioCallStatus::Canceled,
            _ => return None,
        })
    }

    /// Whether the call is over: no later status follows.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            TwilioCallStatus::Completed
                | TwilioCallStatus::Busy
                | TwilioCallStatus::Failed
                | TwilioCallStatus::NoAnswer
                | TwilioCallStatus::Canceled
        )
    }
}

/// The engine's status for Twilio's (`initiated`, Twilio dialling, counts as `queued`).
impl From<TwilioCallStatus> for botwot_engine::voice::CallStatus {
    fn from(status: TwilioCallStatus) -> Self {
        use botwot_engine::voice::CallStatus;
        match status {
            TwilioCallStatus::Queued | TwilioCallStatus::Initiated => CallStatus::Queued,
            TwilioCallStatus::Ringing => CallStatus::Ringing,
            TwilioCallStatus::InProgress => CallStatus::InProgress,
            TwilioCallStatus::Completed => CallStatus::Completed,
            TwilioCallStatus::Busy => CallStatus::Busy,
            TwilioCallStatus::Failed => CallStatus::Failed,
            TwilioCallStatus::NoAnswer => CallStatus::NoAnswer,
            TwilioCallStatus::Canceled => CallStatus::Canceled,
        }
    }
}

/// One voice request or status callback.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TwilioCallEvent {
    /// `CA` and 32 hex digits.
    pub call_sid: String,
    /// `AC` and 32 hex digits.
    pub account_sid: String,
    /// The caller: a number in E.164, `client:<name>`, a SIP URI, or `anonymous`.
    pub from: String,
    /// The called party, in the same forms.
    pub to: String,
    pub direction: TwilioDirection,
    pub status: TwilioCallStatus,
    /// `CallDuration`: seconds from answer to hang-up, sent once the call is over.
    pub duration_secs: Option<u32>,
    /// `SequenceNumber`: orders the status callbacks of one call (they may arrive out of order).
    pub sequence: Option<u32>,
    /// `ErrorCode`: Twilio's error number when the call failed.
    pub error_code: Option<String>,
    /// `AnsweredBy`: `human`, `machine_start`, `fax`, ... when answering machine detection ran.
    pub answered_by: Option<String>,
}

/// Reads a voice request or a status callback from its form parameters (already
/// signature-checked). A field the event needs that is given twice is refused, as which one
/// counts would be a guess.
pub fn parse_call_event(params: &[(String, String)]) -> Result<TwilioCallEvent, TwilioError> {
    let call_sid = sid(params, "CallSid", "CA")?;
    let account_sid = sid(params, "AccountSid", "AC")?;
    let from = required(params, "From")?.to_owned();
    let to = required(params, "To")?.to_owned();
    let direction_text = required(params, "Direction")?;
    let direction =
        TwilioDirection::parse(direction_text).ok_or_else(|| TwilioError::UnknownDirection {
            direction: shown(direction_text),
        })?;
    let status_text = required(params, "CallStatus")?;
    let status =
        TwilioCallStatus::parse(status_text).ok_or_else(|| TwilioError::UnknownStatus {
            status: shown(status_text),
        })?;
    Ok(TwilioCallEvent {
        call_sid,
        account_sid,
        from,
        to,
        direction,
        status,
        duration_secs: number(params, "CallDuration")?,
        sequence: number(params, "SequenceNumber")?,
        error_code: optional(params, "ErrorCode")?.map(str::to_owned),
        answered_by: optional(params, "AnsweredBy")?.map(str::to_owned),
    })
}

/// The value of `field`, `None` when absent or empty.
fn optional<'a>(
    params: &'a [(String, String)],
    field: &'static str,
) -> Result<Option<&'a str>, TwilioError> {
    let mut values = params.iter().filter(|(name, _)| name == field);
    let first = values.next();
    if values.next().is_some() {
        return Err(TwilioError::FieldInvalid {
            field,
            reason: "given more than once".into(),
        });
    }
    Ok(first
        .map(|(_, value)| value.as_str())
        .filter(|value| !value.is_empty()))
}

fn required<'a>(
    params: &'a [(String, String)],
    field: &'static str,
) -> Result<&'a str, TwilioError> {
    optional(params, field)?.ok_or(TwilioError::FieldMissing { field })
}

/// A Twilio SID: the two-letter `prefix` and 32 hex digits.
fn sid(
    params: &[(String, String)],
    field: &'static str,
    prefix: &str,
) -> Result<String, TwilioError> {
    let value = required(params, field)?;
    let digits = value.strip_prefix(prefix).unwrap_or_default();
    if digits.len() == 32 && digits.bytes().all(|byte| byte.is_ascii_hexdigit()) {
        Ok(value.to_owned())
    } else {
        Err(TwilioError::FieldInvalid {
            field,
            reason: format!(
                "{:?} is not {prefix} followed by 32 hex digits",
                shown(value)
            ),
        })
    }
}

/// A whole number of at most `u32::MAX`, `None` when absent or empty.
fn number(params: &[(String, String)], field: &'static str) -> Result<Option<u32>, TwilioError> {
    let Some(value) = optional(params, field)? else {
        return Ok(None);
    };
    if !value.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(TwilioError::FieldInvalid {
            field,
            reason: format!("{:?} is not a whole number", shown(value)),
        });
    }
    value
        .parse()
        .map(Some)
        .map_err(|_| TwilioError::FieldInvalid {
            field,
            reason: format!("{:?} is too large", shown(value)),
        })
}
