//! The outbox: outbound messages waiting to be handed to their channel, and the delivery
//! reports that overtook their send (`early_deliveries.rs`), applied once a send is recorded.

use super::schema::{OUTBOX, OUTBOX_BY_NEXT_ATTEMPT, OUTBOX_BY_SHARD};
use super::shards::of_shards;
use super::{Store, records};
use crate::backend::{DocumentBackend, IndexQuery, WriteBatch};
use crate::error::StorageError;
use async_trait::async_trait;
use botwot_engine::Channel;
use botwot_engine::ids::TenantId;
use botwot_engine::message::Delivery;
use botwot_engine::outbox::OutboxEntry;
use botwot_engine::ports::{DeliveryReceipt, OutboxStore, StoreError};
use botwot_engine::time::Timestamp;

#[async_trait]
impl<B: DocumentBackend> OutboxStore for Store<B> {
    async fn pending_outbox(&self, limit: usize) -> Result<Vec<OutboxEntry>, StoreError> {
        let mut query = IndexQuery::new(&OUTBOX, &OUTBOX_BY_NEXT_ATTEMPT, Vec::new());
        query.limit = limit;
        Ok(self.find(query).await?)
    }

    async fn pending_outbox_of_shards(
        &self,
        shards: &[u32],
        limit: usize,
    ) -> Result<Vec<OutboxEntry>, StoreError> {
        let queries = of_shards(&OUTBOX, &OUTBOX_BY_SHARD, shards, limit);
        Ok(self.find_all(queries).await?)
    }

    async fn outbox_delivered(
        &self,
        entry: &OutboxEntry,
        receipt: DeliveryReceipt,
    ) -> Result<(), StoreError> {
        let mut batch = WriteBatch::with_capacity(2);
        let tenant = Some(&entry.key.tenant_id);
        let provider_id = receipt.provider_message_id.clone();
        if let Some(updated) = self
            .with_delivery(tenant, &entry.message.id, receipt, Some(entry.key.channel))
            .await?
        {
            batch.put(updated);
        }
        // The entry goes last: on a backend without atomic batches, a crash in between leaves
        // the entry (sent again after the restart, at least once) rather than a sent message
        // recorded as pending for good.
        batch.delete(&OUTBOX, entry.id());
        self.backend.write(batch).await?;
        if let Some(provider_id) = provider_id {
            self.apply_early_delivery(entry, &provider_id).await?;
        }
        Ok(())
    }

    async fn park_early_delivery(
        &self,
        tenant: &TenantId,
        channel: Channel,
        provider_message_id: &str,
        delivery: Delivery,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        Ok(self
            .park(tenant, channel, provider_message_id, delivery, at)
            .await?)
    }

    async fn take_early_delivery(
        &self,
        tenant: &TenantId,
        channel: Channel,
        provider_message_id: &str,
    ) -> Result<Option<Delivery>, StoreError> {
        Ok(self.take(tenant, channel, provider_message_id).await?)
    }

    async fn outbox_retry_later(&self, entry: &OutboxEntry) -> Result<(), StoreError> {
        let mut batch = WriteBatch::with_capacity(1);
        batch.put(records::outbox::<B>(entry)?);
        Ok(self.backend.write(batch).await?)
    }
}

impl<B: DocumentBackend> Store<B> {
    /// Applies the report parked for the provider id the entry's message just got, if one
    /// overtook the send.
    async fn apply_early_delivery(
        &self,
        entry: &OutboxEntry,
        provider_id: &str,
    ) -> Result<(), StorageError> {
        let (tenant, channel) = (&entry.key.tenant_id, entry.key.channel);
        let Some(delivery) = self.take(tenant, channel, provider_id).await? else {
            return Ok(());
        };
        let receipt = DeliveryReceipt {
            delivery,
            provider_message_id: None,
        };
        let updated = self
            .with_delivery(Some(tenant), &entry.message.id, receipt, None)
            .await?;
        if let Some(updated) = updated {
            let mut batch = WriteBatch::with_capacity(1);
            batch.put(updated);
            self.backend.write(batch).await?;
        }
        Ok(())
    }
}
