//! What waits to happen: durable timers and the outbox of messages to send.

use super::{DeliveryReceipt, StoreError};
use crate::channel::Channel;
use crate::ids::TenantId;
use crate::message::Delivery;
use crate::outbox::OutboxEntry;
use crate::time::Timestamp;
use crate::timer::DurableTimer;
use async_trait::async_trait;

#[async_trait]
pub trait TimerStore: Send + Sync + 'static {
    /// Every stored timer, earliest first (loaded once at start).
    async fn all_timers(&self) -> Result<Vec<DurableTimer>, StoreError>;
    /// The timers written for sessions of `shards` (see [`DurableTimer::shard`]), each
    /// shard's earliest first: what a cluster node adopting those shards arms.
    async fn timers_of_shards(&self, shards: &[u32]) -> Result<Vec<DurableTimer>, StoreError>;
}

#[async_trait]
pub trait OutboxStore: Send + Sync + 'static {
    /// Entries not yet delivered, oldest first.
    async fn pending_outbox(&self, limit: usize) -> Result<Vec<OutboxEntry>, StoreError>;
    /// Entries not yet delivered of sessions of `shards` (see [`OutboxEntry::shard`]), each
    /// shard's oldest first, at most `limit` per shard.
    async fn pending_outbox_of_shards(
        &self,
        shards: &[u32],
        limit: usize,
    ) -> Result<Vec<OutboxEntry>, StoreError>;
    /// The entry was handed to its channel: remove it and record the message's delivery state
    /// and, when the channel gave one, its provider message id (so status callbacks find it).
    /// A report parked for that id ([`OutboxStore::park_early_delivery`]) is applied then.
    async fn outbox_delivered(
        &self,
        entry: &OutboxEntry,
        receipt: DeliveryReceipt,
    ) -> Result<(), StoreError>;
    /// The attempt failed: keep the entry with its new attempt count and next attempt time.
    async fn outbox_retry_later(&self, entry: &OutboxEntry) -> Result<(), StoreError>;
    /// A channel reported `delivery` for a message it names `provider_message_id` that no
    /// message carries yet: the report overtook the answer to the send. Kept (the furthest of
    /// several) until the outbox records that id, or for a day; older ones are purged here.
    async fn park_early_delivery(
        &self,
        tenant: &TenantId,
        channel: Channel,
        provider_message_id: &str,
        delivery: Delivery,
        at: Timestamp,
    ) -> Result<(), StoreError>;
    /// Removes and returns the report parked for that id, if any.
    async fn take_early_delivery(
        &self,
        tenant: &TenantId,
        channel: Channel,
        provider_message_id: &str,
    ) -> Result<Option<Delivery>, StoreError>;
}
