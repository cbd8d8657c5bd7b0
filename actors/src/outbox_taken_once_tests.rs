//! The dispatcher takes an entry it already has only once: a node that gives a shard up and
//! takes it back reloads entries it is still sending.

use super::OutboxDispatcher;
use crate::config::NodeConfig;
use async_trait::async_trait;
use botwot_engine::message::{Author, Delivery, Direction, Message, MessageBody};
use botwot_engine::outbox::OutboxEntry;
use botwot_engine::ports::{ChannelSender, DeliveryError, DeliveryReceipt};
use botwot_engine::time::{ManualClock, Timestamp};
use botwot_engine::{Channel, MessageId, SessionId, SessionKey, TenantId};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// Puts off its first send (as a sender at its rate does), then counts what it sends.
#[derive(Default)]
struct PutsOffTheFirst {
    calls: AtomicUsize,
    sent: AtomicUsize,
}

#[async_trait]
impl ChannelSender for PutsOffTheFirst {
    async fn deliver(&self, entry: &OutboxEntry) -> Result<DeliveryReceipt, DeliveryError> {
        if self.calls.fetch_add(1, Ordering::SeqCst) == 0 {
            return Err(DeliveryError::Deferred {
                retry_after: Duration::from_millis(50),
            });
        }
        self.sent.fetch_add(1, Ordering::SeqCst);
        Ok(DeliveryReceipt::sent(format!("wamid.{}", entry.message.id)))
    }
}

fn reply() -> OutboxEntry {
    let key = SessionKey::new(TenantId::from("org_a"), Channel::WhatsApp, "bot_a", "+1555");
    let message = Message {
        id: MessageId::generate(),
        tenant_id: key.tenant_id.clone(),
        session_id: SessionId::generate(),
        seq: 2,
        direction: Direction::Outbound,
        author: Author::Bot,
        body: MessageBody::text("on its way"),
        provider_message_id: None,
        created_at: Timestamp(0),
        delivery: Delivery::Pending,
    };
    OutboxEntry::new(key, message, Timestamp(0))
}

#[tokio::test]
async fn an_entry_submitted_again_while_the_dispatcher_has_it_is_sent_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = botwot_storage::open_embedded(dir.path()).expect("store");
    let sender = Arc::new(PutsOffTheFirst::default());
    let clock = Arc::new(ManualClock::starting_at(Timestamp(0)));
    let config = NodeConfig::default();
    let handle = OutboxDispatcher::start(store, sender.clone(), clock, &config, None);
    let entry = reply();

    handle.submit(vec![entry.clone()]);
    // Reloaded while the first copy waits for the sender's rate.
    handle.submit(vec![entry.clone()]);
    for _ in 0..500 {
        if handle.waiting() == 0 && sender.sent.load(Ordering::SeqCst) > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // Long enough for a second copy to come back from its own put-off.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(sender.sent.load(Ordering::SeqCst), 1, "sent once");

    // Its result stored, the same entry is taken again (as a restart would load it).
    handle.submit(vec![entry]);
    for _ in 0..500 {
        if sender.sent.load(Ordering::SeqCst) > 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(sender.sent.load(Ordering::SeqCst), 2);
}
