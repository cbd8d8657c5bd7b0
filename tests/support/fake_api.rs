//! What the local stand-ins for outside APIs in tests share (`twilio_fake/`,
//! `elevenlabs_fake/`): serving on `127.0.0.1` at a free port until the last handle is dropped,
//! a record of every request as it arrived, and failures on demand: a canned answer for the next
//! requests, an outage, a slow answer. Each fake answers what gets through with its own API.
//!
//! Included by each fake as `#[path = "../fake_api.rs"] mod fake_api;`, so it uses only axum,
//! tokio, serde_json, reqwest and the form reader of `botwot_webhooks::twilio`.

#![allow(dead_code)]

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use std::collections::VecDeque;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// One request the fake received, authorised or not.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordedRequest {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// The query's pairs, decoded, in order.
    pub query: Vec<(String, String)>,
    /// Every header, names in lower case, in order.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RecordedRequest {
    /// The first value of header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(header, _)| *header == name)
            .map(|(_, value)| value.as_str())
    }

    pub fn authorization(&self) -> Option<&str> {
        self.header("authorization")
    }

    /// The body's form fields, in order, duplicates kept; none when it is not a form.
    pub fn form(&self) -> Vec<(String, String)> {
        botwot_webhooks::twilio::parse_form(&self.body).unwrap_or_default()
    }

    /// Every value of form field `name`, in order.
    pub fn form_values(&self, name: &str) -> Vec<String> {
        pairs_named(&self.form(), name)
    }

    /// The first value of query parameter `name`.
    pub fn query_value(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(field, _)| field == name)
            .map(|(_, value)| value.as_str())
    }

    /// The body as JSON; `Null` when empty, a string when it is not JSON.
    pub fn json(&self) -> Value {
        if self.body.is_empty() {
            return Value::Null;
        }
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&self.body).into_owned()))
    }
}

/// Every value of `name` among `pairs`, in order.
pub fn pairs_named(pairs: &[(String, String)], name: &str) -> Vec<String> {
    pairs
        .iter()
        .filter(|(field, _)| field == name)
        .map(|(_, value)| value.clone())
        .collect()
}

/// An answer: status, body and content type.
pub type Answer = (u16, String, &'static str);

/// An answer with headers of its own (a `Link` to the next page, say).
pub type AnswerWithHeaders = (Answer, Vec<(&'static str, String)>);

/// A JSON answer.
pub fn json_answer(status: u16, body: &Value) -> Answer {
    (status, body.to_string(), "application/json")
}

/// The running server and what the tests steer it with. Cheap to clone; the server stops when
/// the last clone is dropped.
#[derive(Clone)]
pub struct FakeApi {
    base_url: String,
    knobs: Arc<Mutex<Knobs>>,
    _server: Arc<ServerTask>,
}

struct ServerTask(tokio::task::JoinHandle<()>);

impl Drop for ServerTask {
    fn drop(&mut self) {
        self.0.abort();
    }
}

#[derive(Default)]
struct Knobs {
    requests: Vec<RecordedRequest>,
    /// Answers given instead of the API's, oldest first.
    canned: VecDeque<(u16, String)>,
    unavailable: bool,
    delay: Duration,
}

impl FakeApi {
    /// Serves `api` for every request that no knob answers; during an outage every request is
    /// answered 503 with `outage` (the provider's own error body).
    pub async fn start(
        outage: Value,
        api: impl Fn(&RecordedRequest) -> Answer + Send + Sync + 'static,
    ) -> Self {
        Self::start_with_headers(outage, move |request| (api(request), Vec::new())).await
    }

    /// [`FakeApi::start`] for an API whose answers carry headers of their own.
    pub async fn start_with_headers(
        outage: Value,
        api: impl Fn(&RecordedRequest) -> AnswerWithHeaders + Send + Sync + 'static,
    ) -> Self {
        let knobs = Arc::new(Mutex::new(Knobs::default()));
        let api = Arc::new(api);
        let shared = knobs.clone();
        let answer = move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
            let knobs = shared.clone();
            let api = api.clone();
            let outage = outage.clone();
            async move {
                let request = recorded(&method, &uri, &headers, &body);
                let (delay, early) = {
                    let mut knobs = lock(&knobs);
                    knobs.requests.push(request.clone());
                    let early = match knobs.canned.pop_front() {
                        Some((status, body)) => Some((status, body, "application/json")),
                        None if knobs.unavailable => Some(json_answer(503, &outage)),
                        None => None,
                    };
                    (knobs.delay, early)
                };
                if !delay.is_zero() {
                    tokio::time::sleep(delay).await;
                }
                let (answer, headers) = match early {
                    Some(early) => (early, Vec::new()),
                    None => api(&request),
                };
                respond(answer, headers)
            }
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the fake api");
        let address = listener.local_addr().expect("the fake api's address");
        let app = Router::new().fallback(answer);
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self {
            base_url: format!("http://{address}"),
            knobs,
            _server: Arc::new(ServerTask(task)),
        }
    }

    /// Scheme, host and port, no trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Every request received so far, oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.knobs).requests.clone()
    }

    /// The latest request received.
    pub fn last_request(&self) -> Option<RecordedRequest> {
        lock(&self.knobs).requests.last().cloned()
    }

    pub fn clear_requests(&self) {
        lock(&self.knobs).requests.clear();
    }

    /// The next request is answered with `status` and `body` (as is, as JSON), whatever it
    /// asks. Queued: several calls answer several requests in turn.
    pub fn answer_next(&self, status: u16, body: &str) {
        lock(&self.knobs)
            .canned
            .push_back((status, body.to_owned()));
    }

    /// While on, every request is answered 503 with the provider's server error.
    pub fn set_unavailable(&self, unavailable: bool) {
        lock(&self.knobs).unavailable = unavailable;
    }

    /// Every answer from now on comes `delay` late (zero: on time again).
    pub fn set_delay(&self, delay: Duration) {
        lock(&self.knobs).delay = delay;
    }
}

fn recorded(method: &Method, uri: &Uri, headers: &HeaderMap, body: &Bytes) -> RecordedRequest {
    let query = uri
        .query()
        .and_then(|query| botwot_webhooks::twilio::parse_form(query.as_bytes()).ok())
        .unwrap_or_default();
    RecordedRequest {
        method: method.to_string(),
        path: uri.path().to_owned(),
        query,
        headers: headers
            .iter()
            .map(|(name, value)| {
                let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
                (name.as_str().to_owned(), value)
            })
            .collect(),
        body: body.to_vec(),
    }
}

fn respond((status, body, content_type): Answer, headers: Vec<(&'static str, String)>) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, [(header::CONTENT_TYPE, content_type)], body).into_response();
    for (name, value) in headers {
        if let Ok(value) = header::HeaderValue::from_str(&value) {
            response.headers_mut().insert(name, value);
        }
    }
    response
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// `prefix` and `digits` random lower-case hex digits (Twilio's sids: `CA` and 32).
pub fn fresh_hex(prefix: &str, digits: usize) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut id = prefix.to_owned();
    for part in 0.. {
        if id.len() >= prefix.len() + digits {
            break;
        }
        let mut hasher = RandomState::new().build_hasher();
        hasher.write_u64(count);
        hasher.write_u64(part);
        id.push_str(&format!("{:016x}", hasher.finish()));
    }
    id.truncate(prefix.len() + digits);
    id
}

/// `Basic` and the base64 of `user:password`, as a client sends it.
pub fn basic_authorization(user: &str, password: &str) -> String {
    let request = reqwest::Client::new()
        .get("http://fake.invalid/")
        .basic_auth(user, Some(password))
        .build()
        .expect("a request with basic auth");
    let value = &request.headers()[reqwest::header::AUTHORIZATION];
    value.to_str().expect("ascii").to_owned()
}

/// The system clock in Unix seconds.
pub fn system_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| {
            i64::try_from(since.as_secs()).unwrap_or(i64::MAX)
        })
}
