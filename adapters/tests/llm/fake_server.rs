//! A scripted HTTP server on 127.0.0.1:0: it records every request and answers each with the
//! reply a test's script gives for it (by hit number), optionally after a delay and optionally
//! sent in pieces.

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use futures::StreamExt;
use parking_lot::Mutex;
use std::sync::Arc;
use std::time::Duration;

/// One request as the server saw it.
#[derive(Clone, Debug)]
pub struct Captured {
    pub method: String,
    pub path_and_query: String,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Captured {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("request body is JSON")
    }
}

/// What to answer.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
    /// Ascending byte offsets where the body is cut into chunks sent a few milliseconds apart;
    /// empty sends it whole.
    pub cuts: Vec<usize>,
    pub delay: Duration,
}

impl Reply {
    pub fn json(body: impl Into<String>) -> Self {
        Self {
            status: 200,
            headers: vec![("content-type", "application/json".into())],
            body: body.into().into_bytes(),
            cuts: Vec::new(),
            delay: Duration::ZERO,
        }
    }
    pub fn event_stream(body: impl Into<String>) -> Self {
        Self {
            headers: vec![("content-type", "text/event-stream".into())],
            ..Self::json(body)
        }
    }
    /// AWS's binary event stream, as Bedrock's ConverseStream answers.
    pub fn aws_event_stream(body: Vec<u8>) -> Self {
        Self {
            headers: vec![("content-type", "application/vnd.amazon.eventstream".into())],
            body,
            ..Self::json("")
        }
    }
    pub fn status(status: u16, body: impl Into<String>) -> Self {
        Self {
            status,
            ..Self::json(body)
        }
    }
    pub fn with_header(mut self, name: &'static str, value: &str) -> Self {
        self.headers.push((name, value.to_owned()));
        self
    }
    pub fn after(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
    pub fn in_pieces(mut self, cuts: &[usize]) -> Self {
        self.cuts = cuts.to_vec();
        self
    }
}

type Script = dyn Fn(&Captured, usize) -> Reply + Send + Sync;

#[derive(Clone)]
struct ServerState {
    script: Arc<Script>,
    seen: Arc<Mutex<Vec<Captured>>>,
}

/// The requests a server has received, in order.
#[derive(Clone)]
pub struct Seen(Arc<Mutex<Vec<Captured>>>);

impl Seen {
    pub fn count(&self) -> usize {
        self.0.lock().len()
    }
    pub fn all(&self) -> Vec<Captured> {
        self.0.lock().clone()
    }
    pub fn last(&self) -> Captured {
        self.0.lock().last().cloned().expect("a request was made")
    }
}

/// Starts a server answering every request with `script(request, hit_index)`; returns its
/// base URL (`http://127.0.0.1:port`).
pub async fn serve(
    script: impl Fn(&Captured, usize) -> Reply + Send + Sync + 'static,
) -> (String, Seen) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let state = ServerState {
        script: Arc::new(script),
        seen: seen.clone(),
    };
    let app = Router::new().fallback(answer).with_state(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move {
        axum::serve(listener, app).await.expect("serve");
    });
    (format!("http://{address}"), Seen(seen))
}

async fn answer(State(state): State<ServerState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX)
        .await
        .expect("body")
        .to_vec();
    let captured = Captured {
        method: parts.method.to_string(),
        path_and_query: parts
            .uri
            .path_and_query()
            .map(|value| value.to_string())
            .unwrap_or_default(),
        headers: parts.headers,
        body,
    };
    let hit = {
        let mut seen = state.seen.lock();
        seen.push(captured.clone());
        seen.len() - 1
    };
    let reply = (state.script)(&captured, hit);
    tokio::time::sleep(reply.delay).await;
    let mut response = Response::new(body_in_pieces(reply.body, &reply.cuts));
    *response.status_mut() = StatusCode::from_u16(reply.status).expect("status");
    for (name, value) in reply.headers {
        response
            .headers_mut()
            .insert(name, HeaderValue::from_str(&value).expect("header"));
    }
    response
}

/// `body` whole, or cut at `cuts` into chunks sent with a pause before each, so the client
/// reads them apart.
fn body_in_pieces(body: Vec<u8>, cuts: &[usize]) -> Body {
    if cuts.is_empty() {
        return Body::from(body);
    }
    let mut chunks = Vec::new();
    let mut start = 0;
    for cut in cuts.iter().copied().chain(std::iter::once(body.len())) {
        chunks.push(body[start..cut].to_vec());
        start = cut;
    }
    Body::from_stream(futures::stream::iter(chunks).then(|chunk| async move {
        tokio::time::sleep(Duration::from_millis(5)).await;
        Ok::<_, std::convert::Infallible>(chunk)
    }))
}

/// OpenAI's published chat-completion example, with `content` as the reply.
pub fn openai_completion(content: &str) -> String {
    serde_json::json!({
        "id": "chatcmpl-123",
        "object": "chat.completion",
        "created": 1677652288,
        "model": "gpt-4o-mini",
        "system_fingerprint": "fp_44709d6fcb",
        "choices": [{
            "index": 0,
            "message": {"role": "assistant", "content": content},
            "logprobs": null,
            "finish_reason": "stop"
        }],
        "usage": {"prompt_tokens": 9, "completion_tokens": 12, "total_tokens": 21}
    })
    .to_string()
}
