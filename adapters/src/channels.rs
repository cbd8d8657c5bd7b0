//! Routing outbound messages to the sender of their channel.

use async_trait::async_trait;
use botwot_engine::Channel;
use botwot_engine::outbox::OutboxEntry;
use botwot_engine::ports::{ChannelSender, DeliveryError, DeliveryReceipt};
use std::collections::HashMap;
use std::sync::Arc;

/// A [`ChannelSender`] that hands each entry to the sender registered for its channel.
#[derive(Clone, Default)]
pub struct ChannelRouter {
    senders: HashMap<Channel, Arc<dyn ChannelSender>>,
}

impl ChannelRouter {
    pub fn with(mut self, channel: Channel, sender: Arc<dyn ChannelSender>) -> Self {
        self.senders.insert(channel, sender);
        self
    }
}

#[async_trait]
impl ChannelSender for ChannelRouter {
    async fn deliver(&self, entry: &OutboxEntry) -> Result<DeliveryReceipt, DeliveryError> {
        match self.senders.get(&entry.key.channel) {
            Some(sender) => sender.deliver(entry).await,
            None => Err(DeliveryError::Permanent(format!(
                "no {} channel is configured on this node",
                entry.key.channel
            ))),
        }
    }
}
