//! Graph API failures and whether sending again can help.
//!
//! Meta answers a failed call with `{"error":{"message","type","code","error_subcode",
//! "fbtrace_id"}}` (WhatsApp adds `error_data.details`). [`classify`] reads that body with the
//! HTTP status and `Retry-After` into a [`GraphError`]; [`GraphError::is_retriable`] splits them
//! the way the engine's outbox needs:
//!
//! | retriable | permanent |
//! |---|---|
//! | HTTP 5xx and 429 without a permanent code | `190` access token invalid or expired |
//! | rate limits `4`, `17`, `32`, `613`, `80007`, `130429`, `131048`, `131056` | `131047` outside the 24 h window (also Messenger's `10`/`2018278`) |
//! | transient `1`, `2`, `131000`, `131016` | `131026`, `551` recipient cannot receive it |
//! | timeouts, refused and broken connections | `10`, `200`-`299` permission missing |
//! | a 2xx whose body cannot be read | `100` invalid parameter (even as a 5xx) |
//! | a token source that cannot answer now | other 4xx; no token configured; unsendable bodies; requests that cannot be built |
//!
//! The error code decides before the status: Meta sends rate limits as 400 and some transient
//! errors as 500. A 2xx body without a message id counts as retriable: no id means nothing
//! confirms the message was accepted, and no id could be recorded to match its statuses.

use crate::excerpt::body_excerpt;
use serde::Deserialize;
use std::time::Duration;

use super::token::TokenError;

/// Error codes Meta documents as throttling: wait and send again.
const RATE_LIMIT_CODES: [i64; 8] = [4, 17, 32, 613, 80007, 130429, 131048, 131056];
/// Error codes Meta documents as temporary trouble on its side.
const TRANSIENT_CODES: [i64; 4] = [1, 2, 131000, 131016];
const TOKEN_INVALID: i64 = 190;
/// A parameter is wrong: the same request will fail again, whatever the HTTP status.
const INVALID_PARAMETER: i64 = 100;
const WHATSAPP_REENGAGEMENT: i64 = 131047;
const WHATSAPP_UNDELIVERABLE: i64 = 131026;
const MESSENGER_UNAVAILABLE_USER: i64 = 551;
const PERMISSION_DENIED: i64 = 10;
const PERMISSION_RANGE: std::ops::RangeInclusive<i64> = 200..=299;
/// Messenger's "this message is sent outside of allowed window" (code 10).
const MESSENGER_OUTSIDE_WINDOW_SUBCODE: i64 = 2018278;

/// One failed Graph call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GraphError {
    /// No answer within the configured request timeout.
    #[error("graph request timed out")]
    Timeout,
    /// The request did not get through, or the answer broke off.
    #[error("graph request failed on the network: {0}")]
    Network(String),
    /// Meta is throttling this app, account or recipient.
    #[error("graph rate limit{}: {message}{}", code_suffix(*code), retry_suffix(*retry_after))]
    RateLimited {
        status: u16,
        code: Option<i64>,
        message: String,
        retry_after: Option<Duration>,
    },
    /// This node held the send back: the phone number is at its messages-per-second limit.
    /// Nothing was sent; the outbox sends it after `retry_after`.
    #[error("held back: the number's {per_second} messages a second are used; sent again in {} ms", retry_after.as_millis())]
    Throttled {
        per_second: u32,
        retry_after: Duration,
    },
    /// Meta failed on its side (HTTP 5xx or a transient error code).
    #[error("graph unavailable (http {status}{}): {message}{}", code_suffix(*code), retry_suffix(*retry_after))]
    Unavailable {
        status: u16,
        code: Option<i64>,
        message: String,
        retry_after: Option<Duration>,
    },
    /// The call succeeded but its answer could not be read, or named no message id.
    #[error("graph answer unreadable (http {status}): {detail}")]
    UnreadableResponse { status: u16, detail: String },
    /// The access token is invalid, expired or revoked (code 190): the integration needs a new
    /// one before anything can be sent.
    #[error("graph access token rejected (code 190{}): reconnect the account; {message}", subcode_suffix(*subcode))]
    TokenRejected {
        subcode: Option<i64>,
        message: String,
    },
    /// More than 24 hours have passed since the contact last wrote: only a template may be sent.
    #[error(
        "outside the 24 hour customer service window (code {code}): send a template; {message}"
    )]
    OutsideWindow { code: i64, message: String },
    /// The recipient cannot receive this message (not a WhatsApp user, blocked the business,
    /// unavailable).
    #[error("recipient cannot receive the message (code {code}): {message}")]
    Undeliverable { code: i64, message: String },
    /// The token lacks a permission the call needs.
    #[error("graph permission missing (code {code}): {message}")]
    PermissionDenied { code: i64, message: String },
    /// Meta refused the request as it stands (code 100 and every other client error).
    #[error("graph refused the request (http {status}{}): {message}", code_suffix(*code))]
    Refused {
        status: u16,
        code: Option<i64>,
        message: String,
    },
    /// The HTTP request could not be made from what it was given; nothing was sent.
    #[error("graph request could not be built: {0}")]
    Unbuildable(String),
    /// The outbound message cannot be expressed on this channel.
    #[error("message cannot be sent on this channel: {0}")]
    Unsendable(String),
    /// The uploaded file the message sends could not be read from the blob store (for now).
    #[error("the file to send could not be read: {0}")]
    FileUnavailable(String),
    /// No access token could be had for the account.
    #[error(transparent)]
    Token(#[from] TokenError),
}

impl GraphError {
    /// Whether sending the same message again later may succeed.
    pub fn is_retriable(&self) -> bool {
        match self {
            GraphError::Timeout
            | GraphError::Network(_)
            | GraphError::RateLimited { .. }
            | GraphError::Throttled { .. }
            | GraphError::Unavailable { .. }
            | GraphError::UnreadableResponse { .. }
            | GraphError::FileUnavailable(_) => true,
            GraphError::Token(error) => matches!(error, TokenError::Unavailable(_)),
            GraphError::TokenRejected { .. }
            | GraphError::OutsideWindow { .. }
            | GraphError::Undeliverable { .. }
            | GraphError::PermissionDenied { .. }
            | GraphError::Refused { .. }
            | GraphError::Unbuildable(_)
            | GraphError::Unsendable(_) => false,
        }
    }

    /// How long Meta asked to wait (`Retry-After`), when it said.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            GraphError::RateLimited { retry_after, .. }
            | GraphError::Unavailable { retry_after, .. } => *retry_after,
            GraphError::Throttled { retry_after, .. } => Some(*retry_after),
            _ => None,
        }
    }

    /// The Graph error code, when Meta gave one.
    pub fn code(&self) -> Option<i64> {
        match self {
            GraphError::RateLimited { code, .. }
            | GraphError::Unavailable { code, .. }
            | GraphError::Refused { code, .. } => *code,
            GraphError::TokenRejected { .. } => Some(TOKEN_INVALID),
            GraphError::OutsideWindow { code, .. }
            | GraphError::Undeliverable { code, .. }
            | GraphError::PermissionDenied { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// A stable name for logs and metrics.
    pub fn kind(&self) -> &'static str {
        match self {
            GraphError::Timeout => "timeout",
            GraphError::Network(_) => "network",
            GraphError::RateLimited { .. } => "rate_limited",
            GraphError::Throttled { .. } => "throttled",
            GraphError::Unavailable { .. } => "unavailable",
            GraphError::UnreadableResponse { .. } => "unreadable_response",
            GraphError::TokenRejected { .. } => "token_rejected",
            GraphError::OutsideWindow { .. } => "outside_window",
            GraphError::Undeliverable { .. } => "undeliverable",
            GraphError::PermissionDenied { .. } => "permission_denied",
            GraphError::Refused { .. } => "refused",
            GraphError::Unbuildable(_) => "unbuildable",
            GraphError::Unsendable(_) => "unsendable",
            GraphError::FileUnavailable(_) => "file_unavailable",
            GraphError::Token(_) => "token_missing",
        }
    }
}

/// Meta's error envelope.
#[derive(Debug, Deserialize)]
struct ErrorEnvelope {
    error: GraphErrorBody,
}

/// The `error` object of a failed Graph call.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct GraphErrorBody {
    #[serde(default)]
    pub message: String,
    #[serde(rename = "type", default)]
    pub error_type: Option<String>,
    #[serde(default)]
    pub code: Option<i64>,
    #[serde(default)]
    pub error_subcode: Option<i64>,
    #[serde(default)]
    pub fbtrace_id: Option<String>,
    #[serde(default)]
    pub error_data: Option<ErrorData>,
}

/// WhatsApp's extra `error_data`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct ErrorData {
    #[serde(default)]
    pub details: Option<String>,
}

impl GraphErrorBody {
    /// Reads Meta's error envelope; `None` when the body is not one.
    pub fn parse(body: &[u8]) -> Option<Self> {
        serde_json::from_slice::<ErrorEnvelope>(body)
            .ok()
            .map(|envelope| envelope.error)
    }

    /// The message with WhatsApp's details and the trace id Meta support asks for.
    fn describe(&self) -> String {
        let mut text = if self.message.is_empty() {
            "no message".to_owned()
        } else {
            self.message.clone()
        };
        if let Some(details) = self.error_data.as_ref().and_then(|d| d.details.as_deref()) {
            text.push_str(" (");
            text.push_str(details);
            text.push(')');
        }
        if let Some(trace) = &self.fbtrace_id {
            text.push_str(" [fbtrace_id ");
            text.push_str(trace);
            text.push(']');
        }
        text
    }
}

/// Turns a non-2xx answer into a [`GraphError`]: the Graph error code decides when there is one,
/// else the HTTP status.
pub fn classify(status: u16, retry_after: Option<Duration>, body: &[u8]) -> GraphError {
    let error = GraphErrorBody::parse(body);
    let message = match &error {
        Some(error) => error.describe(),
        None => body_excerpt(body),
    };
    let code = error.as_ref().and_then(|error| error.code);
    let subcode = error.as_ref().and_then(|error| error.error_subcode);
    match code {
        Some(code) if RATE_LIMIT_CODES.contains(&code) => GraphError::RateLimited {
            status,
            code: Some(code),
            message,
            retry_after,
        },
        Some(code) if TRANSIENT_CODES.contains(&code) => GraphError::Unavailable {
            status,
            code: Some(code),
            message,
            retry_after,
        },
        Some(TOKEN_INVALID) => GraphError::TokenRejected { subcode, message },
        Some(WHATSAPP_REENGAGEMENT) => GraphError::OutsideWindow {
            code: WHATSAPP_REENGAGEMENT,
            message,
        },
        Some(PERMISSION_DENIED) if subcode == Some(MESSENGER_OUTSIDE_WINDOW_SUBCODE) => {
            GraphError::OutsideWindow {
                code: PERMISSION_DENIED,
                message,
            }
        }
        Some(code @ (WHATSAPP_UNDELIVERABLE | MESSENGER_UNAVAILABLE_USER)) => {
            GraphError::Undeliverable { code, message }
        }
        Some(code) if code == PERMISSION_DENIED || PERMISSION_RANGE.contains(&code) => {
            GraphError::PermissionDenied { code, message }
        }
        Some(INVALID_PARAMETER) => GraphError::Refused {
            status,
            code,
            message,
        },
        _ if status == 429 => GraphError::RateLimited {
            status,
            code,
            message,
            retry_after,
        },
        _ if status >= 500 => GraphError::Unavailable {
            status,
            code,
            message,
            retry_after,
        },
        _ => GraphError::Refused {
            status,
            code,
            message,
        },
    }
}

fn code_suffix(code: Option<i64>) -> String {
    code.map(|code| format!(", code {code}"))
        .unwrap_or_default()
}

fn subcode_suffix(subcode: Option<i64>) -> String {
    subcode
        .map(|subcode| format!(", subcode {subcode}"))
        .unwrap_or_default()
}

fn retry_suffix(retry_after: Option<Duration>) -> String {
    retry_after
        .map(|delay| format!("; retry after {}s", delay.as_secs()))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph_error(code: i64, subcode: Option<i64>) -> Vec<u8> {
        serde_json::json!({"error": {
            "message": "(#x) something", "type": "OAuthException", "code": code,
            "error_subcode": subcode, "fbtrace_id": "Az8or2yhqkZfEZ-_4Qn_Bam"
        }})
        .to_string()
        .into_bytes()
    }

    #[test]
    fn codes_decide_before_status() {
        let cases: [(u16, i64, Option<i64>, &str, bool); 14] = [
            (400, 4, None, "rate_limited", true),
            (400, 17, None, "rate_limited", true),
            (400, 32, None, "rate_limited", true),
            (400, 613, None, "rate_limited", true),
            (400, 130429, None, "rate_limited", true),
            (500, 1, None, "unavailable", true),
            (500, 2, None, "unavailable", true),
            (400, 131000, None, "unavailable", true),
            (401, 190, Some(463), "token_rejected", false),
            (400, 131047, Some(2494010), "outside_window", false),
            (400, 10, Some(2018278), "outside_window", false),
            (400, 131026, None, "undeliverable", false),
            (403, 200, None, "permission_denied", false),
            (500, 100, None, "refused", false),
        ];
        for (status, code, subcode, kind, retriable) in cases {
            let error = classify(status, None, &graph_error(code, subcode));
            assert_eq!(error.kind(), kind, "code {code}: {error}");
            assert_eq!(error.is_retriable(), retriable, "code {code}: {error}");
            assert_eq!(error.code(), Some(code));
        }
    }

    #[test]
    fn status_decides_without_a_graph_error() {
        let error = classify(429, Some(Duration::from_secs(7)), b"slow down");
        assert_eq!(error.kind(), "rate_limited");
        assert_eq!(error.retry_after(), Some(Duration::from_secs(7)));
        assert!(error.to_string().contains("retry after 7s"), "{error}");
        assert!(classify(502, None, b"<html>bad gateway</html>").is_retriable());
        let refused = classify(404, None, b"");
        assert_eq!(refused.kind(), "refused");
        assert!(!refused.is_retriable());
    }

    #[test]
    fn messages_carry_details_and_trace_id() {
        let body = br#"{"error":{"message":"(#131047) Re-engagement message","type":"OAuthException","code":131047,"error_data":{"messaging_product":"whatsapp","details":"Message failed to send because more than 24 hours have passed since the customer last replied to this number."},"error_subcode":2494010,"fbtrace_id":"Az8or2yhqkZfEZ-_4Qn_Bam"}}"#;
        let text = classify(400, None, body).to_string();
        assert!(
            text.starts_with("outside the 24 hour customer service window"),
            "{text}"
        );
        assert!(text.contains("more than 24 hours have passed"), "{text}");
        assert!(
            text.contains("fbtrace_id Az8or2yhqkZfEZ-_4Qn_Bam"),
            "{text}"
        );
    }

    #[test]
    fn long_foreign_bodies_are_cut() {
        let body = "x".repeat(1000);
        let Refused { message, .. } = classify(400, None, body.as_bytes()) else {
            panic!("expected refused");
        };
        assert_eq!(message.len(), 203);
    }

    use GraphError::Refused;
}
