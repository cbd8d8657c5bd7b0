//! The Graph API sender against a local server speaking Meta's documented wire format: the exact
//! request each channel sends, the message id read from each documented success body, and how
//! every kind of failure is classified for the outbox (with no retry inside the client), and
//! how a rejected token marks its integration unhealthy, inbound media downloads, and files
//! agents uploaded sent by upload.

mod failures;
mod fake_graph;
mod health;
mod media;
mod memory_blobs;
mod sends;
mod uploads;

use botwot_adapters::meta::graph::{
    AccessToken, GraphClient, GraphConfig, MetaGraphSender, StaticTokens,
};
use botwot_engine::message::Delivery;
use botwot_engine::outbox::OutboxEntry;
use botwot_engine::{
    Author, Channel, Direction, Message, MessageBody, MessageId, SessionId, SessionKey, TenantId,
    Timestamp,
};
use std::sync::Arc;
use std::time::Duration;

pub const PHONE_NUMBER_ID: &str = "106540352242922";
pub const WA_ID: &str = "16505551234";
pub const PAGE_ID: &str = "1234567890123";
pub const PSID: &str = "1254477777772919";
pub const INSTAGRAM_ACCOUNT_ID: &str = "17841400000000";
pub const IGSID: &str = "5566778899001122";

pub const WHATSAPP_TOKEN: &str = "EAAwhatsappSYSTEMUSERtoken";
pub const PAGE_TOKEN: &str = "EAApageACCESStoken";
pub const INSTAGRAM_TOKEN: &str = "EAAinstagramPAGEtoken";

/// A sender pointed at `base_url`, with a token for each test account.
pub fn sender_at(base_url: &str, timeout: Duration) -> MetaGraphSender {
    let config = GraphConfig::with_base_url(base_url).set_request_timeout(timeout);
    let client = GraphClient::new(config).expect("a valid graph config");
    let tokens = StaticTokens::default()
        .with(
            Channel::WhatsApp,
            PHONE_NUMBER_ID,
            AccessToken::new(WHATSAPP_TOKEN),
        )
        .with(Channel::Messenger, PAGE_ID, AccessToken::new(PAGE_TOKEN))
        .with(
            Channel::Instagram,
            INSTAGRAM_ACCOUNT_ID,
            AccessToken::new(INSTAGRAM_TOKEN),
        );
    MetaGraphSender::new(client, Arc::new(tokens))
}

/// A sender with the default 10 second timeout.
pub fn sender(base_url: &str) -> MetaGraphSender {
    sender_at(base_url, Duration::from_secs(10))
}

/// An outbound bot message waiting in the outbox.
pub fn outbox_entry(
    channel: Channel,
    account: &str,
    contact: &str,
    body: MessageBody,
) -> OutboxEntry {
    let tenant = TenantId::from("org_test");
    let key = SessionKey::new(tenant.clone(), channel, account, contact);
    let message = Message {
        id: MessageId::from("msg_0193a0b1c2d3"),
        tenant_id: tenant,
        session_id: SessionId::from("ses_0193a0b1c2d3"),
        seq: 2,
        direction: Direction::Outbound,
        author: Author::Bot,
        body,
        provider_message_id: None,
        created_at: Timestamp(1_764_000_000_000),
        delivery: Delivery::Pending,
    };
    OutboxEntry::new(key, message, Timestamp(1_764_000_000_000))
}

pub fn whatsapp_text(text: &str) -> OutboxEntry {
    outbox_entry(
        Channel::WhatsApp,
        PHONE_NUMBER_ID,
        WA_ID,
        MessageBody::text(text),
    )
}
