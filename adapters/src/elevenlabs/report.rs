//! A conversation ElevenLabs reports (from its API or its post-call webhook, read by
//! [`botwot_webhooks::elevenlabs`]) as the engine's [`CallReport`]: the transcript turn by
//! turn, the analysis's summary and verdict, its evaluation criteria and collected data, why
//! the call ended and how long it lasted. One mapping for both ways a report arrives.

use botwot_engine::voice::CallReport;
use botwot_webhooks::elevenlabs as el;

/// The engine's report of `conversation` (the reader already holds it in the engine's types,
/// its transcript cut at `MAX_TURNS`).
pub fn call_report(conversation: el::Conversation) -> CallReport {
    let el::Conversation {
        transcript,
        summary,
        call_successful,
        evaluation,
        data_collection,
        termination_reason,
        call_duration_secs,
        ..
    } = conversation;
    CallReport {
        transcript,
        summary,
        successful: call_successful,
        evaluation,
        data_collection,
        termination_reason,
        duration_secs: call_duration_secs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use botwot_engine::voice::{CallSuccess, Collected, Criterion, Speaker, TranscriptTurn};
    use serde_json::json;

    #[test]
    fn every_part_of_the_conversation_is_kept() {
        let body = json!({
            "agent_id": "agent_01", "conversation_id": "conv_01", "status": "done",
            "transcript": [
                {"role": "agent", "message": "Hello, this is Sunrise Dental.", "time_in_call_secs": 0},
                {"role": "agent", "message": null, "tool_calls": [{"tool_name": "lookup"}], "time_in_call_secs": 3},
                {"role": "user", "message": "I'd like Tuesday.", "time_in_call_secs": 4.6}
            ],
            "metadata": {"start_time_unix_secs": 1_700_000_000, "call_duration_secs": 42,
                         "termination_reason": "end_call tool was called.",
                         "phone_call": {"type": "twilio", "call_sid": "CA0123456789abcdef0123456789abcdef"}},
            "analysis": {
                "call_successful": "success", "transcript_summary": "Booked Tuesday.",
                "evaluation_criteria_results": {"booked": {"criteria_id": "booked", "result": "success", "rationale": "A slot was agreed."}},
                "data_collection_results": {"day": {"data_collection_id": "day", "value": "Tuesday", "rationale": "Said so."}}
            }
        });
        let conversation = el::parse_conversation(body.to_string().as_bytes()).expect("readable");

        let report = call_report(conversation);

        assert_eq!(
            report,
            CallReport {
                transcript: vec![
                    TranscriptTurn {
                        role: Speaker::Agent,
                        message: "Hello, this is Sunrise Dental.".into(),
                        time_in_call_secs: Some(0),
                    },
                    TranscriptTurn {
                        role: Speaker::User,
                        message: "I'd like Tuesday.".into(),
                        time_in_call_secs: Some(4),
                    },
                ],
                summary: Some("Booked Tuesday.".into()),
                successful: Some(CallSuccess::Success),
                evaluation: vec![Criterion {
                    id: "booked".into(),
                    result: "success".into(),
                    rationale: "A slot was agreed.".into(),
                }],
                data_collection: vec![Collected {
                    id: "day".into(),
                    value: "Tuesday".into(),
                    rationale: "Said so.".into(),
                }],
                termination_reason: Some("end_call tool was called.".into()),
                duration_secs: Some(42),
            }
        );
    }

    #[test]
    fn a_conversation_without_analysis_has_an_empty_report() {
        let body =
            br#"{"agent_id": "agent_01", "conversation_id": "conv_02", "status": "processing"}"#;
        let conversation = el::parse_conversation(body).expect("readable");
        assert_eq!(call_report(conversation), CallReport::default());
    }
}
