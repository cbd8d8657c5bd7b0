//! Form bodies shaped like Twilio's published examples of a voice request and of status
//! callbacks (webhooks/tests/fixtures/twilio), read and signed end to end.

use super::*;

const VOICE_REQUEST: &str = include_str!("../../tests/fixtures/twilio/voice_request.txt");
const STATUS_COMPLETED: &str = include_str!("../../tests/fixtures/twilio/status_callback.txt");
const STATUS_NO_ANSWER: &str = include_str!("../../tests/fixtures/twilio/status_no_answer.txt");

fn read(body: &str) -> Result<TwilioCallEvent, TwilioError> {
    parse_call_event(&parse_form(body.as_bytes())?)
}

/// `body` with the value of `field` replaced (or the field dropped, for `None`).
fn with_field(body: &str, field: &str, value: Option<&str>) -> String {
    body.split('&')
        .filter_map(|pair| match pair.split_once('=') {
            Some((name, _)) if name == field => value.map(|value| format!("{name}={value}")),
            _ => Some(pair.to_owned()),
        })
        .collect::<Vec<_>>()
        .join("&")
}

#[test]
fn a_voice_request_for_an_incoming_call() {
    let call = read(VOICE_REQUEST).unwrap();
    assert_eq!(
        call,
        TwilioCallEvent {
            call_sid: "CA5e8d1f2a3b4c4d6e8f9a0b1c2d3e4f5a".into(),
            account_sid: "AC0f3c9d2b7e4a41c8b95d6e2f7a1b3c4d".into(),
            from: "+919812345678".into(),
            to: "+14155550123".into(),
            direction: TwilioDirection::Inbound,
            status: TwilioCallStatus::Ringing,
            duration_secs: None,
            sequence: None,
            error_code: None,
            answered_by: None,
        }
    );
    assert!(!call.status.is_final());
}

#[test]
fn status_callbacks_carry_duration_sequence_and_answer() {
    let done = read(STATUS_COMPLETED).unwrap();
    assert_eq!(done.direction, TwilioDirection::OutboundApi);
    assert_eq!(done.status, TwilioCallStatus::Completed);
    assert_eq!(done.duration_secs, Some(47));
    assert_eq!(done.sequence, Some(3));
    assert_eq!(done.answered_by.as_deref(), Some("human"));
    assert_eq!(
        (done.from.as_str(), done.to.as_str()),
        ("+14155550123", "+919812345678")
    );
    assert!(done.status.is_final());

    let missed = read(STATUS_NO_ANSWER).unwrap();
    assert_eq!(missed.status, TwilioCallStatus::NoAnswer);
    assert_eq!((missed.duration_secs, missed.sequence), (Some(0), Some(2)));
    let failed = with_field(STATUS_NO_ANSWER, "CallStatus", Some("failed")) + "&ErrorCode=13224";
    let failed = read(&failed).unwrap();
    assert_eq!(failed.status, TwilioCallStatus::Failed);
    assert_eq!(failed.error_code.as_deref(), Some("13224"));
}

/// Each of `cases` (a value of `field` and what it reads as) in the voice request, read back.
fn each_reads_as<T: PartialEq + std::fmt::Debug>(
    field: &str,
    cases: &[(&str, T)],
    read_back: fn(TwilioCallEvent) -> T,
) {
    for (text, expected) in cases {
        let body = with_field(VOICE_REQUEST, field, Some(text));
        assert_eq!(&read_back(read(&body).unwrap()), expected, "{field}={text}");
    }
}

#[test]
fn every_documented_status_and_direction_is_read() {
    let statuses = [
        ("queued", TwilioCallStatus::Queued),
        ("initiated", TwilioCallStatus::Initiated),
        ("ringing", TwilioCallStatus::Ringing),
        ("in-progress", TwilioCallStatus::InProgress),
        ("completed", TwilioCallStatus::Completed),
        ("busy", TwilioCallStatus::Busy),
        ("failed", TwilioCallStatus::Failed),
        ("no-answer", TwilioCallStatus::NoAnswer),
        ("canceled", TwilioCallStatus::Canceled),
    ];
    each_reads_as("CallStatus", &statuses, |call| call.status);
    let directions = [
        ("inbound", TwilioDirection::Inbound),
        ("outbound-api", TwilioDirection::OutboundApi),
        ("outbound-dial", TwilioDirection::OutboundDial),
    ];
    each_reads_as("Direction", &directions, |call| call.direction);
}

#[test]
fn missing_or_odd_fields_are_refused_with_a_code_naming_the_field() {
    let cases = [
        ("CallSid", None, "twilio_field_missing"),
        ("CallSid", Some("CA123"), "twilio_field_invalid"),
        (
            "CallSid",
            Some("AC5e8d1f2a3b4c4d6e8f9a0b1c2d3e4f5a"),
            "twilio_field_invalid",
        ),
        (
            "CallSid",
            Some("CA5e8d1f2a3b4c4d6e8f9a0b1c2d3e4fzz"),
            "twilio_field_invalid",
        ),
        ("AccountSid", None, "twilio_field_missing"),
        ("AccountSid", Some("ACnope"), "twilio_field_invalid"),
        ("From", None, "twilio_field_missing"),
        ("To", Some(""), "twilio_field_missing"),
        (
            "Direction",
            Some("trunking-originating"),
            "twilio_direction_unknown",
        ),
        ("CallStatus", None, "twilio_field_missing"),
        ("CallStatus", Some("answered"), "twilio_status_unknown"),
    ];
    for (field, value, code) in cases {
        let body = with_field(VOICE_REQUEST, field, value);
        let error = read(&body).unwrap_err();
        assert_eq!(error.code(), code, "{field}={value:?}: {error}");
        let message = error.to_string();
        let named = message.contains(field) || message.contains(value.unwrap_or_default());
        assert!(named, "{message}");
    }
    let numbers = [
        ("CallDuration", "-1"),
        ("CallDuration", "4.5"),
        ("SequenceNumber", "99999999999"),
    ];
    for (field, value) in numbers {
        let body = with_field(STATUS_COMPLETED, field, Some(value));
        let error = read(&body).unwrap_err();
        assert_eq!(error.code(), "twilio_field_invalid", "{error}");
        assert!(error.to_string().contains(field), "{error}");
    }
    let twice = format!("{VOICE_REQUEST}&CallStatus=completed");
    let error = read(&twice).unwrap_err();
    assert_eq!(error.code(), "twilio_field_invalid");
    assert!(error.to_string().contains("more than once"), "{error}");
}

#[test]
fn a_signed_voice_request_verifies_as_twilio_sent_it() {
    let url = "https://botwot.example/webhooks/twilio/voice?org=ten_1";
    let params = parse_form(VOICE_REQUEST.as_bytes()).unwrap();
    let signature = request_signature(b"auth-token", url, &params).unwrap();
    assert_eq!(
        verify_request(b"auth-token", Some(&signature), url, &params),
        Ok(())
    );
    let forged = with_field(VOICE_REQUEST, "From", Some("%2B10000000000"));
    let forged = parse_form(forged.as_bytes()).unwrap();
    assert_eq!(
        verify_request(b"auth-token", Some(&signature), url, &forged)
            .unwrap_err()
            .code(),
        "signature_mismatch"
    );
}
