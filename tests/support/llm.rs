//! A local stand-in for OpenAI's chat-completions API (`POST /v1/chat/completions`), answering
//! every request with one fixed reply, so a test can tell the model's answers from the local
//! brain's: in the documented response shape, or, when the request says `"stream": true`, as
//! server-sent `chat.completion.chunk` events a word at a time, [`WORD_PAUSE`] apart, ending
//! with `data: [DONE]`. A request in JSON mode (`response_format: {"type": "json_object"}`) is a
//! conversation analysis and gets the JSON object it asks for.

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
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// The pause between two words of a streamed reply: long enough that a widget sees the answer
/// grow over several drafts.
pub const WORD_PAUSE: Duration = Duration::from_millis(60);

/// What the fake model says to every question.
pub const MODEL_REPLY: &str = "From the model: refunds reach your card within five working days.";

pub struct FakeOpenAi {
    /// `http://127.0.0.1:{port}/v1`, the base URL a node's OpenAI configuration takes.
    pub base_url: String,
    /// `host:port`, to put a proxy in front of it.
    pub address: String,
    completions: Arc<AtomicUsize>,
}

impl FakeOpenAi {
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the fake OpenAI API");
        let address = listener.local_addr().expect("address").to_string();
        let completions = Arc::new(AtomicUsize::new(0));
        let app = Router::new()
            .route("/v1/chat/completions", post(complete))
            .with_state(completions.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self {
            base_url: format!("http://{address}/v1"),
            address,
            completions,
        }
    }

    /// Chat completions answered so far.
    pub fn completions(&self) -> usize {
        self.completions.load(Ordering::SeqCst)
    }
}

async fn complete(
    State(completions): State<Arc<AtomicUsize>>,
    Json(body): Json<Value>,
) -> Response {
    let served = completions.fetch_add(1, Ordering::SeqCst) + 1;
    let id = format!("chatcmpl-e2e{served}");
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
