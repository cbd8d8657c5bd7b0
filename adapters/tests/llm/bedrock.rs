//! Bedrock Converse and ConverseStream: the request is Converse-shaped and carries a SigV4
//! signature the server recomputes from what it received; streamed answers are event-stream
//! frames shaped as Bedrock sends them, delivered in pieces that cut frames anywhere.

use super::fake_server::{Captured, Reply, serve};
use super::openai::{request, streamed};
use super::resilience::fast_policy;
use botwot_adapters::llm::event_stream::{HeaderValue, encode_message};
use botwot_adapters::llm::sigv4::{SignableRequest, SigningScope, authorization};
use botwot_adapters::llm::{
    AwsCredentials, BedrockConverse, ChatModel, LlmError, LlmHttp, ResilientChat,
};
use botwot_engine::Timestamp;
use botwot_engine::time::ManualClock;
use std::sync::Arc;
use std::time::Duration;

const MODEL_ID: &str = "anthropic.claude-3-haiku-20240307-v1:0";
const REGION: &str = "us-west-2";

fn credentials() -> AwsCredentials {
    AwsCredentials {
        access_key_id: "AKIDEXAMPLE".into(),
        secret_access_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".into(),
        session_token: Some("session-token-example".into()),
    }
}

/// The `Authorization` the server expects for what it received, computed with the secret.
fn expected_authorization(received: &Captured) -> String {
    let signed_names = ["content-type", "host", "x-amz-date", "x-amz-security-token"];
    let headers: Vec<(String, String)> = signed_names
        .iter()
        .map(|name| {
            let value = received.header(name).unwrap_or_default().to_owned();
            ((*name).to_owned(), value)
        })
        .collect();
    let amz_date = received.header("x-amz-date").unwrap_or_default();
    authorization(
        &SignableRequest {
            method: &received.method,
            path: &received.path_and_query,
            query: "",
            headers: &headers,
            payload: &received.body,
        },
        &SigningScope {
            region: REGION,
            service: "bedrock",
            amz_date,
        },
        &credentials(),
    )
}

fn bedrock_at(base: &str, credentials: AwsCredentials) -> BedrockConverse {
    BedrockConverse::new(
        REGION,
        Some(base),
        MODEL_ID,
        credentials,
        LlmHttp::new(Duration::from_secs(5)).expect("client"),
    )
    .expect("bedrock")
}

/// Bedrock's published Converse response shape.
fn converse_answer(text: &str) -> String {
    serde_json::json!({
        "output": {"message": {"role": "assistant", "content": [{"text": text}]}},
        "stopReason": "end_turn",
        "usage": {"inputTokens": 30, "outputTokens": 12, "totalTokens": 42},
        "metrics": {"latencyMs": 1275}
    })
    .to_string()
}

#[tokio::test]
async fn converse_requests_are_signed_and_shaped_as_documented() {
    let (base, seen) = serve(|received, _| {
        if received.header("authorization") == Some(expected_authorization(received).as_str()) {
            Reply::json(converse_answer("Hi from Bedrock."))
        } else {
            Reply::status(
                403,
                r#"{"message":"The request signature we calculated does not match"}"#,
            )
        }
    })
    .await;
    let bedrock = bedrock_at(&base, credentials());
    let completion = bedrock.complete(&request()).await.expect("signed answer");
    assert_eq!(completion.text, "Hi from Bedrock.");

    let sent = seen.last();
    assert_eq!(
        sent.path_and_query,
        "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse"
    );
    let amz_date = sent.header("x-amz-date").expect("x-amz-date");
    assert!(
        amz_date.len() == 16 && amz_date.ends_with('Z') && amz_date.as_bytes()[8] == b'T',
        "{amz_date}"
    );
    let authorization = sent.header("authorization").expect("authorization");
    let expected_start = format!(
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/{}/{REGION}/bedrock/aws4_request, \
         SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature=",
        &amz_date[..8]
    );
    assert!(
        authorization.starts_with(&expected_start),
        "{authorization}"
    );
    let signature = &authorization[expected_start.len()..];
    assert!(
        signature.len() == 64 && signature.chars().all(|c| c.is_ascii_hexdigit()),
        "{signature}"
    );
    assert_eq!(
        sent.header("x-amz-security-token"),
        Some("session-token-example")
    );
    let body = sent.json();
    assert_eq!(body["system"][0]["text"], "You are a helpful assistant.");
    assert_eq!(body["messages"][0]["role"], "user");
    assert_eq!(body["messages"][0]["content"][0]["text"], "Hello!");
    assert_eq!(body["inferenceConfig"]["maxTokens"], 64);
}

#[tokio::test]
async fn a_wrong_secret_does_not_verify() {
    let (base, _) = serve(|received, _| {
        if received.header("authorization") == Some(expected_authorization(received).as_str()) {
            Reply::json(converse_answer("should not happen"))
        } else {
            Reply::status(403, r#"{"message":"signature mismatch"}"#)
        }
    })
    .await;
    let mut wrong = credentials();
    wrong.secret_access_key = "not-the-secret".into();
    let bedrock = bedrock_at(&base, wrong);
    assert!(bedrock.complete(&request()).await.is_err());
}

/// One event-stream message with ConverseStream's headers: `kind` is the `:message-type`
/// (`event`, `exception`), `name` its `:event-type` or `:exception-type`.
fn frame(kind: &str, name: &str, payload: serde_json::Value) -> Vec<u8> {
    let name_header = if kind == "event" {
        ":event-type"
    } else {
        ":exception-type"
    };
    let string = |value: &str| HeaderValue::String(value.to_owned());
    encode_message(
        &[
            (name_header, string(name)),
            (":content-type", string("application/json")),
            (":message-type", string(kind)),
        ],
        payload.to_string().as_bytes(),
    )
    .expect("encode")
}

/// Bedrock's padding field, which varies in length so event sizes reveal nothing.
const PADDING: &str = "abcdefghijklmnopqrstuvwxyzABCDEFGH";

/// ConverseStream's documented event sequence for a text reply in `pieces`.
fn converse_stream_of(pieces: &[&str]) -> Vec<Vec<u8>> {
    let mut frames = vec![frame(
        "event",
        "messageStart",
        serde_json::json!({"p": PADDING, "role": "assistant"}),
    )];
    frames.extend(pieces.iter().map(|piece| {
        frame(
            "event",
            "contentBlockDelta",
            serde_json::json!({"contentBlockIndex": 0, "delta": {"text": piece}, "p": PADDING}),
        )
    }));
    frames.push(frame(
        "event",
        "contentBlockStop",
        serde_json::json!({"contentBlockIndex": 0, "p": PADDING}),
    ));
    frames.push(frame(
        "event",
        "messageStop",
        serde_json::json!({"p": PADDING, "stopReason": "end_turn"}),
    ));
    frames.push(frame(
        "event",
        "metadata",
        serde_json::json!({
            "metrics": {"latencyMs": 412},
            "p": PADDING,
            "usage": {"inputTokens": 30, "outputTokens": 12, "totalTokens": 42}
        }),
    ));
    frames
}

/// `frames` as one stream sent in pieces: a cut a third of the way into each frame and one
/// two thirds in, so no piece holds a whole frame on its own.
fn in_cut_pieces(frames: &[Vec<u8>]) -> Reply {
    let mut cuts = Vec::new();
    let mut start = 0;
    for frame in frames {
        cuts.extend([start + frame.len() / 3, start + 2 * frame.len() / 3]);
        start += frame.len();
    }
    Reply::aws_event_stream(frames.concat()).in_pieces(&cuts)
}

#[tokio::test]
async fn converse_stream_deltas_arrive_in_order_from_frames_cut_anywhere() {
    let (base, seen) = serve(|received, _| {
        if received.header("authorization") == Some(expected_authorization(received).as_str()) {
            in_cut_pieces(&converse_stream_of(&["Hel", "lo from", " Bedrock", "."]))
        } else {
            Reply::status(403, r#"{"message":"signature mismatch"}"#)
        }
    })
    .await;
    let (completion, deltas) = streamed(&bedrock_at(&base, credentials())).await;
    let completion = completion.expect("streamed answer");
    assert_eq!(deltas, vec!["Hel", "lo from", " Bedrock", "."]);
    assert_eq!(completion.text, "Hello from Bedrock.");

    let sent = seen.last();
    assert_eq!(seen.count(), 1);
    assert_eq!(
        sent.path_and_query,
        "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse-stream"
    );
    assert_eq!(
        sent.header("authorization"),
        Some(expected_authorization(&sent).as_str())
    );
    let body = sent.json();
    assert_eq!(body["messages"][0]["content"][0]["text"], "Hello!");
    assert_eq!(body["inferenceConfig"]["maxTokens"], 64);
}

#[tokio::test]
async fn a_throttling_exception_in_the_stream_is_rate_limiting() {
    let (base, _) = serve(|_, _| {
        let mut frames = converse_stream_of(&[]);
        frames.truncate(1);
        frames.push(frame(
            "exception",
            "throttlingException",
            serde_json::json!({"message": "Too many requests, please wait before trying again."}),
        ));
        in_cut_pieces(&frames)
    })
    .await;
    let outcome = bedrock_at(&base, credentials())
        .complete_streaming(&request(), &mut |_| {})
        .await;
    assert_eq!(outcome, Err(LlmError::RateLimited { retry_after: None }));
}

#[tokio::test]
async fn a_stream_cut_before_message_stop_is_malformed() {
    let (base, _) = serve(|_, _| {
        let frames = converse_stream_of(&["partial"]);
        // Up to the middle of messageStop: the stream stops inside a frame.
        let message_stop = &frames[frames.len() - 2];
        let mut cut = frames[..frames.len() - 2].to_vec();
        cut.push(message_stop[..message_stop.len() / 2].to_vec());
        in_cut_pieces(&cut)
    })
    .await;
    let (outcome, deltas) = streamed(&bedrock_at(&base, credentials())).await;
    assert!(
        matches!(&outcome, Err(LlmError::Malformed(text)) if text.contains("messageStop")),
        "{outcome:?}"
    );
    assert_eq!(deltas, vec!["partial"]);
}

#[tokio::test]
async fn a_corrupted_frame_is_malformed() {
    let (base, _) = serve(|_, _| {
        let mut frames = converse_stream_of(&["never", " shown"]);
        let delta = &mut frames[2];
        let in_payload = delta.len() - 10;
        delta[in_payload] ^= 0x01;
        in_cut_pieces(&frames)
    })
    .await;
    let (outcome, deltas) = streamed(&bedrock_at(&base, credentials())).await;
    assert!(
        matches!(&outcome, Err(LlmError::Malformed(text)) if text.contains("checksum")),
        "{outcome:?}"
    );
    // The frame before the corrupt one may have been read and emitted; nothing after it is.
    assert!(deltas.iter().all(|delta| delta == "never"), "{deltas:?}");
}

fn resilient_bedrock(base: &str) -> ResilientChat {
    let clock = Arc::new(ManualClock::starting_at(Timestamp(1_000_000)));
    ResilientChat::new(
        Arc::new(bedrock_at(base, credentials())),
        fast_policy(2),
        clock,
    )
}

#[tokio::test]
async fn a_stream_exception_before_any_text_is_retried() {
    let (base, seen) = serve(|_, hit| {
        if hit == 0 {
            in_cut_pieces(&[frame(
                "exception",
                "serviceUnavailableException",
                serde_json::json!({"message": "The service is unavailable."}),
            )])
        } else {
            in_cut_pieces(&converse_stream_of(&["Once", " only"]))
        }
    })
    .await;
    let (completion, deltas) = streamed(&resilient_bedrock(&base)).await;
    let completion = completion.expect("streamed after a retry");
    assert_eq!(deltas, vec!["Once", " only"]);
    assert_eq!(completion.text, "Once only");
    assert_eq!(seen.count(), 2);
}

#[tokio::test]
async fn a_stream_exception_after_text_is_not_retried() {
    let (base, seen) = serve(|_, _| {
        let mut frames = converse_stream_of(&["Half a"]);
        frames.truncate(2);
        frames.push(frame(
            "exception",
            "modelStreamErrorException",
            serde_json::json!({"message": "The model failed.", "originalStatusCode": 500}),
        ));
        in_cut_pieces(&frames)
    })
    .await;
    let (outcome, deltas) = streamed(&resilient_bedrock(&base)).await;
    assert!(
        matches!(&outcome, Err(error) if error.is_retryable()),
        "{outcome:?}"
    );
    assert_eq!(deltas, vec!["Half a"]);
    assert_eq!(seen.count(), 1);
}
