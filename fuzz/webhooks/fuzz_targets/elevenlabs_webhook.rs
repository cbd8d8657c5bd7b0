//! Feeds arbitrary bytes, as an ElevenLabs post-call webhook body, to the event and
//! conversation readers and to the `ElevenLabs-Signature` check, with header values and a
//! timestamp cut from the same bytes (the seeds in fuzz/webhooks/seeds include a transcription
//! webhook shaped like ElevenLabs' examples).
//!
//! Must hold: nothing panics; a refused body has a stable `elevenlabs_*` code and a refused
//! signature a `signature_*` one; what is read keeps the limits (turns, audio size) and has its
//! ids; the header ElevenLabs would send always verifies within the tolerance and is
//! `signature_stale` past it.

#![no_main]

use botwot_webhooks::elevenlabs::{
    Conversation, ElevenLabsEvent, ElevenLabsSignatureError, MAX_AUDIO_BYTES, MAX_TURNS,
    TOLERANCE_SECS, parse_conversation, parse_event, verify_webhook, webhook_signature,
};
use libfuzzer_sys::fuzz_target;

const SECRET: &[u8] = b"fuzzing-webhook-secret";

fuzz_target!(|body: &[u8]| {
    match parse_event(body) {
        Ok(event) => check_event(&event),
        Err(error) => assert!(error.code().starts_with("elevenlabs_"), "{error:?}"),
    }
    match parse_conversation(body) {
        Ok(conversation) => check_conversation(&conversation),
        Err(error) => assert!(error.code().starts_with("elevenlabs_"), "{error:?}"),
    }
    let mut first = [0u8; 8];
    let taken = body.len().min(8);
    first[..taken].copy_from_slice(&body[..taken]);
    let at = u64::from_le_bytes(first) % 10_000_000_000;
    check_signature(body, at);
});

fn check_event(event: &ElevenLabsEvent) {
    match event {
        ElevenLabsEvent::PostCallTranscription(conversation) => check_conversation(conversation),
        ElevenLabsEvent::PostCallAudio {
            agent_id,
            conversation_id,
            audio,
        } => {
            assert!(!agent_id.is_empty() && !conversation_id.is_empty());
            assert!(audio.len() <= MAX_AUDIO_BYTES);
        }
        ElevenLabsEvent::CallInitiationFailure {
            agent_id,
            conversation_id,
            failure_reason,
            ..
        } => assert!(
            !agent_id.is_empty() && !conversation_id.is_empty() && !failure_reason.is_empty()
        ),
        ElevenLabsEvent::Other { .. } => {}
    }
}

fn check_conversation(conversation: &Conversation) {
    assert!(!conversation.agent_id.is_empty() && !conversation.conversation_id.is_empty());
    assert!(conversation.transcript.len() <= MAX_TURNS);
    assert!(
        conversation
            .transcript
            .iter()
            .all(|turn| !turn.message.is_empty())
    );
}

fn check_signature(body: &[u8], at: u64) {
    let genuine = webhook_signature(SECRET, at, body).expect("a non-empty secret signs");
    for now in [at, at + TOLERANCE_SECS, at.saturating_sub(TOLERANCE_SECS)] {
        assert_eq!(verify_webhook(SECRET, Some(&genuine), body, now), Ok(()));
    }
    assert_eq!(
        verify_webhook(SECRET, Some(&genuine), body, at + TOLERANCE_SECS + 1),
        Err(ElevenLabsSignatureError::Stale)
    );
    assert_eq!(
        verify_webhook(b"", Some(&genuine), body, at),
        Err(ElevenLabsSignatureError::NoSecret)
    );
    let head = String::from_utf8_lossy(&body[..body.len().min(120)]);
    for header in [None, Some(&*head), std::str::from_utf8(body).ok()] {
        if let Err(error) = verify_webhook(SECRET, header, body, at) {
            assert!(error.code().starts_with("signature_"), "{error:?}");
        }
        if let Some(header) = header
            && !header.contains("t=")
        {
            assert_eq!(
                verify_webhook(SECRET, Some(header), body, at),
                Err(ElevenLabsSignatureError::MalformedHeader),
                "{header:?}"
            );
        }
    }
}
