//! Webhook bodies shaped like ElevenLabs' published post-call examples
//! (webhooks/tests/fixtures/elevenlabs), and conversations as its API returns them.

use super::*;
use serde_json::{Value, json};

const TRANSCRIPTION: &str =
    include_str!("../../tests/fixtures/elevenlabs/post_call_transcription.json");
const AUDIO: &str = include_str!("../../tests/fixtures/elevenlabs/post_call_audio.json");
const FAILURE_TWILIO: &str =
    include_str!("../../tests/fixtures/elevenlabs/call_initiation_failure.json");
const FAILURE_SIP: &str =
    include_str!("../../tests/fixtures/elevenlabs/call_initiation_failure_sip.json");

fn fixture(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

fn parse(value: &Value) -> Result<ElevenLabsEvent, ElevenLabsError> {
    parse_event(value.to_string().as_bytes())
}

fn conversation_of(value: &Value) -> Conversation {
    match parse(value).unwrap() {
        ElevenLabsEvent::PostCallTranscription(conversation) => conversation,
        other => panic!("not a transcription: {other:?}"),
    }
}

#[test]
fn a_transcription_webhook_carries_the_whole_conversation() {
    let Ok(ElevenLabsEvent::PostCallTranscription(conversation)) =
        parse_event(TRANSCRIPTION.as_bytes())
    else {
        panic!("a transcription");
    };
    assert_eq!(conversation.agent_id, "agent_7401k2q9w3e8r5t6y7u8i9o0p1");
    assert_eq!(
        conversation.conversation_id,
        "conv_3101k2qa4s5d6f7g8h9j0k1l2m"
    );
    assert_eq!(conversation.status, "done");
    let said: Vec<(Speaker, &str, Option<u32>)> = conversation
        .transcript
        .iter()
        .map(|turn| (turn.role, &turn.message[..10], turn.time_in_call_secs))
        .collect();
    assert_eq!(
        said,
        [
            (Speaker::Agent, "Hello Priy", Some(0)),
            (Speaker::User, "Yes, but c", Some(6)),
            (Speaker::Agent, "Done: Thur", Some(12)),
            (Speaker::User, "No, thank ", Some(19)),
        ],
        "the tool call turn (no message) is left out, 12.8 s is 12"
    );
    assert_eq!(conversation.start_time_unix_secs, Some(1_784_021_331));
    assert_eq!(conversation.call_duration_secs, Some(24));
    assert_eq!(
        conversation.call_sid.as_deref(),
        Some("CA9a8b7c6d5e4f40312a3b4c5d6e7f8091")
    );
    assert_eq!(
        conversation.termination_reason.as_deref(),
        Some("Call ended by remote party")
    );
    assert_eq!(conversation.call_successful, Some(CallSuccess::Success));
    assert!(conversation.summary.unwrap().contains("Thursday at 10:30"));
    assert_eq!(
        conversation.evaluation,
        [
            Criterion {
                id: "appointment_confirmed".into(),
                result: "success".into(),
                rationale: "The caller agreed to a new slot on Thursday.".into(),
            },
            Criterion {
                id: "polite_close".into(),
                result: "unknown".into(),
                rationale: "The caller hung up first.".into(),
            },
        ]
    );
    let collected: Vec<(&str, &str)> = conversation
        .data_collection
        .iter()
        .map(|item| (item.id.as_str(), item.value.as_str()))
        .collect();
    assert_eq!(
        collected,
        [
            ("insurer", ""),
            ("new_day", "thursday"),
            ("party_size", "1"),
            ("wants_sms", "true")
        ]
    );
    assert_eq!(
        conversation.data_collection[1].rationale,
        "The caller asked for Thursday."
    );
    let variables = &conversation.dynamic_variables;
    assert_eq!(variables["customer_name"], "Priya");
    assert_eq!(variables["attempt"], "2");
    assert_eq!(variables["vip"], "false");
    assert_eq!(variables["notes"], "");
    assert_eq!(
        variables["system__call_sid"],
        "CA9a8b7c6d5e4f40312a3b4c5d6e7f8091"
    );
    assert_eq!(variables.len(), 7);
}

#[test]
fn a_conversation_from_the_api_reads_as_the_webhooks_data() {
    let webhook = fixture(TRANSCRIPTION);
    let from_api = parse_conversation(webhook["data"].to_string().as_bytes()).unwrap();
    assert_eq!(from_api, conversation_of(&webhook));

    let running = json!({
        "agent_id": "agent_1", "conversation_id": "conv_1", "status": "in-progress",
        "transcript": [], "metadata": {"start_time_unix_secs": 1_784_021_331,
        "call_duration_secs": 0}, "analysis": null, "has_audio": false
    });
    let running = parse_conversation(running.to_string().as_bytes()).unwrap();
    assert_eq!(running.status, "in-progress");
    assert_eq!((running.call_successful, running.summary), (None, None));
    assert!(running.evaluation.is_empty() && running.dynamic_variables.is_empty());
    assert_eq!(running.call_sid, None);

    let bare = parse_conversation(br#"{"agent_id":"a","conversation_id":"c"}"#).unwrap();
    assert_eq!(bare.status, "");
    assert!(bare.transcript.is_empty());
}

#[test]
fn an_audio_webhook_carries_the_decoded_mp3() {
    let Ok(ElevenLabsEvent::PostCallAudio {
        agent_id,
        conversation_id,
        audio,
    }) = parse_event(AUDIO.as_bytes())
    else {
        panic!("an audio webhook");
    };
    assert_eq!(agent_id, "agent_7401k2q9w3e8r5t6y7u8i9o0p1");
    assert_eq!(conversation_id, "conv_3101k2qa4s5d6f7g8h9j0k1l2m");
    assert!(audio.starts_with(b"ID3\x04"), "{audio:?}");
    assert!(audio.ends_with(&[0xff, 0xfb, 0x90, 0x64]));
    assert_eq!(audio.len(), 46);

    let escaped = AUDIO.replace("//uQ", "\\/\\/uQ");
    assert_ne!(escaped, AUDIO);
    let Ok(ElevenLabsEvent::PostCallAudio { audio: same, .. }) = parse_event(escaped.as_bytes())
    else {
        panic!("JSON escapes in the Base64");
    };
    assert_eq!(same, audio);
}

#[test]
fn audio_that_is_not_base64_or_too_large_is_refused() {
    let mut webhook = fixture(AUDIO);
    webhook["data"]["full_audio"] = json!("SUQz*AAA");
    let error = parse(&webhook).unwrap_err();
    assert_eq!(error.code(), "elevenlabs_field_invalid");
    assert!(error.to_string().contains("full_audio"), "{error}");

    // Base64 of MAX_AUDIO_BYTES + 1 bytes (a multiple of 3: no padding), built in place, as
    // one copy of some 70 MB rather than three; refused before it is decoded.
    let digits = (MAX_AUDIO_BYTES + 1) / 3 * 4;
    assert_eq!((MAX_AUDIO_BYTES + 1) % 3, 0);
    let mut body = String::with_capacity(digits + 100);
    body.push_str(r#"{"type":"post_call_audio","data":{"agent_id":"a","conversation_id":"c","#);
    body.push_str(r#""full_audio":""#);
    body.extend(std::iter::repeat_n('A', digits));
    body.push_str(r#""}}"#);
    assert_eq!(
        parse_event(body.as_bytes()).unwrap_err(),
        ElevenLabsError::AudioTooLarge {
            limit_bytes: MAX_AUDIO_BYTES
        }
    );
    webhook["data"]["full_audio"] = json!("");
    assert_eq!(
        parse(&webhook).unwrap_err().code(),
        "elevenlabs_field_missing"
    );
}

#[test]
fn a_failed_initiation_names_the_twilio_call() {
    let event = parse_event(FAILURE_TWILIO.as_bytes()).unwrap();
    assert_eq!(
        event,
        ElevenLabsEvent::CallInitiationFailure {
            agent_id: "agent_7401k2q9w3e8r5t6y7u8i9o0p1".into(),
            conversation_id: "conv_4201k2qc7v8b9n0m1q2w3e4r5t".into(),
            failure_reason: "no-answer".into(),
            call_sid: Some("CA0b1c2d3e4f5a46b7c8d9e0f1a2b3c4d5".into()),
        }
    );
    let Ok(ElevenLabsEvent::CallInitiationFailure {
        failure_reason,
        call_sid,
        ..
    }) = parse_event(FAILURE_SIP.as_bytes())
    else {
        panic!("a failed initiation over SIP");
    };
    assert_eq!((failure_reason.as_str(), call_sid), ("busy", None));

    let mut bare = fixture(FAILURE_TWILIO);
    bare["data"].as_object_mut().unwrap().remove("metadata");
    let Ok(ElevenLabsEvent::CallInitiationFailure { call_sid, .. }) = parse(&bare) else {
        panic!("a failed initiation without metadata");
    };
    assert_eq!(call_sid, None);
}

#[test]
fn other_types_are_acknowledged_never_refused() {
    let notice = json!({"type": "voice_removal_notice", "event_timestamp": 1,
        "data": {"voice_id": "v1", "status": 7, "transcript": "not a list"}});
    assert_eq!(
        parse(&notice).unwrap(),
        ElevenLabsEvent::Other {
            kind: "voice_removal_notice".into()
        }
    );
    let no_data = json!({"type": "something_new"});
    assert_eq!(
        parse(&no_data).unwrap(),
        ElevenLabsEvent::Other {
            kind: "something_new".into()
        }
    );
}

#[test]
fn unreadable_bodies_and_missing_ids_are_refused_with_a_code() {
    let cases = [
        (
            json!([{"type": "post_call_audio"}]),
            "elevenlabs_body_malformed",
        ),
        (json!({"type": 5, "data": {}}), "elevenlabs_body_malformed"),
        (json!({"data": {}}), "elevenlabs_field_missing"),
        (
            json!({"type": "post_call_audio"}),
            "elevenlabs_field_missing",
        ),
        (
            json!({"type": "post_call_transcription", "data": null}),
            "elevenlabs_field_missing",
        ),
        (
            json!({"type": "post_call_transcription", "data": ["agent", "conv"]}),
            "elevenlabs_body_malformed",
        ),
        (
            json!({"type": "post_call_transcription", "data": {"agent_id": "a"}}),
            "elevenlabs_field_missing",
        ),
        (
            json!({"type": "post_call_transcription",
                   "data": {"agent_id": 1, "conversation_id": "c"}}),
            "elevenlabs_field_invalid",
        ),
        (
            json!({"type": "call_initiation_failure",
                   "data": {"agent_id": "a", "conversation_id": "c"}}),
            "elevenlabs_field_missing",
        ),
    ];
    for (body, code) in cases {
        let error = parse(&body).unwrap_err();
        assert_eq!(error.code(), code, "{body}: {error}");
    }
    assert_eq!(
        parse_event(b"{").unwrap_err().code(),
        "elevenlabs_body_malformed"
    );
    assert_eq!(
        parse_event(b"").unwrap_err().code(),
        "elevenlabs_body_malformed"
    );
    let error =
        parse(&json!({"type": "post_call_transcription", "data": {"agent_id": "a"}})).unwrap_err();
    assert_eq!(error.to_string(), "the conversation_id field is missing");
}

#[test]
fn odd_values_in_the_conversation_are_refused_or_left_out() {
    let mut webhook = fixture(TRANSCRIPTION);
    webhook["data"]["transcript"][1]["role"] = json!("narrator");
    let error = parse(&webhook).unwrap_err();
    assert_eq!(error.code(), "elevenlabs_field_invalid");
    assert!(error.to_string().contains("narrator"), "{error}");

    // A verdict ElevenLabs adds later is read as unknown, not a reason to refuse the report.
    let mut webhook = fixture(TRANSCRIPTION);
    webhook["data"]["analysis"]["call_successful"] = json!("maybe");
    assert_eq!(
        conversation_of(&webhook).call_successful,
        Some(CallSuccess::Unknown)
    );

    let mut webhook = fixture(TRANSCRIPTION);
    webhook["data"]["transcript"][0]["time_in_call_secs"] = json!("soon");
    webhook["data"]["transcript"][1]["message"] = json!("");
    webhook["data"]["metadata"]["call_duration_secs"] = json!(-3);
    webhook["data"]["metadata"]["phone_call"] = json!(null);
    webhook["data"]["analysis"]["evaluation_criteria_results"] = json!([]);
    webhook["data"]["conversation_initiation_client_data"]["dynamic_variables"] = json!("x");
    let conversation = conversation_of(&webhook);
    assert_eq!(conversation.transcript.len(), 3);
    assert_eq!(conversation.transcript[0].time_in_call_secs, None);
    assert_eq!(conversation.call_duration_secs, None);
    assert_eq!(conversation.call_sid, None);
    assert!(conversation.evaluation.is_empty());
    assert!(conversation.dynamic_variables.is_empty());
    assert_eq!(conversation.data_collection.len(), 4);
}

#[test]
fn a_transcript_longer_than_the_limit_is_refused() {
    let turn = json!({"role": "user", "message": "hi", "time_in_call_secs": 1});
    let mut webhook = fixture(TRANSCRIPTION);
    webhook["data"]["transcript"] = Value::Array(vec![turn.clone(); MAX_TURNS]);
    assert_eq!(conversation_of(&webhook).transcript.len(), MAX_TURNS);
    webhook["data"]["transcript"] = Value::Array(vec![turn; MAX_TURNS + 1]);
    assert_eq!(
        parse(&webhook).unwrap_err(),
        ElevenLabsError::TranscriptTooLong { limit: MAX_TURNS }
    );
}

#[test]
fn a_signed_webhook_verifies_and_reads() {
    let secret = b"wsec_clinic";
    let header = webhook_signature(secret, 1_784_021_400, TRANSCRIPTION.as_bytes()).unwrap();
    let body = TRANSCRIPTION.as_bytes();
    assert_eq!(
        verify_webhook(secret, Some(&header), body, 1_784_021_460),
        Ok(())
    );
    assert!(parse_event(body).is_ok());
    let stale = verify_webhook(
        secret,
        Some(&header),
        body,
        1_784_021_400 + TOLERANCE_SECS + 1,
    );
    assert_eq!(stale.unwrap_err().code(), "signature_stale");
}
