//! OpenAI-compatible and Azure OpenAI chat: answers parsed, request shapes, streamed deltas.

use super::fake_server::{Reply, openai_completion, serve};
use botwot_adapters::llm::{
    ChatCompletion, ChatMessage, ChatModel, ChatRequest, LlmError, LlmHttp, OpenAiChat,
    OpenAiTarget,
};
use botwot_engine::tools::{ToolCall, ToolSpec};
use std::time::Duration;

pub fn request() -> ChatRequest {
    ChatRequest {
        messages: vec![
            ChatMessage::system("You are a helpful assistant."),
            ChatMessage::user("Hello!"),
        ],
        max_tokens: 64,
        temperature: 0.2,
        json_object: false,
        tools: Vec::new(),
    }
}

pub fn openai_at(base_url: &str) -> OpenAiChat {
    OpenAiChat::new(
        OpenAiTarget::Compatible {
            base_url: format!("{base_url}/v1"),
            api_key: Some("sk-test".into()),
            model: "gpt-4o-mini".into(),
        },
        LlmHttp::new(Duration::from_secs(5)).expect("client"),
    )
    .expect("openai")
}

#[tokio::test]
async fn openai_answers_are_read_from_the_first_choice() {
    let (base, seen) = serve(|request, _| {
        assert_eq!(request.path_and_query, "/v1/chat/completions");
        Reply::json(openai_completion(
            "Hello there, how may I assist you today?",
        ))
    })
    .await;
    let completion = openai_at(&base).complete(&request()).await.expect("answer");
    assert_eq!(completion.text, "Hello there, how may I assist you today?");

    let sent = seen.last();
    assert_eq!(sent.method, "POST");
    assert_eq!(sent.header("authorization"), Some("Bearer sk-test"));
    assert_eq!(sent.header("content-type"), Some("application/json"));
    let body = sent.json();
    assert_eq!(body["model"], "gpt-4o-mini");
    assert_eq!(body["messages"][0]["role"], "system");
    assert_eq!(body["messages"][1]["content"], "Hello!");
    assert_eq!(body["max_tokens"], 64);
    assert_eq!(body["stream"], false);
}

#[tokio::test]
async fn azure_requests_name_the_deployment_version_and_key() {
    let (base, seen) = serve(|request, _| {
        let shaped = request.path_and_query
            == "/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21"
            && request.header("api-key") == Some("azure-key")
            && request.header("authorization").is_none()
            && request.json().get("model").is_none();
        if shaped {
            Reply::json(openai_completion("From Azure."))
        } else {
            Reply::status(401, r#"{"error":{"code":"401","message":"Access denied"}}"#)
        }
    })
    .await;
    let azure = OpenAiChat::new(
        OpenAiTarget::Azure {
            endpoint: base,
            deployment: "gpt-4o".into(),
            api_version: "2024-10-21".into(),
            api_key: "azure-key".into(),
        },
        LlmHttp::new(Duration::from_secs(5)).expect("client"),
    )
    .expect("azure");
    let completion = azure.complete(&request()).await.expect("answer");
    assert_eq!(completion.text, "From Azure.");
    assert_eq!(azure.name(), "azure");
    assert_eq!(seen.count(), 1);
}

/// What `model` streams for [`request`]: its outcome, and the deltas it passed on.
pub async fn streamed(model: &dyn ChatModel) -> (Result<ChatCompletion, LlmError>, Vec<String>) {
    let mut deltas = Vec::new();
    let outcome = model
        .complete_streaming(&request(), &mut |delta| deltas.push(delta.to_owned()))
        .await;
    (outcome, deltas)
}

/// OpenAI's published streaming example: a role chunk, content chunks, a finish chunk, `[DONE]`.
pub fn stream_of(pieces: &[&str]) -> String {
    let chunk = |delta: serde_json::Value, finish: Option<&str>| {
        serde_json::json!({
            "id": "chatcmpl-123",
            "object": "chat.completion.chunk",
            "created": 1694268190,
            "model": "gpt-4o-mini",
            "system_fingerprint": "fp_44709d6fcb",
            "choices": [{"index": 0, "delta": delta, "logprobs": null, "finish_reason": finish}]
        })
    };
    let mut events = vec![chunk(
        serde_json::json!({"role": "assistant", "content": ""}),
        None,
    )];
    events.extend(
        pieces
            .iter()
            .map(|piece| chunk(serde_json::json!({"content": piece}), None)),
    );
    events.push(chunk(serde_json::json!({}), Some("stop")));
    let mut body: String = events
        .iter()
        .map(|event| format!("data: {event}\n\n"))
        .collect();
    body.push_str("data: [DONE]\n\n");
    body
}

#[tokio::test]
async fn streamed_deltas_arrive_in_order_and_assemble_the_reply() {
    let (base, seen) =
        serve(|_, _| Reply::event_stream(stream_of(&["Hel", "lo", " there", "!"]))).await;
    let (completion, deltas) = streamed(&openai_at(&base)).await;
    let completion = completion.expect("streamed answer");
    assert_eq!(deltas, vec!["Hel", "lo", " there", "!"]);
    assert_eq!(completion.text, "Hello there!");
    assert_eq!(seen.last().json()["stream"], true);
}

#[tokio::test]
async fn a_stream_cut_before_done_is_malformed() {
    let (base, _) = serve(|_, _| {
        let mut body = stream_of(&["partial"]);
        body.truncate(body.len() - "data: [DONE]\n\n".len());
        Reply::event_stream(body)
    })
    .await;
    let outcome = openai_at(&base)
        .complete_streaming(&request(), &mut |_| {})
        .await;
    assert!(
        matches!(outcome, Err(LlmError::Malformed(_))),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn tools_are_offered_called_and_answered_in_openais_shape() {
    let (base, seen) = serve(|_, _| {
        // OpenAI's documented reply when the model calls a function: no content, `tool_calls`.
        Reply::json(serde_json::json!({
            "id": "chatcmpl-abc123",
            "object": "chat.completion",
            "model": "gpt-4o-mini",
            "choices": [{
                "index": 0,
                "message": {
                    "role": "assistant",
                    "content": null,
                    "tool_calls": [{
                        "id": "call_abc123",
                        "type": "function",
                        "function": {"name": "update_lead", "arguments": "{\"scope\":\"fullHome\"}"}
                    }]
                },
                "finish_reason": "tool_calls"
            }]
        })
        .to_string())
    })
    .await;
    let earlier = ToolCall {
        id: "call_0".into(),
        name: "get_lead".into(),
        arguments: "{}".into(),
    };
    let mut asked = request();
    asked
        .messages
        .push(ChatMessage::tool_calls("", vec![earlier]));
    asked
        .messages
        .push(ChatMessage::tool_result("call_0", r#"{"found":false}"#));
    asked.tools = vec![ToolSpec {
        name: "update_lead".into(),
        description: "Saves the contact's project".into(),
        parameters: serde_json::json!({"type": "object", "properties": {"scope": {"type": "string"}}}),
    }];
    let model = openai_at(&base);
    assert!(model.calls_tools());
    let completion = model.complete(&asked).await.expect("answer");
    assert_eq!(completion.text, "");
    assert_eq!(
        completion.tool_calls,
        vec![ToolCall {
            id: "call_abc123".into(),
            name: "update_lead".into(),
            arguments: r#"{"scope":"fullHome"}"#.into(),
        }]
    );

    let body = seen.last().json();
    assert_eq!(body["tools"][0]["type"], "function");
    assert_eq!(body["tools"][0]["function"]["name"], "update_lead");
    assert_eq!(
        body["tools"][0]["function"]["parameters"]["properties"]["scope"]["type"],
        "string"
    );
    let call = &body["messages"][2];
    assert_eq!(call["role"], "assistant");
    assert_eq!(call["content"], serde_json::Value::Null);
    assert_eq!(call["tool_calls"][0]["id"], "call_0");
    assert_eq!(call["tool_calls"][0]["type"], "function");
    assert_eq!(call["tool_calls"][0]["function"]["name"], "get_lead");
    assert_eq!(call["tool_calls"][0]["function"]["arguments"], "{}");
    let result = &body["messages"][3];
    assert_eq!(result["role"], "tool");
    assert_eq!(result["tool_call_id"], "call_0");
    assert_eq!(result["content"], r#"{"found":false}"#);
    assert!(
        body["messages"][1].get("tool_calls").is_none(),
        "plain messages carry no tool fields"
    );
}

#[tokio::test]
async fn a_reply_with_neither_words_nor_calls_is_malformed() {
    let (base, _) = serve(|_, _| {
        Reply::json(
            serde_json::json!({"choices": [{"message": {"role": "assistant", "content": null}}]})
                .to_string(),
        )
    })
    .await;
    let error = openai_at(&base)
        .complete(&request())
        .await
        .expect_err("malformed");
    assert!(matches!(error, LlmError::Malformed(_)), "{error:?}");
}
