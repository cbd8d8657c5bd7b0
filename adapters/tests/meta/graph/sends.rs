//! Successful sends: each channel's exact request and the message id read from Meta's documented
//! answer.

use super::fake_graph::{FakeGraph, Reply};
use super::*;
use botwot_adapters::channels::ChannelRouter;
use botwot_adapters::meta::graph::template::Template;
use botwot_adapters::meta::graph::whatsapp::WhatsAppContent;
use botwot_adapters::meta::graph::{GraphClient, GraphConfig, MetaGraphSender, StaticTokens};
use botwot_engine::ports::{ChannelSender, DeliveryError, DeliveryReceipt};
use serde_json::json;

const WAMID: &str = "wamid.HBgLMTY1MDUwNzY1MjAVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA";
const MID: &str =
    "m_AG5Hz2Uq7tuwNEhXfYYKj8mJEM_QPpz5jdCK48PnKAjSdjfipqxqMvK8ma6AC8fplwlqLP_5cgXIbu7I3rBN0P";

fn whatsapp_accepted() -> Reply {
    Reply::json(
        200,
        json!({
            "messaging_product": "whatsapp",
            "contacts": [{"input": WA_ID, "wa_id": WA_ID}],
            "messages": [{"id": WAMID, "message_status": "accepted"}]
        }),
    )
}

fn send_api_accepted(recipient: &str) -> Reply {
    Reply::json(200, json!({"recipient_id": recipient, "message_id": MID}))
}

#[tokio::test]
async fn whatsapp_text_is_posted_to_the_phone_number() {
    let graph = FakeGraph::start(whatsapp_accepted()).await;
    let sender = sender(&graph.base_url);

    let sent = sender
        .send(&whatsapp_text(
            "Your order ships today: https://shop.example.com/o/42",
        ))
        .await
        .unwrap();

    assert_eq!(sent.channel, Channel::WhatsApp);
    assert_eq!(sent.provider_message_id, WAMID);
    let request = graph.only_request();
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, format!("/v21.0/{PHONE_NUMBER_ID}/messages"));
    assert_eq!(
        request.header("authorization"),
        Some(format!("Bearer {WHATSAPP_TOKEN}").as_str())
    );
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(
        request.body,
        json!({
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": WA_ID,
            "type": "text",
            "text": {"body": "Your order ships today: https://shop.example.com/o/42", "preview_url": true}
        })
    );
}

#[tokio::test]
async fn the_channel_sender_reports_a_whatsapp_send_as_sent_with_its_wamid() {
    let graph = FakeGraph::start(whatsapp_accepted()).await;
    let receipt = sender(&graph.base_url)
        .deliver(&whatsapp_text("hello"))
        .await
        .unwrap();
    assert_eq!(receipt, DeliveryReceipt::sent(WAMID));
    assert_eq!(graph.only_request().body["text"]["body"], json!("hello"));
}

#[tokio::test]
async fn messenger_text_is_posted_to_the_send_api_with_the_page_token() {
    let graph = FakeGraph::start(send_api_accepted(PSID)).await;
    let entry = outbox_entry(
        Channel::Messenger,
        PAGE_ID,
        PSID,
        MessageBody::text("Hi Ana!"),
    );

    let sent = sender(&graph.base_url).send(&entry).await.unwrap();

    assert_eq!(sent.channel, Channel::Messenger);
    assert_eq!(sent.provider_message_id, MID);
    let request = graph.only_request();
    assert_eq!(request.path, "/v21.0/me/messages");
    assert_eq!(
        request.header("authorization"),
        Some(format!("Bearer {PAGE_TOKEN}").as_str())
    );
    assert_eq!(
        request.body,
        json!({
            "recipient": {"id": PSID},
            "messaging_type": "RESPONSE",
            "message": {"text": "Hi Ana!"}
        })
    );
}

#[tokio::test]
async fn instagram_text_is_posted_to_the_send_api_with_its_token() {
    let graph = FakeGraph::start(send_api_accepted(IGSID)).await;
    let entry = outbox_entry(
        Channel::Instagram,
        INSTAGRAM_ACCOUNT_ID,
        IGSID,
        MessageBody::text("Thanks for the story mention!"),
    );

    let receipt = sender(&graph.base_url).deliver(&entry).await.unwrap();

    assert_eq!(receipt, DeliveryReceipt::sent(MID));
    let request = graph.only_request();
    assert_eq!(request.path, "/v21.0/me/messages");
    assert_eq!(
        request.header("authorization"),
        Some(format!("Bearer {INSTAGRAM_TOKEN}").as_str())
    );
    assert_eq!(
        request.body,
        json!({
            "recipient": {"id": IGSID},
            "messaging_type": "RESPONSE",
            "message": {"text": "Thanks for the story mention!"}
        })
    );
}

#[tokio::test]
async fn messenger_attachments_are_sent_by_url() {
    let graph = FakeGraph::start(send_api_accepted(PSID)).await;
    let body = MessageBody::Media {
        media_type: "image".into(),
        url: "https://cdn.example.com/menu.png".into(),
        caption: None,
    };
    let entry = outbox_entry(Channel::Messenger, PAGE_ID, PSID, body);
    sender(&graph.base_url).send(&entry).await.unwrap();
    assert_eq!(
        graph.only_request().body["message"],
        json!({"attachment": {"type": "image", "payload": {
            "url": "https://cdn.example.com/menu.png", "is_reusable": true
        }}})
    );
}

#[tokio::test]
async fn a_whatsapp_template_is_sent_as_built() {
    let graph = FakeGraph::start(whatsapp_accepted()).await;
    let template = Template::new("order_update", "en_US").body_texts(["Ana", "#42"]);

    let sent = sender(&graph.base_url)
        .send_whatsapp(
            PHONE_NUMBER_ID,
            WA_ID,
            WhatsAppContent::Template { template },
        )
        .await
        .unwrap();

    assert_eq!(sent.provider_message_id, WAMID);
    assert_eq!(
        graph.only_request().body,
        json!({
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": WA_ID,
            "type": "template",
            "template": {
                "name": "order_update",
                "language": {"code": "en_US"},
                "components": [{"type": "body", "parameters": [
                    {"type": "text", "text": "Ana"},
                    {"type": "text", "text": "#42"}
                ]}]
            }
        })
    );
}

#[tokio::test]
async fn the_configured_version_and_path_prefix_are_used() {
    let graph = FakeGraph::start(whatsapp_accepted()).await;
    let config = GraphConfig {
        base_url: format!("{}/graph-proxy/", graph.base_url),
        api_version: "v22.0".into(),
        ..GraphConfig::default()
    };
    let tokens = StaticTokens::default().with(
        Channel::WhatsApp,
        PHONE_NUMBER_ID,
        AccessToken::new(WHATSAPP_TOKEN),
    );
    let sender = MetaGraphSender::new(GraphClient::new(config).unwrap(), Arc::new(tokens));
    sender.send(&whatsapp_text("hi")).await.unwrap();
    assert_eq!(
        graph.only_request().path,
        format!("/graph-proxy/v22.0/{PHONE_NUMBER_ID}/messages")
    );
}

#[tokio::test]
async fn the_router_hands_all_three_meta_channels_to_the_sender() {
    let graph = FakeGraph::start(send_api_accepted(PSID)).await;
    let router = Arc::new(sender(&graph.base_url)).route_meta_channels(ChannelRouter::default());

    for (channel, account, contact) in [
        (Channel::Messenger, PAGE_ID, PSID),
        (Channel::Instagram, INSTAGRAM_ACCOUNT_ID, IGSID),
    ] {
        let entry = outbox_entry(channel, account, contact, MessageBody::text("hi"));
        let receipt = router.deliver(&entry).await.unwrap();
        assert_eq!(receipt.delivery, Delivery::Sent);
        assert_eq!(receipt.provider_message_id.as_deref(), Some(MID));
    }
    assert_eq!(graph.requests().len(), 2);

    // WhatsApp is routed too (the fake's Send API answer has no wamid, so it is unreadable).
    let error = router.deliver(&whatsapp_text("hi")).await.unwrap_err();
    assert!(matches!(error, DeliveryError::Retryable { .. }), "{error}");
    assert_eq!(
        graph.requests()[2].path,
        format!("/v21.0/{PHONE_NUMBER_ID}/messages")
    );

    let web = outbox_entry(Channel::Web, "widget", "visitor", MessageBody::text("hi"));
    assert!(matches!(
        router.deliver(&web).await,
        Err(DeliveryError::Permanent(_))
    ));
}

#[tokio::test]
async fn a_number_over_its_messages_per_second_is_held_back_for_the_outbox() {
    let graph = FakeGraph::start(whatsapp_accepted()).await;
    let mut config = GraphConfig::with_base_url(&graph.base_url);
    config.whatsapp_messages_per_second = 2;
    let client = GraphClient::new(config).expect("config");
    let tokens = StaticTokens::default().with(
        Channel::WhatsApp,
        PHONE_NUMBER_ID,
        AccessToken::new(WHATSAPP_TOKEN),
    );
    let sender = MetaGraphSender::new(client, Arc::new(tokens));
    for _ in 0..2 {
        sender
            .deliver(&whatsapp_text("hello"))
            .await
            .expect("within the rate");
    }
    let held = sender
        .deliver(&whatsapp_text("hello"))
        .await
        .expect_err("over the rate");
    match held {
        DeliveryError::Deferred { retry_after: wait } => assert!(
            wait > Duration::ZERO && wait <= Duration::from_millis(500),
            "{wait:?}"
        ),
        other => panic!("expected the send deferred, got {other:?}"),
    }
    assert_eq!(graph.requests().len(), 2, "the held send reached nobody");
}
