//! A local stand-in for the Graph API's publishing edges: an axum server on a free port that
//! records every request (method, path, query, bearer token, JSON body) and answers each with
//! what a script says. [`meta_like`] answers as Meta does when everything goes well: page feed
//! posts, photos and videos, Instagram containers that are `IN_PROGRESS` for their first
//! [`POLLS_IN_PROGRESS`] status polls and `FINISHED` after, and `media_publish`.

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::task::JoinHandle;

/// Status polls of a container [`meta_like`] answers `IN_PROGRESS` before `FINISHED`.
pub const POLLS_IN_PROGRESS: usize = 2;
/// The id of the media `media_publish` makes.
pub const PUBLISHED_MEDIA_ID: &str = "17920238422030506";

/// One request the fake received.
#[derive(Clone, Debug)]
pub struct Request {
    pub method: Method,
    /// The path, version included: `/v21.0/1065/feed`.
    pub path: String,
    pub query: Option<String>,
    /// The bearer token of the `Authorization` header.
    pub token: Option<String>,
    pub body: Value,
}

impl Request {
    /// Whether this is `method` on `path` below the version.
    pub fn is(&self, method: &str, path: &str) -> bool {
        self.method.as_str() == method && self.path == format!("/v21.0/{path}")
    }
}

/// An answer: a status and a JSON body, after an optional delay.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub body: Value,
    pub delay: Duration,
}

impl Reply {
    pub fn ok(body: Value) -> Self {
        Self::json(200, body)
    }

    pub fn json(status: u16, body: Value) -> Self {
        Self {
            status,
            body,
            delay: Duration::ZERO,
        }
    }

    /// Meta's error envelope.
    pub fn graph_error(status: u16, code: i64, subcode: Option<i64>, message: &str) -> Self {
        Self::json(
            status,
            json!({"error": {
                "message": message,
                "type": "OAuthException",
                "code": code,
                "error_subcode": subcode,
                "fbtrace_id": "AbCdEfGh123_-xyz"
            }}),
        )
    }

    pub fn after(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

/// Answers a request, given how many requests of the same method and path came before it.
pub type Script = dyn Fn(&Request, usize) -> Reply + Send + Sync;

#[derive(Clone)]
struct Shared {
    script: Arc<Script>,
    requests: Arc<Mutex<Vec<Request>>>,
}

/// The running fake; stopped when dropped.
pub struct SocialGraph {
    pub base_url: String,
    requests: Arc<Mutex<Vec<Request>>>,
    server: JoinHandle<()>,
}

impl SocialGraph {
    pub async fn start(script: impl Fn(&Request, usize) -> Reply + Send + Sync + 'static) -> Self {
        let requests = Arc::new(Mutex::new(Vec::new()));
        let shared = Shared {
            script: Arc::new(script),
            requests: requests.clone(),
        };
        let app = Router::new().fallback(answer).with_state(shared);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a free local port");
        let address = listener.local_addr().expect("the bound address");
        let server = tokio::spawn(async move {
            axum::serve(listener, app).await.expect("the fake graph");
        });
        Self {
            base_url: format!("http://{address}"),
            requests,
            server,
        }
    }

    /// A fake answering as Meta does when all goes well.
    pub async fn meta_like() -> Self {
        Self::start(meta_like).await
    }

    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().expect("requests lock").clone()
    }
}

impl Drop for SocialGraph {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// Meta's answers when all goes well. Ids count up with the requests to the same edge.
pub fn meta_like(request: &Request, seen: usize) -> Reply {
    let segments: Vec<&str> = request
        .path
        .trim_start_matches("/v21.0/")
        .split('/')
        .collect();
    match (request.method.as_str(), segments.as_slice()) {
        ("POST", [page, "feed"]) => Reply::ok(json!({"id": format!("{page}_{}", 5001 + seen)})),
        ("POST", [_, "photos"]) if request.body["published"] == json!(false) => {
            Reply::ok(json!({"id": format!("{}", 7001 + seen)}))
        }
        ("POST", [page, "photos"]) => {
            let id = 7001 + seen;
            Reply::ok(json!({"id": id.to_string(), "post_id": format!("{page}_{id}")}))
        }
        ("POST", [_, "videos"]) => Reply::ok(json!({"id": format!("{}", 8001 + seen)})),
        ("POST", [_, "media"]) => Reply::ok(json!({"id": format!("{}", 17_890_000 + seen)})),
        ("POST", [_, "media_publish"]) => Reply::ok(json!({"id": PUBLISHED_MEDIA_ID})),
        ("GET", [container]) => {
            let status_code = if seen < POLLS_IN_PROGRESS {
                "IN_PROGRESS"
            } else {
                "FINISHED"
            };
            Reply::ok(json!({"status_code": status_code, "id": container}))
        }
        _ => Reply::graph_error(400, 100, Some(33), "Unsupported request"),
    }
}

async fn answer(
    State(shared): State<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let body = serde_json::from_slice(&body)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&body).into_owned()));
    let token = headers
        .get("authorization")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .map(str::to_owned);
    let request = Request {
        method,
        path: uri.path().to_owned(),
        query: uri.query().map(str::to_owned),
        token,
        body,
    };
    let seen = {
        let mut requests = shared.requests.lock().expect("requests lock");
        let seen = requests
            .iter()
            .filter(|earlier| earlier.method == request.method && earlier.path == request.path)
            .count();
        requests.push(request.clone());
        seen
    };
    let reply = (shared.script)(&request, seen);
    if !reply.delay.is_zero() {
        tokio::time::sleep(reply.delay).await;
    }
    let status = StatusCode::from_u16(reply.status).expect("an http status");
    (
        status,
        [("content-type", "application/json")],
        reply.body.to_string(),
    )
        .into_response()
}
