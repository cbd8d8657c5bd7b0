//! Twilio's error bodies: a failed call answers `{"code": 21211, "message": "Invalid 'To'
//! Phone Number", "more_info": "https://www.twilio.com/docs/errors/21211", "status": 400}`.
//! The code is Twilio's error number, kept as text in
//! [`VoiceProviderError::Refused`](botwot_engine::ports::VoiceProviderError::Refused).

use crate::voice_api::Refusal;
use serde::Deserialize;

#[derive(Deserialize)]
struct ErrorBody {
    code: Option<u32>,
    message: String,
}

/// Twilio's code and message, when `body` is Twilio's error format.
pub(crate) fn read_refusal(body: &[u8]) -> Option<Refusal> {
    let body: ErrorBody = serde_json::from_slice(body).ok()?;
    Some(Refusal {
        code: body.code.map(|code| code.to_string()),
        message: body.message,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twilios_error_bodies_are_read() {
        let body = br#"{"code": 21211, "message": "Invalid 'To' Phone Number",
            "more_info": "https://www.twilio.com/docs/errors/21211", "status": 400}"#;
        assert_eq!(
            read_refusal(body),
            Some(Refusal {
                code: Some("21211".into()),
                message: "Invalid 'To' Phone Number".into()
            })
        );
        assert_eq!(read_refusal(b"<html>Bad Gateway</html>"), None);
        assert_eq!(read_refusal(br#"{"detail": "x"}"#), None);
    }
}
