//! What the HTTP tests share: the application over a real node and embedded store, called
//! in-process with `oneshot`, or served on a loopback port for Socket.IO clients.

pub mod down;
pub mod node;
pub mod socket;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use botwot_engine::bot::BotSettings;
use botwot_engine::ports::Storage;
use botwot_engine::{BotProfile, Direction, SessionId, TenantId};
use botwot_http::{AppState, HttpBuilder, HttpConfig};
use node::{Answers, Gate, TestNode};
use serde_json::Value;
use std::net::SocketAddr;
use std::sync::Arc;
use tower::ServiceExt;

/// A response, its body parsed as JSON when it is JSON (else a string).
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Reply {
    /// The `error.code` of an error reply.
    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }

    pub fn content_type(&self) -> &str {
        let value = self.headers.get("content-type");
        value.and_then(|v| v.to_str().ok()).unwrap_or("")
    }

    /// The fields a `validation_failed` reply names, in order.
    pub fn fields_at_fault(&self) -> Vec<&str> {
        let details = self.body["error"]["details"].as_array();
        details
            .into_iter()
            .flatten()
            .filter_map(|detail| detail["field"].as_str())
            .collect()
    }
}

/// The application without the Socket.IO endpoint, over a node whose bots never answer.
pub struct TestApp {
    pub router: Router,
    pub state: AppState,
    pub node: TestNode,
}

impl TestApp {
    pub async fn new() -> Self {
        Self::with_config(HttpConfig::default()).await
    }

    pub async fn with_config(config: HttpConfig) -> Self {
        Self::assemble(config, false).await
    }

    /// The application over a store that cannot be reached.
    pub async fn with_storage_down() -> Self {
        Self::assemble(HttpConfig::default(), true).await
    }

    async fn assemble(config: HttpConfig, storage_down: bool) -> Self {
        let http = HttpBuilder::new(config);
        let node = TestNode::start(http.web_channel(), Answers::Never).await;
        let store: Arc<dyn Storage> = if storage_down {
            Arc::new(down::DownStore)
        } else {
            node.store.clone()
        };
        let state = http.state(store, Arc::new(node.sessions.clone()), node.clock.clone());
        Self {
            router: botwot_http::router(state.clone()),
            state,
            node,
        }
    }

    pub fn sessions(&self) -> &Gate {
        &self.node.sessions
    }

    /// Sends a request with a JSON body (when given) and extra headers.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<&str>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let mut request = Request::builder().method(method).uri(path);
        if body.is_some() {
            request = request.header("content-type", "application/json");
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let request = request
            .body(body.map_or_else(Body::empty, |body| Body::from(body.to_owned())))
            .expect("request");
        reply(
            self.router
                .clone()
                .oneshot(request)
                .await
                .expect("infallible"),
        )
        .await
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.call(Method::GET, path, None, &[]).await
    }

    pub async fn send(&self, method: Method, path: &str, body: Value) -> Reply {
        self.call(method, path, Some(&body.to_string()), &[]).await
    }

    /// `POST /v1/bots` with `settings`.
    pub async fn create_bot(&self, settings: Value) -> Reply {
        self.send(Method::POST, "/v1/bots", settings).await
    }

    /// Stores a bot of the default tenant directly.
    pub async fn bot(&self, settings: BotSettings) -> BotProfile {
        insert_bot(&self.node, settings).await
    }
}

pub async fn insert_bot(node: &TestNode, settings: BotSettings) -> BotProfile {
    let bot = BotProfile::create(TenantId::from("default"), settings, node.clock.now());
    node.store.insert_bot(&bot).await.expect("insert bot");
    bot
}

async fn reply(response: axum::response::Response) -> Reply {
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("body");
    let body = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
    Reply {
        status,
        headers,
        body,
    }
}

/// The finished application (with the widget endpoint) served on a loopback port, over a node
/// whose bots answer with their fallback message.
pub struct TestServer {
    pub addr: SocketAddr,
    pub node: TestNode,
}

impl TestServer {
    pub async fn start(config: HttpConfig) -> Self {
        let http = HttpBuilder::new(config);
        let node = TestNode::start(http.web_channel(), Answers::Fallback).await;
        let app = http
            .finish(
                node.store.clone(),
                Arc::new(node.sessions.clone()),
                node.clock.clone(),
            )
            .await
            .expect("router");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("address");
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { addr, node }
    }

    pub async fn bot(&self, settings: BotSettings) -> BotProfile {
        insert_bot(&self.node, settings).await
    }

    pub fn sessions(&self) -> &Gate {
        &self.node.sessions
    }

    /// How many messages from the visitor the session has stored.
    pub async fn stored_inbound(&self, session: &str) -> usize {
        let tenant = TenantId::from("default");
        let messages = self
            .node
            .store
            .transcript(&tenant, &SessionId::from(session), 0, 1_000)
            .await
            .expect("transcript");
        messages
            .iter()
            .filter(|m| m.direction == Direction::Inbound)
            .count()
    }
}
