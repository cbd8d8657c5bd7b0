//! End to end through the real binary on WhatsApp and Messenger: a signed webhook with a
//! customer's text reaches the bot, whose reply is sent to a local stand-in for the Graph API
//! with the integration's own access token (stored sealed, never shown); Meta's `statuses`
//! webhooks (and Messenger's delivery receipts) then move the reply to delivered and read,
//! never backwards, even when they overtake the answer to the send; a redelivered webhook is
//! answered once. A photo a customer sends is downloaded into the blob store and served from
//! there. A token Meta rejects marks the
//! integration unhealthy until a new token is saved, which the next reply is sent with. A
//! message no bot can take (its bot was deleted) is acknowledged and set aside beside the
//! inbound log, not lost.

mod support;

/// The media id of the customer's photo, as WhatsApp numbers them.
const MEDIA_ID: &str = "1037543291543636";

use axum::http::Method;
use serde_json::{Value, json};
use support::meta::{
    ACCESS_TOKEN, CUSTOMER, FakeGraph, PHONE_NUMBER_ID, connect_whatsapp, inbound_image,
    inbound_text, mid_of_reply, post_webhook, start_server, status, wamid_of_reply,
    whatsapp_webhook,
};
use support::{Server, bot_settings};

const PAGE_ID: &str = "1234567890123";
const PSID: &str = "24736489012345678";
const PAGE_TOKEN: &str = "EAAGm0PX4ZCpsBAPageAccessTokenOfThePage";

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

async fn connect_messaging(server: &Server, account: &MessagingAccount) {
    let bot = server.create_bot(bot_settings("Max", 3_600)).await;
    let integration = json!({
        "channel": account.channel, "accountId": account.account_id, "botId": bot["id"],
        "accessToken": account.token
    });
    let (status, created) = server.post("/v1/integrations", integration).await;
    assert_eq!(status, 201, "integration created: {created}");
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
    // Each webhook is answered once its update is in the inbound log, and applied right after.
    assert_eq!(
        post_webhook(&server, &status(&wamid, "delivered")).await,
        200
    );
    server.webhooks_applied().await;
    assert_eq!(
        delivery_of(&server, &wamid).await.as_deref(),
        Some("delivered")
    );
    assert_eq!(post_webhook(&server, &status(&wamid, "read")).await, 200);
    server.webhooks_applied().await;
    assert_eq!(delivery_of(&server, &wamid).await.as_deref(), Some("read"));
    // A late `delivered` (Meta does not promise order) does not take `read` back.
    assert_eq!(
        post_webhook(&server, &status(&wamid, "delivered")).await,
        200
    );
    server.webhooks_applied().await;
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
    server.webhooks_applied().await;
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
    server.webhooks_applied().await;
    assert_eq!(
        delivery_on(&server, account.channel, &mid).await.as_deref(),
        Some("read")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_photo_a_customer_sends_is_kept_and_served_from_the_blob_store() {
    let dir = tempfile::tempdir().expect("tempdir");
    let graph = FakeGraph::start().await;
    let photo: Vec<u8> = (0..20_000u32).map(|n| (n * 7 % 251) as u8).collect();
    graph.media.add(MEDIA_ID, "image/jpeg", &photo);
    let server = start_server(dir.path(), &graph).await;
    connect_whatsapp(&server).await;

    let sent = inbound_image("wamid.INBOUND-PHOTO", MEDIA_ID, "Is this the right part?");
    assert_eq!(post_webhook(&server, &sent).await, 200);
    // Downloaded once, right after the message is stored (Meta's copy expires).
    server
        .until("the photo is downloaded", || async {
            graph.media.downloads(MEDIA_ID) == 1
        })
        .await;
    let (_, sessions) = server.get("/v1/sessions?channel=whatsapp").await;
    let session_id = sessions["items"][0]["id"]
        .as_str()
        .expect("a session")
        .to_owned();
    let transcript = whatsapp_transcript(&server).await;
    let photo_message = transcript
        .iter()
        .find(|message| message["body"]["type"] == "media")
        .expect("the photo is in the transcript");
    assert_eq!(photo_message["body"]["caption"], "Is this the right part?");
    let media_path = |message: &Value| {
        let id = message["id"].as_str().expect("message id");
        format!("/v1/sessions/{session_id}/messages/{id}/media")
    };

    let (status, headers, bytes) = server.get_bytes(&media_path(photo_message)).await;
    assert_eq!(status, 200);
    assert_eq!(bytes, photo, "the very bytes the customer sent");
    assert_eq!(headers["content-type"], "image/jpeg");
    assert_eq!(headers["content-disposition"], "inline");
    assert_eq!(
        graph.media.downloads(MEDIA_ID),
        1,
        "served from the blob store, not downloaded again"
    );
    // With Meta's copy gone, the kept one still answers.
    graph.media.add(MEDIA_ID, "image/jpeg", b"");
    let (status, _, bytes) = server.get_bytes(&media_path(photo_message)).await;
    assert_eq!((status, bytes.len()), (200, photo.len()));

    let reply = transcript
        .iter()
        .find(|message| message["body"]["type"] == "text")
        .expect("the bot's reply");
    let (status, _, body) = server.get_bytes(&media_path(reply)).await;
    assert_eq!(status, 404, "{}", String::from_utf8_lossy(&body));

    // An agent answers with a photo from their own computer: uploaded to us, then by the sender
    // to the number, and sent by the media id WhatsApp gave it.
    let (status, body) = server
        .post(&format!("/v1/sessions/{session_id}/takeover"), json!({}))
        .await;
    assert_eq!(status, 200, "{body}");
    let answer: Vec<u8> = (0..9_000u32).map(|n| (n * 13 % 241) as u8).collect();
    let (status, uploaded) = server
        .upload("/v1/media", answer.clone(), "image/png")
        .await;
    assert_eq!(status, 201, "{uploaded}");
    let reply = json!({"media": {"type": "image", "url": uploaded["url"], "caption": "This one"}});
    let (status, body) = server
        .post(&format!("/v1/sessions/{session_id}/messages"), reply)
        .await;
    assert_eq!(status, 201, "{body}");
    server
        .until("the agent's photo is uploaded and sent", || async {
            graph.requests().iter().any(|r| r.body["type"] == "image")
        })
        .await;
    let uploads = graph.media.uploaded();
    assert_eq!(uploads.len(), 1, "uploaded once");
    assert_eq!(
        graph.media.file(&uploads[0]),
        Some(("image/png".to_owned(), answer)),
        "the very bytes the agent uploaded"
    );
    let sent = graph
        .requests()
        .into_iter()
        .find(|r| r.body["type"] == "image")
        .expect("the photo message");
    assert_eq!(
        sent.body["image"],
        json!({"id": uploads[0], "caption": "This one"})
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_marks_read_sends_a_template_a_document_buttons_and_a_reaction() {
    let dir = tempfile::tempdir().expect("tempdir");
    let graph = FakeGraph::start().await;
    let server = start_server(dir.path(), &graph).await;
    connect_whatsapp(&server).await;
    let question = inbound_text("wamid.INBOUND-0001", "Where is my order?");
    assert_eq!(post_webhook(&server, &question).await, 200);
    server
        .until("the bot's reply reaches the graph api", || async {
            !graph.requests().is_empty()
        })
        .await;
    let (_, sessions) = server.get("/v1/sessions?channel=whatsapp").await;
    let session = sessions["items"][0]["id"]
        .as_str()
        .expect("session")
        .to_owned();
    let (status, body) = server
        .post(&format!("/v1/sessions/{session}/takeover"), json!({}))
        .await;
    assert_eq!(status, 200, "{body}");
    // The agent marks the customer's message read: the blue ticks, straight to the Graph API.
    let (status, body) = server
        .post(&format!("/v1/sessions/{session}/read"), json!({}))
        .await;
    assert_eq!(status, 200, "{body}");
    let receipt = graph.requests()[1].clone();
    assert_eq!(
        receipt.body,
        json!({"messaging_product": "whatsapp", "status": "read", "message_id": "wamid.INBOUND-0001"})
    );
    let template = json!({"name": "order_update", "language": "en_US",
        "bodyParameters": ["Kerry", "#1042"],
        "header": {"type": "image", "url": "https://cdn.shop.test/parcel.jpg"},
        "buttons": [{"type": "url", "index": 0, "value": "1042"}]});
    let (status, body) = server
        .post(&format!("/v1/sessions/{session}/templates"), template)
        .await;
    assert_eq!(status, 201, "{body}");
    server
        .until("the template reaches the graph api", || async {
            graph.requests().len() >= 3
        })
        .await;
    let sent = graph.requests()[2].clone();
    assert_eq!(sent.path, format!("/v21.0/{PHONE_NUMBER_ID}/messages"));
    assert_eq!(sent.body["type"], "template");
    assert_eq!(
        sent.body["template"],
        json!({"name": "order_update", "language": {"code": "en_US"}, "components": [
            {"type": "header", "parameters": [
                {"type": "image", "image": {"link": "https://cdn.shop.test/parcel.jpg"}}]},
            {"type": "body", "parameters": [{"type": "text", "text": "Kerry"}, {"type": "text", "text": "#1042"}]},
            {"type": "button", "sub_type": "url", "index": "0",
                "parameters": [{"type": "text", "text": "1042"}]}
        ]})
    );

    // The agent sends the invoice as a document by its address, with a caption.
    let invoice = json!({"media": {"type": "document",
        "url": "https://files.shop.test/invoices/1042.pdf", "caption": "Your invoice"}});
    let (status, body) = server
        .post(&format!("/v1/sessions/{session}/messages"), invoice)
        .await;
    assert_eq!(status, 201, "{body}");
    server
        .until("the document reaches the graph api", || async {
            graph.requests().len() >= 4
        })
        .await;
    let sent = graph.requests()[3].clone();
    assert_eq!(sent.body["type"], "document");
    assert_eq!(
        sent.body["document"],
        json!({"link": "https://files.shop.test/invoices/1042.pdf", "caption": "Your invoice"})
    );

    // Then asks with reply buttons; the customer's tap comes back as their next message.
    let choices = json!({"interactive": {"text": "Did the invoice arrive?", "footer": "Order 1042",
        "buttons": [{"id": "invoice-yes", "title": "Yes, thanks"}, {"id": "invoice-no", "title": "Not yet"}]}});
    let (status, body) = server
        .post(&format!("/v1/sessions/{session}/messages"), choices)
        .await;
    assert_eq!(status, 201, "{body}");
    server
        .until("the buttons reach the graph api", || async {
            graph.requests().len() >= 5
        })
        .await;
    let sent = graph.requests()[4].clone();
    assert_eq!(sent.body["type"], "interactive");
    assert_eq!(
        sent.body["interactive"],
        json!({"type": "button", "body": {"text": "Did the invoice arrive?"},
            "footer": {"text": "Order 1042"}, "action": {"buttons": [
                {"type": "reply", "reply": {"id": "invoice-yes", "title": "Yes, thanks"}},
                {"type": "reply", "reply": {"id": "invoice-no", "title": "Not yet"}}]}})
    );
    let tap = whatsapp_webhook(json!({
        "contacts": [{"profile": {"name": "Kerry Fisher"}, "wa_id": CUSTOMER}],
        "messages": [{"context": {"from": "16505551111", "id": sent.issued_id},
            "from": CUSTOMER, "id": "wamid.INBOUND-0002", "timestamp": "1750090702",
            "type": "interactive", "interactive": {"type": "button_reply",
                "button_reply": {"id": "invoice-yes", "title": "Yes, thanks"}}}]
    }));
    assert_eq!(post_webhook(&server, &tap).await, 200);
    server
        .until("the tap is in the transcript", || async {
            server
                .transcript_texts(&session)
                .await
                .contains(&"Yes, thanks".to_owned())
        })
        .await;

    // The agent reacts to the tap with a thumbs-up: a reaction naming the customer's wamid.
    let (_, transcript) = server
        .get(&format!("/v1/sessions/{session}/transcript?limit=200"))
        .await;
    let tapped = transcript["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|m| m["providerMessageId"] == "wamid.INBOUND-0002")
        .expect("the tap")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let (status, body) = server
        .post(
            &format!("/v1/sessions/{session}/messages/{tapped}/reaction"),
            json!({"emoji": "\u{1F44D}"}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    server
        .until("the reaction reaches the graph api", || async {
            graph.requests().len() >= 6
        })
        .await;
    let sent = graph.requests()[5].clone();
    assert_eq!(sent.body["type"], "reaction");
    assert_eq!(
        sent.body["reaction"],
        json!({"message_id": "wamid.INBOUND-0002", "emoji": "\u{1F44D}"})
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statuses_that_overtake_the_answer_to_the_send_are_not_lost() {
    let dir = tempfile::tempdir().expect("tempdir");
    let graph = FakeGraph::start().await;
    let server = start_server(dir.path(), &graph).await;
    connect_whatsapp(&server).await;
    // Meta reports the reply sent, then delivered, before answering the send that made it.
    graph.post_statuses_before_answering(&server.base, &["sent", "delivered"]);
    let question = inbound_text("wamid.INBOUND-0001", "Do you ship to Canada?");
    assert_eq!(post_webhook(&server, &question).await, 200);
    let wamid = wamid_of_reply(1);
    server
        .until("the reply carries the status that came first", || async {
            delivery_of(&server, &wamid).await.as_deref() == Some("delivered")
        })
        .await;
    // And later statuses go on from there.
    assert_eq!(post_webhook(&server, &status(&wamid, "read")).await, 200);
    server.webhooks_applied().await;
    assert_eq!(delivery_of(&server, &wamid).await.as_deref(), Some("read"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_token_makes_the_integration_unhealthy_until_a_new_one_is_saved() {
    let dir = tempfile::tempdir().expect("tempdir");
    let graph = FakeGraph::start().await;
    let server = start_server(dir.path(), &graph).await;
    connect_whatsapp(&server).await;
    let path = format!("/v1/integrations/whatsapp:{PHONE_NUMBER_ID}");
    assert_eq!(server.get(&path).await.1["health"]["state"], "healthy");

    graph.reject_token(ACCESS_TOKEN);
    let first = inbound_text("wamid.INBOUND-0001", "What are your opening hours?");
    assert_eq!(post_webhook(&server, &first).await, 200);
    server
        .until("the integration is marked unhealthy", || async {
            server.get(&path).await.1["health"]["state"] == "unhealthy"
        })
        .await;
    let (_, integration) = server.get(&path).await;
    assert_eq!(integration["health"]["code"], "token_rejected");
    let reason = integration["health"]["reason"].as_str().unwrap_or_default();
    assert!(reason.contains("Session has expired"), "{integration}");
    assert!(!integration.to_string().contains(ACCESS_TOKEN));
    // The refused reply failed for good, with the reason, rather than retrying forever.
    server
        .until("the refused reply is marked failed", || async {
            whatsapp_transcript(&server).await.iter().any(|message| {
                message["delivery"]["state"] == "failed"
                    && message["delivery"]["reason"]
                        .as_str()
                        .is_some_and(|reason| reason.contains("access token rejected"))
            })
        })
        .await;

    // The administrator saves a new token: healthy again, and the next reply goes out with it.
    let mut settings = integration.clone();
    for field in ["id", "tenantId", "health", "createdAt", "updatedAt"] {
        settings.as_object_mut().expect("object").remove(field);
    }
    settings["accessToken"] = json!("EAAGm0PX4ZCpsBAnewROTATEDtoken");
    let (status, saved) = server.put_json(&path, settings).await;
    assert_eq!(status, 200, "{saved}");
    assert_eq!(saved["health"]["state"], "healthy");
    let sent_before = graph.requests().len();
    let second = inbound_text("wamid.INBOUND-0002", "Hello again?");
    assert_eq!(post_webhook(&server, &second).await, 200);
    server
        .until("the next reply reaches the graph api", || async {
            graph.requests().len() > sent_before
        })
        .await;
    let reply = graph.requests().last().cloned().expect("a reply");
    assert_eq!(
        reply.authorization.as_deref(),
        Some("Bearer EAAGm0PX4ZCpsBAnewROTATEDtoken")
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_to_a_deleted_bot_is_acknowledged_and_set_aside_not_lost() {
    let dir = tempfile::tempdir().expect("tempdir");
    let graph = FakeGraph::start().await;
    let server = start_server(dir.path(), &graph).await;
    connect_whatsapp(&server).await;
    let (_, bots) = server.get("/v1/bots").await;
    let bot_id = bots["items"][0]["id"].as_str().expect("the bot").to_owned();
    let (status, body) = server.delete(&format!("/v1/bots/{bot_id}")).await;
    assert!(status == 200 || status == 204, "{status} {body}");

    let orphan = inbound_text("wamid.INBOUND-ORPHAN", "Is anyone there?");
    assert_eq!(post_webhook(&server, &orphan).await, 200);
    server.webhooks_applied().await;
    // No bot can start the conversation: the event is kept beside the inbound log with the
    // reason, for an operator, rather than retried forever or dropped.
    let set_aside = std::fs::read_to_string(dir.path().join("inbound-log/set-aside.jsonl"))
        .expect("the set-aside file");
    let lines: Vec<Value> = set_aside
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON line"))
        .collect();
    assert_eq!(lines.len(), 1, "{set_aside}");
    assert!(
        lines[0]["reason"]
            .as_str()
            .is_some_and(|reason| reason.contains("bot")),
        "{set_aside}"
    );
    assert!(set_aside.contains("wamid.INBOUND-ORPHAN"), "{set_aside}");
    assert!(graph.requests().is_empty(), "nobody answered");
}
