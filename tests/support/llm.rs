//! A local stand-in for OpenAI's chat-completions API (`POST /v1/chat/completions`), answering
//! every request with one fixed reply, so a test can tell the model's answers from the local
//! brain's: in the documented response shape, or, when the request says `"stream": true`, as
//! server-sent `chat.completion.chunk` events a word at a time, [`WORD_PAUSE`] apart, ending
//! with `data: [DONE]`. A request in JSON mode (`response_format: {"type": "json_object"}`) is a
//! conversation analysis and gets the JSON object it asks for. A request that offers the
//! `update_lead` tool gets a call of it with [`LEAD_DETAILS`] first, then, once the call's
//! result comes back in a `tool` message, [`LEAD_REPLY`]; every such request is kept.

use super::{Server, bot_settings};
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{Value, json};
use std::convert::Infallible;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The pause between two words of a streamed reply: long enough that a widget sees the answer
/// grow over several drafts.
pub const WORD_PAUSE: Duration = Duration::from_millis(60);

/// What the fake model says to every question.
pub const MODEL_REPLY: &str = "From the model: refunds reach your card within five working days.";

/// What the fake model says once the lead tool has answered.
pub const LEAD_REPLY: &str = "Thank you, Asha! A designer will call you tomorrow.";

/// The details the fake model saves with `update_lead`: a qualifying project, starting a month
/// from now.
pub fn lead_details() -> Value {
    let in_a_month = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_millis()
        + 30 * 24 * 3_600_000;
    let start = botwot_engine::Timestamp::from_millis(i64::try_from(in_a_month).expect("fits"))
        .to_rfc3339();
    json!({"fullName": "Asha Rao", "scope": "fullHome", "budgetFits": true,
        "startBy": &start[..10]})
}

#[derive(Clone, Default)]
struct Served {
    completions: Arc<AtomicUsize>,
    with_tools: Arc<Mutex<Vec<Value>>>,
}

pub struct FakeOpenAi {
    /// `http://127.0.0.1:{port}/v1`, the base URL a node's OpenAI configuration takes.
    pub base_url: String,
    /// `host:port`, to put a proxy in front of it.
    pub address: String,
    served: Served,
}

impl FakeOpenAi {
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the fake OpenAI API");
        let address = listener.local_addr().expect("address").to_string();
        let served = Served::default();
        let app = Router::new()
            .route("/v1/chat/completions", post(complete))
            .with_state(served.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self {
            base_url: format!("http://{address}/v1"),
            address,
            served,
        }
    }

    /// Chat completions answered so far.
    pub fn completions(&self) -> usize {
        self.served.completions.load(Ordering::SeqCst)
    }

    /// The requests that offered tools, in the order they came.
    pub fn requests_with_tools(&self) -> Vec<Value> {
        self.served.with_tools.lock().expect("lock").clone()
    }
}

async fn complete(State(served): State<Served>, Json(body): Json<Value>) -> Response {
    let count = served.completions.fetch_add(1, Ordering::SeqCst) + 1;
    let id = format!("chatcmpl-e2e{count}");
    if offers_lead_tool(&body) {
        served.with_tools.lock().expect("lock").push(body.clone());
        return lead_turn(id, &body);
    }
    if body["stream"] == json!(true) {
        return streamed(id, body["model"].clone());
    }
    let content = if body["response_format"]["type"] == "json_object" {
        analysis(&body).to_string()
    } else {
        MODEL_REPLY.to_owned()
    };
    Json(json!({
        "id": id,
        "object": "chat.completion",
        "created": 1_764_000_000,
        "model": body["model"],
        "choices": [{
            "index": 0,
            "message": { "role": "assistant", "content": content, "refusal": null },
            "logprobs": null,
            "finish_reason": "stop"
        }],
        "usage": { "prompt_tokens": 120, "completion_tokens": 14, "total_tokens": 134 }
    }))
    .into_response()
}

fn offers_lead_tool(body: &Value) -> bool {
    body["tools"].as_array().is_some_and(|tools| {
        tools
            .iter()
            .any(|tool| tool["function"]["name"] == "update_lead")
    })
}

/// The call of `update_lead` when the contact just spoke, [`LEAD_REPLY`] once its result is back
/// (OpenAI's documented shapes for both).
fn lead_turn(id: String, body: &Value) -> Response {
    let last_role = body["messages"]
        .as_array()
        .and_then(|messages| messages.last())
        .map(|message| message["role"].clone());
    let message = if last_role == Some(json!("tool")) {
        json!({"role": "assistant", "content": LEAD_REPLY, "refusal": null})
    } else {
        json!({"role": "assistant", "content": null, "tool_calls": [{
            "id": "call_lead_1", "type": "function",
            "function": {"name": "update_lead", "arguments": lead_details().to_string()}}]})
    };
    let finish = if message["tool_calls"].is_array() {
        "tool_calls"
    } else {
        "stop"
    };
    Json(json!({
        "id": id, "object": "chat.completion", "created": 1_764_000_000, "model": body["model"],
        "choices": [{"index": 0, "message": message, "logprobs": null, "finish_reason": finish}]
    }))
    .into_response()
}

/// The suggestions the fake model gives an agent.
pub const SUGGESTIONS: [&str; 2] = [
    "Offer to check the order's tracking number",
    "Apologise for the delay",
];

/// A JSON-mode answer to a conversation analysis: the object its instruction names, for the
/// analyses the tests ask for (suggestions, summary), an empty object otherwise.
fn analysis(body: &Value) -> Value {
    let instruction = body["messages"][0]["content"].as_str().unwrap_or("");
    if instruction.contains("{\"suggestions\"") {
        json!({ "suggestions": SUGGESTIONS })
    } else if instruction.contains("{\"summary\"") {
        json!({ "summary": "The customer asked where their order is." })
    } else {
        json!({})
    }
}

/// [`MODEL_REPLY`] as OpenAI streams it: a first chunk with the role, one chunk per word (the
/// space before a word travels with it), a last chunk with the finish reason, then `[DONE]`.
fn streamed(id: String, model: Value) -> Response {
    let chunk = |delta: Value, finish_reason: Value| {
        let chunk = json!({
            "id": id,
            "object": "chat.completion.chunk",
            "created": 1_764_000_000,
            "model": model,
            "system_fingerprint": "fp_e2e",
            "choices": [{ "index": 0, "delta": delta, "logprobs": null, "finish_reason": finish_reason }]
        });
        format!("data: {chunk}\n\n")
    };
    let mut events = vec![chunk(
        json!({ "role": "assistant", "content": "" }),
        Value::Null,
    )];
    for (index, word) in MODEL_REPLY.split(' ').enumerate() {
        let piece = if index == 0 {
            word.to_owned()
        } else {
            format!(" {word}")
        };
        events.push(chunk(json!({ "content": piece }), Value::Null));
    }
    events.push(chunk(json!({}), json!("stop")));
    events.push("data: [DONE]\n\n".to_owned());
    let stream = futures::stream::unfold(events.into_iter(), |mut events| async move {
        let event = events.next()?;
        tokio::time::sleep(WORD_PAUSE).await;
        Some((Ok::<_, Infallible>(Bytes::from(event)), events))
    });
    (
        [(CONTENT_TYPE, "text/event-stream")],
        Body::from_stream(stream),
    )
        .into_response()
}

/// A node on `data_dir` whose bots answer through `model`, and a bot there that knows the
/// document `(file name, text)`.
pub async fn bot_on_the_model(
    model: &FakeOpenAi,
    data_dir: &Path,
    (file_name, text): (&str, &str),
) -> (Server, Value) {
    let server = Server::start(
        data_dir,
        &[
            (
                "BOTWOT__KNOWLEDGE__LLM__OPENAI__BASE_URL",
                model.base_url.as_str(),
            ),
            ("BOTWOT__KNOWLEDGE__LLM__OPENAI__MODEL", "gpt-4o-mini"),
            (
                "BOTWOT__KNOWLEDGE__LLM__OPENAI__API_KEY",
                "sk-e2e-streaming",
            ),
        ],
    )
    .await;
    let kb = server.knowledge_base_with(file_name, text).await;
    let bot = server.create_bot(bot_settings("Ava", 3_600)).await;
    let bot_id = bot["id"].as_str().expect("bot id");
    server.attach_knowledge_base(bot_id, &kb).await;
    (server, bot)
}
