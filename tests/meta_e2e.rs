//! End to end through the real binary on WhatsApp and Messenger: a signed webhook with a
//! customer's text reaches the bot, whose reply is sent to a local stand-in for the Graph API
//! with the integration's own access token (stored sealed, never shown); Meta's `statuses`
//! webhooks (and Messenger's delivery receipts) then move the reply to delivered and read,
//! never backwards; a redelivered webhook is answered once.

mod support;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri};
use hmac::{Hmac, KeyInit, Mac};
use parking_lot::Mutex;
use serde_json::{Value, json};
use sha2::Sha256;
use std::sync::Arc;
use support::{Server, bot_settings};

const APP_SECRET: &str = "e2e-meta-app-secret";
const PHONE_NUMBER_ID: &str = "106540352242922";
const WABA_ID: &str = "102290129340398";
const CUSTOMER: &str = "16315551181";
const ACCESS_TOKEN: &str = "EAAGm0PX4ZCpsBAE2eSystemUserTokenOfTheNumber";
const PAGE_ID: &str = "1234567890123";
const PSID: &str = "24736489012345678";
const PAGE_TOKEN: &str = "EAAGm0PX4ZCpsBAPageAccessTokenOfThePage";
/// 32 bytes, base64: the key that seals access tokens at rest.
const SECRET_KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

/// One request the fake Graph API received.
#[derive(Clone, Debug)]
struct GraphRequest {
    method: Method,
    path: String,
    authorization: Option<String>,
    body: Value,
}

/// A local server that answers like the WhatsApp Cloud API's `/{phone-number-id}/messages`:
/// records each request and accepts it with a new `wamid`.
struct FakeGraph {
    base_url: String,
    requests: Arc<Mutex<Vec<GraphRequest>>>,
}

impl FakeGraph {
    async fn start() -> Self {
        let requests = Arc::new(Mutex::new(Vec::new()));
        let app = Router::new()
            .fallback(accept_message)
            .with_state(requests.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the fake graph api");
        let base_url = format!("http://{}", listener.local_addr().expect("address"));
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self { base_url, requests }
    }

    fn requests(&self) -> Vec<GraphRequest> {
        self.requests.lock().clone()
    }
}

/// Meta's documented success body for a sent message.
async fn accept_message(
    State(requests): State<Arc<Mutex<Vec<GraphRequest>>>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> axum::Json<Value> {
    let request = GraphRequest {
        method,
        path: uri.path().to_owned(),
        authorization: headers
            .get("authorization")
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned),
        body: serde_json::from_slice(&body).unwrap_or(Value::Null),
    };
    let send_api = request.path.ends_with("/me/messages");
    let to = request.body["to"].clone();
    let recipient = request.body["recipient"]["id"].clone();
    let mut requests = requests.lock();
    requests.push(request);
    if send_api {
        // The Send API's (Messenger and Instagram) documented answer.
        return axum::Json(json!({
            "recipient_id": recipient,
            "message_id": mid_of_reply(requests.len())
        }));
    }
    axum::Json(json!({
        "messaging_product": "whatsapp",
        "contacts": [{"input": to, "wa_id": to}],
        "messages": [{"id": wamid_of_reply(requests.len())}]
    }))
}

/// The `mid` the fake's Send API gives the `n`th message it accepts (from 1).
fn mid_of_reply(n: usize) -> String {
    format!("m_AG5Hz2Uq7tuwNEhXfYYKj8mJEM_QPpz5jdCK48PnKAjSdjfipqxqMvK8ma6AC8fplwlqLP_{n:04}")
}

/// The `wamid` the fake gives the `n`th message it accepts (from 1).
fn wamid_of_reply(n: usize) -> String {
    format!("wamid.HBgLMTYzMTU1NTExODEVAgARGBI{n:04}")
}

/// A webhook body of Meta's published shape for the test's number.
fn whatsapp_webhook(value: Value) -> Value {
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

fn inbound_text(wamid: &str, text: &str) -> Value {
    whatsapp_webhook(json!({
        "contacts": [{"profile": {"name": "Kerry Fisher"}, "wa_id": CUSTOMER}],
        "messages": [{
            "from": CUSTOMER, "id": wamid, "timestamp": "1700000000",
            "type": "text", "text": {"body": text}
        }]
    }))
}

fn status(wamid: &str, state: &str) -> Value {
    whatsapp_webhook(json!({
        "statuses": [{
            "id": wamid, "status": state, "timestamp": "1700000100",
            "recipient_id": CUSTOMER,
            "conversation": {"id": "CONVERSATION_ID", "origin": {"type": "service"}},
            "pricing": {"billable": true, "pricing_model": "CBP", "category": "service"}
        }]
    }))
}

/// A Messenger or Instagram account of the test, as its webhooks and integration name it.
struct MessagingAccount {
    channel: &'static str,
    /// The webhook's `object`: `page` for Messenger, `instagram` for Instagram.
    object: &'static str,
    account_id: &'static str,
    user_id: &'static str,
    token: &'static str,
}

const MESSENGER: MessagingAccount = MessagingAccount {
    channel: "messenger",
    object: "page",
    account_id: PAGE_ID,
    user_id: PSID,
    token: PAGE_TOKEN,
};

const INSTAGRAM: MessagingAccount = MessagingAccount {
    channel: "instagram",
    object: "instagram",
    account_id: "17841405309211844",
    user_id: "6934762243302013",
    token: "EAAGm0PX4ZCpsBAPageAccessTokenOfTheLinkedPage",
};

/// A webhook of the account's channel with one `messaging` item from its user.
fn messaging_webhook(account: &MessagingAccount, item: Value) -> Value {
    let mut item = item;
    item["sender"] = json!({"id": account.user_id});
    item["recipient"] = json!({"id": account.account_id});
    item["timestamp"] = json!(1_458_692_752_478_u64);
    json!({
        "object": account.object,
        "entry": [{"id": account.account_id, "time": 1_458_692_752_478_u64, "messaging": [item]}]
    })
}

/// `sha256=` and the hex HMAC-SHA256 of the raw body under the app secret, as Meta signs.
fn signature(body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(APP_SECRET.as_bytes()).expect("hmac key");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

async fn post_webhook(server: &Server, payload: &Value) -> u16 {
    let body = serde_json::to_vec(payload).expect("json");
    server
        .http
        .post(format!("{}/webhooks/meta", server.base))
        .header("content-type", "application/json")
        .header("x-hub-signature-256", signature(&body))
        .body(body)
        .send()
        .await
        .expect("webhook posted")
        .status()
        .as_u16()
}

async fn start_server(data_dir: &std::path::Path, graph: &FakeGraph) -> Server {
    Server::start(
        data_dir,
        &[
            ("BOTWOT__META__BASE_URL", graph.base_url.as_str()),
            ("BOTWOT__HTTP__META_APP_SECRET", APP_SECRET),
            ("BOTWOT__HTTP__INTEGRATION_SECRET_KEY", SECRET_KEY),
        ],
    )
    .await
}

async fn connect_messaging(server: &Server, account: &MessagingAccount) {
    let bot = server.create_bot(bot_settings("Max", 3_600)).await;
    let integration = json!({
        "channel": account.channel, "accountId": account.account_id, "botId": bot["id"],
        "accessToken": account.token
    });
    let (status, created) = server.post("/v1/integrations", integration).await;
    assert_eq!(status, 201, "integration created: {created}");
}

async fn connect_whatsapp(server: &Server) {
    let bot = server.create_bot(bot_settings("Ava", 3_600)).await;
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

/// The one WhatsApp session's transcript.
async fn whatsapp_transcript(server: &Server) -> Vec<Value> {
    transcript_on(server, "whatsapp").await
}

/// The transcript of the one session on `channel`.
async fn transcript_on(server: &Server, channel: &str) -> Vec<Value> {
    let (status, sessions) = server.get(&format!("/v1/sessions?channel={channel}")).await;
    assert_eq!(status, 200, "{sessions}");
    let Some(id) = sessions["items"][0]["id"].as_str() else {
        return Vec::new();
    };
    let (status, transcript) = server
        .get(&format!("/v1/sessions/{id}/transcript?limit=200"))
        .await;
    assert_eq!(status, 200, "{transcript}");
    transcript["items"].as_array().cloned().unwrap_or_default()
}

/// The delivery state of the outbound message the channel knows as `wamid`.
async fn delivery_of(server: &Server, wamid: &str) -> Option<String> {
    delivery_on(server, "whatsapp", wamid).await
}

/// The delivery state of the outbound message on `channel` the channel knows as `id`.
async fn delivery_on(server: &Server, channel: &str, wamid: &str) -> Option<String> {
    transcript_on(server, channel)
        .await
        .iter()
        .find(|message| message["direction"] == "outbound" && message["providerMessageId"] == wamid)
        .and_then(|message| message["delivery"]["state"].as_str().map(str::to_owned))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whatsapp_message_is_answered_through_the_graph_api_and_its_statuses_tracked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let graph = FakeGraph::start().await;
    let server = start_server(dir.path(), &graph).await;
    connect_whatsapp(&server).await;

    let first = inbound_text("wamid.INBOUND-0001", "What are your opening hours?");
    assert_eq!(post_webhook(&server, &first).await, 200);
    server
        .until("the reply reaches the graph api", || async {
            !graph.requests().is_empty()
        })
        .await;
    let reply = &graph.requests()[0];
    assert_eq!(reply.method, Method::POST);
    assert_eq!(reply.path, format!("/v21.0/{PHONE_NUMBER_ID}/messages"));
    let bearer = format!("Bearer {ACCESS_TOKEN}");
    assert_eq!(reply.authorization.as_deref(), Some(bearer.as_str()));
    assert_eq!(reply.body["messaging_product"], "whatsapp");
    assert_eq!(reply.body["to"], CUSTOMER);
    assert_eq!(reply.body["type"], "text");
    assert!(
        !reply.body["text"]["body"]
            .as_str()
            .unwrap_or_default()
            .is_empty(),
        "{:?}",
        reply.body
    );

    // Meta's id for the reply is recorded on it, so its statuses find it.
    let wamid = wamid_of_reply(1);
    server
        .until("the reply is recorded as sent", || async {
            delivery_of(&server, &wamid).await.as_deref() == Some("sent")
        })
        .await;
    // Each webhook answers once its update is committed, so no waiting from here on.
    assert_eq!(
        post_webhook(&server, &status(&wamid, "delivered")).await,
        200
    );
    assert_eq!(
        delivery_of(&server, &wamid).await.as_deref(),
        Some("delivered")
    );
    assert_eq!(post_webhook(&server, &status(&wamid, "read")).await, 200);
    assert_eq!(delivery_of(&server, &wamid).await.as_deref(), Some("read"));
    // A late `delivered` (Meta does not promise order) does not take `read` back.
    assert_eq!(
        post_webhook(&server, &status(&wamid, "delivered")).await,
        200
    );
    assert_eq!(delivery_of(&server, &wamid).await.as_deref(), Some("read"));
    // A status for a message this server never sent is acknowledged and ignored.
    let stranger = status("wamid.NOT-OURS", "delivered");
    assert_eq!(post_webhook(&server, &stranger).await, 200);

    // Meta redelivers the first webhook, and the second arrives twice at once; then the
    // customer writes a third time. Replies keep the session's order, so once the third answer
    // is out a repeat of an earlier one would be too.
    assert_eq!(post_webhook(&server, &first).await, 200);
    let second = inbound_text("wamid.INBOUND-0002", "And on Sundays?");
    let (one, other) = tokio::join!(
        post_webhook(&server, &second),
        post_webhook(&server, &second)
    );
    assert_eq!((one, other), (200, 200));
    let third = inbound_text("wamid.INBOUND-0003", "Thanks!");
    assert_eq!(post_webhook(&server, &third).await, 200);
    server
        .until("the third reply reaches the graph api", || async {
            graph.requests().len() >= 3
        })
        .await;
    let inbound: Vec<Value> = whatsapp_transcript(&server)
        .await
        .into_iter()
        .filter(|message| message["direction"] == "inbound")
        .collect();
    assert_eq!(
        inbound.len(),
        3,
        "each redelivery is stored once: {inbound:?}"
    );
    assert_eq!(graph.requests().len(), 3, "each message is answered once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_messenger_message_is_answered_with_the_page_token_and_its_receipt_tracked() {
    messaging_round_trip(&MESSENGER).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_instagram_message_is_answered_with_the_page_token_and_its_receipt_tracked() {
    messaging_round_trip(&INSTAGRAM).await;
}

/// A user's message on a Messenger or Instagram account is answered through the Send API with
/// the account's token, and the delivery receipt naming the reply's `mid` is recorded.
async fn messaging_round_trip(account: &MessagingAccount) {
    let dir = tempfile::tempdir().expect("tempdir");
    let graph = FakeGraph::start().await;
    let server = start_server(dir.path(), &graph).await;
    connect_messaging(&server, account).await;

    let inbound = messaging_webhook(
        account,
        json!({
            "message": {"mid": "m_INBOUND-0001", "text": "Do you ship abroad?"}
        }),
    );
    assert_eq!(post_webhook(&server, &inbound).await, 200);
    server
        .until("the reply reaches the send api", || async {
            !graph.requests().is_empty()
        })
        .await;
    let reply = &graph.requests()[0];
    assert_eq!(reply.path, "/v21.0/me/messages");
    let bearer = format!("Bearer {}", account.token);
    assert_eq!(reply.authorization.as_deref(), Some(bearer.as_str()));
    assert_eq!(reply.body["recipient"]["id"], account.user_id);
    assert_eq!(reply.body["messaging_type"], "RESPONSE");
    assert!(
        reply.body["message"]["text"].is_string(),
        "{:?}",
        reply.body
    );

    let mid = mid_of_reply(1);
    server
        .until("the reply is recorded as sent", || async {
            delivery_on(&server, account.channel, &mid).await.as_deref() == Some("sent")
        })
        .await;
    let receipt = messaging_webhook(
        account,
        json!({
            "delivery": {"mids": [mid], "watermark": 1_458_668_856_253_u64}
        }),
    );
    assert_eq!(post_webhook(&server, &receipt).await, 200);
    assert_eq!(
        delivery_on(&server, account.channel, &mid).await.as_deref(),
        Some("delivered")
    );
    // Messenger's read receipt names a watermark (every message sent before it is read);
    // Instagram's names the message.
    let read = if account.object == "page" {
        let watermark = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("after 1970")
            .as_millis()
            + 60_000;
        json!({"read": {"watermark": u64::try_from(watermark).expect("fits")}})
    } else {
        json!({"read": {"mid": mid}})
    };
    assert_eq!(
        post_webhook(&server, &messaging_webhook(account, read)).await,
        200
    );
    assert_eq!(
        delivery_on(&server, account.channel, &mid).await.as_deref(),
        Some("read")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_access_token_is_stored_sealed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let graph = FakeGraph::start().await;
    let server = start_server(dir.path(), &graph).await;
    connect_whatsapp(&server).await;
    drop(server);

    let mut stored = Vec::new();
    for entry in walk(dir.path()) {
        stored.extend(std::fs::read(entry).unwrap_or_default());
    }
    let contains = |needle: &str| {
        stored
            .windows(needle.len())
            .any(|window| window == needle.as_bytes())
    };
    assert!(
        contains("E2E Support Line"),
        "the integration is stored where this test can read it"
    );
    assert!(contains("sealedAccessToken"), "a sealed token is stored");
    assert!(!contains(ACCESS_TOKEN), "the token is not stored in clear");
}

/// Every file under `dir`.
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return files;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}
