//! Meta's side of the end-to-end tests: a local stand-in for the Graph API that records every
//! send and answers with a fresh message id, webhook bodies of Meta's published shape, the
//! `x-hub-signature-256` signature, and starting a server wired to all of it with a WhatsApp
//! number connected.

use super::fake_media::{self, MediaFiles};
use super::{Backend, Server, bot_settings};
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use hmac::{Hmac, KeyInit, Mac};
use parking_lot::Mutex;
use serde_json::{Value, json};
use sha2::Sha256;
use std::sync::Arc;

pub const APP_SECRET: &str = "e2e-meta-app-secret";
pub const PHONE_NUMBER_ID: &str = "106540352242922";
pub const WABA_ID: &str = "102290129340398";
pub const CUSTOMER: &str = "16315551181";
pub const ACCESS_TOKEN: &str = "EAAGm0PX4ZCpsBAE2eSystemUserTokenOfTheNumber";
/// 32 bytes, base64: the key that seals access tokens at rest.
pub const SECRET_KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

/// One request the fake Graph API received.
#[derive(Clone, Debug)]
pub struct GraphRequest {
    pub method: Method,
    pub path: String,
    pub authorization: Option<String>,
    pub body: Value,
    /// The message id the fake answered with (unique per request).
    pub issued_id: String,
    /// When the request arrived.
    pub received: std::time::Instant,
}

/// A local server that answers like the WhatsApp Cloud API's `/{phone-number-id}/messages`
/// (and the Send API's `/me/messages`): records each request and accepts it with a new id, or
/// refuses it as Meta refuses an expired token (401, code 190) when its token was rejected.
pub struct FakeGraph {
    pub base_url: String,
    /// Files contacts sent, downloadable as WhatsApp media with [`ACCESS_TOKEN`].
    pub media: MediaFiles,
    requests: Arc<Mutex<Vec<GraphRequest>>>,
    rejected_tokens: Arc<Mutex<Vec<String>>>,
    statuses_first: Arc<Mutex<Option<StatusesFirst>>>,
}

/// Statuses the fake posts to a server's webhook for a WhatsApp message it accepts, each
/// acknowledged, before it answers the send: Meta's reports overtaking the send's answer.
#[derive(Clone)]
struct StatusesFirst {
    webhook_base: String,
    states: Vec<&'static str>,
}

#[derive(Clone)]
struct Recorded {
    requests: Arc<Mutex<Vec<GraphRequest>>>,
    rejected_tokens: Arc<Mutex<Vec<String>>>,
    statuses_first: Arc<Mutex<Option<StatusesFirst>>>,
}

impl FakeGraph {
    pub async fn start() -> Self {
        let requests = Arc::new(Mutex::new(Vec::new()));
        let rejected_tokens = Arc::new(Mutex::new(Vec::new()));
        let statuses_first = Arc::new(Mutex::new(None));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the fake graph api");
        let base_url = format!("http://{}", listener.local_addr().expect("address"));
        let media = MediaFiles::default();
        let sends = Router::new().fallback(accept_message).with_state(Recorded {
            requests: requests.clone(),
            rejected_tokens: rejected_tokens.clone(),
            statuses_first: statuses_first.clone(),
        });
        let app = fake_media::routes(media.clone(), &base_url, ACCESS_TOKEN).merge(sends);
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self {
            base_url,
            media,
            requests,
            rejected_tokens,
            statuses_first,
        }
    }

    /// From now on, each WhatsApp message accepted has its `states` posted (signed) to the
    /// webhook of the server at `webhook_base` before the send is answered.
    pub fn post_statuses_before_answering(&self, webhook_base: &str, states: &[&'static str]) {
        *self.statuses_first.lock() = Some(StatusesFirst {
            webhook_base: webhook_base.to_owned(),
            states: states.to_vec(),
        });
    }

    /// From now on, sends with `token` are refused as expired.
    pub fn reject_token(&self, token: &str) {
        self.rejected_tokens.lock().push(format!("Bearer {token}"));
    }

    /// Every request received so far, in arrival order.
    /// The WhatsApp templates sent to `to`, in the order they came.
    pub fn templates_to(&self, to: &str) -> Vec<GraphRequest> {
        self.requests()
            .into_iter()
            .filter(|request| request.body["to"] == to && request.body["type"] == "template")
            .collect()
    }

    pub fn requests(&self) -> Vec<GraphRequest> {
        self.requests.lock().clone()
    }
}

/// Meta's documented success body for a sent message, or its error for an expired token.
async fn accept_message(
    State(recorded): State<Recorded>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_owned();
    let send_api = path.ends_with("/me/messages");
    // Instagram answers a comment under `/replies`, a Facebook page under `/comments`.
    let path_is_comment_reply = path.ends_with("/replies") || path.ends_with("/comments");
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let read_receipt = body["status"] == "read";
    let to = body["to"].clone();
    let recipient = body["recipient"]["id"].clone();
    let authorization = headers
        .get("authorization")
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let rejected = authorization
        .as_ref()
        .is_some_and(|header| recorded.rejected_tokens.lock().contains(header));
    let issued_id = {
        let mut requests = recorded.requests.lock();
        let n = requests.len() + 1;
        let issued_id = if send_api {
            mid_of_reply(n)
        } else {
            wamid_of_reply(n)
        };
        requests.push(GraphRequest {
            method,
            path,
            authorization,
            body,
            issued_id: issued_id.clone(),
            received: std::time::Instant::now(),
        });
        issued_id
    };
    let statuses_first = recorded.statuses_first.lock().clone();
    if let Some(first) = statuses_first.filter(|_| !send_api && !rejected) {
        let http = reqwest::Client::new();
        for state in first.states {
            let report = status(&issued_id, state);
            let acked = try_post_webhook(&http, &first.webhook_base, &report).await;
            assert_eq!(
                acked.ok(),
                Some(200),
                "the early {state} status is acknowledged"
            );
        }
    }
    if rejected {
        let error = json!({"error": {
            "message": "Error validating access token: Session has expired on Tuesday, 25-Nov-25 10:00:00 PST.",
            "type": "OAuthException", "code": 190, "error_subcode": 463,
            "fbtrace_id": "Az8or2yhqkZfEZ-_4Qn_Bam"
        }});
        return (StatusCode::UNAUTHORIZED, axum::Json(error)).into_response();
    }
    if let Some(answer) = publishing_answer(&uri, &issued_id) {
        return axum::Json(answer).into_response();
    }
    if read_receipt {
        // A read receipt (`status: read`) is answered `{"success": true}`.
        return axum::Json(json!({"success": true})).into_response();
    }
    if path_is_comment_reply {
        // A reply under a comment (Instagram `/replies`, a page's `/comments`) answers the
        // new comment's id.
        return axum::Json(json!({"id": issued_id})).into_response();
    }
    if send_api {
        // The Send API's (Messenger and Instagram) documented answer.
        return axum::Json(json!({"recipient_id": recipient, "message_id": issued_id}))
            .into_response();
    }
    axum::Json(json!({
        "messaging_product": "whatsapp",
        "contacts": [{"input": to, "wa_id": to}],
        "messages": [{"id": issued_id}]
    }))
    .into_response()
}

/// Meta's documented answers to content publishing: a page's `/feed`, `/photos` (with the
/// photo's post id) and `/videos`, and an Instagram account's `/media_publish` (its containers
/// are made in `fake_media`).
fn publishing_answer(uri: &Uri, issued_id: &str) -> Option<Value> {
    let path = uri.path();
    if uri
        .query()
        .is_some_and(|query| query.contains("status_code"))
    {
        let container = path.rsplit('/').next().unwrap_or_default();
        return Some(json!({"status_code": "FINISHED", "id": container}));
    }
    let page = path.split('/').rev().nth(1).unwrap_or_default();
    if path.ends_with("/photos") {
        return Some(json!({"id": issued_id, "post_id": format!("{page}_{issued_id}")}));
    }
    ["/feed", "/videos", "/media_publish"]
        .iter()
        .any(|tail| path.ends_with(tail))
        .then(|| json!({"id": issued_id}))
}

/// The `mid` the fake's Send API gives the `n`th message it accepts (from 1).
pub fn mid_of_reply(n: usize) -> String {
    format!("m_AG5Hz2Uq7tuwNEhXfYYKj8mJEM_QPpz5jdCK48PnKAjSdjfipqxqMvK8ma6AC8fplwlqLP_{n:04}")
}

/// The `wamid` the fake gives the `n`th message it accepts (from 1).
pub fn wamid_of_reply(n: usize) -> String {
    format!("wamid.HBgLMTYzMTU1NTExODEVAgARGBI{n:04}")
}

/// A webhook body of Meta's published shape for the test's number.
pub fn whatsapp_webhook(value: Value) -> Value {
    let mut value = value;
    value["messaging_product"] = json!("whatsapp");
    value["metadata"] = json!({
        "display_phone_number": "16505551111",
        "phone_number_id": PHONE_NUMBER_ID
    });
    json!({
        "object": "whatsapp_business_account",
        "entry": [{"id": WABA_ID, "changes": [{"value": value, "field": "messages"}]}]
    })
}

/// A text from the test's customer.
pub fn inbound_text(wamid: &str, text: &str) -> Value {
    inbound_text_from(CUSTOMER, wamid, text)
}

/// A text from the WhatsApp user `wa_id`.
pub fn inbound_text_from(wa_id: &str, wamid: &str, text: &str) -> Value {
    whatsapp_webhook(json!({
        "contacts": [{"profile": {"name": "Kerry Fisher"}, "wa_id": wa_id}],
        "messages": [{
            "from": wa_id, "id": wamid, "timestamp": "1700000000",
            "type": "text", "text": {"body": text}
        }]
    }))
}

/// A photo from the test's customer, as Meta's example `image` message: the file is named by its
/// media id only.
pub fn inbound_image(wamid: &str, media_id: &str, caption: &str) -> Value {
    whatsapp_webhook(json!({
        "contacts": [{"profile": {"name": "Kerry Fisher"}, "wa_id": CUSTOMER}],
        "messages": [{
            "from": CUSTOMER, "id": wamid, "timestamp": "1700000000", "type": "image",
            "image": {"caption": caption, "mime_type": "image/jpeg",
                "sha256": "HASH_AS_META_SENDS_IT", "id": media_id}
        }]
    }))
}

/// A `statuses` webhook moving the message Meta knows as `wamid` to `state`.
pub fn status(wamid: &str, state: &str) -> Value {
    whatsapp_webhook(json!({
        "statuses": [{
            "id": wamid, "status": state, "timestamp": "1700000100",
            "recipient_id": CUSTOMER,
            "conversation": {"id": "CONVERSATION_ID", "origin": {"type": "service"}},
            "pricing": {"billable": true, "pricing_model": "CBP", "category": "service"}
        }]
    }))
}

/// `sha256=` and the hex HMAC-SHA256 of the raw body under the app secret, as Meta signs.
pub fn signature(body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(APP_SECRET.as_bytes()).expect("hmac key");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// Posts a signed webhook; the HTTP status, or the error when no answer came (server down).
pub async fn try_post_webhook(
    http: &reqwest::Client,
    base: &str,
    payload: &Value,
) -> Result<u16, reqwest::Error> {
    Ok(webhook_answer(http, base, payload).await?.status)
}

/// How the server answered a webhook: its status and, for an error, the error's stable code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebhookAnswer {
    pub status: u16,
    pub code: Option<String>,
}

/// Posts a signed webhook and reads the answer; `Err` when none came (refused, reset, timed out).
pub async fn webhook_answer(
    http: &reqwest::Client,
    base: &str,
    payload: &Value,
) -> Result<WebhookAnswer, reqwest::Error> {
    let body = serde_json::to_vec(payload).expect("json");
    let response = http
        .post(format!("{base}/webhooks/meta"))
        .header("content-type", "application/json")
        .header("x-hub-signature-256", signature(&body))
        .body(body)
        .send()
        .await?;
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    let code = body["error"]["code"].as_str().map(str::to_owned);
    Ok(WebhookAnswer { status, code })
}

/// Posts a signed webhook to a server that is up and returns the HTTP status.
pub async fn post_webhook(server: &Server, payload: &Value) -> u16 {
    try_post_webhook(&server.http, &server.base, payload)
        .await
        .expect("webhook posted")
}

/// A server on `backend` that sends through `graph` and checks Meta's signatures.
pub async fn start_server_on(backend: Backend, graph: &FakeGraph) -> Server {
    start_server_with(backend, graph, &[]).await
}

/// [`start_server_on`] with more configuration.
pub async fn start_server_with(
    backend: Backend,
    graph: &FakeGraph,
    extra_env: &[(&str, &str)],
) -> Server {
    let mut env = vec![
        ("BOTWOT__META__BASE_URL", graph.base_url.as_str()),
        ("BOTWOT__HTTP__META_APP_SECRET", APP_SECRET),
        ("BOTWOT__HTTP__INTEGRATION_SECRET_KEY", SECRET_KEY),
    ];
    env.extend_from_slice(extra_env);
    Server::start_on(backend, &env).await
}

/// A server on the embedded store in `data_dir`, wired to `graph`.
pub async fn start_server(data_dir: &std::path::Path, graph: &FakeGraph) -> Server {
    start_server_on(Backend::Embedded(data_dir.to_owned()), graph).await
}

/// Creates a bot and connects the test's WhatsApp number to it; the access token is never
/// shown back.
pub async fn connect_whatsapp(server: &Server) {
    connect_whatsapp_closing_after(server, 3_600).await;
}

/// [`connect_whatsapp`] with a bot that closes conversations idle for `close_after_secs`.
pub async fn connect_whatsapp_closing_after(server: &Server, close_after_secs: u64) {
    connect_whatsapp_to_bot(server, bot_settings("Ava", close_after_secs)).await;
}

/// Connects the test's WhatsApp number to a new bot with `settings`.
pub async fn connect_whatsapp_to_bot(server: &Server, settings: Value) {
    let bot = server.create_bot(settings).await;
    let integration = json!({
        "channel": "whatsapp", "accountId": PHONE_NUMBER_ID, "botId": bot["id"],
        "displayName": "E2E Support Line", "accessToken": ACCESS_TOKEN
    });
    let (status, created) = server.post("/v1/integrations", integration).await;
    assert_eq!(status, 201, "integration created: {created}");
    assert!(!created.to_string().contains(ACCESS_TOKEN), "{created}");
    assert!(!created.to_string().contains("ccessToken"), "{created}");
    let (_, listed) = server.get("/v1/integrations").await;
    assert_eq!(listed["items"][0]["accountId"], PHONE_NUMBER_ID, "{listed}");
    assert!(!listed.to_string().contains("ccessToken"), "{listed}");
}
