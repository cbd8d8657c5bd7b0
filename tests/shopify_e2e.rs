//! Shops end to end through the real binary, against the local stand-ins for Shopify
//! (`tests/support/shopify_fake/`) and the Graph API: a shop is connected (its token checked, its
//! order webhooks subscribed, its secrets never shown), a cash-on-delivery order's signed webhook
//! is stored, its reminder goes out on WhatsApp as the shop's template with the customer's name,
//! the order and its total and two quick replies, the order is tagged in Shopify, and the
//! customer's tap confirms it; an order placed before the shop was connected is imported and
//! reminded once; an order the shop cancelled meanwhile gets no reminder; a reminder
//! due while the server is down (`kill -9`) goes out once after the restart; and every webhook
//! with a missing or wrong signature, or from a shop not connected, is refused.

mod support;

use serde_json::{Value, json};
use support::Server;
use support::meta::{
    ACCESS_TOKEN, FakeGraph, PHONE_NUMBER_ID, connect_whatsapp, post_webhook, start_server_with,
    whatsapp_webhook,
};
use support::shopify_fake::{ShopifyFake, cod_order, signed_webhook};

const SHOP: &str = "acme-kurtas.myshopify.com";
const SHOP_TOKEN: &str = "shpat_0123456789abcdef0123456789abcdef";
const CLIENT_SECRET: &str = "shpss_e2e_client_secret_of_the_app";
const PUBLIC_URL: &str = "https://botwot.example";
/// The customer's phone as the shop has it (no country code), and their WhatsApp number.
const LOCAL_PHONE: &str = "98765 43210";
const WHATSAPP: &str = "919876543210";

async fn shop_server(graph: &FakeGraph, shopify: &ShopifyFake, dir: &std::path::Path) -> Server {
    let server = start_server_with(
        support::Backend::Embedded(dir.to_owned()),
        graph,
        &[
            ("BOTWOT__COMMERCE__SHOPIFY__API_URL", shopify.base_url()),
            ("BOTWOT__COMMERCE__REMINDERS__SWEEP_MS", "200"),
            ("BOTWOT__HTTP__PUBLIC_URL", PUBLIC_URL),
        ],
    )
    .await;
    connect_whatsapp(&server).await;
    server
}

fn reminders() -> Value {
    json!({"enabled": true, "channelAccount": PHONE_NUMBER_ID, "template": "cod_confirmation",
        "language": "en", "defaultCountryCode": "91"})
}

async fn send_shop_webhook(
    server: &Server,
    webhook: (Vec<(String, String)>, Vec<u8>),
) -> (u16, Value) {
    let (headers, body) = webhook;
    let mut request = server
        .http
        .post(format!("{}/webhooks/shopify", server.base))
        .header("content-type", "application/json")
        .body(body);
    for (name, value) in headers {
        request = request.header(name, value);
    }
    let response = request.send().await.expect("the webhook is answered");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn order(server: &Server, id: u64) -> Value {
    server
        .get(&format!("/v1/shopify/shops/{SHOP}/orders/{id}"))
        .await
        .1
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cash_on_delivery_order_is_reminded_tagged_and_confirmed_on_whatsapp() {
    let graph = FakeGraph::start().await;
    let shopify = ShopifyFake::start(SHOP, SHOP_TOKEN).await;
    let dir = tempfile::tempdir().expect("data dir");
    let server = shop_server(&graph, &shopify, dir.path()).await;

    let wrong_token = json!({"shopDomain": SHOP, "accessToken": "shpat_wrong", "webhookSecret": CLIENT_SECRET, "reminders": reminders()});
    let (status, refused) = server.post("/v1/shopify/shops", wrong_token).await;
    assert_eq!(
        (status, refused["error"]["code"].as_str()),
        (422, Some("shopify_credentials_rejected")),
        "{refused}"
    );
    let not_a_shop = json!({"shopDomain": "acme.example.com", "accessToken": SHOP_TOKEN, "webhookSecret": CLIENT_SECRET,
        "reminders": {"enabled": true, "channelAccount": "999", "template": "cod_confirmation", "firstAfterMins": 60, "secondAfterMins": 30}});
    let (status, invalid) = server.post("/v1/shopify/shops", not_a_shop).await;
    assert_eq!(status, 422, "{invalid}");
    let fields: Vec<&str> = invalid["error"]["details"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|detail| detail["field"].as_str())
        .collect();
    assert!(
        fields.contains(&"shopDomain") && fields.contains(&"reminders.secondAfterMins"),
        "{invalid}"
    );

    // Ordered before the shop was connected: imported when it is, and reminded.
    shopify.put_order(
        SHOP,
        cod_order(450789400, "#0999", "+44 7700 900123", 90 * 60),
    );
    let connect = json!({"shopDomain": SHOP, "accessToken": SHOP_TOKEN, "webhookSecret": CLIENT_SECRET, "reminders": reminders()});
    let (status, shop) = server.post("/v1/shopify/shops", connect.clone()).await;
    assert_eq!(status, 201, "{shop}");
    server
        .until(
            "the order placed before is imported and reminded",
            || async { graph.templates_to("447700900123").len() == 1 },
        )
        .await;
    let (status, synced) = server
        .post(&format!("/v1/shopify/shops/{SHOP}/sync"), json!({}))
        .await;
    assert_eq!(
        (status, synced["imported"].as_u64()),
        (200, Some(1)),
        "{synced}"
    );
    assert_eq!(shop["name"], "Acme Kurtas");
    assert_eq!(shop["webhookUrl"], format!("{PUBLIC_URL}/webhooks/shopify"));
    assert_eq!(shop["webhooksSubscribed"], true);
    let subscribed: Vec<String> = shopify
        .subscriptions()
        .into_iter()
        .map(|(_, topic, _)| topic)
        .collect();
    assert_eq!(subscribed.len(), 6, "{subscribed:?}");
    assert!(subscribed.contains(&"orders/create".to_owned()));
    let (_, listed) = server.get("/v1/shopify/shops").await;
    for secret in [SHOP_TOKEN, CLIENT_SECRET] {
        assert!(!listed.to_string().contains(secret) && !shop.to_string().contains(secret));
    }
    let (status, taken) = server.post("/v1/shopify/shops", connect).await;
    assert_eq!(
        (status, taken["error"]["code"].as_str()),
        (409, Some("shop_taken")),
        "{taken}"
    );
    let (_, audit) = server.get("/v1/audit").await;
    assert!(
        audit.to_string().contains("POST /v1/shopify/shops"),
        "connecting a shop is audited: {audit}"
    );

    // Placed 61 minutes ago: the first reminder is due as soon as the order is stored.
    shopify.put_order(SHOP, cod_order(450789469, "#1001", LOCAL_PHONE, 61 * 60));
    let (status, taken) = send_shop_webhook(
        &server,
        shopify.webhook(SHOP, "orders/create", 450789469, CLIENT_SECRET),
    )
    .await;
    assert_eq!(
        (status, taken["outcome"].as_str()),
        (200, Some("stored")),
        "{taken}"
    );

    server
        .until("the reminder reaches WhatsApp", || async {
            !graph.templates_to(WHATSAPP).is_empty()
        })
        .await;
    let sent = &graph.templates_to(WHATSAPP)[0];
    assert!(
        sent.path.ends_with(&format!("/{PHONE_NUMBER_ID}/messages")),
        "{}",
        sent.path
    );
    assert_eq!(
        sent.authorization.as_deref(),
        Some(format!("Bearer {ACCESS_TOKEN}").as_str())
    );
    let template = &sent.body["template"];
    assert_eq!(template["name"], "cod_confirmation");
    assert_eq!(template["language"]["code"], "en");
    let components = template["components"].as_array().expect("components");
    let body = components
        .iter()
        .find(|part| part["type"] == "body")
        .expect("a body");
    let texts: Vec<&str> = body["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|parameter| parameter["text"].as_str())
        .collect();
    assert_eq!(texts, ["Asha Rao", "#1001", "INR 598.94"]);
    let buttons: Vec<&Value> = components
        .iter()
        .filter(|part| part["type"] == "button")
        .collect();
    assert_eq!(buttons.len(), 2, "{template}");
    let confirm = format!("order-reminder:confirm:{SHOP}:450789469");
    assert_eq!(buttons[0]["sub_type"], "quick_reply");
    assert_eq!(buttons[0]["parameters"][0]["payload"], confirm.as_str());
    assert_eq!(
        buttons[1]["parameters"][0]["payload"],
        format!("order-reminder:cancel:{SHOP}:450789469")
    );

    server
        .until("the first reminder is recorded and tagged", || async {
            let kept = order(&server, 450789469).await;
            kept["reminders"]
                .as_array()
                .is_some_and(|sent| sent.len() == 1)
                && kept["tagsPending"].is_null()
        })
        .await;
    let kept = order(&server, 450789469).await;
    assert_eq!(
        kept["reminders"][0]["providerMessageId"],
        sent.issued_id.as_str()
    );
    assert_eq!(kept["contact"], WHATSAPP);
    assert_eq!(kept["reminderStatus"], "awaiting");
    assert_eq!(shopify.order(SHOP, 450789469)["tags"], "first_reminder");

    // The customer taps "Confirm" under the reminder.
    let tap = whatsapp_webhook(json!({
        "contacts": [{"profile": {"name": "Asha"}, "wa_id": WHATSAPP}],
        "messages": [{"context": {"from": "16505551111", "id": sent.issued_id}, "from": WHATSAPP,
            "id": "wamid.HBgMOTE5ODc2NTQzMjEwFQIAEhgUM0E", "timestamp": "1700000300", "type": "button",
            "button": {"payload": confirm, "text": "Confirm"}}]
    }));
    assert_eq!(post_webhook(&server, &tap).await, 200);
    server
        .until("the order is confirmed and tagged", || async {
            order(&server, 450789469).await["reminderStatus"] == "confirmed"
                && shopify.order(SHOP, 450789469)["tags"] == "first_reminder, cod_confirmed"
        })
        .await;
    // The tap is answered with the shop's acknowledgement, not by the bot's brain.
    let texts_to_customer = || -> Vec<String> {
        graph
            .requests()
            .into_iter()
            .filter(|request| request.body["to"] == WHATSAPP && request.body["type"] == "text")
            .filter_map(|request| request.body["text"]["body"].as_str().map(str::to_owned))
            .collect()
    };
    server
        .until("the tap is acknowledged", || async {
            !texts_to_customer().is_empty()
        })
        .await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(
        texts_to_customer(),
        ["Thank you! Your order #1001 is confirmed and will be on its way soon."]
    );
    let (_, confirmed) = server.get("/v1/shopify/orders?status=confirmed").await;
    assert_eq!(
        confirmed["items"].as_array().map(Vec::len),
        Some(1),
        "{confirmed}"
    );
    let (status, bad) = server.get("/v1/shopify/orders?status=maybe").await;
    assert_eq!(
        (status, bad["error"]["code"].as_str()),
        (400, Some("invalid_query"))
    );

    // Reported pending, but cancelled at the shop by the time its reminder is due: none goes.
    let pending = cod_order(450789470, "#1002", "+91 91234 56789", 61 * 60);
    let mut cancelled = pending.clone();
    cancelled["cancelled_at"] = json!(support::shopify_fake::chrono_rfc3339(0));
    shopify.put_order(SHOP, cancelled);
    let (status, _) = send_shop_webhook(
        &server,
        signed_webhook(SHOP, "orders/create", &pending, CLIENT_SECRET),
    )
    .await;
    assert_eq!(status, 200);
    server
        .until("the cancelled order is settled", || async {
            order(&server, 450789470).await["reminderStatus"] == "settled"
        })
        .await;
    assert!(
        graph.templates_to("919123456789").is_empty(),
        "no reminder for a cancelled order"
    );
    assert_eq!(
        graph.templates_to(WHATSAPP).len(),
        1,
        "the confirmed order is not reminded again"
    );
    assert_eq!(
        graph.templates_to("447700900123").len(),
        1,
        "syncing again reminds no one twice"
    );

    // The customer's data rights cover their orders.
    let query = format!("channel=whatsapp&contact={WHATSAPP}");
    let (status, exported) = server
        .get(&format!("/v1/data/contact-export?{query}"))
        .await;
    assert_eq!(status, 200, "{exported}");
    assert_eq!(
        exported["orders"].as_array().map(Vec::len),
        Some(1),
        "{exported}"
    );
    assert_eq!(exported["orders"][0]["order"]["name"], "#1001");
    let (status, erased) = server.delete(&format!("/v1/data/contact?{query}")).await;
    assert_eq!(
        (status, erased["erasedOrders"].as_u64()),
        (200, Some(1)),
        "{erased}"
    );
    let (status, _) = server
        .get(&format!("/v1/shopify/shops/{SHOP}/orders/450789469"))
        .await;
    assert_eq!(status, 404, "the erased order is gone");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhooks_are_verified_and_a_reminder_due_during_a_crash_goes_out_once() {
    let graph = FakeGraph::start().await;
    let shopify = ShopifyFake::start(SHOP, SHOP_TOKEN).await;
    let dir = tempfile::tempdir().expect("data dir");
    let mut server = shop_server(&graph, &shopify, dir.path()).await;
    let connect = json!({"shopDomain": SHOP, "accessToken": SHOP_TOKEN, "webhookSecret": CLIENT_SECRET, "reminders": reminders()});
    let (status, shop) = server.post("/v1/shopify/shops", connect).await;
    assert_eq!(status, 201, "{shop}");

    // Due four seconds from now.
    shopify.put_order(
        SHOP,
        cod_order(450789471, "#1003", LOCAL_PHONE, 60 * 60 - 4),
    );
    let genuine = shopify.webhook(SHOP, "orders/create", 450789471, CLIENT_SECRET);
    let forged = shopify.webhook(SHOP, "orders/create", 450789471, "not the app's secret");
    let (status, refused) = send_shop_webhook(&server, forged).await;
    assert_eq!(
        (status, refused["error"]["code"].as_str()),
        (401, Some("invalid_signature")),
        "{refused}"
    );
    let unsigned: Vec<(String, String)> = genuine
        .0
        .iter()
        .filter(|(name, _)| name != "X-Shopify-Hmac-Sha256")
        .cloned()
        .collect();
    let (status, _) = send_shop_webhook(&server, (unsigned, genuine.1.clone())).await;
    assert_eq!(status, 401);
    let stranger: Vec<(String, String)> = genuine
        .0
        .iter()
        .map(|(name, value)| match name.as_str() {
            "X-Shopify-Shop-Domain" => (name.clone(), "stranger.myshopify.com".to_owned()),
            _ => (name.clone(), value.clone()),
        })
        .collect();
    let (status, _) = send_shop_webhook(&server, (stranger, genuine.1.clone())).await;
    assert_eq!(status, 404);
    let (status, _) = server
        .get(&format!("/v1/shopify/shops/{SHOP}/orders/450789471"))
        .await;
    assert_eq!(status, 404, "nothing refused was stored");

    let (status, _) = send_shop_webhook(&server, genuine.clone()).await;
    assert_eq!(status, 200);
    // The same webhook again (Shopify retries) changes nothing.
    let (status, again) = send_shop_webhook(&server, genuine).await;
    assert_eq!(
        (status, again["reminderStatus"].as_str()),
        (200, Some("awaiting"))
    );
    server.kill_and_restart().await;
    server
        .until("the reminder due during the crash goes out", || async {
            graph.templates_to(WHATSAPP).len() == 1
        })
        .await;
    server
        .until("it is recorded", || async {
            order(&server, 450789471).await["reminders"]
                .as_array()
                .is_some_and(|sent| sent.len() == 1)
        })
        .await;
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    assert_eq!(graph.templates_to(WHATSAPP).len(), 1, "sent once");

    // The merchant rotates the token: the next order's reminder waits, and the shop says why.
    shopify.set_token(SHOP, "shpat_rotated");
    shopify.put_order(
        SHOP,
        cod_order(450789472, "#1004", "+91 90000 11111", 61 * 60),
    );
    let (status, _) = send_shop_webhook(
        &server,
        shopify.webhook(SHOP, "orders/create", 450789472, CLIENT_SECRET),
    )
    .await;
    assert_eq!(status, 200);
    server
        .until("the shop shows its token refused", || async {
            server.get(&format!("/v1/shopify/shops/{SHOP}")).await.1["unhealthy"].is_string()
        })
        .await;
    let waiting = order(&server, 450789472).await;
    assert_eq!(waiting["reminderStatus"], "awaiting", "{waiting}");
    assert!(
        waiting["lastError"]
            .as_str()
            .unwrap_or_default()
            .contains("access token"),
        "{waiting}"
    );
    let (status, renewed) = server
        .patch(
            &format!("/v1/shopify/shops/{SHOP}"),
            json!({"accessToken": "shpat_rotated"}),
        )
        .await;
    assert_eq!(
        (status, renewed["unhealthy"].is_null()),
        (200, true),
        "{renewed}"
    );

    let (status, _) = server.delete(&format!("/v1/shopify/shops/{SHOP}")).await;
    assert_eq!(status, 204);
    let (status, _) = send_shop_webhook(
        &server,
        shopify.webhook(SHOP, "orders/updated", 450789471, CLIENT_SECRET),
    )
    .await;
    assert_eq!(status, 404, "a disconnected shop's webhooks are refused");
}
