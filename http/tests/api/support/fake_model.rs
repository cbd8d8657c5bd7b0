//! A local stand-in for OpenAI's chat-completions API (`POST /v1/chat/completions`) for the
//! conversation-analysis tests: answers with the content a test sets, in the documented
//! response shape (`choices[0].message.content`), or with an HTTP error status; keeps every
//! request body it was sent.

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::Mutex;

#[derive(Default)]
struct Script {
    /// The assistant's content, or the status to fail with.
    answer: Option<Result<String, StatusCode>>,
    requests: Vec<Value>,
}

pub struct FakeModel {
    /// `http://127.0.0.1:{port}/v1`.
    pub base_url: String,
    script: Arc<Mutex<Script>>,
}

impl FakeModel {
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the fake model");
        let address = listener.local_addr().expect("address");
        let script = Arc::new(Mutex::new(Script::default()));
        let app = Router::new()
            .route("/v1/chat/completions", post(complete))
            .with_state(script.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self {
            base_url: format!("http://{address}/v1"),
            script,
        }
    }

    /// Answers every completion with `content` from now on.
    pub fn answer(&self, content: &str) {
        self.script.lock().expect("script").answer = Some(Ok(content.to_owned()));
    }

    /// Fails every completion with `status` from now on.
    pub fn fail(&self, status: StatusCode) {
        self.script.lock().expect("script").answer = Some(Err(status));
    }

    /// The request bodies received so far.
    pub fn requests(&self) -> Vec<Value> {
        self.script.lock().expect("script").requests.clone()
    }
}

async fn complete(State(script): State<Arc<Mutex<Script>>>, Json(body): Json<Value>) -> Response {
    let mut script = script.lock().expect("script");
    script.requests.push(body);
    match script.answer.clone() {
        Some(Ok(content)) => Json(json!({
            "id": "chatcmpl-123",
            "object": "chat.completion",
            "created": 1_677_652_288,
            "model": "gpt-4o-mini",
            "choices": [{
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": "stop"
            }],
            "usage": {"prompt_tokens": 9, "completion_tokens": 12, "total_tokens": 21}
        }))
        .into_response(),
        Some(Err(status)) => (
            status,
            Json(json!({"error": {"message": "The server had an error", "type": "server_error"}})),
        )
            .into_response(),
        None => (StatusCode::INTERNAL_SERVER_ERROR, "no answer scripted").into_response(),
    }
}
