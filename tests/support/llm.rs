//! A local stand-in for OpenAI's chat-completions API (`POST /v1/chat/completions`), answering
//! every request with the documented non-streamed response shape and one fixed reply, so a test
//! can tell the model's answers from the local brain's.

use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

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
) -> Json<Value> {
    let served = completions.fetch_add(1, Ordering::SeqCst) + 1;
    Json(json!({
        "id": format!("chatcmpl-e2e{served}"),
        "object": "chat.completion",
        "created": 1_764_000_000,
        "model": body["model"],
        "choices": [{
            "index": 0,
            "message": { "role": "assistant", "content": MODEL_REPLY, "refusal": null },
            "logprobs": null,
            "finish_reason": "stop"
        }],
        "usage": { "prompt_tokens": 120, "completion_tokens": 14, "total_tokens": 134 }
    }))
}
