//! A local stand-in for the Graph API's message template endpoints of one WhatsApp Business
//! Account, in Meta's documented shapes: `GET /{version}/{waba-id}/message_templates` answers
//! two pages joined by an `after` cursor; `POST` accepts a template as `PENDING`, or refuses one
//! whose name is taken with Meta's error body. `POST /{version}/{phone-number-id}/messages`
//! takes read receipts and typing indicators (`{"success": true}`), and `POST
//! /{version}/me/messages` Messenger's and Instagram's sender actions (`{"recipient_id"}`).
//! Only the account's token is let in. Everything posted is recorded, in order.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use botwot_adapters::meta::graph::{AccessToken, AccessTokenSource, TokenError};
use botwot_engine::Channel;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::Mutex;

pub const WABA_ID: &str = "102290129340398";
pub const TOKEN: &str = "EAAGm0PX4ZCpsBASystemUserTokenForTemplates";
/// A name the fake says is taken.
pub const TAKEN_NAME: &str = "order_update";

/// The same token for every account.
pub struct OneToken;

#[async_trait::async_trait]
impl AccessTokenSource for OneToken {
    async fn access_token(&self, _: Channel, _: &str) -> Result<AccessToken, TokenError> {
        Ok(AccessToken::new(TOKEN))
    }
}

/// The templates submitted so far.
#[derive(Clone, Default)]
pub struct Submitted(Arc<Mutex<Vec<Value>>>);

impl Submitted {
    pub fn all(&self) -> Vec<Value> {
        self.0.lock().expect("lock").clone()
    }
}

/// Starts the fake; its base URL and what it was sent.
pub async fn start() -> (String, Submitted) {
    let submitted = Submitted::default();
    let app = Router::new()
        .route("/v21.0/{waba}/message_templates", get(list).post(submit))
        .route("/v21.0/{phone}/messages", post(contact_signal))
        .with_state(submitted.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind the fake graph api");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    (base, submitted)
}

fn refused(status: StatusCode, code: i64, message: &str) -> Response {
    let error = json!({"error": {"message": message, "type": "OAuthException", "code": code,
        "fbtrace_id": "AbCdEfGh"}});
    (status, axum::Json(error)).into_response()
}

fn checked(waba: &str, headers: &HeaderMap) -> Option<Response> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    if bearer != Some(&format!("Bearer {TOKEN}")) {
        return Some(refused(
            StatusCode::UNAUTHORIZED,
            190,
            "Invalid OAuth access token.",
        ));
    }
    (waba != WABA_ID).then(|| refused(StatusCode::BAD_REQUEST, 100, "Unsupported get request."))
}

fn template(id: &str, name: &str, status: &str) -> Value {
    json!({"name": name, "status": status, "category": "UTILITY", "language": "en_US", "id": id,
        "components": [{"type": "BODY", "text": "Hi {{1}}, your order {{2}} is on its way."}]})
}

async fn list(
    Path(waba): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    if let Some(refusal) = checked(&waba, &headers) {
        return refusal;
    }
    if query.get("after").map(String::as_str) == Some("QVFIUmx=") {
        return axum::Json(json!({
            "data": [template("2", "payment_reminder", "PENDING")],
            "paging": {"cursors": {"before": "QVFIUmx=", "after": "QVFIUmy="}}
        }))
        .into_response();
    }
    axum::Json(json!({
        "data": [template("1", "shipping_update", "APPROVED")],
        "paging": {"cursors": {"before": "QVFIUmw=", "after": "QVFIUmx="},
            "next": "https://graph.example/v21.0/102290129340398/message_templates?after=QVFIUmx="}
    }))
    .into_response()
}

async fn submit(
    State(submitted): State<Submitted>,
    Path(waba): Path<String>,
    headers: HeaderMap,
    axum::Json(body): axum::Json<Value>,
) -> Response {
    if let Some(refusal) = checked(&waba, &headers) {
        return refusal;
    }
    if body["name"] == TAKEN_NAME {
        return refused(
            StatusCode::BAD_REQUEST,
            100,
            "Invalid parameter: a message template with this name and language already exists",
        );
    }
    submitted.0.lock().expect("lock").push(body);
    axum::Json(json!({"id": "594425479261596", "status": "PENDING", "category": "UTILITY"}))
        .into_response()
}

async fn contact_signal(
    State(submitted): State<Submitted>,
    headers: HeaderMap,
    axum::Json(body): axum::Json<Value>,
) -> Response {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    if bearer != Some(&format!("Bearer {TOKEN}")) {
        return refused(StatusCode::UNAUTHORIZED, 190, "Invalid OAuth access token.");
    }
    let answer = match body.get("sender_action") {
        Some(_) => json!({"recipient_id": body["recipient"]["id"]}),
        None => json!({"success": true}),
    };
    submitted.0.lock().expect("lock").push(body);
    axum::Json(answer).into_response()
}
