//! Bedrock Converse: the request is Converse-shaped and carries a SigV4 signature the server
//! recomputes from what it received.

use super::fake_server::{Captured, Reply, serve};
use super::openai::request;
use botwot_adapters::llm::sigv4::{SignableRequest, SigningScope, authorization};
use botwot_adapters::llm::{AwsCredentials, BedrockConverse, ChatModel, LlmHttp};
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
    let bedrock = BedrockConverse::new(
        REGION,
        Some(&base),
        MODEL_ID,
        credentials(),
        LlmHttp::new(Duration::from_secs(5)).expect("client"),
    )
    .expect("bedrock");
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
    let bedrock = BedrockConverse::new(
        REGION,
        Some(&base),
        MODEL_ID,
        wrong,
        LlmHttp::new(Duration::from_secs(5)).expect("client"),
    )
    .expect("bedrock");
    assert!(bedrock.complete(&request()).await.is_err());
}
